"""`wsdb verify` offline: hand-built catalog rows of part of the real model against the sql/ model.

Rows that match give no difference; each kind of drift gives exactly its one line; what SQL Server
rewrites when it stores an expression (IN lists, BETWEEN, CAST, parentheses, case) is not drift.
"""

from __future__ import annotations

import copy
import json
from xml.etree import ElementTree as ET

import pytest
import sqlglot

from harness.catalog import CATALOG_QUERIES, live_catalog
from harness.findings import FindingSink
from harness.model import Catalog
from harness.modeldiff import Difference, diff_catalogs, server_form, tree_signature
from harness.reader import read_catalog
from harness.resolve import resolve_catalog
from harness.verify import render_verify, verify_rows

from .test_catalog import DATETIME2, INT, TableRows, empty_rows, live_rows, nvarchar, part_of, read_real_model, varchar


@pytest.fixture
def real_model() -> Catalog:
    return read_real_model()


@pytest.fixture
def target(real_model) -> Catalog:
    return part_of(real_model)


def lines(differences: list[Difference]) -> list[str]:
    return [f"{d.path}:{d.line}: {d.message}" for d in differences]


def at(target: Catalog, table: str, column: str | None = None, *, index: str | None = None, constraint: str | None = None) -> str:
    """``path:line`` of an item of the sql/ model."""
    t = target.tables[table]
    item = t.column(column) if column else t.constraint(constraint) if constraint else next(i for i in t.indexes if i.name == index) if index else t
    return f"{item.location.path}:{item.location.line}"


def rows_where(rows: dict, group: str, **match) -> list[dict]:
    found = [r for r in rows[group] if all(r.get(k) == v for k, v in match.items())]
    assert found, (group, match)
    return found


def change(rows: dict, group: str, match: dict, **values) -> dict:
    for row in rows_where(rows, group, **match):
        row.update(values)
    return rows


def drop(rows: dict, group: str, **match) -> dict:
    doomed = rows_where(rows, group, **match)
    rows[group] = [r for r in rows[group] if r not in doomed]
    return rows


# -- no drift ---------------------------------------------------------------------------------------


def test_rows_that_match_sql_give_no_difference(target):
    assert lines(verify_rows(target, live_rows())) == []


def test_the_target_is_not_changed_by_verifying(target):
    before = (list(target.tables), [c.location for c in target.tables["app.signal"].columns.values()], len(target.scripts))
    rows = live_rows()
    change(rows, "columns", {"table_name": "signal", "column_name": "snippet"}, is_nullable=False)
    verify_rows(target, rows)
    assert (list(target.tables), [c.location for c in target.tables["app.signal"].columns.values()], len(target.scripts)) == before


def test_reference_data_scripts_are_not_compared(target):
    assert target.scripts, "the real model has data scripts"
    assert not any("data script" in line for line in lines(verify_rows(target, live_rows())))


def test_an_in_list_stored_in_written_order_with_other_parentheses_and_case_is_not_drift(target):
    rows = change(
        live_rows(),
        "check_constraints",
        {"constraint_name": "CK_app_signal_source_type"},
        definition="((([SOURCE_TYPE]='email') OR ([Source_Type]='ad')) OR [source_type]='call' OR ([source_type]='note'))",
    )
    assert lines(verify_rows(target, rows)) == []


def test_a_between_stored_with_its_bounds_the_other_way_round_is_the_same_check(target):
    rows = change(live_rows(), "check_constraints", {"constraint_name": "CK_app_signal_urgency_score"}, definition="([urgency_score]<=(1) AND [urgency_score]>=(0))")
    assert lines(verify_rows(target, rows)) == []


def test_a_default_and_a_filter_in_upper_case_without_extra_parentheses_are_not_drift(target):
    rows = change(live_rows(), "default_constraints", {"constraint_name": "DF_app_signal_ts"}, definition="(SYSUTCDATETIME())")
    change(rows, "indexes", {"index_name": "IX_app_drip_schedule_due"}, filter_definition="[STATUS] = 'active'")
    assert lines(verify_rows(target, rows)) == []


def test_a_computed_column_stored_with_convert_style_zero_is_not_drift(target):
    rows = change(live_rows(), "columns", {"table_name": "cos_entry", "column_name": "amount"}, computed_definition="(CONVERT([numeric](18,2),[hours]*[rate],(0)))")
    assert lines(verify_rows(target, rows)) == []


def test_module_definitions_differing_only_in_case_comments_and_layout_are_not_drift(target):
    rows = live_rows()
    view = rows_where(rows, "modules", object_name="v_pursuit_checklist_ready")[0]
    view["definition"] = (
        "/* deployed by hand */\ncreate   or alter view [APP].[V_PURSUIT_CHECKLIST_READY] as\nselect p.ORG_ID, p.pursuit_id,\n"
        "cast(case when exists (select 1 from app.pursuit_checklist as pc where pc.org_id = p.org_id\n"
        "  and pc.pursuit_id = p.pursuit_id and pc.is_required = 1 and pc.is_done = 0) then 0 else 1 end as BIT) as ready\n"
        "from app.pursuit as p -- the pursuits\n"
    )
    assert lines(verify_rows(target, rows)) == []


def test_a_computed_column_sql_server_finds_not_nullable_is_not_drift_when_sql_does_not_say(target):
    # as if sql/ wrote "amount AS CAST(...) PERSISTED" without NOT NULL: SQL Server still reports is_nullable = 0
    cos_entry = copy.deepcopy(target.tables["app.cos_entry"])
    cos_entry.column("amount").nullable = True
    target = Catalog(target.schemas, {**target.tables, "app.cos_entry": cos_entry}, target.views, target.routines)
    assert lines(verify_rows(target, live_rows())) == []


def test_the_migration_history_table_is_never_a_difference(target):
    rows = live_rows()
    t = TableRows(rows, "dbo", "wsdb_migration_history")
    t.column("name", nvarchar(200), nullable=False)
    t.key("PK_wsdb_migration_history", "PK", "CLUSTERED", ["name"])
    assert lines(verify_rows(target, rows)) == []


# -- drift: one line each ----------------------------------------------------------------------------


def test_a_narrower_column_is_one_difference(target):
    rows = change(live_rows(), "columns", {"table_name": "signal", "column_name": "contact_phone"}, max_length=30)
    assert lines(verify_rows(target, rows)) == [
        f"{at(target, 'app.signal', 'contact_phone')}: app.signal.contact_phone: varchar(32) in sql/, varchar(30) in the database"
    ]


def test_an_nvarchar_width_is_read_from_bytes(target):
    rows = change(live_rows(), "columns", {"table_name": "signal", "column_name": "snippet"}, max_length=1000)
    assert lines(verify_rows(target, rows)) == [
        f"{at(target, 'app.signal', 'snippet')}: app.signal.snippet: nvarchar(1000) in sql/, nvarchar(500) in the database"
    ]


def test_a_column_that_became_not_null_is_one_difference(target):
    rows = change(live_rows(), "columns", {"table_name": "signal", "column_name": "snippet"}, is_nullable=False)
    assert lines(verify_rows(target, rows)) == [f"{at(target, 'app.signal', 'snippet')}: app.signal.snippet: NULL in sql/, NOT NULL in the database"]


def test_a_missing_column_is_one_difference(target):
    rows = drop(live_rows(), "columns", table_name="signal", column_name="problem_phrase")
    drop(rows, "extended_properties", object_name="signal", minor_name="problem_phrase")
    assert lines(verify_rows(target, rows)) == [
        f"{at(target, 'app.signal', 'problem_phrase')}: app.signal.problem_phrase: column exists in sql/, missing in the database"
    ]


def test_an_extra_column_is_reported_at_its_table_in_sql(target):
    rows = live_rows()
    TableRows(rows, "app", "signal").column("language_code", varchar(8), nullable=True, column_id=21)
    rows["tables"].pop()  # the builder added a second app.signal table row
    assert lines(verify_rows(target, rows)) == [f"{at(target, 'app.signal')}: app.signal.language_code: column missing in sql/, exists in the database"]


def test_a_missing_index_is_one_difference(target):
    rows = drop(live_rows(), "indexes", index_name="IX_signal_cluster")
    drop(rows, "extended_properties", minor_name="IX_signal_cluster")
    assert lines(verify_rows(target, rows)) == [
        f"{at(target, 'app.signal', index='IX_signal_cluster')}: app.signal index IX_signal_cluster: exists in sql/, missing in the database"
    ]


def test_an_extra_index_is_one_difference(target):
    rows = live_rows()
    TableRows(rows, "app", "signal").index("IX_app_signal_dedupe_key", ["dedupe_key"])
    rows["tables"].pop()
    assert lines(verify_rows(target, rows)) == [
        f"{at(target, 'app.signal')}: app.signal index IX_app_signal_dedupe_key: missing in sql/, exists in the database"
    ]


def test_index_keys_in_another_order_are_one_difference(target):
    rows = live_rows()
    for row in rows_where(rows, "indexes", index_name="IX_signal_cluster"):
        row["key_ordinal"] = 3 - row["key_ordinal"]
    assert lines(verify_rows(target, rows)) == [
        f"{at(target, 'app.signal', index='IX_signal_cluster')}: app.signal index IX_signal_cluster: "
        "keys (org_id, cluster_id) in sql/, (cluster_id, org_id) in the database"
    ]


def test_a_key_that_lost_its_descending_order_is_one_difference(target):
    rows = change(live_rows(), "indexes", {"index_name": "IX_signal_ts"}, is_descending_key=False)
    assert lines(verify_rows(target, rows)) == [
        f"{at(target, 'app.signal', index='IX_signal_ts')}: app.signal index IX_signal_ts: keys (ts DESC) in sql/, (ts) in the database"
    ]


def test_an_index_that_lost_an_included_column_is_one_difference(target):
    rows = drop(live_rows(), "indexes", index_name="IX_app_cos_entry_org_id_pursuit_id", column_name="amount")
    assert lines(verify_rows(target, rows)) == [
        f"{at(target, 'app.cos_entry', index='IX_app_cos_entry_org_id_pursuit_id')}: app.cos_entry index IX_app_cos_entry_org_id_pursuit_id: "
        "INCLUDE (hours, amount) in sql/, INCLUDE (hours) in the database"
    ]


def test_a_changed_index_filter_is_one_difference(target):
    rows = change(live_rows(), "indexes", {"index_name": "IX_app_drip_schedule_due"}, filter_definition="([status]='paused')")
    assert lines(verify_rows(target, rows)) == [
        f"{at(target, 'app.drip_schedule', index='IX_app_drip_schedule_due')}: app.drip_schedule index IX_app_drip_schedule_due: "
        "WHERE status = 'active' in sql/, WHERE status = 'paused' in the database"
    ]


def test_an_index_that_lost_its_filter_is_one_difference(target):
    rows = change(live_rows(), "indexes", {"index_name": "IX_app_drip_schedule_due"}, has_filter=False, filter_definition=None)
    assert lines(verify_rows(target, rows)) == [
        f"{at(target, 'app.drip_schedule', index='IX_app_drip_schedule_due')}: app.drip_schedule index IX_app_drip_schedule_due: "
        "WHERE status = 'active' in sql/, no filter in the database"
    ]


def test_a_check_with_another_literal_set_is_one_difference(target):
    rows = change(
        live_rows(),
        "check_constraints",
        {"constraint_name": "CK_app_drip_schedule_status"},
        definition="([status]='done' OR [status]='stopped' OR [status]='active')",
    )
    assert lines(verify_rows(target, rows)) == [
        f"{at(target, 'app.drip_schedule', constraint='CK_app_drip_schedule_status')}: app.drip_schedule constraint CK_app_drip_schedule_status: "
        "CHECK status = 'active' OR status = 'done' OR status = 'paused' in sql/, "
        "CHECK status = 'active' OR status = 'done' OR status = 'stopped' in the database"
    ]


def test_a_check_with_one_literal_less_is_one_difference(target):
    rows = change(live_rows(), "check_constraints", {"constraint_name": "CK_app_drip_schedule_status"}, definition="([status]='paused' OR [status]='active')")
    assert len(verify_rows(target, rows)) == 1


def test_a_check_with_another_operator_is_one_difference(target):
    rows = change(live_rows(), "check_constraints", {"constraint_name": "CK_app_signal_urgency_score"}, definition="([urgency_score]>=(0) AND [urgency_score]<(1))")
    assert [d.message for d in verify_rows(target, rows)] == [
        "app.signal constraint CK_app_signal_urgency_score: CHECK urgency_score <= 1 AND urgency_score >= 0 in sql/, "
        "CHECK urgency_score < 1 AND urgency_score >= 0 in the database"
    ]


def test_a_check_on_another_column_names_its_columns_and_its_expression(target):
    rows = change(live_rows(), "check_constraints", {"constraint_name": "CK_app_signal_urgency_score"}, definition="([urgency_score]>=(0) AND [ts]<=(1))")
    assert [d.message for d in verify_rows(target, rows)] == [
        "app.signal constraint CK_app_signal_urgency_score: CHECK urgency_score <= 1 AND urgency_score >= 0 in sql/, "
        "CHECK ts <= 1 AND urgency_score >= 0 in the database",
        "app.signal constraint CK_app_signal_urgency_score: columns (urgency_score) in sql/, (ts, urgency_score) in the database",
    ]


def test_a_check_message_keeps_the_grouping_of_its_expression(target):
    rows = change(
        live_rows(),
        "check_constraints",
        {"constraint_name": "CK_app_drip_schedule_next_run_at"},
        definition="(([status]='paused' OR [status]='done') AND [next_run_at]>(0))",
    )
    assert [d.message for d in verify_rows(target, rows)] == [
        "app.drip_schedule constraint CK_app_drip_schedule_next_run_at: CHECK NOT next_run_at IS NULL OR status <> 'active' in sql/, "
        "CHECK next_run_at > 0 AND (status = 'done' OR status = 'paused') in the database"
    ]


def test_a_changed_default_is_one_difference(target):
    rows = change(live_rows(), "default_constraints", {"constraint_name": "DF_app_drip_schedule_status"}, definition="('paused')")
    assert lines(verify_rows(target, rows)) == [
        f"{at(target, 'app.drip_schedule', 'status')}: app.drip_schedule.status: DEFAULT 'active' in sql/, DEFAULT 'paused' in the database"
    ]


def test_a_changed_computed_column_is_one_difference(target):
    rows = change(live_rows(), "columns", {"column_name": "amount"}, computed_definition="(CONVERT([decimal](18,4),[hours]*[rate]))")
    assert lines(verify_rows(target, rows)) == [
        f"{at(target, 'app.cos_entry', 'amount')}: app.cos_entry.amount: computed as CONVERT(NUMERIC(18, 2), hours * rate) in sql/, "
        "as CONVERT(NUMERIC(18, 4), hours * rate) in the database"
    ]


def test_a_foreign_key_to_another_table_is_one_difference(target):
    rows = change(live_rows(), "foreign_keys", {"constraint_name": "FK_app_cos_entry_pursuit_id_app_pursuit"}, referenced_table_name="proposal")
    assert lines(verify_rows(target, rows)) == [
        f"{at(target, 'app.cos_entry', constraint='FK_app_cos_entry_pursuit_id_app_pursuit')}: "
        "app.cos_entry constraint FK_app_cos_entry_pursuit_id_app_pursuit: "
        "references app.pursuit (org_id, pursuit_id) in sql/, app.proposal (org_id, pursuit_id) in the database"
    ]


def test_an_untrusted_foreign_key_is_one_difference(target):
    rows = change(live_rows(), "foreign_keys", {"constraint_name": "FK_app_signal_org_id_core_org"}, is_not_trusted=True)
    assert lines(verify_rows(target, rows)) == [
        f"{at(target, 'app.signal', constraint='FK_app_signal_org_id_core_org')}: app.signal constraint FK_app_signal_org_id_core_org: "
        "trusted in sql/, not trusted (enabled WITH NOCHECK) in the database"
    ]


def test_a_disabled_check_is_one_difference_not_two(target):
    rows = change(live_rows(), "check_constraints", {"constraint_name": "CK_app_cos_entry_rate"}, is_disabled=True, is_not_trusted=True)
    assert lines(verify_rows(target, rows)) == [
        f"{at(target, 'app.cos_entry', constraint='CK_app_cos_entry_rate')}: app.cos_entry constraint CK_app_cos_entry_rate: "
        "enabled in sql/, disabled (NOCHECK) in the database"
    ]


def test_a_cascading_foreign_key_is_one_difference(target):
    rows = change(live_rows(), "foreign_keys", {"constraint_name": "FK_app_cos_entry_pursuit_id_app_pursuit"}, delete_referential_action_desc="CASCADE")
    assert lines(verify_rows(target, rows)) == [
        f"{at(target, 'app.cos_entry', constraint='FK_app_cos_entry_pursuit_id_app_pursuit')}: "
        "app.cos_entry constraint FK_app_cos_entry_pursuit_id_app_pursuit: ON DELETE NO ACTION in sql/, ON DELETE CASCADE in the database"
    ]


def test_a_disabled_index_is_one_difference(target):
    rows = change(live_rows(), "indexes", {"index_name": "UX_signal_dedupe"}, is_disabled=True)
    assert lines(verify_rows(target, rows)) == [
        f"{at(target, 'app.signal', index='UX_signal_dedupe')}: app.signal index UX_signal_dedupe: enabled in sql/, disabled in the database"
    ]


def test_a_module_created_with_quoted_identifier_off_is_one_difference(target):
    rows = change(live_rows(), "modules", {"object_name": "sp_resolve_identity"}, uses_quoted_identifier=False)
    where = target.routines["app.sp_resolve_identity"].location
    assert lines(verify_rows(target, rows)) == [
        f"{where.path}:{where.line}: app.sp_resolve_identity: QUOTED_IDENTIFIER ON in sql/, QUOTED_IDENTIFIER OFF in the database"
    ]


def test_a_module_created_with_ansi_nulls_off_is_one_difference(target):
    rows = change(live_rows(), "modules", {"object_name": "v_pursuit_checklist_ready"}, uses_ansi_nulls=False)
    assert [d.message for d in verify_rows(target, rows)] == [
        "app.v_pursuit_checklist_ready: ANSI_NULLS ON in sql/, ANSI_NULLS OFF in the database"
    ]


def test_a_changed_view_body_is_one_difference_near_its_line(target):
    rows = live_rows()
    view = rows_where(rows, "modules", object_name="v_pursuit_checklist_ready")[0]
    view["definition"] = view["definition"].replace("AND pc.is_done = 0", "AND pc.is_done = 1")
    assert lines(verify_rows(target, rows)) == [
        "sql/views/app.v_pursuit_checklist_ready.sql:17: app.v_pursuit_checklist_ready: "
        "definition differs in sql/ and in the database (first difference near line 17)"
    ]


def test_a_changed_procedure_body_is_one_difference(target):
    rows = live_rows()
    proc = rows_where(rows, "modules", object_name="sp_resolve_identity")[0]
    proc["definition"] = proc["definition"].replace("SET @key_type = LOWER(@key_type);", "SET @key_type = UPPER(@key_type);")
    differences = verify_rows(target, rows)
    assert len(differences) == 1
    assert differences[0].message.startswith("app.sp_resolve_identity: body differs in sql/ and in the database (first difference in statement ")


def test_a_missing_procedure_is_one_difference(target):
    rows = drop(live_rows(), "modules", object_name="sp_resolve_identity")
    drop(rows, "extended_properties", object_name="sp_resolve_identity")
    where = target.routines["app.sp_resolve_identity"].location
    assert lines(verify_rows(target, rows)) == [f"{where.path}:{where.line}: app.sp_resolve_identity: procedure exists in sql/, missing in the database"]


def test_a_changed_description_is_one_difference(target):
    rows = change(live_rows(), "extended_properties", {"property_value": "Cluster lookup"}, property_value="Cluster lookups")
    assert lines(verify_rows(target, rows)) == [
        f"{at(target, 'app.signal', index='IX_signal_cluster')}: app.signal index IX_signal_cluster: "
        'description differs: "Cluster lookup" in sql/, "Cluster lookups" in the database'
    ]


def test_a_missing_column_description_is_one_difference(target):
    rows = drop(live_rows(), "extended_properties", object_name="signal", minor_name="ts")
    assert lines(verify_rows(target, rows)) == [
        f"{at(target, 'app.signal', 'ts')}: app.signal.ts: has description \"Signal timestamp\" in sql/, has no description in the database"
    ]


def test_a_user_schema_not_in_sql_is_one_difference_with_one_per_object_in_it(target):
    rows = live_rows()
    rows["schemas"].append({"schema_name": "scratch"})
    TableRows(rows, "scratch", "tmp").column("x", INT, nullable=True)
    assert lines(verify_rows(target, rows)) == [
        "sql/security/scratch.sql:1: schema scratch: missing in sql/, exists in the database",
        "sql/tables/scratch.tmp.sql:1: scratch.tmp: table missing in sql/, exists in the database",
    ]


def test_what_sql_cannot_express_is_a_difference_at_its_table(target):
    rows = change(live_rows(), "columns", {"table_name": "signal", "column_name": "snippet"}, is_sparse=True)
    assert lines(verify_rows(target, rows)) == [
        f"{at(target, 'app.signal')}: app.signal.snippet: SPARSE in the database, which sql/ cannot express (not compared)"
    ]


def test_a_trigger_is_a_difference_at_its_table(target):
    rows = live_rows()
    rows["modules"].append(
        {
            "schema_name": "app",
            "object_name": "trg_signal_touch",
            "object_type": "TR",
            "object_type_desc": "SQL_TRIGGER",
            "parent_name": "signal",
            "definition": "CREATE TRIGGER app.trg_signal_touch ON app.signal AFTER UPDATE AS SET NOCOUNT ON;",
            "uses_ansi_nulls": True,
            "uses_quoted_identifier": True,
            "is_schema_bound": False,
        }
    )
    assert lines(verify_rows(target, rows)) == [
        f"{at(target, 'app.signal')}: app.signal sql trigger trg_signal_touch: sql trigger missing in sql/, exists in the database (sql/ cannot express it)"
    ]


def test_an_encrypted_module_is_one_note_and_not_reported_missing(target):
    rows = change(live_rows(), "modules", {"object_name": "v_pursuit_checklist_ready"}, definition=None)
    assert [d.message for d in verify_rows(target, rows)] == [
        "app.v_pursuit_checklist_ready: definition is encrypted (WITH ENCRYPTION) in the database: not compared"
    ]


def test_a_check_sql_server_named_is_an_unnamed_check_beside_the_missing_named_one(real_model):
    # sql/ names every constraint, so a system-named one is a renamed constraint: missing by name, extra by shape
    rows = change(live_rows(), "check_constraints", {"constraint_name": "CK_app_cos_entry_rate"}, constraint_name="CK__cos_entry__rate__1A2B3C4D", is_system_named=True)
    target = part_of(real_model)
    assert sorted(d.message for d in verify_rows(target, rows)) == [
        "app.cos_entry constraint CK_app_cos_entry_rate: exists in sql/, missing in the database",
        "app.cos_entry unnamed CHECK [rate] >= (0): missing in sql/, exists in the database",
    ]


# -- stored forms: every expression of sql/ ------------------------------------------------------------

# (kind, as written in sql/, as SQL Server stores it). CK: CHECK, DF: DEFAULT, CC: computed column,
# FL: index filter. One entry per distinct expression of the real model; the last test proves that.
STORED_FORMS = [
    ("CK", "(CASE WHEN value_text IS NULL THEN 0 ELSE 1 END) + (CASE WHEN value_number IS NULL THEN 0 ELSE 1 END) + (CASE WHEN value_bool IS NULL THEN 0 ELSE 1 END) + (CASE WHEN value_date IS NULL THEN 0 ELSE 1 END) = 1", "((((case when [value_text] IS NULL then (0) else (1) end+case when [value_number] IS NULL then (0) else (1) end)+case when [value_bool] IS NULL then (0) else (1) end)+case when [value_date] IS NULL then (0) else (1) end)=(1))"),  # noqa: E501
    ("CK", "(claimed_at IS NULL AND claimed_by IS NULL) OR (claimed_at IS NOT NULL AND claimed_by IS NOT NULL)", "([claimed_at] IS NULL AND [claimed_by] IS NULL OR [claimed_at] IS NOT NULL AND [claimed_by] IS NOT NULL)"),
    ("CK", "(is_done = 1 AND done_at IS NOT NULL) OR (is_done = 0 AND done_at IS NULL)", "([is_done]=(1) AND [done_at] IS NOT NULL OR [is_done]=(0) AND [done_at] IS NULL)"),
    ("CK", "(is_enabled = 1 AND disabled_at IS NULL) OR (is_enabled = 0 AND disabled_at IS NOT NULL)", "([is_enabled]=(1) AND [disabled_at] IS NULL OR [is_enabled]=(0) AND [disabled_at] IS NOT NULL)"),
    ("CK", "(locked_at IS NULL AND locked_by IS NULL AND locked_until IS NULL) OR (locked_at IS NOT NULL AND locked_by IS NOT NULL AND locked_until > locked_at)", "([locked_at] IS NULL AND [locked_by] IS NULL AND [locked_until] IS NULL OR [locked_at] IS NOT NULL AND [locked_by] IS NOT NULL AND [locked_until]>[locked_at])"),  # noqa: E501
    ("CK", "(status = 'pending' AND resolved_at IS NULL AND resolved_by IS NULL) OR (status <> 'pending' AND resolved_at IS NOT NULL)", "([status]='pending' AND [resolved_at] IS NULL AND [resolved_by] IS NULL OR [status]<>'pending' AND [resolved_at] IS NOT NULL)"),  # noqa: E501
    ("CK", "(status = 'pending' AND resolved_at IS NULL AND resolved_deal_id IS NULL AND resolved_by IS NULL) OR (status = 'resolved' AND resolved_at IS NOT NULL AND resolved_deal_id IS NOT NULL) OR (status = 'dismissed' AND resolved_at IS NOT NULL AND resolved_deal_id IS NULL)", "([status]='pending' AND [resolved_at] IS NULL AND [resolved_deal_id] IS NULL AND [resolved_by] IS NULL OR [status]='resolved' AND [resolved_at] IS NOT NULL AND [resolved_deal_id] IS NOT NULL OR [status]='dismissed' AND [resolved_at] IS NOT NULL AND [resolved_deal_id] IS NULL)"),  # noqa: E501
    ("CK", "(status IN ('succeeded', 'dead', 'cancelled') AND finished_at IS NOT NULL) OR (status IN ('queued', 'running', 'failed') AND finished_at IS NULL)", "(([status]='cancelled' OR [status]='dead' OR [status]='succeeded') AND [finished_at] IS NOT NULL OR ([status]='failed' OR [status]='running' OR [status]='queued') AND [finished_at] IS NULL)"),  # noqa: E501
    ("CK", "ISJSON(candidates_json) = 1", "(isjson([candidates_json])=(1))"),
    ("CK", "ISJSON(cc_json) = 1", "(isjson([cc_json])=(1))"),
    ("CK", "ISJSON(changed_components) = 1", "(isjson([changed_components])=(1))"),
    ("CK", "ISJSON(condition_json) = 1", "(isjson([condition_json])=(1))"),
    ("CK", "ISJSON(config_value) = 1", "(isjson([config_value])=(1))"),
    ("CK", "ISJSON(conflicting_client_ids) = 1", "(isjson([conflicting_client_ids])=(1))"),
    ("CK", "ISJSON(conflicting_contact_ids) = 1", "(isjson([conflicting_contact_ids])=(1))"),
    ("CK", "ISJSON(data_json) = 1", "(isjson([data_json])=(1))"),
    ("CK", "ISJSON(data_preserved) = 1", "(isjson([data_preserved])=(1))"),
    ("CK", "ISJSON(evidence_json) = 1", "(isjson([evidence_json])=(1))"),
    ("CK", "ISJSON(field_value_json) = 1", "(isjson([field_value_json])=(1))"),
    ("CK", "ISJSON(headers_json) = 1", "(isjson([headers_json])=(1))"),
    ("CK", "ISJSON(merged_keys) = 1", "(isjson([merged_keys])=(1))"),
    ("CK", "ISJSON(missing_keys) = 1", "(isjson([missing_keys])=(1))"),
    ("CK", "ISJSON(normalized_keys_json) = 1", "(isjson([normalized_keys_json])=(1))"),
    ("CK", "ISJSON(options_json) = 1", "(isjson([options_json])=(1))"),
    ("CK", "ISJSON(params_json) = 1", "(isjson([params_json])=(1))"),
    ("CK", "ISJSON(payload_json) = 1", "(isjson([payload_json])=(1))"),
    ("CK", "ISJSON(policy) = 1", "(isjson([policy])=(1))"),
    ("CK", "ISJSON(references_json) = 1", "(isjson([references_json])=(1))"),
    ("CK", "ISJSON(request_json) = 1", "(isjson([request_json])=(1))"),
    ("CK", "ISJSON(response_json) = 1", "(isjson([response_json])=(1))"),
    ("CK", "ISJSON(to_json) = 1", "(isjson([to_json])=(1))"),
    ("CK", "ISJSON(value_json) = 1", "(isjson([value_json])=(1))"),
    ("CK", "status NOT IN ('sent', 'signed') OR sent_at IS NOT NULL", "([status]<>'signed' AND [status]<>'sent' OR [sent_at] IS NOT NULL)"),
    ("CK", "LEN(payload_hash) = 64 AND payload_hash NOT LIKE '%[^0-9a-f]%'", "(len([payload_hash])=(64) AND NOT [payload_hash] like '%[^0-9a-f]%')"),
    ("CK", "[key] <> '' AND [key] NOT LIKE '%[^a-z0-9_]%'", "([key]<>'' AND NOT [key] like '%[^a-z0-9_]%')"),
    ("CK", "action <> '' AND action NOT LIKE '%[^a-z0-9_]%'", "([action]<>'' AND NOT [action] like '%[^a-z0-9_]%')"),
    ("CK", "active_to > active_from", "([active_to]>[active_from])"),
    ("CK", "attempts >= 0 AND attempts <= max_attempts", "([attempts]>=(0) AND [attempts]<=[max_attempts])"),
    ("CK", "crm <> '' AND crm NOT LIKE '%[^a-z0-9_]%'", "([crm]<>'' AND NOT [crm] like '%[^a-z0-9_]%')"),
    ("CK", "crm_deal_id <> ''", "([crm_deal_id]<>'')"),
    ("CK", "direction IN ('inbound', 'outbound')", "([direction]='outbound' OR [direction]='inbound')"),
    ("CK", "field_key <> '' AND field_key NOT LIKE '%[^a-z0-9_]%'", "([field_key]<>'' AND NOT [field_key] like '%[^a-z0-9_]%')"),
    ("CK", "finished_at >= started_at", "([finished_at]>=[started_at])"),
    ("CK", "framework <> '' AND framework NOT LIKE '%[^a-z0-9_]%'", "([framework]<>'' AND NOT [framework] like '%[^a-z0-9_]%')"),
    ("CK", "idempotency_key <> ''", "([idempotency_key]<>'')"),
    ("CK", "job_type <> '' AND job_type NOT LIKE '%[^a-z0-9_.]%'", "([job_type]<>'' AND NOT [job_type] like '%[^a-z0-9_.]%')"),
    ("CK", "lease_until IS NULL OR (claimed_at IS NOT NULL AND lease_until > claimed_at)", "([lease_until] IS NULL OR [claimed_at] IS NOT NULL AND [lease_until]>[claimed_at])"),
    ("CK", "cadence_days >= 1", "([cadence_days]>=(1))"),
    ("CK", "compliance_score BETWEEN 0 AND 100", "([compliance_score]>=(0) AND [compliance_score]<=(100))"),
    ("CK", "component_name <> '' AND component_name NOT LIKE '%[^a-z0-9_]%'", "([component_name]<>'' AND NOT [component_name] like '%[^a-z0-9_]%')"),
    ("CK", "component_weight >= 0", "([component_weight]>=(0))"),
    ("CK", "confidence BETWEEN 0 AND 1", "([confidence]>=(0) AND [confidence]<=(1))"),
    ("CK", "confidence_score BETWEEN 0 AND 1", "([confidence_score]>=(0) AND [confidence_score]<=(1))"),
    ("CK", "config_type IN ('sla_rule', 'spotlight_rule', 'gate_rule', 'ranking_rule')", "([config_type]='ranking_rule' OR [config_type]='gate_rule' OR [config_type]='spotlight_rule' OR [config_type]='sla_rule')"),
    ("CK", "cos_amount >= 0", "([cos_amount]>=(0))"),
    ("CK", "cos_hours >= 0", "([cos_hours]>=(0))"),
    ("CK", "data_type <> 'choice' OR options_json IS NOT NULL", "([data_type]<>'choice' OR [options_json] IS NOT NULL)"),
    ("CK", "data_type IN ('text', 'number', 'boolean', 'date', 'choice')", "([data_type]='choice' OR [data_type]='date' OR [data_type]='boolean' OR [data_type]='number' OR [data_type]='text')"),
    ("CK", "depends_on_field_id <> field_id", "([depends_on_field_id]<>[field_id])"),
    ("CK", "effective_to > effective_from", "([effective_to]>[effective_from])"),
    ("CK", "field_key NOT LIKE '%[^a-z0-9_]%'", "(NOT [field_key] like '%[^a-z0-9_]%')"),
    ("CK", "forecast_value_usd >= 0", "([forecast_value_usd]>=(0))"),
    ("CK", "hours >= 0", "([hours]>=(0))"),
    ("CK", "item_type IN ('signal', 'candidate', 'pursuit')", "([item_type]='pursuit' OR [item_type]='candidate' OR [item_type]='signal')"),
    ("CK", "item_type IN ('signal', 'candidate', 'pursuit', 'proposal', 'drip')", "([item_type]='drip' OR [item_type]='proposal' OR [item_type]='pursuit' OR [item_type]='candidate' OR [item_type]='signal')"),
    ("CK", "key_type IN ('email', 'phone', 'source_ref', 'company_domain')", "([key_type]='company_domain' OR [key_type]='source_ref' OR [key_type]='phone' OR [key_type]='email')"),
    ("CK", "key_value <> ''", "([key_value]<>'')"),
    ("CK", "last_seen_at >= first_seen_at", "([last_seen_at]>=[first_seen_at])"),
    ("CK", "link_confidence BETWEEN 0 AND 1", "([link_confidence]>=(0) AND [link_confidence]<=(1))"),
    ("CK", "link_reason <> ''", "([link_reason]<>'')"),
    ("CK", "link_type IN ('thread', 'doc')", "([link_type]='doc' OR [link_type]='thread')"),
    ("CK", "max_attempts >= 1", "([max_attempts]>=(1))"),
    ("CK", "max_possible_score >= 0 AND component_score <= max_possible_score", "([max_possible_score]>=(0) AND [component_score]<=[max_possible_score])"),
    ("CK", "message_id <> ''", "([message_id]<>'')"),
    ("CK", "message_row_id IS NULL OR thread_id IS NOT NULL", "([message_row_id] IS NULL OR [thread_id] IS NOT NULL)"),
    ("CK", "module_code NOT LIKE '%[^a-z0-9_]%'", "(NOT [module_code] like '%[^a-z0-9_]%')"),
    ("CK", "name <> ''", "([name]<>'')"),
    ("CK", "occurrences >= 1", "([occurrences]>=(1))"),
    ("CK", "optimistic_hours >= 0 AND optimistic_hours <= most_likely_hours AND most_likely_hours <= pessimistic_hours", "([optimistic_hours]>=(0) AND [optimistic_hours]<=[most_likely_hours] AND [most_likely_hours]<=[pessimistic_hours])"),  # noqa: E501
    ("CK", "policy_key <> '' AND policy_key NOT LIKE '%[^a-z0-9_]%'", "([policy_key]<>'' AND NOT [policy_key] like '%[^a-z0-9_]%')"),
    ("CK", "primary_contact_id <> merged_contact_id", "([primary_contact_id]<>[merged_contact_id])"),
    ("CK", "pursuit_stage IN ('qual', 'pink', 'red', 'submit', 'won', 'lost')", "([pursuit_stage]='lost' OR [pursuit_stage]='won' OR [pursuit_stage]='submit' OR [pursuit_stage]='red' OR [pursuit_stage]='pink' OR [pursuit_stage]='qual')"),  # noqa: E501
    ("CK", "rate >= 0", "([rate]>=(0))"),
    ("CK", "readiness_score BETWEEN 0 AND 1", "([readiness_score]>=(0) AND [readiness_score]<=(1))"),
    ("CK", "reason <> ''", "([reason]<>'')"),
    ("CK", "resolution_status <> 'manual_resolved' OR (resolved_by IS NOT NULL AND resolved_at IS NOT NULL)", "([resolution_status]<>'manual_resolved' OR [resolved_by] IS NOT NULL AND [resolved_at] IS NOT NULL)"),
    ("CK", "resolution_status = 'pending' OR resolved_at IS NOT NULL", "([resolution_status]='pending' OR [resolved_at] IS NOT NULL)"),
    ("CK", "resolution_status IN ('pending', 'resolved', 'ignored')", "([resolution_status]='ignored' OR [resolution_status]='resolved' OR [resolution_status]='pending')"),
    ("CK", "resolution_status IN ('unresolved', 'auto_resolved', 'manual_resolved', 'conflict')", "([resolution_status]='conflict' OR [resolution_status]='manual_resolved' OR [resolution_status]='auto_resolved' OR [resolution_status]='unresolved')"),  # noqa: E501
    ("CK", "resolved_at >= breached_at", "([resolved_at]>=[breached_at])"),
    ("CK", "retry_count >= 0 AND retry_count <= max_attempts", "([retry_count]>=(0) AND [retry_count]<=[max_attempts])"),
    ("CK", "rule_type IN ('visibility', 'validation', 'required')", "([rule_type]='required' OR [rule_type]='validation' OR [rule_type]='visibility')"),
    ("CK", "score_delta = new_score - COALESCE(previous_score, 0)", "([score_delta]=([new_score]-coalesce([previous_score],(0))))"),
    ("CK", "source_type IN ('email', 'ad', 'call', 'note')", "([source_type]='note' OR [source_type]='call' OR [source_type]='ad' OR [source_type]='email')"),
    ("CK", "status <> 'active' OR next_run_at IS NOT NULL", "([status]<>'active' OR [next_run_at] IS NOT NULL)"),
    ("CK", "status <> 'failed' OR error IS NOT NULL", "([status]<>'failed' OR [error] IS NOT NULL)"),
    ("CK", "status <> 'running' OR locked_at IS NOT NULL", "([status]<>'running' OR [locked_at] IS NOT NULL)"),
    ("CK", "status IN ('active', 'paused', 'done')", "([status]='done' OR [status]='paused' OR [status]='active')"),
    ("CK", "status IN ('draft', 'sent', 'signed', 'void')", "([status]='void' OR [status]='signed' OR [status]='sent' OR [status]='draft')"),
    ("CK", "status IN ('dry_run', 'pending', 'succeeded', 'failed', 'skipped')", "([status]='skipped' OR [status]='failed' OR [status]='succeeded' OR [status]='pending' OR [status]='dry_run')"),
    ("CK", "status IN ('new', 'triaged', 'nurture', 'on_hold', 'promoted', 'archived')", "([status]='archived' OR [status]='promoted' OR [status]='on_hold' OR [status]='nurture' OR [status]='triaged' OR [status]='new')"),  # noqa: E501
    ("CK", "status IN ('open', 'closed', 'ignored', 'archived')", "([status]='archived' OR [status]='ignored' OR [status]='closed' OR [status]='open')"),
    ("CK", "status IN ('pending', 'approved', 'rejected', 'dismissed')", "([status]='dismissed' OR [status]='rejected' OR [status]='approved' OR [status]='pending')"),
    ("CK", "status IN ('pending', 'resolved', 'dismissed')", "([status]='dismissed' OR [status]='resolved' OR [status]='pending')"),
    ("CK", "status IN ('queued', 'cancelled') OR started_at IS NOT NULL", "([status]='cancelled' OR [status]='queued' OR [started_at] IS NOT NULL)"),
    ("CK", "status IN ('queued', 'running') OR finished_at IS NOT NULL", "([status]='running' OR [status]='queued' OR [finished_at] IS NOT NULL)"),
    ("CK", "status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')", "([status]='cancelled' OR [status]='failed' OR [status]='succeeded' OR [status]='running' OR [status]='queued')"),
    ("CK", "status IN ('queued', 'running', 'succeeded', 'failed', 'dead', 'cancelled')", "([status]='cancelled' OR [status]='dead' OR [status]='failed' OR [status]='succeeded' OR [status]='running' OR [status]='queued')"),  # noqa: E501
    ("CK", "threshold_hrs >= 1", "([threshold_hrs]>=(1))"),
    ("CK", "type <> '' AND type NOT LIKE '%[^a-z0-9_.]%'", "([type]<>'' AND NOT [type] like '%[^a-z0-9_.]%')"),
    ("CK", "urgency_score BETWEEN 0 AND 1", "([urgency_score]>=(0) AND [urgency_score]<=(1))"),
    ("CK", "value_band IN ('low', 'med', 'high')", "([value_band]='high' OR [value_band]='med' OR [value_band]='low')"),
    ("CK", "version >= 1", "([version]>=(1))"),
    ("DF", "('active')", "('active')"),
    ("DF", "('draft')", "('draft')"),
    ("DF", "('new')", "('new')"),
    ("DF", "('open')", "('open')"),
    ("DF", "('pending')", "('pending')"),
    ("DF", "('qual')", "('qual')"),
    ("DF", "('queued')", "('queued')"),
    ("DF", "('unresolved')", "('unresolved')"),
    ("DF", "(0)", "((0))"),
    ("DF", "(1)", "((1))"),
    ("DF", "(1.0)", "((1.0))"),
    ("DF", "(5)", "((5))"),
    ("DF", "(NEWSEQUENTIALID())", "(newsequentialid())"),
    ("DF", "(SYSUTCDATETIME())", "(sysutcdatetime())"),
    ("CC", "CAST(hours * rate AS decimal(18, 2))", "(CONVERT([decimal](18,2),[hours]*[rate]))"),
    ("FL", "canonical_client_id IS NOT NULL", "([canonical_client_id] IS NOT NULL)"),
    ("FL", "config_id IS NOT NULL", "([config_id] IS NOT NULL)"),
    ("FL", "canonical_contact_id IS NOT NULL", "([canonical_contact_id] IS NOT NULL)"),
    ("FL", "deal_id IS NOT NULL", "([deal_id] IS NOT NULL)"),
    ("FL", "is_active = 1", "([is_active]=(1))"),
    ("FL", "is_active = 1 AND effective_to IS NULL", "([is_active]=(1) AND [effective_to] IS NULL)"),
    ("FL", "job_id IS NOT NULL", "([job_id] IS NOT NULL)"),
    ("FL", "message_row_id IS NOT NULL", "([message_row_id] IS NOT NULL)"),
    ("FL", "processed_at IS NULL AND dead_letter_at IS NULL", "([processed_at] IS NULL AND [dead_letter_at] IS NULL)"),
    ("FL", "resolution_status = 'pending'", "([resolution_status]='pending')"),
    ("FL", "resolution_status = 'unresolved'", "([resolution_status]='unresolved')"),
    ("FL", "resolved_at IS NULL", "([resolved_at] IS NULL)"),
    ("FL", "resolved_deal_id IS NOT NULL", "([resolved_deal_id] IS NOT NULL)"),
    ("FL", "status = 'active'", "([status]='active')"),
    ("FL", "thread_id IS NOT NULL", "([thread_id] IS NOT NULL)"),
]


def parse(kind: str, text: str):
    """A CHECK or filter as a predicate, a DEFAULT or computed column as an expression."""
    if kind in ("CK", "FL"):
        return sqlglot.parse_one(f"SELECT 1 WHERE {text}", read="tsql").args["where"].this
    return sqlglot.parse_one(f"SELECT {text}", read="tsql").expressions[0]


def server_signature(kind: str, text: str):
    return tree_signature(server_form(parse(kind, text)))


@pytest.mark.parametrize("kind, written, stored", STORED_FORMS, ids=[f"{k}:{w[:40]}" for k, w, _ in STORED_FORMS])
def test_every_expression_of_sql_equals_its_stored_form(kind, written, stored):
    assert server_signature(kind, written) == server_signature(kind, stored)


@pytest.mark.parametrize(
    "kind, written, stored",
    [
        ("CK", "status IN ('active', 'paused', 'done')", "([status]='done' OR [status]='paused' OR [status]='Active')"),
        ("CK", "status IN ('active', 'paused', 'done')", "([status]='done' OR [status]='paused')"),
        ("CK", "status IN ('active', 'paused', 'done')", "([state]='done' OR [state]='paused' OR [state]='active')"),
        ("CK", "status NOT IN ('sent', 'signed') OR sent_at IS NOT NULL", "([status]<>'signed' OR [status]<>'sent' OR [sent_at] IS NOT NULL)"),
        ("CK", "urgency_score BETWEEN 0 AND 1", "([urgency_score]>(0) AND [urgency_score]<=(1))"),
        ("CK", "urgency_score BETWEEN 0 AND 1", "([urgency_score]>=(0) AND [urgency_score]<=(10))"),
        ("CK", "module_code NOT LIKE '%[^a-z0-9_]%'", "([module_code] like '%[^a-z0-9_]%')"),
        ("CK", "(is_done = 1 AND done_at IS NOT NULL) OR (is_done = 0 AND done_at IS NULL)", "([is_done]=(1) AND ([done_at] IS NOT NULL OR [is_done]=(0)) AND [done_at] IS NULL)"),
        ("DF", "(0)", "((1))"),
        ("DF", "(1)", "((1.0))"),
        ("DF", "(SYSUTCDATETIME())", "(getutcdate())"),
        ("CC", "CAST(hours * rate AS decimal(18, 2))", "(CONVERT([decimal](18,2),[hours]+[rate]))"),
        ("CC", "CAST(hours * rate AS decimal(18, 2))", "(CONVERT([varchar](20),[hours]*[rate],(1)))"),
        ("FL", "is_active = 1 AND effective_to IS NULL", "([is_active]=(1) OR [effective_to] IS NULL)"),
    ],
)
def test_a_real_change_in_the_stored_form_is_still_a_difference(kind, written, stored):
    assert server_signature(kind, written) != server_signature(kind, stored)


def test_the_stored_forms_cover_every_expression_of_the_real_model(real_model):
    known = {(kind, tree_signature(parse(kind, written))) for kind, written, _ in STORED_FORMS}
    missing = []
    for table in real_model.tables.values():
        for constraint in table.constraints:
            if constraint.kind in ("CK", "DF") and ("CK" if constraint.kind == "CK" else "DF", tree_signature(constraint.expression)) not in known:
                missing.append(f"{table.full_name} {constraint.kind} {constraint.expression.sql('tsql')}")
            if constraint.kind == "COMPUTED" and ("CC", tree_signature(constraint.expression)) not in known:
                missing.append(f"{table.full_name} computed {constraint.expression.sql('tsql')}")
        for index in table.indexes:
            if index.filter is not None and ("FL", tree_signature(index.filter)) not in known:
                missing.append(f"{table.full_name} {index.name} WHERE {index.filter_sql}")
    assert missing == [], "add their stored forms to STORED_FORMS"


def test_without_server_forms_the_stored_forms_are_differences_as_in_build(target):
    plain = diff_catalogs(target, live_catalog(live_rows()), "in sql/", "in the database")
    assert [d.subject for d in plain] == [
        "data script app.config_registry",
        "data script core.module",
        "data script core.org",
        "app.cos_entry.amount",
        "app.drip_schedule constraint CK_app_drip_schedule_status",
        "app.signal constraint CK_app_signal_source_type",
        "app.signal constraint CK_app_signal_urgency_score",
    ]


# -- reports --------------------------------------------------------------------------------------------

SAMPLE = [
    Difference("sql/tables/app.signal.sql", 18, "app.signal.contact_phone", "app.signal.contact_phone: varchar(32) in sql/, varchar(30) in the database"),
    Difference("sql/tables/app.signal.sql", 44, "app.signal index IX_signal_cluster", "app.signal index IX_signal_cluster: exists in sql/, missing in the database"),
]


def test_the_text_report_is_one_line_per_difference_and_a_summary():
    assert render_verify(SAMPLE, "text", database="workstream", seconds=0.4242) == (
        "sql/tables/app.signal.sql:18: app.signal.contact_phone: varchar(32) in sql/, varchar(30) in the database\n"
        "sql/tables/app.signal.sql:44: app.signal index IX_signal_cluster: exists in sql/, missing in the database\n"
        "wsdb verify: 2 difference(s) in workstream (0.42 s)\n"
    )


def test_the_text_report_of_a_clean_database_says_no_drift():
    assert render_verify([], "text", database="workstream", seconds=1.0) == "wsdb verify: no drift in workstream (1.00 s)\n"


def test_the_json_report_lists_differences_and_a_summary():
    payload = json.loads(render_verify(SAMPLE, "json", database="workstream", seconds=0.4242))
    assert payload["summary"] == {"database": "workstream", "differences": 2, "seconds": 0.424}
    assert payload["differences"][0] == {
        "path": "sql/tables/app.signal.sql",
        "line": 18,
        "subject": "app.signal.contact_phone",
        "message": "app.signal.contact_phone: varchar(32) in sql/, varchar(30) in the database",
    }


def test_the_junit_report_has_one_failing_testcase_per_difference():
    suite = ET.fromstring(render_verify(SAMPLE, "junit", database="workstream", seconds=0.5))
    assert (suite.tag, suite.get("tests"), suite.get("failures")) == ("testsuite", "2", "2")
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == ["app.signal.contact_phone", "app.signal index IX_signal_cluster"]
    assert cases[0].find("failure").text == "sql/tables/app.signal.sql:18: app.signal.contact_phone: varchar(32) in sql/, varchar(30) in the database"


def test_the_junit_report_of_a_clean_database_has_one_passing_testcase():
    suite = ET.fromstring(render_verify([], "junit", database="workstream", seconds=0.5))
    assert (suite.get("tests"), suite.get("failures")) == ("1", "0")
    assert [c.find("failure") for c in suite.findall("testcase")] == [None]


def test_the_junit_report_of_real_drift_parses(target):
    rows = change(live_rows(), "check_constraints", {"constraint_name": "CK_app_drip_schedule_status"}, definition="([status]='x' OR [status]<'&')")
    suite = ET.fromstring(render_verify(verify_rows(target, rows), "junit", database="a&b", seconds=0.1))
    assert suite.get("failures") == "1"


def test_an_unknown_report_format_is_refused():
    with pytest.raises(ValueError):
        render_verify([], "yaml", database="x", seconds=0)


def test_every_catalog_query_has_rows_in_the_sample():
    rows = live_rows()
    assert set(rows) == set(CATALOG_QUERIES)
    # Objects beyond the model and security policies have their own tests (test_catalog).
    assert [name for name, group in rows.items() if not group and name not in ("objects", "security_policies")] == []


def test_the_sample_rows_cover_a_view_a_procedure_and_datetime2_columns():
    rows = live_rows()
    assert {r["object_type"] for r in rows["modules"]} == {"V ", "P "}
    assert any((r["type_name"], r["max_length"], r["precision"], r["scale"]) == DATETIME2 for r in rows["columns"])


# -- small projects: what the real model does not use --------------------------------------------------

THING = """
-- Things to track.
CREATE TABLE app.thing (
    thing_id int NOT NULL, -- Primary key
    org_id int NOT NULL, -- Org
    CONSTRAINT PK_app_thing PRIMARY KEY CLUSTERED (thing_id),
    CONSTRAINT FK_app_thing_org_id_core_org FOREIGN KEY (org_id) REFERENCES core.org (org_id) ON DELETE CASCADE
);

-- wsdb:alias IX_thing_org the seed's name for the same keys
CREATE NONCLUSTERED INDEX IX_app_thing_org_id ON app.thing (org_id); -- By org
"""


def thing_model(project) -> Catalog:
    """app.thing of a small project (its schemas and core.org left out: the rows hold app.thing only)."""
    project.write("sql/tables/app.thing.sql", THING)
    catalog = read_catalog(project.root, FindingSink())
    resolve_catalog(catalog, FindingSink())
    return Catalog(tables={"app.thing": catalog.tables["app.thing"]}, files=catalog.files)


def thing_rows(delete_action: str = "CASCADE", alias: str | None = "IX_thing_org") -> dict:
    rows = empty_rows()
    t = TableRows(rows, "app", "thing")
    t.describe("Things to track.")
    t.column("thing_id", INT, nullable=False, description="Primary key")
    t.column("org_id", INT, nullable=False, description="Org")
    t.key("PK_app_thing", "PK", "CLUSTERED", ["thing_id"])
    t.fk("FK_app_thing_org_id_core_org", ["org_id"], "core.org", ["org_id"], delete_referential_action_desc=delete_action)
    t.index("IX_app_thing_org_id", ["org_id"], description="By org")
    if alias:
        rows["extended_properties"].append({**rows["extended_properties"][-1], "property_name": "wsdb_alias", "property_value": alias})
    return rows


def test_a_foreign_key_that_cascades_in_sql_and_in_the_database_is_not_drift(project):
    assert lines(verify_rows(thing_model(project), thing_rows())) == []


def test_a_foreign_key_that_cascades_only_in_sql_is_one_difference(project):
    assert [d.message for d in verify_rows(thing_model(project), thing_rows(delete_action="NO_ACTION"))] == [
        "app.thing constraint FK_app_thing_org_id_core_org: ON DELETE CASCADE in sql/, ON DELETE NO ACTION in the database"
    ]


def test_an_index_alias_is_read_from_its_extended_property(project):
    assert [d.message for d in verify_rows(thing_model(project), thing_rows(alias=None))] == [
        "app.thing index IX_app_thing_org_id: aliases (IX_thing_org) in sql/, () in the database"
    ]
