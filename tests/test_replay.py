"""Offline replay: each statement of a migration changes the model as it would change a database."""

from __future__ import annotations

import textwrap

from harness.replay import Replay, step_marker

SETUP = """
CREATE SCHEMA app AUTHORIZATION dbo;
GO
CREATE TABLE app.thing (
    thing_id int NOT NULL, -- A comment is not a description on a server
    code varchar(8) NOT NULL,
    CONSTRAINT PK_app_thing PRIMARY KEY CLUSTERED (thing_id),
    CONSTRAINT CK_app_thing_code CHECK (code <> '')
);
CREATE NONCLUSTERED INDEX IX_app_thing_code ON app.thing (code);
GO
"""


def replayed(*scripts: str) -> Replay:
    replay = Replay()
    for number, script in enumerate(scripts, start=1):
        replay.apply(f"migrations/2026010{number}_s.sql", textwrap.dedent(script).lstrip("\n"))
    return replay


def findings(replay: Replay) -> list[tuple[int, str, str]]:
    return [(f.line, f.code, f.message) for f in replay.sink.sorted()]


def test_create_table_and_index_build_the_model_without_taking_comments_as_descriptions():
    replay = replayed(SETUP)
    assert findings(replay) == []
    table = replay.state.tables["app.thing"]
    assert list(table.columns) == ["thing_id", "code"]
    assert [i.name for i in table.indexes] == ["IX_app_thing_code"]
    assert table.column("thing_id").description is None


def test_creating_a_table_that_exists_is_reported_at_its_line():
    replay = replayed(SETUP, "CREATE TABLE app.thing (\n    x int NULL\n);\n")
    assert findings(replay) == [(1, "E805", "CREATE table app.thing: it already exists at this point")]


def test_create_or_alter_replaces_a_view_and_create_does_not():
    view = "CREATE OR ALTER VIEW app.v_thing\nAS\nSELECT t.thing_id FROM app.thing AS t;\n"
    wider = "CREATE OR ALTER VIEW app.v_thing\nAS\nSELECT t.thing_id, t.code FROM app.thing AS t;\n"
    replay = replayed(SETUP, view, wider)
    assert findings(replay) == []
    assert replay.state.views["app.v_thing"].columns == ["thing_id", "code"]
    again = replayed(SETUP, view, view.replace("CREATE OR ALTER", "CREATE"))
    assert [code for _, code, _ in findings(again)] == ["E805"]


def test_alter_table_adds_columns_and_constraints_and_drops_them_again():
    replay = replayed(
        SETUP,
        """
        ALTER TABLE app.thing ADD
            label nvarchar(40) NULL,
            rank int NOT NULL CONSTRAINT DF_app_thing_rank DEFAULT (0);
        GO
        ALTER TABLE app.thing WITH CHECK ADD
            CONSTRAINT CK_app_thing_rank CHECK (rank >= 0);
        GO
        """,
        """
        ALTER TABLE app.thing DROP CONSTRAINT CK_app_thing_rank;
        ALTER TABLE app.thing DROP CONSTRAINT DF_app_thing_rank;
        ALTER TABLE app.thing DROP COLUMN rank;
        """,
    )
    assert findings(replay) == []
    table = replay.state.tables["app.thing"]
    assert list(table.columns) == ["thing_id", "code", "label"]
    assert {c.name for c in table.constraints if c.name} == {"PK_app_thing", "CK_app_thing_code"}


def test_a_column_cannot_be_dropped_while_an_index_uses_it():
    replay = replayed(SETUP, "ALTER TABLE app.thing DROP COLUMN code;\n")
    [(line, code, message)] = findings(replay)
    assert code == "E805" and "IX_app_thing_code" in message and "CK_app_thing_code" in message


def test_adding_a_column_that_exists_or_altering_a_missing_table_is_reported():
    replay = replayed(SETUP, "ALTER TABLE app.thing ADD\n    code varchar(8) NULL;\nGO\nALTER TABLE app.nothing ADD\n    x int NULL;\n")
    assert [(line, code) for line, code, _ in findings(replay)] == [(2, "E805"), (4, "E805")]


def test_alter_column_changes_type_and_nullability():
    replay = replayed(SETUP, "ALTER TABLE app.thing ALTER COLUMN code varchar(16) NULL;\n")
    column = replay.state.tables["app.thing"].column("code")
    assert (column.type, column.nullable) == ("varchar(16)", True)


def test_drop_index_and_drop_view_remove_them():
    replay = replayed(
        SETUP,
        "CREATE OR ALTER VIEW app.v_thing\nAS\nSELECT t.thing_id FROM app.thing AS t;\n",
        "DROP INDEX IX_app_thing_code ON app.thing;\nDROP VIEW app.v_thing;\n",
    )
    assert findings(replay) == []
    assert replay.state.tables["app.thing"].indexes == []
    assert "app.v_thing" not in replay.state.views


def test_an_index_on_a_missing_column_is_reported():
    replay = replayed(SETUP, "CREATE NONCLUSTERED INDEX IX_app_thing_label ON app.thing (label);\n")
    assert [message for _, _, message in findings(replay)] == [
        "CREATE INDEX IX_app_thing_label: app.thing has no column label at this point"
    ]


def test_extended_properties_are_the_only_source_of_descriptions():
    replay = replayed(
        SETUP,
        """
        EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Things we track', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'thing';
        EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'The thing''s code', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'thing', @level2type = N'COLUMN', @level2name = N'code';
        EXEC sys.sp_addextendedproperty @name = N'wsdb_alias', @value = N'IX_seed_name', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'thing', @level2type = N'INDEX', @level2name = N'IX_app_thing_code';
        EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'x', @level0type = N'SCHEMA', @level0name = N'app', @level1type = N'TABLE', @level1name = N'thing', @level2type = N'COLUMN', @level2name = N'missing';
        """,
    )
    table = replay.state.tables["app.thing"]
    assert table.description == "Things we track"
    assert table.column("code").description == "The thing's code"
    assert table.indexes[0].aliases == ["IX_seed_name"]
    assert [(line, code) for line, code, _ in findings(replay)] == [(4, "E805")]


def test_guard_batches_are_skipped_and_data_batches_replace_earlier_loads():
    data_v1 = "-- wsdb:step 1 data app.thing\nINSERT INTO app.thing (thing_id, code) VALUES (1, 'a');\n"
    data_v2 = "-- wsdb:step 1 data app.thing\nINSERT INTO app.thing (thing_id, code) VALUES (2, 'b');\n"
    guard = "-- wsdb:guard prologue\nTHROW 50000, N'not a schema change', 1;\nGO\n"
    replay = replayed(SETUP, guard + data_v1, data_v2)
    assert findings(replay) == []
    [script] = replay.state.scripts
    assert script.target == "app.thing" and "(2, 'b')" in script.body[0].text


def test_a_view_is_resolved_against_the_schema_as_it_stands_after_its_script():
    replay = replayed(SETUP, "CREATE OR ALTER VIEW app.v_thing\nAS\nSELECT t.label FROM app.thing AS t;\n")
    assert [code for _, code, _ in findings(replay)] == ["E201"]


def test_step_markers_are_found_after_the_header_comment_only_at_the_start_of_a_batch():
    assert step_marker("/*\nheader\n*/\n-- wsdb:guard prologue\nSET NOCOUNT ON;") == ("guard", ["prologue"])
    assert step_marker("\n-- wsdb:step 3 data core.module\nINSERT ...") == ("step", ["3", "data", "core.module"])
    assert step_marker("SELECT 1;\n-- wsdb:guard late\n") is None


def test_a_backfill_in_a_migration_changes_rows_not_the_schema():
    replay = replayed(SETUP, """
        UPDATE app.thing SET code = 'none' WHERE code = '';
        UPDATE TOP (100) app.thing SET code = UPPER(code), thing_id = thing_id;
        INSERT INTO app.thing (thing_id, code) VALUES (1, 'a');
        DELETE FROM app.thing WHERE thing_id = 1;
        ALTER TABLE app.thing ALTER COLUMN code varchar(8) NOT NULL;
    """)
    assert findings(replay) == []
    assert list(replay.state.tables["app.thing"].columns) == ["thing_id", "code"]


def test_a_backfill_of_a_table_or_column_that_is_not_there_yet_is_reported_at_its_line():
    replay = replayed(SETUP, """
        UPDATE app.thing SET label = code;
        INSERT INTO app.nothing (x) VALUES (1);
    """)
    assert [(line, code) for line, code, _ in findings(replay)] == [(1, "E805"), (2, "E805")]
    assert "SET label: no such column" in findings(replay)[0][2]
    assert "app.nothing: no such table" in findings(replay)[1][2]
