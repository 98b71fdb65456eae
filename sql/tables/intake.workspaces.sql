-- Workspaces: the tenants of the intake module; every intake row belongs to exactly one workspace.
CREATE TABLE intake.workspaces (
    -- Primary key (sequential GUID, so new workspaces append to the clustered index)
    workspace_id uniqueidentifier NOT NULL CONSTRAINT DF_intake_workspaces_workspace_id DEFAULT (NEWSEQUENTIALID()),
    name nvarchar(200) NOT NULL, -- Workspace display name
    org_id int NULL, -- Workstream organisation this workspace belongs to (NULL = not attached to an org)
    is_active bit NOT NULL CONSTRAINT DF_intake_workspaces_is_active DEFAULT (1), -- Active flag
    created_at datetime2 NOT NULL CONSTRAINT DF_intake_workspaces_created_at DEFAULT (SYSUTCDATETIME()), -- Creation timestamp
    updated_at datetime2 NOT NULL CONSTRAINT DF_intake_workspaces_updated_at DEFAULT (SYSUTCDATETIME()), -- Last update timestamp
    CONSTRAINT PK_intake_workspaces PRIMARY KEY CLUSTERED (workspace_id),
    CONSTRAINT FK_intake_workspaces_org_id_core_org FOREIGN KEY (org_id) REFERENCES core.org (org_id),
    CONSTRAINT CK_intake_workspaces_name CHECK (name <> '')
);
