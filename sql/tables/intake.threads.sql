-- Threads: workspace-scoped conversation containers that group the email messages of one conversation.
CREATE TABLE intake.threads (
    thread_id bigint IDENTITY (1, 1) NOT NULL, -- Primary key
    workspace_id uniqueidentifier NOT NULL, -- Workspace (tenant)
    subject nvarchar(2000) NULL, -- Conversation subject, from the first message (NULL = none)
    primary_contact_email varchar(320) NULL, -- Email address of the external contact the conversation is with
    -- Status: 'open', 'closed', 'ignored', 'archived'
    status varchar(16) NOT NULL CONSTRAINT DF_intake_threads_status DEFAULT ('open'),
    last_message_at datetime2 NULL, -- Time of the newest message (NULL = no message yet)
    created_at datetime2 NOT NULL CONSTRAINT DF_intake_threads_created_at DEFAULT (SYSUTCDATETIME()), -- Creation timestamp
    updated_at datetime2 NOT NULL CONSTRAINT DF_intake_threads_updated_at DEFAULT (SYSUTCDATETIME()), -- Last update timestamp
    CONSTRAINT PK_intake_threads PRIMARY KEY CLUSTERED (thread_id),
    CONSTRAINT UQ_intake_threads_workspace_id_thread_id UNIQUE NONCLUSTERED (workspace_id, thread_id),
    CONSTRAINT FK_intake_threads_workspace_id_intake_workspaces FOREIGN KEY (workspace_id)
    REFERENCES intake.workspaces (workspace_id),
    CONSTRAINT CK_intake_threads_status CHECK (status IN ('open', 'closed', 'ignored', 'archived'))
);

CREATE NONCLUSTERED INDEX IX_intake_threads_workspace_id_created_at -- Threads of a workspace, newest first
    ON intake.threads (workspace_id, created_at DESC);
