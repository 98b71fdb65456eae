-- Records a deal's fact for one key (intake.deal_facts): one current fact per deal and key, the more confident wins.
--
-- @key is trimmed and must be a lower-case name (a-z, 0-9, '_', up to 64 characters): the BANT keys budget,
-- authority, need and timeline, or any other. @value_json is a JSON object (e.g. {"value": 50000, "currency": "EUR"}),
-- @confidence 0-1. @evidence_json (optional) is a JSON array of objects such as
-- [{"message_row_id": 812, "quote": "we have 50k set aside"}]: a message_row_id member, when not null, is a positive
-- whole number naming a message of the workspace, a quote member is a string or null; other members are kept as
-- given. @thread_id and @message_row_id (optional) say where the fact was taken from: the thread and the message
-- must be of the workspace, the message of that thread; a message without @thread_id takes its own thread.
-- The deal's fact for @key, read under UPDLOCK, HOLDLOCK, is
-- * inserted when there is none -> outcome 'inserted';
-- * replaced (value, confidence, evidence, thread, message; updated_at = now) when @confidence is at least the
--   stored confidence (a tie goes to the newer fact) or @force = 1 -> 'replaced';
-- * else kept as it is, and nothing is written (a less confident reading is not an error) -> 'kept'.
-- An inserted or replaced fact is audited as 'deal.fact_recorded' (intake.audit_events: thread_id = the fact's
-- thread, actor = @actor, data_json {deal_fact_id, deal_id, key, confidence, previous_confidence, outcome,
-- forced (@force as given)}), in the same transaction. The readiness is not recomputed here (intake.sp_compute_deal_readiness).
-- Returns the deal's fact for @key after the call, with outcome and previous_confidence (NULL when inserted).
-- Errors (docs/errors.md), raised before anything is written:
--   50284 unknown workspace, 50285 deal not of the workspace, 50286 @key missing or not a lower-case name of up to
--   64 characters, 50287 @value_json not a JSON object, 50288 @confidence missing or outside 0-1,
--   50289 @evidence_json not a JSON array of objects, or a malformed message_row_id or quote in it,
--   50290 @thread_id or @message_row_id not of the workspace, or the message not of that thread,
--   50291 the evidence names a message that is not of the workspace, 50292 @actor over 320 characters.
CREATE OR ALTER PROCEDURE intake.sp_record_deal_fact
    @workspace_id uniqueidentifier,
    @deal_id bigint,
    @key varchar(max),
    @value_json nvarchar(max),
    @confidence decimal(4, 3),
    @evidence_json nvarchar(max) = NULL,
    @thread_id bigint = NULL,
    @message_row_id bigint = NULL,
    @force bit = 0,
    @actor varchar(max) = NULL
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    DECLARE @now datetime2 = SYSUTCDATETIME();
    DECLARE @json_type tinyint;
    DECLARE @message_thread_id bigint;
    DECLARE @deal_fact_id bigint;
    DECLARE @previous_confidence decimal(4, 3);
    DECLARE @outcome varchar(8);
    DECLARE @data nvarchar(max);

    BEGIN TRY
        SET @key = LTRIM(RTRIM(@key));
        SET @actor = NULLIF(LTRIM(RTRIM(@actor)), '');
        SET @force = COALESCE(@force, 0);

        IF NOT EXISTS (SELECT 1 FROM intake.workspaces AS w WHERE w.workspace_id = @workspace_id)
            THROW 50284, N'sp_record_deal_fact: @workspace_id does not name a workspace.', 1;
        IF
            NOT EXISTS (
                SELECT 1 FROM intake.deals AS d
                WHERE d.workspace_id = @workspace_id AND d.deal_id = @deal_id
            )
            THROW 50285, N'sp_record_deal_fact: @deal_id is not a deal of @workspace_id.', 1;
        IF
            @key IS NULL
            OR @key = ''
            OR LEN(@key) > 64
            OR @key COLLATE Latin1_General_100_BIN2 LIKE '%[^a-z0-9_]%'
            THROW 50286, N'sp_record_deal_fact: @key must be a lower-case name of a-z, 0-9 and _ (up to 64 characters).', 1;

        -- JSON checked one step at a time: OPENJSON fails on text that is not JSON. Wrapped in [], the one
        -- element's type says what the document is (4 array, 5 object).
        IF ISJSON(@value_json) = 1
            SELECT @json_type = j.[type]
            FROM OPENJSON(CONCAT(N'[', @value_json, N']')) AS j;
        IF COALESCE(@json_type, 0) <> 5
            THROW 50287, N'sp_record_deal_fact: @value_json must be a JSON object, e.g. {"value": ...}.', 1;
        IF @confidence IS NULL OR @confidence < 0 OR @confidence > 1
            THROW 50288, N'sp_record_deal_fact: @confidence must be between 0 and 1.', 1;

        IF @evidence_json IS NOT NULL
            BEGIN
                SET @json_type = NULL;
                IF ISJSON(@evidence_json) = 1
                    SELECT @json_type = j.[type]
                    FROM OPENJSON(CONCAT(N'[', @evidence_json, N']')) AS j;
                IF COALESCE(@json_type, 0) <> 4
                    THROW 50289, N'sp_record_deal_fact: @evidence_json must be a JSON array of objects.', 1;
                IF EXISTS (SELECT 1 FROM OPENJSON(@evidence_json) AS j WHERE j.[type] <> 5)
                    THROW 50289, N'sp_record_deal_fact: @evidence_json must be a JSON array of objects.', 1;
                IF
                    EXISTS (
                        SELECT 1
                        FROM OPENJSON(@evidence_json) AS j
                        CROSS APPLY OPENJSON(j.[value]) AS m
                        WHERE
                            (
                                m.[key] = N'message_row_id'
                                AND m.[type] <> 0
                                AND (m.[type] <> 2 OR COALESCE(TRY_CONVERT(bigint, m.[value]), 0) < 1)
                            )
                            OR (m.[key] = N'quote' AND m.[type] NOT IN (0, 1))
                    )
                    THROW 50289, N'sp_record_deal_fact: an evidence message_row_id must be a message id, a quote a string.', 1;
                IF
                    EXISTS (
                        SELECT 1
                        FROM OPENJSON(@evidence_json) AS j
                        CROSS APPLY OPENJSON(j.[value]) AS m
                        WHERE
                            m.[key] = N'message_row_id'
                            AND m.[type] = 2
                            AND NOT EXISTS (
                                SELECT 1 FROM intake.messages AS msg
                                WHERE msg.workspace_id = @workspace_id AND msg.message_row_id = TRY_CONVERT(bigint, m.[value])
                            )
                    )
                    THROW 50291, N'sp_record_deal_fact: the evidence names a message that is not a message of @workspace_id.', 1;
            END;

        IF
            @thread_id IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM intake.threads AS t
                WHERE t.workspace_id = @workspace_id AND t.thread_id = @thread_id
            )
            THROW 50290, N'sp_record_deal_fact: @thread_id is not a thread of @workspace_id.', 1;
        IF @message_row_id IS NOT NULL
            BEGIN
                SELECT @message_thread_id = msg.thread_id
                FROM intake.messages AS msg
                WHERE msg.workspace_id = @workspace_id AND msg.message_row_id = @message_row_id;

                IF @message_thread_id IS NULL
                    THROW 50290, N'sp_record_deal_fact: @message_row_id is not a message of @workspace_id.', 1;
                IF @message_thread_id <> @thread_id
                    THROW 50290, N'sp_record_deal_fact: @message_row_id is not a message of @thread_id.', 1;

                SET @thread_id = @message_thread_id;
            END;
        IF LEN(@actor) > 320
            THROW 50292, N'sp_record_deal_fact: @actor is longer than 320 characters.', 1;

        BEGIN TRANSACTION;

        SELECT
            @deal_fact_id = f.deal_fact_id,
            @previous_confidence = f.confidence
        FROM intake.deal_facts AS f WITH (UPDLOCK, HOLDLOCK)
        WHERE f.workspace_id = @workspace_id AND f.deal_id = @deal_id AND f.[key] = @key;

        IF @deal_fact_id IS NULL
            BEGIN
                INSERT INTO intake.deal_facts (
                    workspace_id, deal_id, [key], value_json, confidence, evidence_json, thread_id, message_row_id,
                    created_at, updated_at
                )
                VALUES (
                    @workspace_id, @deal_id, @key, @value_json, @confidence, @evidence_json, @thread_id, @message_row_id,
                    @now, @now
                );
                SET @deal_fact_id = SCOPE_IDENTITY();
                SET @outcome = 'inserted';
            END
        ELSE IF @confidence >= @previous_confidence OR @force = 1
            BEGIN
                UPDATE f
                SET
                    f.value_json = @value_json,
                    f.confidence = @confidence,
                    f.evidence_json = @evidence_json,
                    f.thread_id = @thread_id,
                    f.message_row_id = @message_row_id,
                    f.updated_at = @now
                FROM intake.deal_facts AS f
                WHERE f.deal_fact_id = @deal_fact_id;
                SET @outcome = 'replaced';
            END
        ELSE
            SET @outcome = 'kept';

        IF @outcome <> 'kept'
            BEGIN
                SET @data = (
                    SELECT
                        @deal_fact_id AS deal_fact_id,
                        @deal_id AS deal_id,
                        @key AS [key],
                        @confidence AS confidence,
                        @previous_confidence AS previous_confidence,
                        @outcome AS outcome,
                        @force AS forced
                    FOR JSON PATH, WITHOUT_ARRAY_WRAPPER, INCLUDE_NULL_VALUES
                );

                INSERT INTO intake.audit_events (workspace_id, thread_id, type, data_json, actor, created_at)
                VALUES (@workspace_id, @thread_id, 'deal.fact_recorded', @data, @actor, @now);
            END;

        COMMIT TRANSACTION;

        SELECT
            f.deal_fact_id,
            f.workspace_id,
            f.deal_id,
            f.[key],
            f.value_json,
            f.confidence,
            f.evidence_json,
            f.thread_id,
            f.message_row_id,
            f.created_at,
            f.updated_at,
            @outcome AS outcome,
            @previous_confidence AS previous_confidence
        FROM intake.deal_facts AS f
        WHERE f.deal_fact_id = @deal_fact_id;
    END TRY
    BEGIN CATCH
        IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
        THROW;
    END CATCH;
END;
