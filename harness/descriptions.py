"""Descriptions: every schema, table, column, view and routine has one; render them as MS_Description.

Descriptions live next to what they describe (see :mod:`harness.comments`). The migration builder
turns them into ``MS_Description`` extended properties with :func:`extended_property_sql`; the
statements are idempotent (update when the property exists, add otherwise), so re-describing an
object is an ordinary migration step.
"""

from __future__ import annotations

from .findings import FindingSink
from collections.abc import Iterable

from .model import Catalog, Routine, Schema, Table, View


def check(catalog: Catalog, sink: FindingSink) -> None:
    """E600 for every schema, table, column, view or routine without a description."""
    for schema in catalog.schemas.values():
        if not schema.description:
            sink.add(schema.location.path, schema.location.line, "E600", f"schema {schema.name} has no description (comment above CREATE)")
    for table in catalog.tables.values():
        if not table.description:
            sink.add(table.location.path, table.location.line, "E600", f"table {table.full_name} has no description (comment above CREATE)")
        for column in table.columns.values():
            if not column.description:
                sink.add(column.location.path, column.location.line, "E600", f"column {table.full_name}.{column.name} has no description (trailing -- comment)")
    for obj in [*catalog.views.values(), *catalog.routines.values()]:
        if not obj.description:
            kind = "view" if isinstance(obj, View) else obj.kind
            sink.add(obj.location.path, obj.location.line, "E600", f"{kind} {obj.full_name} has no description (comment above CREATE)")


ALIAS_PROPERTY = "wsdb_alias"


def _n(text: str) -> str:
    return "N'" + text.replace("'", "''") + "'"


def _property(levels: list[tuple[str, str]], value: str, name: str = "MS_Description") -> str:
    args = []
    for number, (level_type, level_name) in enumerate(levels):
        args.append(f"N'{level_type}', {_n(level_name)}")
    padded = args + ["NULL, NULL"] * (3 - len(args))
    listing = f"sys.fn_listextendedproperty({_n(name)}, {', '.join(padded)})"
    named = ", ".join(
        f"@level{number}type = N'{level_type}', @level{number}name = {_n(level_name)}"
        for number, (level_type, level_name) in enumerate(levels)
    )
    return (
        f"IF EXISTS (SELECT 1 FROM {listing})\n"
        f"    EXEC sys.sp_updateextendedproperty @name = {_n(name)}, @value = {_n(value)}, {named};\n"
        f"ELSE\n"
        f"    EXEC sys.sp_addextendedproperty @name = {_n(name)}, @value = {_n(value)}, {named};\n"
    )


def extended_property_sql(
    obj: Schema | Table | View | Routine,
    *,
    columns: Iterable[str] | None = None,
    indexes: Iterable[str] | None = None,
    include_object: bool = True,
) -> str:
    """T-SQL that sets MS_Description on the object and, for tables, on each described column and index,
    plus ``wsdb_alias`` on indexes that honour seed index names.

    ``columns`` / ``indexes`` limit which columns and indexes are described (None: all of them);
    ``include_object=False`` leaves the object's own description out (a migration that adds columns).
    """
    if isinstance(obj, Schema):
        return _property([("SCHEMA", obj.name)], obj.description) if obj.description and include_object else ""
    if isinstance(obj, Table):
        level1 = ("TABLE", obj.name)
    elif isinstance(obj, View):
        level1 = ("VIEW", obj.name)
    else:
        level1 = ("PROCEDURE" if obj.kind == "procedure" else "FUNCTION", obj.name)
    base = [("SCHEMA", obj.schema), level1]
    parts = []
    if obj.description and include_object:
        parts.append(_property(base, obj.description))
    if isinstance(obj, Table):
        wanted_columns = None if columns is None else {c.lower() for c in columns}
        wanted_indexes = None if indexes is None else {i.lower() for i in indexes}
        for column in obj.columns.values():
            if column.description and (wanted_columns is None or column.name.lower() in wanted_columns):
                parts.append(_property(base + [("COLUMN", column.name)], column.description))
        for index in obj.indexes:
            if wanted_indexes is not None and index.name.lower() not in wanted_indexes:
                continue
            if index.description:
                parts.append(_property(base + [("INDEX", index.name)], index.description))
            if index.aliases:
                # Seed index names this index honours (docs/unique-key-aliases.md), findable in the catalog.
                parts.append(_property(base + [("INDEX", index.name)], ", ".join(index.aliases), ALIAS_PROPERTY))
    return "".join(parts)
