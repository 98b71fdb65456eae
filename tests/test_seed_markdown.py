from __future__ import annotations

import json

import pytest

from harness.seed_markdown import extract_contract, extract_contract_file

from .conftest import REPO, SEEDS

SEED = SEEDS / "workstream-schema-v2.2.md"


@pytest.mark.skipif(not SEED.exists(), reason=f"the seed is not beside this checkout ({SEED})")
def test_the_committed_contract_is_exactly_what_the_seed_says():
    committed = json.loads((REPO / "contracts" / "workstream.json").read_text(encoding="utf-8"))
    assert committed == extract_contract_file(SEED)


def test_the_committed_contract_covers_the_whole_seed():
    contract = json.loads((REPO / "contracts" / "workstream.json").read_text(encoding="utf-8"))
    assert len(contract["tables"]) == 22
    assert sum(len(t["columns"]) for t in contract["tables"].values()) == 219
    assert len(contract["views"]) == 6
    assert len(contract["migrations"]) == 9
    assert set(contract["designed_tables"]) == {"app.spotlights", "app.spotlight_fields", "app.spotlight_values", "app.spotlight_field_rules"}


SAMPLE = """
## Core Tables

### Things (`app.thing`)

Holds things.

| Column | Type | Description |
|--------|------|-------------|
| `thing_id` | `bigint` | Primary key |
| `status` | `varchar(8)` | Status: 'a', 'b' |
| `extra` | `int` | **NEW**: Added later |

**Indexes:**
- `IX_thing_status` (status, thing_id DESC) - Status lookup
- `UX_thing_extra` (extra) WHERE extra IS NOT NULL - **NEW**: Unique extras

## Views (v2.2)

### Thing View (`app.v_thing`)

**Columns:** thing_id, total (JSON)

### Procedure (`app.sp_thing`)

**Parameters:**
- @thing_id BIGINT
- @note NVARCHAR(100) (optional)

## Migration Scripts

- `20250101_first.sql` - First
- **NEW**: `20250102_second.sql` - Second
"""


def test_tables_columns_and_new_markers_are_extracted():
    contract = extract_contract(SAMPLE, source="sample.md")
    table = contract["tables"]["app.thing"]
    assert table["description"] == "Holds things."
    assert [(c["name"], c["type"], c["since"]) for c in table["columns"]] == [
        ("thing_id", "bigint", "2.1"),
        ("status", "varchar(8)", "2.1"),
        ("extra", "int", "2.2"),
    ]
    assert table["columns"][2]["description"] == "Added later"
    assert table["constraints"] == ["Primary key: (thing_id)"]


def test_index_keys_order_filter_and_uniqueness_are_extracted():
    indexes = extract_contract(SAMPLE, source="sample.md")["tables"]["app.thing"]["indexes"]
    assert indexes[0] == {
        "name": "IX_thing_status",
        "keys": [["status", "asc"], ["thing_id", "desc"]],
        "unique": False,
        "filter": None,
        "description": "Status lookup",
        "since": "2.1",
    }
    assert indexes[1]["unique"] and indexes[1]["filter"] == "extra IS NOT NULL" and indexes[1]["since"] == "2.2"


def test_views_procedures_and_migrations_are_extracted():
    contract = extract_contract(SAMPLE, source="sample.md")
    assert contract["views"]["app.v_thing"]["columns"] == ["thing_id", "total"]
    assert contract["views"]["app.v_thing"]["column_notes"] == {"total": "JSON"}
    assert contract["procedures"]["app.sp_thing"]["parameters"] == [
        {"name": "@thing_id", "type": "bigint", "optional": False},
        {"name": "@note", "type": "nvarchar(100)", "optional": True},
    ]
    assert [(m["name"], m["since"]) for m in contract["migrations"]] == [("20250101_first.sql", "2.1"), ("20250102_second.sql", "2.2")]
