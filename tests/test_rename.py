"""Renames, rebuilds and re-created security policies: the macros render them, the replay follows them,
and a project that uses them checks clean."""

from __future__ import annotations

import datetime as dt
import shutil
import textwrap

import pytest

from harness.build import build
from harness.check import run_check
from harness.findings import FindingSink
from harness.reader import read_catalog
from harness.resolve import resolve_catalog
from harness.scaffold import new_migration

from .conftest import REPO, Project

THING = """
-- Things.
CREATE TABLE app.thing (
    thing_id int NOT NULL, -- Primary key
    code varchar(8) NOT NULL, -- Short code
    CONSTRAINT PK_app_thing PRIMARY KEY CLUSTERED (thing_id),
    CONSTRAINT CK_app_thing_code CHECK (code <> '')
);

CREATE NONCLUSTERED INDEX IX_app_thing_code ON app.thing (code); -- Things by code
"""

PART = """
-- Parts of a thing.
CREATE TABLE app.part (
    part_id int NOT NULL, -- Primary key
    thing_id int NOT NULL, -- The thing it belongs to
    CONSTRAINT PK_app_part PRIMARY KEY CLUSTERED (part_id),
    CONSTRAINT FK_app_part_thing_id_app_thing FOREIGN KEY (thing_id) REFERENCES app.thing (thing_id)
);

CREATE NONCLUSTERED INDEX IX_app_part_thing_id ON app.part (thing_id); -- Parts of a thing
"""

FIRST = """
{{ description("Things and their parts.") }}
{{ create_schema("app") }}
{{ create_table("app.thing") }}
{{ create_table("app.part") }}
"""


def target_of(root):
    sink = FindingSink()
    catalog = read_catalog(root, sink)
    resolve_catalog(catalog, sink)
    return catalog


def texts(findings) -> list[str]:
    return [f.text() for f in findings]


@pytest.fixture
def released(tmp_path) -> Project:
    """A project whose first migration, released, creates app.thing and app.part."""
    project = Project(tmp_path / "proj")
    project.write("sql/security/app.sql", "-- App.\nCREATE SCHEMA app AUTHORIZATION dbo;\n")
    project.write("sql/tables/app.thing.sql", THING)
    project.write("sql/tables/app.part.sql", PART)
    project.write("migrations/templates/20260101_first.sql.j2", FIRST)
    project.write("migrations/order.txt", "20260101_first\n")
    result = build(project.root, target_of(project.root), write=True, release=True)
    assert texts(result.findings) == []
    return project


def second(project: Project, template: str):
    """Add and build a second migration; return the build result and the script's text."""
    project.write("migrations/templates/20260102_second.sql.j2", template)
    project.append("migrations/order.txt", "20260102_second\n")
    result = build(project.root, target_of(project.root), write=True)
    script = project.root / "migrations" / "20260102_second.sql"
    return result, script.read_text(encoding="utf-8") if script.exists() else ""


# -- rename_column and rename_table -----------------------------------------------------------------


def test_rename_column_renders_sp_rename_and_the_project_checks_clean_without_e815(released: Project):
    released.edit("sql/tables/app.thing.sql", "    code varchar(8)", "    label varchar(8)")
    released.edit("sql/tables/app.thing.sql", "CHECK (code <> '')", "CHECK (label <> '')")
    released.edit("sql/tables/app.thing.sql", "ON app.thing (code)", "ON app.thing (label)")
    result, script = second(released, '{{ description("Codes become labels.") }}\n{{ rename_column("app.thing", "code", "label") }}\n')
    assert texts(result.findings) == []
    assert "EXEC sys.sp_rename @objname = N'app.thing.code', @newname = N'label', @objtype = N'COLUMN';\n" in script
    table = result.replayed.tables["app.thing"]
    assert list(table.columns) == ["thing_id", "label"]
    assert table.indexes[0].keys == [("label", False)]
    assert table.constraint("CK_app_thing_code").expression.sql("tsql") == "label <> ''"
    assert run_check(released.root).findings == []


def test_rename_table_renders_sp_rename_and_foreign_keys_follow_the_new_name(released: Project):
    (released.root / "sql/tables/app.thing.sql").unlink()
    # sp_rename keeps the constraint and index names; sql/ keeps them too (the allow lists E302 for them).
    released.write("sql/tables/app.gadget.sql", THING.replace("CREATE TABLE app.thing", "CREATE TABLE app.gadget").replace("ON app.thing", "ON app.gadget").replace("-- Things.", "-- Things.\n-- wsdb:allow E302 names kept from app.thing"))
    released.edit("sql/tables/app.part.sql", "REFERENCES app.thing", "REFERENCES app.gadget")
    result, script = second(released, '{{ description("Things become gadgets.") }}\n{{ rename_table("app.thing", "gadget") }}\n')
    assert texts(result.findings) == []
    assert "EXEC sys.sp_rename @objname = N'app.thing', @newname = N'gadget', @objtype = N'OBJECT';\n" in script
    assert sorted(result.replayed.tables) == ["app.gadget", "app.part"]
    assert result.replayed.tables["app.part"].constraint("FK_app_part_thing_id_app_thing").ref_table == "app.gadget"
    assert [f.code for f in run_check(released.root).findings if f.code in ("E806", "E815", "E805")] == []


@pytest.mark.parametrize(
    ("call", "message"),
    [
        ('rename_column("app.thing", "nothing", "code")', "app.thing has no column nothing at this point"),
        ('rename_column("app.thing", "code", "thing_id")', "app.thing already has a column thing_id"),
        ('rename_column("app.thing", "code", "label")', "sql/ defines no column label in app.thing"),
        ('rename_column("app.nothing", "code", "label")', "no table app.nothing at this point"),
        ('rename_table("app.nothing", "gadget")', "no table app.nothing at this point"),
        ('rename_table("app.thing", "gadget")', "sql/ defines no table app.gadget"),
        ('rename_table("app.thing", "part")', "app.part already exists"),
        ('rename_table("app.thing", "core.gadget")', "sp_rename keeps a table in its schema (app)"),
    ],
)
def test_a_rename_macro_refuses_an_unknown_or_taken_name_with_e803_at_the_template_line(released: Project, call, message):
    result, script = second(released, f'{{{{ description("x") }}}}\n\n{{{{ {call} }}}}\n')
    [finding] = [f for f in result.findings if f.code == "E803"]
    assert (finding.path, finding.line) == ("migrations/templates/20260102_second.sql.j2", 3)
    assert message in finding.message
    assert script == ""


# -- the replay ---------------------------------------------------------------------------------------


def replay_second(released: Project, sql: str):
    """Build a second migration made of one literal block; return the build findings as text."""
    template = '{{ description("Maintenance.") }}\n{% call sql("maintenance") %}\n' + textwrap.dedent(sql).strip() + "\n{% endcall %}\n"
    result, _ = second(released, template)
    return result


def test_sp_rename_with_positional_arguments_renames_an_index_and_a_constraint(released: Project):
    result = replay_second(
        released,
        """
        EXEC sp_rename 'app.thing.IX_app_thing_code', 'IX_app_thing_by_code', 'INDEX';
        EXECUTE sys.sp_rename N'app.CK_app_thing_code', N'CK_app_thing_code_set';
        """,
    )
    table = result.replayed.tables["app.thing"]
    assert [i.name for i in table.indexes] == ["IX_app_thing_by_code"]
    assert table.constraint("CK_app_thing_code_set") is not None
    # sql/ still has the old names: the build says so, and the rename statements themselves applied.
    assert {f.code for f in result.findings} == {"E806"}


def test_sp_rename_of_an_unknown_object_is_e805_at_its_line(released: Project):
    result = replay_second(released, "EXEC sys.sp_rename @objname = N'app.thing.nothing', @newname = N'x', @objtype = N'COLUMN';")
    [finding] = [f for f in result.findings if f.code == "E805"]
    assert "app.thing has no column nothing at this point" in finding.message
    assert finding.path == "migrations/20260102_second.sql"


def test_index_and_table_rebuilds_and_drop_existing_replay_without_changing_the_schema(released: Project):
    result = replay_second(
        released,
        """
        ALTER INDEX IX_app_thing_code ON app.thing REBUILD WITH (ONLINE = ON);
        ALTER INDEX ALL ON app.thing REORGANIZE;
        ALTER INDEX PK_app_thing ON app.thing REBUILD;
        ALTER TABLE app.thing REBUILD WITH (ONLINE = ON);
        CREATE NONCLUSTERED INDEX IX_app_thing_code ON app.thing (code) WITH (DROP_EXISTING = ON, ONLINE = ON);
        """,
    )
    assert texts(result.findings) == []
    assert [i.name for i in result.replayed.tables["app.thing"].indexes] == ["IX_app_thing_code"]


def test_alter_index_of_an_unknown_index_and_create_index_of_an_existing_name_are_e805(released: Project):
    result = replay_second(
        released,
        """
        ALTER INDEX IX_app_thing_nothing ON app.thing REBUILD;
        CREATE NONCLUSTERED INDEX IX_app_thing_code ON app.thing (code);
        CREATE NONCLUSTERED INDEX IX_app_thing_new ON app.thing (code) WITH (DROP_EXISTING = ON);
        """,
    )
    messages = [f.message for f in result.findings if f.code == "E805"]
    assert len(messages) == 3
    assert "ALTER INDEX IX_app_thing_nothing ON app.thing: no such index at this point" in messages[0]
    assert "already has an index of that name" in messages[1]
    assert "has no index of that name to replace" in messages[2]


def test_a_filtered_index_with_options_reads_in_sql_and_is_copied_by_create_index(released: Project):
    released.append("sql/tables/app.thing.sql", "CREATE NONCLUSTERED INDEX IX_app_thing_code_thing_id ON app.thing (code, thing_id) WHERE code IS NOT NULL WITH (ONLINE = ON); -- Coded things\n")
    result, script = second(released, '{{ description("An online index.") }}\n{{ create_index("IX_app_thing_code_thing_id") }}\n')
    assert texts(result.findings) == []
    assert "WHERE code IS NOT NULL WITH (ONLINE = ON);" in script
    index = result.replayed.tables["app.thing"].indexes[-1]
    assert (index.name, index.filter_sql) == ("IX_app_thing_code_thing_id", "NOT code IS NULL")
    assert run_check(released.root).findings == []


# -- security policies --------------------------------------------------------------------------------


def test_drop_security_policy_removes_it_and_a_table_a_schema_bound_policy_names_cannot_be_dropped(released: Project):
    result = replay_second(
        released,
        """
        CREATE FUNCTION app.fn_all(@thing_id int)
        RETURNS TABLE
        WITH SCHEMABINDING
        AS
        RETURN SELECT 1 AS ok;
        GO
        CREATE SECURITY POLICY app.things ADD FILTER PREDICATE app.fn_all(thing_id) ON app.thing WITH (STATE = ON);
        GO
        DROP TABLE app.thing;
        GO
        DROP SECURITY POLICY IF EXISTS app.things;
        DROP SECURITY POLICY IF EXISTS app.things;
        DROP SECURITY POLICY app.things;
        """,
    )
    messages = [f.message for f in result.findings if f.code == "E805"]
    assert "security policy app.things (SCHEMABINDING = ON) names it" in messages[0]
    assert "DROP SECURITY POLICY app.things: it does not exist at this point" in messages[1]
    assert len(messages) == 2
    assert "app.things" not in result.replayed.policies


def test_a_new_app_table_and_its_predicates_migrate_with_the_policy_re_created_and_check_clean(tmp_path):
    # The README's story on a copy of the real project: a table, its predicates, one migration.
    root = tmp_path / "real"
    for folder in ("sql", "migrations", "contracts"):
        shutil.copytree(REPO / folder, root / folder)
    for name in (".sqlfluff", "pyproject.toml"):
        shutil.copy(REPO / name, root / name)
    project = Project(root)
    project.write("sql/tables/app.pursuit_note.sql", PURSUIT_NOTE)
    policy = root / "sql/security/app.org_isolation.sql"
    text = policy.read_text(encoding="utf-8")
    anchor = "ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.pursuit BEFORE DELETE,\n"
    assert anchor in text
    predicates = "ADD FILTER PREDICATE app.fn_org_read (org_id) ON app.pursuit_note,\n" + "".join(
        f"ADD BLOCK PREDICATE app.fn_org_write (org_id) ON app.pursuit_note {operation},\n"
        for operation in ("AFTER INSERT", "AFTER UPDATE", "BEFORE UPDATE", "BEFORE DELETE")
    )
    policy.write_text(text.replace(anchor, anchor + predicates), encoding="utf-8")
    template = new_migration(root, "add_pursuit_note", dt.date(2099, 1, 1))
    template.write_text(
        '{{ description("Sellers keep notes on a pursuit.") }}\n'
        '{{ create_table("app.pursuit_note") }}\n'
        '{{ create_module("app.org_isolation") }}\n',
        encoding="utf-8",
    )
    result = build(root, target_of(root), write=True)
    assert texts(result.findings) == []
    script = (root / "migrations" / "20990101_add_pursuit_note.sql").read_text(encoding="utf-8")
    assert script.index("CREATE TABLE app.pursuit_note") < script.index("DROP SECURITY POLICY app.org_isolation;") < script.index("CREATE SECURITY POLICY app.org_isolation")
    assert texts(run_check(root).findings) == []
    # The earlier draft that first creates the policy leaves the new table's predicates to this migration.
    tenant = (root / "migrations/20261122_tenant_isolation.sql").read_text(encoding="utf-8")
    assert "CREATE SECURITY POLICY app.org_isolation" in tenant and "pursuit_note" not in tenant


def test_a_policy_created_before_a_table_it_binds_exists_is_e805_at_the_predicate():
    from harness.replay import Replay

    replay = Replay()
    replay.apply("migrations/a.sql", (
        "CREATE SCHEMA app AUTHORIZATION dbo;\nGO\n"
        "CREATE FUNCTION app.fn_ok (@org_id int) RETURNS TABLE WITH SCHEMABINDING AS RETURN SELECT 1 AS ok;\nGO\n"
        "CREATE SECURITY POLICY app.p\nADD FILTER PREDICATE app.fn_ok (org_id) ON app.missing\nWITH (STATE = ON, SCHEMABINDING = ON);\n"
    ))
    assert [(f.line, f.code) for f in replay.sink.sorted()] == [(6, "E805")]
    assert "no table app.missing at this point" in replay.sink.sorted()[0].message


PURSUIT_NOTE = """
-- Free-text notes a seller keeps on a pursuit, newest first.
CREATE TABLE app.pursuit_note (
    pursuit_note_id bigint IDENTITY (1, 1) NOT NULL, -- Primary key
    org_id int NOT NULL, -- Multi-tenant organization ID
    pursuit_id bigint NOT NULL, -- The pursuit the note is about
    body nvarchar(2000) NOT NULL, -- The note's text
    created_at datetime2 NOT NULL CONSTRAINT DF_app_pursuit_note_created_at DEFAULT (SYSUTCDATETIME()), -- When the note was written (UTC)
    CONSTRAINT PK_app_pursuit_note PRIMARY KEY CLUSTERED (pursuit_note_id),
    CONSTRAINT FK_app_pursuit_note_pursuit_id_app_pursuit FOREIGN KEY (org_id, pursuit_id) REFERENCES app.pursuit (org_id, pursuit_id)
);

CREATE NONCLUSTERED INDEX IX_app_pursuit_note_org_id_pursuit_id_created_at ON app.pursuit_note (org_id, pursuit_id, created_at DESC); -- A pursuit's notes, newest first
"""
