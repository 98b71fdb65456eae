-- Field values for specific spotlights
CREATE TABLE app.spotlight_values (
    value_id bigint IDENTITY (1, 1) NOT NULL, -- Primary key
    org_id int NOT NULL, -- Organization ID
    spotlight_id int NOT NULL, -- Spotlight the value belongs to
    field_id int NOT NULL, -- Field the value is for
    value_text nvarchar(1000) NULL, -- Value of a 'text' or 'choice' field
    value_number decimal(18, 4) NULL, -- Value of a 'number' field
    value_bool bit NULL, -- Value of a 'boolean' field
    value_date date NULL, -- Value of a 'date' field
    created_at datetime2 NOT NULL CONSTRAINT DF_app_spotlight_values_created_at DEFAULT (SYSUTCDATETIME()), -- Creation timestamp
    updated_at datetime2 NOT NULL CONSTRAINT DF_app_spotlight_values_updated_at DEFAULT (SYSUTCDATETIME()), -- Last update timestamp
    CONSTRAINT PK_app_spotlight_values PRIMARY KEY CLUSTERED (value_id),
    CONSTRAINT FK_app_spotlight_values_org_id_core_org FOREIGN KEY (org_id) REFERENCES core.org (org_id),
    CONSTRAINT FK_app_spotlight_values_spotlight_id_app_spotlights FOREIGN KEY (org_id, spotlight_id)
    REFERENCES app.spotlights (org_id, spotlight_id),
    CONSTRAINT FK_app_spotlight_values_field_id_app_spotlight_fields FOREIGN KEY (org_id, field_id)
    REFERENCES app.spotlight_fields (org_id, field_id),
    CONSTRAINT CK_app_spotlight_values_one_value CHECK (
        (CASE WHEN value_text IS NULL THEN 0 ELSE 1 END)
        + (CASE WHEN value_number IS NULL THEN 0 ELSE 1 END)
        + (CASE WHEN value_bool IS NULL THEN 0 ELSE 1 END)
        + (CASE WHEN value_date IS NULL THEN 0 ELSE 1 END) = 1
    )
);

CREATE UNIQUE NONCLUSTERED INDEX UX_app_spotlight_values_field -- One value per spotlight and field
    ON app.spotlight_values (org_id, spotlight_id, field_id);
