"""The intake jobs queue and audit log against a real SQL Server (marker ``live``).

intake.sp_append_audit_event, sp_enqueue_job, sp_claim_jobs, sp_heartbeat_job, sp_complete_job, sp_fail_job and
sp_reclaim_jobs. Most tests use the ``db`` fixture: everything they write is rolled back. A procedure that THROWs
under ``XACT_ABORT`` rolls that transaction back too, so a test that must show a refused call *wrote nothing* works
on committed rows instead: the ``committed`` fixture gives a workspace created over an autocommit connection (each
call commits on its own, a refused call leaves the rows as they were) and deletes the workspace's rows when the test
ends. The locking tests and the concurrency test (the acceptance test: eight workers, 2,000 jobs) need committed rows
as well: sessions on other connections only see each other's work once it is committed.

Times are compared with the server's clock (``SYSUTCDATETIME()`` read before and after a call), never the client's.
Timestamps inside audit data (JSON text) are read back through the server (``CONVERT(datetime2, …)``).
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Callable, Iterator

import pytest

from harness.connection import SqlError, connect
from harness.pytest_plugin import LiveSession, live_session
from tests.live import workstream as ws

pytestmark = pytest.mark.live

CLAIM_COLUMNS = [
    "job_id",
    "workspace_id",
    "thread_id",
    "job_type",
    "payload_json",
    "attempts",
    "max_attempts",
    "run_after",
    "last_error",
    "created_at",
    "locked_at",
    "locked_by",
    "locked_until",
]
HEARTBEAT_COLUMNS = ["job_id", "locked_at", "locked_by", "locked_until"]
COMPLETE_COLUMNS = ["job_id", "status", "attempts", "max_attempts", "finished_at"]
FAIL_COLUMNS = ["job_id", "status", "attempts", "max_attempts", "run_after", "finished_at", "last_error"]
LOCK_COLUMNS = ("locked_at", "locked_by", "locked_until")
DEADLOCK = 1205  # the deadlock victim retries
# A session that must not wait gives up on a lock after 5 s with error 1222 instead.
IMPATIENT = "SET LOCK_TIMEOUT 5000;"

# -- helpers -----------------------------------------------------------------------------------------------


def server_now(session) -> Any:
    """The server's UTC clock (naive datetime)."""
    return session.scalar("SELECT SYSUTCDATETIME() AS now;")


def server_datetime(session, text: str) -> Any:
    """A timestamp written into JSON by the server, read back as the server reads it."""
    return session.scalar("SELECT CONVERT(datetime2, ?) AS v;", text)


def workspace(session, name: str = "Jobs test workspace") -> Any:
    """A new workspace; returns its workspace_id."""
    return session.scalar("INSERT INTO intake.workspaces (name) OUTPUT inserted.workspace_id VALUES (?);", name)


def thread(session, workspace_id: Any, subject: str = "A conversation") -> int:
    return session.scalar(
        "INSERT INTO intake.threads (workspace_id, subject) OUTPUT inserted.thread_id VALUES (?, ?);",
        workspace_id,
        subject,
    )


def job(session, workspace_id: Any, **values: Any) -> int:
    """One job row written directly (so a test can set any column, and no audit event is written)."""
    return ws.insert(session, "intake.jobs", {"workspace_id": workspace_id, "job_type": "test.job", **values},
                     identity="job_id")


def job_row(session, job_id: int) -> dict[str, Any]:
    rows = session.query("SELECT * FROM intake.jobs WHERE job_id = ?;", job_id)
    assert len(rows) == 1, f"job {job_id} not found"
    return rows[0]


def audit_trail(session, job_id: int) -> list[dict[str, Any]]:
    """The audit events of a job, oldest first, data parsed."""
    rows = session.query("SELECT * FROM intake.audit_events WHERE job_id = ? ORDER BY audit_event_id;", job_id)
    for row in rows:
        row["data"] = json.loads(row["data_json"]) if row["data_json"] is not None else None
    return rows


def types_of(session, job_id: int) -> list[str]:
    return [row["type"] for row in audit_trail(session, job_id)]


def written_rows(session, workspace_id: Any) -> dict[str, int]:
    """How many jobs and audit events the workspace has, and the identity counters of both tables (they move even
    when an insert is rolled back, so an unchanged counter proves no insert was tried)."""
    return session.query(
        "SELECT (SELECT COUNT(*) FROM intake.jobs AS j WHERE j.workspace_id = ?) AS jobs, "
        "(SELECT COUNT(*) FROM intake.audit_events AS a WHERE a.workspace_id = ?) AS audit_events, "
        "IDENT_CURRENT('intake.jobs') AS job_identity, IDENT_CURRENT('intake.audit_events') AS audit_identity;",
        workspace_id,
        workspace_id,
    )[0]


def append_audit(session, workspace_id: Any, type_: str | None, **params: Any) -> int:
    """sp_append_audit_event; returns the @audit_event_id it hands back through its OUTPUT parameter."""
    names = ["workspace_id", "type", *params]
    values = [workspace_id, type_, *params.values()]
    arguments = ", ".join(f"@{name} = ?" for name in names)
    sql = (
        "DECLARE @audit_event_id bigint; "
        f"EXEC intake.sp_append_audit_event {arguments}, @audit_event_id = @audit_event_id OUTPUT; "
        "SELECT @audit_event_id AS audit_event_id;"
    )
    return session.execute(sql, *values)[-1].rows[0][0]


def enqueue(session, workspace_id: Any, job_type: str | None = "test.job", **params: Any) -> dict[str, Any]:
    rows = session.run_proc("intake.sp_enqueue_job", workspace_id=workspace_id, job_type=job_type, **params)[-1].dicts()
    assert len(rows) == 1
    return rows[0]


def enqueued_id(session, workspace_id: Any, **params: Any) -> int:
    return enqueue(session, workspace_id, **params)["job_id"]


def claim(session, worker: str | None, **params: Any) -> list[dict[str, Any]]:
    return session.run_proc("intake.sp_claim_jobs", worker=worker, **params)[-1].dicts()


def claimed_ids(session, worker: str, **params: Any) -> list[int]:
    return [row["job_id"] for row in claim(session, worker, **params)]


def heartbeat(session, job_id: int | None, worker: str | None, **params: Any) -> dict[str, Any]:
    rows = session.run_proc("intake.sp_heartbeat_job", job_id=job_id, worker=worker, **params)[-1].dicts()
    assert len(rows) == 1
    return rows[0]


def complete(session, job_id: int | None, worker: str | None, **params: Any) -> dict[str, Any]:
    rows = session.run_proc("intake.sp_complete_job", job_id=job_id, worker=worker, **params)[-1].dicts()
    assert len(rows) == 1
    return rows[0]


def fail(session, job_id: int | None, worker: str | None, error: str | None = "boom", **params: Any) -> dict[str, Any]:
    rows = session.run_proc("intake.sp_fail_job", job_id=job_id, worker=worker, error=error, **params)[-1].dicts()
    assert len(rows) == 1
    return rows[0]


def reclaim(session, **params: Any) -> dict[str, Any]:
    rows = session.run_proc("intake.sp_reclaim_jobs", **params)[-1].dicts()
    assert len(rows) == 1
    return rows[0]


def make_due(session, job_id: int) -> None:
    """Skip the rest of a wait (the test does not sit out a 30 s backoff)."""
    session.execute("UPDATE intake.jobs SET run_after = DATEADD(SECOND, -1, SYSUTCDATETIME()) WHERE job_id = ?;",
                    job_id)


def expire_lease(session, job_id: int) -> None:
    """Move a claim into the past so that its lease has run out."""
    session.execute(
        "UPDATE intake.jobs SET locked_at = DATEADD(MINUTE, -10, SYSUTCDATETIME()), "
        "locked_until = DATEADD(MINUTE, -5, SYSUTCDATETIME()) WHERE job_id = ?;",
        job_id,
    )


def claim_one(session, workspace_id: Any, worker: str = "w1", **params: Any) -> dict[str, Any]:
    """Enqueue a job and claim it (the workspace has no other due job); returns the claimed row."""
    job_id = enqueued_id(session, workspace_id, **params)
    [claimed] = claim(session, worker, workspace_id=workspace_id)
    assert claimed["job_id"] == job_id
    return claimed


@contextlib.contextmanager
def raises_sql(number: int) -> Iterator[dict]:
    """Like ``db.expect_error`` for an autocommit session (which has no test transaction to reopen)."""
    outcome: dict = {}
    with pytest.raises(SqlError) as caught:
        yield outcome
    outcome["error"] = caught.value
    assert caught.value.number == number, f"expected error {number}, got {caught.value.text()}"


@dataclass
class CommittedWorkspace:
    """A workspace whose rows are committed: ``session`` is autocommit, every statement commits on its own."""

    session: LiveSession
    workspace_id: Any


@contextlib.contextmanager
def committed_workspace(url, name: str) -> Iterator[CommittedWorkspace]:
    connection = connect(url)
    session = LiveSession(connection)
    workspace_id = None
    try:
        workspace_id = workspace(session, name)
        yield CommittedWorkspace(session, workspace_id)
    finally:
        try:
            if workspace_id is not None:
                connection.execute("IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION;")
                ws.purge_rows(connection, "intake.audit_events", workspace_id)
                connection.execute("DELETE FROM intake.jobs WHERE workspace_id = ?;", (workspace_id,))
                connection.execute("DELETE FROM intake.threads WHERE workspace_id = ?;", (workspace_id,))
                connection.execute("DELETE FROM intake.workspaces WHERE workspace_id = ?;", (workspace_id,))
        finally:
            connection.close()


@pytest.fixture
def committed(wsdb_database) -> Iterator[CommittedWorkspace]:
    """A committed workspace for tests that must show a refused call wrote nothing; its rows are deleted afterwards."""
    with committed_workspace(wsdb_database, "Jobs test workspace (committed)") as space:
        yield space


@contextlib.contextmanager
def impatient_session(url) -> Iterator[LiveSession]:
    """An autocommit session that gives up on a lock after 5 s (error 1222) instead of waiting."""
    connection = connect(url)
    try:
        connection.execute(IMPATIENT)
        yield LiveSession(connection)
    finally:
        connection.close()


def lock_job(session, job_id: int) -> None:
    """Hold an update lock on the job's row until the session's transaction ends (a worker busy with it)."""
    assert session.query("SELECT j.job_id FROM intake.jobs AS j WITH (UPDLOCK, ROWLOCK) WHERE j.job_id = ?;", job_id)


# -- sp_append_audit_event ---------------------------------------------------------------------------------


def test_append_audit_event_writes_one_row_with_what_it_is_given(db):
    workspace_id = workspace(db)
    thread_id = thread(db, workspace_id)
    job_id = job(db, workspace_id, thread_id=thread_id)
    before = server_now(db)

    audit_event_id = append_audit(db, workspace_id, "crm.write_sent", data_json='{"crm": "hubspot", "n": 2}',
                                  thread_id=thread_id, job_id=job_id, actor="ana@example.test")

    after = server_now(db)
    [stored] = db.query("SELECT * FROM intake.audit_events WHERE workspace_id = ?;", workspace_id)
    assert stored["audit_event_id"] == audit_event_id
    assert (stored["type"], stored["thread_id"], stored["job_id"], stored["actor"]) == (
        "crm.write_sent", thread_id, job_id, "ana@example.test"
    )
    assert json.loads(stored["data_json"]) == {"crm": "hubspot", "n": 2}
    assert before <= stored["created_at"] <= after


def test_append_audit_event_with_only_a_workspace_and_a_type_records_a_system_event(db):
    workspace_id = workspace(db)

    audit_event_id = append_audit(db, workspace_id, "policy.updated")

    [stored] = db.query("SELECT * FROM intake.audit_events WHERE audit_event_id = ?;", audit_event_id)
    assert stored["workspace_id"] == workspace_id
    for column in ("thread_id", "job_id", "data_json", "actor"):
        assert stored[column] is None, column


def test_append_audit_event_accepts_a_64_character_type_and_a_320_character_actor(db):
    workspace_id = workspace(db)
    type_ = "a." + "b" * 62
    actor = "x" * 320

    audit_event_id = append_audit(db, workspace_id, type_, actor=actor)

    stored = db.query("SELECT * FROM intake.audit_events WHERE audit_event_id = ?;", audit_event_id)[0]
    assert (stored["type"], stored["actor"]) == (type_, actor)


AUDIT_ERRORS = [
    pytest.param(50200, {"workspace_id": "unknown"}, id="50200-unknown-workspace"),
    pytest.param(50200, {"workspace_id": None}, id="50200-no-workspace"),
    pytest.param(50201, {"type_": None}, id="50201-no-type"),
    pytest.param(50201, {"type_": ""}, id="50201-empty-type"),
    pytest.param(50201, {"type_": "Job.Enqueued"}, id="50201-upper-case"),
    pytest.param(50201, {"type_": "job enqueued"}, id="50201-a-space"),
    pytest.param(50201, {"type_": "job-enqueued"}, id="50201-a-dash"),
    pytest.param(50201, {"type_": "jöb.enqueued"}, id="50201-not-ascii"),
    pytest.param(50201, {"type_": ".job"}, id="50201-leading-dot"),
    pytest.param(50201, {"type_": "job."}, id="50201-trailing-dot"),
    pytest.param(50201, {"type_": "job..enqueued"}, id="50201-double-dot"),
    pytest.param(50201, {"type_": "a" * 65}, id="50201-65-characters"),
    pytest.param(50201, {"type_": "a" * 300}, id="50201-300-characters"),
    pytest.param(50202, {"data_json": "not json"}, id="50202-not-json"),
    pytest.param(50202, {"data_json": "[1, 2]"}, id="50202-an-array"),
    pytest.param(50202, {"data_json": "42"}, id="50202-a-number"),
    pytest.param(50202, {"data_json": '"text"'}, id="50202-a-string"),
    pytest.param(50203, {"thread_id": -1}, id="50203-unknown-thread"),
    pytest.param(50204, {"job_id": -1}, id="50204-unknown-job"),
    pytest.param(50205, {"actor": ""}, id="50205-empty-actor"),
    pytest.param(50205, {"actor": "   "}, id="50205-blank-actor"),
    pytest.param(50205, {"actor": "a" * 321}, id="50205-321-characters"),
]


@pytest.mark.parametrize(("number", "overrides"), AUDIT_ERRORS)
def test_append_audit_event_with_a_bad_argument_raises_its_error_and_writes_nothing(committed, number, overrides):
    session, workspace_id = committed.session, committed.workspace_id
    arguments = {"workspace_id": workspace_id, "type_": "job.test", **overrides}
    if arguments["workspace_id"] == "unknown":
        arguments["workspace_id"] = str(uuid.uuid4())
    before = written_rows(session, workspace_id)

    with raises_sql(number):
        append_audit(session, **arguments)

    assert written_rows(session, workspace_id) == before


@pytest.mark.parametrize(("number", "column"), [(50203, "thread_id"), (50204, "job_id")])
def test_append_audit_event_refuses_a_thread_or_job_of_another_workspace(db, number, column):
    mine, theirs = workspace(db), workspace(db)
    foreign = thread(db, theirs) if column == "thread_id" else job(db, theirs)

    with db.expect_error(number):
        append_audit(db, mine, "job.test", **{column: foreign})


# -- sp_enqueue_job ----------------------------------------------------------------------------------------


def test_enqueue_queues_a_job_due_now_with_the_defaults_and_audits_it(db):
    workspace_id = workspace(db)
    before = server_now(db)

    result = enqueue(db, workspace_id, "ingest_message")

    after = server_now(db)
    assert list(result) == ["job_id", "run_after"]
    stored = job_row(db, result["job_id"])
    assert (stored["workspace_id"], stored["job_type"], stored["status"]) == (workspace_id, "ingest_message", "queued")
    assert (stored["attempts"], stored["max_attempts"]) == (0, 5)
    assert stored["run_after"] == result["run_after"]
    assert before <= stored["run_after"] <= after
    assert stored["created_at"] == stored["updated_at"] == stored["run_after"]
    for column in ("thread_id", "payload_json", "last_error", "finished_at", *LOCK_COLUMNS):
        assert stored[column] is None, column
    [event] = audit_trail(db, result["job_id"])
    assert (event["workspace_id"], event["type"], event["thread_id"], event["actor"]) == (
        workspace_id, "job.enqueued", None, None
    )
    assert set(event["data"]) == {"job_type", "run_after", "max_attempts"}
    assert (event["data"]["job_type"], event["data"]["max_attempts"]) == ("ingest_message", 5)
    assert server_datetime(db, event["data"]["run_after"]) == stored["run_after"]


def test_enqueue_stores_the_payload_thread_run_after_max_attempts_and_actor_it_is_given(db):
    workspace_id = workspace(db)
    thread_id = thread(db, workspace_id)
    later = (server_now(db) + timedelta(minutes=10)).replace(microsecond=0)

    job_id = enqueued_id(db, workspace_id, job_type="extract_thread", payload_json='{"message_id": "<a@b>"}',
                         run_after=later, max_attempts=2, thread_id=thread_id, actor="ana@example.test")

    stored = job_row(db, job_id)
    assert json.loads(stored["payload_json"]) == {"message_id": "<a@b>"}
    assert (stored["thread_id"], stored["run_after"], stored["max_attempts"]) == (thread_id, later, 2)
    [event] = audit_trail(db, job_id)
    assert (event["thread_id"], event["actor"], event["data"]["max_attempts"]) == (thread_id, "ana@example.test", 2)


def test_enqueue_accepts_a_64_character_job_type_and_a_320_character_actor(db):
    workspace_id = workspace(db)
    job_type = "crm_sync." + "x" * 55

    job_id = enqueued_id(db, workspace_id, job_type=job_type, actor="y" * 320)

    assert job_row(db, job_id)["job_type"] == job_type
    assert audit_trail(db, job_id)[0]["actor"] == "y" * 320


ENQUEUE_ERRORS = [
    pytest.param(50206, {"workspace_id": "unknown"}, id="50206-unknown-workspace"),
    pytest.param(50206, {"workspace_id": None}, id="50206-no-workspace"),
    pytest.param(50207, {"job_type": None}, id="50207-no-job-type"),
    pytest.param(50207, {"job_type": ""}, id="50207-empty-job-type"),
    pytest.param(50207, {"job_type": "Ingest_Message"}, id="50207-upper-case"),
    pytest.param(50207, {"job_type": "ingest message"}, id="50207-a-space"),
    pytest.param(50207, {"job_type": "crm..sync"}, id="50207-double-dot"),
    pytest.param(50207, {"job_type": "x" * 65}, id="50207-65-characters"),
    pytest.param(50208, {"payload_json": "{"}, id="50208-not-json"),
    pytest.param(50208, {"payload_json": "[]"}, id="50208-an-array"),
    pytest.param(50208, {"payload_json": "true"}, id="50208-a-literal"),
    pytest.param(50209, {"max_attempts": 0}, id="50209-max-attempts-0"),
    pytest.param(50209, {"max_attempts": None}, id="50209-max-attempts-null"),
    pytest.param(50210, {"thread_id": -1}, id="50210-unknown-thread"),
    pytest.param(50211, {"actor": ""}, id="50211-empty-actor"),
    pytest.param(50211, {"actor": "a" * 321}, id="50211-321-characters"),
]


@pytest.mark.parametrize(("number", "overrides"), ENQUEUE_ERRORS)
def test_enqueue_with_a_bad_argument_raises_its_error_and_writes_nothing(committed, number, overrides):
    session, workspace_id = committed.session, committed.workspace_id
    arguments = {"workspace_id": workspace_id, "job_type": "test.job", **overrides}
    if arguments["workspace_id"] == "unknown":
        arguments["workspace_id"] = str(uuid.uuid4())
    before = written_rows(session, workspace_id)

    with raises_sql(number):
        enqueue(session, **arguments)

    assert written_rows(session, workspace_id) == before


def test_enqueue_refuses_a_thread_of_another_workspace_with_50210(db):
    mine, theirs = workspace(db), workspace(db)
    foreign = thread(db, theirs)

    with db.expect_error(50210):
        enqueue(db, mine, thread_id=foreign)


# -- sp_claim_jobs -----------------------------------------------------------------------------------------


def test_claim_takes_due_jobs_in_status_run_after_created_at_order(db):
    workspace_id = workspace(db)
    now = server_now(db)

    def at(minutes: int) -> Any:
        return now + timedelta(minutes=minutes)

    created_last = job(db, workspace_id, run_after=at(-3), created_at=at(-10))
    due_first = job(db, workspace_id, run_after=at(-5), created_at=at(-1))
    created_first = job(db, workspace_id, run_after=at(-3), created_at=at(-20))
    retry = job(db, workspace_id, status="failed", attempts=1, run_after=at(-1), created_at=at(-1))
    future = job(db, workspace_id, run_after=at(5), created_at=at(-30))

    first = claimed_ids(db, "w1", batch_size=2, workspace_id=workspace_id)
    second = claimed_ids(db, "w1", batch_size=2, workspace_id=workspace_id)
    third = claimed_ids(db, "w1", batch_size=2, workspace_id=workspace_id)

    # 'failed' sorts before 'queued': a due retry goes first, then run_after, then created_at.
    assert first == [retry, due_first]
    assert second == [created_first, created_last]
    assert third == []
    assert job_row(db, future)["status"] == "queued"


def test_claim_hands_out_enqueued_jobs_in_the_order_they_were_enqueued(db):
    workspace_id = workspace(db)
    ids = [enqueued_id(db, workspace_id, payload_json=f'{{"n": {n}}}') for n in range(3)]

    assert claimed_ids(db, "w1", batch_size=2, workspace_id=workspace_id) == ids[:2]
    assert claimed_ids(db, "w1", batch_size=2, workspace_id=workspace_id) == ids[2:]


def test_a_job_whose_run_after_lies_ahead_is_claimed_only_once_it_is_due(db):
    workspace_id = workspace(db)
    job_id = enqueued_id(db, workspace_id, run_after=server_now(db) + timedelta(minutes=5))

    assert claim(db, "w1", workspace_id=workspace_id) == []
    assert job_row(db, job_id)["status"] == "queued"
    make_due(db, job_id)
    assert claimed_ids(db, "w1", workspace_id=workspace_id) == [job_id]


def test_claim_marks_the_job_running_under_a_lease_counts_the_attempt_and_audits_it(db):
    workspace_id = workspace(db)
    thread_id = thread(db, workspace_id)
    job_id = enqueued_id(db, workspace_id, payload_json='{"n": 1}', max_attempts=3, thread_id=thread_id)
    before = server_now(db)

    [claimed] = claim(db, "worker-a", lease_seconds=120, workspace_id=workspace_id)

    after = server_now(db)
    assert list(claimed) == CLAIM_COLUMNS
    assert (claimed["job_id"], claimed["workspace_id"], claimed["thread_id"]) == (job_id, workspace_id, thread_id)
    assert (claimed["job_type"], claimed["payload_json"]) == ("test.job", '{"n": 1}')
    assert (claimed["attempts"], claimed["max_attempts"], claimed["last_error"]) == (1, 3, None)
    assert claimed["locked_by"] == "worker-a"
    assert before <= claimed["locked_at"] <= after
    assert claimed["locked_until"] == claimed["locked_at"] + timedelta(seconds=120)
    stored = job_row(db, job_id)
    assert (stored["status"], stored["attempts"], stored["finished_at"]) == ("running", 1, None)
    assert tuple(stored[c] for c in LOCK_COLUMNS) == tuple(claimed[c] for c in LOCK_COLUMNS)
    assert stored["updated_at"] == claimed["locked_at"]
    event = audit_trail(db, job_id)[-1]
    assert (event["type"], event["actor"], event["thread_id"]) == ("job.claimed", "worker-a", thread_id)
    assert (event["data"]["attempt"], event["data"]["max_attempts"]) == (1, 3)
    assert server_datetime(db, event["data"]["locked_until"]) == stored["locked_until"]


def test_claim_uses_a_five_minute_lease_and_batches_of_ten_by_default(db):
    workspace_id = workspace(db)
    for _ in range(11):
        job(db, workspace_id)

    rows = claim(db, "w1", workspace_id=workspace_id)

    assert len(rows) == 10
    assert all(r["locked_until"] == r["locked_at"] + timedelta(seconds=300) for r in rows)


def test_a_claimed_job_is_not_claimed_again_by_any_worker(db):
    workspace_id = workspace(db)
    job_id = job(db, workspace_id)
    assert claimed_ids(db, "w1", workspace_id=workspace_id) == [job_id]

    assert claim(db, "w2", workspace_id=workspace_id) == []
    assert claim(db, "w1", workspace_id=workspace_id) == []
    assert job_row(db, job_id)["locked_by"] == "w1"


def test_claim_takes_neither_waiting_retries_nor_spent_running_or_finished_jobs(db):
    workspace_id = workspace(db)
    now = server_now(db)
    earlier, later = now - timedelta(minutes=1), now + timedelta(minutes=5)
    untouchable = {
        "waiting retry": job(db, workspace_id, status="failed", attempts=1, run_after=later),
        "failed, attempts spent": job(db, workspace_id, status="failed", attempts=3, max_attempts=3, run_after=earlier),
        "queued, attempts spent": job(db, workspace_id, attempts=2, max_attempts=2, run_after=earlier),
        "running, lease expired": job(db, workspace_id, status="running", attempts=1, run_after=earlier,
                                      locked_at=now - timedelta(minutes=10), locked_by="other",
                                      locked_until=now - timedelta(minutes=5)),
        "succeeded": job(db, workspace_id, status="succeeded", attempts=1, run_after=earlier, finished_at=now),
        "dead": job(db, workspace_id, status="dead", attempts=5, run_after=earlier, finished_at=now),
        "cancelled": job(db, workspace_id, status="cancelled", run_after=earlier, finished_at=now),
    }
    claimable = job(db, workspace_id, run_after=earlier)
    before = {name: job_row(db, job_id) for name, job_id in untouchable.items()}

    assert claimed_ids(db, "w1", batch_size=100, workspace_id=workspace_id) == [claimable]
    for name, job_id in untouchable.items():
        assert job_row(db, job_id) == before[name], name


def test_claim_with_a_workspace_or_a_job_type_takes_only_those_jobs(db):
    space_a, space_b = workspace(db), workspace(db)
    a_ingest = job(db, space_a, job_type="ingest_message")
    b_ingest = job(db, space_b, job_type="ingest_message")
    a_sync = job(db, space_a, job_type="crm_sync")

    assert claimed_ids(db, "w1", workspace_id=space_a, job_type="crm_sync") == [a_sync]
    assert claimed_ids(db, "w1", workspace_id=space_b) == [b_ingest]
    assert claimed_ids(db, "w1", workspace_id=space_a) == [a_ingest]


def test_claim_without_a_workspace_takes_jobs_of_every_workspace(db):
    space_a, space_b = workspace(db), workspace(db)
    mine = {job(db, space_a), job(db, space_b)}
    # Every claimable job of the database (committed rows of other tests included), so the batch reaches ours.
    claimable = db.scalar(
        "SELECT COUNT(*) AS n FROM intake.jobs AS j WITH (READPAST) WHERE j.status IN ('queued', 'failed') "
        "AND j.run_after <= SYSUTCDATETIME() AND j.attempts < j.max_attempts;"
    )
    assert claimable <= 2000, f"{claimable} claimable jobs in the test database; expected a handful"

    got = set(claimed_ids(db, "w1", batch_size=claimable))

    assert mine <= got


def test_claim_accepts_the_boundary_arguments(db):
    workspace_id = workspace(db)
    job_id = job(db, workspace_id)

    assert claimed_ids(db, "w" * 64, batch_size=2000, lease_seconds=86400, workspace_id=workspace_id) == [job_id]
    assert job_row(db, job_id)["locked_by"] == "w" * 64
    other = job(db, workspace_id)
    [claimed] = claim(db, "w", batch_size=1, lease_seconds=1, workspace_id=workspace_id)
    assert claimed["job_id"] == other
    assert claimed["locked_until"] == claimed["locked_at"] + timedelta(seconds=1)


CLAIM_ERRORS = [
    pytest.param(50212, {"worker": None}, id="50212-no-worker"),
    pytest.param(50212, {"worker": ""}, id="50212-empty-worker"),
    pytest.param(50212, {"worker": "   "}, id="50212-blank-worker"),
    pytest.param(50212, {"worker": "w" * 65}, id="50212-65-characters"),
    pytest.param(50213, {"batch_size": 0}, id="50213-batch-0"),
    pytest.param(50213, {"batch_size": 2001}, id="50213-batch-2001"),
    pytest.param(50213, {"batch_size": None}, id="50213-batch-null"),
    pytest.param(50213, {"lease_seconds": 0}, id="50213-lease-0"),
    pytest.param(50213, {"lease_seconds": 86401}, id="50213-lease-over-a-day"),
    pytest.param(50213, {"lease_seconds": None}, id="50213-lease-null"),
    pytest.param(50214, {"workspace_id": "unknown"}, id="50214-unknown-workspace"),
    pytest.param(50215, {"job_type": ""}, id="50215-empty-job-type"),
    pytest.param(50215, {"job_type": "Test.Job"}, id="50215-upper-case"),
    pytest.param(50215, {"job_type": "x" * 65}, id="50215-65-characters"),
]


@pytest.mark.parametrize(("number", "overrides"), CLAIM_ERRORS)
def test_claim_with_a_bad_argument_raises_its_error_and_claims_nothing(committed, number, overrides):
    session, workspace_id = committed.session, committed.workspace_id
    job_id = job(session, workspace_id)
    before = job_row(session, job_id)
    arguments = {"worker": "w1", "batch_size": 10, "lease_seconds": 60, "workspace_id": workspace_id, **overrides}
    if arguments["workspace_id"] == "unknown":
        arguments["workspace_id"] = str(uuid.uuid4())

    with raises_sql(number):
        claim(session, **arguments)

    assert job_row(session, job_id) == before
    assert written_rows(session, workspace_id)["audit_events"] == 0
    assert claimed_ids(session, "w1", workspace_id=workspace_id) == [job_id]  # still claimable


def test_claim_skips_a_job_another_session_holds_instead_of_waiting_for_it(wsdb_database):
    with committed_workspace(wsdb_database, "Jobs locking test workspace") as space:
        busy = job(space.session, space.workspace_id)
        free = job(space.session, space.workspace_id)
        with live_session(wsdb_database) as locker, impatient_session(wsdb_database) as worker:
            lock_job(locker, busy)

            assert claimed_ids(worker, "w1", workspace_id=space.workspace_id) == [free]  # no 1222: it did not wait
        # The locker's transaction is over: the job is there for the next claim.
        assert claimed_ids(space.session, "w2", workspace_id=space.workspace_id) == [busy]


# -- sp_heartbeat_job --------------------------------------------------------------------------------------


def test_heartbeat_extends_the_lease_from_now_and_keeps_the_claim(db):
    workspace_id = workspace(db)
    job_id = enqueued_id(db, workspace_id)
    [claimed] = claim(db, "w1", lease_seconds=60, workspace_id=workspace_id)
    events = len(audit_trail(db, job_id))
    before = server_now(db)

    state = heartbeat(db, job_id, "w1", lease_seconds=600)

    after = server_now(db)
    assert list(state) == HEARTBEAT_COLUMNS
    assert (state["job_id"], state["locked_by"], state["locked_at"]) == (job_id, "w1", claimed["locked_at"])
    assert before + timedelta(seconds=600) <= state["locked_until"] <= after + timedelta(seconds=600)
    stored = job_row(db, job_id)
    assert (stored["status"], stored["attempts"], stored["locked_until"]) == ("running", 1, state["locked_until"])
    assert len(audit_trail(db, job_id)) == events  # a heartbeat changes no state: no audit event


def test_heartbeat_uses_a_five_minute_lease_by_default(db):
    workspace_id = workspace(db)
    job_id = claim_one(db, workspace_id)["job_id"]
    before = server_now(db)

    state = heartbeat(db, job_id, "w1")

    assert before + timedelta(seconds=300) <= state["locked_until"] <= server_now(db) + timedelta(seconds=300)


def test_heartbeat_after_the_lease_ran_out_keeps_the_job_while_nobody_reclaimed_it(db):
    workspace_id = workspace(db)
    job_id = claim_one(db, workspace_id)["job_id"]
    expire_lease(db, job_id)

    heartbeat(db, job_id, "w1", lease_seconds=120)
    reclaim(db, batch_size=2000)

    stored = job_row(db, job_id)
    assert (stored["status"], stored["locked_by"]) == ("running", "w1")
    assert stored["locked_until"] > server_now(db)


@pytest.mark.parametrize("situation", ["queued", "held by another worker", "succeeded", "failed", "dead",
                                       "reclaimed", "unknown", "no job id"])
def test_heartbeat_of_a_job_the_worker_does_not_hold_throws_50218(db, situation):
    job_id = _job_not_held_by_w1(db, situation)

    with db.expect_error(50218) as outcome:
        heartbeat(db, job_id, "w1")

    assert _names(outcome["error"].message, job_id)


HEARTBEAT_ERRORS = [
    pytest.param(50216, {"worker": None}, id="50216-no-worker"),
    pytest.param(50216, {"worker": " "}, id="50216-blank-worker"),
    pytest.param(50216, {"worker": "w1" + "x" * 63}, id="50216-65-characters"),
    pytest.param(50217, {"lease_seconds": 0}, id="50217-lease-0"),
    pytest.param(50217, {"lease_seconds": 86401}, id="50217-lease-over-a-day"),
    pytest.param(50217, {"lease_seconds": None}, id="50217-lease-null"),
    pytest.param(50218, {"worker": "w2"}, id="50218-another-worker"),
]


@pytest.mark.parametrize(("number", "overrides"), HEARTBEAT_ERRORS)
def test_heartbeat_with_a_bad_argument_raises_its_error_and_changes_nothing(committed, number, overrides):
    session, workspace_id = committed.session, committed.workspace_id
    job_id = claim_one(session, workspace_id)["job_id"]
    before = job_row(session, job_id)
    arguments = {"job_id": job_id, "worker": "w1", "lease_seconds": 600, **overrides}

    with raises_sql(number):
        heartbeat(session, **arguments)

    assert job_row(session, job_id) == before


def _names(message: str, job_id: int | None) -> bool:
    """The refusal names the job (NULL when none was given) and the worker."""
    return ("NULL" if job_id is None else str(job_id)) in message and "worker w1" in message


def _job_not_held_by_w1(db, situation: str) -> Any:
    """A job in the named situation, for the "not held" refusals of heartbeat, complete and fail."""
    workspace_id = workspace(db)
    job_id = enqueued_id(db, workspace_id, max_attempts=3)
    if situation == "queued":
        return job_id
    if situation == "unknown":
        return job_id + 1_000_000
    if situation == "no job id":
        return None
    worker = "w2" if situation == "held by another worker" else "w1"
    assert claimed_ids(db, worker, workspace_id=workspace_id) == [job_id]
    if situation == "succeeded":
        complete(db, job_id, "w1")
    elif situation == "failed":
        fail(db, job_id, "w1")
    elif situation == "dead":
        db.execute("UPDATE intake.jobs SET max_attempts = 1 WHERE job_id = ?;", job_id)
        assert fail(db, job_id, "w1")["status"] == "dead"
    elif situation == "reclaimed":
        expire_lease(db, job_id)
        reclaim(db, batch_size=2000)
        assert job_row(db, job_id)["status"] == "failed"
    return job_id


# -- sp_complete_job ---------------------------------------------------------------------------------------


def test_complete_marks_the_job_succeeded_clears_the_claim_and_audits_the_result(db):
    workspace_id = workspace(db)
    thread_id = thread(db, workspace_id)
    claimed = claim_one(db, workspace_id, thread_id=thread_id)
    job_id = claimed["job_id"]
    before = server_now(db)

    state = complete(db, job_id, "w1", result_json='{"messages": 3}')

    after = server_now(db)
    assert list(state) == COMPLETE_COLUMNS
    assert (state["job_id"], state["status"], state["attempts"], state["max_attempts"]) == (job_id, "succeeded", 1, 5)
    assert before <= state["finished_at"] <= after
    stored = job_row(db, job_id)
    assert (stored["status"], stored["finished_at"], stored["updated_at"]) == (
        "succeeded", state["finished_at"], state["finished_at"]
    )
    assert tuple(stored[c] for c in LOCK_COLUMNS) == (None, None, None)
    assert stored["attempts"] == 1
    event = audit_trail(db, job_id)[-1]
    assert (event["type"], event["actor"], event["thread_id"]) == ("job.succeeded", "w1", thread_id)
    assert event["data"] == {"attempt": 1, "result": {"messages": 3}}
    assert before <= event["created_at"] <= after


def test_complete_without_a_result_audits_the_attempt_only(db):
    workspace_id = workspace(db)
    job_id = claim_one(db, workspace_id)["job_id"]

    complete(db, job_id, "w1")

    assert audit_trail(db, job_id)[-1]["data"] == {"attempt": 1}


def test_complete_keeps_an_array_result(db):
    workspace_id = workspace(db)
    job_id = claim_one(db, workspace_id)["job_id"]

    complete(db, job_id, "w1", result_json="[1, 2]")

    assert audit_trail(db, job_id)[-1]["data"]["result"] == [1, 2]


def test_a_completed_job_is_never_claimed_or_reclaimed_again(db):
    workspace_id = workspace(db)
    job_id = claim_one(db, workspace_id)["job_id"]
    complete(db, job_id, "w1")
    make_due(db, job_id)
    done = job_row(db, job_id)

    assert claim(db, "w2", batch_size=10, workspace_id=workspace_id) == []
    reclaim(db, batch_size=2000)
    assert job_row(db, job_id) == done


def test_complete_after_the_lease_ran_out_is_accepted_while_nobody_reclaimed_the_job(db):
    workspace_id = workspace(db)
    job_id = claim_one(db, workspace_id)["job_id"]
    expire_lease(db, job_id)

    assert complete(db, job_id, "w1")["status"] == "succeeded"


@pytest.mark.parametrize("situation", ["queued", "held by another worker", "succeeded", "failed", "dead",
                                       "reclaimed", "unknown", "no job id"])
def test_complete_of_a_job_the_worker_does_not_hold_throws_50221(db, situation):
    job_id = _job_not_held_by_w1(db, situation)

    with db.expect_error(50221) as outcome:
        complete(db, job_id, "w1")

    assert _names(outcome["error"].message, job_id)


COMPLETE_ERRORS = [
    pytest.param(50219, {"worker": None}, id="50219-no-worker"),
    pytest.param(50219, {"worker": ""}, id="50219-empty-worker"),
    pytest.param(50219, {"worker": "w1" + "x" * 63}, id="50219-65-characters"),
    pytest.param(50220, {"result_json": "not json"}, id="50220-not-json"),
    pytest.param(50220, {"result_json": "42"}, id="50220-a-number"),
    pytest.param(50221, {"worker": "w2"}, id="50221-another-worker"),
]


@pytest.mark.parametrize(("number", "overrides"), COMPLETE_ERRORS)
def test_complete_with_a_bad_argument_raises_its_error_and_changes_nothing(committed, number, overrides):
    session, workspace_id = committed.session, committed.workspace_id
    job_id = claim_one(session, workspace_id)["job_id"]
    before = job_row(session, job_id)
    events = types_of(session, job_id)
    arguments = {"job_id": job_id, "worker": "w1", **overrides}

    with raises_sql(number):
        complete(session, **arguments)

    assert job_row(session, job_id) == before
    assert types_of(session, job_id) == events
    assert complete(session, job_id, "w1")["status"] == "succeeded"  # still held, still completable


def test_completing_a_job_twice_throws_and_keeps_the_first_completion(committed):
    session, workspace_id = committed.session, committed.workspace_id
    job_id = claim_one(session, workspace_id)["job_id"]
    first = complete(session, job_id, "w1")

    with raises_sql(50221):
        complete(session, job_id, "w1")

    assert job_row(session, job_id)["finished_at"] == first["finished_at"]
    assert types_of(session, job_id).count("job.succeeded") == 1


# -- sp_fail_job -------------------------------------------------------------------------------------------


def _fail_and_check_backoff(db, workspace_id: Any, job_id: int, attempt: int, delay: int, **params: Any) -> None:
    make_due(db, job_id)
    assert claimed_ids(db, "w1", workspace_id=workspace_id) == [job_id]
    before = server_now(db)

    state = fail(db, job_id, "w1", f"attempt {attempt} failed", **params)

    after = server_now(db)
    assert list(state) == FAIL_COLUMNS
    assert (state["job_id"], state["status"], state["attempts"], state["finished_at"]) == (
        job_id, "failed", attempt, None
    )
    assert state["last_error"] == f"attempt {attempt} failed"
    assert before + timedelta(seconds=delay) <= state["run_after"] <= after + timedelta(seconds=delay), attempt
    stored = job_row(db, job_id)
    assert tuple(stored[c] for c in LOCK_COLUMNS) == (None, None, None)
    assert (stored["status"], stored["attempts"], stored["run_after"], stored["last_error"]) == (
        "failed", attempt, state["run_after"], state["last_error"]
    )
    event = audit_trail(db, job_id)[-1]
    assert (event["type"], event["actor"]) == ("job.failed", "w1")
    assert set(event["data"]) == {"attempt", "max_attempts", "error", "run_after"}
    assert (event["data"]["attempt"], event["data"]["error"]) == (attempt, f"attempt {attempt} failed")
    assert server_datetime(db, event["data"]["run_after"]) == state["run_after"]


def test_fail_sends_the_job_back_to_retry_and_doubles_the_backoff_up_to_its_cap(db):
    workspace_id = workspace(db)
    job_id = job(db, workspace_id, max_attempts=10)

    for attempt, delay in enumerate([30, 60, 100, 100], start=1):
        _fail_and_check_backoff(db, workspace_id, job_id, attempt, delay, backoff_seconds=30, max_backoff_seconds=100)


def test_fail_waits_30_then_60_then_120_seconds_by_default(db):
    workspace_id = workspace(db)
    job_id = job(db, workspace_id)

    for attempt, delay in enumerate([30, 60, 120], start=1):
        _fail_and_check_backoff(db, workspace_id, job_id, attempt, delay)


def test_fail_caps_the_backoff_without_overflow_after_many_attempts(db):
    workspace_id = workspace(db)
    job_id = job(db, workspace_id, max_attempts=100, attempts=60)

    _fail_and_check_backoff(db, workspace_id, job_id, 61, 3600)


def test_a_failed_job_is_not_claimed_before_its_backoff_has_passed(db):
    workspace_id = workspace(db)
    job_id = claim_one(db, workspace_id)["job_id"]

    fail(db, job_id, "w1")

    assert claim(db, "w2", workspace_id=workspace_id) == []
    make_due(db, job_id)
    [again] = claim(db, "w2", workspace_id=workspace_id)
    assert (again["job_id"], again["attempts"], again["last_error"]) == (job_id, 2, "boom")


def test_fail_with_no_backoff_makes_the_job_claimable_at_once(db):
    workspace_id = workspace(db)
    job_id = claim_one(db, workspace_id)["job_id"]

    fail(db, job_id, "w1", backoff_seconds=0, max_backoff_seconds=0)

    assert claimed_ids(db, "w2", workspace_id=workspace_id) == [job_id]


def test_fail_makes_the_job_dead_exactly_at_max_attempts(db):
    workspace_id = workspace(db)
    job_id = claim_one(db, workspace_id, max_attempts=2)["job_id"]

    first = fail(db, job_id, "w1", "first")
    assert (first["status"], first["attempts"], first["finished_at"]) == ("failed", 1, None)

    make_due(db, job_id)
    assert claimed_ids(db, "w2", workspace_id=workspace_id) == [job_id]
    run_after = job_row(db, job_id)["run_after"]
    before = server_now(db)
    second = fail(db, job_id, "w2", "second")
    after = server_now(db)

    assert (second["status"], second["attempts"], second["max_attempts"], second["last_error"]) == (
        "dead", 2, 2, "second"
    )
    assert before <= second["finished_at"] <= after
    assert second["run_after"] == run_after  # no retry to wait for
    stored = job_row(db, job_id)
    assert tuple(stored[c] for c in LOCK_COLUMNS) == (None, None, None)
    event = audit_trail(db, job_id)[-1]
    assert (event["type"], event["actor"]) == ("job.dead", "w2")
    assert event["data"] == {"attempt": 2, "max_attempts": 2, "error": "second"}
    assert types_of(db, job_id) == ["job.enqueued", "job.claimed", "job.failed", "job.claimed", "job.dead"]


def test_a_dead_job_is_never_claimed_or_reclaimed_again(db):
    workspace_id = workspace(db)
    job_id = claim_one(db, workspace_id, max_attempts=1)["job_id"]
    fail(db, job_id, "w1", "gave up")
    make_due(db, job_id)
    dead = job_row(db, job_id)

    assert claim(db, "w2", batch_size=10, workspace_id=workspace_id) == []
    reclaim(db, batch_size=2000)
    assert job_row(db, job_id) == dead


def test_fail_keeps_the_first_2000_characters_of_a_long_error(db):
    workspace_id = workspace(db)
    job_id = claim_one(db, workspace_id)["job_id"]

    state = fail(db, job_id, "w1", "e" * 2500)

    assert state["last_error"] == "e" * 2000


@pytest.mark.parametrize("situation", ["queued", "held by another worker", "succeeded", "failed", "dead",
                                       "reclaimed", "unknown", "no job id"])
def test_fail_of_a_job_the_worker_does_not_hold_throws_50224(db, situation):
    job_id = _job_not_held_by_w1(db, situation)

    with db.expect_error(50224) as outcome:
        fail(db, job_id, "w1")

    assert _names(outcome["error"].message, job_id)


FAIL_ERRORS = [
    pytest.param(50222, {"worker": ""}, id="50222-empty-worker"),
    pytest.param(50222, {"worker": None}, id="50222-no-worker"),
    pytest.param(50222, {"worker": "w1" + "x" * 63}, id="50222-65-characters"),
    pytest.param(50222, {"error": None}, id="50222-no-error"),
    pytest.param(50222, {"error": "  "}, id="50222-blank-error"),
    pytest.param(50223, {"backoff_seconds": -1}, id="50223-negative-backoff"),
    pytest.param(50223, {"backoff_seconds": None}, id="50223-null-backoff"),
    pytest.param(50223, {"max_backoff_seconds": None}, id="50223-null-cap"),
    pytest.param(50223, {"backoff_seconds": 60, "max_backoff_seconds": 30}, id="50223-cap-below-backoff"),
    pytest.param(50223, {"max_backoff_seconds": 2592001}, id="50223-cap-over-30-days"),
    pytest.param(50224, {"worker": "w2"}, id="50224-another-worker"),
]


@pytest.mark.parametrize(("number", "overrides"), FAIL_ERRORS)
def test_fail_with_a_bad_argument_raises_its_error_and_changes_nothing(committed, number, overrides):
    session, workspace_id = committed.session, committed.workspace_id
    job_id = claim_one(session, workspace_id)["job_id"]
    before = job_row(session, job_id)
    events = types_of(session, job_id)
    arguments = {"job_id": job_id, "worker": "w1", "error": "boom", **overrides}

    with raises_sql(number):
        fail(session, **arguments)

    assert job_row(session, job_id) == before
    assert types_of(session, job_id) == events


# -- sp_reclaim_jobs ---------------------------------------------------------------------------------------

EXPIRED_NOW = (
    "SELECT COUNT(CASE WHEN j.attempts < j.max_attempts THEN 1 END) AS reclaimed, "
    "COUNT(CASE WHEN j.attempts >= j.max_attempts THEN 1 END) AS dead "
    "FROM intake.jobs AS j WHERE j.status = 'running' AND j.locked_until <= SYSUTCDATETIME();"
)


def test_reclaim_sends_an_expired_lease_back_to_retry_at_once_and_leaves_a_live_one_alone(db):
    workspace_id = workspace(db)
    thread_id = thread(db, workspace_id)
    expired = enqueued_id(db, workspace_id, thread_id=thread_id)
    live = enqueued_id(db, workspace_id)
    claim(db, "w1", batch_size=1, workspace_id=workspace_id)
    claim(db, "w2", batch_size=1, lease_seconds=300, workspace_id=workspace_id)
    expire_lease(db, expired)
    locked_until = job_row(db, expired)["locked_until"]
    live_before = job_row(db, live)
    expected = db.query(EXPIRED_NOW)[0]  # every expired lease in the database: ours, and any committed by others
    assert expected["reclaimed"] + expected["dead"] <= 2000
    before = server_now(db)

    result = reclaim(db, batch_size=2000)

    after = server_now(db)
    assert result == expected and result["reclaimed"] >= 1
    stored = job_row(db, expired)
    assert (stored["status"], stored["attempts"], stored["finished_at"]) == ("failed", 1, None)
    assert tuple(stored[c] for c in LOCK_COLUMNS) == (None, None, None)
    assert stored["last_error"] == "lease expired; worker w1 did not finish"
    assert before <= stored["run_after"] <= after
    assert job_row(db, live) == live_before
    event = audit_trail(db, expired)[-1]
    assert (event["type"], event["actor"], event["thread_id"]) == ("job.reclaimed", None, thread_id)
    assert set(event["data"]) == {"worker", "attempt", "max_attempts", "locked_until", "run_after"}
    assert (event["data"]["worker"], event["data"]["attempt"], event["data"]["max_attempts"]) == ("w1", 1, 5)
    assert server_datetime(db, event["data"]["locked_until"]) == locked_until
    assert server_datetime(db, event["data"]["run_after"]) == stored["run_after"]
    assert claimed_ids(db, "w3", batch_size=10, workspace_id=workspace_id) == [expired]  # claimable again at once


def test_reclaim_makes_a_job_dead_when_its_attempts_are_used_up(db):
    workspace_id = workspace(db)
    job_id = job(db, workspace_id, max_attempts=3, attempts=2)
    claim(db, "w1", workspace_id=workspace_id)
    expire_lease(db, job_id)
    before = server_now(db)

    result = reclaim(db, batch_size=2000)

    after = server_now(db)
    assert result["dead"] >= 1
    stored = job_row(db, job_id)
    assert (stored["status"], stored["attempts"]) == ("dead", 3)
    assert before <= stored["finished_at"] <= after
    assert stored["last_error"] == "lease expired; worker w1 did not finish"
    assert tuple(stored[c] for c in LOCK_COLUMNS) == (None, None, None)
    event = audit_trail(db, job_id)[-1]
    assert (event["type"], event["actor"]) == ("job.dead", None)
    assert set(event["data"]) == {"worker", "attempt", "max_attempts", "locked_until", "error"}
    assert (event["data"]["attempt"], event["data"]["error"]) == (3, "lease expired; worker w1 did not finish")
    assert claim(db, "w2", workspace_id=workspace_id) == []


def test_reclaim_leaves_a_lease_that_has_not_run_out_alone(db):
    workspace_id = workspace(db)
    job_id = claim_one(db, workspace_id)["job_id"]
    before = job_row(db, job_id)
    expected = db.query(EXPIRED_NOW)[0]

    assert reclaim(db, batch_size=2000) == expected
    assert job_row(db, job_id) == before


def test_reclaim_takes_at_most_batch_size_jobs(db):
    workspace_id = workspace(db)
    ids = [enqueued_id(db, workspace_id) for _ in range(3)]
    claim(db, "w1", workspace_id=workspace_id)
    for job_id in ids:
        expire_lease(db, job_id)

    result = reclaim(db, batch_size=1)

    assert result["reclaimed"] + result["dead"] == 1


def test_reclaim_skips_a_job_a_worker_is_busy_with_instead_of_waiting_for_it(wsdb_database):
    with committed_workspace(wsdb_database, "Jobs reclaim locking test workspace") as space:
        job_id = claim_one(space.session, space.workspace_id)["job_id"]
        expire_lease(space.session, job_id)
        with live_session(wsdb_database) as locker:
            lock_job(locker, job_id)
            # The reclaim runs in a transaction that is rolled back: other tests' committed rows stay as they are.
            with live_session(wsdb_database) as reclaimer:
                reclaimer.execute(IMPATIENT)
                reclaim(reclaimer, batch_size=2000)  # no 1222: it did not wait
                assert job_row(reclaimer, job_id)["status"] == "running"
        with live_session(wsdb_database) as reclaimer:
            reclaim(reclaimer, batch_size=2000)
            assert job_row(reclaimer, job_id)["status"] == "failed"


@pytest.mark.parametrize("batch_size", [0, 2001, None])
def test_reclaim_refuses_a_batch_size_out_of_range_with_50225(db, batch_size):
    with db.expect_error(50225):
        reclaim(db, batch_size=batch_size)


# -- the audit trail ---------------------------------------------------------------------------------------


def test_every_state_change_of_a_job_leaves_one_audit_event_in_order(db):
    workspace_id = workspace(db)
    thread_id = thread(db, workspace_id)
    job_id = enqueued_id(db, workspace_id, thread_id=thread_id, actor="ana@example.test")
    claim(db, "w1", workspace_id=workspace_id)
    heartbeat(db, job_id, "w1")
    fail(db, job_id, "w1", "timeout")
    make_due(db, job_id)
    claim(db, "w2", workspace_id=workspace_id)
    expire_lease(db, job_id)
    reclaim(db, batch_size=2000)
    claim(db, "w3", workspace_id=workspace_id)
    complete(db, job_id, "w3")

    trail = audit_trail(db, job_id)

    assert [(e["type"], e["actor"]) for e in trail] == [
        ("job.enqueued", "ana@example.test"),
        ("job.claimed", "w1"),
        ("job.failed", "w1"),
        ("job.claimed", "w2"),
        ("job.reclaimed", None),
        ("job.claimed", "w3"),
        ("job.succeeded", "w3"),
    ]
    assert {(e["workspace_id"], e["thread_id"]) for e in trail} == {(workspace_id, thread_id)}
    assert [e["data"].get("attempt") for e in trail] == [None, 1, 1, 2, 2, 3, 3]
    assert all(a["created_at"] <= b["created_at"] for a, b in zip(trail, trail[1:]))


# -- concurrency (committed rows, one connection per worker) -----------------------------------------------

WORKERS = 8
JOBS = 2000
BATCH = 20
DEADLINE_SECONDS = 300

LOAD_JOBS = (
    "WITH numbers AS ("
    " SELECT TOP (?) ROW_NUMBER() OVER (ORDER BY (SELECT NULL)) AS n"
    " FROM sys.all_objects AS a CROSS JOIN sys.all_objects AS b"
    ") "
    "INSERT INTO intake.jobs (workspace_id, job_type, payload_json) "
    "SELECT ?, 'test.concurrency', CONCAT(N'{\"n\":', numbers.n, N'}') FROM numbers;"
)
CLAIMABLE_LEFT = (
    "SELECT COUNT(*) AS n FROM intake.jobs AS j WHERE j.workspace_id = ? AND j.status IN ('queued', 'failed');"
)


def _retrying(call: Callable[[], Any], attempts: int = 10) -> Any:
    """Run ``call``, again when it was chosen as a deadlock victim (its transaction was rolled back whole)."""
    for attempt in range(attempts):
        try:
            return call()
        except SqlError as error:
            if error.number != DEADLOCK or attempt == attempts - 1:
                raise
            time.sleep(0.01 * (attempt + 1))
    raise AssertionError("unreachable")


def _worker(url, workspace_id: Any, name: str, claimed: list[int], start: threading.Barrier, deadline: float,
            errors: list[str]) -> None:
    try:
        connection = connect(url)
    except Exception as error:  # noqa: BLE001 - reported by the test
        errors.append(f"{name}: cannot connect: {error}")
        start.abort()
        return
    session = LiveSession(connection)
    try:
        start.wait(timeout=60)
        while time.monotonic() < deadline:
            rows = _retrying(lambda: claim(session, name, batch_size=BATCH, workspace_id=workspace_id))
            if not rows:
                # Nothing for us: done when nothing is claimable any more, else the rest was locked a moment ago.
                if session.scalar(CLAIMABLE_LEFT, workspace_id) == 0:
                    return
                time.sleep(0.02)
                continue
            for row in rows:
                claimed.append(row["job_id"])
                state = _retrying(lambda: complete(session, row["job_id"], name))  # noqa: B023 - called at once
                if state["status"] != "succeeded":
                    errors.append(f"{name}: job {row['job_id']} is {state['status']} after completing it")
        errors.append(f"{name}: still working after {DEADLINE_SECONDS} s")
    except Exception as error:  # noqa: BLE001 - reported by the test
        errors.append(f"{name}: {type(error).__name__}: {error}")
    finally:
        connection.close()


def test_eight_workers_claiming_2000_jobs_complete_every_job_exactly_once(wsdb_database):
    with committed_workspace(wsdb_database, "Jobs concurrency test workspace") as space:
        space.session.execute(LOAD_JOBS, JOBS, space.workspace_id)
        rows = space.session.query("SELECT j.job_id FROM intake.jobs AS j WHERE j.workspace_id = ?;", space.workspace_id)
        expected = {r["job_id"] for r in rows}
        assert len(expected) == JOBS

        claimed: dict[str, list[int]] = {f"worker-{n}": [] for n in range(1, WORKERS + 1)}
        errors: list[str] = []
        start = threading.Barrier(WORKERS + 1)
        deadline = time.monotonic() + DEADLINE_SECONDS
        threads = [
            threading.Thread(
                target=_worker,
                args=(wsdb_database, space.workspace_id, name, ids, start, deadline, errors),
                name=name,
                daemon=True,
            )
            for name, ids in claimed.items()
        ]
        for worker in threads:
            worker.start()
        try:
            start.wait(timeout=60)
        except threading.BrokenBarrierError:
            pass  # a worker could not connect: it said so in errors
        began = time.perf_counter()
        for worker in threads:
            worker.join(timeout=DEADLINE_SECONDS + 30)
        elapsed = time.perf_counter() - began

        print(f"\n{WORKERS} workers, {JOBS} jobs, batch {BATCH}: {elapsed:.2f} s")
        for name, ids in claimed.items():
            print(f"  {name}: {len(ids)} jobs")

        assert errors == []
        assert not any(worker.is_alive() for worker in threads)
        every = [job_id for ids in claimed.values() for job_id in ids]
        assert len(every) == len(set(every)), f"{len(every) - len(set(every))} job(s) handed to two workers"
        assert set(every) == expected
        state = space.session.query(
            "SELECT COUNT(*) AS total, COUNT(CASE WHEN j.status = 'succeeded' THEN 1 END) AS succeeded, "
            "MIN(j.attempts) AS fewest_attempts, MAX(j.attempts) AS most_attempts, COUNT(j.locked_by) AS still_locked "
            "FROM intake.jobs AS j WHERE j.workspace_id = ?;",
            space.workspace_id,
        )[0]
        assert state == {"total": JOBS, "succeeded": JOBS, "fewest_attempts": 1, "most_attempts": 1, "still_locked": 0}
        audit = space.session.query(
            "SELECT a.type, COUNT(*) AS events, COUNT(DISTINCT a.job_id) AS jobs FROM intake.audit_events AS a "
            "WHERE a.workspace_id = ? GROUP BY a.type ORDER BY a.type;",
            space.workspace_id,
        )
        assert audit == [
            {"type": "job.claimed", "events": JOBS, "jobs": JOBS},
            {"type": "job.succeeded", "events": JOBS, "jobs": JOBS},
        ]


def test_a_stale_attempt_cannot_heartbeat_complete_or_fail_the_job_once_it_was_claimed_again(db):
    def reclaimed_and_claimed_again() -> int:
        """A job claimed by w1 (attempt 1), reclaimed after its lease, and claimed by w1 again (attempt 2)."""
        workspace_id = workspace(db)
        job_id = enqueued_id(db, workspace_id)
        [first] = claim(db, "w1", batch_size=1, workspace_id=workspace_id)
        assert (first["job_id"], first["attempts"]) == (job_id, 1)
        expire_lease(db, job_id)
        reclaim(db, batch_size=2000)
        [second] = claim(db, "w1", batch_size=1, workspace_id=workspace_id)
        assert (second["job_id"], second["attempts"]) == (job_id, 2)
        return job_id

    for call, number in ((heartbeat, 50218), (complete, 50221), (fail, 50224)):
        job_id = reclaimed_and_claimed_again()
        with db.expect_error(number):
            call(db, job_id, "w1", attempt=1)

    job_id = reclaimed_and_claimed_again()
    assert complete(db, job_id, "w1", attempt=2)["status"] == "succeeded"
