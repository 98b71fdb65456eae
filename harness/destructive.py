"""Destructive-change lint: what a migration script would lose, break or lock on a database with rows.

The builder replays every script in order (:mod:`harness.build`); just before each one is applied, this
lint reads the script's statements against the schema as it stands then (the replay's state) and follows
what the script itself changes, statement by statement. It reports, at the script's line:

* ``E810`` ``DROP TABLE`` of a table that exists before the script;
* ``E811`` ``ALTER TABLE … DROP COLUMN`` of a column that may hold data;
* ``E812`` ``ALTER COLUMN`` to a type that holds less (:func:`narrowing`);
* ``E813`` ``ADD`` of a ``NOT NULL`` column without a ``DEFAULT`` (not identity, computed or rowversion), or
  ``ALTER COLUMN … NOT NULL`` of a nullable column no ``UPDATE`` of the script filled first, on a table that
  may hold rows;
* ``E814`` an index built or rebuilt offline (no ``ONLINE = ON``) on a table listed in ``pyproject.toml``
  ``[tool.wsdb] large-tables``: ``ALTER INDEX … REBUILD``, ``ALTER TABLE … REBUILD``, ``CREATE INDEX … WITH
  (DROP_EXISTING = ON)``, and ``CREATE INDEX`` on a table that exists before the script;
* ``E815`` a column dropped and one of the same type added to the same table (or a table dropped and one
  with the same columns created) without ``sp_rename``: a rename that loses the data.

A table "may hold rows" when it exists before the script, or when the script loaded rows into it (a data
step or an ``INSERT``) before the statement. Tables and columns the script creates and leaves empty lose
nothing.

A script acknowledges a finding on purpose with a header line (the ``acknowledge`` macro writes it)::

    Acknowledges  E811 app.signal.legacy_code: superseded by contact_id since 2025; nothing reads it

which drops the findings of that code and target in that script. A released script can no longer change,
so its findings are acknowledged in ``migrations/acknowledgements.txt`` instead, one line each::

    20250909_add_identity_system  E814 app.signal.UX_signal_composite_dedupe: built when app.signal was new

An acknowledgement that matches no finding is ``W816``; one without a reason, or not understood, is
``W817`` (and acknowledges nothing); so is a line of the file that names no released script.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from sqlglot import exp
from sqlglot.errors import SqlglotError
from sqlglot.tokens import Token, TokenType

from .batches import BatchError, split_batches
from .findings import FindingSink
from .model import Catalog, Table, key
from .reader import _dotted, _dotted_at, option_values, with_clause
from .replay import step_marker
from .statements import Slice, StatementError, line_of, parse_slice, split, tokenize, word
from .types import canonical, type_text

ACKNOWLEDGEABLE = ("E810", "E811", "E812", "E813", "E814", "E815")
TARGET = re.compile(r"[A-Za-z_#@][\w#@$]*(?:\.[A-Za-z_#@][\w#@$]*){1,2}")
_ACK_LINE = re.compile(r"^Acknowledges\b[ \t]*(?P<rest>[^\r\n]*)$", re.MULTILINE)
_ACK = re.compile(r"(?P<code>\S+)\s+(?P<target>[^\s:]+)\s*(?::\s*(?P<reason>.*?))?\s*$")
_SKIPPED_STEPS = {"module", "policy", "role", "schema", "describe"}
_ROUTINES = {"PROC", "PROCEDURE", "FUNCTION", "VIEW", "TRIGGER"}
# A script can hold a finding only if it names one of these (or an index on a large table it did not create);
# scripts that name none are not split and parsed a second time (the replay does that already).
_TRIGGERS = re.compile(r"\bALTER\s+(?:TABLE|INDEX)\b|\bDROP\s+TABLE\b|\bDROP_EXISTING\b|\bsp_rename\b", re.IGNORECASE)
_ONLINE_NOTE = (
    "which needs Enterprise or Developer edition or Azure SQL (on Standard edition, plan a maintenance window)"
)


def acknowledge_line(code: str, target: str, reason: str) -> str:
    """The header line that acknowledges a finding (what the layout prints and the lint reads back)."""
    return f"Acknowledges  {code} {target}: {reason}"


def _how_to_acknowledge_released(script: str, code: str, target: str) -> str:
    return (
        f"the script is released and cannot change: if that is intended, acknowledge it in {ACKNOWLEDGEMENTS_FILE}: "
        f"{script}  {code} {target}: why"
    )


def _how_to_acknowledge(code: str, target: str) -> str:
    return f'if that is intended, acknowledge it in the template: {{{{ acknowledge("{code}", "{target}", "why") }}}}'


# -- configuration ----------------------------------------------------------------------------------


def large_tables(root: Path, target: Catalog, sink: FindingSink) -> set[str] | None:
    """Keys of the tables ``pyproject.toml`` ``[tool.wsdb] large-tables`` lists; problems are E818 findings.

    None when the project has no such setting: then no table is known to be large, so E814 is not checked and
    an E814 acknowledgement is not called stale (a copy of the project without its pyproject.toml stays clean).
    """
    path = root / "pyproject.toml"
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    try:
        config = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        found = re.search(r"line (\d+)", str(error))
        sink.add("pyproject.toml", int(found.group(1)) if found else 1, "E818", f"pyproject.toml does not parse: {error}")
        return set()
    names = config.get("tool", {}).get("wsdb", {}).get("large-tables")
    if names is None:
        return None
    line = next((n for n, t in enumerate(text.splitlines(), start=1) if t.lstrip().startswith("large-tables")), 1)
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        sink.add("pyproject.toml", line, "E818", '[tool.wsdb] large-tables must be a list of table names ("schema.table")')
        return set()
    unknown = [n for n in names if key(n) not in target.tables]
    if unknown:
        sink.add("pyproject.toml", line, "E818", f"[tool.wsdb] large-tables names {', '.join(unknown)}, which sql/ does not define")
    return {key(n) for n in names}


# -- types ------------------------------------------------------------------------------------------

_INTEGERS = ["bit", "tinyint", "smallint", "int", "bigint"]
_INTEGER_DIGITS = {"bit": 1, "tinyint": 3, "smallint": 5, "int": 10, "bigint": 19}
_STRINGS = {"char": False, "varchar": False, "nchar": True, "nvarchar": True}  # name -> Unicode
_BINARIES = {"binary", "varbinary"}
_FRACTIONAL = {"datetime2", "time", "datetimeoffset"}
# Conversions that keep every value: (from, to, least fractional precision of the target).
_WIDER = {
    ("smalldatetime", "datetime"): 0,
    ("smalldatetime", "datetime2"): 0,
    ("datetime", "datetime2"): 3,
    ("date", "datetime2"): 0,
    ("date", "datetimeoffset"): 0,
    ("smallmoney", "money"): 0,
}


def _parts(text: str) -> tuple[str, list[str]]:
    match = re.fullmatch(r"([a-z0-9_]+)(?:\((.*)\))?", text)
    if match is None:
        return text, []
    name, params = match.group(1), [p for p in (match.group(2) or "").split(",") if p]
    if name == "real":
        return "float", ["24"]
    if name == "float":
        return "float", ["24" if params and params[0].isdigit() and int(params[0]) <= 24 else "53"]
    return name, params


def _length(params: list[str]) -> float:
    return float("inf") if params == ["max"] else float(params[0]) if params and params[0].isdigit() else 1.0


def narrowing(old: str | None, new: str | None) -> str | None:
    """Why a column of type ``old`` altered to ``new`` can hold less; None when it is a widening (or no change)."""
    a, b = canonical(old), canonical(new)
    if a is None or b is None or a == b:
        return None
    (an, ap), (bn, bp) = _parts(a), _parts(b)
    if (an, ap) == (bn, bp):
        return None
    if an in _INTEGERS and bn in _INTEGERS:
        return None if _INTEGERS.index(bn) >= _INTEGERS.index(an) else f"{bn} holds a smaller range than {an}"
    if an in _INTEGERS and bn == "decimal":
        precision, scale = (int(x) for x in bp)
        return None if precision - scale >= _INTEGER_DIGITS[an] else f"{b} holds fewer integer digits than {an}"
    if an == bn == "decimal":
        (p, s), (q, t) = (tuple(int(x) for x in ap), tuple(int(x) for x in bp))
        reasons = [r for r, lost in (("fewer integer digits", q - t < p - s), ("less scale", t < s)) if lost]
        return f"{b} has {' and '.join(reasons)} than {a}" if reasons else None
    if an in _STRINGS and bn in _STRINGS:
        if _STRINGS[an] and not _STRINGS[bn]:
            return f"{b} is not Unicode: characters outside the column's code page become '?'"
        return f"{b} is shorter than {a}" if _length(bp) < _length(ap) else None
    if an in _BINARIES and bn in _BINARIES:
        return f"{b} is shorter than {a}" if _length(bp) < _length(ap) else None
    if an == bn and an in _FRACTIONAL | {"float"}:
        return f"{b} keeps fewer fractional digits than {a} (values are rounded)" if int(bp[0]) < int(ap[0]) else None
    least = _WIDER.get((an, bn))
    if least is not None and (not bp or int(bp[0]) >= least):
        return None
    return f"{a} -> {b} is not a widening wsdb can prove"


# -- acknowledgements -------------------------------------------------------------------------------


ACKNOWLEDGEMENTS_FILE = "migrations/acknowledgements.txt"
_FILE_LINE = re.compile(r"^(?P<script>\S+)[ \t]+(?P<rest>\S.*)$")


@dataclass
class Acknowledgement:
    line: int
    code: str
    target: str
    reason: str
    used: bool = False
    path: str | None = None  # where it is written when not in the script's own header


def _acknowledgement(rest: str, line: int, path: str | None = None) -> Acknowledgement | str:
    """``CODE target: reason`` as an Acknowledgement, or the problem with it."""
    parts = _ACK.match(rest)
    if parts is None or parts.group("code") not in ACKNOWLEDGEABLE or not TARGET.fullmatch(parts.group("target")):
        return f"acknowledgement not understood: write 'CODE schema.object[.item]: reason' with a code of {', '.join(ACKNOWLEDGEABLE)}"
    if not parts.group("reason"):
        return f"acknowledgement of {parts.group('code')} {parts.group('target')} gives no reason; it acknowledges nothing until it says why"
    return Acknowledgement(line, parts.group("code"), parts.group("target"), parts.group("reason"), path=path)


def released_acknowledgements(root: Path, released: set[str], sink: FindingSink) -> dict[str, list[Acknowledgement]]:
    """The lines of ``migrations/acknowledgements.txt`` by script name (W817 for lines that cannot count).

    Each line is ``<script name>  CODE schema.object[.item]: reason``; ``#`` starts a comment line. Only
    released scripts are acknowledged here: a draft says it in its own header (``acknowledge`` macro).
    """
    path = root / ACKNOWLEDGEMENTS_FILE
    if not path.is_file():
        return {}
    found: dict[str, list[Acknowledgement]] = {}
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        text = raw.strip()
        if not text or text.startswith("#"):
            continue
        match = _FILE_LINE.match(text)
        name = match.group("script").removesuffix(".sql") if match else ""
        if match is None:
            sink.add(ACKNOWLEDGEMENTS_FILE, number, "W817", "write '<script> CODE schema.object[.item]: reason'")
        elif name not in released:
            sink.add(
                ACKNOWLEDGEMENTS_FILE, number, "W817",
                f"{name} is not a released migration; a draft acknowledges in its template with acknowledge()",
            )
        else:
            item = _acknowledgement(match.group("rest"), number, ACKNOWLEDGEMENTS_FILE)
            if isinstance(item, str):
                sink.add(ACKNOWLEDGEMENTS_FILE, number, "W817", item)
            else:
                found.setdefault(name, []).append(item)
    return found


def header_acknowledgements(text: str) -> tuple[list[Acknowledgement], list[tuple[int, str]]]:
    """The ``Acknowledges`` lines of a script's header comment, and (line, problem) for those not understood."""
    stripped = text.lstrip()
    if not stripped.startswith("/*"):
        return [], []
    offset = len(text) - len(stripped)
    end = text.find("*/", offset)
    header = text[: end if end >= 0 else len(text)]
    found: list[Acknowledgement] = []
    problems: list[tuple[int, str]] = []
    for match in _ACK_LINE.finditer(header):
        line = header.count("\n", 0, match.start()) + 1
        item = _acknowledgement(match.group("rest"), line)
        if isinstance(item, str):
            problems.append((line, item.replace("write '", "write 'Acknowledges  ", 1)))
        else:
            found.append(item)
    return found, problems


# -- the lint ---------------------------------------------------------------------------------------


@dataclass
class _Column:
    type: str | None
    nullable: bool
    new: bool = False  # added by this script: holds no data of its own yet


@dataclass
class _Table:
    name: str
    existed: bool  # before the script
    rows: bool  # may hold rows at this point of the script
    columns: dict[str, _Column] | None = None  # None until a CREATE TABLE of this script is parsed
    create: tuple[Slice, str] | None = None


@dataclass
class _Hit:
    line: int
    code: str
    target: str
    message: str


@dataclass
class _Script:
    """One script read against the schema before it; findings collected in ``hits``."""

    state: Catalog
    large: set[str]
    hits: list[_Hit] = field(default_factory=list)
    tables: dict[str, _Table | None] = field(default_factory=dict)  # None: dropped by the script
    renamed: set[str] = field(default_factory=set)  # keys of tables an sp_rename touched
    backfilled: set[tuple[str, str]] = field(default_factory=set)  # (table key, column) an UPDATE set
    dropped_columns: list[tuple[str, str, str | None, _Hit]] = field(default_factory=list)
    added_columns: list[tuple[str, str, str | None]] = field(default_factory=list)
    dropped_tables: list[tuple[str, dict[str, _Column], _Hit]] = field(default_factory=list)
    created: list[str] = field(default_factory=list)

    # -- the schema as the script leaves it so far --------------------------------------------------
    def table(self, table_key: str) -> _Table | None:
        if table_key in self.tables:
            found = self.tables[table_key]
        else:
            model = self.state.tables.get(table_key)
            found = _from_model(model) if model is not None else None
            self.tables[table_key] = found
        if found is not None and found.columns is None:
            found.columns = _created_columns(*found.create) if found.create else {}
        return found

    def hit(self, line: int, code: str, target: str, message: str) -> _Hit:
        found = _Hit(line, code, target, f"{message}; {_how_to_acknowledge(code, target)}")
        self.hits.append(found)
        return found

    # -- reading ------------------------------------------------------------------------------------
    def read(self, text: str) -> None:
        try:
            batches = split_batches(text)
        except BatchError:
            return  # the replay reports it (E102)
        for batch in batches:
            marker = step_marker(batch.text)
            words = marker[1] if marker else []
            if (marker is not None and marker[0] == "guard") or (len(words) >= 2 and words[1] in _SKIPPED_STEPS):
                continue
            if len(words) >= 3 and words[1] == "data":
                self.fill(key(words[2]))
                continue
            try:
                tokens = tokenize(batch.text, batch.start_line - 1)
            except SqlglotError:
                continue  # the replay reports it (E100)
            if _is_routine(tokens):
                continue
            for piece in split(tokens):
                self.statement(piece, batch.text)

    def statement(self, piece: Slice, source: str) -> None:
        words = [word(t) for t in piece.tokens[:8]]
        if words[0] == "CREATE" and words[1] != "TABLE" and _index_word(words) is not None:
            self.create_index(piece)
        elif words[:2] == ["CREATE", "TABLE"]:
            name = _name_at(piece.tokens, 2)[1]
            self.tables[key(name)] = _Table(name, existed=False, rows=False, create=(piece, source))
            self.created.append(key(name))
        elif words[:2] == ["ALTER", "INDEX"]:
            self.alter_index(piece)
        elif words[:2] == ["ALTER", "TABLE"]:
            after, name = _name_at(piece.tokens, 2)
            if after < len(piece.tokens) and word(piece.tokens[after]) == "REBUILD":
                self.offline_build(piece, name, None, f"ALTER TABLE {name} REBUILD")
            else:
                self.alter_table(_parse(piece, source), piece)
        elif words[:2] == ["DROP", "TABLE"]:
            self.drop_tables(_parse(piece, source), piece)
        elif words[0] in ("EXEC", "EXECUTE"):
            self.rename(piece)
        elif words[0] == "INSERT":
            at = 2 if words[1] == "INTO" else 1
            self.fill(key(_name_at(piece.tokens, at)[1]))
        elif words[0] == "UPDATE":
            self.update(_parse(piece, source))

    def fill(self, table_key: str) -> None:
        found = self.table(table_key)
        if found is not None:
            found.rows = True

    # -- statements ---------------------------------------------------------------------------------
    def drop_tables(self, tree: exp.Expression | None, piece: Slice) -> None:
        if not isinstance(tree, exp.Drop):
            return
        for target in tree.args.get("tables") or []:
            table_key = key(_dotted(target))
            found = self.table(table_key)
            if found is None:
                continue
            self.tables[table_key] = None
            if found.existed:
                hit = self.hit(
                    line_of(target, piece.line), "E810", found.name,
                    f"DROP TABLE {found.name}: the table exists before this script, and its rows are lost",
                )
                self.dropped_tables.append((table_key, found.columns or {}, hit))

    def alter_table(self, tree: exp.Expression | None, piece: Slice) -> None:
        if not isinstance(tree, exp.Alter) or (tree.args.get("kind") or "").upper() != "TABLE":
            return
        table_key = key(_dotted(tree.this))
        found = self.table(table_key)
        if found is None:
            return
        for action in tree.args.get("actions") or []:
            at = line_of(action, piece.line)
            if isinstance(action, exp.ColumnDef):
                self.add_column(found, table_key, action, at)
            elif isinstance(action, exp.Drop) and (action.args.get("kind") or "COLUMN").upper() == "COLUMN":
                for column in action.args.get("tables") or []:
                    self.drop_column(found, table_key, column.name, line_of(column, at))
            elif isinstance(action, exp.AlterColumn) and action.args.get("dtype") is not None:
                self.alter_column(found, table_key, action, at)

    def add_column(self, table: _Table, table_key: str, action: exp.ColumnDef, line: int) -> None:
        kinds = [c.args.get("kind") for c in action.args.get("constraints") or []]
        dtype = action.args.get("kind")
        type_ = type_text(dtype) if dtype is not None else None
        not_null = any(isinstance(k, exp.NotNullColumnConstraint) and not k.args.get("allow_null") for k in kinds)
        filled = any(isinstance(k, (exp.DefaultColumnConstraint, exp.GeneratedAsIdentityColumnConstraint, exp.ComputedColumnConstraint)) for k in kinds)
        filled = filled or dtype is None or canonical(type_) in ("rowversion", "timestamp")
        if not_null and not filled and table.rows:
            target = f"{table.name}.{action.name}"
            self.hit(
                line, "E813", target,
                f"ALTER TABLE {table.name} ADD {action.name} {type_} NOT NULL without a DEFAULT: it fails on a table that "
                f"holds rows; give it a DEFAULT, or add it NULL, fill it and then ALTER COLUMN … NOT NULL",
            )
        table.columns[action.name.lower()] = _Column(type_, not not_null, new=True)
        self.added_columns.append((table_key, action.name, canonical(type_)))

    def drop_column(self, table: _Table, table_key: str, name: str, line: int) -> None:
        column = table.columns.pop(name.lower(), None)
        if column is None or column.new or not table.rows:
            return
        target = f"{table.name}.{name}"
        hit = self.hit(line, "E811", target, f"ALTER TABLE {table.name} DROP COLUMN {name}: the column's data is lost")
        self.dropped_columns.append((table_key, name, canonical(column.type), hit))

    def alter_column(self, table: _Table, table_key: str, action: exp.AlterColumn, line: int) -> None:
        column = table.columns.get(action.name.lower())
        new_type = type_text(action.args["dtype"])
        allow_null = action.args.get("allow_null")
        nullable = allow_null is None or bool(allow_null)
        if column is None:
            return
        target = f"{table.name}.{action.name}"
        statement = f"ALTER TABLE {table.name} ALTER COLUMN {action.name}"
        reason = narrowing(column.type, new_type) if table.rows and not column.new else None
        if reason:
            self.hit(
                line, "E812", target,
                f"{statement}: {column.type} -> {new_type} holds less ({reason}); a value that does not fit fails the "
                "statement or is changed for good",
            )
        if not nullable and column.nullable and table.rows and (table_key, action.name.lower()) not in self.backfilled:
            self.hit(
                line, "E813", target,
                f"{statement} … NOT NULL: the column allows NULL, and the statement fails on a row that holds one; "
                f"fill it first in this script (UPDATE {table.name} SET {action.name} = …)",
            )
        column.type, column.nullable = new_type, nullable

    def update(self, tree: exp.Expression | None) -> None:
        if not isinstance(tree, exp.Update) or not isinstance(tree.this, exp.Table):
            return
        table_key = key(_dotted(tree.this))
        for assignment in tree.expressions:
            if isinstance(assignment, exp.EQ) and isinstance(assignment.this, exp.Column):
                self.backfilled.add((table_key, assignment.this.name.lower()))

    def rename(self, piece: Slice) -> None:
        tokens = piece.tokens
        after, procedure = _name_at(tokens, 1)
        if procedure.lower() not in ("sp_rename", "sys.sp_rename"):
            return
        args = [t.text for t in tokens[after:] if t.token_type in (TokenType.STRING, TokenType.NATIONAL_STRING)]
        if len(args) < 2:
            return
        parts = args[0].replace("[", "").replace("]", "").split(".")
        kind = args[2].upper() if len(args) > 2 else "OBJECT"
        if kind == "COLUMN" and len(parts) == 3:
            table_key = key(*parts[:2])
            self.renamed.add(table_key)
            found = self.table(table_key)
            if found is not None and parts[2].lower() in found.columns:
                found.columns[args[1].lower()] = found.columns.pop(parts[2].lower())
        elif kind == "OBJECT" and len(parts) == 2:
            old, new = key(*parts), key(parts[0], args[1])
            self.renamed |= {old, new}
            found = self.table(old)
            if found is not None:
                self.tables[old] = None
                found.name = f"{parts[0]}.{args[1]}"
                self.tables[new] = found

    def create_index(self, piece: Slice) -> None:
        tokens = piece.tokens
        words = [word(t) for t in tokens]
        at = _index_word(words)
        name = tokens[at + 1].text if at + 1 < len(tokens) else ""
        on = words.index("ON", at) if "ON" in words[at:] else len(tokens)
        _, table_name = _name_at(tokens, on + 1)
        options = _with_options(tokens, on + 1)
        found = self.table(key(table_name))
        if options.get("DROP_EXISTING") == "ON":
            what = f"CREATE INDEX {name} … WITH (DROP_EXISTING = ON) rebuilds the index offline"
        elif found is not None and found.existed:
            what = f"CREATE INDEX {name} builds the index offline on a table that exists before this script"
        else:
            return
        self.offline_build(piece, table_name, name, what, options)

    def alter_index(self, piece: Slice) -> None:
        tokens = piece.tokens
        words = [word(t) for t in tokens]
        if "REBUILD" not in words or "ON" not in words:
            return  # REORGANIZE is always online; DISABLE builds nothing
        name = tokens[2].text
        _, table_name = _name_at(tokens, words.index("ON") + 1)
        index = None if name.upper() == "ALL" else name
        self.offline_build(piece, table_name, index, f"ALTER INDEX {name} ON {table_name} REBUILD")

    def offline_build(self, piece: Slice, table_name: str, index: str | None, what: str, options: dict | None = None) -> None:
        table_key = key(table_name)
        if table_key not in self.large:
            return
        options = options if options is not None else _with_options(piece.tokens, 2)
        if options.get("ONLINE") == "ON":
            return
        found = self.table(table_key)
        name = found.name if found is not None else table_name
        self.hit(
            piece.line, "E814", f"{name}.{index}" if index else name,
            f"{what}: {name} is a large table ([tool.wsdb] large-tables), and an offline build blocks its writes "
            f"(and reads, for a clustered index or a rebuild) until it ends; add WITH (ONLINE = ON), {_ONLINE_NOTE}",
        )

    # -- renames --------------------------------------------------------------------------------------
    def renames(self) -> None:
        """Turn a drop whose data reappears under another name in the same script into E815."""
        for table_key, name, type_, hit in self.dropped_columns:
            if table_key in self.renamed:
                continue
            twin = next((n for k, n, t in self.added_columns if k == table_key and t == type_ and n.lower() != name.lower()), None)
            if twin is not None:
                table = hit.target.rsplit(".", 1)[0]
                self._rename_hit(
                    hit,
                    f"ALTER TABLE {table} DROP COLUMN {name} and ADD {twin} of the same type ({type_}) in one script: "
                    f"a rename that loses the data of {name}; rename it with EXEC sp_rename N'{hit.target}', N'{twin}', N'COLUMN'",
                )
        for table_key, columns, hit in self.dropped_tables:
            shape = {(n, canonical(c.type)) for n, c in columns.items()}
            for created in self.created:
                table = self.tables.get(created)
                if created == table_key or created in self.renamed or table_key in self.renamed or table is None:
                    continue
                if shape and {(n, canonical(c.type)) for n, c in self.table(created).columns.items()} == shape:
                    new_name = table.name.rpartition(".")[2]
                    self._rename_hit(
                        hit,
                        f"DROP TABLE {hit.target} and CREATE TABLE {table.name} with the same columns in one script: a rename "
                        f"that loses the rows; rename it with EXEC sp_rename N'{hit.target}', N'{new_name}'",
                    )
                    break

    def _rename_hit(self, hit: _Hit, message: str) -> None:
        self.hits.remove(hit)
        self.hit(hit.line, "E815", hit.target, message)


def lint_script(
    path: str, text: str, state: Catalog, large: set[str] | None, sink: FindingSink,
    elsewhere: list[Acknowledgement] | tuple = (), *, released: bool = False,
) -> None:
    """Lint one script (``path`` relative to the root) against ``state``, the schema before it; report to ``sink``.

    Findings the script's header (or ``elsewhere``: the acknowledgements file, for a released script)
    acknowledges are dropped; acknowledgements that match nothing (W816) or are not understood or give no
    reason (W817) are reported. ``large`` None: no large-tables setting.
    """
    script = _Script(state, large or set())
    if _worth_reading(text, state, script.large):
        script.read(text)
    script.renames()
    acknowledgements, problems = header_acknowledgements(text)
    acknowledgements += list(elsewhere)
    for line, problem in problems:
        sink.add(path, line, "W817", problem)
    for hit in script.hits:
        matches = [a for a in acknowledgements if a.code == hit.code and a.target.lower() == hit.target.lower()]
        for acknowledgement in matches:
            acknowledgement.used = True
        if not matches:
            message = hit.message
            if released:
                advice = _how_to_acknowledge_released(PurePosixPath(path).stem, hit.code, hit.target)
                message = message.replace(_how_to_acknowledge(hit.code, hit.target), advice)
            sink.add(path, hit.line, hit.code, message)
    for acknowledgement in acknowledgements:
        if not acknowledgement.used and not (large is None and acknowledgement.code == "E814"):
            sink.add(
                acknowledgement.path or path, acknowledgement.line, "W816",
                f"Acknowledges {acknowledgement.code} {acknowledgement.target}: {PurePosixPath(path).stem} has no such finding; "
                "remove the acknowledgement",
            )


# -- helpers ----------------------------------------------------------------------------------------


def _worth_reading(text: str, state: Catalog, large: set[str]) -> bool:
    """Whether the script names a statement that can be flagged (a cheap text test, never a false negative)."""
    if _TRIGGERS.search(text):
        return True
    lowered = text.lower()
    if "index" not in lowered:
        return False
    for table_key in large & set(state.tables):
        schema, _, name = table_key.partition(".")
        if name in lowered and re.search(rf"\[?\b{re.escape(schema)}\]?\s*\.\s*\[?{re.escape(name)}\b", text, re.IGNORECASE):
            return True
    return False


def _from_model(table: Table) -> _Table:
    columns = {n: _Column(c.type, c.nullable) for n, c in table.columns.items()}
    return _Table(table.full_name, existed=True, rows=True, columns=columns)


def _created_columns(piece: Slice, source: str) -> dict[str, _Column]:
    tree = _parse(piece, source)
    schema = tree.this if isinstance(tree, exp.Create) else None
    columns = {}
    for element in schema.expressions if isinstance(schema, exp.Schema) else []:
        if isinstance(element, exp.ColumnDef):
            kinds = [c.args.get("kind") for c in element.args.get("constraints") or []]
            not_null = any(isinstance(k, exp.NotNullColumnConstraint) and not k.args.get("allow_null") for k in kinds)
            dtype = element.args.get("kind")
            columns[element.name.lower()] = _Column(type_text(dtype) if dtype is not None else None, not not_null)
    return columns


def _parse(piece: Slice, source: str) -> exp.Expression | None:
    try:
        return parse_slice(piece, source)
    except StatementError:
        return None  # the replay reports it (E100)


def _is_routine(tokens: list[Token]) -> bool:
    words = [word(t) for t in tokens[:4]]
    if words[:1] != ["CREATE"] and words[:1] != ["ALTER"]:
        return False
    rest = words[3:4] if words[1:3] == ["OR", "ALTER"] else words[1:2]
    return bool(rest) and rest[0] in _ROUTINES


def _index_word(words: list[str | None]) -> int | None:
    """Position of the INDEX keyword of a CREATE … INDEX (the tokenizer joins ``NONCLUSTERED INDEX`` into one)."""
    return next((i for i, w in enumerate(words[:5]) if w and w.split()[-1] == "INDEX"), None)


def _name_at(tokens: list[Token], i: int) -> tuple[int, str]:
    """(index after, dotted name) of the name starting at token ``i`` (``IF EXISTS`` stepped over)."""
    if [word(t) for t in tokens[i : i + 2]] == ["IF", "EXISTS"]:
        i += 2
    after, parts = _dotted_at(tokens, i)
    return after, ".".join(parts)


def _with_options(tokens: list[Token], start: int) -> dict[str, str]:
    """``NAME -> VALUE`` of the ``WITH (…)`` option list at parenthesis depth 0 after ``start``."""
    found = with_clause(tokens, start)
    return option_values(found[2]) if found else {}


__all__ = ["ACKNOWLEDGEABLE", "acknowledge_line", "header_acknowledgements", "large_tables", "lint_script", "narrowing"]
