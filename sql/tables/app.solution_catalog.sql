-- wsdb:never-deleted catalog entries are retired with active = 0 so candidates keep their solution
-- Available solution offerings.
CREATE TABLE app.solution_catalog (
    solution_id int IDENTITY (1, 1) NOT NULL, -- Primary key
    org_id int NOT NULL, -- Organization ID
    name nvarchar(120) NOT NULL, -- Solution name
    playbook_ref nvarchar(256) NULL, -- Playbook reference
    active bit NOT NULL CONSTRAINT DF_app_solution_catalog_active DEFAULT (1), -- Active flag
    CONSTRAINT PK_app_solution_catalog PRIMARY KEY CLUSTERED (solution_id),
    CONSTRAINT UQ_app_solution_catalog_org_id_solution_id UNIQUE NONCLUSTERED (org_id, solution_id),
    CONSTRAINT UQ_app_solution_catalog_org_id_name UNIQUE NONCLUSTERED (org_id, name),
    CONSTRAINT FK_app_solution_catalog_org_id_core_org FOREIGN KEY (org_id) REFERENCES core.org (org_id)
);
