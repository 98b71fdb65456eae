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
