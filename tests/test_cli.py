from __future__ import annotations

import json
import subprocess
import sys
from xml.etree import ElementTree as ET

from click.testing import CliRunner

from harness.cli import main

from .conftest import REPO


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_check_exits_0_and_says_clean_on_the_repository():
    result = run("check", "--root", str(REPO))
    assert result.exit_code == 0, result.output
    assert "wsdb check: clean" in result.output


def test_check_exits_1_and_prints_path_line_code_message_for_findings(real_tree):
    real_tree.edit("sql/views/app.v_pursuit_checklist_ready.sql", "    p.pursuit_id,", "    p.pursuitid,")
    result = run("check", "--root", str(real_tree.root))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert any(line.startswith("sql/views/app.v_pursuit_checklist_ready.sql:") and " E201 " in line for line in lines)
    assert lines[-1].startswith("wsdb check: 2 error(s)")


def test_check_exits_2_without_a_traceback_when_there_is_no_sql_folder(tmp_path):
    result = run("check", "--root", str(tmp_path))
    assert result.exit_code == 2
    assert "no sql/ folder" in result.output and "Traceback" not in result.output


def test_an_unknown_option_or_format_is_a_usage_error():
    assert run("check", "--format", "yaml").exit_code == 2
    assert run("check", "--nope").exit_code == 2


def test_check_json_report_lists_findings_and_a_summary(real_tree):
    real_tree.edit("sql/tables/app.signal.sql", "contact_phone varchar(32)", "contact_phone varchar(30)")
    result = run("check", "--root", str(real_tree.root), "--format", "json")
    assert result.exit_code == 1
    payload = json.loads(result.output[: result.output.rindex("}") + 1])
    assert payload["summary"]["errors"] == 1
    assert payload["findings"][0]["code"] == "E502" and payload["findings"][0]["line"] == 18


def test_check_junit_report_has_a_testcase_per_file_and_failures_for_findings(real_tree, tmp_path):
    real_tree.edit("sql/tables/app.signal.sql", "contact_phone varchar(32)", "contact_phone varchar(30)")
    out = tmp_path / "report.xml"
    result = run("check", "--root", str(real_tree.root), "--format", "junit", "--output", str(out))
    assert result.exit_code == 1
    suite = ET.parse(out).getroot()
    cases = suite.findall("testcase")
    assert len(cases) == int(suite.get("tests")) == 44
    failed = [c.get("name") for c in cases if c.find("failure") is not None]
    assert failed == ["sql/tables/app.signal.sql"]


def test_list_codes_shows_every_code_with_its_severity():
    result = run("check", "--list-codes")
    assert result.exit_code == 0
    assert "E201  error    unknown column" in result.output and "W401  warning" in result.output


def test_contract_command_prints_the_seed_contract(tmp_path):
    seed = tmp_path / "seed.md"
    seed.write_text("### Things (`app.thing`)\n\nHolds things.\n\n| Column | Type | Description |\n|--|--|--|\n| `a` | `int` | Primary key |\n")
    result = run("contract", str(seed))
    assert result.exit_code == 0
    assert json.loads(result.output)["tables"]["app.thing"]["columns"][0]["name"] == "a"


def test_the_installed_entry_point_runs_as_a_module_with_the_same_exit_codes(tmp_path):
    ok = subprocess.run([sys.executable, "-m", "harness", "check", "--root", str(REPO)], capture_output=True, text=True)
    bad = subprocess.run([sys.executable, "-m", "harness", "check", "--root", str(tmp_path)], capture_output=True, text=True)
    assert (ok.returncode, bad.returncode) == (0, 2)
    assert "Traceback" not in bad.stderr
