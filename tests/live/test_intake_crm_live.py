"""The idempotent CRM write log against a real SQL Server: intake.sp_record_crm_write and intake.sp_finish_crm_write
(marker ``live``).

Most tests use the ``db`` fixture: everything they write is rolled back. A refused call (THROW under
``XACT_ABORT``) rolls the test's transaction back too, so the error tests prove "nothing written" with
IDENT_CURRENT of the tables the procedures insert into (an insert moves it even when it is rolled back), and the
tests that must show the first write survives a refused repeat work on committed rows: ``ws.committed_workspace``
creates a workspace over an autocommit connection and deletes its rows when the test ends.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import threading
import uuid
from typing import Any, Iterator

import pytest

from harness.connection import SqlError, connect
from harness.pytest_plugin import LiveSession
from tests.live import workstream as ws

pytestmark = pytest.mark.live

RECORD = "intake.sp_record_crm_write"
FINISH = "intake.sp_finish_crm_write"
ROW_COLUMNS = [
    "crm_write_id",
    "workspace_id",
    "thread_id",
    "deal_id",
    "crm",
    "action",
    "idempotency_key",
    "payload_hash",
    "status",
    "request_json",
    "response_json",
    "crm_object_id",
    "error",
    "created_at",
    "updated_at",
]
WRITTEN = ("intake.crm_write_log", "intake.audit_events")
HASH_A = hashlib.sha256(b'{"dealname": "Acme"}').hexdigest()
HASH_B = hashlib.sha256(b'{"dealname": "Acme Corp"}').hexdigest()

# -- helpers -----------------------------------------------------------------------------------------------


def workspace(session, name: str = "Intake CRM test workspace") -> uuid.UUID:
    return ws.workspace(session, name)


def new_thread(session, workspace_id: Any) -> int:
    return session.scalar("INSERT INTO intake.threads (workspace_id, subject) OUTPUT inserted.thread_id VALUES (?, ?);",
                          workspace_id, "CRM test thread")


def new_deal(session, workspace_id: Any, crm_deal_id: str = "D-1") -> int:
    return session.scalar(
        "INSERT INTO intake.deals (workspace_id, crm, crm_deal_id, title) OUTPUT inserted.deal_id VALUES (?, ?, ?, ?);",
        workspace_id, "hubspot", crm_deal_id, "Acme deal",
    )


def record(session, workspace_id: Any, idempotency_key: str | None = "key-1", payload_hash: str | None = HASH_A,
           crm: str | None = "hubspot", action: str | None = "create_deal", **params: Any) -> dict[str, Any]:
    """sp_record_crm_write; the single row it returns (the write's columns and is_replay)."""
    results = session.run_proc(RECORD, workspace_id=workspace_id, crm=crm, action=action,
                               idempotency_key=idempotency_key, payload_hash=payload_hash, **params)
    rows = results[-1].dicts()
    assert len(rows) == 1, f"the procedure returns one row, got {rows}"
    return rows[0]


def finish(session, workspace_id: Any, crm_write_id: int | None, status: str | None = "succeeded",
           **params: Any) -> dict[str, Any]:
    results = session.run_proc(FINISH, workspace_id=workspace_id, crm_write_id=crm_write_id, status=status, **params)
    rows = results[-1].dicts()
    assert len(rows) == 1, f"the procedure returns one row, got {rows}"
    return rows[0]


def stored(session, crm_write_id: int) -> dict[str, Any]:
    rows = session.query("SELECT * FROM intake.crm_write_log WHERE crm_write_id = ?;", crm_write_id)
    assert len(rows) == 1, f"CRM write {crm_write_id} not found"
    return rows[0]


def audit(session, workspace_id: Any, type_: str | None = None) -> list[dict[str, Any]]:
    """The workspace's audit events (optionally of one type), oldest first, data_json parsed into ``data``."""
    sql = ("SELECT a.audit_event_id, a.thread_id, a.job_id, a.type, a.data_json, a.actor, a.created_at "
           "FROM intake.audit_events AS a WHERE a.workspace_id = ?")
    params: list[Any] = [workspace_id]
    if type_ is not None:
        sql += " AND a.type = ?"
        params.append(type_)
    rows = session.query(sql + " ORDER BY a.audit_event_id;", *params)
    for row in rows:
        row["data"] = json.loads(row["data_json"]) if row["data_json"] is not None else None
    return rows


def counts(session, workspace_id: Any) -> dict[str, int]:
    return {table: ws.count(session, table, "workspace_id = ?", workspace_id) for table in WRITTEN}


def identity_marks(session) -> list:
    return [session.scalar("SELECT IDENT_CURRENT(?) AS v;", table) for table in WRITTEN]


def prime(session, workspace_id: Any) -> None:
    """A write recorded and finished: both tables have had an insert, so IDENT_CURRENT marks are exact."""
    primer = record(session, workspace_id, "primer-key")
    finish(session, workspace_id, primer["crm_write_id"])


def server_now(session):
    return session.scalar("SELECT SYSUTCDATETIME() AS now;")


@contextlib.contextmanager
def raises_sql(number: int) -> Iterator[dict]:
    """Like ``db.expect_error`` for an autocommit session (which has no test transaction to reopen)."""
    outcome: dict = {}
    with pytest.raises(SqlError) as caught:
        yield outcome
    outcome["error"] = caught.value
    assert caught.value.number == number, f"expected error {number}, got {caught.value.text()}"


@pytest.fixture
def committed(wsdb_database) -> Iterator[tuple[LiveSession, uuid.UUID]]:
    with ws.committed_workspace(wsdb_database, "Intake CRM test workspace (committed)") as pair:
        yield pair


# -- sp_record_crm_write: the first call -------------------------------------------------------------------


def test_a_first_write_is_recorded_pending_and_audited(db):
    ws_id = workspace(db)
    thread_id, deal_id = new_thread(db, ws_id), new_deal(db, ws_id)
    before = server_now(db)

    row = record(db, ws_id, "deal-42/create", thread_id=thread_id, deal_id=deal_id,
                 request_json='{"properties": {"dealname": "Acme"}}', actor="sync-worker-1")

    after = server_now(db)
    assert list(row) == [*ROW_COLUMNS, "is_replay"]
    assert row["is_replay"] == 0
    assert (row["workspace_id"], row["thread_id"], row["deal_id"]) == (ws_id, thread_id, deal_id)
    assert (row["crm"], row["action"], row["idempotency_key"], row["payload_hash"], row["status"]) == (
        "hubspot", "create_deal", "deal-42/create", HASH_A, "pending"
    )
    assert json.loads(row["request_json"]) == {"properties": {"dealname": "Acme"}}
    assert (row["response_json"], row["crm_object_id"], row["error"]) == (None, None, None)
    assert before <= row["created_at"] == row["updated_at"] <= after
    assert {k: v for k, v in row.items() if k != "is_replay"} == stored(db, row["crm_write_id"])
    [event] = audit(db, ws_id)
    assert (event["type"], event["thread_id"], event["actor"], event["job_id"]) == (
        "crm.write_recorded", thread_id, "sync-worker-1", None
    )
    assert event["data"] == {
        "crm_write_id": row["crm_write_id"],
        "crm": "hubspot",
        "action": "create_deal",
        "status": "pending",
        "idempotency_key": "deal-42/create",
        "deal_id": deal_id,
    }
    assert event["created_at"] == row["created_at"]


def test_a_write_without_thread_or_deal_is_audited_without_them(db):
    ws_id = workspace(db)

    row = record(db, ws_id, 'key "with" \\ odd characters')

    assert (row["thread_id"], row["deal_id"], row["request_json"]) == (None, None, None)
    [event] = audit(db, ws_id)
    assert event["thread_id"] is None and event["actor"] is None
    assert event["data"]["deal_id"] is None
    assert event["data"]["idempotency_key"] == 'key "with" \\ odd characters'


def test_crm_action_and_hash_are_stored_in_lower_case(db):
    ws_id = workspace(db)

    row = record(db, ws_id, crm=" HubSpot ", action="Create_Deal", payload_hash=HASH_A.upper())

    assert (row["crm"], row["action"], row["payload_hash"]) == ("hubspot", "create_deal", HASH_A)
    again = record(db, ws_id, crm="hubspot", payload_hash=HASH_A)
    assert (again["crm_write_id"], again["is_replay"]) == (row["crm_write_id"], 1)


def test_a_dry_run_is_recorded_with_status_dry_run(db):
    ws_id = workspace(db)

    row = record(db, ws_id, "preview-1", dry_run=1, request_json='{"dealname": "Acme"}')

    assert (row["status"], row["is_replay"]) == ("dry_run", 0)
    assert audit(db, ws_id)[0]["data"]["status"] == "dry_run"
    again = record(db, ws_id, "preview-1", dry_run=1)
    assert (again["crm_write_id"], again["status"], again["is_replay"]) == (row["crm_write_id"], "dry_run", 1)


def test_an_idempotency_key_of_200_characters_is_accepted(db):
    ws_id = workspace(db)
    key = "k" * 200

    row = record(db, ws_id, key)

    assert row["idempotency_key"] == key


# -- sp_record_crm_write: repeats --------------------------------------------------------------------------


def test_a_repeat_with_the_same_hash_returns_the_first_row_unchanged_and_writes_nothing(db):
    ws_id = workspace(db)
    thread_id = new_thread(db, ws_id)
    first = record(db, ws_id, "key-1", thread_id=thread_id, request_json='{"n": 1}')
    written = counts(db, ws_id)
    marks = identity_marks(db)

    again = record(db, ws_id, "key-1", action="update_deal", request_json='{"n": 2}', actor="someone-else")

    assert again["is_replay"] == 1
    assert {k: v for k, v in again.items() if k != "is_replay"} == {k: v for k, v in first.items() if k != "is_replay"}
    assert (again["crm_write_id"], again["created_at"], again["updated_at"]) == (
        first["crm_write_id"], first["created_at"], first["updated_at"]
    )
    assert json.loads(again["request_json"]) == {"n": 1} and again["action"] == "create_deal"
    assert counts(db, ws_id) == written
    assert identity_marks(db) == marks, "the replay inserted rows (identity values were used)"


def test_a_replay_of_a_finished_write_returns_its_outcome(db):
    ws_id = workspace(db)
    first = record(db, ws_id, "key-1")
    done = finish(db, ws_id, first["crm_write_id"], "succeeded", crm_object_id="hs-981")

    again = record(db, ws_id, "key-1")

    assert (again["crm_write_id"], again["is_replay"], again["status"], again["crm_object_id"]) == (
        first["crm_write_id"], 1, "succeeded", "hs-981"
    )
    assert again["updated_at"] == done["updated_at"]


def test_a_repeat_with_another_hash_is_a_conflict_that_names_both_hashes_and_writes_nothing(committed):
    session, ws_id = committed
    first = record(session, ws_id, "key-1")
    kept = stored(session, first["crm_write_id"])

    with raises_sql(50250) as outcome:
        record(session, ws_id, "key-1", payload_hash=HASH_B)

    message = outcome["error"].message
    assert HASH_A[:12] in message and HASH_B[:12] in message
    assert HASH_A not in message and HASH_B not in message  # 12 characters each, not the whole hashes
    assert "key-1" in message and str(first["crm_write_id"]) in message
    assert stored(session, first["crm_write_id"]) == kept
    assert counts(session, ws_id) == {"intake.crm_write_log": 1, "intake.audit_events": 1}


def test_a_conflict_raised_inside_a_callers_transaction_inserts_nothing(db):
    ws_id = workspace(db)
    prime(db, ws_id)
    record(db, ws_id, "key-1")
    marks = identity_marks(db)

    with db.expect_error(50250) as outcome:
        record(db, ws_id, "key-1", payload_hash=HASH_B)

    assert outcome["rolled_back"] is True
    assert identity_marks(db) == marks


@pytest.mark.parametrize(("first_dry_run", "repeat_dry_run"), [(1, 0), (0, 1)], ids=["dry-then-real", "real-then-dry"])
def test_a_key_recorded_in_one_dry_run_mode_refuses_the_other(committed, first_dry_run, repeat_dry_run):
    session, ws_id = committed
    first = record(session, ws_id, "key-1", dry_run=first_dry_run)
    kept = stored(session, first["crm_write_id"])

    with raises_sql(50251) as outcome:
        record(session, ws_id, "key-1", dry_run=repeat_dry_run)

    assert str(first["crm_write_id"]) in outcome["error"].message
    assert stored(session, first["crm_write_id"]) == kept
    assert counts(session, ws_id) == {"intake.crm_write_log": 1, "intake.audit_events": 1}


def test_the_same_key_for_another_crm_or_in_another_workspace_is_an_independent_write(db):
    ws_id, other_ws = workspace(db, "one"), workspace(db, "two")
    hubspot = record(db, ws_id, "key-1", crm="hubspot")

    salesforce = record(db, ws_id, "key-1", crm="salesforce", payload_hash=HASH_B)
    elsewhere = record(db, other_ws, "key-1", crm="hubspot", payload_hash=HASH_B)

    assert (salesforce["is_replay"], elsewhere["is_replay"]) == (0, 0)
    assert len({hubspot["crm_write_id"], salesforce["crm_write_id"], elsewhere["crm_write_id"]}) == 3
    assert (salesforce["payload_hash"], elsewhere["payload_hash"], elsewhere["workspace_id"]) == (HASH_B, HASH_B, other_ws)
    assert stored(db, hubspot["crm_write_id"])["payload_hash"] == HASH_A


# -- sp_record_crm_write: refused calls --------------------------------------------------------------------

RECORD_ERRORS = [
    pytest.param(50242, {"workspace_id": uuid.uuid4()}, id="50242-unknown-workspace"),
    pytest.param(50242, {"workspace_id": None}, id="50242-no-workspace"),
    pytest.param(50243, {"crm": None}, id="50243-no-crm"),
    pytest.param(50243, {"crm": "  "}, id="50243-blank-crm"),
    pytest.param(50243, {"crm": "hub spot"}, id="50243-crm-with-a-space"),
    pytest.param(50243, {"crm": "hub-spot"}, id="50243-crm-with-a-dash"),
    pytest.param(50243, {"crm": "c" * 33}, id="50243-crm-of-33-characters"),
    pytest.param(50243, {"action": None}, id="50243-no-action"),
    pytest.param(50243, {"action": "create.deal"}, id="50243-action-with-a-dot"),
    pytest.param(50244, {"idempotency_key": None}, id="50244-no-key"),
    pytest.param(50244, {"idempotency_key": ""}, id="50244-empty-key"),
    pytest.param(50244, {"idempotency_key": "   "}, id="50244-blank-key"),
    pytest.param(50244, {"idempotency_key": "k" * 201}, id="50244-key-of-201-characters"),
    pytest.param(50245, {"payload_hash": None}, id="50245-no-hash"),
    pytest.param(50245, {"payload_hash": HASH_A[:63]}, id="50245-hash-of-63-digits"),
    pytest.param(50245, {"payload_hash": HASH_A + "0"}, id="50245-hash-of-65-digits"),
    pytest.param(50245, {"payload_hash": "g" * 64}, id="50245-hash-not-hex"),
    pytest.param(50246, {"request_json": "[]"}, id="50246-request-an-array"),
    pytest.param(50246, {"request_json": "not json"}, id="50246-request-not-json"),
    pytest.param(50246, {"request_json": '"text"'}, id="50246-request-a-string"),
    pytest.param(50247, {"thread_id": -1}, id="50247-unknown-thread"),
    pytest.param(50248, {"deal_id": -1}, id="50248-unknown-deal"),
    pytest.param(50249, {"dry_run": None}, id="50249-dry-run-null"),
]


@pytest.mark.parametrize(("number", "overrides"), RECORD_ERRORS)
def test_record_with_a_bad_argument_raises_its_error_and_writes_nothing(db, number, overrides):
    ws_id = workspace(db)
    prime(db, ws_id)
    marks = identity_marks(db)
    arguments = {"workspace_id": ws_id, "crm": "hubspot", "action": "create_deal", "idempotency_key": "refused-key",
                 "payload_hash": HASH_A, **overrides}

    with db.expect_error(number) as outcome:
        db.run_proc(RECORD, **arguments)

    assert outcome["rolled_back"] is True
    assert identity_marks(db) == marks, "the refused call inserted rows (identity values were used)"


@pytest.mark.parametrize("kind", ["thread", "deal"])
def test_a_thread_or_deal_of_another_workspace_is_refused(db, kind):
    ws_id, other_ws = workspace(db, "ours"), workspace(db, "theirs")
    foreign = new_thread(db, other_ws) if kind == "thread" else new_deal(db, other_ws)

    with db.expect_error(50247 if kind == "thread" else 50248):
        record(db, ws_id, **{f"{kind}_id": foreign})


def test_a_key_the_varchar_column_cannot_hold_is_refused(db):
    key = "ключ-1"
    if db.scalar("SELECT CASE WHEN CONVERT(nvarchar(20), CONVERT(varchar(20), ?)) COLLATE Latin1_General_BIN2 "
                 "= CONVERT(nvarchar(20), ?) COLLATE Latin1_General_BIN2 THEN 1 ELSE 0 END AS fits;", key, key):
        pytest.skip("this database's varchar code page holds Cyrillic (a UTF-8 collation): no key is lossy here")
    ws_id = workspace(db)

    with db.expect_error(50244):
        record(db, ws_id, key)


# -- sp_finish_crm_write -----------------------------------------------------------------------------------


def test_finish_moves_a_pending_write_to_succeeded_and_audits_it(db):
    ws_id = workspace(db)
    thread_id = new_thread(db, ws_id)
    pending = record(db, ws_id, thread_id=thread_id)
    before = server_now(db)

    row = finish(db, ws_id, pending["crm_write_id"], "succeeded", response_json='{"id": "hs-981"}',
                 crm_object_id="hs-981", actor="sync-worker-1")

    after = server_now(db)
    assert list(row) == ROW_COLUMNS
    assert row == stored(db, pending["crm_write_id"])
    assert (row["status"], row["crm_object_id"], row["error"]) == ("succeeded", "hs-981", None)
    assert json.loads(row["response_json"]) == {"id": "hs-981"}
    assert before <= row["updated_at"] <= after and row["created_at"] == pending["created_at"]
    assert (row["payload_hash"], row["request_json"], row["idempotency_key"]) == (
        pending["payload_hash"], pending["request_json"], pending["idempotency_key"]
    )
    [event] = audit(db, ws_id, "crm.write_finished")
    assert (event["thread_id"], event["actor"], event["created_at"]) == (thread_id, "sync-worker-1", row["updated_at"])
    assert event["data"] == {
        "crm_write_id": pending["crm_write_id"],
        "crm": "hubspot",
        "action": "create_deal",
        "status": "succeeded",
        "crm_object_id": "hs-981",
    }


def test_finish_records_a_failure_with_its_error_and_a_skip(db):
    ws_id = workspace(db)
    failing = record(db, ws_id, "key-1")
    skipped = record(db, ws_id, "key-2")

    failed = finish(db, ws_id, failing["crm_write_id"], "FAILED", error="429 Too Many Requests",
                    response_json='{"status": 429}')
    skip = finish(db, ws_id, skipped["crm_write_id"], "skipped", error="deal already up to date")

    assert (failed["status"], failed["error"], failed["crm_object_id"]) == ("failed", "429 Too Many Requests", None)
    assert (skip["status"], skip["error"]) == ("skipped", "deal already up to date")
    assert [e["data"]["status"] for e in audit(db, ws_id, "crm.write_finished")] == ["failed", "skipped"]
    assert audit(db, ws_id, "crm.write_finished")[0]["data"]["crm_object_id"] is None


def test_a_second_finish_is_refused_and_the_first_outcome_stays(committed):
    session, ws_id = committed
    pending = record(session, ws_id)
    first = finish(session, ws_id, pending["crm_write_id"], "succeeded", crm_object_id="hs-1")

    with raises_sql(50258) as outcome:
        finish(session, ws_id, pending["crm_write_id"], "failed", error="late failure")

    assert "succeeded" in outcome["error"].message and str(pending["crm_write_id"]) in outcome["error"].message
    assert stored(session, pending["crm_write_id"]) == first
    assert len(audit(session, ws_id, "crm.write_finished")) == 1


def test_a_dry_run_is_never_finished(db):
    ws_id = workspace(db)
    prime(db, ws_id)
    dry = record(db, ws_id, "preview-1", dry_run=1)
    marks = identity_marks(db)

    with db.expect_error(50257) as outcome:
        finish(db, ws_id, dry["crm_write_id"], "succeeded")

    assert outcome["rolled_back"] is True
    assert identity_marks(db) == marks


def test_a_write_of_another_workspace_is_not_finished(committed, db):
    session, ws_id = committed
    pending = record(session, ws_id)
    kept = stored(session, pending["crm_write_id"])
    other_ws = workspace(db, "someone else")

    with db.expect_error(50256):
        finish(db, other_ws, pending["crm_write_id"], "succeeded")

    assert stored(session, pending["crm_write_id"]) == kept


FINISH_ERRORS = [
    pytest.param(50252, {"workspace_id": uuid.uuid4()}, id="50252-unknown-workspace"),
    pytest.param(50253, {"status": "pending"}, id="50253-status-pending"),
    pytest.param(50253, {"status": "dry_run"}, id="50253-status-dry-run"),
    pytest.param(50253, {"status": None}, id="50253-no-status"),
    pytest.param(50254, {"status": "failed"}, id="50254-failed-without-error"),
    pytest.param(50254, {"status": "failed", "error": "  "}, id="50254-failed-with-a-blank-error"),
    pytest.param(50255, {"response_json": "[1]"}, id="50255-response-an-array"),
    pytest.param(50255, {"response_json": "{"}, id="50255-response-not-json"),
    pytest.param(50256, {"crm_write_id": -1}, id="50256-unknown-write"),
    pytest.param(50256, {"crm_write_id": None}, id="50256-no-write"),
]


@pytest.mark.parametrize(("number", "overrides"), FINISH_ERRORS)
def test_finish_with_a_bad_argument_raises_its_error_and_writes_nothing(db, number, overrides):
    ws_id = workspace(db)
    prime(db, ws_id)
    pending = record(db, ws_id, "key-1")
    marks = identity_marks(db)
    arguments = {"workspace_id": ws_id, "crm_write_id": pending["crm_write_id"], "status": "succeeded", **overrides}

    with db.expect_error(number) as outcome:
        db.run_proc(FINISH, **arguments)

    assert outcome["rolled_back"] is True
    assert identity_marks(db) == marks, "the refused call inserted rows (identity values were used)"


# -- concurrency (committed rows, one connection per caller) -----------------------------------------------

CALLERS = 8


def test_concurrent_records_of_one_key_insert_one_write_and_replay_it_to_the_others(committed, wsdb_database):
    session, ws_id = committed
    results: list[dict[str, Any]] = []
    errors: list[str] = []
    start = threading.Barrier(CALLERS)

    def caller(n: int) -> None:
        try:
            connection = connect(wsdb_database)
        except Exception as error:  # noqa: BLE001 - reported by the test
            errors.append(f"caller {n}: cannot connect: {error}")
            start.abort()
            return
        try:
            start.wait(timeout=60)
            results.append(record(LiveSession(connection), ws_id, "race-key", request_json=f'{{"caller": {n}}}'))
        except Exception as error:  # noqa: BLE001 - reported by the test
            errors.append(f"caller {n}: {type(error).__name__}: {error}")
        finally:
            connection.close()

    threads = [threading.Thread(target=caller, args=(n,), daemon=True) for n in range(CALLERS)]
    for worker in threads:
        worker.start()
    for worker in threads:
        worker.join(timeout=120)

    assert errors == []
    assert len(results) == CALLERS
    assert len({r["crm_write_id"] for r in results}) == 1
    assert len({r["created_at"] for r in results}) == 1
    assert sorted(r["is_replay"] for r in results) == [0] + [1] * (CALLERS - 1)
    assert counts(session, ws_id) == {"intake.crm_write_log": 1, "intake.audit_events": 1}
