"""Re-assign customers to grids after grids change: read, compute, write only what changed.

A customer stays in their grid while it holds their point, so after a change of some grids
only the customers of those grids, or of none, can move, and only they are read
(``movable_where``, indexed lookups). Without a list
of changed grids every customer is re-evaluated (``python -m core assign``). Either way one
fast read of the columns needed, one vectorised point-in-polygon pass per level, and only rows
whose grid, branch or manager changed are written, through a temporary table and one
UPDATE ... FROM, inside the caller's transaction. Customers without coordinates are placed at
their village's point when the village is known; the rest stay outside every grid and show up
as blind spots (营销盲区) in the audit.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import shape
from sqlalchemy import Connection, Engine, text

from core.db import read_columns, update_rows
from geo.assign import assign_points, place_without_coordinates

ASSIGNED = ["grid1_id", "grid2_id", "branch_id", "manager_id"]


@dataclass(frozen=True)
class GridSet:
    """The polygons of one level with what a customer inherits from them."""

    ids: np.ndarray
    polygons: list
    branch_ids: np.ndarray  # level 1: the branch; level 2: the branch of the grid
    manager_ids: np.ndarray  # level 2: the post-A manager (NaN where none)

    def without(self, ids) -> GridSet:
        """The same set less the grids with these ids."""
        keep = ~np.isin(self.ids, list(ids))
        return GridSet(
            self.ids[keep],
            [p for p, k in zip(self.polygons, keep, strict=False) if k],
            self.branch_ids[keep],
            self.manager_ids[keep],
        )

    @classmethod
    def from_frame(cls, grids: pd.DataFrame) -> GridSet:
        """From rows with id, branch_id, geometry (GeoJSON text), optional manager_a_id."""
        managers = grids.get("manager_a_id", np.nan)
        return cls(
            grids["id"].to_numpy(),
            [shape(json.loads(g)) for g in grids["geometry"]],
            grids["branch_id"].to_numpy(),
            np.asarray(pd.Series(managers, index=grids.index), dtype=float),
        )


def read_customers(engine: Engine, extra: str = "", where: str | None = None) -> pd.DataFrame:
    """The columns assignment needs (plus ``extra`` SQL columns) through the fast read path,
    for every customer or those matching ``where`` (SQL built by ``movable_where``)."""
    more = f", {extra}" if extra else ""
    condition = f" WHERE {where}" if where else ""
    return read_columns(
        engine,
        "SELECT id, lon, lat, village_id, grid1_id, grid2_id, "
        f"branch_id, manager_id{more} FROM customer{condition} "
        "ORDER BY id",
    )


def movable_where(grid_ids: Collection[int]) -> str:
    """SQL condition on ``customer`` selecting everyone a change of these grids can move.

    A customer stays in their grid while it holds their point (``compute_assignment``), so
    only customers now in one of ``grid_ids`` (either level) or in no grid can move. Each
    term is an indexed lookup. Ids are written into the SQL as integers, never as text.

    Examples
    --------
    >>> print(movable_where([9, 7]))
    grid1_id IS NULL OR grid2_id IS NULL OR grid1_id IN (7, 9) OR grid2_id IN (7, 9)
    """
    terms = ["grid1_id IS NULL", "grid2_id IS NULL"]
    ids = sorted({int(i) for i in grid_ids})
    if ids:
        listed = ", ".join(str(i) for i in ids)
        terms += [f"grid1_id IN ({listed})", f"grid2_id IN ({listed})"]
    return " OR ".join(terms)


def read_grid_sets(conn_or_engine) -> tuple[GridSet, GridSet, dict[int, tuple[float, float]]]:
    """Current level-1 and level-2 region grids and the village points."""
    grids = pd.read_sql(
        text("""
        SELECT g.id, g.level, g.branch_id, g.geometry, s.manager_id AS manager_a_id
        FROM grid g LEFT JOIN grid_staff s ON s.grid_id = g.id AND s.post = 'A'
        WHERE g.dimension = 'region' AND g.geometry IS NOT NULL ORDER BY g.id"""),
        conn_or_engine,
    )
    villages = pd.read_sql(text("SELECT id, lon, lat FROM village"), conn_or_engine)
    return (
        GridSet.from_frame(grids[grids["level"] == 1]),
        GridSet.from_frame(grids[grids["level"] == 2]),
        {
            int(i): (x, y)
            for i, x, y in zip(villages["id"], villages["lon"], villages["lat"], strict=False)
        },
    )


def compute_assignment(
    customers: pd.DataFrame,
    level1: GridSet,
    level2: GridSet,
    village_xy: dict[int, tuple[float, float]],
) -> pd.DataFrame:
    """New grid1/grid2/branch/manager for every customer (NaN = outside every grid).

    A customer stays in their grid while it holds their point; otherwise they go to the first
    grid of the level that holds it. The branch follows the first-level grid (the
    jurisdiction); the manager is post A of the second-level grid. Adds
    ``placed_by_village`` (coordinates taken from the village).
    """
    x, y, placed = place_without_coordinates(
        customers["lon"].to_numpy(),
        customers["lat"].to_numpy(),
        customers["village_id"].to_numpy(),
        village_xy,
    )
    k1 = keep_incumbents(
        assign_points(x, y, level1.polygons),
        x,
        y,
        level1,
        customers["grid1_id"].to_numpy(dtype=float),
    )
    k2 = keep_incumbents(
        assign_points(x, y, level2.polygons),
        x,
        y,
        level2,
        customers["grid2_id"].to_numpy(dtype=float),
    )

    def pick(values: np.ndarray, k: np.ndarray) -> np.ndarray:
        out = np.full(len(k), np.nan)
        out[k >= 0] = values[k[k >= 0]]
        return out

    return pd.DataFrame(
        {
            "id": customers["id"].to_numpy(),
            "grid1_id": pick(level1.ids.astype(float), k1),
            "grid2_id": pick(level2.ids.astype(float), k2),
            "branch_id": np.where(
                k1 >= 0,
                pick(level1.branch_ids.astype(float), k1),
                pick(level2.branch_ids.astype(float), k2),
            ),
            "manager_id": pick(level2.manager_ids, k2),
            "placed_by_village": placed,
        }
    )


def keep_incumbents(
    k: np.ndarray, x: np.ndarray, y: np.ndarray, grids: GridSet, current: np.ndarray
) -> np.ndarray:
    """Put back each point's current grid where ``k`` moved it but that grid still holds it.

    ``k`` indexes ``grids`` (-1: none); ``current`` holds the grid ids the points are in now
    (NaN: none). Only points that ``k`` moves are tested, so this costs little. It makes the
    assignment stable where grids overlap, and lets a change re-assign only the customers of
    the grids it touches (``movable_where``).
    """
    position = pd.Series(np.arange(len(grids.ids)), index=grids.ids.astype(float))
    now = position.reindex(current).fillna(-1).to_numpy(dtype=np.int64)
    k = k.copy()
    moved = np.flatnonzero((now >= 0) & (now != k))
    for grid in np.unique(now[moved]):
        rows = moved[now[moved] == grid]
        polygon = grids.polygons[grid]
        shapely.prepare(polygon)
        k[rows[shapely.intersects_xy(polygon, x[rows], y[rows])]] = grid
    return k


def changed_rows(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Rows of ``new`` whose assigned columns differ from ``old`` (same row order)."""
    differs = np.zeros(len(new), dtype=bool)
    for col in ASSIGNED:
        a = old[col].to_numpy(dtype=float)
        b = new[col].to_numpy(dtype=float)
        differs |= ~((a == b) | (np.isnan(a) & np.isnan(b)))
    return new.loc[differs, ["id", *ASSIGNED]]


def write_assignment(conn: Connection, changes: pd.DataFrame) -> int:
    """Write changed assignments (id and the ``ASSIGNED`` columns) in one UPDATE."""
    return update_rows(conn, "customer", changes[["id", *ASSIGNED]])


@dataclass(frozen=True)
class Reassignment:
    customers: int  # customers re-evaluated (all of them without a list of changed grids)
    changed: int
    blind_spots: int  # customers in no second-level grid (all of them are re-evaluated)
    placed_by_village: int


def reassign(
    engine: Engine, conn: Connection | None = None, changed_grids: Collection[int] | None = None
) -> Reassignment:
    """Re-assign customers to the grids as they are now.

    Parameters
    ----------
    engine : Engine
        The database.
    conn : Connection, optional
        Run in this connection's transaction, so a grid change and its re-assignment commit
        together (the grids are read through it; customers through ``engine``).
    changed_grids : collection of int, optional
        Ids of the grids whose polygon or post A changed (as they were and as they are):
        only the customers these can move are re-evaluated (``movable_where``). None
        re-evaluates every customer.
    """
    where = None if changed_grids is None else movable_where(changed_grids)
    customers = read_customers(engine, where=where)
    level1, level2, villages = read_grid_sets(conn if conn is not None else engine)
    new = compute_assignment(customers, level1, level2, villages)
    changes = changed_rows(customers, new)
    if conn is not None:
        n = write_assignment(conn, changes)
    else:
        with engine.begin() as own:
            n = write_assignment(own, changes)
    return Reassignment(
        len(customers), n, int(new["grid2_id"].isna().sum()), int(new["placed_by_village"].sum())
    )
