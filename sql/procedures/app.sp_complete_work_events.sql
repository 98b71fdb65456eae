-- Marks outbox events (app.work_event) a worker holds as processed, all or nothing.
--
-- @event_ids is a JSON array of event ids, e.g. '[12,13]'. Every listed event must be held by @worker: claimed by it,
-- not processed and not dead-lettered. A completion after the lease ended is accepted as long as nobody reclaimed
-- the event (the work was done). If any listed event is not held by @worker (unknown, released or reclaimed and
-- claimed by another worker, already processed, dead-lettered), nothing is completed and 50035 names how many and
-- the first ten such ids. A repeated id counts once; an empty array completes nothing and returns 0. The claim
-- columns (claimed_at, claimed_by, lease_until) stay as they were, for the record.
-- Returns one row: completed (the number of events marked processed). Writes no further events.
-- Errors (docs/errors.md), raised before anything is written:
--   50033 @worker missing or empty, 50034 @event_ids is not a JSON array of positive integer ids,
--   50035 a listed event is not held by @worker (none is completed).
CREATE OR ALTER PROCEDURE app.sp_complete_work_events
    @worker varchar(64),
    @event_ids nvarchar(max)
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    DECLARE @now datetime2 = SYSUTCDATETIME();
    DECLARE @requested int;
    DECLARE @held int;
    DECLARE @completed int;
    DECLARE @missing_count int;
    DECLARE @missing nvarchar(400);
    DECLARE @message nvarchar(2048);
    DECLARE @listed TABLE (event_id bigint NOT NULL PRIMARY KEY);
    DECLARE @held_ids TABLE (event_id bigint NOT NULL PRIMARY KEY);

    BEGIN TRY
        IF NULLIF(LTRIM(@worker), '') IS NULL
            THROW 50033, N'sp_complete_work_events: @worker is required.', 1;
        -- Checked one step at a time: OPENJSON fails on text that is not JSON, and OR does not short-circuit.
        IF @event_ids IS NULL OR ISJSON(@event_ids) = 0
            THROW 50034, N'sp_complete_work_events: @event_ids must be a JSON array of event ids, e.g. [12,13].', 1;
        -- ISJSON accepts objects too; wrapped in brackets, an array is an element of type 4 (an object: 5).
        IF NOT EXISTS (SELECT 1 FROM OPENJSON(CONCAT(N'[', @event_ids, N']')) AS w WHERE w.[type] = 4)
            THROW 50034, N'sp_complete_work_events: @event_ids must be a JSON array of event ids, e.g. [12,13].', 1;
        IF
            EXISTS (
                SELECT 1 FROM OPENJSON(@event_ids) AS j
                WHERE j.[type] <> 2 OR COALESCE(TRY_CONVERT(bigint, j.[value]), 0) < 1
            )
            THROW 50034, N'sp_complete_work_events: @event_ids must hold positive integer event ids only.', 1;

        INSERT INTO @listed (event_id)
        SELECT DISTINCT TRY_CONVERT(bigint, j.[value]) AS event_id
        FROM OPENJSON(@event_ids) AS j;
        SET @requested = @@ROWCOUNT;

        IF @requested = 0
            BEGIN
                SELECT 0 AS completed;
                RETURN;
            END;

        BEGIN TRANSACTION;

        -- The events @worker holds, locked until the end: a reclaim (READPAST) passes them by meanwhile.
        INSERT INTO @held_ids (event_id)
        SELECT e.event_id
        FROM app.work_event AS e WITH (UPDLOCK, ROWLOCK)
        INNER JOIN @listed AS l ON e.event_id = l.event_id
        WHERE
            e.claimed_by = @worker
            AND e.processed_at IS NULL
            AND e.dead_letter_at IS NULL;
        SET @held = @@ROWCOUNT;

        IF @held < @requested
            BEGIN
                SET @missing_count = @requested - @held;
                SELECT @missing = STRING_AGG(CONVERT(nvarchar(20), m.event_id), N', ') WITHIN GROUP (ORDER BY m.event_id)
                FROM (
                    SELECT TOP (10) l.event_id
                    FROM @listed AS l
                    WHERE NOT EXISTS (SELECT 1 FROM @held_ids AS h WHERE h.event_id = l.event_id)
                    ORDER BY l.event_id
                ) AS m;
                SET @message = CONCAT(
                    N'sp_complete_work_events: ', @missing_count, N' of ', @requested,
                    N' event(s) are not held by worker ', @worker,
                    N' (unknown, claimed by another worker, processed or dead-lettered): ', @missing,
                    CASE WHEN @missing_count > 10 THEN N', ...' ELSE N'' END,
                    N'; none was completed.'
                );
                THROW 50035, @message, 1;
            END;

        UPDATE e
        SET e.processed_at = @now
        FROM app.work_event AS e
        INNER JOIN @held_ids AS h ON e.event_id = h.event_id;
        SET @completed = @@ROWCOUNT;

        COMMIT TRANSACTION;

        SELECT @completed AS completed;
    END TRY
    BEGIN CATCH
        IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
        THROW;
    END CATCH;
END;
