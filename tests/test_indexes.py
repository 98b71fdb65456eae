from __future__ import annotations

PARENT = """
-- Parents.
CREATE TABLE app.parent (
    parent_id int NOT NULL, -- Primary key
    org_id int NOT NULL, -- Org
    code varchar(8) NOT NULL, -- Code
    CONSTRAINT PK_app_parent PRIMARY KEY CLUSTERED (parent_id),
    CONSTRAINT UQ_app_parent_org_id_parent_id UNIQUE NONCLUSTERED (org_id, parent_id)
);
"""

CHILD = """
-- Children.
CREATE TABLE app.child (
    child_id int NOT NULL, -- Primary key
    org_id int NOT NULL, -- Org
    parent_id int NULL, -- Parent
    CONSTRAINT PK_app_child PRIMARY KEY CLUSTERED (child_id),
    CONSTRAINT FK_app_child_parent_id_app_parent FOREIGN KEY (org_id, parent_id)
    REFERENCES app.parent (org_id, parent_id)
);
"""


def test_a_foreign_key_without_a_supporting_index_is_a_warning(project):
    project.write("sql/tables/app.parent.sql", PARENT)
    project.write("sql/tables/app.child.sql", CHILD)
    findings = project.check().findings
    assert [(f.code, f.line) for f in findings] == [("W401", 7)]
    assert findings[0].severity.value == "warning"


def test_an_index_leading_with_the_foreign_key_columns_supports_it(project):
    project.write("sql/tables/app.parent.sql", PARENT)
    project.write("sql/tables/app.child.sql", CHILD + "\nCREATE INDEX IX_app_child_parent ON app.child (org_id, parent_id); -- By parent\n")
    assert project.check().findings == []


def test_an_index_without_the_tenant_column_still_supports_a_composite_key(project):
    project.write("sql/tables/app.parent.sql", PARENT)
    project.write("sql/tables/app.child.sql", CHILD + "\nCREATE INDEX IX_app_child_parent ON app.child (parent_id); -- By parent\n")
    assert project.check().findings == []


def test_an_index_that_leads_with_only_the_tenant_column_does_not_support_it(project):
    project.write("sql/tables/app.parent.sql", PARENT)
    project.write("sql/tables/app.child.sql", CHILD + "\nCREATE INDEX IX_app_child_org ON app.child (org_id, child_id); -- By org\n")
    assert [f.code for f in project.check().findings] == ["W401"]


def test_a_filtered_not_null_index_supports_a_nullable_foreign_key(project):
    project.write("sql/tables/app.parent.sql", PARENT)
    project.write("sql/tables/app.child.sql", CHILD + "\nCREATE INDEX IX_app_child_parent ON app.child (org_id, parent_id)\n    WHERE parent_id IS NOT NULL; -- By parent\n")
    assert project.check().findings == []


def test_foreign_keys_to_never_deleted_tables_need_no_index(project):
    project.write("sql/tables/app.parent.sql", "-- wsdb:never-deleted parents are retired\n" + PARENT.lstrip("\n"))
    project.write("sql/tables/app.child.sql", CHILD)
    assert project.check().findings == []


def test_a_foreign_key_to_columns_that_are_not_a_key_is_an_error(project):
    project.write("sql/tables/app.parent.sql", PARENT)
    project.write(
        "sql/tables/app.child.sql",
        CHILD.replace("FOREIGN KEY (org_id, parent_id)\n    REFERENCES app.parent (org_id, parent_id)", "FOREIGN KEY (org_id, parent_id)\n    REFERENCES app.parent (org_id, code)")
        + "\nCREATE INDEX IX_app_child_parent ON app.child (org_id, parent_id); -- By parent\n",
    )
    codes = sorted(f.code for f in project.check().findings)
    assert "E203" in codes and "E208" in codes


def test_index_and_constraint_columns_must_exist(project):
    project.write("sql/tables/app.parent.sql", PARENT + "\nCREATE INDEX IX_app_parent_code ON app.parent (org_id, cod) INCLUDE (nme); -- Codes\n")
    assert len(project.findings("E204")) == 2


def test_a_unique_constraint_and_an_index_on_the_same_keys_are_duplicates(project):
    project.write("sql/tables/app.parent.sql", PARENT + "\nCREATE UNIQUE INDEX UX_app_parent_org ON app.parent (org_id, parent_id); -- Again\n")
    assert [f.message for f in project.findings("E400")] == [
        "UX_app_parent_org duplicates UQ_app_parent_org_id_parent_id on app.parent (same keys, order and filter)"
    ]


def test_indexes_that_differ_in_order_or_filter_are_not_duplicates(project):
    project.write(
        "sql/tables/app.parent.sql",
        PARENT
        + "\nCREATE INDEX IX_app_parent_a ON app.parent (org_id, code); -- A\n"
        + "\nCREATE INDEX IX_app_parent_b ON app.parent (org_id, code DESC); -- B\n"
        + "\nCREATE INDEX IX_app_parent_c ON app.parent (org_id, code)\n    WHERE code = 'x'; -- C\n",
    )
    assert project.findings("E400") == []
