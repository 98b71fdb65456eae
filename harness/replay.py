"""Offline replay: apply migration scripts, in order, to an empty model.

Each script is read with the same reader as ``sql/`` (:class:`~harness.reader.FileReader`), but every
statement now *changes* the model: CREATE adds (and fails when the object exists), CREATE OR ALTER
replaces, ALTER TABLE adds, drops or alters columns and constraints, DROP removes, and
``sp_addextendedproperty`` sets descriptions — the only source of descriptions here, as on a server.
Batches the builder marks ``-- wsdb:guard`` (history table, transaction, checks) are not schema
changes and are skipped. A statement that could not apply on a server (a table that already exists,
a column that does not) is a finding at its file and line. After each script the views and routines
it touched are resolved against the schema as it stands then.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from sqlglot import exp

from .batches import Batch, BatchError, split_batches
from .comments import FileComments
from .findings import FindingSink
from .model import Catalog, Index, SourceFile, Table, key
from .reader import FileReader, _dotted
from .resolve import Resolver
from .statements import Slice, line_of
from .types import type_text

MARKER = re.compile(r"\A(?:\s|/\*.*?\*/)*?[ \t]*-- wsdb:(?P<kind>guard|step)\b[ \t]*(?P<rest>[^\r\n]*)", re.DOTALL)
_PROPERTY = re.compile(r"sp_(?:add|update)extendedproperty\b(?P<args>(?:\s*,?\s*@\w+\s*=\s*(?:N'(?:[^']|'')*'|NULL))+)", re.I)
_ARG = re.compile(r"@(?P<name>\w+)\s*=\s*N'(?P<value>(?:[^']|'')*)'", re.I)


def step_marker(batch_text: str) -> tuple[str, list[str]] | None:
    """("guard"|"step", words after it) when the batch starts with a builder marker line."""
    match = MARKER.match(batch_text)
    if match is None:
        return None
    return match.group("kind"), match.group("rest").split()


class _NoDescriptions(FileComments):
    """Comments of a migration describe nothing: on a server only extended properties do."""

    def __init__(self) -> None:
        super().__init__("")

    def object_description(self, line: int) -> str | None:
        return None

    def item_description(self, line: int, *, above: bool = True) -> str | None:
        return None

    def directives_for(self, line: int, name: str) -> list:
        return []


class MigrationReader(FileReader):
    """Reads one migration script into the replay state, applying each change."""

    def __init__(self, source: SourceFile, state: Catalog, sink: FindingSink) -> None:
        super().__init__(source, state, sink, [], comments=_NoDescriptions())
        self.touched: list[str] = []
        self._data_seen: set[str] = set()

    def fail(self, line: int, message: str) -> None:
        self.finding(line, "E805", message)

    # -- batches -------------------------------------------------------------------------------
    def read(self) -> None:
        try:
            batches = split_batches(self.source.text)
        except BatchError as error:
            self.finding(error.line, "E102", error.reason)
            return
        for batch in batches:
            marker = step_marker(batch.text)
            if marker is not None and marker[0] == "guard":
                continue
            words = marker[1] if marker else []
            if len(words) >= 3 and words[1] == "data":
                self.read_batch(batch, data_target=words[2])
            elif len(words) >= 2 and words[1] == "role":
                continue  # roles are not part of the model
            elif "extendedproperty" in batch.text.lower():
                self.properties(batch)
            else:
                self.read_batch(batch)

    def _data_batch(self, pieces: list[Slice], source: str, start_line: int, target: str) -> None:
        if key(target) not in self._data_seen:
            # A data step replaces what an earlier migration loaded for the same table.
            self._data_seen.add(key(target))
            self.catalog.scripts[:] = [s for s in self.catalog.scripts if key(s.target) != key(target)]
            self.script = None
        super()._data_batch(pieces, source, start_line, target)

    # -- objects -------------------------------------------------------------------------------
    def register(self, kind: str, obj_key: str, line: int, store: dict, obj) -> None:
        replace = getattr(obj, "create_form", "") == "CREATE OR ALTER"
        if obj_key in store and replace:
            store[obj_key] = obj
        elif obj_key in store or (kind != "schema" and (self.catalog.relation(obj_key) or obj_key in self.catalog.routines)):
            self.fail(line, f"CREATE {kind} {obj_key}: it already exists at this point")
            return
        else:
            store[obj_key] = obj
        if kind in ("view", "procedure", "function"):
            self.touched.append(obj_key)

    def add_index(self, index: Index) -> None:
        table = self.catalog.tables.get(key(index.table))
        line = index.location.line
        if table is None:
            self.fail(line, f"CREATE INDEX {index.name}: table {index.table} does not exist at this point")
        elif any(i.name.lower() == index.name.lower() for i in table.indexes):
            self.fail(line, f"CREATE INDEX {index.name}: {index.table} already has an index of that name")
        else:
            missing = [c for c, _ in index.keys if table.column(c) is None] + [c for c in index.include if table.column(c) is None]
            if missing:
                self.fail(line, f"CREATE INDEX {index.name}: {index.table} has no column {', '.join(missing)} at this point")
            table.indexes.append(index)

    # -- ALTER TABLE ---------------------------------------------------------------------------
    def alter(self, tree: exp.Alter, piece: Slice) -> bool:
        name = _dotted(tree.this)
        line = piece.line
        if (tree.args.get("kind") or "").upper() != "TABLE":
            return False
        table = self.catalog.tables.get(key(name))
        if table is None:
            self.fail(line, f"ALTER TABLE {name}: no such table at this point")
            return True
        for action in tree.args.get("actions") or []:
            at = line_of(action, line)
            if isinstance(action, exp.ColumnDef):
                if table.column(action.name) is not None:
                    self.fail(at, f"ALTER TABLE {name} ADD {action.name}: the column already exists")
                    continue
                self._column(table, action)
            elif isinstance(action, exp.AddConstraint):
                for constraint in action.expressions:
                    cname = constraint.this.name if isinstance(constraint.this, exp.Identifier) else None
                    if cname and table.constraint(cname) is not None:
                        self.fail(at, f"ALTER TABLE {name} ADD CONSTRAINT {cname}: it already exists")
                        continue
                    self._table_constraint(table, constraint, line=at)
            elif isinstance(action, exp.Drop) and (action.args.get("kind") or "").upper() == "CONSTRAINT":
                for target in action.args.get("tables") or []:
                    self._drop_constraint(table, target.name, at)
            elif isinstance(action, exp.Drop):
                for target in action.args.get("tables") or []:
                    self._drop_column(table, target.name, at)
            elif isinstance(action, exp.AlterColumn):
                self._alter_column(table, action, at)
            else:
                self.fail(at, f"ALTER TABLE {name}: replay does not understand {action.sql('tsql')[:60]}")
        return True

    def _drop_constraint(self, table: Table, name: str, line: int) -> None:
        constraint = table.constraint(name)
        if constraint is None:
            self.fail(line, f"ALTER TABLE {table.full_name} DROP CONSTRAINT {name}: no such constraint")
            return
        table.constraints.remove(constraint)
        if constraint.kind == "DF":
            column = table.column(constraint.columns[0])
            if column is not None:
                column.default = column.default_name = None

    def _drop_column(self, table: Table, name: str, line: int) -> None:
        if table.column(name) is None:
            self.fail(line, f"ALTER TABLE {table.full_name} DROP COLUMN {name}: no such column")
            return
        blockers = [c.name for c in table.constraints if c.kind not in ("COMPUTED",) and c.name and name.lower() in map(str.lower, c.columns)]
        blockers += [i.name for i in table.indexes if name.lower() in [k.lower() for k, _ in i.keys] + [c.lower() for c in i.include]]
        if blockers:
            self.fail(line, f"ALTER TABLE {table.full_name} DROP COLUMN {name}: {', '.join(blockers)} depend(s) on it; drop them first")
            return
        del table.columns[name.lower()]
        table.constraints = [c for c in table.constraints if name.lower() not in map(str.lower, c.columns)]

    def _alter_column(self, table: Table, action: exp.AlterColumn, line: int) -> None:
        column = table.column(action.name)
        if column is None:
            self.fail(line, f"ALTER TABLE {table.full_name} ALTER COLUMN {action.name}: no such column")
            return
        dtype = action.args.get("dtype")
        if dtype is None:
            self.fail(line, f"ALTER TABLE {table.full_name} ALTER COLUMN {action.name}: replay understands only a new type")
            return
        column.type = type_text(dtype)
        allow_null = action.args.get("allow_null")
        column.nullable = allow_null is None or bool(allow_null)

    # -- DROP ----------------------------------------------------------------------------------
    def drop(self, tree: exp.Drop, piece: Slice) -> bool:
        kind = (tree.args.get("kind") or "").upper()
        line = piece.line
        for target in tree.args.get("tables") or []:
            name = _dotted(target)
            k = key(name)
            if kind == "INDEX":
                on = tree.args.get("cluster")
                table = self.catalog.tables.get(key(_dotted(on.this))) if on is not None else None
                index = next((i for i in table.indexes if i.name.lower() == target.name.lower()), None) if table else None
                if index is None:
                    self.fail(line, f"DROP INDEX {target.name}: no such index at this point")
                else:
                    table.indexes.remove(index)
                continue
            store = {
                "TABLE": self.catalog.tables,
                "VIEW": self.catalog.views,
                "PROCEDURE": self.catalog.routines,
                "PROC": self.catalog.routines,
                "FUNCTION": self.catalog.routines,
                "SCHEMA": self.catalog.schemas,
            }.get(kind)
            if store is None:
                return False
            if k not in store:
                if not tree.args.get("exists"):
                    self.fail(line, f"DROP {kind} {name}: it does not exist at this point")
                continue
            del store[k]
        return True

    # -- descriptions --------------------------------------------------------------------------
    def properties(self, batch: Batch) -> None:
        """Apply every ``sp_addextendedproperty`` / ``sp_updateextendedproperty`` of a batch."""
        for match in _PROPERTY.finditer(batch.text):
            line = batch.start_line + batch.text.count("\n", 0, match.start())
            args = {m.group("name").lower(): m.group("value").replace("''", "'") for m in _ARG.finditer(match.group("args"))}
            self._property(args, line)

    def _property(self, args: dict[str, str], line: int) -> None:
        name, value = args.get("name"), args.get("value")
        levels = [(args.get(f"level{n}type", "").upper(), args.get(f"level{n}name", "")) for n in range(3)]
        levels = [(t, n) for t, n in levels if t]
        if name not in ("MS_Description", "wsdb_alias") or value is None or not levels or levels[0][0] != "SCHEMA":
            self.fail(line, "extended property not understood (expected MS_Description or wsdb_alias on a schema object)")
            return
        target = self._property_target(levels, line)
        if target is None:
            return
        if name == "wsdb_alias":
            if isinstance(target, Index):
                target.aliases = [a.strip() for a in value.split(",") if a.strip()]
            else:
                self.fail(line, "wsdb_alias belongs on an index")
            return
        target.description = value

    def _property_target(self, levels: list[tuple[str, str]], line: int):
        schema_name = levels[0][1]
        described = ".".join(n for _, n in levels)
        if len(levels) == 1:
            target = self.catalog.schemas.get(key(schema_name))
        else:
            obj_key = key(schema_name, levels[1][1])
            kind = levels[1][0]
            store = {"TABLE": self.catalog.tables, "VIEW": self.catalog.views}.get(kind, self.catalog.routines)
            target = store.get(obj_key)
            if target is not None and len(levels) == 3:
                item_kind, item = levels[2]
                if item_kind == "COLUMN" and isinstance(target, Table):
                    target = target.column(item)
                elif item_kind == "INDEX" and isinstance(target, Table):
                    target = next((i for i in target.indexes if i.name.lower() == item.lower()), None)
                elif item_kind == "CONSTRAINT" and isinstance(target, Table):
                    target = target.constraint(item)
                else:
                    target = None
        if target is None:
            self.fail(line, f"extended property on {described}: no such object at this point")
        return target



class Replay:
    """The schema as a sequence of migration scripts leaves it, starting from an empty database."""

    def __init__(self) -> None:
        self.state = Catalog()
        self.sink = FindingSink()
        self.applied: list[str] = []

    def apply(self, path: str, text: str) -> None:
        """Apply one script (``path`` relative to the project root, for findings)."""
        source = SourceFile(path, "migration", PurePosixPath(path).stem, text)
        reader = MigrationReader(source, self.state, self.sink)
        reader.read()
        resolver = Resolver(self.state, self.sink)
        for obj_key in dict.fromkeys(reader.touched):
            view = self.state.views.get(obj_key)
            if view is not None:
                resolver._guarded(view.location, f"view {view.full_name}", resolver.view_columns, view)
            routine = self.state.routines.get(obj_key)
            if routine is not None:
                resolver._guarded(routine.location, f"{routine.kind} {routine.full_name}", resolver.routine, routine)
        self.applied.append(path)


__all__ = ["MigrationReader", "Replay", "step_marker"]
