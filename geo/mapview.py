"""The grid map: both grid levels as labelled, coloured polygons, outlets, and customers
aggregated so the page stays small at a million customers. Pure: data in, folium map out.

Polygons are simplified once per grid version with ``shapely.coverage_simplify`` (neighbours
keep sharing their edges; no slivers) and written with 5 decimals (~1 m). Each level's paths
carry a CSS class (``grid-l1``/``grid-l2``), so tests can count what the browser drew.
Grid names are labels that show from the zoom level where they fit their grid
(``geo.map_labels``); every map can draw the territory under its grids
(``geo.reference_layer``, the ``reference`` argument).

Every data string (grid, outlet and customer names, metric labels) is escaped with
``core.escape.js_template_html`` wherever folium puts it: HTML inside a JavaScript template
literal in ``Tooltip``s; HTML (set as ``innerHTML``) in GeoJSON properties and labels,
where ``${`` and backticks are inert but are encoded all the same, so no raw ``${`` or
backtick from data appears anywhere in a map.
"""

from __future__ import annotations

import json

import folium
import numpy as np
import pandas as pd
import shapely
from folium.plugins import FastMarkerCluster, HeatMap
from shapely.geometry import mapping, shape

from core.assets.offline import offline_map
from core.escape import js_template_html as html_text
from geo.crs import geometry_from_wgs84
from geo.map_labels import Labels, add_zoom_labels, fit_zoom, label
from geo.reference_layer import Reference, add_reference_layer, near

PALETTE = ("#edf8e9", "#bae4b3", "#74c476", "#31a354", "#006d2c")  # light to dark green
NO_DATA = "#d9d9d9"
TILES = {
    "osm": ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "© OpenStreetMap", "WGS84"),
    "tianditu": (
        "https://t0.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile"
        "&VERSION=1.0.0&LAYER=vec&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
        "&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk={key}",
        "© 天地图",
        "WGS84",
    ),
    "amap": (
        "https://webrd01.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8"
        "&x={x}&y={y}&z={z}",
        "© 高德地图",
        "GCJ02",
    ),
}
POINTS_LIMIT = 30_000  # above this many customers, the map shows a heat map of bins
GRID_FONT_PX = {1: 12, 2: 11}
GRID2_MIN_ZOOM = 11  # a level-2 grid's name never shows below this zoom (nor before it fits)


def tooltip(text) -> folium.Tooltip:
    """A hover text for a marker: folium writes it into a JavaScript template literal, so it
    is escaped for that (``${...}`` and backticks included), and shown as text."""
    return folium.Tooltip(html_text(text))


def simplify_grids(geometries: list[str], tolerance: float = 2e-4) -> list[shapely.Geometry]:
    """Parse GeoJSON texts and simplify them together, keeping shared edges shared."""
    shapes = [shape(json.loads(g)) for g in geometries]
    if not shapes:
        return []
    simplified = shapely.coverage_simplify(np.array(shapes, dtype=object), tolerance)
    return list(shapely.set_precision(simplified, 1e-5))


def tile_layer(setting: str, key: str = "") -> tuple[str | None, str, str]:
    """(URL template or None, attribution, CRS the tiles are drawn in) for GM_MAP_TILES."""
    if setting == "none":
        return None, "", "WGS84"
    if setting in TILES:
        url, attribution, crs = TILES[setting]
        return url.replace("{key}", key), attribution, crs
    return setting, "intranet", "WGS84"


def classify(values: pd.Series) -> tuple[list[str], list[float]]:
    """A colour per value from five quantile classes, and the class edges (for the legend)."""
    v = pd.to_numeric(values, errors="coerce")
    if v.notna().sum() == 0:
        return [NO_DATA] * len(v), []
    edges = list(np.unique(np.nanquantile(v, [0, 0.2, 0.4, 0.6, 0.8, 1.0])))
    if len(edges) == 1:
        return [PALETTE[2] if x == x else NO_DATA for x in v], edges
    idx = np.clip(np.searchsorted(edges, v, side="right") - 1, 0, len(edges) - 2)
    scale = np.linspace(0, len(PALETTE) - 1, len(edges) - 1).round().astype(int)
    return [PALETTE[scale[i]] if x == x else NO_DATA for i, x in zip(idx, v, strict=False)], edges


def _features(
    grids: pd.DataFrame, shapes: list, level: int, colors: list[str], label: str, crs: str
) -> dict:
    feats = []
    for (_, g), geom, color in zip(grids.iterrows(), shapes, colors, strict=False):
        if crs != "WGS84":
            geom = geometry_from_wgs84(geom, crs)
        feats.append(
            {
                "type": "Feature",
                "geometry": mapping(geom),
                # GeoJsonTooltip puts these into innerHTML: HTML-escaped
                "properties": {
                    "id": int(g["id"]),
                    "name": html_text(g["name"]),
                    "level": level,
                    "color": color,
                    "value": html_text(g.get("label", "")),
                },
            }
        )
    return {"type": "FeatureCollection", "features": feats}


def build_grid_map(
    level1: pd.DataFrame,
    level2: pd.DataFrame,
    outlets: pd.DataFrame,
    customers: pd.DataFrame,
    *,
    colors1: list[str],
    colors2: list[str],
    tiles: str = "none",
    tiles_key: str = "",
    selected: int | None = None,
    label_level2: bool = True,
    reference: Reference | None = None,
) -> folium.Map:
    """The map of one scope.

    Parameters
    ----------
    level1, level2 : DataFrame
        Grids with id, name, ``polygon`` (simplified shapely geometry, WGS-84) and ``label``
        (the metric value as text, shown on hover).
    outlets : DataFrame
        name, lon, lat of the branches' outlets.
    customers : DataFrame
        Either lon, lat per customer (few: clustered markers that split into single
        customers as one zooms in) or lon, lat, count per bin (many: a heat map).
    colors1, colors2 : list of str
        Fill colour per grid (from ``classify``).
    tiles : str
        The GM_MAP_TILES setting; ``none`` draws no basemap and loads nothing from outside.
    selected : int, optional
        Id of the grid to outline (its card is open).
    label_level2 : bool
        Name the level-2 grids too. Every name shows from the zoom level where it fits its
        grid (``grid_labels``), and on hover always.
    reference : Reference, optional
        The territory (``geo.reference_layer``) drawn under the grids, near them.
    """
    url, attribution, tile_crs = tile_layer(tiles, tiles_key)
    # maxZoom: without a tile layer Leaflet has none, and marker clusters refuse to start
    m = folium.Map(tiles=None, control_scale=True, zoom_control=True, maxZoom=18)
    if url:
        folium.TileLayer(url, attr=attribution, name="basemap", max_zoom=18, control=False).add_to(
            m
        )
    shapes = list(level1["polygon"]) + list(level2["polygon"])
    labelled = None
    if label_level2 and len(level2):
        labelled = level2[["name", "polygon"]].assign(name=level2["name"].astype(str))
        labelled["min_zoom"] = [grid_min_zoom(n, p, 2) for n, p in labelled.itertuples(index=False)]
    territory = _add_reference(m, reference, shapes, tile_crs, labelled)
    names: list[list] = []

    def style(level: int):
        def fn(feature):
            p = feature["properties"]
            chosen = p["id"] == selected
            return {
                "fillColor": p["color"],
                "fillOpacity": 0.55 if level == 2 else 0.25,
                "color": "#d62728" if chosen else ("#08519c" if level == 1 else "#41ab5d"),
                "weight": 4 if chosen else (2.5 if level == 1 else 1),
                "className": f"grid-l{level}",
            }

        return fn

    for level, grids, colors in ((1, level1, colors1), (2, level2, colors2)):
        if grids.empty:
            continue
        layer = folium.GeoJson(
            _features(grids, list(grids["polygon"]), level, colors, "", tile_crs),
            name=f"level{level}",
            control=False,
            style_function=style(level),
            highlight_function=None,
            tooltip=folium.GeoJsonTooltip(["name", "value"], aliases=["", ""], labels=False),
        )
        layer.add_to(m)
        if level == 1 or label_level2:
            names += grid_labels(grids, level, tile_crs)
    for _, o in outlets.iterrows():
        lon, lat = o["lon"], o["lat"]
        if tile_crs != "WGS84":
            p = geometry_from_wgs84(shapely.Point(lon, lat), tile_crs)
            lon, lat = p.x, p.y
        folium.Marker(
            [lat, lon],
            tooltip=tooltip(o["name"]),
            icon=folium.DivIcon(
                html='<div class="outlet-marker" title="网点">行</div>',
                icon_size=(18, 18),
                icon_anchor=(9, 9),
            ),
        ).add_to(m)
    if not customers.empty:
        if "count" in customers:
            HeatMap(
                customers[["lat", "lon", "count"]].to_numpy().tolist(),
                name="customers",
                radius=9,
                blur=8,
                min_opacity=0.05,
                max_zoom=13,
                gradient={0.3: "#fee391", 0.6: "#fe9929", 1.0: "#cc4c02"},
                control=False,
            ).add_to(m)
        else:
            FastMarkerCluster(
                customers[["lat", "lon"]].round(5).to_numpy().tolist(),
                name="customers",
                control=False,
            ).add_to(m)
    if names:
        Labels(names).add_to(m)
    _finish(m, names, territory)
    m.get_root().header.add_child(
        folium.Element(
            "<style>.grid-label{font:12px sans-serif;color:#08306b}.grid-label-l2{font-size:11px;"
            "color:#00441b}.outlet-marker{font:bold 11px/18px sans-serif;color:#fff;"
            "background:#08519c;border:1px solid #fff;border-radius:50%;text-align:center}"
            ".leaflet-heatmap-layer{pointer-events:none}</style>"
        )
    )
    return offline_map(m)


def grid_labels(grids: pd.DataFrame, level: int, crs: str = "WGS84") -> list[list]:
    """The grids' names as labels (``geo.map_labels.label``) at their representative
    points, each from the zoom level where it fits its grid: a branch's (level 1) at the
    county's zoom unless its grid is small (the county town's), a level-2 grid's never
    below ``GRID2_MIN_ZOOM``."""
    out = []
    for name, polygon in zip(grids["name"], grids["polygon"], strict=False):
        p = polygon.representative_point()
        if crs != "WGS84":
            p = geometry_from_wgs84(p, crs)
        text = "" if name is None else str(name)
        min_zoom = grid_min_zoom(text, polygon, level)
        out.append(label(p.y, p.x, html_text(text), f"grid-label grid-label-l{level}", min_zoom))
    return out


def grid_min_zoom(name: str, polygon: shapely.Geometry, level: int) -> int:
    """The zoom level from which a grid's name shows: where it fits the grid, and for a
    level-2 grid not below ``GRID2_MIN_ZOOM``."""
    floor = 0 if level == 1 else GRID2_MIN_ZOOM
    return fit_zoom(polygon, name, GRID_FONT_PX[level], floor)


def _add_reference(
    m: folium.Map,
    reference: Reference | None,
    shapes: list,
    crs: str,
    labelled: pd.DataFrame | None = None,
) -> list[list] | None:
    """Fit the map to ``shapes`` (else to the territory) and draw the territory near them
    (before anything else: it lies under the grids); its labels are returned (None when
    there is no territory to draw)."""
    if shapes:
        minx, miny, maxx, maxy = shapely.total_bounds(shapes)
        m.fit_bounds([[miny, minx], [maxy, maxx]])
        if reference is not None:
            reference = near(reference, (minx, miny, maxx, maxy))
    elif reference is not None and len(reference.townships) + len(reference.villages):
        frames = [reference.townships, reference.villages]
        minx = min(f["minx"].min() for f in frames if len(f))
        miny = min(f["miny"].min() for f in frames if len(f))
        maxx = max(f["maxx"].max() for f in frames if len(f))
        maxy = max(f["maxy"].max() for f in frames if len(f))
        m.fit_bounds([[miny, minx], [maxy, maxx]])
    if reference is None or not len(reference.townships) + len(reference.villages):
        return None
    return add_reference_layer(m, reference, crs, labelled)


def _finish(m: folium.Map, labels: list[list], territory: list[list] | None) -> None:
    """The zoom classes and CSS every label of the map needs (``territory``: the labels of
    the territory's layer, None without one), and the layer control when the territory is
    drawn (its only entry)."""
    add_zoom_labels(m, labels + (territory or []))
    if territory is not None:
        folium.LayerControl(collapsed=True).add_to(m)


def grid_frame(grids) -> pd.DataFrame:
    """Grids (objects with ``name`` and ``geometry``) as the frame the map builders take."""
    return pd.DataFrame(
        {
            "id": range(1, len(grids) + 1),
            "name": [g.name for g in grids],
            "polygon": [g.geometry for g in grids],
            "label": "",
        }
    )


def build_draw_map(
    grids: pd.DataFrame,
    context: pd.DataFrame | None = None,
    tiles: str = "none",
    tiles_key: str = "",
    reference: Reference | None = None,
) -> folium.Map:
    """A map to draw on: the grids being changed (their names on hover), an optional context
    layer (the parent grid), the territory under them (``reference``), and Leaflet.Draw's
    polygon and rectangle tools."""
    from folium.plugins import Draw

    url, attribution, tile_crs = tile_layer(tiles, tiles_key)
    m = folium.Map(tiles=None, control_scale=True, maxZoom=18)
    if url:
        folium.TileLayer(url, attr=attribution, max_zoom=18, control=False).add_to(m)
    layers = [
        (name, frame, color, opacity)
        for name, frame, color, opacity in (
            ("context", context, "#08519c", 0.05),
            ("grids", grids, "#41ab5d", 0.3),
        )
        if frame is not None and not frame.empty
    ]
    shapes = [p for _, frame, _, _ in layers for p in frame["polygon"]]
    territory = _add_reference(m, reference, shapes, tile_crs)
    for name, frame, color, opacity in layers:
        feats = _features(frame, list(frame["polygon"]), 2, [color] * len(frame), "", tile_crs)
        folium.GeoJson(
            feats,
            name=name,
            control=False,
            style_function=lambda f, c=color, o=opacity, n=name: {
                "color": c,
                "weight": 1.5,
                "fillColor": c,
                "fillOpacity": o,
                "className": f"draw-{n}",
            },
            tooltip=folium.GeoJsonTooltip(["name"], labels=False),
        ).add_to(m)
    Draw(
        export=False,
        draw_options={
            "polyline": False,
            "circle": False,
            "marker": False,
            "circlemarker": False,
            "polygon": True,
            "rectangle": True,
        },
        edit_options={"edit": False},
    ).add_to(m)
    _finish(m, [], territory)
    return offline_map(m)


def drawn_polygon(drawing: dict | None, tiles: str = "none") -> shapely.Geometry | None:
    """The polygon a user drew (streamlit-folium's ``last_active_drawing``) in WGS-84, or None
    when it is missing or not a polygon."""
    if not drawing or (drawing.get("geometry") or {}).get("type") not in (
        "Polygon",
        "MultiPolygon",
    ):
        return None
    geom = shape(drawing["geometry"])
    _, _, tile_crs = tile_layer(tiles)
    if tile_crs != "WGS84":
        from geo.crs import geometry_to_wgs84

        geom = geometry_to_wgs84(geom, tile_crs)
    return shapely.set_precision(geom, 1e-6)


DAY_COLORS = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d")


def build_route_map(
    outlet: tuple[float, float],
    stops: pd.DataFrame,
    tiles: str = "none",
    tiles_key: str = "",
    reference: Reference | None = None,
) -> folium.Map:
    """The week's route: the outlet (行), each day a closed line from and back to it in its
    own colour, and numbered stops (the day's order) with the customer's name on hover; the
    territory (``reference``) under it.

    ``stops``: day, seq, lon, lat, name, in route order. Lines carry the CSS class
    ``route-day`` and stops ``route-stop``, so a test can count what the browser drew.
    """
    url, attribution, tile_crs = tile_layer(tiles, tiles_key)
    m = folium.Map(tiles=None, control_scale=True, zoom_control=True, maxZoom=18)
    if url:
        folium.TileLayer(url, attr=attribution, name="basemap", max_zoom=18, control=False).add_to(
            m
        )
    territory = None
    if reference is not None:
        lons = [outlet[0], *stops["lon"].astype(float)]
        lats = [outlet[1], *stops["lat"].astype(float)]
        shown_ref = near(reference, (min(lons), min(lats), max(lons), max(lats)))
        if len(shown_ref.townships) + len(shown_ref.villages):
            territory = add_reference_layer(m, shown_ref, tile_crs)

    def shown(lon: float, lat: float) -> tuple[float, float]:
        if tile_crs == "WGS84":
            return lat, lon
        p = geometry_from_wgs84(shapely.Point(lon, lat), tile_crs)
        return p.y, p.x

    home = shown(*outlet)
    points = [home]
    for day, part in stops.groupby("day", sort=True):
        color = DAY_COLORS[(int(day) - 1) % len(DAY_COLORS)]
        path = (
            [home] + [shown(x, y) for x, y in zip(part["lon"], part["lat"], strict=False)] + [home]
        )
        folium.PolyLine(path, color=color, weight=3, opacity=0.8, class_name="route-day").add_to(m)
        for r in part.itertuples():
            lat, lon = shown(r.lon, r.lat)
            points.append((lat, lon))
            folium.Marker(
                [lat, lon],
                tooltip=tooltip(f"{int(day)}-{int(r.seq)} {r.name}"),
                icon=folium.DivIcon(
                    html=f'<div class="route-stop" style="background:{color}">{int(r.seq)}</div>',
                    icon_size=(20, 20),
                    icon_anchor=(10, 10),
                ),
            ).add_to(m)
    folium.Marker(
        list(home),
        tooltip=tooltip("网点 / outlet"),
        icon=folium.DivIcon(
            html='<div class="outlet-marker" title="网点">行</div>',
            icon_size=(18, 18),
            icon_anchor=(9, 9),
        ),
    ).add_to(m)
    lats, lons = [p[0] for p in points], [p[1] for p in points]
    m.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]], padding=(20, 20))
    _finish(m, [], territory)
    m.get_root().header.add_child(
        folium.Element(
            "<style>.route-stop{font:bold 11px/20px sans-serif;color:#fff;border:1px solid #fff;"
            "border-radius:50%;text-align:center}.outlet-marker{font:bold 11px/18px sans-serif;"
            "color:#fff;background:#08519c;border:1px solid #fff;border-radius:50%;"
            "text-align:center}</style>"
        )
    )
    return offline_map(m)
