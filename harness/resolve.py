"""Resolve every table and column that views, functions, procedures and data scripts read or write.

sqlglot's ``qualify`` stops at the first unknown column and does not flag unknown tables, so this
module walks the trees itself with a small scope model:

* a **scope** holds the sources of one SELECT/UPDATE/DELETE (tables, views, CTEs, derived tables,
  table variables, table-valued functions, ``OPENJSON … WITH``, ``VALUES``) and the scope around it,
  so correlated subqueries see outer aliases;
* a qualified column (``k.key_id``) must name a known alias whose source has the column; an
  unqualified one must be found in exactly one source of the nearest scope that has it (else it is
  unknown or ambiguous); ``ORDER BY`` may also use select-list aliases;
* sources whose columns cannot be known offline (temp tables) are lenient rather than guessed.

View and inline-function output columns are computed on demand, so views on views and functions
resolve in any file order; a cycle is reported rather than followed.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from sqlglot import exp

from .findings import FindingSink
from .model import Catalog, Routine, Statement, View, key
from .statements import line_of

_SYSTEM_SCHEMAS = {"sys", "information_schema"}


@dataclass
class Source:
    alias: str  # lower-case name the scope knows it by
    label: str  # for messages
    columns: dict[str, str] | None  # lower -> spelled; None when unknown (lenient)
    object_name: str | None = None  # lower-case table name when the source is a named relation


@dataclass
class Scope:
    parent: Scope | None = None
    sources: list[Source] = field(default_factory=list)
    select_aliases: set[str] = field(default_factory=set)

    def find(self, qualifier: str, db: str | None = None) -> Source | None:
        q = qualifier.lower()
        scope: Scope | None = self
        while scope is not None:
            for source in scope.sources:
                if source.alias == q and (db is None or (source.object_name or "").startswith(db.lower() + ".")):
                    return source
            for source in scope.sources:
                if source.object_name and source.object_name.split(".")[-1] == q and source.alias == source.object_name:
                    if db is None or source.object_name == f"{db.lower()}.{q}":
                        return source
            scope = scope.parent
        return None


@dataclass
class Context:
    """Where a body lives (for findings) and its local objects (table variables)."""

    path: str
    line: int
    what: str  # "view app.v_x", "procedure app.sp_y", ...
    table_variables: dict[str, dict[str, str]] = field(default_factory=dict)


def _suggest(name: str, options) -> str:
    close = difflib.get_close_matches(name.lower(), list(options), n=1, cutoff=0.75)
    return f" (did you mean {close[0]}?)" if close else ""


class Resolver:
    def __init__(self, catalog: Catalog, sink: FindingSink) -> None:
        self.catalog = catalog
        self.sink = sink
        self._resolving: set[str] = set()
        self._done: set[str] = set()

    # -- entry points ----------------------------------------------------------------------------
    def run(self) -> None:
        for view in self.catalog.views.values():
            self._guarded(view.location, f"view {view.full_name}", self.view_columns, view)
        for routine in self.catalog.routines.values():
            self._guarded(routine.location, f"{routine.kind} {routine.full_name}", self.routine, routine)
        for policy in self.catalog.policies.values():
            self._guarded(policy.location, f"security policy {policy.full_name}", self.policy, policy)
        for script in self.catalog.scripts:
            ctx = Context(script.location.path, script.location.line, f"data script {script.target}")
            for statement in script.body:
                self._guarded(script.location, ctx.what, self.statement, statement, ctx)

    def policy(self, policy) -> None:
        """Each predicate: an inline table function of the right arity, a table, columns of it; no duplicates."""
        path = policy.location.path
        seen: set[tuple] = set()
        for predicate in policy.predicates:
            line = predicate.location.line
            what = f"security policy {policy.full_name}"
            routine = self.catalog.routines.get(predicate.function.lower())
            if routine is None or routine.kind != "function":
                self.sink.add(path, line, "E205", f"{what}: unknown function {predicate.function}")
            elif (routine.returns or "").lower() != "table" or routine.return_query is None:
                self.sink.add(path, line, "E211", f"{what}: {predicate.function} is not an inline table-valued function")
            elif len(routine.parameters) != len(predicate.arguments):
                self.sink.add(path, line, "E209", f"{what}: {predicate.function} takes {len(routine.parameters)} argument(s), given {len(predicate.arguments)}")
            table = self.catalog.tables.get(predicate.table.lower())
            if table is None:
                self.sink.add(path, line, "E200", f"{what}: unknown table {predicate.table}")
            else:
                for argument in predicate.arguments:
                    if table.column(argument) is None:
                        self.sink.add(path, line, "E201", f"{what}: {predicate.table} has no column {argument}{_suggest(argument, table.columns)}")
            slot = (predicate.kind, predicate.table.lower(), predicate.operation if predicate.kind == "BLOCK" else None)
            if slot in seen:
                on = f" {predicate.operation}" if predicate.operation else ""
                self.sink.add(path, line, "E211", f"{what}: a second {predicate.kind} predicate on {predicate.table}{on}")
            seen.add(slot)

    def _guarded(self, location, what: str, func, *args) -> None:
        """Analyse one object; an unexpected failure becomes a finding, not a crash of the whole run."""
        try:
            func(*args)
        except Exception as error:  # noqa: BLE001 - reported, never swallowed silently
            self.sink.add(location.path, location.line, "E199", f"{what}: could not be analysed ({type(error).__name__}: {error})")

    def view_columns(self, view: View) -> dict[str, str] | None:
        if view.key in self._done:
            return {c.lower(): c for c in view.columns}
        if view.key in self._resolving:
            self.sink.add(view.location.path, view.location.line, "E200", f"view {view.full_name} depends on itself")
            return None
        self._resolving.add(view.key)
        ctx = Context(view.location.path, view.location.line, f"view {view.full_name}")
        columns = self.query(view.query, ctx, None, {}) if view.query is not None else None
        if columns is not None:
            unnamed = [i + 1 for i, c in enumerate(columns) if not c]
            for position in unnamed:
                self.sink.add(view.location.path, view.location.line, "E100", f"view {view.full_name}: column {position} has no name")
            view.columns = [c for c in columns if c]
        self._resolving.discard(view.key)
        self._done.add(view.key)
        return {c.lower(): c for c in view.columns}

    def function_columns(self, routine: Routine) -> dict[str, str] | None:
        if routine.key not in self._done:
            self.routine(routine)
        return {c.lower(): c for c in routine.columns} if routine.columns else None

    def routine(self, routine: Routine) -> None:
        if routine.key in self._done or routine.key in self._resolving:
            return
        self._resolving.add(routine.key)
        ctx = Context(routine.location.path, routine.location.line, f"{routine.kind} {routine.full_name}")
        if routine.return_query is not None:
            columns = self.query(routine.return_query, ctx, None, {})
            routine.columns = [c for c in columns or [] if c]
        for statement in routine.body:
            self.statement(statement, ctx)
        self._resolving.discard(routine.key)
        self._done.add(routine.key)

    # -- relations -------------------------------------------------------------------------------
    def relation_columns(self, name: str) -> dict[str, str] | None:
        k = name.lower()
        table = self.catalog.tables.get(k)
        if table is not None:
            return {c.lower(): table.columns[c].name for c in table.columns}
        view = self.catalog.views.get(k)
        if view is not None:
            return self.view_columns(view)
        return None

    # -- statements ------------------------------------------------------------------------------
    def statement(self, statement: Statement, ctx: Context) -> None:
        tree = statement.tree
        if tree is None:
            self.fallback_references(statement, ctx)
            return
        line = statement.line
        if isinstance(tree, exp.Declare):
            self.declare(tree, ctx, line)
        elif isinstance(tree, (exp.Select, exp.SetOperation, exp.Subquery)):
            self.query(tree, ctx, None, {})
        elif isinstance(tree, exp.Insert):
            self.insert(tree, ctx, line)
        elif isinstance(tree, exp.Update):
            self.update(tree, ctx, line)
        elif isinstance(tree, exp.Delete):
            self.delete(tree, ctx, line)
        elif isinstance(tree, exp.Merge):
            self.merge(tree, ctx, line)
        elif isinstance(tree, exp.Set):
            # Only `SET @variable = expression` reads anything; `SET NOCOUNT ON` and friends are options.
            for item in tree.expressions:
                inner = item.this if isinstance(item, exp.SetItem) else item
                if isinstance(inner, exp.EQ) and isinstance(inner.this, exp.Parameter):
                    self.expressions(inner.expression, Scope(), ctx, {}, line)
        elif isinstance(tree, (exp.Execute, exp.ExecuteSql)):
            self.execute(tree, ctx, line)

    def fallback_references(self, statement: Statement, ctx: Context) -> None:
        """Tables and procedures named by a statement only sqlfluff could parse: they must exist."""
        for kind, name, line in statement.references:
            parts = name.split(".")
            if kind == "procedure":
                if len(parts) < 2:
                    self.sink.add(ctx.path, line, "E207", f"{ctx.what}: EXEC {name} is not schema-qualified")
                elif parts[-2].lower() not in _SYSTEM_SCHEMAS and key(parts[-2], parts[-1]) not in self.catalog.routines:
                    self.sink.add(ctx.path, line, "E205", f"{ctx.what}: unknown procedure {name}")
            elif name.startswith(("@", "#")):
                continue
            elif len(parts) < 2:
                self.sink.add(ctx.path, line, "E207", f"{ctx.what}: {name} is not schema-qualified")
            elif parts[-2].lower() not in _SYSTEM_SCHEMAS and self.catalog.relation(key(parts[-2], parts[-1])) is None:
                self.sink.add(ctx.path, line, "E200", f"{ctx.what}: unknown table or view {name}")

    def declare(self, tree: exp.Declare, ctx: Context, line: int) -> None:
        for item in tree.expressions:
            kind = item.args.get("kind")
            names = item.this if isinstance(item.this, list) else [item.this]
            if isinstance(kind, exp.Schema):
                columns = {c.name.lower(): c.name for c in kind.expressions if isinstance(c, exp.ColumnDef)}
                for name in names:
                    ctx.table_variables["@" + name.name.lower()] = columns
            default = item.args.get("default")
            if default is not None:
                self.expressions(default, Scope(), ctx, {}, line)

    def execute(self, tree: exp.Expression, ctx: Context, line: int) -> None:
        if isinstance(tree, exp.ExecuteSql):
            return  # sp_executesql with parameters: allowed; the string itself is not resolvable
        target = tree.this
        if isinstance(target, (exp.Paren, exp.Parameter, exp.Literal)):
            self.sink.add(ctx.path, line, "E707", f"{ctx.what}: EXEC of a string; use sys.sp_executesql with parameters")
            return
        if isinstance(target, exp.Table):
            schema, name = target.db, target.name
            if not schema:
                self.sink.add(ctx.path, line, "E207", f"{ctx.what}: EXEC {name} is not schema-qualified")
                return
            if schema.lower() in _SYSTEM_SCHEMAS or (schema.lower() == "dbo" and name.lower().startswith("sp_")):
                return
            routine = self.catalog.routines.get(key(schema, name))
            if routine is None or routine.kind != "procedure":
                self.sink.add(ctx.path, line, "E205", f"{ctx.what}: unknown procedure {schema}.{name}")
        for argument in tree.expressions:
            self.expressions(argument, Scope(), ctx, {}, line)

    def insert(self, tree: exp.Insert, ctx: Context, line: int) -> None:
        ctes = self.with_clause(tree, ctx, None, {})
        target = tree.this
        column_list = []
        if isinstance(target, exp.Schema):
            column_list = [c for c in target.expressions]
            target = target.this
        scope = Scope()
        source = self.add_table(scope, target, ctx, ctes, line)
        for column in column_list:
            if source and source.columns is not None and column.name.lower() not in source.columns:
                self.sink.add(
                    ctx.path,
                    line_of(column, line),
                    "E201",
                    f"{ctx.what}: {source.label} has no column {column.name}{_suggest(column.name, source.columns)}",
                )
        query = tree.expression
        if query is not None:
            produced = self.query(query, ctx, None, ctes)
            if column_list and produced is not None and len(produced) != len(column_list):
                self.sink.add(
                    ctx.path, line, "E209", f"{ctx.what}: INSERT names {len(column_list)} columns but supplies {len(produced)}"
                )
        self.returning(tree, source, source, ctx, ctes, line)

    def update(self, tree: exp.Update, ctx: Context, line: int) -> None:
        ctes = self.with_clause(tree, ctx, None, {})
        scope = Scope()
        target = tree.this
        from_ = tree.args.get("from_") or tree.args.get("from")
        if from_ is not None:
            self.add_from(scope, from_, tree.args.get("joins") or [], ctx, ctes, line)
            target_source = scope.find(target.name) if isinstance(target, exp.Table) and not target.db else None
            if target_source is None:
                target_source = self.add_table(scope, target, ctx, ctes, line)
        else:
            target_source = self.add_table(scope, target, ctx, ctes, line)
        for assignment in tree.expressions:
            left = assignment.this if isinstance(assignment, exp.EQ) else None
            if isinstance(left, exp.Column):
                self.column_in_source(left, target_source, ctx, line)
                self.expressions(assignment.expression, scope, ctx, ctes, line)
            else:
                self.expressions(assignment, scope, ctx, ctes, line)
        self.expressions(tree.args.get("where"), scope, ctx, ctes, line)
        self.returning(tree, target_source, target_source, ctx, ctes, line)

    def delete(self, tree: exp.Delete, ctx: Context, line: int) -> None:
        ctes = self.with_clause(tree, ctx, None, {})
        scope = Scope()
        target = tree.this
        joins = target.args.get("joins") or [] if isinstance(target, exp.Table) else []
        source = self.add_table(scope, target, ctx, ctes, line)
        for join in joins:
            self.add_join(scope, join, ctx, ctes, line)
        for join in joins:
            self.expressions(join.args.get("on"), scope, ctx, ctes, line)
        deleted = source
        for table in tree.args.get("tables") or []:
            found = scope.find(table.name)
            if found is None:
                self.sink.add(ctx.path, line_of(table, line), "E210", f"{ctx.what}: DELETE target {table.name} is not in FROM")
            else:
                deleted = found
        self.expressions(tree.args.get("where"), scope, ctx, ctes, line)
        self.returning(tree, None, deleted, ctx, ctes, line)

    def merge(self, tree: exp.Merge, ctx: Context, line: int) -> None:
        self.sink.add(ctx.path, line, "E702", f"{ctx.what}: MERGE (use UPDATE then INSERT under UPDLOCK, HOLDLOCK)")
        scope = Scope()
        self.add_table(scope, tree.this, ctx, {}, line)
        using = tree.args.get("using")
        if isinstance(using, exp.Table):
            self.add_table(scope, using, ctx, {}, line)

    def returning(self, tree, inserted: Source | None, deleted: Source | None, ctx, ctes, line) -> None:
        clause = tree.args.get("returning")
        if clause is None:
            return
        scope = Scope()
        if inserted is not None:
            scope.sources.append(Source("inserted", f"inserted ({inserted.label})", inserted.columns))
        if deleted is not None:
            scope.sources.append(Source("deleted", f"deleted ({deleted.label})", deleted.columns))
        for expression in clause.expressions:
            if isinstance(expression, exp.Star) or (isinstance(expression, exp.Column) and isinstance(expression.this, exp.Star)):
                continue  # OUTPUT inserted.* returns the written row: the queue pattern's documented form
            self.expressions(expression, scope, ctx, ctes, line)

    # -- queries ---------------------------------------------------------------------------------
    def with_clause(self, tree: exp.Expression, ctx: Context, outer: Scope | None, ctes: dict) -> dict:
        with_ = tree.args.get("with") or tree.args.get("with_")
        if with_ is None:
            return ctes
        ctes = dict(ctes)
        for cte in with_.expressions:
            columns = self.query(cte.this, ctx, outer, ctes)
            alias = cte.args.get("alias")
            named = [c.name for c in alias.columns] if alias is not None and alias.columns else None
            ctes[cte.alias.lower()] = named or columns
        return ctes

    def query(self, node: exp.Expression, ctx: Context, outer: Scope | None, ctes: dict) -> list[str] | None:
        """Resolve a query; return its output column names ('' for unnamed), None when unknown."""
        if node is None:
            return None
        if isinstance(node, exp.Subquery):
            ctes = self.with_clause(node, ctx, outer, ctes)
            return self.query(node.this, ctx, outer, ctes)
        if isinstance(node, exp.SetOperation):
            ctes = self.with_clause(node, ctx, outer, ctes)
            left = self.query(node.this, ctx, outer, ctes)
            right = self.query(node.expression, ctx, outer, ctes)
            if left is not None and right is not None and len(left) != len(right):
                self.sink.add(
                    ctx.path,
                    line_of(node.expression, ctx.line),
                    "E209",
                    f"{ctx.what}: set operation branches have {len(left)} and {len(right)} columns",
                )
            return left
        if isinstance(node, exp.Values):
            widths = set()
            for row in node.expressions:
                self.expressions(row, Scope(parent=outer), ctx, ctes, ctx.line)
                widths.add(len(row.expressions) if isinstance(row, exp.Tuple) else 1)
            if len(widths) > 1:
                self.sink.add(ctx.path, line_of(node, ctx.line), "E209", f"{ctx.what}: VALUES rows have different numbers of columns")
            return [""] * min(widths) if widths else None
        if not isinstance(node, exp.Select):
            self.expressions(node, Scope(parent=outer), ctx, ctes, ctx.line)
            return None
        ctes = self.with_clause(node, ctx, outer, ctes)
        scope = Scope(parent=outer)
        from_ = node.args.get("from_") or node.args.get("from")
        if from_ is not None:
            self.add_from(scope, from_, node.args.get("joins") or [], ctx, ctes, ctx.line)
        outputs: list[str] = []
        for projection in node.expressions:
            if isinstance(projection, exp.Alias):
                scope.select_aliases.add(projection.alias.lower())
        for projection in node.expressions:
            outputs.extend(self.projection(projection, scope, ctx, ctes))
        for join in node.args.get("joins") or []:
            self.expressions(join.args.get("on"), scope, ctx, ctes, ctx.line)
        for part in ("where", "group", "having", "qualify"):
            self.expressions(node.args.get(part), scope, ctx, ctes, ctx.line)
        order = node.args.get("order")
        if order is not None:
            self.expressions(order, scope, ctx, ctes, ctx.line, allow_select_aliases=True)
        return outputs

    def projection(self, projection: exp.Expression, scope: Scope, ctx: Context, ctes: dict) -> list[str]:
        if isinstance(projection, exp.Star):
            names: list[str] = []
            for source in scope.sources:
                if source.columns is None:
                    return []
                names.extend(source.columns.values())
            return names
        if isinstance(projection, exp.Column) and isinstance(projection.this, exp.Star):
            source = scope.find(projection.table)
            if source is None:
                self.sink.add(ctx.path, line_of(projection, ctx.line), "E210", f"{ctx.what}: unknown alias {projection.table}")
                return []
            return list(source.columns.values()) if source.columns else []
        self.expressions(projection, scope, ctx, ctes, ctx.line)
        if isinstance(projection, exp.Alias):
            return [projection.alias]
        if isinstance(projection, exp.Column):
            return [projection.name]
        return [""]

    # -- sources ---------------------------------------------------------------------------------
    def add_from(self, scope: Scope, from_: exp.From, joins: list, ctx: Context, ctes: dict, line: int) -> None:
        self.add_source(scope, from_.this, ctx, ctes, line)
        for join in joins:
            self.add_join(scope, join, ctx, ctes, line)

    def add_join(self, scope: Scope, join: exp.Join, ctx: Context, ctes: dict, line: int) -> None:
        self.add_source(scope, join.this, ctx, ctes, line)

    def add_source(self, scope: Scope, node: exp.Expression, ctx: Context, ctes: dict, line: int) -> None:
        alias_node = node.args.get("alias")
        alias = alias_node.name if alias_node is not None else ""
        named = [c.name for c in alias_node.columns] if alias_node is not None and alias_node.columns else None
        if isinstance(node, exp.Table):
            self.add_table(scope, node, ctx, ctes, line)
            for join in node.args.get("joins") or []:
                self.add_join(scope, join, ctx, ctes, line)
            return
        inner = node.this if isinstance(node, (exp.Lateral, exp.Subquery)) else node
        if isinstance(inner, exp.Dot) and isinstance(inner.expression, exp.Anonymous):  # APPLY schema.fn(...)
            schema = inner.this.name if isinstance(inner.this, (exp.Identifier, exp.Column, exp.Var)) else ""
            self.function_source(scope, schema, inner.expression, alias, ctx, ctes, line_of(inner, line))
            return
        if isinstance(inner, exp.OpenJSON):
            self.expressions(inner.this, scope, ctx, ctes, line)
            columns = [c.name for c in inner.expressions] or ["key", "value", "type"]
        elif isinstance(inner, exp.Values):
            for row in inner.expressions:
                self.expressions(row, Scope(parent=scope.parent), ctx, ctes, line)
            columns = named
        elif isinstance(node, exp.Lateral):  # APPLY (subquery) sees the sources before it
            columns = named or self.query(inner, ctx, scope, ctes)
        elif isinstance(node, exp.Subquery):  # a derived table does not
            columns = named or self.query(node, ctx, scope.parent, ctes)
        else:
            self.expressions(node, scope, ctx, ctes, line)
            columns = None
        label = alias or type(inner).__name__
        scope.sources.append(Source(alias.lower(), label, {c.lower(): c for c in columns if c} if columns is not None else None))

    def add_table(self, scope: Scope, table: exp.Expression, ctx: Context, ctes: dict, line: int) -> Source | None:
        if not isinstance(table, exp.Table):
            self.add_source(scope, table, ctx, ctes, line)
            return scope.sources[-1] if scope.sources else None
        alias = table.alias or ""
        where = line_of(table, line)
        inner = table.this
        if isinstance(inner, exp.Parameter):  # table variable
            name = "@" + inner.name.lower()
            columns = ctx.table_variables.get(name)
            if columns is None:
                self.sink.add(ctx.path, where, "E200", f"{ctx.what}: table variable {name} is not declared before use")
            source = Source((alias or name).lower(), name, columns)
            scope.sources.append(source)
            return source
        if isinstance(inner, (exp.Anonymous, exp.Func)) and not isinstance(inner, exp.Identifier):
            return self.add_function_source(scope, table, ctx, ctes, line)
        name = table.name
        schema = table.db
        if not schema:
            lower = name.lower()
            if lower.startswith("#"):
                source = Source((alias or name).lower(), name, None)
            elif lower in ctes:
                columns = ctes[lower]
                source = Source((alias or name).lower(), f"CTE {name}", {c.lower(): c for c in columns if c} if columns is not None else None)
            else:
                self.sink.add(ctx.path, where, "E207", f"{ctx.what}: {name} is not schema-qualified")
                source = Source((alias or name).lower(), name, None)
            scope.sources.append(source)
            return source
        if schema.lower() in _SYSTEM_SCHEMAS:
            source = Source((alias or name).lower(), f"{schema}.{name}", None)
            scope.sources.append(source)
            return source
        full = key(schema, name)
        columns = self.relation_columns(full)
        if columns is None and full not in self.catalog.tables and full not in self.catalog.views:
            options = list(self.catalog.tables) + list(self.catalog.views)
            self.sink.add(ctx.path, where, "E200", f"{ctx.what}: unknown table or view {schema}.{name}{_suggest(full, options)}")
        source = Source((alias or full).lower(), f"{schema}.{name}", columns, object_name=full)
        if not alias:
            source.alias = full
        scope.sources.append(source)
        return source

    def add_function_source(self, scope: Scope, table: exp.Table, ctx: Context, ctes: dict, line: int) -> Source:
        return self.function_source(scope, table.db, table.this, table.alias, ctx, ctes, line_of(table, line))

    def function_source(self, scope: Scope, schema: str, call: exp.Expression, alias: str, ctx: Context, ctes: dict, line: int) -> Source:
        """A table-valued function in FROM or APPLY: check it exists, its arity, and take its columns."""
        name = call.name if isinstance(call, exp.Anonymous) else call.sql("tsql", copy=False)
        arguments = call.expressions if isinstance(call, exp.Anonymous) else []
        for argument in arguments:
            self.expressions(argument, scope, ctx, ctes, line)
        columns = None
        if schema and schema.lower() not in _SYSTEM_SCHEMAS:
            routine = self.catalog.routines.get(key(schema, name))
            if routine is None or routine.kind != "function":
                self.sink.add(ctx.path, line, "E205", f"{ctx.what}: unknown function {schema}.{name}")
            else:
                columns = self.function_columns(routine)
                if isinstance(call, exp.Anonymous) and len(arguments) != len(routine.parameters):
                    self.sink.add(
                        ctx.path, line, "E209", f"{ctx.what}: {schema}.{name} takes {len(routine.parameters)} arguments, {len(arguments)} given"
                    )
        source = Source((alias or name).lower(), f"{schema}.{name}" if schema else name, columns)
        scope.sources.append(source)
        return source

    # -- expressions and columns -----------------------------------------------------------------
    def expressions(self, node, scope: Scope, ctx: Context, ctes: dict, line: int, *, allow_select_aliases: bool = False) -> None:
        if not isinstance(node, exp.Expression):
            return
        stack = [node]
        while stack:
            current = stack.pop()
            if isinstance(current, (exp.Select, exp.SetOperation)):
                self.query(current, ctx, scope, ctes)
                continue
            if isinstance(current, exp.Subquery):
                self.query(current, ctx, scope, ctes)
                continue
            if isinstance(current, exp.Column):
                if not isinstance(current.this, exp.Star):
                    self.column(current, scope, ctx, line, allow_select_aliases)
                continue
            if isinstance(current, exp.Dot) and isinstance(current.expression, (exp.Anonymous, exp.Func)):
                self.scalar_function(current, ctx, line)
                stack.extend(current.expression.expressions if isinstance(current.expression, exp.Anonymous) else [])
                continue
            for child in current.iter_expressions():
                stack.append(child)

    def scalar_function(self, node: exp.Dot, ctx: Context, line: int) -> None:
        schema = node.this.name if isinstance(node.this, (exp.Identifier, exp.Column, exp.Var)) else ""
        name = node.expression.name if isinstance(node.expression, exp.Anonymous) else node.expression.sql("tsql")
        if not schema or schema.lower() in _SYSTEM_SCHEMAS:
            return
        routine = self.catalog.routines.get(key(schema, name))
        if routine is None or routine.kind != "function":
            self.sink.add(ctx.path, line_of(node, line), "E205", f"{ctx.what}: unknown function {schema}.{name}")

    def column_in_source(self, column: exp.Column, source: Source | None, ctx: Context, line: int) -> None:
        if source is None or source.columns is None:
            return
        if column.name.lower() not in source.columns:
            self.sink.add(
                ctx.path,
                line_of(column, line),
                "E201",
                f"{ctx.what}: {source.label} has no column {column.name}{_suggest(column.name, source.columns)}",
            )

    def column(self, column: exp.Column, scope: Scope, ctx: Context, line: int, allow_select_aliases: bool) -> None:
        name = column.name
        lower = name.lower()
        where = line_of(column, line)
        if column.table:
            source = scope.find(column.table, column.db or None)
            if source is None:
                self.sink.add(ctx.path, where, "E210", f"{ctx.what}: unknown table alias {column.table} (for {column.table}.{name})")
                return
            self.column_in_source(column, source, ctx, line)
            return
        current: Scope | None = scope
        while current is not None:
            definite = [s for s in current.sources if s.columns is not None and lower in s.columns]
            lenient = [s for s in current.sources if s.columns is None]
            if len(definite) > 1:
                labels = ", ".join(s.label for s in definite)
                self.sink.add(ctx.path, where, "E206", f"{ctx.what}: column {name} is ambiguous ({labels}); qualify it")
                return
            if definite or lenient:
                return
            current = current.parent
        if allow_select_aliases:
            probe: Scope | None = scope
            while probe is not None:
                if lower in probe.select_aliases:
                    return
                probe = probe.parent
        known = set()
        for s in scope.sources:
            known.update(s.columns or {})
        self.sink.add(ctx.path, where, "E201", f"{ctx.what}: unknown column {name}{_suggest(name, known)}")


def resolve_catalog(catalog: Catalog, sink: FindingSink) -> None:
    """Resolve every view, routine and data script of ``catalog``; findings go to ``sink``."""
    Resolver(catalog, sink).run()
