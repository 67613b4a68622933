"""Actuals recomputed from the data: per manager, branch, bank and month, in SQL."""

import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import text

from core.db import make_engine
from core.performance.actuals import recompute_actuals
from core.permissions import SYSTEM
from tests.helpers import AS_OF

ROOT = Path(__file__).resolve().parent.parent
KEYS = ["year", "month", "org_level", "org_id", "metric"]


def frame(engine, sql, **params):
    with engine.connect() as conn:
        result = conn.execute(text(sql), params)
        return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


def actuals(engine, **where):
    df = frame(engine, "SELECT year, month, org_level, org_id, metric, value FROM actual")
    for k, v in where.items():
        df = df[df[k] == v]
    return df.set_index(KEYS)["value"].sort_index()


def test_the_demo_has_actuals_to_date_for_every_metric(seeded_engine):
    df = frame(
        seeded_engine,
        "SELECT metric, MAX(month) AS last, COUNT(DISTINCT org_level) "
        "AS levels FROM actual WHERE year = 2026 GROUP BY metric",
    )
    assert len(df) == 15
    assert (df["last"] == AS_OF.month).all() and (df["levels"] == 3).all()
    runs = frame(seeded_engine, "SELECT as_of, source FROM actual_run")
    assert str(runs["as_of"].max())[:10] == AS_OF.isoformat()


def test_visits_are_counted_per_manager_and_month_and_rolled_up(seeded_engine):
    counted = frame(
        seeded_engine,
        """
        SELECT manager_id AS org_id, CAST(strftime('%m', visited_at) AS INTEGER) AS month,
               COUNT(*) AS n FROM visit WHERE visited_at >= '2026-01-01'
        GROUP BY 1, 2"""
        if seeded_engine.dialect.name == "sqlite"
        else """
        SELECT manager_id AS org_id, CAST(EXTRACT(month FROM visited_at) AS INTEGER) AS month,
               COUNT(*) AS n FROM visit WHERE visited_at >= '2026-01-01' GROUP BY 1, 2""",
    )
    got = actuals(seeded_engine, year=2026, metric="visits", org_level="manager")
    got = got.reset_index().set_index(["org_id", "month"])["value"]
    want = counted.set_index(["org_id", "month"])["n"].astype(float)
    pd.testing.assert_series_equal(got.sort_index(), want.sort_index(), check_names=False)
    branch_of = frame(seeded_engine, "SELECT id, branch_id FROM manager").set_index("id")[
        "branch_id"
    ]
    by_branch = (
        counted.assign(b=counted["org_id"].map(branch_of)).groupby(["b", "month"])["n"].sum()
    )
    branches = actuals(seeded_engine, year=2026, metric="visits", org_level="branch")
    branches = branches.reset_index().set_index(["org_id", "month"])["value"]
    assert branches.sort_index().to_dict() == by_branch.astype(float).to_dict()
    bank = actuals(seeded_engine, year=2026, metric="visits", org_level="bank")
    assert bank.sum() == counted["n"].sum()


def test_new_active_customers_are_this_years_active_openings(seeded_engine):
    n = frame(
        seeded_engine,
        "SELECT COUNT(*) AS n FROM customer WHERE status = 'active' "
        "AND opened_on >= '2026-01-01' AND opened_on <= '2026-11-23'",
    )
    got = actuals(seeded_engine, year=2026, metric="new_active_customers", org_level="bank")
    assert got.sum() == n["n"].iloc[0] > 0


def test_a_branch_rate_is_its_own_ratio_not_the_mean_of_its_managers(seeded_engine):
    loans = frame(
        seeded_engine,
        """
        SELECT c.branch_id, SUM(CASE WHEN h.npl THEN h.balance ELSE 0 END) AS npl,
               SUM(h.balance) AS loans
        FROM holding h JOIN customer c ON c.id = h.customer_id WHERE h.product = 'loan'
        GROUP BY c.branch_id""",
    ).set_index("branch_id")
    got = (
        actuals(seeded_engine, year=2026, month=AS_OF.month, metric="npl_ratio", org_level="branch")
        .reset_index()
        .set_index("org_id")["value"]
    )
    want = 100 * loans["npl"] / loans["loans"]
    assert got.round(4).to_dict() == pytest.approx(want.round(4).to_dict(), abs=1e-4)


def test_deposit_increase_is_the_balance_over_the_previous_month_end(seeded_engine):
    bal = actuals(seeded_engine, metric="deposit_balance", org_level="bank")
    inc = actuals(seeded_engine, year=2026, metric="deposit_increase", org_level="bank")
    path = [bal[(2025, 12, "bank", 1, "deposit_balance")]] + [
        bal[(2026, m, "bank", 1, "deposit_balance")] for m in range(1, AS_OF.month + 1)
    ]
    assert inc.to_numpy() == pytest.approx(pd.Series(path).diff().dropna().to_numpy(), abs=0.02)
    live = frame(seeded_engine, "SELECT SUM(deposit_balance) AS d FROM customer")["d"].iloc[0]
    assert path[-1] == pytest.approx(live, abs=0.02)


def test_recompute_is_idempotent_and_follows_the_data(fresh_county):
    engine = fresh_county
    before = actuals(engine)
    recompute_actuals(engine, SYSTEM, AS_OF)
    pd.testing.assert_series_equal(actuals(engine), before)
    # a customer deposits 1,000,000 yuan today: this month's balance and increase move,
    # last month's snapshot does not; a new visit is counted this month
    with engine.begin() as conn:
        cid, manager = conn.execute(
            text("SELECT id, manager_id FROM customer WHERE status = 'active' ORDER BY id LIMIT 1")
        ).one()
        conn.execute(
            text("UPDATE customer SET deposit_balance = deposit_balance + 1000000 WHERE id = :c"),
            {"c": cid},
        )
        conn.execute(
            text(
                "INSERT INTO visit (manager_id, customer_id, visited_at, channel, "
                "outcome, amount) VALUES (:m, :c, '2026-11-20 10:00:00', 'phone', "
                "'deposit', 1000000)"
            ),
            {"m": manager, "c": cid},
        )
    recompute_actuals(engine, SYSTEM, AS_OF)
    after = actuals(engine)
    m = AS_OF.month
    for metric, delta in (("deposit_balance", 1e6), ("deposit_increase", 1e6), ("visits", 1)):
        key = (2026, m, "manager", manager, metric)
        assert after[key] - before[key] == pytest.approx(delta)
    assert (
        after[(2026, m - 1, "manager", manager, "deposit_balance")]
        == before[(2026, m - 1, "manager", manager, "deposit_balance")]
    )
    changed = (after - before).abs() > 1e-6
    moved = {k[4] for k in after[changed].index}
    assert moved <= {
        "deposit_balance",
        "deposit_increase",
        "visits",
        "marketing_success_rate",
        "high_end_coverage",
    }


def test_high_end_coverage_follows_the_tier_setting(fresh_county, monkeypatch):
    bank = dict(month=AS_OF.month, metric="high_end_coverage", org_level="bank")
    before = actuals(fresh_county, year=2026, **bank).iloc[0]
    monkeypatch.setenv("GM_TIER_AUM", "20000,5000")  # many more "high-end" customers
    recompute_actuals(fresh_county, SYSTEM, AS_OF)
    after = actuals(fresh_county, year=2026, **bank).iloc[0]
    assert after < before
    window = frame(
        fresh_county,
        """
        SELECT COUNT(DISTINCT v.customer_id) AS n FROM visit v JOIN customer c
        ON c.id = v.customer_id WHERE c.deposit_balance + c.wealth_balance >= 20000
        AND v.visited_at >= '2026-10-25' AND v.visited_at < '2026-11-24'""",
    )["n"].iloc[0]
    total = frame(
        fresh_county,
        "SELECT COUNT(*) AS n FROM customer WHERE deposit_balance + wealth_balance >= 20000",
    )["n"].iloc[0]
    assert after == pytest.approx(100 * window / total, abs=1e-3)


def run(*args):
    return subprocess.run(
        [sys.executable, "-m", "core", *args], cwd=ROOT, capture_output=True, text=True, timeout=300
    )


def test_cli_recomputes_and_explains_its_errors(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    empty = run("actuals", "--database-url", url)
    assert empty.returncode == 2 and "no bank" in empty.stderr
    assert (
        run("seed", "--customers", "300", "--as-of", "2026-11-23", "--database-url", url).returncode
        == 0
    )
    done = run("actuals", "--as-of", "2026-11-23", "--database-url", url)
    assert done.returncode == 0, done.stderr
    assert "as_of=2026-11-23" in done.stdout and "rows=" in done.stdout
    bad = run("actuals", "--as-of", "2026-02-30", "--database-url", url)
    assert bad.returncode == 2 and "--as-of" in bad.stderr
    missing = run("actuals", "--import", str(tmp_path / "nope.xlsx"), "--database-url", url)
    assert missing.returncode == 2 and "nope.xlsx" in missing.stderr
    engine = make_engine(url)
    with engine.connect() as conn:
        runs = conn.execute(text("SELECT COUNT(*) FROM actual_run")).scalar_one()
    assert runs == 2  # the seed's and this one
    assert date(2026, 11, 23).isoformat() in str(
        frame(engine, "SELECT MAX(as_of) AS d FROM actual_run")["d"].iloc[0]
    )
