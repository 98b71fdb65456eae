"""wsdb apply, status and verify against a real SQL Server (marker ``live``; see harness/pytest_plugin.py)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from harness.apply import ApplyError, ScriptFailed, apply
from harness.catalog import read_catalog_rows
from harness.connection import EXIT_LOGIN, EXIT_NO_DATABASE, SqlError, connect
from harness.history import read_history
from harness.scripts import ScriptError, load_scripts
from harness.status import status
from harness.verify import verify_database
from tests.live.projects import TWIN_BY_HAND, add_failing_migration, copy_project, target_of

pytestmark = pytest.mark.live

V21_LAST = "20250907_today_panel_view"
V21_ROWS = Path(__file__).parent.parent / "fixtures" / "v21_rows.sql"


def _snapshot(url) -> tuple[dict, list]:
    """The schema (every catalog row verify reads) and the history, to compare before and after."""
    with connect(url) as connection:
        return read_catalog_rows(connection), read_history(connection)


def _drift(url, root: Path) -> list[str]:
    with connect(url) as connection:
        return [d.message for d in verify_database(connection, target_of(root))]


def test_a_fresh_database_gets_every_migration_and_then_verifies_with_zero_drift(fresh_database, wsdb_root):
    url = fresh_database()
    expected = load_scripts(wsdb_root, include_drafts=True).names()

    result = apply(url, wsdb_root, include_drafts=True)

    assert [run.name for run in result.applied] == expected
    with connect(url) as connection:
        history = read_history(connection)
    assert [row.name for row in history] == expected
    assert all(row.applied_by and row.duration_ms is not None and row.applied_at for row in history)
    assert _drift(url, wsdb_root) == []


def test_applying_twice_is_a_no_op_the_second_time(fresh_database, wsdb_root):
    url = fresh_database()
    apply(url, wsdb_root, include_drafts=True)
    before = _snapshot(url)

    again = apply(url, wsdb_root, include_drafts=True)

    assert again.runs == []
    assert again.plan.pending == []
    assert _snapshot(url) == before


def test_the_upgrade_from_v21_keeps_every_row_and_ends_with_zero_drift(fresh_database, wsdb_root):
    url = fresh_database()
    first = apply(url, wsdb_root, to=V21_LAST)
    assert first.applied[-1].name == V21_LAST
    with connect(url) as connection:
        connection.execute("BEGIN TRANSACTION;")
        connection.execute(V21_ROWS.read_text(encoding="utf-8"))
        connection.execute("COMMIT TRANSACTION;")
        tables = [
            (row["schema_name"], row["table_name"])
            for row in connection.query(
                "SELECT s.name AS schema_name, t.name AS table_name FROM sys.tables AS t "
                "JOIN sys.schemas AS s ON s.schema_id = t.schema_id WHERE s.name IN (N'app', N'core') "
                "ORDER BY s.name, t.name;"
            )
        ]
        before = {table: _rows(connection, *table) for table in tables}
    empty = [f"{s}.{t}" for (s, t), rows in before.items() if not rows[1]]
    assert tables and not empty, f"the v2.1 fixture leaves these tables empty: {empty}"

    apply(url, wsdb_root, include_drafts=True)

    with connect(url) as connection:
        for (schema, table), (columns, rows) in before.items():
            after = _rows(connection, schema, table, columns)[1]
            assert sorted(set(rows) - set(after)) == [], f"{schema}.{table}: v2.1 rows changed or went missing"
            added = sorted(set(after) - set(rows))
            # The only rows a later migration adds to a v2.1 table: the template org 0 (sql/data/core.org.sql).
            shipped = [(columns[0], repr(0))] if (schema, table) == ("core", "org") else []
            assert [(columns[0], row[0]) for row in added] == shipped, f"{schema}.{table} gained rows"
    assert _drift(url, wsdb_root) == []


def _rows(connection, schema: str, table: str, columns: list[str] | None = None) -> tuple[list[str], list]:
    """The table's rows (the given columns, default all of them now), sorted, as comparable tuples."""
    if columns is None:
        columns = [
            row["name"]
            for row in connection.query(
                "SELECT c.name FROM sys.columns AS c WHERE c.object_id = OBJECT_ID(QUOTENAME(?) + N'.' + QUOTENAME(?)) "
                "ORDER BY c.column_id;",
                (schema, table),
            )
        ]
    listing = ", ".join("[" + c.replace("]", "]]") + "]" for c in columns)
    rows = connection.execute(f"SELECT {listing} FROM [{schema}].[{table}];")[0].rows
    return columns, sorted((tuple(repr(v) for v in row) for row in rows))


def test_a_script_that_fails_leaves_schema_and_history_exactly_as_they_were(fresh_database, wsdb_root, tmp_path):
    project = copy_project(wsdb_root, tmp_path)
    url = fresh_database()
    apply(url, project, include_drafts=True)
    failing = add_failing_migration(project)
    with connect(url) as connection:
        connection.execute(TWIN_BY_HAND)
    before = _snapshot(url)

    with pytest.raises(ScriptFailed) as failed:
        apply(url, project, include_drafts=True)

    assert failed.value.script.name == failing
    assert failed.value.error.number == 2714  # there is already an object named doomed_twin
    assert "rolled back" in str(failed.value)
    assert _snapshot(url) == before
    with connect(url) as connection:
        assert connection.scalar("SELECT OBJECT_ID(N'app.doomed', N'U') AS id;") is None
        assert connection.scalar("SELECT COL_LENGTH(N'app.signal', N'doomed_note') AS n;") is None
        assert connection.scalar("SELECT @@TRANCOUNT AS n;") == 0


def test_the_same_failing_script_run_batch_by_batch_like_ssms_changes_nothing(fresh_database, wsdb_root, tmp_path):
    """SSMS and sqlcmd without -b go on after an error: the script's own gate must keep the rest from running."""
    from harness.batches import split_batches

    project = copy_project(wsdb_root, tmp_path)
    url = fresh_database()
    apply(url, project, include_drafts=True)
    failing = add_failing_migration(project)
    with connect(url) as connection:
        connection.execute(TWIN_BY_HAND)
    before = _snapshot(url)
    text = (project / "migrations" / f"{failing}.sql").read_text(encoding="utf-8")

    errors = []
    with connect(url) as connection:
        for batch in split_batches(text):
            try:
                connection.execute(batch.text)
            except SqlError as error:
                errors.append(error.number)
        assert connection.scalar("SELECT @@TRANCOUNT AS n;") == 0

    assert errors[0] == 2714 and errors[-1] == 50102
    assert _snapshot(url) == before


def test_a_database_that_ran_another_checksum_is_refused_and_left_alone(fresh_database, wsdb_root):
    url = fresh_database()
    apply(url, wsdb_root, to=V21_LAST)
    with connect(url) as connection:
        connection.execute(
            "UPDATE dbo.wsdb_migration_history SET checksum = REPLICATE('f', 64) WHERE migration_name = ?;",
            ("20250907_add_core_modules",),
        )
    before = _snapshot(url)

    with pytest.raises(ApplyError) as refused:
        apply(url, wsdb_root, include_drafts=True)

    assert "20250907_add_core_modules: the database ran checksum ffffffffffff" in str(refused.value)
    assert "nothing was applied" in str(refused.value)
    dry = apply(url, wsdb_root, dry_run=True, include_drafts=True)
    assert [(p.kind, p.name) for p in dry.plan.problems] == [("changed", "20250907_add_core_modules")]
    assert _snapshot(url) == before


def test_a_script_edited_on_disk_after_sealing_is_refused_before_connecting(wsdb_server, wsdb_root, tmp_path):
    project = copy_project(wsdb_root, tmp_path)
    script = project / "migrations" / f"{V21_LAST}.sql"
    script.write_text(script.read_text(encoding="utf-8").replace("SET NOCOUNT ON;", "SET NOCOUNT OFF;", 1), encoding="utf-8")

    with pytest.raises(ScriptError, match=f"migrations/{V21_LAST}.sql: checksum"):
        apply(wsdb_server.new_database_url(), project)


def test_two_concurrent_applies_in_two_processes_record_each_migration_once(fresh_database, wsdb_root):
    url = fresh_database()
    command = [sys.executable, "-m", "harness", "apply", "--drafts", "--root", str(wsdb_root), "--url", url.render()]
    env = dict(os.environ, PYTHONPATH=str(wsdb_root))
    first = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    second = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    outputs = [p.communicate(timeout=600)[0] for p in (first, second)]

    assert [first.returncode, second.returncode] == [0, 0], outputs
    expected = load_scripts(wsdb_root, include_drafts=True).names()
    with connect(url) as connection:
        names = [row.name for row in read_history(connection)]
    assert sorted(names) == sorted(expected) and len(names) == len(set(names))
    applied = sorted(sum(bool(re.match(r"\[\s*\d+/\d+\] applied ", line)) for line in out.splitlines()) for out in outputs)
    assert applied == [0, len(expected)], outputs
    assert any("nothing to apply" in out for out in outputs), outputs


def test_a_dry_run_lists_the_pending_scripts_and_changes_nothing(fresh_database, wsdb_root):
    url = fresh_database()
    apply(url, wsdb_root, to=V21_LAST)
    before = _snapshot(url)

    result = apply(url, wsdb_root, dry_run=True, include_drafts=True)

    names = load_scripts(wsdb_root, include_drafts=True).names()
    assert [s.name for s in result.plan.pending] == names[names.index(V21_LAST) + 1 :]
    assert result.runs == []
    assert _snapshot(url) == before


def test_status_shows_applied_scripts_with_checksum_and_who_and_pending_ones(fresh_database, wsdb_root):
    url = fresh_database()
    apply(url, wsdb_root, to=V21_LAST)

    result = status(url, wsdb_root, include_drafts=True)

    names = load_scripts(wsdb_root, include_drafts=True).names()
    assert [row.name for _, row in result.plan.applied] == names[: names.index(V21_LAST) + 1]
    assert all(row.applied_by and row.checksum == script.checksum for script, row in result.plan.applied)
    assert [s.name for s in result.plan.pending] == names[names.index(V21_LAST) + 1 :]
    assert result.plan.problems == []


def test_an_error_in_a_later_statement_of_a_batch_surfaces(wsdb_server):
    with connect(wsdb_server.url) as connection:
        with pytest.raises(SqlError) as raised:
            connection.execute("SELECT 1 AS first_result; SELECT 1 / 0 AS second_result;")
    assert raised.value.number == 8134  # divide by zero


def test_print_output_is_kept_as_messages(wsdb_server):
    with connect(wsdb_server.url) as connection:
        connection.execute("PRINT N'hello from the server';")
        assert "hello from the server" in connection.messages


def _cli(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    return subprocess.run([sys.executable, "-m", "harness", *args], capture_output=True, text=True, timeout=600, env=env)


def test_a_wrong_password_is_one_line_and_exit_code_4(wsdb_server):
    if wsdb_server.url.password is None:
        pytest.skip("the test server's URL logs in without a password (integrated security)")
    url = wsdb_server.url.render().replace(":" + _quoted(wsdb_server.url.password) + "@", ":not-the-password@", 1)

    done = _cli("status", "--url", url)

    assert done.returncode == EXIT_LOGIN, done.stderr
    assert done.stderr.startswith("wsdb: login failed for user") and "Traceback" not in done.stderr
    assert "not-the-password" not in done.stderr


def test_a_missing_database_is_one_line_and_exit_code_5(wsdb_server):
    url = wsdb_server.new_database_url("wsdb_missing")

    done = _cli("status", "--url", url.render())

    assert done.returncode == EXIT_NO_DATABASE, done.stderr
    assert f"database {url.database!r} does not exist" in done.stderr and "Traceback" not in done.stderr


def test_create_database_creates_it_and_applies_everything(wsdb_server, wsdb_root):
    url = wsdb_server.new_database_url("wsdb_created")
    try:
        done = _cli("apply", "--create-database", "--drafts", "--root", str(wsdb_root), "--url", url.render())
        assert done.returncode == 0, done.stdout + done.stderr
        assert f"created database {url.database}" in done.stdout
        with connect(url) as connection:
            assert len(read_history(connection)) == len(load_scripts(wsdb_root, include_drafts=True).names())
    finally:
        wsdb_server.drop(url)


def _quoted(text: str | None) -> str:
    from urllib.parse import quote

    return quote(text or "", safe="")
