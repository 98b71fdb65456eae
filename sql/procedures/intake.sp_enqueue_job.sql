-- Queues one job (intake.jobs) for the workers and records 'job.enqueued' in the audit log, in one transaction.
--
-- The job starts 'queued' with attempts = 0 and becomes claimable (intake.sp_claim_jobs) once run_after has come:
-- @run_after (UTC) or, when NULL, now. @job_type is a dotted lower-case name ('ingest_message', 'crm_sync'):
-- segments of a-z, 0-9 and _ joined by single dots, at most 64 characters. @payload_json is the job's arguments as
-- a JSON object (or NULL). @thread_id, when given, must be a thread of @workspace_id. @max_attempts is the number of
-- claims the job may have before it is dead (1 or more). @actor is who asked for the job (NULL = the system); it is
-- the audit event's actor. @job_type and @actor are declared one character wider than their columns, so a longer
-- value is refused instead of silently cut.
-- Audit event 'job.enqueued' (job_id, thread_id, actor): data {"job_type", "run_after", "max_attempts"}.
-- Returns one row: job_id, run_after.
-- Errors (docs/errors.md), raised before anything is written:
--   50206 unknown workspace, 50207 @job_type missing or not a dotted lower-case name of up to 64 characters,
--   50208 @payload_json not a JSON object, 50209 @max_attempts missing or below 1, 50210 @thread_id not a thread of
--   the workspace, 50211 @actor empty or longer than 320 characters.
CREATE OR ALTER PROCEDURE intake.sp_enqueue_job
    @workspace_id uniqueidentifier,
    @job_type varchar(65),
    @payload_json nvarchar(max) = NULL,
    @run_after datetime2 = NULL,
    @max_attempts int = 5,
    @thread_id bigint = NULL,
    @actor varchar(321) = NULL
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    DECLARE @now datetime2 = SYSUTCDATETIME();
    DECLARE @job_id bigint;
    DECLARE @data nvarchar(max);
    DECLARE @audit_event_id bigint;

    BEGIN TRY
        IF NOT EXISTS (SELECT 1 FROM intake.workspaces AS w WHERE w.workspace_id = @workspace_id)
            THROW 50206, N'sp_enqueue_job: @workspace_id does not name a workspace.', 1;
        IF
            @job_type IS NULL
            OR @job_type = ''
            OR LEN(@job_type) > 64
            OR @job_type COLLATE Latin1_General_100_BIN2 LIKE '%[^a-z0-9_.]%'
            OR LEFT(@job_type, 1) = '.'
            OR RIGHT(@job_type, 1) = '.'
            OR CHARINDEX('..', @job_type) > 0
            THROW 50207, N'sp_enqueue_job: @job_type must be a dotted lower-case name (a-z, 0-9, _), at most 64 characters.', 1;
        -- Checked one step at a time: OPENJSON fails on text that is not JSON, and OR does not short-circuit.
        IF @payload_json IS NOT NULL AND ISJSON(@payload_json) = 0
            THROW 50208, N'sp_enqueue_job: @payload_json must be a JSON object.', 1;
        -- ISJSON accepts arrays too; wrapped in brackets, an object is an element of type 5 (an array: 4).
        IF
            @payload_json IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM OPENJSON(CONCAT(N'[', @payload_json, N']')) AS p WHERE p.[type] = 5)
            THROW 50208, N'sp_enqueue_job: @payload_json must be a JSON object.', 1;
        IF @max_attempts IS NULL OR @max_attempts < 1
            THROW 50209, N'sp_enqueue_job: @max_attempts must be 1 or more.', 1;
        IF
            @thread_id IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM intake.threads AS t
                WHERE t.workspace_id = @workspace_id AND t.thread_id = @thread_id
            )
            THROW 50210, N'sp_enqueue_job: @thread_id is not a thread of @workspace_id.', 1;
        IF @actor IS NOT NULL AND (NULLIF(LTRIM(@actor), '') IS NULL OR LEN(@actor) > 320)
            THROW 50211, N'sp_enqueue_job: @actor must be NULL (the system) or 1 to 320 characters.', 1;

        SET @run_after = COALESCE(@run_after, @now);

        BEGIN TRANSACTION;

        INSERT INTO intake.jobs (
            workspace_id, job_type, thread_id, payload_json, status, run_after, attempts, max_attempts, created_at,
            updated_at
        )
        VALUES (
            @workspace_id, @job_type, @thread_id, @payload_json, 'queued', @run_after, 0, @max_attempts, @now, @now
        );
        SET @job_id = SCOPE_IDENTITY();

        SET @data = (
            SELECT
                @job_type AS job_type,
                @run_after AS run_after,
                @max_attempts AS max_attempts
            FOR JSON PATH, WITHOUT_ARRAY_WRAPPER
        );

        EXEC intake.sp_append_audit_event
            @workspace_id = @workspace_id,
            @type = 'job.enqueued',
            @data_json = @data,
            @thread_id = @thread_id,
            @job_id = @job_id,
            @actor = @actor,
            @audit_event_id = @audit_event_id OUTPUT;

        COMMIT TRANSACTION;

        SELECT
            @job_id AS job_id,
            @run_after AS run_after;
    END TRY
    BEGIN CATCH
        IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
        THROW;
    END CATCH;
END;
