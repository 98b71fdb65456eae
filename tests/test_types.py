from __future__ import annotations

import pytest
import sqlglot

from harness.types import canonical, type_text


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("int", "int"),
        ("decimal(3, 2)", "decimal(3,2)"),
        ("nvarchar(max)", "nvarchar(max)"),
        ("datetime2", "datetime2"),
        ("varchar(16)", "varchar(16)"),
        ("uniqueidentifier", "uniqueidentifier"),
        ("tinyint", "tinyint"),
    ],
)
def test_types_are_rendered_as_written_in_lower_case(written, expected):
    column = sqlglot.parse_one(f"CREATE TABLE t (c {written})", read="tsql").this.expressions[0]
    assert type_text(column.args["kind"]) == expected


@pytest.mark.parametrize(
    ("a", "b"),
    [("datetime2", "datetime2(7)"), ("decimal", "decimal(18,0)"), ("decimal(10)", "decimal(10,0)"), ("INT", "int"), ("numeric(3,2)", "decimal(3, 2)")],
)
def test_implicit_type_defaults_compare_equal(a, b):
    assert canonical(a) == canonical(b)


def test_different_lengths_compare_different():
    assert canonical("varchar(30)") != canonical("varchar(32)")
