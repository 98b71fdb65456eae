"""The live tier's own fixtures and helpers, against a real SQL Server (marker ``live``)."""

from __future__ import annotations

import pytest

from harness.connection import SqlError, connect
from harness.pytest_plugin import live_session

pytestmark = pytest.mark.live

def test_what_a_test_writes_is_rolled_back_when_it_ends(wsdb_database):
    with live_session(wsdb_database) as session:
        session.execute("CREATE TABLE dbo.wsdb_probe (probe_id int NOT NULL);")
        session.execute("INSERT INTO dbo.wsdb_probe (probe_id) VALUES (?);", 7)
        assert session.scalar("SELECT COUNT(*) AS n FROM dbo.wsdb_probe;") == 1

    with connect(wsdb_database) as connection:
        assert connection.scalar("SELECT OBJECT_ID(N'dbo.wsdb_probe', N'U') AS id;") is None


def test_the_db_fixture_runs_inside_an_open_transaction(db):
    assert db.scalar("SELECT @@TRANCOUNT AS n;") == 1


def test_every_migration_is_applied_to_the_session_database(db, wsdb_root):
    from harness.scripts import load_scripts

    names = [row["migration_name"] for row in db.query("SELECT migration_name FROM dbo.wsdb_migration_history;")]
    assert sorted(names) == sorted(load_scripts(wsdb_root, include_drafts=True).names())


def test_session_context_is_set_and_a_read_only_key_cannot_be_changed(db):
    db.set_context("workspace_id", "w-1", read_only=True)
    assert db.scalar("SELECT CONVERT(nvarchar(40), SESSION_CONTEXT(N'workspace_id')) AS v;") == "w-1"

    with pytest.raises(SqlError, match="read_only|read-only"):  # the docs give no number; the text says read_only
        db.set_context("workspace_id", "w-2")
    assert db.scalar("SELECT CONVERT(nvarchar(40), SESSION_CONTEXT(N'workspace_id')) AS v;") == "w-1"


def test_run_proc_binds_arguments_and_returns_the_result_sets(db):
    results = db.run_proc("sys.sp_executesql", stmt="SELECT @x * 2 AS doubled;", params="@x int", x=21)
    assert results[-1].dicts() == [{"doubled": 42}]


def test_read_view_filters_with_bound_parameters(db):
    rows = db.read_view("sys.objects", "name = ?", "wsdb_migration_history")
    assert [row["type"].strip() for row in rows] == ["U"]


def test_expect_error_fails_when_the_statement_succeeds(db):
    with pytest.raises(AssertionError, match="expected error 50000, but the statement succeeded"):
        with db.expect_error(50000):
            db.execute("SELECT 1 AS fine;")


def test_expect_error_reports_another_error_number(db):
    with pytest.raises(AssertionError, match="expected error 50001, got error 8134"):
        with db.expect_error(50001):
            db.execute("SELECT 1 / 0 AS boom;")


def test_an_error_that_ends_the_transaction_is_reported_and_a_new_one_opened(db):
    with db.expect_error(50999) as outcome:
        db.execute("SET XACT_ABORT ON; THROW 50999, N'stop here', 1;")
    assert outcome["rolled_back"] is True
    assert isinstance(outcome["error"], SqlError)
    assert db.scalar("SELECT @@TRANCOUNT AS n;") == 1


def test_a_tenant_session_is_bound_to_its_tenant_and_cannot_switch(tenant_db):
    session = tenant_db(org_id=7)
    assert session.scalar("SELECT CONVERT(int, SESSION_CONTEXT(N'org_id')) AS v;") == 7
    with pytest.raises(SqlError, match="read_only|read-only"):
        session.set_context("org_id", 8)
    other = tenant_db(org_id=9)
    assert other.scalar("SELECT CONVERT(int, SESSION_CONTEXT(N'org_id')) AS v;") == 9
    assert session.scalar("SELECT CONVERT(int, SESSION_CONTEXT(N'org_id')) AS v;") == 7


def test_a_tenant_session_refuses_a_key_that_is_not_a_tenant():
    from harness.pytest_plugin import tenant_session
    from harness.urls import parse_url

    with pytest.raises(ValueError, match="not a tenant key"):
        with tenant_session(parse_url("mssql://sa:x@localhost/db"), "colour", "blue"):
            pass
