-- Enhanced dashboard view with multi-factor priority scoring.
--
-- Items: open candidates ('new', 'triaged', 'nurture', 'on_hold'), open pursuits ('qual' to 'submit') and open signals
-- (not yet linked to a candidate). priority_score = SLA urgency + ICP band + stage - workload penalty:
--   SLA urgency 100 with an open breach, else by hours since the last touch: 50 from 72 h (aging),
--   25 from 24 h (medium), 10 below (recent);
--   ICP band 30 high, 15 med, 5 low; stage 35 submit, 25 red, 15 pink/nurture, 10 qual/triaged;
--   workload penalty 1 point per open item the owner has beyond 20, at most 20.
-- priority_tier: critical >= 100, high >= 75, medium >= 50, low below.
-- These first-version weights are the seed's numbers; moving them into the ranking_rule config is tracked separately.
CREATE OR ALTER VIEW app.v_today_panel
AS
WITH items AS (
    SELECT
        CAST('candidate' AS varchar(12)) AS item_type,
        c.candidate_id AS item_id,
        c.org_id,
        CAST(c.title AS nvarchar(300)) AS label,
        CAST(c.status AS varchar(12)) AS state,
        c.last_touch_at,
        CAST(NULL AS date) AS due_date,
        c.owner_user_id,
        c.value_band AS icp_band
    FROM app.candidate AS c
    WHERE c.status IN ('new', 'triaged', 'nurture', 'on_hold')

    UNION ALL

    SELECT
        CAST('pursuit' AS varchar(12)) AS item_type,
        p.pursuit_id AS item_id,
        p.org_id,
        CAST(c.title AS nvarchar(300)) AS label,
        CAST(p.pursuit_stage AS varchar(12)) AS state,
        p.updated_at AS last_touch_at,
        p.due_date,
        p.capture_lead_id AS owner_user_id,
        c.value_band AS icp_band
    FROM app.pursuit AS p
    INNER JOIN app.candidate AS c
        ON p.org_id = c.org_id AND p.candidate_id = c.candidate_id
    WHERE p.pursuit_stage IN ('qual', 'pink', 'red', 'submit')

    UNION ALL

    SELECT
        CAST('signal' AS varchar(12)) AS item_type,
        s.signal_id AS item_id,
        s.org_id,
        COALESCE(s.problem_phrase, CAST(LEFT(s.snippet, 300) AS nvarchar(300))) AS label,
        CAST('open' AS varchar(12)) AS state,
        s.ts AS last_touch_at,
        CAST(NULL AS date) AS due_date,
        s.owner_user_id,
        CAST(NULL AS varchar(8)) AS icp_band
    FROM app.signal AS s
    WHERE NOT EXISTS (
        SELECT 1
        FROM app.candidate_signal AS cs
        WHERE cs.org_id = s.org_id AND cs.signal_id = s.signal_id
    )
),

open_breaches AS (
    SELECT
        b.org_id,
        b.item_type,
        b.item_id,
        MIN(r.metric) AS sla_metric
    FROM app.sla_breach AS b
    INNER JOIN app.sla_rule AS r
        ON b.org_id = r.org_id AND b.rule_id = r.rule_id
    WHERE b.resolved_at IS NULL
    GROUP BY b.org_id, b.item_type, b.item_id
),

measured AS (
    SELECT
        i.item_type,
        i.item_id,
        i.org_id,
        i.label,
        i.state,
        i.last_touch_at,
        i.due_date,
        i.owner_user_id,
        i.icp_band,
        ob.sla_metric,
        CASE WHEN ob.item_id IS NULL THEN 0 ELSE 1 END AS has_breach,
        DATEDIFF(MINUTE, i.last_touch_at, SYSUTCDATETIME()) / 60 AS hours_since_touch,
        COUNT(*) OVER (PARTITION BY i.org_id, i.owner_user_id) AS owner_open_items
    FROM items AS i
    LEFT OUTER JOIN open_breaches AS ob
        ON i.org_id = ob.org_id AND i.item_type = ob.item_type AND i.item_id = ob.item_id
),

weighted AS (
    SELECT
        m.item_type,
        m.item_id,
        m.org_id,
        m.label,
        m.state,
        m.last_touch_at,
        m.due_date,
        m.sla_metric,
        m.owner_user_id,
        m.icp_band,
        m.hours_since_touch,
        m.has_breach,
        CASE
            WHEN m.has_breach = 1 THEN 100
            WHEN m.hours_since_touch >= 72 THEN 50
            WHEN m.hours_since_touch >= 24 THEN 25
            ELSE 10
        END
        + CASE m.icp_band WHEN 'high' THEN 30 WHEN 'med' THEN 15 WHEN 'low' THEN 5 ELSE 0 END
        + CASE m.state
            WHEN 'submit' THEN 35
            WHEN 'red' THEN 25
            WHEN 'pink' THEN 15
            WHEN 'nurture' THEN 15
            WHEN 'qual' THEN 10
            WHEN 'triaged' THEN 10
            ELSE 0
        END
        - CASE
            WHEN m.owner_user_id IS NULL OR m.owner_open_items <= 20 THEN 0
            WHEN m.owner_open_items >= 40 THEN 20
            ELSE m.owner_open_items - 20
        END AS priority_score
    FROM measured AS m
)

SELECT
    w.item_type,
    w.item_id,
    w.org_id,
    w.label,
    w.state,
    w.last_touch_at,
    w.due_date,
    w.sla_metric,
    CAST(CASE
        WHEN w.has_breach = 1 THEN 'breach'
        WHEN w.due_date < CAST(SYSUTCDATETIME() AS date) THEN 'overdue'
        WHEN w.due_date <= DATEADD(DAY, 3, CAST(SYSUTCDATETIME() AS date)) THEN 'due_soon'
        WHEN w.hours_since_touch >= 168 THEN 'stale'
    END AS varchar(12)) AS badge,
    w.priority_score,
    w.owner_user_id,
    w.icp_band,
    w.hours_since_touch,
    CAST(CASE
        WHEN w.priority_score >= 100 THEN 'critical'
        WHEN w.priority_score >= 75 THEN 'high'
        WHEN w.priority_score >= 50 THEN 'medium'
        ELSE 'low'
    END AS varchar(8)) AS priority_tier
FROM weighted AS w;
