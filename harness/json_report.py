"""A JSON report of a pytest run (``--wsdb-json FILE``), for CI systems that read JSON rather than JUnit.

``wsdb test --json FILE`` passes the option; any pytest run with the harness plugin accepts it. The file
holds one entry per test (node id, outcome, seconds, and the failure text or skip reason) and a summary::

    {"tests": [{"nodeid": "tests/live/test_outbox_live.py::test_…", "outcome": "passed", "seconds": 0.41,
                "message": ""}, …],
     "summary": {"passed": 870, "failed": 0, "skipped": 4, "error": 0, "seconds": 212.5, "exit_code": 0}}
"""

from __future__ import annotations

import json
import time
from pathlib import Path

OPTION = "--wsdb-json"


class JsonReport:
    """The pytest plugin object: collects each test's outcome and writes the file when the session ends."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.tests: dict[str, dict] = {}
        self.started = time.perf_counter()

    def pytest_runtest_logreport(self, report) -> None:
        entry = self.tests.setdefault(report.nodeid, {"nodeid": report.nodeid, "outcome": "passed", "seconds": 0.0, "message": ""})
        entry["seconds"] = round(entry["seconds"] + report.duration, 3)
        if report.when != "call" and report.passed:
            return
        if report.failed:
            entry["outcome"] = "failed" if report.when == "call" else "error"
            entry["message"] = _text(report)
        elif report.skipped:
            entry["outcome"] = "skipped"
            entry["message"] = _skip_reason(report)

    def pytest_collectreport(self, report) -> None:
        if report.failed:
            self.tests[report.nodeid] = {"nodeid": report.nodeid, "outcome": "error", "seconds": 0.0, "message": _text(report)}

    def pytest_sessionfinish(self, session, exitstatus) -> None:
        tests = sorted(self.tests.values(), key=lambda entry: entry["nodeid"])
        counts = {outcome: 0 for outcome in ("passed", "failed", "skipped", "error")}
        for entry in tests:
            counts[entry["outcome"]] += 1
        summary = {**counts, "seconds": round(time.perf_counter() - self.started, 3), "exit_code": int(exitstatus)}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps({"tests": tests, "summary": summary}, indent=2) + "\n", encoding="utf-8")


def _text(report) -> str:
    return str(report.longreprtext or "")[-4000:]


def _skip_reason(report) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr or "")


__all__ = ["OPTION", "JsonReport"]
