"""WGS-84 / GCJ-02 / CGCS2000 conversions: reference values, round trips, geometries."""

import csv
import math

import numpy as np
import pytest
import shapely
from pyproj import Geod
from shapely.geometry import MultiPolygon, Point, Polygon

from core.config import DATA_DIR
from geo.crs import (
    CRS_LABELS,
    SUPPORTED_CRS,
    from_wgs84,
    gcj02_to_wgs84,
    geometry_from_wgs84,
    geometry_to_wgs84,
    to_wgs84,
    wgs84_to_gcj02,
)

PINGTANG = (107.0, 25.8)  # roughly the county centre (WGS-84)


def _literal_wgs84_to_gcj02(lon, lat):
    """The standard algorithm transcribed term by term, scalar ``math`` (a second opinion)."""
    if not (72.004 <= lon <= 137.8347 and 0.8293 <= lat <= 55.8271):
        return lon, lat
    a, ee, pi = 6378245.0, 0.00669342162296594323, math.pi
    x, y = lon - 105.0, lat - 35.0
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    dlat += (20.0 * math.sin(6.0 * x * pi) + 20.0 * math.sin(2.0 * x * pi)) * 2.0 / 3.0
    dlat += (20.0 * math.sin(y * pi) + 40.0 * math.sin(y / 3.0 * pi)) * 2.0 / 3.0
    dlat += (160.0 * math.sin(y / 12.0 * pi) + 320 * math.sin(y * pi / 30.0)) * 2.0 / 3.0
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    dlon += (20.0 * math.sin(6.0 * x * pi) + 20.0 * math.sin(2.0 * x * pi)) * 2.0 / 3.0
    dlon += (20.0 * math.sin(x * pi) + 40.0 * math.sin(x / 3.0 * pi)) * 2.0 / 3.0
    dlon += (150.0 * math.sin(x / 12.0 * pi) + 300.0 * math.sin(x / 30.0 * pi)) * 2.0 / 3.0
    radlat = lat / 180.0 * pi
    magic = 1 - ee * math.sin(radlat) ** 2
    sqrtmagic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((a * (1 - ee)) / (magic * sqrtmagic) * pi)
    dlon = (dlon * 180.0) / (a / sqrtmagic * math.cos(radlat) * pi)
    return lon + dlon, lat + dlat


@pytest.fixture(scope="module")
def china_points():
    rng = np.random.default_rng(20261123)
    return rng.uniform(73.0, 135.0, 20_000), rng.uniform(18.0, 53.0, 20_000)


@pytest.fixture(scope="module")
def villages():
    with open(DATA_DIR / "pingtang_villages_synthetic_points.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    cols = ("lon_wgs84", "lat_wgs84", "lon_gcj02", "lat_gcj02")
    return np.array([[float(r[c]) for c in cols] for r in rows])


def test_constants():
    assert SUPPORTED_CRS == ("WGS84", "GCJ02", "CGCS2000")
    assert set(CRS_LABELS) == set(SUPPORTED_CRS)
    assert "高德" in CRS_LABELS["GCJ02"] and "天地图" in CRS_LABELS["CGCS2000"]


def test_forward_matches_literal_algorithm(china_points):
    lon, lat = china_points[0][:2000], china_points[1][:2000]
    glon, glat = wgs84_to_gcj02(lon, lat)
    expected = np.array([_literal_wgs84_to_gcj02(x, y) for x, y in zip(lon, lat, strict=False)])
    np.testing.assert_allclose(glon, expected[:, 0], rtol=0, atol=1e-12)
    np.testing.assert_allclose(glat, expected[:, 1], rtol=0, atol=1e-12)


# Full-precision outputs published with two widely used implementations of the standard
# algorithm: wandergis/coordtransform test/app.js (wgs84togcj02(116.404, 39.915)) and
# googollee/eviltransform python/test.py (Shanghai, Shenzhen, Beijing; stored there lat, lng).
@pytest.mark.parametrize(
    "wgs, gcj",
    [
        ((116.404, 39.915), (116.41024449916938, 39.91640428150164)),
        ((121.5272106, 31.1774276), (121.531541859215, 31.17530398364597)),
        ((113.912316, 22.543847), (113.9171764808363, 22.540796131694766)),
        ((116.377817, 39.911954), (116.38404722455657, 39.91334545536069)),
    ],
)
def test_published_reference_pairs(wgs, gcj):
    assert wgs84_to_gcj02(*wgs) == pytest.approx(gcj, abs=1e-9)
    assert gcj02_to_wgs84(*gcj) == pytest.approx(wgs, abs=1e-9)


def test_tiananmen_commonly_quoted_pair():
    # Tiananmen, WGS-84 (116.391275, 39.907500) -> GCJ-02 about (116.397519, 39.908912): an
    # often-repeated rounded pair (it came with the task brief; no primary source found). The
    # standard algorithm, checked above against the literal formula and published full-precision
    # pairs, gives (116.397516, 39.908901), i.e. 0.3 m east and 1.2 m off in latitude.
    glon, glat = wgs84_to_gcj02(116.391275, 39.907500)
    assert (glon, glat) == pytest.approx((116.397519, 39.908912), abs=2e-5)
    assert (glon, glat) == pytest.approx((116.397516, 39.908901), abs=1e-6)


def test_round_trip_across_china(china_points):
    lon, lat = china_points
    back_lon, back_lat = gcj02_to_wgs84(*wgs84_to_gcj02(lon, lat))
    assert np.abs(back_lon - lon).max() < 1e-7  # ~1 cm; in practice ~1e-11
    assert np.abs(back_lat - lat).max() < 1e-7
    glon, glat = wgs84_to_gcj02(lon, lat)  # and the other way round
    again = wgs84_to_gcj02(*gcj02_to_wgs84(glon, glat))
    assert np.abs(again[0] - glon).max() < 1e-7 and np.abs(again[1] - glat).max() < 1e-7


def test_agrees_with_village_csv(villages):
    # Both the WGS-84 and the GCJ-02 columns are rounded to 6 decimals: up to 2 x 5e-7 apart.
    tol = 1.01e-6
    glon, glat = wgs84_to_gcj02(villages[:, 0], villages[:, 1])
    assert np.abs(glon - villages[:, 2]).max() < tol
    assert np.abs(glat - villages[:, 3]).max() < tol
    wlon, wlat = to_wgs84(villages[:, 2], villages[:, 3], "GCJ02")
    assert np.abs(wlon - villages[:, 0]).max() < tol
    assert np.abs(wlat - villages[:, 1]).max() < tol


def test_offset_in_pingtang_is_east_and_south(villages):
    # data/README: GCJ-02 is about 400 m east and 330 m south of WGS-84 here. Signs checked on
    # the CSV: GCJ-02 longitudes are larger (east), latitudes smaller (south), for every village.
    wlon, wlat, clon, clat = villages.T
    assert (clon > wlon).all() and (clat < wlat).all()
    glon, glat = wgs84_to_gcj02(wlon, wlat)
    geod = Geod(ellps="WGS84")
    _, _, east = geod.inv(wlon, wlat, glon, wlat)
    _, _, south = geod.inv(wlon, wlat, wlon, glat)
    assert (glon > wlon).all() and (glat < wlat).all()
    assert 380 < east.mean() < 430 and east.min() > 300 and east.max() < 470
    assert 310 < south.mean() < 360 and south.min() > 280 and south.max() < 400


@pytest.mark.parametrize(
    "lon, lat",
    [
        (2.3522, 48.8566),  # Paris
        (-74.006, 40.7128),  # New York
        (139.6917, 35.6895),  # Tokyo (east of the box)
        (151.2093, -33.8688),  # Sydney
        (37.6175, 55.7504),  # Moscow (west of the box)
        (106.0, 56.0),  # north of the box
    ],
)
def test_outside_china_unchanged(lon, lat):
    assert wgs84_to_gcj02(lon, lat) == (lon, lat)
    assert gcj02_to_wgs84(lon, lat) == (lon, lat)
    assert to_wgs84(lon, lat, "GCJ02") == (lon, lat)


def test_shapes_scalars_and_nan():
    lon, lat = wgs84_to_gcj02(*PINGTANG)
    assert type(lon) is float and type(lat) is float
    grid = np.full((2, 3), PINGTANG[0]), np.full((2, 3), PINGTANG[1])
    for func in (wgs84_to_gcj02, gcj02_to_wgs84):
        out_lon, out_lat = func(*grid)
        assert out_lon.shape == out_lat.shape == (2, 3)
    out_lon, out_lat = gcj02_to_wgs84(np.array([107.0, 107.1]), 25.8)  # broadcast
    assert out_lon.shape == (2,) and np.allclose(out_lat, out_lat[0], atol=1e-3)
    empty = wgs84_to_gcj02(np.array([]), np.array([]))
    assert empty[0].shape == (0,)
    nan_lon, _nan_lat = gcj02_to_wgs84(np.array([np.nan, 107.0]), np.array([25.8, 25.8]))
    assert np.isnan(nan_lon[0]) and np.isfinite(nan_lon[1])


def test_large_input_crosses_chunks(china_points):
    lon = np.concatenate([china_points[0]] * 4)  # 80k points: more than one internal chunk
    lat = np.concatenate([china_points[1]] * 4)
    glon, glat = wgs84_to_gcj02(lon, lat)
    np.testing.assert_array_equal(glon[-20_000:], glon[:20_000])
    back = gcj02_to_wgs84(glon, glat)
    assert np.abs(back[0] - lon).max() < 1e-7 and np.abs(back[1] - lat).max() < 1e-7


@pytest.mark.parametrize("crs", ["WGS84", "CGCS2000", "EPSG:4326", "EPSG:4490", "wgs84"])
def test_wgs84_like_crs_are_identity(crs):
    assert to_wgs84(*PINGTANG, crs) == PINGTANG
    assert from_wgs84(*PINGTANG, crs) == PINGTANG


@pytest.mark.parametrize("crs", ["GCJ02", "GCJ-02", "gcj02"])
def test_gcj02_spellings(crs):
    assert to_wgs84(*PINGTANG, crs) == gcj02_to_wgs84(*PINGTANG)
    assert from_wgs84(*PINGTANG, crs) == wgs84_to_gcj02(*PINGTANG)


@pytest.mark.parametrize("func", [to_wgs84, from_wgs84])
@pytest.mark.parametrize("crs", ["BD09", "EPSG:3857", ""])
def test_unknown_crs_raises(func, crs):
    with pytest.raises(ValueError, match=f"'{crs}'.*WGS84, GCJ02, CGCS2000"):
        func(*PINGTANG, crs)


@pytest.mark.parametrize("func", [geometry_to_wgs84, geometry_from_wgs84])
def test_unknown_crs_raises_for_geometries(func):
    with pytest.raises(ValueError, match="'BD09'"):
        func(Point(*PINGTANG), "BD09")
    with pytest.raises(ValueError, match="'BD09'"):
        func(Polygon(), "BD09")


def _village_polygon():
    """A small polygon with a hole: 41 + 11 vertices, about 1 km across, in 平塘."""
    outer = Point(*PINGTANG).buffer(0.005, quad_segs=10)
    hole = Point(PINGTANG[0] + 0.001, PINGTANG[1]).buffer(0.001, quad_segs=2)
    return Polygon(outer.exterior.coords, [hole.exterior.coords])


@pytest.mark.parametrize("crs", SUPPORTED_CRS)
def test_polygon_conversion_keeps_vertices_and_validity(crs):
    poly = _village_polygon()
    shown = geometry_from_wgs84(poly, crs)
    back = geometry_to_wgs84(shown, crs)
    for geom in (shown, back):
        assert geom.is_valid and geom.geom_type == "Polygon"
        assert shapely.get_num_coordinates(geom) == shapely.get_num_coordinates(poly)
        assert len(geom.interiors) == 1
    assert shapely.equals_exact(back, poly, tolerance=1e-7)
    assert shown.area == pytest.approx(poly.area, rel=1e-2)  # GCJ-02 stretches by ~0.3 %


def test_polygon_moves_by_the_local_offset():
    poly = _village_polygon()
    shown = geometry_from_wgs84(poly, "GCJ02")
    expected = np.array(wgs84_to_gcj02(*np.asarray(poly.exterior.coords).T)).T
    np.testing.assert_allclose(np.asarray(shown.exterior.coords), expected, atol=1e-12)
    dx, dy = np.subtract(shown.centroid.coords[0], poly.centroid.coords[0])
    assert dx > 0.003 and dy < -0.002  # ~400 m east, ~330 m south


def test_geometry_collections_arrays_and_z():
    poly = _village_polygon()
    multi = MultiPolygon([poly, shapely.affinity.translate(poly, 0.05, 0.0)])
    out = geometry_to_wgs84(multi, "GCJ02")
    assert out.geom_type == "MultiPolygon" and out.is_valid
    assert shapely.get_num_coordinates(out) == shapely.get_num_coordinates(multi)
    arr = geometry_from_wgs84(np.array([Point(*PINGTANG), poly]), "GCJ02")
    assert arr.shape == (2,) and arr[0].equals_exact(Point(wgs84_to_gcj02(*PINGTANG)), 1e-12)
    p3 = geometry_from_wgs84(Point(*PINGTANG, 812.5), "GCJ02")
    assert p3.has_z and p3.z == 812.5
    assert geometry_to_wgs84(Polygon(), "GCJ02").is_empty
