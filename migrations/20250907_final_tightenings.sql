/*
Migration    20250907_final_tightenings
Description  SLA, checklists, constraints: SLA rules and breaches, pursuit checklists with their readiness view, and the CHECK constraints of the workstream tables.
Template     migrations/templates/20250907_final_tightenings.sql.j2  sha256 4617d0973e3be3a656ab6229b47e08b3ff305ddc19fc9a6b2e76886484c5f8f1
Sources      sql/tables/app.candidate.sql  sha256 a36259ea6f5dea23d7ba6426888388b9397557b94eae4119bec617cfc9ff9f33
             sql/tables/app.candidate_signal.sql  sha256 9485efb48c1db1fa5f0cc1807a552eada4bf8cd46c34f69e001ab130af4e0f24
             sql/tables/app.cos_entry.sql  sha256 83fd156a6bb56cdfb7e9ff10ed618d9ca1fdb27ddcb02d50f9e475dce277eb1c
             sql/tables/app.drip_schedule.sql  sha256 d85eb352628f4565b8396074054ef92b471bd3dea8f456cc0c64c05c6bf27ea6
             sql/tables/app.problem_taxonomy.sql  sha256 a263a0a4577a125f6f1bc4a67b96d14e0b060f99e59ab6e20d1b1bb03b5299b3
             sql/tables/app.proposal.sql  sha256 be8b75da666474f4a116932b46ae3d6296846b39a6910cbe6e3dfe87594a9e7e
             sql/tables/app.pursuit.sql  sha256 dee114a5b4a2c26d1d4927f4c292390fb3a26248dfd181a6d49044473d47bde6
             sql/tables/app.pursuit_checklist.sql  sha256 72e24a23610dc224b663697703626971bebae24ac1e1effbf89afe003a834132
             sql/tables/app.pursuit_role_estimate.sql  sha256 ec5325b36dea6cc11c41d652dd70103c3b138b8b48671d1bd2b57b9479f25dc7
             sql/tables/app.signal.sql  sha256 d4010bec36587c5daad5b9e07deb600f3163c0346a3b4bda506a184fe88ba6aa
             sql/tables/app.signal_cluster.sql  sha256 cd0464a182736a0cf9bfb5d15aae6a20324c84ce6991839959946ab12cf3f86b
             sql/tables/app.sla_breach.sql  sha256 c12e1d8d92f8ea6af53adbf730916d315e761f96b8c2f899619a4acee939e9c5
             sql/tables/app.sla_rule.sql  sha256 0976d9e80c96cd3d5f8994b22c353ba132489d560928d768d874f85e7a9e935e
             sql/tables/app.solution_catalog.sql  sha256 419d081c1c4837f21fba1102d24101dee9be98aa10c4f7ecbf9cd94e1c91747a
             sql/tables/app.work_event.sql  sha256 6d14dda054afb1d8322a1187b0e73f517736bef8e1d65852de47344a80b5803c
             sql/tables/app.work_item_link.sql  sha256 54d2d1455dfbdf0df4cb058a6f1b0fa39c19adfdff6507992ce7eb8cbb1f4ff2
             sql/views/app.v_pursuit_checklist_ready.sql  sha256 c30f66e8ee197352e92e7197acca1aabae80621b18ac3489b79c96a02ca7d6f3
Builder      workstream-db 0.1.0
Checksum     26e7bb4d0d5657c0a4e4e0f4baff817942706705e8773933025f89cde8587676
             sha256 of this file with the checksum replaced by 64 zeros; the history table
             dbo.wsdb_migration_history and migrations/migrations.sum record it.
Transaction  every step runs in one transaction: all of it applies, or none of it.
Run it       wsdb apply, or sqlcmd -b -I -i 20250907_final_tightenings.sql, or SSMS (no SQLCMD mode needed).
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
    THROW 50100, N'20250907_final_tightenings: run this script outside any transaction; it opens and commits its own.', 1;
DECLARE @started datetime2(7) = SYSUTCDATETIME();
EXEC sys.sp_set_session_context @key = N'wsdb.started', @value = @started;
BEGIN TRANSACTION;
DECLARE @lock int;
EXEC @lock = sys.sp_getapplock @Resource = N'wsdb.migrations', @LockMode = N'Exclusive', @LockOwner = N'Transaction', @LockTimeout = 600000;
IF @lock < 0
    THROW 50103, N'20250907_final_tightenings: another migration held the lock wsdb.migrations for 10 minutes; nothing was changed.', 1;
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
    WHERE h.migration_name = N'20250907_final_tightenings'
);
IF @applied = '26e7bb4d0d5657c0a4e4e0f4baff817942706705e8773933025f89cde8587676'
    BEGIN
        COMMIT TRANSACTION;
        PRINT N'20250907_final_tightenings: already applied with this checksum; skipped.';
        SET NOEXEC ON;
    END;
IF @applied IS NOT NULL AND @applied <> '26e7bb4d0d5657c0a4e4e0f4baff817942706705e8773933025f89cde8587676'
    BEGIN
        DECLARE @message nvarchar(2048) = CONCAT(
            N'20250907_final_tightenings: applied before with checksum ', @applied,
            N'; this file has 26e7bb4d0d5657c0a4e4e0f4baff817942706705e8773933025f89cde8587676. Released scripts must not change; nothing was done.'
        );
        THROW 50101, @message, 1;
    END;
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 1 table app.sla_rule
-- wsdb:never-deleted rules are effective-dated and switched off with is_active = 0; breaches keep pointing at them
-- Service level agreement definitions.
CREATE TABLE app.sla_rule (
    rule_id int IDENTITY (1, 1) NOT NULL, -- Primary key
    org_id int NOT NULL, -- Organization ID
    item_type varchar(12) NOT NULL, -- Item type
    stage varchar(16) NULL, -- Applicable stage
    metric varchar(24) NOT NULL, -- SLA metric
    threshold_hrs int NOT NULL, -- Hours threshold
    active_from datetime2 NOT NULL CONSTRAINT DF_app_sla_rule_active_from DEFAULT (SYSUTCDATETIME()), -- Activation date
    active_to datetime2 NULL, -- Deactivation date
    is_active bit NOT NULL CONSTRAINT DF_app_sla_rule_is_active DEFAULT (1), -- Active flag
    CONSTRAINT PK_app_sla_rule PRIMARY KEY CLUSTERED (rule_id),
    CONSTRAINT UQ_app_sla_rule_org_id_rule_id UNIQUE NONCLUSTERED (org_id, rule_id),
    CONSTRAINT FK_app_sla_rule_org_id_core_org FOREIGN KEY (org_id) REFERENCES core.org (org_id),
    CONSTRAINT CK_app_sla_rule_item_type CHECK (item_type IN ('signal', 'candidate', 'pursuit')),
    CONSTRAINT CK_app_sla_rule_threshold_hrs CHECK (threshold_hrs >= 1),
    CONSTRAINT CK_app_sla_rule_active_to CHECK (active_to > active_from)
);
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 1 describe app.sla_rule
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'sla_rule', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Service level agreement definitions.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'sla_rule';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Service level agreement definitions.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'sla_rule';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'sla_rule', N'COLUMN', N'rule_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'sla_rule', @level2type = N'COLUMN', @level2name = N'rule_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'sla_rule', @level2type = N'COLUMN', @level2name = N'rule_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'sla_rule', N'COLUMN', N'org_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Organization ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'sla_rule', @level2type = N'COLUMN', @level2name = N'org_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Organization ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'sla_rule', @level2type = N'COLUMN', @level2name = N'org_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'sla_rule', N'COLUMN', N'item_type'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Item type', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'sla_rule', @level2type = N'COLUMN', @level2name = N'item_type';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Item type', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'sla_rule', @level2type = N'COLUMN', @level2name = N'item_type';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'sla_rule', N'COLUMN', N'stage'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Applicable stage', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'sla_rule', @level2type = N'COLUMN', @level2name = N'stage';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Applicable stage', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'sla_rule', @level2type = N'COLUMN', @level2name = N'stage';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'sla_rule', N'COLUMN', N'metric'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'SLA metric', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'sla_rule', @level2type = N'COLUMN', @level2name = N'metric';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'SLA metric', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'sla_rule', @level2type = N'COLUMN', @level2name = N'metric';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'sla_rule', N'COLUMN', N'threshold_hrs'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Hours threshold', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'sla_rule', @level2type = N'COLUMN', @level2name = N'threshold_hrs';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Hours threshold', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'sla_rule', @level2type = N'COLUMN', @level2name = N'threshold_hrs';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'sla_rule', N'COLUMN', N'active_from'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Activation date', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'sla_rule', @level2type = N'COLUMN', @level2name = N'active_from';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Activation date', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'sla_rule', @level2type = N'COLUMN', @level2name = N'active_from';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'sla_rule', N'COLUMN', N'active_to'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Deactivation date', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'sla_rule', @level2type = N'COLUMN', @level2name = N'active_to';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Deactivation date', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'sla_rule', @level2type = N'COLUMN', @level2name = N'active_to';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'sla_rule', N'COLUMN', N'is_active'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Active flag', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'sla_rule', @level2type = N'COLUMN', @level2name = N'is_active';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Active flag', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'sla_rule', @level2type = N'COLUMN', @level2name = N'is_active';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 2 table app.sla_breach
-- Recorded SLA violations.
CREATE TABLE app.sla_breach (
    breach_id bigint IDENTITY (1, 1) NOT NULL, -- Primary key
    org_id int NOT NULL, -- Organization ID
    item_type varchar(12) NOT NULL, -- Item type
    item_id bigint NOT NULL, -- Item ID
    rule_id int NOT NULL, -- SLA rule ID
    breached_at datetime2 NOT NULL CONSTRAINT DF_app_sla_breach_breached_at DEFAULT (SYSUTCDATETIME()), -- Breach timestamp
    reason_code varchar(32) NULL, -- Breach reason
    resolved_at datetime2 NULL, -- Resolution timestamp
    CONSTRAINT PK_app_sla_breach PRIMARY KEY CLUSTERED (breach_id),
    CONSTRAINT FK_app_sla_breach_org_id_core_org FOREIGN KEY (org_id) REFERENCES core.org (org_id),
    CONSTRAINT FK_app_sla_breach_rule_id_app_sla_rule FOREIGN KEY (org_id, rule_id)
    REFERENCES app.sla_rule (org_id, rule_id),
    CONSTRAINT CK_app_sla_breach_item_type CHECK (item_type IN ('signal', 'candidate', 'pursuit')),
    CONSTRAINT CK_app_sla_breach_resolved_at CHECK (resolved_at >= breached_at)
);

CREATE UNIQUE NONCLUSTERED INDEX UX_app_sla_breach_open -- At most one open breach per item and rule (makes breach recording idempotent)
    ON app.sla_breach (org_id, item_type, item_id, rule_id)
    WHERE resolved_at IS NULL;

CREATE NONCLUSTERED INDEX IX_app_sla_breach_item -- Breach history of an item
    ON app.sla_breach (org_id, item_type, item_id, breached_at DESC);
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 2 describe app.sla_breach
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'sla_breach', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Recorded SLA violations.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'sla_breach';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Recorded SLA violations.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'sla_breach';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'sla_breach', N'COLUMN', N'breach_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'sla_breach', @level2type = N'COLUMN', @level2name = N'breach_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'sla_breach', @level2type = N'COLUMN', @level2name = N'breach_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'sla_breach', N'COLUMN', N'org_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Organization ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'sla_breach', @level2type = N'COLUMN', @level2name = N'org_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Organization ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'sla_breach', @level2type = N'COLUMN', @level2name = N'org_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'sla_breach', N'COLUMN', N'item_type'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Item type', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'sla_breach', @level2type = N'COLUMN', @level2name = N'item_type';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Item type', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'sla_breach', @level2type = N'COLUMN', @level2name = N'item_type';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'sla_breach', N'COLUMN', N'item_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Item ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'sla_breach', @level2type = N'COLUMN', @level2name = N'item_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Item ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'sla_breach', @level2type = N'COLUMN', @level2name = N'item_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'sla_breach', N'COLUMN', N'rule_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'SLA rule ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'sla_breach', @level2type = N'COLUMN', @level2name = N'rule_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'SLA rule ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'sla_breach', @level2type = N'COLUMN', @level2name = N'rule_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'sla_breach', N'COLUMN', N'breached_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Breach timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'sla_breach', @level2type = N'COLUMN', @level2name = N'breached_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Breach timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'sla_breach', @level2type = N'COLUMN', @level2name = N'breached_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'sla_breach', N'COLUMN', N'reason_code'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Breach reason', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'sla_breach', @level2type = N'COLUMN', @level2name = N'reason_code';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Breach reason', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'sla_breach', @level2type = N'COLUMN', @level2name = N'reason_code';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'sla_breach', N'COLUMN', N'resolved_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Resolution timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'sla_breach', @level2type = N'COLUMN', @level2name = N'resolved_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Resolution timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'sla_breach', @level2type = N'COLUMN', @level2name = N'resolved_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'sla_breach', N'INDEX', N'UX_app_sla_breach_open'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'At most one open breach per item and rule (makes breach recording idempotent)', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'sla_breach', @level2type = N'INDEX', @level2name = N'UX_app_sla_breach_open';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'At most one open breach per item and rule (makes breach recording idempotent)', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'sla_breach', @level2type = N'INDEX', @level2name = N'UX_app_sla_breach_open';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'sla_breach', N'INDEX', N'IX_app_sla_breach_item'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Breach history of an item', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'sla_breach', @level2type = N'INDEX', @level2name = N'IX_app_sla_breach_item';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Breach history of an item', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'sla_breach', @level2type = N'INDEX', @level2name = N'IX_app_sla_breach_item';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 3 table app.pursuit_checklist
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
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 3 describe app.pursuit_checklist
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'pursuit_checklist', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Quality checklist items for pursuits.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit_checklist';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Quality checklist items for pursuits.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit_checklist';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'pursuit_checklist', N'COLUMN', N'checklist_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit_checklist', @level2type = N'COLUMN', @level2name = N'checklist_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit_checklist', @level2type = N'COLUMN', @level2name = N'checklist_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'pursuit_checklist', N'COLUMN', N'org_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Organization ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit_checklist', @level2type = N'COLUMN', @level2name = N'org_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Organization ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit_checklist', @level2type = N'COLUMN', @level2name = N'org_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'pursuit_checklist', N'COLUMN', N'pursuit_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Associated pursuit', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit_checklist', @level2type = N'COLUMN', @level2name = N'pursuit_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Associated pursuit', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit_checklist', @level2type = N'COLUMN', @level2name = N'pursuit_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'pursuit_checklist', N'COLUMN', N'name'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Checklist item name', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit_checklist', @level2type = N'COLUMN', @level2name = N'name';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Checklist item name', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit_checklist', @level2type = N'COLUMN', @level2name = N'name';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'pursuit_checklist', N'COLUMN', N'is_required'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Required flag', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit_checklist', @level2type = N'COLUMN', @level2name = N'is_required';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Required flag', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit_checklist', @level2type = N'COLUMN', @level2name = N'is_required';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'pursuit_checklist', N'COLUMN', N'is_done'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Completion flag', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit_checklist', @level2type = N'COLUMN', @level2name = N'is_done';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Completion flag', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit_checklist', @level2type = N'COLUMN', @level2name = N'is_done';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'pursuit_checklist', N'COLUMN', N'done_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Completion timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit_checklist', @level2type = N'COLUMN', @level2name = N'done_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Completion timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit_checklist', @level2type = N'COLUMN', @level2name = N'done_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'pursuit_checklist', N'INDEX', N'UX_app_pursuit_checklist_name'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Checklist of a pursuit, each item name once', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit_checklist', @level2type = N'INDEX', @level2name = N'UX_app_pursuit_checklist_name';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Checklist of a pursuit, each item name once', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'pursuit_checklist', @level2type = N'INDEX', @level2name = N'UX_app_pursuit_checklist_name';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 4 module app.v_pursuit_checklist_ready
-- Determines if a pursuit's required checklist items are complete.
--
-- ready = 1 when no required item of the pursuit is still open; a pursuit without required items is ready.
CREATE OR ALTER VIEW app.v_pursuit_checklist_ready
AS
SELECT
    p.org_id,
    p.pursuit_id,
    CAST(CASE
        WHEN EXISTS (
            SELECT 1
            FROM app.pursuit_checklist AS pc
            WHERE
                pc.org_id = p.org_id
                AND pc.pursuit_id = p.pursuit_id
                AND pc.is_required = 1
                AND pc.is_done = 0
        ) THEN 0
        ELSE 1
    END AS bit) AS ready
FROM app.pursuit AS p;
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 4 describe app.v_pursuit_checklist_ready
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'VIEW', N'v_pursuit_checklist_ready', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Determines if a pursuit''s required checklist items are complete.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'VIEW', @level1name = N'v_pursuit_checklist_ready';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Determines if a pursuit''s required checklist items are complete.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'VIEW', @level1name = N'v_pursuit_checklist_ready';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 5 constraints app.signal_cluster constraints
ALTER TABLE app.signal_cluster WITH CHECK ADD
    CONSTRAINT CK_app_signal_cluster_params_json CHECK (ISJSON(params_json) = 1);
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 6 constraints app.signal constraints
ALTER TABLE app.signal WITH CHECK ADD
    CONSTRAINT CK_app_signal_source_type CHECK (source_type IN ('email', 'ad', 'call', 'note'));
ALTER TABLE app.signal WITH CHECK ADD
    CONSTRAINT CK_app_signal_urgency_score CHECK (urgency_score BETWEEN 0 AND 1);
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 7 constraints app.candidate constraints
ALTER TABLE app.candidate WITH CHECK ADD
    CONSTRAINT CK_app_candidate_confidence CHECK (confidence BETWEEN 0 AND 1);
ALTER TABLE app.candidate WITH CHECK ADD
    CONSTRAINT CK_app_candidate_value_band CHECK (value_band IN ('low', 'med', 'high'));
ALTER TABLE app.candidate WITH CHECK ADD
    CONSTRAINT CK_app_candidate_status CHECK (status IN ('new', 'triaged', 'nurture', 'on_hold', 'promoted', 'archived'));
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 8 constraints app.pursuit constraints
ALTER TABLE app.pursuit WITH CHECK ADD
    CONSTRAINT CK_app_pursuit_pursuit_stage CHECK (pursuit_stage IN ('qual', 'pink', 'red', 'submit', 'won', 'lost'));
ALTER TABLE app.pursuit WITH CHECK ADD
    CONSTRAINT CK_app_pursuit_compliance_score CHECK (compliance_score BETWEEN 0 AND 100);
ALTER TABLE app.pursuit WITH CHECK ADD
    CONSTRAINT CK_app_pursuit_forecast_value_usd CHECK (forecast_value_usd >= 0);
ALTER TABLE app.pursuit WITH CHECK ADD
    CONSTRAINT CK_app_pursuit_cos_hours CHECK (cos_hours >= 0);
ALTER TABLE app.pursuit WITH CHECK ADD
    CONSTRAINT CK_app_pursuit_cos_amount CHECK (cos_amount >= 0);
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 9 constraints app.pursuit_role_estimate constraints
ALTER TABLE app.pursuit_role_estimate WITH CHECK ADD
    CONSTRAINT CK_app_pursuit_role_estimate_pert_order CHECK (
        optimistic_hours >= 0 AND optimistic_hours <= most_likely_hours AND most_likely_hours <= pessimistic_hours
    );
ALTER TABLE app.pursuit_role_estimate WITH CHECK ADD
    CONSTRAINT CK_app_pursuit_role_estimate_confidence CHECK (confidence BETWEEN 0 AND 1);
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 10 constraints app.proposal constraints
ALTER TABLE app.proposal WITH CHECK ADD
    CONSTRAINT CK_app_proposal_version CHECK (version >= 1);
ALTER TABLE app.proposal WITH CHECK ADD
    CONSTRAINT CK_app_proposal_status CHECK (status IN ('draft', 'sent', 'signed', 'void'));
ALTER TABLE app.proposal WITH CHECK ADD
    CONSTRAINT CK_app_proposal_sent_at CHECK (status NOT IN ('sent', 'signed') OR sent_at IS NOT NULL);
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 11 constraints app.cos_entry constraints
ALTER TABLE app.cos_entry WITH CHECK ADD
    CONSTRAINT CK_app_cos_entry_hours CHECK (hours >= 0);
ALTER TABLE app.cos_entry WITH CHECK ADD
    CONSTRAINT CK_app_cos_entry_rate CHECK (rate >= 0);
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 12 constraints app.work_event constraints
ALTER TABLE app.work_event WITH CHECK ADD
    CONSTRAINT CK_app_work_event_item_type CHECK (item_type IN ('signal', 'candidate', 'pursuit', 'proposal', 'drip'));
ALTER TABLE app.work_event WITH CHECK ADD
    CONSTRAINT CK_app_work_event_payload_json CHECK (ISJSON(payload_json) = 1);
ALTER TABLE app.work_event WITH CHECK ADD
    CONSTRAINT CK_app_work_event_claim CHECK (
        (claimed_at IS NULL AND claimed_by IS NULL) OR (claimed_at IS NOT NULL AND claimed_by IS NOT NULL)
    );
ALTER TABLE app.work_event WITH CHECK ADD
    CONSTRAINT CK_app_work_event_retry_count CHECK (retry_count >= 0 AND retry_count <= max_attempts);
ALTER TABLE app.work_event WITH CHECK ADD
    CONSTRAINT CK_app_work_event_max_attempts CHECK (max_attempts >= 1);
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 13 constraints app.work_item_link constraints
ALTER TABLE app.work_item_link WITH CHECK ADD
    CONSTRAINT CK_app_work_item_link_item_type CHECK (item_type IN ('signal', 'candidate', 'pursuit'));
ALTER TABLE app.work_item_link WITH CHECK ADD
    CONSTRAINT CK_app_work_item_link_link_type CHECK (link_type IN ('thread', 'doc'));
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 14 constraints app.drip_schedule constraints
ALTER TABLE app.drip_schedule WITH CHECK ADD
    CONSTRAINT CK_app_drip_schedule_cadence_days CHECK (cadence_days >= 1);
ALTER TABLE app.drip_schedule WITH CHECK ADD
    CONSTRAINT CK_app_drip_schedule_status CHECK (status IN ('active', 'paused', 'done'));
ALTER TABLE app.drip_schedule WITH CHECK ADD
    CONSTRAINT CK_app_drip_schedule_next_run_at CHECK (status <> 'active' OR next_run_at IS NOT NULL);
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:guard epilogue: record the migration and commit
DECLARE @started datetime2(7) = CAST(SESSION_CONTEXT(N'wsdb.started') AS datetime2(7));
INSERT INTO dbo.wsdb_migration_history (migration_name, checksum, duration_ms, builder)
VALUES (N'20250907_final_tightenings', '26e7bb4d0d5657c0a4e4e0f4baff817942706705e8773933025f89cde8587676', DATEDIFF(MILLISECOND, @started, SYSUTCDATETIME()), '0.1.0');
COMMIT TRANSACTION;
PRINT N'20250907_final_tightenings: applied.';
GO
-- wsdb:guard whatever happened above, statements run again from here
SET NOEXEC OFF;
GO
-- wsdb:guard final check: an error above leaves nothing behind, and says so
IF @@TRANCOUNT > 0
    ROLLBACK TRANSACTION;
IF OBJECT_ID(N'dbo.wsdb_migration_history', N'U') IS NULL
    THROW 50102, N'20250907_final_tightenings: not applied; nothing was changed (see the first error above).', 1;
IF NOT EXISTS (
    SELECT 1
    FROM dbo.wsdb_migration_history AS h
    WHERE h.migration_name = N'20250907_final_tightenings' AND h.checksum = '26e7bb4d0d5657c0a4e4e0f4baff817942706705e8773933025f89cde8587676'
)
    THROW 50102, N'20250907_final_tightenings: not applied; its changes were rolled back (see the first error above).', 1;
GO
