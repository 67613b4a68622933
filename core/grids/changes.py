"""Changing grids: check a new set, show its impact, apply it as a version, restore one.

A change replaces the grids of one scope: all first-level grids (head office), or the
second-level grids of one branch (its leader). Applying writes the grids, the A/B posts the
change brings, a ``grid_version`` row holding the grids before and after, and the customers'
new assignment, in one transaction; restoring a version applies its "before" as a new change.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import datetime

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import shape
from sqlalchemy import Engine, delete, insert, select, text, update
from sqlalchemy.orm import Session

from core.escape import clean_name
from core.grids.assignment import (
    GridSet,
    changed_rows,
    compute_assignment,
    movable_where,
    read_customers,
    read_grid_sets,
    write_assignment,
)
from core.models import AuditLog, Branch, Grid, GridStaff, GridVersion, Liaison
from core.permissions import require, require_branch, require_role
from core.problems import Problem, ProblemError
from geo.county import polygonal, to_geojson

OUTSIDE_PARENT_TOLERANCE = 0.01  # share of a grid's area that may lie outside its parent
CODE_LENGTH = Grid.__table__.c.code.type.length  # grid.code is unique across all grids
NAME_MAX = Grid.__table__.c.name.type.length


@dataclass
class NewGrid:
    """One grid of a proposed change (WGS-84 geometry)."""

    code: str
    name: str
    geometry: shapely.Geometry
    branch_id: int
    manager_a: int | None = None  # level 2: the A and B posts it comes with
    manager_b: int | None = None
    liaisons: list[dict] | None = None  # name, role, phone (a restore brings them back)


@dataclass
class Change:
    level: int
    grids: list[NewGrid]
    branch_id: int | None = None  # level 2: the branch whose grids are replaced
    action: str = "import"  # import / draw / proposal / restore
    note: str = ""


@dataclass
class Impact:
    """What a change does to customers before it is applied."""

    customers: int = 0  # customers whose grid (of the changed level) or manager changes
    deposits: float = 0.0  # their deposits (yuan)
    households: int = 0
    branch_moves: int = 0  # customers whose branch changes
    blind_spots_before: int = 0
    blind_spots_after: int = 0
    moves: pd.DataFrame = field(default_factory=pd.DataFrame)  # from grid -> to grid counts


def check_change(engine: Engine, change: Change) -> list[Problem]:
    """Problems that forbid applying ``change``, each naming its grid's code (``item``):
    invalid or overlapping polygons, level-2 grids outside their parent, unknown or
    duplicate codes."""
    problems: list[Problem] = []
    if not change.grids:  # it would delete every grid it replaces
        problems.append(Problem("problem.grid.no_grids"))
    for g in change.grids:  # names and codes come from files and users: refused at input
        for value, which, limit in (
            (g.name, "grid_name", NAME_MAX),
            (g.code, "grid_code", CODE_LENGTH),
        ):
            bad = clean_name(value, which, limit)
            if bad is not None:
                problems.append(replace(bad, item=str(g.code)[:CODE_LENGTH]))
    codes = [g.code for g in change.grids]
    for code in {c for c in codes if codes.count(c) > 1}:
        problems.append(Problem("problem.grid.duplicate_code", item=code))
    for g in change.grids:
        if g.geometry is None or g.geometry.is_empty or not g.geometry.is_valid:
            reason = shapely.is_valid_reason(g.geometry) if g.geometry is not None else "empty"
            problems.append(Problem("problem.grid.invalid", {"reason": reason}, item=g.code))
    valid = [g for g in change.grids if g.geometry is not None and g.geometry.is_valid]
    shapes = [g.geometry for g in valid]
    a_idx, b_idx = (
        shapely.STRtree(shapes).query(shapes, predicate="intersects") if shapes else ([], [])
    )
    for a, b in zip(a_idx, b_idx, strict=False):
        if a < b:
            overlap = shapely.intersection(valid[a].geometry, valid[b].geometry).area
            if overlap > 1e-3 * min(valid[a].geometry.area, valid[b].geometry.area):
                problems.append(
                    Problem("problem.grid.overlap", {"other": valid[b].code}, item=valid[a].code)
                )
    taken = codes_taken_elsewhere(engine, change.level, change.branch_id)
    for g in change.grids:
        if (wrong := _code_problem(g.code, taken, item=g.code[:CODE_LENGTH])) is not None:
            problems.append(wrong)
    if change.level == 2:
        parent = _parent_polygon(engine, change.branch_id)
        for g in valid:
            if g.branch_id != change.branch_id:
                problems.append(Problem("problem.grid.other_branch", item=g.code))
            outside = shapely.difference(g.geometry, parent).area / g.geometry.area
            if outside > OUTSIDE_PARENT_TOLERANCE:
                problems.append(
                    Problem("problem.grid.outside_parent", {"share": f"{outside:.0%}"}, item=g.code)
                )
    return problems


def codes_taken_elsewhere(engine: Engine, level: int, branch_id: int | None) -> set[str]:
    """Grid codes owned outside the scope a change of ``level`` (and ``branch_id``) replaces:
    another level, another branch, industry and group grids. ``grid.code`` is unique, so a
    change must not reuse one of them (it would fail on writing)."""
    mine = (Grid.level == level) & (Grid.dimension == "region")
    if level == 2:
        mine = mine & (Grid.branch_id == branch_id)
    with engine.connect() as conn:
        return set(conn.execute(select(Grid.code).where(~mine)).scalars())


def _code_problem(code: str, taken: set[str], **where) -> Problem | None:
    """What is wrong with a grid code (too long, or another scope's), or None; ``where``:
    the Problem's item, row, field."""
    if len(code) > CODE_LENGTH:
        return Problem(
            "uploads.code_long", {"code": code[:CODE_LENGTH] + "…", "limit": CODE_LENGTH}, **where
        )
    if code in taken:
        return Problem("uploads.code_taken", {"code": code}, **where)
    return None


def _parent_polygon(engine: Engine, branch_id: int | None) -> shapely.Geometry:
    with engine.connect() as conn:
        geom = conn.execute(
            select(Grid.geometry).where(Grid.level == 1, Grid.branch_id == branch_id)
        ).scalar()
    if geom is None:
        raise ValueError(f"branch {branch_id} has no first-level grid")
    return shape(json.loads(geom))


def _proposed_sets(engine: Engine, change: Change) -> tuple[GridSet, GridSet, dict, str | None]:
    """The level-1 and level-2 grid sets as they would be after ``change``, and the SQL
    condition of the customers it can move (None: every customer)."""
    level1, level2, villages = read_grid_sets(engine)
    new_ids = -np.arange(1, len(change.grids) + 1)  # not yet in the database
    new = GridSet(
        new_ids,
        [g.geometry for g in change.grids],
        np.array([g.branch_id for g in change.grids]),
        np.array(
            [np.nan if g.manager_a is None else g.manager_a for g in change.grids], dtype=float
        ),
    )
    if change.level == 1:
        return new, level2, villages, None
    with engine.connect() as conn:
        replaced = set(
            conn.execute(
                select(Grid.id).where(Grid.level == 2, Grid.branch_id == change.branch_id)
            ).scalars()
        )
    keep = np.array([i not in replaced for i in level2.ids], dtype=bool)
    merged = GridSet(
        np.concatenate([level2.ids[keep], new.ids]),
        [p for p, k in zip(level2.polygons, keep, strict=False) if k] + new.polygons,
        np.concatenate([level2.branch_ids[keep], new.branch_ids]),
        np.concatenate([level2.manager_ids[keep], new.manager_ids]),
    )
    return level1, merged, villages, movable_where(replaced)


def require_may_change(engine: Engine, actor, change: Change) -> None:
    """Level 1: head office only; level 2: head office or that branch's leader; never managers.

    Raises (after an audited refusal) :class:`core.permissions.Forbidden`.
    """
    if change.level == 1:
        require_role(engine, actor, "grid_change", "hq")
        return
    require_branch(engine, actor, "grid_change", change.branch_id)
    require(
        engine,
        actor,
        "grid_change",
        all(g.branch_id == change.branch_id for g in change.grids),
        f"grids of another branch than {change.branch_id}",
    )


def preview(engine: Engine, change: Change, actor) -> Impact:
    """Customers, deposits and households that would change grid or manager (``actor`` may
    make the change: see :func:`require_may_change`)."""
    require_may_change(engine, actor, change)
    level1, level2, villages, where = _proposed_sets(engine, change)
    # everyone else keeps their grid, so the figures below count only these customers
    customers = read_customers(engine, extra="deposit_balance, household_no", where=where)
    new = compute_assignment(customers, level1, level2, villages)
    old_g2, new_g2 = customers["grid2_id"].to_numpy(float), new["grid2_id"].to_numpy(float)
    old_m, new_m = customers["manager_id"].to_numpy(float), new["manager_id"].to_numpy(float)
    if change.level == 2:  # the replaced grids get new ids: compare by manager and place
        moved = ~_same(old_m, new_m) | (np.isnan(old_g2) != np.isnan(new_g2))
        moved |= _regrouped(old_g2, new_g2)
    else:  # first-level grids keep their ids: a move is a change of jurisdiction
        moved = ~_same(customers["grid1_id"].to_numpy(float), new["grid1_id"].to_numpy(float))
        moved |= ~_same(old_g2, new_g2) | ~_same(old_m, new_m)
    branch_moves = ~_same(customers["branch_id"].to_numpy(float), new["branch_id"].to_numpy(float))
    households = customers.loc[moved, "household_no"].dropna().nunique()
    moves = (
        pd.DataFrame({"from": old_g2[moved], "to": new_g2[moved]})
        .value_counts(dropna=False)
        .rename("customers")
        .reset_index()
    )
    # every blind spot is among the customers read (movable_where), before and after
    return Impact(
        int(moved.sum()),
        float(customers.loc[moved, "deposit_balance"].sum()),
        int(households),
        int(branch_moves.sum()),
        int(np.isnan(old_g2).sum()),
        int(np.isnan(new_g2).sum()),
        moves,
    )


def _same(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a == b) | (np.isnan(a) & np.isnan(b))


def _regrouped(old: np.ndarray, new: np.ndarray) -> np.ndarray:
    """Customers whose grid no longer holds the same neighbours: for each new grid, the old
    grid most of its customers came from counts as 'the same'; everyone else moved."""
    both = ~np.isnan(old) & ~np.isnan(new)
    frame = pd.DataFrame({"old": old[both], "new": new[both]})
    main = frame.groupby("new")["old"].agg(lambda s: s.value_counts().index[0])
    moved = np.zeros(len(old), dtype=bool)
    moved[np.flatnonzero(both)] = frame["old"].to_numpy() != frame["new"].map(main).to_numpy()
    return moved


def _snapshot(conn, level: int, branch_id: int | None, skip=()) -> list[dict]:
    """The grids a change replaces, with their posts and liaisons, as JSON-ready dicts."""
    where = [Grid.level == level, Grid.dimension == "region", Grid.id.not_in(list(skip))]
    if level == 2:
        where.append(Grid.branch_id == branch_id)
    grids = conn.execute(
        select(Grid.id, Grid.code, Grid.name, Grid.branch_id, Grid.geometry)
        .where(*where)
        .order_by(Grid.id)
    ).all()
    out = []
    for g in grids:
        posts = dict(
            conn.execute(
                select(GridStaff.post, GridStaff.manager_id).where(GridStaff.grid_id == g.id)
            ).all()
        )
        liaisons = [
            dict(r._mapping)
            for r in conn.execute(
                select(Liaison.name, Liaison.role, Liaison.phone).where(Liaison.grid_id == g.id)
            )
        ]
        out.append(
            {
                "code": g.code,
                "name": g.name,
                "branch_id": g.branch_id,
                "geometry": g.geometry,
                "manager_a": posts.get("A"),
                "manager_b": posts.get("B"),
                "liaisons": liaisons,
            }
        )
    return out


def apply(engine: Engine, change: Change, actor, reassign: bool = True) -> int:
    """Apply ``change`` (after ``check_change``): grids, posts, version, re-assignment.

    Grids keep their id (and so their liaisons) when the change keeps their code. Returns
    the new version's id. Raises ProblemError with the problems if the change is not valid,
    :class:`core.permissions.Forbidden` if ``actor`` may not make it. ``reassign=False``
    leaves the customers and the grids' residents as they are: for a caller that applies
    several changes and then re-assigns once (a first load's grids), which must then call
    :func:`core.grids.assignment.reassign` and :func:`refresh_residents`.
    """
    require_may_change(engine, actor, change)
    user_id = actor.user_id
    problems = check_change(engine, change)
    if problems:
        raise ProblemError(problems)
    now = datetime.now()
    with Session(engine) as session, session.begin():
        conn = session.connection()
        before = _snapshot(conn, change.level, change.branch_id)
        where = [Grid.level == change.level, Grid.dimension == "region"]
        if change.level == 2:
            where.append(Grid.branch_id == change.branch_id)
        existing = {g.code: g for g in session.scalars(select(Grid).where(*where))}
        parent_id = None
        if change.level == 2:
            parent_id = session.scalar(
                select(Grid.id).where(Grid.level == 1, Grid.branch_id == change.branch_id)
            )
        keep_ids = []
        for g in change.grids:
            row = existing.get(g.code)
            geometry = to_geojson(g.geometry)
            if row is None:
                row = Grid(
                    code=g.code,
                    name=g.name,
                    level=change.level,
                    parent_id=parent_id,
                    branch_id=g.branch_id,
                    dimension="region",
                    geometry=geometry,
                    crs="EPSG:4326",
                    households=0,
                    residents=0,
                    created_at=now,
                )
                session.add(row)
                session.flush()
            else:
                row.name, row.geometry, row.branch_id = g.name, geometry, g.branch_id
            keep_ids.append(row.id)
            if g.liaisons is not None:
                conn.execute(delete(Liaison).where(Liaison.grid_id == row.id))
                for person in g.liaisons:
                    conn.execute(insert(Liaison).values(grid_id=row.id, **person))
            if g.manager_a is not None:
                conn.execute(delete(GridStaff).where(GridStaff.grid_id == row.id))
                conn.execute(
                    insert(GridStaff).values(grid_id=row.id, manager_id=g.manager_a, post="A")
                )
                if g.manager_b is not None and g.manager_b != g.manager_a:
                    conn.execute(
                        insert(GridStaff).values(grid_id=row.id, manager_id=g.manager_b, post="B")
                    )
        gone = [row.id for row in existing.values() if row.id not in keep_ids]
        session.flush()
        after = _snapshot(conn, change.level, change.branch_id, skip=gone)
        # re-assign against the new grids (without the ones going), then drop those; a
        # level-2 change can move only customers of the branch's grids, old and new
        moved = 0
        if reassign:
            level1, level2, villages = read_grid_sets(conn)
            level1, level2 = level1.without(gone), level2.without(gone)
            where = None
            if change.level == 2:
                changed = {row.id for row in existing.values()} | set(keep_ids)
                where = movable_where(changed)
            customers = read_customers(engine, where=where)
            new = compute_assignment(customers, level1, level2, villages)
            moved = write_assignment(conn, changed_rows(customers, new))
        if gone:
            conn.execute(update(Grid).where(Grid.parent_id.in_(gone)).values(parent_id=None))
            for table in (GridStaff, Liaison):
                conn.execute(delete(table).where(table.grid_id.in_(gone)))
            conn.execute(delete(Grid).where(Grid.id.in_(gone)))
        if reassign:
            refresh_residents(conn)
        version = conn.execute(
            insert(GridVersion)
            .values(
                created_at=now,
                user_id=user_id,
                level=change.level,
                branch_id=change.branch_id,
                action=change.action,
                note=change.note[:200],
                before=json.dumps(before),
                after=json.dumps(after),
                customers_moved=moved,
            )
            .returning(GridVersion.id)
        ).scalar_one()
        conn.execute(
            insert(AuditLog).values(
                at=now,
                user_id=user_id,
                action="grid_change",
                entity="grid_version",
                entity_id=str(version),
                detail=json.dumps(asdict_light(change)),
            )
        )
    return version


def refresh_residents(conn) -> None:
    """Residents and households of every region grid: each village's known residents shared
    out in proportion to where its filed customers now sit."""
    for level, col in ((1, "grid1_id"), (2, "grid2_id")):
        counts = pd.read_sql(
            text(f"""
            WITH filed AS (
                SELECT village_id, COUNT(*) AS total FROM customer
                WHERE village_id IS NOT NULL GROUP BY village_id)
            SELECT c.{col} AS grid_id, c.village_id, COUNT(*) AS n, v.residents, f.total
            FROM customer c JOIN village v ON v.id = c.village_id
            JOIN filed f ON f.village_id = c.village_id
            WHERE c.{col} IS NOT NULL GROUP BY c.{col}, c.village_id, v.residents, f.total"""),
            conn,
        )
        counts["share"] = counts["residents"] * counts["n"] / counts["total"]
        residents = counts.groupby("grid_id")["share"].sum().astype(float).round().astype(int)
        conn.execute(update(Grid).where(Grid.level == level).values(residents=0, households=0))
        for grid_id, value in residents.items():
            conn.execute(
                update(Grid)
                .where(Grid.id == int(grid_id))
                .values(residents=int(value), households=round(value / 2.8))
            )


def asdict_light(change: Change) -> dict:
    """A change as the audit log keeps it: everything but the polygons."""
    return {
        "level": change.level,
        "branch_id": change.branch_id,
        "action": change.action,
        "note": change.note,
        "grids": [g.code for g in change.grids],
    }


def versions(
    engine: Engine, level: int | None = None, branch_id: int | None = None
) -> pd.DataFrame:
    """Applied versions, newest first (id, created_at, level, branch_id, action, note,
    customers_moved)."""
    stmt = select(
        GridVersion.id,
        GridVersion.created_at,
        GridVersion.level,
        GridVersion.branch_id,
        GridVersion.action,
        GridVersion.note,
        GridVersion.customers_moved,
    ).order_by(GridVersion.id.desc())
    if level is not None:
        stmt = stmt.where(GridVersion.level == level)
    if branch_id is not None:
        stmt = stmt.where(GridVersion.branch_id == branch_id)
    with engine.connect() as conn:
        return pd.DataFrame(
            conn.execute(stmt).all(),
            columns=["id", "created_at", "level", "branch_id", "action", "note", "customers_moved"],
        )


def restore_change(engine: Engine, version_id: int) -> Change:
    """The change that brings back the grids as they were before version ``version_id``."""
    with engine.connect() as conn:
        v = conn.execute(
            select(GridVersion.level, GridVersion.branch_id, GridVersion.before).where(
                GridVersion.id == version_id
            )
        ).first()
    if v is None:
        raise ValueError(f"no grid version {version_id}")
    grids = [
        NewGrid(
            g["code"],
            g["name"],
            shape(json.loads(g["geometry"])),
            g["branch_id"],
            g.get("manager_a"),
            g.get("manager_b"),
            g.get("liaisons"),
        )
        for g in json.loads(v.before)
    ]
    return Change(
        v.level,
        grids,
        v.branch_id,
        action="restore",
        note=f"恢复到版本 {version_id} 之前 / before version {version_id}",
    )


def current_grids(engine: Engine, level: int, branch_id: int | None = None) -> list[NewGrid]:
    """The grids a change of this scope would replace, as they are now (posts kept)."""
    where = "g.level = :level AND g.dimension = 'region'"
    params: dict = {"level": level}
    if level == 2:
        where += " AND g.branch_id = :branch"
        params["branch"] = branch_id
    with engine.connect() as conn:
        rows = conn.execute(
            text(f"""
            SELECT g.code, g.name, g.geometry, g.branch_id,
              (SELECT manager_id FROM grid_staff s WHERE s.grid_id = g.id AND s.post = 'A'),
              (SELECT manager_id FROM grid_staff s WHERE s.grid_id = g.id AND s.post = 'B')
            FROM grid g WHERE {where} ORDER BY g.id"""),
            params,
        ).all()
    return [NewGrid(c, n, shape(json.loads(g)), b, a, bb) for c, n, g, b, a, bb in rows]


def change_from_file(
    engine: Engine, frame: pd.DataFrame, level: int, branch_id: int | None
) -> tuple[Change, list[Problem]]:
    """A change from imported polygons (name, code, geometry, row).

    Level 1: each polygon names its branch by name (营业部 or 营业部辖区) or code; level 2: the
    polygons become the branch's grids, keeping the posts of a grid whose code they reuse.
    """
    problems: list[Problem] = []
    grids: list[NewGrid] = []
    with engine.connect() as conn:
        branches = conn.execute(select(Branch.id, Branch.code, Branch.name)).all()
        code = conn.execute(select(Branch.code).where(Branch.id == branch_id)).scalar()
    by_key = {}
    for b in branches:
        by_key.update({b.code: b, f"G1-{b.code}": b, b.name: b, f"{b.name}辖区": b})
    keep = {g.code: g for g in current_grids(engine, level, branch_id)}
    taken = codes_taken_elsewhere(engine, level, branch_id)
    for r in frame.itertuples():
        if level == 1:
            branch = by_key.get(str(r.code or "").strip()) or by_key.get(str(r.name).strip())
            if branch is None:
                problems.append(
                    Problem(
                        "problem.grid.no_branch", row=r.row, item=str(r.name), row_kind="feature"
                    )
                )
                continue
            grids.append(NewGrid(f"G1-{branch.code}", f"{branch.name}辖区", r.geometry, branch.id))
        else:
            grid_code = str(r.code).strip() if r.code else f"G2-{code}-I{r.row:02d}"
            wrong = _code_problem(
                grid_code, taken, row=r.row, item=str(r.name), field="code", row_kind="feature"
            )
            if wrong is not None:  # row and field named
                problems.append(wrong)
                continue
            old = keep.get(grid_code)
            grids.append(
                NewGrid(
                    grid_code,
                    str(r.name).strip(),
                    r.geometry,
                    branch_id,
                    old.manager_a if old else None,
                    old.manager_b if old else None,
                )
            )
    return Change(level, grids, branch_id, action="import"), problems


def change_from_drawing(
    engine: Engine,
    level: int,
    branch_id: int | None,
    polygon: shapely.Geometry,
    target_code: str | None = None,
    name: str | None = None,
) -> Change:
    """A change from one drawn polygon: it redraws grid ``target_code`` or becomes a new grid
    ``name``; neighbours lose what it now covers, so the grids never overlap."""
    grids = current_grids(engine, level, branch_id)
    for g in grids:
        if g.code != target_code:
            g.geometry = polygonal(shapely.difference(g.geometry, polygon, grid_size=1e-6))
    grids = [g for g in grids if not g.geometry.is_empty]
    if target_code is not None:
        for g in grids:
            if g.code == target_code:
                g.geometry = polygon
    else:
        with engine.connect() as conn:
            code = conn.execute(select(Branch.code).where(Branch.id == branch_id)).scalar()
        prefix = f"G2-{code}-D" if level == 2 else "G1-D"
        existing = {g.code for g in grids}
        n = 1
        while f"{prefix}{n:02d}" in existing:
            n += 1
        grids.append(
            NewGrid(f"{prefix}{n:02d}", (name or "").strip() or f"新网格{n}", polygon, branch_id)
        )
    return Change(level, grids, branch_id, action="draw")
