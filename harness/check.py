"""`wsdb check`: read `sql/` into the model and report every finding in one run.

:func:`run_check` is the library entry point; the CLI only formats its result.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from . import contract, conventions, descriptions, indexes, naming
from .build import TEMPLATES, build
from .findings import Finding, FindingSink, Severity
from .model import Catalog
from .reader import read_catalog
from .resolve import resolve_catalog


class ProjectError(Exception):
    """The project root cannot be checked at all (no sql/ folder, unreadable root)."""


@dataclass
class CheckResult:
    findings: list[Finding]
    catalog: Catalog
    seconds: float

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.WARNING]

    @property
    def checked_paths(self) -> list[str]:
        return [source.path for source in self.catalog.files]


def run_check(root: Path) -> CheckResult:
    """Check the project at ``root`` (the folder holding ``sql/``); raise ProjectError if there is none."""
    started = time.perf_counter()
    if not (root / "sql").is_dir():
        raise ProjectError(f"no sql/ folder under {root}")
    sink = FindingSink()
    catalog = read_catalog(root, sink)
    contracts = contract.load_contracts(root, sink)
    seed_index_names = set().union(*(c.index_names() for c in contracts)) if contracts else set()
    resolve_catalog(catalog, sink)
    naming.check_identity(catalog, sink)
    naming.check_names(catalog, sink, seed_index_names)
    indexes.check_columns(catalog, sink)
    indexes.check_foreign_keys(catalog, sink)
    indexes.check_duplicates(catalog, sink)
    indexes.check_fk_support(catalog, sink)
    conventions.check_files(catalog, sink)
    conventions.check_routines(catalog, sink)
    descriptions.check(catalog, sink)
    for item in contracts:
        contract.check_contract(catalog, item, sink)
    unparsed = any(f.code in ("E100", "E101", "E102") for f in sink.sorted())
    if (root / TEMPLATES).is_dir() and not unparsed:
        # Released scripts untouched, drafts as rendered, and the replayed schema equal to sql/. (Skipped
        # while a sql/ file does not parse: every object it holds would show up as a difference.)
        sink.extend(build(root, catalog, write=False).findings)
    findings = apply_allows(sink.sorted(), catalog)
    return CheckResult(findings, catalog, time.perf_counter() - started)


def apply_allows(findings: list[Finding], catalog: Catalog) -> list[Finding]:
    """Drop findings acknowledged by ``-- wsdb:allow CODE reason``; report allows that match nothing."""
    comments = {source.path: source.comments for source in catalog.files if source.comments is not None}
    used: set[tuple[str, int]] = set()
    kept = []
    for finding in findings:
        file_comments = comments.get(finding.path)
        allowed = False
        if file_comments is not None:
            for directive in file_comments.directives_for(finding.line, "allow"):
                if directive.args.split()[:1] == [finding.code]:
                    allowed = True
                    used.add((finding.path, directive.line))
        if not allowed:
            kept.append(finding)
    sink = FindingSink()
    sink.extend(kept)
    for path, file_comments in comments.items():
        for directive in file_comments.directives:
            if directive.name != "allow":
                continue
            words = directive.args.split()
            if len(words) < 2:
                sink.add(path, directive.line, "W120", "wsdb:allow needs a finding code and a reason")
            elif (path, directive.line) not in used:
                sink.add(path, directive.line, "W121", f"wsdb:allow {words[0]} matches no finding; remove it")
    return sink.sorted()
