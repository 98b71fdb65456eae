/*
Migration    20261122_deal_support
Description  Deal support: deals, thread links (one per thread), association candidates, deal facts, deal readiness, and the deal a CRM write is about.
Template     migrations/templates/20261122_deal_support.sql.j2  sha256 f9c8c08024ef4e460991805bc3caffd43c475c88cea7320a0f7885b6cd750562
Sources      sql/tables/intake.association_candidates.sql  sha256 b3fc1a58e08e7e0bc1710150716ce9524b20a242b0562d007bd016cd4ca2f7ba
             sql/tables/intake.crm_write_log.sql  sha256 b42d523b15c5fac72ed7df0b5d66824bd8a45aa4e4c640109ac129732ea3c1c7
             sql/tables/intake.deal_facts.sql  sha256 53080d0d96300215c657eb56b550319a198c437263582482b3d0c758e3002010
             sql/tables/intake.deal_readiness.sql  sha256 d3d93169c94223b5c6825d62eaef333bb25364f8ca3bb8015dcfa8fd1fab083e
             sql/tables/intake.deals.sql  sha256 87519e8ef481fc7190acd1943bcf7ed3c350de2d1e89abb5d66d55e6605b6695
             sql/tables/intake.thread_links.sql  sha256 ed69657a93db2c1b007997fac249b826bbe6b76427c3e6e49488b3fcae183e17
Builder      workstream-db 0.1.0
Checksum     836fc196565cf93a3a8c0189c8db8f3df8752e8174b084a3c8b185ba02bf0a24
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
IF @applied = '836fc196565cf93a3a8c0189c8db8f3df8752e8174b084a3c8b185ba02bf0a24'
    BEGIN
        COMMIT TRANSACTION;
        PRINT N'20261122_deal_support: already applied with this checksum; skipped.';
        SET NOEXEC ON;
    END;
IF @applied IS NOT NULL AND @applied <> '836fc196565cf93a3a8c0189c8db8f3df8752e8174b084a3c8b185ba02bf0a24'
    BEGIN
        DECLARE @message nvarchar(2048) = CONCAT(
            N'20261122_deal_support: applied before with checksum ', @applied,
            N'; this file has 836fc196565cf93a3a8c0189c8db8f3df8752e8174b084a3c8b185ba02bf0a24. Released scripts must not change; nothing was done.'
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
-- wsdb:guard epilogue: record the migration and commit
DECLARE @started datetime2(7) = CAST(SESSION_CONTEXT(N'wsdb.started') AS datetime2(7));
INSERT INTO dbo.wsdb_migration_history (migration_name, checksum, duration_ms, builder)
VALUES (N'20261122_deal_support', '836fc196565cf93a3a8c0189c8db8f3df8752e8174b084a3c8b185ba02bf0a24', DATEDIFF(MILLISECOND, @started, SYSUTCDATETIME()), '0.1.0');
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
    WHERE h.migration_name = N'20261122_deal_support' AND h.checksum = '836fc196565cf93a3a8c0189c8db8f3df8752e8174b084a3c8b185ba02bf0a24'
)
    THROW 50102, N'20261122_deal_support: not applied; its changes were rolled back (see the first error above).', 1;
GO
