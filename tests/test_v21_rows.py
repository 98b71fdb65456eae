"""The v2.1 rows fixture fits the v2.1 schema: proven offline against the replayed migrations.

tests/fixtures/v21_rows.sql is run by the live upgrade test on a real SQL Server after the migrations of
order.txt up to 20250907_today_panel_view. Here nothing runs it: tests/v21_rows_check.py reads it with
sqlglot and sqlfluff and checks it against the model harness.replay.Replay leaves after those scripts,
so a change to the fixture or to the migrations that would break the live test breaks these first.
Every check is also shown failing on a copy of the fixture broken on purpose.
"""

from __future__ import annotations

import pytest
from sqlglot import exp

from harness.model import Catalog
from harness.replay import Replay

from .v21_rows_check import (
    FIXTURE,
    REPO,
    drop_column,
    identity_column,
    migration_names,
    move_before,
    read_fixture,
    remove_table,
    replace_insert,
    replay,
    set_value,
    survival_problems,
    v21_names,
    validate,
)

V21_SCRIPTS = [
    "20250907_add_workstream_tables",
    "20250907_add_core_modules",
    "20250907_final_tightenings",
    "20250907_today_panel_view",
]


@pytest.fixture(scope="module")
def v21() -> Catalog:
    r = replay(v21_names())
    assert [f.text() for f in r.sink.sorted()] == []
    return r.state


@pytest.fixture(scope="module")
def latest() -> Catalog:
    r = replay(migration_names())
    assert [f.text() for f in r.sink.sorted()] == []
    return r.state


@pytest.fixture(scope="module")
def text() -> str:
    return FIXTURE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def report(text: str, v21: Catalog):
    return validate(text, v21)


def problems_of(text: str, catalog: Catalog) -> list[str]:
    return validate(text, catalog, sqlfluff=False).problems()


def line_of(text: str, table: str) -> int:
    """Line of the INSERT into ``table`` in ``text``."""
    return read_fixture(text).insert_into(table).line


def app_and_core(catalog: Catalog) -> list[str]:
    return sorted(k for k, t in catalog.tables.items() if t.schema.lower() in ("app", "core"))


# -- the fixture against v2.1 -------------------------------------------------------------------------


def test_v2_1_is_what_the_four_migrations_up_to_the_first_today_panel_leave(v21: Catalog):
    assert v21_names() == V21_SCRIPTS
    # The v2.1 shape: no spotlight or identity tables yet, and signals without the identity columns.
    assert "app.spotlights" not in v21.tables and "app.canonical_identity_keys" not in v21.tables
    assert v21.tables["app.signal"].column("contact_email") is None


def test_the_fixture_opens_with_a_header_saying_what_it_is_and_who_runs_it(text: str):
    header = text[: text.index("*/")]
    assert text.startswith("/*")
    assert "20250907_today_panel_view" in header
    assert "live" in header and "ONE batch" in header


def test_the_fixture_is_one_batch_without_go_that_sqlfluff_and_sqlglot_parse(report, text: str):
    assert report.parse == []
    assert read_fixture(text).inserts, "no INSERT found"


def test_every_insert_targets_a_v2_1_table_and_names_only_its_columns(report):
    assert report.targets == []


def test_every_table_of_app_and_core_at_v2_1_receives_rows(report, v21: Catalog):
    assert report.missing_tables == [], f"no INSERT into: {', '.join(report.missing_tables)}"
    assert len(app_and_core(v21)) >= 20


def test_tables_with_an_allowed_values_check_or_a_business_unique_key_receive_two_rows(text: str, v21: Catalog):
    fixture = read_fixture(text)
    rows = {i.key: len(i.rows) for i in fixture.inserts}
    interesting = []
    for key in app_and_core(v21):
        table = v21.tables[key]
        pk = table.primary_key().columns if table.primary_key() else []
        tenant_keys = [["org_id", *pk]]
        unique = [c for c in table.unique_keys() if c != pk and c not in tenant_keys]
        unique += [[k for k, _ in ix.keys] for ix in table.indexes if ix.unique and ix.filter is not None]
        lists = [c for c in table.constraints if c.kind == "CK" and c.expression.find(exp.In)]
        if unique or lists:
            interesting.append(key)
    assert "app.signal" in interesting and "app.sla_breach" in interesting
    assert [k for k in interesting if rows.get(k, 0) < 2] == []


def test_every_required_column_is_supplied_by_every_insert(report):
    assert report.required == []


def test_no_value_is_null_for_a_not_null_column_or_fails_to_convert_to_its_type(report):
    assert report.values == []


def test_parents_are_inserted_before_their_children(report):
    assert report.order == []


def test_every_foreign_key_names_a_row_of_the_fixture_or_of_a_migrations_reference_data(report):
    assert report.foreign_keys == []


def test_the_values_satisfy_every_check_constraint_of_v2_1_and_each_one_was_decided(report, v21: Catalog):
    assert report.checks.violations == []
    assert report.checks.unevaluated == []
    checks = {f"{t.full_name}.{c.name}" for k in app_and_core(v21) for t in [v21.tables[k]] for c in t.constraints if c.kind == "CK"}
    assert len(checks) > 30
    # Not merely UNKNOWN (NULL) for every row: each CHECK holds TRUE for at least one row.
    assert {name for name, n in report.checks.satisfied.items() if n} == checks


def test_no_two_rows_share_a_primary_key_a_unique_constraint_or_a_unique_index(report):
    assert report.unique == []


def test_explicit_identity_values_are_wrapped_in_identity_insert_for_their_table(report, text: str, v21: Catalog):
    assert report.identity == []
    fixture = read_fixture(text)
    with_identity = [i for i in fixture.inserts if identity_column(v21.tables[i.key])]
    assert len(with_identity) >= 15
    assert all(i.named(identity_column(v21.tables[i.key]).name) for i in with_identity)


def test_every_function_default_is_overridden_so_the_rows_are_deterministic(report):
    assert report.determinism == []


def test_the_rows_still_fit_the_schema_after_the_remaining_migrations(text: str, v21: Catalog, latest: Catalog):
    assert len(latest.tables) > len(v21.tables)
    assert survival_problems(text, v21, latest) == []


# -- copies broken on purpose: every check can fail ---------------------------------------------------


def test_a_copy_missing_a_required_column_names_that_column(text: str, v21: Catalog):
    problems = problems_of(drop_column(text, "app.signal", "source_ref"), v21)
    assert len(problems) == 1
    assert "does not supply app.signal.source_ref (NOT NULL, no default)" in problems[0]


def test_a_copy_without_one_table_names_that_table(text: str, v21: Catalog):
    broken = validate(remove_table(text, "app.pursuit_checklist"), v21, sqlfluff=False)
    assert broken.missing_tables == ["app.pursuit_checklist"]
    assert broken.problems() == ["no INSERT into app.pursuit_checklist"]


def test_a_copy_with_a_child_before_its_parent_names_the_foreign_key(text: str, v21: Catalog):
    problems = problems_of(move_before(text, "core.org_module", "core.user_account"), v21)
    assert len(problems) == 1
    assert "core.org_module is inserted before its parent core.module (FK_core_org_module_module_code_core_module)" in problems[0]


@pytest.mark.parametrize(
    "table, row, column, value, check",
    [
        ("app.candidate", 1, "status", "'dormant'", "CK_app_candidate_status"),
        ("app.proposal", 0, "sent_at", "NULL", "CK_app_proposal_sent_at"),
        ("app.pursuit_role_estimate", 0, "pessimistic_hours", "10.00", "CK_app_pursuit_role_estimate_pert_order"),
        ("app.signal", 0, "urgency_score", "1.50", "CK_app_signal_urgency_score"),
        ("app.signal_cluster", 0, "params_json", "N'42'", "CK_app_signal_cluster_params_json"),
        ("app.work_event", 0, "claimed_by", "'worker-9'", "CK_app_work_event_claim"),
        ("app.sla_rule", 1, "active_to", "'2024-12-31T00:00:00'", "CK_app_sla_rule_active_to"),
        ("core.org_module", 1, "disabled_at", "NULL", "CK_core_org_module_disabled_at"),
    ],
)
def test_a_copy_with_a_value_outside_a_check_names_the_check(text, v21, table, row, column, value, check):
    problems = problems_of(set_value(text, table, row, column, value), v21)
    assert len(problems) == 1, problems
    assert f"violates {check}" in problems[0]


def test_a_copy_with_a_module_code_outside_its_like_pattern_names_the_check(text: str, v21: Catalog):
    broken = set_value(text, "core.module", 0, "module_code", "'v21-fixture'")
    broken = set_value(broken, "core.org_module", 1, "module_code", "'v21-fixture'")
    problems = problems_of(broken, v21)
    assert len(problems) == 1 and "violates CK_core_module_module_code" in problems[0]


def test_a_value_the_fixture_computes_is_skipped_not_guessed(text: str, v21: Catalog):
    assert problems_of(set_value(text, "app.signal", 0, "urgency_score", "@score * 2"), v21) == []


def test_a_copy_naming_an_unknown_table_or_column_is_refused(text: str, v21: Catalog):
    unknown_column = text.replace("name, primary_domain, is_active", "name, domain_name, is_active", 1)
    assert problems_of(unknown_column, v21) == [f"line {line_of(text, 'core.client')}: INSERT INTO core.client: no column domain_name"]
    unknown_table = text.replace("INSERT INTO core.email_template (", "INSERT INTO core.mail_template (", 1)
    problems = problems_of(unknown_table, v21)
    assert f"line {line_of(text, 'core.email_template')}: INSERT INTO core.mail_template: no such table" in problems
    assert "no INSERT into core.email_template" in problems

    def give_amount(columns, rows):
        columns.append("amount")
        for row in rows:
            row.append(exp.Literal.number(1))

    computed = replace_insert(text, "app.cos_entry", give_amount)
    assert problems_of(computed, v21) == [
        f"line {line_of(text, 'app.cos_entry')}: INSERT INTO app.cos_entry: amount is computed and cannot be inserted"
    ]


def test_a_copy_with_a_go_line_or_a_syntax_error_or_its_own_transaction_does_not_pass(text: str, v21: Catalog):
    go_line = text[: text.index("-- core.client\n")].count("\n") + 1
    with_go = validate(text.replace("-- core.client\n", "GO\n-- core.client\n", 1), v21)
    assert with_go.parse == [f"line {go_line}: GO splits the fixture into 2 batches"]
    garbled = validate(text.replace("(2101, N'V2.1 Fixture Org'", "(2101 N'V2.1 Fixture Org'", 1), v21)
    assert any("sqlfluff cannot parse" in p for p in garbled.parse)
    assert any("sqlglot cannot parse the INSERT" in p for p in garbled.parse)
    begin_line = text[: text.index("SET NOCOUNT ON;")].count("\n") + 1
    transaction = validate(text.replace("SET NOCOUNT ON;", "BEGIN TRANSACTION;", 1), v21, sqlfluff=False)
    assert transaction.parse == [f"line {begin_line}: BEGIN TRANSACTION: the live test runs the fixture inside its own transaction"]


def test_a_copy_without_identity_insert_or_leaving_it_on_is_refused(text: str, v21: Catalog):
    without = problems_of(text.replace("SET IDENTITY_INSERT app.signal ON;\n", "", 1), v21)
    assert len(without) == 1
    assert "gives the identity column signal_id without SET IDENTITY_INSERT app.signal ON" in without[0]
    left_on = problems_of(text.replace("SET IDENTITY_INSERT app.signal OFF;\n", "", 1), v21)
    assert len(left_on) == 1 and "IDENTITY_INSERT ON for app.candidate while it is still ON for app.signal" in left_on[0]
    last_left_on = problems_of(text.replace("SET IDENTITY_INSERT app.pursuit_checklist OFF;\n", "", 1), v21)
    assert last_left_on == ["IDENTITY_INSERT is left ON for app.pursuit_checklist at the end of the fixture"]
    no_key = problems_of(drop_column(text, "app.proposal", "proposal_id"), v21)
    assert len(no_key) == 1 and "under IDENTITY_INSERT ON must give proposal_id" in no_key[0]


def test_a_copy_with_a_dangling_foreign_key_or_a_repeated_key_is_refused(text: str, v21: Catalog):
    dangling = problems_of(set_value(text, "app.signal", 0, "cluster_id", "2199"), v21)
    assert len(dangling) == 1 and "has no parent row in app.signal_cluster" in dangling[0]
    repeated = problems_of(set_value(text, "app.signal", 1, "dedupe_key", "'email:msg-2101'"), v21)
    assert len(repeated) == 1 and "repeats the key of line" in repeated[0] and "UX_signal_dedupe" in repeated[0]
    # UX_app_sla_breach_open only covers open breaches: a second open one of the same item and rule collides.
    reopened = problems_of(set_value(text, "app.sla_breach", 1, "resolved_at", "NULL"), v21)
    assert len(reopened) == 1 and "UX_app_sla_breach_open" in reopened[0]


def test_a_copy_with_a_value_its_column_cannot_hold_is_refused(text: str, v21: Catalog):
    too_long = problems_of(set_value(text, "app.signal", 0, "source_type", "'email-and-more-and-more'"), v21)
    assert any("do not fit varchar(16)" in p for p in too_long)
    too_big = problems_of(set_value(text, "app.pursuit", 0, "compliance_score", "1000.0"), v21)
    assert any("does not fit decimal(4,1)" in p for p in too_big)
    not_a_date = problems_of(set_value(text, "app.pursuit", 0, "due_date", "'soon'"), v21)
    assert any("app.pursuit.due_date" in p for p in not_a_date)
    mixed = problems_of(set_value(text, "app.signal", 1, "urgency_score", "'0.5'"), v21)
    assert mixed == [f"line {line_of(text, 'app.signal')}: INSERT INTO app.signal: urgency_score mixes string and number literals across its rows"]
    null = problems_of(set_value(text, "app.signal", 0, "source_ref", "NULL"), v21)
    assert null == [f"line {line_of(text, 'app.signal')} row 1: app.signal.source_ref is NOT NULL and is given NULL"]


def test_a_copy_that_leaves_a_timestamp_to_its_default_is_not_deterministic(text: str, v21: Catalog):
    problems = problems_of(drop_column(text, "app.signal", "created_at"), v21)
    assert problems == [f"line {line_of(text, 'app.signal')}: app.signal.created_at is left to its default (SYSUTCDATETIME())"]


# -- migrations changed on purpose: the fixture's proof follows the schema -----------------------------


def v21_plus(extra: str) -> Catalog:
    r = replay(v21_names())
    r.apply("migrations/20990101_extra.sql", extra)
    assert [f.text() for f in r.sink.sorted()] == []
    return r.state


def test_a_migration_adding_a_required_column_or_a_stricter_check_breaks_the_fixture(text: str):
    required = v21_plus("ALTER TABLE app.signal ADD language_code varchar(8) NOT NULL;\n")
    assert any("does not supply app.signal.language_code" in p for p in problems_of(text, required))
    stricter = v21_plus(
        "ALTER TABLE app.candidate WITH CHECK ADD CONSTRAINT CK_app_candidate_title CHECK (title LIKE N'Contoso%');\n"
    )
    problems = problems_of(text, stricter)
    assert len(problems) == 1 and "CK_app_candidate_title" in problems[0]
    assert problems[0].startswith(f"line {line_of(text, 'app.candidate')} row 2: app.candidate (title='Legacy reporting refresh')")
    new_table = v21_plus("CREATE TABLE app.note (note_id int NOT NULL, CONSTRAINT PK_app_note PRIMARY KEY (note_id));\n")
    assert problems_of(text, new_table) == ["no INSERT into app.note"]


def test_a_check_the_evaluator_cannot_read_is_reported_not_passed(text: str):
    opaque = v21_plus("ALTER TABLE app.signal WITH CHECK ADD CONSTRAINT CK_app_signal_ref CHECK (LEN(source_ref) > 3);\n")
    problems = problems_of(text, opaque)
    assert problems == ["app.signal.CK_app_signal_ref: cannot evaluate LEN(source_ref)"]


def test_a_later_unique_index_over_columns_the_rows_leave_null_is_caught(text: str, v21: Catalog):
    r = Replay()
    for name in migration_names():
        r.apply(f"migrations/{name}.sql", (REPO / "migrations" / f"{name}.sql").read_text(encoding="utf-8"))
    # Both signals get NULL in the new column; a unique index counts NULLs as equal.
    r.apply("migrations/20990101_extra.sql", "CREATE UNIQUE NONCLUSTERED INDEX UX_extra ON app.signal (org_id, contact_email);\n")
    problems = survival_problems(text, v21, r.state)
    assert len(problems) == 1 and "UX_extra" in problems[0] and "contact_email=NULL" in problems[0]
    r.apply("migrations/20990102_extra.sql", "ALTER TABLE app.pursuit ADD region varchar(8) NOT NULL;\n")
    assert "app.pursuit.region: added NOT NULL without a default to a table with rows" in survival_problems(text, v21, r.state)
