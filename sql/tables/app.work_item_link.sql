-- Links work items to external references.
CREATE TABLE app.work_item_link (
    link_id bigint IDENTITY (1, 1) NOT NULL, -- Primary key
    org_id int NOT NULL, -- Organization ID
    item_type varchar(12) NOT NULL, -- Item type: 'signal', 'candidate', 'pursuit'
    item_id bigint NOT NULL, -- Item ID
    link_type varchar(12) NOT NULL, -- Link type: 'thread', 'doc'
    target_type varchar(24) NOT NULL, -- Target system type
    target_ref varchar(256) NOT NULL, -- Target reference
    created_at datetime2 NOT NULL CONSTRAINT DF_app_work_item_link_created_at DEFAULT (SYSUTCDATETIME()), -- Creation timestamp
    CONSTRAINT PK_app_work_item_link PRIMARY KEY CLUSTERED (link_id),
    CONSTRAINT FK_app_work_item_link_org_id_core_org FOREIGN KEY (org_id) REFERENCES core.org (org_id),
    CONSTRAINT CK_app_work_item_link_item_type CHECK (item_type IN ('signal', 'candidate', 'pursuit')),
    CONSTRAINT CK_app_work_item_link_link_type CHECK (link_type IN ('thread', 'doc'))
);

CREATE UNIQUE NONCLUSTERED INDEX UX_app_work_item_link_item -- Links of an item, each target once
    ON app.work_item_link (org_id, item_type, item_id, link_type, target_type, target_ref);

CREATE NONCLUSTERED INDEX IX_app_work_item_link_target ON app.work_item_link (org_id, target_type, target_ref); -- Items linked to a target
