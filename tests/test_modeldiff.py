"""Model comparison: every kind of difference between two catalogs is reported once, with its line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import sqlglot

from harness.findings import FindingSink
from harness.model import Catalog, Location, Routine, Schema, Statement
from harness.modeldiff import Difference, diff_catalogs, tree_signature
from harness.reader import read_catalog
from harness.resolve import resolve_catalog

from .conftest import ORG_TABLE, REPO

THING = """
-- Things to track.
CREATE TABLE app.thing (
    thing_id int IDENTITY (1, 1) NOT NULL, -- Primary key
    org_id int NOT NULL, -- Org
    kind varchar(16) NOT NULL, -- Kind: 'a', 'b', 'c'
    name nvarchar(50) NOT NULL, -- Name
    score decimal(3, 2) NULL, -- Score (0-1)
    hours decimal(9, 2) NOT NULL CONSTRAINT DF_app_thing_hours DEFAULT (0), -- Hours
    rate decimal(9, 2) NOT NULL CONSTRAINT DF_app_thing_rate DEFAULT (0), -- Rate
    amount AS CAST(hours * rate AS decimal(18, 2)) PERSISTED NOT NULL, -- Amount
    is_active bit NOT NULL CONSTRAINT DF_app_thing_is_active DEFAULT (1), -- Active flag
    created_at datetime2 NOT NULL CONSTRAINT DF_app_thing_created_at DEFAULT (SYSUTCDATETIME()), -- Created
    CONSTRAINT PK_app_thing PRIMARY KEY CLUSTERED (thing_id),
    CONSTRAINT UQ_app_thing_org_id_thing_id UNIQUE NONCLUSTERED (org_id, thing_id),
    CONSTRAINT FK_app_thing_org_id_core_org FOREIGN KEY (org_id) REFERENCES core.org (org_id),
    CONSTRAINT CK_app_thing_kind CHECK (kind IN ('a', 'b', 'c')),
    CONSTRAINT CK_app_thing_score CHECK (score BETWEEN 0 AND 1)
);

CREATE NONCLUSTERED INDEX IX_app_thing_org_id ON app.thing (org_id, created_at DESC) INCLUDE (name, kind); -- By org

-- wsdb:alias UX_thing_name the seed's name for the same keys
CREATE UNIQUE NONCLUSTERED INDEX UX_app_thing_org_id_name ON app.thing (org_id, name) WHERE is_active = 1; -- One name
"""

VIEW = """
-- Active things with their org.
CREATE OR ALTER VIEW app.v_thing
AS
SELECT
    t.thing_id,
    t.org_id,
    o.name AS org_name,
    t.name
FROM app.thing AS t
INNER JOIN core.org AS o ON t.org_id = o.org_id
WHERE t.is_active = 1;
"""

PROCEDURE = """
-- Marks a thing as touched.
CREATE OR ALTER PROCEDURE app.sp_touch_thing
    @org_id int,
    @thing_id int,
    @note nvarchar(200) = NULL,
    @touched int = NULL OUTPUT
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    BEGIN TRY
        IF NOT EXISTS (SELECT 1 FROM app.thing AS t WHERE t.org_id = @org_id AND t.thing_id = @thing_id)
            THROW 50001, N'sp_touch_thing: @thing_id does not name a thing of the org.', 1;

        UPDATE app.thing
        SET is_active = 1
        WHERE org_id = @org_id AND thing_id = @thing_id;

        SET @touched = @@ROWCOUNT;
    END TRY
    BEGIN CATCH
        THROW;
    END CATCH;
END;
"""

FUNCTION = """
-- Things of an org.
CREATE OR ALTER FUNCTION app.fn_things(
    @org_id int
)
RETURNS TABLE
AS
RETURN (
    SELECT t.thing_id, t.name
    FROM app.thing AS t
    WHERE t.org_id = @org_id
);
"""

DATA = """
-- Reference organisations.
INSERT INTO core.org (org_id, name)
SELECT 1, N'Default'
WHERE NOT EXISTS (SELECT 1 FROM core.org AS o WHERE o.org_id = 1);
"""

BASE = {
    "sql/security/core.sql": "-- Core.\nCREATE SCHEMA core AUTHORIZATION dbo;\n",
    "sql/security/app.sql": "-- App.\nCREATE SCHEMA app AUTHORIZATION dbo;\n",
    "sql/tables/core.org.sql": ORG_TABLE,
    "sql/tables/app.thing.sql": THING,
    "sql/views/app.v_thing.sql": VIEW,
    "sql/procedures/app.sp_touch_thing.sql": PROCEDURE,
    "sql/functions/app.fn_things.sql": FUNCTION,
    "sql/data/core.org.sql": DATA,
}

THING_PATH = "sql/tables/app.thing.sql"
VIEW_PATH = "sql/views/app.v_thing.sql"
PROC_PATH = "sql/procedures/app.sp_touch_thing.sql"
FUNC_PATH = "sql/functions/app.fn_things.sql"
DATA_PATH = "sql/data/core.org.sql"


# -- helpers ------------------------------------------------------------------------------------


def read_tree(root: Path, files: dict[str, str], resolve: bool = False) -> Catalog:
    """Write ``files`` below ``root`` and read them; the reader must find nothing wrong."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    sink = FindingSink()
    catalog = read_catalog(root, sink)
    assert sink.sorted() == []
    if resolve:
        resolve_catalog(catalog, FindingSink())
    return catalog


def changed(rel: str, old: str, new: str, files: dict[str, str] | None = None) -> dict[str, str]:
    """A copy of ``files`` (default BASE) with ``old`` replaced by ``new`` once in ``rel``."""
    files = dict(BASE if files is None else files)
    assert old in files[rel], f"{old!r} not in {rel}"
    files[rel] = files[rel].replace(old, new, 1)
    return files


def without(rel: str, files: dict[str, str] | None = None) -> dict[str, str]:
    """A copy of ``files`` (default BASE) without ``rel``."""
    files = dict(BASE if files is None else files)
    del files[rel]
    return files


def compare(tmp_path: Path, expected: dict[str, str], actual: dict[str, str], resolve: bool = False, **labels: str) -> list[Difference]:
    """Differences between two trees written under tmp_path."""
    return diff_catalogs(read_tree(tmp_path / "expected", expected, resolve), read_tree(tmp_path / "actual", actual, resolve), **labels)


def messages(diffs: list[Difference]) -> list[str]:
    return [d.message for d in diffs]


def line_of(rel: str, text: str, files: dict[str, str] | None = None) -> int:
    """1-based line of the first line of ``rel`` (as written) that contains ``text``."""
    lines = textwrap.dedent((BASE if files is None else files)[rel]).lstrip("\n").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if text in line)


# -- identical models ---------------------------------------------------------------------------


def test_the_real_tree_read_twice_has_no_differences(real_tree):
    sink = FindingSink()
    original = read_catalog(REPO, sink)
    copy = read_catalog(real_tree.root, sink)
    resolve_catalog(original, FindingSink())
    resolve_catalog(copy, FindingSink())
    assert original.tables and original.views and original.routines and original.scripts
    assert diff_catalogs(original, copy) == []


def test_a_narrowed_column_type_in_the_real_tree_is_the_only_difference(real_tree):
    real_tree.edit("sql/tables/app.signal.sql", "contact_phone varchar(32) NULL", "contact_phone varchar(30) NULL")
    diffs = diff_catalogs(read_catalog(REPO, FindingSink()), read_catalog(real_tree.root, FindingSink()))
    assert diffs == [
        Difference(
            "sql/tables/app.signal.sql",
            18,
            "app.signal.contact_phone",
            "app.signal.contact_phone: varchar(32) in sql/, varchar(30) after migrations",
        )
    ]


def test_identical_small_trees_have_no_differences(tmp_path):
    assert compare(tmp_path, BASE, BASE, resolve=True) == []


# -- columns ------------------------------------------------------------------------------------


def test_a_narrowed_column_type_is_reported_with_both_types(tmp_path):
    diffs = compare(tmp_path, BASE, changed(THING_PATH, "kind varchar(16)", "kind varchar(12)"))
    assert diffs == [
        Difference(THING_PATH, line_of(THING_PATH, "kind varchar(16)"), "app.thing.kind", "app.thing.kind: varchar(16) in sql/, varchar(12) after migrations")
    ]


def test_type_spellings_that_mean_the_same_type_are_not_differences(tmp_path):
    actual = changed(THING_PATH, "thing_id int IDENTITY", "thing_id INT IDENTITY")
    actual = changed(THING_PATH, "score decimal(3, 2)", "score DECIMAL(3,2)", actual)
    actual = changed(THING_PATH, "created_at datetime2 NOT NULL", "created_at datetime2(7) NOT NULL", actual)
    assert compare(tmp_path, BASE, actual) == []
    assert "datetime2(7)" in actual[THING_PATH] and "DECIMAL(3,2)" in actual[THING_PATH]


def test_a_different_precision_is_a_type_difference(tmp_path):
    diffs = compare(tmp_path, BASE, changed(THING_PATH, "created_at datetime2 NOT NULL", "created_at datetime2(3) NOT NULL"))
    assert messages(diffs) == ["app.thing.created_at: datetime2 in sql/, datetime2(3) after migrations"]


def test_column_order_is_not_compared(tmp_path):
    moved = changed(THING_PATH, "    kind varchar(16) NOT NULL, -- Kind: 'a', 'b', 'c'\n", "")
    moved = changed(
        THING_PATH,
        "    created_at datetime2",
        "    kind varchar(16) NOT NULL, -- Kind: 'a', 'b', 'c'\n    created_at datetime2",
        moved,
    )
    expected_catalog = read_tree(tmp_path / "e", BASE)
    actual_catalog = read_tree(tmp_path / "a", moved)
    assert list(expected_catalog.tables["app.thing"].columns) != list(actual_catalog.tables["app.thing"].columns)
    assert diff_catalogs(expected_catalog, actual_catalog) == []


def test_names_that_differ_only_in_letter_case_are_equal(tmp_path):
    actual = {rel: text for rel, text in BASE.items()}
    actual[THING_PATH] = (
        THING.replace("CREATE TABLE app.thing", "CREATE TABLE App.Thing")
        .replace("    kind varchar", "    KIND varchar")
        .replace("CONSTRAINT PK_app_thing PRIMARY", "CONSTRAINT pk_APP_thing PRIMARY")
        .replace("INDEX IX_app_thing_org_id ON app.thing (org_id, created_at DESC)", "INDEX ix_app_thing_org_id ON APP.THING (ORG_ID, created_at DESC)")
        .replace("REFERENCES core.org (org_id)", "REFERENCES Core.Org (Org_Id)")
    )
    actual["sql/security/app.sql"] = "-- App.\nCREATE SCHEMA APP AUTHORIZATION dbo;\n"
    assert actual[THING_PATH] != THING
    assert compare(tmp_path, BASE, actual) == []


def test_a_missing_column_is_reported_at_its_line_in_sql(tmp_path):
    diffs = compare(tmp_path, BASE, changed(THING_PATH, "    score decimal(3, 2) NULL, -- Score (0-1)\n", ""))
    missing = [d for d in diffs if d.subject == "app.thing.score"]
    assert missing == [
        Difference(THING_PATH, line_of(THING_PATH, "score decimal"), "app.thing.score", "app.thing.score: column exists in sql/, missing after migrations")
    ]


def test_an_extra_column_is_reported_at_its_line_on_the_actual_side(tmp_path):
    actual = changed(THING_PATH, "-- Score (0-1)\n", "-- Score (0-1)\n    extra_note nvarchar(10) NULL, -- Note\n")
    diffs = compare(tmp_path, BASE, actual)
    assert diffs == [
        Difference(
            THING_PATH,
            line_of(THING_PATH, "extra_note", actual),
            "app.thing.extra_note",
            "app.thing.extra_note: column missing in sql/, exists after migrations",
        )
    ]


def test_a_nullability_change_is_reported_both_ways(tmp_path):
    diffs = compare(tmp_path, BASE, changed(THING_PATH, "name nvarchar(50) NOT NULL", "name nvarchar(50) NULL"))
    assert messages(diffs) == ["app.thing.name: NOT NULL in sql/, NULL after migrations"]


def test_a_lost_identity_is_reported(tmp_path):
    diffs = compare(tmp_path, BASE, changed(THING_PATH, "thing_id int IDENTITY (1, 1) NOT NULL", "thing_id int NOT NULL"))
    assert messages(diffs) == ["app.thing.thing_id: IDENTITY in sql/, no IDENTITY after migrations"]


def test_a_changed_computed_expression_is_reported(tmp_path):
    diffs = compare(tmp_path, BASE, changed(THING_PATH, "CAST(hours * rate AS", "CAST(hours + rate AS"))
    assert messages(diffs) == [
        "app.thing.amount: computed as CAST(hours * rate AS NUMERIC(18, 2)) in sql/, as CAST(hours + rate AS NUMERIC(18, 2)) after migrations"
    ]


def test_a_computed_column_that_is_not_persisted_is_reported(tmp_path):
    diffs = compare(tmp_path, BASE, changed(THING_PATH, "AS decimal(18, 2)) PERSISTED NOT NULL", "AS decimal(18, 2))"))
    assert "app.thing.amount: PERSISTED in sql/, not PERSISTED after migrations" in messages(diffs)


def test_a_changed_default_expression_is_reported(tmp_path):
    diffs = compare(tmp_path, BASE, changed(THING_PATH, "DF_app_thing_is_active DEFAULT (1)", "DF_app_thing_is_active DEFAULT (0)"))
    assert messages(diffs) == ["app.thing.is_active: DEFAULT (1) in sql/, DEFAULT (0) after migrations"]


def test_a_default_written_with_other_parentheses_or_case_is_the_same_default(tmp_path):
    actual = changed(THING_PATH, "DF_app_thing_is_active DEFAULT (1)", "DF_app_thing_is_active DEFAULT ((1))")
    actual = changed(THING_PATH, "DEFAULT (SYSUTCDATETIME())", "DEFAULT sysutcdatetime()", actual)
    assert compare(tmp_path, BASE, actual) == []


def test_a_renamed_default_constraint_is_reported(tmp_path):
    diffs = compare(tmp_path, BASE, changed(THING_PATH, "CONSTRAINT DF_app_thing_rate DEFAULT", "CONSTRAINT DF_thing_rate DEFAULT"))
    assert messages(diffs) == ["app.thing.rate: default constraint DF_app_thing_rate in sql/, DF_thing_rate after migrations"]


def test_a_dropped_default_is_reported(tmp_path):
    diffs = compare(tmp_path, BASE, changed(THING_PATH, " CONSTRAINT DF_app_thing_rate DEFAULT (0)", ""))
    assert messages(diffs) == ["app.thing.rate: DEFAULT (0) in sql/, no DEFAULT after migrations"]


# -- tables and schemas ---------------------------------------------------------------------------


def test_a_missing_table_is_reported_once_without_its_columns(tmp_path):
    diffs = compare(tmp_path, BASE, without(THING_PATH))
    assert [d for d in diffs if d.path == THING_PATH] == [
        Difference(THING_PATH, 2, "app.thing", "app.thing: table exists in sql/, missing after migrations")
    ]


def test_an_extra_table_is_reported_at_the_actual_side(tmp_path):
    extra = dict(BASE)
    extra["sql/tables/app.extra.sql"] = "-- Extra.\nCREATE TABLE app.extra (\n    extra_id int NOT NULL -- Key\n);\n"
    diffs = compare(tmp_path, BASE, extra)
    assert diffs == [Difference("sql/tables/app.extra.sql", 2, "app.extra", "app.extra: table missing in sql/, exists after migrations")]


def test_a_missing_schema_is_reported(tmp_path):
    expected = dict(BASE)
    expected["sql/security/ops.sql"] = "-- Operations.\nCREATE SCHEMA ops AUTHORIZATION dbo;\n"
    diffs = compare(tmp_path, expected, BASE)
    assert diffs == [Difference("sql/security/ops.sql", 2, "schema ops", "schema ops: exists in sql/, missing after migrations")]


# -- constraints ------------------------------------------------------------------------------------


def test_a_missing_named_constraint_is_reported_by_name(tmp_path):
    diffs = compare(tmp_path, BASE, changed(THING_PATH, ",\n    CONSTRAINT CK_app_thing_score CHECK (score BETWEEN 0 AND 1)", ""))
    assert diffs == [
        Difference(
            THING_PATH,
            line_of(THING_PATH, "CK_app_thing_score"),
            "app.thing constraint CK_app_thing_score",
            "app.thing constraint CK_app_thing_score: exists in sql/, missing after migrations",
        )
    ]


def test_a_reordered_in_list_in_a_check_is_a_changed_definition(tmp_path):
    diffs = compare(tmp_path, BASE, changed(THING_PATH, "kind IN ('a', 'b', 'c')", "kind IN ('c', 'b', 'a')"))
    assert messages(diffs) == [
        "app.thing constraint CK_app_thing_kind: CHECK kind IN ('a', 'b', 'c') in sql/, CHECK kind IN ('c', 'b', 'a') after migrations"
    ]


def test_a_check_written_with_other_spacing_case_and_parentheses_is_the_same_check(tmp_path):
    actual = changed(THING_PATH, "CHECK (kind IN ('a', 'b', 'c'))", "CHECK ((KIND in ('a','b',   'c')))")
    assert compare(tmp_path, BASE, actual) == []


def test_a_changed_string_literal_case_in_a_check_is_a_difference(tmp_path):
    diffs = compare(tmp_path, BASE, changed(THING_PATH, "kind IN ('a', 'b', 'c')", "kind IN ('A', 'b', 'c')"))
    assert [d.subject for d in diffs] == ["app.thing constraint CK_app_thing_kind"]


def test_a_constraint_of_another_kind_under_the_same_name_is_reported(tmp_path):
    diffs = compare(
        tmp_path,
        BASE,
        changed(THING_PATH, "CONSTRAINT UQ_app_thing_org_id_thing_id UNIQUE NONCLUSTERED (org_id, thing_id)", "CONSTRAINT UQ_app_thing_org_id_thing_id CHECK (org_id > 0)"),
    )
    assert messages(diffs) == ["app.thing constraint UQ_app_thing_org_id_thing_id: UNIQUE in sql/, CHECK after migrations"]


def test_reordered_unique_key_columns_are_reported(tmp_path):
    diffs = compare(tmp_path, BASE, changed(THING_PATH, "UNIQUE NONCLUSTERED (org_id, thing_id)", "UNIQUE NONCLUSTERED (thing_id, org_id)"))
    assert messages(diffs) == ["app.thing constraint UQ_app_thing_org_id_thing_id: columns (org_id, thing_id) in sql/, (thing_id, org_id) after migrations"]


def test_a_foreign_key_to_another_table_is_reported(tmp_path):
    diffs = compare(tmp_path, BASE, changed(THING_PATH, "REFERENCES core.org (org_id)", "REFERENCES core.client (org_id)"))
    assert messages(diffs) == ["app.thing constraint FK_app_thing_org_id_core_org: references core.org (org_id) in sql/, core.client (org_id) after migrations"]


def test_a_foreign_key_without_columns_means_the_primary_key_of_its_target(tmp_path):
    assert compare(tmp_path, BASE, changed(THING_PATH, "REFERENCES core.org (org_id)", "REFERENCES core.org")) == []


def test_a_primary_key_is_clustered_unless_said_otherwise(tmp_path):
    same = changed(THING_PATH, "PRIMARY KEY CLUSTERED (thing_id)", "PRIMARY KEY (thing_id)")
    assert compare(tmp_path / "same", BASE, same) == []
    diffs = compare(tmp_path / "other", BASE, changed(THING_PATH, "PRIMARY KEY CLUSTERED (thing_id)", "PRIMARY KEY NONCLUSTERED (thing_id)"))
    assert messages(diffs) == ["app.thing constraint PK_app_thing: CLUSTERED in sql/, NONCLUSTERED after migrations"]


def test_a_unique_constraint_is_nonclustered_unless_said_otherwise(tmp_path):
    same = changed(THING_PATH, "UNIQUE NONCLUSTERED (org_id, thing_id)", "UNIQUE (org_id, thing_id)")
    assert compare(tmp_path / "same", BASE, same) == []
    diffs = compare(tmp_path / "other", BASE, changed(THING_PATH, "UNIQUE NONCLUSTERED (org_id, thing_id)", "UNIQUE CLUSTERED (org_id, thing_id)"))
    assert messages(diffs) == ["app.thing constraint UQ_app_thing_org_id_thing_id: NONCLUSTERED in sql/, CLUSTERED after migrations"]


UNNAMED = """
-- Pairs.
CREATE TABLE app.pair (
    pair_id int NOT NULL PRIMARY KEY, -- Key
    org_id int NOT NULL REFERENCES core.org (org_id), -- Org
    low int NOT NULL CHECK (low >= 0), -- Low
    high int NOT NULL CHECK (high >= 0), -- High
    CHECK (low <= high)
);
"""


def test_unnamed_constraints_match_as_a_multiset_of_their_shape(tmp_path):
    expected = dict(BASE, **{"sql/tables/app.pair.sql": UNNAMED})
    assert compare(tmp_path / "same", expected, expected) == []
    actual = changed("sql/tables/app.pair.sql", "high int NOT NULL CHECK (high >= 0)", "high int NOT NULL CHECK (high > 0)", expected)
    diffs = compare(tmp_path / "other", expected, actual)
    assert diffs == [
        Difference("sql/tables/app.pair.sql", 6, "app.pair unnamed CHECK high > 0", "app.pair unnamed CHECK high > 0: missing in sql/, exists after migrations"),
        Difference("sql/tables/app.pair.sql", 6, "app.pair unnamed CHECK high >= 0", "app.pair unnamed CHECK high >= 0: exists in sql/, missing after migrations"),
    ]


def test_a_duplicated_unnamed_constraint_is_reported_once_per_extra_copy(tmp_path):
    expected = dict(BASE, **{"sql/tables/app.pair.sql": UNNAMED})
    actual = changed("sql/tables/app.pair.sql", "    CHECK (low <= high)\n", "    CHECK (low <= high),\n    CHECK (low <= high)\n", expected)
    diffs = compare(tmp_path, expected, actual)
    assert messages(diffs) == ["app.pair unnamed CHECK low <= high: missing in sql/, exists after migrations"]


def test_an_unnamed_foreign_key_to_another_table_is_reported(tmp_path):
    expected = dict(BASE, **{"sql/tables/app.pair.sql": UNNAMED})
    actual = changed("sql/tables/app.pair.sql", "REFERENCES core.org (org_id)", "REFERENCES app.thing (org_id)", expected)
    assert messages(compare(tmp_path, expected, actual)) == [
        "app.pair unnamed FOREIGN KEY (org_id) REFERENCES app.thing (org_id): missing in sql/, exists after migrations",
        "app.pair unnamed FOREIGN KEY (org_id) REFERENCES core.org (org_id): exists in sql/, missing after migrations",
    ]


# -- indexes ----------------------------------------------------------------------------------------


def test_a_missing_index_is_reported_by_name(tmp_path):
    diffs = compare(tmp_path, BASE, changed(THING_PATH, "CREATE NONCLUSTERED INDEX IX_app_thing_org_id ON app.thing (org_id, created_at DESC) INCLUDE (name, kind); -- By org\n", ""))
    assert diffs == [
        Difference(
            THING_PATH,
            line_of(THING_PATH, "IX_app_thing_org_id"),
            "app.thing index IX_app_thing_org_id",
            "app.thing index IX_app_thing_org_id: exists in sql/, missing after migrations",
        )
    ]


def test_index_uniqueness_and_clustering_are_compared(tmp_path):
    diffs = compare(tmp_path, BASE, changed(THING_PATH, "CREATE UNIQUE NONCLUSTERED INDEX UX_app_thing_org_id_name", "CREATE NONCLUSTERED INDEX UX_app_thing_org_id_name"))
    assert messages(diffs) == ["app.thing index UX_app_thing_org_id_name: UNIQUE in sql/, not UNIQUE after migrations"]


def test_index_key_order_and_direction_matter(tmp_path):
    direction = compare(tmp_path / "direction", BASE, changed(THING_PATH, "(org_id, created_at DESC)", "(org_id, created_at)"))
    assert messages(direction) == ["app.thing index IX_app_thing_org_id: keys (org_id, created_at DESC) in sql/, (org_id, created_at) after migrations"]
    order = compare(tmp_path / "order", BASE, changed(THING_PATH, "(org_id, created_at DESC)", "(created_at DESC, org_id)"))
    assert messages(order) == ["app.thing index IX_app_thing_org_id: keys (org_id, created_at DESC) in sql/, (created_at DESC, org_id) after migrations"]


def test_included_columns_compare_as_a_set(tmp_path):
    assert compare(tmp_path / "same", BASE, changed(THING_PATH, "INCLUDE (name, kind)", "INCLUDE (kind, name)")) == []
    diffs = compare(tmp_path / "other", BASE, changed(THING_PATH, "INCLUDE (name, kind)", "INCLUDE (name)"))
    assert messages(diffs) == ["app.thing index IX_app_thing_org_id: INCLUDE (name, kind) in sql/, INCLUDE (name) after migrations"]


def test_an_index_filter_is_compared_as_sql_not_as_text(tmp_path):
    assert compare(tmp_path / "same", BASE, changed(THING_PATH, "WHERE is_active = 1;", "WHERE (IS_ACTIVE=1);")) == []
    diffs = compare(tmp_path / "other", BASE, changed(THING_PATH, "WHERE is_active = 1;", ";"))
    assert messages(diffs) == ["app.thing index UX_app_thing_org_id_name: WHERE is_active = 1 in sql/, no filter after migrations"]


def test_index_aliases_are_compared(tmp_path):
    diffs = compare(tmp_path, BASE, changed(THING_PATH, "-- wsdb:alias UX_thing_name the seed's name for the same keys\n", ""))
    assert messages(diffs) == ["app.thing index UX_app_thing_org_id_name: aliases (UX_thing_name) in sql/, () after migrations"]


# -- descriptions ---------------------------------------------------------------------------------


def test_a_changed_column_description_shows_both_texts(tmp_path):
    diffs = compare(tmp_path, BASE, changed(THING_PATH, "-- Score (0-1)", "-- Score"))
    assert messages(diffs) == ['app.thing.score: description differs: "Score (0-1)" in sql/, "Score" after migrations']


def test_a_lost_description_is_reported_as_missing_after_migrations(tmp_path):
    diffs = compare(tmp_path, BASE, changed(THING_PATH, "    rate decimal(9, 2) NOT NULL CONSTRAINT DF_app_thing_rate DEFAULT (0), -- Rate", "    rate decimal(9, 2) NOT NULL CONSTRAINT DF_app_thing_rate DEFAULT (0),"))
    assert messages(diffs) == ['app.thing.rate: has description "Rate" in sql/, has no description after migrations']


def test_descriptions_of_tables_indexes_views_routines_and_schemas_are_compared(tmp_path):
    actual = changed(THING_PATH, "-- Things to track.", "-- Things.")
    actual = changed(THING_PATH, "-- By org", "-- Org lookup", actual)
    actual = changed(VIEW_PATH, "-- Active things with their org.", "-- Active things.", actual)
    actual = changed(PROC_PATH, "-- Marks a thing as touched.", "-- Touches a thing.", actual)
    actual = changed(FUNC_PATH, "-- Things of an org.", "-- Org things.", actual)
    actual = changed("sql/security/app.sql", "-- App.", "-- Application.", actual)
    subjects = sorted(d.subject for d in compare(tmp_path, BASE, actual))
    assert subjects == sorted(
        ["app.thing", "app.thing index IX_app_thing_org_id", "app.v_thing", "app.sp_touch_thing", "app.fn_things", "schema app"]
    )


def test_a_description_with_line_breaks_still_gives_a_one_line_message():
    location = Location("sql/security/app.sql", 2)
    expected = Catalog(schemas={"app": Schema("app", location, "App.")})
    actual = Catalog(schemas={"app": Schema("app", location, "Application\nschema.")})
    assert messages(diff_catalogs(expected, actual)) == ['schema app: description differs: "App." in sql/, "Application schema." after migrations']


def test_long_descriptions_are_shortened_around_their_first_difference(tmp_path):
    long_text = "Score of the thing as computed by the nightly job from the weighted components, between 0 and 1"
    expected = changed(THING_PATH, "-- Score (0-1)", f"-- {long_text}")
    actual = changed(THING_PATH, "-- Score (0-1)", f"-- {long_text.replace('between 0 and 1', 'between 0 and 100')}")
    [diff] = compare(tmp_path, expected, actual)
    assert len(diff.message) < 200
    assert "between 0 and 1\"" in diff.message and "between 0 and 100" in diff.message


def test_expressions_that_differ_only_in_nesting_have_different_signatures():
    flat = sqlglot.parse_one("SELECT f_outer(f_inner(x), y)", read="tsql")
    nested = sqlglot.parse_one("SELECT f_outer(f_inner(x, y))", read="tsql")
    assert tree_signature(flat) != tree_signature(nested)
    assert tree_signature(flat) == tree_signature(sqlglot.parse_one("select F_OUTER((F_INNER(X)), (Y))", read="tsql"))


# -- views ----------------------------------------------------------------------------------------


def test_a_changed_view_definition_names_the_line_of_the_first_difference(tmp_path):
    diffs = compare(tmp_path, BASE, changed(VIEW_PATH, "WHERE t.is_active = 1;", "WHERE t.is_active = 0;"))
    line = line_of(VIEW_PATH, "WHERE t.is_active")
    assert diffs == [
        Difference(VIEW_PATH, line, "app.v_thing", f"app.v_thing: definition differs in sql/ and after migrations (first difference near line {line})")
    ]


def test_a_column_added_to_a_view_is_found_at_its_line(tmp_path):
    actual = changed(VIEW_PATH, "    o.name AS org_name,\n", "    o.name AS org_name,\n    t.kind,\n")
    diffs = compare(tmp_path, BASE, actual)
    assert [d.line for d in diffs] == [line_of(VIEW_PATH, "    t.name")]


def test_whitespace_comment_and_case_changes_in_a_view_are_not_differences(tmp_path):
    actual = changed(
        VIEW_PATH,
        "SELECT\n    t.thing_id,\n    t.org_id,",
        "select /* the keys */ T.Thing_Id,\n\n        t.org_id, -- tenant\n",
    )
    actual = changed(VIEW_PATH, "WHERE t.is_active = 1;", "WHERE (t.is_active = 1);", actual)
    assert compare(tmp_path, BASE, actual) == []


def test_view_output_columns_are_compared_when_resolved(tmp_path):
    diffs = compare(tmp_path, BASE, changed(VIEW_PATH, "o.name AS org_name", "o.name AS org_label"), resolve=True)
    assert "app.v_thing: columns (thing_id, org_id, org_name, name) in sql/, (thing_id, org_id, org_label, name) after migrations" in messages(diffs)


def test_a_missing_view_is_reported(tmp_path):
    assert messages(compare(tmp_path, BASE, without(VIEW_PATH))) == ["app.v_thing: view exists in sql/, missing after migrations"]


# -- routines -------------------------------------------------------------------------------------


def test_a_missing_procedure_is_reported_with_its_kind(tmp_path):
    assert messages(compare(tmp_path, BASE, without(PROC_PATH))) == ["app.sp_touch_thing: procedure exists in sql/, missing after migrations"]


def test_a_changed_parameter_type_is_reported_at_the_parameter(tmp_path):
    diffs = compare(tmp_path, BASE, changed(PROC_PATH, "@note nvarchar(200)", "@note nvarchar(100)"))
    assert diffs == [
        Difference(
            PROC_PATH,
            line_of(PROC_PATH, "@note"),
            "app.sp_touch_thing parameter @note",
            "app.sp_touch_thing parameter @note: nvarchar(200) in sql/, nvarchar(100) after migrations",
        )
    ]


def test_parameter_defaults_and_output_are_compared(tmp_path):
    actual = changed(PROC_PATH, "@note nvarchar(200) = NULL,", "@note nvarchar(200) = N'',")
    actual = changed(PROC_PATH, "@touched int = NULL OUTPUT", "@touched int = NULL", actual)
    assert messages(compare(tmp_path, BASE, actual)) == [
        "app.sp_touch_thing parameter @note: default NULL in sql/, default N'' after migrations",
        "app.sp_touch_thing parameter @touched: OUTPUT in sql/, not OUTPUT after migrations",
    ]


def test_a_missing_parameter_and_a_changed_parameter_order_are_reported(tmp_path):
    missing = compare(tmp_path / "missing", BASE, changed(PROC_PATH, "    @note nvarchar(200) = NULL,\n", ""))
    assert messages(missing) == ["app.sp_touch_thing parameter @note: exists in sql/, missing after migrations"]
    order = compare(tmp_path / "order", BASE, changed(PROC_PATH, "    @org_id int,\n    @thing_id int,", "    @thing_id int,\n    @org_id int,"))
    assert messages(order) == [
        "app.sp_touch_thing: parameters in order (@org_id, @thing_id, @note, @touched) in sql/, (@thing_id, @org_id, @note, @touched) after migrations"
    ]


def test_a_changed_procedure_body_names_the_first_differing_statement_on_both_sides(tmp_path):
    actual = changed(PROC_PATH, "    SET XACT_ABORT ON;\n", "    SET XACT_ABORT ON;\n\n\n")
    actual = changed(PROC_PATH, "SET is_active = 1", "SET is_active = 0", actual)
    expected_line = line_of(PROC_PATH, "UPDATE app.thing")
    actual_line = line_of(PROC_PATH, "UPDATE app.thing", actual)
    diffs = compare(tmp_path, BASE, actual)
    assert diffs == [
        Difference(
            PROC_PATH,
            expected_line,
            "app.sp_touch_thing",
            "app.sp_touch_thing: body differs in sql/ and after migrations "
            f"(first difference in statement 5: line {expected_line} in sql/, line {actual_line} after migrations)",
        )
    ]
    assert actual_line == expected_line + 2


def test_whitespace_comment_and_keyword_case_changes_in_a_procedure_are_not_differences(tmp_path):
    actual = changed(PROC_PATH, "        UPDATE app.thing\n        SET is_active = 1", "        -- reactivate\n        update App.Thing /* the row */ set   is_active = 1")
    actual = changed(PROC_PATH, "SET @touched = @@ROWCOUNT;", "set @touched=@@rowcount;", actual)
    assert compare(tmp_path, BASE, actual) == []


def test_nested_block_comments_in_a_procedure_are_not_differences(tmp_path):
    actual = changed(PROC_PATH, "SET @touched = @@ROWCOUNT;", "SET @touched /* rows /* nested */ touched */ = @@ROWCOUNT;")
    assert compare(tmp_path, BASE, actual) == []


def _catalog_with_procedure_body(*texts: str) -> Catalog:
    """A hand-built catalog holding one procedure whose statements have these texts."""
    location = Location("sql/procedures/app.sp_raw.sql", 1)
    routine = Routine("app", "sp_raw", "procedure", location, body=[Statement("SELECT", n, t) for n, t in enumerate(texts, start=2)])
    return Catalog(routines={routine.key: routine})


def test_statement_text_that_cannot_be_tokenized_is_compared_as_collapsed_text():
    assert diff_catalogs(_catalog_with_procedure_body("SELECT N'open"), _catalog_with_procedure_body("select   N'OPEN")) == []
    diffs = diff_catalogs(_catalog_with_procedure_body("SELECT N'open"), _catalog_with_procedure_body("SELECT N'opened"))
    assert messages(diffs) == ["app.sp_raw: body differs in sql/ and after migrations (first difference in statement 1: line 2 in sql/, line 2 after migrations)"]


def test_a_changed_message_text_in_a_procedure_is_a_difference(tmp_path):
    diffs = compare(tmp_path, BASE, changed(PROC_PATH, "does not name a thing of the org.", "Does not name a thing of the org."))
    assert [d.subject for d in diffs] == ["app.sp_touch_thing"]
    assert diffs[0].line == line_of(PROC_PATH, "THROW 50001")


def test_an_added_statement_at_the_end_of_a_body_is_reported(tmp_path):
    actual = changed(PROC_PATH, "        THROW;\n", "        THROW;\n        RETURN;\n")
    [diff] = compare(tmp_path, BASE, actual)
    assert diff.subject == "app.sp_touch_thing"
    assert "no such statement in sql/" in diff.message and f"line {line_of(PROC_PATH, 'RETURN;', actual)} after migrations" in diff.message


def test_a_changed_inline_function_query_is_reported_at_its_line(tmp_path):
    diffs = compare(tmp_path, BASE, changed(FUNC_PATH, "WHERE t.org_id = @org_id", "WHERE t.org_id = @org_id AND t.is_active = 1"))
    line = line_of(FUNC_PATH, "WHERE t.org_id")
    assert diffs == [
        Difference(FUNC_PATH, line, "app.fn_things", f"app.fn_things: definition differs in sql/ and after migrations (first difference near line {line})")
    ]


def test_inline_function_output_columns_are_compared_when_resolved(tmp_path):
    diffs = compare(tmp_path, BASE, changed(FUNC_PATH, "SELECT t.thing_id, t.name", "SELECT t.thing_id, t.name AS label"), resolve=True)
    assert "app.fn_things: columns (thing_id, name) in sql/, (thing_id, label) after migrations" in messages(diffs)


def test_a_changed_function_return_type_is_reported(tmp_path):
    scalar = """
    -- Doubles a number.
    CREATE OR ALTER FUNCTION app.fn_double(@n int)
    RETURNS int
    AS
    BEGIN
        RETURN @n * 2;
    END;
    """
    expected = dict(BASE, **{"sql/functions/app.fn_double.sql": scalar})
    actual = changed("sql/functions/app.fn_double.sql", "RETURNS int", "RETURNS bigint", expected)
    assert messages(compare(tmp_path, expected, actual)) == ["app.fn_double: RETURNS int in sql/, RETURNS bigint after migrations"]


# -- data scripts, labels, order --------------------------------------------------------------------


def test_a_changed_data_script_is_reported(tmp_path):
    diffs = compare(tmp_path, BASE, changed(DATA_PATH, "SELECT 1, N'Default'", "SELECT 1, N'Standard'"))
    assert [(d.path, d.subject) for d in diffs] == [(DATA_PATH, "data script core.org")]
    assert "first difference in statement 1" in diffs[0].message


def test_a_missing_data_script_is_reported(tmp_path):
    assert messages(compare(tmp_path, BASE, without(DATA_PATH))) == ["data script core.org: exists in sql/, missing after migrations"]


def test_labels_are_used_verbatim(tmp_path):
    diffs = compare(
        tmp_path,
        BASE,
        changed(THING_PATH, "kind varchar(16)", "kind varchar(12)"),
        expected_label="in sql/",
        actual_label="in the database",
    )
    assert messages(diffs) == ["app.thing.kind: varchar(16) in sql/, varchar(12) in the database"]


def test_differences_are_sorted_by_path_line_and_message(tmp_path):
    actual = changed(THING_PATH, "name nvarchar(50) NOT NULL", "name nvarchar(40) NULL")
    actual = changed(THING_PATH, "kind varchar(16)", "kind varchar(12)", actual)
    actual = changed(VIEW_PATH, "WHERE t.is_active = 1;", "WHERE t.is_active = 0;", actual)
    actual = changed("sql/security/app.sql", "-- App.", "-- Application.", actual)
    diffs = compare(tmp_path, BASE, actual)
    assert len(diffs) == 5
    assert diffs == sorted(diffs, key=lambda d: (d.path, d.line, d.message))
    assert [d.path for d in diffs] == ["sql/security/app.sql", THING_PATH, THING_PATH, THING_PATH, VIEW_PATH]
    assert messages(diffs)[2:4] == [
        "app.thing.name: NOT NULL in sql/, NULL after migrations",
        "app.thing.name: nvarchar(50) in sql/, nvarchar(40) after migrations",
    ]


@pytest.mark.parametrize("rel", sorted(BASE))
def test_removing_any_object_file_is_a_difference(tmp_path, rel):
    assert compare(tmp_path, BASE, without(rel)) != []
