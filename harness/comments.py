"""Descriptions and directives, read from the ``--`` comments of a SQL file.

Conventions (DEVELOPERS.md):

* an object's description is the first paragraph of the comment block directly above its
  ``CREATE`` (no blank line in between); an empty ``--`` line ends the paragraph;
* a column's, constraint's or index's description is the trailing ``--`` comment on its first line,
  or, when the line has none, the comment lines directly above it;
* ``-- wsdb:<name> <args>`` comments are directives, never part of a description.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from .batches import _scan

_DIRECTIVE = re.compile(r"^wsdb:(?P<name>[a-z][a-z-]*)\b\s*(?P<args>.*)$")
KNOWN_DIRECTIVES = {"allow", "alias", "never-deleted"}


@dataclass(frozen=True)
class Directive:
    line: int
    name: str
    args: str
    trailing: bool  # the comment follows code on its line


class FileComments:
    """Index of a file's ``--`` comments by line (1-based)."""

    def __init__(self, text: str) -> None:
        self.trailing: dict[int, str] = {}
        self.own_line: dict[int, str] = {}
        self.blank: set[int] = set()
        self.directives: list[Directive] = []
        lines = text.split("\n")
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                self.blank.add(number)
        try:
            regions = list(_scan(text))
        except ValueError:
            regions = []
        line_of = _LineIndex(text)
        for start, end, kind in regions:
            if kind != "line_comment":
                continue
            number = line_of(start)
            body = text[start + 2 : end].rstrip("\r").strip()
            line_start = text.rfind("\n", 0, start) + 1
            is_trailing = bool(text[line_start:start].strip())
            directive = _DIRECTIVE.match(body)
            if directive:
                self.directives.append(Directive(number, directive["name"], directive["args"].strip(), is_trailing))
                if not is_trailing:
                    self.own_line[number] = "\0directive"
                continue
            if is_trailing:
                self.trailing[number] = body
            else:
                self.own_line[number] = body

    def block_above(self, line: int) -> list[tuple[int, str]]:
        """The comment-only lines directly above ``line`` (top to bottom), directives skipped."""
        out = []
        number = line - 1
        while number in self.own_line:
            if self.own_line[number] != "\0directive":
                out.append((number, self.own_line[number]))
            number -= 1
        return list(reversed(out))

    def object_description(self, line: int) -> str | None:
        """First paragraph of the comment block above an object's CREATE line."""
        paragraph: list[str] = []
        for _, text in self.block_above(line):
            if not text:
                if paragraph:
                    break
                continue
            paragraph.append(text)
        return " ".join(paragraph) or None

    def item_description(self, line: int, *, above: bool = True) -> str | None:
        """Trailing comment of a column/constraint/index line, else (with ``above``) the comment lines just above it."""
        if line in self.trailing:
            return self.trailing[line] or None
        if not above:
            return None
        block = [text for _, text in self.block_above(line) if text]
        return " ".join(block) or None

    def directives_for(self, line: int, name: str) -> list[Directive]:
        """Directives ``name`` that apply to ``line``: on it (trailing) or in the comment block above it."""
        above = {number for number, _ in self.block_above(line)}
        number = line - 1
        while number in self.own_line:
            above.add(number)
            number -= 1
        return [d for d in self.directives if d.name == name and (d.line == line or d.line in above)]


class _LineIndex:
    """Map character offsets to 1-based line numbers."""

    def __init__(self, text: str) -> None:
        self._starts = [0] + [m.end() for m in re.finditer(r"\n", text)]

    def __call__(self, offset: int) -> int:
        return bisect.bisect_right(self._starts, offset)
