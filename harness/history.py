"""The migration history of a database and the plan that compares it with the scripts on disk.

``dbo.wsdb_migration_history`` is written by the scripts themselves (the guard creates it; the epilogue
inserts one row in the script's own transaction), so it is exactly what ran, whether through
``wsdb apply``, sqlcmd or SSMS. :func:`make_plan` is pure: it takes the scripts and the rows and says
what is applied, what is pending and what is wrong. Wrong, and refused before anything runs:

* ``changed``: the history holds another checksum for a script than the one on disk (the script was
  edited after it ran here, or the database ran another build of it);
* ``unknown``: the history names a script this checkout does not have (the database is ahead);
* ``out of order``: a pending script comes before one that is already applied.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from .layout import HISTORY_TABLE
from .connection import Connection
from .scripts import DiskScript

HISTORY_QUERY = f"""
SELECT h.migration_name, h.checksum, h.applied_at, h.applied_by, h.duration_ms, h.builder
FROM {HISTORY_TABLE} AS h
ORDER BY h.applied_at, h.migration_name;
"""
HISTORY_EXISTS = f"SELECT CASE WHEN OBJECT_ID(N'{HISTORY_TABLE}', N'U') IS NULL THEN 0 ELSE 1 END AS present;"


@dataclass(frozen=True)
class HistoryRow:
    name: str
    checksum: str
    applied_at: datetime | None = None
    applied_by: str | None = None
    duration_ms: int | None = None
    builder: str | None = None


@dataclass
class Problem:
    kind: str  # changed | unknown | out of order
    name: str
    message: str


@dataclass
class Plan:
    applied: list[tuple[DiskScript | None, HistoryRow]] = field(default_factory=list)  # in history order
    pending: list[DiskScript] = field(default_factory=list)  # to apply now, in order
    later: list[DiskScript] = field(default_factory=list)  # pending, but after --to
    problems: list[Problem] = field(default_factory=list)

    @property
    def last_applied(self) -> str | None:
        return self.applied[-1][1].name if self.applied else None


def read_history(connection: Connection) -> list[HistoryRow]:
    """The rows of the history table, oldest first; no table yet means no rows."""
    if not connection.scalar(HISTORY_EXISTS):
        return []
    return [
        HistoryRow(
            name=row["migration_name"],
            checksum=(row["checksum"] or "").strip(),
            applied_at=row["applied_at"],
            applied_by=row["applied_by"],
            duration_ms=row["duration_ms"],
            builder=row["builder"],
        )
        for row in connection.query(HISTORY_QUERY)
    ]


def make_plan(scripts: list[DiskScript], history: list[HistoryRow], to: str | None = None) -> Plan:
    """Compare the scripts on disk (in apply order) with the history rows; ``to`` stops after that script.

    Raises ``ValueError`` when ``to`` names no script on disk.
    """
    names = [s.name for s in scripts]
    if to is not None and to not in names:
        close = [n for n in names if to in n]
        hint = f"; did you mean {close[0]}?" if close else ""
        raise ValueError(f"--to {to}: no such migration in migrations/order.txt{hint}")
    by_name = {s.name: s for s in scripts}
    seen = {row.name: row for row in history}
    plan = Plan()
    for row in history:
        script = by_name.get(row.name)
        plan.applied.append((script, row))
        if script is None:
            plan.problems.append(Problem(
                "unknown", row.name,
                f"{row.name}: applied to this database ({_when(row)}) but not in migrations/ here; "
                "the database is ahead of this checkout",
            ))
        elif script.checksum != row.checksum:
            plan.problems.append(Problem(
                "changed", row.name,
                f"{row.name}: the database ran checksum {row.checksum[:12]}… ({_when(row)}), "
                f"{script.path} has {script.checksum[:12]}…; a script that ran must not change",
            ))
    last_applied_index = max((names.index(r.name) for r in history if r.name in by_name), default=-1)
    stop = names.index(to) if to is not None else len(names) - 1
    for index, script in enumerate(scripts):
        if script.name in seen:
            continue
        if index < last_applied_index:
            plan.problems.append(Problem(
                "out of order", script.name,
                f"{script.name}: not applied, but {names[last_applied_index]} after it is; "
                "scripts apply in the order of migrations/order.txt",
            ))
        (plan.pending if index <= stop else plan.later).append(script)
    return plan


def _when(row: HistoryRow) -> str:
    at = row.applied_at.strftime("%Y-%m-%d %H:%M:%SZ") if row.applied_at else "at an unknown time"
    return f"{at} by {row.applied_by or 'unknown'}"


def render_plan(plan: Plan, where: str, *, create_database: bool = False) -> str:
    """What ``wsdb apply --dry-run`` prints: the scripts it would run, nothing else happens."""
    lines = [f"wsdb apply --dry-run: {where}"]
    if create_database:
        lines.append("  would create the database (it does not exist yet)")
    for problem in plan.problems:
        lines.append(f"  REFUSED  {problem.message}")
    for script in plan.pending:
        lines.append(f"  would apply  {script.name}  {script.checksum[:12]}  ({script.state})")
    if plan.later:
        lines.append(f"  left for later (after --to): {', '.join(s.name for s in plan.later)}")
    applied = len(plan.applied)
    if plan.problems:
        verdict = f"{len(plan.problems)} problem(s): nothing would be applied"
    elif plan.pending:
        verdict = f"{len(plan.pending)} migration(s) would be applied, {applied} already applied"
    else:
        verdict = f"nothing to apply, {applied} already applied"
    lines.append(f"wsdb apply --dry-run: {verdict}")
    return "\n".join(lines) + "\n"


__all__ = ["HistoryRow", "Plan", "Problem", "make_plan", "read_history", "render_plan"]
