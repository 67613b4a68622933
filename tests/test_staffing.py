"""定岗/定员: posts and liaisons are checked row by row and saved whole or not at all."""

import pandas as pd
import pytest
from sqlalchemy import text

from core.grids.staffing import check_staffing, load_staffing, save_staffing
from core.permissions import Actor, Forbidden
from core.problems import Term
from core.scope import Scope

MANAGERS = {1: "甲", 2: "乙", 3: "丙"}


def liaisons(*rows, ids=None):
    frame = pd.DataFrame(rows, columns=["name", "role", "phone"])
    frame.insert(0, "id", ids if ids is not None else [float("nan")] * len(rows))
    return frame


GOOD = liaisons(("王五", "村干部", "13800000001"), ("赵六", "农金员", "13900000002"))


def test_good_staffing_has_no_problems():
    assert check_staffing(1, 2, MANAGERS, GOOD, {}) == []


@pytest.mark.parametrize(
    "a, b, table, field, row",
    [
        (None, 2, GOOD, "A", None),
        (1, 1, GOOD, "B", None),
        (1, 9, GOOD, "B", None),
        (1, 2, liaisons(("王五", "村干部", "13800000001")), "liaisons", None),
        (1, 2, liaisons(*[("人", "村干部", "13800000001")] * 6), "liaisons", None),
        (
            1,
            2,
            liaisons(("王五", "村干部", "13800000001"), ("", "农金员", "13900000002")),
            "name",
            2,
        ),
        (
            1,
            2,
            liaisons(("王五", "书记", "13800000001"), ("赵六", "农金员", "13900000002")),
            "role",
            1,
        ),
        (
            1,
            2,
            liaisons(("王五", "村干部", "1380000"), ("赵六", "农金员", "13900000002")),
            "phone",
            1,
        ),
    ],
)
def test_each_problem_names_its_row_and_field(a, b, table, field, row):
    problems = check_staffing(a, b, MANAGERS, table, {})
    assert any(p.field == Term(f"staffing.field.{field}") and p.row == row for p in problems), (
        problems
    )


def test_a_masked_phone_keeps_the_stored_number():
    table = liaisons(
        ("王五", "村干部", "138****0001"),
        ("赵六", "农金员", "13900000002"),
        ids=[7.0, float("nan")],
    )
    assert check_staffing(1, 2, MANAGERS, table, {7: "13800000001"}) == []
    assert check_staffing(1, 2, MANAGERS, table, {})[0].field == Term("staffing.field.phone")


def a_grid_of(engine, branch_id):
    with engine.connect() as conn:
        return conn.execute(
            text("SELECT id FROM grid WHERE level = 2 AND branch_id = :b ORDER BY id LIMIT 1"),
            {"b": branch_id},
        ).scalar_one()


def test_save_writes_posts_liaisons_and_moves_the_customers(fresh_county):
    branch = Scope("branch", 7)
    grid = a_grid_of(fresh_county, 7)
    current = load_staffing(fresh_county, branch, grid)
    managers = list(current["managers"])
    assert current["liaisons"]["phone"].str.contains(r"\*\*\*\*").all()  # masked
    kept = current["liaisons"].iloc[:2].copy()
    new_a = managers[-1]
    save_staffing(fresh_county, Actor(2, branch), grid, new_a, managers[0], kept)
    after = load_staffing(fresh_county, branch, grid)
    assert (after["a"], after["b"]) == (new_a, managers[0])
    assert len(after["liaisons"]) == 2
    with fresh_county.connect() as conn:
        stored = (
            conn.execute(text("SELECT phone FROM liaison WHERE grid_id = :g"), {"g": grid})
            .scalars()
            .all()
        )
        owners = set(
            conn.execute(
                text("SELECT DISTINCT manager_id FROM customer WHERE grid2_id = :g"), {"g": grid}
            ).scalars()
        )
    assert all("*" not in p and len(p) == 11 for p in stored)  # real numbers kept
    assert owners == {new_a}


def test_a_bad_save_writes_nothing_and_scope_is_enforced(fresh_county):
    grid = a_grid_of(fresh_county, 7)
    before = load_staffing(fresh_county, Scope("branch", 7), grid)
    with pytest.raises(ValueError):
        save_staffing(
            fresh_county,
            Actor(2, Scope("branch", 7)),
            grid,
            before["a"],
            before["a"],
            before["liaisons"],
        )
    assert load_staffing(fresh_county, Scope("branch", 7), grid)["b"] == before["b"]
    assert load_staffing(fresh_county, Scope("branch", 8), grid) is None
    assert load_staffing(fresh_county, Scope("manager", 7, before["a"]), grid) is None
    with pytest.raises(Forbidden):
        save_staffing(
            fresh_county, Actor(2, Scope("branch", 8)), grid, before["a"], None, before["liaisons"]
        )
