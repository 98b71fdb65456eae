-- Performance analytics for workload distribution.
--
-- One row per owner with open items on app.v_today_panel. at_risk_items: not breached yet, but overdue, due soon or
-- aging (untouched for the ranking rule's age_hours.aging or more); stale_items: untouched for badges.stale_hours or
-- more. Both boundaries come from the org's ranking rule in force (app.v_today_panel_rule), like the panel's.
CREATE OR ALTER VIEW app.v_user_workload_analysis
AS
SELECT
    t.org_id,
    t.owner_user_id,
    COUNT(*) AS total_items,
    SUM(CASE WHEN t.priority_tier = 'critical' THEN 1 ELSE 0 END) AS critical_items,
    SUM(CASE WHEN t.priority_tier = 'high' THEN 1 ELSE 0 END) AS high_priority_items,
    SUM(CASE WHEN t.priority_tier = 'medium' THEN 1 ELSE 0 END) AS medium_priority_items,
    SUM(CASE WHEN t.priority_tier = 'low' THEN 1 ELSE 0 END) AS low_priority_items,
    CAST(AVG(CAST(t.priority_score AS decimal(9, 2))) AS decimal(9, 2)) AS avg_priority_score,
    SUM(CASE WHEN t.badge = 'breach' THEN 1 ELSE 0 END) AS sla_breaches,
    SUM(
        CASE
            WHEN t.badge = 'breach' THEN 0
            WHEN t.badge IN ('overdue', 'due_soon') OR t.hours_since_touch >= r.aging_hours THEN 1
            ELSE 0
        END
    ) AS at_risk_items,
    MAX(t.hours_since_touch) AS max_hours_without_touch,
    SUM(CASE WHEN t.hours_since_touch >= r.stale_hours THEN 1 ELSE 0 END) AS stale_items
FROM app.v_today_panel AS t
LEFT OUTER JOIN app.v_today_panel_rule AS r
    ON t.org_id = r.org_id
WHERE t.owner_user_id IS NOT NULL
GROUP BY t.org_id, t.owner_user_id;
