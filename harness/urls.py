"""Server URLs: ``mssql+pymssql://user:pass@host:port/db`` and ``mssql+pyodbc://…?driver=…``.

The URL is the one way to name a server, for every live command (``--url`` or ``WSDB_URL``) and for the
live tests (``WSDB_TEST_URL``). The form follows SQLAlchemy's, so a URL a team already uses elsewhere
works here:

* ``mssql+pymssql://USER:PASSWORD@HOST[:PORT]/DATABASE[?OPTIONS]`` — the default driver (pip only).
  Options: ``login_timeout``, ``timeout`` (seconds), ``tds_version`` (default 7.4), ``encryption``
  (``off``, ``request``, ``require``; Azure SQL needs ``require``), ``appname``, ``instance``.
* ``mssql+pyodbc://USER:PASSWORD@HOST[:PORT]/DATABASE?driver=ODBC+Driver+18+for+SQL+Server[&…]`` —
  Microsoft's ODBC driver. ``driver`` is required; every other option is passed on as an ODBC
  connection-string keyword (``TrustServerCertificate=yes``, ``Encrypt=yes``, ``Trusted_Connection=yes``).
* ``mssql://…`` means ``mssql+pymssql://…``.

User and password are percent-decoded (write ``@`` as ``%40``). A password is never printed:
:meth:`ServerUrl.safe` masks it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from urllib.parse import parse_qsl, quote, unquote, urlsplit

DRIVERS = ("pymssql", "pyodbc")
DEFAULT_PORT = 1433
PYMSSQL_OPTIONS = ("login_timeout", "timeout", "tds_version", "encryption", "appname", "instance")
ENCRYPTION = ("off", "request", "require")


class UrlError(ValueError):
    """The URL cannot name a server: wrong scheme, no host, an unknown option."""


@dataclass(frozen=True)
class ServerUrl:
    driver: str  # "pymssql" or "pyodbc"
    host: str
    port: int = DEFAULT_PORT
    database: str | None = None
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    options: tuple[tuple[str, str], ...] = ()  # query options in URL order

    def option(self, name: str, default: str | None = None) -> str | None:
        """The value of a query option (case-insensitive name)."""
        for key, value in self.options:
            if key.lower() == name.lower():
                return value
        return default

    def with_database(self, database: str) -> "ServerUrl":
        """The same server and login, another database (``master`` to create one)."""
        return replace(self, database=database)

    def safe(self) -> str:
        """The URL with the password masked: safe for messages and logs."""
        return self._render(mask=True)

    def render(self) -> str:
        """The URL in full, password included (for handing to a child process)."""
        return self._render(mask=False)

    def _render(self, *, mask: bool) -> str:
        login = ""
        if self.user is not None:
            login = quote(self.user, safe="")
            if self.password is not None:
                login += ":" + ("***" if mask else quote(self.password, safe=""))
            login += "@"
        host = f"[{self.host}]" if ":" in self.host else self.host
        query = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in self.options)
        database = "/" + quote(self.database, safe="") if self.database else ""
        return f"mssql+{self.driver}://{login}{host}:{self.port}{database}" + (f"?{query}" if query else "")

    def where(self) -> str:
        """``host:port/database`` for one-line messages."""
        return f"{self.host}:{self.port}/{self.database or '(default database)'}"


def parse_url(text: str) -> ServerUrl:
    """Read a server URL; raise :class:`UrlError` with a message that says what is wrong."""
    text = (text or "").strip()
    if not text:
        raise UrlError("no server URL: pass --url or set WSDB_URL (mssql+pymssql://user:password@host:1433/database)")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as error:
        raise UrlError(f"not a server URL ({error}): {_mask(text)}") from None
    scheme = parts.scheme.lower()
    if scheme == "mssql":
        driver = "pymssql"
    elif scheme.startswith("mssql+") and scheme[6:] in DRIVERS:
        driver = scheme[6:]
    else:
        raise UrlError(
            f"unknown URL scheme {parts.scheme or '(none)'!r} in {_mask(text)}: "
            "use mssql+pymssql://… (default) or mssql+pyodbc://…?driver=ODBC+Driver+18+for+SQL+Server"
        )
    if not parts.hostname:
        raise UrlError(f"no host in {_mask(text)}")
    path = unquote(parts.path.lstrip("/"))
    if "/" in path:
        raise UrlError(f"the database is one name, not a path: {path!r} in {_mask(text)}")
    options = tuple(parse_qsl(parts.query, keep_blank_values=True))
    url = ServerUrl(
        driver=driver,
        host=parts.hostname,
        port=port if port is not None else DEFAULT_PORT,
        database=path or None,
        user=unquote(parts.username) if parts.username is not None else None,
        password=unquote(parts.password) if parts.password is not None else None,
        options=options,
    )
    _check_options(url, text)
    return url


def _check_options(url: ServerUrl, text: str) -> None:
    names = [k.lower() for k, _ in url.options]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise UrlError(f"option {duplicated[0]!r} given twice in {_mask(text)}")
    if url.driver == "pymssql":
        unknown = [k for k, _ in url.options if k.lower() not in PYMSSQL_OPTIONS]
        if unknown:
            raise UrlError(
                f"unknown option {unknown[0]!r} for pymssql in {_mask(text)}; known: {', '.join(PYMSSQL_OPTIONS)}"
            )
        for name in ("login_timeout", "timeout"):
            value = url.option(name)
            if value is not None and not value.isdigit():
                raise UrlError(f"{name} must be a whole number of seconds, got {value!r}")
        encryption = url.option("encryption")
        if encryption is not None and encryption not in ENCRYPTION:
            raise UrlError(f"encryption must be one of {', '.join(ENCRYPTION)}, got {encryption!r}")
    else:
        if not url.option("driver"):
            raise UrlError(
                f"mssql+pyodbc needs the ODBC driver's name: add ?driver=ODBC+Driver+18+for+SQL+Server to {_mask(text)}"
            )
        bad = [k for k, v in url.options if any(c in k + v for c in ";{}")]
        if bad:
            raise UrlError(f"option {bad[0]!r} holds ';', '{{' or '}}', which an ODBC connection string cannot carry")


def _mask(text: str) -> str:
    """The URL text with any password replaced by ***, for error messages about URLs that did not parse."""
    scheme, sep, rest = text.partition("://")
    if not sep or "@" not in rest:
        return text
    login, at, tail = rest.rpartition("@")
    if ":" in login:
        login = login.split(":", 1)[0] + ":***"
    return f"{scheme}{sep}{login}{at}{tail}"


__all__ = ["DRIVERS", "ServerUrl", "UrlError", "parse_url"]
