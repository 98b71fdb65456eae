"""Statements sqlglot cannot parse fall back to sqlfluff's tree, which still resolves what they name."""

from __future__ import annotations

import pytest

from harness.fallback import _references, statements_from_sqlfluff

from .test_resolve import PART, THING, procedure


@pytest.fixture
def things(project):
    project.write("sql/tables/app.thing.sql", THING)
    project.write("sql/tables/app.part.sql", PART)
    procedure(project, "sp_source", "        SELECT t.thing_id FROM app.thing AS t WHERE t.org_id = @org_id;\n")
    assert project.check().findings == []
    return project


def test_insert_exec_which_only_sqlfluff_parses_is_accepted(things):
    procedure(
        things,
        "sp_x",
        "        DECLARE @ids TABLE (thing_id int NOT NULL);\n"
        "        INSERT INTO @ids (thing_id) EXEC app.sp_source @org_id = @org_id;\n",
    )
    result = things.check()
    assert result.findings == []
    kinds = [s.kind for s in result.catalog.routines["app.sp_x"].body]
    assert "INSERT" in kinds


def test_a_fallback_statement_naming_an_unknown_procedure_or_table_is_caught(things):
    procedure(
        things,
        "sp_x",
        "        INSERT INTO app.thingz (thing_id) EXEC app.sp_sauce @org_id = @org_id;\n",
    )
    found = sorted((f.code, f.line) for f in things.check().findings)
    assert found == [("E200", 9), ("E205", 9)]


def test_a_section_neither_parser_understands_is_reported_with_its_line(things):
    procedure(things, "sp_x", "        SELECT 1 AS one;\n        SELECT FROM WHERE ((;\n")
    findings = things.check().findings
    assert [(f.code, f.path) for f in findings] == [("E101", "sql/procedures/app.sp_x.sql")]
    assert findings[0].line == 10


def test_a_data_script_falls_back_to_sqlfluff_too(things):
    things.write(
        "sql/data/app.thing.sql",
        "-- Rows.\nINSERT INTO app.thing (thing_id) EXEC app.sp_source @org_id = 1;\nINSERT INTO app.thingz (thing_id) EXEC app.sp_source @org_id = 1;\n",
    )
    assert [(f.code, f.line) for f in things.check().findings] == [("E200", 3)]


def test_cte_names_in_a_fallback_statement_are_not_taken_for_tables():
    text = "WITH recent AS (SELECT x.a FROM app.x AS x)\nSELECT r.a FROM recent AS r;\n"
    from sqlfluff.core import FluffConfig, Linter

    tree = Linter(config=FluffConfig(overrides={"dialect": "tsql"})).parse_string(text).tree
    statement = next(tree.recursive_crawl("with_compound_statement"))
    assert _references(statement, 0) == [("table", "app.x", 1)]


def test_fallback_lines_are_file_absolute():
    result = statements_from_sqlfluff("SELECT 1 AS a;\nINSERT INTO app.t (a) EXEC app.p;\n", 10)
    assert [(s.kind, s.line) for s in result.statements] == [("SELECT", 11), ("INSERT", 12)]
    assert result.statements[1].references == [("table", "app.t", 12), ("procedure", "app.p", 12)]
