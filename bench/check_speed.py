"""Benchmark `wsdb check` against `sqlfluff lint` and against larger generated trees.

What it measures, all in one run:

* `wsdb check` on the real tree (1x) and on generated trees with 10x and 100x its objects: wall-clock
  seconds of the subprocess (best of --repeat), the in-process seconds `run_check` reports (the wall
  time less interpreter start-up and imports, about 0.17 s, and exit, which frees the whole model and
  grows with the tree), and objects per second;
* `sqlfluff lint` on the real tree (once; it is slow) with the project's .sqlfluff, and the ratio
  wsdb check / sqlfluff lint. Target: below 0.10;
* growth: in-process milliseconds per object per tree and (t_100x / t_10x) / 10, where 1.0 means linear.
  Target: near-linear.

A generated tree is the real sql/ and contracts/ plus copies of every object under new schema names:
copy k renames schema `app` to `app_gNNN` and `core` to `core_gNNN` (NNN = k, zero padded) in file names,
qualified references, CREATE SCHEMA and the constraint and index names that embed the schema. The copies
get no contract (the contract describes the original schemas only), so their `wsdb:allow` lines for
seed-contract findings are dropped, and they should check clean; a generated tree with findings prints
its first ones, since that means the generator is wrong.

Benchmarks only print figures; they never assert timings. Run from the project root:

    python bench/check_speed.py [--root PATH] [--repeat N] [--keep DIR]

--root is the project to measure (default: the parent of bench/), --repeat how many times each
`wsdb check` runs (the best time counts, default 3), --keep a folder to keep the generated trees in
(default: a temporary folder, removed at the end).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

SCHEMAS = ("app", "core")
SCALES = (1, 10, 100)
TARGET_RATIO = 0.10
SHOW_FINDINGS = 10

_QUALIFIED = re.compile(r"\b(app|core)\.")
_CREATE_SCHEMA = re.compile(r"\b(CREATE SCHEMA )(app|core)\b")
_NAMED = re.compile(r"\b(?:PK|FK|DF|CK|UQ|UX|IX)_\w+")
_SCHEMA_PART = re.compile(r"(?<=_)(app|core)(?=_)")
# Acknowledgements of seed-contract findings (E5xx, W506): copies have no contract, so these would match nothing.
_CONTRACT_ALLOW = re.compile(r"^[ \t]*-- wsdb:allow [EW]5\d\d\b.*\n", re.MULTILINE)


class BenchError(Exception):
    """A measured command failed in a way that is not findings (usage error or crash)."""


@dataclass
class CheckRun:
    tree: str
    files: int
    objects: int
    findings: list[str]
    wall: float
    inproc: float


def rewrite_sql(text: str, tag: str) -> str:
    """Move the objects in ``text`` from schema app/core to app_<tag>/core_<tag>, outside the seed contract."""
    text = _CONTRACT_ALLOW.sub("", text)
    text = _QUALIFIED.sub(lambda m: f"{m[1]}_{tag}.", text)
    text = _CREATE_SCHEMA.sub(lambda m: f"{m[1]}{m[2]}_{tag}", text)
    return _NAMED.sub(lambda m: _SCHEMA_PART.sub(lambda s: f"{s[1]}_{tag}", m[0]), text)


def rename_file(name: str, tag: str) -> str:
    """``app.signal.sql`` -> ``app_<tag>.signal.sql``; ``core.sql`` -> ``core_<tag>.sql``."""
    schema, rest = name.split(".", 1)
    return f"{schema}_{tag}.{rest}" if schema in SCHEMAS else name


def build_tree(root: Path, target: Path, scale: int) -> None:
    """Write the real tree plus ``scale - 1`` renamed copies of every sql file to ``target``."""
    shutil.copytree(root / "sql", target / "sql")
    if (root / "contracts").is_dir():
        shutil.copytree(root / "contracts", target / "contracts")
    sources = {path.relative_to(root / "sql"): path.read_text(encoding="utf-8") for path in (root / "sql").rglob("*.sql")}
    for k in range(1, scale):
        tag = f"g{k:03d}"
        for relative, text in sources.items():
            out = target / "sql" / relative.parent / rename_file(relative.name, tag)
            out.write_text(rewrite_sql(text, tag), encoding="utf-8")


def run(command: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``command``; exit code 0 (clean) and 1 (findings) are results, anything else an error."""
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    if done.returncode not in (0, 1):
        raise BenchError(f"{' '.join(command)} exited with {done.returncode}:\n{done.stderr}")
    return done


def time_check(tree: str, root: Path) -> CheckRun:
    """Wall time of one `wsdb check` on ``root``, with the figures of its JSON report."""
    command = [sys.executable, "-m", "harness", "check", "--root", str(root), "--format", "json"]
    started = time.perf_counter()
    done = run(command)
    wall = time.perf_counter() - started
    report = json.loads(done.stdout)
    summary = report["summary"]
    findings = [f"{f['path']}:{f['line']}: {f['code']} {f['message']}" for f in report["findings"]]
    return CheckRun(tree, summary["files"], summary["objects"], findings, wall, summary["seconds"])


def best_check(tree: str, root: Path, repeat: int) -> CheckRun:
    """The fastest (by wall time) of ``repeat`` runs of `wsdb check` on ``root``."""
    return min((time_check(tree, root) for _ in range(repeat)), key=lambda r: r.wall)


def sqlfluff_command() -> list[str]:
    """`python -m sqlfluff` with this interpreter, or the sqlfluff script beside it."""
    module = [sys.executable, "-m", "sqlfluff"]
    if subprocess.run([*module, "--version"], capture_output=True).returncode == 0:
        return module
    return [str(Path(sys.executable).parent / "sqlfluff")]


def time_sqlfluff(root: Path) -> float:
    """Wall time of `sqlfluff lint sql/` run in ``root``, so it reads the project's .sqlfluff."""
    command = [*sqlfluff_command(), "lint", str(root / "sql")]
    started = time.perf_counter()
    run(command, cwd=root)
    return time.perf_counter() - started


def print_table(runs: list[CheckRun]) -> None:
    header = ("tree", "files", "objects", "findings", "wall_s", "inproc_s", "objects/s", "inproc_ms/obj")
    rows = [
        (
            r.tree,
            str(r.files),
            str(r.objects),
            str(len(r.findings)),
            f"{r.wall:.3f}",
            f"{r.inproc:.3f}",
            f"{r.objects / r.wall:.0f}",
            f"{1000 * r.inproc / r.objects:.2f}",
        )
        for r in runs
    ]
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    for row in (header, *rows):
        print("  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths))))


def print_findings(runs: list[CheckRun]) -> None:
    """Show the first findings of each generated tree that is not clean (the generator is wrong)."""
    for r in runs[1:]:
        if r.findings:
            print(f"\n{r.tree} tree is not clean; first {min(SHOW_FINDINGS, len(r.findings))} of {len(r.findings)} findings:")
            for line in r.findings[:SHOW_FINDINGS]:
                print(f"  {line}")


def print_summary(runs: list[CheckRun], sqlfluff_seconds: float) -> None:
    real, x10, x100 = runs
    ratio = real.wall / sqlfluff_seconds
    print(
        f"\nsqlfluff lint (1x): {sqlfluff_seconds:.2f} s   "
        f"wsdb check / sqlfluff = {ratio:.3f} (target < {TARGET_RATIO:.2f}; in-process {real.inproc / sqlfluff_seconds:.3f})"
    )
    print(
        f"growth (t_100x / t_10x) / 10 = {x100.wall / x10.wall / 10:.2f} wall, "
        f"{x100.inproc / x10.inproc / 10:.2f} in-process (1.00 = linear; target near-linear)"
    )


def measure(root: Path, work: Path, repeat: int) -> None:
    runs = [best_check("1x", root, repeat)]
    for scale in SCALES[1:]:
        tree = work / f"x{scale}"
        build_tree(root, tree, scale)
        runs.append(best_check(f"{scale}x", tree, repeat))
    sqlfluff_seconds = time_sqlfluff(root)
    print_table(runs)
    print_findings(runs)
    print_summary(runs, sqlfluff_seconds)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent, help="project root (holds sql/)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each wsdb check; the best counts (default 3)")
    parser.add_argument("--keep", type=Path, help="keep the generated trees in this folder (new or empty)")
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.keep is not None and args.keep.exists() and (not args.keep.is_dir() or any(args.keep.iterdir())):
        parser.error(f"--keep {args.keep} must be a new or empty folder")
    return args


def run_in_workdir(keep: Path | None, prefix: str, measure_in) -> int:
    """Run ``measure_in(work)`` in --keep or a temporary folder (removed after); a BenchError exits 1."""
    work = keep.resolve() if keep else Path(tempfile.mkdtemp(prefix=prefix))
    work.mkdir(parents=True, exist_ok=True)
    try:
        measure_in(work)
    except BenchError as error:
        print(error, file=sys.stderr)
        return 1
    finally:
        if keep is None:
            shutil.rmtree(work, ignore_errors=True)
    if keep is not None:
        print(f"\ngenerated trees kept in {work}")
    return 0


def main() -> int:
    args = parse_args()
    root = args.root.resolve()
    return run_in_workdir(args.keep, "wsdb-bench-", lambda work: measure(root, work, args.repeat))


if __name__ == "__main__":
    sys.exit(main())
