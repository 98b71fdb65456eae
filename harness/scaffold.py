"""`wsdb new <slug>`: start the next migration template and list it last in migrations/order.txt."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from .build import NAME, ORDER_FILE, TEMPLATES, read_order

SLUG = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)*$")

SKELETON = """\
{{#- {name}: say here why this migration exists. Macros (see DEVELOPERS.md, "Migrations"):
    create_schema, create_table(name, without=[...], checks=True), add_columns(table, [...]),
    add_constraints(table, [...] or kind="CK"), create_index(name), drop_index(name),
    rename_column(table, old, new), rename_table(name, new), create_module(name) (a security
    policy that exists is dropped and re-created), load_data(table), create_role(name, reason),
    acknowledge(code, target, reason), and {{% call sql("what") %}} literal SQL {{% endcall %}}. -#}}
{{{{ description("TODO: one sentence a DBA reads in the script header") }}}}
"""


class ScaffoldError(ValueError):
    """The slug, date or folder does not allow a new migration (the message says why)."""


def new_migration(root: Path, slug: str, date: dt.date | None = None) -> Path:
    """Write ``migrations/templates/<YYYYMMDD>_<slug>.sql.j2`` and append it to migrations/order.txt.

    The date defaults to today (UTC) and may not be earlier than the last listed migration's.
    """
    if not SLUG.fullmatch(slug):
        raise ScaffoldError(f"slug {slug!r}: use lower-case letters, digits and single underscores")
    day = (date or dt.datetime.now(dt.timezone.utc).date()).strftime("%Y%m%d")
    name = f"{day}_{slug}"
    order_path = root / ORDER_FILE
    listed = [name for _, name in read_order(root)]
    if name in listed:
        raise ScaffoldError(f"{name} already exists")
    if listed and NAME.match(listed[-1]) and listed[-1][:8] > day:
        raise ScaffoldError(f"{name} would be dated before the last migration {listed[-1]}")
    path = root / TEMPLATES / f"{name}.sql.j2"
    if path.exists():
        raise ScaffoldError(f"{path.relative_to(root).as_posix()} already exists")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(SKELETON.format(name=name), encoding="utf-8", newline="\n")
    existing = order_path.read_text(encoding="utf-8") if order_path.is_file() else ""
    if existing and not existing.endswith("\n"):
        existing += "\n"
    order_path.write_text(existing + name + "\n", encoding="utf-8", newline="\n")
    return path
