-- Reference rows of the module registry: the modules this package ships.
DECLARE @module TABLE (
    module_code varchar(32) NOT NULL,
    name nvarchar(120) NOT NULL,
    description nvarchar(400) NULL
);

INSERT INTO @module (module_code, name, description)
VALUES
('workstream', N'Workstream', N'Sales pipeline: signals, candidates, pursuits, proposals, cost of sale, SLA and quality gates'),
('spotlight', N'Spotlight', N'ICP definitions, custom fields and explainable scoring of work items');

UPDATE m
SET
    m.name = v.name,
    m.description = v.description
FROM core.module AS m
INNER JOIN @module AS v ON m.module_code = v.module_code
-- A binary collation makes a change of letter case count as a change.
WHERE
    m.name <> v.name COLLATE Latin1_General_100_BIN2
    OR COALESCE(m.description, N'') <> COALESCE(v.description, N'') COLLATE Latin1_General_100_BIN2;

INSERT INTO core.module (module_code, name, description)
SELECT
    v.module_code,
    v.name,
    v.description
FROM @module AS v
WHERE NOT EXISTS (
    SELECT 1 FROM core.module AS m WITH (UPDLOCK, HOLDLOCK)
    WHERE m.module_code = v.module_code
);
