-- wsdb:never-deleted clients are deactivated or merged in the client management system, never deleted
-- Client companies known to an org (mirror of the client management system).
CREATE TABLE core.client (
    client_id int NOT NULL, -- Primary key (assigned by the client management system)
    org_id int NOT NULL, -- Organization ID
    name nvarchar(200) NOT NULL, -- Client company name
    primary_domain varchar(128) NULL, -- Main web/email domain of the company
    is_active bit NOT NULL CONSTRAINT DF_core_client_is_active DEFAULT (1), -- Active flag
    created_at datetime2 NOT NULL CONSTRAINT DF_core_client_created_at DEFAULT (SYSUTCDATETIME()), -- Creation timestamp
    updated_at datetime2 NOT NULL CONSTRAINT DF_core_client_updated_at DEFAULT (SYSUTCDATETIME()), -- Last update timestamp
    CONSTRAINT PK_core_client PRIMARY KEY CLUSTERED (client_id),
    CONSTRAINT UQ_core_client_org_id_client_id UNIQUE NONCLUSTERED (org_id, client_id),
    CONSTRAINT FK_core_client_org_id_core_org FOREIGN KEY (org_id) REFERENCES core.org (org_id)
);
