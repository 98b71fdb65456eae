-- wsdb:never-deleted taxonomy entries are retired with active = 0 so candidates keep their classification
-- Standardized problem definitions.
CREATE TABLE app.problem_taxonomy (
    problem_id int IDENTITY (1, 1) NOT NULL, -- Primary key
    org_id int NOT NULL, -- Organization ID
    name nvarchar(120) NOT NULL, -- Problem name
    [definition] nvarchar(400) NULL, -- Problem definition
    active bit NOT NULL CONSTRAINT DF_app_problem_taxonomy_active DEFAULT (1), -- Active flag
    CONSTRAINT PK_app_problem_taxonomy PRIMARY KEY CLUSTERED (problem_id),
    CONSTRAINT UQ_app_problem_taxonomy_org_id_problem_id UNIQUE NONCLUSTERED (org_id, problem_id),
    CONSTRAINT UQ_app_problem_taxonomy_org_id_name UNIQUE NONCLUSTERED (org_id, name),
    CONSTRAINT FK_app_problem_taxonomy_org_id_core_org FOREIGN KEY (org_id) REFERENCES core.org (org_id)
);
