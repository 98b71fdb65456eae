-- Proposal documents with versioning.
CREATE TABLE app.proposal (
    proposal_id bigint IDENTITY (1, 1) NOT NULL, -- Primary key
    org_id int NOT NULL, -- Organization ID
    pursuit_id bigint NOT NULL, -- Associated pursuit
    version int NOT NULL, -- Version number
    doc_id varchar(128) NULL, -- Document reference
    status varchar(12) NOT NULL CONSTRAINT DF_app_proposal_status DEFAULT ('draft'), -- Status: 'draft', 'sent', 'signed', 'void'
    sent_at datetime2 NULL, -- Sent timestamp
    created_at datetime2 NOT NULL CONSTRAINT DF_app_proposal_created_at DEFAULT (SYSUTCDATETIME()), -- Creation timestamp
    CONSTRAINT PK_app_proposal PRIMARY KEY CLUSTERED (proposal_id),
    CONSTRAINT FK_app_proposal_org_id_core_org FOREIGN KEY (org_id) REFERENCES core.org (org_id),
    CONSTRAINT FK_app_proposal_pursuit_id_app_pursuit FOREIGN KEY (org_id, pursuit_id)
    REFERENCES app.pursuit (org_id, pursuit_id),
    CONSTRAINT CK_app_proposal_version CHECK (version >= 1),
    CONSTRAINT CK_app_proposal_status CHECK (status IN ('draft', 'sent', 'signed', 'void')),
    CONSTRAINT CK_app_proposal_sent_at CHECK (status NOT IN ('sent', 'signed') OR sent_at IS NOT NULL)
);

-- wsdb:alias UX_proposal_version_once the seed names a second unique key on the same columns; one index enforces both
CREATE UNIQUE NONCLUSTERED INDEX UX_proposal_version ON app.proposal (org_id, pursuit_id, version); -- Unique versions
