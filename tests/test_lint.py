from __future__ import annotations

from click.testing import CliRunner

from harness.cli import main
from harness.lint import run_lint

from .conftest import REPO


def test_the_repository_sql_is_lint_clean_and_no_file_is_skipped():
    result = run_lint(REPO)
    assert result.violations == [] and result.skipped == []
    assert result.files == len(list((REPO / "sql").rglob("*.sql")))


def test_a_file_over_sqlfluffs_default_size_limit_is_still_linted(real_tree):
    big = "".join(f"-- Filler line {i:05d} to pass the default twenty kilobyte limit.\n" for i in range(400))
    real_tree.write("sql/views/app.v_big.sql", big + "SELECT  1 AS one;\n")
    assert (real_tree.root / "sql/views/app.v_big.sql").stat().st_size > 20_000
    # The whole tree is linted once by the repository test below; the views folder is enough here.
    result = run_lint(real_tree.root, [real_tree.root / "sql" / "views"])
    assert result.skipped == []
    assert any(path == "sql/views/app.v_big.sql" and code == "LT01" for path, _, code, _ in result.violations)


def test_sqlfluff_reports_syntax_that_sqlglot_tolerates(real_tree):
    real_tree.edit("sql/tables/app.sla_rule.sql", "    metric varchar(24) NOT NULL,", "    metric varchar(24) NOT NULL,,")
    result = run_lint(real_tree.root, [real_tree.root / "sql" / "tables"])
    assert [(p, code) for p, _, code, _ in result.violations] == [("sql/tables/app.sla_rule.sql", "PRS")]


def test_lint_fix_rewrites_the_file_and_reports_only_what_is_left(real_tree):
    real_tree.edit("sql/views/app.v_active_config.sql", "SELECT\n", "select\n")
    result = run_lint(real_tree.root, [real_tree.root / "sql" / "views"], fix=True)
    assert result.violations == []
    assert "\nSELECT\n" in (real_tree.root / "sql/views/app.v_active_config.sql").read_text(encoding="utf-8")


def test_lint_command_exits_1_on_violations_and_0_when_clean(real_tree):
    views = str(real_tree.root / "sql" / "views")
    assert CliRunner().invoke(main, ["lint", "--root", str(real_tree.root), views]).exit_code == 0
    real_tree.edit("sql/views/app.v_active_config.sql", "SELECT\n", "select\n")
    result = CliRunner().invoke(main, ["lint", "--root", str(real_tree.root), views])
    assert result.exit_code == 1
    assert "sql/views/app.v_active_config.sql:" in result.output and "CP01" in result.output
