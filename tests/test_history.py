"""The plan that compares a database's history with the scripts on disk, and the dry-run text."""

from datetime import datetime

import pytest

from harness.history import HistoryRow, make_plan, render_plan
from harness.scripts import DiskScript


def _script(name: str, checksum: str = "", state: str = "released") -> DiskScript:
    return DiskScript(name, f"migrations/{name}.sql", "", checksum or name[-1] * 64, state)


SCRIPTS = [_script("20250907_a"), _script("20250907_b"), _script("20250909_c")]
AT = datetime(2026, 11, 22, 9, 30, 0)


def _row(script: DiskScript, checksum: str | None = None) -> HistoryRow:
    return HistoryRow(script.name, checksum or script.checksum, AT, "dba", 120, "workstream-db 0.1.0")


def test_an_empty_history_makes_every_script_pending_in_order():
    plan = make_plan(SCRIPTS, [])
    assert [s.name for s in plan.pending] == ["20250907_a", "20250907_b", "20250909_c"]
    assert plan.applied == [] and plan.problems == [] and plan.last_applied is None


def test_applied_scripts_are_not_pending_and_the_last_one_is_named():
    plan = make_plan(SCRIPTS, [_row(SCRIPTS[0]), _row(SCRIPTS[1])])
    assert [s.name for s in plan.pending] == ["20250909_c"]
    assert plan.last_applied == "20250907_b"


def test_to_stops_after_the_named_script_and_keeps_the_rest_for_later():
    plan = make_plan(SCRIPTS, [], to="20250907_b")
    assert [s.name for s in plan.pending] == ["20250907_a", "20250907_b"]
    assert [s.name for s in plan.later] == ["20250909_c"]


def test_to_a_script_already_applied_leaves_nothing_pending():
    plan = make_plan(SCRIPTS, [_row(SCRIPTS[0]), _row(SCRIPTS[1])], to="20250907_a")
    assert plan.pending == [] and [s.name for s in plan.later] == ["20250909_c"]


def test_to_an_unknown_name_is_refused_with_a_suggestion():
    with pytest.raises(ValueError, match="--to 20250909: no such migration in migrations/order.txt; did you mean 20250909_c"):
        make_plan(SCRIPTS, [], to="20250909")


def test_a_history_checksum_that_differs_from_the_script_is_a_changed_problem():
    plan = make_plan(SCRIPTS, [_row(SCRIPTS[0], "f" * 64)])
    assert [(p.kind, p.name) for p in plan.problems] == [("changed", "20250907_a")]
    assert plan.problems[0].message == (
        "20250907_a: the database ran checksum ffffffffffff… (2026-11-22 09:30:00Z by dba), "
        "migrations/20250907_a.sql has aaaaaaaaaaaa…; a script that ran must not change"
    )


def test_a_history_row_with_no_script_on_disk_means_the_database_is_ahead():
    plan = make_plan(SCRIPTS, [_row(SCRIPTS[0]), HistoryRow("20260101_newer", "e" * 64, AT, "dba")])
    assert [(p.kind, p.name) for p in plan.problems] == [("unknown", "20260101_newer")]
    assert "the database is ahead of this checkout" in plan.problems[0].message


def test_a_pending_script_before_an_applied_one_is_out_of_order():
    plan = make_plan(SCRIPTS, [_row(SCRIPTS[0]), _row(SCRIPTS[2])])
    assert [(p.kind, p.name) for p in plan.problems] == [("out of order", "20250907_b")]


def test_the_dry_run_lists_what_would_be_applied_and_a_verdict():
    plan = make_plan(SCRIPTS, [_row(SCRIPTS[0])], to="20250907_b")
    assert render_plan(plan, "mssql+pymssql://sa:***@h:1433/db") == (
        "wsdb apply --dry-run: mssql+pymssql://sa:***@h:1433/db\n"
        "  would apply  20250907_b  bbbbbbbbbbbb  (released)\n"
        "  left for later (after --to): 20250909_c\n"
        "wsdb apply --dry-run: 1 migration(s) would be applied, 1 already applied\n"
    )


def test_the_dry_run_of_a_missing_database_says_it_would_create_it():
    text = render_plan(make_plan(SCRIPTS, []), "h:1433/new", create_database=True)
    assert "  would create the database (it does not exist yet)\n" in text
    assert text.endswith("wsdb apply --dry-run: 3 migration(s) would be applied, 0 already applied\n")


def test_the_dry_run_of_a_refused_plan_says_nothing_would_be_applied():
    text = render_plan(make_plan(SCRIPTS, [_row(SCRIPTS[0], "f" * 64)]), "h:1433/db")
    assert "  REFUSED  20250907_a: the database ran checksum" in text
    assert text.endswith("wsdb apply --dry-run: 1 problem(s): nothing would be applied\n")


def test_the_dry_run_of_an_up_to_date_database_has_nothing_to_apply():
    text = render_plan(make_plan(SCRIPTS, [_row(s) for s in SCRIPTS]), "h:1433/db")
    assert text.endswith("wsdb apply --dry-run: nothing to apply, 3 already applied\n")
