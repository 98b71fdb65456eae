from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from harness.docs import DocsResult, render_dictionary, render_index, stale_docs, write_docs
from harness.findings import FindingSink
from harness.reader import read_catalog
from harness.resolve import resolve_catalog

from .conftest import REPO


@pytest.fixture(scope="module")
def catalog(resolved_catalog):
    return resolved_catalog


@pytest.fixture(scope="module")
def dictionaries(catalog):
    return {schema: render_dictionary(catalog, schema) for schema in sorted(catalog.schemas)}


def _section(text: str, anchor: str) -> str:
    """The part of a dictionary from an object's anchor to the next anchor."""
    start = text.index(f'<a id="{anchor}"></a>')
    end = text.find('<a id="', start + 1)
    return text[start : end if end != -1 else len(text)]


def _read(root):
    catalog = read_catalog(root, FindingSink())
    resolve_catalog(catalog, FindingSink())
    return catalog


def test_every_table_of_every_schema_has_an_anchored_heading_in_its_dictionary(catalog, dictionaries):
    assert set(dictionaries) == {"app", "core", "intake"}
    for table in catalog.tables.values():
        text = dictionaries[table.schema.lower()]
        assert f'<a id="{table.key}"></a>\n\n### {table.full_name}\n' in text


def test_every_column_appears_in_its_table_section_with_its_type_and_nullability(catalog, dictionaries):
    for table in catalog.tables.values():
        section = _section(dictionaries[table.schema.lower()], table.key)
        for column in table.columns.values():
            null = "NULL" if column.nullable else "NOT NULL"
            assert f"| `{column.name}` | `{column.type}` | {null} |" in section, f"{table.full_name}.{column.name}"


def test_the_descriptions_of_a_table_and_of_its_columns_appear(dictionaries):
    section = _section(dictionaries["app"], "app.pursuit_checklist")
    assert "Quality checklist items for pursuits." in section
    assert "| `done_at` | `datetime2` | NULL |  |  |  | Completion timestamp |" in section


def test_keys_constraints_and_indexes_of_a_table_are_listed(dictionaries):
    section = _section(dictionaries["app"], "app.pursuit_checklist")
    assert "**Primary key** `PK_app_pursuit_checklist`: (`checklist_id`), clustered" in section
    assert "| `checklist_id` | `bigint` | NOT NULL |  | IDENTITY | PK |" in section
    assert "| `is_done` | `bit` | NOT NULL | `(0)` |" in section
    assert "- `FK_app_pursuit_checklist_pursuit_id_app_pursuit`: (`org_id`, `pursuit_id`) → [app.pursuit](#app.pursuit) (`org_id`, `pursuit_id`)" in section
    assert "- `CK_app_pursuit_checklist_done_at`: `" in section
    assert "| `UX_app_pursuit_checklist_name` | yes | no | `org_id ASC, pursuit_id ASC, name ASC` | `is_required, is_done` |  | Checklist of a pursuit, each item name once |" in section


def test_a_foreign_key_to_another_schema_links_into_that_schemas_dictionary(dictionaries):
    assert "→ [core.org](core.md#core.org) (`org_id`)" in _section(dictionaries["app"], "app.candidate")


def test_a_filtered_index_shows_its_filter(dictionaries):
    section = _section(dictionaries["app"], "app.work_event")
    assert "`processed_at IS NULL AND dead_letter_at IS NULL`" in section


def test_a_computed_column_shows_its_expression(dictionaries):
    assert "computed `AS CAST(hours * rate AS NUMERIC(18, 2))` PERSISTED" in _section(dictionaries["app"], "app.cos_entry")


def test_a_tables_security_predicates_are_listed(dictionaries):
    section = _section(dictionaries["app"], "app.pursuit_checklist")
    assert "- FILTER: [app.fn_org_read](#app.fn_org_read)(org_id), policy [app.org_isolation](#app.org_isolation)" in section
    assert "- BLOCK (AFTER INSERT, AFTER UPDATE, BEFORE UPDATE, BEFORE DELETE): [app.fn_org_write](#app.fn_org_write)(org_id)" in section


def test_used_by_lists_a_procedure_that_writes_the_table_and_a_view_that_reads_it(dictionaries):
    section = _section(dictionaries["app"], "app.cos_entry")
    assert "procedure [app.sp_add_cos_entry](#app.sp_add_cos_entry)" in section.split("**Used by**")[1]
    config = _section(dictionaries["app"], "app.config_registry")
    assert "view [app.v_active_config](#app.v_active_config)" in config.split("**Used by**")[1]


def test_used_by_links_across_schemas_and_referenced_by_lists_the_foreign_keys(dictionaries):
    section = _section(dictionaries["core"], "core.org")
    assert "procedure [app.sp_set_config](app.md#app.sp_set_config)" in section
    assert "[app.pursuit](app.md#app.pursuit) (`FK_app_pursuit_org_id_core_org`)" in section
    assert "**Reference data** `sql/data/core.org.sql`" in section


def test_views_functions_and_procedures_have_their_descriptions_columns_and_parameters(catalog, dictionaries):
    text = dictionaries["app"]
    view = _section(text, "app.v_active_config")
    assert catalog.views["app.v_active_config"].description in view
    assert "Columns: `config_id`, `org_id`," in view
    assert "Uses [app.config_registry](#app.config_registry)" in view
    procedure = _section(text, "app.sp_set_config")
    assert catalog.routines["app.sp_set_config"].description in procedure
    assert "| `@effective_from` | `datetime2` | `NULL` |  |" in procedure
    function = _section(text, "app.fn_gate_rule_items")
    assert "Returns `TABLE`: `name`, `position`" in function
    for routine in catalog.routines.values():
        assert f'<a id="{routine.key}"></a>' in dictionaries[routine.schema.lower()]


def test_the_index_lists_every_schema_with_its_table_count_and_links(catalog):
    text = render_index(catalog)
    for schema in catalog.schemas:
        count = sum(1 for t in catalog.tables.values() if t.schema.lower() == schema)
        assert f"| `{schema}` | {catalog.schemas[schema].description} | {count} |" in text
        assert f"[{schema}.md]({schema}.md) | [{schema}.svg]({schema}.svg) |" in text


def test_a_pipe_in_a_description_does_not_split_the_columns_table(project):
    project.write(
        "sql/tables/app.piped.sql",
        """
        -- Piped.
        CREATE TABLE app.piped (
            piped_id int NOT NULL, -- Either a|b
            CONSTRAINT PK_app_piped PRIMARY KEY CLUSTERED (piped_id)
        );
        """,
    )
    text = render_dictionary(_read(project.root), "app")
    assert "| `piped_id` | `int` | NOT NULL |  |  | PK | Either a\\|b |" in text


def test_write_docs_writes_a_dictionary_and_a_picture_per_schema_and_the_index(project, tmp_path):
    catalog = _read(project.root)
    out = tmp_path / "out"
    result = write_docs(project.root, catalog, out)
    assert isinstance(result, DocsResult)
    assert sorted(p.name for p in result.paths) == ["README.md", "app.md", "app.svg", "core.md", "core.svg"]
    assert result.tables == 1 and result.seconds > 0
    assert ET.parse(out / "core.svg").getroot().tag == "{http://www.w3.org/2000/svg}svg"
    assert (out / "core.md").read_text(encoding="utf-8") == render_dictionary(catalog, "core")


def test_stale_docs_reports_an_edited_dictionary_a_missing_picture_and_a_leftover_schema(project):
    catalog = _read(project.root)
    write_docs(project.root, catalog)
    assert stale_docs(project.root, catalog) == []
    folder = project.root / "docs" / "schema"
    (folder / "core.md").write_text((folder / "core.md").read_text(encoding="utf-8") + "edited\n", encoding="utf-8")
    (folder / "app.svg").unlink()
    (folder / "gone.md").write_text("# Schema `gone`\n", encoding="utf-8")
    assert stale_docs(project.root, catalog) == ["docs/schema/app.svg", "docs/schema/core.md", "docs/schema/gone.md"]


def test_a_fresh_read_of_the_same_sql_gives_the_same_dictionary(dictionaries):
    assert render_dictionary(_read(REPO), "intake") == dictionaries["intake"]


def test_the_committed_schema_reference_is_what_write_docs_would_write(catalog):
    assert stale_docs(REPO, catalog) == []
