"""Grids in the database: the grids a scope may see, their figures, and one grid's card."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
from sqlalchemy import Engine, and_, case, func, or_, select

from core.db import read_frame
from core.masking import apply_policy, mask_phone
from core.models import Branch, Customer, Grid, GridStaff, Liaison, Manager, Visit
from core.scope import Scope

METRICS = (
    "customers",
    "deposits_wan",
    "in_grid_pct",
    "filing_pct",
    "mobile_pct",
    "other_bank_wan",
    "visits_90d",
    "target_pct",
)
CUSTOMER_METRICS = METRICS[:-1]  # from the grid's customers; target_pct from its org unit


def _visible_grids(scope: Scope):
    """SQL condition: the grids a scope may see. A manager sees the level-2 grids where they
    hold a post and the level-1 grids above them."""
    if scope.role != "manager":
        return scope.where(Grid.branch_id)
    posts = select(GridStaff.grid_id).where(GridStaff.manager_id == scope.manager_id)
    parents = select(Grid.parent_id).where(Grid.id.in_(posts))
    return or_(Grid.id.in_(posts), Grid.id.in_(parents))


def load_grids(engine: Engine, scope: Scope, level: int | None = None) -> pd.DataFrame:
    """Grids of ``scope`` (optionally one level) with their branch and A/B managers.

    Columns: id, code, name, level, parent_id, branch_id, branch, households, residents,
    geometry (GeoJSON text), manager_a, manager_b, manager_a_id.
    """
    staff_a = (
        select(GridStaff.grid_id, GridStaff.manager_id, Manager.name)
        .join(Manager, Manager.id == GridStaff.manager_id)
        .where(GridStaff.post == "A")
        .subquery()
    )
    staff_b = (
        select(GridStaff.grid_id, Manager.name)
        .join(Manager, Manager.id == GridStaff.manager_id)
        .where(GridStaff.post == "B")
        .subquery()
    )
    stmt = (
        select(
            Grid.id,
            Grid.code,
            Grid.name,
            Grid.level,
            Grid.parent_id,
            Grid.branch_id,
            Branch.name.label("branch"),
            Grid.households,
            Grid.residents,
            Grid.geometry,
            staff_a.c.name.label("manager_a"),
            staff_b.c.name.label("manager_b"),
            staff_a.c.manager_id.label("manager_a_id"),
        )
        .join(Branch, Branch.id == Grid.branch_id)
        .outerjoin(staff_a, staff_a.c.grid_id == Grid.id)
        .outerjoin(staff_b, staff_b.c.grid_id == Grid.id)
        .where(Grid.dimension == "region", _visible_grids(scope))
        .order_by(Grid.level, Grid.id)
    )
    if level is not None:
        stmt = stmt.where(Grid.level == level)
    with engine.connect() as conn:
        return read_frame(conn, stmt)


def grid_figures(
    engine: Engine, scope: Scope, level: int, as_of: date | None = None
) -> pd.DataFrame:
    """Per grid of ``level``: the figures the map colours by (``CUSTOMER_METRICS``).

    Only the scope's customers count (a manager's map shows their own book). Rates are in
    percent; 入格率 of a first-level grid is the share of its customers that also sit in a
    second-level grid (of a second-level grid, 100 by construction).
    """
    key = Customer.grid1_id if level == 1 else Customer.grid2_id
    existing = case((Customer.status != "potential", 1), else_=0)
    since = (as_of or date.today()) - timedelta(days=90)
    visits = (
        select(Visit.customer_id, func.count().label("n"))
        .where(Visit.visited_at >= since)
        .group_by(Visit.customer_id)
        .subquery()
    )
    stmt = (
        select(
            key.label("grid_id"),
            func.count().label("customers"),
            func.sum(existing).label("existing"),
            func.count(Customer.grid2_id).label("in_level2"),
            func.sum(Customer.deposit_balance).label("deposits"),
            func.sum(case((Customer.has_mobile_banking, 1), else_=0)).label("mobile"),
            func.sum(Customer.other_bank_deposit).label("other_bank"),
            func.coalesce(func.sum(visits.c.n), 0).label("visits_90d"),
        )
        .outerjoin(visits, visits.c.customer_id == Customer.id)
        .where(key.is_not(None), scope.where(Customer.branch_id, Customer.manager_id))
        .group_by(key)
    )
    with engine.connect() as conn:
        df = read_frame(conn, stmt)
        residents = dict(
            conn.execute(select(Grid.id, Grid.residents).where(Grid.level == level)).all()
        )
    df["deposits_wan"] = (df["deposits"].astype(float) / 1e4).round(2)
    df["other_bank_wan"] = (df["other_bank"].astype(float) / 1e4).round(2)
    df["mobile_pct"] = _pct(df["mobile"], df["existing"])
    # level 1: customers of the jurisdiction that also sit in a second-level grid
    df["in_grid_pct"] = _pct(df["in_level2"], df["customers"])
    df["filing_pct"] = _pct(df["customers"], df["grid_id"].map(residents).astype(float))
    return df[["grid_id", *CUSTOMER_METRICS]]


def _pct(part: pd.Series, whole: pd.Series) -> pd.Series:
    return (100 * part.astype(float) / whole.where(whole > 0)).clip(upper=100).round(1)


def grid_card(engine: Engine, scope: Scope, grid_id: int) -> dict | None:
    """What the map shows beside a clicked grid, or None when the grid is outside the scope.

    Keys: grid (dict), liaisons (DataFrame, phones masked), figures (dict), opportunities
    (DataFrame: the customers with the most money at other banks, names masked).
    """
    with engine.connect() as conn:
        row = conn.execute(select(Grid.id).where(Grid.id == grid_id, _visible_grids(scope))).first()
        if row is None:
            return None
        grids = load_grids(engine, scope)
        grid = grids[grids["id"] == grid_id].iloc[0].drop("geometry").to_dict()
        liaisons = read_frame(
            conn,
            select(Liaison.name, Liaison.role, Liaison.phone)
            .where(Liaison.grid_id == grid_id)
            .order_by(Liaison.id),
        )
        key = Customer.grid1_id if grid["level"] == 1 else Customer.grid2_id
        in_grid = and_(key == grid_id, scope.where(Customer.branch_id, Customer.manager_id))
        figures = (
            conn.execute(
                select(
                    func.count().label("customers"),
                    func.coalesce(func.sum(Customer.deposit_balance), 0).label("deposits"),
                    func.coalesce(func.sum(Customer.other_bank_deposit), 0).label("other_bank"),
                ).where(in_grid)
            )
            .one()
            ._asdict()
        )
        opportunities = read_frame(
            conn,
            select(
                Customer.name,
                Customer.kind,
                Customer.deposit_balance,
                Customer.other_bank_deposit,
                Customer.has_mobile_banking,
            )
            .where(in_grid, Customer.other_bank_deposit > 0)
            .order_by(Customer.other_bank_deposit.desc())
            .limit(5),
        )
    liaisons["phone"] = liaisons["phone"].map(mask_phone)  # liaisons: always masked
    opportunities = apply_policy(scope, opportunities, owner_col=None, bulk=True)
    return {"grid": grid, "liaisons": liaisons, "figures": figures, "opportunities": opportunities}
