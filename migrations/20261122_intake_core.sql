/*
Migration    20261122_intake_core
Description  Intake core: the intake schema with workspaces, threads, messages, extraction runs, field values, review items, jobs, audit events, the CRM write log and policies; message ingest with threading and dedupe, the audit writer and the jobs queue.
Template     migrations/templates/20261122_intake_core.sql.j2  sha256 8ec01896f095ac682f0a2e6d44c77d48ef11143afcf61c8983cb70a1b1b00461
Sources      sql/procedures/intake.sp_append_audit_event.sql  sha256 785d27cd7bbbaf83f5ee722bd2b391cffcc201bd929d1fb1ca3d5128f9418af4
             sql/procedures/intake.sp_claim_jobs.sql  sha256 775317eeef0c3f3b4b4d4fadbb03e010e781de85daca9437dc04a6bac7ef7f88
             sql/procedures/intake.sp_complete_job.sql  sha256 af168cece5ca1cc49c90ef3639f7a0576e70dc986fa07c2f682861ecd07c2ed3
             sql/procedures/intake.sp_enqueue_job.sql  sha256 b9538ef37114c040a2589963e4f3ab5507266e79815688de9e9b620b2e2da9a0
             sql/procedures/intake.sp_fail_job.sql  sha256 e17eaa3fd01ffcf8f57a1a3106d279ac6825a64c5ee403faa859e6c3fc288a2e
             sql/procedures/intake.sp_heartbeat_job.sql  sha256 ce2dcb925c5745952840a205765ac5d7680e901807fab80f3c28128ee9e8d9ef
             sql/procedures/intake.sp_ingest_message.sql  sha256 d2a5aedfe5094042f2abe5155dc2fb8a03cdda2727695a2ca2c978436e2822c2
             sql/procedures/intake.sp_reclaim_jobs.sql  sha256 0e1eaf3323816fe5755790dd64d6aa2d80d2d3660c0736cde4487a0159b6d4be
             sql/security/intake.sql  sha256 217f47932559516d39406222e3c473faabaf150aed3ecc89732a1998ee1e8dfd
             sql/tables/intake.audit_events.sql  sha256 49abc2bdeb270c110804722455145450a05ad97fafbf737ef21c2c9990720753
             sql/tables/intake.crm_write_log.sql  sha256 b42d523b15c5fac72ed7df0b5d66824bd8a45aa4e4c640109ac129732ea3c1c7
             sql/tables/intake.extraction_runs.sql  sha256 75ba675c83808af43ef4569e85272078dc934badef1e0bccd03ce8714cdfae32
             sql/tables/intake.field_values.sql  sha256 ba19b869f0bbaf889c63dbd3acd5c8a312be00a7f6e8ff70d62c7f23f62c2468
             sql/tables/intake.jobs.sql  sha256 1489c525d44cfee9ad9479131e679cae5a4f238aaf7867df30a3e810acdf38e6
             sql/tables/intake.messages.sql  sha256 eca663b09a01bd0be01a1e98891aef00a2b1d9869772ea53be1da42c6f1b0d0a
             sql/tables/intake.policies.sql  sha256 c287ed04b463561b2323b72147939cf9b58a8084de930218b41697bd15d0ab3b
             sql/tables/intake.review_items.sql  sha256 e5c18d7f3d6ae03884966f3f08ab522917c2d08e1e183256e2706544f299daa4
             sql/tables/intake.threads.sql  sha256 f332a72bd489e789fe635d89d60d571bb29113d033e61d207a12d9d9707dca59
             sql/tables/intake.workspaces.sql  sha256 357d02c7aef04599bbdde9f11435ea35f0a8137a86f78d52e77ea31b8b7fd99d
Builder      workstream-db 0.1.0
Checksum     1952bd3f25d33815565a4dbd36913339c353388b082adc38bfc5fd92142d2370
             sha256 of this file with the checksum replaced by 64 zeros; the history table
             dbo.wsdb_migration_history and migrations/migrations.sum record it.
Transaction  every step runs in one transaction: all of it applies, or none of it.
Run it       wsdb apply, or sqlcmd -b -I -i 20261122_intake_core.sql, or SSMS (no SQLCMD mode needed).
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
    THROW 50100, N'20261122_intake_core: run this script outside any transaction; it opens and commits its own.', 1;
DECLARE @started datetime2(7) = SYSUTCDATETIME();
EXEC sys.sp_set_session_context @key = N'wsdb.started', @value = @started;
BEGIN TRANSACTION;
DECLARE @lock int;
EXEC @lock = sys.sp_getapplock @Resource = N'wsdb.migrations', @LockMode = N'Exclusive', @LockOwner = N'Transaction', @LockTimeout = 600000;
IF @lock < 0
    THROW 50103, N'20261122_intake_core: another migration held the lock wsdb.migrations for 10 minutes; nothing was changed.', 1;
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
    WHERE h.migration_name = N'20261122_intake_core'
);
IF @applied = '1952bd3f25d33815565a4dbd36913339c353388b082adc38bfc5fd92142d2370'
    BEGIN
        COMMIT TRANSACTION;
        PRINT N'20261122_intake_core: already applied with this checksum; skipped.';
        SET NOEXEC ON;
    END;
IF @applied IS NOT NULL AND @applied <> '1952bd3f25d33815565a4dbd36913339c353388b082adc38bfc5fd92142d2370'
    BEGIN
        DECLARE @message nvarchar(2048) = CONCAT(
            N'20261122_intake_core: applied before with checksum ', @applied,
            N'; this file has 1952bd3f25d33815565a4dbd36913339c353388b082adc38bfc5fd92142d2370. Released scripts must not change; nothing was done.'
        );
        THROW 50101, @message, 1;
    END;
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 1 schema schema intake
CREATE SCHEMA intake AUTHORIZATION dbo;
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 1 describe schema intake
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', NULL, NULL, NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Intake and deal-support module: email threads and messages, extraction, review queue, jobs, audit, CRM writes, policies, deals.', @level0type = N'SCHEMA', @level0name = N'intake';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Intake and deal-support module: email threads and messages, extraction, review queue, jobs, audit, CRM writes, policies, deals.', @level0type = N'SCHEMA', @level0name = N'intake';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 2 table intake.workspaces
-- Workspaces: the tenants of the intake module; every intake row belongs to exactly one workspace.
CREATE TABLE intake.workspaces (
    -- Primary key (sequential GUID, so new workspaces append to the clustered index)
    workspace_id uniqueidentifier NOT NULL CONSTRAINT DF_intake_workspaces_workspace_id DEFAULT (NEWSEQUENTIALID()),
    name nvarchar(200) NOT NULL, -- Workspace display name
    org_id int NULL, -- Workstream organisation this workspace belongs to (NULL = not attached to an org)
    is_active bit NOT NULL CONSTRAINT DF_intake_workspaces_is_active DEFAULT (1), -- Active flag
    created_at datetime2 NOT NULL CONSTRAINT DF_intake_workspaces_created_at DEFAULT (SYSUTCDATETIME()), -- Creation timestamp
    updated_at datetime2 NOT NULL CONSTRAINT DF_intake_workspaces_updated_at DEFAULT (SYSUTCDATETIME()), -- Last update timestamp
    CONSTRAINT PK_intake_workspaces PRIMARY KEY CLUSTERED (workspace_id),
    CONSTRAINT FK_intake_workspaces_org_id_core_org FOREIGN KEY (org_id) REFERENCES core.org (org_id),
    CONSTRAINT CK_intake_workspaces_name CHECK (name <> '')
);
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 2 describe intake.workspaces
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'workspaces', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Workspaces: the tenants of the intake module; every intake row belongs to exactly one workspace.', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'workspaces';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Workspaces: the tenants of the intake module; every intake row belongs to exactly one workspace.', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'workspaces';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'workspaces', N'COLUMN', N'workspace_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Primary key (sequential GUID, so new workspaces append to the clustered index)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'workspaces', @level2type = N'COLUMN', @level2name = N'workspace_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Primary key (sequential GUID, so new workspaces append to the clustered index)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'workspaces', @level2type = N'COLUMN', @level2name = N'workspace_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'workspaces', N'COLUMN', N'name'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Workspace display name', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'workspaces', @level2type = N'COLUMN', @level2name = N'name';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Workspace display name', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'workspaces', @level2type = N'COLUMN', @level2name = N'name';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'workspaces', N'COLUMN', N'org_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Workstream organisation this workspace belongs to (NULL = not attached to an org)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'workspaces', @level2type = N'COLUMN', @level2name = N'org_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Workstream organisation this workspace belongs to (NULL = not attached to an org)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'workspaces', @level2type = N'COLUMN', @level2name = N'org_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'workspaces', N'COLUMN', N'is_active'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Active flag', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'workspaces', @level2type = N'COLUMN', @level2name = N'is_active';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Active flag', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'workspaces', @level2type = N'COLUMN', @level2name = N'is_active';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'workspaces', N'COLUMN', N'created_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Creation timestamp', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'workspaces', @level2type = N'COLUMN', @level2name = N'created_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Creation timestamp', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'workspaces', @level2type = N'COLUMN', @level2name = N'created_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'workspaces', N'COLUMN', N'updated_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Last update timestamp', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'workspaces', @level2type = N'COLUMN', @level2name = N'updated_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Last update timestamp', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'workspaces', @level2type = N'COLUMN', @level2name = N'updated_at';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 3 table intake.threads
-- Threads: workspace-scoped conversation containers that group the email messages of one conversation.
CREATE TABLE intake.threads (
    thread_id bigint IDENTITY (1, 1) NOT NULL, -- Primary key
    workspace_id uniqueidentifier NOT NULL, -- Workspace (tenant)
    subject nvarchar(2000) NULL, -- Conversation subject, from the first message (NULL = none)
    primary_contact_email varchar(320) NULL, -- Email address of the external contact the conversation is with
    -- Status: 'open', 'closed', 'ignored', 'archived'
    status varchar(16) NOT NULL CONSTRAINT DF_intake_threads_status DEFAULT ('open'),
    last_message_at datetime2 NULL, -- Time of the newest message (NULL = no message yet)
    created_at datetime2 NOT NULL CONSTRAINT DF_intake_threads_created_at DEFAULT (SYSUTCDATETIME()), -- Creation timestamp
    updated_at datetime2 NOT NULL CONSTRAINT DF_intake_threads_updated_at DEFAULT (SYSUTCDATETIME()), -- Last update timestamp
    CONSTRAINT PK_intake_threads PRIMARY KEY CLUSTERED (thread_id),
    CONSTRAINT UQ_intake_threads_workspace_id_thread_id UNIQUE NONCLUSTERED (workspace_id, thread_id),
    CONSTRAINT FK_intake_threads_workspace_id_intake_workspaces FOREIGN KEY (workspace_id)
    REFERENCES intake.workspaces (workspace_id),
    CONSTRAINT CK_intake_threads_status CHECK (status IN ('open', 'closed', 'ignored', 'archived'))
);

CREATE NONCLUSTERED INDEX IX_intake_threads_workspace_id_created_at -- Threads of a workspace, newest first
    ON intake.threads (workspace_id, created_at DESC);
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 3 describe intake.threads
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'threads', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Threads: workspace-scoped conversation containers that group the email messages of one conversation.', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'threads';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Threads: workspace-scoped conversation containers that group the email messages of one conversation.', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'threads';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'threads', N'COLUMN', N'thread_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'threads', @level2type = N'COLUMN', @level2name = N'thread_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'threads', @level2type = N'COLUMN', @level2name = N'thread_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'threads', N'COLUMN', N'workspace_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Workspace (tenant)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'threads', @level2type = N'COLUMN', @level2name = N'workspace_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Workspace (tenant)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'threads', @level2type = N'COLUMN', @level2name = N'workspace_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'threads', N'COLUMN', N'subject'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Conversation subject, from the first message (NULL = none)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'threads', @level2type = N'COLUMN', @level2name = N'subject';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Conversation subject, from the first message (NULL = none)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'threads', @level2type = N'COLUMN', @level2name = N'subject';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'threads', N'COLUMN', N'primary_contact_email'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Email address of the external contact the conversation is with', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'threads', @level2type = N'COLUMN', @level2name = N'primary_contact_email';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Email address of the external contact the conversation is with', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'threads', @level2type = N'COLUMN', @level2name = N'primary_contact_email';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'threads', N'COLUMN', N'status'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Status: ''open'', ''closed'', ''ignored'', ''archived''', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'threads', @level2type = N'COLUMN', @level2name = N'status';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Status: ''open'', ''closed'', ''ignored'', ''archived''', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'threads', @level2type = N'COLUMN', @level2name = N'status';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'threads', N'COLUMN', N'last_message_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Time of the newest message (NULL = no message yet)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'threads', @level2type = N'COLUMN', @level2name = N'last_message_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Time of the newest message (NULL = no message yet)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'threads', @level2type = N'COLUMN', @level2name = N'last_message_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'threads', N'COLUMN', N'created_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Creation timestamp', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'threads', @level2type = N'COLUMN', @level2name = N'created_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Creation timestamp', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'threads', @level2type = N'COLUMN', @level2name = N'created_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'threads', N'COLUMN', N'updated_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Last update timestamp', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'threads', @level2type = N'COLUMN', @level2name = N'updated_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Last update timestamp', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'threads', @level2type = N'COLUMN', @level2name = N'updated_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'threads', N'INDEX', N'IX_intake_threads_workspace_id_created_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Threads of a workspace, newest first', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'threads', @level2type = N'INDEX', @level2name = N'IX_intake_threads_workspace_id_created_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Threads of a workspace, newest first', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'threads', @level2type = N'INDEX', @level2name = N'IX_intake_threads_workspace_id_created_at';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 4 table intake.messages
-- Messages: canonical raw email records of a thread, with their header and body metadata.
CREATE TABLE intake.messages (
    message_row_id bigint IDENTITY (1, 1) NOT NULL, -- Primary key
    workspace_id uniqueidentifier NOT NULL, -- Workspace (tenant)
    thread_id bigint NOT NULL, -- Thread the message belongs to
    -- RFC 5322 Message-ID header as sent, angle brackets included; unique per workspace (the ingest dedupe key)
    message_id nvarchar(800) NOT NULL,
    in_reply_to nvarchar(2000) NULL, -- In-Reply-To header: Message-ID(s) of the message(s) this one answers
    references_json nvarchar(max) NULL, -- References header as a JSON array of Message-IDs, oldest first
    direction varchar(8) NOT NULL, -- Direction: 'inbound', 'outbound'
    from_address varchar(320) NOT NULL, -- Sender email address (From header)
    from_name nvarchar(320) NULL, -- Sender display name (From header)
    to_json nvarchar(max) NULL, -- To recipients as a JSON array of {"address", "name"} objects
    cc_json nvarchar(max) NULL, -- Cc recipients as a JSON array of {"address", "name"} objects
    subject nvarchar(2000) NULL, -- Subject header (NULL = none)
    sent_at datetime2 NULL, -- Date header in UTC (NULL = missing or unparseable)
    received_at datetime2 NULL, -- Time the mailbox received the message, UTC (NULL = unknown)
    headers_json nvarchar(max) NULL, -- All headers as a JSON array of {"name", "value"} objects, in order
    text nvarchar(max) NULL, -- Plain-text body (NULL = the message has none)
    html nvarchar(max) NULL, -- HTML body (NULL = the message has none)
    created_at datetime2 NOT NULL CONSTRAINT DF_intake_messages_created_at DEFAULT (SYSUTCDATETIME()), -- Creation timestamp
    updated_at datetime2 NOT NULL CONSTRAINT DF_intake_messages_updated_at DEFAULT (SYSUTCDATETIME()), -- Last update timestamp
    CONSTRAINT PK_intake_messages PRIMARY KEY CLUSTERED (message_row_id),
    CONSTRAINT UQ_intake_messages_workspace_id_message_row_id UNIQUE NONCLUSTERED (workspace_id, message_row_id),
    CONSTRAINT FK_intake_messages_workspace_id_intake_workspaces FOREIGN KEY (workspace_id)
    REFERENCES intake.workspaces (workspace_id),
    CONSTRAINT FK_intake_messages_thread_id_intake_threads FOREIGN KEY (workspace_id, thread_id)
    REFERENCES intake.threads (workspace_id, thread_id),
    CONSTRAINT CK_intake_messages_message_id CHECK (message_id <> ''),
    CONSTRAINT CK_intake_messages_references_json CHECK (ISJSON(references_json) = 1),
    CONSTRAINT CK_intake_messages_direction CHECK (direction IN ('inbound', 'outbound')),
    CONSTRAINT CK_intake_messages_to_json CHECK (ISJSON(to_json) = 1),
    CONSTRAINT CK_intake_messages_cc_json CHECK (ISJSON(cc_json) = 1),
    CONSTRAINT CK_intake_messages_headers_json CHECK (ISJSON(headers_json) = 1)
);

CREATE UNIQUE NONCLUSTERED INDEX UX_intake_messages_workspace_id_message_id -- One row per Message-ID in a workspace
    ON intake.messages (workspace_id, message_id);

CREATE NONCLUSTERED INDEX IX_intake_messages_message_id ON intake.messages (message_id); -- Threading: find a message by its Message-ID

CREATE NONCLUSTERED INDEX IX_intake_messages_thread_id_created_at -- Messages of a thread, newest first
    ON intake.messages (thread_id, created_at DESC);
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 4 describe intake.messages
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'messages', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Messages: canonical raw email records of a thread, with their header and body metadata.', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'messages';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Messages: canonical raw email records of a thread, with their header and body metadata.', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'messages';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'messages', N'COLUMN', N'message_row_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'messages', @level2type = N'COLUMN', @level2name = N'message_row_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'messages', @level2type = N'COLUMN', @level2name = N'message_row_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'messages', N'COLUMN', N'workspace_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Workspace (tenant)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'messages', @level2type = N'COLUMN', @level2name = N'workspace_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Workspace (tenant)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'messages', @level2type = N'COLUMN', @level2name = N'workspace_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'messages', N'COLUMN', N'thread_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Thread the message belongs to', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'messages', @level2type = N'COLUMN', @level2name = N'thread_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Thread the message belongs to', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'messages', @level2type = N'COLUMN', @level2name = N'thread_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'messages', N'COLUMN', N'message_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'RFC 5322 Message-ID header as sent, angle brackets included; unique per workspace (the ingest dedupe key)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'messages', @level2type = N'COLUMN', @level2name = N'message_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'RFC 5322 Message-ID header as sent, angle brackets included; unique per workspace (the ingest dedupe key)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'messages', @level2type = N'COLUMN', @level2name = N'message_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'messages', N'COLUMN', N'in_reply_to'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'In-Reply-To header: Message-ID(s) of the message(s) this one answers', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'messages', @level2type = N'COLUMN', @level2name = N'in_reply_to';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'In-Reply-To header: Message-ID(s) of the message(s) this one answers', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'messages', @level2type = N'COLUMN', @level2name = N'in_reply_to';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'messages', N'COLUMN', N'references_json'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'References header as a JSON array of Message-IDs, oldest first', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'messages', @level2type = N'COLUMN', @level2name = N'references_json';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'References header as a JSON array of Message-IDs, oldest first', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'messages', @level2type = N'COLUMN', @level2name = N'references_json';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'messages', N'COLUMN', N'direction'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Direction: ''inbound'', ''outbound''', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'messages', @level2type = N'COLUMN', @level2name = N'direction';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Direction: ''inbound'', ''outbound''', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'messages', @level2type = N'COLUMN', @level2name = N'direction';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'messages', N'COLUMN', N'from_address'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Sender email address (From header)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'messages', @level2type = N'COLUMN', @level2name = N'from_address';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Sender email address (From header)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'messages', @level2type = N'COLUMN', @level2name = N'from_address';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'messages', N'COLUMN', N'from_name'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Sender display name (From header)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'messages', @level2type = N'COLUMN', @level2name = N'from_name';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Sender display name (From header)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'messages', @level2type = N'COLUMN', @level2name = N'from_name';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'messages', N'COLUMN', N'to_json'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'To recipients as a JSON array of {"address", "name"} objects', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'messages', @level2type = N'COLUMN', @level2name = N'to_json';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'To recipients as a JSON array of {"address", "name"} objects', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'messages', @level2type = N'COLUMN', @level2name = N'to_json';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'messages', N'COLUMN', N'cc_json'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Cc recipients as a JSON array of {"address", "name"} objects', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'messages', @level2type = N'COLUMN', @level2name = N'cc_json';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Cc recipients as a JSON array of {"address", "name"} objects', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'messages', @level2type = N'COLUMN', @level2name = N'cc_json';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'messages', N'COLUMN', N'subject'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Subject header (NULL = none)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'messages', @level2type = N'COLUMN', @level2name = N'subject';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Subject header (NULL = none)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'messages', @level2type = N'COLUMN', @level2name = N'subject';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'messages', N'COLUMN', N'sent_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Date header in UTC (NULL = missing or unparseable)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'messages', @level2type = N'COLUMN', @level2name = N'sent_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Date header in UTC (NULL = missing or unparseable)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'messages', @level2type = N'COLUMN', @level2name = N'sent_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'messages', N'COLUMN', N'received_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Time the mailbox received the message, UTC (NULL = unknown)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'messages', @level2type = N'COLUMN', @level2name = N'received_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Time the mailbox received the message, UTC (NULL = unknown)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'messages', @level2type = N'COLUMN', @level2name = N'received_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'messages', N'COLUMN', N'headers_json'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'All headers as a JSON array of {"name", "value"} objects, in order', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'messages', @level2type = N'COLUMN', @level2name = N'headers_json';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'All headers as a JSON array of {"name", "value"} objects, in order', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'messages', @level2type = N'COLUMN', @level2name = N'headers_json';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'messages', N'COLUMN', N'text'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Plain-text body (NULL = the message has none)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'messages', @level2type = N'COLUMN', @level2name = N'text';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Plain-text body (NULL = the message has none)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'messages', @level2type = N'COLUMN', @level2name = N'text';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'messages', N'COLUMN', N'html'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'HTML body (NULL = the message has none)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'messages', @level2type = N'COLUMN', @level2name = N'html';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'HTML body (NULL = the message has none)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'messages', @level2type = N'COLUMN', @level2name = N'html';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'messages', N'COLUMN', N'created_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Creation timestamp', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'messages', @level2type = N'COLUMN', @level2name = N'created_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Creation timestamp', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'messages', @level2type = N'COLUMN', @level2name = N'created_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'messages', N'COLUMN', N'updated_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Last update timestamp', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'messages', @level2type = N'COLUMN', @level2name = N'updated_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Last update timestamp', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'messages', @level2type = N'COLUMN', @level2name = N'updated_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'messages', N'INDEX', N'UX_intake_messages_workspace_id_message_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'One row per Message-ID in a workspace', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'messages', @level2type = N'INDEX', @level2name = N'UX_intake_messages_workspace_id_message_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'One row per Message-ID in a workspace', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'messages', @level2type = N'INDEX', @level2name = N'UX_intake_messages_workspace_id_message_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'messages', N'INDEX', N'IX_intake_messages_message_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Threading: find a message by its Message-ID', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'messages', @level2type = N'INDEX', @level2name = N'IX_intake_messages_message_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Threading: find a message by its Message-ID', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'messages', @level2type = N'INDEX', @level2name = N'IX_intake_messages_message_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'messages', N'INDEX', N'IX_intake_messages_thread_id_created_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Messages of a thread, newest first', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'messages', @level2type = N'INDEX', @level2name = N'IX_intake_messages_thread_id_created_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Messages of a thread, newest first', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'messages', @level2type = N'INDEX', @level2name = N'IX_intake_messages_thread_id_created_at';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 5 table intake.extraction_runs
-- Extraction runs: one execution of a structured-extraction schema by a model over a thread or one of its messages.
CREATE TABLE intake.extraction_runs (
    extraction_run_id bigint IDENTITY (1, 1) NOT NULL, -- Primary key
    workspace_id uniqueidentifier NOT NULL, -- Workspace (tenant)
    thread_id bigint NOT NULL, -- Thread the run extracted from
    message_row_id bigint NULL, -- Message the run extracted from (NULL = the whole thread)
    schema_id varchar(64) NOT NULL, -- Extraction schema identifier
    schema_version varchar(32) NOT NULL, -- Version of the extraction schema
    model varchar(100) NOT NULL, -- Model that performed the extraction (provider model name and version)
    -- Status: 'queued', 'running', 'succeeded', 'failed', 'cancelled'
    status varchar(16) NOT NULL CONSTRAINT DF_intake_extraction_runs_status DEFAULT ('queued'),
    started_at datetime2 NULL, -- Time the run started (NULL = still queued)
    finished_at datetime2 NULL, -- Time the run ended (NULL = not finished)
    error nvarchar(4000) NULL, -- Error of a failed run
    created_at datetime2 NOT NULL CONSTRAINT DF_intake_extraction_runs_created_at DEFAULT (SYSUTCDATETIME()), -- Creation timestamp
    updated_at datetime2 NOT NULL CONSTRAINT DF_intake_extraction_runs_updated_at DEFAULT (SYSUTCDATETIME()), -- Last update timestamp
    CONSTRAINT PK_intake_extraction_runs PRIMARY KEY CLUSTERED (extraction_run_id),
    CONSTRAINT UQ_intake_extraction_runs_workspace_id_extraction_run_id UNIQUE NONCLUSTERED (workspace_id, extraction_run_id),
    CONSTRAINT FK_intake_extraction_runs_workspace_id_intake_workspaces FOREIGN KEY (workspace_id)
    REFERENCES intake.workspaces (workspace_id),
    CONSTRAINT FK_intake_extraction_runs_thread_id_intake_threads FOREIGN KEY (workspace_id, thread_id)
    REFERENCES intake.threads (workspace_id, thread_id),
    CONSTRAINT FK_intake_extraction_runs_message_row_id_intake_messages FOREIGN KEY (workspace_id, message_row_id)
    REFERENCES intake.messages (workspace_id, message_row_id),
    CONSTRAINT CK_intake_extraction_runs_status CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    CONSTRAINT CK_intake_extraction_runs_started_at CHECK (status IN ('queued', 'cancelled') OR started_at IS NOT NULL),
    CONSTRAINT CK_intake_extraction_runs_finished_at CHECK (status IN ('queued', 'running') OR finished_at IS NOT NULL),
    CONSTRAINT CK_intake_extraction_runs_finished_after_start CHECK (finished_at >= started_at),
    CONSTRAINT CK_intake_extraction_runs_error CHECK (status <> 'failed' OR error IS NOT NULL)
);

CREATE NONCLUSTERED INDEX IX_intake_extraction_runs_thread_id_created_at -- Runs of a thread, newest first
    ON intake.extraction_runs (thread_id, created_at DESC);

CREATE NONCLUSTERED INDEX IX_intake_extraction_runs_message_row_id -- Runs over a message
    ON intake.extraction_runs (message_row_id)
    WHERE message_row_id IS NOT NULL;
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 5 describe intake.extraction_runs
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'extraction_runs', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Extraction runs: one execution of a structured-extraction schema by a model over a thread or one of its messages.', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'extraction_runs';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Extraction runs: one execution of a structured-extraction schema by a model over a thread or one of its messages.', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'extraction_runs';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'extraction_runs', N'COLUMN', N'extraction_run_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'extraction_runs', @level2type = N'COLUMN', @level2name = N'extraction_run_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'extraction_runs', @level2type = N'COLUMN', @level2name = N'extraction_run_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'extraction_runs', N'COLUMN', N'workspace_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Workspace (tenant)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'extraction_runs', @level2type = N'COLUMN', @level2name = N'workspace_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Workspace (tenant)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'extraction_runs', @level2type = N'COLUMN', @level2name = N'workspace_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'extraction_runs', N'COLUMN', N'thread_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Thread the run extracted from', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'extraction_runs', @level2type = N'COLUMN', @level2name = N'thread_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Thread the run extracted from', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'extraction_runs', @level2type = N'COLUMN', @level2name = N'thread_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'extraction_runs', N'COLUMN', N'message_row_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Message the run extracted from (NULL = the whole thread)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'extraction_runs', @level2type = N'COLUMN', @level2name = N'message_row_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Message the run extracted from (NULL = the whole thread)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'extraction_runs', @level2type = N'COLUMN', @level2name = N'message_row_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'extraction_runs', N'COLUMN', N'schema_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Extraction schema identifier', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'extraction_runs', @level2type = N'COLUMN', @level2name = N'schema_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Extraction schema identifier', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'extraction_runs', @level2type = N'COLUMN', @level2name = N'schema_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'extraction_runs', N'COLUMN', N'schema_version'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Version of the extraction schema', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'extraction_runs', @level2type = N'COLUMN', @level2name = N'schema_version';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Version of the extraction schema', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'extraction_runs', @level2type = N'COLUMN', @level2name = N'schema_version';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'extraction_runs', N'COLUMN', N'model'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Model that performed the extraction (provider model name and version)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'extraction_runs', @level2type = N'COLUMN', @level2name = N'model';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Model that performed the extraction (provider model name and version)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'extraction_runs', @level2type = N'COLUMN', @level2name = N'model';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'extraction_runs', N'COLUMN', N'status'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Status: ''queued'', ''running'', ''succeeded'', ''failed'', ''cancelled''', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'extraction_runs', @level2type = N'COLUMN', @level2name = N'status';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Status: ''queued'', ''running'', ''succeeded'', ''failed'', ''cancelled''', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'extraction_runs', @level2type = N'COLUMN', @level2name = N'status';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'extraction_runs', N'COLUMN', N'started_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Time the run started (NULL = still queued)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'extraction_runs', @level2type = N'COLUMN', @level2name = N'started_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Time the run started (NULL = still queued)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'extraction_runs', @level2type = N'COLUMN', @level2name = N'started_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'extraction_runs', N'COLUMN', N'finished_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Time the run ended (NULL = not finished)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'extraction_runs', @level2type = N'COLUMN', @level2name = N'finished_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Time the run ended (NULL = not finished)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'extraction_runs', @level2type = N'COLUMN', @level2name = N'finished_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'extraction_runs', N'COLUMN', N'error'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Error of a failed run', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'extraction_runs', @level2type = N'COLUMN', @level2name = N'error';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Error of a failed run', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'extraction_runs', @level2type = N'COLUMN', @level2name = N'error';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'extraction_runs', N'COLUMN', N'created_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Creation timestamp', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'extraction_runs', @level2type = N'COLUMN', @level2name = N'created_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Creation timestamp', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'extraction_runs', @level2type = N'COLUMN', @level2name = N'created_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'extraction_runs', N'COLUMN', N'updated_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Last update timestamp', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'extraction_runs', @level2type = N'COLUMN', @level2name = N'updated_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Last update timestamp', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'extraction_runs', @level2type = N'COLUMN', @level2name = N'updated_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'extraction_runs', N'INDEX', N'IX_intake_extraction_runs_thread_id_created_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Runs of a thread, newest first', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'extraction_runs', @level2type = N'INDEX', @level2name = N'IX_intake_extraction_runs_thread_id_created_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Runs of a thread, newest first', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'extraction_runs', @level2type = N'INDEX', @level2name = N'IX_intake_extraction_runs_thread_id_created_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'extraction_runs', N'INDEX', N'IX_intake_extraction_runs_message_row_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Runs over a message', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'extraction_runs', @level2type = N'INDEX', @level2name = N'IX_intake_extraction_runs_message_row_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Runs over a message', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'extraction_runs', @level2type = N'INDEX', @level2name = N'IX_intake_extraction_runs_message_row_id';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 6 table intake.field_values
-- Field values: the structured outputs of an extraction run, one value per schema field.
CREATE TABLE intake.field_values (
    field_value_id bigint IDENTITY (1, 1) NOT NULL, -- Primary key
    workspace_id uniqueidentifier NOT NULL, -- Workspace (tenant)
    extraction_run_id bigint NOT NULL, -- Extraction run that produced the value
    field_key varchar(64) NOT NULL, -- Schema field the value answers
    field_value_json nvarchar(max) NOT NULL, -- Extracted value as a JSON object (e.g. {"value": ...})
    confidence decimal(4, 3) NOT NULL, -- Model confidence in the value (0-1)
    evidence_json nvarchar(max) NULL, -- Evidence as a JSON array of {"message_row_id", "quote"} objects (NULL = none given)
    created_at datetime2 NOT NULL CONSTRAINT DF_intake_field_values_created_at DEFAULT (SYSUTCDATETIME()), -- Creation timestamp
    CONSTRAINT PK_intake_field_values PRIMARY KEY CLUSTERED (field_value_id),
    CONSTRAINT FK_intake_field_values_workspace_id_intake_workspaces FOREIGN KEY (workspace_id)
    REFERENCES intake.workspaces (workspace_id),
    CONSTRAINT FK_intake_field_values_extraction_run_id_intake_extraction_runs FOREIGN KEY (workspace_id, extraction_run_id)
    REFERENCES intake.extraction_runs (workspace_id, extraction_run_id),
    CONSTRAINT CK_intake_field_values_field_key CHECK (field_key <> '' AND field_key NOT LIKE '%[^a-z0-9_]%'),
    CONSTRAINT CK_intake_field_values_field_value_json CHECK (ISJSON(field_value_json) = 1),
    CONSTRAINT CK_intake_field_values_confidence CHECK (confidence BETWEEN 0 AND 1),
    CONSTRAINT CK_intake_field_values_evidence_json CHECK (ISJSON(evidence_json) = 1)
);

CREATE UNIQUE NONCLUSTERED INDEX UX_intake_field_values_workspace_id_extraction_run_id_field_key -- One value per field of a run
    ON intake.field_values (workspace_id, extraction_run_id, field_key);
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 6 describe intake.field_values
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'field_values', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Field values: the structured outputs of an extraction run, one value per schema field.', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'field_values';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Field values: the structured outputs of an extraction run, one value per schema field.', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'field_values';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'field_values', N'COLUMN', N'field_value_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'field_values', @level2type = N'COLUMN', @level2name = N'field_value_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'field_values', @level2type = N'COLUMN', @level2name = N'field_value_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'field_values', N'COLUMN', N'workspace_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Workspace (tenant)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'field_values', @level2type = N'COLUMN', @level2name = N'workspace_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Workspace (tenant)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'field_values', @level2type = N'COLUMN', @level2name = N'workspace_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'field_values', N'COLUMN', N'extraction_run_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Extraction run that produced the value', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'field_values', @level2type = N'COLUMN', @level2name = N'extraction_run_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Extraction run that produced the value', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'field_values', @level2type = N'COLUMN', @level2name = N'extraction_run_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'field_values', N'COLUMN', N'field_key'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Schema field the value answers', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'field_values', @level2type = N'COLUMN', @level2name = N'field_key';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Schema field the value answers', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'field_values', @level2type = N'COLUMN', @level2name = N'field_key';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'field_values', N'COLUMN', N'field_value_json'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Extracted value as a JSON object (e.g. {"value": ...})', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'field_values', @level2type = N'COLUMN', @level2name = N'field_value_json';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Extracted value as a JSON object (e.g. {"value": ...})', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'field_values', @level2type = N'COLUMN', @level2name = N'field_value_json';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'field_values', N'COLUMN', N'confidence'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Model confidence in the value (0-1)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'field_values', @level2type = N'COLUMN', @level2name = N'confidence';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Model confidence in the value (0-1)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'field_values', @level2type = N'COLUMN', @level2name = N'confidence';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'field_values', N'COLUMN', N'evidence_json'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Evidence as a JSON array of {"message_row_id", "quote"} objects (NULL = none given)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'field_values', @level2type = N'COLUMN', @level2name = N'evidence_json';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Evidence as a JSON array of {"message_row_id", "quote"} objects (NULL = none given)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'field_values', @level2type = N'COLUMN', @level2name = N'evidence_json';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'field_values', N'COLUMN', N'created_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Creation timestamp', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'field_values', @level2type = N'COLUMN', @level2name = N'created_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Creation timestamp', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'field_values', @level2type = N'COLUMN', @level2name = N'created_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'field_values', N'INDEX', N'UX_intake_field_values_workspace_id_extraction_run_id_field_key'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'One value per field of a run', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'field_values', @level2type = N'INDEX', @level2name = N'UX_intake_field_values_workspace_id_extraction_run_id_field_key';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'One value per field of a run', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'field_values', @level2type = N'INDEX', @level2name = N'UX_intake_field_values_workspace_id_extraction_run_id_field_key';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 7 table intake.review_items
-- Review items: the governance review queue, where a person approves, rejects or dismisses what automation could not decide.
CREATE TABLE intake.review_items (
    review_item_id bigint IDENTITY (1, 1) NOT NULL, -- Primary key
    workspace_id uniqueidentifier NOT NULL, -- Workspace (tenant)
    thread_id bigint NULL, -- Thread the item is about (NULL = not about one thread)
    reason nvarchar(500) NOT NULL, -- Why the item needs review (e.g. a low-confidence field or a CRM write awaiting approval)
    -- Status: 'pending', 'approved', 'rejected', 'dismissed'
    status varchar(16) NOT NULL CONSTRAINT DF_intake_review_items_status DEFAULT ('pending'),
    payload_json nvarchar(max) NULL, -- What is under review and the reviewer's decision details, as a JSON object
    resolved_at datetime2 NULL, -- Time the item left 'pending'
    resolved_by varchar(320) NULL, -- Reviewer who resolved the item (email or principal name; NULL = resolved by the system)
    created_at datetime2 NOT NULL CONSTRAINT DF_intake_review_items_created_at DEFAULT (SYSUTCDATETIME()), -- Creation timestamp
    updated_at datetime2 NOT NULL CONSTRAINT DF_intake_review_items_updated_at DEFAULT (SYSUTCDATETIME()), -- Last update timestamp
    CONSTRAINT PK_intake_review_items PRIMARY KEY CLUSTERED (review_item_id),
    CONSTRAINT FK_intake_review_items_workspace_id_intake_workspaces FOREIGN KEY (workspace_id)
    REFERENCES intake.workspaces (workspace_id),
    CONSTRAINT FK_intake_review_items_thread_id_intake_threads FOREIGN KEY (workspace_id, thread_id)
    REFERENCES intake.threads (workspace_id, thread_id),
    CONSTRAINT CK_intake_review_items_reason CHECK (reason <> ''),
    CONSTRAINT CK_intake_review_items_status CHECK (status IN ('pending', 'approved', 'rejected', 'dismissed')),
    CONSTRAINT CK_intake_review_items_payload_json CHECK (ISJSON(payload_json) = 1),
    -- A pending item has no resolution; a resolved one has its time.
    CONSTRAINT CK_intake_review_items_resolved CHECK (
        (status = 'pending' AND resolved_at IS NULL AND resolved_by IS NULL) OR (status <> 'pending' AND resolved_at IS NOT NULL)
    )
);

CREATE NONCLUSTERED INDEX IX_intake_review_items_workspace_id_status_created_at -- Review queue of a workspace by status, newest first
    ON intake.review_items (workspace_id, status, created_at DESC);

CREATE NONCLUSTERED INDEX IX_intake_review_items_thread_id -- Review items of a thread
    ON intake.review_items (thread_id)
    WHERE thread_id IS NOT NULL;
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 7 describe intake.review_items
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'review_items', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Review items: the governance review queue, where a person approves, rejects or dismisses what automation could not decide.', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'review_items';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Review items: the governance review queue, where a person approves, rejects or dismisses what automation could not decide.', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'review_items';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'review_items', N'COLUMN', N'review_item_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'review_items', @level2type = N'COLUMN', @level2name = N'review_item_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'review_items', @level2type = N'COLUMN', @level2name = N'review_item_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'review_items', N'COLUMN', N'workspace_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Workspace (tenant)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'review_items', @level2type = N'COLUMN', @level2name = N'workspace_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Workspace (tenant)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'review_items', @level2type = N'COLUMN', @level2name = N'workspace_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'review_items', N'COLUMN', N'thread_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Thread the item is about (NULL = not about one thread)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'review_items', @level2type = N'COLUMN', @level2name = N'thread_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Thread the item is about (NULL = not about one thread)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'review_items', @level2type = N'COLUMN', @level2name = N'thread_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'review_items', N'COLUMN', N'reason'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Why the item needs review (e.g. a low-confidence field or a CRM write awaiting approval)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'review_items', @level2type = N'COLUMN', @level2name = N'reason';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Why the item needs review (e.g. a low-confidence field or a CRM write awaiting approval)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'review_items', @level2type = N'COLUMN', @level2name = N'reason';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'review_items', N'COLUMN', N'status'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Status: ''pending'', ''approved'', ''rejected'', ''dismissed''', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'review_items', @level2type = N'COLUMN', @level2name = N'status';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Status: ''pending'', ''approved'', ''rejected'', ''dismissed''', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'review_items', @level2type = N'COLUMN', @level2name = N'status';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'review_items', N'COLUMN', N'payload_json'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'What is under review and the reviewer''s decision details, as a JSON object', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'review_items', @level2type = N'COLUMN', @level2name = N'payload_json';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'What is under review and the reviewer''s decision details, as a JSON object', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'review_items', @level2type = N'COLUMN', @level2name = N'payload_json';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'review_items', N'COLUMN', N'resolved_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Time the item left ''pending''', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'review_items', @level2type = N'COLUMN', @level2name = N'resolved_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Time the item left ''pending''', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'review_items', @level2type = N'COLUMN', @level2name = N'resolved_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'review_items', N'COLUMN', N'resolved_by'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Reviewer who resolved the item (email or principal name; NULL = resolved by the system)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'review_items', @level2type = N'COLUMN', @level2name = N'resolved_by';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Reviewer who resolved the item (email or principal name; NULL = resolved by the system)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'review_items', @level2type = N'COLUMN', @level2name = N'resolved_by';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'review_items', N'COLUMN', N'created_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Creation timestamp', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'review_items', @level2type = N'COLUMN', @level2name = N'created_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Creation timestamp', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'review_items', @level2type = N'COLUMN', @level2name = N'created_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'review_items', N'COLUMN', N'updated_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Last update timestamp', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'review_items', @level2type = N'COLUMN', @level2name = N'updated_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Last update timestamp', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'review_items', @level2type = N'COLUMN', @level2name = N'updated_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'review_items', N'INDEX', N'IX_intake_review_items_workspace_id_status_created_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Review queue of a workspace by status, newest first', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'review_items', @level2type = N'INDEX', @level2name = N'IX_intake_review_items_workspace_id_status_created_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Review queue of a workspace by status, newest first', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'review_items', @level2type = N'INDEX', @level2name = N'IX_intake_review_items_workspace_id_status_created_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'review_items', N'INDEX', N'IX_intake_review_items_thread_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Review items of a thread', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'review_items', @level2type = N'INDEX', @level2name = N'IX_intake_review_items_thread_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Review items of a thread', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'review_items', @level2type = N'INDEX', @level2name = N'IX_intake_review_items_thread_id';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 8 table intake.jobs
-- Jobs: the worker queue; a worker claims due rows with UPDATE ... WITH (ROWLOCK, UPDLOCK, READPAST) and holds them under a lease.
--
-- Lifecycle: 'queued' -> 'running' (locked) -> 'succeeded', or 'failed' (waits until run_after, then
-- claimable again) until attempts reach max_attempts -> 'dead'; 'cancelled' by an operator. A running
-- job whose locked_until has passed belongs to a crashed worker and may be claimed again.
CREATE TABLE intake.jobs (
    job_id bigint IDENTITY (1, 1) NOT NULL, -- Primary key
    workspace_id uniqueidentifier NOT NULL, -- Workspace (tenant)
    job_type varchar(64) NOT NULL, -- Kind of work (e.g. 'ingest_message', 'extract_thread', 'crm_sync')
    thread_id bigint NULL, -- Thread the job works on (NULL = not about one thread)
    payload_json nvarchar(max) NULL, -- Job arguments as a JSON object
    -- Status: 'queued', 'running', 'succeeded', 'failed', 'dead', 'cancelled'
    status varchar(16) NOT NULL CONSTRAINT DF_intake_jobs_status DEFAULT ('queued'),
    run_after datetime2 NOT NULL CONSTRAINT DF_intake_jobs_run_after DEFAULT (SYSUTCDATETIME()), -- Earliest time a worker may claim the job
    attempts int NOT NULL CONSTRAINT DF_intake_jobs_attempts DEFAULT (0), -- Attempts started so far
    max_attempts int NOT NULL CONSTRAINT DF_intake_jobs_max_attempts DEFAULT (5), -- Attempts allowed before the job is dead
    locked_at datetime2 NULL, -- Time the current claim was taken
    locked_by varchar(64) NULL, -- Worker holding the current claim
    locked_until datetime2 NULL, -- End of the current claim's lease; after it the job may be claimed again
    last_error nvarchar(2000) NULL, -- Error reported by the last failed attempt
    created_at datetime2 NOT NULL CONSTRAINT DF_intake_jobs_created_at DEFAULT (SYSUTCDATETIME()), -- Creation timestamp
    updated_at datetime2 NOT NULL CONSTRAINT DF_intake_jobs_updated_at DEFAULT (SYSUTCDATETIME()), -- Last update timestamp
    finished_at datetime2 NULL, -- Time the job reached 'succeeded', 'dead' or 'cancelled'
    CONSTRAINT PK_intake_jobs PRIMARY KEY CLUSTERED (job_id),
    CONSTRAINT UQ_intake_jobs_workspace_id_job_id UNIQUE NONCLUSTERED (workspace_id, job_id),
    CONSTRAINT FK_intake_jobs_workspace_id_intake_workspaces FOREIGN KEY (workspace_id)
    REFERENCES intake.workspaces (workspace_id),
    CONSTRAINT FK_intake_jobs_thread_id_intake_threads FOREIGN KEY (workspace_id, thread_id)
    REFERENCES intake.threads (workspace_id, thread_id),
    CONSTRAINT CK_intake_jobs_job_type CHECK (job_type <> '' AND job_type NOT LIKE '%[^a-z0-9_.]%'),
    CONSTRAINT CK_intake_jobs_payload_json CHECK (ISJSON(payload_json) = 1),
    CONSTRAINT CK_intake_jobs_status CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'dead', 'cancelled')),
    CONSTRAINT CK_intake_jobs_attempts CHECK (attempts >= 0 AND attempts <= max_attempts),
    CONSTRAINT CK_intake_jobs_max_attempts CHECK (max_attempts >= 1),
    CONSTRAINT CK_intake_jobs_lock CHECK (
        (locked_at IS NULL AND locked_by IS NULL AND locked_until IS NULL)
        OR (locked_at IS NOT NULL AND locked_by IS NOT NULL AND locked_until > locked_at)
    ),
    CONSTRAINT CK_intake_jobs_running CHECK (status <> 'running' OR locked_at IS NOT NULL),
    CONSTRAINT CK_intake_jobs_finished_at CHECK (
        (status IN ('succeeded', 'dead', 'cancelled') AND finished_at IS NOT NULL)
        OR (status IN ('queued', 'running', 'failed') AND finished_at IS NULL)
    )
);

CREATE NONCLUSTERED INDEX IX_intake_jobs_status_run_after_created_at -- Job claiming: due jobs of a status, oldest first
    ON intake.jobs (status, run_after, created_at);

CREATE NONCLUSTERED INDEX IX_intake_jobs_thread_id -- Jobs of a thread
    ON intake.jobs (thread_id)
    WHERE thread_id IS NOT NULL;
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 8 describe intake.jobs
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'jobs', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Jobs: the worker queue; a worker claims due rows with UPDATE ... WITH (ROWLOCK, UPDLOCK, READPAST) and holds them under a lease.', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'jobs';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Jobs: the worker queue; a worker claims due rows with UPDATE ... WITH (ROWLOCK, UPDLOCK, READPAST) and holds them under a lease.', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'jobs';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'jobs', N'COLUMN', N'job_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'jobs', @level2type = N'COLUMN', @level2name = N'job_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'jobs', @level2type = N'COLUMN', @level2name = N'job_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'jobs', N'COLUMN', N'workspace_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Workspace (tenant)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'jobs', @level2type = N'COLUMN', @level2name = N'workspace_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Workspace (tenant)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'jobs', @level2type = N'COLUMN', @level2name = N'workspace_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'jobs', N'COLUMN', N'job_type'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Kind of work (e.g. ''ingest_message'', ''extract_thread'', ''crm_sync'')', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'jobs', @level2type = N'COLUMN', @level2name = N'job_type';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Kind of work (e.g. ''ingest_message'', ''extract_thread'', ''crm_sync'')', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'jobs', @level2type = N'COLUMN', @level2name = N'job_type';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'jobs', N'COLUMN', N'thread_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Thread the job works on (NULL = not about one thread)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'jobs', @level2type = N'COLUMN', @level2name = N'thread_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Thread the job works on (NULL = not about one thread)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'jobs', @level2type = N'COLUMN', @level2name = N'thread_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'jobs', N'COLUMN', N'payload_json'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Job arguments as a JSON object', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'jobs', @level2type = N'COLUMN', @level2name = N'payload_json';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Job arguments as a JSON object', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'jobs', @level2type = N'COLUMN', @level2name = N'payload_json';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'jobs', N'COLUMN', N'status'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Status: ''queued'', ''running'', ''succeeded'', ''failed'', ''dead'', ''cancelled''', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'jobs', @level2type = N'COLUMN', @level2name = N'status';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Status: ''queued'', ''running'', ''succeeded'', ''failed'', ''dead'', ''cancelled''', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'jobs', @level2type = N'COLUMN', @level2name = N'status';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'jobs', N'COLUMN', N'run_after'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Earliest time a worker may claim the job', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'jobs', @level2type = N'COLUMN', @level2name = N'run_after';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Earliest time a worker may claim the job', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'jobs', @level2type = N'COLUMN', @level2name = N'run_after';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'jobs', N'COLUMN', N'attempts'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Attempts started so far', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'jobs', @level2type = N'COLUMN', @level2name = N'attempts';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Attempts started so far', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'jobs', @level2type = N'COLUMN', @level2name = N'attempts';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'jobs', N'COLUMN', N'max_attempts'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Attempts allowed before the job is dead', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'jobs', @level2type = N'COLUMN', @level2name = N'max_attempts';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Attempts allowed before the job is dead', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'jobs', @level2type = N'COLUMN', @level2name = N'max_attempts';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'jobs', N'COLUMN', N'locked_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Time the current claim was taken', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'jobs', @level2type = N'COLUMN', @level2name = N'locked_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Time the current claim was taken', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'jobs', @level2type = N'COLUMN', @level2name = N'locked_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'jobs', N'COLUMN', N'locked_by'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Worker holding the current claim', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'jobs', @level2type = N'COLUMN', @level2name = N'locked_by';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Worker holding the current claim', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'jobs', @level2type = N'COLUMN', @level2name = N'locked_by';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'jobs', N'COLUMN', N'locked_until'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'End of the current claim''s lease; after it the job may be claimed again', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'jobs', @level2type = N'COLUMN', @level2name = N'locked_until';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'End of the current claim''s lease; after it the job may be claimed again', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'jobs', @level2type = N'COLUMN', @level2name = N'locked_until';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'jobs', N'COLUMN', N'last_error'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Error reported by the last failed attempt', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'jobs', @level2type = N'COLUMN', @level2name = N'last_error';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Error reported by the last failed attempt', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'jobs', @level2type = N'COLUMN', @level2name = N'last_error';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'jobs', N'COLUMN', N'created_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Creation timestamp', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'jobs', @level2type = N'COLUMN', @level2name = N'created_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Creation timestamp', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'jobs', @level2type = N'COLUMN', @level2name = N'created_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'jobs', N'COLUMN', N'updated_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Last update timestamp', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'jobs', @level2type = N'COLUMN', @level2name = N'updated_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Last update timestamp', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'jobs', @level2type = N'COLUMN', @level2name = N'updated_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'jobs', N'COLUMN', N'finished_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Time the job reached ''succeeded'', ''dead'' or ''cancelled''', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'jobs', @level2type = N'COLUMN', @level2name = N'finished_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Time the job reached ''succeeded'', ''dead'' or ''cancelled''', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'jobs', @level2type = N'COLUMN', @level2name = N'finished_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'jobs', N'INDEX', N'IX_intake_jobs_status_run_after_created_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Job claiming: due jobs of a status, oldest first', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'jobs', @level2type = N'INDEX', @level2name = N'IX_intake_jobs_status_run_after_created_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Job claiming: due jobs of a status, oldest first', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'jobs', @level2type = N'INDEX', @level2name = N'IX_intake_jobs_status_run_after_created_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'jobs', N'INDEX', N'IX_intake_jobs_thread_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Jobs of a thread', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'jobs', @level2type = N'INDEX', @level2name = N'IX_intake_jobs_thread_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Jobs of a thread', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'jobs', @level2type = N'INDEX', @level2name = N'IX_intake_jobs_thread_id';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 9 table intake.audit_events
-- Audit events: the immutable operational audit log; rows are appended, never updated or deleted.
CREATE TABLE intake.audit_events (
    audit_event_id bigint IDENTITY (1, 1) NOT NULL, -- Primary key
    workspace_id uniqueidentifier NOT NULL, -- Workspace (tenant)
    thread_id bigint NULL, -- Thread the event concerns (NULL = none)
    job_id bigint NULL, -- Job that recorded the event (NULL = not recorded by a job)
    type varchar(64) NOT NULL, -- Event type as a dotted lower-case name (e.g. 'extraction.succeeded', 'crm.write_sent')
    data_json nvarchar(max) NULL, -- Event details as a JSON object
    actor varchar(320) NULL, -- Who caused the event: a user's email or principal name, or a worker id (NULL = the system)
    created_at datetime2 NOT NULL CONSTRAINT DF_intake_audit_events_created_at DEFAULT (SYSUTCDATETIME()), -- Time the event was recorded
    CONSTRAINT PK_intake_audit_events PRIMARY KEY CLUSTERED (audit_event_id),
    CONSTRAINT FK_intake_audit_events_workspace_id_intake_workspaces FOREIGN KEY (workspace_id)
    REFERENCES intake.workspaces (workspace_id),
    CONSTRAINT FK_intake_audit_events_thread_id_intake_threads FOREIGN KEY (workspace_id, thread_id)
    REFERENCES intake.threads (workspace_id, thread_id),
    CONSTRAINT FK_intake_audit_events_job_id_intake_jobs FOREIGN KEY (workspace_id, job_id)
    REFERENCES intake.jobs (workspace_id, job_id),
    CONSTRAINT CK_intake_audit_events_type CHECK (type <> '' AND type NOT LIKE '%[^a-z0-9_.]%'),
    CONSTRAINT CK_intake_audit_events_data_json CHECK (ISJSON(data_json) = 1)
);

CREATE NONCLUSTERED INDEX IX_intake_audit_events_workspace_id_created_at -- Audit log of a workspace, newest first
    ON intake.audit_events (workspace_id, created_at DESC);

CREATE NONCLUSTERED INDEX IX_intake_audit_events_thread_id_created_at -- Audit trail of a thread, newest first
    ON intake.audit_events (thread_id, created_at DESC)
    WHERE thread_id IS NOT NULL;

CREATE NONCLUSTERED INDEX IX_intake_audit_events_job_id -- Audit trail of a job
    ON intake.audit_events (job_id)
    WHERE job_id IS NOT NULL;
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 9 describe intake.audit_events
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'audit_events', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Audit events: the immutable operational audit log; rows are appended, never updated or deleted.', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'audit_events';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Audit events: the immutable operational audit log; rows are appended, never updated or deleted.', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'audit_events';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'audit_events', N'COLUMN', N'audit_event_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'audit_events', @level2type = N'COLUMN', @level2name = N'audit_event_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'audit_events', @level2type = N'COLUMN', @level2name = N'audit_event_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'audit_events', N'COLUMN', N'workspace_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Workspace (tenant)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'audit_events', @level2type = N'COLUMN', @level2name = N'workspace_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Workspace (tenant)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'audit_events', @level2type = N'COLUMN', @level2name = N'workspace_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'audit_events', N'COLUMN', N'thread_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Thread the event concerns (NULL = none)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'audit_events', @level2type = N'COLUMN', @level2name = N'thread_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Thread the event concerns (NULL = none)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'audit_events', @level2type = N'COLUMN', @level2name = N'thread_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'audit_events', N'COLUMN', N'job_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Job that recorded the event (NULL = not recorded by a job)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'audit_events', @level2type = N'COLUMN', @level2name = N'job_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Job that recorded the event (NULL = not recorded by a job)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'audit_events', @level2type = N'COLUMN', @level2name = N'job_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'audit_events', N'COLUMN', N'type'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Event type as a dotted lower-case name (e.g. ''extraction.succeeded'', ''crm.write_sent'')', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'audit_events', @level2type = N'COLUMN', @level2name = N'type';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Event type as a dotted lower-case name (e.g. ''extraction.succeeded'', ''crm.write_sent'')', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'audit_events', @level2type = N'COLUMN', @level2name = N'type';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'audit_events', N'COLUMN', N'data_json'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Event details as a JSON object', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'audit_events', @level2type = N'COLUMN', @level2name = N'data_json';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Event details as a JSON object', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'audit_events', @level2type = N'COLUMN', @level2name = N'data_json';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'audit_events', N'COLUMN', N'actor'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Who caused the event: a user''s email or principal name, or a worker id (NULL = the system)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'audit_events', @level2type = N'COLUMN', @level2name = N'actor';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Who caused the event: a user''s email or principal name, or a worker id (NULL = the system)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'audit_events', @level2type = N'COLUMN', @level2name = N'actor';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'audit_events', N'COLUMN', N'created_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Time the event was recorded', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'audit_events', @level2type = N'COLUMN', @level2name = N'created_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Time the event was recorded', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'audit_events', @level2type = N'COLUMN', @level2name = N'created_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'audit_events', N'INDEX', N'IX_intake_audit_events_workspace_id_created_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Audit log of a workspace, newest first', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'audit_events', @level2type = N'INDEX', @level2name = N'IX_intake_audit_events_workspace_id_created_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Audit log of a workspace, newest first', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'audit_events', @level2type = N'INDEX', @level2name = N'IX_intake_audit_events_workspace_id_created_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'audit_events', N'INDEX', N'IX_intake_audit_events_thread_id_created_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Audit trail of a thread, newest first', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'audit_events', @level2type = N'INDEX', @level2name = N'IX_intake_audit_events_thread_id_created_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Audit trail of a thread, newest first', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'audit_events', @level2type = N'INDEX', @level2name = N'IX_intake_audit_events_thread_id_created_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'audit_events', N'INDEX', N'IX_intake_audit_events_job_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Audit trail of a job', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'audit_events', @level2type = N'INDEX', @level2name = N'IX_intake_audit_events_job_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Audit trail of a job', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'audit_events', @level2type = N'INDEX', @level2name = N'IX_intake_audit_events_job_id';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 10 table intake.crm_write_log
-- CRM write log: the idempotent ledger of CRM writes, both dry runs and real syncs; one row per idempotency key.
CREATE TABLE intake.crm_write_log (
    crm_write_id bigint IDENTITY (1, 1) NOT NULL, -- Primary key
    workspace_id uniqueidentifier NOT NULL, -- Workspace (tenant)
    thread_id bigint NULL, -- Thread whose content the write carries (NULL = not from one thread)
    crm varchar(32) NOT NULL, -- Target CRM, as a lower-case name (e.g. 'hubspot', 'salesforce')
    action varchar(32) NOT NULL, -- Write performed, as a lower-case name (e.g. 'create_deal', 'update_deal', 'add_note')
    idempotency_key varchar(200) NOT NULL, -- Caller's key for the write; a repeated key is the same write
    payload_hash char(64) NOT NULL, -- SHA-256 of the canonical request payload, 64 lower-case hex digits
    -- Status: 'dry_run', 'pending', 'succeeded', 'failed', 'skipped'
    status varchar(16) NOT NULL CONSTRAINT DF_intake_crm_write_log_status DEFAULT ('pending'),
    request_json nvarchar(max) NULL, -- Request sent (or, for a dry run, that would be sent) as a JSON object
    response_json nvarchar(max) NULL, -- CRM response as a JSON object (NULL = none yet)
    crm_object_id varchar(128) NULL, -- The CRM's id of the object written (NULL = none yet)
    error nvarchar(4000) NULL, -- Error of a failed write
    created_at datetime2 NOT NULL CONSTRAINT DF_intake_crm_write_log_created_at DEFAULT (SYSUTCDATETIME()), -- Creation timestamp
    updated_at datetime2 NOT NULL CONSTRAINT DF_intake_crm_write_log_updated_at DEFAULT (SYSUTCDATETIME()), -- Last update timestamp
    CONSTRAINT PK_intake_crm_write_log PRIMARY KEY CLUSTERED (crm_write_id),
    CONSTRAINT FK_intake_crm_write_log_workspace_id_intake_workspaces FOREIGN KEY (workspace_id)
    REFERENCES intake.workspaces (workspace_id),
    CONSTRAINT FK_intake_crm_write_log_thread_id_intake_threads FOREIGN KEY (workspace_id, thread_id)
    REFERENCES intake.threads (workspace_id, thread_id),
    CONSTRAINT CK_intake_crm_write_log_crm CHECK (crm <> '' AND crm NOT LIKE '%[^a-z0-9_]%'),
    CONSTRAINT CK_intake_crm_write_log_action CHECK (action <> '' AND action NOT LIKE '%[^a-z0-9_]%'),
    CONSTRAINT CK_intake_crm_write_log_idempotency_key CHECK (idempotency_key <> ''),
    CONSTRAINT CK_intake_crm_write_log_payload_hash CHECK (LEN(payload_hash) = 64 AND payload_hash NOT LIKE '%[^0-9a-f]%'),
    CONSTRAINT CK_intake_crm_write_log_status CHECK (status IN ('dry_run', 'pending', 'succeeded', 'failed', 'skipped')),
    CONSTRAINT CK_intake_crm_write_log_request_json CHECK (ISJSON(request_json) = 1),
    CONSTRAINT CK_intake_crm_write_log_response_json CHECK (ISJSON(response_json) = 1),
    CONSTRAINT CK_intake_crm_write_log_error CHECK (status <> 'failed' OR error IS NOT NULL)
);

CREATE UNIQUE NONCLUSTERED INDEX UX_intake_crm_write_log_workspace_id_crm_idempotency_key -- Idempotency: one row per key and CRM
    ON intake.crm_write_log (workspace_id, crm, idempotency_key);

CREATE NONCLUSTERED INDEX IX_intake_crm_write_log_thread_id_created_at -- CRM writes of a thread, newest first
    ON intake.crm_write_log (thread_id, created_at DESC);
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 10 describe intake.crm_write_log
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'crm_write_log', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'CRM write log: the idempotent ledger of CRM writes, both dry runs and real syncs; one row per idempotency key.', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'crm_write_log';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'CRM write log: the idempotent ledger of CRM writes, both dry runs and real syncs; one row per idempotency key.', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'crm_write_log';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'crm_write_log', N'COLUMN', N'crm_write_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'crm_write_log', @level2type = N'COLUMN', @level2name = N'crm_write_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'crm_write_log', @level2type = N'COLUMN', @level2name = N'crm_write_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'crm_write_log', N'COLUMN', N'workspace_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Workspace (tenant)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'crm_write_log', @level2type = N'COLUMN', @level2name = N'workspace_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Workspace (tenant)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'crm_write_log', @level2type = N'COLUMN', @level2name = N'workspace_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'crm_write_log', N'COLUMN', N'thread_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Thread whose content the write carries (NULL = not from one thread)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'crm_write_log', @level2type = N'COLUMN', @level2name = N'thread_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Thread whose content the write carries (NULL = not from one thread)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'crm_write_log', @level2type = N'COLUMN', @level2name = N'thread_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'crm_write_log', N'COLUMN', N'crm'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Target CRM, as a lower-case name (e.g. ''hubspot'', ''salesforce'')', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'crm_write_log', @level2type = N'COLUMN', @level2name = N'crm';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Target CRM, as a lower-case name (e.g. ''hubspot'', ''salesforce'')', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'crm_write_log', @level2type = N'COLUMN', @level2name = N'crm';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'crm_write_log', N'COLUMN', N'action'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Write performed, as a lower-case name (e.g. ''create_deal'', ''update_deal'', ''add_note'')', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'crm_write_log', @level2type = N'COLUMN', @level2name = N'action';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Write performed, as a lower-case name (e.g. ''create_deal'', ''update_deal'', ''add_note'')', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'crm_write_log', @level2type = N'COLUMN', @level2name = N'action';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'crm_write_log', N'COLUMN', N'idempotency_key'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Caller''s key for the write; a repeated key is the same write', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'crm_write_log', @level2type = N'COLUMN', @level2name = N'idempotency_key';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Caller''s key for the write; a repeated key is the same write', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'crm_write_log', @level2type = N'COLUMN', @level2name = N'idempotency_key';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'crm_write_log', N'COLUMN', N'payload_hash'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'SHA-256 of the canonical request payload, 64 lower-case hex digits', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'crm_write_log', @level2type = N'COLUMN', @level2name = N'payload_hash';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'SHA-256 of the canonical request payload, 64 lower-case hex digits', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'crm_write_log', @level2type = N'COLUMN', @level2name = N'payload_hash';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'crm_write_log', N'COLUMN', N'status'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Status: ''dry_run'', ''pending'', ''succeeded'', ''failed'', ''skipped''', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'crm_write_log', @level2type = N'COLUMN', @level2name = N'status';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Status: ''dry_run'', ''pending'', ''succeeded'', ''failed'', ''skipped''', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'crm_write_log', @level2type = N'COLUMN', @level2name = N'status';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'crm_write_log', N'COLUMN', N'request_json'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Request sent (or, for a dry run, that would be sent) as a JSON object', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'crm_write_log', @level2type = N'COLUMN', @level2name = N'request_json';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Request sent (or, for a dry run, that would be sent) as a JSON object', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'crm_write_log', @level2type = N'COLUMN', @level2name = N'request_json';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'crm_write_log', N'COLUMN', N'response_json'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'CRM response as a JSON object (NULL = none yet)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'crm_write_log', @level2type = N'COLUMN', @level2name = N'response_json';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'CRM response as a JSON object (NULL = none yet)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'crm_write_log', @level2type = N'COLUMN', @level2name = N'response_json';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'crm_write_log', N'COLUMN', N'crm_object_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'The CRM''s id of the object written (NULL = none yet)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'crm_write_log', @level2type = N'COLUMN', @level2name = N'crm_object_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'The CRM''s id of the object written (NULL = none yet)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'crm_write_log', @level2type = N'COLUMN', @level2name = N'crm_object_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'crm_write_log', N'COLUMN', N'error'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Error of a failed write', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'crm_write_log', @level2type = N'COLUMN', @level2name = N'error';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Error of a failed write', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'crm_write_log', @level2type = N'COLUMN', @level2name = N'error';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'crm_write_log', N'COLUMN', N'created_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Creation timestamp', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'crm_write_log', @level2type = N'COLUMN', @level2name = N'created_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Creation timestamp', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'crm_write_log', @level2type = N'COLUMN', @level2name = N'created_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'crm_write_log', N'COLUMN', N'updated_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Last update timestamp', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'crm_write_log', @level2type = N'COLUMN', @level2name = N'updated_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Last update timestamp', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'crm_write_log', @level2type = N'COLUMN', @level2name = N'updated_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'crm_write_log', N'INDEX', N'UX_intake_crm_write_log_workspace_id_crm_idempotency_key'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Idempotency: one row per key and CRM', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'crm_write_log', @level2type = N'INDEX', @level2name = N'UX_intake_crm_write_log_workspace_id_crm_idempotency_key';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Idempotency: one row per key and CRM', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'crm_write_log', @level2type = N'INDEX', @level2name = N'UX_intake_crm_write_log_workspace_id_crm_idempotency_key';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'crm_write_log', N'INDEX', N'IX_intake_crm_write_log_thread_id_created_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'CRM writes of a thread, newest first', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'crm_write_log', @level2type = N'INDEX', @level2name = N'IX_intake_crm_write_log_thread_id_created_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'CRM writes of a thread, newest first', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'crm_write_log', @level2type = N'INDEX', @level2name = N'IX_intake_crm_write_log_thread_id_created_at';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 11 table intake.policies
-- Policies: versioned workspace policy documents (JSON); at most one active version per policy key.
CREATE TABLE intake.policies (
    policy_id bigint IDENTITY (1, 1) NOT NULL, -- Primary key
    workspace_id uniqueidentifier NOT NULL, -- Workspace (tenant)
    policy_key varchar(64) NOT NULL, -- Policy name, as a lower-case name (e.g. 'default', 'crm_sync', 'review')
    version int NOT NULL, -- Version number of the policy key, from 1
    policy nvarchar(max) NOT NULL, -- Policy document as a JSON object
    is_active bit NOT NULL CONSTRAINT DF_intake_policies_is_active DEFAULT (1), -- Active flag (the version in force)
    created_at datetime2 NOT NULL CONSTRAINT DF_intake_policies_created_at DEFAULT (SYSUTCDATETIME()), -- Creation timestamp
    created_by varchar(320) NULL, -- Who wrote this version (email or principal name; NULL = the system)
    updated_at datetime2 NOT NULL CONSTRAINT DF_intake_policies_updated_at DEFAULT (SYSUTCDATETIME()), -- Last update timestamp
    CONSTRAINT PK_intake_policies PRIMARY KEY CLUSTERED (policy_id),
    CONSTRAINT FK_intake_policies_workspace_id_intake_workspaces FOREIGN KEY (workspace_id)
    REFERENCES intake.workspaces (workspace_id),
    CONSTRAINT CK_intake_policies_policy_key CHECK (policy_key <> '' AND policy_key NOT LIKE '%[^a-z0-9_]%'),
    CONSTRAINT CK_intake_policies_version CHECK (version >= 1),
    CONSTRAINT CK_intake_policies_policy CHECK (ISJSON(policy) = 1)
);

CREATE UNIQUE NONCLUSTERED INDEX UX_intake_policies_workspace_id_policy_key_version -- Versions of a policy key, each once
    ON intake.policies (workspace_id, policy_key, version);

CREATE UNIQUE NONCLUSTERED INDEX UX_intake_policies_active -- At most one active version per policy key
    ON intake.policies (workspace_id, policy_key)
    WHERE is_active = 1;
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 11 describe intake.policies
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'policies', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Policies: versioned workspace policy documents (JSON); at most one active version per policy key.', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'policies';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Policies: versioned workspace policy documents (JSON); at most one active version per policy key.', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'policies';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'policies', N'COLUMN', N'policy_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'policies', @level2type = N'COLUMN', @level2name = N'policy_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Primary key', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'policies', @level2type = N'COLUMN', @level2name = N'policy_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'policies', N'COLUMN', N'workspace_id'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Workspace (tenant)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'policies', @level2type = N'COLUMN', @level2name = N'workspace_id';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Workspace (tenant)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'policies', @level2type = N'COLUMN', @level2name = N'workspace_id';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'policies', N'COLUMN', N'policy_key'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Policy name, as a lower-case name (e.g. ''default'', ''crm_sync'', ''review'')', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'policies', @level2type = N'COLUMN', @level2name = N'policy_key';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Policy name, as a lower-case name (e.g. ''default'', ''crm_sync'', ''review'')', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'policies', @level2type = N'COLUMN', @level2name = N'policy_key';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'policies', N'COLUMN', N'version'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Version number of the policy key, from 1', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'policies', @level2type = N'COLUMN', @level2name = N'version';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Version number of the policy key, from 1', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'policies', @level2type = N'COLUMN', @level2name = N'version';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'policies', N'COLUMN', N'policy'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Policy document as a JSON object', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'policies', @level2type = N'COLUMN', @level2name = N'policy';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Policy document as a JSON object', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'policies', @level2type = N'COLUMN', @level2name = N'policy';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'policies', N'COLUMN', N'is_active'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Active flag (the version in force)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'policies', @level2type = N'COLUMN', @level2name = N'is_active';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Active flag (the version in force)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'policies', @level2type = N'COLUMN', @level2name = N'is_active';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'policies', N'COLUMN', N'created_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Creation timestamp', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'policies', @level2type = N'COLUMN', @level2name = N'created_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Creation timestamp', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'policies', @level2type = N'COLUMN', @level2name = N'created_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'policies', N'COLUMN', N'created_by'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Who wrote this version (email or principal name; NULL = the system)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'policies', @level2type = N'COLUMN', @level2name = N'created_by';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Who wrote this version (email or principal name; NULL = the system)', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'policies', @level2type = N'COLUMN', @level2name = N'created_by';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'policies', N'COLUMN', N'updated_at'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Last update timestamp', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'policies', @level2type = N'COLUMN', @level2name = N'updated_at';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Last update timestamp', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'policies', @level2type = N'COLUMN', @level2name = N'updated_at';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'policies', N'INDEX', N'UX_intake_policies_workspace_id_policy_key_version'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Versions of a policy key, each once', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'policies', @level2type = N'INDEX', @level2name = N'UX_intake_policies_workspace_id_policy_key_version';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Versions of a policy key, each once', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'policies', @level2type = N'INDEX', @level2name = N'UX_intake_policies_workspace_id_policy_key_version';
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'TABLE', N'policies', N'INDEX', N'UX_intake_policies_active'))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'At most one active version per policy key', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'policies', @level2type = N'INDEX', @level2name = N'UX_intake_policies_active';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'At most one active version per policy key', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'TABLE', @level1name = N'policies', @level2type = N'INDEX', @level2name = N'UX_intake_policies_active';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 12 module intake.sp_ingest_message
-- Ingests one email message into a workspace: deduplicated by Message-ID, threaded by its reply headers, audited.
--
-- 1. Dedupe: a Message-ID the workspace already has is not stored again; the existing row is returned with
--    is_duplicate = 1 and nothing is written. The lookup runs inside the transaction under UPDLOCK, HOLDLOCK, so
--    concurrent ingests of one Message-ID run one after the other; the unique index
--    UX_intake_messages_workspace_id_message_id is the last line of defence: when the procedure owns the
--    transaction, its violation (a writer that bypassed the lock) is answered by reading the existing row again.
-- 2. Threading (threaded_by): the thread of the message named by @in_reply_to ('in_reply_to'; the whole header, or
--    any of its whitespace-separated Message-IDs, the newest ingested match wins), else of the newest entry of
--    @references_json the workspace has ('references'; searched from the end of the array, the newest reference),
--    else a new thread ('new_thread'): status 'open', subject = the message's subject without its leading
--    Re:/Fw:/Fwd: prefixes (repeated, any case), primary_contact_email = the sender for an inbound message, the
--    first To address for an outbound one. Only this workspace's messages are searched.
-- 3. The thread's last_message_at moves forward to the message's time (received_at, else sent_at, else now) and
--    never back, so late arrivals keep the newest time; updated_at = now; a thread without a subject or contact
--    email gets this message's. The thread's status is left as it is (a closed thread stays closed).
-- 4. Audit events, in the same transaction: 'thread.created' (data thread_id, message_row_id) when a thread was
--    made, then 'message.ingested' (data message_row_id, thread_id, threaded_by, message_id, direction).
-- Late parent: when a message arrives after a reply that referenced it, the reply keeps its thread (rows already
-- stored are never re-threaded) and the parent is threaded by its own headers only, so such a conversation can be
-- split into two threads; a later message that references both joins the thread of the newest reference it names.
-- Returns one row: message_row_id, thread_id, is_duplicate, threaded_by (NULL for a duplicate).
-- Errors (docs/errors.md), raised before anything is written:
--   50230 unknown workspace, 50231 empty @message_id, 50232 @references_json not a JSON array of strings,
--   50233 @direction not inbound or outbound, 50234 empty @from_address, 50235 @to_json or @cc_json not a JSON array
--   of objects, 50236 @headers_json not a JSON array of objects.
CREATE OR ALTER PROCEDURE intake.sp_ingest_message
    @workspace_id uniqueidentifier,
    @message_id nvarchar(800),
    @in_reply_to nvarchar(2000) = NULL,
    @references_json nvarchar(max) = NULL,
    @subject nvarchar(2000) = NULL,
    @from_address varchar(320),
    @from_name nvarchar(320) = NULL,
    @to_json nvarchar(max) = NULL,
    @cc_json nvarchar(max) = NULL,
    @sent_at datetime2 = NULL,
    @received_at datetime2 = NULL,
    @text nvarchar(max) = NULL,
    @html nvarchar(max) = NULL,
    @headers_json nvarchar(max) = NULL,
    @direction varchar(8) = 'inbound',
    @actor varchar(320) = NULL
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    DECLARE @now datetime2 = SYSUTCDATETIME();
    DECLARE @outer_trancount int = @@TRANCOUNT;
    DECLARE @attempt int = 0;
    DECLARE @done bit = 0;
    DECLARE @json_type tinyint;
    DECLARE @message_row_id bigint;
    DECLARE @thread_id bigint;
    DECLARE @is_duplicate bit = 0;
    DECLARE @threaded_by varchar(16);
    DECLARE @message_at datetime2 = COALESCE(@received_at, @sent_at, @now);
    DECLARE @thread_subject nvarchar(2000);
    DECLARE @stripping bit = 1;
    DECLARE @contact_email varchar(320);
    DECLARE @reply_ids nvarchar(2000);
    DECLARE @data nvarchar(max);

    BEGIN TRY
        SET @message_id = LTRIM(RTRIM(@message_id));
        SET @in_reply_to = NULLIF(LTRIM(RTRIM(@in_reply_to)), N'');
        SET @reply_ids = REPLACE(REPLACE(REPLACE(@in_reply_to, NCHAR(13), N' '), NCHAR(10), N' '), NCHAR(9), N' ');
        SET @from_address = LTRIM(RTRIM(@from_address));
        SET @direction = LOWER(LTRIM(RTRIM(@direction)));

        IF NOT EXISTS (SELECT 1 FROM intake.workspaces AS w WHERE w.workspace_id = @workspace_id)
            THROW 50230, N'sp_ingest_message: @workspace_id does not name a workspace.', 1;
        IF NULLIF(@message_id, N'') IS NULL
            THROW 50231, N'sp_ingest_message: @message_id (the Message-ID header) is required.', 1;

        -- JSON arguments: @references_json an array of strings; the recipient and header lists arrays of objects.
        IF @references_json IS NOT NULL
            BEGIN
                SET @json_type = NULL;
                IF ISJSON(@references_json) = 1
                    SELECT @json_type = j.type
                    FROM OPENJSON(CONCAT(N'{"v":', @references_json, N'}')) AS j
                    WHERE j.[key] = N'v';
                IF @json_type IS NULL OR @json_type <> 4
                    THROW 50232, N'sp_ingest_message: @references_json must be a JSON array of Message-ID strings.', 1;
                -- Elements are read only once the argument is known to be an array (OPENJSON fails on bad JSON).
                IF EXISTS (SELECT 1 FROM OPENJSON(@references_json) AS r WHERE r.type <> 1)
                    THROW 50232, N'sp_ingest_message: @references_json must be a JSON array of Message-ID strings.', 1;
            END;
        IF @direction IS NULL OR @direction NOT IN ('inbound', 'outbound')
            THROW 50233, N'sp_ingest_message: @direction must be inbound or outbound.', 1;
        IF NULLIF(@from_address, '') IS NULL
            THROW 50234, N'sp_ingest_message: @from_address (the From header''s address) is required.', 1;
        IF @to_json IS NOT NULL
            BEGIN
                SET @json_type = NULL;
                IF ISJSON(@to_json) = 1
                    SELECT @json_type = j.type
                    FROM OPENJSON(CONCAT(N'{"v":', @to_json, N'}')) AS j
                    WHERE j.[key] = N'v';
                IF @json_type IS NULL OR @json_type <> 4
                    THROW 50235, N'sp_ingest_message: @to_json must be a JSON array of {"address", "name"} objects.', 1;
                IF EXISTS (SELECT 1 FROM OPENJSON(@to_json) AS r WHERE r.type <> 5)
                    THROW 50235, N'sp_ingest_message: @to_json must be a JSON array of {"address", "name"} objects.', 1;
            END;
        IF @cc_json IS NOT NULL
            BEGIN
                SET @json_type = NULL;
                IF ISJSON(@cc_json) = 1
                    SELECT @json_type = j.type
                    FROM OPENJSON(CONCAT(N'{"v":', @cc_json, N'}')) AS j
                    WHERE j.[key] = N'v';
                IF @json_type IS NULL OR @json_type <> 4
                    THROW 50235, N'sp_ingest_message: @cc_json must be a JSON array of {"address", "name"} objects.', 1;
                IF EXISTS (SELECT 1 FROM OPENJSON(@cc_json) AS r WHERE r.type <> 5)
                    THROW 50235, N'sp_ingest_message: @cc_json must be a JSON array of {"address", "name"} objects.', 1;
            END;
        IF @headers_json IS NOT NULL
            BEGIN
                SET @json_type = NULL;
                IF ISJSON(@headers_json) = 1
                    SELECT @json_type = j.type
                    FROM OPENJSON(CONCAT(N'{"v":', @headers_json, N'}')) AS j
                    WHERE j.[key] = N'v';
                IF @json_type IS NULL OR @json_type <> 4
                    THROW 50236, N'sp_ingest_message: @headers_json must be a JSON array of {"name", "value"} objects.', 1;
                IF EXISTS (SELECT 1 FROM OPENJSON(@headers_json) AS r WHERE r.type <> 5)
                    THROW 50236, N'sp_ingest_message: @headers_json must be a JSON array of {"name", "value"} objects.', 1;
            END;

        -- The subject of a new thread: the message's subject without its reply and forward prefixes.
        SET @thread_subject = LTRIM(RTRIM(@subject));
        WHILE @stripping = 1 AND @thread_subject IS NOT NULL
            BEGIN
                IF UPPER(LEFT(@thread_subject, 4)) = N'FWD:'
                    SET @thread_subject = LTRIM(SUBSTRING(@thread_subject, 5, 2000));
                ELSE IF UPPER(LEFT(@thread_subject, 3)) IN (N'RE:', N'FW:')
                    SET @thread_subject = LTRIM(SUBSTRING(@thread_subject, 4, 2000));
                ELSE
                    SET @stripping = 0;
            END;
        SET @thread_subject = NULLIF(@thread_subject, N'');
        SET @contact_email = CASE
            WHEN @direction = 'inbound' THEN @from_address
            ELSE NULLIF(LTRIM(RTRIM(JSON_VALUE(@to_json, N'$[0].address'))), N'')
        END;

        -- One retry: a unique-key violation by a writer that bypassed the lock is answered by the dedupe lookup.
        WHILE @done = 0
            BEGIN
                BEGIN TRY
                    SET @message_row_id = NULL;
                    SET @thread_id = NULL;
                    SET @threaded_by = NULL;
                    SET @is_duplicate = 0;

                    BEGIN TRANSACTION;

                    -- Step 1: the Message-ID, locked so that concurrent ingests of it run one after the other.
                    SELECT
                        @message_row_id = m.message_row_id,
                        @thread_id = m.thread_id
                    FROM intake.messages AS m WITH (UPDLOCK, HOLDLOCK)
                    WHERE m.workspace_id = @workspace_id AND m.message_id = @message_id;

                    IF @message_row_id IS NOT NULL
                        SET @is_duplicate = 1;
                    ELSE
                        BEGIN
                            -- Step 2: the thread. READCOMMITTEDLOCK waits for a parent being ingested right now
                            -- (also where READ_COMMITTED_SNAPSHOT is on) instead of missing it.
                            IF @in_reply_to IS NOT NULL
                                SELECT TOP (1) @thread_id = m.thread_id
                                FROM intake.messages AS m WITH (READCOMMITTEDLOCK)
                                WHERE
                                    m.workspace_id = @workspace_id
                                    AND m.message_id IN (
                                        SELECT @in_reply_to AS message_id
                                        UNION
                                        SELECT s.value AS message_id
                                        FROM STRING_SPLIT(@reply_ids, N' ') AS s
                                        WHERE s.value <> N''
                                    )
                                ORDER BY m.message_row_id DESC;
                            IF @thread_id IS NOT NULL
                                SET @threaded_by = 'in_reply_to';

                            IF @thread_id IS NULL AND @references_json IS NOT NULL
                                SELECT TOP (1) @thread_id = m.thread_id
                                FROM OPENJSON(@references_json) AS r
                                INNER JOIN intake.messages AS m WITH (READCOMMITTEDLOCK)
                                    ON
                                        m.workspace_id = @workspace_id
                                        AND m.message_id = CONVERT(nvarchar(800), LTRIM(RTRIM(r.[value])))
                                WHERE LEN(r.[value]) <= 800
                                ORDER BY CONVERT(int, r.[key]) DESC;
                            IF @thread_id IS NOT NULL AND @threaded_by IS NULL
                                SET @threaded_by = 'references';

                            IF @thread_id IS NULL
                                BEGIN
                                    SET @threaded_by = 'new_thread';
                                    INSERT INTO intake.threads (
                                        workspace_id, subject, primary_contact_email, status, last_message_at,
                                        created_at, updated_at
                                    )
                                    VALUES (
                                        @workspace_id, @thread_subject, @contact_email, 'open', @message_at, @now, @now
                                    );
                                    SET @thread_id = SCOPE_IDENTITY();
                                END
                            ELSE
                                UPDATE t
                                SET
                                    t.last_message_at = CASE
                                        WHEN t.last_message_at IS NULL OR t.last_message_at < @message_at
                                            THEN @message_at
                                        ELSE t.last_message_at
                                    END,
                                    t.subject = COALESCE(t.subject, @thread_subject),
                                    t.primary_contact_email = COALESCE(t.primary_contact_email, @contact_email),
                                    t.updated_at = @now
                                FROM intake.threads AS t
                                WHERE t.workspace_id = @workspace_id AND t.thread_id = @thread_id;

                            -- Step 3: the message.
                            INSERT INTO intake.messages (
                                workspace_id, thread_id, message_id, in_reply_to, references_json, direction,
                                from_address, from_name, to_json, cc_json, subject, sent_at, received_at, headers_json,
                                text, html, created_at, updated_at
                            )
                            VALUES (
                                @workspace_id, @thread_id, @message_id, @in_reply_to, @references_json, @direction,
                                @from_address, @from_name, @to_json, @cc_json, @subject, @sent_at, @received_at,
                                @headers_json, @text, @html, @now, @now
                            );
                            SET @message_row_id = SCOPE_IDENTITY();

                            -- Step 4: the audit trail.
                            IF @threaded_by = 'new_thread'
                                INSERT INTO intake.audit_events (workspace_id, thread_id, type, data_json, actor, created_at)
                                VALUES (
                                    @workspace_id, @thread_id, 'thread.created',
                                    CONCAT(N'{"thread_id":', @thread_id, N',"message_row_id":', @message_row_id, N'}'),
                                    @actor, @now
                                );

                            SET @data = CONCAT(
                                N'{"message_row_id":', @message_row_id,
                                N',"thread_id":', @thread_id,
                                N',"threaded_by":"', @threaded_by,
                                N'","message_id":"', STRING_ESCAPE(@message_id, 'json'),
                                N'","direction":"', @direction, N'"}'
                            );
                            INSERT INTO intake.audit_events (workspace_id, thread_id, type, data_json, actor, created_at)
                            VALUES (@workspace_id, @thread_id, 'message.ingested', @data, @actor, @now);
                        END;

                    COMMIT TRANSACTION;
                    SET @done = 1;
                END TRY
                BEGIN CATCH
                    IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
                    -- Retry once, and only when this call owned the transaction (a caller's one is gone now).
                    IF
                        ERROR_NUMBER() IN (2601, 2627)
                        AND ERROR_MESSAGE() LIKE N'%UX[_]intake[_]messages[_]workspace[_]id[_]message[_]id%'
                        AND @outer_trancount = 0
                        AND @attempt = 0
                        SET @attempt = 1;
                    ELSE
                        THROW;
                END CATCH;
            END;

        SELECT
            m.message_row_id,
            m.thread_id,
            @is_duplicate AS is_duplicate,
            @threaded_by AS threaded_by
        FROM intake.messages AS m
        WHERE m.message_row_id = @message_row_id;
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
-- wsdb:step 12 describe intake.sp_ingest_message
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'PROCEDURE', N'sp_ingest_message', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Ingests one email message into a workspace: deduplicated by Message-ID, threaded by its reply headers, audited.', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'PROCEDURE', @level1name = N'sp_ingest_message';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Ingests one email message into a workspace: deduplicated by Message-ID, threaded by its reply headers, audited.', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'PROCEDURE', @level1name = N'sp_ingest_message';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 13 module intake.sp_append_audit_event
-- Appends one event to the intake audit log (intake.audit_events).
--
-- Writes a single row and opens no transaction of its own, so a procedure that changes intake rows calls it inside
-- its own transaction: the change and its audit event commit or roll back together. @type is a dotted lower-case
-- name ('job.enqueued', 'crm.write_sent'): segments of a-z, 0-9 and _ joined by single dots, at most 64 characters.
-- @data_json is a JSON object (or NULL). @thread_id and @job_id, when given, must belong to @workspace_id. @actor is
-- who caused the event (a user's email or principal name, or a worker id; NULL = the system). @type and @actor are
-- declared one character wider than their columns, so a longer value is refused instead of silently cut.
-- Returns the new audit_event_id in @audit_event_id (no result set, so it can run inside other procedures).
-- Errors (docs/errors.md), raised before anything is written:
--   50200 unknown workspace, 50201 @type missing or not a dotted lower-case name of up to 64 characters,
--   50202 @data_json not a JSON object, 50203 @thread_id not a thread of the workspace, 50204 @job_id not a job of
--   the workspace, 50205 @actor empty or longer than 320 characters.
CREATE OR ALTER PROCEDURE intake.sp_append_audit_event
    @workspace_id uniqueidentifier,
    @type varchar(65),
    @data_json nvarchar(max) = NULL,
    @thread_id bigint = NULL,
    @job_id bigint = NULL,
    @actor varchar(321) = NULL,
    @audit_event_id bigint = NULL OUTPUT
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    BEGIN TRY
        IF NOT EXISTS (SELECT 1 FROM intake.workspaces AS w WHERE w.workspace_id = @workspace_id)
            THROW 50200, N'sp_append_audit_event: @workspace_id does not name a workspace.', 1;
        IF
            @type IS NULL
            OR @type = ''
            OR LEN(@type) > 64
            OR @type COLLATE Latin1_General_100_BIN2 LIKE '%[^a-z0-9_.]%'
            OR LEFT(@type, 1) = '.'
            OR RIGHT(@type, 1) = '.'
            OR CHARINDEX('..', @type) > 0
            THROW 50201, N'sp_append_audit_event: @type must be a dotted lower-case name (a-z, 0-9, _), at most 64 characters.', 1;
        -- Checked one step at a time: OPENJSON fails on text that is not JSON, and OR does not short-circuit.
        IF @data_json IS NOT NULL AND ISJSON(@data_json) = 0
            THROW 50202, N'sp_append_audit_event: @data_json must be a JSON object.', 1;
        -- ISJSON accepts arrays too; wrapped in brackets, an object is an element of type 5 (an array: 4).
        IF
            @data_json IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM OPENJSON(CONCAT(N'[', @data_json, N']')) AS d WHERE d.[type] = 5)
            THROW 50202, N'sp_append_audit_event: @data_json must be a JSON object.', 1;
        IF
            @thread_id IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM intake.threads AS t
                WHERE t.workspace_id = @workspace_id AND t.thread_id = @thread_id
            )
            THROW 50203, N'sp_append_audit_event: @thread_id is not a thread of @workspace_id.', 1;
        IF
            @job_id IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM intake.jobs AS j
                WHERE j.workspace_id = @workspace_id AND j.job_id = @job_id
            )
            THROW 50204, N'sp_append_audit_event: @job_id is not a job of @workspace_id.', 1;
        IF @actor IS NOT NULL AND (NULLIF(LTRIM(@actor), '') IS NULL OR LEN(@actor) > 320)
            THROW 50205, N'sp_append_audit_event: @actor must be NULL (the system) or 1 to 320 characters.', 1;

        INSERT INTO intake.audit_events (workspace_id, thread_id, job_id, type, data_json, actor, created_at)
        VALUES (@workspace_id, @thread_id, @job_id, @type, @data_json, @actor, SYSUTCDATETIME());
        SET @audit_event_id = SCOPE_IDENTITY();
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
-- wsdb:step 13 describe intake.sp_append_audit_event
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'PROCEDURE', N'sp_append_audit_event', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Appends one event to the intake audit log (intake.audit_events).', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'PROCEDURE', @level1name = N'sp_append_audit_event';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Appends one event to the intake audit log (intake.audit_events).', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'PROCEDURE', @level1name = N'sp_append_audit_event';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 14 module intake.sp_enqueue_job
-- Queues one job (intake.jobs) for the workers and records 'job.enqueued' in the audit log, in one transaction.
--
-- The job starts 'queued' with attempts = 0 and becomes claimable (intake.sp_claim_jobs) once run_after has come:
-- @run_after (UTC) or, when NULL, now. @job_type is a dotted lower-case name ('ingest_message', 'crm_sync'):
-- segments of a-z, 0-9 and _ joined by single dots, at most 64 characters. @payload_json is the job's arguments as
-- a JSON object (or NULL). @thread_id, when given, must be a thread of @workspace_id. @max_attempts is the number of
-- claims the job may have before it is dead (1 or more). @actor is who asked for the job (NULL = the system); it is
-- the audit event's actor. @job_type and @actor are declared one character wider than their columns, so a longer
-- value is refused instead of silently cut.
-- Audit event 'job.enqueued' (job_id, thread_id, actor): data {"job_type", "run_after", "max_attempts"}.
-- Returns one row: job_id, run_after.
-- Errors (docs/errors.md), raised before anything is written:
--   50206 unknown workspace, 50207 @job_type missing or not a dotted lower-case name of up to 64 characters,
--   50208 @payload_json not a JSON object, 50209 @max_attempts missing or below 1, 50210 @thread_id not a thread of
--   the workspace, 50211 @actor empty or longer than 320 characters.
CREATE OR ALTER PROCEDURE intake.sp_enqueue_job
    @workspace_id uniqueidentifier,
    @job_type varchar(65),
    @payload_json nvarchar(max) = NULL,
    @run_after datetime2 = NULL,
    @max_attempts int = 5,
    @thread_id bigint = NULL,
    @actor varchar(321) = NULL
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    DECLARE @now datetime2 = SYSUTCDATETIME();
    DECLARE @job_id bigint;
    DECLARE @data nvarchar(max);
    DECLARE @audit_event_id bigint;

    BEGIN TRY
        IF NOT EXISTS (SELECT 1 FROM intake.workspaces AS w WHERE w.workspace_id = @workspace_id)
            THROW 50206, N'sp_enqueue_job: @workspace_id does not name a workspace.', 1;
        IF
            @job_type IS NULL
            OR @job_type = ''
            OR LEN(@job_type) > 64
            OR @job_type COLLATE Latin1_General_100_BIN2 LIKE '%[^a-z0-9_.]%'
            OR LEFT(@job_type, 1) = '.'
            OR RIGHT(@job_type, 1) = '.'
            OR CHARINDEX('..', @job_type) > 0
            THROW 50207, N'sp_enqueue_job: @job_type must be a dotted lower-case name (a-z, 0-9, _), at most 64 characters.', 1;
        -- Checked one step at a time: OPENJSON fails on text that is not JSON, and OR does not short-circuit.
        IF @payload_json IS NOT NULL AND ISJSON(@payload_json) = 0
            THROW 50208, N'sp_enqueue_job: @payload_json must be a JSON object.', 1;
        -- ISJSON accepts arrays too; wrapped in brackets, an object is an element of type 5 (an array: 4).
        IF
            @payload_json IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM OPENJSON(CONCAT(N'[', @payload_json, N']')) AS p WHERE p.[type] = 5)
            THROW 50208, N'sp_enqueue_job: @payload_json must be a JSON object.', 1;
        IF @max_attempts IS NULL OR @max_attempts < 1
            THROW 50209, N'sp_enqueue_job: @max_attempts must be 1 or more.', 1;
        IF
            @thread_id IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM intake.threads AS t
                WHERE t.workspace_id = @workspace_id AND t.thread_id = @thread_id
            )
            THROW 50210, N'sp_enqueue_job: @thread_id is not a thread of @workspace_id.', 1;
        IF @actor IS NOT NULL AND (NULLIF(LTRIM(@actor), '') IS NULL OR LEN(@actor) > 320)
            THROW 50211, N'sp_enqueue_job: @actor must be NULL (the system) or 1 to 320 characters.', 1;

        SET @run_after = COALESCE(@run_after, @now);

        BEGIN TRANSACTION;

        INSERT INTO intake.jobs (
            workspace_id, job_type, thread_id, payload_json, status, run_after, attempts, max_attempts, created_at,
            updated_at
        )
        VALUES (
            @workspace_id, @job_type, @thread_id, @payload_json, 'queued', @run_after, 0, @max_attempts, @now, @now
        );
        SET @job_id = SCOPE_IDENTITY();

        SET @data = (
            SELECT
                @job_type AS job_type,
                @run_after AS run_after,
                @max_attempts AS max_attempts
            FOR JSON PATH, WITHOUT_ARRAY_WRAPPER
        );

        EXEC intake.sp_append_audit_event
            @workspace_id = @workspace_id,
            @type = 'job.enqueued',
            @data_json = @data,
            @thread_id = @thread_id,
            @job_id = @job_id,
            @actor = @actor,
            @audit_event_id = @audit_event_id OUTPUT;

        COMMIT TRANSACTION;

        SELECT
            @job_id AS job_id,
            @run_after AS run_after;
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
-- wsdb:step 14 describe intake.sp_enqueue_job
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'PROCEDURE', N'sp_enqueue_job', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Queues one job (intake.jobs) for the workers and records ''job.enqueued'' in the audit log, in one transaction.', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'PROCEDURE', @level1name = N'sp_enqueue_job';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Queues one job (intake.jobs) for the workers and records ''job.enqueued'' in the audit log, in one transaction.', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'PROCEDURE', @level1name = N'sp_enqueue_job';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 15 module intake.sp_claim_jobs
-- Claims a batch of due jobs (intake.jobs) for one worker under a lease, in the order of the claiming index.
--
-- A job is claimable when it is 'queued', or 'failed' and waiting for its retry (the table's retry state), its
-- run_after has come and it has attempts left (attempts < max_attempts). Jobs are taken in the order of the seed's
-- claiming index IX_intake_jobs_status_run_after_created_at: status, run_after, created_at (then job_id), so due
-- retries ('failed') come before fresh jobs ('queued'). Rows other sessions have locked are skipped (UPDLOCK, READPAST,
-- ROWLOCK: T-SQL's FOR UPDATE SKIP LOCKED), so workers never wait for each other and no job is ever handed to two
-- workers. Each claimed job becomes 'running' with locked_at = now, locked_by = @worker, locked_until = now +
-- @lease_seconds, and attempts + 1: attempts counts claims (attempts started), so it never passes max_attempts.
-- A worker that neither completes, fails nor heartbeats the job before its lease ends loses it to
-- intake.sp_reclaim_jobs. @workspace_id and @job_type restrict the claim to one workspace and one kind of job.
-- Audit event 'job.claimed' per job (job_id, thread_id, actor = @worker): data {"attempt", "max_attempts",
-- "locked_until"}, in the claim's transaction.
-- Returns the claimed jobs in claim order (no rows when there is nothing to do): job_id, workspace_id, thread_id,
-- job_type, payload_json, attempts, max_attempts, run_after, last_error, created_at, locked_at, locked_by,
-- locked_until.
-- Errors (docs/errors.md), raised before anything is written:
--   50212 @worker missing, empty or longer than 64 characters, 50213 @batch_size not between 1 and 2000 or
--   @lease_seconds not between 1 and 86400 (one day), 50214 @workspace_id given but not a workspace,
--   50215 @job_type given but not a dotted lower-case name of up to 64 characters.
CREATE OR ALTER PROCEDURE intake.sp_claim_jobs
    @worker varchar(65),
    @batch_size int = 10,
    @lease_seconds int = 300,
    @workspace_id uniqueidentifier = NULL,
    @job_type varchar(65) = NULL
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    -- READPAST needs READ COMMITTED (or REPEATABLE READ); a caller's SERIALIZABLE (TransactionScope's default)
    -- would make it fail with error 650. Set here, the level reverts to the caller's when the procedure returns.
    SET TRANSACTION ISOLATION LEVEL READ COMMITTED;

    DECLARE @now datetime2 = SYSUTCDATETIME();
    DECLARE @claimed TABLE (
        job_id bigint NOT NULL PRIMARY KEY,
        workspace_id uniqueidentifier NOT NULL,
        thread_id bigint NULL,
        job_type varchar(64) NOT NULL,
        payload_json nvarchar(max) NULL,
        attempts int NOT NULL,
        max_attempts int NOT NULL,
        run_after datetime2 NOT NULL,
        last_error nvarchar(2000) NULL,
        created_at datetime2 NOT NULL,
        locked_at datetime2 NOT NULL,
        locked_by varchar(64) NOT NULL,
        locked_until datetime2 NOT NULL,
        claimed_from varchar(16) NOT NULL
    );

    BEGIN TRY
        IF NULLIF(LTRIM(@worker), '') IS NULL OR LEN(@worker) > 64
            THROW 50212, N'sp_claim_jobs: @worker is required (at most 64 characters).', 1;
        IF @batch_size IS NULL OR @batch_size < 1 OR @batch_size > 2000
            THROW 50213, N'sp_claim_jobs: @batch_size must be between 1 and 2000.', 1;
        IF @lease_seconds IS NULL OR @lease_seconds < 1 OR @lease_seconds > 86400
            THROW 50213, N'sp_claim_jobs: @lease_seconds must be between 1 and 86400 (one day).', 1;
        IF
            @workspace_id IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM intake.workspaces AS w WHERE w.workspace_id = @workspace_id)
            THROW 50214, N'sp_claim_jobs: @workspace_id does not name a workspace.', 1;
        IF
            @job_type IS NOT NULL
            AND (
                @job_type = ''
                OR LEN(@job_type) > 64
                OR @job_type COLLATE Latin1_General_100_BIN2 LIKE '%[^a-z0-9_.]%'
                OR LEFT(@job_type, 1) = '.'
                OR RIGHT(@job_type, 1) = '.'
                OR CHARINDEX('..', @job_type) > 0
            )
            THROW 50215, N'sp_claim_jobs: @job_type must be a dotted lower-case name (a-z, 0-9, _), at most 64 characters.', 1;

        BEGIN TRANSACTION;

        -- One statement: rows are locked (UPDLOCK) as they are found in index order, rows locked by others are
        -- skipped. The ORDER BY is the index's key order (job_id is its row locator), so no sort reads ahead.
        WITH due AS (
            SELECT TOP (@batch_size)
                j.job_id,
                j.workspace_id,
                j.thread_id,
                j.job_type,
                j.payload_json,
                j.status,
                j.run_after,
                j.attempts,
                j.max_attempts,
                j.last_error,
                j.created_at,
                j.updated_at,
                j.locked_at,
                j.locked_by,
                j.locked_until
            FROM intake.jobs AS j WITH (UPDLOCK, READPAST, ROWLOCK)
            WHERE
                j.status IN ('failed', 'queued')
                AND j.run_after <= @now
                AND j.attempts < j.max_attempts
                AND (@workspace_id IS NULL OR j.workspace_id = @workspace_id)
                AND (@job_type IS NULL OR j.job_type = @job_type)
            ORDER BY j.status ASC, j.run_after ASC, j.created_at ASC, j.job_id ASC
        )

        UPDATE d
        SET
            d.status = 'running',
            d.attempts = d.attempts + 1,
            d.locked_at = @now,
            d.locked_by = @worker,
            d.locked_until = DATEADD(SECOND, @lease_seconds, @now),
            d.updated_at = @now
        OUTPUT
            INSERTED.job_id,
            INSERTED.workspace_id,
            INSERTED.thread_id,
            INSERTED.job_type,
            INSERTED.payload_json,
            INSERTED.attempts,
            INSERTED.max_attempts,
            INSERTED.run_after,
            INSERTED.last_error,
            INSERTED.created_at,
            INSERTED.locked_at,
            INSERTED.locked_by,
            INSERTED.locked_until,
            DELETED.status
        INTO @claimed
        FROM due AS d;

        INSERT INTO intake.audit_events (workspace_id, thread_id, job_id, type, data_json, actor, created_at)
        SELECT
            c.workspace_id,
            c.thread_id,
            c.job_id,
            'job.claimed' AS type,
            (
                SELECT
                    c.attempts AS attempt,
                    c.max_attempts,
                    c.locked_until
                FOR JSON PATH, WITHOUT_ARRAY_WRAPPER
            ) AS data_json,
            c.locked_by AS actor,
            @now AS created_at
        FROM @claimed AS c
        ORDER BY c.claimed_from, c.run_after, c.created_at, c.job_id;

        COMMIT TRANSACTION;

        SELECT
            c.job_id,
            c.workspace_id,
            c.thread_id,
            c.job_type,
            c.payload_json,
            c.attempts,
            c.max_attempts,
            c.run_after,
            c.last_error,
            c.created_at,
            c.locked_at,
            c.locked_by,
            c.locked_until
        FROM @claimed AS c
        ORDER BY c.claimed_from, c.run_after, c.created_at, c.job_id;
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
-- wsdb:step 15 describe intake.sp_claim_jobs
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'PROCEDURE', N'sp_claim_jobs', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Claims a batch of due jobs (intake.jobs) for one worker under a lease, in the order of the claiming index.', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'PROCEDURE', @level1name = N'sp_claim_jobs';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Claims a batch of due jobs (intake.jobs) for one worker under a lease, in the order of the claiming index.', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'PROCEDURE', @level1name = N'sp_claim_jobs';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 16 module intake.sp_heartbeat_job
-- Extends the lease of a job (intake.jobs) a worker holds: locked_until = now + @lease_seconds.
--
-- The job must be held by @worker: 'running' and locked_by = @worker. A heartbeat after the lease ended is accepted as
-- long as nobody reclaimed the job (intake.sp_reclaim_jobs) meanwhile: the worker still holds it. locked_at (when the
-- claim was taken) and attempts stay as they are. One UPDATE, so a heartbeat and a reclaim of the same job run one
-- after the other: whichever comes second finds the job changed (a heartbeat then gets 50218, a reclaim skips it).
-- No audit event: a heartbeat changes no state.
-- Returns one row: job_id, locked_at, locked_by, locked_until.
-- Errors (docs/errors.md), raised before anything is written:
--   50216 @worker missing, empty or longer than 64 characters, 50217 @lease_seconds not between 1 and 86400 (one
--   day), 50218 the job is not held by @worker (unknown, not running, or held by another worker).
-- @attempt (the attempts value sp_claim_jobs returned with the job) is the claim token: when given, a call from an
-- attempt that was reclaimed and claimed again (even by the same worker name) no longer matches. Workers should pass it.
CREATE OR ALTER PROCEDURE intake.sp_heartbeat_job
    @job_id bigint,
    @worker varchar(65),
    @lease_seconds int = 300,
    @attempt int = NULL
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    -- Like the claim and the reclaim: row locks only, whatever the caller's level (reverts when the procedure returns).
    SET TRANSACTION ISOLATION LEVEL READ COMMITTED;

    DECLARE @now datetime2 = SYSUTCDATETIME();
    DECLARE @held int;
    DECLARE @message nvarchar(2048);
    DECLARE @state TABLE (
        job_id bigint NOT NULL,
        locked_at datetime2 NOT NULL,
        locked_by varchar(64) NOT NULL,
        locked_until datetime2 NOT NULL
    );

    BEGIN TRY
        IF NULLIF(LTRIM(@worker), '') IS NULL OR LEN(@worker) > 64
            THROW 50216, N'sp_heartbeat_job: @worker is required (at most 64 characters).', 1;
        IF @lease_seconds IS NULL OR @lease_seconds < 1 OR @lease_seconds > 86400
            THROW 50217, N'sp_heartbeat_job: @lease_seconds must be between 1 and 86400 (one day).', 1;

        UPDATE j
        SET
            j.locked_until = DATEADD(SECOND, @lease_seconds, @now),
            j.updated_at = @now
        OUTPUT
            INSERTED.job_id,
            INSERTED.locked_at,
            INSERTED.locked_by,
            INSERTED.locked_until
        INTO @state
        FROM intake.jobs AS j WITH (ROWLOCK)
        WHERE
            j.job_id = @job_id
            AND j.status = 'running'
            AND j.locked_by = @worker
            AND (@attempt IS NULL OR j.attempts = @attempt);
        SET @held = @@ROWCOUNT;

        IF @held = 0
            BEGIN
                SET @message = CONCAT(
                    N'sp_heartbeat_job: job ', COALESCE(CONVERT(nvarchar(20), @job_id), N'NULL'),
                    N' is not held by worker ', @worker, N' (unknown, not running, or held by another worker).'
                );
                THROW 50218, @message, 1;
            END;

        SELECT
            s.job_id,
            s.locked_at,
            s.locked_by,
            s.locked_until
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
-- wsdb:step 16 describe intake.sp_heartbeat_job
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'PROCEDURE', N'sp_heartbeat_job', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Extends the lease of a job (intake.jobs) a worker holds: locked_until = now + @lease_seconds.', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'PROCEDURE', @level1name = N'sp_heartbeat_job';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Extends the lease of a job (intake.jobs) a worker holds: locked_until = now + @lease_seconds.', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'PROCEDURE', @level1name = N'sp_heartbeat_job';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 17 module intake.sp_complete_job
-- Marks a job (intake.jobs) a worker holds as succeeded and records 'job.succeeded' in the audit log.
--
-- The job must be held by @worker: 'running' and locked_by = @worker. A completion after the lease ended is accepted
-- as long as nobody reclaimed the job (the work was done). The job becomes 'succeeded' with finished_at = now; the
-- claim is over, so locked_at, locked_by and locked_until are cleared (the audit log keeps who ran which attempt);
-- attempts and last_error stay. @result_json (a JSON object or array, or NULL) is kept in the audit event: the jobs
-- table has no result column.
-- Audit event 'job.succeeded' (job_id, thread_id, actor = @worker): data {"attempt", "result"} ("result" only when
-- @result_json is given).
-- Returns one row: job_id, status, attempts, max_attempts, finished_at.
-- Errors (docs/errors.md), raised before anything is written:
--   50219 @worker missing, empty or longer than 64 characters, 50220 @result_json not a JSON object or array,
--   50221 the job is not held by @worker (unknown, not running, or held by another worker).
-- @attempt (the attempts value sp_claim_jobs returned with the job) is the claim token: when given, a call from an
-- attempt that was reclaimed and claimed again (even by the same worker name) no longer matches. Workers should pass it.
CREATE OR ALTER PROCEDURE intake.sp_complete_job
    @job_id bigint,
    @worker varchar(65),
    @result_json nvarchar(max) = NULL,
    @attempt int = NULL
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    -- Like the claim and the reclaim: row locks only, whatever the caller's level (reverts when the procedure returns).
    SET TRANSACTION ISOLATION LEVEL READ COMMITTED;

    DECLARE @now datetime2 = SYSUTCDATETIME();
    DECLARE @workspace_id uniqueidentifier;
    DECLARE @thread_id bigint;
    DECLARE @attempts int;
    DECLARE @data nvarchar(max);
    DECLARE @audit_event_id bigint;
    DECLARE @message nvarchar(2048);
    DECLARE @state TABLE (
        job_id bigint NOT NULL,
        status varchar(16) NOT NULL,
        attempts int NOT NULL,
        max_attempts int NOT NULL,
        finished_at datetime2 NULL
    );

    BEGIN TRY
        IF NULLIF(LTRIM(@worker), '') IS NULL OR LEN(@worker) > 64
            THROW 50219, N'sp_complete_job: @worker is required (at most 64 characters).', 1;
        IF @result_json IS NOT NULL AND ISJSON(@result_json) = 0
            THROW 50220, N'sp_complete_job: @result_json must be a JSON object or array.', 1;

        BEGIN TRANSACTION;

        -- The job, locked until the end: a reclaim (READPAST) passes it by meanwhile.
        SELECT
            @workspace_id = j.workspace_id,
            @thread_id = j.thread_id,
            @attempts = j.attempts
        FROM intake.jobs AS j WITH (UPDLOCK, ROWLOCK)
        WHERE
            j.job_id = @job_id
            AND j.status = 'running'
            AND j.locked_by = @worker
            AND (@attempt IS NULL OR j.attempts = @attempt);

        IF @workspace_id IS NULL
            BEGIN
                SET @message = CONCAT(
                    N'sp_complete_job: job ', COALESCE(CONVERT(nvarchar(20), @job_id), N'NULL'),
                    N' is not held by worker ', @worker, N' (unknown, not running, or held by another worker).'
                );
                THROW 50221, @message, 1;
            END;

        UPDATE j
        SET
            j.status = 'succeeded',
            j.finished_at = @now,
            j.locked_at = NULL,
            j.locked_by = NULL,
            j.locked_until = NULL,
            j.updated_at = @now
        OUTPUT
            INSERTED.job_id,
            INSERTED.status,
            INSERTED.attempts,
            INSERTED.max_attempts,
            INSERTED.finished_at
        INTO @state
        FROM intake.jobs AS j
        WHERE j.job_id = @job_id;

        SET @data = (
            SELECT
                @attempts AS attempt,
                JSON_QUERY(@result_json) AS result
            FOR JSON PATH, WITHOUT_ARRAY_WRAPPER
        );

        EXEC intake.sp_append_audit_event
            @workspace_id = @workspace_id,
            @type = 'job.succeeded',
            @data_json = @data,
            @thread_id = @thread_id,
            @job_id = @job_id,
            @actor = @worker,
            @audit_event_id = @audit_event_id OUTPUT;

        COMMIT TRANSACTION;

        SELECT
            s.job_id,
            s.status,
            s.attempts,
            s.max_attempts,
            s.finished_at
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
-- wsdb:step 17 describe intake.sp_complete_job
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'PROCEDURE', N'sp_complete_job', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Marks a job (intake.jobs) a worker holds as succeeded and records ''job.succeeded'' in the audit log.', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'PROCEDURE', @level1name = N'sp_complete_job';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Marks a job (intake.jobs) a worker holds as succeeded and records ''job.succeeded'' in the audit log.', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'PROCEDURE', @level1name = N'sp_complete_job';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 18 module intake.sp_fail_job
-- Records a failed attempt at a job (intake.jobs) a worker holds: retry later with exponential backoff, or dead.
--
-- The job must be held by @worker: 'running' and locked_by = @worker. attempts already counts this attempt (a claim
-- adds 1), so the failure does not change it; last_error keeps @error (cut to 2,000 characters). When attempts has
-- reached max_attempts the job is 'dead' (finished_at = now) and is never claimed again. Otherwise it goes back to
-- 'failed', the table's retry state, and waits: run_after = now + MIN(@max_backoff_seconds, @backoff_seconds *
-- 2^(attempts - 1)), i.e. 30 s, 60 s, 120 s ... with the defaults, capped at one hour; the power is never computed
-- beyond 2^29, so nothing overflows. Either way the claim is over: locked_at, locked_by and locked_until are cleared
-- (the audit log keeps who ran which attempt).
-- Audit event (job_id, thread_id, actor = @worker): 'job.failed' with data {"attempt", "max_attempts", "error",
-- "run_after"}, or 'job.dead' with data {"attempt", "max_attempts", "error"}.
-- Returns the job's new state: job_id, status, attempts, max_attempts, run_after, finished_at, last_error.
-- Errors (docs/errors.md), raised before anything is written:
--   50222 @worker (missing, empty or longer than 64 characters) or @error (missing or empty),
--   50223 @backoff_seconds / @max_backoff_seconds out of range (0 <= backoff <= max backoff <= 2592000, 30 days),
--   50224 the job is not held by @worker (unknown, not running, or held by another worker).
-- @attempt (the attempts value sp_claim_jobs returned with the job) is the claim token: when given, a call from an
-- attempt that was reclaimed and claimed again (even by the same worker name) no longer matches. Workers should pass it.
CREATE OR ALTER PROCEDURE intake.sp_fail_job
    @job_id bigint,
    @worker varchar(65),
    @error nvarchar(2000),
    @backoff_seconds int = 30,
    @max_backoff_seconds int = 3600,
    @attempt int = NULL
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    -- Like the claim and the reclaim: row locks only, whatever the caller's level (reverts when the procedure returns).
    SET TRANSACTION ISOLATION LEVEL READ COMMITTED;

    DECLARE @now datetime2 = SYSUTCDATETIME();
    DECLARE @workspace_id uniqueidentifier;
    DECLARE @thread_id bigint;
    DECLARE @attempts int;
    DECLARE @max_attempts int;
    DECLARE @is_dead bit;
    DECLARE @delay bigint;
    DECLARE @retry_at datetime2;
    DECLARE @type varchar(64);
    DECLARE @data nvarchar(max);
    DECLARE @audit_event_id bigint;
    DECLARE @message nvarchar(2048);
    DECLARE @state TABLE (
        job_id bigint NOT NULL,
        status varchar(16) NOT NULL,
        attempts int NOT NULL,
        max_attempts int NOT NULL,
        run_after datetime2 NOT NULL,
        finished_at datetime2 NULL,
        last_error nvarchar(2000) NULL
    );

    BEGIN TRY
        IF NULLIF(LTRIM(@worker), '') IS NULL OR LEN(@worker) > 64
            THROW 50222, N'sp_fail_job: @worker is required (at most 64 characters).', 1;
        IF NULLIF(LTRIM(@error), N'') IS NULL
            THROW 50222, N'sp_fail_job: @error is required: say why the attempt failed.', 1;
        IF
            @backoff_seconds IS NULL
            OR @max_backoff_seconds IS NULL
            OR @backoff_seconds < 0
            OR @max_backoff_seconds < @backoff_seconds
            OR @max_backoff_seconds > 2592000
            THROW 50223, N'sp_fail_job: need 0 <= @backoff_seconds <= @max_backoff_seconds <= 2592000 (30 days).', 1;

        BEGIN TRANSACTION;

        -- The job, locked until the end: a reclaim (READPAST) passes it by meanwhile.
        SELECT
            @workspace_id = j.workspace_id,
            @thread_id = j.thread_id,
            @attempts = j.attempts,
            @max_attempts = j.max_attempts
        FROM intake.jobs AS j WITH (UPDLOCK, ROWLOCK)
        WHERE
            j.job_id = @job_id
            AND j.status = 'running'
            AND j.locked_by = @worker
            AND (@attempt IS NULL OR j.attempts = @attempt);

        IF @workspace_id IS NULL
            BEGIN
                SET @message = CONCAT(
                    N'sp_fail_job: job ', COALESCE(CONVERT(nvarchar(20), @job_id), N'NULL'),
                    N' is not held by worker ', @worker, N' (unknown, not running, or held by another worker).'
                );
                THROW 50224, @message, 1;
            END;

        SET @is_dead = CASE WHEN @attempts >= @max_attempts THEN 1 ELSE 0 END;
        -- The attempt that failed is the attempts-th (at least the first: a job put to 'running' by hand may show 0).
        SET @delay = CASE
            WHEN @backoff_seconds = 0 OR @attempts <= 1 THEN @backoff_seconds
            WHEN @attempts - 1 >= 30 THEN @max_backoff_seconds
            ELSE CONVERT(bigint, @backoff_seconds) * POWER(CONVERT(bigint, 2), @attempts - 1)
        END;
        IF @delay > @max_backoff_seconds SET @delay = @max_backoff_seconds;
        SET @retry_at = CASE WHEN @is_dead = 0 THEN DATEADD(SECOND, CONVERT(int, @delay), @now) END;
        SET @type = CASE WHEN @is_dead = 1 THEN 'job.dead' ELSE 'job.failed' END;

        UPDATE j
        SET
            j.status = CASE WHEN @is_dead = 1 THEN 'dead' ELSE 'failed' END,
            j.run_after = COALESCE(@retry_at, j.run_after),
            j.finished_at = CASE WHEN @is_dead = 1 THEN @now END,
            j.last_error = @error,
            j.locked_at = NULL,
            j.locked_by = NULL,
            j.locked_until = NULL,
            j.updated_at = @now
        OUTPUT
            INSERTED.job_id,
            INSERTED.status,
            INSERTED.attempts,
            INSERTED.max_attempts,
            INSERTED.run_after,
            INSERTED.finished_at,
            INSERTED.last_error
        INTO @state
        FROM intake.jobs AS j
        WHERE j.job_id = @job_id;

        SET @data = (
            SELECT
                @attempts AS attempt,
                @max_attempts AS max_attempts,
                @error AS error,
                @retry_at AS run_after
            FOR JSON PATH, WITHOUT_ARRAY_WRAPPER
        );

        EXEC intake.sp_append_audit_event
            @workspace_id = @workspace_id,
            @type = @type,
            @data_json = @data,
            @thread_id = @thread_id,
            @job_id = @job_id,
            @actor = @worker,
            @audit_event_id = @audit_event_id OUTPUT;

        COMMIT TRANSACTION;

        SELECT
            s.job_id,
            s.status,
            s.attempts,
            s.max_attempts,
            s.run_after,
            s.finished_at,
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
-- wsdb:step 18 describe intake.sp_fail_job
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'PROCEDURE', N'sp_fail_job', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Records a failed attempt at a job (intake.jobs) a worker holds: retry later with exponential backoff, or dead.', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'PROCEDURE', @level1name = N'sp_fail_job';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Records a failed attempt at a job (intake.jobs) a worker holds: retry later with exponential backoff, or dead.', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'PROCEDURE', @level1name = N'sp_fail_job';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:step 19 module intake.sp_reclaim_jobs
-- Takes back running jobs (intake.jobs) whose lease ran out: their worker died. Retried at once, or dead.
--
-- A job is reclaimed when it is 'running' and its locked_until has passed. Its attempt was counted when it was
-- claimed, so attempts stays; last_error says 'lease expired; worker <locked_by> did not finish'. When attempts has
-- reached max_attempts the job is 'dead' (finished_at = now); otherwise it goes back to 'failed', the table's retry
-- state, with run_after = now, so the next claim can take it at once. Either way the claim is cleared (locked_at,
-- locked_by, locked_until). At most @batch_size jobs per call, in the order of the claiming index (run_after,
-- created_at, job_id); rows other sessions have locked (a worker completing, failing or heartbeating the job right
-- now) are skipped (UPDLOCK, READPAST, ROWLOCK), so a reclaim never blocks the workers.
-- Audit event per job (job_id, thread_id, actor NULL = the system): 'job.reclaimed' with data {"worker", "attempt",
-- "max_attempts", "locked_until", "run_after"}, or 'job.dead' with data {"worker", "attempt", "max_attempts",
-- "locked_until", "error"}.
-- Returns one row: reclaimed (jobs back to retry), dead.
-- Errors (docs/errors.md), raised before anything is written:
--   50225 @batch_size not between 1 and 2000.
CREATE OR ALTER PROCEDURE intake.sp_reclaim_jobs
    @batch_size int = 100
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    -- READPAST needs READ COMMITTED (or REPEATABLE READ); a caller's SERIALIZABLE (TransactionScope's default)
    -- would make it fail with error 650. Set here, the level reverts to the caller's when the procedure returns.
    SET TRANSACTION ISOLATION LEVEL READ COMMITTED;

    DECLARE @now datetime2 = SYSUTCDATETIME();
    DECLARE @stale TABLE (job_id bigint NOT NULL PRIMARY KEY);
    DECLARE @outcome TABLE (
        job_id bigint NOT NULL PRIMARY KEY,
        workspace_id uniqueidentifier NOT NULL,
        thread_id bigint NULL,
        status varchar(16) NOT NULL,
        attempts int NOT NULL,
        max_attempts int NOT NULL,
        run_after datetime2 NOT NULL,
        last_error nvarchar(2000) NULL,
        locked_by varchar(64) NOT NULL,
        locked_until datetime2 NOT NULL,
        created_at datetime2 NOT NULL
    );

    BEGIN TRY
        IF @batch_size IS NULL OR @batch_size < 1 OR @batch_size > 2000
            THROW 50225, N'sp_reclaim_jobs: @batch_size must be between 1 and 2000.', 1;

        BEGIN TRANSACTION;

        -- The expired leases are chosen first without update locks, then only those are locked (READPAST skips a row
        -- a worker holds right now) and checked again, so running jobs whose lease is alive are never left locked.
        INSERT INTO @stale (job_id)
        SELECT TOP (@batch_size) j.job_id
        FROM intake.jobs AS j WITH (READPAST)
        WHERE
            j.status = 'running'
            AND j.locked_until <= @now
        ORDER BY j.status ASC, j.run_after ASC, j.created_at ASC, j.job_id ASC;

        -- One statement; on the right of SET every column still has its value from before the update.
        UPDATE j
        SET
            j.status = CASE WHEN j.attempts >= j.max_attempts THEN 'dead' ELSE 'failed' END,
            j.run_after = CASE WHEN j.attempts >= j.max_attempts THEN j.run_after ELSE @now END,
            j.finished_at = CASE WHEN j.attempts >= j.max_attempts THEN @now END,
            j.last_error = CONCAT(N'lease expired; worker ', j.locked_by, N' did not finish'),
            j.locked_at = NULL,
            j.locked_by = NULL,
            j.locked_until = NULL,
            j.updated_at = @now
        OUTPUT
            INSERTED.job_id,
            INSERTED.workspace_id,
            INSERTED.thread_id,
            INSERTED.status,
            INSERTED.attempts,
            INSERTED.max_attempts,
            INSERTED.run_after,
            INSERTED.last_error,
            DELETED.locked_by,
            DELETED.locked_until,
            INSERTED.created_at
        INTO @outcome
        FROM intake.jobs AS j WITH (UPDLOCK, READPAST, ROWLOCK)
        INNER JOIN @stale AS x ON j.job_id = x.job_id
        WHERE
            j.status = 'running'
            AND j.locked_until <= @now;

        INSERT INTO intake.audit_events (workspace_id, thread_id, job_id, type, data_json, actor, created_at)
        SELECT
            o.workspace_id,
            o.thread_id,
            o.job_id,
            CASE WHEN o.status = 'dead' THEN 'job.dead' ELSE 'job.reclaimed' END AS type,
            (
                SELECT
                    o.locked_by AS worker,
                    o.attempts AS attempt,
                    o.max_attempts,
                    o.locked_until,
                    CASE WHEN o.status = 'failed' THEN o.run_after END AS run_after,
                    CASE WHEN o.status = 'dead' THEN o.last_error END AS error
                FOR JSON PATH, WITHOUT_ARRAY_WRAPPER
            ) AS data_json,
            NULL AS actor,
            @now AS created_at
        FROM @outcome AS o
        ORDER BY o.run_after, o.created_at, o.job_id;

        COMMIT TRANSACTION;

        SELECT
            COUNT(CASE WHEN o.status = 'failed' THEN 1 END) AS reclaimed,
            COUNT(CASE WHEN o.status = 'dead' THEN 1 END) AS dead
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
-- wsdb:step 19 describe intake.sp_reclaim_jobs
IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(N'MS_Description', N'SCHEMA', N'intake', N'PROCEDURE', N'sp_reclaim_jobs', NULL, NULL))
    EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'Takes back running jobs (intake.jobs) whose lease ran out: their worker died. Retried at once, or dead.', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'PROCEDURE', @level1name = N'sp_reclaim_jobs';
ELSE
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Takes back running jobs (intake.jobs) whose lease ran out: their worker died. Retried at once, or dead.', @level0type = N'SCHEMA', @level0name = N'intake', @level1type = N'PROCEDURE', @level1name = N'sp_reclaim_jobs';
GO
-- wsdb:guard gate: stop when the batch above failed
IF @@ERROR <> 0 OR @@TRANCOUNT = 0
    SET NOEXEC ON;
GO
-- wsdb:guard epilogue: record the migration and commit
DECLARE @started datetime2(7) = CAST(SESSION_CONTEXT(N'wsdb.started') AS datetime2(7));
INSERT INTO dbo.wsdb_migration_history (migration_name, checksum, duration_ms, builder)
VALUES (N'20261122_intake_core', '1952bd3f25d33815565a4dbd36913339c353388b082adc38bfc5fd92142d2370', DATEDIFF(MILLISECOND, @started, SYSUTCDATETIME()), '0.1.0');
COMMIT TRANSACTION;
PRINT N'20261122_intake_core: applied.';
GO
-- wsdb:guard whatever happened above, statements run again from here
SET NOEXEC OFF;
GO
-- wsdb:guard final check: an error above leaves nothing behind, and says so
IF @@TRANCOUNT > 0
    ROLLBACK TRANSACTION;
IF OBJECT_ID(N'dbo.wsdb_migration_history', N'U') IS NULL
    THROW 50102, N'20261122_intake_core: not applied; nothing was changed (see the first error above).', 1;
IF NOT EXISTS (
    SELECT 1
    FROM dbo.wsdb_migration_history AS h
    WHERE h.migration_name = N'20261122_intake_core' AND h.checksum = '1952bd3f25d33815565a4dbd36913339c353388b082adc38bfc5fd92142d2370'
)
    THROW 50102, N'20261122_intake_core: not applied; its changes were rolled back (see the first error above).', 1;
GO
