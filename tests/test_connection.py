"""Connections without a server: error mapping, placeholders, the ODBC string, an unreachable port."""

import socket
import sys

import pymssql
import pytest

from harness.connection import (
    EXIT_LOGIN,
    EXIT_NO_DATABASE,
    EXIT_NO_DRIVER,
    EXIT_UNREACHABLE,
    ConnectError,
    classify_connect_error,
    connect,
    driver_sql,
    odbc_connection_string,
    quote_name,
    sql_error,
)
from harness.urls import parse_url

PYMSSQL_URL = parse_url("mssql+pymssql://sa:x@db.example.com:1433/workstream")
ODBC_URL = parse_url("mssql+pyodbc://sa:x@db.example.com/workstream?driver=ODBC+Driver+18+for+SQL+Server")
DBLIB = "DB-Lib error message 20018, severity 14:\nGeneral SQL Server error: Check messages from the SQL Server\n"


def _pymssql_error(number: int, text: str) -> pymssql.OperationalError:
    """The exception pymssql raises at connect time: one argument, a (number, bytes) pair."""
    return pymssql.OperationalError((number, text.encode()))


def test_a_refused_tcp_connection_is_unreachable_with_exit_code_3():
    error = _pymssql_error(20009, "DB-Lib error message 20009, severity 9:\nUnable to connect: TDS server is unavailable or does not exist (db.example.com)\nNet-Lib error during Connection refused (111)\n")
    problem = classify_connect_error(PYMSSQL_URL, error)
    assert (problem.kind, problem.exit_code) == ("unreachable", EXIT_UNREACHABLE)
    assert problem.message == (
        "cannot reach SQL Server at db.example.com:1433: Unable to connect: TDS server is unavailable or does not "
        "exist (db.example.com); Net-Lib error during Connection refused (111)"
    )


def test_a_failed_login_is_exit_code_4_and_names_the_user():
    problem = classify_connect_error(PYMSSQL_URL, _pymssql_error(18456, "Login failed for user 'sa'." + DBLIB))
    assert (problem.kind, problem.exit_code) == ("login", EXIT_LOGIN)
    assert problem.message == "login failed for user 'sa' on db.example.com:1433: Login failed for user 'sa'."


def test_a_missing_database_is_exit_code_5_even_when_a_login_failure_follows():
    text = "Cannot open database \"workstream\" requested by the login. The login failed.Login failed for user 'sa'." + DBLIB
    problem = classify_connect_error(PYMSSQL_URL, _pymssql_error(4060, text))
    assert (problem.kind, problem.exit_code) == ("database", EXIT_NO_DATABASE)
    assert problem.message.startswith("database 'workstream' does not exist on db.example.com:1433")
    assert "--create-database" in problem.message


class _OdbcError(Exception):
    """Shaped like pyodbc.Error: (sqlstate, message)."""


@pytest.mark.parametrize(
    ("state", "text", "kind"),
    [
        ("08001", "[08001] [Microsoft][ODBC Driver 18 for SQL Server]TCP Provider: Error code 0x2749 (10057) (SQLDriverConnect)", "unreachable"),
        ("28000", "[28000] [Microsoft][ODBC Driver 18 for SQL Server][SQL Server]Login failed for user 'sa'. (18456) (SQLDriverConnect)", "login"),
        ("42000", "[42000] [Microsoft][ODBC Driver 18 for SQL Server][SQL Server]Cannot open database \"workstream\" requested by the login. The login failed. (4060) (SQLDriverConnect)", "database"),
        ("01000", "[01000] [unixODBC][Driver Manager]Can't open lib 'ODBC Driver 18 for SQL Server' : file not found (0) (SQLDriverConnect)", "driver"),
        ("IM002", "[IM002] [unixODBC][Driver Manager]Data source name not found and no default driver specified (0) (SQLDriverConnect)", "driver"),
    ],
)
def test_odbc_connect_errors_map_by_sqlstate_and_number(state, text, kind):
    assert classify_connect_error(ODBC_URL, _OdbcError(state, text)).kind == kind


def test_a_login_failure_message_keeps_sql_servers_text_without_the_odbc_prefixes():
    error = _OdbcError("28000", "[28000] [Microsoft][ODBC Driver 18 for SQL Server][SQL Server]Login failed for user 'sa'. (18456) (SQLDriverConnect)")
    assert classify_connect_error(ODBC_URL, error).message.endswith(": Login failed for user 'sa'.")


def test_a_batch_error_from_pymssql_keeps_number_and_message_without_the_dblib_tail():
    # Shaped as pymssql raises it from a batch: (number, bytes). The line number comes from the
    # _mssql exception pymssql chains; that one is only made by a server (see tests/live).
    error = sql_error("pymssql", pymssql.ProgrammingError(2714, b"There is already an object named 'x' in the database." + DBLIB.encode()))
    assert error.number == 2714
    assert error.message == "There is already an object named 'x' in the database."


def test_a_batch_error_from_odbc_takes_the_number_from_the_message():
    error = sql_error("pyodbc", _OdbcError("42S01", "[42S01] [Microsoft][ODBC Driver 18 for SQL Server][SQL Server]There is already an object named 'x' in the database. (2714) (SQLExecDirectW)"))
    assert (error.number, error.message) == (2714, "There is already an object named 'x' in the database.")
    assert error.text() == "error 2714: There is already an object named 'x' in the database."


def test_question_marks_become_pymssql_placeholders_only_in_code():
    sql = "SELECT ? AS a, N'why?' AS b, [odd?] AS c -- really?\nWHERE x = ? /* ? */;"
    assert driver_sql(sql, "pymssql") == "SELECT %s AS a, N'why?' AS b, [odd?] AS c -- really?\nWHERE x = %s /* ? */;"
    assert driver_sql(sql, "pyodbc") == sql


def test_the_odbc_connection_string_braces_the_password_and_passes_options_on():
    url = parse_url("mssql+pyodbc://sa:p%7D%3Bx@h:1500/db?driver=ODBC+Driver+18+for+SQL+Server&TrustServerCertificate=yes")
    assert odbc_connection_string(url) == (
        "DRIVER={ODBC Driver 18 for SQL Server};SERVER=h,1500;DATABASE=db;UID={sa};PWD={p}};x};"
        "TrustServerCertificate=yes;APP=wsdb"
    )


def test_quote_name_doubles_closing_brackets_and_refuses_overlong_names():
    assert quote_name("odd]name") == "[odd]]name]"
    with pytest.raises(ValueError):
        quote_name("x" * 129)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_connecting_to_a_closed_port_raises_unreachable_not_a_traceback():
    url = parse_url(f"mssql+pymssql://sa:x@127.0.0.1:{_closed_port()}/master?login_timeout=5")
    with pytest.raises(ConnectError) as raised:
        connect(url)
    assert raised.value.kind == "unreachable"
    assert raised.value.message.startswith(f"cannot reach SQL Server at 127.0.0.1:{url.port}: ")


def test_a_missing_driver_module_is_exit_code_6(monkeypatch):
    monkeypatch.setitem(sys.modules, "pyodbc", None)  # makes `import pyodbc` fail, as on a machine without it
    with pytest.raises(ConnectError) as raised:
        connect(ODBC_URL)
    assert (raised.value.kind, raised.value.exit_code) == ("driver", EXIT_NO_DRIVER)
    assert "pip install -e '.[odbc]'" in raised.value.message
