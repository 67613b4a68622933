"""Invariants of the seeded demo county, checked in the database (SQLite and PostgreSQL)."""

import json
from datetime import date

import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import shape
from sqlalchemy import text

from core.db import read_frame, table_counts
from core.demo.county_files import load_county
from core.demo.people import MOBILE_BY_BAND, age_band
from core.demo.seed import build_county, seed
from tests.helpers import AS_OF


def frame(engine, sql):
    with engine.connect() as conn:
        return read_frame(conn, text(sql))


def test_structure_matches_the_county(seeded_engine):
    counts = table_counts(seeded_engine)
    assert counts["branch"] == 21
    assert 60 <= counts["manager"] <= 85
    assert counts["village"] == 131
    grids = frame(seeded_engine, "SELECT level, COUNT(*) AS n FROM grid GROUP BY level")
    assert dict(zip(grids["level"], grids["n"], strict=False)) == {1: 21, 2: 155}
    per_town = frame(seeded_engine, "SELECT town_code, COUNT(*) AS n FROM branch GROUP BY 1")
    assert dict(zip(per_town["town_code"], per_town["n"], strict=False))["522727001"] == 6


def test_every_customer_point_is_inside_the_county(seeded_engine):
    c = frame(seeded_engine, "SELECT lon, lat FROM customer")
    assert shapely.contains_xy(load_county(), c["lon"].to_numpy(), c["lat"].to_numpy()).all()


def test_every_customer_sits_in_one_grid_of_each_level_of_its_own_branch(seeded_engine):
    grids = frame(seeded_engine, "SELECT id, level, parent_id, branch_id, geometry FROM grid")
    c = frame(seeded_engine, "SELECT lon, lat, branch_id, grid1_id, grid2_id FROM customer")
    assert c[["grid1_id", "grid2_id", "branch_id"]].notna().all().all()
    by_id = grids.set_index("id")
    assert (by_id.loc[c["grid1_id"], "level"].to_numpy() == 1).all()
    assert (by_id.loc[c["grid2_id"], "level"].to_numpy() == 2).all()
    assert (by_id.loc[c["grid2_id"], "parent_id"].to_numpy() == c["grid1_id"].to_numpy()).all()
    assert (by_id.loc[c["grid1_id"], "branch_id"].to_numpy() == c["branch_id"].to_numpy()).all()
    # geometrically: each point is in exactly one polygon per level, the one stored
    for level, col in ((1, "grid1_id"), (2, "grid2_id")):
        polys = grids[grids["level"] == level]
        hits = np.zeros(len(c), dtype=int)
        for gid, geom in zip(polys["id"], polys["geometry"], strict=False):
            inside = shapely.contains_xy(shape(json.loads(geom)), c["lon"], c["lat"])
            hits += inside
            assert (c.loc[inside, col] == gid).all()
        assert (hits == 1).all()


def test_level1_grids_tile_the_county_without_overlap(seeded_engine):
    geoms = [
        shape(json.loads(g))
        for g in frame(seeded_engine, "SELECT geometry FROM grid WHERE level = 1")["geometry"]
    ]
    county = shapely.set_precision(load_county(), 1e-6)  # as stored: 6 decimals
    union = shapely.union_all(geoms)
    # no overlap at all; no gap beyond the 6-decimal rounding of the county's own outline
    assert sum(g.area for g in geoms) == pytest.approx(union.area, rel=1e-12)
    assert union.symmetric_difference(county).area < 1e-6 * county.area


def test_every_level2_grid_has_posts_and_liaisons(seeded_engine):
    posts = frame(
        seeded_engine,
        """SELECT g.id, s.post, m.branch_id AS m_branch,
                                           g.branch_id AS g_branch
                                    FROM grid g JOIN grid_staff s ON s.grid_id = g.id
                                    JOIN manager m ON m.id = s.manager_id WHERE g.level = 2""",
    )
    assert posts.groupby("id")["post"].apply(set).map(lambda s: "A" in s).all()
    assert (posts["m_branch"] == posts["g_branch"]).all()
    liaisons = frame(seeded_engine, "SELECT grid_id, COUNT(*) AS n FROM liaison GROUP BY 1")
    assert len(liaisons) == 155 and liaisons["n"].between(2, 5).all()


def test_customer_manager_is_post_a_of_the_customers_grid(seeded_engine):
    bad = frame(
        seeded_engine,
        """SELECT COUNT(*) AS n FROM customer c
                                  LEFT JOIN grid_staff s ON s.grid_id = c.grid2_id
                                   AND s.post = 'A' AND s.manager_id = c.manager_id
                                  WHERE s.id IS NULL""",
    )
    assert bad["n"][0] == 0


def test_holdings_add_up_to_customer_totals(seeded_engine):
    diff = frame(
        seeded_engine,
        """
        SELECT c.id, c.deposit_balance AS dep, COALESCE(h.dep, 0) AS h_dep,
               c.loan_balance AS loan, COALESCE(h.loan, 0) AS h_loan
        FROM customer c LEFT JOIN (
          SELECT customer_id,
                 SUM(CASE WHEN product IN ('current_deposit', 'time_deposit')
                          THEN balance ELSE 0 END) AS dep,
                 SUM(CASE WHEN product = 'loan' THEN balance ELSE 0 END) AS loan
          FROM holding GROUP BY customer_id) h ON h.customer_id = c.id""",
    )
    assert np.allclose(diff["dep"], diff["h_dep"], atol=0.02)
    assert np.allclose(diff["loan"], diff["h_loan"], atol=0.02)


def test_monthly_targets_sum_to_the_annual_ones(seeded_engine):
    t = frame(
        seeded_engine,
        "SELECT t.org_level, t.org_id, t.metric, t.month, t.value, m.kind "
        "FROM target t JOIN metric m ON m.code = t.metric",
    )
    key = ["org_level", "org_id", "metric"]
    annual = t[t["month"] == 0].set_index(key)["value"]
    months = t[t["month"] > 0].groupby(key)["value"]
    assert (months.count() == 12).all()
    assert t.groupby("metric")["org_id"].nunique().min() >= 60  # every unit, every metric
    flows = t[t["kind"] == "flow"]
    pd.testing.assert_series_equal(
        flows[flows["month"] > 0].groupby(key)["value"].sum().sort_index(),
        annual.loc[flows[flows["month"] == 0].set_index(key).index].sort_index(),
        check_names=False,
    )
    stocks = t[(t["kind"] == "stock") & (t["month"] == 12)].set_index(key)["value"]
    pd.testing.assert_series_equal(
        stocks.sort_index(), annual.loc[stocks.index].sort_index(), check_names=False
    )  # December's balance is the year's
    rates = t[t["kind"] == "rate"].groupby(key)["value"].nunique()
    assert (rates == 1).all()  # a level, the same every month
    # each level reconciles to the one above: branches sum to the bank, to the yuan
    additive = annual[t[t["month"] == 0].set_index(key)["kind"] != "rate"]
    bank = additive.xs("bank", level="org_level").droplevel("org_id")
    branches = additive.xs("branch", level="org_level").groupby("metric").sum()
    pd.testing.assert_series_equal(branches.sort_index(), bank.sort_index(), check_names=False)
    assert (annual == annual.round()).loc[additive.index].all()


def test_actuals_run_to_the_as_of_month(seeded_engine):
    months = frame(
        seeded_engine, "SELECT DISTINCT month FROM actual WHERE year = 2026 ORDER BY month"
    )["month"]
    assert months.tolist() == list(range(1, AS_OF.month + 1))
    last_year = frame(
        seeded_engine, "SELECT DISTINCT month FROM actual WHERE year = 2025 ORDER BY month"
    )["month"]
    assert last_year.tolist() == list(range(1, 13))  # for last year's shares and bases


def test_customers_month_end_balances_add_up_to_their_managers_actuals(seeded_engine):
    with seeded_engine.connect() as conn:
        sums = read_frame(
            conn,
            text(
                "SELECT c.manager_id, b.month, SUM(b.deposit_balance) AS deposits "
                "FROM balance_month b JOIN customer c ON c.id = b.customer_id "
                "GROUP BY c.manager_id, b.month"
            ),
        )
        recorded = read_frame(
            conn,
            text(
                "SELECT org_id AS manager_id, year, month AS m, value FROM actual WHERE "
                "org_level = 'manager' AND metric = 'deposit_balance'"
            ),
        )
    sums["month"] = pd.to_datetime(sums["month"])
    sums["year"], sums["m"] = sums["month"].dt.year, sums["month"].dt.month
    both = sums.merge(recorded, on=["manager_id", "year", "m"])
    closed = both[(both["year"] < AS_OF.year) | (both["m"] < AS_OF.month)]
    assert len(closed) >= 10 * 60  # eleven closed months of every manager with customers
    assert np.allclose(closed["deposits"], closed["value"], rtol=1e-6, atol=5.0)


def test_visits_cover_thirteen_months_on_weekdays(seeded_engine):
    v = frame(seeded_engine, "SELECT manager_id, visited_at FROM visit")
    at = pd.to_datetime(v["visited_at"])
    assert (at.max() - at.min()).days >= 365
    assert (at.dt.dayofweek < 5).all()
    month = at.dt.to_period("M")
    full = (month > month.min()) & (month < month.max())  # first and last are partial
    per_month = v[full].assign(m=month[full]).groupby(["manager_id", "m"]).size()
    assert per_month.groupby("manager_id").mean().between(40, 80).all()


@pytest.fixture(scope="module")
def county_tables():
    """A medium county (30k individuals) built in memory: enough for stable shares."""
    return build_county(30_000, seed=11, as_of=date(2026, 11, 23))


def test_top_fifth_holds_80_to_90_percent_of_deposits(county_tables):
    c = county_tables["customer"]
    dep = np.sort(c.loc[c["status"] != "potential", "deposit_balance"].to_numpy())[::-1]
    share = dep[: len(dep) // 5].sum() / dep.sum()
    assert 0.80 <= share <= 0.90


def test_mobile_banking_by_age_band(county_tables):
    c = county_tables["customer"]
    people = c[(c["kind"] == "individual") & (c["status"] != "potential")]
    band = age_band(AS_OF.year - people["birth_year"].to_numpy())
    for b, expected in enumerate(MOBILE_BY_BAND):
        rate = people["has_mobile_banking"].to_numpy()[band == b].mean()
        assert abs(rate - expected) <= 0.05, (b, rate)


def test_status_and_kind_shares(county_tables):
    c = county_tables["customer"]
    people = c[c["kind"] == "individual"]
    shares = people["status"].value_counts(normalize=True)
    assert shares["active"] == pytest.approx(0.47, abs=0.03)
    assert shares["dormant"] == pytest.approx(0.20, abs=0.03)
    assert shares["potential"] == pytest.approx(0.33, abs=0.03)
    assert (c["kind"] == "merchant").sum() > 0 and (c["kind"] == "corporate").sum() > 0


def test_same_seed_same_county():
    a = build_county(1_000, seed=5, as_of=AS_OF)
    b = build_county(1_000, seed=5, as_of=AS_OF)
    c = build_county(1_000, seed=6, as_of=AS_OF)
    for name in ("customer", "visit", "target", "grid"):
        pd.testing.assert_frame_equal(a[name], b[name])
    assert not a["customer"]["deposit_balance"].equals(c["customer"]["deposit_balance"])


def test_seed_refuses_a_database_that_holds_data(seeded_engine):
    with pytest.raises(RuntimeError, match="already holds data"):
        seed(seeded_engine, 200, quiet=True)
