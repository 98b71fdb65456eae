from __future__ import annotations

import pytest

from harness.batches import BatchError, split_batches, strip_comments


def texts(script: str) -> list[str]:
    return [b.text.strip() for b in split_batches(script)]


def test_go_on_its_own_line_separates_batches():
    assert texts("SELECT 1;\nGO\nSELECT 2;\n") == ["SELECT 1;", "SELECT 2;"]


def test_go_is_recognised_in_any_case_with_surrounding_blanks_and_a_trailing_comment():
    assert texts("SELECT 1;\n  go  -- end of batch\nSELECT 2;") == ["SELECT 1;", "SELECT 2;"]


def test_go_inside_a_string_is_text():
    script = "SELECT 'a\nGO\nb' AS x;\nGO\nSELECT 2;"
    assert texts(script) == ["SELECT 'a\nGO\nb' AS x;", "SELECT 2;"]


def test_go_inside_a_string_with_escaped_quotes_is_text():
    script = "SELECT 'it''s\nGO\nstill text' AS x;\nGO\nSELECT 2;"
    assert texts(script)[0] == "SELECT 'it''s\nGO\nstill text' AS x;"


def test_go_inside_line_and_nested_block_comments_is_text():
    script = "-- GO\nSELECT 1; /* outer /* inner\nGO\n*/ still comment\nGO\n*/\nGO\nSELECT 2;"
    batches = split_batches(script)
    assert len(batches) == 2
    assert batches[1].text.strip() == "SELECT 2;"


def test_go_inside_bracketed_and_double_quoted_identifiers_is_text():
    script = 'SELECT 1 AS [a\nGO\nb], 2 AS "c\nGO\nd";\nGO\nSELECT 3;'
    assert len(split_batches(script)) == 2


def test_go_with_a_count_repeats_the_batch():
    batches = split_batches("INSERT INTO t DEFAULT VALUES;\nGO 3\nSELECT 1;")
    assert [b.count for b in batches] == [3, 1]


def test_go_zero_is_rejected_with_its_line():
    with pytest.raises(BatchError) as error:
        split_batches("SELECT 1;\nGO 0\n")
    assert error.value.line == 2


def test_crlf_line_endings_split_the_same_way_and_keep_lines():
    batches = split_batches("SELECT 1;\r\nGO\r\nSELECT 2;\r\nGO 2\r\nSELECT 3;\r\n")
    assert [b.text.strip() for b in batches] == ["SELECT 1;", "SELECT 2;", "SELECT 3;"]
    assert [b.start_line for b in batches] == [1, 3, 5]
    assert batches[1].count == 2


def test_batches_know_the_line_they_start_on():
    batches = split_batches("-- header\nSELECT 1;\nGO\n\n\nSELECT 2;\n")
    assert batches[0].start_line == 1
    assert batches[1].start_line == 4


def test_blank_and_comment_only_batches_are_dropped():
    assert texts("GO\n-- nothing\nGO\n/* nothing */\nGO\nSELECT 1;") == ["SELECT 1;"]


def test_words_that_only_start_with_go_are_not_separators():
    assert len(split_batches("SELECT 1 AS gone;\nGOTO done;\ngo2\n")) == 1


def test_an_unterminated_string_is_reported_with_its_line():
    with pytest.raises(BatchError) as error:
        split_batches("SELECT 1;\nSELECT 'open\n")
    assert error.value.line == 2
    assert "string" in error.value.reason


def test_an_unterminated_block_comment_is_reported():
    with pytest.raises(BatchError, match="comment"):
        split_batches("SELECT 1; /* never closed")


def test_strip_comments_keeps_strings_and_line_structure():
    text = "SELECT '--not a comment' AS a; -- comment\n/* x\ny */ SELECT 2;"
    stripped = strip_comments(text)
    assert "'--not a comment'" in stripped
    assert "comment\n" not in stripped
    assert stripped.count("\n") == text.count("\n")
