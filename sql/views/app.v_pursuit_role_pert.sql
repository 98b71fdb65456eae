-- PERT figures of each role of a pursuit, from the role's latest estimate.
--
-- One row per (org_id, pursuit_id, role): the estimate with the latest created_at (then the highest estimate_id)
-- wins; older estimates of the role are history. expected_hours = (O + 4M + P) / 6, std_dev_hours = (P - O) / 6 and
-- variance_hours = ((P - O) / 6)^2, computed from the stored hours (O optimistic, M most likely, P pessimistic) and
-- rounded to 4 decimals; for decimal(10, 2) inputs expected and std dev stay below 10^8 (decimal(12, 4)) and the
-- variance below 3 * 10^14 (decimal(20, 4)), so no input overflows.
CREATE OR ALTER VIEW app.v_pursuit_role_pert
AS
WITH ranked AS (
    SELECT
        e.org_id,
        e.pursuit_id,
        e.role,
        e.estimate_id,
        e.optimistic_hours,
        e.most_likely_hours,
        e.pessimistic_hours,
        e.confidence,
        e.created_at,
        ROW_NUMBER() OVER (
            PARTITION BY e.org_id, e.pursuit_id, e.role
            ORDER BY e.created_at DESC, e.estimate_id DESC
        ) AS recency
    FROM app.pursuit_role_estimate AS e
)

SELECT
    r.org_id,
    r.pursuit_id,
    r.role,
    r.estimate_id,
    r.optimistic_hours,
    r.most_likely_hours,
    r.pessimistic_hours,
    CAST((r.optimistic_hours + 4 * r.most_likely_hours + r.pessimistic_hours) / 6 AS decimal(12, 4)) AS expected_hours,
    CAST((r.pessimistic_hours - r.optimistic_hours) / 6 AS decimal(12, 4)) AS std_dev_hours,
    CAST(
        (r.pessimistic_hours - r.optimistic_hours) * (r.pessimistic_hours - r.optimistic_hours) / 36 AS decimal(20, 4)
    ) AS variance_hours,
    r.confidence,
    r.created_at
FROM ranked AS r
WHERE r.recency = 1;
