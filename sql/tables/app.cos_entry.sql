-- Detailed cost tracking for pursuits.
CREATE TABLE app.cos_entry (
    cos_id bigint IDENTITY (1, 1) NOT NULL, -- Primary key
    org_id int NOT NULL, -- Organization ID
    pursuit_id bigint NOT NULL, -- Associated pursuit
    role varchar(64) NOT NULL, -- Role description
    hours decimal(10, 2) NOT NULL, -- Hours worked
    rate decimal(10, 2) NOT NULL, -- Hourly rate
    amount AS CAST(hours * rate AS decimal(18, 2)) PERSISTED NOT NULL, -- Computed amount (hours * rate)
    source varchar(24) NULL, -- Cost source
    created_at datetime2 NOT NULL CONSTRAINT DF_app_cos_entry_created_at DEFAULT (SYSUTCDATETIME()), -- Creation timestamp
    CONSTRAINT PK_app_cos_entry PRIMARY KEY CLUSTERED (cos_id),
    CONSTRAINT FK_app_cos_entry_org_id_core_org FOREIGN KEY (org_id) REFERENCES core.org (org_id),
    CONSTRAINT FK_app_cos_entry_pursuit_id_app_pursuit FOREIGN KEY (org_id, pursuit_id)
    REFERENCES app.pursuit (org_id, pursuit_id),
    CONSTRAINT CK_app_cos_entry_hours CHECK (hours >= 0),
    CONSTRAINT CK_app_cos_entry_rate CHECK (rate >= 0)
);

CREATE NONCLUSTERED INDEX IX_app_cos_entry_org_id_pursuit_id -- Cost entries of a pursuit (covers the cos_hours/cos_amount roll-up)
    ON app.cos_entry (org_id, pursuit_id) INCLUDE (hours, amount);
