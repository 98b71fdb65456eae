-- Master registry for identity resolution across all sources.
CREATE TABLE app.canonical_identity_keys (
    key_id bigint IDENTITY (1, 1) NOT NULL, -- Primary key
    org_id int NOT NULL, -- Organization ID
    key_type varchar(16) NOT NULL, -- Type: 'email', 'phone', 'source_ref', 'company_domain'
    key_value varchar(256) NOT NULL, -- Normalized key value
    canonical_contact_id int NULL, -- Resolved contact ID
    canonical_client_id int NULL, -- Resolved client ID
    confidence_score decimal(3, 2) NULL, -- Resolution confidence (0.0-1.0)
    first_seen_at datetime2 NOT NULL CONSTRAINT DF_app_canonical_identity_keys_first_seen_at DEFAULT (SYSUTCDATETIME()), -- First occurrence
    last_seen_at datetime2 NOT NULL CONSTRAINT DF_app_canonical_identity_keys_last_seen_at DEFAULT (SYSUTCDATETIME()), -- Last occurrence
    occurrences int NOT NULL CONSTRAINT DF_app_canonical_identity_keys_occurrences DEFAULT (1), -- Number of times seen
    -- Status: 'unresolved', 'auto_resolved', 'manual_resolved', 'conflict'
    resolution_status varchar(16) NOT NULL CONSTRAINT DF_app_canonical_identity_keys_resolution_status DEFAULT ('unresolved'),
    resolved_by int NULL, -- User ID for manual resolution
    resolved_at datetime2 NULL, -- Resolution timestamp
    CONSTRAINT PK_app_canonical_identity_keys PRIMARY KEY CLUSTERED (key_id),
    CONSTRAINT FK_app_canonical_identity_keys_org_id_core_org FOREIGN KEY (org_id) REFERENCES core.org (org_id),
    CONSTRAINT FK_app_canonical_identity_keys_canonical_contact_id_core_contact FOREIGN KEY (org_id, canonical_contact_id)
    REFERENCES core.contact (org_id, contact_id),
    CONSTRAINT FK_app_canonical_identity_keys_canonical_client_id_core_client FOREIGN KEY (org_id, canonical_client_id)
    REFERENCES core.client (org_id, client_id),
    CONSTRAINT FK_app_canonical_identity_keys_resolved_by_core_user_account FOREIGN KEY (org_id, resolved_by)
    REFERENCES core.user_account (org_id, user_id),
    CONSTRAINT CK_app_canonical_identity_keys_key_type CHECK (key_type IN ('email', 'phone', 'source_ref', 'company_domain')),
    CONSTRAINT CK_app_canonical_identity_keys_key_value CHECK (key_value <> ''),
    CONSTRAINT CK_app_canonical_identity_keys_confidence_score CHECK (confidence_score BETWEEN 0 AND 1),
    CONSTRAINT CK_app_canonical_identity_keys_last_seen_at CHECK (last_seen_at >= first_seen_at),
    CONSTRAINT CK_app_canonical_identity_keys_occurrences CHECK (occurrences >= 1),
    CONSTRAINT CK_app_canonical_identity_keys_resolution_status CHECK (
        resolution_status IN ('unresolved', 'auto_resolved', 'manual_resolved', 'conflict')
    ),
    CONSTRAINT CK_app_canonical_identity_keys_manual CHECK (
        resolution_status <> 'manual_resolved' OR (resolved_by IS NOT NULL AND resolved_at IS NOT NULL)
    )
);

CREATE UNIQUE NONCLUSTERED INDEX UX_canonical_keys ON app.canonical_identity_keys (org_id, key_type, key_value); -- Unique key lookup

CREATE NONCLUSTERED INDEX IX_canonical_keys_contact -- Keys resolved to a contact
    ON app.canonical_identity_keys (org_id, canonical_contact_id)
    WHERE canonical_contact_id IS NOT NULL;

CREATE NONCLUSTERED INDEX IX_canonical_keys_client -- Keys resolved to a client
    ON app.canonical_identity_keys (org_id, canonical_client_id)
    WHERE canonical_client_id IS NOT NULL;

CREATE NONCLUSTERED INDEX IX_canonical_keys_unresolved -- Unresolved keys to work through
    ON app.canonical_identity_keys (org_id, resolution_status)
    WHERE resolution_status = 'unresolved';
