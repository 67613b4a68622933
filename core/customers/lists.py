"""Saved customer lists (名单) and industry / group grids (行业网格 / 族群网格).

Both are a saved explorer filter (``core.customers.explorer.Filters``) handed to a branch or a
manager. A list lives in ``customer_list``; an industry or group grid is a second-level
``grid`` row of its dimension, with the saved filter instead of a polygon and the owning
manager in post A. Wherever a list is used, its members are the filter's customers within
the user's own scope, so handing a list down never widens what anyone sees.
"""

from __future__ import annotations

import json
from datetime import datetime

import pandas as pd
from sqlalchemy import Engine, and_, delete, insert, or_, select, true, update

from core.customers.explorer import Filters
from core.db import read_frame
from core.escape import clean_name, clean_text
from core.models import AuditLog, Branch, CustomerList, Grid, GridStaff, Manager
from core.problems import Problem, ProblemError
from core.scope import Scope

KINDS = ("list", "industry", "group")  # 名单 / 行业网格 / 族群网格


def check_list(
    engine: Engine,
    scope: Scope,
    name: str,
    filters: Filters,
    kind: str,
    branch_id: int | None,
    manager_id: int | None,
    note: str = "",
) -> list[Problem]:
    """What forbids saving: a missing name, an empty filter, handing it outside the scope,
    a manager of another branch, a grid without an owning manager."""
    problems = []
    if scope.role == "manager":
        problems.append(Problem("problem.list.manager_hands"))
    if kind not in KINDS:
        problems.append(Problem("problem.list.kind", {"kind": kind}))
    for bad in (clean_name(name, "list_name", 100), clean_text(note, "list_note", 200)):
        if bad is not None:  # empty or over-long name, control characters (bidi, breaks)
            problems.append(bad)
    if filters.is_empty():
        problems.append(Problem("problem.list.no_filter"))
    if kind in ("industry", "group"):
        if filters.grids:
            problems.append(Problem("problem.list.grid_filter"))
        if manager_id is None:
            problems.append(Problem("problem.list.needs_manager"))
    if scope.role == "branch" and branch_id != scope.branch_id:
        problems.append(Problem("problem.list.own_branch"))
    if manager_id is not None:
        with engine.connect() as conn:
            home = conn.execute(
                select(Manager.branch_id).where(Manager.id == manager_id, Manager.active)
            ).scalar()
        if home is None:
            problems.append(Problem("problem.list.no_manager"))
        elif branch_id is not None and home != branch_id:
            problems.append(Problem("problem.list.manager_branch"))
    elif branch_id is None and kind == "list" and scope.role != "hq":
        problems.append(Problem("problem.list.choose_branch"))
    return problems


def save_list(
    engine: Engine,
    actor,
    name: str,
    filters: Filters,
    kind: str = "list",
    branch_id: int | None = None,
    manager_id: int | None = None,
    customers: int = 0,
    note: str = "",
) -> int:
    """Save a list or an industry / group grid (after ``check_list``; raises
    :class:`core.problems.ProblemError` with the problems otherwise). Returns the new
    ``customer_list`` or ``grid`` id.

    Head office, or a branch leader for their own branch; anyone else gets
    :class:`core.permissions.Forbidden` (audited)."""
    from core.permissions import require_branch, require_role

    scope, user_id = actor.scope, actor.user_id
    require_role(engine, actor, f"save_{kind}"[:30], "hq", "branch")
    if manager_id is not None and branch_id is None:
        with engine.connect() as conn:
            branch_id = conn.execute(
                select(Manager.branch_id).where(Manager.id == manager_id)
            ).scalar()
    if scope.role == "branch":  # handing outside the own branch is a refusal, not a typo
        require_branch(engine, actor, f"save_{kind}"[:30], branch_id)
    problems = check_list(engine, scope, name, filters, kind, branch_id, manager_id, note)
    if problems:
        raise ProblemError(problems)
    now = datetime.now()
    with engine.begin() as conn:
        if kind == "list":
            new_id = conn.execute(
                insert(CustomerList)
                .values(
                    name=name.strip(),
                    saved_filter=filters.to_json(),
                    note=note.strip() or None,
                    created_by=user_id,
                    created_at=now,
                    branch_id=branch_id,
                    manager_id=manager_id,
                    customers=customers,
                    active=True,
                )
                .returning(CustomerList.id)
            ).scalar_one()
        else:
            branch_code, parent = conn.execute(
                select(Branch.code, Grid.id)
                .join(Grid, and_(Grid.branch_id == Branch.id, Grid.level == 1))
                .where(Branch.id == branch_id)
            ).one()
            letter = "H" if kind == "industry" else "Z"
            taken = set(
                conn.execute(
                    select(Grid.code).where(Grid.code.like(f"G2-{branch_code}-{letter}%"))
                ).scalars()
            )
            n = next(
                i for i in range(1, 10_000) if f"G2-{branch_code}-{letter}{i:02d}" not in taken
            )
            new_id = conn.execute(
                insert(Grid)
                .values(
                    code=f"G2-{branch_code}-{letter}{n:02d}",
                    name=name.strip(),
                    level=2,
                    parent_id=parent,
                    branch_id=branch_id,
                    dimension=kind,
                    geometry=None,
                    crs="EPSG:4326",
                    saved_filter=filters.to_json(),
                    households=0,
                    residents=0,
                    created_at=now,
                )
                .returning(Grid.id)
            ).scalar_one()
            conn.execute(insert(GridStaff).values(grid_id=new_id, manager_id=manager_id, post="A"))
        conn.execute(
            insert(AuditLog).values(
                at=now,
                user_id=user_id,
                action=f"save_{kind}",
                entity="customer_list" if kind == "list" else "grid",
                entity_id=str(new_id),
                detail=json.dumps(
                    {
                        "name": name,
                        "filter": filters.to_json(),
                        "branch_id": branch_id,
                        "manager_id": manager_id,
                        "customers": customers,
                    },
                    ensure_ascii=False,
                ),
            )
        )
    return int(new_id)


def load_lists(engine: Engine, scope: Scope) -> pd.DataFrame:
    """The lists and industry / group grids a scope works with, newest first.

    Head office: all; a branch leader: those of their branch; a manager: those handed to
    them, lists handed to their branch as a whole, and grids they own. Columns: kind, id,
    name, branch_id, branch, manager_id, manager, customers, created_at, saved_filter.
    """
    lists = select(
        CustomerList.id,
        CustomerList.name,
        CustomerList.branch_id,
        CustomerList.manager_id,
        CustomerList.customers,
        CustomerList.created_at,
        CustomerList.saved_filter,
    ).where(CustomerList.active, _handed_to(scope, CustomerList.branch_id, CustomerList.manager_id))
    grids = (
        select(
            Grid.id,
            Grid.name,
            Grid.branch_id,
            GridStaff.manager_id,
            Grid.created_at,
            Grid.saved_filter,
            Grid.dimension,
        )
        .join(GridStaff, and_(GridStaff.grid_id == Grid.id, GridStaff.post == "A"))
        .where(
            Grid.dimension != "region",
            Grid.saved_filter.is_not(None),
            scope.where(Grid.branch_id, GridStaff.manager_id),
        )
    )
    with engine.connect() as conn:
        a = read_frame(conn, lists).assign(kind="list")
        b = read_frame(conn, grids).rename(columns={"dimension": "kind"}).assign(customers=0)
        branches = dict(conn.execute(select(Branch.id, Branch.name)).all())
        managers = dict(conn.execute(select(Manager.id, Manager.name)).all())
    out = (
        pd.concat([x for x in (a, b) if len(x)], ignore_index=True)
        if len(a) + len(b)
        else pd.DataFrame(
            columns=[
                "kind",
                "id",
                "name",
                "branch_id",
                "manager_id",
                "customers",
                "created_at",
                "saved_filter",
            ]
        )
    )
    out["branch"] = out["branch_id"].map(branches)
    out["manager"] = out["manager_id"].map(managers)
    cols = [
        "kind",
        "id",
        "name",
        "branch_id",
        "branch",
        "manager_id",
        "manager",
        "customers",
        "created_at",
        "saved_filter",
    ]
    return out[cols].sort_values("created_at", ascending=False).reset_index(drop=True)


def _handed_to(scope: Scope, branch_col, manager_col):
    if scope.role == "hq":
        return true()
    if scope.role == "branch":
        mine = select(Manager.id).where(Manager.branch_id == scope.branch_id)
        return or_(branch_col == scope.branch_id, manager_col.in_(mine))
    return or_(
        manager_col == scope.manager_id, and_(branch_col == scope.branch_id, manager_col.is_(None))
    )


def withdraw(engine: Engine, actor, kind: str, item_id: int) -> bool:
    """Withdraw a list (it stays on record) or delete an industry / group grid that the
    actor sees (head office, branch leaders). Raises :class:`core.permissions.Forbidden`
    (audited) for a manager or an item outside the actor's scope; True when done."""
    from core.permissions import require, require_role

    scope, user_id = actor.scope, actor.user_id
    require_role(engine, actor, f"withdraw_{kind}"[:30], "hq", "branch")
    visible = load_lists(engine, scope)
    require(
        engine,
        actor,
        f"withdraw_{kind}"[:30],
        not visible[(visible["kind"] == kind) & (visible["id"] == item_id)].empty,
        f"{kind} {item_id} outside scope",
    )
    now = datetime.now()
    with engine.begin() as conn:
        if kind == "list":
            conn.execute(
                update(CustomerList).where(CustomerList.id == item_id).values(active=False)
            )
        else:
            conn.execute(delete(GridStaff).where(GridStaff.grid_id == item_id))
            conn.execute(delete(Grid).where(Grid.id == item_id))
        conn.execute(
            insert(AuditLog).values(
                at=now,
                user_id=user_id,
                action=f"withdraw_{kind}",
                entity="customer_list" if kind == "list" else "grid",
                entity_id=str(item_id),
            )
        )
    return True
