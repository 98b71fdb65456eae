from __future__ import annotations

import re

import pytest
import sqlglot
from sqlglot import exp

from harness.snippets import SnippetError, table_source

from .conftest import REPO

TABLE_FILES = sorted((REPO / "sql" / "tables").glob("*.sql"))
TABLE_IDS = [p.name for p in TABLE_FILES]


@pytest.fixture(scope="module")
def fluff():
    from sqlfluff.core import FluffConfig, Linter

    linter = Linter(config=FluffConfig(overrides={"dialect": "tsql"}))

    def parse(text: str):
        tree = linter.parse_string(text).tree
        assert tree is not None
        return tree

    return parse


def real(name: str):
    path = REPO / "sql" / "tables" / name
    return table_source(str(path), path.read_text(encoding="utf-8"))


def item_names(create: exp.Expression) -> list[str]:
    """Names of the columns and table constraints sqlglot sees in a CREATE TABLE, in order."""
    assert isinstance(create, exp.Create)
    return [item.name for item in create.this.expressions if isinstance(item, (exp.ColumnDef, exp.Constraint))]


def code_before_closing_parenthesis(tree) -> str:
    """The last code segment inside the CREATE TABLE's parentheses, as sqlfluff parsed it."""
    (statement,) = list(tree.recursive_crawl("create_table_statement"))
    bracketed = next(s for s in statement.segments if s.is_type("bracketed"))
    code = [s for s in bracketed.segments if s.is_code]
    assert code[-1].raw == ")"
    return code[-2].raw


# --- the real table files -------------------------------------------------------------------------


@pytest.mark.parametrize("path", TABLE_FILES, ids=TABLE_IDS)
def test_rebuilding_a_real_table_with_all_its_elements_reproduces_the_files_create_table_verbatim(path):
    text = path.read_text(encoding="utf-8")
    # Every table file starts with its header comment and closes CREATE TABLE with a line ");".
    assert text.count("\n);\n") == 1
    statement = text[: text.index("\n);\n") + len("\n);\n")]
    source = table_source(str(path), text)
    assert source.create_table(source.elements) == statement


@pytest.mark.parametrize("path", TABLE_FILES, ids=TABLE_IDS)
def test_the_elements_found_in_a_real_table_are_the_columns_and_constraints_sqlglot_parses(path):
    text = path.read_text(encoding="utf-8")
    source = table_source(str(path), text)
    create = next(e for e in sqlglot.parse(text, read="tsql") if isinstance(e, exp.Create) and e.kind == "TABLE")
    assert [e.name for e in source.elements] == item_names(create)
    kinds = {item.name: isinstance(item, exp.Constraint) for item in create.this.expressions}
    assert [e.kind for e in source.elements] == ["constraint" if kinds[e.name] else "column" for e in source.elements]


@pytest.mark.parametrize("path", TABLE_FILES, ids=TABLE_IDS)
def test_a_real_table_without_its_last_element_is_valid_sql_with_no_comma_before_the_closing_parenthesis(path, fluff):
    source = table_source(str(path), path.read_text(encoding="utf-8"))
    keep = source.elements[:-1]
    text = source.create_table(keep)

    assert item_names(sqlglot.parse_one(text, read="tsql")) == [e.name for e in keep]
    tree = fluff(text)
    assert list(tree.recursive_crawl("unparsable")) == []
    # Both parsers tolerate a trailing comma, so look at what precedes the ")" explicitly.
    assert code_before_closing_parenthesis(tree) != ","
    assert not re.search(r",[ \t]*(--[^\n]*)?\n\s*\)", text)


def test_dropping_a_middle_column_keeps_the_commas_of_its_neighbours(fluff):
    source = real("core.org.sql")
    keep = [e for e in source.elements if e.name != "is_active"]
    text = source.create_table(keep)
    assert "is_active" not in text
    assert item_names(sqlglot.parse_one(text, read="tsql")) == [e.name for e in keep]
    assert list(fluff(text).recursive_crawl("unparsable")) == []
    assert "    name nvarchar(200) NOT NULL, -- Organisation display name\n    created_at" in text


# --- comments travel with their element ---------------------------------------------------------


def test_the_comment_lines_above_a_column_belong_to_that_column():
    source = real("app.pursuit.sql")
    stage = source.element("pursuit_stage")
    assert stage.text(source.text).splitlines() == [
        "    -- Stage: 'qual', 'pink', 'red', 'submit', 'won', 'lost'",
        "    pursuit_stage varchar(8) NOT NULL CONSTRAINT DF_app_pursuit_pursuit_stage DEFAULT ('qual')",
    ]
    assert "Stage:" not in source.element("proposal_mgr_id").text(source.text)


def test_dropping_a_column_drops_the_comment_lines_above_it_too():
    source = real("app.pursuit.sql")
    text = source.create_table([e for e in source.elements if e.name != "pursuit_stage"])
    assert "-- Stage:" not in text
    assert "proposal_mgr_id int NULL, -- Proposal manager user\n    compliance_score" in text


def test_adding_a_column_brings_the_comment_lines_above_it():
    source = real("app.pursuit.sql")
    text = source.alter_table_add([source.element("pursuit_stage")])
    assert text == (
        "ALTER TABLE app.pursuit ADD\n"
        "    -- Stage: 'qual', 'pink', 'red', 'submit', 'won', 'lost'\n"
        "    pursuit_stage varchar(8) NOT NULL CONSTRAINT DF_app_pursuit_pursuit_stage DEFAULT ('qual');\n"
    )


def test_elements_are_found_by_name_in_any_case_and_an_unknown_name_gives_none():
    source = real("app.pursuit.sql")
    assert source.element("PURSUIT_STAGE") is source.element("pursuit_stage")
    assert source.element("PK_APP_PURSUIT").kind == "constraint"
    assert source.element("no_such_column") is None


# --- ALTER TABLE ... ADD ------------------------------------------------------------------------


def test_adding_columns_is_one_statement_whose_trailing_comments_do_not_swallow_the_semicolon(fluff):
    source = real("app.pursuit.sql")
    # A trailing comment, comment lines above, and a trailing comment on the last one.
    columns = [source.element(n) for n in ("due_date", "pursuit_stage", "cos_hours")]
    text = source.alter_table_add(columns)
    assert text.startswith("ALTER TABLE app.pursuit ADD\n")

    # A swallowed semicolon would make the next statement part of this one (sqlglot then falls back
    # to an opaque Command, sqlfluff finds one terminator fewer).
    parsed = sqlglot.parse(text + "SELECT 1;", read="tsql")
    assert [type(e) for e in parsed if not isinstance(e, exp.Semicolon)] == [exp.Alter, exp.Select]
    alter = parsed[0]
    assert [a.name for a in alter.args["actions"]] == ["due_date", "pursuit_stage", "cos_hours"]
    assert all(isinstance(a, exp.ColumnDef) for a in alter.args["actions"])

    tree = fluff(text + "SELECT 1;\n")
    assert list(tree.recursive_crawl("unparsable")) == []
    assert len(list(tree.recursive_crawl("alter_table_statement"))) == 1
    assert len(list(tree.recursive_crawl("statement_terminator"))) == 2


def test_adding_constraints_with_check_gives_one_alter_table_with_check_add_statement_per_constraint(fluff):
    source = real("app.pursuit.sql")
    constraints = [e for e in source.elements if e.kind == "constraint"]
    assert len(constraints) > 2  # includes the two-line foreign keys
    text = source.alter_table_add(constraints, with_check=True)

    assert text.count("ALTER TABLE app.pursuit WITH CHECK ADD\n") == len(constraints)
    parsed = [e for e in sqlglot.parse(text, read="tsql") if e is not None and not isinstance(e, exp.Semicolon)]
    assert all(isinstance(e, exp.Alter) and e.args.get("check") for e in parsed)
    added = [[c.name for a in e.args["actions"] for c in a.find_all(exp.Constraint)] for e in parsed]
    assert added == [[c.name] for c in constraints]

    tree = fluff(text)
    assert list(tree.recursive_crawl("unparsable")) == []
    assert len(list(tree.recursive_crawl("alter_table_statement"))) == len(constraints)
    assert len(list(tree.recursive_crawl("statement_terminator"))) == len(constraints)


def test_adding_the_last_element_of_a_table_ends_it_with_a_semicolon_before_its_comment():
    source = real("core.org.sql")
    last = source.elements[-1]
    assert last.comma is None
    text = source.alter_table_add([source.element("updated_at"), last])
    assert text.endswith("    CONSTRAINT PK_core_org PRIMARY KEY CLUSTERED (org_id);\n")
    assert "DEFAULT (SYSUTCDATETIME()), -- Last update timestamp\n" in text


# --- indexes ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [p for p in TABLE_FILES if "-- wsdb:alias" in p.read_text(encoding="utf-8")], ids=lambda p: p.name)
def test_an_index_snippet_includes_the_wsdb_alias_directive_above_it(path):
    lines = path.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("-- wsdb:alias"))
    create = lines[at + 1]
    name = re.match(r"CREATE (?:UNIQUE )?(?:NON)?CLUSTERED INDEX (\w+)", create).group(1)
    source = table_source(str(path), "\n".join(lines) + "\n")
    assert source.index(name) == lines[at] + "\n" + create + "\n"
    assert source.index(name.lower()) == source.index(name.upper())


def test_an_index_without_comment_lines_above_is_just_its_own_statement():
    source = real("app.pursuit.sql")
    assert source.index("IX_pursuit_org_stage") == (
        "CREATE NONCLUSTERED INDEX IX_pursuit_org_stage ON app.pursuit (org_id, pursuit_stage); -- Stage filtering\n"
    )


def test_an_index_spanning_several_lines_is_taken_through_its_semicolon_line():
    text = (
        "-- T.\nCREATE TABLE app.t (\n    a int NOT NULL, -- A\n    b int NULL -- B\n);\n\n"
        "-- Filtered lookup.\nCREATE NONCLUSTERED INDEX IX_app_t_b ON app.t (b)\n    WHERE b IS NOT NULL; -- B lookup\n\n"
        "CREATE NONCLUSTERED INDEX IX_app_t_a ON app.t (a);\n"
    )
    source = table_source("sql/tables/app.t.sql", text)
    assert source.index("IX_app_t_b") == (
        "-- Filtered lookup.\nCREATE NONCLUSTERED INDEX IX_app_t_b ON app.t (b)\n    WHERE b IS NOT NULL; -- B lookup\n"
    )
    assert source.index("IX_app_t_a") == "CREATE NONCLUSTERED INDEX IX_app_t_a ON app.t (a);\n"


# --- layouts the builder cannot take apart ------------------------------------------------------

PATH = "sql/tables/app.t.sql"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        pytest.param(
            "-- T.\nCREATE TABLE app.t (\n    a int NOT NULL, b int NULL, -- A and B\n    c int NULL -- C\n);\n",
            " line 3: put each column and constraint on its own line",
            id="two-columns-on-one-line",
        ),
        pytest.param(
            "-- T.\nCREATE TABLE app.t (\n    a int NOT NULL, -- A\n    b int NULL, CONSTRAINT PK_app_t PRIMARY KEY (a)\n);\n",
            " line 4: put each column and constraint on its own line",
            id="a-constraint-on-a-columns-line",
        ),
        pytest.param(
            "-- T.\nCREATE TABLE app.t (a int NOT NULL, -- A\n    b int NULL -- B\n);\n",
            ": start the first column on the line after 'CREATE TABLE … ('",
            id="first-column-on-the-create-table-line",
        ),
        pytest.param(
            "-- T.\nCREATE TABLE app.t (\n    a int NOT NULL, -- A\n    b int NULL);\n",
            " line 4: put the closing parenthesis of CREATE TABLE on its own line",
            id="closing-parenthesis-on-the-last-columns-line",
        ),
        pytest.param(
            "-- Only an index.\nCREATE NONCLUSTERED INDEX IX_app_t_a ON app.t (a);\n",
            ": no CREATE TABLE statement",
            id="no-create-table",
        ),
        pytest.param("", ": no CREATE TABLE statement", id="empty-file"),
    ],
)
def test_a_layout_the_builder_cannot_take_apart_raises_an_error_naming_the_file(text, says):
    with pytest.raises(SnippetError) as raised:
        table_source(PATH, text)
    assert str(raised.value) == PATH + says


def test_a_file_in_the_house_layout_raises_no_layout_error():
    # The counterpart of the cases above: the same table, laid out one element per line.
    text = "-- T.\nCREATE TABLE app.t (\n    a int NOT NULL, -- A\n    b int NULL -- B\n);\n"
    assert [e.name for e in table_source(PATH, text).elements] == ["a", "b"]


def test_a_trailing_comment_on_the_create_table_line_is_not_a_first_column():
    text = "-- T.\nCREATE TABLE app.t ( -- wsdb:allow W999 example\n    a int NOT NULL, -- A\n    b int NULL -- B\n);\n"
    source = table_source(PATH, text)
    assert [e.name for e in source.elements] == ["a", "b"]
    assert source.create_table(source.elements) == text


def test_a_comment_line_above_the_closing_parenthesis_survives_rebuilding_the_table():
    text = "-- T.\nCREATE TABLE app.t (\n    a int NOT NULL, -- A\n    b int NULL -- B\n    -- More columns arrive with the 2026 release.\n);\n"
    source = table_source(PATH, text)
    assert source.create_table(source.elements) == text
