/*
Migration    20250909_add_config_registry
Description  Centralized configuration system: the effective-dated configuration registry and the view of what is in force now.
Template     migrations/templates/20250909_add_config_registry.sql.j2  sha256 f1124f42b3039dff7edc0949ec852cab1d720ddd408c578573ed2002ceedf529
Sources      sql/tables/app.config_registry.sql  sha256 ece7bb0c02b04c0d66136becfb44b5612009e7f191b16784d4d56ea6e1393c9a
             sql/views/app.v_active_config.sql  sha256 d4fdccf993d572ff8007a7510931244fdf73a83348bd5b7381a5bbdfc39bb84e
Builder      workstream-db 0.1.0
Checksum     f159f7e1466891109d7040f2e0a8ae43b6f83adab1bd7204272b0a1e78e41fbb
             sha256 of this file with the checksum replaced by 64 zeros; the history table
             dbo.wsdb_migration_history and migrations/migrations.sum record it.
Transaction  every step runs in one transaction: all of it applies, or none of it.
Run it       wsdb apply, or sqlcmd -b -I -i 20250909_add_config_registry.sql, or SSMS (no SQLCMD mode needed).
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
    THROW 50100, N'20250909_add_config_registry: run this script outside any transaction; it opens and commits its own.', 1;
DECLARE @started datetime2(7) = SYSUTCDATETIME();
EXEC sys.sp_set_session_context @key = N'wsdb.started', @value = @started;
BEGIN TRANSACTION;
DECLARE @lock int;
EXEC @lock = sys.sp_getapplock @Resource = N'wsdb.migrations', @LockMode = N'Exclusive', @LockOwner = N'Transaction', @LockTimeout = 600000;
IF @lock < 0
    THROW 50103, N'20250909_add_config_registry: another migration held the lock wsdb.migrations for 10 minutes; nothing was changed.', 1;
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
    WHERE h.migration_name = N'20250909_add_config_registry'
);
IF @applied = 'f159f7e1466891109d7040f2e0a8ae43b6f83adab1bd7204272b0a1e78e41fbb'
    BEGIN
        COMMIT TRANSACTION;
        PRINT N'20250909_add_config_registry: already applied with this checksum; skipped.';
        SET NOEXEC ON;
    END;
IF @applied IS NOT NULL AND @applied <> 'f159f7e1466891109d7040f2e0a8ae43b6f83adab1bd7204272b0a1e78e41fbb'
    BEGIN
        DECLARE @message nvarchar(2048) = CONCAT(
            N'20250909_add_config_registry: applied before with checksum ', @applied,
            N'; this file has f159f7e1466891109d7040f2e0a8ae43b6f83adab1bd7204272b0a1e78e41fbb. Released scripts must not change; nothing was done.'
        );
        THROW 50101, @message, 1;
    END;
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 1 table app.config_registry
-- Centralized configuration management for all business rules.
CREATE TABLE app.config_registry (
    config_id bigint IDENTITY (1, 1) NOT NULL, -- Primary key
    org_id int NOT NULL, -- Organization ID
    config_type varchar(32) NOT NULL, -- Type: 'sla_rule', 'spotlight_rule', 'gate_rule', 'ranking_rule'
    config_key varchar(64) NOT NULL, -- Configuration key
    config_value nvarchar(max) NOT NULL, -- JSON configuration data
    effective_from datetime2 NOT NULL CONSTRAINT DF_app_config_registry_effective_from DEFAULT (SYSUTCDATETIME()), -- Activation date
    effective_to datetime2 NULL, -- Deactivation date (NULL = active)
    is_active bit NOT NULL CONSTRAINT DF_app_config_registry_is_active DEFAULT (1), -- Active flag
    created_at datetime2 NOT NULL CONSTRAINT DF_app_config_registry_created_at DEFAULT (SYSUTCDATETIME()), -- Creation timestamp
    created_by int NULL, -- Creator user ID
    updated_at datetime2 NOT NULL CONSTRAINT DF_app_config_registry_updated_at DEFAULT (SYSUTCDATETIME()), -- Last update timestamp
    updated_by int NULL, -- Last updater user ID
    CONSTRAINT PK_app_config_registry PRIMARY KEY CLUSTERED (config_id),
    CONSTRAINT FK_app_config_registry_org_id_core_org FOREIGN KEY (org_id) REFERENCES core.org (org_id),
    CONSTRAINT FK_app_config_registry_created_by_core_user_account FOREIGN KEY (org_id, created_by)
    REFERENCES core.user_account (org_id, user_id),
    CONSTRAINT FK_app_config_registry_updated_by_core_user_account FOREIGN KEY (org_id, updated_by)
    REFERENCES core.user_account (org_id, user_id),
    CONSTRAINT CK_app_config_registry_config_type CHECK (config_type IN ('sla_rule', 'spotlight_rule', 'gate_rule', 'ranking_rule')),
    CONSTRAINT CK_app_config_registry_config_value CHECK (ISJSON(config_value) = 1),
    CONSTRAINT CK_app_config_registry_effective_to CHECK (effective_to > effective_from)
);

CREATE NONCLUSTERED INDEX IX_config_registry_org_type ON app.config_registry (org_id, config_type, is_active); -- Lookup by type

CREATE NONCLUSTERED INDEX IX_config_registry_effective -- Time-based filtering
    ON app.config_registry (effective_from, effective_to)
    WHERE is_active = 1;

CREATE UNIQUE NONCLUSTERED INDEX UX_config_registry_active -- Unique active configs
    ON app.config_registry (org_id, config_type, config_key, effective_from)
    WHERE is_active = 1 AND effective_to IS NULL;
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 1 describe app.config_registry
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'config_registry', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Centralized configuration management for all business rules.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'config_registry';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Centralized configuration management for all business rules.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'config_registry';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'config_registry', N'COLUMN', N'config_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'config_registry', @level2type = N'COLUMN', @level2name = N'config_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'config_registry', @level2type = N'COLUMN', @level2name = N'config_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'config_registry', N'COLUMN', N'org_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Organization ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'config_registry', @level2type = N'COLUMN', @level2name = N'org_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Organization ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'config_registry', @level2type = N'COLUMN', @level2name = N'org_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'config_registry', N'COLUMN', N'config_type'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Type: ''sla_rule'', ''spotlight_rule'', ''gate_rule'', ''ranking_rule''', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'config_registry', @level2type = N'COLUMN', @level2name = N'config_type';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Type: ''sla_rule'', ''spotlight_rule'', ''gate_rule'', ''ranking_rule''', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'config_registry', @level2type = N'COLUMN', @level2name = N'config_type';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'config_registry', N'COLUMN', N'config_key'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Configuration key', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'config_registry', @level2type = N'COLUMN', @level2name = N'config_key';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Configuration key', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'config_registry', @level2type = N'COLUMN', @level2name = N'config_key';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'config_registry', N'COLUMN', N'config_value'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'JSON configuration data', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'config_registry', @level2type = N'COLUMN', @level2name = N'config_value';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'JSON configuration data', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'config_registry', @level2type = N'COLUMN', @level2name = N'config_value';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'config_registry', N'COLUMN', N'effective_from'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Activation date', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'config_registry', @level2type = N'COLUMN', @level2name = N'effective_from';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Activation date', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'config_registry', @level2type = N'COLUMN', @level2name = N'effective_from';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'config_registry', N'COLUMN', N'effective_to'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Deactivation date (NULL = active)', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'config_registry', @level2type = N'COLUMN', @level2name = N'effective_to';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Deactivation date (NULL = active)', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'config_registry', @level2type = N'COLUMN', @level2name = N'effective_to';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'config_registry', N'COLUMN', N'is_active'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Active flag', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'config_registry', @level2type = N'COLUMN', @level2name = N'is_active';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Active flag', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'config_registry', @level2type = N'COLUMN', @level2name = N'is_active';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'config_registry', N'COLUMN', N'created_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Creation timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'config_registry', @level2type = N'COLUMN', @level2name = N'created_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Creation timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'config_registry', @level2type = N'COLUMN', @level2name = N'created_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'config_registry', N'COLUMN', N'created_by'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Creator user ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'config_registry', @level2type = N'COLUMN', @level2name = N'created_by';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Creator user ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'config_registry', @level2type = N'COLUMN', @level2name = N'created_by';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'config_registry', N'COLUMN', N'updated_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Last update timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'config_registry', @level2type = N'COLUMN', @level2name = N'updated_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Last update timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'config_registry', @level2type = N'COLUMN', @level2name = N'updated_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'config_registry', N'COLUMN', N'updated_by'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Last updater user ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'config_registry', @level2type = N'COLUMN', @level2name = N'updated_by';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Last updater user ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'config_registry', @level2type = N'COLUMN', @level2name = N'updated_by';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'config_registry', N'INDEX', N'IX_config_registry_org_type'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Lookup by type', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'config_registry', @level2type = N'INDEX', @level2name = N'IX_config_registry_org_type';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Lookup by type', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'config_registry', @level2type = N'INDEX', @level2name = N'IX_config_registry_org_type';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'config_registry', N'INDEX', N'IX_config_registry_effective'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Time-based filtering', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'config_registry', @level2type = N'INDEX', @level2name = N'IX_config_registry_effective';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Time-based filtering', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'config_registry', @level2type = N'INDEX', @level2name = N'IX_config_registry_effective';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'config_registry', N'INDEX', N'UX_config_registry_active'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Unique active configs', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'config_registry', @level2type = N'INDEX', @level2name = N'UX_config_registry_active';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Unique active configs', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'config_registry', @level2type = N'INDEX', @level2name = N'UX_config_registry_active';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 2 module app.v_active_config
-- Real-time view of currently active configurations.
--
-- A row is active when is_active = 1, effective_from <= now and effective_to is NULL or later than now. When several
-- rows of one (org_id, config_type, config_key) are active at once (a newer version starting while the older one is
-- still open-ended), the one with the latest effective_from wins: effective dating supersedes, it does not merge.
CREATE OR ALTER VIEW app.v_active_config
AS
WITH effective AS (
    SELECT
        c.config_id,
        c.org_id,
        c.config_type,
        c.config_key,
        c.config_value,
        c.effective_from,
        c.effective_to,
        c.created_at,
        c.created_by,
        ROW_NUMBER() OVER (
            PARTITION BY c.org_id, c.config_type, c.config_key
            ORDER BY c.effective_from DESC, c.config_id DESC
        ) AS version_rank
    FROM app.config_registry AS c
    WHERE
        c.is_active = 1
        AND c.effective_from <= SYSUTCDATETIME()
        AND (c.effective_to IS NULL OR c.effective_to > SYSUTCDATETIME())
)

SELECT
    e.config_id,
    e.org_id,
    e.config_type,
    e.config_key,
    e.config_value,
    e.effective_from,
    e.effective_to,
    e.created_at,
    e.created_by
FROM effective AS e
WHERE e.version_rank = 1;
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 2 describe app.v_active_config
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'VIEW', N'v_active_config', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Real-time view of currently active configurations.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'VIEW', @level1name = N'v_active_config';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Real-time view of currently active configurations.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'VIEW', @level1name = N'v_active_config';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:guard epilogue: record the migration and commit
DECLARE @started datetime2(7) = CAST(SESSION_CONTEXT(N'wsdb.started') AS datetime2(7));
INSERT INTO dbo.wsdb_migration_history (migration_name, checksum, duration_ms, builder)
VALUES (N'20250909_add_config_registry', 'f159f7e1466891109d7040f2e0a8ae43b6f83adab1bd7204272b0a1e78e41fbb', DATEDIFF(MILLISECOND, @started, SYSUTCDATETIME()), '0.1.0');
COMMIT TRANSACTION;
PRINT N'20250909_add_config_registry: applied.';
GO
-- wsdb:guard whatever happened above, statements run again from here
SET NOEXEC OFF;
GO
-- wsdb:guard final check: an error above leaves nothing behind, and says so
IF @@TRANCOUNT > 0
    ROLLBACK TRANSACTION;
IF OBJECT_ID(N'dbo.wsdb_migration_history', N'U') IS NULL
    THROW 50102, N'20250909_add_config_registry: not applied; nothing was changed (see the first error above).', 1;
IF NOT EXISTS (
    SELECT 1
    FROM dbo.wsdb_migration_history AS h
    WHERE h.migration_name = N'20250909_add_config_registry' AND h.checksum = 'f159f7e1466891109d7040f2e0a8ae43b6f83adab1bd7204272b0a1e78e41fbb'
)
    THROW 50102, N'20250909_add_config_registry: not applied; its changes were rolled back (see the first error above).', 1;
GO
