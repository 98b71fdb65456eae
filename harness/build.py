"""`wsdb build`: render migration templates into the dated scripts a DBA applies, and prove them.

``migrations/templates/<YYYYMMDD_slug>.sql.j2`` are Jinja templates made of macro calls
(:mod:`harness.macros`); each renders to ``migrations/<YYYYMMDD_slug>.sql`` through the script layout
``harness/templates/script.sql.j2`` (header, guard, one transaction, history row). Scripts are
sealed with their checksum (:mod:`harness.sumfile`) and listed in ``migrations/migrations.sum``.

Released scripts are never re-rendered: their file must still match the recorded checksum. Draft
scripts are rendered against the schema the earlier scripts leave behind, which the builder knows by
replaying every script, in order, on an empty model (:mod:`harness.replay`). The replayed schema must
equal the ``sql/`` model (:mod:`harness.modeldiff`); when it does not, ``sql/`` changed and no
migration brings a database there yet. Before each script is replayed, released or draft, the
destructive-change lint (:mod:`harness.destructive`) reads it against the schema as it stands then.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from . import __version__
from .destructive import acknowledge_line, large_tables, lint_script, released_acknowledgements
from .findings import Finding, FindingSink
from .macros import MacroError, Plan, Step
from .model import Catalog
from .modeldiff import diff_catalogs
from .ordering import CycleError, order
from .replay import Replay
from .sumfile import PLACEHOLDER, SumEntry, SumError, SumFile, checksum_of, parse, seal

from .layout import HISTORY_TABLE, MIGRATIONS, ORDER_FILE, SUM_FILE, TEMPLATES, read_order  # noqa: F401 - re-exported
NAME = re.compile(r"^(?P<date>\d{8})_(?P<slug>[a-z0-9]+(?:_[a-z0-9]+)*)$")
# Statements SQL Server refuses inside a user transaction; a step holding one runs after the COMMIT.
OUTSIDE_TRANSACTION = re.compile(
    r"^\s*(ALTER\s+DATABASE|CREATE\s+DATABASE|DROP\s+DATABASE|BACKUP|RESTORE|RECONFIGURE|"
    r"CREATE\s+FULLTEXT|ALTER\s+FULLTEXT|DROP\s+FULLTEXT)\b",
    re.IGNORECASE | re.MULTILINE,
)

# sqlcmd reads these as its own commands or variables, even inside strings and comments.
SQLCMD_HAZARD = re.compile(r"^[ \t]*(?::[A-Za-z]|!!)|\$\(", re.MULTILINE)

_LAYOUT = jinja2.Environment(
    loader=jinja2.PackageLoader("harness", "templates"),
    undefined=jinja2.StrictUndefined,
    keep_trailing_newline=True,
    autoescape=False,
)


@dataclass
class Migration:
    name: str  # "20250907_add_workstream_tables"
    template: str  # path relative to the root
    script: str  # path relative to the root

    @property
    def file_name(self) -> str:
        return f"{self.name}.sql"


@dataclass
class BuildResult:
    findings: list[Finding]
    migrations: list[Migration]
    replayed: Catalog
    written: list[str] = field(default_factory=list)
    sum_file: SumFile | None = None

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity.value == "error"]


def discover(root: Path, sink: FindingSink) -> list[Migration]:
    """Templates in apply order: the order of migrations/order.txt (one name per line; names sort
    by date, but the seed's scripts share dates, so the file says which comes first). Templates
    missing from the list, names without a template and badly named templates are findings."""
    folder = root / TEMPLATES
    found = {}
    for path in sorted(folder.glob("*.sql.j2")) if folder.is_dir() else []:
        name = path.name[: -len(".sql.j2")]
        rel = path.relative_to(root).as_posix()
        if not NAME.fullmatch(name):
            sink.add(rel, 1, "E803", f"template name {name} is not YYYYMMDD_slug (lower case, digits, underscores)")
            continue
        found[name] = Migration(name, rel, f"{MIGRATIONS}/{name}.sql")
    order_path = root / ORDER_FILE
    if not order_path.is_file():
        return list(found.values())
    listed: list[str] = []
    for number, name in read_order(root):
        if name not in found:
            sink.add(ORDER_FILE, number, "E803", f"{name} has no template {TEMPLATES}/{name}.sql.j2")
        elif name in listed:
            sink.add(ORDER_FILE, number, "E803", f"{name} is listed twice")
        else:
            listed.append(name)
    for name in found:
        if name not in listed:
            sink.add(found[name].template, 1, "E803", f"{name} is not listed in {ORDER_FILE} (wsdb new adds it)")
    return [found[name] for name in listed]


def render(root: Path, migration: Migration, target: Catalog, state: Catalog) -> str:
    """Render one template into a sealed script; raise MacroError/CycleError/TemplateError when it cannot."""
    template_path = root / migration.template
    plan = Plan(root, target, state)
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True, autoescape=False)
    env.globals.update(plan.globals())
    template_bytes = template_path.read_bytes()
    leftover = env.from_string(template_bytes.decode("utf-8")).render()
    if leftover.strip():
        raise MacroError(f"text outside macro calls: {leftover.strip()[:60]!r} (wrap literal SQL in {{% call sql() %}})")
    if not plan.description_text:
        raise MacroError('no description("…") call: say what the migration does')
    if not plan.steps:
        raise MacroError("the template asks for no change")
    steps = order(plan.steps)
    numbered = []
    for number, step in enumerate(steps, start=1):
        numbered.append(_view(step, number))
    inside = [s for s in numbered if not s["outside_reason"]]
    outside = [s for s in numbered if s["outside_reason"]]
    text = _LAYOUT.get_template("script.sql.j2").render(
        name=migration.name,
        description=plan.description_text,
        acknowledgements=[acknowledge_line(*a) for a in plan.acknowledgements],
        template_path=migration.template,
        template_sha=hashlib.sha256(template_bytes).hexdigest(),
        sources=sorted(plan.sources.items()),
        builder=__version__,
        checksum=PLACEHOLDER,
        history=HISTORY_TABLE,
        inside=inside,
        outside=outside,
        inside_count=sum(len(s["batches"]) for s in inside),
    )
    hazard = SQLCMD_HAZARD.search(text)
    if hazard:
        line = text.count("\n", 0, hazard.start()) + 1
        raise MacroError(f"rendered line {line}: sqlcmd would take {hazard.group().strip()!r} for a command or variable; rephrase it")
    return seal(text)[0]


def _view(step: Step, number: int) -> dict:
    """What the layout needs of a step."""
    match = next((OUTSIDE_TRANSACTION.search(b) for b in step.batches if OUTSIDE_TRANSACTION.search(b)), None)
    marker = step.data_target if step.kind == "data" else step.label
    return {
        "number": number,
        "kind": step.kind,
        "label": step.label,
        "marker": marker,
        "batches": step.batches,
        "describe": step.describe,
        "outside_reason": f"{' '.join(match.group(1).split()).upper()} cannot run inside a transaction" if match else "",
    }


def build(root: Path, target: Catalog, *, write: bool, release: bool = False) -> BuildResult:
    """Render drafts, verify released scripts and replay everything.

    With ``write``, drafts and migrations.sum are written (``release`` marks every draft released);
    without it nothing is written and every difference from what would be written is a finding.
    """
    sink = FindingSink()
    migrations = discover(root, sink)
    sums = _read_sum(root, sink)
    replay = Replay()
    large = large_tables(root, target, sink)
    elsewhere = released_acknowledgements(
        root, {e.script.removesuffix(".sql") for e in (sums.entries if sums else []) if e.state == "released"}, sink
    )
    entries: list[SumEntry] = []
    written: list[str] = []
    for migration in migrations:
        entry = sums.get(migration.file_name) if sums else None
        path = root / migration.script
        on_disk = path.read_bytes().decode("utf-8") if path.is_file() else None
        released = entry is not None and entry.state == "released"
        if released:
            text = _released(root, migration, entry, on_disk, target, replay.state, sink, write, written)
            if text is None:
                continue
            entries.append(SumEntry(migration.file_name, entry.checksum, "released"))
        else:
            try:
                text = render(root, migration, target, replay.state)
            except (MacroError, CycleError, jinja2.TemplateError, OSError) as error:
                sink.add(migration.template, _template_line(error), "E803", f"{migration.name}: {error}")
                continue
            if on_disk != text:
                if write:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_bytes(text.encode("utf-8"))
                    written.append(migration.script)
                elif on_disk is None:
                    sink.add(migration.template, 1, "E802", f"{migration.script} is missing; run wsdb build")
                else:
                    sink.add(migration.script, _first_difference(on_disk, text), "E802", f"{migration.script} differs from what its template renders; run wsdb build")
            entries.append(SumEntry(migration.file_name, checksum_of(text), "released" if release else "draft"))
        # Every script, released ones too: a released script cannot change, but the DBA who applies it to a
        # database with rows must know; its findings are acknowledged in migrations/acknowledgements.txt.
        lint_script(
            migration.script, text, replay.state, large, sink, elsewhere.get(migration.name, []) if released else [],
            released=released,
        )
        replay.apply(migration.script, text)
    _orphans(root, migrations, sums, sink)
    _released_order(migrations, sums, sink)
    new_sum = SumFile(entries)
    sum_text = new_sum.render()
    sum_path = root / SUM_FILE
    current = sum_path.read_text(encoding="utf-8") if sum_path.is_file() else None
    if current != sum_text and migrations:
        if write:
            sum_path.write_text(sum_text, encoding="utf-8", newline="\n")
            written.append(SUM_FILE)
        elif not any(f.path == SUM_FILE for f in sink.sorted()):
            sink.add(SUM_FILE, 1, "E804", "migrations.sum is out of date (or its directory line is wrong); run wsdb build")
    sink.extend(replay.sink.sorted())
    for difference in diff_catalogs(target, replay.state):
        sink.add(difference.path, difference.line, "E806", f"{difference.message}; add a migration (wsdb new <slug>) that brings the schema there")
    return BuildResult(sink.sorted(), migrations, replay.state, written, new_sum)


def _released(root, migration, entry, on_disk, target, state, sink, write, written) -> str | None:
    """The text of a released script, verified against its recorded checksum."""
    if on_disk is None:
        # A released script that went missing can be restored only if its template still renders it exactly.
        try:
            text = render(root, migration, target, state)
        except (MacroError, CycleError, jinja2.TemplateError, OSError):
            text = None
        if text is not None and checksum_of(text) == entry.checksum:
            if write:
                (root / migration.script).write_bytes(text.encode("utf-8"))
                written.append(migration.script)
                return text
        sink.add(migration.template, 1, "E801", f"released script {migration.script} is missing; restore it from version control")
        return None
    actual = checksum_of(on_disk)
    if actual != entry.checksum:
        sink.add(
            migration.script,
            1,
            "E801",
            f"released script {migration.file_name} was edited (checksum {actual[:12]}…, migrations.sum says {entry.checksum[:12]}…); "
            "restore it and put the change in a new migration",
        )
    return on_disk


def _read_sum(root: Path, sink: FindingSink) -> SumFile | None:
    path = root / SUM_FILE
    if not path.is_file():
        return None
    try:
        result = parse(path.read_text(encoding="utf-8"))
    except SumError as error:
        sink.add(SUM_FILE, 1, "E804", str(error))
        return None
    if result.directory != result.directory_hash():
        sink.add(SUM_FILE, 1, "E804", "migrations.sum's directory hash does not match its lines: the file was edited by hand")
    return result


def _orphans(root: Path, migrations: list[Migration], sums: SumFile | None, sink: FindingSink) -> None:
    names = {m.file_name for m in migrations}
    folder = root / MIGRATIONS
    for path in sorted(folder.glob("*.sql")) if folder.is_dir() else []:
        if path.name not in names:
            sink.add(path.relative_to(root).as_posix(), 1, "E804", f"{path.name} has no template in {TEMPLATES}/")
    for entry in sums.entries if sums else []:
        if entry.script not in names:
            sink.add(SUM_FILE, 1, "E804", f"migrations.sum lists {entry.script}, which has no template")


def _released_order(migrations: list[Migration], sums: SumFile | None, sink: FindingSink) -> None:
    """Released scripts were applied in the order the ledger lists them; that order cannot change."""
    if sums is None:
        return
    released = [e.script for e in sums.entries if e.state == "released"]
    now = [m.file_name for m in migrations if m.file_name in released]
    if now != released[: len(now)] or (len(now) < len(released)):
        sink.add(ORDER_FILE, 1, "E804", "released migrations must keep their order and stay listed: " + ", ".join(released))


def _first_difference(old: str, new: str) -> int:
    for number, (a, b) in enumerate(zip(old.splitlines(), new.splitlines()), start=1):
        if a != b:
            return number
    return min(len(old.splitlines()), len(new.splitlines())) + 1


def _template_line(error: Exception) -> int:
    return getattr(error, "lineno", None) or 1
