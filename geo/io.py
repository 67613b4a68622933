"""Read grid polygons (网格边界) uploaded by bank staff: GeoJSON, zipped Shapefile or KML.

Everything is checked before anything is returned: :func:`read_polygons` either returns a
clean GeoDataFrame in WGS-84 or raises :class:`PolygonImportError` listing *all* problems
(row and field named, Chinese first, then English), so nothing half-imported is ever stored.
"""
from __future__ import annotations

import re
import tempfile
import zipfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path, PurePosixPath

import geopandas
import pandas as pd
import pyogrio
import shapely

NAME_FIELDS = ("name", "NAME", "Name", "名称", "网格名称", "title")
CODE_FIELDS = ("code", "CODE", "编码", "网格编码")
FORMATS = {".geojson": "geojson", ".json": "geojson", ".zip": "shapefile", ".kml": "kml"}
MAX_UNZIPPED = 200 * 1024 * 1024  # bytes; refuse zip bombs
MIN_INSIDE = 0.5  # a polygon must have at least this share of its area inside the boundary
CRS_LABEL = {"WGS84": "WGS-84", "GCJ02": "GCJ-02", "CGCS2000": "CGCS2000"}
REASON_ZH = {"Self-intersection": "自相交", "Ring Self-intersection": "环自相交",
             "Too few points": "点数过少", "Interior is disconnected": "内部不连通",
             "Hole lies outside shell": "内环在外环之外", "Nested holes": "内环相互嵌套",
             "Nested shells": "外环相互嵌套", "Duplicate Rings": "环重复",
             "Invalid Coordinate": "坐标无效", "Ring is not closed": "环未闭合"}


@dataclass(frozen=True)
class ImportProblem:
    """One problem found in an uploaded file, shown to the user.

    Attributes
    ----------
    row : int or None
        1-based feature number in the file; ``None`` means the whole file.
    field : str or None
        What is wrong, e.g. ``"geometry"``, ``"name"`` or ``"file"``.
    message_zh, message_en : str
        The explanation in Chinese and in English.

    Examples
    --------
    >>> ImportProblem(None, "file", "文件为空或没有要素", "The file is empty").row is None
    True
    """

    row: int | None
    field: str | None
    message_zh: str
    message_en: str

    def __str__(self) -> str:
        where = "文件 file" if self.row is None else f"第 {self.row} 个要素 feature {self.row}"
        return f"[{where} / {self.field}] {self.message_zh} ({self.message_en})"


class PolygonImportError(Exception):
    """Raised when an upload cannot be imported; ``.problems`` lists every problem found.

    Examples
    --------
    >>> err = PolygonImportError([ImportProblem(None, "file", "文件为空", "empty file")])
    >>> err.problems[0].field
    'file'
    """

    def __init__(self, problems: list[ImportProblem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def _fail(field: str, zh: str, en: str) -> PolygonImportError:
    return PolygonImportError([ImportProblem(None, field, zh, en)])


def _read_vector(path: Path, **kwargs) -> geopandas.GeoDataFrame:
    """Read every layer of ``path`` (KML folders are layers) into one GeoDataFrame."""
    try:
        layers = [str(name) for name, _ in pyogrio.list_layers(path)]
        frames = [pyogrio.read_dataframe(path, layer=layer, **kwargs) for layer in layers]
    except Exception as exc:  # pyogrio raises several error types for unreadable data
        raise _fail("file", f"无法读取文件：{exc}", f"Cannot read the file: {exc}") from exc
    frames = [f for f in frames if len(f)]
    if not frames:
        raise _fail("file", "文件为空或没有要素", "The file is empty or has no features")
    crs = frames[0].crs
    return geopandas.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry",
                                  crs=crs)


def _extract_shapefile(data: bytes, tmp: Path) -> Path:
    """Unzip the first .shp (and its side files) of a zip archive into ``tmp``."""
    try:
        archive = zipfile.ZipFile(BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise _fail("file", "不是有效的 zip 压缩包", "Not a valid zip archive") from exc
    with archive:
        names = [n for n in archive.namelist() if not n.startswith("__MACOSX/")]
        shps = [n for n in names if n.lower().endswith(".shp")]
        if not shps:
            raise _fail("file", "压缩包中没有 .shp 文件", "The zip archive contains no .shp file")
        stem = shps[0][:-4]
        members = [n for n in names if n[:-4] == stem or n.lower().startswith(stem.lower() + ".")]
        if sum(archive.getinfo(n).file_size for n in members) > MAX_UNZIPPED:
            raise _fail("file", "压缩包解压后过大", "The zip archive is too large when unpacked")
        for member in members:  # flatten, so no path in the archive can escape ``tmp``
            suffix = PurePosixPath(member).suffix.lower()
            (tmp / f"upload{suffix}").write_bytes(archive.read(member))
    if not (tmp / "upload.shx").exists() or not (tmp / "upload.dbf").exists():
        raise _fail("file", "Shapefile 缺少 .shx 或 .dbf 文件",
                    "The shapefile lacks its .shx or .dbf file")
    return tmp / "upload.shp"


def _load(data: bytes, filename: str) -> geopandas.GeoDataFrame:
    kind = FORMATS.get(PurePosixPath(filename.lower()).suffix)
    if kind is None:
        raise _fail("file", f"不支持的文件类型：{filename}（请上传 .geojson、.json、.zip 或 .kml）",
                    f"Unsupported file type: {filename} (upload .geojson, .json, .zip or .kml)")
    if not data.strip():
        raise _fail("file", "文件为空或没有要素", "The file is empty or has no features")
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        if kind == "shapefile":
            path = _extract_shapefile(data, tmp)
            has_cpg = path.with_suffix(".cpg").exists()
            try:  # without a .cpg, Chinese shapefiles are usually GBK
                return _read_vector(path, **({} if has_cpg else {"encoding": "utf-8"}))
            except PolygonImportError:
                if has_cpg:
                    raise
                return _read_vector(path, encoding="gbk")
        path = tmp / ("upload.kml" if kind == "kml" else "upload.geojson")
        path.write_bytes(data)
        return _read_vector(path)


def _reason(geom: shapely.Geometry) -> tuple[str, str] | None:
    """Return (Chinese, English) of why ``geom`` is invalid, or None when it is valid."""
    if shapely.is_valid(geom):
        return None
    reason = shapely.is_valid_reason(geom)
    match = re.match(r"([^\[]*)\[([^\]]*)\]", reason)
    text, where = (match.group(1).strip(), match.group(2)) if match else (reason, "")
    en = f"{text} at or near point {where}" if where else text
    return f"{REASON_ZH.get(text, '几何无效')} {en}", en


def _share_inside(geoms: list, boundary: shapely.Geometry) -> list[float]:
    return [shapely.area(shapely.intersection(g, boundary)) / g.area if g.area else 0.0
            for g in geoms]


def _text(value) -> str | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip() or None


def read_polygons(data: bytes, filename: str, crs: str, *, boundary: shapely.Geometry | None = None,
                  name_field: str | None = None) -> geopandas.GeoDataFrame:
    """Read grid polygons from an uploaded file, convert them to WGS-84 and check them.

    Parameters
    ----------
    data : bytes
        The uploaded file's content.
    filename : str
        Its name; the extension decides the format: ``.geojson``/``.json`` (GeoJSON), ``.zip``
        (zipped Shapefile, the first ``.shp`` inside, sub-folders allowed) or ``.kml``.
    crs : {"WGS84", "GCJ02", "CGCS2000"}
        What the user declares the coordinates are in. A shapefile whose ``.prj`` names a
        projected CRS is first reprojected to lon/lat; the declaration is applied after that.
    boundary : shapely.Geometry, optional
        The county (WGS-84). Polygons less than half inside it are rejected; when most are
        outside but the other choice of WGS-84/GCJ-02 would put them inside, the message says so.
    name_field : str, optional
        The attribute holding grid names; by default the first of :data:`NAME_FIELDS` present.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``name``, ``code`` (or None), ``geometry`` (Polygon/MultiPolygon, EPSG:4326)
        and ``row`` (1-based feature number in the file).

    Raises
    ------
    PolygonImportError
        With every problem found (``.problems``); nothing is returned then.

    Examples
    --------
    >>> import json
    >>> square = [[107.32, 25.83], [107.323, 25.83], [107.323, 25.833], [107.32, 25.833]]
    >>> feature = {"type": "Feature", "properties": {"name": "一号网格"},
    ...            "geometry": {"type": "Polygon", "coordinates": [square + square[:1]]}}
    >>> text = '{"type": "FeatureCollection", "features": [%s]}' % json.dumps(feature)
    >>> grids = read_polygons(text.encode(), "grids.geojson", "WGS84")
    >>> list(grids.columns), grids.crs.to_epsg(), grids.loc[0, "name"]
    (['name', 'code', 'geometry', 'row'], 4326, '一号网格')
    >>> try:
    ...     read_polygons(b"x", "grids.xlsx", "WGS84")
    ... except PolygonImportError as err:
    ...     print(err.problems[0].field)
    file
    """
    from geo.crs import geometry_to_wgs84

    if crs not in CRS_LABEL:
        raise ValueError(f"crs must be one of {sorted(CRS_LABEL)}, not {crs!r}")
    gdf = _load(data, filename)
    if gdf.crs is not None and gdf.crs.is_projected:
        gdf = gdf.to_crs("EPSG:4326")
    problems: list[ImportProblem] = []
    raw = [None if g is None or g.is_empty else shapely.force_2d(g) for g in gdf.geometry]
    if not any(g is not None and g.geom_type in ("Polygon", "MultiPolygon") for g in raw):
        kinds = sorted({g.geom_type for g in raw if g is not None}) or ["无 none"]
        raise _fail("geometry", f"文件中只有点/线要素（{', '.join(kinds)}），没有面",
                    f"Only points/lines were found ({', '.join(kinds)}), no polygons")
    xmin, ymin, xmax, ymax = shapely.total_bounds([g for g in raw if g is not None])
    if xmin < -180 or xmax > 180 or ymin < -90 or ymax > 90:
        raise _fail("file", "坐标不是经纬度（投影坐标缺少 .prj？）",
                    "Coordinates are not longitude/latitude (projected data without a .prj?)")

    polys: dict[int, shapely.Geometry] = {}  # index -> raw, valid polygon
    for i, geom in enumerate(raw):
        row = i + 1
        if geom is None:
            problems.append(ImportProblem(row, "geometry", "缺少几何", "The geometry is missing"))
        elif geom.geom_type not in ("Polygon", "MultiPolygon"):
            problems.append(ImportProblem(row, "geometry", f"不是面（{geom.geom_type}）",
                                          f"Not a polygon ({geom.geom_type})"))
        elif (reason := _reason(geom)) is not None:
            problems.append(ImportProblem(row, "geometry", f"几何无效：{reason[0]}",
                                          f"Invalid polygon: {reason[1]}"))
        else:
            polys[i] = geom
    converted = {i: geometry_to_wgs84(g, crs) for i, g in polys.items()}

    if boundary is not None and polys:
        inside = dict(zip(converted, _share_inside(list(converted.values()), boundary)))
        outside = [i for i, share in inside.items() if share < MIN_INSIDE]
        alt = "WGS84" if crs == "GCJ02" else "GCJ02"
        hint_zh = hint_en = ""
        if 2 * len(outside) > len(polys):
            alt_share = _share_inside([geometry_to_wgs84(polys[i], alt) for i in polys], boundary)
            if 2 * sum(s < MIN_INSIDE for s in alt_share) < len(polys):
                hint_zh = f"；看起来是 {CRS_LABEL[alt]} 坐标却声明为 {CRS_LABEL[crs]}"
                hint_en = f"; looks like {CRS_LABEL[alt]} coordinates declared as {CRS_LABEL[crs]}"
        for i in outside:
            pct = round(100 * inside[i])
            problems.append(ImportProblem(
                i + 1, "geometry", f"网格大部分在县域之外（仅 {pct}% 在内）{hint_zh}",
                f"The polygon lies mostly outside the county (only {pct}% inside){hint_en}"))

    columns = list(gdf.columns)
    if name_field is not None and name_field not in columns:
        problems.append(ImportProblem(None, "name", f"找不到名称字段“{name_field}”",
                                      f"Name field {name_field!r} not found"))
    name_col = name_field if name_field in columns else next(
        (c for c in NAME_FIELDS if c in columns), None)
    code_col = next((c for c in CODE_FIELDS if c in columns), None)
    names = [(_text(v) if name_col else None) or f"网格{i + 1}"
             for i, v in enumerate(gdf[name_col] if name_col else [None] * len(gdf))]
    first_row: dict[str, int] = {}
    for i, name in enumerate(names):
        if name in first_row:
            problems.append(ImportProblem(
                i + 1, "name", f"名称“{name}”与第 {first_row[name]} 个要素重复",
                f"Name {name!r} duplicates feature {first_row[name]}"))
        first_row.setdefault(name, i + 1)

    if problems:
        raise PolygonImportError(sorted(problems, key=lambda p: (p.row or 0, p.field or "")))
    codes = [_text(v) for v in gdf[code_col]] if code_col else [None] * len(gdf)
    return geopandas.GeoDataFrame(
        {"name": names, "code": codes, "geometry": [converted[i] for i in range(len(gdf))],
         "row": list(range(1, len(gdf) + 1))}, geometry="geometry", crs="EPSG:4326")
