"""Message ingest (intake.sp_ingest_message) against a real SQL Server: dedupe, threading, audit (marker ``live``).

Most tests use the ``db`` fixture: everything they write is rolled back. A refused call (THROW under
``XACT_ABORT``) rolls the test's transaction back too, so the error tests prove "nothing written" with
IDENT_CURRENT of every table the procedure inserts into: an insert moves it even when it is rolled back. The
race test needs committed rows (one connection per caller); its workspace is deleted when it ends.

Message times are whole seconds: pymssql sends datetimes with millisecond precision only.
"""

from __future__ import annotations

import json
import threading
import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest

from harness.connection import connect
from harness.pytest_plugin import LiveSession
from tests.live import workstream as ws

pytestmark = pytest.mark.live

INGEST = "intake.sp_ingest_message"
RESULT_COLUMNS = ["message_row_id", "thread_id", "is_duplicate", "threaded_by"]
# Every table the procedure inserts into has an IDENTITY key (see the module doc).
WRITTEN = ("intake.threads", "intake.messages", "intake.audit_events")
SENDER = "buyer@customer.example"
T0 = datetime(2026, 3, 2, 9, 0, 0)

# -- helpers -----------------------------------------------------------------------------------------------


def workspace(session, name: str = "Intake ingest test workspace") -> uuid.UUID:
    return ws.workspace(session, name)


def ingest(session, workspace_id: Any, message_id: str | None, **params: Any) -> dict[str, Any]:
    """One call with a sender by default; the single row the procedure returns."""
    arguments = {"from_address": SENDER, **params}
    results = session.run_proc(INGEST, workspace_id=workspace_id, message_id=message_id, **arguments)
    rows = results[-1].dicts()
    assert len(rows) == 1, f"the procedure returns one row, got {rows}"
    return rows[0]


def message(session, message_row_id: int) -> dict[str, Any]:
    rows = session.query("SELECT * FROM intake.messages WHERE message_row_id = ?;", message_row_id)
    assert len(rows) == 1, f"message {message_row_id} not found"
    return rows[0]


def thread(session, thread_id: int) -> dict[str, Any]:
    rows = session.query("SELECT * FROM intake.threads WHERE thread_id = ?;", thread_id)
    assert len(rows) == 1, f"thread {thread_id} not found"
    return rows[0]


def audit(session, workspace_id: Any) -> list[dict[str, Any]]:
    """The workspace's audit events, oldest first, data_json parsed into ``data``."""
    rows = session.query(
        "SELECT a.audit_event_id, a.thread_id, a.job_id, a.type, a.data_json, a.actor, a.created_at "
        "FROM intake.audit_events AS a WHERE a.workspace_id = ? ORDER BY a.audit_event_id;",
        workspace_id,
    )
    for row in rows:
        row["data"] = json.loads(row["data_json"]) if row["data_json"] is not None else None
    return rows


def counts(session, workspace_id: Any) -> dict[str, int]:
    return {table: ws.count(session, table, "workspace_id = ?", workspace_id) for table in WRITTEN}


def identity_marks(session) -> list:
    return [session.scalar("SELECT IDENT_CURRENT(?) AS v;", table) for table in WRITTEN]


def server_now(session) -> datetime:
    return session.scalar("SELECT SYSUTCDATETIME() AS now;")


# -- a first message ---------------------------------------------------------------------------------------


def test_a_first_message_starts_an_open_thread_and_is_stored_with_every_field(db):
    ws_id = workspace(db)
    headers = [{"name": "Message-ID", "value": "<first@customer.example>"}, {"name": "Subject", "value": "Pricing"}]
    to = [{"address": "sales@us.example", "name": "Sales"}]
    cc = [{"address": "boss@customer.example", "name": None}]
    before = server_now(db)

    result = ingest(
        db, ws_id, "<first@customer.example>",
        subject="Pricing", from_name="Buyer", to_json=json.dumps(to), cc_json=json.dumps(cc),
        sent_at=T0 - timedelta(minutes=1), received_at=T0, text="How much?", html="<p>How much?</p>",
        headers_json=json.dumps(headers), references_json="[]",
    )

    after = server_now(db)
    assert list(result) == RESULT_COLUMNS
    assert (result["is_duplicate"], result["threaded_by"]) == (0, "new_thread")
    stored = message(db, result["message_row_id"])
    assert (stored["workspace_id"], stored["thread_id"], stored["message_id"]) == (
        ws_id, result["thread_id"], "<first@customer.example>"
    )
    assert (stored["direction"], stored["from_address"], stored["from_name"], stored["subject"]) == (
        "inbound", SENDER, "Buyer", "Pricing"
    )
    assert json.loads(stored["to_json"]) == to and json.loads(stored["cc_json"]) == cc
    assert json.loads(stored["headers_json"]) == headers and json.loads(stored["references_json"]) == []
    assert (stored["in_reply_to"], stored["sent_at"], stored["received_at"]) == (None, T0 - timedelta(minutes=1), T0)
    assert (stored["text"], stored["html"]) == ("How much?", "<p>How much?</p>")
    assert before <= stored["created_at"] <= after and stored["updated_at"] == stored["created_at"]
    made = thread(db, result["thread_id"])
    assert made["workspace_id"] == ws_id
    assert (made["subject"], made["primary_contact_email"], made["status"]) == ("Pricing", SENDER, "open")
    assert made["last_message_at"] == T0
    assert before <= made["created_at"] <= after


def test_the_defaults_store_an_inbound_message_without_optional_headers(db):
    ws_id = workspace(db)

    result = ingest(db, ws_id, "<bare@customer.example>")

    stored = message(db, result["message_row_id"])
    assert stored["direction"] == "inbound"
    for column in ("in_reply_to", "references_json", "from_name", "to_json", "cc_json", "subject", "sent_at",
                   "received_at", "headers_json", "text", "html"):
        assert stored[column] is None, column
    assert thread(db, result["thread_id"])["subject"] is None


def test_a_thread_without_message_times_takes_the_ingest_time_and_else_the_sent_time(db):
    ws_id = workspace(db)
    before = server_now(db)
    untimed = ingest(db, ws_id, "<untimed@customer.example>")
    after = server_now(db)
    sent_only = ingest(db, ws_id, "<sent-only@customer.example>", sent_at=T0)

    assert before <= thread(db, untimed["thread_id"])["last_message_at"] <= after
    assert thread(db, sent_only["thread_id"])["last_message_at"] == T0


def test_an_outbound_first_message_takes_its_first_recipient_as_the_contact(db):
    ws_id = workspace(db)
    to = [{"address": "prospect@customer.example", "name": "P"}, {"address": "other@customer.example"}]

    result = ingest(db, ws_id, "<out@us.example>", direction="outbound", from_address="rep@us.example",
                    to_json=json.dumps(to), subject="Intro")

    assert message(db, result["message_row_id"])["direction"] == "outbound"
    assert thread(db, result["thread_id"])["primary_contact_email"] == "prospect@customer.example"


def test_the_message_id_and_the_sender_are_stored_trimmed_and_direction_in_lower_case(db):
    ws_id = workspace(db)

    result = ingest(db, ws_id, "  <padded@customer.example> ", from_address=" buyer@customer.example ",
                    direction="INBOUND")

    stored = message(db, result["message_row_id"])
    assert (stored["message_id"], stored["from_address"], stored["direction"]) == (
        "<padded@customer.example>", SENDER, "inbound"
    )


# -- subjects of new threads -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("subject", "thread_subject"),
    [
        pytest.param("Re: Pricing", "Pricing", id="re"),
        pytest.param("RE: Fwd: re:Pricing for 2027", "Pricing for 2027", id="repeated-any-case"),
        pytest.param("FW: Pricing", "Pricing", id="fw"),
        pytest.param("  fwd:   Re:  Quote  ", "Quote", id="spaces"),
        pytest.param("Regarding: pricing", "Regarding: pricing", id="a-word-that-starts-with-re"),
        pytest.param("Pricing (Re: your note)", "Pricing (Re: your note)", id="prefix-only-at-the-start"),
        pytest.param("Re: ", None, id="nothing-left"),
        pytest.param(None, None, id="no-subject"),
    ],
)
def test_a_new_thread_takes_the_subject_without_its_reply_and_forward_prefixes(db, subject, thread_subject):
    ws_id = workspace(db)

    result = ingest(db, ws_id, "<subject@customer.example>", subject=subject)

    assert thread(db, result["thread_id"])["subject"] == thread_subject
    assert message(db, result["message_row_id"])["subject"] == subject  # the message keeps its header as sent


# -- threading ---------------------------------------------------------------------------------------------


def test_a_reply_by_in_reply_to_joins_the_thread_of_the_message_it_answers(db):
    ws_id = workspace(db)
    first = ingest(db, ws_id, "<a@customer.example>", subject="Pricing", received_at=T0)
    before = server_now(db)

    reply = ingest(db, ws_id, "<b@us.example>", in_reply_to="<a@customer.example>", subject="Re: Pricing",
                   direction="outbound", from_address="rep@us.example", received_at=T0 + timedelta(hours=1))

    after = server_now(db)
    assert (reply["thread_id"], reply["threaded_by"], reply["is_duplicate"]) == (first["thread_id"], "in_reply_to", 0)
    assert message(db, reply["message_row_id"])["in_reply_to"] == "<a@customer.example>"
    joined = thread(db, first["thread_id"])
    assert joined["last_message_at"] == T0 + timedelta(hours=1)
    assert before <= joined["updated_at"] <= after
    assert (joined["subject"], joined["primary_contact_email"]) == ("Pricing", SENDER)  # the first message's
    assert ws.count(db, "intake.threads", "workspace_id = ?", ws_id) == 1


def test_in_reply_to_wins_over_references(db):
    ws_id = workspace(db)
    answered = ingest(db, ws_id, "<answered@customer.example>")
    referenced = ingest(db, ws_id, "<referenced@customer.example>")
    assert answered["thread_id"] != referenced["thread_id"]

    reply = ingest(db, ws_id, "<reply@us.example>", in_reply_to="<answered@customer.example>",
                   references_json=json.dumps(["<referenced@customer.example>"]))

    assert (reply["thread_id"], reply["threaded_by"]) == (answered["thread_id"], "in_reply_to")


def test_an_in_reply_to_with_several_ids_or_a_comment_finds_the_parent_among_them(db):
    ws_id = workspace(db)
    parent = ingest(db, ws_id, "<parent@customer.example>")

    by_comment = ingest(db, ws_id, "<c1@us.example>",
                        in_reply_to="<parent@customer.example> (Buyer's message of Mon, 2 Mar 2026)")
    by_list = ingest(db, ws_id, "<c2@us.example>", in_reply_to="<unknown@elsewhere.example>\r\n\t<parent@customer.example>")

    assert (by_comment["thread_id"], by_comment["threaded_by"]) == (parent["thread_id"], "in_reply_to")
    assert (by_list["thread_id"], by_list["threaded_by"]) == (parent["thread_id"], "in_reply_to")


def test_a_reply_known_only_by_references_joins_the_thread_of_the_newest_known_reference(db):
    ws_id = workspace(db)
    older = ingest(db, ws_id, "<older@customer.example>")
    newer = ingest(db, ws_id, "<newer@customer.example>")
    assert older["thread_id"] != newer["thread_id"]

    reply = ingest(
        db, ws_id, "<reply@us.example>", in_reply_to="<never-seen@customer.example>",
        references_json=json.dumps(["<older@customer.example>", "<newer@customer.example>", "<never-seen@customer.example>"]),
    )

    assert (reply["thread_id"], reply["threaded_by"]) == (newer["thread_id"], "references")


def test_the_newest_reference_is_the_last_one_in_the_array_not_the_last_one_ingested(db):
    ws_id = workspace(db)
    first_ingested = ingest(db, ws_id, "<x@customer.example>")
    second_ingested = ingest(db, ws_id, "<y@customer.example>")

    reply = ingest(db, ws_id, "<reply@us.example>",
                   references_json=json.dumps(["<y@customer.example>", "<x@customer.example>"]))

    assert reply["thread_id"] == first_ingested["thread_id"] != second_ingested["thread_id"]


def test_unknown_references_and_in_reply_to_start_a_new_thread(db):
    ws_id = workspace(db)
    known = ingest(db, ws_id, "<known@customer.example>")

    result = ingest(db, ws_id, "<lost@customer.example>", in_reply_to="<gone@customer.example>",
                    references_json=json.dumps(["<gone@customer.example>", "<also-gone@customer.example>"]),
                    subject="Re: Something old")

    assert result["threaded_by"] == "new_thread" and result["thread_id"] != known["thread_id"]
    assert thread(db, result["thread_id"])["subject"] == "Something old"
    assert ws.count(db, "intake.threads", "workspace_id = ?", ws_id) == 2


def test_a_reply_never_joins_a_thread_of_another_workspace(db):
    ours, theirs = workspace(db, "ours"), workspace(db, "theirs")
    elsewhere = ingest(db, theirs, "<parent@customer.example>")

    reply = ingest(db, ours, "<reply@customer.example>", in_reply_to="<parent@customer.example>",
                   references_json=json.dumps(["<parent@customer.example>"]))

    assert reply["threaded_by"] == "new_thread" and reply["thread_id"] != elsewhere["thread_id"]
    assert thread(db, reply["thread_id"])["workspace_id"] == ours


def test_a_late_arrival_never_moves_last_message_at_back(db):
    ws_id = workspace(db)
    first = ingest(db, ws_id, "<a@customer.example>", received_at=T0)

    ingest(db, ws_id, "<late@customer.example>", in_reply_to="<a@customer.example>", received_at=T0 - timedelta(days=1))
    assert thread(db, first["thread_id"])["last_message_at"] == T0

    ingest(db, ws_id, "<next@customer.example>", in_reply_to="<a@customer.example>", received_at=T0 + timedelta(days=1))
    assert thread(db, first["thread_id"])["last_message_at"] == T0 + timedelta(days=1)


def test_a_joined_thread_gains_the_subject_and_contact_it_did_not_have_and_keeps_its_status(db):
    ws_id = workspace(db)
    bare = ingest(db, ws_id, "<bare@us.example>", direction="outbound", from_address="rep@us.example")
    assert (thread(db, bare["thread_id"])["subject"], thread(db, bare["thread_id"])["primary_contact_email"]) == (None, None)
    db.execute("UPDATE intake.threads SET status = 'closed' WHERE thread_id = ?;", bare["thread_id"])

    ingest(db, ws_id, "<answer@customer.example>", in_reply_to="<bare@us.example>", subject="RE: Hello")

    joined = thread(db, bare["thread_id"])
    assert (joined["subject"], joined["primary_contact_email"], joined["status"]) == ("Hello", SENDER, "closed")


def test_a_late_parent_is_threaded_by_its_own_headers_and_its_earlier_reply_is_not_moved(db):
    # Documented choice: rows already stored are never re-threaded.
    ws_id = workspace(db)
    reply = ingest(db, ws_id, "<reply@us.example>", in_reply_to="<parent@customer.example>")
    assert reply["threaded_by"] == "new_thread"

    parent = ingest(db, ws_id, "<parent@customer.example>")

    assert parent["threaded_by"] == "new_thread" and parent["thread_id"] != reply["thread_id"]
    assert message(db, reply["message_row_id"])["thread_id"] == reply["thread_id"]
    # A later message that references both joins the thread of the newest reference it names.
    follow_up = ingest(db, ws_id, "<follow-up@customer.example>",
                       references_json=json.dumps(["<parent@customer.example>", "<reply@us.example>"]))
    assert (follow_up["thread_id"], follow_up["threaded_by"]) == (reply["thread_id"], "references")


# -- dedupe ------------------------------------------------------------------------------------------------


def test_the_same_message_id_twice_is_stored_once_and_the_repeat_is_a_duplicate_that_writes_nothing(db):
    ws_id = workspace(db)
    first = ingest(db, ws_id, "<dup@customer.example>", subject="Original", received_at=T0)
    stored = message(db, first["message_row_id"])
    thread_before = thread(db, first["thread_id"])
    written = counts(db, ws_id)
    marks = identity_marks(db)

    again = ingest(db, ws_id, " <dup@customer.example>", subject="Changed", received_at=T0 + timedelta(days=1),
                   in_reply_to="<something@else.example>")

    assert (again["message_row_id"], again["thread_id"]) == (first["message_row_id"], first["thread_id"])
    assert (again["is_duplicate"], again["threaded_by"]) == (1, None)
    assert counts(db, ws_id) == written
    assert identity_marks(db) == marks, "the duplicate call inserted rows (identity values were used)"
    assert message(db, first["message_row_id"]) == stored
    assert thread(db, first["thread_id"]) == thread_before


def test_a_duplicate_of_a_reply_returns_the_thread_the_reply_joined(db):
    ws_id = workspace(db)
    parent = ingest(db, ws_id, "<p@customer.example>")
    reply = ingest(db, ws_id, "<r@customer.example>", in_reply_to="<p@customer.example>")

    again = ingest(db, ws_id, "<r@customer.example>")

    assert (again["message_row_id"], again["thread_id"], again["is_duplicate"]) == (
        reply["message_row_id"], parent["thread_id"], 1
    )


def test_the_same_message_id_in_two_workspaces_is_two_messages_in_two_threads(db):
    a, b = workspace(db, "a"), workspace(db, "b")

    in_a = ingest(db, a, "<shared@customer.example>")
    in_b = ingest(db, b, "<shared@customer.example>")

    assert (in_a["is_duplicate"], in_b["is_duplicate"]) == (0, 0)
    assert in_a["message_row_id"] != in_b["message_row_id"] and in_a["thread_id"] != in_b["thread_id"]
    assert message(db, in_b["message_row_id"])["workspace_id"] == b


# -- audit -------------------------------------------------------------------------------------------------


def test_a_new_thread_is_audited_as_thread_created_then_message_ingested(db):
    ws_id = workspace(db)
    odd_id = '<"quoted\\local"@customer.example>'
    before = server_now(db)

    result = ingest(db, ws_id, odd_id, actor="mailbox-sync")

    after = server_now(db)
    created, ingested = audit(db, ws_id)
    assert (created["type"], created["thread_id"], created["actor"], created["job_id"]) == (
        "thread.created", result["thread_id"], "mailbox-sync", None
    )
    assert created["data"] == {"thread_id": result["thread_id"], "message_row_id": result["message_row_id"]}
    assert (ingested["type"], ingested["thread_id"], ingested["actor"]) == (
        "message.ingested", result["thread_id"], "mailbox-sync"
    )
    assert ingested["data"] == {
        "message_row_id": result["message_row_id"],
        "thread_id": result["thread_id"],
        "threaded_by": "new_thread",
        "message_id": odd_id,
        "direction": "inbound",
    }
    assert before <= created["created_at"] == ingested["created_at"] <= after


def test_a_reply_is_audited_as_message_ingested_with_the_rule_that_threaded_it(db):
    ws_id = workspace(db)
    parent = ingest(db, ws_id, "<p@customer.example>")
    by_reply = ingest(db, ws_id, "<r1@us.example>", in_reply_to="<p@customer.example>", direction="outbound",
                      from_address="rep@us.example")
    by_reference = ingest(db, ws_id, "<r2@customer.example>", references_json=json.dumps(["<p@customer.example>"]))

    events = audit(db, ws_id)

    assert [e["type"] for e in events] == ["thread.created", "message.ingested", "message.ingested", "message.ingested"]
    assert events[2]["data"]["threaded_by"] == "in_reply_to" and events[2]["data"]["direction"] == "outbound"
    assert events[3]["data"]["threaded_by"] == "references"
    assert [e["data"]["message_row_id"] for e in events[1:]] == [
        parent["message_row_id"], by_reply["message_row_id"], by_reference["message_row_id"]
    ]
    assert {e["thread_id"] for e in events} == {parent["thread_id"]}
    assert all(e["actor"] is None for e in events)


# -- refused calls -----------------------------------------------------------------------------------------

INGEST_ERRORS = [
    pytest.param(50230, {"workspace_id": uuid.uuid4()}, id="50230-unknown-workspace"),
    pytest.param(50230, {"workspace_id": None}, id="50230-no-workspace"),
    pytest.param(50231, {"message_id": None}, id="50231-no-message-id"),
    pytest.param(50231, {"message_id": "   "}, id="50231-blank-message-id"),
    pytest.param(50232, {"references_json": "<a@x.example>"}, id="50232-references-not-json"),
    pytest.param(50232, {"references_json": '{"0": "<a@x.example>"}'}, id="50232-references-an-object"),
    pytest.param(50232, {"references_json": '"<a@x.example>"'}, id="50232-references-a-string"),
    pytest.param(50232, {"references_json": '["<a@x.example>", 7]'}, id="50232-references-a-number"),
    pytest.param(50232, {"references_json": '[["<a@x.example>"]]'}, id="50232-references-nested"),
    pytest.param(50233, {"direction": "sideways"}, id="50233-bad-direction"),
    pytest.param(50233, {"direction": None}, id="50233-no-direction"),
    pytest.param(50234, {"from_address": None}, id="50234-no-sender"),
    pytest.param(50234, {"from_address": "  "}, id="50234-blank-sender"),
    pytest.param(50235, {"to_json": '{"address": "a@x.example"}'}, id="50235-to-an-object"),
    pytest.param(50235, {"to_json": '["a@x.example"]'}, id="50235-to-strings"),
    pytest.param(50235, {"cc_json": "[{"}, id="50235-cc-not-json"),
    pytest.param(50236, {"headers_json": '{"Subject": "x"}'}, id="50236-headers-an-object"),
    pytest.param(50236, {"headers_json": '[["Subject", "x"]]'}, id="50236-headers-arrays"),
]


@pytest.mark.parametrize(("number", "overrides"), INGEST_ERRORS)
def test_ingest_with_a_bad_argument_raises_its_error_and_writes_nothing(db, number, overrides):
    ws_id = workspace(db)
    ingest(db, ws_id, "<primer@customer.example>")  # every written table has had an insert: IDENT_CURRENT is exact
    marks = identity_marks(db)
    arguments = {"workspace_id": ws_id, "message_id": "<refused@customer.example>", "from_address": SENDER,
                 "in_reply_to": "<primer@customer.example>", **overrides}

    with db.expect_error(number) as outcome:
        db.run_proc(INGEST, **arguments)

    assert outcome["rolled_back"] is True
    assert identity_marks(db) == marks, "the refused call inserted rows (identity values were used)"


# -- concurrency (committed rows, one connection per caller) -----------------------------------------------

CALLERS = 8


def test_concurrent_ingests_of_one_message_id_store_it_once(wsdb_database):
    with ws.committed_workspace(wsdb_database, "Intake ingest race") as (session, ws_id):
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
                results.append(ingest(LiveSession(connection), ws_id, "<race@customer.example>", subject=f"copy {n}"))
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
        assert len({r["message_row_id"] for r in results}) == 1
        assert sorted(r["is_duplicate"] for r in results) == [0] + [1] * (CALLERS - 1)
        assert counts(session, ws_id) == {"intake.threads": 1, "intake.messages": 1, "intake.audit_events": 2}
