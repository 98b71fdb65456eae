-- Takes back running jobs (intake.jobs) whose lease ran out: their worker died. Retried at once, or dead.
--
-- A job is reclaimed when it is 'running' and its locked_until has passed. Its attempt was counted when it was
-- claimed, so attempts stays; last_error says 'lease expired; worker <locked_by> did not finish'. When attempts has
-- reached max_attempts the job is 'dead' (finished_at = now); otherwise it goes back to 'failed', the table's retry
-- state, with run_after = now, so the next claim can take it at once. Either way the claim is cleared (locked_at,
-- locked_by, locked_until). At most @batch_size jobs per call, in the order of the claiming index (run_after,
-- created_at, job_id); rows other sessions have locked (a worker completing, failing or heartbeating the job right
-- now) are skipped (UPDLOCK, READPAST, ROWLOCK), so a reclaim never blocks the workers.
-- Audit event per job (job_id, thread_id, actor NULL = the system): 'job.reclaimed' with data {"worker", "attempt",
-- "max_attempts", "locked_until", "run_after"}, or 'job.dead' with data {"worker", "attempt", "max_attempts",
-- "locked_until", "error"}.
-- Returns one row: reclaimed (jobs back to retry), dead.
-- Errors (docs/errors.md), raised before anything is written:
--   50225 @batch_size not between 1 and 2000.
CREATE OR ALTER PROCEDURE intake.sp_reclaim_jobs
    @batch_size int = 100
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    -- READPAST needs READ COMMITTED (or REPEATABLE READ); a caller's SERIALIZABLE (TransactionScope's default)
    -- would make it fail with error 650. Set here, the level reverts to the caller's when the procedure returns.
    SET TRANSACTION ISOLATION LEVEL READ COMMITTED;

    DECLARE @now datetime2 = SYSUTCDATETIME();
    DECLARE @stale TABLE (job_id bigint NOT NULL PRIMARY KEY);
    DECLARE @outcome TABLE (
        job_id bigint NOT NULL PRIMARY KEY,
        workspace_id uniqueidentifier NOT NULL,
        thread_id bigint NULL,
        status varchar(16) NOT NULL,
        attempts int NOT NULL,
        max_attempts int NOT NULL,
        run_after datetime2 NOT NULL,
        last_error nvarchar(2000) NULL,
        locked_by varchar(64) NOT NULL,
        locked_until datetime2 NOT NULL,
        created_at datetime2 NOT NULL
    );

    BEGIN TRY
        IF @batch_size IS NULL OR @batch_size < 1 OR @batch_size > 2000
            THROW 50225, N'sp_reclaim_jobs: @batch_size must be between 1 and 2000.', 1;

        BEGIN TRANSACTION;

        -- The expired leases are chosen first without update locks, then only those are locked (READPAST skips a row
        -- a worker holds right now) and checked again, so running jobs whose lease is alive are never left locked.
        INSERT INTO @stale (job_id)
        SELECT TOP (@batch_size) j.job_id
        FROM intake.jobs AS j WITH (READPAST)
        WHERE
            j.status = 'running'
            AND j.locked_until <= @now
        ORDER BY j.status ASC, j.run_after ASC, j.created_at ASC, j.job_id ASC;

        -- One statement; on the right of SET every column still has its value from before the update.
        UPDATE j
        SET
            j.status = CASE WHEN j.attempts >= j.max_attempts THEN 'dead' ELSE 'failed' END,
            j.run_after = CASE WHEN j.attempts >= j.max_attempts THEN j.run_after ELSE @now END,
            j.finished_at = CASE WHEN j.attempts >= j.max_attempts THEN @now END,
            j.last_error = CONCAT(N'lease expired; worker ', j.locked_by, N' did not finish'),
            j.locked_at = NULL,
            j.locked_by = NULL,
            j.locked_until = NULL,
            j.updated_at = @now
        OUTPUT
            INSERTED.job_id,
            INSERTED.workspace_id,
            INSERTED.thread_id,
            INSERTED.status,
            INSERTED.attempts,
            INSERTED.max_attempts,
            INSERTED.run_after,
            INSERTED.last_error,
            DELETED.locked_by,
            DELETED.locked_until,
            INSERTED.created_at
        INTO @outcome
        FROM intake.jobs AS j WITH (UPDLOCK, READPAST, ROWLOCK)
        INNER JOIN @stale AS x ON j.job_id = x.job_id
        WHERE
            j.status = 'running'
            AND j.locked_until <= @now;

        INSERT INTO intake.audit_events (workspace_id, thread_id, job_id, type, data_json, actor, created_at)
        SELECT
            o.workspace_id,
            o.thread_id,
            o.job_id,
            CASE WHEN o.status = 'dead' THEN 'job.dead' ELSE 'job.reclaimed' END AS type,
            (
                SELECT
                    o.locked_by AS worker,
                    o.attempts AS attempt,
                    o.max_attempts,
                    o.locked_until,
                    CASE WHEN o.status = 'failed' THEN o.run_after END AS run_after,
                    CASE WHEN o.status = 'dead' THEN o.last_error END AS error
                FOR JSON PATH, WITHOUT_ARRAY_WRAPPER
            ) AS data_json,
            NULL AS actor,
            @now AS created_at
        FROM @outcome AS o
        ORDER BY o.run_after, o.created_at, o.job_id;

        COMMIT TRANSACTION;

        SELECT
            COUNT(CASE WHEN o.status = 'failed' THEN 1 END) AS reclaimed,
            COUNT(CASE WHEN o.status = 'dead' THEN 1 END) AS dead
        FROM @outcome AS o;
    END TRY
    BEGIN CATCH
        IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
        THROW;
    END CATCH;
END;
