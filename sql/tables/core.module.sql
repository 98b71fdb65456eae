-- Registry of platform modules that an org can enable.
CREATE TABLE core.module (
    module_code varchar(32) NOT NULL, -- Primary key: stable module code ('workstream', 'spotlight', ...)
    name nvarchar(120) NOT NULL, -- Module display name
    description nvarchar(400) NULL, -- What the module does
    created_at datetime2 NOT NULL CONSTRAINT DF_core_module_created_at DEFAULT (SYSUTCDATETIME()), -- Creation timestamp
    CONSTRAINT PK_core_module PRIMARY KEY CLUSTERED (module_code),
    CONSTRAINT CK_core_module_module_code CHECK (module_code NOT LIKE '%[^a-z0-9_]%')
);
