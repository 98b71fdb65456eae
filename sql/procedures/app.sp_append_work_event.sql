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
