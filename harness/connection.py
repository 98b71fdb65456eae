"""Connections to SQL Server through pymssql (default) or pyodbc, with one error vocabulary.

:func:`connect` opens a connection in autocommit mode (the migration scripts open and commit their own
transaction) with the session options SSMS uses, so filtered indexes and computed columns behave as they
do for a DBA. What goes wrong while connecting becomes a :class:`ConnectError` with one clear line and a
distinct exit code (:data:`EXIT_CODES`); what goes wrong in a batch becomes a :class:`SqlError` with
SQL Server's error number, message and (pymssql) line.

:meth:`Connection.execute` runs one batch — no ``GO``: split scripts with :func:`harness.batches.split_batches`
first — and drains every result set, so an error raised by a later statement of the batch surfaces
instead of being lost with an unread result. ``PRINT`` output is kept in :attr:`Connection.messages`.
Parameters are written ``?`` in the SQL text (outside strings and comments), for either driver.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Sequence

from .batches import regions
from .urls import ServerUrl

EXIT_UNREACHABLE = 3
EXIT_LOGIN = 4
EXIT_NO_DATABASE = 5
EXIT_NO_DRIVER = 6
EXIT_CODES = {
    "unreachable": EXIT_UNREACHABLE,
    "login": EXIT_LOGIN,
    "database": EXIT_NO_DATABASE,
    "driver": EXIT_NO_DRIVER,
}

# The options SSMS sets; persisted computed columns and filtered indexes need all of them.
SESSION_OPTIONS = (
    "SET ANSI_NULLS ON",
    "SET ANSI_PADDING ON",
    "SET ANSI_WARNINGS ON",
    "SET ARITHABORT ON",
    "SET CONCAT_NULL_YIELDS_NULL ON",
    "SET QUOTED_IDENTIFIER ON",
    "SET NUMERIC_ROUNDABORT OFF",
    "SET IMPLICIT_TRANSACTIONS OFF",
    "SET TEXTSIZE 2147483647",
)
APPNAME = "wsdb"


class ConnectError(Exception):
    """The server could not be reached or would not let us in. ``kind`` picks the exit code."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.exit_code = EXIT_CODES[kind]


class SqlError(Exception):
    """SQL Server refused a batch: its error number, message and, where the driver tells, the line."""

    def __init__(self, number: int | None, message: str, line: int | None = None, severity: int | None = None,
                 procedure: str | None = None) -> None:
        self.number = number
        self.message = message
        self.line = line
        self.severity = severity
        self.procedure = procedure
        super().__init__(self.text())

    def text(self) -> str:
        where = []
        if self.procedure:
            where.append(f"in {self.procedure}")
        if self.line:
            where.append(f"line {self.line}")
        number = f"error {self.number}" if self.number is not None else "error"
        return f"{number}{' (' + ', '.join(where) + ')' if where else ''}: {self.message}"


@dataclass
class ResultSet:
    columns: list[str]
    rows: list[tuple]

    def dicts(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row)) for row in self.rows]


# -- error mapping ---------------------------------------------------------------------------------

_DBLIB_TAIL = re.compile(r"\s*DB-Lib error message \d+, severity \d+:.*", re.DOTALL)
_ODBC_PREFIX = re.compile(r"^(?:\[[^\]]*\]\s*)+")
_ODBC_NUMBER = re.compile(r"\((\d+)\)\s*(?:\(SQL\w+\))?\s*$")


def _driver_payload(error: BaseException) -> tuple[Any, str]:
    """(first element, message text) of a driver exception, whichever of the two shapes it has."""
    args = error.args
    if len(args) == 1 and isinstance(args[0], tuple):
        args = args[0]
    first = args[0] if args else None
    rest = args[1] if len(args) > 1 else (args[0] if args else "")
    if isinstance(rest, bytes):
        rest = rest.decode("utf-8", "replace")
    return first, str(rest)


def _clean_pymssql(text: str) -> str:
    """SQL Server's own message without FreeTDS's "DB-Lib error message …" tail."""
    head = _DBLIB_TAIL.sub("", text).strip()
    if head:
        return head
    # Only DB-Lib lines (e.g. "Unable to connect: …"): keep the most telling one.
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("DB-Lib error message")]
    return "; ".join(dict.fromkeys(lines)) if lines else text.strip()


def _clean_odbc(text: str) -> str:
    return _ODBC_NUMBER.sub("", _ODBC_PREFIX.sub("", text.strip())).strip()


def classify_connect_error(url: ServerUrl, error: BaseException) -> ConnectError:
    """Map a driver's connect-time exception to a :class:`ConnectError` (one line, exit code by kind)."""
    where = f"{url.host}:{url.port}"
    first, text = _driver_payload(error)
    if url.driver == "pyodbc":
        state = str(first or "")
        message = _clean_odbc(text)
        if state == "IM002" or "can't open lib" in text.lower() or "data source name not found" in text.lower():
            return ConnectError(
                "driver",
                f"ODBC driver {url.option('driver')!r} is not installed on this machine ({message}); install it "
                "(https://learn.microsoft.com/sql/connect/odbc/linux-mac/installing-the-microsoft-odbc-driver-for-sql-server) "
                "or use mssql+pymssql://",
            )
        if "(4060)" in text:
            return ConnectError("database", _no_database(url))
        if state == "28000" or "(18456)" in text:
            return ConnectError("login", f"login failed for user {url.user!r} on {where}: {message}")
        return ConnectError("unreachable", f"cannot reach SQL Server at {where}: {message}")
    message = _clean_pymssql(text)
    numbers = {int(n) for n in re.findall(r"\b(\d{4,5})\b", text)} | ({first} if isinstance(first, int) else set())
    if 4060 in numbers or "Cannot open database" in text:
        return ConnectError("database", _no_database(url))
    if 18456 in numbers or "Login failed" in text:
        return ConnectError("login", f"login failed for user {url.user!r} on {where}: {message}")
    return ConnectError("unreachable", f"cannot reach SQL Server at {where}: {message}")


def _no_database(url: ServerUrl) -> str:
    return (
        f"database {url.database!r} does not exist on {url.host}:{url.port} (or this login may not open it); "
        "wsdb apply --create-database creates it"
    )


def sql_error(driver: str, error: BaseException) -> SqlError:
    """Map a driver's exception raised by a batch to a :class:`SqlError`."""
    if driver == "pymssql":
        inner = error.__context__
        if inner is not None and hasattr(inner, "number") and hasattr(inner, "text"):
            text = inner.text.decode("utf-8", "replace") if isinstance(inner.text, bytes) else str(inner.text or "")
            procedure = inner.procname.decode("utf-8", "replace") if isinstance(inner.procname, bytes) else inner.procname
            return SqlError(inner.number, _clean_pymssql(text), inner.line or None, inner.severity, procedure or None)
        first, text = _driver_payload(error)
        return SqlError(first if isinstance(first, int) else None, _clean_pymssql(text))
    _, text = _driver_payload(error)
    numbers = _ODBC_NUMBER.search(text.strip())
    return SqlError(int(numbers.group(1)) if numbers else None, _clean_odbc(text))


# -- parameters --------------------------------------------------------------------------------------


def driver_sql(sql: str, driver: str) -> str:
    """``?`` placeholders (outside strings, identifiers and comments) in the driver's own style."""
    if driver == "pyodbc":
        return sql
    out = []
    for start, end, kind in regions(sql):
        chunk = sql[start:end]
        out.append(chunk.replace("?", "%s") if kind == "code" else chunk)
    return "".join(out)


# -- the connection ----------------------------------------------------------------------------------


@dataclass
class Connection:
    """One open session. Autocommit: ``BEGIN TRANSACTION`` in a batch opens the only transaction there is."""

    url: ServerUrl
    raw: Any = field(repr=False)
    messages: list[str] = field(default_factory=list)

    @property
    def driver(self) -> str:
        return self.url.driver

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> list[ResultSet]:
        """Run one batch and drain every result set; raise :class:`SqlError` on any error in the batch."""
        errors = _driver_errors(self.driver)
        cursor = self.raw.cursor()
        results: list[ResultSet] = []
        try:
            if params:
                cursor.execute(driver_sql(sql, self.driver), tuple(params))
            else:
                cursor.execute(sql)
            while True:
                self._collect_messages(cursor)
                if cursor.description:
                    columns = [d[0] for d in cursor.description]
                    results.append(ResultSet(columns, [tuple(r) for r in cursor.fetchall()]))
                if not cursor.nextset():
                    break
            self._collect_messages(cursor)
        except errors as error:
            self._collect_messages(cursor)
            raise sql_error(self.driver, error) from None
        finally:
            try:
                cursor.close()
            except errors:
                pass
        return results

    def query(self, sql: str, params: Sequence[Any] | None = None) -> list[dict[str, Any]]:
        """Rows of the batch's first result set, as dicts (an empty list when it returns none)."""
        for result in self.execute(sql, params):
            return result.dicts()
        return []

    def scalar(self, sql: str, params: Sequence[Any] | None = None) -> Any:
        """The first column of the first row of the first result set (None when there is no row)."""
        for result in self.execute(sql, params):
            return result.rows[0][0] if result.rows else None
        return None

    def close(self) -> None:
        try:
            self.raw.close()
        except Exception:  # noqa: BLE001 - a connection the server already dropped closes quietly
            pass

    def __enter__(self) -> "Connection":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _collect_messages(self, cursor) -> None:
        if self.driver == "pyodbc":
            for _, text in getattr(cursor, "messages", None) or []:
                self.messages.append(_clean_odbc(str(text)))
            if getattr(cursor, "messages", None):
                cursor.messages.clear()


def _driver_errors(driver: str) -> tuple[type[BaseException], ...]:
    module = __import__(driver)
    return (module.Error,)


def load_driver(driver: str):
    """Import the driver module; a missing one is a :class:`ConnectError` of kind ``driver``."""
    try:
        return __import__(driver)
    except ImportError as error:
        hint = "pip install pymssql" if driver == "pymssql" else "pip install -e '.[odbc]' (pyodbc) and Microsoft's ODBC driver"
        raise ConnectError("driver", f"the {driver} driver is not installed ({error}); {hint}") from None


def connect(url: ServerUrl, *, database: str | None = None, login_timeout: int | None = None) -> Connection:
    """Open an autocommit session on ``url`` (or on another ``database`` of the same server)."""
    if database is not None:
        url = url.with_database(database)
    module = load_driver(url.driver)
    timeout = int(url.option("login_timeout") or login_timeout or 15)
    try:
        if url.driver == "pymssql":
            raw = _connect_pymssql(module, url, timeout)
        else:
            raw = module.connect(odbc_connection_string(url), autocommit=True, timeout=timeout)
    except module.Error as error:
        raise classify_connect_error(url, error) from None
    connection = Connection(url, raw)
    if url.driver == "pymssql":
        raw._conn.set_msghandler(_pymssql_messages(connection.messages))
    else:
        connection.execute(";\n".join(SESSION_OPTIONS) + ";")
    return connection


def _connect_pymssql(module, url: ServerUrl, timeout: int):
    server = url.host + (f"\\{url.option('instance')}" if url.option("instance") else "")
    kwargs = dict(
        server=server,
        port=str(url.port),
        user=url.user,
        password=url.password,
        database=url.database or "",
        login_timeout=timeout,
        timeout=int(url.option("timeout") or 0),
        appname=url.option("appname") or APPNAME,
        autocommit=True,
        tds_version=url.option("tds_version") or "7.4",
        use_datetime2=True,
        conn_properties=[f"{option};" for option in SESSION_OPTIONS],
    )
    if url.option("encryption"):
        kwargs["encryption"] = url.option("encryption")
    return module.connect(**kwargs)


def _pymssql_messages(sink: list[str]):
    def handler(msgstate, severity, srvname, procname, line, msgtext):  # noqa: ARG001 - pymssql's signature
        if severity <= 10:  # PRINT and informational messages; errors arrive as exceptions
            sink.append(msgtext.decode("utf-8", "replace") if isinstance(msgtext, bytes) else str(msgtext))

    return handler


def odbc_connection_string(url: ServerUrl) -> str:
    """The ODBC connection string for an ``mssql+pyodbc`` URL (every URL option passed on)."""
    parts = [f"DRIVER={{{url.option('driver')}}}", f"SERVER={url.host},{url.port}"]
    if url.database:
        parts.append(f"DATABASE={url.database}")
    if url.user is not None:
        parts.append("UID={" + url.user.replace("}", "}}") + "}")
    if url.password is not None:
        parts.append("PWD={" + url.password.replace("}", "}}") + "}")
    parts += [f"{k}={v}" for k, v in url.options if k.lower() not in ("driver", "login_timeout")]
    parts.append(f"APP={APPNAME}")
    return ";".join(parts)


def quote_name(name: str) -> str:
    """T-SQL ``QUOTENAME`` for a name used in a statement the harness writes (database names)."""
    if len(name) > 128:
        raise ValueError(f"a SQL Server name has at most 128 characters: {name[:40]}…")
    return "[" + name.replace("]", "]]") + "]"


__all__ = [
    "EXIT_CODES",
    "ConnectError",
    "Connection",
    "ResultSet",
    "SqlError",
    "classify_connect_error",
    "connect",
    "driver_sql",
    "load_driver",
    "odbc_connection_string",
    "quote_name",
    "sql_error",
]
