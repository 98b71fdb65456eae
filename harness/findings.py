"""Findings: what `wsdb check` reports, each as ``path:line: CODE message``.

Every code is registered here with its severity and a one-line meaning (``wsdb check --list-codes``
prints the table). A finding can be acknowledged on purpose with a directive comment on its line or
on the comment lines directly above it::

    -- wsdb:allow W506 tenant key that lets both foreign keys prove the same org

An ``allow`` that matches no finding is itself reported (W121), so suppressions cannot go stale.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Code:
    code: str
    title: str

    @property
    def severity(self) -> Severity:
        return Severity.WARNING if self.code.startswith("W") else Severity.ERROR


CODES: dict[str, Code] = {
    c.code: c
    for c in [
        # Reading and parsing
        Code("E100", "statement does not parse"),
        Code("E101", "statement neither sqlglot nor its sqlfluff fallback can parse"),
        Code("E102", "file cannot be read or split into batches"),
        Code("E103", "statement kind is not allowed in this folder"),
        Code("E199", "object could not be analysed (an internal error of wsdb: please report it)"),
        Code("W120", "directive not understood"),
        Code("W121", "allow directive matches no finding"),
        # References
        Code("E200", "unknown table or view"),
        Code("E201", "unknown column"),
        Code("E202", "foreign key references an unknown table"),
        Code("E203", "foreign key references columns that are not a key of the target"),
        Code("E204", "index or constraint names an unknown column"),
        Code("E205", "unknown procedure or function"),
        Code("E206", "ambiguous column"),
        Code("E207", "object reference is not schema-qualified"),
        Code("E208", "foreign key column types differ from the referenced key"),
        Code("E209", "column count mismatch"),
        Code("E210", "unknown table alias"),
        Code("E211", "security policy predicate that SQL Server would refuse (duplicate, or not an inline table function)"),
        # Identity and naming
        Code("E300", "file path does not match the object it defines"),
        Code("E301", "file defines more than one object"),
        Code("E302", "name breaks the naming rules"),
        Code("E303", "constraint without a name (SQL Server would generate one)"),
        Code("E304", "file is not in a known kind folder"),
        Code("E305", "object defined twice"),
        Code("E306", "object is defined in no file of its schema's folder"),
        # Indexes
        Code("E400", "duplicate index (same keys, order and filter)"),
        Code("W401", "foreign key without a supporting index"),
        # Seed contract
        Code("E500", "seed object missing"),
        Code("E501", "seed column missing"),
        Code("E502", "column type differs from the seed"),
        Code("E503", "seed index missing or different"),
        Code("E504", "view columns differ from the seed"),
        Code("E505", "procedure parameters differ from the seed"),
        Code("W506", "column not in the seed"),
        Code("E507", "description differs from the seed"),
        Code("E508", "primary key differs from the seed"),
        Code("E509", "seed foreign key missing"),
        Code("E510", "seed enumeration or 0-1 score without a matching CHECK constraint"),
        Code("E511", "seed timestamp or flag without its default"),
        # Descriptions
        Code("E600", "missing description"),
        # House rules
        Code("E701", "SELECT * in a view, function or procedure"),
        Code("E702", "MERGE statement"),
        Code("E703", "RAISERROR in new code (use THROW)"),
        Code("E704", "local-time function (use SYSUTCDATETIME())"),
        Code("E705", "procedure does not SET NOCOUNT ON and XACT_ABORT ON first"),
        Code("E706", "procedure body is not wrapped in TRY/CATCH with THROW"),
        Code("E707", "dynamic SQL executed from a string"),
        Code("E708", "wrong CREATE form for the object kind"),
        Code("E709", "THROW with an error number below 50000"),
        # Migrations (wsdb build)
        Code("E801", "released migration script edited by hand or missing"),
        Code("E802", "draft migration script differs from what its template renders"),
        Code("E803", "migration template cannot be rendered (bad macro call, cycle, no description)"),
        Code("E804", "migrations.sum or the migrations folder is inconsistent"),
        Code("E805", "migration statement cannot apply to the schema as it stands then"),
        Code("E806", "sql/ and the schema the migrations build differ"),
        # Destructive changes in a migration (acknowledged in the script header, see harness.destructive)
        Code("E810", "migration drops a table that exists before it"),
        Code("E811", "migration drops a column that may hold data"),
        Code("E812", "migration narrows a column's type"),
        Code("E813", "migration makes a column NOT NULL without a default on a table that may hold rows"),
        Code("E814", "migration builds or rebuilds an index offline on a large table"),
        Code("E815", "migration drops and re-adds a column or table of the same shape instead of renaming it"),
        Code("W816", "migration acknowledgement matches no finding"),
        Code("W817", "migration acknowledgement not understood or without a reason"),
        Code("E818", "pyproject.toml [tool.wsdb] large-tables cannot be read or names an unknown table"),
    ]
}


@dataclass(frozen=True, order=True)
class Finding:
    path: str
    line: int
    code: str
    message: str

    @property
    def severity(self) -> Severity:
        return CODES[self.code].severity

    def text(self) -> str:
        return f"{self.path}:{self.line}: {self.code} {self.message}"


class FindingSink:
    """Collects findings; keeps them unique and in file/line order."""

    def __init__(self) -> None:
        self._items: set[Finding] = set()

    def add(self, path: str, line: int, code: str, message: str) -> None:
        if code not in CODES:  # pragma: no cover - programming error, caught by tests
            raise KeyError(f"unregistered finding code {code}")
        self._items.add(Finding(path, max(int(line or 1), 1), code, message))

    def extend(self, findings) -> None:
        for f in findings:
            self.add(f.path, f.line, f.code, f.message)

    def sorted(self) -> list[Finding]:
        return sorted(self._items, key=lambda f: (f.path, f.line, f.code, f.message))

    def __len__(self) -> int:
        return len(self._items)
