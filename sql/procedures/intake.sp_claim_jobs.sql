-- Claims a batch of due jobs (intake.jobs) for one worker under a lease, in the order of the claiming index.
--
-- A job is claimable when it is 'queued', or 'failed' and waiting for its retry (the table's retry state), its
-- run_after has come and it has attempts left (attempts < max_attempts). Jobs are taken in the order of the seed's
-- claiming index IX_intake_jobs_status_run_after_created_at: status, run_after, created_at (then job_id), so due
-- retries ('failed') come before fresh jobs ('queued'). Rows other sessions have locked are skipped (UPDLOCK, READPAST,
-- ROWLOCK: T-SQL's FOR UPDATE SKIP LOCKED), so workers never wait for each other and no job is ever handed to two
-- workers. Each claimed job becomes 'running' with locked_at = now, locked_by = @worker, locked_until = now +
-- @lease_seconds, and attempts + 1: attempts counts claims (attempts started), so it never passes max_attempts.
-- A worker that neither completes, fails nor heartbeats the job before its lease ends loses it to
-- intake.sp_reclaim_jobs. @workspace_id and @job_type restrict the claim to one workspace and one kind of job.
-- Audit event 'job.claimed' per job (job_id, thread_id, actor = @worker): data {"attempt", "max_attempts",
-- "locked_until"}, in the claim's transaction.
-- Returns the claimed jobs in claim order (no rows when there is nothing to do): job_id, workspace_id, thread_id,
-- job_type, payload_json, attempts, max_attempts, run_after, last_error, created_at, locked_at, locked_by,
-- locked_until.
-- Errors (docs/errors.md), raised before anything is written:
--   50212 @worker missing, empty or longer than 64 characters, 50213 @batch_size not between 1 and 2000 or
--   @lease_seconds not between 1 and 86400 (one day), 50214 @workspace_id given but not a workspace,
--   50215 @job_type given but not a dotted lower-case name of up to 64 characters.
CREATE OR ALTER PROCEDURE intake.sp_claim_jobs
    @worker varchar(65),
    @batch_size int = 10,
    @lease_seconds int = 300,
    @workspace_id uniqueidentifier = NULL,
    @job_type varchar(65) = NULL
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    -- READPAST needs READ COMMITTED (or REPEATABLE READ); a caller's SERIALIZABLE (TransactionScope's default)
    -- would make it fail with error 650. Set here, the level reverts to the caller's when the procedure returns.
    SET TRANSACTION ISOLATION LEVEL READ COMMITTED;

    DECLARE @now datetime2 = SYSUTCDATETIME();
    DECLARE @claimed TABLE (
        job_id bigint NOT NULL PRIMARY KEY,
        workspace_id uniqueidentifier NOT NULL,
        thread_id bigint NULL,
        job_type varchar(64) NOT NULL,
        payload_json nvarchar(max) NULL,
        attempts int NOT NULL,
        max_attempts int NOT NULL,
        run_after datetime2 NOT NULL,
        last_error nvarchar(2000) NULL,
        created_at datetime2 NOT NULL,
        locked_at datetime2 NOT NULL,
        locked_by varchar(64) NOT NULL,
        locked_until datetime2 NOT NULL,
        claimed_from varchar(16) NOT NULL
    );

    BEGIN TRY
        IF NULLIF(LTRIM(@worker), '') IS NULL OR LEN(@worker) > 64
            THROW 50212, N'sp_claim_jobs: @worker is required (at most 64 characters).', 1;
        IF @batch_size IS NULL OR @batch_size < 1 OR @batch_size > 2000
            THROW 50213, N'sp_claim_jobs: @batch_size must be between 1 and 2000.', 1;
        IF @lease_seconds IS NULL OR @lease_seconds < 1 OR @lease_seconds > 86400
            THROW 50213, N'sp_claim_jobs: @lease_seconds must be between 1 and 86400 (one day).', 1;
        IF
            @workspace_id IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM intake.workspaces AS w WHERE w.workspace_id = @workspace_id)
            THROW 50214, N'sp_claim_jobs: @workspace_id does not name a workspace.', 1;
        IF
            @job_type IS NOT NULL
            AND (
                @job_type = ''
                OR LEN(@job_type) > 64
                OR @job_type COLLATE Latin1_General_100_BIN2 LIKE '%[^a-z0-9_.]%'
                OR LEFT(@job_type, 1) = '.'
                OR RIGHT(@job_type, 1) = '.'
                OR CHARINDEX('..', @job_type) > 0
            )
            THROW 50215, N'sp_claim_jobs: @job_type must be a dotted lower-case name (a-z, 0-9, _), at most 64 characters.', 1;

        BEGIN TRANSACTION;

        -- One statement: rows are locked (UPDLOCK) as they are found in index order, rows locked by others are
        -- skipped. The ORDER BY is the index's key order (job_id is its row locator), so no sort reads ahead.
        WITH due AS (
            SELECT TOP (@batch_size)
                j.job_id,
                j.workspace_id,
                j.thread_id,
                j.job_type,
                j.payload_json,
                j.status,
                j.run_after,
                j.attempts,
                j.max_attempts,
                j.last_error,
                j.created_at,
                j.updated_at,
                j.locked_at,
                j.locked_by,
                j.locked_until
            FROM intake.jobs AS j WITH (UPDLOCK, READPAST, ROWLOCK)
            WHERE
                j.status IN ('failed', 'queued')
                AND j.run_after <= @now
                AND j.attempts < j.max_attempts
                AND (@workspace_id IS NULL OR j.workspace_id = @workspace_id)
                AND (@job_type IS NULL OR j.job_type = @job_type)
            ORDER BY j.status ASC, j.run_after ASC, j.created_at ASC, j.job_id ASC
        )

        UPDATE d
        SET
            d.status = 'running',
            d.attempts = d.attempts + 1,
            d.locked_at = @now,
            d.locked_by = @worker,
            d.locked_until = DATEADD(SECOND, @lease_seconds, @now),
            d.updated_at = @now
        OUTPUT
            INSERTED.job_id,
            INSERTED.workspace_id,
            INSERTED.thread_id,
            INSERTED.job_type,
            INSERTED.payload_json,
            INSERTED.attempts,
            INSERTED.max_attempts,
            INSERTED.run_after,
            INSERTED.last_error,
            INSERTED.created_at,
            INSERTED.locked_at,
            INSERTED.locked_by,
            INSERTED.locked_until,
            DELETED.status
        INTO @claimed
        FROM due AS d;

        INSERT INTO intake.audit_events (workspace_id, thread_id, job_id, type, data_json, actor, created_at)
        SELECT
            c.workspace_id,
            c.thread_id,
            c.job_id,
            'job.claimed' AS type,
            (
                SELECT
                    c.attempts AS attempt,
                    c.max_attempts,
                    c.locked_until
                FOR JSON PATH, WITHOUT_ARRAY_WRAPPER
            ) AS data_json,
            c.locked_by AS actor,
            @now AS created_at
        FROM @claimed AS c
        ORDER BY c.claimed_from, c.run_after, c.created_at, c.job_id;

        COMMIT TRANSACTION;

        SELECT
            c.job_id,
            c.workspace_id,
            c.thread_id,
            c.job_type,
            c.payload_json,
            c.attempts,
            c.max_attempts,
            c.run_after,
            c.last_error,
            c.created_at,
            c.locked_at,
            c.locked_by,
            c.locked_until
        FROM @claimed AS c
        ORDER BY c.claimed_from, c.run_after, c.created_at, c.job_id;
    END TRY
    BEGIN CATCH
        IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
        THROW;
    END CATCH;
END;
