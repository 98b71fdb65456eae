"""``wsdb apply``: run the pending migration scripts against a database, in order, one at a time.

Two locks keep concurrent runs apart. The harness holds the session application lock ``wsdb.apply``
from before it reads the history until it is done, so a second ``wsdb apply`` waits, then reads the
history the first one wrote and finds nothing to do. Inside, each script takes its own transaction lock
``wsdb.migrations`` (the guard in its prologue), which also keeps out a script run by hand with sqlcmd.

Each script is all-or-nothing: its guard opens one transaction for every step, and the history row is
written in that transaction. The harness splits the script on ``GO`` with :mod:`harness.batches`, runs
the batches in order and, at the first error, rolls back (``SET NOEXEC OFF`` first, in case the script's
own gate switched execution off), closes the session and reports the script, its line and SQL Server's
message. A script that ran is confirmed by its history row and checksum.
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .batches import BatchError, split_batches
from .layout import HISTORY_TABLE
from .connection import ConnectError, Connection, SqlError, connect
from .databases import create_database
from .history import Plan, make_plan, read_history
from .scripts import DiskScript, load_scripts
from .urls import ServerUrl

LOCK_RESOURCE = "wsdb.apply"


class ApplyError(Exception):
    """Nothing was applied, or a script failed and was rolled back; the message says which."""


@dataclass
class ScriptRun:
    name: str
    seconds: float
    outcome: str  # applied | skipped
    batches: int = 0
    slowest_line: int = 0  # line of the slowest batch in the script file
    slowest_seconds: float = 0.0


@dataclass
class ApplyResult:
    where: str
    plan: Plan
    runs: list[ScriptRun] = field(default_factory=list)
    seconds: float = 0.0
    created_database: bool = False

    @property
    def applied(self) -> list[ScriptRun]:
        return [r for r in self.runs if r.outcome == "applied"]


class ScriptFailed(ApplyError):
    def __init__(self, script: DiskScript, line: int, error: SqlError) -> None:
        self.script = script
        self.line = line
        self.error = error
        super().__init__(f"{script.path}:{line}: {error.text()}; {script.name} was rolled back, nothing of it remains")


def acquire_lock(connection: Connection, timeout_s: int, echo: Callable[[str], None]) -> None:
    """Hold the session lock ``wsdb.apply``; wait up to ``timeout_s`` seconds for another apply."""
    sql = (
        "DECLARE @result int; "
        "EXEC @result = sys.sp_getapplock @Resource = N'" + LOCK_RESOURCE + "', @LockMode = N'Exclusive', "
        "@LockOwner = N'Session', @LockTimeout = ?; SELECT @result AS result;"
    )
    if connection.scalar(sql, (0,)) >= 0:
        return
    echo(f"waiting for another wsdb apply on this database (lock {LOCK_RESOURCE}, up to {timeout_s} s) …")
    result = connection.scalar(sql, (timeout_s * 1000,))
    if result < 0:
        raise ApplyError(f"another wsdb apply held the lock {LOCK_RESOURCE} for {timeout_s} s (result {result}); nothing was applied")


def release_lock(connection: Connection) -> None:
    connection.execute(f"EXEC sys.sp_releaseapplock @Resource = N'{LOCK_RESOURCE}', @LockOwner = N'Session';")


def run_script(
    connection: Connection, script: DiskScript, on_batch: Callable[[int, int], None] | None = None
) -> ScriptRun:
    """Run one script batch by batch; on error roll back and raise :class:`ScriptFailed`.

    ``on_batch(done, total)`` is called after each batch (``wsdb apply`` draws its progress with it).
    """
    try:
        batches = split_batches(script.text)
    except BatchError as error:
        raise ApplyError(f"{script.path}:{error.line}: {error.reason}") from None
    started = time.perf_counter()
    slowest = (0, 0.0)
    connection.messages.clear()
    for done, batch in enumerate(batches, start=1):
        batch_started = time.perf_counter()
        for _ in range(batch.count):
            try:
                connection.execute(batch.text)
            except SqlError as error:
                _roll_back(connection)
                line = batch.start_line + (error.line - 1 if error.line and not error.procedure else 0)
                raise ScriptFailed(script, line, error) from None
        took = time.perf_counter() - batch_started
        if took > slowest[1]:
            slowest = (batch.start_line, took)
        if on_batch is not None:
            on_batch(done, len(batches))
    seconds = time.perf_counter() - started
    recorded = connection.scalar(
        f"SELECT h.checksum FROM {HISTORY_TABLE} AS h WHERE h.migration_name = ?;", (script.name,)
    )
    if (recorded or "").strip() != script.checksum:
        raise ApplyError(f"{script.path}: ran without error but the history holds {recorded!r} for it; see its output")
    skipped = any("skipped" in message and script.name in message for message in connection.messages)
    return ScriptRun(script.name, seconds, "skipped" if skipped else "applied", len(batches), *slowest)


def _roll_back(connection: Connection) -> None:
    """Leave no transaction open after a failed batch (the server also rolls back when we disconnect)."""
    for statement in ("SET NOEXEC OFF;", "IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION;"):
        try:
            connection.execute(statement)
        except SqlError:
            break


def apply(
    url: ServerUrl,
    root: Path,
    *,
    to: str | None = None,
    dry_run: bool = False,
    create: bool = False,
    include_drafts: bool = False,
    lock_timeout: int = 600,
    echo: Callable[[str], None] = lambda line: None,
    on_batch: Callable[[str, int, int], None] | None = None,
) -> ApplyResult:
    """Apply the pending scripts under ``root``/migrations to the URL's database (see the module doc).

    ``echo`` receives the progress lines (:func:`progress_line`); ``on_batch(name, done, total)`` is
    called after every batch of a script.

    Raises :class:`~harness.scripts.ScriptError` for untrusted scripts on disk, :class:`ApplyError`
    for a refused plan or a failed script, :class:`~harness.connection.ConnectError` when the server
    cannot be reached, ``ValueError`` for a ``to`` that names no script.
    """
    started = time.perf_counter()
    scripts = load_scripts(root, include_drafts=include_drafts).scripts
    make_plan(scripts, [], to)  # an unknown --to is a usage error before anything reaches the server
    where = url.where()
    created = False
    try:
        connection = connect(url)
    except ConnectError as error:
        if error.kind != "database" or not create:
            raise
        if dry_run:
            plan = make_plan(scripts, [], to)
            return ApplyResult(where, plan, seconds=time.perf_counter() - started, created_database=True)
        created = create_database(url)
        connection = connect(url)
    with connection:
        if not dry_run:  # a dry run reads the history as it is now, without waiting for a running apply
            acquire_lock(connection, lock_timeout, echo)
        plan = make_plan(scripts, read_history(connection), to)
        result = ApplyResult(where, plan, created_database=created)
        if dry_run:  # problems included: the dry run shows them, the caller decides the exit code
            result.seconds = time.perf_counter() - started
            return result
        if plan.problems:
            raise ApplyError("; ".join(p.message for p in plan.problems) + "; nothing was applied")
        total = len(plan.pending)
        for index, script in enumerate(plan.pending, start=1):
            echo(f"{_counter(index, total)} applying {script.name} …")
            hook = None if on_batch is None else functools.partial(on_batch, script.name)
            run = run_script(connection, script, hook)
            result.runs.append(run)
            echo(progress_line(index, total, run))
        release_lock(connection)
    result.seconds = time.perf_counter() - started
    return result


def _counter(index: int, total: int) -> str:
    width = len(str(total))
    return f"[{index:>{width}}/{total}]"


def progress_line(index: int, total: int, run: ScriptRun) -> str:
    """``[ 3/13] applied 20250907_final_tightenings in 0.42 s (52 batches; slowest at line 212: 0.08 s)``."""
    detail = f"{run.batches} batch{'es' if run.batches != 1 else ''}"
    if run.slowest_line:
        detail += f"; slowest at line {run.slowest_line}: {run.slowest_seconds:.2f} s"
    return f"{_counter(index, total)} {run.outcome} {run.name} in {run.seconds:.2f} s ({detail})"


def summary(result: ApplyResult) -> str:
    """The last line ``wsdb apply`` prints."""
    if result.applied:
        last = result.applied[-1].name
        return (
            f"wsdb apply: {len(result.applied)} migration(s) applied to {result.where} in {result.seconds:.2f} s; "
            f"now at {last}"
        )
    at = result.plan.last_applied or "an empty history"
    return f"wsdb apply: nothing to apply; {result.where} is at {at} ({len(result.plan.applied)} applied)"


__all__ = ["ApplyError", "ApplyResult", "ScriptFailed", "ScriptRun", "apply", "progress_line", "run_script", "summary"]
