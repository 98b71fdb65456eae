"""What wsdb status prints for a plan (the history read from a server is a list of rows)."""

import json
from datetime import datetime

from harness.history import HistoryRow, make_plan
from harness.scripts import DiskScript
from harness.status import Status, render_status

A = DiskScript("20250907_a", "migrations/20250907_a.sql", "", "a" * 64, "released")
B = DiskScript("20250909_b", "migrations/20250909_b.sql", "", "b" * 64, "released")
ROW = HistoryRow("20250907_a", "a" * 64, datetime(2026, 11, 22, 9, 30, 5), "CORP\\dba", 840, "workstream-db 0.1.0")


def test_the_text_lists_applied_scripts_with_who_and_when_then_pending_ones():
    text = render_status(Status("h:1433/db", make_plan([A, B], [ROW]), []))
    assert text == (
        "wsdb status: h:1433/db\n"
        "  applied  20250907_a  aaaaaaaaaaaa  2026-11-22 09:30:05Z  CORP\\dba  840 ms\n"
        "  pending  20250909_b  bbbbbbbbbbbb  (released)\n"
        "wsdb status: 1 applied, 1 pending\n"
    )


def test_a_changed_checksum_is_flagged_on_its_line_and_counted():
    changed = HistoryRow("20250907_a", "f" * 64, ROW.applied_at, "dba", 10, "x")
    text = render_status(Status("h:1433/db", make_plan([A, B], [changed]), []))
    assert "  CHANGED  20250907_a  ffffffffffff" in text
    assert text.endswith("wsdb status: 1 applied, 1 pending, 1 problem(s)\n")


def test_drafts_left_out_are_mentioned():
    text = render_status(Status("h:1433/db", make_plan([A], [ROW]), ["20261122_next"]))
    assert "  drafts not counted (apply them with --drafts): 20261122_next\n" in text


def test_the_json_form_carries_every_field():
    data = json.loads(render_status(Status("h:1433/db", make_plan([A, B], [ROW]), []), "json"))
    assert data["applied"] == [
        {
            "name": "20250907_a",
            "checksum": "a" * 64,
            "applied_at": "2026-11-22T09:30:05",
            "applied_by": "CORP\\dba",
            "duration_ms": 840,
            "builder": "workstream-db 0.1.0",
            "problem": None,
        }
    ]
    assert data["pending"] == [{"name": "20250909_b", "checksum": "b" * 64, "state": "released"}]
    assert data["problems"] == []
