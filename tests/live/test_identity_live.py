"""Identity resolution on a real SQL Server: app.sp_resolve_identity's four steps and v_identity_resolution_status."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any, Callable

import pytest

from tests.live import workstream as ws

pytestmark = pytest.mark.live

PROC = "app.sp_resolve_identity"
# Both tables the procedure inserts into have an IDENTITY key: an insert moves IDENT_CURRENT even when it is
# rolled back, so an unchanged mark proves that a refused call inserted nothing.
WRITTEN = ("app.canonical_identity_keys", "app.identity_resolution_conflicts")


def resolve(db, org: int, key_type: str | None, key_value: str | None, **params: Any) -> dict:
    """One call; the key's row and its pending conflict_id, as the procedure returns them."""
    results = db.run_proc(PROC, org_id=org, key_type=key_type, key_value=key_value, **params)
    rows = results[-1].dicts()
    assert len(rows) == 1, f"the procedure returns the key's row, got {rows}"
    return rows[0]


def key_row(db, org: int, key_type: str, key_value: str) -> dict:
    rows = db.query(
        "SELECT * FROM app.canonical_identity_keys WHERE org_id = ? AND key_type = ? AND key_value = ?;",
        org,
        key_type,
        key_value,
    )
    assert len(rows) == 1, f"one stored key {key_type} {key_value!r}, found {len(rows)}"
    return rows[0]


def conflicts(db, org: int, key_type: str, key_value: str) -> list[dict]:
    rows = db.query(
        "SELECT * FROM app.identity_resolution_conflicts WHERE org_id = ? AND key_type = ? AND key_value = ?"
        " ORDER BY conflict_id;",
        org,
        key_type,
        key_value,
    )
    for row in rows:
        row["contact_ids"] = json.loads(row["conflicting_contact_ids"]) if row["conflicting_contact_ids"] else None
        row["client_ids"] = json.loads(row["conflicting_client_ids"]) if row["conflicting_client_ids"] else None
    return rows


def identity_marks(db) -> list:
    return [db.scalar("SELECT IDENT_CURRENT(?) AS v;", table) for table in WRITTEN]


# -- step 3: a key seen for the first time ------------------------------------------------------------


def test_a_new_key_seen_without_ids_is_unresolved(db):
    org = ws.org(db)
    row = resolve(db, org, "email", "new@example.test")

    assert (row["key_type"], row["key_value"], row["resolution_status"]) == ("email", "new@example.test", "unresolved")
    assert (row["canonical_contact_id"], row["canonical_client_id"], row["confidence_score"]) == (None, None, None)
    assert (row["occurrences"], row["conflict_id"]) == (1, None)
    stored = key_row(db, org, "email", "new@example.test")
    assert stored["key_id"] == row["key_id"]
    assert (stored["resolved_by"], stored["resolved_at"]) == (None, None)
    assert stored["first_seen_at"] == stored["last_seen_at"]


def test_a_new_key_seen_with_a_contact_and_client_is_auto_resolved_at_0_80(db):
    org = ws.org(db)
    client = ws.client(db, org)
    contact = ws.contact(db, org, client_id=client)
    row = resolve(db, org, "email", "auto@example.test", resolved_contact_id=contact, resolved_client_id=client)

    assert row["resolution_status"] == "auto_resolved"
    assert row["confidence_score"] == Decimal("0.80")
    assert (row["canonical_contact_id"], row["canonical_client_id"]) == (contact, client)
    stored = key_row(db, org, "email", "auto@example.test")
    assert stored["resolved_by"] is None
    assert stored["resolved_at"] is not None


def test_a_new_key_resolved_by_a_user_is_manual_resolved_at_1_00(db):
    org = ws.org(db)
    user = ws.user(db, org)
    client = ws.client(db, org)
    row = resolve(db, org, "company_domain", "acme.test", resolved_client_id=client, resolved_by=user)

    assert (row["resolution_status"], row["confidence_score"]) == ("manual_resolved", Decimal("1.00"))
    assert (row["canonical_contact_id"], row["canonical_client_id"]) == (None, client)
    stored = key_row(db, org, "company_domain", "acme.test")
    assert stored["resolved_by"] == user
    assert stored["resolved_at"] is not None


# -- normalization --------------------------------------------------------------------------------------

NORMALIZED = [
    ("email", "  John.Doe@Example.COM ", "john.doe@example.com"),
    ("email", "\tMixed.Case@Example.Test\r\n", "mixed.case@example.test"),
    ("phone", "+1 (555) 010-2030", "+15550102030"),
    ("phone", " (555) 010.2030 ext", "5550102030"),
    ("phone", "+44 20 7946 0958", "+442079460958"),
    ("company_domain", "https://www.Example.com/about?x=1", "example.com"),
    ("company_domain", "http://shop.example.com:8080/", "shop.example.com"),
    ("company_domain", "WWW.EXAMPLE.COM.", "example.com"),
    ("company_domain", "example.com/contact#team", "example.com"),
    ("source_ref", "  Ref-ABC/42 ", "Ref-ABC/42"),
]


@pytest.mark.parametrize("key_type, given, stored", NORMALIZED, ids=[f"{t}:{g.strip()}" for t, g, _ in NORMALIZED])
def test_a_key_is_stored_normalized(db, key_type, given, stored):
    org = ws.org(db)
    row = resolve(db, org, key_type, given)
    assert row["key_value"] == stored
    assert key_row(db, org, key_type, stored)["key_id"] == row["key_id"]


@pytest.mark.parametrize(
    "key_type, spellings",
    [
        ("email", ["Jane@Example.com", "jane@example.COM", "  JANE@EXAMPLE.COM"]),
        ("phone", ["+1 555 010 2030", "+1-555-010-2030", "+1 (555) 0102030"]),
        ("company_domain", ["https://www.example.com/", "example.com", "http://EXAMPLE.com/jobs", "www.example.com."]),
    ],
)
def test_spellings_that_normalize_alike_are_sightings_of_one_key(db, key_type, spellings):
    org = ws.org(db)
    rows = [resolve(db, org, key_type, spelling) for spelling in spellings]
    assert len({row["key_id"] for row in rows}) == 1
    assert [row["occurrences"] for row in rows] == list(range(1, len(spellings) + 1))
    assert ws.count(db, "app.canonical_identity_keys", "org_id = ?", org) == 1


def test_a_phone_with_a_leading_plus_and_one_without_are_two_keys(db):
    org = ws.org(db)
    with_plus = resolve(db, org, "phone", "+1 555 010 2030")
    without = resolve(db, org, "phone", "1 555 010 2030")
    assert (with_plus["key_value"], without["key_value"]) == ("+15550102030", "15550102030")
    assert with_plus["key_id"] != without["key_id"]


def test_a_source_ref_keeps_its_case_and_the_key_type_is_read_case_insensitively(db):
    org = ws.org(db)
    row = resolve(db, org, "SOURCE_REF", " Ref-A ")
    assert (row["key_type"], row["key_value"]) == ("source_ref", "Ref-A")
    assert key_row(db, org, "source_ref", "Ref-A")["key_id"] == row["key_id"]


# -- step 3: later sightings ----------------------------------------------------------------------------


def test_each_sighting_counts_and_moves_last_seen_at_but_not_first_seen_at(db):
    org = ws.org(db)
    resolve(db, org, "email", "seen@example.test")
    db.execute(
        "UPDATE app.canonical_identity_keys SET first_seen_at = ?, last_seen_at = ? WHERE org_id = ?;",
        ws.hours_ago(5),
        ws.hours_ago(4),
        org,
    )
    before = key_row(db, org, "email", "seen@example.test")

    row = resolve(db, org, "email", "Seen@Example.test")
    after = key_row(db, org, "email", "seen@example.test")

    assert row["occurrences"] == after["occurrences"] == 2
    assert after["first_seen_at"] == before["first_seen_at"]
    assert after["last_seen_at"] > before["last_seen_at"]
    assert after["last_seen_at"] > ws.hours_ago(1)
    assert row["resolution_status"] == "unresolved"


def test_an_unresolved_key_seen_with_a_contact_becomes_auto_resolved(db):
    org = ws.org(db)
    contact = ws.contact(db, org)
    resolve(db, org, "phone", "+1 555 000 1111")
    row = resolve(db, org, "phone", "+1 555 000 1111", resolved_contact_id=contact)

    assert (row["resolution_status"], row["confidence_score"], row["canonical_contact_id"]) == ("auto_resolved", Decimal("0.80"), contact)
    assert key_row(db, org, "phone", "+15550001111")["resolved_at"] is not None
    assert row["occurrences"] == 2


def test_a_sighting_fills_in_an_id_the_key_did_not_know_without_a_conflict(db):
    org = ws.org(db)
    client = ws.client(db, org)
    contact = ws.contact(db, org, client_id=client)
    resolve(db, org, "email", "fill@example.test", resolved_contact_id=contact)
    row = resolve(db, org, "email", "fill@example.test", resolved_contact_id=contact, resolved_client_id=client)

    assert (row["canonical_contact_id"], row["canonical_client_id"]) == (contact, client)
    assert (row["resolution_status"], row["confidence_score"], row["conflict_id"]) == ("auto_resolved", Decimal("0.80"), None)
    assert conflicts(db, org, "email", "fill@example.test") == []


def test_a_sighting_without_ids_leaves_a_resolved_key_as_it_is(db):
    org = ws.org(db)
    contact = ws.contact(db, org)
    resolve(db, org, "email", "keep@example.test", resolved_contact_id=contact)
    row = resolve(db, org, "email", "keep@example.test")
    assert (row["canonical_contact_id"], row["resolution_status"], row["occurrences"]) == (contact, "auto_resolved", 2)


# -- steps 1 and 2: conflicts ---------------------------------------------------------------------------


def test_a_conflicting_contact_is_logged_once_per_key_and_the_key_keeps_its_canonical_contact(db):
    org = ws.org(db)
    a, b, c = ws.contact(db, org), ws.contact(db, org), ws.contact(db, org)
    resolve(db, org, "email", "shared@example.test", resolved_contact_id=a)

    first = resolve(db, org, "email", "shared@example.test", resolved_contact_id=b)
    assert first["conflict_id"] is not None
    assert (first["resolution_status"], first["canonical_contact_id"]) == ("conflict", a)
    logged = conflicts(db, org, "email", "shared@example.test")
    assert len(logged) == 1
    assert (logged[0]["conflict_id"], logged[0]["resolution_status"]) == (first["conflict_id"], "pending")
    assert (logged[0]["contact_ids"], logged[0]["client_ids"]) == ([a, b], None)
    assert "another contact" in logged[0]["conflict_reason"]
    assert logged[0]["detected_at"] is not None

    second = resolve(db, org, "email", "shared@example.test", resolved_contact_id=c)
    third = resolve(db, org, "email", "shared@example.test", resolved_contact_id=b)
    assert second["conflict_id"] == third["conflict_id"] == first["conflict_id"]
    logged = conflicts(db, org, "email", "shared@example.test")
    assert len(logged) == 1
    assert logged[0]["contact_ids"] == [a, b, c]

    stored = key_row(db, org, "email", "shared@example.test")
    assert (stored["canonical_contact_id"], stored["resolution_status"], stored["occurrences"]) == (a, "conflict", 4)
    assert stored["confidence_score"] == Decimal("0.80")


def test_a_conflicting_client_is_logged_in_the_client_ids(db):
    org = ws.org(db)
    x, y = ws.client(db, org), ws.client(db, org)
    resolve(db, org, "company_domain", "dup.example", resolved_client_id=x)
    row = resolve(db, org, "company_domain", "https://www.dup.example/", resolved_client_id=y)

    logged = conflicts(db, org, "company_domain", "dup.example")
    assert [(c["contact_ids"], c["client_ids"]) for c in logged] == [(None, [x, y])]
    assert "another client" in logged[0]["conflict_reason"]
    assert (row["canonical_client_id"], row["resolution_status"]) == (x, "conflict")


def test_a_contact_and_a_client_conflicting_at_once_are_one_conflict_with_both_arrays(db):
    org = ws.org(db)
    x, y = ws.client(db, org), ws.client(db, org)
    a, b = ws.contact(db, org), ws.contact(db, org)
    resolve(db, org, "phone", "+1 555 222 3333", resolved_contact_id=a, resolved_client_id=x)
    resolve(db, org, "phone", "+1 555 222 3333", resolved_contact_id=b, resolved_client_id=y)

    logged = conflicts(db, org, "phone", "+15552223333")
    assert [(c["contact_ids"], c["client_ids"]) for c in logged] == [([a, b], [x, y])]
    assert "another contact and client" in logged[0]["conflict_reason"]
    stored = key_row(db, org, "phone", "+15552223333")
    assert (stored["canonical_contact_id"], stored["canonical_client_id"]) == (a, x)


def test_a_sighting_of_the_canonical_contact_during_a_conflict_is_counted_and_the_conflict_stays_open(db):
    org = ws.org(db)
    a, b = ws.contact(db, org), ws.contact(db, org)
    resolve(db, org, "email", "open@example.test", resolved_contact_id=a)
    opened = resolve(db, org, "email", "open@example.test", resolved_contact_id=b)

    row = resolve(db, org, "email", "open@example.test", resolved_contact_id=a)

    assert (row["resolution_status"], row["canonical_contact_id"], row["occurrences"]) == ("conflict", a, 3)
    assert row["conflict_id"] == opened["conflict_id"]
    assert [c["contact_ids"] for c in conflicts(db, org, "email", "open@example.test")] == [[a, b]]


# -- step 4: manual decisions ---------------------------------------------------------------------------


def test_a_manual_resolution_wins_and_closes_the_pending_conflict(db):
    org = ws.org(db)
    user = ws.user(db, org)
    a, b = ws.contact(db, org), ws.contact(db, org)
    resolve(db, org, "email", "decide@example.test", resolved_contact_id=a)
    opened = resolve(db, org, "email", "decide@example.test", resolved_contact_id=b)

    row = resolve(db, org, "email", "decide@example.test", resolved_contact_id=b, resolved_by=user)

    assert (row["canonical_contact_id"], row["resolution_status"], row["confidence_score"]) == (b, "manual_resolved", Decimal("1.00"))
    assert row["conflict_id"] is None
    stored = key_row(db, org, "email", "decide@example.test")
    assert (stored["resolved_by"], stored["occurrences"]) == (user, 3)
    closed = conflicts(db, org, "email", "decide@example.test")
    assert len(closed) == 1
    assert (closed[0]["conflict_id"], closed[0]["resolution_status"]) == (opened["conflict_id"], "resolved")
    assert (closed[0]["resolved_contact_id"], closed[0]["resolved_client_id"], closed[0]["resolved_by"]) == (b, None, user)
    assert closed[0]["resolved_at"] is not None
    assert closed[0]["resolution_notes"]


def test_a_manual_resolution_of_the_client_keeps_the_contact_the_key_knows(db):
    org = ws.org(db)
    user = ws.user(db, org)
    contact = ws.contact(db, org)
    x, y = ws.client(db, org), ws.client(db, org)
    resolve(db, org, "email", "part@example.test", resolved_contact_id=contact, resolved_client_id=x)
    row = resolve(db, org, "email", "part@example.test", resolved_client_id=y, resolved_by=user)
    assert (row["canonical_contact_id"], row["canonical_client_id"], row["resolution_status"]) == (contact, y, "manual_resolved")


def test_an_automatic_sighting_never_overturns_a_manual_decision(db):
    org = ws.org(db)
    user = ws.user(db, org)
    a, b = ws.contact(db, org), ws.contact(db, org)
    resolve(db, org, "email", "manual@example.test", resolved_contact_id=a, resolved_by=user)

    row = resolve(db, org, "email", "manual@example.test", resolved_contact_id=b)

    assert (row["canonical_contact_id"], row["resolution_status"], row["confidence_score"]) == (a, "manual_resolved", Decimal("1.00"))
    assert (row["occurrences"], row["conflict_id"]) == (2, None)
    assert conflicts(db, org, "email", "manual@example.test") == []
    assert key_row(db, org, "email", "manual@example.test")["resolved_by"] == user


def test_a_later_manual_decision_replaces_an_earlier_one(db):
    org = ws.org(db)
    first_user, second_user = ws.user(db, org), ws.user(db, org)
    a, b = ws.contact(db, org), ws.contact(db, org)
    resolve(db, org, "email", "again@example.test", resolved_contact_id=a, resolved_by=first_user)
    row = resolve(db, org, "email", "again@example.test", resolved_contact_id=b, resolved_by=second_user)

    assert (row["canonical_contact_id"], row["resolution_status"]) == (b, "manual_resolved")
    assert key_row(db, org, "email", "again@example.test")["resolved_by"] == second_user
    assert conflicts(db, org, "email", "again@example.test") == []


# -- refused calls --------------------------------------------------------------------------------------


def of_another_org(builder: Callable) -> Callable:
    return lambda db, org: builder(db, ws.org(db))


REFUSED = [
    (50001, "unknown org", lambda db, org: {"org_id": -1}),
    (50001, "no org", lambda db, org: {"org_id": None}),
    (50002, "key type fax", lambda db, org: {"key_type": "fax"}),
    (50002, "no key type", lambda db, org: {"key_type": None}),
    (50002, "empty key type", lambda db, org: {"key_type": ""}),
    (50003, "no key value", lambda db, org: {"key_value": None}),
    (50003, "a blank key value", lambda db, org: {"key_value": " \t\r\n"}),
    (50003, "a phone without digits", lambda db, org: {"key_type": "phone", "key_value": "call me"}),
    (50003, "a phone that is only a plus", lambda db, org: {"key_type": "phone", "key_value": " + ( ) "}),
    (50003, "a domain that is only a scheme", lambda db, org: {"key_type": "company_domain", "key_value": "https://"}),
    (50003, "a domain that is only a path", lambda db, org: {"key_type": "company_domain", "key_value": "/about"}),
    (50004, "unknown contact", lambda db, org: {"resolved_contact_id": -1}),
    (50004, "contact of another org", lambda db, org: {"resolved_contact_id": of_another_org(ws.contact)(db, org)}),
    (50005, "client of another org", lambda db, org: {"resolved_client_id": of_another_org(ws.client)(db, org)}),
    (50006, "resolver of another org", lambda db, org: {"resolved_contact_id": ws.contact(db, org), "resolved_by": of_another_org(ws.user)(db, org)}),
    (50007, "manual call without ids", lambda db, org: {"resolved_by": ws.user(db, org)}),
]


@pytest.mark.parametrize("number, case, change", REFUSED, ids=[f"{n}-{c}" for n, c, _ in REFUSED])
def test_a_bad_call_is_refused_with_its_number_and_writes_nothing(db, number, case, change):
    org = ws.org(db)
    a, b = ws.contact(db, org), ws.contact(db, org)
    resolve(db, org, "email", "known@example.test", resolved_contact_id=a)
    resolve(db, org, "email", "known@example.test", resolved_contact_id=b)  # both tables have issued identity values
    arguments = {"org_id": org, "key_type": "email", "key_value": "known@example.test", **change(db, org)}
    marks = identity_marks(db)

    with db.expect_error(number) as outcome:
        db.run_proc(PROC, **arguments)

    assert outcome["rolled_back"] is True
    assert identity_marks(db) == marks, f"{case}: the refused call inserted rows (identity values were used)"


# -- the dashboard view ---------------------------------------------------------------------------------


def test_the_status_view_counts_a_fresh_orgs_keys_per_type(db):
    org = ws.org(db)
    user = ws.user(db, org)
    a, b = ws.contact(db, org), ws.contact(db, org)
    resolve(db, org, "email", "u@example.test")
    resolve(db, org, "email", "auto@example.test", resolved_contact_id=a)
    resolve(db, org, "email", "manual@example.test", resolved_contact_id=a, resolved_by=user)
    resolve(db, org, "email", "conflict@example.test", resolved_contact_id=a)
    resolve(db, org, "email", "conflict@example.test", resolved_contact_id=b)
    resolve(db, org, "phone", "+1 555 999 0000")

    rows = {row["key_type"]: row for row in db.read_view("app.v_identity_resolution_status", "org_id = ?", org)}

    assert set(rows) == {"email", "phone"}
    email, phone = rows["email"], rows["phone"]
    counts = ("total_keys", "unresolved_count", "auto_resolved_count", "manual_resolved_count", "conflict_count")
    assert tuple(email[c] for c in counts) == (4, 1, 1, 1, 1)
    assert tuple(phone[c] for c in counts) == (1, 1, 0, 0, 0)
    assert email["avg_confidence"] == Decimal("0.867")  # (0.80 + 1.00 + 0.80) / 3; unresolved keys have none
    assert phone["avg_confidence"] is None

    keys = db.query("SELECT key_type, last_seen_at, resolved_at FROM app.canonical_identity_keys WHERE org_id = ?;", org)
    for key_type, row in rows.items():
        latest = max(max(k["last_seen_at"], k["resolved_at"] or k["last_seen_at"]) for k in keys if k["key_type"] == key_type)
        assert row["most_recent_activity"] == latest


def test_the_status_view_has_no_rows_for_an_org_without_keys(db):
    org = ws.org(db)
    assert db.read_view("app.v_identity_resolution_status", "org_id = ?", org) == []
