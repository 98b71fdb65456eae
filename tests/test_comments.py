from __future__ import annotations

from harness.comments import FileComments

TEXT = """-- wsdb:never-deleted rows are retired, not deleted
-- Stores things.
--
-- More notes that are not part of the description.
CREATE TABLE app.x (
    a int NOT NULL, -- First column
    -- Second column, described above it
    b int NULL,
    -- wsdb:allow W506 extension
    c int NULL, -- Third 'column' -- with dashes
    d int NULL
);
"""


def test_the_object_description_is_the_first_paragraph_of_the_header_above_create():
    comments = FileComments(TEXT)
    assert comments.object_description(5) == "Stores things."


def test_a_header_without_blank_comment_lines_is_one_paragraph():
    comments = FileComments("-- Line one\n-- line two.\nCREATE VIEW app.v AS SELECT 1 AS a;\n")
    assert comments.object_description(3) == "Line one line two."


def test_a_trailing_comment_describes_its_line():
    comments = FileComments(TEXT)
    assert comments.item_description(6) == "First column"


def test_a_comment_above_a_line_describes_it_when_it_has_no_trailing_comment():
    comments = FileComments(TEXT)
    assert comments.item_description(8) == "Second column, described above it"


def test_directives_are_never_part_of_a_description():
    comments = FileComments(TEXT)
    assert comments.item_description(10) == "Third 'column' -- with dashes"
    assert comments.item_description(11) is None


def test_directives_are_found_for_the_line_they_precede():
    comments = FileComments(TEXT)
    allows = comments.directives_for(10, "allow")
    assert [d.args for d in allows] == ["W506 extension"]
    assert comments.directives_for(11, "allow") == []


def test_a_comment_marker_inside_a_string_is_not_a_comment():
    comments = FileComments("SELECT '-- not a comment' AS a; -- real\n")
    assert comments.trailing == {1: "real"}
