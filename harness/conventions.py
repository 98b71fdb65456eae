"""House rules for T-SQL (DEVELOPERS.md), checked offline.

E701 no ``SELECT *``; E702 no ``MERGE`` (reported by the resolver, which sees statements);
E703 no ``RAISERROR``; E704 UTC only (``SYSUTCDATETIME()``); E705/E706 every procedure starts with
``SET NOCOUNT ON; SET XACT_ABORT ON;`` and wraps its work in TRY/CATCH that re-throws; E707 no
``EXEC`` of a string (the resolver reports it); E708 views, functions and procedures use
``CREATE OR ALTER``; E709 ``THROW`` numbers are 50000 or more.
"""

from __future__ import annotations

import re

from sqlglot import exp

from .batches import _scan
from .findings import FindingSink
from .model import Catalog, Routine, Statement

_LOCAL_TIME = re.compile(r"\b(GETDATE|SYSDATETIME|SYSDATETIMEOFFSET|CURRENT_TIMESTAMP|GETUTCDATE)\b", re.IGNORECASE)
_THROW_NUMBER = re.compile(r"^\s*THROW\s+(-?\d+)", re.IGNORECASE)


def _code_lines(text: str):
    """Yield (line number, code text) for code regions only (strings and comments removed)."""
    line = 1
    for start, end, kind in _scan(text):
        chunk = text[start:end]
        if kind == "code":
            for offset, part in enumerate(chunk.split("\n")):
                yield line + offset, part
        line += chunk.count("\n")


def check_files(catalog: Catalog, sink: FindingSink) -> None:
    for source in catalog.files:
        try:
            for number, code in _code_lines(source.text):
                match = _LOCAL_TIME.search(code)
                if match:
                    sink.add(source.path, number, "E704", f"{match.group(1).upper()} is not UTC; use SYSUTCDATETIME()")
        except ValueError:
            continue  # unterminated strings are reported by the reader


def _stars(tree, path: str, line: int, what: str, sink: FindingSink) -> None:
    if tree is None:
        return
    for select in tree.find_all(exp.Select):
        for projection in select.expressions:
            if isinstance(projection, exp.Star) or (isinstance(projection, exp.Column) and isinstance(projection.this, exp.Star)):
                sink.add(path, line, "E701", f"{what}: SELECT * (list the columns)")


def _statements(statements: list[Statement], path: str, what: str, sink: FindingSink) -> None:
    for statement in statements:
        _stars(statement.tree, path, statement.line, what, sink)
        if statement.kind == "EXEC STRING":
            sink.add(path, statement.line, "E707", f"{what}: EXEC of a string or variable; use sys.sp_executesql with parameters")
        if statement.kind == "RAISERROR":
            sink.add(path, statement.line, "E703", f"{what}: RAISERROR; use THROW with a documented number")
        if statement.kind == "THROW":
            match = _THROW_NUMBER.match(statement.text)
            if match and int(match.group(1)) < 50000:
                sink.add(path, statement.line, "E709", f"{what}: THROW {match.group(1)}; user errors are 50000 or more")


def _set_option(statement: Statement) -> str | None:
    if statement.kind != "SET" or statement.tree is None:
        return None
    text = re.sub(r"\s+", " ", statement.text.strip().rstrip(";")).upper()
    return text[4:] if text.startswith("SET ") else None


def _check_procedure(routine: Routine, sink: FindingSink, text: str) -> None:
    path, line, what = routine.location.path, routine.location.line, f"procedure {routine.full_name}"
    first = [_set_option(s) or "" for s in routine.body[:2]]
    if sorted(first) != ["NOCOUNT ON", "XACT_ABORT ON"]:
        sink.add(path, line, "E705", f"{what} must begin with SET NOCOUNT ON; SET XACT_ABORT ON;")
    code = "\n".join(part for _, part in _code_lines(text)).upper()
    catch = re.search(r"\bBEGIN\s+CATCH\b(.*)\bEND\s+CATCH\b", code, re.DOTALL)
    if not re.search(r"\bBEGIN\s+TRY\b", code) or catch is None or not re.search(r"\bTHROW\b", catch.group(1)):
        sink.add(path, line, "E706", f"{what} must wrap its work in BEGIN TRY ... BEGIN CATCH ... THROW; END CATCH")


def check_routines(catalog: Catalog, sink: FindingSink) -> None:
    texts = {source.path: source.text for source in catalog.files}
    for view in catalog.views.values():
        _stars(view.query, view.location.path, view.location.line, f"view {view.full_name}", sink)
        if view.create_form != "CREATE OR ALTER":
            sink.add(view.location.path, view.location.line, "E708", f"view {view.full_name}: use CREATE OR ALTER VIEW")
    for routine in catalog.routines.values():
        what = f"{routine.kind} {routine.full_name}"
        if routine.create_form != "CREATE OR ALTER":
            sink.add(routine.location.path, routine.location.line, "E708", f"{what}: use CREATE OR ALTER {routine.kind.upper()}")
        _stars(routine.return_query, routine.location.path, routine.location.line, what, sink)
        _statements(routine.body, routine.location.path, what, sink)
        if routine.kind == "procedure":
            _check_procedure(routine, sink, texts.get(routine.location.path, ""))
    for script in catalog.scripts:
        _statements(script.body, script.location.path, f"data script {script.target}", sink)
