-- Audit trail of contact merging operations.
CREATE TABLE app.contact_merge_history (
    merge_id bigint IDENTITY (1, 1) NOT NULL, -- Primary key
    org_id int NOT NULL, -- Organization ID
    primary_contact_id int NOT NULL, -- Contact that was kept
    merged_contact_id int NOT NULL, -- Contact that was merged
    merge_reason nvarchar(300) NULL, -- Reason for merge
    merged_keys nvarchar(max) NULL, -- JSON of keys that triggered merge
    data_preserved nvarchar(max) NULL, -- JSON of preserved data
    merged_by int NULL, -- User who performed merge
    merged_at datetime2 NOT NULL CONSTRAINT DF_app_contact_merge_history_merged_at DEFAULT (SYSUTCDATETIME()), -- Merge timestamp
    CONSTRAINT PK_app_contact_merge_history PRIMARY KEY CLUSTERED (merge_id),
    CONSTRAINT FK_app_contact_merge_history_org_id_core_org FOREIGN KEY (org_id) REFERENCES core.org (org_id),
    CONSTRAINT FK_app_contact_merge_history_primary_contact_id_core_contact FOREIGN KEY (org_id, primary_contact_id)
    REFERENCES core.contact (org_id, contact_id),
    CONSTRAINT FK_app_contact_merge_history_merged_contact_id_core_contact FOREIGN KEY (org_id, merged_contact_id)
    REFERENCES core.contact (org_id, contact_id),
    CONSTRAINT FK_app_contact_merge_history_merged_by_core_user_account FOREIGN KEY (org_id, merged_by)
    REFERENCES core.user_account (org_id, user_id),
    CONSTRAINT CK_app_contact_merge_history_distinct_contacts CHECK (primary_contact_id <> merged_contact_id),
    CONSTRAINT CK_app_contact_merge_history_merged_keys CHECK (ISJSON(merged_keys) = 1),
    CONSTRAINT CK_app_contact_merge_history_data_preserved CHECK (ISJSON(data_preserved) = 1)
);

CREATE NONCLUSTERED INDEX IX_app_contact_merge_history_primary -- Merges into a contact
    ON app.contact_merge_history (org_id, primary_contact_id);

CREATE NONCLUSTERED INDEX IX_app_contact_merge_history_merged -- Where a merged contact went
    ON app.contact_merge_history (org_id, merged_contact_id);
