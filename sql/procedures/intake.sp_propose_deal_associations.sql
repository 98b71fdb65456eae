-- Proposes the deals a thread may belong to: links it when one candidate is clear, else keeps the candidates for a person.
--
-- @candidates_json is a JSON array of objects {"deal_id": 12, "confidence": 0.95, "reason": "domain match"}: deal_id
-- a positive whole JSON number naming a deal of the workspace, confidence a JSON number from 0 to 1 (rounded to
-- three decimals, the scale of the columns, before it is compared), reason an optional string of up to 500
-- characters (trimmed; empty or null = none); no other members, no member twice, no deal twice. An empty array is
-- allowed. What happens, in one transaction, with the thread's row locked first (UPDLOCK, HOLDLOCK):
-- * the thread is linked to a deal already: nothing; an existing link is never overturned by a proposal (a person
--   moves it with intake.sp_link_thread_to_deal @replace = 1) -> 'none';
-- * exactly one candidate has a confidence at or above @auto_link_threshold: the thread is linked to it through
--   intake.sp_link_thread_to_deal (its confidence, its reason or 'proposed association above the auto-link
--   threshold'; the link resolves a pending candidates row of the thread and audits 'deal.thread_linked'), nothing
--   stays pending -> 'linked';
-- * else, two or more candidates: one pending intake.association_candidates row per thread holds them, best first
--   (confidence descending, then the order given) as {"deal_id", "confidence", "reason"} objects. A newer proposal
--   replaces the candidates_json of the thread's pending row (same association_candidate_id and created_at, so it
--   keeps its place in the review queue; updated_at = now) instead of adding a row; audit
--   'deal.association_proposed' (data_json {association_candidate_id, candidate_count, replaced_pending,
--   candidates}) -> 'pending';
-- * else (no candidate, or one below the threshold): nothing; a pending row of the thread stays as it is -> 'none'.
-- Returns one row: outcome ('linked', 'pending', 'none'), thread_id, deal_id (the deal the thread is linked to after
-- the call, NULL when none), thread_link_id, association_candidate_id (the thread's pending row after the call, NULL
-- when none) and candidate_count.
-- Errors (docs/errors.md), raised before anything is written:
--   50273 unknown workspace, 50274 thread not of the workspace, 50275 @candidates_json not a JSON array of objects,
--   50276 a malformed candidate (see above), 50277 a candidate deal not of the workspace,
--   50278 @auto_link_threshold missing or outside 0-1.
CREATE OR ALTER PROCEDURE intake.sp_propose_deal_associations
    @workspace_id uniqueidentifier,
    @thread_id bigint,
    @candidates_json nvarchar(max),
    @auto_link_threshold decimal(4, 3) = 0.90
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    DECLARE @now datetime2 = SYSUTCDATETIME();
    DECLARE @json_type tinyint;
    DECLARE @candidate_count int;
    DECLARE @above_count int;
    DECLARE @best_deal_id bigint;
    DECLARE @best_confidence decimal(4, 3);
    DECLARE @best_reason nvarchar(500);
    DECLARE @stored nvarchar(max);
    DECLARE @locked_thread_id bigint;
    DECLARE @linked_deal_id bigint;
    DECLARE @thread_link_id bigint;
    DECLARE @link_outcome varchar(16);
    DECLARE @association_candidate_id bigint;
    DECLARE @replaced_pending bit = 0;
    DECLARE @data nvarchar(max);
    DECLARE @outcome varchar(8) = 'none';

    -- The array's elements and their members as OPENJSON reads them (type 0 null, 1 string, 2 number, 3 boolean,
    -- 4 array, 5 object). Member names compare case-sensitively, as JSON's do.
    DECLARE @element TABLE (
        position int NOT NULL PRIMARY KEY,
        element_type tinyint NOT NULL
    );
    DECLARE @member TABLE (
        position int NOT NULL,
        member_key nvarchar(4000) COLLATE Latin1_General_100_BIN2 NOT NULL,
        member_value nvarchar(4000) NULL,
        member_type tinyint NOT NULL
    );
    DECLARE @candidate TABLE (
        position int NOT NULL PRIMARY KEY,
        deal_text nvarchar(4000) NULL,
        confidence_text nvarchar(4000) NULL,
        reason nvarchar(4000) NULL,
        deal_id bigint NULL,
        confidence decimal(4, 3) NULL
    );

    BEGIN TRY
        IF NOT EXISTS (SELECT 1 FROM intake.workspaces AS w WHERE w.workspace_id = @workspace_id)
            THROW 50273, N'sp_propose_deal_associations: @workspace_id does not name a workspace.', 1;
        IF
            NOT EXISTS (
                SELECT 1 FROM intake.threads AS t
                WHERE t.workspace_id = @workspace_id AND t.thread_id = @thread_id
            )
            THROW 50274, N'sp_propose_deal_associations: @thread_id is not a thread of @workspace_id.', 1;
        IF @auto_link_threshold IS NULL OR @auto_link_threshold < 0 OR @auto_link_threshold > 1
            THROW 50278, N'sp_propose_deal_associations: @auto_link_threshold must be between 0 and 1.', 1;

        -- A JSON array (wrapped in [] its one element's type says what it is), checked one step at a time:
        -- OPENJSON fails on text that is not JSON.
        IF ISJSON(@candidates_json) = 1
            SELECT @json_type = j.[type]
            FROM OPENJSON(CONCAT(N'[', @candidates_json, N']')) AS j;
        IF COALESCE(@json_type, 0) <> 4
            THROW 50275, N'sp_propose_deal_associations: @candidates_json must be a JSON array of objects.', 1;

        INSERT INTO @element (position, element_type)
        SELECT
            CAST(j.[key] AS int) AS position,
            j.[type] AS element_type
        FROM OPENJSON(@candidates_json) AS j;

        IF EXISTS (SELECT 1 FROM @element AS e WHERE e.element_type <> 5)
            THROW 50275, N'sp_propose_deal_associations: @candidates_json must be a JSON array of objects.', 1;

        INSERT INTO @member (position, member_key, member_value, member_type)
        SELECT
            CAST(j.[key] AS int) AS position,
            m.[key] AS member_key,
            CAST(m.[value] AS nvarchar(4000)) AS member_value,
            m.[type] AS member_type
        FROM OPENJSON(@candidates_json) AS j
        CROSS APPLY OPENJSON(j.[value]) AS m;

        INSERT INTO @candidate (position, deal_text, confidence_text, reason)
        SELECT
            e.position,
            MAX(CASE WHEN m.member_key = N'deal_id' AND m.member_type = 2 THEN m.member_value END) AS deal_text,
            MAX(CASE WHEN m.member_key = N'confidence' AND m.member_type = 2 THEN m.member_value END) AS confidence_text,
            NULLIF(LTRIM(RTRIM(MAX(CASE WHEN m.member_key = N'reason' AND m.member_type = 1 THEN m.member_value END))), N'')
                AS reason
        FROM @element AS e
        LEFT OUTER JOIN @member AS m ON e.position = m.position
        GROUP BY e.position;

        UPDATE c
        SET
            c.deal_id = TRY_CONVERT(bigint, c.deal_text),
            c.confidence = COALESCE(
                TRY_CONVERT(decimal(4, 3), c.confidence_text),
                TRY_CONVERT(decimal(4, 3), TRY_CONVERT(float, c.confidence_text))
            )
        FROM @candidate AS c;

        IF
            EXISTS (
                SELECT 1 FROM @member AS m
                WHERE
                    m.member_key NOT IN (N'deal_id', N'confidence', N'reason')
                    OR (m.member_key IN (N'deal_id', N'confidence') AND m.member_type <> 2)
                    OR (m.member_key = N'reason' AND m.member_type NOT IN (0, 1))
            )
            OR EXISTS (
                SELECT 1 FROM @member AS m
                GROUP BY m.position, m.member_key
                HAVING COUNT(*) > 1
            )
            OR EXISTS (
                SELECT 1 FROM @candidate AS c
                WHERE
                    c.deal_id IS NULL
                    OR c.deal_id < 1
                    OR c.confidence IS NULL
                    OR c.confidence < 0
                    OR c.confidence > 1
                    OR LEN(c.reason) > 500
            )
            OR EXISTS (
                SELECT 1 FROM @candidate AS c
                GROUP BY c.deal_id
                HAVING COUNT(*) > 1
            )
            THROW 50276, N'sp_propose_deal_associations: a candidate is malformed (see the procedure''s header).', 1;
        IF
            EXISTS (
                SELECT 1 FROM @candidate AS c
                WHERE NOT EXISTS (
                    SELECT 1 FROM intake.deals AS d
                    WHERE d.workspace_id = @workspace_id AND d.deal_id = c.deal_id
                )
            )
            THROW 50277, N'sp_propose_deal_associations: a candidate deal is not a deal of @workspace_id.', 1;

        SELECT
            @candidate_count = COUNT(*),
            @above_count = COALESCE(SUM(CASE WHEN c.confidence >= @auto_link_threshold THEN 1 ELSE 0 END), 0)
        FROM @candidate AS c;

        IF @above_count = 1
            SELECT
                @best_deal_id = c.deal_id,
                @best_confidence = c.confidence,
                @best_reason = COALESCE(c.reason, N'proposed association above the auto-link threshold')
            FROM @candidate AS c
            WHERE c.confidence >= @auto_link_threshold;

        SET @stored = (
            SELECT
                c.deal_id,
                c.confidence,
                c.reason
            FROM @candidate AS c
            ORDER BY c.confidence DESC, c.position
            FOR JSON PATH, INCLUDE_NULL_VALUES
        );

        BEGIN TRANSACTION;

        -- The thread, locked so that concurrent changes of its deal association run one after the other.
        SELECT @locked_thread_id = t.thread_id
        FROM intake.threads AS t WITH (UPDLOCK, HOLDLOCK)
        WHERE t.workspace_id = @workspace_id AND t.thread_id = @thread_id;

        SELECT
            @thread_link_id = l.thread_link_id,
            @linked_deal_id = l.deal_id
        FROM intake.thread_links AS l WITH (UPDLOCK, HOLDLOCK)
        WHERE l.workspace_id = @workspace_id AND l.thread_id = @thread_id;

        IF @linked_deal_id IS NULL AND @above_count = 1
            BEGIN
                EXEC intake.sp_link_thread_to_deal
                    @workspace_id = @workspace_id,
                    @thread_id = @thread_id,
                    @deal_id = @best_deal_id,
                    @link_confidence = @best_confidence,
                    @link_reason = @best_reason,
                    @replace = 0,
                    @actor = NULL,
                    @return_row = 0,
                    @thread_link_id = @thread_link_id OUTPUT,
                    @link_outcome = @link_outcome OUTPUT;
                SET @linked_deal_id = @best_deal_id;
                SET @outcome = 'linked';
            END
        ELSE IF @linked_deal_id IS NULL AND @candidate_count >= 2
            BEGIN
                -- One pending row per thread: a newer proposal replaces its candidates.
                SELECT @association_candidate_id = MAX(c.association_candidate_id)
                FROM intake.association_candidates AS c WITH (UPDLOCK, HOLDLOCK)
                WHERE c.workspace_id = @workspace_id AND c.thread_id = @thread_id AND c.status = 'pending';

                IF @association_candidate_id IS NULL
                    BEGIN
                        INSERT INTO intake.association_candidates (
                            workspace_id, thread_id, candidates_json, status, created_at, updated_at
                        )
                        VALUES (@workspace_id, @thread_id, @stored, 'pending', @now, @now);
                        SET @association_candidate_id = SCOPE_IDENTITY();
                    END
                ELSE
                    BEGIN
                        UPDATE c
                        SET
                            c.candidates_json = @stored,
                            c.updated_at = @now
                        FROM intake.association_candidates AS c
                        WHERE c.association_candidate_id = @association_candidate_id;
                        SET @replaced_pending = 1;
                    END;

                SET @data = (
                    SELECT
                        @association_candidate_id AS association_candidate_id,
                        @candidate_count AS candidate_count,
                        CAST(@replaced_pending AS bit) AS replaced_pending,
                        JSON_QUERY(@stored) AS candidates
                    FOR JSON PATH, WITHOUT_ARRAY_WRAPPER, INCLUDE_NULL_VALUES
                );

                INSERT INTO intake.audit_events (workspace_id, thread_id, type, data_json, actor, created_at)
                VALUES (@workspace_id, @thread_id, 'deal.association_proposed', @data, NULL, @now);

                SET @outcome = 'pending';
            END
        ELSE
            SELECT @association_candidate_id = MAX(c.association_candidate_id)
            FROM intake.association_candidates AS c
            WHERE c.workspace_id = @workspace_id AND c.thread_id = @thread_id AND c.status = 'pending';

        COMMIT TRANSACTION;

        SELECT
            @outcome AS outcome,
            @thread_id AS thread_id,
            @linked_deal_id AS deal_id,
            @thread_link_id AS thread_link_id,
            @association_candidate_id AS association_candidate_id,
            @candidate_count AS candidate_count;
    END TRY
    BEGIN CATCH
        IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
        THROW;
    END CATCH;
END;
