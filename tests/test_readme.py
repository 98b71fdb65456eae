from __future__ import annotations

import re

from .conftest import REPO


def readme_commands() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## On a fresh machine", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", section)


def test_the_readme_gives_two_newcomer_commands_install_and_tests():
    commands = readme_commands()
    assert len(commands) == 2
    assert "pip install" in commands[0] and "wsdb check" in commands[0]
    assert "pytest" in commands[1]


def test_ci_runs_exactly_the_readmes_commands():
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    for command in readme_commands():
        assert command in ci
