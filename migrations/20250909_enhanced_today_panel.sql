/*
Migration    20250909_enhanced_today_panel
Description  Intelligent priority ranking: the Today panel gains priority score, owner, ICP band, hours since touch and tier; the user workload view reads them.
Template     migrations/templates/20250909_enhanced_today_panel.sql.j2  sha256 b7febe5a9aea3207b009b52ba8c2fe0dc893e0d027ecd881d0cfd50916b73bf1
Sources      sql/views/app.v_today_panel.sql  sha256 d7feb7d2e4e403b4c7fe96e01d32dc458452fbbae0f437b05582348cab82bd96
             sql/views/app.v_user_workload_analysis.sql  sha256 51824168f63dd196787e80ae6a520acc666f3e4a561a0f1291be57b1074ac58f
Builder      workstream-db 0.1.0
Checksum     ddf4cc95cc8d04254cc1cea8126e2b7b5dac4cd68601d8058ba03c230184404b
             sha256 of this file with the checksum replaced by 64 zeros; the history table
             dbo.wsdb_migration_history and migrations/migrations.sum record it.
Transaction  every step runs in one transaction: all of it applies, or none of it.
Run it       wsdb apply, or sqlcmd -b -I -i 20250909_enhanced_today_panel.sql, or SSMS (no SQLCMD mode needed).
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
    THROW 50100, N'20250909_enhanced_today_panel: run this script outside any transaction; it opens and commits its own.', 1;
DECLARE @started datetime2(7) = SYSUTCDATETIME();
EXEC sys.sp_set_session_context @key = N'wsdb.started', @value = @started;
BEGIN TRANSACTION;
DECLARE @lock int;
EXEC @lock = sys.sp_getapplock @Resource = N'wsdb.migrations', @LockMode = N'Exclusive', @LockOwner = N'Transaction', @LockTimeout = 600000;
IF @lock < 0
    THROW 50103, N'20250909_enhanced_today_panel: another migration held the lock wsdb.migrations for 10 minutes; nothing was changed.', 1;
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
    WHERE h.migration_name = N'20250909_enhanced_today_panel'
);
IF @applied = 'ddf4cc95cc8d04254cc1cea8126e2b7b5dac4cd68601d8058ba03c230184404b'
    BEGIN
        COMMIT TRANSACTION;
        PRINT N'20250909_enhanced_today_panel: already applied with this checksum; skipped.';
        SET NOEXEC ON;
    END;
IF @applied IS NOT NULL AND @applied <> 'ddf4cc95cc8d04254cc1cea8126e2b7b5dac4cd68601d8058ba03c230184404b'
    BEGIN
        DECLARE @message nvarchar(2048) = CONCAT(
            N'20250909_enhanced_today_panel: applied before with checksum ', @applied,
            N'; this file has ddf4cc95cc8d04254cc1cea8126e2b7b5dac4cd68601d8058ba03c230184404b. Released scripts must not change; nothing was done.'
        );
        THROW 50101, @message, 1;
    END;
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 1 module app.v_today_panel
-- Enhanced dashboard view with multi-factor priority scoring.
--
-- Items: open candidates ('new', 'triaged', 'nurture', 'on_hold'), open pursuits ('qual' to 'submit') and open signals
-- (not yet linked to a candidate). priority_score = SLA urgency + ICP band + stage - workload penalty:
--   SLA urgency 100 with an open breach, else by hours since the last touch: 50 from 72 h (aging),
--   25 from 24 h (medium), 10 below (recent);
--   ICP band 30 high, 15 med, 5 low; stage 35 submit, 25 red, 15 pink/nurture, 10 qual/triaged;
--   workload penalty 1 point per open item the owner has beyond 20, at most 20.
-- priority_tier: critical >= 100, high >= 75, medium >= 50, low below.
-- These first-version weights are the seed's numbers; moving them into the ranking_rule config is tracked separately.
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
        CAST(NULL AS date) AS due_date,
        c.owner_user_id,
        c.value_band AS icp_band
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
        p.due_date,
        p.capture_lead_id AS owner_user_id,
        c.value_band AS icp_band
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
        CAST(NULL AS date) AS due_date,
        s.owner_user_id,
        CAST(NULL AS varchar(8)) AS icp_band
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
),

measured AS (
    SELECT
        i.item_type,
        i.item_id,
        i.org_id,
        i.label,
        i.state,
        i.last_touch_at,
        i.due_date,
        i.owner_user_id,
        i.icp_band,
        ob.sla_metric,
        CASE WHEN ob.item_id IS NULL THEN 0 ELSE 1 END AS has_breach,
        DATEDIFF(MINUTE, i.last_touch_at, SYSUTCDATETIME()) / 60 AS hours_since_touch,
        COUNT(*) OVER (PARTITION BY i.org_id, i.owner_user_id) AS owner_open_items
    FROM items AS i
    LEFT OUTER JOIN open_breaches AS ob
        ON i.org_id = ob.org_id AND i.item_type = ob.item_type AND i.item_id = ob.item_id
),

weighted AS (
    SELECT
        m.item_type,
        m.item_id,
        m.org_id,
        m.label,
        m.state,
        m.last_touch_at,
        m.due_date,
        m.sla_metric,
        m.owner_user_id,
        m.icp_band,
        m.hours_since_touch,
        m.has_breach,
        CASE
            WHEN m.has_breach = 1 THEN 100
            WHEN m.hours_since_touch >= 72 THEN 50
            WHEN m.hours_since_touch >= 24 THEN 25
            ELSE 10
        END
        + CASE m.icp_band WHEN 'high' THEN 30 WHEN 'med' THEN 15 WHEN 'low' THEN 5 ELSE 0 END
        + CASE m.state
            WHEN 'submit' THEN 35
            WHEN 'red' THEN 25
            WHEN 'pink' THEN 15
            WHEN 'nurture' THEN 15
            WHEN 'qual' THEN 10
            WHEN 'triaged' THEN 10
            ELSE 0
        END
        - CASE
            WHEN m.owner_user_id IS NULL OR m.owner_open_items <= 20 THEN 0
            WHEN m.owner_open_items >= 40 THEN 20
            ELSE m.owner_open_items - 20
        END AS priority_score
    FROM measured AS m
)

SELECT
    w.item_type,
    w.item_id,
    w.org_id,
    w.label,
    w.state,
    w.last_touch_at,
    w.due_date,
    w.sla_metric,
    CAST(CASE
        WHEN w.has_breach = 1 THEN 'breach'
        WHEN w.due_date < CAST(SYSUTCDATETIME() AS date) THEN 'overdue'
        WHEN w.due_date <= DATEADD(DAY, 3, CAST(SYSUTCDATETIME() AS date)) THEN 'due_soon'
        WHEN w.hours_since_touch >= 168 THEN 'stale'
    END AS varchar(12)) AS badge,
    w.priority_score,
    w.owner_user_id,
    w.icp_band,
    w.hours_since_touch,
    CAST(CASE
        WHEN w.priority_score >= 100 THEN 'critical'
        WHEN w.priority_score >= 75 THEN 'high'
        WHEN w.priority_score >= 50 THEN 'medium'
        ELSE 'low'
    END AS varchar(8)) AS priority_tier
FROM weighted AS w;
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 1 describe app.v_today_panel
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'VIEW', N'v_today_panel', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Enhanced dashboard view with multi-factor priority scoring.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'VIEW', @level1name = N'v_today_panel';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Enhanced dashboard view with multi-factor priority scoring.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'VIEW', @level1name = N'v_today_panel';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 2 module app.v_user_workload_analysis
-- Performance analytics for workload distribution.
--
-- One row per owner with open items on app.v_today_panel. at_risk_items: not breached yet, but overdue, due within
-- three days or untouched for 72 hours or more; stale_items: untouched for a week (168 hours) or more.
CREATE OR ALTER VIEW app.v_user_workload_analysis
AS
SELECT
    t.org_id,
    t.owner_user_id,
    COUNT(*) AS total_items,
    SUM(CASE WHEN t.priority_tier = 'critical' THEN 1 ELSE 0 END) AS critical_items,
    SUM(CASE WHEN t.priority_tier = 'high' THEN 1 ELSE 0 END) AS high_priority_items,
    SUM(CASE WHEN t.priority_tier = 'medium' THEN 1 ELSE 0 END) AS medium_priority_items,
    SUM(CASE WHEN t.priority_tier = 'low' THEN 1 ELSE 0 END) AS low_priority_items,
    CAST(AVG(CAST(t.priority_score AS decimal(9, 2))) AS decimal(9, 2)) AS avg_priority_score,
    SUM(CASE WHEN t.badge = 'breach' THEN 1 ELSE 0 END) AS sla_breaches,
    SUM(
        CASE
            WHEN t.badge = 'breach' THEN 0
            WHEN t.badge IN ('overdue', 'due_soon') OR t.hours_since_touch >= 72 THEN 1
            ELSE 0
        END
    ) AS at_risk_items,
    MAX(t.hours_since_touch) AS max_hours_without_touch,
    SUM(CASE WHEN t.hours_since_touch >= 168 THEN 1 ELSE 0 END) AS stale_items
FROM app.v_today_panel AS t
WHERE t.owner_user_id IS NOT NULL
GROUP BY t.org_id, t.owner_user_id;
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 2 describe app.v_user_workload_analysis
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'VIEW', N'v_user_workload_analysis', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Performance analytics for workload distribution.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'VIEW', @level1name = N'v_user_workload_analysis';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Performance analytics for workload distribution.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'VIEW', @level1name = N'v_user_workload_analysis';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:guard epilogue: record the migration and commit
DECLARE @started datetime2(7) = CAST(SESSION_CONTEXT(N'wsdb.started') AS datetime2(7));
INSERT INTO dbo.wsdb_migration_history (migration_name, checksum, duration_ms, builder)
VALUES (N'20250909_enhanced_today_panel', 'ddf4cc95cc8d04254cc1cea8126e2b7b5dac4cd68601d8058ba03c230184404b', DATEDIFF(MILLISECOND, @started, SYSUTCDATETIME()), '0.1.0');
COMMIT TRANSACTION;
PRINT N'20250909_enhanced_today_panel: applied.';
GO
-- wsdb:guard whatever happened above, statements run again from here
SET NOEXEC OFF;
GO
-- wsdb:guard final check: an error above leaves nothing behind, and says so
IF @@TRANCOUNT > 0
    ROLLBACK TRANSACTION;
IF OBJECT_ID(N'dbo.wsdb_migration_history', N'U') IS NULL
    THROW 50102, N'20250909_enhanced_today_panel: not applied; nothing was changed (see the first error above).', 1;
IF NOT EXISTS (
    SELECT 1
    FROM dbo.wsdb_migration_history AS h
    WHERE h.migration_name = N'20250909_enhanced_today_panel' AND h.checksum = 'ddf4cc95cc8d04254cc1cea8126e2b7b5dac4cd68601d8058ba03c230184404b'
)
    THROW 50102, N'20250909_enhanced_today_panel: not applied; its changes were rolled back (see the first error above).', 1;
GO
