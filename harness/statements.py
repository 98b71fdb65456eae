"""Split T-SQL into statements, control flow included, and parse each one with sqlglot.

sqlglot parses T-SQL statements well but not control flow (``BEGIN TRY``, ``IF … ELSE``, ``WHILE``).
This module walks sqlglot's tokens instead: block markers (``BEGIN``/``END``, ``TRY``/``CATCH``,
``ELSE``) are stepped over, ``IF``/``WHILE`` conditions become statements of their own (parsed as
``SELECT 1 WHERE <condition>`` so their subqueries resolve), and every other statement runs to its
semicolon. Tokens keep their absolute line numbers, so findings point at the source line.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError
from sqlglot.tokens import Token, TokenType

from .model import Statement

logging.getLogger("sqlglot").setLevel(logging.ERROR)

DIALECT = sqlglot.Dialect.get_or_raise("tsql")

_NOT_WORDS = {
    TokenType.STRING,
    TokenType.NATIONAL_STRING,
    TokenType.IDENTIFIER,
    TokenType.NUMBER,
    TokenType.HEX_STRING,
    TokenType.BIT_STRING,
}

# Words that start a statement; an IF/WHILE condition ends before the first of them at depth 0.
STATEMENT_STARTS = {
    "ALTER", "BEGIN", "BREAK", "CLOSE", "COMMIT", "CONTINUE", "CREATE", "DEALLOCATE", "DECLARE",
    "DELETE", "DENY", "DROP", "EXEC", "EXECUTE", "FETCH", "GOTO", "GRANT", "IF", "INSERT", "MERGE",
    "OPEN", "PRINT", "RAISERROR", "RETURN", "REVOKE", "ROLLBACK", "SAVE", "SELECT", "SET", "THROW",
    "TRUNCATE", "UPDATE", "WAITFOR", "WHILE", "WITH",
}
# Statements that carry no table or column references worth resolving; they are not parsed.
UNPARSED = {
    "THROW", "RETURN", "PRINT", "RAISERROR", "BREAK", "CONTINUE", "GOTO", "WAITFOR",
    "COMMIT", "ROLLBACK", "SAVE", "BEGIN TRANSACTION", "EXEC STRING",
}


def word(token: Token) -> str | None:
    """Upper-case text of a keyword or bare word; None for strings, quoted names and numbers."""
    if token.token_type in _NOT_WORDS:
        return None
    return token.text.upper()


class _Tokenizer(DIALECT.tokenizer_class):
    # sqlglot's T-SQL tokenizer turns everything after a statement-initial END, FETCH or unknown command
    # word (PRINT, ...) into one string token; block structure needs those words as tokens.
    COMMANDS = {TokenType.SHOW, TokenType.RENAME}


def tokenize(text: str, line_offset: int = 0) -> list[Token]:
    """Tokenize T-SQL; line numbers are shifted by ``line_offset`` (to make them file-absolute)."""
    tokens = _Tokenizer(dialect=DIALECT).tokenize(text)
    if line_offset:
        for token in tokens:
            token.line += line_offset
    return tokens


@dataclass
class Slice:
    kind: str
    tokens: list[Token]
    is_condition: bool = False

    @property
    def line(self) -> int:
        return self.tokens[0].line if self.tokens else 0


def _scan(tokens: list[Token], words: list[str | None], i: int, stops_at) -> int:
    """Index of the first token after ``i``, outside parentheses and CASE, for which ``stops_at(kind, word)``."""
    depth = case_depth = 0
    for j in range(i, len(tokens)):
        kind = tokens[j].token_type
        w = words[j]
        if kind == TokenType.L_PAREN:
            depth += 1
        elif kind == TokenType.R_PAREN:
            depth -= 1
        elif w == "CASE":
            case_depth += 1
        elif w == "END" and case_depth:
            case_depth -= 1
        elif depth == 0 and case_depth == 0 and j > i and stops_at(kind, w):
            return j
    return len(tokens)


def _end_of_statement(tokens: list[Token], words: list[str | None], i: int) -> int:
    """A statement ends at its semicolon, or before an END/ELSE of the block around it."""
    return _scan(tokens, words, i, lambda kind, w: kind == TokenType.SEMICOLON or w in ("END", "ELSE"))


def _end_of_condition(tokens: list[Token], words: list[str | None], i: int) -> int:
    """An IF/WHILE condition ends where the next statement starts."""
    return _scan(tokens, words, i, lambda kind, w: w in STATEMENT_STARTS or kind == TokenType.SEMICOLON)


def split(tokens: list[Token]) -> list[Slice]:
    """Split a token list into statement slices, stepping over control-flow markers."""
    out: list[Slice] = []
    words = [word(t) for t in tokens]
    i = 0
    n = len(tokens)
    while i < n:
        token = tokens[i]
        w = words[i]
        if token.token_type == TokenType.SEMICOLON:
            i += 1
            continue
        nxt = words[i + 1] if i + 1 < n else None
        if w == "BEGIN":
            if nxt in ("TRY", "CATCH"):
                i += 2
                continue
            if nxt in ("TRAN", "TRANSACTION", "DISTRIBUTED"):
                j = _end_of_statement(tokens, words, i)
                out.append(Slice("BEGIN TRANSACTION", tokens[i:j]))
                i = j
                continue
            i += 1
            continue
        if w == "END":
            i += 2 if nxt in ("TRY", "CATCH") else 1
            continue
        if w == "ELSE":
            i += 1
            continue
        if w in ("IF", "WHILE"):
            j = _end_of_condition(tokens, words, i + 1)
            out.append(Slice(w, tokens[i + 1 : j], is_condition=True))
            i = j
            continue
        j = _end_of_statement(tokens, words, i)
        kind = w or token.token_type.name
        if kind in ("EXEC", "EXECUTE") and _executes_a_string(tokens, i):
            kind = "EXEC STRING"
        out.append(Slice(kind, tokens[i:j]))
        i = j
    return out


def _executes_a_string(tokens: list[Token], i: int) -> bool:
    """EXEC (<string>) or EXEC @variable (not EXEC @rc = proc): dynamic SQL or a dynamic module name."""
    if i + 1 >= len(tokens):
        return False
    nxt = tokens[i + 1]
    if nxt.token_type in (TokenType.L_PAREN, TokenType.STRING, TokenType.NATIONAL_STRING):
        return True
    if nxt.token_type == TokenType.PARAMETER:
        after = tokens[i + 3] if i + 3 < len(tokens) else None
        return after is None or after.token_type != TokenType.EQ
    return False


def _strip_top(tokens: list[Token]) -> list[Token]:
    """Drop ``TOP (n)`` right after UPDATE/DELETE, which sqlglot's T-SQL parser does not take."""
    if len(tokens) > 3 and word(tokens[0]) in ("UPDATE", "DELETE") and word(tokens[1]) == "TOP":
        if tokens[2].token_type == TokenType.L_PAREN:
            depth = 0
            for j in range(2, len(tokens)):
                if tokens[j].token_type == TokenType.L_PAREN:
                    depth += 1
                elif tokens[j].token_type == TokenType.R_PAREN:
                    depth -= 1
                    if depth == 0:
                        return [tokens[0]] + tokens[j + 1 :]
    return tokens


def _strip_output_into_columns(tokens: list[Token]) -> list[Token]:
    """Drop the column list of ``OUTPUT … INTO @target (col, …)``, which sqlglot's T-SQL parser does not take.

    What the clause reads (``inserted.x``, ``deleted.y``) stays and is resolved; the list only names the
    target's columns in order.
    """
    depth = 0
    output_at = None
    for j, token in enumerate(tokens):
        if token.token_type == TokenType.L_PAREN:
            depth += 1
        elif token.token_type == TokenType.R_PAREN:
            depth -= 1
        elif depth == 0 and word(token) == "OUTPUT":
            output_at = j
        elif depth == 0 and output_at is not None and word(token) == "INTO":
            k = j + 1
            while k < len(tokens) and (tokens[k].token_type in (TokenType.PARAMETER, TokenType.VAR, TokenType.DOT) or word(tokens[k]) is None):
                if tokens[k].token_type == TokenType.L_PAREN:
                    break
                k += 1
            if k < len(tokens) and tokens[k].token_type == TokenType.L_PAREN and k > j + 1:
                level = 0
                for m in range(k, len(tokens)):
                    if tokens[m].token_type == TokenType.L_PAREN:
                        level += 1
                    elif tokens[m].token_type == TokenType.R_PAREN:
                        level -= 1
                        if level == 0:
                            return tokens[:k] + tokens[m + 1 :]
            return tokens
    return tokens


def _synthetic(kind: TokenType, text: str, at: Token) -> Token:
    return Token(kind, text, line=at.line, col=at.col, start=at.start, end=at.start)


class StatementError(ValueError):
    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


def parse_slice(piece: Slice, source: str) -> exp.Expression | None:
    """Parse one statement slice with sqlglot; conditions become ``SELECT 1 WHERE <condition>``.

    Returns None for statements that carry nothing to resolve (THROW, RETURN, COMMIT, ...).
    Raises :class:`StatementError` (with the source line) when sqlglot cannot parse the statement.
    """
    if piece.kind in UNPARSED or not piece.tokens:
        return None
    tokens = piece.tokens
    if piece.is_condition:
        first = tokens[0]
        tokens = [
            _synthetic(TokenType.SELECT, "SELECT", first),
            _synthetic(TokenType.NUMBER, "1", first),
            _synthetic(TokenType.WHERE, "WHERE", first),
        ] + tokens
    else:
        tokens = _strip_output_into_columns(_strip_top(tokens))
    try:
        trees = DIALECT.parser().parse(tokens, source)
    except ParseError as error:
        detail = error.errors[0] if error.errors else {}
        message = detail.get("description") or str(error).splitlines()[0]
        raise StatementError(message, detail.get("line") or piece.line) from None
    tree = trees[0] if trees else None
    if isinstance(tree, exp.Command) and piece.kind not in ("SET", "EXEC", "EXECUTE", "DECLARE"):
        raise StatementError(f"sqlglot could not parse this {piece.kind} statement", piece.line)
    return tree


def line_of(node: exp.Expression | None, default: int) -> int:
    """Line of the first identifier in ``node`` that carries one (sqlglot keeps positions on identifiers)."""
    if node is not None:
        for candidate in node.walk():
            if isinstance(candidate, exp.Identifier) and (candidate.meta or {}).get("line"):
                return candidate.meta["line"]
    return default


def source_text(piece: Slice, source: str) -> str:
    if not piece.tokens:
        return ""
    return source[piece.tokens[0].start : piece.tokens[-1].end + 1]


def to_statements(pieces: list[Slice], source: str, errors: list[StatementError]) -> list[Statement]:
    """Parse slices into model statements; parse failures are appended to ``errors``."""
    out = []
    for piece in pieces:
        try:
            tree = parse_slice(piece, source)
        except StatementError as error:
            errors.append(error)
            tree = None
        out.append(Statement(piece.kind, piece.line, source_text(piece, source), tree, piece.is_condition))
    return out


__all__ = [
    "DIALECT",
    "Slice",
    "StatementError",
    "line_of",
    "parse_slice",
    "split",
    "to_statements",
    "tokenize",
    "word",
]
