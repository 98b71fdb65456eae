-- PERT estimate of a whole pursuit: its roles' expected hours summed, with the spread of the total.
--
-- One row per pursuit that has estimates, over the latest estimate of each role (app.v_pursuit_role_pert).
-- role_count: roles estimated. expected_hours: the sum of the roles' expected hours (O + 4M + P) / 6.
-- std_dev_hours: SQRT of the sum of the roles' variances ((P - O) / 6)^2, i.e. the roles are taken as independent.
-- expected_low_hours / expected_high_hours: expected_hours - 2 * std_dev_hours (floored at 0, hours are never
-- negative) and expected_hours + 2 * std_dev_hours. Under the PERT assumptions (independent roles whose sum is
-- roughly normal) the total effort lands inside this band about 95% of the time; it is a planning range, not a
-- guarantee, and it is only as good as the three-point estimates behind it.
-- Sums and the band are computed from the stored hours, not from the rounded per-role figures, and rounded to
-- 4 decimals; decimal(18, 4) holds the total of more than 10^5 roles at the largest decimal(10, 2) estimate.
CREATE OR ALTER VIEW app.v_pursuit_estimate
AS
WITH totals AS (
    SELECT
        r.org_id,
        r.pursuit_id,
        COUNT(*) AS role_count,
        SUM(r.optimistic_hours + 4 * r.most_likely_hours + r.pessimistic_hours) / 6 AS expected_hours,
        SQRT(
            CAST(SUM((r.pessimistic_hours - r.optimistic_hours) * (r.pessimistic_hours - r.optimistic_hours)) AS float)
            / 36
        ) AS std_dev_hours
    FROM app.v_pursuit_role_pert AS r
    GROUP BY r.org_id, r.pursuit_id
)

SELECT
    t.org_id,
    t.pursuit_id,
    t.role_count,
    CAST(t.expected_hours AS decimal(18, 4)) AS expected_hours,
    CAST(t.std_dev_hours AS decimal(18, 4)) AS std_dev_hours,
    CAST(
        CASE
            WHEN t.expected_hours - 2 * t.std_dev_hours < 0 THEN 0
            ELSE t.expected_hours - 2 * t.std_dev_hours
        END AS decimal(18, 4)
    ) AS expected_low_hours,
    CAST(t.expected_hours + 2 * t.std_dev_hours AS decimal(18, 4)) AS expected_high_hours
FROM totals AS t;
