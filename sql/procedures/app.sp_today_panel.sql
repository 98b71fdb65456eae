-- One org's Today panel, or one owner's, in working order: the panel's rows with a rank that breaks ties.
--
-- Rows of app.v_today_panel, highest priority_score first; equal scores go by due date (earliest first, none last),
-- then the longest untouched, then item_type and item_id, so two calls over the same rows always give the same
-- order. panel_rank numbers the rows from 1. Items without a ranking rule (NULL priority_score) come last.
-- Errors (docs/errors.md): 50090 unknown org (or the template org 0), 50091 owner not a user of the org,
-- 50092 @top outside 1..1000.
CREATE OR ALTER PROCEDURE app.sp_today_panel
    @org_id int,
    @owner_user_id int = NULL,
    @top int = 50
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    BEGIN TRY
        IF @org_id = 0 OR NOT EXISTS (SELECT 1 FROM core.org AS o WHERE o.org_id = @org_id)
            THROW 50090, N'sp_today_panel: @org_id does not name an org.', 1;
        IF
            @owner_user_id IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM core.user_account AS u
                WHERE u.org_id = @org_id AND u.user_id = @owner_user_id
            )
            THROW 50091, N'sp_today_panel: @owner_user_id is not a user of @org_id.', 1;
        IF @top IS NULL OR @top < 1 OR @top > 1000
            THROW 50092, N'sp_today_panel: @top must be between 1 and 1000.', 1;

        WITH ranked AS (
            SELECT
                ROW_NUMBER() OVER (
                    ORDER BY
                        CASE WHEN t.priority_score IS NULL THEN 1 ELSE 0 END ASC,
                        t.priority_score DESC,
                        CASE WHEN t.due_date IS NULL THEN 1 ELSE 0 END ASC,
                        t.due_date ASC,
                        t.hours_since_touch DESC,
                        t.item_type ASC,
                        t.item_id ASC
                ) AS panel_rank,
                t.item_type,
                t.item_id,
                t.org_id,
                t.label,
                t.state,
                t.last_touch_at,
                t.due_date,
                t.sla_metric,
                t.badge,
                t.priority_score,
                t.owner_user_id,
                t.icp_band,
                t.hours_since_touch,
                t.priority_tier
            FROM app.v_today_panel AS t
            WHERE t.org_id = @org_id AND (@owner_user_id IS NULL OR t.owner_user_id = @owner_user_id)
        )

        SELECT
            r.panel_rank,
            r.item_type,
            r.item_id,
            r.org_id,
            r.label,
            r.state,
            r.last_touch_at,
            r.due_date,
            r.sla_metric,
            r.badge,
            r.priority_score,
            r.owner_user_id,
            r.icp_band,
            r.hours_since_touch,
            r.priority_tier
        FROM ranked AS r
        WHERE r.panel_rank <= @top
        ORDER BY r.panel_rank
        OPTION (RECOMPILE);
    END TRY
    BEGIN CATCH
        IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
        THROW;
    END CATCH;
END;
