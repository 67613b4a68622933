"""Attacks on every upload: files GDAL would open by their content (VRT with SQL against a
SQLite file, SQLite, GeoPackage, CSV with WKT, GML, /vsi paths), XML entities, zip slip and
zip bombs, under every accepted extension and inside zips. Each is refused with a message
that names the file and says nothing else about the server; nothing reaches GDAL."""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path

import geopandas
import pytest
from shapely import wkt
from sqlalchemy import text

from core.db import make_engine
from core.files.uploads import MAX_UPLOAD_BYTES, open_workbook, read_upload
from core.problems import ProblemError
from geo.io import read_polygons
from tests.security.upload_payloads import (
    SENTINEL,
    SQUARE,
    csv_wkt,
    geopackage,
    gml,
    kml_laughs,
    kml_xxe,
    lying_zip,
    secret_database,
    vrt,
    zip_bomb,
    zipped,
)

EXTENSIONS = [".geojson", ".json", ".kml", ".zip", ".xlsx"]
# what a user must never read: paths, SQL, a library's words
FORBIDDEN = [
    "/etc",
    "/tmp",
    "/vsi",
    "file:",
    "select",
    "sqlite",
    "gdal",
    "ogr",
    "vrt",
    "pyogrio",
    "traceback",
    "exception",
    "errno",
    "expat",
    "openpyxl",
    "zipfile",
    "pyshp",
    "shapely",
    "password",
    "app_user",
    "not recognized",
    "line 1",
]


@pytest.fixture(autouse=True)
def no_gdal(monkeypatch):
    """Any call into GDAL during these tests fails them."""
    import pyogrio

    def called(*args, **kwargs):
        raise AssertionError("GDAL was asked to open an upload")

    for name in ("read_dataframe", "read_info", "list_layers", "open_arrow", "read_arrow"):
        monkeypatch.setattr(pyogrio, name, called, raising=False)
    monkeypatch.setattr(geopandas, "read_file", called)


@pytest.fixture(scope="module")
def secret(tmp_path_factory) -> Path:
    return secret_database(tmp_path_factory.mktemp("secret") / "secret.sqlite")


def payloads(secret: Path, tmp: Path) -> dict[str, bytes]:
    """Every hostile content, by name."""
    gpkg = geopackage(tmp / "p.gpkg")
    return {
        "vrt-sql": vrt(str(secret)),
        "vrt-vsizip": vrt(f"/vsizip/{secret}.zip/grids.shp"),
        "vrt-vsicurl": vrt("/vsicurl/http://127.0.0.1:9/grids.geojson"),
        "sqlite": secret.read_bytes(),
        "geopackage": gpkg,
        "csv-wkt": csv_wkt(),
        "gml": gml(),
        "vsi-path": f"/vsizip/{secret}/x.shp".encode(),
        "kml-xxe": kml_xxe(),
        "kml-laughs": kml_laughs(),
    }


def refused(data: bytes, filename: str) -> list:
    """The problems an upload is refused with, through the entry point its extension uses."""
    if filename.endswith(".xlsx"):
        with pytest.raises(ProblemError) as info:
            open_workbook(data, filename)
    else:
        with pytest.raises(ProblemError) as info:
            read_polygons(data, filename, "WGS84")
    assert info.value.problems
    return info.value.problems


def assert_clean(problems: list, filename: str, secret_values=(SENTINEL,)) -> None:
    """Each problem names the file, and none shows a path, SQL, a library's text or a
    secret (the user's own file name and extension aside)."""
    extension = Path(filename).suffix
    for p in problems:
        for lang in ("zh", "en"):
            line = p.text(lang)
            assert filename in line, line
            lowered = line.replace(filename, "").replace(extension or filename, "").lower()
            for word in FORBIDDEN:
                assert word not in lowered, (word, line)
            for value in secret_values:
                assert value not in line, line


@pytest.mark.parametrize("extension", EXTENSIONS)
def test_foreign_formats_are_refused_under_every_extension(secret, tmp_path, extension):
    for name, data in payloads(secret, tmp_path).items():
        filename = f"grids-{name}{extension}"
        assert_clean(refused(data, filename), filename)


@pytest.mark.parametrize("member", ["grids.shp", "grids.dbf", "grids.shx", "a/../../grids.shp"])
def test_foreign_formats_inside_a_zip_are_refused(secret, tmp_path, member):
    real = shapefile_members(tmp_path)
    for name, data in payloads(secret, tmp_path).items():
        members = dict(real) | {member.rsplit("/", 1)[-1]: data}
        if "/" in member:  # zip slip: the hostile part under a name that climbs out
            members = {member if k == "grids.shp" else k: v for k, v in members.items()}
        filename = f"grids-{name}.zip"
        assert_clean(refused(zipped(members), filename), filename)


@pytest.mark.parametrize("extension", [".zip", ".xlsx"])
def test_vrt_and_sqlite_inside_a_zip_or_workbook(secret, extension):
    for members in (
        {"grids.vrt": vrt(str(secret)), "grids.shp": vrt(str(secret))},
        {"grids.shp": secret.read_bytes()},
        {"xl/workbook.xml": vrt(str(secret)), "[Content_Types].xml": b"<x/>"},
        {"readme.txt": b"not a workbook"},
    ):
        filename = f"attack{extension}"
        assert_clean(refused(zipped(members), filename), filename)


def test_the_app_database_survives_every_attempt(county_copy, tmp_path):
    """VRT documents aimed at the app's own database (its WAL open): refused, the WAL file
    stays, the database answers, and no password hash shows up in any message."""
    path = Path(county_copy.split("///", 1)[1])
    engine = make_engine(county_copy)
    with engine.connect() as conn:  # a connection in WAL mode keeps the -wal file
        hashes = conn.execute(text("SELECT password_hash FROM app_user")).scalars().all()
        conn.execute(text("UPDATE app_user SET display_name = display_name"))
        conn.commit()
        wal = Path(f"{path}-wal")
        assert wal.exists()
        sql = f"SELECT username || password_hash AS name, '{SQUARE}' AS wkt FROM app_user"
        for extension in EXTENSIONS:
            for data in (
                vrt(str(path), sql),
                path.read_bytes(),
                zipped({"grids.shp": vrt(str(path), sql)}),
            ):
                filename = f"grids{extension}"
                assert_clean(refused(data, filename), filename, secret_values=hashes)
        assert wal.exists()
        assert conn.execute(text("SELECT COUNT(*) FROM app_user")).scalar_one() >= 3
    engine.dispose()


def shapefile_members(tmp_path: Path) -> dict[str, bytes]:
    folder = tmp_path / "shp"
    folder.mkdir(exist_ok=True)
    geopandas.GeoDataFrame(
        {"name": ["网格-1"]}, geometry=[wkt.loads(SQUARE)], crs="EPSG:4326"
    ).to_file(folder / "grids.shp")
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_zip_slip_names_are_flattened_and_nothing_is_written(tmp_path, monkeypatch):
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)  # "../../x" would land in tmp_path
    members = {f"../../{name}": data for name, data in shapefile_members(tmp_path).items()}
    before = sorted(tmp_path.rglob("*"))
    grids = read_polygons(zipped(members), "slip.zip", "WGS84")
    assert list(grids["name"]) == ["网格-1"]
    assert sorted(tmp_path.rglob("*")) == before


@pytest.mark.parametrize("extension", [".zip", ".xlsx"])
def test_zip_bombs_are_refused(tmp_path, extension):
    real = shapefile_members(tmp_path)
    many = zipped({f"f{i}.txt": b"x" for i in range(1001)})
    for name, data in {
        "ratio": zip_bomb(),
        "lying-sizes": lying_zip(b"\0" * 5_000_000),
        "members": many,
    }.items():
        filename = f"bomb-{name}{extension}"
        assert_clean(refused(data, filename), filename)
    lying = lying_zip(real["grids.shp"])  # sizes lie about a real part: still refused
    assert_clean(refused(lying, "lie.zip"), "lie.zip")


@pytest.mark.parametrize("extension", EXTENSIONS)
@pytest.mark.parametrize("case", ["empty", "blank", "huge", "truncated", "corrupt", "text"])
def test_broken_files_get_a_message_naming_the_file(tmp_path, extension, case):
    good = {".zip": zipped(shapefile_members(tmp_path)), ".xlsx": workbook_bytes()}.get(
        extension, json.dumps({"type": "FeatureCollection", "features": []}).encode()
    )
    data = {
        "empty": b"",
        "blank": b" \n\t",
        "huge": b"PK\x03\x04" + b"\0" * MAX_UPLOAD_BYTES,
        "truncated": good[: len(good) // 2],
        "corrupt": good[:30] + bytes(b ^ 0x5A for b in good[30:200]) + good[200:],
        "text": "这不是地图文件 just text".encode(),
    }[case]
    filename = f"broken{extension}"
    if extension in (".geojson", ".json") and case in ("corrupt",):
        data = b'{"type": "FeatureCollection", "features": [' + b"\xff\xfe" * 10
    assert_clean(refused(data, filename), filename)


def test_a_wrong_extension_is_named():
    for filename in (
        "grids.gpkg",
        "grids.vrt",
        "grids.sqlite",
        "grids.csv",
        "grids",
        "grids.geojson.exe",
    ):
        problems = refused(b'{"type": "FeatureCollection", "features": []}', filename)
        assert_clean(problems, filename)
        assert "geojson" in problems[0].message("en")


def test_kml_entities_and_doctype_are_refused_before_parsing():
    for data in (
        kml_xxe(),
        kml_laughs(),
        kml_xxe().replace(b"file:///etc/passwd", b"http://127.0.0.1:9/x"),
    ):
        problems = refused(data, "grids.kml")
        assert_clean(problems, "grids.kml")
        assert "DOCTYPE" in problems[0].message("en")


def test_kml_utf16_doctype_is_refused_by_the_parser():
    data = (
        kml_xxe()
        .decode()
        .replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-16"?>')
    )
    problems = refused(data.encode("utf-16"), "grids.kml")
    assert_clean(problems, "grids.kml")


def test_xlsx_with_an_entity_in_a_part_is_refused():
    parts = dict(unzip(workbook_bytes()))
    sheet = next(n for n in parts if n.startswith("xl/worksheets/"))
    parts[sheet] = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM '
        b'"file:///etc/passwd">]>' + parts[sheet].split(b"?>", 1)[-1]
    )
    assert_clean(refused(zipped(parts), "targets.xlsx"), "targets.xlsx")


def test_geojson_that_is_not_geojson_is_refused():
    for doc in (
        {"type": "Topology"},
        [1, 2],
        {"type": "FeatureCollection", "features": 3},
        {"type": "FeatureCollection", "features": [{"type": "Polygon"}]},
        {
            "type": "FeatureCollection",
            "features": [],
            "crs": {"type": "link", "properties": {"href": "file:///etc/passwd"}},
        },
        {
            "type": "FeatureCollection",
            "features": [],
            "crs": {"type": "name", "properties": {"name": "+init=/etc/passwd"}},
        },
    ):
        assert_clean(refused(json.dumps(doc).encode(), "x.geojson"), "x.geojson")
    for raw in (
        b'{"type": "Point", "coordinates": [NaN, 1]}',
        b'{"type": "Point", "coordinates": [1e400, 1]}',
        b"[" * 100_000,
    ):
        assert_clean(refused(raw, "x.json"), "x.json")


def test_the_reader_registry_checks_magic_for_every_kind(secret):
    for kind, filename in (
        ("geojson", "a.geojson"),
        ("kml", "a.kml"),
        ("shapefile", "a.zip"),
        ("xlsx", "a.xlsx"),
    ):
        with pytest.raises(ProblemError) as info:
            read_upload(secret.read_bytes(), filename, (kind,))
        p = info.value.problems[0]
        assert (p.row, p.field, p.file) == (None, None, filename)  # the whole file
        assert_clean(info.value.problems, filename)


def test_no_module_hands_uploads_to_gdal():
    root = Path(__file__).resolve().parents[2]
    sources = [
        root / "app.py",
        *root.glob("pages/*.py"),
        *root.glob("core/**/*.py"),
        *root.glob("geo/*.py"),
    ]
    for path in sources:
        code = path.read_text(encoding="utf-8")
        for word in (
            "import pyogrio",
            "pyogrio.",
            "read_file(",
            "read_dataframe(",
            "import fiona",
            "osgeo",
        ):
            assert word not in code, f"{path.relative_to(root)} uses {word}"


def workbook_bytes() -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["a", "b"])
    wb.active.append([1, 2])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def unzip(data: bytes):
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return [(n, zf.read(n)) for n in zf.namelist()]


def test_a_legitimate_workbook_still_opens():
    wb = open_workbook(workbook_bytes(), "ok.xlsx")
    assert [list(r) for r in wb.active.iter_rows(values_only=True)] == [["a", "b"], [1, 2]]
    assert os.path.basename("ok.xlsx") == "ok.xlsx"


# ---- the narrow readers still read what banks send -----------------------------------


def test_kml_folders_multigeometry_holes_and_extended_data():
    ring = "107.32,25.83 107.33,25.83 107.33,25.84 107.32,25.84 107.32,25.83"
    hole = "107.322,25.832 107.324,25.832 107.324,25.834 107.322,25.832"
    far = "107.35,25.83 107.36,25.83 107.36,25.84 107.35,25.83"
    poly = (
        "<Polygon><outerBoundaryIs><LinearRing><coordinates>{}</coordinates></LinearRing>"
        "</outerBoundaryIs>{}</Polygon>"
    )
    inner = (
        f"<innerBoundaryIs><LinearRing><coordinates>{hole}</coordinates></LinearRing>"
        "</innerBoundaryIs>"
    )
    doc = (
        '<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2" '
        'xmlns:gx="http://www.google.com/kml/ext/2.2"><Document><Folder><name>支行</name>'
        '<Folder><Placemark><name>东网格</name><ExtendedData><Data name="编码"><value>E1'
        f"</value></Data></ExtendedData>{poly.format(ring, inner)}</Placemark></Folder>"
        "<Placemark><name>西网格</name><MultiGeometry><Point><coordinates>107.35,25.83"
        f"</coordinates></Point>{poly.format(far, '')}{poly.format(ring.replace('107.3', '107.4'), '')}"
        "</MultiGeometry></Placemark></Folder></Document></kml>"
    )
    grids = read_polygons(doc.encode(), "网格.kml", "WGS84")
    assert list(grids["name"]) == ["东网格", "西网格"]
    assert list(grids["code"]) == ["E1", None]
    assert len(grids.geometry[0].interiors) == 1
    assert grids.geometry[1].geom_type == "MultiPolygon"


def test_deeply_nested_kml_is_not_a_crash():
    depth = 200_000
    doc = (
        '<kml xmlns="http://www.opengis.net/kml/2.2">'
        + "<Folder>" * depth
        + "</Folder>" * depth
        + "</kml>"
    ).encode()
    assert_clean(refused(doc, "deep.kml"), "deep.kml")


def test_geojson_with_a_projected_crs_is_reprojected():
    from pyproj import Transformer

    to_gk = Transformer.from_crs("EPSG:4326", "EPSG:4547", always_xy=True)
    corners = [(107.32, 25.83), (107.323, 25.83), (107.323, 25.833), (107.32, 25.833)]
    ring = [list(to_gk.transform(x, y)) for x, y in corners]
    doc = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4547"}},
        "features": [
            {
                "type": "Feature",
                "properties": {"name": "a"},
                "geometry": {"type": "Polygon", "coordinates": [ring + ring[:1]]},
            }
        ],
    }
    grids = read_polygons(json.dumps(doc).encode(), "gk.geojson", "CGCS2000")
    x0, _y0, _x1, y1 = grids.total_bounds
    assert abs(x0 - 107.32) < 1e-6 and abs(y1 - 25.833) < 1e-6


def test_shapefile_with_a_gbk_cpg(tmp_path):
    folder = tmp_path / "gbk"
    folder.mkdir()
    geopandas.GeoDataFrame(
        {"名称": ["城东网格"]}, geometry=[wkt.loads(SQUARE)], crs="EPSG:4326"
    ).to_file(folder / "g.shp", encoding="gbk")
    members = {p.name: p.read_bytes() for p in folder.iterdir() if p.suffix != ".cpg"}
    grids = read_polygons(zipped(members | {"g.cpg": b"GBK"}), "g.zip", "WGS84")
    assert list(grids["name"]) == ["城东网格"]


def test_a_workbook_claiming_a_huge_sheet_is_read_quickly():
    parts = dict(unzip(workbook_bytes()))
    sheet = next(n for n in parts if n.startswith("xl/worksheets/"))
    parts[sheet] = parts[sheet].replace(b'<dimension ref="A1:B2"', b'<dimension ref="A1:XFD2"')
    wb = open_workbook(zipped(parts), "wide.xlsx")
    rows = list(wb.active.iter_rows(values_only=True, max_col=4))
    assert rows[1][:2] == (1, 2)


def test_every_upload_problem_key_has_both_languages():
    import re

    from core.i18n import TEXT

    root = Path(__file__).resolve().parents[2]
    used = set()
    for path in [*root.glob("core/**/*.py"), *root.glob("geo/*.py")]:
        code = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"""\b(?:problem|refuse|logged)\(\s*["']([a-z_]+)["']""", code))
        used |= set(re.findall(r"""\bProblem\(\s*["']uploads\.([a-z_]+)["']""", code))
    assert {"mismatch", "bad_zip", "formula", "code_taken"} <= used
    assert {k for k in used if f"uploads.{k}" not in TEXT} == set()
