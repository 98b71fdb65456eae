from __future__ import annotations

import datetime as dt
from pathlib import Path

import jinja2
import pytest

from harness.build import NAME, ORDER_FILE, TEMPLATES
from harness.scaffold import ScaffoldError, new_migration

DAY = dt.date(2026, 11, 22)


def order_text(root: Path) -> str:
    return (root / ORDER_FILE).read_text(encoding="utf-8")


def write_order(root: Path, text: str) -> None:
    path = root / ORDER_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))


def files_under(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_a_new_migration_writes_its_dated_template_and_lists_it_in_a_new_order_file(tmp_path):
    path = new_migration(tmp_path, "add_widgets", DAY)
    assert path == tmp_path / "migrations" / "templates" / "20261122_add_widgets.sql.j2"
    assert path == tmp_path / TEMPLATES / "20261122_add_widgets.sql.j2"
    assert path.is_file()
    assert order_text(tmp_path) == "20261122_add_widgets\n"
    assert NAME.match("20261122_add_widgets")  # what the builder will accept as a listed name


def test_a_new_migration_is_appended_after_the_listed_ones_keeping_their_lines(tmp_path):
    existing = "# Migrations in the order they apply.\n20250907_add_core_modules\n\n20250909_add_config_registry  # tables\n"
    write_order(tmp_path, existing)
    new_migration(tmp_path, "add_widgets", DAY)
    assert order_text(tmp_path) == existing + "20261122_add_widgets\n"


def test_an_order_file_without_a_final_newline_gets_one_before_the_new_name(tmp_path):
    write_order(tmp_path, "20250907_add_core_modules\n20250909_add_config_registry")
    new_migration(tmp_path, "add_widgets", DAY)
    assert order_text(tmp_path).splitlines() == ["20250907_add_core_modules", "20250909_add_config_registry", "20261122_add_widgets"]
    assert order_text(tmp_path).endswith("_add_widgets\n")


def test_two_new_migrations_on_one_day_are_listed_in_the_order_they_were_made(tmp_path):
    new_migration(tmp_path, "add_widgets", DAY)
    new_migration(tmp_path, "add_gadgets", DAY)
    assert order_text(tmp_path) == "20261122_add_widgets\n20261122_add_gadgets\n"


def test_the_date_defaults_to_todays_utc_date(tmp_path):
    before = dt.datetime.now(dt.timezone.utc).date()
    path = new_migration(tmp_path, "add_widgets")
    after = dt.datetime.now(dt.timezone.utc).date()
    assert path.name in {f"{d:%Y%m%d}_add_widgets.sql.j2" for d in (before, after)}


@pytest.mark.parametrize(
    "slug",
    [
        pytest.param("Add_widgets", id="upper-case"),
        pytest.param("add-widgets", id="hyphen"),
        pytest.param("_add_widgets", id="leading-underscore"),
        pytest.param("add_widgets_", id="trailing-underscore"),
        pytest.param("add__widgets", id="double-underscore"),
        pytest.param("add widgets", id="blank"),
        pytest.param("", id="empty"),
        pytest.param("../add_widgets", id="a-path"),
    ],
)
def test_a_slug_that_is_not_lower_case_words_joined_by_single_underscores_is_refused(tmp_path, slug):
    with pytest.raises(ScaffoldError, match="lower-case letters, digits and single underscores"):
        new_migration(tmp_path, slug, DAY)
    assert files_under(tmp_path) == {}


def test_a_slug_with_a_trailing_newline_is_refused(tmp_path):
    with pytest.raises(ScaffoldError):
        new_migration(tmp_path, "add_widgets\n", DAY)


def test_digits_are_allowed_in_a_slug(tmp_path):
    assert new_migration(tmp_path, "v2_add_3_widgets", DAY).name == "20261122_v2_add_3_widgets.sql.j2"


def test_a_date_before_the_last_listed_migration_is_refused_and_nothing_is_written(tmp_path):
    write_order(tmp_path, "20261201_later\n20261123_last  # newest\n")
    before = files_under(tmp_path)
    with pytest.raises(ScaffoldError, match="20261122_add_widgets would be dated before the last migration 20261123_last"):
        new_migration(tmp_path, "add_widgets", DAY)
    assert files_under(tmp_path) == before


def test_the_same_date_as_the_last_listed_migration_is_allowed(tmp_path):
    write_order(tmp_path, "20261122_add_gadgets\n")
    new_migration(tmp_path, "add_widgets", DAY)
    assert order_text(tmp_path) == "20261122_add_gadgets\n20261122_add_widgets\n"


def test_the_same_name_twice_is_refused_and_listed_once(tmp_path):
    first = new_migration(tmp_path, "add_widgets", DAY)
    first.write_text("{{ description('Widgets.') }}\n", encoding="utf-8")
    before = files_under(tmp_path)
    with pytest.raises(ScaffoldError, match="20261122_add_widgets already exists"):
        new_migration(tmp_path, "add_widgets", DAY)
    assert files_under(tmp_path) == before
    assert order_text(tmp_path).count("20261122_add_widgets") == 1


def test_an_unlisted_template_of_the_same_name_is_not_overwritten(tmp_path):
    template = tmp_path / TEMPLATES / "20261122_add_widgets.sql.j2"
    template.parent.mkdir(parents=True)
    template.write_text("{{ description('Hand-written.') }}\n", encoding="utf-8")
    with pytest.raises(ScaffoldError, match="migrations/templates/20261122_add_widgets.sql.j2 already exists"):
        new_migration(tmp_path, "add_widgets", DAY)
    assert template.read_text(encoding="utf-8") == "{{ description('Hand-written.') }}\n"
    assert not (tmp_path / ORDER_FILE).exists()


def test_the_skeleton_is_valid_jinja_that_renders_to_nothing_but_its_description_call(tmp_path):
    path = new_migration(tmp_path, "add_widgets", DAY)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("{#- 20261122_add_widgets: ")

    described: list[str] = []

    def description(sentence: str) -> str:
        described.append(sentence)
        return ""

    # As the builder renders a template: strict about undefined names, so the skeleton uses no other.
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True, autoescape=False)
    env.globals["description"] = description
    rendered = env.from_string(text).render()
    assert rendered.strip() == ""
    assert len(described) == 1 and described[0].startswith("TODO")


def test_the_skeleton_names_every_macro_a_template_can_call(tmp_path):
    from harness.macros import Plan
    from harness.model import Catalog

    text = new_migration(tmp_path, "add_widgets", DAY).read_text(encoding="utf-8")
    macros = Plan(tmp_path, Catalog(), Catalog()).globals()
    assert {"rename_column", "rename_table", "drop_index"} <= set(macros)
    assert [name for name in macros if f"{name}(" not in text and f"{name}," not in text] == []
