-- Writes a new effective-dated version of one configuration key for an org.
--
-- The new row starts at @effective_from (default now; more than a minute in the past is refused: what was in force
-- stays on record; the minute allows for a caller's clock and round trip). The
-- org's version in force at that moment is closed there (effective_to = @effective_from); a version that starts
-- later still follows, so the new row ends where that one begins. Documents are checked before anything is written:
--   ranking_rule 'today_panel': every number docs/ranking.md lists is a whole number (100, not 100.0), and icp_band
--   and stage are objects of whole numbers;
--   gate_rule: "required_items" is an array of names (min_compliance_score, when given, a number);
--   sla_rule: item_type, metric and a whole threshold_hrs of 1 or more;
--   any type: {"enabled": false} alone switches a shipped key off for the org.
-- The template org 0 is written by the package's data scripts only. Returns the new row.
-- Errors (docs/errors.md), raised before anything is written: 50010 unknown org or the template org, 50011 bad
-- config type, 50012 empty key, 50013 value not a JSON object, 50014 effective_from in the past, 50015 user not of
-- the org, 50016 document misses a member its type needs, 50017 a version of the key already starts then.
CREATE OR ALTER PROCEDURE app.sp_set_config
    @org_id int,
    @config_type varchar(32),
    @config_key varchar(64),
    @config_value nvarchar(max),
    @effective_from datetime2 = NULL,
    @user_id int = NULL
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    DECLARE @now datetime2 = SYSUTCDATETIME();
    DECLARE @missing nvarchar(1000);
    DECLARE @message nvarchar(2048);
    DECLARE @next_from datetime2;
    DECLARE @config_id bigint;
    DECLARE @switch_off bit = 0;

    BEGIN TRY
        SET @effective_from = COALESCE(@effective_from, @now);
        SET @config_key = LTRIM(RTRIM(@config_key));

        IF @org_id = 0 OR NOT EXISTS (SELECT 1 FROM core.org AS o WHERE o.org_id = @org_id)
            THROW 50010, N'sp_set_config: @org_id does not name an org (the template org 0 is written by data scripts).', 1;
        IF @config_type IS NULL OR @config_type NOT IN ('sla_rule', 'spotlight_rule', 'gate_rule', 'ranking_rule')
            THROW 50011, N'sp_set_config: @config_type must be sla_rule, spotlight_rule, gate_rule or ranking_rule.', 1;
        IF NULLIF(LTRIM(RTRIM(@config_key)), '') IS NULL
            THROW 50012, N'sp_set_config: @config_key is required.', 1;
        IF
            @config_value IS NULL
            OR ISJSON(@config_value) = 0
            OR LEFT(LTRIM(TRANSLATE(@config_value, NCHAR(9) + NCHAR(10) + NCHAR(13), N'   ')), 1) <> N'{'
            THROW 50013, N'sp_set_config: @config_value must be a JSON object.', 1;
        IF @effective_from < DATEADD(MINUTE, -1, @now)
            THROW 50014, N'sp_set_config: @effective_from lies in the past; history is not rewritten.', 1;
        IF
            @user_id IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM core.user_account AS u
                WHERE u.org_id = @org_id AND u.user_id = @user_id
            )
            THROW 50015, N'sp_set_config: @user_id is not a user of @org_id.', 1;

        SET @switch_off = CASE
            WHEN
                JSON_VALUE(@config_value, '$.enabled') = 'false'
                AND NOT EXISTS (SELECT 1 FROM OPENJSON(@config_value) AS j WHERE j.[key] <> N'enabled')
                THEN 1
            ELSE 0
        END;

        IF @switch_off = 0
            BEGIN
                SELECT @missing = STRING_AGG(CAST(need.member AS nvarchar(max)), N', ')
                FROM (
                    SELECT p.member
                    FROM (
                        VALUES
                        ('$.sla_urgency.breach', TRY_CONVERT(int, JSON_VALUE(@config_value, '$.sla_urgency.breach'))),
                        ('$.sla_urgency.aging', TRY_CONVERT(int, JSON_VALUE(@config_value, '$.sla_urgency.aging'))),
                        ('$.sla_urgency.medium', TRY_CONVERT(int, JSON_VALUE(@config_value, '$.sla_urgency.medium'))),
                        ('$.sla_urgency.recent', TRY_CONVERT(int, JSON_VALUE(@config_value, '$.sla_urgency.recent'))),
                        ('$.age_hours.aging', TRY_CONVERT(int, JSON_VALUE(@config_value, '$.age_hours.aging'))),
                        ('$.age_hours.medium', TRY_CONVERT(int, JSON_VALUE(@config_value, '$.age_hours.medium'))),
                        ('$.workload.free_items', TRY_CONVERT(int, JSON_VALUE(@config_value, '$.workload.free_items'))),
                        ('$.workload.points_per_item', TRY_CONVERT(int, JSON_VALUE(@config_value, '$.workload.points_per_item'))),
                        ('$.workload.max_penalty', TRY_CONVERT(int, JSON_VALUE(@config_value, '$.workload.max_penalty'))),
                        ('$.tiers.critical', TRY_CONVERT(int, JSON_VALUE(@config_value, '$.tiers.critical'))),
                        ('$.tiers.high', TRY_CONVERT(int, JSON_VALUE(@config_value, '$.tiers.high'))),
                        ('$.tiers.medium', TRY_CONVERT(int, JSON_VALUE(@config_value, '$.tiers.medium'))),
                        ('$.badges.due_soon_days', TRY_CONVERT(int, JSON_VALUE(@config_value, '$.badges.due_soon_days'))),
                        ('$.badges.stale_hours', TRY_CONVERT(int, JSON_VALUE(@config_value, '$.badges.stale_hours')))
                    ) AS p(member, whole_number)
                    WHERE
                        @config_type = 'ranking_rule'
                        AND @config_key = 'today_panel'
                        AND p.whole_number IS NULL
                    UNION ALL
                    SELECT '$.icp_band / $.stage (objects of whole numbers)' AS member
                    WHERE
                        @config_type = 'ranking_rule'
                        AND @config_key = 'today_panel'
                        AND (
                            LEFT(JSON_QUERY(@config_value, '$.icp_band'), 1) IS NULL
                            OR LEFT(JSON_QUERY(@config_value, '$.icp_band'), 1) <> N'{'
                            OR LEFT(JSON_QUERY(@config_value, '$.stage'), 1) IS NULL
                            OR LEFT(JSON_QUERY(@config_value, '$.stage'), 1) <> N'{'
                            OR EXISTS (
                                SELECT 1 FROM OPENJSON(@config_value, '$.icp_band') AS w
                                WHERE TRY_CONVERT(int, w.[value]) IS NULL
                            )
                            OR EXISTS (
                                SELECT 1 FROM OPENJSON(@config_value, '$.stage') AS w
                                WHERE TRY_CONVERT(int, w.[value]) IS NULL
                            )
                        )
                    UNION ALL
                    SELECT '$.required_items (array of names)' AS member
                    WHERE
                        @config_type = 'gate_rule'
                        AND (
                            JSON_QUERY(@config_value, '$.required_items') IS NULL
                            OR LEFT(JSON_QUERY(@config_value, '$.required_items'), 1) <> N'['
                            OR EXISTS (
                                SELECT 1 FROM OPENJSON(@config_value, '$.required_items') AS i
                                WHERE i.[type] <> 1 OR NULLIF(LTRIM(i.[value]), N'') IS NULL
                            )
                        )
                    UNION ALL
                    SELECT '$.min_compliance_score (a number or null)' AS member
                    WHERE
                        @config_type = 'gate_rule'
                        AND (
                            JSON_QUERY(@config_value, '$.min_compliance_score') IS NOT NULL
                            OR (
                                JSON_VALUE(@config_value, '$.min_compliance_score') IS NOT NULL
                                AND TRY_CONVERT(decimal(4, 1), JSON_VALUE(@config_value, '$.min_compliance_score')) IS NULL
                            )
                        )
                    UNION ALL
                    SELECT s.member
                    FROM (
                        VALUES
                        (
                            '$.item_type',
                            CASE WHEN JSON_VALUE(@config_value, '$.item_type') IN ('signal', 'candidate', 'pursuit') THEN 1 ELSE 0 END
                        ),
                        ('$.metric', CASE WHEN NULLIF(JSON_VALUE(@config_value, '$.metric'), '') IS NOT NULL THEN 1 ELSE 0 END),
                        ('$.threshold_hrs', CASE WHEN TRY_CONVERT(int, JSON_VALUE(@config_value, '$.threshold_hrs')) >= 1 THEN 1 ELSE 0 END)
                    ) AS s(member, ok)
                    WHERE @config_type = 'sla_rule' AND s.ok = 0
                ) AS need;

                IF @missing IS NOT NULL
                    BEGIN
                        SET
                            @message
                            = LEFT(
                                CONCAT(N'sp_set_config: the ', @config_type, N' document ', @config_key, N' needs ', @missing, N'.'), 2048
                            );
                        THROW 50016, @message, 1;
                    END;
            END;

        BEGIN TRANSACTION;

        IF
            EXISTS (
                SELECT 1 FROM app.config_registry AS c WITH (UPDLOCK, HOLDLOCK)
                WHERE
                    c.org_id = @org_id
                    AND c.config_type = @config_type
                    AND c.config_key = @config_key
                    AND c.is_active = 1
                    AND c.effective_from = @effective_from
            )
            THROW 50017, N'sp_set_config: a version of this key already starts at @effective_from.', 1;

        SELECT @next_from = MIN(c.effective_from)
        FROM app.config_registry AS c WITH (UPDLOCK, HOLDLOCK)
        WHERE
            c.org_id = @org_id
            AND c.config_type = @config_type
            AND c.config_key = @config_key
            AND c.is_active = 1
            AND c.effective_from > @effective_from;

        UPDATE c
        SET
            c.effective_to = @effective_from,
            c.updated_at = @now,
            c.updated_by = @user_id
        FROM app.config_registry AS c
        WHERE
            c.org_id = @org_id
            AND c.config_type = @config_type
            AND c.config_key = @config_key
            AND c.is_active = 1
            AND c.effective_from < @effective_from
            AND (c.effective_to IS NULL OR c.effective_to > @effective_from);

        INSERT INTO app.config_registry (
            org_id, config_type, config_key, config_value, effective_from, effective_to, is_active,
            created_at, created_by, updated_at, updated_by
        )
        VALUES (
            @org_id, @config_type, @config_key, @config_value, @effective_from, @next_from, 1,
            @now, @user_id, @now, @user_id
        );
        SET @config_id = SCOPE_IDENTITY();

        COMMIT TRANSACTION;

        SELECT
            c.config_id,
            c.org_id,
            c.config_type,
            c.config_key,
            c.config_value,
            c.effective_from,
            c.effective_to
        FROM app.config_registry AS c
        WHERE c.config_id = @config_id;
    END TRY
    BEGIN CATCH
        IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
        THROW;
    END CATCH;
END;
