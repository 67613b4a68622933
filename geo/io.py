"""Read grid polygons (网格边界) uploaded by bank staff: GeoJSON, zipped Shapefile or KML.

Everything is checked before anything is returned: :func:`read_polygons` either returns a
clean GeoDataFrame in WGS-84 or raises :class:`PolygonImportError` listing *all* problems
(row and field named, Chinese first, then English), so nothing half-imported is ever stored.
"""
from __future__ import annotations

import re
from dataclasses import replace

import geopandas
import pandas as pd
import shapely

from core.files.uploads import UploadError, UploadProblem, read_upload, safe_name

NAME_FIELDS = ("name", "NAME", "Name", "名称", "网格名称", "title")
CODE_FIELDS = ("code", "CODE", "编码", "网格编码")
KINDS = ("geojson", "shapefile", "kml")  # what core.files.uploads may read for grid polygons
MIN_INSIDE = 0.5  # a polygon must have at least this share of its area inside the boundary
CRS_LABEL = {"WGS84": "WGS-84", "GCJ02": "GCJ-02", "CGCS2000": "CGCS2000"}
REASON_ZH = {"Self-intersection": "自相交", "Ring Self-intersection": "环自相交",
             "Too few points": "点数过少", "Interior is disconnected": "内部不连通",
             "Hole lies outside shell": "内环在外环之外", "Nested holes": "内环相互嵌套",
             "Nested shells": "外环相互嵌套", "Duplicate Rings": "环重复",
             "Invalid Coordinate": "坐标无效", "Ring is not closed": "环未闭合"}

# One problem type and one error type for every upload (core.files.uploads); the names this module
# has always exported stay, for its callers.
ImportProblem = UploadProblem
PolygonImportError = UploadError


def _fail(field: str, zh: str, en: str) -> PolygonImportError:
    return PolygonImportError([ImportProblem(None, field, zh, en)])


def _load(data: bytes, filename: str) -> tuple[geopandas.GeoDataFrame, list[ImportProblem]]:
    """The file's features through the guarded reader (never GDAL), and the per-feature
    problems the reader found."""
    vectors = read_upload(data, filename, KINDS)
    if not vectors.geometries:
        raise _fail("file", "文件为空或没有要素", "The file is empty or has no features")
    frame = pd.DataFrame(vectors.properties, index=range(len(vectors.geometries)))
    frame = frame.drop(columns=[c for c in frame.columns if c == "geometry"])
    gdf = geopandas.GeoDataFrame(frame, geometry=geopandas.GeoSeries(vectors.geometries),
                                 crs=vectors.crs)
    return gdf, vectors.problems


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
    if crs not in CRS_LABEL:
        raise ValueError(f"crs must be one of {sorted(CRS_LABEL)}, not {crs!r}")
    try:
        return _checked(data, filename, crs, boundary, name_field)
    except PolygonImportError as err:  # every problem names the file it is about
        name = safe_name(filename)
        raise PolygonImportError([p if p.file else replace(p, file=name)
                                  for p in err.problems]) from None


def _checked(data: bytes, filename: str, crs: str, boundary: shapely.Geometry | None,
             name_field: str | None) -> geopandas.GeoDataFrame:
    from geo.crs import geometry_to_wgs84

    gdf, problems = _load(data, filename)
    unreadable = {p.row for p in problems}  # rows whose geometry the reader could not read
    if gdf.crs is not None and gdf.crs.is_projected:
        gdf = gdf.to_crs("EPSG:4326")
    raw = [None if g is None or g.is_empty else shapely.force_2d(g) for g in gdf.geometry]
    if not any(g is not None and g.geom_type in ("Polygon", "MultiPolygon") for g in raw):
        if problems:
            raise PolygonImportError(problems)
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
            if row not in unreadable:
                problems.append(ImportProblem(row, "geometry", "缺少几何",
                                              "The geometry is missing"))
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
