"""Temporary copies of the project for tests of the migrations themselves (no server needed to build them)."""

from __future__ import annotations

import shutil
from pathlib import Path

from harness.build import build
from harness.findings import FindingSink
from harness.reader import read_catalog
from harness.resolve import resolve_catalog
from harness.scaffold import new_migration

TABLE = """\
-- A table that only the failing test migration creates: it must never survive the failure.
CREATE TABLE app.{name} (
    {name}_id int NOT NULL, -- Key.
    CONSTRAINT PK_app_{name} PRIMARY KEY CLUSTERED ({name}_id)
);
"""
EXTRA_COLUMN = "    doomed_note nvarchar(40) NULL, -- Test fixture column: added by the failing migration.\n"
# The test creates app.doomed_twin by hand before it applies this: the migration adds a column to
# app.signal, creates app.doomed, then fails creating app.doomed_twin (error 2714, at run time: the
# offline replay cannot know the table is there). All of it must roll back.
FAILING_TEMPLATE = """\
{{ description("Test fixture: changes the schema, then fails at run time.") }}
{{ add_columns("app.signal", ["doomed_note"]) }}
{{ create_table("app.doomed") }}
{{ create_table("app.doomed_twin") }}
"""
TWIN_BY_HAND = "CREATE TABLE app.doomed_twin (doomed_twin_id int NOT NULL);"


def copy_project(root: Path, into: Path) -> Path:
    """A copy of what builds and applies: sql/, migrations/, contracts/ and .sqlfluff."""
    project = into / "project"
    for name in ("sql", "migrations", "contracts"):
        if (root / name).is_dir():
            shutil.copytree(root / name, project / name)
    if (root / ".sqlfluff").is_file():
        shutil.copy(root / ".sqlfluff", project / ".sqlfluff")
    return project


def target_of(project: Path):
    catalog = read_catalog(project, FindingSink())
    resolve_catalog(catalog, FindingSink())
    return catalog


def add_failing_migration(project: Path, slug: str = "fails_at_run_time") -> str:
    """Add a sealed, released migration after the others that fails in its last step (once the test has
    run :data:`TWIN_BY_HAND` on the database); return its name."""
    tables = project / "sql" / "tables"
    for name in ("doomed", "doomed_twin"):
        (tables / f"app.{name}.sql").write_text(TABLE.format(name=name), encoding="utf-8")
    signal = tables / "app.signal.sql"
    lines = signal.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith("CREATE TABLE app.signal")) + 1
    signal.write_text("".join(lines[:at] + [EXTRA_COLUMN] + lines[at:]), encoding="utf-8")
    template = new_migration(project, slug)
    template.write_text(FAILING_TEMPLATE, encoding="utf-8")
    result = build(project, target_of(project), write=True, release=True)
    errors = [f.text() for f in result.findings]
    if errors:
        raise AssertionError("the failing fixture migration did not build:\n" + "\n".join(errors))
    return template.name.removesuffix(".sql.j2")
