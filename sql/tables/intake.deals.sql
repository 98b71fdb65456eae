-- Deals: the workspace-scoped mirror of the deals (opportunities) of a CRM.
CREATE TABLE intake.deals (
    deal_id bigint IDENTITY (1, 1) NOT NULL, -- Primary key
    workspace_id uniqueidentifier NOT NULL, -- Workspace (tenant)
    crm varchar(32) NOT NULL, -- CRM the deal lives in, as a lower-case name (e.g. 'hubspot', 'salesforce')
    crm_deal_id varchar(128) NOT NULL, -- The deal's id in that CRM
    title nvarchar(400) NOT NULL, -- Deal title
    stage nvarchar(100) NULL, -- Pipeline stage as the CRM names it (NULL = unknown)
    primary_domain varchar(253) NULL, -- Lower-case internet domain of the buying organisation (e.g. 'example.com')
    owner_user_id varchar(128) NULL, -- The CRM's id of the deal owner (NULL = unassigned)
    last_synced_at datetime2 NULL, -- Time the mirror last read the deal from the CRM (NULL = never)
    created_at datetime2 NOT NULL CONSTRAINT DF_intake_deals_created_at DEFAULT (SYSUTCDATETIME()), -- Creation timestamp
    updated_at datetime2 NOT NULL CONSTRAINT DF_intake_deals_updated_at DEFAULT (SYSUTCDATETIME()), -- Last update timestamp
    CONSTRAINT PK_intake_deals PRIMARY KEY CLUSTERED (deal_id),
    CONSTRAINT UQ_intake_deals_workspace_id_deal_id UNIQUE NONCLUSTERED (workspace_id, deal_id),
    CONSTRAINT FK_intake_deals_workspace_id_intake_workspaces FOREIGN KEY (workspace_id)
    REFERENCES intake.workspaces (workspace_id),
    CONSTRAINT CK_intake_deals_crm CHECK (crm <> '' AND crm NOT LIKE '%[^a-z0-9_]%'),
    CONSTRAINT CK_intake_deals_crm_deal_id CHECK (crm_deal_id <> '')
);

CREATE UNIQUE NONCLUSTERED INDEX UX_intake_deals_workspace_id_crm_crm_deal_id -- One mirror row per CRM deal in a workspace
    ON intake.deals (workspace_id, crm, crm_deal_id);

CREATE NONCLUSTERED INDEX IX_intake_deals_workspace_id ON intake.deals (workspace_id); -- Deals of a workspace
