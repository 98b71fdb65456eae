"""SQL Server data types as text: how a column's type is written, and a canonical form to compare.

``type_text`` renders a sqlglot DataType the way this project writes types (``decimal(3,2)``,
``nvarchar(max)``, ``datetime2``); ``canonical`` adds SQL Server's implicit defaults so that
``datetime2`` equals ``datetime2(7)`` and ``decimal`` equals ``decimal(18,0)``.
"""

from __future__ import annotations

import re

from sqlglot import exp

DT = exp.DataType.Type
_NAMES = {
    DT.INT: "int",
    DT.BIGINT: "bigint",
    DT.SMALLINT: "smallint",
    DT.TINYINT: "tinyint",
    DT.UTINYINT: "tinyint",
    DT.BIT: "bit",
    DT.DECIMAL: "decimal",
    DT.MONEY: "money",
    DT.SMALLMONEY: "smallmoney",
    DT.FLOAT: "float",
    DT.DOUBLE: "float",
    DT.DATE: "date",
    DT.DATETIME: "datetime",
    DT.DATETIME2: "datetime2",
    DT.SMALLDATETIME: "smalldatetime",
    DT.TIME: "time",
    DT.TIMESTAMPTZ: "datetimeoffset",
    DT.CHAR: "char",
    DT.NCHAR: "nchar",
    DT.VARCHAR: "varchar",
    DT.NVARCHAR: "nvarchar",
    DT.BINARY: "binary",
    DT.VARBINARY: "varbinary",
    DT.UUID: "uniqueidentifier",
    DT.XML: "xml",
    DT.ROWVERSION: "rowversion",
}
_DEFAULT_PARAMS = {
    "datetime2": "(7)",
    "time": "(7)",
    "datetimeoffset": "(7)",
    "decimal": "(18,0)",
    "numeric": "(18,0)",
    "char": "(1)",
    "nchar": "(1)",
    "varchar": "(1)",
    "nvarchar": "(1)",
    "binary": "(1)",
    "varbinary": "(1)",
    "float": "(53)",
}


def type_text(data_type: exp.DataType) -> str:
    """Render a sqlglot DataType as this project writes T-SQL types (lower case, no spaces)."""
    name = _NAMES.get(data_type.this)
    if name is None:
        return re.sub(r"\s+", "", data_type.sql("tsql", copy=False).lower())
    params = []
    for param in data_type.expressions:
        value = param.this if isinstance(param, exp.DataTypeParam) else param
        params.append((value.name if isinstance(value, exp.Literal) else value.sql("tsql", copy=False)).lower() if isinstance(value, exp.Expression) else str(value).lower())
    return f"{name}({','.join(params)})" if params else name


def canonical(text: str | None) -> str | None:
    """Canonical form of a type string: lower case, no spaces, implicit defaults made explicit."""
    if text is None:
        return None
    t = re.sub(r"\s+", "", text.lower())
    t = t.replace("numeric", "decimal").replace("integer", "int")
    match = re.fullmatch(r"([a-z0-9_]+)(\(.*\))?", t)
    if not match:
        return t
    name, params = match.group(1), match.group(2)
    if params is None:
        params = _DEFAULT_PARAMS.get(name, "")
    elif name == "decimal" and "," not in params:
        params = params[:-1] + ",0)"
    return name + params
