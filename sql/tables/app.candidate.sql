-- Qualified leads that have been triaged and are being nurtured.
CREATE TABLE app.candidate (
    candidate_id bigint IDENTITY (1, 1) NOT NULL, -- Primary key
    org_id int NOT NULL, -- Organization ID
    client_id int NULL, -- Associated client
    contact_id int NULL, -- Associated contact
    problem_id int NULL, -- Problem taxonomy ID
    solution_id int NULL, -- Solution catalog ID
    title nvarchar(200) NOT NULL, -- Candidate title
    one_liner_scope nvarchar(280) NULL, -- Brief scope description
    confidence decimal(3, 2) NULL, -- Confidence score (0-1)
    value_band varchar(8) NULL, -- Value estimate: 'low', 'med', 'high'
    next_step nvarchar(200) NULL, -- Next action
    -- Status: 'new', 'triaged', 'nurture', 'on_hold', 'promoted', 'archived'
    status varchar(12) NOT NULL CONSTRAINT DF_app_candidate_status DEFAULT ('new'),
    owner_user_id int NULL, -- Assigned owner
    last_touch_at datetime2 NOT NULL CONSTRAINT DF_app_candidate_last_touch_at DEFAULT (SYSUTCDATETIME()), -- Last activity timestamp
    created_at datetime2 NOT NULL CONSTRAINT DF_app_candidate_created_at DEFAULT (SYSUTCDATETIME()), -- Creation timestamp
    updated_at datetime2 NOT NULL CONSTRAINT DF_app_candidate_updated_at DEFAULT (SYSUTCDATETIME()), -- Last update timestamp
    CONSTRAINT PK_app_candidate PRIMARY KEY CLUSTERED (candidate_id),
    CONSTRAINT UQ_app_candidate_org_id_candidate_id UNIQUE NONCLUSTERED (org_id, candidate_id),
    CONSTRAINT FK_app_candidate_org_id_core_org FOREIGN KEY (org_id) REFERENCES core.org (org_id),
    CONSTRAINT FK_app_candidate_client_id_core_client FOREIGN KEY (org_id, client_id)
    REFERENCES core.client (org_id, client_id),
    CONSTRAINT FK_app_candidate_contact_id_core_contact FOREIGN KEY (org_id, contact_id)
    REFERENCES core.contact (org_id, contact_id),
    CONSTRAINT FK_app_candidate_problem_id_app_problem_taxonomy FOREIGN KEY (org_id, problem_id)
    REFERENCES app.problem_taxonomy (org_id, problem_id),
    CONSTRAINT FK_app_candidate_solution_id_app_solution_catalog FOREIGN KEY (org_id, solution_id)
    REFERENCES app.solution_catalog (org_id, solution_id),
    CONSTRAINT FK_app_candidate_owner_user_id_core_user_account FOREIGN KEY (org_id, owner_user_id)
    REFERENCES core.user_account (org_id, user_id),
    CONSTRAINT CK_app_candidate_confidence CHECK (confidence BETWEEN 0 AND 1),
    CONSTRAINT CK_app_candidate_value_band CHECK (value_band IN ('low', 'med', 'high')),
    CONSTRAINT CK_app_candidate_status CHECK (status IN ('new', 'triaged', 'nurture', 'on_hold', 'promoted', 'archived'))
);

CREATE NONCLUSTERED INDEX IX_candidate_board -- Board view
    ON app.candidate (org_id, status, owner_user_id, last_touch_at DESC);

CREATE NONCLUSTERED INDEX IX_candidate_org_client ON app.candidate (org_id, client_id); -- Client lookup

CREATE NONCLUSTERED INDEX IX_candidate_org_status ON app.candidate (org_id, status); -- Status filtering

CREATE NONCLUSTERED INDEX IX_app_candidate_org_id_contact_id ON app.candidate (org_id, contact_id); -- Candidates of a contact (merges)
