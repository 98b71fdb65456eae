"""The seed contract is checked against the model: every difference is reported where it is."""

from __future__ import annotations


def messages(project, code):
    return [f.message for f in project.findings(code)]


def test_the_real_tree_meets_the_seed_contract(real_tree):
    assert real_tree.check().findings == []


def test_a_wrong_column_type_is_reported_on_the_column_line(real_tree):
    real_tree.edit("sql/tables/app.signal.sql", "contact_phone varchar(32) NULL", "contact_phone varchar(30) NULL")
    findings = real_tree.findings("E502")
    assert [f.message for f in findings] == ["app.signal.contact_phone is varchar(30); the seed says varchar(32)"]
    assert findings[0].line == 18


def test_a_missing_seed_column_is_reported(real_tree):
    real_tree.edit("sql/tables/app.signal.sql", "    company_domain varchar(128) NULL, -- Company domain for identity resolution\n", "")
    assert messages(real_tree, "E501") == ["table app.signal has no column company_domain varchar(128) (seed)"]


def test_a_missing_seed_table_is_reported_at_the_contract(real_tree):
    (real_tree.root / "sql/tables/app.drip_schedule.sql").unlink()
    findings = real_tree.findings("E500")
    assert [f.path for f in findings] == ["contracts/workstream.json"]
    assert "app.drip_schedule" in findings[0].message


def test_a_column_added_to_a_seed_table_must_be_acknowledged(real_tree):
    real_tree.edit("sql/tables/app.signal.sql", "    snippet nvarchar(1000) NULL, -- Signal content snippet\n", "    snippet nvarchar(1000) NULL, -- Signal content snippet\n    language varchar(8) NULL, -- Detected language\n")
    assert messages(real_tree, "W506") == ["app.signal.language is not a seed column; acknowledge it with wsdb:allow W506 <reason>"]
    real_tree.edit("sql/tables/app.signal.sql", "    language varchar(8)", "    -- wsdb:allow W506 the language detector needs it\n    language varchar(8)")
    assert real_tree.check().findings == []


def test_a_seed_index_with_other_keys_order_or_filter_is_reported(real_tree):
    real_tree.edit("sql/tables/app.signal.sql", "ON app.signal (org_id, ts DESC)", "ON app.signal (org_id, ts)")
    real_tree.edit("sql/tables/app.config_registry.sql", "WHERE is_active = 1 AND effective_to IS NULL", "WHERE is_active = 1")
    found = messages(real_tree, "E503")
    assert "index IX_signal_org_ts on app.signal: keys should be (org_id, ts DESC)" in found
    assert "index UX_config_registry_active on app.config_registry: filter should be is_active = 1 AND effective_to IS NULL" in found


def test_an_index_alias_honours_a_seed_index_name(real_tree):
    real_tree.edit("sql/tables/app.proposal.sql", "-- wsdb:alias UX_proposal_version_once the seed names", "-- the seed names")
    assert messages(real_tree, "E503") == ["seed index UX_proposal_version_once on app.proposal is missing"]


def test_view_columns_must_be_exactly_the_seeds(real_tree):
    real_tree.edit("sql/views/app.v_pursuit_checklist_ready.sql", "AS bit) AS ready", "AS bit) AS is_ready")
    assert messages(real_tree, "E504") == ["view app.v_pursuit_checklist_ready: missing ready; not in the seed is_ready"]


def test_procedure_parameters_must_be_the_seeds(real_tree):
    real_tree.edit("sql/procedures/app.sp_resolve_identity.sql", "@key_value varchar(256),", "@key_value varchar(200),")
    assert len(real_tree.findings("E505")) == 1


def test_descriptions_must_be_the_seeds(real_tree):
    real_tree.edit("sql/tables/app.candidate.sql", "-- Brief scope description", "-- Short scope")
    assert messages(real_tree, "E507") == ["app.candidate.one_liner_scope: description should be the seed's: 'Brief scope description'"]


def test_every_seed_enumeration_needs_a_check_with_exactly_its_values(real_tree):
    real_tree.edit("sql/tables/app.proposal.sql", "CHECK (status IN ('draft', 'sent', 'signed', 'void'))", "CHECK (status IN ('draft', 'sent', 'signed'))")
    real_tree.edit("sql/tables/app.drip_schedule.sql", "    CONSTRAINT CK_app_drip_schedule_status CHECK (status IN ('active', 'paused', 'done')),\n", "")
    found = messages(real_tree, "E510")
    assert "app.proposal.status: CHECK allows draft, sent, signed; the seed lists draft, sent, signed, void" in found
    assert "app.drip_schedule.status: no CHECK limits it to active, paused, done" in found


def test_every_zero_to_one_score_needs_a_bounding_check(real_tree):
    real_tree.edit("sql/tables/app.signal.sql", "    CONSTRAINT CK_app_signal_urgency_score CHECK (urgency_score BETWEEN 0 AND 1),\n", "")
    assert messages(real_tree, "E510") == ["app.signal.urgency_score: no CHECK (urgency_score BETWEEN 0 AND 1) for this 0-1 score"]


def test_seed_timestamps_and_flags_need_their_defaults(real_tree):
    real_tree.edit("sql/tables/app.pursuit_checklist.sql", " CONSTRAINT DF_app_pursuit_checklist_is_done DEFAULT (0)", "")
    assert messages(real_tree, "E511") == ["app.pursuit_checklist.is_done is a flag without a default"]


def test_the_seed_primary_key_and_foreign_keys_are_required(real_tree):
    real_tree.edit("sql/tables/app.candidate_signal.sql", "PRIMARY KEY CLUSTERED (candidate_id, signal_id)", "PRIMARY KEY CLUSTERED (signal_id, candidate_id)")
    real_tree.edit(
        "sql/tables/app.candidate_signal.sql",
        "    CONSTRAINT FK_app_candidate_signal_signal_id_app_signal FOREIGN KEY (org_id, signal_id)\n    REFERENCES app.signal (org_id, signal_id)\n",
        "",
    )
    real_tree.edit("sql/tables/app.candidate_signal.sql", "REFERENCES app.candidate (org_id, candidate_id),", "REFERENCES app.candidate (org_id, candidate_id)")
    assert messages(real_tree, "E508") == ["table app.candidate_signal: primary key should be (candidate_id, signal_id), is (signal_id, candidate_id)"]
    assert messages(real_tree, "E509") == ["table app.candidate_signal: the seed wants a foreign key to app.signal"]


def test_an_intake_index_the_seed_names_by_its_keys_must_have_exactly_those_keys_in_order(real_tree):
    real_tree.edit("sql/tables/intake.jobs.sql", "(status, run_after, created_at)", "(status, created_at, run_after)")
    assert messages(real_tree, "E503") == [
        "seed index (Job claiming) on intake.jobs (status, run_after, created_at) is missing: "
        "no unfiltered index has exactly these keys in this order"
    ]


def test_an_intake_seed_column_must_exist(real_tree):
    real_tree.edit("sql/tables/intake.threads.sql", "    primary_contact_email ", "    contact_email ")
    assert "table intake.threads has no column primary_contact_email (seed)" in messages(real_tree, "E501")
