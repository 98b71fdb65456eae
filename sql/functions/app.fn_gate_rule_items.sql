-- The checklist items a stage's gate rule in force for an org requires, in the rule's order.
--
-- Reads the 'gate_rule' document whose config_key is @stage from app.v_effective_config (the org's own, else the
-- template org's): one row per distinct name of its "required_items" array, cut to the 120 characters of
-- app.pursuit_checklist.name; entries that are not strings, or are blank, are ignored. No rule in force: no rows.
-- Used by app.sp_promote_candidate and app.sp_advance_pursuit_stage, to seed checklists and to check gates.
CREATE OR ALTER FUNCTION app.fn_gate_rule_items(
    @org_id int,
    @stage varchar(16)
)
RETURNS TABLE
AS
RETURN (
    SELECT
        CAST(LEFT(j.[value], 120) AS nvarchar(120)) AS name,
        MIN(TRY_CONVERT(int, j.[key])) AS position
    FROM app.v_effective_config AS e
    CROSS APPLY OPENJSON(JSON_QUERY(e.config_value, '$.required_items')) AS j
    WHERE
        e.org_id = @org_id
        AND e.config_type = 'gate_rule'
        AND e.config_key = @stage
        AND j.[type] = 1
        AND LTRIM(j.[value]) <> N''
    GROUP BY CAST(LEFT(j.[value], 120) AS nvarchar(120))
);
