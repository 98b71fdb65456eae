"""The outbox (app.work_event) against a real SQL Server: append, claim, complete, fail, reclaim (marker ``live``).

Most tests use the ``db`` fixture: everything they write is rolled back. A procedure that THROWs under
``XACT_ABORT`` rolls that transaction back too, so a test that must show a failed call *wrote nothing* works on
committed rows instead: the ``committed`` fixture gives an org created over an autocommit connection (each call
commits on its own, a refused call leaves the rows as they were) and deletes the org's rows when the test ends.
The concurrency test (the issue's acceptance test) needs committed rows as well: eight workers on eight
connections only see each other's work once it is committed.

Times are compared with the server's clock (``SYSUTCDATETIME()`` read before and after a call), never the
client's.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Callable, Iterator

import pytest

from harness.connection import SqlError, connect
from harness.pytest_plugin import LiveSession
from tests.live import workstream as ws

pytestmark = pytest.mark.live

CLAIM_COLUMNS = [
    "event_id",
    "org_id",
    "item_type",
    "item_id",
    "event_name",
    "payload_json",
    "happened_at",
    "actor_user_id",
    "retry_count",
    "max_attempts",
    "claimed_at",
    "claimed_by",
    "lease_until",
]
FAIL_COLUMNS = ["event_id", "retry_count", "max_attempts", "next_attempt_at", "dead_letter_at", "last_error"]
DEADLOCK = 1205  # docs/errors.md: the deadlock victim retries
DUPLICATE_KEY = (2601, 2627)

# -- helpers -----------------------------------------------------------------------------------------------


def server_now(session) -> Any:
    """The server's UTC clock (naive datetime)."""
    return session.scalar("SELECT SYSUTCDATETIME() AS now;")


def event(session, org_id: int, **values: Any) -> int:
    """One outbox row written directly (so a test can set any column); returns its event_id."""
    row = {"org_id": org_id, "item_type": "signal", "item_id": 1, "event_name": "outbox.test", **values}
    return ws.insert(session, "app.work_event", row, identity="event_id")


def row(session, event_id: int) -> dict[str, Any]:
    rows = session.query("SELECT * FROM app.work_event WHERE event_id = ?;", event_id)
    assert len(rows) == 1, f"event {event_id} not found"
    return rows[0]


def append(session, org_id: int, item_type: str = "signal", item_id: int | None = 1, event_name: str = "outbox.test",
           **params: Any) -> int:
    """sp_append_work_event; returns the @event_id it hands back through its OUTPUT parameter."""
    names = ["org_id", "item_type", "item_id", "event_name", *params]
    values = [org_id, item_type, item_id, event_name, *params.values()]
    arguments = ", ".join(f"@{name} = ?" for name in names)
    sql = (
        "DECLARE @event_id bigint; "
        f"EXEC app.sp_append_work_event {arguments}, @event_id = @event_id OUTPUT; "
        "SELECT @event_id AS event_id;"
    )
    results = session.execute(sql, *values)
    return results[-1].rows[0][0]


def claim(session, worker: str | None, **params: Any) -> list[dict[str, Any]]:
    return session.run_proc("app.sp_claim_work_events", worker=worker, **params)[-1].dicts()


def claimed_ids(session, worker: str, **params: Any) -> list[int]:
    return [r["event_id"] for r in claim(session, worker, **params)]


def complete(session, worker: str | None, event_ids: Any) -> int:
    text = event_ids if isinstance(event_ids, str) or event_ids is None else json.dumps(list(event_ids))
    rows = session.run_proc("app.sp_complete_work_events", worker=worker, event_ids=text)[-1].dicts()
    assert len(rows) == 1
    return rows[0]["completed"]


def fail(session, worker: str | None, event_id: int | None, error: str | None = "boom", **params: Any) -> dict[str, Any]:
    rows = session.run_proc("app.sp_fail_work_event", worker=worker, event_id=event_id, error=error, **params)[-1].dicts()
    assert len(rows) == 1
    return rows[0]


def reclaim(session, **params: Any) -> dict[str, Any]:
    rows = session.run_proc("app.sp_reclaim_work_events", **params)[-1].dicts()
    assert len(rows) == 1
    return rows[0]


def make_claimable(session, event_id: int) -> None:
    """Skip the rest of a retry backoff (the test does not wait 30 s)."""
    session.execute("UPDATE app.work_event SET next_attempt_at = DATEADD(SECOND, -1, SYSUTCDATETIME()) WHERE event_id = ?;",
                    event_id)


def expire_lease(session, event_id: int) -> None:
    """Move a claim into the past so that its lease has run out."""
    session.execute(
        "UPDATE app.work_event SET claimed_at = DATEADD(MINUTE, -10, SYSUTCDATETIME()), "
        "lease_until = DATEADD(MINUTE, -5, SYSUTCDATETIME()) WHERE event_id = ?;",
        event_id,
    )


@contextlib.contextmanager
def raises_sql(number: int) -> Iterator[dict]:
    """Like ``db.expect_error`` for an autocommit session (which has no test transaction to reopen)."""
    outcome: dict = {}
    with pytest.raises(SqlError) as caught:
        yield outcome
    outcome["error"] = caught.value
    assert caught.value.number == number, f"expected error {number}, got {caught.value.text()}"


NEW_ORG = (
    "INSERT INTO core.org (org_id, name) OUTPUT inserted.org_id "
    "SELECT COALESCE(MAX(o.org_id), 0) + 1, ? FROM core.org AS o WITH (UPDLOCK, HOLDLOCK);"
)


def create_org(session: LiveSession, name: str, attempts: int = 5) -> int:
    """A committed org above every id in use: MAX + 1 read and inserted in one statement, retried on a collision."""
    for attempt in range(attempts):
        try:
            return session.scalar(NEW_ORG, name)
        except SqlError as error:
            if error.number not in (*DUPLICATE_KEY, DEADLOCK) or attempt == attempts - 1:
                raise
            time.sleep(0.1 * (attempt + 1))
    raise AssertionError("unreachable")


@dataclass
class CommittedOrg:
    """An org whose rows are committed: ``session`` is autocommit, every statement commits on its own."""

    session: LiveSession
    org_id: int


@contextlib.contextmanager
def committed_org(url, name: str) -> Iterator[CommittedOrg]:
    connection = connect(url)
    session = LiveSession(connection)
    org_id = None
    try:
        org_id = create_org(session, name)
        yield CommittedOrg(session, org_id)
    finally:
        try:
            if org_id is not None:
                connection.execute("IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION;")
                connection.execute("DELETE FROM app.work_event WHERE org_id = ?;", (org_id,))
                connection.execute("DELETE FROM core.user_account WHERE org_id = ?;", (org_id,))
                connection.execute("DELETE FROM core.org WHERE org_id = ?;", (org_id,))
        finally:
            connection.close()


@pytest.fixture
def committed(wsdb_database) -> Iterator[CommittedOrg]:
    """A committed org for tests that must show a refused call wrote nothing; its rows are deleted afterwards."""
    with committed_org(wsdb_database, "Outbox test org (committed)") as org:
        yield org


# -- sp_append_work_event ----------------------------------------------------------------------------------


def test_append_writes_one_unclaimed_event_with_the_defaults(db):
    org_id = ws.org(db)
    before = server_now(db)

    event_id = append(db, org_id, "pursuit", 42, "pursuit.stage_changed")

    after = server_now(db)
    [stored] = ws.events(db, org_id)
    assert stored["event_id"] == event_id
    assert (stored["item_type"], stored["item_id"], stored["event_name"]) == ("pursuit", 42, "pursuit.stage_changed")
    assert stored["payload_json"] is None and stored["actor_user_id"] is None
    assert (stored["retry_count"], stored["max_attempts"]) == (0, 5)
    assert before <= stored["happened_at"] <= after
    for column in ("claimed_at", "claimed_by", "lease_until", "processed_at", "dead_letter_at", "next_attempt_at",
                   "last_error"):
        assert stored[column] is None, column


def test_append_stores_the_payload_the_actor_and_max_attempts_it_is_given(db):
    org_id = ws.org(db)
    user_id = ws.user(db, org_id)

    event_id = append(db, org_id, "signal", 7, "signal.received", payload_json='{"source": "email"}',
                      actor_user_id=user_id, max_attempts=2)

    stored = row(db, event_id)
    assert json.loads(stored["payload_json"]) == {"source": "email"}
    assert (stored["actor_user_id"], stored["max_attempts"]) == (user_id, 2)


APPEND_ERRORS = [
    pytest.param(50020, {"org_id": -1}, id="50020-unknown-org"),
    pytest.param(50021, {"item_type": "invoice"}, id="50021-bad-item-type"),
    pytest.param(50021, {"item_type": None}, id="50021-no-item-type"),
    pytest.param(50022, {"item_id": None}, id="50022-no-item-id"),
    pytest.param(50022, {"event_name": "   "}, id="50022-empty-event-name"),
    pytest.param(50023, {"payload_json": "not json"}, id="50023-payload-not-json"),
    pytest.param(50023, {"payload_json": "42"}, id="50023-payload-a-scalar"),
    pytest.param(50024, {"actor_user_id": -1}, id="50024-actor-not-a-user"),
    pytest.param(50025, {"max_attempts": 0}, id="50025-max-attempts-below-1"),
]


@pytest.mark.parametrize(("number", "overrides"), APPEND_ERRORS)
def test_append_with_a_bad_argument_raises_its_error_and_writes_nothing(committed, number, overrides):
    session, org_id = committed.session, committed.org_id
    arguments = {"org_id": org_id, "item_type": "signal", "item_id": 1, "event_name": "outbox.test", **overrides}

    with raises_sql(number):
        append(session, **arguments)

    assert ws.count(session, "app.work_event", "org_id IN (?, ?)", org_id, arguments["org_id"]) == 0


def test_an_actor_of_another_org_is_refused_with_50024(db):
    org_id, other_org = ws.org(db), ws.org(db)
    stranger = ws.user(db, other_org)

    with db.expect_error(50024):
        append(db, org_id, actor_user_id=stranger)


# -- sp_claim_work_events ----------------------------------------------------------------------------------


def test_claim_hands_out_the_oldest_events_first_up_to_the_batch_size(db):
    org_id = ws.org(db)
    ids = [event(db, org_id, item_id=n) for n in range(5)]

    first = claimed_ids(db, "w1", batch_size=3, org_id=org_id)
    second = claimed_ids(db, "w1", batch_size=3, org_id=org_id)
    third = claimed_ids(db, "w1", batch_size=3, org_id=org_id)

    assert first == ids[:3]
    assert second == ids[3:]
    assert third == []


def test_claim_returns_the_events_columns_and_records_claim_and_lease(db):
    org_id = ws.org(db)
    event_id = event(db, org_id, payload_json='{"n": 1}', max_attempts=3)
    before = server_now(db)

    [claimed] = claim(db, "worker-a", lease_seconds=120, org_id=org_id)

    after = server_now(db)
    assert list(claimed) == CLAIM_COLUMNS
    assert claimed["event_id"] == event_id and claimed["org_id"] == org_id
    assert (claimed["payload_json"], claimed["retry_count"], claimed["max_attempts"]) == ('{"n": 1}', 0, 3)
    assert claimed["claimed_by"] == "worker-a"
    assert before <= claimed["claimed_at"] <= after
    assert claimed["lease_until"] == claimed["claimed_at"] + timedelta(seconds=120)
    stored = row(db, event_id)
    assert (stored["claimed_at"], stored["claimed_by"], stored["lease_until"]) == (
        claimed["claimed_at"], "worker-a", claimed["lease_until"]
    )
    assert stored["processed_at"] is None


def test_claim_uses_a_five_minute_lease_and_batches_of_100_by_default(db):
    org_id = ws.org(db)
    for n in range(101):
        event(db, org_id, item_id=n)

    rows = claim(db, "w1", org_id=org_id)

    assert len(rows) == 100
    assert all(r["lease_until"] == r["claimed_at"] + timedelta(seconds=300) for r in rows)


def test_a_claimed_event_is_not_claimed_again_by_another_worker(db):
    org_id = ws.org(db)
    event_id = event(db, org_id)
    assert claimed_ids(db, "w1", org_id=org_id) == [event_id]

    assert claim(db, "w2", org_id=org_id) == []
    assert claim(db, "w1", org_id=org_id) == []
    assert row(db, event_id)["claimed_by"] == "w1"


def test_an_event_is_claimed_once_its_backoff_has_passed_and_not_before(db):
    org_id = ws.org(db)
    waiting = event(db, org_id, item_id=1)
    due_earlier = event(db, org_id, item_id=2)
    due_now = event(db, org_id, item_id=3)
    db.execute("UPDATE app.work_event SET next_attempt_at = DATEADD(MINUTE, 5, SYSUTCDATETIME()) WHERE event_id = ?;",
               waiting)
    db.execute("UPDATE app.work_event SET next_attempt_at = DATEADD(SECOND, -5, SYSUTCDATETIME()) WHERE event_id = ?;",
               due_earlier)
    db.execute("UPDATE app.work_event SET next_attempt_at = SYSUTCDATETIME() WHERE event_id = ?;", due_now)

    assert claimed_ids(db, "w1", batch_size=10, org_id=org_id) == [due_earlier, due_now]
    assert row(db, waiting)["claimed_at"] is None


def test_claim_with_an_org_takes_only_that_orgs_events(db):
    org_a, org_b = ws.org(db), ws.org(db)
    a1 = event(db, org_a)
    b1 = event(db, org_b)
    a2 = event(db, org_a)

    assert claimed_ids(db, "w1", batch_size=10, org_id=org_b) == [b1]
    assert claimed_ids(db, "w1", batch_size=10, org_id=org_a) == [a1, a2]


def test_claim_without_an_org_takes_every_orgs_events(db):
    org_a, org_b = ws.org(db), ws.org(db)
    mine = {event(db, org_a), event(db, org_b)}
    # Every claimable event of the database (committed rows of other tests included), so the batch reaches ours.
    claimable = db.scalar(
        "SELECT COUNT(*) AS n FROM app.work_event AS e WITH (READPAST) WHERE e.processed_at IS NULL "
        "AND e.dead_letter_at IS NULL AND e.claimed_at IS NULL "
        "AND (e.next_attempt_at IS NULL OR e.next_attempt_at <= SYSUTCDATETIME());"
    )
    assert claimable <= 2000, f"{claimable} claimable events in the test database; expected a handful"

    got = set(claimed_ids(db, "w1", batch_size=claimable))

    assert mine <= got


def test_claim_accepts_the_boundary_arguments(db):
    org_id = ws.org(db)
    event_id = event(db, org_id)

    assert claimed_ids(db, "w" * 64, batch_size=2000, lease_seconds=86400, org_id=org_id) == [event_id]
    db.execute("UPDATE app.work_event SET claimed_at = NULL, claimed_by = NULL, lease_until = NULL WHERE event_id = ?;",
               event_id)
    [claimed] = claim(db, "w", batch_size=1, lease_seconds=1, org_id=org_id)
    assert claimed["lease_until"] == claimed["claimed_at"] + timedelta(seconds=1)


CLAIM_ERRORS = [
    pytest.param(50030, {"worker": None}, id="50030-no-worker"),
    pytest.param(50030, {"worker": ""}, id="50030-empty-worker"),
    pytest.param(50030, {"worker": "   "}, id="50030-blank-worker"),
    pytest.param(50031, {"batch_size": 0}, id="50031-batch-0"),
    pytest.param(50031, {"batch_size": 2001}, id="50031-batch-2001"),
    pytest.param(50031, {"batch_size": None}, id="50031-batch-null"),
    pytest.param(50031, {"lease_seconds": 0}, id="50031-lease-0"),
    pytest.param(50031, {"lease_seconds": 86401}, id="50031-lease-over-a-day"),
    pytest.param(50031, {"lease_seconds": None}, id="50031-lease-null"),
    pytest.param(50032, {"org_id": -1}, id="50032-unknown-org"),
]


@pytest.mark.parametrize(("number", "overrides"), CLAIM_ERRORS)
def test_claim_with_a_bad_argument_raises_its_error_and_claims_nothing(committed, number, overrides):
    session, org_id = committed.session, committed.org_id
    event_id = event(session, org_id)
    arguments = {"worker": "w1", "batch_size": 10, "lease_seconds": 60, "org_id": org_id, **overrides}

    with raises_sql(number):
        claim(session, **arguments)

    stored = row(session, event_id)
    assert (stored["claimed_at"], stored["claimed_by"], stored["lease_until"]) == (None, None, None)
    assert claimed_ids(session, "w1", org_id=org_id) == [event_id]  # still claimable


# -- sp_complete_work_events -------------------------------------------------------------------------------


def test_complete_marks_each_listed_event_processed_and_returns_the_count(db):
    org_id = ws.org(db)
    ids = [event(db, org_id, item_id=n) for n in range(3)]
    claimed = claim(db, "w1", batch_size=3, org_id=org_id)
    before = server_now(db)

    assert complete(db, "w1", ids[:2]) == 2

    after = server_now(db)
    for event_id, claimed_row in zip(ids[:2], claimed):
        stored = row(db, event_id)
        assert before <= stored["processed_at"] <= after
        assert (stored["claimed_by"], stored["claimed_at"]) == ("w1", claimed_row["claimed_at"])  # kept for the record
    assert row(db, ids[2])["processed_at"] is None
    db.execute("UPDATE app.work_event SET claimed_at = NULL, claimed_by = NULL, lease_until = NULL WHERE org_id = ?;",
               org_id)
    assert claimed_ids(db, "w2", batch_size=10, org_id=org_id) == [ids[2]]  # processed events are never handed out


def test_complete_of_an_event_held_by_another_worker_throws_and_completes_none(committed):
    session, org_id = committed.session, committed.org_id
    mine = event(session, org_id, item_id=1)
    theirs = event(session, org_id, item_id=2)
    assert claimed_ids(session, "w1", batch_size=1, org_id=org_id) == [mine]
    assert claimed_ids(session, "w2", batch_size=1, org_id=org_id) == [theirs]

    with raises_sql(50035) as outcome:
        complete(session, "w1", [mine, theirs])

    message = outcome["error"].message
    assert "1 of 2" in message and str(theirs) in message and "w1" in message
    assert row(session, mine)["processed_at"] is None
    assert row(session, theirs)["processed_at"] is None
    assert complete(session, "w1", [mine]) == 1


def test_completing_an_event_twice_throws_and_keeps_the_first_completion(committed):
    session, org_id = committed.session, committed.org_id
    event_id = event(session, org_id)
    claim(session, "w1", org_id=org_id)
    assert complete(session, "w1", [event_id]) == 1
    first = row(session, event_id)["processed_at"]

    with raises_sql(50035):
        complete(session, "w1", [event_id])

    assert row(session, event_id)["processed_at"] == first


def test_complete_after_the_lease_ran_out_is_accepted_while_nobody_reclaimed_the_event(db):
    org_id = ws.org(db)
    event_id = event(db, org_id)
    claim(db, "w1", org_id=org_id)
    expire_lease(db, event_id)

    assert complete(db, "w1", [event_id]) == 1
    assert row(db, event_id)["processed_at"] is not None


def test_complete_after_a_reclaim_throws(db):
    org_id = ws.org(db)
    event_id = event(db, org_id)
    claim(db, "w1", org_id=org_id)
    expire_lease(db, event_id)
    reclaim(db)
    assert row(db, event_id)["claimed_by"] is None

    with db.expect_error(50035):
        complete(db, "w1", [event_id])


def test_complete_of_a_dead_lettered_event_throws(db):
    org_id = ws.org(db)
    event_id = event(db, org_id, max_attempts=1)
    claim(db, "w1", org_id=org_id)
    assert fail(db, "w1", event_id)["dead_letter_at"] is not None

    with db.expect_error(50035):
        complete(db, "w1", [event_id])


def test_the_refusal_names_at_most_ten_ids_and_how_many_there_are(db):
    org_id = ws.org(db)
    held = event(db, org_id)
    claim(db, "w1", org_id=org_id)
    unknown = [held + 1_000_000 + n for n in range(15)]

    with db.expect_error(50035) as outcome:
        complete(db, "w1", [held, *unknown])

    message = outcome["error"].message
    assert "15 of 16" in message
    assert all(str(n) in message for n in unknown[:10])
    assert not any(str(n) in message for n in unknown[10:])
    assert "..." in message and len(message) < 600


def test_complete_counts_a_repeated_id_once_and_an_empty_array_completes_nothing(db):
    org_id = ws.org(db)
    event_id = event(db, org_id)
    claim(db, "w1", org_id=org_id)

    assert complete(db, "w1", "[]") == 0
    assert row(db, event_id)["processed_at"] is None
    assert complete(db, "w1", f"[{event_id}, {event_id}]") == 1
    assert row(db, event_id)["processed_at"] is not None


COMPLETE_ERRORS = [
    pytest.param(50033, None, "[{id}]", id="50033-no-worker"),
    pytest.param(50033, "", "[{id}]", id="50033-empty-worker"),
    pytest.param(50034, "w1", None, id="50034-null"),
    pytest.param(50034, "w1", "", id="50034-empty-text"),
    pytest.param(50034, "w1", "{id}", id="50034-a-bare-number"),
    pytest.param(50034, "w1", '{{"event_id": {id}}}', id="50034-an-object"),
    pytest.param(50034, "w1", "[{id},", id="50034-not-json"),
    pytest.param(50034, "w1", '[{id}, "{id}"]', id="50034-a-string-id"),
    pytest.param(50034, "w1", "[{id}, 1.5]", id="50034-a-fraction"),
    pytest.param(50034, "w1", "[{id}, 0]", id="50034-zero"),
    pytest.param(50034, "w1", "[{id}, -3]", id="50034-negative"),
    pytest.param(50034, "w1", "[{id}, null]", id="50034-null-element"),
    pytest.param(50034, "w1", "[{id}, [{id}]]", id="50034-nested-array"),
    pytest.param(50034, "w1", "[{id}, 99999999999999999999]", id="50034-beyond-bigint"),
]


@pytest.mark.parametrize(("number", "worker", "template"), COMPLETE_ERRORS)
def test_complete_with_a_bad_argument_raises_its_error_and_completes_nothing(committed, number, worker, template):
    session, org_id = committed.session, committed.org_id
    event_id = event(session, org_id)
    claim(session, "w1", org_id=org_id)
    text = None if template is None else template.format(id=event_id)

    with raises_sql(number):
        complete(session, worker, text)

    assert row(session, event_id)["processed_at"] is None
    assert complete(session, "w1", [event_id]) == 1  # still held, still completable


# -- sp_fail_work_event ------------------------------------------------------------------------------------


def _fail_and_check_backoff(db, org_id: int, event_id: int, attempt: int, delay: int, **params: Any) -> None:
    make_claimable(db, event_id)
    assert claimed_ids(db, "w1", org_id=org_id) == [event_id]
    before = server_now(db)

    state = fail(db, "w1", event_id, f"attempt {attempt} failed", **params)

    after = server_now(db)
    assert list(state) == FAIL_COLUMNS
    assert (state["event_id"], state["retry_count"], state["dead_letter_at"]) == (event_id, attempt, None)
    assert state["last_error"] == f"attempt {attempt} failed"
    assert before + timedelta(seconds=delay) <= state["next_attempt_at"] <= after + timedelta(seconds=delay), attempt
    stored = row(db, event_id)
    assert (stored["claimed_at"], stored["claimed_by"], stored["lease_until"]) == (None, None, None)
    assert (stored["retry_count"], stored["next_attempt_at"], stored["last_error"]) == (
        attempt, state["next_attempt_at"], state["last_error"]
    )


def test_fail_releases_the_claim_and_doubles_the_backoff_up_to_its_cap(db):
    org_id = ws.org(db)
    event_id = event(db, org_id, max_attempts=10)

    for attempt, delay in enumerate([30, 60, 100, 100], start=1):
        _fail_and_check_backoff(db, org_id, event_id, attempt, delay, backoff_seconds=30, max_backoff_seconds=100)


def test_fail_waits_30_then_60_then_120_seconds_by_default(db):
    org_id = ws.org(db)
    event_id = event(db, org_id)

    for attempt, delay in enumerate([30, 60, 120], start=1):
        _fail_and_check_backoff(db, org_id, event_id, attempt, delay)


def test_fail_caps_the_backoff_without_overflow_after_many_retries(db):
    org_id = ws.org(db)
    event_id = event(db, org_id, max_attempts=100, retry_count=60)

    _fail_and_check_backoff(db, org_id, event_id, 61, 3600)


def test_fail_with_no_backoff_makes_the_event_claimable_at_once(db):
    org_id = ws.org(db)
    event_id = event(db, org_id)
    claim(db, "w1", org_id=org_id)

    fail(db, "w1", event_id, backoff_seconds=0, max_backoff_seconds=0)

    assert claimed_ids(db, "w2", org_id=org_id) == [event_id]


def test_fail_dead_letters_exactly_at_max_attempts_and_keeps_the_claim_for_the_post_mortem(db):
    org_id = ws.org(db)
    event_id = event(db, org_id, max_attempts=2)
    claim(db, "w1", org_id=org_id)

    first = fail(db, "w1", event_id, "first")
    assert (first["retry_count"], first["dead_letter_at"]) == (1, None)
    assert first["next_attempt_at"] is not None

    make_claimable(db, event_id)
    [claimed] = claim(db, "w2", org_id=org_id)
    before = server_now(db)
    second = fail(db, "w2", event_id, "second")
    after = server_now(db)

    assert (second["retry_count"], second["max_attempts"], second["last_error"]) == (2, 2, "second")
    assert before <= second["dead_letter_at"] <= after
    assert second["next_attempt_at"] is None
    stored = row(db, event_id)
    assert (stored["claimed_by"], stored["claimed_at"], stored["lease_until"]) == (
        "w2", claimed["claimed_at"], claimed["lease_until"]
    )
    assert stored["processed_at"] is None


def test_a_dead_lettered_event_is_never_claimed_or_reclaimed_again(db):
    org_id = ws.org(db)
    event_id = event(db, org_id, max_attempts=1)
    claim(db, "w1", org_id=org_id)
    fail(db, "w1", event_id, "gave up")
    expire_lease(db, event_id)
    dead = row(db, event_id)

    assert claim(db, "w2", batch_size=10, org_id=org_id) == []
    reclaim(db)
    assert row(db, event_id) == dead
    # Even with the claim cleared by hand, dead_letter_at alone keeps it out of every claim.
    db.execute("UPDATE app.work_event SET claimed_at = NULL, claimed_by = NULL, lease_until = NULL WHERE event_id = ?;",
               event_id)
    assert claim(db, "w2", batch_size=10, org_id=org_id) == []


@pytest.mark.parametrize("situation", ["unclaimed", "processed", "dead-lettered", "unknown"])
def test_fail_of_an_event_the_worker_does_not_hold_throws_50038(db, situation):
    org_id = ws.org(db)
    event_id = event(db, org_id, max_attempts=1)
    if situation != "unclaimed":
        claim(db, "w1", org_id=org_id)
    if situation == "processed":
        complete(db, "w1", [event_id])
    elif situation == "dead-lettered":
        fail(db, "w1", event_id)
    elif situation == "unknown":
        event_id += 1_000_000

    with db.expect_error(50038) as outcome:
        fail(db, "w1", event_id)

    assert str(event_id) in outcome["error"].message


def test_fail_of_an_event_held_by_another_worker_throws_and_changes_nothing(committed):
    session, org_id = committed.session, committed.org_id
    event_id = event(session, org_id)
    claim(session, "w2", org_id=org_id)
    before = row(session, event_id)

    with raises_sql(50038):
        fail(session, "w1", event_id)

    assert row(session, event_id) == before


FAIL_ERRORS = [
    pytest.param(50036, {"worker": ""}, id="50036-empty-worker"),
    pytest.param(50036, {"worker": None}, id="50036-no-worker"),
    pytest.param(50036, {"error": None}, id="50036-no-error"),
    pytest.param(50036, {"error": "  "}, id="50036-blank-error"),
    pytest.param(50037, {"backoff_seconds": -1}, id="50037-negative-backoff"),
    pytest.param(50037, {"backoff_seconds": None}, id="50037-null-backoff"),
    pytest.param(50037, {"backoff_seconds": 60, "max_backoff_seconds": 30}, id="50037-cap-below-backoff"),
    pytest.param(50037, {"max_backoff_seconds": 2592001}, id="50037-cap-over-30-days"),
]


@pytest.mark.parametrize(("number", "overrides"), FAIL_ERRORS)
def test_fail_with_a_bad_argument_raises_its_error_and_changes_nothing(committed, number, overrides):
    session, org_id = committed.session, committed.org_id
    event_id = event(session, org_id)
    claim(session, "w1", org_id=org_id)
    before = row(session, event_id)
    arguments = {"worker": "w1", "event_id": event_id, "error": "boom", **overrides}

    with raises_sql(number):
        fail(session, **arguments)

    assert row(session, event_id) == before


# -- sp_reclaim_work_events --------------------------------------------------------------------------------

EXPIRED_NOW = (
    "SELECT COUNT(CASE WHEN e.retry_count < e.max_attempts - 1 THEN 1 END) AS released, "
    "COUNT(CASE WHEN e.retry_count >= e.max_attempts - 1 THEN 1 END) AS dead_lettered "
    "FROM app.work_event AS e WHERE e.processed_at IS NULL AND e.dead_letter_at IS NULL AND e.claimed_at IS NOT NULL "
    "AND (e.lease_until IS NULL OR e.lease_until <= SYSUTCDATETIME());"
)


def test_reclaim_releases_an_expired_lease_counts_an_attempt_and_leaves_a_live_one_alone(db):
    org_id = ws.org(db)
    expired = event(db, org_id, item_id=1)
    live = event(db, org_id, item_id=2)
    claim(db, "w1", batch_size=1, org_id=org_id)
    claim(db, "w2", batch_size=1, lease_seconds=300, org_id=org_id)
    expire_lease(db, expired)
    live_before = row(db, live)
    expected = db.query(EXPIRED_NOW)[0]  # every expired claim in the database: ours, and any committed by others

    result = reclaim(db)

    assert result == expected and result["released"] >= 1
    stored = row(db, expired)
    assert (stored["claimed_at"], stored["claimed_by"], stored["lease_until"]) == (None, None, None)
    assert (stored["retry_count"], stored["dead_letter_at"], stored["next_attempt_at"]) == (1, None, None)
    assert stored["last_error"] == "lease expired; worker w1 did not finish"
    assert row(db, live) == live_before
    assert claimed_ids(db, "w3", batch_size=10, org_id=org_id) == [expired]  # claimable again at once


def test_reclaim_dead_letters_an_event_whose_attempts_run_out(db):
    org_id = ws.org(db)
    event_id = event(db, org_id, max_attempts=3, retry_count=2)
    [claimed] = claim(db, "w1", org_id=org_id)
    expire_lease(db, event_id)
    held = row(db, event_id)
    before = server_now(db)

    result = reclaim(db)

    after = server_now(db)
    assert result["dead_lettered"] >= 1
    stored = row(db, event_id)
    assert before <= stored["dead_letter_at"] <= after
    assert stored["retry_count"] == 3
    assert stored["last_error"] == "lease expired; worker w1 did not finish"
    assert (stored["claimed_by"], stored["claimed_at"], stored["lease_until"]) == (
        "w1", held["claimed_at"], held["lease_until"]
    )
    assert claimed["event_id"] == event_id
    assert claim(db, "w2", org_id=org_id) == []


def test_reclaim_takes_back_a_claim_made_before_leases_existed(db):
    org_id = ws.org(db)
    event_id = event(db, org_id, claimed_by="legacy-worker", claimed_at=ws.hours_ago(1))
    assert row(db, event_id)["lease_until"] is None

    reclaim(db)

    stored = row(db, event_id)
    assert (stored["claimed_at"], stored["claimed_by"], stored["retry_count"]) == (None, None, 1)
    assert stored["last_error"] == "lease expired; worker legacy-worker did not finish"


def test_reclaim_leaves_a_claim_whose_lease_has_not_run_out_alone(db):
    org_id = ws.org(db)
    event_id = event(db, org_id)
    claim(db, "w1", lease_seconds=60, org_id=org_id)
    before = row(db, event_id)
    expected = db.query(EXPIRED_NOW)[0]

    assert reclaim(db) == expected
    assert row(db, event_id) == before


@pytest.mark.parametrize("batch_size", [0, 2001, None])
def test_reclaim_refuses_a_batch_size_out_of_range(db, batch_size):
    with db.expect_error(50039):
        reclaim(db, batch_size=batch_size)


# -- concurrency (committed rows, one connection per worker) -----------------------------------------------

WORKERS = 8
EVENTS = 2000
BATCH = 50
DEADLINE_SECONDS = 300

LOAD_EVENTS = (
    "WITH numbers AS ("
    " SELECT TOP (?) ROW_NUMBER() OVER (ORDER BY (SELECT NULL)) AS n"
    " FROM sys.all_objects AS a CROSS JOIN sys.all_objects AS b"
    ") "
    "INSERT INTO app.work_event (org_id, item_type, item_id, event_name, payload_json) "
    "SELECT ?, 'signal', numbers.n, 'outbox.concurrency', CONCAT(N'{\"n\":', numbers.n, N'}') FROM numbers;"
)
CLAIMABLE_LEFT = (
    "SELECT COUNT(*) AS n FROM app.work_event AS e WHERE e.org_id = ? AND e.processed_at IS NULL "
    "AND e.dead_letter_at IS NULL AND e.claimed_at IS NULL;"
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


def _worker(url, org_id: int, name: str, claimed: list[int], start: threading.Barrier, deadline: float,
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
            rows = _retrying(lambda: claim(session, name, batch_size=BATCH, org_id=org_id))
            if not rows:
                # Nothing for us: done when nothing is claimable any more, else the rest was locked a moment ago.
                if session.scalar(CLAIMABLE_LEFT, org_id) == 0:
                    return
                time.sleep(0.02)
                continue
            ids = [r["event_id"] for r in rows]
            claimed.extend(ids)
            completed = _retrying(lambda: complete(session, name, ids))
            if completed != len(ids):
                errors.append(f"{name}: completed {completed} of {len(ids)} claimed events")
        errors.append(f"{name}: still working after {DEADLINE_SECONDS} s")
    except Exception as error:  # noqa: BLE001 - reported by the test
        errors.append(f"{name}: {type(error).__name__}: {error}")
    finally:
        connection.close()


def test_eight_workers_claiming_2000_events_process_every_event_exactly_once(wsdb_database):
    with committed_org(wsdb_database, "Outbox concurrency test org") as org:
        org.session.execute(LOAD_EVENTS, EVENTS, org.org_id)
        expected = {r["event_id"] for r in org.session.query("SELECT e.event_id FROM app.work_event AS e WHERE e.org_id = ?;",
                                                              org.org_id)}
        assert len(expected) == EVENTS

        claimed: dict[str, list[int]] = {f"worker-{n}": [] for n in range(1, WORKERS + 1)}
        errors: list[str] = []
        start = threading.Barrier(WORKERS + 1)
        deadline = time.monotonic() + DEADLINE_SECONDS
        threads = [
            threading.Thread(target=_worker, args=(wsdb_database, org.org_id, name, ids, start, deadline, errors),
                             name=name, daemon=True)
            for name, ids in claimed.items()
        ]
        for thread in threads:
            thread.start()
        try:
            start.wait(timeout=60)
        except threading.BrokenBarrierError:
            pass  # a worker could not connect: it said so in errors
        began = time.perf_counter()
        for thread in threads:
            thread.join(timeout=DEADLINE_SECONDS + 30)
        elapsed = time.perf_counter() - began

        print(f"\n{WORKERS} workers, {EVENTS} events, batch {BATCH}: {elapsed:.2f} s")
        for name, ids in claimed.items():
            print(f"  {name}: {len(ids)} events")

        assert errors == []
        assert not any(thread.is_alive() for thread in threads)
        every = [event_id for ids in claimed.values() for event_id in ids]
        assert len(every) == len(set(every)), f"{len(every) - len(set(every))} event(s) handed to two workers"
        assert set(every) == expected
        state = org.session.query(
            "SELECT COUNT(*) AS total, COUNT(e.processed_at) AS processed, COUNT(e.dead_letter_at) AS dead, "
            "MAX(e.retry_count) AS most_retries FROM app.work_event AS e WHERE e.org_id = ?;",
            org.org_id,
        )[0]
        assert state == {"total": EVENTS, "processed": EVENTS, "dead": 0, "most_retries": 0}
