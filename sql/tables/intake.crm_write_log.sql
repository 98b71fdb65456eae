-- CRM write log: the idempotent ledger of CRM writes, both dry runs and real syncs; one row per idempotency key.
CREATE TABLE intake.crm_write_log (
    crm_write_id bigint IDENTITY (1, 1) NOT NULL, -- Primary key
    workspace_id uniqueidentifier NOT NULL, -- Workspace (tenant)
    thread_id bigint NULL, -- Thread whose content the write carries (NULL = not from one thread)
    deal_id bigint NULL, -- Deal the write is about (NULL = not about a mirrored deal, e.g. it creates one)
    crm varchar(32) NOT NULL, -- Target CRM, as a lower-case name (e.g. 'hubspot', 'salesforce')
    action varchar(32) NOT NULL, -- Write performed, as a lower-case name (e.g. 'create_deal', 'update_deal', 'add_note')
    idempotency_key varchar(200) NOT NULL, -- Caller's key for the write; a repeated key is the same write
    payload_hash char(64) NOT NULL, -- SHA-256 of the canonical request payload, 64 lower-case hex digits
    -- Status: 'dry_run', 'pending', 'succeeded', 'failed', 'skipped'
    status varchar(16) NOT NULL CONSTRAINT DF_intake_crm_write_log_status DEFAULT ('pending'),
    request_json nvarchar(max) NULL, -- Request sent (or, for a dry run, that would be sent) as a JSON object
    response_json nvarchar(max) NULL, -- CRM response as a JSON object (NULL = none yet)
    crm_object_id varchar(128) NULL, -- The CRM's id of the object written (NULL = none yet)
    error nvarchar(4000) NULL, -- Error of a failed write
    created_at datetime2 NOT NULL CONSTRAINT DF_intake_crm_write_log_created_at DEFAULT (SYSUTCDATETIME()), -- Creation timestamp
    updated_at datetime2 NOT NULL CONSTRAINT DF_intake_crm_write_log_updated_at DEFAULT (SYSUTCDATETIME()), -- Last update timestamp
    CONSTRAINT PK_intake_crm_write_log PRIMARY KEY CLUSTERED (crm_write_id),
    CONSTRAINT FK_intake_crm_write_log_workspace_id_intake_workspaces FOREIGN KEY (workspace_id)
    REFERENCES intake.workspaces (workspace_id),
    CONSTRAINT FK_intake_crm_write_log_thread_id_intake_threads FOREIGN KEY (workspace_id, thread_id)
    REFERENCES intake.threads (workspace_id, thread_id),
    CONSTRAINT FK_intake_crm_write_log_deal_id_intake_deals FOREIGN KEY (workspace_id, deal_id)
    REFERENCES intake.deals (workspace_id, deal_id),
    CONSTRAINT CK_intake_crm_write_log_crm CHECK (crm <> '' AND crm NOT LIKE '%[^a-z0-9_]%'),
    CONSTRAINT CK_intake_crm_write_log_action CHECK (action <> '' AND action NOT LIKE '%[^a-z0-9_]%'),
    CONSTRAINT CK_intake_crm_write_log_idempotency_key CHECK (idempotency_key <> ''),
    CONSTRAINT CK_intake_crm_write_log_payload_hash CHECK (LEN(payload_hash) = 64 AND payload_hash NOT LIKE '%[^0-9a-f]%'),
    CONSTRAINT CK_intake_crm_write_log_status CHECK (status IN ('dry_run', 'pending', 'succeeded', 'failed', 'skipped')),
    CONSTRAINT CK_intake_crm_write_log_request_json CHECK (ISJSON(request_json) = 1),
    CONSTRAINT CK_intake_crm_write_log_response_json CHECK (ISJSON(response_json) = 1),
    CONSTRAINT CK_intake_crm_write_log_error CHECK (status <> 'failed' OR error IS NOT NULL)
);

CREATE UNIQUE NONCLUSTERED INDEX UX_intake_crm_write_log_workspace_id_crm_idempotency_key -- Idempotency: one row per key and CRM
    ON intake.crm_write_log (workspace_id, crm, idempotency_key);

CREATE NONCLUSTERED INDEX IX_intake_crm_write_log_thread_id_created_at -- CRM writes of a thread, newest first
    ON intake.crm_write_log (thread_id, created_at DESC);

CREATE NONCLUSTERED INDEX IX_intake_crm_write_log_deal_id -- CRM writes about a deal
    ON intake.crm_write_log (deal_id)
    WHERE deal_id IS NOT NULL;
