-- Computes a deal's readiness against a qualification framework and stores it (intake.deal_readiness).
--
-- Only BANT is defined: @framework is trimmed and read case-insensitively ('BANT', 'bant') and stored lower-case,
-- 'bant'; any other framework is refused (50296). BANT needs the keys budget, authority, need and timeline, in that
-- order. A key is present when the deal has a fact for it (intake.deal_facts) whose confidence is at least
-- @min_confidence. missing_keys is a JSON array of the absent keys in BANT order (e.g. ["authority","timeline"],
-- [] when none is missing); readiness_score = present keys / 4 as decimal(4, 3) (0.000, 0.250, 0.500, 0.750,
-- 1.000). The row of the workspace, deal and framework is updated (updated_at = now) or inserted, under
-- UPDLOCK, HOLDLOCK. No audit event (the score can be recomputed at any time).
-- Returns the deal_readiness row.
-- Errors (docs/errors.md), raised before anything is written:
--   50294 unknown workspace, 50295 deal not of the workspace, 50296 unknown framework (only BANT is defined),
--   50297 @min_confidence missing or outside 0-1.
CREATE OR ALTER PROCEDURE intake.sp_compute_deal_readiness
    @workspace_id uniqueidentifier,
    @deal_id bigint,
    @framework varchar(max) = 'BANT',
    @min_confidence decimal(4, 3) = 0.5
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    DECLARE @now datetime2 = SYSUTCDATETIME();
    DECLARE @required_count int;
    DECLARE @present_count int;
    DECLARE @missing_keys nvarchar(1000);
    DECLARE @readiness_score decimal(4, 3);
    DECLARE @deal_readiness_id bigint;

    BEGIN TRY
        SET @framework = LOWER(LTRIM(RTRIM(@framework)));

        IF NOT EXISTS (SELECT 1 FROM intake.workspaces AS w WHERE w.workspace_id = @workspace_id)
            THROW 50294, N'sp_compute_deal_readiness: @workspace_id does not name a workspace.', 1;
        IF
            NOT EXISTS (
                SELECT 1 FROM intake.deals AS d
                WHERE d.workspace_id = @workspace_id AND d.deal_id = @deal_id
            )
            THROW 50295, N'sp_compute_deal_readiness: @deal_id is not a deal of @workspace_id.', 1;
        IF @framework IS NULL OR @framework <> 'bant'
            THROW 50296, N'sp_compute_deal_readiness: unknown @framework; only BANT is defined.', 1;
        IF @min_confidence IS NULL OR @min_confidence < 0 OR @min_confidence > 1
            THROW 50297, N'sp_compute_deal_readiness: @min_confidence must be between 0 and 1.', 1;

        BEGIN TRANSACTION;

        -- The framework's keys in order, each joined to the deal's fact for it when that is confident enough
        -- (one fact per deal and key: UX_intake_deal_facts_workspace_id_deal_id_key).
        SELECT
            @required_count = COUNT(*),
            @present_count = COUNT(f.deal_fact_id),
            @missing_keys = STRING_AGG(CASE WHEN f.deal_fact_id IS NULL THEN CONCAT(N'"', r.fact_key, N'"') END, N',')
            WITHIN GROUP (ORDER BY r.position)
        FROM (VALUES (1, 'budget'), (2, 'authority'), (3, 'need'), (4, 'timeline')) AS r(position, fact_key)
        LEFT OUTER JOIN intake.deal_facts AS f
            ON
                f.workspace_id = @workspace_id
                AND f.deal_id = @deal_id
                AND f.[key] = r.fact_key
                AND f.confidence >= @min_confidence;

        SET @missing_keys = CONCAT(N'[', @missing_keys, N']');
        SET @readiness_score = CAST(CAST(@present_count AS decimal(9, 3)) / @required_count AS decimal(4, 3));

        SELECT @deal_readiness_id = r.deal_readiness_id
        FROM intake.deal_readiness AS r WITH (UPDLOCK, HOLDLOCK)
        WHERE r.workspace_id = @workspace_id AND r.deal_id = @deal_id AND r.framework = @framework;

        IF @deal_readiness_id IS NULL
            BEGIN
                INSERT INTO intake.deal_readiness (
                    workspace_id, deal_id, framework, missing_keys, readiness_score, created_at, updated_at
                )
                VALUES (@workspace_id, @deal_id, @framework, @missing_keys, @readiness_score, @now, @now);
                SET @deal_readiness_id = SCOPE_IDENTITY();
            END
        ELSE
            UPDATE r
            SET
                r.missing_keys = @missing_keys,
                r.readiness_score = @readiness_score,
                r.updated_at = @now
            FROM intake.deal_readiness AS r
            WHERE r.deal_readiness_id = @deal_readiness_id;

        COMMIT TRANSACTION;

        SELECT
            r.deal_readiness_id,
            r.workspace_id,
            r.deal_id,
            r.framework,
            r.missing_keys,
            r.readiness_score,
            r.created_at,
            r.updated_at
        FROM intake.deal_readiness AS r
        WHERE r.deal_readiness_id = @deal_readiness_id;
    END TRY
    BEGIN CATCH
        IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
        THROW;
    END CATCH;
END;
