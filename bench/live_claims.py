"""Outbox claim throughput: workers claiming and completing app.work_event rows (figures only, never asserted).

    python bench/live_claims.py --url 'mssql+pymssql://sa:<password>@localhost:1433/master'

What it does: creates a scratch database on the server and applies every migration to it, drafts
included (bench/scratch.py), creates one org and loads --events
outbox events for it (default 100,000) in one set-based INSERT. Then, for each worker count of
--workers (default 1,4,8):

1. resets every event of the org to unclaimed and unprocessed;
2. starts that many threads, each with its own connection, which loop
   ``app.sp_claim_work_events @worker, @batch_size = --batch, @lease_seconds = --lease, @org_id`` and
   ``app.sp_complete_work_events`` on the ids they got, until nothing is claimable any more (a worker
   chosen as a deadlock victim, error 1205, retries: its transaction was rolled back whole);
3. reports the wall-clock seconds from the moment all workers start, the events claimed per second,
   how many ids were handed out more than once (must be 0) and how many events are left unprocessed
   (must be 0).

It prints one table row per worker count. Without a URL (--url or WSDB_URL) it says how to run it and
exits 2. The scratch database is dropped at the end unless --keep. Importing this module does nothing;
``main()`` does the work.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as `python bench/live_claims.py` from a checkout
    sys.path.insert(0, str(ROOT))

from harness.apply import ApplyError  # noqa: E402
from harness.connection import ConnectError, Connection, SqlError, connect  # noqa: E402
from harness.databases import DatabaseError  # noqa: E402
from harness.urls import ServerUrl, UrlError, parse_url  # noqa: E402
from scratch import scratch_database  # noqa: E402  (bench/ is on sys.path when run as a script)

ENV_URL = "WSDB_URL"
DEADLOCK = 1205
DUPLICATE_KEY = (2601, 2627)
USAGE = (
    "live_claims: give a server with --url or WSDB_URL, e.g.\n"
    "  python bench/live_claims.py --url 'mssql+pymssql://sa:<password>@localhost:1433/master'\n"
    "A scratch database is created there (the login needs CREATE DATABASE) and dropped at the end unless --keep."
)

NEW_ORG = (
    "INSERT INTO core.org (org_id, name) OUTPUT inserted.org_id "
    "SELECT COALESCE(MAX(o.org_id), 0) + 1, ? FROM core.org AS o WITH (UPDLOCK, HOLDLOCK);"
)
LOAD_EVENTS = (
    "WITH numbers AS ("
    " SELECT TOP (?) ROW_NUMBER() OVER (ORDER BY (SELECT NULL)) AS n"
    " FROM sys.all_columns AS a CROSS JOIN sys.all_columns AS b"
    ") "
    "INSERT INTO app.work_event (org_id, item_type, item_id, event_name, payload_json) "
    "SELECT ?, 'signal', numbers.n, 'bench.claim', CONCAT(N'{\"n\":', numbers.n, N'}') FROM numbers;"
)
RESET_EVENTS = (
    "UPDATE e SET e.claimed_at = NULL, e.claimed_by = NULL, e.lease_until = NULL, e.processed_at = NULL, "
    "e.dead_letter_at = NULL, e.retry_count = 0, e.next_attempt_at = NULL, e.last_error = NULL "
    "FROM app.work_event AS e WHERE e.org_id = ?;"
)
CLAIM = "EXEC app.sp_claim_work_events @worker = ?, @batch_size = ?, @lease_seconds = ?, @org_id = ?;"
COMPLETE = "EXEC app.sp_complete_work_events @worker = ?, @event_ids = ?;"
CLAIMABLE_LEFT = (
    "SELECT COUNT(*) AS n FROM app.work_event AS e WHERE e.org_id = ? AND e.processed_at IS NULL "
    "AND e.dead_letter_at IS NULL AND e.claimed_at IS NULL;"
)
UNPROCESSED = "SELECT COUNT(*) AS n FROM app.work_event AS e WHERE e.org_id = ? AND e.processed_at IS NULL;"


@dataclass
class Round:
    """One run of ``workers`` workers over every event of the org."""

    workers: int
    events: int
    seconds: float = 0.0
    claimed: int = 0  # ids handed out, repeats included
    duplicates: int = 0  # ids handed out more than once
    left: int = 0  # events not processed at the end
    deadlock_retries: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def per_second(self) -> float:
        return (self.claimed - self.duplicates) / self.seconds if self.seconds > 0 else 0.0


# -- arguments ---------------------------------------------------------------------------------------------


def worker_counts(text: str) -> list[int]:
    """``"1,4,8"`` -> ``[1, 4, 8]`` (argparse type)."""
    try:
        counts = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a comma-separated list of whole numbers") from None
    if not counts or any(n < 1 for n in counts):
        raise argparse.ArgumentTypeError("worker counts are whole numbers of at least 1")
    return counts


def positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help=f"server URL (default: ${ENV_URL}); a scratch database is created on it")
    parser.add_argument("--events", type=positive, default=100_000, help="outbox events to load (default 100000)")
    parser.add_argument("--workers", type=worker_counts, default=[1, 4, 8],
                        help="worker counts to run, comma separated (default 1,4,8)")
    parser.add_argument("--batch", type=positive, default=100, help="@batch_size of each claim (default 100, at most 2000)")
    parser.add_argument("--lease", type=positive, default=300, help="@lease_seconds of each claim (default 300)")
    parser.add_argument("--timeout", type=positive, default=900, help="seconds a round may take before it gives up (default 900)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database (its name is printed)")
    return parser.parse_args(argv)


# -- the database ------------------------------------------------------------------------------------------


def new_org(connection: Connection, name: str, attempts: int = 5) -> int:
    for attempt in range(attempts):
        try:
            return connection.scalar(NEW_ORG, (name,))
        except SqlError as error:
            if error.number not in (*DUPLICATE_KEY, DEADLOCK) or attempt == attempts - 1:
                raise
            time.sleep(0.1 * (attempt + 1))
    raise AssertionError("unreachable")


# -- the workers -------------------------------------------------------------------------------------------


class Deadlocks:
    def __init__(self) -> None:
        self.count = 0
        self._lock = threading.Lock()

    def retrying(self, call: Callable[[], Any], attempts: int = 20) -> Any:
        """``call()``, again when SQL Server chose it as a deadlock victim (its transaction was rolled back)."""
        for attempt in range(attempts):
            try:
                return call()
            except SqlError as error:
                if error.number != DEADLOCK or attempt == attempts - 1:
                    raise
                with self._lock:
                    self.count += 1
                time.sleep(0.01 * (attempt + 1))
        raise AssertionError("unreachable")


def work(url: ServerUrl, org_id: int, name: str, args: argparse.Namespace, claimed: list[int],
         start: threading.Barrier, deadline: float, deadlocks: Deadlocks, errors: list[str]) -> None:
    """One worker: claim a batch, complete it, until nothing is claimable any more."""
    try:
        connection = connect(url)
    except Exception as error:  # noqa: BLE001 - reported in the round's errors
        errors.append(f"{name}: cannot connect: {error}")
        start.abort()
        return
    try:
        start.wait(timeout=120)
        while time.monotonic() < deadline:
            results = deadlocks.retrying(lambda: connection.execute(CLAIM, (name, args.batch, args.lease, org_id)))
            ids = [row[0] for row in results[-1].rows] if results else []
            if not ids:
                # Nothing for us: done when nothing is claimable, else the rest was locked a moment ago (READPAST).
                if connection.scalar(CLAIMABLE_LEFT, (org_id,)) == 0:
                    return
                time.sleep(0.01)
                continue
            claimed.extend(ids)
            done = deadlocks.retrying(lambda: connection.scalar(COMPLETE, (name, json.dumps(ids))))
            if done != len(ids):
                errors.append(f"{name}: completed {done} of {len(ids)} claimed events")
        errors.append(f"{name}: gave up after --timeout {args.timeout} s")
    except Exception as error:  # noqa: BLE001 - reported in the round's errors
        errors.append(f"{name}: {type(error).__name__}: {error}")
    finally:
        connection.close()


def run_round(url: ServerUrl, connection: Connection, org_id: int, workers: int, args: argparse.Namespace) -> Round:
    connection.execute(RESET_EVENTS, (org_id,))
    result = Round(workers, args.events)
    claimed: list[list[int]] = [[] for _ in range(workers)]
    deadlocks = Deadlocks()
    start = threading.Barrier(workers + 1)
    deadline = time.monotonic() + args.timeout
    threads = [
        threading.Thread(
            target=work,
            args=(url, org_id, f"bench-{workers}-{n + 1}", args, claimed[n], start, deadline, deadlocks, result.errors),
            daemon=True,
        )
        for n in range(workers)
    ]
    for thread in threads:
        thread.start()
    with contextlib.suppress(threading.BrokenBarrierError):
        start.wait(timeout=120)
    began = time.perf_counter()
    for thread in threads:
        thread.join(timeout=args.timeout + 60)
    result.seconds = time.perf_counter() - began
    every = [event_id for ids in claimed for event_id in ids]
    result.claimed = len(every)
    result.duplicates = len(every) - len(set(every))
    result.left = connection.scalar(UNPROCESSED, (org_id,))
    result.deadlock_retries = deadlocks.count
    return result


# -- the report --------------------------------------------------------------------------------------------

HEADER = f"{'workers':>7} {'events':>9} {'seconds':>9} {'claims/s':>10} {'duplicates':>10} {'left unprocessed':>16}"


def table_row(r: Round) -> str:
    return f"{r.workers:>7} {r.events:>9} {r.seconds:>9.2f} {r.per_second:>10.0f} {r.duplicates:>10} {r.left:>16}"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    text = (args.url or os.environ.get(ENV_URL, "")).strip()
    if not text:
        print(USAGE, file=sys.stderr)
        return 2
    if args.batch > 2000:
        print("live_claims: --batch is at most 2000 (sp_claim_work_events refuses more)", file=sys.stderr)
        return 2
    try:
        server = parse_url(text)
    except UrlError as error:
        print(f"live_claims: {error}", file=sys.stderr)
        return 2

    try:
        with scratch_database(server, "wsdb_bench_claims", keep=args.keep) as url, connect(url) as connection:
            org_id = new_org(connection, "Bench org (outbox claims)")
            started = time.perf_counter()
            connection.execute(LOAD_EVENTS, (args.events, org_id))
            connection.execute("UPDATE STATISTICS app.work_event;")
            print(f"loaded {args.events} events for org {org_id} in {time.perf_counter() - started:.1f} s; "
                  f"claim batch {args.batch}, lease {args.lease} s")
            print(HEADER)
            for workers in args.workers:
                result = run_round(url, connection, org_id, workers, args)
                print(table_row(result), flush=True)
                if result.deadlock_retries:
                    print(f"{'':>7} ({result.deadlock_retries} deadlock victim(s) retried)")
                for error in result.errors[:10]:
                    print(f"{'':>7} error: {error}")
    except ConnectError as error:
        print(f"live_claims: {error.message}", file=sys.stderr)
        return error.exit_code
    except (DatabaseError, ApplyError) as error:
        print(f"live_claims: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
