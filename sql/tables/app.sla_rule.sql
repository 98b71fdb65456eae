-- wsdb:never-deleted rules are effective-dated and switched off with is_active = 0; breaches keep pointing at them
-- Service level agreement definitions.
CREATE TABLE app.sla_rule (
    rule_id int IDENTITY (1, 1) NOT NULL, -- Primary key
    org_id int NOT NULL, -- Organization ID
    item_type varchar(12) NOT NULL, -- Item type
    stage varchar(16) NULL, -- Applicable stage
    metric varchar(24) NOT NULL, -- SLA metric
    threshold_hrs int NOT NULL, -- Hours threshold
    active_from datetime2 NOT NULL CONSTRAINT DF_app_sla_rule_active_from DEFAULT (SYSUTCDATETIME()), -- Activation date
    active_to datetime2 NULL, -- Deactivation date
    is_active bit NOT NULL CONSTRAINT DF_app_sla_rule_is_active DEFAULT (1), -- Active flag
    -- wsdb:allow W506 v2.2 moves SLA thresholds to the config registry; breaches keep pointing at the rule they broke
    config_id bigint NULL, -- Config registry entry this rule was materialized from (NULL = written here directly)
    CONSTRAINT PK_app_sla_rule PRIMARY KEY CLUSTERED (rule_id),
    CONSTRAINT UQ_app_sla_rule_org_id_rule_id UNIQUE NONCLUSTERED (org_id, rule_id),
    CONSTRAINT FK_app_sla_rule_org_id_core_org FOREIGN KEY (org_id) REFERENCES core.org (org_id),
    CONSTRAINT CK_app_sla_rule_item_type CHECK (item_type IN ('signal', 'candidate', 'pursuit')),
    CONSTRAINT CK_app_sla_rule_threshold_hrs CHECK (threshold_hrs >= 1),
    CONSTRAINT FK_app_sla_rule_config_id_app_config_registry FOREIGN KEY (config_id)
    REFERENCES app.config_registry (config_id),
    CONSTRAINT CK_app_sla_rule_active_to CHECK (active_to > active_from)
);

CREATE UNIQUE NONCLUSTERED INDEX UX_app_sla_rule_config -- One materialized rule per config entry and org
    ON app.sla_rule (config_id, org_id)
    WHERE config_id IS NOT NULL;
