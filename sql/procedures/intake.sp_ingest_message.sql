-- Ingests one email message into a workspace: deduplicated by Message-ID, threaded by its reply headers, audited.
--
-- 1. Dedupe: a Message-ID the workspace already has is not stored again; the existing row is returned with
--    is_duplicate = 1 and nothing is written. The lookup runs inside the transaction under UPDLOCK, HOLDLOCK, so
--    concurrent ingests of one Message-ID run one after the other; the unique index
--    UX_intake_messages_workspace_id_message_id is the last line of defence: when the procedure owns the
--    transaction, its violation (a writer that bypassed the lock) is answered by reading the existing row again.
-- 2. Threading (threaded_by): the thread of the message named by @in_reply_to ('in_reply_to'; the whole header, or
--    any of its whitespace-separated Message-IDs, the newest ingested match wins), else of the newest entry of
--    @references_json the workspace has ('references'; searched from the end of the array, the newest reference),
--    else a new thread ('new_thread'): status 'open', subject = the message's subject without its leading
--    Re:/Fw:/Fwd: prefixes (repeated, any case), primary_contact_email = the sender for an inbound message, the
--    first To address for an outbound one. Only this workspace's messages are searched.
-- 3. The thread's last_message_at moves forward to the message's time (received_at, else sent_at, else now) and
--    never back, so late arrivals keep the newest time; updated_at = now; a thread without a subject or contact
--    email gets this message's. The thread's status is left as it is (a closed thread stays closed).
-- 4. Audit events, in the same transaction: 'thread.created' (data thread_id, message_row_id) when a thread was
--    made, then 'message.ingested' (data message_row_id, thread_id, threaded_by, message_id, direction).
-- Late parent: when a message arrives after a reply that referenced it, the reply keeps its thread (rows already
-- stored are never re-threaded) and the parent is threaded by its own headers only, so such a conversation can be
-- split into two threads; a later message that references both joins the thread of the newest reference it names.
-- Returns one row: message_row_id, thread_id, is_duplicate, threaded_by (NULL for a duplicate).
-- Errors (docs/errors.md), raised before anything is written:
--   50230 unknown workspace, 50231 empty @message_id, 50232 @references_json not a JSON array of strings,
--   50233 @direction not inbound or outbound, 50234 empty @from_address, 50235 @to_json or @cc_json not a JSON array
--   of objects, 50236 @headers_json not a JSON array of objects.
CREATE OR ALTER PROCEDURE intake.sp_ingest_message
    @workspace_id uniqueidentifier,
    @message_id nvarchar(800),
    @in_reply_to nvarchar(2000) = NULL,
    @references_json nvarchar(max) = NULL,
    @subject nvarchar(2000) = NULL,
    @from_address varchar(320),
    @from_name nvarchar(320) = NULL,
    @to_json nvarchar(max) = NULL,
    @cc_json nvarchar(max) = NULL,
    @sent_at datetime2 = NULL,
    @received_at datetime2 = NULL,
    @text nvarchar(max) = NULL,
    @html nvarchar(max) = NULL,
    @headers_json nvarchar(max) = NULL,
    @direction varchar(8) = 'inbound',
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
    DECLARE @message_row_id bigint;
    DECLARE @thread_id bigint;
    DECLARE @is_duplicate bit = 0;
    DECLARE @threaded_by varchar(16);
    DECLARE @message_at datetime2 = COALESCE(@received_at, @sent_at, @now);
    DECLARE @thread_subject nvarchar(2000);
    DECLARE @stripping bit = 1;
    DECLARE @contact_email varchar(320);
    DECLARE @reply_ids nvarchar(2000);
    DECLARE @data nvarchar(max);

    BEGIN TRY
        SET @message_id = LTRIM(RTRIM(@message_id));
        SET @in_reply_to = NULLIF(LTRIM(RTRIM(@in_reply_to)), N'');
        SET @reply_ids = REPLACE(REPLACE(REPLACE(@in_reply_to, NCHAR(13), N' '), NCHAR(10), N' '), NCHAR(9), N' ');
        SET @from_address = LTRIM(RTRIM(@from_address));
        SET @direction = LOWER(LTRIM(RTRIM(@direction)));

        IF NOT EXISTS (SELECT 1 FROM intake.workspaces AS w WHERE w.workspace_id = @workspace_id)
            THROW 50230, N'sp_ingest_message: @workspace_id does not name a workspace.', 1;
        IF NULLIF(@message_id, N'') IS NULL
            THROW 50231, N'sp_ingest_message: @message_id (the Message-ID header) is required.', 1;

        -- JSON arguments: @references_json an array of strings; the recipient and header lists arrays of objects.
        IF @references_json IS NOT NULL
            BEGIN
                SET @json_type = NULL;
                IF ISJSON(@references_json) = 1
                    SELECT @json_type = j.type
                    FROM OPENJSON(CONCAT(N'{"v":', @references_json, N'}')) AS j
                    WHERE j.[key] = N'v';
                IF @json_type IS NULL OR @json_type <> 4
                    THROW 50232, N'sp_ingest_message: @references_json must be a JSON array of Message-ID strings.', 1;
                -- Elements are read only once the argument is known to be an array (OPENJSON fails on bad JSON).
                IF EXISTS (SELECT 1 FROM OPENJSON(@references_json) AS r WHERE r.type <> 1)
                    THROW 50232, N'sp_ingest_message: @references_json must be a JSON array of Message-ID strings.', 1;
            END;
        IF @direction IS NULL OR @direction NOT IN ('inbound', 'outbound')
            THROW 50233, N'sp_ingest_message: @direction must be inbound or outbound.', 1;
        IF NULLIF(@from_address, '') IS NULL
            THROW 50234, N'sp_ingest_message: @from_address (the From header''s address) is required.', 1;
        IF @to_json IS NOT NULL
            BEGIN
                SET @json_type = NULL;
                IF ISJSON(@to_json) = 1
                    SELECT @json_type = j.type
                    FROM OPENJSON(CONCAT(N'{"v":', @to_json, N'}')) AS j
                    WHERE j.[key] = N'v';
                IF @json_type IS NULL OR @json_type <> 4
                    THROW 50235, N'sp_ingest_message: @to_json must be a JSON array of {"address", "name"} objects.', 1;
                IF EXISTS (SELECT 1 FROM OPENJSON(@to_json) AS r WHERE r.type <> 5)
                    THROW 50235, N'sp_ingest_message: @to_json must be a JSON array of {"address", "name"} objects.', 1;
            END;
        IF @cc_json IS NOT NULL
            BEGIN
                SET @json_type = NULL;
                IF ISJSON(@cc_json) = 1
                    SELECT @json_type = j.type
                    FROM OPENJSON(CONCAT(N'{"v":', @cc_json, N'}')) AS j
                    WHERE j.[key] = N'v';
                IF @json_type IS NULL OR @json_type <> 4
                    THROW 50235, N'sp_ingest_message: @cc_json must be a JSON array of {"address", "name"} objects.', 1;
                IF EXISTS (SELECT 1 FROM OPENJSON(@cc_json) AS r WHERE r.type <> 5)
                    THROW 50235, N'sp_ingest_message: @cc_json must be a JSON array of {"address", "name"} objects.', 1;
            END;
        IF @headers_json IS NOT NULL
            BEGIN
                SET @json_type = NULL;
                IF ISJSON(@headers_json) = 1
                    SELECT @json_type = j.type
                    FROM OPENJSON(CONCAT(N'{"v":', @headers_json, N'}')) AS j
                    WHERE j.[key] = N'v';
                IF @json_type IS NULL OR @json_type <> 4
                    THROW 50236, N'sp_ingest_message: @headers_json must be a JSON array of {"name", "value"} objects.', 1;
                IF EXISTS (SELECT 1 FROM OPENJSON(@headers_json) AS r WHERE r.type <> 5)
                    THROW 50236, N'sp_ingest_message: @headers_json must be a JSON array of {"name", "value"} objects.', 1;
            END;

        -- The subject of a new thread: the message's subject without its reply and forward prefixes.
        SET @thread_subject = LTRIM(RTRIM(@subject));
        WHILE @stripping = 1 AND @thread_subject IS NOT NULL
            BEGIN
                IF UPPER(LEFT(@thread_subject, 4)) = N'FWD:'
                    SET @thread_subject = LTRIM(SUBSTRING(@thread_subject, 5, 2000));
                ELSE IF UPPER(LEFT(@thread_subject, 3)) IN (N'RE:', N'FW:')
                    SET @thread_subject = LTRIM(SUBSTRING(@thread_subject, 4, 2000));
                ELSE
                    SET @stripping = 0;
            END;
        SET @thread_subject = NULLIF(@thread_subject, N'');
        SET @contact_email = CASE
            WHEN @direction = 'inbound' THEN @from_address
            ELSE NULLIF(LTRIM(RTRIM(JSON_VALUE(@to_json, N'$[0].address'))), N'')
        END;

        -- One retry: a unique-key violation by a writer that bypassed the lock is answered by the dedupe lookup.
        WHILE @done = 0
            BEGIN
                BEGIN TRY
                    SET @message_row_id = NULL;
                    SET @thread_id = NULL;
                    SET @threaded_by = NULL;
                    SET @is_duplicate = 0;

                    BEGIN TRANSACTION;

                    -- Step 1: the Message-ID, locked so that concurrent ingests of it run one after the other.
                    SELECT
                        @message_row_id = m.message_row_id,
                        @thread_id = m.thread_id
                    FROM intake.messages AS m WITH (UPDLOCK, HOLDLOCK)
                    WHERE m.workspace_id = @workspace_id AND m.message_id = @message_id;

                    IF @message_row_id IS NOT NULL
                        SET @is_duplicate = 1;
                    ELSE
                        BEGIN
                            -- Step 2: the thread. READCOMMITTEDLOCK waits for a parent being ingested right now
                            -- (also where READ_COMMITTED_SNAPSHOT is on) instead of missing it.
                            IF @in_reply_to IS NOT NULL
                                SELECT TOP (1) @thread_id = m.thread_id
                                FROM intake.messages AS m WITH (READCOMMITTEDLOCK)
                                WHERE
                                    m.workspace_id = @workspace_id
                                    AND m.message_id IN (
                                        SELECT @in_reply_to AS message_id
                                        UNION
                                        SELECT s.value AS message_id
                                        FROM STRING_SPLIT(@reply_ids, N' ') AS s
                                        WHERE s.value <> N''
                                    )
                                ORDER BY m.message_row_id DESC;
                            IF @thread_id IS NOT NULL
                                SET @threaded_by = 'in_reply_to';

                            IF @thread_id IS NULL AND @references_json IS NOT NULL
                                SELECT TOP (1) @thread_id = m.thread_id
                                FROM OPENJSON(@references_json) AS r
                                INNER JOIN intake.messages AS m WITH (READCOMMITTEDLOCK)
                                    ON
                                        m.workspace_id = @workspace_id
                                        AND m.message_id = CONVERT(nvarchar(800), LTRIM(RTRIM(r.[value])))
                                WHERE LEN(r.[value]) <= 800
                                ORDER BY CONVERT(int, r.[key]) DESC;
                            IF @thread_id IS NOT NULL AND @threaded_by IS NULL
                                SET @threaded_by = 'references';

                            IF @thread_id IS NULL
                                BEGIN
                                    SET @threaded_by = 'new_thread';
                                    INSERT INTO intake.threads (
                                        workspace_id, subject, primary_contact_email, status, last_message_at,
                                        created_at, updated_at
                                    )
                                    VALUES (
                                        @workspace_id, @thread_subject, @contact_email, 'open', @message_at, @now, @now
                                    );
                                    SET @thread_id = SCOPE_IDENTITY();
                                END
                            ELSE
                                UPDATE t
                                SET
                                    t.last_message_at = CASE
                                        WHEN t.last_message_at IS NULL OR t.last_message_at < @message_at
                                            THEN @message_at
                                        ELSE t.last_message_at
                                    END,
                                    t.subject = COALESCE(t.subject, @thread_subject),
                                    t.primary_contact_email = COALESCE(t.primary_contact_email, @contact_email),
                                    t.updated_at = @now
                                FROM intake.threads AS t
                                WHERE t.workspace_id = @workspace_id AND t.thread_id = @thread_id;

                            -- Step 3: the message.
                            INSERT INTO intake.messages (
                                workspace_id, thread_id, message_id, in_reply_to, references_json, direction,
                                from_address, from_name, to_json, cc_json, subject, sent_at, received_at, headers_json,
                                text, html, created_at, updated_at
                            )
                            VALUES (
                                @workspace_id, @thread_id, @message_id, @in_reply_to, @references_json, @direction,
                                @from_address, @from_name, @to_json, @cc_json, @subject, @sent_at, @received_at,
                                @headers_json, @text, @html, @now, @now
                            );
                            SET @message_row_id = SCOPE_IDENTITY();

                            -- Step 4: the audit trail.
                            IF @threaded_by = 'new_thread'
                                INSERT INTO intake.audit_events (workspace_id, thread_id, type, data_json, actor, created_at)
                                VALUES (
                                    @workspace_id, @thread_id, 'thread.created',
                                    CONCAT(N'{"thread_id":', @thread_id, N',"message_row_id":', @message_row_id, N'}'),
                                    @actor, @now
                                );

                            SET @data = CONCAT(
                                N'{"message_row_id":', @message_row_id,
                                N',"thread_id":', @thread_id,
                                N',"threaded_by":"', @threaded_by,
                                N'","message_id":"', STRING_ESCAPE(@message_id, 'json'),
                                N'","direction":"', @direction, N'"}'
                            );
                            INSERT INTO intake.audit_events (workspace_id, thread_id, type, data_json, actor, created_at)
                            VALUES (@workspace_id, @thread_id, 'message.ingested', @data, @actor, @now);
                        END;

                    COMMIT TRANSACTION;
                    SET @done = 1;
                END TRY
                BEGIN CATCH
                    IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
                    -- Retry once, and only when this call owned the transaction (a caller's one is gone now).
                    IF
                        ERROR_NUMBER() IN (2601, 2627)
                        AND ERROR_MESSAGE() LIKE N'%UX[_]intake[_]messages[_]workspace[_]id[_]message[_]id%'
                        AND @outer_trancount = 0
                        AND @attempt = 0
                        SET @attempt = 1;
                    ELSE
                        THROW;
                END CATCH;
            END;

        SELECT
            m.message_row_id,
            m.thread_id,
            @is_duplicate AS is_duplicate,
            @threaded_by AS threaded_by
        FROM intake.messages AS m
        WHERE m.message_row_id = @message_row_id;
    END TRY
    BEGIN CATCH
        IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
        THROW;
    END CATCH;
END;
