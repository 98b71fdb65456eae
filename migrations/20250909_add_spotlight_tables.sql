/*
Migration    20250909_add_spotlight_tables
Description  Spotlight integration: ICP definitions, their custom fields, field values and field rules.
Template     migrations/templates/20250909_add_spotlight_tables.sql.j2  sha256 4dccc58bbea5a3ce2ff780f1606bf95dd86e3bf315bee44e9b45f8f12d46296a
Sources      sql/tables/app.spotlight_field_rules.sql  sha256 93903a07eb41cae9e362b4a71545436cdf7a6b4f588ce4458c6c206014aa142f
             sql/tables/app.spotlight_fields.sql  sha256 f5a1cc39f6d56edaf0f09386aba6cc12ca531318f8d60047b3376da077a9dbb3
             sql/tables/app.spotlight_values.sql  sha256 44b4efcdec4beb7827878d01efa09d23a6883d30fbce4079bc50450f7dbd6d42
             sql/tables/app.spotlights.sql  sha256 f04fe1ae202b3243cf7aecd4c31005033de4d2f2cbbfd893add25e50fdb832fa
Builder      workstream-db 0.1.0
Checksum     4f9e0b0c1960c4a7cf9c043dfa4a2555ff57f9cd35b7c20aeedffffbe213e408
             sha256 of this file with the checksum replaced by 64 zeros; the history table
             dbo.wsdb_migration_history and migrations/migrations.sum record it.
Transaction  every step runs in one transaction: all of it applies, or none of it.
Run it       wsdb apply, or sqlcmd -b -I -i 20250909_add_spotlight_tables.sql, or SSMS (no SQLCMD mode needed).
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
    THROW 50100, N'20250909_add_spotlight_tables: run this script outside any transaction; it opens and commits its own.', 1;
DECLARE @started datetime2(7) = SYSUTCDATETIME();
EXEC sys.sp_set_session_context @key = N'wsdb.started', @value = @started;
BEGIN TRANSACTION;
DECLARE @lock int;
EXEC @lock = sys.sp_getapplock @Resource = N'wsdb.migrations', @LockMode = N'Exclusive', @LockOwner = N'Transaction', @LockTimeout = 600000;
IF @lock < 0
    THROW 50103, N'20250909_add_spotlight_tables: another migration held the lock wsdb.migrations for 10 minutes; nothing was changed.', 1;
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
    WHERE h.migration_name = N'20250909_add_spotlight_tables'
);
IF @applied = '4f9e0b0c1960c4a7cf9c043dfa4a2555ff57f9cd35b7c20aeedffffbe213e408'
    BEGIN
        COMMIT TRANSACTION;
        PRINT N'20250909_add_spotlight_tables: already applied with this checksum; skipped.';
        SET NOEXEC ON;
    END;
IF @applied IS NOT NULL AND @applied <> '4f9e0b0c1960c4a7cf9c043dfa4a2555ff57f9cd35b7c20aeedffffbe213e408'
    BEGIN
        DECLARE @message nvarchar(2048) = CONCAT(
            N'20250909_add_spotlight_tables: applied before with checksum ', @applied,
            N'; this file has 4f9e0b0c1960c4a7cf9c043dfa4a2555ff57f9cd35b7c20aeedffffbe213e408. Released scripts must not change; nothing was done.'
        );
        THROW 50101, @message, 1;
    END;
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 1 table app.spotlights
-- wsdb:never-deleted spotlights are retired with is_active = 0; scores and values keep pointing at them
-- ICP definitions
CREATE TABLE app.spotlights (
    spotlight_id int IDENTITY (1, 1) NOT NULL, -- Primary key
    org_id int NOT NULL, -- Organization ID
    name nvarchar(120) NOT NULL, -- Spotlight (ideal customer profile) name
    description nvarchar(400) NULL, -- What the profile looks for
    is_active bit NOT NULL CONSTRAINT DF_app_spotlights_is_active DEFAULT (1), -- Active flag
    created_at datetime2 NOT NULL CONSTRAINT DF_app_spotlights_created_at DEFAULT (SYSUTCDATETIME()), -- Creation timestamp
    created_by int NULL, -- Creator user ID
    updated_at datetime2 NOT NULL CONSTRAINT DF_app_spotlights_updated_at DEFAULT (SYSUTCDATETIME()), -- Last update timestamp
    CONSTRAINT PK_app_spotlights PRIMARY KEY CLUSTERED (spotlight_id),
    CONSTRAINT UQ_app_spotlights_org_id_spotlight_id UNIQUE NONCLUSTERED (org_id, spotlight_id),
    CONSTRAINT UQ_app_spotlights_org_id_name UNIQUE NONCLUSTERED (org_id, name),
    CONSTRAINT FK_app_spotlights_org_id_core_org FOREIGN KEY (org_id) REFERENCES core.org (org_id),
    CONSTRAINT FK_app_spotlights_created_by_core_user_account FOREIGN KEY (org_id, created_by)
    REFERENCES core.user_account (org_id, user_id)
);
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 1 describe app.spotlights
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlights', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'ICP definitions', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlights';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'ICP definitions', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlights';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlights', N'COLUMN', N'spotlight_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlights', @level2type = N'COLUMN', @level2name = N'spotlight_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlights', @level2type = N'COLUMN', @level2name = N'spotlight_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlights', N'COLUMN', N'org_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Organization ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlights', @level2type = N'COLUMN', @level2name = N'org_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Organization ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlights', @level2type = N'COLUMN', @level2name = N'org_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlights', N'COLUMN', N'name'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Spotlight (ideal customer profile) name', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlights', @level2type = N'COLUMN', @level2name = N'name';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Spotlight (ideal customer profile) name', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlights', @level2type = N'COLUMN', @level2name = N'name';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlights', N'COLUMN', N'description'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'What the profile looks for', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlights', @level2type = N'COLUMN', @level2name = N'description';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'What the profile looks for', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlights', @level2type = N'COLUMN', @level2name = N'description';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlights', N'COLUMN', N'is_active'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Active flag', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlights', @level2type = N'COLUMN', @level2name = N'is_active';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Active flag', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlights', @level2type = N'COLUMN', @level2name = N'is_active';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlights', N'COLUMN', N'created_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Creation timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlights', @level2type = N'COLUMN', @level2name = N'created_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Creation timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlights', @level2type = N'COLUMN', @level2name = N'created_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlights', N'COLUMN', N'created_by'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Creator user ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlights', @level2type = N'COLUMN', @level2name = N'created_by';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Creator user ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlights', @level2type = N'COLUMN', @level2name = N'created_by';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlights', N'COLUMN', N'updated_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Last update timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlights', @level2type = N'COLUMN', @level2name = N'updated_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Last update timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlights', @level2type = N'COLUMN', @level2name = N'updated_at';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 2 table app.spotlight_fields
-- wsdb:never-deleted fields are retired with is_active = 0; stored values and rules keep pointing at them
-- Custom fields for ICP evaluation
CREATE TABLE app.spotlight_fields (
    field_id int IDENTITY (1, 1) NOT NULL, -- Primary key
    org_id int NOT NULL, -- Organization ID
    field_key varchar(64) NOT NULL, -- Stable key used by rules and scoring ('industry', 'budget', ...)
    label nvarchar(120) NOT NULL, -- Label shown in the UI
    data_type varchar(16) NOT NULL, -- Value type: 'text', 'number', 'boolean', 'date', 'choice'
    options_json nvarchar(max) NULL, -- JSON array of allowed values for 'choice' fields
    is_required bit NOT NULL CONSTRAINT DF_app_spotlight_fields_is_required DEFAULT (0), -- Whether every spotlight must give a value
    sort_order int NOT NULL CONSTRAINT DF_app_spotlight_fields_sort_order DEFAULT (0), -- Display order
    is_active bit NOT NULL CONSTRAINT DF_app_spotlight_fields_is_active DEFAULT (1), -- Active flag
    created_at datetime2 NOT NULL CONSTRAINT DF_app_spotlight_fields_created_at DEFAULT (SYSUTCDATETIME()), -- Creation timestamp
    CONSTRAINT PK_app_spotlight_fields PRIMARY KEY CLUSTERED (field_id),
    CONSTRAINT UQ_app_spotlight_fields_org_id_field_id UNIQUE NONCLUSTERED (org_id, field_id),
    CONSTRAINT UQ_app_spotlight_fields_org_id_field_key UNIQUE NONCLUSTERED (org_id, field_key),
    CONSTRAINT FK_app_spotlight_fields_org_id_core_org FOREIGN KEY (org_id) REFERENCES core.org (org_id),
    CONSTRAINT CK_app_spotlight_fields_field_key CHECK (field_key NOT LIKE '%[^a-z0-9_]%'),
    CONSTRAINT CK_app_spotlight_fields_data_type CHECK (data_type IN ('text', 'number', 'boolean', 'date', 'choice')),
    CONSTRAINT CK_app_spotlight_fields_options_json CHECK (ISJSON(options_json) = 1),
    CONSTRAINT CK_app_spotlight_fields_choice_options CHECK (data_type <> 'choice' OR options_json IS NOT NULL)
);
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 2 describe app.spotlight_fields
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlight_fields', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Custom fields for ICP evaluation', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_fields';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Custom fields for ICP evaluation', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_fields';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlight_fields', N'COLUMN', N'field_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_fields', @level2type = N'COLUMN', @level2name = N'field_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_fields', @level2type = N'COLUMN', @level2name = N'field_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlight_fields', N'COLUMN', N'org_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Organization ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_fields', @level2type = N'COLUMN', @level2name = N'org_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Organization ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_fields', @level2type = N'COLUMN', @level2name = N'org_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlight_fields', N'COLUMN', N'field_key'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Stable key used by rules and scoring (''industry'', ''budget'', ...)', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_fields', @level2type = N'COLUMN', @level2name = N'field_key';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Stable key used by rules and scoring (''industry'', ''budget'', ...)', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_fields', @level2type = N'COLUMN', @level2name = N'field_key';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlight_fields', N'COLUMN', N'label'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Label shown in the UI', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_fields', @level2type = N'COLUMN', @level2name = N'label';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Label shown in the UI', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_fields', @level2type = N'COLUMN', @level2name = N'label';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlight_fields', N'COLUMN', N'data_type'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Value type: ''text'', ''number'', ''boolean'', ''date'', ''choice''', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_fields', @level2type = N'COLUMN', @level2name = N'data_type';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Value type: ''text'', ''number'', ''boolean'', ''date'', ''choice''', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_fields', @level2type = N'COLUMN', @level2name = N'data_type';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlight_fields', N'COLUMN', N'options_json'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'JSON array of allowed values for ''choice'' fields', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_fields', @level2type = N'COLUMN', @level2name = N'options_json';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'JSON array of allowed values for ''choice'' fields', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_fields', @level2type = N'COLUMN', @level2name = N'options_json';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlight_fields', N'COLUMN', N'is_required'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Whether every spotlight must give a value', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_fields', @level2type = N'COLUMN', @level2name = N'is_required';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Whether every spotlight must give a value', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_fields', @level2type = N'COLUMN', @level2name = N'is_required';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlight_fields', N'COLUMN', N'sort_order'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Display order', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_fields', @level2type = N'COLUMN', @level2name = N'sort_order';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Display order', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_fields', @level2type = N'COLUMN', @level2name = N'sort_order';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlight_fields', N'COLUMN', N'is_active'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Active flag', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_fields', @level2type = N'COLUMN', @level2name = N'is_active';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Active flag', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_fields', @level2type = N'COLUMN', @level2name = N'is_active';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlight_fields', N'COLUMN', N'created_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Creation timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_fields', @level2type = N'COLUMN', @level2name = N'created_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Creation timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_fields', @level2type = N'COLUMN', @level2name = N'created_at';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 3 table app.spotlight_values
-- Field values for specific spotlights
CREATE TABLE app.spotlight_values (
    value_id bigint IDENTITY (1, 1) NOT NULL, -- Primary key
    org_id int NOT NULL, -- Organization ID
    spotlight_id int NOT NULL, -- Spotlight the value belongs to
    field_id int NOT NULL, -- Field the value is for
    value_text nvarchar(1000) NULL, -- Value of a 'text' or 'choice' field
    value_number decimal(18, 4) NULL, -- Value of a 'number' field
    value_bool bit NULL, -- Value of a 'boolean' field
    value_date date NULL, -- Value of a 'date' field
    created_at datetime2 NOT NULL CONSTRAINT DF_app_spotlight_values_created_at DEFAULT (SYSUTCDATETIME()), -- Creation timestamp
    updated_at datetime2 NOT NULL CONSTRAINT DF_app_spotlight_values_updated_at DEFAULT (SYSUTCDATETIME()), -- Last update timestamp
    CONSTRAINT PK_app_spotlight_values PRIMARY KEY CLUSTERED (value_id),
    CONSTRAINT FK_app_spotlight_values_org_id_core_org FOREIGN KEY (org_id) REFERENCES core.org (org_id),
    CONSTRAINT FK_app_spotlight_values_spotlight_id_app_spotlights FOREIGN KEY (org_id, spotlight_id)
    REFERENCES app.spotlights (org_id, spotlight_id),
    CONSTRAINT FK_app_spotlight_values_field_id_app_spotlight_fields FOREIGN KEY (org_id, field_id)
    REFERENCES app.spotlight_fields (org_id, field_id),
    CONSTRAINT CK_app_spotlight_values_one_value CHECK (
        (CASE WHEN value_text IS NULL THEN 0 ELSE 1 END)
        + (CASE WHEN value_number IS NULL THEN 0 ELSE 1 END)
        + (CASE WHEN value_bool IS NULL THEN 0 ELSE 1 END)
        + (CASE WHEN value_date IS NULL THEN 0 ELSE 1 END) = 1
    )
);

CREATE UNIQUE NONCLUSTERED INDEX UX_app_spotlight_values_field -- One value per spotlight and field
    ON app.spotlight_values (org_id, spotlight_id, field_id);
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 3 describe app.spotlight_values
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlight_values', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Field values for specific spotlights', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_values';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Field values for specific spotlights', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_values';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlight_values', N'COLUMN', N'value_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_values', @level2type = N'COLUMN', @level2name = N'value_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_values', @level2type = N'COLUMN', @level2name = N'value_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlight_values', N'COLUMN', N'org_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Organization ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_values', @level2type = N'COLUMN', @level2name = N'org_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Organization ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_values', @level2type = N'COLUMN', @level2name = N'org_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlight_values', N'COLUMN', N'spotlight_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Spotlight the value belongs to', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_values', @level2type = N'COLUMN', @level2name = N'spotlight_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Spotlight the value belongs to', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_values', @level2type = N'COLUMN', @level2name = N'spotlight_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlight_values', N'COLUMN', N'field_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Field the value is for', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_values', @level2type = N'COLUMN', @level2name = N'field_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Field the value is for', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_values', @level2type = N'COLUMN', @level2name = N'field_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlight_values', N'COLUMN', N'value_text'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Value of a ''text'' or ''choice'' field', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_values', @level2type = N'COLUMN', @level2name = N'value_text';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Value of a ''text'' or ''choice'' field', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_values', @level2type = N'COLUMN', @level2name = N'value_text';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlight_values', N'COLUMN', N'value_number'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Value of a ''number'' field', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_values', @level2type = N'COLUMN', @level2name = N'value_number';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Value of a ''number'' field', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_values', @level2type = N'COLUMN', @level2name = N'value_number';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlight_values', N'COLUMN', N'value_bool'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Value of a ''boolean'' field', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_values', @level2type = N'COLUMN', @level2name = N'value_bool';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Value of a ''boolean'' field', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_values', @level2type = N'COLUMN', @level2name = N'value_bool';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlight_values', N'COLUMN', N'value_date'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Value of a ''date'' field', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_values', @level2type = N'COLUMN', @level2name = N'value_date';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Value of a ''date'' field', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_values', @level2type = N'COLUMN', @level2name = N'value_date';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlight_values', N'COLUMN', N'created_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Creation timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_values', @level2type = N'COLUMN', @level2name = N'created_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Creation timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_values', @level2type = N'COLUMN', @level2name = N'created_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlight_values', N'COLUMN', N'updated_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Last update timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_values', @level2type = N'COLUMN', @level2name = N'updated_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Last update timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_values', @level2type = N'COLUMN', @level2name = N'updated_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlight_values', N'INDEX', N'UX_app_spotlight_values_field'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'One value per spotlight and field', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_values', @level2type = N'INDEX', @level2name = N'UX_app_spotlight_values_field';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'One value per spotlight and field', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_values', @level2type = N'INDEX', @level2name = N'UX_app_spotlight_values_field';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 4 table app.spotlight_field_rules
-- Conditional logic for field visibility/validation
CREATE TABLE app.spotlight_field_rules (
    rule_id int IDENTITY (1, 1) NOT NULL, -- Primary key
    org_id int NOT NULL, -- Organization ID
    field_id int NOT NULL, -- Field the rule acts on
    spotlight_id int NULL, -- Spotlight the rule is limited to (NULL = every spotlight)
    rule_type varchar(16) NOT NULL, -- Rule kind: 'visibility', 'validation', 'required'
    depends_on_field_id int NULL, -- Field whose value the condition reads
    condition_json nvarchar(max) NOT NULL, -- JSON condition, e.g. {"field": "industry", "op": "in", "values": ["gov"]}
    message nvarchar(200) NULL, -- Message shown when a validation rule fails
    sort_order int NOT NULL CONSTRAINT DF_app_spotlight_field_rules_sort_order DEFAULT (0), -- Evaluation order
    is_active bit NOT NULL CONSTRAINT DF_app_spotlight_field_rules_is_active DEFAULT (1), -- Active flag
    created_at datetime2 NOT NULL CONSTRAINT DF_app_spotlight_field_rules_created_at DEFAULT (SYSUTCDATETIME()), -- Creation timestamp
    CONSTRAINT PK_app_spotlight_field_rules PRIMARY KEY CLUSTERED (rule_id),
    CONSTRAINT FK_app_spotlight_field_rules_org_id_core_org FOREIGN KEY (org_id) REFERENCES core.org (org_id),
    CONSTRAINT FK_app_spotlight_field_rules_field_id_app_spotlight_fields FOREIGN KEY (org_id, field_id)
    REFERENCES app.spotlight_fields (org_id, field_id),
    CONSTRAINT FK_app_spotlight_field_rules_spotlight_id_app_spotlights FOREIGN KEY (org_id, spotlight_id)
    REFERENCES app.spotlights (org_id, spotlight_id),
    CONSTRAINT FK_app_spotlight_field_rules_depends_on_field_id_app_spotlight_fields FOREIGN KEY (org_id, depends_on_field_id)
    REFERENCES app.spotlight_fields (org_id, field_id),
    CONSTRAINT CK_app_spotlight_field_rules_rule_type CHECK (rule_type IN ('visibility', 'validation', 'required')),
    CONSTRAINT CK_app_spotlight_field_rules_condition_json CHECK (ISJSON(condition_json) = 1),
    CONSTRAINT CK_app_spotlight_field_rules_depends_on_field_id CHECK (depends_on_field_id <> field_id)
);

CREATE NONCLUSTERED INDEX IX_app_spotlight_field_rules_org_id_field_id -- Rules of a field, in evaluation order
    ON app.spotlight_field_rules (org_id, field_id, sort_order);
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 4 describe app.spotlight_field_rules
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlight_field_rules', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Conditional logic for field visibility/validation', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_field_rules';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Conditional logic for field visibility/validation', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_field_rules';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlight_field_rules', N'COLUMN', N'rule_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_field_rules', @level2type = N'COLUMN', @level2name = N'rule_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_field_rules', @level2type = N'COLUMN', @level2name = N'rule_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlight_field_rules', N'COLUMN', N'org_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Organization ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_field_rules', @level2type = N'COLUMN', @level2name = N'org_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Organization ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_field_rules', @level2type = N'COLUMN', @level2name = N'org_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlight_field_rules', N'COLUMN', N'field_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Field the rule acts on', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_field_rules', @level2type = N'COLUMN', @level2name = N'field_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Field the rule acts on', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_field_rules', @level2type = N'COLUMN', @level2name = N'field_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlight_field_rules', N'COLUMN', N'spotlight_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Spotlight the rule is limited to (NULL = every spotlight)', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_field_rules', @level2type = N'COLUMN', @level2name = N'spotlight_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Spotlight the rule is limited to (NULL = every spotlight)', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_field_rules', @level2type = N'COLUMN', @level2name = N'spotlight_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlight_field_rules', N'COLUMN', N'rule_type'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Rule kind: ''visibility'', ''validation'', ''required''', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_field_rules', @level2type = N'COLUMN', @level2name = N'rule_type';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Rule kind: ''visibility'', ''validation'', ''required''', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_field_rules', @level2type = N'COLUMN', @level2name = N'rule_type';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlight_field_rules', N'COLUMN', N'depends_on_field_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Field whose value the condition reads', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_field_rules', @level2type = N'COLUMN', @level2name = N'depends_on_field_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Field whose value the condition reads', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_field_rules', @level2type = N'COLUMN', @level2name = N'depends_on_field_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlight_field_rules', N'COLUMN', N'condition_json'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'JSON condition, e.g. {"field": "industry", "op": "in", "values": ["gov"]}', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_field_rules', @level2type = N'COLUMN', @level2name = N'condition_json';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'JSON condition, e.g. {"field": "industry", "op": "in", "values": ["gov"]}', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_field_rules', @level2type = N'COLUMN', @level2name = N'condition_json';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlight_field_rules', N'COLUMN', N'message'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Message shown when a validation rule fails', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_field_rules', @level2type = N'COLUMN', @level2name = N'message';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Message shown when a validation rule fails', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_field_rules', @level2type = N'COLUMN', @level2name = N'message';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlight_field_rules', N'COLUMN', N'sort_order'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Evaluation order', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_field_rules', @level2type = N'COLUMN', @level2name = N'sort_order';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Evaluation order', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_field_rules', @level2type = N'COLUMN', @level2name = N'sort_order';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlight_field_rules', N'COLUMN', N'is_active'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Active flag', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_field_rules', @level2type = N'COLUMN', @level2name = N'is_active';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Active flag', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_field_rules', @level2type = N'COLUMN', @level2name = N'is_active';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlight_field_rules', N'COLUMN', N'created_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Creation timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_field_rules', @level2type = N'COLUMN', @level2name = N'created_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Creation timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_field_rules', @level2type = N'COLUMN', @level2name = N'created_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'spotlight_field_rules', N'INDEX', N'IX_app_spotlight_field_rules_org_id_field_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Rules of a field, in evaluation order', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_field_rules', @level2type = N'INDEX', @level2name = N'IX_app_spotlight_field_rules_org_id_field_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Rules of a field, in evaluation order', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'spotlight_field_rules', @level2type = N'INDEX', @level2name = N'IX_app_spotlight_field_rules_org_id_field_id';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:guard epilogue: record the migration and commit
DECLARE @started datetime2(7) = CAST(SESSION_CONTEXT(N'wsdb.started') AS datetime2(7));
INSERT INTO dbo.wsdb_migration_history (migration_name, checksum, duration_ms, builder)
VALUES (N'20250909_add_spotlight_tables', '4f9e0b0c1960c4a7cf9c043dfa4a2555ff57f9cd35b7c20aeedffffbe213e408', DATEDIFF(MILLISECOND, @started, SYSUTCDATETIME()), '0.1.0');
COMMIT TRANSACTION;
PRINT N'20250909_add_spotlight_tables: applied.';
GO
-- wsdb:guard whatever happened above, statements run again from here
SET NOEXEC OFF;
GO
-- wsdb:guard final check: an error above leaves nothing behind, and says so
IF @@TRANCOUNT > 0
    ROLLBACK TRANSACTION;
IF OBJECT_ID(N'dbo.wsdb_migration_history', N'U') IS NULL
    THROW 50102, N'20250909_add_spotlight_tables: not applied; nothing was changed (see the first error above).', 1;
IF NOT EXISTS (
    SELECT 1
    FROM dbo.wsdb_migration_history AS h
    WHERE h.migration_name = N'20250909_add_spotlight_tables' AND h.checksum = '4f9e0b0c1960c4a7cf9c043dfa4a2555ff57f9cd35b7c20aeedffffbe213e408'
)
    THROW 50102, N'20250909_add_spotlight_tables: not applied; its changes were rolled back (see the first error above).', 1;
GO
