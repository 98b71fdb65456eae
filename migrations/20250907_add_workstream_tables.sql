/*
Migration    20250907_add_workstream_tables
Description  Core workstream tables: the core and app schemas, the core tables the module references, and signals, candidates, pursuits, proposals, cost of sale, outbox events, links and drips (v2.1 shape).
Template     migrations/templates/20250907_add_workstream_tables.sql.j2  sha256 cba5193a8f4d8b55dc991639d4551f5f436c54a931d444047f005ffac12be8c7
Sources      sql/security/app.sql  sha256 b21f67ebaf958796367ee926b87500805cacce1ed15c66c5877cdf53ab77210f
             sql/security/core.sql  sha256 5e979bc866d858796e3203644dfe6e5843c84019af71b75755d99dc356346ce2
             sql/tables/app.candidate.sql  sha256 a36259ea6f5dea23d7ba6426888388b9397557b94eae4119bec617cfc9ff9f33
             sql/tables/app.candidate_signal.sql  sha256 9485efb48c1db1fa5f0cc1807a552eada4bf8cd46c34f69e001ab130af4e0f24
             sql/tables/app.cos_entry.sql  sha256 83fd156a6bb56cdfb7e9ff10ed618d9ca1fdb27ddcb02d50f9e475dce277eb1c
             sql/tables/app.drip_schedule.sql  sha256 d85eb352628f4565b8396074054ef92b471bd3dea8f456cc0c64c05c6bf27ea6
             sql/tables/app.problem_taxonomy.sql  sha256 a263a0a4577a125f6f1bc4a67b96d14e0b060f99e59ab6e20d1b1bb03b5299b3
             sql/tables/app.proposal.sql  sha256 be8b75da666474f4a116932b46ae3d6296846b39a6910cbe6e3dfe87594a9e7e
             sql/tables/app.pursuit.sql  sha256 dee114a5b4a2c26d1d4927f4c292390fb3a26248dfd181a6d49044473d47bde6
             sql/tables/app.pursuit_role_estimate.sql  sha256 ec5325b36dea6cc11c41d652dd70103c3b138b8b48671d1bd2b57b9479f25dc7
             sql/tables/app.signal.sql  sha256 d4010bec36587c5daad5b9e07deb600f3163c0346a3b4bda506a184fe88ba6aa
             sql/tables/app.signal_cluster.sql  sha256 cd0464a182736a0cf9bfb5d15aae6a20324c84ce6991839959946ab12cf3f86b
             sql/tables/app.solution_catalog.sql  sha256 419d081c1c4837f21fba1102d24101dee9be98aa10c4f7ecbf9cd94e1c91747a
             sql/tables/app.work_event.sql  sha256 6d14dda054afb1d8322a1187b0e73f517736bef8e1d65852de47344a80b5803c
             sql/tables/app.work_item_link.sql  sha256 54d2d1455dfbdf0df4cb058a6f1b0fa39c19adfdff6507992ce7eb8cbb1f4ff2
             sql/tables/core.client.sql  sha256 59c239ae3929e2afed14d0b684f712d8c542eef81a684c2f42413ac2a7fe7478
             sql/tables/core.contact.sql  sha256 06e2563ef95400cfe9bbbfa8e732809387f71c0b6b03d1c04757580413c38866
             sql/tables/core.email_template.sql  sha256 bb5bca5b45ceaab801f606b4c3844b83963b31a34974f9b9df587acaf60408fd
             sql/tables/core.org.sql  sha256 fef7670dabcb3ad598d54ad1e27924985e08b09080bdff1b59d9717066072e9f
             sql/tables/core.user_account.sql  sha256 d956ac784094582d26a9b2a1e71093c7bfc1d4e3a4882d84c83df6b25ca81bc7
Builder      workstream-db 0.1.0
Checksum     bcdc4c6a7bdbe648b1c94a62ecae4a6f6d43580626ecdc58350a5fdfbdc3eb28
             sha256 of this file with the checksum replaced by 64 zeros; the history table
             dbo.wsdb_migration_history and migrations/migrations.sum record it.
Transaction  every step runs in one transaction: all of it applies, or none of it.
Run it       wsdb apply, or sqlcmd -b -I -i 20250907_add_workstream_tables.sql, or SSMS (no SQLCMD mode needed).
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
    THROW 50100, N'20250907_add_workstream_tables: run this script outside any transaction; it opens and commits its own.', 1;
DECLARE @started datetime2(7) = SYSUTCDATETIME();
EXEC sys.sp_set_session_context @key = N'wsdb.started', @value = @started;
BEGIN TRANSACTION;
DECLARE @lock int;
EXEC @lock = sys.sp_getapplock @Resource = N'wsdb.migrations', @LockMode = N'Exclusive', @LockOwner = N'Transaction', @LockTimeout = 600000;
IF @lock < 0
    THROW 50103, N'20250907_add_workstream_tables: another migration held the lock wsdb.migrations for 10 minutes; nothing was changed.', 1;
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
    WHERE h.migration_name = N'20250907_add_workstream_tables'
);
IF @applied = 'bcdc4c6a7bdbe648b1c94a62ecae4a6f6d43580626ecdc58350a5fdfbdc3eb28'
    BEGIN
        COMMIT TRANSACTION;
        PRINT N'20250907_add_workstream_tables: already applied with this checksum; skipped.';
        SET NOEXEC ON;
    END;
IF @applied IS NOT NULL AND @applied <> 'bcdc4c6a7bdbe648b1c94a62ecae4a6f6d43580626ecdc58350a5fdfbdc3eb28'
    BEGIN
        DECLARE @message nvarchar(2048) = CONCAT(
            N'20250907_add_workstream_tables: applied before with checksum ', @applied,
            N'; this file has bcdc4c6a7bdbe648b1c94a62ecae4a6f6d43580626ecdc58350a5fdfbdc3eb28. Released scripts must not change; nothing was done.'
        );
        THROW 50101, @message, 1;
    END;
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 1 schema schema core
CREATE SCHEMA core AUTHORIZATION dbo;
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 1 describe schema core
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'core', NULL, NULL, NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Minimal stand-ins for the platform modules Workstream depends on (orgs, users, contacts, clients, templates, module registry).', @level0type = N'SCHEMA', @level0name = N'core';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Minimal stand-ins for the platform modules Workstream depends on (orgs, users, contacts, clients, templates, module registry).', @level0type = N'SCHEMA', @level0name = N'core';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 2 schema schema app
CREATE SCHEMA app AUTHORIZATION dbo;
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 2 describe schema app
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', NULL, NULL, NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Workstream sales-pipeline module: signals, candidates, pursuits, proposals, outbox, SLA, config, scoring and identity.', @level0type = N'SCHEMA', @level0name = N'app';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Workstream sales-pipeline module: signals, candidates, pursuits, proposals, outbox, SLA, config, scoring and identity.', @level0type = N'SCHEMA', @level0name = N'app';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 3 table core.org
-- wsdb:never-deleted tenants are deactivated; offboarding purges an org's rows child-first before the org row goes
-- Tenant organisations; every Workstream row belongs to exactly one org.
CREATE TABLE core.org (
    org_id int NOT NULL, -- Primary key (assigned by the platform's org service)
    name nvarchar(200) NOT NULL, -- Organisation display name
    is_active bit NOT NULL CONSTRAINT DF_core_org_is_active DEFAULT (1), -- Active flag
    created_at datetime2 NOT NULL CONSTRAINT DF_core_org_created_at DEFAULT (SYSUTCDATETIME()), -- Creation timestamp
    updated_at datetime2 NOT NULL CONSTRAINT DF_core_org_updated_at DEFAULT (SYSUTCDATETIME()), -- Last update timestamp
    CONSTRAINT PK_core_org PRIMARY KEY CLUSTERED (org_id)
);
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 3 describe core.org
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'core', N'TABLE', N'org', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Tenant organisations; every Workstream row belongs to exactly one org.', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'org';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Tenant organisations; every Workstream row belongs to exactly one org.', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'org';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'core', N'TABLE', N'org', N'COLUMN', N'org_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Primary key (assigned by the platform''s org service)', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'org', @level2type = N'COLUMN', @level2name = N'org_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Primary key (assigned by the platform''s org service)', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'org', @level2type = N'COLUMN', @level2name = N'org_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'core', N'TABLE', N'org', N'COLUMN', N'name'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Organisation display name', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'org', @level2type = N'COLUMN', @level2name = N'name';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Organisation display name', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'org', @level2type = N'COLUMN', @level2name = N'name';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'core', N'TABLE', N'org', N'COLUMN', N'is_active'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Active flag', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'org', @level2type = N'COLUMN', @level2name = N'is_active';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Active flag', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'org', @level2type = N'COLUMN', @level2name = N'is_active';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'core', N'TABLE', N'org', N'COLUMN', N'created_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Creation timestamp', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'org', @level2type = N'COLUMN', @level2name = N'created_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Creation timestamp', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'org', @level2type = N'COLUMN', @level2name = N'created_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'core', N'TABLE', N'org', N'COLUMN', N'updated_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Last update timestamp', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'org', @level2type = N'COLUMN', @level2name = N'updated_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Last update timestamp', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'org', @level2type = N'COLUMN', @level2name = N'updated_at';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 4 table core.user_account
-- wsdb:never-deleted users are deactivated (is_active = 0), never deleted, so references to them stay valid
-- Users of an org: owners, capture leads, proposal managers, resolvers and other actors.
CREATE TABLE core.user_account (
    user_id int NOT NULL, -- Primary key (assigned by the platform's user directory)
    org_id int NOT NULL, -- Organization ID
    email varchar(256) NOT NULL, -- Sign-in email address
    display_name nvarchar(200) NOT NULL, -- Name shown in the UI
    is_active bit NOT NULL CONSTRAINT DF_core_user_account_is_active DEFAULT (1), -- Active flag
    created_at datetime2 NOT NULL CONSTRAINT DF_core_user_account_created_at DEFAULT (SYSUTCDATETIME()), -- Creation timestamp
    updated_at datetime2 NOT NULL CONSTRAINT DF_core_user_account_updated_at DEFAULT (SYSUTCDATETIME()), -- Last update timestamp
    CONSTRAINT PK_core_user_account PRIMARY KEY CLUSTERED (user_id),
    CONSTRAINT UQ_core_user_account_org_id_user_id UNIQUE NONCLUSTERED (org_id, user_id),
    CONSTRAINT UQ_core_user_account_org_id_email UNIQUE NONCLUSTERED (org_id, email),
    CONSTRAINT FK_core_user_account_org_id_core_org FOREIGN KEY (org_id) REFERENCES core.org (org_id)
);
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 4 describe core.user_account
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'core', N'TABLE', N'user_account', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Users of an org: owners, capture leads, proposal managers, resolvers and other actors.', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'user_account';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Users of an org: owners, capture leads, proposal managers, resolvers and other actors.', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'user_account';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'core', N'TABLE', N'user_account', N'COLUMN', N'user_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Primary key (assigned by the platform''s user directory)', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'user_account', @level2type = N'COLUMN', @level2name = N'user_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Primary key (assigned by the platform''s user directory)', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'user_account', @level2type = N'COLUMN', @level2name = N'user_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'core', N'TABLE', N'user_account', N'COLUMN', N'org_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Organization ID', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'user_account', @level2type = N'COLUMN', @level2name = N'org_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Organization ID', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'user_account', @level2type = N'COLUMN', @level2name = N'org_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'core', N'TABLE', N'user_account', N'COLUMN', N'email'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Sign-in email address', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'user_account', @level2type = N'COLUMN', @level2name = N'email';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Sign-in email address', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'user_account', @level2type = N'COLUMN', @level2name = N'email';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'core', N'TABLE', N'user_account', N'COLUMN', N'display_name'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Name shown in the UI', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'user_account', @level2type = N'COLUMN', @level2name = N'display_name';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Name shown in the UI', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'user_account', @level2type = N'COLUMN', @level2name = N'display_name';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'core', N'TABLE', N'user_account', N'COLUMN', N'is_active'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Active flag', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'user_account', @level2type = N'COLUMN', @level2name = N'is_active';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Active flag', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'user_account', @level2type = N'COLUMN', @level2name = N'is_active';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'core', N'TABLE', N'user_account', N'COLUMN', N'created_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Creation timestamp', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'user_account', @level2type = N'COLUMN', @level2name = N'created_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Creation timestamp', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'user_account', @level2type = N'COLUMN', @level2name = N'created_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'core', N'TABLE', N'user_account', N'COLUMN', N'updated_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Last update timestamp', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'user_account', @level2type = N'COLUMN', @level2name = N'updated_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Last update timestamp', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'user_account', @level2type = N'COLUMN', @level2name = N'updated_at';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 5 table core.client
-- wsdb:never-deleted clients are deactivated or merged in the client management system, never deleted
-- Client companies known to an org (mirror of the client management system).
CREATE TABLE core.client (
    client_id int NOT NULL, -- Primary key (assigned by the client management system)
    org_id int NOT NULL, -- Organization ID
    name nvarchar(200) NOT NULL, -- Client company name
    primary_domain varchar(128) NULL, -- Main web/email domain of the company
    is_active bit NOT NULL CONSTRAINT DF_core_client_is_active DEFAULT (1), -- Active flag
    created_at datetime2 NOT NULL CONSTRAINT DF_core_client_created_at DEFAULT (SYSUTCDATETIME()), -- Creation timestamp
    updated_at datetime2 NOT NULL CONSTRAINT DF_core_client_updated_at DEFAULT (SYSUTCDATETIME()), -- Last update timestamp
    CONSTRAINT PK_core_client PRIMARY KEY CLUSTERED (client_id),
    CONSTRAINT UQ_core_client_org_id_client_id UNIQUE NONCLUSTERED (org_id, client_id),
    CONSTRAINT FK_core_client_org_id_core_org FOREIGN KEY (org_id) REFERENCES core.org (org_id)
);
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 5 describe core.client
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'core', N'TABLE', N'client', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Client companies known to an org (mirror of the client management system).', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'client';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Client companies known to an org (mirror of the client management system).', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'client';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'core', N'TABLE', N'client', N'COLUMN', N'client_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Primary key (assigned by the client management system)', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'client', @level2type = N'COLUMN', @level2name = N'client_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Primary key (assigned by the client management system)', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'client', @level2type = N'COLUMN', @level2name = N'client_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'core', N'TABLE', N'client', N'COLUMN', N'org_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Organization ID', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'client', @level2type = N'COLUMN', @level2name = N'org_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Organization ID', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'client', @level2type = N'COLUMN', @level2name = N'org_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'core', N'TABLE', N'client', N'COLUMN', N'name'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Client company name', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'client', @level2type = N'COLUMN', @level2name = N'name';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Client company name', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'client', @level2type = N'COLUMN', @level2name = N'name';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'core', N'TABLE', N'client', N'COLUMN', N'primary_domain'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Main web/email domain of the company', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'client', @level2type = N'COLUMN', @level2name = N'primary_domain';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Main web/email domain of the company', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'client', @level2type = N'COLUMN', @level2name = N'primary_domain';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'core', N'TABLE', N'client', N'COLUMN', N'is_active'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Active flag', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'client', @level2type = N'COLUMN', @level2name = N'is_active';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Active flag', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'client', @level2type = N'COLUMN', @level2name = N'is_active';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'core', N'TABLE', N'client', N'COLUMN', N'created_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Creation timestamp', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'client', @level2type = N'COLUMN', @level2name = N'created_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Creation timestamp', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'client', @level2type = N'COLUMN', @level2name = N'created_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'core', N'TABLE', N'client', N'COLUMN', N'updated_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Last update timestamp', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'client', @level2type = N'COLUMN', @level2name = N'updated_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Last update timestamp', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'client', @level2type = N'COLUMN', @level2name = N'updated_at';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 6 table core.contact
-- wsdb:never-deleted a merged contact is deactivated, not deleted: contact_merge_history still points at it
-- People known to an org (mirror of the contact management system).
CREATE TABLE core.contact (
    contact_id int NOT NULL, -- Primary key (assigned by the contact management system)
    org_id int NOT NULL, -- Organization ID
    client_id int NULL, -- Client company the contact works for
    full_name nvarchar(200) NULL, -- Contact's full name
    email varchar(256) NULL, -- Primary email address
    phone varchar(32) NULL, -- Primary phone number
    is_active bit NOT NULL CONSTRAINT DF_core_contact_is_active DEFAULT (1), -- Active flag (0 once merged away)
    created_at datetime2 NOT NULL CONSTRAINT DF_core_contact_created_at DEFAULT (SYSUTCDATETIME()), -- Creation timestamp
    updated_at datetime2 NOT NULL CONSTRAINT DF_core_contact_updated_at DEFAULT (SYSUTCDATETIME()), -- Last update timestamp
    CONSTRAINT PK_core_contact PRIMARY KEY CLUSTERED (contact_id),
    CONSTRAINT UQ_core_contact_org_id_contact_id UNIQUE NONCLUSTERED (org_id, contact_id),
    CONSTRAINT FK_core_contact_org_id_core_org FOREIGN KEY (org_id) REFERENCES core.org (org_id),
    CONSTRAINT FK_core_contact_client_id_core_client FOREIGN KEY (org_id, client_id)
    REFERENCES core.client (org_id, client_id)
);

CREATE NONCLUSTERED INDEX IX_core_contact_org_id_client_id ON core.contact (org_id, client_id); -- Contacts of a client
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 6 describe core.contact
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'core', N'TABLE', N'contact', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'People known to an org (mirror of the contact management system).', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'contact';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'People known to an org (mirror of the contact management system).', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'contact';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'core', N'TABLE', N'contact', N'COLUMN', N'contact_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Primary key (assigned by the contact management system)', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'contact', @level2type = N'COLUMN', @level2name = N'contact_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Primary key (assigned by the contact management system)', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'contact', @level2type = N'COLUMN', @level2name = N'contact_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'core', N'TABLE', N'contact', N'COLUMN', N'org_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Organization ID', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'contact', @level2type = N'COLUMN', @level2name = N'org_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Organization ID', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'contact', @level2type = N'COLUMN', @level2name = N'org_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'core', N'TABLE', N'contact', N'COLUMN', N'client_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Client company the contact works for', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'contact', @level2type = N'COLUMN', @level2name = N'client_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Client company the contact works for', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'contact', @level2type = N'COLUMN', @level2name = N'client_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'core', N'TABLE', N'contact', N'COLUMN', N'full_name'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Contact''s full name', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'contact', @level2type = N'COLUMN', @level2name = N'full_name';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Contact''s full name', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'contact', @level2type = N'COLUMN', @level2name = N'full_name';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'core', N'TABLE', N'contact', N'COLUMN', N'email'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Primary email address', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'contact', @level2type = N'COLUMN', @level2name = N'email';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Primary email address', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'contact', @level2type = N'COLUMN', @level2name = N'email';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'core', N'TABLE', N'contact', N'COLUMN', N'phone'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Primary phone number', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'contact', @level2type = N'COLUMN', @level2name = N'phone';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Primary phone number', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'contact', @level2type = N'COLUMN', @level2name = N'phone';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'core', N'TABLE', N'contact', N'COLUMN', N'is_active'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Active flag (0 once merged away)', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'contact', @level2type = N'COLUMN', @level2name = N'is_active';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Active flag (0 once merged away)', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'contact', @level2type = N'COLUMN', @level2name = N'is_active';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'core', N'TABLE', N'contact', N'COLUMN', N'created_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Creation timestamp', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'contact', @level2type = N'COLUMN', @level2name = N'created_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Creation timestamp', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'contact', @level2type = N'COLUMN', @level2name = N'created_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'core', N'TABLE', N'contact', N'COLUMN', N'updated_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Last update timestamp', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'contact', @level2type = N'COLUMN', @level2name = N'updated_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Last update timestamp', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'contact', @level2type = N'COLUMN', @level2name = N'updated_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'core', N'TABLE', N'contact', N'INDEX', N'IX_core_contact_org_id_client_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Contacts of a client', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'contact', @level2type = N'INDEX', @level2name = N'IX_core_contact_org_id_client_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Contacts of a client', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'contact', @level2type = N'INDEX', @level2name = N'IX_core_contact_org_id_client_id';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 7 table core.email_template
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
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 7 describe core.email_template
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'core', N'TABLE', N'email_template', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Email templates of an org, used by drip schedules (mirror of the email module).', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'email_template';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Email templates of an org, used by drip schedules (mirror of the email module).', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'email_template';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'core', N'TABLE', N'email_template', N'COLUMN', N'template_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Primary key (assigned by the email module)', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'email_template', @level2type = N'COLUMN', @level2name = N'template_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Primary key (assigned by the email module)', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'email_template', @level2type = N'COLUMN', @level2name = N'template_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'core', N'TABLE', N'email_template', N'COLUMN', N'org_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Organization ID', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'email_template', @level2type = N'COLUMN', @level2name = N'org_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Organization ID', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'email_template', @level2type = N'COLUMN', @level2name = N'org_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'core', N'TABLE', N'email_template', N'COLUMN', N'name'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Template name', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'email_template', @level2type = N'COLUMN', @level2name = N'name';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Template name', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'email_template', @level2type = N'COLUMN', @level2name = N'name';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'core', N'TABLE', N'email_template', N'COLUMN', N'subject'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Email subject line', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'email_template', @level2type = N'COLUMN', @level2name = N'subject';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Email subject line', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'email_template', @level2type = N'COLUMN', @level2name = N'subject';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'core', N'TABLE', N'email_template', N'COLUMN', N'is_active'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Active flag', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'email_template', @level2type = N'COLUMN', @level2name = N'is_active';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Active flag', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'email_template', @level2type = N'COLUMN', @level2name = N'is_active';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'core', N'TABLE', N'email_template', N'COLUMN', N'created_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Creation timestamp', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'email_template', @level2type = N'COLUMN', @level2name = N'created_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Creation timestamp', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'email_template', @level2type = N'COLUMN', @level2name = N'created_at';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 8 table app.problem_taxonomy
-- wsdb:never-deleted taxonomy entries are retired with active = 0 so candidates keep their classification
-- Standardized problem definitions.
CREATE TABLE app.problem_taxonomy (
    problem_id int IDENTITY (1, 1) NOT NULL, -- Primary key
    org_id int NOT NULL, -- Organization ID
    name nvarchar(120) NOT NULL, -- Problem name
    [definition] nvarchar(400) NULL, -- Problem definition
    active bit NOT NULL CONSTRAINT DF_app_problem_taxonomy_active DEFAULT (1), -- Active flag
    CONSTRAINT PK_app_problem_taxonomy PRIMARY KEY CLUSTERED (problem_id),
    CONSTRAINT UQ_app_problem_taxonomy_org_id_problem_id UNIQUE NONCLUSTERED (org_id, problem_id),
    CONSTRAINT UQ_app_problem_taxonomy_org_id_name UNIQUE NONCLUSTERED (org_id, name),
    CONSTRAINT FK_app_problem_taxonomy_org_id_core_org FOREIGN KEY (org_id) REFERENCES core.org (org_id)
);
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 8 describe app.problem_taxonomy
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'problem_taxonomy', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Standardized problem definitions.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'problem_taxonomy';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Standardized problem definitions.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'problem_taxonomy';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'problem_taxonomy', N'COLUMN', N'problem_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'problem_taxonomy', @level2type = N'COLUMN', @level2name = N'problem_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'problem_taxonomy', @level2type = N'COLUMN', @level2name = N'problem_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'problem_taxonomy', N'COLUMN', N'org_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Organization ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'problem_taxonomy', @level2type = N'COLUMN', @level2name = N'org_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Organization ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'problem_taxonomy', @level2type = N'COLUMN', @level2name = N'org_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'problem_taxonomy', N'COLUMN', N'name'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Problem name', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'problem_taxonomy', @level2type = N'COLUMN', @level2name = N'name';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Problem name', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'problem_taxonomy', @level2type = N'COLUMN', @level2name = N'name';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'problem_taxonomy', N'COLUMN', N'definition'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Problem definition', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'problem_taxonomy', @level2type = N'COLUMN', @level2name = N'definition';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Problem definition', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'problem_taxonomy', @level2type = N'COLUMN', @level2name = N'definition';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'problem_taxonomy', N'COLUMN', N'active'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Active flag', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'problem_taxonomy', @level2type = N'COLUMN', @level2name = N'active';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Active flag', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'problem_taxonomy', @level2type = N'COLUMN', @level2name = N'active';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 9 table app.solution_catalog
-- wsdb:never-deleted catalog entries are retired with active = 0 so candidates keep their solution
-- Available solution offerings.
CREATE TABLE app.solution_catalog (
    solution_id int IDENTITY (1, 1) NOT NULL, -- Primary key
    org_id int NOT NULL, -- Organization ID
    name nvarchar(120) NOT NULL, -- Solution name
    playbook_ref nvarchar(256) NULL, -- Playbook reference
    active bit NOT NULL CONSTRAINT DF_app_solution_catalog_active DEFAULT (1), -- Active flag
    CONSTRAINT PK_app_solution_catalog PRIMARY KEY CLUSTERED (solution_id),
    CONSTRAINT UQ_app_solution_catalog_org_id_solution_id UNIQUE NONCLUSTERED (org_id, solution_id),
    CONSTRAINT UQ_app_solution_catalog_org_id_name UNIQUE NONCLUSTERED (org_id, name),
    CONSTRAINT FK_app_solution_catalog_org_id_core_org FOREIGN KEY (org_id) REFERENCES core.org (org_id)
);
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 9 describe app.solution_catalog
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'solution_catalog', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Available solution offerings.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'solution_catalog';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Available solution offerings.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'solution_catalog';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'solution_catalog', N'COLUMN', N'solution_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'solution_catalog', @level2type = N'COLUMN', @level2name = N'solution_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'solution_catalog', @level2type = N'COLUMN', @level2name = N'solution_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'solution_catalog', N'COLUMN', N'org_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Organization ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'solution_catalog', @level2type = N'COLUMN', @level2name = N'org_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Organization ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'solution_catalog', @level2type = N'COLUMN', @level2name = N'org_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'solution_catalog', N'COLUMN', N'name'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Solution name', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'solution_catalog', @level2type = N'COLUMN', @level2name = N'name';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Solution name', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'solution_catalog', @level2type = N'COLUMN', @level2name = N'name';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'solution_catalog', N'COLUMN', N'playbook_ref'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Playbook reference', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'solution_catalog', @level2type = N'COLUMN', @level2name = N'playbook_ref';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Playbook reference', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'solution_catalog', @level2type = N'COLUMN', @level2name = N'playbook_ref';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'solution_catalog', N'COLUMN', N'active'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Active flag', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'solution_catalog', @level2type = N'COLUMN', @level2name = N'active';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Active flag', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'solution_catalog', @level2type = N'COLUMN', @level2name = N'active';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 10 table app.signal_cluster
-- Groups related signals for analysis.
CREATE TABLE app.signal_cluster (
    cluster_id bigint IDENTITY (1, 1) NOT NULL, -- Primary key
    org_id int NOT NULL, -- Organization ID
    algo varchar(32) NOT NULL, -- Clustering algorithm used
    params_json nvarchar(max) NULL, -- Algorithm parameters
    created_at datetime2 NOT NULL CONSTRAINT DF_app_signal_cluster_created_at DEFAULT (SYSUTCDATETIME()), -- Creation timestamp
    CONSTRAINT PK_app_signal_cluster PRIMARY KEY CLUSTERED (cluster_id),
    CONSTRAINT UQ_app_signal_cluster_org_id_cluster_id UNIQUE NONCLUSTERED (org_id, cluster_id),
    CONSTRAINT FK_app_signal_cluster_org_id_core_org FOREIGN KEY (org_id) REFERENCES core.org (org_id)
);
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 10 describe app.signal_cluster
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'signal_cluster', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Groups related signals for analysis.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'signal_cluster';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Groups related signals for analysis.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'signal_cluster';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'signal_cluster', N'COLUMN', N'cluster_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'signal_cluster', @level2type = N'COLUMN', @level2name = N'cluster_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'signal_cluster', @level2type = N'COLUMN', @level2name = N'cluster_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'signal_cluster', N'COLUMN', N'org_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Organization ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'signal_cluster', @level2type = N'COLUMN', @level2name = N'org_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Organization ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'signal_cluster', @level2type = N'COLUMN', @level2name = N'org_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'signal_cluster', N'COLUMN', N'algo'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Clustering algorithm used', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'signal_cluster', @level2type = N'COLUMN', @level2name = N'algo';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Clustering algorithm used', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'signal_cluster', @level2type = N'COLUMN', @level2name = N'algo';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'signal_cluster', N'COLUMN', N'params_json'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Algorithm parameters', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'signal_cluster', @level2type = N'COLUMN', @level2name = N'params_json';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Algorithm parameters', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'signal_cluster', @level2type = N'COLUMN', @level2name = N'params_json';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'signal_cluster', N'COLUMN', N'created_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Creation timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'signal_cluster', @level2type = N'COLUMN', @level2name = N'created_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Creation timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'signal_cluster', @level2type = N'COLUMN', @level2name = N'created_at';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 11 table app.signal
-- Stores incoming lead signals with deduplication and clustering.
CREATE TABLE app.signal (
    signal_id bigint IDENTITY (1, 1) NOT NULL, -- Primary key
    org_id int NOT NULL, -- Multi-tenant organization ID
    source_type varchar(16) NOT NULL, -- Source: 'email', 'ad', 'call', 'note'
    source_ref varchar(256) NOT NULL, -- Reference to source system
    snippet nvarchar(1000) NULL, -- Signal content snippet
    contact_id int NULL, -- Associated contact
    client_id int NULL, -- Associated client
    ts datetime2 NOT NULL CONSTRAINT DF_app_signal_ts DEFAULT (SYSUTCDATETIME()), -- Signal timestamp
    problem_phrase nvarchar(300) NULL, -- Extracted problem statement
    solution_hint nvarchar(300) NULL, -- Suggested solution
    urgency_score decimal(3, 2) NULL, -- Urgency rating (0-1)
    dedupe_key varchar(128) NOT NULL, -- Deduplication key
    cluster_id bigint NULL, -- Signal cluster ID
    owner_user_id int NULL, -- Assigned owner
    created_at datetime2 NOT NULL CONSTRAINT DF_app_signal_created_at DEFAULT (SYSUTCDATETIME()), -- Creation timestamp
    updated_at datetime2 NOT NULL CONSTRAINT DF_app_signal_updated_at DEFAULT (SYSUTCDATETIME()), -- Last update timestamp
    CONSTRAINT PK_app_signal PRIMARY KEY CLUSTERED (signal_id),
    CONSTRAINT UQ_app_signal_org_id_signal_id UNIQUE NONCLUSTERED (org_id, signal_id),
    CONSTRAINT FK_app_signal_org_id_core_org FOREIGN KEY (org_id) REFERENCES core.org (org_id),
    CONSTRAINT FK_app_signal_contact_id_core_contact FOREIGN KEY (org_id, contact_id)
    REFERENCES core.contact (org_id, contact_id),
    CONSTRAINT FK_app_signal_client_id_core_client FOREIGN KEY (org_id, client_id)
    REFERENCES core.client (org_id, client_id),
    CONSTRAINT FK_app_signal_cluster_id_app_signal_cluster FOREIGN KEY (org_id, cluster_id)
    REFERENCES app.signal_cluster (org_id, cluster_id),
    CONSTRAINT FK_app_signal_owner_user_id_core_user_account FOREIGN KEY (org_id, owner_user_id)
    REFERENCES core.user_account (org_id, user_id)
);

CREATE UNIQUE NONCLUSTERED INDEX UX_signal_dedupe ON app.signal (org_id, dedupe_key); -- Unique deduplication

CREATE NONCLUSTERED INDEX IX_signal_cluster ON app.signal (org_id, cluster_id); -- Cluster lookup

CREATE NONCLUSTERED INDEX IX_signal_ts ON app.signal (ts DESC); -- Time-based ordering

CREATE NONCLUSTERED INDEX IX_signal_org_ts ON app.signal (org_id, ts DESC); -- Org-scoped time ordering

CREATE NONCLUSTERED INDEX IX_app_signal_org_id_contact_id ON app.signal (org_id, contact_id); -- Signals of a contact (timeline, merges)

CREATE NONCLUSTERED INDEX IX_app_signal_org_id_client_id ON app.signal (org_id, client_id); -- Signals of a client
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 11 describe app.signal
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'signal', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Stores incoming lead signals with deduplication and clustering.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'signal';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Stores incoming lead signals with deduplication and clustering.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'signal';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'signal', N'COLUMN', N'signal_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'signal', @level2type = N'COLUMN', @level2name = N'signal_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'signal', @level2type = N'COLUMN', @level2name = N'signal_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'signal', N'COLUMN', N'org_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Multi-tenant organization ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'signal', @level2type = N'COLUMN', @level2name = N'org_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Multi-tenant organization ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'signal', @level2type = N'COLUMN', @level2name = N'org_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'signal', N'COLUMN', N'source_type'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Source: ''email'', ''ad'', ''call'', ''note''', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'signal', @level2type = N'COLUMN', @level2name = N'source_type';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Source: ''email'', ''ad'', ''call'', ''note''', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'signal', @level2type = N'COLUMN', @level2name = N'source_type';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'signal', N'COLUMN', N'source_ref'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Reference to source system', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'signal', @level2type = N'COLUMN', @level2name = N'source_ref';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Reference to source system', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'signal', @level2type = N'COLUMN', @level2name = N'source_ref';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'signal', N'COLUMN', N'snippet'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Signal content snippet', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'signal', @level2type = N'COLUMN', @level2name = N'snippet';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Signal content snippet', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'signal', @level2type = N'COLUMN', @level2name = N'snippet';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'signal', N'COLUMN', N'contact_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Associated contact', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'signal', @level2type = N'COLUMN', @level2name = N'contact_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Associated contact', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'signal', @level2type = N'COLUMN', @level2name = N'contact_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'signal', N'COLUMN', N'client_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Associated client', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'signal', @level2type = N'COLUMN', @level2name = N'client_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Associated client', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'signal', @level2type = N'COLUMN', @level2name = N'client_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'signal', N'COLUMN', N'ts'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Signal timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'signal', @level2type = N'COLUMN', @level2name = N'ts';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Signal timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'signal', @level2type = N'COLUMN', @level2name = N'ts';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'signal', N'COLUMN', N'problem_phrase'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Extracted problem statement', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'signal', @level2type = N'COLUMN', @level2name = N'problem_phrase';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Extracted problem statement', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'signal', @level2type = N'COLUMN', @level2name = N'problem_phrase';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'signal', N'COLUMN', N'solution_hint'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Suggested solution', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'signal', @level2type = N'COLUMN', @level2name = N'solution_hint';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Suggested solution', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'signal', @level2type = N'COLUMN', @level2name = N'solution_hint';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'signal', N'COLUMN', N'urgency_score'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Urgency rating (0-1)', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'signal', @level2type = N'COLUMN', @level2name = N'urgency_score';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Urgency rating (0-1)', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'signal', @level2type = N'COLUMN', @level2name = N'urgency_score';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'signal', N'COLUMN', N'dedupe_key'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Deduplication key', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'signal', @level2type = N'COLUMN', @level2name = N'dedupe_key';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Deduplication key', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'signal', @level2type = N'COLUMN', @level2name = N'dedupe_key';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'signal', N'COLUMN', N'cluster_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Signal cluster ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'signal', @level2type = N'COLUMN', @level2name = N'cluster_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Signal cluster ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'signal', @level2type = N'COLUMN', @level2name = N'cluster_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'signal', N'COLUMN', N'owner_user_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Assigned owner', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'signal', @level2type = N'COLUMN', @level2name = N'owner_user_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Assigned owner', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'signal', @level2type = N'COLUMN', @level2name = N'owner_user_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'signal', N'COLUMN', N'created_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Creation timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'signal', @level2type = N'COLUMN', @level2name = N'created_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Creation timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'signal', @level2type = N'COLUMN', @level2name = N'created_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'signal', N'COLUMN', N'updated_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Last update timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'signal', @level2type = N'COLUMN', @level2name = N'updated_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Last update timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'signal', @level2type = N'COLUMN', @level2name = N'updated_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'signal', N'INDEX', N'UX_signal_dedupe'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Unique deduplication', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'signal', @level2type = N'INDEX', @level2name = N'UX_signal_dedupe';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Unique deduplication', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'signal', @level2type = N'INDEX', @level2name = N'UX_signal_dedupe';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'signal', N'INDEX', N'IX_signal_cluster'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Cluster lookup', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'signal', @level2type = N'INDEX', @level2name = N'IX_signal_cluster';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Cluster lookup', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'signal', @level2type = N'INDEX', @level2name = N'IX_signal_cluster';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'signal', N'INDEX', N'IX_signal_ts'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Time-based ordering', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'signal', @level2type = N'INDEX', @level2name = N'IX_signal_ts';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Time-based ordering', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'signal', @level2type = N'INDEX', @level2name = N'IX_signal_ts';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'signal', N'INDEX', N'IX_signal_org_ts'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Org-scoped time ordering', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'signal', @level2type = N'INDEX', @level2name = N'IX_signal_org_ts';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Org-scoped time ordering', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'signal', @level2type = N'INDEX', @level2name = N'IX_signal_org_ts';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'signal', N'INDEX', N'IX_app_signal_org_id_contact_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Signals of a contact (timeline, merges)', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'signal', @level2type = N'INDEX', @level2name = N'IX_app_signal_org_id_contact_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Signals of a contact (timeline, merges)', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'signal', @level2type = N'INDEX', @level2name = N'IX_app_signal_org_id_contact_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'signal', N'INDEX', N'IX_app_signal_org_id_client_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Signals of a client', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'signal', @level2type = N'INDEX', @level2name = N'IX_app_signal_org_id_client_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Signals of a client', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'signal', @level2type = N'INDEX', @level2name = N'IX_app_signal_org_id_client_id';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 12 table app.candidate
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
    REFERENCES core.user_account (org_id, user_id)
);

CREATE NONCLUSTERED INDEX IX_candidate_board -- Board view
    ON app.candidate (org_id, status, owner_user_id, last_touch_at DESC);

CREATE NONCLUSTERED INDEX IX_candidate_org_client ON app.candidate (org_id, client_id); -- Client lookup

CREATE NONCLUSTERED INDEX IX_candidate_org_status ON app.candidate (org_id, status); -- Status filtering

CREATE NONCLUSTERED INDEX IX_app_candidate_org_id_contact_id ON app.candidate (org_id, contact_id); -- Candidates of a contact (merges)
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 12 describe app.candidate
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'candidate', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Qualified leads that have been triaged and are being nurtured.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'candidate';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Qualified leads that have been triaged and are being nurtured.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'candidate';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'candidate', N'COLUMN', N'candidate_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'candidate', @level2type = N'COLUMN', @level2name = N'candidate_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'candidate', @level2type = N'COLUMN', @level2name = N'candidate_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'candidate', N'COLUMN', N'org_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Organization ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'candidate', @level2type = N'COLUMN', @level2name = N'org_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Organization ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'candidate', @level2type = N'COLUMN', @level2name = N'org_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'candidate', N'COLUMN', N'client_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Associated client', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'candidate', @level2type = N'COLUMN', @level2name = N'client_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Associated client', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'candidate', @level2type = N'COLUMN', @level2name = N'client_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'candidate', N'COLUMN', N'contact_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Associated contact', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'candidate', @level2type = N'COLUMN', @level2name = N'contact_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Associated contact', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'candidate', @level2type = N'COLUMN', @level2name = N'contact_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'candidate', N'COLUMN', N'problem_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Problem taxonomy ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'candidate', @level2type = N'COLUMN', @level2name = N'problem_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Problem taxonomy ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'candidate', @level2type = N'COLUMN', @level2name = N'problem_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'candidate', N'COLUMN', N'solution_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Solution catalog ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'candidate', @level2type = N'COLUMN', @level2name = N'solution_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Solution catalog ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'candidate', @level2type = N'COLUMN', @level2name = N'solution_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'candidate', N'COLUMN', N'title'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Candidate title', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'candidate', @level2type = N'COLUMN', @level2name = N'title';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Candidate title', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'candidate', @level2type = N'COLUMN', @level2name = N'title';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'candidate', N'COLUMN', N'one_liner_scope'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Brief scope description', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'candidate', @level2type = N'COLUMN', @level2name = N'one_liner_scope';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Brief scope description', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'candidate', @level2type = N'COLUMN', @level2name = N'one_liner_scope';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'candidate', N'COLUMN', N'confidence'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Confidence score (0-1)', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'candidate', @level2type = N'COLUMN', @level2name = N'confidence';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Confidence score (0-1)', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'candidate', @level2type = N'COLUMN', @level2name = N'confidence';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'candidate', N'COLUMN', N'value_band'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Value estimate: ''low'', ''med'', ''high''', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'candidate', @level2type = N'COLUMN', @level2name = N'value_band';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Value estimate: ''low'', ''med'', ''high''', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'candidate', @level2type = N'COLUMN', @level2name = N'value_band';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'candidate', N'COLUMN', N'next_step'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Next action', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'candidate', @level2type = N'COLUMN', @level2name = N'next_step';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Next action', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'candidate', @level2type = N'COLUMN', @level2name = N'next_step';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'candidate', N'COLUMN', N'status'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Status: ''new'', ''triaged'', ''nurture'', ''on_hold'', ''promoted'', ''archived''', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'candidate', @level2type = N'COLUMN', @level2name = N'status';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Status: ''new'', ''triaged'', ''nurture'', ''on_hold'', ''promoted'', ''archived''', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'candidate', @level2type = N'COLUMN', @level2name = N'status';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'candidate', N'COLUMN', N'owner_user_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Assigned owner', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'candidate', @level2type = N'COLUMN', @level2name = N'owner_user_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Assigned owner', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'candidate', @level2type = N'COLUMN', @level2name = N'owner_user_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'candidate', N'COLUMN', N'last_touch_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Last activity timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'candidate', @level2type = N'COLUMN', @level2name = N'last_touch_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Last activity timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'candidate', @level2type = N'COLUMN', @level2name = N'last_touch_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'candidate', N'COLUMN', N'created_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Creation timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'candidate', @level2type = N'COLUMN', @level2name = N'created_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Creation timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'candidate', @level2type = N'COLUMN', @level2name = N'created_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'candidate', N'COLUMN', N'updated_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Last update timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'candidate', @level2type = N'COLUMN', @level2name = N'updated_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Last update timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'candidate', @level2type = N'COLUMN', @level2name = N'updated_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'candidate', N'INDEX', N'IX_candidate_board'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Board view', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'candidate', @level2type = N'INDEX', @level2name = N'IX_candidate_board';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Board view', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'candidate', @level2type = N'INDEX', @level2name = N'IX_candidate_board';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'candidate', N'INDEX', N'IX_candidate_org_client'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Client lookup', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'candidate', @level2type = N'INDEX', @level2name = N'IX_candidate_org_client';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Client lookup', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'candidate', @level2type = N'INDEX', @level2name = N'IX_candidate_org_client';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'candidate', N'INDEX', N'IX_candidate_org_status'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Status filtering', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'candidate', @level2type = N'INDEX', @level2name = N'IX_candidate_org_status';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Status filtering', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'candidate', @level2type = N'INDEX', @level2name = N'IX_candidate_org_status';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'candidate', N'INDEX', N'IX_app_candidate_org_id_contact_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Candidates of a contact (merges)', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'candidate', @level2type = N'INDEX', @level2name = N'IX_app_candidate_org_id_contact_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Candidates of a contact (merges)', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'candidate', @level2type = N'INDEX', @level2name = N'IX_app_candidate_org_id_contact_id';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 13 table app.candidate_signal
-- Links candidates to their originating signals.
CREATE TABLE app.candidate_signal (
    -- wsdb:allow W506 tenant key: lets both foreign keys prove candidate and signal belong to the same org
    org_id int NOT NULL, -- Organization ID (both the candidate and the signal belong to it)
    candidate_id bigint NOT NULL, -- Candidate ID
    signal_id bigint NOT NULL, -- Signal ID
    CONSTRAINT PK_app_candidate_signal PRIMARY KEY CLUSTERED (candidate_id, signal_id),
    CONSTRAINT FK_app_candidate_signal_org_id_core_org FOREIGN KEY (org_id) REFERENCES core.org (org_id),
    CONSTRAINT FK_app_candidate_signal_candidate_id_app_candidate FOREIGN KEY (org_id, candidate_id)
    REFERENCES app.candidate (org_id, candidate_id),
    CONSTRAINT FK_app_candidate_signal_signal_id_app_signal FOREIGN KEY (org_id, signal_id)
    REFERENCES app.signal (org_id, signal_id)
);

CREATE NONCLUSTERED INDEX IX_app_candidate_signal_signal_id ON app.candidate_signal (signal_id); -- Candidates a signal feeds
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 13 describe app.candidate_signal
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'candidate_signal', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Links candidates to their originating signals.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'candidate_signal';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Links candidates to their originating signals.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'candidate_signal';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'candidate_signal', N'COLUMN', N'org_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Organization ID (both the candidate and the signal belong to it)', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'candidate_signal', @level2type = N'COLUMN', @level2name = N'org_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Organization ID (both the candidate and the signal belong to it)', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'candidate_signal', @level2type = N'COLUMN', @level2name = N'org_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'candidate_signal', N'COLUMN', N'candidate_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Candidate ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'candidate_signal', @level2type = N'COLUMN', @level2name = N'candidate_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Candidate ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'candidate_signal', @level2type = N'COLUMN', @level2name = N'candidate_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'candidate_signal', N'COLUMN', N'signal_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Signal ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'candidate_signal', @level2type = N'COLUMN', @level2name = N'signal_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Signal ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'candidate_signal', @level2type = N'COLUMN', @level2name = N'signal_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'candidate_signal', N'INDEX', N'IX_app_candidate_signal_signal_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Candidates a signal feeds', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'candidate_signal', @level2type = N'INDEX', @level2name = N'IX_app_candidate_signal_signal_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Candidates a signal feeds', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'candidate_signal', @level2type = N'INDEX', @level2name = N'IX_app_candidate_signal_signal_id';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 14 table app.pursuit
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
    REFERENCES core.user_account (org_id, user_id)
);

CREATE NONCLUSTERED INDEX IX_pursuit_board ON app.pursuit (org_id, pursuit_stage, due_date ASC); -- Pipeline board

CREATE NONCLUSTERED INDEX IX_pursuit_org_stage ON app.pursuit (org_id, pursuit_stage); -- Stage filtering

-- wsdb:alias IX_pursuit_org_candidate the seed's candidate lookup has exactly these keys; the unique index serves it
CREATE UNIQUE NONCLUSTERED INDEX UX_pursuit_once_per_candidate ON app.pursuit (org_id, candidate_id); -- One pursuit per candidate
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 14 describe app.pursuit
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'pursuit', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Active sales opportunities with full pipeline tracking.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Active sales opportunities with full pipeline tracking.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'pursuit', N'COLUMN', N'pursuit_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit', @level2type = N'COLUMN', @level2name = N'pursuit_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit', @level2type = N'COLUMN', @level2name = N'pursuit_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'pursuit', N'COLUMN', N'org_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Organization ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit', @level2type = N'COLUMN', @level2name = N'org_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Organization ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit', @level2type = N'COLUMN', @level2name = N'org_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'pursuit', N'COLUMN', N'candidate_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Associated candidate', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit', @level2type = N'COLUMN', @level2name = N'candidate_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Associated candidate', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit', @level2type = N'COLUMN', @level2name = N'candidate_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'pursuit', N'COLUMN', N'due_date'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Pursuit due date', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit', @level2type = N'COLUMN', @level2name = N'due_date';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Pursuit due date', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit', @level2type = N'COLUMN', @level2name = N'due_date';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'pursuit', N'COLUMN', N'capture_lead_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Capture lead user', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit', @level2type = N'COLUMN', @level2name = N'capture_lead_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Capture lead user', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit', @level2type = N'COLUMN', @level2name = N'capture_lead_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'pursuit', N'COLUMN', N'proposal_mgr_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Proposal manager user', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit', @level2type = N'COLUMN', @level2name = N'proposal_mgr_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Proposal manager user', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit', @level2type = N'COLUMN', @level2name = N'proposal_mgr_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'pursuit', N'COLUMN', N'pursuit_stage'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Stage: ''qual'', ''pink'', ''red'', ''submit'', ''won'', ''lost''', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit', @level2type = N'COLUMN', @level2name = N'pursuit_stage';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Stage: ''qual'', ''pink'', ''red'', ''submit'', ''won'', ''lost''', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit', @level2type = N'COLUMN', @level2name = N'pursuit_stage';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'pursuit', N'COLUMN', N'compliance_score'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Compliance score', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit', @level2type = N'COLUMN', @level2name = N'compliance_score';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Compliance score', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit', @level2type = N'COLUMN', @level2name = N'compliance_score';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'pursuit', N'COLUMN', N'forecast_value_usd'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Forecast value', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit', @level2type = N'COLUMN', @level2name = N'forecast_value_usd';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Forecast value', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit', @level2type = N'COLUMN', @level2name = N'forecast_value_usd';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'pursuit', N'COLUMN', N'cos_hours'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Cost of sale hours', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit', @level2type = N'COLUMN', @level2name = N'cos_hours';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Cost of sale hours', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit', @level2type = N'COLUMN', @level2name = N'cos_hours';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'pursuit', N'COLUMN', N'cos_amount'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Cost of sale amount', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit', @level2type = N'COLUMN', @level2name = N'cos_amount';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Cost of sale amount', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit', @level2type = N'COLUMN', @level2name = N'cos_amount';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'pursuit', N'COLUMN', N'created_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Creation timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit', @level2type = N'COLUMN', @level2name = N'created_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Creation timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit', @level2type = N'COLUMN', @level2name = N'created_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'pursuit', N'COLUMN', N'updated_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Last update timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit', @level2type = N'COLUMN', @level2name = N'updated_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Last update timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit', @level2type = N'COLUMN', @level2name = N'updated_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'pursuit', N'INDEX', N'IX_pursuit_board'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Pipeline board', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit', @level2type = N'INDEX', @level2name = N'IX_pursuit_board';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Pipeline board', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit', @level2type = N'INDEX', @level2name = N'IX_pursuit_board';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'pursuit', N'INDEX', N'IX_pursuit_org_stage'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Stage filtering', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit', @level2type = N'INDEX', @level2name = N'IX_pursuit_org_stage';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Stage filtering', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit', @level2type = N'INDEX', @level2name = N'IX_pursuit_org_stage';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'pursuit', N'INDEX', N'UX_pursuit_once_per_candidate'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'One pursuit per candidate', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit', @level2type = N'INDEX', @level2name = N'UX_pursuit_once_per_candidate';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'One pursuit per candidate', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit', @level2type = N'INDEX', @level2name = N'UX_pursuit_once_per_candidate';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'wsdb_alias', N'SCHEMA', N'app', N'TABLE', N'pursuit', N'INDEX', N'UX_pursuit_once_per_candidate'))
    EXEC sys.sp_updateextendedproperty @name = N'wsdb_alias', @value = N'IX_pursuit_org_candidate', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit', @level2type = N'INDEX', @level2name = N'UX_pursuit_once_per_candidate';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'wsdb_alias', @value = N'IX_pursuit_org_candidate', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit', @level2type = N'INDEX', @level2name = N'UX_pursuit_once_per_candidate';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 15 table app.pursuit_role_estimate
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
    REFERENCES app.pursuit (org_id, pursuit_id)
);

CREATE NONCLUSTERED INDEX IX_app_pursuit_role_estimate_org_id_pursuit_id -- Estimates of a pursuit
    ON app.pursuit_role_estimate (org_id, pursuit_id, role);
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 15 describe app.pursuit_role_estimate
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'pursuit_role_estimate', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'PERT estimating for pursuits.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit_role_estimate';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'PERT estimating for pursuits.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit_role_estimate';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'pursuit_role_estimate', N'COLUMN', N'estimate_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit_role_estimate', @level2type = N'COLUMN', @level2name = N'estimate_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit_role_estimate', @level2type = N'COLUMN', @level2name = N'estimate_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'pursuit_role_estimate', N'COLUMN', N'org_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Organization ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit_role_estimate', @level2type = N'COLUMN', @level2name = N'org_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Organization ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit_role_estimate', @level2type = N'COLUMN', @level2name = N'org_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'pursuit_role_estimate', N'COLUMN', N'pursuit_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Associated pursuit', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit_role_estimate', @level2type = N'COLUMN', @level2name = N'pursuit_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Associated pursuit', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit_role_estimate', @level2type = N'COLUMN', @level2name = N'pursuit_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'pursuit_role_estimate', N'COLUMN', N'role'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Role being estimated', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit_role_estimate', @level2type = N'COLUMN', @level2name = N'role';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Role being estimated', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit_role_estimate', @level2type = N'COLUMN', @level2name = N'role';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'pursuit_role_estimate', N'COLUMN', N'optimistic_hours'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Optimistic estimate', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit_role_estimate', @level2type = N'COLUMN', @level2name = N'optimistic_hours';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Optimistic estimate', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit_role_estimate', @level2type = N'COLUMN', @level2name = N'optimistic_hours';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'pursuit_role_estimate', N'COLUMN', N'most_likely_hours'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Most likely estimate', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit_role_estimate', @level2type = N'COLUMN', @level2name = N'most_likely_hours';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Most likely estimate', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit_role_estimate', @level2type = N'COLUMN', @level2name = N'most_likely_hours';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'pursuit_role_estimate', N'COLUMN', N'pessimistic_hours'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Pessimistic estimate', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit_role_estimate', @level2type = N'COLUMN', @level2name = N'pessimistic_hours';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Pessimistic estimate', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit_role_estimate', @level2type = N'COLUMN', @level2name = N'pessimistic_hours';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'pursuit_role_estimate', N'COLUMN', N'confidence'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Confidence score', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit_role_estimate', @level2type = N'COLUMN', @level2name = N'confidence';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Confidence score', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit_role_estimate', @level2type = N'COLUMN', @level2name = N'confidence';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'pursuit_role_estimate', N'COLUMN', N'created_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Creation timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit_role_estimate', @level2type = N'COLUMN', @level2name = N'created_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Creation timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit_role_estimate', @level2type = N'COLUMN', @level2name = N'created_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'pursuit_role_estimate', N'INDEX', N'IX_app_pursuit_role_estimate_org_id_pursuit_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Estimates of a pursuit', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit_role_estimate', @level2type = N'INDEX', @level2name = N'IX_app_pursuit_role_estimate_org_id_pursuit_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Estimates of a pursuit', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit_role_estimate', @level2type = N'INDEX', @level2name = N'IX_app_pursuit_role_estimate_org_id_pursuit_id';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 16 table app.proposal
-- Proposal documents with versioning.
CREATE TABLE app.proposal (
    proposal_id bigint IDENTITY (1, 1) NOT NULL, -- Primary key
    org_id int NOT NULL, -- Organization ID
    pursuit_id bigint NOT NULL, -- Associated pursuit
    version int NOT NULL, -- Version number
    doc_id varchar(128) NULL, -- Document reference
    status varchar(12) NOT NULL CONSTRAINT DF_app_proposal_status DEFAULT ('draft'), -- Status: 'draft', 'sent', 'signed', 'void'
    sent_at datetime2 NULL, -- Sent timestamp
    created_at datetime2 NOT NULL CONSTRAINT DF_app_proposal_created_at DEFAULT (SYSUTCDATETIME()), -- Creation timestamp
    CONSTRAINT PK_app_proposal PRIMARY KEY CLUSTERED (proposal_id),
    CONSTRAINT FK_app_proposal_org_id_core_org FOREIGN KEY (org_id) REFERENCES core.org (org_id),
    CONSTRAINT FK_app_proposal_pursuit_id_app_pursuit FOREIGN KEY (org_id, pursuit_id)
    REFERENCES app.pursuit (org_id, pursuit_id)
);

-- wsdb:alias UX_proposal_version_once the seed names a second unique key on the same columns; one index enforces both
CREATE UNIQUE NONCLUSTERED INDEX UX_proposal_version ON app.proposal (org_id, pursuit_id, version); -- Unique versions
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 16 describe app.proposal
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'proposal', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Proposal documents with versioning.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'proposal';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Proposal documents with versioning.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'proposal';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'proposal', N'COLUMN', N'proposal_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'proposal', @level2type = N'COLUMN', @level2name = N'proposal_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'proposal', @level2type = N'COLUMN', @level2name = N'proposal_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'proposal', N'COLUMN', N'org_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Organization ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'proposal', @level2type = N'COLUMN', @level2name = N'org_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Organization ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'proposal', @level2type = N'COLUMN', @level2name = N'org_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'proposal', N'COLUMN', N'pursuit_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Associated pursuit', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'proposal', @level2type = N'COLUMN', @level2name = N'pursuit_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Associated pursuit', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'proposal', @level2type = N'COLUMN', @level2name = N'pursuit_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'proposal', N'COLUMN', N'version'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Version number', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'proposal', @level2type = N'COLUMN', @level2name = N'version';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Version number', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'proposal', @level2type = N'COLUMN', @level2name = N'version';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'proposal', N'COLUMN', N'doc_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Document reference', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'proposal', @level2type = N'COLUMN', @level2name = N'doc_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Document reference', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'proposal', @level2type = N'COLUMN', @level2name = N'doc_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'proposal', N'COLUMN', N'status'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Status: ''draft'', ''sent'', ''signed'', ''void''', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'proposal', @level2type = N'COLUMN', @level2name = N'status';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Status: ''draft'', ''sent'', ''signed'', ''void''', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'proposal', @level2type = N'COLUMN', @level2name = N'status';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'proposal', N'COLUMN', N'sent_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Sent timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'proposal', @level2type = N'COLUMN', @level2name = N'sent_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Sent timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'proposal', @level2type = N'COLUMN', @level2name = N'sent_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'proposal', N'COLUMN', N'created_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Creation timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'proposal', @level2type = N'COLUMN', @level2name = N'created_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Creation timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'proposal', @level2type = N'COLUMN', @level2name = N'created_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'proposal', N'INDEX', N'UX_proposal_version'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Unique versions', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'proposal', @level2type = N'INDEX', @level2name = N'UX_proposal_version';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Unique versions', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'proposal', @level2type = N'INDEX', @level2name = N'UX_proposal_version';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'wsdb_alias', N'SCHEMA', N'app', N'TABLE', N'proposal', N'INDEX', N'UX_proposal_version'))
    EXEC sys.sp_updateextendedproperty @name = N'wsdb_alias', @value = N'UX_proposal_version_once', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'proposal', @level2type = N'INDEX', @level2name = N'UX_proposal_version';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'wsdb_alias', @value = N'UX_proposal_version_once', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'proposal', @level2type = N'INDEX', @level2name = N'UX_proposal_version';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 17 table app.cos_entry
-- Detailed cost tracking for pursuits.
CREATE TABLE app.cos_entry (
    cos_id bigint IDENTITY (1, 1) NOT NULL, -- Primary key
    org_id int NOT NULL, -- Organization ID
    pursuit_id bigint NOT NULL, -- Associated pursuit
    role varchar(64) NOT NULL, -- Role description
    hours decimal(10, 2) NOT NULL, -- Hours worked
    rate decimal(10, 2) NOT NULL, -- Hourly rate
    amount AS CAST(hours * rate AS decimal(18, 2)) PERSISTED NOT NULL, -- Computed amount (hours * rate)
    source varchar(24) NULL, -- Cost source
    created_at datetime2 NOT NULL CONSTRAINT DF_app_cos_entry_created_at DEFAULT (SYSUTCDATETIME()), -- Creation timestamp
    CONSTRAINT PK_app_cos_entry PRIMARY KEY CLUSTERED (cos_id),
    CONSTRAINT FK_app_cos_entry_org_id_core_org FOREIGN KEY (org_id) REFERENCES core.org (org_id),
    CONSTRAINT FK_app_cos_entry_pursuit_id_app_pursuit FOREIGN KEY (org_id, pursuit_id)
    REFERENCES app.pursuit (org_id, pursuit_id)
);

CREATE NONCLUSTERED INDEX IX_app_cos_entry_org_id_pursuit_id -- Cost entries of a pursuit (covers the cos_hours/cos_amount roll-up)
    ON app.cos_entry (org_id, pursuit_id) INCLUDE (hours, amount);
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 17 describe app.cos_entry
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'cos_entry', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Detailed cost tracking for pursuits.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'cos_entry';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Detailed cost tracking for pursuits.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'cos_entry';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'cos_entry', N'COLUMN', N'cos_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'cos_entry', @level2type = N'COLUMN', @level2name = N'cos_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'cos_entry', @level2type = N'COLUMN', @level2name = N'cos_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'cos_entry', N'COLUMN', N'org_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Organization ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'cos_entry', @level2type = N'COLUMN', @level2name = N'org_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Organization ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'cos_entry', @level2type = N'COLUMN', @level2name = N'org_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'cos_entry', N'COLUMN', N'pursuit_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Associated pursuit', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'cos_entry', @level2type = N'COLUMN', @level2name = N'pursuit_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Associated pursuit', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'cos_entry', @level2type = N'COLUMN', @level2name = N'pursuit_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'cos_entry', N'COLUMN', N'role'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Role description', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'cos_entry', @level2type = N'COLUMN', @level2name = N'role';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Role description', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'cos_entry', @level2type = N'COLUMN', @level2name = N'role';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'cos_entry', N'COLUMN', N'hours'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Hours worked', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'cos_entry', @level2type = N'COLUMN', @level2name = N'hours';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Hours worked', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'cos_entry', @level2type = N'COLUMN', @level2name = N'hours';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'cos_entry', N'COLUMN', N'rate'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Hourly rate', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'cos_entry', @level2type = N'COLUMN', @level2name = N'rate';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Hourly rate', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'cos_entry', @level2type = N'COLUMN', @level2name = N'rate';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'cos_entry', N'COLUMN', N'amount'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Computed amount (hours * rate)', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'cos_entry', @level2type = N'COLUMN', @level2name = N'amount';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Computed amount (hours * rate)', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'cos_entry', @level2type = N'COLUMN', @level2name = N'amount';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'cos_entry', N'COLUMN', N'source'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Cost source', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'cos_entry', @level2type = N'COLUMN', @level2name = N'source';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Cost source', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'cos_entry', @level2type = N'COLUMN', @level2name = N'source';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'cos_entry', N'COLUMN', N'created_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Creation timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'cos_entry', @level2type = N'COLUMN', @level2name = N'created_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Creation timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'cos_entry', @level2type = N'COLUMN', @level2name = N'created_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'cos_entry', N'INDEX', N'IX_app_cos_entry_org_id_pursuit_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Cost entries of a pursuit (covers the cos_hours/cos_amount roll-up)', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'cos_entry', @level2type = N'INDEX', @level2name = N'IX_app_cos_entry_org_id_pursuit_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Cost entries of a pursuit (covers the cos_hours/cos_amount roll-up)', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'cos_entry', @level2type = N'INDEX', @level2name = N'IX_app_cos_entry_org_id_pursuit_id';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 18 table app.work_event
-- Event sourcing and outbox pattern for reliable processing.
CREATE TABLE app.work_event (
    event_id bigint IDENTITY (1, 1) NOT NULL, -- Primary key
    org_id int NOT NULL, -- Organization ID
    item_type varchar(12) NOT NULL, -- Item type
    item_id bigint NOT NULL, -- Item ID
    event_name varchar(40) NOT NULL, -- Event name
    payload_json nvarchar(max) NULL, -- Event payload
    happened_at datetime2 NOT NULL CONSTRAINT DF_app_work_event_happened_at DEFAULT (SYSUTCDATETIME()), -- Event timestamp
    actor_user_id int NULL, -- User who triggered event
    claimed_at datetime2 NULL, -- Outbox claim timestamp
    claimed_by varchar(64) NULL, -- Worker claiming event
    processed_at datetime2 NULL, -- Processing completion timestamp
    dead_letter_at datetime2 NULL, -- Dead letter timestamp
    retry_count int NOT NULL CONSTRAINT DF_app_work_event_retry_count DEFAULT (0), -- Retry attempts
    max_attempts int NOT NULL CONSTRAINT DF_app_work_event_max_attempts DEFAULT (5), -- Maximum retry attempts
    CONSTRAINT PK_app_work_event PRIMARY KEY CLUSTERED (event_id),
    CONSTRAINT FK_app_work_event_org_id_core_org FOREIGN KEY (org_id) REFERENCES core.org (org_id),
    CONSTRAINT FK_app_work_event_actor_user_id_core_user_account FOREIGN KEY (org_id, actor_user_id)
    REFERENCES core.user_account (org_id, user_id)
);

CREATE NONCLUSTERED INDEX IX_app_work_event_pending -- Outbox: events still to process, oldest first
    ON app.work_event (event_id) INCLUDE (claimed_at)
    WHERE processed_at IS NULL AND dead_letter_at IS NULL;

CREATE NONCLUSTERED INDEX IX_app_work_event_item -- Event history of an item
    ON app.work_event (org_id, item_type, item_id, happened_at DESC);
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 18 describe app.work_event
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'work_event', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Event sourcing and outbox pattern for reliable processing.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'work_event';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Event sourcing and outbox pattern for reliable processing.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'work_event';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'work_event', N'COLUMN', N'event_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'work_event', @level2type = N'COLUMN', @level2name = N'event_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'work_event', @level2type = N'COLUMN', @level2name = N'event_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'work_event', N'COLUMN', N'org_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Organization ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'work_event', @level2type = N'COLUMN', @level2name = N'org_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Organization ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'work_event', @level2type = N'COLUMN', @level2name = N'org_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'work_event', N'COLUMN', N'item_type'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Item type', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'work_event', @level2type = N'COLUMN', @level2name = N'item_type';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Item type', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'work_event', @level2type = N'COLUMN', @level2name = N'item_type';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'work_event', N'COLUMN', N'item_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Item ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'work_event', @level2type = N'COLUMN', @level2name = N'item_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Item ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'work_event', @level2type = N'COLUMN', @level2name = N'item_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'work_event', N'COLUMN', N'event_name'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Event name', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'work_event', @level2type = N'COLUMN', @level2name = N'event_name';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Event name', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'work_event', @level2type = N'COLUMN', @level2name = N'event_name';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'work_event', N'COLUMN', N'payload_json'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Event payload', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'work_event', @level2type = N'COLUMN', @level2name = N'payload_json';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Event payload', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'work_event', @level2type = N'COLUMN', @level2name = N'payload_json';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'work_event', N'COLUMN', N'happened_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Event timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'work_event', @level2type = N'COLUMN', @level2name = N'happened_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Event timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'work_event', @level2type = N'COLUMN', @level2name = N'happened_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'work_event', N'COLUMN', N'actor_user_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'User who triggered event', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'work_event', @level2type = N'COLUMN', @level2name = N'actor_user_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'User who triggered event', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'work_event', @level2type = N'COLUMN', @level2name = N'actor_user_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'work_event', N'COLUMN', N'claimed_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Outbox claim timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'work_event', @level2type = N'COLUMN', @level2name = N'claimed_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Outbox claim timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'work_event', @level2type = N'COLUMN', @level2name = N'claimed_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'work_event', N'COLUMN', N'claimed_by'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Worker claiming event', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'work_event', @level2type = N'COLUMN', @level2name = N'claimed_by';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Worker claiming event', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'work_event', @level2type = N'COLUMN', @level2name = N'claimed_by';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'work_event', N'COLUMN', N'processed_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Processing completion timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'work_event', @level2type = N'COLUMN', @level2name = N'processed_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Processing completion timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'work_event', @level2type = N'COLUMN', @level2name = N'processed_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'work_event', N'COLUMN', N'dead_letter_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Dead letter timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'work_event', @level2type = N'COLUMN', @level2name = N'dead_letter_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Dead letter timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'work_event', @level2type = N'COLUMN', @level2name = N'dead_letter_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'work_event', N'COLUMN', N'retry_count'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Retry attempts', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'work_event', @level2type = N'COLUMN', @level2name = N'retry_count';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Retry attempts', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'work_event', @level2type = N'COLUMN', @level2name = N'retry_count';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'work_event', N'COLUMN', N'max_attempts'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Maximum retry attempts', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'work_event', @level2type = N'COLUMN', @level2name = N'max_attempts';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Maximum retry attempts', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'work_event', @level2type = N'COLUMN', @level2name = N'max_attempts';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'work_event', N'INDEX', N'IX_app_work_event_pending'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Outbox: events still to process, oldest first', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'work_event', @level2type = N'INDEX', @level2name = N'IX_app_work_event_pending';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Outbox: events still to process, oldest first', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'work_event', @level2type = N'INDEX', @level2name = N'IX_app_work_event_pending';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'work_event', N'INDEX', N'IX_app_work_event_item'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Event history of an item', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'work_event', @level2type = N'INDEX', @level2name = N'IX_app_work_event_item';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Event history of an item', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'work_event', @level2type = N'INDEX', @level2name = N'IX_app_work_event_item';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 19 table app.work_item_link
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
    CONSTRAINT FK_app_work_item_link_org_id_core_org FOREIGN KEY (org_id) REFERENCES core.org (org_id)
);

CREATE UNIQUE NONCLUSTERED INDEX UX_app_work_item_link_item -- Links of an item, each target once
    ON app.work_item_link (org_id, item_type, item_id, link_type, target_type, target_ref);

CREATE NONCLUSTERED INDEX IX_app_work_item_link_target ON app.work_item_link (org_id, target_type, target_ref); -- Items linked to a target
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 19 describe app.work_item_link
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'work_item_link', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Links work items to external references.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'work_item_link';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Links work items to external references.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'work_item_link';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'work_item_link', N'COLUMN', N'link_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'work_item_link', @level2type = N'COLUMN', @level2name = N'link_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'work_item_link', @level2type = N'COLUMN', @level2name = N'link_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'work_item_link', N'COLUMN', N'org_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Organization ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'work_item_link', @level2type = N'COLUMN', @level2name = N'org_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Organization ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'work_item_link', @level2type = N'COLUMN', @level2name = N'org_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'work_item_link', N'COLUMN', N'item_type'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Item type: ''signal'', ''candidate'', ''pursuit''', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'work_item_link', @level2type = N'COLUMN', @level2name = N'item_type';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Item type: ''signal'', ''candidate'', ''pursuit''', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'work_item_link', @level2type = N'COLUMN', @level2name = N'item_type';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'work_item_link', N'COLUMN', N'item_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Item ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'work_item_link', @level2type = N'COLUMN', @level2name = N'item_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Item ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'work_item_link', @level2type = N'COLUMN', @level2name = N'item_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'work_item_link', N'COLUMN', N'link_type'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Link type: ''thread'', ''doc''', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'work_item_link', @level2type = N'COLUMN', @level2name = N'link_type';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Link type: ''thread'', ''doc''', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'work_item_link', @level2type = N'COLUMN', @level2name = N'link_type';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'work_item_link', N'COLUMN', N'target_type'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Target system type', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'work_item_link', @level2type = N'COLUMN', @level2name = N'target_type';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Target system type', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'work_item_link', @level2type = N'COLUMN', @level2name = N'target_type';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'work_item_link', N'COLUMN', N'target_ref'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Target reference', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'work_item_link', @level2type = N'COLUMN', @level2name = N'target_ref';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Target reference', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'work_item_link', @level2type = N'COLUMN', @level2name = N'target_ref';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'work_item_link', N'COLUMN', N'created_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Creation timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'work_item_link', @level2type = N'COLUMN', @level2name = N'created_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Creation timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'work_item_link', @level2type = N'COLUMN', @level2name = N'created_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'work_item_link', N'INDEX', N'UX_app_work_item_link_item'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Links of an item, each target once', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'work_item_link', @level2type = N'INDEX', @level2name = N'UX_app_work_item_link_item';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Links of an item, each target once', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'work_item_link', @level2type = N'INDEX', @level2name = N'UX_app_work_item_link_item';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'work_item_link', N'INDEX', N'IX_app_work_item_link_target'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Items linked to a target', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'work_item_link', @level2type = N'INDEX', @level2name = N'IX_app_work_item_link_target';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Items linked to a target', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'work_item_link', @level2type = N'INDEX', @level2name = N'IX_app_work_item_link_target';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 20 table app.drip_schedule
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
    REFERENCES core.email_template (org_id, template_id)
);

CREATE NONCLUSTERED INDEX IX_app_drip_schedule_due ON app.drip_schedule (next_run_at) WHERE status = 'active'; -- Due drips, soonest first

CREATE NONCLUSTERED INDEX IX_app_drip_schedule_org_id_candidate_id ON app.drip_schedule (org_id, candidate_id); -- Drips of a candidate
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 20 describe app.drip_schedule
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'drip_schedule', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Automated nurture campaigns.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'drip_schedule';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Automated nurture campaigns.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'drip_schedule';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'drip_schedule', N'COLUMN', N'drip_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'drip_schedule', @level2type = N'COLUMN', @level2name = N'drip_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'drip_schedule', @level2type = N'COLUMN', @level2name = N'drip_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'drip_schedule', N'COLUMN', N'org_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Organization ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'drip_schedule', @level2type = N'COLUMN', @level2name = N'org_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Organization ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'drip_schedule', @level2type = N'COLUMN', @level2name = N'org_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'drip_schedule', N'COLUMN', N'candidate_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Target candidate', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'drip_schedule', @level2type = N'COLUMN', @level2name = N'candidate_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Target candidate', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'drip_schedule', @level2type = N'COLUMN', @level2name = N'candidate_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'drip_schedule', N'COLUMN', N'template_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Email template ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'drip_schedule', @level2type = N'COLUMN', @level2name = N'template_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Email template ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'drip_schedule', @level2type = N'COLUMN', @level2name = N'template_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'drip_schedule', N'COLUMN', N'next_run_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Next send time', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'drip_schedule', @level2type = N'COLUMN', @level2name = N'next_run_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Next send time', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'drip_schedule', @level2type = N'COLUMN', @level2name = N'next_run_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'drip_schedule', N'COLUMN', N'cadence_days'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Days between sends', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'drip_schedule', @level2type = N'COLUMN', @level2name = N'cadence_days';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Days between sends', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'drip_schedule', @level2type = N'COLUMN', @level2name = N'cadence_days';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'drip_schedule', N'COLUMN', N'status'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Status: ''active'', ''paused'', ''done''', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'drip_schedule', @level2type = N'COLUMN', @level2name = N'status';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Status: ''active'', ''paused'', ''done''', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'drip_schedule', @level2type = N'COLUMN', @level2name = N'status';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'drip_schedule', N'COLUMN', N'last_sent_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Last send timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'drip_schedule', @level2type = N'COLUMN', @level2name = N'last_sent_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Last send timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'drip_schedule', @level2type = N'COLUMN', @level2name = N'last_sent_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'drip_schedule', N'INDEX', N'IX_app_drip_schedule_due'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Due drips, soonest first', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'drip_schedule', @level2type = N'INDEX', @level2name = N'IX_app_drip_schedule_due';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Due drips, soonest first', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'drip_schedule', @level2type = N'INDEX', @level2name = N'IX_app_drip_schedule_due';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'drip_schedule', N'INDEX', N'IX_app_drip_schedule_org_id_candidate_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Drips of a candidate', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'drip_schedule', @level2type = N'INDEX', @level2name = N'IX_app_drip_schedule_org_id_candidate_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Drips of a candidate', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'drip_schedule', @level2type = N'INDEX', @level2name = N'IX_app_drip_schedule_org_id_candidate_id';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:guard epilogue: record the migration and commit
DECLARE @started datetime2(7) = CAST(SESSION_CONTEXT(N'wsdb.started') AS datetime2(7));
INSERT INTO dbo.wsdb_migration_history (migration_name, checksum, duration_ms, builder)
VALUES (N'20250907_add_workstream_tables', 'bcdc4c6a7bdbe648b1c94a62ecae4a6f6d43580626ecdc58350a5fdfbdc3eb28', DATEDIFF(MILLISECOND, @started, SYSUTCDATETIME()), '0.1.0');
COMMIT TRANSACTION;
PRINT N'20250907_add_workstream_tables: applied.';
GO
-- wsdb:guard whatever happened above, statements run again from here
SET NOEXEC OFF;
GO
-- wsdb:guard final check: an error above leaves nothing behind, and says so
IF @@TRANCOUNT > 0
    ROLLBACK TRANSACTION;
IF OBJECT_ID(N'dbo.wsdb_migration_history', N'U') IS NULL
    THROW 50102, N'20250907_add_workstream_tables: not applied; nothing was changed (see the first error above).', 1;
IF NOT EXISTS (
    SELECT 1
    FROM dbo.wsdb_migration_history AS h
    WHERE h.migration_name = N'20250907_add_workstream_tables' AND h.checksum = 'bcdc4c6a7bdbe648b1c94a62ecae4a6f6d43580626ecdc58350a5fdfbdc3eb28'
)
    THROW 50102, N'20250907_add_workstream_tables: not applied; its changes were rolled back (see the first error above).', 1;
GO
