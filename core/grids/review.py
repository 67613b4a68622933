"""What a bank's own data leaves for the 四定 audit to review: first grids made by a
proposal when the bank brought no grid files, and customers whose core-system manager
(归属客户经理) is not the grid's post-A manager.

The grid decides who serves a customer; the mismatch list lets the branch fix either side
(the grid's posts here, or the assignment in the core system).
"""

from __future__ import annotations

import json

import pandas as pd
from sqlalchemy import Engine, and_, func, literal_column, select

from core.db import read_frame
from core.models import Branch, Customer, Grid, GridStaff, GridVersion, Manager
from core.scope import Scope

FIRST_LOAD = "首次加载自动生成"  # the note a first load's proposal is applied with
REVIEW_COLUMNS = ["version_id", "level", "branch_id", "branch", "created_at", "grids"]
MISMATCH_COLUMNS = [
    "grid_id",
    "grid",
    "branch_id",
    "branch",
    "manager",
    "core_manager",
    "core_manager_name",
    "customers",
]


def first_grids_to_review(engine: Engine, scope: Scope) -> pd.DataFrame:
    """The grid versions a first load applied from a proposal that no later version of the
    same level and branch has replaced yet: one row per version, newest first.

    Returns
    -------
    DataFrame
        version_id, level, branch_id (None for level 1), branch, created_at, grids.
    """
    branch_key = func.coalesce(GridVersion.branch_id, literal_column("0"))  # one expression
    latest = (
        select(
            GridVersion.level, branch_key.label("branch_key"), func.max(GridVersion.id).label("id")
        )
        .group_by(GridVersion.level, branch_key)
        .subquery()
    )
    stmt = (
        select(
            GridVersion.id.label("version_id"),
            GridVersion.level,
            GridVersion.branch_id,
            Branch.name.label("branch"),
            GridVersion.created_at,
            GridVersion.after,
        )
        .join(latest, latest.c.id == GridVersion.id)
        .outerjoin(Branch, Branch.id == GridVersion.branch_id)
        .where(GridVersion.note.like(f"{FIRST_LOAD}%"))
        .order_by(GridVersion.level, GridVersion.branch_id)
    )
    with engine.connect() as conn:
        df = read_frame(conn, stmt)
    if scope.role != "hq":
        df = df[df["branch_id"] == scope.branch_id] if scope.branch_id else df.iloc[0:0]
        if scope.role == "manager":
            df = df.iloc[0:0]
    if df.empty:
        return pd.DataFrame(columns=REVIEW_COLUMNS)
    df["grids"] = [len(json.loads(a)) for a in df.pop("after")]
    return df[REVIEW_COLUMNS].reset_index(drop=True)


def manager_mismatches(engine: Engine, scope: Scope) -> pd.DataFrame:
    """Per level-2 grid and core-system manager: the customers whose 归属客户经理 (as loaded
    from the core system) is not the grid's post-A manager.

    Returns
    -------
    DataFrame
        grid_id, grid, branch_id, branch, manager (post A's name, None when unstaffed),
        core_manager (the core system's staff number), core_manager_name (None when the
        number is no manager here), customers. Largest first.
    """
    post_a = and_(GridStaff.grid_id == Customer.grid2_id, GridStaff.post == "A")
    core = Manager.__table__.alias("core")
    a = Manager.__table__.alias("a")
    stmt = (
        select(
            Customer.grid2_id.label("grid_id"),
            Grid.name.label("grid"),
            Grid.branch_id,
            Branch.name.label("branch"),
            a.c.name.label("manager"),
            Customer.core_manager,
            core.c.name.label("core_manager_name"),
            func.count().label("customers"),
        )
        .join(Grid, Grid.id == Customer.grid2_id)
        .join(Branch, Branch.id == Grid.branch_id)
        .outerjoin(GridStaff, post_a)
        .outerjoin(a, a.c.id == GridStaff.manager_id)
        .outerjoin(core, core.c.code == Customer.core_manager)
        .where(
            Customer.core_manager.is_not(None),
            Customer.core_manager != "",
            Customer.status != "closed",
            (a.c.code.is_(None)) | (a.c.code != Customer.core_manager),
            scope.where(Customer.branch_id, Customer.manager_id),
        )
        .group_by(
            Customer.grid2_id,
            Grid.name,
            Grid.branch_id,
            Branch.name,
            a.c.name,
            Customer.core_manager,
            core.c.name,
        )
    )
    with engine.connect() as conn:
        df = read_frame(conn, stmt)
    if df.empty:
        return pd.DataFrame(columns=MISMATCH_COLUMNS)
    df["customers"] = df["customers"].astype(int)
    order = df.sort_values(["customers", "grid_id"], ascending=[False, True])
    return order[MISMATCH_COLUMNS].reset_index(drop=True)
