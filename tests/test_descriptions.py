from __future__ import annotations

from harness.batches import split_batches
from harness.descriptions import extended_property_sql
from harness.statements import parse_slice, split, tokenize


def test_objects_and_columns_without_a_description_are_reported(project):
    project.write(
        "sql/tables/app.bare.sql",
        "CREATE TABLE app.bare (\n    a int NOT NULL, -- Described\n    b int NULL,\n    CONSTRAINT PK_app_bare PRIMARY KEY (a)\n);\n",
    )
    assert sorted(f.message for f in project.findings("E600")) == [
        "column app.bare.b has no description (trailing -- comment)",
        "table app.bare has no description (comment above CREATE)",
    ]


def test_every_table_and_column_of_the_real_tree_has_its_description(real_tree):
    result = real_tree.check()
    assert [f for f in result.findings if f.code == "E600"] == []
    signal = result.catalog.tables["app.signal"]
    assert signal.description == "Stores incoming lead signals with deduplication and clustering."


def test_descriptions_render_as_idempotent_ms_description_statements(real_tree):
    table = real_tree.check().catalog.tables["app.signal"]
    sql = extended_property_sql(table)
    assert sql.count("sp_addextendedproperty") == 1 + len(table.columns) + len(table.indexes)
    assert "@level2type = N'COLUMN', @level2name = N'contact_email'" in sql
    assert "N'Source: ''email'', ''ad'', ''call'', ''note'''" in sql  # quotes doubled inside N'...'


def test_index_aliases_render_as_a_wsdb_alias_property_on_the_index(real_tree):
    table = real_tree.check().catalog.tables["app.proposal"]
    sql = extended_property_sql(table)
    assert (
        "EXEC sys.sp_addextendedproperty @name = N'wsdb_alias', @value = N'UX_proposal_version_once', "
        "@level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'proposal', "
        "@level2type = N'INDEX', @level2name = N'UX_proposal_version';"
    ) in sql


def test_rendered_description_statements_parse_as_t_sql(real_tree):
    catalog = real_tree.check().catalog
    for obj in [*catalog.tables.values(), *catalog.views.values(), *catalog.routines.values()]:
        text = extended_property_sql(obj)
        for batch in split_batches(text):
            for piece in split(tokenize(batch.text)):
                parse_slice(piece, batch.text)


def test_rendered_description_statements_pass_sqlfluffs_tsql_grammar(real_tree):
    from sqlfluff.core import FluffConfig, Linter

    table = real_tree.check().catalog.tables["app.proposal"]
    parsed = Linter(config=FluffConfig(overrides={"dialect": "tsql"})).parse_string(extended_property_sql(table))
    assert parsed.tree is not None
    assert list(parsed.tree.recursive_crawl("unparsable")) == []
