"""Entity-relationship pictures: one SVG per schema, drawn from the model with matplotlib.

The layout is a small layered (Sugiyama-style) drawing of the foreign-key graph:

* **layers**: a table sits one layer right of the right-most table it references, so referenced
  tables are on the left and referencing ones on the right; tables of other schemas that a foreign key
  names are small grey stubs in the left-most layer. Cycles are broken by ignoring the foreign keys a
  depth-first walk finds pointing back up its own path; self-references are drawn as loops.
* **dummies**: an edge that spans several layers passes through one dummy slot per layer it crosses,
  shared by all edges to the same table, so edges run between boxes, never through them, and edges to
  one table merge into a trunk.
* **order**: a few barycentre sweeps (left to right, then back) reorder each layer to reduce
  crossings; the ordering with the fewest crossings wins.
* **position**: each node is pulled towards the rows it connects to, keeping the layer's order and
  spacing (isotonic regression), over a few sweeps.

Each table is a box with a header (``schema.table``) and one row per column: ``PK``/``FK`` marker,
name, type and ``null`` for nullable columns. Each foreign key is one curve from its column's row to the
referenced column's row, ending in an arrowhead. Rendering uses a :class:`matplotlib.figure.Figure` with
the SVG canvas (no pyplot, no interactive backend) and local rcParams: text stays text
(``svg.fonttype = 'none'``), ids are salted with a fixed string and the date is left out, so the same
model and matplotlib version give byte-identical SVG.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from html import escape

from matplotlib import rc_context
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure
from matplotlib.patches import Circle, PathPatch, Polygon, Rectangle
from matplotlib.path import Path as MplPath

from .model import Catalog, Constraint, Table, key

FONT_SIZE = 8.0
CHAR_WIDTH = FONT_SIZE * 1233 / 2048  # DejaVu Sans Mono advance width, in points
ROW = 12.0
HEADER = 15.0
PAD = 6.0
BOX_GAP = 18.0
DUMMY_GAP = 9.0
MARGIN = 24.0
SWEEPS = 6

HEADER_COLOUR = "#2f4b7c"
STUB_COLOUR = "#9e9e9e"
STUB_EDGE = "#b0b0b0"
EDGE_COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#ff7f0e", "#7f7f7f"]

RC = {
    "svg.fonttype": "none",
    "svg.hashsalt": "wsdb-docs",
    "font.family": "monospace",
    "font.monospace": ["DejaVu Sans Mono"],
    "font.size": FONT_SIZE,
    "path.simplify": False,
}
METADATA = {"Date": None, "Creator": "wsdb docs"}


@dataclass
class Row:
    name: str
    type: str
    nullable: bool
    marker: str  # "PK", "FK", "PK FK" or ""


@dataclass
class Node:
    """A table box, a grey stub for a table of another schema, or a dummy slot an edge passes through."""

    id: str
    title: str = ""
    rows: list[Row] = field(default_factory=list)
    stub: bool = False
    dummy: bool = False
    description: str = ""
    layer: int = 0
    y: float = 0.0  # top

    @property
    def height(self) -> float:
        if self.dummy:
            return 0.0
        return HEADER + ROW * len(self.rows) + (PAD / 2 if self.rows else 0.0)

    def port(self, column: str | None) -> float:
        """Offset from the top of the row of ``column`` (the header when there is none)."""
        if self.dummy:
            return 0.0
        for i, row in enumerate(self.rows):
            if column is not None and row.name.lower() == column.lower():
                return HEADER + ROW * i + ROW / 2
        return HEADER / 2

    def width(self) -> float:
        if self.dummy:
            return 0.0
        chars = len(self.title)
        if self.rows:
            name_w = max(len(r.name) for r in self.rows)
            type_w = max(len(r.type) for r in self.rows)
            chars = max(chars, 6 + name_w + 2 + type_w + (5 if any(r.nullable for r in self.rows) else 0))
        return chars * CHAR_WIDTH + 2 * PAD


@dataclass
class Edge:
    """One foreign key: from a column of ``source`` (referencing) to a column of ``target`` (referenced)."""

    source: str
    source_column: str | None
    target: str
    target_column: str | None
    label: str  # the constraint's name: the edge's SVG id is "fk-<label>"
    external: bool
    path: list[str] = field(default_factory=list)  # node ids from source to target, dummies included


def render_erd(catalog: Catalog, schema: str) -> str:
    """The entity-relationship picture of ``schema`` as SVG text (byte-identical for the same model)."""
    with rc_context(RC):
        figure, titles = erd_figure(catalog, schema)
        buffer = io.StringIO()
        FigureCanvasSVG(figure).print_svg(buffer, metadata=METADATA)
    return _add_titles(buffer.getvalue(), titles)


def erd_figure(catalog: Catalog, schema: str) -> tuple[Figure, dict[str, str]]:
    """The picture as a Figure (to render in any format) and the tooltip text of each table's ``gid``.

    Call it inside ``matplotlib.rc_context(RC)`` so the fonts match what :func:`render_erd` writes.
    """
    nodes, edges = _graph(catalog, schema)
    layers = _layers(nodes, edges)
    _order(layers, nodes, edges)
    xs, widths = _columns(layers, nodes, edges)
    _place(layers, nodes, edges)
    top = min((n.y for n in nodes.values()), default=0.0)
    for node in nodes.values():
        node.y += MARGIN - top
    width = (xs[-1] + widths[-1] if layers else 0.0) + MARGIN + 30.0
    height = max((n.y + n.height for n in nodes.values()), default=0.0) + MARGIN
    width, height = max(width, 240.0), max(height, 80.0)
    figure = Figure(figsize=(width / 72, height / 72), dpi=72)
    axes = figure.add_axes((0, 0, 1, 1))
    axes.set_xlim(0, width)
    axes.set_ylim(height, 0)
    axes.set_axis_off()
    colours = _edge_colours(edges)
    for edge in edges:
        _draw_edge(axes, edge, nodes, xs, widths, colours)
    titles: dict[str, str] = {}
    for node in nodes.values():
        if not node.dummy:
            gid = ("stub-" if node.stub else "table-") + node.id
            titles[gid] = node.title + (": " + node.description if node.description else "")
            _draw_box(axes, node, xs[node.layer], widths[node.layer], gid)
    if not any(not n.stub for n in nodes.values()):
        axes.text(MARGIN, MARGIN, f"schema {schema} has no tables", va="top")
    for artist in [*axes.patches, *axes.texts]:
        artist.set_clip_on(False)  # nothing leaves the canvas; saves a clip-path per element
    return figure, titles


# -- graph -----------------------------------------------------------------------------------------


def _graph(catalog: Catalog, schema: str) -> tuple[dict[str, Node], list[Edge]]:
    tables = sorted((t for t in catalog.tables.values() if t.schema.lower() == schema.lower()), key=lambda t: t.key)
    nodes: dict[str, Node] = {}
    for table in tables:
        nodes[table.key] = Node(table.key, table.full_name, _rows(table), description=" ".join((table.description or "").split()))
    edges: list[Edge] = []
    stub_columns: dict[str, list[str]] = {}
    for table in tables:
        for fk in sorted((c for c in table.constraints if c.kind == "FK"), key=lambda c: (c.name or "").lower()):
            target = key(fk.ref_table or "")
            source_column, target_column = _port_columns(table, fk)
            external = target not in nodes or catalog.tables.get(target) is None
            if external:
                stub_columns.setdefault(target, [])
                if target_column and target_column.lower() not in {c.lower() for c in stub_columns[target]}:
                    stub_columns[target].append(target_column)
            label = fk.name or f"{table.key}-{len(edges)}"  # unnamed FKs still get a unique id
            edges.append(Edge(table.key, source_column, target, target_column, label, external))
    for target in sorted(stub_columns):
        referenced = catalog.tables.get(target)
        rows = []
        for name in stub_columns[target]:
            column = referenced.column(name) if referenced else None
            rows.append(Row(column.name if column else name, (column.type or "") if column else "", False, ""))
        nodes[target] = Node(target, referenced.full_name if referenced else target, rows, stub=True)
    return nodes, edges


def _rows(table: Table) -> list[Row]:
    pk = {c.lower() for c in (table.primary_key().columns if table.primary_key() else [])}
    fk = {c.lower() for con in table.constraints if con.kind == "FK" for c in con.columns}
    rows = []
    for column in table.columns.values():
        marks = [m for m, on in (("PK", column.name.lower() in pk), ("FK", column.name.lower() in fk)) if on]
        type_text = column.type or ("computed" if column.computed else "")
        rows.append(Row(column.name, type_text, column.nullable, " ".join(marks)))
    return rows


def _port_columns(table: Table, fk: Constraint) -> tuple[str | None, str | None]:
    """The row an FK edge leaves from and the row it reaches: its first column no other FK shares
    (``pursuit_id`` of ``(org_id, pursuit_id)``), else its first column."""
    others = {c.lower() for con in table.constraints if con.kind == "FK" and con is not fk for c in con.columns}
    index = next((i for i, c in enumerate(fk.columns) if c.lower() not in others), 0)
    source = fk.columns[index] if fk.columns else None
    target = fk.ref_columns[index] if index < len(fk.ref_columns) else None
    return source, target


# -- layout ----------------------------------------------------------------------------------------


def _layers(nodes: dict[str, Node], edges: list[Edge]) -> list[list[str]]:
    """Assign layers (stubs in layer 0), insert shared dummies on long edges; the layers' node ids."""
    refs: dict[str, list[str]] = {n: [] for n in nodes}
    for edge in edges:
        if edge.source != edge.target:
            refs[edge.source].append(edge.target)
    back: set[tuple[str, str]] = set()
    state: dict[str, int] = {}

    def walk(start: str) -> None:  # iterative depth-first walk: 1 = on the current path, 2 = finished
        stack = [(start, iter(sorted(set(refs[start]))))]
        state[start] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                stack.pop()
            elif state.get(child) == 1:
                back.add((node, child))
            elif child not in state:
                state[child] = 1
                stack.append((child, iter(sorted(set(refs[child])))))

    for node_id in sorted(nodes):
        if node_id not in state:
            walk(node_id)
    has_stubs = any(n.stub for n in nodes.values())
    layer: dict[str, int] = {}

    def depth(start: str) -> None:  # children first, without deep recursion
        stack = [start]
        while stack:
            current = stack[-1]
            children = [t for t in refs[current] if (current, t) not in back]
            pending = [t for t in children if t not in layer]
            if pending:
                stack.extend(pending)
                continue
            stack.pop()
            base = 1 if has_stubs else 0
            layer[current] = 0 if nodes[current].stub else max([base, *(layer[t] + 1 for t in children)])

    for node_id in sorted(nodes):
        if node_id not in layer:
            depth(node_id)
        nodes[node_id].layer = layer[node_id]
    count = max((n.layer for n in nodes.values()), default=-1) + 1
    layers: list[list[str]] = [[] for _ in range(count)]
    for node_id in sorted(nodes):
        layers[nodes[node_id].layer].append(node_id)
    for edge in edges:
        if edge.source == edge.target:
            edge.path = [edge.source]
            continue
        a, b = nodes[edge.source].layer, nodes[edge.target].layer
        step = -1 if b < a else 1
        path = [edge.source]
        for between in range(a + step, b, step):
            dummy = f"~{edge.target}@{between}"
            if dummy not in nodes:
                nodes[dummy] = Node(dummy, dummy=True, layer=between)
                layers[between].append(dummy)
            path.append(dummy)
        edge.path = path + [edge.target]
    return layers


def _links(nodes: dict[str, Node], edges: list[Edge]) -> dict[str, list[tuple[str, float, float]]]:
    """For each node: (neighbour, own port offset, neighbour's port offset), once per edge segment."""
    links: dict[str, list[tuple[str, float, float]]] = {n: [] for n in nodes}
    for edge in edges:
        for a, b in zip(edge.path, edge.path[1:]):
            pa = nodes[a].port(edge.source_column if a == edge.source else None)
            pb = nodes[b].port(edge.target_column if b == edge.target else None)
            links[a].append((b, pa, pb))
            links[b].append((a, pb, pa))
    return links


def _stack(layer: list[str], nodes: dict[str, Node]) -> None:
    """Place a layer's nodes top to bottom in order, centred on 0."""
    y = 0.0
    for i, node_id in enumerate(layer):
        if i:
            y += _gap(nodes[layer[i - 1]], nodes[node_id])
        nodes[node_id].y = y
        y += nodes[node_id].height
    for node_id in layer:
        nodes[node_id].y -= y / 2


def _gap(upper: Node, lower: Node) -> float:
    return DUMMY_GAP if upper.dummy or lower.dummy else BOX_GAP


def _order(layers: list[list[str]], nodes: dict[str, Node], edges: list[Edge]) -> None:
    """Barycentre sweeps; keeps the ordering with the fewest crossings."""
    links = _links(nodes, edges)
    for layer in layers:
        _stack(layer, nodes)
    best = ([list(layer) for layer in layers], _crossings(layers, nodes, links))
    for sweep in range(SWEEPS):
        indices = range(1, len(layers)) if sweep % 2 == 0 else range(len(layers) - 2, -1, -1)
        for i in indices:
            side = i - 1 if sweep % 2 == 0 else i + 1
            layers[i].sort(key=lambda n: _barycentre(n, side, nodes, links))
            _stack(layers[i], nodes)
        crossings = _crossings(layers, nodes, links)
        if crossings < best[1]:
            best = ([list(layer) for layer in layers], crossings)
    for i, layer in enumerate(best[0]):
        layers[i][:] = layer
        _stack(layers[i], nodes)


def _barycentre(node_id: str, side: int, nodes: dict[str, Node], links) -> float:
    node = nodes[node_id]
    ys = [nodes[other].y + other_port for other, _, other_port in links[node_id] if nodes[other].layer == side]
    return sum(ys) / len(ys) if ys else node.y + node.height / 2


def _crossings(layers: list[list[str]], nodes: dict[str, Node], links) -> int:
    """Crossings of the segments between adjacent layers, counted on port positions."""
    total = 0
    for i in range(len(layers) - 1):
        segments = sorted(
            (nodes[a].y + pa, nodes[b].y + pb)
            for a in layers[i]
            for b, pa, pb in links[a]
            if nodes[b].layer == i + 1
        )
        for j, (_, right) in enumerate(segments):
            total += sum(1 for _, other in segments[j + 1:] if other < right)
    return total


def _columns(layers: list[list[str]], nodes: dict[str, Node], edges: list[Edge]) -> tuple[list[float], list[float]]:
    """Left x and width of each layer; the gap after a layer grows with the edges crossing it."""
    widths = [max([nodes[n].width() for n in layer] + [0.0]) for layer in layers]
    crossing = [0] * len(layers)
    for edge in edges:
        for a, b in zip(edge.path, edge.path[1:]):
            crossing[min(nodes[a].layer, nodes[b].layer)] += 1
    xs = []
    x = MARGIN
    for i, width in enumerate(widths):
        xs.append(x)
        x += width + min(160.0, max(70.0, 30.0 + 2.5 * crossing[i]))
    return xs, widths


def _place(layers: list[list[str]], nodes: dict[str, Node], edges: list[Edge]) -> None:
    """Pull every node towards its neighbours' ports, keeping each layer's order and spacing."""
    links = _links(nodes, edges)
    order = list(range(len(layers)))
    for sweep in range(SWEEPS):
        for i in order if sweep % 2 == 0 else reversed(order):
            layer = layers[i]
            if not layer:
                continue
            wanted = []
            for node_id in layer:
                node = nodes[node_id]
                ys = [nodes[o].y + op - own for o, own, op in links[node_id]]
                wanted.append((sum(ys) / len(ys), float(len(ys))) if ys else (node.y, 0.25))
            offsets = [0.0]
            for a, b in zip(layer, layer[1:]):
                offsets.append(offsets[-1] + nodes[a].height + _gap(nodes[a], nodes[b]))
            fitted = _isotonic([w - o for (w, _), o in zip(wanted, offsets)], [weight for _, weight in wanted])
            for node_id, z, offset in zip(layer, fitted, offsets):
                nodes[node_id].y = z + offset


def _isotonic(values: list[float], weights: list[float]) -> list[float]:
    """Non-decreasing least-squares fit (pool adjacent violators)."""
    blocks: list[list[float]] = []  # [mean, weight, count]
    for value, weight in zip(values, weights):
        blocks.append([value, weight, 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            m2, w2, n2 = blocks.pop()
            m1, w1, n1 = blocks.pop()
            blocks.append([(m1 * w1 + m2 * w2) / (w1 + w2), w1 + w2, n1 + n2])
    fitted: list[float] = []
    for mean, _, count in blocks:
        fitted += [mean] * int(count)
    return fitted


# -- drawing ---------------------------------------------------------------------------------------


def _edge_colours(edges: list[Edge]) -> dict[str, str]:
    targets = sorted({e.target for e in edges if not e.external})
    return {t: EDGE_COLOURS[i % len(EDGE_COLOURS)] for i, t in enumerate(targets)}


def _draw_box(axes, node: Node, x: float, width: float, gid: str) -> None:
    colour = STUB_COLOUR if node.stub else HEADER_COLOUR
    axes.add_patch(Rectangle((x, node.y), width, node.height, facecolor="#f2f2f2" if node.stub else "white", edgecolor=colour, linewidth=0.8, zorder=3))
    header = Rectangle((x, node.y), width, HEADER, facecolor=colour, edgecolor=colour, linewidth=0.8, zorder=3)
    header.set_gid(gid)
    axes.add_patch(header)
    axes.text(x + PAD, node.y + HEADER / 2, node.title, color="white", fontweight="bold", va="center_baseline", zorder=4)
    if not node.rows:
        return
    name_w = max(len(r.name) for r in node.rows)
    type_w = max(len(r.type) for r in node.rows)
    for i, row in enumerate(node.rows):
        y = node.y + HEADER + ROW * i + ROW / 2
        if row.marker:
            axes.text(x + PAD, y, row.marker, color="#b8860b" if row.marker.startswith("PK") else "#1f77b4", fontweight="bold", va="center_baseline", zorder=4)
        body = f"{row.name:<{name_w}}  {row.type:<{type_w}}" + ("  null" if row.nullable else "")
        axes.text(x + PAD + 6 * CHAR_WIDTH, y, body.rstrip(), color="#555555" if node.stub else "#111111", va="center_baseline", zorder=4)


def _draw_edge(axes, edge: Edge, nodes: dict[str, Node], xs: list[float], widths: list[float], colours: dict[str, str]) -> None:
    colour = STUB_EDGE if edge.external else colours[edge.target]
    width = 0.7 if edge.external else 1.1
    source, target = nodes[edge.source], nodes[edge.target]
    y0 = source.y + source.port(edge.source_column)
    y1 = target.y + target.port(edge.target_column)
    if edge.source == edge.target:  # self-reference: a loop on the right side
        right = xs[source.layer] + widths[source.layer]
        bulge = right + 26.0
        path = MplPath([(right, y0), (bulge, y0), (bulge, y1), (right + 7, y1)], [MplPath.MOVETO, MplPath.CURVE4, MplPath.CURVE4, MplPath.CURVE4])
        axes.add_patch(PathPatch(path, facecolor="none", edgecolor=colour, linewidth=width, zorder=2, gid="fk-" + edge.label))
        _arrow(axes, right + 7, y1, -1, colour)
        axes.add_patch(Circle((right, y0), 1.8, color=colour, zorder=2))
        return
    leftwards = target.layer < source.layer  # the usual case; rightwards only for an FK that closes a cycle
    side = -1 if leftwards else 1  # the side of a node, seen from the edge's source, that it is entered on
    points = []
    for node_id in edge.path:
        node = nodes[node_id]
        near, far = (xs[node.layer] + widths[node.layer], xs[node.layer]) if leftwards else (xs[node.layer], xs[node.layer] + widths[node.layer])
        if node_id == edge.source:
            points.append((far, y0))
        elif node_id == edge.target:
            points.append((near - side * 7, y1))  # stop at the arrowhead's base
        else:
            points += [(near, node.y), (far, node.y)]
    vertices = [points[0]]
    codes = [MplPath.MOVETO]
    for index, ((ax, ay), (bx, by)) in enumerate(zip(points, points[1:])):
        if index % 2:  # through a dummy slot: straight across the layer
            vertices.append((bx, by))
            codes.append(MplPath.LINETO)
        else:  # across a gap between layers: a curve with horizontal ends
            mid = (ax + bx) / 2
            vertices += [(mid, ay), (mid, by), (bx, by)]
            codes += [MplPath.CURVE4] * 3
    axes.add_patch(PathPatch(MplPath(vertices, codes), facecolor="none", edgecolor=colour, linewidth=width, zorder=2, gid="fk-" + edge.label))
    _arrow(axes, points[-1][0], y1, side, colour)
    axes.add_patch(Circle(points[0], 1.8, color=colour, zorder=2))


def _arrow(axes, x: float, y: float, direction: int, colour: str) -> None:
    """An arrowhead whose tip is at ``x + direction * 7``, pointing along ``direction``."""
    tip = x + direction * 7
    axes.add_patch(Polygon([(tip, y), (x, y - 3.2), (x, y + 3.2)], closed=True, facecolor=colour, edgecolor=colour, linewidth=0.5, zorder=2))


def _add_titles(svg: str, titles: dict[str, str]) -> str:
    """Insert a ``<title>`` (browser tooltip) into each table header's group."""

    def title(match: re.Match) -> str:
        text = titles.get(match.group(1))
        return match.group(0) + (f"\n   <title>{escape(text)}</title>" if text else "")

    return re.sub(r'<g id="([^"]+)">', title, svg)
