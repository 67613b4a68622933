"""The territory's reference layer and the labels by zoom, without a browser: what the rendered
Leaflet script holds (geo.reference_layer, geo.map_labels, geo.mapview), and the territory as
core.territory reads it from the demo county."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import box
from sqlalchemy import text

from core.assets.offline import external_urls
from core.territory import reference_layer, territory_version
from geo.crs import wgs84_to_gcj02
from geo.map_labels import fit_zoom, script_json
from geo.mapview import build_draw_map, build_grid_map, build_route_map
from geo.reference_layer import near, simplify_polygons, simplify_reference

HOSTILE = "<img src=x onerror=alert(1)>"


def cell(i: int, j: int = 0, size: float = 0.02):
    return box(107.2 + size * i, 25.8 + size * j, 107.2 + size * (i + 1), 25.8 + size * (j + 1))


def territory(
    names=("新舟村", "金盆村", "双桥村", "回龙村"), illustrative=(True, True, True, False)
):
    """Two townships side by side, each of two villages."""
    towns = pd.DataFrame(
        {
            "code": ["t1", "t2"],
            "name": ["金盆街道", "平舟镇"],
            "polygon": [box(107.2, 25.8, 107.24, 25.82), box(107.24, 25.8, 107.28, 25.82)],
        }
    )
    villages = pd.DataFrame(
        {
            "code": [f"v{i}" for i in range(4)],
            "name": [f"{n}村民委员会" for n in names],
            "short_name": list(names),
            "town_code": ["t1", "t1", "t2", "t2"],
            "town_name": ["金盆街道", "金盆街道", "平舟镇", "平舟镇"],
            "lon": [107.21 + 0.02 * i for i in range(4)],
            "lat": [25.81] * 4,
            "illustrative": list(illustrative),
            "polygon": [cell(i) for i in range(4)],
        }
    )
    return simplify_reference(towns, villages).with_texts(
        "乡镇/村社区", "示意范围", "村界为示意范围"
    )


def grids(level: int, n: int, size: float = 0.02, name: str = "网格") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": np.arange(level * 100, level * 100 + n),
            "name": [f"{name}{level}-{i}" for i in range(n)],
            "polygon": [cell(i, size=size) for i in range(n)],
            "label": "1",
        }
    )


def grid_page(ref=None, level2=None) -> str:
    l1 = grids(1, 2, size=0.04)
    l2 = grids(2, 4) if level2 is None else level2
    outlets = pd.DataFrame({"name": ["营业部"], "lon": [107.21], "lat": [25.81]})
    customers = pd.DataFrame({"lon": [107.21], "lat": [25.81]})
    m = build_grid_map(
        l1,
        l2,
        outlets,
        customers,
        colors1=["#fff"] * len(l1),
        colors2=["#000"] * len(l2),
        reference=ref,
    )
    return m.get_root().render()


def labels(page: str) -> list[list]:
    """Every label ``geo.map_labels.Labels`` wrote: [lat, lon, html, classes]."""
    decoder = json.JSONDecoder()
    return [
        lab for m in re.finditer(r"_data = ", page) for lab in decoder.raw_decode(page, m.end())[0]
    ]


def shapes(page: str) -> list[dict]:
    """Every feature collection ``geo.reference_layer.Shapes`` wrote."""
    decoder = json.JSONDecoder()
    return [decoder.raw_decode(page, m.end())[0] for m in re.finditer(r"_shapes = ", page)]


def classes_of(page: str, kind: str) -> list[str]:
    return [lab[3] for lab in labels(page) if kind in lab[3].split()]


# ---- the layer on the grid map --------------------------------------------------------------


def test_the_grid_map_draws_the_territory_under_the_grids_toggleable():
    page = grid_page(territory())
    # lines in a pane of their own that lets every event through, villages dotted
    assert 'createPane("gm-reference")' in page and 'pointerEvents = "none"' in page
    assert '"className":"ref-town"' in page and '"className":"ref-village"' in page
    assert '"dashArray":"1 3"' in page
    # the villages' hover areas go under the grids whenever the layer is (re)added
    assert "bringToBack" in page and '"className":"ref-village-area"' in page
    # one entry in the layer control, by its name
    assert "L.control.layers" in page
    assert json.dumps("乡镇/村社区") in page
    assert page.count('"level1"') == 0  # the grids stay out of the control
    # the territory is drawn before the grids (Leaflet stacks later paths on top)
    assert page.index("_shapes = ") < page.index('"level": 1')
    assert external_urls(page) == []


def test_township_lines_each_shared_edge_once():
    (collection,) = [s for s in shapes(grid_page(territory())) if len(s["features"]) == 1]
    lines = shapely.geometry.shape(collection["features"][0]["geometry"])
    assert lines.length == pytest.approx(2 * 0.08 + 3 * 0.02, rel=1e-6)  # 2 boxes, 1 edge shared


def test_names_by_zoom_and_the_zoom_handler():
    page = grid_page(territory())
    towns = classes_of(page, "town-label")
    villages = classes_of(page, "village-label")
    assert len(towns) == 2 and all("minz-" not in c for c in towns)  # always shown
    assert len(villages) == 4 and all("minz-" in c for c in villages)
    assert all(int(re.search(r"minz-(\d+)", c).group(1)) >= 12 for c in villages)
    # our own few lines: classes zoom-ge-N on the container on zoomend, CSS keyed on them
    assert 'map.on("zoomend", mark)' in page and '"zoom-ge-" + n' in page
    assert ".leaflet-container .minz-12{display:none}" in page
    assert ".leaflet-container.zoom-ge-12 .minz-12{display:block}" in page


def test_village_tooltip_says_town_and_illustrative():
    page = grid_page(territory())
    (villages,) = [s for s in shapes(page) if len(s["features"]) == 4]
    tips = [f["properties"]["tip"] for f in villages["features"]]
    assert tips == [
        "新舟村 · 金盆街道 · 示意范围",
        "金盆村 · 金盆街道 · 示意范围",
        "双桥村 · 平舟镇 · 示意范围",
        "回龙村 · 平舟镇",  # the bank's own area: not illustrative
    ]
    assert "村界为示意范围" in page  # the attribution while the layer is on


def test_no_illustrative_note_when_every_area_is_the_banks():
    page = grid_page(territory(illustrative=(False,) * 4))
    assert "村界为示意范围" not in page and "示意范围" not in page


def test_a_hostile_village_name_is_text():
    page = grid_page(territory(names=(HOSTILE, "金盆村", "双桥村", "回龙村")))
    assert "<img" not in page and "onerror=alert(1)>" not in page
    (name,) = [lab[2] for lab in labels(page) if "&lt;img" in lab[2]]
    assert name == "&lt;img src=x onerror=alert(1)&gt;"  # HTML text, shown as the name
    (villages,) = [s for s in shapes(page) if len(s["features"]) == 4]
    assert villages["features"][0]["properties"]["tip"].startswith("&lt;img src=x")


def test_a_village_a_grid_label_already_names_gets_no_label():
    level2 = grids(2, 4)
    level2["name"] = ["新舟村", "金盆村网格", "别的网格", "回龙村"]
    page = grid_page(territory(), level2=level2)
    names = [lab[2] for lab in labels(page) if "village-label" in lab[3]]
    assert names == ["双桥村"]


# ---- level-2 grid labels ---------------------------------------------------------------------


def test_grid_labels_show_from_the_zoom_where_they_fit():
    small = grids(2, 4, size=0.002)  # ~200 m grids: their names wait for a closer zoom
    page = grid_page(level2=small)
    big = [
        int(re.search(r"minz-(\d+)", c).group(1)) for c in classes_of(grid_page(), "grid-label-l2")
    ]
    tiny = [int(re.search(r"minz-(\d+)", c).group(1)) for c in classes_of(page, "grid-label-l2")]
    assert len(big) == len(tiny) == 4
    assert min(tiny) > max(big) >= 11
    assert all(c.startswith("grid-label grid-label-l1") for c in classes_of(page, "grid-label-l1"))
    # no folium Marker per label any more: one array
    assert page.count("L.divIcon(") == 2  # the labels' loop and the outlet


@pytest.mark.parametrize(
    "size, expected",
    [(0.2, 8), (0.02, 12), (0.002, 15)],
)
def test_fit_zoom_grows_as_the_area_shrinks(size, expected):
    assert fit_zoom(box(107.0, 25.8, 107.0 + size, 25.8 + size), "网格一", 11) == expected


def test_script_json_cannot_end_the_script():
    assert "</script>" not in script_json(["</script><script>alert(1)</script>"])
    assert "\u2028" not in script_json(["a\u2028b"])


# ---- the other maps --------------------------------------------------------------------------


def test_draw_and_route_maps_show_the_territory_too():
    ref = territory()
    draw = build_draw_map(grids(2, 2), reference=ref).get_root().render()
    stops = pd.DataFrame(
        {"day": [1, 1], "seq": [1, 2], "lon": [107.21, 107.23], "lat": [25.81] * 2, "name": "甲"}
    )
    route = build_route_map((107.22, 25.81), stops, reference=ref).get_root().render()
    for page in (draw, route):
        assert "village-label" in page and "town-label" in page and "L.control.layers" in page
        assert "zoomend" in page and external_urls(page) == []
    assert "village-label" not in build_draw_map(grids(2, 2)).get_root().render()


def test_only_the_territory_near_the_map_is_drawn():
    ref = territory()
    far = pd.DataFrame({"id": [1], "name": ["远"], "polygon": [box(100, 30, 100.02, 30.02)]})
    assert len(near(ref, far["polygon"][0].bounds).villages) == 0
    nearby = near(ref, cell(0).bounds).villages  # its neighbours within the margin too
    assert list(nearby["name"]) == ["新舟村", "金盆村", "双桥村"]
    page = build_draw_map(far.assign(label=""), reference=ref).get_root().render()
    assert "village-label" not in page and "L.control.layers" not in page


def test_without_grids_the_map_shows_the_whole_territory():
    empty = grids(1, 0)
    m = build_grid_map(
        empty,
        empty,
        empty,
        pd.DataFrame({"lon": [], "lat": []}),
        colors1=[],
        colors2=[],
        reference=territory(),
    )
    page = m.get_root().render()
    assert "fitBounds" in page and len(classes_of(page, "village-label")) == 4


def test_amap_tiles_shift_the_territory_to_gcj02():
    m = build_draw_map(grids(2, 1), tiles="amap", reference=territory())
    (collection,) = [s for s in shapes(m.get_root().render()) if len(s["features"]) == 1]
    lon, _ = wgs84_to_gcj02(107.2, 25.8)
    xs = shapely.get_coordinates(shapely.geometry.shape(collection["features"][0]["geometry"]))[
        :, 0
    ]
    assert min(xs) == pytest.approx(lon, abs=1e-5)


# ---- simplification --------------------------------------------------------------------------


def test_simplified_neighbours_keep_their_edge_and_five_decimals():
    """A surveyed boundary: a vertex every 10 m, wobbling by 2 m, shared by two villages."""
    ys = np.linspace(25.8, 25.81, 101)[1:-1]
    edge = [(107.21 + (2e-5 if i % 2 else -2e-5), y) for i, y in enumerate(ys)]
    left = shapely.Polygon([(107.2, 25.8), (107.21, 25.8), *edge, (107.21, 25.81), (107.2, 25.81)])
    right = shapely.Polygon(
        [(107.21, 25.8), (107.22, 25.8), (107.22, 25.81), (107.21, 25.81), *edge[::-1]]
    )
    a, b = simplify_polygons([left, right], tolerance=1e-4)
    assert shapely.get_num_coordinates(a) < shapely.get_num_coordinates(left) / 4
    assert a.intersection(b).area == pytest.approx(0.0, abs=1e-12)  # no gap, no overlap
    assert a.union(b).area == pytest.approx(left.union(right).area, rel=1e-4)
    coords = shapely.get_coordinates([a, b]).ravel()
    assert np.allclose(coords, np.round(coords, 5), atol=1e-12)


def test_overlapping_polygons_are_simplified_each_on_its_own():
    a, b = simplify_polygons([box(0, 0, 2, 2), box(1, 1, 3, 3)], tolerance=1e-4)
    assert a.area == pytest.approx(4) and b.area == pytest.approx(4)


# ---- from the database (core.territory) ------------------------------------------------------


def test_the_demo_territory_as_the_maps_draw_it(seeded_engine):
    ref = reference_layer(seeded_engine)
    assert len(ref.townships) == 11 and len(ref.villages) == 131
    assert ref.villages["illustrative"].all()
    assert ref.villages["polygon"].notna().all()
    assert "新舟村" in set(ref.villages["name"])  # the short name
    assert ref.layer_name == ""  # texts are the caller's


def test_the_territory_version_follows_a_change(fresh_county):
    before = territory_version(fresh_county)
    assert territory_version(fresh_county) == before
    with fresh_county.begin() as conn:
        conn.execute(text("UPDATE village SET name = name || 'x' WHERE code = '522727001200'"))
    assert territory_version(fresh_county) != before
