"""Security policies (row-level security) in the offline model: read, resolved, compared, read back from a server."""

from __future__ import annotations

from harness.catalog import CATALOG_QUERIES, read_live
from harness.findings import FindingSink
from harness.model import Catalog, SourceFile
from harness.modeldiff import diff_catalogs
from harness.reader import FileReader
from harness.resolve import Resolver

FUNCTION = """-- Rows of the session's workspace.
CREATE OR ALTER FUNCTION intake.fn_probe_access(@workspace_id uniqueidentifier)
RETURNS TABLE
WITH SCHEMABINDING
AS
RETURN (SELECT 1 AS access_granted WHERE @workspace_id = CAST(SESSION_CONTEXT(N'workspace_id') AS uniqueidentifier));
"""

TABLE = """-- Things.
CREATE TABLE intake.things (
    thing_id bigint NOT NULL, -- Key
    workspace_id uniqueidentifier NOT NULL, -- Tenant
    CONSTRAINT PK_intake_things PRIMARY KEY CLUSTERED (thing_id)
);
"""

POLICY = """-- Keeps each workspace's things to itself.
CREATE SECURITY POLICY intake.probe_isolation
ADD FILTER PREDICATE intake.fn_probe_access(workspace_id) ON intake.things,
ADD BLOCK PREDICATE intake.fn_probe_access(workspace_id) ON intake.things AFTER INSERT,
ADD BLOCK PREDICATE intake.fn_probe_access(workspace_id) ON intake.things AFTER UPDATE,
ADD BLOCK PREDICATE intake.fn_probe_access(workspace_id) ON intake.things BEFORE UPDATE,
ADD BLOCK PREDICATE intake.fn_probe_access(workspace_id) ON intake.things BEFORE DELETE
WITH (STATE = ON, SCHEMABINDING = ON);
"""


def read(files: dict[str, str]) -> tuple[Catalog, FindingSink]:
    catalog, sink = Catalog(), FindingSink()
    for path, text in files.items():
        kind = path.split("/")[1]
        FileReader(SourceFile(path, kind, path.rsplit("/", 1)[1][:-4], text), catalog, sink, []).read()
    Resolver(catalog, sink).run()
    return catalog, sink


def model(policy: str = POLICY) -> tuple[Catalog, FindingSink]:
    return read({
        "sql/functions/intake.fn_probe_access.sql": FUNCTION,
        "sql/tables/intake.things.sql": TABLE,
        "sql/security/intake.probe_isolation.sql": policy,
    })


def test_a_policy_is_read_with_every_predicate_its_operation_and_options():
    catalog, sink = model()
    assert sink.sorted() == []
    policy = catalog.policies["intake.probe_isolation"]
    assert policy.description == "Keeps each workspace's things to itself."
    assert (policy.state, policy.schemabinding) == (True, True)
    assert [(p.kind, p.operation, p.location.line) for p in policy.predicates] == [
        ("FILTER", None, 3),
        ("BLOCK", "AFTER INSERT", 4),
        ("BLOCK", "AFTER UPDATE", 5),
        ("BLOCK", "BEFORE UPDATE", 6),
        ("BLOCK", "BEFORE DELETE", 7),
    ]
    assert {(p.function, tuple(p.arguments), p.table) for p in policy.predicates} == {
        ("intake.fn_probe_access", ("workspace_id",), "intake.things")
    }


def test_a_predicate_naming_an_unknown_column_function_or_table_is_reported_at_its_line():
    broken = POLICY.replace("(workspace_id) ON intake.things AFTER INSERT", "(workspace) ON intake.things AFTER INSERT")
    broken = broken.replace("intake.fn_probe_access(workspace_id) ON intake.things BEFORE DELETE", "intake.fn_nothing(workspace_id) ON intake.nothing BEFORE DELETE")
    _, sink = model(broken)
    assert [(f.line, f.code) for f in sink.sorted()] == [(4, "E201"), (7, "E200"), (7, "E205")]


def test_a_second_predicate_for_the_same_table_and_operation_is_refused_as_sql_server_would():
    doubled = POLICY.replace("ON intake.things AFTER UPDATE,", "ON intake.things AFTER INSERT,")
    _, sink = model(doubled)
    assert [(f.line, f.code) for f in sink.sorted()] == [(5, "E211")]


def test_a_filter_predicate_with_an_operation_and_an_unknown_option_do_not_read():
    _, sink = model(POLICY.replace("ON intake.things,", "ON intake.things AFTER INSERT,").replace("STATE = ON", "STATE = MAYBE"))
    assert sorted((f.line, f.code) for f in sink.sorted()) == [(3, "E100"), (8, "E100")]


def test_the_diff_reports_a_missing_predicate_and_a_policy_switched_off():
    ours, _ = model()
    theirs, _ = model(POLICY.replace("ADD BLOCK PREDICATE intake.fn_probe_access(workspace_id) ON intake.things BEFORE DELETE\n", "").replace(
        "BEFORE UPDATE,", "BEFORE UPDATE").replace("STATE = ON", "STATE = OFF"))
    messages = [d.message for d in diff_catalogs(ours, theirs, "in sql/", "in the database")]
    assert messages == [
        "security policy intake.probe_isolation: STATE = ON in sql/, STATE = OFF in the database",
        "security policy intake.probe_isolation: BLOCK PREDICATE intake.fn_probe_access(workspace_id) ON intake.things BEFORE DELETE: in sql/, missing in the database",
    ]


def test_the_live_catalog_reads_a_policy_back_from_its_stored_predicate_definitions():
    rows = {name: [] for name in CATALOG_QUERIES}
    base = {"schema_name": "intake", "policy_name": "probe_isolation", "is_enabled": True, "is_schema_bound": True,
            "table_schema": "intake", "table_name": "things"}
    for number, (kind, operation) in enumerate(
        [("FILTER", None), ("BLOCK", "AFTER INSERT"), ("BLOCK", "AFTER UPDATE"), ("BLOCK", "BEFORE UPDATE"), ("BLOCK", "BEFORE DELETE")], 1
    ):
        rows["security_policies"].append({**base, "security_predicate_id": number, "predicate_type_desc": kind,
                                          "predicate_definition": "([intake].[fn_probe_access]([workspace_id]))",
                                          "operation_desc": operation})
    live = read_live(rows).catalog
    ours, _ = model()
    assert [p.signature for p in live.policies["intake.probe_isolation"].predicates] == [
        p.signature for p in ours.policies["intake.probe_isolation"].predicates
    ]
    assert (live.policies["intake.probe_isolation"].state, live.policies["intake.probe_isolation"].schemabinding) == (True, True)


# -- the repository's policies ---------------------------------------------------------------------------

OPERATIONS = {"AFTER INSERT", "AFTER UPDATE", "BEFORE UPDATE", "BEFORE DELETE"}


def test_every_intake_and_app_table_has_a_filter_and_all_four_block_predicates():
    from harness.reader import read_catalog

    from .conftest import REPO

    sink = FindingSink()
    catalog = read_catalog(REPO, sink)
    covered: dict[str, set] = {}
    for policy in catalog.policies.values():
        assert policy.state and policy.schemabinding, policy.full_name
        for predicate in policy.predicates:
            covered.setdefault(predicate.table.lower(), set()).add(predicate.operation or predicate.kind)
    tenant_tables = [k for k in catalog.tables if k.split(".")[0] in ("intake", "app")]
    missing = {t: sorted(({"FILTER"} | OPERATIONS) - covered.get(t, set())) for t in tenant_tables}
    assert {t: m for t, m in missing.items() if m} == {}
    assert len(tenant_tables) >= 41  # the 15 intake and 26 app tables of the seeds, at least: the scan found them


def test_the_audit_log_refuses_updates_and_deletes_through_a_predicate_that_never_grants():
    from harness.reader import read_catalog

    from .conftest import REPO

    catalog = read_catalog(REPO, FindingSink())
    guard = catalog.policies["intake.audit_append_only"]
    assert {(p.kind, p.operation, p.function) for p in guard.predicates} == {
        ("BLOCK", "BEFORE UPDATE", "intake.fn_audit_append_only"),
        ("BLOCK", "BEFORE DELETE", "intake.fn_audit_append_only"),
    }
    never = catalog.routines["intake.fn_audit_append_only"].return_query.sql("tsql")
    assert "1 = 0" in never  # a constant-false WHERE: no row, ever
