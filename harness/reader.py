"""Read `sql/` into a :class:`~harness.model.Catalog`.

Each file is split into batches on ``GO`` (:mod:`harness.batches`), tokenized once by sqlglot, split
into statements (:mod:`harness.statements`) and parsed. Tables, indexes and views come from sqlglot's
tree; procedure and function headers are read from the tokens and their bodies statement by
statement. When sqlglot cannot parse a routine body, sqlfluff's tree is the fallback
(:mod:`harness.fallback`). Problems become findings; a file that does not parse does not stop the
others.
"""

from __future__ import annotations

from pathlib import Path

from sqlglot import exp
from sqlglot.errors import TokenError
from sqlglot.tokens import Token, TokenType

from . import fallback
from .batches import Batch, BatchError, split_batches
from .comments import KNOWN_DIRECTIVES, FileComments
from .findings import FindingSink
from .model import (
    Catalog,
    Column,
    Constraint,
    Index,
    Location,
    Parameter,
    Predicate,
    Routine,
    Schema,
    Script,
    SecurityPolicy,
    SourceFile,
    Table,
    View,
    key,
)
from .statements import Slice, StatementError, line_of, parse_slice, split, to_statements, tokenize, word
from .types import type_text

KINDS = ("security", "tables", "views", "functions", "procedures", "data")


def discover(root: Path) -> list[Path]:
    """All ``.sql`` files below ``root/sql``, in a stable order."""
    base = root / "sql"
    return sorted(p for p in base.rglob("*.sql") if p.is_file())


def read_catalog(root: Path, sink: FindingSink) -> Catalog:
    """Read every file of ``root/sql`` into a catalog; problems go to ``sink``."""
    catalog = Catalog()
    pending_indexes: list[Index] = []
    for path in discover(root):
        rel = path.relative_to(root).as_posix()
        parts = path.relative_to(root / "sql").parts
        kind = parts[0] if len(parts) == 2 else "/".join(parts[:-1])
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            sink.add(rel, 1, "E102", f"cannot read the file: {error}")
            continue
        source = SourceFile(rel, kind, path.stem, text)
        catalog.files.append(source)
        if kind not in KINDS:
            sink.add(rel, 1, "E304", f"'{kind}' is not a kind folder (use one of: {', '.join(KINDS)})")
            continue
        FileReader(source, catalog, sink, pending_indexes).read()
    for index in pending_indexes:
        table = catalog.tables.get(index.table.lower())
        if table is None:
            sink.add(index.location.path, index.location.line, "E200", f"index {index.name} is on unknown table {index.table}")
            continue
        table.indexes.append(index)
    return catalog


class FileReader:
    def __init__(
        self,
        source: SourceFile,
        catalog: Catalog,
        sink: FindingSink,
        pending_indexes: list[Index],
        comments: FileComments | None = None,
    ) -> None:
        self.source = source
        self.catalog = catalog
        self.sink = sink
        self.pending_indexes = pending_indexes
        self.comments = comments if comments is not None else FileComments(source.text)
        source.comments = self.comments
        self.script: Script | None = None

    # -- helpers -----------------------------------------------------------------------------
    def finding(self, line: int, code: str, message: str) -> None:
        self.sink.add(self.source.path, line, code, message)

    def loc(self, line: int) -> Location:
        return Location(self.source.path, line)

    def register(self, kind: str, obj_key: str, line: int, store: dict, obj) -> None:
        if obj_key in store or (kind != "schema" and self.catalog.relation(obj_key) is not None) or obj_key in self.catalog.routines:
            self.finding(line, "E305", f"{obj_key} is defined more than once")
            return
        store[obj_key] = obj
        self.source.objects.append(f"{kind}:{obj_key}")

    # -- entry -------------------------------------------------------------------------------
    def read(self) -> None:
        for directive in self.comments.directives:
            if directive.name not in KNOWN_DIRECTIVES:
                self.finding(directive.line, "W120", f"unknown directive wsdb:{directive.name}")
        try:
            batches = split_batches(self.source.text)
        except BatchError as error:
            self.finding(error.line, "E102", error.reason)
            return
        for batch in batches:
            self.read_batch(batch)

    def read_batch(self, batch: Batch, data_target: str | None = None) -> None:
        """Read one batch; ``data_target`` names the table a data batch loads (default: the file's identity)."""
        try:
            tokens = tokenize(batch.text, batch.start_line - 1)
        except TokenError as error:
            self.finding(batch.start_line, "E100", f"cannot tokenize: {error}")
            return
        if not tokens:
            return
        if self._is_routine(tokens):
            self._routine(tokens, batch.text, batch.start_line)
            return
        if [word(t) for t in tokens[:3]] == ["CREATE", "SECURITY", "POLICY"]:
            self._policy(tokens)
            return
        pieces = split(tokens)
        if data_target is not None or (self.source.kind == "data" and not _creates_schema(pieces)):
            self._data_batch(pieces, batch.text, batch.start_line, data_target or self.source.identity)
            return
        for piece in pieces:
            self._statement(piece, batch.text)

    @staticmethod
    def _is_routine(tokens: list[Token]) -> bool:
        words = [word(t) for t in tokens[:4]]
        if words[:1] != ["CREATE"]:
            return False
        rest = words[3:4] if words[1:3] == ["OR", "ALTER"] else words[1:2]
        return bool(rest) and rest[0] in ("PROC", "PROCEDURE", "FUNCTION", "TRIGGER")

    # -- statements outside routines -----------------------------------------------------------
    def _statement(self, piece: Slice, source: str) -> None:
        words = [word(t) for t in piece.tokens[:4]]
        line = piece.line
        if words[0] == "CREATE" and words[1] == "SCHEMA":
            self._schema(piece, line)
            return
        if self.command(piece):
            return
        options: dict[str, str] = {}
        if words[0] == "CREATE" and any(t.token_type == TokenType.INDEX for t in piece.tokens[:4]):
            piece, options = self._index_options(piece)
        try:
            tree = parse_slice(piece, source)
        except StatementError as error:
            self.finding(error.line, "E100", f"does not parse: {error}")
            return
        if isinstance(tree, exp.Create):
            create_kind = (tree.args.get("kind") or "").upper()
            if create_kind == "TABLE":
                self._table(tree, piece)
                return
            if create_kind.endswith("INDEX"):
                self._index(tree, piece, options)
                return
            if create_kind == "VIEW":
                self._view(tree, piece)
                return
        if isinstance(tree, exp.Alter) and self.alter(tree, piece):
            return
        if isinstance(tree, exp.Drop) and self.drop(tree, piece):
            return
        self.finding(line, "E103", f"{' '.join(w or '' for w in words[:2]).strip()} statement is not allowed in sql/{self.source.kind}/")

    def command(self, piece: Slice) -> bool:
        """Statements read from their tokens (``EXEC sp_rename``, ``ALTER INDEX … REBUILD``, ``DROP SECURITY
        POLICY``): changes, not part of a declarative sql/ file (migrations override this)."""
        return False

    def alter(self, tree: exp.Alter, piece: Slice) -> bool:
        """ALTER statements change objects: not part of a declarative sql/ file (migrations override this)."""
        return False

    def drop(self, tree: exp.Drop, piece: Slice) -> bool:
        """DROP statements: not part of a declarative sql/ file (migrations override this)."""
        return False

    def _data_batch(self, pieces: list[Slice], source: str, start_line: int, target: str) -> None:
        """Statements of a data script: parsed by sqlglot, or by the sqlfluff fallback when it cannot."""
        if self.script is None or self.script.target != target:
            line = pieces[0].line if pieces else start_line
            self.script = Script(target, self.loc(line), description=self.comments.object_description(line))
            self.catalog.scripts.append(self.script)
            self.source.objects.append(f"data:{key(target)}")
        errors: list[StatementError] = []
        statements = to_statements(pieces, source, errors)
        if errors:
            result = fallback.statements_from_sqlfluff(source, start_line - 1)
            if result.unparsable:
                for error in errors:
                    self.finding(error.line, "E101", f"data script {self.script.target}: neither sqlglot nor sqlfluff can parse this: {error}")
            statements = [] if result.unparsable else result.statements
        self.script.body.extend(statements)

    def _schema(self, piece: Slice, line: int) -> None:
        name_token = piece.tokens[2] if len(piece.tokens) > 2 else None
        if name_token is None:
            self.finding(line, "E100", "CREATE SCHEMA without a name")
            return
        schema = Schema(name_token.text, self.loc(line), self.comments.object_description(line))
        self.register("schema", schema.key, line, self.catalog.schemas, schema)

    # -- tables --------------------------------------------------------------------------------
    def _table(self, tree: exp.Create, piece: Slice) -> None:
        schema_expr = tree.this
        table_expr = schema_expr.this if isinstance(schema_expr, exp.Schema) else schema_expr
        line = piece.line
        table = Table(table_expr.db, table_expr.name, self.loc(line), description=self.comments.object_description(line))
        for directive in self.comments.directives_for(line, "never-deleted"):
            table.never_deleted = directive.args or "declared"
        if not table.schema:
            self.finding(line, "E207", f"table {table.name} is not schema-qualified")
        for element in schema_expr.expressions if isinstance(schema_expr, exp.Schema) else []:
            if isinstance(element, exp.ColumnDef):
                self._column(table, element)
            elif isinstance(element, exp.Constraint):
                self._table_constraint(table, element)
            elif isinstance(element, (exp.CheckColumnConstraint, exp.PrimaryKey, exp.ForeignKey, exp.UniqueColumnConstraint)):
                # A table constraint written without CONSTRAINT <name>: SQL Server would name it.
                self._table_constraint(table, exp.Constraint(this=None, expressions=[element]), line=line_of(element, line))
            else:
                self.finding(line_of(element, line), "E100", f"table element not understood: {element.sql('tsql')[:60]}")
        self.register("table", table.key, line, self.catalog.tables, table)

    def _column(self, table: Table, element: exp.ColumnDef) -> None:
        line = line_of(element.this, table.location.line)
        kind = element.args.get("kind")
        column = Column(
            name=element.name,
            type=type_text(kind) if kind is not None else None,
            nullable=True,
            location=self.loc(line),
            # A column written on the CREATE TABLE line must not take the table's header as its description.
            description=self.comments.item_description(line, above=line != table.location.line),
        )
        explicit_null = False
        for constraint in element.args.get("constraints") or []:
            ckind = constraint.args.get("kind")
            name = constraint.this.name if isinstance(constraint.this, exp.Identifier) else None
            cline = line_of(constraint.this, line) if name else line
            if isinstance(ckind, exp.NotNullColumnConstraint):
                column.nullable = bool(ckind.args.get("allow_null"))
                explicit_null = True
            elif isinstance(ckind, exp.GeneratedAsIdentityColumnConstraint):
                column.identity = True
            elif isinstance(ckind, exp.ComputedColumnConstraint):
                computed = ckind.this
                column.computed = computed.sql("tsql", copy=False)
                column.persisted = bool(ckind.args.get("persisted"))
                column.nullable = not ckind.args.get("not_null")
                explicit_null = True
                column.type = type_text(computed.args["to"]) if isinstance(computed, exp.Cast) else None
                table.constraints.append(Constraint(None, "COMPUTED", [column.name], self.loc(line), expression=computed))
            elif isinstance(ckind, exp.DefaultColumnConstraint):
                column.default = ckind.this.sql("tsql", copy=False)
                column.default_name = name
                table.constraints.append(
                    Constraint(name, "DF", [column.name], self.loc(cline), expression=ckind.this, description=None)
                )
            elif isinstance(ckind, exp.CheckColumnConstraint):
                table.constraints.append(Constraint(name, "CK", [column.name], self.loc(cline), expression=ckind.this))
            elif isinstance(ckind, exp.PrimaryKeyColumnConstraint):
                table.constraints.append(Constraint(name, "PK", [column.name], self.loc(cline)))
            elif isinstance(ckind, exp.UniqueColumnConstraint):
                table.constraints.append(Constraint(name, "UQ", [column.name], self.loc(cline)))
            elif isinstance(ckind, exp.Reference):
                target = ckind.this
                ref_table = target.this if isinstance(target, exp.Schema) else target
                ref_cols = [c.name for c in target.expressions] if isinstance(target, exp.Schema) else []
                table.constraints.append(
                    Constraint(name, "FK", [column.name], self.loc(cline), ref_table=_dotted(ref_table), ref_columns=ref_cols)
                )
        if not explicit_null and not column.identity:
            column.nullable = True
        if column.name.lower() in table.columns:
            self.finding(line, "E305", f"column {column.name} is defined twice in {table.full_name}")
        table.columns[column.name.lower()] = column

    def _table_constraint(self, table: Table, element: exp.Constraint, line: int | None = None) -> None:
        name = element.this.name if isinstance(element.this, exp.Identifier) else None
        line = line or line_of(element.this, table.location.line)
        description = self.comments.item_description(line)
        parts = element.expressions
        if any(isinstance(p, exp.ForeignKey) for p in parts):
            fk = next(p for p in parts if isinstance(p, exp.ForeignKey))
            reference = fk.args.get("reference")
            target = reference.this if reference is not None else None
            ref_table = target.this if isinstance(target, exp.Schema) else target
            ref_cols = [c.name for c in target.expressions] if isinstance(target, exp.Schema) else []
            table.constraints.append(
                Constraint(
                    name,
                    "FK",
                    [c.name for c in fk.expressions],
                    self.loc(line),
                    ref_table=_dotted(ref_table) if ref_table is not None else None,
                    ref_columns=ref_cols,
                    description=description,
                )
            )
            return
        if any(isinstance(p, exp.CheckColumnConstraint) for p in parts):
            check = next(p for p in parts if isinstance(p, exp.CheckColumnConstraint))
            columns = sorted({c.name for c in check.this.find_all(exp.Column)})
            table.constraints.append(Constraint(name, "CK", columns, self.loc(line), expression=check.this, description=description))
            return
        if any(isinstance(p, (exp.PrimaryKeyColumnConstraint, exp.PrimaryKey)) for p in parts):
            ckind = "PK"
        elif any(isinstance(p, (exp.UniqueColumnConstraint, exp.UniqueKeyProperty)) for p in parts):
            ckind = "UQ"
        else:
            self.finding(line, "E100", f"constraint {name or ''} not understood")
            return
        clustered = None
        if any(isinstance(p, exp.ClusteredColumnConstraint) for p in element.walk()):
            clustered = True
        elif any(isinstance(p, exp.NonClusteredColumnConstraint) for p in element.walk()):
            clustered = False
        columns = []
        for node in element.walk():
            if isinstance(node, exp.Column):
                columns.append(node.name)
            elif isinstance(node, exp.Identifier) and isinstance(node.parent, (exp.PrimaryKey, exp.Schema)):
                columns.append(node.name)
        table.constraints.append(Constraint(name, ckind, columns, self.loc(line), clustered=clustered, description=description))

    # -- indexes -------------------------------------------------------------------------------
    def _index_options(self, piece: Slice) -> tuple[Slice, dict[str, str]]:
        """The statement without its ``WITH (option = value, …)`` clause, and the options (upper case).

        sqlglot cannot parse the clause after a filter (``WHERE … WITH (ONLINE = ON)``); the options change
        how an index is built, not what it is, so the model does not keep them.
        """
        tokens = piece.tokens
        found = with_clause(tokens)
        if found is None:
            return piece, {}
        start, end, options = found
        for option in options:
            if len(option) != 3 or option[1].token_type != TokenType.EQ:
                self.finding(option[0].line, "E100", f"index option {_join(option)} not understood (expected NAME = value)")
        return Slice(piece.kind, tokens[:start] + tokens[end + 1 :], piece.is_condition), option_values(options)

    def _index(self, tree: exp.Create, piece: Slice, options: dict[str, str] | None = None) -> None:
        index_expr = tree.this
        line = piece.line
        params = index_expr.args.get("params")
        keys = []
        include = []
        where = None
        if params is not None:
            for ordered in params.args.get("columns") or []:
                column = ordered.this if isinstance(ordered, exp.Ordered) else ordered
                keys.append((column.name, bool(ordered.args.get("desc")) if isinstance(ordered, exp.Ordered) else False))
            include = [c.name for c in params.args.get("include") or []]
            where_expr = params.args.get("where")
            where = where_expr.this if isinstance(where_expr, exp.Where) else where_expr
        if isinstance(where, exp.Paren):
            where = where.this
        kind = (tree.args.get("kind") or "").upper()
        index = Index(
            name=index_expr.name,
            table=_dotted(index_expr.args.get("table")),
            keys=keys,
            location=self.loc(line),
            unique=bool(tree.args.get("unique")),
            clustered=kind.startswith("CLUSTERED"),
            include=include,
            filter=where,
            filter_sql=where.sql("tsql", copy=False) if where is not None else None,
            description=self.comments.item_description(line),
        )
        for directive in self.comments.directives_for(line, "alias"):
            alias = directive.args.split()[0] if directive.args else ""
            if alias:
                index.aliases.append(alias)
        if "." not in index.table:
            self.finding(line, "E207", f"index {index.name} names table {index.table} without its schema")
        self.source.objects.append(f"index:{key(index.table)}")
        self.add_index(index, options or {})

    def add_index(self, index: Index, options: dict[str, str]) -> None:
        """Indexes are attached to their tables once every file is read (a table may come later); the
        ``WITH`` options say how to build it, which a declarative file leaves to the migration."""
        self.pending_indexes.append(index)

    # -- views ---------------------------------------------------------------------------------
    def _view(self, tree: exp.Create, piece: Slice) -> None:
        name = tree.this
        line = piece.line
        view = View(
            name.db,
            name.name,
            self.loc(line),
            query=tree.args.get("expression"),
            description=self.comments.object_description(line),
            create_form="CREATE OR ALTER" if _is_create_or_alter(piece.tokens) else "CREATE",
        )
        if not view.schema:
            self.finding(line, "E207", f"view {view.name} is not schema-qualified")
        self.register("view", view.key, line, self.catalog.views, view)

    # -- routines ------------------------------------------------------------------------------
    def _routine(self, tokens: list[Token], source: str, start_line: int) -> None:
        line = tokens[0].line
        or_alter = _is_create_or_alter(tokens)
        i = 3 if or_alter else 1
        kind_word = word(tokens[i])
        if kind_word == "TRIGGER":
            self.finding(line, "E103", "triggers are not part of this package's object kinds")
            return
        kind = "function" if kind_word == "FUNCTION" else "procedure"
        i, parts = _dotted_at(tokens, i + 1)
        schema_name, object_name = (parts[0], parts[1]) if len(parts) >= 2 else ("", parts[0] if parts else "")
        routine = Routine(
            schema_name,
            object_name,
            kind,
            self.loc(line),
            description=self.comments.object_description(line),
            create_form="CREATE OR ALTER" if or_alter else "CREATE",
        )
        if not schema_name:
            self.finding(line, "E207", f"{kind} {object_name} is not schema-qualified")
        body_start = self._routine_header(routine, tokens, i)
        if body_start is None:
            self.finding(line, "E100", f"{kind} {routine.full_name}: no AS before the body")
            return
        body = tokens[body_start:]
        errors: list[StatementError] = []
        if kind == "function" and body and word(body[0]) == "RETURN" and (routine.returns or "").lower() == "table":
            try:
                routine.return_query = parse_slice(Slice("SELECT", body[1:]), source)
            except StatementError as error:
                errors.append(error)
        else:
            routine.body = to_statements(split(body), source, errors)
        if errors:
            self._fallback(routine, source, start_line, errors)
        self.register(kind, routine.key, line, self.catalog.routines, routine)

    # -- security policies ---------------------------------------------------------------------
    _OPERATIONS = {("AFTER", "INSERT"), ("AFTER", "UPDATE"), ("BEFORE", "UPDATE"), ("BEFORE", "DELETE")}

    def _policy(self, tokens: list[Token]) -> None:
        """``CREATE SECURITY POLICY s.p ADD FILTER|BLOCK PREDICATE s.f(col, …) ON s.t [operation], … WITH (…)``,
        read from its tokens (sqlglot has no grammar for it)."""
        line = tokens[0].line
        i, parts = _dotted_at(tokens, 3)
        if len(parts) != 2:
            self.finding(line, "E207", f"security policy {'.'.join(parts)} is not schema-qualified")
            return
        policy = SecurityPolicy(parts[0], parts[1], self.loc(line), description=self.comments.object_description(line))
        n = len(tokens)
        while i < n:
            w = word(tokens[i])
            at = tokens[i].line
            if tokens[i].token_type == TokenType.COMMA:
                i += 1
            elif w == "ADD":
                predicate, i = self._predicate(tokens, i + 1)
                if predicate is None:
                    return
                policy.predicates.append(predicate)
            elif w == "WITH" and i + 1 < n and tokens[i + 1].token_type == TokenType.L_PAREN:
                end = _matching_paren(tokens, i + 1)
                for option in _split_commas(tokens[i + 2 : end]):
                    words = [word(t) for t in option]
                    if len(words) == 3 and option[1].token_type == TokenType.EQ and words[2] in ("ON", "OFF") and words[0] in ("STATE", "SCHEMABINDING"):
                        setattr(policy, "state" if words[0] == "STATE" else "schemabinding", words[2] == "ON")
                    else:
                        self.finding(option[0].line, "E100", f"security policy {policy.full_name}: option {_join(option)} not understood")
                i = end + 1
            elif w == "NOT" and [word(t) for t in tokens[i : i + 3]] == ["NOT", "FOR", "REPLICATION"]:
                i += 3
            elif tokens[i].token_type == TokenType.SEMICOLON:
                i += 1
            else:
                self.finding(at, "E100", f"security policy {policy.full_name}: {tokens[i].text} not understood")
                return
        if not policy.predicates:
            self.finding(line, "E100", f"security policy {policy.full_name} has no predicate")
        self.register("policy", policy.key, line, self.catalog.policies, policy)

    def _predicate(self, tokens: list[Token], i: int) -> tuple[Predicate | None, int]:
        """``[FILTER|BLOCK] PREDICATE s.f(args) ON s.t [AFTER INSERT|…]`` from ``tokens[i:]``."""
        line = tokens[i].line if i < len(tokens) else tokens[-1].line
        kind = "FILTER"
        if i < len(tokens) and word(tokens[i]) in ("FILTER", "BLOCK"):
            kind = word(tokens[i])
            i += 1
        if i >= len(tokens) or word(tokens[i]) != "PREDICATE":
            self.finding(line, "E100", "security policy: expected [FILTER | BLOCK] PREDICATE")
            return None, len(tokens)
        i, function = _dotted_at(tokens, i + 1)
        if i >= len(tokens) or tokens[i].token_type != TokenType.L_PAREN:
            self.finding(line, "E100", f"security policy: predicate {'.'.join(function)} without arguments")
            return None, len(tokens)
        end = _matching_paren(tokens, i)
        arguments = []
        for argument in _split_commas(tokens[i + 1 : end]):
            if len(argument) != 1 or argument[0].token_type not in (TokenType.VAR, TokenType.IDENTIFIER):
                self.finding(argument[0].line, "E100", f"security policy: predicate argument {_join(argument)} is not a column")
                return None, len(tokens)
            arguments.append(argument[0].text)
        i = end + 1
        if i >= len(tokens) or word(tokens[i]) != "ON":
            self.finding(line, "E100", f"security policy: predicate {'.'.join(function)} has no ON table")
            return None, len(tokens)
        i, table = _dotted_at(tokens, i + 1)
        operation = None
        pair = tuple(word(t) for t in tokens[i : i + 2])
        if pair in self._OPERATIONS:
            operation = " ".join(pair)
            i += 2
        if operation is not None and kind == "FILTER":
            self.finding(line, "E100", "security policy: a FILTER predicate takes no operation")
        for what, parts in (("function", function), ("table", table)):
            if len(parts) != 2:
                self.finding(line, "E207", f"security policy: predicate {what} {'.'.join(parts)} is not schema-qualified")
        return Predicate(kind, ".".join(function), arguments, ".".join(table), operation, self.loc(line)), i

    def _routine_header(self, routine: Routine, tokens: list[Token], i: int) -> int | None:
        """Read parameters and RETURNS from ``tokens[i:]``; return the index of the first body token."""
        n = len(tokens)
        if i < n and tokens[i].token_type == TokenType.L_PAREN:
            j = _matching_paren(tokens, i)
            param_tokens = tokens[i + 1 : j]
            i = j + 1
        else:
            j = _scan_to(tokens, i, ("RETURNS", "WITH", "FOR", "AS"))
            param_tokens = tokens[i:j]
            i = j
        routine.parameters = [p for p in (self._parameter(ts) for ts in _split_commas(param_tokens)) if p]
        if i < n and word(tokens[i]) == "RETURNS":
            j = _scan_to(tokens, i + 1, ("WITH", "AS"))
            routine.returns = _join(tokens[i + 1 : j])
            i = j
        if i < n and word(tokens[i]) in ("WITH", "FOR"):
            # Routine options (SCHEMABINDING, RECOMPILE, EXECUTE AS ...) or FOR REPLICATION.
            i += 1
            while i < n and not (word(tokens[i]) == "AS" and word(tokens[i - 1]) not in ("EXECUTE", "EXEC")):
                i += 1
        if i < n and word(tokens[i]) == "AS":
            return i + 1
        return None

    def _parameter(self, tokens: list[Token]) -> Parameter | None:
        if len(tokens) < 3 or tokens[0].token_type != TokenType.PARAMETER:
            self.finding(tokens[0].line if tokens else 1, "E100", f"parameter not understood: {_join(tokens)}")
            return None
        name = "@" + tokens[1].text
        rest = tokens[2:]
        if rest and word(rest[0]) == "AS":
            rest = rest[1:]
        type_tokens, default_tokens, output = [], [], False
        target = type_tokens
        for token in rest:
            w = word(token)
            if w in ("OUTPUT", "OUT"):
                output = True
                continue
            if w == "READONLY":
                continue
            if token.token_type == TokenType.EQ and target is type_tokens:
                target = default_tokens
                continue
            target.append(token)
        return Parameter(
            name,
            _join(type_tokens).lower(),
            self.loc(tokens[0].line),
            default=_join(default_tokens) if default_tokens else None,
            output=output,
        )

    def _fallback(self, routine: Routine, source: str, start_line: int, errors: list[StatementError]) -> None:
        """sqlglot could not parse some statements: ask sqlfluff for the body's statements instead.

        When sqlfluff cannot parse the body either, the statement is wrong: it is reported at the line
        sqlglot pointed at (sqlfluff's error recovery marks everything from CREATE on).
        """
        result = fallback.statements_from_sqlfluff(source, start_line - 1)
        if result.unparsable:
            for error in errors:
                self.finding(error.line, "E101", f"{routine.kind} {routine.full_name}: neither sqlglot nor sqlfluff can parse this: {error}")
            return
        routine.body = result.statements


def _creates_schema(pieces: list[Slice]) -> bool:
    return any([word(t) for t in piece.tokens[:2]] == ["CREATE", "SCHEMA"] for piece in pieces)


def with_clause(tokens: list[Token], start: int = 0) -> tuple[int, int, list[list[Token]]] | None:
    """The first ``WITH (…)`` option list at parenthesis depth 0 from ``start``: (index of WITH, index of its
    closing parenthesis, the options split on commas), or None."""
    depth = 0
    for i in range(start, len(tokens)):
        token = tokens[i]
        if token.token_type == TokenType.L_PAREN:
            depth += 1
        elif token.token_type == TokenType.R_PAREN:
            depth -= 1
        elif depth == 0 and word(token) == "WITH" and i + 1 < len(tokens) and tokens[i + 1].token_type == TokenType.L_PAREN:
            end = _matching_paren(tokens, i + 1)
            return i, end, _split_commas(tokens[i + 2 : end])
    return None


def option_values(options: list[list[Token]]) -> dict[str, str]:
    """``NAME -> VALUE`` (upper case) of the ``NAME = value`` options; others are left out."""
    return {o[0].text.upper(): o[2].text.upper() for o in options if len(o) == 3 and o[1].token_type == TokenType.EQ}


def _dotted_at(tokens: list[Token], i: int) -> tuple[int, list[str]]:
    """A dotted name starting at ``tokens[i]``: (index after it, its parts)."""
    parts: list[str] = []
    while i < len(tokens) and tokens[i].token_type in (TokenType.VAR, TokenType.IDENTIFIER):
        parts.append(tokens[i].text)
        i += 1
        if i < len(tokens) and tokens[i].token_type == TokenType.DOT:
            i += 1
            continue
        break
    return i, parts


def _matching_paren(tokens: list[Token], i: int) -> int:
    depth = 0
    for j in range(i, len(tokens)):
        if tokens[j].token_type == TokenType.L_PAREN:
            depth += 1
        elif tokens[j].token_type == TokenType.R_PAREN:
            depth -= 1
            if depth == 0:
                return j
    return len(tokens)


def _scan_to(tokens: list[Token], i: int, stops: tuple[str, ...]) -> int:
    """Index of the first depth-0 token whose word is in ``stops`` (a parameter's own AS excluded)."""
    depth = 0
    j = i
    while j < len(tokens):
        token = tokens[j]
        if token.token_type == TokenType.L_PAREN:
            depth += 1
        elif token.token_type == TokenType.R_PAREN:
            depth -= 1
        elif depth == 0 and word(token) in stops:
            is_parameter_as = word(token) == "AS" and j >= 2 and tokens[j - 2].token_type == TokenType.PARAMETER
            if not is_parameter_as:
                return j
        j += 1
    return j


def _split_commas(tokens: list[Token]) -> list[list[Token]]:
    parts: list[list[Token]] = [[]]
    depth = 0
    for token in tokens:
        if token.token_type == TokenType.L_PAREN:
            depth += 1
        elif token.token_type == TokenType.R_PAREN:
            depth -= 1
        if depth == 0 and token.token_type == TokenType.COMMA:
            parts.append([])
            continue
        parts[-1].append(token)
    return [p for p in parts if p]


def _is_create_or_alter(tokens: list[Token]) -> bool:
    return len(tokens) > 2 and [word(t) for t in tokens[1:3]] == ["OR", "ALTER"]


def _join(tokens: list[Token]) -> str:
    """Rebuild compact text from tokens: `varchar ( 16 )` -> `varchar(16)`, strings re-quoted."""
    out = []
    for token in tokens:
        text = token.text
        if token.token_type == TokenType.STRING:
            text = "'" + text.replace("'", "''") + "'"
        elif token.token_type == TokenType.NATIONAL_STRING:
            text = "N'" + text.replace("'", "''") + "'"
        elif token.token_type == TokenType.PARAMETER:
            out.append("@")
            continue
        if out and token.token_type not in (TokenType.L_PAREN, TokenType.R_PAREN, TokenType.COMMA, TokenType.DOT) and out[-1] not in ("(", ".", "@"):
            out.append(" ")
        out.append(text)
    return "".join(out).strip()


def _dotted(table: exp.Expression | None) -> str:
    if table is None:
        return ""
    if isinstance(table, exp.Table):
        return ".".join(p for p in (table.catalog, table.db, table.name) if p)
    return table.sql("tsql", copy=False)


__all__ = ["KINDS", "discover", "read_catalog"]
