-- Aggregated view with total scores and component breakdowns.
--
-- One row per scoring run: the components an algorithm version wrote for an item and spotlight at one scored_at
-- (writers give every component of a run the same scored_at).
-- total_score sums component_score * component_weight; score_breakdown is a JSON array of the components, highest
-- weighted score first; top_positive / top_negative name the component with the highest positive / lowest negative
-- weighted score (NULL when there is none).
CREATE OR ALTER VIEW app.v_spotlight_score_summary
AS
WITH scored AS (
    SELECT
        c.org_id,
        c.item_type,
        c.item_id,
        c.spotlight_id,
        c.scored_at,
        c.algorithm_version,
        c.component_name,
        c.component_score,
        c.component_weight,
        c.component_reason,
        c.max_possible_score,
        CAST(c.component_score * c.component_weight AS decimal(9, 2)) AS weighted_score
    FROM app.spotlight_score_components AS c
),

ranked AS (
    SELECT
        s.org_id,
        s.item_type,
        s.item_id,
        s.spotlight_id,
        s.scored_at,
        s.algorithm_version,
        s.component_name,
        s.component_score,
        s.component_weight,
        s.component_reason,
        s.max_possible_score,
        s.weighted_score,
        ROW_NUMBER() OVER (
            PARTITION BY s.org_id, s.item_type, s.item_id, s.spotlight_id, s.scored_at, s.algorithm_version
            ORDER BY s.weighted_score DESC, s.component_name ASC
        ) AS rank_high,
        ROW_NUMBER() OVER (
            PARTITION BY s.org_id, s.item_type, s.item_id, s.spotlight_id, s.scored_at, s.algorithm_version
            ORDER BY s.weighted_score ASC, s.component_name ASC
        ) AS rank_low
    FROM scored AS s
)

SELECT
    r.org_id,
    r.item_type,
    r.item_id,
    r.spotlight_id,
    r.scored_at,
    r.algorithm_version,
    CAST(SUM(r.weighted_score) AS decimal(9, 2)) AS total_score,
    CONCAT(
        N'[',
        STRING_AGG(
            CAST(CONCAT(
                N'{"component":"', STRING_ESCAPE(r.component_name, 'json'),
                N'","score":', r.component_score,
                N',"weight":', r.component_weight,
                N',"weighted_score":', r.weighted_score,
                N',"max_possible_score":', COALESCE(CAST(r.max_possible_score AS nvarchar(16)), N'null'),
                N',"reason":', COALESCE(N'"' + STRING_ESCAPE(r.component_reason, 'json') + N'"', N'null'),
                N'}'
            ) AS nvarchar(max)),
            N','
        ) WITHIN GROUP (ORDER BY r.weighted_score DESC, r.component_name ASC),
        N']'
    ) AS score_breakdown,
    MAX(CASE WHEN r.rank_high = 1 AND r.weighted_score > 0 THEN r.component_name END) AS top_positive,
    MAX(CASE WHEN r.rank_low = 1 AND r.weighted_score < 0 THEN r.component_name END) AS top_negative,
    COUNT(*) AS component_count
FROM ranked AS r
GROUP BY r.org_id, r.item_type, r.item_id, r.spotlight_id, r.scored_at, r.algorithm_version;
