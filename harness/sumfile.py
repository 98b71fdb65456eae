"""Checksums of migration scripts and the ``migrations/migrations.sum`` file that records them.

A script carries its own checksum (the guard compares it with the history table), so the checksum
cannot be a plain hash of the file. It is the sha256 of the script with every occurrence of the
checksum itself replaced by 64 zeros. By hand::

    c=<checksum>; sed "s/$c/$(printf '0%.0s' $(seq 64))/g" migrations/<script>.sql | sha256sum

``migrations.sum`` lists every script with that checksum and its state (``released`` scripts are
immutable; ``draft`` scripts are re-rendered by ``wsdb build``), then one line whose hash covers the
whole directory (each listed line in order), so a reordered, added or removed script is noticed too.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

PLACEHOLDER = "0" * 64
_HEX = re.compile(r"[0-9a-f]{64}")
_CHECKSUM_LINE = re.compile(r"^Checksum +([0-9a-f]{64})$", re.MULTILINE)
HEADER = (
    "# migrations.sum: written by `wsdb build`; do not edit by hand.\n"
    "# <checksum>  <script>  <released|draft>; checksum = sha256 of the script with its own checksum zeroed.\n"
)
STATES = ("released", "draft")


class SumError(ValueError):
    """migrations.sum cannot be read (a malformed line, an unknown state)."""


def seal(text: str) -> tuple[str, str]:
    """Replace the placeholder in a rendered script by the script's checksum; return (text, checksum)."""
    checksum = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return text.replace(PLACEHOLDER, checksum), checksum


def checksum_of(text: str) -> str:
    """The checksum of a sealed script: the one it claims, if zeroing it gives back that hash; else the
    plain sha256 of the text (which then matches nothing, so tampering shows)."""
    if PLACEHOLDER in text:
        # A sealed script never holds the placeholder (sealing replaced every copy of it), and an
        # unsealed one must not pass for its sealed self, whose checksum is the plain hash of this text.
        return hashlib.sha256(b"unsealed\0" + text.encode("utf-8")).hexdigest()
    header = _CHECKSUM_LINE.search(text)  # the header names it: try that one first
    candidates = ([header.group(1)] if header else []) + sorted(set(_HEX.findall(text)))
    for claimed in candidates:
        if hashlib.sha256(text.replace(claimed, PLACEHOLDER).encode("utf-8")).hexdigest() == claimed:
            return claimed
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class SumEntry:
    script: str  # file name, e.g. "20250907_add_workstream_tables.sql"
    checksum: str
    state: str  # "released" or "draft"


@dataclass
class SumFile:
    entries: list[SumEntry] = field(default_factory=list)
    directory: str | None = None  # the directory hash as written in the file

    def get(self, script: str) -> SumEntry | None:
        return next((e for e in self.entries if e.script == script), None)

    def directory_hash(self) -> str:
        """sha256 over the entry lines, in order."""
        body = "".join(f"{e.checksum}  {e.script}  {e.state}\n" for e in self.entries)
        return hashlib.sha256(body.encode("utf-8")).hexdigest()

    def render(self) -> str:
        lines = [HEADER]
        lines += [f"{e.checksum}  {e.script}  {e.state}\n" for e in self.entries]
        lines.append(f"{self.directory_hash()}  (directory)\n")
        return "".join(lines)


def parse(text: str) -> SumFile:
    """Read migrations.sum; raise SumError naming the line that is wrong."""
    result = SumFile()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split()
        if len(parts) == 2 and parts[1] == "(directory)" and _HEX.fullmatch(parts[0]):
            result.directory = parts[0]
            continue
        if len(parts) != 3 or not _HEX.fullmatch(parts[0]) or parts[2] not in STATES:
            raise SumError(f"migrations.sum line {number}: expected '<sha256>  <script>  released|draft', got {line!r}")
        result.entries.append(SumEntry(parts[1], parts[0], parts[2]))
    return result
