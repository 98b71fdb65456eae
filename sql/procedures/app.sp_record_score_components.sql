-- Records one explainable scoring run of an item against a spotlight, with its history row and event.
--
-- @components is a JSON array of objects {"name": "industry_match", "score": 8.5, "weight": 1.0,
-- "reason": "...", "max_possible_score": 10}; name and score are required, the other members optional (JSON null
-- counts as absent), numbers are JSON numbers rounded to the columns' two decimals. A missing weight comes from
-- the org's spotlight_rule 'component_weights' document in force (app.v_effective_config): weights[name], else
-- its default_weight, else 1.0; a missing @algorithm_version is that document's algorithm_version.
-- Every component of a call gets one scored_at, so the call is one run of app.v_spotlight_score_summary. Runs of an
-- item and spotlight never share a scored_at: a run takes SYSUTCDATETIME(), or 100 ns after the item and
-- spotlight's latest run when that is not earlier (the same datetime2 tick, or a clock that went back), so runs
-- follow each other in the order they were recorded.
-- One app.spotlight_scoring_history row compares the run with the item and spotlight's latest earlier run:
-- previous_score is that run's total_score (NULL for the first run), new_score this run's total,
-- score_delta = new_score - COALESCE(previous_score, 0), changed_components a JSON array of
-- {"component", "previous_weighted_score", "new_weighted_score"} (by component name) for every component whose
-- weighted score (score * weight, two decimals, as the summary view computes it) changed, was added (previous null)
-- or was removed (new null); '[]' when nothing changed. The event 'score_recorded' (payload spotlight_id,
-- history_id, previous_score, new_score, score_delta) is written on the item in the same transaction.
-- Returns the history row.
-- Errors (docs/errors.md), raised before anything is written:
--   50070 unknown org, 50071 item type not signal, candidate or pursuit, 50072 item not in the org,
--   50073 spotlight not of the org, 50074 @components not a non-empty JSON array of objects,
--   50075 a component without a name (string: a-z, 0-9, _, up to 64) or a score (number), with a repeated name,
--   an unknown or repeated member, a weight or max_possible_score that is not a number, or a reason that is not
--   a string of up to 200 characters, 50076 a number outside its column (score decimal(6, 2); weight, given or
--   from config, decimal(4, 2) >= 0; max_possible_score decimal(6, 2) >= 0 and >= score; the run's total and its
--   change from the previous run decimal(6, 2)), 50077 scorer not a user of the org,
--   50078 no algorithm version (neither given nor in the org's component_weights document, up to 16 characters).
CREATE OR ALTER PROCEDURE app.sp_record_score_components
    @org_id int,
    @item_type varchar(12),
    @item_id bigint,
    @spotlight_id int,
    @components nvarchar(max),
    @algorithm_version varchar(16) = NULL,
    @change_reason nvarchar(300) = NULL,
    @scored_by int = NULL
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    DECLARE @config nvarchar(max);
    DECLARE @config_version nvarchar(4000);
    DECLARE @default_weight_text nvarchar(4000);
    DECLARE @components_type tinyint;
    DECLARE @total decimal(38, 2);
    DECLARE @new_score decimal(6, 2);
    DECLARE @previous_at datetime2;
    DECLARE @previous_version varchar(16);
    DECLARE @previous_total decimal(9, 2);
    DECLARE @previous_score decimal(6, 2);
    DECLARE @score_delta decimal(6, 2);
    DECLARE @scored_at datetime2;
    DECLARE @changed nvarchar(max);
    DECLARE @history_id bigint;
    DECLARE @payload nvarchar(max);
    DECLARE @event_id bigint;

    -- The array's elements and, per element, its members as OPENJSON reads them (type 0 null, 1 string, 2 number,
    -- 3 boolean, 4 array, 5 object). Member names compare case-sensitively, as JSON's do.
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
    DECLARE @run TABLE (
        position int NOT NULL PRIMARY KEY,
        component_name nvarchar(4000) COLLATE Latin1_General_100_BIN2 NULL,
        score_text nvarchar(4000) NULL,
        weight_text nvarchar(4000) NULL,
        max_text nvarchar(4000) NULL,
        reason_text nvarchar(4000) NULL,
        config_weight_text nvarchar(4000) NULL,
        component_score decimal(6, 2) NULL,
        component_weight decimal(4, 2) NULL,
        max_possible_score decimal(6, 2) NULL,
        weighted_score decimal(9, 2) NULL
    );
    DECLARE @previous TABLE (
        component_name varchar(64) COLLATE Latin1_General_100_BIN2 NOT NULL PRIMARY KEY,
        weighted_score decimal(9, 2) NOT NULL
    );

    BEGIN TRY
        SET @item_type = LOWER(LTRIM(RTRIM(@item_type)));
        SET @algorithm_version = NULLIF(LTRIM(RTRIM(@algorithm_version)), '');

        IF NOT EXISTS (SELECT 1 FROM core.org AS o WHERE o.org_id = @org_id)
            THROW 50070, N'sp_record_score_components: @org_id does not name an org.', 1;
        IF @item_type IS NULL OR @item_type NOT IN ('signal', 'candidate', 'pursuit')
            THROW 50071, N'sp_record_score_components: @item_type must be signal, candidate or pursuit.', 1;
        IF
            NOT EXISTS (
                SELECT 1 FROM app.signal AS s
                WHERE @item_type = 'signal' AND s.org_id = @org_id AND s.signal_id = @item_id
                UNION ALL
                SELECT 1 FROM app.candidate AS c
                WHERE @item_type = 'candidate' AND c.org_id = @org_id AND c.candidate_id = @item_id
                UNION ALL
                SELECT 1 FROM app.pursuit AS p
                WHERE @item_type = 'pursuit' AND p.org_id = @org_id AND p.pursuit_id = @item_id
            )
            THROW 50072, N'sp_record_score_components: @item_id is not an item of that type in @org_id.', 1;
        IF
            NOT EXISTS (
                SELECT 1 FROM app.spotlights AS sp
                WHERE sp.org_id = @org_id AND sp.spotlight_id = @spotlight_id
            )
            THROW 50073, N'sp_record_score_components: @spotlight_id is not a spotlight of @org_id.', 1;
        IF
            @scored_by IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM core.user_account AS u
                WHERE u.org_id = @org_id AND u.user_id = @scored_by
            )
            THROW 50077, N'sp_record_score_components: @scored_by is not a user of @org_id.', 1;

        -- The components: a non-empty JSON array of objects (wrapped in [] its one element's type says what it is).
        IF ISJSON(@components) = 1
            SELECT @components_type = j.[type]
            FROM OPENJSON(CONCAT(N'[', @components, N']')) AS j;
        IF COALESCE(@components_type, 0) <> 4
            THROW 50074, N'sp_record_score_components: @components must be a non-empty JSON array of objects.', 1;

        INSERT INTO @element (position, element_type)
        SELECT
            CAST(j.[key] AS int) AS position,
            j.[type] AS element_type
        FROM OPENJSON(@components) AS j;

        IF NOT EXISTS (SELECT e.position FROM @element AS e) OR EXISTS (SELECT 1 FROM @element AS e WHERE e.element_type <> 5)
            THROW 50074, N'sp_record_score_components: @components must be a non-empty JSON array of objects.', 1;

        INSERT INTO @member (position, member_key, member_value, member_type)
        SELECT
            CAST(j.[key] AS int) AS position,
            m.[key] AS member_key,
            CAST(m.[value] AS nvarchar(4000)) AS member_value,
            m.[type] AS member_type
        FROM OPENJSON(@components) AS j
        CROSS APPLY OPENJSON(j.[value]) AS m;

        INSERT INTO @run (position, component_name, score_text, weight_text, max_text, reason_text)
        SELECT
            e.position,
            MAX(CASE WHEN m.member_key = N'name' AND m.member_type = 1 THEN m.member_value END) AS component_name,
            MAX(CASE WHEN m.member_key = N'score' AND m.member_type = 2 THEN m.member_value END) AS score_text,
            MAX(CASE WHEN m.member_key = N'weight' AND m.member_type = 2 THEN m.member_value END) AS weight_text,
            MAX(CASE WHEN m.member_key = N'max_possible_score' AND m.member_type = 2 THEN m.member_value END) AS max_text,
            MAX(CASE WHEN m.member_key = N'reason' AND m.member_type = 1 THEN m.member_value END) AS reason_text
        FROM @element AS e
        LEFT OUTER JOIN @member AS m ON e.position = m.position
        GROUP BY e.position;

        IF
            EXISTS (
                SELECT 1 FROM @member AS m
                WHERE
                    m.member_key NOT IN (N'name', N'score', N'weight', N'reason', N'max_possible_score')
                    OR (m.member_key IN (N'weight', N'max_possible_score') AND m.member_type NOT IN (0, 2))
                    OR (m.member_key = N'reason' AND m.member_type NOT IN (0, 1))
            )
            OR EXISTS (
                SELECT 1 FROM @member AS m
                GROUP BY m.position, m.member_key
                HAVING COUNT(*) > 1
            )
            OR EXISTS (
                SELECT 1 FROM @run AS r
                WHERE
                    r.component_name IS NULL
                    OR r.score_text IS NULL
                    OR r.component_name = N''
                    OR LEN(r.component_name) > 64
                    OR r.component_name LIKE N'%[^a-z0-9_]%'
                    OR LEN(r.reason_text) > 200
            )
            OR EXISTS (
                SELECT 1 FROM @run AS r
                GROUP BY r.component_name
                HAVING COUNT(*) > 1
            )
            THROW 50075, N'sp_record_score_components: a component is malformed (see the procedure''s header).', 1;

        -- Weights and the algorithm version the org's component_weights document gives (none when it has none).
        SELECT @config = e.config_value
        FROM app.v_effective_config AS e
        WHERE e.org_id = @org_id AND e.config_type = 'spotlight_rule' AND e.config_key = 'component_weights';

        SET @default_weight_text = JSON_VALUE(@config, '$.default_weight');
        SET @config_version = NULLIF(LTRIM(RTRIM(JSON_VALUE(@config, '$.algorithm_version'))), N'');

        UPDATE r
        SET r.config_weight_text = CAST(w.[value] AS nvarchar(4000))
        FROM @run AS r
        INNER JOIN OPENJSON(JSON_QUERY(@config, '$.weights')) AS w
            ON w.[key] COLLATE Latin1_General_100_BIN2 = r.component_name
        WHERE w.[type] <> 0;

        UPDATE r
        SET
            r.weight_text = COALESCE(r.weight_text, r.config_weight_text, @default_weight_text),
            r.component_score = COALESCE(
                TRY_CONVERT(decimal(6, 2), r.score_text),
                TRY_CONVERT(decimal(6, 2), TRY_CONVERT(float, r.score_text))
            ),
            r.max_possible_score = COALESCE(
                TRY_CONVERT(decimal(6, 2), r.max_text),
                TRY_CONVERT(decimal(6, 2), TRY_CONVERT(float, r.max_text))
            )
        FROM @run AS r;

        UPDATE r
        SET
            r.component_weight = CASE
                WHEN r.weight_text IS NULL THEN 1.0
                ELSE COALESCE(
                    TRY_CONVERT(decimal(4, 2), r.weight_text),
                    TRY_CONVERT(decimal(4, 2), TRY_CONVERT(float, r.weight_text))
                )
            END
        FROM @run AS r;

        UPDATE r
        SET r.weighted_score = CAST(r.component_score * r.component_weight AS decimal(9, 2))
        FROM @run AS r;

        SELECT @total = SUM(r.weighted_score)
        FROM @run AS r;

        SET @new_score = TRY_CONVERT(decimal(6, 2), @total);

        IF
            EXISTS (
                SELECT 1 FROM @run AS r
                WHERE
                    r.component_score IS NULL
                    OR r.component_weight IS NULL
                    OR r.component_weight < 0
                    OR (r.max_text IS NOT NULL AND r.max_possible_score IS NULL)
                    OR r.max_possible_score < 0
                    OR r.component_score > r.max_possible_score
            )
            OR @new_score IS NULL
            THROW 50076, N'sp_record_score_components: a score, weight, max_possible_score or the total does not fit its column.', 1;

        IF @algorithm_version IS NULL AND LEN(@config_version) <= 16
            SET @algorithm_version = @config_version;
        IF @algorithm_version IS NULL
            THROW 50078, N'sp_record_score_components: no @algorithm_version, and the org''s component_weights has none.', 1;

        BEGIN TRANSACTION;

        -- The item and spotlight's latest run, locked so that concurrent runs of the item are recorded one after the other.
        SELECT TOP (1)
            @previous_at = c.scored_at,
            @previous_version = c.algorithm_version
        FROM app.spotlight_score_components AS c WITH (UPDLOCK, HOLDLOCK)
        WHERE
            c.org_id = @org_id
            AND c.item_type = @item_type
            AND c.item_id = @item_id
            AND c.spotlight_id = @spotlight_id
        ORDER BY c.scored_at DESC, c.algorithm_version DESC;

        IF @previous_at IS NOT NULL
            BEGIN
                SELECT @previous_total = s.total_score
                FROM app.v_spotlight_score_summary AS s
                WHERE
                    s.org_id = @org_id
                    AND s.item_type = @item_type
                    AND s.item_id = @item_id
                    AND s.spotlight_id = @spotlight_id
                    AND s.scored_at = @previous_at
                    AND s.algorithm_version = @previous_version;

                INSERT INTO @previous (component_name, weighted_score)
                SELECT
                    c.component_name,
                    SUM(CAST(c.component_score * c.component_weight AS decimal(9, 2))) AS weighted_score
                FROM app.spotlight_score_components AS c
                WHERE
                    c.org_id = @org_id
                    AND c.item_type = @item_type
                    AND c.item_id = @item_id
                    AND c.spotlight_id = @spotlight_id
                    AND c.scored_at = @previous_at
                    AND c.algorithm_version = @previous_version
                GROUP BY c.component_name;
            END;

        SET @previous_score = TRY_CONVERT(decimal(6, 2), @previous_total);
        SET @score_delta = TRY_CONVERT(decimal(6, 2), @total - COALESCE(@previous_total, 0));

        IF (@previous_total IS NOT NULL AND @previous_score IS NULL) OR @score_delta IS NULL
            THROW 50076, N'sp_record_score_components: the change from the previous run''s total does not fit decimal(6, 2).', 1;

        SET @scored_at = SYSUTCDATETIME();
        IF @previous_at >= @scored_at
            SET @scored_at = DATEADD(NANOSECOND, 100, @previous_at);

        SET @changed = (
            SELECT
                COALESCE(n.component_name, p.component_name) AS component,
                p.weighted_score AS previous_weighted_score,
                n.weighted_score AS new_weighted_score
            FROM @run AS n
            FULL OUTER JOIN @previous AS p ON n.component_name = p.component_name
            WHERE
                n.weighted_score IS NULL
                OR p.weighted_score IS NULL
                OR n.weighted_score <> p.weighted_score
            ORDER BY COALESCE(n.component_name, p.component_name)
            FOR JSON PATH, INCLUDE_NULL_VALUES
        );

        INSERT INTO app.spotlight_score_components (
            org_id, item_type, item_id, spotlight_id, component_name, component_score, component_weight,
            component_reason, max_possible_score, scored_at, algorithm_version
        )
        SELECT
            @org_id AS org_id,
            @item_type AS item_type,
            @item_id AS item_id,
            @spotlight_id AS spotlight_id,
            CAST(r.component_name AS varchar(64)) AS component_name,
            r.component_score,
            r.component_weight,
            r.reason_text AS component_reason,
            r.max_possible_score,
            @scored_at AS scored_at,
            @algorithm_version AS algorithm_version
        FROM @run AS r;

        INSERT INTO app.spotlight_scoring_history (
            org_id, item_type, item_id, spotlight_id, previous_score, new_score, score_delta, change_reason,
            changed_components, algorithm_version, scored_at, scored_by
        )
        VALUES (
            @org_id, @item_type, @item_id, @spotlight_id, @previous_score, @new_score, @score_delta, @change_reason,
            COALESCE(@changed, N'[]'), @algorithm_version, @scored_at, @scored_by
        );
        SET @history_id = SCOPE_IDENTITY();

        SET @payload = (
            SELECT
                @spotlight_id AS spotlight_id,
                @history_id AS history_id,
                @previous_score AS previous_score,
                @new_score AS new_score,
                @score_delta AS score_delta
            FOR JSON PATH, WITHOUT_ARRAY_WRAPPER, INCLUDE_NULL_VALUES
        );

        EXEC app.sp_append_work_event
            @org_id = @org_id,
            @item_type = @item_type,
            @item_id = @item_id,
            @event_name = 'score_recorded',
            @payload_json = @payload,
            @actor_user_id = @scored_by,
            @event_id = @event_id OUTPUT;

        COMMIT TRANSACTION;

        SELECT
            h.history_id,
            h.org_id,
            h.item_type,
            h.item_id,
            h.spotlight_id,
            h.previous_score,
            h.new_score,
            h.score_delta,
            h.change_reason,
            h.changed_components,
            h.algorithm_version,
            h.scored_at,
            h.scored_by
        FROM app.spotlight_scoring_history AS h
        WHERE h.history_id = @history_id;
    END TRY
    BEGIN CATCH
        IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
        THROW;
    END CATCH;
END;
