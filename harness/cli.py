"""The `wsdb` command line: a thin layer over the library functions of this package.

Exit codes: 0 clean, 1 findings, 2 usage or I/O error.
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
    from .report import FORMATS

    @click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True, help="Report format.")
    @click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write the report to this file.")
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return func(*args, **kwargs)

    return wrapper


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        raise UsageProblem(f"cannot write {output}: {error}") from None


@click.group()
@click.version_option(__version__, prog_name="wsdb")
def main() -> None:
    """workstream-db: the Workstream schema as T-SQL, with offline checks."""


@main.command()
@root_option
@format_option
@click.option("--list-codes", is_flag=True, help="List the finding codes and exit.")
def check(root: Path, fmt: str, output: Path | None, list_codes: bool) -> None:
    """Check sql/ without a server: parsing, references, naming, indexes, the seed contract."""
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
    _emit(render(result, fmt), output)
    if output is not None or fmt != "text":
        click.echo(summary(result), err=True)
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
        click.echo(f"{path}:{line}: {code} {description}")
    for path in result.skipped:
        click.echo(f"{path}:1: SKIPPED sqlfluff did not lint this file")
    state = "clean" if not result.violations and not result.skipped else f"{len(result.violations)} violation(s)"
    click.echo(f"wsdb lint: {state} in {result.files} files")
    sys.exit(1 if result.violations or result.skipped else 0)


@main.command()
@click.argument("seed", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write the contract here.")
def contract(seed: Path, output: Path | None) -> None:
    """Extract the machine-readable contract of a seed document (Markdown) as JSON."""
    from .seed_markdown import extract_contract_file

    try:
        data = extract_contract_file(seed)
    except (OSError, ValueError) as error:
        raise UsageProblem(f"cannot read {seed}: {error}") from None
    _emit(json.dumps(data, indent=2, ensure_ascii=False) + "\n", output)


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
