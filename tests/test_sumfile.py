from __future__ import annotations

import hashlib

import pytest

from harness.sumfile import HEADER, PLACEHOLDER, SumEntry, SumError, SumFile, checksum_of, parse, seal

# A rendered script names its checksum more than once (header, guard, history row), as the layout does.
RENDERED = (
    "/*\nMigration    20261122_add_widgets\nChecksum     " + PLACEHOLDER + "\n*/\n"
    "IF @applied = '" + PLACEHOLDER + "'\n    PRINT N'already applied';\n"
    "INSERT INTO dbo.wsdb_migration_history (migration_name, checksum) VALUES (N'20261122_add_widgets', '" + PLACEHOLDER + "');\n"
)
OTHER_CHECKSUM = hashlib.sha256(b"another script").hexdigest()


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_the_checksum_is_the_sha256_of_the_script_with_the_checksum_zeroed():
    sealed, checksum = seal(RENDERED)
    assert checksum == sha256(RENDERED)
    # The by-hand recipe of the module docstring: replace the checksum by 64 zeros and hash.
    assert sha256(sealed.replace(checksum, "0" * 64)) == checksum


def test_sealing_writes_the_checksum_wherever_the_placeholder_was():
    sealed, checksum = seal(RENDERED)
    assert PLACEHOLDER not in sealed
    assert sealed.count(checksum) == RENDERED.count(PLACEHOLDER) == 3


def test_a_sealed_script_reports_the_checksum_it_was_sealed_with():
    sealed, checksum = seal(RENDERED)
    assert checksum_of(sealed) == checksum


def test_a_sealed_script_quoting_another_scripts_checksum_still_reports_its_own():
    sealed, checksum = seal(RENDERED + f"-- replaces the script with checksum {OTHER_CHECKSUM}\n")
    assert OTHER_CHECKSUM in sealed
    assert checksum_of(sealed) == checksum


@pytest.mark.parametrize(
    ("old", "new"),
    [
        pytest.param("N'already applied'", "N'already applieD'", id="a-letter-of-the-body"),
        pytest.param("20261122_add_widgets", "20261123_add_widgets", id="a-digit-of-the-header"),
        pytest.param("\n*/\n", "\n*/ \n", id="an-added-blank"),
    ],
)
def test_editing_one_character_of_a_sealed_script_changes_its_checksum(old, new):
    sealed, checksum = seal(RENDERED)
    edited = sealed.replace(old, new, 1)
    assert edited != sealed
    assert checksum_of(edited) != checksum


def test_editing_one_character_of_the_checksum_itself_is_noticed():
    sealed, checksum = seal(RENDERED)
    forged = checksum[:-1] + ("0" if checksum[-1] != "0" else "1")
    edited = sealed.replace(checksum, forged, 1)  # only the first of three occurrences
    assert checksum_of(edited) != checksum
    assert checksum_of(edited) != forged


def test_zeroing_one_occurrence_of_the_checksum_in_a_sealed_script_is_noticed():
    sealed, checksum = seal(RENDERED)
    guard = sealed.index("IF @applied = '") + len("IF @applied = '")
    assert sealed[guard : guard + 64] == checksum
    edited = sealed[:guard] + PLACEHOLDER + sealed[guard + 64 :]  # the guard now compares with zeros
    assert checksum_of(edited) != checksum


def test_a_script_that_was_never_sealed_does_not_verify_as_the_sealed_one():
    sealed, checksum = seal(RENDERED)
    assert RENDERED != sealed
    assert checksum_of(RENDERED) != checksum


# --- migrations.sum -----------------------------------------------------------------------------

ENTRIES = [
    SumEntry("20250907_add_workstream_tables.sql", sha256("first"), "released"),
    SumEntry("20250909_add_config_registry.sql", sha256("second"), "released"),
    SumEntry("20261122_add_widgets.sql", sha256("third"), "draft"),
]


def sum_file(entries=ENTRIES) -> SumFile:
    return SumFile([SumEntry(e.script, e.checksum, e.state) for e in entries])


def test_a_rendered_sum_file_parses_back_to_the_same_entries_and_directory_hash():
    original = sum_file()
    parsed = parse(original.render())
    assert parsed.entries == ENTRIES
    assert parsed.directory == original.directory_hash()
    assert parsed.render() == original.render()


def test_the_directory_hash_is_the_sha256_of_the_listed_lines_as_rendered():
    rendered = sum_file().render().splitlines(keepends=True)
    listed = [line for line in rendered if not line.startswith("#") and not line.rstrip().endswith("(directory)")]
    assert len(listed) == len(ENTRIES)
    assert rendered[-1] == sha256("".join(listed)) + "  (directory)\n"


def test_a_rendered_sum_file_starts_with_the_header_and_lists_one_line_per_script():
    lines = sum_file().render().splitlines()
    header = HEADER.splitlines()
    assert lines[: len(header)] == header
    assert lines[len(header)] == f"{sha256('first')}  20250907_add_workstream_tables.sql  released"
    assert len(lines) == len(header) + len(ENTRIES) + 1


def test_reordering_two_entries_changes_the_directory_hash():
    swapped = [ENTRIES[1], ENTRIES[0], ENTRIES[2]]
    assert sum_file(swapped).directory_hash() != sum_file().directory_hash()


@pytest.mark.parametrize(
    "entries",
    [
        pytest.param(ENTRIES[:-1], id="a-script-removed"),
        pytest.param(ENTRIES + [SumEntry("20261123_more.sql", sha256("fourth"), "draft")], id="a-script-added"),
        pytest.param(ENTRIES[:-1] + [SumEntry(ENTRIES[-1].script, ENTRIES[-1].checksum, "released")], id="a-state-changed"),
    ],
)
def test_adding_removing_or_releasing_a_script_changes_the_directory_hash(entries):
    assert sum_file(entries).directory_hash() != sum_file().directory_hash()


def test_blank_lines_and_comments_are_skipped_and_a_file_without_a_directory_line_has_none():
    text = f"# note\n\n{sha256('first')}  a.sql  released\n   \n"
    parsed = parse(text)
    assert parsed.entries == [SumEntry("a.sql", sha256("first"), "released")]
    assert parsed.directory is None


def test_entries_are_found_by_script_name():
    parsed = parse(sum_file().render())
    assert parsed.get("20261122_add_widgets.sql").state == "draft"
    assert parsed.get("20261122_add_widgets") is None


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param(f"{sha256('x')}  b.sql", id="no-state"),
        pytest.param(f"{sha256('x')}  b.sql  draft  extra", id="a-fourth-field"),
        pytest.param(f"{sha256('x')[:63]}  b.sql  draft", id="a-short-checksum"),
        pytest.param(f"{sha256('x')[:63]}g  b.sql  draft", id="a-non-hex-checksum"),
        pytest.param("not a sum line at all", id="prose"),
        pytest.param("xyz  (directory)", id="a-directory-line-without-a-hash"),
    ],
)
def test_a_malformed_line_raises_an_error_naming_its_line_number(bad):
    # Line 1 comment, line 2 blank, line 3 an entry, line 4 the bad one: blank lines count too.
    text = f"# header\n\n{sha256('first')}  a.sql  released\n{bad}\n{sha256('second')}  c.sql  draft\n"
    with pytest.raises(SumError) as raised:
        parse(text)
    assert "line 4:" in str(raised.value)
    assert repr(bad) in str(raised.value)


def test_an_unknown_state_raises():
    with pytest.raises(SumError, match=r"line 1: .*a\.sql  shipped'$"):
        parse(f"{sha256('first')}  a.sql  shipped\n")
