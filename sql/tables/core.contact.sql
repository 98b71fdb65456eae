-- wsdb:never-deleted a merged contact is deactivated, not deleted: contact_merge_history still points at it
-- People known to an org (mirror of the contact management system).
CREATE TABLE core.contact (
    contact_id int NOT NULL, -- Primary key (assigned by the contact management system)
    org_id int NOT NULL, -- Organization ID
    client_id int NULL, -- Client company the contact works for
    full_name nvarchar(200) NULL, -- Contact's full name
    email varchar(256) NULL, -- Primary email address
    phone varchar(32) NULL, -- Primary phone number
    is_active bit NOT NULL CONSTRAINT DF_core_contact_is_active DEFAULT (1), -- Active flag (0 once merged away)
    created_at datetime2 NOT NULL CONSTRAINT DF_core_contact_created_at DEFAULT (SYSUTCDATETIME()), -- Creation timestamp
    updated_at datetime2 NOT NULL CONSTRAINT DF_core_contact_updated_at DEFAULT (SYSUTCDATETIME()), -- Last update timestamp
    CONSTRAINT PK_core_contact PRIMARY KEY CLUSTERED (contact_id),
    CONSTRAINT UQ_core_contact_org_id_contact_id UNIQUE NONCLUSTERED (org_id, contact_id),
    CONSTRAINT FK_core_contact_org_id_core_org FOREIGN KEY (org_id) REFERENCES core.org (org_id),
    CONSTRAINT FK_core_contact_client_id_core_client FOREIGN KEY (org_id, client_id)
    REFERENCES core.client (org_id, client_id)
);

CREATE NONCLUSTERED INDEX IX_core_contact_org_id_client_id ON core.contact (org_id, client_id); -- Contacts of a client
