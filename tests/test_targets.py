"""Target setting: every split reconciles to the unit; saving records every changed cell."""

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import func, select, text

from core.models import Target, TargetChange
from core.performance.metrics import SEASONAL_CURVE, curve_for
from core.performance.targets import (
    METHODS,
    check_split,
    grid_potential,
    propose_split,
    save_split,
    split_to_children,
    split_to_months,
    target_history,
)
from core.permissions import Actor, Forbidden
from core.problems import ProblemError
from core.scope import Scope

RNG = np.random.default_rng(3)
TOTALS = [0, 1, 7, 999_999, 3_137_620, 41_234_567_891, 98_765_432_101]
SIZES = [1, 2, 21, 78]


# ---- pure -----------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["last_year", "equal", "potential"])
@pytest.mark.parametrize("total", TOTALS)
@pytest.mark.parametrize("n", SIZES)
def test_flow_split_reconciles_to_the_yuan(method, total, n):
    weights = {
        "equal": np.ones(n),
        "last_year": RNG.lognormal(12, 1.5, n),
        "potential": RNG.random(n) * RNG.integers(0, 2, n),
    }[method]
    parts = split_to_children(total, weights, "flow")
    assert parts.sum() == total
    assert (parts == np.round(parts)).all() and (parts >= 0).all()
    if weights.sum() > 0:  # each part within one yuan of its exact share
        exact = total * weights / weights.sum()
        assert np.abs(parts - exact).max() < 1.0


@pytest.mark.parametrize("total", TOTALS[2:])
@pytest.mark.parametrize("n", SIZES)
def test_stock_split_adds_each_base_and_reconciles(total, n):
    bases = np.rint(RNG.random(n) * total / n / 2)
    weights = RNG.random(n) + 0.1
    parts = split_to_children(total, weights, "stock", bases)
    assert parts.sum() == total
    assert (parts >= bases).all()  # an increase to split: nobody goes below their base


def test_equal_split_differs_by_at_most_one_unit():
    parts = split_to_children(1_000_003, np.ones(21), "flow")
    assert parts.max() - parts.min() == 1 and parts.sum() == 1_000_003


def test_a_rate_is_not_split():
    assert split_to_children(3.0, [1, 9, 4], "rate").tolist() == [3.0, 3.0, 3.0]


@pytest.mark.parametrize("method", ["seasonal", "even"])
@pytest.mark.parametrize("code", ["deposit_increase", "visits", "npl_recovery"])
@pytest.mark.parametrize("annual", [0, 11, 1_234_567, 98_765_432_101])
def test_months_of_a_flow_add_up_to_the_year(method, code, annual):
    months = split_to_months(annual, "flow", curve_for(code, method))
    assert len(months) == 12 and months.sum() == annual
    assert (months == np.round(months)).all()


def test_deposits_load_the_first_quarter():
    months = split_to_months(10_000_000, "flow", curve_for("deposit_increase"))
    assert months[:3].sum() == 4_000_000  # 开门红: 40 % in January-March
    assert sum(SEASONAL_CURVE["deposit_increase"]) == 100


@pytest.mark.parametrize("method", ["seasonal", "even"])
def test_a_balance_path_runs_from_the_base_to_the_year_end(method):
    path = split_to_months(
        1_080_000_001, "stock", curve_for("deposit_balance", method), base=1_000_000_000
    )
    assert path[-1] == 1_080_000_001
    assert (np.diff(np.r_[1_000_000_000, path]) >= 0).all()


def test_a_rate_holds_every_month():
    assert split_to_months(90.0, "rate", curve_for("filing_rate")).tolist() == [90.0] * 12


@pytest.mark.parametrize(
    "values, kind, unit, problem",
    [
        ([100, 200, 300], "flow", "yuan", None),
        ([100, 200, 299], "flow", "yuan", "差 -1"),
        ([100, -200, 700], "flow", "yuan", "负数"),
        ([100, "abc", 500], "flow", "yuan", "数字"),
        ([100, 200.5, 300], "flow", "yuan", "整数"),
        ([3.0, 120.0, 2.0], "rate", "pct", "100%"),
        ([3.0, 9.0, 1.0], "rate", "pct", None),
    ],
)
def test_check_split_names_the_row_and_the_mismatch(values, kind, unit, problem):
    problems = check_split(600, pd.Series(values, dtype=object), kind, unit)
    if problem is None:
        assert problems == []
    else:
        assert len(problems) == 1 and problem in problems[0].message("zh")
        if "差" not in problem:
            assert problems[0].row == next(
                i for i, v in enumerate(values, 1) if v in ("abc", -200, 200.5, 120.0)
            )


# ---- the database ----------------------------------------------------------------------


def _cells(engine):
    with engine.connect() as conn:
        return (
            conn.execute(text("SELECT COUNT(*), SUM(value) FROM target")).one(),
            conn.execute(select(func.count()).select_from(TargetChange)).scalar_one(),
        )


@pytest.mark.parametrize("method", METHODS)
def test_every_method_splits_the_bank_exactly(seeded_engine, method):
    for metric in ("deposit_increase", "deposit_balance", "visits"):
        bank = 123_456_789_01 if metric != "visits" else 50_123
        plan = propose_split(seeded_engine, 2026, metric, "bank", 1, bank, method)
        assert len(plan) == 21
        if method != "manual":
            assert plan["target"].sum() == bank


def test_last_year_share_follows_last_years_actuals(seeded_engine):
    plan = propose_split(seeded_engine, 2026, "npl_recovery", "bank", 1, 1_000_000, "last_year")
    share = plan["last_year"] / plan["last_year"].sum()
    assert np.allclose(plan["target"] / 1_000_000, share, atol=1e-5)


def test_grid_potential_comes_from_the_data(seeded_engine):
    p = grid_potential(seeded_engine, "branch", list(range(1, 22)))
    assert (p["households"] > 0).all() and (p["other_bank"] > 0).all()
    assert p["penetration"].between(0, 1).all()
    expected = p["households"] * (1 - p["penetration"]) * p["other_bank"]
    assert np.allclose(p["potential"], expected)
    plan = propose_split(
        seeded_engine, 2026, "deposit_increase", "bank", 1, 10_000_000, "potential"
    )
    assert (
        plan.sort_values("weight")["org_id"].iloc[-1]
        == p.sort_values("potential")["org_id"].iloc[-1]
    )


def test_head_office_saves_a_split_and_every_change_is_recorded(fresh_county):
    engine = fresh_county
    plan = propose_split(engine, 2026, "intermediate_income", "bank", 1, 2_000_000, "equal")
    changed = save_split(
        engine,
        Actor(1, Scope("hq")),
        2026,
        "intermediate_income",
        "bank",
        1,
        2_000_000,
        plan,
        "even",
    )
    assert changed == 22 * 13  # bank and 21 branches, year and 12 months each
    with engine.connect() as conn:
        rows = pd.DataFrame(
            conn.execute(
                select(Target.org_level, Target.month, Target.value).where(
                    Target.year == 2026,
                    Target.metric == "intermediate_income",
                    Target.org_level != "manager",
                )
            ).all()
        )
        log = pd.DataFrame(
            conn.execute(
                select(TargetChange).where(
                    TargetChange.metric == "intermediate_income", TargetChange.source == "split"
                )
            )
            .mappings()
            .all()
        )
    branches = rows[rows["org_level"] == "branch"]
    assert branches[branches["month"] == 0]["value"].sum() == 2_000_000
    assert branches[branches["month"] > 0]["value"].sum() == 2_000_000
    assert (log["user_id"] == 1).all() and log["old_value"].notna().all()
    assert (log["new_value"] != log["old_value"]).all() and log["at"].notna().all()
    # saving the same split again changes nothing and records nothing
    before = _cells(engine)
    assert (
        save_split(
            engine,
            Actor(1, Scope("hq")),
            2026,
            "intermediate_income",
            "bank",
            1,
            2_000_000,
            plan,
            "even",
        )
        == 0
    )
    assert _cells(engine) == before
    history = target_history(engine, Scope("hq"), 2026)
    assert len(log) == changed
    assert (history[history["source"] == "split"]["user"] == "总行分析员").sum() == changed
    assert set(history["source"]) == {"split", "seed"}  # the demo's own history is there


def test_branch_leader_splits_to_managers_but_not_their_own_target(fresh_county):
    engine = fresh_county
    scope = Scope("branch", branch_id=1)
    with engine.connect() as conn:
        own = conn.execute(
            text(
                "SELECT value FROM target WHERE year = 2026 AND month = 0 AND "
                "org_level = 'branch' AND org_id = 1 AND metric = 'visits'"
            )
        ).scalar_one()
    plan = propose_split(engine, 2026, "visits", "branch", 1, own, "equal")
    assert plan["target"].sum() == own
    before = _cells(engine)
    with pytest.raises(ProblemError, match="head office"):
        save_split(engine, Actor(2, scope), 2026, "visits", "branch", 1, own + 10, plan)
    bad = plan.assign(target=plan["target"] + np.r_[5, np.zeros(len(plan) - 1)])
    with pytest.raises(ProblemError) as err:
        save_split(engine, Actor(2, scope), 2026, "visits", "branch", 1, own, bad)
    assert "不一致" in err.value.problems[0].message("zh")
    with pytest.raises(Forbidden):
        save_split(engine, Actor(2, scope), 2026, "visits", "branch", 2, own, plan)
    assert _cells(engine) == before  # nothing written by a refused split
    # the demo already has these annual targets: only the months change (seasonal -> even)
    assert (
        save_split(engine, Actor(2, scope), 2026, "visits", "branch", 1, own, plan, "even")
        == len(plan) * 12
    )
    history = target_history(engine, scope, 2026)
    mine = history[history["source"] == "split"]
    assert set(mine["org_level"]) == {"manager"} and set(mine["user"]) == {"营业部行长"}
    assert set(history["org_level"]) == {"branch", "manager"}  # their branch's, from hq
    other = target_history(engine, Scope("branch", branch_id=2), 2026)
    assert "split" not in set(other["source"])  # branch 1's change is not branch 2's to see
