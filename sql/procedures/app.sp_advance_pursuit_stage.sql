-- Moves a pursuit one stage forward (qual, pink, red, submit, won) or to 'lost', when its gate is passed.
--
-- Allowed moves: qual -> pink -> red -> submit -> won, one step at a time, and any open stage (qual, pink, red,
-- submit) -> lost. Nothing leaves won or lost, and nothing moves back. A forward move (not to 'lost') needs the
-- gate of the current stage passed:
--   (a) every required checklist item of the pursuit is done (the rule of app.v_pursuit_checklist_ready), and
--   (b) when a gate rule is in force for the current stage (app.v_effective_config, config_type 'gate_rule',
--       config_key = the current stage): each name in its required_items is on the pursuit's checklist and done,
--       and compliance_score >= min_compliance_score unless that is null (a pursuit without a compliance_score
--       fails such a gate; a min_compliance_score that is not a number fails it too).
-- A gate that is not passed raises 50060, whose message lists what is missing (at most 2048 characters).
-- The pursuit row is locked (UPDLOCK, HOLDLOCK) for the whole check-and-move, and the checklist rows read by the
-- gate are held (HOLDLOCK) until the move commits.
-- On success: pursuit_stage and updated_at = now; the gate rule of the new stage, if any, seeds its required_items
-- onto the checklist (is_required 1, is_done 0; names already there are left alone); event 'pursuit_stage_changed'
-- (pursuit; payload from, to, seeded_items), all in one transaction.
-- Returns pursuit_id, org_id, previous_stage, pursuit_stage (the new stage), seeded_items and updated_at.
-- Errors (docs/errors.md), raised before anything is written:
--   50056 unknown org, 50057 actor not a user of the org, 50058 pursuit not of the org, 50059 @to_stage is not a
--   stage or not reachable from the current stage, 50060 the gate of the current stage is not passed.
CREATE OR ALTER PROCEDURE app.sp_advance_pursuit_stage
    @org_id int,
    @pursuit_id bigint,
    @to_stage varchar(8),
    @actor_user_id int = NULL
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    DECLARE @now datetime2 = SYSUTCDATETIME();
    DECLARE @from_stage varchar(8);
    DECLARE @compliance_score decimal(4, 1);
    DECLARE @gate_json nvarchar(max);
    DECLARE @min_text nvarchar(4000);
    DECLARE @min_score decimal(9, 3);
    DECLARE @missing_list nvarchar(max);
    DECLARE @long_message nvarchar(max);
    DECLARE @message nvarchar(2048);
    DECLARE @seeded int = 0;
    DECLARE @payload nvarchar(max);
    DECLARE @event_id bigint;
    DECLARE @missing TABLE (
        ordinal int IDENTITY (1, 1) NOT NULL,
        item nvarchar(400) NOT NULL
    );

    BEGIN TRY
        SET @to_stage = LOWER(LTRIM(RTRIM(@to_stage)));

        IF NOT EXISTS (SELECT 1 FROM core.org AS o WHERE o.org_id = @org_id)
            THROW 50056, N'sp_advance_pursuit_stage: @org_id does not name an org.', 1;
        IF
            @actor_user_id IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM core.user_account AS u
                WHERE u.org_id = @org_id AND u.user_id = @actor_user_id
            )
            THROW 50057, N'sp_advance_pursuit_stage: @actor_user_id is not a user of @org_id.', 1;
        IF
            @pursuit_id IS NULL OR NOT EXISTS (
                SELECT 1 FROM app.pursuit AS p
                WHERE p.org_id = @org_id AND p.pursuit_id = @pursuit_id
            )
            THROW 50058, N'sp_advance_pursuit_stage: @pursuit_id is not a pursuit of @org_id.', 1;
        IF @to_stage IS NULL OR @to_stage NOT IN ('qual', 'pink', 'red', 'submit', 'won', 'lost')
            THROW 50059, N'sp_advance_pursuit_stage: @to_stage must be qual, pink, red, submit, won or lost.', 1;

        BEGIN TRANSACTION;

        -- The pursuit row, locked for the whole check-and-move.
        SELECT
            @from_stage = p.pursuit_stage,
            @compliance_score = p.compliance_score
        FROM app.pursuit AS p WITH (UPDLOCK, HOLDLOCK)
        WHERE p.org_id = @org_id AND p.pursuit_id = @pursuit_id;

        IF @from_stage IS NULL
            THROW 50058, N'sp_advance_pursuit_stage: @pursuit_id is not a pursuit of @org_id.', 1;
        IF
            NOT (
                (@to_stage = 'lost' AND @from_stage IN ('qual', 'pink', 'red', 'submit'))
                OR (@from_stage = 'qual' AND @to_stage = 'pink')
                OR (@from_stage = 'pink' AND @to_stage = 'red')
                OR (@from_stage = 'red' AND @to_stage = 'submit')
                OR (@from_stage = 'submit' AND @to_stage = 'won')
            )
            BEGIN
                SET @message = CONCAT(
                    N'sp_advance_pursuit_stage: pursuit ', @pursuit_id, N' cannot move from ', @from_stage, N' to ',
                    @to_stage, N'; allowed: qual -> pink -> red -> submit -> won one step at a time, ',
                    N'and any open stage -> lost.'
                );
                THROW 50059, @message, 1;
            END;

        IF @to_stage <> 'lost'
            BEGIN
                -- (a) Required checklist items still open (the rule of app.v_pursuit_checklist_ready).
                INSERT INTO @missing (item)
                SELECT pc.name
                FROM app.pursuit_checklist AS pc WITH (HOLDLOCK)
                WHERE
                    pc.org_id = @org_id
                    AND pc.pursuit_id = @pursuit_id
                    AND pc.is_required = 1
                    AND pc.is_done = 0
                ORDER BY pc.checklist_id;

                -- (b) The gate rule in force for the current stage, if any.
                SELECT @gate_json = e.config_value
                FROM app.v_effective_config AS e
                WHERE e.org_id = @org_id AND e.config_type = 'gate_rule' AND e.config_key = @from_stage;

                IF @gate_json IS NOT NULL
                    BEGIN
                        -- Lax JSON_VALUE reads an object or array as NULL: such a minimum is "not a number" too.
                        SET @min_text = COALESCE(
                            JSON_VALUE(@gate_json, '$.min_compliance_score'),
                            JSON_QUERY(@gate_json, '$.min_compliance_score')
                        );
                        SET @min_score = TRY_CONVERT(decimal(9, 3), @min_text);

                        -- Names missing from the checklist, and optional items not done (required ones are in (a)).
                        INSERT INTO @missing (item)
                        SELECT
                            CASE
                                WHEN pc.checklist_id IS NULL THEN CONCAT(g.name, N' (not on the checklist)')
                                ELSE g.name
                            END AS item
                        FROM app.fn_gate_rule_items(@org_id, @from_stage) AS g
                        LEFT OUTER JOIN app.pursuit_checklist AS pc WITH (HOLDLOCK)
                            ON pc.org_id = @org_id AND pc.pursuit_id = @pursuit_id AND pc.name = g.name
                        WHERE pc.checklist_id IS NULL OR (pc.is_done = 0 AND pc.is_required = 0)
                        ORDER BY g.position;

                        IF @min_text IS NOT NULL AND @min_score IS NULL
                            INSERT INTO @missing (item)
                            VALUES (CONCAT(N'min_compliance_score of the gate rule is not a number (', LEFT(@min_text, 40), N')'));
                        ELSE IF @min_score IS NOT NULL AND (@compliance_score IS NULL OR @compliance_score < @min_score)
                            INSERT INTO @missing (item)
                            VALUES (
                                CONCAT(
                                    N'compliance_score ', COALESCE(CAST(@compliance_score AS nvarchar(8)), N'not set'),
                                    N' (needs ', LEFT(@min_text, 40), N' or more)'
                                )
                            );
                    END;

                IF EXISTS (SELECT m.ordinal FROM @missing AS m)
                    BEGIN
                        SELECT @missing_list = STRING_AGG(CAST(m.item AS nvarchar(max)), N'; ') WITHIN GROUP (ORDER BY m.ordinal)
                        FROM @missing AS m;

                        SET @long_message = CONCAT(
                            N'sp_advance_pursuit_stage: pursuit ', @pursuit_id, N' cannot move from ', @from_stage,
                            N' to ', @to_stage, N'; the ', @from_stage, N' gate is not passed, missing: ', @missing_list
                        );
                        SET @message = CASE
                            WHEN LEN(@long_message) > 2048 THEN CONCAT(LEFT(@long_message, 2044), N' ...')
                            ELSE @long_message
                        END;
                        THROW 50060, @message, 1;
                    END;
            END;

        UPDATE p
        SET
            p.pursuit_stage = @to_stage,
            p.updated_at = @now
        FROM app.pursuit AS p
        WHERE p.org_id = @org_id AND p.pursuit_id = @pursuit_id;

        -- The gate rule of the new stage, if any, seeds its required items (names already there are left alone).
        INSERT INTO app.pursuit_checklist (org_id, pursuit_id, name, is_required, is_done)
        SELECT
            @org_id AS org_id,
            @pursuit_id AS pursuit_id,
            r.name,
            1 AS is_required,
            0 AS is_done
        FROM app.fn_gate_rule_items(@org_id, @to_stage) AS r
        WHERE
            NOT EXISTS (
                SELECT 1 FROM app.pursuit_checklist AS pc WITH (UPDLOCK, HOLDLOCK)
                WHERE pc.org_id = @org_id AND pc.pursuit_id = @pursuit_id AND pc.name = r.name
            )
        ORDER BY r.position;
        SET @seeded = @@ROWCOUNT;

        SET @payload = CONCAT(N'{"from":"', @from_stage, N'","to":"', @to_stage, N'","seeded_items":', @seeded, N'}');
        EXEC app.sp_append_work_event
            @org_id = @org_id,
            @item_type = 'pursuit',
            @item_id = @pursuit_id,
            @event_name = 'pursuit_stage_changed',
            @payload_json = @payload,
            @actor_user_id = @actor_user_id,
            @event_id = @event_id OUTPUT;

        COMMIT TRANSACTION;

        SELECT
            p.pursuit_id,
            p.org_id,
            @from_stage AS previous_stage,
            p.pursuit_stage,
            @seeded AS seeded_items,
            p.updated_at
        FROM app.pursuit AS p
        WHERE p.pursuit_id = @pursuit_id;
    END TRY
    BEGIN CATCH
        IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
        THROW;
    END CATCH;
END;
