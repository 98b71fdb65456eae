from __future__ import annotations

import pytest

from harness.check import ProjectError, run_check


def test_the_repository_tree_is_clean():
    from .conftest import REPO

    result = run_check(REPO)
    assert [f.text() for f in result.findings] == []
    assert result.catalog.object_count() >= 44


def test_an_allow_directive_silences_exactly_its_code_on_its_line(real_tree):
    real_tree.edit("sql/tables/app.signal.sql", "    snippet nvarchar(1000) NULL,", "    -- wsdb:allow W506 demo\n    extra int NULL,\n    snippet nvarchar(1000) NULL,")
    codes = [f.code for f in real_tree.check().findings]
    assert codes == ["E600"]  # W506 allowed; the missing description is still reported


def test_an_allow_that_matches_nothing_is_reported(real_tree):
    real_tree.edit("sql/tables/app.signal.sql", "    snippet nvarchar(1000) NULL,", "    -- wsdb:allow E201 nothing to allow here\n    snippet nvarchar(1000) NULL,")
    assert [f.code for f in real_tree.check().findings] == ["W121"]


def test_an_allow_without_a_reason_and_an_unknown_directive_are_reported(real_tree):
    real_tree.edit("sql/tables/app.signal.sql", "    snippet nvarchar(1000) NULL,", "    -- wsdb:allow W506\n    -- wsdb:frobnicate\n    snippet nvarchar(1000) NULL,")
    assert sorted(f.code for f in real_tree.check().findings) == ["W120", "W120"]


def test_a_root_without_sql_is_a_project_error(tmp_path):
    with pytest.raises(ProjectError, match="no sql/ folder"):
        run_check(tmp_path)


def test_every_finding_code_is_documented_in_docs_checks_md():
    from harness.findings import CODES

    from .conftest import REPO

    text = (REPO / "docs" / "checks.md").read_text(encoding="utf-8")
    for code in CODES.values():
        assert f"| `{code.code}` | {code.severity.value} | {code.title} |" in text
