-- Resolves a pending association candidates row: a person picks one of its deals for the thread, or dismisses it.
--
-- With @deal_id (one of the row's candidate deals, and a deal of the workspace) the thread is linked to it through
-- intake.sp_link_thread_to_deal with confidence 1, reason 'chosen by reviewer', @replace = 1 (the person's choice
-- wins over a link made meanwhile) and @actor = @resolved_by; that link marks the row 'resolved'
-- (resolved_deal_id = @deal_id, resolved_by, resolved_at = now) and audits 'deal.thread_linked' with the row's id.
-- With @deal_id NULL the row is marked 'dismissed' (resolved_by, resolved_at = now), the thread's link (if any) is
-- left alone, and 'deal.association_dismissed' is audited (actor = @resolved_by, data_json
-- {association_candidate_id}). @resolved_by (trimmed, up to 320 characters) is required: the system resolves
-- candidates by linking the thread. The thread's row is locked first (UPDLOCK, HOLDLOCK), then the candidates row;
-- its status and candidates are read again under the lock, so of two concurrent resolutions the second gets 50281.
-- Returns the association_candidates row after the call, with thread_link_id (the thread's link, NULL when none).
-- Errors (docs/errors.md), raised before anything is written:
--   50279 unknown workspace, 50280 @association_candidate_id not a row of the workspace, 50281 the row is not
--   pending (resolved or dismissed already), 50282 @deal_id is not one of the row's candidate deals of the workspace,
--   50283 @resolved_by missing, empty or over 320 characters.
CREATE OR ALTER PROCEDURE intake.sp_resolve_association
    @workspace_id uniqueidentifier,
    @association_candidate_id bigint,
    @deal_id bigint = NULL,
    @resolved_by varchar(max)
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    DECLARE @now datetime2 = SYSUTCDATETIME();
    DECLARE @thread_id bigint;
    DECLARE @locked_thread_id bigint;
    DECLARE @status varchar(16);
    DECLARE @candidates nvarchar(max);
    DECLARE @thread_link_id bigint;
    DECLARE @link_outcome varchar(16);
    DECLARE @data nvarchar(max);

    BEGIN TRY
        SET @resolved_by = NULLIF(LTRIM(RTRIM(@resolved_by)), '');

        IF NOT EXISTS (SELECT 1 FROM intake.workspaces AS w WHERE w.workspace_id = @workspace_id)
            THROW 50279, N'sp_resolve_association: @workspace_id does not name a workspace.', 1;

        SELECT @thread_id = c.thread_id
        FROM intake.association_candidates AS c
        WHERE c.workspace_id = @workspace_id AND c.association_candidate_id = @association_candidate_id;

        IF @thread_id IS NULL
            THROW 50280, N'sp_resolve_association: @association_candidate_id is not an association candidate of @workspace_id.', 1;
        IF @resolved_by IS NULL OR LEN(@resolved_by) > 320
            THROW 50283, N'sp_resolve_association: @resolved_by is required (up to 320 characters).', 1;

        BEGIN TRANSACTION;

        -- The thread, locked so that concurrent changes of its deal association run one after the other.
        SELECT @locked_thread_id = t.thread_id
        FROM intake.threads AS t WITH (UPDLOCK, HOLDLOCK)
        WHERE t.workspace_id = @workspace_id AND t.thread_id = @thread_id;

        SELECT
            @status = c.status,
            @candidates = c.candidates_json
        FROM intake.association_candidates AS c WITH (UPDLOCK, HOLDLOCK)
        WHERE c.workspace_id = @workspace_id AND c.association_candidate_id = @association_candidate_id;

        IF @status <> 'pending'
            THROW 50281, N'sp_resolve_association: the association candidates are not pending (resolved or dismissed already).', 1;
        IF
            @deal_id IS NOT NULL AND (
                NOT EXISTS (
                    SELECT 1 FROM OPENJSON(@candidates) AS j
                    WHERE j.[type] = 5 AND TRY_CONVERT(bigint, JSON_VALUE(j.[value], '$.deal_id')) = @deal_id
                )
                OR NOT EXISTS (
                    SELECT 1 FROM intake.deals AS d
                    WHERE d.workspace_id = @workspace_id AND d.deal_id = @deal_id
                )
            )
            THROW 50282, N'sp_resolve_association: @deal_id is not one of the candidate deals.', 1;

        IF @deal_id IS NOT NULL
            -- The link resolves the thread's pending row, this one, with @deal_id and @resolved_by.
            EXEC intake.sp_link_thread_to_deal
                @workspace_id = @workspace_id,
                @thread_id = @thread_id,
                @deal_id = @deal_id,
                @link_confidence = 1,
                @link_reason = N'chosen by reviewer',
                @replace = 1,
                @actor = @resolved_by,
                @return_row = 0,
                @thread_link_id = @thread_link_id OUTPUT,
                @link_outcome = @link_outcome OUTPUT;
        ELSE
            BEGIN
                UPDATE c
                SET
                    c.status = 'dismissed',
                    c.resolved_by = @resolved_by,
                    c.resolved_at = @now,
                    c.updated_at = @now
                FROM intake.association_candidates AS c
                WHERE c.association_candidate_id = @association_candidate_id;

                SET @data = (
                    SELECT @association_candidate_id AS association_candidate_id
                    FOR JSON PATH, WITHOUT_ARRAY_WRAPPER, INCLUDE_NULL_VALUES
                );

                INSERT INTO intake.audit_events (workspace_id, thread_id, type, data_json, actor, created_at)
                VALUES (@workspace_id, @thread_id, 'deal.association_dismissed', @data, @resolved_by, @now);

                SELECT @thread_link_id = l.thread_link_id
                FROM intake.thread_links AS l
                WHERE l.workspace_id = @workspace_id AND l.thread_id = @thread_id;
            END;

        COMMIT TRANSACTION;

        SELECT
            c.association_candidate_id,
            c.workspace_id,
            c.thread_id,
            c.candidates_json,
            c.status,
            c.resolved_deal_id,
            c.resolved_by,
            c.resolved_at,
            c.created_at,
            c.updated_at,
            @thread_link_id AS thread_link_id
        FROM intake.association_candidates AS c
        WHERE c.association_candidate_id = @association_candidate_id;
    END TRY
    BEGIN CATCH
        IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
        THROW;
    END CATCH;
END;
