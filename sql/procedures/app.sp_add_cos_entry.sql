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
