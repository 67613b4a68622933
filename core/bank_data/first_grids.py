"""A bank's first grids, when it brings no grid files: a proposal applied as the first
grid versions and marked for review in the 四定 audit (``core.grids.review``)."""

from __future__ import annotations

import numpy as np
from sqlalchemy import Engine, text

from core.bank_data import write
from core.bank_data.upsert import create_indexes, drop_indexes, fetch_frame
from core.grids.review import FIRST_LOAD
from core.territory import service_area


def first_grids_due(engine: Engine) -> bool:
    """No grids yet, or a first proposal cut short (its level 1 applied, a branch still
    without level-2 grids): :func:`first_grids` makes what is missing."""
    return bool(branches_to_propose(engine)[1])


def branches_to_propose(engine: Engine) -> tuple[bool, list[int]]:
    """(level 1 is missing, the branches whose level 2 is missing) for a bank without grid
    files: level 2 only under a level-1 grid that a first load proposed itself."""
    with engine.connect() as conn:
        branches = [r[0] for r in conn.execute(text("SELECT id FROM branch ORDER BY id"))]
        level1 = conn.execute(text("SELECT COUNT(*) FROM grid WHERE level = 1")).scalar_one()
        if not level1:
            return True, branches
        proposed = conn.execute(
            text("SELECT COUNT(*) FROM grid_version WHERE level = 1 AND note LIKE :n"),
            {"n": f"{FIRST_LOAD}%"},
        ).scalar_one()
        missing = [
            r[0]
            for r in conn.execute(
                text(
                    "SELECT b.id FROM branch b JOIN grid g ON g.branch_id = b.id AND g.level = 1 "
                    "WHERE NOT EXISTS (SELECT 1 FROM grid c WHERE c.level = 2 "
                    "AND c.branch_id = b.id) ORDER BY b.id"
                )
            )
        ]
    return False, missing if proposed else []


def first_grids(engine: Engine, actor) -> int:
    """A bank with branches and managers but no grids gets its first grids from the
    proposal: level 1 by nearest outlet, then per branch level 2 from whole villages
    balanced by workload; applied as the first grid versions (action ``proposal``, noted
    for review). A proposal cut short (the process killed after level 1) is finished by the
    next load. Returns the number of grids made.

    The customers are read once and assigned once, after the last grid is applied: the
    branches' workloads come from their first-level grids computed in memory, and the one
    re-assignment writes every customer without the customer table's indexes, built again
    in the same transaction."""
    from core.grids.assignment import GridSet, compute_assignment, read_grid_sets
    from core.grids.changes import apply, refresh_residents
    from core.grids.proposals import level1_change, level2_change

    with engine.connect() as conn:
        managers = conn.execute(text("SELECT COUNT(*) FROM manager WHERE active")).scalar_one()
    missing_level1, branches = branches_to_propose(engine)
    if not branches or not managers or service_area(engine).is_empty:
        return 0
    made = 0
    if missing_level1:
        level1 = level1_change(engine)
        level1.note = f"{FIRST_LOAD},待审核 / first load, to review: {level1.note}"
        apply(engine, level1, actor, reassign=False)
        made = len(level1.grids)
    with engine.connect() as conn:
        customers = fetch_frame(
            conn,
            "SELECT id, lon, lat, village_id, deposit_balance, "
            "deposit_balance + wealth_balance AS aum FROM customer ORDER BY id",
            numeric=True,
        )
        grids1, _, village_xy = read_grid_sets(conn)
    none = np.array([], dtype=float)
    customers[["grid1_id", "grid2_id"]] = np.nan
    level1_only = compute_assignment(customers, grids1, GridSet(none, [], none, none), village_xy)
    branch = level1_only["branch_id"].to_numpy()
    wanted = ["lon", "lat", "deposit_balance", "aum"]
    for branch_id in branches:
        mine = customers.loc[branch == branch_id, wanted].reset_index(drop=True)
        change, _balance = level2_change(engine, branch_id, mine)
        change.note = f"{FIRST_LOAD},待审核 / first load, to review: {change.note}"
        apply(engine, change, actor, reassign=False)
        made += len(change.grids)
    del customers
    with engine.begin() as conn:
        indexes = drop_indexes(conn, ("customer",))
        write.assign_customers(conn)
        create_indexes(conn, indexes)
        refresh_residents(conn)
    return made
