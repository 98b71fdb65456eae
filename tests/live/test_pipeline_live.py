"""The pursuit pipeline against a real SQL Server: promotion, stage gates, proposal versions, cost of sale, PERT.

Procedures: app.sp_promote_candidate, app.sp_advance_pursuit_stage, app.sp_add_proposal_version,
app.sp_add_cos_entry, app.sp_record_role_estimate; views: app.v_pursuit_role_pert, app.v_pursuit_estimate.

Every test builds its own org and looks only at that org's rows. A procedure that THROWs under ``XACT_ABORT``
rolls the test's transaction back (``outcome["rolled_back"]``), so what a test needs after a refusal it sets up
again. That a refused call *wrote nothing* is shown with the tables' identity counters: ``IDENT_CURRENT`` is not
rolled back, so an INSERT the procedure attempted before failing (even one the unique index refused) would have
moved it. The counter only tells once the table has had a row, so such tests first make a successful call.
"""

from __future__ import annotations

import json
import math
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from tests.live import workstream as ws

pytestmark = pytest.mark.live

PROMOTE = "app.sp_promote_candidate"
ADVANCE = "app.sp_advance_pursuit_stage"
ADD_PROPOSAL = "app.sp_add_proposal_version"
ADD_COS = "app.sp_add_cos_entry"
ESTIMATE = "app.sp_record_role_estimate"

# docs/errors.md: each procedure has its own numbers.
UNKNOWN_ORG = 50050  # sp_promote_candidate
USER_NOT_IN_ORG = 50051
CANDIDATE_NOT_IN_ORG = 50052
ALREADY_PROMOTED = 50053
CANDIDATE_NOT_OPEN = 50054
NEGATIVE_FORECAST = 50055
ADVANCE_UNKNOWN_ORG = 50056  # sp_advance_pursuit_stage
ADVANCE_ACTOR_NOT_IN_ORG = 50057
ADVANCE_PURSUIT_NOT_IN_ORG = 50058
MOVE_NOT_ALLOWED = 50059
GATE_NOT_PASSED = 50060
PROPOSAL_UNKNOWN_ORG = 50061  # sp_add_proposal_version
PROPOSAL_ACTOR_NOT_IN_ORG = 50062
PROPOSAL_PURSUIT_NOT_IN_ORG = 50063
PURSUIT_CLOSED = 50064
COS_UNKNOWN_ORG = 50065  # sp_add_cos_entry
COS_ACTOR_NOT_IN_ORG = 50066
COS_PURSUIT_NOT_IN_ORG = 50067
COS_EMPTY_ROLE = 50068
BAD_HOURS_OR_RATE = 50069
ESTIMATE_UNKNOWN_ORG = 50082  # sp_record_role_estimate
ESTIMATE_ACTOR_NOT_IN_ORG = 50083
ESTIMATE_PURSUIT_NOT_IN_ORG = 50084
ESTIMATE_EMPTY_ROLE = 50085
BAD_PERT_HOURS = 50086
BAD_CONFIDENCE = 50087
DUPLICATE_KEY = 2601

STAGES = ["qual", "pink", "red", "submit", "won"]
OPEN_STAGES = ["qual", "pink", "red", "submit"]


# -- helpers ----------------------------------------------------------------------------------------


def one(results) -> dict[str, Any]:
    rows = results[-1].dicts()
    assert len(rows) == 1, rows
    return rows[0]


def server_now(db):
    return db.scalar("SELECT SYSUTCDATETIME() AS now;")


def identity_marks(db, *tables: str) -> dict[str, Any]:
    """IDENT_CURRENT of each table: survives rollbacks, so it shows whether an INSERT was attempted."""
    marks = {table: db.scalar("SELECT IDENT_CURRENT(?) AS mark;", table) for table in tables}
    assert None not in marks.values(), marks
    return marks


def world(db, status: str = "triaged") -> dict[str, int]:
    """An org with an owner and one candidate of that owner."""
    org_id = ws.org(db)
    owner = ws.user(db, org_id)
    candidate_id = ws.candidate(db, org_id, status=status, owner_user_id=owner)
    return {"org": org_id, "owner": owner, "candidate": candidate_id}


def promote(db, w: dict[str, int], **params: Any) -> dict[str, Any]:
    return one(db.run_proc(PROMOTE, org_id=w["org"], candidate_id=w["candidate"], **params))


def advance(db, org_id: int, pursuit_id: int, to_stage: str, **params: Any) -> dict[str, Any]:
    return one(db.run_proc(ADVANCE, org_id=org_id, pursuit_id=pursuit_id, to_stage=to_stage, **params))


def checklist(db, org_id: int, pursuit_id: int) -> list[dict[str, Any]]:
    return db.query(
        "SELECT checklist_id, name, is_required, is_done FROM app.pursuit_checklist "
        "WHERE org_id = ? AND pursuit_id = ? ORDER BY checklist_id;",
        org_id,
        pursuit_id,
    )


def names(db, org_id: int, pursuit_id: int) -> list[str]:
    return [item["name"] for item in checklist(db, org_id, pursuit_id)]


def tick(db, org_id: int, pursuit_id: int, *item_names: str) -> None:
    """Marks the named checklist items done (every item when no name is given)."""
    if not item_names:
        db.execute(
            "UPDATE app.pursuit_checklist SET is_done = 1, done_at = SYSUTCDATETIME() "
            "WHERE org_id = ? AND pursuit_id = ? AND is_done = 0;",
            org_id,
            pursuit_id,
        )
    for name in item_names:
        db.execute(
            "UPDATE app.pursuit_checklist SET is_done = 1, done_at = SYSUTCDATETIME() "
            "WHERE org_id = ? AND pursuit_id = ? AND name = ?;",
            org_id,
            pursuit_id,
            name,
        )


def set_compliance(db, pursuit_id: int, score: Decimal | None) -> None:
    db.execute("UPDATE app.pursuit SET compliance_score = ? WHERE pursuit_id = ?;", score, pursuit_id)


def stage_of(db, pursuit_id: int) -> str:
    return db.scalar("SELECT pursuit_stage FROM app.pursuit WHERE pursuit_id = ?;", pursuit_id)


def pursuit_at(db, stage: str) -> tuple[dict[str, int], int]:
    """A promoted pursuit walked through the procedures to `stage` (gates passed on the way)."""
    w = world(db)
    pursuit_id = promote(db, w)["pursuit_id"]
    if stage == "lost":
        advance(db, w["org"], pursuit_id, "lost")
        return w, pursuit_id
    for to_stage in STAGES[1 : STAGES.index(stage) + 1]:
        tick(db, w["org"], pursuit_id)
        if to_stage == "submit":
            set_compliance(db, pursuit_id, Decimal("95.0"))
        advance(db, w["org"], pursuit_id, to_stage)
    assert stage_of(db, pursuit_id) == stage
    return w, pursuit_id


def gate_rule(stage: str, next_stage: str, items: list[str], min_score: float | None = None) -> dict[str, Any]:
    return {"stage": stage, "next_stage": next_stage, "min_compliance_score": min_score, "required_items": items}


def org_gate(db, org_id: int, stage: str, document: dict[str, Any], hours_from_now: float = -1) -> int:
    """A gate_rule config entry of the org, effective from the server's now + `hours_from_now`."""
    effective_from = server_now(db) + timedelta(hours=hours_from_now)
    return ws.config(db, org_id, "gate_rule", stage, document, effective_from=effective_from)


def shipped_items(db, stage: str) -> list[str]:
    return ws.shipped(db, "gate_rule", stage)["required_items"]


def pert(o: float, m: float, p: float) -> tuple[float, float]:
    """(expected, variance) of one three-point estimate."""
    return (o + 4 * m + p) / 6, ((p - o) / 6) ** 2


# -- sp_promote_candidate ---------------------------------------------------------------------------


def test_promoting_an_open_candidate_creates_a_qual_pursuit_and_marks_the_candidate_promoted(db):
    w = world(db)
    actor = ws.user(db, w["org"])
    before = server_now(db)

    pursuit = promote(db, w, actor_user_id=actor, due_date=date(2031, 3, 14), forecast_value_usd=Decimal("250000.00"))

    assert pursuit["org_id"] == w["org"]
    assert pursuit["candidate_id"] == w["candidate"]
    assert pursuit["pursuit_stage"] == "qual"
    assert pursuit["capture_lead_id"] == w["owner"]  # defaults to the candidate's owner
    assert pursuit["proposal_mgr_id"] is None
    assert pursuit["due_date"] == date(2031, 3, 14)
    assert pursuit["forecast_value_usd"] == Decimal("250000.00")
    assert pursuit["cos_hours"] == 0 and pursuit["cos_amount"] == 0

    candidate = db.query(
        "SELECT status, updated_at, last_touch_at FROM app.candidate WHERE candidate_id = ?;", w["candidate"]
    )[0]
    assert candidate["status"] == "promoted"
    assert candidate["updated_at"] >= before and candidate["last_touch_at"] >= before

    assert ws.count(db, "app.pursuit", "org_id = ?", w["org"]) == 1
    events = ws.events(db, w["org"])
    assert [(e["event_name"], e["item_type"], e["item_id"]) for e in events] == [
        ("candidate_promoted", "candidate", w["candidate"]),
        ("pursuit_created", "pursuit", pursuit["pursuit_id"]),
    ]
    assert events[0]["payload"] == {"pursuit_id": pursuit["pursuit_id"]}
    assert events[1]["payload"] == {"candidate_id": w["candidate"], "stage": "qual"}
    assert all(e["actor_user_id"] == actor for e in events)
    # No gate rule for 'qual' is shipped: the new pursuit's checklist starts empty.
    assert checklist(db, w["org"], pursuit["pursuit_id"]) == []


def test_promotion_takes_the_capture_lead_and_proposal_manager_it_is_given(db):
    w = world(db)
    lead, manager = ws.user(db, w["org"]), ws.user(db, w["org"])

    pursuit = promote(db, w, capture_lead_id=lead, proposal_mgr_id=manager)

    assert (pursuit["capture_lead_id"], pursuit["proposal_mgr_id"]) == (lead, manager)


@pytest.mark.parametrize("status", ["new", "triaged", "nurture", "on_hold"])
def test_every_open_status_can_be_promoted(db, status):
    w = world(db, status=status)

    promote(db, w)

    assert db.scalar("SELECT status FROM app.candidate WHERE candidate_id = ?;", w["candidate"]) == "promoted"


def test_a_second_promotion_is_refused_and_writes_nothing(db):
    w = world(db)
    first = promote(db, w)
    assert ws.count(db, "app.pursuit", "org_id = ? AND candidate_id = ?", w["org"], w["candidate"]) == 1
    assert len(ws.events(db, w["org"])) == 2
    marks = identity_marks(db, "app.pursuit", "app.work_event")

    with db.expect_error(ALREADY_PROMOTED) as outcome:
        promote(db, w)

    assert str(first["pursuit_id"]) in outcome["error"].message
    assert outcome["rolled_back"] is True
    assert identity_marks(db, "app.pursuit", "app.work_event") == marks  # no pursuit, no event was even attempted


@pytest.mark.parametrize("status", ["archived", "promoted"])
def test_a_candidate_that_is_not_open_is_refused(db, status):
    w = world(db, status=status)

    with db.expect_error(CANDIDATE_NOT_OPEN) as outcome:
        promote(db, w)

    assert status in outcome["error"].message


def test_a_candidate_of_another_org_is_refused(db):
    mine, theirs = world(db), world(db)

    with db.expect_error(CANDIDATE_NOT_IN_ORG):
        db.run_proc(PROMOTE, org_id=mine["org"], candidate_id=theirs["candidate"])


def test_an_unknown_org_is_refused(db):
    w = world(db)
    unknown = db.scalar("SELECT MAX(org_id) + 1 AS n FROM core.org;")

    with db.expect_error(UNKNOWN_ORG):
        db.run_proc(PROMOTE, org_id=unknown, candidate_id=w["candidate"])


@pytest.mark.parametrize("parameter", ["actor_user_id", "capture_lead_id", "proposal_mgr_id"])
def test_a_user_of_another_org_is_refused(db, parameter):
    w, other = world(db), world(db)

    with db.expect_error(USER_NOT_IN_ORG):
        promote(db, w, **{parameter: other["owner"]})


def test_a_negative_forecast_is_refused(db):
    w = world(db)

    with db.expect_error(NEGATIVE_FORECAST):
        promote(db, w, forecast_value_usd=Decimal("-1.00"))


def test_a_qual_gate_rule_of_the_org_seeds_the_new_pursuits_checklist_and_guards_qual(db):
    w = world(db)
    items = ["Bid/no-bid decision made", "Capture plan drafted"]
    org_gate(db, w["org"], "qual", gate_rule("qual", "pink", items))

    pursuit_id = promote(db, w)["pursuit_id"]

    seeded = checklist(db, w["org"], pursuit_id)
    assert [item["name"] for item in seeded] == items
    assert all(item["is_required"] and not item["is_done"] for item in seeded)
    with db.expect_error(GATE_NOT_PASSED) as outcome:
        advance(db, w["org"], pursuit_id, "pink")
    assert all(item in outcome["error"].message for item in items)


# -- sp_advance_pursuit_stage -----------------------------------------------------------------------


def test_qual_to_pink_is_allowed_without_required_items_and_seeds_the_shipped_pink_items(db):
    w = world(db)
    actor = ws.user(db, w["org"])
    pursuit_id = promote(db, w)["pursuit_id"]
    before = server_now(db)

    moved = advance(db, w["org"], pursuit_id, "pink", actor_user_id=actor)

    assert (moved["previous_stage"], moved["pursuit_stage"], moved["seeded_items"]) == ("qual", "pink", 4)
    assert stage_of(db, pursuit_id) == "pink"
    assert db.scalar("SELECT updated_at FROM app.pursuit WHERE pursuit_id = ?;", pursuit_id) >= before
    seeded = checklist(db, w["org"], pursuit_id)
    assert [item["name"] for item in seeded] == shipped_items(db, "pink")
    assert all(item["is_required"] and not item["is_done"] for item in seeded)
    last = ws.events(db, w["org"], "pursuit", pursuit_id)[-1]
    assert last["event_name"] == "pursuit_stage_changed"
    assert last["payload"] == {"from": "qual", "to": "pink", "seeded_items": 4}
    assert last["actor_user_id"] == actor


def test_pink_to_red_is_refused_while_a_pink_item_is_open_and_the_error_names_it(db):
    w, pursuit_id = pursuit_at(db, "pink")
    pink = shipped_items(db, "pink")
    open_item = pink[2]
    tick(db, w["org"], pursuit_id, *[name for name in pink if name != open_item])
    marks = identity_marks(db, "app.work_event", "app.pursuit_checklist")

    with db.expect_error(GATE_NOT_PASSED) as outcome:
        advance(db, w["org"], pursuit_id, "red")

    message = outcome["error"].message
    assert open_item in message
    assert all(name not in message for name in pink if name != open_item)
    assert outcome["rolled_back"] is True
    assert identity_marks(db, "app.work_event", "app.pursuit_checklist") == marks


def test_pink_to_red_is_allowed_when_every_pink_item_is_done_and_seeds_the_red_items(db):
    w, pursuit_id = pursuit_at(db, "pink")
    tick(db, w["org"], pursuit_id)

    moved = advance(db, w["org"], pursuit_id, "red")

    assert (moved["pursuit_stage"], moved["seeded_items"]) == ("red", 4)
    assert names(db, w["org"], pursuit_id) == shipped_items(db, "pink") + shipped_items(db, "red")
    assert ws.events(db, w["org"], "pursuit", pursuit_id)[-1]["payload"] == {"from": "pink", "to": "red", "seeded_items": 4}


@pytest.mark.parametrize(
    ("score", "allowed"),
    [(None, False), (Decimal("89.9"), False), (Decimal("90.0"), True), (Decimal("100.0"), True)],
)
def test_red_to_submit_needs_a_compliance_score_of_at_least_the_shipped_minimum(db, score, allowed):
    assert ws.shipped(db, "gate_rule", "red")["min_compliance_score"] == 90.0
    w, pursuit_id = pursuit_at(db, "red")
    tick(db, w["org"], pursuit_id)
    set_compliance(db, pursuit_id, score)

    if allowed:
        assert advance(db, w["org"], pursuit_id, "submit")["pursuit_stage"] == "submit"
        assert stage_of(db, pursuit_id) == "submit"
    else:
        with db.expect_error(GATE_NOT_PASSED) as outcome:
            advance(db, w["org"], pursuit_id, "submit")
        assert "compliance_score" in outcome["error"].message


def test_red_to_submit_needs_the_red_items_even_with_a_high_compliance_score(db):
    w, pursuit_id = pursuit_at(db, "red")
    red = shipped_items(db, "red")
    tick(db, w["org"], pursuit_id, *red[1:])
    set_compliance(db, pursuit_id, Decimal("99.0"))

    with db.expect_error(GATE_NOT_PASSED) as outcome:
        advance(db, w["org"], pursuit_id, "submit")

    assert red[0] in outcome["error"].message
    assert "compliance_score" not in outcome["error"].message


def test_submit_to_won_is_allowed_when_the_checklist_is_done(db):
    w, pursuit_id = pursuit_at(db, "submit")

    assert advance(db, w["org"], pursuit_id, "won")["pursuit_stage"] == "won"


@pytest.mark.parametrize(
    ("start", "to_stage"), [("qual", "red"), ("qual", "submit"), ("qual", "won"), ("pink", "submit"), ("red", "won")]
)
def test_skipping_a_stage_is_refused(db, start, to_stage):
    w, pursuit_id = pursuit_at(db, start)
    tick(db, w["org"], pursuit_id)
    set_compliance(db, pursuit_id, Decimal("100.0"))

    with db.expect_error(MOVE_NOT_ALLOWED):
        advance(db, w["org"], pursuit_id, to_stage)


@pytest.mark.parametrize(("start", "to_stage"), [("pink", "qual"), ("red", "pink"), ("submit", "qual"), ("pink", "pink")])
def test_moving_back_or_staying_is_refused(db, start, to_stage):
    w, pursuit_id = pursuit_at(db, start)

    with db.expect_error(MOVE_NOT_ALLOWED):
        advance(db, w["org"], pursuit_id, to_stage)


@pytest.mark.parametrize("start", OPEN_STAGES)
def test_any_open_stage_can_be_lost_regardless_of_the_gate(db, start):
    w, pursuit_id = pursuit_at(db, start)
    # An open required item and no compliance score: every forward gate would fail.
    ws.insert(db, "app.pursuit_checklist", {"org_id": w["org"], "pursuit_id": pursuit_id, "name": "Still open"})
    set_compliance(db, pursuit_id, None)

    moved = advance(db, w["org"], pursuit_id, "lost")

    assert (moved["previous_stage"], moved["pursuit_stage"]) == (start, "lost")
    assert ws.events(db, w["org"], "pursuit", pursuit_id)[-1]["payload"] == {"from": start, "to": "lost", "seeded_items": 0}


@pytest.mark.parametrize("closed", ["won", "lost"])
@pytest.mark.parametrize("to_stage", ["qual", "pink", "red", "submit", "won", "lost"])
def test_nothing_moves_after_won_or_lost(db, closed, to_stage):
    w, pursuit_id = pursuit_at(db, closed)

    with db.expect_error(MOVE_NOT_ALLOWED):
        advance(db, w["org"], pursuit_id, to_stage)


@pytest.mark.parametrize("to_stage", ["done", "", None])
def test_an_unknown_stage_is_refused(db, to_stage):
    w, pursuit_id = pursuit_at(db, "qual")

    with db.expect_error(MOVE_NOT_ALLOWED):
        advance(db, w["org"], pursuit_id, to_stage)


def test_a_pursuit_of_another_org_is_refused(db):
    _, theirs = pursuit_at(db, "qual")
    mine = world(db)

    with db.expect_error(ADVANCE_PURSUIT_NOT_IN_ORG):
        advance(db, mine["org"], theirs, "pink")


def test_an_org_gate_rule_overrides_the_shipped_one(db):
    w = world(db)
    org_gate(db, w["org"], "pink", gate_rule("pink", "red", ["Executive summary drafted"], min_score=50.0))
    pursuit_id = promote(db, w)["pursuit_id"]

    assert advance(db, w["org"], pursuit_id, "pink")["seeded_items"] == 1
    assert names(db, w["org"], pursuit_id) == ["Executive summary drafted"]

    tick(db, w["org"], pursuit_id)
    set_compliance(db, pursuit_id, Decimal("50.0"))
    # The shipped pink items are not on the checklist: only the org's own rule is in force.
    assert advance(db, w["org"], pursuit_id, "red")["pursuit_stage"] == "red"


def test_an_org_gate_rules_minimum_score_is_enforced(db):
    w = world(db)
    org_gate(db, w["org"], "pink", gate_rule("pink", "red", ["Executive summary drafted"], min_score=50.0))
    pursuit_id = promote(db, w)["pursuit_id"]
    advance(db, w["org"], pursuit_id, "pink")
    tick(db, w["org"], pursuit_id)
    set_compliance(db, pursuit_id, Decimal("49.9"))

    with db.expect_error(GATE_NOT_PASSED) as outcome:
        advance(db, w["org"], pursuit_id, "red")

    assert "compliance_score 49.9" in outcome["error"].message


def test_an_org_gate_rule_effective_tomorrow_is_ignored(db):
    w = world(db)
    org_gate(db, w["org"], "pink", gate_rule("pink", "red", ["Tomorrow's item"]), hours_from_now=24)
    pursuit_id = promote(db, w)["pursuit_id"]

    advance(db, w["org"], pursuit_id, "pink")

    assert names(db, w["org"], pursuit_id) == shipped_items(db, "pink")


def test_an_org_that_switches_the_pink_gate_off_gets_no_pink_items_and_no_pink_gate(db):
    w = world(db)
    org_gate(db, w["org"], "pink", {"enabled": False})
    pursuit_id = promote(db, w)["pursuit_id"]

    assert advance(db, w["org"], pursuit_id, "pink")["seeded_items"] == 0
    assert advance(db, w["org"], pursuit_id, "red")["pursuit_stage"] == "red"


def test_a_shipped_item_deleted_from_the_checklist_fails_the_gate(db):
    w, pursuit_id = pursuit_at(db, "pink")
    tick(db, w["org"], pursuit_id)
    deleted = shipped_items(db, "pink")[0]
    db.execute(
        "DELETE FROM app.pursuit_checklist WHERE org_id = ? AND pursuit_id = ? AND name = ?;", w["org"], pursuit_id, deleted
    )

    with db.expect_error(GATE_NOT_PASSED) as outcome:
        advance(db, w["org"], pursuit_id, "red")

    assert f"{deleted} (not on the checklist)" in outcome["error"].message


def test_a_required_item_added_by_hand_blocks_a_forward_move(db):
    w, pursuit_id = pursuit_at(db, "qual")
    ws.insert(db, "app.pursuit_checklist", {"org_id": w["org"], "pursuit_id": pursuit_id, "name": "Teaming agreement signed"})
    assert db.scalar("SELECT ready FROM app.v_pursuit_checklist_ready WHERE pursuit_id = ?;", pursuit_id) == 0

    with db.expect_error(GATE_NOT_PASSED) as outcome:
        advance(db, w["org"], pursuit_id, "pink")

    assert "Teaming agreement signed" in outcome["error"].message


def test_an_optional_item_left_open_does_not_block_a_move_its_gate_does_not_name(db):
    w, pursuit_id = pursuit_at(db, "qual")
    ws.insert(
        db, "app.pursuit_checklist", {"org_id": w["org"], "pursuit_id": pursuit_id, "name": "Nice to have", "is_required": 0}
    )

    assert advance(db, w["org"], pursuit_id, "pink")["pursuit_stage"] == "pink"


def test_a_gate_item_that_is_on_the_checklist_as_optional_must_still_be_done(db):
    w, pursuit_id = pursuit_at(db, "pink")
    pink = shipped_items(db, "pink")
    tick(db, w["org"], pursuit_id, *pink[1:])
    db.execute("UPDATE app.pursuit_checklist SET is_required = 0 WHERE pursuit_id = ? AND name = ?;", pursuit_id, pink[0])

    with db.expect_error(GATE_NOT_PASSED) as outcome:
        advance(db, w["org"], pursuit_id, "red")

    assert pink[0] in outcome["error"].message


def test_seeding_leaves_an_item_already_on_the_checklist_alone(db):
    w, pursuit_id = pursuit_at(db, "qual")
    pink = shipped_items(db, "pink")
    ws.insert(
        db,
        "app.pursuit_checklist",
        {
            "org_id": w["org"],
            "pursuit_id": pursuit_id,
            "name": pink[0],
            "is_required": 0,
            "is_done": 1,
            "done_at": server_now(db),
        },
    )

    assert advance(db, w["org"], pursuit_id, "pink")["seeded_items"] == 3

    kept = [item for item in checklist(db, w["org"], pursuit_id) if item["name"] == pink[0]]
    assert len(kept) == 1 and kept[0]["is_required"] == 0 and kept[0]["is_done"] == 1


# -- sp_add_proposal_version ------------------------------------------------------------------------


def test_proposal_versions_are_numbered_1_2_3_in_order_as_drafts(db):
    org_id = ws.org(db)
    pursuit_id = ws.pursuit(db, org_id)
    other_pursuit = ws.pursuit(db, org_id)

    made = [one(db.run_proc(ADD_PROPOSAL, org_id=org_id, pursuit_id=pursuit_id, doc_id=f"doc-{n}")) for n in (1, 2, 3)]

    assert [p["version"] for p in made] == [1, 2, 3]
    assert [p["doc_id"] for p in made] == ["doc-1", "doc-2", "doc-3"]
    assert all(p["status"] == "draft" and p["sent_at"] is None and p["pursuit_id"] == pursuit_id for p in made)
    assert len({p["proposal_id"] for p in made}) == 3
    # Another pursuit numbers its own versions.
    assert one(db.run_proc(ADD_PROPOSAL, org_id=org_id, pursuit_id=other_pursuit))["version"] == 1

    events = [e for e in ws.events(db, org_id, "proposal") if e["event_name"] == "proposal_version_created"]
    assert [(e["item_id"], e["payload"]) for e in events[:3]] == [
        (p["proposal_id"], {"pursuit_id": pursuit_id, "version": p["version"]}) for p in made
    ]


def test_a_version_number_is_unique_per_pursuit(db):
    org_id = ws.org(db)
    pursuit_id = ws.pursuit(db, org_id)
    db.run_proc(ADD_PROPOSAL, org_id=org_id, pursuit_id=pursuit_id)

    with db.expect_error(DUPLICATE_KEY):
        ws.insert(db, "app.proposal", {"org_id": org_id, "pursuit_id": pursuit_id, "version": 1})


@pytest.mark.parametrize("stage", ["won", "lost"])
def test_a_won_or_lost_pursuit_takes_no_new_proposal_version(db, stage):
    org_id = ws.org(db)
    db.run_proc(ADD_PROPOSAL, org_id=org_id, pursuit_id=ws.pursuit(db, org_id))
    closed = ws.pursuit(db, org_id, pursuit_stage=stage)
    marks = identity_marks(db, "app.proposal", "app.work_event")

    with db.expect_error(PURSUIT_CLOSED) as outcome:
        db.run_proc(ADD_PROPOSAL, org_id=org_id, pursuit_id=closed)

    assert stage in outcome["error"].message
    assert identity_marks(db, "app.proposal", "app.work_event") == marks


def test_a_proposal_for_a_pursuit_of_another_org_is_refused(db):
    mine, theirs = ws.org(db), ws.org(db)

    with db.expect_error(PROPOSAL_PURSUIT_NOT_IN_ORG):
        db.run_proc(ADD_PROPOSAL, org_id=mine, pursuit_id=ws.pursuit(db, theirs))


# -- sp_add_cos_entry -------------------------------------------------------------------------------


def add_cos(db, org_id: int, pursuit_id: int, role: Any, hours: Any, rate: Any, **params: Any) -> dict[str, Any]:
    return one(db.run_proc(ADD_COS, org_id=org_id, pursuit_id=pursuit_id, role=role, hours=hours, rate=rate, **params))


def totals(db, pursuit_id: int) -> tuple[Decimal, Decimal]:
    row = db.query("SELECT cos_hours, cos_amount FROM app.pursuit WHERE pursuit_id = ?;", pursuit_id)[0]
    return row["cos_hours"], row["cos_amount"]


def test_two_cost_entries_roll_up_into_the_pursuit_totals(db):
    org_id = ws.org(db)
    pursuit_id = ws.pursuit(db, org_id)

    first = add_cos(db, org_id, pursuit_id, "Engineer", Decimal("10.00"), Decimal("150.00"), source="timesheet")
    second = add_cos(db, org_id, pursuit_id, "Project manager", Decimal("2.50"), Decimal("200.00"))

    assert (first["cos_hours"], first["cos_amount"]) == (Decimal("10.00"), Decimal("1500.00"))
    assert (second["cos_hours"], second["cos_amount"]) == (Decimal("12.50"), Decimal("2000.00"))
    assert totals(db, pursuit_id) == (Decimal("12.50"), Decimal("2000.00"))
    entries = db.query(
        "SELECT cos_id, role, hours, rate, amount, source FROM app.cos_entry WHERE pursuit_id = ? ORDER BY cos_id;", pursuit_id
    )
    assert [(e["cos_id"], e["role"], e["amount"], e["source"]) for e in entries] == [
        (first["cos_id"], "Engineer", Decimal("1500.00"), "timesheet"),
        (second["cos_id"], "Project manager", Decimal("500.00"), None),
    ]
    events = [e for e in ws.events(db, org_id, "pursuit", pursuit_id) if e["event_name"] == "cos_entry_added"]
    assert [e["payload"] for e in events] == [
        {"cos_id": first["cos_id"], "hours": 10.0, "amount": 1500.0, "cos_hours": 10.0, "cos_amount": 1500.0},
        {"cos_id": second["cos_id"], "hours": 2.5, "amount": 500.0, "cos_hours": 12.5, "cos_amount": 2000.0},
    ]


def test_a_drifted_total_is_repaired_by_the_next_entry(db):
    org_id = ws.org(db)
    pursuit_id = ws.pursuit(db, org_id)
    add_cos(db, org_id, pursuit_id, "Engineer", Decimal("4.00"), Decimal("100.00"))
    db.execute("UPDATE app.pursuit SET cos_hours = 999, cos_amount = 1 WHERE pursuit_id = ?;", pursuit_id)

    result = add_cos(db, org_id, pursuit_id, "Engineer", Decimal("1.00"), Decimal("100.00"))

    assert (result["cos_hours"], result["cos_amount"]) == (Decimal("5.00"), Decimal("500.00"))
    assert totals(db, pursuit_id) == (Decimal("5.00"), Decimal("500.00"))


@pytest.mark.parametrize(
    ("role", "hours", "rate", "number"),
    [
        ("Engineer", Decimal("-1.00"), Decimal("100.00"), BAD_HOURS_OR_RATE),
        ("Engineer", Decimal("1.00"), Decimal("-0.01"), BAD_HOURS_OR_RATE),
        ("Engineer", None, Decimal("100.00"), BAD_HOURS_OR_RATE),
        ("Engineer", Decimal("1.00"), None, BAD_HOURS_OR_RATE),
        ("", Decimal("1.00"), Decimal("100.00"), COS_EMPTY_ROLE),
        ("   ", Decimal("1.00"), Decimal("100.00"), COS_EMPTY_ROLE),
        (None, Decimal("1.00"), Decimal("100.00"), COS_EMPTY_ROLE),
    ],
)
def test_a_bad_cost_entry_is_refused_and_nothing_is_written(db, role, hours, rate, number):
    org_id = ws.org(db)
    pursuit_id = ws.pursuit(db, org_id)
    add_cos(db, org_id, pursuit_id, "Engineer", Decimal("1.00"), Decimal("100.00"))
    marks = identity_marks(db, "app.cos_entry", "app.work_event")

    with db.expect_error(number):
        add_cos(db, org_id, pursuit_id, role, hours, rate)

    assert identity_marks(db, "app.cos_entry", "app.work_event") == marks


def test_zero_hours_and_a_zero_rate_are_accepted(db):
    org_id = ws.org(db)
    pursuit_id = ws.pursuit(db, org_id)

    result = add_cos(db, org_id, pursuit_id, "Volunteer", Decimal("0.00"), Decimal("0.00"))

    assert (result["cos_hours"], result["cos_amount"]) == (Decimal("0.00"), Decimal("0.00"))


def test_a_cost_entry_for_a_pursuit_of_another_org_is_refused(db):
    mine, theirs = ws.org(db), ws.org(db)

    with db.expect_error(COS_PURSUIT_NOT_IN_ORG):
        add_cos(db, mine, ws.pursuit(db, theirs), "Engineer", Decimal("1.00"), Decimal("1.00"))


# -- sp_record_role_estimate and the PERT views -----------------------------------------------------


def estimate(db, org_id: int, pursuit_id: int, role: Any, o: Any, m: Any, p: Any, **params: Any) -> dict[str, Any]:
    return one(
        db.run_proc(
            ESTIMATE,
            org_id=org_id,
            pursuit_id=pursuit_id,
            role=role,
            optimistic_hours=o,
            most_likely_hours=m,
            pessimistic_hours=p,
            **params,
        )
    )


def test_a_role_estimate_returns_the_pert_expected_hours_and_standard_deviation(db):
    org_id = ws.org(db)
    pursuit_id = ws.pursuit(db, org_id)

    result = estimate(db, org_id, pursuit_id, "Engineer", Decimal("2"), Decimal("4"), Decimal("12"), confidence=Decimal("0.80"))

    assert result["expected_hours"] == Decimal("5.00")  # (2 + 4 * 4 + 12) / 6
    assert result["std_dev_hours"] == Decimal("1.67")  # (12 - 2) / 6 = 1.666...
    stored = db.query(
        "SELECT role, optimistic_hours, most_likely_hours, pessimistic_hours, confidence "
        "FROM app.pursuit_role_estimate WHERE estimate_id = ?;",
        result["estimate_id"],
    )[0]
    assert stored == {
        "role": "Engineer",
        "optimistic_hours": Decimal("2.00"),
        "most_likely_hours": Decimal("4.00"),
        "pessimistic_hours": Decimal("12.00"),
        "confidence": Decimal("0.80"),
    }
    last = ws.events(db, org_id, "pursuit", pursuit_id)[-1]
    assert last["event_name"] == "role_estimate_recorded"
    assert last["payload"] == {
        "estimate_id": result["estimate_id"],
        "role": "Engineer",
        "expected_hours": 5.0,
        "std_dev_hours": 1.67,
    }


@pytest.mark.parametrize(
    ("o", "m", "p"),
    [("5", "4", "12"), ("2", "13", "12"), ("-1", "4", "12"), (None, "4", "12"), ("2", None, "12"), ("2", "4", None)],
)
def test_hours_out_of_pert_order_are_refused(db, o, m, p):
    org_id = ws.org(db)
    pursuit_id = ws.pursuit(db, org_id)
    estimate(db, org_id, pursuit_id, "Engineer", Decimal("1"), Decimal("2"), Decimal("3"))
    marks = identity_marks(db, "app.pursuit_role_estimate", "app.work_event")

    with db.expect_error(BAD_PERT_HOURS):
        estimate(db, org_id, pursuit_id, "Engineer", *(None if v is None else Decimal(v) for v in (o, m, p)))

    assert identity_marks(db, "app.pursuit_role_estimate", "app.work_event") == marks


def test_equal_hours_are_a_valid_estimate_with_no_spread(db):
    org_id = ws.org(db)
    pursuit_id = ws.pursuit(db, org_id)

    result = estimate(db, org_id, pursuit_id, "Engineer", Decimal("8"), Decimal("8"), Decimal("8"))

    assert (result["expected_hours"], result["std_dev_hours"]) == (Decimal("8.00"), Decimal("0.00"))


@pytest.mark.parametrize("confidence", ["1.01", "-0.01"])
def test_a_confidence_outside_0_to_1_is_refused(db, confidence):
    org_id = ws.org(db)
    pursuit_id = ws.pursuit(db, org_id)

    with db.expect_error(BAD_CONFIDENCE):
        estimate(db, org_id, pursuit_id, "Engineer", Decimal("1"), Decimal("2"), Decimal("3"), confidence=Decimal(confidence))


def test_an_estimate_without_a_role_is_refused(db):
    org_id = ws.org(db)
    pursuit_id = ws.pursuit(db, org_id)

    with db.expect_error(ESTIMATE_EMPTY_ROLE):
        estimate(db, org_id, pursuit_id, " ", Decimal("1"), Decimal("2"), Decimal("3"))


def test_the_role_pert_view_takes_the_latest_estimate_of_a_role(db):
    org_id = ws.org(db)
    pursuit_id = ws.pursuit(db, org_id)
    first = estimate(db, org_id, pursuit_id, "Engineer", Decimal("2"), Decimal("4"), Decimal("12"))
    # A higher id but an older created_at: the view orders by created_at first.
    ws.insert(
        db,
        "app.pursuit_role_estimate",
        {
            "org_id": org_id,
            "pursuit_id": pursuit_id,
            "role": "Engineer",
            "optimistic_hours": Decimal("100"),
            "most_likely_hours": Decimal("100"),
            "pessimistic_hours": Decimal("100"),
            "created_at": server_now(db) - timedelta(days=2),
        },
    )

    rows = db.read_view("app.v_pursuit_role_pert", "org_id = ? AND pursuit_id = ?", org_id, pursuit_id)
    assert [(r["role"], r["estimate_id"]) for r in rows] == [("Engineer", first["estimate_id"])]
    row = rows[0]
    assert float(row["expected_hours"]) == pytest.approx(5.0, abs=1e-4)
    assert float(row["std_dev_hours"]) == pytest.approx(10 / 6, abs=1e-4)
    assert float(row["variance_hours"]) == pytest.approx((10 / 6) ** 2, abs=1e-4)

    latest = estimate(db, org_id, pursuit_id, "Engineer", Decimal("1"), Decimal("2"), Decimal("3"), confidence=Decimal("0.5"))

    rows = db.read_view("app.v_pursuit_role_pert", "org_id = ? AND pursuit_id = ?", org_id, pursuit_id)
    assert len(rows) == 1
    row = rows[0]
    assert row["estimate_id"] == latest["estimate_id"]
    assert (row["optimistic_hours"], row["most_likely_hours"], row["pessimistic_hours"]) == (
        Decimal("1.00"),
        Decimal("2.00"),
        Decimal("3.00"),
    )
    assert row["confidence"] == Decimal("0.50")
    assert float(row["expected_hours"]) == pytest.approx(2.0, abs=1e-4)


def test_the_pursuit_estimate_sums_the_roles_and_combines_their_spread_as_the_root_of_summed_variances(db):
    org_id = ws.org(db)
    pursuit_id = ws.pursuit(db, org_id)
    roles = {"Engineer": (2, 4, 12), "Designer": (1, 2, 3), "Tester": (4, 6, 20)}
    estimate(db, org_id, pursuit_id, "Engineer", Decimal("50"), Decimal("60"), Decimal("90"))  # superseded below
    for role, (o, m, p) in roles.items():
        estimate(db, org_id, pursuit_id, role, Decimal(o), Decimal(m), Decimal(p))

    expected = sum(pert(*hours)[0] for hours in roles.values())
    std_dev = math.sqrt(sum(pert(*hours)[1] for hours in roles.values()))
    rows = db.read_view("app.v_pursuit_estimate", "org_id = ? AND pursuit_id = ?", org_id, pursuit_id)

    assert len(rows) == 1
    row = rows[0]
    assert row["role_count"] == 3
    assert float(row["expected_hours"]) == pytest.approx(expected, abs=2e-4)
    assert float(row["std_dev_hours"]) == pytest.approx(std_dev, abs=2e-4)
    assert float(row["expected_low_hours"]) == pytest.approx(max(0.0, expected - 2 * std_dev), abs=2e-4)
    assert float(row["expected_high_hours"]) == pytest.approx(expected + 2 * std_dev, abs=2e-4)
    # Not the plain sum of the standard deviations: independent roles partly cancel out.
    assert std_dev < sum(math.sqrt(pert(*hours)[1]) for hours in roles.values())


def test_the_low_end_of_the_pursuit_band_is_floored_at_zero(db):
    org_id = ws.org(db)
    pursuit_id = ws.pursuit(db, org_id)
    estimate(db, org_id, pursuit_id, "Engineer", Decimal("0"), Decimal("0"), Decimal("60"))  # expected 10, std dev 10

    row = db.read_view("app.v_pursuit_estimate", "org_id = ? AND pursuit_id = ?", org_id, pursuit_id)[0]

    assert float(row["expected_hours"]) == pytest.approx(10.0, abs=1e-4)
    assert float(row["expected_low_hours"]) == 0.0
    assert float(row["expected_high_hours"]) == pytest.approx(30.0, abs=1e-4)


def test_a_pursuit_without_estimates_has_no_estimate_row(db):
    org_id = ws.org(db)
    pursuit_id = ws.pursuit(db, org_id)

    assert db.read_view("app.v_pursuit_estimate", "org_id = ? AND pursuit_id = ?", org_id, pursuit_id) == []


def test_an_estimate_for_a_pursuit_of_another_org_is_refused(db):
    mine, theirs = ws.org(db), ws.org(db)

    with db.expect_error(ESTIMATE_PURSUIT_NOT_IN_ORG):
        estimate(db, mine, ws.pursuit(db, theirs), "Engineer", Decimal("1"), Decimal("2"), Decimal("3"))


def test_payloads_are_json_objects(db):
    w = world(db)
    pursuit_id = promote(db, w)["pursuit_id"]
    advance(db, w["org"], pursuit_id, "pink")

    for event in ws.events(db, w["org"]):
        assert isinstance(json.loads(event["payload_json"]), dict)


# -- org and actor checks of the pursuit procedures -------------------------------------------------

_VALID_ARGUMENTS: dict[str, dict[str, Any]] = {
    ADVANCE: {"to_stage": "pink"},
    ADD_PROPOSAL: {"doc_id": "doc-1"},
    ADD_COS: {"role": "Engineer", "hours": Decimal("1.00"), "rate": Decimal("1.00")},
    ESTIMATE: {
        "role": "Engineer",
        "optimistic_hours": Decimal("1"),
        "most_likely_hours": Decimal("2"),
        "pessimistic_hours": Decimal("3"),
    },
}
_ORG_AND_ACTOR_ERRORS = [
    (ADVANCE, ADVANCE_UNKNOWN_ORG, ADVANCE_ACTOR_NOT_IN_ORG),
    (ADD_PROPOSAL, PROPOSAL_UNKNOWN_ORG, PROPOSAL_ACTOR_NOT_IN_ORG),
    (ADD_COS, COS_UNKNOWN_ORG, COS_ACTOR_NOT_IN_ORG),
    (ESTIMATE, ESTIMATE_UNKNOWN_ORG, ESTIMATE_ACTOR_NOT_IN_ORG),
]


@pytest.mark.parametrize(("proc", "unknown_org", "foreign_actor"), _ORG_AND_ACTOR_ERRORS)
def test_a_pursuit_procedure_accepts_an_actor_of_the_org_and_records_it_on_its_event(db, proc, unknown_org, foreign_actor):
    org_id = ws.org(db)
    actor = ws.user(db, org_id)
    pursuit_id = ws.pursuit(db, org_id)

    db.run_proc(proc, org_id=org_id, pursuit_id=pursuit_id, actor_user_id=actor, **_VALID_ARGUMENTS[proc])

    assert ws.events(db, org_id)[-1]["actor_user_id"] == actor


@pytest.mark.parametrize(("proc", "unknown_org", "foreign_actor"), _ORG_AND_ACTOR_ERRORS)
def test_a_pursuit_procedure_refuses_an_unknown_org(db, proc, unknown_org, foreign_actor):
    pursuit_id = ws.pursuit(db, ws.org(db))
    unknown = db.scalar("SELECT MAX(org_id) + 1 AS n FROM core.org;")

    with db.expect_error(unknown_org):
        db.run_proc(proc, org_id=unknown, pursuit_id=pursuit_id, **_VALID_ARGUMENTS[proc])


@pytest.mark.parametrize(("proc", "unknown_org", "foreign_actor"), _ORG_AND_ACTOR_ERRORS)
def test_a_pursuit_procedure_refuses_an_actor_of_another_org(db, proc, unknown_org, foreign_actor):
    org_id, other_org = ws.org(db), ws.org(db)
    outsider = ws.user(db, other_org)
    pursuit_id = ws.pursuit(db, org_id)

    with db.expect_error(foreign_actor):
        db.run_proc(proc, org_id=org_id, pursuit_id=pursuit_id, actor_user_id=outsider, **_VALID_ARGUMENTS[proc])
