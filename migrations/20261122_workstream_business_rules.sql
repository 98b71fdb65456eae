/*
Migration    20261122_workstream_business_rules
Description  Workstream business rules: outbox leases and backoff, config-driven SLA rules, shipped configuration defaults of the template org, the effective-config view, and the procedures of the outbox, SLA, pipeline, scoring and drips.
Template     migrations/templates/20261122_workstream_business_rules.sql.j2  sha256 87aa195db42c25d1a66ee2eee639c62a5d84d51f2d421fa275bc7f34aac9880a
Sources      sql/data/app.config_registry.sql  sha256 d6b1490cca17b790e8e575daa5920ed802ce2537f6ed43849e36bd78b296aa98
             sql/data/core.org.sql  sha256 a2beb2570c37011259196543735bd2e190891700160afb49ab4e0cc30afbcff5
             sql/procedures/app.sp_append_work_event.sql  sha256 00d14fe89820b785090a716584fc92e3a2b1e10e062753d3754c4dd3b1bd7ff8
             sql/procedures/app.sp_set_config.sql  sha256 48dbb4938d39ed22da1c95a2abf69a09c2dbda4fedb0797e446085722a36f580
             sql/procedures/app.sp_today_panel.sql  sha256 83e64d27fc7ee4e2768db430c9d95c49d16b2b22fa41a704b7e1489e240328be
             sql/tables/app.sla_rule.sql  sha256 9f561678a4bce5217024559c845d05d0713b6d1ead0c5d647a46988d798770c2
             sql/tables/app.work_event.sql  sha256 1dfd0920cca00d4960d36d426824f29b1c047cedb161c1a420ad88136c7b3c68
             sql/views/app.v_effective_config.sql  sha256 1f12f8d0120156ebf66b43be7ad2ff88fbab357636a405a4cb2bcb702c0eeebb
             sql/views/app.v_today_panel.sql  sha256 b35973c5578dbaf64920099ac51c714e15b6a1ff7a02ba5907c104a81d79b11e
             sql/views/app.v_today_panel_rule.sql  sha256 7e8319253e49c580e87d25d87df60d124923ed7a8b944bd09cad05a255393192
             sql/views/app.v_user_workload_analysis.sql  sha256 92a537cd13b2622c3b21881ef2133ddffd9b292f3fdde2166838228df9b1e58e
Builder      workstream-db 0.1.0
Checksum     a1cbec48d2959baa7b2500c312e2a09869d79451da46f99c6c04d26baed8ec3d
             sha256 of this file with the checksum replaced by 64 zeros; the history table
             dbo.wsdb_migration_history and migrations/migrations.sum record it.
Transaction  every step runs in one transaction: all of it applies, or none of it.
Run it       wsdb apply, or sqlcmd -b -I -i 20261122_workstream_business_rules.sql, or SSMS (no SQLCMD mode needed).
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
    THROW 50100, N'20261122_workstream_business_rules: run this script outside any transaction; it opens and commits its own.', 1;
DECLARE @started datetime2(7) = SYSUTCDATETIME();
EXEC sys.sp_set_session_context @key = N'wsdb.started', @value = @started;
BEGIN TRANSACTION;
DECLARE @lock int;
EXEC @lock = sys.sp_getapplock @Resource = N'wsdb.migrations', @LockMode = N'Exclusive', @LockOwner = N'Transaction', @LockTimeout = 600000;
IF @lock < 0
    THROW 50103, N'20261122_workstream_business_rules: another migration held the lock wsdb.migrations for 10 minutes; nothing was changed.', 1;
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
    WHERE h.migration_name = N'20261122_workstream_business_rules'
);
IF @applied = 'a1cbec48d2959baa7b2500c312e2a09869d79451da46f99c6c04d26baed8ec3d'
    BEGIN
        COMMIT TRANSACTION;
        PRINT N'20261122_workstream_business_rules: already applied with this checksum; skipped.';
        SET NOEXEC ON;
    END;
IF @applied IS NOT NULL AND @applied <> 'a1cbec48d2959baa7b2500c312e2a09869d79451da46f99c6c04d26baed8ec3d'
    BEGIN
        DECLARE @message nvarchar(2048) = CONCAT(
            N'20261122_workstream_business_rules: applied before with checksum ', @applied,
            N'; this file has a1cbec48d2959baa7b2500c312e2a09869d79451da46f99c6c04d26baed8ec3d. Released scripts must not change; nothing was done.'
        );
        THROW 50101, @message, 1;
    END;
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 1 columns app.work_event columns lease_until, next_attempt_at, last_error
ALTER TABLE app.work_event ADD
    -- wsdb:allow W506 outbox lease: a claim expires, so a crashed worker's events are handed out again
    lease_until datetime2 NULL, -- End of the current claim's lease; after it the event may be reclaimed
    -- wsdb:allow W506 outbox retry backoff: a failed event waits before it is handed out again
    next_attempt_at datetime2 NULL, -- Earliest time a failed event may be claimed again (retry backoff); NULL = now
    -- wsdb:allow W506 outbox: why the last attempt failed, kept for the dead-letter review
    last_error nvarchar(2000) NULL; -- Error reported by the last failed attempt
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 1 columns app.work_event columns lease_until, next_attempt_at, last_error
ALTER TABLE app.work_event WITH CHECK ADD
    -- A lease belongs to a claim (claims recorded before leases existed have none and count as expired).
    CONSTRAINT CK_app_work_event_lease_until CHECK (lease_until IS NULL OR (claimed_at IS NOT NULL AND lease_until > claimed_at));
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 1 describe app.work_event columns lease_until, next_attempt_at, last_error
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'work_event', N'COLUMN', N'lease_until'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'End of the current claim''s lease; after it the event may be reclaimed', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'work_event', @level2type = N'COLUMN', @level2name = N'lease_until';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'End of the current claim''s lease; after it the event may be reclaimed', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'work_event', @level2type = N'COLUMN', @level2name = N'lease_until';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'work_event', N'COLUMN', N'next_attempt_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Earliest time a failed event may be claimed again (retry backoff); NULL = now', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'work_event', @level2type = N'COLUMN', @level2name = N'next_attempt_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Earliest time a failed event may be claimed again (retry backoff); NULL = now', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'work_event', @level2type = N'COLUMN', @level2name = N'next_attempt_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'work_event', N'COLUMN', N'last_error'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Error reported by the last failed attempt', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'work_event', @level2type = N'COLUMN', @level2name = N'last_error';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Error reported by the last failed attempt', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'work_event', @level2type = N'COLUMN', @level2name = N'last_error';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 2 drop_index app.work_event drop index IX_app_work_event_pending
DROP INDEX IX_app_work_event_pending ON app.work_event;
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 3 index app.work_event index IX_app_work_event_pending
CREATE NONCLUSTERED INDEX IX_app_work_event_pending -- Outbox: events still to process, oldest first
    ON app.work_event (event_id) INCLUDE (claimed_at, lease_until, next_attempt_at)
    WHERE processed_at IS NULL AND dead_letter_at IS NULL;
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 3 describe app.work_event index IX_app_work_event_pending
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'work_event', N'INDEX', N'IX_app_work_event_pending'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Outbox: events still to process, oldest first', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'work_event', @level2type = N'INDEX', @level2name = N'IX_app_work_event_pending';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Outbox: events still to process, oldest first', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'work_event', @level2type = N'INDEX', @level2name = N'IX_app_work_event_pending';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 4 columns app.sla_rule columns config_id
ALTER TABLE app.sla_rule ADD
    -- wsdb:allow W506 v2.2 moves SLA thresholds to the config registry; breaches keep pointing at the rule they broke
    config_id bigint NULL; -- Config registry entry this rule was materialized from (NULL = written here directly)
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 4 columns app.sla_rule columns config_id
ALTER TABLE app.sla_rule WITH CHECK ADD
    CONSTRAINT FK_app_sla_rule_config_id_app_config_registry FOREIGN KEY (config_id)
    REFERENCES app.config_registry (config_id);
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 4 describe app.sla_rule columns config_id
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'sla_rule', N'COLUMN', N'config_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Config registry entry this rule was materialized from (NULL = written here directly)', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'sla_rule', @level2type = N'COLUMN', @level2name = N'config_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Config registry entry this rule was materialized from (NULL = written here directly)', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'sla_rule', @level2type = N'COLUMN', @level2name = N'config_id';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 5 index app.sla_rule index UX_app_sla_rule_config
CREATE UNIQUE NONCLUSTERED INDEX UX_app_sla_rule_config -- One materialized rule per config entry and org
    ON app.sla_rule (config_id, org_id)
    WHERE config_id IS NOT NULL;
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 5 describe app.sla_rule index UX_app_sla_rule_config
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'sla_rule', N'INDEX', N'UX_app_sla_rule_config'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'One materialized rule per config entry and org', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'sla_rule', @level2type = N'INDEX', @level2name = N'UX_app_sla_rule_config';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'One materialized rule per config entry and org', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'sla_rule', @level2type = N'INDEX', @level2name = N'UX_app_sla_rule_config';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 6 data core.org
-- Reference rows of the org table: org 0, the template org.
--
-- Org 0 is not a tenant (is_active = 0, it owns no work items). It holds the package's shipped defaults in
-- app.config_registry; every org reads them unless it has an active row of its own for the same
-- (config_type, config_key) (app.v_effective_config). The platform's org service never hands out id 0.
DECLARE @org TABLE (
    org_id int NOT NULL,
    name nvarchar(200) NOT NULL
);

INSERT INTO @org (org_id, name)
VALUES (0, N'Template org: shipped configuration defaults');

UPDATE o
SET
    o.name = v.name,
    o.is_active = 0,
    o.updated_at = SYSUTCDATETIME()
FROM core.org AS o
INNER JOIN @org AS v ON o.org_id = v.org_id
WHERE o.name <> v.name COLLATE Latin1_General_100_BIN2 OR o.is_active <> 0;

INSERT INTO core.org (org_id, name, is_active)
SELECT
    v.org_id,
    v.name,
    0 AS is_active
FROM @org AS v
WHERE NOT EXISTS (
    SELECT 1 FROM core.org AS o WITH (UPDLOCK, HOLDLOCK)
    WHERE o.org_id = v.org_id
);
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 7 data app.config_registry
-- Shipped configuration defaults: the seed's numbers as effective-dated rows of the template org (org 0).
--
-- Every org reads these unless it has an active row of its own for the same (config_type, config_key)
-- (app.v_effective_config); docs/configuration.md describes each document. Rows are never edited: a changed
-- default is a new row with a later effective_from, and loading it closes the template's older open row of
-- the same key (effective_to = the new row's effective_from), so history stays readable.
DECLARE @config TABLE (
    config_type varchar(32) NOT NULL,
    config_key varchar(64) NOT NULL,
    effective_from datetime2 NOT NULL,
    config_value nvarchar(max) NOT NULL
);

INSERT INTO @config (config_type, config_key, effective_from, config_value)
VALUES
(
    'ranking_rule', 'today_panel', '2025-09-09T00:00:00',
    N'{"formula":"sla_urgency + icp_band + stage - workload_penalty",'
    + N'"sla_urgency":{"breach":100,"aging":50,"medium":25,"recent":10},'
    + N'"age_hours":{"aging":72,"medium":24},'
    + N'"icp_band":{"high":30,"med":15,"low":5},'
    + N'"stage":{"submit":35,"red":25,"pink":15,"nurture":15,"qual":10,"triaged":10},'
    + N'"workload":{"free_items":20,"points_per_item":1,"max_penalty":20},'
    + N'"tiers":{"critical":100,"high":75,"medium":50},'
    + N'"badges":{"due_soon_days":3,"stale_hours":168}}'
),
(
    'gate_rule', 'pink', '2025-09-09T00:00:00',
    N'{"stage":"pink","next_stage":"red","min_compliance_score":null,"required_items":['
    + N'"Compliance matrix complete","Win themes drafted","Storyboards reviewed","Pink team review held"]}'
),
(
    'gate_rule', 'red', '2025-09-09T00:00:00',
    N'{"stage":"red","next_stage":"submit","min_compliance_score":90.0,"required_items":['
    + N'"Pink team comments resolved","Full draft complete","Pricing approved","Red team review held"]}'
),
(
    'spotlight_rule', 'component_weights', '2025-09-09T00:00:00',
    N'{"algorithm_version":"v2.2","default_weight":1.0,'
    + N'"weights":{"industry_match":1.0,"budget_fit":1.0,"geo_alignment":1.0}}'
),
(
    'sla_rule', 'signal.any.response', '2025-09-09T00:00:00',
    N'{"item_type":"signal","stage":null,"metric":"response","threshold_hrs":24}'
),
(
    'sla_rule', 'candidate.new.touch', '2025-09-09T00:00:00',
    N'{"item_type":"candidate","stage":"new","metric":"touch","threshold_hrs":48}'
),
(
    'sla_rule', 'candidate.triaged.touch', '2025-09-09T00:00:00',
    N'{"item_type":"candidate","stage":"triaged","metric":"touch","threshold_hrs":72}'
),
(
    'sla_rule', 'candidate.nurture.touch', '2025-09-09T00:00:00',
    N'{"item_type":"candidate","stage":"nurture","metric":"touch","threshold_hrs":336}'
),
(
    'sla_rule', 'pursuit.qual.touch', '2025-09-09T00:00:00',
    N'{"item_type":"pursuit","stage":"qual","metric":"touch","threshold_hrs":120}'
),
(
    'sla_rule', 'pursuit.pink.touch', '2025-09-09T00:00:00',
    N'{"item_type":"pursuit","stage":"pink","metric":"touch","threshold_hrs":72}'
),
(
    'sla_rule', 'pursuit.red.touch', '2025-09-09T00:00:00',
    N'{"item_type":"pursuit","stage":"red","metric":"touch","threshold_hrs":48}'
),
(
    'sla_rule', 'pursuit.submit.touch', '2025-09-09T00:00:00',
    N'{"item_type":"pursuit","stage":"submit","metric":"touch","threshold_hrs":168}'
),
(
    'sla_rule', 'pursuit.any.due', '2025-09-09T00:00:00',
    N'{"item_type":"pursuit","stage":null,"metric":"due","threshold_hrs":48}'
);

-- A newer default supersedes the template's older open row of the same key.
UPDATE c
SET
    c.effective_to = v.effective_from,
    c.updated_at = SYSUTCDATETIME()
FROM app.config_registry AS c
INNER JOIN @config AS v
    ON c.config_type = v.config_type AND c.config_key = v.config_key
WHERE
    c.org_id = 0
    AND c.is_active = 1
    AND c.effective_to IS NULL
    AND c.effective_from < v.effective_from;

INSERT INTO app.config_registry (org_id, config_type, config_key, config_value, effective_from)
SELECT
    0 AS org_id,
    v.config_type,
    v.config_key,
    v.config_value,
    v.effective_from
FROM @config AS v
WHERE NOT EXISTS (
    SELECT 1 FROM app.config_registry AS c WITH (UPDLOCK, HOLDLOCK)
    WHERE
        c.org_id = 0
        AND c.config_type = v.config_type
        AND c.config_key = v.config_key
        AND c.effective_from = v.effective_from
);
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 8 module app.v_effective_config
-- The configuration each org works with now: its own active entry of a key, else the template org's.
--
-- One row per org (every row of core.org, the template org 0 included) and (config_type, config_key) that is active
-- now (app.v_active_config) for the org itself or for the template org 0. The org's own entry wins over the
-- template's for the same key; is_default = 1 marks a row taken from the template. An org overrides a whole
-- document, never part of one: a ranking formula or gate rule is reviewed and effective-dated as a unit.
-- An org switches a shipped key off with an entry of its own whose document says "enabled": false; such keys are
-- left out, so readers never see them.
CREATE OR ALTER VIEW app.v_effective_config
AS
WITH offered AS (
    SELECT
        o.org_id,
        a.config_type,
        a.config_key,
        a.config_id,
        a.config_value,
        a.effective_from,
        a.effective_to,
        CASE WHEN a.org_id = o.org_id THEN 0 ELSE 1 END AS is_default
    FROM core.org AS o
    INNER JOIN app.v_active_config AS a
        ON a.org_id = o.org_id OR a.org_id = 0
),

ranked AS (
    SELECT
        f.org_id,
        f.config_type,
        f.config_key,
        f.config_id,
        f.config_value,
        f.effective_from,
        f.effective_to,
        f.is_default,
        ROW_NUMBER() OVER (PARTITION BY f.org_id, f.config_type, f.config_key ORDER BY f.is_default ASC) AS precedence
    FROM offered AS f
)

SELECT
    r.org_id,
    r.config_type,
    r.config_key,
    r.config_id,
    r.config_value,
    r.effective_from,
    r.effective_to,
    CAST(r.is_default AS bit) AS is_default
FROM ranked AS r
WHERE
    r.precedence = 1
    AND COALESCE(JSON_VALUE(r.config_value, '$.enabled'), 'true') <> 'false';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 8 describe app.v_effective_config
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'VIEW', N'v_effective_config', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'The configuration each org works with now: its own active entry of a key, else the template org''s.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'VIEW', @level1name = N'v_effective_config';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'The configuration each org works with now: its own active entry of a key, else the template org''s.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'VIEW', @level1name = N'v_effective_config';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 9 module app.sp_append_work_event
-- Appends one event to the outbox (app.work_event).
--
-- Writes a single row and opens no transaction of its own, so a procedure that changes an item calls it inside its
-- own transaction: the change and its event commit or roll back together. Returns the new event_id in @event_id
-- (no result set, so it can run inside other procedures). docs/events.md lists the events this package writes.
-- Errors (docs/errors.md), raised before anything is written:
--   50020 unknown org, 50021 bad item type, 50022 missing item id or event name, 50023 payload is not a JSON
--   object or array, 50024 actor not a user of the org, 50025 max attempts below 1.
CREATE OR ALTER PROCEDURE app.sp_append_work_event
    @org_id int,
    @item_type varchar(12),
    @item_id bigint,
    @event_name varchar(40),
    @payload_json nvarchar(max) = NULL,
    @actor_user_id int = NULL,
    @max_attempts int = 5,
    @event_id bigint = NULL OUTPUT
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    BEGIN TRY
        IF NOT EXISTS (SELECT 1 FROM core.org AS o WHERE o.org_id = @org_id)
            THROW 50020, N'sp_append_work_event: @org_id does not name an org.', 1;
        IF @item_type IS NULL OR @item_type NOT IN ('signal', 'candidate', 'pursuit', 'proposal', 'drip')
            THROW 50021, N'sp_append_work_event: @item_type must be signal, candidate, pursuit, proposal or drip.', 1;
        IF @item_id IS NULL OR NULLIF(LTRIM(@event_name), '') IS NULL
            THROW 50022, N'sp_append_work_event: @item_id and @event_name are required.', 1;
        IF @payload_json IS NOT NULL AND ISJSON(@payload_json) = 0
            THROW 50023, N'sp_append_work_event: @payload_json must be a JSON object or array.', 1;
        IF
            @actor_user_id IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM core.user_account AS u
                WHERE u.org_id = @org_id AND u.user_id = @actor_user_id
            )
            THROW 50024, N'sp_append_work_event: @actor_user_id is not a user of @org_id.', 1;
        IF @max_attempts IS NULL OR @max_attempts < 1
            THROW 50025, N'sp_append_work_event: @max_attempts must be 1 or more.', 1;

        INSERT INTO app.work_event (
            org_id, item_type, item_id, event_name, payload_json, happened_at, actor_user_id, max_attempts
        )
        VALUES (
            @org_id, @item_type, @item_id, @event_name, @payload_json, SYSUTCDATETIME(), @actor_user_id, @max_attempts
        );
        SET @event_id = SCOPE_IDENTITY();
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
-- wsdb:step 9 describe app.sp_append_work_event
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'PROCEDURE', N'sp_append_work_event', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Appends one event to the outbox (app.work_event).', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'PROCEDURE', @level1name = N'sp_append_work_event';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Appends one event to the outbox (app.work_event).', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'PROCEDURE', @level1name = N'sp_append_work_event';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 10 module app.sp_set_config
-- Writes a new effective-dated version of one configuration key for an org.
--
-- The new row starts at @effective_from (default now; the past is refused: what was in force stays on record). The
-- org's version in force at that moment is closed there (effective_to = @effective_from); a version that starts
-- later still follows, so the new row ends where that one begins. Documents are checked before anything is written:
--   ranking_rule 'today_panel': every number docs/ranking.md lists is a whole number;
--   gate_rule: "required_items" is an array of names (min_compliance_score, when given, a number);
--   sla_rule: item_type, metric and a whole threshold_hrs of 1 or more;
--   any type: {"enabled": false} alone switches a shipped key off for the org.
-- The template org 0 is written by the package's data scripts only. Returns the new row.
-- Errors (docs/errors.md), raised before anything is written: 50010 unknown org or the template org, 50011 bad
-- config type, 50012 empty key, 50013 value not a JSON object, 50014 effective_from in the past, 50015 user not of
-- the org, 50016 document misses a member its type needs, 50017 a version of the key already starts then.
CREATE OR ALTER PROCEDURE app.sp_set_config
    @org_id int,
    @config_type varchar(32),
    @config_key varchar(64),
    @config_value nvarchar(max),
    @effective_from datetime2 = NULL,
    @user_id int = NULL
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    DECLARE @now datetime2 = SYSUTCDATETIME();
    DECLARE @missing nvarchar(1000);
    DECLARE @message nvarchar(2048);
    DECLARE @next_from datetime2;
    DECLARE @config_id bigint;
    DECLARE @switch_off bit = 0;

    BEGIN TRY
        SET @effective_from = COALESCE(@effective_from, @now);

        IF @org_id = 0 OR NOT EXISTS (SELECT 1 FROM core.org AS o WHERE o.org_id = @org_id)
            THROW 50010, N'sp_set_config: @org_id does not name an org (the template org 0 is written by data scripts).', 1;
        IF @config_type IS NULL OR @config_type NOT IN ('sla_rule', 'spotlight_rule', 'gate_rule', 'ranking_rule')
            THROW 50011, N'sp_set_config: @config_type must be sla_rule, spotlight_rule, gate_rule or ranking_rule.', 1;
        IF NULLIF(LTRIM(RTRIM(@config_key)), '') IS NULL
            THROW 50012, N'sp_set_config: @config_key is required.', 1;
        IF ISJSON(@config_value) = 0 OR LEFT(LTRIM(@config_value), 1) <> N'{'
            THROW 50013, N'sp_set_config: @config_value must be a JSON object.', 1;
        IF @effective_from < DATEADD(MINUTE, -1, @now)
            THROW 50014, N'sp_set_config: @effective_from lies in the past; history is not rewritten.', 1;
        IF
            @user_id IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM core.user_account AS u
                WHERE u.org_id = @org_id AND u.user_id = @user_id
            )
            THROW 50015, N'sp_set_config: @user_id is not a user of @org_id.', 1;

        SET @switch_off = CASE
            WHEN
                JSON_VALUE(@config_value, '$.enabled') = 'false'
                AND NOT EXISTS (SELECT 1 FROM OPENJSON(@config_value) AS j WHERE j.[key] <> N'enabled')
                THEN 1
            ELSE 0
        END;

        IF @switch_off = 0
            BEGIN
                SELECT @missing = STRING_AGG(CAST(need.member AS nvarchar(max)), N', ')
                FROM (
                    SELECT p.member
                    FROM (
                        VALUES
                        ('$.sla_urgency.breach', TRY_CONVERT(int, JSON_VALUE(@config_value, '$.sla_urgency.breach'))),
                        ('$.sla_urgency.aging', TRY_CONVERT(int, JSON_VALUE(@config_value, '$.sla_urgency.aging'))),
                        ('$.sla_urgency.medium', TRY_CONVERT(int, JSON_VALUE(@config_value, '$.sla_urgency.medium'))),
                        ('$.sla_urgency.recent', TRY_CONVERT(int, JSON_VALUE(@config_value, '$.sla_urgency.recent'))),
                        ('$.age_hours.aging', TRY_CONVERT(int, JSON_VALUE(@config_value, '$.age_hours.aging'))),
                        ('$.age_hours.medium', TRY_CONVERT(int, JSON_VALUE(@config_value, '$.age_hours.medium'))),
                        ('$.workload.free_items', TRY_CONVERT(int, JSON_VALUE(@config_value, '$.workload.free_items'))),
                        ('$.workload.points_per_item', TRY_CONVERT(int, JSON_VALUE(@config_value, '$.workload.points_per_item'))),
                        ('$.workload.max_penalty', TRY_CONVERT(int, JSON_VALUE(@config_value, '$.workload.max_penalty'))),
                        ('$.tiers.critical', TRY_CONVERT(int, JSON_VALUE(@config_value, '$.tiers.critical'))),
                        ('$.tiers.high', TRY_CONVERT(int, JSON_VALUE(@config_value, '$.tiers.high'))),
                        ('$.tiers.medium', TRY_CONVERT(int, JSON_VALUE(@config_value, '$.tiers.medium'))),
                        ('$.badges.due_soon_days', TRY_CONVERT(int, JSON_VALUE(@config_value, '$.badges.due_soon_days'))),
                        ('$.badges.stale_hours', TRY_CONVERT(int, JSON_VALUE(@config_value, '$.badges.stale_hours')))
                    ) AS p(member, whole_number)
                    WHERE
                        @config_type = 'ranking_rule'
                        AND @config_key = 'today_panel'
                        AND p.whole_number IS NULL
                    UNION ALL
                    SELECT '$.icp_band / $.stage (objects of whole numbers)' AS member
                    WHERE
                        @config_type = 'ranking_rule'
                        AND @config_key = 'today_panel'
                        AND (
                            JSON_QUERY(@config_value, '$.icp_band') IS NULL
                            OR JSON_QUERY(@config_value, '$.stage') IS NULL
                            OR EXISTS (
                                SELECT 1 FROM OPENJSON(@config_value, '$.icp_band') AS w
                                WHERE TRY_CONVERT(int, w.[value]) IS NULL
                            )
                            OR EXISTS (
                                SELECT 1 FROM OPENJSON(@config_value, '$.stage') AS w
                                WHERE TRY_CONVERT(int, w.[value]) IS NULL
                            )
                        )
                    UNION ALL
                    SELECT '$.required_items (array of names)' AS member
                    WHERE
                        @config_type = 'gate_rule'
                        AND (
                            JSON_QUERY(@config_value, '$.required_items') IS NULL
                            OR LEFT(JSON_QUERY(@config_value, '$.required_items'), 1) <> N'['
                            OR EXISTS (
                                SELECT 1 FROM OPENJSON(@config_value, '$.required_items') AS i
                                WHERE i.[type] <> 1 OR NULLIF(LTRIM(i.[value]), N'') IS NULL
                            )
                        )
                    UNION ALL
                    SELECT '$.min_compliance_score (a number or null)' AS member
                    WHERE
                        @config_type = 'gate_rule'
                        AND JSON_VALUE(@config_value, '$.min_compliance_score') IS NOT NULL
                        AND TRY_CONVERT(decimal(4, 1), JSON_VALUE(@config_value, '$.min_compliance_score')) IS NULL
                    UNION ALL
                    SELECT s.member
                    FROM (
                        VALUES
                        (
                            '$.item_type',
                            CASE WHEN JSON_VALUE(@config_value, '$.item_type') IN ('signal', 'candidate', 'pursuit') THEN 1 ELSE 0 END
                        ),
                        ('$.metric', CASE WHEN NULLIF(JSON_VALUE(@config_value, '$.metric'), '') IS NOT NULL THEN 1 ELSE 0 END),
                        ('$.threshold_hrs', CASE WHEN TRY_CONVERT(int, JSON_VALUE(@config_value, '$.threshold_hrs')) >= 1 THEN 1 ELSE 0 END)
                    ) AS s(member, ok)
                    WHERE @config_type = 'sla_rule' AND s.ok = 0
                ) AS need;

                IF @missing IS NOT NULL
                    BEGIN
                        SET
                            @message
                            = LEFT(
                                CONCAT(N'sp_set_config: the ', @config_type, N' document ', @config_key, N' needs ', @missing, N'.'), 2048
                            );
                        THROW 50016, @message, 1;
                    END;
            END;

        BEGIN TRANSACTION;

        IF
            EXISTS (
                SELECT 1 FROM app.config_registry AS c WITH (UPDLOCK, HOLDLOCK)
                WHERE
                    c.org_id = @org_id
                    AND c.config_type = @config_type
                    AND c.config_key = @config_key
                    AND c.is_active = 1
                    AND c.effective_from = @effective_from
            )
            THROW 50017, N'sp_set_config: a version of this key already starts at @effective_from.', 1;

        SELECT @next_from = MIN(c.effective_from)
        FROM app.config_registry AS c WITH (UPDLOCK, HOLDLOCK)
        WHERE
            c.org_id = @org_id
            AND c.config_type = @config_type
            AND c.config_key = @config_key
            AND c.is_active = 1
            AND c.effective_from > @effective_from;

        UPDATE c
        SET
            c.effective_to = @effective_from,
            c.updated_at = @now,
            c.updated_by = @user_id
        FROM app.config_registry AS c
        WHERE
            c.org_id = @org_id
            AND c.config_type = @config_type
            AND c.config_key = @config_key
            AND c.is_active = 1
            AND c.effective_from < @effective_from
            AND (c.effective_to IS NULL OR c.effective_to > @effective_from);

        INSERT INTO app.config_registry (
            org_id, config_type, config_key, config_value, effective_from, effective_to, is_active,
            created_at, created_by, updated_at, updated_by
        )
        VALUES (
            @org_id, @config_type, @config_key, @config_value, @effective_from, @next_from, 1,
            @now, @user_id, @now, @user_id
        );
        SET @config_id = SCOPE_IDENTITY();

        COMMIT TRANSACTION;

        SELECT
            c.config_id,
            c.org_id,
            c.config_type,
            c.config_key,
            c.config_value,
            c.effective_from,
            c.effective_to
        FROM app.config_registry AS c
        WHERE c.config_id = @config_id;
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
-- wsdb:step 10 describe app.sp_set_config
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'PROCEDURE', N'sp_set_config', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Writes a new effective-dated version of one configuration key for an org.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'PROCEDURE', @level1name = N'sp_set_config';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Writes a new effective-dated version of one configuration key for an org.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'PROCEDURE', @level1name = N'sp_set_config';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 11 module app.v_today_panel_rule
-- The Today panel's ranking rule in force for each org, one column per number.
--
-- Reads the 'ranking_rule' document 'today_panel' of app.v_effective_config (the org's own, else the template
-- org's) and exposes its numbers, so app.v_today_panel and app.v_user_workload_analysis hold no weight or boundary
-- of their own. icp_band_json and stage_json are the documents' weight maps ({"high": 30, ...}), read with OPENJSON.
-- A member that is missing or not a whole number reads as NULL; docs/ranking.md describes every member.
CREATE OR ALTER VIEW app.v_today_panel_rule
AS
SELECT
    ec.org_id,
    ec.config_id,
    ec.is_default,
    ec.effective_from,
    TRY_CONVERT(int, JSON_VALUE(ec.config_value, '$.sla_urgency.breach')) AS sla_breach_weight,
    TRY_CONVERT(int, JSON_VALUE(ec.config_value, '$.sla_urgency.aging')) AS sla_aging_weight,
    TRY_CONVERT(int, JSON_VALUE(ec.config_value, '$.sla_urgency.medium')) AS sla_medium_weight,
    TRY_CONVERT(int, JSON_VALUE(ec.config_value, '$.sla_urgency.recent')) AS sla_recent_weight,
    TRY_CONVERT(int, JSON_VALUE(ec.config_value, '$.age_hours.aging')) AS aging_hours,
    TRY_CONVERT(int, JSON_VALUE(ec.config_value, '$.age_hours.medium')) AS medium_hours,
    TRY_CONVERT(int, JSON_VALUE(ec.config_value, '$.workload.free_items')) AS workload_free_items,
    TRY_CONVERT(int, JSON_VALUE(ec.config_value, '$.workload.points_per_item')) AS workload_points_per_item,
    TRY_CONVERT(int, JSON_VALUE(ec.config_value, '$.workload.max_penalty')) AS workload_max_penalty,
    TRY_CONVERT(int, JSON_VALUE(ec.config_value, '$.tiers.critical')) AS tier_critical,
    TRY_CONVERT(int, JSON_VALUE(ec.config_value, '$.tiers.high')) AS tier_high,
    TRY_CONVERT(int, JSON_VALUE(ec.config_value, '$.tiers.medium')) AS tier_medium,
    TRY_CONVERT(int, JSON_VALUE(ec.config_value, '$.badges.due_soon_days')) AS due_soon_days,
    TRY_CONVERT(int, JSON_VALUE(ec.config_value, '$.badges.stale_hours')) AS stale_hours,
    JSON_QUERY(ec.config_value, '$.icp_band') AS icp_band_json,
    JSON_QUERY(ec.config_value, '$.stage') AS stage_json
FROM app.v_effective_config AS ec
WHERE ec.config_type = 'ranking_rule' AND ec.config_key = 'today_panel';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 11 describe app.v_today_panel_rule
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'VIEW', N'v_today_panel_rule', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'The Today panel''s ranking rule in force for each org, one column per number.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'VIEW', @level1name = N'v_today_panel_rule';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'The Today panel''s ranking rule in force for each org, one column per number.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'VIEW', @level1name = N'v_today_panel_rule';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 12 module app.v_today_panel
-- Enhanced dashboard view with multi-factor priority scoring.
--
-- Items: open candidates ('new', 'triaged', 'nurture', 'on_hold'), open pursuits ('qual' to 'submit') and open signals
-- (not yet linked to a candidate). priority_score = SLA urgency + ICP band + stage - workload penalty, every number
-- read from the org's ranking rule in force (app.v_today_panel_rule; docs/ranking.md), none written here:
--   SLA urgency: the breach weight with an open SLA breach, else by whole hours since the last touch: the aging
--   weight from age_hours.aging, the medium weight from age_hours.medium, the recent weight below;
--   ICP band: the icp_band map by the candidate's value_band (0 when absent); stage: the stage map by state (0 when
--   absent); workload penalty: points_per_item for each open item the owner has beyond free_items, at most
--   max_penalty, 0 for items without an owner.
-- priority_tier: 'critical' from tiers.critical, 'high' from tiers.high, 'medium' from tiers.medium, 'low' below.
-- An org with no ranking rule in force (none of its own and none shipped) gets NULL priority_score and priority_tier.
-- Badges: 'breach' (open SLA breach), 'overdue' (due date passed), 'due_soon' (due within badges.due_soon_days),
-- 'stale' (untouched for badges.stale_hours). Last touch: candidate last_touch_at, pursuit updated_at, signal ts.
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

icp_weight AS (
    SELECT
        r.org_id,
        CAST(w.[key] AS varchar(8)) AS icp_band,
        TRY_CONVERT(int, w.[value]) AS weight
    FROM app.v_today_panel_rule AS r
    CROSS APPLY OPENJSON(r.icp_band_json) AS w
),

stage_weight AS (
    SELECT
        r.org_id,
        CAST(w.[key] AS varchar(12)) AS state,
        TRY_CONVERT(int, w.[value]) AS weight
    FROM app.v_today_panel_rule AS r
    CROSS APPLY OPENJSON(r.stage_json) AS w
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
        r.tier_critical,
        r.tier_high,
        r.tier_medium,
        r.due_soon_days,
        r.stale_hours,
        CASE
            WHEN m.has_breach = 1 THEN r.sla_breach_weight
            WHEN m.hours_since_touch >= r.aging_hours THEN r.sla_aging_weight
            WHEN m.hours_since_touch >= r.medium_hours THEN r.sla_medium_weight
            ELSE r.sla_recent_weight
        END
        + COALESCE(iw.weight, 0)
        + COALESCE(sw.weight, 0)
        - CASE
            WHEN m.owner_user_id IS NULL OR m.owner_open_items <= r.workload_free_items THEN 0
            WHEN (m.owner_open_items - r.workload_free_items) * r.workload_points_per_item >= r.workload_max_penalty
                THEN r.workload_max_penalty
            ELSE (m.owner_open_items - r.workload_free_items) * r.workload_points_per_item
        END AS priority_score
    FROM measured AS m
    LEFT OUTER JOIN app.v_today_panel_rule AS r
        ON m.org_id = r.org_id
    LEFT OUTER JOIN icp_weight AS iw
        ON m.org_id = iw.org_id AND m.icp_band = iw.icp_band
    LEFT OUTER JOIN stage_weight AS sw
        ON m.org_id = sw.org_id AND m.state = sw.state
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
        WHEN w.due_date <= DATEADD(DAY, w.due_soon_days, CAST(SYSUTCDATETIME() AS date)) THEN 'due_soon'
        WHEN w.hours_since_touch >= w.stale_hours THEN 'stale'
    END AS varchar(12)) AS badge,
    w.priority_score,
    w.owner_user_id,
    w.icp_band,
    w.hours_since_touch,
    CAST(CASE
        WHEN w.priority_score >= w.tier_critical THEN 'critical'
        WHEN w.priority_score >= w.tier_high THEN 'high'
        WHEN w.priority_score >= w.tier_medium THEN 'medium'
        WHEN w.priority_score IS NOT NULL THEN 'low'
    END AS varchar(8)) AS priority_tier
FROM weighted AS w;
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 12 describe app.v_today_panel
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'VIEW', N'v_today_panel', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Enhanced dashboard view with multi-factor priority scoring.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'VIEW', @level1name = N'v_today_panel';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Enhanced dashboard view with multi-factor priority scoring.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'VIEW', @level1name = N'v_today_panel';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 13 module app.v_user_workload_analysis
-- Performance analytics for workload distribution.
--
-- One row per owner with open items on app.v_today_panel. at_risk_items: not breached yet, but overdue, due soon or
-- aging (untouched for the ranking rule's age_hours.aging or more); stale_items: untouched for badges.stale_hours or
-- more. Both boundaries come from the org's ranking rule in force (app.v_today_panel_rule), like the panel's.
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
            WHEN t.badge IN ('overdue', 'due_soon') OR t.hours_since_touch >= r.aging_hours THEN 1
            ELSE 0
        END
    ) AS at_risk_items,
    MAX(t.hours_since_touch) AS max_hours_without_touch,
    SUM(CASE WHEN t.hours_since_touch >= r.stale_hours THEN 1 ELSE 0 END) AS stale_items
FROM app.v_today_panel AS t
LEFT OUTER JOIN app.v_today_panel_rule AS r
    ON t.org_id = r.org_id
WHERE t.owner_user_id IS NOT NULL
GROUP BY t.org_id, t.owner_user_id;
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 13 describe app.v_user_workload_analysis
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'VIEW', N'v_user_workload_analysis', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Performance analytics for workload distribution.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'VIEW', @level1name = N'v_user_workload_analysis';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Performance analytics for workload distribution.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'VIEW', @level1name = N'v_user_workload_analysis';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 14 module app.sp_today_panel
-- One org's Today panel, or one owner's, in working order: the panel's rows with a rank that breaks ties.
--
-- Rows of app.v_today_panel, highest priority_score first; equal scores go by due date (earliest first, none last),
-- then the longest untouched, then item_type and item_id, so two calls over the same rows always give the same
-- order. panel_rank numbers the rows from 1. Items without a ranking rule (NULL priority_score) come last.
-- Errors (docs/errors.md): 50090 unknown org (or the template org 0), 50091 owner not a user of the org,
-- 50092 @top outside 1..1000.
CREATE OR ALTER PROCEDURE app.sp_today_panel
    @org_id int,
    @owner_user_id int = NULL,
    @top int = 50
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    BEGIN TRY
        IF @org_id = 0 OR NOT EXISTS (SELECT 1 FROM core.org AS o WHERE o.org_id = @org_id)
            THROW 50090, N'sp_today_panel: @org_id does not name an org.', 1;
        IF
            @owner_user_id IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM core.user_account AS u
                WHERE u.org_id = @org_id AND u.user_id = @owner_user_id
            )
            THROW 50091, N'sp_today_panel: @owner_user_id is not a user of @org_id.', 1;
        IF @top IS NULL OR @top < 1 OR @top > 1000
            THROW 50092, N'sp_today_panel: @top must be between 1 and 1000.', 1;

        WITH ranked AS (
            SELECT
                ROW_NUMBER() OVER (
                    ORDER BY
                        CASE WHEN t.priority_score IS NULL THEN 1 ELSE 0 END ASC,
                        t.priority_score DESC,
                        CASE WHEN t.due_date IS NULL THEN 1 ELSE 0 END ASC,
                        t.due_date ASC,
                        t.hours_since_touch DESC,
                        t.item_type ASC,
                        t.item_id ASC
                ) AS panel_rank,
                t.item_type,
                t.item_id,
                t.org_id,
                t.label,
                t.state,
                t.last_touch_at,
                t.due_date,
                t.sla_metric,
                t.badge,
                t.priority_score,
                t.owner_user_id,
                t.icp_band,
                t.hours_since_touch,
                t.priority_tier
            FROM app.v_today_panel AS t
            WHERE t.org_id = @org_id AND (@owner_user_id IS NULL OR t.owner_user_id = @owner_user_id)
        )

        SELECT
            r.panel_rank,
            r.item_type,
            r.item_id,
            r.org_id,
            r.label,
            r.state,
            r.last_touch_at,
            r.due_date,
            r.sla_metric,
            r.badge,
            r.priority_score,
            r.owner_user_id,
            r.icp_band,
            r.hours_since_touch,
            r.priority_tier
        FROM ranked AS r
        WHERE r.panel_rank <= @top
        ORDER BY r.panel_rank
        OPTION (RECOMPILE);
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
-- wsdb:step 14 describe app.sp_today_panel
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'PROCEDURE', N'sp_today_panel', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'One org''s Today panel, or one owner''s, in working order: the panel''s rows with a rank that breaks ties.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'PROCEDURE', @level1name = N'sp_today_panel';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'One org''s Today panel, or one owner''s, in working order: the panel''s rows with a rank that breaks ties.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'PROCEDURE', @level1name = N'sp_today_panel';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:guard epilogue: record the migration and commit
DECLARE @started datetime2(7) = CAST(SESSION_CONTEXT(N'wsdb.started') AS datetime2(7));
INSERT INTO dbo.wsdb_migration_history (migration_name, checksum, duration_ms, builder)
VALUES (N'20261122_workstream_business_rules', 'a1cbec48d2959baa7b2500c312e2a09869d79451da46f99c6c04d26baed8ec3d', DATEDIFF(MILLISECOND, @started, SYSUTCDATETIME()), '0.1.0');
COMMIT TRANSACTION;
PRINT N'20261122_workstream_business_rules: applied.';
GO
-- wsdb:guard whatever happened above, statements run again from here
SET NOEXEC OFF;
GO
-- wsdb:guard final check: an error above leaves nothing behind, and says so
IF @@TRANCOUNT > 0
    ROLLBACK TRANSACTION;
IF OBJECT_ID(N'dbo.wsdb_migration_history', N'U') IS NULL
    THROW 50102, N'20261122_workstream_business_rules: not applied; nothing was changed (see the first error above).', 1;
IF NOT EXISTS (
    SELECT 1
    FROM dbo.wsdb_migration_history AS h
    WHERE h.migration_name = N'20261122_workstream_business_rules' AND h.checksum = 'a1cbec48d2959baa7b2500c312e2a09869d79451da46f99c6c04d26baed8ec3d'
)
    THROW 50102, N'20261122_workstream_business_rules: not applied; its changes were rolled back (see the first error above).', 1;
GO
