-- Extends the lease of a job (intake.jobs) a worker holds: locked_until = now + @lease_seconds.
--
-- The job must be held by @worker: 'running' and locked_by = @worker. A heartbeat after the lease ended is accepted as
-- long as nobody reclaimed the job (intake.sp_reclaim_jobs) meanwhile: the worker still holds it. locked_at (when the
-- claim was taken) and attempts stay as they are. One UPDATE, so a heartbeat and a reclaim of the same job run one
-- after the other: whichever comes second finds the job changed (a heartbeat then gets 50218, a reclaim skips it).
-- No audit event: a heartbeat changes no state.
-- Returns one row: job_id, locked_at, locked_by, locked_until.
-- Errors (docs/errors.md), raised before anything is written:
--   50216 @worker missing, empty or longer than 64 characters, 50217 @lease_seconds not between 1 and 86400 (one
--   day), 50218 the job is not held by @worker (unknown, not running, or held by another worker).
-- @attempt (the attempts value sp_claim_jobs returned with the job) is the claim token: when given, a call from an
-- attempt that was reclaimed and claimed again (even by the same worker name) no longer matches. Workers should pass it.
CREATE OR ALTER PROCEDURE intake.sp_heartbeat_job
    @job_id bigint,
    @worker varchar(65),
    @lease_seconds int = 300,
    @attempt int = NULL
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    -- Like the claim and the reclaim: row locks only, whatever the caller's level (reverts when the procedure returns).
    SET TRANSACTION ISOLATION LEVEL READ COMMITTED;

    DECLARE @now datetime2 = SYSUTCDATETIME();
    DECLARE @held int;
    DECLARE @message nvarchar(2048);
    DECLARE @state TABLE (
        job_id bigint NOT NULL,
        locked_at datetime2 NOT NULL,
        locked_by varchar(64) NOT NULL,
        locked_until datetime2 NOT NULL
    );

    BEGIN TRY
        IF NULLIF(LTRIM(@worker), '') IS NULL OR LEN(@worker) > 64
            THROW 50216, N'sp_heartbeat_job: @worker is required (at most 64 characters).', 1;
        IF @lease_seconds IS NULL OR @lease_seconds < 1 OR @lease_seconds > 86400
            THROW 50217, N'sp_heartbeat_job: @lease_seconds must be between 1 and 86400 (one day).', 1;

        UPDATE j
        SET
            j.locked_until = DATEADD(SECOND, @lease_seconds, @now),
            j.updated_at = @now
        OUTPUT
            INSERTED.job_id,
            INSERTED.locked_at,
            INSERTED.locked_by,
            INSERTED.locked_until
        INTO @state
        FROM intake.jobs AS j WITH (ROWLOCK)
        WHERE
            j.job_id = @job_id
            AND j.status = 'running'
            AND j.locked_by = @worker
            AND (@attempt IS NULL OR j.attempts = @attempt);
        SET @held = @@ROWCOUNT;

        IF @held = 0
            BEGIN
                SET @message = CONCAT(
                    N'sp_heartbeat_job: job ', COALESCE(CONVERT(nvarchar(20), @job_id), N'NULL'),
                    N' is not held by worker ', @worker, N' (unknown, not running, or held by another worker).'
                );
                THROW 50218, @message, 1;
            END;

        SELECT
            s.job_id,
            s.locked_at,
            s.locked_by,
            s.locked_until
        FROM @state AS s;
    END TRY
    BEGIN CATCH
        IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
        THROW;
    END CATCH;
END;
