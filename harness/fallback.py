"""Fallback parser for routine bodies that sqlglot cannot take: sqlfluff's T-SQL tree.

sqlfluff (imported only when needed: it is slow to import) parses control flow that sqlglot does
not. Its tree gives the body's statements with their lines; each statement is then parsed by sqlglot
for reference resolution. Unparsable sections are reported with their line.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import Statement
from .statements import Slice, StatementError, parse_slice, tokenize

_STATEMENT_TYPES = {
    "select_statement": "SELECT",
    "set_expression": "SELECT",
    "with_compound_statement": "WITH",
    "insert_statement": "INSERT",
    "update_statement": "UPDATE",
    "delete_statement": "DELETE",
    "merge_statement": "MERGE",
    "declare_segment": "DECLARE",
    "set_segment": "SET",
    "execute_script_statement": "EXEC",
}


@dataclass
class FallbackResult:
    statements: list[Statement] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    unparsable: list[tuple[int, str]] = field(default_factory=list)


def statements_from_sqlfluff(text: str, line_offset: int) -> FallbackResult:
    """Parse ``text`` (one batch) with sqlfluff and return its DML statements parsed by sqlglot."""
    from sqlfluff.core import FluffConfig, Linter

    config = FluffConfig(overrides={"dialect": "tsql", "templater": "raw", "large_file_skip_byte_limit": 0})
    parsed = Linter(config=config).parse_string(text)
    result = FallbackResult()
    tree = parsed.tree
    if tree is None:
        result.unparsable.append((line_offset + 1, "sqlfluff could not parse the batch"))
        return result
    for segment in tree.recursive_crawl("unparsable"):
        line = segment.get_start_loc()[0] + line_offset
        result.unparsable.append((line, segment.raw[:60].replace("\n", " ")))
    if result.unparsable:
        return result

    def visit(segment) -> None:
        kind = _STATEMENT_TYPES.get(segment.type)
        if kind is not None:
            line = segment.get_start_loc()[0] + line_offset
            try:
                tokens = tokenize(segment.raw, line - 1)
                tree = parse_slice(Slice(kind, tokens), segment.raw)
            except (StatementError, ValueError) as error:
                result.errors.append((getattr(error, "line", line), str(error)))
                tree = None
            result.statements.append(Statement(kind, line, segment.raw, tree))
            return
        for child in segment.segments:
            visit(child)

    visit(tree)
    return result
