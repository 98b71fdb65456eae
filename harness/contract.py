"""Check the model against the seed contracts in ``contracts/*.json``.

A contract (see :mod:`harness.seed_markdown`; bullet-style seeds: :mod:`harness.seed_bullets`) lists the seed's tables with their columns, types and
descriptions, primary and foreign keys, named indexes (keys, order, filter, uniqueness), views with
their columns, and procedures with their parameters. The check reports every difference; columns the
model adds to a seed table are reported too (W506) unless acknowledged with ``wsdb:allow W506``.

Beyond names and types it proves what the seed implies:

* every enumeration in a column description (``Status: 'new', 'triaged', ...``) has a CHECK
  constraint allowing exactly those values, and every ``(0-1)`` score a CHECK that bounds it (E510);
* ``created_at``/``updated_at`` default to ``SYSUTCDATETIME()`` and ``bit`` flags have a default (E511).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import sqlglot
from sqlglot import exp

from .findings import FindingSink
from .model import Catalog, Table
from .types import canonical


class Contract:
    def __init__(self, path: str, data: dict, text: str) -> None:
        self.path = path
        self.data = data
        self.text = text

    def line_of(self, name: str) -> int:
        needle = json.dumps(name) + ":"
        index = self.text.find(needle)
        return self.text.count("\n", 0, index) + 1 if index >= 0 else 1

    def index_names(self) -> set[str]:
        names = set()
        for table in self.data.get("tables", {}).values():
            names.update(ix["name"] for ix in table.get("indexes", []))
        return names


def load_contracts(root: Path, sink: FindingSink) -> list[Contract]:
    contracts = []
    folder = root / "contracts"
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        rel = path.relative_to(root).as_posix()
        try:
            text = path.read_text(encoding="utf-8")
            contracts.append(Contract(rel, json.loads(text), text))
        except (OSError, ValueError) as error:
            sink.add(rel, 1, "E102", f"contract cannot be read: {error}")
    return contracts


def _filter_sql(text_or_expr) -> str | None:
    if text_or_expr is None:
        return None
    if isinstance(text_or_expr, str):
        tree = sqlglot.parse_one(f"SELECT 1 WHERE {text_or_expr}", read="tsql").args["where"].this
    else:
        tree = text_or_expr
    while isinstance(tree, exp.Paren):
        tree = tree.this
    return tree.sql("tsql", copy=False).lower()


def _enumeration(description: str) -> list[str]:
    """Quoted values listed after a colon: "Status: 'a', 'b'" -> ['a', 'b']."""
    if ":" not in description:
        return []
    values = re.findall(r"'([^']+)'", description.split(":", 1)[1])
    return values if len(values) >= 2 else []


def _is_unit_score(description: str) -> bool:
    return bool(re.search(r"\(0(\.0)?\s*-\s*1(\.0)?\)", description))


def _checks(table: Table):
    for constraint in table.constraints:
        if constraint.kind == "CK" and constraint.expression is not None:
            yield constraint.expression


def _allowed_values(table: Table, column: str) -> list[set[str]]:
    found = []
    for expression in _checks(table):
        for node in expression.find_all(exp.In):
            if isinstance(node.this, exp.Column) and node.this.name.lower() == column.lower():
                found.append({e.name for e in node.expressions if isinstance(e, exp.Literal)})
    return found


def _bounded_0_1(table: Table, column: str) -> bool:
    for expression in _checks(table):
        for node in expression.find_all(exp.Between):
            if (
                isinstance(node.this, exp.Column)
                and node.this.name.lower() == column.lower()
                and node.args["low"].sql() in ("0", "0.0")
                and node.args["high"].sql() in ("1", "1.0")
            ):
                return True
    return False


def check_contract(catalog: Catalog, contract: Contract, sink: FindingSink) -> None:
    data = contract.data
    for name, spec in data.get("tables", {}).items():
        table = catalog.tables.get(name.lower())
        if table is None:
            sink.add(contract.path, contract.line_of(name), "E500", f"seed table {name} is not defined in sql/tables/")
            continue
        _check_table(table, spec, sink)
    for name, spec in data.get("entities", {}).items():
        table = catalog.tables.get(name.lower())
        if table is None:
            sink.add(contract.path, contract.line_of(name), "E500", f"seed table {name} ({spec['description']}) is not defined in sql/tables/")
            continue
        for column in spec.get("columns", []):
            if table.column(column) is None:
                sink.add(table.location.path, table.location.line, "E501", f"table {name} has no column {column} (seed)")
    for spec in data.get("key_indexes", []):
        table = catalog.tables.get(spec["table"].lower())
        if table is not None:
            _check_key_index(table, spec, sink)
    for name, description in data.get("designed_tables", {}).items():
        if name.lower() not in catalog.tables:
            sink.add(contract.path, contract.line_of(name), "E500", f"seed table {name} ({description}) is not defined in sql/tables/")
    for name, spec in data.get("views", {}).items():
        view = catalog.views.get(name.lower())
        if view is None:
            sink.add(contract.path, contract.line_of(name), "E500", f"seed view {name} is not defined in sql/views/")
            continue
        expected = [c.lower() for c in spec["columns"]]
        actual = [c.lower() for c in view.columns]
        if expected != actual:
            missing = [c for c in expected if c not in actual]
            extra = [c for c in actual if c not in expected]
            detail = []
            if missing:
                detail.append("missing " + ", ".join(missing))
            if extra:
                detail.append("not in the seed " + ", ".join(extra))
            if not detail:
                detail.append("order differs from the seed: " + ", ".join(expected))
            sink.add(view.location.path, view.location.line, "E504", f"view {name}: {'; '.join(detail)}")
        if spec.get("description") and view.description != spec["description"]:
            sink.add(view.location.path, view.location.line, "E507", f"view {name}: description (first paragraph of its header) should be the seed's: {spec['description']!r}")
    for name, spec in data.get("procedures", {}).items():
        routine = catalog.routines.get(name.lower())
        if routine is None:
            sink.add(contract.path, contract.line_of(name), "E500", f"seed procedure {name} is not defined in sql/procedures/")
            continue
        expected = [(p["name"].lower(), canonical(p["type"]), p["optional"]) for p in spec["parameters"]]
        actual = [(p.name.lower(), canonical(p.type), p.optional) for p in routine.parameters]
        if expected != actual:
            want = ", ".join(f"{n} {t}{' = NULL' if o else ''}" for n, t, o in expected)
            sink.add(routine.location.path, routine.location.line, "E505", f"procedure {name}: parameters should be {want}")
        if spec.get("description") and routine.description != spec["description"]:
            sink.add(routine.location.path, routine.location.line, "E507", f"procedure {name}: description should be the seed's: {spec['description']!r}")


def _check_table(table: Table, spec: dict, sink: FindingSink) -> None:
    path = table.location.path
    name = table.full_name
    if spec.get("description") and table.description != spec["description"]:
        sink.add(path, table.location.line, "E507", f"table {name}: description should be the seed's: {spec['description']!r}")
    seed_columns = {c["name"].lower(): c for c in spec.get("columns", [])}
    for column_spec in spec.get("columns", []):
        column = table.column(column_spec["name"])
        if column is None:
            sink.add(path, table.location.line, "E501", f"table {name} has no column {column_spec['name']} {column_spec['type']} (seed)")
            continue
        where = column.location.line
        if canonical(column.type) != canonical(column_spec["type"]):
            sink.add(path, where, "E502", f"{name}.{column.name} is {column.type or 'untyped'}; the seed says {column_spec['type']}")
        if column.description != column_spec["description"]:
            sink.add(path, where, "E507", f"{name}.{column.name}: description should be the seed's: {column_spec['description']!r}")
        values = _enumeration(column_spec["description"])
        if values:
            allowed = _allowed_values(table, column.name)
            if not allowed:
                sink.add(path, where, "E510", f"{name}.{column.name}: no CHECK limits it to {', '.join(values)}")
            elif set(values) not in allowed:
                sink.add(path, where, "E510", f"{name}.{column.name}: CHECK allows {', '.join(sorted(allowed[0]))}; the seed lists {', '.join(values)}")
        if _is_unit_score(column_spec["description"]) and not _bounded_0_1(table, column.name):
            sink.add(path, where, "E510", f"{name}.{column.name}: no CHECK ({column.name} BETWEEN 0 AND 1) for this 0-1 score")
        lower = column.name.lower()
        if lower in ("created_at", "updated_at") and "SYSUTCDATETIME" not in (column.default or "").upper():
            sink.add(path, where, "E511", f"{name}.{column.name} should default to SYSUTCDATETIME()")
        if canonical(column.type) == "bit" and column.default is None:
            sink.add(path, where, "E511", f"{name}.{column.name} is a flag without a default")
    for column in table.columns.values():
        if column.name.lower() not in seed_columns:
            sink.add(path, column.location.line, "W506", f"{name}.{column.name} is not a seed column; acknowledge it with wsdb:allow W506 <reason>")
    for text in spec.get("constraints", []):
        _check_seed_constraint(table, text, sink)
    for index_spec in spec.get("indexes", []):
        _check_index(table, index_spec, sink)


def _check_seed_constraint(table: Table, text: str, sink: FindingSink) -> None:
    path, line, name = table.location.path, table.location.line, table.full_name
    pk = re.match(r"Primary key: \((.*)\)", text)
    if pk:
        expected = [c.strip().lower() for c in pk.group(1).split(",")]
        actual = [c.lower() for c in (table.primary_key().columns if table.primary_key() else [])]
        if expected != actual:
            sink.add(path, line, "E508", f"table {name}: primary key should be ({', '.join(expected)}), is ({', '.join(actual)})")
        return
    fks = re.match(r"Foreign keys? to (.+?) tables?$", text)
    if fks:
        for target in re.split(r",\s*|\s+and\s+", fks.group(1)):
            target_name = f"{table.schema}.{target.strip()}".lower()
            found = [c for c in table.constraints if c.kind == "FK" and (c.ref_table or "").lower() == target_name]
            if not found:
                sink.add(path, line, "E509", f"table {name}: the seed wants a foreign key to {target_name}")


def _check_key_index(table: Table, spec: dict, sink: FindingSink) -> None:
    """The seed names an index by its keys only: some unfiltered index must have exactly those keys, in order."""
    expected = [(k.lower(), order == "desc") for k, order in spec["keys"]]
    for index in table.indexes:
        if [(k.lower(), desc) for k, desc in index.keys] == expected and index.filter is None:
            return
    ascending = all(not desc for _, desc in expected)
    for constraint in table.constraints:  # a PRIMARY KEY or UNIQUE constraint is an index too (ascending keys)
        if constraint.kind in ("PK", "UQ") and ascending and [c.lower() for c in constraint.columns] == [k for k, _ in expected]:
            return
    show = ", ".join(f"{k}{' DESC' if d else ''}" for k, d in expected)
    purpose = f" ({spec['purpose']})" if spec.get("purpose") else ""
    sink.add(table.location.path, table.location.line, "E503", f"seed index{purpose} on {table.full_name} ({show}) is missing: no unfiltered index has exactly these keys in this order")


def _check_index(table: Table, spec: dict, sink: FindingSink) -> None:
    path, name = table.location.path, table.full_name
    index = next((ix for ix in table.indexes if ix.name == spec["name"] or spec["name"] in ix.aliases), None)
    if index is None:
        sink.add(path, table.location.line, "E503", f"seed index {spec['name']} on {name} is missing")
        return
    label = spec["name"] if index.name == spec["name"] else f"{spec['name']} (alias of {index.name})"
    expected_keys = [(k.lower(), order == "desc") for k, order in spec["keys"]]
    actual_keys = [(k.lower(), desc) for k, desc in index.keys]
    problems = []
    if expected_keys != actual_keys:
        show = ", ".join(f"{k}{' DESC' if d else ''}" for k, d in expected_keys)
        problems.append(f"keys should be ({show})")
    if spec.get("unique") and not index.unique:
        problems.append("should be unique")
    if _filter_sql(spec.get("filter")) != _filter_sql(index.filter):
        problems.append(f"filter should be {spec.get('filter') or 'none'}")
    if problems:
        sink.add(path, index.location.line, "E503", f"index {label} on {name}: {'; '.join(problems)}")
