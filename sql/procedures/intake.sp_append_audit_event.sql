-- Appends one event to the intake audit log (intake.audit_events).
--
-- Writes a single row and opens no transaction of its own, so a procedure that changes intake rows calls it inside
-- its own transaction: the change and its audit event commit or roll back together. @type is a dotted lower-case
-- name ('job.enqueued', 'crm.write_sent'): segments of a-z, 0-9 and _ joined by single dots, at most 64 characters.
-- @data_json is a JSON object (or NULL). @thread_id and @job_id, when given, must belong to @workspace_id. @actor is
-- who caused the event (a user's email or principal name, or a worker id; NULL = the system). @type and @actor are
-- declared one character wider than their columns, so a longer value is refused instead of silently cut.
-- Returns the new audit_event_id in @audit_event_id (no result set, so it can run inside other procedures).
-- Errors (docs/errors.md), raised before anything is written:
--   50200 unknown workspace, 50201 @type missing or not a dotted lower-case name of up to 64 characters,
--   50202 @data_json not a JSON object, 50203 @thread_id not a thread of the workspace, 50204 @job_id not a job of
--   the workspace, 50205 @actor empty or longer than 320 characters.
CREATE OR ALTER PROCEDURE intake.sp_append_audit_event
    @workspace_id uniqueidentifier,
    @type varchar(65),
    @data_json nvarchar(max) = NULL,
    @thread_id bigint = NULL,
    @job_id bigint = NULL,
    @actor varchar(321) = NULL,
    @audit_event_id bigint = NULL OUTPUT
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    BEGIN TRY
        IF NOT EXISTS (SELECT 1 FROM intake.workspaces AS w WHERE w.workspace_id = @workspace_id)
            THROW 50200, N'sp_append_audit_event: @workspace_id does not name a workspace.', 1;
        IF
            @type IS NULL
            OR @type = ''
            OR LEN(@type) > 64
            OR @type COLLATE Latin1_General_100_BIN2 LIKE '%[^a-z0-9_.]%'
            OR LEFT(@type, 1) = '.'
            OR RIGHT(@type, 1) = '.'
            OR CHARINDEX('..', @type) > 0
            THROW 50201, N'sp_append_audit_event: @type must be a dotted lower-case name (a-z, 0-9, _), at most 64 characters.', 1;
        -- Checked one step at a time: OPENJSON fails on text that is not JSON, and OR does not short-circuit.
        IF @data_json IS NOT NULL AND ISJSON(@data_json) = 0
            THROW 50202, N'sp_append_audit_event: @data_json must be a JSON object.', 1;
        -- ISJSON accepts arrays too; wrapped in brackets, an object is an element of type 5 (an array: 4).
        IF
            @data_json IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM OPENJSON(CONCAT(N'[', @data_json, N']')) AS d WHERE d.[type] = 5)
            THROW 50202, N'sp_append_audit_event: @data_json must be a JSON object.', 1;
        IF
            @thread_id IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM intake.threads AS t
                WHERE t.workspace_id = @workspace_id AND t.thread_id = @thread_id
            )
            THROW 50203, N'sp_append_audit_event: @thread_id is not a thread of @workspace_id.', 1;
        IF
            @job_id IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM intake.jobs AS j
                WHERE j.workspace_id = @workspace_id AND j.job_id = @job_id
            )
            THROW 50204, N'sp_append_audit_event: @job_id is not a job of @workspace_id.', 1;
        IF @actor IS NOT NULL AND (NULLIF(LTRIM(@actor), '') IS NULL OR LEN(@actor) > 320)
            THROW 50205, N'sp_append_audit_event: @actor must be NULL (the system) or 1 to 320 characters.', 1;

        INSERT INTO intake.audit_events (workspace_id, thread_id, job_id, type, data_json, actor, created_at)
        VALUES (@workspace_id, @thread_id, @job_id, @type, @data_json, @actor, SYSUTCDATETIME());
        SET @audit_event_id = SCOPE_IDENTITY();
    END TRY
    BEGIN CATCH
        IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
        THROW;
    END CATCH;
END;
