"""Read grid polygons (网格边界) uploaded by bank staff: GeoJSON, zipped Shapefile or KML.

Everything is checked before anything is returned: :func:`read_polygons` either returns a
clean GeoDataFrame in WGS-84 or raises :class:`core.problems.ProblemError` listing *all*
problems (file, feature and field named), so nothing half-imported is ever stored.
"""

from __future__ import annotations

import re
from dataclasses import replace

import geopandas
import pandas as pd
import shapely

from core.files.guard import problem, safe_name
from core.files.uploads import read_upload
from core.problems import Problem, ProblemError, Term

NAME_FIELDS = ("name", "NAME", "Name", "名称", "网格名称", "title")
CODE_FIELDS = ("code", "CODE", "编码", "网格编码")
KINDS = ("geojson", "shapefile", "kml")  # what core.files.uploads may read for grid polygons
MIN_INSIDE = 0.5  # a polygon must have at least this share of its area inside the boundary
CRS_LABEL = {"WGS84": "WGS-84", "GCJ02": "GCJ-02", "CGCS2000": "CGCS2000"}
# shapely's reasons for an invalid polygon, each an i18n key problem.geometry.reason.<slug>
REASONS = {
    "Self-intersection": "self_intersection",
    "Ring Self-intersection": "ring_self_intersection",
    "Too few points": "too_few_points",
    "Interior is disconnected": "disconnected",
    "Hole lies outside shell": "hole_outside",
    "Nested holes": "nested_holes",
    "Nested shells": "nested_shells",
    "Duplicate Rings": "duplicate_rings",
    "Invalid Coordinate": "invalid_coordinate",
    "Ring is not closed": "not_closed",
}


def _feature(key: str, row: int | None, field: str, **values) -> Problem:
    """A problem ``problem.geometry.<key>`` of the file (or of its feature ``row``)."""
    return Problem(f"problem.geometry.{key}", values, row=row, field=field, row_kind="feature")


def _load(data: bytes, filename: str) -> tuple[geopandas.GeoDataFrame, list[Problem]]:
    """The file's features through the guarded reader (never GDAL), and the per-feature
    problems the reader found."""
    vectors = read_upload(data, filename, KINDS)
    if not vectors.geometries:
        raise ProblemError(problem("empty"))
    frame = pd.DataFrame(vectors.properties, index=range(len(vectors.geometries)))
    frame = frame.drop(columns=[c for c in frame.columns if c == "geometry"])
    gdf = geopandas.GeoDataFrame(
        frame, geometry=geopandas.GeoSeries(vectors.geometries), crs=vectors.crs
    )
    return gdf, vectors.problems


def _invalid(geom: shapely.Geometry, row: int) -> Problem | None:
    """Why ``geom`` (feature ``row``) is invalid, as a problem; None when it is valid.

    Examples
    --------
    >>> bowtie = shapely.Polygon([(0, 0), (1, 1), (1, 0), (0, 1)])
    >>> _invalid(bowtie, 2).text("zh")
    '第 2 个要素 [geometry]:几何无效:自相交(位于 0.5 0.5 附近)'
    >>> _invalid(bowtie, 2).text("en")
    'feature 2 [geometry]: Invalid polygon: Self-intersection at or near point 0.5 0.5'
    """
    if shapely.is_valid(geom):
        return None
    reason = shapely.is_valid_reason(geom)
    match = re.match(r"([^\[]*)\[([^\]]*)\]", reason)
    text, point = (match.group(1).strip(), match.group(2)) if match else (reason, "")
    if text not in REASONS:  # a reason of a later GEOS: said as it says it
        return _feature("invalid", row, "geometry", reason=reason)
    said = Term(f"problem.geometry.reason.{REASONS[text]}")
    if point:
        return _feature("invalid_at", row, "geometry", reason=said, point=point)
    return _feature("invalid", row, "geometry", reason=said)


def _share_inside(geoms: list, boundary: shapely.Geometry) -> list[float]:
    return [
        shapely.area(shapely.intersection(g, boundary)) / g.area if g.area else 0.0 for g in geoms
    ]


def _text(value) -> str | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip() or None


def read_polygons(
    data: bytes,
    filename: str,
    crs: str,
    *,
    boundary: shapely.Geometry | None = None,
    name_field: str | None = None,
    code_fields: tuple[str, ...] = CODE_FIELDS,
    name_fields: tuple[str, ...] = NAME_FIELDS,
    unique_names: bool = True,
    unnamed: str | None = "网格{}",
) -> geopandas.GeoDataFrame:
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
        The attribute holding grid names; by default the first of ``name_fields`` present.
    code_fields, name_fields : tuple of str
        The attributes that may hold codes / names, first present wins (default
        :data:`CODE_FIELDS`, :data:`NAME_FIELDS`; other polygon files name them otherwise).
    unique_names : bool
        Two polygons of one name are a problem (grids); False lets names repeat (villages of
        one name in two townships).
    unnamed : str or None
        The name of a polygon without one, ``{}`` its feature number; None leaves it None.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``name``, ``code`` (or None), ``geometry`` (Polygon/MultiPolygon, EPSG:4326)
        and ``row`` (1-based feature number in the file).

    Raises
    ------
    core.problems.ProblemError
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
    ... except ProblemError as err:
    ...     print(err.problems[0].key, err.problems[0].file)
    uploads.extension grids.xlsx
    """
    if crs not in CRS_LABEL:
        raise ValueError(f"crs must be one of {sorted(CRS_LABEL)}, not {crs!r}")
    try:
        return _checked(
            data,
            filename,
            crs,
            boundary,
            name_field,
            code_fields=code_fields,
            name_fields=name_fields,
            unique_names=unique_names,
            unnamed=unnamed,
        )
    except ProblemError as err:  # every problem names the file it is about
        name = safe_name(filename)
        raise ProblemError([p if p.file else replace(p, file=name) for p in err.problems]) from None


def _checked(
    data: bytes,
    filename: str,
    crs: str,
    boundary: shapely.Geometry | None,
    name_field: str | None,
    *,
    code_fields: tuple[str, ...] = CODE_FIELDS,
    name_fields: tuple[str, ...] = NAME_FIELDS,
    unique_names: bool = True,
    unnamed: str | None = "网格{}",
) -> geopandas.GeoDataFrame:
    from geo.crs import geometry_to_wgs84

    gdf, problems = _load(data, filename)
    unreadable = {p.row for p in problems}  # rows whose geometry the reader could not read
    if gdf.crs is not None and gdf.crs.is_projected:
        gdf = gdf.to_crs("EPSG:4326")
    raw = [None if g is None or g.is_empty else shapely.force_2d(g) for g in gdf.geometry]
    if not any(g is not None and g.geom_type in ("Polygon", "MultiPolygon") for g in raw):
        if problems:
            raise ProblemError(problems)
        kinds = sorted({g.geom_type for g in raw if g is not None})
        raise ProblemError(
            _feature("no_polygons", None, "geometry", kinds=", ".join(kinds))
            if kinds
            else _feature("no_geometry", None, "geometry")
        )
    xmin, ymin, xmax, ymax = shapely.total_bounds([g for g in raw if g is not None])
    if xmin < -180 or xmax > 180 or ymin < -90 or ymax > 90:
        raise ProblemError(Problem("problem.geometry.not_lonlat"))

    polys: dict[int, shapely.Geometry] = {}  # index -> raw, valid polygon
    for i, geom in enumerate(raw):
        row = i + 1
        if geom is None:
            if row not in unreadable:
                problems.append(_feature("missing", row, "geometry"))
        elif geom.geom_type not in ("Polygon", "MultiPolygon"):
            problems.append(_feature("not_polygon", row, "geometry", kind=geom.geom_type))
        elif (invalid := _invalid(geom, row)) is not None:
            problems.append(invalid)
        else:
            polys[i] = geom
    converted = {i: geometry_to_wgs84(g, crs) for i, g in polys.items()}

    if boundary is not None and polys:
        inside = dict(
            zip(converted, _share_inside(list(converted.values()), boundary), strict=False)
        )
        outside = [i for i, share in inside.items() if share < MIN_INSIDE]
        alt = "WGS84" if crs == "GCJ02" else "GCJ02"
        swapped = False  # most outside, but inside under the other choice: say so
        if 2 * len(outside) > len(polys):
            alt_share = _share_inside([geometry_to_wgs84(polys[i], alt) for i in polys], boundary)
            swapped = 2 * sum(s < MIN_INSIDE for s in alt_share) < len(polys)
        for i in outside:
            pct = round(100 * inside[i])
            problems.append(
                _feature(
                    "outside_swapped",
                    i + 1,
                    "geometry",
                    pct=pct,
                    looks=CRS_LABEL[alt],
                    declared=CRS_LABEL[crs],
                )
                if swapped
                else _feature("outside", i + 1, "geometry", pct=pct)
            )

    columns = list(gdf.columns)
    if name_field is not None and name_field not in columns:
        problems.append(_feature("no_name_field", None, "name", name=name_field))
    name_col = (
        name_field
        if name_field in columns
        else next((c for c in name_fields if c in columns), None)
    )
    code_col = next((c for c in code_fields if c in columns), None)
    names = [
        (_text(v) if name_col else None) or (unnamed.format(i + 1) if unnamed else None)
        for i, v in enumerate(gdf[name_col] if name_col else [None] * len(gdf))
    ]
    first_row: dict[str, int] = {}
    for i, name in enumerate(names):
        if name is None or not unique_names:
            continue
        if name in first_row:
            problems.append(
                _feature("duplicate_name", i + 1, "name", name=name, other=first_row[name])
            )
        first_row.setdefault(name, i + 1)

    if problems:
        raise ProblemError(sorted(problems, key=lambda p: (p.row or 0, str(p.field or ""))))
    codes = [_text(v) for v in gdf[code_col]] if code_col else [None] * len(gdf)
    return geopandas.GeoDataFrame(
        {
            "name": names,
            "code": codes,
            "geometry": [converted[i] for i in range(len(gdf))],
            "row": list(range(1, len(gdf) + 1)),
        },
        geometry="geometry",
        crs="EPSG:4326",
    )
