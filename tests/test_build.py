"""The migration builder on the real tree and on small projects: determinism, tamper and drift detection,
dependency order, cycles, replay equality, and that every batch of every script parses."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from harness.batches import split_batches
from harness.build import build, discover
from harness.findings import FindingSink
from harness.reader import read_catalog
from harness.replay import Replay, step_marker
from harness.resolve import resolve_catalog
from harness.sumfile import checksum_of, parse

from .conftest import REPO, Project

SEED_ORDER = [
    "20250907_add_workstream_tables",
    "20250907_add_core_modules",
    "20250907_final_tightenings",
    "20250907_today_panel_view",
    "20250909_add_spotlight_tables",
    "20250909_add_config_registry",
    "20250909_add_score_components",
    "20250909_add_identity_system",
    "20250909_enhanced_today_panel",
]


def target_of(root: Path):
    sink = FindingSink()
    catalog = read_catalog(root, sink)
    resolve_catalog(catalog, sink)
    return catalog


def run_build(root: Path, **kwargs):
    return build(root, target_of(root), **kwargs)


def texts(findings) -> list[str]:
    return [f.text() for f in findings]


@pytest.fixture
def migrated(real_tree: Project) -> Project:
    """The real tree with its migrations, every script released (as on main after a release)."""
    shutil.copytree(REPO / "migrations", real_tree.root / "migrations")
    result = run_build(real_tree.root, write=True, release=True)
    assert texts(result.findings) == []
    return real_tree


# -- the repository itself --------------------------------------------------------------------------


def test_the_repository_migrations_start_with_the_seeds_nine_scripts_in_the_seeds_order():
    names = [m.name for m in discover(REPO, FindingSink())]
    assert names[: len(SEED_ORDER)] == SEED_ORDER
    assert all(name > SEED_ORDER[-1] for name in names[len(SEED_ORDER) :])
    assert sorted(p.stem for p in (REPO / "migrations").glob("*.sql")) == sorted(names)


def test_the_repository_migrations_verify_and_replay_to_exactly_the_sql_model():
    result = run_build(REPO, write=False)
    assert texts(result.findings) == []
    assert sorted(result.replayed.tables) == sorted(target_of(REPO).tables)


def test_every_batch_of_every_script_parses_with_the_full_tsql_grammar():
    from harness.fallback import statements_from_sqlfluff

    seen: set[str] = set()  # the gate batches repeat: parse each distinct batch once
    for script in sorted((REPO / "migrations").glob("*.sql")):
        text = script.read_text(encoding="utf-8")
        batches = [b for b in split_batches(text) if not b.is_blank()]
        # Round trip: the batches are the whole script, nothing lost between GO lines.
        assert "".join(b.text for b in batches).count(";") == text.count(";")
        for batch in batches:
            if batch.text in seen:
                continue
            seen.add(batch.text)
            result = statements_from_sqlfluff(batch.text, batch.start_line - 1)
            assert not result.unparsable, f"{script.name} line {batch.start_line} does not parse"
    assert len(seen) > 100


def test_every_script_has_lf_endings_and_carries_the_checksum_migrations_sum_records():
    sums = parse((REPO / "migrations" / "migrations.sum").read_text(encoding="utf-8"))
    for entry in sums.entries:
        raw = (REPO / "migrations" / entry.script).read_bytes()
        assert b"\r" not in raw
        text = raw.decode("utf-8")
        assert checksum_of(text) == entry.checksum
        # The guard compares with it, the epilogue records it, the final check looks for it.
        assert text.count(entry.checksum) >= 5
    assert sums.directory == sums.directory_hash()


# -- determinism ------------------------------------------------------------------------------------


def test_rebuilding_the_drafts_from_the_released_scripts_gives_byte_identical_scripts(real_tree: Project):
    # Released scripts are history: they are replayed from disk, never re-rendered (their sources have moved
    # on since). Drafts are rendered on top of them, and that rendering is deterministic.
    root = real_tree.root
    shutil.copytree(REPO / "migrations", root / "migrations")
    sums = parse((REPO / "migrations" / "migrations.sum").read_text())
    drafts = [e.script for e in sums.entries if e.state == "draft"]
    for name in drafts:
        (root / "migrations" / name).unlink()
    first = run_build(root, write=True)
    assert texts(first.findings) == []
    assert sorted(w for w in first.written if w.endswith(".sql")) == sorted(f"migrations/{d}" for d in drafts)
    rendered = {p.name: p.read_bytes() for p in (root / "migrations").glob("*.sql")}
    second = run_build(root, write=True)
    assert second.written == []
    assert {p.name: p.read_bytes() for p in (root / "migrations").glob("*.sql")} == rendered
    # Same bytes as the committed scripts: nothing depends on the machine, the clock or the path.
    assert rendered == {p.name: p.read_bytes() for p in (REPO / "migrations").glob("*.sql")}


# -- tampering and drift ----------------------------------------------------------------------------


def test_a_released_script_edited_by_hand_is_reported_and_not_overwritten(migrated: Project):
    script = migrated.root / "migrations" / "20250907_today_panel_view.sql"
    edited = script.read_text(encoding="utf-8").replace("SET ARITHABORT ON;", "SET ARITHABORT OFF;")
    script.write_text(edited, encoding="utf-8")
    result = run_build(migrated.root, write=True)
    assert [(f.path, f.code) for f in result.findings] == [("migrations/20250907_today_panel_view.sql", "E801")]
    assert "was edited" in result.findings[0].message
    assert script.read_text(encoding="utf-8") == edited


def test_a_draft_script_edited_by_hand_differs_from_its_rendering(real_tree: Project):
    shutil.copytree(REPO / "migrations", real_tree.root / "migrations")
    (real_tree.root / "migrations" / "migrations.sum").unlink()  # no ledger: every script is a draft
    script = real_tree.root / "migrations" / "20250909_add_config_registry.sql"
    script.write_text(script.read_text(encoding="utf-8").replace("app.config_registry", "app.config_registry2", 1), encoding="utf-8")
    result = run_build(real_tree.root, write=False)
    assert ("migrations/20250909_add_config_registry.sql", "E802") in [(f.path, f.code) for f in result.findings]


def test_a_changed_column_with_no_migration_is_reported_with_both_types(migrated: Project):
    migrated.edit("sql/tables/app.signal.sql", "contact_phone varchar(32) NULL", "contact_phone varchar(30) NULL")
    result = run_build(migrated.root, write=False)
    messages = [f.message for f in result.findings if f.code == "E806"]
    assert messages == [
        "app.signal.contact_phone: varchar(30) in sql/, varchar(32) after migrations; "
        "add a migration (wsdb new <slug>) that brings the schema there"
    ]
    assert [f.path for f in result.findings] == ["sql/tables/app.signal.sql"]


def test_wsdb_check_reports_the_same_drift_at_the_sql_line(migrated: Project):
    migrated.edit("sql/tables/app.signal.sql", "contact_phone varchar(32) NULL", "contact_phone varchar(30) NULL")
    drift = migrated.findings("E806")
    line = next(i for i, text in enumerate((migrated.root / "sql/tables/app.signal.sql").read_text().splitlines(), 1) if "contact_phone" in text)
    assert [(f.path, f.line) for f in drift] == [("sql/tables/app.signal.sql", line)]


def test_a_new_column_needs_a_migration_and_add_columns_brings_it(migrated: Project):
    migrated.edit(
        "sql/tables/app.signal.sql",
        "    created_at datetime2 NOT NULL CONSTRAINT DF_app_signal_created_at",
        "    language_code char(2) NULL, -- ISO 639-1 language of the snippet\n"
        "    created_at datetime2 NOT NULL CONSTRAINT DF_app_signal_created_at",
    )
    before = run_build(migrated.root, write=False)
    assert [f.message.split(";")[0] for f in before.findings] == [
        "app.signal.language_code: column exists in sql/, missing after migrations"
    ]
    migrated.write(
        "migrations/templates/20261122_add_signal_language.sql.j2",
        '{{ description("Signals record the language of their snippet.") }}\n'
        '{{ add_columns("app.signal", ["language_code"]) }}\n',
    )
    migrated.append("migrations/order.txt", "20261122_add_signal_language\n")
    after = run_build(migrated.root, write=True)
    assert texts(after.findings) == []
    script = (migrated.root / "migrations" / "20261122_add_signal_language.sql").read_text(encoding="utf-8")
    assert "ALTER TABLE app.signal ADD\n    language_code char(2) NULL; -- ISO 639-1 language of the snippet\n" in script
    assert parse((migrated.root / "migrations" / "migrations.sum").read_text()).get("20261122_add_signal_language.sql").state == "draft"


def test_a_missing_draft_script_is_reported_and_rebuilt(migrated: Project):
    migrated.edit(
        "sql/tables/app.signal.sql",
        "    created_at datetime2 NOT NULL CONSTRAINT DF_app_signal_created_at",
        "    language_code char(2) NULL, -- ISO 639-1 language of the snippet\n"
        "    created_at datetime2 NOT NULL CONSTRAINT DF_app_signal_created_at",
    )
    migrated.write(
        "migrations/templates/20991231_add_signal_language.sql.j2",
        '{{ description("Signals record the language of their snippet.") }}\n'
        '{{ add_columns("app.signal", ["language_code"]) }}\n',
    )
    migrated.append("migrations/order.txt", "20991231_add_signal_language\n")
    assert texts(run_build(migrated.root, write=True).findings) == []
    script = migrated.root / "migrations" / "20991231_add_signal_language.sql"
    rendered = script.read_bytes()
    script.unlink()
    check = run_build(migrated.root, write=False)
    assert [(f.code, f.message) for f in check.findings] == [
        ("E802", "migrations/20991231_add_signal_language.sql is missing; run wsdb build")
    ]
    rebuilt = run_build(migrated.root, write=True)
    assert rebuilt.written == ["migrations/20991231_add_signal_language.sql"]
    assert script.read_bytes() == rendered


def test_a_missing_released_script_is_restored_only_when_its_template_renders_it_exactly(migrated: Project):
    script = migrated.root / "migrations" / "20250909_add_config_registry.sql"
    original = script.read_bytes()
    script.unlink()
    assert run_build(migrated.root, write=True).written == ["migrations/20250909_add_config_registry.sql"]
    assert script.read_bytes() == original
    script.unlink()
    migrated.edit("sql/tables/app.config_registry.sql", "-- Lookup by type", "-- Lookup by config type")
    codes = [(f.path, f.code) for f in run_build(migrated.root, write=True).findings]
    assert ("migrations/templates/20250909_add_config_registry.sql.j2", "E801") in codes
    assert not script.exists()


def test_a_script_without_a_template_and_a_template_not_in_order_txt_are_reported(migrated: Project):
    migrated.write("migrations/20991231_hand_written.sql", "SELECT 1;\n")
    migrated.write("migrations/templates/20991231_forgotten.sql.j2", '{{ description("x") }}\n')
    codes = {(f.path, f.code) for f in run_build(migrated.root, write=False).findings}
    assert ("migrations/20991231_hand_written.sql", "E804") in codes
    assert ("migrations/templates/20991231_forgotten.sql.j2", "E803") in codes


def test_released_migrations_cannot_be_reordered(migrated: Project):
    order = migrated.root / "migrations" / "order.txt"
    lines = order.read_text().splitlines()
    a, b = lines.index(SEED_ORDER[0]), lines.index(SEED_ORDER[1])
    lines[a], lines[b] = lines[b], lines[a]
    order.write_text("\n".join(lines) + "\n")
    assert ("migrations/order.txt", "E804") in {(f.path, f.code) for f in run_build(migrated.root, write=False).findings}


def test_an_edited_migrations_sum_is_reported(migrated: Project):
    path = migrated.root / "migrations" / "migrations.sum"
    path.write_text(path.read_text().replace("released", "draft", 1))
    assert "E804" in {f.code for f in run_build(migrated.root, write=False).findings}


# -- the v2.1 shape ---------------------------------------------------------------------------------


def test_the_20250907_scripts_and_the_spotlight_tables_build_the_seeds_v2_1_shape():
    import json

    contract = json.loads((REPO / "contracts" / "workstream.json").read_text(encoding="utf-8"))
    replay = Replay()
    for name in SEED_ORDER[:5]:
        replay.apply(f"migrations/{name}.sql", (REPO / "migrations" / f"{name}.sql").read_text(encoding="utf-8"))
    assert texts(replay.sink.sorted()) == []
    state = replay.state
    for table_name, table in contract["tables"].items():
        present = state.tables.get(table_name)
        if table["since"] == "2.2":
            assert present is None, table_name
            continue
        for column in table["columns"]:
            assert (present.column(column["name"]) is not None) == (column["since"] == "2.1"), f"{table_name}.{column['name']}"
        # An index is there under its seed name, or as the alias an equivalent index declares.
        names = {i.name.lower() for i in present.indexes} | {a.lower() for i in present.indexes for a in i.aliases}
        for index in table.get("indexes", []):
            assert (index["name"].lower() in names) == (index["since"] == "2.1"), index["name"]
    panel = contract["views"]["app.v_today_panel"]
    assert state.views["app.v_today_panel"].columns == [c for c in panel["columns"] if c not in panel["new_columns"]]


# -- order and cycles -------------------------------------------------------------------------------

PARENT = """
-- Parents.
CREATE TABLE app.parent (
    parent_id int NOT NULL, -- Primary key
    CONSTRAINT PK_app_parent PRIMARY KEY CLUSTERED (parent_id)
);
"""
CHILD = """
-- Children.
CREATE TABLE app.child (
    child_id int NOT NULL, -- Primary key
    parent_id int NOT NULL, -- Parent
    CONSTRAINT PK_app_child PRIMARY KEY CLUSTERED (child_id),
    CONSTRAINT FK_app_child_parent_id_app_parent FOREIGN KEY (parent_id) REFERENCES app.parent (parent_id)
);

CREATE NONCLUSTERED INDEX IX_app_child_parent_id ON app.child (parent_id); -- Children of a parent
"""


def small_project(project: Project, template: str) -> Project:
    project.write("sql/tables/app.parent.sql", PARENT)
    project.write("sql/tables/app.child.sql", CHILD)
    project.write("migrations/templates/20260101_first.sql.j2", textwrap.dedent(template))
    project.write("migrations/order.txt", "20260101_first\n")
    return project


def step_labels(script: str) -> list[str]:
    labels = []
    for batch in split_batches(script):
        marker = step_marker(batch.text)
        if marker and marker[0] == "step" and marker[1][1] != "describe":
            labels.append(" ".join(marker[1][2:]))
    return labels


def test_steps_follow_foreign_keys_whatever_order_the_template_lists_them(project: Project):
    small_project(
        project,
        """
        {{ description("Parents and children.") }}
        {{ create_table("app.child") }}
        {{ create_table("app.parent") }}
        {{ create_table("core.org") }}
        {{ create_schema("app") }}
        {{ create_schema("core") }}
        """,
    )
    result = run_build(project.root, write=True)
    assert texts(result.findings) == []
    script = (project.root / "migrations" / "20260101_first.sql").read_text(encoding="utf-8")
    # Among steps free to go, the template's order wins: so the output is deterministic.
    assert step_labels(script) == ["schema app", "app.parent", "app.child", "schema core", "core.org"]


def test_a_dependency_cycle_is_an_error_that_names_the_cycle(project: Project):
    small_project(
        project,
        """
        {{ description("A cycle.") }}
        {{ create_schema("app") }}
        {{ create_schema("core") }}
        {{ create_table("core.org") }}
        {{ create_table("app.parent") }}
        {{ create_table("app.child") }}
        """,
    )
    project.edit(
        "sql/tables/app.parent.sql",
        "    CONSTRAINT PK_app_parent PRIMARY KEY CLUSTERED (parent_id)\n",
        "    favourite_child_id int NULL, -- Favourite child\n"
        "    CONSTRAINT PK_app_parent PRIMARY KEY CLUSTERED (parent_id),\n"
        "    CONSTRAINT FK_app_parent_favourite_child_id_app_child FOREIGN KEY (favourite_child_id)\n"
        "    REFERENCES app.child (child_id)\n",
    )
    result = run_build(project.root, write=True)
    errors = [f for f in result.findings if f.code == "E803"]
    assert len(errors) == 1
    assert "dependency cycle: app.parent -> app.child -> app.parent" in errors[0].message
    assert errors[0].path == "migrations/templates/20260101_first.sql.j2"
    assert not (project.root / "migrations" / "20260101_first.sql").exists()


def test_a_macro_on_an_unknown_object_names_the_template(project: Project):
    small_project(project, '{{ description("x") }}\n{{ create_table("app.nothing") }}\n')
    [finding] = [f for f in run_build(project.root, write=False).findings if f.code == "E803"]
    assert finding.path == "migrations/templates/20260101_first.sql.j2"
    assert "sql/ defines no table app.nothing" in finding.message


def test_literal_sql_outside_a_call_block_is_refused(project: Project):
    small_project(project, '{{ description("x") }}\nDROP TABLE app.parent;\n')
    [finding] = [f for f in run_build(project.root, write=False).findings if f.code == "E803"]
    assert "text outside macro calls" in finding.message


def test_a_statement_sqlcmd_would_take_for_a_variable_is_refused(project: Project):
    small_project(
        project,
        """
        {{ description("x") }}
        {% call sql("a view") %}
        -- Costs $(currency).
        CREATE OR ALTER VIEW app.v_x
        AS
        SELECT p.parent_id FROM app.parent AS p;
        {% endcall %}
        """,
    )
    [finding] = [f for f in run_build(project.root, write=False).findings if f.code == "E803"]
    assert "sqlcmd" in finding.message


def test_wsdb_check_leaves_the_migration_comparison_out_while_a_sql_file_does_not_parse(migrated: Project):
    migrated.edit("sql/views/app.v_active_config.sql", "SELECT", "SELEKT")
    codes = set(migrated.codes())
    assert codes & {"E100", "E101"} and "E806" not in codes
