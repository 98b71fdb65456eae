-- Thread links: the deal a thread belongs to; a thread links to at most one deal.
CREATE TABLE intake.thread_links (
    thread_link_id bigint IDENTITY (1, 1) NOT NULL, -- Primary key
    workspace_id uniqueidentifier NOT NULL, -- Workspace (tenant)
    thread_id bigint NOT NULL, -- Linked thread
    deal_id bigint NOT NULL, -- Deal the thread belongs to
    link_confidence decimal(4, 3) NOT NULL, -- Confidence that the link is right (0-1; 1 for a link a person made)
    link_reason nvarchar(500) NOT NULL, -- Why the thread was linked (e.g. 'domain match', 'chosen by reviewer')
    created_at datetime2 NOT NULL CONSTRAINT DF_intake_thread_links_created_at DEFAULT (SYSUTCDATETIME()), -- Creation timestamp
    updated_at datetime2 NOT NULL CONSTRAINT DF_intake_thread_links_updated_at DEFAULT (SYSUTCDATETIME()), -- Last update timestamp
    CONSTRAINT PK_intake_thread_links PRIMARY KEY CLUSTERED (thread_link_id),
    CONSTRAINT FK_intake_thread_links_workspace_id_intake_workspaces FOREIGN KEY (workspace_id)
    REFERENCES intake.workspaces (workspace_id),
    CONSTRAINT FK_intake_thread_links_thread_id_intake_threads FOREIGN KEY (workspace_id, thread_id)
    REFERENCES intake.threads (workspace_id, thread_id),
    CONSTRAINT FK_intake_thread_links_deal_id_intake_deals FOREIGN KEY (workspace_id, deal_id)
    REFERENCES intake.deals (workspace_id, deal_id),
    CONSTRAINT CK_intake_thread_links_link_confidence CHECK (link_confidence BETWEEN 0 AND 1),
    CONSTRAINT CK_intake_thread_links_link_reason CHECK (link_reason <> '')
);

CREATE UNIQUE NONCLUSTERED INDEX UX_intake_thread_links_workspace_id_thread_id -- One deal link per thread
    ON intake.thread_links (workspace_id, thread_id);

CREATE NONCLUSTERED INDEX IX_intake_thread_links_thread_id ON intake.thread_links (thread_id); -- Link of a thread

CREATE NONCLUSTERED INDEX IX_intake_thread_links_deal_id ON intake.thread_links (deal_id); -- Threads of a deal
