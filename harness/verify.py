"""`wsdb verify`: compare a live database's catalog with the ``sql/`` model.

The live side is read by :mod:`harness.catalog` (catalog rows → T-SQL script → the migration replay's
reader), then compared with the ``sql/`` model by :func:`harness.modeldiff.diff_catalogs` in its
``server_forms`` mode, which takes SQL Server's stored text of CHECK, DEFAULT, computed-column and
index-filter expressions as equal to the text it was created from. On top of that comparison come the
differences the model does not carry:

* FOREIGN KEY and CHECK constraints that are disabled or not trusted (enabled ``WITH NOCHECK``), and
  foreign-key actions (``ON DELETE`` / ``ON UPDATE``) that differ from ``sql/``;
* disabled indexes;
* views, functions and procedures created with ``ANSI_NULLS`` or ``QUOTED_IDENTIFIER`` OFF (``sql/``
  assumes both ON, as the migration scripts set them);
* whatever the database holds that the model cannot (a trigger, a sequence, a columnstore index, a
  sparse column, an encrypted module …) or that did not read back (:class:`harness.catalog.Note`).

Data scripts (``sql/data``) are not schema and are not compared; the migration history table is never
read. Each difference points at the ``sql/`` file and line of its object; an object ``sql/`` lacks points
at the file it would have (``sql/tables/<schema>.<table>.sql``, line 1).
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any
from xml.etree import ElementTree as ET

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from .catalog import Connection, Note, Rows, _flag, read_catalog_rows, read_live
from .model import Catalog, Location, Table, key
from .modeldiff import Difference, diff_catalogs

EXPECTED_LABEL = "in sql/"
ACTUAL_LABEL = "in the database"
FORMATS = ("text", "json", "junit")

_FOLDERS = {"schema": "security", "policy": "security", "table": "tables", "view": "views", "procedure": "procedures", "function": "functions"}


def verify_database(connection: Connection, target: Catalog) -> list[Difference]:
    """Every difference between the database behind ``connection`` and the ``sql/`` model ``target``."""
    return verify_rows(target, read_catalog_rows(connection))


def verify_rows(target: Catalog, rows: Rows) -> list[Difference]:
    """Every difference between catalog rows (:data:`harness.catalog.CATALOG_QUERIES`) and ``target``.

    ``target`` is the resolved ``sql/`` model (``read_catalog`` + ``resolve_catalog``); it is not changed.
    The result is sorted by (path, line, message), one entry per difference.
    """
    live = read_live(rows)
    expected = replace(target, scripts=[])  # reference data is not schema
    actual = live.catalog
    for obj_key in live.unreadable:  # encrypted or unreadable definitions: reported as notes, not as missing
        for store_e, store_a in ((expected.views, actual.views), (expected.routines, actual.routines)):
            if obj_key in store_e:
                store_a[obj_key] = store_e[obj_key]
    for obj_key, table in actual.tables.items():
        if obj_key in expected.tables:
            _derived_nullability(expected.tables[obj_key], table)
    _relocate(actual, expected, live.unreadable)
    out = diff_catalogs(expected, actual, EXPECTED_LABEL, ACTUAL_LABEL, server_forms=True)
    out += _flags(expected, rows)
    out += [_note(expected, note) for note in live.notes]
    return sorted(set(out), key=lambda d: (d.path, d.line, d.message))


# -- locations ------------------------------------------------------------------------------------


def _home(kind: str, schema: str, name: str) -> Location:
    """Where ``sql/`` would hold an object it does not have: its file, line 1."""
    return Location(f"sql/{_FOLDERS.get(kind, 'tables')}/{'.'.join(n for n in (schema, name) if n)}.sql", 1)


def _location(target: Catalog, owner: tuple[str, str, str]) -> Location:
    """The ``sql/`` location of an object, or where its file would be."""
    kind, schema, name = owner
    if kind == "schema" or not name:
        found = target.schemas.get(key(schema))
        return found.location if found is not None else _home("schema", schema, "")
    found = target.tables.get(key(schema, name)) or target.views.get(key(schema, name)) or target.routines.get(key(schema, name))
    return found.location if found is not None else _home(kind, schema, name)


def _relocate(actual: Catalog, expected: Catalog, skip: set[str]) -> None:
    """Point every live object at its ``sql/`` twin's location, or at its table's, or at its future file.

    The live script's line numbers mean nothing to a reader; an object only the database has is
    reported where ``sql/`` would define it.
    """
    for obj_key, schema in actual.schemas.items():
        twin = expected.schemas.get(obj_key)
        schema.location = twin.location if twin is not None else _home("schema", schema.name, "")
    for obj_key, view in actual.views.items():
        if obj_key not in skip:
            view.location = _location(expected, ("view", view.schema, view.name))
    for obj_key, routine in actual.routines.items():
        if obj_key not in skip:
            routine.location = _location(expected, (routine.kind, routine.schema, routine.name))
    for obj_key, table in actual.tables.items():
        twin = expected.tables.get(obj_key)
        table.location = twin.location if twin is not None else _home("table", table.schema, table.name)
        for column in table.columns.values():
            other = twin.column(column.name) if twin is not None else None
            column.location = other.location if other is not None else table.location
        for constraint in table.constraints:
            other = twin.constraint(constraint.name) if twin is not None and constraint.name else None
            constraint.location = other.location if other is not None else table.location
        for index in table.indexes:
            other = _index(twin, index.name)
            index.location = other.location if other is not None else table.location


def _index(table: Table | None, name: str):
    if table is None:
        return None
    return next((i for i in table.indexes if i.name.lower() == name.lower()), None)


def _derived_nullability(expected: Table, actual: Table) -> None:
    """A computed column's nullability is SQL Server's deduction unless ``sql/`` says NOT NULL: not drift."""
    for column in actual.columns.values():
        twin = expected.column(column.name)
        if twin is not None and column.computed is not None and twin.computed is not None and twin.nullable and not column.nullable:
            column.nullable = True


def _note(target: Catalog, note: Note) -> Difference:
    at = _location(target, note.owner)
    return Difference(at.path, at.line, note.subject, note.message)


# -- what the model does not carry ------------------------------------------------------------------


def _pair(at: Location, subject: str, expected: str, actual: str) -> Difference:
    return Difference(at.path, at.line, subject, f"{subject}: {expected} {EXPECTED_LABEL}, {actual} {ACTUAL_LABEL}")


def _flags(target: Catalog, rows: Rows) -> list[Difference]:
    """Trust, enablement, FK actions and module SET options of objects ``sql/`` has."""
    out: list[Difference] = []
    actions: dict[tuple[str, str], tuple[str, str]] | None = None
    seen: set[tuple[str, str, str]] = set()
    for kind, group in (("FOREIGN KEY", "foreign_keys"), ("CHECK", "check_constraints")):
        for row in rows.get(group, []):
            table = target.tables.get(key(str(row.get("schema_name") or ""), str(row.get("table_name") or "")))
            name = str(row.get("constraint_name") or "")
            constraint = table.constraint(name) if table is not None and name else None
            if constraint is None or (group, table.key, name.lower()) in seen:
                continue
            seen.add((group, table.key, name.lower()))
            subject = f"{table.full_name} constraint {constraint.name}"
            if _flag(row.get("is_disabled")):
                out.append(_pair(constraint.location, subject, "enabled", "disabled (NOCHECK)"))
            elif _flag(row.get("is_not_trusted")):
                out.append(_pair(constraint.location, subject, "trusted", "not trusted (enabled WITH NOCHECK)"))
            if _flag(row.get("is_not_for_replication")):
                out.append(_pair(constraint.location, subject, "replicated", "NOT FOR REPLICATION"))
            if group == "foreign_keys" and constraint.kind == "FK":
                if actions is None:
                    actions = _sql_fk_actions(target)
                wanted = actions.get((table.key, name.lower()), ("NO ACTION", "NO ACTION"))
                found = tuple(str(row.get(f"{w}_referential_action_desc") or "NO_ACTION").replace("_", " ") for w in ("delete", "update"))
                for word, want, got in zip(("ON DELETE", "ON UPDATE"), wanted, found):
                    if want != got:
                        out.append(_pair(constraint.location, subject, f"{word} {want}", f"{word} {got}"))
    for (schema, table_name, index_name), index_rows in _grouped(rows.get("indexes", []), "schema_name", "table_name", "index_name"):
        index = _index(target.tables.get(key(schema, table_name)), index_name)
        if index is not None and _flag(index_rows[0].get("is_disabled")):
            out.append(_pair(index.location, f"{index.table} index {index.name}", "enabled", "disabled"))
    for row in rows.get("modules", []):
        obj_key = key(str(row.get("schema_name") or ""), str(row.get("object_name") or ""))
        obj = target.views.get(obj_key) or target.routines.get(obj_key)
        if obj is None:
            continue
        for option, column in (("ANSI_NULLS", "uses_ansi_nulls"), ("QUOTED_IDENTIFIER", "uses_quoted_identifier")):
            if row.get(column) is not None and not _flag(row.get(column)):
                out.append(_pair(obj.location, obj.full_name, f"{option} ON", f"{option} OFF"))
    return out


def _grouped(rows: list[dict[str, Any]], *columns: str) -> list[tuple[tuple, list[dict[str, Any]]]]:
    out: dict[tuple, list[dict[str, Any]]] = {}
    for row in rows:
        out.setdefault(tuple(str(row.get(c) or "") for c in columns), []).append(row)
    return list(out.items())


_ACTION = re.compile(r"\bON\s+(DELETE|UPDATE)\b", re.IGNORECASE)


def _sql_fk_actions(target: Catalog) -> dict[tuple[str, str], tuple[str, str]]:
    """(table key, FK name) → (ON DELETE, ON UPDATE) as ``sql/`` writes them (the model does not keep them).

    Only table files that mention ``ON DELETE`` / ``ON UPDATE`` are parsed again; every other foreign key
    takes the default, NO ACTION.
    """
    out: dict[tuple[str, str], tuple[str, str]] = {}
    for source in target.files:
        if source.kind != "tables" or not _ACTION.search(source.text):
            continue
        try:
            trees = sqlglot.parse(source.text, read="tsql")
        except SqlglotError:
            continue
        for tree in trees:
            if not isinstance(tree, exp.Create) or not isinstance(tree.this, exp.Schema):
                continue
            table = tree.this.this
            table_key = key(table.db, table.name)
            for fk in tree.find_all(exp.ForeignKey):
                owner = fk.parent
                name = owner.this.name if isinstance(owner, exp.Constraint) and isinstance(owner.this, exp.Identifier) else ""
                reference = fk.args.get("reference")
                options = [str(o).upper() for o in (reference.args.get("options") or [])] if reference is not None else []
                found = {"DELETE": "NO ACTION", "UPDATE": "NO ACTION"}
                for option in options:
                    match = re.match(r"ON\s+(DELETE|UPDATE)\s+(.+)", " ".join(option.split()))
                    if match:
                        found[match.group(1)] = match.group(2)
                if name:
                    out[(table_key, name.lower())] = (found["DELETE"], found["UPDATE"])
    return out


# -- reports ----------------------------------------------------------------------------------------


def summary(differences: list[Difference], database: str, seconds: float) -> str:
    """``wsdb verify: no drift in <database> (0.42 s)`` or ``wsdb verify: 3 difference(s) in <database> (0.42 s)``."""
    verdict = "no drift" if not differences else f"{len(differences)} difference(s)"
    return f"wsdb verify: {verdict} in {database} ({seconds:.2f} s)"


def render_verify(differences: list[Difference], fmt: str, *, database: str, seconds: float) -> str:
    """The differences as ``text`` (one ``path:line: message`` line each, then the summary), ``json`` or ``junit``."""
    if fmt == "text":
        lines = [f"{d.path}:{d.line}: {d.message}" for d in differences]
        lines.append(summary(differences, database, seconds))
        return "\n".join(lines) + "\n"
    if fmt == "json":
        payload = {
            "differences": [{"path": d.path, "line": d.line, "subject": d.subject, "message": d.message} for d in differences],
            "summary": {"database": database, "differences": len(differences), "seconds": round(seconds, 3)},
        }
        return json.dumps(payload, indent=2) + "\n"
    if fmt == "junit":
        return _junit(differences, database, seconds)
    raise ValueError(f"unknown format {fmt}")


def _junit(differences: list[Difference], database: str, seconds: float) -> str:
    """One failing testcase per difference; a single passing one when there is no drift."""
    suite = ET.Element(
        "testsuite",
        name="wsdb verify",
        tests=str(max(1, len(differences))),
        failures=str(len(differences)),
        errors="0",
        time=f"{seconds:.3f}",
    )
    if not differences:
        ET.SubElement(suite, "testcase", classname="wsdb.verify", name=f"{database} matches sql/")
    for difference in differences:
        case = ET.SubElement(suite, "testcase", classname="wsdb.verify", name=difference.subject)
        failure = ET.SubElement(case, "failure", message=difference.message, type="drift")
        failure.text = f"{difference.path}:{difference.line}: {difference.message}"
    return ET.tostring(suite, encoding="unicode", xml_declaration=True) + "\n"


__all__ = ["ACTUAL_LABEL", "EXPECTED_LABEL", "FORMATS", "render_verify", "summary", "verify_database", "verify_rows"]
