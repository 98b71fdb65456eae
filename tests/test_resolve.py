"""Reference resolution: what must be caught (with file and line) and what must not be flagged."""

from __future__ import annotations

import pytest

THING = """
-- Things.
CREATE TABLE app.thing (
    thing_id int NOT NULL, -- Primary key
    org_id int NOT NULL, -- Org
    name nvarchar(50) NOT NULL, -- Name
    score int NULL, -- Score
    CONSTRAINT PK_app_thing PRIMARY KEY CLUSTERED (thing_id),
    CONSTRAINT FK_app_thing_org_id_core_org FOREIGN KEY (org_id) REFERENCES core.org (org_id)
);

CREATE NONCLUSTERED INDEX IX_app_thing_org_id ON app.thing (org_id); -- By org
"""

PART = """
-- Parts of things.
CREATE TABLE app.part (
    part_id int NOT NULL, -- Primary key
    thing_id int NOT NULL, -- Owner
    name nvarchar(50) NOT NULL, -- Name
    CONSTRAINT PK_app_part PRIMARY KEY CLUSTERED (part_id),
    CONSTRAINT FK_app_part_thing_id_app_thing FOREIGN KEY (thing_id) REFERENCES app.thing (thing_id)
);

CREATE NONCLUSTERED INDEX IX_app_part_thing_id ON app.part (thing_id); -- Parts of a thing
"""


@pytest.fixture
def things(project):
    project.write("sql/tables/app.thing.sql", THING)
    project.write("sql/tables/app.part.sql", PART)
    assert project.check().findings == []
    return project


def view(project, name: str, body: str) -> None:
    project.write(f"sql/views/app.{name}.sql", f"-- A view.\nCREATE OR ALTER VIEW app.{name}\nAS\n{body}")


def procedure(project, name: str, body: str, params: str = "@org_id int") -> None:
    project.write(
        f"sql/procedures/app.{name}.sql",
        f"""-- A procedure.
CREATE OR ALTER PROCEDURE app.{name}
    {params}
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    BEGIN TRY
{body}
    END TRY
    BEGIN CATCH
        THROW;
    END CATCH;
END;
""",
    )


def located(project, code: str) -> list[tuple[str, int]]:
    return [(f.path, f.line) for f in project.findings(code)]


def line_of(project, rel: str, needle: str) -> int:
    lines = (project.root / rel).read_text(encoding="utf-8").splitlines()
    return next(number for number, text in enumerate(lines, start=1) if needle in text)


# -- the negative cases, in the real tree ------------------------------------------------
def test_a_misspelt_column_in_a_view_is_caught_with_file_and_line(real_tree):
    real_tree.edit("sql/views/app.v_active_config.sql", "    e.config_key,", "    e.config_kee,")
    rel = "sql/views/app.v_active_config.sql"
    findings = [f for f in real_tree.findings("E201") if f.path == rel]
    assert [(f.path, f.line) for f in findings] == [(rel, line_of(real_tree, rel, "e.config_kee"))]
    assert "did you mean config_key" in findings[0].message


def test_a_misspelt_column_in_a_procedure_is_caught_with_file_and_line(real_tree):
    rel = "sql/procedures/app.sp_resolve_identity.sql"
    real_tree.edit(rel, "            k.occurrences,\n            k.resolution_status,", "            k.occurences,\n            k.resolution_status,")
    findings = real_tree.findings("E201")
    assert [(f.path, f.line) for f in findings] == [(rel, line_of(real_tree, rel, "k.occurences"))]
    assert "did you mean occurrences" in findings[0].message


def test_an_unknown_table_is_caught_with_file_and_line(real_tree):
    real_tree.edit("sql/views/app.v_identity_resolution_status.sql", "FROM app.canonical_identity_keys AS k", "FROM app.canonical_identity_key AS k")
    findings = real_tree.findings("E200")
    rel = "sql/views/app.v_identity_resolution_status.sql"
    assert [(f.path, f.line) for f in findings] == [(rel, line_of(real_tree, rel, "app.canonical_identity_key AS k"))]
    assert "did you mean app.canonical_identity_keys" in findings[0].message


def test_a_foreign_key_to_an_unknown_table_is_caught_with_file_and_line(real_tree):
    real_tree.edit("sql/tables/app.proposal.sql", "REFERENCES app.pursuit (org_id, pursuit_id)", "REFERENCES app.pursuits (org_id, pursuit_id)")
    rel = "sql/tables/app.proposal.sql"
    assert located(real_tree, "E202") == [(rel, line_of(real_tree, rel, "CONSTRAINT FK_app_proposal_pursuit_id"))]


def test_a_duplicate_index_is_caught_with_file_and_line(real_tree):
    real_tree.append("sql/tables/app.signal.sql", "\nCREATE NONCLUSTERED INDEX IX_app_signal_cluster_again ON app.signal (org_id, cluster_id); -- Again\n")
    lines = (real_tree.root / "sql/tables/app.signal.sql").read_text().splitlines()
    assert located(real_tree, "E400") == [("sql/tables/app.signal.sql", len(lines))]


# -- views -----------------------------------------------------------------------------------------
def test_a_qualified_column_of_an_unknown_alias_is_caught(things):
    view(things, "v_x", "SELECT t.thing_id, x.name FROM app.thing AS t;\n")
    assert located(things, "E210") == [("sql/views/app.v_x.sql", 4)]


def test_an_unqualified_column_found_in_two_sources_is_ambiguous(things):
    view(things, "v_x", "SELECT name\nFROM app.thing AS t\nINNER JOIN app.part AS p ON t.thing_id = p.thing_id;\n")
    assert located(things, "E206") == [("sql/views/app.v_x.sql", 4)]


def test_an_unqualified_column_found_in_no_source_is_unknown(things):
    view(things, "v_x", "SELECT t.thing_id, colour FROM app.thing AS t;\n")
    assert located(things, "E201") == [("sql/views/app.v_x.sql", 4)]


def test_an_unqualified_table_is_reported(things):
    view(things, "v_x", "SELECT t.thing_id FROM thing AS t;\n")
    assert located(things, "E207") == [("sql/views/app.v_x.sql", 4)]


def test_every_problem_of_a_view_is_reported_in_one_run(things):
    view(things, "v_x", "SELECT t.nme,\n    t.scor,\n    q.name\nFROM app.thing AS t;\n")
    assert sorted(f.code for f in things.check().findings) == ["E201", "E201", "E210"]


def test_ctes_derived_tables_values_and_correlated_subqueries_resolve(things):
    view(
        things,
        "v_x",
        """WITH counted AS (
    SELECT p.thing_id, COUNT(*) AS parts FROM app.part AS p GROUP BY p.thing_id
)
SELECT
    t.thing_id,
    c.parts,
    d.best,
    v.label,
    (SELECT MAX(p2.name) FROM app.part AS p2 WHERE p2.thing_id = t.thing_id) AS last_part
FROM app.thing AS t
INNER JOIN counted AS c ON t.thing_id = c.thing_id
INNER JOIN (SELECT x.org_id, MAX(x.score) AS best FROM app.thing AS x GROUP BY x.org_id) AS d ON t.org_id = d.org_id
INNER JOIN (VALUES (1, N'one'), (2, N'two')) AS v (n, label) ON t.score = v.n
WHERE EXISTS (SELECT 1 FROM app.part AS p3 WHERE p3.thing_id = t.thing_id)
ORDER BY last_part;
""",
    )
    result = things.check()
    assert result.findings == []
    assert result.catalog.views["app.v_x"].columns == ["thing_id", "parts", "best", "label", "last_part"]


def test_a_cte_column_that_does_not_exist_is_caught(things):
    view(things, "v_x", "WITH c AS (SELECT t.thing_id FROM app.thing AS t)\nSELECT c.name FROM c;\n")
    assert located(things, "E201") == [("sql/views/app.v_x.sql", 5)]


def test_views_on_views_resolve_in_any_file_order(things):
    view(things, "v_b", "SELECT a.thing_id, a.total FROM app.v_a AS a;\n")
    view(things, "v_a", "SELECT t.thing_id, t.score AS total FROM app.thing AS t;\n")
    assert things.check().findings == []
    view(things, "v_b", "SELECT a.thing_id, a.score FROM app.v_a AS a;\n")
    assert located(things, "E201") == [("sql/views/app.v_b.sql", 4)]


def test_set_operation_branches_with_different_column_counts_are_caught(things):
    view(things, "v_x", "SELECT t.thing_id FROM app.thing AS t\nUNION ALL\nSELECT p.part_id, p.name FROM app.part AS p;\n")
    assert [f.code for f in things.check().findings] == ["E209"]


# -- procedures ------------------------------------------------------------------------------------
def test_procedure_statements_resolve_variables_table_variables_and_output(things):
    procedure(
        things,
        "sp_x",
        """        DECLARE @ids TABLE (thing_id int NOT NULL);
        DECLARE @n int = (SELECT COUNT(*) FROM app.thing AS t WHERE t.org_id = @org_id);
        IF NOT EXISTS (SELECT 1 FROM app.thing AS t WHERE t.org_id = @org_id)
            THROW 50001, N'no things', 1;
        INSERT INTO @ids (thing_id) SELECT t.thing_id FROM app.thing AS t WHERE t.org_id = @org_id;
        UPDATE t SET t.score = t.score + @n OUTPUT inserted.thing_id, deleted.score
        FROM app.thing AS t INNER JOIN @ids AS i ON t.thing_id = i.thing_id;
        DELETE p FROM app.part AS p INNER JOIN @ids AS i ON p.thing_id = i.thing_id WHERE p.name = N'x';
        WITH q AS (SELECT TOP (5) t.thing_id, t.score FROM app.thing AS t ORDER BY t.thing_id)
        UPDATE q SET q.score = 0;
""",
    )
    assert things.check().findings == []


def test_an_update_of_a_column_the_target_does_not_have_is_caught(things):
    procedure(things, "sp_x", "        UPDATE app.thing SET colour = 1 WHERE org_id = @org_id;\n")
    assert located(things, "E201") == [("sql/procedures/app.sp_x.sql", 9)]


def test_an_insert_column_list_is_checked_against_the_target_and_the_values(things):
    procedure(things, "sp_x", "        INSERT INTO app.thing (thing_id, org_id, nam) VALUES (1, @org_id);\n")
    assert sorted(f.code for f in things.check().findings) == ["E201", "E209"]


def test_output_columns_are_checked_against_the_written_table(things):
    procedure(things, "sp_x", "        UPDATE app.thing SET score = 1 OUTPUT inserted.colour WHERE org_id = @org_id;\n")
    assert located(things, "E201") == [("sql/procedures/app.sp_x.sql", 9)]


def test_a_table_variable_used_before_it_is_declared_is_caught(things):
    procedure(things, "sp_x", "        SELECT i.thing_id FROM @ids AS i;\n")
    assert located(things, "E200") == [("sql/procedures/app.sp_x.sql", 9)]


def test_exec_of_an_unknown_procedure_is_caught(things):
    procedure(things, "sp_x", "        EXEC app.sp_missing @org_id = @org_id;\n")
    assert located(things, "E205") == [("sql/procedures/app.sp_x.sql", 9)]


def test_exec_of_a_known_procedure_and_of_sp_executesql_are_fine(things):
    procedure(things, "sp_y", "        SELECT 1 AS one;\n")
    procedure(
        things,
        "sp_x",
        "        EXEC app.sp_y @org_id = @org_id;\n        EXEC sys.sp_executesql N'SELECT @a AS a', N'@a int', @a = 1;\n",
    )
    assert things.check().findings == []


def test_a_call_to_an_unknown_function_is_caught(things):
    view(things, "v_x", "SELECT t.thing_id, app.fn_missing(t.score) AS s FROM app.thing AS t;\n")
    assert located(things, "E205") == [("sql/views/app.v_x.sql", 4)]


def test_a_table_valued_function_gives_its_columns_and_checks_its_arguments(things):
    things.write(
        "sql/functions/app.fn_pair.sql",
        "-- Pair.\nCREATE OR ALTER FUNCTION app.fn_pair(@a int)\nRETURNS TABLE\nAS\nRETURN (SELECT @a AS first_value, @a + 1 AS second_value);\n",
    )
    view(things, "v_x", "SELECT t.thing_id, f.second_value FROM app.thing AS t CROSS APPLY app.fn_pair(t.score) AS f;\n")
    assert things.check().findings == []
    view(things, "v_x", "SELECT t.thing_id, f.third_value FROM app.thing AS t CROSS APPLY app.fn_pair(t.score, 2) AS f;\n")
    assert sorted(f.code for f in things.check().findings) == ["E201", "E209"]


def test_a_data_script_is_resolved_like_a_procedure(things):
    things.write(
        "sql/data/app.thing.sql",
        "-- Rows.\nINSERT INTO app.thing (thing_id, org_id, nam)\nSELECT v.a, v.b, v.c FROM (VALUES (1, 1, N'x')) AS v (a, b, c);\n",
    )
    assert located(things, "E201") == [("sql/data/app.thing.sql", 2)]
