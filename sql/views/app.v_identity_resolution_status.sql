-- Dashboard view for identity resolution monitoring.
CREATE OR ALTER VIEW app.v_identity_resolution_status
AS
SELECT
    k.org_id,
    k.key_type,
    COUNT(*) AS total_keys,
    SUM(CASE WHEN k.resolution_status = 'unresolved' THEN 1 ELSE 0 END) AS unresolved_count,
    SUM(CASE WHEN k.resolution_status = 'auto_resolved' THEN 1 ELSE 0 END) AS auto_resolved_count,
    SUM(CASE WHEN k.resolution_status = 'manual_resolved' THEN 1 ELSE 0 END) AS manual_resolved_count,
    SUM(CASE WHEN k.resolution_status = 'conflict' THEN 1 ELSE 0 END) AS conflict_count,
    CAST(AVG(k.confidence_score) AS decimal(4, 3)) AS avg_confidence,
    MAX(CASE WHEN k.resolved_at > k.last_seen_at THEN k.resolved_at ELSE k.last_seen_at END) AS most_recent_activity
FROM app.canonical_identity_keys AS k
GROUP BY k.org_id, k.key_type;
