"""Turn a bullet-style seed (the intake data model) into a contract.

That seed names no schema, no types and no index names. What it does say, and what the contract keeps:

* ``- **threads**: what it is (`subject`, `status`).`` — an entity (a table) and the columns it must
  have: the backticked names in the bullet's last parenthesis;
* index bullets, either ``table(col, col desc)`` in backticks or ``Label: `(col, col)`` `` where the
  label names the table (``Job claiming`` → ``jobs``) — an index on that table whose keys are exactly
  these, in this order and direction;
* a section titled ``RLS`` — the seed asks for row-level security on every table.

The schema is the package's choice (``wsdb contract SEED --schema intake``); the contract records it.
"""

from __future__ import annotations

import hashlib
import re

_ENTITY = re.compile(r"^-\s+\*\*(?P<name>[a-z_0-9]+)\*\*:\s*(?P<text>.*)$")
_TABLE_KEYS = re.compile(r"`(?P<table>[a-z_0-9]+)\((?P<keys>[^)`]*)\)`")
_LABELLED_KEYS = re.compile(r"^-\s+(?P<label>[^:`]+):\s*`\((?P<keys>[^)`]*)\)`")
_HEADING = re.compile(r"^#{2,4}\s+(?P<title>.*?)\s*$")


def _keys(text: str) -> list[list[str]]:
    keys = []
    for part in text.split(","):
        words = part.split()
        if not words:
            raise ValueError(f"empty index key in ({text})")
        order = words[1].lower() if len(words) > 1 else "asc"
        if order not in ("asc", "desc") or len(words) > 2:
            raise ValueError(f"index key not understood: {part.strip()!r}")
        keys.append([words[0], order])
    return keys


def _table_for_label(label: str, entities: dict) -> str:
    """The entity a label such as "Job claiming" is about (its first word, singular or plural)."""
    word = label.split()[0].lower()
    for name in entities:
        if name in (word, word + "s", word + "es") or name.rstrip("s") == word:
            return name
    raise ValueError(f"index label {label!r} names no entity of the seed")


def extract_bullet_contract(markdown: str, *, source: str, schema: str, name: str) -> dict:
    """The contract of a bullet-style seed: entities with their columns, key-ordered indexes, RLS."""
    entities: dict[str, dict] = {}
    indexes: list[dict] = []
    rls = False
    section = ""
    for line in markdown.splitlines():
        heading = _HEADING.match(line)
        if heading:
            section = heading["title"]
            rls = rls or section.strip().upper() == "RLS"
            continue
        entity = _ENTITY.match(line)
        if entity:
            text = entity["text"].strip()
            paren = text.rfind("(")
            columns = re.findall(r"`([a-z_0-9]+)`", text[paren:]) if paren >= 0 else []
            description = text[:paren].strip() if paren >= 0 else text.rstrip(".")
            entities[entity["name"]] = {"section": section, "description": description, "columns": columns}
            continue
        if not line.startswith("- "):
            continue
        found = list(_TABLE_KEYS.finditer(line))
        for match in found:
            indexes.append({"table": match["table"], "keys": _keys(match["keys"]), "section": section})
        if not found:
            labelled = _LABELLED_KEYS.match(line)
            if labelled:
                table = _table_for_label(labelled["label"].strip(), entities)
                indexes.append({"table": table, "keys": _keys(labelled["keys"]), "section": section, "purpose": labelled["label"].strip()})
    unknown = sorted({ix["table"] for ix in indexes} - set(entities))
    if unknown:
        raise ValueError(f"indexes on tables the seed does not describe: {', '.join(unknown)}")
    return {
        "contract": name,
        "source": source,
        "source_sha256": hashlib.sha256(markdown.encode("utf-8")).hexdigest(),
        "schema": schema,
        "entities": {f"{schema}.{n}": spec for n, spec in entities.items()},
        "key_indexes": [{**ix, "table": f"{schema}.{ix['table']}"} for ix in indexes],
        "row_level_security": rls,
    }


def is_bullet_seed(markdown: str) -> bool:
    """True for a seed in this format (entity bullets, no ``### Title (`schema.object`)`` headings)."""
    has_objects = re.search(r"^#{2,4} .*\(`[a-z_]+\.[a-z_0-9]+`\)", markdown, re.M)
    return not has_objects and any(_ENTITY.match(line) for line in markdown.splitlines())
