-- Records a CRM write in the idempotent write log, once per workspace, CRM and idempotency key.
--
-- The first call for a key inserts the write with status 'pending', or 'dry_run' when @dry_run = 1, and returns it
-- with is_replay = 0. A repeat with the same payload hash (and the same dry-run mode) returns the first row
-- unchanged with is_replay = 1 and writes nothing. A repeat with another payload hash is a conflict (50250, naming
-- the first 12 characters of both hashes); a repeat whose @dry_run differs from the first call's is refused too
-- (50251): a key used for a dry run never turns into a real write, the real write needs a key of its own. Neither
-- writes anything. The key lookup runs inside the transaction under UPDLOCK, HOLDLOCK, so concurrent calls for one
-- key run one after the other; the unique index UX_intake_crm_write_log_workspace_id_crm_idempotency_key is the
-- last line of defence: when the procedure owns the transaction, its violation is answered by reading the key's
-- row again (a replay or a conflict, as above).
-- @crm, @action and @payload_hash are stored in lower case; the key is compared as the column's collation compares.
-- Audit event, in the same transaction and on insert only: 'crm.write_recorded' (thread_id of the write; data
-- crm_write_id, crm, action, status, idempotency_key, deal_id).
-- Returns the write's row and is_replay.
-- Errors (docs/errors.md), raised before anything is written:
--   50242 unknown workspace, 50243 @crm or @action not a lower-case name of 1-32 letters, digits and underscores,
--   50244 @idempotency_key empty, longer than 200 characters or not plain text, 50245 @payload_hash not 64 hex
--   digits, 50246 @request_json not a JSON object, 50247 thread not of the workspace, 50248 deal not of the
--   workspace, 50249 @dry_run NULL, 50250 the key was recorded with another payload hash, 50251 the key was recorded
--   in the other dry-run mode.
CREATE OR ALTER PROCEDURE intake.sp_record_crm_write
    @workspace_id uniqueidentifier,
    @crm varchar(100),
    @action varchar(100),
    @idempotency_key nvarchar(400),
    @payload_hash varchar(100),
    @thread_id bigint = NULL,
    @deal_id bigint = NULL,
    @request_json nvarchar(max) = NULL,
    @dry_run bit = 0,
    @actor varchar(320) = NULL
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    DECLARE @now datetime2 = SYSUTCDATETIME();
    DECLARE @outer_trancount int = @@TRANCOUNT;
    DECLARE @attempt int = 0;
    DECLARE @done bit = 0;
    DECLARE @json_type tinyint;
    DECLARE @key varchar(200);
    DECLARE @status varchar(16);
    DECLARE @crm_write_id bigint;
    DECLARE @existing_hash char(64);
    DECLARE @existing_status varchar(16);
    DECLARE @is_replay bit = 0;
    DECLARE @message nvarchar(2048);
    DECLARE @data nvarchar(max);

    BEGIN TRY
        SET @crm = LOWER(LTRIM(RTRIM(@crm)));
        SET @action = LOWER(LTRIM(RTRIM(@action)));
        SET @payload_hash = LOWER(LTRIM(RTRIM(@payload_hash)));

        IF NOT EXISTS (SELECT 1 FROM intake.workspaces AS w WHERE w.workspace_id = @workspace_id)
            THROW 50242, N'sp_record_crm_write: @workspace_id does not name a workspace.', 1;
        IF
            NULLIF(@crm, '') IS NULL OR LEN(@crm) > 32
            OR @crm COLLATE Latin1_General_BIN2 LIKE '%[^a-z0-9_]%'
            THROW 50243, N'sp_record_crm_write: @crm must be a lower-case name of 1 to 32 letters, digits and underscores.', 1;
        IF
            NULLIF(@action, '') IS NULL OR LEN(@action) > 32
            OR @action COLLATE Latin1_General_BIN2 LIKE '%[^a-z0-9_]%'
            THROW 50243, N'sp_record_crm_write: @action must be a lower-case name of 1 to 32 letters, digits and underscores.', 1;
        -- The key is stored as varchar(200): refuse what would be cut or changed on the way rather than merge two keys.
        SET @key = CONVERT(varchar(200), @idempotency_key);
        IF
            NULLIF(LTRIM(@idempotency_key), N'') IS NULL
            OR LEN(@idempotency_key) > 200
            OR CONVERT(nvarchar(400), @key) COLLATE Latin1_General_BIN2 <> @idempotency_key COLLATE Latin1_General_BIN2
            THROW 50244, N'sp_record_crm_write: @idempotency_key must be 1 to 200 characters of the varchar code page.', 1;
        IF
            @payload_hash IS NULL OR LEN(@payload_hash) <> 64
            OR @payload_hash COLLATE Latin1_General_BIN2 LIKE '%[^0-9a-f]%'
            THROW 50245, N'sp_record_crm_write: @payload_hash must be a SHA-256 as 64 hexadecimal digits.', 1;
        IF @request_json IS NOT NULL
            BEGIN
                SET @json_type = NULL;
                IF ISJSON(@request_json) = 1
                    SELECT @json_type = j.type
                    FROM OPENJSON(CONCAT(N'{"v":', @request_json, N'}')) AS j
                    WHERE j.[key] = N'v';
                IF @json_type IS NULL OR @json_type <> 5
                    THROW 50246, N'sp_record_crm_write: @request_json must be a JSON object.', 1;
            END;
        IF
            @thread_id IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM intake.threads AS t
                WHERE t.workspace_id = @workspace_id AND t.thread_id = @thread_id
            )
            THROW 50247, N'sp_record_crm_write: @thread_id is not a thread of @workspace_id.', 1;
        IF
            @deal_id IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM intake.deals AS d
                WHERE d.workspace_id = @workspace_id AND d.deal_id = @deal_id
            )
            THROW 50248, N'sp_record_crm_write: @deal_id is not a deal of @workspace_id.', 1;
        IF @dry_run IS NULL
            THROW 50249, N'sp_record_crm_write: @dry_run must be 0 or 1.', 1;

        SET @status = CASE WHEN @dry_run = 1 THEN 'dry_run' ELSE 'pending' END;

        -- One retry: a unique-key violation by a writer that bypassed the lock is answered by the key lookup.
        WHILE @done = 0
            BEGIN
                BEGIN TRY
                    SET @crm_write_id = NULL;
                    SET @existing_hash = NULL;
                    SET @existing_status = NULL;
                    SET @is_replay = 0;

                    BEGIN TRANSACTION;

                    -- The key, locked so that concurrent calls for it run one after the other.
                    SELECT
                        @crm_write_id = l.crm_write_id,
                        @existing_hash = l.payload_hash,
                        @existing_status = l.status
                    FROM intake.crm_write_log AS l WITH (UPDLOCK, HOLDLOCK)
                    WHERE l.workspace_id = @workspace_id AND l.crm = @crm AND l.idempotency_key = @key;

                    IF @crm_write_id IS NOT NULL
                        BEGIN
                            IF @existing_hash COLLATE Latin1_General_BIN2 <> @payload_hash COLLATE Latin1_General_BIN2
                                BEGIN
                                    SET @message = CONCAT(
                                        N'sp_record_crm_write: idempotency key ', @key, N' of crm ', @crm,
                                        N' was recorded as write ', @crm_write_id, N' with payload hash ',
                                        LEFT(@existing_hash, 12), N'..., not ', LEFT(@payload_hash, 12),
                                        N'...; a changed payload needs a new idempotency key.'
                                    );
                                    THROW 50250, @message, 1;
                                END;
                            IF
                                (@existing_status = 'dry_run' AND @dry_run = 0)
                                OR (@existing_status <> 'dry_run' AND @dry_run = 1)
                                BEGIN
                                    SET @message = CONCAT(
                                        N'sp_record_crm_write: idempotency key ', @key, N' of crm ', @crm,
                                        N' was recorded as write ', @crm_write_id,
                                        CASE
                                            WHEN @existing_status = 'dry_run' THEN N' for a dry run; a real write'
                                            ELSE N' for a real write; a dry run'
                                        END,
                                        N' needs an idempotency key of its own.'
                                    );
                                    THROW 50251, @message, 1;
                                END;
                            SET @is_replay = 1;
                        END
                    ELSE
                        BEGIN
                            INSERT INTO intake.crm_write_log (
                                workspace_id, thread_id, deal_id, crm, action, idempotency_key, payload_hash, status,
                                request_json, created_at, updated_at
                            )
                            VALUES (
                                @workspace_id, @thread_id, @deal_id, @crm, @action, @key, @payload_hash, @status,
                                @request_json, @now, @now
                            );
                            SET @crm_write_id = SCOPE_IDENTITY();

                            SET @data = CONCAT(
                                N'{"crm_write_id":', @crm_write_id,
                                N',"crm":"', @crm,
                                N'","action":"', @action,
                                N'","status":"', @status,
                                N'","idempotency_key":"', STRING_ESCAPE(@key, 'json'),
                                N'","deal_id":', COALESCE(CONVERT(varchar(20), @deal_id), 'null'), N'}'
                            );
                            INSERT INTO intake.audit_events (workspace_id, thread_id, type, data_json, actor, created_at)
                            VALUES (@workspace_id, @thread_id, 'crm.write_recorded', @data, @actor, @now);
                        END;

                    COMMIT TRANSACTION;
                    SET @done = 1;
                END TRY
                BEGIN CATCH
                    IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
                    -- Retry once, and only when this call owned the transaction (a caller's one is gone now).
                    IF
                        ERROR_NUMBER() IN (2601, 2627)
                        AND ERROR_MESSAGE() LIKE N'%UX[_]intake[_]crm[_]write[_]log[_]workspace[_]id[_]crm[_]idempotency[_]key%'
                        AND @outer_trancount = 0
                        AND @attempt = 0
                        SET @attempt = 1;
                    ELSE
                        THROW;
                END CATCH;
            END;

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
            l.updated_at,
            @is_replay AS is_replay
        FROM intake.crm_write_log AS l
        WHERE l.crm_write_id = @crm_write_id;
    END TRY
    BEGIN CATCH
        IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
        THROW;
    END CATCH;
END;
