"""Fallback parser for routine bodies that sqlglot cannot take: sqlfluff's T-SQL tree.

sqlfluff (imported only when needed: it is slow to import) parses control flow that sqlglot does
not. Its tree gives the body's statements with their lines; each statement is then parsed by sqlglot
for full resolution. A statement only sqlfluff understands (``INSERT … EXEC``, say) is valid T-SQL, so it
is not reported; the tables and procedures it names are taken from sqlfluff's tree and still resolved.
Sections sqlfluff cannot parse either are reported with their line.
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
    unparsable: list[tuple[int, str]] = field(default_factory=list)


def _dotted(segment) -> str:
    parts = [child.raw.strip('[]"') for child in segment.segments if child.is_type("naked_identifier", "quoted_identifier")]
    return ".".join(parts)


def _references(segment, line_offset: int) -> list[tuple[str, str, int]]:
    """Tables and procedures a statement names, from sqlfluff's tree (CTE names and variables left out)."""
    ctes = {
        child.raw.strip('[]"').lower()
        for cte in segment.recursive_crawl("common_table_expression")
        for child in cte.segments
        if child.is_type("naked_identifier", "quoted_identifier")
    }
    found = []
    for table in segment.recursive_crawl("table_reference"):
        name = _dotted(table)
        if name and name.lower() not in ctes:
            found.append(("table", name, table.get_start_loc()[0] + line_offset))
    for execute in segment.recursive_crawl("execute_script_statement"):
        for reference in execute.recursive_crawl("object_reference"):
            found.append(("procedure", _dotted(reference), reference.get_start_loc()[0] + line_offset))
            break
    return found


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
            references: list[tuple[str, str, int]] = []
            try:
                tree = parse_slice(Slice(kind, tokenize(segment.raw, line - 1)), segment.raw)
            except (StatementError, ValueError):
                tree = None
                references = _references(segment, line_offset)
            result.statements.append(Statement(kind, line, segment.raw, tree, references=references))
            return
        for child in segment.segments:
            visit(child)

    visit(tree)
    return result
