-- Shipped configuration defaults: the seed's numbers as effective-dated rows of the template org (org 0).
--
-- Every org reads these unless it has an active row of its own for the same (config_type, config_key)
-- (app.v_effective_config); docs/configuration.md describes each document. Rows are never edited: a changed
-- default is a new row with a later effective_from, and loading it closes the template's older open row of
-- the same key (effective_to = the new row's effective_from), so history stays readable.
DECLARE @config TABLE (
    config_type varchar(32) NOT NULL,
    config_key varchar(64) NOT NULL,
    effective_from datetime2 NOT NULL,
    config_value nvarchar(max) NOT NULL
);

INSERT INTO @config (config_type, config_key, effective_from, config_value)
VALUES
(
    'ranking_rule', 'today_panel', '2025-09-09T00:00:00',
    N'{"formula":"sla_urgency + icp_band + stage - workload_penalty",'
    + N'"sla_urgency":{"breach":100,"aging":50,"medium":25,"recent":10},'
    + N'"age_hours":{"aging":72,"medium":24},'
    + N'"icp_band":{"high":30,"med":15,"low":5},'
    + N'"stage":{"submit":35,"red":25,"pink":15,"nurture":15,"qual":10,"triaged":10},'
    + N'"workload":{"free_items":20,"points_per_item":1,"max_penalty":20},'
    + N'"tiers":{"critical":100,"high":75,"medium":50},'
    + N'"badges":{"due_soon_days":3,"stale_hours":168}}'
),
(
    'gate_rule', 'pink', '2025-09-09T00:00:00',
    N'{"stage":"pink","next_stage":"red","min_compliance_score":null,"required_items":['
    + N'"Compliance matrix complete","Win themes drafted","Storyboards reviewed","Pink team review held"]}'
),
(
    'gate_rule', 'red', '2025-09-09T00:00:00',
    N'{"stage":"red","next_stage":"submit","min_compliance_score":90.0,"required_items":['
    + N'"Pink team comments resolved","Full draft complete","Pricing approved","Red team review held"]}'
),
(
    'spotlight_rule', 'component_weights', '2025-09-09T00:00:00',
    N'{"algorithm_version":"v2.2","default_weight":1.0,'
    + N'"weights":{"industry_match":1.0,"budget_fit":1.0,"geo_alignment":1.0}}'
),
(
    'sla_rule', 'signal.any.response', '2025-09-09T00:00:00',
    N'{"item_type":"signal","stage":null,"metric":"response","threshold_hrs":24}'
),
(
    'sla_rule', 'candidate.new.touch', '2025-09-09T00:00:00',
    N'{"item_type":"candidate","stage":"new","metric":"touch","threshold_hrs":48}'
),
(
    'sla_rule', 'candidate.triaged.touch', '2025-09-09T00:00:00',
    N'{"item_type":"candidate","stage":"triaged","metric":"touch","threshold_hrs":72}'
),
(
    'sla_rule', 'candidate.nurture.touch', '2025-09-09T00:00:00',
    N'{"item_type":"candidate","stage":"nurture","metric":"touch","threshold_hrs":336}'
),
(
    'sla_rule', 'pursuit.qual.touch', '2025-09-09T00:00:00',
    N'{"item_type":"pursuit","stage":"qual","metric":"touch","threshold_hrs":120}'
),
(
    'sla_rule', 'pursuit.pink.touch', '2025-09-09T00:00:00',
    N'{"item_type":"pursuit","stage":"pink","metric":"touch","threshold_hrs":72}'
),
(
    'sla_rule', 'pursuit.red.touch', '2025-09-09T00:00:00',
    N'{"item_type":"pursuit","stage":"red","metric":"touch","threshold_hrs":48}'
),
(
    'sla_rule', 'pursuit.submit.touch', '2025-09-09T00:00:00',
    N'{"item_type":"pursuit","stage":"submit","metric":"touch","threshold_hrs":168}'
),
(
    'sla_rule', 'pursuit.any.due', '2025-09-09T00:00:00',
    N'{"item_type":"pursuit","stage":null,"metric":"due","threshold_hrs":48}'
);

-- A newer default supersedes the template's older open row of the same key.
UPDATE c
SET
    c.effective_to = v.effective_from,
    c.updated_at = SYSUTCDATETIME()
FROM app.config_registry AS c
INNER JOIN @config AS v
    ON c.config_type = v.config_type AND c.config_key = v.config_key
WHERE
    c.org_id = 0
    AND c.is_active = 1
    AND c.effective_to IS NULL
    AND c.effective_from < v.effective_from;

INSERT INTO app.config_registry (org_id, config_type, config_key, config_value, effective_from)
SELECT
    0 AS org_id,
    v.config_type,
    v.config_key,
    v.config_value,
    v.effective_from
FROM @config AS v
WHERE NOT EXISTS (
    SELECT 1 FROM app.config_registry AS c WITH (UPDLOCK, HOLDLOCK)
    WHERE
        c.org_id = 0
        AND c.config_type = v.config_type
        AND c.config_key = v.config_key
        AND c.effective_from = v.effective_from
);
