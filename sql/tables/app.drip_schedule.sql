-- Automated nurture campaigns.
CREATE TABLE app.drip_schedule (
    drip_id bigint IDENTITY (1, 1) NOT NULL, -- Primary key
    org_id int NOT NULL, -- Organization ID
    candidate_id bigint NOT NULL, -- Target candidate
    template_id int NOT NULL, -- Email template ID
    next_run_at datetime2 NULL CONSTRAINT DF_app_drip_schedule_next_run_at DEFAULT (SYSUTCDATETIME()), -- Next send time
    cadence_days int NOT NULL, -- Days between sends
    status varchar(12) NOT NULL CONSTRAINT DF_app_drip_schedule_status DEFAULT ('active'), -- Status: 'active', 'paused', 'done'
    last_sent_at datetime2 NULL, -- Last send timestamp
    CONSTRAINT PK_app_drip_schedule PRIMARY KEY CLUSTERED (drip_id),
    CONSTRAINT FK_app_drip_schedule_org_id_core_org FOREIGN KEY (org_id) REFERENCES core.org (org_id),
    CONSTRAINT FK_app_drip_schedule_candidate_id_app_candidate FOREIGN KEY (org_id, candidate_id)
    REFERENCES app.candidate (org_id, candidate_id),
    CONSTRAINT FK_app_drip_schedule_template_id_core_email_template FOREIGN KEY (org_id, template_id)
    REFERENCES core.email_template (org_id, template_id),
    CONSTRAINT CK_app_drip_schedule_cadence_days CHECK (cadence_days >= 1),
    CONSTRAINT CK_app_drip_schedule_status CHECK (status IN ('active', 'paused', 'done')),
    CONSTRAINT CK_app_drip_schedule_next_run_at CHECK (status <> 'active' OR next_run_at IS NOT NULL)
);

CREATE NONCLUSTERED INDEX IX_app_drip_schedule_due ON app.drip_schedule (next_run_at) WHERE status = 'active'; -- Due drips, soonest first

CREATE NONCLUSTERED INDEX IX_app_drip_schedule_org_id_candidate_id ON app.drip_schedule (org_id, candidate_id); -- Drips of a candidate
