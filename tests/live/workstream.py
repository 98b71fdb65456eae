"""Builders for live tests of the Workstream module: rows with sensible defaults, every value bound.

Each builder inserts one row through a :class:`~harness.pytest_plugin.LiveSession` (normally the ``db``
fixture, whose transaction is rolled back after the test) and returns its key. Keyword arguments set or
override columns: ``candidate(db, org, status="nurture", value_band="high")``. Ids that the platform
assigns (orgs, users, clients, contacts, templates) are taken above the highest one in use, under a lock,
so tests never collide with each other or with the template org 0.
"""

from __future__ import annotations

import contextlib
import json
import re
from datetime import datetime, timedelta, timezone
from typing import Any, Iterator

_COLUMN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def utcnow() -> datetime:
    """Naive UTC now, the form SQL Server's datetime2 columns hold."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def hours_ago(hours: float) -> datetime:
    return utcnow() - timedelta(hours=hours)


def ago(db, hours: float) -> datetime:
    """The server's UTC now minus ``hours``: boundaries ("exactly 72 hours") hold whatever the client's clock says."""
    return db.scalar("SELECT SYSUTCDATETIME() AS now;") - timedelta(hours=hours)


def insert(db, table: str, values: dict[str, Any], identity: str | None = None) -> Any:
    """INSERT one row into ``table`` (schema.table); returns the ``identity`` column's new value."""
    for column in values:
        if not _COLUMN.match(column):
            raise ValueError(f"not a column name: {column!r}")
    schema, name = table.split(".")
    columns = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    output = f" OUTPUT inserted.{identity}" if identity else ""
    sql = f"INSERT INTO [{schema}].[{name}] ({columns}){output} VALUES ({marks});"
    result = db.execute(sql, *values.values())
    if identity:
        return next(r for r in result if r.rows).rows[0][0]
    return None


def _next_id(db, table: str, column: str) -> int:
    schema, name = table.split(".")
    return db.scalar(f"SELECT COALESCE(MAX({column}), 0) + 1 AS n FROM [{schema}].[{name}] WITH (UPDLOCK, HOLDLOCK);")


def org(db, **values: Any) -> int:
    org_id = _next_id(db, "core.org", "org_id")
    insert(db, "core.org", {"org_id": org_id, "name": f"Test org {org_id}", **values})
    return org_id


def user(db, org_id: int, **values: Any) -> int:
    user_id = _next_id(db, "core.user_account", "user_id")
    row = {"user_id": user_id, "org_id": org_id, "email": f"user{user_id}@example.test", "display_name": f"User {user_id}"}
    insert(db, "core.user_account", {**row, **values})
    return user_id


def client(db, org_id: int, **values: Any) -> int:
    client_id = _next_id(db, "core.client", "client_id")
    insert(db, "core.client", {"client_id": client_id, "org_id": org_id, "name": f"Client {client_id}", **values})
    return client_id


def contact(db, org_id: int, **values: Any) -> int:
    contact_id = _next_id(db, "core.contact", "contact_id")
    insert(db, "core.contact", {"contact_id": contact_id, "org_id": org_id, **values})
    return contact_id


def email_template(db, org_id: int, **values: Any) -> int:
    template_id = _next_id(db, "core.email_template", "template_id")
    row = {"template_id": template_id, "org_id": org_id, "name": f"Template {template_id}", "subject": "Hello"}
    insert(db, "core.email_template", {**row, **values})
    return template_id


def signal(db, org_id: int, **values: Any) -> int:
    n = db.scalar("SELECT COUNT(*) + 1 AS n FROM app.signal;")
    row = {"org_id": org_id, "source_type": "email", "source_ref": f"msg-{org_id}-{n}", "dedupe_key": f"dk-{org_id}-{n}-{utcnow().timestamp()}"}
    return insert(db, "app.signal", {**row, **values}, identity="signal_id")


def candidate(db, org_id: int, **values: Any) -> int:
    return insert(db, "app.candidate", {"org_id": org_id, "title": "A candidate", **values}, identity="candidate_id")


def pursuit(db, org_id: int, candidate_id: int | None = None, **values: Any) -> int:
    if candidate_id is None:
        candidate_id = candidate(db, org_id, status="promoted")
    return insert(db, "app.pursuit", {"org_id": org_id, "candidate_id": candidate_id, **values}, identity="pursuit_id")


def spotlight(db, org_id: int, **values: Any) -> int:
    return insert(db, "app.spotlights", {"org_id": org_id, "name": "Ideal customer", **values}, identity="spotlight_id")


def config(db, org_id: int, config_type: str, config_key: str, value: dict | str, **values: Any) -> int:
    """A config_registry row of the org (effective now unless ``effective_from`` says otherwise)."""
    text = value if isinstance(value, str) else json.dumps(value)
    row = {"org_id": org_id, "config_type": config_type, "config_key": config_key, "config_value": text}
    return insert(db, "app.config_registry", {**row, **values}, identity="config_id")


def shipped(db, config_type: str, config_key: str) -> dict:
    """The template org's (org 0) document in force now for a key, parsed."""
    text = db.scalar(
        "SELECT config_value FROM app.v_active_config WHERE org_id = 0 AND config_type = ? AND config_key = ?;",
        config_type,
        config_key,
    )
    return json.loads(text)


def events(db, org_id: int, item_type: str | None = None, item_id: int | None = None) -> list[dict[str, Any]]:
    """The org's outbox events (optionally of one item), oldest first, payload parsed."""
    sql = "SELECT * FROM app.work_event WHERE org_id = ?"
    params: list[Any] = [org_id]
    if item_type is not None:
        sql += " AND item_type = ?"
        params.append(item_type)
    if item_id is not None:
        sql += " AND item_id = ?"
        params.append(item_id)
    rows = db.query(sql + " ORDER BY event_id;", *params)
    for row in rows:
        row["payload"] = json.loads(row["payload_json"]) if row["payload_json"] else None
    return rows


PURGE_AUDIT = (
    "BEGIN TRANSACTION; "
    "ALTER SECURITY POLICY intake.audit_append_only WITH (STATE = OFF); "
    "DELETE FROM intake.audit_events WHERE workspace_id = ?; "
    "ALTER SECURITY POLICY intake.audit_append_only WITH (STATE = ON); "
    "COMMIT TRANSACTION;"
)


def purge_rows(connection, table: str, workspace_id: Any) -> None:
    """Test cleanup of committed rows: DELETE a workspace's rows of ``table`` (``schema.table``).

    The audit log is append-only for every user (intake.audit_append_only); a purge, as a DBA's retention job would,
    switches that policy off and on again inside one transaction, so no other session ever sees it off.
    """
    if table.lower() == "intake.audit_events":
        connection.execute(PURGE_AUDIT, (workspace_id,))
        return
    schema, name = table.split(".")
    connection.execute(f"DELETE FROM [{schema}].[{name}] WHERE workspace_id = ?;", (workspace_id,))


def count(db, table: str, where: str = "", *params: Any) -> int:
    """COUNT(*) of a table, optionally filtered (for "writes nothing" checks)."""
    schema, name = table.split(".")
    sql = f"SELECT COUNT(*) AS n FROM [{schema}].[{name}]" + (f" WHERE {where}" if where else "") + ";"
    return db.scalar(sql, *params)


# -- intake ------------------------------------------------------------------------------------------------


def workspace(db, name: str = "Test workspace") -> Any:
    """A new intake workspace; its workspace_id."""
    return db.scalar("INSERT INTO intake.workspaces (name) OUTPUT inserted.workspace_id VALUES (?);", name)


INTAKE_CLEANUP = ("intake.audit_events", "intake.crm_write_log", "intake.messages", "intake.threads", "intake.deals",
                  "intake.workspaces")


@contextlib.contextmanager
def committed_workspace(url, name: str, tables: tuple[str, ...] = INTAKE_CLEANUP) -> Iterator[tuple[Any, Any]]:
    """(session, workspace_id) of a workspace created over an autocommit connection, for tests that need committed
    rows (concurrency, "writes nothing"); the workspace's rows of ``tables`` are purged when the block ends."""
    from harness.connection import connect
    from harness.pytest_plugin import LiveSession

    connection = connect(url)
    session = LiveSession(connection)
    workspace_id = None
    try:
        workspace_id = workspace(session, name)
        yield session, workspace_id
    finally:
        try:
            if workspace_id is not None:
                connection.execute("IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION;")
                for table in tables:
                    purge_rows(connection, table, workspace_id)
        finally:
            connection.close()
