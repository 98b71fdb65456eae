-- Audit trail of score changes over time.
CREATE TABLE app.spotlight_scoring_history (
    history_id bigint IDENTITY (1, 1) NOT NULL, -- Primary key
    org_id int NOT NULL, -- Organization ID
    item_type varchar(12) NOT NULL, -- Item type
    item_id bigint NOT NULL, -- Item ID
    spotlight_id int NOT NULL, -- Spotlight ID
    previous_score decimal(6, 2) NULL, -- Previous total score
    new_score decimal(6, 2) NOT NULL, -- New total score
    score_delta decimal(6, 2) NOT NULL, -- Score change
    change_reason nvarchar(300) NULL, -- Reason for change
    changed_components nvarchar(max) NULL, -- JSON array of changed components
    algorithm_version varchar(16) NOT NULL, -- Algorithm version
    scored_at datetime2 NOT NULL CONSTRAINT DF_app_spotlight_scoring_history_scored_at DEFAULT (SYSUTCDATETIME()), -- Change timestamp
    scored_by int NULL, -- User ID (NULL = system)
    CONSTRAINT PK_app_spotlight_scoring_history PRIMARY KEY CLUSTERED (history_id),
    CONSTRAINT FK_app_spotlight_scoring_history_org_id_core_org FOREIGN KEY (org_id) REFERENCES core.org (org_id),
    CONSTRAINT FK_app_spotlight_scoring_history_spotlight_id_app_spotlights FOREIGN KEY (org_id, spotlight_id)
    REFERENCES app.spotlights (org_id, spotlight_id),
    CONSTRAINT FK_app_spotlight_scoring_history_scored_by_core_user_account FOREIGN KEY (org_id, scored_by)
    REFERENCES core.user_account (org_id, user_id),
    CONSTRAINT CK_app_spotlight_scoring_history_item_type CHECK (item_type IN ('signal', 'candidate', 'pursuit')),
    CONSTRAINT CK_app_spotlight_scoring_history_score_delta CHECK (score_delta = new_score - COALESCE(previous_score, 0)),
    CONSTRAINT CK_app_spotlight_scoring_history_changed_components CHECK (ISJSON(changed_components) = 1)
);

CREATE NONCLUSTERED INDEX IX_app_spotlight_scoring_history_item -- Score history of an item, newest first
    ON app.spotlight_scoring_history (org_id, item_type, item_id, spotlight_id, scored_at DESC);
