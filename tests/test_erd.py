from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

import matplotlib
import pytest

from harness.erd import render_erd
from harness.findings import FindingSink
from harness.reader import read_catalog
from harness.resolve import resolve_catalog

from .conftest import REPO

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def catalog(resolved_catalog):
    return resolved_catalog


@pytest.fixture(scope="module")
def pictures(catalog):
    return {schema: render_erd(catalog, schema) for schema in sorted(catalog.schemas)}


def _texts(root) -> dict[str, ET.Element]:
    return {"".join(t.itertext()).strip(): t for t in root.iter(SVG + "text")}


def _ids(root, prefix: str) -> list[str]:
    return sorted(g.get("id")[len(prefix):] for g in root.iter(SVG + "g") if (g.get("id") or "").startswith(prefix))


def _small_catalog(project, extra: dict[str, str] | None = None):
    project.write(
        "sql/tables/app.a.sql",
        """
        -- Parent.
        CREATE TABLE app.a (
            org_id int NOT NULL, -- Org
            a_id int NOT NULL, -- Key
            CONSTRAINT PK_app_a PRIMARY KEY CLUSTERED (a_id),
            CONSTRAINT FK_app_a_org FOREIGN KEY (org_id) REFERENCES core.org (org_id)
        );
        """,
    )
    project.write(
        "sql/tables/app.b.sql",
        """
        -- Child.
        CREATE TABLE app.b (
            b_id int NOT NULL, -- Key
            a_id int NOT NULL, -- Parent
            parent_b_id int NULL, -- Tree
            CONSTRAINT PK_app_b PRIMARY KEY CLUSTERED (b_id),
            CONSTRAINT FK_app_b_a FOREIGN KEY (a_id) REFERENCES app.a (a_id),
            CONSTRAINT FK_app_b_parent FOREIGN KEY (parent_b_id) REFERENCES app.b (b_id)
        );
        """,
    )
    for rel, text in (extra or {}).items():
        project.write(rel, text)
    catalog = read_catalog(project.root, FindingSink())
    resolve_catalog(catalog, FindingSink())
    return catalog


def test_every_picture_is_svg_with_a_size_and_names_every_table_of_its_schema(catalog, pictures):
    assert set(pictures) == {"app", "core", "intake"}
    for schema, svg in pictures.items():
        root = ET.fromstring(svg)
        assert root.tag == SVG + "svg"
        assert root.get("viewBox") and root.get("width") and root.get("height")
        texts = _texts(root)
        tables = [t.full_name for t in catalog.tables.values() if t.schema.lower() == schema]
        assert tables and all(name in texts for name in tables)
        assert _ids(root, "table-") == sorted(t.lower() for t in tables)


def test_every_foreign_key_of_a_schema_is_one_edge_of_its_picture(catalog, pictures):
    for schema, svg in pictures.items():
        fks = sorted(c.name for t in catalog.tables.values() if t.schema.lower() == schema for c in t.constraints if c.kind == "FK")
        assert _ids(ET.fromstring(svg), "fk-") == fks


def test_no_coordinate_of_any_picture_is_nan_or_infinite(pictures):
    for svg in pictures.values():
        root = ET.fromstring(svg)
        numbers = []
        for element in root.iter():
            for name in ("x", "y", "d", "transform", "viewBox", "width", "height"):
                numbers += re.findall(r"[-+]?[0-9]*\.?[0-9]+(?:e[-+]?\d+)?|nan|inf", element.get(name) or "", re.I)
        assert numbers and all(math.isfinite(float(n)) for n in numbers)


def test_two_renders_of_the_same_model_are_byte_identical(catalog, pictures):
    assert render_erd(catalog, "app") == pictures["app"]


def test_text_stays_text_in_a_monospace_font_and_the_svg_carries_no_date(pictures):
    svg = pictures["core"]
    assert "font-family: 'DejaVu Sans Mono', monospace" in svg
    assert "<dc:date>" not in svg and "wsdb docs" in svg


def test_each_table_box_has_a_tooltip_with_its_description(catalog, pictures):
    assert f"<title>core.org: {catalog.tables['core.org'].description}</title>" in pictures["core"]


def test_tables_of_another_schema_appear_as_grey_stubs(pictures):
    root = ET.fromstring(pictures["intake"])
    assert _ids(root, "stub-") == ["core.org"]


def test_rendering_leaves_the_global_matplotlib_settings_alone(catalog):
    before = dict(matplotlib.rcParams)
    render_erd(catalog, "core")
    assert dict(matplotlib.rcParams) == before


def test_a_small_catalog_gives_a_box_per_table_a_stub_and_one_edge_per_foreign_key(project):
    root = ET.fromstring(render_erd(_small_catalog(project), "app"))
    assert _ids(root, "table-") == ["app.a", "app.b"]
    assert _ids(root, "stub-") == ["core.org"]
    assert _ids(root, "fk-") == ["FK_app_a_org", "FK_app_b_a", "FK_app_b_parent"]


def test_referenced_tables_are_drawn_left_of_the_tables_that_reference_them(project):
    texts = _texts(ET.fromstring(render_erd(_small_catalog(project), "app")))
    assert float(texts["core.org"].get("x")) < float(texts["app.a"].get("x")) < float(texts["app.b"].get("x"))


def test_a_foreign_key_cycle_is_drawn_with_every_table_and_edge(project):
    cycle = {
        "sql/tables/app.c.sql": """
        -- Closes a cycle a <- b <- c <- a.
        CREATE TABLE app.c (
            c_id int NOT NULL, -- Key
            b_id int NULL, -- Back
            CONSTRAINT PK_app_c PRIMARY KEY CLUSTERED (c_id),
            CONSTRAINT FK_app_c_b FOREIGN KEY (b_id) REFERENCES app.b (b_id)
        );
        """,
        "sql/tables/app.a.sql": """
        -- Parent, and child of app.c.
        CREATE TABLE app.a (
            org_id int NOT NULL, -- Org
            a_id int NOT NULL, -- Key
            c_id int NULL, -- Cycle
            CONSTRAINT PK_app_a PRIMARY KEY CLUSTERED (a_id),
            CONSTRAINT FK_app_a_org FOREIGN KEY (org_id) REFERENCES core.org (org_id),
            CONSTRAINT FK_app_a_c FOREIGN KEY (c_id) REFERENCES app.c (c_id)
        );
        """,
    }
    project_catalog = _small_catalog(project, cycle)
    root = ET.fromstring(render_erd(project_catalog, "app"))
    assert _ids(root, "table-") == ["app.a", "app.b", "app.c"]
    assert _ids(root, "fk-") == ["FK_app_a_c", "FK_app_a_org", "FK_app_b_a", "FK_app_b_parent", "FK_app_c_b"]


def test_a_schema_without_tables_gives_a_picture_saying_so(project):
    root = ET.fromstring(render_erd(_small_catalog(project), "core_empty"))
    assert "schema core_empty has no tables" in _texts(root)
