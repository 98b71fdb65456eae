-- Creates or updates a workspace's mirror row of one CRM deal (intake.deals), found by workspace, CRM and CRM deal id.
--
-- @crm is trimmed and read case-insensitively (stored lower-case: a-z, 0-9, '_', up to 32 characters);
-- @crm_deal_id is trimmed (up to 128 characters; compared as the unique index compares it, in the database
-- collation); @title is trimmed and required (up to 400). The row mirrors the CRM: an existing row takes every
-- value given, so a NULL @stage, @primary_domain or @owner_user_id clears the stored one (the CRM has none).
-- @primary_domain is trimmed and lower-cased (a-z, 0-9, '.', '-', up to 253; empty = NULL), @owner_user_id trimmed
-- (up to 128; empty = NULL), @stage trimmed (up to 100; empty = NULL). Every call sets last_synced_at and
-- updated_at to now. The lookup runs under UPDLOCK, HOLDLOCK, so concurrent calls for one deal create one row.
-- No audit event (the CRM sync calls it for every deal it reads).
-- Returns the deal's row and created (1 when this call inserted it).
-- Errors (docs/errors.md), raised before anything is written:
--   50260 unknown workspace, 50261 @crm missing or not a lower-case name of up to 32 characters,
--   50262 @crm_deal_id missing, empty or over 128 characters, 50263 @title missing, empty or over 400 characters,
--   50264 @stage over 100 or @owner_user_id over 128 characters, 50265 @primary_domain not a domain name.
CREATE OR ALTER PROCEDURE intake.sp_upsert_deal
    @workspace_id uniqueidentifier,
    @crm varchar(max),
    @crm_deal_id varchar(max),
    @title nvarchar(max),
    @stage nvarchar(max) = NULL,
    @primary_domain varchar(max) = NULL,
    @owner_user_id varchar(max) = NULL
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    DECLARE @now datetime2 = SYSUTCDATETIME();
    DECLARE @deal_id bigint;
    DECLARE @created bit = 0;

    BEGIN TRY
        SET @crm = LOWER(LTRIM(RTRIM(@crm)));
        SET @crm_deal_id = NULLIF(LTRIM(RTRIM(@crm_deal_id)), '');
        SET @title = NULLIF(LTRIM(RTRIM(@title)), N'');
        SET @stage = NULLIF(LTRIM(RTRIM(@stage)), N'');
        SET @primary_domain = NULLIF(LOWER(LTRIM(RTRIM(@primary_domain))), '');
        SET @owner_user_id = NULLIF(LTRIM(RTRIM(@owner_user_id)), '');

        IF NOT EXISTS (SELECT 1 FROM intake.workspaces AS w WHERE w.workspace_id = @workspace_id)
            THROW 50260, N'sp_upsert_deal: @workspace_id does not name a workspace.', 1;
        IF
            @crm IS NULL
            OR @crm = ''
            OR LEN(@crm) > 32
            OR @crm COLLATE Latin1_General_100_BIN2 LIKE '%[^a-z0-9_]%'
            THROW 50261, N'sp_upsert_deal: @crm must be a CRM name of a-z, 0-9 and _ (up to 32 characters).', 1;
        IF @crm_deal_id IS NULL OR LEN(@crm_deal_id) > 128
            THROW 50262, N'sp_upsert_deal: @crm_deal_id is required (up to 128 characters).', 1;
        IF @title IS NULL OR LEN(@title) > 400
            THROW 50263, N'sp_upsert_deal: @title is required (up to 400 characters).', 1;
        IF LEN(@stage) > 100 OR LEN(@owner_user_id) > 128
            THROW 50264, N'sp_upsert_deal: @stage is longer than 100 or @owner_user_id longer than 128 characters.', 1;
        IF
            LEN(@primary_domain) > 253
            OR @primary_domain COLLATE Latin1_General_100_BIN2 LIKE '%[^a-z0-9.-]%'
            OR @primary_domain NOT LIKE '%_._%'
            OR @primary_domain LIKE '%..%'
            OR LEFT(@primary_domain, 1) IN ('.', '-')
            OR RIGHT(@primary_domain, 1) IN ('.', '-')
            THROW 50265, N'sp_upsert_deal: @primary_domain must be a lower-case domain name such as example.com.', 1;

        BEGIN TRANSACTION;

        SELECT @deal_id = d.deal_id
        FROM intake.deals AS d WITH (UPDLOCK, HOLDLOCK)
        WHERE d.workspace_id = @workspace_id AND d.crm = @crm AND d.crm_deal_id = @crm_deal_id;

        IF @deal_id IS NULL
            BEGIN
                INSERT INTO intake.deals (
                    workspace_id, crm, crm_deal_id, title, stage, primary_domain, owner_user_id, last_synced_at,
                    created_at, updated_at
                )
                VALUES (
                    @workspace_id, @crm, @crm_deal_id, @title, @stage, @primary_domain, @owner_user_id, @now, @now, @now
                );
                SET @deal_id = SCOPE_IDENTITY();
                SET @created = 1;
            END
        ELSE
            UPDATE d
            SET
                d.title = @title,
                d.stage = @stage,
                d.primary_domain = @primary_domain,
                d.owner_user_id = @owner_user_id,
                d.last_synced_at = @now,
                d.updated_at = @now
            FROM intake.deals AS d
            WHERE d.deal_id = @deal_id;

        COMMIT TRANSACTION;

        SELECT
            d.deal_id,
            d.workspace_id,
            d.crm,
            d.crm_deal_id,
            d.title,
            d.stage,
            d.primary_domain,
            d.owner_user_id,
            d.last_synced_at,
            d.created_at,
            d.updated_at,
            @created AS created
        FROM intake.deals AS d
        WHERE d.deal_id = @deal_id;
    END TRY
    BEGIN CATCH
        IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
        THROW;
    END CATCH;
END;
