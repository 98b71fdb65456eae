from __future__ import annotations

import pytest

TABLE = """
-- Items.
CREATE TABLE app.item (
    item_id int NOT NULL, -- Primary key
    name nvarchar(50) NOT NULL, -- Name
    CONSTRAINT PK_app_item PRIMARY KEY CLUSTERED (item_id)
);
"""

GOOD_PROC = """-- Does it right.
CREATE OR ALTER PROCEDURE app.sp_good
    @id int
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    BEGIN TRY
        IF @id IS NULL
            THROW 50001, N'@id is required', 1;
        UPDATE app.item SET name = N'x' WHERE item_id = @id;
    END TRY
    BEGIN CATCH
        THROW;
    END CATCH;
END;
"""


@pytest.fixture
def items(project):
    project.write("sql/tables/app.item.sql", TABLE)
    return project


def codes(project):
    return sorted(f.code for f in project.check().findings)


def test_a_procedure_that_follows_the_house_rules_is_clean(items):
    items.write("sql/procedures/app.sp_good.sql", GOOD_PROC)
    assert codes(items) == []


def test_a_procedure_without_nocount_and_xact_abort_first_is_reported(items):
    items.write("sql/procedures/app.sp_good.sql", GOOD_PROC.replace("    SET XACT_ABORT ON;\n", ""))
    assert codes(items) == ["E705"]


def test_a_procedure_without_try_catch_rethrow_is_reported(items):
    items.write("sql/procedures/app.sp_good.sql", GOOD_PROC.replace("        THROW;\n    END CATCH", "        RETURN;\n    END CATCH"))
    assert codes(items) == ["E706"]


def test_raiserror_and_low_throw_numbers_are_reported(items):
    text = GOOD_PROC.replace("THROW 50001, N'@id is required', 1;", "RAISERROR (N'@id is required', 16, 1);")
    items.write("sql/procedures/app.sp_good.sql", text)
    assert codes(items) == ["E703"]
    items.write("sql/procedures/app.sp_good.sql", GOOD_PROC.replace("THROW 50001", "THROW 49999"))
    assert codes(items) == ["E709"]


def test_local_time_functions_are_reported_but_not_inside_strings_or_comments(items):
    text = GOOD_PROC.replace("N'x'", "CONVERT(nvarchar(30), GETDATE())").replace("-- Does it right.", "-- Does it right (not GETDATE()).")
    items.write("sql/procedures/app.sp_good.sql", text.replace("N'@id is required'", "N'GETDATE is banned'"))
    assert [(f.code, f.line) for f in items.check().findings] == [("E704", 11)]


def test_merge_is_reported(items):
    items.write(
        "sql/procedures/app.sp_good.sql",
        GOOD_PROC.replace(
            "UPDATE app.item SET name = N'x' WHERE item_id = @id;",
            "MERGE INTO app.item AS t USING app.item AS s ON t.item_id = s.item_id WHEN MATCHED THEN UPDATE SET t.name = s.name;",
        ),
    )
    assert "E702" in codes(items)


def test_exec_of_a_string_is_reported(items):
    items.write("sql/procedures/app.sp_good.sql", GOOD_PROC.replace("UPDATE app.item SET name = N'x' WHERE item_id = @id;", "EXEC (N'SELECT 1');"))
    assert codes(items) == ["E707"]


def test_select_star_in_a_view_is_reported(items):
    items.write("sql/views/app.v_items.sql", "-- Items.\nCREATE OR ALTER VIEW app.v_items\nAS\nSELECT * FROM app.item AS i;\n")
    assert codes(items) == ["E701"]


def test_views_and_procedures_must_use_create_or_alter(items):
    items.write("sql/views/app.v_items.sql", "-- Items.\nCREATE VIEW app.v_items\nAS\nSELECT i.item_id FROM app.item AS i;\n")
    items.write("sql/procedures/app.sp_good.sql", GOOD_PROC.replace("CREATE OR ALTER PROCEDURE", "CREATE PROCEDURE"))
    assert codes(items) == ["E708", "E708"]


def test_count_star_and_output_inserted_star_are_not_select_star(items):
    items.write("sql/views/app.v_items.sql", "-- Items.\nCREATE OR ALTER VIEW app.v_items\nAS\nSELECT COUNT(*) AS n FROM app.item AS i;\n")
    items.write("sql/procedures/app.sp_good.sql", GOOD_PROC.replace("WHERE item_id = @id;", "OUTPUT inserted.* WHERE item_id = @id;"))
    assert codes(items) == []
