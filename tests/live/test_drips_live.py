"""Nurture drips (app.sp_claim_due_drips) against a real SQL Server.

The procedure serves every org's drips at once, so each test builds its own org and looks only at that org's
claimed rows, drips and events. Times come from the server's clock: ``at(db, seconds)`` is the server's UTC now
plus an offset, cut to whole seconds so that it round-trips through datetime2 exactly. A procedure that THROWs
under ``XACT_ABORT`` rolls the test's transaction back; that a refused call wrote nothing is shown with
``IDENT_CURRENT('app.work_event')``, which a rollback does not reset.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from tests.live import workstream as ws

pytestmark = pytest.mark.live

CLAIM = "app.sp_claim_due_drips"
EMPTY_WORKER = 50080
BAD_BATCH_SIZE = 50081
CLAIM_COLUMNS = ["drip_id", "org_id", "candidate_id", "template_id", "scheduled_for", "next_run_at", "cadence_days"]
DAY = 24 * 3600


# -- helpers ----------------------------------------------------------------------------------------


def at(db, seconds: int = 0) -> datetime:
    """The server's UTC now + `seconds`, in whole seconds (at most half a second after the real time)."""
    return db.scalar(
        "SELECT DATEADD(SECOND, ?, CAST(CAST(SYSUTCDATETIME() AS datetime2(0)) AS datetime2)) AS t;", seconds
    )


def server_now(db) -> datetime:
    return db.scalar("SELECT SYSUTCDATETIME() AS now;")


def setup(db, status: str = "nurture") -> dict[str, int]:
    """An org with an email template and one candidate in `status`."""
    org_id = ws.org(db)
    return {
        "org": org_id,
        "template": ws.email_template(db, org_id),
        "candidate": ws.candidate(db, org_id, status=status),
    }


def drip(db, s: dict[str, int], candidate_id: int | None = None, **values: Any) -> int:
    row = {
        "org_id": s["org"],
        "candidate_id": candidate_id if candidate_id is not None else s["candidate"],
        "template_id": s["template"],
        "cadence_days": 7,
        "status": "active",
    }
    return ws.insert(db, "app.drip_schedule", {**row, **values}, identity="drip_id")


def drip_row(db, drip_id: int) -> dict[str, Any]:
    return db.query(
        "SELECT status, next_run_at, last_sent_at, cadence_days FROM app.drip_schedule WHERE drip_id = ?;", drip_id
    )[0]


def claim(db, worker: str = "drip-worker-1", batch_size: int = 2000) -> list[dict[str, Any]]:
    return db.run_proc(CLAIM, worker=worker, batch_size=batch_size)[-1].dicts()


def mine(rows: list[dict[str, Any]], org_id: int) -> list[dict[str, Any]]:
    return [row for row in rows if row["org_id"] == org_id]


def drip_events(db, org_id: int, drip_id: int | None = None) -> list[dict[str, Any]]:
    return ws.events(db, org_id, "drip", drip_id)


# -- claiming ---------------------------------------------------------------------------------------


def test_a_due_nurture_drip_is_claimed_once_and_its_next_run_moves_by_the_cadence(db):
    s = setup(db)
    due = at(db, -3600)
    drip_id = drip(db, s, next_run_at=due, cadence_days=7)
    before = server_now(db)

    claimed = mine(claim(db, worker="drip-worker-1"), s["org"])

    assert claimed == [
        {
            "drip_id": drip_id,
            "org_id": s["org"],
            "candidate_id": s["candidate"],
            "template_id": s["template"],
            "scheduled_for": due,
            "next_run_at": due + timedelta(days=7),
            "cadence_days": 7,
        }
    ]
    row = drip_row(db, drip_id)
    assert row["status"] == "active"
    assert row["next_run_at"] == due + timedelta(days=7)
    assert row["last_sent_at"] >= before

    events = drip_events(db, s["org"])
    assert [(e["event_name"], e["item_id"]) for e in events] == [("drip_due", drip_id)]
    payload = events[0]["payload"]
    assert {k: payload[k] for k in ("candidate_id", "template_id", "worker")} == {
        "candidate_id": s["candidate"],
        "template_id": s["template"],
        "worker": "drip-worker-1",
    }
    assert datetime.fromisoformat(payload["scheduled_for"][:19]) == due
    assert events[0]["actor_user_id"] is None

    # Claimed right after: nothing more is due.
    assert mine(claim(db, worker="drip-worker-2"), s["org"]) == []
    assert len(drip_events(db, s["org"])) == 1


def test_the_claim_returns_the_documented_columns(db):
    s = setup(db)
    drip(db, s, next_run_at=at(db, -60))

    results = db.run_proc(CLAIM, worker="drip-worker-1", batch_size=2000)

    assert results[-1].columns == CLAIM_COLUMNS


def test_a_long_overdue_drip_sends_once_and_its_next_run_counts_from_now(db):
    s = setup(db)
    due = at(db, -30 * DAY)
    drip_id = drip(db, s, next_run_at=due, cadence_days=7)
    before = server_now(db)

    claimed = mine(claim(db), s["org"])

    after = server_now(db)
    assert [(c["drip_id"], c["scheduled_for"]) for c in claimed] == [(drip_id, due)]
    next_run_at = drip_row(db, drip_id)["next_run_at"]
    assert before + timedelta(days=7) <= next_run_at <= after + timedelta(days=7)
    assert claimed[0]["next_run_at"] == next_run_at
    assert len(drip_events(db, s["org"], drip_id)) == 1
    assert mine(claim(db), s["org"]) == []  # no burst of catch-up sends


def test_a_drip_whose_next_step_is_still_due_moves_from_now_not_by_one_cadence(db):
    s = setup(db)
    due = at(db, -10 * DAY)  # + 7 days is still three days ago
    drip_id = drip(db, s, next_run_at=due, cadence_days=7)
    before = server_now(db)

    claim(db)

    assert drip_row(db, drip_id)["next_run_at"] >= before + timedelta(days=7)


@pytest.mark.parametrize("status", ["paused", "done"])
def test_paused_and_done_drips_are_not_claimed(db, status):
    s = setup(db)
    due = at(db, -3600)
    drip_id = drip(db, s, next_run_at=due, status=status)

    assert mine(claim(db), s["org"]) == []

    row = drip_row(db, drip_id)
    assert (row["status"], row["next_run_at"], row["last_sent_at"]) == (status, due, None)
    assert drip_events(db, s["org"]) == []


@pytest.mark.parametrize("status", ["new", "triaged", "on_hold"])
def test_drips_of_candidates_outside_nurture_are_neither_claimed_nor_closed(db, status):
    s = setup(db, status=status)
    due = at(db, -3600)
    drip_id = drip(db, s, next_run_at=due)

    assert mine(claim(db), s["org"]) == []

    row = drip_row(db, drip_id)
    assert (row["status"], row["next_run_at"], row["last_sent_at"]) == ("active", due, None)
    assert drip_events(db, s["org"]) == []


@pytest.mark.parametrize("status", ["promoted", "archived"])
def test_active_drips_of_promoted_and_archived_candidates_are_closed(db, status):
    s = setup(db, status=status)
    overdue = drip(db, s, next_run_at=at(db, -3600))
    later = drip(db, s, next_run_at=at(db, 5 * DAY))
    paused = drip(db, s, next_run_at=at(db, -3600), status="paused")

    assert mine(claim(db, worker="drip-worker-7"), s["org"]) == []

    assert [drip_row(db, d)["status"] for d in (overdue, later, paused)] == ["done", "done", "paused"]
    assert all(drip_row(db, d)["last_sent_at"] is None for d in (overdue, later))
    events = drip_events(db, s["org"])
    assert [(e["event_name"], e["item_id"]) for e in events] == [("drip_closed", overdue), ("drip_closed", later)]
    assert all(
        e["payload"] == {"candidate_id": s["candidate"], "candidate_status": status, "worker": "drip-worker-7"}
        for e in events
    )
    # Closed once: the next run finds nothing more to close.
    claim(db)
    assert len(drip_events(db, s["org"])) == 2


def test_a_drip_due_in_the_future_is_not_claimed(db):
    s = setup(db)
    due = at(db, 3600)
    drip_id = drip(db, s, next_run_at=due)

    assert mine(claim(db), s["org"]) == []

    row = drip_row(db, drip_id)
    assert (row["next_run_at"], row["last_sent_at"]) == (due, None)
    assert drip_events(db, s["org"]) == []


def test_a_drip_due_exactly_now_is_claimed(db):
    s = setup(db)
    drip_id = drip(db, s, next_run_at=at(db, 3600))

    # next_run_at = the server's now, then the claim in the same batch: due at (not before) the claim's now.
    results = db.execute(
        "UPDATE app.drip_schedule SET next_run_at = SYSUTCDATETIME() WHERE drip_id = ?; "
        "EXEC app.sp_claim_due_drips @worker = ?, @batch_size = ?;",
        drip_id,
        "drip-worker-1",
        2000,
    )

    assert [c["drip_id"] for c in mine(results[-1].dicts(), s["org"])] == [drip_id]


def test_due_drips_are_claimed_soonest_first_up_to_the_batch_size(db):
    s = setup(db)
    # Older than anything else in the database, so they head the queue.
    oldest = datetime(1900, 1, 1)
    third = drip(db, s, next_run_at=oldest + timedelta(days=2))
    first = drip(db, s, next_run_at=oldest)
    second = drip(db, s, next_run_at=oldest + timedelta(days=1))

    claimed = claim(db, batch_size=2)

    assert [c["drip_id"] for c in claimed] == [first, second]
    assert drip_row(db, third)["last_sent_at"] is None
    assert [c["drip_id"] for c in mine(claim(db, batch_size=2), s["org"])][:1] == [third]


def test_a_cadence_beyond_the_calendar_parks_the_drip_at_the_end_of_datetime2(db):
    s = setup(db)
    drip_id = drip(db, s, next_run_at=at(db, -3600), cadence_days=2_000_000_000)

    claimed = mine(claim(db), s["org"])

    assert [c["drip_id"] for c in claimed] == [drip_id]
    assert drip_row(db, drip_id)["next_run_at"] == datetime(9999, 12, 31)


# -- arguments --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("worker", "batch_size", "number"),
    [
        ("", 100, EMPTY_WORKER),
        ("   ", 100, EMPTY_WORKER),
        (None, 100, EMPTY_WORKER),
        ("drip-worker-1", 0, BAD_BATCH_SIZE),
        ("drip-worker-1", 2001, BAD_BATCH_SIZE),
        ("drip-worker-1", None, BAD_BATCH_SIZE),
    ],
)
def test_bad_arguments_are_refused_and_nothing_is_written(db, worker, batch_size, number):
    s = setup(db)
    drip(db, s, next_run_at=at(db, -7200))
    claim(db)  # one event written, so the outbox's identity counter tells whether another one was attempted
    drip(db, s, next_run_at=at(db, -3600))  # due: a call that got through would claim it and write an event
    marks = db.scalar("SELECT IDENT_CURRENT('app.work_event') AS mark;")

    with db.expect_error(number) as outcome:
        db.run_proc(CLAIM, worker=worker, batch_size=batch_size)

    assert outcome["rolled_back"] is True
    assert db.scalar("SELECT IDENT_CURRENT('app.work_event') AS mark;") == marks


@pytest.mark.parametrize("batch_size", [1, 2000])
def test_the_boundary_batch_sizes_are_accepted(db, batch_size):
    s = setup(db)
    drip_id = drip(db, s, next_run_at=datetime(1900, 1, 1))  # heads the queue

    claimed = claim(db, batch_size=batch_size)

    assert 1 <= len(claimed) <= batch_size
    assert claimed[0]["drip_id"] == drip_id
