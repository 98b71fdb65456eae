-- Tracks conflicts requiring manual intervention.
CREATE TABLE app.identity_resolution_conflicts (
    conflict_id bigint IDENTITY (1, 1) NOT NULL, -- Primary key
    org_id int NOT NULL, -- Organization ID
    key_type varchar(16) NOT NULL, -- Conflicting key type
    key_value varchar(256) NOT NULL, -- Conflicting key value
    conflicting_contact_ids nvarchar(100) NULL, -- JSON array of contact IDs
    conflicting_client_ids nvarchar(100) NULL, -- JSON array of client IDs
    conflict_reason nvarchar(300) NOT NULL, -- Description of conflict
    -- Detection timestamp
    detected_at datetime2 NOT NULL CONSTRAINT DF_app_identity_resolution_conflicts_detected_at DEFAULT (SYSUTCDATETIME()),
    -- Status: 'pending', 'resolved', 'ignored'
    resolution_status varchar(16) NOT NULL CONSTRAINT DF_app_identity_resolution_conflicts_resolution_status DEFAULT ('pending'),
    resolved_contact_id int NULL, -- Final resolved contact
    resolved_client_id int NULL, -- Final resolved client
    resolved_by int NULL, -- Resolver user ID
    resolved_at datetime2 NULL, -- Resolution timestamp
    resolution_notes nvarchar(500) NULL, -- Resolution notes
    CONSTRAINT PK_app_identity_resolution_conflicts PRIMARY KEY CLUSTERED (conflict_id),
    CONSTRAINT FK_app_identity_resolution_conflicts_org_id_core_org FOREIGN KEY (org_id) REFERENCES core.org (org_id),
    CONSTRAINT FK_app_identity_resolution_conflicts_key_type_key_value_app_canonical_identity_keys
    FOREIGN KEY (org_id, key_type, key_value)
    REFERENCES app.canonical_identity_keys (org_id, key_type, key_value),
    CONSTRAINT FK_app_identity_resolution_conflicts_resolved_contact_id_core_contact FOREIGN KEY (org_id, resolved_contact_id)
    REFERENCES core.contact (org_id, contact_id),
    CONSTRAINT FK_app_identity_resolution_conflicts_resolved_client_id_core_client FOREIGN KEY (org_id, resolved_client_id)
    REFERENCES core.client (org_id, client_id),
    CONSTRAINT FK_app_identity_resolution_conflicts_resolved_by_core_user_account FOREIGN KEY (org_id, resolved_by)
    REFERENCES core.user_account (org_id, user_id),
    CONSTRAINT CK_app_identity_resolution_conflicts_key_type CHECK (key_type IN ('email', 'phone', 'source_ref', 'company_domain')),
    CONSTRAINT CK_app_identity_resolution_conflicts_conflicting_contact_ids CHECK (ISJSON(conflicting_contact_ids) = 1),
    CONSTRAINT CK_app_identity_resolution_conflicts_conflicting_client_ids CHECK (ISJSON(conflicting_client_ids) = 1),
    CONSTRAINT CK_app_identity_resolution_conflicts_resolution_status CHECK (resolution_status IN ('pending', 'resolved', 'ignored')),
    -- A closed conflict has a time; resolved_by stays NULL when a system process closed it.
    CONSTRAINT CK_app_identity_resolution_conflicts_resolved CHECK (resolution_status = 'pending' OR resolved_at IS NOT NULL)
);

CREATE NONCLUSTERED INDEX IX_app_identity_resolution_conflicts_key -- Conflicts of a key, pending ones first
    ON app.identity_resolution_conflicts (org_id, key_type, key_value, resolution_status);

CREATE NONCLUSTERED INDEX IX_app_identity_resolution_conflicts_pending -- Work queue of pending conflicts
    ON app.identity_resolution_conflicts (org_id, detected_at)
    WHERE resolution_status = 'pending';
