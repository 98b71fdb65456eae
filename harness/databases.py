"""Create and drop whole databases (``wsdb apply --create-database``, the live test tier).

Both run from ``master`` of the URL's server. The name travels as a parameter and reaches the DDL only
through ``QUOTENAME`` inside ``sp_executesql``: no SQL text is built from input.
"""

from __future__ import annotations

from .connection import SqlError, connect
from .urls import ServerUrl

ALREADY_EXISTS = 1801  # CREATE DATABASE: the database already exists (e.g. a concurrent --create-database)

_CREATE = (
    "DECLARE @sql nvarchar(max) = N'CREATE DATABASE ' + QUOTENAME(?) + N';'; "
    "EXEC sys.sp_executesql @sql;"
)
_SINGLE_USER = (
    "DECLARE @sql nvarchar(max) = N'ALTER DATABASE ' + QUOTENAME(?) + N' SET SINGLE_USER WITH ROLLBACK IMMEDIATE;'; "
    "EXEC sys.sp_executesql @sql;"
)
_DROP = (
    "DECLARE @sql nvarchar(max) = N'DROP DATABASE ' + QUOTENAME(?) + N';'; "
    "EXEC sys.sp_executesql @sql;"
)


class DatabaseError(Exception):
    """A database could not be created or dropped; the message carries SQL Server's."""


def _name(url: ServerUrl) -> str:
    if not url.database:
        raise DatabaseError("the URL names no database")
    if url.database.lower() in ("master", "model", "msdb", "tempdb"):
        raise DatabaseError(f"{url.database} is a system database")
    return url.database


def create_database(url: ServerUrl) -> bool:
    """Create the URL's database if it does not exist; True when this call created it."""
    name = _name(url)
    with connect(url, database="master") as master:
        if master.scalar("SELECT DB_ID(?) AS id;", (name,)) is not None:
            return False
        try:
            master.execute(_CREATE, (name,))
        except SqlError as error:
            if error.number == ALREADY_EXISTS:
                return False
            raise DatabaseError(f"cannot create database [{name}]: {error.text()}") from None
    return True


def drop_database(url: ServerUrl) -> bool:
    """Drop the URL's database (closing other sessions first where the server allows); True if it existed."""
    name = _name(url)
    with connect(url, database="master") as master:
        if master.scalar("SELECT DB_ID(?) AS id;", (name,)) is None:
            return False
        try:
            master.execute(_SINGLE_USER, (name,))
        except SqlError:
            pass  # Azure SQL Database has no SINGLE_USER; the DROP below then needs the sessions gone
        try:
            master.execute(_DROP, (name,))
        except SqlError as error:
            raise DatabaseError(f"cannot drop database [{name}]: {error.text()}") from None
    return True


__all__ = ["DatabaseError", "create_database", "drop_database"]
