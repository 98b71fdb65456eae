"""docs/errors.md lists every error number the package's procedures raise, and each number has one owner."""

from __future__ import annotations

import re
from collections import defaultdict

from .conftest import REPO

_ROW = re.compile(r"^\|\s*(?P<number>5\d{4})\s*\|\s*`(?P<owner>[^`]+)`", re.M)
_THROW = re.compile(r"\bTHROW\s+(?P<number>\d+)\s*,", re.I)


def documented() -> dict[int, set[str]]:
    owners: dict[int, set[str]] = defaultdict(set)
    for match in _ROW.finditer((REPO / "docs" / "errors.md").read_text(encoding="utf-8")):
        owners[int(match.group("number"))].add(match.group("owner"))
    return owners


def raised() -> dict[int, set[str]]:
    owners: dict[int, set[str]] = defaultdict(set)
    for kind in ("procedures", "functions"):
        for path in sorted((REPO / "sql" / kind).glob("*.sql")):
            for match in _THROW.finditer(path.read_text(encoding="utf-8")):
                owners[int(match.group("number"))].add(path.stem)
    return owners


def test_every_number_a_procedure_throws_is_documented_under_that_procedure():
    docs = documented()
    missing = sorted(f"{n} {owner}" for n, owners in raised().items() for owner in owners if owner not in docs.get(n, set()))
    assert missing == []


def test_no_two_procedures_throw_the_same_number():
    shared = {n: sorted(owners) for n, owners in raised().items() if len(owners) > 1}
    assert shared == {}


def test_every_documented_procedure_error_is_still_raised():
    throws = raised()
    stale = sorted(
        f"{n} {owner}" for n, owners in documented().items() for owner in owners
        if owner.startswith("app.") and owner not in throws.get(n, set())
    )
    assert stale == []
