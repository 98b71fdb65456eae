from __future__ import annotations

GOOD = """
-- Gadgets.
CREATE TABLE app.gadget (
    gadget_id int NOT NULL, -- Primary key
    org_id int NOT NULL, -- Org
    kind varchar(8) NOT NULL CONSTRAINT DF_app_gadget_kind DEFAULT ('a'), -- Kind
    CONSTRAINT PK_app_gadget PRIMARY KEY CLUSTERED (gadget_id),
    CONSTRAINT UQ_app_gadget_org_id_gadget_id UNIQUE NONCLUSTERED (org_id, gadget_id),
    CONSTRAINT FK_app_gadget_org_id_core_org FOREIGN KEY (org_id) REFERENCES core.org (org_id),
    CONSTRAINT CK_app_gadget_kind CHECK (kind IN ('a', 'b'))
);
"""


def messages(project, code):
    return [f.message for f in project.findings(code)]


def test_a_well_named_table_has_no_findings(project):
    project.write("sql/tables/app.gadget.sql", GOOD)
    assert project.check().findings == []


def test_a_file_whose_name_is_not_its_object_is_reported(project):
    project.write("sql/tables/app.widget.sql", GOOD)
    assert messages(project, "E300") == ["table app.gadget defined in a file named app.widget.sql"]


def test_an_object_in_the_wrong_kind_folder_is_reported(project):
    project.write("sql/views/app.gadget.sql", GOOD)
    assert [f.code for f in project.check().findings] == ["E103"]


def test_two_objects_in_one_file_are_reported(project):
    project.write("sql/tables/app.gadget.sql", GOOD + GOOD.replace("gadget", "widget"))
    assert project.findings("E301")


def test_an_unknown_folder_is_reported(project):
    project.write("sql/stuff/app.gadget.sql", GOOD)
    assert [f.code for f in project.check().findings] == ["E304"]


def test_constraints_without_a_name_are_reported_as_system_named(project):
    project.write("sql/tables/app.gadget.sql", GOOD.replace("CONSTRAINT DF_app_gadget_kind DEFAULT", "DEFAULT").replace("CONSTRAINT CK_app_gadget_kind CHECK", "CHECK"))
    assert sorted(m.split(" ")[0] for m in messages(project, "E303")) == ["CHECK", "DEFAULT"]


def test_constraint_names_must_follow_the_patterns(project):
    text = (
        GOOD.replace("PK_app_gadget", "PK_gadget")
        .replace("DF_app_gadget_kind", "DF_kind")
        .replace("FK_app_gadget_org_id_core_org", "FK_gadget_org")
        .replace("CK_app_gadget_kind", "chk_kind")
    )
    project.write("sql/tables/app.gadget.sql", text)
    found = messages(project, "E302")
    assert "PK_gadget should be named PK_app_gadget" in found
    assert "DF_kind should be named DF_app_gadget_kind" in found
    assert "FK_gadget_org should be named FK_app_gadget_org_id_core_org" in found
    assert "chk_kind should be named CK_app_gadget_<suffix>" in found


def test_a_composite_foreign_key_name_leaves_out_the_tenant_column(project):
    project.write("sql/tables/app.gadget.sql", GOOD)
    project.write(
        "sql/tables/app.part.sql",
        """
        -- Parts.
        CREATE TABLE app.part (
            part_id int NOT NULL, -- Primary key
            org_id int NOT NULL, -- Org
            gadget_id int NOT NULL, -- Gadget
            CONSTRAINT PK_app_part PRIMARY KEY CLUSTERED (part_id),
            CONSTRAINT FK_app_part_org_id_gadget_id_app_gadget FOREIGN KEY (org_id, gadget_id)
            REFERENCES app.gadget (org_id, gadget_id)
        );

        CREATE NONCLUSTERED INDEX IX_app_part_gadget ON app.part (org_id, gadget_id); -- Parts of a gadget
        """,
    )
    assert messages(project, "E302") == ["FK_app_part_org_id_gadget_id_app_gadget should be named FK_app_part_gadget_id_app_gadget"]


def test_index_names_must_carry_schema_table_and_uniqueness(project):
    project.write("sql/tables/app.gadget.sql", GOOD + "\nCREATE UNIQUE INDEX IX_app_gadget_kind ON app.gadget (org_id, kind); -- Kinds\n")
    assert messages(project, "E302") == ["index IX_app_gadget_kind should be named UX_app_gadget_<suffix>"]


def test_object_names_must_be_snake_case_and_views_start_with_v(project):
    project.write("sql/tables/app.gadget.sql", GOOD)
    project.write("sql/views/app.GadgetView.sql", "-- V.\nCREATE OR ALTER VIEW app.GadgetView\nAS\nSELECT g.gadget_id FROM app.gadget AS g;\n")
    project.write("sql/views/app.gadgets.sql", "-- V.\nCREATE OR ALTER VIEW app.gadgets\nAS\nSELECT g.gadget_id FROM app.gadget AS g;\n")
    found = messages(project, "E302")
    assert "view name GadgetView is not lower snake_case" in found
    assert "view name gadgets should start with v_" in found


def test_an_alias_that_is_not_a_seed_index_name_is_reported(real_tree):
    real_tree.edit("sql/tables/app.proposal.sql", "-- wsdb:alias UX_proposal_version_once", "-- wsdb:alias UX_proposal_whatever")
    found = messages(real_tree, "E302")
    assert found == ["alias UX_proposal_whatever of UX_proposal_version is not a seed index name"]
    assert [f.message for f in real_tree.findings("E503")] == ["seed index UX_proposal_version_once on app.proposal is missing"]
