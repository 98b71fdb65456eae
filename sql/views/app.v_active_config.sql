-- Real-time view of currently active configurations.
CREATE OR ALTER VIEW app.v_active_config
AS
SELECT
    c.config_id,
    c.org_id,
    c.config_type,
    c.config_key,
    c.config_value,
    c.effective_from,
    c.effective_to,
    c.created_at,
    c.created_by
FROM app.config_registry AS c
WHERE
    c.is_active = 1
    AND c.effective_from <= SYSUTCDATETIME()
    AND (c.effective_to IS NULL OR c.effective_to > SYSUTCDATETIME());
