"""The Overview's figures: SQL aggregation equals a direct computation; shaping for bankers."""

import pandas as pd
import pytest
from sqlalchemy import text

from core.db import read_frame
from core.format import count, pct, to_wan, wan
from core.grids.overview import (
    breakdown_chart,
    breakdown_level,
    load_breakdown,
    load_headline,
    shape_breakdown,
)
from core.scope import Scope


def test_headline_matches_the_customer_table(seeded_engine):
    with seeded_engine.connect() as conn:
        c = read_frame(
            conn, text("SELECT status, grid2_id, deposit_balance, loan_balance FROM customer")
        )
        managers = conn.execute(text("SELECT COUNT(*) FROM manager")).scalar_one()
    head = load_headline(seeded_engine, Scope("hq"))
    assert head.customers == len(c)
    assert head.potential == (c["status"] == "potential").sum()
    assert head.existing + head.potential == head.customers
    assert head.deposits == pytest.approx(c["deposit_balance"].sum())
    assert head.loans == pytest.approx(c["loan_balance"].sum())
    assert head.in_grid_rate == pytest.approx(c["grid2_id"].notna().mean())
    with seeded_engine.connect() as conn:
        residents = conn.execute(
            text("SELECT SUM(residents) FROM grid WHERE level = 2")
        ).scalar_one()
    assert head.filing_rate == pytest.approx(len(c) / residents)
    assert (head.managers, head.grids_level1, head.grids_level2) == (managers, 21, 155)


def test_breakdown_by_role():
    assert [
        breakdown_level(s) for s in (Scope("hq"), Scope("branch", 1), Scope("manager", 1, 1))
    ] == ["branch", "manager", "grid"]


def test_hq_breakdown_has_every_branch_sorted_by_deposits(seeded_engine):
    table = load_breakdown(seeded_engine, Scope("hq"))
    assert len(table) == 21
    assert table["deposits_wan"].is_monotonic_decreasing
    assert table["in_grid_pct"].between(0, 100).all()
    assert table["filing_pct"].between(50, 95).all()  # the demo files 55-90 % per grid
    assert table["customers"].sum() == load_headline(seeded_engine, Scope("hq")).customers


def test_shape_breakdown_turns_sums_into_banker_units():
    raw = pd.DataFrame(
        {
            "name": ["甲", "乙"],
            "customers": [10, 0],
            "existing": [8, 0],
            "potential": [2, 0],
            "in_grid": [9, 0],
            "deposits": [1_234_567.0, 0.0],
            "loans": [50_000.0, 0.0],
            "mobile_banking": [4, 0],
            "residents": [16, 0],
        }
    )
    out = shape_breakdown(raw)
    assert out["deposits_wan"].tolist() == [123.46, 0.0]
    assert out["in_grid_pct"].tolist() == [90.0, 0.0]  # an empty row is 0, not NaN
    assert out["filing_pct"].tolist() == [62.5, 0.0]
    assert out["mobile_pct"].tolist() == [50.0, 0.0]


def test_chart_has_deposit_and_loan_bars():
    table = pd.DataFrame(
        {"name": ["甲", "乙"], "deposits_wan": [3.0, 1.0], "loans_wan": [2.0, 0.5]}
    )
    fig = breakdown_chart(table, {"deposits_wan": "存款", "loans_wan": "贷款", "unit": "万元"})
    assert [t.name for t in fig.data] == ["存款", "贷款"]
    assert list(fig.data[0].y) == [3.0, 1.0]


@pytest.mark.parametrize(
    "fn, value, expected",
    [
        (wan, 39_670_469_000, "3,967,046.90"),
        (pct, 0.8749, "87.5%"),
        (count, 234500, "234,500"),
        (to_wan, 123456.0, 12.35),
    ],
)
def test_formats(fn, value, expected):
    assert fn(value) == expected
