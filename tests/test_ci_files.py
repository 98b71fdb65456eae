"""compose.yaml and the GitHub Actions workflow cannot run here; check what can be checked without them."""

from __future__ import annotations

import re
import shlex

import click
import pytest

from harness.cli import main
from harness.pytest_plugin import IMAGE
from harness.urls import parse_url

from .conftest import REPO

WORKFLOW = REPO / ".github" / "workflows" / "live.yml"
COMPOSE = REPO / "compose.yaml"


def _wsdb_commands(text: str) -> list[list[str]]:
    """Every `wsdb …` invocation in the text (run: lines and comments alike)."""
    commands = []
    for line in text.splitlines():
        for part in re.split(r"&&|;", line.split("run:", 1)[-1]):
            words = shlex.split(part.strip().lstrip("#").strip(), comments=False) if "wsdb " in part else []
            while words and words[0] != "wsdb":
                words.pop(0)
            if words:
                commands.append(words[1:])
    return commands


@pytest.mark.parametrize("path", [WORKFLOW, COMPOSE], ids=lambda p: p.name)
def test_every_wsdb_command_in_the_file_is_a_valid_invocation(path):
    commands = _wsdb_commands(path.read_text(encoding="utf-8"))
    assert commands, f"no wsdb command found in {path.name}"
    for args in commands:
        name, rest = args[0], args[1:]
        command = main.get_command(click.Context(main), name)
        assert command is not None, f"{path.name}: wsdb {name} does not exist"
        if name == "test":
            continue  # its extra arguments go to pytest
        try:
            command.make_context(name, list(rest), resilient_parsing=False)
        except click.UsageError as error:
            pytest.fail(f"{path.name}: wsdb {' '.join(args)}: {error}")


def test_the_workflow_runs_apply_verify_and_the_live_tier_against_a_sql_server_2022_service():
    text = WORKFLOW.read_text(encoding="utf-8")
    assert f"image: {IMAGE}" in text
    steps = [args[0] for args in _wsdb_commands(text)]
    assert steps.index("apply") < steps.index("verify") < steps.index("test")
    for name in ("WSDB_URL", "WSDB_TEST_URL"):
        value = re.search(rf"^\s+{name}: (\S+)$", text, re.MULTILINE).group(1)
        url = parse_url(value)
        assert (url.host, url.port) == ("localhost", 1433)
    password = re.search(r"MSSQL_SA_PASSWORD: (\S+)", text).group(1)
    assert f"sa:{password}@" in text


def test_compose_starts_the_same_image_with_a_health_check_and_its_urls_match_the_password():
    text = COMPOSE.read_text(encoding="utf-8")
    assert f"image: {IMAGE}" in text and "healthcheck:" in text and 'ACCEPT_EULA: "Y"' in text
    default = re.search(r"MSSQL_SA_PASSWORD: \$\{MSSQL_SA_PASSWORD:-([^}]+)\}", text).group(1)
    urls = re.findall(r"'(mssql\+pymssql://[^']+)'", text)
    assert urls and all(parse_url(u).password == default for u in urls)
