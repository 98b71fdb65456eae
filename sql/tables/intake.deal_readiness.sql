-- Deal readiness: the aggregate of a deal's facts against a qualification framework (e.g. BANT), one row per deal and framework.
CREATE TABLE intake.deal_readiness (
    deal_readiness_id bigint IDENTITY (1, 1) NOT NULL, -- Primary key
    workspace_id uniqueidentifier NOT NULL, -- Workspace (tenant)
    deal_id bigint NOT NULL, -- Deal assessed
    framework varchar(16) NOT NULL, -- Qualification framework, as a lower-case name (e.g. 'bant')
    missing_keys nvarchar(1000) NOT NULL, -- Fact keys the framework needs that the deal lacks, as a JSON array of strings
    readiness_score decimal(4, 3) NOT NULL, -- Share of the framework the deal's facts satisfy (0-1)
    created_at datetime2 NOT NULL CONSTRAINT DF_intake_deal_readiness_created_at DEFAULT (SYSUTCDATETIME()), -- Creation timestamp
    -- Last recomputation timestamp
    updated_at datetime2 NOT NULL CONSTRAINT DF_intake_deal_readiness_updated_at DEFAULT (SYSUTCDATETIME()),
    CONSTRAINT PK_intake_deal_readiness PRIMARY KEY CLUSTERED (deal_readiness_id),
    CONSTRAINT FK_intake_deal_readiness_workspace_id_intake_workspaces FOREIGN KEY (workspace_id)
    REFERENCES intake.workspaces (workspace_id),
    CONSTRAINT FK_intake_deal_readiness_deal_id_intake_deals FOREIGN KEY (workspace_id, deal_id)
    REFERENCES intake.deals (workspace_id, deal_id),
    CONSTRAINT CK_intake_deal_readiness_framework CHECK (framework <> '' AND framework NOT LIKE '%[^a-z0-9_]%'),
    CONSTRAINT CK_intake_deal_readiness_missing_keys CHECK (ISJSON(missing_keys) = 1),
    CONSTRAINT CK_intake_deal_readiness_readiness_score CHECK (readiness_score BETWEEN 0 AND 1)
);

CREATE UNIQUE NONCLUSTERED INDEX UX_intake_deal_readiness_workspace_id_deal_id_framework -- One row per deal and framework
    ON intake.deal_readiness (workspace_id, deal_id, framework);
