/*
Migration    20261122_deal_support
Description  Deal support: deals, thread links (one per thread), association candidates, deal facts, deal readiness, the deal a CRM write is about, the idempotent CRM write procedures, deal linking and association, deal facts and BANT readiness.
Acknowledges  E814 intake.crm_write_log.IX_intake_crm_write_log_deal_id: intake.crm_write_log is created by 20261122_intake_core, an unreleased draft that ships in the same release, so the table is empty when this index is built; if intake_core is ever released without this script, move the index to a maintenance window
Template     migrations/templates/20261122_deal_support.sql.j2  sha256 4de40e931c4c3b2fd5c68e0fc988fd23de308cdc3e00610b89f7fa40461bb2fe
Sources      sql/procedures/intake.sp_compute_deal_readiness.sql  sha256 6b21cbedfe7b5c0f9667cb7872f980d2d991d7fc179df744a1941a88ae07c166
             sql/procedures/intake.sp_finish_crm_write.sql  sha256 4f3c4439d9b00f72c0ff77f962d7602bf2605dd4010e18d4613bfabd1615894f
             sql/procedures/intake.sp_link_thread_to_deal.sql  sha256 60c29b375fbec1ef4b4036cd4cbdabafa988c386138f4de6d58389d19c1f74fc
             sql/procedures/intake.sp_propose_deal_associations.sql  sha256 2cc055be264da328de6ceadefb79219eb1b07683a99b138951980993b64f310b
             sql/procedures/intake.sp_record_crm_write.sql  sha256 9d2410a9ebdc413c3df3f2520cd89782c33b89129e12e9c50c753f4d8097feea
             sql/procedures/intake.sp_record_deal_fact.sql  sha256 08eec0910ff9a98bf8a11455b1934d608b33a30d6fa4438ad1b74b63426c2a72
             sql/procedures/intake.sp_resolve_association.sql  sha256 a327a05deda691f781366425dba5ea4765a8dbed5f98e295eefb1dadc1fc208e
             sql/procedures/intake.sp_upsert_deal.sql  sha256 10f53cb00c6d44eb5312cd0c91ec5f8ee44761e7ec5cf19cb1a04f3a5d04fa35
             sql/tables/intake.association_candidates.sql  sha256 b3fc1a58e08e7e0bc1710150716ce9524b20a242b0562d007bd016cd4ca2f7ba
             sql/tables/intake.crm_write_log.sql  sha256 b42d523b15c5fac72ed7df0b5d66824bd8a45aa4e4c640109ac129732ea3c1c7
             sql/tables/intake.deal_facts.sql  sha256 53080d0d96300215c657eb56b550319a198c437263582482b3d0c758e3002010
             sql/tables/intake.deal_readiness.sql  sha256 d3d93169c94223b5c6825d62eaef333bb25364f8ca3bb8015dcfa8fd1fab083e
             sql/tables/intake.deals.sql  sha256 87519e8ef481fc7190acd1943bcf7ed3c350de2d1e89abb5d66d55e6605b6695
             sql/tables/intake.thread_links.sql  sha256 ed69657a93db2c1b007997fac249b826bbe6b76427c3e6e49488b3fcae183e17
Builder      workstream-db 0.1.0
Checksum     00b6e627354f605b6180c25a46e885b508347d7ba80539dc8eef0f9354391b90
             sha256 of this file with the checksum replaced by 64 zeros; the history table
             dbo.wsdb_migration_history and migrations/migrations.sum record it.
Transaction  every step runs in one transaction: all of it applies, or none of it.
Run it       wsdb apply, or sqlcmd -b -I -i 20261122_deal_support.sql, or SSMS (no SQLCMD mode needed).
             Already applied with this checksum: it is skipped. Applied with another: error 50101.
             Any error: the rest of the script is compiled but not run (SET NOEXEC) and the
             transaction is rolled back; the last batch then raises 50102.
*/
-- wsdb:guard prologue: session options, history table, lock, applied-already check
SET NOCOUNT ON;
SET XACT_ABORT ON;
SET ANSI_NULLS ON;
SET ANSI_PADDING ON;
SET ANSI_WARNINGS ON;
SET ARITHABORT ON;
SET CONCAT_NULL_YIELDS_NULL ON;
SET QUOTED_IDENTIFIER ON;
SET NUMERIC_ROUNDABORT OFF;
IF @@TRANCOUNT > 0
    THROW 50100, N'20261122_deal_support: run this script outside any transaction; it opens and commits its own.', 1;
DECLARE @started datetime2(7) = SYSUTCDATETIME();
EXEC sys.sp_set_session_context @key = N'wsdb.started', @value = @started;
BEGIN TRANSACTION;
DECLARE @lock int;
EXEC @lock = sys.sp_getapplock @Resource = N'wsdb.migrations', @LockMode = N'Exclusive', @LockOwner = N'Transaction', @LockTimeout = 600000;
IF @lock < 0
    THROW 50103, N'20261122_deal_support: another migration held the lock wsdb.migrations for 10 minutes; nothing was changed.', 1;
IF OBJECT_ID(N'dbo.wsdb_migration_history', N'U') IS NULL
    BEGIN
        -- Created by the first script that runs; one row per applied migration.
        CREATE TABLE dbo.wsdb_migration_history (
            migration_name nvarchar(128) NOT NULL,
            checksum char(64) NOT NULL,
            applied_at datetime2(7) NOT NULL CONSTRAINT DF_dbo_wsdb_migration_history_applied_at DEFAULT (SYSUTCDATETIME()),
            applied_by nvarchar(128) NOT NULL CONSTRAINT DF_dbo_wsdb_migration_history_applied_by DEFAULT (ORIGINAL_LOGIN()),
            duration_ms int NOT NULL,
            builder varchar(64) NOT NULL,
            CONSTRAINT PK_dbo_wsdb_migration_history PRIMARY KEY CLUSTERED (migration_name)
        );
    END;
DECLARE @applied char(64) = (
    SELECT h.checksum
    FROM dbo.wsdb_migration_history AS h WITH (UPDLOCK, HOLDLOCK)
    WHERE h.migration_name = N'20261122_deal_support'
);
IF @applied = '00b6e627354f605b6180c25a46e885b508347d7ba80539dc8eef0f9354391b90'
    BEGIN
        COMMIT TRANSACTION;
        PRINT N'20261122_deal_support: already applied with this checksum; skipped.';
        SET NOEXEC ON;
    END;
IF @applied IS NOT NULL AND @applied <> '00b6e627354f605b6180c25a46e885b508347d7ba80539dc8eef0f9354391b90'
    BEGIN
        DECLARE @message nvarchar(2048) = CONCAT(
            N'20261122_deal_support: applied before with checksum ', @applied,
            N'; this file has 00b6e627354f605b6180c25a46e885b508347d7ba80539dc8eef0f9354391b90. Released scripts must not change; nothing was done.'
        );
        THROW 50101, @message, 1;
    END;
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 1 table intake.deals
-- Deals: the workspace-scoped mirror of the deals (opportunities) of a CRM.
CREATE TABLE intake.deals (
    deal_id bigint IDENTITY (1, 1) NOT NULL, -- Primary key
    workspace_id uniqueidentifier NOT NULL, -- Workspace (tenant)
    crm varchar(32) NOT NULL, -- CRM the deal lives in, as a lower-case name (e.g. 'hubspot', 'salesforce')
    crm_deal_id varchar(128) NOT NULL, -- The deal's id in that CRM
    title nvarchar(400) NOT NULL, -- Deal title
    stage nvarchar(100) NULL, -- Pipeline stage as the CRM names it (NULL = unknown)
    primary_domain varchar(253) NULL, -- Lower-case internet domain of the buying organisation (e.g. 'example.com')
    owner_user_id varchar(128) NULL, -- The CRM's id of the deal owner (NULL = unassigned)
    last_synced_at datetime2 NULL, -- Time the mirror last read the deal from the CRM (NULL = never)
    created_at datetime2 NOT NULL CONSTRAINT DF_intake_deals_created_at DEFAULT (SYSUTCDATETIME()), -- Creation timestamp
    updated_at datetime2 NOT NULL CONSTRAINT DF_intake_deals_updated_at DEFAULT (SYSUTCDATETIME()), -- Last update timestamp
    CONSTRAINT PK_intake_deals PRIMARY KEY CLUSTERED (deal_id),
    CONSTRAINT UQ_intake_deals_workspace_id_deal_id UNIQUE NONCLUSTERED (workspace_id, deal_id),
    CONSTRAINT FK_intake_deals_workspace_id_intake_workspaces FOREIGN KEY (workspace_id)
    REFERENCES intake.workspaces (workspace_id),
    CONSTRAINT CK_intake_deals_crm CHECK (crm <> '' AND crm NOT LIKE '%[^a-z0-9_]%'),
    CONSTRAINT CK_intake_deals_crm_deal_id CHECK (crm_deal_id <> '')
);

CREATE UNIQUE NONCLUSTERED INDEX UX_intake_deals_workspace_id_crm_crm_deal_id -- One mirror row per CRM deal in a workspace
    ON intake.deals (workspace_id, crm, crm_deal_id);

CREATE NONCLUSTERED INDEX IX_intake_deals_workspace_id ON intake.deals (workspace_id); -- Deals of a workspace
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 1 describe intake.deals
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'deals', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Deals: the workspace-scoped mirror of the deals (opportunities) of a CRM.', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deals';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Deals: the workspace-scoped mirror of the deals (opportunities) of a CRM.', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deals';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'deals', N'COLUMN', N'deal_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deals', @level2type = N'COLUMN', @level2name = N'deal_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deals', @level2type = N'COLUMN', @level2name = N'deal_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'deals', N'COLUMN', N'workspace_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Workspace (tenant)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deals', @level2type = N'COLUMN', @level2name = N'workspace_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Workspace (tenant)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deals', @level2type = N'COLUMN', @level2name = N'workspace_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'deals', N'COLUMN', N'crm'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'CRM the deal lives in, as a lower-case name (e.g. ''hubspot'', ''salesforce'')', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deals', @level2type = N'COLUMN', @level2name = N'crm';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'CRM the deal lives in, as a lower-case name (e.g. ''hubspot'', ''salesforce'')', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deals', @level2type = N'COLUMN', @level2name = N'crm';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'deals', N'COLUMN', N'crm_deal_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'The deal''s id in that CRM', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deals', @level2type = N'COLUMN', @level2name = N'crm_deal_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'The deal''s id in that CRM', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deals', @level2type = N'COLUMN', @level2name = N'crm_deal_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'deals', N'COLUMN', N'title'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Deal title', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deals', @level2type = N'COLUMN', @level2name = N'title';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Deal title', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deals', @level2type = N'COLUMN', @level2name = N'title';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'deals', N'COLUMN', N'stage'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Pipeline stage as the CRM names it (NULL = unknown)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deals', @level2type = N'COLUMN', @level2name = N'stage';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Pipeline stage as the CRM names it (NULL = unknown)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deals', @level2type = N'COLUMN', @level2name = N'stage';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'deals', N'COLUMN', N'primary_domain'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Lower-case internet domain of the buying organisation (e.g. ''example.com'')', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deals', @level2type = N'COLUMN', @level2name = N'primary_domain';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Lower-case internet domain of the buying organisation (e.g. ''example.com'')', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deals', @level2type = N'COLUMN', @level2name = N'primary_domain';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'deals', N'COLUMN', N'owner_user_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'The CRM''s id of the deal owner (NULL = unassigned)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deals', @level2type = N'COLUMN', @level2name = N'owner_user_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'The CRM''s id of the deal owner (NULL = unassigned)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deals', @level2type = N'COLUMN', @level2name = N'owner_user_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'deals', N'COLUMN', N'last_synced_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Time the mirror last read the deal from the CRM (NULL = never)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deals', @level2type = N'COLUMN', @level2name = N'last_synced_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Time the mirror last read the deal from the CRM (NULL = never)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deals', @level2type = N'COLUMN', @level2name = N'last_synced_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'deals', N'COLUMN', N'created_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Creation timestamp', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deals', @level2type = N'COLUMN', @level2name = N'created_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Creation timestamp', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deals', @level2type = N'COLUMN', @level2name = N'created_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'deals', N'COLUMN', N'updated_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Last update timestamp', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deals', @level2type = N'COLUMN', @level2name = N'updated_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Last update timestamp', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deals', @level2type = N'COLUMN', @level2name = N'updated_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'deals', N'INDEX', N'UX_intake_deals_workspace_id_crm_crm_deal_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'One mirror row per CRM deal in a workspace', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deals', @level2type = N'INDEX', @level2name = N'UX_intake_deals_workspace_id_crm_crm_deal_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'One mirror row per CRM deal in a workspace', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deals', @level2type = N'INDEX', @level2name = N'UX_intake_deals_workspace_id_crm_crm_deal_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'deals', N'INDEX', N'IX_intake_deals_workspace_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Deals of a workspace', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deals', @level2type = N'INDEX', @level2name = N'IX_intake_deals_workspace_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Deals of a workspace', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deals', @level2type = N'INDEX', @level2name = N'IX_intake_deals_workspace_id';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 2 table intake.thread_links
-- Thread links: the deal a thread belongs to; a thread links to at most one deal.
CREATE TABLE intake.thread_links (
    thread_link_id bigint IDENTITY (1, 1) NOT NULL, -- Primary key
    workspace_id uniqueidentifier NOT NULL, -- Workspace (tenant)
    thread_id bigint NOT NULL, -- Linked thread
    deal_id bigint NOT NULL, -- Deal the thread belongs to
    link_confidence decimal(4, 3) NOT NULL, -- Confidence that the link is right (0-1; 1 for a link a person made)
    link_reason nvarchar(500) NOT NULL, -- Why the thread was linked (e.g. 'domain match', 'chosen by reviewer')
    created_at datetime2 NOT NULL CONSTRAINT DF_intake_thread_links_created_at DEFAULT (SYSUTCDATETIME()), -- Creation timestamp
    updated_at datetime2 NOT NULL CONSTRAINT DF_intake_thread_links_updated_at DEFAULT (SYSUTCDATETIME()), -- Last update timestamp
    CONSTRAINT PK_intake_thread_links PRIMARY KEY CLUSTERED (thread_link_id),
    CONSTRAINT FK_intake_thread_links_workspace_id_intake_workspaces FOREIGN KEY (workspace_id)
    REFERENCES intake.workspaces (workspace_id),
    CONSTRAINT FK_intake_thread_links_thread_id_intake_threads FOREIGN KEY (workspace_id, thread_id)
    REFERENCES intake.threads (workspace_id, thread_id),
    CONSTRAINT FK_intake_thread_links_deal_id_intake_deals FOREIGN KEY (workspace_id, deal_id)
    REFERENCES intake.deals (workspace_id, deal_id),
    CONSTRAINT CK_intake_thread_links_link_confidence CHECK (link_confidence BETWEEN 0 AND 1),
    CONSTRAINT CK_intake_thread_links_link_reason CHECK (link_reason <> '')
);

CREATE UNIQUE NONCLUSTERED INDEX UX_intake_thread_links_workspace_id_thread_id -- One deal link per thread
    ON intake.thread_links (workspace_id, thread_id);

CREATE NONCLUSTERED INDEX IX_intake_thread_links_thread_id ON intake.thread_links (thread_id); -- Link of a thread

CREATE NONCLUSTERED INDEX IX_intake_thread_links_deal_id ON intake.thread_links (deal_id); -- Threads of a deal
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 2 describe intake.thread_links
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'thread_links', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Thread links: the deal a thread belongs to; a thread links to at most one deal.', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'thread_links';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Thread links: the deal a thread belongs to; a thread links to at most one deal.', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'thread_links';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'thread_links', N'COLUMN', N'thread_link_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'thread_links', @level2type = N'COLUMN', @level2name = N'thread_link_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'thread_links', @level2type = N'COLUMN', @level2name = N'thread_link_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'thread_links', N'COLUMN', N'workspace_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Workspace (tenant)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'thread_links', @level2type = N'COLUMN', @level2name = N'workspace_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Workspace (tenant)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'thread_links', @level2type = N'COLUMN', @level2name = N'workspace_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'thread_links', N'COLUMN', N'thread_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Linked thread', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'thread_links', @level2type = N'COLUMN', @level2name = N'thread_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Linked thread', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'thread_links', @level2type = N'COLUMN', @level2name = N'thread_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'thread_links', N'COLUMN', N'deal_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Deal the thread belongs to', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'thread_links', @level2type = N'COLUMN', @level2name = N'deal_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Deal the thread belongs to', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'thread_links', @level2type = N'COLUMN', @level2name = N'deal_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'thread_links', N'COLUMN', N'link_confidence'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Confidence that the link is right (0-1; 1 for a link a person made)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'thread_links', @level2type = N'COLUMN', @level2name = N'link_confidence';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Confidence that the link is right (0-1; 1 for a link a person made)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'thread_links', @level2type = N'COLUMN', @level2name = N'link_confidence';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'thread_links', N'COLUMN', N'link_reason'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Why the thread was linked (e.g. ''domain match'', ''chosen by reviewer'')', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'thread_links', @level2type = N'COLUMN', @level2name = N'link_reason';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Why the thread was linked (e.g. ''domain match'', ''chosen by reviewer'')', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'thread_links', @level2type = N'COLUMN', @level2name = N'link_reason';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'thread_links', N'COLUMN', N'created_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Creation timestamp', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'thread_links', @level2type = N'COLUMN', @level2name = N'created_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Creation timestamp', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'thread_links', @level2type = N'COLUMN', @level2name = N'created_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'thread_links', N'COLUMN', N'updated_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Last update timestamp', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'thread_links', @level2type = N'COLUMN', @level2name = N'updated_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Last update timestamp', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'thread_links', @level2type = N'COLUMN', @level2name = N'updated_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'thread_links', N'INDEX', N'UX_intake_thread_links_workspace_id_thread_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'One deal link per thread', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'thread_links', @level2type = N'INDEX', @level2name = N'UX_intake_thread_links_workspace_id_thread_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'One deal link per thread', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'thread_links', @level2type = N'INDEX', @level2name = N'UX_intake_thread_links_workspace_id_thread_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'thread_links', N'INDEX', N'IX_intake_thread_links_thread_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Link of a thread', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'thread_links', @level2type = N'INDEX', @level2name = N'IX_intake_thread_links_thread_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Link of a thread', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'thread_links', @level2type = N'INDEX', @level2name = N'IX_intake_thread_links_thread_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'thread_links', N'INDEX', N'IX_intake_thread_links_deal_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Threads of a deal', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'thread_links', @level2type = N'INDEX', @level2name = N'IX_intake_thread_links_deal_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Threads of a deal', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'thread_links', @level2type = N'INDEX', @level2name = N'IX_intake_thread_links_deal_id';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 3 table intake.association_candidates
-- Association candidates: unresolved multi-candidate link options, kept when a thread could belong to more than one deal.
CREATE TABLE intake.association_candidates (
    association_candidate_id bigint IDENTITY (1, 1) NOT NULL, -- Primary key
    workspace_id uniqueidentifier NOT NULL, -- Workspace (tenant)
    thread_id bigint NOT NULL, -- Thread to associate
    -- Candidate deals as a JSON array of {"deal_id", "confidence", "reason"} objects, best first
    candidates_json nvarchar(max) NOT NULL,
    -- Status: 'pending', 'resolved', 'dismissed'
    status varchar(16) NOT NULL CONSTRAINT DF_intake_association_candidates_status DEFAULT ('pending'),
    resolved_deal_id bigint NULL, -- Deal chosen when the candidates were resolved
    resolved_by varchar(320) NULL, -- Who resolved the candidates (email or principal name; NULL = the system)
    resolved_at datetime2 NULL, -- Time the candidates left 'pending'
    -- Creation timestamp
    created_at datetime2 NOT NULL CONSTRAINT DF_intake_association_candidates_created_at DEFAULT (SYSUTCDATETIME()),
    -- Last update timestamp
    updated_at datetime2 NOT NULL CONSTRAINT DF_intake_association_candidates_updated_at DEFAULT (SYSUTCDATETIME()),
    CONSTRAINT PK_intake_association_candidates PRIMARY KEY CLUSTERED (association_candidate_id),
    CONSTRAINT FK_intake_association_candidates_workspace_id_intake_workspaces FOREIGN KEY (workspace_id)
    REFERENCES intake.workspaces (workspace_id),
    CONSTRAINT FK_intake_association_candidates_thread_id_intake_threads FOREIGN KEY (workspace_id, thread_id)
    REFERENCES intake.threads (workspace_id, thread_id),
    CONSTRAINT FK_intake_association_candidates_resolved_deal_id_intake_deals FOREIGN KEY (workspace_id, resolved_deal_id)
    REFERENCES intake.deals (workspace_id, deal_id),
    CONSTRAINT CK_intake_association_candidates_candidates_json CHECK (ISJSON(candidates_json) = 1),
    CONSTRAINT CK_intake_association_candidates_status CHECK (status IN ('pending', 'resolved', 'dismissed')),
    -- Pending candidates have no resolution; resolved ones name their deal; resolved and dismissed ones have a time.
    CONSTRAINT CK_intake_association_candidates_resolved CHECK (
        (status = 'pending' AND resolved_at IS NULL AND resolved_deal_id IS NULL AND resolved_by IS NULL)
        OR (status = 'resolved' AND resolved_at IS NOT NULL AND resolved_deal_id IS NOT NULL)
        OR (status = 'dismissed' AND resolved_at IS NOT NULL AND resolved_deal_id IS NULL)
    )
);

CREATE NONCLUSTERED INDEX IX_intake_association_candidates_thread_id_status -- Candidates of a thread by status
    ON intake.association_candidates (thread_id, status);

-- Candidates of a workspace by status, oldest first
CREATE NONCLUSTERED INDEX IX_intake_association_candidates_workspace_id_status_created_at
    ON intake.association_candidates (workspace_id, status, created_at);

CREATE NONCLUSTERED INDEX IX_intake_association_candidates_resolved_deal_id -- Candidates resolved to a deal
    ON intake.association_candidates (resolved_deal_id)
    WHERE resolved_deal_id IS NOT NULL;
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 3 describe intake.association_candidates
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'association_candidates', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Association candidates: unresolved multi-candidate link options, kept when a thread could belong to more than one deal.', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'association_candidates';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Association candidates: unresolved multi-candidate link options, kept when a thread could belong to more than one deal.', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'association_candidates';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'association_candidates', N'COLUMN', N'association_candidate_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'association_candidates', @level2type = N'COLUMN', @level2name = N'association_candidate_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'association_candidates', @level2type = N'COLUMN', @level2name = N'association_candidate_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'association_candidates', N'COLUMN', N'workspace_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Workspace (tenant)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'association_candidates', @level2type = N'COLUMN', @level2name = N'workspace_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Workspace (tenant)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'association_candidates', @level2type = N'COLUMN', @level2name = N'workspace_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'association_candidates', N'COLUMN', N'thread_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Thread to associate', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'association_candidates', @level2type = N'COLUMN', @level2name = N'thread_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Thread to associate', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'association_candidates', @level2type = N'COLUMN', @level2name = N'thread_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'association_candidates', N'COLUMN', N'candidates_json'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Candidate deals as a JSON array of {"deal_id", "confidence", "reason"} objects, best first', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'association_candidates', @level2type = N'COLUMN', @level2name = N'candidates_json';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Candidate deals as a JSON array of {"deal_id", "confidence", "reason"} objects, best first', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'association_candidates', @level2type = N'COLUMN', @level2name = N'candidates_json';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'association_candidates', N'COLUMN', N'status'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Status: ''pending'', ''resolved'', ''dismissed''', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'association_candidates', @level2type = N'COLUMN', @level2name = N'status';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Status: ''pending'', ''resolved'', ''dismissed''', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'association_candidates', @level2type = N'COLUMN', @level2name = N'status';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'association_candidates', N'COLUMN', N'resolved_deal_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Deal chosen when the candidates were resolved', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'association_candidates', @level2type = N'COLUMN', @level2name = N'resolved_deal_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Deal chosen when the candidates were resolved', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'association_candidates', @level2type = N'COLUMN', @level2name = N'resolved_deal_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'association_candidates', N'COLUMN', N'resolved_by'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Who resolved the candidates (email or principal name; NULL = the system)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'association_candidates', @level2type = N'COLUMN', @level2name = N'resolved_by';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Who resolved the candidates (email or principal name; NULL = the system)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'association_candidates', @level2type = N'COLUMN', @level2name = N'resolved_by';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'association_candidates', N'COLUMN', N'resolved_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Time the candidates left ''pending''', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'association_candidates', @level2type = N'COLUMN', @level2name = N'resolved_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Time the candidates left ''pending''', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'association_candidates', @level2type = N'COLUMN', @level2name = N'resolved_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'association_candidates', N'COLUMN', N'created_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Creation timestamp', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'association_candidates', @level2type = N'COLUMN', @level2name = N'created_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Creation timestamp', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'association_candidates', @level2type = N'COLUMN', @level2name = N'created_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'association_candidates', N'COLUMN', N'updated_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Last update timestamp', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'association_candidates', @level2type = N'COLUMN', @level2name = N'updated_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Last update timestamp', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'association_candidates', @level2type = N'COLUMN', @level2name = N'updated_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'association_candidates', N'INDEX', N'IX_intake_association_candidates_thread_id_status'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Candidates of a thread by status', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'association_candidates', @level2type = N'INDEX', @level2name = N'IX_intake_association_candidates_thread_id_status';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Candidates of a thread by status', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'association_candidates', @level2type = N'INDEX', @level2name = N'IX_intake_association_candidates_thread_id_status';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'association_candidates', N'INDEX', N'IX_intake_association_candidates_workspace_id_status_created_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Candidates of a workspace by status, oldest first', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'association_candidates', @level2type = N'INDEX', @level2name = N'IX_intake_association_candidates_workspace_id_status_created_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Candidates of a workspace by status, oldest first', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'association_candidates', @level2type = N'INDEX', @level2name = N'IX_intake_association_candidates_workspace_id_status_created_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'association_candidates', N'INDEX', N'IX_intake_association_candidates_resolved_deal_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Candidates resolved to a deal', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'association_candidates', @level2type = N'INDEX', @level2name = N'IX_intake_association_candidates_resolved_deal_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Candidates resolved to a deal', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'association_candidates', @level2type = N'INDEX', @level2name = N'IX_intake_association_candidates_resolved_deal_id';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 4 table intake.deal_facts
-- Deal facts: normalized BANT evidence facts of a deal (budget, authority, need, timeline), one current fact per key.
CREATE TABLE intake.deal_facts (
    deal_fact_id bigint IDENTITY (1, 1) NOT NULL, -- Primary key
    workspace_id uniqueidentifier NOT NULL, -- Workspace (tenant)
    deal_id bigint NOT NULL, -- Deal the fact is about
    [key] varchar(64) NOT NULL, -- Fact key, as a lower-case name (e.g. 'budget', 'authority', 'need', 'timeline')
    value_json nvarchar(max) NOT NULL, -- Fact value as a JSON object (e.g. {"value": ...})
    confidence decimal(4, 3) NOT NULL, -- Confidence in the fact (0-1)
    evidence_json nvarchar(max) NULL, -- Evidence as a JSON array of {"message_row_id", "quote"} objects (NULL = none given)
    thread_id bigint NULL, -- Thread the fact was taken from (NULL = entered by hand or from the CRM)
    message_row_id bigint NULL, -- Message the fact was taken from (NULL = not from one message)
    created_at datetime2 NOT NULL CONSTRAINT DF_intake_deal_facts_created_at DEFAULT (SYSUTCDATETIME()), -- Creation timestamp
    updated_at datetime2 NOT NULL CONSTRAINT DF_intake_deal_facts_updated_at DEFAULT (SYSUTCDATETIME()), -- Last update timestamp
    CONSTRAINT PK_intake_deal_facts PRIMARY KEY CLUSTERED (deal_fact_id),
    CONSTRAINT FK_intake_deal_facts_workspace_id_intake_workspaces FOREIGN KEY (workspace_id)
    REFERENCES intake.workspaces (workspace_id),
    CONSTRAINT FK_intake_deal_facts_deal_id_intake_deals FOREIGN KEY (workspace_id, deal_id)
    REFERENCES intake.deals (workspace_id, deal_id),
    CONSTRAINT FK_intake_deal_facts_thread_id_intake_threads FOREIGN KEY (workspace_id, thread_id)
    REFERENCES intake.threads (workspace_id, thread_id),
    CONSTRAINT FK_intake_deal_facts_message_row_id_intake_messages FOREIGN KEY (workspace_id, message_row_id)
    REFERENCES intake.messages (workspace_id, message_row_id),
    CONSTRAINT CK_intake_deal_facts_key CHECK ([key] <> '' AND [key] NOT LIKE '%[^a-z0-9_]%'),
    CONSTRAINT CK_intake_deal_facts_value_json CHECK (ISJSON(value_json) = 1),
    CONSTRAINT CK_intake_deal_facts_confidence CHECK (confidence BETWEEN 0 AND 1),
    CONSTRAINT CK_intake_deal_facts_evidence_json CHECK (ISJSON(evidence_json) = 1),
    CONSTRAINT CK_intake_deal_facts_source CHECK (message_row_id IS NULL OR thread_id IS NOT NULL)
);

CREATE UNIQUE NONCLUSTERED INDEX UX_intake_deal_facts_workspace_id_deal_id_key -- One current fact per key of a deal
    ON intake.deal_facts (workspace_id, deal_id, [key]);

CREATE NONCLUSTERED INDEX IX_intake_deal_facts_deal_id ON intake.deal_facts (deal_id); -- Facts of a deal

CREATE NONCLUSTERED INDEX IX_intake_deal_facts_thread_id -- Facts taken from a thread
    ON intake.deal_facts (thread_id)
    WHERE thread_id IS NOT NULL;

CREATE NONCLUSTERED INDEX IX_intake_deal_facts_message_row_id -- Facts taken from a message
    ON intake.deal_facts (message_row_id)
    WHERE message_row_id IS NOT NULL;
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 4 describe intake.deal_facts
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'deal_facts', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Deal facts: normalized BANT evidence facts of a deal (budget, authority, need, timeline), one current fact per key.', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deal_facts';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Deal facts: normalized BANT evidence facts of a deal (budget, authority, need, timeline), one current fact per key.', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deal_facts';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'deal_facts', N'COLUMN', N'deal_fact_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deal_facts', @level2type = N'COLUMN', @level2name = N'deal_fact_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deal_facts', @level2type = N'COLUMN', @level2name = N'deal_fact_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'deal_facts', N'COLUMN', N'workspace_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Workspace (tenant)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deal_facts', @level2type = N'COLUMN', @level2name = N'workspace_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Workspace (tenant)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deal_facts', @level2type = N'COLUMN', @level2name = N'workspace_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'deal_facts', N'COLUMN', N'deal_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Deal the fact is about', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deal_facts', @level2type = N'COLUMN', @level2name = N'deal_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Deal the fact is about', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deal_facts', @level2type = N'COLUMN', @level2name = N'deal_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'deal_facts', N'COLUMN', N'key'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Fact key, as a lower-case name (e.g. ''budget'', ''authority'', ''need'', ''timeline'')', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deal_facts', @level2type = N'COLUMN', @level2name = N'key';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Fact key, as a lower-case name (e.g. ''budget'', ''authority'', ''need'', ''timeline'')', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deal_facts', @level2type = N'COLUMN', @level2name = N'key';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'deal_facts', N'COLUMN', N'value_json'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Fact value as a JSON object (e.g. {"value": ...})', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deal_facts', @level2type = N'COLUMN', @level2name = N'value_json';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Fact value as a JSON object (e.g. {"value": ...})', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deal_facts', @level2type = N'COLUMN', @level2name = N'value_json';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'deal_facts', N'COLUMN', N'confidence'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Confidence in the fact (0-1)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deal_facts', @level2type = N'COLUMN', @level2name = N'confidence';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Confidence in the fact (0-1)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deal_facts', @level2type = N'COLUMN', @level2name = N'confidence';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'deal_facts', N'COLUMN', N'evidence_json'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Evidence as a JSON array of {"message_row_id", "quote"} objects (NULL = none given)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deal_facts', @level2type = N'COLUMN', @level2name = N'evidence_json';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Evidence as a JSON array of {"message_row_id", "quote"} objects (NULL = none given)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deal_facts', @level2type = N'COLUMN', @level2name = N'evidence_json';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'deal_facts', N'COLUMN', N'thread_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Thread the fact was taken from (NULL = entered by hand or from the CRM)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deal_facts', @level2type = N'COLUMN', @level2name = N'thread_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Thread the fact was taken from (NULL = entered by hand or from the CRM)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deal_facts', @level2type = N'COLUMN', @level2name = N'thread_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'deal_facts', N'COLUMN', N'message_row_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Message the fact was taken from (NULL = not from one message)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deal_facts', @level2type = N'COLUMN', @level2name = N'message_row_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Message the fact was taken from (NULL = not from one message)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deal_facts', @level2type = N'COLUMN', @level2name = N'message_row_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'deal_facts', N'COLUMN', N'created_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Creation timestamp', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deal_facts', @level2type = N'COLUMN', @level2name = N'created_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Creation timestamp', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deal_facts', @level2type = N'COLUMN', @level2name = N'created_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'deal_facts', N'COLUMN', N'updated_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Last update timestamp', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deal_facts', @level2type = N'COLUMN', @level2name = N'updated_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Last update timestamp', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deal_facts', @level2type = N'COLUMN', @level2name = N'updated_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'deal_facts', N'INDEX', N'UX_intake_deal_facts_workspace_id_deal_id_key'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'One current fact per key of a deal', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deal_facts', @level2type = N'INDEX', @level2name = N'UX_intake_deal_facts_workspace_id_deal_id_key';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'One current fact per key of a deal', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deal_facts', @level2type = N'INDEX', @level2name = N'UX_intake_deal_facts_workspace_id_deal_id_key';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'deal_facts', N'INDEX', N'IX_intake_deal_facts_deal_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Facts of a deal', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deal_facts', @level2type = N'INDEX', @level2name = N'IX_intake_deal_facts_deal_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Facts of a deal', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deal_facts', @level2type = N'INDEX', @level2name = N'IX_intake_deal_facts_deal_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'deal_facts', N'INDEX', N'IX_intake_deal_facts_thread_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Facts taken from a thread', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deal_facts', @level2type = N'INDEX', @level2name = N'IX_intake_deal_facts_thread_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Facts taken from a thread', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deal_facts', @level2type = N'INDEX', @level2name = N'IX_intake_deal_facts_thread_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'deal_facts', N'INDEX', N'IX_intake_deal_facts_message_row_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Facts taken from a message', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deal_facts', @level2type = N'INDEX', @level2name = N'IX_intake_deal_facts_message_row_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Facts taken from a message', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deal_facts', @level2type = N'INDEX', @level2name = N'IX_intake_deal_facts_message_row_id';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 5 table intake.deal_readiness
-- Deal readiness: the aggregate of a deal's facts against a qualification framework (e.g. BANT), one row per deal and framework.
CREATE TABLE intake.deal_readiness (
    deal_readiness_id bigint IDENTITY (1, 1) NOT NULL, -- Primary key
    workspace_id uniqueidentifier NOT NULL, -- Workspace (tenant)
    deal_id bigint NOT NULL, -- Deal assessed
    framework varchar(16) NOT NULL, -- Qualification framework, as a lower-case name (e.g. 'bant')
    missing_keys nvarchar(1000) NOT NULL, -- Fact keys the framework needs that the deal lacks, as a JSON array of strings
    readiness_score decimal(4, 3) NOT NULL, -- Share of the framework the deal's facts satisfy (0-1)
    created_at datetime2 NOT NULL CONSTRAINT DF_intake_deal_readiness_created_at DEFAULT (SYSUTCDATETIME()), -- Creation timestamp
    -- Last recomputation timestamp
    updated_at datetime2 NOT NULL CONSTRAINT DF_intake_deal_readiness_updated_at DEFAULT (SYSUTCDATETIME()),
    CONSTRAINT PK_intake_deal_readiness PRIMARY KEY CLUSTERED (deal_readiness_id),
    CONSTRAINT FK_intake_deal_readiness_workspace_id_intake_workspaces FOREIGN KEY (workspace_id)
    REFERENCES intake.workspaces (workspace_id),
    CONSTRAINT FK_intake_deal_readiness_deal_id_intake_deals FOREIGN KEY (workspace_id, deal_id)
    REFERENCES intake.deals (workspace_id, deal_id),
    CONSTRAINT CK_intake_deal_readiness_framework CHECK (framework <> '' AND framework NOT LIKE '%[^a-z0-9_]%'),
    CONSTRAINT CK_intake_deal_readiness_missing_keys CHECK (ISJSON(missing_keys) = 1),
    CONSTRAINT CK_intake_deal_readiness_readiness_score CHECK (readiness_score BETWEEN 0 AND 1)
);

CREATE UNIQUE NONCLUSTERED INDEX UX_intake_deal_readiness_workspace_id_deal_id_framework -- One row per deal and framework
    ON intake.deal_readiness (workspace_id, deal_id, framework);
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 5 describe intake.deal_readiness
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'deal_readiness', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Deal readiness: the aggregate of a deal''s facts against a qualification framework (e.g. BANT), one row per deal and framework.', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deal_readiness';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Deal readiness: the aggregate of a deal''s facts against a qualification framework (e.g. BANT), one row per deal and framework.', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deal_readiness';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'deal_readiness', N'COLUMN', N'deal_readiness_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deal_readiness', @level2type = N'COLUMN', @level2name = N'deal_readiness_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deal_readiness', @level2type = N'COLUMN', @level2name = N'deal_readiness_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'deal_readiness', N'COLUMN', N'workspace_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Workspace (tenant)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deal_readiness', @level2type = N'COLUMN', @level2name = N'workspace_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Workspace (tenant)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deal_readiness', @level2type = N'COLUMN', @level2name = N'workspace_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'deal_readiness', N'COLUMN', N'deal_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Deal assessed', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deal_readiness', @level2type = N'COLUMN', @level2name = N'deal_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Deal assessed', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deal_readiness', @level2type = N'COLUMN', @level2name = N'deal_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'deal_readiness', N'COLUMN', N'framework'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Qualification framework, as a lower-case name (e.g. ''bant'')', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deal_readiness', @level2type = N'COLUMN', @level2name = N'framework';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Qualification framework, as a lower-case name (e.g. ''bant'')', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deal_readiness', @level2type = N'COLUMN', @level2name = N'framework';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'deal_readiness', N'COLUMN', N'missing_keys'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Fact keys the framework needs that the deal lacks, as a JSON array of strings', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deal_readiness', @level2type = N'COLUMN', @level2name = N'missing_keys';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Fact keys the framework needs that the deal lacks, as a JSON array of strings', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deal_readiness', @level2type = N'COLUMN', @level2name = N'missing_keys';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'deal_readiness', N'COLUMN', N'readiness_score'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Share of the framework the deal''s facts satisfy (0-1)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deal_readiness', @level2type = N'COLUMN', @level2name = N'readiness_score';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Share of the framework the deal''s facts satisfy (0-1)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deal_readiness', @level2type = N'COLUMN', @level2name = N'readiness_score';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'deal_readiness', N'COLUMN', N'created_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Creation timestamp', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deal_readiness', @level2type = N'COLUMN', @level2name = N'created_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Creation timestamp', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deal_readiness', @level2type = N'COLUMN', @level2name = N'created_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'deal_readiness', N'COLUMN', N'updated_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Last recomputation timestamp', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deal_readiness', @level2type = N'COLUMN', @level2name = N'updated_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Last recomputation timestamp', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deal_readiness', @level2type = N'COLUMN', @level2name = N'updated_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'deal_readiness', N'INDEX', N'UX_intake_deal_readiness_workspace_id_deal_id_framework'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'One row per deal and framework', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deal_readiness', @level2type = N'INDEX', @level2name = N'UX_intake_deal_readiness_workspace_id_deal_id_framework';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'One row per deal and framework', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'deal_readiness', @level2type = N'INDEX', @level2name = N'UX_intake_deal_readiness_workspace_id_deal_id_framework';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 6 columns intake.crm_write_log columns deal_id
ALTER TABLE intake.crm_write_log ADD
    deal_id bigint NULL; -- Deal the write is about (NULL = not about a mirrored deal, e.g. it creates one)
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 6 columns intake.crm_write_log columns deal_id
ALTER TABLE intake.crm_write_log WITH CHECK ADD
    CONSTRAINT FK_intake_crm_write_log_deal_id_intake_deals FOREIGN KEY (workspace_id, deal_id)
    REFERENCES intake.deals (workspace_id, deal_id);
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 6 describe intake.crm_write_log columns deal_id
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'crm_write_log', N'COLUMN', N'deal_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Deal the write is about (NULL = not about a mirrored deal, e.g. it creates one)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'crm_write_log', @level2type = N'COLUMN', @level2name = N'deal_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Deal the write is about (NULL = not about a mirrored deal, e.g. it creates one)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'crm_write_log', @level2type = N'COLUMN', @level2name = N'deal_id';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 7 index intake.crm_write_log index IX_intake_crm_write_log_deal_id
CREATE NONCLUSTERED INDEX IX_intake_crm_write_log_deal_id -- CRM writes about a deal
    ON intake.crm_write_log (deal_id)
    WHERE deal_id IS NOT NULL;
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 7 describe intake.crm_write_log index IX_intake_crm_write_log_deal_id
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'crm_write_log', N'INDEX', N'IX_intake_crm_write_log_deal_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'CRM writes about a deal', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'crm_write_log', @level2type = N'INDEX', @level2name = N'IX_intake_crm_write_log_deal_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'CRM writes about a deal', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'crm_write_log', @level2type = N'INDEX', @level2name = N'IX_intake_crm_write_log_deal_id';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 8 module intake.sp_record_crm_write
-- Records a CRM write in the idempotent write log, once per workspace, CRM and idempotency key.
--
-- The first call for a key inserts the write with status 'pending', or 'dry_run' when @dry_run = 1, and returns it
-- with is_replay = 0. A repeat with the same payload hash (and the same dry-run mode) returns the first row
-- unchanged with is_replay = 1 and writes nothing. A repeat with another payload hash is a conflict (50250, naming
-- the first 12 characters of both hashes); a repeat whose @dry_run differs from the first call's is refused too
-- (50251): a key used for a dry run never turns into a real write, the real write needs a key of its own. Neither
-- writes anything. The key lookup runs inside the transaction under UPDLOCK, HOLDLOCK, so concurrent calls for one
-- key run one after the other; the unique index UX_intake_crm_write_log_workspace_id_crm_idempotency_key is the
-- last line of defence: when the procedure owns the transaction, its violation is answered by reading the key's
-- row again (a replay or a conflict, as above).
-- @crm, @action and @payload_hash are stored in lower case; the key is compared as the column's collation compares.
-- Audit event, in the same transaction and on insert only: 'crm.write_recorded' (thread_id of the write; data
-- crm_write_id, crm, action, status, idempotency_key, deal_id).
-- Returns the write's row and is_replay.
-- Errors (docs/errors.md), raised before anything is written:
--   50242 unknown workspace, 50243 @crm or @action not a lower-case name of 1-32 letters, digits and underscores,
--   50244 @idempotency_key empty, longer than 200 characters or not plain text, 50245 @payload_hash not 64 hex
--   digits, 50246 @request_json not a JSON object, 50247 thread not of the workspace, 50248 deal not of the
--   workspace, 50249 @dry_run NULL, 50250 the key was recorded with another payload hash, 50251 the key was recorded
--   in the other dry-run mode.
CREATE OR ALTER PROCEDURE intake.sp_record_crm_write
    @workspace_id uniqueidentifier,
    @crm varchar(100),
    @action varchar(100),
    @idempotency_key nvarchar(400),
    @payload_hash varchar(100),
    @thread_id bigint = NULL,
    @deal_id bigint = NULL,
    @request_json nvarchar(max) = NULL,
    @dry_run bit = 0,
    @actor varchar(320) = NULL
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    DECLARE @now datetime2 = SYSUTCDATETIME();
    DECLARE @outer_trancount int = @@TRANCOUNT;
    DECLARE @attempt int = 0;
    DECLARE @done bit = 0;
    DECLARE @json_type tinyint;
    DECLARE @key varchar(200);
    DECLARE @status varchar(16);
    DECLARE @crm_write_id bigint;
    DECLARE @existing_hash char(64);
    DECLARE @existing_status varchar(16);
    DECLARE @is_replay bit = 0;
    DECLARE @message nvarchar(2048);
    DECLARE @data nvarchar(max);

    BEGIN TRY
        SET @crm = LOWER(LTRIM(RTRIM(@crm)));
        SET @action = LOWER(LTRIM(RTRIM(@action)));
        SET @payload_hash = LOWER(LTRIM(RTRIM(@payload_hash)));

        IF NOT EXISTS (SELECT 1 FROM intake.workspaces AS w WHERE w.workspace_id = @workspace_id)
            THROW 50242, N'sp_record_crm_write: @workspace_id does not name a workspace.', 1;
        IF
            NULLIF(@crm, '') IS NULL OR LEN(@crm) > 32
            OR @crm COLLATE Latin1_General_BIN2 LIKE '%[^a-z0-9_]%'
            THROW 50243, N'sp_record_crm_write: @crm must be a lower-case name of 1 to 32 letters, digits and underscores.', 1;
        IF
            NULLIF(@action, '') IS NULL OR LEN(@action) > 32
            OR @action COLLATE Latin1_General_BIN2 LIKE '%[^a-z0-9_]%'
            THROW 50243, N'sp_record_crm_write: @action must be a lower-case name of 1 to 32 letters, digits and underscores.', 1;
        -- The key is stored as varchar(200): refuse what would be cut or changed on the way rather than merge two keys.
        SET @key = CONVERT(varchar(200), @idempotency_key);
        IF
            NULLIF(LTRIM(@idempotency_key), N'') IS NULL
            OR LEN(@idempotency_key) > 200
            OR CONVERT(nvarchar(400), @key) COLLATE Latin1_General_BIN2 <> @idempotency_key COLLATE Latin1_General_BIN2
            THROW 50244, N'sp_record_crm_write: @idempotency_key must be 1 to 200 characters of the varchar code page.', 1;
        IF
            @payload_hash IS NULL OR LEN(@payload_hash) <> 64
            OR @payload_hash COLLATE Latin1_General_BIN2 LIKE '%[^0-9a-f]%'
            THROW 50245, N'sp_record_crm_write: @payload_hash must be a SHA-256 as 64 hexadecimal digits.', 1;
        IF @request_json IS NOT NULL
            BEGIN
                SET @json_type = NULL;
                IF ISJSON(@request_json) = 1
                    SELECT @json_type = j.type
                    FROM OPENJSON(CONCAT(N'{"v":', @request_json, N'}')) AS j
                    WHERE j.[key] = N'v';
                IF @json_type IS NULL OR @json_type <> 5
                    THROW 50246, N'sp_record_crm_write: @request_json must be a JSON object.', 1;
            END;
        IF
            @thread_id IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM intake.threads AS t
                WHERE t.workspace_id = @workspace_id AND t.thread_id = @thread_id
            )
            THROW 50247, N'sp_record_crm_write: @thread_id is not a thread of @workspace_id.', 1;
        IF
            @deal_id IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM intake.deals AS d
                WHERE d.workspace_id = @workspace_id AND d.deal_id = @deal_id
            )
            THROW 50248, N'sp_record_crm_write: @deal_id is not a deal of @workspace_id.', 1;
        IF @dry_run IS NULL
            THROW 50249, N'sp_record_crm_write: @dry_run must be 0 or 1.', 1;

        SET @status = CASE WHEN @dry_run = 1 THEN 'dry_run' ELSE 'pending' END;

        -- One retry: a unique-key violation by a writer that bypassed the lock is answered by the key lookup.
        WHILE @done = 0
            BEGIN
                BEGIN TRY
                    SET @crm_write_id = NULL;
                    SET @existing_hash = NULL;
                    SET @existing_status = NULL;
                    SET @is_replay = 0;

                    BEGIN TRANSACTION;

                    -- The key, locked so that concurrent calls for it run one after the other.
                    SELECT
                        @crm_write_id = l.crm_write_id,
                        @existing_hash = l.payload_hash,
                        @existing_status = l.status
                    FROM intake.crm_write_log AS l WITH (UPDLOCK, HOLDLOCK)
                    WHERE l.workspace_id = @workspace_id AND l.crm = @crm AND l.idempotency_key = @key;

                    IF @crm_write_id IS NOT NULL
                        BEGIN
                            IF @existing_hash COLLATE Latin1_General_BIN2 <> @payload_hash COLLATE Latin1_General_BIN2
                                BEGIN
                                    SET @message = CONCAT(
                                        N'sp_record_crm_write: idempotency key ', @key, N' of crm ', @crm,
                                        N' was recorded as write ', @crm_write_id, N' with payload hash ',
                                        LEFT(@existing_hash, 12), N'..., not ', LEFT(@payload_hash, 12),
                                        N'...; a changed payload needs a new idempotency key.'
                                    );
                                    THROW 50250, @message, 1;
                                END;
                            IF
                                (@existing_status = 'dry_run' AND @dry_run = 0)
                                OR (@existing_status <> 'dry_run' AND @dry_run = 1)
                                BEGIN
                                    SET @message = CONCAT(
                                        N'sp_record_crm_write: idempotency key ', @key, N' of crm ', @crm,
                                        N' was recorded as write ', @crm_write_id,
                                        CASE
                                            WHEN @existing_status = 'dry_run' THEN N' for a dry run; a real write'
                                            ELSE N' for a real write; a dry run'
                                        END,
                                        N' needs an idempotency key of its own.'
                                    );
                                    THROW 50251, @message, 1;
                                END;
                            SET @is_replay = 1;
                        END
                    ELSE
                        BEGIN
                            INSERT INTO intake.crm_write_log (
                                workspace_id, thread_id, deal_id, crm, action, idempotency_key, payload_hash, status,
                                request_json, created_at, updated_at
                            )
                            VALUES (
                                @workspace_id, @thread_id, @deal_id, @crm, @action, @key, @payload_hash, @status,
                                @request_json, @now, @now
                            );
                            SET @crm_write_id = SCOPE_IDENTITY();

                            SET @data = CONCAT(
                                N'{"crm_write_id":', @crm_write_id,
                                N',"crm":"', @crm,
                                N'","action":"', @action,
                                N'","status":"', @status,
                                N'","idempotency_key":"', STRING_ESCAPE(@key, 'json'),
                                N'","deal_id":', COALESCE(CONVERT(varchar(20), @deal_id), 'null'), N'}'
                            );
                            INSERT INTO intake.audit_events (workspace_id, thread_id, type, data_json, actor, created_at)
                            VALUES (@workspace_id, @thread_id, 'crm.write_recorded', @data, @actor, @now);
                        END;

                    COMMIT TRANSACTION;
                    SET @done = 1;
                END TRY
                BEGIN CATCH
                    IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
                    -- Retry once, and only when this call owned the transaction (a caller's one is gone now).
                    IF
                        ERROR_NUMBER() IN (2601, 2627)
                        AND ERROR_MESSAGE() LIKE N'%UX[_]intake[_]crm[_]write[_]log[_]workspace[_]id[_]crm[_]idempotency[_]key%'
                        AND @outer_trancount = 0
                        AND @attempt = 0
                        SET @attempt = 1;
                    ELSE
                        THROW;
                END CATCH;
            END;

        SELECT
            l.crm_write_id,
            l.workspace_id,
            l.thread_id,
            l.deal_id,
            l.crm,
            l.action,
            l.idempotency_key,
            l.payload_hash,
            l.status,
            l.request_json,
            l.response_json,
            l.crm_object_id,
            l.error,
            l.created_at,
            l.updated_at,
            @is_replay AS is_replay
        FROM intake.crm_write_log AS l
        WHERE l.crm_write_id = @crm_write_id;
    END TRY
    BEGIN CATCH
        IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
        THROW;
    END CATCH;
END;
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 8 describe intake.sp_record_crm_write
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'PROCEDURE', N'sp_record_crm_write', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Records a CRM write in the idempotent write log, once per workspace, CRM and idempotency key.', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'PROCEDURE', @level1name = N'sp_record_crm_write';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Records a CRM write in the idempotent write log, once per workspace, CRM and idempotency key.', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'PROCEDURE', @level1name = N'sp_record_crm_write';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 9 module intake.sp_finish_crm_write
-- Records the outcome of a pending CRM write: 'succeeded', 'failed' or 'skipped', once.
--
-- The write's row is locked (UPDLOCK, HOLDLOCK) before its status is checked, so concurrent finishes of one write
-- run one after the other and only the first one succeeds. Only a 'pending' write is finished: a dry run never is
-- (50257), and a finished write keeps its first outcome (50258). Sets status, response_json, crm_object_id, error
-- and updated_at = now; a failed write needs @error (the table's rule).
-- Audit event, in the same transaction: 'crm.write_finished' (thread_id of the write; data crm_write_id, crm,
-- action, status, crm_object_id).
-- Returns the write's row.
-- Errors (docs/errors.md), raised before anything is written:
--   50252 unknown workspace, 50253 @status not succeeded, failed or skipped, 50254 a failed write without @error,
--   50255 @response_json not a JSON object, 50256 @crm_write_id not a write of the workspace, 50257 the write is a
--   dry run, 50258 the write is finished already.
CREATE OR ALTER PROCEDURE intake.sp_finish_crm_write
    @workspace_id uniqueidentifier,
    @crm_write_id bigint,
    @status varchar(16),
    @response_json nvarchar(max) = NULL,
    @crm_object_id varchar(128) = NULL,
    @error nvarchar(4000) = NULL,
    @actor varchar(320) = NULL
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    DECLARE @now datetime2 = SYSUTCDATETIME();
    DECLARE @json_type tinyint;
    DECLARE @current_status varchar(16);
    DECLARE @thread_id bigint;
    DECLARE @crm varchar(32);
    DECLARE @action varchar(32);
    DECLARE @message nvarchar(2048);
    DECLARE @data nvarchar(max);

    BEGIN TRY
        SET @status = LOWER(LTRIM(RTRIM(@status)));
        SET @crm_object_id = NULLIF(LTRIM(RTRIM(@crm_object_id)), '');
        SET @error = NULLIF(LTRIM(RTRIM(@error)), N'');

        IF NOT EXISTS (SELECT 1 FROM intake.workspaces AS w WHERE w.workspace_id = @workspace_id)
            THROW 50252, N'sp_finish_crm_write: @workspace_id does not name a workspace.', 1;
        IF @status IS NULL OR @status NOT IN ('succeeded', 'failed', 'skipped')
            THROW 50253, N'sp_finish_crm_write: @status must be succeeded, failed or skipped.', 1;
        IF @status = 'failed' AND @error IS NULL
            THROW 50254, N'sp_finish_crm_write: a failed write needs @error.', 1;
        IF @response_json IS NOT NULL
            BEGIN
                SET @json_type = NULL;
                IF ISJSON(@response_json) = 1
                    SELECT @json_type = j.type
                    FROM OPENJSON(CONCAT(N'{"v":', @response_json, N'}')) AS j
                    WHERE j.[key] = N'v';
                IF @json_type IS NULL OR @json_type <> 5
                    THROW 50255, N'sp_finish_crm_write: @response_json must be a JSON object.', 1;
            END;

        BEGIN TRANSACTION;

        -- The write, locked: concurrent finishes of one write run one after the other.
        SELECT
            @current_status = l.status,
            @thread_id = l.thread_id,
            @crm = l.crm,
            @action = l.action
        FROM intake.crm_write_log AS l WITH (UPDLOCK, HOLDLOCK)
        WHERE l.workspace_id = @workspace_id AND l.crm_write_id = @crm_write_id;

        IF @current_status IS NULL
            THROW 50256, N'sp_finish_crm_write: @crm_write_id is not a CRM write of @workspace_id.', 1;
        IF @current_status = 'dry_run'
            BEGIN
                SET @message = CONCAT(
                    N'sp_finish_crm_write: write ', @crm_write_id, N' is a dry run; a dry run has no outcome to record.'
                );
                THROW 50257, @message, 1;
            END;
        IF @current_status <> 'pending'
            BEGIN
                SET @message = CONCAT(
                    N'sp_finish_crm_write: write ', @crm_write_id, N' is finished already (', @current_status,
                    N'); only a pending write can be finished.'
                );
                THROW 50258, @message, 1;
            END;

        UPDATE l
        SET
            l.status = @status,
            l.response_json = @response_json,
            l.crm_object_id = @crm_object_id,
            l.error = @error,
            l.updated_at = @now
        FROM intake.crm_write_log AS l
        WHERE l.workspace_id = @workspace_id AND l.crm_write_id = @crm_write_id;

        SET @data = CONCAT(
            N'{"crm_write_id":', @crm_write_id,
            N',"crm":"', @crm,
            N'","action":"', @action,
            N'","status":"', @status,
            N'","crm_object_id":',
            CASE WHEN @crm_object_id IS NULL THEN N'null' ELSE CONCAT(N'"', STRING_ESCAPE(@crm_object_id, 'json'), N'"') END,
            N'}'
        );
        INSERT INTO intake.audit_events (workspace_id, thread_id, type, data_json, actor, created_at)
        VALUES (@workspace_id, @thread_id, 'crm.write_finished', @data, @actor, @now);

        COMMIT TRANSACTION;

        SELECT
            l.crm_write_id,
            l.workspace_id,
            l.thread_id,
            l.deal_id,
            l.crm,
            l.action,
            l.idempotency_key,
            l.payload_hash,
            l.status,
            l.request_json,
            l.response_json,
            l.crm_object_id,
            l.error,
            l.created_at,
            l.updated_at
        FROM intake.crm_write_log AS l
        WHERE l.crm_write_id = @crm_write_id;
    END TRY
    BEGIN CATCH
        IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
        THROW;
    END CATCH;
END;
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 9 describe intake.sp_finish_crm_write
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'PROCEDURE', N'sp_finish_crm_write', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Records the outcome of a pending CRM write: ''succeeded'', ''failed'' or ''skipped'', once.', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'PROCEDURE', @level1name = N'sp_finish_crm_write';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Records the outcome of a pending CRM write: ''succeeded'', ''failed'' or ''skipped'', once.', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'PROCEDURE', @level1name = N'sp_finish_crm_write';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 10 module intake.sp_upsert_deal
-- Creates or updates a workspace's mirror row of one CRM deal (intake.deals), found by workspace, CRM and CRM deal id.
--
-- @crm is trimmed and read case-insensitively (stored lower-case: a-z, 0-9, '_', up to 32 characters);
-- @crm_deal_id is trimmed (up to 128 characters; compared as the unique index compares it, in the database
-- collation); @title is trimmed and required (up to 400). The row mirrors the CRM: an existing row takes every
-- value given, so a NULL @stage, @primary_domain or @owner_user_id clears the stored one (the CRM has none).
-- @primary_domain is trimmed and lower-cased (a-z, 0-9, '.', '-', up to 253; empty = NULL), @owner_user_id trimmed
-- (up to 128; empty = NULL), @stage trimmed (up to 100; empty = NULL). Every call sets last_synced_at and
-- updated_at to now. The lookup runs under UPDLOCK, HOLDLOCK, so concurrent calls for one deal create one row.
-- No audit event (the CRM sync calls it for every deal it reads).
-- Returns the deal's row and created (1 when this call inserted it).
-- Errors (docs/errors.md), raised before anything is written:
--   50260 unknown workspace, 50261 @crm missing or not a lower-case name of up to 32 characters,
--   50262 @crm_deal_id missing, empty or over 128 characters, 50263 @title missing, empty or over 400 characters,
--   50264 @stage over 100 or @owner_user_id over 128 characters, 50265 @primary_domain not a domain name.
CREATE OR ALTER PROCEDURE intake.sp_upsert_deal
    @workspace_id uniqueidentifier,
    @crm varchar(max),
    @crm_deal_id varchar(max),
    @title nvarchar(max),
    @stage nvarchar(max) = NULL,
    @primary_domain varchar(max) = NULL,
    @owner_user_id varchar(max) = NULL
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    DECLARE @now datetime2 = SYSUTCDATETIME();
    DECLARE @deal_id bigint;
    DECLARE @created bit = 0;

    BEGIN TRY
        SET @crm = LOWER(LTRIM(RTRIM(@crm)));
        SET @crm_deal_id = NULLIF(LTRIM(RTRIM(@crm_deal_id)), '');
        SET @title = NULLIF(LTRIM(RTRIM(@title)), N'');
        SET @stage = NULLIF(LTRIM(RTRIM(@stage)), N'');
        SET @primary_domain = NULLIF(LOWER(LTRIM(RTRIM(@primary_domain))), '');
        SET @owner_user_id = NULLIF(LTRIM(RTRIM(@owner_user_id)), '');

        IF NOT EXISTS (SELECT 1 FROM intake.workspaces AS w WHERE w.workspace_id = @workspace_id)
            THROW 50260, N'sp_upsert_deal: @workspace_id does not name a workspace.', 1;
        IF
            @crm IS NULL
            OR @crm = ''
            OR LEN(@crm) > 32
            OR @crm COLLATE Latin1_General_100_BIN2 LIKE '%[^a-z0-9_]%'
            THROW 50261, N'sp_upsert_deal: @crm must be a CRM name of a-z, 0-9 and _ (up to 32 characters).', 1;
        IF @crm_deal_id IS NULL OR LEN(@crm_deal_id) > 128
            THROW 50262, N'sp_upsert_deal: @crm_deal_id is required (up to 128 characters).', 1;
        IF @title IS NULL OR LEN(@title) > 400
            THROW 50263, N'sp_upsert_deal: @title is required (up to 400 characters).', 1;
        IF LEN(@stage) > 100 OR LEN(@owner_user_id) > 128
            THROW 50264, N'sp_upsert_deal: @stage is longer than 100 or @owner_user_id longer than 128 characters.', 1;
        IF
            LEN(@primary_domain) > 253
            OR @primary_domain COLLATE Latin1_General_100_BIN2 LIKE '%[^a-z0-9.-]%'
            OR @primary_domain NOT LIKE '%_._%'
            OR @primary_domain LIKE '%..%'
            OR LEFT(@primary_domain, 1) IN ('.', '-')
            OR RIGHT(@primary_domain, 1) IN ('.', '-')
            THROW 50265, N'sp_upsert_deal: @primary_domain must be a lower-case domain name such as example.com.', 1;

        BEGIN TRANSACTION;

        SELECT @deal_id = d.deal_id
        FROM intake.deals AS d WITH (UPDLOCK, HOLDLOCK)
        WHERE d.workspace_id = @workspace_id AND d.crm = @crm AND d.crm_deal_id = @crm_deal_id;

        IF @deal_id IS NULL
            BEGIN
                INSERT INTO intake.deals (
                    workspace_id, crm, crm_deal_id, title, stage, primary_domain, owner_user_id, last_synced_at,
                    created_at, updated_at
                )
                VALUES (
                    @workspace_id, @crm, @crm_deal_id, @title, @stage, @primary_domain, @owner_user_id, @now, @now, @now
                );
                SET @deal_id = SCOPE_IDENTITY();
                SET @created = 1;
            END
        ELSE
            UPDATE d
            SET
                d.title = @title,
                d.stage = @stage,
                d.primary_domain = @primary_domain,
                d.owner_user_id = @owner_user_id,
                d.last_synced_at = @now,
                d.updated_at = @now
            FROM intake.deals AS d
            WHERE d.deal_id = @deal_id;

        COMMIT TRANSACTION;

        SELECT
            d.deal_id,
            d.workspace_id,
            d.crm,
            d.crm_deal_id,
            d.title,
            d.stage,
            d.primary_domain,
            d.owner_user_id,
            d.last_synced_at,
            d.created_at,
            d.updated_at,
            @created AS created
        FROM intake.deals AS d
        WHERE d.deal_id = @deal_id;
    END TRY
    BEGIN CATCH
        IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
        THROW;
    END CATCH;
END;
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 10 describe intake.sp_upsert_deal
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'PROCEDURE', N'sp_upsert_deal', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Creates or updates a workspace''s mirror row of one CRM deal (intake.deals), found by workspace, CRM and CRM deal id.', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'PROCEDURE', @level1name = N'sp_upsert_deal';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Creates or updates a workspace''s mirror row of one CRM deal (intake.deals), found by workspace, CRM and CRM deal id.', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'PROCEDURE', @level1name = N'sp_upsert_deal';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 11 module intake.sp_link_thread_to_deal
-- Links a thread to a deal of its workspace: one deal link per thread (intake.thread_links).
--
-- An unlinked thread gets a new link ('created'); linking it to the deal it is linked to already updates the link's
-- confidence and reason ('updated'); a thread linked to another deal is moved to @deal_id only when @replace = 1
-- ('replaced'), else 50271 and nothing changes. @link_confidence is 0-1 (1 for a link a person made); @link_reason
-- is trimmed and required. Every link also resolves the thread's pending association candidates
-- (intake.association_candidates, status 'pending' -> 'resolved', resolved_deal_id = @deal_id,
-- resolved_by = @actor, resolved_at = now), and writes one audit event 'deal.thread_linked' (intake.audit_events:
-- thread_id, actor = @actor, data_json {thread_link_id, deal_id, previous_deal_id, link_confidence, link_reason,
-- link_outcome, association_candidate_ids}), all in one transaction. The thread's row is locked first
-- (UPDLOCK, HOLDLOCK), as in intake.sp_propose_deal_associations and intake.sp_resolve_association, so every change
-- of a thread's deal association runs one after the other.
-- Returns the link's row with previous_deal_id and link_outcome ('created', 'updated', 'replaced'), and the same in
-- the OUTPUT parameters; @return_row = 0 returns no result set (for calls from other procedures, which run it
-- inside their own transaction).
-- Errors (docs/errors.md), raised before anything is written:
--   50266 unknown workspace, 50267 thread not of the workspace, 50268 deal not of the workspace,
--   50269 @link_confidence missing or outside 0-1, 50270 @link_reason missing, empty or over 500 characters,
--   50271 the thread is linked to another deal and @replace is not 1, 50272 @actor over 320 characters.
CREATE OR ALTER PROCEDURE intake.sp_link_thread_to_deal
    @workspace_id uniqueidentifier,
    @thread_id bigint,
    @deal_id bigint,
    @link_confidence decimal(4, 3),
    @link_reason nvarchar(max),
    @replace bit = 0,
    @actor varchar(max) = NULL,
    @return_row bit = 1,
    @thread_link_id bigint = NULL OUTPUT,
    @link_outcome varchar(16) = NULL OUTPUT
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    DECLARE @now datetime2 = SYSUTCDATETIME();
    DECLARE @reason nvarchar(500);
    DECLARE @locked_thread_id bigint;
    DECLARE @previous_deal_id bigint;
    DECLARE @resolved_ids nvarchar(max);
    DECLARE @data nvarchar(max);
    DECLARE @resolved TABLE (candidate_id bigint NOT NULL PRIMARY KEY);

    BEGIN TRY
        SET @thread_link_id = NULL;
        SET @link_outcome = NULL;
        SET @link_reason = NULLIF(LTRIM(RTRIM(@link_reason)), N'');
        SET @actor = NULLIF(LTRIM(RTRIM(@actor)), '');

        IF NOT EXISTS (SELECT 1 FROM intake.workspaces AS w WHERE w.workspace_id = @workspace_id)
            THROW 50266, N'sp_link_thread_to_deal: @workspace_id does not name a workspace.', 1;
        IF
            NOT EXISTS (
                SELECT 1 FROM intake.threads AS t
                WHERE t.workspace_id = @workspace_id AND t.thread_id = @thread_id
            )
            THROW 50267, N'sp_link_thread_to_deal: @thread_id is not a thread of @workspace_id.', 1;
        IF
            NOT EXISTS (
                SELECT 1 FROM intake.deals AS d
                WHERE d.workspace_id = @workspace_id AND d.deal_id = @deal_id
            )
            THROW 50268, N'sp_link_thread_to_deal: @deal_id is not a deal of @workspace_id.', 1;
        IF @link_confidence IS NULL OR @link_confidence < 0 OR @link_confidence > 1
            THROW 50269, N'sp_link_thread_to_deal: @link_confidence must be between 0 and 1.', 1;
        IF @link_reason IS NULL OR LEN(@link_reason) > 500
            THROW 50270, N'sp_link_thread_to_deal: @link_reason is required (up to 500 characters).', 1;
        IF LEN(@actor) > 320
            THROW 50272, N'sp_link_thread_to_deal: @actor is longer than 320 characters.', 1;

        SET @reason = @link_reason;
        SET @replace = COALESCE(@replace, 0);

        BEGIN TRANSACTION;

        -- The thread, locked so that concurrent changes of its deal association run one after the other.
        SELECT @locked_thread_id = t.thread_id
        FROM intake.threads AS t WITH (UPDLOCK, HOLDLOCK)
        WHERE t.workspace_id = @workspace_id AND t.thread_id = @thread_id;

        SELECT
            @thread_link_id = l.thread_link_id,
            @previous_deal_id = l.deal_id
        FROM intake.thread_links AS l WITH (UPDLOCK, HOLDLOCK)
        WHERE l.workspace_id = @workspace_id AND l.thread_id = @thread_id;

        IF @previous_deal_id <> @deal_id AND @replace = 0
            THROW 50271, N'sp_link_thread_to_deal: the thread is linked to another deal; pass @replace = 1 to move it.', 1;

        IF @thread_link_id IS NULL
            BEGIN
                INSERT INTO intake.thread_links (workspace_id, thread_id, deal_id, link_confidence, link_reason, created_at, updated_at)
                VALUES (@workspace_id, @thread_id, @deal_id, @link_confidence, @reason, @now, @now);
                SET @thread_link_id = SCOPE_IDENTITY();
                SET @link_outcome = 'created';
            END
        ELSE
            BEGIN
                UPDATE l
                SET
                    l.deal_id = @deal_id,
                    l.link_confidence = @link_confidence,
                    l.link_reason = @reason,
                    l.updated_at = @now
                FROM intake.thread_links AS l
                WHERE l.thread_link_id = @thread_link_id;
                SET @link_outcome = CASE WHEN @previous_deal_id = @deal_id THEN 'updated' ELSE 'replaced' END;
            END;

        -- The thread's pending association candidates are answered by the link.
        UPDATE c
        SET
            c.status = 'resolved',
            c.resolved_deal_id = @deal_id,
            c.resolved_by = @actor,
            c.resolved_at = @now,
            c.updated_at = @now
        OUTPUT INSERTED.association_candidate_id INTO @resolved (candidate_id)
        FROM intake.association_candidates AS c
        WHERE c.workspace_id = @workspace_id AND c.thread_id = @thread_id AND c.status = 'pending';

        SELECT @resolved_ids = STRING_AGG(CONVERT(nvarchar(20), r.candidate_id), N',') WITHIN GROUP (ORDER BY r.candidate_id)
        FROM @resolved AS r;
        SET @resolved_ids = CONCAT(N'[', @resolved_ids, N']');

        SET @data = (
            SELECT
                @thread_link_id AS thread_link_id,
                @deal_id AS deal_id,
                @previous_deal_id AS previous_deal_id,
                @link_confidence AS link_confidence,
                @reason AS link_reason,
                @link_outcome AS link_outcome,
                JSON_QUERY(@resolved_ids) AS association_candidate_ids
            FOR JSON PATH, WITHOUT_ARRAY_WRAPPER, INCLUDE_NULL_VALUES
        );

        INSERT INTO intake.audit_events (workspace_id, thread_id, type, data_json, actor, created_at)
        VALUES (@workspace_id, @thread_id, 'deal.thread_linked', @data, @actor, @now);

        COMMIT TRANSACTION;

        IF COALESCE(@return_row, 1) = 1
            SELECT
                l.thread_link_id,
                l.workspace_id,
                l.thread_id,
                l.deal_id,
                l.link_confidence,
                l.link_reason,
                l.created_at,
                l.updated_at,
                @previous_deal_id AS previous_deal_id,
                @link_outcome AS link_outcome
            FROM intake.thread_links AS l
            WHERE l.thread_link_id = @thread_link_id;
    END TRY
    BEGIN CATCH
        IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
        THROW;
    END CATCH;
END;
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 11 describe intake.sp_link_thread_to_deal
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'PROCEDURE', N'sp_link_thread_to_deal', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Links a thread to a deal of its workspace: one deal link per thread (intake.thread_links).', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'PROCEDURE', @level1name = N'sp_link_thread_to_deal';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Links a thread to a deal of its workspace: one deal link per thread (intake.thread_links).', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'PROCEDURE', @level1name = N'sp_link_thread_to_deal';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 12 module intake.sp_propose_deal_associations
-- Proposes the deals a thread may belong to: links it when one candidate is clear, else keeps the candidates for a person.
--
-- @candidates_json is a JSON array of objects {"deal_id": 12, "confidence": 0.95, "reason": "domain match"}: deal_id
-- a positive whole JSON number naming a deal of the workspace, confidence a JSON number from 0 to 1 (rounded to
-- three decimals, the scale of the columns, before it is compared), reason an optional string of up to 500
-- characters (trimmed; empty or null = none); no other members, no member twice, no deal twice. An empty array is
-- allowed. What happens, in one transaction, with the thread's row locked first (UPDLOCK, HOLDLOCK):
-- * the thread is linked to a deal already: nothing; an existing link is never overturned by a proposal (a person
--   moves it with intake.sp_link_thread_to_deal @replace = 1) -> 'none';
-- * exactly one candidate has a confidence at or above @auto_link_threshold: the thread is linked to it through
--   intake.sp_link_thread_to_deal (its confidence, its reason or 'proposed association above the auto-link
--   threshold'; the link resolves a pending candidates row of the thread and audits 'deal.thread_linked'), nothing
--   stays pending -> 'linked';
-- * else, two or more candidates: one pending intake.association_candidates row per thread holds them, best first
--   (confidence descending, then the order given) as {"deal_id", "confidence", "reason"} objects. A newer proposal
--   replaces the candidates_json of the thread's pending row (same association_candidate_id and created_at, so it
--   keeps its place in the review queue; updated_at = now) instead of adding a row; audit
--   'deal.association_proposed' (data_json {association_candidate_id, candidate_count, replaced_pending,
--   candidates}) -> 'pending';
-- * else (no candidate, or one below the threshold): nothing; a pending row of the thread stays as it is -> 'none'.
-- Returns one row: outcome ('linked', 'pending', 'none'), thread_id, deal_id (the deal the thread is linked to after
-- the call, NULL when none), thread_link_id, association_candidate_id (the thread's pending row after the call, NULL
-- when none) and candidate_count.
-- Errors (docs/errors.md), raised before anything is written:
--   50273 unknown workspace, 50274 thread not of the workspace, 50275 @candidates_json not a JSON array of objects,
--   50276 a malformed candidate (see above), 50277 a candidate deal not of the workspace,
--   50278 @auto_link_threshold missing or outside 0-1.
CREATE OR ALTER PROCEDURE intake.sp_propose_deal_associations
    @workspace_id uniqueidentifier,
    @thread_id bigint,
    @candidates_json nvarchar(max),
    @auto_link_threshold decimal(4, 3) = 0.90
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    DECLARE @now datetime2 = SYSUTCDATETIME();
    DECLARE @json_type tinyint;
    DECLARE @candidate_count int;
    DECLARE @above_count int;
    DECLARE @best_deal_id bigint;
    DECLARE @best_confidence decimal(4, 3);
    DECLARE @best_reason nvarchar(500);
    DECLARE @stored nvarchar(max);
    DECLARE @locked_thread_id bigint;
    DECLARE @linked_deal_id bigint;
    DECLARE @thread_link_id bigint;
    DECLARE @link_outcome varchar(16);
    DECLARE @association_candidate_id bigint;
    DECLARE @replaced_pending bit = 0;
    DECLARE @data nvarchar(max);
    DECLARE @outcome varchar(8) = 'none';

    -- The array's elements and their members as OPENJSON reads them (type 0 null, 1 string, 2 number, 3 boolean,
    -- 4 array, 5 object). Member names compare case-sensitively, as JSON's do.
    DECLARE @element TABLE (
        position int NOT NULL PRIMARY KEY,
        element_type tinyint NOT NULL
    );
    DECLARE @member TABLE (
        position int NOT NULL,
        member_key nvarchar(4000) COLLATE Latin1_General_100_BIN2 NOT NULL,
        member_value nvarchar(4000) NULL,
        member_type tinyint NOT NULL
    );
    DECLARE @candidate TABLE (
        position int NOT NULL PRIMARY KEY,
        deal_text nvarchar(4000) NULL,
        confidence_text nvarchar(4000) NULL,
        reason nvarchar(4000) NULL,
        deal_id bigint NULL,
        confidence decimal(4, 3) NULL
    );

    BEGIN TRY
        IF NOT EXISTS (SELECT 1 FROM intake.workspaces AS w WHERE w.workspace_id = @workspace_id)
            THROW 50273, N'sp_propose_deal_associations: @workspace_id does not name a workspace.', 1;
        IF
            NOT EXISTS (
                SELECT 1 FROM intake.threads AS t
                WHERE t.workspace_id = @workspace_id AND t.thread_id = @thread_id
            )
            THROW 50274, N'sp_propose_deal_associations: @thread_id is not a thread of @workspace_id.', 1;
        IF @auto_link_threshold IS NULL OR @auto_link_threshold < 0 OR @auto_link_threshold > 1
            THROW 50278, N'sp_propose_deal_associations: @auto_link_threshold must be between 0 and 1.', 1;

        -- A JSON array (wrapped in [] its one element's type says what it is), checked one step at a time:
        -- OPENJSON fails on text that is not JSON.
        IF ISJSON(@candidates_json) = 1
            SELECT @json_type = j.[type]
            FROM OPENJSON(CONCAT(N'[', @candidates_json, N']')) AS j;
        IF COALESCE(@json_type, 0) <> 4
            THROW 50275, N'sp_propose_deal_associations: @candidates_json must be a JSON array of objects.', 1;

        INSERT INTO @element (position, element_type)
        SELECT
            CAST(j.[key] AS int) AS position,
            j.[type] AS element_type
        FROM OPENJSON(@candidates_json) AS j;

        IF EXISTS (SELECT 1 FROM @element AS e WHERE e.element_type <> 5)
            THROW 50275, N'sp_propose_deal_associations: @candidates_json must be a JSON array of objects.', 1;

        INSERT INTO @member (position, member_key, member_value, member_type)
        SELECT
            CAST(j.[key] AS int) AS position,
            m.[key] AS member_key,
            CAST(m.[value] AS nvarchar(4000)) AS member_value,
            m.[type] AS member_type
        FROM OPENJSON(@candidates_json) AS j
        CROSS APPLY OPENJSON(j.[value]) AS m;

        INSERT INTO @candidate (position, deal_text, confidence_text, reason)
        SELECT
            e.position,
            MAX(CASE WHEN m.member_key = N'deal_id' AND m.member_type = 2 THEN m.member_value END) AS deal_text,
            MAX(CASE WHEN m.member_key = N'confidence' AND m.member_type = 2 THEN m.member_value END) AS confidence_text,
            NULLIF(LTRIM(RTRIM(MAX(CASE WHEN m.member_key = N'reason' AND m.member_type = 1 THEN m.member_value END))), N'')
                AS reason
        FROM @element AS e
        LEFT OUTER JOIN @member AS m ON e.position = m.position
        GROUP BY e.position;

        UPDATE c
        SET
            c.deal_id = TRY_CONVERT(bigint, c.deal_text),
            c.confidence = COALESCE(
                TRY_CONVERT(decimal(4, 3), c.confidence_text),
                TRY_CONVERT(decimal(4, 3), TRY_CONVERT(float, c.confidence_text))
            )
        FROM @candidate AS c;

        IF
            EXISTS (
                SELECT 1 FROM @member AS m
                WHERE
                    m.member_key NOT IN (N'deal_id', N'confidence', N'reason')
                    OR (m.member_key IN (N'deal_id', N'confidence') AND m.member_type <> 2)
                    OR (m.member_key = N'reason' AND m.member_type NOT IN (0, 1))
            )
            OR EXISTS (
                SELECT 1 FROM @member AS m
                GROUP BY m.position, m.member_key
                HAVING COUNT(*) > 1
            )
            OR EXISTS (
                SELECT 1 FROM @candidate AS c
                WHERE
                    c.deal_id IS NULL
                    OR c.deal_id < 1
                    OR c.confidence IS NULL
                    OR c.confidence < 0
                    OR c.confidence > 1
                    OR LEN(c.reason) > 500
            )
            OR EXISTS (
                SELECT 1 FROM @candidate AS c
                GROUP BY c.deal_id
                HAVING COUNT(*) > 1
            )
            THROW 50276, N'sp_propose_deal_associations: a candidate is malformed (see the procedure''s header).', 1;
        IF
            EXISTS (
                SELECT 1 FROM @candidate AS c
                WHERE NOT EXISTS (
                    SELECT 1 FROM intake.deals AS d
                    WHERE d.workspace_id = @workspace_id AND d.deal_id = c.deal_id
                )
            )
            THROW 50277, N'sp_propose_deal_associations: a candidate deal is not a deal of @workspace_id.', 1;

        SELECT
            @candidate_count = COUNT(*),
            @above_count = COALESCE(SUM(CASE WHEN c.confidence >= @auto_link_threshold THEN 1 ELSE 0 END), 0)
        FROM @candidate AS c;

        IF @above_count = 1
            SELECT
                @best_deal_id = c.deal_id,
                @best_confidence = c.confidence,
                @best_reason = COALESCE(c.reason, N'proposed association above the auto-link threshold')
            FROM @candidate AS c
            WHERE c.confidence >= @auto_link_threshold;

        SET @stored = (
            SELECT
                c.deal_id,
                c.confidence,
                c.reason
            FROM @candidate AS c
            ORDER BY c.confidence DESC, c.position
            FOR JSON PATH, INCLUDE_NULL_VALUES
        );

        BEGIN TRANSACTION;

        -- The thread, locked so that concurrent changes of its deal association run one after the other.
        SELECT @locked_thread_id = t.thread_id
        FROM intake.threads AS t WITH (UPDLOCK, HOLDLOCK)
        WHERE t.workspace_id = @workspace_id AND t.thread_id = @thread_id;

        SELECT
            @thread_link_id = l.thread_link_id,
            @linked_deal_id = l.deal_id
        FROM intake.thread_links AS l WITH (UPDLOCK, HOLDLOCK)
        WHERE l.workspace_id = @workspace_id AND l.thread_id = @thread_id;

        IF @linked_deal_id IS NULL AND @above_count = 1
            BEGIN
                EXEC intake.sp_link_thread_to_deal
                    @workspace_id = @workspace_id,
                    @thread_id = @thread_id,
                    @deal_id = @best_deal_id,
                    @link_confidence = @best_confidence,
                    @link_reason = @best_reason,
                    @replace = 0,
                    @actor = NULL,
                    @return_row = 0,
                    @thread_link_id = @thread_link_id OUTPUT,
                    @link_outcome = @link_outcome OUTPUT;
                SET @linked_deal_id = @best_deal_id;
                SET @outcome = 'linked';
            END
        ELSE IF @linked_deal_id IS NULL AND @candidate_count >= 2
            BEGIN
                -- One pending row per thread: a newer proposal replaces its candidates.
                SELECT @association_candidate_id = MAX(c.association_candidate_id)
                FROM intake.association_candidates AS c WITH (UPDLOCK, HOLDLOCK)
                WHERE c.workspace_id = @workspace_id AND c.thread_id = @thread_id AND c.status = 'pending';

                IF @association_candidate_id IS NULL
                    BEGIN
                        INSERT INTO intake.association_candidates (
                            workspace_id, thread_id, candidates_json, status, created_at, updated_at
                        )
                        VALUES (@workspace_id, @thread_id, @stored, 'pending', @now, @now);
                        SET @association_candidate_id = SCOPE_IDENTITY();
                    END
                ELSE
                    BEGIN
                        UPDATE c
                        SET
                            c.candidates_json = @stored,
                            c.updated_at = @now
                        FROM intake.association_candidates AS c
                        WHERE c.association_candidate_id = @association_candidate_id;
                        SET @replaced_pending = 1;
                    END;

                SET @data = (
                    SELECT
                        @association_candidate_id AS association_candidate_id,
                        @candidate_count AS candidate_count,
                        CAST(@replaced_pending AS bit) AS replaced_pending,
                        JSON_QUERY(@stored) AS candidates
                    FOR JSON PATH, WITHOUT_ARRAY_WRAPPER, INCLUDE_NULL_VALUES
                );

                INSERT INTO intake.audit_events (workspace_id, thread_id, type, data_json, actor, created_at)
                VALUES (@workspace_id, @thread_id, 'deal.association_proposed', @data, NULL, @now);

                SET @outcome = 'pending';
            END
        ELSE
            SELECT @association_candidate_id = MAX(c.association_candidate_id)
            FROM intake.association_candidates AS c
            WHERE c.workspace_id = @workspace_id AND c.thread_id = @thread_id AND c.status = 'pending';

        COMMIT TRANSACTION;

        SELECT
            @outcome AS outcome,
            @thread_id AS thread_id,
            @linked_deal_id AS deal_id,
            @thread_link_id AS thread_link_id,
            @association_candidate_id AS association_candidate_id,
            @candidate_count AS candidate_count;
    END TRY
    BEGIN CATCH
        IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
        THROW;
    END CATCH;
END;
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 12 describe intake.sp_propose_deal_associations
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'PROCEDURE', N'sp_propose_deal_associations', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Proposes the deals a thread may belong to: links it when one candidate is clear, else keeps the candidates for a person.', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'PROCEDURE', @level1name = N'sp_propose_deal_associations';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Proposes the deals a thread may belong to: links it when one candidate is clear, else keeps the candidates for a person.', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'PROCEDURE', @level1name = N'sp_propose_deal_associations';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 13 module intake.sp_resolve_association
-- Resolves a pending association candidates row: a person picks one of its deals for the thread, or dismisses it.
--
-- With @deal_id (one of the row's candidate deals, and a deal of the workspace) the thread is linked to it through
-- intake.sp_link_thread_to_deal with confidence 1, reason 'chosen by reviewer', @replace = 1 (the person's choice
-- wins over a link made meanwhile) and @actor = @resolved_by; that link marks the row 'resolved'
-- (resolved_deal_id = @deal_id, resolved_by, resolved_at = now) and audits 'deal.thread_linked' with the row's id.
-- With @deal_id NULL the row is marked 'dismissed' (resolved_by, resolved_at = now), the thread's link (if any) is
-- left alone, and 'deal.association_dismissed' is audited (actor = @resolved_by, data_json
-- {association_candidate_id}). @resolved_by (trimmed, up to 320 characters) is required: the system resolves
-- candidates by linking the thread. The thread's row is locked first (UPDLOCK, HOLDLOCK), then the candidates row;
-- its status and candidates are read again under the lock, so of two concurrent resolutions the second gets 50281.
-- Returns the association_candidates row after the call, with thread_link_id (the thread's link, NULL when none).
-- Errors (docs/errors.md), raised before anything is written:
--   50279 unknown workspace, 50280 @association_candidate_id not a row of the workspace, 50281 the row is not
--   pending (resolved or dismissed already), 50282 @deal_id is not one of the row's candidate deals of the workspace,
--   50283 @resolved_by missing, empty or over 320 characters.
CREATE OR ALTER PROCEDURE intake.sp_resolve_association
    @workspace_id uniqueidentifier,
    @association_candidate_id bigint,
    @deal_id bigint = NULL,
    @resolved_by varchar(max)
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    DECLARE @now datetime2 = SYSUTCDATETIME();
    DECLARE @thread_id bigint;
    DECLARE @locked_thread_id bigint;
    DECLARE @status varchar(16);
    DECLARE @candidates nvarchar(max);
    DECLARE @thread_link_id bigint;
    DECLARE @link_outcome varchar(16);
    DECLARE @data nvarchar(max);

    BEGIN TRY
        SET @resolved_by = NULLIF(LTRIM(RTRIM(@resolved_by)), '');

        IF NOT EXISTS (SELECT 1 FROM intake.workspaces AS w WHERE w.workspace_id = @workspace_id)
            THROW 50279, N'sp_resolve_association: @workspace_id does not name a workspace.', 1;

        SELECT @thread_id = c.thread_id
        FROM intake.association_candidates AS c
        WHERE c.workspace_id = @workspace_id AND c.association_candidate_id = @association_candidate_id;

        IF @thread_id IS NULL
            THROW 50280, N'sp_resolve_association: @association_candidate_id is not an association candidate of @workspace_id.', 1;
        IF @resolved_by IS NULL OR LEN(@resolved_by) > 320
            THROW 50283, N'sp_resolve_association: @resolved_by is required (up to 320 characters).', 1;

        BEGIN TRANSACTION;

        -- The thread, locked so that concurrent changes of its deal association run one after the other.
        SELECT @locked_thread_id = t.thread_id
        FROM intake.threads AS t WITH (UPDLOCK, HOLDLOCK)
        WHERE t.workspace_id = @workspace_id AND t.thread_id = @thread_id;

        SELECT
            @status = c.status,
            @candidates = c.candidates_json
        FROM intake.association_candidates AS c WITH (UPDLOCK, HOLDLOCK)
        WHERE c.workspace_id = @workspace_id AND c.association_candidate_id = @association_candidate_id;

        IF @status <> 'pending'
            THROW 50281, N'sp_resolve_association: the association candidates are not pending (resolved or dismissed already).', 1;
        IF
            @deal_id IS NOT NULL AND (
                NOT EXISTS (
                    SELECT 1 FROM OPENJSON(@candidates) AS j
                    WHERE j.[type] = 5 AND TRY_CONVERT(bigint, JSON_VALUE(j.[value], '$.deal_id')) = @deal_id
                )
                OR NOT EXISTS (
                    SELECT 1 FROM intake.deals AS d
                    WHERE d.workspace_id = @workspace_id AND d.deal_id = @deal_id
                )
            )
            THROW 50282, N'sp_resolve_association: @deal_id is not one of the candidate deals.', 1;

        IF @deal_id IS NOT NULL
            -- The link resolves the thread's pending row, this one, with @deal_id and @resolved_by.
            EXEC intake.sp_link_thread_to_deal
                @workspace_id = @workspace_id,
                @thread_id = @thread_id,
                @deal_id = @deal_id,
                @link_confidence = 1,
                @link_reason = N'chosen by reviewer',
                @replace = 1,
                @actor = @resolved_by,
                @return_row = 0,
                @thread_link_id = @thread_link_id OUTPUT,
                @link_outcome = @link_outcome OUTPUT;
        ELSE
            BEGIN
                UPDATE c
                SET
                    c.status = 'dismissed',
                    c.resolved_by = @resolved_by,
                    c.resolved_at = @now,
                    c.updated_at = @now
                FROM intake.association_candidates AS c
                WHERE c.association_candidate_id = @association_candidate_id;

                SET @data = (
                    SELECT @association_candidate_id AS association_candidate_id
                    FOR JSON PATH, WITHOUT_ARRAY_WRAPPER, INCLUDE_NULL_VALUES
                );

                INSERT INTO intake.audit_events (workspace_id, thread_id, type, data_json, actor, created_at)
                VALUES (@workspace_id, @thread_id, 'deal.association_dismissed', @data, @resolved_by, @now);

                SELECT @thread_link_id = l.thread_link_id
                FROM intake.thread_links AS l
                WHERE l.workspace_id = @workspace_id AND l.thread_id = @thread_id;
            END;

        COMMIT TRANSACTION;

        SELECT
            c.association_candidate_id,
            c.workspace_id,
            c.thread_id,
            c.candidates_json,
            c.status,
            c.resolved_deal_id,
            c.resolved_by,
            c.resolved_at,
            c.created_at,
            c.updated_at,
            @thread_link_id AS thread_link_id
        FROM intake.association_candidates AS c
        WHERE c.association_candidate_id = @association_candidate_id;
    END TRY
    BEGIN CATCH
        IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
        THROW;
    END CATCH;
END;
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 13 describe intake.sp_resolve_association
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'PROCEDURE', N'sp_resolve_association', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Resolves a pending association candidates row: a person picks one of its deals for the thread, or dismisses it.', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'PROCEDURE', @level1name = N'sp_resolve_association';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Resolves a pending association candidates row: a person picks one of its deals for the thread, or dismisses it.', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'PROCEDURE', @level1name = N'sp_resolve_association';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 14 module intake.sp_record_deal_fact
-- Records a deal's fact for one key (intake.deal_facts): one current fact per deal and key, the more confident wins.
--
-- @key is trimmed and must be a lower-case name (a-z, 0-9, '_', up to 64 characters): the BANT keys budget,
-- authority, need and timeline, or any other. @value_json is a JSON object (e.g. {"value": 50000, "currency": "EUR"}),
-- @confidence 0-1. @evidence_json (optional) is a JSON array of objects such as
-- [{"message_row_id": 812, "quote": "we have 50k set aside"}]: a message_row_id member, when not null, is a positive
-- whole number naming a message of the workspace, a quote member is a string or null; other members are kept as
-- given. @thread_id and @message_row_id (optional) say where the fact was taken from: the thread and the message
-- must be of the workspace, the message of that thread; a message without @thread_id takes its own thread.
-- The deal's fact for @key, read under UPDLOCK, HOLDLOCK, is
-- * inserted when there is none -> outcome 'inserted';
-- * replaced (value, confidence, evidence, thread, message; updated_at = now) when @confidence is at least the
--   stored confidence (a tie goes to the newer fact) or @force = 1 -> 'replaced';
-- * else kept as it is, and nothing is written (a less confident reading is not an error) -> 'kept'.
-- An inserted or replaced fact is audited as 'deal.fact_recorded' (intake.audit_events: thread_id = the fact's
-- thread, actor = @actor, data_json {deal_fact_id, deal_id, key, confidence, previous_confidence, outcome,
-- forced (@force as given)}), in the same transaction. The readiness is not recomputed here (intake.sp_compute_deal_readiness).
-- Returns the deal's fact for @key after the call, with outcome and previous_confidence (NULL when inserted).
-- Errors (docs/errors.md), raised before anything is written:
--   50284 unknown workspace, 50285 deal not of the workspace, 50286 @key missing or not a lower-case name of up to
--   64 characters, 50287 @value_json not a JSON object, 50288 @confidence missing or outside 0-1,
--   50289 @evidence_json not a JSON array of objects, or a malformed message_row_id or quote in it,
--   50290 @thread_id or @message_row_id not of the workspace, or the message not of that thread,
--   50291 the evidence names a message that is not of the workspace, 50292 @actor over 320 characters.
CREATE OR ALTER PROCEDURE intake.sp_record_deal_fact
    @workspace_id uniqueidentifier,
    @deal_id bigint,
    @key varchar(max),
    @value_json nvarchar(max),
    @confidence decimal(4, 3),
    @evidence_json nvarchar(max) = NULL,
    @thread_id bigint = NULL,
    @message_row_id bigint = NULL,
    @force bit = 0,
    @actor varchar(max) = NULL
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    DECLARE @now datetime2 = SYSUTCDATETIME();
    DECLARE @json_type tinyint;
    DECLARE @message_thread_id bigint;
    DECLARE @deal_fact_id bigint;
    DECLARE @previous_confidence decimal(4, 3);
    DECLARE @outcome varchar(8);
    DECLARE @data nvarchar(max);

    BEGIN TRY
        SET @key = LTRIM(RTRIM(@key));
        SET @actor = NULLIF(LTRIM(RTRIM(@actor)), '');
        SET @force = COALESCE(@force, 0);

        IF NOT EXISTS (SELECT 1 FROM intake.workspaces AS w WHERE w.workspace_id = @workspace_id)
            THROW 50284, N'sp_record_deal_fact: @workspace_id does not name a workspace.', 1;
        IF
            NOT EXISTS (
                SELECT 1 FROM intake.deals AS d
                WHERE d.workspace_id = @workspace_id AND d.deal_id = @deal_id
            )
            THROW 50285, N'sp_record_deal_fact: @deal_id is not a deal of @workspace_id.', 1;
        IF
            @key IS NULL
            OR @key = ''
            OR LEN(@key) > 64
            OR @key COLLATE Latin1_General_100_BIN2 LIKE '%[^a-z0-9_]%'
            THROW 50286, N'sp_record_deal_fact: @key must be a lower-case name of a-z, 0-9 and _ (up to 64 characters).', 1;

        -- JSON checked one step at a time: OPENJSON fails on text that is not JSON. Wrapped in [], the one
        -- element's type says what the document is (4 array, 5 object).
        IF ISJSON(@value_json) = 1
            SELECT @json_type = j.[type]
            FROM OPENJSON(CONCAT(N'[', @value_json, N']')) AS j;
        IF COALESCE(@json_type, 0) <> 5
            THROW 50287, N'sp_record_deal_fact: @value_json must be a JSON object, e.g. {"value": ...}.', 1;
        IF @confidence IS NULL OR @confidence < 0 OR @confidence > 1
            THROW 50288, N'sp_record_deal_fact: @confidence must be between 0 and 1.', 1;

        IF @evidence_json IS NOT NULL
            BEGIN
                SET @json_type = NULL;
                IF ISJSON(@evidence_json) = 1
                    SELECT @json_type = j.[type]
                    FROM OPENJSON(CONCAT(N'[', @evidence_json, N']')) AS j;
                IF COALESCE(@json_type, 0) <> 4
                    THROW 50289, N'sp_record_deal_fact: @evidence_json must be a JSON array of objects.', 1;
                IF EXISTS (SELECT 1 FROM OPENJSON(@evidence_json) AS j WHERE j.[type] <> 5)
                    THROW 50289, N'sp_record_deal_fact: @evidence_json must be a JSON array of objects.', 1;
                IF
                    EXISTS (
                        SELECT 1
                        FROM OPENJSON(@evidence_json) AS j
                        CROSS APPLY OPENJSON(j.[value]) AS m
                        WHERE
                            (
                                m.[key] = N'message_row_id'
                                AND m.[type] <> 0
                                AND (m.[type] <> 2 OR COALESCE(TRY_CONVERT(bigint, m.[value]), 0) < 1)
                            )
                            OR (m.[key] = N'quote' AND m.[type] NOT IN (0, 1))
                    )
                    THROW 50289, N'sp_record_deal_fact: an evidence message_row_id must be a message id, a quote a string.', 1;
                IF
                    EXISTS (
                        SELECT 1
                        FROM OPENJSON(@evidence_json) AS j
                        CROSS APPLY OPENJSON(j.[value]) AS m
                        WHERE
                            m.[key] = N'message_row_id'
                            AND m.[type] = 2
                            AND NOT EXISTS (
                                SELECT 1 FROM intake.messages AS msg
                                WHERE msg.workspace_id = @workspace_id AND msg.message_row_id = TRY_CONVERT(bigint, m.[value])
                            )
                    )
                    THROW 50291, N'sp_record_deal_fact: the evidence names a message that is not a message of @workspace_id.', 1;
            END;

        IF
            @thread_id IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM intake.threads AS t
                WHERE t.workspace_id = @workspace_id AND t.thread_id = @thread_id
            )
            THROW 50290, N'sp_record_deal_fact: @thread_id is not a thread of @workspace_id.', 1;
        IF @message_row_id IS NOT NULL
            BEGIN
                SELECT @message_thread_id = msg.thread_id
                FROM intake.messages AS msg
                WHERE msg.workspace_id = @workspace_id AND msg.message_row_id = @message_row_id;

                IF @message_thread_id IS NULL
                    THROW 50290, N'sp_record_deal_fact: @message_row_id is not a message of @workspace_id.', 1;
                IF @message_thread_id <> @thread_id
                    THROW 50290, N'sp_record_deal_fact: @message_row_id is not a message of @thread_id.', 1;

                SET @thread_id = @message_thread_id;
            END;
        IF LEN(@actor) > 320
            THROW 50292, N'sp_record_deal_fact: @actor is longer than 320 characters.', 1;

        BEGIN TRANSACTION;

        SELECT
            @deal_fact_id = f.deal_fact_id,
            @previous_confidence = f.confidence
        FROM intake.deal_facts AS f WITH (UPDLOCK, HOLDLOCK)
        WHERE f.workspace_id = @workspace_id AND f.deal_id = @deal_id AND f.[key] = @key;

        IF @deal_fact_id IS NULL
            BEGIN
                INSERT INTO intake.deal_facts (
                    workspace_id, deal_id, [key], value_json, confidence, evidence_json, thread_id, message_row_id,
                    created_at, updated_at
                )
                VALUES (
                    @workspace_id, @deal_id, @key, @value_json, @confidence, @evidence_json, @thread_id, @message_row_id,
                    @now, @now
                );
                SET @deal_fact_id = SCOPE_IDENTITY();
                SET @outcome = 'inserted';
            END
        ELSE IF @confidence >= @previous_confidence OR @force = 1
            BEGIN
                UPDATE f
                SET
                    f.value_json = @value_json,
                    f.confidence = @confidence,
                    f.evidence_json = @evidence_json,
                    f.thread_id = @thread_id,
                    f.message_row_id = @message_row_id,
                    f.updated_at = @now
                FROM intake.deal_facts AS f
                WHERE f.deal_fact_id = @deal_fact_id;
                SET @outcome = 'replaced';
            END
        ELSE
            SET @outcome = 'kept';

        IF @outcome <> 'kept'
            BEGIN
                SET @data = (
                    SELECT
                        @deal_fact_id AS deal_fact_id,
                        @deal_id AS deal_id,
                        @key AS [key],
                        @confidence AS confidence,
                        @previous_confidence AS previous_confidence,
                        @outcome AS outcome,
                        @force AS forced
                    FOR JSON PATH, WITHOUT_ARRAY_WRAPPER, INCLUDE_NULL_VALUES
                );

                INSERT INTO intake.audit_events (workspace_id, thread_id, type, data_json, actor, created_at)
                VALUES (@workspace_id, @thread_id, 'deal.fact_recorded', @data, @actor, @now);
            END;

        COMMIT TRANSACTION;

        SELECT
            f.deal_fact_id,
            f.workspace_id,
            f.deal_id,
            f.[key],
            f.value_json,
            f.confidence,
            f.evidence_json,
            f.thread_id,
            f.message_row_id,
            f.created_at,
            f.updated_at,
            @outcome AS outcome,
            @previous_confidence AS previous_confidence
        FROM intake.deal_facts AS f
        WHERE f.deal_fact_id = @deal_fact_id;
    END TRY
    BEGIN CATCH
        IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
        THROW;
    END CATCH;
END;
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 14 describe intake.sp_record_deal_fact
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'PROCEDURE', N'sp_record_deal_fact', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Records a deal''s fact for one key (intake.deal_facts): one current fact per deal and key, the more confident wins.', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'PROCEDURE', @level1name = N'sp_record_deal_fact';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Records a deal''s fact for one key (intake.deal_facts): one current fact per deal and key, the more confident wins.', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'PROCEDURE', @level1name = N'sp_record_deal_fact';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 15 module intake.sp_compute_deal_readiness
-- Computes a deal's readiness against a qualification framework and stores it (intake.deal_readiness).
--
-- Only BANT is defined: @framework is trimmed and read case-insensitively ('BANT', 'bant') and stored lower-case,
-- 'bant'; any other framework is refused (50296). BANT needs the keys budget, authority, need and timeline, in that
-- order. A key is present when the deal has a fact for it (intake.deal_facts) whose confidence is at least
-- @min_confidence. missing_keys is a JSON array of the absent keys in BANT order (e.g. ["authority","timeline"],
-- [] when none is missing); readiness_score = present keys / 4 as decimal(4, 3) (0.000, 0.250, 0.500, 0.750,
-- 1.000). The row of the workspace, deal and framework is updated (updated_at = now) or inserted, under
-- UPDLOCK, HOLDLOCK. No audit event (the score can be recomputed at any time).
-- Returns the deal_readiness row.
-- Errors (docs/errors.md), raised before anything is written:
--   50294 unknown workspace, 50295 deal not of the workspace, 50296 unknown framework (only BANT is defined),
--   50297 @min_confidence missing or outside 0-1.
CREATE OR ALTER PROCEDURE intake.sp_compute_deal_readiness
    @workspace_id uniqueidentifier,
    @deal_id bigint,
    @framework varchar(max) = 'BANT',
    @min_confidence decimal(4, 3) = 0.5
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    DECLARE @now datetime2 = SYSUTCDATETIME();
    DECLARE @required_count int;
    DECLARE @present_count int;
    DECLARE @missing_keys nvarchar(1000);
    DECLARE @readiness_score decimal(4, 3);
    DECLARE @deal_readiness_id bigint;

    BEGIN TRY
        SET @framework = LOWER(LTRIM(RTRIM(@framework)));

        IF NOT EXISTS (SELECT 1 FROM intake.workspaces AS w WHERE w.workspace_id = @workspace_id)
            THROW 50294, N'sp_compute_deal_readiness: @workspace_id does not name a workspace.', 1;
        IF
            NOT EXISTS (
                SELECT 1 FROM intake.deals AS d
                WHERE d.workspace_id = @workspace_id AND d.deal_id = @deal_id
            )
            THROW 50295, N'sp_compute_deal_readiness: @deal_id is not a deal of @workspace_id.', 1;
        IF @framework IS NULL OR @framework <> 'bant'
            THROW 50296, N'sp_compute_deal_readiness: unknown @framework; only BANT is defined.', 1;
        IF @min_confidence IS NULL OR @min_confidence < 0 OR @min_confidence > 1
            THROW 50297, N'sp_compute_deal_readiness: @min_confidence must be between 0 and 1.', 1;

        BEGIN TRANSACTION;

        -- The framework's keys in order, each joined to the deal's fact for it when that is confident enough
        -- (one fact per deal and key: UX_intake_deal_facts_workspace_id_deal_id_key).
        SELECT
            @required_count = COUNT(*),
            @present_count = COUNT(f.deal_fact_id),
            @missing_keys = STRING_AGG(CASE WHEN f.deal_fact_id IS NULL THEN CONCAT(N'"', r.fact_key, N'"') END, N',')
            WITHIN GROUP (ORDER BY r.position)
        FROM (VALUES (1, 'budget'), (2, 'authority'), (3, 'need'), (4, 'timeline')) AS r(position, fact_key)
        LEFT OUTER JOIN intake.deal_facts AS f
            ON
                f.workspace_id = @workspace_id
                AND f.deal_id = @deal_id
                AND f.[key] = r.fact_key
                AND f.confidence >= @min_confidence;

        SET @missing_keys = CONCAT(N'[', @missing_keys, N']');
        SET @readiness_score = CAST(CAST(@present_count AS decimal(9, 3)) / @required_count AS decimal(4, 3));

        SELECT @deal_readiness_id = r.deal_readiness_id
        FROM intake.deal_readiness AS r WITH (UPDLOCK, HOLDLOCK)
        WHERE r.workspace_id = @workspace_id AND r.deal_id = @deal_id AND r.framework = @framework;

        IF @deal_readiness_id IS NULL
            BEGIN
                INSERT INTO intake.deal_readiness (
                    workspace_id, deal_id, framework, missing_keys, readiness_score, created_at, updated_at
                )
                VALUES (@workspace_id, @deal_id, @framework, @missing_keys, @readiness_score, @now, @now);
                SET @deal_readiness_id = SCOPE_IDENTITY();
            END
        ELSE
            UPDATE r
            SET
                r.missing_keys = @missing_keys,
                r.readiness_score = @readiness_score,
                r.updated_at = @now
            FROM intake.deal_readiness AS r
            WHERE r.deal_readiness_id = @deal_readiness_id;

        COMMIT TRANSACTION;

        SELECT
            r.deal_readiness_id,
            r.workspace_id,
            r.deal_id,
            r.framework,
            r.missing_keys,
            r.readiness_score,
            r.created_at,
            r.updated_at
        FROM intake.deal_readiness AS r
        WHERE r.deal_readiness_id = @deal_readiness_id;
    END TRY
    BEGIN CATCH
        IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
        THROW;
    END CATCH;
END;
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 15 describe intake.sp_compute_deal_readiness
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'PROCEDURE', N'sp_compute_deal_readiness', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Computes a deal''s readiness against a qualification framework and stores it (intake.deal_readiness).', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'PROCEDURE', @level1name = N'sp_compute_deal_readiness';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Computes a deal''s readiness against a qualification framework and stores it (intake.deal_readiness).', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'PROCEDURE', @level1name = N'sp_compute_deal_readiness';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:guard epilogue: record the migration and commit
DECLARE @started datetime2(7) = CAST(SESSION_CONTEXT(N'wsdb.started') AS datetime2(7));
INSERT INTO dbo.wsdb_migration_history (migration_name, checksum, duration_ms, builder)
VALUES (N'20261122_deal_support', '00b6e627354f605b6180c25a46e885b508347d7ba80539dc8eef0f9354391b90', DATEDIFF(MILLISECOND, @started, SYSUTCDATETIME()), '0.1.0');
COMMIT TRANSACTION;
PRINT N'20261122_deal_support: applied.';
GO
-- wsdb:guard whatever happened above, statements run again from here
SET NOEXEC OFF;
GO
-- wsdb:guard final check: an error above leaves nothing behind, and says so
IF @@TRANCOUNT > 0
    ROLLBACK TRANSACTION;
IF OBJECT_ID(N'dbo.wsdb_migration_history', N'U') IS NULL
    THROW 50102, N'20261122_deal_support: not applied; nothing was changed (see the first error above).', 1;
IF NOT EXISTS (
    SELECT 1
    FROM dbo.wsdb_migration_history AS h
    WHERE h.migration_name = N'20261122_deal_support' AND h.checksum = '00b6e627354f605b6180c25a46e885b508347d7ba80539dc8eef0f9354391b90'
)
    THROW 50102, N'20261122_deal_support: not applied; its changes were rolled back (see the first error above).', 1;
GO
