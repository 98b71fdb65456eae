"""The Today panel's ranking (docs/ranking.md) and the config behind it, on a real SQL Server."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from tests.live import workstream as ws

pytestmark = pytest.mark.live


def panel_row(db, item_type: str, item_id: int) -> dict:
    rows = db.read_view("app.v_today_panel", "item_type = ? AND item_id = ?", item_type, item_id)
    assert len(rows) == 1, f"{item_type} {item_id} should be on the panel once, found {len(rows)}"
    return rows[0]


def rule(db) -> dict:
    return ws.shipped(db, "ranking_rule", "today_panel")


def breach(db, org_id: int, item_type: str, item_id: int, metric: str = "touch") -> int:
    """An open breach of a rule written directly in app.sla_rule."""
    rule_id = ws.insert(
        db, "app.sla_rule", {"org_id": org_id, "item_type": item_type, "metric": metric, "threshold_hrs": 1}, identity="rule_id"
    )
    return ws.insert(
        db, "app.sla_breach", {"org_id": org_id, "item_type": item_type, "item_id": item_id, "rule_id": rule_id}, identity="breach_id"
    )


def owned_candidates(db, org_id: int, owner: int, n: int) -> None:
    """n recent, band-less 'new' candidates of one owner (each scores the recent weight only)."""
    db.execute(
        "WITH n AS (SELECT TOP (?) ROW_NUMBER() OVER (ORDER BY (SELECT NULL)) AS k FROM sys.all_columns) "
        "INSERT INTO app.candidate (org_id, title, owner_user_id) SELECT ?, CONCAT(N'bulk ', n.k), ? FROM n;",
        n,
        org_id,
        owner,
    )


# -- the shipped weights ---------------------------------------------------------------------------


def test_the_shipped_rule_carries_the_seeds_numbers(db):
    shipped = rule(db)
    assert shipped["sla_urgency"] == {"breach": 100, "aging": 50, "medium": 25, "recent": 10}
    assert shipped["icp_band"] == {"high": 30, "med": 15, "low": 5}
    assert shipped["stage"] == {"submit": 35, "red": 25, "pink": 15, "nurture": 15, "qual": 10, "triaged": 10}
    assert shipped["tiers"] == {"critical": 100, "high": 75, "medium": 50}


def test_a_score_of_exactly_50_is_medium(db):
    org = ws.org(db)
    candidate = ws.candidate(db, org, status="triaged", value_band="high", last_touch_at=ws.ago(db, 1))
    row = panel_row(db, "candidate", candidate)
    assert (row["priority_score"], row["priority_tier"]) == (10 + 30 + 10, "medium")
    assert row["hours_since_touch"] == 1


def test_a_score_of_exactly_75_is_high_and_72_hours_is_aging(db):
    org = ws.org(db)
    pursuit = ws.pursuit(db, org, ws.candidate(db, org, status="promoted", value_band="med"), pursuit_stage="qual")
    db.execute("UPDATE app.pursuit SET updated_at = ? WHERE pursuit_id = ?;", ws.ago(db, 72), pursuit)
    row = panel_row(db, "pursuit", pursuit)
    assert row["hours_since_touch"] == 72
    assert (row["priority_score"], row["priority_tier"]) == (50 + 15 + 10, "high")


def test_one_minute_short_of_the_aging_boundary_is_medium_urgency(db):
    org = ws.org(db)
    pursuit = ws.pursuit(db, org, ws.candidate(db, org, status="promoted", value_band="med"), pursuit_stage="qual")
    db.execute("UPDATE app.pursuit SET updated_at = ? WHERE pursuit_id = ?;", ws.ago(db, 72 - 1 / 30), pursuit)
    row = panel_row(db, "pursuit", pursuit)
    assert row["hours_since_touch"] == 71
    assert (row["priority_score"], row["priority_tier"]) == (25 + 15 + 10, "medium")


def test_a_score_of_exactly_100_is_critical_and_shows_the_breach(db):
    org = ws.org(db)
    signal = ws.signal(db, org, ts=ws.ago(db, 2))
    breach(db, org, "signal", signal, metric="response")
    row = panel_row(db, "signal", signal)
    assert (row["priority_score"], row["priority_tier"]) == (100, "critical")
    assert (row["badge"], row["sla_metric"], row["state"]) == ("breach", "response", "open")


def test_a_resolved_breach_no_longer_counts(db):
    org = ws.org(db)
    signal = ws.signal(db, org, ts=ws.ago(db, 2))
    breach_id = breach(db, org, "signal", signal)
    db.execute("UPDATE app.sla_breach SET resolved_at = SYSUTCDATETIME() WHERE breach_id = ?;", breach_id)
    row = panel_row(db, "signal", signal)
    assert (row["priority_score"], row["badge"], row["sla_metric"]) == (10, None, None)


def test_closed_items_and_linked_signals_leave_the_panel(db):
    org = ws.org(db)
    archived = ws.candidate(db, org, status="archived")
    won = ws.pursuit(db, org, pursuit_stage="won")
    linked = ws.signal(db, org)
    holder = ws.candidate(db, org)
    ws.insert(db, "app.candidate_signal", {"org_id": org, "candidate_id": holder, "signal_id": linked})
    items = {(r["item_type"], r["item_id"]) for r in db.read_view("app.v_today_panel", "org_id = ?", org)}
    assert ("candidate", archived) not in items and ("pursuit", won) not in items and ("signal", linked) not in items
    assert ("candidate", holder) in items


# -- workload penalty ------------------------------------------------------------------------------


def test_the_workload_penalty_starts_after_the_free_items_and_is_capped(db):
    org = ws.org(db)
    owner = ws.user(db, org)
    owned_candidates(db, org, owner, 20)
    scores = {r["priority_score"] for r in db.read_view("app.v_today_panel", "org_id = ? AND owner_user_id = ?", org, owner)}
    assert scores == {10}  # 20 items: no penalty yet

    owned_candidates(db, org, owner, 1)
    scores = {r["priority_score"] for r in db.read_view("app.v_today_panel", "org_id = ? AND owner_user_id = ?", org, owner)}
    assert scores == {10 - 1}  # 21 items: one point

    owned_candidates(db, org, owner, 30)
    scores = {r["priority_score"] for r in db.read_view("app.v_today_panel", "org_id = ? AND owner_user_id = ?", org, owner)}
    assert scores == {10 - 20}  # 51 items: capped at max_penalty

    unowned = ws.candidate(db, org)
    assert panel_row(db, "candidate", unowned)["priority_score"] == 10


def test_a_penalty_of_one_point_drops_75_to_medium(db):
    org = ws.org(db)
    owner = ws.user(db, org)
    pursuit = ws.pursuit(db, org, ws.candidate(db, org, status="promoted", value_band="med"), pursuit_stage="qual", capture_lead_id=owner)
    db.execute("UPDATE app.pursuit SET updated_at = ? WHERE pursuit_id = ?;", ws.ago(db, 80), pursuit)
    owned_candidates(db, org, owner, 20)  # with the pursuit: 21 open items
    row = panel_row(db, "pursuit", pursuit)
    assert (row["priority_score"], row["priority_tier"]) == (74, "medium")


# -- badges and due dates --------------------------------------------------------------------------


def test_due_dates_give_overdue_and_due_soon_badges_and_none_when_null(db):
    org = ws.org(db)
    today = db.scalar("SELECT CAST(SYSUTCDATETIME() AS date) AS today;")
    overdue = ws.pursuit(db, org, due_date=today - timedelta(days=1))
    soon = ws.pursuit(db, org, due_date=today + timedelta(days=3))
    later = ws.pursuit(db, org, due_date=today + timedelta(days=4))
    undated = ws.pursuit(db, org)
    assert panel_row(db, "pursuit", overdue)["badge"] == "overdue"
    assert panel_row(db, "pursuit", soon)["badge"] == "due_soon"
    assert panel_row(db, "pursuit", later)["badge"] is None
    row = panel_row(db, "pursuit", undated)
    assert row["badge"] is None and row["due_date"] is None and row["priority_score"] is not None


def test_an_item_untouched_for_a_week_is_stale(db):
    org = ws.org(db)
    stale = ws.candidate(db, org, last_touch_at=ws.ago(db, 168))
    fresh = ws.candidate(db, org, last_touch_at=ws.ago(db, 167))
    assert panel_row(db, "candidate", stale)["badge"] == "stale"
    assert panel_row(db, "candidate", fresh)["badge"] is None


# -- the rule comes from config --------------------------------------------------------------------


def org_rule(db, **changes) -> dict:
    document = rule(db)
    document.pop("formula", None)
    for path, value in changes.items():
        section, member = path.split("__")
        document[section][member] = value
    return document


def test_an_orgs_own_rule_replaces_the_shipped_one(db):
    org = ws.org(db)
    candidate = ws.candidate(db, org, status="triaged", value_band="high", last_touch_at=ws.ago(db, 1))
    ws.config(db, org, "ranking_rule", "today_panel", org_rule(db, icp_band__high=60, tiers__high=90))
    row = panel_row(db, "candidate", candidate)
    assert (row["priority_score"], row["priority_tier"]) == (10 + 60 + 10, "medium")
    other = ws.org(db)
    same = ws.candidate(db, other, status="triaged", value_band="high", last_touch_at=ws.ago(db, 1))
    assert panel_row(db, "candidate", same)["priority_score"] == 50  # other orgs keep the shipped rule


def test_a_rule_effective_tomorrow_is_ignored_until_then(db):
    org = ws.org(db)
    candidate = ws.candidate(db, org, status="triaged", value_band="high", last_touch_at=ws.ago(db, 1))
    tomorrow = ws.utcnow() + timedelta(days=1)
    ws.config(db, org, "ranking_rule", "today_panel", org_rule(db, icp_band__high=60), effective_from=tomorrow)
    assert panel_row(db, "candidate", candidate)["priority_score"] == 50


def test_the_aging_boundary_moves_with_the_config(db):
    org = ws.org(db)
    candidate = ws.candidate(db, org, last_touch_at=ws.ago(db, 30))
    assert panel_row(db, "candidate", candidate)["priority_score"] == 25
    ws.config(db, org, "ranking_rule", "today_panel", org_rule(db, age_hours__aging=30))
    assert panel_row(db, "candidate", candidate)["priority_score"] == 50


def test_an_org_that_switches_the_rule_off_gets_no_score_but_keeps_its_items(db):
    org = ws.org(db)
    candidate = ws.candidate(db, org, status="triaged")
    ws.config(db, org, "ranking_rule", "today_panel", {"enabled": False})
    row = panel_row(db, "candidate", candidate)
    assert (row["priority_score"], row["priority_tier"]) == (None, None)


def test_the_workload_view_counts_tiers_risk_and_staleness_from_the_panel(db):
    org = ws.org(db)
    owner = ws.user(db, org)
    ws.candidate(db, org, owner_user_id=owner, status="triaged", value_band="high", last_touch_at=ws.ago(db, 1))  # 50 medium
    ws.candidate(db, org, owner_user_id=owner, last_touch_at=ws.ago(db, 80))  # 50 medium, at risk
    ws.candidate(db, org, owner_user_id=owner, last_touch_at=ws.ago(db, 200))  # 50 medium, at risk, stale
    signal = ws.signal(db, org, owner_user_id=owner)
    breach(db, org, "signal", signal)  # 100 critical, breached (not "at risk")
    (row,) = db.read_view("app.v_user_workload_analysis", "org_id = ? AND owner_user_id = ?", org, owner)
    assert row["total_items"] == 4
    assert (row["critical_items"], row["high_priority_items"], row["medium_priority_items"], row["low_priority_items"]) == (1, 0, 3, 0)
    assert (row["sla_breaches"], row["at_risk_items"], row["stale_items"]) == (1, 2, 1)
    assert row["max_hours_without_touch"] == 200
    assert float(row["avg_priority_score"]) == pytest.approx((50 + 50 + 50 + 100) / 4)


# -- sp_today_panel: order and ties ----------------------------------------------------------------


def test_the_panel_procedure_orders_by_score_then_due_date_then_age_and_breaks_ties_by_id(db):
    org = ws.org(db)
    owner = ws.user(db, org)
    today = db.scalar("SELECT CAST(SYSUTCDATETIME() AS date) AS today;")
    # Four pursuits of equal score (qual 10 + band-less 0 + recent 10 = 20), different due dates.
    later = ws.pursuit(db, org, capture_lead_id=owner, due_date=today + timedelta(days=20))
    sooner = ws.pursuit(db, org, capture_lead_id=owner, due_date=today + timedelta(days=10))
    undated_a = ws.pursuit(db, org, capture_lead_id=owner)
    undated_b = ws.pursuit(db, org, capture_lead_id=owner)
    top = ws.candidate(db, org, owner_user_id=owner, status="triaged", value_band="high")  # 50
    rows = db.run_proc("app.sp_today_panel", org_id=org, owner_user_id=owner)[-1].dicts()
    assert [r["panel_rank"] for r in rows] == [1, 2, 3, 4, 5]
    assert [(r["item_type"], r["item_id"]) for r in rows] == [
        ("candidate", top),
        ("pursuit", sooner),
        ("pursuit", later),
        ("pursuit", min(undated_a, undated_b)),
        ("pursuit", max(undated_a, undated_b)),
    ]
    again = db.run_proc("app.sp_today_panel", org_id=org, owner_user_id=owner, top=2)[-1].dicts()
    assert [(r["item_type"], r["item_id"]) for r in again] == [("candidate", top), ("pursuit", sooner)]


def test_equal_scores_without_due_dates_put_the_longest_untouched_first(db):
    org = ws.org(db)
    newer = ws.candidate(db, org, last_touch_at=ws.ago(db, 2))
    older = ws.candidate(db, org, last_touch_at=ws.ago(db, 5))
    rows = db.run_proc("app.sp_today_panel", org_id=org)[-1].dicts()
    assert [r["item_id"] for r in rows] == [older, newer]
    assert rows[0]["priority_score"] == rows[1]["priority_score"]


@pytest.mark.parametrize(
    ("arguments", "number"),
    [({"org_id": 0}, 50090), ({"org_id": -5}, 50090), ({"owner_user_id": -1}, 50091), ({"top": 0}, 50092), ({"top": 1001}, 50092)],
)
def test_the_panel_procedure_refuses_bad_arguments(db, arguments, number):
    org = ws.org(db)
    with db.expect_error(number):
        db.run_proc("app.sp_today_panel", **{"org_id": org, **arguments})


# -- sp_set_config ---------------------------------------------------------------------------------


def test_set_config_closes_the_version_in_force_and_the_new_one_takes_over(db):
    org = ws.org(db)
    user = ws.user(db, org)
    first = db.run_proc("app.sp_set_config", org_id=org, config_type="ranking_rule", config_key="today_panel",
                        config_value=json.dumps(org_rule(db, icp_band__high=40)), user_id=user)[-1].dicts()[0]
    tomorrow = ws.utcnow().replace(microsecond=0) + timedelta(days=1)
    second = db.run_proc("app.sp_set_config", org_id=org, config_type="ranking_rule", config_key="today_panel",
                         config_value=json.dumps(org_rule(db, icp_band__high=45)), effective_from=tomorrow, user_id=user)[-1].dicts()[0]
    rows = db.query("SELECT config_id, effective_to, updated_by FROM app.config_registry WHERE org_id = ? ORDER BY config_id;", org)
    assert [r["config_id"] for r in rows] == [first["config_id"], second["config_id"]]
    assert rows[0]["effective_to"] == tomorrow and rows[0]["updated_by"] == user
    assert rows[1]["effective_to"] is None
    (active,) = db.read_view("app.v_active_config", "org_id = ?", org)
    assert active["config_id"] == first["config_id"]  # tomorrow's version is not in force yet


def test_set_config_inserted_before_a_future_version_ends_where_that_one_begins(db):
    org = ws.org(db)
    in_two_days = ws.utcnow().replace(microsecond=0) + timedelta(days=2)
    future = db.run_proc("app.sp_set_config", org_id=org, config_type="gate_rule", config_key="pink",
                         config_value='{"required_items":["B"]}', effective_from=in_two_days)[-1].dicts()[0]
    now = db.run_proc("app.sp_set_config", org_id=org, config_type="gate_rule", config_key="pink",
                      config_value='{"required_items":["A"]}')[-1].dicts()[0]
    assert now["effective_to"] == in_two_days
    assert future["effective_to"] is None


@pytest.mark.parametrize(
    ("arguments", "number"),
    [
        ({"org_id": 0}, 50010),
        ({"config_type": "colour_rule"}, 50011),
        ({"config_key": " "}, 50012),
        ({"config_value": "[1, 2]"}, 50013),
        ({"config_value": "not json"}, 50013),
        ({"effective_from": date(2020, 1, 1)}, 50014),
        ({"user_id": -1}, 50015),
        ({"config_value": '{"sla_urgency": {"breach": 100}}'}, 50016),
        ({"config_value": json.dumps({"icp_band": {}, "stage": {}})}, 50016),
    ],
)
def test_set_config_refuses_bad_arguments_and_writes_nothing(db, arguments, number):
    org = ws.org(db)
    call = {"org_id": org, "config_type": "ranking_rule", "config_key": "today_panel", "config_value": '{"enabled": false}', **arguments}
    before = ws.count(db, "app.config_registry")
    with db.expect_error(number) as outcome:
        db.run_proc("app.sp_set_config", **call)
    if not outcome["rolled_back"]:
        assert ws.count(db, "app.config_registry") == before


def test_set_config_checks_gate_and_sla_documents(db):
    org = ws.org(db)
    for config_type, key, document in [
        ("gate_rule", "pink", {"required_items": "Storyboards"}),
        ("gate_rule", "pink", {"required_items": ["A"], "min_compliance_score": "high"}),
        ("sla_rule", "candidate.new.touch", {"item_type": "candidate", "metric": "touch", "threshold_hrs": 0}),
        ("sla_rule", "lead.any.touch", {"item_type": "lead", "metric": "touch", "threshold_hrs": 5}),
    ]:
        with db.expect_error(50016):
            db.run_proc("app.sp_set_config", org_id=org, config_type=config_type, config_key=key, config_value=json.dumps(document))
        org = ws.org(db)  # the error rolled the test's transaction back


def test_set_config_refuses_a_second_version_starting_at_the_same_moment(db):
    org = ws.org(db)
    start = ws.utcnow().replace(microsecond=0) + timedelta(hours=1)
    db.run_proc("app.sp_set_config", org_id=org, config_type="gate_rule", config_key="red", config_value='{"required_items":["A"]}', effective_from=start)
    with db.expect_error(50017):
        db.run_proc("app.sp_set_config", org_id=org, config_type="gate_rule", config_key="red", config_value='{"required_items":["B"]}', effective_from=start)
