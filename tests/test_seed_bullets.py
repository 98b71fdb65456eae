"""The bullet-style seed (the intake data model) becomes a contract; wsdb check holds sql/ to it."""

from __future__ import annotations

import json

import pytest

from harness.seed_bullets import extract_bullet_contract, is_bullet_seed
from harness.seed_markdown import extract_contract_file

from .conftest import REPO

SEED = REPO.parent / "shared" / "seeds" / "intake-data-model.md"

SAMPLE = """# Data Model

## Core Entities
- **threads**: workspace-scoped conversation container (`subject`, `status`).
- **jobs**: worker queue rows claimable with `FOR UPDATE SKIP LOCKED` (`status`, `run_after`).

## Indexes
- Job claiming: `(status, run_after, created_at)`.
- Lookups: `threads(workspace_id, created_at desc)`, `jobs(run_after)`.

## RLS
RLS is enabled on all tables.
"""


def test_entities_keep_their_columns_from_the_last_parenthesis_only():
    contract = extract_bullet_contract(SAMPLE, source="s.md", schema="intake", name="intake")
    assert contract["entities"]["intake.jobs"]["columns"] == ["status", "run_after"]
    assert contract["entities"]["intake.jobs"]["description"] == "worker queue rows claimable with `FOR UPDATE SKIP LOCKED`"
    assert contract["row_level_security"] is True


def test_index_bullets_name_their_table_or_a_label_does():
    indexes = extract_bullet_contract(SAMPLE, source="s.md", schema="intake", name="intake")["key_indexes"]
    assert [(ix["table"], ix["keys"]) for ix in indexes] == [
        ("intake.jobs", [["status", "asc"], ["run_after", "asc"], ["created_at", "asc"]]),
        ("intake.threads", [["workspace_id", "asc"], ["created_at", "desc"]]),
        ("intake.jobs", [["run_after", "asc"]]),
    ]


def test_an_index_on_a_table_the_seed_does_not_describe_is_an_error():
    with pytest.raises(ValueError, match="indexes on tables the seed does not describe: nowhere"):
        extract_bullet_contract(SAMPLE + "- `nowhere(x)`\n", source="s.md", schema="intake", name="intake")


def test_the_workstream_seed_is_not_bullet_style_and_the_intake_seed_needs_a_schema(tmp_path):
    assert not is_bullet_seed((REPO.parent / "shared" / "seeds" / "workstream-schema-v2.2.md").read_text(encoding="utf-8"))
    with pytest.raises(ValueError, match="--schema"):
        extract_contract_file(SEED)


def test_the_committed_intake_contract_is_exactly_what_the_seed_says():
    committed = json.loads((REPO / "contracts" / "intake.json").read_text(encoding="utf-8"))
    assert committed == extract_contract_file(SEED, "intake")
    assert len(committed["entities"]) == 14 and len(committed["key_indexes"]) == 10
