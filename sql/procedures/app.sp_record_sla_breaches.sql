-- Records and resolves SLA breaches of open signals, candidates and pursuits against the SLA rules in force.
--
-- Scope: @org_id, or every org except the template org 0 when NULL. "Now" is SYSUTCDATETIME(), read once after the
-- application lock is granted. Runs in one transaction, serialized by the application lock
-- 'app.sp_record_sla_breaches' (exclusive, owned by the transaction, waited for at most 30 seconds).
-- 1. Materializes the SLA rules authored in the config registry: every 'sla_rule' entry in force for an org
--    (app.v_effective_config) gets one app.sla_rule row (config_id, org_id; active_from = the entry's effective_from),
--    inserted once and reused afterwards; a row switched off earlier is switched on again. A materialized row whose
--    entry is no longer in force for its org gets is_active = 0 and active_to = now. A document is read once: its
--    row is a snapshot, so a changed rule is a new entry (a new version), never an edit of the old one.
--    A document is skipped, never an error, unless it is an object with exactly one of each member: "item_type"
--    ('signal', 'candidate' or 'pursuit'), "stage" (null = any open stage, or a string of 1-16 characters), "metric"
--    (a string of 1-24 characters) and "threshold_hrs" (a JSON number that is a positive int). Skipped documents
--    count as not in force.
-- 2. Rules in force: rules written directly into app.sla_rule (config_id NULL, is_active = 1, active_from <= now,
--    active_to NULL or later) and the materialized rules that no direct rule of the org overrides; a direct rule
--    overrides a materialized one with the same item_type, stage (NULL matches NULL) and metric.
-- 3. Breaching (item, rule) pairs; exactly at the threshold is a breach:
--    'signal' 'response' (stage ignored): the signal is not linked to a candidate and now >= ts + threshold_hrs
--    ('response_overdue'); 'candidate' 'touch': status new, triaged, nurture or on_hold, equal to the rule's stage
--    when it has one, and now >= last_touch_at + threshold_hrs ('touch_overdue'); 'pursuit' 'touch': stage qual,
--    pink, red or submit (the rule's stage when it has one) and now >= updated_at + threshold_hrs ('touch_overdue');
--    'pursuit' 'due': stage qual, pink or red (the rule's stage when it has one) and now >= due_date (00:00 UTC)
--    - threshold_hrs: 'past_due' from the due date on, 'due_soon' before; a NULL due date never breaches.
--    Any other item_type/metric combination, and a stage an item can never be open in, measures nothing.
--    A threshold too large for the calendar (DATEADD out of range) never breaches a touch or response rule and
--    makes every dated pursuit due soon.
-- 4. Records a breach (breached_at = now) for each breaching pair without an open breach, with the event
--    'sla_breached' on the item (payload: breach_id, rule_id, metric, threshold_hrs, reason_code). An open breach
--    keeps its reason_code: a 'due_soon' breach stays open as it is once the due date passes.
-- 5. Resolves every open breach in scope whose pair is not breaching now (the item moved on, was touched or closed,
--    or the rule left force): resolved_at = now (not before breached_at), event 'sla_resolved' (payload: breach_id,
--    rule_id, reason_code).
-- A second run in a row records and resolves nothing. Returns one row: rules_in_force, breaches_recorded,
-- breaches_resolved.
-- Errors (docs/errors.md), raised before anything is written:
--   50040 @org_id is not an org, or is the template org 0; 50041 the application lock was not granted within 30 s.
CREATE OR ALTER PROCEDURE app.sp_record_sla_breaches
    @org_id int = NULL
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    DECLARE @now datetime2;
    DECLARE @lock_result int;
    DECLARE @rules_in_force int;
    DECLARE @breaches_recorded int;
    DECLARE @breaches_resolved int;

    DECLARE @scope TABLE (
        org_id int NOT NULL PRIMARY KEY
    );

    DECLARE @config_rule TABLE (
        org_id int NOT NULL,
        config_id bigint NOT NULL,
        effective_from datetime2 NOT NULL,
        item_type varchar(12) NOT NULL,
        stage varchar(16) NULL,
        metric varchar(24) NOT NULL,
        threshold_hrs int NOT NULL,
        PRIMARY KEY (org_id, config_id)
    );

    DECLARE @rule TABLE (
        rule_id int NOT NULL PRIMARY KEY,
        org_id int NOT NULL,
        item_type varchar(12) NOT NULL,
        stage varchar(16) NULL,
        metric varchar(24) NOT NULL,
        threshold_hrs int NOT NULL,
        touched_before datetime2 NULL,
        due_by date NOT NULL
    );

    DECLARE @breaching TABLE (
        org_id int NOT NULL,
        item_type varchar(12) NOT NULL,
        item_id bigint NOT NULL,
        rule_id int NOT NULL,
        reason_code varchar(32) NOT NULL,
        PRIMARY KEY (org_id, item_type, item_id, rule_id)
    );

    DECLARE @recorded TABLE (
        breach_id bigint NOT NULL PRIMARY KEY,
        org_id int NOT NULL,
        item_type varchar(12) NOT NULL,
        item_id bigint NOT NULL,
        rule_id int NOT NULL,
        reason_code varchar(32) NULL
    );

    DECLARE @resolved TABLE (
        breach_id bigint NOT NULL PRIMARY KEY,
        org_id int NOT NULL,
        item_type varchar(12) NOT NULL,
        item_id bigint NOT NULL,
        rule_id int NOT NULL,
        reason_code varchar(32) NULL
    );

    BEGIN TRY
        IF @org_id IS NOT NULL AND (@org_id = 0 OR NOT EXISTS (SELECT 1 FROM core.org AS o WHERE o.org_id = @org_id))
            THROW 50040, N'sp_record_sla_breaches: @org_id does not name an org (the template org 0 has no work items).', 1;

        BEGIN TRANSACTION;

        EXEC @lock_result = sys.sp_getapplock
            @Resource = N'app.sp_record_sla_breaches',
            @LockMode = 'Exclusive',
            @LockOwner = 'Transaction',
            @LockTimeout = 30000;
        IF @lock_result < 0
            THROW 50041, N'sp_record_sla_breaches: another run holds the lock app.sp_record_sla_breaches; try again.', 1;

        SET @now = SYSUTCDATETIME();

        INSERT INTO @scope (org_id)
        SELECT o.org_id
        FROM core.org AS o
        WHERE o.org_id <> 0 AND (@org_id IS NULL OR o.org_id = @org_id);

        -- Step 1: the well-formed 'sla_rule' documents in force for each org in scope.
        WITH members AS (
            SELECT
                e.org_id,
                e.config_id,
                e.effective_from,
                SUM(CASE WHEN j.[key] = N'item_type' THEN 1 ELSE 0 END) AS item_type_count,
                SUM(CASE WHEN j.[key] = N'stage' THEN 1 ELSE 0 END) AS stage_count,
                SUM(CASE WHEN j.[key] = N'metric' THEN 1 ELSE 0 END) AS metric_count,
                SUM(CASE WHEN j.[key] = N'threshold_hrs' THEN 1 ELSE 0 END) AS threshold_count,
                MAX(CASE WHEN j.[key] = N'item_type' AND j.[type] = 1 THEN j.[value] END) AS item_type,
                MAX(CASE WHEN j.[key] = N'stage' AND j.[type] = 0 THEN 1 ELSE 0 END) AS stage_is_null,
                MAX(CASE WHEN j.[key] = N'stage' AND j.[type] = 1 THEN j.[value] END) AS stage,
                MAX(CASE WHEN j.[key] = N'metric' AND j.[type] = 1 THEN j.[value] END) AS metric,
                MAX(CASE WHEN j.[key] = N'threshold_hrs' AND j.[type] = 2 THEN j.[value] END) AS threshold_hrs
            FROM app.v_effective_config AS e
            INNER JOIN @scope AS s ON e.org_id = s.org_id
            CROSS APPLY OPENJSON(e.config_value) AS j
            WHERE e.config_type = 'sla_rule'
            GROUP BY e.org_id, e.config_id, e.effective_from
        )

        INSERT INTO @config_rule (org_id, config_id, effective_from, item_type, stage, metric, threshold_hrs)
        SELECT
            m.org_id,
            m.config_id,
            m.effective_from,
            CAST(m.item_type AS varchar(12)) AS item_type,
            CAST(m.stage AS varchar(16)) AS stage,
            CAST(m.metric AS varchar(24)) AS metric,
            TRY_CONVERT(int, m.threshold_hrs) AS threshold_hrs
        FROM members AS m
        WHERE
            m.item_type_count = 1
            AND m.stage_count = 1
            AND m.metric_count = 1
            AND m.threshold_count = 1
            AND m.item_type IN (N'signal', N'candidate', N'pursuit')
            AND (m.stage_is_null = 1 OR LEN(m.stage) BETWEEN 1 AND 16)
            AND LEN(m.metric) BETWEEN 1 AND 24
            AND TRY_CONVERT(int, m.threshold_hrs) >= 1;

        -- Step 1: one app.sla_rule row per entry and org, switched on while the entry is in force.
        UPDATE r
        SET
            r.is_active = 1,
            r.active_to = NULL
        FROM app.sla_rule AS r
        INNER JOIN @config_rule AS c
            ON r.org_id = c.org_id AND r.config_id = c.config_id
        WHERE r.is_active = 0 OR r.active_to IS NOT NULL;

        INSERT INTO app.sla_rule (org_id, item_type, stage, metric, threshold_hrs, active_from, is_active, config_id)
        SELECT
            c.org_id,
            c.item_type,
            c.stage,
            c.metric,
            c.threshold_hrs,
            c.effective_from,
            1 AS is_active,
            c.config_id
        FROM @config_rule AS c
        WHERE NOT EXISTS (
            SELECT 1
            FROM app.sla_rule AS r WITH (UPDLOCK, HOLDLOCK)
            WHERE r.config_id = c.config_id AND r.org_id = c.org_id
        );

        -- Step 1: a materialized rule whose entry left force is switched off (active_to stays after active_from).
        UPDATE r
        SET
            r.is_active = 0,
            r.active_to = CASE WHEN r.active_to IS NULL AND @now > r.active_from THEN @now ELSE r.active_to END
        FROM app.sla_rule AS r
        INNER JOIN @scope AS s ON r.org_id = s.org_id
        WHERE
            r.config_id IS NOT NULL
            AND r.is_active = 1
            AND NOT EXISTS (
                SELECT 1
                FROM @config_rule AS c
                WHERE c.org_id = r.org_id AND c.config_id = r.config_id
            );

        -- Step 2: the rules in force. touched_before: an item last touched then or earlier breaches (NULL: never);
        -- due_by: a pursuit due then or earlier breaches (now + threshold_hrs, capped at the calendar's end).
        WITH in_force AS (
            SELECT
                r.rule_id,
                r.org_id,
                r.item_type,
                r.stage,
                r.metric,
                r.threshold_hrs
            FROM app.sla_rule AS r
            INNER JOIN @scope AS s ON r.org_id = s.org_id
            WHERE
                r.config_id IS NULL
                AND r.is_active = 1
                AND r.active_from <= @now
                AND (r.active_to IS NULL OR r.active_to > @now)
        ),

        materialized AS (
            SELECT
                r.rule_id,
                r.org_id,
                r.item_type,
                r.stage,
                r.metric,
                r.threshold_hrs
            FROM app.sla_rule AS r
            INNER JOIN @config_rule AS c
                ON r.org_id = c.org_id AND r.config_id = c.config_id
            WHERE NOT EXISTS (
                SELECT 1
                FROM in_force AS d
                WHERE
                    d.org_id = r.org_id
                    AND d.item_type = r.item_type
                    AND d.metric = r.metric
                    AND (d.stage = r.stage OR (d.stage IS NULL AND r.stage IS NULL))
            )
        ),

        rules AS (
            SELECT
                d.rule_id,
                d.org_id,
                d.item_type,
                d.stage,
                d.metric,
                d.threshold_hrs
            FROM in_force AS d

            UNION ALL

            SELECT
                m.rule_id,
                m.org_id,
                m.item_type,
                m.stage,
                m.metric,
                m.threshold_hrs
            FROM materialized AS m
        )

        INSERT INTO @rule (rule_id, org_id, item_type, stage, metric, threshold_hrs, touched_before, due_by)
        SELECT
            u.rule_id,
            u.org_id,
            u.item_type,
            u.stage,
            u.metric,
            u.threshold_hrs,
            CASE
                WHEN u.threshold_hrs <= DATEDIFF(HOUR, CAST('0001-01-02' AS datetime2), @now)
                    THEN DATEADD(HOUR, -u.threshold_hrs, @now)
            END AS touched_before,
            CASE
                WHEN u.threshold_hrs <= DATEDIFF(HOUR, @now, CAST('9999-12-30' AS datetime2))
                    THEN CAST(DATEADD(HOUR, u.threshold_hrs, @now) AS date)
                ELSE CAST('9999-12-31' AS date)
            END AS due_by
        FROM rules AS u;

        SET @rules_in_force = (SELECT COUNT(r.rule_id) AS n FROM @rule AS r);

        -- Step 3: the breaching (item, rule) pairs.
        INSERT INTO @breaching (org_id, item_type, item_id, rule_id, reason_code)
        SELECT
            r.org_id,
            'signal' AS item_type,
            s.signal_id AS item_id,
            r.rule_id,
            'response_overdue' AS reason_code
        FROM @rule AS r
        INNER JOIN app.signal AS s ON r.org_id = s.org_id
        WHERE
            r.item_type = 'signal'
            AND r.metric = 'response'
            AND s.ts <= r.touched_before
            AND NOT EXISTS (
                SELECT 1
                FROM app.candidate_signal AS cs
                WHERE cs.org_id = s.org_id AND cs.signal_id = s.signal_id
            )

        UNION ALL

        SELECT
            r.org_id,
            'candidate' AS item_type,
            c.candidate_id AS item_id,
            r.rule_id,
            'touch_overdue' AS reason_code
        FROM @rule AS r
        INNER JOIN app.candidate AS c ON r.org_id = c.org_id
        WHERE
            r.item_type = 'candidate'
            AND r.metric = 'touch'
            AND c.status IN ('new', 'triaged', 'nurture', 'on_hold')
            AND (r.stage IS NULL OR c.status = r.stage)
            AND c.last_touch_at <= r.touched_before

        UNION ALL

        SELECT
            r.org_id,
            'pursuit' AS item_type,
            p.pursuit_id AS item_id,
            r.rule_id,
            'touch_overdue' AS reason_code
        FROM @rule AS r
        INNER JOIN app.pursuit AS p ON r.org_id = p.org_id
        WHERE
            r.item_type = 'pursuit'
            AND r.metric = 'touch'
            AND p.pursuit_stage IN ('qual', 'pink', 'red', 'submit')
            AND (r.stage IS NULL OR p.pursuit_stage = r.stage)
            AND p.updated_at <= r.touched_before

        UNION ALL

        SELECT
            r.org_id,
            'pursuit' AS item_type,
            p.pursuit_id AS item_id,
            r.rule_id,
            CASE WHEN p.due_date <= CAST(@now AS date) THEN 'past_due' ELSE 'due_soon' END AS reason_code
        FROM @rule AS r
        INNER JOIN app.pursuit AS p ON r.org_id = p.org_id
        WHERE
            r.item_type = 'pursuit'
            AND r.metric = 'due'
            AND p.pursuit_stage IN ('qual', 'pink', 'red')
            AND (r.stage IS NULL OR p.pursuit_stage = r.stage)
            AND p.due_date <= r.due_by;

        -- Step 4: a breach for each breaching pair without an open one, and its event.
        INSERT INTO app.sla_breach (org_id, item_type, item_id, rule_id, breached_at, reason_code)
        OUTPUT
            INSERTED.breach_id,
            INSERTED.org_id,
            INSERTED.item_type,
            INSERTED.item_id,
            INSERTED.rule_id,
            INSERTED.reason_code
        INTO @recorded (breach_id, org_id, item_type, item_id, rule_id, reason_code)
        SELECT
            b.org_id,
            b.item_type,
            b.item_id,
            b.rule_id,
            @now AS breached_at,
            b.reason_code
        FROM @breaching AS b
        WHERE NOT EXISTS (
            SELECT 1
            FROM app.sla_breach AS o WITH (UPDLOCK)
            WHERE
                o.org_id = b.org_id
                AND o.item_type = b.item_type
                AND o.item_id = b.item_id
                AND o.rule_id = b.rule_id
                AND o.resolved_at IS NULL
        );

        SET @breaches_recorded = @@ROWCOUNT;

        INSERT INTO app.work_event (org_id, item_type, item_id, event_name, payload_json, happened_at)
        SELECT
            x.org_id,
            x.item_type,
            x.item_id,
            'sla_breached' AS event_name,
            CONCAT(
                N'{"breach_id":', x.breach_id,
                N',"rule_id":', x.rule_id,
                N',"metric":"', STRING_ESCAPE(r.metric, 'json'),
                N'","threshold_hrs":', r.threshold_hrs,
                N',"reason_code":"', STRING_ESCAPE(x.reason_code, 'json'), N'"}'
            ) AS payload_json,
            @now AS happened_at
        FROM @recorded AS x
        INNER JOIN @rule AS r ON x.rule_id = r.rule_id
        ORDER BY x.breach_id;

        -- Step 5: every open breach in scope whose pair is not breaching now is resolved, with its event.
        INSERT INTO @resolved (breach_id, org_id, item_type, item_id, rule_id, reason_code)
        SELECT
            o.breach_id,
            o.org_id,
            o.item_type,
            o.item_id,
            o.rule_id,
            o.reason_code
        FROM app.sla_breach AS o WITH (UPDLOCK)
        INNER JOIN @scope AS s ON o.org_id = s.org_id
        WHERE
            o.resolved_at IS NULL
            AND NOT EXISTS (
                SELECT 1
                FROM @breaching AS b
                WHERE
                    b.org_id = o.org_id
                    AND b.item_type = o.item_type
                    AND b.item_id = o.item_id
                    AND b.rule_id = o.rule_id
            );

        UPDATE o
        SET o.resolved_at = CASE WHEN @now >= o.breached_at THEN @now ELSE o.breached_at END
        FROM app.sla_breach AS o
        INNER JOIN @resolved AS x ON o.breach_id = x.breach_id;

        SET @breaches_resolved = @@ROWCOUNT;

        INSERT INTO app.work_event (org_id, item_type, item_id, event_name, payload_json, happened_at)
        SELECT
            x.org_id,
            x.item_type,
            x.item_id,
            'sla_resolved' AS event_name,
            CONCAT(
                N'{"breach_id":', x.breach_id,
                N',"rule_id":', x.rule_id,
                N',"reason_code":',
                CASE
                    WHEN x.reason_code IS NULL THEN N'null'
                    ELSE CONCAT(N'"', STRING_ESCAPE(x.reason_code, 'json'), N'"')
                END,
                N'}'
            ) AS payload_json,
            @now AS happened_at
        FROM @resolved AS x
        ORDER BY x.breach_id;

        COMMIT TRANSACTION;

        SELECT
            @rules_in_force AS rules_in_force,
            @breaches_recorded AS breaches_recorded,
            @breaches_resolved AS breaches_resolved;
    END TRY
    BEGIN CATCH
        IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
        THROW;
    END CATCH;
END;
