"""The map builder without a browser: what the rendered Leaflet script contains."""

import json

import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import box

from core.assets.offline import external_urls
from geo.county import to_geojson
from geo.crs import wgs84_to_gcj02
from geo.mapview import build_grid_map, classify, drawn_polygon, simplify_grids, tile_layer


def grids(level: int, n: int) -> pd.DataFrame:
    cells = [box(107.2 + 0.02 * i, 25.8, 107.22 + 0.02 * i, 25.82) for i in range(n)]
    return pd.DataFrame(
        {
            "id": np.arange(level * 100, level * 100 + n),
            "name": [f"网格{level}-{i}" for i in range(n)],
            "polygon": cells,
            "label": "1",
        }
    )


def render(tiles="none", customers=None):
    l1, l2 = grids(1, 2), grids(2, 4)
    outlets = pd.DataFrame({"name": ["营业部"], "lon": [107.21], "lat": [25.81]})
    customers = (
        customers
        if customers is not None
        else pd.DataFrame({"lon": [107.21, 107.25], "lat": [25.81, 25.81]})
    )
    m = build_grid_map(
        l1, l2, outlets, customers, colors1=["#fff"] * 2, colors2=["#000"] * 4, tiles=tiles
    )
    return m.get_root().render()


def test_both_levels_drawn_with_their_class_and_nothing_external():
    html = render()
    assert html.count('"level": 1') == 2 and html.count('"level": 2') == 4
    assert "grid-l1" in html and "grid-l2" in html
    assert external_urls(html) == []
    assert "/app/static/vendor/leaflet/dist/leaflet.js" in html


def test_many_customers_become_a_heat_map_of_bins():
    bins = pd.DataFrame({"lon": [107.21], "lat": [25.81], "count": [1234.0]})
    html = render(customers=bins)
    assert "heatLayer" in html and "1234" in html
    assert "markerClusterGroup" not in html


@pytest.mark.parametrize(
    "tiles, host",
    [
        ("osm", "tile.openstreetmap.org"),
        ("http://tiles.bank.local/{z}/{x}/{y}.png", "tiles.bank.local"),
    ],
)
def test_tiles_only_when_asked(tiles, host):
    html = render(tiles)
    assert host in html
    assert all(host in url for url in external_urls(html))


def test_amap_tiles_shift_the_grids_to_gcj02():
    html = render("amap")
    lon, _lat = wgs84_to_gcj02(107.2, 25.8)
    assert f"{lon:.4f}"[:8] in html  # the corner, moved ~500 m as AMap draws it


def test_classify_five_classes_and_missing_values():
    colors, edges = classify(pd.Series([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, np.nan]))
    assert len(set(colors[:10])) == 5 and colors[-1] == "#d9d9d9"
    assert edges[0] == 1 and edges[-1] == 10
    assert classify(pd.Series([np.nan]))[0] == ["#d9d9d9"]


def test_simplified_neighbours_still_share_their_edge():
    left = shapely.Polygon([(0, 0), (1, 0), (1.0001, 0.5), (1, 1), (0, 1)])
    right = shapely.Polygon([(1, 0), (2, 0), (2, 1), (1, 1), (1.0001, 0.5)])
    a, b = simplify_grids([to_geojson(left), to_geojson(right)], tolerance=0.01)
    assert a.intersection(b).area == pytest.approx(0.0, abs=1e-12)
    assert a.union(b).area == pytest.approx(left.union(right).area, rel=1e-3)


def test_drawn_polygon_in_wgs84():
    square = {
        "type": "Feature",
        "properties": {},
        "geometry": json.loads(
            json.dumps(shapely.geometry.mapping(box(107.2, 25.8, 107.21, 25.81)))
        ),
    }
    assert drawn_polygon(square).equals(box(107.2, 25.8, 107.21, 25.81))
    assert drawn_polygon({"geometry": {"type": "Point", "coordinates": [1, 2]}}) is None
    shifted = drawn_polygon(square, "amap")  # drawn on GCJ-02 tiles
    assert shifted.centroid.x < 107.205


def test_tile_layer_settings():
    assert tile_layer("none")[0] is None
    assert tile_layer("amap")[2] == "GCJ02"
    assert "tk=KEY" in tile_layer("tianditu", "KEY")[0]
