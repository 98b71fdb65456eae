-- The configuration each org works with now: its own active entry of a key, else the template org's.
--
-- One row per org (every row of core.org, the template org 0 included) and (config_type, config_key) that is active
-- now (app.v_active_config) for the org itself or for the template org 0. The org's own entry wins over the
-- template's for the same key; is_default = 1 marks a row taken from the template. An org overrides a whole
-- document, never part of one: a ranking formula or gate rule is reviewed and effective-dated as a unit.
-- An org switches a shipped key off with an entry of its own whose document says "enabled": false; such keys are
-- left out, so readers never see them.
CREATE OR ALTER VIEW app.v_effective_config
AS
WITH offered AS (
    SELECT
        o.org_id,
        a.config_type,
        a.config_key,
        a.config_id,
        a.config_value,
        a.effective_from,
        a.effective_to,
        CASE WHEN a.org_id = o.org_id THEN 0 ELSE 1 END AS is_default
    FROM core.org AS o
    INNER JOIN app.v_active_config AS a
        ON a.org_id = o.org_id OR a.org_id = 0
),

ranked AS (
    SELECT
        f.org_id,
        f.config_type,
        f.config_key,
        f.config_id,
        f.config_value,
        f.effective_from,
        f.effective_to,
        f.is_default,
        ROW_NUMBER() OVER (PARTITION BY f.org_id, f.config_type, f.config_key ORDER BY f.is_default ASC) AS precedence
    FROM offered AS f
)

SELECT
    r.org_id,
    r.config_type,
    r.config_key,
    r.config_id,
    r.config_value,
    r.effective_from,
    r.effective_to,
    CAST(r.is_default AS bit) AS is_default
FROM ranked AS r
WHERE
    r.precedence = 1
    AND COALESCE(JSON_VALUE(r.config_value, '$.enabled'), 'true') <> 'false';
