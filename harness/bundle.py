"""`wsdb bundle`: one deploy script of the released migrations, for a DBA to run with sqlcmd or SSMS.

Each script goes in whole — its own guard, transaction and history row — so the bundle can be run on
any database at any point of the history: scripts already applied are skipped, and the first error
stops the rest (`sqlcmd -b`; in SSMS the scripts' own SET NOEXEC gates do it).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .build import build
from .model import Catalog


class BundleError(ValueError):
    """The migrations are not in a state to ship (the message says what to fix)."""


@dataclass
class Bundle:
    text: str
    scripts: list[str]  # names, in order
    drafts_left_out: list[str]


def make_bundle(root: Path, target: Catalog, from_name: str | None = None) -> Bundle:
    """Concatenate the released scripts (from ``from_name`` on, when given), verified first."""
    result = build(root, target, write=False)
    if result.errors:
        first = result.errors[0].text()
        raise BundleError(f"the migrations do not verify ({len(result.errors)} error(s), first: {first}); run wsdb build --check")
    states = {e.script: e.state for e in result.sum_file.entries} if result.sum_file else {}
    released = [m for m in result.migrations if states.get(m.file_name) == "released"]
    drafts = [m.name for m in result.migrations if states.get(m.file_name) != "released"]
    if from_name is not None:
        names = [m.name for m in released]
        wanted = from_name.removesuffix(".sql")
        if wanted not in names:
            raise BundleError(f"--from {from_name}: no released migration of that name (released: {', '.join(names) or 'none'})")
        released = released[names.index(wanted) :]
    if not released:
        raise BundleError("no released migration to bundle (wsdb build --release marks drafts released)")
    checksums = {e.script: e.checksum for e in result.sum_file.entries}
    listing = "".join(f"  {checksums[m.file_name]}  {m.name}\n" for m in released)
    header = (
        "/*\n"
        f"Bundle of {len(released)} migration(s), workstream-db {__version__}, in apply order:\n"
        f"{listing}"
        "Every script is whole (guard, one transaction, history row): already-applied scripts are skipped,\n"
        "and an error stops the rest. Run: sqlcmd -b -I -i <this file>, or open it in SSMS and execute.\n"
        "*/\n"
    )
    body = "".join((root / m.script).read_text(encoding="utf-8") for m in released)
    return Bundle(header + body, [m.name for m in released], drafts)
