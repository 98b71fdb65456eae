-- Policies: versioned workspace policy documents (JSON); at most one active version per policy key.
CREATE TABLE intake.policies (
    policy_id bigint IDENTITY (1, 1) NOT NULL, -- Primary key
    workspace_id uniqueidentifier NOT NULL, -- Workspace (tenant)
    policy_key varchar(64) NOT NULL, -- Policy name, as a lower-case name (e.g. 'default', 'crm_sync', 'review')
    version int NOT NULL, -- Version number of the policy key, from 1
    policy nvarchar(max) NOT NULL, -- Policy document as a JSON object
    is_active bit NOT NULL CONSTRAINT DF_intake_policies_is_active DEFAULT (1), -- Active flag (the version in force)
    created_at datetime2 NOT NULL CONSTRAINT DF_intake_policies_created_at DEFAULT (SYSUTCDATETIME()), -- Creation timestamp
    created_by varchar(320) NULL, -- Who wrote this version (email or principal name; NULL = the system)
    updated_at datetime2 NOT NULL CONSTRAINT DF_intake_policies_updated_at DEFAULT (SYSUTCDATETIME()), -- Last update timestamp
    CONSTRAINT PK_intake_policies PRIMARY KEY CLUSTERED (policy_id),
    CONSTRAINT FK_intake_policies_workspace_id_intake_workspaces FOREIGN KEY (workspace_id)
    REFERENCES intake.workspaces (workspace_id),
    CONSTRAINT CK_intake_policies_policy_key CHECK (policy_key <> '' AND policy_key NOT LIKE '%[^a-z0-9_]%'),
    CONSTRAINT CK_intake_policies_version CHECK (version >= 1),
    CONSTRAINT CK_intake_policies_policy CHECK (ISJSON(policy) = 1)
);

CREATE UNIQUE NONCLUSTERED INDEX UX_intake_policies_workspace_id_policy_key_version -- Versions of a policy key, each once
    ON intake.policies (workspace_id, policy_key, version);

CREATE UNIQUE NONCLUSTERED INDEX UX_intake_policies_active -- At most one active version per policy key
    ON intake.policies (workspace_id, policy_key)
    WHERE is_active = 1;
