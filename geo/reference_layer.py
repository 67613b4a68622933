"""The territory on every grid map: township and village boundaries with their names, so
that a map without tiles still tells where it is. Pure: frames in (``core.territory`` reads
them), folium out.

The layer is one ``FeatureGroup``, the one entry of the layer control ("乡镇/村社区"):

- lines: townships thin and dark grey (each shared edge once, :func:`town_lines`), villages
  very light and dotted, in a pane of their own above the grids' fill and below the labels
  (``gm-reference``, z-index 450) that lets every click and hover through, so the lines
  show on coloured grids and never take a grid's click or tooltip;
- names, as labels that let clicks and hovers through (:mod:`geo.map_labels`): a
  township's always, a village's from zoom 12 and only once it fits its area, and not at
  all where a grid's label already says it (:func:`said_by_grids`);
- a village's hover area (the same data, invisible), moved under every other path whenever
  the layer is added: its tooltip (name · township · "示意范围" when the area is
  illustrative) shows where no grid covers the village;
- while any shown village area is illustrative, the map's attribution says so.

Geometry is simplified once (:func:`simplify_reference`, kept by the caller's cache): a
valid coverage with ``shapely.coverage_simplify`` (neighbours keep their shared edges), any
other with ``simplify(preserve_topology=True)``; then rounded to 5 decimals (~1 m), and
written as compact JSON. Each map draws only the townships and villages near what it shows
(:func:`near`).

Every name from the database is HTML-escaped with ``core.escape.js_template_html`` (names
come from a bank's own files) and written by ``geo.map_labels.script_json``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import folium
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement
from folium.template import Template
from shapely.geometry import mapping

from core.escape import js_template_html as html_text
from geo.county import polygonal
from geo.crs import geometry_from_wgs84
from geo.map_labels import Labels, fit_zoom, label, script_json

VILLAGE_MIN_ZOOM = 12  # village names never show below this zoom level
TOWN_FONT_PX, VILLAGE_FONT_PX = 12, 10
TOWN_STYLE = {
    "color": "#404040",
    "weight": 1.2,
    "opacity": 0.7,
    "fill": False,
    "className": "ref-town",
}
VILLAGE_STYLE = {
    "color": "#525252",
    "weight": 1,
    "opacity": 0.55,
    "dashArray": "1 3",
    "fill": False,
    "className": "ref-village",
}
# a village's hover area, under the grids: invisible, but it catches the pointer
AREA_STYLE = {"stroke": False, "fill": True, "fillOpacity": 0, "className": "ref-village-area"}
REFERENCE_CSS = (
    ".town-label{font:600 12px sans-serif;color:#525252}"
    ".gm-label.town-label>span{transform:translate(-50%,25%)}"  # under a branch's name at its point
    ".village-label{font:10px sans-serif;color:#737373}"
)


@dataclass(frozen=True)
class Reference:
    """The territory as the maps draw it.

    ``townships``: name, polygon (simplified), lon, lat (its label point) and the polygon's
    bounds (minx, miny, maxx, maxy). ``villages``: name (the short name), town_name,
    illustrative, polygon (simplified, or None), lon, lat and bounds. The texts are the
    caller's language: the layer's name in the layer control, the word added to an
    illustrative village's tooltip, and the attribution said while such areas are shown.
    """

    townships: pd.DataFrame
    villages: pd.DataFrame
    layer_name: str = ""
    illustrative_text: str = ""
    note: str = ""

    def with_texts(self, layer_name: str, illustrative_text: str, note: str) -> Reference:
        """The same territory with the texts of a language."""
        return replace(self, layer_name=layer_name, illustrative_text=illustrative_text, note=note)


class Shapes(MacroElement):
    """GeoJSON features of the territory, written once, compactly
    (:func:`geo.map_labels.script_json`), drawn twice: as lines in the pane ``gm-reference``
    (above the grids' fill, below labels; the pane lets every click and hover through), and,
    with ``hover``, as invisible areas under everything else that show each feature's
    ``tip`` (HTML, escaped by the caller) where no grid covers them."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }}_shapes = {{ this.data }};
        (function (map, group, data) {
            if (!map.getPane("gm-reference")) {
                var pane = map.createPane("gm-reference");
                pane.style.zIndex = 450;
                pane.style.pointerEvents = "none";
            }
            L.geoJSON(data, {pane: "gm-reference", interactive: false,
                             style: function () { return {{ this.style }}; }}).addTo(group);
            {%- if this.hover %}
            L.geoJSON(data, {
                style: function () { return {{ this.area_style }}; },
                onEachFeature: function (f, layer) { layer.bindTooltip(f.properties.tip, {sticky: true}); }
            }).addTo(group);
            {%- endif %}
        })({{ this.map_name }}, {{ this._parent.get_name() }}, {{ this.get_name() }}_shapes);
        {% endmacro %}
        """
    )

    def __init__(self, map_name: str, features: list[dict], style: dict, hover: bool = False):
        super().__init__()
        self._name = "Shapes"
        self.map_name = map_name
        self.data = script_json({"type": "FeatureCollection", "features": features})
        self.style = script_json(style)
        self.area_style = script_json(AREA_STYLE)
        self.hover = hover


class Hooks(MacroElement):
    """Whenever the parent layer is added (now, and each time the layer control turns it
    on): its hover areas go under every other path (Leaflet would append them on top of
    the grids) and the map's attribution says ``note``; it is taken back when the layer is
    turned off."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map, group, note) {
            group.on("add", function () {
                group.eachLayer(function (l) { if (l.bringToBack) l.bringToBack(); });
                if (note && map.attributionControl) map.attributionControl.addAttribution(note);
            });
            group.on("remove", function () {
                if (note && map.attributionControl) map.attributionControl.removeAttribution(note);
            });
        })({{ this.map_name }}, {{ this._parent.get_name() }}, {{ this.note }});
        {% endmacro %}
        """
    )

    def __init__(self, map_name: str, note: str):
        super().__init__()
        self._name = "Hooks"
        self.map_name = map_name
        self.note = script_json(note)


def _rounded(geoms: list, digits: int) -> list:
    return list(shapely.transform(np.array(geoms, dtype=object), lambda c: np.round(c, digits)))


def simplify_polygons(
    polygons: list[shapely.Geometry], tolerance: float = 1e-4, digits: int = 5
) -> list[shapely.Geometry]:
    """Polygons simplified for drawing and rounded to ``digits`` decimals: together when
    they form a valid coverage (shared edges stay shared), else each keeping its topology.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> a, b = simplify_polygons([box(0, 0, 1, 1), box(1, 0, 2, 1)])
    >>> a.intersection(b).area
    0.0
    """
    if not polygons:
        return []
    # a clipped area can come back as a collection holding a stray line: keep its polygons
    arr = np.array(
        [shapely.Polygon() if p is None or p.is_empty else polygonal(p) for p in polygons],
        dtype=object,
    )
    if bool(shapely.coverage_is_valid(arr)):
        out = shapely.coverage_simplify(arr, tolerance)
    else:
        out = shapely.simplify(arr, tolerance, preserve_topology=True)
    out = shapely.make_valid(shapely.set_precision(out, 10**-digits))
    return _rounded(list(out), digits)


def _with_bounds(frame: pd.DataFrame) -> pd.DataFrame:
    bounds = np.array(
        [
            p.bounds if p is not None else (x, y, x, y)
            for p, x, y in zip(frame["polygon"], frame["lon"], frame["lat"], strict=False)
        ],
        dtype=float,
    ).reshape(-1, 4)
    return frame.assign(minx=bounds[:, 0], miny=bounds[:, 1], maxx=bounds[:, 2], maxy=bounds[:, 3])


def simplify_reference(
    townships: pd.DataFrame, villages: pd.DataFrame, tolerance: float = 1e-4, digits: int = 5
) -> Reference:
    """The territory ready to draw, from ``core.territory.townships`` and ``villages``.

    Townships without an area are left out (nowhere to put their name); a village without
    one keeps its name at its point.
    """
    towns = townships[townships["polygon"].notna()].reset_index(drop=True)
    town_polys = simplify_polygons(list(towns["polygon"]), tolerance, digits)
    points = [p.representative_point() for p in town_polys]
    towns = pd.DataFrame(
        {
            "name": towns["name"].astype(str),
            "polygon": pd.Series(town_polys, dtype=object),
            "lon": [p.x for p in points],
            "lat": [p.y for p in points],
        }
    )
    has = villages["polygon"].notna().to_numpy()
    simplified = iter(simplify_polygons(list(villages["polygon"][has]), tolerance, digits))
    short = villages["short_name"].fillna("").astype(str)
    vills = pd.DataFrame(
        {
            "name": short.where(short.str.strip() != "", villages["name"].astype(str)),
            "town_name": villages["town_name"].fillna("").astype(str),
            "illustrative": villages["illustrative"].fillna(False).astype(bool),
            "polygon": pd.Series([next(simplified) if h else None for h in has], dtype=object),
            "lon": villages["lon"].astype(float).round(digits),
            "lat": villages["lat"].astype(float).round(digits),
        }
    )
    return Reference(_with_bounds(towns), _with_bounds(vills))


def near(
    ref: Reference, bounds: tuple[float, float, float, float], margin: float = 0.25
) -> Reference:
    """The townships and villages within ``bounds`` (minx, miny, maxx, maxy) widened by
    ``margin`` of their size (at least 0.02 degrees) on every side."""
    minx, miny, maxx, maxy = bounds
    pad = max(margin * max(maxx - minx, maxy - miny), 0.02)

    def inside(frame: pd.DataFrame) -> pd.DataFrame:
        keep = (
            (frame["maxx"] >= minx - pad)
            & (frame["minx"] <= maxx + pad)
            & (frame["maxy"] >= miny - pad)
            & (frame["miny"] <= maxy + pad)
        )
        return frame[keep]

    return replace(ref, townships=inside(ref.townships), villages=inside(ref.villages))


def _shown(geom: shapely.Geometry, crs: str) -> dict:
    if crs != "WGS84":
        geom = _rounded([geometry_from_wgs84(geom, crs)], 5)[0]
    return mapping(geom)


def _point(lon: float, lat: float, crs: str) -> tuple[float, float]:
    if crs == "WGS84":
        return lat, lon
    p = geometry_from_wgs84(shapely.Point(lon, lat), crs)
    return p.y, p.x


def village_tip(name: str, town: str, illustrative: bool, word: str) -> str:
    """A village's tooltip (HTML, escaped): name · township, and the word for 示意 when its
    area is illustrative.

    Examples
    --------
    >>> village_tip("新舟村", "金盆街道", True, "示意范围")
    '新舟村 · 金盆街道 · 示意范围'
    >>> village_tip("<b>", "", False, "示意范围")
    '&lt;b&gt;'
    """
    parts = [name, town] + ([word] if illustrative else [])
    return " · ".join(html_text(p) for p in parts if p)


def town_lines(polygons: list[shapely.Geometry]) -> shapely.Geometry:
    """The townships' boundaries as lines, each shared edge once (half the coordinates of
    the polygons, and no edge drawn twice).

    Examples
    --------
    >>> from shapely.geometry import box
    >>> town_lines([box(0, 0, 1, 1), box(1, 0, 2, 1)]).length
    7.0
    """
    if not polygons:
        return shapely.MultiLineString()
    return shapely.line_merge(shapely.union_all(shapely.boundary(np.array(polygons, dtype=object))))


def said_by_grids(villages: pd.DataFrame, min_zooms: list[int], grids: pd.DataFrame) -> np.ndarray:
    """Which village names a grid label already says: the village's point lies in a grid
    whose name holds the village's name and shows no later than the village's label would
    (``grids``: name, polygon, min_zoom). Those villages get no label of their own.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> villages = pd.DataFrame({"name": ["新舟村", "金盆村"], "lon": [0.5, 0.5], "lat": [0.5, 0.5]})
    >>> grids = pd.DataFrame({"name": ["新舟村网格"], "polygon": [box(0, 0, 1, 1)], "min_zoom": [11]})
    >>> said_by_grids(villages, [12, 12], grids).tolist()
    [True, False]
    """
    said = np.zeros(len(villages), dtype=bool)
    if not len(villages) or grids is None or not len(grids):
        return said
    tree = shapely.STRtree(list(grids["polygon"]))
    points = shapely.points(villages["lon"].to_numpy(float), villages["lat"].to_numpy(float))
    village_idx, grid_idx = tree.query(points, predicate="within")
    names, grid_names = list(villages["name"]), list(grids["name"].astype(str))
    grid_zooms = list(grids["min_zoom"])
    for v, g in zip(village_idx, grid_idx, strict=False):
        if names[v] and names[v] in grid_names[g] and grid_zooms[g] <= min_zooms[v]:
            said[v] = True
    return said


def add_reference_layer(
    m: folium.Map, ref: Reference, crs: str = "WGS84", labelled: pd.DataFrame | None = None
) -> list[list]:
    """Add the territory's layer to ``m`` (before the grids: it draws under them) and return
    its labels (the caller sets up the zoom classes for every label of the map).

    ``labelled``: the labelled grids (name, polygon, min_zoom) of the map; a village whose
    name one of them already says gets no label (:func:`said_by_grids`).
    """
    note = ref.note if ref.villages["illustrative"].any() else ""
    group = folium.FeatureGroup(name=html_text(ref.layer_name), control=True, show=True)
    group.add_to(m)
    vills = ref.villages[ref.villages["polygon"].notna()]
    if len(vills):
        features = [
            {
                "type": "Feature",
                # set as the tooltip's innerHTML: escaped
                "properties": {
                    "tip": village_tip(v.name, v.town_name, v.illustrative, ref.illustrative_text)
                },
                "geometry": _shown(v.polygon, crs),
            }
            for v in vills.itertuples()
        ]
        Shapes(m.get_name(), features, VILLAGE_STYLE, hover=True).add_to(group)
    towns = ref.townships
    if len(towns):
        lines = town_lines(list(towns["polygon"]))
        geometry = {"type": "Feature", "properties": {}, "geometry": _shown(lines, crs)}
        Shapes(m.get_name(), [geometry], TOWN_STYLE).add_to(group)
    zooms = [
        fit_zoom(v.polygon, v.name, VILLAGE_FONT_PX, VILLAGE_MIN_ZOOM)
        for v in ref.villages.itertuples()
    ]
    said = said_by_grids(ref.villages, zooms, labelled)
    labels = [
        label(*_point(t.lon, t.lat, crs), html_text(t.name), "town-label")
        for t in towns.itertuples()
    ] + [
        label(*_point(v.lon, v.lat, crs), html_text(v.name), "village-label", zoom)
        for v, zoom, skip in zip(ref.villages.itertuples(), zooms, said, strict=False)
        if not skip
    ]
    if labels:
        Labels(labels).add_to(group)
    group.add_child(Hooks(m.get_name(), html_text(note)))
    m.get_root().header.add_child(folium.Element(f"<style>{REFERENCE_CSS}</style>"))
    return labels
