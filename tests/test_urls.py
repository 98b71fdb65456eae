"""Server URLs: what parses, what is refused, and that a password never shows."""

import pytest

from harness.urls import UrlError, parse_url


def test_a_pymssql_url_gives_driver_login_host_port_and_database():
    url = parse_url("mssql+pymssql://sa:Secret-1@db.example.com:14330/workstream")
    assert (url.driver, url.user, url.password, url.host, url.port, url.database) == (
        "pymssql", "sa", "Secret-1", "db.example.com", 14330, "workstream"
    )


def test_plain_mssql_means_pymssql_and_the_port_defaults_to_1433():
    url = parse_url("mssql://sa:x@localhost/master")
    assert (url.driver, url.port) == ("pymssql", 1433)


def test_percent_encoded_user_and_password_are_decoded():
    url = parse_url("mssql+pymssql://app%40corp:p%40ss%3Aword@h/db")
    assert (url.user, url.password) == ("app@corp", "p@ss:word")


def test_the_safe_form_masks_the_password_and_the_full_form_round_trips():
    text = "mssql+pymssql://sa:p%40ss@h:1433/db?login_timeout=5"
    url = parse_url(text)
    assert url.safe() == "mssql+pymssql://sa:***@h:1433/db?login_timeout=5"
    assert parse_url(url.render()) == url
    assert "p@ss" not in repr(url)


def test_a_pyodbc_url_keeps_the_driver_name_and_passes_other_options_on():
    url = parse_url("mssql+pyodbc://sa:x@h/db?driver=ODBC+Driver+18+for+SQL+Server&TrustServerCertificate=yes")
    assert url.driver == "pyodbc"
    assert url.option("driver") == "ODBC Driver 18 for SQL Server"
    assert url.option("trustservercertificate") == "yes"


def test_with_database_keeps_the_server_and_login():
    url = parse_url("mssql+pymssql://sa:x@h:1500/db").with_database("master")
    assert (url.host, url.port, url.user, url.database) == ("h", 1500, "sa", "master")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no server URL: pass --url or set WSDB_URL"),
        ("postgresql://u:p@h/db", "unknown URL scheme 'postgresql'"),
        ("mssql+pymssql:///db", "no host in"),
        ("mssql+pymssql://sa:x@h:notaport/db", "not a server URL"),
        ("mssql+pymssql://sa:x@h/db/extra", "the database is one name, not a path"),
        ("mssql+pymssql://sa:x@h/db?driver=x", "unknown option 'driver' for pymssql"),
        ("mssql+pymssql://sa:x@h/db?timeout=soon", "timeout must be a whole number of seconds"),
        ("mssql+pymssql://sa:x@h/db?encryption=maybe", "encryption must be one of off, request, require"),
        ("mssql+pymssql://sa:x@h/db?timeout=1&timeout=2", "option 'timeout' given twice"),
        ("mssql+pyodbc://sa:x@h/db", "mssql+pyodbc needs the ODBC driver's name"),
        ("mssql+pyodbc://sa:x@h/db?driver=d&App=a;b", "cannot carry"),
    ],
)
def test_a_url_that_cannot_name_a_server_is_refused_with_a_reason(text, message):
    with pytest.raises(UrlError, match=None) as refused:
        parse_url(text)
    assert message in str(refused.value)


def test_a_refused_url_does_not_echo_its_password():
    with pytest.raises(UrlError) as refused:
        parse_url("oracle://scott:tiger-secret@h/db")
    assert "tiger-secret" not in str(refused.value)
    assert "scott:***@h" in str(refused.value)
