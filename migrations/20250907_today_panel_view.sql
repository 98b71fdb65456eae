/*
Migration    20250907_today_panel_view
Description  Dashboard view: the first Today panel (open candidates, pursuits and signals with their SLA metric and badge), before ranking.
Template     migrations/templates/20250907_today_panel_view.sql.j2  sha256 835084ae4d03c39470b1e671beec00cf41a0f59d6f1f5275e5ee7f731a94dd9b
Sources      (none)
Builder      workstream-db 0.1.0
Checksum     4883c656ec04241ee1055f073a6a75531e33bf6092b7c4e2bd6b384fec04ad88
             sha256 of this file with the checksum replaced by 64 zeros; the history table
             dbo.wsdb_migration_history and migrations/migrations.sum record it.
Transaction  every step runs in one transaction: all of it applies, or none of it.
Run it       wsdb apply, or sqlcmd -b -I -i 20250907_today_panel_view.sql, or SSMS (no SQLCMD mode needed).
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
    THROW 50100, N'20250907_today_panel_view: run this script outside any transaction; it opens and commits its own.', 1;
DECLARE @started datetime2(7) = SYSUTCDATETIME();
EXEC sys.sp_set_session_context @key = N'wsdb.started', @value = @started;
BEGIN TRANSACTION;
DECLARE @lock int;
EXEC @lock = sys.sp_getapplock @Resource = N'wsdb.migrations', @LockMode = N'Exclusive', @LockOwner = N'Transaction', @LockTimeout = 600000;
IF @lock < 0
    THROW 50103, N'20250907_today_panel_view: another migration held the lock wsdb.migrations for 10 minutes; nothing was changed.', 1;
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
    WHERE h.migration_name = N'20250907_today_panel_view'
);
IF @applied = '4883c656ec04241ee1055f073a6a75531e33bf6092b7c4e2bd6b384fec04ad88'
    BEGIN
        COMMIT TRANSACTION;
        PRINT N'20250907_today_panel_view: already applied with this checksum; skipped.';
        SET NOEXEC ON;
    END;
IF @applied IS NOT NULL AND @applied <> '4883c656ec04241ee1055f073a6a75531e33bf6092b7c4e2bd6b384fec04ad88'
    BEGIN
        DECLARE @message nvarchar(2048) = CONCAT(
            N'20250907_today_panel_view: applied before with checksum ', @applied,
            N'; this file has 4883c656ec04241ee1055f073a6a75531e33bf6092b7c4e2bd6b384fec04ad88. Released scripts must not change; nothing was done.'
        );
        THROW 50101, @message, 1;
    END;
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 1 module app.v_today_panel (v2.1)
-- Dashboard view: open candidates, pursuits and unlinked signals with their open SLA metric and a badge.
CREATE OR ALTER VIEW app.v_today_panel
AS
WITH items AS (
    SELECT
        CAST('candidate' AS varchar(12)) AS item_type,
        c.candidate_id AS item_id,
        c.org_id,
        CAST(c.title AS nvarchar(300)) AS label,
        CAST(c.status AS varchar(12)) AS state,
        c.last_touch_at,
        CAST(NULL AS date) AS due_date
    FROM app.candidate AS c
    WHERE c.status IN ('new', 'triaged', 'nurture', 'on_hold')

    UNION ALL

    SELECT
        CAST('pursuit' AS varchar(12)) AS item_type,
        p.pursuit_id AS item_id,
        p.org_id,
        CAST(c.title AS nvarchar(300)) AS label,
        CAST(p.pursuit_stage AS varchar(12)) AS state,
        p.updated_at AS last_touch_at,
        p.due_date
    FROM app.pursuit AS p
    INNER JOIN app.candidate AS c
        ON p.org_id = c.org_id AND p.candidate_id = c.candidate_id
    WHERE p.pursuit_stage IN ('qual', 'pink', 'red', 'submit')

    UNION ALL

    SELECT
        CAST('signal' AS varchar(12)) AS item_type,
        s.signal_id AS item_id,
        s.org_id,
        COALESCE(s.problem_phrase, CAST(LEFT(s.snippet, 300) AS nvarchar(300))) AS label,
        CAST('open' AS varchar(12)) AS state,
        s.ts AS last_touch_at,
        CAST(NULL AS date) AS due_date
    FROM app.signal AS s
    WHERE NOT EXISTS (
        SELECT 1
        FROM app.candidate_signal AS cs
        WHERE cs.org_id = s.org_id AND cs.signal_id = s.signal_id
    )
),

open_breaches AS (
    SELECT
        b.org_id,
        b.item_type,
        b.item_id,
        MIN(r.metric) AS sla_metric
    FROM app.sla_breach AS b
    INNER JOIN app.sla_rule AS r
        ON b.org_id = r.org_id AND b.rule_id = r.rule_id
    WHERE b.resolved_at IS NULL
    GROUP BY b.org_id, b.item_type, b.item_id
)

SELECT
    i.item_type,
    i.item_id,
    i.org_id,
    i.label,
    i.state,
    i.last_touch_at,
    i.due_date,
    ob.sla_metric,
    CAST(CASE
        WHEN ob.item_id IS NOT NULL THEN 'breach'
        WHEN i.due_date < CAST(SYSUTCDATETIME() AS date) THEN 'overdue'
        WHEN i.due_date <= DATEADD(DAY, 3, CAST(SYSUTCDATETIME() AS date)) THEN 'due_soon'
        WHEN DATEDIFF(MINUTE, i.last_touch_at, SYSUTCDATETIME()) / 60 >= 168 THEN 'stale'
    END AS varchar(12)) AS badge
FROM items AS i
LEFT OUTER JOIN open_breaches AS ob
    ON i.org_id = ob.org_id AND i.item_type = ob.item_type AND i.item_id = ob.item_id;
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 1 describe app.v_today_panel (v2.1)
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'VIEW', N'v_today_panel', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Dashboard view: open candidates, pursuits and unlinked signals with their open SLA metric and a badge.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'VIEW', @level1name = N'v_today_panel';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Dashboard view: open candidates, pursuits and unlinked signals with their open SLA metric and a badge.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'VIEW', @level1name = N'v_today_panel';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:guard epilogue: record the migration and commit
DECLARE @started datetime2(7) = CAST(SESSION_CONTEXT(N'wsdb.started') AS datetime2(7));
INSERT INTO dbo.wsdb_migration_history (migration_name, checksum, duration_ms, builder)
VALUES (N'20250907_today_panel_view', '4883c656ec04241ee1055f073a6a75531e33bf6092b7c4e2bd6b384fec04ad88', DATEDIFF(MILLISECOND, @started, SYSUTCDATETIME()), '0.1.0');
COMMIT TRANSACTION;
PRINT N'20250907_today_panel_view: applied.';
GO
-- wsdb:guard whatever happened above, statements run again from here
SET NOEXEC OFF;
GO
-- wsdb:guard final check: an error above leaves nothing behind, and says so
IF @@TRANCOUNT > 0
    ROLLBACK TRANSACTION;
IF OBJECT_ID(N'dbo.wsdb_migration_history', N'U') IS NULL
    THROW 50102, N'20250907_today_panel_view: not applied; nothing was changed (see the first error above).', 1;
IF NOT EXISTS (
    SELECT 1
    FROM dbo.wsdb_migration_history AS h
    WHERE h.migration_name = N'20250907_today_panel_view' AND h.checksum = '4883c656ec04241ee1055f073a6a75531e33bf6092b7c4e2bd6b384fec04ad88'
)
    THROW 50102, N'20250907_today_panel_view: not applied; its changes were rolled back (see the first error above).', 1;
GO
