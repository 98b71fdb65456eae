"""The scripts on disk that wsdb apply trusts: sealed, listed, checksums matching."""

import shutil

import pytest

from harness.scripts import ScriptError, load_scripts
from harness.sumfile import parse
from tests.conftest import REPO


@pytest.fixture
def migrations_copy(tmp_path):
    shutil.copytree(REPO / "migrations", tmp_path / "migrations")
    return tmp_path


def test_every_listed_script_loads_in_order_with_its_sealed_checksum():
    loaded = load_scripts(REPO, include_drafts=True)
    sums = parse((REPO / "migrations" / "migrations.sum").read_text(encoding="utf-8"))
    assert loaded.names()[0] == "20250907_add_workstream_tables"
    assert loaded.names()[8] == "20250909_enhanced_today_panel"
    assert [f"{s.name}.sql" for s in loaded.scripts] == [e.script for e in sums.entries]
    assert all(s.checksum == sums.get(f"{s.name}.sql").checksum for s in loaded.scripts)


def test_a_script_edited_after_sealing_is_refused_naming_the_file(migrations_copy):
    script = migrations_copy / "migrations" / "20250907_add_core_modules.sql"
    script.write_text(script.read_text(encoding="utf-8") + "\n-- an innocent-looking edit\n", encoding="utf-8")
    with pytest.raises(ScriptError, match=r"migrations/20250907_add_core_modules.sql: checksum \w{12}… differs from \w{12}… in migrations/migrations.sum"):
        load_scripts(migrations_copy)


def test_a_missing_script_is_refused(migrations_copy):
    (migrations_copy / "migrations" / "20250909_add_config_registry.sql").unlink()
    with pytest.raises(ScriptError, match="migrations/20250909_add_config_registry.sql is missing; run wsdb build"):
        load_scripts(migrations_copy)


def test_a_missing_ledger_is_refused(migrations_copy):
    (migrations_copy / "migrations" / "migrations.sum").unlink()
    with pytest.raises(ScriptError, match="migrations/migrations.sum is missing"):
        load_scripts(migrations_copy)


def test_a_script_listed_but_not_sealed_is_refused(migrations_copy):
    order = migrations_copy / "migrations" / "order.txt"
    order.write_text(order.read_text(encoding="utf-8") + "20261122_unsealed\n", encoding="utf-8")
    with pytest.raises(ScriptError, match="20261122_unsealed is not sealed in migrations/migrations.sum"):
        load_scripts(migrations_copy)


def test_drafts_are_left_out_unless_asked_for(migrations_copy):
    ledger = migrations_copy / "migrations" / "migrations.sum"
    text = ledger.read_text(encoding="utf-8")
    last = "20250909_enhanced_today_panel.sql  released"
    ledger.write_text(text.replace(last, "20250909_enhanced_today_panel.sql  draft"), encoding="utf-8")

    without = load_scripts(migrations_copy)
    with_drafts = load_scripts(migrations_copy, include_drafts=True)

    # Drafts come after the released scripts, so the enhanced panel and everything after it is left out.
    later = with_drafts.names()[with_drafts.names().index("20250909_enhanced_today_panel") :]
    assert without.drafts_left_out == later
    assert "20250909_enhanced_today_panel" not in without.names()
    assert without.names() == with_drafts.names()[: -len(later)]
    assert with_drafts.scripts[8].state == "draft"
