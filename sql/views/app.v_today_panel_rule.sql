-- The Today panel's ranking rule in force for each org, one column per number.
--
-- Reads the 'ranking_rule' document 'today_panel' of app.v_effective_config (the org's own, else the template
-- org's) and exposes its numbers, so app.v_today_panel and app.v_user_workload_analysis hold no weight or boundary
-- of their own. icp_band_json and stage_json are the documents' weight maps ({"high": 30, ...}), read with OPENJSON.
-- A member that is missing or not a whole number reads as NULL; docs/ranking.md describes every member.
CREATE OR ALTER VIEW app.v_today_panel_rule
AS
SELECT
    ec.org_id,
    ec.config_id,
    ec.is_default,
    ec.effective_from,
    TRY_CONVERT(int, JSON_VALUE(ec.config_value, '$.sla_urgency.breach')) AS sla_breach_weight,
    TRY_CONVERT(int, JSON_VALUE(ec.config_value, '$.sla_urgency.aging')) AS sla_aging_weight,
    TRY_CONVERT(int, JSON_VALUE(ec.config_value, '$.sla_urgency.medium')) AS sla_medium_weight,
    TRY_CONVERT(int, JSON_VALUE(ec.config_value, '$.sla_urgency.recent')) AS sla_recent_weight,
    TRY_CONVERT(int, JSON_VALUE(ec.config_value, '$.age_hours.aging')) AS aging_hours,
    TRY_CONVERT(int, JSON_VALUE(ec.config_value, '$.age_hours.medium')) AS medium_hours,
    TRY_CONVERT(int, JSON_VALUE(ec.config_value, '$.workload.free_items')) AS workload_free_items,
    TRY_CONVERT(int, JSON_VALUE(ec.config_value, '$.workload.points_per_item')) AS workload_points_per_item,
    TRY_CONVERT(int, JSON_VALUE(ec.config_value, '$.workload.max_penalty')) AS workload_max_penalty,
    TRY_CONVERT(int, JSON_VALUE(ec.config_value, '$.tiers.critical')) AS tier_critical,
    TRY_CONVERT(int, JSON_VALUE(ec.config_value, '$.tiers.high')) AS tier_high,
    TRY_CONVERT(int, JSON_VALUE(ec.config_value, '$.tiers.medium')) AS tier_medium,
    TRY_CONVERT(int, JSON_VALUE(ec.config_value, '$.badges.due_soon_days')) AS due_soon_days,
    TRY_CONVERT(int, JSON_VALUE(ec.config_value, '$.badges.stale_hours')) AS stale_hours,
    JSON_QUERY(ec.config_value, '$.icp_band') AS icp_band_json,
    JSON_QUERY(ec.config_value, '$.stage') AS stage_json
FROM app.v_effective_config AS ec
WHERE ec.config_type = 'ranking_rule' AND ec.config_key = 'today_panel';
