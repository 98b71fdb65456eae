/*
Migration    20250907_add_core_modules
Description  Module system integration: the module registry, per-org module switches and the reference list of modules.
Template     migrations/templates/20250907_add_core_modules.sql.j2  sha256 1ab0e8089292105ce3d9eb34d0cf870cdbc7500423f3cf213b210496e585a26a
Sources      sql/data/core.module.sql  sha256 38ba33df008280efd6102b94f57f9df53a9279279a5658b63172af06e6b856d4
             sql/tables/core.module.sql  sha256 02e5bfbe41cab1e754e37d50a160b23ac3b2257b52404e341e884d8056cbc24c
             sql/tables/core.org_module.sql  sha256 0069326a030cea86ebe9853f88e36c1706e5a850fa7f12281e17b993821ee582
Builder      workstream-db 0.1.0
Checksum     973296ba64600fca87bd1b3f4956737e0d80e716269fa683839221aef09d77b8
             sha256 of this file with the checksum replaced by 64 zeros; the history table
             dbo.wsdb_migration_history and migrations/migrations.sum record it.
Transaction  every step runs in one transaction: all of it applies, or none of it.
Run it       wsdb apply, or sqlcmd -b -I -i 20250907_add_core_modules.sql, or SSMS (no SQLCMD mode needed).
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
    THROW 50100, N'20250907_add_core_modules: run this script outside any transaction; it opens and commits its own.', 1;
DECLARE @started datetime2(7) = SYSUTCDATETIME();
EXEC sys.sp_set_session_context @key = N'wsdb.started', @value = @started;
BEGIN TRANSACTION;
DECLARE @lock int;
EXEC @lock = sys.sp_getapplock @Resource = N'wsdb.migrations', @LockMode = N'Exclusive', @LockOwner = N'Transaction', @LockTimeout = 600000;
IF @lock < 0
    THROW 50103, N'20250907_add_core_modules: another migration held the lock wsdb.migrations for 10 minutes; nothing was changed.', 1;
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
    WHERE h.migration_name = N'20250907_add_core_modules'
);
IF @applied = '973296ba64600fca87bd1b3f4956737e0d80e716269fa683839221aef09d77b8'
    BEGIN
        COMMIT TRANSACTION;
        PRINT N'20250907_add_core_modules: already applied with this checksum; skipped.';
        SET NOEXEC ON;
    END;
IF @applied IS NOT NULL AND @applied <> '973296ba64600fca87bd1b3f4956737e0d80e716269fa683839221aef09d77b8'
    BEGIN
        DECLARE @message nvarchar(2048) = CONCAT(
            N'20250907_add_core_modules: applied before with checksum ', @applied,
            N'; this file has 973296ba64600fca87bd1b3f4956737e0d80e716269fa683839221aef09d77b8. Released scripts must not change; nothing was done.'
        );
        THROW 50101, @message, 1;
    END;
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 1 table core.module
-- Registry of platform modules that an org can enable.
CREATE TABLE core.module (
    module_code varchar(32) NOT NULL, -- Primary key: stable module code ('workstream', 'spotlight', ...)
    name nvarchar(120) NOT NULL, -- Module display name
    description nvarchar(400) NULL, -- What the module does
    created_at datetime2 NOT NULL CONSTRAINT DF_core_module_created_at DEFAULT (SYSUTCDATETIME()), -- Creation timestamp
    CONSTRAINT PK_core_module PRIMARY KEY CLUSTERED (module_code),
    CONSTRAINT CK_core_module_module_code CHECK (module_code NOT LIKE '%[^a-z0-9_]%')
);
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 1 describe core.module
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'core', N'TABLE', N'module', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Registry of platform modules that an org can enable.', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'module';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Registry of platform modules that an org can enable.', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'module';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'core', N'TABLE', N'module', N'COLUMN', N'module_code'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Primary key: stable module code (''workstream'', ''spotlight'', ...)', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'module', @level2type = N'COLUMN', @level2name = N'module_code';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Primary key: stable module code (''workstream'', ''spotlight'', ...)', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'module', @level2type = N'COLUMN', @level2name = N'module_code';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'core', N'TABLE', N'module', N'COLUMN', N'name'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Module display name', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'module', @level2type = N'COLUMN', @level2name = N'name';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Module display name', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'module', @level2type = N'COLUMN', @level2name = N'name';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'core', N'TABLE', N'module', N'COLUMN', N'description'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'What the module does', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'module', @level2type = N'COLUMN', @level2name = N'description';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'What the module does', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'module', @level2type = N'COLUMN', @level2name = N'description';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'core', N'TABLE', N'module', N'COLUMN', N'created_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Creation timestamp', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'module', @level2type = N'COLUMN', @level2name = N'created_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Creation timestamp', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'module', @level2type = N'COLUMN', @level2name = N'created_at';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 2 table core.org_module
-- Per-org enablement of platform modules.
CREATE TABLE core.org_module (
    org_id int NOT NULL, -- Organization ID
    module_code varchar(32) NOT NULL, -- Enabled module
    is_enabled bit NOT NULL CONSTRAINT DF_core_org_module_is_enabled DEFAULT (1), -- Whether the module is on for the org
    enabled_at datetime2 NOT NULL CONSTRAINT DF_core_org_module_enabled_at DEFAULT (SYSUTCDATETIME()), -- When the module was (last) enabled
    disabled_at datetime2 NULL, -- When the module was switched off (NULL while enabled)
    CONSTRAINT PK_core_org_module PRIMARY KEY CLUSTERED (org_id, module_code),
    CONSTRAINT FK_core_org_module_org_id_core_org FOREIGN KEY (org_id) REFERENCES core.org (org_id),
    CONSTRAINT FK_core_org_module_module_code_core_module FOREIGN KEY (module_code) REFERENCES core.module (module_code),
    CONSTRAINT CK_core_org_module_disabled_at CHECK (
        (is_enabled = 1 AND disabled_at IS NULL) OR (is_enabled = 0 AND disabled_at IS NOT NULL)
    )
);

CREATE NONCLUSTERED INDEX IX_core_org_module_module_code ON core.org_module (module_code); -- Orgs that use a module
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 2 describe core.org_module
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'core', N'TABLE', N'org_module', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Per-org enablement of platform modules.', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'org_module';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Per-org enablement of platform modules.', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'org_module';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'core', N'TABLE', N'org_module', N'COLUMN', N'org_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Organization ID', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'org_module', @level2type = N'COLUMN', @level2name = N'org_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Organization ID', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'org_module', @level2type = N'COLUMN', @level2name = N'org_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'core', N'TABLE', N'org_module', N'COLUMN', N'module_code'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Enabled module', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'org_module', @level2type = N'COLUMN', @level2name = N'module_code';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Enabled module', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'org_module', @level2type = N'COLUMN', @level2name = N'module_code';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'core', N'TABLE', N'org_module', N'COLUMN', N'is_enabled'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Whether the module is on for the org', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'org_module', @level2type = N'COLUMN', @level2name = N'is_enabled';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Whether the module is on for the org', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'org_module', @level2type = N'COLUMN', @level2name = N'is_enabled';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'core', N'TABLE', N'org_module', N'COLUMN', N'enabled_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'When the module was (last) enabled', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'org_module', @level2type = N'COLUMN', @level2name = N'enabled_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'When the module was (last) enabled', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'org_module', @level2type = N'COLUMN', @level2name = N'enabled_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'core', N'TABLE', N'org_module', N'COLUMN', N'disabled_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'When the module was switched off (NULL while enabled)', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'org_module', @level2type = N'COLUMN', @level2name = N'disabled_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'When the module was switched off (NULL while enabled)', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'org_module', @level2type = N'COLUMN', @level2name = N'disabled_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'core', N'TABLE', N'org_module', N'INDEX', N'IX_core_org_module_module_code'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Orgs that use a module', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'org_module', @level2type = N'INDEX', @level2name = N'IX_core_org_module_module_code';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Orgs that use a module', @level0type = N'SCHEMA', @level0name = N'core', @level1type = N'TABLE', @level1name = N'org_module', @level2type = N'INDEX', @level2name = N'IX_core_org_module_module_code';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 3 data core.module
-- Reference rows of the module registry: the modules this package ships.
DECLARE @module TABLE (
    module_code varchar(32) NOT NULL,
    name nvarchar(120) NOT NULL,
    description nvarchar(400) NULL
);

INSERT INTO @module (module_code, name, description)
VALUES
('workstream', N'Workstream', N'Sales pipeline: signals, candidates, pursuits, proposals, cost of sale, SLA and quality gates'),
('spotlight', N'Spotlight', N'ICP definitions, custom fields and explainable scoring of work items');

UPDATE m
SET
    m.name = v.name,
    m.description = v.description
FROM core.module AS m
INNER JOIN @module AS v ON m.module_code = v.module_code
-- A binary collation makes a change of letter case count as a change.
WHERE
    m.name <> v.name COLLATE Latin1_General_100_BIN2
    OR COALESCE(m.description, N'') <> COALESCE(v.description, N'') COLLATE Latin1_General_100_BIN2;

INSERT INTO core.module (module_code, name, description)
SELECT
    v.module_code,
    v.name,
    v.description
FROM @module AS v
WHERE NOT EXISTS (
    SELECT 1 FROM core.module AS m WITH (UPDLOCK, HOLDLOCK)
    WHERE m.module_code = v.module_code
);
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:guard epilogue: record the migration and commit
DECLARE @started datetime2(7) = CAST(SESSION_CONTEXT(N'wsdb.started') AS datetime2(7));
INSERT INTO dbo.wsdb_migration_history (migration_name, checksum, duration_ms, builder)
VALUES (N'20250907_add_core_modules', '973296ba64600fca87bd1b3f4956737e0d80e716269fa683839221aef09d77b8', DATEDIFF(MILLISECOND, @started, SYSUTCDATETIME()), '0.1.0');
COMMIT TRANSACTION;
PRINT N'20250907_add_core_modules: applied.';
GO
-- wsdb:guard whatever happened above, statements run again from here
SET NOEXEC OFF;
GO
-- wsdb:guard final check: an error above leaves nothing behind, and says so
IF @@TRANCOUNT > 0
    ROLLBACK TRANSACTION;
IF OBJECT_ID(N'dbo.wsdb_migration_history', N'U') IS NULL
    THROW 50102, N'20250907_add_core_modules: not applied; nothing was changed (see the first error above).', 1;
IF NOT EXISTS (
    SELECT 1
    FROM dbo.wsdb_migration_history AS h
    WHERE h.migration_name = N'20250907_add_core_modules' AND h.checksum = '973296ba64600fca87bd1b3f4956737e0d80e716269fa683839221aef09d77b8'
)
    THROW 50102, N'20250907_add_core_modules: not applied; its changes were rolled back (see the first error above).', 1;
GO
