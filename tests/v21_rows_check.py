"""Offline proof that tests/fixtures/v21_rows.sql fits a replayed schema (no server here).

The live upgrade test runs the fixture as one batch on a real SQL Server at v2.1. This module checks,
statically, what that server would check: the batch parses (sqlfluff and sqlglot) and holds no ``GO``
or transaction control; every INSERT names an existing table and existing, insertable columns; every
NOT NULL column without default, identity or computed expression is supplied; values convert to their
column types and fit them; CHECK constraints hold for the literal values (three-valued, as on the
server: UNKNOWN passes); foreign keys point at rows inserted earlier (or loaded by a migration's data
script); no two rows share a primary key, unique constraint or (filtered) unique index; explicit
identity values sit inside ``SET IDENTITY_INSERT … ON/OFF``. Values the fixture computes (variables,
expressions) cannot be known here and are skipped, never guessed.

Each check returns messages (``line N: …``); an empty list means the check holds.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

import sqlglot
from sqlglot import exp

from harness.batches import split_batches, strip_comments
from harness.build import read_order
from harness.model import Catalog, Column, Constraint, Table
from harness.replay import Replay
from harness.statements import StatementError, parse_slice, split, tokenize

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "tests" / "fixtures" / "v21_rows.sql"
V21_LAST = "20250907_today_panel_view"  # the last migration of the v2.1 schema
SCHEMAS = ("app", "core")
TRANSACTION_CONTROL = {"BEGIN TRANSACTION", "COMMIT", "ROLLBACK", "SAVE"}
GO_LINE = re.compile(r"^[ \t]*go(?:[ \t]+\d+)?[ \t]*\r?$", re.I)  # a GO line once comments are blanked


# -- the schema ---------------------------------------------------------------------------------------


def migration_names(root: Path = REPO) -> list[str]:
    return [name for _, name in read_order(root)]


def v21_names(root: Path = REPO) -> list[str]:
    names = migration_names(root)
    return names[: names.index(V21_LAST) + 1]


def replay(names: list[str], root: Path = REPO) -> Replay:
    """The model the named migrations leave behind, applied in the given order on an empty one."""
    r = Replay()
    for name in names:
        path = f"migrations/{name}.sql"
        r.apply(path, (root / path).read_text(encoding="utf-8"))
    return r


# -- reading the fixture ------------------------------------------------------------------------------


class _Unknown:
    """A value the fixture computes (a variable, an expression): not known offline."""

    def __repr__(self) -> str:
        return "<unknown>"


UNKNOWN = _Unknown()


@dataclass
class Insert:
    table: str  # as written: "app.signal"
    columns: list[str]  # as written
    rows: list[list[exp.Expression]]
    line: int
    start: int  # character span of the statement in the text
    end: int

    @property
    def key(self) -> str:
        return self.table.lower()

    def named(self, column: str) -> bool:
        return column.lower() in (c.lower() for c in self.columns)


@dataclass
class Toggle:
    table: str
    on: bool
    line: int
    start: int
    end: int


@dataclass
class Fixture:
    text: str
    steps: list[Insert | Toggle] = field(default_factory=list)  # in order
    kinds: list[tuple[str, int]] = field(default_factory=list)  # (statement kind, line) of every statement
    errors: list[str] = field(default_factory=list)

    @property
    def inserts(self) -> list[Insert]:
        return [s for s in self.steps if isinstance(s, Insert)]

    def insert_into(self, table: str) -> Insert:
        return next(i for i in self.inserts if i.key == table.lower())


_TOGGLE = re.compile(r"\ASET\s+IDENTITY_INSERT\s+(?P<table>[\w.\[\]\"]+)\s+(?P<state>ON|OFF)\s*\Z", re.I)


def _name(table: exp.Table) -> str:
    return ".".join(p for p in (table.catalog, table.db, table.name) if p)


def _without_go(text: str) -> str:
    """The text with its GO separator lines blanked (same length and lines), so every batch is read."""
    stripped = strip_comments(text).split("\n")
    lines = text.split("\n")
    return "\n".join(" " * len(line) if GO_LINE.match(bare) else line for line, bare in zip(lines, stripped))


def read_fixture(text: str) -> Fixture:
    """Statements of the fixture: INSERT … VALUES and SET IDENTITY_INSERT, in order, with their lines."""
    fixture = Fixture(text)
    for piece in split(tokenize(_without_go(text))):
        if not piece.tokens:
            continue
        start, end = piece.tokens[0].start, piece.tokens[-1].end + 1
        line = piece.line
        fixture.kinds.append((piece.kind, line))
        if piece.kind == "SET":
            match = _TOGGLE.match(text[start:end].strip())
            if match:
                table = match.group("table").replace("[", "").replace("]", "").replace('"', "")
                fixture.steps.append(Toggle(table, match.group("state").upper() == "ON", line, start, end))
            continue
        if piece.kind != "INSERT":
            continue
        try:
            tree = parse_slice(piece, text)
        except StatementError as error:
            fixture.errors.append(f"line {error.line}: sqlglot cannot parse the INSERT: {error}")
            continue
        target = tree.this if isinstance(tree, exp.Insert) else None
        if not isinstance(target, exp.Schema) or not isinstance(target.this, exp.Table):
            fixture.errors.append(f"line {line}: INSERT without a column list")
            continue
        if not isinstance(tree.expression, exp.Values):
            fixture.errors.append(f"line {line}: INSERT into {_name(target.this)} without VALUES")
            continue
        columns = [c.name for c in target.expressions]
        rows = [list(t.expressions) if isinstance(t, exp.Tuple) else [t] for t in tree.expression.expressions]
        fixture.steps.append(Insert(_name(target.this), columns, rows, line, start, end))
    return fixture


# -- values -------------------------------------------------------------------------------------------


def literal(node: exp.Expression):
    """The Python value of a literal expression, None for NULL, UNKNOWN for anything computed."""
    if isinstance(node, exp.Paren):
        return literal(node.this)
    if isinstance(node, exp.Null):
        return None
    if isinstance(node, exp.National):
        return str(node.this)
    if isinstance(node, exp.Literal):
        return str(node.this) if node.is_string else Decimal(str(node.this))
    if isinstance(node, exp.Neg):
        inner = literal(node.this)
        return -inner if isinstance(inner, Decimal) else UNKNOWN
    if isinstance(node, (exp.Cast, exp.TryCast)):
        return literal(node.this)
    return UNKNOWN


_TYPE = re.compile(r"\A\s*(?P<base>\w+)\s*(?:\(\s*(?P<a>\w+)\s*(?:,\s*(?P<b>\d+)\s*)?\))?", re.I)
_INT_RANGE = {
    "bit": (0, 1),
    "tinyint": (0, 255),
    "smallint": (-(2**15), 2**15 - 1),
    "int": (-(2**31), 2**31 - 1),
    "bigint": (-(2**63), 2**63 - 1),
}
_CHAR_TYPES = {"char", "varchar", "nchar", "nvarchar"}
_DATETIME_TYPES = {"datetime2", "datetime", "smalldatetime", "datetimeoffset"}


def coerce(value, type_text: str | None):
    """``value`` converted the way SQL Server converts a literal into a column of ``type_text``.

    Raises ValueError (with the reason) when the server would refuse the value: a string that is no
    date or number, a string longer than the column, a number out of range or with too many digits.
    """
    if value is None or value is UNKNOWN or not type_text:
        return value
    match = _TYPE.match(type_text)
    if match is None:
        return value
    base = match.group("base").lower()
    size, scale = match.group("a"), match.group("b")
    if base == "date":
        return date.fromisoformat(str(value))
    if base in _DATETIME_TYPES:
        return datetime.fromisoformat(str(value))
    if base in _INT_RANGE or base in ("decimal", "numeric", "money", "smallmoney", "float", "real"):
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise ValueError(f"{value!r} is not a number") from None
        if base in _INT_RANGE:
            low, high = _INT_RANGE[base]
            if number != number.to_integral_value() or not low <= number <= high:
                raise ValueError(f"{value} does not fit {type_text}")
        elif base in ("decimal", "numeric"):
            precision = int(size) if size else 18
            digits = precision - int(scale or 0)
            if abs(number) >= Decimal(10) ** digits:
                raise ValueError(f"{value} does not fit {type_text} ({digits} digit(s) before the point)")
        return number
    if base in _CHAR_TYPES:
        text = str(value)
        if size and size.lower() != "max" and len(text) > int(size):
            raise ValueError(f"{len(text)} characters do not fit {type_text}")
        return text
    return value


def _default_value(column: Column):
    """The value a column's default gives a row: a constant, or UNKNOWN (SYSUTCDATETIME(), NEWID(), …)."""
    if column.default is None:
        return None
    try:
        tree = sqlglot.parse_one(f"SELECT {column.default}", read="tsql")
        return coerce(literal(tree.expressions[0]), column.type)
    except (sqlglot.errors.ParseError, ValueError):
        return UNKNOWN


def function_default(column: Column) -> bool:
    return column.default is not None and _default_value(column) is UNKNOWN


@dataclass
class Row:
    table: Table
    values: dict[str, object]  # lower-case column name -> value (every column of the table)
    line: int
    origin: str  # "line N" of the fixture, or the data script that loads it


def rows_of(fixture: Fixture, catalog: Catalog) -> tuple[dict[str, list[Row]], list[str]]:
    """The rows each table holds after the fixture (plus reference rows of the migrations' data scripts).

    Columns an INSERT leaves out take their default (UNKNOWN when it calls a function), identity and
    computed columns not given are UNKNOWN, the rest NULL. Returns the rows by table key and the
    problems met on the way: NULL into a NOT NULL column, a value the column's type refuses.
    """
    rows: dict[str, list[Row]] = {}
    problems: list[str] = []

    def add(table: Table, given: dict[str, object], line: int, origin: str) -> None:
        values: dict[str, object] = {}
        for key, column in table.columns.items():
            if key in given:
                value = given[key]
                if value is not UNKNOWN:
                    try:
                        value = coerce(value, column.type)
                    except ValueError as error:
                        problems.append(f"{origin}: {table.full_name}.{column.name}: {error}")
                        value = UNKNOWN
                if value is None and not column.nullable:
                    problems.append(f"{origin}: {table.full_name}.{column.name} is NOT NULL and is given NULL")
            elif column.identity or column.computed:
                value = UNKNOWN
            else:
                value = _default_value(column)
            values[key] = value
        rows.setdefault(table.key, []).append(Row(table, values, line, origin))

    for script in catalog.scripts:
        table = catalog.tables.get(script.target.lower())
        if table is None:
            continue
        for statement in script.body:
            if isinstance(statement.tree, exp.Insert) and isinstance(statement.tree.expression, exp.Values):
                target = statement.tree.this
                if not isinstance(target, exp.Schema):
                    continue
                names = [c.name.lower() for c in target.expressions]
                for values in statement.tree.expression.expressions:
                    given = dict(zip(names, (literal(v) for v in values.expressions)))
                    given = {k: v for k, v in given.items() if k in table.columns}
                    add(table, given, statement.line, f"{script.location.path}:{statement.line}")

    for insert in fixture.inserts:
        table = catalog.tables.get(insert.key)
        if table is None:
            continue
        for n, row in enumerate(insert.rows, start=1):
            if len(row) != len(insert.columns):
                continue  # reported by target_problems
            given = {c.lower(): literal(v) for c, v in zip(insert.columns, row) if c.lower() in table.columns}
            add(table, given, insert.line, f"line {insert.line} row {n}")
    return rows, problems


# -- CHECK constraints and filters: three-valued evaluation --------------------------------------------


class CannotEvaluate(Exception):
    """An expression form this evaluator does not know."""


class ValueUnknown(Exception):
    """The row holds a value the fixture computes: skip it."""


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def _is_json(text: str) -> int:
    """ISJSON as SQL Server 2019 answers it: 1 for a JSON object or array, else 0."""
    try:
        value = json.loads(text, parse_constant=_no_constant)
    except ValueError:
        return 0
    return 1 if isinstance(value, (dict, list)) else 0


def _like(value: str, pattern: str) -> bool:
    """T-SQL LIKE (%, _, [set], [^set]) under a case-insensitive collation."""
    out, i = [], 0
    while i < len(pattern):
        c = pattern[i]
        if c == "%":
            out.append(".*")
        elif c == "_":
            out.append(".")
        elif c == "[" and "]" in pattern[i + 1 :]:
            j = pattern.index("]", i + 1)
            body = pattern[i + 1 : j]
            negate = body.startswith("^")
            body = body[1:] if negate else body
            out.append("[" + ("^" if negate else "") + body.replace("\\", "\\\\") + "]")
            i = j
        else:
            out.append(re.escape(c))
        i += 1
    return re.fullmatch("".join(out), value, re.I | re.S) is not None


def _value(node: exp.Expression, row: dict[str, object]):
    if isinstance(node, exp.Paren):
        return _value(node.this, row)
    if isinstance(node, exp.Column):
        name = node.name.lower()
        if name not in row:
            raise CannotEvaluate(f"column {node.name} is not in the row")
        value = row[name]
        if value is UNKNOWN:
            raise ValueUnknown(node.name)
        return value
    if isinstance(node, (exp.Null, exp.National, exp.Literal)):
        return literal(node)
    if isinstance(node, exp.Neg):
        inner = _value(node.this, row)
        return None if inner is None else -inner
    if isinstance(node, exp.Anonymous) and node.name.upper() == "ISJSON" and len(node.expressions) == 1:
        inner = _value(node.expressions[0], row)
        return None if inner is None else Decimal(_is_json(str(inner)))
    if isinstance(node, (exp.Add, exp.Sub, exp.Mul, exp.Div)):
        a, b = _value(node.this, row), _value(node.expression, row)
        if a is None or b is None:
            return None
        if not isinstance(a, Decimal) or not isinstance(b, Decimal):
            raise CannotEvaluate(node.sql(dialect="tsql"))
        if isinstance(node, exp.Div):
            return None if b == 0 else a / b
        return {exp.Add: a + b, exp.Sub: a - b, exp.Mul: a * b}[type(node)]
    raise CannotEvaluate(node.sql(dialect="tsql"))


def _align(a, b):
    """Bring a literal to the type of the value it is compared with (dates, numbers, strings)."""

    def to(kind, v):
        if isinstance(v, kind) or not isinstance(v, str):
            return v
        if kind is datetime:
            return datetime.fromisoformat(v)
        if kind is date:
            return date.fromisoformat(v)
        return Decimal(v.strip())

    for kind in (datetime, date, Decimal):
        if isinstance(a, kind) or isinstance(b, kind):
            return to(kind, a), to(kind, b)
    if isinstance(a, str) and isinstance(b, str):  # case- and trailing-space-insensitive collation
        return a.rstrip().casefold(), b.rstrip().casefold()
    return a, b


def _compare(a, b, op: str):
    if a is None or b is None:
        return None
    try:
        a, b = _align(a, b)
        return {"=": a == b, "<>": a != b, ">": a > b, ">=": a >= b, "<": a < b, "<=": a <= b}[op]
    except (TypeError, ValueError, InvalidOperation):
        raise CannotEvaluate(f"cannot compare {a!r} {op} {b!r}") from None


_OPERATORS = {exp.EQ: "=", exp.NEQ: "<>", exp.GT: ">", exp.GTE: ">=", exp.LT: "<", exp.LTE: "<="}


def _not(value):
    return None if value is None else not value


def truth(node: exp.Expression, row: dict[str, object]):
    """True, False or None (UNKNOWN) for a predicate over one row."""
    if isinstance(node, exp.Paren):
        return truth(node.this, row)
    if isinstance(node, exp.Not):
        return _not(truth(node.this, row))
    if isinstance(node, exp.And):
        a, b = truth(node.this, row), truth(node.expression, row)
        return False if a is False or b is False else (None if a is None or b is None else True)
    if isinstance(node, exp.Or):
        a, b = truth(node.this, row), truth(node.expression, row)
        return True if a is True or b is True else (None if a is None or b is None else False)
    if type(node) in _OPERATORS:
        return _compare(_value(node.this, row), _value(node.expression, row), _OPERATORS[type(node)])
    if isinstance(node, exp.Is) and isinstance(node.expression, exp.Null):
        return _value(node.this, row) is None
    if isinstance(node, exp.In) and not node.args.get("query") and not node.args.get("unnest"):
        value = _value(node.this, row)
        results = [_compare(value, _value(e, row), "=") for e in node.expressions]
        result = True if True in results else (None if None in results else False)
        return _not(result) if node.args.get("negate") else result
    if isinstance(node, exp.Between):
        value = _value(node.this, row)
        a = _compare(value, _value(node.args["low"], row), ">=")
        b = _compare(value, _value(node.args["high"], row), "<=")
        result = False if a is False or b is False else (None if a is None or b is None else True)
        return _not(result) if node.args.get("negate") else result
    if isinstance(node, exp.Like) and not node.args.get("escape"):
        value, pattern = _value(node.this, row), _value(node.expression, row)
        result = None if value is None or pattern is None else _like(str(value), str(pattern))
        return _not(result) if node.args.get("negate") else result
    raise CannotEvaluate(node.sql(dialect="tsql"))


def _shown(value) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, (date, datetime)):
        return f"'{value.isoformat()}'"
    return str(value)


def _show(row: Row, columns: list[str]) -> str:
    return ", ".join(f"{c}={_shown(row.values.get(c.lower()))}" for c in columns)


# -- the checks ---------------------------------------------------------------------------------------


def parse_problems(text: str, fixture: Fixture | None = None, *, sqlfluff: bool = True) -> list[str]:
    """One batch (no GO), parsed by sqlfluff without unparsable sections and by sqlglot; no transaction control."""
    problems = []
    try:
        batches = [b for b in split_batches(text) if not b.is_blank()]
    except ValueError as error:
        return [f"cannot split into batches: {error}"]
    if len(batches) != 1:
        problems += [f"line {b.start_line - 1}: GO splits the fixture into {len(batches)} batches" for b in batches[1:]]
    if sqlfluff:
        from harness.fallback import statements_from_sqlfluff

        problems += [f"line {line}: sqlfluff cannot parse {what!r}" for line, what in statements_from_sqlfluff(text, 0).unparsable]
    fixture = fixture or read_fixture(text)
    problems += fixture.errors
    problems += [
        f"line {line}: {kind}: the live test runs the fixture inside its own transaction"
        for kind, line in fixture.kinds
        if kind in TRANSACTION_CONTROL
    ]
    return problems


def target_problems(fixture: Fixture, catalog: Catalog) -> list[str]:
    """Every INSERT targets a schema-qualified table that exists and names only its insertable columns."""
    problems = []
    for insert in fixture.inserts:
        where = f"line {insert.line}: INSERT INTO {insert.table}"
        if insert.table.count(".") != 1:
            problems.append(f"{where}: name the table as schema.table")
        table = catalog.tables.get(insert.key)
        if table is None:
            problems.append(f"{where}: no such table")
            continue
        seen = set()
        for name in insert.columns:
            column = table.column(name)
            if column is None:
                problems.append(f"{where}: no column {name}")
            elif column.computed:
                problems.append(f"{where}: {name} is computed and cannot be inserted")
            if name.lower() in seen:
                problems.append(f"{where}: {name} is listed twice")
            seen.add(name.lower())
        for n, row in enumerate(insert.rows, start=1):
            if len(row) != len(insert.columns):
                problems.append(f"{where}: row {n} has {len(row)} value(s) for {len(insert.columns)} column(s)")
        # A multi-row VALUES has one type per column, taken from all rows before the INSERT converts it:
        # a string in one row and a number in another means the strings are converted to a number.
        for i, name in enumerate(insert.columns):
            kinds = {type(literal(r[i])) for r in insert.rows if i < len(r)} & {str, Decimal}
            if len(kinds) > 1:
                problems.append(f"{where}: {name} mixes string and number literals across its rows")
    return problems


def missing_tables(fixture: Fixture, catalog: Catalog, schemas=SCHEMAS) -> list[str]:
    """Tables of the given schemas that no INSERT fills."""
    filled = {i.key for i in fixture.inserts}
    return sorted(t.full_name for k, t in catalog.tables.items() if t.schema.lower() in schemas and k not in filled)


def required_columns(table: Table) -> list[Column]:
    """NOT NULL columns with no default, identity or computed expression: an INSERT must give them."""
    return [c for c in table.columns.values() if not c.nullable and not c.identity and not c.computed and c.default is None]


def required_column_problems(fixture: Fixture, catalog: Catalog) -> list[str]:
    problems = []
    for insert in fixture.inserts:
        table = catalog.tables.get(insert.key)
        if table is None:
            continue
        for column in required_columns(table):
            if not insert.named(column.name):
                problems.append(
                    f"line {insert.line}: INSERT INTO {insert.table} does not supply "
                    f"{table.full_name}.{column.name} (NOT NULL, no default)"
                )
    return problems


def foreign_keys(table: Table) -> list[Constraint]:
    return [c for c in table.constraints if c.kind == "FK" and c.ref_table]


def order_problems(fixture: Fixture, catalog: Catalog) -> list[str]:
    """For every FK, some INSERT into the parent comes before each INSERT into the child."""
    problems, done = [], set()
    for insert in fixture.inserts:
        table = catalog.tables.get(insert.key)
        if table is not None:
            for fk in foreign_keys(table):
                parent = fk.ref_table.lower()
                if parent != insert.key and parent not in done:
                    problems.append(
                        f"line {insert.line}: {table.full_name} is inserted before its parent {fk.ref_table} ({fk.name})"
                    )
        done.add(insert.key)
    return problems


def _key(values: list[object]) -> tuple:
    return tuple(v.rstrip().casefold() if isinstance(v, str) else v for v in values)


def foreign_key_value_problems(rows: dict[str, list[Row]]) -> list[str]:
    """Every FK of a row with all its columns given names a row of the parent (SQL Server's MATCH SIMPLE)."""
    problems = []
    for table_rows in rows.values():
        for row in table_rows:
            for fk in foreign_keys(row.table):
                values = [row.values.get(c.lower()) for c in fk.columns]
                if any(v is None or v is UNKNOWN for v in values):
                    continue
                parents = rows.get(fk.ref_table.lower(), [])
                keys = {_key([p.values.get(c.lower()) for c in fk.ref_columns]) for p in parents}
                if _key(values) not in keys:
                    problems.append(
                        f"{row.origin}: {row.table.full_name} ({_show(row, fk.columns)}) has no parent row "
                        f"in {fk.ref_table} ({fk.name})"
                    )
    return problems


def unique_keys(table: Table) -> list[tuple[str, list[str], exp.Expression | None]]:
    keys = [(c.name or c.kind, c.columns, None) for c in table.constraints if c.kind in ("PK", "UQ")]
    keys += [(ix.name, [k for k, _ in ix.keys], ix.filter) for ix in table.indexes if ix.unique]
    return keys


def unique_problems(rows: dict[str, list[Row]]) -> tuple[list[str], list[str]]:
    """(duplicates, filters that cannot be evaluated): NULLs count as equal, as in SQL Server."""
    problems, unevaluated = [], []
    for table_rows in rows.values():
        table = table_rows[0].table
        for name, columns, condition in unique_keys(table):
            seen: dict[tuple, Row] = {}
            for row in table_rows:
                if condition is not None:
                    try:
                        if truth(condition, row.values) is not True:
                            continue
                    except ValueUnknown:
                        continue
                    except CannotEvaluate as error:
                        unevaluated.append(f"{table.full_name} {name}: filter {error}")
                        break
                values = [row.values.get(c.lower()) for c in columns]
                if any(v is UNKNOWN for v in values):
                    continue
                key = _key(values)
                if key in seen:
                    problems.append(
                        f"{row.origin}: {table.full_name} ({_show(row, columns)}) repeats the key of "
                        f"{seen[key].origin} in {name}"
                    )
                seen.setdefault(key, row)
    return problems, unevaluated


@dataclass
class CheckResult:
    violations: list[str] = field(default_factory=list)
    unevaluated: list[str] = field(default_factory=list)  # CHECKs this evaluator cannot read
    evaluated: dict[str, int] = field(default_factory=dict)  # "table.CK_name" -> rows evaluated
    satisfied: dict[str, int] = field(default_factory=dict)  # "table.CK_name" -> rows for which it is TRUE


def check_constraint_problems(rows: dict[str, list[Row]], *, fixture_only: bool = True) -> CheckResult:
    """CHECK constraints over the rows: FALSE is a violation; TRUE and UNKNOWN pass, as on the server."""
    result = CheckResult()
    for table_rows in rows.values():
        table = table_rows[0].table
        for ck in (c for c in table.constraints if c.kind == "CK"):
            label = f"{table.full_name}.{ck.name}"
            result.evaluated.setdefault(label, 0)
            result.satisfied.setdefault(label, 0)
            for row in table_rows:
                if fixture_only and not row.origin.startswith("line "):
                    continue
                try:
                    outcome = truth(ck.expression, row.values)
                except ValueUnknown:
                    continue
                except CannotEvaluate as error:
                    result.unevaluated.append(f"{label}: cannot evaluate {error}")
                    break
                result.evaluated[label] += 1
                result.satisfied[label] += outcome is True
                if outcome is False:
                    result.violations.append(
                        f"{row.origin}: {table.full_name} ({_show(row, ck.columns)}) violates {ck.name}: "
                        f"{ck.expression.sql(dialect='tsql')}"
                    )
    return result


def identity_column(table: Table) -> Column | None:
    return next((c for c in table.columns.values() if c.identity), None)


def identity_problems(fixture: Fixture, catalog: Catalog) -> list[str]:
    """Explicit identity values only under SET IDENTITY_INSERT ON for that table, one table at a time."""
    problems, on = [], None
    for step in fixture.steps:
        table = catalog.tables.get(step.table.lower())
        if isinstance(step, Toggle):
            state = "ON" if step.on else "OFF"
            if table is None:
                problems.append(f"line {step.line}: SET IDENTITY_INSERT {step.table} {state}: no such table")
                continue
            if identity_column(table) is None:
                problems.append(f"line {step.line}: SET IDENTITY_INSERT {step.table} {state}: the table has no identity column")
                continue
            if step.on:
                if on is not None and on != table.key:
                    problems.append(f"line {step.line}: IDENTITY_INSERT ON for {step.table} while it is still ON for {on}")
                on = table.key
            elif on == table.key:
                on = None
            continue
        if table is None:
            continue
        ident = identity_column(table)
        if ident is None:
            continue
        if step.named(ident.name) and on != table.key:
            problems.append(
                f"line {step.line}: INSERT INTO {step.table} gives the identity column {ident.name} "
                f"without SET IDENTITY_INSERT {table.full_name} ON"
            )
        if not step.named(ident.name) and on == table.key:
            problems.append(
                f"line {step.line}: INSERT INTO {step.table} under IDENTITY_INSERT ON must give {ident.name}"
            )
    if on is not None:
        problems.append(f"IDENTITY_INSERT is left ON for {on} at the end of the fixture")
    return problems


def determinism_problems(fixture: Fixture, catalog: Catalog) -> list[str]:
    """Columns whose default calls a function (SYSUTCDATETIME()) are given a fixed value instead."""
    problems = []
    for insert in fixture.inserts:
        table = catalog.tables.get(insert.key)
        if table is None:
            continue
        for column in table.columns.values():
            if function_default(column) and not insert.named(column.name):
                problems.append(
                    f"line {insert.line}: {table.full_name}.{column.name} is left to its default {column.default}"
                )
    return problems


# -- everything at once -------------------------------------------------------------------------------


@dataclass
class Report:
    parse: list[str]
    targets: list[str]
    missing_tables: list[str]
    required: list[str]
    values: list[str]
    order: list[str]
    foreign_keys: list[str]
    unique: list[str]
    checks: CheckResult
    identity: list[str]
    determinism: list[str]

    def problems(self) -> list[str]:
        missing = [f"no INSERT into {name}" for name in self.missing_tables]
        return (
            self.parse + self.targets + missing + self.required + self.values + self.order
            + self.foreign_keys + self.unique + self.checks.violations + self.checks.unevaluated
            + self.identity + self.determinism
        )


def validate(text: str, catalog: Catalog, *, sqlfluff: bool = True) -> Report:
    fixture = read_fixture(text)
    rows, value_problems = rows_of(fixture, catalog)
    duplicates, unevaluated_filters = unique_problems(rows)
    checks = check_constraint_problems(rows)
    checks.unevaluated += unevaluated_filters
    return Report(
        parse=parse_problems(text, fixture, sqlfluff=sqlfluff),
        targets=target_problems(fixture, catalog),
        missing_tables=missing_tables(fixture, catalog),
        required=required_column_problems(fixture, catalog),
        values=value_problems,
        order=order_problems(fixture, catalog),
        foreign_keys=foreign_key_value_problems(rows),
        unique=duplicates,
        checks=checks,
        identity=identity_problems(fixture, catalog),
        determinism=determinism_problems(fixture, catalog),
    )


def survival_problems(text: str, before: Catalog, after: Catalog) -> list[str]:
    """Whether the rows written at ``before`` still fit the schema ``after`` later migrations.

    A table dropped, or a NOT NULL column without default added to a table that holds rows, would lose
    or refuse them; constraints and unique indexes added WITH CHECK are checked against the rows as
    they stand then (new columns: NULL, or their default when they are NOT NULL).
    """
    fixture = read_fixture(text)
    problems = []
    for key in dict.fromkeys(i.key for i in fixture.inserts):
        old, new = before.tables.get(key), after.tables.get(key)
        if old is None:
            continue
        if new is None:
            problems.append(f"{old.full_name}: dropped by a later migration, with the fixture's rows")
            continue
        for name, column in new.columns.items():
            if name not in old.columns and not column.nullable and column.default is None and not column.identity and not column.computed:
                problems.append(f"{new.full_name}.{column.name}: added NOT NULL without a default to a table with rows")
    rows, _ = rows_of(fixture, after)
    for table_rows in rows.values():
        old = before.tables.get(table_rows[0].table.key)
        for row in table_rows:
            for name, column in row.table.columns.items():
                if old is not None and name not in old.columns and column.nullable:
                    row.values[name] = None  # ALTER TABLE ADD leaves existing rows NULL unless WITH VALUES
    duplicates, unevaluated = unique_problems(rows)
    checks = check_constraint_problems(rows)
    return problems + duplicates + unevaluated + checks.violations + checks.unevaluated + foreign_key_value_problems(rows)


# -- editing copies of the fixture (for tests that prove the checks can fail) ------------------------


def replace_insert(text: str, table: str, edit) -> str:
    """The text with the INSERT into ``table`` rewritten: ``edit(columns, rows)`` changes lists in place."""
    fixture = read_fixture(text)
    insert = fixture.insert_into(table)
    columns, rows = list(insert.columns), [list(r) for r in insert.rows]
    edit(columns, rows)
    tree = exp.Insert(
        this=exp.Schema(this=exp.to_table(insert.table), expressions=[exp.to_identifier(c) for c in columns]),
        expression=exp.Values(expressions=[exp.Tuple(expressions=r) for r in rows]),
    )
    return text[: insert.start] + tree.sql(dialect="tsql") + text[insert.end :]


def drop_column(text: str, table: str, column: str) -> str:
    def edit(columns, rows):
        i = [c.lower() for c in columns].index(column.lower())
        del columns[i]
        for row in rows:
            del row[i]

    return replace_insert(text, table, edit)


def set_value(text: str, table: str, row: int, column: str, sql: str) -> str:
    def edit(columns, rows):
        rows[row][[c.lower() for c in columns].index(column.lower())] = sqlglot.parse_one(sql, read="tsql")

    return replace_insert(text, table, edit)


def remove_table(text: str, table: str) -> str:
    """The text without the INSERT into ``table`` and its SET IDENTITY_INSERT statements."""
    fixture = read_fixture(text)
    spans = [(s.start, s.end) for s in fixture.steps if s.table.lower() == table.lower()]
    for start, end in sorted(spans, reverse=True):
        end = end + 1 if text[end : end + 1] == ";" else end
        text = text[:start] + text[end:]
    return text


def move_before(text: str, table: str, before: str) -> str:
    """The text with the INSERT into ``table`` (and its toggles) moved in front of the INSERT into ``before``."""
    fixture = read_fixture(text)
    steps = [s for s in fixture.steps if s.table.lower() == table.lower()]
    start, end = steps[0].start, steps[-1].end + 1
    block = text[start:end]
    text = text[:start] + text[end:]
    anchor = read_fixture(text)
    first = next(s for s in anchor.steps if s.table.lower() == before.lower())
    return text[: first.start] + block + "\n" + text[first.start :]
