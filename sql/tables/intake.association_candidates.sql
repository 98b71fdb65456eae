-- Association candidates: unresolved multi-candidate link options, kept when a thread could belong to more than one deal.
CREATE TABLE intake.association_candidates (
    association_candidate_id bigint IDENTITY (1, 1) NOT NULL, -- Primary key
    workspace_id uniqueidentifier NOT NULL, -- Workspace (tenant)
    thread_id bigint NOT NULL, -- Thread to associate
    -- Candidate deals as a JSON array of {"deal_id", "confidence", "reason"} objects, best first
    candidates_json nvarchar(max) NOT NULL,
    -- Status: 'pending', 'resolved', 'dismissed'
    status varchar(16) NOT NULL CONSTRAINT DF_intake_association_candidates_status DEFAULT ('pending'),
    resolved_deal_id bigint NULL, -- Deal chosen when the candidates were resolved
    resolved_by varchar(320) NULL, -- Who resolved the candidates (email or principal name; NULL = the system)
    resolved_at datetime2 NULL, -- Time the candidates left 'pending'
    -- Creation timestamp
    created_at datetime2 NOT NULL CONSTRAINT DF_intake_association_candidates_created_at DEFAULT (SYSUTCDATETIME()),
    -- Last update timestamp
    updated_at datetime2 NOT NULL CONSTRAINT DF_intake_association_candidates_updated_at DEFAULT (SYSUTCDATETIME()),
    CONSTRAINT PK_intake_association_candidates PRIMARY KEY CLUSTERED (association_candidate_id),
    CONSTRAINT FK_intake_association_candidates_workspace_id_intake_workspaces FOREIGN KEY (workspace_id)
    REFERENCES intake.workspaces (workspace_id),
    CONSTRAINT FK_intake_association_candidates_thread_id_intake_threads FOREIGN KEY (workspace_id, thread_id)
    REFERENCES intake.threads (workspace_id, thread_id),
    CONSTRAINT FK_intake_association_candidates_resolved_deal_id_intake_deals FOREIGN KEY (workspace_id, resolved_deal_id)
    REFERENCES intake.deals (workspace_id, deal_id),
    CONSTRAINT CK_intake_association_candidates_candidates_json CHECK (ISJSON(candidates_json) = 1),
    CONSTRAINT CK_intake_association_candidates_status CHECK (status IN ('pending', 'resolved', 'dismissed')),
    -- Pending candidates have no resolution; resolved ones name their deal; resolved and dismissed ones have a time.
    CONSTRAINT CK_intake_association_candidates_resolved CHECK (
        (status = 'pending' AND resolved_at IS NULL AND resolved_deal_id IS NULL AND resolved_by IS NULL)
        OR (status = 'resolved' AND resolved_at IS NOT NULL AND resolved_deal_id IS NOT NULL)
        OR (status = 'dismissed' AND resolved_at IS NOT NULL AND resolved_deal_id IS NULL)
    )
);

CREATE NONCLUSTERED INDEX IX_intake_association_candidates_thread_id_status -- Candidates of a thread by status
    ON intake.association_candidates (thread_id, status);

-- Candidates of a workspace by status, oldest first
CREATE NONCLUSTERED INDEX IX_intake_association_candidates_workspace_id_status_created_at
    ON intake.association_candidates (workspace_id, status, created_at);

CREATE NONCLUSTERED INDEX IX_intake_association_candidates_resolved_deal_id -- Candidates resolved to a deal
    ON intake.association_candidates (resolved_deal_id)
    WHERE resolved_deal_id IS NOT NULL;
