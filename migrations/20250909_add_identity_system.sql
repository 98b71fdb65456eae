/*
Migration    20250909_add_identity_system
Description  Enhanced identity resolution: identity columns and composite dedupe on signals, canonical identity keys, conflicts, merge history, key normalisation, sp_resolve_identity and the status view.
Template     migrations/templates/20250909_add_identity_system.sql.j2  sha256 875c9a44f0ad5349c99a1bf1ef59572b047ef54169edf2e6402155977e81af28
Sources      sql/functions/app.fn_normalize_identity_key.sql  sha256 d257d0623eaab0a5e67f209fc3872b01e207b516e93e096abce39ba79ab4f14f
             sql/procedures/app.sp_resolve_identity.sql  sha256 4fd76316d80c14e52d484be9f33cb2eda470cc86124a537f30ddb99e3c2ca8ab
             sql/tables/app.canonical_identity_keys.sql  sha256 17f8ee28ab95cc2e7baa87d59e53ea41bdfd1b670040b845ff680ba80f571505
             sql/tables/app.contact_merge_history.sql  sha256 d5c23c9d7a5653a16c1acf85a06910ad5ff6ea467383d05bdfd6d4fa62787d28
             sql/tables/app.identity_resolution_conflicts.sql  sha256 11a02647b265c773b575fcd0d60b6314c38fac24cd8b589dcda9c7e1042e4afb
             sql/tables/app.signal.sql  sha256 d4010bec36587c5daad5b9e07deb600f3163c0346a3b4bda506a184fe88ba6aa
             sql/views/app.v_identity_resolution_status.sql  sha256 97dde8e7a8c1c5ed4a945b2a47ad917692ac0b79d624febd89a94cd217594783
Builder      workstream-db 0.1.0
Checksum     81f034fe28a0828a0a70bf162ea072cfa4de9337a550b4290f51976eba8747bf
             sha256 of this file with the checksum replaced by 64 zeros; the history table
             dbo.wsdb_migration_history and migrations/migrations.sum record it.
Transaction  every step runs in one transaction: all of it applies, or none of it.
Run it       wsdb apply, or sqlcmd -b -I -i 20250909_add_identity_system.sql, or SSMS (no SQLCMD mode needed).
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
    THROW 50100, N'20250909_add_identity_system: run this script outside any transaction; it opens and commits its own.', 1;
DECLARE @started datetime2(7) = SYSUTCDATETIME();
EXEC sys.sp_set_session_context @key = N'wsdb.started', @value = @started;
BEGIN TRANSACTION;
DECLARE @lock int;
EXEC @lock = sys.sp_getapplock @Resource = N'wsdb.migrations', @LockMode = N'Exclusive', @LockOwner = N'Transaction', @LockTimeout = 600000;
IF @lock < 0
    THROW 50103, N'20250909_add_identity_system: another migration held the lock wsdb.migrations for 10 minutes; nothing was changed.', 1;
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
    WHERE h.migration_name = N'20250909_add_identity_system'
);
IF @applied = '81f034fe28a0828a0a70bf162ea072cfa4de9337a550b4290f51976eba8747bf'
    BEGIN
        COMMIT TRANSACTION;
        PRINT N'20250909_add_identity_system: already applied with this checksum; skipped.';
        SET NOEXEC ON;
    END;
IF @applied IS NOT NULL AND @applied <> '81f034fe28a0828a0a70bf162ea072cfa4de9337a550b4290f51976eba8747bf'
    BEGIN
        DECLARE @message nvarchar(2048) = CONCAT(
            N'20250909_add_identity_system: applied before with checksum ', @applied,
            N'; this file has 81f034fe28a0828a0a70bf162ea072cfa4de9337a550b4290f51976eba8747bf. Released scripts must not change; nothing was done.'
        );
        THROW 50101, @message, 1;
    END;
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 1 columns app.signal columns contact_email, contact_phone, company_domain, normalized_keys_json
ALTER TABLE app.signal ADD
    contact_email varchar(256) NULL, -- Extracted email for identity resolution
    contact_phone varchar(32) NULL, -- Extracted phone for identity resolution
    company_domain varchar(128) NULL, -- Company domain for identity resolution
    normalized_keys_json nvarchar(500) NULL; -- JSON object with all extracted keys
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 1 columns app.signal columns contact_email, contact_phone, company_domain, normalized_keys_json
ALTER TABLE app.signal WITH CHECK ADD
    CONSTRAINT CK_app_signal_normalized_keys_json CHECK (ISJSON(normalized_keys_json) = 1);
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 1 describe app.signal columns contact_email, contact_phone, company_domain, normalized_keys_json
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'signal', N'COLUMN', N'contact_email'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Extracted email for identity resolution', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'signal', @level2type = N'COLUMN', @level2name = N'contact_email';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Extracted email for identity resolution', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'signal', @level2type = N'COLUMN', @level2name = N'contact_email';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'signal', N'COLUMN', N'contact_phone'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Extracted phone for identity resolution', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'signal', @level2type = N'COLUMN', @level2name = N'contact_phone';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Extracted phone for identity resolution', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'signal', @level2type = N'COLUMN', @level2name = N'contact_phone';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'signal', N'COLUMN', N'company_domain'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Company domain for identity resolution', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'signal', @level2type = N'COLUMN', @level2name = N'company_domain';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Company domain for identity resolution', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'signal', @level2type = N'COLUMN', @level2name = N'company_domain';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'signal', N'COLUMN', N'normalized_keys_json'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'JSON object with all extracted keys', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'signal', @level2type = N'COLUMN', @level2name = N'normalized_keys_json';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'JSON object with all extracted keys', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'signal', @level2type = N'COLUMN', @level2name = N'normalized_keys_json';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 2 index app.signal index UX_signal_composite_dedupe
CREATE UNIQUE NONCLUSTERED INDEX UX_signal_composite_dedupe -- Enhanced deduplication
    ON app.signal (org_id, source_type, source_ref, contact_email, contact_phone);
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 2 describe app.signal index UX_signal_composite_dedupe
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'signal', N'INDEX', N'UX_signal_composite_dedupe'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Enhanced deduplication', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'signal', @level2type = N'INDEX', @level2name = N'UX_signal_composite_dedupe';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Enhanced deduplication', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'signal', @level2type = N'INDEX', @level2name = N'UX_signal_composite_dedupe';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 3 table app.canonical_identity_keys
-- Master registry for identity resolution across all sources.
CREATE TABLE app.canonical_identity_keys (
    key_id bigint IDENTITY (1, 1) NOT NULL, -- Primary key
    org_id int NOT NULL, -- Organization ID
    key_type varchar(16) NOT NULL, -- Type: 'email', 'phone', 'source_ref', 'company_domain'
    key_value varchar(256) NOT NULL, -- Normalized key value
    canonical_contact_id int NULL, -- Resolved contact ID
    canonical_client_id int NULL, -- Resolved client ID
    confidence_score decimal(3, 2) NULL, -- Resolution confidence (0.0-1.0)
    first_seen_at datetime2 NOT NULL CONSTRAINT DF_app_canonical_identity_keys_first_seen_at DEFAULT (SYSUTCDATETIME()), -- First occurrence
    last_seen_at datetime2 NOT NULL CONSTRAINT DF_app_canonical_identity_keys_last_seen_at DEFAULT (SYSUTCDATETIME()), -- Last occurrence
    occurrences int NOT NULL CONSTRAINT DF_app_canonical_identity_keys_occurrences DEFAULT (1), -- Number of times seen
    -- Status: 'unresolved', 'auto_resolved', 'manual_resolved', 'conflict'
    resolution_status varchar(16) NOT NULL CONSTRAINT DF_app_canonical_identity_keys_resolution_status DEFAULT ('unresolved'),
    resolved_by int NULL, -- User ID for manual resolution
    resolved_at datetime2 NULL, -- Resolution timestamp
    CONSTRAINT PK_app_canonical_identity_keys PRIMARY KEY CLUSTERED (key_id),
    CONSTRAINT FK_app_canonical_identity_keys_org_id_core_org FOREIGN KEY (org_id) REFERENCES core.org (org_id),
    CONSTRAINT FK_app_canonical_identity_keys_canonical_contact_id_core_contact FOREIGN KEY (org_id, canonical_contact_id)
    REFERENCES core.contact (org_id, contact_id),
    CONSTRAINT FK_app_canonical_identity_keys_canonical_client_id_core_client FOREIGN KEY (org_id, canonical_client_id)
    REFERENCES core.client (org_id, client_id),
    CONSTRAINT FK_app_canonical_identity_keys_resolved_by_core_user_account FOREIGN KEY (org_id, resolved_by)
    REFERENCES core.user_account (org_id, user_id),
    CONSTRAINT CK_app_canonical_identity_keys_key_type CHECK (key_type IN ('email', 'phone', 'source_ref', 'company_domain')),
    CONSTRAINT CK_app_canonical_identity_keys_key_value CHECK (key_value <> ''),
    CONSTRAINT CK_app_canonical_identity_keys_confidence_score CHECK (confidence_score BETWEEN 0 AND 1),
    CONSTRAINT CK_app_canonical_identity_keys_last_seen_at CHECK (last_seen_at >= first_seen_at),
    CONSTRAINT CK_app_canonical_identity_keys_occurrences CHECK (occurrences >= 1),
    CONSTRAINT CK_app_canonical_identity_keys_resolution_status CHECK (
        resolution_status IN ('unresolved', 'auto_resolved', 'manual_resolved', 'conflict')
    ),
    CONSTRAINT CK_app_canonical_identity_keys_manual CHECK (
        resolution_status <> 'manual_resolved' OR (resolved_by IS NOT NULL AND resolved_at IS NOT NULL)
    )
);

CREATE UNIQUE NONCLUSTERED INDEX UX_canonical_keys ON app.canonical_identity_keys (org_id, key_type, key_value); -- Unique key lookup

CREATE NONCLUSTERED INDEX IX_canonical_keys_contact -- Keys resolved to a contact
    ON app.canonical_identity_keys (org_id, canonical_contact_id)
    WHERE canonical_contact_id IS NOT NULL;

CREATE NONCLUSTERED INDEX IX_canonical_keys_client -- Keys resolved to a client
    ON app.canonical_identity_keys (org_id, canonical_client_id)
    WHERE canonical_client_id IS NOT NULL;

CREATE NONCLUSTERED INDEX IX_canonical_keys_unresolved -- Unresolved keys to work through
    ON app.canonical_identity_keys (org_id, resolution_status)
    WHERE resolution_status = 'unresolved';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 3 describe app.canonical_identity_keys
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'canonical_identity_keys', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Master registry for identity resolution across all sources.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'canonical_identity_keys';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Master registry for identity resolution across all sources.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'canonical_identity_keys';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'canonical_identity_keys', N'COLUMN', N'key_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'canonical_identity_keys', @level2type = N'COLUMN', @level2name = N'key_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'canonical_identity_keys', @level2type = N'COLUMN', @level2name = N'key_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'canonical_identity_keys', N'COLUMN', N'org_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Organization ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'canonical_identity_keys', @level2type = N'COLUMN', @level2name = N'org_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Organization ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'canonical_identity_keys', @level2type = N'COLUMN', @level2name = N'org_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'canonical_identity_keys', N'COLUMN', N'key_type'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Type: ''email'', ''phone'', ''source_ref'', ''company_domain''', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'canonical_identity_keys', @level2type = N'COLUMN', @level2name = N'key_type';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Type: ''email'', ''phone'', ''source_ref'', ''company_domain''', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'canonical_identity_keys', @level2type = N'COLUMN', @level2name = N'key_type';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'canonical_identity_keys', N'COLUMN', N'key_value'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Normalized key value', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'canonical_identity_keys', @level2type = N'COLUMN', @level2name = N'key_value';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Normalized key value', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'canonical_identity_keys', @level2type = N'COLUMN', @level2name = N'key_value';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'canonical_identity_keys', N'COLUMN', N'canonical_contact_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Resolved contact ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'canonical_identity_keys', @level2type = N'COLUMN', @level2name = N'canonical_contact_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Resolved contact ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'canonical_identity_keys', @level2type = N'COLUMN', @level2name = N'canonical_contact_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'canonical_identity_keys', N'COLUMN', N'canonical_client_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Resolved client ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'canonical_identity_keys', @level2type = N'COLUMN', @level2name = N'canonical_client_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Resolved client ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'canonical_identity_keys', @level2type = N'COLUMN', @level2name = N'canonical_client_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'canonical_identity_keys', N'COLUMN', N'confidence_score'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Resolution confidence (0.0-1.0)', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'canonical_identity_keys', @level2type = N'COLUMN', @level2name = N'confidence_score';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Resolution confidence (0.0-1.0)', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'canonical_identity_keys', @level2type = N'COLUMN', @level2name = N'confidence_score';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'canonical_identity_keys', N'COLUMN', N'first_seen_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'First occurrence', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'canonical_identity_keys', @level2type = N'COLUMN', @level2name = N'first_seen_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'First occurrence', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'canonical_identity_keys', @level2type = N'COLUMN', @level2name = N'first_seen_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'canonical_identity_keys', N'COLUMN', N'last_seen_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Last occurrence', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'canonical_identity_keys', @level2type = N'COLUMN', @level2name = N'last_seen_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Last occurrence', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'canonical_identity_keys', @level2type = N'COLUMN', @level2name = N'last_seen_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'canonical_identity_keys', N'COLUMN', N'occurrences'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Number of times seen', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'canonical_identity_keys', @level2type = N'COLUMN', @level2name = N'occurrences';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Number of times seen', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'canonical_identity_keys', @level2type = N'COLUMN', @level2name = N'occurrences';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'canonical_identity_keys', N'COLUMN', N'resolution_status'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Status: ''unresolved'', ''auto_resolved'', ''manual_resolved'', ''conflict''', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'canonical_identity_keys', @level2type = N'COLUMN', @level2name = N'resolution_status';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Status: ''unresolved'', ''auto_resolved'', ''manual_resolved'', ''conflict''', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'canonical_identity_keys', @level2type = N'COLUMN', @level2name = N'resolution_status';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'canonical_identity_keys', N'COLUMN', N'resolved_by'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'User ID for manual resolution', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'canonical_identity_keys', @level2type = N'COLUMN', @level2name = N'resolved_by';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'User ID for manual resolution', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'canonical_identity_keys', @level2type = N'COLUMN', @level2name = N'resolved_by';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'canonical_identity_keys', N'COLUMN', N'resolved_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Resolution timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'canonical_identity_keys', @level2type = N'COLUMN', @level2name = N'resolved_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Resolution timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'canonical_identity_keys', @level2type = N'COLUMN', @level2name = N'resolved_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'canonical_identity_keys', N'INDEX', N'UX_canonical_keys'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Unique key lookup', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'canonical_identity_keys', @level2type = N'INDEX', @level2name = N'UX_canonical_keys';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Unique key lookup', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'canonical_identity_keys', @level2type = N'INDEX', @level2name = N'UX_canonical_keys';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'canonical_identity_keys', N'INDEX', N'IX_canonical_keys_contact'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Keys resolved to a contact', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'canonical_identity_keys', @level2type = N'INDEX', @level2name = N'IX_canonical_keys_contact';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Keys resolved to a contact', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'canonical_identity_keys', @level2type = N'INDEX', @level2name = N'IX_canonical_keys_contact';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'canonical_identity_keys', N'INDEX', N'IX_canonical_keys_client'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Keys resolved to a client', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'canonical_identity_keys', @level2type = N'INDEX', @level2name = N'IX_canonical_keys_client';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Keys resolved to a client', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'canonical_identity_keys', @level2type = N'INDEX', @level2name = N'IX_canonical_keys_client';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'canonical_identity_keys', N'INDEX', N'IX_canonical_keys_unresolved'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Unresolved keys to work through', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'canonical_identity_keys', @level2type = N'INDEX', @level2name = N'IX_canonical_keys_unresolved';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Unresolved keys to work through', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'canonical_identity_keys', @level2type = N'INDEX', @level2name = N'IX_canonical_keys_unresolved';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 4 table app.identity_resolution_conflicts
-- Tracks conflicts requiring manual intervention.
CREATE TABLE app.identity_resolution_conflicts (
    conflict_id bigint IDENTITY (1, 1) NOT NULL, -- Primary key
    org_id int NOT NULL, -- Organization ID
    key_type varchar(16) NOT NULL, -- Conflicting key type
    key_value varchar(256) NOT NULL, -- Conflicting key value
    conflicting_contact_ids nvarchar(100) NULL, -- JSON array of contact IDs
    conflicting_client_ids nvarchar(100) NULL, -- JSON array of client IDs
    conflict_reason nvarchar(300) NOT NULL, -- Description of conflict
    -- Detection timestamp
    detected_at datetime2 NOT NULL CONSTRAINT DF_app_identity_resolution_conflicts_detected_at DEFAULT (SYSUTCDATETIME()),
    -- Status: 'pending', 'resolved', 'ignored'
    resolution_status varchar(16) NOT NULL CONSTRAINT DF_app_identity_resolution_conflicts_resolution_status DEFAULT ('pending'),
    resolved_contact_id int NULL, -- Final resolved contact
    resolved_client_id int NULL, -- Final resolved client
    resolved_by int NULL, -- Resolver user ID
    resolved_at datetime2 NULL, -- Resolution timestamp
    resolution_notes nvarchar(500) NULL, -- Resolution notes
    CONSTRAINT PK_app_identity_resolution_conflicts PRIMARY KEY CLUSTERED (conflict_id),
    CONSTRAINT FK_app_identity_resolution_conflicts_org_id_core_org FOREIGN KEY (org_id) REFERENCES core.org (org_id),
    CONSTRAINT FK_app_identity_resolution_conflicts_key_type_key_value_app_canonical_identity_keys
    FOREIGN KEY (org_id, key_type, key_value)
    REFERENCES app.canonical_identity_keys (org_id, key_type, key_value),
    CONSTRAINT FK_app_identity_resolution_conflicts_resolved_contact_id_core_contact FOREIGN KEY (org_id, resolved_contact_id)
    REFERENCES core.contact (org_id, contact_id),
    CONSTRAINT FK_app_identity_resolution_conflicts_resolved_client_id_core_client FOREIGN KEY (org_id, resolved_client_id)
    REFERENCES core.client (org_id, client_id),
    CONSTRAINT FK_app_identity_resolution_conflicts_resolved_by_core_user_account FOREIGN KEY (org_id, resolved_by)
    REFERENCES core.user_account (org_id, user_id),
    CONSTRAINT CK_app_identity_resolution_conflicts_key_type CHECK (key_type IN ('email', 'phone', 'source_ref', 'company_domain')),
    CONSTRAINT CK_app_identity_resolution_conflicts_conflicting_contact_ids CHECK (ISJSON(conflicting_contact_ids) = 1),
    CONSTRAINT CK_app_identity_resolution_conflicts_conflicting_client_ids CHECK (ISJSON(conflicting_client_ids) = 1),
    CONSTRAINT CK_app_identity_resolution_conflicts_resolution_status CHECK (resolution_status IN ('pending', 'resolved', 'ignored')),
    -- A closed conflict has a time; resolved_by stays NULL when a system process closed it.
    CONSTRAINT CK_app_identity_resolution_conflicts_resolved CHECK (resolution_status = 'pending' OR resolved_at IS NOT NULL)
);

CREATE NONCLUSTERED INDEX IX_app_identity_resolution_conflicts_key -- Conflicts of a key, pending ones first
    ON app.identity_resolution_conflicts (org_id, key_type, key_value, resolution_status);

CREATE NONCLUSTERED INDEX IX_app_identity_resolution_conflicts_pending -- Work queue of pending conflicts
    ON app.identity_resolution_conflicts (org_id, detected_at)
    WHERE resolution_status = 'pending';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 4 describe app.identity_resolution_conflicts
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'identity_resolution_conflicts', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Tracks conflicts requiring manual intervention.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'identity_resolution_conflicts';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Tracks conflicts requiring manual intervention.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'identity_resolution_conflicts';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'identity_resolution_conflicts', N'COLUMN', N'conflict_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'identity_resolution_conflicts', @level2type = N'COLUMN', @level2name = N'conflict_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'identity_resolution_conflicts', @level2type = N'COLUMN', @level2name = N'conflict_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'identity_resolution_conflicts', N'COLUMN', N'org_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Organization ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'identity_resolution_conflicts', @level2type = N'COLUMN', @level2name = N'org_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Organization ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'identity_resolution_conflicts', @level2type = N'COLUMN', @level2name = N'org_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'identity_resolution_conflicts', N'COLUMN', N'key_type'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Conflicting key type', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'identity_resolution_conflicts', @level2type = N'COLUMN', @level2name = N'key_type';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Conflicting key type', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'identity_resolution_conflicts', @level2type = N'COLUMN', @level2name = N'key_type';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'identity_resolution_conflicts', N'COLUMN', N'key_value'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Conflicting key value', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'identity_resolution_conflicts', @level2type = N'COLUMN', @level2name = N'key_value';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Conflicting key value', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'identity_resolution_conflicts', @level2type = N'COLUMN', @level2name = N'key_value';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'identity_resolution_conflicts', N'COLUMN', N'conflicting_contact_ids'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'JSON array of contact IDs', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'identity_resolution_conflicts', @level2type = N'COLUMN', @level2name = N'conflicting_contact_ids';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'JSON array of contact IDs', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'identity_resolution_conflicts', @level2type = N'COLUMN', @level2name = N'conflicting_contact_ids';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'identity_resolution_conflicts', N'COLUMN', N'conflicting_client_ids'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'JSON array of client IDs', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'identity_resolution_conflicts', @level2type = N'COLUMN', @level2name = N'conflicting_client_ids';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'JSON array of client IDs', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'identity_resolution_conflicts', @level2type = N'COLUMN', @level2name = N'conflicting_client_ids';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'identity_resolution_conflicts', N'COLUMN', N'conflict_reason'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Description of conflict', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'identity_resolution_conflicts', @level2type = N'COLUMN', @level2name = N'conflict_reason';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Description of conflict', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'identity_resolution_conflicts', @level2type = N'COLUMN', @level2name = N'conflict_reason';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'identity_resolution_conflicts', N'COLUMN', N'detected_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Detection timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'identity_resolution_conflicts', @level2type = N'COLUMN', @level2name = N'detected_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Detection timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'identity_resolution_conflicts', @level2type = N'COLUMN', @level2name = N'detected_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'identity_resolution_conflicts', N'COLUMN', N'resolution_status'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Status: ''pending'', ''resolved'', ''ignored''', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'identity_resolution_conflicts', @level2type = N'COLUMN', @level2name = N'resolution_status';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Status: ''pending'', ''resolved'', ''ignored''', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'identity_resolution_conflicts', @level2type = N'COLUMN', @level2name = N'resolution_status';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'identity_resolution_conflicts', N'COLUMN', N'resolved_contact_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Final resolved contact', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'identity_resolution_conflicts', @level2type = N'COLUMN', @level2name = N'resolved_contact_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Final resolved contact', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'identity_resolution_conflicts', @level2type = N'COLUMN', @level2name = N'resolved_contact_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'identity_resolution_conflicts', N'COLUMN', N'resolved_client_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Final resolved client', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'identity_resolution_conflicts', @level2type = N'COLUMN', @level2name = N'resolved_client_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Final resolved client', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'identity_resolution_conflicts', @level2type = N'COLUMN', @level2name = N'resolved_client_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'identity_resolution_conflicts', N'COLUMN', N'resolved_by'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Resolver user ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'identity_resolution_conflicts', @level2type = N'COLUMN', @level2name = N'resolved_by';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Resolver user ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'identity_resolution_conflicts', @level2type = N'COLUMN', @level2name = N'resolved_by';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'identity_resolution_conflicts', N'COLUMN', N'resolved_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Resolution timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'identity_resolution_conflicts', @level2type = N'COLUMN', @level2name = N'resolved_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Resolution timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'identity_resolution_conflicts', @level2type = N'COLUMN', @level2name = N'resolved_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'identity_resolution_conflicts', N'COLUMN', N'resolution_notes'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Resolution notes', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'identity_resolution_conflicts', @level2type = N'COLUMN', @level2name = N'resolution_notes';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Resolution notes', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'identity_resolution_conflicts', @level2type = N'COLUMN', @level2name = N'resolution_notes';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'identity_resolution_conflicts', N'INDEX', N'IX_app_identity_resolution_conflicts_key'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Conflicts of a key, pending ones first', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'identity_resolution_conflicts', @level2type = N'INDEX', @level2name = N'IX_app_identity_resolution_conflicts_key';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Conflicts of a key, pending ones first', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'identity_resolution_conflicts', @level2type = N'INDEX', @level2name = N'IX_app_identity_resolution_conflicts_key';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'identity_resolution_conflicts', N'INDEX', N'IX_app_identity_resolution_conflicts_pending'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Work queue of pending conflicts', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'identity_resolution_conflicts', @level2type = N'INDEX', @level2name = N'IX_app_identity_resolution_conflicts_pending';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Work queue of pending conflicts', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'identity_resolution_conflicts', @level2type = N'INDEX', @level2name = N'IX_app_identity_resolution_conflicts_pending';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 5 table app.contact_merge_history
-- Audit trail of contact merging operations.
CREATE TABLE app.contact_merge_history (
    merge_id bigint IDENTITY (1, 1) NOT NULL, -- Primary key
    org_id int NOT NULL, -- Organization ID
    primary_contact_id int NOT NULL, -- Contact that was kept
    merged_contact_id int NOT NULL, -- Contact that was merged
    merge_reason nvarchar(300) NULL, -- Reason for merge
    merged_keys nvarchar(max) NULL, -- JSON of keys that triggered merge
    data_preserved nvarchar(max) NULL, -- JSON of preserved data
    merged_by int NULL, -- User who performed merge
    merged_at datetime2 NOT NULL CONSTRAINT DF_app_contact_merge_history_merged_at DEFAULT (SYSUTCDATETIME()), -- Merge timestamp
    CONSTRAINT PK_app_contact_merge_history PRIMARY KEY CLUSTERED (merge_id),
    CONSTRAINT FK_app_contact_merge_history_org_id_core_org FOREIGN KEY (org_id) REFERENCES core.org (org_id),
    CONSTRAINT FK_app_contact_merge_history_primary_contact_id_core_contact FOREIGN KEY (org_id, primary_contact_id)
    REFERENCES core.contact (org_id, contact_id),
    CONSTRAINT FK_app_contact_merge_history_merged_contact_id_core_contact FOREIGN KEY (org_id, merged_contact_id)
    REFERENCES core.contact (org_id, contact_id),
    CONSTRAINT FK_app_contact_merge_history_merged_by_core_user_account FOREIGN KEY (org_id, merged_by)
    REFERENCES core.user_account (org_id, user_id),
    CONSTRAINT CK_app_contact_merge_history_distinct_contacts CHECK (primary_contact_id <> merged_contact_id),
    CONSTRAINT CK_app_contact_merge_history_merged_keys CHECK (ISJSON(merged_keys) = 1),
    CONSTRAINT CK_app_contact_merge_history_data_preserved CHECK (ISJSON(data_preserved) = 1)
);

CREATE NONCLUSTERED INDEX IX_app_contact_merge_history_primary -- Merges into a contact
    ON app.contact_merge_history (org_id, primary_contact_id);

CREATE NONCLUSTERED INDEX IX_app_contact_merge_history_merged -- Where a merged contact went
    ON app.contact_merge_history (org_id, merged_contact_id);
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 5 describe app.contact_merge_history
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'contact_merge_history', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Audit trail of contact merging operations.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'contact_merge_history';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Audit trail of contact merging operations.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'contact_merge_history';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'contact_merge_history', N'COLUMN', N'merge_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'contact_merge_history', @level2type = N'COLUMN', @level2name = N'merge_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'contact_merge_history', @level2type = N'COLUMN', @level2name = N'merge_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'contact_merge_history', N'COLUMN', N'org_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Organization ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'contact_merge_history', @level2type = N'COLUMN', @level2name = N'org_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Organization ID', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'contact_merge_history', @level2type = N'COLUMN', @level2name = N'org_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'contact_merge_history', N'COLUMN', N'primary_contact_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Contact that was kept', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'contact_merge_history', @level2type = N'COLUMN', @level2name = N'primary_contact_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Contact that was kept', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'contact_merge_history', @level2type = N'COLUMN', @level2name = N'primary_contact_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'contact_merge_history', N'COLUMN', N'merged_contact_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Contact that was merged', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'contact_merge_history', @level2type = N'COLUMN', @level2name = N'merged_contact_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Contact that was merged', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'contact_merge_history', @level2type = N'COLUMN', @level2name = N'merged_contact_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'contact_merge_history', N'COLUMN', N'merge_reason'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Reason for merge', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'contact_merge_history', @level2type = N'COLUMN', @level2name = N'merge_reason';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Reason for merge', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'contact_merge_history', @level2type = N'COLUMN', @level2name = N'merge_reason';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'contact_merge_history', N'COLUMN', N'merged_keys'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'JSON of keys that triggered merge', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'contact_merge_history', @level2type = N'COLUMN', @level2name = N'merged_keys';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'JSON of keys that triggered merge', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'contact_merge_history', @level2type = N'COLUMN', @level2name = N'merged_keys';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'contact_merge_history', N'COLUMN', N'data_preserved'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'JSON of preserved data', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'contact_merge_history', @level2type = N'COLUMN', @level2name = N'data_preserved';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'JSON of preserved data', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'contact_merge_history', @level2type = N'COLUMN', @level2name = N'data_preserved';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'contact_merge_history', N'COLUMN', N'merged_by'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'User who performed merge', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'contact_merge_history', @level2type = N'COLUMN', @level2name = N'merged_by';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'User who performed merge', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'contact_merge_history', @level2type = N'COLUMN', @level2name = N'merged_by';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'contact_merge_history', N'COLUMN', N'merged_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Merge timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'contact_merge_history', @level2type = N'COLUMN', @level2name = N'merged_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Merge timestamp', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'contact_merge_history', @level2type = N'COLUMN', @level2name = N'merged_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'contact_merge_history', N'INDEX', N'IX_app_contact_merge_history_primary'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Merges into a contact', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'contact_merge_history', @level2type = N'INDEX', @level2name = N'IX_app_contact_merge_history_primary';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Merges into a contact', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'contact_merge_history', @level2type = N'INDEX', @level2name = N'IX_app_contact_merge_history_primary';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'TABLE', N'contact_merge_history', N'INDEX', N'IX_app_contact_merge_history_merged'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Where a merged contact went', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'contact_merge_history', @level2type = N'INDEX', @level2name = N'IX_app_contact_merge_history_merged';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Where a merged contact went', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'contact_merge_history', @level2type = N'INDEX', @level2name = N'IX_app_contact_merge_history_merged';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 6 module app.fn_normalize_identity_key
-- Normalizes an identity key the way app.canonical_identity_keys stores it.
--
-- Tabs, line breaks and non-breaking spaces count as blanks and are trimmed with the spaces.
--   email:          lower case
--   company_domain: lower case, without scheme (http://, https://), path, port, trailing dot and leading 'www.'
--   phone:          digits only, keeping a leading '+' (international prefix)
--   source_ref:     trimmed, otherwise as given
-- Returns NULL for an unknown key type or a value that is empty once normalized.
CREATE OR ALTER FUNCTION app.fn_normalize_identity_key(
    @key_type varchar(16),
    @key_value varchar(256)
)
RETURNS TABLE
WITH SCHEMABINDING
AS
RETURN (
    WITH blanked AS (
        SELECT TRIM(TRANSLATE(@key_value, CHAR(9) + CHAR(10) + CHAR(13) + CHAR(160), '    ')) AS trimmed
    ),

    domain AS (
        SELECT
            CASE
                WHEN LOWER(b.trimmed) LIKE 'https://%' THEN SUBSTRING(LOWER(b.trimmed), 9, 256)
                WHEN LOWER(b.trimmed) LIKE 'http://%' THEN SUBSTRING(LOWER(b.trimmed), 8, 256)
                ELSE LOWER(b.trimmed)
            END AS host_and_rest
        FROM blanked AS b
    ),

    host AS (
        SELECT
            LEFT(
                d.host_and_rest,
                PATINDEX('%[/:?#]%', d.host_and_rest + '/') - 1
            ) AS host_name
        FROM domain AS d
    ),

    bare_host AS (
        SELECT
            CASE
                WHEN h.host_name LIKE '%.' THEN LEFT(h.host_name, LEN(h.host_name) - 1)
                ELSE h.host_name
            END AS host_name
        FROM host AS h
    ),

    digits AS (
        SELECT v.n
        FROM (VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9), (10), (11), (12), (13), (14), (15)) AS v(n)
    ),

    positions AS (
        SELECT high.n * 16 + low.n + 1 AS position
        FROM digits AS high
        CROSS JOIN digits AS low
    ),

    phone AS (
        SELECT
            CASE WHEN LEFT(b.trimmed, 1) = '+' THEN '+' ELSE '' END
            + COALESCE((
                SELECT STRING_AGG(SUBSTRING(b.trimmed, p.position, 1), '') WITHIN GROUP (ORDER BY p.position)
                FROM positions AS p
                WHERE p.position <= LEN(b.trimmed) AND SUBSTRING(b.trimmed, p.position, 1) LIKE '[0-9]'
            ), '') AS phone_digits
        FROM blanked AS b
    )

    SELECT
        CAST(NULLIF(NULLIF(
            CASE @key_type
                WHEN 'email' THEN LOWER(b.trimmed)
                WHEN 'company_domain'
                    THEN CASE WHEN bh.host_name LIKE 'www.%' THEN STUFF(bh.host_name, 1, 4, '') ELSE bh.host_name END
                WHEN 'phone' THEN ph.phone_digits
                WHEN 'source_ref' THEN b.trimmed
            END,
            ''
        ), '+') AS varchar(256)) AS key_value
    FROM blanked AS b
    CROSS JOIN bare_host AS bh
    CROSS JOIN phone AS ph
);
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 6 describe app.fn_normalize_identity_key
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'FUNCTION', N'fn_normalize_identity_key', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Normalizes an identity key the way app.canonical_identity_keys stores it.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'FUNCTION', @level1name = N'fn_normalize_identity_key';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Normalizes an identity key the way app.canonical_identity_keys stores it.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'FUNCTION', @level1name = N'fn_normalize_identity_key';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 7 module app.sp_resolve_identity
-- Automated identity resolution with conflict detection.
--
-- 1. Checks for an existing key (normalized by app.fn_normalize_identity_key) and for a potential conflict:
--    a contact or client given now that differs from the one the key already resolves to.
-- 2. Logs such a conflict to app.identity_resolution_conflicts: one pending conflict per key, whose JSON id arrays
--    gain every further conflicting id (up to the columns' 100 characters); the key is marked 'conflict' and keeps
--    its canonical ids.
-- 3. Otherwise updates the key (occurrences, last_seen_at, ids not known yet) or inserts it.
-- 4. Automatic calls (@resolved_by NULL) resolve an unresolved key to 'auto_resolved' with confidence 0.80, and never
--    overturn a manual decision: a sighting that disagrees with a 'manual_resolved' key is counted, not logged.
--    Manual calls (@resolved_by given) win over what is stored, resolve to 'manual_resolved' with confidence 1.00 and
--    close the key's pending conflicts.
-- Returns the key's row and the conflict_id of its pending conflict, if any.
-- Errors (docs/errors.md), raised before anything is written:
--   50001 unknown org, 50002 bad key type, 50003 empty key value, 50004 contact not in org,
--   50005 client not in org, 50006 resolver not a user of the org, 50007 manual call without a contact or client.
CREATE OR ALTER PROCEDURE app.sp_resolve_identity
    @org_id int,
    @key_type varchar(16),
    @key_value varchar(256),
    @resolved_contact_id int = NULL,
    @resolved_client_id int = NULL,
    @resolved_by int = NULL
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    DECLARE @now datetime2 = SYSUTCDATETIME();
    DECLARE @normalized varchar(256);
    DECLARE @key_id bigint;
    DECLARE @existing_contact_id int;
    DECLARE @existing_client_id int;
    DECLARE @existing_status varchar(16);
    DECLARE @conflict_id bigint;
    DECLARE @conflict_contact_ids nvarchar(100);
    DECLARE @conflict_client_ids nvarchar(100);
    DECLARE @grown_ids nvarchar(400);
    DECLARE @contact_conflict bit = 0;
    DECLARE @client_conflict bit = 0;
    DECLARE @is_manual bit = CASE WHEN @resolved_by IS NULL THEN 0 ELSE 1 END;
    DECLARE @has_ids bit = CASE WHEN @resolved_contact_id IS NULL AND @resolved_client_id IS NULL THEN 0 ELSE 1 END;

    BEGIN TRY
        SET @key_type = LOWER(@key_type);

        IF NOT EXISTS (SELECT 1 FROM core.org AS o WHERE o.org_id = @org_id)
            THROW 50001, N'sp_resolve_identity: @org_id does not name an org.', 1;
        IF @key_type IS NULL OR @key_type NOT IN ('email', 'phone', 'source_ref', 'company_domain')
            THROW 50002, N'sp_resolve_identity: @key_type must be email, phone, source_ref or company_domain.', 1;

        SELECT @normalized = n.key_value
        FROM app.fn_normalize_identity_key(@key_type, @key_value) AS n;

        IF @normalized IS NULL
            THROW 50003, N'sp_resolve_identity: @key_value is empty once normalized.', 1;
        IF
            @resolved_contact_id IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM core.contact AS c
                WHERE c.org_id = @org_id AND c.contact_id = @resolved_contact_id
            )
            THROW 50004, N'sp_resolve_identity: @resolved_contact_id is not a contact of @org_id.', 1;
        IF
            @resolved_client_id IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM core.client AS c
                WHERE c.org_id = @org_id AND c.client_id = @resolved_client_id
            )
            THROW 50005, N'sp_resolve_identity: @resolved_client_id is not a client of @org_id.', 1;
        IF
            @resolved_by IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM core.user_account AS u
                WHERE u.org_id = @org_id AND u.user_id = @resolved_by
            )
            THROW 50006, N'sp_resolve_identity: @resolved_by is not a user of @org_id.', 1;
        IF @is_manual = 1 AND @has_ids = 0
            THROW 50007, N'sp_resolve_identity: a manual resolution needs @resolved_contact_id or @resolved_client_id.', 1;

        BEGIN TRANSACTION;

        -- Step 1: the existing key, locked so that concurrent calls for the same key run one after the other.
        SELECT
            @key_id = k.key_id,
            @existing_contact_id = k.canonical_contact_id,
            @existing_client_id = k.canonical_client_id,
            @existing_status = k.resolution_status
        FROM app.canonical_identity_keys AS k WITH (UPDLOCK, HOLDLOCK)
        WHERE k.org_id = @org_id AND k.key_type = @key_type AND k.key_value = @normalized;

        SET @contact_conflict = CASE WHEN @resolved_contact_id <> @existing_contact_id THEN 1 ELSE 0 END;
        SET @client_conflict = CASE WHEN @resolved_client_id <> @existing_client_id THEN 1 ELSE 0 END;

        IF @key_id IS NULL
            BEGIN
                -- Step 3: a key seen for the first time.
                INSERT INTO app.canonical_identity_keys (
                    org_id, key_type, key_value, canonical_contact_id, canonical_client_id, confidence_score,
                    first_seen_at, last_seen_at, occurrences, resolution_status, resolved_by, resolved_at
                )
                VALUES (
                    @org_id, @key_type, @normalized, @resolved_contact_id, @resolved_client_id,
                    CASE WHEN @is_manual = 1 THEN 1.00 WHEN @has_ids = 1 THEN 0.80 END,
                    @now, @now, 1,
                    CASE WHEN @is_manual = 1 THEN 'manual_resolved' WHEN @has_ids = 1 THEN 'auto_resolved' ELSE 'unresolved' END,
                    @resolved_by,
                    CASE WHEN @has_ids = 1 THEN @now END
                );
                SET @key_id = SCOPE_IDENTITY();
            END
        ELSE IF @is_manual = 1
            BEGIN
                -- Step 4 (manual): the user's decision wins and closes the key's pending conflicts.
                UPDATE k
                SET
                    k.canonical_contact_id = COALESCE(@resolved_contact_id, k.canonical_contact_id),
                    k.canonical_client_id = COALESCE(@resolved_client_id, k.canonical_client_id),
                    k.confidence_score = 1.00,
                    k.resolution_status = 'manual_resolved',
                    k.resolved_by = @resolved_by,
                    k.resolved_at = @now,
                    k.occurrences = k.occurrences + 1,
                    k.last_seen_at = @now
                FROM app.canonical_identity_keys AS k
                WHERE k.key_id = @key_id;

                UPDATE c
                SET
                    c.resolution_status = 'resolved',
                    c.resolved_contact_id = k.canonical_contact_id,
                    c.resolved_client_id = k.canonical_client_id,
                    c.resolved_by = @resolved_by,
                    c.resolved_at = @now,
                    c.resolution_notes = N'Resolved manually through sp_resolve_identity.'
                FROM app.identity_resolution_conflicts AS c
                INNER JOIN app.canonical_identity_keys AS k
                    ON c.org_id = k.org_id AND c.key_type = k.key_type AND c.key_value = k.key_value
                WHERE k.key_id = @key_id AND c.resolution_status = 'pending';
            END
        ELSE IF (@contact_conflict = 1 OR @client_conflict = 1) AND @existing_status <> 'manual_resolved'
            BEGIN
                -- Step 2: one pending conflict per key; a further conflicting id is added to its JSON arrays.
                SELECT
                    @conflict_id = c.conflict_id,
                    @conflict_contact_ids = c.conflicting_contact_ids,
                    @conflict_client_ids = c.conflicting_client_ids
                FROM app.identity_resolution_conflicts AS c WITH (UPDLOCK, HOLDLOCK)
                WHERE
                    c.org_id = @org_id
                    AND c.key_type = @key_type
                    AND c.key_value = @normalized
                    AND c.resolution_status = 'pending';

                IF @contact_conflict = 1
                    BEGIN
                        SET @grown_ids = CASE
                            WHEN @conflict_contact_ids IS NULL
                                THEN CONCAT(N'[', @existing_contact_id, N',', @resolved_contact_id, N']')
                            WHEN EXISTS (
                                SELECT 1 FROM OPENJSON(@conflict_contact_ids) AS j
                                WHERE j.[value] = CONVERT(nvarchar(12), @resolved_contact_id)
                            ) THEN @conflict_contact_ids
                            ELSE JSON_MODIFY(@conflict_contact_ids, 'append $', @resolved_contact_id)
                        END;
                        SET @conflict_contact_ids = CASE WHEN LEN(@grown_ids) <= 100 THEN @grown_ids ELSE @conflict_contact_ids END;
                    END;
                IF @client_conflict = 1
                    BEGIN
                        SET @grown_ids = CASE
                            WHEN @conflict_client_ids IS NULL
                                THEN CONCAT(N'[', @existing_client_id, N',', @resolved_client_id, N']')
                            WHEN EXISTS (
                                SELECT 1 FROM OPENJSON(@conflict_client_ids) AS j
                                WHERE j.[value] = CONVERT(nvarchar(12), @resolved_client_id)
                            ) THEN @conflict_client_ids
                            ELSE JSON_MODIFY(@conflict_client_ids, 'append $', @resolved_client_id)
                        END;
                        SET @conflict_client_ids = CASE WHEN LEN(@grown_ids) <= 100 THEN @grown_ids ELSE @conflict_client_ids END;
                    END;

                IF @conflict_id IS NULL
                    BEGIN
                        INSERT INTO app.identity_resolution_conflicts (
                            org_id,
                            key_type,
                            key_value,
                            conflicting_contact_ids,
                            conflicting_client_ids,
                            conflict_reason,
                            detected_at
                        )
                        VALUES (
                            @org_id, @key_type, @normalized, @conflict_contact_ids, @conflict_client_ids,
                            CONCAT(
                                N'Key ', @key_type, N' ', @normalized, N' already resolves to ',
                                CASE
                                    WHEN @contact_conflict = 1 AND @client_conflict = 1 THEN N'another contact and client'
                                    WHEN @contact_conflict = 1 THEN N'another contact'
                                    ELSE N'another client'
                                END,
                                N'.'
                            ),
                            @now
                        );
                        SET @conflict_id = SCOPE_IDENTITY();
                    END
                ELSE
                    UPDATE c
                    SET
                        c.conflicting_contact_ids = @conflict_contact_ids,
                        c.conflicting_client_ids = @conflict_client_ids
                    FROM app.identity_resolution_conflicts AS c
                    WHERE c.conflict_id = @conflict_id;

                UPDATE k
                SET
                    k.resolution_status = 'conflict',
                    k.occurrences = k.occurrences + 1,
                    k.last_seen_at = @now
                FROM app.canonical_identity_keys AS k
                WHERE k.key_id = @key_id;
            END
        ELSE
            BEGIN
                -- Step 3/4 (automatic): count the sighting and fill in ids not known yet; a manual decision stands.
                UPDATE k
                SET
                    k.canonical_contact_id = COALESCE(k.canonical_contact_id, @resolved_contact_id),
                    k.canonical_client_id = COALESCE(k.canonical_client_id, @resolved_client_id),
                    k.confidence_score = CASE
                        WHEN k.resolution_status = 'unresolved' AND @has_ids = 1 THEN 0.80 ELSE k.confidence_score
                    END,
                    k.resolved_at = CASE
                        WHEN k.resolution_status = 'unresolved' AND @has_ids = 1 THEN @now ELSE k.resolved_at
                    END,
                    k.resolution_status = CASE
                        WHEN k.resolution_status = 'unresolved' AND @has_ids = 1 THEN 'auto_resolved' ELSE k.resolution_status
                    END,
                    k.occurrences = k.occurrences + 1,
                    k.last_seen_at = @now
                FROM app.canonical_identity_keys AS k
                WHERE k.key_id = @key_id;
            END;

        IF @conflict_id IS NULL
            SELECT @conflict_id = c.conflict_id
            FROM app.identity_resolution_conflicts AS c
            WHERE
                c.org_id = @org_id
                AND c.key_type = @key_type
                AND c.key_value = @normalized
                AND c.resolution_status = 'pending';

        COMMIT TRANSACTION;

        SELECT
            k.key_id,
            k.key_type,
            k.key_value,
            k.canonical_contact_id,
            k.canonical_client_id,
            k.confidence_score,
            k.occurrences,
            k.resolution_status,
            @conflict_id AS conflict_id
        FROM app.canonical_identity_keys AS k
        WHERE k.key_id = @key_id;
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
-- wsdb:step 7 describe app.sp_resolve_identity
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'PROCEDURE', N'sp_resolve_identity', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Automated identity resolution with conflict detection.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'PROCEDURE', @level1name = N'sp_resolve_identity';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Automated identity resolution with conflict detection.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'PROCEDURE', @level1name = N'sp_resolve_identity';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 8 module app.v_identity_resolution_status
-- Dashboard view for identity resolution monitoring.
CREATE OR ALTER VIEW app.v_identity_resolution_status
AS
SELECT
    k.org_id,
    k.key_type,
    COUNT(*) AS total_keys,
    SUM(CASE WHEN k.resolution_status = 'unresolved' THEN 1 ELSE 0 END) AS unresolved_count,
    SUM(CASE WHEN k.resolution_status = 'auto_resolved' THEN 1 ELSE 0 END) AS auto_resolved_count,
    SUM(CASE WHEN k.resolution_status = 'manual_resolved' THEN 1 ELSE 0 END) AS manual_resolved_count,
    SUM(CASE WHEN k.resolution_status = 'conflict' THEN 1 ELSE 0 END) AS conflict_count,
    CAST(AVG(k.confidence_score) AS decimal(4, 3)) AS avg_confidence,
    MAX(CASE WHEN k.resolved_at > k.last_seen_at THEN k.resolved_at ELSE k.last_seen_at END) AS most_recent_activity
FROM app.canonical_identity_keys AS k
GROUP BY k.org_id, k.key_type;
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 8 describe app.v_identity_resolution_status
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'VIEW', N'v_identity_resolution_status', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Dashboard view for identity resolution monitoring.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'VIEW', @level1name = N'v_identity_resolution_status';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Dashboard view for identity resolution monitoring.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'VIEW', @level1name = N'v_identity_resolution_status';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:guard epilogue: record the migration and commit
DECLARE @started datetime2(7) = CAST(SESSION_CONTEXT(N'wsdb.started') AS datetime2(7));
INSERT INTO dbo.wsdb_migration_history (migration_name, checksum, duration_ms, builder)
VALUES (N'20250909_add_identity_system', '81f034fe28a0828a0a70bf162ea072cfa4de9337a550b4290f51976eba8747bf', DATEDIFF(MILLISECOND, @started, SYSUTCDATETIME()), '0.1.0');
COMMIT TRANSACTION;
PRINT N'20250909_add_identity_system: applied.';
GO
-- wsdb:guard whatever happened above, statements run again from here
SET NOEXEC OFF;
GO
-- wsdb:guard final check: an error above leaves nothing behind, and says so
IF @@TRANCOUNT > 0
    ROLLBACK TRANSACTION;
IF OBJECT_ID(N'dbo.wsdb_migration_history', N'U') IS NULL
    THROW 50102, N'20250909_add_identity_system: not applied; nothing was changed (see the first error above).', 1;
IF NOT EXISTS (
    SELECT 1
    FROM dbo.wsdb_migration_history AS h
    WHERE h.migration_name = N'20250909_add_identity_system' AND h.checksum = '81f034fe28a0828a0a70bf162ea072cfa4de9337a550b4290f51976eba8747bf'
)
    THROW 50102, N'20250909_add_identity_system: not applied; its changes were rolled back (see the first error above).', 1;
GO
