"""The temporary projects the live tests build (offline: building needs no server)."""

from harness.batches import split_batches
from harness.scripts import load_scripts
from tests.conftest import REPO
from tests.live.projects import add_failing_migration, copy_project


def test_the_failing_fixture_migration_builds_sealed_and_last(tmp_path):
    project = copy_project(REPO, tmp_path)

    name = add_failing_migration(project)

    scripts = load_scripts(project)
    assert scripts.names()[-1] == name and scripts.scripts[-1].state == "released"
    steps = [b.text for b in split_batches(scripts.scripts[-1].text) if "-- wsdb:step" in b.text and "describe" not in b.text]
    assert [s.split("\n", 1)[0] for s in steps] == [
        "-- wsdb:step 1 columns app.signal columns doomed_note",
        "-- wsdb:step 2 table app.doomed",
        "-- wsdb:step 3 table app.doomed_twin",
    ]


def test_the_copy_leaves_the_repository_untouched(tmp_path):
    before = (REPO / "migrations" / "order.txt").read_text(encoding="utf-8")
    add_failing_migration(copy_project(REPO, tmp_path))
    assert (REPO / "migrations" / "order.txt").read_text(encoding="utf-8") == before
    assert not (REPO / "sql" / "tables" / "app.doomed.sql").exists()
