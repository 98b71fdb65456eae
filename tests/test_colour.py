"""Colour in the text output: red errors, yellow warnings, green verdicts; none for a pipe or under NO_COLOR."""

from __future__ import annotations

import click
from click.testing import CliRunner

from harness.cli import main
from harness.colour import paint, paint_line

ESC = "\x1b["


def test_an_error_code_is_red_and_a_warning_code_yellow():
    error = paint_line("sql/tables/app.signal.sql:18: E502 app.signal.contact_phone is varchar(30)")
    warning = paint_line("sql/tables/app.signal.sql:20: W401 foreign key without a supporting index")
    assert click.style("E502", fg="red", bold=True) in error
    assert click.style("W401", fg="yellow", bold=True) in warning
    assert click.unstyle(error) == "sql/tables/app.signal.sql:18: E502 app.signal.contact_phone is varchar(30)"


def test_a_clean_verdict_is_green_and_a_verdict_with_errors_red():
    assert click.style("clean in 5 files", fg="green") in paint_line("wsdb check: clean in 5 files")
    assert click.style("2 error(s), 0 warning(s) in 5 files", fg="red") in paint_line("wsdb check: 2 error(s), 0 warning(s) in 5 files")
    assert click.style("0 error(s), 1 warning(s) in 5 files", fg="yellow") in paint_line("wsdb check: 0 error(s), 1 warning(s) in 5 files")
    assert click.style("3 difference(s) in db", fg="red") in paint_line("wsdb verify: 3 difference(s) in db")


def test_apply_progress_shows_the_outcome_in_colour():
    line = paint_line("[ 3/13] applied 20250907_final_tightenings in 0.42 s (52 batches)")
    assert click.style("applied", fg="green") in line
    assert click.unstyle(line) == "[ 3/13] applied 20250907_final_tightenings in 0.42 s (52 batches)"


def test_a_line_of_no_known_shape_is_left_as_it_is():
    assert paint("created database workstream\n") == "created database workstream\n"


def _broken(project):
    project.write("sql/tables/app.thing.sql", """
        CREATE TABLE app.thing (
            thing_id int NOT NULL,
            CONSTRAINT PK_app_thing PRIMARY KEY CLUSTERED (thing_id)
        );
    """)
    return str(project.root)


def test_check_prints_no_colour_when_the_output_is_not_a_terminal(project):
    result = CliRunner().invoke(main, ["check", "--root", _broken(project)])
    assert result.exit_code == 1
    assert " E600 " in result.output and ESC not in result.output


def test_check_prints_colour_when_asked_with_color(project):
    result = CliRunner().invoke(main, ["--color", "check", "--root", _broken(project)], color=True)
    assert result.exit_code == 1
    assert click.style("E600", fg="red", bold=True) in result.output


def test_no_color_in_the_environment_turns_colour_off_even_on_a_terminal(project):
    result = CliRunner().invoke(main, ["check", "--root", _broken(project)], color=True, env={"NO_COLOR": "1"})
    assert result.exit_code == 1
    assert " E600 " in result.output and ESC not in result.output
