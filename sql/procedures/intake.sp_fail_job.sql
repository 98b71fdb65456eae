-- Records a failed attempt at a job (intake.jobs) a worker holds: retry later with exponential backoff, or dead.
--
-- The job must be held by @worker: 'running' and locked_by = @worker. attempts already counts this attempt (a claim
-- adds 1), so the failure does not change it; last_error keeps @error (cut to 2,000 characters). When attempts has
-- reached max_attempts the job is 'dead' (finished_at = now) and is never claimed again. Otherwise it goes back to
-- 'failed', the table's retry state, and waits: run_after = now + MIN(@max_backoff_seconds, @backoff_seconds *
-- 2^(attempts - 1)), i.e. 30 s, 60 s, 120 s ... with the defaults, capped at one hour; the power is never computed
-- beyond 2^29, so nothing overflows. Either way the claim is over: locked_at, locked_by and locked_until are cleared
-- (the audit log keeps who ran which attempt).
-- Audit event (job_id, thread_id, actor = @worker): 'job.failed' with data {"attempt", "max_attempts", "error",
-- "run_after"}, or 'job.dead' with data {"attempt", "max_attempts", "error"}.
-- Returns the job's new state: job_id, status, attempts, max_attempts, run_after, finished_at, last_error.
-- Errors (docs/errors.md), raised before anything is written:
--   50222 @worker (missing, empty or longer than 64 characters) or @error (missing or empty),
--   50223 @backoff_seconds / @max_backoff_seconds out of range (0 <= backoff <= max backoff <= 2592000, 30 days),
--   50224 the job is not held by @worker (unknown, not running, or held by another worker).
-- @attempt (the attempts value sp_claim_jobs returned with the job) is the claim token: when given, a call from an
-- attempt that was reclaimed and claimed again (even by the same worker name) no longer matches. Workers should pass it.
CREATE OR ALTER PROCEDURE intake.sp_fail_job
    @job_id bigint,
    @worker varchar(65),
    @error nvarchar(2000),
    @backoff_seconds int = 30,
    @max_backoff_seconds int = 3600,
    @attempt int = NULL
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    -- Like the claim and the reclaim: row locks only, whatever the caller's level (reverts when the procedure returns).
    SET TRANSACTION ISOLATION LEVEL READ COMMITTED;

    DECLARE @now datetime2 = SYSUTCDATETIME();
    DECLARE @workspace_id uniqueidentifier;
    DECLARE @thread_id bigint;
    DECLARE @attempts int;
    DECLARE @max_attempts int;
    DECLARE @is_dead bit;
    DECLARE @delay bigint;
    DECLARE @retry_at datetime2;
    DECLARE @type varchar(64);
    DECLARE @data nvarchar(max);
    DECLARE @audit_event_id bigint;
    DECLARE @message nvarchar(2048);
    DECLARE @state TABLE (
        job_id bigint NOT NULL,
        status varchar(16) NOT NULL,
        attempts int NOT NULL,
        max_attempts int NOT NULL,
        run_after datetime2 NOT NULL,
        finished_at datetime2 NULL,
        last_error nvarchar(2000) NULL
    );

    BEGIN TRY
        IF NULLIF(LTRIM(@worker), '') IS NULL OR LEN(@worker) > 64
            THROW 50222, N'sp_fail_job: @worker is required (at most 64 characters).', 1;
        IF NULLIF(LTRIM(@error), N'') IS NULL
            THROW 50222, N'sp_fail_job: @error is required: say why the attempt failed.', 1;
        IF
            @backoff_seconds IS NULL
            OR @max_backoff_seconds IS NULL
            OR @backoff_seconds < 0
            OR @max_backoff_seconds < @backoff_seconds
            OR @max_backoff_seconds > 2592000
            THROW 50223, N'sp_fail_job: need 0 <= @backoff_seconds <= @max_backoff_seconds <= 2592000 (30 days).', 1;

        BEGIN TRANSACTION;

        -- The job, locked until the end: a reclaim (READPAST) passes it by meanwhile.
        SELECT
            @workspace_id = j.workspace_id,
            @thread_id = j.thread_id,
            @attempts = j.attempts,
            @max_attempts = j.max_attempts
        FROM intake.jobs AS j WITH (UPDLOCK, ROWLOCK)
        WHERE
            j.job_id = @job_id
            AND j.status = 'running'
            AND j.locked_by = @worker
            AND (@attempt IS NULL OR j.attempts = @attempt);

        IF @workspace_id IS NULL
            BEGIN
                SET @message = CONCAT(
                    N'sp_fail_job: job ', COALESCE(CONVERT(nvarchar(20), @job_id), N'NULL'),
                    N' is not held by worker ', @worker, N' (unknown, not running, or held by another worker).'
                );
                THROW 50224, @message, 1;
            END;

        SET @is_dead = CASE WHEN @attempts >= @max_attempts THEN 1 ELSE 0 END;
        -- The attempt that failed is the attempts-th (at least the first: a job put to 'running' by hand may show 0).
        SET @delay = CASE
            WHEN @backoff_seconds = 0 OR @attempts <= 1 THEN @backoff_seconds
            WHEN @attempts - 1 >= 30 THEN @max_backoff_seconds
            ELSE CONVERT(bigint, @backoff_seconds) * POWER(CONVERT(bigint, 2), @attempts - 1)
        END;
        IF @delay > @max_backoff_seconds SET @delay = @max_backoff_seconds;
        SET @retry_at = CASE WHEN @is_dead = 0 THEN DATEADD(SECOND, CONVERT(int, @delay), @now) END;
        SET @type = CASE WHEN @is_dead = 1 THEN 'job.dead' ELSE 'job.failed' END;

        UPDATE j
        SET
            j.status = CASE WHEN @is_dead = 1 THEN 'dead' ELSE 'failed' END,
            j.run_after = COALESCE(@retry_at, j.run_after),
            j.finished_at = CASE WHEN @is_dead = 1 THEN @now END,
            j.last_error = @error,
            j.locked_at = NULL,
            j.locked_by = NULL,
            j.locked_until = NULL,
            j.updated_at = @now
        OUTPUT
            INSERTED.job_id,
            INSERTED.status,
            INSERTED.attempts,
            INSERTED.max_attempts,
            INSERTED.run_after,
            INSERTED.finished_at,
            INSERTED.last_error
        INTO @state
        FROM intake.jobs AS j
        WHERE j.job_id = @job_id;

        SET @data = (
            SELECT
                @attempts AS attempt,
                @max_attempts AS max_attempts,
                @error AS error,
                @retry_at AS run_after
            FOR JSON PATH, WITHOUT_ARRAY_WRAPPER
        );

        EXEC intake.sp_append_audit_event
            @workspace_id = @workspace_id,
            @type = @type,
            @data_json = @data,
            @thread_id = @thread_id,
            @job_id = @job_id,
            @actor = @worker,
            @audit_event_id = @audit_event_id OUTPUT;

        COMMIT TRANSACTION;

        SELECT
            s.job_id,
            s.status,
            s.attempts,
            s.max_attempts,
            s.run_after,
            s.finished_at,
            s.last_error
        FROM @state AS s;
    END TRY
    BEGIN CATCH
        IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
        THROW;
    END CATCH;
END;
