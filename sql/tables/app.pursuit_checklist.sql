-- Quality checklist items for pursuits.
CREATE TABLE app.pursuit_checklist (
    checklist_id bigint IDENTITY (1, 1) NOT NULL, -- Primary key
    org_id int NOT NULL, -- Organization ID
    pursuit_id bigint NOT NULL, -- Associated pursuit
    name nvarchar(120) NOT NULL, -- Checklist item name
    is_required bit NOT NULL CONSTRAINT DF_app_pursuit_checklist_is_required DEFAULT (1), -- Required flag
    is_done bit NOT NULL CONSTRAINT DF_app_pursuit_checklist_is_done DEFAULT (0), -- Completion flag
    done_at datetime2 NULL, -- Completion timestamp
    CONSTRAINT PK_app_pursuit_checklist PRIMARY KEY CLUSTERED (checklist_id),
    CONSTRAINT FK_app_pursuit_checklist_org_id_core_org FOREIGN KEY (org_id) REFERENCES core.org (org_id),
    CONSTRAINT FK_app_pursuit_checklist_pursuit_id_app_pursuit FOREIGN KEY (org_id, pursuit_id)
    REFERENCES app.pursuit (org_id, pursuit_id),
    CONSTRAINT CK_app_pursuit_checklist_done_at CHECK ((is_done = 1 AND done_at IS NOT NULL) OR (is_done = 0 AND done_at IS NULL))
);

CREATE UNIQUE NONCLUSTERED INDEX UX_app_pursuit_checklist_name -- Checklist of a pursuit, each item name once
    ON app.pursuit_checklist (org_id, pursuit_id, name) INCLUDE (is_required, is_done);
