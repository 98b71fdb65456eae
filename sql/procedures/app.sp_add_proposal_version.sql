-- Adds the next proposal version of an open pursuit, as a draft.
--
-- The version is MAX(version) + 1 of the pursuit's proposals (1 for the first), computed with the pursuit row locked
-- (UPDLOCK, HOLDLOCK) and the pursuit's proposals read under UPDLOCK, HOLDLOCK, so concurrent calls for one pursuit
-- run one after the other and never collide on UX_proposal_version. A won or lost pursuit gets no new version.
-- Event 'proposal_version_created' (proposal; payload pursuit_id, version) in the same transaction.
-- Returns the new proposal's row.
-- Errors (docs/errors.md), raised before anything is written:
--   50061 unknown org, 50062 actor not a user of the org, 50063 pursuit not of the org, 50064 the pursuit is won
--   or lost.
CREATE OR ALTER PROCEDURE app.sp_add_proposal_version
    @org_id int,
    @pursuit_id bigint,
    @doc_id varchar(128) = NULL,
    @actor_user_id int = NULL
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    DECLARE @now datetime2 = SYSUTCDATETIME();
    DECLARE @stage varchar(8);
    DECLARE @version int;
    DECLARE @proposal_id bigint;
    DECLARE @payload nvarchar(max);
    DECLARE @event_id bigint;
    DECLARE @message nvarchar(2048);

    BEGIN TRY
        IF NOT EXISTS (SELECT 1 FROM core.org AS o WHERE o.org_id = @org_id)
            THROW 50061, N'sp_add_proposal_version: @org_id does not name an org.', 1;
        IF
            @actor_user_id IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM core.user_account AS u
                WHERE u.org_id = @org_id AND u.user_id = @actor_user_id
            )
            THROW 50062, N'sp_add_proposal_version: @actor_user_id is not a user of @org_id.', 1;
        IF
            @pursuit_id IS NULL OR NOT EXISTS (
                SELECT 1 FROM app.pursuit AS p
                WHERE p.org_id = @org_id AND p.pursuit_id = @pursuit_id
            )
            THROW 50063, N'sp_add_proposal_version: @pursuit_id is not a pursuit of @org_id.', 1;

        BEGIN TRANSACTION;

        -- The pursuit row, locked: versions of one pursuit are numbered one call at a time.
        SELECT @stage = p.pursuit_stage
        FROM app.pursuit AS p WITH (UPDLOCK, HOLDLOCK)
        WHERE p.org_id = @org_id AND p.pursuit_id = @pursuit_id;

        IF @stage IN ('won', 'lost')
            BEGIN
                SET @message = CONCAT(
                    N'sp_add_proposal_version: pursuit ', @pursuit_id, N' is ', @stage, N'; it takes no new proposal version.'
                );
                THROW 50064, @message, 1;
            END;

        SELECT @version = COALESCE(MAX(pr.version), 0) + 1
        FROM app.proposal AS pr WITH (UPDLOCK, HOLDLOCK)
        WHERE pr.org_id = @org_id AND pr.pursuit_id = @pursuit_id;

        INSERT INTO app.proposal (org_id, pursuit_id, version, doc_id, status, created_at)
        VALUES (@org_id, @pursuit_id, @version, @doc_id, 'draft', @now);
        SET @proposal_id = SCOPE_IDENTITY();

        SET @payload = CONCAT(N'{"pursuit_id":', @pursuit_id, N',"version":', @version, N'}');
        EXEC app.sp_append_work_event
            @org_id = @org_id,
            @item_type = 'proposal',
            @item_id = @proposal_id,
            @event_name = 'proposal_version_created',
            @payload_json = @payload,
            @actor_user_id = @actor_user_id,
            @event_id = @event_id OUTPUT;

        COMMIT TRANSACTION;

        SELECT
            pr.proposal_id,
            pr.org_id,
            pr.pursuit_id,
            pr.version,
            pr.doc_id,
            pr.status,
            pr.sent_at,
            pr.created_at
        FROM app.proposal AS pr
        WHERE pr.proposal_id = @proposal_id;
    END TRY
    BEGIN CATCH
        IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
        THROW;
    END CATCH;
END;
