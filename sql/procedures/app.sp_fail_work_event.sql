-- Records a failed attempt at an outbox event (app.work_event) a worker holds: retry later, or dead-letter it.
--
-- The event must be held by @worker (claimed by it, not processed, not dead-lettered). retry_count goes up by one
-- and last_error keeps @error. When retry_count reaches max_attempts the event is dead-lettered (dead_letter_at =
-- now; claimed_at, claimed_by and lease_until stay for the post-mortem; next_attempt_at is cleared) and is never
-- claimed again. Otherwise the claim is released and the event waits before the next claim (exponential backoff):
-- next_attempt_at = now + MIN(@max_backoff_seconds, @backoff_seconds * 2^(retry_count - 1)), i.e. 30 s, 60 s,
-- 120 s ... with the defaults, capped at one hour; the power is never computed beyond 2^29, so nothing overflows.
-- Returns the event's new state: event_id, retry_count, max_attempts, next_attempt_at, dead_letter_at, last_error.
-- Writes no further events.
-- Errors (docs/errors.md), raised before anything is written:
--   50036 @worker or @error missing or empty, 50037 @backoff_seconds / @max_backoff_seconds out of range
--   (0 <= backoff <= max backoff <= 2592000, 30 days), 50038 the event is not held by @worker.
CREATE OR ALTER PROCEDURE app.sp_fail_work_event
    @worker varchar(64),
    @event_id bigint,
    @error nvarchar(2000),
    @backoff_seconds int = 30,
    @max_backoff_seconds int = 3600
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    DECLARE @now datetime2 = SYSUTCDATETIME();
    DECLARE @retry_count int;
    DECLARE @max_attempts int;
    DECLARE @is_dead bit;
    DECLARE @delay bigint;
    DECLARE @message nvarchar(2048);
    DECLARE @state TABLE (
        event_id bigint NOT NULL,
        retry_count int NOT NULL,
        max_attempts int NOT NULL,
        next_attempt_at datetime2 NULL,
        dead_letter_at datetime2 NULL,
        last_error nvarchar(2000) NULL
    );

    BEGIN TRY
        IF NULLIF(LTRIM(@worker), '') IS NULL
            THROW 50036, N'sp_fail_work_event: @worker is required.', 1;
        IF NULLIF(LTRIM(@error), N'') IS NULL
            THROW 50036, N'sp_fail_work_event: @error is required: say why the attempt failed.', 1;
        IF
            @backoff_seconds IS NULL
            OR @max_backoff_seconds IS NULL
            OR @backoff_seconds < 0
            OR @max_backoff_seconds < @backoff_seconds
            OR @max_backoff_seconds > 2592000
            THROW 50037, N'sp_fail_work_event: need 0 <= @backoff_seconds <= @max_backoff_seconds <= 2592000 (30 days).', 1;

        BEGIN TRANSACTION;

        -- The attempt this failure ends; retry_count never passes max_attempts (CK_app_work_event_retry_count).
        SELECT
            @retry_count = CASE WHEN e.retry_count < e.max_attempts THEN e.retry_count + 1 ELSE e.max_attempts END,
            @max_attempts = e.max_attempts
        FROM app.work_event AS e WITH (UPDLOCK, ROWLOCK)
        WHERE
            e.event_id = @event_id
            AND e.claimed_by = @worker
            AND e.processed_at IS NULL
            AND e.dead_letter_at IS NULL;

        IF @retry_count IS NULL
            BEGIN
                SET @message = CONCAT(
                    N'sp_fail_work_event: event ', COALESCE(CONVERT(nvarchar(20), @event_id), N'NULL'),
                    N' is not held by worker ', @worker, N' (unknown, claimed by another worker, processed or dead-lettered).'
                );
                THROW 50038, @message, 1;
            END;

        SET @is_dead = CASE WHEN @retry_count >= @max_attempts THEN 1 ELSE 0 END;
        SET @delay = CASE
            WHEN @backoff_seconds = 0 THEN 0
            WHEN @retry_count - 1 >= 30 THEN @max_backoff_seconds
            ELSE CONVERT(bigint, @backoff_seconds) * POWER(CONVERT(bigint, 2), @retry_count - 1)
        END;
        IF @delay > @max_backoff_seconds SET @delay = @max_backoff_seconds;

        UPDATE e
        SET
            e.retry_count = @retry_count,
            e.last_error = @error,
            e.dead_letter_at = CASE WHEN @is_dead = 1 THEN @now END,
            e.claimed_at = CASE WHEN @is_dead = 1 THEN e.claimed_at END,
            e.claimed_by = CASE WHEN @is_dead = 1 THEN e.claimed_by END,
            e.lease_until = CASE WHEN @is_dead = 1 THEN e.lease_until END,
            e.next_attempt_at = CASE WHEN @is_dead = 0 THEN DATEADD(SECOND, CONVERT(int, @delay), @now) END
        OUTPUT
            INSERTED.event_id,
            INSERTED.retry_count,
            INSERTED.max_attempts,
            INSERTED.next_attempt_at,
            INSERTED.dead_letter_at,
            INSERTED.last_error
        INTO @state
        FROM app.work_event AS e
        WHERE e.event_id = @event_id;

        COMMIT TRANSACTION;

        SELECT
            s.event_id,
            s.retry_count,
            s.max_attempts,
            s.next_attempt_at,
            s.dead_letter_at,
            s.last_error
        FROM @state AS s;
    END TRY
    BEGIN CATCH
        IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
        THROW;
    END CATCH;
END;
