-- Makes the intake audit log append-only: no UPDATE or DELETE of intake.audit_events, for any user.
--
-- Its own policy, so a retention purge can switch it off (and on again) inside one transaction without touching the
-- workspace isolation. docs/tenant-isolation.md.
CREATE SECURITY POLICY intake.audit_append_only
ADD BLOCK PREDICATE intake.fn_audit_append_only (audit_event_id) ON intake.audit_events BEFORE UPDATE,
ADD BLOCK PREDICATE intake.fn_audit_append_only (audit_event_id) ON intake.audit_events BEFORE DELETE
WITH (STATE = ON, SCHEMABINDING = ON);
