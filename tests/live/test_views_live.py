"""The configuration and checklist views on a real SQL Server, and the shipped configuration defaults."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.live import workstream as ws

pytestmark = pytest.mark.live

ACTIVE_COLUMNS = {
    "config_id", "org_id", "config_type", "config_key", "config_value", "effective_from", "effective_to", "created_at", "created_by",
}
TEST_KEY = "views.test.key"
DOCUMENT = {"item_type": "signal", "stage": None, "metric": "response", "threshold_hrs": 12}


def tomorrow() -> datetime:
    return ws.utcnow() + timedelta(days=1)


def active(db, org: int, config_type: str = "sla_rule", config_key: str = TEST_KEY) -> list[dict]:
    return db.read_view(
        "app.v_active_config", "org_id = ? AND config_type = ? AND config_key = ?", org, config_type, config_key
    )


def effective(db, org: int, config_type: str, config_key: str) -> dict | None:
    rows = db.read_view(
        "app.v_effective_config", "org_id = ? AND config_type = ? AND config_key = ?", org, config_type, config_key
    )
    assert len(rows) <= 1, f"one effective row per org and key, found {len(rows)}"
    return rows[0] if rows else None


def template_config_id(db, config_type: str, config_key: str) -> int:
    rows = active(db, 0, config_type, config_key)
    assert len(rows) == 1, f"the template org ships {config_type} {config_key}"
    return rows[0]["config_id"]


# -- the shipped documents, read from the data file -------------------------------------------------

_ROW = re.compile(
    r"\(\s*'(?P<type>[a-z_]+)'\s*,\s*'(?P<key>[^']+)'\s*,\s*'(?P<from>[^']+)'\s*,"
    r"\s*(?P<value>N'(?:[^']|'')*'(?:\s*\+\s*N'(?:[^']|'')*')*)\s*\)"
)
_PART = re.compile(r"N'((?:[^']|'')*)'")


def shipped_rows(root: Path) -> list[tuple[str, str, datetime, dict]]:
    """(config_type, config_key, effective_from, document) of every row sql/data/app.config_registry.sql loads."""
    text = (root / "sql" / "data" / "app.config_registry.sql").read_text(encoding="utf-8")
    rows = []
    for match in _ROW.finditer(text):
        value = "".join(part.replace("''", "'") for part in _PART.findall(match["value"]))
        rows.append((match["type"], match["key"], datetime.fromisoformat(match["from"]), json.loads(value)))
    return rows


def shipped_in_force(root: Path) -> dict[tuple[str, str], dict]:
    """The document of each (config_type, config_key) in force now: the latest that has started."""
    now = ws.utcnow()
    latest: dict[tuple[str, str], tuple[datetime, dict]] = {}
    for config_type, config_key, starts, document in shipped_rows(root):
        key = (config_type, config_key)
        if starts <= now and (key not in latest or starts > latest[key][0]):
            latest[key] = (starts, document)
    return {key: document for key, (_, document) in latest.items()}


# -- v_active_config ---------------------------------------------------------------------------------


def test_an_active_config_in_force_now_is_listed_with_the_seeds_columns(db):
    org = ws.org(db)
    config_id = ws.config(db, org, "sla_rule", TEST_KEY, DOCUMENT, effective_from=ws.hours_ago(1))

    rows = active(db, org)

    assert [row["config_id"] for row in rows] == [config_id]
    assert set(rows[0]) == ACTIVE_COLUMNS
    assert json.loads(rows[0]["config_value"]) == DOCUMENT
    assert rows[0]["effective_to"] is None


def test_an_inactive_config_is_not_listed(db):
    org = ws.org(db)
    ws.config(db, org, "sla_rule", TEST_KEY, DOCUMENT, effective_from=ws.hours_ago(1), is_active=0)
    assert active(db, org) == []


def test_a_config_effective_tomorrow_is_not_listed_yet(db):
    org = ws.org(db)
    ws.config(db, org, "sla_rule", TEST_KEY, DOCUMENT, effective_from=tomorrow())
    assert active(db, org) == []


def test_a_config_whose_effective_to_has_passed_is_not_listed(db):
    org = ws.org(db)
    ws.config(db, org, "sla_rule", TEST_KEY, DOCUMENT, effective_from=ws.hours_ago(48), effective_to=ws.hours_ago(24))
    assert active(db, org) == []


def test_a_config_ending_later_is_listed_until_then(db):
    org = ws.org(db)
    config_id = ws.config(db, org, "sla_rule", TEST_KEY, DOCUMENT, effective_from=ws.hours_ago(48), effective_to=tomorrow())
    assert [row["config_id"] for row in active(db, org)] == [config_id]


def test_a_newer_version_supersedes_the_older_open_one(db):
    org = ws.org(db)
    ws.config(db, org, "sla_rule", TEST_KEY, {**DOCUMENT, "threshold_hrs": 1}, effective_from=ws.hours_ago(48))
    newer = ws.config(db, org, "sla_rule", TEST_KEY, {**DOCUMENT, "threshold_hrs": 2}, effective_from=ws.hours_ago(1))

    rows = active(db, org)

    assert [row["config_id"] for row in rows] == [newer]
    assert json.loads(rows[0]["config_value"])["threshold_hrs"] == 2


def test_a_version_starting_tomorrow_does_not_supersede_the_one_in_force(db):
    org = ws.org(db)
    older = ws.config(db, org, "sla_rule", TEST_KEY, DOCUMENT, effective_from=ws.hours_ago(48))
    ws.config(db, org, "sla_rule", TEST_KEY, {**DOCUMENT, "threshold_hrs": 2}, effective_from=tomorrow())
    assert [row["config_id"] for row in active(db, org)] == [older]


def test_a_closed_version_gives_way_to_the_one_that_follows_it(db):
    org = ws.org(db)
    ws.config(db, org, "sla_rule", TEST_KEY, DOCUMENT, effective_from=ws.hours_ago(48), effective_to=ws.hours_ago(2))
    current = ws.config(db, org, "sla_rule", TEST_KEY, {**DOCUMENT, "threshold_hrs": 2}, effective_from=ws.hours_ago(2))
    assert [row["config_id"] for row in active(db, org)] == [current]


# -- v_effective_config -------------------------------------------------------------------------------


def test_a_new_org_reads_every_template_default_with_is_default_1(db):
    org = ws.org(db)
    template = {
        (row["config_type"], row["config_key"]): row["config_id"]
        for row in db.read_view("app.v_active_config", "org_id = 0")
        if json.loads(row["config_value"]).get("enabled") is not False
    }
    rows = db.read_view("app.v_effective_config", "org_id = ?", org)

    assert template, "the template org ships defaults"
    assert {(row["config_type"], row["config_key"]): row["config_id"] for row in rows} == template
    assert {row["is_default"] for row in rows} == {True}


def test_the_orgs_own_entry_wins_over_the_template_with_is_default_0(db):
    org, other = ws.org(db), ws.org(db)
    own = {"formula": "own", "stage": {"qual": 1}}
    config_id = ws.config(db, org, "ranking_rule", "today_panel", own, effective_from=ws.hours_ago(1))

    row = effective(db, org, "ranking_rule", "today_panel")
    assert (row["config_id"], row["is_default"]) == (config_id, False)
    assert json.loads(row["config_value"]) == own

    theirs = effective(db, other, "ranking_rule", "today_panel")
    assert (theirs["config_id"], theirs["is_default"]) == (template_config_id(db, "ranking_rule", "today_panel"), True)


def test_enabled_false_removes_the_key_for_that_org_only(db, wsdb_root):
    sla_key = sorted(key for (config_type, key) in shipped_in_force(wsdb_root) if config_type == "sla_rule")[0]
    org, other = ws.org(db), ws.org(db)
    ws.config(db, org, "sla_rule", sla_key, {"enabled": False}, effective_from=ws.hours_ago(1))

    assert effective(db, org, "sla_rule", sla_key) is None
    assert effective(db, other, "sla_rule", sla_key)["config_id"] == template_config_id(db, "sla_rule", sla_key)
    assert effective(db, org, "gate_rule", "pink") is not None  # the org's other keys stay


def test_an_org_config_effective_tomorrow_is_ignored_and_the_template_still_applies(db):
    org = ws.org(db)
    ws.config(db, org, "gate_rule", "pink", {"stage": "pink", "required_items": ["Later"]}, effective_from=tomorrow())

    row = effective(db, org, "gate_rule", "pink")
    assert (row["config_id"], row["is_default"]) == (template_config_id(db, "gate_rule", "pink"), True)


def test_an_org_config_that_has_ended_hands_the_key_back_to_the_template(db):
    org = ws.org(db)
    ws.config(
        db, org, "gate_rule", "red", {"stage": "red", "required_items": ["Old"]},
        effective_from=ws.hours_ago(48), effective_to=ws.hours_ago(1),
    )
    row = effective(db, org, "gate_rule", "red")
    assert (row["config_id"], row["is_default"]) == (template_config_id(db, "gate_rule", "red"), True)


def test_a_key_only_the_org_has_is_its_own(db):
    org, other = ws.org(db), ws.org(db)
    config_id = ws.config(db, org, "sla_rule", TEST_KEY, DOCUMENT, effective_from=ws.hours_ago(1))

    row = effective(db, org, "sla_rule", TEST_KEY)
    assert (row["config_id"], row["is_default"]) == (config_id, False)
    assert effective(db, other, "sla_rule", TEST_KEY) is None


# -- v_pursuit_checklist_ready -------------------------------------------------------------------------


def checklist_item(db, org: int, pursuit: int, name: str, required: bool, done: bool) -> int:
    values = {"org_id": org, "pursuit_id": pursuit, "name": name, "is_required": int(required), "is_done": int(done)}
    if done:
        values["done_at"] = ws.hours_ago(1)
    return ws.insert(db, "app.pursuit_checklist", values, identity="checklist_id")


def ready(db, org: int, pursuit: int) -> bool:
    rows = db.read_view("app.v_pursuit_checklist_ready", "org_id = ? AND pursuit_id = ?", org, pursuit)
    assert len(rows) == 1, f"one row per pursuit, found {len(rows)}"
    return rows[0]["ready"]


def test_a_pursuit_without_checklist_items_is_ready(db):
    org = ws.org(db)
    assert ready(db, org, ws.pursuit(db, org)) is True


def test_a_pursuit_is_ready_once_every_required_item_is_done(db):
    org = ws.org(db)
    pursuit = ws.pursuit(db, org)
    first = checklist_item(db, org, pursuit, "Compliance matrix complete", required=True, done=False)
    checklist_item(db, org, pursuit, "Win themes drafted", required=True, done=True)
    checklist_item(db, org, pursuit, "Nice to have", required=False, done=True)
    assert ready(db, org, pursuit) is False

    db.execute(
        "UPDATE app.pursuit_checklist SET is_done = 1, done_at = SYSUTCDATETIME() WHERE checklist_id = ?;", first
    )
    assert ready(db, org, pursuit) is True


def test_open_optional_items_do_not_hold_a_pursuit_back(db):
    org = ws.org(db)
    pursuit = ws.pursuit(db, org)
    checklist_item(db, org, pursuit, "Required and done", required=True, done=True)
    checklist_item(db, org, pursuit, "Optional and open", required=False, done=False)
    assert ready(db, org, pursuit) is True


def test_one_pursuits_open_items_do_not_affect_another(db):
    org = ws.org(db)
    held, free = ws.pursuit(db, org), ws.pursuit(db, org)
    checklist_item(db, org, held, "Pricing approved", required=True, done=False)
    assert (ready(db, org, held), ready(db, org, free)) == (False, True)


# -- the shipped defaults -----------------------------------------------------------------------------


def test_the_shipped_today_panel_ranking_rule_is_in_force(db):
    rule = ws.shipped(db, "ranking_rule", "today_panel")
    assert {"formula", "sla_urgency", "age_hours", "icp_band", "stage", "workload", "tiers"} <= set(rule)


def test_the_shipped_pink_and_red_gate_rules_are_in_force(db):
    pink, red = ws.shipped(db, "gate_rule", "pink"), ws.shipped(db, "gate_rule", "red")
    assert (pink["stage"], pink["next_stage"], red["stage"], red["next_stage"]) == ("pink", "red", "red", "submit")
    assert pink["required_items"] and red["required_items"]
    assert red["min_compliance_score"] == 90


def test_the_shipped_component_weights_are_in_force(db):
    weights = ws.shipped(db, "spotlight_rule", "component_weights")
    assert isinstance(weights["algorithm_version"], str) and 0 < len(weights["algorithm_version"]) <= 16
    assert weights["default_weight"] >= 0
    assert {"industry_match", "budget_fit", "geo_alignment"} <= set(weights["weights"])


def test_every_sla_rule_key_of_the_data_file_is_shipped_and_reaches_a_new_org(db, wsdb_root):
    in_force = shipped_in_force(wsdb_root)
    sla_keys = sorted(key for (config_type, key) in in_force if config_type == "sla_rule")
    assert sla_keys, "the data file lists sla_rule keys"
    org = ws.org(db)

    for key in sla_keys:
        document = ws.shipped(db, "sla_rule", key)
        assert document == in_force[("sla_rule", key)], key
        assert {"item_type", "metric", "threshold_hrs"} <= set(document), key
        row = effective(db, org, "sla_rule", key)
        assert row is not None and row["is_default"] is True, key


def test_every_document_in_force_for_the_template_org_is_the_data_files(db, wsdb_root):
    in_force = shipped_in_force(wsdb_root)
    assert {("ranking_rule", "today_panel"), ("gate_rule", "pink"), ("gate_rule", "red"),
            ("spotlight_rule", "component_weights")} <= set(in_force)

    for (config_type, config_key), document in in_force.items():
        assert ws.shipped(db, config_type, config_key) == document, f"{config_type} {config_key}"
