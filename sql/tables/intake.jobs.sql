-- Jobs: the worker queue; a worker claims due rows with UPDATE ... WITH (ROWLOCK, UPDLOCK, READPAST) and holds them under a lease.
--
-- Lifecycle: 'queued' -> 'running' (locked) -> 'succeeded', or 'failed' (waits until run_after, then
-- claimable again) until attempts reach max_attempts -> 'dead'; 'cancelled' by an operator. A running
-- job whose locked_until has passed belongs to a crashed worker and may be claimed again.
CREATE TABLE intake.jobs (
    job_id bigint IDENTITY (1, 1) NOT NULL, -- Primary key
    workspace_id uniqueidentifier NOT NULL, -- Workspace (tenant)
    job_type varchar(64) NOT NULL, -- Kind of work (e.g. 'ingest_message', 'extract_thread', 'crm_sync')
    thread_id bigint NULL, -- Thread the job works on (NULL = not about one thread)
    payload_json nvarchar(max) NULL, -- Job arguments as a JSON object
    -- Status: 'queued', 'running', 'succeeded', 'failed', 'dead', 'cancelled'
    status varchar(16) NOT NULL CONSTRAINT DF_intake_jobs_status DEFAULT ('queued'),
    run_after datetime2 NOT NULL CONSTRAINT DF_intake_jobs_run_after DEFAULT (SYSUTCDATETIME()), -- Earliest time a worker may claim the job
    attempts int NOT NULL CONSTRAINT DF_intake_jobs_attempts DEFAULT (0), -- Attempts started so far
    max_attempts int NOT NULL CONSTRAINT DF_intake_jobs_max_attempts DEFAULT (5), -- Attempts allowed before the job is dead
    locked_at datetime2 NULL, -- Time the current claim was taken
    locked_by varchar(64) NULL, -- Worker holding the current claim
    locked_until datetime2 NULL, -- End of the current claim's lease; after it the job may be claimed again
    last_error nvarchar(2000) NULL, -- Error reported by the last failed attempt
    created_at datetime2 NOT NULL CONSTRAINT DF_intake_jobs_created_at DEFAULT (SYSUTCDATETIME()), -- Creation timestamp
    updated_at datetime2 NOT NULL CONSTRAINT DF_intake_jobs_updated_at DEFAULT (SYSUTCDATETIME()), -- Last update timestamp
    finished_at datetime2 NULL, -- Time the job reached 'succeeded', 'dead' or 'cancelled'
    CONSTRAINT PK_intake_jobs PRIMARY KEY CLUSTERED (job_id),
    CONSTRAINT UQ_intake_jobs_workspace_id_job_id UNIQUE NONCLUSTERED (workspace_id, job_id),
    CONSTRAINT FK_intake_jobs_workspace_id_intake_workspaces FOREIGN KEY (workspace_id)
    REFERENCES intake.workspaces (workspace_id),
    CONSTRAINT FK_intake_jobs_thread_id_intake_threads FOREIGN KEY (workspace_id, thread_id)
    REFERENCES intake.threads (workspace_id, thread_id),
    CONSTRAINT CK_intake_jobs_job_type CHECK (job_type <> '' AND job_type NOT LIKE '%[^a-z0-9_.]%'),
    CONSTRAINT CK_intake_jobs_payload_json CHECK (ISJSON(payload_json) = 1),
    CONSTRAINT CK_intake_jobs_status CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'dead', 'cancelled')),
    CONSTRAINT CK_intake_jobs_attempts CHECK (attempts >= 0 AND attempts <= max_attempts),
    CONSTRAINT CK_intake_jobs_max_attempts CHECK (max_attempts >= 1),
    CONSTRAINT CK_intake_jobs_lock CHECK (
        (locked_at IS NULL AND locked_by IS NULL AND locked_until IS NULL)
        OR (locked_at IS NOT NULL AND locked_by IS NOT NULL AND locked_until > locked_at)
    ),
    CONSTRAINT CK_intake_jobs_running CHECK (status <> 'running' OR locked_at IS NOT NULL),
    CONSTRAINT CK_intake_jobs_finished_at CHECK (
        (status IN ('succeeded', 'dead', 'cancelled') AND finished_at IS NOT NULL)
        OR (status IN ('queued', 'running', 'failed') AND finished_at IS NULL)
    )
);

CREATE NONCLUSTERED INDEX IX_intake_jobs_status_run_after_created_at -- Job claiming: due jobs of a status, oldest first
    ON intake.jobs (status, run_after, created_at);

CREATE NONCLUSTERED INDEX IX_intake_jobs_thread_id -- Jobs of a thread
    ON intake.jobs (thread_id)
    WHERE thread_id IS NOT NULL;
