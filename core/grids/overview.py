"""The Overview (总览): headline figures and a breakdown for the caller's scope.

All aggregation happens in SQL (one GROUP BY over the indexed customer table); no customer
row is read into pandas.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
from sqlalchemy import Engine, case, distinct, func, select

from core.db import read_frame
from core.format import to_wan
from core.models import Branch, Customer, Grid, GridStaff, Manager
from core.scope import Scope


@dataclass(frozen=True)
class Headline:
    """The figures at the top of the Overview."""

    customers: int
    existing: int
    potential: int
    in_grid: int
    deposits: float  # yuan
    loans: float  # yuan
    managers: int
    grids_level1: int
    grids_level2: int
    residents: int  # adults known to live in the scope's second-level grids

    @property
    def in_grid_rate(self) -> float:
        """入格率: share of customers that sit in a second-level grid."""
        return self.in_grid / self.customers if self.customers else 0.0

    @property
    def filing_rate(self) -> float:
        """建档率: filed customers against the adults known to live in the grids."""
        return min(self.customers / self.residents, 1.0) if self.residents else 0.0


def _customer_measures():
    existing = case((Customer.status != "potential", 1), else_=0)
    return [
        func.count().label("customers"),
        func.coalesce(func.sum(existing), 0).label("existing"),
        func.coalesce(func.sum(1 - existing), 0).label("potential"),
        func.count(Customer.grid2_id).label("in_grid"),
        func.coalesce(func.sum(Customer.deposit_balance), 0.0).label("deposits"),
        func.coalesce(func.sum(Customer.loan_balance), 0.0).label("loans"),
        func.coalesce(func.sum(case((Customer.has_mobile_banking, 1), else_=0)), 0).label(
            "mobile_banking"
        ),
    ]


def load_headline(engine: Engine, scope: Scope) -> Headline:
    """Headline figures of ``scope``: customers, 入格率, deposits, loans, managers, grids."""
    where = scope.where(Customer.branch_id, Customer.manager_id)
    with engine.connect() as conn:
        row = conn.execute(select(*_customer_measures()).where(where)).one()
        managers = conn.execute(
            select(func.count())
            .select_from(Manager)
            .where(Manager.active, scope.where(Manager.branch_id, Manager.id))
        ).scalar_one()
        grids = dict(conn.execute(_grid_count_query(scope)).all())
        residents = conn.execute(
            select(func.coalesce(func.sum(_scope_grids(scope).c.residents), 0))
        ).scalar_one()
    return Headline(
        int(row.customers),
        int(row.existing),
        int(row.potential),
        int(row.in_grid),
        float(row.deposits),
        float(row.loans),
        int(managers),
        int(grids.get(1, 0)),
        int(grids.get(2, 0)),
        int(residents),
    )


def _scope_grids(scope: Scope):
    """The scope's second-level grids with their post-A manager and residents."""
    stmt = (
        select(Grid.id, Grid.branch_id, GridStaff.manager_id, Grid.residents)
        .join(GridStaff, (GridStaff.grid_id == Grid.id) & (GridStaff.post == "A"))
        .where(
            Grid.level == 2,
            Grid.dimension == "region",
            scope.where(Grid.branch_id, GridStaff.manager_id),
        )
    )
    return stmt.subquery()


def _grid_count_query(scope: Scope):
    if scope.role == "manager":  # the grids where they hold post A or B, and their parents
        posts = select(GridStaff.grid_id).where(GridStaff.manager_id == scope.manager_id)
        mine = (
            select(Grid.id, Grid.parent_id)
            .where(Grid.id.in_(posts), Grid.dimension == "region")
            .subquery()
        )
        return select(2, func.count(distinct(mine.c.id))).union_all(
            select(1, func.count(distinct(mine.c.parent_id)))
        )
    return (
        select(Grid.level, func.count())
        .where(scope.where(Grid.branch_id), Grid.dimension == "region")
        .group_by(Grid.level)
    )


def breakdown_level(scope: Scope) -> str:
    """What the Overview table is broken down by: branch, manager or grid."""
    return {"hq": "branch", "branch": "manager", "manager": "grid"}[scope.role]


def load_breakdown(engine: Engine, scope: Scope) -> pd.DataFrame:
    """One row per branch (head office), manager (branch leader) or grid (manager).

    Columns: name, customers, existing, potential, in_grid_pct, filing_pct, deposits_wan,
    loans_wan, mobile_pct. Sorted by deposits, largest first.
    """
    level = breakdown_level(scope)
    key, name_col, join_table = {
        "branch": (Customer.branch_id, Branch.name, Branch),
        "manager": (Customer.manager_id, Manager.name, Manager),
        "grid": (Customer.grid2_id, Grid.name, Grid),
    }[level]
    measures = (
        select(key.label("key"), *_customer_measures())
        .where(scope.where(Customer.branch_id, Customer.manager_id))
        .group_by(key)
        .subquery()
    )
    stmt = (
        select(name_col.label("name"), measures)
        .join(measures, measures.c.key == join_table.id)
        .order_by(measures.c.deposits.desc())
    )
    grids = _scope_grids(scope)
    grid_key = {"branch": grids.c.branch_id, "manager": grids.c.manager_id, "grid": grids.c.id}[
        level
    ]
    residents = select(
        grid_key.label("key"), func.sum(grids.c.residents).label("residents")
    ).group_by(grid_key)
    with engine.connect() as conn:
        df = read_frame(conn, stmt)
        known = read_frame(conn, residents)
    df["residents"] = (
        df["key"].map(dict(zip(known["key"], known["residents"], strict=False))).fillna(0)
    )
    return shape_breakdown(df)


def shape_breakdown(df: pd.DataFrame) -> pd.DataFrame:
    """Turn raw sums into the table a banker reads: 万元, and rates in percent (0-100)."""

    def percent(part: pd.Series, whole: pd.Series) -> pd.Series:
        return (100 * part / whole.where(whole > 0)).fillna(0.0).clip(upper=100.0).round(1)

    out = pd.DataFrame(
        {
            "name": df["name"],
            "customers": df["customers"].astype(int),
            "existing": df["existing"].astype(int),
            "potential": df["potential"].astype(int),
            "in_grid_pct": percent(df["in_grid"], df["customers"]),
            "filing_pct": percent(df["customers"], df["residents"]),
            "deposits_wan": to_wan(df["deposits"]),
            "loans_wan": to_wan(df["loans"]),
            "mobile_pct": percent(df["mobile_banking"], df["existing"]),
        }
    )
    return out.reset_index(drop=True)


def breakdown_chart(table: pd.DataFrame, labels: dict[str, str]) -> go.Figure:
    """Grouped bars of deposits and loans (万元) per row of the breakdown. Plotly reads
    tags such as ``<a href>`` in its texts, so the names are HTML-escaped (it shows the
    entities as the characters)."""
    from core.escape import html

    top = table.head(30)
    names = top["name"].map(html)
    fig = go.Figure(
        [
            go.Bar(name=labels["deposits_wan"], x=names, y=top["deposits_wan"]),
            go.Bar(name=labels["loans_wan"], x=names, y=top["loans_wan"]),
        ]
    )
    fig.update_layout(
        barmode="group",
        height=380,
        margin=dict(l=10, r=10, t=30, b=10),
        yaxis_title=labels["unit"],
        legend=dict(orientation="h", y=1.1),
        separators=".,",
    )
    fig.update_yaxes(tickformat=",.0f")
    return fig


def load_org_names(engine: Engine, scope: Scope) -> tuple[str | None, str | None]:
    """The names of the scope's branch and manager (None where the scope has none)."""
    with engine.connect() as conn:
        branch = (
            conn.execute(
                select(Branch.name).where(Branch.id == scope.branch_id)
            ).scalar_one_or_none()
            if scope.branch_id is not None
            else None
        )
        manager = (
            conn.execute(
                select(Manager.name).where(Manager.id == scope.manager_id)
            ).scalar_one_or_none()
            if scope.manager_id is not None
            else None
        )
    return branch, manager
