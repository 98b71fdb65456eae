"""Read a live SQL Server catalog and turn it into the same model as ``sql/``.

:data:`CATALOG_QUERIES` are plain SELECTs over the catalog views (SQL Server 2019+, Azure SQL), one
per view group, each returning named columns in a fixed order. They cover user objects only
(``is_ms_shipped = 0``) in user schemas: ``dbo``, ``guest``, ``sys``, ``INFORMATION_SCHEMA`` and the
fixed database roles' schemas (``db_owner`` …) are left out, and with ``dbo`` the migration history
table ``dbo.wsdb_migration_history``, which is excluded by name as well.

:func:`read_catalog_rows` runs them. :func:`script_from_rows` writes the rows as one T-SQL script —
``CREATE SCHEMA``, ``CREATE TABLE`` with named constraints and its ``CREATE INDEX`` statements, each
view, function and procedure definition verbatim in its own batch, ``sp_addextendedproperty`` calls —
and :func:`live_catalog` reads that script with the migration replay (:mod:`harness.replay`), so the
database goes through the same reader as ``sql/`` and the migrations. SQL Server's stored text (CHECK,
DEFAULT, computed columns, index filters) is written as stored; :func:`harness.modeldiff.server_form`
makes it comparable.

What the model cannot hold (a columnstore index, a trigger, a sequence, a sparse column, an encrypted
module …) is not dropped: :func:`read_live` returns it as :class:`Note` lines, and so is any part of
the script the reader could not read back.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any, Iterable, Protocol

from .batches import BatchError, split_batches
from .findings import FindingSink
from .model import Catalog, SourceFile, key
from .replay import MigrationReader, Replay
from .resolve import resolve_catalog

LIVE_PATH = "(database)"  # the path findings about the generated script carry
HISTORY_TABLE = ("dbo", "wsdb_migration_history")

# User schemas: dbo (1), guest (2), INFORMATION_SCHEMA (3) and sys (4) come first; the fixed database
# roles' schemas (db_owner … db_denydatawriter) are 16384-16393.
_USER_SCHEMA = "s.schema_id > 4 AND s.schema_id < 16384"
_NOT_HISTORY = "NOT (s.name = N'dbo' AND t.name = N'wsdb_migration_history')"

CATALOG_QUERIES: dict[str, str] = {
    "schemas": f"""
SELECT s.name AS schema_name
FROM sys.schemas AS s
WHERE {_USER_SCHEMA}
ORDER BY s.name""",
    "tables": f"""
SELECT
    s.name AS schema_name,
    t.name AS table_name,
    t.temporal_type,
    t.is_memory_optimized,
    t.is_filetable,
    t.is_node,
    t.is_edge,
    t.is_external
FROM sys.tables AS t
INNER JOIN sys.schemas AS s ON s.schema_id = t.schema_id
WHERE t.is_ms_shipped = 0 AND {_USER_SCHEMA} AND {_NOT_HISTORY}
ORDER BY s.name, t.name""",
    "columns": f"""
SELECT
    s.name AS schema_name,
    t.name AS table_name,
    c.column_id,
    c.name AS column_name,
    ty.name AS type_name,
    ty.is_user_defined,
    TYPE_NAME(c.system_type_id) AS base_type_name,
    c.max_length,
    c.precision,
    c.scale,
    c.is_nullable,
    c.is_identity,
    CONVERT(nvarchar(40), ic.seed_value) AS identity_seed,
    CONVERT(nvarchar(40), ic.increment_value) AS identity_increment,
    c.is_computed,
    cc.definition AS computed_definition,
    cc.is_persisted,
    c.collation_name,
    c.is_sparse,
    c.is_column_set,
    c.is_rowguidcol,
    c.is_filestream,
    c.is_masked,
    c.generated_always_type,
    c.rule_object_id
FROM sys.columns AS c
INNER JOIN sys.tables AS t ON t.object_id = c.object_id
INNER JOIN sys.schemas AS s ON s.schema_id = t.schema_id
INNER JOIN sys.types AS ty ON ty.user_type_id = c.user_type_id
LEFT JOIN sys.identity_columns AS ic ON ic.object_id = c.object_id AND ic.column_id = c.column_id
LEFT JOIN sys.computed_columns AS cc ON cc.object_id = c.object_id AND cc.column_id = c.column_id
WHERE t.is_ms_shipped = 0 AND {_USER_SCHEMA} AND {_NOT_HISTORY}
ORDER BY s.name, t.name, c.column_id""",
    "default_constraints": f"""
SELECT
    s.name AS schema_name,
    t.name AS table_name,
    c.name AS column_name,
    d.name AS constraint_name,
    d.definition,
    d.is_system_named
FROM sys.default_constraints AS d
INNER JOIN sys.tables AS t ON t.object_id = d.parent_object_id
INNER JOIN sys.schemas AS s ON s.schema_id = t.schema_id
INNER JOIN sys.columns AS c ON c.object_id = d.parent_object_id AND c.column_id = d.parent_column_id
WHERE t.is_ms_shipped = 0 AND {_USER_SCHEMA} AND {_NOT_HISTORY}
ORDER BY s.name, t.name, d.name""",
    "key_constraints": f"""
SELECT
    s.name AS schema_name,
    t.name AS table_name,
    k.name AS constraint_name,
    k.type AS constraint_type,
    k.is_system_named,
    i.type_desc AS index_type,
    ic.key_ordinal,
    c.name AS column_name,
    ic.is_descending_key
FROM sys.key_constraints AS k
INNER JOIN sys.tables AS t ON t.object_id = k.parent_object_id
INNER JOIN sys.schemas AS s ON s.schema_id = t.schema_id
INNER JOIN sys.indexes AS i ON i.object_id = k.parent_object_id AND i.index_id = k.unique_index_id
INNER JOIN sys.index_columns AS ic ON ic.object_id = i.object_id AND ic.index_id = i.index_id AND ic.key_ordinal > 0
INNER JOIN sys.columns AS c ON c.object_id = ic.object_id AND c.column_id = ic.column_id
WHERE t.is_ms_shipped = 0 AND {_USER_SCHEMA} AND {_NOT_HISTORY}
ORDER BY s.name, t.name, k.name, ic.key_ordinal""",
    "indexes": f"""
SELECT
    s.name AS schema_name,
    t.name AS table_name,
    i.name AS index_name,
    i.type_desc AS index_type,
    i.is_unique,
    i.ignore_dup_key,
    i.is_disabled,
    i.has_filter,
    i.filter_definition,
    ic.key_ordinal,
    ic.index_column_id,
    ic.is_included_column,
    ic.is_descending_key,
    c.name AS column_name
FROM sys.indexes AS i
INNER JOIN sys.tables AS t ON t.object_id = i.object_id
INNER JOIN sys.schemas AS s ON s.schema_id = t.schema_id
LEFT JOIN sys.index_columns AS ic ON ic.object_id = i.object_id AND ic.index_id = i.index_id
LEFT JOIN sys.columns AS c ON c.object_id = ic.object_id AND c.column_id = ic.column_id
WHERE
    t.is_ms_shipped = 0 AND {_USER_SCHEMA} AND {_NOT_HISTORY}
    AND i.type > 0 AND i.is_primary_key = 0 AND i.is_unique_constraint = 0 AND i.is_hypothetical = 0
ORDER BY s.name, t.name, i.name, ic.is_included_column, ic.key_ordinal, ic.index_column_id""",
    "foreign_keys": f"""
SELECT
    s.name AS schema_name,
    t.name AS table_name,
    fk.name AS constraint_name,
    fk.is_system_named,
    fk.is_disabled,
    fk.is_not_trusted,
    fk.is_not_for_replication,
    fk.delete_referential_action_desc,
    fk.update_referential_action_desc,
    rs.name AS referenced_schema_name,
    rt.name AS referenced_table_name,
    fkc.constraint_column_id,
    pc.name AS column_name,
    rc.name AS referenced_column_name
FROM sys.foreign_keys AS fk
INNER JOIN sys.tables AS t ON t.object_id = fk.parent_object_id
INNER JOIN sys.schemas AS s ON s.schema_id = t.schema_id
INNER JOIN sys.objects AS rt ON rt.object_id = fk.referenced_object_id
INNER JOIN sys.schemas AS rs ON rs.schema_id = rt.schema_id
INNER JOIN sys.foreign_key_columns AS fkc ON fkc.constraint_object_id = fk.object_id
INNER JOIN sys.columns AS pc ON pc.object_id = fkc.parent_object_id AND pc.column_id = fkc.parent_column_id
INNER JOIN sys.columns AS rc ON rc.object_id = fkc.referenced_object_id AND rc.column_id = fkc.referenced_column_id
WHERE t.is_ms_shipped = 0 AND {_USER_SCHEMA} AND {_NOT_HISTORY}
ORDER BY s.name, t.name, fk.name, fkc.constraint_column_id""",
    "check_constraints": f"""
SELECT
    s.name AS schema_name,
    t.name AS table_name,
    ck.name AS constraint_name,
    ck.definition,
    ck.is_system_named,
    ck.is_disabled,
    ck.is_not_trusted,
    ck.is_not_for_replication
FROM sys.check_constraints AS ck
INNER JOIN sys.tables AS t ON t.object_id = ck.parent_object_id
INNER JOIN sys.schemas AS s ON s.schema_id = t.schema_id
WHERE t.is_ms_shipped = 0 AND {_USER_SCHEMA} AND {_NOT_HISTORY}
ORDER BY s.name, t.name, ck.name""",
    "modules": f"""
SELECT
    s.name AS schema_name,
    o.name AS object_name,
    o.type AS object_type,
    o.type_desc AS object_type_desc,
    p.name AS parent_name,
    m.definition,
    m.uses_ansi_nulls,
    m.uses_quoted_identifier,
    m.is_schema_bound
FROM sys.sql_modules AS m
INNER JOIN sys.objects AS o ON o.object_id = m.object_id
INNER JOIN sys.schemas AS s ON s.schema_id = o.schema_id
LEFT JOIN sys.objects AS p ON p.object_id = o.parent_object_id
WHERE o.is_ms_shipped = 0 AND {_USER_SCHEMA}
ORDER BY s.name, o.name""",
    "objects": f"""
SELECT
    s.name AS schema_name,
    o.name AS object_name,
    o.type AS object_type,
    o.type_desc AS object_type_desc,
    p.name AS parent_name
FROM sys.objects AS o
INNER JOIN sys.schemas AS s ON s.schema_id = o.schema_id
LEFT JOIN sys.objects AS p ON p.object_id = o.parent_object_id
WHERE
    o.is_ms_shipped = 0 AND {_USER_SCHEMA}
    AND o.type NOT IN ('U', 'ET', 'V', 'P', 'FN', 'IF', 'TF', 'TR', 'PK', 'UQ', 'F', 'C', 'D', 'R', 'IT', 'S', 'SP')
ORDER BY s.name, o.name""",
    "security_policies": f"""
SELECT
    s.name AS schema_name,
    sp.name AS policy_name,
    sp.is_enabled,
    sp.is_schema_bound,
    pr.security_predicate_id,
    pr.predicate_type_desc,
    pr.predicate_definition,
    pr.operation_desc,
    ts.name AS table_schema,
    t.name AS table_name
FROM sys.security_policies AS sp
INNER JOIN sys.schemas AS s ON s.schema_id = sp.schema_id
LEFT JOIN sys.security_predicates AS pr ON pr.object_id = sp.object_id
LEFT JOIN sys.objects AS t ON t.object_id = pr.target_object_id
LEFT JOIN sys.schemas AS ts ON ts.schema_id = t.schema_id
WHERE sp.is_ms_shipped = 0 AND {_USER_SCHEMA}
ORDER BY s.name, sp.name, pr.security_predicate_id""",
    "extended_properties": f"""
SELECT
    ep.class AS property_class,
    ep.name AS property_name,
    CONVERT(nvarchar(4000), ep.value) AS property_value,
    s.name AS schema_name,
    o.name AS object_name,
    o.type AS object_type,
    p.name AS parent_name,
    COALESCE(c.name, i.name, pr.name) AS minor_name
FROM sys.extended_properties AS ep
LEFT JOIN sys.objects AS o ON ep.class IN (1, 2, 7) AND o.object_id = ep.major_id
LEFT JOIN sys.schemas AS s ON s.schema_id = CASE WHEN ep.class = 3 THEN ep.major_id ELSE o.schema_id END
LEFT JOIN sys.objects AS p ON p.object_id = o.parent_object_id
LEFT JOIN sys.columns AS c ON ep.class = 1 AND ep.minor_id > 0 AND c.object_id = ep.major_id AND c.column_id = ep.minor_id
LEFT JOIN sys.indexes AS i ON ep.class = 7 AND i.object_id = ep.major_id AND i.index_id = ep.minor_id
LEFT JOIN sys.parameters AS pr ON ep.class = 2 AND pr.object_id = ep.major_id AND pr.parameter_id = ep.minor_id
WHERE
    ep.class IN (1, 2, 3, 7) AND ep.name IN (N'MS_Description', N'wsdb_alias')
    AND {_USER_SCHEMA} AND (o.object_id IS NULL OR o.is_ms_shipped = 0)
ORDER BY s.name, o.name, ep.class, ep.minor_id, ep.name""",
}

Rows = dict[str, list[dict[str, Any]]]


class Connection(Protocol):
    """All this module needs of a database connection."""

    def query(self, sql: str, params: tuple = ()) -> list[dict[str, Any]]: ...


def read_catalog_rows(connection: Connection) -> Rows:
    """Run every :data:`CATALOG_QUERIES` entry; rows by query name."""
    return {name: list(connection.query(sql)) for name, sql in CATALOG_QUERIES.items()}


@dataclass(frozen=True)
class Note:
    """Something the live catalog holds that the model cannot, or a part of the script that did not read back.

    ``owner`` names the object it belongs to: (``"table"`` | ``"view"`` | ``"procedure"`` | ``"function"``
    | ``"schema"``, schema, name), so a report can point at that object's file in ``sql/``.
    """

    owner: tuple[str, str, str]
    subject: str
    message: str  # one line, starting with the subject


@dataclass
class LiveScript:
    text: str
    notes: list[Note] = field(default_factory=list)
    owners: list[tuple[int, tuple[str, str, str]]] = field(default_factory=list)  # (first line, owner), ascending
    unreadable: set[str] = field(default_factory=set)  # keys of modules whose definition could not be written
    system_named: set[tuple[str, str]] = field(default_factory=set)  # (table key, constraint name) SQL Server named

    def owner_at(self, line: int) -> tuple[str, str, str]:
        """The object whose text holds ``line`` of the script."""
        index = bisect_right([start for start, _ in self.owners], line) - 1
        return self.owners[index][1] if index >= 0 else ("schema", "", "")


@dataclass
class LiveCatalog:
    catalog: Catalog
    notes: list[Note]
    unreadable: set[str]  # keys of views and routines present in the database but not comparable


# -- helpers ---------------------------------------------------------------------------------------


def quote(name: str) -> str:
    """``[name]``, with ``]`` doubled."""
    return "[" + str(name).replace("]", "]]") + "]"


def _string(value: Any) -> str:
    return "N'" + str(value).replace("'", "''") + "'"


def _flag(value: Any) -> bool:
    """A bit column as a bool (drivers return bool, int or None)."""
    return bool(value) and value not in ("0", "false", "False")


def _is_history(row: dict[str, Any]) -> bool:
    """Whether a row is about the migration history table (never compared)."""
    schema = str(row.get("schema_name") or "").lower()
    names = {str(row.get(c) or "").lower() for c in ("table_name", "object_name", "parent_name")}
    return schema == HISTORY_TABLE[0] and HISTORY_TABLE[1] in names


def _groups(rows: Iterable[dict[str, Any]], *columns: str) -> dict[tuple, list[dict[str, Any]]]:
    """Rows grouped by the values of ``columns``, groups and rows in their original order."""
    out: dict[tuple, list[dict[str, Any]]] = {}
    for row in rows:
        out.setdefault(tuple(row.get(c) for c in columns), []).append(row)
    return out


def _parenthesised(text: str) -> str:
    """Stored definitions come wrapped in one pair of parentheses; add it when a row's text is not."""
    text = str(text).strip()
    depth, quoted = 0, False
    for position, char in enumerate(text):
        if char == "'":
            quoted = not quoted
        elif not quoted and char in "()":
            depth += 1 if char == "(" else -1
            if depth == 0 and position < len(text) - 1:
                break  # the first parenthesis closes before the end: "(a) AND (b)"
    else:
        if text.startswith("(") and depth == 0:
            return text
    return f"({text})"


_WIDTH_IN_BYTES = {"char", "varchar", "binary", "varbinary"}
_WIDTH_IN_PAIRS = {"nchar", "nvarchar"}
_WITH_SCALE = {"datetime2", "time", "datetimeoffset"}


def column_type(row: dict[str, Any]) -> str:
    """The T-SQL type of a ``columns`` row: lengths from bytes (``nvarchar`` halves them, -1 is ``max``)."""
    name = str(row["base_type_name"] if _flag(row.get("is_user_defined")) and row.get("base_type_name") else row["type_name"]).lower()
    length = int(row.get("max_length") or 0)
    if name in _WIDTH_IN_BYTES:
        return f"{name}({'max' if length == -1 else length})"
    if name in _WIDTH_IN_PAIRS:
        return f"{name}({'max' if length == -1 else length // 2})"
    if name in ("decimal", "numeric"):
        return f"{name}({row.get('precision')},{row.get('scale')})"
    if name in _WITH_SCALE:
        return f"{name}({row.get('scale')})"
    return "rowversion" if name == "timestamp" else name


# -- the script ------------------------------------------------------------------------------------

_TABLE_FEATURES = {
    "is_memory_optimized": "MEMORY_OPTIMIZED",
    "is_filetable": "a FileTable",
    "is_node": "a graph NODE table",
    "is_edge": "a graph EDGE table",
    "is_external": "an external table",
}
_COLUMN_FEATURES = {
    "is_sparse": "SPARSE",
    "is_column_set": "a COLUMN_SET",
    "is_rowguidcol": "ROWGUIDCOL",
    "is_filestream": "FILESTREAM",
    "is_masked": "MASKED",
}
_MODULE_KINDS = {"V": "view", "P": "procedure", "FN": "function", "IF": "function", "TF": "function"}
_PROPERTY_LEVEL1 = {"U": "TABLE", "V": "VIEW", "P": "PROCEDURE", "FN": "FUNCTION", "IF": "FUNCTION", "TF": "FUNCTION"}
_CONSTRAINT_TYPES = {"PK", "UQ", "F", "C", "D"}
_LIVE_MARK = re.compile(r"\A-- wsdb:live (?P<kind>\w+)")


class _Writer:
    """Builds the live script from catalog rows, one object at a time, noting what it cannot express."""

    def __init__(self, rows: Rows) -> None:
        self.rows = {name: [r for r in rows.get(name, []) if not _is_history(r)] for name in CATALOG_QUERIES}
        self.by_table = {
            name: _groups(self.rows[name], "schema_name", "table_name")
            for name in ("columns", "default_constraints", "key_constraints", "indexes", "foreign_keys", "check_constraints")
        }
        self.lines: list[str] = []
        self.script = LiveScript("")
        self.written: set[tuple[str, str]] = set()  # what properties may describe: ("table", "app.t"), ("column", "app.t.c") …

    # -- output --------------------------------------------------------------------------------
    def begin(self, kind: str, owner: tuple[str, str, str]) -> None:
        """Start a batch for ``owner``, marked for the reader."""
        self.own(owner)
        self.lines.append(f"-- wsdb:live {kind} {'.'.join(n for n in owner[1:] if n)}".rstrip())

    def own(self, owner: tuple[str, str, str]) -> None:
        """The next lines belong to ``owner`` (for findings on them)."""
        self.script.owners.append((len(self.lines) + 1, owner))

    def end(self) -> None:
        self.lines.append("GO")

    def note(self, owner: tuple[str, str, str], subject: str, what: str) -> None:
        self.script.notes.append(Note(owner, subject, f"{subject}: {what}"))

    def unsupported(self, owner: tuple[str, str, str], subject: str, what: str) -> None:
        """``what`` (a feature) is in the database and ``sql/`` cannot say it."""
        self.note(owner, subject, f"{what} in the database, which sql/ cannot express (not compared)")

    # -- entry ---------------------------------------------------------------------------------
    def write(self) -> LiveScript:
        for row in self.rows["schemas"]:
            self.schema(row["schema_name"])
        tables = _groups(self.rows["tables"], "schema_name", "table_name")
        for name in _groups(self.rows["columns"], "schema_name", "table_name"):
            tables.setdefault(name, [{"schema_name": name[0], "table_name": name[1]}])
        for (schema, table), table_rows in tables.items():
            self.table(schema, table, table_rows[0])
        for row in self.rows["modules"]:
            self.module(row)
        for (schema, name), rows in _groups(self.rows["security_policies"], "schema_name", "policy_name").items():
            self.policy(schema, name, rows)
        for row in self.rows["objects"]:
            self.other_object(row)
        self.properties()
        self.script.text = "\n".join(self.lines) + "\n"
        return self.script

    def schema(self, name: str) -> None:
        self.begin("schema", ("schema", name, ""))
        self.lines.append(f"CREATE SCHEMA {quote(name)};")
        self.end()
        self.written.add(("schema", key(name)))

    # -- tables --------------------------------------------------------------------------------
    def table(self, schema: str, name: str, row: dict[str, Any]) -> None:
        owner = ("table", schema, name)
        full = f"{schema}.{name}"
        if int(row.get("temporal_type") or 0) != 0:
            self.unsupported(owner, full, "SYSTEM_VERSIONING (a temporal table or its history)")
        for column, what in _TABLE_FEATURES.items():
            if _flag(row.get(column)):
                self.unsupported(owner, full, what)
        mine = {group: rows.get((schema, name), []) for group, rows in self.by_table.items()}
        defaults = {d.get("column_name"): d for d in mine["default_constraints"]}
        elements = [self.column(owner, r, defaults.get(r["column_name"])) for r in mine["columns"]]
        elements += self.key_constraints(owner, mine["key_constraints"])
        elements += self.foreign_keys(owner, mine["foreign_keys"])
        elements += self.checks(owner, mine["check_constraints"])
        self.begin("table", owner)
        self.lines.append(f"CREATE TABLE {quote(schema)}.{quote(name)} (")
        self.lines.append(",\n".join(f"    {e}" for e in elements))
        self.lines.append(");")
        self.written.add(("table", key(schema, name)))
        for (index_name,), index_rows in _groups(mine["indexes"], "index_name").items():
            self.index(owner, index_name, index_rows)
        self.end()

    def column(self, owner: tuple[str, str, str], row: dict[str, Any], default: dict[str, Any] | None) -> str:
        schema, table = owner[1], owner[2]
        name = row["column_name"]
        subject = f"{schema}.{table}.{name}"
        self.written.add(("column", key(schema, table, name)))
        for column, what in _COLUMN_FEATURES.items():
            if _flag(row.get(column)):
                self.unsupported(owner, subject, what)
        if int(row.get("generated_always_type") or 0) != 0:
            self.unsupported(owner, subject, "GENERATED ALWAYS AS ROW START/END")
        if int(row.get("rule_object_id") or 0) != 0:
            self.unsupported(owner, subject, "a bound rule (sp_bindrule)")
        if _flag(row.get("is_computed")):
            text = f"{quote(name)} AS {_parenthesised(row.get('computed_definition') or '')}"
            if _flag(row.get("is_persisted")):
                text += " PERSISTED" + ("" if _flag(row.get("is_nullable")) else " NOT NULL")
            return text
        if _flag(row.get("is_user_defined")):
            self.unsupported(owner, subject, f"alias type {row['type_name']} (compared as {column_type(row)})")
        text = f"{quote(name)} {column_type(row)}"
        if _flag(row.get("is_identity")):
            text += f" IDENTITY ({row.get('identity_seed') or 1}, {row.get('identity_increment') or 1})"
        text += " NULL" if _flag(row.get("is_nullable")) else " NOT NULL"
        if default is not None:
            text += f" {self._named(owner, default)}DEFAULT {_parenthesised(default['definition'])}"
        return text

    def _named(self, owner: tuple[str, str, str], row: dict[str, Any]) -> str:
        """``CONSTRAINT [name] ``; a name SQL Server made up is dropped again once the script is read."""
        name = row["constraint_name"]
        if _flag(row.get("is_system_named")):
            self.script.system_named.add((key(owner[1], owner[2]), str(name).lower()))
        self.written.add(("constraint", key(owner[1], owner[2], name)))
        return f"CONSTRAINT {quote(name)} "

    def key_constraints(self, owner: tuple[str, str, str], rows: list[dict[str, Any]]) -> list[str]:
        out = []
        for (name,), columns in _groups(rows, "constraint_name").items():
            first = columns[0]
            kind = "PRIMARY KEY" if str(first.get("constraint_type")).strip().upper() == "PK" else "UNIQUE"
            clustering = "CLUSTERED" if str(first.get("index_type")).upper() == "CLUSTERED" else "NONCLUSTERED"
            if any(_flag(c.get("is_descending_key")) for c in columns):
                self.unsupported(owner, f"{owner[1]}.{owner[2]} constraint {name}", "a DESC key column")
            keys = ", ".join(quote(c["column_name"]) for c in columns)
            out.append(f"{self._named(owner, first)}{kind} {clustering} ({keys})")
        return out

    def foreign_keys(self, owner: tuple[str, str, str], rows: list[dict[str, Any]]) -> list[str]:
        out = []
        for (_name,), columns in _groups(rows, "constraint_name").items():
            first = columns[0]
            target = f"{quote(first['referenced_schema_name'])}.{quote(first['referenced_table_name'])}"
            mine = ", ".join(quote(c["column_name"]) for c in columns)
            theirs = ", ".join(quote(c["referenced_column_name"]) for c in columns)
            out.append(f"{self._named(owner, first)}FOREIGN KEY ({mine}) REFERENCES {target} ({theirs})")
        return out

    def checks(self, owner: tuple[str, str, str], rows: list[dict[str, Any]]) -> list[str]:
        out = []
        for row in rows:
            out.append(f"{self._named(owner, row)}CHECK {_parenthesised(row['definition'])}")
        return out

    def index(self, owner: tuple[str, str, str], name: str, rows: list[dict[str, Any]]) -> None:
        first = rows[0]
        subject = f"{owner[1]}.{owner[2]} index {name}"
        kind = str(first.get("index_type") or "").upper()
        if kind not in ("CLUSTERED", "NONCLUSTERED"):
            self.unsupported(owner, subject, f"a {kind} index")
            return
        if _flag(first.get("ignore_dup_key")):
            self.unsupported(owner, subject, "IGNORE_DUP_KEY = ON")
        keys = [r for r in rows if int(r.get("key_ordinal") or 0) > 0 and r.get("column_name")]
        keys.sort(key=lambda r: int(r["key_ordinal"]))
        include = [r for r in rows if _flag(r.get("is_included_column")) and r.get("column_name")]
        text = "CREATE " + ("UNIQUE " if _flag(first.get("is_unique")) else "") + f"{kind} INDEX {quote(name)}"
        text += f" ON {quote(owner[1])}.{quote(owner[2])} ("
        text += ", ".join(quote(r["column_name"]) + (" DESC" if _flag(r.get("is_descending_key")) else "") for r in keys) + ")"
        if include:
            text += " INCLUDE (" + ", ".join(quote(r["column_name"]) for r in include) + ")"
        if _flag(first.get("has_filter")) and first.get("filter_definition"):
            text += f" WHERE {_parenthesised(first['filter_definition'])}"
        self.lines.append(text + ";")
        self.written.add(("index", key(owner[1], owner[2], name)))

    # -- modules and other objects -------------------------------------------------------------
    def module(self, row: dict[str, Any]) -> None:
        schema, name = row["schema_name"], row["object_name"]
        code = str(row.get("object_type") or "").strip().upper()
        kind = _MODULE_KINDS.get(code)
        if kind is None:
            self.other_object(row)
            return
        owner = (kind, schema, name)
        definition = row.get("definition")
        if definition is None:
            self.note(owner, f"{schema}.{name}", "definition is encrypted (WITH ENCRYPTION) in the database: not compared")
            self.script.unreadable.add(key(schema, name))
            return
        self.begin(kind, owner)
        self.lines.extend(str(definition).replace("\r\n", "\n").rstrip().split("\n"))
        self.end()
        self.written.add((kind, key(schema, name)))

    def policy(self, schema: str, name: str, rows: list[dict[str, Any]]) -> None:
        """A security policy: ``predicate_definition`` is stored as ``([s].[f]([col]))``; one pair of parentheses goes."""
        owner = ("policy", schema, name)
        self.begin("policy", owner)
        self.lines.append(f"CREATE SECURITY POLICY {quote(schema)}.{quote(name)}")
        predicates = [r for r in rows if r.get("security_predicate_id") is not None]
        for number, row in enumerate(predicates):
            definition = str(row["predicate_definition"]).strip()
            if definition.startswith("(") and definition.endswith(")"):
                definition = definition[1:-1]
            operation = f" {str(row['operation_desc']).replace('_', ' ')}" if row.get("operation_desc") else ""
            comma = "," if number < len(predicates) - 1 else ""
            self.lines.append(
                f"ADD {row['predicate_type_desc']} PREDICATE {definition} ON {quote(row['table_schema'])}.{quote(row['table_name'])}{operation}{comma}"
            )
        state = "ON" if _flag(rows[0].get("is_enabled")) else "OFF"
        binding = "ON" if _flag(rows[0].get("is_schema_bound")) else "OFF"
        self.lines.append(f"WITH (STATE = {state}, SCHEMABINDING = {binding});")
        self.end()
        self.written.add(("policy", key(schema, name)))

    def other_object(self, row: dict[str, Any]) -> None:
        """A trigger, sequence, synonym, type, CLR object …: reported, not modelled."""
        schema, name, parent = row["schema_name"], row["object_name"], row.get("parent_name")
        what = str(row.get("object_type_desc") or row.get("object_type") or "object").replace("_", " ").lower()
        owner = ("table", schema, parent) if parent else ("schema", schema, "")
        subject = f"{schema}.{parent} {what} {name}" if parent else f"{schema}.{name}"
        self.note(owner, subject, f"{what} missing in sql/, exists in the database (sql/ cannot express it)")

    # -- extended properties -------------------------------------------------------------------
    def properties(self) -> None:
        """One batch of ``sp_addextendedproperty`` calls for the properties the script has a place for."""
        calls = [c for c in (self.property_call(row) for row in self.rows["extended_properties"]) if c is not None]
        if calls:
            self.begin("properties", ("schema", "", ""))
            for owner, call in calls:
                self.own(owner)
                self.lines.append(call)
            self.end()

    def property_call(self, row: dict[str, Any]) -> tuple[tuple[str, str, str], str] | None:
        """(owner, ``EXEC sys.sp_addextendedproperty …``) for one row; None, and a note, when the model has no place for it."""
        schema, obj, minor, parent = row.get("schema_name") or "", row.get("object_name"), row.get("minor_name"), row.get("parent_name")
        code = str(row.get("object_type") or "").strip().upper()
        pclass = int(row.get("property_class") or 0)
        levels: list[tuple[str, str]] = [("SCHEMA", schema)]
        owner: tuple[str, str, str] = ("schema", schema, "")
        target: tuple[str, str] = ("schema", key(schema))
        described = f"schema {schema}"
        if pclass == 1 and code in _CONSTRAINT_TYPES and parent:
            levels += [("TABLE", parent), ("CONSTRAINT", obj)]
            owner, target = ("table", schema, parent), ("constraint", key(schema, parent, obj))
            described = f"{schema}.{parent} constraint {obj}"
        elif pclass in (1, 2, 7) and obj:
            kind = {"U": "table", "V": "view"}.get(code, _MODULE_KINDS.get(code, "table"))
            levels.append((_PROPERTY_LEVEL1.get(code, "OBJECT"), obj))
            owner, target = (kind, schema, obj), (kind, key(schema, obj))
            described = f"{schema}.{obj}"
            if pclass == 2:
                target, described = ("", ""), f"{schema}.{obj} parameter {minor}"
            elif minor and pclass == 7:
                levels.append(("INDEX", minor))
                target, described = ("index" if code == "U" else "", key(schema, obj, minor)), f"{schema}.{obj} index {minor}"
            elif minor:
                levels.append(("COLUMN", minor))
                target, described = ("column" if code == "U" else "", key(schema, obj, minor)), f"{schema}.{obj}.{minor}"
            elif code not in _PROPERTY_LEVEL1:
                target = ("", "")
        elif pclass != 3:
            target = ("", "")
        if target[1] in self.script.unreadable and target[0] == owner[0]:
            return None  # the module's own note says it is not compared
        if target not in self.written:
            self.note(owner, described, f"{row.get('property_name')} in the database, which sql/ cannot express (not compared)")
            return None
        args = [f"@name = {_string(row.get('property_name'))}", f"@value = {_string(row.get('property_value') or '')}"]
        for number, (kind, name) in enumerate(levels):
            args += [f"@level{number}type = N'{kind}'", f"@level{number}name = {_string(name)}"]
        return owner, "EXEC sys.sp_addextendedproperty " + ", ".join(args) + ";"


def live_script(rows: Rows) -> LiveScript:
    """The live catalog as a T-SQL script, with what it could not express."""
    return _Writer(rows).write()


def script_from_rows(rows: Rows) -> str:
    """The live catalog as a T-SQL script the migration replay reads (see :func:`live_script`)."""
    return live_script(rows).text


# -- reading it back -------------------------------------------------------------------------------


class _LiveReader(MigrationReader):
    """Reads the live script: every batch a statement or definition, the marked one the properties.

    The replay's own reader sends any batch that mentions ``extendedproperty`` to the property parser;
    here a procedure whose body does so must still be read as a procedure, so the marker decides.
    """

    def read(self) -> None:
        try:
            batches = split_batches(self.source.text)
        except BatchError as error:
            self.finding(error.line, "E102", error.reason)
            return
        for batch in batches:
            match = _LIVE_MARK.match(batch.text)
            if match is not None and match.group("kind") == "properties":
                self.properties(batch)
            else:
                self.read_batch(batch)


def read_live(rows: Rows) -> LiveCatalog:
    """The live catalog as a model, with notes for what it holds beyond the model and what did not read back."""
    script = live_script(rows)
    replay = Replay()
    source = SourceFile(LIVE_PATH, "migration", PurePosixPath(LIVE_PATH).stem, script.text)
    _LiveReader(source, replay.state, replay.sink).read()
    resolve_catalog(replay.state, FindingSink())
    _forget_system_names(replay.state, script.system_named)
    notes = list(script.notes)
    unreadable = set(script.unreadable)
    noted: set[tuple[str, str, str]] = set()
    for finding in replay.sink.sorted():
        owner = script.owner_at(finding.line)
        if owner in noted:  # the first problem of an object says enough
            continue
        noted.add(owner)
        subject = f"{owner[1]}.{owner[2]}" if owner[2] else f"schema {owner[1]}"
        notes.append(Note(owner, subject, f"{subject}: the database's definition does not read back ({finding.code} {finding.message})"))
        if owner[0] in ("view", "procedure", "function"):
            unreadable.add(key(owner[1], owner[2]))
    return LiveCatalog(replay.state, notes, unreadable)


def _forget_system_names(catalog: Catalog, system_named: set[tuple[str, str]]) -> None:
    """Constraints SQL Server named become unnamed, as in a ``sql/`` file that names none (compared by shape)."""
    for table in catalog.tables.values():
        for constraint in table.constraints:
            if constraint.name and (table.key, constraint.name.lower()) in system_named:
                if constraint.kind == "DF":
                    column = table.column(constraint.columns[0])
                    if column is not None:
                        column.default_name = None
                constraint.name = None


def live_catalog(rows: Rows) -> Catalog:
    """The live catalog as a model: :func:`script_from_rows` read by the migration replay."""
    return read_live(rows).catalog


__all__ = [
    "CATALOG_QUERIES",
    "HISTORY_TABLE",
    "LIVE_PATH",
    "LiveCatalog",
    "LiveScript",
    "Note",
    "column_type",
    "live_catalog",
    "live_script",
    "read_catalog_rows",
    "read_live",
    "script_from_rows",
]
