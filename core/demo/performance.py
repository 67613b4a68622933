"""Targets and the history of actuals of the demo bank (DEMO_DATA: targets and actuals).

Targets are last year's base × growth per manager (deposits +8 %, loans +7 %, new active
customers +6 %, mobile banking +10 %, acquiring merchants +12 % of those signed, 50 visits a
month), split to months exactly; branches and the bank are their managers' sums, so every
level reconciles to the unit. Rates are levels: NPL ratio ≤ 3 %, 建档率 ≥ 90 %, high-end visit
coverage 50 % (in 30 days), marketing success 80 %.

Performance is actual/target ~ N(0.97, 0.10) per manager and metric, times persistent
branch and manager effects, so the same people lead and trail. One manager of the demo
branch (the ``branch`` account's) is planted far behind: ``LAGGARD_EFFECT`` of the plan.

The data is made to match: this year's openings and sign-ups are dated so that their count
to date follows that performance; month-end balances before today lead up to today's
balances; imported metrics get monthly figures. ``core.performance.actuals.recompute_actuals`` then
computes the computed metrics from the data, as it does on a real database.
"""

from __future__ import annotations

import calendar
from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Connection

from core.db import read_frame
from core.models import Actual
from core.performance.metrics import METRICS, curve_for
from core.performance.targets import split_to_months

GROWTH = {
    "deposit_increase": 0.08,
    "loan_increase": 0.07,
    "new_active_customers": 0.06,
    "mobile_banking_signups": 0.10,
    "acquiring_merchants": 0.12,
    "etc_signups": 0.05,
    "visits": 0.0,
    "npl_recovery": 0.05,
    "intermediate_income": 0.06,
}
# 85 % of key customers visited within 90 days (DEMO_DATA) is about half within 30
RATE_TARGETS = {
    "npl_ratio": 3.0,
    "filing_rate": 90.0,
    "high_end_coverage": 50.0,
    "marketing_success_rate": 80.0,
}
VISITS_PER_MONTH = 50
LAGGARD_EFFECT = 0.5
KIND = {m.code: m.kind for m in METRICS}
# the product columns whose sign-up dates make a metric's actual, and who may have them
DATED = {
    "new_active_customers": "opened_on",
    "mobile_banking_signups": "mobile_banking_on",
    "acquiring_merchants": "acquiring_on",
    "etc_signups": "etc_on",
}


def laggard_manager(managers: pd.DataFrame, branch_id: int) -> int:
    """The planted laggard: the last manager of the demo branch."""
    return int(managers.loc[managers["branch_id"] == branch_id, "id"].max())


def due_share(metric: str, as_of: date) -> tuple[float, float]:
    """Share of the annual plan (by the metric's curve) in the closed months, and in the
    as-of month up to the as-of date."""
    curve = np.asarray(curve_for(metric), dtype=float)
    curve = curve / curve.sum()
    days = calendar.monthrange(as_of.year, as_of.month)[1]
    return float(curve[: as_of.month - 1].sum()), float(curve[as_of.month - 1] * as_of.day / days)


def _effects(managers: pd.DataFrame, laggard: int, rng: np.random.Generator) -> pd.Series:
    branch = {b: rng.normal(1.0, 0.07) for b in sorted(managers["branch_id"].unique())}
    e = pd.Series(
        [branch[b] * rng.normal(1.0, 0.06) for b in managers["branch_id"]],
        index=managers["id"].to_numpy(),
    )
    e[laggard] = LAGGARD_EFFECT
    return e


def make_plan(
    customers: pd.DataFrame,
    managers: pd.DataFrame,
    laggard: int,
    rng: np.random.Generator,
    as_of: date,
) -> dict:
    """Targets, the history of actuals and the sign-ups to plant, for ``as_of``'s year.

    Returns a dict: ``targets`` and ``history`` (rows year, month, org_level, org_id,
    metric, value; history: last year's flows and balances, this year's closed-month
    balances and imported metrics), ``want`` (metric -> Series of this year's count to date
    per manager) and ``ratio`` (manager x metric performance).
    """
    ids = managers["id"].to_numpy()
    branch_of = dict(zip(managers["id"], managers["branch_id"], strict=False))
    g = customers.groupby("manager_id")
    existing = customers["status"] != "potential"
    live = {
        "deposit_balance": g["deposit_balance"].sum().reindex(ids).fillna(0.0),
        "loan_balance": g["loan_balance"].sum().reindex(ids).fillna(0.0),
    }

    def count(mask):
        return customers[mask].groupby("manager_id").size().reindex(ids).fillna(0)

    base = pd.DataFrame(
        {
            "new_active_customers": count(existing) * GROWTH["new_active_customers"],
            "mobile_banking_signups": count(existing & ~customers["has_mobile_banking"])
            * GROWTH["mobile_banking_signups"],
            "acquiring_merchants": count(customers["has_acquiring"].astype(bool))
            * GROWTH["acquiring_merchants"],
            "etc_signups": count(existing) * 0.01,
            "visits": pd.Series(12.0 * VISITS_PER_MONTH, index=ids),
            "npl_recovery": live["loan_balance"] * 0.01,
            "intermediate_income": live["deposit_balance"] * 0.002,
        },
        index=ids,
    )
    effect = _effects(managers, laggard, rng)
    ratio = pd.DataFrame(
        {m.code: effect * rng.normal(0.97, 0.10, len(ids)) for m in METRICS}, index=ids
    ).clip(lower=0.05)
    year = as_of.year
    annual, start_balance, closed_balances = {}, {}, {}
    for stock, flow in (("deposit_balance", "deposit_increase"), ("loan_balance", "loan_increase")):
        closed, partial = due_share(flow, as_of)
        r = ratio[flow]
        # today's balance = last December's x (1 + growth x performance x plan due)
        last_dec = live[stock] / (1 + GROWTH[flow] * r * (closed + partial))
        increase = (last_dec * GROWTH[flow]).round()
        annual[flow], annual[stock] = increase, last_dec.round() + increase
        start_balance[stock] = last_dec.round()
        closed_balances[stock] = _closed_path(last_dec, increase * r, flow, as_of, rng)
    for code, value in base.items():
        annual[code] = value.round()
    rows_t, rows_h = [], []
    for m in ids:
        for code in annual:
            rows_t += _unit_targets(
                year,
                m,
                code,
                annual[code][m],
                start_balance.get(code, pd.Series(0.0, index=ids))[m],
            )
        for code, level in RATE_TARGETS.items():
            rows_t += [(year, month, m, code, level) for month in range(13)]
    targets = _roll_up(
        pd.DataFrame(rows_t, columns=["year", "month", "org_id", "metric", "value"]), branch_of
    )
    monthly = targets[(targets["org_level"] == "manager") & (targets["month"] > 0)]
    plan = monthly.pivot_table(index="org_id", columns=["metric", "month"], values="value")
    for stock, path in closed_balances.items():
        for month, values in path.items():
            rows_h += [(year, month, m, stock, float(v)) for m, v in values.items()]
    for code in ("npl_recovery", "intermediate_income"):
        closed, _ = due_share(code, as_of)
        days = calendar.monthrange(year, as_of.month)[1]
        for month in range(1, as_of.month + 1):
            share = 1.0 if month < as_of.month else as_of.day / days
            noise = rng.normal(1.0, 0.08, len(ids))
            values = plan[(code, month)] * ratio[code] * noise * share
            rows_h += [(year, month, m, code, float(round(v))) for m, v in values.items()]
    rows_h += _last_year(plan, start_balance, year, rng)
    history = _roll_up(
        pd.DataFrame(rows_h, columns=["year", "month", "org_id", "metric", "value"]), branch_of
    )
    want = {}
    for code in DATED:
        closed, partial = due_share(code, as_of)
        want[code] = (annual[code] * (closed + partial) * ratio[code]).round().astype(int)
    return {"targets": targets, "history": history, "want": want, "ratio": ratio}


def initial_changes(
    targets: pd.DataFrame, managers: pd.DataFrame, demo_branch: int, year: int
) -> pd.DataFrame:
    """The demo's target history: head office set the bank's and branches' annual targets on
    5 January, the branch leaders their managers' on 8 January (the demo ``branch`` account
    for its branch; the other branches have no account, so no user)."""
    annual = targets[targets["month"] == 0]
    branch_of = dict(zip(managers["id"], managers["branch_id"], strict=False))
    by_hq = annual["org_level"] != "manager"
    demo = annual["org_id"].map(branch_of).eq(demo_branch) & ~by_hq
    at = np.where(by_hq, np.datetime64(f"{year}-01-05T09:30"), np.datetime64(f"{year}-01-08T16:00"))
    return pd.DataFrame(
        {
            "at": pd.to_datetime(at),
            "user_id": np.where(by_hq, 1, np.where(demo, 2, np.nan)),
            "year": annual["year"].to_numpy(),
            "month": 0,
            "org_level": annual["org_level"].to_numpy(),
            "org_id": annual["org_id"].to_numpy(),
            "metric": annual["metric"].to_numpy(),
            "old_value": np.nan,
            "new_value": annual["value"].to_numpy(),
            "source": "seed",
            "note": None,
        }
    )


def _unit_targets(year, manager, code, annual, base) -> list[tuple]:
    months = split_to_months(annual, KIND[code], curve_for(code), base)
    return [(year, m, manager, code, float(v)) for m, v in enumerate([annual, *months])]


def _closed_path(
    last_dec: pd.Series, realised: pd.Series, flow: str, as_of: date, rng: np.random.Generator
) -> dict[int, pd.Series]:
    """Month-end balances of the closed months, from last December towards today's."""
    curve = np.asarray(curve_for(flow), dtype=float)
    curve = curve / curve.sum()
    months = range(1, as_of.month)
    steps = {m: realised * curve[m - 1] * rng.normal(1.0, 0.15, len(realised)) for m in months}
    if steps:  # closed months add up to the plan due by their end, times performance
        total = sum(steps.values())
        scale = (realised * curve[: as_of.month - 1].sum() / total.where(total != 0)).fillna(1.0)
        steps = {m: step * scale for m, step in steps.items()}
    out, balance = {}, last_dec.copy()
    for month in months:
        balance = balance + steps[month]
        out[month] = balance.round(2)
    return out


def _last_year(
    plan: pd.DataFrame, start_balance: dict, year: int, rng: np.random.Generator
) -> list[tuple]:
    """Last year's monthly flows (this year's plan before growth, with noise) and balances
    (rising to last December's)."""
    rows = []
    for code, growth in GROWTH.items():
        if code in ("deposit_increase", "loan_increase"):
            continue
        for month in range(1, 13):
            values = plan[(code, month)] / (1 + growth) * rng.normal(1.0, 0.10, len(plan))
            rows += [(year - 1, month, m, code, float(round(max(v, 0)))) for m, v in values.items()]
    for stock, flow in (("deposit_balance", "deposit_increase"), ("loan_balance", "loan_increase")):
        end = start_balance[stock]
        begin = end / (1 + GROWTH[flow] * rng.normal(0.95, 0.1, len(end)))
        curve = np.cumsum(curve_for(flow)) / sum(curve_for(flow))
        previous = begin
        for month in range(1, 13):
            balance = (
                end
                if month == 12
                else (begin + (end - begin) * curve[month - 1] * rng.normal(1.0, 0.05, len(end)))
            )
            rows += [(year - 1, month, m, stock, float(round(v, 2))) for m, v in balance.items()]
            rows += [
                (year - 1, month, m, flow, float(round(v, 2)))
                for m, v in (balance - previous).items()
            ]
            previous = balance
    return rows


def _roll_up(rows: pd.DataFrame, branch_of: dict) -> pd.DataFrame:
    """Manager rows plus their branches' and the bank's: sums, except rates (a level is the
    same for every unit)."""
    m = rows.assign(org_level="manager")
    levels = [m]
    for level, key in (("branch", rows["org_id"].map(branch_of)), ("bank", 1)):
        part = rows.assign(org_id=key)
        rate = part["metric"].map(KIND) == "rate"
        summed = (
            part[~rate]
            .groupby(["year", "month", "org_id", "metric"], as_index=False)["value"]
            .sum()
        )
        levels.append(summed.assign(org_level=level))
        levels.append(
            part[rate]
            .drop_duplicates(["year", "month", "org_id", "metric"])
            .assign(org_level=level)
        )
    out = pd.concat(levels, ignore_index=True)
    out["org_id"] = out["org_id"].astype(int)
    out["value"] = out["value"].astype(float)
    return out[["year", "month", "org_level", "org_id", "metric", "value"]]


def plant_dates(
    customers: pd.DataFrame, want: dict[str, pd.Series], as_of: date, rng: np.random.Generator
) -> None:
    """Date this year's openings and sign-ups so that each manager has ``want`` of them to
    date (as far as their customers allow); the others are dated before this year. Adds the
    columns mobile_banking_on, acquiring_on and etc_on; moves opened_on and last_txn_on."""
    year_start = np.datetime64(date(as_of.year, 1, 1), "D")
    opened = customers["opened_on"].to_numpy(dtype="datetime64[D]")
    eligible = {
        "new_active_customers": (customers["status"] == "active").to_numpy(),
        "mobile_banking_signups": customers["has_mobile_banking"].to_numpy(bool),
        "acquiring_merchants": customers["has_acquiring"].to_numpy(bool),
        "etc_signups": customers["has_etc"].to_numpy(bool),
    }
    managers = customers["manager_id"].to_numpy()
    by_manager = pd.Series(np.arange(len(customers))).groupby(managers).indices
    for code, column in DATED.items():
        floor = (
            opened
            if code != "new_active_customers"
            else np.full(len(customers), np.datetime64("NaT"), dtype="datetime64[D]")
        )
        if code == "new_active_customers":
            dates = opened.copy()
        else:  # signed some time between opening and today
            dates = np.full(len(customers), np.datetime64("NaT"), dtype="datetime64[D]")
            have = eligible[code] & ~np.isnat(opened)
            tenure = (np.datetime64(as_of, "D") - opened[have]).astype(int)
            dates[have] = opened[have] + (rng.random(int(have.sum())) * tenure).astype(
                "timedelta64[D]"
            )
        forced = eligible[code] & (floor >= year_start)
        chosen = forced.copy()
        for manager, rows in by_manager.items():
            pool = rows[eligible[code][rows] & ~forced[rows]]
            need = int(want[code].get(manager, 0)) - int(forced[rows].sum())
            if need > 0 and len(pool):
                chosen[rng.choice(pool, size=min(need, len(pool)), replace=False)] = True
        this_year = _dates_this_year(int(chosen.sum()), code, as_of, rng)
        dates[chosen] = np.maximum(
            this_year, np.where(np.isnat(floor[chosen]), this_year, floor[chosen])
        )
        before = eligible[code] & ~chosen & ~(dates < year_start)
        low = np.where(np.isnat(floor), year_start - 5 * 365, floor)[before]
        span = np.maximum((year_start - low).astype(int), 1)
        dates[before] = low + (rng.random(int(before.sum())) * span).astype("timedelta64[D]")
        dates[before] = np.minimum(dates[before], year_start - 1)
        dates[~eligible[code] & (code != "new_active_customers")] = np.datetime64("NaT")
        customers[column] = dates
        if code == "new_active_customers":
            opened = dates
    last_txn = customers["last_txn_on"].to_numpy(dtype="datetime64[D]")
    customers["last_txn_on"] = np.where(np.isnat(last_txn), last_txn, np.maximum(last_txn, opened))


def _dates_this_year(n: int, code: str, as_of: date, rng: np.random.Generator) -> np.ndarray:
    """``n`` dates from 1 January to ``as_of``, months weighted by the metric's curve."""
    curve = np.asarray(curve_for(code), dtype=float)[: as_of.month].copy()
    days_in = np.array([calendar.monthrange(as_of.year, m)[1] for m in range(1, as_of.month + 1)])
    allowed = days_in.copy()
    allowed[-1] = as_of.day
    curve[-1] *= allowed[-1] / days_in[-1]
    month = rng.choice(as_of.month, size=n, p=curve / curve.sum())
    day = (rng.random(n) * allowed[month]).astype(int)
    starts = np.array(
        [np.datetime64(date(as_of.year, m, 1), "D") for m in range(1, as_of.month + 1)]
    )
    return (starts[month] + day.astype("timedelta64[D]")).astype("datetime64[D]")


def backfill_rates(conn: Connection, as_of: date, seed: int) -> int:
    """Closed months of this year and last year's months for the rate metrics, drifting
    from the levels just computed for the as-of month (their history is not in the data).
    Returns the rows written."""
    rng = np.random.default_rng(seed + 1)
    codes = [c for c in RATE_TARGETS]
    now = read_frame(
        conn,
        select(Actual.org_level, Actual.org_id, Actual.metric, Actual.value).where(
            Actual.year == as_of.year, Actual.month == as_of.month, Actual.metric.in_(codes)
        ),
    )
    have = read_frame(
        conn,
        select(Actual.year, Actual.month, Actual.metric).where(Actual.metric.in_(codes)).distinct(),
    )
    taken = set(map(tuple, have.to_numpy().tolist()))
    rows = []
    for r in now.itertuples(index=False):
        drift = rng.normal(0.0, 0.004)
        for year, months in ((as_of.year, range(1, as_of.month)), (as_of.year - 1, range(1, 13))):
            for month in months:
                if (year, month, r.metric) in taken:
                    continue
                back = (as_of.year - year) * 12 + as_of.month - month
                value = r.value * (1 - drift * back) * rng.normal(1.0, 0.01)
                rows.append(
                    {
                        "year": year,
                        "month": month,
                        "org_level": r.org_level,
                        "org_id": int(r.org_id),
                        "metric": r.metric,
                        "value": round(float(np.clip(value, 0, 100)), 4),
                    }
                )
    if rows:
        conn.execute(Actual.__table__.insert(), rows)
    return len(rows)
