/*
Migration    20261122_workstream_business_rules
Description  Workstream business rules: outbox leases and backoff, config-driven SLA rules, shipped configuration defaults of the template org, the effective-config view, and the procedures of the outbox, SLA, pipeline, scoring and drips.
Acknowledges  E814 app.work_event.IX_app_work_event_pending: one-time widening of the outbox's pending-events index with the lease and backoff columns the claim procedures read; the build scans app.work_event and blocks event appends until the script commits, so apply it in a maintenance window with the outbox workers stopped (no ONLINE = ON: the package must install on Standard edition)
Template     migrations/templates/20261122_workstream_business_rules.sql.j2  sha256 9e17b633eec7731d359de10085af5274f4dfd1edb1131a2aa3661344a0ee66d7
Sources      sql/data/app.config_registry.sql  sha256 d6b1490cca17b790e8e575daa5920ed802ce2537f6ed43849e36bd78b296aa98
             sql/data/core.org.sql  sha256 a2beb2570c37011259196543735bd2e190891700160afb49ab4e0cc30afbcff5
             sql/functions/app.fn_gate_rule_items.sql  sha256 6556aa1a1c81cbdd989141a2e6610f970f768a7eb89f82444c8b9287bfd3880b
             sql/procedures/app.sp_add_cos_entry.sql  sha256 3cfbe4338606e015520381d25f190d8eece73462f17b11e4f03b16f44bea6497
             sql/procedures/app.sp_add_proposal_version.sql  sha256 a60ed34dea106a97e7d11a62ec1d529ce01095cdf5076c7fb64f552cd7d1babd
             sql/procedures/app.sp_advance_pursuit_stage.sql  sha256 4482253790eb804fef714d5f13fffa6cef40f41e40d06db720f64009fa1b0071
             sql/procedures/app.sp_append_work_event.sql  sha256 00d14fe89820b785090a716584fc92e3a2b1e10e062753d3754c4dd3b1bd7ff8
             sql/procedures/app.sp_claim_due_drips.sql  sha256 187434766a9cfa24b72e677a6d5dd8ad2b3f1f668f68a85fc7fd4c54970ffd79
             sql/procedures/app.sp_claim_work_events.sql  sha256 1514c2a64e918996b84cbbd17193a1b67b500433326a875f2e9ff298daf141ea
             sql/procedures/app.sp_complete_work_events.sql  sha256 7efd61e34ce303dd10a6a426086e89ea682ba5cb43dadecee97e3ce5336cf61f
             sql/procedures/app.sp_fail_work_event.sql  sha256 39c325fab6270bc6ba720e2874486f9765fa607bac12a576b51998f30d73ad88
             sql/procedures/app.sp_promote_candidate.sql  sha256 8b4cb0e818e565338d3022d99c76d1df2beeeb27178821610708634f5d906750
             sql/procedures/app.sp_reclaim_work_events.sql  sha256 9c219fba51a33c92a3ac1bad72439b6121179ab52fe56719b9e4b7898f19665f
             sql/procedures/app.sp_record_role_estimate.sql  sha256 86bb2a571b3d15f88a4d0b7a8c635ef34b087a551b655474a372c739962795f7
             sql/procedures/app.sp_record_score_components.sql  sha256 c137409e7707a3f0028a8c95e15397091fa73b0a68c333950acfb6e02b641bec
             sql/procedures/app.sp_record_sla_breaches.sql  sha256 0938ae857dda04a9a3578b57e9faa0094bc838d0539adc48dd6ad763014b7e54
             sql/procedures/app.sp_set_config.sql  sha256 c17abb97cb06740b960227477928edf4818f63a03a15cdfb1c29e8226b080a89
             sql/procedures/app.sp_today_panel.sql  sha256 83e64d27fc7ee4e2768db430c9d95c49d16b2b22fa41a704b7e1489e240328be
             sql/tables/app.sla_rule.sql  sha256 9f561678a4bce5217024559c845d05d0713b6d1ead0c5d647a46988d798770c2
             sql/tables/app.work_event.sql  sha256 09e4e8052c1fec9eec7f89f60f8e8ff59e9c31a195419dc9ab4bb0ba621cffec
             sql/views/app.v_effective_config.sql  sha256 1f12f8d0120156ebf66b43be7ad2ff88fbab357636a405a4cb2bcb702c0eeebb
             sql/views/app.v_pursuit_estimate.sql  sha256 d9d3d4c54b1beb19e5e0edc47b47b9b076707435513ac2bd35443077414c250b
             sql/views/app.v_pursuit_role_pert.sql  sha256 f915834bb863612b0f5d3b5ecfc0c5b0dedce4817974be42e66c487b3cee6bfa
             sql/views/app.v_today_panel.sql  sha256 8dd6e20c6de55c80e2059767b5d5a95a4f84fba47add1b4fce90d4cfa93fce9e
             sql/views/app.v_today_panel_rule.sql  sha256 7e8319253e49c580e87d25d87df60d124923ed7a8b944bd09cad05a255393192
             sql/views/app.v_user_workload_analysis.sql  sha256 92a537cd13b2622c3b21881ef2133ddffd9b292f3fdde2166838228df9b1e58e
Builder      workstream-db 0.1.0
Checksum     8d7417cdc62370ce73b486adbc83898773e34020704cc54e5ee24e72c4412ac2
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
IF @applied = '8d7417cdc62370ce73b486adbc83898773e34020704cc54e5ee24e72c4412ac2'
    BEGIN
        COMMIT TRANSACTION;
        PRINT N'20261122_workstream_business_rules: already applied with this checksum; skipped.';
        SET NOEXEC ON;
    END;
IF @applied IS NOT NULL AND @applied <> '8d7417cdc62370ce73b486adbc83898773e34020704cc54e5ee24e72c4412ac2'
    BEGIN
        DECLARE @message nvarchar(2048) = CONCAT(
            N'20261122_workstream_business_rules: applied before with checksum ', @applied,
            N'; this file has 8d7417cdc62370ce73b486adbc83898773e34020704cc54e5ee24e72c4412ac2. Released scripts must not change; nothing was done.'
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
    ON app.work_event (event_id) INCLUDE (org_id, claimed_at, lease_until, next_attempt_at)
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
-- The new row starts at @effective_from (default now; more than a minute in the past is refused: what was in force
-- stays on record; the minute allows for a caller's clock and round trip). The
-- org's version in force at that moment is closed there (effective_to = @effective_from); a version that starts
-- later still follows, so the new row ends where that one begins. Documents are checked before anything is written:
--   ranking_rule 'today_panel': every number docs/ranking.md lists is a whole number (100, not 100.0), and icp_band
--   and stage are objects of whole numbers;
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
        SET @config_key = LTRIM(RTRIM(@config_key));

        IF @org_id = 0 OR NOT EXISTS (SELECT 1 FROM core.org AS o WHERE o.org_id = @org_id)
            THROW 50010, N'sp_set_config: @org_id does not name an org (the template org 0 is written by data scripts).', 1;
        IF @config_type IS NULL OR @config_type NOT IN ('sla_rule', 'spotlight_rule', 'gate_rule', 'ranking_rule')
            THROW 50011, N'sp_set_config: @config_type must be sla_rule, spotlight_rule, gate_rule or ranking_rule.', 1;
        IF NULLIF(LTRIM(RTRIM(@config_key)), '') IS NULL
            THROW 50012, N'sp_set_config: @config_key is required.', 1;
        IF
            @config_value IS NULL
            OR ISJSON(@config_value) = 0
            OR LEFT(LTRIM(TRANSLATE(@config_value, NCHAR(9) + NCHAR(10) + NCHAR(13), N'   ')), 1) <> N'{'
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
                            LEFT(JSON_QUERY(@config_value, '$.icp_band'), 1) IS NULL
                            OR LEFT(JSON_QUERY(@config_value, '$.icp_band'), 1) <> N'{'
                            OR LEFT(JSON_QUERY(@config_value, '$.stage'), 1) IS NULL
                            OR LEFT(JSON_QUERY(@config_value, '$.stage'), 1) <> N'{'
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
                        AND (
                            JSON_QUERY(@config_value, '$.min_compliance_score') IS NOT NULL
                            OR (
                                JSON_VALUE(@config_value, '$.min_compliance_score') IS NOT NULL
                                AND TRY_CONVERT(decimal(4, 1), JSON_VALUE(@config_value, '$.min_compliance_score')) IS NULL
                            )
                        )
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
-- 'stale' (untouched for badges.stale_hours). Last touch: candidate last_touch_at, pursuit updated_at, signal ts;
-- hours_since_touch counts elapsed seconds and rounds down to whole hours. OPENJSON's key column is Latin1_General_BIN2,
-- so the weight maps' keys take the database collation before they are compared with states and bands.
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
        CAST(w.[key] AS varchar(8)) COLLATE database_default AS icp_band,
        TRY_CONVERT(int, w.[value]) AS weight
    FROM app.v_today_panel_rule AS r
    CROSS APPLY OPENJSON(r.icp_band_json) AS w
),

stage_weight AS (
    SELECT
        r.org_id,
        CAST(w.[key] AS varchar(12)) COLLATE database_default AS state,
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
        CAST(DATEDIFF_BIG(SECOND, i.last_touch_at, SYSUTCDATETIME()) / 3600 AS int) AS hours_since_touch,
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
-- wsdb:step 15 module app.sp_claim_work_events
-- Claims a batch of outbox events (app.work_event) for one worker, oldest first, under a lease.
--
-- An event is claimable when it is neither processed nor dead-lettered, no worker holds it and its retry backoff
-- (next_attempt_at) has passed. Rows other sessions have locked are skipped (READPAST), so workers never wait for
-- each other and no event is ever handed to two workers. Each claimed event gets claimed_at = now,
-- claimed_by = @worker and lease_until = now + @lease_seconds; a worker that does not complete or fail the event
-- before its lease ends can lose it to app.sp_reclaim_work_events. @org_id limits the claim to one org.
-- Returns the claimed events, oldest first (no rows when there is nothing to do). Writes no further events.
-- Errors (docs/errors.md), raised before anything is written:
--   50030 @worker missing or empty, 50031 @batch_size not between 1 and 2000 or @lease_seconds not between 1 and
--   86400 (one day), 50032 @org_id given but not an org.
CREATE OR ALTER PROCEDURE app.sp_claim_work_events
    @worker varchar(64),
    @batch_size int = 100,
    @lease_seconds int = 300,
    @org_id int = NULL
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    -- READPAST needs READ COMMITTED (or REPEATABLE READ); a caller's SERIALIZABLE (TransactionScope's default)
    -- would make it fail with error 650. Set here, the level reverts to the caller's when the procedure returns.
    SET TRANSACTION ISOLATION LEVEL READ COMMITTED;

    DECLARE @now datetime2 = SYSUTCDATETIME();
    DECLARE @claimed TABLE (
        event_id bigint NOT NULL PRIMARY KEY,
        org_id int NOT NULL,
        item_type varchar(12) NOT NULL,
        item_id bigint NOT NULL,
        event_name varchar(40) NOT NULL,
        payload_json nvarchar(max) NULL,
        happened_at datetime2 NOT NULL,
        actor_user_id int NULL,
        retry_count int NOT NULL,
        max_attempts int NOT NULL,
        claimed_at datetime2 NOT NULL,
        claimed_by varchar(64) NOT NULL,
        lease_until datetime2 NOT NULL
    );

    BEGIN TRY
        IF NULLIF(LTRIM(@worker), '') IS NULL
            THROW 50030, N'sp_claim_work_events: @worker is required.', 1;
        IF @batch_size IS NULL OR @batch_size < 1 OR @batch_size > 2000
            THROW 50031, N'sp_claim_work_events: @batch_size must be between 1 and 2000.', 1;
        IF @lease_seconds IS NULL OR @lease_seconds < 1 OR @lease_seconds > 86400
            THROW 50031, N'sp_claim_work_events: @lease_seconds must be between 1 and 86400 (one day).', 1;
        IF @org_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM core.org AS o WHERE o.org_id = @org_id)
            THROW 50032, N'sp_claim_work_events: @org_id does not name an org.', 1;

        -- One statement: the rows are locked (UPDLOCK) as they are found, rows locked by others are skipped.
        WITH claimable AS (
            SELECT TOP (@batch_size)
                e.event_id,
                e.org_id,
                e.item_type,
                e.item_id,
                e.event_name,
                e.payload_json,
                e.happened_at,
                e.actor_user_id,
                e.retry_count,
                e.max_attempts,
                e.claimed_at,
                e.claimed_by,
                e.lease_until
            FROM app.work_event AS e WITH (ROWLOCK, UPDLOCK, READPAST)
            WHERE
                e.processed_at IS NULL
                AND e.dead_letter_at IS NULL
                AND e.claimed_at IS NULL
                AND (e.next_attempt_at IS NULL OR e.next_attempt_at <= @now)
                AND (@org_id IS NULL OR e.org_id = @org_id)
            ORDER BY e.event_id
        )

        UPDATE c
        SET
            c.claimed_at = @now,
            c.claimed_by = @worker,
            c.lease_until = DATEADD(SECOND, @lease_seconds, @now)
        OUTPUT
            INSERTED.event_id,
            INSERTED.org_id,
            INSERTED.item_type,
            INSERTED.item_id,
            INSERTED.event_name,
            INSERTED.payload_json,
            INSERTED.happened_at,
            INSERTED.actor_user_id,
            INSERTED.retry_count,
            INSERTED.max_attempts,
            INSERTED.claimed_at,
            INSERTED.claimed_by,
            INSERTED.lease_until
        INTO @claimed
        FROM claimable AS c;

        SELECT
            c.event_id,
            c.org_id,
            c.item_type,
            c.item_id,
            c.event_name,
            c.payload_json,
            c.happened_at,
            c.actor_user_id,
            c.retry_count,
            c.max_attempts,
            c.claimed_at,
            c.claimed_by,
            c.lease_until
        FROM @claimed AS c
        ORDER BY c.event_id;
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
-- wsdb:step 15 describe app.sp_claim_work_events
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'PROCEDURE', N'sp_claim_work_events', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Claims a batch of outbox events (app.work_event) for one worker, oldest first, under a lease.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'PROCEDURE', @level1name = N'sp_claim_work_events';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Claims a batch of outbox events (app.work_event) for one worker, oldest first, under a lease.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'PROCEDURE', @level1name = N'sp_claim_work_events';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 16 module app.sp_complete_work_events
-- Marks outbox events (app.work_event) a worker holds as processed, all or nothing.
--
-- @event_ids is a JSON array of event ids, e.g. '[12,13]'. Every listed event must be held by @worker: claimed by it,
-- not processed and not dead-lettered. A completion after the lease ended is accepted as long as nobody reclaimed
-- the event (the work was done). If any listed event is not held by @worker (unknown, released or reclaimed and
-- claimed by another worker, already processed, dead-lettered), nothing is completed and 50035 names how many and
-- the first ten such ids. A repeated id counts once; an empty array completes nothing and returns 0. The claim
-- columns (claimed_at, claimed_by, lease_until) stay as they were, for the record.
-- Returns one row: completed (the number of events marked processed). Writes no further events.
-- Errors (docs/errors.md), raised before anything is written:
--   50033 @worker missing or empty, 50034 @event_ids is not a JSON array of positive integer ids,
--   50035 a listed event is not held by @worker (none is completed).
CREATE OR ALTER PROCEDURE app.sp_complete_work_events
    @worker varchar(64),
    @event_ids nvarchar(max)
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    DECLARE @now datetime2 = SYSUTCDATETIME();
    DECLARE @requested int;
    DECLARE @held int;
    DECLARE @completed int;
    DECLARE @missing_count int;
    DECLARE @missing nvarchar(400);
    DECLARE @message nvarchar(2048);
    DECLARE @listed TABLE (event_id bigint NOT NULL PRIMARY KEY);
    DECLARE @held_ids TABLE (event_id bigint NOT NULL PRIMARY KEY);

    BEGIN TRY
        IF NULLIF(LTRIM(@worker), '') IS NULL
            THROW 50033, N'sp_complete_work_events: @worker is required.', 1;
        -- Checked one step at a time: OPENJSON fails on text that is not JSON, and OR does not short-circuit.
        IF @event_ids IS NULL OR ISJSON(@event_ids) = 0
            THROW 50034, N'sp_complete_work_events: @event_ids must be a JSON array of event ids, e.g. [12,13].', 1;
        -- ISJSON accepts objects too; wrapped in brackets, an array is an element of type 4 (an object: 5).
        IF NOT EXISTS (SELECT 1 FROM OPENJSON(CONCAT(N'[', @event_ids, N']')) AS w WHERE w.[type] = 4)
            THROW 50034, N'sp_complete_work_events: @event_ids must be a JSON array of event ids, e.g. [12,13].', 1;
        IF
            EXISTS (
                SELECT 1 FROM OPENJSON(@event_ids) AS j
                WHERE j.[type] <> 2 OR COALESCE(TRY_CONVERT(bigint, j.[value]), 0) < 1
            )
            THROW 50034, N'sp_complete_work_events: @event_ids must hold positive integer event ids only.', 1;

        INSERT INTO @listed (event_id)
        SELECT DISTINCT TRY_CONVERT(bigint, j.[value]) AS event_id
        FROM OPENJSON(@event_ids) AS j;
        SET @requested = @@ROWCOUNT;

        IF @requested = 0
            BEGIN
                SELECT 0 AS completed;
                RETURN;
            END;

        BEGIN TRANSACTION;

        -- The events @worker holds, locked until the end: a reclaim (READPAST) passes them by meanwhile.
        INSERT INTO @held_ids (event_id)
        SELECT e.event_id
        FROM app.work_event AS e WITH (UPDLOCK, ROWLOCK)
        INNER JOIN @listed AS l ON e.event_id = l.event_id
        WHERE
            e.claimed_by = @worker
            AND e.processed_at IS NULL
            AND e.dead_letter_at IS NULL;
        SET @held = @@ROWCOUNT;

        IF @held < @requested
            BEGIN
                SET @missing_count = @requested - @held;
                SELECT @missing = STRING_AGG(CONVERT(nvarchar(20), m.event_id), N', ') WITHIN GROUP (ORDER BY m.event_id)
                FROM (
                    SELECT TOP (10) l.event_id
                    FROM @listed AS l
                    WHERE NOT EXISTS (SELECT 1 FROM @held_ids AS h WHERE h.event_id = l.event_id)
                    ORDER BY l.event_id
                ) AS m;
                SET @message = CONCAT(
                    N'sp_complete_work_events: ', @missing_count, N' of ', @requested,
                    N' event(s) are not held by worker ', @worker,
                    N' (unknown, claimed by another worker, processed or dead-lettered): ', @missing,
                    CASE WHEN @missing_count > 10 THEN N', ...' ELSE N'' END,
                    N'; none was completed.'
                );
                THROW 50035, @message, 1;
            END;

        UPDATE e
        SET e.processed_at = @now
        FROM app.work_event AS e
        INNER JOIN @held_ids AS h ON e.event_id = h.event_id;
        SET @completed = @@ROWCOUNT;

        COMMIT TRANSACTION;

        SELECT @completed AS completed;
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
-- wsdb:step 16 describe app.sp_complete_work_events
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'PROCEDURE', N'sp_complete_work_events', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Marks outbox events (app.work_event) a worker holds as processed, all or nothing.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'PROCEDURE', @level1name = N'sp_complete_work_events';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Marks outbox events (app.work_event) a worker holds as processed, all or nothing.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'PROCEDURE', @level1name = N'sp_complete_work_events';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 17 module app.sp_fail_work_event
-- Records a failed attempt at an outbox event (app.work_event) a worker holds: retry later, or dead-letter it.
--
-- The event must be held by @worker (claimed by it, not processed, not dead-lettered). retry_count goes up by one
-- and last_error keeps @error. When retry_count reaches max_attempts the event is dead-lettered (dead_letter_at =
-- now; claimed_at, claimed_by and lease_until stay for the post-mortem; next_attempt_at is cleared) and is never
-- claimed again. Otherwise the claim is released and the event waits before the next claim (exponential backoff):
-- next_attempt_at = now + MIN(@max_backoff_seconds, @backoff_seconds * 2^(retry_count - 1)), i.e. 30 s, 60 s,
-- 120 s ... with the defaults, capped at one hour; the power is never computed beyond 2^29, so nothing overflows.
-- Returns the event's new state: event_id, retry_count, max_attempts, next_attempt_at, dead_letter_at, last_error.
-- Writes no further events.
-- Errors (docs/errors.md), raised before anything is written:
--   50036 @worker or @error missing or empty, 50037 @backoff_seconds / @max_backoff_seconds out of range
--   (0 <= backoff <= max backoff <= 2592000, 30 days), 50038 the event is not held by @worker.
CREATE OR ALTER PROCEDURE app.sp_fail_work_event
    @worker varchar(64),
    @event_id bigint,
    @error nvarchar(2000),
    @backoff_seconds int = 30,
    @max_backoff_seconds int = 3600
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    DECLARE @now datetime2 = SYSUTCDATETIME();
    DECLARE @retry_count int;
    DECLARE @max_attempts int;
    DECLARE @is_dead bit;
    DECLARE @delay bigint;
    DECLARE @message nvarchar(2048);
    DECLARE @state TABLE (
        event_id bigint NOT NULL,
        retry_count int NOT NULL,
        max_attempts int NOT NULL,
        next_attempt_at datetime2 NULL,
        dead_letter_at datetime2 NULL,
        last_error nvarchar(2000) NULL
    );

    BEGIN TRY
        IF NULLIF(LTRIM(@worker), '') IS NULL
            THROW 50036, N'sp_fail_work_event: @worker is required.', 1;
        IF NULLIF(LTRIM(@error), N'') IS NULL
            THROW 50036, N'sp_fail_work_event: @error is required: say why the attempt failed.', 1;
        IF
            @backoff_seconds IS NULL
            OR @max_backoff_seconds IS NULL
            OR @backoff_seconds < 0
            OR @max_backoff_seconds < @backoff_seconds
            OR @max_backoff_seconds > 2592000
            THROW 50037, N'sp_fail_work_event: need 0 <= @backoff_seconds <= @max_backoff_seconds <= 2592000 (30 days).', 1;

        BEGIN TRANSACTION;

        -- The attempt this failure ends; retry_count never passes max_attempts (CK_app_work_event_retry_count).
        SELECT
            @retry_count = CASE WHEN e.retry_count < e.max_attempts THEN e.retry_count + 1 ELSE e.max_attempts END,
            @max_attempts = e.max_attempts
        FROM app.work_event AS e WITH (UPDLOCK, ROWLOCK)
        WHERE
            e.event_id = @event_id
            AND e.claimed_by = @worker
            AND e.processed_at IS NULL
            AND e.dead_letter_at IS NULL;

        IF @retry_count IS NULL
            BEGIN
                SET @message = CONCAT(
                    N'sp_fail_work_event: event ', COALESCE(CONVERT(nvarchar(20), @event_id), N'NULL'),
                    N' is not held by worker ', @worker, N' (unknown, claimed by another worker, processed or dead-lettered).'
                );
                THROW 50038, @message, 1;
            END;

        SET @is_dead = CASE WHEN @retry_count >= @max_attempts THEN 1 ELSE 0 END;
        SET @delay = CASE
            WHEN @backoff_seconds = 0 THEN 0
            WHEN @retry_count - 1 >= 30 THEN @max_backoff_seconds
            ELSE CONVERT(bigint, @backoff_seconds) * POWER(CONVERT(bigint, 2), @retry_count - 1)
        END;
        IF @delay > @max_backoff_seconds SET @delay = @max_backoff_seconds;

        UPDATE e
        SET
            e.retry_count = @retry_count,
            e.last_error = @error,
            e.dead_letter_at = CASE WHEN @is_dead = 1 THEN @now END,
            e.claimed_at = CASE WHEN @is_dead = 1 THEN e.claimed_at END,
            e.claimed_by = CASE WHEN @is_dead = 1 THEN e.claimed_by END,
            e.lease_until = CASE WHEN @is_dead = 1 THEN e.lease_until END,
            e.next_attempt_at = CASE WHEN @is_dead = 0 THEN DATEADD(SECOND, CONVERT(int, @delay), @now) END
        OUTPUT
            INSERTED.event_id,
            INSERTED.retry_count,
            INSERTED.max_attempts,
            INSERTED.next_attempt_at,
            INSERTED.dead_letter_at,
            INSERTED.last_error
        INTO @state
        FROM app.work_event AS e
        WHERE e.event_id = @event_id;

        COMMIT TRANSACTION;

        SELECT
            s.event_id,
            s.retry_count,
            s.max_attempts,
            s.next_attempt_at,
            s.dead_letter_at,
            s.last_error
        FROM @state AS s;
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
-- wsdb:step 17 describe app.sp_fail_work_event
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'PROCEDURE', N'sp_fail_work_event', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Records a failed attempt at an outbox event (app.work_event) a worker holds: retry later, or dead-letter it.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'PROCEDURE', @level1name = N'sp_fail_work_event';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Records a failed attempt at an outbox event (app.work_event) a worker holds: retry later, or dead-letter it.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'PROCEDURE', @level1name = N'sp_fail_work_event';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 18 module app.sp_reclaim_work_events
-- Takes back outbox events (app.work_event) whose claim's lease ran out: each counts as a failed attempt.
--
-- An event is reclaimed when it is claimed, not processed, not dead-lettered and its lease_until has passed (or it
-- has none: claims recorded before leases existed). retry_count goes up by one and last_error says
-- 'lease expired; worker <claimed_by> did not finish'. When retry_count reaches max_attempts the event is
-- dead-lettered (dead_letter_at = now; the claim columns stay for the post-mortem); otherwise the claim is released
-- (claimed_at, claimed_by, lease_until cleared; next_attempt_at cleared, so it can be claimed again at once).
-- At most @batch_size events per call, oldest first; rows other sessions have locked (a worker completing or failing
-- the event right now) are skipped (READPAST), so a reclaim never blocks the workers.
-- Returns one row: released, dead_lettered. Writes no further events.
-- Errors (docs/errors.md), raised before anything is written:
--   50039 @batch_size not between 1 and 2000.
CREATE OR ALTER PROCEDURE app.sp_reclaim_work_events
    @batch_size int = 1000
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    -- READPAST needs READ COMMITTED (or REPEATABLE READ); a caller's SERIALIZABLE (TransactionScope's default)
    -- would make it fail with error 650. Set here, the level reverts to the caller's when the procedure returns.
    SET TRANSACTION ISOLATION LEVEL READ COMMITTED;

    DECLARE @now datetime2 = SYSUTCDATETIME();
    DECLARE @outcome TABLE (
        event_id bigint NOT NULL PRIMARY KEY,
        dead_letter_at datetime2 NULL
    );

    BEGIN TRY
        IF @batch_size IS NULL OR @batch_size < 1 OR @batch_size > 2000
            THROW 50039, N'sp_reclaim_work_events: @batch_size must be between 1 and 2000.', 1;

        -- One statement; on the right of SET every column still has its value from before the update.
        WITH expired AS (
            SELECT TOP (@batch_size)
                e.event_id,
                e.retry_count,
                e.max_attempts,
                e.claimed_at,
                e.claimed_by,
                e.lease_until,
                e.next_attempt_at,
                e.dead_letter_at,
                e.last_error
            FROM app.work_event AS e WITH (ROWLOCK, UPDLOCK, READPAST)
            WHERE
                e.processed_at IS NULL
                AND e.dead_letter_at IS NULL
                AND e.claimed_at IS NOT NULL
                AND (e.lease_until IS NULL OR e.lease_until <= @now)
            ORDER BY e.event_id
        )

        UPDATE x
        SET
            x.last_error = CONCAT(N'lease expired; worker ', x.claimed_by, N' did not finish'),
            x.retry_count = CASE WHEN x.retry_count < x.max_attempts THEN x.retry_count + 1 ELSE x.max_attempts END,
            x.dead_letter_at = CASE WHEN x.retry_count >= x.max_attempts - 1 THEN @now END,
            x.claimed_at = CASE WHEN x.retry_count >= x.max_attempts - 1 THEN x.claimed_at END,
            x.claimed_by = CASE WHEN x.retry_count >= x.max_attempts - 1 THEN x.claimed_by END,
            x.lease_until = CASE WHEN x.retry_count >= x.max_attempts - 1 THEN x.lease_until END,
            x.next_attempt_at = NULL
        OUTPUT
            INSERTED.event_id,
            INSERTED.dead_letter_at
        INTO @outcome
        FROM expired AS x;

        SELECT
            COUNT(CASE WHEN o.dead_letter_at IS NULL THEN 1 END) AS released,
            COUNT(o.dead_letter_at) AS dead_lettered
        FROM @outcome AS o;
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
-- wsdb:step 18 describe app.sp_reclaim_work_events
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'PROCEDURE', N'sp_reclaim_work_events', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Takes back outbox events (app.work_event) whose claim''s lease ran out: each counts as a failed attempt.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'PROCEDURE', @level1name = N'sp_reclaim_work_events';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Takes back outbox events (app.work_event) whose claim''s lease ran out: each counts as a failed attempt.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'PROCEDURE', @level1name = N'sp_reclaim_work_events';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 19 module app.sp_record_sla_breaches
-- Records and resolves SLA breaches of open signals, candidates and pursuits against the SLA rules in force.
--
-- Scope: @org_id, or every org except the template org 0 when NULL. "Now" is SYSUTCDATETIME(), read once after the
-- application lock is granted. Runs in one transaction, serialized by the application lock
-- 'app.sp_record_sla_breaches' (exclusive, owned by the transaction, waited for at most 30 seconds).
-- 1. Materializes the SLA rules authored in the config registry: every 'sla_rule' entry in force for an org
--    (app.v_effective_config) gets one app.sla_rule row (config_id, org_id; active_from = the entry's effective_from),
--    inserted once and reused afterwards; a row switched off earlier is switched on again. A materialized row whose
--    entry is no longer in force for its org gets is_active = 0 and active_to = now. A document is read once: its
--    row is a snapshot, so a changed rule is a new entry (a new version), never an edit of the old one.
--    A document is skipped, never an error, unless it is an object with exactly one of each member: "item_type"
--    ('signal', 'candidate' or 'pursuit'), "stage" (null = any open stage, or a string of 1-16 characters), "metric"
--    (a string of 1-24 characters) and "threshold_hrs" (a JSON number that is a positive int). Skipped documents
--    count as not in force.
-- 2. Rules in force: rules written directly into app.sla_rule (config_id NULL, is_active = 1, active_from <= now,
--    active_to NULL or later) and the materialized rules that no direct rule of the org overrides; a direct rule
--    overrides a materialized one with the same item_type, stage (NULL matches NULL) and metric.
-- 3. Breaching (item, rule) pairs; exactly at the threshold is a breach:
--    'signal' 'response' (stage ignored): the signal is not linked to a candidate and now >= ts + threshold_hrs
--    ('response_overdue'); 'candidate' 'touch': status new, triaged, nurture or on_hold, equal to the rule's stage
--    when it has one, and now >= last_touch_at + threshold_hrs ('touch_overdue'); 'pursuit' 'touch': stage qual,
--    pink, red or submit (the rule's stage when it has one) and now >= updated_at + threshold_hrs ('touch_overdue');
--    'pursuit' 'due': stage qual, pink or red (the rule's stage when it has one) and now >= due_date (00:00 UTC)
--    - threshold_hrs: 'past_due' from the due date on, 'due_soon' before; a NULL due date never breaches.
--    Any other item_type/metric combination, and a stage an item can never be open in, measures nothing.
--    A threshold too large for the calendar (DATEADD out of range) never breaches a touch or response rule and
--    makes every dated pursuit due soon.
-- 4. Records a breach (breached_at = now) for each breaching pair without an open breach, with the event
--    'sla_breached' on the item (payload: breach_id, rule_id, metric, threshold_hrs, reason_code). An open breach
--    keeps its reason_code: a 'due_soon' breach stays open as it is once the due date passes.
-- 5. Resolves every open breach in scope whose pair is not breaching now (the item moved on, was touched or closed,
--    or the rule left force): resolved_at = now (not before breached_at), event 'sla_resolved' (payload: breach_id,
--    rule_id, reason_code).
-- A second run in a row records and resolves nothing. Returns one row: rules_in_force, breaches_recorded,
-- breaches_resolved.
-- Errors (docs/errors.md), raised before anything is written:
--   50040 @org_id is not an org, or is the template org 0; 50041 the application lock was not granted within 30 s.
CREATE OR ALTER PROCEDURE app.sp_record_sla_breaches
    @org_id int = NULL
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    DECLARE @now datetime2;
    DECLARE @lock_result int;
    DECLARE @rules_in_force int;
    DECLARE @breaches_recorded int;
    DECLARE @breaches_resolved int;

    DECLARE @scope TABLE (
        org_id int NOT NULL PRIMARY KEY
    );

    DECLARE @config_rule TABLE (
        org_id int NOT NULL,
        config_id bigint NOT NULL,
        effective_from datetime2 NOT NULL,
        item_type varchar(12) NOT NULL,
        stage varchar(16) NULL,
        metric varchar(24) NOT NULL,
        threshold_hrs int NOT NULL,
        PRIMARY KEY (org_id, config_id)
    );

    DECLARE @rule TABLE (
        rule_id int NOT NULL PRIMARY KEY,
        org_id int NOT NULL,
        item_type varchar(12) NOT NULL,
        stage varchar(16) NULL,
        metric varchar(24) NOT NULL,
        threshold_hrs int NOT NULL,
        touched_before datetime2 NULL,
        due_by date NOT NULL
    );

    DECLARE @breaching TABLE (
        org_id int NOT NULL,
        item_type varchar(12) NOT NULL,
        item_id bigint NOT NULL,
        rule_id int NOT NULL,
        reason_code varchar(32) NOT NULL,
        PRIMARY KEY (org_id, item_type, item_id, rule_id)
    );

    DECLARE @recorded TABLE (
        breach_id bigint NOT NULL PRIMARY KEY,
        org_id int NOT NULL,
        item_type varchar(12) NOT NULL,
        item_id bigint NOT NULL,
        rule_id int NOT NULL,
        reason_code varchar(32) NULL
    );

    DECLARE @resolved TABLE (
        breach_id bigint NOT NULL PRIMARY KEY,
        org_id int NOT NULL,
        item_type varchar(12) NOT NULL,
        item_id bigint NOT NULL,
        rule_id int NOT NULL,
        reason_code varchar(32) NULL
    );

    BEGIN TRY
        IF @org_id IS NOT NULL AND (@org_id = 0 OR NOT EXISTS (SELECT 1 FROM core.org AS o WHERE o.org_id = @org_id))
            THROW 50040, N'sp_record_sla_breaches: @org_id does not name an org (the template org 0 has no work items).', 1;

        BEGIN TRANSACTION;

        EXEC @lock_result = sys.sp_getapplock
            @Resource = N'app.sp_record_sla_breaches',
            @LockMode = 'Exclusive',
            @LockOwner = 'Transaction',
            @LockTimeout = 30000;
        IF @lock_result < 0
            THROW 50041, N'sp_record_sla_breaches: another run holds the lock app.sp_record_sla_breaches; try again.', 1;

        SET @now = SYSUTCDATETIME();

        INSERT INTO @scope (org_id)
        SELECT o.org_id
        FROM core.org AS o
        WHERE o.org_id <> 0 AND (@org_id IS NULL OR o.org_id = @org_id);

        -- Step 1: the well-formed 'sla_rule' documents in force for each org in scope.
        WITH members AS (
            SELECT
                e.org_id,
                e.config_id,
                e.effective_from,
                SUM(CASE WHEN j.[key] = N'item_type' THEN 1 ELSE 0 END) AS item_type_count,
                SUM(CASE WHEN j.[key] = N'stage' THEN 1 ELSE 0 END) AS stage_count,
                SUM(CASE WHEN j.[key] = N'metric' THEN 1 ELSE 0 END) AS metric_count,
                SUM(CASE WHEN j.[key] = N'threshold_hrs' THEN 1 ELSE 0 END) AS threshold_count,
                MAX(CASE WHEN j.[key] = N'item_type' AND j.[type] = 1 THEN j.[value] END) AS item_type,
                MAX(CASE WHEN j.[key] = N'stage' AND j.[type] = 0 THEN 1 ELSE 0 END) AS stage_is_null,
                MAX(CASE WHEN j.[key] = N'stage' AND j.[type] = 1 THEN j.[value] END) AS stage,
                MAX(CASE WHEN j.[key] = N'metric' AND j.[type] = 1 THEN j.[value] END) AS metric,
                MAX(CASE WHEN j.[key] = N'threshold_hrs' AND j.[type] = 2 THEN j.[value] END) AS threshold_hrs
            FROM app.v_effective_config AS e
            INNER JOIN @scope AS s ON e.org_id = s.org_id
            CROSS APPLY OPENJSON(e.config_value) AS j
            WHERE e.config_type = 'sla_rule'
            GROUP BY e.org_id, e.config_id, e.effective_from
        )

        INSERT INTO @config_rule (org_id, config_id, effective_from, item_type, stage, metric, threshold_hrs)
        SELECT
            m.org_id,
            m.config_id,
            m.effective_from,
            CAST(m.item_type AS varchar(12)) AS item_type,
            CAST(m.stage AS varchar(16)) AS stage,
            CAST(m.metric AS varchar(24)) AS metric,
            TRY_CONVERT(int, m.threshold_hrs) AS threshold_hrs
        FROM members AS m
        WHERE
            m.item_type_count = 1
            AND m.stage_count = 1
            AND m.metric_count = 1
            AND m.threshold_count = 1
            AND m.item_type IN (N'signal', N'candidate', N'pursuit')
            AND (m.stage_is_null = 1 OR LEN(m.stage) BETWEEN 1 AND 16)
            AND LEN(m.metric) BETWEEN 1 AND 24
            AND TRY_CONVERT(int, m.threshold_hrs) >= 1;

        -- Step 1: one app.sla_rule row per entry and org, switched on while the entry is in force.
        UPDATE r
        SET
            r.is_active = 1,
            r.active_to = NULL
        FROM app.sla_rule AS r
        INNER JOIN @config_rule AS c
            ON r.org_id = c.org_id AND r.config_id = c.config_id
        WHERE r.is_active = 0 OR r.active_to IS NOT NULL;

        INSERT INTO app.sla_rule (org_id, item_type, stage, metric, threshold_hrs, active_from, is_active, config_id)
        SELECT
            c.org_id,
            c.item_type,
            c.stage,
            c.metric,
            c.threshold_hrs,
            c.effective_from,
            1 AS is_active,
            c.config_id
        FROM @config_rule AS c
        WHERE NOT EXISTS (
            SELECT 1
            FROM app.sla_rule AS r WITH (UPDLOCK, HOLDLOCK)
            WHERE r.config_id = c.config_id AND r.org_id = c.org_id
        );

        -- Step 1: a materialized rule whose entry left force is switched off (active_to stays after active_from).
        UPDATE r
        SET
            r.is_active = 0,
            r.active_to = CASE WHEN r.active_to IS NULL AND @now > r.active_from THEN @now ELSE r.active_to END
        FROM app.sla_rule AS r
        INNER JOIN @scope AS s ON r.org_id = s.org_id
        WHERE
            r.config_id IS NOT NULL
            AND r.is_active = 1
            AND NOT EXISTS (
                SELECT 1
                FROM @config_rule AS c
                WHERE c.org_id = r.org_id AND c.config_id = r.config_id
            );

        -- Step 2: the rules in force. touched_before: an item last touched then or earlier breaches (NULL: never);
        -- due_by: a pursuit due then or earlier breaches (now + threshold_hrs, capped at the calendar's end).
        WITH in_force AS (
            SELECT
                r.rule_id,
                r.org_id,
                r.item_type,
                r.stage,
                r.metric,
                r.threshold_hrs
            FROM app.sla_rule AS r
            INNER JOIN @scope AS s ON r.org_id = s.org_id
            WHERE
                r.config_id IS NULL
                AND r.is_active = 1
                AND r.active_from <= @now
                AND (r.active_to IS NULL OR r.active_to > @now)
        ),

        materialized AS (
            SELECT
                r.rule_id,
                r.org_id,
                r.item_type,
                r.stage,
                r.metric,
                r.threshold_hrs
            FROM app.sla_rule AS r
            INNER JOIN @config_rule AS c
                ON r.org_id = c.org_id AND r.config_id = c.config_id
            WHERE NOT EXISTS (
                SELECT 1
                FROM in_force AS d
                WHERE
                    d.org_id = r.org_id
                    AND d.item_type = r.item_type
                    AND d.metric = r.metric
                    AND (d.stage = r.stage OR (d.stage IS NULL AND r.stage IS NULL))
            )
        ),

        rules AS (
            SELECT
                d.rule_id,
                d.org_id,
                d.item_type,
                d.stage,
                d.metric,
                d.threshold_hrs
            FROM in_force AS d

            UNION ALL

            SELECT
                m.rule_id,
                m.org_id,
                m.item_type,
                m.stage,
                m.metric,
                m.threshold_hrs
            FROM materialized AS m
        )

        INSERT INTO @rule (rule_id, org_id, item_type, stage, metric, threshold_hrs, touched_before, due_by)
        SELECT
            u.rule_id,
            u.org_id,
            u.item_type,
            u.stage,
            u.metric,
            u.threshold_hrs,
            CASE
                WHEN u.threshold_hrs <= DATEDIFF(HOUR, CAST('0001-01-02' AS datetime2), @now)
                    THEN DATEADD(HOUR, -u.threshold_hrs, @now)
            END AS touched_before,
            CASE
                WHEN u.threshold_hrs <= DATEDIFF(HOUR, @now, CAST('9999-12-30' AS datetime2))
                    THEN CAST(DATEADD(HOUR, u.threshold_hrs, @now) AS date)
                ELSE CAST('9999-12-31' AS date)
            END AS due_by
        FROM rules AS u;

        SET @rules_in_force = (SELECT COUNT(r.rule_id) AS n FROM @rule AS r);

        -- Step 3: the breaching (item, rule) pairs.
        INSERT INTO @breaching (org_id, item_type, item_id, rule_id, reason_code)
        SELECT
            r.org_id,
            'signal' AS item_type,
            s.signal_id AS item_id,
            r.rule_id,
            'response_overdue' AS reason_code
        FROM @rule AS r
        INNER JOIN app.signal AS s ON r.org_id = s.org_id
        WHERE
            r.item_type = 'signal'
            AND r.metric = 'response'
            AND s.ts <= r.touched_before
            AND NOT EXISTS (
                SELECT 1
                FROM app.candidate_signal AS cs
                WHERE cs.org_id = s.org_id AND cs.signal_id = s.signal_id
            )

        UNION ALL

        SELECT
            r.org_id,
            'candidate' AS item_type,
            c.candidate_id AS item_id,
            r.rule_id,
            'touch_overdue' AS reason_code
        FROM @rule AS r
        INNER JOIN app.candidate AS c ON r.org_id = c.org_id
        WHERE
            r.item_type = 'candidate'
            AND r.metric = 'touch'
            AND c.status IN ('new', 'triaged', 'nurture', 'on_hold')
            AND (r.stage IS NULL OR c.status = r.stage)
            AND c.last_touch_at <= r.touched_before

        UNION ALL

        SELECT
            r.org_id,
            'pursuit' AS item_type,
            p.pursuit_id AS item_id,
            r.rule_id,
            'touch_overdue' AS reason_code
        FROM @rule AS r
        INNER JOIN app.pursuit AS p ON r.org_id = p.org_id
        WHERE
            r.item_type = 'pursuit'
            AND r.metric = 'touch'
            AND p.pursuit_stage IN ('qual', 'pink', 'red', 'submit')
            AND (r.stage IS NULL OR p.pursuit_stage = r.stage)
            AND p.updated_at <= r.touched_before

        UNION ALL

        SELECT
            r.org_id,
            'pursuit' AS item_type,
            p.pursuit_id AS item_id,
            r.rule_id,
            CASE WHEN p.due_date <= CAST(@now AS date) THEN 'past_due' ELSE 'due_soon' END AS reason_code
        FROM @rule AS r
        INNER JOIN app.pursuit AS p ON r.org_id = p.org_id
        WHERE
            r.item_type = 'pursuit'
            AND r.metric = 'due'
            AND p.pursuit_stage IN ('qual', 'pink', 'red')
            AND (r.stage IS NULL OR p.pursuit_stage = r.stage)
            AND p.due_date <= r.due_by;

        -- Step 4: a breach for each breaching pair without an open one, and its event.
        INSERT INTO app.sla_breach (org_id, item_type, item_id, rule_id, breached_at, reason_code)
        OUTPUT
            INSERTED.breach_id,
            INSERTED.org_id,
            INSERTED.item_type,
            INSERTED.item_id,
            INSERTED.rule_id,
            INSERTED.reason_code
        INTO @recorded (breach_id, org_id, item_type, item_id, rule_id, reason_code)
        SELECT
            b.org_id,
            b.item_type,
            b.item_id,
            b.rule_id,
            @now AS breached_at,
            b.reason_code
        FROM @breaching AS b
        WHERE NOT EXISTS (
            SELECT 1
            FROM app.sla_breach AS o WITH (UPDLOCK)
            WHERE
                o.org_id = b.org_id
                AND o.item_type = b.item_type
                AND o.item_id = b.item_id
                AND o.rule_id = b.rule_id
                AND o.resolved_at IS NULL
        );

        SET @breaches_recorded = @@ROWCOUNT;

        INSERT INTO app.work_event (org_id, item_type, item_id, event_name, payload_json, happened_at)
        SELECT
            x.org_id,
            x.item_type,
            x.item_id,
            'sla_breached' AS event_name,
            CONCAT(
                N'{"breach_id":', x.breach_id,
                N',"rule_id":', x.rule_id,
                N',"metric":"', STRING_ESCAPE(r.metric, 'json'),
                N'","threshold_hrs":', r.threshold_hrs,
                N',"reason_code":"', STRING_ESCAPE(x.reason_code, 'json'), N'"}'
            ) AS payload_json,
            @now AS happened_at
        FROM @recorded AS x
        INNER JOIN @rule AS r ON x.rule_id = r.rule_id
        ORDER BY x.breach_id;

        -- Step 5: every open breach in scope whose pair is not breaching now is resolved, with its event.
        INSERT INTO @resolved (breach_id, org_id, item_type, item_id, rule_id, reason_code)
        SELECT
            o.breach_id,
            o.org_id,
            o.item_type,
            o.item_id,
            o.rule_id,
            o.reason_code
        FROM app.sla_breach AS o WITH (UPDLOCK)
        INNER JOIN @scope AS s ON o.org_id = s.org_id
        WHERE
            o.resolved_at IS NULL
            AND NOT EXISTS (
                SELECT 1
                FROM @breaching AS b
                WHERE
                    b.org_id = o.org_id
                    AND b.item_type = o.item_type
                    AND b.item_id = o.item_id
                    AND b.rule_id = o.rule_id
            );

        UPDATE o
        SET o.resolved_at = CASE WHEN @now >= o.breached_at THEN @now ELSE o.breached_at END
        FROM app.sla_breach AS o
        INNER JOIN @resolved AS x ON o.breach_id = x.breach_id;

        SET @breaches_resolved = @@ROWCOUNT;

        INSERT INTO app.work_event (org_id, item_type, item_id, event_name, payload_json, happened_at)
        SELECT
            x.org_id,
            x.item_type,
            x.item_id,
            'sla_resolved' AS event_name,
            CONCAT(
                N'{"breach_id":', x.breach_id,
                N',"rule_id":', x.rule_id,
                N',"reason_code":',
                CASE
                    WHEN x.reason_code IS NULL THEN N'null'
                    ELSE CONCAT(N'"', STRING_ESCAPE(x.reason_code, 'json'), N'"')
                END,
                N'}'
            ) AS payload_json,
            @now AS happened_at
        FROM @resolved AS x
        ORDER BY x.breach_id;

        COMMIT TRANSACTION;

        SELECT
            @rules_in_force AS rules_in_force,
            @breaches_recorded AS breaches_recorded,
            @breaches_resolved AS breaches_resolved;
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
-- wsdb:step 19 describe app.sp_record_sla_breaches
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'PROCEDURE', N'sp_record_sla_breaches', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Records and resolves SLA breaches of open signals, candidates and pursuits against the SLA rules in force.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'PROCEDURE', @level1name = N'sp_record_sla_breaches';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Records and resolves SLA breaches of open signals, candidates and pursuits against the SLA rules in force.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'PROCEDURE', @level1name = N'sp_record_sla_breaches';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 20 module app.sp_record_score_components
-- Records one explainable scoring run of an item against a spotlight, with its history row and event.
--
-- @components is a JSON array of objects {"name": "industry_match", "score": 8.5, "weight": 1.0,
-- "reason": "...", "max_possible_score": 10}; name and score are required, the other members optional (JSON null
-- counts as absent), numbers are JSON numbers rounded to the columns' two decimals. A missing weight comes from
-- the org's spotlight_rule 'component_weights' document in force (app.v_effective_config): weights[name], else
-- its default_weight, else 1.0; a missing @algorithm_version is that document's algorithm_version.
-- Every component of a call gets one scored_at, so the call is one run of app.v_spotlight_score_summary. Runs of an
-- item and spotlight never share a scored_at: a run takes SYSUTCDATETIME(), or 100 ns after the item and
-- spotlight's latest run when that is not earlier (the same datetime2 tick, or a clock that went back), so runs
-- follow each other in the order they were recorded.
-- One app.spotlight_scoring_history row compares the run with the item and spotlight's latest earlier run:
-- previous_score is that run's total_score (NULL for the first run), new_score this run's total,
-- score_delta = new_score - COALESCE(previous_score, 0), changed_components a JSON array of
-- {"component", "previous_weighted_score", "new_weighted_score"} (by component name) for every component whose
-- weighted score (score * weight, two decimals, as the summary view computes it) changed, was added (previous null)
-- or was removed (new null); '[]' when nothing changed. The event 'score_recorded' (payload spotlight_id,
-- history_id, previous_score, new_score, score_delta) is written on the item in the same transaction.
-- Returns the history row.
-- Errors (docs/errors.md), raised before anything is written:
--   50070 unknown org, 50071 item type not signal, candidate or pursuit, 50072 item not in the org,
--   50073 spotlight not of the org, 50074 @components not a non-empty JSON array of objects,
--   50075 a component without a name (string: a-z, 0-9, _, up to 64) or a score (number), with a repeated name,
--   an unknown or repeated member, a weight or max_possible_score that is not a number, or a reason that is not
--   a string of up to 200 characters, 50076 a number outside its column (score decimal(6, 2); weight, given or
--   from config, decimal(4, 2) >= 0; max_possible_score decimal(6, 2) >= 0 and >= score; the run's total and its
--   change from the previous run decimal(6, 2)), 50077 scorer not a user of the org,
--   50078 no algorithm version (neither given nor in the org's component_weights document, up to 16 characters).
CREATE OR ALTER PROCEDURE app.sp_record_score_components
    @org_id int,
    @item_type varchar(12),
    @item_id bigint,
    @spotlight_id int,
    @components nvarchar(max),
    @algorithm_version varchar(16) = NULL,
    @change_reason nvarchar(300) = NULL,
    @scored_by int = NULL
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    DECLARE @config nvarchar(max);
    DECLARE @config_version nvarchar(4000);
    DECLARE @default_weight_text nvarchar(4000);
    DECLARE @components_type tinyint;
    DECLARE @total decimal(38, 2);
    DECLARE @new_score decimal(6, 2);
    DECLARE @previous_at datetime2;
    DECLARE @previous_version varchar(16);
    DECLARE @previous_total decimal(9, 2);
    DECLARE @previous_score decimal(6, 2);
    DECLARE @score_delta decimal(6, 2);
    DECLARE @scored_at datetime2;
    DECLARE @changed nvarchar(max);
    DECLARE @history_id bigint;
    DECLARE @payload nvarchar(max);
    DECLARE @event_id bigint;

    -- The array's elements and, per element, its members as OPENJSON reads them (type 0 null, 1 string, 2 number,
    -- 3 boolean, 4 array, 5 object). Member names compare case-sensitively, as JSON's do.
    DECLARE @element TABLE (
        position int NOT NULL PRIMARY KEY,
        element_type tinyint NOT NULL
    );
    DECLARE @member TABLE (
        position int NOT NULL,
        member_key nvarchar(4000) COLLATE Latin1_General_100_BIN2 NOT NULL,
        member_value nvarchar(4000) NULL,
        member_type tinyint NOT NULL
    );
    DECLARE @run TABLE (
        position int NOT NULL PRIMARY KEY,
        component_name nvarchar(4000) COLLATE Latin1_General_100_BIN2 NULL,
        score_text nvarchar(4000) NULL,
        weight_text nvarchar(4000) NULL,
        max_text nvarchar(4000) NULL,
        reason_text nvarchar(4000) NULL,
        config_weight_text nvarchar(4000) NULL,
        component_score decimal(6, 2) NULL,
        component_weight decimal(4, 2) NULL,
        max_possible_score decimal(6, 2) NULL,
        weighted_score decimal(9, 2) NULL
    );
    DECLARE @previous TABLE (
        component_name varchar(64) COLLATE Latin1_General_100_BIN2 NOT NULL PRIMARY KEY,
        weighted_score decimal(9, 2) NOT NULL
    );

    BEGIN TRY
        SET @item_type = LOWER(LTRIM(RTRIM(@item_type)));
        SET @algorithm_version = NULLIF(LTRIM(RTRIM(@algorithm_version)), '');

        IF NOT EXISTS (SELECT 1 FROM core.org AS o WHERE o.org_id = @org_id)
            THROW 50070, N'sp_record_score_components: @org_id does not name an org.', 1;
        IF @item_type IS NULL OR @item_type NOT IN ('signal', 'candidate', 'pursuit')
            THROW 50071, N'sp_record_score_components: @item_type must be signal, candidate or pursuit.', 1;
        IF
            NOT EXISTS (
                SELECT 1 FROM app.signal AS s
                WHERE @item_type = 'signal' AND s.org_id = @org_id AND s.signal_id = @item_id
                UNION ALL
                SELECT 1 FROM app.candidate AS c
                WHERE @item_type = 'candidate' AND c.org_id = @org_id AND c.candidate_id = @item_id
                UNION ALL
                SELECT 1 FROM app.pursuit AS p
                WHERE @item_type = 'pursuit' AND p.org_id = @org_id AND p.pursuit_id = @item_id
            )
            THROW 50072, N'sp_record_score_components: @item_id is not an item of that type in @org_id.', 1;
        IF
            NOT EXISTS (
                SELECT 1 FROM app.spotlights AS sp
                WHERE sp.org_id = @org_id AND sp.spotlight_id = @spotlight_id
            )
            THROW 50073, N'sp_record_score_components: @spotlight_id is not a spotlight of @org_id.', 1;
        IF
            @scored_by IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM core.user_account AS u
                WHERE u.org_id = @org_id AND u.user_id = @scored_by
            )
            THROW 50077, N'sp_record_score_components: @scored_by is not a user of @org_id.', 1;

        -- The components: a non-empty JSON array of objects (wrapped in [] its one element's type says what it is).
        IF ISJSON(@components) = 1
            SELECT @components_type = j.[type]
            FROM OPENJSON(CONCAT(N'[', @components, N']')) AS j;
        IF COALESCE(@components_type, 0) <> 4
            THROW 50074, N'sp_record_score_components: @components must be a non-empty JSON array of objects.', 1;

        INSERT INTO @element (position, element_type)
        SELECT
            CAST(j.[key] AS int) AS position,
            j.[type] AS element_type
        FROM OPENJSON(@components) AS j;

        IF NOT EXISTS (SELECT e.position FROM @element AS e) OR EXISTS (SELECT 1 FROM @element AS e WHERE e.element_type <> 5)
            THROW 50074, N'sp_record_score_components: @components must be a non-empty JSON array of objects.', 1;

        INSERT INTO @member (position, member_key, member_value, member_type)
        SELECT
            CAST(j.[key] AS int) AS position,
            m.[key] AS member_key,
            CAST(m.[value] AS nvarchar(4000)) AS member_value,
            m.[type] AS member_type
        FROM OPENJSON(@components) AS j
        CROSS APPLY OPENJSON(j.[value]) AS m;

        INSERT INTO @run (position, component_name, score_text, weight_text, max_text, reason_text)
        SELECT
            e.position,
            MAX(CASE WHEN m.member_key = N'name' AND m.member_type = 1 THEN m.member_value END) AS component_name,
            MAX(CASE WHEN m.member_key = N'score' AND m.member_type = 2 THEN m.member_value END) AS score_text,
            MAX(CASE WHEN m.member_key = N'weight' AND m.member_type = 2 THEN m.member_value END) AS weight_text,
            MAX(CASE WHEN m.member_key = N'max_possible_score' AND m.member_type = 2 THEN m.member_value END) AS max_text,
            MAX(CASE WHEN m.member_key = N'reason' AND m.member_type = 1 THEN m.member_value END) AS reason_text
        FROM @element AS e
        LEFT OUTER JOIN @member AS m ON e.position = m.position
        GROUP BY e.position;

        IF
            EXISTS (
                SELECT 1 FROM @member AS m
                WHERE
                    m.member_key NOT IN (N'name', N'score', N'weight', N'reason', N'max_possible_score')
                    OR (m.member_key IN (N'weight', N'max_possible_score') AND m.member_type NOT IN (0, 2))
                    OR (m.member_key = N'reason' AND m.member_type NOT IN (0, 1))
            )
            OR EXISTS (
                SELECT 1 FROM @member AS m
                GROUP BY m.position, m.member_key
                HAVING COUNT(*) > 1
            )
            OR EXISTS (
                SELECT 1 FROM @run AS r
                WHERE
                    r.component_name IS NULL
                    OR r.score_text IS NULL
                    OR r.component_name = N''
                    OR LEN(r.component_name) > 64
                    OR r.component_name LIKE N'%[^a-z0-9_]%'
                    OR LEN(r.reason_text) > 200
            )
            OR EXISTS (
                SELECT 1 FROM @run AS r
                GROUP BY r.component_name
                HAVING COUNT(*) > 1
            )
            THROW 50075, N'sp_record_score_components: a component is malformed (see the procedure''s header).', 1;

        -- Weights and the algorithm version the org's component_weights document gives (none when it has none).
        SELECT @config = e.config_value
        FROM app.v_effective_config AS e
        WHERE e.org_id = @org_id AND e.config_type = 'spotlight_rule' AND e.config_key = 'component_weights';

        SET @default_weight_text = JSON_VALUE(@config, '$.default_weight');
        SET @config_version = NULLIF(LTRIM(RTRIM(JSON_VALUE(@config, '$.algorithm_version'))), N'');

        UPDATE r
        SET r.config_weight_text = CAST(w.[value] AS nvarchar(4000))
        FROM @run AS r
        INNER JOIN OPENJSON(JSON_QUERY(@config, '$.weights')) AS w
            ON w.[key] COLLATE Latin1_General_100_BIN2 = r.component_name
        WHERE w.[type] <> 0;

        UPDATE r
        SET
            r.weight_text = COALESCE(r.weight_text, r.config_weight_text, @default_weight_text),
            r.component_score = COALESCE(
                TRY_CONVERT(decimal(6, 2), r.score_text),
                TRY_CONVERT(decimal(6, 2), TRY_CONVERT(float, r.score_text))
            ),
            r.max_possible_score = COALESCE(
                TRY_CONVERT(decimal(6, 2), r.max_text),
                TRY_CONVERT(decimal(6, 2), TRY_CONVERT(float, r.max_text))
            )
        FROM @run AS r;

        UPDATE r
        SET
            r.component_weight = CASE
                WHEN r.weight_text IS NULL THEN 1.0
                ELSE COALESCE(
                    TRY_CONVERT(decimal(4, 2), r.weight_text),
                    TRY_CONVERT(decimal(4, 2), TRY_CONVERT(float, r.weight_text))
                )
            END
        FROM @run AS r;

        UPDATE r
        SET r.weighted_score = CAST(r.component_score * r.component_weight AS decimal(9, 2))
        FROM @run AS r;

        SELECT @total = SUM(r.weighted_score)
        FROM @run AS r;

        SET @new_score = TRY_CONVERT(decimal(6, 2), @total);

        IF
            EXISTS (
                SELECT 1 FROM @run AS r
                WHERE
                    r.component_score IS NULL
                    OR r.component_weight IS NULL
                    OR r.component_weight < 0
                    OR (r.max_text IS NOT NULL AND r.max_possible_score IS NULL)
                    OR r.max_possible_score < 0
                    OR r.component_score > r.max_possible_score
            )
            OR @new_score IS NULL
            THROW 50076, N'sp_record_score_components: a score, weight, max_possible_score or the total does not fit its column.', 1;

        IF @algorithm_version IS NULL AND LEN(@config_version) <= 16
            SET @algorithm_version = @config_version;
        IF @algorithm_version IS NULL
            THROW 50078, N'sp_record_score_components: no @algorithm_version, and the org''s component_weights has none.', 1;

        BEGIN TRANSACTION;

        -- The item and spotlight's latest run, locked so that concurrent runs of the item are recorded one after the other.
        SELECT TOP (1)
            @previous_at = c.scored_at,
            @previous_version = c.algorithm_version
        FROM app.spotlight_score_components AS c WITH (UPDLOCK, HOLDLOCK)
        WHERE
            c.org_id = @org_id
            AND c.item_type = @item_type
            AND c.item_id = @item_id
            AND c.spotlight_id = @spotlight_id
        ORDER BY c.scored_at DESC, c.algorithm_version DESC;

        IF @previous_at IS NOT NULL
            BEGIN
                SELECT @previous_total = s.total_score
                FROM app.v_spotlight_score_summary AS s
                WHERE
                    s.org_id = @org_id
                    AND s.item_type = @item_type
                    AND s.item_id = @item_id
                    AND s.spotlight_id = @spotlight_id
                    AND s.scored_at = @previous_at
                    AND s.algorithm_version = @previous_version;

                INSERT INTO @previous (component_name, weighted_score)
                SELECT
                    c.component_name,
                    SUM(CAST(c.component_score * c.component_weight AS decimal(9, 2))) AS weighted_score
                FROM app.spotlight_score_components AS c
                WHERE
                    c.org_id = @org_id
                    AND c.item_type = @item_type
                    AND c.item_id = @item_id
                    AND c.spotlight_id = @spotlight_id
                    AND c.scored_at = @previous_at
                    AND c.algorithm_version = @previous_version
                GROUP BY c.component_name;
            END;

        SET @previous_score = TRY_CONVERT(decimal(6, 2), @previous_total);
        SET @score_delta = TRY_CONVERT(decimal(6, 2), @total - COALESCE(@previous_total, 0));

        IF (@previous_total IS NOT NULL AND @previous_score IS NULL) OR @score_delta IS NULL
            THROW 50076, N'sp_record_score_components: the change from the previous run''s total does not fit decimal(6, 2).', 1;

        SET @scored_at = SYSUTCDATETIME();
        IF @previous_at >= @scored_at
            SET @scored_at = DATEADD(NANOSECOND, 100, @previous_at);

        SET @changed = (
            SELECT
                COALESCE(n.component_name, p.component_name) AS component,
                p.weighted_score AS previous_weighted_score,
                n.weighted_score AS new_weighted_score
            FROM @run AS n
            FULL OUTER JOIN @previous AS p ON n.component_name = p.component_name
            WHERE
                n.weighted_score IS NULL
                OR p.weighted_score IS NULL
                OR n.weighted_score <> p.weighted_score
            ORDER BY COALESCE(n.component_name, p.component_name)
            FOR JSON PATH, INCLUDE_NULL_VALUES
        );

        INSERT INTO app.spotlight_score_components (
            org_id, item_type, item_id, spotlight_id, component_name, component_score, component_weight,
            component_reason, max_possible_score, scored_at, algorithm_version
        )
        SELECT
            @org_id AS org_id,
            @item_type AS item_type,
            @item_id AS item_id,
            @spotlight_id AS spotlight_id,
            CAST(r.component_name AS varchar(64)) AS component_name,
            r.component_score,
            r.component_weight,
            r.reason_text AS component_reason,
            r.max_possible_score,
            @scored_at AS scored_at,
            @algorithm_version AS algorithm_version
        FROM @run AS r;

        INSERT INTO app.spotlight_scoring_history (
            org_id, item_type, item_id, spotlight_id, previous_score, new_score, score_delta, change_reason,
            changed_components, algorithm_version, scored_at, scored_by
        )
        VALUES (
            @org_id, @item_type, @item_id, @spotlight_id, @previous_score, @new_score, @score_delta, @change_reason,
            COALESCE(@changed, N'[]'), @algorithm_version, @scored_at, @scored_by
        );
        SET @history_id = SCOPE_IDENTITY();

        SET @payload = (
            SELECT
                @spotlight_id AS spotlight_id,
                @history_id AS history_id,
                @previous_score AS previous_score,
                @new_score AS new_score,
                @score_delta AS score_delta
            FOR JSON PATH, WITHOUT_ARRAY_WRAPPER, INCLUDE_NULL_VALUES
        );

        EXEC app.sp_append_work_event
            @org_id = @org_id,
            @item_type = @item_type,
            @item_id = @item_id,
            @event_name = 'score_recorded',
            @payload_json = @payload,
            @actor_user_id = @scored_by,
            @event_id = @event_id OUTPUT;

        COMMIT TRANSACTION;

        SELECT
            h.history_id,
            h.org_id,
            h.item_type,
            h.item_id,
            h.spotlight_id,
            h.previous_score,
            h.new_score,
            h.score_delta,
            h.change_reason,
            h.changed_components,
            h.algorithm_version,
            h.scored_at,
            h.scored_by
        FROM app.spotlight_scoring_history AS h
        WHERE h.history_id = @history_id;
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
-- wsdb:step 20 describe app.sp_record_score_components
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'PROCEDURE', N'sp_record_score_components', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Records one explainable scoring run of an item against a spotlight, with its history row and event.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'PROCEDURE', @level1name = N'sp_record_score_components';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Records one explainable scoring run of an item against a spotlight, with its history row and event.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'PROCEDURE', @level1name = N'sp_record_score_components';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 21 module app.fn_gate_rule_items
-- The checklist items a stage's gate rule in force for an org requires, in the rule's order.
--
-- Reads the 'gate_rule' document whose config_key is @stage from app.v_effective_config (the org's own, else the
-- template org's): one row per distinct name of its "required_items" array, cut to the 120 characters of
-- app.pursuit_checklist.name; entries that are not strings, or are blank, are ignored. No rule in force: no rows.
-- Used by app.sp_promote_candidate and app.sp_advance_pursuit_stage, to seed checklists and to check gates.
CREATE OR ALTER FUNCTION app.fn_gate_rule_items(
    @org_id int,
    @stage varchar(16)
)
RETURNS TABLE
AS
RETURN (
    SELECT
        CAST(LEFT(j.[value], 120) AS nvarchar(120)) AS name,
        MIN(TRY_CONVERT(int, j.[key])) AS position
    FROM app.v_effective_config AS e
    CROSS APPLY OPENJSON(JSON_QUERY(e.config_value, '$.required_items')) AS j
    WHERE
        e.org_id = @org_id
        AND e.config_type = 'gate_rule'
        AND e.config_key = @stage
        AND j.[type] = 1
        AND LTRIM(j.[value]) <> N''
    GROUP BY CAST(LEFT(j.[value], 120) AS nvarchar(120))
);
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 21 describe app.fn_gate_rule_items
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'FUNCTION', N'fn_gate_rule_items', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'The checklist items a stage''s gate rule in force for an org requires, in the rule''s order.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'FUNCTION', @level1name = N'fn_gate_rule_items';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'The checklist items a stage''s gate rule in force for an org requires, in the rule''s order.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'FUNCTION', @level1name = N'fn_gate_rule_items';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 22 module app.sp_promote_candidate
-- Promotes an open candidate to a pursuit in stage 'qual', once per candidate.
--
-- The candidate must be open ('new', 'triaged', 'nurture' or 'on_hold'); it becomes 'promoted' (updated_at and
-- last_touch_at = now). The pursuit's capture lead defaults to the candidate's owner. A candidate is promoted once:
-- the candidate row is locked (UPDLOCK, HOLDLOCK) before the check for an existing pursuit, so concurrent calls
-- for one candidate run one after the other and the second one fails with 50053; the unique index
-- UX_pursuit_once_per_candidate is the last line of defence, and its violation is reported as 50053 too.
-- When a gate rule for stage 'qual' is in force for the org (app.v_effective_config, config_type 'gate_rule',
-- config_key 'qual'; none is shipped), its required_items seed the new pursuit's checklist (is_required 1,
-- is_done 0). Events, in the same transaction: 'candidate_promoted' (candidate; payload pursuit_id) and
-- 'pursuit_created' (pursuit; payload candidate_id, stage).
-- Returns the new pursuit's row.
-- Errors (docs/errors.md), raised before anything is written:
--   50050 unknown org, 50051 actor, capture lead or proposal manager not a user of the org, 50052 candidate not of
--   the org, 50053 the candidate already has a pursuit, 50054 candidate not in an open status, 50055 negative
--   forecast value.
CREATE OR ALTER PROCEDURE app.sp_promote_candidate
    @org_id int,
    @candidate_id bigint,
    @actor_user_id int = NULL,
    @due_date date = NULL,
    @capture_lead_id int = NULL,
    @proposal_mgr_id int = NULL,
    @forecast_value_usd decimal(18, 2) = NULL
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    DECLARE @now datetime2 = SYSUTCDATETIME();
    DECLARE @status varchar(12);
    DECLARE @owner_user_id int;
    DECLARE @existing_pursuit_id bigint;
    DECLARE @pursuit_id bigint;
    DECLARE @payload nvarchar(max);
    DECLARE @event_id bigint;
    DECLARE @message nvarchar(2048);

    BEGIN TRY
        IF NOT EXISTS (SELECT 1 FROM core.org AS o WHERE o.org_id = @org_id)
            THROW 50050, N'sp_promote_candidate: @org_id does not name an org.', 1;
        IF
            @actor_user_id IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM core.user_account AS u
                WHERE u.org_id = @org_id AND u.user_id = @actor_user_id
            )
            THROW 50051, N'sp_promote_candidate: @actor_user_id is not a user of @org_id.', 1;
        IF
            @candidate_id IS NULL OR NOT EXISTS (
                SELECT 1 FROM app.candidate AS c
                WHERE c.org_id = @org_id AND c.candidate_id = @candidate_id
            )
            THROW 50052, N'sp_promote_candidate: @candidate_id is not a candidate of @org_id.', 1;
        IF
            @capture_lead_id IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM core.user_account AS u
                WHERE u.org_id = @org_id AND u.user_id = @capture_lead_id
            )
            THROW 50051, N'sp_promote_candidate: @capture_lead_id is not a user of @org_id.', 1;
        IF
            @proposal_mgr_id IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM core.user_account AS u
                WHERE u.org_id = @org_id AND u.user_id = @proposal_mgr_id
            )
            THROW 50051, N'sp_promote_candidate: @proposal_mgr_id is not a user of @org_id.', 1;
        IF @forecast_value_usd < 0
            THROW 50055, N'sp_promote_candidate: @forecast_value_usd must not be negative.', 1;

        BEGIN TRANSACTION;

        -- The candidate row, locked: concurrent promotions of one candidate run one after the other.
        SELECT
            @status = c.status,
            @owner_user_id = c.owner_user_id
        FROM app.candidate AS c WITH (UPDLOCK, HOLDLOCK)
        WHERE c.org_id = @org_id AND c.candidate_id = @candidate_id;

        SELECT @existing_pursuit_id = p.pursuit_id
        FROM app.pursuit AS p WITH (UPDLOCK, HOLDLOCK)
        WHERE p.org_id = @org_id AND p.candidate_id = @candidate_id;

        IF @status IS NULL
            THROW 50052, N'sp_promote_candidate: @candidate_id is not a candidate of @org_id.', 1;
        IF @existing_pursuit_id IS NOT NULL
            BEGIN
                SET @message = CONCAT(
                    N'sp_promote_candidate: candidate ', @candidate_id, N' was promoted already (pursuit ',
                    @existing_pursuit_id, N').'
                );
                THROW 50053, @message, 1;
            END;
        IF @status NOT IN ('new', 'triaged', 'nurture', 'on_hold')
            BEGIN
                SET @message = CONCAT(
                    N'sp_promote_candidate: candidate ', @candidate_id, N' is ', @status,
                    N'; only new, triaged, nurture and on_hold candidates can be promoted.'
                );
                THROW 50054, @message, 1;
            END;

        INSERT INTO app.pursuit (
            org_id, candidate_id, due_date, capture_lead_id, proposal_mgr_id, pursuit_stage, forecast_value_usd,
            created_at, updated_at
        )
        VALUES (
            @org_id, @candidate_id, @due_date, COALESCE(@capture_lead_id, @owner_user_id), @proposal_mgr_id, 'qual',
            @forecast_value_usd, @now, @now
        );
        SET @pursuit_id = SCOPE_IDENTITY();

        UPDATE c
        SET
            c.status = 'promoted',
            c.updated_at = @now,
            c.last_touch_at = @now
        FROM app.candidate AS c
        WHERE c.org_id = @org_id AND c.candidate_id = @candidate_id;

        -- The gate rule of stage 'qual' in force for the org, if any, seeds the checklist.
        INSERT INTO app.pursuit_checklist (org_id, pursuit_id, name, is_required, is_done)
        SELECT
            @org_id AS org_id,
            @pursuit_id AS pursuit_id,
            r.name,
            1 AS is_required,
            0 AS is_done
        FROM app.fn_gate_rule_items(@org_id, 'qual') AS r
        ORDER BY r.position;

        SET @payload = CONCAT(N'{"pursuit_id":', @pursuit_id, N'}');
        EXEC app.sp_append_work_event
            @org_id = @org_id,
            @item_type = 'candidate',
            @item_id = @candidate_id,
            @event_name = 'candidate_promoted',
            @payload_json = @payload,
            @actor_user_id = @actor_user_id,
            @event_id = @event_id OUTPUT;

        SET @payload = CONCAT(N'{"candidate_id":', @candidate_id, N',"stage":"qual"}');
        EXEC app.sp_append_work_event
            @org_id = @org_id,
            @item_type = 'pursuit',
            @item_id = @pursuit_id,
            @event_name = 'pursuit_created',
            @payload_json = @payload,
            @actor_user_id = @actor_user_id,
            @event_id = @event_id OUTPUT;

        COMMIT TRANSACTION;

        SELECT
            p.pursuit_id,
            p.org_id,
            p.candidate_id,
            p.due_date,
            p.capture_lead_id,
            p.proposal_mgr_id,
            p.pursuit_stage,
            p.compliance_score,
            p.forecast_value_usd,
            p.cos_hours,
            p.cos_amount,
            p.created_at,
            p.updated_at
        FROM app.pursuit AS p
        WHERE p.pursuit_id = @pursuit_id;
    END TRY
    BEGIN CATCH
        IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
        -- A pursuit inserted for the candidate by another writer between our check and our insert.
        IF ERROR_NUMBER() IN (2601, 2627) AND ERROR_MESSAGE() LIKE N'%UX[_]pursuit[_]once[_]per[_]candidate%'
            THROW 50053, N'sp_promote_candidate: the candidate was promoted already (UX_pursuit_once_per_candidate).', 1;
        THROW;
    END CATCH;
END;
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 22 describe app.sp_promote_candidate
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'PROCEDURE', N'sp_promote_candidate', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Promotes an open candidate to a pursuit in stage ''qual'', once per candidate.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'PROCEDURE', @level1name = N'sp_promote_candidate';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Promotes an open candidate to a pursuit in stage ''qual'', once per candidate.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'PROCEDURE', @level1name = N'sp_promote_candidate';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 23 module app.sp_advance_pursuit_stage
-- Moves a pursuit one stage forward (qual, pink, red, submit, won) or to 'lost', when its gate is passed.
--
-- Allowed moves: qual -> pink -> red -> submit -> won, one step at a time, and any open stage (qual, pink, red,
-- submit) -> lost. Nothing leaves won or lost, and nothing moves back. A forward move (not to 'lost') needs the
-- gate of the current stage passed:
--   (a) every required checklist item of the pursuit is done (the rule of app.v_pursuit_checklist_ready), and
--   (b) when a gate rule is in force for the current stage (app.v_effective_config, config_type 'gate_rule',
--       config_key = the current stage): each name in its required_items is on the pursuit's checklist and done,
--       and compliance_score >= min_compliance_score unless that is null (a pursuit without a compliance_score
--       fails such a gate; a min_compliance_score that is not a number fails it too).
-- A gate that is not passed raises 50060, whose message lists what is missing (at most 2048 characters).
-- The pursuit row is locked (UPDLOCK, HOLDLOCK) for the whole check-and-move, and the checklist rows read by the
-- gate are held (HOLDLOCK) until the move commits.
-- On success: pursuit_stage and updated_at = now; the gate rule of the new stage, if any, seeds its required_items
-- onto the checklist (is_required 1, is_done 0; names already there are left alone); event 'pursuit_stage_changed'
-- (pursuit; payload from, to, seeded_items), all in one transaction.
-- Returns pursuit_id, org_id, previous_stage, pursuit_stage (the new stage), seeded_items and updated_at.
-- Errors (docs/errors.md), raised before anything is written:
--   50056 unknown org, 50057 actor not a user of the org, 50058 pursuit not of the org, 50059 @to_stage is not a
--   stage or not reachable from the current stage, 50060 the gate of the current stage is not passed.
CREATE OR ALTER PROCEDURE app.sp_advance_pursuit_stage
    @org_id int,
    @pursuit_id bigint,
    @to_stage varchar(8),
    @actor_user_id int = NULL
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    DECLARE @now datetime2 = SYSUTCDATETIME();
    DECLARE @from_stage varchar(8);
    DECLARE @compliance_score decimal(4, 1);
    DECLARE @gate_json nvarchar(max);
    DECLARE @min_text nvarchar(4000);
    DECLARE @min_score decimal(9, 3);
    DECLARE @missing_list nvarchar(max);
    DECLARE @long_message nvarchar(max);
    DECLARE @message nvarchar(2048);
    DECLARE @seeded int = 0;
    DECLARE @payload nvarchar(max);
    DECLARE @event_id bigint;
    DECLARE @missing TABLE (
        ordinal int IDENTITY (1, 1) NOT NULL,
        item nvarchar(400) NOT NULL
    );

    BEGIN TRY
        SET @to_stage = LOWER(LTRIM(RTRIM(@to_stage)));

        IF NOT EXISTS (SELECT 1 FROM core.org AS o WHERE o.org_id = @org_id)
            THROW 50056, N'sp_advance_pursuit_stage: @org_id does not name an org.', 1;
        IF
            @actor_user_id IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM core.user_account AS u
                WHERE u.org_id = @org_id AND u.user_id = @actor_user_id
            )
            THROW 50057, N'sp_advance_pursuit_stage: @actor_user_id is not a user of @org_id.', 1;
        IF
            @pursuit_id IS NULL OR NOT EXISTS (
                SELECT 1 FROM app.pursuit AS p
                WHERE p.org_id = @org_id AND p.pursuit_id = @pursuit_id
            )
            THROW 50058, N'sp_advance_pursuit_stage: @pursuit_id is not a pursuit of @org_id.', 1;
        IF @to_stage IS NULL OR @to_stage NOT IN ('qual', 'pink', 'red', 'submit', 'won', 'lost')
            THROW 50059, N'sp_advance_pursuit_stage: @to_stage must be qual, pink, red, submit, won or lost.', 1;

        BEGIN TRANSACTION;

        -- The pursuit row, locked for the whole check-and-move.
        SELECT
            @from_stage = p.pursuit_stage,
            @compliance_score = p.compliance_score
        FROM app.pursuit AS p WITH (UPDLOCK, HOLDLOCK)
        WHERE p.org_id = @org_id AND p.pursuit_id = @pursuit_id;

        IF @from_stage IS NULL
            THROW 50058, N'sp_advance_pursuit_stage: @pursuit_id is not a pursuit of @org_id.', 1;
        IF
            NOT (
                (@to_stage = 'lost' AND @from_stage IN ('qual', 'pink', 'red', 'submit'))
                OR (@from_stage = 'qual' AND @to_stage = 'pink')
                OR (@from_stage = 'pink' AND @to_stage = 'red')
                OR (@from_stage = 'red' AND @to_stage = 'submit')
                OR (@from_stage = 'submit' AND @to_stage = 'won')
            )
            BEGIN
                SET @message = CONCAT(
                    N'sp_advance_pursuit_stage: pursuit ', @pursuit_id, N' cannot move from ', @from_stage, N' to ',
                    @to_stage, N'; allowed: qual -> pink -> red -> submit -> won one step at a time, ',
                    N'and any open stage -> lost.'
                );
                THROW 50059, @message, 1;
            END;

        IF @to_stage <> 'lost'
            BEGIN
                -- (a) Required checklist items still open (the rule of app.v_pursuit_checklist_ready).
                INSERT INTO @missing (item)
                SELECT pc.name
                FROM app.pursuit_checklist AS pc WITH (HOLDLOCK)
                WHERE
                    pc.org_id = @org_id
                    AND pc.pursuit_id = @pursuit_id
                    AND pc.is_required = 1
                    AND pc.is_done = 0
                ORDER BY pc.checklist_id;

                -- (b) The gate rule in force for the current stage, if any.
                SELECT @gate_json = e.config_value
                FROM app.v_effective_config AS e
                WHERE e.org_id = @org_id AND e.config_type = 'gate_rule' AND e.config_key = @from_stage;

                IF @gate_json IS NOT NULL
                    BEGIN
                        -- Lax JSON_VALUE reads an object or array as NULL: such a minimum is "not a number" too.
                        SET @min_text = COALESCE(
                            JSON_VALUE(@gate_json, '$.min_compliance_score'),
                            JSON_QUERY(@gate_json, '$.min_compliance_score')
                        );
                        SET @min_score = TRY_CONVERT(decimal(9, 3), @min_text);

                        -- Names missing from the checklist, and optional items not done (required ones are in (a)).
                        INSERT INTO @missing (item)
                        SELECT
                            CASE
                                WHEN pc.checklist_id IS NULL THEN CONCAT(g.name, N' (not on the checklist)')
                                ELSE g.name
                            END AS item
                        FROM app.fn_gate_rule_items(@org_id, @from_stage) AS g
                        LEFT OUTER JOIN app.pursuit_checklist AS pc WITH (HOLDLOCK)
                            ON pc.org_id = @org_id AND pc.pursuit_id = @pursuit_id AND pc.name = g.name
                        WHERE pc.checklist_id IS NULL OR (pc.is_done = 0 AND pc.is_required = 0)
                        ORDER BY g.position;

                        IF @min_text IS NOT NULL AND @min_score IS NULL
                            INSERT INTO @missing (item)
                            VALUES (CONCAT(N'min_compliance_score of the gate rule is not a number (', LEFT(@min_text, 40), N')'));
                        ELSE IF @min_score IS NOT NULL AND (@compliance_score IS NULL OR @compliance_score < @min_score)
                            INSERT INTO @missing (item)
                            VALUES (
                                CONCAT(
                                    N'compliance_score ', COALESCE(CAST(@compliance_score AS nvarchar(8)), N'not set'),
                                    N' (needs ', LEFT(@min_text, 40), N' or more)'
                                )
                            );
                    END;

                IF EXISTS (SELECT m.ordinal FROM @missing AS m)
                    BEGIN
                        SELECT @missing_list = STRING_AGG(CAST(m.item AS nvarchar(max)), N'; ') WITHIN GROUP (ORDER BY m.ordinal)
                        FROM @missing AS m;

                        SET @long_message = CONCAT(
                            N'sp_advance_pursuit_stage: pursuit ', @pursuit_id, N' cannot move from ', @from_stage,
                            N' to ', @to_stage, N'; the ', @from_stage, N' gate is not passed, missing: ', @missing_list
                        );
                        SET @message = CASE
                            WHEN LEN(@long_message) > 2048 THEN CONCAT(LEFT(@long_message, 2044), N' ...')
                            ELSE @long_message
                        END;
                        THROW 50060, @message, 1;
                    END;
            END;

        UPDATE p
        SET
            p.pursuit_stage = @to_stage,
            p.updated_at = @now
        FROM app.pursuit AS p
        WHERE p.org_id = @org_id AND p.pursuit_id = @pursuit_id;

        -- The gate rule of the new stage, if any, seeds its required items (names already there are left alone).
        INSERT INTO app.pursuit_checklist (org_id, pursuit_id, name, is_required, is_done)
        SELECT
            @org_id AS org_id,
            @pursuit_id AS pursuit_id,
            r.name,
            1 AS is_required,
            0 AS is_done
        FROM app.fn_gate_rule_items(@org_id, @to_stage) AS r
        WHERE
            NOT EXISTS (
                SELECT 1 FROM app.pursuit_checklist AS pc WITH (UPDLOCK, HOLDLOCK)
                WHERE pc.org_id = @org_id AND pc.pursuit_id = @pursuit_id AND pc.name = r.name
            )
        ORDER BY r.position;
        SET @seeded = @@ROWCOUNT;

        SET @payload = CONCAT(N'{"from":"', @from_stage, N'","to":"', @to_stage, N'","seeded_items":', @seeded, N'}');
        EXEC app.sp_append_work_event
            @org_id = @org_id,
            @item_type = 'pursuit',
            @item_id = @pursuit_id,
            @event_name = 'pursuit_stage_changed',
            @payload_json = @payload,
            @actor_user_id = @actor_user_id,
            @event_id = @event_id OUTPUT;

        COMMIT TRANSACTION;

        SELECT
            p.pursuit_id,
            p.org_id,
            @from_stage AS previous_stage,
            p.pursuit_stage,
            @seeded AS seeded_items,
            p.updated_at
        FROM app.pursuit AS p
        WHERE p.pursuit_id = @pursuit_id;
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
-- wsdb:step 23 describe app.sp_advance_pursuit_stage
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'PROCEDURE', N'sp_advance_pursuit_stage', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Moves a pursuit one stage forward (qual, pink, red, submit, won) or to ''lost'', when its gate is passed.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'PROCEDURE', @level1name = N'sp_advance_pursuit_stage';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Moves a pursuit one stage forward (qual, pink, red, submit, won) or to ''lost'', when its gate is passed.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'PROCEDURE', @level1name = N'sp_advance_pursuit_stage';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 24 module app.sp_add_proposal_version
-- Adds the next proposal version of an open pursuit, as a draft.
--
-- The version is MAX(version) + 1 of the pursuit's proposals (1 for the first), computed with the pursuit row locked
-- (UPDLOCK, HOLDLOCK) and the pursuit's proposals read under UPDLOCK, HOLDLOCK, so concurrent calls for one pursuit
-- run one after the other and never collide on UX_proposal_version. A won or lost pursuit gets no new version.
-- Event 'proposal_version_created' (proposal; payload pursuit_id, version) in the same transaction.
-- Returns the new proposal's row.
-- Errors (docs/errors.md), raised before anything is written:
--   50061 unknown org, 50062 actor not a user of the org, 50063 pursuit not of the org, 50064 the pursuit is won
--   or lost.
CREATE OR ALTER PROCEDURE app.sp_add_proposal_version
    @org_id int,
    @pursuit_id bigint,
    @doc_id varchar(128) = NULL,
    @actor_user_id int = NULL
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    DECLARE @now datetime2 = SYSUTCDATETIME();
    DECLARE @stage varchar(8);
    DECLARE @version int;
    DECLARE @proposal_id bigint;
    DECLARE @payload nvarchar(max);
    DECLARE @event_id bigint;
    DECLARE @message nvarchar(2048);

    BEGIN TRY
        IF NOT EXISTS (SELECT 1 FROM core.org AS o WHERE o.org_id = @org_id)
            THROW 50061, N'sp_add_proposal_version: @org_id does not name an org.', 1;
        IF
            @actor_user_id IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM core.user_account AS u
                WHERE u.org_id = @org_id AND u.user_id = @actor_user_id
            )
            THROW 50062, N'sp_add_proposal_version: @actor_user_id is not a user of @org_id.', 1;
        IF
            @pursuit_id IS NULL OR NOT EXISTS (
                SELECT 1 FROM app.pursuit AS p
                WHERE p.org_id = @org_id AND p.pursuit_id = @pursuit_id
            )
            THROW 50063, N'sp_add_proposal_version: @pursuit_id is not a pursuit of @org_id.', 1;

        BEGIN TRANSACTION;

        -- The pursuit row, locked: versions of one pursuit are numbered one call at a time.
        SELECT @stage = p.pursuit_stage
        FROM app.pursuit AS p WITH (UPDLOCK, HOLDLOCK)
        WHERE p.org_id = @org_id AND p.pursuit_id = @pursuit_id;

        IF @stage IN ('won', 'lost')
            BEGIN
                SET @message = CONCAT(
                    N'sp_add_proposal_version: pursuit ', @pursuit_id, N' is ', @stage, N'; it takes no new proposal version.'
                );
                THROW 50064, @message, 1;
            END;

        SELECT @version = COALESCE(MAX(pr.version), 0) + 1
        FROM app.proposal AS pr WITH (UPDLOCK, HOLDLOCK)
        WHERE pr.org_id = @org_id AND pr.pursuit_id = @pursuit_id;

        INSERT INTO app.proposal (org_id, pursuit_id, version, doc_id, status, created_at)
        VALUES (@org_id, @pursuit_id, @version, @doc_id, 'draft', @now);
        SET @proposal_id = SCOPE_IDENTITY();

        SET @payload = CONCAT(N'{"pursuit_id":', @pursuit_id, N',"version":', @version, N'}');
        EXEC app.sp_append_work_event
            @org_id = @org_id,
            @item_type = 'proposal',
            @item_id = @proposal_id,
            @event_name = 'proposal_version_created',
            @payload_json = @payload,
            @actor_user_id = @actor_user_id,
            @event_id = @event_id OUTPUT;

        COMMIT TRANSACTION;

        SELECT
            pr.proposal_id,
            pr.org_id,
            pr.pursuit_id,
            pr.version,
            pr.doc_id,
            pr.status,
            pr.sent_at,
            pr.created_at
        FROM app.proposal AS pr
        WHERE pr.proposal_id = @proposal_id;
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
-- wsdb:step 24 describe app.sp_add_proposal_version
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'PROCEDURE', N'sp_add_proposal_version', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Adds the next proposal version of an open pursuit, as a draft.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'PROCEDURE', @level1name = N'sp_add_proposal_version';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Adds the next proposal version of an open pursuit, as a draft.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'PROCEDURE', @level1name = N'sp_add_proposal_version';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 25 module app.sp_add_cos_entry
-- Records a cost-of-sale entry of a pursuit and rolls the pursuit's entries up into its totals.
--
-- Inserts the entry (amount = hours * rate, computed by the table) and sets pursuit.cos_hours = SUM(hours) and
-- cos_amount = SUM(amount) over all the pursuit's entries, updated_at = now. The totals are recomputed in full under
-- the pursuit's row lock (UPDLOCK, HOLDLOCK), so concurrent entries never lose an update and a total that drifted
-- from its entries is repaired by the next entry. The role is stored trimmed.
-- Event 'cos_entry_added' (pursuit; payload cos_id, hours, amount, cos_hours, cos_amount) in the same transaction.
-- Returns pursuit_id, org_id, cos_id (the new entry), cos_hours, cos_amount and updated_at.
-- Errors (docs/errors.md), raised before anything is written:
--   50065 unknown org, 50066 actor not a user of the org, 50067 pursuit not of the org, 50068 empty role,
--   50069 hours or rate missing, negative, or so large that the pursuit's totals would overflow cos_hours
--   decimal(10, 2) or cos_amount decimal(18, 2).
CREATE OR ALTER PROCEDURE app.sp_add_cos_entry
    @org_id int,
    @pursuit_id bigint,
    @role varchar(64),
    @hours decimal(10, 2),
    @rate decimal(10, 2),
    @source varchar(24) = NULL,
    @actor_user_id int = NULL
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    DECLARE @now datetime2 = SYSUTCDATETIME();
    DECLARE @amount decimal(18, 2);
    DECLARE @cos_id bigint;
    DECLARE @cos_hours decimal(38, 2);
    DECLARE @cos_amount decimal(38, 2);
    DECLARE @stage varchar(8);
    DECLARE @payload nvarchar(max);
    DECLARE @event_id bigint;

    BEGIN TRY
        SET @role = LTRIM(RTRIM(@role));

        IF NOT EXISTS (SELECT 1 FROM core.org AS o WHERE o.org_id = @org_id)
            THROW 50065, N'sp_add_cos_entry: @org_id does not name an org.', 1;
        IF
            @actor_user_id IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM core.user_account AS u
                WHERE u.org_id = @org_id AND u.user_id = @actor_user_id
            )
            THROW 50066, N'sp_add_cos_entry: @actor_user_id is not a user of @org_id.', 1;
        IF
            @pursuit_id IS NULL OR NOT EXISTS (
                SELECT 1 FROM app.pursuit AS p
                WHERE p.org_id = @org_id AND p.pursuit_id = @pursuit_id
            )
            THROW 50067, N'sp_add_cos_entry: @pursuit_id is not a pursuit of @org_id.', 1;
        IF NULLIF(@role, '') IS NULL
            THROW 50068, N'sp_add_cos_entry: @role must not be empty.', 1;
        IF @hours IS NULL OR @hours < 0 OR @rate IS NULL OR @rate < 0
            THROW 50069, N'sp_add_cos_entry: @hours and @rate are required and must not be negative.', 1;

        -- The amount as app.cos_entry computes it.
        SET @amount = CAST(@hours * @rate AS decimal(18, 2));

        BEGIN TRANSACTION;

        -- The pursuit row, locked: the roll-up of one pursuit runs one entry at a time.
        SELECT @stage = p.pursuit_stage
        FROM app.pursuit AS p WITH (UPDLOCK, HOLDLOCK)
        WHERE p.org_id = @org_id AND p.pursuit_id = @pursuit_id;

        SELECT
            @cos_hours = COALESCE(SUM(ce.hours), 0) + @hours,
            @cos_amount = COALESCE(SUM(ce.amount), 0) + @amount
        FROM app.cos_entry AS ce WITH (HOLDLOCK)
        WHERE ce.org_id = @org_id AND ce.pursuit_id = @pursuit_id;

        IF @cos_hours > 99999999.99 OR @cos_amount > 9999999999999999.99
            THROW 50069, N'sp_add_cos_entry: the pursuit''s cost-of-sale totals would overflow cos_hours or cos_amount.', 1;

        INSERT INTO app.cos_entry (org_id, pursuit_id, role, hours, rate, source, created_at)
        VALUES (@org_id, @pursuit_id, @role, @hours, @rate, @source, @now);
        SET @cos_id = SCOPE_IDENTITY();

        -- Full recompute from the entries (repairs totals that drifted).
        SELECT
            @cos_hours = COALESCE(SUM(ce.hours), 0),
            @cos_amount = COALESCE(SUM(ce.amount), 0)
        FROM app.cos_entry AS ce
        WHERE ce.org_id = @org_id AND ce.pursuit_id = @pursuit_id;

        UPDATE p
        SET
            p.cos_hours = @cos_hours,
            p.cos_amount = @cos_amount,
            p.updated_at = @now
        FROM app.pursuit AS p
        WHERE p.org_id = @org_id AND p.pursuit_id = @pursuit_id;

        SET @payload = CONCAT(
            N'{"cos_id":', @cos_id, N',"hours":', @hours, N',"amount":', @amount,
            N',"cos_hours":', @cos_hours, N',"cos_amount":', @cos_amount, N'}'
        );
        EXEC app.sp_append_work_event
            @org_id = @org_id,
            @item_type = 'pursuit',
            @item_id = @pursuit_id,
            @event_name = 'cos_entry_added',
            @payload_json = @payload,
            @actor_user_id = @actor_user_id,
            @event_id = @event_id OUTPUT;

        COMMIT TRANSACTION;

        SELECT
            p.pursuit_id,
            p.org_id,
            @cos_id AS cos_id,
            p.cos_hours,
            p.cos_amount,
            p.updated_at
        FROM app.pursuit AS p
        WHERE p.pursuit_id = @pursuit_id;
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
-- wsdb:step 25 describe app.sp_add_cos_entry
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'PROCEDURE', N'sp_add_cos_entry', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Records a cost-of-sale entry of a pursuit and rolls the pursuit''s entries up into its totals.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'PROCEDURE', @level1name = N'sp_add_cos_entry';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Records a cost-of-sale entry of a pursuit and rolls the pursuit''s entries up into its totals.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'PROCEDURE', @level1name = N'sp_add_cos_entry';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 26 module app.sp_record_role_estimate
-- Records a PERT estimate (optimistic, most likely, pessimistic hours) of one role of a pursuit.
--
-- Needs 0 <= optimistic <= most likely <= pessimistic and a confidence between 0 and 1 (or none). The role is stored
-- trimmed; a newer estimate of the same role supersedes the older ones in app.v_pursuit_role_pert (history is kept).
-- Event 'role_estimate_recorded' (pursuit; payload estimate_id, role, expected_hours, std_dev_hours) in the same
-- transaction.
-- Returns estimate_id, org_id, pursuit_id, role, expected_hours = (O + 4M + P) / 6 and std_dev_hours = (P - O) / 6,
-- both decimal(10, 2).
-- Errors (docs/errors.md), raised before anything is written:
--   50082 unknown org, 50083 actor not a user of the org, 50084 pursuit not of the org, 50085 empty role,
--   50086 hours missing, negative or not in the order optimistic <= most likely <= pessimistic,
--   50087 confidence outside 0..1.
CREATE OR ALTER PROCEDURE app.sp_record_role_estimate
    @org_id int,
    @pursuit_id bigint,
    @role varchar(64),
    @optimistic_hours decimal(10, 2),
    @most_likely_hours decimal(10, 2),
    @pessimistic_hours decimal(10, 2),
    @confidence decimal(3, 2) = NULL,
    @actor_user_id int = NULL
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    DECLARE @now datetime2 = SYSUTCDATETIME();
    DECLARE @estimate_id bigint;
    DECLARE @expected_hours decimal(10, 2);
    DECLARE @std_dev_hours decimal(10, 2);
    DECLARE @payload nvarchar(max);
    DECLARE @event_id bigint;

    BEGIN TRY
        SET @role = LTRIM(RTRIM(@role));

        IF NOT EXISTS (SELECT 1 FROM core.org AS o WHERE o.org_id = @org_id)
            THROW 50082, N'sp_record_role_estimate: @org_id does not name an org.', 1;
        IF
            @actor_user_id IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM core.user_account AS u
                WHERE u.org_id = @org_id AND u.user_id = @actor_user_id
            )
            THROW 50083, N'sp_record_role_estimate: @actor_user_id is not a user of @org_id.', 1;
        IF
            @pursuit_id IS NULL OR NOT EXISTS (
                SELECT 1 FROM app.pursuit AS p
                WHERE p.org_id = @org_id AND p.pursuit_id = @pursuit_id
            )
            THROW 50084, N'sp_record_role_estimate: @pursuit_id is not a pursuit of @org_id.', 1;
        IF NULLIF(@role, '') IS NULL
            THROW 50085, N'sp_record_role_estimate: @role must not be empty.', 1;
        IF
            @optimistic_hours IS NULL OR @most_likely_hours IS NULL OR @pessimistic_hours IS NULL
            OR @optimistic_hours < 0
            OR @optimistic_hours > @most_likely_hours
            OR @most_likely_hours > @pessimistic_hours
            THROW 50086, N'sp_record_role_estimate: hours must satisfy 0 <= optimistic <= most likely <= pessimistic.', 1;
        IF @confidence < 0 OR @confidence > 1
            THROW 50087, N'sp_record_role_estimate: @confidence must be between 0 and 1.', 1;

        SET @expected_hours = CAST((@optimistic_hours + 4 * @most_likely_hours + @pessimistic_hours) / 6 AS decimal(10, 2));
        SET @std_dev_hours = CAST((@pessimistic_hours - @optimistic_hours) / 6 AS decimal(10, 2));

        BEGIN TRANSACTION;

        INSERT INTO app.pursuit_role_estimate (
            org_id, pursuit_id, role, optimistic_hours, most_likely_hours, pessimistic_hours, confidence, created_at
        )
        VALUES (
            @org_id, @pursuit_id, @role, @optimistic_hours, @most_likely_hours, @pessimistic_hours, @confidence, @now
        );
        SET @estimate_id = SCOPE_IDENTITY();

        SET @payload = CONCAT(
            N'{"estimate_id":', @estimate_id, N',"role":"', STRING_ESCAPE(@role, 'json'),
            N'","expected_hours":', @expected_hours, N',"std_dev_hours":', @std_dev_hours, N'}'
        );
        EXEC app.sp_append_work_event
            @org_id = @org_id,
            @item_type = 'pursuit',
            @item_id = @pursuit_id,
            @event_name = 'role_estimate_recorded',
            @payload_json = @payload,
            @actor_user_id = @actor_user_id,
            @event_id = @event_id OUTPUT;

        COMMIT TRANSACTION;

        SELECT
            @estimate_id AS estimate_id,
            @org_id AS org_id,
            @pursuit_id AS pursuit_id,
            @role AS role,
            @expected_hours AS expected_hours,
            @std_dev_hours AS std_dev_hours;
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
-- wsdb:step 26 describe app.sp_record_role_estimate
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'PROCEDURE', N'sp_record_role_estimate', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Records a PERT estimate (optimistic, most likely, pessimistic hours) of one role of a pursuit.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'PROCEDURE', @level1name = N'sp_record_role_estimate';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Records a PERT estimate (optimistic, most likely, pessimistic hours) of one role of a pursuit.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'PROCEDURE', @level1name = N'sp_record_role_estimate';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 27 module app.v_pursuit_role_pert
-- PERT figures of each role of a pursuit, from the role's latest estimate.
--
-- One row per (org_id, pursuit_id, role): the estimate with the latest created_at (then the highest estimate_id)
-- wins; older estimates of the role are history. expected_hours = (O + 4M + P) / 6, std_dev_hours = (P - O) / 6 and
-- variance_hours = ((P - O) / 6)^2, computed from the stored hours (O optimistic, M most likely, P pessimistic) and
-- rounded to 4 decimals; for decimal(10, 2) inputs expected and std dev stay below 10^8 (decimal(12, 4)) and the
-- variance below 3 * 10^14 (decimal(20, 4)), so no input overflows.
CREATE OR ALTER VIEW app.v_pursuit_role_pert
AS
WITH ranked AS (
    SELECT
        e.org_id,
        e.pursuit_id,
        e.role,
        e.estimate_id,
        e.optimistic_hours,
        e.most_likely_hours,
        e.pessimistic_hours,
        e.confidence,
        e.created_at,
        ROW_NUMBER() OVER (
            PARTITION BY e.org_id, e.pursuit_id, e.role
            ORDER BY e.created_at DESC, e.estimate_id DESC
        ) AS recency
    FROM app.pursuit_role_estimate AS e
)

SELECT
    r.org_id,
    r.pursuit_id,
    r.role,
    r.estimate_id,
    r.optimistic_hours,
    r.most_likely_hours,
    r.pessimistic_hours,
    CAST((r.optimistic_hours + 4 * r.most_likely_hours + r.pessimistic_hours) / 6 AS decimal(12, 4)) AS expected_hours,
    CAST((r.pessimistic_hours - r.optimistic_hours) / 6 AS decimal(12, 4)) AS std_dev_hours,
    CAST(
        (r.pessimistic_hours - r.optimistic_hours) * (r.pessimistic_hours - r.optimistic_hours) / 36 AS decimal(20, 4)
    ) AS variance_hours,
    r.confidence,
    r.created_at
FROM ranked AS r
WHERE r.recency = 1;
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 27 describe app.v_pursuit_role_pert
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'VIEW', N'v_pursuit_role_pert', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'PERT figures of each role of a pursuit, from the role''s latest estimate.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'VIEW', @level1name = N'v_pursuit_role_pert';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'PERT figures of each role of a pursuit, from the role''s latest estimate.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'VIEW', @level1name = N'v_pursuit_role_pert';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 28 module app.v_pursuit_estimate
-- PERT estimate of a whole pursuit: its roles' expected hours summed, with the spread of the total.
--
-- One row per pursuit that has estimates, over the latest estimate of each role (app.v_pursuit_role_pert).
-- role_count: roles estimated. expected_hours: the sum of the roles' expected hours (O + 4M + P) / 6.
-- std_dev_hours: SQRT of the sum of the roles' variances ((P - O) / 6)^2, i.e. the roles are taken as independent.
-- expected_low_hours / expected_high_hours: expected_hours - 2 * std_dev_hours (floored at 0, hours are never
-- negative) and expected_hours + 2 * std_dev_hours. Under the PERT assumptions (independent roles whose sum is
-- roughly normal) the total effort lands inside this band about 95% of the time; it is a planning range, not a
-- guarantee, and it is only as good as the three-point estimates behind it.
-- Sums and the band are computed from the stored hours, not from the rounded per-role figures, and rounded to
-- 4 decimals; decimal(18, 4) holds the total of more than 10^5 roles at the largest decimal(10, 2) estimate.
CREATE OR ALTER VIEW app.v_pursuit_estimate
AS
WITH totals AS (
    SELECT
        r.org_id,
        r.pursuit_id,
        COUNT(*) AS role_count,
        SUM(r.optimistic_hours + 4 * r.most_likely_hours + r.pessimistic_hours) / 6 AS expected_hours,
        SQRT(
            CAST(SUM((r.pessimistic_hours - r.optimistic_hours) * (r.pessimistic_hours - r.optimistic_hours)) AS float)
            / 36
        ) AS std_dev_hours
    FROM app.v_pursuit_role_pert AS r
    GROUP BY r.org_id, r.pursuit_id
)

SELECT
    t.org_id,
    t.pursuit_id,
    t.role_count,
    CAST(t.expected_hours AS decimal(18, 4)) AS expected_hours,
    CAST(t.std_dev_hours AS decimal(18, 4)) AS std_dev_hours,
    CAST(
        CASE
            WHEN t.expected_hours - 2 * t.std_dev_hours < 0 THEN 0
            ELSE t.expected_hours - 2 * t.std_dev_hours
        END AS decimal(18, 4)
    ) AS expected_low_hours,
    CAST(t.expected_hours + 2 * t.std_dev_hours AS decimal(18, 4)) AS expected_high_hours
FROM totals AS t;
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 28 describe app.v_pursuit_estimate
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'VIEW', N'v_pursuit_estimate', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'PERT estimate of a whole pursuit: its roles'' expected hours summed, with the spread of the total.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'VIEW', @level1name = N'v_pursuit_estimate';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'PERT estimate of a whole pursuit: its roles'' expected hours summed, with the spread of the total.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'VIEW', @level1name = N'v_pursuit_estimate';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 29 module app.sp_claim_due_drips
-- Claims the nurture drips that are due now, for one worker, and closes the drips of candidates that left nurture.
--
-- 1. Active drips whose candidate is 'promoted' or 'archived' are closed (status 'done'), at most @batch_size per
--    call, each with an event 'drip_closed' (drip; payload candidate_id, candidate_status, worker).
-- 2. Active drips with next_run_at <= now whose candidate is in 'nurture' are claimed, soonest first (next_run_at,
--    then drip_id), at most @batch_size, as a queue: the rows are chosen without update locks, then locked WITH
--    (ROWLOCK, UPDLOCK, READPAST) and checked again, so concurrent workers skip each other's rows, never claim a drip
--    twice, and rows that do not qualify are not left locked. Each claimed drip gets
--    last_sent_at = now and next_run_at = next_run_at + cadence_days, or now + cadence_days when that is still not in
--    the future: a drip that was paused or not served for weeks sends once, not a burst of catch-ups. A cadence that
--    would run past the end of datetime2 parks the drip at 9999-12-31. Each claimed drip gets an event 'drip_due'
--    (drip; payload candidate_id, template_id, scheduled_for (the old next_run_at), worker).
-- Drips of candidates in other statuses ('new', 'triaged', 'on_hold') and paused or done drips are left alone.
-- Everything happens in one transaction, events written set-based into app.work_event (actor NULL: the system).
-- The procedure runs at READ COMMITTED whatever the caller's level (READPAST needs it; SERIALIZABLE would refuse the
-- hint with error 650); do not call it inside a SNAPSHOT transaction.
-- Returns the claimed drips: drip_id, org_id, candidate_id, template_id, scheduled_for, next_run_at, cadence_days.
-- Errors (docs/errors.md), raised before anything is written:
--   50080 empty @worker, 50081 @batch_size outside 1..2000.
CREATE OR ALTER PROCEDURE app.sp_claim_due_drips
    @worker varchar(64),
    @batch_size int = 100
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    -- READPAST needs READ COMMITTED (or REPEATABLE READ); a caller's SERIALIZABLE (TransactionScope's default)
    -- would make it fail with error 650. Set here, the level reverts to the caller's when the procedure returns.
    SET TRANSACTION ISOLATION LEVEL READ COMMITTED;

    DECLARE @now datetime2 = SYSUTCDATETIME();
    DECLARE @far_future datetime2 = CAST('9999-12-31T00:00:00' AS datetime2);
    DECLARE @horizon_days int;
    DECLARE @claimed TABLE (
        drip_id bigint NOT NULL PRIMARY KEY,
        org_id int NOT NULL,
        candidate_id bigint NOT NULL,
        template_id int NOT NULL,
        scheduled_for datetime2 NULL,
        next_run_at datetime2 NULL,
        cadence_days int NOT NULL
    );
    DECLARE @leaving TABLE (drip_id bigint NOT NULL PRIMARY KEY);
    DECLARE @due TABLE (drip_id bigint NOT NULL PRIMARY KEY);
    DECLARE @closed TABLE (
        drip_id bigint NOT NULL PRIMARY KEY,
        org_id int NOT NULL,
        candidate_id bigint NOT NULL
    );

    BEGIN TRY
        SET @worker = LTRIM(RTRIM(@worker));

        IF NULLIF(@worker, '') IS NULL
            THROW 50080, N'sp_claim_due_drips: @worker must name the claiming worker.', 1;
        IF @batch_size IS NULL OR @batch_size < 1 OR @batch_size > 2000
            THROW 50081, N'sp_claim_due_drips: @batch_size must be between 1 and 2000.', 1;

        -- Days from now to the last day of datetime2: a longer cadence would overflow DATEADD.
        SET @horizon_days = DATEDIFF(DAY, @now, @far_future);

        BEGIN TRANSACTION;

        -- 1. Close the drips of candidates that were promoted or archived. The rows are chosen first without update
        --    locks, then only those are locked (READPAST skips what another worker holds), so rows that do not
        --    qualify are never left locked for the rest of the transaction.
        INSERT INTO @leaving (drip_id)
        SELECT TOP (@batch_size) d.drip_id
        FROM app.candidate AS c
        INNER JOIN app.drip_schedule AS d WITH (READPAST)
            ON c.org_id = d.org_id AND c.candidate_id = d.candidate_id
        WHERE c.status IN ('promoted', 'archived') AND d.status = 'active'
        ORDER BY d.drip_id ASC;

        UPDATE d
        SET d.status = 'done'
        OUTPUT INSERTED.drip_id, INSERTED.org_id, INSERTED.candidate_id
        INTO @closed (drip_id, org_id, candidate_id)
        FROM app.drip_schedule AS d WITH (ROWLOCK, UPDLOCK, READPAST)
        INNER JOIN @leaving AS l ON d.drip_id = l.drip_id
        WHERE d.status = 'active';

        INSERT INTO app.work_event (org_id, item_type, item_id, event_name, payload_json, happened_at, actor_user_id)
        SELECT
            x.org_id,
            'drip' AS item_type,
            x.drip_id AS item_id,
            'drip_closed' AS event_name,
            CONCAT(
                N'{"candidate_id":', x.candidate_id, N',"candidate_status":"', c.status,
                N'","worker":"', STRING_ESCAPE(@worker, 'json'), N'"}'
            ) AS payload_json,
            @now AS happened_at,
            NULL AS actor_user_id
        FROM @closed AS x
        INNER JOIN app.candidate AS c
            ON x.org_id = c.org_id AND x.candidate_id = c.candidate_id
        ORDER BY x.drip_id;

        -- 2. Claim the due drips of nurture candidates, soonest first: chosen without update locks, then locked with
        --    READPAST and checked again, so a drip another worker claimed meanwhile (locked, or advanced past now
        --    once committed) is skipped and never claimed twice.
        INSERT INTO @due (drip_id)
        SELECT TOP (@batch_size) d.drip_id
        FROM app.drip_schedule AS d WITH (READPAST)
        WHERE
            d.status = 'active'
            AND d.next_run_at <= @now
            AND EXISTS (
                SELECT 1
                FROM app.candidate AS c
                WHERE
                    c.org_id = d.org_id
                    AND c.candidate_id = d.candidate_id
                    AND c.status = 'nurture'
            )
        ORDER BY d.next_run_at ASC, d.drip_id ASC;

        UPDATE d
        SET
            d.last_sent_at = @now,
            d.next_run_at = CASE
                WHEN d.cadence_days >= @horizon_days THEN @far_future
                WHEN DATEADD(DAY, d.cadence_days, d.next_run_at) <= @now THEN DATEADD(DAY, d.cadence_days, @now)
                ELSE DATEADD(DAY, d.cadence_days, d.next_run_at)
            END
        OUTPUT
            INSERTED.drip_id,
            INSERTED.org_id,
            INSERTED.candidate_id,
            INSERTED.template_id,
            DELETED.next_run_at,
            INSERTED.next_run_at,
            INSERTED.cadence_days
        INTO @claimed (drip_id, org_id, candidate_id, template_id, scheduled_for, next_run_at, cadence_days)
        FROM app.drip_schedule AS d WITH (ROWLOCK, UPDLOCK, READPAST)
        INNER JOIN @due AS u ON d.drip_id = u.drip_id
        WHERE d.status = 'active' AND d.next_run_at <= @now;

        INSERT INTO app.work_event (org_id, item_type, item_id, event_name, payload_json, happened_at, actor_user_id)
        SELECT
            x.org_id,
            'drip' AS item_type,
            x.drip_id AS item_id,
            'drip_due' AS event_name,
            CONCAT(
                N'{"candidate_id":', x.candidate_id, N',"template_id":', x.template_id,
                N',"scheduled_for":"', CONVERT(nvarchar(33), x.scheduled_for, 126),
                N'","worker":"', STRING_ESCAPE(@worker, 'json'), N'"}'
            ) AS payload_json,
            @now AS happened_at,
            NULL AS actor_user_id
        FROM @claimed AS x
        ORDER BY x.scheduled_for, x.drip_id;

        COMMIT TRANSACTION;

        SELECT
            x.drip_id,
            x.org_id,
            x.candidate_id,
            x.template_id,
            x.scheduled_for,
            x.next_run_at,
            x.cadence_days
        FROM @claimed AS x
        ORDER BY x.scheduled_for, x.drip_id;
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
-- wsdb:step 29 describe app.sp_claim_due_drips
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'PROCEDURE', N'sp_claim_due_drips', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Claims the nurture drips that are due now, for one worker, and closes the drips of candidates that left nurture.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'PROCEDURE', @level1name = N'sp_claim_due_drips';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Claims the nurture drips that are due now, for one worker, and closes the drips of candidates that left nurture.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'PROCEDURE', @level1name = N'sp_claim_due_drips';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:guard epilogue: record the migration and commit
DECLARE @started datetime2(7) = CAST(SESSION_CONTEXT(N'wsdb.started') AS datetime2(7));
INSERT INTO dbo.wsdb_migration_history (migration_name, checksum, duration_ms, builder)
VALUES (N'20261122_workstream_business_rules', '8d7417cdc62370ce73b486adbc83898773e34020704cc54e5ee24e72c4412ac2', DATEDIFF(MILLISECOND, @started, SYSUTCDATETIME()), '0.1.0');
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
    WHERE h.migration_name = N'20261122_workstream_business_rules' AND h.checksum = '8d7417cdc62370ce73b486adbc83898773e34020704cc54e5ee24e72c4412ac2'
)
    THROW 50102, N'20261122_workstream_business_rules: not applied; its changes were rolled back (see the first error above).', 1;
GO
