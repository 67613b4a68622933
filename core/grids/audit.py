"""四定审计 / the four-fixes audit: 定格 (fix the grid), 定岗 (fix the post), 定员 (fix the people).

Every check takes ``(engine, scope)`` and returns a DataFrame that is empty when all is well.
Rows that concern a grid carry ``grid_id`` so a page can lead to it on the map. Whatever
touches customers is aggregated in SQL (a bank may hold a million customers); geometry checks
work on the grids' polygons (a few thousand at most) with shapely.

Areas are in km², computed in an equal-area sense: degrees² × (111.32 km)² × cos(latitude).
Grids are stored with 6 decimals, so grids that tile an area exactly still leave slivers of
floating noise along shared edges; ``MIN_AREA_KM2`` and an opening of ``SLIVER_DEG`` keep
them out of the report.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import shapely
from sqlalchemy import Engine, and_, case, func, or_, select
from sqlalchemy.engine import Connection

from core.db import read_frame
from core.grids.queries import _visible_grids
from core.models import Branch, Customer, Grid, GridStaff, Liaison, Manager, Village
from core.scope import Scope
from core.territory import service_area
from geo.assign import assign_points
from geo.county import from_geojson, polygonal

KM_PER_DEGREE = 111.32
MIN_AREA_KM2 = 0.01  # gaps and overlaps smaller than this are noise, not problems
SLIVER_DEG = 1e-5  # ~1 m: thinner slivers vanish in an opening of this radius
OUTSIDE_SHARE = 0.01  # a level-2 grid may stick out of its parent by at most 1 %
LIAISONS = (2, 5)  # 定员: 2-5 liaison persons per grid
PROBLEMS = ("no_a", "no_b", "few_liaisons", "many_liaisons")

BLIND_COLUMNS = ["village_id", "village", "town", "customers", "deposits_wan", "grid_id"]
COVERAGE_COLUMNS = [
    "level",
    "kind",
    "grid_id",
    "grid",
    "other_grid_id",
    "other_grid",
    "branch_id",
    "branch",
    "area_km2",
    "lon",
    "lat",
    "villages",
]
OUTSIDE_COLUMNS = [
    "grid_id",
    "grid",
    "branch_id",
    "branch",
    "parent_id",
    "parent",
    "outside_km2",
    "outside_pct",
]
STAFFING_COLUMNS = [
    "grid_id",
    "grid",
    "branch_id",
    "branch",
    "problem",
    "count",
    "posts",
    "liaisons",
]
RATE_GRID_COLUMNS = [
    "grid_id",
    "grid",
    "branch_id",
    "branch",
    "customers",
    "deposits_wan",
    "residents",
    "filing_pct",
]
RATE_VILLAGE_COLUMNS = [
    "village_id",
    "village",
    "town",
    "customers",
    "in_grid",
    "in_grid_pct",
    "residents",
    "filing_pct",
    "grid_id",
]


# ---- geometry helpers ------------------------------------------------------------------


def area_km2(geom: shapely.Geometry) -> float:
    """Area of a WGS-84 geometry in km² (each part scaled by the cosine of its latitude).

    Examples
    --------
    >>> from shapely.geometry import box
    >>> round(area_km2(box(0, 0, 0.01, 0.01)), 3)
    1.239
    >>> round(area_km2(box(107, 60, 107.01, 60.01)), 3)
    0.62
    """
    if geom is None or geom.is_empty:
        return 0.0
    total = 0.0
    for part in shapely.get_parts(geom):
        if part.area > 0:
            total += part.area * KM_PER_DEGREE**2 * math.cos(math.radians(part.centroid.y))
    return total


def significant_parts(
    geom: shapely.Geometry, min_km2: float = MIN_AREA_KM2
) -> list[shapely.Geometry]:
    """The connected polygons of ``geom`` that are real gaps or overlaps, not noise.

    A part counts when it is at least ``min_km2`` large and keeps that size after an opening
    (shrink then grow by ``SLIVER_DEG``), which removes long hairline slivers however long.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> noise = box(0, 0, 1, 1e-7)  # a hairline 111 km long
    >>> [round(area_km2(p), 2) for p in significant_parts(noise | box(2, 0, 2.01, 0.01))]
    [1.24]
    """
    if geom is None or geom.is_empty:
        return []
    kept = []
    for part in shapely.get_parts(polygonal(geom)):
        if area_km2(part) < min_km2:
            continue
        opened = part.buffer(-SLIVER_DEG, join_style="mitre").buffer(SLIVER_DEG, join_style="mitre")
        if area_km2(opened) >= min_km2:
            kept.append(part)
    return kept


def _region_grids(conn: Connection) -> pd.DataFrame:
    """Every region grid with a polygon, bank-wide (scope filtering happens on the rows)."""
    df = read_frame(
        conn,
        select(
            Grid.id,
            Grid.name,
            Grid.level,
            Grid.parent_id,
            Grid.branch_id,
            Branch.name.label("branch"),
            Grid.geometry,
        )
        .join(Branch, Branch.id == Grid.branch_id)
        .where(Grid.dimension == "region", Grid.geometry.is_not(None))
        .order_by(Grid.level, Grid.id),
    )
    df["polygon"] = [shapely.make_valid(from_geojson(g)) for g in df.pop("geometry")]
    return df


def _scope_grid_ids(conn: Connection, scope: Scope) -> set[int]:
    return set(conn.execute(select(Grid.id).where(_visible_grids(scope))).scalars())


def _villages(conn: Connection) -> pd.DataFrame:
    return read_frame(
        conn,
        select(
            Village.id,
            Village.name,
            Village.town_name,
            Village.lon,
            Village.lat,
            Village.residents,
            Village.geometry,
        ).order_by(Village.id),
    )


def _village_level1(conn: Connection, villages: pd.DataFrame, scope: Scope) -> dict[int, int]:
    """``{village_id: level-1 grid id}`` for the villages whose point lies in a level-1 grid
    of ``scope``."""
    level1 = read_frame(
        conn,
        select(Grid.id, Grid.geometry)
        .where(
            Grid.level == 1,
            Grid.dimension == "region",
            Grid.geometry.is_not(None),
            _visible_grids(scope),
        )
        .order_by(Grid.id),
    )
    if level1.empty or villages.empty:
        return {}
    polygons = [from_geojson(g) for g in level1["geometry"]]
    idx = assign_points(villages["lon"].to_numpy(float), villages["lat"].to_numpy(float), polygons)
    grid_ids = level1["id"].to_numpy()
    return {int(v): int(grid_ids[i]) for v, i in zip(villages["id"], idx, strict=False) if i >= 0}


def _customer_scope(scope: Scope, branch_villages: dict[int, int]):
    """SQL condition: the customers ``scope`` answers for. A branch also answers for the
    customers without a branch whose village point lies in its jurisdiction."""
    own = scope.where(Customer.branch_id, Customer.manager_id)
    if scope.role != "branch":
        return own
    return or_(
        own, and_(Customer.branch_id.is_(None), Customer.village_id.in_(sorted(branch_villages)))
    )


def _pct(part: pd.Series, whole: pd.Series) -> pd.Series:
    whole = whole.astype(float)
    return (100 * part.astype(float) / whole.where(whole > 0)).round(1)


# ---- 定格: customers ---------------------------------------------------------------------


def blind_spots_by_village(engine: Engine, scope: Scope) -> pd.DataFrame:
    """Blind spots (营销盲区): the scope's customers in no second-level grid, by village.

    Parameters
    ----------
    engine : Engine
    scope : Scope
        Head office: every customer. Branch leader: the branch's customers, and customers
        with no branch whose village point lies in the branch's level-1 grid. Manager: their
        own customers.

    Returns
    -------
    DataFrame
        One row per village, most customers first: village_id, village, town, customers,
        deposits_wan (万元), grid_id (the level-1 grid the village lies in, else NA).
        Customers without a village form one row with village_id, village and town NA (the
        page names it 未知村). Empty when every customer sits in a second-level grid.
    """
    with engine.connect() as conn:
        villages = _villages(conn)
        level1 = _village_level1(conn, villages, scope)
        df = read_frame(
            conn,
            select(
                Customer.village_id,
                func.count().label("customers"),
                func.coalesce(func.sum(Customer.deposit_balance), 0.0).label("deposits"),
            )
            .where(
                Customer.grid2_id.is_(None),
                Customer.status != "closed",
                _customer_scope(scope, level1),
            )
            .group_by(Customer.village_id),
        )
    if df.empty:
        return pd.DataFrame(columns=BLIND_COLUMNS)
    # customers placed nowhere have no village: a column of only NULLs reads as objects
    df["village_id"] = pd.to_numeric(df["village_id"]).astype("Int64")
    named = villages[["id", "name", "town_name"]].astype({"id": "Int64"})
    df = df.merge(
        named.rename(columns={"id": "village_id", "name": "village", "town_name": "town"}),
        on="village_id",
        how="left",
    )
    df["village_id"] = df["village_id"].astype("Int64")
    df["deposits_wan"] = (df["deposits"].astype(float) / 1e4).round(2)
    df["grid_id"] = df["village_id"].map(level1).astype("Int64")
    df["customers"] = df["customers"].astype(int)
    return df.sort_values(["customers", "village_id"], ascending=[False, True])[
        BLIND_COLUMNS
    ].reset_index(drop=True)


# ---- 定格: areas -------------------------------------------------------------------------


def coverage_problems(engine: Engine, scope: Scope, min_km2: float = MIN_AREA_KM2) -> pd.DataFrame:
    """Gaps and overlaps between the region grids of one level.

    Level 1 is compared with the bank's service area (``core.territory.service_area``): a gap is
    county area in no level-1 grid. Level 2 is compared with each level-1 grid: a gap is
    area of the parent in none of its level-2 grids. Overlaps are pairs of grids of the same
    level sharing area (level 2 across branches too). Pieces smaller than ``min_km2`` or
    thinner than ~2 m are floating noise and left out.

    Parameters
    ----------
    engine : Engine
    scope : Scope
        A row is the scope's when ``grid_id`` or ``other_grid_id`` is a grid it may see.
    min_km2 : float
        The smallest gap or overlap reported.

    Returns
    -------
    DataFrame
        level (1/2), kind (gap/overlap), grid_id (gap: the parent for level 2, the level-1
        grid hugging most of it for level 1; overlap: the first grid), grid, other_grid_id
        and other_grid (overlaps only, else NA), branch_id and branch of ``grid_id``,
        area_km2, lon and lat (a point inside the piece), villages (the villages it lies in,
        largest share first, joined with 、). One row per gap piece and per overlapping pair.
    """
    with engine.connect() as conn:
        grids = _region_grids(conn)
        visible = _scope_grid_ids(conn, scope)
        villages = _villages(conn)
    rows: list[dict] = []
    level1 = grids[grids["level"] == 1].reset_index(drop=True)
    level2 = grids[grids["level"] == 2].reset_index(drop=True)
    if len(level1):
        union1 = shapely.union_all(list(level1["polygon"]))
        for piece in significant_parts(service_area(engine).difference(union1), min_km2):
            rows.append(_gap_row(1, piece, _hugging(piece, level1)))
    for _, parent in level1.iterrows():
        children = level2[level2["parent_id"] == parent["id"]]
        covered = shapely.union_all(list(children["polygon"]))
        for piece in significant_parts(parent["polygon"].difference(covered), min_km2):
            rows.append(_gap_row(2, piece, parent))
    for level, frame in ((1, level1), (2, level2)):
        rows += _overlap_rows(level, frame, min_km2)
    if not rows:
        return pd.DataFrame(columns=COVERAGE_COLUMNS)
    df = pd.DataFrame(rows)
    mine = df["grid_id"].isin(visible) | df["other_grid_id"].isin(visible)
    df = df[mine].copy()
    if df.empty:
        return pd.DataFrame(columns=COVERAGE_COLUMNS)
    df["villages"] = _villages_of(list(df.pop("piece")), villages)
    df["area_km2"] = df["area_km2"].round(3)
    df[["lon", "lat"]] = df[["lon", "lat"]].round(6)
    for col in ("grid_id", "other_grid_id", "branch_id"):
        df[col] = df[col].astype("Int64")
    return df.sort_values(["level", "kind", "area_km2"], ascending=[True, True, False])[
        COVERAGE_COLUMNS
    ].reset_index(drop=True)


def _hugging(piece: shapely.Geometry, level1: pd.DataFrame) -> pd.Series:
    """The level-1 grid that borders most of ``piece`` (the nearest when none touches)."""
    ring = piece.buffer(1e-4).difference(piece)
    shared = [ring.intersection(p).area for p in level1["polygon"]]
    if max(shared) > 0:
        return level1.iloc[int(np.argmax(shared))]
    return level1.iloc[int(np.argmin([piece.distance(p) for p in level1["polygon"]]))]


def _gap_row(level: int, piece: shapely.Geometry, grid: pd.Series) -> dict:
    point = piece.point_on_surface()
    return {
        "level": level,
        "kind": "gap",
        "grid_id": int(grid["id"]),
        "grid": grid["name"],
        "other_grid_id": pd.NA,
        "other_grid": None,
        "branch_id": int(grid["branch_id"]),
        "branch": grid["branch"],
        "area_km2": area_km2(piece),
        "lon": point.x,
        "lat": point.y,
        "piece": piece,
    }


def _overlap_rows(level: int, grids: pd.DataFrame, min_km2: float) -> list[dict]:
    if len(grids) < 2:
        return []
    polygons = np.asarray(list(grids["polygon"]), dtype=object)
    left, right = shapely.STRtree(polygons).query(polygons, predicate="intersects")
    pairs = left < right
    rows = []
    for i, j in zip(left[pairs], right[pairs], strict=False):
        parts = significant_parts(polygons[i].intersection(polygons[j]), min_km2)
        if not parts:
            continue
        piece = shapely.union_all(parts)
        a, b = grids.iloc[i], grids.iloc[j]
        point = max(parts, key=lambda p: p.area).point_on_surface()
        rows.append(
            {
                "level": level,
                "kind": "overlap",
                "grid_id": int(a["id"]),
                "grid": a["name"],
                "other_grid_id": int(b["id"]),
                "other_grid": b["name"],
                "branch_id": int(a["branch_id"]),
                "branch": a["branch"],
                "area_km2": area_km2(piece),
                "lon": point.x,
                "lat": point.y,
                "piece": piece,
            }
        )
    return rows


def _villages_of(pieces: list[shapely.Geometry], villages: pd.DataFrame) -> list[str]:
    """Per piece, the names of the villages whose (illustrative) area holds ≥ 1 % of it,
    largest share first, joined with 、."""
    known = villages[villages["geometry"].notna()]
    polygons = np.asarray([from_geojson(g) for g in known["geometry"]], dtype=object)
    tree = shapely.STRtree(polygons)
    names = known["name"].to_numpy()
    out = []
    for piece in pieces:
        hits = tree.query(piece, predicate="intersects")
        shares = shapely.area(shapely.intersection(polygons[hits], piece)) / piece.area
        ranked = sorted(zip(-shares, names[hits], strict=False))
        out.append("、".join(str(name) for neg, name in ranked if -neg >= 0.01))
    return out


def outside_parent(engine: Engine, scope: Scope, max_share: float = OUTSIDE_SHARE) -> pd.DataFrame:
    """Level-2 grids with more than ``max_share`` of their area outside their level-1 grid.

    Returns
    -------
    DataFrame
        grid_id, grid, branch_id, branch, parent_id, parent, outside_km2, outside_pct
        (percent, one decimal), largest share first. Grids without a parent polygon are
        left out.
    """
    with engine.connect() as conn:
        grids = _region_grids(conn)
        visible = _scope_grid_ids(conn, scope)
    parents = grids[grids["level"] == 1].set_index("id")
    rows = []
    for _, g in grids[(grids["level"] == 2) & grids["id"].isin(visible)].iterrows():
        if g["parent_id"] not in parents.index or g["polygon"].area == 0:
            continue
        parent = parents.loc[g["parent_id"]]
        outside = g["polygon"].difference(parent["polygon"])
        share = outside.area / g["polygon"].area
        if share > max_share:
            rows.append(
                {
                    "grid_id": int(g["id"]),
                    "grid": g["name"],
                    "branch_id": int(g["branch_id"]),
                    "branch": g["branch"],
                    "parent_id": int(g["parent_id"]),
                    "parent": parent["name"],
                    "outside_km2": round(area_km2(outside), 3),
                    "outside_pct": round(100 * share, 1),
                }
            )
    if not rows:
        return pd.DataFrame(columns=OUTSIDE_COLUMNS)
    return (
        pd.DataFrame(rows)
        .sort_values("outside_pct", ascending=False)[OUTSIDE_COLUMNS]
        .reset_index(drop=True)
    )


# ---- 定岗 / 定员 -------------------------------------------------------------------------


def staffing_gaps(engine: Engine, scope: Scope) -> pd.DataFrame:
    """Level-2 region grids breaking 定岗 or 定员.

    A post counts only when an active manager holds it. Problems: ``no_a`` (no post A),
    ``no_b`` (no post B), ``few_liaisons`` (fewer than 2 liaison persons), ``many_liaisons``
    (more than 5).

    Returns
    -------
    DataFrame
        grid_id, grid, branch_id, branch, problem, count (posts held for a post problem,
        liaisons for a liaison problem), posts, liaisons. A grid may have several rows.
    """
    held = and_(Manager.id == GridStaff.manager_id, Manager.active.is_(True))
    posts = (
        select(
            GridStaff.grid_id,
            func.sum(case((GridStaff.post == "A", 1), else_=0)).label("a"),
            func.sum(case((GridStaff.post == "B", 1), else_=0)).label("b"),
        )
        .join(Manager, held)
        .group_by(GridStaff.grid_id)
        .subquery()
    )
    people = select(Liaison.grid_id, func.count().label("n")).group_by(Liaison.grid_id).subquery()
    stmt = (
        select(
            Grid.id.label("grid_id"),
            Grid.name.label("grid"),
            Grid.branch_id,
            Branch.name.label("branch"),
            func.coalesce(posts.c.a, 0).label("a"),
            func.coalesce(posts.c.b, 0).label("b"),
            func.coalesce(people.c.n, 0).label("liaisons"),
        )
        .join(Branch, Branch.id == Grid.branch_id)
        .outerjoin(posts, posts.c.grid_id == Grid.id)
        .outerjoin(people, people.c.grid_id == Grid.id)
        .where(Grid.level == 2, Grid.dimension == "region", _visible_grids(scope))
        .order_by(Grid.branch_id, Grid.id)
    )
    with engine.connect() as conn:
        df = read_frame(conn, stmt)
    if df.empty:
        return pd.DataFrame(columns=STAFFING_COLUMNS)
    df["posts"] = (df["a"].astype(int) > 0).astype(int) + (df["b"].astype(int) > 0).astype(int)
    df["liaisons"] = df["liaisons"].astype(int)
    low, high = LIAISONS
    checks = {
        "no_a": (df["a"] == 0, "posts"),
        "no_b": (df["b"] == 0, "posts"),
        "few_liaisons": (df["liaisons"] < low, "liaisons"),
        "many_liaisons": (df["liaisons"] > high, "liaisons"),
    }
    parts = [
        df[mask].assign(problem=code, count=df.loc[mask, col])
        for code, (mask, col) in checks.items()
        if mask.any()
    ]
    if not parts:
        return pd.DataFrame(columns=STAFFING_COLUMNS)
    out = pd.concat(parts)
    out["order"] = out["problem"].map(PROBLEMS.index)
    return out.sort_values(["branch_id", "grid_id", "order"])[STAFFING_COLUMNS].reset_index(
        drop=True
    )


# ---- 入格率 / 建档率 ----------------------------------------------------------------------


def in_grid_rate(engine: Engine, scope: Scope, by: str = "grid") -> pd.DataFrame:
    """入格率 (customers in a second-level grid / all customers) and 建档率 (customers /
    residents), per second-level grid or per village.

    Parameters
    ----------
    engine : Engine
    scope : Scope
        Whose customers count (as in ``blind_spots_by_village``).
    by : {"grid", "village"}
        ``"grid"``: every level-2 region grid of the scope, with customers, deposits_wan,
        residents (grid.residents) and filing_pct (入格率 of a level-2 grid is 100 % by
        construction, so it is not repeated). ``"village"``: every village with customers,
        with customers, in_grid, in_grid_pct, residents (village.residents), filing_pct and
        grid_id (the level-1 grid it lies in); customers without a village form a row with
        village_id NA.

    Returns
    -------
    DataFrame
        Percentages in percent with one decimal (NA where there is no denominator); not
        capped at 100, so a 建档率 above 100 shows residents figures that need updating.
    """
    if by not in ("grid", "village"):
        raise ValueError(f"by must be 'grid' or 'village', not {by!r}")
    if by == "grid":
        return _rate_by_grid(engine, scope)
    with engine.connect() as conn:
        villages = _villages(conn)
        level1 = _village_level1(conn, villages, scope)
        df = read_frame(
            conn,
            select(
                Customer.village_id,
                func.count().label("customers"),
                func.count(Customer.grid2_id).label("in_grid"),
            )
            .where(_customer_scope(scope, level1))
            .group_by(Customer.village_id),
        )
    if df.empty:
        return pd.DataFrame(columns=RATE_VILLAGE_COLUMNS)
    df = df.merge(
        villages[["id", "name", "town_name", "residents"]].rename(
            columns={"id": "village_id", "name": "village", "town_name": "town"}
        ),
        on="village_id",
        how="left",
    )
    df["village_id"] = df["village_id"].astype("Int64")
    df["residents"] = df["residents"].astype("Int64")
    df["in_grid_pct"] = _pct(df["in_grid"], df["customers"])
    df["filing_pct"] = _pct(df["customers"], df["residents"].astype(float))
    df["grid_id"] = df["village_id"].map(level1).astype("Int64")
    return df.sort_values(["in_grid_pct", "village_id"], na_position="last")[
        RATE_VILLAGE_COLUMNS
    ].reset_index(drop=True)


def _rate_by_grid(engine: Engine, scope: Scope) -> pd.DataFrame:
    counts = (
        select(
            Customer.grid2_id.label("grid_id"),
            func.count().label("customers"),
            func.sum(Customer.deposit_balance).label("deposits"),
        )
        .where(Customer.grid2_id.is_not(None), scope.where(Customer.branch_id, Customer.manager_id))
        .group_by(Customer.grid2_id)
        .subquery()
    )
    stmt = (
        select(
            Grid.id.label("grid_id"),
            Grid.name.label("grid"),
            Grid.branch_id,
            Branch.name.label("branch"),
            Grid.residents,
            func.coalesce(counts.c.customers, 0).label("customers"),
            func.coalesce(counts.c.deposits, 0.0).label("deposits"),
        )
        .join(Branch, Branch.id == Grid.branch_id)
        .outerjoin(counts, counts.c.grid_id == Grid.id)
        .where(Grid.level == 2, Grid.dimension == "region", _visible_grids(scope))
        .order_by(Grid.branch_id, Grid.id)
    )
    with engine.connect() as conn:
        df = read_frame(conn, stmt)
    if df.empty:
        return pd.DataFrame(columns=RATE_GRID_COLUMNS)
    df["customers"] = df["customers"].astype(int)
    df["deposits_wan"] = (df["deposits"].astype(float) / 1e4).round(2)
    df["filing_pct"] = _pct(df["customers"], df["residents"])
    return df[RATE_GRID_COLUMNS]


# ---- the summary -------------------------------------------------------------------------


def summarize(
    blind: pd.DataFrame, coverage: pd.DataFrame, outside: pd.DataFrame, staffing: pd.DataFrame
) -> dict[str, int]:
    """The counts at the top of the audit page, from the checks' frames.

    Examples
    --------
    >>> empty = pd.DataFrame(columns=["customers", "kind", "problem", "grid_id"])
    >>> summarize(empty, empty, empty, empty)["gaps"]
    0
    """

    def grids_with(*problems: str) -> int:
        return int(staffing.loc[staffing["problem"].isin(problems), "grid_id"].nunique())

    return {
        "blind_spot_customers": int(pd.to_numeric(blind["customers"]).sum()),
        "gaps": int((coverage["kind"] == "gap").sum()),
        "overlaps": int((coverage["kind"] == "overlap").sum()),
        "outside_parent": len(outside),
        "missing_post": grids_with("no_a", "no_b"),
        "few_liaisons": grids_with("few_liaisons"),
    }
