"""What the map page draws for a scope: simplified grids with their metric, outlets, and
customers as points (few) or bins (many). Aggregation happens in SQL."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine, func, select

from core.db import read_frame
from core.grids.queries import grid_figures, load_grids
from core.models import Branch, Customer, GridVersion
from core.scope import Scope
from geo.assign import assign_points
from geo.mapview import POINTS_LIMIT, classify, simplify_grids

BIN = 0.01  # degrees (~1 km): the size of a customer bin on the bank-wide map


@dataclass
class MapLayers:
    level1: pd.DataFrame  # id, name, polygon, value, label, color (+ grid columns)
    level2: pd.DataFrame
    outlets: pd.DataFrame  # name, lon, lat
    customers: pd.DataFrame  # lon, lat (points) or lon, lat, count (bins)
    edges: list[float]  # the metric's class edges on level 2 (for the legend)


def grid_version(engine: Engine) -> int:
    """A number that changes whenever grids change (the cache key of simplified grids)."""
    with engine.connect() as conn:
        return int(conn.execute(select(func.coalesce(func.max(GridVersion.id), 0))).scalar())


def customer_layer(engine: Engine, scope: Scope) -> pd.DataFrame:
    """The scope's customers: each point when there are at most POINTS_LIMIT, else counts per
    0.01-degree bin (a few thousand rows however many customers)."""
    where = scope.where(Customer.branch_id, Customer.manager_id)
    with engine.connect() as conn:
        n = conn.execute(
            select(func.count()).select_from(Customer).where(where, Customer.lon.is_not(None))
        ).scalar_one()
        if n <= POINTS_LIMIT:
            return read_frame(
                conn, select(Customer.lon, Customer.lat).where(where, Customer.lon.is_not(None))
            )
        bx = func.floor(Customer.lon / BIN)
        by = func.floor(Customer.lat / BIN)
        bins = read_frame(
            conn,
            select(bx.label("bx"), by.label("by"), func.count().label("count"))
            .where(where, Customer.lon.is_not(None))
            .group_by(bx, by),
        )
    return pd.DataFrame(
        {
            "lon": (bins["bx"].astype(float) + 0.5) * BIN,
            "lat": (bins["by"].astype(float) + 0.5) * BIN,
            "count": bins["count"].astype(float),
        }
    )


@dataclass
class MapData:
    """A scope's map before colouring: the same for every metric, so it is loaded once."""

    grids: pd.DataFrame  # both levels, with the simplified ``polygon``
    figures: dict[int, pd.DataFrame]  # level -> grid_figures (every metric), by grid id
    outlets: pd.DataFrame
    customers: pd.DataFrame


def load_map_data(engine: Engine, scope: Scope, completion: dict[str, pd.Series]) -> MapData:
    """Grids, their figures for every metric, outlets and customers of ``scope``.

    ``completion`` is the year's target completion of the map's metric by org unit
    (``{"branch": Series by branch id, "manager": Series by manager id}``, from
    ``core.performance.progress.year_completion``): a grid's ``target_pct`` is its branch's
    (level 1) or its post-A manager's (level 2).
    """
    grids = load_grids(engine, scope)
    grids["polygon"] = simplify_grids(list(grids["geometry"]))
    grids = grids.drop(columns="geometry")
    figures = {level: grid_figures(engine, scope, level).set_index("grid_id") for level in (1, 2)}
    # target completion: of the branch (level 1) and of the post-A manager (level 2)
    for level, key, org in ((1, "branch_id", "branch"), (2, "manager_a_id", "manager")):
        owner = grids[grids["level"] == level].set_index("id")[key]
        figures[level]["target_pct"] = owner.map(completion[org]).reindex(figures[level].index)
    with engine.connect() as conn:
        outlets = read_frame(
            conn,
            select(Branch.name, Branch.lon, Branch.lat).where(
                Branch.id.in_(grids["branch_id"].unique().tolist())
            ),
        )
    return MapData(grids, figures, outlets, customer_layer(engine, scope))


def colour(data: MapData, metric: str) -> MapLayers:
    """The map data coloured by ``metric`` (cheap: no query)."""
    return colour_by(
        data,
        {
            level: data.figures[level][metric]
            if len(data.figures[level])
            else pd.Series(dtype=float)
            for level in (1, 2)
        },
    )


def colour_by(data: MapData, values: dict[int, pd.Series], customers: bool = True) -> MapLayers:
    """The map data coloured by any values per grid (``{level: Series by grid id}``), such
    as the explorer's selection; ``customers=False`` leaves the customer layer out."""
    levels = []
    edges: list[float] = []
    for level in (1, 2):
        g = data.grids[data.grids["level"] == level].reset_index(drop=True)
        g["value"] = g["id"].map(values.get(level, pd.Series(dtype=float)))
        g["label"] = g["value"].map(_label)
        g["color"], level_edges = classify(g["value"])
        if level == 2:
            edges = level_edges
        levels.append(g)
    return MapLayers(
        levels[0],
        levels[1],
        data.outlets,
        data.customers if customers else data.customers.iloc[0:0],
        edges,
    )


def map_layers(
    engine: Engine, scope: Scope, metric: str, completion: dict[str, pd.Series]
) -> MapLayers:
    """Everything the map of ``scope`` coloured by ``metric`` needs."""
    return colour(load_map_data(engine, scope, completion), metric)


def _label(value: float) -> str:
    """A metric value as the map's tooltip shows it: thousands separators, one decimal."""
    if value != value:
        return "-"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def grid_at(layers: MapLayers, lon: float, lat: float) -> int | None:
    """The grid under a clicked point: the second-level one if any, else the first-level."""
    for frame in (layers.level2, layers.level1):
        if len(frame):
            k = assign_points([lon], [lat], list(frame["polygon"]))[0]
            if k >= 0:
                return int(frame["id"].iloc[k])
    return None
