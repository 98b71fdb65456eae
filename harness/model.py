"""The offline schema model: what `sql/` defines, as plain data.

Names are matched case-insensitively (SQL Server's default collation); keys are ``schema.object``
in lower case. Every element keeps the file and line it came from, so findings point at the source.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Location:
    path: str
    line: int


def key(*parts: str) -> str:
    """Case-insensitive lookup key of a (possibly multi-part) name."""
    return ".".join(p.lower() for p in parts if p)


class SchemaObject:
    """Mixin for objects named ``schema.name``."""

    schema: str
    name: str

    @property
    def key(self) -> str:
        return key(self.schema, self.name)

    @property
    def full_name(self) -> str:
        return f"{self.schema}.{self.name}"


@dataclass
class Column:
    name: str
    type: str | None  # authored T-SQL type, e.g. "decimal(3,2)"; computed columns: the CAST target or None
    nullable: bool
    location: Location
    identity: bool = False
    default: str | None = None
    default_name: str | None = None
    computed: str | None = None
    persisted: bool = False
    description: str | None = None


@dataclass
class Constraint:
    name: str | None
    kind: str  # "PK", "UQ", "FK", "CK", "DF"
    columns: list[str]
    location: Location
    clustered: bool | None = None
    ref_table: str | None = None  # "schema.table" as written
    ref_columns: list[str] = field(default_factory=list)
    expression: Any = None  # sqlglot expression of a CHECK / DEFAULT
    description: str | None = None


@dataclass
class Index:
    name: str
    table: str  # "schema.table" as written
    keys: list[tuple[str, bool]]  # (column, descending)
    location: Location
    unique: bool = False
    clustered: bool = False
    include: list[str] = field(default_factory=list)
    filter: Any = None  # sqlglot expression
    filter_sql: str | None = None
    aliases: list[str] = field(default_factory=list)
    description: str | None = None


@dataclass
class Table(SchemaObject):
    schema: str
    name: str
    location: Location
    columns: dict[str, Column] = field(default_factory=dict)  # keyed by lower-case name, in order
    constraints: list[Constraint] = field(default_factory=list)
    indexes: list[Index] = field(default_factory=list)
    description: str | None = None
    never_deleted: str | None = None  # reason given by a wsdb:never-deleted directive

    def column(self, name: str) -> Column | None:
        return self.columns.get(name.lower())

    def constraint(self, name: str) -> Constraint | None:
        """The named constraint (case-insensitive), or None."""
        return next((c for c in self.constraints if c.name and c.name.lower() == name.lower()), None)

    def primary_key(self) -> Constraint | None:
        return next((c for c in self.constraints if c.kind == "PK"), None)

    def unique_keys(self) -> list[list[str]]:
        """Column lists that are unique: PK, UNIQUE constraints, unfiltered unique indexes."""
        keys = [c.columns for c in self.constraints if c.kind in ("PK", "UQ")]
        keys += [[k for k, _ in ix.keys] for ix in self.indexes if ix.unique and ix.filter is None]
        return keys


@dataclass
class Parameter:
    name: str  # with the leading @
    type: str
    location: Location
    default: str | None = None
    output: bool = False

    @property
    def optional(self) -> bool:
        return self.default is not None


@dataclass
class View(SchemaObject):
    schema: str
    name: str
    location: Location
    query: Any = None  # sqlglot expression of the SELECT
    columns: list[str] = field(default_factory=list)  # filled by the resolver
    description: str | None = None
    create_form: str = ""


@dataclass
class Statement:
    """One statement of a routine body or script, parsed by sqlglot (or None when it did not parse)."""

    kind: str  # first keyword, upper case ("SELECT", "UPDATE", "IF", "THROW", ...)
    line: int
    text: str
    tree: Any = None
    is_condition: bool = False
    # When only sqlfluff could parse the statement: ("table" | "procedure", dotted name, line) it names.
    references: list[tuple[str, str, int]] = field(default_factory=list)


@dataclass
class Routine(SchemaObject):
    schema: str
    name: str
    kind: str  # "procedure" or "function"
    location: Location
    parameters: list[Parameter] = field(default_factory=list)
    returns: str | None = None  # "table" for inline TVFs, else a scalar type or "@var table"
    body: list[Statement] = field(default_factory=list)
    return_query: Any = None  # inline TVF: the SELECT after RETURN
    columns: list[str] = field(default_factory=list)  # TVF output columns, filled by the resolver
    description: str | None = None
    create_form: str = ""


@dataclass
class Predicate:
    """One predicate of a security policy: ``ADD FILTER|BLOCK PREDICATE function(arguments) ON table [operation]``."""

    kind: str  # "FILTER" or "BLOCK"
    function: str  # "schema.function" as written
    arguments: list[str]  # column names of the table
    table: str  # "schema.table" as written
    operation: str | None  # BLOCK only: "AFTER INSERT", "AFTER UPDATE", "BEFORE UPDATE", "BEFORE DELETE"; None = all
    location: Location

    @property
    def signature(self) -> tuple:
        """What makes two predicates the same (case-insensitive names, argument order kept)."""
        return (self.kind, self.function.lower(), tuple(a.lower() for a in self.arguments), self.table.lower(), self.operation)


@dataclass
class SecurityPolicy(SchemaObject):
    """A row-level security policy (``CREATE SECURITY POLICY``) and its predicates."""

    schema: str
    name: str
    location: Location
    predicates: list[Predicate] = field(default_factory=list)
    state: bool = True  # WITH (STATE = ON)
    schemabinding: bool = True  # WITH (SCHEMABINDING = ON), the default
    description: str | None = None


@dataclass
class Schema:
    name: str
    location: Location
    description: str | None = None

    @property
    def key(self) -> str:
        return key(self.name)


@dataclass
class Script:
    """A data script (sql/data/<schema>.<table>.sql): statements that load reference rows."""

    target: str  # "schema.table" taken from the file name
    location: Location
    body: list[Statement] = field(default_factory=list)
    description: str | None = None


@dataclass
class SourceFile:
    path: str  # relative to the project root, with forward slashes
    kind: str  # folder: tables, views, procedures, functions, security, data
    identity: str  # file name without .sql
    text: str
    objects: list[str] = field(default_factory=list)  # "kind:key" of the objects the file defined
    comments: Any = None  # harness.comments.FileComments, set by the reader


@dataclass
class Catalog:
    schemas: dict[str, Schema] = field(default_factory=dict)
    tables: dict[str, Table] = field(default_factory=dict)
    views: dict[str, View] = field(default_factory=dict)
    routines: dict[str, Routine] = field(default_factory=dict)
    policies: dict[str, SecurityPolicy] = field(default_factory=dict)
    scripts: list[Script] = field(default_factory=list)
    files: list[SourceFile] = field(default_factory=list)

    def relation(self, name: str) -> Table | View | None:
        k = name.lower()
        return self.tables.get(k) or self.views.get(k)

    def object_count(self) -> int:
        return len(self.schemas) + len(self.tables) + len(self.views) + len(self.routines) + len(self.policies) + len(self.scripts)
