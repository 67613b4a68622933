"""Hostile files for the upload attack tests: each builder returns the bytes of a payload
that GDAL (pyogrio) would open by its content whatever the file is called."""

from __future__ import annotations

import io
import sqlite3
import zipfile
from pathlib import Path

SENTINEL = "pbkdf2_sha256$600000$SENTINEL-7f3a9c$leaked-hash"
SQUARE = "POLYGON((107.32 25.83,107.323 25.83,107.323 25.833,107.32 25.833,107.32 25.83))"


def secret_database(path: Path) -> Path:
    """A SQLite file holding the sentinel (a fake password hash), as an app database would."""
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE app_user (username TEXT, password_hash TEXT)")
        conn.executemany(
            "INSERT INTO app_user VALUES (?, ?)", [("hq", SENTINEL), ("branch", SENTINEL)]
        )
    return path


def vrt(
    source: str, sql: str = f"SELECT password_hash AS name, '{SQUARE}' AS wkt FROM app_user"
) -> bytes:
    """An OGR VRT document running ``sql`` against the data source ``source``."""
    return (
        f'<OGRVRTDataSource><OGRVRTLayer name="grids">'
        f"<SrcDataSource>{source}</SrcDataSource><SrcSQL>{sql}</SrcSQL>"
        '<GeometryField encoding="WKT" field="wkt"/></OGRVRTLayer></OGRVRTDataSource>'
    ).encode()


def csv_wkt() -> bytes:
    return f'WKT,name\n"{SQUARE}",{SENTINEL}\n"{SQUARE}",{SENTINEL}\n'.encode()


def gml() -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<ogr:FeatureCollection xmlns:ogr="http://ogr.maptools.org/" '
        'xmlns:gml="http://www.opengis.net/gml"><gml:featureMember><ogr:grids>'
        "<ogr:geometryProperty><gml:Polygon><gml:outerBoundaryIs><gml:LinearRing>"
        "<gml:coordinates>107.32,25.83 107.323,25.83 107.323,25.833 107.32,25.83"
        "</gml:coordinates></gml:LinearRing></gml:outerBoundaryIs></gml:Polygon>"
        f"</ogr:geometryProperty><ogr:name>{SENTINEL}</ogr:name></ogr:grids>"
        "</gml:featureMember></ogr:FeatureCollection>"
    ).encode()


def geopackage(path: Path) -> bytes:
    """A GeoPackage (a SQLite database) with one polygon named by the sentinel."""
    import geopandas
    from shapely import wkt

    geopandas.GeoDataFrame(
        {"name": [SENTINEL]}, geometry=[wkt.loads(SQUARE)], crs="EPSG:4326"
    ).to_file(path, driver="GPKG")
    return path.read_bytes()


def kml_xxe() -> bytes:
    return (
        b'<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b'<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark><name>&xxe;'
        b"</name><Polygon><outerBoundaryIs><LinearRing><coordinates>107.32,25.83 "
        b"107.323,25.83 107.323,25.833 107.32,25.83</coordinates></LinearRing>"
        b"</outerBoundaryIs></Polygon></Placemark></Document></kml>"
    )


def kml_laughs() -> bytes:
    entities = '<!ENTITY a0 "ha">' + "".join(
        f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10)
    )
    return (
        f'<?xml version="1.0"?><!DOCTYPE kml [{entities}]>'
        '<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark>'
        "<name>&a9;</name></Placemark></Document></kml>"
    ).encode()


def zipped(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(zipfile.ZipInfo(name), data)  # ZipInfo keeps "../" in the name
    return out.getvalue()


def zip_bomb(megabytes: int = 40) -> bytes:
    """One member of zeros: ~1000:1, past the ratio limit."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf,
        zf.open("grids.shp", "w", force_zip64=True) as member,
    ):
        block = b"\0" * (1 << 20)
        for _ in range(megabytes):
            member.write(block)
    return out.getvalue()


def lying_zip(real: bytes, name: str = "grids.shp") -> bytes:
    """A zip whose directory says its member unpacks to 100 bytes while it holds ``real``."""
    data = bytearray(zipped({name: real}))
    for sig, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.find(sig)
        data[at + offset : at + offset + 4] = (100).to_bytes(4, "little")
    return bytes(data)
