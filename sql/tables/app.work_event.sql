-- Event sourcing and outbox pattern for reliable processing.
CREATE TABLE app.work_event (
    event_id bigint IDENTITY (1, 1) NOT NULL, -- Primary key
    org_id int NOT NULL, -- Organization ID
    item_type varchar(12) NOT NULL, -- Item type
    item_id bigint NOT NULL, -- Item ID
    event_name varchar(40) NOT NULL, -- Event name
    payload_json nvarchar(max) NULL, -- Event payload
    happened_at datetime2 NOT NULL CONSTRAINT DF_app_work_event_happened_at DEFAULT (SYSUTCDATETIME()), -- Event timestamp
    actor_user_id int NULL, -- User who triggered event
    claimed_at datetime2 NULL, -- Outbox claim timestamp
    claimed_by varchar(64) NULL, -- Worker claiming event
    processed_at datetime2 NULL, -- Processing completion timestamp
    dead_letter_at datetime2 NULL, -- Dead letter timestamp
    retry_count int NOT NULL CONSTRAINT DF_app_work_event_retry_count DEFAULT (0), -- Retry attempts
    max_attempts int NOT NULL CONSTRAINT DF_app_work_event_max_attempts DEFAULT (5), -- Maximum retry attempts
    -- wsdb:allow W506 outbox lease: a claim expires, so a crashed worker's events are handed out again
    lease_until datetime2 NULL, -- End of the current claim's lease; after it the event may be reclaimed
    -- wsdb:allow W506 outbox retry backoff: a failed event waits before it is handed out again
    next_attempt_at datetime2 NULL, -- Earliest time a failed event may be claimed again (retry backoff); NULL = now
    -- wsdb:allow W506 outbox: why the last attempt failed, kept for the dead-letter review
    last_error nvarchar(2000) NULL, -- Error reported by the last failed attempt
    CONSTRAINT PK_app_work_event PRIMARY KEY CLUSTERED (event_id),
    CONSTRAINT FK_app_work_event_org_id_core_org FOREIGN KEY (org_id) REFERENCES core.org (org_id),
    CONSTRAINT FK_app_work_event_actor_user_id_core_user_account FOREIGN KEY (org_id, actor_user_id)
    REFERENCES core.user_account (org_id, user_id),
    CONSTRAINT CK_app_work_event_item_type CHECK (item_type IN ('signal', 'candidate', 'pursuit', 'proposal', 'drip')),
    CONSTRAINT CK_app_work_event_payload_json CHECK (ISJSON(payload_json) = 1),
    CONSTRAINT CK_app_work_event_claim CHECK (
        (claimed_at IS NULL AND claimed_by IS NULL) OR (claimed_at IS NOT NULL AND claimed_by IS NOT NULL)
    ),
    CONSTRAINT CK_app_work_event_retry_count CHECK (retry_count >= 0 AND retry_count <= max_attempts),
    CONSTRAINT CK_app_work_event_max_attempts CHECK (max_attempts >= 1),
    -- A lease belongs to a claim (claims recorded before leases existed have none and count as expired).
    CONSTRAINT CK_app_work_event_lease_until CHECK (lease_until IS NULL OR (claimed_at IS NOT NULL AND lease_until > claimed_at))
);

CREATE NONCLUSTERED INDEX IX_app_work_event_pending -- Outbox: events still to process, oldest first
    ON app.work_event (event_id) INCLUDE (org_id, claimed_at, lease_until, next_attempt_at)
    WHERE processed_at IS NULL AND dead_letter_at IS NULL;

CREATE NONCLUSTERED INDEX IX_app_work_event_item -- Event history of an item
    ON app.work_event (org_id, item_type, item_id, happened_at DESC);
