-- Review items: the governance review queue, where a person approves, rejects or dismisses what automation could not decide.
CREATE TABLE intake.review_items (
    review_item_id bigint IDENTITY (1, 1) NOT NULL, -- Primary key
    workspace_id uniqueidentifier NOT NULL, -- Workspace (tenant)
    thread_id bigint NULL, -- Thread the item is about (NULL = not about one thread)
    reason nvarchar(500) NOT NULL, -- Why the item needs review (e.g. a low-confidence field or a CRM write awaiting approval)
    -- Status: 'pending', 'approved', 'rejected', 'dismissed'
    status varchar(16) NOT NULL CONSTRAINT DF_intake_review_items_status DEFAULT ('pending'),
    payload_json nvarchar(max) NULL, -- What is under review and the reviewer's decision details, as a JSON object
    resolved_at datetime2 NULL, -- Time the item left 'pending'
    resolved_by varchar(320) NULL, -- Reviewer who resolved the item (email or principal name; NULL = resolved by the system)
    created_at datetime2 NOT NULL CONSTRAINT DF_intake_review_items_created_at DEFAULT (SYSUTCDATETIME()), -- Creation timestamp
    updated_at datetime2 NOT NULL CONSTRAINT DF_intake_review_items_updated_at DEFAULT (SYSUTCDATETIME()), -- Last update timestamp
    CONSTRAINT PK_intake_review_items PRIMARY KEY CLUSTERED (review_item_id),
    CONSTRAINT FK_intake_review_items_workspace_id_intake_workspaces FOREIGN KEY (workspace_id)
    REFERENCES intake.workspaces (workspace_id),
    CONSTRAINT FK_intake_review_items_thread_id_intake_threads FOREIGN KEY (workspace_id, thread_id)
    REFERENCES intake.threads (workspace_id, thread_id),
    CONSTRAINT CK_intake_review_items_reason CHECK (reason <> ''),
    CONSTRAINT CK_intake_review_items_status CHECK (status IN ('pending', 'approved', 'rejected', 'dismissed')),
    CONSTRAINT CK_intake_review_items_payload_json CHECK (ISJSON(payload_json) = 1),
    -- A pending item has no resolution; a resolved one has its time.
    CONSTRAINT CK_intake_review_items_resolved CHECK (
        (status = 'pending' AND resolved_at IS NULL AND resolved_by IS NULL) OR (status <> 'pending' AND resolved_at IS NOT NULL)
    )
);

CREATE NONCLUSTERED INDEX IX_intake_review_items_workspace_id_status_created_at -- Review queue of a workspace by status, newest first
    ON intake.review_items (workspace_id, status, created_at DESC);

CREATE NONCLUSTERED INDEX IX_intake_review_items_thread_id -- Review items of a thread
    ON intake.review_items (thread_id)
    WHERE thread_id IS NOT NULL;
