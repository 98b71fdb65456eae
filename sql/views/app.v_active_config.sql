-- Real-time view of currently active configurations.
--
-- A row is active when is_active = 1, effective_from <= now and effective_to is NULL or later than now. When several
-- rows of one (org_id, config_type, config_key) are active at once (a newer version starting while the older one is
-- still open-ended), the one with the latest effective_from wins: effective dating supersedes, it does not merge.
CREATE OR ALTER VIEW app.v_active_config
AS
WITH effective AS (
    SELECT
        c.config_id,
        c.org_id,
        c.config_type,
        c.config_key,
        c.config_value,
        c.effective_from,
        c.effective_to,
        c.created_at,
        c.created_by,
        ROW_NUMBER() OVER (
            PARTITION BY c.org_id, c.config_type, c.config_key
            ORDER BY c.effective_from DESC, c.config_id DESC
        ) AS version_rank
    FROM app.config_registry AS c
    WHERE
        c.is_active = 1
        AND c.effective_from <= SYSUTCDATETIME()
        AND (c.effective_to IS NULL OR c.effective_to > SYSUTCDATETIME())
)

SELECT
    e.config_id,
    e.org_id,
    e.config_type,
    e.config_key,
    e.config_value,
    e.effective_from,
    e.effective_to,
    e.created_at,
    e.created_by
FROM effective AS e
WHERE e.version_rank = 1;
