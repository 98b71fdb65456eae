-- Reference rows of the org table: org 0, the template org.
--
-- Org 0 is not a tenant (is_active = 0, it owns no work items). It holds the package's shipped defaults in
-- app.config_registry; every org reads them unless it has an active row of its own for the same
-- (config_type, config_key) (app.v_effective_config). The platform's org service never hands out id 0.
DECLARE @org TABLE (
    org_id int NOT NULL,
    name nvarchar(200) NOT NULL
);

INSERT INTO @org (org_id, name)
VALUES (0, N'Template org: shipped configuration defaults');

UPDATE o
SET
    o.name = v.name,
    o.is_active = 0,
    o.updated_at = SYSUTCDATETIME()
FROM core.org AS o
INNER JOIN @org AS v ON o.org_id = v.org_id
WHERE o.name <> v.name COLLATE Latin1_General_100_BIN2 OR o.is_active <> 0;

INSERT INTO core.org (org_id, name, is_active)
SELECT
    v.org_id,
    v.name,
    0 AS is_active
FROM @org AS v
WHERE NOT EXISTS (
    SELECT 1 FROM core.org AS o WITH (UPDLOCK, HOLDLOCK)
    WHERE o.org_id = v.org_id
);
