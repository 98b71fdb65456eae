"""The `wsdb` command line: a thin layer over the library functions of this package.

Exit codes: 0 clean; 1 findings, drift, a refused or failed migration; 2 usage or I/O error;
3 server unreachable; 4 login failed; 5 database missing; 6 database driver missing.
"""

from __future__ import annotations

import functools
import gc
import json
import os
import sys
from pathlib import Path

import click

from . import __version__


# Results kept alive until the process ends: `entry` leaves with os._exit, so a large model is not torn down
# object by object (on a 100x tree that teardown alone took longer than a quarter of the check).
_KEEP_ALIVE: list = []


# harness.report.FORMATS (and harness.verify.FORMATS), named here so that loading the CLI does not import
# the checker: a live command starts without sqlglot and jinja2 (a test keeps the three equal).
REPORT_FORMATS = ("text", "json", "junit")


class UsageProblem(click.ClickException):
    """An error in how wsdb was called or where it points (exit code 2)."""

    exit_code = 2


def root_option(func):
    """--root: the project folder that holds sql/ (default: the current folder)."""

    @click.option(
        "--root",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path("."),
        show_default=True,
        help="Project root: the folder that holds sql/ and contracts/.",
    )
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return func(*args, **kwargs)

    return wrapper


def format_option(func):
    """--format text|json|junit and --output FILE."""

    @click.option("--format", "fmt", type=click.Choice(REPORT_FORMATS), default="text", show_default=True, help="Report format.")
    @click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write the report to this file.")
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return func(*args, **kwargs)

    return wrapper


def reports_option(func):
    """--junit FILE and --json FILE: reports for CI, written beside the text on the terminal."""

    @click.option("--junit", "junit_path", type=click.Path(dir_okay=False, path_type=Path), help="Also write a JUnit XML report to FILE.")
    @click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path), help="Also write a JSON report to FILE.")
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return func(*args, **kwargs)

    return wrapper


def _emit(text: str, output: Path | None, *, painted: bool = False) -> None:
    """``text`` to ``output``, or to stdout (coloured when ``painted`` and colour is on)."""
    if output is None:
        if painted:
            from .colour import paint

            text = paint(text)
        click.echo(text, nl=False)
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        raise UsageProblem(f"cannot write {output}: {error}") from None


def _write_reports(render, junit_path: Path | None, json_path: Path | None) -> None:
    """Write ``render("junit")`` and ``render("json")`` where asked, and say so on stderr."""
    for fmt, path in (("junit", junit_path), ("json", json_path)):
        if path is not None:
            _emit(render(fmt), path)
            click.echo(f"wrote {fmt} report {path}", err=True)


def _say(line: str, *, err: bool = False) -> None:
    """One line of progress or verdict, coloured when colour is on."""
    from .colour import paint_line

    click.echo(paint_line(line), err=err)


@click.group()
@click.version_option(__version__, prog_name="wsdb")
@click.option("--color/--no-color", "color", default=None, help="Colour the text output (default: only on a terminal, never under NO_COLOR).")
@click.pass_context
def main(ctx: click.Context, color: bool | None) -> None:
    """workstream-db: the Workstream schema as T-SQL, with offline checks and live apply/verify.

    Exit codes: 0 clean; 1 findings, drift, refused or failed migration; 2 usage; 3 server unreachable;
    4 login failed; 5 database missing; 6 driver missing.
    """
    from .colour import colour_enabled

    ctx.color = colour_enabled(ctx)


@main.command()
@root_option
@format_option
@reports_option
@click.option("--list-codes", is_flag=True, help="List the finding codes and exit.")
def check(root: Path, fmt: str, output: Path | None, junit_path: Path | None, json_path: Path | None, list_codes: bool) -> None:
    """Check sql/ without a server: parsing, references, naming, indexes, the seed contracts, the migrations and their destructive changes."""
    from .check import ProjectError, run_check
    from .findings import CODES
    from .report import render, summary

    if list_codes:
        for code in CODES.values():
            click.echo(f"{code.code}  {code.severity.value:<7}  {code.title}")
        return
    gc.disable()  # the model is built once and dropped at exit: cyclic collection only costs time here
    try:
        result = run_check(root)
    except ProjectError as error:
        raise UsageProblem(str(error)) from None
    finally:
        gc.enable()
    _KEEP_ALIVE.append(result)
    _emit(render(result, fmt), output, painted=fmt == "text")
    _write_reports(functools.partial(render, result), junit_path, json_path)
    if output is not None or fmt != "text":
        _say(summary(result), err=True)
    sys.exit(1 if result.findings else 0)


@main.command()
@root_option
@click.option("--fix", is_flag=True, help="Apply sqlfluff's fixes in place.")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
def lint(root: Path, fix: bool, paths: tuple[Path, ...]) -> None:
    """Lint SQL with sqlfluff and the project's .sqlfluff (default: all of sql/)."""
    from .lint import run_lint

    if not paths and not (root / "sql").is_dir():
        raise UsageProblem(f"no sql/ folder under {root}")
    result = run_lint(root, list(paths) or None, fix=fix)
    for path, line, code, description in result.violations:
        _say(f"{path}:{line}: {code} {description}")
    for path in result.skipped:
        _say(f"{path}:1: SKIPPED sqlfluff did not lint this file")
    state = "clean" if not result.violations and not result.skipped else f"{len(result.violations)} violation(s)"
    _say(f"wsdb lint: {state} in {result.files} files")
    sys.exit(1 if result.violations or result.skipped else 0)


@main.command()
@click.argument("seed", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write the contract here.")
@click.option("--schema", help="Schema of a seed that names none (the intake data model: intake).")
def contract(seed: Path, output: Path | None, schema: str | None) -> None:
    """Extract the machine-readable contract of a seed document (Markdown) as JSON."""
    from .seed_markdown import extract_contract_file

    try:
        data = extract_contract_file(seed, schema)
    except (OSError, ValueError) as error:
        raise UsageProblem(f"cannot read {seed}: {error}") from None
    _emit(json.dumps(data, indent=2, ensure_ascii=False) + "\n", output)


def _target(root: Path):
    """The sql/ model the migrations must reach; sql/ files that do not even parse stop here (exit 1)."""
    from .findings import FindingSink
    from .reader import read_catalog
    from .resolve import resolve_catalog

    if not (root / "sql").is_dir():
        raise UsageProblem(f"no sql/ folder under {root}")
    sink = FindingSink()
    catalog = read_catalog(root, sink)
    broken = [f for f in sink.sorted() if f.code in ("E100", "E101", "E102")]
    if broken:
        for finding in broken:
            click.echo(finding.text())
        click.echo("sql/ does not parse; fix it before building migrations (wsdb check shows everything)")
        sys.exit(1)
    resolve_catalog(catalog, FindingSink())
    return catalog


@main.command()
@root_option
@click.option("--check", "check_only", is_flag=True, help="Write nothing; exit 1 when anything would change or does not verify.")
@click.option("--release", is_flag=True, help="Mark every draft script released: immutable from then on.")
def build(root: Path, check_only: bool, release: bool) -> None:
    """Render migrations/templates into dated scripts, seal them in migrations.sum and replay them."""
    import time

    from .build import build as run_build

    if check_only and release:
        raise UsageProblem("--check writes nothing, so it cannot --release")
    started = time.perf_counter()
    gc.disable()  # as in check: two models built once and dropped at exit (28% of a 100x --check)
    try:
        target = _target(root)
        result = run_build(root, target, write=not check_only, release=release)
    finally:
        gc.enable()
    _KEEP_ALIVE.append(result)
    for finding in result.findings:
        _say(finding.text())
    entries = result.sum_file.entries if result.sum_file else []
    released = sum(1 for e in entries if e.state == "released")
    verdict = "clean" if not result.findings else f"{len(result.errors)} error(s)"
    wrote = "" if check_only else f", wrote {len(result.written)} file(s)"
    _say(
        f"wsdb build: {verdict}; {len(result.migrations)} migration(s), {released} released, "
        f"{len(entries) - released} draft{wrote}; replayed schema {'equals' if not any(f.code == 'E806' for f in result.findings) else 'differs from'} sql/ "
        f"({time.perf_counter() - started:.2f} s)"
    )
    sys.exit(1 if result.findings else 0)


@main.command()
@root_option
@click.argument("slug")
@click.option("--date", "day", type=click.DateTime(formats=["%Y%m%d", "%Y-%m-%d"]), help="Date of the migration (default: today, UTC).")
def new(root: Path, slug: str, day) -> None:
    """Start the next migration: migrations/templates/<YYYYMMDD>_<SLUG>.sql.j2, listed last in order.txt."""
    from .scaffold import ScaffoldError, new_migration

    try:
        path = new_migration(root, slug, day.date() if day else None)
    except (ScaffoldError, OSError) as error:
        raise UsageProblem(str(error)) from None
    click.echo(f"created {path.relative_to(root).as_posix()}: describe it, call the macros, then run wsdb build")


@main.command()
@root_option
@click.option("--from", "from_name", help="Start at this released migration (the first one the target database lacks).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write the bundle here (default: stdout).")
def bundle(root: Path, from_name: str | None, output: Path | None) -> None:
    """One deploy script of the released migrations, for sqlcmd or SSMS."""
    from .bundle import BundleError, make_bundle

    try:
        result = make_bundle(root, _target(root), from_name)
    except BundleError as error:
        raise UsageProblem(str(error)) from None
    _emit(result.text, output)
    if result.drafts_left_out:
        click.echo(f"left out draft migration(s): {', '.join(result.drafts_left_out)}", err=True)
    click.echo(f"wsdb bundle: {len(result.scripts)} migration(s), {result.scripts[0]} .. {result.scripts[-1]}", err=True)


@main.command()
@root_option
@click.option("--output", "-o", "out_dir", type=click.Path(file_okay=False, path_type=Path), help="Folder to write (default: docs/schema).")
@click.option("--check", "check_only", is_flag=True, help="Write nothing; exit 1 when docs/schema is not what wsdb docs would write.")
def docs(root: Path, out_dir: Path | None, check_only: bool) -> None:
    """Write the data dictionary (Markdown) and an entity-relationship picture (SVG) per schema."""
    from .docs import relative_path, stale_docs, write_docs

    catalog = _target(root)
    if check_only:
        stale = stale_docs(root, catalog, out_dir)
        for path in stale:
            _say(f"{path}:1: stale; run wsdb docs")
        _say(f"wsdb docs: {len(stale)} stale file(s)" if stale else "wsdb docs: clean; docs/schema is current")
        sys.exit(1 if stale else 0)
    try:
        result = write_docs(root, catalog, out_dir)
    except OSError as error:
        raise UsageProblem(f"cannot write the docs: {error}") from None
    for path in result.paths:
        click.echo(f"wrote {relative_path(root, path)}")
    _say(f"wsdb docs: wrote {len(result.paths)} file(s) for {result.tables} tables ({result.seconds:.2f} s)")


def url_option(func):
    """--url (or WSDB_URL): the database to work on; the password is never printed."""

    @click.option(
        "--url",
        "url_text",
        envvar="WSDB_URL",
        metavar="URL",
        help="mssql+pymssql://user:password@host:1433/database (or mssql+pyodbc://…?driver=…); default: $WSDB_URL.",
    )
    @functools.wraps(func)
    def wrapper(*args, url_text: str | None = None, **kwargs):
        from .urls import UrlError, parse_url

        try:
            kwargs["url"] = parse_url(url_text or "")
        except UrlError as error:
            raise UsageProblem(str(error)) from None
        return func(*args, **kwargs)

    return wrapper


def drafts_option(func):
    """--drafts: apply (or count) draft migrations too."""

    @click.option("--drafts", "include_drafts", is_flag=True, help="Include draft migrations (for development databases).")
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return func(*args, **kwargs)

    return wrapper


def live_errors(func):
    """Turn what can go wrong against a server into one line on stderr and a distinct exit code."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        from .apply import ApplyError
        from .connection import ConnectError, SqlError
        from .databases import DatabaseError
        from .scripts import ScriptError

        def fail(message: str, code: int):
            click.echo(click.style(f"wsdb: {message}", fg="red"), err=True)
            sys.exit(code)

        try:
            return func(*args, **kwargs)
        except ConnectError as error:
            fail(error.message, error.exit_code)
        except (ApplyError, ScriptError, DatabaseError) as error:
            fail(str(error), 1)
        except SqlError as error:
            fail(f"SQL Server refused a statement of wsdb itself: {error.text()}", 1)

    return wrapper


@main.command()
@root_option
@url_option
@drafts_option
@click.option("--to", "to", metavar="NAME", help="Stop after this migration (inclusive).")
@click.option("--dry-run", is_flag=True, help="Print what would be applied; change nothing.")
@click.option("--create-database", is_flag=True, help="Create the URL's database first if it does not exist.")
@click.option("--lock-timeout", type=click.IntRange(0), default=600, show_default=True, help="Seconds to wait for another wsdb apply.")
@live_errors
def apply(root: Path, url, include_drafts: bool, to: str | None, dry_run: bool, create_database: bool, lock_timeout: int) -> None:
    """Apply the pending migration scripts in order, each all-or-nothing, under an application lock."""
    from .apply import apply as run_apply
    from .apply import summary
    from .history import render_plan

    progress = _BatchProgress()
    try:
        result = run_apply(
            url, root, to=to, dry_run=dry_run, create=create_database, include_drafts=include_drafts,
            lock_timeout=lock_timeout, echo=progress.line, on_batch=progress.batch,
        )
    except ValueError as error:
        raise UsageProblem(str(error)) from None
    finally:
        progress.clear()
    if dry_run:
        _emit(render_plan(result.plan, url.safe(), create_database=result.created_database), None, painted=True)
        sys.exit(1 if result.plan.problems else 0)
    if result.created_database:
        click.echo(f"created database {url.database}")
    _say(summary(result))


class _BatchProgress:
    """``wsdb apply``'s progress: a line per script and, on a terminal, a batch counter on stderr."""

    def __init__(self) -> None:
        self.live = sys.stderr.isatty()
        self.drawn = 0

    def line(self, text: str) -> None:
        self.clear()
        _say(text)

    def batch(self, name: str, done: int, total: int) -> None:
        if self.live:
            text = f"  {name}: batch {done}/{total}"
            click.echo("\r" + text.ljust(self.drawn), nl=False, err=True)
            self.drawn = len(text)

    def clear(self) -> None:
        if self.drawn:
            click.echo("\r" + " " * self.drawn + "\r", nl=False, err=True)
            self.drawn = 0


@main.command()
@root_option
@url_option
@drafts_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="Report format.")
@live_errors
def status(root: Path, url, include_drafts: bool, fmt: str) -> None:
    """Applied and pending migrations of a database, with checksums, who and when (exit 1 on a problem)."""
    from .status import render_status
    from .status import status as read_status

    result = read_status(url, root, include_drafts=include_drafts)
    _emit(render_status(result, fmt), None, painted=fmt == "text")
    sys.exit(1 if result.plan.problems else 0)


@main.command()
@root_option
@url_option
@format_option
@reports_option
@live_errors
def verify(root: Path, url, fmt: str, output: Path | None, junit_path: Path | None, json_path: Path | None) -> None:
    """Compare the database's catalog with sql/: exit 1 with one line per difference."""
    import time

    from .connection import connect
    from .verify import render_verify, verify_database

    started = time.perf_counter()
    target = _target(root)
    with connect(url) as connection:
        differences = verify_database(connection, target)
    seconds = time.perf_counter() - started
    text = render_verify(differences, fmt, database=url.where(), seconds=seconds)
    _emit(text, output, painted=fmt == "text")
    _write_reports(lambda kind: render_verify(differences, kind, database=url.where(), seconds=seconds), junit_path, json_path)
    if output is not None:
        click.echo(f"wsdb verify: {len(differences)} difference(s); report written to {output}", err=True)
    sys.exit(1 if differences else 0)


@main.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@root_option
@click.option("--url", "url_text", envvar="WSDB_TEST_URL", metavar="URL", help="Server for the live tier (default: $WSDB_TEST_URL, else Docker).")
@click.option("--allow-skip", is_flag=True, help="Skip (exit 0) instead of failing when no server is available.")
@reports_option
@click.argument("pytest_args", nargs=-1, type=click.UNPROCESSED)
def test(
    root: Path, url_text: str | None, allow_skip: bool, junit_path: Path | None, json_path: Path | None,
    pytest_args: tuple[str, ...],
) -> None:
    """Run the live test tier (pytest -m live) against a real SQL Server; extra arguments go to pytest."""
    try:
        import pytest
    except ImportError:
        raise UsageProblem("pytest is not installed: pip install -e '.[test]'") from None
    if url_text:
        os.environ["WSDB_TEST_URL"] = url_text
    os.environ["WSDB_TEST_REQUIRE_SERVER"] = "0" if allow_skip else "1"
    os.environ.setdefault("WSDB_TEST_ROOT", str(root.resolve()))
    chosen = [a for a in pytest_args if not a.startswith("-") and Path(a.split("::")[0]).exists()]
    where = [] if chosen else [str(root / "tests")]
    reports = [f"--junitxml={junit_path}"] if junit_path else []
    reports += [f"--wsdb-json={json_path}"] if json_path else []
    colour = click.get_current_context().color
    reports += [] if colour is None else [f"--color={'yes' if colour else 'no'}"]
    code = pytest.main(["-m", "live", "--rootdir", str(root.resolve()), *reports, *where, *pytest_args])
    sys.exit(int(code))


def entry() -> None:
    """Console-script entry point: run the CLI, flush, and exit without tearing the model down."""
    code = 0
    try:
        main(standalone_mode=True)
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    entry()
