-- Centralized configuration management for all business rules.
CREATE TABLE app.config_registry (
    config_id bigint IDENTITY (1, 1) NOT NULL, -- Primary key
    org_id int NOT NULL, -- Organization ID
    config_type varchar(32) NOT NULL, -- Type: 'sla_rule', 'spotlight_rule', 'gate_rule', 'ranking_rule'
    config_key varchar(64) NOT NULL, -- Configuration key
    config_value nvarchar(max) NOT NULL, -- JSON configuration data
    effective_from datetime2 NOT NULL CONSTRAINT DF_app_config_registry_effective_from DEFAULT (SYSUTCDATETIME()), -- Activation date
    effective_to datetime2 NULL, -- Deactivation date (NULL = active)
    is_active bit NOT NULL CONSTRAINT DF_app_config_registry_is_active DEFAULT (1), -- Active flag
    created_at datetime2 NOT NULL CONSTRAINT DF_app_config_registry_created_at DEFAULT (SYSUTCDATETIME()), -- Creation timestamp
    created_by int NULL, -- Creator user ID
    updated_at datetime2 NOT NULL CONSTRAINT DF_app_config_registry_updated_at DEFAULT (SYSUTCDATETIME()), -- Last update timestamp
    updated_by int NULL, -- Last updater user ID
    CONSTRAINT PK_app_config_registry PRIMARY KEY CLUSTERED (config_id),
    CONSTRAINT FK_app_config_registry_org_id_core_org FOREIGN KEY (org_id) REFERENCES core.org (org_id),
    CONSTRAINT FK_app_config_registry_created_by_core_user_account FOREIGN KEY (org_id, created_by)
    REFERENCES core.user_account (org_id, user_id),
    CONSTRAINT FK_app_config_registry_updated_by_core_user_account FOREIGN KEY (org_id, updated_by)
    REFERENCES core.user_account (org_id, user_id),
    CONSTRAINT CK_app_config_registry_config_type CHECK (config_type IN ('sla_rule', 'spotlight_rule', 'gate_rule', 'ranking_rule')),
    CONSTRAINT CK_app_config_registry_config_value CHECK (ISJSON(config_value) = 1),
    CONSTRAINT CK_app_config_registry_effective_to CHECK (effective_to > effective_from)
);

CREATE NONCLUSTERED INDEX IX_config_registry_org_type ON app.config_registry (org_id, config_type, is_active); -- Lookup by type

CREATE NONCLUSTERED INDEX IX_config_registry_effective -- Time-based filtering
    ON app.config_registry (effective_from, effective_to)
    WHERE is_active = 1;

CREATE UNIQUE NONCLUSTERED INDEX UX_config_registry_active -- Unique active configs
    ON app.config_registry (org_id, config_type, config_key, effective_from)
    WHERE is_active = 1 AND effective_to IS NULL;
