-- Links a thread to a deal of its workspace: one deal link per thread (intake.thread_links).
--
-- An unlinked thread gets a new link ('created'); linking it to the deal it is linked to already updates the link's
-- confidence and reason ('updated'); a thread linked to another deal is moved to @deal_id only when @replace = 1
-- ('replaced'), else 50271 and nothing changes. @link_confidence is 0-1 (1 for a link a person made); @link_reason
-- is trimmed and required. Every link also resolves the thread's pending association candidates
-- (intake.association_candidates, status 'pending' -> 'resolved', resolved_deal_id = @deal_id,
-- resolved_by = @actor, resolved_at = now), and writes one audit event 'deal.thread_linked' (intake.audit_events:
-- thread_id, actor = @actor, data_json {thread_link_id, deal_id, previous_deal_id, link_confidence, link_reason,
-- link_outcome, association_candidate_ids}), all in one transaction. The thread's row is locked first
-- (UPDLOCK, HOLDLOCK), as in intake.sp_propose_deal_associations and intake.sp_resolve_association, so every change
-- of a thread's deal association runs one after the other.
-- Returns the link's row with previous_deal_id and link_outcome ('created', 'updated', 'replaced'), and the same in
-- the OUTPUT parameters; @return_row = 0 returns no result set (for calls from other procedures, which run it
-- inside their own transaction).
-- Errors (docs/errors.md), raised before anything is written:
--   50266 unknown workspace, 50267 thread not of the workspace, 50268 deal not of the workspace,
--   50269 @link_confidence missing or outside 0-1, 50270 @link_reason missing, empty or over 500 characters,
--   50271 the thread is linked to another deal and @replace is not 1, 50272 @actor over 320 characters.
CREATE OR ALTER PROCEDURE intake.sp_link_thread_to_deal
    @workspace_id uniqueidentifier,
    @thread_id bigint,
    @deal_id bigint,
    @link_confidence decimal(4, 3),
    @link_reason nvarchar(max),
    @replace bit = 0,
    @actor varchar(max) = NULL,
    @return_row bit = 1,
    @thread_link_id bigint = NULL OUTPUT,
    @link_outcome varchar(16) = NULL OUTPUT
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    DECLARE @now datetime2 = SYSUTCDATETIME();
    DECLARE @reason nvarchar(500);
    DECLARE @locked_thread_id bigint;
    DECLARE @previous_deal_id bigint;
    DECLARE @resolved_ids nvarchar(max);
    DECLARE @data nvarchar(max);
    DECLARE @resolved TABLE (candidate_id bigint NOT NULL PRIMARY KEY);

    BEGIN TRY
        SET @thread_link_id = NULL;
        SET @link_outcome = NULL;
        SET @link_reason = NULLIF(LTRIM(RTRIM(@link_reason)), N'');
        SET @actor = NULLIF(LTRIM(RTRIM(@actor)), '');

        IF NOT EXISTS (SELECT 1 FROM intake.workspaces AS w WHERE w.workspace_id = @workspace_id)
            THROW 50266, N'sp_link_thread_to_deal: @workspace_id does not name a workspace.', 1;
        IF
            NOT EXISTS (
                SELECT 1 FROM intake.threads AS t
                WHERE t.workspace_id = @workspace_id AND t.thread_id = @thread_id
            )
            THROW 50267, N'sp_link_thread_to_deal: @thread_id is not a thread of @workspace_id.', 1;
        IF
            NOT EXISTS (
                SELECT 1 FROM intake.deals AS d
                WHERE d.workspace_id = @workspace_id AND d.deal_id = @deal_id
            )
            THROW 50268, N'sp_link_thread_to_deal: @deal_id is not a deal of @workspace_id.', 1;
        IF @link_confidence IS NULL OR @link_confidence < 0 OR @link_confidence > 1
            THROW 50269, N'sp_link_thread_to_deal: @link_confidence must be between 0 and 1.', 1;
        IF @link_reason IS NULL OR LEN(@link_reason) > 500
            THROW 50270, N'sp_link_thread_to_deal: @link_reason is required (up to 500 characters).', 1;
        IF LEN(@actor) > 320
            THROW 50272, N'sp_link_thread_to_deal: @actor is longer than 320 characters.', 1;

        SET @reason = @link_reason;
        SET @replace = COALESCE(@replace, 0);

        BEGIN TRANSACTION;

        -- The thread, locked so that concurrent changes of its deal association run one after the other.
        SELECT @locked_thread_id = t.thread_id
        FROM intake.threads AS t WITH (UPDLOCK, HOLDLOCK)
        WHERE t.workspace_id = @workspace_id AND t.thread_id = @thread_id;

        SELECT
            @thread_link_id = l.thread_link_id,
            @previous_deal_id = l.deal_id
        FROM intake.thread_links AS l WITH (UPDLOCK, HOLDLOCK)
        WHERE l.workspace_id = @workspace_id AND l.thread_id = @thread_id;

        IF @previous_deal_id <> @deal_id AND @replace = 0
            THROW 50271, N'sp_link_thread_to_deal: the thread is linked to another deal; pass @replace = 1 to move it.', 1;

        IF @thread_link_id IS NULL
            BEGIN
                INSERT INTO intake.thread_links (workspace_id, thread_id, deal_id, link_confidence, link_reason, created_at, updated_at)
                VALUES (@workspace_id, @thread_id, @deal_id, @link_confidence, @reason, @now, @now);
                SET @thread_link_id = SCOPE_IDENTITY();
                SET @link_outcome = 'created';
            END
        ELSE
            BEGIN
                UPDATE l
                SET
                    l.deal_id = @deal_id,
                    l.link_confidence = @link_confidence,
                    l.link_reason = @reason,
                    l.updated_at = @now
                FROM intake.thread_links AS l
                WHERE l.thread_link_id = @thread_link_id;
                SET @link_outcome = CASE WHEN @previous_deal_id = @deal_id THEN 'updated' ELSE 'replaced' END;
            END;

        -- The thread's pending association candidates are answered by the link.
        UPDATE c
        SET
            c.status = 'resolved',
            c.resolved_deal_id = @deal_id,
            c.resolved_by = @actor,
            c.resolved_at = @now,
            c.updated_at = @now
        OUTPUT INSERTED.association_candidate_id INTO @resolved (candidate_id)
        FROM intake.association_candidates AS c
        WHERE c.workspace_id = @workspace_id AND c.thread_id = @thread_id AND c.status = 'pending';

        SELECT @resolved_ids = STRING_AGG(CONVERT(nvarchar(20), r.candidate_id), N',') WITHIN GROUP (ORDER BY r.candidate_id)
        FROM @resolved AS r;
        SET @resolved_ids = CONCAT(N'[', @resolved_ids, N']');

        SET @data = (
            SELECT
                @thread_link_id AS thread_link_id,
                @deal_id AS deal_id,
                @previous_deal_id AS previous_deal_id,
                @link_confidence AS link_confidence,
                @reason AS link_reason,
                @link_outcome AS link_outcome,
                JSON_QUERY(@resolved_ids) AS association_candidate_ids
            FOR JSON PATH, WITHOUT_ARRAY_WRAPPER, INCLUDE_NULL_VALUES
        );

        INSERT INTO intake.audit_events (workspace_id, thread_id, type, data_json, actor, created_at)
        VALUES (@workspace_id, @thread_id, 'deal.thread_linked', @data, @actor, @now);

        COMMIT TRANSACTION;

        IF COALESCE(@return_row, 1) = 1
            SELECT
                l.thread_link_id,
                l.workspace_id,
                l.thread_id,
                l.deal_id,
                l.link_confidence,
                l.link_reason,
                l.created_at,
                l.updated_at,
                @previous_deal_id AS previous_deal_id,
                @link_outcome AS link_outcome
            FROM intake.thread_links AS l
            WHERE l.thread_link_id = @thread_link_id;
    END TRY
    BEGIN CATCH
        IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
        THROW;
    END CATCH;
END;
