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
