"""Readers of uploaded vector files (GeoJSON, KML, zipped Shapefile) for core.files.uploads.

Each reader takes an :class:`core.files.guard.Upload` that passed the common checks and returns
:class:`VectorData`: every feature's attributes and shapely geometry (``None`` when it has
none), in the file's order, and the coordinate system the file declares (``None``: lon/lat
as the user says). They parse with ``json``, the standard library's expat and pyshp only;
no reader opens anything but the bytes it is given (no GDAL, no paths, no URLs, no DTDs).
"""

from __future__ import annotations

import codecs
import json
import math
import re
import xml.parsers.expat
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import PurePosixPath

import numpy as np
import shapely
from shapely.geometry import shape

from core.files.guard import Upload, logged, problem, refuse, zip_members

GEOMETRY_TYPES = {
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
    "GeometryCollection",
}
# EPSG:4326 / OGC CRS84 written as a GeoJSON "name" crs, in its usual spellings
_CRS_NAME = re.compile(r"^(?:urn:ogc:def:crs:)?(EPSG|OGC)(?::[\d.]*)?:+(\d+|CRS84)$", re.I)
_CPG = {
    "utf8": "utf-8",
    "utf-8": "utf-8",
    "65001": "utf-8",
    "gbk": "gbk",
    "936": "gbk",
    "cp936": "gbk",
    "gb2312": "gbk",
    "gb18030": "gb18030",
    "big5": "big5",
    "950": "big5",
    "latin1": "latin-1",
    "iso-8859-1": "latin-1",
    "1252": "cp1252",
}
_SHP_TYPES = {0, 1, 3, 5, 8, 11, 13, 15, 18, 21, 23, 25, 28, 31}
_DBF_VERSIONS = {0x02, 0x03, 0x30, 0x31, 0x32, 0x43, 0x63, 0x83, 0x8B, 0xCB, 0xE5, 0xF5, 0xFB}


@dataclass
class VectorData:
    """The features of an uploaded vector file."""

    properties: list[dict] = field(default_factory=list)
    geometries: list = field(default_factory=list)  # shapely geometries or None
    crs: object = None  # pyproj.CRS the file declares, or None
    problems: list = field(default_factory=list)  # per-feature problems (row, field)


def _geometry(obj, upload: Upload, row: int, data: VectorData):
    """A shapely geometry from a GeoJSON geometry object; a problem when it is not one."""
    if obj is None:
        return None
    try:
        if not isinstance(obj, dict) or obj.get("type") not in GEOMETRY_TYPES:
            raise ValueError("not a GeoJSON geometry")
        geom = shape(obj)
        if not np.isfinite(shapely.get_coordinates(geom)).all():
            raise ValueError("coordinates are not finite")
        return geom
    except Exception as exc:  # shapely raises several kinds for a malformed object
        data.problems.append(problem("bad_geometry", upload.name, row, "geometry"))
        logged("bad_geometry", upload.name, exc)
        return None


def _crs(member, upload: Upload):
    """The pyproj CRS of a GeoJSON ``crs`` member (EPSG codes and CRS84 only)."""
    from pyproj import CRS

    if member is None:
        return None
    name = (member.get("properties") or {}).get("name") if isinstance(member, dict) else None
    match = _CRS_NAME.match(str(name or "").strip())
    if not match or member.get("type") != "name":
        raise refuse("bad_crs", upload.name)
    try:
        return CRS.from_user_input(
            "OGC:CRS84" if match.group(2).upper() == "CRS84" else f"EPSG:{int(match.group(2))}"
        )
    except Exception as exc:  # an EPSG code PROJ does not know
        raise refuse("bad_crs", upload.name, exc) from None


def _no_constant(value: str):
    raise ValueError(f"{value} is not allowed in GeoJSON")


def read_geojson(upload: Upload) -> VectorData:
    """A GeoJSON FeatureCollection, Feature or geometry object (RFC 7946; a 2008-style
    ``crs`` naming an EPSG code is honoured). NaN/Infinity and non-finite numbers refused."""
    try:
        text = upload.data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise refuse("encoding", upload.name, exc) from None
    try:
        doc = json.loads(text, parse_constant=_no_constant)
    except (ValueError, RecursionError) as exc:
        raise refuse("bad_json", upload.name, exc) from None
    kind = doc.get("type") if isinstance(doc, dict) else None
    if kind == "FeatureCollection":
        features = doc.get("features")
        if not isinstance(features, list):
            raise refuse("not_geojson", upload.name)
    elif kind == "Feature":
        features = [doc]
    elif kind in GEOMETRY_TYPES:
        features = [{"type": "Feature", "properties": {}, "geometry": doc}]
    else:
        raise refuse("not_geojson", upload.name)
    data = VectorData(crs=_crs(doc.get("crs"), upload))
    for row, feature in enumerate(features, start=1):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            raise refuse("not_geojson", upload.name)
        props = feature.get("properties") or {}
        if not isinstance(props, dict):
            data.problems.append(problem("bad_properties", upload.name, row, "properties"))
            props = {}
        data.properties.append({str(k): _scalar(v) for k, v in props.items()})
        data.geometries.append(_geometry(feature.get("geometry"), upload, row, data))
    return data


def _scalar(value):
    """An attribute as a plain scalar (nested objects become their JSON text)."""
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


# ---- KML -----------------------------------------------------------------------------


class _Refused(Exception):
    """A DOCTYPE, an entity or an external reference in an uploaded XML document."""


def _refuse_dtd(*args):
    raise _Refused()


@dataclass
class _Node:
    tag: str
    attrs: dict
    children: list = field(default_factory=list)
    text: str = ""

    def find(self, tag: str):
        return next((c for c in self.children if c.tag == tag), None)

    def iter(self, tag: str):
        """Descendants named ``tag`` in document order (no recursion: nesting is the
        uploader's to choose)."""
        stack = list(reversed(self.children))
        while stack:
            node = stack.pop()
            if node.tag == tag:
                yield node
            stack.extend(reversed(node.children))


def _parse_xml(upload: Upload) -> _Node:
    """The document as a small tree with namespace-free tag names; DOCTYPE and ENTITY
    declarations are refused before expat would act on them."""
    if b"<!DOCTYPE" in upload.data or b"<!ENTITY" in upload.data:
        raise refuse("xml_doctype", upload.name)
    parser = xml.parsers.expat.ParserCreate(encoding=None, namespace_separator="}")
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    for handler in (
        "StartDoctypeDeclHandler",
        "EntityDeclHandler",
        "UnparsedEntityDeclHandler",
        "ExternalEntityRefHandler",
    ):
        setattr(parser, handler, _refuse_dtd)
    root = _Node("", {})
    stack = [root]

    def start(name, attrs):
        node = _Node(name.rsplit("}", 1)[-1], attrs)
        stack[-1].children.append(node)
        stack.append(node)

    def end(name):
        stack.pop()

    def chars(text):
        stack[-1].text += text

    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.CharacterDataHandler = chars
    try:
        parser.Parse(upload.data, True)
    except _Refused:
        raise refuse("xml_doctype", upload.name) from None
    except (xml.parsers.expat.ExpatError, ValueError, RecursionError) as exc:
        raise refuse("bad_kml", upload.name, exc) from None
    if len(root.children) != 1 or root.children[0].tag != "kml":
        raise refuse("mismatch", upload.name, ext=upload.extension, kind="KML")
    return root.children[0]


def _coords(node: _Node | None) -> list[tuple[float, float]]:
    if node is None:
        raise ValueError("no coordinates")
    points = []
    for item in node.text.split():
        parts = item.split(",")
        if len(parts) < 2:
            raise ValueError("bad coordinate")
        x, y = float(parts[0]), float(parts[1])
        if not (math.isfinite(x) and math.isfinite(y)):
            raise ValueError("coordinates are not finite")
        points.append((x, y))
    return points


def _ring(boundary: _Node | None) -> list:
    ring = boundary.find("LinearRing") if boundary is not None else None
    return _coords(ring.find("coordinates") if ring is not None else None)


def _kml_geometry(node: _Node):
    from shapely.geometry import LineString, MultiPolygon, Point, Polygon

    if node.tag == "Point":
        return Point(_coords(node.find("coordinates"))[0])
    if node.tag == "LineString":
        return LineString(_coords(node.find("coordinates")))
    if node.tag == "Polygon":
        holes = [_ring(b) for b in node.children if b.tag == "innerBoundaryIs"]
        return Polygon(_ring(node.find("outerBoundaryIs")), holes)
    if node.tag == "MultiGeometry":
        parts = [_kml_geometry(c) for c in node.children if c.tag in _KML_GEOMETRIES]
        polygons = [p for p in parts if p.geom_type == "Polygon"]
        if polygons:
            return polygons[0] if len(polygons) == 1 else MultiPolygon(polygons)
        return parts[0] if len(parts) == 1 else shapely.GeometryCollection(parts)
    raise ValueError(f"unsupported KML geometry {node.tag}")


_KML_GEOMETRIES = ("Point", "LineString", "Polygon", "MultiGeometry")


def read_kml(upload: Upload) -> VectorData:
    """Every Placemark of a KML document (nested Folders included): its name, description,
    ExtendedData values and geometry (Polygon, MultiGeometry of polygons; points and
    lines are returned as such so the caller can say what the file holds)."""
    kml = _parse_xml(upload)
    data = VectorData()
    for row, mark in enumerate(kml.iter("Placemark"), start=1):
        props = {}
        for tag in ("name", "description"):
            if (node := mark.find(tag)) is not None:
                props[tag] = node.text.strip()
        extended = mark.find("ExtendedData")
        for item in extended.iter("Data") if extended is not None else ():
            value = item.find("value")
            props.setdefault(
                str(item.attrs.get("name", "")), value.text.strip() if value is not None else None
            )
        for item in extended.iter("SimpleData") if extended is not None else ():
            props.setdefault(str(item.attrs.get("name", "")), item.text.strip())
        geom_node = next((c for c in mark.children if c.tag in _KML_GEOMETRIES), None)
        geom = None
        if geom_node is not None:
            try:
                geom = _kml_geometry(geom_node)
            except Exception as exc:  # shapely or float() on a malformed geometry
                data.problems.append(problem("bad_geometry", upload.name, row, "geometry"))
                logged("bad_geometry", upload.name, exc)
        data.properties.append(props)
        data.geometries.append(geom)
    return data


# ---- zipped Shapefile ----------------------------------------------------------------


def _shp_header_ok(content: bytes) -> bool:
    """The 100-byte header of a .shp/.shx: file code 9994, version 1000, a known type."""
    return (
        len(content) >= 100
        and int.from_bytes(content[0:4], "big") == 9994
        and int.from_bytes(content[28:32], "little") == 1000
        and int.from_bytes(content[32:36], "little") in _SHP_TYPES
    )


def _dbf_header_ok(content: bytes) -> bool:
    """A dBASE header: a known version byte, a header length and a record length."""
    if len(content) < 33 or content[0] not in _DBF_VERSIONS:
        return False
    header, record = (
        int.from_bytes(content[8:10], "little"),
        int.from_bytes(content[10:12], "little"),
    )
    return 33 <= header <= len(content) and record >= 1


def _encoding(cpg: bytes | None) -> str | None:
    """The encoding a .cpg names (None: none given, or one not known here)."""
    if cpg is None:
        return None
    key = cpg.decode("ascii", "ignore").strip().lower()
    name = _CPG.get(key) or _CPG.get(key.replace("cp", "").replace("windows-", ""))
    if name is None:
        try:
            name = codecs.lookup(key).name
        except LookupError:
            return None
    return name


def read_shapefile_zip(upload: Upload) -> VectorData:
    """The first Shapefile in a zip archive (sub-folders allowed): .shp, .shx and .dbf
    must be there and start as those formats do; .prj (WKT) and .cpg are honoured; without
    a .cpg the attributes are read as UTF-8, else as GBK (Chinese desktop GIS)."""
    import shapefile  # pyshp: pure Python, reads only the bytes given to it
    from pyproj import CRS

    members = zip_members(
        upload,
        lambda flat: PurePosixPath(flat.lower()).suffix in (".shp", ".shx", ".dbf", ".prj", ".cpg"),
    )
    shps = [n for n in members if n.lower().endswith(".shp")]
    if not shps:
        raise refuse("zip_no_shp", upload.name)
    stem = shps[0][:-4].lower()
    part = {
        PurePosixPath(n.lower()).suffix: c
        for n, c in reversed(members.items())
        if n[:-4].lower() == stem
    }
    if ".shx" not in part or ".dbf" not in part:
        raise refuse("shp_parts", upload.name)
    for suffix, ok in (
        (".shp", _shp_header_ok),
        (".shx", _shp_header_ok),
        (".dbf", _dbf_header_ok),
    ):
        if not ok(part[suffix]):
            raise refuse("shp_bad_part", upload.name, part=suffix)
    crs = None
    if ".prj" in part:
        try:
            crs = CRS.from_wkt(part[".prj"].decode("utf-8-sig", "strict").strip())
        except Exception as exc:  # not WKT, or a CRS PROJ cannot build
            raise refuse("bad_prj", upload.name, exc) from None
    declared = _encoding(part.get(".cpg"))
    errors = []
    for encoding in [declared] if declared else ["utf-8", "gbk"]:
        try:
            reader = shapefile.Reader(
                shp=BytesIO(part[".shp"]),
                shx=BytesIO(part[".shx"]),
                dbf=BytesIO(part[".dbf"]),
                encoding=encoding,
            )
            names = [f[0] for f in reader.fields[1:]]
            rows = [(list(sr.record), sr.shape) for sr in reader.iterShapeRecords()]
            break
        except Exception as exc:  # pyshp raises several kinds for damaged or mis-encoded files
            errors.append(exc)
    else:
        decoding = any(isinstance(e, UnicodeError) or "decode" in str(e) for e in errors)
        raise refuse(
            "encoding" if decoding else "shp_bad_part",
            upload.name,
            errors[-1],
            **({} if decoding else {"part": ".shp/.dbf"}),
        )
    data = VectorData(crs=crs)
    for row, (record, shp) in enumerate(rows, start=1):
        data.properties.append({n: _scalar(v) for n, v in zip(names, record, strict=False)})
        if shp.shapeType == shapefile.NULL:
            data.geometries.append(None)
        else:
            data.geometries.append(_geometry(shp.__geo_interface__, upload, row, data))
    return data
