"""The pre-commit hooks (.pre-commit-config.yaml, and .pre-commit-hooks.yaml for other repositories)."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
import yaml

from harness.cli import main

from .conftest import REPO

CONFIG = REPO / ".pre-commit-config.yaml"
OFFERED = REPO / ".pre-commit-hooks.yaml"


def _hooks(path: Path) -> dict[str, dict]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    hooks = [hook for repo in data["repos"] for hook in repo["hooks"]] if isinstance(data, dict) else data
    return {hook["id"]: hook for hook in hooks}


@pytest.mark.parametrize("path", [CONFIG, OFFERED], ids=lambda p: p.name)
def test_the_hooks_are_wsdb_lint_and_wsdb_check_and_their_entries_are_valid_commands(path):
    hooks = _hooks(path)
    assert sorted(hooks) == ["wsdb-check", "wsdb-lint"]
    for hook in hooks.values():
        words = shlex.split(hook["entry"])
        assert words[0] == "wsdb"
        command = main.get_command(click.Context(main), words[1])
        assert command is not None, hook["entry"]
        command.make_context(words[1], words[2:])


@pytest.mark.parametrize("path", [CONFIG, OFFERED], ids=lambda p: p.name)
def test_lint_runs_on_sql_files_only_and_check_on_anything_the_model_reads(path):
    hooks = _hooks(path)
    lint, check = re.compile(hooks["wsdb-lint"]["files"]), re.compile(hooks["wsdb-check"]["files"])
    for name in ("sql/tables/app.signal.sql", "sql/procedures/app.sp_today_panel.sql"):
        assert lint.search(name) and check.search(name)
    for name in ("migrations/templates/20261122_intake_core.sql.j2", "migrations/migrations.sum", "contracts/intake.json", "pyproject.toml"):
        assert check.search(name) and not lint.search(name)
    for name in ("README.md", "harness/cli.py", "tests/test_cli.py"):
        assert not check.search(name) and not lint.search(name)
    assert hooks["wsdb-lint"]["pass_filenames"] is True and hooks["wsdb-check"]["pass_filenames"] is False


@pytest.fixture
def hooked_repo(tmp_path: Path):
    """A git repository holding a copy of the project, everything staged, and a runner for pre-commit."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    pytest.importorskip("pre_commit", reason="pre-commit is not installed: pip install -e '.[test]'")
    root = tmp_path / "repo"
    for name in ("sql", "migrations", "contracts"):
        shutil.copytree(REPO / name, root / name)
    for name in (".sqlfluff", "pyproject.toml", ".pre-commit-config.yaml"):
        shutil.copy(REPO / name, root / name)
    env = dict(os.environ, PRE_COMMIT_HOME=str(tmp_path / "cache"), NO_COLOR="1",
               PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    env.update(GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com", GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.com")

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)

    def pre_commit(*args: str) -> subprocess.CompletedProcess:
        git("add", "-A")
        return subprocess.run([sys.executable, "-m", "pre_commit", "run", "--color", "never", *args],
                              cwd=root, env=env, capture_output=True, text=True, timeout=600)

    git("init", "-q")
    return root, pre_commit


def test_the_check_hook_passes_on_the_project_and_fails_naming_the_finding_when_a_reference_breaks(hooked_repo):
    root, pre_commit = hooked_repo
    clean = pre_commit("wsdb-check", "--all-files")
    assert clean.returncode == 0, clean.stdout[-3000:]
    view = root / "sql" / "views" / "app.v_pursuit_checklist_ready.sql"
    view.write_text(view.read_text(encoding="utf-8").replace("    p.pursuit_id,", "    p.pursuitid,", 1), encoding="utf-8")
    broken = pre_commit("wsdb-check", "--all-files")
    assert broken.returncode == 1
    assert re.search(r"sql/views/app\.v_pursuit_checklist_ready\.sql:\d+: E201 ", broken.stdout), broken.stdout[-3000:]


def test_the_lint_hook_lints_the_files_it_is_given_and_fails_on_a_violation(hooked_repo):
    root, pre_commit = hooked_repo
    rel = "sql/tables/core.org.sql"
    clean = pre_commit("wsdb-lint", "--files", rel)
    assert clean.returncode == 0, clean.stdout[-3000:]
    assert "Passed" in clean.stdout
    table = root / rel
    table.write_text(table.read_text(encoding="utf-8").replace("CREATE TABLE", "create   table", 1), encoding="utf-8")
    broken = pre_commit("wsdb-lint", "--files", rel)
    assert broken.returncode == 1
    assert f"{rel}:" in broken.stdout, broken.stdout[-3000:]
