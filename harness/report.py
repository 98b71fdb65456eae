"""Render check results as text, JSON or JUnit XML."""

from __future__ import annotations

import json
from xml.etree import ElementTree as ET

from .check import CheckResult
from .findings import CODES

FORMATS = ("text", "json", "junit")


def summary(result: CheckResult) -> str:
    errors, warnings = len(result.errors), len(result.warnings)
    files = len(result.checked_paths)
    objects = result.catalog.object_count()
    verdict = "clean" if not result.findings else f"{errors} error(s), {warnings} warning(s)"
    return f"wsdb check: {verdict} in {files} files ({objects} objects), {result.seconds:.2f} s"


def render(result: CheckResult, fmt: str) -> str:
    if fmt == "text":
        lines = [f.text() for f in result.findings]
        lines.append(summary(result))
        return "\n".join(lines) + "\n"
    if fmt == "json":
        payload = {
            "findings": [
                {
                    "path": f.path,
                    "line": f.line,
                    "code": f.code,
                    "severity": f.severity.value,
                    "title": CODES[f.code].title,
                    "message": f.message,
                }
                for f in result.findings
            ],
            "summary": {
                "errors": len(result.errors),
                "warnings": len(result.warnings),
                "files": len(result.checked_paths),
                "objects": result.catalog.object_count(),
                "seconds": round(result.seconds, 3),
            },
        }
        return json.dumps(payload, indent=2) + "\n"
    if fmt == "junit":
        return _junit(result)
    raise ValueError(f"unknown format {fmt}")


def _junit(result: CheckResult) -> str:
    by_path: dict[str, list] = {path: [] for path in result.checked_paths}
    for finding in result.findings:
        by_path.setdefault(finding.path, []).append(finding)
    suite = ET.Element(
        "testsuite",
        name="wsdb check",
        tests=str(len(by_path)),
        failures=str(sum(1 for items in by_path.values() if items)),
        errors="0",
        time=f"{result.seconds:.3f}",
    )
    for path, items in sorted(by_path.items()):
        case = ET.SubElement(suite, "testcase", classname="wsdb.check", name=path)
        if items:
            failure = ET.SubElement(case, "failure", message=f"{len(items)} finding(s)", type=items[0].code)
            failure.text = "\n".join(f.text() for f in items)
    return ET.tostring(ET.ElementTree(suite).getroot(), encoding="unicode", xml_declaration=True) + "\n"
