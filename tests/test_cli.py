from __future__ import annotations

import json
import subprocess
import sys
from xml.etree import ElementTree as ET

from click.testing import CliRunner

from harness.layout import read_order
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
    assert len(cases) == int(suite.get("tests")) == len(list((real_tree.root / "sql").rglob("*.sql")))
    failed = [c.get("name") for c in cases if c.find("failure") is not None]
    assert failed == ["sql/tables/app.signal.sql"]


def test_check_writes_junit_and_json_reports_beside_the_text_when_asked(real_tree, tmp_path):
    real_tree.edit("sql/tables/app.signal.sql", "contact_phone varchar(32)", "contact_phone varchar(30)")
    junit, report = tmp_path / "reports" / "check.xml", tmp_path / "reports" / "check.json"
    result = run("check", "--root", str(real_tree.root), "--junit", str(junit), "--json", str(report))
    assert result.exit_code == 1
    assert "sql/tables/app.signal.sql:18: E502 " in result.output and "wsdb check: 1 error(s)" in result.output
    failed = [c.get("name") for c in ET.parse(junit).getroot().findall("testcase") if c.find("failure") is not None]
    assert failed == ["sql/tables/app.signal.sql"]
    payload = json.loads(report.read_text(encoding="utf-8"))
    assert [(f["path"], f["line"], f["code"]) for f in payload["findings"]] == [("sql/tables/app.signal.sql", 18, "E502")]


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


# -- migrations ---------------------------------------------------------------------------------


def migrated_copy(real_tree, release: bool = True):
    import shutil

    shutil.copytree(REPO / "migrations", real_tree.root / "migrations")
    if release:
        assert run("build", "--release", "--root", str(real_tree.root)).exit_code == 0
    return real_tree


def test_build_check_exits_0_on_the_repository_and_writes_nothing():
    before = {p.name: p.read_bytes() for p in (REPO / "migrations").glob("*") if p.is_file()}
    result = run("build", "--check", "--root", str(REPO))
    assert result.exit_code == 0, result.output
    migrations = len(read_order(REPO))
    assert f"wsdb build: clean; {migrations} migration(s)" in result.output and "replayed schema equals sql/" in result.output
    assert {p.name: p.read_bytes() for p in (REPO / "migrations").glob("*") if p.is_file()} == before


def test_build_check_exits_1_naming_the_edited_released_script(real_tree):
    migrated_copy(real_tree)
    script = real_tree.root / "migrations" / "20250907_add_core_modules.sql"
    script.write_text(script.read_text(encoding="utf-8").replace("Workstream", "WorkStream"), encoding="utf-8")
    result = run("build", "--check", "--root", str(real_tree.root))
    assert result.exit_code == 1
    assert "migrations/20250907_add_core_modules.sql:1: E801 released script 20250907_add_core_modules.sql was edited" in result.output


def test_build_refuses_check_and_release_together():
    result = run("build", "--check", "--release", "--root", str(REPO))
    assert result.exit_code == 2 and "cannot --release" in result.output


def test_build_stops_with_exit_1_when_sql_does_not_parse(real_tree):
    migrated_copy(real_tree, release=False)
    real_tree.edit("sql/views/app.v_active_config.sql", "SELECT", "SELEKT")
    result = run("build", "--root", str(real_tree.root))
    assert result.exit_code == 1 and "sql/ does not parse" in result.output and "Traceback" not in result.output


def test_new_scaffolds_a_template_that_build_asks_to_fill_in(real_tree):
    migrated_copy(real_tree)
    result = run("new", "add_widgets", "--date", "20261122", "--root", str(real_tree.root))
    assert result.exit_code == 0, result.output
    assert (real_tree.root / "migrations" / "templates" / "20261122_add_widgets.sql.j2").is_file()
    assert (real_tree.root / "migrations" / "order.txt").read_text().splitlines()[-1] == "20261122_add_widgets"
    build = run("build", "--root", str(real_tree.root))
    assert build.exit_code == 1
    assert "E803 20261122_add_widgets: the template asks for no change" in build.output


def test_new_rejects_a_bad_slug_with_a_usage_error(real_tree):
    result = run("new", "Add-Widgets", "--root", str(real_tree.root))
    assert result.exit_code == 2 and "slug" in result.output


def test_bundle_writes_every_released_script_whole_in_order(real_tree, tmp_path):
    from harness.sumfile import checksum_of

    migrated_copy(real_tree)
    out = tmp_path / "deploy.sql"
    result = run("bundle", "--root", str(real_tree.root), "-o", str(out))
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    names = [line for line in (REPO / "migrations" / "order.txt").read_text().splitlines() if line and not line.startswith("#")]
    positions = [text.index(f"Migration    {name}\n") for name in names]
    assert positions == sorted(positions)
    for name in names:
        script = (real_tree.root / "migrations" / f"{name}.sql").read_text(encoding="utf-8")
        assert script in text and checksum_of(script) in text


def test_bundle_from_a_migration_starts_there_and_an_unknown_name_is_a_usage_error(real_tree):
    migrated_copy(real_tree)
    result = run("bundle", "--root", str(real_tree.root), "--from", "20250909_add_identity_system")
    assert result.exit_code == 0
    assert "Migration    20250909_add_config_registry\n" not in result.output
    assert "Migration    20250909_add_identity_system\n" in result.output
    assert "Migration    20250909_enhanced_today_panel\n" in result.output
    bad = run("bundle", "--root", str(real_tree.root), "--from", "20990101_nothing")
    assert bad.exit_code == 2 and "no released migration" in bad.output


def test_bundle_refuses_migrations_that_do_not_verify(real_tree):
    migrated_copy(real_tree)
    real_tree.edit("sql/tables/app.signal.sql", "contact_phone varchar(32) NULL", "contact_phone varchar(30) NULL")
    result = run("bundle", "--root", str(real_tree.root))
    assert result.exit_code == 2 and "do not verify" in result.output


def test_docs_writes_a_dictionary_and_a_picture_per_schema_where_asked(tmp_path):
    out = tmp_path / "schema"
    result = run("docs", "--root", str(REPO), "--output", str(out))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["README.md", "app.md", "app.svg", "core.md", "core.svg", "intake.md", "intake.svg"]
    assert result.output.splitlines()[-1].startswith("wsdb docs: wrote 7 file(s) for ")


def test_docs_check_passes_on_the_repository_and_names_a_stale_dictionary(tmp_path):
    assert run("docs", "--root", str(REPO), "--check").exit_code == 0
    out = tmp_path / "schema"
    run("docs", "--root", str(REPO), "--output", str(out))
    (out / "core.md").write_text("edited by hand\n", encoding="utf-8")
    result = run("docs", "--root", str(REPO), "--output", str(out), "--check")
    assert result.exit_code == 1
    assert "core.md:1: stale; run wsdb docs" in result.output and "wsdb docs: 1 stale file(s)" in result.output
