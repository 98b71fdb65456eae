from __future__ import annotations

import pytest
from sqlglot import exp

from harness.statements import Slice, StatementError, parse_slice, split, tokenize

BODY = """
BEGIN
    SET NOCOUNT ON;
    DECLARE @n int = 0;
    BEGIN TRY
        IF @n IS NULL
            THROW 50001, N'no', 1;
        IF NOT EXISTS (SELECT 1 FROM app.t AS t WHERE t.a = @n)
        BEGIN
            INSERT INTO app.t (a) VALUES (@n);
        END
        ELSE IF @n > 1
            UPDATE app.t SET a = CASE WHEN a > 1 THEN 0 ELSE 1 END WHERE a = @n;
        ELSE
        BEGIN
            DELETE FROM app.t WHERE a = @n;
        END;
        WHILE @n < 3
            SET @n = @n + 1;
        BEGIN TRANSACTION;
        COMMIT TRANSACTION;
    END TRY
    BEGIN CATCH
        IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
        THROW;
    END CATCH;
END;
"""


def kinds(text: str) -> list[str]:
    return [s.kind for s in split(tokenize(text))]


def test_control_flow_is_stepped_over_and_conditions_become_statements():
    assert kinds(BODY) == [
        "SET", "DECLARE", "IF", "THROW", "IF", "INSERT", "IF", "UPDATE", "DELETE",
        "WHILE", "SET", "BEGIN TRANSACTION", "COMMIT", "IF", "ROLLBACK", "THROW",
    ]


def test_statements_keep_their_source_lines():
    pieces = split(tokenize(BODY))
    insert = next(p for p in pieces if p.kind == "INSERT")
    assert insert.line == BODY.splitlines().index("            INSERT INTO app.t (a) VALUES (@n);") + 1


def test_line_offset_makes_lines_file_absolute():
    assert split(tokenize("SELECT 1;\nSELECT 2;", line_offset=10))[1].line == 12


def test_case_expressions_do_not_end_a_statement():
    pieces = split(tokenize("UPDATE app.t SET a = CASE WHEN b = 1 THEN 2 ELSE 3 END;\nSELECT 1;"))
    assert [p.kind for p in pieces] == ["UPDATE", "SELECT"]


def test_end_and_else_after_a_statement_without_semicolon_end_it():
    pieces = split(tokenize("IF @a = 1 BEGIN SELECT 1 END ELSE SELECT 2"))
    assert [p.kind for p in pieces] == ["IF", "SELECT", "SELECT"]


def test_a_condition_is_parsed_as_a_select_so_its_subqueries_resolve():
    piece = split(tokenize("IF EXISTS (SELECT 1 FROM app.t AS t) RETURN;"))[0]
    tree = parse_slice(piece, "")
    assert isinstance(tree, exp.Select)
    assert tree.find(exp.Table).name == "t"


def test_update_top_is_accepted():
    text = "UPDATE TOP (10) app.w WITH (ROWLOCK, READPAST) SET a = 1 WHERE b IS NULL;"
    tree = parse_slice(split(tokenize(text))[0], text)
    assert isinstance(tree, exp.Update)


def test_statements_without_references_are_not_parsed():
    piece = Slice("THROW", tokenize("THROW 50001, N'x', 1"))
    assert parse_slice(piece, "") is None


def test_a_statement_sqlglot_cannot_parse_raises_with_its_line():
    text = "SELECT 1;\nSELECT FROM WHERE ((;"
    pieces = split(tokenize(text))
    with pytest.raises(StatementError) as error:
        parse_slice(pieces[1], text)
    assert error.value.line == 2


def test_end_at_a_statement_start_stays_a_token():
    # sqlglot's own T-SQL tokenizer would swallow "END ELSE ..." into one string.
    kinds_after_end = kinds("IF @a = 1 BEGIN SELECT 1; END\nELSE BEGIN SELECT 2; END;")
    assert kinds_after_end == ["IF", "SELECT", "SELECT"]


def test_an_output_into_column_list_is_dropped_so_the_statement_parses_and_its_reads_stay():
    (piece,) = split(tokenize("UPDATE d SET d.a = 1 OUTPUT INSERTED.a, DELETED.b INTO @moved (a, b) FROM app.t AS d;"))
    tree = parse_slice(piece, "")
    assert isinstance(tree, exp.Update)
    read = sorted(f"{c.table}.{c.name}" for c in tree.args["returning"].find_all(exp.Column))
    assert read == ["DELETED.b", "INSERTED.a"]


def test_the_insert_column_list_before_output_is_kept():
    (piece,) = split(tokenize("INSERT INTO app.t (a, b) OUTPUT INSERTED.a INTO @r (a) SELECT 1, 2;"))
    tree = parse_slice(piece, "")
    assert [c.name for c in tree.this.expressions] == ["a", "b"]
