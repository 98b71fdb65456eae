"""``wsdb status``: which scripts a database has run (checksum, when, by whom, how long) and which are pending."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .connection import connect
from .history import HistoryRow, Plan, make_plan, read_history
from .scripts import load_scripts
from .urls import ServerUrl


@dataclass
class Status:
    where: str
    plan: Plan
    drafts_left_out: list[str]


def status(url: ServerUrl, root: Path, *, include_drafts: bool = False) -> Status:
    """Read the history of the URL's database and compare it with the scripts under ``root``."""
    scripts = load_scripts(root, include_drafts=include_drafts)
    with connect(url) as connection:
        history = read_history(connection)
    return Status(url.where(), make_plan(scripts.scripts, history), scripts.drafts_left_out)


def _at(row: HistoryRow) -> str:
    return row.applied_at.strftime("%Y-%m-%d %H:%M:%SZ") if row.applied_at else "?"


def render_status(result: Status, fmt: str = "text") -> str:
    """The status as text (one line per script) or JSON."""
    plan = result.plan
    flagged = {p.name: p for p in plan.problems}
    if fmt == "json":
        payload = {
            "database": result.where,
            "applied": [
                {
                    "name": row.name,
                    "checksum": row.checksum,
                    "applied_at": row.applied_at.isoformat() if row.applied_at else None,
                    "applied_by": row.applied_by,
                    "duration_ms": row.duration_ms,
                    "builder": row.builder,
                    "problem": flagged[row.name].kind if row.name in flagged else None,
                }
                for _, row in plan.applied
            ],
            "pending": [{"name": s.name, "checksum": s.checksum, "state": s.state} for s in plan.pending],
            "problems": [{"kind": p.kind, "name": p.name, "message": p.message} for p in plan.problems],
            "drafts_left_out": result.drafts_left_out,
        }
        return json.dumps(payload, indent=2) + "\n"
    width = max([len(row.name) for _, row in plan.applied] + [len(s.name) for s in plan.pending] + [4])
    lines = [f"wsdb status: {result.where}"]
    for _, row in plan.applied:
        mark = flagged[row.name].kind.upper() if row.name in flagged else "applied"
        duration = f"{row.duration_ms} ms" if row.duration_ms is not None else ""
        lines.append(
            f"  {mark:<8} {row.name:<{width}}  {row.checksum[:12]}  {_at(row)}  {row.applied_by or '?'}  {duration}".rstrip()
        )
    for script in plan.pending:
        mark = "OUT OF ORDER" if script.name in flagged else "pending"
        lines.append(f"  {mark:<8} {script.name:<{width}}  {script.checksum[:12]}  ({script.state})")
    for problem in plan.problems:
        lines.append(f"  problem: {problem.message}")
    if result.drafts_left_out:
        lines.append(f"  drafts not counted (apply them with --drafts): {', '.join(result.drafts_left_out)}")
    verdict = f"{len(plan.applied)} applied, {len(plan.pending)} pending"
    if plan.problems:
        verdict += f", {len(plan.problems)} problem(s)"
    lines.append(f"wsdb status: {verdict}")
    return "\n".join(lines) + "\n"


__all__ = ["Status", "render_status", "status"]
