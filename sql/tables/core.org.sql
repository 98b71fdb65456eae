-- wsdb:never-deleted tenants are deactivated; offboarding purges an org's rows child-first before the org row goes
-- Tenant organisations; every Workstream row belongs to exactly one org.
CREATE TABLE core.org (
    org_id int NOT NULL, -- Primary key (assigned by the platform's org service)
    name nvarchar(200) NOT NULL, -- Organisation display name
    is_active bit NOT NULL CONSTRAINT DF_core_org_is_active DEFAULT (1), -- Active flag
    created_at datetime2 NOT NULL CONSTRAINT DF_core_org_created_at DEFAULT (SYSUTCDATETIME()), -- Creation timestamp
    updated_at datetime2 NOT NULL CONSTRAINT DF_core_org_updated_at DEFAULT (SYSUTCDATETIME()), -- Last update timestamp
    CONSTRAINT PK_core_org PRIMARY KEY CLUSTERED (org_id)
);
