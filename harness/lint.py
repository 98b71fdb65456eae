"""`wsdb lint`: sqlfluff over `sql/` with the project's `.sqlfluff`, no file skipped for size."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class LintResult:
    violations: list[tuple[str, int, str, str]]  # (path, line, code, description)
    files: int
    skipped: list[str]


def run_lint(root: Path, paths: list[Path] | None = None, *, fix: bool = False) -> LintResult:
    """Lint the given SQL files or folders (default ``root/sql``); with ``fix``, apply sqlfluff's fixes
    first and report what is left."""
    from sqlfluff.core import FluffConfig, Linter

    config = FluffConfig.from_path(str(root), overrides={"large_file_skip_byte_limit": 0})
    targets = [str(p) for p in (paths or [root / "sql"])]
    expected = sorted({str(p.resolve()) for t in targets for p in (Path(t).rglob("*.sql") if Path(t).is_dir() else [Path(t)])})
    linter = Linter(config=config)
    result = linter.lint_paths(tuple(targets), fix=fix, apply_fixes=fix)
    violations = []
    seen_files = set()
    for record in result.as_records():
        path = Path(record["filepath"]).resolve()
        seen_files.add(str(path))
        rel = _relative(path, root)
        for violation in record["violations"]:
            violations.append((rel, violation.get("start_line_no") or 1, violation["code"], violation["description"]))
    if fix:
        result.persist_changes(formatter=None, fixed_file_suffix="")
        return run_lint(root, paths, fix=False)
    skipped = [_relative(Path(p), root) for p in expected if p not in seen_files]
    return LintResult(sorted(violations), len(seen_files), skipped)


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
