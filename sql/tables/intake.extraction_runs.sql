-- Extraction runs: one execution of a structured-extraction schema by a model over a thread or one of its messages.
CREATE TABLE intake.extraction_runs (
    extraction_run_id bigint IDENTITY (1, 1) NOT NULL, -- Primary key
    workspace_id uniqueidentifier NOT NULL, -- Workspace (tenant)
    thread_id bigint NOT NULL, -- Thread the run extracted from
    message_row_id bigint NULL, -- Message the run extracted from (NULL = the whole thread)
    schema_id varchar(64) NOT NULL, -- Extraction schema identifier
    schema_version varchar(32) NOT NULL, -- Version of the extraction schema
    model varchar(100) NOT NULL, -- Model that performed the extraction (provider model name and version)
    -- Status: 'queued', 'running', 'succeeded', 'failed', 'cancelled'
    status varchar(16) NOT NULL CONSTRAINT DF_intake_extraction_runs_status DEFAULT ('queued'),
    started_at datetime2 NULL, -- Time the run started (NULL = still queued)
    finished_at datetime2 NULL, -- Time the run ended (NULL = not finished)
    error nvarchar(4000) NULL, -- Error of a failed run
    created_at datetime2 NOT NULL CONSTRAINT DF_intake_extraction_runs_created_at DEFAULT (SYSUTCDATETIME()), -- Creation timestamp
    updated_at datetime2 NOT NULL CONSTRAINT DF_intake_extraction_runs_updated_at DEFAULT (SYSUTCDATETIME()), -- Last update timestamp
    CONSTRAINT PK_intake_extraction_runs PRIMARY KEY CLUSTERED (extraction_run_id),
    CONSTRAINT UQ_intake_extraction_runs_workspace_id_extraction_run_id UNIQUE NONCLUSTERED (workspace_id, extraction_run_id),
    CONSTRAINT FK_intake_extraction_runs_workspace_id_intake_workspaces FOREIGN KEY (workspace_id)
    REFERENCES intake.workspaces (workspace_id),
    CONSTRAINT FK_intake_extraction_runs_thread_id_intake_threads FOREIGN KEY (workspace_id, thread_id)
    REFERENCES intake.threads (workspace_id, thread_id),
    CONSTRAINT FK_intake_extraction_runs_message_row_id_intake_messages FOREIGN KEY (workspace_id, message_row_id)
    REFERENCES intake.messages (workspace_id, message_row_id),
    CONSTRAINT CK_intake_extraction_runs_status CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    CONSTRAINT CK_intake_extraction_runs_started_at CHECK (status IN ('queued', 'cancelled') OR started_at IS NOT NULL),
    CONSTRAINT CK_intake_extraction_runs_finished_at CHECK (status IN ('queued', 'running') OR finished_at IS NOT NULL),
    CONSTRAINT CK_intake_extraction_runs_finished_after_start CHECK (finished_at >= started_at),
    CONSTRAINT CK_intake_extraction_runs_error CHECK (status <> 'failed' OR error IS NOT NULL)
);

CREATE NONCLUSTERED INDEX IX_intake_extraction_runs_thread_id_created_at -- Runs of a thread, newest first
    ON intake.extraction_runs (thread_id, created_at DESC);

CREATE NONCLUSTERED INDEX IX_intake_extraction_runs_message_row_id -- Runs over a message
    ON intake.extraction_runs (message_row_id)
    WHERE message_row_id IS NOT NULL;
