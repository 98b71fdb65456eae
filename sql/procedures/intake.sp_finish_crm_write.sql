-- Records the outcome of a pending CRM write: 'succeeded', 'failed' or 'skipped', once.
--
-- The write's row is locked (UPDLOCK, HOLDLOCK) before its status is checked, so concurrent finishes of one write
-- run one after the other and only the first one succeeds. Only a 'pending' write is finished: a dry run never is
-- (50257), and a finished write keeps its first outcome (50258). Sets status, response_json, crm_object_id, error
-- and updated_at = now; a failed write needs @error (the table's rule).
-- Audit event, in the same transaction: 'crm.write_finished' (thread_id of the write; data crm_write_id, crm,
-- action, status, crm_object_id).
-- Returns the write's row.
-- Errors (docs/errors.md), raised before anything is written:
--   50252 unknown workspace, 50253 @status not succeeded, failed or skipped, 50254 a failed write without @error,
--   50255 @response_json not a JSON object, 50256 @crm_write_id not a write of the workspace, 50257 the write is a
--   dry run, 50258 the write is finished already.
CREATE OR ALTER PROCEDURE intake.sp_finish_crm_write
    @workspace_id uniqueidentifier,
    @crm_write_id bigint,
    @status varchar(16),
    @response_json nvarchar(max) = NULL,
    @crm_object_id varchar(128) = NULL,
    @error nvarchar(4000) = NULL,
    @actor varchar(320) = NULL
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    DECLARE @now datetime2 = SYSUTCDATETIME();
    DECLARE @json_type tinyint;
    DECLARE @current_status varchar(16);
    DECLARE @thread_id bigint;
    DECLARE @crm varchar(32);
    DECLARE @action varchar(32);
    DECLARE @message nvarchar(2048);
    DECLARE @data nvarchar(max);

    BEGIN TRY
        SET @status = LOWER(LTRIM(RTRIM(@status)));
        SET @crm_object_id = NULLIF(LTRIM(RTRIM(@crm_object_id)), '');
        SET @error = NULLIF(LTRIM(RTRIM(@error)), N'');

        IF NOT EXISTS (SELECT 1 FROM intake.workspaces AS w WHERE w.workspace_id = @workspace_id)
            THROW 50252, N'sp_finish_crm_write: @workspace_id does not name a workspace.', 1;
        IF @status IS NULL OR @status NOT IN ('succeeded', 'failed', 'skipped')
            THROW 50253, N'sp_finish_crm_write: @status must be succeeded, failed or skipped.', 1;
        IF @status = 'failed' AND @error IS NULL
            THROW 50254, N'sp_finish_crm_write: a failed write needs @error.', 1;
        IF @response_json IS NOT NULL
            BEGIN
                SET @json_type = NULL;
                IF ISJSON(@response_json) = 1
                    SELECT @json_type = j.type
                    FROM OPENJSON(CONCAT(N'{"v":', @response_json, N'}')) AS j
                    WHERE j.[key] = N'v';
                IF @json_type IS NULL OR @json_type <> 5
                    THROW 50255, N'sp_finish_crm_write: @response_json must be a JSON object.', 1;
            END;

        BEGIN TRANSACTION;

        -- The write, locked: concurrent finishes of one write run one after the other.
        SELECT
            @current_status = l.status,
            @thread_id = l.thread_id,
            @crm = l.crm,
            @action = l.action
        FROM intake.crm_write_log AS l WITH (UPDLOCK, HOLDLOCK)
        WHERE l.workspace_id = @workspace_id AND l.crm_write_id = @crm_write_id;

        IF @current_status IS NULL
            THROW 50256, N'sp_finish_crm_write: @crm_write_id is not a CRM write of @workspace_id.', 1;
        IF @current_status = 'dry_run'
            BEGIN
                SET @message = CONCAT(
                    N'sp_finish_crm_write: write ', @crm_write_id, N' is a dry run; a dry run has no outcome to record.'
                );
                THROW 50257, @message, 1;
            END;
        IF @current_status <> 'pending'
            BEGIN
                SET @message = CONCAT(
                    N'sp_finish_crm_write: write ', @crm_write_id, N' is finished already (', @current_status,
                    N'); only a pending write can be finished.'
                );
                THROW 50258, @message, 1;
            END;

        UPDATE l
        SET
            l.status = @status,
            l.response_json = @response_json,
            l.crm_object_id = @crm_object_id,
            l.error = @error,
            l.updated_at = @now
        FROM intake.crm_write_log AS l
        WHERE l.workspace_id = @workspace_id AND l.crm_write_id = @crm_write_id;

        SET @data = CONCAT(
            N'{"crm_write_id":', @crm_write_id,
            N',"crm":"', @crm,
            N'","action":"', @action,
            N'","status":"', @status,
            N'","crm_object_id":',
            CASE WHEN @crm_object_id IS NULL THEN N'null' ELSE CONCAT(N'"', STRING_ESCAPE(@crm_object_id, 'json'), N'"') END,
            N'}'
        );
        INSERT INTO intake.audit_events (workspace_id, thread_id, type, data_json, actor, created_at)
        VALUES (@workspace_id, @thread_id, 'crm.write_finished', @data, @actor, @now);

        COMMIT TRANSACTION;

        SELECT
            l.crm_write_id,
            l.workspace_id,
            l.thread_id,
            l.deal_id,
            l.crm,
            l.action,
            l.idempotency_key,
            l.payload_hash,
            l.status,
            l.request_json,
            l.response_json,
            l.crm_object_id,
            l.error,
            l.created_at,
            l.updated_at
        FROM intake.crm_write_log AS l
        WHERE l.crm_write_id = @crm_write_id;
    END TRY
    BEGIN CATCH
        IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
        THROW;
    END CATCH;
END;
