"""The migration scripts on disk, as ``wsdb apply`` and ``wsdb status`` see them.

Only what the builder sealed is applied: every script listed in ``migrations/order.txt`` must exist, and
its checksum (see :mod:`harness.sumfile`) must equal both the one in its header and the one
``migrations/migrations.sum`` records. A script edited by hand after sealing is refused before anything
reaches a server. Draft scripts (not yet released) are left out unless asked for: a draft can still
change, and a database that ran one must be rebuilt when it does.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .layout import MIGRATIONS, ORDER_FILE, SUM_FILE, read_order
from .sumfile import SumError, checksum_of, parse


class ScriptError(Exception):
    """The scripts on disk cannot be trusted or found; the message names the file."""


@dataclass(frozen=True)
class DiskScript:
    name: str  # e.g. 20250907_add_workstream_tables
    path: str  # relative to the project root
    text: str
    checksum: str
    state: str  # released | draft


@dataclass
class ScriptSet:
    scripts: list[DiskScript]  # in apply order
    drafts_left_out: list[str]

    def names(self) -> list[str]:
        return [s.name for s in self.scripts]

    def get(self, name: str) -> DiskScript | None:
        return next((s for s in self.scripts if s.name == name), None)


def load_scripts(root: Path, *, include_drafts: bool = False) -> ScriptSet:
    """Every listed script, verified against its header and migrations.sum; raise :class:`ScriptError`."""
    order = read_order(root)
    if not order:
        raise ScriptError(f"{ORDER_FILE}: no migrations listed (or no such file under {root})")
    try:
        sums = parse((root / SUM_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ScriptError(f"{SUM_FILE} is missing: run wsdb build") from None
    except (OSError, SumError) as error:
        raise ScriptError(f"{SUM_FILE}: {error}") from None
    scripts: list[DiskScript] = []
    left_out: list[str] = []
    for line, name in order:
        rel = f"{MIGRATIONS}/{name}.sql"
        entry = sums.get(f"{name}.sql")
        if entry is None:
            raise ScriptError(f"{ORDER_FILE}:{line}: {name} is not sealed in {SUM_FILE}; run wsdb build")
        try:
            text = (root / rel).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ScriptError(f"{rel} is missing; run wsdb build") from None
        except (OSError, UnicodeDecodeError) as error:
            raise ScriptError(f"{rel}: cannot read it: {error}") from None
        checksum = checksum_of(text)
        if checksum != entry.checksum:
            raise ScriptError(
                f"{rel}: checksum {checksum[:12]}… differs from {entry.checksum[:12]}… in {SUM_FILE}: "
                f"the {entry.state} script was edited after it was sealed; wsdb build --check explains"
            )
        if entry.state == "draft" and not include_drafts:
            left_out.append(name)
            continue
        if left_out:
            raise ScriptError(f"{rel} is released but follows draft {left_out[0]}; run wsdb build --check")
        scripts.append(DiskScript(name, rel, text, checksum, entry.state))
    return ScriptSet(scripts, left_out)


__all__ = ["DiskScript", "ScriptError", "ScriptSet", "load_scripts"]
