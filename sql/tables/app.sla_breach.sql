-- Recorded SLA violations.
CREATE TABLE app.sla_breach (
    breach_id bigint IDENTITY (1, 1) NOT NULL, -- Primary key
    org_id int NOT NULL, -- Organization ID
    item_type varchar(12) NOT NULL, -- Item type
    item_id bigint NOT NULL, -- Item ID
    rule_id int NOT NULL, -- SLA rule ID
    breached_at datetime2 NOT NULL CONSTRAINT DF_app_sla_breach_breached_at DEFAULT (SYSUTCDATETIME()), -- Breach timestamp
    reason_code varchar(32) NULL, -- Breach reason
    resolved_at datetime2 NULL, -- Resolution timestamp
    CONSTRAINT PK_app_sla_breach PRIMARY KEY CLUSTERED (breach_id),
    CONSTRAINT FK_app_sla_breach_org_id_core_org FOREIGN KEY (org_id) REFERENCES core.org (org_id),
    CONSTRAINT FK_app_sla_breach_rule_id_app_sla_rule FOREIGN KEY (org_id, rule_id)
    REFERENCES app.sla_rule (org_id, rule_id),
    CONSTRAINT CK_app_sla_breach_item_type CHECK (item_type IN ('signal', 'candidate', 'pursuit')),
    CONSTRAINT CK_app_sla_breach_resolved_at CHECK (resolved_at >= breached_at)
);

CREATE UNIQUE NONCLUSTERED INDEX UX_app_sla_breach_open -- At most one open breach per item and rule (makes breach recording idempotent)
    ON app.sla_breach (org_id, item_type, item_id, rule_id)
    WHERE resolved_at IS NULL;

CREATE NONCLUSTERED INDEX IX_app_sla_breach_item -- Breach history of an item
    ON app.sla_breach (org_id, item_type, item_id, breached_at DESC);
