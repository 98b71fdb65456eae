"""SLA breach detection (app.sp_record_sla_breaches) against a real SQL Server.

The shipped template config (org 0) carries SLA rules that apply to every org, so each test builds its own org
and items and looks only at those. Ages are set with the server's clock (DATEADD on SYSUTCDATETIME()), so a
threshold test does not depend on the test machine's clock agreeing with the server's to the millisecond.
"""

from __future__ import annotations

import json
import math
import time
from datetime import datetime, timedelta

import pytest

from harness.pytest_plugin import live_session
from tests.live import workstream as ws

pytestmark = pytest.mark.live

PROC = "app.sp_record_sla_breaches"
UNKNOWN_ORG = 50040
LOCK_NOT_GRANTED = 50041

_AGE_SQL = {
    "signal": "UPDATE app.signal SET ts = DATEADD(SECOND, ?, SYSUTCDATETIME()) WHERE signal_id = ?;",
    "candidate": "UPDATE app.candidate SET last_touch_at = DATEADD(SECOND, ?, SYSUTCDATETIME()) WHERE candidate_id = ?;",
    "pursuit": "UPDATE app.pursuit SET updated_at = DATEADD(SECOND, ?, SYSUTCDATETIME()) WHERE pursuit_id = ?;",
}


# -- helpers ----------------------------------------------------------------------------------------


def run(db, org_id: int | None = None) -> dict:
    """One run of the procedure (for one org, or every org); its result row."""
    results = db.run_proc(PROC, org_id=org_id) if org_id is not None else db.run_proc(PROC)
    rows = results[-1].dicts()
    assert len(rows) == 1
    return rows[0]


def age(db, item_type: str, item_id: int, hours: float) -> None:
    """Sets the item's clock (signal ts, candidate last_touch_at, pursuit updated_at) to `hours` before the server's now."""
    db.execute(_AGE_SQL[item_type], -round(hours * 3600), item_id)


def due_in(db, pursuit_id: int, days: int | None) -> None:
    """Sets the pursuit's due date to the server's UTC today + `days` (None: no due date)."""
    if days is None:
        db.execute("UPDATE app.pursuit SET due_date = NULL WHERE pursuit_id = ?;", pursuit_id)
    else:
        db.execute(
            "UPDATE app.pursuit SET due_date = DATEADD(DAY, ?, CAST(SYSUTCDATETIME() AS date)) WHERE pursuit_id = ?;",
            days,
            pursuit_id,
        )


def clear_of_the_hour(db, seconds: float = 90) -> None:
    """Waits until the server's clock is at least `seconds` before the next whole UTC hour (due dates count from
    00:00 UTC, so every due-date boundary falls on a whole hour)."""
    ms = db.scalar(
        "SELECT DATEDIFF_BIG(MILLISECOND, CAST(CAST(SYSUTCDATETIME() AS date) AS datetime2), SYSUTCDATETIME()) AS ms;"
    )
    left = 3_600_000 - int(ms) % 3_600_000
    if left < seconds * 1000:
        time.sleep(left / 1000 + 1)


def shipped_threshold(db, key: str) -> int:
    return ws.shipped(db, "sla_rule", key)["threshold_hrs"]


def direct_rule(db, org_id: int, item_type: str, stage: str | None, metric: str, threshold_hrs: int, **values) -> int:
    """A rule written directly into app.sla_rule (config_id NULL)."""
    row = {"org_id": org_id, "item_type": item_type, "stage": stage, "metric": metric, "threshold_hrs": threshold_hrs}
    return ws.insert(db, "app.sla_rule", {**row, **values}, identity="rule_id")


def sla_doc(item_type: str, stage: str | None, metric: str, threshold_hrs) -> dict:
    return {"item_type": item_type, "stage": stage, "metric": metric, "threshold_hrs": threshold_hrs}


def materialized_rule(db, org_id: int, config_key: str) -> dict:
    """The org's app.sla_rule row materialized from the 'sla_rule' entry in force for `config_key`."""
    rows = db.query(
        "SELECT r.rule_id, r.org_id, r.item_type, r.stage, r.metric, r.threshold_hrs, r.active_from, r.active_to, "
        "r.is_active, r.config_id "
        "FROM app.sla_rule AS r INNER JOIN app.v_effective_config AS e "
        "ON e.config_id = r.config_id AND e.org_id = r.org_id "
        "WHERE r.org_id = ? AND e.config_type = 'sla_rule' AND e.config_key = ?;",
        org_id,
        config_key,
    )
    assert len(rows) == 1, f"expected one materialized rule for {config_key}, found {len(rows)}"
    return rows[0]


def breaches(db, org_id: int, item_type: str, item_id: int, open_only: bool = False) -> list[dict]:
    """The item's breaches (oldest first) with their rule's metric, threshold and config entry."""
    sql = (
        "SELECT b.breach_id, b.item_type, b.item_id, b.rule_id, b.breached_at, b.reason_code, b.resolved_at, "
        "r.metric, r.stage, r.threshold_hrs, r.config_id "
        "FROM app.sla_breach AS b INNER JOIN app.sla_rule AS r ON r.org_id = b.org_id AND r.rule_id = b.rule_id "
        "WHERE b.org_id = ? AND b.item_type = ? AND b.item_id = ?"
    )
    if open_only:
        sql += " AND b.resolved_at IS NULL"
    return db.query(sql + " ORDER BY b.breach_id;", org_id, item_type, item_id)


def open_rule_ids(db, org_id: int, item_type: str, item_id: int) -> set[int]:
    return {b["rule_id"] for b in breaches(db, org_id, item_type, item_id, open_only=True)}


def sla_events(db, org_id: int, item_type: str, item_id: int, name: str) -> list[dict]:
    return [e for e in ws.events(db, org_id, item_type, item_id) if e["event_name"] == name]


def effective_sla_config_ids(db, org_id: int) -> set[int]:
    rows = db.query(
        "SELECT e.config_id FROM app.v_effective_config AS e WHERE e.org_id = ? AND e.config_type = 'sla_rule';", org_id
    )
    return {r["config_id"] for r in rows}


# -- each metric at its threshold -------------------------------------------------------------------


def test_a_signal_breaches_its_response_rule_at_exactly_the_threshold_and_not_a_minute_before(db):
    org = ws.org(db)
    hours = shipped_threshold(db, "signal.any.response")
    at, before = ws.signal(db, org), ws.signal(db, org)
    age(db, "signal", at, hours)
    age(db, "signal", before, hours - 1 / 60)

    outcome = run(db, org)

    rule = materialized_rule(db, org, "signal.any.response")
    assert [(b["rule_id"], b["reason_code"]) for b in breaches(db, org, "signal", at)] == [
        (rule["rule_id"], "response_overdue")
    ]
    assert breaches(db, org, "signal", before) == []
    assert outcome["breaches_recorded"] == 1
    assert outcome["breaches_resolved"] == 0


def test_a_signal_linked_to_a_candidate_has_no_response_breach(db):
    org = ws.org(db)
    hours = shipped_threshold(db, "signal.any.response")
    linked = ws.signal(db, org)
    age(db, "signal", linked, hours + 10)
    candidate = ws.candidate(db, org)
    ws.insert(db, "app.candidate_signal", {"org_id": org, "candidate_id": candidate, "signal_id": linked})

    run(db, org)

    assert breaches(db, org, "signal", linked) == []


@pytest.mark.parametrize("status", ["new", "triaged", "nurture"])
def test_a_candidate_breaches_its_touch_rule_at_exactly_the_threshold_and_not_a_minute_before(db, status):
    org = ws.org(db)
    hours = shipped_threshold(db, f"candidate.{status}.touch")
    at, before = ws.candidate(db, org, status=status), ws.candidate(db, org, status=status)
    age(db, "candidate", at, hours)
    age(db, "candidate", before, hours - 1 / 60)

    run(db, org)

    rule = materialized_rule(db, org, f"candidate.{status}.touch")
    assert [(b["rule_id"], b["reason_code"]) for b in breaches(db, org, "candidate", at)] == [
        (rule["rule_id"], "touch_overdue")
    ]
    assert breaches(db, org, "candidate", before) == []


@pytest.mark.parametrize("status", ["promoted", "archived"])
def test_a_closed_candidate_never_breaches_however_long_untouched(db, status):
    org = ws.org(db)
    direct_rule(db, org, "candidate", None, "touch", 1)
    candidate = ws.candidate(db, org, status=status)
    age(db, "candidate", candidate, 5000)

    run(db, org)

    assert breaches(db, org, "candidate", candidate) == []


@pytest.mark.parametrize("stage", ["qual", "pink", "red", "submit"])
def test_a_pursuit_breaches_its_touch_rule_at_exactly_the_threshold_and_not_a_minute_before(db, stage):
    org = ws.org(db)
    hours = shipped_threshold(db, f"pursuit.{stage}.touch")
    at, before = ws.pursuit(db, org, pursuit_stage=stage), ws.pursuit(db, org, pursuit_stage=stage)
    age(db, "pursuit", at, hours)
    age(db, "pursuit", before, hours - 1 / 60)

    run(db, org)

    rule = materialized_rule(db, org, f"pursuit.{stage}.touch")
    assert [(b["rule_id"], b["reason_code"]) for b in breaches(db, org, "pursuit", at)] == [
        (rule["rule_id"], "touch_overdue")
    ]
    assert breaches(db, org, "pursuit", before) == []


@pytest.mark.parametrize("stage", ["won", "lost"])
def test_a_won_or_lost_pursuit_never_breaches(db, stage):
    org = ws.org(db)
    direct_rule(db, org, "pursuit", None, "touch", 1)
    pursuit = ws.pursuit(db, org, pursuit_stage=stage)
    age(db, "pursuit", pursuit, 5000)
    due_in(db, pursuit, -10)

    run(db, org)

    assert breaches(db, org, "pursuit", pursuit) == []


def test_a_due_date_breaches_threshold_hours_before_its_midnight_and_not_an_hour_later(db):
    clear_of_the_hour(db)
    org = ws.org(db)
    pursuit = ws.pursuit(db, org, pursuit_stage="qual")
    due_in(db, pursuit, 3)  # 48 to 72 hours away: the shipped 48-hour due rule is not reached
    ms = db.scalar(
        "SELECT DATEDIFF_BIG(MILLISECOND, SYSUTCDATETIME(), CAST(p.due_date AS datetime2)) AS ms "
        "FROM app.pursuit AS p WHERE p.pursuit_id = ?;",
        pursuit,
    )
    hours_left = int(ms) / 3_600_000
    reached = direct_rule(db, org, "pursuit", "qual", "due", math.ceil(hours_left))
    not_yet = direct_rule(db, org, "pursuit", "qual", "due", math.floor(hours_left))  # its moment is 90 s+ away

    run(db, org)

    assert [(b["rule_id"], b["reason_code"]) for b in breaches(db, org, "pursuit", pursuit)] == [(reached, "due_soon")]
    assert not_yet not in open_rule_ids(db, org, "pursuit", pursuit)


def test_a_pursuit_is_past_due_from_its_due_date_on_and_due_soon_before_it(db):
    clear_of_the_hour(db)
    org = ws.org(db)
    hours = shipped_threshold(db, "pursuit.any.due")
    assert hours >= 24, "the shipped due rule should reach tomorrow's due dates"
    today = ws.pursuit(db, org, pursuit_stage="qual")
    yesterday = ws.pursuit(db, org, pursuit_stage="pink")
    tomorrow = ws.pursuit(db, org, pursuit_stage="red")
    later = ws.pursuit(db, org, pursuit_stage="qual")
    due_in(db, today, 0)
    due_in(db, yesterday, -1)
    due_in(db, tomorrow, 1)
    due_in(db, later, hours // 24 + 2)

    run(db, org)

    rule = materialized_rule(db, org, "pursuit.any.due")
    assert [(b["rule_id"], b["reason_code"]) for b in breaches(db, org, "pursuit", today)] == [(rule["rule_id"], "past_due")]
    assert [b["reason_code"] for b in breaches(db, org, "pursuit", yesterday)] == ["past_due"]
    assert [b["reason_code"] for b in breaches(db, org, "pursuit", tomorrow)] == ["due_soon"]
    assert breaches(db, org, "pursuit", later) == []


def test_a_null_due_date_never_breaches_and_a_submitted_pursuit_has_no_due_breach(db):
    org = ws.org(db)
    undated = ws.pursuit(db, org, pursuit_stage="qual")
    submitted = ws.pursuit(db, org, pursuit_stage="submit")
    due_in(db, submitted, -3)
    huge = direct_rule(db, org, "pursuit", "qual", "due", 2_147_483_647)  # every dated qual pursuit is due soon

    run(db, org)

    assert breaches(db, org, "pursuit", undated) == []
    assert breaches(db, org, "pursuit", submitted) == []
    dated = ws.pursuit(db, org, pursuit_stage="qual")
    due_in(db, dated, 4000)
    run(db, org)
    assert [(b["rule_id"], b["reason_code"]) for b in breaches(db, org, "pursuit", dated)] == [(huge, "due_soon")]
    assert breaches(db, org, "pursuit", undated) == []


def test_a_threshold_beyond_the_calendar_is_no_error_and_never_breaches_a_touch(db):
    org = ws.org(db)
    rule = direct_rule(db, org, "candidate", "on_hold", "touch", 2_147_483_647)
    candidate = ws.candidate(db, org, status="on_hold")
    db.execute("UPDATE app.candidate SET last_touch_at = ? WHERE candidate_id = ?;", datetime(1900, 1, 1), candidate)

    outcome = run(db, org)

    assert rule not in open_rule_ids(db, org, "candidate", candidate)
    assert outcome["rules_in_force"] == len(effective_sla_config_ids(db, org)) + 1


def test_a_rule_without_a_stage_covers_every_open_stage(db):
    org = ws.org(db)
    any_candidate = direct_rule(db, org, "candidate", None, "touch", 10)
    any_pursuit = direct_rule(db, org, "pursuit", None, "touch", 10)
    on_hold = ws.candidate(db, org, status="on_hold")
    triaged = ws.candidate(db, org, status="triaged")
    red = ws.pursuit(db, org, pursuit_stage="red")
    for item_type, item_id in (("candidate", on_hold), ("candidate", triaged), ("pursuit", red)):
        age(db, item_type, item_id, 12)

    run(db, org)

    assert open_rule_ids(db, org, "candidate", on_hold) == {any_candidate}
    assert open_rule_ids(db, org, "candidate", triaged) == {any_candidate}
    assert open_rule_ids(db, org, "pursuit", red) == {any_pursuit}


def test_an_unknown_metric_or_a_metric_of_another_item_type_measures_nothing(db):
    org = ws.org(db)
    rules = {
        direct_rule(db, org, "candidate", None, "response", 1),
        direct_rule(db, org, "signal", None, "touch", 1),
        direct_rule(db, org, "pursuit", None, "velocity", 1),
    }
    candidate = ws.candidate(db, org, status="on_hold")
    signal = ws.signal(db, org)
    pursuit = ws.pursuit(db, org, pursuit_stage="qual")
    for item_type, item_id in (("candidate", candidate), ("signal", signal), ("pursuit", pursuit)):
        age(db, item_type, item_id, 2)

    outcome = run(db, org)

    assert outcome["rules_in_force"] == len(effective_sla_config_ids(db, org)) + 3
    for item_type, item_id in (("candidate", candidate), ("signal", signal), ("pursuit", pursuit)):
        assert not open_rule_ids(db, org, item_type, item_id) & rules


# -- which rules are in force ----------------------------------------------------------------------


def test_a_direct_rule_overrides_the_config_rule_with_the_same_item_type_stage_and_metric(db):
    org = ws.org(db)
    direct = direct_rule(db, org, "candidate", "new", "touch", 10)
    fresh = ws.candidate(db, org, status="new")
    stale = ws.candidate(db, org, status="new")
    age(db, "candidate", fresh, 12)
    age(db, "candidate", stale, shipped_threshold(db, "candidate.new.touch") + 5)

    outcome = run(db, org)

    shipped = materialized_rule(db, org, "candidate.new.touch")["rule_id"]
    assert open_rule_ids(db, org, "candidate", fresh) == {direct}
    assert open_rule_ids(db, org, "candidate", stale) == {direct}, "the overridden config rule must not breach too"
    assert shipped not in open_rule_ids(db, org, "candidate", stale)
    assert outcome["rules_in_force"] == len(effective_sla_config_ids(db, org))  # one replaced, none added


def test_a_direct_null_stage_rule_overrides_the_config_rule_with_a_null_stage(db):
    org = ws.org(db)
    direct = direct_rule(db, org, "signal", None, "response", 2)
    signal = ws.signal(db, org)
    age(db, "signal", signal, shipped_threshold(db, "signal.any.response") + 1)

    run(db, org)

    assert open_rule_ids(db, org, "signal", signal) == {direct}


def test_a_direct_rule_that_is_inactive_or_not_yet_active_neither_breaches_nor_overrides(db):
    org = ws.org(db)
    hours = shipped_threshold(db, "candidate.new.touch")
    inactive = direct_rule(db, org, "candidate", "new", "touch", 1, is_active=0)
    future = direct_rule(db, org, "candidate", "new", "touch", 1, active_from=ws.utcnow() + timedelta(days=1))
    ended = direct_rule(
        db, org, "candidate", "new", "touch", 1, active_from=ws.hours_ago(100), active_to=ws.hours_ago(50)
    )
    candidate = ws.candidate(db, org, status="new")
    age(db, "candidate", candidate, hours + 1)

    run(db, org)

    shipped = materialized_rule(db, org, "candidate.new.touch")["rule_id"]
    assert open_rule_ids(db, org, "candidate", candidate) == {shipped}
    assert not {inactive, future, ended} & open_rule_ids(db, org, "candidate", candidate)


def test_an_org_config_entry_overrides_the_template_entry(db):
    org = ws.org(db)
    config_id = ws.config(db, org, "sla_rule", "candidate.new.touch", sla_doc("candidate", "new", "touch", 5))
    candidate = ws.candidate(db, org, status="new")
    age(db, "candidate", candidate, 6)

    run(db, org)

    rule = materialized_rule(db, org, "candidate.new.touch")
    assert (rule["config_id"], rule["threshold_hrs"]) == (config_id, 5)
    assert [(b["rule_id"], b["threshold_hrs"]) for b in breaches(db, org, "candidate", candidate)] == [
        (rule["rule_id"], 5)
    ]


def test_an_org_config_entry_with_enabled_false_switches_a_shipped_rule_off(db):
    org = ws.org(db)
    signal = ws.signal(db, org)
    age(db, "signal", signal, shipped_threshold(db, "signal.any.response") + 100)
    ws.config(db, org, "sla_rule", "signal.any.response", {"enabled": False})

    outcome = run(db, org)

    assert breaches(db, org, "signal", signal) == []
    assert outcome["rules_in_force"] == len(effective_sla_config_ids(db, org))
    assert not db.query(
        "SELECT r.rule_id FROM app.sla_rule AS r WHERE r.org_id = ? AND r.item_type = 'signal' AND r.is_active = 1;", org
    )


def test_an_org_config_entry_effective_tomorrow_is_ignored(db):
    org = ws.org(db)
    hours = shipped_threshold(db, "candidate.new.touch")
    tomorrow = ws.config(
        db,
        org,
        "sla_rule",
        "candidate.new.touch",
        sla_doc("candidate", "new", "touch", 5),
        effective_from=ws.utcnow() + timedelta(days=1),
    )
    young = ws.candidate(db, org, status="new")
    old = ws.candidate(db, org, status="new")
    age(db, "candidate", young, 6)
    age(db, "candidate", old, hours)

    run(db, org)

    rule = materialized_rule(db, org, "candidate.new.touch")
    assert rule["config_id"] != tomorrow
    assert rule["threshold_hrs"] == hours
    assert breaches(db, org, "candidate", young) == []
    assert open_rule_ids(db, org, "candidate", old) == {rule["rule_id"]}
    assert not db.query("SELECT r.rule_id FROM app.sla_rule AS r WHERE r.config_id = ?;", tomorrow)


def test_a_malformed_config_document_is_skipped_without_stopping_the_run(db):
    org = ws.org(db)
    bad = [
        ws.config(db, org, "sla_rule", "signal.any.response", sla_doc("signal", None, "response", "24")),
        ws.config(db, org, "sla_rule", "candidate.new.touch", sla_doc("candidate", "new", "touch", 0)),
        ws.config(db, org, "sla_rule", "candidate.triaged.touch", sla_doc("candidate", "triaged", "touch", 2.5)),
        ws.config(db, org, "sla_rule", "proposal.any.touch", sla_doc("proposal", None, "touch", 1)),
        ws.config(db, org, "sla_rule", "pursuit.qual.touch", {"item_type": "pursuit", "stage": "qual", "threshold_hrs": 1}),
        ws.config(db, org, "sla_rule", "pursuit.pink.touch", {"item_type": "pursuit", "metric": "touch", "threshold_hrs": 1}),
    ]
    signal = ws.signal(db, org)
    age(db, "signal", signal, 100)
    nurture = ws.candidate(db, org, status="nurture")
    age(db, "candidate", nurture, shipped_threshold(db, "candidate.nurture.touch") + 1)

    outcome = run(db, org)

    assert breaches(db, org, "signal", signal) == [], "a malformed org entry hides the shipped one and is not in force"
    assert open_rule_ids(db, org, "candidate", nurture) == {materialized_rule(db, org, "candidate.nurture.touch")["rule_id"]}
    for config_id in bad:
        assert not db.query("SELECT r.rule_id FROM app.sla_rule AS r WHERE r.config_id = ?;", config_id)
    assert outcome["rules_in_force"] == len(effective_sla_config_ids(db, org) - set(bad))


# -- materialization -------------------------------------------------------------------------------


def test_each_config_entry_in_force_becomes_one_sla_rule_row_of_the_org_reused_on_the_next_run(db):
    org = ws.org(db)

    first = run(db, org)

    entries = db.query(
        "SELECT e.config_id, e.config_value, e.effective_from FROM app.v_effective_config AS e "
        "WHERE e.org_id = ? AND e.config_type = 'sla_rule';",
        org,
    )
    rows = db.query(
        "SELECT r.rule_id, r.item_type, r.stage, r.metric, r.threshold_hrs, r.active_from, r.active_to, r.is_active, "
        "r.config_id FROM app.sla_rule AS r WHERE r.org_id = ? ORDER BY r.rule_id;",
        org,
    )
    assert sorted(r["config_id"] for r in rows) == sorted(e["config_id"] for e in entries)
    by_config = {r["config_id"]: r for r in rows}
    for entry in entries:
        doc = json.loads(entry["config_value"])
        row = by_config[entry["config_id"]]
        assert (row["item_type"], row["stage"], row["metric"], row["threshold_hrs"]) == (
            doc["item_type"],
            doc["stage"],
            doc["metric"],
            doc["threshold_hrs"],
        )
        assert (row["active_from"], row["active_to"], row["is_active"]) == (entry["effective_from"], None, True)
    assert first["rules_in_force"] == len(entries)

    second = run(db, org)

    again = db.query("SELECT r.rule_id FROM app.sla_rule AS r WHERE r.org_id = ? ORDER BY r.rule_id;", org)
    assert [r["rule_id"] for r in again] == [r["rule_id"] for r in rows]
    assert second["rules_in_force"] == first["rules_in_force"]


def test_an_org_override_deactivates_the_old_rule_resolves_its_breaches_and_breaches_anew(db):
    org = ws.org(db)
    candidate = ws.candidate(db, org, status="new")
    age(db, "candidate", candidate, shipped_threshold(db, "candidate.new.touch") + 2)
    run(db, org)
    old_rule = materialized_rule(db, org, "candidate.new.touch")
    [old_breach] = breaches(db, org, "candidate", candidate)
    assert old_breach["rule_id"] == old_rule["rule_id"]

    override = ws.config(db, org, "sla_rule", "candidate.new.touch", sla_doc("candidate", "new", "touch", 5))
    outcome = run(db, org)

    retired = db.query(
        "SELECT r.is_active, r.active_from, r.active_to FROM app.sla_rule AS r WHERE r.rule_id = ?;", old_rule["rule_id"]
    )[0]
    assert not retired["is_active"]
    assert retired["active_to"] is not None and retired["active_to"] > retired["active_from"]
    new_rule = materialized_rule(db, org, "candidate.new.touch")
    assert new_rule["config_id"] == override and new_rule["rule_id"] != old_rule["rule_id"]
    history = breaches(db, org, "candidate", candidate)
    assert [(b["rule_id"], b["resolved_at"] is None) for b in history] == [
        (old_rule["rule_id"], False),
        (new_rule["rule_id"], True),
    ]
    assert history[0]["resolved_at"] >= history[0]["breached_at"]
    assert (outcome["breaches_recorded"], outcome["breaches_resolved"]) == (1, 1)
    assert [e["payload"]["breach_id"] for e in sla_events(db, org, "candidate", candidate, "sla_resolved")] == [
        old_breach["breach_id"]
    ]


def test_ending_the_org_override_brings_back_the_template_rule_row(db):
    org = ws.org(db)
    run(db, org)
    template_rule = materialized_rule(db, org, "candidate.new.touch")
    override = ws.config(db, org, "sla_rule", "candidate.new.touch", sla_doc("candidate", "new", "touch", 5))
    run(db, org)
    db.execute("UPDATE app.config_registry SET is_active = 0 WHERE config_id = ?;", override)

    run(db, org)

    back = materialized_rule(db, org, "candidate.new.touch")
    assert back["rule_id"] == template_rule["rule_id"]
    assert (back["is_active"], back["active_to"]) == (True, None)


# -- resolution and events -------------------------------------------------------------------------


def test_touching_a_candidate_resolves_its_breach_and_both_events_carry_the_payload(db):
    org = ws.org(db)
    hours = shipped_threshold(db, "candidate.new.touch")
    candidate = ws.candidate(db, org, status="new")
    age(db, "candidate", candidate, hours + 1)
    run(db, org)
    [breach] = breaches(db, org, "candidate", candidate)

    [breached] = sla_events(db, org, "candidate", candidate, "sla_breached")
    assert breached["payload"] == {
        "breach_id": breach["breach_id"],
        "rule_id": breach["rule_id"],
        "metric": "touch",
        "threshold_hrs": hours,
        "reason_code": "touch_overdue",
    }
    assert breached["happened_at"] == breach["breached_at"]

    db.execute("UPDATE app.candidate SET last_touch_at = SYSUTCDATETIME() WHERE candidate_id = ?;", candidate)
    outcome = run(db, org)

    [resolved_breach] = breaches(db, org, "candidate", candidate)
    assert resolved_breach["resolved_at"] is not None
    assert resolved_breach["resolved_at"] >= resolved_breach["breached_at"]
    assert (outcome["breaches_recorded"], outcome["breaches_resolved"]) == (0, 1)
    [resolved] = sla_events(db, org, "candidate", candidate, "sla_resolved")
    assert resolved["payload"] == {
        "breach_id": breach["breach_id"],
        "rule_id": breach["rule_id"],
        "reason_code": "touch_overdue",
    }
    assert resolved["happened_at"] == resolved_breach["resolved_at"]


def test_a_pursuit_moving_to_another_stage_resolves_the_old_stages_breach(db):
    org = ws.org(db)
    pink_hours = shipped_threshold(db, "pursuit.pink.touch")
    pursuit = ws.pursuit(db, org, pursuit_stage="pink")
    age(db, "pursuit", pursuit, pink_hours + 1)
    run(db, org)
    pink_rule = materialized_rule(db, org, "pursuit.pink.touch")["rule_id"]
    assert open_rule_ids(db, org, "pursuit", pursuit) == {pink_rule}

    db.execute("UPDATE app.pursuit SET pursuit_stage = 'won' WHERE pursuit_id = ?;", pursuit)
    outcome = run(db, org)

    assert open_rule_ids(db, org, "pursuit", pursuit) == set()
    assert outcome["breaches_resolved"] == 1
    [resolved] = sla_events(db, org, "pursuit", pursuit, "sla_resolved")
    assert resolved["payload"]["rule_id"] == pink_rule


def test_a_pursuit_moving_from_pink_to_red_trades_the_pink_breach_for_a_red_one(db):
    org = ws.org(db)
    pink_hours = shipped_threshold(db, "pursuit.pink.touch")
    red_hours = shipped_threshold(db, "pursuit.red.touch")
    pursuit = ws.pursuit(db, org, pursuit_stage="pink")
    age(db, "pursuit", pursuit, max(pink_hours, red_hours) + 1)
    run(db, org)

    db.execute("UPDATE app.pursuit SET pursuit_stage = 'red' WHERE pursuit_id = ?;", pursuit)  # updated_at unchanged
    outcome = run(db, org)

    red_rule = materialized_rule(db, org, "pursuit.red.touch")["rule_id"]
    assert open_rule_ids(db, org, "pursuit", pursuit) == {red_rule}
    assert (outcome["breaches_recorded"], outcome["breaches_resolved"]) == (1, 1)


def test_linking_a_signal_to_a_candidate_resolves_its_response_breach(db):
    org = ws.org(db)
    signal = ws.signal(db, org)
    age(db, "signal", signal, shipped_threshold(db, "signal.any.response") + 1)
    run(db, org)
    [breach] = breaches(db, org, "signal", signal)

    candidate = ws.candidate(db, org)
    ws.insert(db, "app.candidate_signal", {"org_id": org, "candidate_id": candidate, "signal_id": signal})
    run(db, org)

    assert breaches(db, org, "signal", signal, open_only=True) == []
    [resolved] = sla_events(db, org, "signal", signal, "sla_resolved")
    assert resolved["payload"] == {
        "breach_id": breach["breach_id"],
        "rule_id": breach["rule_id"],
        "reason_code": "response_overdue",
    }


def test_switching_a_rule_off_resolves_its_open_breaches(db):
    org = ws.org(db)
    signal = ws.signal(db, org)
    age(db, "signal", signal, shipped_threshold(db, "signal.any.response") + 1)
    run(db, org)
    assert len(breaches(db, org, "signal", signal, open_only=True)) == 1

    ws.config(db, org, "sla_rule", "signal.any.response", {"enabled": False})
    outcome = run(db, org)

    assert breaches(db, org, "signal", signal, open_only=True) == []
    assert outcome["breaches_resolved"] == 1


def test_a_second_run_in_a_row_records_and_resolves_nothing_and_writes_no_event(db):
    org = ws.org(db)
    signal = ws.signal(db, org)
    candidate = ws.candidate(db, org, status="triaged")
    pursuit = ws.pursuit(db, org, pursuit_stage="qual")
    age(db, "signal", signal, 500)
    age(db, "candidate", candidate, 500)
    due_in(db, pursuit, -1)
    first = run(db, org)
    assert first["breaches_recorded"] == 3
    events = ws.count(db, "app.work_event", "org_id = ?", org)
    rows = ws.count(db, "app.sla_breach", "org_id = ?", org)
    rules = ws.count(db, "app.sla_rule", "org_id = ?", org)

    second = run(db, org)

    assert (second["breaches_recorded"], second["breaches_resolved"]) == (0, 0)
    assert second["rules_in_force"] == first["rules_in_force"]
    assert ws.count(db, "app.work_event", "org_id = ?", org) == events
    assert ws.count(db, "app.sla_breach", "org_id = ?", org) == rows
    assert ws.count(db, "app.sla_rule", "org_id = ?", org) == rules


def test_without_an_org_every_org_but_the_template_is_swept(db):
    first, second = ws.org(db), ws.org(db)
    signals = {}
    for org in (first, second):
        signals[org] = ws.signal(db, org)
        age(db, "signal", signals[org], 500)
    template_rules = ws.count(db, "app.sla_rule", "org_id = 0")

    run(db)

    for org in (first, second):
        assert len(breaches(db, org, "signal", signals[org], open_only=True)) == 1
    assert ws.count(db, "app.sla_rule", "org_id = 0") == template_rules


def test_a_run_for_one_org_leaves_other_orgs_alone(db):
    mine, other = ws.org(db), ws.org(db)
    theirs = ws.signal(db, other)
    age(db, "signal", theirs, 500)

    run(db, mine)

    assert breaches(db, other, "signal", theirs) == []
    assert ws.count(db, "app.sla_rule", "org_id = ?", other) == 0


# -- the Today panel -------------------------------------------------------------------------------


def test_the_today_panel_shows_a_breached_item_with_the_breach_badge_metric_and_weight(db):
    org = ws.org(db)
    ranking = ws.shipped(db, "ranking_rule", "today_panel")
    candidate = ws.candidate(db, org, status="new")  # no value band, no owner: only urgency and stage count
    age(db, "candidate", candidate, shipped_threshold(db, "candidate.new.touch") + 1)
    pursuit = ws.pursuit(db, org, pursuit_stage="qual")
    due_in(db, pursuit, -1)

    run(db, org)

    [row] = db.read_view("app.v_today_panel", "org_id = ? AND item_type = ? AND item_id = ?", org, "candidate", candidate)
    assert (row["badge"], row["sla_metric"]) == ("breach", "touch")
    assert row["priority_score"] == ranking["sla_urgency"]["breach"] + ranking["stage"].get("new", 0)
    [row] = db.read_view("app.v_today_panel", "org_id = ? AND item_type = ? AND item_id = ?", org, "pursuit", pursuit)
    assert (row["badge"], row["sla_metric"]) == ("breach", "due")


# -- errors and serialization ----------------------------------------------------------------------


@pytest.mark.parametrize("which", ["unknown", "template"])
def test_an_org_that_does_not_exist_or_the_template_org_is_refused_and_nothing_is_written(db, which):
    org_id = 0 if which == "template" else db.scalar("SELECT MAX(o.org_id) + 1000 AS n FROM core.org AS o;")
    before = [ws.count(db, table) for table in ("app.sla_rule", "app.sla_breach", "app.work_event")]

    with db.expect_error(UNKNOWN_ORG):
        run(db, org_id)

    assert [ws.count(db, table) for table in ("app.sla_rule", "app.sla_breach", "app.work_event")] == before


def test_a_run_gives_up_with_its_error_while_another_run_holds_the_lock(db, wsdb_database):
    with live_session(wsdb_database) as other:
        granted = other.scalar(
            "DECLARE @r int; "
            "EXEC @r = sys.sp_getapplock @Resource = N'app.sp_record_sla_breaches', @LockMode = 'Exclusive', "
            "@LockOwner = 'Transaction', @LockTimeout = 0; "
            "SELECT @r AS r;"
        )
        assert granted >= 0

        with db.expect_error(LOCK_NOT_GRANTED):
            run(db)  # waits for the lock (30 s), then gives up
