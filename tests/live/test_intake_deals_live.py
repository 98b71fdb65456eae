"""Deal support on a real SQL Server: the intake deal procedures (marker ``live``).

intake.sp_upsert_deal, sp_link_thread_to_deal, sp_propose_deal_associations, sp_resolve_association,
sp_record_deal_fact and sp_compute_deal_readiness.

Most tests use the ``db`` fixture: everything they write is rolled back. A refused call (a THROW under
``XACT_ABORT``) rolls that transaction back as well, so the tests that show a refused call *wrote nothing* work on
committed rows instead: the ``committed`` fixture builds two workspaces over an autocommit connection (each call
commits on its own, a refused call leaves the rows as they were) and deletes their rows when the test ends. Such a
test compares every row of both workspaces before and after the call, and the IDENTITY marks of the tables the
procedures insert into (an insert moves IDENT_CURRENT even when it is rolled back).
"""

from __future__ import annotations

import contextlib
import json
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable, Iterator

import pytest

from harness.connection import SqlError, connect
from harness.pytest_plugin import LiveSession
from tests.live import workstream as ws

pytestmark = pytest.mark.live

UPSERT = "intake.sp_upsert_deal"
LINK = "intake.sp_link_thread_to_deal"
PROPOSE = "intake.sp_propose_deal_associations"
RESOLVE = "intake.sp_resolve_association"
FACT = "intake.sp_record_deal_fact"
READINESS = "intake.sp_compute_deal_readiness"

# Every table the procedures insert into, with its key (for IDENT_CURRENT marks and ordered snapshots).
WRITTEN = {
    "intake.deals": "deal_id",
    "intake.thread_links": "thread_link_id",
    "intake.association_candidates": "association_candidate_id",
    "intake.deal_facts": "deal_fact_id",
    "intake.deal_readiness": "deal_readiness_id",
    "intake.audit_events": "audit_event_id",
}
BANT = ["budget", "authority", "need", "timeline"]


def D(text: str) -> Decimal:
    return Decimal(text)


def uid(value: Any) -> uuid.UUID:
    """A uniqueidentifier as uuid.UUID, whichever form the driver returns (UUID or text)."""
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def parsed(text: str | None) -> Any:
    return None if text is None else json.loads(text, parse_float=Decimal)


def server_now(session) -> Any:
    return session.scalar("SELECT SYSUTCDATETIME() AS now;")


# -- rows the procedures build on ------------------------------------------------------------------------


def new_workspace(session, name: str = "Deal support test workspace") -> uuid.UUID:
    return uid(session.scalar("INSERT INTO intake.workspaces (name) OUTPUT inserted.workspace_id VALUES (?);", name))


def new_thread(session, workspace_id: uuid.UUID, **values: Any) -> int:
    row = {"workspace_id": workspace_id, "subject": "Re: pricing", **values}
    return ws.insert(session, "intake.threads", row, identity="thread_id")


def new_message(session, workspace_id: uuid.UUID, thread_id: int, **values: Any) -> int:
    row = {
        "workspace_id": workspace_id,
        "thread_id": thread_id,
        "message_id": f"<{uuid.uuid4()}@deals.test>",
        "direction": "inbound",
        "from_address": "buyer@example.com",
        "text": "We have 50k set aside for this.",
        **values,
    }
    return ws.insert(session, "intake.messages", row, identity="message_row_id")


def one_row(results) -> dict:
    rows = results[-1].dicts()
    assert len(rows) == 1, f"the procedure returns one row, got {rows}"
    return rows[0]


def upsert(session, workspace_id, crm_deal_id: str = "D-1", **params: Any) -> dict:
    arguments = {"crm": "hubspot", "crm_deal_id": crm_deal_id, "title": f"Deal {crm_deal_id}", "stage": "qualified",
                 **params}
    return one_row(session.run_proc(UPSERT, workspace_id=workspace_id, **arguments))


def new_deal(session, workspace_id, crm_deal_id: str, **params: Any) -> int:
    return upsert(session, workspace_id, crm_deal_id, **params)["deal_id"]


def link(session, workspace_id, thread_id, deal_id, confidence: str = "0.800", reason: str = "domain match",
         **params: Any) -> dict:
    return one_row(session.run_proc(LINK, workspace_id=workspace_id, thread_id=thread_id, deal_id=deal_id,
                                    link_confidence=D(confidence), link_reason=reason, **params))


def candidates(*items: tuple) -> str:
    """A @candidates_json array from (deal_id, confidence[, reason]) tuples."""
    out = []
    for item in items:
        entry: dict[str, Any] = {"deal_id": item[0], "confidence": float(item[1])}
        if len(item) > 2:
            entry["reason"] = item[2]
        out.append(entry)
    return json.dumps(out)


def propose(session, workspace_id, thread_id, candidates_json: str, **params: Any) -> dict:
    return one_row(session.run_proc(PROPOSE, workspace_id=workspace_id, thread_id=thread_id,
                                    candidates_json=candidates_json, **params))


def resolve(session, workspace_id, association_candidate_id, deal_id=None, resolved_by="reviewer@example.com") -> dict:
    return one_row(session.run_proc(RESOLVE, workspace_id=workspace_id, association_candidate_id=association_candidate_id,
                                    deal_id=deal_id, resolved_by=resolved_by))


def fact(session, workspace_id, deal_id, key: str = "budget", confidence: str = "0.800",
         value: Any = None, **params: Any) -> dict:
    value_json = json.dumps({"value": 50000} if value is None else value)
    return one_row(session.run_proc(FACT, workspace_id=workspace_id, deal_id=deal_id, key=key, value_json=value_json,
                                    confidence=D(confidence), **params))


def readiness(session, workspace_id, deal_id, **params: Any) -> dict:
    return one_row(session.run_proc(READINESS, workspace_id=workspace_id, deal_id=deal_id, **params))


def links_of(session, workspace_id, thread_id) -> list[dict]:
    return session.query(
        "SELECT * FROM intake.thread_links WHERE workspace_id = ? AND thread_id = ? ORDER BY thread_link_id;",
        workspace_id,
        thread_id,
    )


def candidate_rows(session, workspace_id, thread_id) -> list[dict]:
    rows = session.query(
        "SELECT * FROM intake.association_candidates WHERE workspace_id = ? AND thread_id = ?"
        " ORDER BY association_candidate_id;",
        workspace_id,
        thread_id,
    )
    for row in rows:
        row["candidates"] = parsed(row["candidates_json"])
    return rows


def audits(session, workspace_id, type_: str | None = None) -> list[dict]:
    sql = "SELECT * FROM intake.audit_events WHERE workspace_id = ?"
    params: list[Any] = [workspace_id]
    if type_ is not None:
        sql += " AND type = ?"
        params.append(type_)
    rows = session.query(sql + " ORDER BY audit_event_id;", *params)
    for row in rows:
        row["data"] = parsed(row["data_json"])
    return rows


def facts_of(session, workspace_id, deal_id) -> list[dict]:
    return session.query(
        "SELECT * FROM intake.deal_facts WHERE workspace_id = ? AND deal_id = ? ORDER BY [key];", workspace_id, deal_id
    )


@dataclass
class Scene:
    workspace: uuid.UUID
    deals: list[int]
    threads: list[int]
    message: int


def scene(db) -> Scene:
    """A workspace with three deals, three threads and one message on the first thread."""
    workspace_id = new_workspace(db)
    deals = [new_deal(db, workspace_id, f"D-{n}") for n in (1, 2, 3)]
    threads = [new_thread(db, workspace_id) for _ in range(3)]
    return Scene(workspace_id, deals, threads, new_message(db, workspace_id, threads[0]))


# -- sp_upsert_deal --------------------------------------------------------------------------------------


def test_a_new_crm_deal_gets_its_mirror_row_with_names_in_lower_case(db):
    workspace_id = new_workspace(db)
    before = server_now(db)

    row = upsert(db, workspace_id, " 0061x00000AbCdE ", crm=" HubSpot ", title="  Acme renewal ", stage="Proposal",
                 primary_domain=" Acme.EXAMPLE.com ", owner_user_id=" owner-7 ")

    after = server_now(db)
    assert row["created"] == 1
    assert uid(row["workspace_id"]) == workspace_id
    assert (row["crm"], row["crm_deal_id"], row["title"], row["stage"]) == ("hubspot", "0061x00000AbCdE", "Acme renewal", "Proposal")
    assert (row["primary_domain"], row["owner_user_id"]) == ("acme.example.com", "owner-7")
    assert before <= row["last_synced_at"] <= after
    assert row["created_at"] == row["updated_at"] == row["last_synced_at"]
    stored = db.query("SELECT * FROM intake.deals WHERE deal_id = ?;", row["deal_id"])
    assert len(stored) == 1 and stored[0]["crm"] == "hubspot"


def test_the_same_crm_deal_again_updates_its_one_row_and_a_null_clears_what_the_crm_no_longer_has(db):
    workspace_id = new_workspace(db)
    first = upsert(db, workspace_id, "D-9", stage="qualified", primary_domain="acme.example", owner_user_id="u-1")

    second = upsert(db, workspace_id, "D-9", crm="HUBSPOT", title="Acme, renamed", stage=None)

    assert second["created"] == 0
    assert second["deal_id"] == first["deal_id"]
    assert (second["title"], second["stage"], second["primary_domain"], second["owner_user_id"]) == ("Acme, renamed", None, None, None)
    assert second["created_at"] == first["created_at"]
    assert second["updated_at"] >= first["updated_at"] and second["last_synced_at"] >= first["last_synced_at"]
    assert ws.count(db, "intake.deals", "workspace_id = ?", workspace_id) == 1


def test_a_crm_deal_id_is_one_deal_per_crm_and_per_workspace(db):
    workspace_id, other_workspace = new_workspace(db), new_workspace(db)
    hubspot = upsert(db, workspace_id, "X-1", crm="hubspot")
    salesforce = upsert(db, workspace_id, "X-1", crm="salesforce")
    elsewhere = upsert(db, other_workspace, "X-1", crm="hubspot")

    assert hubspot["created"] == salesforce["created"] == elsewhere["created"] == 1
    assert len({hubspot["deal_id"], salesforce["deal_id"], elsewhere["deal_id"]}) == 3
    assert uid(elsewhere["workspace_id"]) == other_workspace


# -- sp_link_thread_to_deal --------------------------------------------------------------------------------


def test_linking_a_thread_creates_its_link_and_an_audit_event(db):
    s = scene(db)
    thread, deal = s.threads[0], s.deals[0]

    row = link(db, s.workspace, thread, deal, "0.850", " domain match ", actor="ops@example.com")

    assert row["link_outcome"] == "created" and row["previous_deal_id"] is None
    assert (row["thread_id"], row["deal_id"], row["link_confidence"], row["link_reason"]) == (thread, deal, D("0.850"), "domain match")
    [stored] = links_of(db, s.workspace, thread)
    assert stored["thread_link_id"] == row["thread_link_id"] and stored["deal_id"] == deal
    [audit] = audits(db, s.workspace, "deal.thread_linked")
    assert (audit["thread_id"], audit["actor"], audit["job_id"]) == (thread, "ops@example.com", None)
    assert audit["data"] == {
        "thread_link_id": row["thread_link_id"], "deal_id": deal, "previous_deal_id": None,
        "link_confidence": D("0.850"), "link_reason": "domain match", "link_outcome": "created",
        "association_candidate_ids": [],
    }


def test_linking_a_thread_to_its_deal_again_updates_confidence_and_reason_in_place(db):
    s = scene(db)
    first = link(db, s.workspace, s.threads[0], s.deals[0], "0.600", "domain match")

    again = link(db, s.workspace, s.threads[0], s.deals[0], "0.950", "confirmed in the thread")

    assert again["link_outcome"] == "updated" and again["previous_deal_id"] == s.deals[0]
    assert again["thread_link_id"] == first["thread_link_id"]
    assert (again["link_confidence"], again["link_reason"]) == (D("0.950"), "confirmed in the thread")
    assert again["created_at"] == first["created_at"] and again["updated_at"] >= first["updated_at"]
    assert len(links_of(db, s.workspace, s.threads[0])) == 1
    assert len(audits(db, s.workspace, "deal.thread_linked")) == 2


def test_a_thread_linked_to_another_deal_moves_only_with_replace(db):
    s = scene(db)
    first = link(db, s.workspace, s.threads[0], s.deals[0])

    moved = link(db, s.workspace, s.threads[0], s.deals[1], "1.000", "moved by a person", replace=1)

    assert moved["link_outcome"] == "replaced"
    assert (moved["thread_link_id"], moved["previous_deal_id"], moved["deal_id"]) == (first["thread_link_id"], s.deals[0], s.deals[1])
    assert [r["deal_id"] for r in links_of(db, s.workspace, s.threads[0])] == [s.deals[1]]
    assert audits(db, s.workspace, "deal.thread_linked")[-1]["data"]["previous_deal_id"] == s.deals[0]

    with db.expect_error(50271) as outcome:
        link(db, s.workspace, s.threads[0], s.deals[2])  # @replace defaults to 0
    assert outcome["rolled_back"] is True


def test_a_thread_has_one_deal_link_whatever_links_it(db):
    s = scene(db)
    thread = s.threads[0]
    link(db, s.workspace, thread, s.deals[0])
    link(db, s.workspace, thread, s.deals[0], "0.700")
    link(db, s.workspace, thread, s.deals[1], replace=1)
    propose(db, s.workspace, thread, candidates((s.deals[2], "0.99")))  # a linked thread keeps its link

    assert [r["deal_id"] for r in links_of(db, s.workspace, thread)] == [s.deals[1]]
    with db.expect_error(2601):  # and the unique index holds it for any other writer
        db.execute(
            "INSERT INTO intake.thread_links (workspace_id, thread_id, deal_id, link_confidence, link_reason)"
            " VALUES (?, ?, ?, 0.5, 'second link');",
            s.workspace,
            thread,
            s.deals[2],
        )


def test_a_thread_can_link_to_a_deal_other_threads_link_to(db):
    s = scene(db)
    link(db, s.workspace, s.threads[0], s.deals[0])
    link(db, s.workspace, s.threads[1], s.deals[0])

    assert ws.count(db, "intake.thread_links", "workspace_id = ? AND deal_id = ?", s.workspace, s.deals[0]) == 2


def test_a_link_resolves_the_threads_pending_candidates(db):
    s = scene(db)
    thread = s.threads[0]
    pending = propose(db, s.workspace, thread, candidates((s.deals[0], "0.6"), (s.deals[1], "0.5")))
    assert pending["outcome"] == "pending"

    row = link(db, s.workspace, thread, s.deals[2], "1.000", "the buyer said so", actor="ops@example.com")

    [candidate] = candidate_rows(db, s.workspace, thread)
    assert candidate["association_candidate_id"] == pending["association_candidate_id"]
    assert (candidate["status"], candidate["resolved_deal_id"], candidate["resolved_by"]) == ("resolved", s.deals[2], "ops@example.com")
    assert candidate["resolved_at"] == row["updated_at"]
    audit = audits(db, s.workspace, "deal.thread_linked")[-1]
    assert audit["data"]["association_candidate_ids"] == [pending["association_candidate_id"]]


# -- sp_propose_deal_associations --------------------------------------------------------------------------


def test_one_candidate_at_or_above_the_threshold_links_the_thread_and_keeps_nothing_pending(db):
    s = scene(db)
    thread = s.threads[0]

    row = propose(db, s.workspace, thread, candidates((s.deals[1], "0.40", "same city"), (s.deals[0], "0.95", "domain match")))

    assert row["outcome"] == "linked"
    assert (row["thread_id"], row["deal_id"], row["association_candidate_id"], row["candidate_count"]) == (thread, s.deals[0], None, 2)
    [stored] = links_of(db, s.workspace, thread)
    assert (stored["thread_link_id"], stored["deal_id"]) == (row["thread_link_id"], s.deals[0])
    assert (stored["link_confidence"], stored["link_reason"]) == (D("0.950"), "domain match")
    assert candidate_rows(db, s.workspace, thread) == []
    [audit] = audits(db, s.workspace)
    assert audit["type"] == "deal.thread_linked" and audit["actor"] is None


@pytest.mark.parametrize(
    "confidence, threshold, outcome",
    [("0.90", None, "linked"), ("0.899", None, "none"), ("1", None, "linked"), ("0.60", "0.5", "linked"), ("0.60", "0.7", "none")],
    ids=["exactly-the-default-0.90", "just-below-it", "certain", "above-a-given-threshold", "below-a-given-threshold"],
)
def test_a_single_candidate_links_when_it_reaches_the_threshold_else_nothing_is_recorded(db, confidence, threshold, outcome):
    s = scene(db)
    params = {} if threshold is None else {"auto_link_threshold": D(threshold)}

    row = propose(db, s.workspace, s.threads[0], candidates((s.deals[0], confidence)), **params)

    assert row["outcome"] == outcome
    assert len(links_of(db, s.workspace, s.threads[0])) == (1 if outcome == "linked" else 0)
    assert candidate_rows(db, s.workspace, s.threads[0]) == []
    if outcome == "none":
        assert (row["deal_id"], row["thread_link_id"], row["association_candidate_id"]) == (None, None, None)
        assert audits(db, s.workspace) == []


def test_a_link_made_by_a_proposal_uses_a_default_reason_when_the_candidate_gives_none(db):
    s = scene(db)
    propose(db, s.workspace, s.threads[0], candidates((s.deals[0], "0.97")))
    [stored] = links_of(db, s.workspace, s.threads[0])
    assert stored["link_reason"] == "proposed association above the auto-link threshold"


def test_several_candidates_without_one_clear_winner_are_kept_pending_best_first(db):
    s = scene(db)
    thread = s.threads[0]

    row = propose(db, s.workspace, thread, candidates((s.deals[0], "0.60", "domain"), (s.deals[1], "0.80"), (s.deals[2], "0.70", "contact")))

    assert row["outcome"] == "pending" and row["candidate_count"] == 3
    assert (row["deal_id"], row["thread_link_id"]) == (None, None)
    [pending] = candidate_rows(db, s.workspace, thread)
    assert pending["association_candidate_id"] == row["association_candidate_id"]
    assert (pending["status"], pending["resolved_deal_id"], pending["resolved_by"], pending["resolved_at"]) == ("pending", None, None, None)
    assert pending["candidates"] == [
        {"deal_id": s.deals[1], "confidence": D("0.800"), "reason": None},
        {"deal_id": s.deals[2], "confidence": D("0.700"), "reason": "contact"},
        {"deal_id": s.deals[0], "confidence": D("0.600"), "reason": "domain"},
    ]
    assert links_of(db, s.workspace, thread) == []
    [audit] = audits(db, s.workspace)
    assert (audit["type"], audit["thread_id"]) == ("deal.association_proposed", thread)
    assert audit["data"] == {
        "association_candidate_id": row["association_candidate_id"], "candidate_count": 3, "replaced_pending": False,
        "candidates": pending["candidates"],
    }


def test_two_candidates_above_the_threshold_are_left_to_a_person(db):
    s = scene(db)
    row = propose(db, s.workspace, s.threads[0], candidates((s.deals[0], "0.95"), (s.deals[1], "0.92")))

    assert row["outcome"] == "pending"
    assert links_of(db, s.workspace, s.threads[0]) == []
    assert [c["deal_id"] for c in candidate_rows(db, s.workspace, s.threads[0])[0]["candidates"]] == [s.deals[0], s.deals[1]]


def test_candidates_of_equal_confidence_keep_the_order_they_were_given(db):
    s = scene(db)
    propose(db, s.workspace, s.threads[0], candidates((s.deals[2], "0.5"), (s.deals[0], "0.5"), (s.deals[1], "0.5")))
    stored = candidate_rows(db, s.workspace, s.threads[0])[0]["candidates"]
    assert [c["deal_id"] for c in stored] == [s.deals[2], s.deals[0], s.deals[1]]


def test_a_newer_proposal_replaces_the_candidates_of_the_threads_one_pending_row(db):
    s = scene(db)
    thread = s.threads[0]
    first = propose(db, s.workspace, thread, candidates((s.deals[0], "0.6"), (s.deals[1], "0.5")))
    before = candidate_rows(db, s.workspace, thread)[0]

    second = propose(db, s.workspace, thread, candidates((s.deals[1], "0.7"), (s.deals[2], "0.65")))

    assert second["outcome"] == "pending"
    assert second["association_candidate_id"] == first["association_candidate_id"]
    [after] = candidate_rows(db, s.workspace, thread)
    assert [c["deal_id"] for c in after["candidates"]] == [s.deals[1], s.deals[2]]
    assert after["created_at"] == before["created_at"] and after["updated_at"] >= before["updated_at"]
    assert [a["data"]["replaced_pending"] for a in audits(db, s.workspace, "deal.association_proposed")] == [False, True]


def test_a_proposal_that_records_nothing_leaves_the_pending_row_as_it_is(db):
    s = scene(db)
    thread = s.threads[0]
    pending = propose(db, s.workspace, thread, candidates((s.deals[0], "0.6"), (s.deals[1], "0.5")))
    before = candidate_rows(db, s.workspace, thread)

    for candidates_json in (candidates((s.deals[2], "0.3")), "[]"):
        row = propose(db, s.workspace, thread, candidates_json)
        assert row["outcome"] == "none"
        assert row["association_candidate_id"] == pending["association_candidate_id"]

    assert candidate_rows(db, s.workspace, thread) == before
    assert len(audits(db, s.workspace)) == 1


def test_a_proposal_that_links_resolves_the_threads_pending_row(db):
    s = scene(db)
    thread = s.threads[0]
    pending = propose(db, s.workspace, thread, candidates((s.deals[0], "0.6"), (s.deals[1], "0.5")))

    row = propose(db, s.workspace, thread, candidates((s.deals[1], "0.97", "signed order form")))

    assert (row["outcome"], row["deal_id"], row["association_candidate_id"]) == ("linked", s.deals[1], None)
    [resolved] = candidate_rows(db, s.workspace, thread)
    assert resolved["association_candidate_id"] == pending["association_candidate_id"]
    assert (resolved["status"], resolved["resolved_deal_id"], resolved["resolved_by"]) == ("resolved", s.deals[1], None)
    assert resolved["resolved_at"] is not None


def test_a_proposal_for_a_linked_thread_changes_nothing(db):
    s = scene(db)
    thread = s.threads[0]
    linked = link(db, s.workspace, thread, s.deals[0], "0.700", "by hand")

    for candidates_json in (candidates((s.deals[1], "0.99")), candidates((s.deals[1], "0.6"), (s.deals[2], "0.5"))):
        row = propose(db, s.workspace, thread, candidates_json)
        assert (row["outcome"], row["deal_id"], row["thread_link_id"]) == ("none", s.deals[0], linked["thread_link_id"])

    [stored] = links_of(db, s.workspace, thread)
    assert (stored["deal_id"], stored["link_confidence"], stored["link_reason"]) == (s.deals[0], D("0.700"), "by hand")
    assert candidate_rows(db, s.workspace, thread) == []
    assert len(audits(db, s.workspace)) == 1


def test_confidences_are_rounded_to_three_decimals_before_they_meet_the_threshold(db):
    s = scene(db)
    row = propose(db, s.workspace, s.threads[0], '[{"deal_id": %d, "confidence": 0.8996}]' % s.deals[0])
    assert row["outcome"] == "linked"
    assert links_of(db, s.workspace, s.threads[0])[0]["link_confidence"] == D("0.900")


# -- sp_resolve_association -------------------------------------------------------------------------------


def pending_row(db, s: Scene, thread_index: int = 0) -> int:
    row = propose(db, s.workspace, s.threads[thread_index], candidates((s.deals[0], "0.6"), (s.deals[1], "0.55")))
    assert row["outcome"] == "pending"
    return row["association_candidate_id"]


def test_resolving_with_a_candidate_deal_links_the_thread_and_marks_the_row_resolved(db):
    s = scene(db)
    candidate_id = pending_row(db, s)

    row = resolve(db, s.workspace, candidate_id, s.deals[1], " reviewer@example.com ")

    assert (row["association_candidate_id"], row["status"], row["resolved_deal_id"]) == (candidate_id, "resolved", s.deals[1])
    assert row["resolved_by"] == "reviewer@example.com" and row["resolved_at"] is not None
    [stored] = links_of(db, s.workspace, s.threads[0])
    assert stored["thread_link_id"] == row["thread_link_id"]
    assert (stored["deal_id"], stored["link_confidence"], stored["link_reason"]) == (s.deals[1], D("1.000"), "chosen by reviewer")
    audit = audits(db, s.workspace, "deal.thread_linked")[-1]
    assert audit["actor"] == "reviewer@example.com"
    assert audit["data"]["association_candidate_ids"] == [candidate_id]


def test_dismissing_marks_the_row_dismissed_and_links_nothing(db):
    s = scene(db)
    candidate_id = pending_row(db, s)

    row = resolve(db, s.workspace, candidate_id, None, "reviewer@example.com")

    assert (row["status"], row["resolved_deal_id"], row["resolved_by"]) == ("dismissed", None, "reviewer@example.com")
    assert row["resolved_at"] is not None and row["thread_link_id"] is None
    assert links_of(db, s.workspace, s.threads[0]) == []
    audit = audits(db, s.workspace)[-1]
    assert (audit["type"], audit["thread_id"], audit["actor"]) == ("deal.association_dismissed", s.threads[0], "reviewer@example.com")
    assert audit["data"] == {"association_candidate_id": candidate_id}


def test_after_a_dismissal_a_new_proposal_opens_a_new_pending_row(db):
    s = scene(db)
    dismissed = pending_row(db, s)
    resolve(db, s.workspace, dismissed, None)

    fresh = pending_row(db, s)

    assert fresh != dismissed
    assert [r["status"] for r in candidate_rows(db, s.workspace, s.threads[0])] == ["dismissed", "pending"]


@pytest.mark.parametrize("chosen", [0, None], ids=["resolved", "dismissed"])
def test_a_row_that_is_no_longer_pending_cannot_be_resolved_again(db, chosen):
    s = scene(db)
    candidate_id = pending_row(db, s)
    resolve(db, s.workspace, candidate_id, None if chosen is None else s.deals[chosen])

    with db.expect_error(50281) as outcome:
        resolve(db, s.workspace, candidate_id, s.deals[1])
    assert outcome["rolled_back"] is True


# -- sp_record_deal_fact -----------------------------------------------------------------------------------


def test_a_first_fact_for_a_key_is_stored_with_its_evidence_and_audited(db):
    s = scene(db)
    evidence = [{"message_row_id": s.message, "quote": "We have 50k set aside"}]

    row = fact(db, s.workspace, s.deals[0], "budget", "0.800", {"value": 50000, "currency": "EUR"},
               evidence_json=json.dumps(evidence), thread_id=s.threads[0], message_row_id=s.message, actor="extractor-1")

    assert (row["outcome"], row["previous_confidence"]) == ("inserted", None)
    assert (row["deal_id"], row["key"], row["confidence"]) == (s.deals[0], "budget", D("0.800"))
    assert parsed(row["value_json"]) == {"value": 50000, "currency": "EUR"}
    assert parsed(row["evidence_json"]) == evidence
    assert (row["thread_id"], row["message_row_id"]) == (s.threads[0], s.message)
    [audit] = audits(db, s.workspace, "deal.fact_recorded")
    assert (audit["thread_id"], audit["actor"]) == (s.threads[0], "extractor-1")
    assert audit["data"] == {
        "deal_fact_id": row["deal_fact_id"], "deal_id": s.deals[0], "key": "budget", "confidence": D("0.800"),
        "previous_confidence": None, "outcome": "inserted", "forced": False,
    }


@pytest.mark.parametrize("confidence", ["0.700", "0.900"], ids=["as-confident", "more-confident"])
def test_a_fact_at_least_as_confident_replaces_the_stored_one(db, confidence):
    s = scene(db)
    first = fact(db, s.workspace, s.deals[0], "budget", "0.700", {"value": 40000})

    row = fact(db, s.workspace, s.deals[0], "budget", confidence, {"value": 60000})

    assert (row["outcome"], row["previous_confidence"]) == ("replaced", D("0.700"))
    assert row["deal_fact_id"] == first["deal_fact_id"]
    assert (parsed(row["value_json"]), row["confidence"]) == ({"value": 60000}, D(confidence))
    assert row["created_at"] == first["created_at"] and row["updated_at"] >= first["updated_at"]
    assert [a["data"]["outcome"] for a in audits(db, s.workspace, "deal.fact_recorded")] == ["inserted", "replaced"]


def test_a_less_confident_fact_is_kept_out_and_writes_nothing_unless_forced(db):
    s = scene(db)
    first = fact(db, s.workspace, s.deals[0], "need", "0.800", {"value": "CRM migration"},
                 evidence_json=json.dumps([{"message_row_id": s.message}]), thread_id=s.threads[0])

    kept = fact(db, s.workspace, s.deals[0], "need", "0.500", {"value": "just browsing"})

    assert (kept["outcome"], kept["previous_confidence"]) == ("kept", D("0.800"))
    assert (parsed(kept["value_json"]), kept["confidence"], kept["updated_at"]) == ({"value": "CRM migration"}, D("0.800"), first["updated_at"])
    assert (kept["thread_id"], parsed(kept["evidence_json"])) == (s.threads[0], [{"message_row_id": s.message}])
    assert len(audits(db, s.workspace, "deal.fact_recorded")) == 1

    forced = fact(db, s.workspace, s.deals[0], "need", "0.500", {"value": "corrected by hand"}, force=1, actor="am@example.com")

    assert (forced["outcome"], forced["confidence"], parsed(forced["value_json"])) == ("replaced", D("0.500"), {"value": "corrected by hand"})
    assert (forced["thread_id"], forced["message_row_id"], forced["evidence_json"]) == (None, None, None)
    audit = audits(db, s.workspace, "deal.fact_recorded")[-1]
    assert (audit["actor"], audit["data"]["forced"], audit["data"]["previous_confidence"]) == ("am@example.com", True, D("0.800"))


def test_a_deal_has_one_fact_per_key_and_accepts_other_lower_case_keys(db):
    s = scene(db)
    for key, confidence in [("budget", "0.5"), ("budget", "0.6"), ("decision_process", "0.7"), ("budget", "0.4"), ("need", "0.9")]:
        fact(db, s.workspace, s.deals[0], key, confidence)

    rows = facts_of(db, s.workspace, s.deals[0])
    assert [(r["key"], r["confidence"]) for r in rows] == [("budget", D("0.600")), ("decision_process", D("0.700")), ("need", D("0.900"))]
    assert facts_of(db, s.workspace, s.deals[1]) == []


def test_a_fact_taken_from_a_message_without_a_thread_takes_the_messages_thread(db):
    s = scene(db)
    row = fact(db, s.workspace, s.deals[0], "timeline", "0.9", {"value": "Q3"}, message_row_id=s.message)
    assert (row["thread_id"], row["message_row_id"]) == (s.threads[0], s.message)


def test_a_key_is_trimmed_and_evidence_may_carry_more_members(db):
    s = scene(db)
    evidence = [{"message_row_id": None, "quote": "from the CRM", "source": "crm"}, {"quote": None}]
    row = fact(db, s.workspace, s.deals[0], " authority ", "0.6", evidence_json=json.dumps(evidence))
    assert row["key"] == "authority"
    assert parsed(row["evidence_json"]) == evidence


# -- sp_compute_deal_readiness ------------------------------------------------------------------------------


WORKED_EXAMPLES = [
    pytest.param({}, "0.000", BANT, id="no-facts"),
    pytest.param({"budget": "0.8", "need": "0.9"}, "0.500", ["authority", "timeline"], id="budget-and-need"),
    pytest.param({"budget": "0.8", "authority": "0.7", "need": "0.9", "timeline": "0.4"}, "0.750", ["timeline"],
                 id="timeline-below-min-confidence"),
    pytest.param({"budget": "0.8", "authority": "0.7", "need": "0.9", "timeline": "0.6"}, "1.000", [], id="all-four"),
]


@pytest.mark.parametrize("facts, score, missing", WORKED_EXAMPLES)
def test_the_worked_examples_of_bant_readiness(db, facts, score, missing):
    s = scene(db)
    for key, confidence in facts.items():
        fact(db, s.workspace, s.deals[0], key, confidence)
    fact(db, s.workspace, s.deals[1], "authority", "1.0")  # another deal's facts do not count
    before = server_now(db)

    row = readiness(db, s.workspace, s.deals[0])

    assert row["readiness_score"] == D(score)
    assert str(row["readiness_score"]) == score
    assert row["missing_keys"] == json.dumps(missing, separators=(",", ":"))
    assert json.loads(row["missing_keys"]) == missing
    assert (row["deal_id"], row["framework"]) == (s.deals[0], "bant")
    assert uid(row["workspace_id"]) == s.workspace
    assert row["updated_at"] >= before


def test_a_fact_exactly_at_min_confidence_counts_and_min_confidence_can_be_given(db):
    s = scene(db)
    fact(db, s.workspace, s.deals[0], "budget", "0.500")
    fact(db, s.workspace, s.deals[0], "need", "0.499")

    assert (readiness(db, s.workspace, s.deals[0])["missing_keys"]) == '["authority","need","timeline"]'
    lenient = readiness(db, s.workspace, s.deals[0], min_confidence=D("0.4"))
    assert (lenient["readiness_score"], lenient["missing_keys"]) == (D("0.500"), '["authority","timeline"]')
    strict = readiness(db, s.workspace, s.deals[0], min_confidence=D("0.9"))
    assert (strict["readiness_score"], json.loads(strict["missing_keys"])) == (D("0.000"), BANT)


def test_recomputing_updates_the_one_row_of_the_deal_and_framework(db):
    s = scene(db)
    first = readiness(db, s.workspace, s.deals[0], framework="BANT")
    fact(db, s.workspace, s.deals[0], "budget", "0.9")
    fact(db, s.workspace, s.deals[0], "timeline", "0.9")

    second = readiness(db, s.workspace, s.deals[0], framework=" bant ")

    assert second["deal_readiness_id"] == first["deal_readiness_id"]
    assert (second["readiness_score"], second["missing_keys"]) == (D("0.500"), '["authority","need"]')
    assert second["created_at"] == first["created_at"] and second["updated_at"] >= first["updated_at"]
    stored = db.query("SELECT * FROM intake.deal_readiness WHERE workspace_id = ? AND deal_id = ?;", s.workspace, s.deals[0])
    assert [(r["framework"], r["readiness_score"]) for r in stored] == [("bant", D("0.500"))]


# -- refused calls write nothing (committed rows) ----------------------------------------------------------


@dataclass
class Committed:
    """Two workspaces whose rows are committed (``session`` is autocommit), A with a full deal scene, B another tenant."""

    session: LiveSession
    a: uuid.UUID
    b: uuid.UUID
    deals: list[int]  # A's deals d1, d2, d3
    linked: int  # A's thread linked to d1
    pending_thread: int  # A's thread with a pending candidates row over d2, d3
    pending: int  # that row
    resolved: int  # an A row resolved to d2 (its thread is linked to d2)
    free: int  # A's thread without link or candidates
    message: int  # a message of the linked thread
    free_message: int  # a message of the free thread
    b_deal: int
    b_thread: int
    b_message: int
    b_pending: int


def build_committed(session: LiveSession, a: uuid.UUID, b: uuid.UUID) -> Committed:
    deals = [new_deal(session, a, f"C-{n}") for n in (1, 2, 3)]
    linked, pending_thread, resolved_thread, free = (new_thread(session, a) for _ in range(4))
    message = new_message(session, a, linked)
    free_message = new_message(session, a, free)
    link(session, a, linked, deals[0])
    pending = propose(session, a, pending_thread, candidates((deals[1], "0.6"), (deals[2], "0.5")))["association_candidate_id"]
    resolved = propose(session, a, resolved_thread, candidates((deals[1], "0.6"), (deals[2], "0.5")))["association_candidate_id"]
    resolve(session, a, resolved, deals[1])
    fact(session, a, deals[0], "budget", "0.8", evidence_json=json.dumps([{"message_row_id": message}]),
         thread_id=linked, message_row_id=message)
    readiness(session, a, deals[0])

    b_deals = [new_deal(session, b, f"C-{n}") for n in (1, 2)]
    b_thread = new_thread(session, b)
    b_message = new_message(session, b, b_thread)
    b_pending = propose(session, b, b_thread, candidates((b_deals[0], "0.6"), (b_deals[1], "0.5")))["association_candidate_id"]
    return Committed(session, a, b, deals, linked, pending_thread, pending, resolved, free, message, free_message,
                     b_deals[0], b_thread, b_message, b_pending)


CLEANUP = (
    "intake.audit_events",
    "intake.deal_readiness",
    "intake.deal_facts",
    "intake.association_candidates",
    "intake.thread_links",
    "intake.messages",
    "intake.threads",
    "intake.deals",
    "intake.workspaces",
)


@pytest.fixture
def committed(wsdb_database) -> Iterator[Committed]:
    connection = connect(wsdb_database)
    session = LiveSession(connection)
    created: list[uuid.UUID] = []
    try:
        created.append(new_workspace(session, "Deal support test workspace A (committed)"))
        created.append(new_workspace(session, "Deal support test workspace B (committed)"))
        yield build_committed(session, created[0], created[1])
    finally:
        try:
            connection.execute("IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION;")
            for workspace_id in created:
                for table in CLEANUP:
                    ws.purge_rows(connection, table, workspace_id)
        finally:
            connection.close()


def snapshot(c: Committed) -> dict[str, list[dict]]:
    """Every row of both workspaces in every table the procedures write, plus the tables' IDENTITY marks."""
    state: dict[str, Any] = {}
    for table, key in WRITTEN.items():
        schema, name = table.split(".")
        state[table] = c.session.query(
            f"SELECT * FROM [{schema}].[{name}] WHERE workspace_id IN (?, ?) ORDER BY [{key}];", c.a, c.b
        )
        state[f"{table} IDENT_CURRENT"] = c.session.scalar("SELECT IDENT_CURRENT(?) AS v;", table)
    return state


@contextlib.contextmanager
def raises_sql(number: int) -> Iterator[None]:
    """Like ``db.expect_error`` for an autocommit session (which has no test transaction to reopen)."""
    with pytest.raises(SqlError) as caught:
        yield
    assert caught.value.number == number, f"expected error {number}, got {caught.value.text()}"


UNKNOWN = uuid.UUID("00000000-0000-0000-0000-00000000dead")


def upsert_call(**change: Any) -> Callable[[Committed], tuple[str, dict]]:
    def make(c: Committed) -> tuple[str, dict]:
        return UPSERT, {"workspace_id": c.a, "crm": "hubspot", "crm_deal_id": "C-new", "title": "New deal",
                        "stage": "qualified", **change}
    return make


def link_call(change: Callable[[Committed], dict]) -> Callable[[Committed], tuple[str, dict]]:
    def make(c: Committed) -> tuple[str, dict]:
        return LINK, {"workspace_id": c.a, "thread_id": c.free, "deal_id": c.deals[0], "link_confidence": D("0.8"),
                      "link_reason": "domain match", **change(c)}
    return make


def propose_call(change: Callable[[Committed], dict]) -> Callable[[Committed], tuple[str, dict]]:
    def make(c: Committed) -> tuple[str, dict]:
        return PROPOSE, {"workspace_id": c.a, "thread_id": c.free,
                         "candidates_json": candidates((c.deals[0], "0.95"), (c.deals[1], "0.5")), **change(c)}
    return make


def resolve_call(change: Callable[[Committed], dict]) -> Callable[[Committed], tuple[str, dict]]:
    def make(c: Committed) -> tuple[str, dict]:
        return RESOLVE, {"workspace_id": c.a, "association_candidate_id": c.pending, "deal_id": c.deals[1],
                         "resolved_by": "reviewer@example.com", **change(c)}
    return make


def fact_call(change: Callable[[Committed], dict]) -> Callable[[Committed], tuple[str, dict]]:
    def make(c: Committed) -> tuple[str, dict]:
        return FACT, {"workspace_id": c.a, "deal_id": c.deals[0], "key": "need", "value_json": '{"value": "CRM"}',
                      "confidence": D("0.9"), "evidence_json": json.dumps([{"message_row_id": c.message, "quote": "q"}]),
                      "thread_id": c.linked, "message_row_id": c.message, **change(c)}
    return make


def readiness_call(change: Callable[[Committed], dict]) -> Callable[[Committed], tuple[str, dict]]:
    def make(c: Committed) -> tuple[str, dict]:
        return READINESS, {"workspace_id": c.a, "deal_id": c.deals[0], "framework": "BANT",
                           "min_confidence": D("0.5"), **change(c)}
    return make


def evidence(*items: Any) -> Callable[[Committed], dict]:
    return lambda c: {"evidence_json": items[0] if len(items) == 1 and isinstance(items[0], str) else json.dumps(list(items))}


REFUSED = [
    # sp_upsert_deal
    (50260, "upsert: unknown workspace", upsert_call(workspace_id=UNKNOWN)),
    (50260, "upsert: no workspace", upsert_call(workspace_id=None)),
    (50261, "upsert: no crm", upsert_call(crm=None)),
    (50261, "upsert: blank crm", upsert_call(crm="  ")),
    (50261, "upsert: crm with a space", upsert_call(crm="hub spot")),
    (50261, "upsert: crm with an accent", upsert_call(crm="hübspot")),
    (50261, "upsert: crm of 33 characters", upsert_call(crm="c" * 33)),
    (50262, "upsert: no crm deal id", upsert_call(crm_deal_id=None)),
    (50262, "upsert: blank crm deal id", upsert_call(crm_deal_id="   ")),
    (50262, "upsert: crm deal id of 129 characters", upsert_call(crm_deal_id="9" * 129)),
    (50263, "upsert: no title", upsert_call(title=None)),
    (50263, "upsert: blank title", upsert_call(title=" ")),
    (50263, "upsert: title of 401 characters", upsert_call(title="t" * 401)),
    (50264, "upsert: stage of 101 characters", upsert_call(stage="s" * 101)),
    (50264, "upsert: owner of 129 characters", upsert_call(owner_user_id="o" * 129)),
    (50265, "upsert: domain with a space", upsert_call(primary_domain="acme example.com")),
    (50265, "upsert: domain without a dot", upsert_call(primary_domain="localhost")),
    (50265, "upsert: domain with a leading dot", upsert_call(primary_domain=".example.com")),
    (50265, "upsert: domain with two dots in a row", upsert_call(primary_domain="acme..example.com")),
    (50265, "upsert: an address, not a domain", upsert_call(primary_domain="buyer@example.com")),
    (50265, "upsert: domain of 254 characters", upsert_call(primary_domain="d" * 250 + ".com")),
    # sp_link_thread_to_deal
    (50266, "link: unknown workspace", link_call(lambda c: {"workspace_id": UNKNOWN})),
    (50267, "link: thread of another workspace", link_call(lambda c: {"thread_id": c.b_thread})),
    (50267, "link: unknown thread", link_call(lambda c: {"thread_id": -1})),
    (50267, "link: no thread", link_call(lambda c: {"thread_id": None})),
    (50267, "link: the thread named under the other workspace", link_call(lambda c: {"workspace_id": c.b})),
    (50268, "link: deal of another workspace", link_call(lambda c: {"deal_id": c.b_deal})),
    (50268, "link: no deal", link_call(lambda c: {"deal_id": None})),
    (50269, "link: no confidence", link_call(lambda c: {"link_confidence": None})),
    (50269, "link: confidence above 1", link_call(lambda c: {"link_confidence": D("1.5")})),
    (50269, "link: negative confidence", link_call(lambda c: {"link_confidence": D("-0.1")})),
    (50270, "link: no reason", link_call(lambda c: {"link_reason": None})),
    (50270, "link: blank reason", link_call(lambda c: {"link_reason": "   "})),
    (50270, "link: reason of 501 characters", link_call(lambda c: {"link_reason": "r" * 501})),
    (50271, "link: thread linked to another deal", link_call(lambda c: {"thread_id": c.linked, "deal_id": c.deals[1]})),
    (50271, "link: thread linked to another deal, replace 0",
     link_call(lambda c: {"thread_id": c.linked, "deal_id": c.deals[2], "replace": 0})),
    (50272, "link: actor of 321 characters", link_call(lambda c: {"actor": "a" * 321})),
    # sp_propose_deal_associations
    (50273, "propose: unknown workspace", propose_call(lambda c: {"workspace_id": UNKNOWN})),
    (50274, "propose: thread of another workspace", propose_call(lambda c: {"thread_id": c.b_thread})),
    (50274, "propose: no thread", propose_call(lambda c: {"thread_id": None})),
    (50275, "propose: no candidates", propose_call(lambda c: {"candidates_json": None})),
    (50275, "propose: not JSON", propose_call(lambda c: {"candidates_json": "deal 1, deal 2"})),
    (50275, "propose: an object", propose_call(lambda c: {"candidates_json": json.dumps({"deal_id": c.deals[0], "confidence": 1})})),
    (50275, "propose: a string", propose_call(lambda c: {"candidates_json": '"d1"'})),
    (50275, "propose: an array of numbers", propose_call(lambda c: {"candidates_json": json.dumps(c.deals)})),
    (50275, "propose: an array holding a non-object",
     propose_call(lambda c: {"candidates_json": json.dumps([{"deal_id": c.deals[0], "confidence": 0.5}, []])})),
    (50276, "propose: no deal_id", propose_call(lambda c: {"candidates_json": '[{"confidence": 0.5}]'})),
    (50276, "propose: no confidence", propose_call(lambda c: {"candidates_json": json.dumps([{"deal_id": c.deals[0]}])})),
    (50276, "propose: a null confidence",
     propose_call(lambda c: {"candidates_json": json.dumps([{"deal_id": c.deals[0], "confidence": None}])})),
    (50276, "propose: deal_id as a string",
     propose_call(lambda c: {"candidates_json": json.dumps([{"deal_id": str(c.deals[0]), "confidence": 0.5}])})),
    (50276, "propose: a fractional deal_id", propose_call(lambda c: {"candidates_json": '[{"deal_id": 1.5, "confidence": 0.5}]'})),
    (50276, "propose: deal_id 0", propose_call(lambda c: {"candidates_json": '[{"deal_id": 0, "confidence": 0.5}]'})),
    (50276, "propose: confidence above 1",
     propose_call(lambda c: {"candidates_json": json.dumps([{"deal_id": c.deals[0], "confidence": 1.2}])})),
    (50276, "propose: negative confidence",
     propose_call(lambda c: {"candidates_json": json.dumps([{"deal_id": c.deals[0], "confidence": -0.1}])})),
    (50276, "propose: confidence as a string",
     propose_call(lambda c: {"candidates_json": json.dumps([{"deal_id": c.deals[0], "confidence": "0.9"}])})),
    (50276, "propose: a numeric reason",
     propose_call(lambda c: {"candidates_json": json.dumps([{"deal_id": c.deals[0], "confidence": 0.5, "reason": 5}])})),
    (50276, "propose: a reason of 501 characters",
     propose_call(lambda c: {"candidates_json": json.dumps([{"deal_id": c.deals[0], "confidence": 0.5, "reason": "r" * 501}])})),
    (50276, "propose: an unknown member",
     propose_call(lambda c: {"candidates_json": json.dumps([{"deal_id": c.deals[0], "confidence": 0.5, "score": 1}])})),
    (50276, "propose: a member in another case",
     propose_call(lambda c: {"candidates_json": json.dumps([{"Deal_id": c.deals[0], "confidence": 0.5}])})),
    (50276, "propose: a repeated member",
     propose_call(lambda c: {"candidates_json": '[{"deal_id": %d, "confidence": 0.5, "confidence": 0.6}]' % c.deals[0]})),
    (50276, "propose: a repeated deal",
     propose_call(lambda c: {"candidates_json": candidates((c.deals[0], "0.5"), (c.deals[0], "0.6"))})),
    (50277, "propose: a deal of another workspace",
     propose_call(lambda c: {"candidates_json": candidates((c.deals[0], "0.5"), (c.b_deal, "0.6"))})),
    (50277, "propose: an unknown deal", propose_call(lambda c: {"candidates_json": candidates((2 ** 62, "0.95"))})),
    (50278, "propose: no threshold", propose_call(lambda c: {"auto_link_threshold": None})),
    (50278, "propose: threshold above 1", propose_call(lambda c: {"auto_link_threshold": D("1.5")})),
    (50278, "propose: negative threshold", propose_call(lambda c: {"auto_link_threshold": D("-0.1")})),
    # sp_resolve_association
    (50279, "resolve: unknown workspace", resolve_call(lambda c: {"workspace_id": UNKNOWN})),
    (50280, "resolve: row of another workspace", resolve_call(lambda c: {"association_candidate_id": c.b_pending})),
    (50280, "resolve: the row named under the other workspace", resolve_call(lambda c: {"workspace_id": c.b})),
    (50280, "resolve: unknown row", resolve_call(lambda c: {"association_candidate_id": -1})),
    (50280, "resolve: no row", resolve_call(lambda c: {"association_candidate_id": None})),
    (50281, "resolve: a resolved row", resolve_call(lambda c: {"association_candidate_id": c.resolved})),
    (50281, "resolve: dismissing a resolved row", resolve_call(lambda c: {"association_candidate_id": c.resolved, "deal_id": None})),
    (50282, "resolve: a deal that is not a candidate", resolve_call(lambda c: {"deal_id": c.deals[0]})),
    (50282, "resolve: a deal of another workspace", resolve_call(lambda c: {"deal_id": c.b_deal})),
    (50282, "resolve: an unknown deal", resolve_call(lambda c: {"deal_id": -1})),
    (50283, "resolve: no resolver", resolve_call(lambda c: {"resolved_by": None})),
    (50283, "resolve: blank resolver", resolve_call(lambda c: {"resolved_by": "  "})),
    (50283, "resolve: resolver of 321 characters", resolve_call(lambda c: {"resolved_by": "r" * 321})),
    # sp_record_deal_fact
    (50284, "fact: unknown workspace", fact_call(lambda c: {"workspace_id": UNKNOWN})),
    (50285, "fact: deal of another workspace", fact_call(lambda c: {"deal_id": c.b_deal})),
    (50285, "fact: no deal", fact_call(lambda c: {"deal_id": None})),
    (50286, "fact: no key", fact_call(lambda c: {"key": None})),
    (50286, "fact: blank key", fact_call(lambda c: {"key": "  "})),
    (50286, "fact: upper-case key", fact_call(lambda c: {"key": "Budget"})),
    (50286, "fact: key with a space", fact_call(lambda c: {"key": "decision maker"})),
    (50286, "fact: key with a hyphen", fact_call(lambda c: {"key": "decision-maker"})),
    (50286, "fact: key of 65 characters", fact_call(lambda c: {"key": "k" * 65})),
    (50287, "fact: no value", fact_call(lambda c: {"value_json": None})),
    (50287, "fact: value not JSON", fact_call(lambda c: {"value_json": "50k"})),
    (50287, "fact: value an array", fact_call(lambda c: {"value_json": "[50000]"})),
    (50287, "fact: value a number", fact_call(lambda c: {"value_json": "50000"})),
    (50287, "fact: value a string", fact_call(lambda c: {"value_json": '"50k"'})),
    (50288, "fact: no confidence", fact_call(lambda c: {"confidence": None})),
    (50288, "fact: confidence above 1", fact_call(lambda c: {"confidence": D("1.5")})),
    (50288, "fact: negative confidence", fact_call(lambda c: {"confidence": D("-0.5")})),
    (50289, "fact: evidence not JSON", fact_call(evidence("message 12"))),
    (50289, "fact: evidence an object", fact_call(lambda c: {"evidence_json": json.dumps({"message_row_id": c.message})})),
    (50289, "fact: evidence an array of numbers", fact_call(lambda c: {"evidence_json": json.dumps([c.message])})),
    (50289, "fact: evidence message id as a string",
     fact_call(lambda c: {"evidence_json": json.dumps([{"message_row_id": str(c.message)}])})),
    (50289, "fact: evidence message id 0", fact_call(evidence({"message_row_id": 0}))),
    (50289, "fact: fractional evidence message id", fact_call(evidence('[{"message_row_id": 1.5}]'))),
    (50289, "fact: numeric quote", fact_call(evidence({"quote": 5}))),
    (50290, "fact: thread of another workspace", fact_call(lambda c: {"thread_id": c.b_thread, "message_row_id": None})),
    (50290, "fact: message of another workspace", fact_call(lambda c: {"thread_id": None, "message_row_id": c.b_message})),
    (50290, "fact: message of another thread", fact_call(lambda c: {"thread_id": c.linked, "message_row_id": c.free_message})),
    (50290, "fact: unknown message", fact_call(lambda c: {"message_row_id": -1})),
    (50291, "fact: evidence from a message of another workspace",
     fact_call(lambda c: {"evidence_json": json.dumps([{"message_row_id": c.message}, {"message_row_id": c.b_message}])})),
    (50291, "fact: evidence from an unknown message", fact_call(evidence({"message_row_id": 2 ** 62}))),
    (50292, "fact: actor of 321 characters", fact_call(lambda c: {"actor": "a" * 321})),
    # sp_compute_deal_readiness
    (50294, "readiness: unknown workspace", readiness_call(lambda c: {"workspace_id": UNKNOWN})),
    (50295, "readiness: deal of another workspace", readiness_call(lambda c: {"deal_id": c.b_deal})),
    (50295, "readiness: the deal named under the other workspace", readiness_call(lambda c: {"workspace_id": c.b})),
    (50295, "readiness: no deal", readiness_call(lambda c: {"deal_id": None})),
    (50296, "readiness: framework MEDDIC", readiness_call(lambda c: {"framework": "MEDDIC"})),
    (50296, "readiness: no framework", readiness_call(lambda c: {"framework": None})),
    (50296, "readiness: blank framework", readiness_call(lambda c: {"framework": " "})),
    (50297, "readiness: no min confidence", readiness_call(lambda c: {"min_confidence": None})),
    (50297, "readiness: min confidence above 1", readiness_call(lambda c: {"min_confidence": D("1.5")})),
    (50297, "readiness: negative min confidence", readiness_call(lambda c: {"min_confidence": D("-0.1")})),
]


@pytest.mark.parametrize("number, case, call", REFUSED, ids=[f"{n}-{c}" for n, c, _ in REFUSED])
def test_a_bad_call_is_refused_with_its_number_and_writes_nothing(committed, number, case, call):
    proc, arguments = call(committed)
    before = snapshot(committed)

    with raises_sql(number):
        committed.session.run_proc(proc, **arguments)

    assert snapshot(committed) == before, f"{case}: the refused call changed rows or used identity values"


def test_every_number_of_the_deal_procedures_is_raised_by_a_test():
    raised = {number for number, _, _ in REFUSED}
    assert raised == set(range(50260, 50293)) | set(range(50294, 50298))


def test_the_committed_scene_is_what_the_refusal_cases_assume(committed):
    """Guards the refusal table: each case differs from a call that would succeed in one thing only."""
    c = committed
    assert [r["deal_id"] for r in links_of(c.session, c.a, c.linked)] == [c.deals[0]]
    assert [r["status"] for r in candidate_rows(c.session, c.a, c.pending_thread)] == ["pending"]
    assert c.session.scalar(
        "SELECT status FROM intake.association_candidates WHERE association_candidate_id = ?;", c.resolved
    ) == "resolved"
    assert links_of(c.session, c.a, c.free) == [] and candidate_rows(c.session, c.a, c.free) == []
    for make in (upsert_call(), link_call(lambda c: {}), propose_call(lambda c: {}), resolve_call(lambda c: {}),
                 fact_call(lambda c: {}), readiness_call(lambda c: {})):
        proc, arguments = make(c)
        one_row(c.session.run_proc(proc, **arguments))  # the unchanged call succeeds (and commits; cleaned up)
