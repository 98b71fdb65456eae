"""The JSON report of a pytest run (--wsdb-json), which `wsdb test --json` writes for the live tier."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from .conftest import REPO


def test_the_json_report_has_every_test_with_its_outcome_reason_and_a_summary(tmp_path):
    (tmp_path / "test_sample.py").write_text(textwrap.dedent("""
        import pytest

        def test_passes():
            assert 1 + 1 == 2

        def test_fails():
            assert "left" == "right"

        def test_skips():
            pytest.skip("no server here")

        @pytest.fixture
        def broken():
            raise RuntimeError("fixture broke")

        def test_errors(broken):
            pass
    """), encoding="utf-8")
    report = tmp_path / "out" / "report.json"
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "harness.pytest_plugin",
         f"--wsdb-json={report}", "--rootdir", str(tmp_path), "-c", "/dev/null", str(tmp_path / "test_sample.py")],
        capture_output=True, text=True, timeout=120, cwd=REPO,
    )
    assert done.returncode == 1, done.stdout[-2000:]
    payload = json.loads(report.read_text(encoding="utf-8"))
    outcomes = {entry["nodeid"].rsplit("::", 1)[1]: entry for entry in payload["tests"]}
    assert {name: entry["outcome"] for name, entry in outcomes.items()} == {
        "test_passes": "passed", "test_fails": "failed", "test_skips": "skipped", "test_errors": "error",
    }
    assert outcomes["test_skips"]["message"] == "no server here"
    assert "'left' == 'right'" in outcomes["test_fails"]["message"]
    assert "fixture broke" in outcomes["test_errors"]["message"]
    summary = payload["summary"]
    assert (summary["passed"], summary["failed"], summary["skipped"], summary["error"], summary["exit_code"]) == (1, 1, 1, 1, 1)
