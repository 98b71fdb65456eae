"""The live commands' behaviour that needs no server: usage errors, exit codes, refusals before connecting."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from xml.etree import ElementTree as ET

import pytest
from click.testing import CliRunner

from harness.cli import main

from .conftest import REPO


def run(*args: str, env: dict | None = None):
    return CliRunner().invoke(main, list(args), env={"WSDB_URL": None, **(env or {})})


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


UNREACHABLE = f"mssql+pymssql://sa:secret-pw@127.0.0.1:{_closed_port()}/workstream?login_timeout=5"


@pytest.mark.parametrize("command", ["apply", "status", "verify"])
def test_a_live_command_without_a_url_is_a_usage_error_that_says_how_to_give_one(command):
    result = run(command, "--root", str(REPO))
    assert result.exit_code == 2
    assert "no server URL: pass --url or set WSDB_URL" in result.output


@pytest.mark.parametrize("command", ["apply", "status", "verify"])
def test_an_unreachable_server_is_one_line_and_exit_code_3(command):
    result = run(command, "--root", str(REPO), "--url", UNREACHABLE)
    assert result.exit_code == 3, result.output
    assert result.output.startswith("wsdb: cannot reach SQL Server at 127.0.0.1:")
    assert result.output.count("\n") == 1 and "secret-pw" not in result.output


def test_the_url_can_come_from_wsdb_url():
    result = run("status", "--root", str(REPO), env={"WSDB_URL": UNREACHABLE})
    assert result.exit_code == 3


def test_a_dry_run_against_an_unreachable_server_also_exits_3_and_applies_nothing():
    result = run("apply", "--dry-run", "--root", str(REPO), "--url", UNREACHABLE)
    assert result.exit_code == 3


def test_a_missing_odbc_driver_module_is_exit_code_6():
    code = (
        "import sys; sys.modules['pyodbc'] = None; from harness.cli import entry; "
        "sys.argv = ['wsdb', 'status', '--root', sys.argv[1], '--url', "
        "'mssql+pyodbc://sa:x@127.0.0.1/db?driver=ODBC+Driver+18+for+SQL+Server']; entry()"
    )
    done = subprocess.run([sys.executable, "-c", code, str(REPO)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 6, done.stderr
    assert done.stderr.startswith("wsdb: the pyodbc driver is not installed") and "Traceback" not in done.stderr


def test_an_edited_script_is_refused_before_any_connection(tmp_path):
    shutil.copytree(REPO / "migrations", tmp_path / "migrations")
    script = tmp_path / "migrations" / "20250907_final_tightenings.sql"
    script.write_text(script.read_text(encoding="utf-8").replace("SET NOCOUNT ON;", "SET NOCOUNT OFF;", 1), encoding="utf-8")
    result = run("apply", "--root", str(tmp_path), "--url", UNREACHABLE)
    assert result.exit_code == 1
    assert result.output.startswith("wsdb: migrations/20250907_final_tightenings.sql: checksum")


def test_to_an_unknown_migration_is_a_usage_error_before_any_connection():
    # The URL is unreachable: exit 2 (not 3) shows --to was refused before connecting.
    result = run("apply", "--root", str(REPO), "--url", UNREACHABLE, "--to", "20250909_identity")
    assert result.exit_code == 2, result.output
    assert "--to 20250909_identity: no such migration in migrations/order.txt" in result.output


def test_wsdb_test_without_a_server_fails_by_default_and_names_both_ways(tmp_path):
    env = dict(os.environ, DOCKER_HOST=f"unix://{tmp_path}/no-docker.sock", WSDB_TEST_URL="")
    env.pop("WSDB_TEST_URL")
    done = subprocess.run(
        [sys.executable, "-m", "harness", "test", "--root", str(REPO), "-q", "-x", "-p", "no:cacheprovider",
         "tests/live/test_plugin_live.py"],
        capture_output=True, text=True, timeout=300, env=env, cwd=REPO,
    )
    assert done.returncode == 1, done.stdout[-2000:]
    assert "set WSDB_TEST_URL" in done.stdout and "testcontainers can start mcr.microsoft.com/mssql/server:2022-latest" in done.stdout


def test_wsdb_test_allow_skip_skips_the_live_tier_with_the_reason_and_writes_both_reports(tmp_path):
    env = dict(os.environ, DOCKER_HOST=f"unix://{tmp_path}/no-docker.sock")
    env.pop("WSDB_TEST_URL", None)
    junit, report = tmp_path / "live.xml", tmp_path / "live.json"
    done = subprocess.run(
        [sys.executable, "-m", "harness", "test", "--allow-skip", "--root", str(REPO), "--junit", str(junit),
         "--json", str(report), "-q", "-rs", "-p", "no:cacheprovider", "tests/live/test_plugin_live.py"],
        capture_output=True, text=True, timeout=300, env=env, cwd=REPO,
    )
    assert done.returncode == 0, done.stdout[-2000:]
    assert "skipped" in done.stdout and "no SQL Server for the live tier: set WSDB_TEST_URL" in done.stdout
    skipped = [case for case in ET.parse(junit).getroot().iter("testcase") if case.find("skipped") is not None]
    payload = json.loads(report.read_text(encoding="utf-8"))
    live = [entry for entry in payload["tests"] if entry["outcome"] == "skipped"]
    assert len(skipped) == len(live) == payload["summary"]["skipped"] > 0
    assert all(entry["message"].startswith("no SQL Server for the live tier") for entry in live)


def test_the_cli_report_formats_are_those_of_check_and_verify():
    from harness.cli import REPORT_FORMATS
    from harness.report import FORMATS as CHECK_FORMATS
    from harness.verify import FORMATS as VERIFY_FORMATS

    assert REPORT_FORMATS == CHECK_FORMATS == VERIFY_FORMATS


def test_a_live_command_starts_without_importing_the_checker():
    code = "import sys; import harness.cli, harness.status, harness.apply; print(sorted(m for m in ('sqlglot', 'jinja2') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=REPO)
    assert done.stdout.strip() == "[]", done.stderr
