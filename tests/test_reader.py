from __future__ import annotations

import pytest

from harness.findings import FindingSink
from harness.reader import read_catalog

from .conftest import REPO


@pytest.fixture(scope="module")
def catalog():
    sink = FindingSink()
    result = read_catalog(REPO, sink)
    assert sink.sorted() == []
    return result


def test_the_real_tree_reads_into_schemas_tables_views_and_routines(catalog):
    assert set(catalog.schemas) == {"app", "core", "intake"}
    assert "app.signal" in catalog.tables and "core.org" in catalog.tables
    on_disk = {kind: {p.stem.lower() for p in (REPO / "sql" / kind).glob("*.sql")} for kind in ("views", "procedures", "functions")}
    assert set(catalog.views) == on_disk["views"]
    assert set(catalog.routines) == on_disk["procedures"] | on_disk["functions"]
    assert {"app.sp_resolve_identity", "app.fn_normalize_identity_key"} <= set(catalog.routines)


def test_columns_carry_type_nullability_identity_default_and_description(catalog):
    signal = catalog.tables["app.signal"]
    assert signal.column("signal_id").identity and not signal.column("signal_id").nullable
    assert signal.column("urgency_score").type == "decimal(3,2)" and signal.column("urgency_score").nullable
    created = signal.column("created_at")
    assert created.default_name == "DF_app_signal_created_at" and "SYSUTCDATETIME" in created.default.upper()
    assert signal.column("contact_email").description == "Extracted email for identity resolution"
    assert signal.column("created_at").location.line > signal.location.line


def test_a_computed_column_records_its_expression_type_and_persistence(catalog):
    amount = catalog.tables["app.cos_entry"].column("amount")
    assert amount.persisted and amount.type == "decimal(18,2)" and not amount.nullable
    assert "hours * rate" in amount.computed.lower()


def test_constraints_are_read_with_names_columns_and_targets(catalog):
    pursuit = catalog.tables["app.pursuit"]
    pk = pursuit.primary_key()
    assert pk.name == "PK_app_pursuit" and pk.columns == ["pursuit_id"] and pk.clustered is True
    fk = next(c for c in pursuit.constraints if c.name == "FK_app_pursuit_candidate_id_app_candidate")
    assert fk.columns == ["org_id", "candidate_id"] and fk.ref_table == "app.candidate" and fk.ref_columns == ["org_id", "candidate_id"]
    check = next(c for c in pursuit.constraints if c.name == "CK_app_pursuit_pursuit_stage")
    assert check.columns == ["pursuit_stage"]


def test_indexes_keep_keys_order_include_filter_uniqueness_and_aliases(catalog):
    signal = {ix.name: ix for ix in catalog.tables["app.signal"].indexes}
    assert signal["IX_signal_org_ts"].keys == [("org_id", False), ("ts", True)]
    assert signal["UX_signal_dedupe"].unique
    config = {ix.name: ix for ix in catalog.tables["app.config_registry"].indexes}
    assert config["UX_config_registry_active"].filter_sql.lower().replace("[", "").replace("]", "") == "is_active = 1 and effective_to is null"
    cos = catalog.tables["app.cos_entry"].indexes[0]
    assert cos.include == ["hours", "amount"]
    proposal = catalog.tables["app.proposal"].indexes[0]
    assert proposal.aliases == ["UX_proposal_version_once"]


def test_never_deleted_tables_are_marked_with_their_reason(catalog):
    assert "deactivated" in catalog.tables["core.user_account"].never_deleted
    assert catalog.tables["app.signal"].never_deleted is None


def test_procedure_parameters_are_read_with_types_and_defaults(catalog):
    procedure = catalog.routines["app.sp_resolve_identity"]
    assert [(p.name, p.type, p.optional) for p in procedure.parameters] == [
        ("@org_id", "int", False),
        ("@key_type", "varchar(16)", False),
        ("@key_value", "varchar(256)", False),
        ("@resolved_contact_id", "int", True),
        ("@resolved_client_id", "int", True),
        ("@resolved_by", "int", True),
    ]
    assert procedure.description == "Automated identity resolution with conflict detection."


def test_procedure_bodies_are_split_into_parsed_statements(catalog):
    body = catalog.routines["app.sp_resolve_identity"].body
    kinds = [s.kind for s in body]
    assert kinds[:2] == ["SET", "SET"] and kinds[-1] == "THROW"
    assert all(s.tree is not None for s in body if s.kind in ("SELECT", "INSERT", "UPDATE"))


def test_an_inline_function_has_parameters_a_return_query_and_output_columns(catalog):
    function = catalog.routines["app.fn_normalize_identity_key"]
    assert function.returns.lower() == "table"
    assert [p.name for p in function.parameters] == ["@key_type", "@key_value"]
    assert function.return_query is not None


def test_views_and_functions_get_their_output_columns_from_the_resolver(catalog):
    from harness.resolve import resolve_catalog

    sink = FindingSink()
    resolve_catalog(catalog, sink)
    assert catalog.views["app.v_pursuit_checklist_ready"].columns == ["org_id", "pursuit_id", "ready"]
    assert catalog.routines["app.fn_normalize_identity_key"].columns == ["key_value"]


def test_a_data_script_is_read_as_statements_on_its_target(catalog):
    script = next(s for s in catalog.scripts if s.target == "core.module")
    assert [s.kind for s in script.body] == ["DECLARE", "INSERT", "UPDATE", "INSERT"]


def test_a_file_that_does_not_parse_is_reported_and_the_others_are_still_read(project):
    project.write("sql/tables/app.broken.sql", "-- Broken.\nCREATE TABLE app.broken (a int NOT NULL b int);\n")
    project.write("sql/tables/app.fine.sql", "-- Fine.\nCREATE TABLE app.fine (\n    a int NOT NULL, -- A\n    CONSTRAINT PK_app_fine PRIMARY KEY (a)\n);\n")
    result = project.check()
    broken = [f for f in result.findings if f.path == "sql/tables/app.broken.sql"]
    assert broken and broken[0].code == "E100" and broken[0].line == 2
    assert "app.fine" in result.catalog.tables


def test_a_column_on_the_create_line_does_not_take_the_table_header_as_its_description(project):
    project.write("sql/tables/app.one.sql", "-- One line.\nCREATE TABLE app.one (a int NOT NULL CONSTRAINT PK_app_one PRIMARY KEY);\n")
    assert [f.message for f in project.findings("E600")] == ["column app.one.a has no description (trailing -- comment)"]


def test_an_unterminated_string_names_the_file_and_line(project):
    project.write("sql/views/app.v_bad.sql", "-- Bad.\nCREATE OR ALTER VIEW app.v_bad\nAS\nSELECT 'open AS a;\n")
    findings = project.findings("E102")
    assert [(f.path, f.line) for f in findings] == [("sql/views/app.v_bad.sql", 4)]


def test_a_file_that_is_not_utf8_is_reported_not_crashed_on(project):
    (project.root / "sql/tables/app.latin.sql").write_bytes("-- Caf\xe9\nCREATE TABLE app.latin (a int);\n".encode("latin-1"))
    assert [f.path for f in project.findings("E102")] == ["sql/tables/app.latin.sql"]
