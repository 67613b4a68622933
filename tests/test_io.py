"""Importing grid polygons from GeoJSON, zipped Shapefile and KML (geo.io)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import geopandas
import pytest
from pyproj import Geod
from shapely.geometry import Point, Polygon, box, mapping

from core.demo.county_files import load_county
from core.problems import Problem, ProblemError
from geo.crs import geometry_from_wgs84, geometry_to_wgs84
from geo.io import read_polygons

CENTRE = (107.32, 25.83)  # inside 平塘县
# 300 m squares just inside the county's south-east edge: their GCJ-02 position (~430 m east,
# ~335 m south) is outside the county, so GCJ-02 data declared as WGS-84 lands off the county.
EDGE_CENTRES = [(107.355, 25.635), (107.355, 25.64)]
# ... and 300 m squares just inside its north-west edge, which "un-GCJ-ing" moves off it.
NW_EDGE_CENTRES = [(107.27, 25.975), (107.28, 25.985)]
GEOD = Geod(ellps="WGS84")


def square(lon: float, lat: float, metres: float = 300) -> Polygon:
    dx, dy = metres / 2 / 100_600, metres / 2 / 111_000  # degrees at ~25.8°N
    return box(lon - dx, lat - dy, lon + dx, lat + dy)


def two_squares() -> list[Polygon]:
    return [square(*CENTRE), square(CENTRE[0] + 0.01, CENTRE[1])]


def geojson(geoms, props=None) -> bytes:
    props = props or [{"name": f"网格-{i + 1}"} for i in range(len(geoms))]
    features = [
        {"type": "Feature", "properties": p, "geometry": mapping(g) if g else None}
        for g, p in zip(geoms, props, strict=False)
    ]
    return json.dumps(
        {"type": "FeatureCollection", "features": features}, ensure_ascii=False
    ).encode("utf-8")


def zipped_shapefile(
    tmp_path: Path,
    gdf: geopandas.GeoDataFrame,
    folder: str = "",
    drop: tuple[str, ...] = (),
    **kwargs,
) -> bytes:
    shp_dir = tmp_path / "shp"
    shp_dir.mkdir(exist_ok=True)
    gdf.to_file(shp_dir / "grids.shp", **kwargs)
    target = tmp_path / "grids.zip"
    with zipfile.ZipFile(target, "w") as zf:
        for path in sorted(shp_dir.iterdir()):
            if path.suffix not in drop:
                zf.write(path, f"{folder}{path.name}")
    return target.read_bytes()


def kml(placemarks: list[tuple[str, str]]) -> bytes:
    body = "".join(f"<Placemark><name>{name}</name>{geom}</Placemark>" for name, geom in placemarks)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
        f"{body}</Document></kml>"
    ).encode()


def kml_polygon(poly: Polygon) -> str:
    coords = " ".join(f"{x},{y},0" for x, y in poly.exterior.coords)
    return (
        f"<Polygon><outerBoundaryIs><LinearRing><coordinates>{coords}"
        "</coordinates></LinearRing></outerBoundaryIs></Polygon>"
    )


def problems_of(*args, **kwargs) -> list[Problem]:
    with pytest.raises(ProblemError) as info:
        read_polygons(*args, **kwargs)
    assert info.value.problems, "an import error must carry problems"
    return info.value.problems


def assert_two_squares(gdf):
    assert list(gdf.columns) == ["name", "code", "geometry", "row"]
    assert gdf.crs.to_epsg() == 4326
    assert list(gdf["name"]) == ["网格-1", "网格-2"]
    assert list(gdf["row"]) == [1, 2]
    for got, want in zip(gdf.geometry, two_squares(), strict=False):
        assert got.geom_type == "Polygon"
        assert got.symmetric_difference(want).area < 1e-6 * want.area


@pytest.fixture(scope="module")
def county():
    return load_county()


def test_fixture_positions_are_where_the_tests_need_them(county):
    assert all(county.contains(g) for g in two_squares())
    for lon, lat in EDGE_CENTRES:
        wgs = square(lon, lat)
        gcj = geometry_from_wgs84(wgs, "GCJ02")
        assert county.contains(wgs)
        assert gcj.intersection(county).area < 0.2 * gcj.area
    for lon, lat in NW_EDGE_CENTRES:
        wgs = square(lon, lat)
        moved = geometry_to_wgs84(wgs, "GCJ02")
        assert county.contains(wgs)
        assert moved.intersection(county).area < 0.2 * moved.area


def test_geojson_round_trip(county):
    gdf = read_polygons(geojson(two_squares()), "grids.geojson", "WGS84", boundary=county)
    assert_two_squares(gdf)
    assert list(gdf["code"]) == [None, None]


def test_json_extension_code_and_default_names():
    props = [{"编码": "G001"}, {"编码": "G002", "名称": "二号"}]
    gdf = read_polygons(geojson(two_squares(), props), "GRIDS.JSON", "CGCS2000")
    assert list(gdf["name"]) == ["网格1", "二号"]
    assert list(gdf["code"]) == ["G001", "G002"]


def test_name_field_and_missing_name_field():
    props = [{"name": "a", "label": "东"}, {"name": "b", "label": "西"}]
    gdf = read_polygons(geojson(two_squares(), props), "g.geojson", "WGS84", name_field="label")
    assert list(gdf["name"]) == ["东", "西"]
    [problem] = problems_of(geojson(two_squares(), props), "g.geojson", "WGS84", name_field="名字")
    assert (problem.row, problem.field) == (None, "name")


@pytest.mark.parametrize("folder", ["", "导出/网格/"])
def test_zipped_shapefile(tmp_path, folder):
    gdf = geopandas.GeoDataFrame(
        {"name": ["网格-1", "网格-2"]}, geometry=two_squares(), crs="EPSG:4326"
    )
    assert_two_squares(read_polygons(zipped_shapefile(tmp_path, gdf, folder), "g.zip", "WGS84"))


def test_zipped_shapefile_projected_prj_is_reprojected(tmp_path):
    gdf = geopandas.GeoDataFrame(
        {"NAME": ["网格-1", "网格-2"]}, geometry=two_squares(), crs="EPSG:4326"
    ).to_crs("EPSG:4547")  # CGCS2000 / 3-degree GK CM 108E
    assert_two_squares(read_polygons(zipped_shapefile(tmp_path, gdf), "g.zip", "WGS84"))


def test_gbk_shapefile_without_cpg(tmp_path):
    gdf = geopandas.GeoDataFrame(
        {"名称": ["网格-1", "网格-2"]}, geometry=two_squares(), crs="EPSG:4326"
    )
    data = zipped_shapefile(tmp_path, gdf, drop=(".cpg",), encoding="gbk")
    assert_two_squares(read_polygons(data, "g.zip", "WGS84"))


def test_zip_without_shapefile(tmp_path):
    target = tmp_path / "notes.zip"
    with zipfile.ZipFile(target, "w") as zf:
        zf.writestr("readme.txt", "没有 shapefile")
    [problem] = problems_of(target.read_bytes(), "notes.zip", "WGS84")
    assert (problem.row, problem.field) == (None, None)
    assert ".shp" in problem.message("zh") and ".shp" in problem.message("en")


def test_kml_with_polygons(county):
    data = kml([(f"网格-{i + 1}", kml_polygon(g)) for i, g in enumerate(two_squares())])
    assert_two_squares(read_polygons(data, "grids.kml", "WGS84", boundary=county))


def test_kml_with_only_points_and_lines():
    data = kml(
        [
            ("p", "<Point><coordinates>107.32,25.83,0</coordinates></Point>"),
            ("l", "<LineString><coordinates>107.32,25.83 107.33,25.84</coordinates></LineString>"),
        ]
    )
    [problem] = problems_of(data, "points.kml", "WGS84")
    assert problem.field == "geometry"
    assert "点/线" in problem.message("zh") and "points/lines" in problem.message("en")


def test_self_intersecting_bow_tie_is_rejected():
    x, y = CENTRE
    bow_tie = Polygon([(x, y), (x + 0.003, y + 0.003), (x + 0.003, y), (x, y + 0.003)])
    assert not bow_tie.is_valid
    problems = problems_of(geojson([square(*CENTRE), bow_tie]), "g.geojson", "WGS84")
    assert [(p.row, p.field) for p in problems] == [(2, "geometry")]
    assert "自相交" in problems[0].message("zh")
    assert "Self-intersection" in problems[0].message("en")


def test_all_problems_are_collected_per_row():
    point = Point(*CENTRE)
    props = [{"name": "甲"}, {"name": "乙"}, {"name": "甲"}, {"name": "丙"}]
    problems = problems_of(
        geojson([square(*CENTRE), point, square(107.33, 25.83), None], props), "g.geojson", "WGS84"
    )
    assert [(p.row, p.field) for p in problems] == [(2, "geometry"), (3, "name"), (4, "geometry")]
    assert "第 1 个" in problems[1].message("zh")


def test_gcj02_declared_as_wgs84_is_detected(county):
    gcj = [geometry_from_wgs84(square(*c), "GCJ02") for c in EDGE_CENTRES]
    data = geojson(gcj)
    problems = problems_of(data, "edge.geojson", "WGS84", boundary=county)
    assert [(p.row, p.field) for p in problems] == [(1, "geometry"), (2, "geometry")]
    for p in problems:
        assert "看起来是 GCJ-02 坐标却声明为 WGS-84" in p.message("zh")
        assert "looks like GCJ-02 coordinates declared as WGS-84" in p.message("en")
    gdf = read_polygons(data, "edge.geojson", "GCJ02", boundary=county)
    assert all(county.contains(g) for g in gdf.geometry)


def test_wgs84_declared_as_gcj02_is_detected(county):
    wgs = [square(*c) for c in NW_EDGE_CENTRES]
    problems = problems_of(geojson(wgs), "edge.geojson", "GCJ02", boundary=county)
    assert [p.row for p in problems] == [1, 2]
    assert all("看起来是 WGS-84 坐标却声明为 GCJ-02" in p.message("zh") for p in problems)


def test_outside_without_a_gcj_explanation(county):
    far = [square(100.0, 30.0), square(100.01, 30.0)]
    problems = problems_of(geojson(far), "far.geojson", "WGS84", boundary=county)
    assert [p.row for p in problems] == [1, 2]
    assert not any("GCJ" in p.message("en") for p in problems)


@pytest.mark.parametrize("data", [b"", b"  \n", geojson([])])
def test_empty_file(data):
    [problem] = problems_of(data, "empty.geojson", "WGS84")
    assert (problem.row, problem.field) == (None, None)
    assert problem.message("zh") == "文件为空或没有要素"


def test_unreadable_file():
    [problem] = problems_of(b"{not json", "bad.geojson", "WGS84")
    assert (problem.row, problem.field) == (None, None)


def test_unknown_extension():
    [problem] = problems_of(geojson(two_squares()), "grids.xlsx", "WGS84")
    assert (problem.row, problem.field) == (None, None)
    assert "xlsx" in problem.message("en")


def test_declared_gcj02_is_converted():
    gdf = read_polygons(geojson(two_squares()), "g.geojson", "GCJ02")
    for got, raw in zip(gdf.geometry, two_squares(), strict=False):
        a, b = got.centroid, raw.centroid
        _, _, metres = GEOD.inv(a.x, a.y, b.x, b.y)
        assert 400 < metres < 700
        assert a.x < b.x and a.y > b.y  # WGS-84 lies west and north of GCJ-02 here


def test_unknown_declared_crs():
    with pytest.raises(ValueError):
        read_polygons(geojson(two_squares()), "g.geojson", "BD09")


def test_problem_text_names_row_and_field():
    problem = Problem(
        "problem.geometry.duplicate_name",
        {"name": "甲", "other": 1},
        row=3,
        field="name",
        row_kind="feature",
    )
    assert "3" in str(problem) and "name" in str(problem)
