"""Offline replay: apply migration scripts, in order, to an empty model.

Each script is read with the same reader as ``sql/`` (:class:`~harness.reader.FileReader`), but every
statement now *changes* the model: CREATE adds (and fails when the object exists), CREATE OR ALTER
replaces, ALTER TABLE adds, drops or alters columns and constraints, DROP removes, and
``sp_addextendedproperty`` sets descriptions — the only source of descriptions here, as on a server.
``EXEC sp_rename`` renames a table, column, index or constraint and every reference the model keeps
to it (:func:`rename`); ``ALTER INDEX … REBUILD | REORGANIZE`` and ``ALTER TABLE … REBUILD`` change
nothing but need their object; ``CREATE INDEX … WITH (DROP_EXISTING = ON)`` replaces the index of
that name; ``DROP SECURITY POLICY`` removes a policy. Batches the builder marks ``-- wsdb:guard``
(history table, transaction, checks) are not schema changes and are skipped. A statement that could not apply on a server (a table that already exists,
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
from sqlglot.tokens import TokenType

from .model import Catalog, Index, SourceFile, Table, key
from .reader import FileReader, _dotted, _dotted_at, _matching_paren, _split_commas
from .resolve import Resolver
from .statements import Slice, line_of, word
from .types import type_text

MARKER = re.compile(r"\A(?:\s|/\*.*?\*/)*?[ \t]*-- wsdb:(?P<kind>guard|step)\b[ \t]*(?P<rest>[^\r\n]*)", re.DOTALL)
_PROPERTY = re.compile(r"sp_(?:add|update)extendedproperty\b(?P<args>(?:\s*,?\s*@\w+\s*=\s*(?:N'(?:[^']|'')*'|NULL))+)", re.I)
_ARG = re.compile(r"@(?P<name>\w+)\s*=\s*N'(?P<value>(?:[^']|'')*)'", re.I)
_NAME_PART = re.compile(r'\[(?P<bracketed>(?:[^\]]|\]\])+)\]|"(?P<quoted>[^"]+)"|(?P<bare>[^.]+)')
_RENAME_ARGS = ("objname", "newname", "objtype")


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
        if kind == "policy":
            self._policy_targets(obj)

    def _policy_targets(self, policy) -> None:
        """A policy binds tables and functions that must exist when it is created (SQL Server refuses it otherwise)."""
        for predicate in policy.predicates:
            if key(predicate.table) not in self.catalog.tables:
                self.fail(predicate.location.line, f"security policy {policy.full_name}: no table {predicate.table} at this point")
            if key(predicate.function) not in self.catalog.routines:
                self.fail(predicate.location.line, f"security policy {policy.full_name}: no function {predicate.function} at this point")

    def add_index(self, index: Index, options: dict[str, str]) -> None:
        table = self.catalog.tables.get(key(index.table))
        line = index.location.line
        existing = next((i for i in table.indexes if i.name.lower() == index.name.lower()), None) if table else None
        replace = options.get("DROP_EXISTING") == "ON"
        if table is None:
            self.fail(line, f"CREATE INDEX {index.name}: table {index.table} does not exist at this point")
        elif existing is not None and not replace:
            self.fail(line, f"CREATE INDEX {index.name}: {index.table} already has an index of that name")
        elif existing is None and replace:
            self.fail(line, f"CREATE INDEX {index.name} … WITH (DROP_EXISTING = ON): {index.table} has no index of that name to replace")
        else:
            if existing is not None:
                # DROP_EXISTING rebuilds the index in place: it keeps its extended properties.
                table.indexes.remove(existing)
                index.description = index.description or existing.description
                index.aliases = index.aliases or existing.aliases
            missing = [c for c, _ in index.keys if table.column(c) is None] + [c for c in index.include if table.column(c) is None]
            if missing:
                self.fail(line, f"CREATE INDEX {index.name}: {index.table} has no column {', '.join(missing)} at this point")
            table.indexes.append(index)

    # -- statements read from tokens -----------------------------------------------------------
    def command(self, piece: Slice) -> bool:
        tokens = piece.tokens
        words = [word(t) for t in tokens[:3]]
        if words[0] in ("EXEC", "EXECUTE"):
            return self._execute(piece)
        if words[:2] == ["ALTER", "INDEX"]:
            self._alter_index(piece)
            return True
        if words[:2] == ["ALTER", "TABLE"]:
            after, parts = _dotted_at(tokens, 2)
            if after >= len(tokens) or word(tokens[after]) != "REBUILD":
                return False
            if key(*parts) not in self.catalog.tables:
                self.fail(piece.line, f"ALTER TABLE {'.'.join(parts)} REBUILD: no such table at this point")
            return True
        if words == ["DROP", "SECURITY", "POLICY"]:
            self._drop_policy(piece)
            return True
        if words[0] in ("UPDATE", "DELETE", "INSERT"):
            self._rows(piece)
            return True
        return False

    def _rows(self, piece: Slice) -> None:
        """A backfill or data fix in a literal step (``UPDATE``, ``INSERT``, ``DELETE``): it changes rows, not the
        schema. Its table must exist at this point, and so must the columns an ``UPDATE`` sets."""
        tokens = piece.tokens
        verb = word(tokens[0])
        i = 2 if len(tokens) > 1 and word(tokens[1]) in ("FROM", "INTO") else 1
        if i < len(tokens) and word(tokens[i]) == "TOP" and i + 1 < len(tokens) and tokens[i + 1].token_type == TokenType.L_PAREN:
            i = _matching_paren(tokens, i + 1) + 1
        after, parts = _dotted_at(tokens, i)
        if len(parts) < 2:
            return  # an alias or a table variable: the statement names its real table further on
        table = self.catalog.tables.get(key(".".join(parts)))
        if table is None:
            self.fail(piece.line, f"{verb} {'.'.join(parts)}: no such table at this point")
            return
        if verb != "UPDATE":
            return
        columns = {c.lower() for c in table.columns}
        depth, expect_name = 0, False
        for j in range(after, len(tokens)):
            token = tokens[j]
            if token.token_type == TokenType.L_PAREN:
                depth += 1
            elif token.token_type == TokenType.R_PAREN:
                depth -= 1
            elif depth == 0 and word(token) in ("WHERE", "FROM", "OUTPUT", "OPTION"):
                break
            elif depth == 0 and (word(token) == "SET" or token.token_type == TokenType.COMMA):
                expect_name = True
                continue
            elif expect_name and token.token_type in (TokenType.VAR, TokenType.IDENTIFIER):
                name = token.text
                if j + 1 < len(tokens) and tokens[j + 1].token_type == TokenType.DOT:
                    continue  # alias.column: the column follows
                if name.lower() not in columns:
                    self.fail(token.line, f"UPDATE {table.full_name} SET {name}: no such column at this point")
            expect_name = False

    def _execute(self, piece: Slice) -> bool:
        """``EXEC [sys.]sp_rename`` with named or positional string arguments; other procedures are not changes."""
        tokens = piece.tokens
        after, procedure = _dotted_at(tokens, 1)
        if key(*procedure) not in ("sp_rename", "sys.sp_rename"):
            return False
        args: dict[str, str | None] = {}
        for position, argument in enumerate(_split_commas(tokens[after:])):
            name = _RENAME_ARGS[position] if position < len(_RENAME_ARGS) else "?"
            if argument[0].token_type == TokenType.PARAMETER and len(argument) > 2 and argument[2].token_type == TokenType.EQ:
                name, argument = argument[1].text.lower(), argument[3:]
            if name not in _RENAME_ARGS or len(argument) != 1:
                self.fail(piece.line, "sp_rename: expected @objname, @newname and @objtype given as string literals")
                return True
            value = argument[0]
            if value.token_type in (TokenType.STRING, TokenType.NATIONAL_STRING):
                args[name] = value.text
            elif word(value) == "NULL" and name == "objtype":
                args[name] = None
            else:
                self.fail(piece.line, f"sp_rename: @{name} must be a string literal, not {value.text}")
                return True
        if not args.get("objname") or not args.get("newname"):
            self.fail(piece.line, "sp_rename: @objname and @newname are required")
            return True
        try:
            rename(self.catalog, args["objname"], args["newname"], args.get("objtype"))
        except RenameError as error:
            self.fail(piece.line, f"sp_rename {args['objname']}: {error}")
        return True

    def _alter_index(self, piece: Slice) -> None:
        """``ALTER INDEX name|ALL ON table REBUILD|REORGANIZE …``: no change, but the index must exist."""
        tokens = piece.tokens
        name = tokens[2].text if len(tokens) > 2 else ""
        if len(tokens) < 5 or word(tokens[3]) != "ON":
            self.fail(piece.line, "ALTER INDEX: expected ALTER INDEX name ON schema.table REBUILD | REORGANIZE")
            return
        after, parts = _dotted_at(tokens, 4)
        action = word(tokens[after]) if after < len(tokens) else None
        table = self.catalog.tables.get(key(*parts))
        what = f"ALTER INDEX {name} ON {'.'.join(parts)}"
        if table is None:
            self.fail(piece.line, f"{what}: no such table at this point")
        elif name.upper() != "ALL" and _index_named(table, name) is None:
            self.fail(piece.line, f"{what}: no such index at this point")
        elif action not in ("REBUILD", "REORGANIZE"):
            self.fail(piece.line, f"{what}: replay understands REBUILD and REORGANIZE only")

    def _drop_policy(self, piece: Slice) -> None:
        tokens = piece.tokens
        i = 3
        exists = [word(t) for t in tokens[3:5]] == ["IF", "EXISTS"]
        if exists:
            i = 5
        _, parts = _dotted_at(tokens, i)
        name = ".".join(parts)
        if key(name) in self.catalog.policies:
            del self.catalog.policies[key(name)]
        elif not exists:
            self.fail(piece.line, f"DROP SECURITY POLICY {name}: it does not exist at this point")

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
            binding = _binding_policy(self.catalog, k) if kind == "TABLE" else None
            if binding is not None:
                self.fail(line, f"DROP TABLE {name}: security policy {binding} (SCHEMABINDING = ON) names it; re-create the policy without it first")
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



# -- sp_rename ---------------------------------------------------------------------------------------


class RenameError(ValueError):
    """An sp_rename that cannot apply to the schema at this point (the message says why)."""


def rename(catalog: Catalog, objname: str, newname: str, objtype: str | None) -> None:
    """Apply ``sp_rename objname, newname, objtype`` to ``catalog`` as SQL Server would.

    COLUMN (``[schema.]table.column``), INDEX (``[schema.]table.index``; a primary key or unique constraint's
    index renames the constraint) and OBJECT or no type (``[schema.]name``: a table or a constraint). The
    model's references follow: index and constraint columns, CHECK and computed expressions, foreign keys
    of every table, security policy predicates. Constraints keep their names when their table is renamed,
    as on a server. Raise :class:`RenameError` when the object is not there or the new name is taken.
    """
    parts = [m.group("bracketed") or m.group("quoted") or m.group("bare") for m in _NAME_PART.finditer(objname.strip())]
    parts = [p.replace("]]", "]").strip() for p in parts]
    kind = (objtype or "OBJECT").upper()
    if kind in ("COLUMN", "INDEX"):
        schema, table_name, item = _qualified(parts, 3)
        table = catalog.tables.get(key(schema, table_name))
        if table is None:
            raise RenameError(f"no table {schema}.{table_name} at this point")
        if kind == "COLUMN":
            rename_column(catalog, table, item, newname)
        else:
            rename_index(table, item, newname)
    elif kind == "OBJECT":
        schema, name = _qualified(parts, 2)
        table = catalog.tables.get(key(schema, name))
        owner = next((t for t in catalog.tables.values() if key(t.schema) == key(schema) and t.constraint(name)), None)
        if table is not None:
            rename_table(catalog, table, newname)
        elif owner is not None:
            _taken(catalog, schema, newname)
            constraint = owner.constraint(name)
            constraint.name = newname
            for column in owner.columns.values():
                if column.default_name and column.default_name.lower() == name.lower():
                    column.default_name = newname
        elif key(schema, name) in catalog.views or key(schema, name) in catalog.routines:
            raise RenameError("renaming a view or routine leaves its definition behind; drop it and create it under the new name")
        else:
            raise RenameError(f"no table or constraint {schema}.{name} at this point")
    else:
        raise RenameError(f"@objtype {objtype}: replay understands COLUMN, INDEX and OBJECT")


def rename_column(catalog: Catalog, table: Table, old: str, new: str) -> None:
    """Rename a column of ``table`` and every reference the model keeps to it."""
    column = table.column(old)
    if column is None:
        raise RenameError(f"{table.full_name} has no column {old} at this point")
    if old.lower() != new.lower() and table.column(new) is not None:
        raise RenameError(f"{table.full_name} already has a column {new}")

    def swap(names: list[str]) -> list[str]:
        return [new if n.lower() == old.lower() else n for n in names]

    column.name = new
    _rekey(table.columns, old.lower(), new.lower())
    for constraint in table.constraints:
        constraint.columns = swap(constraint.columns)
        if constraint.expression is not None:
            _rename_in(constraint.expression, old, new)
            if constraint.kind == "COMPUTED":
                table.column(constraint.columns[0]).computed = constraint.expression.sql("tsql", copy=False)
    for index in table.indexes:
        index.keys = [(new if k.lower() == old.lower() else k, desc) for k, desc in index.keys]
        index.include = swap(index.include)
        if index.filter is not None:
            _rename_in(index.filter, old, new)
            index.filter_sql = index.filter.sql("tsql", copy=False)
    for other in catalog.tables.values():
        for constraint in other.constraints:
            if constraint.kind == "FK" and constraint.ref_table and key(constraint.ref_table) == table.key:
                constraint.ref_columns = swap(constraint.ref_columns)
    for policy in catalog.policies.values():
        for predicate in policy.predicates:
            if key(predicate.table) == table.key:
                predicate.arguments = swap(predicate.arguments)


def rename_table(catalog: Catalog, table: Table, new: str) -> None:
    """Rename ``table`` (same schema); foreign keys, policies and data scripts that name it follow."""
    old_key = table.key
    if key(table.schema, new) != old_key:
        _taken(catalog, table.schema, new)
    table.name = new
    _rekey(catalog.tables, old_key, table.key)
    for index in table.indexes:
        index.table = table.full_name
    for other in catalog.tables.values():
        for constraint in other.constraints:
            if constraint.kind == "FK" and constraint.ref_table and key(constraint.ref_table) == old_key:
                constraint.ref_table = table.full_name
    for policy in catalog.policies.values():
        for predicate in policy.predicates:
            if key(predicate.table) == old_key:
                predicate.table = table.full_name
    for script in catalog.scripts:
        if key(script.target) == old_key:
            script.target = table.full_name


def rename_index(table: Table, old: str, new: str) -> None:
    """Rename an index of ``table`` (a primary key or unique constraint's index renames the constraint)."""
    target = _index_named(table, old)
    if target is None:
        raise RenameError(f"{table.full_name} has no index {old} at this point")
    if old.lower() != new.lower() and _index_named(table, new) is not None:
        raise RenameError(f"{table.full_name} already has an index {new}")
    target.name = new


def _index_named(table: Table, name: str):
    """The index, or the primary key / unique constraint (which is an index on a server), of that name."""
    index = next((i for i in table.indexes if i.name.lower() == name.lower()), None)
    constraint = table.constraint(name)
    return index or (constraint if constraint is not None and constraint.kind in ("PK", "UQ") else None)


def _qualified(parts: list[str], size: int) -> list[str]:
    if len(parts) == size - 1:
        return ["dbo", *parts]
    if len(parts) != size or not all(parts):
        raise RenameError(f"expected a {size}-part name (schema first) for this @objtype")
    return parts


def _taken(catalog: Catalog, schema: str, name: str) -> None:
    """Raise when ``schema.name`` is already a table, view, routine, policy or constraint."""
    k = key(schema, name)
    constraints = (c for t in catalog.tables.values() if key(t.schema) == key(schema) for c in t.constraints)
    if catalog.relation(k) or k in catalog.routines or k in catalog.policies or any(c.name and c.name.lower() == name.lower() for c in constraints):
        raise RenameError(f"{schema}.{name} already exists")


def _rekey(mapping: dict, old: str, new: str) -> None:
    """Change one key of a dict in place, keeping the order of its items."""
    items = [(new if k == old else k, v) for k, v in mapping.items()]
    mapping.clear()
    mapping.update(items)


def _rename_in(expression: exp.Expression, old: str, new: str) -> None:
    for column in expression.find_all(exp.Column):
        if column.name.lower() == old.lower():
            column.this.set("this", new)


def _binding_policy(catalog: Catalog, table_key: str) -> str | None:
    """The schema-bound security policy with a predicate on the table, if any (the table cannot be dropped)."""
    return next(
        (p.full_name for p in catalog.policies.values() if p.schemabinding and any(key(x.table) == table_key for x in p.predicates)),
        None,
    )


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


__all__ = ["MigrationReader", "RenameError", "Replay", "rename", "rename_column", "rename_index", "rename_table", "step_marker"]
