/*
Migration    20261122_tenant_isolation
Description  Tenant isolation: the wsdb_operator role, row-level security predicates and policies on every intake table (by workspace) and every app table (by org), and the append-only audit log.
Template     migrations/templates/20261122_tenant_isolation.sql.j2  sha256 54b228a084295423b6dcb22d2da14f6db1edd850283c6e2f5676133f975f6ba7
Sources      sql/functions/app.fn_org_read.sql  sha256 f16ad58204609322225d99cf8231f141d87740ab9216a11dc93a1f0d964c7dc9
             sql/functions/app.fn_org_write.sql  sha256 0864d0bee37e91c23b67db16301214d1cd39dba1cf225ee0bac40a4dac18c241
             sql/functions/intake.fn_audit_append_only.sql  sha256 b9f1b4c53c91144937d106ee52cdaefdde481a9d49a34e84ac6a01b2ef976740
             sql/functions/intake.fn_workspace_access.sql  sha256 265d907f0353d8e5c255cb0d23e7c849109bff21722c6271b0afca88f70d94b2
             sql/security/app.org_isolation.sql  sha256 13d63f87492de4d3fa79a54a782c3ce3b941b1218cd4909fe7cbb186e466739b
             sql/security/intake.audit_append_only.sql  sha256 2bab37aa623a797ba8da32ebbe4009bf943510d01017b71efe30fa72c752336f
             sql/security/intake.workspace_isolation.sql  sha256 6f87773adc6a84ccea7be0934ec16988360da483c15118c39672d6bff64050e3
Builder      workstream-db 0.1.0
Checksum     17536f75dc087339c39649076b15ea078d42facb7936df177bb07c9f1e2f4044
             sha256 of this file with the checksum replaced by 64 zeros; the history table
             dbo.wsdb_migration_history and migrations/migrations.sum record it.
Transaction  every step runs in one transaction: all of it applies, or none of it.
Run it       wsdb apply, or sqlcmd -b -I -i 20261122_tenant_isolation.sql, or SSMS (no SQLCMD mode needed).
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
    THROW 50100, N'20261122_tenant_isolation: run this script outside any transaction; it opens and commits its own.', 1;
DECLARE @started datetime2(7) = SYSUTCDATETIME();
EXEC sys.sp_set_session_context @key = N'wsdb.started', @value = @started;
BEGIN TRANSACTION;
DECLARE @lock int;
EXEC @lock = sys.sp_getapplock @Resource = N'wsdb.migrations', @LockMode = N'Exclusive', @LockOwner = N'Transaction', @LockTimeout = 600000;
IF @lock < 0
    THROW 50103, N'20261122_tenant_isolation: another migration held the lock wsdb.migrations for 10 minutes; nothing was changed.', 1;
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
    WHERE h.migration_name = N'20261122_tenant_isolation'
);
IF @applied = '17536f75dc087339c39649076b15ea078d42facb7936df177bb07c9f1e2f4044'
    BEGIN
        COMMIT TRANSACTION;
        PRINT N'20261122_tenant_isolation: already applied with this checksum; skipped.';
        SET NOEXEC ON;
    END;
IF @applied IS NOT NULL AND @applied <> '17536f75dc087339c39649076b15ea078d42facb7936df177bb07c9f1e2f4044'
    BEGIN
        DECLARE @message nvarchar(2048) = CONCAT(
            N'20261122_tenant_isolation: applied before with checksum ', @applied,
            N'; this file has 17536f75dc087339c39649076b15ea078d42facb7936df177bb07c9f1e2f4044. Released scripts must not change; nothing was done.'
        );
        THROW 50101, @message, 1;
    END;
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 1 role role wsdb_operator
-- Operators: support and cross-tenant jobs; the security predicates let them through.
IF DATABASE_PRINCIPAL_ID(N'wsdb_operator') IS NULL
    CREATE ROLE wsdb_operator AUTHORIZATION dbo;
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 2 module intake.fn_workspace_access
-- Row-level security predicate of the intake module: a row is visible and writable in its own workspace only.
--
-- Returns a row when @workspace_id is the session's workspace (SESSION_CONTEXT(N'workspace_id'), set read-only by the
-- application), or when the caller is an operator (role wsdb_operator) or a database owner (db_owner, who could switch
-- the policy off anyway). A session without a workspace sees and writes nothing. docs/tenant-isolation.md.
CREATE OR ALTER FUNCTION intake.fn_workspace_access(
    @workspace_id uniqueidentifier
)
RETURNS TABLE
WITH SCHEMABINDING
AS
RETURN (
    SELECT 1 AS access_granted
    WHERE
        @workspace_id = TRY_CAST(SESSION_CONTEXT(N'workspace_id') AS uniqueidentifier)
        OR IS_ROLEMEMBER(N'wsdb_operator') = 1
        OR IS_MEMBER(N'db_owner') = 1
);
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 2 describe intake.fn_workspace_access
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'FUNCTION', N'fn_workspace_access', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Row-level security predicate of the intake module: a row is visible and writable in its own workspace only.', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'FUNCTION', @level1name = N'fn_workspace_access';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Row-level security predicate of the intake module: a row is visible and writable in its own workspace only.', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'FUNCTION', @level1name = N'fn_workspace_access';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 3 module intake.fn_audit_append_only
-- Row-level security predicate that never grants: intake.audit_events rows cannot be updated or deleted.
--
-- Bound BEFORE UPDATE and BEFORE DELETE on intake.audit_events by the policy intake.audit_append_only, for every user,
-- database owners included (SQL Server answers error 33504). A retention purge is a deliberate act of an owner:
-- switch the policy off and on again inside the purge's transaction (docs/tenant-isolation.md).
CREATE OR ALTER FUNCTION intake.fn_audit_append_only(
    @audit_event_id bigint
)
RETURNS TABLE
WITH SCHEMABINDING
AS
RETURN (
    SELECT 1 AS access_granted
    WHERE @audit_event_id IS NULL AND 1 = 0
);
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 3 describe intake.fn_audit_append_only
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'FUNCTION', N'fn_audit_append_only', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Row-level security predicate that never grants: intake.audit_events rows cannot be updated or deleted.', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'FUNCTION', @level1name = N'fn_audit_append_only';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Row-level security predicate that never grants: intake.audit_events rows cannot be updated or deleted.', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'FUNCTION', @level1name = N'fn_audit_append_only';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 4 module app.fn_org_read
-- Row-level security predicate of the Workstream module for reading: the session's org, plus the template org 0.
--
-- Returns a row when @org_id is the session's org (SESSION_CONTEXT(N'org_id'), set read-only by the application) or
-- the template org 0 (its rows are the shipped configuration every org reads), or when the caller is an operator
-- (role wsdb_operator) or a database owner. docs/tenant-isolation.md.
CREATE OR ALTER FUNCTION app.fn_org_read(
    @org_id int
)
RETURNS TABLE
WITH SCHEMABINDING
AS
RETURN (
    SELECT 1 AS access_granted
    WHERE
        @org_id = TRY_CAST(SESSION_CONTEXT(N'org_id') AS int)
        OR @org_id = 0
        OR IS_ROLEMEMBER(N'wsdb_operator') = 1
        OR IS_MEMBER(N'db_owner') = 1
);
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 4 describe app.fn_org_read
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'FUNCTION', N'fn_org_read', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Row-level security predicate of the Workstream module for reading: the session''s org, plus the template org 0.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'FUNCTION', @level1name = N'fn_org_read';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Row-level security predicate of the Workstream module for reading: the session''s org, plus the template org 0.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'FUNCTION', @level1name = N'fn_org_read';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 5 module app.fn_org_write
-- Row-level security predicate of the Workstream module for writing: the session's org only.
--
-- Returns a row when @org_id is the session's org (SESSION_CONTEXT(N'org_id')), or when the caller is an operator
-- (role wsdb_operator) or a database owner. Unlike app.fn_org_read it does not open the template org 0: tenants read
-- the shipped configuration but cannot change it. docs/tenant-isolation.md.
CREATE OR ALTER FUNCTION app.fn_org_write(
    @org_id int
)
RETURNS TABLE
WITH SCHEMABINDING
AS
RETURN (
    SELECT 1 AS access_granted
    WHERE
        @org_id = TRY_CAST(SESSION_CONTEXT(N'org_id') AS int)
        OR IS_ROLEMEMBER(N'wsdb_operator') = 1
        OR IS_MEMBER(N'db_owner') = 1
);
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 5 describe app.fn_org_write
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'app', N'FUNCTION', N'fn_org_write', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Row-level security predicate of the Workstream module for writing: the session''s org only.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'FUNCTION', @level1name = N'fn_org_write';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Row-level security predicate of the Workstream module for writing: the session''s org only.', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'FUNCTION', @level1name = N'fn_org_write';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 6 policy security policy intake.audit_append_only
-- Makes the intake audit log append-only: no UPDATE or DELETE of intake.audit_events, for any user.
--
-- Its own policy, so a retention purge can switch it off (and on again) inside one transaction without touching the
-- workspace isolation. docs/tenant-isolation.md.
CREATE SECURITY POLICY intake.audit_append_only
ADD BLOCK PREDICATE intake.fn_audit_append_only (audit_event_id) ON intake.audit_events BEFORE UPDATE,
ADD BLOCK PREDICATE intake.fn_audit_append_only (audit_event_id) ON intake.audit_events BEFORE DELETE
WITH (STATE = ON, SCHEMABINDING = ON);
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 7 policy security policy intake.workspace_isolation
-- Keeps every workspace's intake rows to that workspace.
--
-- Every table of the schema gets a FILTER predicate (other tenants' rows are invisible) and BLOCK predicates
-- AFTER INSERT, AFTER UPDATE (no row can be written into another tenant), BEFORE UPDATE and BEFORE DELETE (no
-- other tenant's row can be changed or removed); intake.audit_events takes its BEFORE UPDATE and BEFORE DELETE
-- predicates from intake.audit_append_only, which refuses every change. docs/tenant-isolation.md; tests/test_policies.py
-- checks that every table is covered.
CREATE SECURITY POLICY intake.workspace_isolation
ADD FILTER PREDICATE intake.fn_workspace_access (workspace_id) ON intake.association_candidates,
ADD BLOCK PREDICATE intake.fn_workspace_access (workspace_id) ON intake.association_candidates AFTER INSERT,
ADD BLOCK PREDICATE intake.fn_workspace_access (workspace_id) ON intake.association_candidates AFTER UPDATE,
ADD BLOCK PREDICATE intake.fn_workspace_access (workspace_id) ON intake.association_candidates BEFORE UPDATE,
ADD BLOCK PREDICATE intake.fn_workspace_access (workspace_id) ON intake.association_candidates BEFORE DELETE,
ADD FILTER PREDICATE intake.fn_workspace_access (workspace_id) ON intake.audit_events,
ADD BLOCK PREDICATE intake.fn_workspace_access (workspace_id) ON intake.audit_events AFTER INSERT,
ADD BLOCK PREDICATE intake.fn_workspace_access (workspace_id) ON intake.audit_events AFTER UPDATE,
ADD FILTER PREDICATE intake.fn_workspace_access (workspace_id) ON intake.crm_write_log,
ADD BLOCK PREDICATE intake.fn_workspace_access (workspace_id) ON intake.crm_write_log AFTER INSERT,
ADD BLOCK PREDICATE intake.fn_workspace_access (workspace_id) ON intake.crm_write_log AFTER UPDATE,
ADD BLOCK PREDICATE intake.fn_workspace_access (workspace_id) ON intake.crm_write_log BEFORE UPDATE,
ADD BLOCK PREDICATE intake.fn_workspace_access (workspace_id) ON intake.crm_write_log BEFORE DELETE,
ADD FILTER PREDICATE intake.fn_workspace_access (workspace_id) ON intake.deal_facts,
ADD BLOCK PREDICATE intake.fn_workspace_access (workspace_id) ON intake.deal_facts AFTER INSERT,
ADD BLOCK PREDICATE intake.fn_workspace_access (workspace_id) ON intake.deal_facts AFTER UPDATE,
ADD BLOCK PREDICATE intake.fn_workspace_access (workspace_id) ON intake.deal_facts BEFORE UPDATE,
ADD BLOCK PREDICATE intake.fn_workspace_access (workspace_id) ON intake.deal_facts BEFORE DELETE,
ADD FILTER PREDICATE intake.fn_workspace_access (workspace_id) ON intake.deal_readiness,
ADD BLOCK PREDICATE intake.fn_workspace_access (workspace_id) ON intake.deal_readiness AFTER INSERT,
ADD BLOCK PREDICATE intake.fn_workspace_access (workspace_id) ON intake.deal_readiness AFTER UPDATE,
ADD BLOCK PREDICATE intake.fn_workspace_access (workspace_id) ON intake.deal_readiness BEFORE UPDATE,
ADD BLOCK PREDICATE intake.fn_workspace_access (workspace_id) ON intake.deal_readiness BEFORE DELETE,
ADD FILTER PREDICATE intake.fn_workspace_access (workspace_id) ON intake.deals,
ADD BLOCK PREDICATE intake.fn_workspace_access (workspace_id) ON intake.deals AFTER INSERT,
ADD BLOCK PREDICATE intake.fn_workspace_access (workspace_id) ON intake.deals AFTER UPDATE,
ADD BLOCK PREDICATE intake.fn_workspace_access (workspace_id) ON intake.deals BEFORE UPDATE,
ADD BLOCK PREDICATE intake.fn_workspace_access (workspace_id) ON intake.deals BEFORE DELETE,
ADD FILTER PREDICATE intake.fn_workspace_access (workspace_id) ON intake.extraction_runs,
ADD BLOCK PREDICATE intake.fn_workspace_access (workspace_id) ON intake.extraction_runs AFTER INSERT,
ADD BLOCK PREDICATE intake.fn_workspace_access (workspace_id) ON intake.extraction_runs AFTER UPDATE,
ADD BLOCK PREDICATE intake.fn_workspace_access (workspace_id) ON intake.extraction_runs BEFORE UPDATE,
ADD BLOCK PREDICATE intake.fn_workspace_access (workspace_id) ON intake.extraction_runs BEFORE DELETE,
ADD FILTER PREDICATE intake.fn_workspace_access (workspace_id) ON intake.field_values,
ADD BLOCK PREDICATE intake.fn_workspace_access (workspace_id) ON intake.field_values AFTER INSERT,
ADD BLOCK PREDICATE intake.fn_workspace_access (workspace_id) ON intake.field_values AFTER UPDATE,
ADD BLOCK PREDICATE intake.fn_workspace_access (workspace_id) ON intake.field_values BEFORE UPDATE,
ADD BLOCK PREDICATE intake.fn_workspace_access (workspace_id) ON intake.field_values BEFORE DELETE,
ADD FILTER PREDICATE intake.fn_workspace_access (workspace_id) ON intake.jobs,
ADD BLOCK PREDICATE intake.fn_workspace_access (workspace_id) ON intake.jobs AFTER INSERT,
ADD BLOCK PREDICATE intake.fn_workspace_access (workspace_id) ON intake.jobs AFTER UPDATE,
ADD BLOCK PREDICATE intake.fn_workspace_access (workspace_id) ON intake.jobs BEFORE UPDATE,
ADD BLOCK PREDICATE intake.fn_workspace_access (workspace_id) ON intake.jobs BEFORE DELETE,
ADD FILTER PREDICATE intake.fn_workspace_access (workspace_id) ON intake.messages,
ADD BLOCK PREDICATE intake.fn_workspace_access (workspace_id) ON intake.messages AFTER INSERT,
ADD BLOCK PREDICATE intake.fn_workspace_access (workspace_id) ON intake.messages AFTER UPDATE,
ADD BLOCK PREDICATE intake.fn_workspace_access (workspace_id) ON intake.messages BEFORE UPDATE,
ADD BLOCK PREDICATE intake.fn_workspace_access (workspace_id) ON intake.messages BEFORE DELETE,
ADD FILTER PREDICATE intake.fn_workspace_access (workspace_id) ON intake.policies,
ADD BLOCK PREDICATE intake.fn_workspace_access (workspace_id) ON intake.policies AFTER INSERT,
ADD BLOCK PREDICATE intake.fn_workspace_access (workspace_id) ON intake.policies AFTER UPDATE,
ADD BLOCK PREDICATE intake.fn_workspace_access (workspace_id) ON intake.policies BEFORE UPDATE,
ADD BLOCK PREDICATE intake.fn_workspace_access (workspace_id) ON intake.policies BEFORE DELETE,
ADD FILTER PREDICATE intake.fn_workspace_access (workspace_id) ON intake.review_items,
ADD BLOCK PREDICATE intake.fn_workspace_access (workspace_id) ON intake.review_items AFTER INSERT,
ADD BLOCK PREDICATE intake.fn_workspace_access (workspace_id) ON intake.review_items AFTER UPDATE,
ADD BLOCK PREDICATE intake.fn_workspace_access (workspace_id) ON intake.review_items BEFORE UPDATE,
ADD BLOCK PREDICATE intake.fn_workspace_access (workspace_id) ON intake.review_items BEFORE DELETE,
ADD FILTER PREDICATE intake.fn_workspace_access (workspace_id) ON intake.thread_links,
ADD BLOCK PREDICATE intake.fn_workspace_access (workspace_id) ON intake.thread_links AFTER INSERT,
ADD BLOCK PREDICATE intake.fn_workspace_access (workspace_id) ON intake.thread_links AFTER UPDATE,
ADD BLOCK PREDICATE intake.fn_workspace_access (workspace_id) ON intake.thread_links BEFORE UPDATE,
ADD BLOCK PREDICATE intake.fn_workspace_access (workspace_id) ON intake.thread_links BEFORE DELETE,
ADD FILTER PREDICATE intake.fn_workspace_access (workspace_id) ON intake.threads,
ADD BLOCK PREDICATE intake.fn_workspace_access (workspace_id) ON intake.threads AFTER INSERT,
ADD BLOCK PREDICATE intake.fn_workspace_access (workspace_id) ON intake.threads AFTER UPDATE,
ADD BLOCK PREDICATE intake.fn_workspace_access (workspace_id) ON intake.threads BEFORE UPDATE,
ADD BLOCK PREDICATE intake.fn_workspace_access (workspace_id) ON intake.threads BEFORE DELETE,
ADD FILTER PREDICATE intake.fn_workspace_access (workspace_id) ON intake.workspaces,
ADD BLOCK PREDICATE intake.fn_workspace_access (workspace_id) ON intake.workspaces AFTER INSERT,
ADD BLOCK PREDICATE intake.fn_workspace_access (workspace_id) ON intake.workspaces AFTER UPDATE,
ADD BLOCK PREDICATE intake.fn_workspace_access (workspace_id) ON intake.workspaces BEFORE UPDATE,
ADD BLOCK PREDICATE intake.fn_workspace_access (workspace_id) ON intake.workspaces BEFORE DELETE
WITH (STATE = ON, SCHEMABINDING = ON);
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 8 policy security policy app.org_isolation
-- Keeps every org's Workstream rows to that org; the template org 0 is readable by all, writable by none.
--
-- Every table of the schema gets a FILTER predicate (other tenants' rows are invisible) and BLOCK predicates
-- AFTER INSERT, AFTER UPDATE (no row can be written into another tenant), BEFORE UPDATE and BEFORE DELETE (no
-- other tenant's row can be changed or removed). docs/tenant-isolation.md; tests/test_policies.py checks that every
-- table is covered.
CREATE SECURITY POLICY app.org_isolation
ADD FILTER PREDICATE app.fn_org_read (org_id) ON app.candidate,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.candidate AFTER INSERT,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.candidate AFTER UPDATE,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.candidate BEFORE UPDATE,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.candidate BEFORE DELETE,
ADD FILTER PREDICATE app.fn_org_read (org_id) ON app.candidate_signal,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.candidate_signal AFTER INSERT,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.candidate_signal AFTER UPDATE,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.candidate_signal BEFORE UPDATE,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.candidate_signal BEFORE DELETE,
ADD FILTER PREDICATE app.fn_org_read (org_id) ON app.canonical_identity_keys,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.canonical_identity_keys AFTER INSERT,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.canonical_identity_keys AFTER UPDATE,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.canonical_identity_keys BEFORE UPDATE,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.canonical_identity_keys BEFORE DELETE,
ADD FILTER PREDICATE app.fn_org_read (org_id) ON app.config_registry,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.config_registry AFTER INSERT,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.config_registry AFTER UPDATE,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.config_registry BEFORE UPDATE,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.config_registry BEFORE DELETE,
ADD FILTER PREDICATE app.fn_org_read (org_id) ON app.contact_merge_history,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.contact_merge_history AFTER INSERT,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.contact_merge_history AFTER UPDATE,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.contact_merge_history BEFORE UPDATE,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.contact_merge_history BEFORE DELETE,
ADD FILTER PREDICATE app.fn_org_read (org_id) ON app.cos_entry,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.cos_entry AFTER INSERT,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.cos_entry AFTER UPDATE,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.cos_entry BEFORE UPDATE,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.cos_entry BEFORE DELETE,
ADD FILTER PREDICATE app.fn_org_read (org_id) ON app.drip_schedule,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.drip_schedule AFTER INSERT,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.drip_schedule AFTER UPDATE,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.drip_schedule BEFORE UPDATE,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.drip_schedule BEFORE DELETE,
ADD FILTER PREDICATE app.fn_org_read (org_id) ON app.identity_resolution_conflicts,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.identity_resolution_conflicts AFTER INSERT,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.identity_resolution_conflicts AFTER UPDATE,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.identity_resolution_conflicts BEFORE UPDATE,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.identity_resolution_conflicts BEFORE DELETE,
ADD FILTER PREDICATE app.fn_org_read (org_id) ON app.problem_taxonomy,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.problem_taxonomy AFTER INSERT,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.problem_taxonomy AFTER UPDATE,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.problem_taxonomy BEFORE UPDATE,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.problem_taxonomy BEFORE DELETE,
ADD FILTER PREDICATE app.fn_org_read (org_id) ON app.proposal,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.proposal AFTER INSERT,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.proposal AFTER UPDATE,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.proposal BEFORE UPDATE,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.proposal BEFORE DELETE,
ADD FILTER PREDICATE app.fn_org_read (org_id) ON app.pursuit,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.pursuit AFTER INSERT,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.pursuit AFTER UPDATE,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.pursuit BEFORE UPDATE,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.pursuit BEFORE DELETE,
ADD FILTER PREDICATE app.fn_org_read (org_id) ON app.pursuit_checklist,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.pursuit_checklist AFTER INSERT,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.pursuit_checklist AFTER UPDATE,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.pursuit_checklist BEFORE UPDATE,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.pursuit_checklist BEFORE DELETE,
ADD FILTER PREDICATE app.fn_org_read (org_id) ON app.pursuit_role_estimate,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.pursuit_role_estimate AFTER INSERT,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.pursuit_role_estimate AFTER UPDATE,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.pursuit_role_estimate BEFORE UPDATE,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.pursuit_role_estimate BEFORE DELETE,
ADD FILTER PREDICATE app.fn_org_read (org_id) ON app.signal,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.signal AFTER INSERT,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.signal AFTER UPDATE,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.signal BEFORE UPDATE,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.signal BEFORE DELETE,
ADD FILTER PREDICATE app.fn_org_read (org_id) ON app.signal_cluster,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.signal_cluster AFTER INSERT,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.signal_cluster AFTER UPDATE,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.signal_cluster BEFORE UPDATE,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.signal_cluster BEFORE DELETE,
ADD FILTER PREDICATE app.fn_org_read (org_id) ON app.sla_breach,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.sla_breach AFTER INSERT,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.sla_breach AFTER UPDATE,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.sla_breach BEFORE UPDATE,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.sla_breach BEFORE DELETE,
ADD FILTER PREDICATE app.fn_org_read (org_id) ON app.sla_rule,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.sla_rule AFTER INSERT,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.sla_rule AFTER UPDATE,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.sla_rule BEFORE UPDATE,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.sla_rule BEFORE DELETE,
ADD FILTER PREDICATE app.fn_org_read (org_id) ON app.solution_catalog,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.solution_catalog AFTER INSERT,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.solution_catalog AFTER UPDATE,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.solution_catalog BEFORE UPDATE,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.solution_catalog BEFORE DELETE,
ADD FILTER PREDICATE app.fn_org_read (org_id) ON app.spotlight_field_rules,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.spotlight_field_rules AFTER INSERT,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.spotlight_field_rules AFTER UPDATE,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.spotlight_field_rules BEFORE UPDATE,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.spotlight_field_rules BEFORE DELETE,
ADD FILTER PREDICATE app.fn_org_read (org_id) ON app.spotlight_fields,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.spotlight_fields AFTER INSERT,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.spotlight_fields AFTER UPDATE,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.spotlight_fields BEFORE UPDATE,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.spotlight_fields BEFORE DELETE,
ADD FILTER PREDICATE app.fn_org_read (org_id) ON app.spotlight_score_components,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.spotlight_score_components AFTER INSERT,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.spotlight_score_components AFTER UPDATE,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.spotlight_score_components BEFORE UPDATE,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.spotlight_score_components BEFORE DELETE,
ADD FILTER PREDICATE app.fn_org_read (org_id) ON app.spotlight_scoring_history,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.spotlight_scoring_history AFTER INSERT,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.spotlight_scoring_history AFTER UPDATE,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.spotlight_scoring_history BEFORE UPDATE,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.spotlight_scoring_history BEFORE DELETE,
ADD FILTER PREDICATE app.fn_org_read (org_id) ON app.spotlight_values,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.spotlight_values AFTER INSERT,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.spotlight_values AFTER UPDATE,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.spotlight_values BEFORE UPDATE,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.spotlight_values BEFORE DELETE,
ADD FILTER PREDICATE app.fn_org_read (org_id) ON app.spotlights,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.spotlights AFTER INSERT,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.spotlights AFTER UPDATE,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.spotlights BEFORE UPDATE,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.spotlights BEFORE DELETE,
ADD FILTER PREDICATE app.fn_org_read (org_id) ON app.work_event,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.work_event AFTER INSERT,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.work_event AFTER UPDATE,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.work_event BEFORE UPDATE,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.work_event BEFORE DELETE,
ADD FILTER PREDICATE app.fn_org_read (org_id) ON app.work_item_link,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.work_item_link AFTER INSERT,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.work_item_link AFTER UPDATE,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.work_item_link BEFORE UPDATE,
ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.work_item_link BEFORE DELETE
WITH (STATE = ON, SCHEMABINDING = ON);
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:guard epilogue: record the migration and commit
DECLARE @started datetime2(7) = CAST(SESSION_CONTEXT(N'wsdb.started') AS datetime2(7));
INSERT INTO dbo.wsdb_migration_history (migration_name, checksum, duration_ms, builder)
VALUES (N'20261122_tenant_isolation', '17536f75dc087339c39649076b15ea078d42facb7936df177bb07c9f1e2f4044', DATEDIFF(MILLISECOND, @started, SYSUTCDATETIME()), '0.1.0');
COMMIT TRANSACTION;
PRINT N'20261122_tenant_isolation: applied.';
GO
-- wsdb:guard whatever happened above, statements run again from here
SET NOEXEC OFF;
GO
-- wsdb:guard final check: an error above leaves nothing behind, and says so
IF @@TRANCOUNT > 0
    ROLLBACK TRANSACTION;
IF OBJECT_ID(N'dbo.wsdb_migration_history', N'U') IS NULL
    THROW 50102, N'20261122_tenant_isolation: not applied; nothing was changed (see the first error above).', 1;
IF NOT EXISTS (
    SELECT 1
    FROM dbo.wsdb_migration_history AS h
    WHERE h.migration_name = N'20261122_tenant_isolation' AND h.checksum = '17536f75dc087339c39649076b15ea078d42facb7936df177bb07c9f1e2f4044'
)
    THROW 50102, N'20261122_tenant_isolation: not applied; its changes were rolled back (see the first error above).', 1;
GO
