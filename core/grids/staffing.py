"""定岗/定员: the A and B managers of a grid and its 2-5 liaison persons."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import datetime

import pandas as pd
from sqlalchemy import Engine, delete, insert, select, update

from core.escape import clean_name
from core.masking import mask_phone
from core.models import AuditLog, Customer, Grid, GridStaff, Liaison, Manager
from core.problems import Problem, ProblemError, Term
from core.scope import Scope

LIAISON_ROLES = ("村干部", "农金员", "网格员", "村民组长", "物业", "其他")
PHONE = re.compile(r"^1\d{10}$")


def load_staffing(engine: Engine, scope: Scope, grid_id: int) -> dict | None:
    """A grid's posts, the managers who may hold them, and its liaisons (phones masked).

    None when the grid is not a second-level grid the scope may manage (head office: any;
    branch leader: their branch's).
    """
    if scope.role == "manager":  # managers do not staff grids
        return None
    with engine.connect() as conn:
        grid = conn.execute(
            select(Grid.id, Grid.name, Grid.branch_id).where(
                Grid.id == grid_id, Grid.level == 2, scope.where(Grid.branch_id)
            )
        ).first()
        if grid is None:
            return None
        posts = dict(
            conn.execute(
                select(GridStaff.post, GridStaff.manager_id).where(GridStaff.grid_id == grid_id)
            ).all()
        )
        managers = dict(
            conn.execute(
                select(Manager.id, Manager.name)
                .where(Manager.branch_id == grid.branch_id, Manager.active)
                .order_by(Manager.id)
            ).all()
        )
        liaisons = pd.DataFrame(
            conn.execute(
                select(Liaison.id, Liaison.name, Liaison.role, Liaison.phone)
                .where(Liaison.grid_id == grid_id)
                .order_by(Liaison.id)
            ).all(),
            columns=["id", "name", "role", "phone"],
        )
    liaisons["phone"] = liaisons["phone"].map(mask_phone)
    return {
        "grid": dict(grid._mapping),
        "a": posts.get("A"),
        "b": posts.get("B"),
        "managers": managers,
        "liaisons": liaisons,
    }


def check_staffing(
    manager_a: int | None,
    manager_b: int | None,
    managers: dict[int, str],
    liaisons: pd.DataFrame,
    stored_phones: dict[int, str],
) -> list[Problem]:
    """What is wrong with an edited staffing, row and field named (the field a
    ``staffing.field.*`` term); empty when it can be saved.

    ``liaisons`` has name, role, phone and ``id`` (NaN for new rows); a phone still shown
    masked (``138****5678``) keeps the stored number of that row.
    """
    problems = []
    if manager_a is None or manager_a not in managers:
        problems.append(Problem("problem.staff.post_a", field=_field("A")))
    if manager_b is not None and manager_b not in managers:
        problems.append(Problem("problem.staff.post_b", field=_field("B")))
    if manager_b is not None and manager_b == manager_a:
        problems.append(Problem("problem.staff.same_person", field=_field("B")))
    rows = liaisons.dropna(how="all", subset=["name", "role", "phone"])
    if not 2 <= len(rows) <= 5:
        problems.append(
            Problem("problem.staff.liaisons", {"n": len(rows)}, field=_field("liaisons"))
        )
    for i, (_, r) in enumerate(rows.iterrows(), start=1):
        name = r.get("name")
        bad = clean_name(name if name == name else "", "liaison_name", 50)
        if bad is not None:  # empty, too long, or control characters (line breaks, bidi)
            problems.append(replace(bad, row=i, field=_field("name")))
        if r.get("role") not in LIAISON_ROLES:
            problems.append(
                Problem(
                    "problem.staff.role",
                    {"roles": "/".join(LIAISON_ROLES)},
                    row=i,
                    field=_field("role"),
                )
            )
        phone = str(r.get("phone") or "").strip()
        kept = r.get("id") == r.get("id") and r.get("id") is not None and "*" in phone
        if kept and int(r["id"]) not in stored_phones:
            problems.append(Problem("problem.staff.phone_full", row=i, field=_field("phone")))
        elif not kept and not PHONE.match(phone):
            problems.append(Problem("problem.staff.phone_format", row=i, field=_field("phone")))
    return problems


def _field(name: str) -> Term:
    """A staffing form's field as users read it (A, B, liaisons, name, role, phone)."""
    return Term(f"staffing.field.{name}")


def save_staffing(
    engine: Engine,
    actor,
    grid_id: int,
    manager_a: int,
    manager_b: int | None,
    liaisons: pd.DataFrame,
) -> None:
    """Write posts and liaisons in one transaction after checking them.

    Raises :class:`core.problems.ProblemError` listing the problems (nothing is written)
    when the staffing is wrong, ValueError when there is no such second-level grid,
    :class:`core.permissions.Forbidden` (audited) unless ``actor`` is head office or the
    leader of the grid's branch.
    """
    from core.permissions import require_branch

    scope, user_id = actor.scope, actor.user_id
    with engine.connect() as conn:
        branch_id = conn.execute(
            select(Grid.branch_id).where(Grid.id == grid_id, Grid.level == 2)
        ).scalar()
    if branch_id is None:
        raise ValueError("no such second-level grid")
    require_branch(engine, actor, "staffing", branch_id)
    current = load_staffing(engine, scope, grid_id)
    if current is None:
        raise ValueError("grid not found in your scope")
    with engine.connect() as conn:
        stored = dict(
            conn.execute(select(Liaison.id, Liaison.phone).where(Liaison.grid_id == grid_id)).all()
        )
    problems = check_staffing(manager_a, manager_b, current["managers"], liaisons, stored)
    if problems:
        raise ProblemError(problems)
    rows = liaisons.dropna(how="all", subset=["name", "role", "phone"])
    now = datetime.now()
    with engine.begin() as conn:
        conn.execute(delete(GridStaff).where(GridStaff.grid_id == grid_id))
        conn.execute(insert(GridStaff).values(grid_id=grid_id, manager_id=manager_a, post="A"))
        if manager_b is not None:
            conn.execute(insert(GridStaff).values(grid_id=grid_id, manager_id=manager_b, post="B"))
        conn.execute(delete(Liaison).where(Liaison.grid_id == grid_id))
        for _, r in rows.iterrows():
            phone = str(r["phone"]).strip()
            if "*" in phone:
                phone = stored[int(r["id"])]
            conn.execute(
                insert(Liaison).values(
                    grid_id=grid_id, name=str(r["name"]).strip(), role=r["role"], phone=phone
                )
            )
        conn.execute(
            insert(AuditLog).values(
                at=now,
                user_id=user_id,
                action="staffing",
                entity="grid",
                entity_id=str(grid_id),
                detail=json.dumps({"a": manager_a, "b": manager_b, "liaisons": len(rows)}),
            )
        )
        # the grid's customers follow its post-A manager
        conn.execute(
            update(Customer).where(Customer.grid2_id == grid_id).values(manager_id=manager_a)
        )
