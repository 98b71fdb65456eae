-- PERT estimating for pursuits.
CREATE TABLE app.pursuit_role_estimate (
    estimate_id bigint IDENTITY (1, 1) NOT NULL, -- Primary key
    org_id int NOT NULL, -- Organization ID
    pursuit_id bigint NOT NULL, -- Associated pursuit
    role varchar(64) NOT NULL, -- Role being estimated
    optimistic_hours decimal(10, 2) NOT NULL, -- Optimistic estimate
    most_likely_hours decimal(10, 2) NOT NULL, -- Most likely estimate
    pessimistic_hours decimal(10, 2) NOT NULL, -- Pessimistic estimate
    confidence decimal(3, 2) NULL, -- Confidence score
    created_at datetime2 NOT NULL CONSTRAINT DF_app_pursuit_role_estimate_created_at DEFAULT (SYSUTCDATETIME()), -- Creation timestamp
    CONSTRAINT PK_app_pursuit_role_estimate PRIMARY KEY CLUSTERED (estimate_id),
    CONSTRAINT FK_app_pursuit_role_estimate_org_id_core_org FOREIGN KEY (org_id) REFERENCES core.org (org_id),
    CONSTRAINT FK_app_pursuit_role_estimate_pursuit_id_app_pursuit FOREIGN KEY (org_id, pursuit_id)
    REFERENCES app.pursuit (org_id, pursuit_id),
    CONSTRAINT CK_app_pursuit_role_estimate_pert_order CHECK (
        optimistic_hours >= 0 AND optimistic_hours <= most_likely_hours AND most_likely_hours <= pessimistic_hours
    ),
    CONSTRAINT CK_app_pursuit_role_estimate_confidence CHECK (confidence BETWEEN 0 AND 1)
);

CREATE NONCLUSTERED INDEX IX_app_pursuit_role_estimate_org_id_pursuit_id -- Estimates of a pursuit
    ON app.pursuit_role_estimate (org_id, pursuit_id, role);
