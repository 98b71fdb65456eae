-- Active sales opportunities with full pipeline tracking.
CREATE TABLE app.pursuit (
    pursuit_id bigint IDENTITY (1, 1) NOT NULL, -- Primary key
    org_id int NOT NULL, -- Organization ID
    candidate_id bigint NOT NULL, -- Associated candidate
    due_date date NULL, -- Pursuit due date
    capture_lead_id int NULL, -- Capture lead user
    proposal_mgr_id int NULL, -- Proposal manager user
    -- Stage: 'qual', 'pink', 'red', 'submit', 'won', 'lost'
    pursuit_stage varchar(8) NOT NULL CONSTRAINT DF_app_pursuit_pursuit_stage DEFAULT ('qual'),
    compliance_score decimal(4, 1) NULL, -- Compliance score
    forecast_value_usd decimal(18, 2) NULL, -- Forecast value
    cos_hours decimal(10, 2) NOT NULL CONSTRAINT DF_app_pursuit_cos_hours DEFAULT (0), -- Cost of sale hours
    cos_amount decimal(18, 2) NOT NULL CONSTRAINT DF_app_pursuit_cos_amount DEFAULT (0), -- Cost of sale amount
    created_at datetime2 NOT NULL CONSTRAINT DF_app_pursuit_created_at DEFAULT (SYSUTCDATETIME()), -- Creation timestamp
    updated_at datetime2 NOT NULL CONSTRAINT DF_app_pursuit_updated_at DEFAULT (SYSUTCDATETIME()), -- Last update timestamp
    CONSTRAINT PK_app_pursuit PRIMARY KEY CLUSTERED (pursuit_id),
    CONSTRAINT UQ_app_pursuit_org_id_pursuit_id UNIQUE NONCLUSTERED (org_id, pursuit_id),
    CONSTRAINT FK_app_pursuit_org_id_core_org FOREIGN KEY (org_id) REFERENCES core.org (org_id),
    CONSTRAINT FK_app_pursuit_candidate_id_app_candidate FOREIGN KEY (org_id, candidate_id)
    REFERENCES app.candidate (org_id, candidate_id),
    CONSTRAINT FK_app_pursuit_capture_lead_id_core_user_account FOREIGN KEY (org_id, capture_lead_id)
    REFERENCES core.user_account (org_id, user_id),
    CONSTRAINT FK_app_pursuit_proposal_mgr_id_core_user_account FOREIGN KEY (org_id, proposal_mgr_id)
    REFERENCES core.user_account (org_id, user_id),
    CONSTRAINT CK_app_pursuit_pursuit_stage CHECK (pursuit_stage IN ('qual', 'pink', 'red', 'submit', 'won', 'lost')),
    CONSTRAINT CK_app_pursuit_compliance_score CHECK (compliance_score BETWEEN 0 AND 100),
    CONSTRAINT CK_app_pursuit_forecast_value_usd CHECK (forecast_value_usd >= 0),
    CONSTRAINT CK_app_pursuit_cos_hours CHECK (cos_hours >= 0),
    CONSTRAINT CK_app_pursuit_cos_amount CHECK (cos_amount >= 0)
);

CREATE NONCLUSTERED INDEX IX_pursuit_board ON app.pursuit (org_id, pursuit_stage, due_date ASC); -- Pipeline board

CREATE NONCLUSTERED INDEX IX_pursuit_org_stage ON app.pursuit (org_id, pursuit_stage); -- Stage filtering

-- wsdb:alias IX_pursuit_org_candidate the seed's candidate lookup has exactly these keys; the unique index serves it
CREATE UNIQUE NONCLUSTERED INDEX UX_pursuit_once_per_candidate ON app.pursuit (org_id, candidate_id); -- One pursuit per candidate
