/*
Migration    20250909_add_score_components
Description  Explainable AI scoring: score components, the score summary view and the scoring history.
Template     migrations/templates/20250909_add_score_components.sql.j2  sha256 9e684236119ec25248113200d1ac39d70542a2115386cfaf21239158e22a2522
Sources      sql/tables/app.spotlight_score_components.sql  sha256 eaddcec156befdb71067854046c2dc40e1dfd0c1ba3a00ab4b37878d92e39fbd
             sql/tables/app.spotlight_scoring_history.sql  sha256 b89cf9da2f3b8eb009f7f9c3eb6f011c5a8851598b337d5918586991d32fcd57
             sql/views/app.v_spotlight_score_summary.sql  sha256 dd7a5ee8d32983be16fc5338c170d60b1cb19a0f5534440a342200fafb5819f6
Builder      workstream-db 0.1.0
Checksum     687d0af80417204c73358bd687b673532f5d105b7dd811d5f575a1e7ffd3fbbe
             sha256 of this file with the checksum replaced by 64 zeros; the history table
             dbo.wsdb_migration_history and migrations/migrations.sum record it.
Transaction  every step runs in one transaction: all of it applies, or none of it.
Run it       wsdb apply, or sqlcmd -b -I -i 20250909_add_score_components.sql, or SSMS (no SQLCMD mode needed).
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
    THROW 50100, N'20250909_add_score_components: run this script outside any transaction; it opens and commits its own.', 1;
DECLARE @started datetime2(7) = SYSUTCDATETIME();
EXEC sys.sp_set_session_context @key = N'wsdb.started', @value = @started;
BEGIN TRANSACTION;
DECLARE @lock int;
EXEC @lock = sys.sp_getapplock @Resource = N'wsdb.migrations', @LockMode = N'Exclusive', @LockOwner = N'Transaction', @LockTimeout = 600000;
IF @lock < 0
    THROW 50103, N'20250909_add_score_components: another migration held the lock wsdb.migrations for 10 minutes; nothing was changed.', 1;
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
    WHERE h.migration_name = N'20250909_add_score_components'
);
IF @applied = '687d0af80417204c73358bd687b673532f5d105b7dd811d5f575a1e7ffd3fbbe'
    BEGIN
        COMMIT TRANSACTION;
        PRINT N'20250909_add_score_components: already applied with this checksum; skipped.';
        SET NOEXEC ON;
    END;
IF @applied IS NOT NULL AND @applied <> '687d0af80417204c73358bd687b673532f5d105b7dd811d5f575a1e7ffd3fbbe'
    BEGIN
        DECLARE @message nvarchar(2048) = CONCAT(
            N'20250909_add_score_components: applied before with checksum ', @applied,
            N'; this file has 687d0af80417204c73358bd687b673532f5d105b7dd811d5f575a1e7ffd3fbbe. Released scripts must not change; nothing was done.'
        );
        THROW 50101, @message, 1;
    END;
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 1 table app.spotlight_score_components
-- Detailed breakdown of AI scoring decisions for transparency and tuning.
CREATE TABLE app.spotlight_score_components (
    component_id bigint IDENTITY (1, 1) NOT NULL, -- Primary key
    org_id int NOT NULL, -- Organization ID
    item_type varchar(12) NOT NULL, -- Item type: 'signal', 'candidate', 'pursuit'
    item_id bigint NOT NULL, -- Item ID
    spotlight_id int NOT NULL, -- Spotlight configuration ID
    -- wsdb:allow E510 the seed's three names are examples of an open set that spotlight_rule config extends
    component_name varchar(64) NOT NULL, -- Component: 'industry_match', 'budget_fit', 'geo_alignment'
    component_score decimal(6, 2) NOT NULL, -- Score (can be positive/negative)
    -- Weight multiplier (default 1.0)
    component_weight decimal(4, 2) NOT NULL CONSTRAINT DF_app_spotlight_score_components_component_weight DEFAULT (1.0),
    component_reason nvarchar(200) NULL, -- Human-readable explanation
    max_possible_score decimal(6, 2) NULL, -- Maximum possible score for this component
    scored_at datetime2 NOT NULL CONSTRAINT DF_app_spotlight_score_components_scored_at DEFAULT (SYSUTCDATETIME()), -- Scoring timestamp
    algorithm_version varchar(16) NOT NULL, -- Algorithm version for tracking
    CONSTRAINT PK_app_spotlight_score_components PRIMARY KEY CLUSTERED (component_id),
    CONSTRAINT FK_app_spotlight_score_components_org_id_core_org FOREIGN KEY (org_id) REFERENCES core.org (org_id),
    CONSTRAINT FK_app_spotlight_score_components_spotlight_id_app_spotlights FOREIGN KEY (org_id, spotlight_id)
    REFERENCES app.spotlights (org_id, spotlight_id),
    CONSTRAINT CK_app_spotlight_score_components_item_type CHECK (item_type IN ('signal', 'candidate', 'pursuit')),
    -- Component names are an open set (spotlight_rule config adds them); the check keeps them well-formed.
    CONSTRAINT CK_app_spotlight_score_components_component_name CHECK (
        component_name <> '' AND component_name NOT LIKE '%[^a-z0-9_]%'
    ),
    CONSTRAINT CK_app_spotlight_score_components_component_weight CHECK (component_weight >= 0),
    CONSTRAINT CK_app_spotlight_score_components_max_possible_score CHECK (
        max_possible_score >= 0 AND component_score <= max_possible_score
    )
);

CREATE NONCLUSTERED INDEX IX_score_components_item -- Item lookup
    ON app.spotlight_score_components (org_id, item_type, item_id, scored_at DESC);

CREATE NONCLUSTERED INDEX IX_score_components_spotlight -- Spotlight analysis
    ON app.spotlight_score_components (org_id, spotlight_id, scored_at DESC);

CREATE NONCLUSTERED INDEX IX_score_components_name -- Component analysis
    ON app.spotlight_score_components (org_id, component_name, scored_at DESC);
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 1 describe app.spotlight_score_components
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlight_score_components', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Detailed breakdown of AI scoring decisions for transparency and tuning.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_score_components';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Detailed breakdown of AI scoring decisions for transparency and tuning.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_score_components';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlight_score_components', N'COLUMN', N'component_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_score_components', @level2type = N'COLUMN', @level2name = N'component_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_score_components', @level2type = N'COLUMN', @level2name = N'component_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlight_score_components', N'COLUMN', N'org_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Organization ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_score_components', @level2type = N'COLUMN', @level2name = N'org_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Organization ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_score_components', @level2type = N'COLUMN', @level2name = N'org_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlight_score_components', N'COLUMN', N'item_type'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Item type: ''signal'', ''candidate'', ''pursuit''', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_score_components', @level2type = N'COLUMN', @level2name = N'item_type';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Item type: ''signal'', ''candidate'', ''pursuit''', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_score_components', @level2type = N'COLUMN', @level2name = N'item_type';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlight_score_components', N'COLUMN', N'item_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Item ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_score_components', @level2type = N'COLUMN', @level2name = N'item_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Item ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_score_components', @level2type = N'COLUMN', @level2name = N'item_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlight_score_components', N'COLUMN', N'spotlight_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Spotlight configuration ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_score_components', @level2type = N'COLUMN', @level2name = N'spotlight_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Spotlight configuration ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_score_components', @level2type = N'COLUMN', @level2name = N'spotlight_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlight_score_components', N'COLUMN', N'component_name'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Component: ''industry_match'', ''budget_fit'', ''geo_alignment''', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_score_components', @level2type = N'COLUMN', @level2name = N'component_name';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Component: ''industry_match'', ''budget_fit'', ''geo_alignment''', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_score_components', @level2type = N'COLUMN', @level2name = N'component_name';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlight_score_components', N'COLUMN', N'component_score'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Score (can be positive/negative)', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_score_components', @level2type = N'COLUMN', @level2name = N'component_score';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Score (can be positive/negative)', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_score_components', @level2type = N'COLUMN', @level2name = N'component_score';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlight_score_components', N'COLUMN', N'component_weight'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Weight multiplier (default 1.0)', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_score_components', @level2type = N'COLUMN', @level2name = N'component_weight';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Weight multiplier (default 1.0)', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_score_components', @level2type = N'COLUMN', @level2name = N'component_weight';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlight_score_components', N'COLUMN', N'component_reason'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Human-readable explanation', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_score_components', @level2type = N'COLUMN', @level2name = N'component_reason';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Human-readable explanation', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_score_components', @level2type = N'COLUMN', @level2name = N'component_reason';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlight_score_components', N'COLUMN', N'max_possible_score'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Maximum possible score for this component', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_score_components', @level2type = N'COLUMN', @level2name = N'max_possible_score';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Maximum possible score for this component', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_score_components', @level2type = N'COLUMN', @level2name = N'max_possible_score';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlight_score_components', N'COLUMN', N'scored_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Scoring timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_score_components', @level2type = N'COLUMN', @level2name = N'scored_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Scoring timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_score_components', @level2type = N'COLUMN', @level2name = N'scored_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlight_score_components', N'COLUMN', N'algorithm_version'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Algorithm version for tracking', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_score_components', @level2type = N'COLUMN', @level2name = N'algorithm_version';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Algorithm version for tracking', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_score_components', @level2type = N'COLUMN', @level2name = N'algorithm_version';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlight_score_components', N'INDEX', N'IX_score_components_item'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Item lookup', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_score_components', @level2type = N'INDEX', @level2name = N'IX_score_components_item';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Item lookup', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_score_components', @level2type = N'INDEX', @level2name = N'IX_score_components_item';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlight_score_components', N'INDEX', N'IX_score_components_spotlight'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Spotlight analysis', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_score_components', @level2type = N'INDEX', @level2name = N'IX_score_components_spotlight';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Spotlight analysis', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_score_components', @level2type = N'INDEX', @level2name = N'IX_score_components_spotlight';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlight_score_components', N'INDEX', N'IX_score_components_name'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Component analysis', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_score_components', @level2type = N'INDEX', @level2name = N'IX_score_components_name';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Component analysis', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_score_components', @level2type = N'INDEX', @level2name = N'IX_score_components_name';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 2 table app.spotlight_scoring_history
-- Audit trail of score changes over time.
CREATE TABLE app.spotlight_scoring_history (
    history_id bigint IDENTITY (1, 1) NOT NULL, -- Primary key
    org_id int NOT NULL, -- Organization ID
    item_type varchar(12) NOT NULL, -- Item type
    item_id bigint NOT NULL, -- Item ID
    spotlight_id int NOT NULL, -- Spotlight ID
    previous_score decimal(6, 2) NULL, -- Previous total score
    new_score decimal(6, 2) NOT NULL, -- New total score
    score_delta decimal(6, 2) NOT NULL, -- Score change
    change_reason nvarchar(300) NULL, -- Reason for change
    changed_components nvarchar(max) NULL, -- JSON array of changed components
    algorithm_version varchar(16) NOT NULL, -- Algorithm version
    scored_at datetime2 NOT NULL CONSTRAINT DF_app_spotlight_scoring_history_scored_at DEFAULT (SYSUTCDATETIME()), -- Change timestamp
    scored_by int NULL, -- User ID (NULL = system)
    CONSTRAINT PK_app_spotlight_scoring_history PRIMARY KEY CLUSTERED (history_id),
    CONSTRAINT FK_app_spotlight_scoring_history_org_id_core_org FOREIGN KEY (org_id) REFERENCES core.org (org_id),
    CONSTRAINT FK_app_spotlight_scoring_history_spotlight_id_app_spotlights FOREIGN KEY (org_id, spotlight_id)
    REFERENCES app.spotlights (org_id, spotlight_id),
    CONSTRAINT FK_app_spotlight_scoring_history_scored_by_core_user_account FOREIGN KEY (org_id, scored_by)
    REFERENCES core.user_account (org_id, user_id),
    CONSTRAINT CK_app_spotlight_scoring_history_item_type CHECK (item_type IN ('signal', 'candidate', 'pursuit')),
    CONSTRAINT CK_app_spotlight_scoring_history_score_delta CHECK (score_delta = new_score - COALESCE(previous_score, 0)),
    CONSTRAINT CK_app_spotlight_scoring_history_changed_components CHECK (ISJSON(changed_components) = 1)
);

CREATE NONCLUSTERED INDEX IX_app_spotlight_scoring_history_item -- Score history of an item, newest first
    ON app.spotlight_scoring_history (org_id, item_type, item_id, spotlight_id, scored_at DESC);
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 2 describe app.spotlight_scoring_history
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlight_scoring_history', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Audit trail of score changes over time.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_scoring_history';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Audit trail of score changes over time.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_scoring_history';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlight_scoring_history', N'COLUMN', N'history_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_scoring_history', @level2type = N'COLUMN', @level2name = N'history_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_scoring_history', @level2type = N'COLUMN', @level2name = N'history_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlight_scoring_history', N'COLUMN', N'org_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Organization ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_scoring_history', @level2type = N'COLUMN', @level2name = N'org_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Organization ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_scoring_history', @level2type = N'COLUMN', @level2name = N'org_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlight_scoring_history', N'COLUMN', N'item_type'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Item type', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_scoring_history', @level2type = N'COLUMN', @level2name = N'item_type';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Item type', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_scoring_history', @level2type = N'COLUMN', @level2name = N'item_type';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlight_scoring_history', N'COLUMN', N'item_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Item ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_scoring_history', @level2type = N'COLUMN', @level2name = N'item_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Item ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_scoring_history', @level2type = N'COLUMN', @level2name = N'item_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlight_scoring_history', N'COLUMN', N'spotlight_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Spotlight ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_scoring_history', @level2type = N'COLUMN', @level2name = N'spotlight_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Spotlight ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_scoring_history', @level2type = N'COLUMN', @level2name = N'spotlight_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlight_scoring_history', N'COLUMN', N'previous_score'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Previous total score', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_scoring_history', @level2type = N'COLUMN', @level2name = N'previous_score';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Previous total score', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_scoring_history', @level2type = N'COLUMN', @level2name = N'previous_score';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlight_scoring_history', N'COLUMN', N'new_score'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'New total score', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_scoring_history', @level2type = N'COLUMN', @level2name = N'new_score';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'New total score', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_scoring_history', @level2type = N'COLUMN', @level2name = N'new_score';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlight_scoring_history', N'COLUMN', N'score_delta'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Score change', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_scoring_history', @level2type = N'COLUMN', @level2name = N'score_delta';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Score change', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_scoring_history', @level2type = N'COLUMN', @level2name = N'score_delta';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlight_scoring_history', N'COLUMN', N'change_reason'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Reason for change', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_scoring_history', @level2type = N'COLUMN', @level2name = N'change_reason';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Reason for change', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_scoring_history', @level2type = N'COLUMN', @level2name = N'change_reason';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlight_scoring_history', N'COLUMN', N'changed_components'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'JSON array of changed components', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_scoring_history', @level2type = N'COLUMN', @level2name = N'changed_components';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'JSON array of changed components', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_scoring_history', @level2type = N'COLUMN', @level2name = N'changed_components';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlight_scoring_history', N'COLUMN', N'algorithm_version'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Algorithm version', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_scoring_history', @level2type = N'COLUMN', @level2name = N'algorithm_version';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Algorithm version', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_scoring_history', @level2type = N'COLUMN', @level2name = N'algorithm_version';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlight_scoring_history', N'COLUMN', N'scored_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Change timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_scoring_history', @level2type = N'COLUMN', @level2name = N'scored_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Change timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_scoring_history', @level2type = N'COLUMN', @level2name = N'scored_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlight_scoring_history', N'COLUMN', N'scored_by'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'User ID (NULL = system)', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_scoring_history', @level2type = N'COLUMN', @level2name = N'scored_by';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'User ID (NULL = system)', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_scoring_history', @level2type = N'COLUMN', @level2name = N'scored_by';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlight_scoring_history', N'INDEX', N'IX_app_spotlight_scoring_history_item'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Score history of an item, newest first', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_scoring_history', @level2type = N'INDEX', @level2name = N'IX_app_spotlight_scoring_history_item';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Score history of an item, newest first', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_scoring_history', @level2type = N'INDEX', @level2name = N'IX_app_spotlight_scoring_history_item';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 3 module app.v_spotlight_score_summary
-- Aggregated view with total scores and component breakdowns.
--
-- One row per scoring run: the components an algorithm version wrote for an item and spotlight at one scored_at
-- (writers give every component of a run the same scored_at).
-- total_score sums component_score * component_weight; score_breakdown is a JSON array of the components, highest
-- weighted score first; top_positive / top_negative name the component with the highest positive / lowest negative
-- weighted score (NULL when there is none).
CREATE OR ALTER VIEW app.v_spotlight_score_summary
AS
WITH scored AS (
    SELECT
        c.org_id,
        c.item_type,
        c.item_id,
        c.spotlight_id,
        c.scored_at,
        c.algorithm_version,
        c.component_name,
        c.component_score,
        c.component_weight,
        c.component_reason,
        c.max_possible_score,
        CAST(c.component_score * c.component_weight AS decimal(9, 2)) AS weighted_score
    FROM app.spotlight_score_components AS c
),

ranked AS (
    SELECT
        s.org_id,
        s.item_type,
        s.item_id,
        s.spotlight_id,
        s.scored_at,
        s.algorithm_version,
        s.component_name,
        s.component_score,
        s.component_weight,
        s.component_reason,
        s.max_possible_score,
        s.weighted_score,
        ROW_NUMBER() OVER (
            PARTITION BY s.org_id, s.item_type, s.item_id, s.spotlight_id, s.scored_at, s.algorithm_version
            ORDER BY s.weighted_score DESC, s.component_name ASC
        ) AS rank_high,
        ROW_NUMBER() OVER (
            PARTITION BY s.org_id, s.item_type, s.item_id, s.spotlight_id, s.scored_at, s.algorithm_version
            ORDER BY s.weighted_score ASC, s.component_name ASC
        ) AS rank_low
    FROM scored AS s
)

SELECT
    r.org_id,
    r.item_type,
    r.item_id,
    r.spotlight_id,
    r.scored_at,
    r.algorithm_version,
    CAST(SUM(r.weighted_score) AS decimal(9, 2)) AS total_score,
    CONCAT(
        N'[',
        STRING_AGG(
            CAST(CONCAT(
                N'{"component":"', STRING_ESCAPE(r.component_name, 'json'),
                N'","score":', r.component_score,
                N',"weight":', r.component_weight,
                N',"weighted_score":', r.weighted_score,
                N',"max_possible_score":', COALESCE(CAST(r.max_possible_score AS nvarchar(16)), N'null'),
                N',"reason":', COALESCE(N'"' + STRING_ESCAPE(r.component_reason, 'json') + N'"', N'null'),
                N'}'
            ) AS nvarchar(max)),
            N','
        ) WITHIN GROUP (ORDER BY r.weighted_score DESC, r.component_name ASC),
        N']'
    ) AS score_breakdown,
    MAX(CASE WHEN r.rank_high = 1 AND r.weighted_score > 0 THEN r.component_name END) AS top_positive,
    MAX(CASE WHEN r.rank_low = 1 AND r.weighted_score < 0 THEN r.component_name END) AS top_negative,
    COUNT(*) AS component_count
FROM ranked AS r
GROUP BY r.org_id, r.item_type, r.item_id, r.spotlight_id, r.scored_at, r.algorithm_version;
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 3 describe app.v_spotlight_score_summary
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'VIEW', N'v_spotlight_score_summary', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Aggregated view with total scores and component breakdowns.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'VIEW', @level1name = N'v_spotlight_score_summary';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Aggregated view with total scores and component breakdowns.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'VIEW', @level1name = N'v_spotlight_score_summary';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:guard epilogue: record the migration and commit
DECLARE @started datetime2(7) = CAST(SESSION_CONTEXT(N'wsdb.started') AS datetime2(7));
INSERT INTO dbo.wsdb_migration_history (migration_name, checksum, duration_ms, builder)
VALUES (N'20250909_add_score_components', '687d0af80417204c73358bd687b673532f5d105b7dd811d5f575a1e7ffd3fbbe', DATEDIFF(MILLISECOND, @started, SYSUTCDATETIME()), '0.1.0');
COMMIT TRANSACTION;
PRINT N'20250909_add_score_components: applied.';
GO
-- wsdb:guard whatever happened above, statements run again from here
SET NOEXEC OFF;
GO
-- wsdb:guard final check: an error above leaves nothing behind, and says so
IF @@TRANCOUNT > 0
    ROLLBACK TRANSACTION;
IF OBJECT_ID(N'dbo.wsdb_migration_history', N'U') IS NULL
    THROW 50102, N'20250909_add_score_components: not applied; nothing was changed (see the first error above).', 1;
IF NOT EXISTS (
    SELECT 1
    FROM dbo.wsdb_migration_history AS h
    WHERE h.migration_name = N'20250909_add_score_components' AND h.checksum = '687d0af80417204c73358bd687b673532f5d105b7dd811d5f575a1e7ffd3fbbe'
)
    THROW 50102, N'20250909_add_score_components: not applied; its changes were rolled back (see the first error above).', 1;
GO
