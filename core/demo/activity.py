"""Visits, targets and actuals of the demo bank (12+ months of history up to ``as_of``)."""
from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from core.metrics import METRICS, SEASONAL_CURVE, split_exactly

OUTCOMES = ("filed", "interested", "account", "deposit", "mobile_banking", "acquiring",
            "loan_application", "none")
OUTCOME_SHARES = (0.25, 0.20, 0.08, 0.10, 0.10, 0.04, 0.05, 0.18)
CHANNELS = ("onsite", "phone", "outlet", "wechat")
CHANNEL_SHARES = (0.70, 0.12, 0.10, 0.08)
PRODUCT_BY_OUTCOME = {"account": "debit_card", "deposit": "time_deposit",
                      "mobile_banking": "mobile_banking", "acquiring": "acquiring",
                      "loan_application": "loan"}
HIGH_END_AUM = 200_000.0
CORE_AUM = 50_000.0
DEG_PER_M = 1 / 111_000


def visit_weights(customers: pd.DataFrame) -> np.ndarray:
    """How much more often a customer is visited: high-end >> core >> basic, prospects some."""
    aum = customers["deposit_balance"].to_numpy() + customers["wealth_balance"].to_numpy()
    status = customers["status"].to_numpy()
    w = np.select([aum >= HIGH_END_AUM, aum >= CORE_AUM], [40.0, 6.0], 1.0)
    w = np.where(status == "potential", 1.2, w)
    return np.where(status == "dormant", 0.5, w)


def make_visits(customers: pd.DataFrame, manager_ids: np.ndarray, rng: np.random.Generator,
                as_of: date, months: int = 13) -> pd.DataFrame:
    """40-80 visits per manager per working month over ``months`` months before ``as_of``.

    ``customers`` needs columns id, manager_id, lon, lat, status, deposit_balance,
    wealth_balance.
    """
    start = np.datetime64(as_of, "D") - np.timedelta64(months * 30, "D")
    days = np.arange(start, np.datetime64(as_of, "D"))
    workdays = days[np.is_busday(days)]
    weights = visit_weights(customers)
    frames = []
    by_manager = customers.groupby("manager_id").indices
    for manager_id in manager_ids:
        rows = by_manager.get(manager_id)
        if rows is None or len(rows) == 0:
            continue
        # 40-80 a month (drawn inside the range so month-to-month noise stays within it)
        n = int(rng.integers(42, 79) * len(workdays) / 21.75)
        w = weights[rows]
        picked = rows[rng.choice(len(rows), size=n, p=w / w.sum())]
        day = np.sort(rng.choice(workdays, size=n))
        minutes = rng.integers(9 * 60, 17 * 60 + 30, n)
        frames.append(pd.DataFrame({
            "manager_id": manager_id,
            "customer_index": picked,
            "visited_at": day.astype("datetime64[m]") + minutes.astype("timedelta64[m]"),
        }))
    visits = pd.concat(frames, ignore_index=True)
    n = len(visits)
    cust = customers.iloc[visits["customer_index"].to_numpy()]
    visits["customer_id"] = cust["id"].to_numpy()
    visits["channel"] = rng.choice(CHANNELS, size=n, p=CHANNEL_SHARES)
    onsite = visits["channel"].to_numpy() == "onsite"
    distance = rng.uniform(50, 300, n) * DEG_PER_M
    angle = rng.uniform(0, 2 * np.pi, n)
    lat = cust["lat"].to_numpy()
    visits["lon"] = np.where(onsite, np.round(cust["lon"].to_numpy() + distance * np.cos(angle)
                                              / np.cos(np.radians(lat)), 6), np.nan)
    visits["lat"] = np.where(onsite, np.round(lat + distance * np.sin(angle), 6), np.nan)
    outcome = rng.choice(OUTCOMES, size=n, p=OUTCOME_SHARES)
    visits["outcome"] = outcome
    visits["products"] = [PRODUCT_BY_OUTCOME.get(o) for o in outcome]
    visits["amount"] = np.where(outcome == "deposit", np.round(rng.lognormal(np.log(3e4), 1.0, n),
                                                               -2), 0.0)
    visits["notes"] = None
    return visits.drop(columns="customer_index").sort_values("visited_at", kind="stable")


def manager_bases(customers: pd.DataFrame) -> pd.DataFrame:
    """Last year's base per manager for each metric, from the manager's book."""
    g = customers.groupby("manager_id")
    existing = customers["status"] != "potential"
    base = pd.DataFrame({
        "deposit_increase": g["deposit_balance"].sum() * 0.08,
        "loan_increase": g["loan_balance"].sum() * 0.07,
        "new_active_customers": (customers[existing].groupby("manager_id").size() * 0.06),
        "mobile_banking_signups": customers[existing & ~customers["has_mobile_banking"]]
        .groupby("manager_id").size() * 0.10,
        "acquiring_merchants": customers[customers["kind"] == "merchant"]
        .groupby("manager_id").size() * 0.12 + 2,
        "etc_signups": customers[existing].groupby("manager_id").size() * 0.01,
        "visits": pd.Series(600.0, index=g.size().index),
        "npl_recovery": g["loan_balance"].sum() * 0.01,
        "intermediate_income": g["deposit_balance"].sum() * 0.002,
    }).fillna(0.0)
    return base[[m.code for m in METRICS]]


def make_targets_and_actuals(customers: pd.DataFrame, managers: pd.DataFrame,
                             rng: np.random.Generator, as_of: date) -> tuple[pd.DataFrame,
                                                                              pd.DataFrame]:
    """Monthly targets (manager, branch, bank; annual rows = month 0) and actuals to date.

    Manager targets are split to months exactly; branch and bank targets are the sums of
    their managers', so every level reconciles to the unit. Actual/target ~ N(0.97, 0.10)
    with persistent branch and manager effects, so the same people lead and trail.
    """
    base = manager_bases(customers).reindex(managers["id"]).fillna(0.0)
    branch_of = dict(zip(managers["id"], managers["branch_id"]))
    branch_effect = {b: rng.normal(1.0, 0.07) for b in managers["branch_id"].unique()}
    rows_t, rows_a = [], []
    done_months = as_of.month - 1
    partial = as_of.day / pd.Timestamp(as_of).days_in_month
    for manager_id, metrics in base.iterrows():
        effect = branch_effect[branch_of[manager_id]] * rng.normal(1.0, 0.06)
        for code, annual in metrics.items():
            curve = SEASONAL_CURVE.get(code, SEASONAL_CURVE["default"])
            monthly = split_exactly(int(round(annual)), curve)
            for month, value in enumerate(monthly, start=1):
                rows_t.append((manager_id, code, month, int(value)))
                if month <= done_months + 1:
                    share = 1.0 if month <= done_months else partial
                    ratio = effect * rng.normal(0.97, 0.10)
                    rows_a.append((manager_id, code, month, round(value * ratio * share)))
    targets = _roll_up(pd.DataFrame(rows_t, columns=["org_id", "metric", "month", "value"]),
                       branch_of, as_of.year, with_annual=True)
    actuals = _roll_up(pd.DataFrame(rows_a, columns=["org_id", "metric", "month", "value"]),
                       branch_of, as_of.year, with_annual=False)
    return targets, actuals


def _roll_up(manager_rows: pd.DataFrame, branch_of: dict, year: int,
             with_annual: bool) -> pd.DataFrame:
    m = manager_rows.assign(org_level="manager")
    b = (manager_rows.assign(org_id=manager_rows["org_id"].map(branch_of))
         .groupby(["org_id", "metric", "month"], as_index=False)["value"].sum()
         .assign(org_level="branch"))
    k = (manager_rows.groupby(["metric", "month"], as_index=False)["value"].sum()
         .assign(org_level="bank", org_id=1))
    out = pd.concat([m, b, k], ignore_index=True)
    if with_annual:
        annual = (out.groupby(["org_level", "org_id", "metric"], as_index=False)["value"].sum()
                  .assign(month=0))
        out = pd.concat([out, annual], ignore_index=True)
    out["year"] = year
    out["value"] = out["value"].astype(float)
    return out[["year", "month", "org_level", "org_id", "metric", "value"]]


def plant_doubtful_visits(visits: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Plant what the authenticity checks must find, as real data has it now and then:
    ~1 % of on-site check-ins 0.7-3 km from the customer, a burst of four visits within six
    minutes for three managers, and one check-in point reused for four customers by two
    managers. ``visits`` as ``make_visits`` returns it; a copy comes back."""
    v = visits.copy().reset_index(drop=True)
    onsite = np.flatnonzero(v["channel"].to_numpy() == "onsite")
    far = rng.choice(onsite, size=max(1, len(onsite) // 100), replace=False)
    distance = rng.uniform(700, 3_000, len(far)) * DEG_PER_M
    angle = rng.uniform(0, 2 * np.pi, len(far))
    v.loc[far, "lon"] = np.round(v.loc[far, "lon"].to_numpy() + distance * np.cos(angle), 6)
    v.loc[far, "lat"] = np.round(v.loc[far, "lat"].to_numpy() + distance * np.sin(angle), 6)
    managers = v["manager_id"].unique()
    for manager in rng.choice(managers, size=min(3, len(managers)), replace=False):
        rows = np.flatnonzero((v["manager_id"].to_numpy() == manager)
                              & (v["channel"].to_numpy() == "onsite"))
        if len(rows) >= 4:
            start = rows[rng.integers(0, len(rows) - 3)]
            pick = rows[(rows >= start)][:4]
            base = v.loc[pick[0], "visited_at"]
            v.loc[pick, "visited_at"] = [base + pd.Timedelta(minutes=2 * i) for i in range(4)]
    for manager in rng.choice(managers, size=min(2, len(managers)), replace=False):
        rows = np.flatnonzero((v["manager_id"].to_numpy() == manager)
                              & (v["channel"].to_numpy() == "onsite"))
        if len(rows) >= 4:
            pick = rows[rng.integers(0, len(rows) - 3):][:4]
            if v.loc[pick, "customer_id"].nunique() == len(pick):
                v.loc[pick, ["lon", "lat"]] = v.loc[pick[0], ["lon", "lat"]].to_numpy()
    return v.sort_values("visited_at", kind="stable").reset_index(drop=True)
