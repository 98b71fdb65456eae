/*
Migration    20261122_deal_support
Description  Deal support: deals, thread links (one per thread), association candidates, deal facts, deal readiness, the deal a CRM write is about, and the idempotent CRM write procedures.
Template     migrations/templates/20261122_deal_support.sql.j2  sha256 89b273f3dcceb45cbc4e02504952fca84107a4bc27c9f508f3c4d20960fd99ac
Sources      sql/procedures/intake.sp_finish_crm_write.sql  sha256 4f3c4439d9b00f72c0ff77f962d7602bf2605dd4010e18d4613bfabd1615894f
             sql/procedures/intake.sp_record_crm_write.sql  sha256 9d2410a9ebdc413c3df3f2520cd89782c33b89129e12e9c50c753f4d8097feea
             sql/tables/intake.association_candidates.sql  sha256 b3fc1a58e08e7e0bc1710150716ce9524b20a242b0562d007bd016cd4ca2f7ba
             sql/tables/intake.crm_write_log.sql  sha256 b42d523b15c5fac72ed7df0b5d66824bd8a45aa4e4c640109ac129732ea3c1c7
             sql/tables/intake.deal_facts.sql  sha256 53080d0d96300215c657eb56b550319a198c437263582482b3d0c758e3002010
             sql/tables/intake.deal_readiness.sql  sha256 d3d93169c94223b5c6825d62eaef333bb25364f8ca3bb8015dcfa8fd1fab083e
             sql/tables/intake.deals.sql  sha256 87519e8ef481fc7190acd1943bcf7ed3c350de2d1e89abb5d66d55e6605b6695
             sql/tables/intake.thread_links.sql  sha256 ed69657a93db2c1b007997fac249b826bbe6b76427c3e6e49488b3fcae183e17
Builder      workstream-db 0.1.0
Checksum     b56020ccb06d678d28abeb858f0066b3955687fe81331c8be5b2d3c0c7788e34
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
IF @applied = 'b56020ccb06d678d28abeb858f0066b3955687fe81331c8be5b2d3c0c7788e34'
    BEGIN
        COMMIT TRANSACTION;
        PRINT N'20261122_deal_support: already applied with this checksum; skipped.';
        SET NOEXEC ON;
    END;
IF @applied IS NOT NULL AND @applied <> 'b56020ccb06d678d28abeb858f0066b3955687fe81331c8be5b2d3c0c7788e34'
    BEGIN
        DECLARE @message nvarchar(2048) = CONCAT(
            N'20261122_deal_support: applied before with checksum ', @applied,
            N'; this file has b56020ccb06d678d28abeb858f0066b3955687fe81331c8be5b2d3c0c7788e34. Released scripts must not change; nothing was done.'
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
-- wsdb:guard epilogue: record the migration and commit
DECLARE @started datetime2(7) = CAST(SESSION_CONTEXT(N'wsdb.started') AS datetime2(7));
INSERT INTO dbo.wsdb_migration_history (migration_name, checksum, duration_ms, builder)
VALUES (N'20261122_deal_support', 'b56020ccb06d678d28abeb858f0066b3955687fe81331c8be5b2d3c0c7788e34', DATEDIFF(MILLISECOND, @started, SYSUTCDATETIME()), '0.1.0');
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
    WHERE h.migration_name = N'20261122_deal_support' AND h.checksum = 'b56020ccb06d678d28abeb858f0066b3955687fe81331c8be5b2d3c0c7788e34'
)
    THROW 50102, N'20261122_deal_support: not applied; its changes were rolled back (see the first error above).', 1;
GO
