"""Turn a seeded demo database into one with 2,000 second-level grids (benchmark only).

The demo county has 155 area units (villages and county-town sub-areas) and one level-2 grid
per unit. A bank cuts finer: here every unit is split into 12-13 compact parts with
``geo.county.split_area`` (exactly ``target`` parts in all), the parts are snapped together
with ``geo.county.snap_coverage`` so they still tile the county exactly, and then, by SQL on
the benchmark database only:

* the ``area_unit`` rows are replaced by the parts (each keeps its village);
* every level-2 grid is replaced by one grid per part: code ``G2-B-<n>``, level 2, dimension
  ``region``, GeoJSON from ``geo.county.to_geojson``, and the branch whose level-1 polygon
  holds the part's representative point (its level-1 grid is the parent);
* each new grid gets post A (and B when the branch has two or more managers) from that
  branch's managers, round-robin;
* liaisons and posts of the removed grids are deleted first, and the customers' ``grid2_id``
  is cleared (it pointed at the removed grids; foreign keys are on).

``core.grids.assignment.reassign`` then puts every customer into the new grids (timed by the
caller: every customer's grid changes, so every row is written).

``strip_change`` builds the "grid change" of part 1: in ``places`` spots, a strip of
``width_m`` metres along the border of a level-2 grid goes to its neighbour.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import shape
from sqlalchemy import Engine, text

from core.db import bulk_insert
from geo.assign import assign_points
from geo.county import polygonal, snap_coverage, split_area, to_geojson

SPLIT_SEED = 20261123
MAX_SPLIT_ATTEMPTS = 5
MIN_PART_AREA = 1e-10  # square degrees (~1 m²): below this a part counts as empty
METRES_PER_DEGREE = 111_320.0


@dataclass
class GridSetup:
    """What ``make_grids`` did and how long each step took (seconds)."""

    units_before: int
    parts: int
    level2_grids: int
    staff_rows: int
    phases: dict[str, float] = field(default_factory=dict)
    split_retries: int = 0  # units split again because split_area returned an empty part
    dropped: int = 0  # parts still empty after snapping (left out)


def _parts_per_unit(n_units: int, target: int) -> list[int]:
    """``target`` parts spread over ``n_units`` as evenly as possible (12 or 13 for 2,000 over
    155), the larger counts first."""
    base, extra = divmod(target, n_units)
    return [base + 1 if i < extra else base for i in range(n_units)]


def split_units(
    units: pd.DataFrame, target: int, seed: int = SPLIT_SEED
) -> tuple[list[shapely.Geometry], list[int], dict[str, float]]:
    """Split every unit's polygon and snap all parts together.

    Parameters
    ----------
    units : DataFrame
        ``area_unit`` rows (id, code, name, village_id, geometry), in id order.
    target : int
        Parts in all.
    seed : int
        Seed of the ``numpy`` generator ``split_area`` draws from.

    Returns
    -------
    (parts, unit_index, phases)
        The snapped part polygons, the row of ``units`` each came from, and ``phases``: the
        seconds spent in ``split`` and ``snap``, how many splits were drawn again because
        ``split_area`` returned empty parts (``retries``) and how many parts were still empty
        after snapping and left out (``dropped``).
    """
    rng = np.random.default_rng(seed)
    t0 = time.perf_counter()
    parts: list[shapely.Geometry] = []
    unit_index: list[int] = []
    retries = short = 0
    for i, (geometry, k) in enumerate(
        zip(units["geometry"], _parts_per_unit(len(units), target), strict=False)
    ):
        polygon = shape(json.loads(geometry))
        k += short  # parts a previous unit could not give
        best: list[shapely.Geometry] = []
        for _attempt in range(MAX_SPLIT_ATTEMPTS):
            # split_area can return empty parts for a multi-part or strongly concave unit
            # (a seed moved towards the centre lands outside it): draw again
            pieces = [p for p in split_area(polygon, k, rng) if p.area > MIN_PART_AREA]
            if len(pieces) > len(best):
                best = pieces
            if len(best) == k:
                break
            retries += 1
        short = k - len(best)
        parts += best
        unit_index += [i] * len(best)
    t1 = time.perf_counter()
    snapped = [polygonal(p) for p in snap_coverage(parts)]
    keep = [j for j, p in enumerate(snapped) if not p.is_empty]
    t2 = time.perf_counter()
    return (
        [snapped[j] for j in keep],
        [unit_index[j] for j in keep],
        {
            "split": t1 - t0,
            "snap": t2 - t1,
            "retries": retries,
            "dropped": len(snapped) - len(keep),
        },
    )


def make_grids(engine: Engine, target: int = 2_000, seed: int = SPLIT_SEED) -> GridSetup:
    """Replace the area units and level-2 grids of a seeded database with ``target`` parts.

    Parameters
    ----------
    engine : Engine
        A database seeded by ``core.demo.seed.seed`` (SQLite or PostgreSQL).
    target : int
        Number of parts, hence of level-2 grids.
    seed : int
        Seed of the split.

    Returns
    -------
    GridSetup
        Counts and phase times (``read``, ``split``, ``snap``, ``write``).
    """
    phases: dict[str, float] = {}
    t0 = time.perf_counter()
    with engine.connect() as conn:
        units = pd.read_sql(
            text("SELECT id, code, name, village_id, geometry FROM area_unit ORDER BY id"), conn
        )
        level1 = pd.read_sql(
            text(
                "SELECT id, branch_id, geometry FROM grid "
                "WHERE level = 1 AND dimension = 'region' ORDER BY id"
            ),
            conn,
        )
        managers = pd.read_sql(
            text("SELECT id, branch_id FROM manager WHERE active ORDER BY id"), conn
        )
        next_grid = int(conn.execute(text("SELECT MAX(id) FROM grid")).scalar_one()) + 1
        next_staff = (
            int(conn.execute(text("SELECT COALESCE(MAX(id), 0) FROM grid_staff")).scalar_one()) + 1
        )
    phases["read"] = time.perf_counter() - t0

    parts, unit_index, split_phases = split_units(units, target, seed)
    notes = {k: int(split_phases.pop(k)) for k in ("retries", "dropped")}
    phases.update(split_phases)

    t0 = time.perf_counter()
    # the branch whose level-1 polygon holds each part's representative point
    points = shapely.point_on_surface(np.asarray(parts, dtype=object))
    px, py = shapely.get_x(points), shapely.get_y(points)
    level1_polys = [shape(json.loads(g)) for g in level1["geometry"]]
    k = assign_points(px, py, level1_polys)
    if (k < 0).any():  # on a shared edge after snapping: the nearest level-1 grid
        for i in np.flatnonzero(k < 0):
            k[i] = int(np.argmin([p.distance(points[i]) for p in level1_polys]))
    parent = level1["id"].to_numpy()[k]
    branch = level1["branch_id"].to_numpy()[k]

    src = units.iloc[unit_index].reset_index(drop=True)
    seq = src.groupby("id").cumcount().to_numpy() + 1
    new_units = pd.DataFrame(
        {
            "id": np.arange(1, len(parts) + 1),
            "code": [f"{c}-B{s:02d}" for c, s in zip(src["code"], seq, strict=False)],
            "name": [f"{n}{s}号" for n, s in zip(src["name"], seq, strict=False)],
            "village_id": src["village_id"].to_numpy(),
            "geometry": [to_geojson(p) for p in parts],
        }
    )
    grid_ids = np.arange(next_grid, next_grid + len(parts))
    now = datetime(2026, 11, 23)
    grids = pd.DataFrame(
        {
            "id": grid_ids,
            "code": [f"G2-B-{n}" for n in range(1, len(parts) + 1)],
            "name": new_units["name"],
            "level": 2,
            "parent_id": parent,
            "branch_id": branch,
            "dimension": "region",
            "geometry": new_units["geometry"],
            "crs": "EPSG:4326",
            "saved_filter": None,
            "households": 0,
            "residents": 0,
            "created_at": now,
        }
    )
    staff = []
    by_branch = managers.groupby("branch_id")["id"].apply(list).to_dict()
    seen: dict[int, int] = {}
    for gid, b in zip(grid_ids, branch, strict=False):
        mids = by_branch.get(int(b), [])
        if not mids:
            continue
        r = seen.get(int(b), 0)
        seen[int(b)] = r + 1
        staff.append((int(gid), mids[r % len(mids)], "A"))
        if len(mids) > 1:
            staff.append((int(gid), mids[(r + 1) % len(mids)], "B"))
    staff_df = pd.DataFrame(staff, columns=["grid_id", "manager_id", "post"])
    staff_df.insert(0, "id", np.arange(next_staff, next_staff + len(staff_df)))
    phases["build"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    old = "(SELECT id FROM grid WHERE level = 2)"
    with engine.begin() as conn:
        conn.execute(text(f"DELETE FROM liaison WHERE grid_id IN {old}"))
        conn.execute(text(f"DELETE FROM grid_staff WHERE grid_id IN {old}"))
        conn.execute(text("UPDATE customer SET grid2_id = NULL WHERE grid2_id IS NOT NULL"))
        conn.execute(text("DELETE FROM grid WHERE level = 2"))
        conn.execute(text("DELETE FROM area_unit"))
        bulk_insert(conn, "area_unit", new_units)
        bulk_insert(conn, "grid", grids)
        bulk_insert(conn, "grid_staff", staff_df)
        if conn.dialect.name == "postgresql":
            from core.db import reset_sequences

            reset_sequences(conn, ["area_unit", "grid", "grid_staff"])
    phases["write"] = time.perf_counter() - t0
    return GridSetup(
        len(units),
        len(parts),
        len(grids),
        len(staff_df),
        phases,
        notes["retries"],
        notes["dropped"],
    )


def fill_residents(engine: Engine, filing_rate: float = 0.7) -> None:
    """Give the new grids residents and households (customers / a filing rate) so that
    建档率 has something to show; level-1 grids get the sum of their children."""
    with engine.begin() as conn:
        conn.execute(
            text(f"""
            UPDATE grid SET residents = CAST((SELECT COUNT(*) FROM customer c
                                              WHERE c.grid2_id = grid.id) / {filing_rate}
                                             AS INTEGER) + 1
            WHERE level = 2""")
        )
        conn.execute(
            text("""
            UPDATE grid SET residents = (SELECT COALESCE(SUM(g.residents), 0) FROM grid g
                                         WHERE g.parent_id = grid.id) WHERE level = 1""")
        )
        conn.execute(text("UPDATE grid SET households = CAST(residents / 2.8 AS INTEGER)"))


# ---- part 1's grid change ----------------------------------------------------------------


@dataclass
class StripChange:
    """New geometry (GeoJSON) for the grids a change touches, and the old one to undo it."""

    new: dict[int, str]
    old: dict[int, str]
    area_km2: float  # area handed over in all


def _local_scale(geom: shapely.Geometry) -> float:
    return float(np.cos(np.radians(geom.centroid.y)))


def strip_change(
    engine: Engine, places: int = 10, width_m: float = 200.0, seed: int = SPLIT_SEED
) -> StripChange:
    """In ``places`` disjoint pairs of neighbouring level-2 grids of the same branch, give
    the donor's ``width_m``-wide strip along the shared border to the receiver.

    Parameters
    ----------
    engine : Engine
        The benchmark database (after ``make_grids``).
    places : int
        Pairs of grids changed (two grids each).
    width_m : float
        Width of the strip in metres (measured on a plane scaled by cos(latitude)).
    seed : int
        Which pairs: drawn with this seed among grids big enough to lose the strip.

    Returns
    -------
    StripChange
        ``new`` and ``old`` GeoJSON per grid id; ``apply_geometry(engine, change.new)`` makes
        the change, ``apply_geometry(engine, change.old)`` undoes it.
    """
    with engine.connect() as conn:
        grids = pd.read_sql(
            text(
                "SELECT id, branch_id, geometry FROM grid "
                "WHERE level = 2 AND dimension = 'region' ORDER BY id"
            ),
            conn,
        )
    polys = [shape(json.loads(g)) for g in grids["geometry"]]
    tree = shapely.STRtree(polys)
    rng = np.random.default_rng(seed)
    used: set[int] = set()
    new: dict[int, str] = {}
    old: dict[int, str] = {}
    moved = 0.0
    width = width_m / METRES_PER_DEGREE
    for a in rng.permutation(len(polys)):
        if len(new) >= 2 * places:
            break
        if a in used:
            continue
        donor = polys[a]
        for b in tree.query(donor, predicate="touches"):
            if b == a or b in used or grids["branch_id"].iat[b] != grids["branch_id"].iat[a]:
                continue
            border = shapely.intersection(donor.boundary, polys[b].boundary)
            if border.length * METRES_PER_DEGREE < 4 * width_m:
                continue
            s = _local_scale(donor)
            # buffer on a plane where a degree of longitude is as long as one of latitude
            flat = shapely.transform(border, lambda xy, s=s: xy * np.array([s, 1.0]))
            zone = shapely.transform(
                shapely.buffer(flat, width), lambda xy, s=s: xy / np.array([s, 1.0])
            )
            strip = polygonal(shapely.intersection(donor, zone, grid_size=1e-6))
            rest = polygonal(shapely.difference(donor, zone, grid_size=1e-6))
            if strip.is_empty or rest.is_empty or rest.area < 0.5 * donor.area:
                continue
            gained = polygonal(shapely.union(polys[b], strip, grid_size=1e-6))
            ia, ib = int(grids["id"].iat[a]), int(grids["id"].iat[b])
            old[ia], old[ib] = grids["geometry"].iat[a], grids["geometry"].iat[b]
            new[ia], new[ib] = to_geojson(rest), to_geojson(gained)
            moved += strip.area * s * (METRES_PER_DEGREE / 1000) ** 2
            used.update((int(a), int(b)))
            break
    return StripChange(new, old, moved)


def apply_geometry(engine: Engine, geometries: dict[int, str]) -> None:
    """``UPDATE grid SET geometry = ...`` for each grid id (one transaction)."""
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE grid SET geometry = :g WHERE id = :id"),
            [{"id": i, "g": g} for i, g in geometries.items()],
        )
