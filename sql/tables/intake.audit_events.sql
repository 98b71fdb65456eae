-- Audit events: the immutable operational audit log; rows are appended, never updated or deleted.
CREATE TABLE intake.audit_events (
    audit_event_id bigint IDENTITY (1, 1) NOT NULL, -- Primary key
    workspace_id uniqueidentifier NOT NULL, -- Workspace (tenant)
    thread_id bigint NULL, -- Thread the event concerns (NULL = none)
    job_id bigint NULL, -- Job that recorded the event (NULL = not recorded by a job)
    type varchar(64) NOT NULL, -- Event type as a dotted lower-case name (e.g. 'extraction.succeeded', 'crm.write_sent')
    data_json nvarchar(max) NULL, -- Event details as a JSON object
    actor varchar(320) NULL, -- Who caused the event: a user's email or principal name, or a worker id (NULL = the system)
    created_at datetime2 NOT NULL CONSTRAINT DF_intake_audit_events_created_at DEFAULT (SYSUTCDATETIME()), -- Time the event was recorded
    CONSTRAINT PK_intake_audit_events PRIMARY KEY CLUSTERED (audit_event_id),
    CONSTRAINT FK_intake_audit_events_workspace_id_intake_workspaces FOREIGN KEY (workspace_id)
    REFERENCES intake.workspaces (workspace_id),
    CONSTRAINT FK_intake_audit_events_thread_id_intake_threads FOREIGN KEY (workspace_id, thread_id)
    REFERENCES intake.threads (workspace_id, thread_id),
    CONSTRAINT FK_intake_audit_events_job_id_intake_jobs FOREIGN KEY (workspace_id, job_id)
    REFERENCES intake.jobs (workspace_id, job_id),
    CONSTRAINT CK_intake_audit_events_type CHECK (type <> '' AND type NOT LIKE '%[^a-z0-9_.]%'),
    CONSTRAINT CK_intake_audit_events_data_json CHECK (ISJSON(data_json) = 1)
);

CREATE NONCLUSTERED INDEX IX_intake_audit_events_workspace_id_created_at -- Audit log of a workspace, newest first
    ON intake.audit_events (workspace_id, created_at DESC);

CREATE NONCLUSTERED INDEX IX_intake_audit_events_thread_id_created_at -- Audit trail of a thread, newest first
    ON intake.audit_events (thread_id, created_at DESC)
    WHERE thread_id IS NOT NULL;

CREATE NONCLUSTERED INDEX IX_intake_audit_events_job_id -- Audit trail of a job
    ON intake.audit_events (job_id)
    WHERE job_id IS NOT NULL;
