"""Row-level security: a session bound to one tenant cannot read, insert, update or delete another tenant's rows.

The tests seed two tenants as the database owner (whom the predicates let through), then act as a user without
privileges (``EXECUTE AS USER``) that holds plain DML rights on the schema and a read-only tenant key. Every
attempt on every table of the schema is counted and printed. docs/tenant-isolation.md.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest

from harness.connection import SqlError
from tests.live import workstream as ws

pytestmark = pytest.mark.live

PROBE = "wsdb_rls_probe"
READ_ONLY_KEY = 15664  # sp_set_session_context: the key was set read-only for this session


def probe_user(db, schema: str) -> None:
    """A user without login and without privileges beyond DML on ``schema`` (created in the test's transaction)."""
    db.execute(f"CREATE USER {PROBE} WITHOUT LOGIN;")
    db.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON SCHEMA::{schema} TO {PROBE};")


def tables_of(db, schema: str) -> list[dict[str, Any]]:
    """Each table of the schema with the columns an INSERT … SELECT copy may name (no identity, computed)."""
    rows = db.query(
        "SELECT t.name AS table_name, c.name AS column_name FROM sys.tables AS t "
        "JOIN sys.schemas AS s ON s.schema_id = t.schema_id JOIN sys.columns AS c ON c.object_id = t.object_id "
        "WHERE s.name = ? AND c.is_identity = 0 AND c.is_computed = 0 ORDER BY t.name, c.column_id;",
        schema,
    )
    tables: dict[str, list[str]] = {}
    for row in rows:
        tables.setdefault(row["table_name"], []).append(row["column_name"])
    return [{"name": name, "columns": columns} for name, columns in tables.items()]


def count_rows(db, schema: str, table: str, key: str, tenant: Any) -> int:
    return db.scalar(f"SELECT COUNT(*) AS n FROM [{schema}].[{table}] WHERE [{key}] = ?;", tenant)


def attempt_all(db, schema: str, key: str, mine: Any, theirs: Any, tables: list[dict[str, Any]]) -> dict[str, int]:
    """As the probe bound to ``mine``: read, update, delete and insert into ``theirs`` on every table."""
    tried = {"read": 0, "update": 0, "delete": 0, "insert": 0, "move": 0}
    for table in tables:
        name = table["name"]
        target = f"[{schema}].[{name}]"
        assert count_rows(db, schema, name, key, theirs) == 0, f"{schema}.{name}: another tenant's rows are visible"
        tried["read"] += 1
        result = db.execute(f"UPDATE {target} SET [{key}] = [{key}] WHERE [{key}] = ?; SELECT @@ROWCOUNT AS n;", theirs)
        assert result[-1].rows[0][0] == 0, f"{schema}.{name}: another tenant's rows were updated"
        tried["update"] += 1
        if not (schema == "intake" and name == "audit_events"):
            result = db.execute(f"DELETE FROM {target} WHERE [{key}] = ?; SELECT @@ROWCOUNT AS n;", theirs)
            assert result[-1].rows[0][0] == 0, f"{schema}.{name}: another tenant's rows were deleted"
            tried["delete"] += 1
        columns = ", ".join(f"[{c}]" for c in table["columns"])
        values = ", ".join("?" if c == key else f"[{c}]" for c in table["columns"])
        if count_rows(db, schema, name, key, mine):
            with pytest.raises(SqlError):  # 33504 (block predicate), or a key or foreign key refusing it first
                db.execute(f"INSERT INTO {target} ({columns}) SELECT TOP (1) {values} FROM {target} WHERE [{key}] = ?;", theirs, mine)
            tried["insert"] += 1
            if name not in ("workspaces",):
                with pytest.raises(SqlError):  # moving one of mine over to them
                    db.execute(f"UPDATE TOP (1) {target} SET [{key}] = ? WHERE [{key}] = ?;", theirs, mine)
                tried["move"] += 1
        assert count_rows(db, schema, name, key, theirs) == 0, f"{schema}.{name}: a row reached another tenant"
    return tried


# -- intake ----------------------------------------------------------------------------------------------


def seed_workspace(db, workspace_id: Any, tag: str) -> None:
    """At least one row in every intake table for this workspace (as the owner)."""
    first = db.run_proc("intake.sp_ingest_message", workspace_id=workspace_id, message_id=f"<a-{tag}@example.test>",
                        from_address="buyer@example.test", subject="Budget question")[-1].dicts()[0]
    second = db.run_proc("intake.sp_ingest_message", workspace_id=workspace_id, message_id=f"<b-{tag}@example.test>",
                         from_address="other@example.test", subject="Another thread")[-1].dicts()[0]
    thread_id, other_thread = first["thread_id"], second["thread_id"]
    db.run_proc("intake.sp_enqueue_job", workspace_id=workspace_id, job_type="extract.run")
    deals = [
        db.run_proc("intake.sp_upsert_deal", workspace_id=workspace_id, crm="hubspot", crm_deal_id=f"{tag}-{n}",
                    title=f"Deal {n}", stage="open")[-1].dicts()[0]["deal_id"]
        for n in (1, 2)
    ]
    db.run_proc("intake.sp_record_crm_write", workspace_id=workspace_id, crm="hubspot", action="update_deal",
                idempotency_key=f"key-{tag}", payload_hash=hashlib.sha256(tag.encode()).hexdigest(), deal_id=deals[0])
    db.run_proc("intake.sp_link_thread_to_deal", workspace_id=workspace_id, thread_id=thread_id, deal_id=deals[0],
                link_confidence=0.95, link_reason="domain match")
    db.run_proc("intake.sp_propose_deal_associations", workspace_id=workspace_id, thread_id=other_thread,
                candidates_json=json.dumps([{"deal_id": deals[0], "confidence": 0.6}, {"deal_id": deals[1], "confidence": 0.55}]))
    db.run_proc("intake.sp_record_deal_fact", workspace_id=workspace_id, deal_id=deals[0], key="budget",
                value_json='{"amount": 50000}', confidence=0.9)
    db.run_proc("intake.sp_compute_deal_readiness", workspace_id=workspace_id, deal_id=deals[0])
    run = ws.insert(db, "intake.extraction_runs", {"workspace_id": workspace_id, "thread_id": thread_id, "schema_id": "bant",
                                                   "schema_version": "1", "model": "test-model"}, identity="extraction_run_id")
    ws.insert(db, "intake.field_values", {"workspace_id": workspace_id, "extraction_run_id": run, "field_key": "budget",
                                          "field_value_json": '{"amount": 50000}', "confidence": 0.8})
    ws.insert(db, "intake.review_items", {"workspace_id": workspace_id, "reason": "low confidence"})
    ws.insert(db, "intake.policies", {"workspace_id": workspace_id, "policy_key": "retention", "version": 1, "policy": "{}"})


def test_a_workspace_session_cannot_read_insert_update_or_delete_another_workspaces_rows(db):
    mine, theirs = ws.workspace(db, "Tenant A"), ws.workspace(db, "Tenant B")
    seed_workspace(db, mine, "a")
    seed_workspace(db, theirs, "b")
    tables = tables_of(db, "intake")
    empty = [t["name"] for t in tables if not count_rows(db, "intake", t["name"], "workspace_id", theirs)]
    assert empty == [], f"the seed leaves these intake tables without rows of the other workspace: {empty}"
    probe_user(db, "intake")
    db.execute(f"EXECUTE AS USER = N'{PROBE}';")
    db.set_context("workspace_id", str(mine), read_only=True)

    tried = attempt_all(db, "intake", "workspace_id", mine, theirs, tables)

    print(f"\nintake: {len(tables)} tables, attempts refused: {tried} (total {sum(tried.values())})")
    assert tried["read"] == tried["update"] == len(tables) and tried["insert"] == len(tables)
    assert count_rows(db, "intake", "threads", "workspace_id", mine) == 2  # its own rows stay visible
    db.execute("REVERT;")


def test_a_session_cannot_switch_to_another_tenant(db):
    mine, theirs = ws.workspace(db, "Tenant A"), ws.workspace(db, "Tenant B")
    probe_user(db, "intake")
    db.execute(f"EXECUTE AS USER = N'{PROBE}';")
    db.set_context("workspace_id", str(mine), read_only=True)
    with pytest.raises(SqlError) as refused:
        db.set_context("workspace_id", str(theirs))
    assert refused.value.number == READ_ONLY_KEY or "read_only" in refused.value.message.replace("-", "_")
    assert db.scalar("SELECT CONVERT(nvarchar(36), SESSION_CONTEXT(N'workspace_id')) AS v;").lower() == str(mine).lower()


def test_a_session_without_a_tenant_sees_and_writes_nothing(db):
    mine = ws.workspace(db, "Tenant A")
    seed_workspace(db, mine, "a")
    probe_user(db, "intake")
    db.execute(f"EXECUTE AS USER = N'{PROBE}';")
    assert db.scalar("SELECT COUNT(*) AS n FROM intake.threads;") == 0
    with pytest.raises(SqlError):
        db.execute("INSERT INTO intake.review_items (workspace_id, reason) VALUES (?, N'sneaky');", mine)


def test_the_audit_log_refuses_update_and_delete_for_every_user_even_the_owner(db):
    mine = ws.workspace(db, "Tenant A")
    seed_workspace(db, mine, "a")
    audit_id = db.scalar("SELECT MIN(audit_event_id) AS id FROM intake.audit_events WHERE workspace_id = ?;", mine)
    for statement in (
        "UPDATE intake.audit_events SET type = 'tampered' WHERE audit_event_id = ?;",
        "DELETE FROM intake.audit_events WHERE audit_event_id = ?;",
    ):
        with pytest.raises(SqlError) as refused:  # as the owner (sa): no bypass
            db.execute(statement, audit_id)
        assert refused.value.number == 33504, refused.value.text()
    assert db.scalar("SELECT type FROM intake.audit_events WHERE audit_event_id = ?;", audit_id) != "tampered"


# -- app (Workstream) ------------------------------------------------------------------------------------


def seed_org(db, org_id: int) -> None:
    """Rows in every app table for this org (as the owner), through the procedures where there is one."""
    owner = ws.user(db, org_id)
    candidate = ws.candidate(db, org_id, owner_user_id=owner, status="nurture")
    signal = ws.signal(db, org_id, owner_user_id=owner)
    ws.insert(db, "app.candidate_signal", {"org_id": org_id, "candidate_id": candidate, "signal_id": signal})
    pursuit = ws.pursuit(db, org_id)
    ws.config(db, org_id, "gate_rule", "pink", {"required_items": ["A"]})
    ws.insert(db, "app.drip_schedule", {"org_id": org_id, "candidate_id": candidate, "template_id": ws.email_template(db, org_id),
                                        "cadence_days": 7})
    db.run_proc("app.sp_append_work_event", org_id=org_id, item_type="candidate", item_id=candidate, event_name="test_event")
    db.run_proc("app.sp_add_proposal_version", org_id=org_id, pursuit_id=pursuit)
    db.run_proc("app.sp_add_cos_entry", org_id=org_id, pursuit_id=pursuit, role="writer", hours=1, rate=100)
    db.run_proc("app.sp_record_role_estimate", org_id=org_id, pursuit_id=pursuit, role="writer",
                optimistic_hours=1, most_likely_hours=2, pessimistic_hours=3)
    ws.insert(db, "app.pursuit_checklist", {"org_id": org_id, "pursuit_id": pursuit, "name": "Item"})
    rule = ws.insert(db, "app.sla_rule", {"org_id": org_id, "item_type": "candidate", "metric": "touch", "threshold_hrs": 1},
                     identity="rule_id")
    ws.insert(db, "app.sla_breach", {"org_id": org_id, "item_type": "candidate", "item_id": candidate, "rule_id": rule})
    first, second = ws.contact(db, org_id), ws.contact(db, org_id)
    for contact_id in (first, second):  # the second sighting conflicts: a key and a conflict row
        db.run_proc("app.sp_resolve_identity", org_id=org_id, key_type="email", key_value=f"buyer{org_id}@example.test",
                    resolved_contact_id=contact_id)
    spotlight = ws.spotlight(db, org_id)
    db.run_proc("app.sp_record_score_components", org_id=org_id, item_type="candidate", item_id=candidate,
                spotlight_id=spotlight, components='[{"name": "budget_fit", "score": 5}]')
    field = ws.insert(db, "app.spotlight_fields", {"org_id": org_id, "field_key": "region", "label": "Region", "data_type": "text"},
                      identity="field_id")
    ws.insert(db, "app.spotlight_values", {"org_id": org_id, "spotlight_id": spotlight, "field_id": field, "value_text": "EMEA"})
    ws.insert(db, "app.spotlight_field_rules", {"org_id": org_id, "field_id": field, "rule_type": "required", "condition_json": "{}"})
    ws.insert(db, "app.signal_cluster", {"org_id": org_id, "algo": "test"})
    ws.insert(db, "app.problem_taxonomy", {"org_id": org_id, "name": "Slow onboarding"})
    ws.insert(db, "app.solution_catalog", {"org_id": org_id, "name": "Onboarding sprint"})
    ws.insert(db, "app.work_item_link", {"org_id": org_id, "item_type": "candidate", "item_id": candidate, "link_type": "doc",
                                         "target_type": "drive", "target_ref": "doc-1"})
    ws.insert(db, "app.contact_merge_history", {"org_id": org_id, "primary_contact_id": first, "merged_contact_id": second})


def test_an_org_session_cannot_touch_another_orgs_workstream_rows_and_reads_the_template_org(db):
    mine, theirs = ws.org(db), ws.org(db)
    seed_org(db, mine)
    seed_org(db, theirs)
    tables = tables_of(db, "app")
    empty = [t["name"] for t in tables if not count_rows(db, "app", t["name"], "org_id", theirs)]
    assert empty == [], f"the seed leaves these app tables without rows of the other org: {empty}"
    probe_user(db, "app")
    db.execute(f"EXECUTE AS USER = N'{PROBE}';")
    db.set_context("org_id", mine, read_only=True)

    tried = attempt_all(db, "app", "org_id", mine, theirs, tables)

    print(f"\napp: {len(tables)} tables, attempts refused: {tried} (total {sum(tried.values())})")
    assert tried["read"] == tried["update"] == tried["delete"] == len(tables)
    assert tried["insert"] == len(tables)  # every table had a row of its own to copy across
    # The template org's shipped configuration stays readable; writing into it does not.
    assert db.scalar("SELECT COUNT(*) AS n FROM app.config_registry WHERE org_id = 0;") > 0
    with pytest.raises(SqlError):
        db.execute("UPDATE app.config_registry SET is_active = is_active WHERE org_id = 0; "
                   "INSERT INTO app.config_registry (org_id, config_type, config_key, config_value) "
                   "VALUES (0, 'gate_rule', 'red', N'{}');")
    db.execute("REVERT;")
