-- Claims the nurture drips that are due now, for one worker, and closes the drips of candidates that left nurture.
--
-- 1. Active drips whose candidate is 'promoted' or 'archived' are closed (status 'done'), at most @batch_size per
--    call, each with an event 'drip_closed' (drip; payload candidate_id, candidate_status, worker).
-- 2. Active drips with next_run_at <= now whose candidate is in 'nurture' are claimed, soonest first (next_run_at,
--    then drip_id), at most @batch_size, as a queue: the rows are chosen without update locks, then locked WITH
--    (ROWLOCK, UPDLOCK, READPAST) and checked again, so concurrent workers skip each other's rows, never claim a drip
--    twice, and rows that do not qualify are not left locked. Each claimed drip gets
--    last_sent_at = now and next_run_at = next_run_at + cadence_days, or now + cadence_days when that is still not in
--    the future: a drip that was paused or not served for weeks sends once, not a burst of catch-ups. A cadence that
--    would run past the end of datetime2 parks the drip at 9999-12-31. Each claimed drip gets an event 'drip_due'
--    (drip; payload candidate_id, template_id, scheduled_for (the old next_run_at), worker).
-- Drips of candidates in other statuses ('new', 'triaged', 'on_hold') and paused or done drips are left alone.
-- Everything happens in one transaction, events written set-based into app.work_event (actor NULL: the system).
-- The procedure runs at READ COMMITTED whatever the caller's level (READPAST needs it; SERIALIZABLE would refuse the
-- hint with error 650); do not call it inside a SNAPSHOT transaction.
-- Returns the claimed drips: drip_id, org_id, candidate_id, template_id, scheduled_for, next_run_at, cadence_days.
-- Errors (docs/errors.md), raised before anything is written:
--   50080 empty @worker, 50081 @batch_size outside 1..2000.
CREATE OR ALTER PROCEDURE app.sp_claim_due_drips
    @worker varchar(64),
    @batch_size int = 100
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    -- READPAST needs READ COMMITTED (or REPEATABLE READ); a caller's SERIALIZABLE (TransactionScope's default)
    -- would make it fail with error 650. Set here, the level reverts to the caller's when the procedure returns.
    SET TRANSACTION ISOLATION LEVEL READ COMMITTED;

    DECLARE @now datetime2 = SYSUTCDATETIME();
    DECLARE @far_future datetime2 = CAST('9999-12-31T00:00:00' AS datetime2);
    DECLARE @horizon_days int;
    DECLARE @claimed TABLE (
        drip_id bigint NOT NULL PRIMARY KEY,
        org_id int NOT NULL,
        candidate_id bigint NOT NULL,
        template_id int NOT NULL,
        scheduled_for datetime2 NULL,
        next_run_at datetime2 NULL,
        cadence_days int NOT NULL
    );
    DECLARE @leaving TABLE (drip_id bigint NOT NULL PRIMARY KEY);
    DECLARE @due TABLE (drip_id bigint NOT NULL PRIMARY KEY);
    DECLARE @closed TABLE (
        drip_id bigint NOT NULL PRIMARY KEY,
        org_id int NOT NULL,
        candidate_id bigint NOT NULL
    );

    BEGIN TRY
        SET @worker = LTRIM(RTRIM(@worker));

        IF NULLIF(@worker, '') IS NULL
            THROW 50080, N'sp_claim_due_drips: @worker must name the claiming worker.', 1;
        IF @batch_size IS NULL OR @batch_size < 1 OR @batch_size > 2000
            THROW 50081, N'sp_claim_due_drips: @batch_size must be between 1 and 2000.', 1;

        -- Days from now to the last day of datetime2: a longer cadence would overflow DATEADD.
        SET @horizon_days = DATEDIFF(DAY, @now, @far_future);

        BEGIN TRANSACTION;

        -- 1. Close the drips of candidates that were promoted or archived. The rows are chosen first without update
        --    locks, then only those are locked (READPAST skips what another worker holds), so rows that do not
        --    qualify are never left locked for the rest of the transaction.
        INSERT INTO @leaving (drip_id)
        SELECT TOP (@batch_size) d.drip_id
        FROM app.candidate AS c
        INNER JOIN app.drip_schedule AS d WITH (READPAST)
            ON c.org_id = d.org_id AND c.candidate_id = d.candidate_id
        WHERE c.status IN ('promoted', 'archived') AND d.status = 'active'
        ORDER BY d.drip_id ASC;

        UPDATE d
        SET d.status = 'done'
        OUTPUT INSERTED.drip_id, INSERTED.org_id, INSERTED.candidate_id
        INTO @closed (drip_id, org_id, candidate_id)
        FROM app.drip_schedule AS d WITH (ROWLOCK, UPDLOCK, READPAST)
        INNER JOIN @leaving AS l ON d.drip_id = l.drip_id
        WHERE d.status = 'active';

        INSERT INTO app.work_event (org_id, item_type, item_id, event_name, payload_json, happened_at, actor_user_id)
        SELECT
            x.org_id,
            'drip' AS item_type,
            x.drip_id AS item_id,
            'drip_closed' AS event_name,
            CONCAT(
                N'{"candidate_id":', x.candidate_id, N',"candidate_status":"', c.status,
                N'","worker":"', STRING_ESCAPE(@worker, 'json'), N'"}'
            ) AS payload_json,
            @now AS happened_at,
            NULL AS actor_user_id
        FROM @closed AS x
        INNER JOIN app.candidate AS c
            ON x.org_id = c.org_id AND x.candidate_id = c.candidate_id
        ORDER BY x.drip_id;

        -- 2. Claim the due drips of nurture candidates, soonest first: chosen without update locks, then locked with
        --    READPAST and checked again, so a drip another worker claimed meanwhile (locked, or advanced past now
        --    once committed) is skipped and never claimed twice.
        INSERT INTO @due (drip_id)
        SELECT TOP (@batch_size) d.drip_id
        FROM app.drip_schedule AS d WITH (READPAST)
        WHERE
            d.status = 'active'
            AND d.next_run_at <= @now
            AND EXISTS (
                SELECT 1
                FROM app.candidate AS c
                WHERE
                    c.org_id = d.org_id
                    AND c.candidate_id = d.candidate_id
                    AND c.status = 'nurture'
            )
        ORDER BY d.next_run_at ASC, d.drip_id ASC;

        UPDATE d
        SET
            d.last_sent_at = @now,
            d.next_run_at = CASE
                WHEN d.cadence_days >= @horizon_days THEN @far_future
                WHEN DATEADD(DAY, d.cadence_days, d.next_run_at) <= @now THEN DATEADD(DAY, d.cadence_days, @now)
                ELSE DATEADD(DAY, d.cadence_days, d.next_run_at)
            END
        OUTPUT
            INSERTED.drip_id,
            INSERTED.org_id,
            INSERTED.candidate_id,
            INSERTED.template_id,
            DELETED.next_run_at,
            INSERTED.next_run_at,
            INSERTED.cadence_days
        INTO @claimed (drip_id, org_id, candidate_id, template_id, scheduled_for, next_run_at, cadence_days)
        FROM app.drip_schedule AS d WITH (ROWLOCK, UPDLOCK, READPAST)
        INNER JOIN @due AS u ON d.drip_id = u.drip_id
        WHERE d.status = 'active' AND d.next_run_at <= @now;

        INSERT INTO app.work_event (org_id, item_type, item_id, event_name, payload_json, happened_at, actor_user_id)
        SELECT
            x.org_id,
            'drip' AS item_type,
            x.drip_id AS item_id,
            'drip_due' AS event_name,
            CONCAT(
                N'{"candidate_id":', x.candidate_id, N',"template_id":', x.template_id,
                N',"scheduled_for":"', CONVERT(nvarchar(33), x.scheduled_for, 126),
                N'","worker":"', STRING_ESCAPE(@worker, 'json'), N'"}'
            ) AS payload_json,
            @now AS happened_at,
            NULL AS actor_user_id
        FROM @claimed AS x
        ORDER BY x.scheduled_for, x.drip_id;

        COMMIT TRANSACTION;

        SELECT
            x.drip_id,
            x.org_id,
            x.candidate_id,
            x.template_id,
            x.scheduled_for,
            x.next_run_at,
            x.cadence_days
        FROM @claimed AS x
        ORDER BY x.scheduled_for, x.drip_id;
    END TRY
    BEGIN CATCH
        IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
        THROW;
    END CATCH;
END;
