-- wsdb:never-deleted users are deactivated (is_active = 0), never deleted, so references to them stay valid
-- Users of an org: owners, capture leads, proposal managers, resolvers and other actors.
CREATE TABLE core.user_account (
    user_id int NOT NULL, -- Primary key (assigned by the platform's user directory)
    org_id int NOT NULL, -- Organization ID
    email varchar(256) NOT NULL, -- Sign-in email address
    display_name nvarchar(200) NOT NULL, -- Name shown in the UI
    is_active bit NOT NULL CONSTRAINT DF_core_user_account_is_active DEFAULT (1), -- Active flag
    created_at datetime2 NOT NULL CONSTRAINT DF_core_user_account_created_at DEFAULT (SYSUTCDATETIME()), -- Creation timestamp
    updated_at datetime2 NOT NULL CONSTRAINT DF_core_user_account_updated_at DEFAULT (SYSUTCDATETIME()), -- Last update timestamp
    CONSTRAINT PK_core_user_account PRIMARY KEY CLUSTERED (user_id),
    CONSTRAINT UQ_core_user_account_org_id_user_id UNIQUE NONCLUSTERED (org_id, user_id),
    CONSTRAINT UQ_core_user_account_org_id_email UNIQUE NONCLUSTERED (org_id, email),
    CONSTRAINT FK_core_user_account_org_id_core_org FOREIGN KEY (org_id) REFERENCES core.org (org_id)
);
