-- Marks a job (intake.jobs) a worker holds as succeeded and records 'job.succeeded' in the audit log.
--
-- The job must be held by @worker: 'running' and locked_by = @worker. A completion after the lease ended is accepted
-- as long as nobody reclaimed the job (the work was done). The job becomes 'succeeded' with finished_at = now; the
-- claim is over, so locked_at, locked_by and locked_until are cleared (the audit log keeps who ran which attempt);
-- attempts and last_error stay. @result_json (a JSON object or array, or NULL) is kept in the audit event: the jobs
-- table has no result column.
-- Audit event 'job.succeeded' (job_id, thread_id, actor = @worker): data {"attempt", "result"} ("result" only when
-- @result_json is given).
-- Returns one row: job_id, status, attempts, max_attempts, finished_at.
-- Errors (docs/errors.md), raised before anything is written:
--   50219 @worker missing, empty or longer than 64 characters, 50220 @result_json not a JSON object or array,
--   50221 the job is not held by @worker (unknown, not running, or held by another worker).
-- @attempt (the attempts value sp_claim_jobs returned with the job) is the claim token: when given, a call from an
-- attempt that was reclaimed and claimed again (even by the same worker name) no longer matches. Workers should pass it.
CREATE OR ALTER PROCEDURE intake.sp_complete_job
    @job_id bigint,
    @worker varchar(65),
    @result_json nvarchar(max) = NULL,
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
    DECLARE @data nvarchar(max);
    DECLARE @audit_event_id bigint;
    DECLARE @message nvarchar(2048);
    DECLARE @state TABLE (
        job_id bigint NOT NULL,
        status varchar(16) NOT NULL,
        attempts int NOT NULL,
        max_attempts int NOT NULL,
        finished_at datetime2 NULL
    );

    BEGIN TRY
        IF NULLIF(LTRIM(@worker), '') IS NULL OR LEN(@worker) > 64
            THROW 50219, N'sp_complete_job: @worker is required (at most 64 characters).', 1;
        IF @result_json IS NOT NULL AND ISJSON(@result_json) = 0
            THROW 50220, N'sp_complete_job: @result_json must be a JSON object or array.', 1;

        BEGIN TRANSACTION;

        -- The job, locked until the end: a reclaim (READPAST) passes it by meanwhile.
        SELECT
            @workspace_id = j.workspace_id,
            @thread_id = j.thread_id,
            @attempts = j.attempts
        FROM intake.jobs AS j WITH (UPDLOCK, ROWLOCK)
        WHERE
            j.job_id = @job_id
            AND j.status = 'running'
            AND j.locked_by = @worker
            AND (@attempt IS NULL OR j.attempts = @attempt);

        IF @workspace_id IS NULL
            BEGIN
                SET @message = CONCAT(
                    N'sp_complete_job: job ', COALESCE(CONVERT(nvarchar(20), @job_id), N'NULL'),
                    N' is not held by worker ', @worker, N' (unknown, not running, or held by another worker).'
                );
                THROW 50221, @message, 1;
            END;

        UPDATE j
        SET
            j.status = 'succeeded',
            j.finished_at = @now,
            j.locked_at = NULL,
            j.locked_by = NULL,
            j.locked_until = NULL,
            j.updated_at = @now
        OUTPUT
            INSERTED.job_id,
            INSERTED.status,
            INSERTED.attempts,
            INSERTED.max_attempts,
            INSERTED.finished_at
        INTO @state
        FROM intake.jobs AS j
        WHERE j.job_id = @job_id;

        SET @data = (
            SELECT
                @attempts AS attempt,
                JSON_QUERY(@result_json) AS result
            FOR JSON PATH, WITHOUT_ARRAY_WRAPPER
        );

        EXEC intake.sp_append_audit_event
            @workspace_id = @workspace_id,
            @type = 'job.succeeded',
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
            s.finished_at
        FROM @state AS s;
    END TRY
    BEGIN CATCH
        IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
        THROW;
    END CATCH;
END;
