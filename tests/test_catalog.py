"""Live catalog rows: the queries that read them, and the script and model made from them.

The rows here are written by hand the way SQL Server returns them: stored expression text
(``([x]>=(0))``, ``((0))``, ``(sysutcdatetime())``), lengths in bytes (``nvarchar(1000)`` is 2000),
``sys.objects.type`` codes padded to two characters, definitions as they were submitted.
"""

from __future__ import annotations

import functools
from typing import Any

import pytest
import sqlglot
from sqlglot import exp

from harness.batches import split_batches
from harness.catalog import (
    CATALOG_QUERIES,
    column_type,
    live_catalog,
    live_script,
    read_live,
    script_from_rows,
)
from harness.findings import FindingSink
from harness.model import Catalog
from harness.reader import read_catalog
from harness.replay import Replay
from harness.resolve import resolve_catalog

from .conftest import REPO

# -- row builders ------------------------------------------------------------------------------------

LATIN = "SQL_Latin1_General_CP1_CI_AS"
INT = ("int", 4, 10, 0)
BIGINT = ("bigint", 8, 19, 0)
BIT = ("bit", 1, 1, 0)
DATE = ("date", 3, 10, 0)
DATETIME2 = ("datetime2", 8, 27, 7)


def varchar(n: int) -> tuple:
    return ("varchar", n, 0, 0)


def nvarchar(n: int | None) -> tuple:
    return ("nvarchar", -1 if n is None else 2 * n, 0, 0)


def decimal(p: int, s: int) -> tuple:
    return ("decimal", 5 if p <= 9 else 9 if p <= 19 else 13 if p <= 28 else 17, p, s)


def empty_rows() -> dict[str, list[dict[str, Any]]]:
    return {name: [] for name in CATALOG_QUERIES}


class TableRows:
    """Adds the rows of one table to ``rows``, column by column and constraint by constraint."""

    def __init__(self, rows: dict, schema: str, table: str) -> None:
        self.rows, self.schema, self.table = rows, schema, table
        self.at = {"schema_name": schema, "table_name": table}
        rows["tables"].append(
            {**self.at, "temporal_type": 0, "is_memory_optimized": False, "is_filetable": False, "is_node": False, "is_edge": False, "is_external": False}
        )
        self.next_id = 1

    def column(self, name: str, spec: tuple, *, nullable: bool, identity: bool = False, description: str | None = None, **extra) -> dict:
        type_name, max_length, precision, scale = spec
        row = {
            **self.at,
            "column_id": self.next_id,
            "column_name": name,
            "type_name": type_name,
            "is_user_defined": False,
            "base_type_name": type_name,
            "max_length": max_length,
            "precision": precision,
            "scale": scale,
            "is_nullable": nullable,
            "is_identity": identity,
            "identity_seed": "1" if identity else None,
            "identity_increment": "1" if identity else None,
            "is_computed": False,
            "computed_definition": None,
            "is_persisted": None,
            "collation_name": LATIN if "char" in type_name else None,
            "is_sparse": False,
            "is_column_set": False,
            "is_rowguidcol": False,
            "is_filestream": False,
            "is_masked": False,
            "generated_always_type": 0,
            "rule_object_id": 0,
        }
        row.update(extra)
        self.next_id += 1
        self.rows["columns"].append(row)
        if description is not None:
            self.describe(description, column=name)
        return row

    def computed(self, name: str, spec: tuple, definition: str, *, persisted: bool, nullable: bool, description: str | None = None) -> dict:
        return self.column(
            name, spec, nullable=nullable, description=description, is_computed=True, computed_definition=definition, is_persisted=persisted
        )

    def default(self, column: str, name: str, definition: str, system_named: bool = False) -> None:
        self.rows["default_constraints"].append(
            {**self.at, "column_name": column, "constraint_name": name, "definition": definition, "is_system_named": system_named}
        )

    def key(self, name: str, kind: str, clustering: str, columns: list[str], system_named: bool = False) -> None:
        for ordinal, column in enumerate(columns, start=1):
            self.rows["key_constraints"].append(
                {
                    **self.at,
                    "constraint_name": name,
                    "constraint_type": kind,
                    "is_system_named": system_named,
                    "index_type": clustering,
                    "key_ordinal": ordinal,
                    "column_name": column,
                    "is_descending_key": False,
                }
            )

    def fk(self, name: str, columns: list[str], ref: str, ref_columns: list[str], **flags) -> None:
        ref_schema, ref_table = ref.split(".")
        for ordinal, (column, ref_column) in enumerate(zip(columns, ref_columns), start=1):
            row = {
                **self.at,
                "constraint_name": name,
                "is_system_named": False,
                "is_disabled": False,
                "is_not_trusted": False,
                "is_not_for_replication": False,
                "delete_referential_action_desc": "NO_ACTION",
                "update_referential_action_desc": "NO_ACTION",
                "referenced_schema_name": ref_schema,
                "referenced_table_name": ref_table,
                "constraint_column_id": ordinal,
                "column_name": column,
                "referenced_column_name": ref_column,
            }
            row.update(flags)
            self.rows["foreign_keys"].append(row)

    def check(self, name: str, definition: str, **flags) -> None:
        row = {
            **self.at,
            "constraint_name": name,
            "definition": definition,
            "is_system_named": False,
            "is_disabled": False,
            "is_not_trusted": False,
            "is_not_for_replication": False,
        }
        row.update(flags)
        self.rows["check_constraints"].append(row)

    def index(
        self,
        name: str,
        keys: list[str],
        *,
        unique: bool = False,
        include: tuple[str, ...] = (),
        where: str | None = None,
        description: str | None = None,
        kind: str = "NONCLUSTERED",
        **flags,
    ) -> None:
        base = {
            **self.at,
            "index_name": name,
            "index_type": kind,
            "is_unique": unique,
            "ignore_dup_key": False,
            "is_disabled": False,
            "has_filter": where is not None,
            "filter_definition": where,
        }
        base.update(flags)
        if not keys and not include:  # an index without key or included columns (LEFT JOIN: NULL column data)
            self.rows["indexes"].append(
                {**base, "key_ordinal": None, "index_column_id": None, "is_included_column": None, "is_descending_key": None, "column_name": None}
            )
        position = 1
        for ordinal, spec in enumerate(keys, start=1):
            column, _, direction = spec.partition(" ")
            self.rows["indexes"].append(
                {**base, "key_ordinal": ordinal, "index_column_id": position, "is_included_column": False, "is_descending_key": direction == "DESC", "column_name": column}
            )
            position += 1
        for column in include:
            self.rows["indexes"].append(
                {**base, "key_ordinal": 0, "index_column_id": position, "is_included_column": True, "is_descending_key": False, "column_name": column}
            )
            position += 1
        if description is not None:
            self.describe(description, index=name)

    def describe(self, text: str, *, column: str | None = None, index: str | None = None) -> None:
        self.rows["extended_properties"].append(
            {
                "property_class": 7 if index else 1,
                "property_name": "MS_Description",
                "property_value": text,
                "schema_name": self.schema,
                "object_name": self.table,
                "object_type": "U ",
                "parent_name": None,
                "minor_name": column or index,
            }
        )


def schema_rows(rows: dict, name: str, description: str) -> None:
    rows["schemas"].append({"schema_name": name})
    rows["extended_properties"].append(
        {
            "property_class": 3,
            "property_name": "MS_Description",
            "property_value": description,
            "schema_name": name,
            "object_name": None,
            "object_type": None,
            "parent_name": None,
            "minor_name": None,
        }
    )


def module_rows(rows: dict, schema: str, name: str, code: str, definition: str, description: str, **flags) -> dict:
    type_desc = {"V ": "VIEW", "P ": "SQL_STORED_PROCEDURE", "IF": "SQL_INLINE_TABLE_VALUED_FUNCTION"}[code]
    row = {
        "schema_name": schema,
        "object_name": name,
        "object_type": code,
        "object_type_desc": type_desc,
        "parent_name": None,
        "definition": definition,
        "uses_ansi_nulls": True,
        "uses_quoted_identifier": True,
        "is_schema_bound": False,
    }
    row.update(flags)
    rows["modules"].append(row)
    rows["extended_properties"].append(
        {
            "property_class": 1,
            "property_name": "MS_Description",
            "property_value": description,
            "schema_name": schema,
            "object_name": name,
            "object_type": code,
            "parent_name": None,
            "minor_name": None,
        }
    )
    return row


def submitted(path: str, step: str) -> str:
    """A module's definition as the migration submitted it: the batch from its step marker on."""
    return f"-- wsdb:step {step}\n" + (REPO / path).read_text(encoding="utf-8")


# -- the rows of part of the real model -----------------------------------------------------------

APP = "Workstream sales-pipeline module: signals, candidates, pursuits, proposals, outbox, SLA, config, scoring and identity."


def signal_rows(rows: dict) -> TableRows:
    """app.signal as SQL Server returns it after the seed's migrations."""
    t = TableRows(rows, "app", "signal")
    t.describe("Stores incoming lead signals with deduplication and clustering.")
    t.column("signal_id", BIGINT, nullable=False, identity=True, description="Primary key")
    t.column("org_id", INT, nullable=False, description="Multi-tenant organization ID")
    t.column("source_type", varchar(16), nullable=False, description="Source: 'email', 'ad', 'call', 'note'")
    t.column("source_ref", varchar(256), nullable=False, description="Reference to source system")
    t.column("snippet", nvarchar(1000), nullable=True, description="Signal content snippet")
    t.column("contact_id", INT, nullable=True, description="Associated contact")
    t.column("client_id", INT, nullable=True, description="Associated client")
    t.column("ts", DATETIME2, nullable=False, description="Signal timestamp")
    t.column("problem_phrase", nvarchar(300), nullable=True, description="Extracted problem statement")
    t.column("solution_hint", nvarchar(300), nullable=True, description="Suggested solution")
    t.column("urgency_score", decimal(3, 2), nullable=True, description="Urgency rating (0-1)")
    t.column("dedupe_key", varchar(128), nullable=False, description="Deduplication key")
    t.column("cluster_id", BIGINT, nullable=True, description="Signal cluster ID")
    t.column("owner_user_id", INT, nullable=True, description="Assigned owner")
    t.column("created_at", DATETIME2, nullable=False, description="Creation timestamp")
    t.column("updated_at", DATETIME2, nullable=False, description="Last update timestamp")
    # added by 20250909_add_identity_system, so last in column_id order
    t.column("contact_email", varchar(256), nullable=True, description="Extracted email for identity resolution")
    t.column("contact_phone", varchar(32), nullable=True, description="Extracted phone for identity resolution")
    t.column("company_domain", varchar(128), nullable=True, description="Company domain for identity resolution")
    t.column("normalized_keys_json", nvarchar(500), nullable=True, description="JSON object with all extracted keys")
    t.default("created_at", "DF_app_signal_created_at", "(sysutcdatetime())")
    t.default("ts", "DF_app_signal_ts", "(sysutcdatetime())")
    t.default("updated_at", "DF_app_signal_updated_at", "(sysutcdatetime())")
    t.key("PK_app_signal", "PK", "CLUSTERED", ["signal_id"])
    t.key("UQ_app_signal_org_id_signal_id", "UQ", "NONCLUSTERED", ["org_id", "signal_id"])
    t.fk("FK_app_signal_client_id_core_client", ["org_id", "client_id"], "core.client", ["org_id", "client_id"])
    t.fk("FK_app_signal_cluster_id_app_signal_cluster", ["org_id", "cluster_id"], "app.signal_cluster", ["org_id", "cluster_id"])
    t.fk("FK_app_signal_contact_id_core_contact", ["org_id", "contact_id"], "core.contact", ["org_id", "contact_id"])
    t.fk("FK_app_signal_org_id_core_org", ["org_id"], "core.org", ["org_id"])
    t.fk("FK_app_signal_owner_user_id_core_user_account", ["org_id", "owner_user_id"], "core.user_account", ["org_id", "user_id"])
    t.check("CK_app_signal_normalized_keys_json", "(isjson([normalized_keys_json])=(1))")
    t.check("CK_app_signal_source_type", "([source_type]='note' OR [source_type]='call' OR [source_type]='ad' OR [source_type]='email')")
    t.check("CK_app_signal_urgency_score", "([urgency_score]>=(0) AND [urgency_score]<=(1))")
    t.index("IX_app_signal_org_id_client_id", ["org_id", "client_id"], description="Signals of a client")
    t.index("IX_app_signal_org_id_contact_id", ["org_id", "contact_id"], description="Signals of a contact (timeline, merges)")
    t.index("IX_signal_cluster", ["org_id", "cluster_id"], description="Cluster lookup")
    t.index("IX_signal_org_ts", ["org_id", "ts DESC"], description="Org-scoped time ordering")
    t.index("IX_signal_ts", ["ts DESC"], description="Time-based ordering")
    t.index(
        "UX_signal_composite_dedupe",
        ["org_id", "source_type", "source_ref", "contact_email", "contact_phone"],
        unique=True,
        description="Enhanced deduplication",
    )
    t.index("UX_signal_dedupe", ["org_id", "dedupe_key"], unique=True, description="Unique deduplication")
    return t


def drip_rows(rows: dict) -> TableRows:
    """app.drip_schedule: an IN list, an OR check, a string default, a filtered index."""
    t = TableRows(rows, "app", "drip_schedule")
    t.describe("Automated nurture campaigns.")
    t.column("drip_id", BIGINT, nullable=False, identity=True, description="Primary key")
    t.column("org_id", INT, nullable=False, description="Organization ID")
    t.column("candidate_id", BIGINT, nullable=False, description="Target candidate")
    t.column("template_id", INT, nullable=False, description="Email template ID")
    t.column("next_run_at", DATETIME2, nullable=True, description="Next send time")
    t.column("cadence_days", INT, nullable=False, description="Days between sends")
    t.column("status", varchar(12), nullable=False, description="Status: 'active', 'paused', 'done'")
    t.column("last_sent_at", DATETIME2, nullable=True, description="Last send timestamp")
    t.default("next_run_at", "DF_app_drip_schedule_next_run_at", "(sysutcdatetime())")
    t.default("status", "DF_app_drip_schedule_status", "('active')")
    t.key("PK_app_drip_schedule", "PK", "CLUSTERED", ["drip_id"])
    t.fk("FK_app_drip_schedule_candidate_id_app_candidate", ["org_id", "candidate_id"], "app.candidate", ["org_id", "candidate_id"])
    t.fk("FK_app_drip_schedule_org_id_core_org", ["org_id"], "core.org", ["org_id"])
    t.fk(
        "FK_app_drip_schedule_template_id_core_email_template", ["org_id", "template_id"], "core.email_template", ["org_id", "template_id"]
    )
    t.check("CK_app_drip_schedule_cadence_days", "([cadence_days]>=(1))")
    t.check("CK_app_drip_schedule_next_run_at", "([status]<>'active' OR [next_run_at] IS NOT NULL)")
    t.check("CK_app_drip_schedule_status", "([status]='done' OR [status]='paused' OR [status]='active')")
    t.index("IX_app_drip_schedule_due", ["next_run_at"], where="([status]='active')", description="Due drips, soonest first")
    t.index("IX_app_drip_schedule_org_id_candidate_id", ["org_id", "candidate_id"], description="Drips of a candidate")
    return t


def cos_entry_rows(rows: dict) -> TableRows:
    """app.cos_entry: a persisted computed column (CAST stored as CONVERT) and an index with INCLUDE."""
    t = TableRows(rows, "app", "cos_entry")
    t.describe("Detailed cost tracking for pursuits.")
    t.column("cos_id", BIGINT, nullable=False, identity=True, description="Primary key")
    t.column("org_id", INT, nullable=False, description="Organization ID")
    t.column("pursuit_id", BIGINT, nullable=False, description="Associated pursuit")
    t.column("role", varchar(64), nullable=False, description="Role description")
    t.column("hours", decimal(10, 2), nullable=False, description="Hours worked")
    t.column("rate", decimal(10, 2), nullable=False, description="Hourly rate")
    t.computed(
        "amount",
        decimal(18, 2),
        "(CONVERT([decimal](18,2),[hours]*[rate]))",
        persisted=True,
        nullable=False,
        description="Computed amount (hours * rate)",
    )
    t.column("source", varchar(24), nullable=True, description="Cost source")
    t.column("created_at", DATETIME2, nullable=False, description="Creation timestamp")
    t.default("created_at", "DF_app_cos_entry_created_at", "(sysutcdatetime())")
    t.key("PK_app_cos_entry", "PK", "CLUSTERED", ["cos_id"])
    t.fk("FK_app_cos_entry_org_id_core_org", ["org_id"], "core.org", ["org_id"])
    t.fk("FK_app_cos_entry_pursuit_id_app_pursuit", ["org_id", "pursuit_id"], "app.pursuit", ["org_id", "pursuit_id"])
    t.check("CK_app_cos_entry_hours", "([hours]>=(0))")
    t.check("CK_app_cos_entry_rate", "([rate]>=(0))")
    t.index(
        "IX_app_cos_entry_org_id_pursuit_id",
        ["org_id", "pursuit_id"],
        include=("hours", "amount"),
        description="Cost entries of a pursuit (covers the cos_hours/cos_amount roll-up)",
    )
    return t


CHECKLIST_VIEW = "app.v_pursuit_checklist_ready"
RESOLVE_PROCEDURE = "app.sp_resolve_identity"


def live_rows() -> dict[str, list[dict[str, Any]]]:
    """Schema app, three tables, a view and a procedure of the real model, as the catalog returns them."""
    rows = empty_rows()
    schema_rows(rows, "app", APP)
    signal_rows(rows)
    drip_rows(rows)
    cos_entry_rows(rows)
    module_rows(
        rows,
        "app",
        "v_pursuit_checklist_ready",
        "V ",
        submitted("sql/views/app.v_pursuit_checklist_ready.sql", "4 module app.v_pursuit_checklist_ready"),
        "Determines if a pursuit's required checklist items are complete.",
    )
    module_rows(
        rows,
        "app",
        "sp_resolve_identity",
        "P ",
        submitted("sql/procedures/app.sp_resolve_identity.sql", "12 module app.sp_resolve_identity"),
        "Automated identity resolution with conflict detection.",
    )
    return rows


LIVE_TABLES = ("app.signal", "app.drip_schedule", "app.cos_entry")


@functools.lru_cache(maxsize=1)
def read_real_model() -> Catalog:
    """The resolved sql/ model of this repository, as ``wsdb verify`` builds its target (read once; never changed)."""
    catalog = read_catalog(REPO, FindingSink())
    resolve_catalog(catalog, FindingSink())
    return catalog


def part_of(model: Catalog, tables=LIVE_TABLES, views=(CHECKLIST_VIEW,), routines=(RESOLVE_PROCEDURE,), schemas=("app",)) -> Catalog:
    """The objects of ``model`` the live rows cover (its data scripts kept: verify must ignore them)."""
    return Catalog(
        schemas={k: model.schemas[k] for k in schemas},
        tables={k: model.tables[k] for k in tables},
        views={k: model.views[k] for k in views},
        routines={k: model.routines[k] for k in routines},
        scripts=list(model.scripts),
        files=list(model.files),
    )


# -- the queries -----------------------------------------------------------------------------------


def _select_names(sql: str) -> list[str]:
    tree = sqlglot.parse_one(sql, read="tsql")
    return [e.alias_or_name for e in tree.expressions]


@pytest.mark.parametrize("name", sorted(CATALOG_QUERIES))
def test_every_catalog_query_parses_as_tsql_and_selects_named_columns(name):
    tree = sqlglot.parse_one(CATALOG_QUERIES[name], read="tsql")
    assert isinstance(tree, exp.Select)
    assert not list(tree.find_all(exp.Star)), f"{name} selects *"
    names = _select_names(CATALOG_QUERIES[name])
    assert all(names) and len(names) == len(set(names)), names
    assert tree.args.get("order") is not None, f"{name} has no ORDER BY"


@pytest.mark.parametrize("name", sorted(CATALOG_QUERIES))
def test_every_catalog_query_reads_user_objects_of_user_schemas_only(name):
    sql = CATALOG_QUERIES[name]
    assert "s.schema_id > 4 AND s.schema_id < 16384" in sql
    if name not in ("schemas", "extended_properties"):
        assert "is_ms_shipped = 0" in sql


@pytest.mark.parametrize("name", ["tables", "columns", "default_constraints", "key_constraints", "indexes", "foreign_keys", "check_constraints"])
def test_table_queries_leave_out_the_migration_history_table(name):
    assert "NOT (s.name = N'dbo' AND t.name = N'wsdb_migration_history')" in CATALOG_QUERIES[name]


def test_the_row_builders_of_these_tests_return_exactly_the_columns_the_queries_select():
    rows = live_rows()
    for name, group in rows.items():
        for row in group:
            assert sorted(row) == sorted(_select_names(CATALOG_QUERIES[name])), name


# -- types -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "spec, expected",
    [
        (varchar(16), "varchar(16)"),
        (("varchar", -1, 0, 0), "varchar(max)"),
        (nvarchar(1000), "nvarchar(1000)"),
        (nvarchar(None), "nvarchar(max)"),
        (("nchar", 20, 0, 0), "nchar(10)"),
        (("varbinary", 64, 0, 0), "varbinary(64)"),
        (decimal(3, 2), "decimal(3,2)"),
        (("numeric", 9, 18, 0), "numeric(18,0)"),
        (DATETIME2, "datetime2(7)"),
        (("datetime2", 6, 23, 3), "datetime2(3)"),
        (("time", 5, 16, 7), "time(7)"),
        (("datetimeoffset", 10, 34, 7), "datetimeoffset(7)"),
        (INT, "int"),
        (("float", 8, 53, 0), "float"),
        (("timestamp", 8, 0, 0), "rowversion"),
        (("uniqueidentifier", 16, 0, 0), "uniqueidentifier"),
    ],
)
def test_column_types_are_rebuilt_from_byte_lengths_precision_and_scale(spec, expected):
    type_name, max_length, precision, scale = spec
    row = {"type_name": type_name, "is_user_defined": False, "base_type_name": type_name, "max_length": max_length, "precision": precision, "scale": scale}
    assert column_type(row) == expected


def test_an_alias_type_is_written_as_its_base_type():
    row = {"type_name": "phone_number", "is_user_defined": True, "base_type_name": "varchar", "max_length": 32, "precision": 0, "scale": 0}
    assert column_type(row) == "varchar(32)"


# -- the script --------------------------------------------------------------------------------------


def test_the_script_writes_a_table_with_its_stored_expressions_and_bracketed_names():
    rows = empty_rows()
    cos_entry_rows(rows)
    text = script_from_rows(rows)
    assert "CREATE TABLE [app].[cos_entry] (" in text
    assert "    [cos_id] bigint IDENTITY (1, 1) NOT NULL," in text
    assert "    [amount] AS (CONVERT([decimal](18,2),[hours]*[rate])) PERSISTED NOT NULL," in text
    assert "    [created_at] datetime2(7) NOT NULL CONSTRAINT [DF_app_cos_entry_created_at] DEFAULT (sysutcdatetime())," in text
    assert "    CONSTRAINT [FK_app_cos_entry_pursuit_id_app_pursuit] FOREIGN KEY ([org_id], [pursuit_id]) REFERENCES [app].[pursuit] ([org_id], [pursuit_id])," in text
    assert "    CONSTRAINT [CK_app_cos_entry_rate] CHECK ([rate]>=(0))\n);" in text
    assert (
        "CREATE NONCLUSTERED INDEX [IX_app_cos_entry_org_id_pursuit_id] ON [app].[cos_entry] ([org_id], [pursuit_id]) INCLUDE ([hours], [amount]);"
        in text
    )
    assert (
        "EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Hours worked', @level0type = N'SCHEMA', "
        "@level0name = N'app', @level1type = N'TABLE', @level1name = N'cos_entry', @level2type = N'COLUMN', @level2name = N'hours';"
    ) in text


def test_every_batch_of_the_script_parses_and_the_plain_replay_reads_it():
    text = script_from_rows(live_rows())
    for batch in split_batches(text):
        if "sp_addextendedproperty" not in batch.text and "CREATE OR ALTER PROCEDURE" not in batch.text:
            sqlglot.parse(batch.text, read="tsql")
    replay = Replay()
    replay.apply("(database)", text)
    # Only the resolver speaks: the rows hold three tables, so the view and procedure name absent ones.
    assert [f.text() for f in replay.sink.sorted() if not f.code.startswith("E2")] == []
    assert set(replay.state.tables) == {"app.signal", "app.drip_schedule", "app.cos_entry"}


def test_module_definitions_are_written_verbatim_in_their_own_batch():
    rows = live_rows()
    text = script_from_rows(rows)
    definition = rows["modules"][0]["definition"]
    assert definition.rstrip() in text
    batch = next(b for b in split_batches(text) if "CREATE OR ALTER VIEW" in b.text)
    assert batch.text.startswith("-- wsdb:live view app.v_pursuit_checklist_ready\n-- wsdb:step 4 module")


def test_constraints_sql_server_named_are_read_as_unnamed():
    rows = empty_rows()
    t = TableRows(rows, "app", "thing")
    t.column("id", INT, nullable=False)
    t.column("n", INT, nullable=False)
    t.default("n", "DF__thing__n__3B75D760", "((0))", system_named=True)
    t.key("PK__thing__3213E83F5E2B2A44", "PK", "CLUSTERED", ["id"], system_named=True)
    t.check("CK__thing__n__3C69FB99", "([n]>=(0))", is_system_named=True)
    table = live_catalog(rows).tables["app.thing"]
    assert [(c.kind, c.name) for c in table.constraints] == [("DF", None), ("PK", None), ("CK", None)]
    assert table.column("n").default_name is None


def test_the_live_model_has_what_the_rows_say():
    catalog = live_catalog(live_rows())
    signal = catalog.tables["app.signal"]
    assert signal.description == "Stores incoming lead signals with deduplication and clustering."
    assert signal.column("snippet").type == "nvarchar(1000)"
    assert signal.column("signal_id").identity and not signal.column("signal_id").nullable
    assert [(i.name, i.keys) for i in signal.indexes if i.name == "IX_signal_org_ts"] == [("IX_signal_org_ts", [("org_id", False), ("ts", True)])]
    fk = signal.constraint("FK_app_signal_owner_user_id_core_user_account")
    assert (fk.columns, fk.ref_table, fk.ref_columns) == (["org_id", "owner_user_id"], "core.user_account", ["org_id", "user_id"])
    drip = catalog.tables["app.drip_schedule"]
    assert [i.filter_sql for i in drip.indexes if i.filter is not None] == ["[status] = 'active'"]
    assert catalog.views["app.v_pursuit_checklist_ready"].columns == ["org_id", "pursuit_id", "ready"]
    assert [p.name for p in catalog.routines["app.sp_resolve_identity"].parameters][:2] == ["@org_id", "@key_type"]
    assert catalog.schemas["app"].description == APP


def test_the_migration_history_table_never_reaches_the_script():
    rows = empty_rows()
    t = TableRows(rows, "dbo", "wsdb_migration_history")
    t.column("name", nvarchar(200), nullable=False, description="applied script")
    t.key("PK_wsdb_migration_history", "PK", "CLUSTERED", ["name"])
    assert "wsdb_migration_history" not in script_from_rows(rows)
    assert live_script(rows).notes == []


@pytest.mark.parametrize(
    "change, subject, message",
    [
        (
            lambda t: t.index("CCI_thing", [], include=("id",), kind="CLUSTERED COLUMNSTORE"),
            "app.thing index CCI_thing",
            "app.thing index CCI_thing: a CLUSTERED COLUMNSTORE index in the database, which sql/ cannot express (not compared)",
        ),
        (
            lambda t: t.column("tags", nvarchar(100), nullable=True, is_sparse=True),
            "app.thing.tags",
            "app.thing.tags: SPARSE in the database, which sql/ cannot express (not compared)",
        ),
        (
            lambda t: t.rows["tables"][-1].update(temporal_type=2),
            "app.thing",
            "app.thing: SYSTEM_VERSIONING (a temporal table or its history) in the database, which sql/ cannot express (not compared)",
        ),
        (
            lambda t: t.rows["objects"].append(
                {"schema_name": "app", "object_name": "seq_thing", "object_type": "SO", "object_type_desc": "SEQUENCE_OBJECT", "parent_name": None}
            ),
            "app.seq_thing",
            "app.seq_thing: sequence object missing in sql/, exists in the database (sql/ cannot express it)",
        ),
        (
            lambda t: t.rows["modules"].append(
                {
                    "schema_name": "app",
                    "object_name": "trg_thing",
                    "object_type": "TR",
                    "object_type_desc": "SQL_TRIGGER",
                    "parent_name": "thing",
                    "definition": "CREATE TRIGGER app.trg_thing ON app.thing AFTER INSERT AS SET NOCOUNT ON;",
                    "uses_ansi_nulls": True,
                    "uses_quoted_identifier": True,
                    "is_schema_bound": False,
                }
            ),
            "app.thing sql trigger trg_thing",
            "app.thing sql trigger trg_thing: sql trigger missing in sql/, exists in the database (sql/ cannot express it)",
        ),
    ],
)
def test_what_the_model_cannot_hold_becomes_a_note_instead_of_vanishing(change, subject, message):
    rows = empty_rows()
    t = TableRows(rows, "app", "thing")
    t.column("id", INT, nullable=False)
    change(t)
    notes = live_script(rows).notes
    assert [(n.subject, n.message) for n in notes] == [(subject, message)]


def test_an_encrypted_module_is_a_note_and_is_marked_unreadable():
    rows = empty_rows()
    module_rows(rows, "app", "v_secret", "V ", None, "Secret view.")
    live = read_live(rows)
    assert "app.v_secret" in live.unreadable
    assert [n.message for n in live.notes] == ["app.v_secret: definition is encrypted (WITH ENCRYPTION) in the database: not compared"]


def test_a_definition_that_does_not_parse_is_a_note_about_its_object():
    rows = empty_rows()
    module_rows(rows, "app", "v_broken", "V ", "CREATE VIEW app.v_broken AS SELECT FROM WHERE;", "Broken.")
    live = read_live(rows)
    assert "app.v_broken" in live.unreadable
    assert len(live.notes) == 1
    assert live.notes[0].message.startswith("app.v_broken: the database's definition does not read back (E100 does not parse: ")


def test_a_description_on_a_parameter_is_a_note():
    rows = empty_rows()
    rows["extended_properties"].append(
        {
            "property_class": 2,
            "property_name": "MS_Description",
            "property_value": "the org",
            "schema_name": "app",
            "object_name": "sp_x",
            "object_type": "P ",
            "parent_name": None,
            "minor_name": "@org_id",
        }
    )
    notes = live_script(rows).notes
    assert [n.message for n in notes] == ["app.sp_x parameter @org_id: MS_Description in the database, which sql/ cannot express (not compared)"]

