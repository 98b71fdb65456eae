-- Promotes an open candidate to a pursuit in stage 'qual', once per candidate.
--
-- The candidate must be open ('new', 'triaged', 'nurture' or 'on_hold'); it becomes 'promoted' (updated_at and
-- last_touch_at = now). The pursuit's capture lead defaults to the candidate's owner. A candidate is promoted once:
-- the candidate row is locked (UPDLOCK, HOLDLOCK) before the check for an existing pursuit, so concurrent calls
-- for one candidate run one after the other and the second one fails with 50053; the unique index
-- UX_pursuit_once_per_candidate is the last line of defence, and its violation is reported as 50053 too.
-- When a gate rule for stage 'qual' is in force for the org (app.v_effective_config, config_type 'gate_rule',
-- config_key 'qual'; none is shipped), its required_items seed the new pursuit's checklist (is_required 1,
-- is_done 0). Events, in the same transaction: 'candidate_promoted' (candidate; payload pursuit_id) and
-- 'pursuit_created' (pursuit; payload candidate_id, stage).
-- Returns the new pursuit's row.
-- Errors (docs/errors.md), raised before anything is written:
--   50050 unknown org, 50051 actor, capture lead or proposal manager not a user of the org, 50052 candidate not of
--   the org, 50053 the candidate already has a pursuit, 50054 candidate not in an open status, 50055 negative
--   forecast value.
CREATE OR ALTER PROCEDURE app.sp_promote_candidate
    @org_id int,
    @candidate_id bigint,
    @actor_user_id int = NULL,
    @due_date date = NULL,
    @capture_lead_id int = NULL,
    @proposal_mgr_id int = NULL,
    @forecast_value_usd decimal(18, 2) = NULL
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    DECLARE @now datetime2 = SYSUTCDATETIME();
    DECLARE @status varchar(12);
    DECLARE @owner_user_id int;
    DECLARE @existing_pursuit_id bigint;
    DECLARE @pursuit_id bigint;
    DECLARE @payload nvarchar(max);
    DECLARE @event_id bigint;
    DECLARE @message nvarchar(2048);

    BEGIN TRY
        IF NOT EXISTS (SELECT 1 FROM core.org AS o WHERE o.org_id = @org_id)
            THROW 50050, N'sp_promote_candidate: @org_id does not name an org.', 1;
        IF
            @actor_user_id IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM core.user_account AS u
                WHERE u.org_id = @org_id AND u.user_id = @actor_user_id
            )
            THROW 50051, N'sp_promote_candidate: @actor_user_id is not a user of @org_id.', 1;
        IF
            @candidate_id IS NULL OR NOT EXISTS (
                SELECT 1 FROM app.candidate AS c
                WHERE c.org_id = @org_id AND c.candidate_id = @candidate_id
            )
            THROW 50052, N'sp_promote_candidate: @candidate_id is not a candidate of @org_id.', 1;
        IF
            @capture_lead_id IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM core.user_account AS u
                WHERE u.org_id = @org_id AND u.user_id = @capture_lead_id
            )
            THROW 50051, N'sp_promote_candidate: @capture_lead_id is not a user of @org_id.', 1;
        IF
            @proposal_mgr_id IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM core.user_account AS u
                WHERE u.org_id = @org_id AND u.user_id = @proposal_mgr_id
            )
            THROW 50051, N'sp_promote_candidate: @proposal_mgr_id is not a user of @org_id.', 1;
        IF @forecast_value_usd < 0
            THROW 50055, N'sp_promote_candidate: @forecast_value_usd must not be negative.', 1;

        BEGIN TRANSACTION;

        -- The candidate row, locked: concurrent promotions of one candidate run one after the other.
        SELECT
            @status = c.status,
            @owner_user_id = c.owner_user_id
        FROM app.candidate AS c WITH (UPDLOCK, HOLDLOCK)
        WHERE c.org_id = @org_id AND c.candidate_id = @candidate_id;

        SELECT @existing_pursuit_id = p.pursuit_id
        FROM app.pursuit AS p WITH (UPDLOCK, HOLDLOCK)
        WHERE p.org_id = @org_id AND p.candidate_id = @candidate_id;

        IF @status IS NULL
            THROW 50052, N'sp_promote_candidate: @candidate_id is not a candidate of @org_id.', 1;
        IF @existing_pursuit_id IS NOT NULL
            BEGIN
                SET @message = CONCAT(
                    N'sp_promote_candidate: candidate ', @candidate_id, N' was promoted already (pursuit ',
                    @existing_pursuit_id, N').'
                );
                THROW 50053, @message, 1;
            END;
        IF @status NOT IN ('new', 'triaged', 'nurture', 'on_hold')
            BEGIN
                SET @message = CONCAT(
                    N'sp_promote_candidate: candidate ', @candidate_id, N' is ', @status,
                    N'; only new, triaged, nurture and on_hold candidates can be promoted.'
                );
                THROW 50054, @message, 1;
            END;

        INSERT INTO app.pursuit (
            org_id, candidate_id, due_date, capture_lead_id, proposal_mgr_id, pursuit_stage, forecast_value_usd,
            created_at, updated_at
        )
        VALUES (
            @org_id, @candidate_id, @due_date, COALESCE(@capture_lead_id, @owner_user_id), @proposal_mgr_id, 'qual',
            @forecast_value_usd, @now, @now
        );
        SET @pursuit_id = SCOPE_IDENTITY();

        UPDATE c
        SET
            c.status = 'promoted',
            c.updated_at = @now,
            c.last_touch_at = @now
        FROM app.candidate AS c
        WHERE c.org_id = @org_id AND c.candidate_id = @candidate_id;

        -- The gate rule of stage 'qual' in force for the org, if any, seeds the checklist.
        INSERT INTO app.pursuit_checklist (org_id, pursuit_id, name, is_required, is_done)
        SELECT
            @org_id AS org_id,
            @pursuit_id AS pursuit_id,
            r.name,
            1 AS is_required,
            0 AS is_done
        FROM app.fn_gate_rule_items(@org_id, 'qual') AS r
        ORDER BY r.position;

        SET @payload = CONCAT(N'{"pursuit_id":', @pursuit_id, N'}');
        EXEC app.sp_append_work_event
            @org_id = @org_id,
            @item_type = 'candidate',
            @item_id = @candidate_id,
            @event_name = 'candidate_promoted',
            @payload_json = @payload,
            @actor_user_id = @actor_user_id,
            @event_id = @event_id OUTPUT;

        SET @payload = CONCAT(N'{"candidate_id":', @candidate_id, N',"stage":"qual"}');
        EXEC app.sp_append_work_event
            @org_id = @org_id,
            @item_type = 'pursuit',
            @item_id = @pursuit_id,
            @event_name = 'pursuit_created',
            @payload_json = @payload,
            @actor_user_id = @actor_user_id,
            @event_id = @event_id OUTPUT;

        COMMIT TRANSACTION;

        SELECT
            p.pursuit_id,
            p.org_id,
            p.candidate_id,
            p.due_date,
            p.capture_lead_id,
            p.proposal_mgr_id,
            p.pursuit_stage,
            p.compliance_score,
            p.forecast_value_usd,
            p.cos_hours,
            p.cos_amount,
            p.created_at,
            p.updated_at
        FROM app.pursuit AS p
        WHERE p.pursuit_id = @pursuit_id;
    END TRY
    BEGIN CATCH
        IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
        -- A pursuit inserted for the candidate by another writer between our check and our insert.
        IF ERROR_NUMBER() IN (2601, 2627) AND ERROR_MESSAGE() LIKE N'%UX[_]pursuit[_]once[_]per[_]candidate%'
            THROW 50053, N'sp_promote_candidate: the candidate was promoted already (UX_pursuit_once_per_candidate).', 1;
        THROW;
    END CATCH;
END;
