-- wsdb:never-deleted templates are retired with is_active = 0; drip history keeps pointing at them
-- Email templates of an org, used by drip schedules (mirror of the email module).
CREATE TABLE core.email_template (
    template_id int NOT NULL, -- Primary key (assigned by the email module)
    org_id int NOT NULL, -- Organization ID
    name nvarchar(120) NOT NULL, -- Template name
    subject nvarchar(200) NOT NULL, -- Email subject line
    is_active bit NOT NULL CONSTRAINT DF_core_email_template_is_active DEFAULT (1), -- Active flag
    created_at datetime2 NOT NULL CONSTRAINT DF_core_email_template_created_at DEFAULT (SYSUTCDATETIME()), -- Creation timestamp
    CONSTRAINT PK_core_email_template PRIMARY KEY CLUSTERED (template_id),
    CONSTRAINT UQ_core_email_template_org_id_template_id UNIQUE NONCLUSTERED (org_id, template_id),
    CONSTRAINT FK_core_email_template_org_id_core_org FOREIGN KEY (org_id) REFERENCES core.org (org_id)
);
