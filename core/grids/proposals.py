"""Grid proposals from the database: first-level grids from outlets, second-level grids from
whole villages or county-town sub-areas, balanced by workload; and how balanced they are."""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import shape
from sqlalchemy import Engine, select, text

from core import config
from core.db import read_columns
from core.grids.changes import Change, NewGrid
from core.models import AreaUnit, Branch, Grid, Manager
from core.territory import service_area
from geo.assign import assign_points
from geo.county import polygonal
from geo.propose import adjacency, compactness, lower_bound, partition, propose_level1


def visit_minutes(aum: np.ndarray) -> np.ndarray:
    """Minutes a year a customer of this AUM needs: visits by tier x minutes per visit."""
    high, core = config.get("GM_TIER_AUM")
    per_year = config.get("GM_VISITS_PER_YEAR")
    visits = np.select([aum >= high, aum >= core], [per_year[0], per_year[1]], per_year[2])
    return visits * int(config.get("GM_MINUTES_PER_VISIT"))


@dataclass
class Balance:
    """How one proposal is balanced: largest deviation from the mean, per measure."""

    workload: float
    customers: float
    deposits: float
    compactness: float  # mean Polsby-Popper of its grids (1 = circle)
    contiguous: bool
    grids: int
    best_possible: float  # no split of these whole blocks can beat this workload deviation


def level1_change(engine: Engine) -> Change:
    """First-level grids from outlet locations: each outlet's nearest part of the county."""
    with engine.connect() as conn:
        branches = pd.DataFrame(
            conn.execute(
                select(Branch.id, Branch.code, Branch.name, Branch.lon, Branch.lat).order_by(
                    Branch.id
                )
            ).all()
        )
    cells = propose_level1(service_area(engine), branches[["lon", "lat"]].to_numpy())
    grids = [
        NewGrid(f"G1-{b.code}", f"{b.name}辖区", cell, int(b.id))
        for b, cell in zip(branches.itertuples(), cells, strict=False)
    ]
    return Change(1, grids, action="proposal", note="按网点就近划分 / nearest outlet")


def branch_blocks(
    engine: Engine, branch_id: int, customers: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The blocks a branch's second-level grids are made of: each area unit's part inside the
    branch's first-level grid, with workload, customers and deposits of what lies in it.
    ``customers`` (lon, lat, deposit_balance, aum) are the branch's, read here when None."""
    with engine.connect() as conn:
        parent = conn.execute(
            select(Grid.geometry).where(Grid.level == 1, Grid.branch_id == branch_id)
        ).scalar_one()
        units = pd.DataFrame(
            conn.execute(select(AreaUnit.id, AreaUnit.code, AreaUnit.name, AreaUnit.geometry)).all()
        )
    area = shape(json.loads(parent))
    polys = [shapely.intersection(shape(json.loads(g)), area) for g in units["geometry"]]
    polys = [polygonal(p) for p in polys]
    keep = [i for i, p in enumerate(polys) if not p.is_empty and p.area > 1e-9]
    blocks = units.iloc[keep].drop(columns="geometry").reset_index(drop=True)
    blocks["polygon"] = [polys[i] for i in keep]
    if customers is None:
        customers = read_columns(
            engine,
            f"""
            SELECT lon, lat, deposit_balance, deposit_balance + wealth_balance AS aum
            FROM customer WHERE branch_id = {int(branch_id)}""",
        )
    k = assign_points(
        customers["lon"].to_numpy(), customers["lat"].to_numpy(), list(blocks["polygon"])
    )
    inside = k >= 0
    n = len(blocks)
    blocks["workload"] = np.bincount(
        k[inside], weights=visit_minutes(customers["aum"].to_numpy()[inside]), minlength=n
    )
    blocks["customers"] = np.bincount(k[inside], minlength=n).astype(float)
    blocks["deposits"] = np.bincount(
        k[inside], weights=customers["deposit_balance"].to_numpy()[inside], minlength=n
    )
    return blocks


def level2_change(
    engine: Engine, branch_id: int, customers: pd.DataFrame | None = None
) -> tuple[Change, Balance]:
    """A second-level proposal for one branch: one contiguous grid per active manager
    (``customers``: see :func:`branch_blocks`)."""
    with engine.connect() as conn:
        managers = list(
            conn.execute(
                select(Manager.id)
                .where(Manager.branch_id == branch_id, Manager.active)
                .order_by(Manager.id)
            ).scalars()
        )
        code = conn.execute(select(Branch.code).where(Branch.id == branch_id)).scalar_one()
    blocks = branch_blocks(engine, branch_id, customers)
    lat = np.mean([p.centroid.y for p in blocks["polygon"]])
    centroids = np.array(
        [[p.centroid.x * np.cos(np.radians(lat)), p.centroid.y] for p in blocks["polygon"]]
    )
    result = partition(
        centroids,
        adjacency(list(blocks["polygon"])),
        blocks["workload"].to_numpy(),
        max(1, len(managers)),
    )
    grids = []
    for r in range(len(result.loads)):
        members = blocks[result.labels == r]
        main = members.loc[members["workload"].idxmax(), "name"]
        name = main if len(members) == 1 else f"{main}等{len(members)}片"
        manager_a = managers[r] if r < len(managers) else None
        manager_b = managers[(r + 1) % len(managers)] if len(managers) > 1 else None
        grids.append(
            NewGrid(
                f"G2-{code}-{r + 1:02d}",
                name,
                shapely.union_all(list(members["polygon"]), grid_size=1e-6),
                branch_id,
                manager_a,
                manager_b,
            )
        )
    balance = Balance(
        result.deviation(blocks["workload"].to_numpy()),
        result.deviation(blocks["customers"].to_numpy()),
        result.deviation(blocks["deposits"].to_numpy()),
        float(np.mean([compactness(g.geometry) for g in grids])),
        result.contiguous,
        len(grids),
        lower_bound(blocks["workload"].to_numpy(), len(grids)),
    )
    change = Change(
        2, grids, branch_id, action="proposal", note="按工作量均衡划分 / balanced by workload"
    )
    return change, balance


def county_level2(engine: Engine) -> pd.DataFrame:
    """Level-2 proposals for every branch (not applied): one row of balance figures each."""
    with engine.connect() as conn:
        branches = conn.execute(text("SELECT id, name FROM branch ORDER BY id")).all()
    rows = []
    for branch_id, name in branches:
        _change, b = level2_change(engine, branch_id)
        rows.append(
            {
                "branch_id": branch_id,
                "branch": name,
                "grids": b.grids,
                "workload_dev": b.workload,
                "customers_dev": b.customers,
                "deposits_dev": b.deposits,
                "compactness": b.compactness,
                "contiguous": b.contiguous,
                "best_possible": b.best_possible,
            }
        )
    return pd.DataFrame(rows)
