-- Deal facts: normalized BANT evidence facts of a deal (budget, authority, need, timeline), one current fact per key.
CREATE TABLE intake.deal_facts (
    deal_fact_id bigint IDENTITY (1, 1) NOT NULL, -- Primary key
    workspace_id uniqueidentifier NOT NULL, -- Workspace (tenant)
    deal_id bigint NOT NULL, -- Deal the fact is about
    [key] varchar(64) NOT NULL, -- Fact key, as a lower-case name (e.g. 'budget', 'authority', 'need', 'timeline')
    value_json nvarchar(max) NOT NULL, -- Fact value as a JSON object (e.g. {"value": ...})
    confidence decimal(4, 3) NOT NULL, -- Confidence in the fact (0-1)
    evidence_json nvarchar(max) NULL, -- Evidence as a JSON array of {"message_row_id", "quote"} objects (NULL = none given)
    thread_id bigint NULL, -- Thread the fact was taken from (NULL = entered by hand or from the CRM)
    message_row_id bigint NULL, -- Message the fact was taken from (NULL = not from one message)
    created_at datetime2 NOT NULL CONSTRAINT DF_intake_deal_facts_created_at DEFAULT (SYSUTCDATETIME()), -- Creation timestamp
    updated_at datetime2 NOT NULL CONSTRAINT DF_intake_deal_facts_updated_at DEFAULT (SYSUTCDATETIME()), -- Last update timestamp
    CONSTRAINT PK_intake_deal_facts PRIMARY KEY CLUSTERED (deal_fact_id),
    CONSTRAINT FK_intake_deal_facts_workspace_id_intake_workspaces FOREIGN KEY (workspace_id)
    REFERENCES intake.workspaces (workspace_id),
    CONSTRAINT FK_intake_deal_facts_deal_id_intake_deals FOREIGN KEY (workspace_id, deal_id)
    REFERENCES intake.deals (workspace_id, deal_id),
    CONSTRAINT FK_intake_deal_facts_thread_id_intake_threads FOREIGN KEY (workspace_id, thread_id)
    REFERENCES intake.threads (workspace_id, thread_id),
    CONSTRAINT FK_intake_deal_facts_message_row_id_intake_messages FOREIGN KEY (workspace_id, message_row_id)
    REFERENCES intake.messages (workspace_id, message_row_id),
    CONSTRAINT CK_intake_deal_facts_key CHECK ([key] <> '' AND [key] NOT LIKE '%[^a-z0-9_]%'),
    CONSTRAINT CK_intake_deal_facts_value_json CHECK (ISJSON(value_json) = 1),
    CONSTRAINT CK_intake_deal_facts_confidence CHECK (confidence BETWEEN 0 AND 1),
    CONSTRAINT CK_intake_deal_facts_evidence_json CHECK (ISJSON(evidence_json) = 1),
    CONSTRAINT CK_intake_deal_facts_source CHECK (message_row_id IS NULL OR thread_id IS NOT NULL)
);

CREATE UNIQUE NONCLUSTERED INDEX UX_intake_deal_facts_workspace_id_deal_id_key -- One current fact per key of a deal
    ON intake.deal_facts (workspace_id, deal_id, [key]);

CREATE NONCLUSTERED INDEX IX_intake_deal_facts_deal_id ON intake.deal_facts (deal_id); -- Facts of a deal

CREATE NONCLUSTERED INDEX IX_intake_deal_facts_thread_id -- Facts taken from a thread
    ON intake.deal_facts (thread_id)
    WHERE thread_id IS NOT NULL;

CREATE NONCLUSTERED INDEX IX_intake_deal_facts_message_row_id -- Facts taken from a message
    ON intake.deal_facts (message_row_id)
    WHERE message_row_id IS NOT NULL;
