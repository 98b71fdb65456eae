"""Today panel latency for one owner on 100k panel items per org (figures only, never asserted).

    python bench/live_today_panel.py --url 'mssql+pymssql://sa:<password>@localhost:1433/master'

What it does: creates a scratch database with every migration (bench/scratch.py), then loads --orgs
orgs (default 2), each with --items panel items (default 100,000):

* half open candidates (statuses new/triaged/nurture/on_hold, value bands and last touches spread out);
* a quarter pursuits in qual/pink/red/submit, each with its own promoted candidate, some with due dates;
* a quarter open signals;
* about 1 % of the items with an open SLA breach;

spread over --owners owners per org (default 200, so about 500 items per owner). Statistics are
updated, then it times, --repeat times each (default 20), for one owner of the first org:

* ``EXEC app.sp_today_panel @org_id, @owner_user_id, @top = 50`` (the call the app makes);
* ``SELECT … FROM app.v_today_panel WHERE org_id = ? AND owner_user_id = ?`` (every row of the owner);
* ``SELECT … FROM app.v_user_workload_analysis WHERE org_id = ?`` (the org's workload dashboard).

It prints min / median / p95 milliseconds and the row counts. Without a URL it says how to run it
and exits 2. The scratch database is dropped at the end unless --keep.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

from scratch import scratch_database, server_url

from harness.apply import ApplyError
from harness.connection import ConnectError, connect
from harness.databases import DatabaseError
from harness.urls import UrlError

_NUMBERS = (
    "WITH n AS (SELECT TOP ({count}) ROW_NUMBER() OVER (ORDER BY (SELECT NULL)) AS k "
    "FROM sys.all_columns AS a CROSS JOIN sys.all_columns AS b) "
)


def load(connection, org_id: int, items: int, owners: int, first_user: int) -> None:
    """One org with ``items`` panel items spread over ``owners`` owners (set-based inserts)."""
    connection.execute("INSERT INTO core.org (org_id, name) VALUES (?, ?);", (org_id, f"Bench org {org_id}"))
    connection.execute(
        _NUMBERS.format(count=owners)
        + "INSERT INTO core.user_account (user_id, org_id, email, display_name) "
        "SELECT ? + n.k, ?, CONCAT('owner', ? + n.k, '@bench.test'), CONCAT(N'Owner ', n.k) FROM n;",
        (first_user, org_id, first_user),
    )
    candidates, pursuits = items // 2, items // 4
    signals = items - candidates - pursuits
    connection.execute(
        _NUMBERS.format(count=candidates)
        + "INSERT INTO app.candidate (org_id, title, value_band, status, owner_user_id, last_touch_at) "
        "SELECT ?, CONCAT(N'Candidate ', n.k), CHOOSE(CAST(n.k % 4 AS int) + 1, 'low', 'med', 'high', NULL), "
        "CHOOSE(CAST(n.k % 4 AS int) + 1, 'new', 'triaged', 'nurture', 'on_hold'), ? + 1 + n.k % ?, "
        "DATEADD(MINUTE, -(n.k * 37) % 30000, SYSUTCDATETIME()) FROM n;",
        (org_id, first_user, owners),
    )
    connection.execute(
        _NUMBERS.format(count=pursuits)
        + "INSERT INTO app.candidate (org_id, title, value_band, status) "
        "SELECT ?, CONCAT(N'Pursued ', n.k), CHOOSE(CAST(n.k % 3 AS int) + 1, 'low', 'med', 'high'), 'promoted' FROM n;",
        (org_id,),
    )
    connection.execute(
        "INSERT INTO app.pursuit (org_id, candidate_id, pursuit_stage, capture_lead_id, due_date) "
        "SELECT c.org_id, c.candidate_id, CHOOSE(CAST(c.candidate_id % 4 AS int) + 1, 'qual', 'pink', 'red', 'submit'), "
        "? + 1 + CAST(c.candidate_id % ? AS int), "
        "CASE WHEN c.candidate_id % 3 = 0 THEN NULL ELSE DATEADD(DAY, CAST(c.candidate_id % 40 AS int) - 5, CAST(SYSUTCDATETIME() AS date)) END "
        "FROM app.candidate AS c WHERE c.org_id = ? AND c.status = 'promoted';",
        (first_user, owners, org_id),
    )
    connection.execute(
        _NUMBERS.format(count=signals)
        + "INSERT INTO app.signal (org_id, source_type, source_ref, dedupe_key, snippet, owner_user_id, ts) "
        "SELECT ?, 'email', CONCAT('bench-', ?, '-', n.k), CONCAT('dk-', ?, '-', n.k), N'Bench signal', "
        "? + 1 + n.k % ?, DATEADD(MINUTE, -(n.k * 53) % 20000, SYSUTCDATETIME()) FROM n;",
        (org_id, org_id, org_id, first_user, owners),
    )
    rule_id = connection.scalar(
        "INSERT INTO app.sla_rule (org_id, item_type, metric, threshold_hrs) OUTPUT inserted.rule_id "
        "VALUES (?, 'candidate', 'touch', 48);",
        (org_id,),
    )
    connection.execute(
        "INSERT INTO app.sla_breach (org_id, item_type, item_id, rule_id, reason_code) "
        "SELECT c.org_id, 'candidate', c.candidate_id, ?, 'touch_overdue' "
        "FROM app.candidate AS c WHERE c.org_id = ? AND c.status <> 'promoted' AND c.candidate_id % 50 = 0;",
        (rule_id, org_id),
    )


def timed(connection, sql: str, params: tuple, repeat: int) -> tuple[list[float], int]:
    """Milliseconds of each run (one warm-up first) and the row count of the last one."""
    rows = connection.execute(sql, params)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        rows = connection.execute(sql, params)
        times.append((time.perf_counter() - started) * 1000)
    return times, sum(len(r.rows) for r in rows)


def figures(label: str, times: list[float], rows: int) -> str:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"{label:<46} {min(ordered):>9.1f} {statistics.median(ordered):>9.1f} {p95:>9.1f} {rows:>8}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="server URL (default: $WSDB_URL); a scratch database is created on it")
    parser.add_argument("--orgs", type=int, default=2)
    parser.add_argument("--items", type=int, default=100_000, help="panel items per org")
    parser.add_argument("--owners", type=int, default=200, help="owners per org")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args(argv)
    try:
        url = server_url(args.url)
    except UrlError as error:
        print(f"live_today_panel: {error}", file=sys.stderr)
        return 2
    if url is None:
        print("live_today_panel: give a server with --url or WSDB_URL, e.g. "
              "--url 'mssql+pymssql://sa:<password>@localhost:1433/master'", file=sys.stderr)
        return 2

    try:
        run(url, args)
    except ConnectError as error:
        print(f"live_today_panel: {error.message}", file=sys.stderr)
        return error.exit_code
    except (DatabaseError, ApplyError) as error:
        print(f"live_today_panel: {error}", file=sys.stderr)
        return 1
    return 0


def run(url, args) -> None:
    with scratch_database(url, "wsdb_bench_panel", keep=args.keep) as db_url, connect(db_url) as connection:
        started = time.perf_counter()
        for n in range(args.orgs):
            load(connection, 1000 + n, args.items, args.owners, first_user=100_000 * (n + 1))
        connection.execute("EXEC sys.sp_updatestats;")
        print(f"loaded {args.orgs} org(s) x {args.items} items, {args.owners} owners each, "
              f"in {time.perf_counter() - started:.1f} s")
        org, owner = 1000, 100_000 + 1
        per_owner = connection.scalar("SELECT COUNT(*) AS n FROM app.v_today_panel WHERE org_id = ? AND owner_user_id = ?;", (org, owner))
        print(f"owner {owner} of org {org} has {per_owner} panel items")
        print(f"{'query':<46} {'min ms':>9} {'median':>9} {'p95':>9} {'rows':>8}")
        runs = [
            ("sp_today_panel @top = 50", "EXEC app.sp_today_panel @org_id = ?, @owner_user_id = ?, @top = 50;", (org, owner)),
            ("v_today_panel, one owner, every row",
             "SELECT t.item_type, t.item_id, t.priority_score, t.priority_tier, t.badge FROM app.v_today_panel AS t "
             "WHERE t.org_id = ? AND t.owner_user_id = ?;", (org, owner)),
            ("v_user_workload_analysis, whole org",
             "SELECT w.owner_user_id, w.total_items, w.avg_priority_score FROM app.v_user_workload_analysis AS w "
             "WHERE w.org_id = ?;", (org,)),
        ]
        for label, sql, params in runs:
            times, rows = timed(connection, sql, params, args.repeat)
            print(figures(label, times, rows))


if __name__ == "__main__":
    sys.exit(main())
