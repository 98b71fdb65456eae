-- Conditional logic for field visibility/validation
CREATE TABLE app.spotlight_field_rules (
    rule_id int IDENTITY (1, 1) NOT NULL, -- Primary key
    org_id int NOT NULL, -- Organization ID
    field_id int NOT NULL, -- Field the rule acts on
    spotlight_id int NULL, -- Spotlight the rule is limited to (NULL = every spotlight)
    rule_type varchar(16) NOT NULL, -- Rule kind: 'visibility', 'validation', 'required'
    depends_on_field_id int NULL, -- Field whose value the condition reads
    condition_json nvarchar(max) NOT NULL, -- JSON condition, e.g. {"field": "industry", "op": "in", "values": ["gov"]}
    message nvarchar(200) NULL, -- Message shown when a validation rule fails
    sort_order int NOT NULL CONSTRAINT DF_app_spotlight_field_rules_sort_order DEFAULT (0), -- Evaluation order
    is_active bit NOT NULL CONSTRAINT DF_app_spotlight_field_rules_is_active DEFAULT (1), -- Active flag
    created_at datetime2 NOT NULL CONSTRAINT DF_app_spotlight_field_rules_created_at DEFAULT (SYSUTCDATETIME()), -- Creation timestamp
    CONSTRAINT PK_app_spotlight_field_rules PRIMARY KEY CLUSTERED (rule_id),
    CONSTRAINT FK_app_spotlight_field_rules_org_id_core_org FOREIGN KEY (org_id) REFERENCES core.org (org_id),
    CONSTRAINT FK_app_spotlight_field_rules_field_id_app_spotlight_fields FOREIGN KEY (org_id, field_id)
    REFERENCES app.spotlight_fields (org_id, field_id),
    CONSTRAINT FK_app_spotlight_field_rules_spotlight_id_app_spotlights FOREIGN KEY (org_id, spotlight_id)
    REFERENCES app.spotlights (org_id, spotlight_id),
    CONSTRAINT FK_app_spotlight_field_rules_depends_on_field_id_app_spotlight_fields FOREIGN KEY (org_id, depends_on_field_id)
    REFERENCES app.spotlight_fields (org_id, field_id),
    CONSTRAINT CK_app_spotlight_field_rules_rule_type CHECK (rule_type IN ('visibility', 'validation', 'required')),
    CONSTRAINT CK_app_spotlight_field_rules_condition_json CHECK (ISJSON(condition_json) = 1),
    CONSTRAINT CK_app_spotlight_field_rules_depends_on_field_id CHECK (depends_on_field_id <> field_id)
);

CREATE NONCLUSTERED INDEX IX_app_spotlight_field_rules_org_id_field_id -- Rules of a field, in evaluation order
    ON app.spotlight_field_rules (org_id, field_id, sort_order);
