"""The destructive-change lint: each finding on a script that should be flagged and on a close look-alike
that should not, type narrowing, the acknowledgement header, and the lint inside `wsdb build` / `wsdb check`."""

from __future__ import annotations

import textwrap

import pytest

from harness.build import build
from harness.destructive import header_acknowledgements, lint_script, narrowing
from harness.findings import FindingSink
from harness.reader import read_catalog
from harness.replay import Replay
from harness.resolve import resolve_catalog

from .conftest import REPO, Project

BEFORE = """
CREATE SCHEMA app AUTHORIZATION dbo;
GO
CREATE TABLE app.signal (
    signal_id bigint NOT NULL,
    legacy_code varchar(20) NULL,
    note nvarchar(200) NULL,
    amount decimal(9,2) NOT NULL,
    seen_at datetime2 NOT NULL,
    hits int NULL,
    CONSTRAINT PK_app_signal PRIMARY KEY CLUSTERED (signal_id)
);
GO
CREATE TABLE app.tag (
    tag_id int NOT NULL,
    label nvarchar(50) NOT NULL,
    CONSTRAINT PK_app_tag PRIMARY KEY CLUSTERED (tag_id)
);
CREATE NONCLUSTERED INDEX IX_app_tag_label ON app.tag (label);
GO
"""


def lint(script: str, large=("app.signal", "app.tag")) -> list[str]:
    """Codes and lines of what the lint reports on ``script``, run after BEFORE."""
    replay = Replay()
    replay.apply("migrations/before.sql", BEFORE)
    assert replay.sink.sorted() == []
    sink = FindingSink()
    lint_script("migrations/x.sql", textwrap.dedent(script).lstrip("\n"), replay.state, set(large), sink)
    return [f"{f.code}@{f.line}" for f in sink.sorted()]


# -- each finding, and the look-alike that is fine --------------------------------------------------

FLAGGED = {
    "dropping a table that exists": ("DROP TABLE app.tag;", "E810@1"),
    "dropping a column": ("ALTER TABLE app.signal\n    DROP COLUMN legacy_code;", "E811@2"),
    "a shorter string": ("ALTER TABLE app.signal ALTER COLUMN legacy_code varchar(10) NULL;", "E812@1"),
    "unicode to ascii": ("ALTER TABLE app.signal ALTER COLUMN note varchar(400) NULL;", "E812@1"),
    "fewer integer digits": ("ALTER TABLE app.signal ALTER COLUMN amount decimal(8,2) NOT NULL;", "E812@1"),
    "a smaller integer": ("ALTER TABLE app.signal ALTER COLUMN hits smallint NULL;", "E812@1"),
    "adding NOT NULL without a default": ("ALTER TABLE app.signal ADD\n    source_id int NOT NULL;", "E813@2"),
    "making a nullable column NOT NULL": ("ALTER TABLE app.signal ALTER COLUMN hits int NOT NULL;", "E813@1"),
    "NOT NULL on a new table that received rows": (
        "CREATE TABLE app.fresh (fresh_id int NOT NULL);\nINSERT INTO app.fresh (fresh_id) VALUES (1);\n"
        "ALTER TABLE app.fresh ADD\n    kind int NOT NULL;",
        "E813@4",
    ),
    "an index on a large table": ("CREATE NONCLUSTERED INDEX IX_app_signal_hits ON app.signal (hits);", "E814@1"),
    "a rebuild": ("ALTER INDEX IX_app_tag_label ON app.tag REBUILD;", "E814@1"),
    "a table rebuild": ("ALTER TABLE app.signal REBUILD;", "E814@1"),
    "drop existing on a new filtered index": (
        "CREATE TABLE app.fresh (fresh_id int NOT NULL, kind int NULL);\n"
        "CREATE INDEX IX_app_tag_label ON app.tag (label) WHERE label <> N'' WITH (DROP_EXISTING = ON);",
        "E814@2",
    ),
    "a column rename by drop and add": (
        "ALTER TABLE app.signal ADD code varchar(20) NULL;\nALTER TABLE app.signal DROP COLUMN legacy_code;",
        "E815@2",
    ),
    "a table rename by drop and create": (
        "CREATE TABLE app.label (tag_id int NOT NULL, label nvarchar(50) NOT NULL);\nGO\nDROP TABLE app.tag;",
        "E815@3",
    ),
}

FINE = {
    "dropping a table the script created": "CREATE TABLE app.scratch (x int NULL);\nDROP TABLE app.scratch;",
    "dropping a column the script added": "ALTER TABLE app.signal ADD tmp int NULL;\nALTER TABLE app.signal DROP COLUMN tmp;",
    "a longer string": "ALTER TABLE app.signal ALTER COLUMN legacy_code varchar(40) NULL;",
    "ascii to unicode": "ALTER TABLE app.signal ALTER COLUMN legacy_code nvarchar(20) NULL;",
    "more integer digits": "ALTER TABLE app.signal ALTER COLUMN amount decimal(12,2) NOT NULL;",
    "a larger integer": "ALTER TABLE app.signal ALTER COLUMN hits bigint NULL;",
    "adding NOT NULL with a default": "ALTER TABLE app.signal ADD\n    source_id int NOT NULL CONSTRAINT DF_app_signal_source_id DEFAULT (0);",
    "adding an identity column": "ALTER TABLE app.tag ADD seq int IDENTITY(1,1) NOT NULL;",
    "adding a nullable column": "ALTER TABLE app.signal ADD source_id int NULL;",
    "NOT NULL after a backfill": "UPDATE app.signal SET hits = 0 WHERE hits IS NULL;\nALTER TABLE app.signal ALTER COLUMN hits int NOT NULL;",
    "NOT NULL on a new empty table": "CREATE TABLE app.fresh (fresh_id int NOT NULL);\nALTER TABLE app.fresh ADD kind int NOT NULL;",
    "an online index on a large table": "CREATE NONCLUSTERED INDEX IX_app_signal_hits ON app.signal (hits) WITH (ONLINE = ON);",
    "an online rebuild": "ALTER INDEX IX_app_tag_label ON app.tag REBUILD WITH (ONLINE = ON);",
    "a reorganize": "ALTER INDEX IX_app_tag_label ON app.tag REORGANIZE;",
    "an index on a new table": "CREATE TABLE app.fresh (fresh_id int NOT NULL);\nCREATE INDEX IX_app_fresh_id ON app.fresh (fresh_id);",
    "a rename with sp_rename": "EXEC sp_rename N'app.signal.legacy_code', N'code', N'COLUMN';",
    "a table rename with sp_rename": "EXEC sys.sp_rename N'app.tag', N'label';",
}


@pytest.mark.parametrize("script, expected", FLAGGED.values(), ids=list(FLAGGED))
def test_a_destructive_statement_is_flagged_at_its_line(script, expected):
    assert lint(script) == [expected]


@pytest.mark.parametrize("script", FINE.values(), ids=list(FINE))
def test_the_safe_look_alike_is_not_flagged(script):
    assert lint(script) == []


def test_an_offline_index_on_a_table_not_listed_as_large_is_not_flagged():
    script = "CREATE NONCLUSTERED INDEX IX_app_signal_hits ON app.signal (hits);"
    assert lint(script, large=()) == []
    assert lint(script, large=("app.signal",)) == ["E814@1"]


def test_a_drop_and_add_of_different_types_is_a_drop_not_a_rename():
    assert lint("ALTER TABLE app.signal ADD code int NULL;\nALTER TABLE app.signal DROP COLUMN legacy_code;") == ["E811@2"]


def test_statements_inside_a_procedure_are_not_migration_steps():
    script = """
    CREATE OR ALTER PROCEDURE app.sp_cleanup
    AS
    BEGIN
        DROP TABLE app.tag;
    END;
    GO
    """
    assert lint(script) == []


@pytest.mark.parametrize(
    "old, new, lost",
    [
        ("nvarchar(max)", "nvarchar(4000)", "shorter"),
        ("varbinary(64)", "varbinary(32)", "shorter"),
        ("datetime2", "datetime2(3)", "fewer fractional digits"),
        ("float", "real", "fewer fractional digits"),
        ("decimal(9,4)", "decimal(12,2)", "less scale"),
        ("int", "decimal(9,0)", "fewer integer digits"),
        ("datetime2", "date", "not a widening"),
        ("uniqueidentifier", "nvarchar(36)", "not a widening"),
    ],
)
def test_a_type_that_holds_less_is_a_narrowing_with_its_reason(old, new, lost):
    assert lost in narrowing(old, new)


@pytest.mark.parametrize(
    "old, new",
    [("varchar(20)", "nvarchar(max)"), ("int", "decimal(12,2)"), ("datetime", "datetime2(3)"), ("real", "float"), ("char(5)", "varchar(5)"), ("INT", "int")],
)
def test_a_widening_is_not_a_narrowing(old, new):
    assert narrowing(old, new) is None


# -- acknowledgements ---------------------------------------------------------------------------------

HEADER = """
/*
Migration    20260102_drop
Description  x
{lines}
*/
ALTER TABLE app.signal DROP COLUMN legacy_code;
"""


def test_a_header_acknowledgement_drops_its_finding_and_one_that_matches_nothing_is_reported():
    acknowledged = HEADER.format(lines="Acknowledges  E811 app.signal.legacy_code: superseded by source_id; nothing reads it")
    assert lint(acknowledged) == []
    stale = HEADER.format(lines="Acknowledges  E811 app.signal.note: wrong column")
    assert lint(stale) == ["W816@4", "E811@6"]


def test_an_acknowledgement_without_a_reason_acknowledges_nothing_and_is_reported():
    assert lint(HEADER.format(lines="Acknowledges  E811 app.signal.legacy_code")) == ["W817@4", "E811@6"]
    assert lint(HEADER.format(lines="Acknowledges  E999 app.signal.legacy_code: no such code")) == ["W817@4", "E811@6"]


def test_acknowledgements_are_read_from_the_header_comment_only():
    text = "/*\nAcknowledges  E811 a.b.c: header\n*/\n-- Acknowledges  E810 a.b: a comment below\nSELECT 1;\n"
    acknowledgements, problems = header_acknowledgements(text)
    assert [(a.line, a.code, a.target, a.reason) for a in acknowledgements] == [(2, "E811", "a.b.c", "header")]
    assert problems == []


# -- inside the builder -------------------------------------------------------------------------------

ITEM = """
CREATE TABLE app.item (
    item_id int NOT NULL,
    CONSTRAINT PK_app_item PRIMARY KEY CLUSTERED (item_id)
);
"""
FIRST = """
{{ description("Items, with a legacy code.") }}
{{ create_schema("app") }}
{% call sql("items") %}
CREATE TABLE app.item (
    item_id int NOT NULL,
    legacy_code varchar(20) NULL,
    CONSTRAINT PK_app_item PRIMARY KEY CLUSTERED (item_id)
);
{% endcall %}
"""
SECOND = """
{{ description("Items lose their legacy code.") }}
ACKNOWLEDGE
{% call sql("drop the legacy code") %}
ALTER TABLE app.item DROP COLUMN legacy_code;
{% endcall %}
"""


def migrated(project: Project, acknowledge: str = ""):
    project.write("sql/tables/app.item.sql", ITEM)
    project.write("migrations/templates/20260101_items.sql.j2", FIRST)
    project.write("migrations/templates/20260102_drop.sql.j2", SECOND.replace("ACKNOWLEDGE", acknowledge))
    project.write("migrations/order.txt", "20260101_items\n20260102_drop\n")
    sink = FindingSink()
    target = read_catalog(project.root, sink)
    resolve_catalog(target, sink)
    result = build(project.root, target, write=True)
    return [f for f in result.findings if f.code.startswith(("E81", "W81"))]


def test_the_build_reports_the_finding_at_the_rendered_scripts_line(project: Project):
    [finding] = migrated(project)
    script = (project.root / "migrations" / "20260102_drop.sql").read_text(encoding="utf-8")
    assert finding.code == "E811"
    assert finding.path == "migrations/20260102_drop.sql"
    assert script.splitlines()[finding.line - 1] == "ALTER TABLE app.item DROP COLUMN legacy_code;"
    assert 'acknowledge("E811", "app.item.legacy_code", "why")' in finding.message


def test_the_acknowledge_macro_prints_a_header_line_that_silences_the_finding(project: Project):
    reason = "the code moved to the CRM in 2025; nothing reads it"
    assert migrated(project, f'{{{{ acknowledge("E811", "app.item.legacy_code", "{reason}") }}}}') == []
    script = (project.root / "migrations" / "20260102_drop.sql").read_text(encoding="utf-8")
    header = script[: script.index("*/")]
    assert f"Acknowledges  E811 app.item.legacy_code: {reason}\n" in header
    # A script that acknowledges nothing has no such line.
    assert "Acknowledges" not in (project.root / "migrations" / "20260101_items.sql").read_text(encoding="utf-8")


def test_an_acknowledge_macro_without_a_reason_is_a_build_error(project: Project):
    project.write("sql/tables/app.item.sql", ITEM)
    migrated(project, '{{ acknowledge("E811", "app.item.legacy_code", " ") }}')
    sink = FindingSink()
    result = build(project.root, read_catalog(project.root, sink), write=False)
    assert any(f.code == "E803" and "say why" in f.message for f in result.findings)


def test_a_large_tables_entry_sql_does_not_define_is_reported(project: Project):
    project.write("pyproject.toml", '[tool.wsdb]\nlarge-tables = ["app.item", "app.nothing"]\n')
    migrated(project)
    result = build(project.root, read_catalog(project.root, FindingSink()), write=False)
    assert [(f.path, f.line, f.code) for f in result.findings if f.code == "E818"] == [("pyproject.toml", 2, "E818")]


def test_the_real_project_has_no_unacknowledged_destructive_change():
    sink = FindingSink()
    target = read_catalog(REPO, sink)
    resolve_catalog(target, sink)
    findings = build(REPO, target, write=False).findings
    assert [f.text() for f in findings if f.code.startswith(("E81", "W81"))] == []
    scripts = "".join(p.read_text(encoding="utf-8") for p in (REPO / "migrations").glob("20261122_*.sql"))
    assert scripts.count("\nAcknowledges  E814 ") == 2


def test_without_a_large_tables_setting_e814_is_neither_checked_nor_its_acknowledgement_called_stale():
    replay = Replay()
    replay.apply("migrations/before.sql", BEFORE)
    script = "/*\nAcknowledges  E814 app.signal.IX_app_signal_hits: window\n*/\nCREATE INDEX IX_app_signal_hits ON app.signal (hits);\n"
    unset, empty = FindingSink(), FindingSink()
    lint_script("migrations/x.sql", script, replay.state, None, unset)
    lint_script("migrations/x.sql", script, replay.state, set(), empty)
    assert unset.sorted() == []
    assert [f.code for f in empty.sorted()] == ["W816"]


# -- released scripts ---------------------------------------------------------------------------------


def released(project: Project, acknowledgements: str | None = None):
    """Both item migrations released, then the findings of a build --check with the acknowledgements file."""
    migrated(project)
    target = read_catalog(project.root, FindingSink())
    build(project.root, target, write=True, release=True)
    if acknowledgements is not None:
        project.write("migrations/acknowledgements.txt", acknowledgements)
    return [f for f in build(project.root, target, write=False).findings if f.code.startswith(("E81", "W81"))]


def test_a_released_script_is_linted_too_and_the_finding_says_where_to_acknowledge_it(project: Project):
    [finding] = released(project)
    assert (finding.path, finding.code) == ("migrations/20260102_drop.sql", "E811")
    assert "migrations/acknowledgements.txt: 20260102_drop  E811 app.item.legacy_code: why" in finding.message


def test_the_acknowledgements_file_acknowledges_a_released_scripts_finding(project: Project):
    assert released(project, "# reviewed\n20260102_drop  E811 app.item.legacy_code: nothing reads it since 2025\n") == []


def test_a_line_of_the_acknowledgements_file_that_matches_nothing_is_reported_at_its_line(project: Project):
    findings = released(project, "20260102_drop  E811 app.item.legacy_code: gone\n20260101_items  E810 app.item: no\n")
    assert [(f.path, f.line, f.code) for f in findings] == [("migrations/acknowledgements.txt", 2, "W816")]


def test_the_acknowledgements_file_cannot_acknowledge_a_draft_or_an_unknown_script(project: Project):
    migrated(project)
    project.write("migrations/acknowledgements.txt", "20260102_drop  E811 app.item.legacy_code: a draft\nnonsense\n")
    target = read_catalog(project.root, FindingSink())
    findings = [f for f in build(project.root, target, write=False).findings if f.code.startswith(("E81", "W81"))]
    assert sorted((f.path, f.code) for f in findings) == [
        ("migrations/20260102_drop.sql", "E811"),  # still flagged: the draft's header is where it is acknowledged
        ("migrations/acknowledgements.txt", "W817"),
        ("migrations/acknowledgements.txt", "W817"),
    ]
    assert "not a released migration" in next(f.message for f in findings if f.line == 1 and f.code == "W817")
