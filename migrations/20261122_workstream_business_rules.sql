/*
Migration    20261122_workstream_business_rules
Description  Workstream business rules: outbox leases and backoff, config-driven SLA rules, shipped configuration defaults of the template org, the effective-config view, and the procedures of the outbox, SLA, pipeline, scoring and drips.
Template     migrations/templates/20261122_workstream_business_rules.sql.j2  sha256 51d21ef373d328029da1fa175cd06379e82ef63864800b9cb29f7b68dcbe2d80
Sources      sql/data/app.config_registry.sql  sha256 d6b1490cca17b790e8e575daa5920ed802ce2537f6ed43849e36bd78b296aa98
             sql/data/core.org.sql  sha256 a2beb2570c37011259196543735bd2e190891700160afb49ab4e0cc30afbcff5
             sql/procedures/app.sp_append_work_event.sql  sha256 00d14fe89820b785090a716584fc92e3a2b1e10e062753d3754c4dd3b1bd7ff8
             sql/tables/app.sla_rule.sql  sha256 9f561678a4bce5217024559c845d05d0713b6d1ead0c5d647a46988d798770c2
             sql/tables/app.work_event.sql  sha256 1dfd0920cca00d4960d36d426824f29b1c047cedb161c1a420ad88136c7b3c68
             sql/views/app.v_effective_config.sql  sha256 1f12f8d0120156ebf66b43be7ad2ff88fbab357636a405a4cb2bcb702c0eeebb
Builder      workstream-db 0.1.0
Checksum     0c83fc3b6dda08295d8e9a373761701e55174faa7eeda6679c769fcf21554f57
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
IF @applied = '0c83fc3b6dda08295d8e9a373761701e55174faa7eeda6679c769fcf21554f57'
    BEGIN
        COMMIT TRANSACTION;
        PRINT N'20261122_workstream_business_rules: already applied with this checksum; skipped.';
        SET NOEXEC ON;
    END;
IF @applied IS NOT NULL AND @applied <> '0c83fc3b6dda08295d8e9a373761701e55174faa7eeda6679c769fcf21554f57'
    BEGIN
        DECLARE @message nvarchar(2048) = CONCAT(
            N'20261122_workstream_business_rules: applied before with checksum ', @applied,
            N'; this file has 0c83fc3b6dda08295d8e9a373761701e55174faa7eeda6679c769fcf21554f57. Released scripts must not change; nothing was done.'
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
-- wsdb:guard epilogue: record the migration and commit
DECLARE @started datetime2(7) = CAST(SESSION_CONTEXT(N'wsdb.started') AS datetime2(7));
INSERT INTO dbo.wsdb_migration_history (migration_name, checksum, duration_ms, builder)
VALUES (N'20261122_workstream_business_rules', '0c83fc3b6dda08295d8e9a373761701e55174faa7eeda6679c769fcf21554f57', DATEDIFF(MILLISECOND, @started, SYSUTCDATETIME()), '0.1.0');
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
    WHERE h.migration_name = N'20261122_workstream_business_rules' AND h.checksum = '0c83fc3b6dda08295d8e9a373761701e55174faa7eeda6679c769fcf21554f57'
)
    THROW 50102, N'20261122_workstream_business_rules: not applied; its changes were rolled back (see the first error above).', 1;
GO
