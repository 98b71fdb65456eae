-- Stores incoming lead signals with deduplication and clustering.
CREATE TABLE app.signal (
    signal_id bigint IDENTITY (1, 1) NOT NULL, -- Primary key
    org_id int NOT NULL, -- Multi-tenant organization ID
    source_type varchar(16) NOT NULL, -- Source: 'email', 'ad', 'call', 'note'
    source_ref varchar(256) NOT NULL, -- Reference to source system
    snippet nvarchar(1000) NULL, -- Signal content snippet
    contact_id int NULL, -- Associated contact
    client_id int NULL, -- Associated client
    ts datetime2 NOT NULL CONSTRAINT DF_app_signal_ts DEFAULT (SYSUTCDATETIME()), -- Signal timestamp
    problem_phrase nvarchar(300) NULL, -- Extracted problem statement
    solution_hint nvarchar(300) NULL, -- Suggested solution
    urgency_score decimal(3, 2) NULL, -- Urgency rating (0-1)
    dedupe_key varchar(128) NOT NULL, -- Deduplication key
    cluster_id bigint NULL, -- Signal cluster ID
    owner_user_id int NULL, -- Assigned owner
    contact_email varchar(256) NULL, -- Extracted email for identity resolution
    contact_phone varchar(32) NULL, -- Extracted phone for identity resolution
    company_domain varchar(128) NULL, -- Company domain for identity resolution
    normalized_keys_json nvarchar(500) NULL, -- JSON object with all extracted keys
    created_at datetime2 NOT NULL CONSTRAINT DF_app_signal_created_at DEFAULT (SYSUTCDATETIME()), -- Creation timestamp
    updated_at datetime2 NOT NULL CONSTRAINT DF_app_signal_updated_at DEFAULT (SYSUTCDATETIME()), -- Last update timestamp
    CONSTRAINT PK_app_signal PRIMARY KEY CLUSTERED (signal_id),
    CONSTRAINT UQ_app_signal_org_id_signal_id UNIQUE NONCLUSTERED (org_id, signal_id),
    CONSTRAINT FK_app_signal_org_id_core_org FOREIGN KEY (org_id) REFERENCES core.org (org_id),
    CONSTRAINT FK_app_signal_contact_id_core_contact FOREIGN KEY (org_id, contact_id)
    REFERENCES core.contact (org_id, contact_id),
    CONSTRAINT FK_app_signal_client_id_core_client FOREIGN KEY (org_id, client_id)
    REFERENCES core.client (org_id, client_id),
    CONSTRAINT FK_app_signal_cluster_id_app_signal_cluster FOREIGN KEY (org_id, cluster_id)
    REFERENCES app.signal_cluster (org_id, cluster_id),
    CONSTRAINT FK_app_signal_owner_user_id_core_user_account FOREIGN KEY (org_id, owner_user_id)
    REFERENCES core.user_account (org_id, user_id),
    CONSTRAINT CK_app_signal_source_type CHECK (source_type IN ('email', 'ad', 'call', 'note')),
    CONSTRAINT CK_app_signal_urgency_score CHECK (urgency_score BETWEEN 0 AND 1),
    CONSTRAINT CK_app_signal_normalized_keys_json CHECK (ISJSON(normalized_keys_json) = 1)
);

CREATE UNIQUE NONCLUSTERED INDEX UX_signal_dedupe ON app.signal (org_id, dedupe_key); -- Unique deduplication

CREATE UNIQUE NONCLUSTERED INDEX UX_signal_composite_dedupe -- Enhanced deduplication
    ON app.signal (org_id, source_type, source_ref, contact_email, contact_phone);

CREATE NONCLUSTERED INDEX IX_signal_cluster ON app.signal (org_id, cluster_id); -- Cluster lookup

CREATE NONCLUSTERED INDEX IX_signal_ts ON app.signal (ts DESC); -- Time-based ordering

CREATE NONCLUSTERED INDEX IX_signal_org_ts ON app.signal (org_id, ts DESC); -- Org-scoped time ordering

CREATE NONCLUSTERED INDEX IX_app_signal_org_id_contact_id ON app.signal (org_id, contact_id); -- Signals of a contact (timeline, merges)

CREATE NONCLUSTERED INDEX IX_app_signal_org_id_client_id ON app.signal (org_id, client_id); -- Signals of a client
