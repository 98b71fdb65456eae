"""Identity and naming rules.

* A file's path is its object's identity: ``sql/tables/app.signal.sql`` defines table ``app.signal``
  (and its indexes), ``sql/security/app.sql`` schema ``app``, ``sql/data/core.module.sql`` rows of
  ``core.module``. One object per file; each kind in its own folder.
* Objects: lower ``snake_case``; views start ``v_``, functions ``fn_``.
* Constraints: ``PK_<schema>_<table>``; ``FK_<schema>_<table>_<columns>_<refschema>_<reftable>`` (the
  tenant column that rides along in a composite foreign key is not spelled); ``DF_<schema>_<table>_<column>``;
  ``CK_``/``UQ_<schema>_<table>_<suffix>``.
* Indexes: the seed's names verbatim (they come from the contract); any other ``IX_<schema>_<table>_<suffix>``,
  or ``UX_…`` for a unique index. No constraint may be left for SQL Server to name.
"""

from __future__ import annotations

import re

from .findings import FindingSink
from .model import Catalog, Table

TENANT_COLUMNS = {"org_id", "workspace_id"}
FOLDER_OF = {
    "schema": "security",
    "policy": "security",
    "table": "tables",
    "index": "tables",
    "view": "views",
    "function": "functions",
    "procedure": "procedures",
    "data": "data",
}
_SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")
_SUFFIX = re.compile(r"^[a-z0-9_]+$")
MAX_NAME = 128


def fk_name(table: Table, columns: list[str], ref_table: str) -> str:
    """The name the rules give a foreign key from ``table`` on ``columns`` to ``ref_table``."""
    cols = list(columns)
    if len(cols) > 1 and cols[0].lower() in TENANT_COLUMNS:
        cols = cols[1:]
    ref = ref_table.replace(".", "_")
    return f"FK_{table.schema}_{table.name}_{'_'.join(cols)}_{ref}"


def check_identity(catalog: Catalog, sink: FindingSink) -> None:
    """Path = identity, one object per file, right folder for the kind."""
    for source in catalog.files:
        kinds = [entry.split(":", 1) for entry in source.objects]
        owners = [(kind, name) for kind, name in kinds if kind != "index"]
        if len(owners) > 1:
            names = ", ".join(name for _, name in owners)
            sink.add(source.path, 1, "E301", f"file defines {len(owners)} objects ({names}); one object per file")
        for kind, name in kinds:
            if FOLDER_OF.get(kind) != source.kind:
                sink.add(source.path, 1, "E103", f"{kind} {name} belongs in sql/{FOLDER_OF.get(kind)}/, not sql/{source.kind}/")
            expected = source.identity.lower()
            if name != expected:
                what = "index on" if kind == "index" else kind
                sink.add(source.path, 1, "E300", f"{what} {name} defined in a file named {source.identity}.sql")


def _check_object_name(sink: FindingSink, path: str, line: int, what: str, name: str, prefix: str = "") -> None:
    if not _SNAKE.match(name):
        sink.add(path, line, "E302", f"{what} name {name} is not lower snake_case")
    elif prefix and not name.startswith(prefix):
        sink.add(path, line, "E302", f"{what} name {name} should start with {prefix}")
    if len(name) > MAX_NAME:
        sink.add(path, line, "E302", f"{what} name {name} is longer than {MAX_NAME} characters")


def check_names(catalog: Catalog, sink: FindingSink, seed_index_names: set[str]) -> None:
    for schema in catalog.schemas.values():
        _check_object_name(sink, schema.location.path, schema.location.line, "schema", schema.name)
    for view in catalog.views.values():
        _check_object_name(sink, view.location.path, view.location.line, "view", view.name, "v_")
    for routine in catalog.routines.values():
        prefix = "fn_" if routine.kind == "function" else ""
        _check_object_name(sink, routine.location.path, routine.location.line, routine.kind, routine.name, prefix)
    for table in catalog.tables.values():
        _check_table_names(table, sink, seed_index_names)


def _check_table_names(table: Table, sink: FindingSink, seed_index_names: set[str]) -> None:
    path = table.location.path
    _check_object_name(sink, path, table.location.line, "table", table.name)
    for column in table.columns.values():
        _check_object_name(sink, path, column.location.line, "column", column.name)
    base = f"{table.schema}_{table.name}"
    for constraint in table.constraints:
        if constraint.kind == "COMPUTED":
            continue
        line = constraint.location.line
        if constraint.name is None:
            what = {"PK": "PRIMARY KEY", "UQ": "UNIQUE", "FK": "FOREIGN KEY", "CK": "CHECK", "DF": "DEFAULT"}[constraint.kind]
            sink.add(path, line, "E303", f"{what} on {', '.join(constraint.columns)} has no name; add CONSTRAINT <name>")
            continue
        name = constraint.name
        if len(name) > MAX_NAME:
            sink.add(path, line, "E302", f"{name} is longer than {MAX_NAME} characters")
        expected = None
        if constraint.kind == "PK":
            expected = f"PK_{base}"
        elif constraint.kind == "DF":
            expected = f"DF_{base}_{constraint.columns[0]}"
        elif constraint.kind == "FK" and constraint.ref_table:
            expected = fk_name(table, constraint.columns, constraint.ref_table)
        if expected is not None:
            if name != expected:
                sink.add(path, line, "E302", f"{name} should be named {expected}")
            continue
        prefix = f"{constraint.kind}_{base}_"
        if not name.startswith(prefix) or not _SUFFIX.match(name[len(prefix) :]):
            sink.add(path, line, "E302", f"{name} should be named {prefix}<suffix>")
    for index in table.indexes:
        line = index.location.line
        for alias in index.aliases:
            if alias not in seed_index_names:
                sink.add(path, line, "E302", f"alias {alias} of {index.name} is not a seed index name")
        if index.name in seed_index_names:
            continue
        kind = "UX" if index.unique else "IX"
        prefix = f"{kind}_{base}_"
        if not index.name.startswith(prefix) or not _SUFFIX.match(index.name[len(prefix) :]):
            sink.add(path, line, "E302", f"index {index.name} should be named {prefix}<suffix>")
        if len(index.name) > MAX_NAME:
            sink.add(path, line, "E302", f"index {index.name} is longer than {MAX_NAME} characters")
