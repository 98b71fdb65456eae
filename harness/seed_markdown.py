"""Turn the Workstream seed (a Markdown document) into a machine-readable contract.

The seed describes each object under a ``### Title (`schema.object`)`` heading: a column table
(``| Column | Type | Description |``), ``**Indexes:**`` and ``**Constraints:**`` bullet lists,
``**Columns:**`` for views and ``**Parameters:**`` for procedures. Anything marked ``**NEW**`` (or
standing under a heading that says ``(v2.2)``) is recorded as ``since = "2.2"``, everything else as
the base version. The result is what ``contracts/*.json`` holds; ``wsdb contract`` prints it, and a
test proves the committed contract is exactly what the seed says.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

BASE_VERSION = "2.1"
NEW_VERSION = "2.2"

_HEADING = re.compile(r"^(#{2,4})\s+(?P<title>.*?)\s*$")
_OBJECT_IN_HEADING = re.compile(r"\(`(?P<name>[a-z_]+\.[a-z_0-9]+)`\)")
_NEW = re.compile(r"\*\*NEW\*\*:?\s*")
_INDEX_BULLET = re.compile(
    r"^-\s+`(?P<name>[A-Za-z0-9_]+)`\s+\((?P<keys>[^)]*)\)(?P<rest>.*)$"
)
_PARAM_BULLET = re.compile(r"^-\s+(?P<name>@\w+)\s+(?P<type>[A-Za-z0-9_()]+(?:\s*\(\s*\d+\s*\))?)(?P<rest>.*)$")
_BACKTICKED = re.compile(r"`([a-z_]+\.[a-z_0-9]+)`")
_MIGRATION = re.compile(r"^(?P<name>\d{8}_[a-z0-9_]+\.sql)\s*-\s*(?P<description>.*)$")
_VIEW_COLUMN = re.compile(r"^(?P<name>[a-z_0-9]+)(?:\s*\((?P<note>[^)]*)\))?$")


def _clean(text: str) -> tuple[str, bool]:
    """Strip Markdown emphasis and the NEW marker; say whether the marker was there."""
    is_new = bool(_NEW.search(text))
    text = _NEW.sub("", text)
    text = text.replace("**", "").replace("`", "").strip()
    return text, is_new


def _split_row(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _add_view_columns(view: dict, text: str, *, is_new: bool) -> None:
    """Append the comma-separated column names of a view (``score_breakdown (JSON)`` -> name + note)."""
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        match = _VIEW_COLUMN.match(part)
        if not match:
            raise ValueError(f"view column not understood: {part!r}")
        view["columns"].append(match["name"])
        if match["note"]:
            view.setdefault("column_notes", {})[match["name"]] = match["note"]
        if is_new:
            view["new_columns"].append(match["name"])


def _parse_keys(keys: str) -> list[list[str]]:
    out = []
    for part in keys.split(","):
        words = part.split()
        if not words:
            continue
        order = "desc" if len(words) > 1 and words[1].upper() == "DESC" else "asc"
        out.append([words[0], order])
    return out


def _parse_index(line: str, since_default: str) -> dict | None:
    match = _INDEX_BULLET.match(line)
    if not match:
        return None
    rest, is_new = _clean(match["rest"])
    filter_sql = None
    description = rest
    if rest.upper().startswith("WHERE "):
        filter_part, _, description = rest[len("WHERE ") :].partition(" - ")
        filter_sql = filter_part.strip()
    else:
        description = rest.lstrip("- ").strip()
    name = match["name"]
    return {
        "name": name,
        "keys": _parse_keys(match["keys"]),
        "unique": name.startswith("UX_"),
        "filter": filter_sql,
        "description": description.strip(),
        "since": NEW_VERSION if is_new else since_default,
    }


def extract_contract(markdown: str, *, source: str) -> dict:
    """Return the contract dictionary for a seed written in the Workstream seed's format."""
    tables: dict[str, dict] = {}
    views: dict[str, dict] = {}
    procedures: dict[str, dict] = {}
    designed: dict[str, str] = {}
    migrations: list[dict] = []

    current: dict | None = None
    current_kind = ""
    section_since = BASE_VERSION
    block = ""  # which bold-labelled list we are in
    lines = markdown.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        heading = _HEADING.match(line)
        if heading:
            level = len(heading.group(1))
            title = heading["title"]
            if level == 2:
                section_since = NEW_VERSION if "(v2.2)" in title else BASE_VERSION
                current, current_kind, block = None, "", ""
            obj = _OBJECT_IN_HEADING.search(title)
            if obj:
                name = obj["name"]
                since = NEW_VERSION if "(v2.2)" in title else section_since
                short = name.split(".", 1)[1]
                if short.startswith("v_"):
                    current = views.setdefault(name, {"since": since, "columns": [], "new_columns": []})
                    current_kind = "view"
                elif short.startswith("sp_"):
                    current = procedures.setdefault(name, {"since": since, "parameters": []})
                    current_kind = "procedure"
                else:
                    current = tables.setdefault(
                        name,
                        {"since": since, "columns": [], "indexes": [], "constraints": []},
                    )
                    current_kind = "table"
                current["title"] = re.sub(r"\s*\(`.*", "", title).strip()
                # The object's description is the first plain paragraph under its heading.
                j = i + 1
                while j < len(lines) and not lines[j].strip():
                    j += 1
                if j < len(lines) and not lines[j].startswith(("|", "#", "-", "**")):
                    current["description"] = lines[j].strip()
                block = ""
            elif level <= 3:
                current, current_kind, block = None, "", ""
                block = "migrations" if title.strip() == "Migration Scripts" else ""
                if title.strip().startswith("Core Spotlight Tables"):
                    block = "designed"
            elif level == 4 and title.strip().startswith("Core Spotlight Tables"):
                current, current_kind, block = None, "", "designed"
            elif level == 4:
                block = ""
            i += 1
            continue

        stripped = line.strip()
        if stripped.startswith("**") and stripped.rstrip(":").endswith("**") or stripped.startswith(
            ("**Columns:**", "**Indexes:**", "**Constraints:**", "**Parameters:**", "**Logic:**")
        ):
            label = stripped.split("**")[1].rstrip(":").strip().lower()
            block = label
            if label == "columns" and current_kind == "view":
                _add_view_columns(current, stripped.split("**", 2)[2], is_new=False)
            i += 1
            continue

        if current_kind == "table" and stripped.startswith("|") and not block:
            cells = _split_row(stripped)
            if cells[:2] == ["Column", "Type"] or set(stripped) <= set("|- "):
                i += 1
                continue
            column_name = cells[0].strip("`")
            column_type = cells[1].strip("`")
            description, is_new = _clean(cells[2])
            current["columns"].append(
                {
                    "name": column_name,
                    "type": column_type,
                    "description": description,
                    "since": NEW_VERSION if is_new else current["since"],
                }
            )
        elif block == "indexes" and current_kind == "table" and stripped.startswith("- "):
            index = _parse_index(stripped, current["since"])
            if index:
                current["indexes"].append(index)
        elif block == "constraints" and current_kind == "table" and stripped.startswith("- "):
            index = _parse_index(stripped, current["since"])
            if index:
                current["indexes"].append(index)
            else:
                current["constraints"].append(_clean(stripped[2:])[0])
        elif block == "columns" and current_kind == "view" and stripped.startswith("- "):
            text, is_new = _clean(stripped[2:])
            _add_view_columns(current, text, is_new=is_new)
        elif block == "parameters" and current_kind == "procedure" and stripped.startswith("- "):
            match = _PARAM_BULLET.match(stripped)
            if match:
                current["parameters"].append(
                    {
                        "name": match["name"],
                        "type": match["type"].lower().replace(" ", ""),
                        "optional": "optional" in match["rest"].lower(),
                    }
                )
        elif block == "logic" and current is not None and stripped:
            current.setdefault("logic", []).append(re.sub(r"^(\d+\.|-)\s*", "", _clean(stripped)[0]))
        elif block == "migrations" and stripped.startswith("- "):
            text, is_new = _clean(stripped[2:])
            match = _MIGRATION.match(text)
            if match:
                migrations.append(
                    {
                        "name": match["name"],
                        "description": match["description"].strip(),
                        "since": NEW_VERSION if is_new else BASE_VERSION,
                    }
                )
        elif block == "designed" and stripped.startswith("- "):
            found = _BACKTICKED.search(stripped)
            if found:
                designed[found.group(1)] = stripped.split(" - ", 1)[1].strip() if " - " in stripped else ""
        i += 1

    for table in tables.values():
        for column in table["columns"]:
            if column["description"] == "Primary key":
                table["constraints"].insert(0, f"Primary key: ({column['name']})")
    for view in views.values():
        if view["new_columns"]:
            # Columns marked NEW were added to a view that already existed in the base version.
            view["since"] = BASE_VERSION
        else:
            del view["new_columns"]

    return {
        "contract": "workstream",
        "source": source,
        "source_sha256": hashlib.sha256(markdown.encode("utf-8")).hexdigest(),
        "base_version": BASE_VERSION,
        "tables": tables,
        "designed_tables": designed,
        "views": views,
        "procedures": procedures,
        "migrations": migrations,
    }


def extract_contract_file(path: Path, schema: str | None = None) -> dict:
    """Read a seed file and return its contract: :func:`extract_contract` for the Workstream format,
    :func:`harness.seed_bullets.extract_bullet_contract` (which needs ``schema``) for a bullet-style seed."""
    from .seed_bullets import extract_bullet_contract, is_bullet_seed

    text = path.read_text(encoding="utf-8")
    if is_bullet_seed(text):
        if not schema:
            raise ValueError("this seed names no schema; give one with --schema")
        return extract_bullet_contract(text, source=path.name, schema=schema, name=schema)
    return extract_contract(text, source=path.name)
