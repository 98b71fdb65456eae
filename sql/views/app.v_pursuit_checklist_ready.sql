-- Determines if a pursuit's required checklist items are complete.
--
-- ready = 1 when no required item of the pursuit is still open; a pursuit without required items is ready.
CREATE OR ALTER VIEW app.v_pursuit_checklist_ready
AS
SELECT
    p.org_id,
    p.pursuit_id,
    CAST(CASE
        WHEN EXISTS (
            SELECT 1
            FROM app.pursuit_checklist AS pc
            WHERE
                pc.org_id = p.org_id
                AND pc.pursuit_id = p.pursuit_id
                AND pc.is_required = 1
                AND pc.is_done = 0
        ) THEN 0
        ELSE 1
    END AS bit) AS ready
FROM app.pursuit AS p;
