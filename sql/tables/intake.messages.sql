-- Messages: canonical raw email records of a thread, with their header and body metadata.
CREATE TABLE intake.messages (
    message_row_id bigint IDENTITY (1, 1) NOT NULL, -- Primary key
    workspace_id uniqueidentifier NOT NULL, -- Workspace (tenant)
    thread_id bigint NOT NULL, -- Thread the message belongs to
    -- RFC 5322 Message-ID header as sent, angle brackets included; unique per workspace (the ingest dedupe key)
    message_id nvarchar(800) NOT NULL,
    in_reply_to nvarchar(2000) NULL, -- In-Reply-To header: Message-ID(s) of the message(s) this one answers
    references_json nvarchar(max) NULL, -- References header as a JSON array of Message-IDs, oldest first
    direction varchar(8) NOT NULL, -- Direction: 'inbound', 'outbound'
    from_address varchar(320) NOT NULL, -- Sender email address (From header)
    from_name nvarchar(320) NULL, -- Sender display name (From header)
    to_json nvarchar(max) NULL, -- To recipients as a JSON array of {"address", "name"} objects
    cc_json nvarchar(max) NULL, -- Cc recipients as a JSON array of {"address", "name"} objects
    subject nvarchar(2000) NULL, -- Subject header (NULL = none)
    sent_at datetime2 NULL, -- Date header in UTC (NULL = missing or unparseable)
    received_at datetime2 NULL, -- Time the mailbox received the message, UTC (NULL = unknown)
    headers_json nvarchar(max) NULL, -- All headers as a JSON array of {"name", "value"} objects, in order
    text nvarchar(max) NULL, -- Plain-text body (NULL = the message has none)
    html nvarchar(max) NULL, -- HTML body (NULL = the message has none)
    created_at datetime2 NOT NULL CONSTRAINT DF_intake_messages_created_at DEFAULT (SYSUTCDATETIME()), -- Creation timestamp
    updated_at datetime2 NOT NULL CONSTRAINT DF_intake_messages_updated_at DEFAULT (SYSUTCDATETIME()), -- Last update timestamp
    CONSTRAINT PK_intake_messages PRIMARY KEY CLUSTERED (message_row_id),
    CONSTRAINT UQ_intake_messages_workspace_id_message_row_id UNIQUE NONCLUSTERED (workspace_id, message_row_id),
    CONSTRAINT FK_intake_messages_workspace_id_intake_workspaces FOREIGN KEY (workspace_id)
    REFERENCES intake.workspaces (workspace_id),
    CONSTRAINT FK_intake_messages_thread_id_intake_threads FOREIGN KEY (workspace_id, thread_id)
    REFERENCES intake.threads (workspace_id, thread_id),
    CONSTRAINT CK_intake_messages_message_id CHECK (message_id <> ''),
    CONSTRAINT CK_intake_messages_references_json CHECK (ISJSON(references_json) = 1),
    CONSTRAINT CK_intake_messages_direction CHECK (direction IN ('inbound', 'outbound')),
    CONSTRAINT CK_intake_messages_to_json CHECK (ISJSON(to_json) = 1),
    CONSTRAINT CK_intake_messages_cc_json CHECK (ISJSON(cc_json) = 1),
    CONSTRAINT CK_intake_messages_headers_json CHECK (ISJSON(headers_json) = 1)
);

CREATE UNIQUE NONCLUSTERED INDEX UX_intake_messages_workspace_id_message_id -- One row per Message-ID in a workspace
    ON intake.messages (workspace_id, message_id);

CREATE NONCLUSTERED INDEX IX_intake_messages_message_id ON intake.messages (message_id); -- Threading: find a message by its Message-ID

CREATE NONCLUSTERED INDEX IX_intake_messages_thread_id_created_at -- Messages of a thread, newest first
    ON intake.messages (thread_id, created_at DESC);
