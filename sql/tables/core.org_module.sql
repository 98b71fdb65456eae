-- Per-org enablement of platform modules.
CREATE TABLE core.org_module (
    org_id int NOT NULL, -- Organization ID
    module_code varchar(32) NOT NULL, -- Enabled module
    is_enabled bit NOT NULL CONSTRAINT DF_core_org_module_is_enabled DEFAULT (1), -- Whether the module is on for the org
    enabled_at datetime2 NOT NULL CONSTRAINT DF_core_org_module_enabled_at DEFAULT (SYSUTCDATETIME()), -- When the module was (last) enabled
    disabled_at datetime2 NULL, -- When the module was switched off (NULL while enabled)
    CONSTRAINT PK_core_org_module PRIMARY KEY CLUSTERED (org_id, module_code),
    CONSTRAINT FK_core_org_module_org_id_core_org FOREIGN KEY (org_id) REFERENCES core.org (org_id),
    CONSTRAINT FK_core_org_module_module_code_core_module FOREIGN KEY (module_code) REFERENCES core.module (module_code),
    CONSTRAINT CK_core_org_module_disabled_at CHECK (
        (is_enabled = 1 AND disabled_at IS NULL) OR (is_enabled = 0 AND disabled_at IS NOT NULL)
    )
);

CREATE NONCLUSTERED INDEX IX_core_org_module_module_code ON core.org_module (module_code); -- Orgs that use a module
