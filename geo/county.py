"""A territory's geometry: villages, their illustrative areas, splitting and snapping areas.

Everything is WGS-84 (EPSG:4326, lon/lat). Village areas are often in no source a bank has:
they are then Voronoi cells of the village points, clipped to their township (or the service
area), which tile it exactly. Label them illustrative (示意) wherever they are shown. The
demo county's own files are read by :mod:`core.demo.county_files`, and only there.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import MultiPoint, Point, mapping, shape

CRS = "EPSG:4326"


@dataclass(frozen=True)
class Village:
    """A village-level unit with its point (WGS-84)."""

    code: str
    name: str
    short_name: str
    town_code: str
    town_name: str
    kind: str
    lon: float
    lat: float

    @property
    def is_community(self) -> bool:
        return self.kind.startswith("社区")


def voronoi_cells(points: np.ndarray, area: shapely.Geometry) -> list[shapely.Geometry]:
    """Split ``area`` into one cell per point (nearest point), in the order of ``points``.

    Parameters
    ----------
    points : ndarray of shape (n, 2)
        Seed points (lon, lat), all inside ``area``.
    area : shapely geometry
        The polygon to tile.

    Returns
    -------
    list of shapely geometries that tile ``area`` without gaps or overlaps.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> cells = voronoi_cells(np.array([[0.25, 0.5], [0.75, 0.5]]), box(0, 0, 1, 1))
    >>> [round(c.area, 2) for c in cells]
    [0.5, 0.5]
    """
    points = np.asarray(points, dtype=float)
    if len(points) == 1:
        return [area]
    raw = shapely.voronoi_polygons(MultiPoint(points), extend_to=area.envelope)
    cells = list(shapely.get_parts(raw))
    ordered: list[shapely.Geometry] = []
    for x, y in points:
        cell = next(c for c in cells if c.covers(Point(x, y)))
        ordered.append(shapely.make_valid(cell.intersection(area)))
    return _without_overlaps(ordered)


def _without_overlaps(cells: list[shapely.Geometry]) -> list[shapely.Geometry]:
    """Give shared boundary slivers (from floating point) to the first cell only."""
    taken = None
    result = []
    for cell in cells:
        if taken is not None:
            cell = shapely.make_valid(cell.difference(taken))
        result.append(polygonal(cell))
        taken = cell if taken is None else shapely.union(taken, cell)
    return result


def polygonal(geom: shapely.Geometry) -> shapely.Geometry:
    """Drop points and lines a clipping may leave in a collection."""
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    polys = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(polys)


def village_areas(
    villages: list[Village], townships: dict[str, tuple[str, shapely.Geometry]]
) -> dict[str, shapely.Geometry]:
    """Return ``{village_code: polygon}``: Voronoi cells of each township's villages, snapped
    together to the 6-decimal grid the database stores."""
    codes, cells = [], []
    for town_code, (_name, polygon) in townships.items():
        members = [v for v in villages if v.town_code == town_code]
        cells += voronoi_cells(np.array([(v.lon, v.lat) for v in members]), polygon)
        codes += [v.code for v in members]
    return dict(zip(codes, snap_coverage(cells), strict=False))


def snap_coverage(
    polygons: list[shapely.Geometry], grid_size: float = 1e-6
) -> list[shapely.Geometry]:
    """Snap polygons that tile an area to a coordinate grid and keep them tiling it exactly.

    Snapping each polygon on its own opens slivers wherever a vertex of one neighbour lies
    on the edge of the other. Here the shared linework is noded once, snapped once and
    polygonised; each face goes back to the polygon that holds it.
    """
    lines = shapely.union_all([shapely.boundary(p) for p in polygons])
    # snapping can make lines cross anew: node them again on the grid before polygonising
    lines = shapely.union_all(
        shapely.get_parts(shapely.set_precision(lines, grid_size)), grid_size=grid_size
    )
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(lines)))
    tree = shapely.STRtree(polygons)
    face_idx, poly_idx = tree.query(faces, predicate="intersects")
    overlap = shapely.area(shapely.intersection(faces[face_idx], np.asarray(polygons)[poly_idx]))
    best: dict[int, tuple[float, int]] = {}
    for f, p, a in zip(
        face_idx, poly_idx, overlap, strict=False
    ):  # each face to its largest overlap
        if a > best.get(int(f), (-1.0, -1))[0]:
            best[int(f)] = (float(a), int(p))
    grouped: dict[int, list] = {}
    for f, (_a, p) in best.items():
        grouped.setdefault(p, []).append(faces[f])
    return [
        shapely.union_all(grouped.get(i, []), grid_size=grid_size) for i in range(len(polygons))
    ]


def sample_points_in(polygon: shapely.Geometry, n: int, rng: np.random.Generator) -> np.ndarray:
    """Return ``n`` points drawn uniformly inside ``polygon`` (rejection sampling)."""
    minx, miny, maxx, maxy = polygon.bounds
    shapely.prepare(polygon)
    out = np.empty((0, 2))
    while len(out) < n:
        need = max(16, int((n - len(out)) * 1.6 * (polygon.envelope.area / polygon.area)))
        cand = np.column_stack([rng.uniform(minx, maxx, need), rng.uniform(miny, maxy, need)])
        out = np.vstack([out, cand[shapely.contains_xy(polygon, cand[:, 0], cand[:, 1])]])
    return out[:n]


def split_area(
    polygon: shapely.Geometry, parts: int, rng: np.random.Generator
) -> list[shapely.Geometry]:
    """Split a polygon into ``parts`` compact sub-areas (county-town sub-grids).

    Seeds are spread by farthest-point sampling over random interior points, so the parts
    come out of similar size and deterministic for an ``rng``.
    """
    if parts <= 1:
        return [polygon]
    candidates = sample_points_in(polygon, 400, rng)
    chosen = [int(np.argmin(((candidates - candidates.mean(0)) ** 2).sum(1)))]
    for _ in range(parts - 1):
        d = np.min(((candidates[:, None, :] - candidates[chosen][None]) ** 2).sum(2), axis=1)
        chosen.append(int(np.argmax(d)))
    # move seeds halfway to the centre so the parts are not thin slices along the border
    seeds = candidates[chosen]
    seeds = (seeds + candidates.mean(0)) / 2 + rng.normal(0, 1e-5, seeds.shape)
    return voronoi_cells(seeds, polygon)


def to_geojson(geom: shapely.Geometry, precision: int = 6) -> str:
    """Serialise a geometry as GeoJSON text with ``precision`` decimals."""
    return json.dumps(
        mapping(shapely.set_precision(geom, 10**-precision)),
        ensure_ascii=False,
        separators=(",", ":"),
    )


def from_geojson(text: str) -> shapely.Geometry:
    """Parse GeoJSON geometry text."""
    return shape(json.loads(text))
