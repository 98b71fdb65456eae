"""Take authored DDL apart so migrations reuse it verbatim: no DDL is written twice.

A table file holds one ``CREATE TABLE`` (one column or constraint per line group) followed by its
``CREATE INDEX`` statements. :func:`table_source` finds, by tokens, where each of those pieces sits in
the file; the builder's macros then copy whole lines: the table without some columns (the shape of an
older release), ``ALTER TABLE … ADD`` with some columns or constraints, one index. Comments travel
with the lines they sit on, so a rendered migration reads like the file it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlglot.tokens import Token, TokenType

from .batches import split_batches
from .statements import split, tokenize, word


class SnippetError(ValueError):
    """The file's layout does not let the builder take it apart (the message says what to change)."""


@dataclass
class Element:
    """One item of a CREATE TABLE's list: a column or a named table constraint."""

    name: str
    kind: str  # "column" or "constraint"
    start: int  # offset of the first line of the element (comment lines directly above included)
    first: int  # offset of its first token
    end: int  # offset just after its last token
    comma: int | None  # offset of the comma that follows it
    stop: int  # offset after the end of its last line (newline included)

    def text(self, source: str, after: str = "") -> str:
        """The element's lines, its own comma replaced by ``after`` ("," or ";" or nothing)."""
        tail = source[self.end : self.stop]
        if self.comma is not None:
            cut = self.comma - self.end
            tail = tail[:cut] + tail[cut + 1 :]
        return source[self.start : self.end] + after + tail


@dataclass
class TableSource:
    """Where the pieces of one table file sit (offsets into ``text``)."""

    path: str
    text: str
    name: str  # "schema.table" as written
    head: tuple[int, int] = (0, 0)  # header comment + "CREATE TABLE x (" line(s)
    elements: list[Element] = field(default_factory=list)
    tail: tuple[int, int] = (0, 0)  # the ")" line through the semicolon's line
    indexes: dict[str, tuple[int, int]] = field(default_factory=dict)  # lower-case name -> lines

    def element(self, name: str) -> Element | None:
        return next((e for e in self.elements if e.name.lower() == name.lower()), None)

    def create_table(self, keep: list[Element]) -> str:
        """The CREATE TABLE statement with only the ``keep`` elements (in file order)."""
        parts = [self.text[self.head[0] : self.head[1]]]
        for position, element in enumerate(keep):
            parts.append(element.text(self.text, "," if position < len(keep) - 1 else ""))
        parts.append(self.text[self.tail[0] : self.tail[1]])
        return "".join(parts).rstrip() + "\n"

    def index(self, name: str) -> str:
        start, stop = self.indexes[name.lower()]
        return self.text[start:stop].rstrip() + "\n"

    def alter_table_add(self, elements: list[Element], *, with_check: bool = False) -> str:
        """``ALTER TABLE t ADD`` the columns (one statement), or ``ALTER TABLE t WITH CHECK ADD`` each
        constraint (one statement each: sqlfluff's grammar takes a single constraint per ADD)."""
        if with_check:
            return "".join(
                f"ALTER TABLE {self.name} WITH CHECK ADD\n" + element.text(self.text, ";").rstrip() + "\n" for element in elements
            )
        parts = [f"ALTER TABLE {self.name} ADD\n"]
        for position, element in enumerate(elements):
            parts.append(element.text(self.text, "," if position < len(elements) - 1 else ";"))
        return "".join(parts).rstrip() + "\n"


def _line_start(text: str, offset: int) -> int:
    return text.rfind("\n", 0, offset) + 1


def _line_stop(text: str, offset: int) -> int:
    newline = text.find("\n", offset)
    return len(text) if newline < 0 else newline + 1


_COMMENT_LINE = re.compile(r"[ \t]*--[^\n]*\n")


def _with_comments_above(text: str, start: int, floor: int) -> int:
    """Move ``start`` (a line start) up over the comment-only lines directly above it, not above ``floor``."""
    while start > floor:
        previous = _line_start(text, start - 1)
        if not _COMMENT_LINE.fullmatch(text, previous, start):
            break
        start = previous
    return start


def table_source(path: str, text: str) -> TableSource:
    """Locate the CREATE TABLE, its elements and its indexes in a table file."""
    table: TableSource | None = None
    for batch in split_batches(text):
        base = _offset_of_line(text, batch.start_line)
        tokens = tokenize(batch.text)
        for piece in split(tokens):
            words = [word(t) for t in piece.tokens[:3]]
            if words[:2] == ["CREATE", "TABLE"]:
                source = TableSource(path, text, _name(piece.tokens, 2))
                _read_table(source, piece.tokens, tokens, base)
                table = source
            elif table is not None and words[:1] == ["CREATE"] and _index_at(piece.tokens) is not None:
                name = piece.tokens[_index_at(piece.tokens) + 1].text
                start = _line_start(text, base + piece.tokens[0].start)
                start = _with_comments_above(text, start, 0)
                semicolon = _semicolon_after(tokens, piece.tokens[-1])
                stop = _line_stop(text, base + (semicolon or piece.tokens[-1]).end)
                table.indexes[name.lower()] = (start, stop)
    if table is None:
        raise SnippetError(f"{path}: no CREATE TABLE statement")
    return table


def _index_at(tokens: list[Token]) -> int | None:
    """Position of the INDEX keyword of a CREATE … INDEX statement (sqlglot folds "NONCLUSTERED INDEX")."""
    return next((i for i, t in enumerate(tokens[:4]) if t.token_type == TokenType.INDEX), None)


def _offset_of_line(text: str, line: int) -> int:
    offset = 0
    for _ in range(line - 1):
        offset = text.index("\n", offset) + 1
    return offset


def _name(tokens: list[Token], i: int) -> str:
    parts = []
    while i < len(tokens) and tokens[i].token_type in (TokenType.VAR, TokenType.IDENTIFIER):
        parts.append(tokens[i].text)
        if i + 1 < len(tokens) and tokens[i + 1].token_type == TokenType.DOT:
            i += 2
            continue
        break
    return ".".join(parts)


def _semicolon_after(all_tokens: list[Token], last: Token) -> Token | None:
    at = all_tokens.index(last)
    if at + 1 < len(all_tokens) and all_tokens[at + 1].token_type == TokenType.SEMICOLON:
        return all_tokens[at + 1]
    return None


def _read_table(source: TableSource, tokens: list[Token], all_tokens: list[Token], base: int) -> None:
    text = source.text
    open_at = next(i for i, t in enumerate(tokens) if t.token_type == TokenType.L_PAREN)
    start = _with_comments_above(text, _line_start(text, base + tokens[0].start), 0)
    head_stop = _line_stop(text, base + tokens[open_at].start)
    if open_at + 1 < len(tokens) and tokens[open_at + 1].line == tokens[open_at].line:
        raise SnippetError(f"{source.path}: start the first column on the line after 'CREATE TABLE … ('")
    source.head = (start, head_stop)
    depth = 0
    items: list[list[Token]] = [[]]
    commas: list[Token | None] = []
    close = None
    for i in range(open_at + 1, len(tokens)):
        token = tokens[i]
        if token.token_type == TokenType.L_PAREN:
            depth += 1
        elif token.token_type == TokenType.R_PAREN:
            if depth == 0:
                close = token
                break
            depth -= 1
        if depth == 0 and token.token_type == TokenType.COMMA:
            commas.append(token)
            items.append([])
            continue
        items[-1].append(token)
    if close is None:
        raise SnippetError(f"{source.path}: CREATE TABLE has no closing parenthesis")
    commas.append(None)
    floor = head_stop
    for item, comma in zip(items, commas):
        if not item:
            continue
        first, last = item[0], item[-1]
        first_line_start = _line_start(text, base + first.start)
        if first_line_start < floor:
            raise SnippetError(f"{source.path} line {first.line}: put each column and constraint on its own line")
        stop = _line_stop(text, base + (comma or last).end)
        is_constraint = word(first) == "CONSTRAINT"
        element = Element(
            name=item[1].text if is_constraint else first.text,
            kind="constraint" if is_constraint else "column",
            start=_with_comments_above(text, first_line_start, floor),
            first=base + first.start,
            end=base + last.end + 1,
            comma=base + comma.start if comma is not None else None,
            stop=stop,
        )
        source.elements.append(element)
        floor = stop
    close_line = _line_start(text, base + close.start)
    if close_line < floor:
        raise SnippetError(f"{source.path} line {close.line}: put the closing parenthesis of CREATE TABLE on its own line")
    semicolon = _semicolon_after(all_tokens, tokens[-1]) or tokens[-1]
    # Comment lines between the last element and ")" stay with the closing lines.
    source.tail = (floor, _line_stop(text, base + max(semicolon.end, close.end)))

