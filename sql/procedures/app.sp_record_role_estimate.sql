-- Records a PERT estimate (optimistic, most likely, pessimistic hours) of one role of a pursuit.
--
-- Needs 0 <= optimistic <= most likely <= pessimistic and a confidence between 0 and 1 (or none). The role is stored
-- trimmed; a newer estimate of the same role supersedes the older ones in app.v_pursuit_role_pert (history is kept).
-- Event 'role_estimate_recorded' (pursuit; payload estimate_id, role, expected_hours, std_dev_hours) in the same
-- transaction.
-- Returns estimate_id, org_id, pursuit_id, role, expected_hours = (O + 4M + P) / 6 and std_dev_hours = (P - O) / 6,
-- both decimal(10, 2).
-- Errors (docs/errors.md), raised before anything is written:
--   50082 unknown org, 50083 actor not a user of the org, 50084 pursuit not of the org, 50085 empty role,
--   50086 hours missing, negative or not in the order optimistic <= most likely <= pessimistic,
--   50087 confidence outside 0..1.
CREATE OR ALTER PROCEDURE app.sp_record_role_estimate
    @org_id int,
    @pursuit_id bigint,
    @role varchar(64),
    @optimistic_hours decimal(10, 2),
    @most_likely_hours decimal(10, 2),
    @pessimistic_hours decimal(10, 2),
    @confidence decimal(3, 2) = NULL,
    @actor_user_id int = NULL
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    DECLARE @now datetime2 = SYSUTCDATETIME();
    DECLARE @estimate_id bigint;
    DECLARE @expected_hours decimal(10, 2);
    DECLARE @std_dev_hours decimal(10, 2);
    DECLARE @payload nvarchar(max);
    DECLARE @event_id bigint;

    BEGIN TRY
        SET @role = LTRIM(RTRIM(@role));

        IF NOT EXISTS (SELECT 1 FROM core.org AS o WHERE o.org_id = @org_id)
            THROW 50082, N'sp_record_role_estimate: @org_id does not name an org.', 1;
        IF
            @actor_user_id IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM core.user_account AS u
                WHERE u.org_id = @org_id AND u.user_id = @actor_user_id
            )
            THROW 50083, N'sp_record_role_estimate: @actor_user_id is not a user of @org_id.', 1;
        IF
            @pursuit_id IS NULL OR NOT EXISTS (
                SELECT 1 FROM app.pursuit AS p
                WHERE p.org_id = @org_id AND p.pursuit_id = @pursuit_id
            )
            THROW 50084, N'sp_record_role_estimate: @pursuit_id is not a pursuit of @org_id.', 1;
        IF NULLIF(@role, '') IS NULL
            THROW 50085, N'sp_record_role_estimate: @role must not be empty.', 1;
        IF
            @optimistic_hours IS NULL OR @most_likely_hours IS NULL OR @pessimistic_hours IS NULL
            OR @optimistic_hours < 0
            OR @optimistic_hours > @most_likely_hours
            OR @most_likely_hours > @pessimistic_hours
            THROW 50086, N'sp_record_role_estimate: hours must satisfy 0 <= optimistic <= most likely <= pessimistic.', 1;
        IF @confidence < 0 OR @confidence > 1
            THROW 50087, N'sp_record_role_estimate: @confidence must be between 0 and 1.', 1;

        SET @expected_hours = CAST((@optimistic_hours + 4 * @most_likely_hours + @pessimistic_hours) / 6 AS decimal(10, 2));
        SET @std_dev_hours = CAST((@pessimistic_hours - @optimistic_hours) / 6 AS decimal(10, 2));

        BEGIN TRANSACTION;

        INSERT INTO app.pursuit_role_estimate (
            org_id, pursuit_id, role, optimistic_hours, most_likely_hours, pessimistic_hours, confidence, created_at
        )
        VALUES (
            @org_id, @pursuit_id, @role, @optimistic_hours, @most_likely_hours, @pessimistic_hours, @confidence, @now
        );
        SET @estimate_id = SCOPE_IDENTITY();

        SET @payload = CONCAT(
            N'{"estimate_id":', @estimate_id, N',"role":"', STRING_ESCAPE(@role, 'json'),
            N'","expected_hours":', @expected_hours, N',"std_dev_hours":', @std_dev_hours, N'}'
        );
        EXEC app.sp_append_work_event
            @org_id = @org_id,
            @item_type = 'pursuit',
            @item_id = @pursuit_id,
            @event_name = 'role_estimate_recorded',
            @payload_json = @payload,
            @actor_user_id = @actor_user_id,
            @event_id = @event_id OUTPUT;

        COMMIT TRANSACTION;

        SELECT
            @estimate_id AS estimate_id,
            @org_id AS org_id,
            @pursuit_id AS pursuit_id,
            @role AS role,
            @expected_hours AS expected_hours,
            @std_dev_hours AS std_dev_hours;
    END TRY
    BEGIN CATCH
        IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
        THROW;
    END CATCH;
END;
