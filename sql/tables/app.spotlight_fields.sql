-- wsdb:never-deleted fields are retired with is_active = 0; stored values and rules keep pointing at them
-- Custom fields for ICP evaluation
CREATE TABLE app.spotlight_fields (
    field_id int IDENTITY (1, 1) NOT NULL, -- Primary key
    org_id int NOT NULL, -- Organization ID
    field_key varchar(64) NOT NULL, -- Stable key used by rules and scoring ('industry', 'budget', ...)
    label nvarchar(120) NOT NULL, -- Label shown in the UI
    data_type varchar(16) NOT NULL, -- Value type: 'text', 'number', 'boolean', 'date', 'choice'
    options_json nvarchar(max) NULL, -- JSON array of allowed values for 'choice' fields
    is_required bit NOT NULL CONSTRAINT DF_app_spotlight_fields_is_required DEFAULT (0), -- Whether every spotlight must give a value
    sort_order int NOT NULL CONSTRAINT DF_app_spotlight_fields_sort_order DEFAULT (0), -- Display order
    is_active bit NOT NULL CONSTRAINT DF_app_spotlight_fields_is_active DEFAULT (1), -- Active flag
    created_at datetime2 NOT NULL CONSTRAINT DF_app_spotlight_fields_created_at DEFAULT (SYSUTCDATETIME()), -- Creation timestamp
    CONSTRAINT PK_app_spotlight_fields PRIMARY KEY CLUSTERED (field_id),
    CONSTRAINT UQ_app_spotlight_fields_org_id_field_id UNIQUE NONCLUSTERED (org_id, field_id),
    CONSTRAINT UQ_app_spotlight_fields_org_id_field_key UNIQUE NONCLUSTERED (org_id, field_key),
    CONSTRAINT FK_app_spotlight_fields_org_id_core_org FOREIGN KEY (org_id) REFERENCES core.org (org_id),
    CONSTRAINT CK_app_spotlight_fields_field_key CHECK (field_key NOT LIKE '%[^a-z0-9_]%'),
    CONSTRAINT CK_app_spotlight_fields_data_type CHECK (data_type IN ('text', 'number', 'boolean', 'date', 'choice')),
    CONSTRAINT CK_app_spotlight_fields_options_json CHECK (ISJSON(options_json) = 1),
    CONSTRAINT CK_app_spotlight_fields_choice_options CHECK (data_type <> 'choice' OR options_json IS NOT NULL)
);
