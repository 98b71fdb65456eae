-- Enhanced dashboard view with multi-factor priority scoring.
--
-- Items: open candidates ('new', 'triaged', 'nurture', 'on_hold'), open pursuits ('qual' to 'submit') and open signals
-- (not yet linked to a candidate). priority_score = SLA urgency + ICP band + stage - workload penalty, every number
-- read from the org's ranking rule in force (app.v_today_panel_rule; docs/ranking.md), none written here:
--   SLA urgency: the breach weight with an open SLA breach, else by whole hours since the last touch: the aging
--   weight from age_hours.aging, the medium weight from age_hours.medium, the recent weight below;
--   ICP band: the icp_band map by the candidate's value_band (0 when absent); stage: the stage map by state (0 when
--   absent); workload penalty: points_per_item for each open item the owner has beyond free_items, at most
--   max_penalty, 0 for items without an owner.
-- priority_tier: 'critical' from tiers.critical, 'high' from tiers.high, 'medium' from tiers.medium, 'low' below.
-- An org with no ranking rule in force (none of its own and none shipped) gets NULL priority_score and priority_tier.
-- Badges: 'breach' (open SLA breach), 'overdue' (due date passed), 'due_soon' (due within badges.due_soon_days),
-- 'stale' (untouched for badges.stale_hours). Last touch: candidate last_touch_at, pursuit updated_at, signal ts;
-- hours_since_touch counts elapsed seconds and rounds down to whole hours. OPENJSON's key column is Latin1_General_BIN2,
-- so the weight maps' keys take the database collation before they are compared with states and bands.
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

icp_weight AS (
    SELECT
        r.org_id,
        CAST(w.[key] AS varchar(8)) COLLATE database_default AS icp_band,
        TRY_CONVERT(int, w.[value]) AS weight
    FROM app.v_today_panel_rule AS r
    CROSS APPLY OPENJSON(r.icp_band_json) AS w
),

stage_weight AS (
    SELECT
        r.org_id,
        CAST(w.[key] AS varchar(12)) COLLATE database_default AS state,
        TRY_CONVERT(int, w.[value]) AS weight
    FROM app.v_today_panel_rule AS r
    CROSS APPLY OPENJSON(r.stage_json) AS w
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
        CAST(DATEDIFF_BIG(SECOND, i.last_touch_at, SYSUTCDATETIME()) / 3600 AS int) AS hours_since_touch,
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
        r.tier_critical,
        r.tier_high,
        r.tier_medium,
        r.due_soon_days,
        r.stale_hours,
        CASE
            WHEN m.has_breach = 1 THEN r.sla_breach_weight
            WHEN m.hours_since_touch >= r.aging_hours THEN r.sla_aging_weight
            WHEN m.hours_since_touch >= r.medium_hours THEN r.sla_medium_weight
            ELSE r.sla_recent_weight
        END
        + COALESCE(iw.weight, 0)
        + COALESCE(sw.weight, 0)
        - CASE
            WHEN m.owner_user_id IS NULL OR m.owner_open_items <= r.workload_free_items THEN 0
            WHEN (m.owner_open_items - r.workload_free_items) * r.workload_points_per_item >= r.workload_max_penalty
                THEN r.workload_max_penalty
            ELSE (m.owner_open_items - r.workload_free_items) * r.workload_points_per_item
        END AS priority_score
    FROM measured AS m
    LEFT OUTER JOIN app.v_today_panel_rule AS r
        ON m.org_id = r.org_id
    LEFT OUTER JOIN icp_weight AS iw
        ON m.org_id = iw.org_id AND m.icp_band = iw.icp_band
    LEFT OUTER JOIN stage_weight AS sw
        ON m.org_id = sw.org_id AND m.state = sw.state
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
        WHEN w.due_date <= DATEADD(DAY, w.due_soon_days, CAST(SYSUTCDATETIME() AS date)) THEN 'due_soon'
        WHEN w.hours_since_touch >= w.stale_hours THEN 'stale'
    END AS varchar(12)) AS badge,
    w.priority_score,
    w.owner_user_id,
    w.icp_band,
    w.hours_since_touch,
    CAST(CASE
        WHEN w.priority_score >= w.tier_critical THEN 'critical'
        WHEN w.priority_score >= w.tier_high THEN 'high'
        WHEN w.priority_score >= w.tier_medium THEN 'medium'
        WHEN w.priority_score IS NOT NULL THEN 'low'
    END AS varchar(8)) AS priority_tier
FROM weighted AS w;
