-- wsdb:never-deleted spotlights are retired with is_active = 0; scores and values keep pointing at them
-- ICP definitions
CREATE TABLE app.spotlights (
    spotlight_id int IDENTITY (1, 1) NOT NULL, -- Primary key
    org_id int NOT NULL, -- Organization ID
    name nvarchar(120) NOT NULL, -- Spotlight (ideal customer profile) name
    description nvarchar(400) NULL, -- What the profile looks for
    is_active bit NOT NULL CONSTRAINT DF_app_spotlights_is_active DEFAULT (1), -- Active flag
    created_at datetime2 NOT NULL CONSTRAINT DF_app_spotlights_created_at DEFAULT (SYSUTCDATETIME()), -- Creation timestamp
    created_by int NULL, -- Creator user ID
    updated_at datetime2 NOT NULL CONSTRAINT DF_app_spotlights_updated_at DEFAULT (SYSUTCDATETIME()), -- Last update timestamp
    CONSTRAINT PK_app_spotlights PRIMARY KEY CLUSTERED (spotlight_id),
    CONSTRAINT UQ_app_spotlights_org_id_spotlight_id UNIQUE NONCLUSTERED (org_id, spotlight_id),
    CONSTRAINT UQ_app_spotlights_org_id_name UNIQUE NONCLUSTERED (org_id, name),
    CONSTRAINT FK_app_spotlights_org_id_core_org FOREIGN KEY (org_id) REFERENCES core.org (org_id),
    CONSTRAINT FK_app_spotlights_created_by_core_user_account FOREIGN KEY (org_id, created_by)
    REFERENCES core.user_account (org_id, user_id)
);
