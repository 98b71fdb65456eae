"""Index rules: every key column exists, no duplicate indexes, foreign keys have a supporting index.

Primary keys and unique constraints are indexes too (SQL Server builds one for each), so they take
part in the duplicate check and count as support for foreign keys.

A foreign key is *supported* when some index's leading key columns, taken while they are foreign key
columns, cover every foreign key column except the tenant column (``org_id``/``workspace_id``): the
index lets a delete of the parent row find its children with a seek. A filtered index counts only
when its filter is ``<column> IS NOT NULL`` on foreign key columns (the rows a check can match).
Foreign keys to a table declared ``-- wsdb:never-deleted`` need no support: its rows never go.
"""

from __future__ import annotations

from sqlglot import exp

from .findings import FindingSink
from .model import Catalog, Table
from .naming import TENANT_COLUMNS


def _index_shapes(table: Table):
    """(name, keys, filter_sql, location line, filter expression) for every index-like object."""
    for constraint in table.constraints:
        if constraint.kind in ("PK", "UQ") and constraint.name:
            yield constraint.name, [(c, False) for c in constraint.columns], None, constraint.location.line, None
    for index in table.indexes:
        yield index.name, index.keys, _normal(index.filter), index.location.line, index.filter


def _normal(expression: exp.Expression | None) -> str | None:
    if expression is None:
        return None
    node = expression.this if isinstance(expression, exp.Paren) else expression
    return node.sql("tsql", copy=False).lower()


def check_columns(catalog: Catalog, sink: FindingSink) -> None:
    """Index and constraint columns must exist in their table (E204)."""
    for table in catalog.tables.values():
        path = table.location.path
        for constraint in table.constraints:
            names = list(constraint.columns)
            if constraint.expression is not None:
                names += [c.name for c in constraint.expression.find_all(exp.Column)]
            for name in names:
                if table.column(name) is None:
                    sink.add(path, constraint.location.line, "E204", f"{constraint.name or constraint.kind} names unknown column {table.full_name}.{name}")
        for index in table.indexes:
            names = [k for k, _ in index.keys] + index.include
            if index.filter is not None:
                names += [c.name for c in index.filter.find_all(exp.Column)]
            for name in names:
                if table.column(name) is None:
                    sink.add(path, index.location.line, "E204", f"index {index.name} names unknown column {table.full_name}.{name}")


def check_duplicates(catalog: Catalog, sink: FindingSink) -> None:
    """Two indexes with the same keys, order and filter (E400)."""
    for table in catalog.tables.values():
        seen: dict[tuple, str] = {}
        for name, keys, filter_sql, line, _ in _index_shapes(table):
            shape = (tuple((k.lower(), desc) for k, desc in keys), filter_sql)
            if shape in seen:
                sink.add(
                    table.location.path,
                    line,
                    "E400",
                    f"{name} duplicates {seen[shape]} on {table.full_name} (same keys, order and filter)",
                )
            else:
                seen[shape] = name


def _supports(keys: list[tuple[str, bool]], filter_expr, fk_columns: list[str]) -> bool:
    fk = {c.lower() for c in fk_columns}
    needed = fk - TENANT_COLUMNS if len(fk) > 1 else fk
    prefix = []
    for column, _ in keys:
        if column.lower() not in fk:
            break
        prefix.append(column.lower())
    if not needed <= set(prefix):
        return False
    if filter_expr is None:
        return True
    node = filter_expr.this if isinstance(filter_expr, exp.Paren) else filter_expr
    conjuncts = list(node.flatten()) if isinstance(node, exp.And) else [node]
    for conjunct in conjuncts:
        is_not_null = isinstance(conjunct, exp.Not) and isinstance(conjunct.this, exp.Is) and isinstance(conjunct.this.expression, exp.Null)
        if not is_not_null:
            return False
        column = conjunct.this.this
        if not isinstance(column, exp.Column) or column.name.lower() not in fk:
            return False
    return True


def check_fk_support(catalog: Catalog, sink: FindingSink) -> None:
    """Foreign keys without a supporting index (W401)."""
    for table in catalog.tables.values():
        for constraint in table.constraints:
            if constraint.kind != "FK" or not constraint.ref_table:
                continue
            target = catalog.tables.get(constraint.ref_table.lower())
            if target is None or target.never_deleted:
                continue
            shapes = list(_index_shapes(table))
            if not any(_supports(keys, filter_expr, constraint.columns) for _, keys, _, _, filter_expr in shapes):
                sink.add(
                    table.location.path,
                    constraint.location.line,
                    "W401",
                    f"{constraint.name}: no index on {table.full_name} leads with ({', '.join(constraint.columns)}); "
                    f"deleting a {target.full_name} row scans {table.full_name}",
                )


def check_foreign_keys(catalog: Catalog, sink: FindingSink) -> None:
    """Foreign key targets exist, reference a key, and have matching column types (E202, E203, E208)."""
    from .types import canonical

    for table in catalog.tables.values():
        path = table.location.path
        for constraint in table.constraints:
            if constraint.kind != "FK":
                continue
            line = constraint.location.line
            ref = constraint.ref_table or ""
            if "." not in ref:
                sink.add(path, line, "E207", f"{constraint.name} references {ref} without its schema")
            target = catalog.tables.get(ref.lower())
            if target is None:
                sink.add(path, line, "E202", f"{constraint.name} references unknown table {ref}")
                continue
            primary_key = target.primary_key()
            ref_columns = constraint.ref_columns or (primary_key.columns if primary_key else [])
            missing = [c for c in ref_columns if target.column(c) is None]
            if missing:
                sink.add(path, line, "E203", f"{constraint.name} references unknown column(s) {', '.join(missing)} of {ref}")
                continue
            if {c.lower() for c in ref_columns} not in [{c.lower() for c in k} for k in target.unique_keys()]:
                sink.add(path, line, "E203", f"{constraint.name}: ({', '.join(ref_columns)}) is not a primary key, unique constraint or unique index of {ref}")
            if len(ref_columns) != len(constraint.columns):
                sink.add(path, line, "E209", f"{constraint.name} has {len(constraint.columns)} columns but references {len(ref_columns)}")
                continue
            for mine, theirs in zip(constraint.columns, ref_columns):
                a, b = table.column(mine), target.column(theirs)
                if a is not None and b is not None and canonical(a.type) != canonical(b.type):
                    sink.add(path, line, "E208", f"{constraint.name}: {table.full_name}.{mine} is {a.type} but {ref}.{theirs} is {b.type}")
