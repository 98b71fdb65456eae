"""Shared fixtures: small projects written into tmp_path, and a mutable copy of the real tree."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from harness.check import CheckResult, run_check

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO.parent / "shared" / "seeds"

ORG_TABLE = """
-- Tenant organisations.
CREATE TABLE core.org (
    org_id int NOT NULL, -- Primary key
    name nvarchar(200) NOT NULL, -- Name
    CONSTRAINT PK_core_org PRIMARY KEY CLUSTERED (org_id)
);
"""


class Project:
    """A throwaway project: write sql/ files, run the check, look at findings."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "sql").mkdir(parents=True, exist_ok=True)

    def write(self, rel: str, text: str) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def edit(self, rel: str, old: str, new: str) -> None:
        path = self.root / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {rel}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    def append(self, rel: str, text: str) -> None:
        path = self.root / rel
        path.write_text(path.read_text(encoding="utf-8") + textwrap.dedent(text), encoding="utf-8")

    def check(self) -> CheckResult:
        return run_check(self.root)

    def codes(self) -> list[str]:
        return [f.code for f in self.check().findings]

    def findings(self, code: str) -> list:
        return [f for f in self.check().findings if f.code == code]


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """An empty project with the schemas `core` and `app` and a core.org table."""
    p = Project(tmp_path / "proj")
    p.write("sql/security/core.sql", "-- Core.\nCREATE SCHEMA core AUTHORIZATION dbo;\n")
    p.write("sql/security/app.sql", "-- App.\nCREATE SCHEMA app AUTHORIZATION dbo;\n")
    p.write("sql/tables/core.org.sql", ORG_TABLE)
    return p


@pytest.fixture
def real_tree(tmp_path: Path) -> Project:
    """A copy of this repository's sql/ and contracts/ to break on purpose."""
    root = tmp_path / "real"
    shutil.copytree(REPO / "sql", root / "sql")
    shutil.copytree(REPO / "contracts", root / "contracts")
    shutil.copy(REPO / ".sqlfluff", root / ".sqlfluff")
    return Project(root)


@pytest.fixture(scope="session")
def resolved_catalog():
    """The repository's sql/ read and resolved once (read-only: tests must not change it)."""
    from harness.findings import FindingSink
    from harness.reader import read_catalog
    from harness.resolve import resolve_catalog

    catalog = read_catalog(REPO, FindingSink())
    resolve_catalog(catalog, FindingSink())
    return catalog
