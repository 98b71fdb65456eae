"""Benchmark `wsdb build` and `wsdb build --check` on the real tree and on larger generated trees.

What it measures, for each tree (--scales, default 1x and 100x), wall-clock seconds of the subprocess
(best of --repeat):

* `wsdb build`: renders the draft scripts and writes those that changed and migrations/migrations.sum
  (the first run on a generated tree writes the copies' drafts; later runs find nothing to write);
* `wsdb build --check` with draft scripts: writes nothing, re-renders every draft and compares it with
  the file, verifies the released ones against their checksums, then replays every script on an
  empty model and compares the result with the sql/ model (the real tree's scripts are in whatever
  state the project keeps them; the table's `drafts` column says how many are drafts);
* `wsdb build --check` with released scripts (after one untimed `wsdb build --release`): released
  scripts are not re-rendered, only verified against their checksums and replayed.

Target: under 3 s for each command on the real tree (1x) on a 2-core machine. Growth: the released
`--check` of the largest tree over that of the 1x tree, divided by the scale (1.00 = linear), both in
wall seconds and in the in-process seconds `wsdb build` prints (wall time less interpreter start-up,
imports and exit).

The 1x tree is a copy of the project's sql/, contracts/, migrations/ (templates, order.txt, rendered
scripts, migrations.sum) and .sqlfluff. A generated tree with scale N is that plus N - 1 renamed
copies of every sql/ object, made by check_speed.py's generator (copy k renames schema `app` to
`app_gNNN` and `core` to `core_gNNN`), and one migration template per copy,
`migrations/templates/20250910_copy_gNNN.sql.j2` (dated after the real ones, appended to order.txt
in copy order), which creates that copy's schemas, tables, views, functions and procedures and loads
its reference data with the macros `description`, `create_schema`, `create_table`, `create_module`
and `load_data`. The copy's objects are read from the generated file names (`sql/<kind>/<schema>.
<object>.sql`); the builder puts the tables in dependency order. Every build should come out clean
(exit 0); a tree that does not prints the first lines of the output, since that means the generator
(or, for the 1x tree, the project) is wrong, and its remaining figures are not measured.

Benchmarks only print figures; they never assert timings. Run from the project root:

    python bench/build_speed.py [--root PATH] [--repeat N] [--keep DIR] [--scales 1,100]

--root is the project to measure (default: the parent of bench/), --repeat how many times each
command runs (the best time counts, default 3), --keep a folder to keep the trees in (default: a
temporary folder, removed at the end), --scales the tree sizes, comma separated (default 1,100).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from check_speed import SCHEMAS, BenchError, build_tree, run_in_workdir  # noqa: E402  (bench/ is not a package)

SCALES = (1, 100)
TARGET_SECONDS = 3.0
SHOW_LINES = 10
COPY_DATE = "20250910"
ORDER_FILE = "migrations/order.txt"
SUM_FILE = "migrations/migrations.sum"
TEMPLATES = "migrations/templates"

# A copy's schema: one of the real schema names, an underscore and the copy's tag (app_g001 -> g001).
_COPY_SCHEMA = re.compile(rf"^(?:{'|'.join(SCHEMAS)})_(?P<tag>g\d+)$")
# The last line of `wsdb build`: "wsdb build: clean; ... (0.39 s)".
_INPROC = re.compile(r"\((\d+(?:\.\d+)?) s\)\s*$")
# sql/ folder -> the macro that creates (or loads) its objects, in the order a template lists them.
_MACROS = (
    ("security", "create_schema"),
    ("tables", "create_table"),
    ("functions", "create_module"),
    ("views", "create_module"),
    ("procedures", "create_module"),
    ("data", "load_data"),
)


@dataclass
class Timing:
    wall: float
    inproc: float | None


@dataclass
class BuildRun:
    tree: str
    objects: int
    scripts: int
    drafts: int = 0  # draft scripts after the first build (the rest were released already)
    build: Timing | None = None
    check_drafts: Timing | None = None
    check_released: Timing | None = None
    problem: list[str] = field(default_factory=list)  # first output lines of a build that was not clean


class NotClean(Exception):
    """A build reported findings: the tree (the generator, or the project at 1x) is wrong."""

    def __init__(self, command: str, output: str):
        super().__init__(command)
        self.lines = [f"$ {command}", *output.splitlines()[:SHOW_LINES]]


# -- the trees ----------------------------------------------------------------------------------------
def copy_objects(sql: Path) -> dict[str, list[tuple[str, str]]]:
    """The generated copies' objects, by tag: ``{"g001": [("create_schema", "app_g001"), ...]}``.

    Read from the file names under ``sql/``: ``security/<schema>.sql`` is a schema (a security file
    with an object part, such as a role, is left to the schema's own DDL), and every other
    ``<kind>/<schema>.<object>.sql`` an object of the copy whose tag its schema ends with.
    """
    copies: dict[str, list[tuple[str, str]]] = {}
    for folder, macro in _MACROS:
        for path in sorted((sql / folder).glob("*.sql")) if (sql / folder).is_dir() else []:
            name = path.name[: -len(".sql")]
            schema, _, obj = name.partition(".")
            match = _COPY_SCHEMA.match(schema)
            if match is None or (folder == "security") == bool(obj):
                continue
            copies.setdefault(match["tag"], []).append((macro, name))
    return copies


def copy_template(tag: str, calls: list[tuple[str, str]]) -> str:
    lines = [
        f"{{#- Generated by bench/build_speed.py: copy {tag} of every sql/ object. -#}}",
        f'{{{{ description("Generated copy {tag}: its schemas, tables, modules and reference data.") }}}}',
    ]
    lines += [f'{{{{ {macro}("{name}") }}}}' for macro, name in calls]
    return "\n".join(lines) + "\n"


def make_tree(root: Path, target: Path, scale: int) -> None:
    """The project's sql/, contracts/, migrations/ and .sqlfluff, plus ``scale - 1`` copies with their templates."""
    build_tree(root, target, scale)
    shutil.copytree(root / "migrations", target / "migrations")
    if (root / ".sqlfluff").is_file():
        shutil.copy2(root / ".sqlfluff", target / ".sqlfluff")
    copies = copy_objects(target / "sql")
    names = []
    for tag in sorted(copies, key=lambda t: int(t[1:])):
        name = f"{COPY_DATE}_copy_{tag}"
        (target / TEMPLATES / f"{name}.sql.j2").write_text(copy_template(tag, copies[tag]), encoding="utf-8")
        names.append(name)
    if names:
        order = target / ORDER_FILE
        text = order.read_text(encoding="utf-8")
        order.write_text(text + ("" if text.endswith("\n") or not text else "\n") + "\n".join(names) + "\n", encoding="utf-8")


def count_scripts(tree: Path) -> int:
    return len(list((tree / TEMPLATES).glob("*.sql.j2")))


def count_drafts(tree: Path) -> int:
    """Scripts migrations.sum lists as drafts (``<checksum>  <script>  draft``)."""
    lines = (tree / SUM_FILE).read_text(encoding="utf-8").splitlines() if (tree / SUM_FILE).is_file() else []
    return sum(1 for line in lines if not line.startswith("#") and line.split()[-1:] == ["draft"])


# -- the commands -------------------------------------------------------------------------------------
def time_build(tree: Path, *options: str) -> Timing:
    """Wall time of one `wsdb build [options] --root tree`; findings raise NotClean, other failures BenchError."""
    command = [sys.executable, "-m", "harness", "build", *options, "--root", str(tree)]
    shown = " ".join(["wsdb", "build", *options, "--root", str(tree)])
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    wall = time.perf_counter() - started
    output = done.stdout + done.stderr
    last = (done.stdout.rstrip().splitlines() or [""])[-1]
    if done.returncode == 1 and (last.startswith("wsdb build:") or last.startswith("sql/ does not parse")):
        raise NotClean(shown, output)
    if done.returncode != 0:
        raise BenchError(f"{shown} exited with {done.returncode}:\n{output}")
    lines = done.stdout.rstrip().splitlines()
    match = _INPROC.search(lines[-1]) if lines else None
    return Timing(wall, float(match[1]) if match else None)


def best_build(tree: Path, repeat: int, *options: str) -> Timing:
    return min((time_build(tree, *options) for _ in range(repeat)), key=lambda t: t.wall)


def measure_tree(root: Path, work: Path, scale: int, repeat: int) -> BuildRun:
    tree = work / f"x{scale}"
    make_tree(root, tree, scale)
    objects = sum(1 for _ in (tree / "sql").rglob("*.sql"))
    result = BuildRun(f"{scale}x", objects, count_scripts(tree))
    try:
        result.build = best_build(tree, repeat)
        result.drafts = count_drafts(tree)
        result.check_drafts = best_build(tree, repeat, "--check")
        time_build(tree, "--release")
        result.check_released = best_build(tree, repeat, "--check")
    except NotClean as problem:
        result.problem = problem.lines
    return result


# -- the report ---------------------------------------------------------------------------------------
def _seconds(timing: Timing | None) -> str:
    return f"{timing.wall:.3f}" if timing else "-"


def verdict(run: BuildRun) -> str:
    timings = [run.build, run.check_drafts, run.check_released]
    if run.tree != "1x":
        return ""
    if any(t is None for t in timings):
        return "not measured"
    worst = max(t.wall for t in timings)
    return f"{'in budget' if worst < TARGET_SECONDS else 'OVER budget'} (target < {TARGET_SECONDS:.0f} s)"


def print_table(runs: list[BuildRun]) -> None:
    header = ("tree", "objects", "scripts", "drafts", "build_s", "check_drafts_s", "check_released_s", "target")
    rows = [
        (
            r.tree,
            str(r.objects),
            str(r.scripts),
            str(r.drafts) if r.build else "-",
            _seconds(r.build),
            _seconds(r.check_drafts),
            _seconds(r.check_released),
            verdict(r),
        )
        for r in runs
    ]
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    for row in (header, *rows):
        cells = [cell.ljust(w) if i in (0, len(row) - 1) else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths))]
        print("  ".join(cells).rstrip())
    print(
        "objects: sql/ files; drafts: scripts not yet released before --release; build_s: wsdb build;\n"
        "check_drafts_s: wsdb build --check (drafts re-rendered, released verified); "
        "check_released_s: wsdb build --check after --release (all verified, none rendered)"
    )


def print_problems(runs: list[BuildRun]) -> None:
    for r in runs:
        if r.problem:
            who = "the project's tree is not clean" if r.tree == "1x" else "the generator is wrong"
            print(f"\n{r.tree} tree: a build was not clean, so {who}; first output lines:")
            for line in r.problem:
                print(f"  {line}")


def print_growth(runs: list[BuildRun]) -> None:
    base = next((r for r in runs if r.tree == "1x" and r.check_released), None)
    largest = max((r for r in runs if r.tree != "1x" and r.check_released), key=lambda r: r.objects, default=None)
    if base is None or largest is None:
        return
    scale = int(largest.tree[:-1])
    wall = largest.check_released.wall / base.check_released.wall / scale
    text = f"\ngrowth ({largest.tree} / 1x build --check released) / {scale} = {wall:.2f} wall"
    if largest.check_released.inproc and base.check_released.inproc:
        text += f", {largest.check_released.inproc / base.check_released.inproc / scale:.2f} in-process"
    print(text + " (1.00 = linear)")


def measure(root: Path, work: Path, scales: list[int], repeat: int) -> None:
    runs = []
    took = []
    for scale in scales:
        print(f"measuring {scale}x ...", file=sys.stderr, flush=True)
        started = time.perf_counter()
        runs.append(measure_tree(root, work, scale, repeat))
        took.append(f"{scale}x {time.perf_counter() - started:.1f} s")
    print(f"wsdb build, best of {repeat}, wall seconds; {os.cpu_count()} CPU(s) here, target machine has 2\n")
    print_table(runs)
    print_problems(runs)
    print_growth(runs)
    print(f"time taken (tree generation and every run): {', '.join(took)}")


def parse_scales(text: str) -> list[int]:
    try:
        scales = sorted({int(part) for part in text.split(",") if part.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a comma-separated list of whole numbers") from None
    if not scales or scales[0] < 1:
        raise argparse.ArgumentTypeError("scales are whole numbers of at least 1")
    return scales


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent, help="project root (holds sql/ and migrations/)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each command; the best counts (default 3)")
    parser.add_argument("--keep", type=Path, help="keep the trees in this folder (new or empty)")
    parser.add_argument("--scales", type=parse_scales, default=list(SCALES), help="tree sizes, comma separated (default 1,100)")
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    missing = [name for name in ("sql", "migrations") if not (args.root / name).is_dir()]
    if missing:
        parser.error(f"--root {args.root} has no {' or '.join(n + '/' for n in missing)}")
    if args.keep is not None and args.keep.exists() and (not args.keep.is_dir() or any(args.keep.iterdir())):
        parser.error(f"--keep {args.keep} must be a new or empty folder")
    return args


def main() -> int:
    args = parse_args()
    root = args.root.resolve()
    return run_in_workdir(args.keep, "wsdb-build-bench-", lambda work: measure(root, work, args.scales, args.repeat))


if __name__ == "__main__":
    sys.exit(main())
