"""The live test tier: pytest fixtures that give a test a real SQL Server database (``-p harness.pytest_plugin``).

Where the server comes from, in this order:

1. ``WSDB_TEST_URL`` — any SQL Server 2019+ or Azure SQL login that may create databases, e.g.
   ``mssql+pymssql://sa:Secret-Pass-1@localhost:1433/master``. A URL that does not connect is an
   error, not a skip: it was given on purpose.
2. testcontainers — ``mcr.microsoft.com/mssql/server:2022-latest``, when Docker answers.
3. Neither: every test marked ``live`` is skipped with a reason naming both ways. With
   ``WSDB_TEST_REQUIRE_SERVER=1`` (``wsdb test`` sets it) the run fails instead, so a CI job whose
   server went missing cannot pass by skipping everything.

Option: ``--wsdb-json FILE`` writes a JSON report of the run (:mod:`harness.json_report`); JUnit XML is
pytest's own ``--junitxml FILE``. ``wsdb test --json FILE --junit FILE`` passes both.

Fixtures:

* ``wsdb_server`` (session): the :class:`LiveServer`.
* ``wsdb_database`` (session): the URL of a fresh database with every migration applied (drafts
  included: the tier tests the working tree), dropped at the end unless ``WSDB_TEST_KEEP_DATABASE=1``.
* ``db`` (per test): a :class:`LiveSession` on that database inside a transaction that is rolled back
  when the test ends (tSQLt style: nothing a test writes survives it). Helpers: ``query``, ``scalar``,
  ``execute``, ``run_proc``, ``read_view``, ``set_context``, ``expect_error``.
* ``fresh_database`` (per test): a factory of new, empty databases (URLs), dropped after the test; for
  tests of the migrations themselves.
* ``tenant_db`` (per test): a factory of sessions bound to one tenant, ``tenant_db(workspace_id=…)`` or
  ``tenant_db(org_id=…)``: the key is set read-only in SESSION_CONTEXT first (:func:`tenant_session`).
* ``wsdb_root``: the project folder (the pytest rootdir, or ``WSDB_TEST_ROOT``).
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

import pytest

from .connection import ConnectError, Connection, ResultSet, SqlError, connect
from .urls import ServerUrl, UrlError, parse_url

IMAGE = "mcr.microsoft.com/mssql/server:2022-latest"
ENV_URL = "WSDB_TEST_URL"
ENV_REQUIRE = "WSDB_TEST_REQUIRE_SERVER"
ENV_KEEP = "WSDB_TEST_KEEP_DATABASE"
ENV_ROOT = "WSDB_TEST_ROOT"
CONTAINER_PASSWORD = "Wsdb-Test-Pass-1"  # the container lives only as long as the test session
NO_SERVER = (
    "no SQL Server for the live tier: set WSDB_TEST_URL (e.g. mssql+pymssql://sa:<password>@localhost:1433/master), "
    "or make Docker available so testcontainers can start " + IMAGE
)
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def pytest_addoption(parser) -> None:
    from .json_report import OPTION

    parser.getgroup("wsdb").addoption(
        OPTION, metavar="FILE", default=None, help="Write a JSON report of the run to FILE (wsdb test --json)."
    )


def pytest_configure(config) -> None:
    config.addinivalue_line(
        "markers", "live: needs a real SQL Server (WSDB_TEST_URL, or Docker for testcontainers); skipped otherwise"
    )
    target = config.getoption("wsdb_json", default=None)
    if target and not hasattr(config, "workerinput"):  # written once, by the controlling process
        from .json_report import JsonReport

        config.pluginmanager.register(JsonReport(Path(target)), "wsdb-json-report")


@dataclass
class LiveServer:
    """A SQL Server the tests may create databases on. ``url`` points at ``master``."""

    url: ServerUrl
    origin: str  # "WSDB_TEST_URL" or "testcontainers"
    container: Any = None
    databases: list[str] = field(default_factory=list)

    def new_database_url(self, prefix: str = "wsdb_test") -> ServerUrl:
        """A URL for a database that does not exist yet (unique name)."""
        stamp = datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S")
        return self.url.with_database(f"{prefix}_{stamp}_{secrets.token_hex(3)}")

    def create(self, prefix: str = "wsdb_test") -> ServerUrl:
        from .databases import create_database

        url = self.new_database_url(prefix)
        create_database(url)
        self.databases.append(url.database)
        return url

    def drop(self, url: ServerUrl) -> None:
        from .databases import drop_database

        if os.environ.get(ENV_KEEP) == "1":
            return
        drop_database(url)


def _no_server(reason: str):
    if os.environ.get(ENV_REQUIRE) == "1":
        pytest.fail(f"{reason} (and {ENV_REQUIRE}=1 asks for a server)", pytrace=False)
    pytest.skip(reason)


def _wait_for_login(url: ServerUrl, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            connect(url).close()
            return
        except ConnectError:
            if time.monotonic() > deadline:
                raise
            time.sleep(2)


def _start_container() -> LiveServer:
    try:
        try:
            from testcontainers.community.mssql import SqlServerContainer
        except ImportError:
            from testcontainers.mssql import SqlServerContainer
        # Built inside the try: the constructor already talks to Docker and raises when there is none.
        container = SqlServerContainer(IMAGE, password=CONTAINER_PASSWORD)
        container.start()
    except Exception as error:  # noqa: BLE001 - no Docker, no image, no permission: all mean "no server"
        first = str(error).strip().splitlines()[0][:200] if str(error).strip() else type(error).__name__
        _no_server(f"{NO_SERVER} (testcontainers: {first})")
    host = container.get_container_host_ip()
    port = int(container.get_exposed_port(1433))
    url = parse_url(f"mssql+pymssql://sa:{CONTAINER_PASSWORD}@{host}:{port}/master")
    try:
        _wait_for_login(url)
    except ConnectError as error:
        container.stop()
        pytest.fail(f"the SQL Server container started but does not accept logins: {error.message}", pytrace=False)
    return LiveServer(url, "testcontainers", container)


@pytest.fixture(scope="session")
def wsdb_server() -> Iterator[LiveServer]:
    """The SQL Server of this test session (see the module doc for where it comes from)."""
    text = os.environ.get(ENV_URL, "").strip()
    if text:
        try:
            url = parse_url(text)
        except UrlError as error:
            pytest.fail(f"{ENV_URL}: {error}", pytrace=False)
        try:
            connect(url).close()
        except ConnectError as error:
            pytest.fail(f"{ENV_URL} ({url.safe()}): {error.message}", pytrace=False)
        server = LiveServer(url.with_database("master"), ENV_URL)
    else:
        server = _start_container()
    yield server
    if server.container is not None:
        server.container.stop()


@pytest.fixture(scope="session")
def wsdb_root(pytestconfig) -> Path:
    """The project folder whose migrations/ the tier applies."""
    return Path(os.environ.get(ENV_ROOT) or pytestconfig.rootpath)


@pytest.fixture(scope="session")
def wsdb_database(wsdb_server: LiveServer, wsdb_root: Path) -> Iterator[ServerUrl]:
    """A fresh database with every migration applied, for the whole session."""
    from .apply import apply

    url = wsdb_server.create("wsdb_test")
    try:
        apply(url, wsdb_root, include_drafts=True)
    except Exception:
        wsdb_server.drop(url)
        raise
    yield url
    wsdb_server.drop(url)


@pytest.fixture
def fresh_database(wsdb_server: LiveServer) -> Iterator:
    """``fresh_database()`` returns the URL of a new, empty database, dropped when the test ends."""
    made: list[ServerUrl] = []

    def make(prefix: str = "wsdb_fresh") -> ServerUrl:
        url = wsdb_server.create(prefix)
        made.append(url)
        return url

    yield make
    for url in made:
        wsdb_server.drop(url)


class LiveSession:
    """A session on the test database, inside a transaction the fixture rolls back."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def execute(self, sql: str, *params: Any) -> list[ResultSet]:
        """Every result set of one batch (``?`` placeholders)."""
        return self.connection.execute(sql, params or None)

    def query(self, sql: str, *params: Any) -> list[dict[str, Any]]:
        """The rows of the batch's first result set, as dicts."""
        return self.connection.query(sql, params or None)

    def scalar(self, sql: str, *params: Any) -> Any:
        return self.connection.scalar(sql, params or None)

    def run_proc(self, name: str, **params: Any) -> list[ResultSet]:
        """``EXEC schema.proc @name = value, …`` with every value bound as a parameter; its result sets."""
        schema, proc = _qualified(name)
        for key in params:
            if not _NAME.match(key):
                raise ValueError(f"not a parameter name: {key!r}")
        arguments = ", ".join(f"@{key} = ?" for key in params)
        sql = f"EXEC [{schema}].[{proc}]{' ' + arguments if arguments else ''};"
        return self.connection.execute(sql, tuple(params.values()) or None)

    def read_view(self, name: str, where: str = "", *params: Any, order_by: str = "") -> list[dict[str, Any]]:
        """Rows of a view (or table), optionally filtered: ``read_view("app.v_x", "owner_id = ?", 7)``."""
        schema, view = _qualified(name)
        sql = f"SELECT * FROM [{schema}].[{view}]"
        if where:
            sql += f" WHERE {where}"
        if order_by:
            sql += f" ORDER BY {order_by}"
        return self.connection.query(sql + ";", params or None)

    def set_context(self, key: str, value: Any, *, read_only: bool = False) -> None:
        """``sp_set_session_context``; a read-only key cannot be changed again in this session."""
        self.connection.execute(
            "EXEC sys.sp_set_session_context @key = ?, @value = ?, @read_only = ?;", (key, value, 1 if read_only else 0)
        )

    @contextlib.contextmanager
    def expect_error(self, number: int) -> Iterator[dict]:
        """Assert that the block raises SQL Server error ``number``.

        Yields a dict that gets ``error`` (the :class:`SqlError`) and ``rolled_back``: True when the error
        ended the test's transaction (``XACT_ABORT`` in a procedure does); a new one is then opened so the
        test can go on, and what the test wrote before is gone.
        """
        outcome: dict = {}
        try:
            yield outcome
        except SqlError as error:
            outcome["error"] = error
            if error.number != number:
                raise AssertionError(f"expected error {number}, got {error.text()}") from None
        else:
            raise AssertionError(f"expected error {number}, but the statement succeeded")
        outcome["rolled_back"] = not self.connection.scalar("SELECT @@TRANCOUNT AS n;")
        if outcome["rolled_back"]:
            self.connection.execute("BEGIN TRANSACTION;")


def _qualified(name: str) -> tuple[str, str]:
    parts = name.split(".")
    if len(parts) != 2 or not all(_NAME.match(p) for p in parts):
        raise ValueError(f"expected schema.object, got {name!r}")
    return parts[0], parts[1]


@contextlib.contextmanager
def live_session(url: ServerUrl) -> Iterator[LiveSession]:
    """A :class:`LiveSession` whose work is rolled back at the end (what the ``db`` fixture yields)."""
    connection = connect(url)
    try:
        connection.execute("SET XACT_ABORT OFF; BEGIN TRANSACTION;")
        yield LiveSession(connection)
    finally:
        with contextlib.suppress(SqlError):
            connection.execute("IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION;")
        connection.close()


@contextlib.contextmanager
def tenant_session(url: ServerUrl, key: str, value: Any) -> Iterator[LiveSession]:
    """A :class:`LiveSession` bound to one tenant: ``key`` (``workspace_id`` or ``org_id``) is set in
    SESSION_CONTEXT read-only before anything else runs, so the session cannot switch tenant."""
    if key not in ("workspace_id", "org_id"):
        raise ValueError(f"not a tenant key: {key!r} (workspace_id or org_id)")
    with live_session(url) as session:
        session.set_context(key, value, read_only=True)
        yield session


@pytest.fixture
def tenant_db(wsdb_database: ServerUrl) -> Iterator:
    """A factory of tenant-bound sessions: ``tenant_db(workspace_id=uuid)`` or ``tenant_db(org_id=7)``.

    Each is its own connection and transaction, rolled back when the test ends (so two tenants' sessions
    do not see each other's uncommitted rows; commit nothing you want isolated from other tests).
    """
    with contextlib.ExitStack() as stack:

        def make(**tenant: Any) -> LiveSession:
            if len(tenant) != 1:
                raise ValueError("give exactly one tenant key: workspace_id=… or org_id=…")
            (key, value), = tenant.items()
            return stack.enter_context(tenant_session(wsdb_database, key, value))

        yield make


@pytest.fixture
def db(wsdb_database: ServerUrl) -> Iterator[LiveSession]:
    """A session on the migrated test database; everything the test writes is rolled back."""
    with live_session(wsdb_database) as session:
        yield session


__all__ = ["LiveServer", "LiveSession", "live_session", "tenant_session"]
