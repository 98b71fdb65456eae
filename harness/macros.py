"""The macros a migration template calls: each one turns objects of ``sql/`` into migration steps.

A template is a list of macro calls (Jinja expressions); what it says is *which* objects change, never
their DDL, which the macros copy from ``sql/`` (:mod:`harness.snippets`). Each call adds a
:class:`Step`: the batches it runs, what it defines and what it needs (for :mod:`harness.ordering`),
and the ``sql/`` files it read (listed with their sha256 in the script header). Macros look at two
models: ``target`` (what ``sql/`` defines) and ``state`` (the schema after the earlier migrations),
so a call that cannot apply — a column that already exists, an index on a table that does not — is
a build error at the template line, not a deployment failure.

Macros, all returning an empty string:

- ``description(text)``: what the migration does (required; shown in the header).
- ``acknowledge(code, target, reason)``: a destructive change made on purpose (:mod:`harness.destructive`,
  E810–E815), printed in the header as ``Acknowledges  CODE target: reason``, where the lint reads it.
- ``create_schema(name)``
- ``create_table(name, without=[...], checks=True)``: the table as in ``sql/``, its indexes
  included, minus the named columns, constraints and indexes (and whatever depends on those
  columns); ``checks=False`` leaves its CHECK constraints for a later ``add_constraints``.
- ``add_columns(table, [columns])``: ``ALTER TABLE … ADD`` the columns, then the table constraints
  that involve them.
- ``add_constraints(table, [names] or kind="CK")``: ``ALTER TABLE … WITH CHECK ADD`` them.
- ``create_index(name)``: one index from its table file.
- ``drop_index(name)``: ``DROP INDEX`` one the database has at this point; a ``create_index`` of the
  same name after it recreates the index as ``sql/`` now defines it.
- ``rename_column(table, old, new)`` / ``rename_table(name, new)``: ``EXEC sys.sp_rename``, keeping the
  data; ``new`` must be what ``sql/`` now calls it. Constraints keep their names.
- ``create_module(name)``: a view, function or procedure file (``CREATE OR ALTER``), or a security
  policy (``CREATE SECURITY POLICY``; one that exists at this point is dropped first, in the same step;
  predicates on tables that do not exist yet are left for the migration that creates them, which calls
  ``create_module`` again).
- ``load_data(table)``: the reference-data script ``sql/data/<table>.sql``.
- ``create_role(name, reason)``: ``CREATE ROLE`` unless the database has it (roles are not modelled, so the
  replay skips the step).
- ``{% call sql("what it is") %} … {% endcall %}``: literal SQL, for what ``sql/`` no longer holds
  (an older version of a view); split on GO; what it creates is read from it.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import hashlib
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from sqlglot import exp

from .batches import split_batches
from .destructive import ACKNOWLEDGEABLE, TARGET
from .descriptions import extended_property_sql
from .findings import FindingSink
from .model import Catalog, Routine, SourceFile, Table, View, key
from .reader import FileReader
from .replay import RenameError, rename_column, rename_table
from .snippets import SnippetError, TableSource, table_source


class MacroError(ValueError):
    """A macro call cannot produce a valid step (unknown object, already applied, bad argument).

    ``lineno`` is the template line of the call, when known (the builder reports E803 there).
    """

    lineno: int | None = None


def _at_template_line(macro):
    """Wrap a macro so that its MacroError carries the line of the template that called it."""

    @functools.wraps(macro)
    def call(*args, **kwargs):
        try:
            return macro(*args, **kwargs)
        except MacroError as error:
            frame = sys._getframe(1)
            while frame is not None and error.lineno is None:
                template = frame.f_globals.get("__jinja_template__")
                if template is not None:
                    error.lineno = template.get_corresponding_lineno(frame.f_lineno)
                frame = frame.f_back
            raise

    return call


@dataclass
class Step:
    kind: str  # schema, table, columns, constraints, index, module, data, sql
    label: str  # "app.signal", "app.signal index UX_signal_dedupe", ...
    batches: list[str]  # SQL of each batch (no GO)
    describe: str = ""  # extended-property batch run right after the step ("" when nothing to describe)
    defines: set[str] = field(default_factory=set)
    needs: set[str] = field(default_factory=set)
    data_target: str | None = None


@dataclass
class Plan:
    """What one template asks for: the steps, their sources and the script's description."""

    root: Path
    target: Catalog
    state: Catalog
    steps: list[Step] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)  # sql/ path -> sha256
    description_text: str = ""
    acknowledgements: list[tuple[str, str, str]] = field(default_factory=list)  # (code, target, reason)
    _tables: dict[str, TableSource] = field(default_factory=dict)
    _dropped: set[str] = field(default_factory=set)
    _policies: set[str] = field(default_factory=set)  # keys of the policies a step creates
    _own_state: bool = False  # True once ``state`` is this plan's copy (a rename changed it)

    # -- helpers ---------------------------------------------------------------------------------
    def _read_source(self, rel: str) -> str:
        text = (self.root / rel).read_bytes().decode("utf-8-sig")
        self.sources[rel] = hashlib.sha256((self.root / rel).read_bytes()).hexdigest()
        return text

    def _table(self, name: str) -> tuple[Table, TableSource]:
        table = self.target.tables.get(key(name))
        if table is None:
            raise MacroError(f"sql/ defines no table {name}")
        if table.key not in self._tables:
            try:
                self._tables[table.key] = table_source(table.location.path, self._read_source(table.location.path))
            except SnippetError as error:
                raise MacroError(str(error)) from None
        return table, self._tables[table.key]

    def globals(self) -> dict:
        """The macros, by name, for a Jinja environment (their errors name the calling template line)."""
        return {name: _at_template_line(macro) for name, macro in self._macros().items()}

    def _macros(self) -> dict:
        return {
            "description": self.description,
            "acknowledge": self.acknowledge,
            "create_schema": self.create_schema,
            "create_table": self.create_table,
            "add_columns": self.add_columns,
            "add_constraints": self.add_constraints,
            "create_index": self.create_index,
            "drop_index": self.drop_index,
            "rename_column": self.rename_column,
            "rename_table": self.rename_table,
            "create_module": self.create_module,
            "load_data": self.load_data,
            "sql": self.sql,
            "create_role": self.create_role,
        }

    # -- macros ------------------------------------------------------------------------------------
    def description(self, text: str) -> str:
        self.description_text = " ".join(str(text).split())
        return ""

    def acknowledge(self, code: str, target: str, reason: str = "") -> str:
        """Acknowledge a destructive-change finding of this script on purpose (printed in the header)."""
        code, target, reason = str(code).strip(), str(target).strip(), " ".join(str(reason).split())
        if code not in ACKNOWLEDGEABLE:
            raise MacroError(f"acknowledge({code!r}): only {', '.join(ACKNOWLEDGEABLE)} can be acknowledged")
        if not TARGET.fullmatch(target):
            raise MacroError(f"acknowledge({code}, {target!r}): name the object as schema.table or schema.table.column (or .index)")
        if not reason:
            raise MacroError(f"acknowledge({code}, {target}): say why the change is safe or intended")
        if "*/" in reason:
            raise MacroError(f"acknowledge({code}, {target}): the reason cannot hold */ (it would end the header comment)")
        if any(a[:2] == (code, target) for a in self.acknowledgements):
            raise MacroError(f"acknowledge({code}, {target}): acknowledged twice")
        self.acknowledgements.append((code, target, reason))
        return ""

    def create_schema(self, name: str) -> str:
        schema = self.target.schemas.get(key(name))
        if schema is None:
            raise MacroError(f"sql/ defines no schema {name}")
        if schema.key in self.state.schemas:
            raise MacroError(f"schema {name} already exists at this point")
        self._read_source(schema.location.path)
        self.steps.append(
            Step(
                "schema",
                f"schema {schema.name}",
                [f"CREATE SCHEMA {schema.name} AUTHORIZATION dbo;\n"],
                describe=extended_property_sql(schema),
                defines={f"schema:{schema.key}"},
            )
        )
        return ""

    def create_table(self, name: str, without: list[str] | tuple = (), checks: bool = True) -> str:
        table, source = self._table(name)
        if table.key in self.state.tables:
            raise MacroError(f"table {table.full_name} already exists at this point")
        dropped = {w.lower() for w in without}
        known = set(table.columns) | {c.name.lower() for c in table.constraints if c.name} | {i.name.lower() for i in table.indexes}
        unknown = sorted(dropped - known)
        if unknown:
            raise MacroError(f"create_table({table.full_name}): without names {', '.join(unknown)}, which sql/ does not define")
        gone_columns = dropped & set(table.columns)
        keep = []
        for element in source.elements:
            if element.kind == "column":
                if element.name.lower() not in gone_columns:
                    keep.append(element)
                continue
            constraint = table.constraint(element.name)
            if element.name.lower() in dropped or (constraint and _touches(constraint.columns, gone_columns)):
                continue
            if not checks and constraint is not None and constraint.kind == "CK":
                continue
            keep.append(element)
        indexes = [
            i for i in table.indexes
            if i.name.lower() not in dropped and not _touches(_index_columns(i), gone_columns)
        ]
        body = source.create_table(keep)
        for index in indexes:
            body += "\n" + source.index(index.name)
        kept_columns = [c.name for c in table.columns.values() if c.name.lower() not in gone_columns]
        kept = {e.name.lower() for e in keep}
        needs = {f"schema:{key(table.schema)}"} | {
            key(c.ref_table) for c in table.constraints if c.kind == "FK" and c.name and c.name.lower() in kept
        }
        self.steps.append(
            Step(
                "table",
                table.full_name,
                [body],
                describe=extended_property_sql(table, columns=kept_columns, indexes=[i.name for i in indexes]),
                defines={table.key},
                needs=needs,
            )
        )
        return ""

    def add_columns(self, name: str, columns: list[str]) -> str:
        table, source = self._table(name)
        current = self.state.tables.get(table.key)
        if current is None:
            raise MacroError(f"add_columns({table.full_name}): the table does not exist at this point")
        elements = []
        for column in columns:
            element = source.element(column)
            if element is None or element.kind != "column":
                raise MacroError(f"add_columns({table.full_name}): sql/ defines no column {column}")
            if current.column(column) is not None:
                raise MacroError(f"add_columns({table.full_name}): column {column} already exists at this point")
            elements.append(element)
        after = set(current.columns) | {c.lower() for c in columns}
        added = {c.lower() for c in columns}
        constraints = [
            source.element(c.name)
            for c in table.constraints
            if c.name and source.element(c.name) is not None and current.constraint(c.name) is None
            and _touches(c.columns, added) and {x.lower() for x in c.columns} <= after
        ]
        batches = [source.alter_table_add(elements)]
        if constraints:
            batches.append(source.alter_table_add(constraints, with_check=True))
        self.steps.append(
            Step(
                "columns",
                f"{table.full_name} columns {', '.join(columns)}",
                batches,
                describe=extended_property_sql(table, columns=columns, indexes=[], include_object=False),
                defines={f"{table.key}.{c.lower()}" for c in columns},
                needs={table.key} | _fk_targets(table, [e.name for e in constraints]),
            )
        )
        return ""

    def add_constraints(self, name: str, names: list[str] | None = None, kind: str | None = None) -> str:
        table, source = self._table(name)
        current = self.state.tables.get(table.key)
        if current is None:
            raise MacroError(f"add_constraints({table.full_name}): the table does not exist at this point")
        if names is None:
            if kind is None:
                raise MacroError(f"add_constraints({table.full_name}): give the constraint names or kind='CK'")
            # Those not there yet whose columns all exist now (the others come with their columns).
            names = [
                c.name for c in table.constraints
                if c.kind == kind.upper() and c.name and current.constraint(c.name) is None
                and all(current.column(x) is not None for x in c.columns)
            ]
            if not names:
                return ""
        elements = []
        for constraint_name in names:
            element = source.element(constraint_name)
            if element is None or element.kind != "constraint":
                raise MacroError(f"add_constraints({table.full_name}): sql/ declares no table constraint {constraint_name}")
            if current.constraint(constraint_name) is not None:
                raise MacroError(f"add_constraints({table.full_name}): {constraint_name} already exists at this point")
            elements.append(element)
        if not elements:
            raise MacroError(f"add_constraints({table.full_name}): nothing to add")
        self.steps.append(
            Step(
                "constraints",
                f"{table.full_name} constraints",
                [source.alter_table_add(elements, with_check=True)],
                needs={table.key} | _fk_targets(table, names),
            )
        )
        return ""

    def create_index(self, name: str) -> str:
        for table in self.target.tables.values():
            index = next((i for i in table.indexes if i.name.lower() == name.lower()), None)
            if index is None:
                continue
            current = self.state.tables.get(table.key)
            dropped = f"{table.key} drop index {name.lower()}"
            if dropped not in self._dropped and current is not None and any(i.name.lower() == name.lower() for i in current.indexes):
                raise MacroError(f"create_index({name}): {table.full_name} already has it at this point; drop_index it first to change it")
            _, source = self._table(table.full_name)
            self.steps.append(
                Step(
                    "index",
                    f"{table.full_name} index {index.name}",
                    [source.index(index.name)],
                    describe=extended_property_sql(table, columns=[], indexes=[index.name], include_object=False),
                    needs={table.key, dropped} | {f"{table.key}.{c.lower()}" for c in _index_columns(index)},
                )
            )
            return ""
        raise MacroError(f"create_index({name}): sql/ defines no such index")

    def drop_index(self, name: str) -> str:
        """Drop an index the database has at this point (to recreate it changed, call create_index after)."""
        for table in self.state.tables.values():
            index = next((i for i in table.indexes if i.name.lower() == name.lower()), None)
            if index is None:
                continue
            dropped = f"{table.key} drop index {name.lower()}"
            if dropped in self._dropped:
                raise MacroError(f"drop_index({name}): already dropped in this migration")
            self._dropped.add(dropped)
            self.steps.append(
                Step("drop_index", f"{table.full_name} drop index {index.name}", [f"DROP INDEX {index.name} ON {table.full_name};\n"], defines={dropped})
            )
            return ""
        raise MacroError(f"drop_index({name}): no table has that index at this point")

    def rename_column(self, table_name: str, old: str, new: str) -> str:
        """Rename a column the table has at this point to the name ``sql/`` gives it (``sp_rename``)."""
        call = f"rename_column({table_name}, {old}, {new})"
        current = self.state.tables.get(key(table_name))
        if current is None:
            raise MacroError(f"{call}: no table {table_name} at this point")
        target = self.target.tables.get(current.key)
        if target is None:
            raise MacroError(f"{call}: sql/ defines no table {table_name}")
        if target.column(new) is None:
            raise MacroError(f"{call}: sql/ defines no column {new} in {target.full_name}")
        old_name = current.column(old).name if current.column(old) is not None else old
        new_name = target.column(new).name
        self._rename(call, lambda state: rename_column(state, state.tables[current.key], old, new_name))
        self.steps.append(
            Step(
                "rename",
                f"{current.full_name} rename column {old_name} to {new_name}",
                [_sp_rename(f"{current.full_name}.{old_name}", new_name, "COLUMN")],
                defines={f"{current.key}.{new_name.lower()}"},
                needs={current.key},
            )
        )
        return ""

    def rename_table(self, name: str, new: str) -> str:
        """Rename a table the database has at this point to the name ``sql/`` gives it (same schema)."""
        call = f"rename_table({name}, {new})"
        current = self.state.tables.get(key(name))
        if current is None:
            raise MacroError(f"{call}: no table {name} at this point")
        schema, _, bare = new.rpartition(".")
        if schema and key(schema) != key(current.schema):
            raise MacroError(f"{call}: sp_rename keeps a table in its schema ({current.schema})")
        target = self.target.tables.get(key(current.schema, bare))
        if target is None:
            raise MacroError(f"{call}: sql/ defines no table {current.schema}.{bare}")
        old_key, old_name = current.key, current.full_name
        self._rename(call, lambda state: rename_table(state, state.tables[old_key], target.name))
        self.steps.append(
            Step(
                "rename",
                f"{old_name} rename to {target.name}",
                [_sp_rename(old_name, target.name, "OBJECT")],
                defines={target.key},
                needs={old_key},
            )
        )
        return ""

    def _rename(self, call: str, change) -> None:
        """Apply a rename to this plan's copy of the state (the state it was given is the replay's)."""
        if not self._own_state:
            self.state = dataclasses.replace(self.state, tables=copy.deepcopy(self.state.tables), policies=copy.deepcopy(self.state.policies))
            self._own_state = True
        try:
            change(self.state)
        except RenameError as error:
            raise MacroError(f"{call}: {error}") from None

    def create_module(self, name: str) -> str:
        policy = self.target.policies.get(key(name))
        if policy is not None:
            return self._policy(policy)
        obj = self.target.views.get(key(name)) or self.target.routines.get(key(name))
        if obj is None:
            raise MacroError(f"create_module({name}): sql/ defines no view, function, procedure or security policy of that name")
        text = self._read_source(obj.location.path)
        self.steps.append(self._module_step(obj, [b.text.strip("\n") + "\n" for b in split_batches(text) if not b.is_blank()]))
        return ""

    def load_data(self, name: str) -> str:
        script = next((s for s in self.target.scripts if key(s.target) == key(name)), None)
        if script is None:
            raise MacroError(f"load_data({name}): sql/data/ has no script for it")
        text = self._read_source(script.location.path)
        self.steps.append(
            Step(
                "data",
                f"{script.target} data",
                [b.text.strip("\n") + "\n" for b in split_batches(text) if not b.is_blank()],
                needs={key(script.target)},
                data_target=script.target,
            )
        )
        return ""

    def create_role(self, name: str, reason: str) -> str:
        """A database role, created when the database has none of that name (roles are not part of the model)."""
        if not re.fullmatch(r"[a-z][a-z0-9_]*", name or ""):
            raise MacroError(f"create_role({name!r}): a role name is lower-case letters, digits and underscores")
        if not (reason or "").strip():
            raise MacroError(f"create_role({name}): say what the role is for")
        batch = (
            f"-- {reason.strip()}\n"
            f"IF DATABASE_PRINCIPAL_ID(N'{name}') IS NULL\n"
            f"    CREATE ROLE {name} AUTHORIZATION dbo;\n"
        )
        self.steps.append(Step("role", f"role {name}", [batch]))
        return ""

    def sql(self, what: str = "literal SQL", caller=None) -> str:
        """Literal SQL (a call block): its batches run as written; what it creates is read from it."""
        text = caller()
        batches = [b.text.strip("\n") + "\n" for b in split_batches(text) if not b.is_blank()]
        scratch = Catalog()
        sink = FindingSink()
        FileReader(SourceFile("(template)", "migration", "literal", text), scratch, sink, []).read()
        modules = [*scratch.views.values(), *scratch.routines.values()]
        if len(modules) == 1 and len(batches) == 1:
            self.steps.append(self._module_step(modules[0], batches, label=what))
        else:
            defines = set(scratch.tables) | set(scratch.views) | set(scratch.routines)
            self.steps.append(Step("sql", what, batches, defines=defines))
        return ""

    def _policy(self, policy) -> str:
        """A security policy: CREATE, after a DROP in the same step when it exists at this point (the whole
        script is one transaction, so no other session sees the tables without it)."""
        if policy.key in self._policies:
            raise MacroError(f"create_module({policy.full_name}): the security policy is already created in this migration")
        self._policies.add(policy.key)
        text = self._read_source(policy.location.path)
        # Predicates on tables that do not exist yet at this point (a later migration creates them) are left
        # out; that migration calls create_module again, which re-creates the policy with them.
        available = set(self.state.tables) | {k for step in self.steps for k in step.defines}
        later = [p for p in policy.predicates if key(p.table) not in available]
        if len(later) == len(policy.predicates):
            raise MacroError(f"create_module({policy.full_name}): none of the tables it binds exists at this point; create them first")
        text = _without_lines(text, {p.location.line for p in later})
        needs = {f"schema:{key(policy.schema)}"}
        for predicate in policy.predicates:
            if predicate not in later:
                needs |= {key(predicate.function), key(predicate.table)}
        batches = [b.text.strip("\n") + "\n" for b in split_batches(text) if not b.is_blank()]
        if policy.key in self.state.policies:
            batches.insert(0, f"DROP SECURITY POLICY {self.state.policies[policy.key].full_name};\n")
        self.steps.append(
            Step(
                "policy",
                f"security policy {policy.full_name}",
                batches,
                defines={policy.key},
                needs=needs,
            )
        )
        return ""

    def _module_step(self, obj: View | Routine, batches: list[str], label: str | None = None) -> Step:
        return Step(
            "module",
            label or obj.full_name,
            batches,
            describe=extended_property_sql(obj),
            defines={obj.key},
            needs={f"schema:{key(obj.schema)}"} | (references(obj) - {obj.key}),
        )



def _sp_rename(objname: str, newname: str, objtype: str) -> str:
    return f"EXEC sys.sp_rename @objname = N'{objname}', @newname = N'{newname}', @objtype = N'{objtype}';\n"


def _without_lines(text: str, lines: set[int]) -> str:
    """``text`` without the given 1-based lines (predicate lines); the comma of a list's new last item goes too."""
    if not lines:
        return text
    kept = [line for number, line in enumerate(text.split("\n"), start=1) if number not in lines]
    for i, line in enumerate(kept):
        following = next((n for n in kept[i + 1 :] if n.strip()), "")
        if line.lstrip().upper().startswith("ADD ") and line.rstrip().endswith(",") and not following.lstrip().upper().startswith("ADD "):
            kept[i] = line.rstrip()[:-1]
    return "\n".join(kept)


def _touches(columns, names: set[str]) -> bool:
    return any(c.lower() in names for c in columns)


def _index_columns(index) -> list[str]:
    columns = [k for k, _ in index.keys] + list(index.include)
    if index.filter is not None:
        columns += [c.name for c in index.filter.find_all(exp.Column)]
    return columns


def _fk_targets(table: Table, names: list[str]) -> set[str]:
    wanted = {n.lower() for n in names}
    return {key(c.ref_table) for c in table.constraints if c.kind == "FK" and c.name and c.name.lower() in wanted}


def references(obj: View | Routine) -> set[str]:
    """Keys of the schema objects a view or routine names (tables, views, functions, procedures)."""
    trees = []
    if isinstance(obj, View):
        trees.append(obj.query)
    else:
        trees.append(obj.return_query)
        trees += [s.tree for s in obj.body]
    found: set[str] = set()
    for tree in trees:
        if tree is None:
            continue
        for table in tree.find_all(exp.Table):
            # A table-valued function in FROM is a Table whose ``this`` is the call.
            name = table.name or (table.this.name if isinstance(table.this, exp.Func) else "")
            if table.db and name:
                found.add(key(table.db, name))
        for dot in tree.find_all(exp.Dot):
            if isinstance(dot.this, (exp.Identifier, exp.Column)) and isinstance(dot.expression, (exp.Anonymous, exp.Func)):
                found.add(key(dot.this.name, dot.expression.name))
    if isinstance(obj, Routine):
        for statement in obj.body:
            found.update(key(name) for _, name, _ in statement.references)
    return found


__all__ = ["MacroError", "Plan", "Step", "references"]
