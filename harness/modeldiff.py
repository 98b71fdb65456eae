"""Compare two offline schema models and list every difference.

``diff_catalogs(expected, actual)`` walks two :class:`~harness.model.Catalog` objects (for example the
model read from ``sql/`` and the model of the database the migrations build) and returns one
:class:`Difference` per thing that differs, each pointing at the file and line of the expected side (or
of the actual side for objects only it has). The labels name the two sides in the messages, verbatim,
so the same function serves "in sql/ vs after migrations" and "in sql/ vs in the database".

What is compared:

* schemas, tables, views, procedures and functions, data scripts: present on both sides or not;
* columns: type (through :func:`harness.types.canonical`, so ``INT`` equals ``int`` and ``datetime2``
  equals ``datetime2(7)``), nullability, identity, computed expression and PERSISTED, default
  expression and default constraint name;
* named constraints (PK, UQ, FK, CK) by name: kind, columns, referenced table and columns,
  clustering, CHECK expression; unnamed ones as a multiset of their shape;
* indexes by name: uniqueness, clustering, keys with direction, included columns, filter, aliases;
* descriptions of schemas, tables, columns, indexes, views and routines;
* view definitions, view output columns (when the resolver filled them on both sides);
* routine kind, parameters (in order), RETURNS, body statements or inline TVF query, and a table-valued
  function's output columns (when the resolver filled them on both sides);
* data script bodies.

Names are compared case-insensitively (SQL Server's default collation). Column ORDER is deliberately
not compared: ``ALTER TABLE … ADD`` appends columns, so a replayed migration legitimately orders them
differently from ``sql/``, and a table's physical column order carries no meaning for this package.

SQL text (CHECK and DEFAULT expressions, computed columns, index filters, view and inline function
queries) is compared as a canonical sqlglot tree: comments and layout dropped, identifiers and keywords
case-folded, redundant parentheses (``DEFAULT ((0))``) removed, string literals kept exactly, list order
kept (a reordered ``IN`` list is a changed definition). Routine bodies and data scripts are compared
statement by statement on their tokens, with the same rules.

``server_forms=True`` (``wsdb verify``: ``sql/`` against a live catalog) compares CHECK, DEFAULT,
computed-column and index-filter expressions in the form SQL Server stores them instead, on both sides
(:func:`server_form`): ``IN``/``NOT IN`` become ``=``/``<>`` chains, ``BETWEEN`` a ``>= AND <=`` pair,
``NOT LIKE`` a ``NOT … LIKE``, ``CAST`` a ``CONVERT`` (style 0 dropped), every parenthesis goes, and AND/OR
chains are flattened and sorted, since SQL Server rewrites ``x IN ('a', 'b')`` as ``([x]='b' OR [x]='a')``.
A different literal, column or operator is still a difference. Messages then quote both sides in that
form. Views and routines are compared exactly as without it.

DF and COMPUTED entries of ``Table.constraints`` are not compared as constraints: the column comparison
covers them (default expression and name, computed expression), so nothing is reported twice.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from enum import Enum
from typing import Any, Callable, Iterator

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError, TokenError

from .model import Catalog, Column, Constraint, Index, Location, Parameter, Routine, Script, Table, View, key
from .statements import tokenize
from .types import canonical

SHORT = 60  # longest text (description, expression) quoted in a message


@dataclass(frozen=True)
class Difference:
    path: str  # file of the object on the expected side (actual side for objects only it has)
    line: int  # line there
    subject: str  # e.g. "app.signal.contact_phone", "app.signal index UX_signal_dedupe", "schema app"
    message: str  # one line, starting with the subject


def diff_catalogs(
    expected: Catalog,
    actual: Catalog,
    expected_label: str = "in sql/",
    actual_label: str = "after migrations",
    *,
    server_forms: bool = False,
) -> list[Difference]:
    """Every difference between two catalogs, sorted by (path, line, message).

    ``server_forms`` compares CHECK, DEFAULT, computed and filter expressions through
    :func:`server_form`, so the text SQL Server stores equals the text it was created from.
    """
    differ = _Differ(expected, actual, expected_label, actual_label, server_forms=server_forms)
    differ.run()
    return sorted(differ.out, key=lambda d: (d.path, d.line, d.message))


# -- canonical SQL trees ------------------------------------------------------------------------

_LITERALS = (exp.Literal, exp.National, exp.RawString, exp.HexString, exp.ByteString, exp.BitString)
_OPERATORS = (exp.Binary, exp.Unary, exp.Predicate, exp.Connector)
_ATOMS = (exp.Literal, exp.National, exp.Null, exp.Boolean, exp.Column, exp.Identifier, exp.Var, exp.Parameter, exp.Paren)

Node = tuple  # (depth, parent key, class name, primitive args)


def _is_redundant_paren(node: exp.Expression, parent: exp.Expression | None) -> bool:
    """Parentheses that change nothing: around the whole expression, an atom, a call, or a WHERE."""
    if not isinstance(node, exp.Paren) or not isinstance(node.this, exp.Expression):
        return False
    inner = node.this
    if parent is None or isinstance(parent, (exp.Paren, exp.Where, exp.Having)):
        return True
    return isinstance(inner, _ATOMS) or (isinstance(inner, exp.Func) and not isinstance(inner, _OPERATORS))


def _unwrap(node: exp.Expression, parent: exp.Expression | None) -> exp.Expression:
    """``node`` without its redundant parentheses."""
    while _is_redundant_paren(node, parent):
        node = node.this
    return node


def _primitive(node: exp.Expression, name: str, value: Any) -> Any:
    """A comparable form of a non-expression argument: names case-folded, literal text kept."""
    if isinstance(value, Enum):
        return str(value)
    if isinstance(value, str):
        return value if isinstance(node, _LITERALS) and name == "this" else value.lower()
    if isinstance(value, list):
        return tuple(_primitive(node, name, v) for v in value)
    return value


def _arg_keys(node: exp.Expression) -> list[str]:
    """Argument names in the class's declared order (source order), then any others sorted."""
    declared = [k for k in type(node).arg_types if k in node.args]
    return declared + sorted(k for k in node.args if k not in type(node).arg_types)


def _walk(root: exp.Expression) -> Iterator[tuple[Node, exp.Expression]]:
    """Pre-order walk yielding each node's canonical signature and the node itself (no recursion)."""
    stack: list[tuple[exp.Expression, exp.Expression | None, int, str]] = [(root, None, 0, "")]
    while stack:
        node, parent, depth, where = stack.pop()
        node = _unwrap(node, parent)
        primitives = []
        children: list[tuple[exp.Expression, exp.Expression, int, str]] = []
        for name in _arg_keys(node):
            value = node.args[name]
            if isinstance(node, exp.Identifier) and name == "quoted":
                continue
            items = value if isinstance(value, list) else [value]
            if any(isinstance(v, exp.Expression) for v in items):
                children.extend((v, node, depth + 1, name) for v in items if isinstance(v, exp.Expression))
            elif value not in (None, False, [], ""):
                primitives.append((name, _primitive(node, name, value)))
        yield (depth, where, type(node).__name__, tuple(primitives)), node
        stack.extend(reversed(children))


def tree_signature(tree: exp.Expression | None) -> tuple[Node, ...]:
    """Canonical, hashable form of a sqlglot tree (comments, layout, name case, spare parentheses ignored)."""
    return tuple(sig for sig, _ in _walk(tree)) if tree is not None else ()


def _first_tree_difference(a: exp.Expression, b: exp.Expression) -> int | None:
    """Index in ``a``'s pre-order walk of the first node that differs from ``b``'s (None when equal)."""
    walk_a, walk_b = list(_walk(a)), list(_walk(b))
    for i, ((sig_a, _), (sig_b, _)) in enumerate(zip(walk_a, walk_b)):
        if sig_a != sig_b:
            return i
    return None if len(walk_a) == len(walk_b) else min(len(walk_a), len(walk_b))


def _line_near(tree: exp.Expression, index: int, default: int) -> int:
    """Source line of the node at ``index`` of the walk: its first identifier's, else the nearest before."""
    nodes = [node for _, node in _walk(tree)]
    for node in nodes[index : index + 1]:
        for candidate in node.walk():
            line = (candidate.meta or {}).get("line") if isinstance(candidate, exp.Identifier) else None
            if line:
                return line
    for node in reversed(nodes[:index]):
        line = (node.meta or {}).get("line") if isinstance(node, exp.Identifier) else None
        if line:
            return line
    return default


def _parse(text: str | None, predicate: bool = False) -> exp.Expression | None:
    """Parse a T-SQL expression (a predicate when ``predicate``); None when it does not parse."""
    if text is None:
        return None
    try:
        if predicate:
            where = sqlglot.parse_one(f"SELECT 1 WHERE {text}", read="tsql").args.get("where")
            return where.this if where is not None else None
        return sqlglot.parse_one(f"SELECT {text}", read="tsql").expressions[0]
    except (SqlglotError, IndexError, AttributeError):
        return None


def _expression_key(tree: exp.Expression | None, text: str | None, predicate: bool = False) -> tuple:
    """Comparable form of an expression given as a tree, or as text when there is no tree."""
    if tree is None:
        tree = _parse(text, predicate)
    if tree is not None:
        return ("tree", tree_signature(tree))
    return ("text", _text_key(text)) if text is not None else ()


def _sql(tree: exp.Expression | None, text: str | None = None) -> str:
    """One-line SQL of an expression for a message, shortened."""
    if tree is not None:
        text = tree.sql(dialect="tsql", comments=False)
    return _short(" ".join((text or "").split()))


# -- SQL Server's stored forms ------------------------------------------------------------------

_COMPARISONS = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE)
_ARITHMETIC = (exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Mod)


def server_form(tree: exp.Expression | None) -> exp.Expression | None:
    """A copy of ``tree`` rewritten into the shape SQL Server stores, so that equal meanings compare equal.

    SQL Server keeps a CHECK, DEFAULT, computed column or index filter as text it regenerates: ``IN``
    lists become OR chains (in reverse), ``NOT IN`` AND chains of ``<>``, ``BETWEEN`` a ``>= AND <=`` pair,
    ``CAST`` a ``CONVERT``, and it adds parentheses and brackets and lower-cases functions. Here both sides
    take one form: those expansions, no parentheses (the tree keeps the grouping), ``NOT x LIKE y`` for
    ``x NOT LIKE y``, CONVERT style 0 (the default) dropped, and every AND / OR chain flattened and its
    operands sorted. Name case and bracket quoting are already ignored by :func:`tree_signature`.
    """
    if tree is None:
        return None
    return _canonical(tree.copy())


def _operand_order(node: exp.Expression) -> tuple[str, str]:
    """Sort key of an AND/OR operand: its readable text (name case and quoting folded), then its signature."""
    return (_display(node).lower(), repr(tree_signature(node)))


def _chain(kind: type, operands: list[exp.Expression]) -> exp.Expression:
    """``operands`` joined by AND or OR: nested chains of the same kind flattened, operands sorted."""
    flat: list[exp.Expression] = []
    for operand in operands:
        flat.extend(operand.flatten() if isinstance(operand, kind) else [operand])
    flat.sort(key=_operand_order)
    node = flat[0]
    for operand in flat[1:]:
        node = kind(this=node, expression=operand)
    return node


def _expand(node: exp.Expression) -> exp.Expression:
    """Rewrite one node (before its children): parentheses, IN, NOT IN, BETWEEN, NOT LIKE, CAST."""
    while isinstance(node, exp.Paren) and isinstance(node.this, exp.Expression):
        node = node.this
    if isinstance(node, (exp.Like, exp.ILike, exp.In, exp.Between)) and node.args.get("negate"):
        node.set("negate", None)
        return _expand(exp.Not(this=node))
    if isinstance(node, exp.Not):
        inner = node.this
        while isinstance(inner, exp.Paren):
            inner = inner.this
        if isinstance(inner, exp.In) and inner.expressions and not inner.args.get("query"):
            return exp.and_(*(exp.NEQ(this=inner.this.copy(), expression=v) for v in inner.expressions), wrap=False)
        if isinstance(inner, exp.Between):
            low = exp.LT(this=inner.this.copy(), expression=inner.args["low"])
            return exp.or_(low, exp.GT(this=inner.this, expression=inner.args["high"]), wrap=False)
        node.set("this", inner)
        return node
    if isinstance(node, exp.In) and node.expressions and not node.args.get("query"):
        return exp.or_(*(exp.EQ(this=node.this.copy(), expression=v) for v in node.expressions), wrap=False)
    if isinstance(node, exp.Between):
        low = exp.GTE(this=node.this.copy(), expression=node.args["low"])
        return exp.and_(low, exp.LTE(this=node.this, expression=node.args["high"]), wrap=False)
    if isinstance(node, exp.Cast):  # TryCast included
        return exp.Convert(this=node.args["to"], expression=node.this, safe=node.args.get("safe") or None)
    return node


def _canonical(node: exp.Expression) -> exp.Expression:
    """:func:`server_form` of one (copied) node: rewrite it, then its children, then sort its chains."""
    node = _expand(node)
    for name, value in list(node.args.items()):
        if isinstance(value, exp.Expression):
            node.set(name, _canonical(value))
        elif isinstance(value, list):
            node.set(name, [_canonical(v) if isinstance(v, exp.Expression) else v for v in value])
    if isinstance(node, exp.Convert):
        style = node.args.get("style")
        if isinstance(style, exp.Literal) and not style.is_string and style.this in ("0", 0):
            node.set("style", None)
        node.set("_type", None)
    if isinstance(node, (exp.And, exp.Or)):
        return _chain(type(node), [node.left, node.right])
    return node


def _display(tree: exp.Expression) -> str:
    """One-line T-SQL of a canonical tree, brackets dropped, parentheses put back where grouping needs them."""
    shown = tree.copy()
    for identifier in shown.find_all(exp.Identifier):
        identifier.set("quoted", False)
    for node in reversed(list(shown.walk())):  # children before their parents
        if _needs_parens(node, node.parent):
            node.replace(exp.Paren(this=node.copy()))
    return " ".join(shown.sql(dialect="tsql", comments=False).split())


def _needs_parens(node: exp.Expression, parent: exp.Expression | None) -> bool:
    """Whether ``node`` must be parenthesised under ``parent`` to keep the tree's grouping."""
    if isinstance(node, exp.Connector):
        return (isinstance(node, exp.Or) and isinstance(parent, exp.And)) or isinstance(parent, (exp.Not, *_COMPARISONS, *_ARITHMETIC))
    if isinstance(node, _ARITHMETIC) and isinstance(parent, _ARITHMETIC):
        rank, parent_rank = (1 if isinstance(n, (exp.Add, exp.Sub)) else 2 for n in (node, parent))
        return rank < parent_rank or (rank == parent_rank and node.arg_key == "expression")
    return False


# -- statement text -----------------------------------------------------------------------------

_STRING_TOKENS = {"STRING", "NATIONAL_STRING", "RAW_STRING", "HEX_STRING", "BIT_STRING", "BYTE_STRING"}


def _text_key(text: str | None) -> tuple:
    """Tokens of a T-SQL fragment with comments and layout dropped and names and keywords case-folded.

    String literals keep their exact text (so ``strip_comments`` plus lower-casing, which would fold
    them, is not used). Text that cannot be tokenized (an unterminated string) is compared with its
    whitespace collapsed and its letters lower-cased.
    """
    if text is None:
        return ()
    try:
        tokens = tokenize(text)  # comments, nested ones included, are not tokens
    except TokenError:
        return ("raw", " ".join(text.lower().split()))
    out = []
    for token in tokens:
        kind = token.token_type.name
        if kind in _STRING_TOKENS:
            out.append((kind, token.text))
        else:
            out.append(("WORD" if kind in ("IDENTIFIER", "VAR") else kind, token.text.lower()))
    return tuple(out)


# -- small helpers ------------------------------------------------------------------------------


def _short(text: str, width: int = SHORT) -> str:
    """``text`` cut to about ``width`` characters."""
    return text if len(text) <= width else text[: width - 3].rstrip() + "..."


def _short_pair(a: str, b: str, width: int = SHORT) -> tuple[str, str]:
    """Both texts shortened around their first difference, so the shortened forms still differ."""
    if len(a) <= width and len(b) <= width:
        return a, b
    first = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    start = max(0, first - width // 3)

    def cut(text: str) -> str:
        piece = text[start : start + width - 6]
        return ("..." if start else "") + piece + ("..." if start + width - 6 < len(text) else "")

    return cut(a), cut(b)


def _names(items: list[str]) -> list[str]:
    """Case-folded names."""
    return [i.lower() for i in items]


def _listing(items: list[str]) -> str:
    """``(a, b)``."""
    return "(" + ", ".join(items) + ")"


def _predicate_text(predicate) -> str:
    on = f" {predicate.operation}" if predicate.operation else ""
    return f"{predicate.kind} PREDICATE {predicate.function}({', '.join(predicate.arguments)}) ON {predicate.table}{on}"


def _clustered(constraint: Constraint) -> bool:
    """Effective clustering: a PK is clustered and a UNIQUE constraint nonclustered unless said otherwise."""
    if constraint.clustered is not None:
        return constraint.clustered
    return constraint.kind == "PK"


_KIND_WORDS = {"PK": "PRIMARY KEY", "UQ": "UNIQUE", "FK": "FOREIGN KEY", "CK": "CHECK", "DF": "DEFAULT"}


def _constraint_columns(constraint: Constraint) -> tuple[str, ...]:
    """Columns of a constraint as compared: in order for keys, as a set for CHECK."""
    names = _names(constraint.columns)
    return tuple(sorted(set(names))) if constraint.kind == "CK" else tuple(names)


def _ref_columns(constraint: Constraint, catalog: Catalog) -> tuple[str, ...]:
    """Referenced columns of a foreign key; when not written, the referenced table's primary key."""
    if constraint.ref_columns or constraint.kind != "FK" or not constraint.ref_table:
        return tuple(_names(constraint.ref_columns))
    target = catalog.tables.get(constraint.ref_table.lower())
    pk = target.primary_key() if target is not None else None
    return tuple(_names(pk.columns)) if pk is not None else ()


def _index_keys(index: Index) -> list[tuple[str, bool]]:
    """Index keys, case-folded, in order, with their direction."""
    return [(column.lower(), bool(desc)) for column, desc in index.keys]


def _key_text(keys: list[tuple[str, bool]]) -> str:
    """``(a, b DESC)``."""
    return _listing([f"{c} DESC" if d else c for c, d in keys])


# -- the comparison ------------------------------------------------------------------------------


class _Differ:
    """Walks both catalogs and collects differences in ``out``."""

    def __init__(
        self, expected: Catalog, actual: Catalog, expected_label: str, actual_label: str, *, server_forms: bool = False
    ) -> None:
        self.expected = expected
        self.actual = actual
        self.el = expected_label
        self.al = actual_label
        self.server_forms = server_forms
        self.out: list[Difference] = []

    # -- expressions -------------------------------------------------------------------------
    def _key(self, tree: exp.Expression | None, text: str | None, predicate: bool = False) -> tuple:
        """Comparable form of a CHECK / DEFAULT / computed / filter expression (see ``server_forms``)."""
        if not self.server_forms:
            return _expression_key(tree, text, predicate)
        tree = tree if tree is not None else _parse(text, predicate)
        if tree is None:
            return ("text", _text_key(text)) if text is not None else ()
        return ("tree", tree_signature(server_form(tree)))

    def _check(self, tree: exp.Expression | None) -> tuple:
        """Comparable form of a CHECK constraint's expression."""
        return tree_signature(server_form(tree) if self.server_forms else tree)

    def _shown(self, tree: exp.Expression | None, text: str | None = None, predicate: bool = False) -> str:
        """An expression as a message quotes it: as written, or in its server form under ``server_forms``."""
        if self.server_forms:
            canonical_tree = server_form(tree if tree is not None else _parse(text, predicate))
            if canonical_tree is not None:
                return _display(canonical_tree)
        return _sql(tree, text)

    # -- reporting ---------------------------------------------------------------------------
    def add(self, location: Location, subject: str, what: str) -> None:
        """Record ``subject: what`` at ``location`` (line breaks in quoted text become spaces)."""
        message = re.sub(r"\s*[\r\n]+\s*", " ", f"{subject}: {what}")
        self.out.append(Difference(location.path, location.line, subject, message))

    def pair(self, location: Location, subject: str, expected: str, actual: str) -> None:
        """Record ``subject: <expected> <expected label>, <actual> <actual label>``."""
        self.add(location, subject, f"{expected} {self.el}, {actual} {self.al}")

    def missing(self, location: Location, subject: str, noun: str = "") -> None:
        """Something the expected side has and the actual side lacks."""
        self.pair(location, subject, f"{noun}exists", "missing")

    def extra(self, location: Location, subject: str, noun: str = "") -> None:
        """Something only the actual side has (``location`` is the actual side's)."""
        self.pair(location, subject, f"{noun}missing", "exists")

    def presence(
        self,
        expected: dict[str, Any],
        actual: dict[str, Any],
        subject: Callable[[Any], str],
        location_of: Callable[[Any], Location],
        noun: str | Callable[[Any], str] = "",
    ) -> list[tuple[Any, Any]]:
        """Report keys present on one side only; return the (expected, actual) pairs present on both.

        ``noun`` ("table ", or a function of the item) goes before "exists" / "missing".
        """
        noun_of = noun if callable(noun) else (lambda _item: noun)
        both = []
        for k, item in expected.items():
            if k in actual:
                both.append((item, actual[k]))
            else:
                self.missing(location_of(item), subject(item), noun_of(item))
        for k, item in actual.items():
            if k not in expected:
                self.extra(location_of(item), subject(item), noun_of(item))
        return both

    def description(self, location: Location, subject: str, expected: str | None, actual: str | None) -> None:
        """Report a description that differs or is missing on one side."""
        if (expected or None) == (actual or None):
            return
        if expected and actual:
            a, b = _short_pair(expected, actual)
            self.pair(location, subject, f'description differs: "{a}"', f'"{b}"')
        elif expected:
            self.pair(location, subject, f'has description "{_short(expected)}"', "has no description")
        else:
            self.pair(location, subject, "has no description", f'has description "{_short(actual or "")}"')

    # -- entry ---------------------------------------------------------------------------------
    def run(self) -> None:
        """Compare every kind of object."""
        self.schemas()
        for expected, actual in self.presence(
            self.expected.tables, self.actual.tables, lambda t: t.full_name, lambda t: t.location, "table "
        ):
            self.table(expected, actual)
        for expected, actual in self.presence(
            self.expected.views, self.actual.views, lambda v: v.full_name, lambda v: v.location, "view "
        ):
            self.view(expected, actual)
        for expected, actual in self.presence(
            self.expected.routines, self.actual.routines, lambda r: r.full_name, lambda r: r.location, lambda r: f"{r.kind} "
        ):
            self.routine(expected, actual)
        for expected, actual in self.presence(
            self.expected.policies, self.actual.policies, lambda p: p.full_name, lambda p: p.location, "security policy "
        ):
            self.policy(expected, actual)
        self.scripts()

    def schemas(self) -> None:
        """Schemas present on one side only; schema descriptions."""
        for expected, actual in self.presence(
            self.expected.schemas, self.actual.schemas, lambda s: f"schema {s.name}", lambda s: s.location
        ):
            self.description(expected.location, f"schema {expected.name}", expected.description, actual.description)

    # -- tables ------------------------------------------------------------------------------
    def table(self, expected: Table, actual: Table) -> None:
        """Columns, constraints, indexes and the description of one table."""
        name = expected.full_name
        self.description(expected.location, name, expected.description, actual.description)
        for column, other in self.presence(
            expected.columns,
            actual.columns,
            lambda c: f"{name}.{c.name}",
            lambda c: c.location,
            "column ",
        ):
            self.column(expected, column, actual, other)
        self.constraints(expected, actual)
        self.indexes(expected, actual)

    def column(self, table: Table, expected: Column, other_table: Table, actual: Column) -> None:
        """Type, nullability, identity, computed expression, default and description of one column."""
        subject = f"{table.full_name}.{expected.name}"
        at = expected.location
        either_computed = expected.computed is not None or actual.computed is not None
        if not (either_computed and (expected.type is None or actual.type is None)):
            if canonical(expected.type) != canonical(actual.type):
                self.pair(at, subject, expected.type or "no type", actual.type or "no type")
        if expected.nullable != actual.nullable:
            self.pair(at, subject, "NULL" if expected.nullable else "NOT NULL", "NULL" if actual.nullable else "NOT NULL")
        if expected.identity != actual.identity:
            self.pair(at, subject, "IDENTITY" if expected.identity else "no IDENTITY", "IDENTITY" if actual.identity else "no IDENTITY")
        self.computed(subject, at, table, expected, other_table, actual)
        self.default(subject, at, table, expected, other_table, actual)
        self.description(at, subject, expected.description, actual.description)

    @staticmethod
    def _column_expression(table: Table, column: Column, kind: str) -> exp.Expression | None:
        """The sqlglot tree the reader kept for a column's DEFAULT (``DF``) or computed expression."""
        for constraint in table.constraints:
            if constraint.kind == kind and _names(constraint.columns) == [column.name.lower()]:
                return constraint.expression
        return None

    def computed(self, subject: str, at: Location, table: Table, expected: Column, other_table: Table, actual: Column) -> None:
        """Computed expression and PERSISTED."""
        if expected.computed is None and actual.computed is None:
            return
        if (expected.computed is None) != (actual.computed is None):
            self.pair(at, subject, "computed" if expected.computed else "not computed", "computed" if actual.computed else "not computed")
            return
        tree_e = self._column_expression(table, expected, "COMPUTED")
        tree_a = self._column_expression(other_table, actual, "COMPUTED")
        if self._key(tree_e, expected.computed) != self._key(tree_a, actual.computed):
            a, b = _short_pair(self._shown(tree_e, expected.computed), self._shown(tree_a, actual.computed))
            self.pair(at, subject, f"computed as {a}", f"as {b}")
        if expected.persisted != actual.persisted:
            self.pair(at, subject, "PERSISTED" if expected.persisted else "not PERSISTED", "PERSISTED" if actual.persisted else "not PERSISTED")

    def default(self, subject: str, at: Location, table: Table, expected: Column, other_table: Table, actual: Column) -> None:
        """Default expression and default constraint name."""
        if expected.default is None and actual.default is None:
            return
        if (expected.default is None) != (actual.default is None):
            self.pair(
                at,
                subject,
                f"DEFAULT {_short(self._shown(None, expected.default))}" if expected.default else "no DEFAULT",
                f"DEFAULT {_short(self._shown(None, actual.default))}" if actual.default else "no DEFAULT",
            )
            return
        tree_e = self._column_expression(table, expected, "DF")
        tree_a = self._column_expression(other_table, actual, "DF")
        if self._key(tree_e, expected.default) != self._key(tree_a, actual.default):
            a, b = _short_pair(self._shown(tree_e, expected.default), self._shown(tree_a, actual.default))
            self.pair(at, subject, f"DEFAULT {a}", f"DEFAULT {b}")
        if (expected.default_name or "").lower() != (actual.default_name or "").lower():
            self.pair(
                at,
                subject,
                f"default constraint {expected.default_name or 'unnamed'}",
                f"{actual.default_name or 'unnamed'}",
            )

    # -- constraints ---------------------------------------------------------------------------
    @staticmethod
    def _comparable(table: Table) -> list[Constraint]:
        """Constraints compared as constraints (DEFAULT and computed columns are compared with their column)."""
        return [c for c in table.constraints if c.kind not in ("DF", "COMPUTED")]

    def constraints(self, expected: Table, actual: Table) -> None:
        """Named constraints by name, unnamed ones by shape."""
        name = expected.full_name
        named_e = {c.name.lower(): c for c in self._comparable(expected) if c.name}
        named_a = {c.name.lower(): c for c in self._comparable(actual) if c.name}
        for constraint, other in self.presence(
            named_e, named_a, lambda c: f"{name} constraint {c.name}", lambda c: c.location
        ):
            self.constraint(f"{name} constraint {constraint.name}", constraint, other)
        self.unnamed_constraints(expected, actual)

    def constraint(self, subject: str, expected: Constraint, actual: Constraint) -> None:
        """Kind, columns, reference, clustering and CHECK expression of two same-named constraints."""
        at = expected.location
        if expected.kind != actual.kind:
            self.pair(at, subject, _KIND_WORDS.get(expected.kind, expected.kind), _KIND_WORDS.get(actual.kind, actual.kind))
            return
        if _constraint_columns(expected) != _constraint_columns(actual):
            self.pair(at, subject, f"columns {_listing(expected.columns)}", _listing(actual.columns))
        if expected.kind == "FK":
            ref_e = (key(expected.ref_table or ""), _ref_columns(expected, self.expected))
            ref_a = (key(actual.ref_table or ""), _ref_columns(actual, self.actual))
            if ref_e != ref_a:
                self.pair(
                    at,
                    subject,
                    f"references {expected.ref_table} {_listing(list(ref_e[1]))}",
                    f"{actual.ref_table} {_listing(list(ref_a[1]))}",
                )
        if expected.kind in ("PK", "UQ") and _clustered(expected) != _clustered(actual):
            self.pair(at, subject, "CLUSTERED" if _clustered(expected) else "NONCLUSTERED", "CLUSTERED" if _clustered(actual) else "NONCLUSTERED")
        if expected.kind == "CK" and self._check(expected.expression) != self._check(actual.expression):
            a, b = _short_pair(self._shown(expected.expression), self._shown(actual.expression))
            self.pair(at, subject, f"CHECK {a}", f"CHECK {b}")

    def _shape(self, constraint: Constraint, catalog: Catalog) -> tuple:
        """What identifies an unnamed constraint: kind, columns, reference, clustering, expression."""
        return (
            constraint.kind,
            _constraint_columns(constraint),
            key(constraint.ref_table or ""),
            _ref_columns(constraint, catalog),
            _clustered(constraint) if constraint.kind in ("PK", "UQ") else None,
            self._check(constraint.expression) if constraint.kind == "CK" else (),
        )

    @staticmethod
    def _unnamed_subject(table: Table, constraint: Constraint) -> str:
        """``app.t unnamed FOREIGN KEY (a) REFERENCES core.org (org_id)``, ``app.t unnamed CHECK (x > 0)``."""
        words = _KIND_WORDS.get(constraint.kind, constraint.kind)
        if constraint.kind == "CK":
            return f"{table.full_name} unnamed CHECK {_sql(constraint.expression)}"
        text = f"{table.full_name} unnamed {words} {_listing(constraint.columns)}"
        if constraint.kind == "FK":
            text += f" REFERENCES {constraint.ref_table} {_listing(constraint.ref_columns)}"
        return text

    def unnamed_constraints(self, expected: Table, actual: Table) -> None:
        """Unnamed constraints matched as a multiset; one line per constraint without a match."""
        unnamed_e = [c for c in self._comparable(expected) if not c.name]
        unnamed_a = [c for c in self._comparable(actual) if not c.name]
        remaining = Counter(self._shape(c, self.actual) for c in unnamed_a)
        for constraint in unnamed_e:
            shape = self._shape(constraint, self.expected)
            if remaining[shape] > 0:
                remaining[shape] -= 1
            else:
                self.missing(constraint.location, self._unnamed_subject(expected, constraint))
        for constraint in unnamed_a:  # what is left in ``remaining`` found no partner on the expected side
            shape = self._shape(constraint, self.actual)
            if remaining[shape] > 0:
                remaining[shape] -= 1
                self.extra(constraint.location, self._unnamed_subject(actual, constraint))

    # -- indexes -------------------------------------------------------------------------------
    def indexes(self, expected: Table, actual: Table) -> None:
        """Indexes by name."""
        name = expected.full_name
        for index, other in self.presence(
            {i.name.lower(): i for i in expected.indexes},
            {i.name.lower(): i for i in actual.indexes},
            lambda i: f"{name} index {i.name}",
            lambda i: i.location,
        ):
            self.index(f"{name} index {index.name}", index, other)

    def index(self, subject: str, expected: Index, actual: Index) -> None:
        """Uniqueness, clustering, keys, included columns, filter, aliases and description of one index."""
        at = expected.location
        if expected.unique != actual.unique:
            self.pair(at, subject, "UNIQUE" if expected.unique else "not UNIQUE", "UNIQUE" if actual.unique else "not UNIQUE")
        if expected.clustered != actual.clustered:
            self.pair(at, subject, "CLUSTERED" if expected.clustered else "NONCLUSTERED", "CLUSTERED" if actual.clustered else "NONCLUSTERED")
        if _index_keys(expected) != _index_keys(actual):
            self.pair(at, subject, f"keys {_key_text(expected.keys)}", _key_text(actual.keys))
        if set(_names(expected.include)) != set(_names(actual.include)):
            self.pair(at, subject, f"INCLUDE {_listing(expected.include)}", f"INCLUDE {_listing(actual.include)}")
        filter_e = self._key(expected.filter, expected.filter_sql, predicate=True)
        filter_a = self._key(actual.filter, actual.filter_sql, predicate=True)
        if filter_e != filter_a:
            a = f"WHERE {_short(self._shown(expected.filter, expected.filter_sql, True))}" if filter_e else "no filter"
            b = f"WHERE {_short(self._shown(actual.filter, actual.filter_sql, True))}" if filter_a else "no filter"
            self.pair(at, subject, a, b)
        if set(_names(expected.aliases)) != set(_names(actual.aliases)):
            self.pair(at, subject, f"aliases {_listing(sorted(expected.aliases))}", _listing(sorted(actual.aliases)))
        self.description(at, subject, expected.description, actual.description)

    # -- views ---------------------------------------------------------------------------------
    def view(self, expected: View, actual: View) -> None:
        """Definition (canonical query), output columns and description of one view."""
        subject = expected.full_name
        self.description(expected.location, subject, expected.description, actual.description)
        if expected.query is not None and actual.query is not None:
            index = _first_tree_difference(expected.query, actual.query)
            if index is not None:
                line = _line_near(expected.query, index, expected.location.line)
                self.add(
                    Location(expected.location.path, line),
                    subject,
                    f"definition differs {self.el} and {self.al} (first difference near line {line})",
                )
        if expected.columns and actual.columns and _names(expected.columns) != _names(actual.columns):
            self.pair(expected.location, subject, f"columns {_listing(expected.columns)}", _listing(actual.columns))

    # -- security policies ---------------------------------------------------------------------
    def policy(self, expected, actual) -> None:
        """STATE, SCHEMABINDING and the predicates (kind, function, arguments, table, operation) of one policy."""
        subject = f"security policy {expected.full_name}"
        at = expected.location
        for option in ("state", "schemabinding"):
            if getattr(expected, option) != getattr(actual, option):
                show = lambda on: f"{option.upper()} = {'ON' if on else 'OFF'}"  # noqa: E731
                self.pair(at, subject, show(getattr(expected, option)), show(getattr(actual, option)))
        theirs = {p.signature for p in actual.predicates}
        ours = {p.signature for p in expected.predicates}
        for predicate in expected.predicates:
            if predicate.signature not in theirs:
                self.add(predicate.location, subject, f"{_predicate_text(predicate)}: {self.el}, missing {self.al}")
        for predicate in actual.predicates:
            if predicate.signature not in ours:
                self.add(at, subject, f"{_predicate_text(predicate)}: missing {self.el}, {self.al}")

    # -- routines ------------------------------------------------------------------------------
    def routine(self, expected: Routine, actual: Routine) -> None:
        """Kind, parameters, RETURNS, body and description of one procedure or function."""
        subject = expected.full_name
        at = expected.location
        self.description(at, subject, expected.description, actual.description)
        if expected.kind != actual.kind:
            self.pair(at, subject, expected.kind, actual.kind)
            return
        self.parameters(subject, expected, actual)
        if canonical(expected.returns) != canonical(actual.returns):
            self.pair(at, subject, f"RETURNS {expected.returns or 'nothing'}", f"RETURNS {actual.returns or 'nothing'}")
        self.return_query(subject, expected, actual)
        if expected.columns and actual.columns and _names(expected.columns) != _names(actual.columns):
            self.pair(at, subject, f"columns {_listing(expected.columns)}", _listing(actual.columns))
        self.body(subject, expected.location, expected.body, actual.body)

    def parameters(self, subject: str, expected: Routine, actual: Routine) -> None:
        """Parameters present on one side only, their order, and each one's type, default and OUTPUT."""
        params_e = {p.name.lower(): p for p in expected.parameters}
        params_a = {p.name.lower(): p for p in actual.parameters}
        both = self.presence(params_e, params_a, lambda p: f"{subject} parameter {p.name}", lambda p: p.location)
        order_e = [n for n in params_e if n in params_a]
        order_a = [n for n in params_a if n in params_e]
        if order_e != order_a:
            self.pair(
                expected.location,
                subject,
                f"parameters in order {_listing([params_e[n].name for n in order_e])}",
                _listing([params_a[n].name for n in order_a]),
            )
        for param, other in both:
            self.parameter(f"{subject} parameter {param.name}", param, other)

    def parameter(self, subject: str, expected: Parameter, actual: Parameter) -> None:
        """Type, default and OUTPUT of one parameter."""
        at = expected.location
        if canonical(expected.type) != canonical(actual.type):
            self.pair(at, subject, expected.type, actual.type)
        if _text_key(expected.default) != _text_key(actual.default):
            self.pair(
                at,
                subject,
                f"default {expected.default}" if expected.default is not None else "no default",
                f"default {actual.default}" if actual.default is not None else "no default",
            )
        if expected.output != actual.output:
            self.pair(at, subject, "OUTPUT" if expected.output else "not OUTPUT", "OUTPUT" if actual.output else "not OUTPUT")

    def return_query(self, subject: str, expected: Routine, actual: Routine) -> None:
        """The SELECT of an inline table-valued function."""
        if expected.return_query is None or actual.return_query is None:
            if (expected.return_query is None) != (actual.return_query is None):
                self.pair(
                    expected.location,
                    subject,
                    "inline RETURN query" if expected.return_query is not None else "no inline RETURN query",
                    "inline RETURN query" if actual.return_query is not None else "no inline RETURN query",
                )
            return
        index = _first_tree_difference(expected.return_query, actual.return_query)
        if index is not None:
            line = _line_near(expected.return_query, index, expected.location.line)
            self.add(
                Location(expected.location.path, line),
                subject,
                f"definition differs {self.el} and {self.al} (first difference near line {line})",
            )

    def body(self, subject: str, at: Location, expected: list, actual: list) -> None:
        """Statements compared in order on their tokens; the first differing one is reported."""
        for number, (a, b) in enumerate(zip(expected, actual), start=1):
            if _text_key(a.text) != _text_key(b.text):
                self.add(
                    Location(at.path, a.line),
                    subject,
                    f"body differs {self.el} and {self.al} "
                    f"(first difference in statement {number}: line {a.line} {self.el}, line {b.line} {self.al})",
                )
                return
        if len(expected) != len(actual):
            number = min(len(expected), len(actual)) + 1
            where_e = f"line {expected[number - 1].line}" if len(expected) >= number else "no such statement"
            where_a = f"line {actual[number - 1].line}" if len(actual) >= number else "no such statement"
            line = expected[number - 1].line if len(expected) >= number else (expected[-1].line if expected else at.line)
            self.add(
                Location(at.path, line),
                subject,
                f"body differs {self.el} and {self.al} "
                f"({len(expected)} statements {self.el}, {len(actual)} {self.al}; "
                f"statement {number}: {where_e} {self.el}, {where_a} {self.al})",
            )

    # -- data scripts ------------------------------------------------------------------------
    def scripts(self) -> None:
        """Data scripts by target table; their statements."""
        by_e: dict[str, Script] = {key(s.target): s for s in self.expected.scripts}
        by_a: dict[str, Script] = {key(s.target): s for s in self.actual.scripts}
        for script, other in self.presence(by_e, by_a, lambda s: f"data script {s.target}", lambda s: s.location):
            self.body(f"data script {script.target}", script.location, script.body, other.body)


__all__ = ["Difference", "diff_catalogs", "server_form", "tree_signature"]
