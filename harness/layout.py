"""Where migrations live in a project, and the history table the scripts keep.

Kept apart from :mod:`harness.build` so the live commands (apply, status) read the layout without
importing the builder (jinja2, sqlglot): a live command starts in a third of the time.
"""

from __future__ import annotations

from pathlib import Path

MIGRATIONS = "migrations"
TEMPLATES = "migrations/templates"
SUM_FILE = "migrations/migrations.sum"
ORDER_FILE = "migrations/order.txt"
HISTORY_TABLE = "dbo.wsdb_migration_history"


def read_order(root: Path) -> list[tuple[int, str]]:
    """(line number, name) of each migration listed in migrations/order.txt (comments and blanks skipped)."""
    path = root / ORDER_FILE
    if not path.is_file():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [(n, line.split("#", 1)[0].strip()) for n, line in enumerate(lines, start=1) if line.split("#", 1)[0].strip()]


__all__ = ["HISTORY_TABLE", "MIGRATIONS", "ORDER_FILE", "SUM_FILE", "TEMPLATES", "read_order"]
