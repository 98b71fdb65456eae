"""Colour for the text the commands print: on for a terminal, off for a pipe, a file or ``NO_COLOR``.

The report renderers return plain text; :func:`paint` marks up a finished text line by line and
``click.echo`` strips the marks again wherever colour is off (see :func:`colour_enabled`). Files written
with ``--output``, ``--junit`` or ``--json`` are never painted.
"""

from __future__ import annotations

import os
import re

import click

# path:line: CODE message  (check, build, lint), or path:line: message (verify)
_FINDING = re.compile(r"^(?P<where>\S+?:\d+:) (?P<code>[EW]\d{3}|[A-Z]{2}\d{2}\b|SKIPPED)?(?P<rest>.*)$")
_SUMMARY = re.compile(r"^(?P<head>wsdb [a-z]+:) (?P<rest>.*)$")
_PROGRESS = re.compile(r"^(?P<counter>\[\s*\d+/\d+\]) (?P<outcome>applied|skipped|applying)(?P<rest>.*)$")
_BAD_COUNT = re.compile(r"^[1-9]\d* (error|difference|violation|finding|stale)")
_WARNINGS_ONLY = re.compile(r"^0 error\(s\), [1-9]")
_BAD_WORDS = ("REFUSED", "failed", "differs")


def colour_enabled(ctx: click.Context | None) -> bool | None:
    """``--color``/``--no-color`` if given, else off under ``NO_COLOR``, else None (click: on for a terminal)."""
    chosen = ctx.find_root().params.get("color") if ctx is not None else None
    if chosen is not None:
        return chosen
    if os.environ.get("NO_COLOR"):
        return False
    return None


def paint(text: str) -> str:
    """``text`` with ANSI colours: codes red (errors) or yellow (warnings), verdicts green or red."""
    return "\n".join(paint_line(line) for line in text.split("\n"))


def paint_line(line: str) -> str:
    """One line of a report, coloured by what it is; lines of no known shape come back as they are."""
    match = _PROGRESS.match(line)
    if match:
        colour = {"applied": "green", "skipped": None, "applying": None}[match["outcome"]]
        return f"{click.style(match['counter'], dim=True)} {click.style(match['outcome'], fg=colour)}{match['rest']}"
    match = _SUMMARY.match(line)
    if match:
        return f"{click.style(match['head'], bold=True)} {click.style(match['rest'], fg=_verdict_colour(match['rest']))}"
    match = _FINDING.match(line)
    if match:
        code = match["code"] or ""
        styled = click.style(code, fg="yellow" if code.startswith("W") else "red", bold=True) if code else ""
        return f"{click.style(match['where'], bold=True)} {styled}{match['rest']}"
    return line


def _verdict_colour(verdict: str) -> str:
    if _BAD_COUNT.match(verdict) or any(word in verdict for word in _BAD_WORDS):
        return "red"
    return "yellow" if _WARNINGS_ONLY.match(verdict) else "green"


__all__ = ["colour_enabled", "paint", "paint_line"]
