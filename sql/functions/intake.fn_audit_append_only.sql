-- Row-level security predicate that never grants: intake.audit_events rows cannot be updated or deleted.
--
-- Bound BEFORE UPDATE and BEFORE DELETE on intake.audit_events by the policy intake.audit_append_only, for every user,
-- database owners included (SQL Server answers error 33504). A retention purge is a deliberate act of an owner:
-- switch the policy off and on again inside the purge's transaction (docs/tenant-isolation.md).
CREATE OR ALTER FUNCTION intake.fn_audit_append_only(
    @audit_event_id bigint
)
RETURNS TABLE
WITH SCHEMABINDING
AS
RETURN (
    SELECT 1 AS access_granted
    WHERE @audit_event_id IS NULL AND 1 = 0
);
