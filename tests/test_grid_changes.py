"""Changing grids in the database: check, preview, apply as a version, restore."""

import json

import numpy as np
import pytest
import shapely
from shapely.geometry import shape
from sqlalchemy import text

from core.grids.assignment import read_customers
from core.grids.changes import (
    Change,
    NewGrid,
    apply,
    check_change,
    preview,
    restore_change,
    versions,
)
from core.grids.proposals import level1_change, level2_change
from core.permissions import SYSTEM, Actor


def grids_of(engine, level, branch_id=None):
    sql = "SELECT id, code, name, geometry, branch_id FROM grid WHERE level = :l"
    params = {"l": level}
    if branch_id is not None:
        sql += " AND branch_id = :b"
        params["b"] = branch_id
    with engine.connect() as conn:
        return conn.execute(text(sql + " ORDER BY code"), params).all()


def current_change(engine, branch_id) -> Change:
    """The branch's level-2 grids as they are, as a change."""
    with engine.connect() as conn:
        rows = conn.execute(
            text("""SELECT g.code, g.name, g.geometry, g.branch_id,
               (SELECT manager_id FROM grid_staff s WHERE s.grid_id = g.id AND s.post = 'A'),
               (SELECT manager_id FROM grid_staff s WHERE s.grid_id = g.id AND s.post = 'B')
               FROM grid g WHERE g.level = 2 AND g.branch_id = :b"""),
            {"b": branch_id},
        ).all()
    return Change(
        2, [NewGrid(c, n, shape(json.loads(g)), b, a, bb) for c, n, g, b, a, bb in rows], branch_id
    )


def test_the_grids_as_they_are_move_nobody(fresh_county):
    impact = preview(fresh_county, current_change(fresh_county, 7), SYSTEM)
    assert impact.customers == 0 and impact.branch_moves == 0
    assert impact.blind_spots_before == impact.blind_spots_after == 0


def test_level2_proposal_applies_and_restores(fresh_county):
    before_grids = grids_of(fresh_county, 2, 7)
    before = read_customers(fresh_county).set_index("id")
    change, balance = level2_change(fresh_county, 7)
    assert check_change(fresh_county, change) == []
    assert balance.contiguous and balance.grids == len(change.grids)
    impact = preview(fresh_county, change, SYSTEM)
    version = apply(fresh_county, change, Actor(1, SYSTEM.scope))

    after = read_customers(fresh_county).set_index("id")
    mine = after[after["branch_id"] == 7]
    assert mine["grid2_id"].notna().all()  # nobody of the branch fell into a blind spot
    new_ids = {row.id for row in grids_of(fresh_county, 2, 7)}
    assert set(mine["grid2_id"].astype(int)) <= new_ids
    moved = (
        (after["grid2_id"] != before["grid2_id"]) | (after["manager_id"] != before["manager_id"])
    ).sum()
    assert moved >= impact.customers > 0
    with fresh_county.connect() as conn:  # a customer's manager is post A of their grid
        wrong = conn.execute(
            text("""SELECT COUNT(*) FROM customer c JOIN grid_staff s
            ON s.grid_id = c.grid2_id AND s.post = 'A' WHERE c.manager_id <> s.manager_id""")
        ).scalar_one()
    assert wrong == 0
    assert versions(fresh_county)["id"].tolist() == [version]

    apply(fresh_county, restore_change(fresh_county, version), Actor(1, SYSTEM.scope))
    restored = grids_of(fresh_county, 2, 7)
    assert [(r.code, r.name) for r in restored] == [(r.code, r.name) for r in before_grids]
    back = read_customers(fresh_county).set_index("id")
    for col in ("grid2_id", "manager_id", "branch_id"):
        assert np.array_equal(back[col].isna(), before[col].isna())
    same_place = (back["manager_id"] == before["manager_id"]) | before["manager_id"].isna()
    assert same_place.all()


def test_level1_proposal_keeps_every_customer_in_a_branch(fresh_county):
    change = level1_change(fresh_county)
    assert len(change.grids) == 21 and check_change(fresh_county, change) == []
    apply(fresh_county, change, Actor(1, SYSTEM.scope))
    c = read_customers(fresh_county)
    assert c["grid1_id"].notna().all() and c["branch_id"].notna().all()
    polys = [shape(json.loads(r.geometry)) for r in grids_of(fresh_county, 1)]
    assert sum(p.area for p in polys) == pytest.approx(shapely.union_all(polys).area, rel=1e-9)


@pytest.mark.parametrize("problem", ["outside", "overlap", "bowtie"])
def test_bad_changes_are_refused_and_write_nothing(fresh_county, problem):
    change = current_change(fresh_county, 7)
    first = change.grids[0]
    if problem == "outside":  # a level-2 grid reaching far beyond its branch
        first.geometry = shapely.buffer(first.geometry, 0.05)
    elif problem == "overlap":
        change.grids[1].geometry = shapely.union(
            change.grids[1].geometry, shapely.buffer(first.geometry, -0.001)
        )
    else:
        x, y = first.geometry.centroid.x, first.geometry.centroid.y
        first.geometry = shapely.Polygon(
            [(x, y), (x + 0.01, y + 0.01), (x + 0.01, y), (x, y + 0.01)]
        )
    problems = check_change(fresh_county, change)
    assert problems and problems[0].item in {g.code for g in change.grids}
    before = grids_of(fresh_county, 2, 7)
    with pytest.raises(ValueError):
        apply(fresh_county, change, Actor(1, SYSTEM.scope))
    assert grids_of(fresh_county, 2, 7) == before
    assert versions(fresh_county).empty
