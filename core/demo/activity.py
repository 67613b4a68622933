"""Visits of the demo bank (13 months of history up to ``as_of``); targets and actuals are in
``core.demo.performance``."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from core.vocab import CHANNELS, OUTCOMES  # the lists the visit log accepts

OUTCOME_SHARES = (0.25, 0.20, 0.08, 0.10, 0.10, 0.04, 0.05, 0.18)
CHANNEL_SHARES = (0.70, 0.12, 0.10, 0.08)
PRODUCT_BY_OUTCOME = {
    "account": "debit_card",
    "deposit": "time_deposit",
    "mobile_banking": "mobile_banking",
    "acquiring": "acquiring",
    "loan_application": "loan",
}
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


def make_visits(
    customers: pd.DataFrame,
    manager_ids: np.ndarray,
    rng: np.random.Generator,
    as_of: date,
    months: int = 13,
) -> pd.DataFrame:
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
        frames.append(
            pd.DataFrame(
                {
                    "manager_id": manager_id,
                    "customer_index": picked,
                    "visited_at": day.astype("datetime64[m]") + minutes.astype("timedelta64[m]"),
                }
            )
        )
    visits = pd.concat(frames, ignore_index=True)
    n = len(visits)
    cust = customers.iloc[visits["customer_index"].to_numpy()]
    visits["customer_id"] = cust["id"].to_numpy()
    visits["channel"] = rng.choice(CHANNELS, size=n, p=CHANNEL_SHARES)
    onsite = visits["channel"].to_numpy() == "onsite"
    distance = rng.uniform(50, 300, n) * DEG_PER_M
    angle = rng.uniform(0, 2 * np.pi, n)
    lat = cust["lat"].to_numpy()
    visits["lon"] = np.where(
        onsite,
        np.round(cust["lon"].to_numpy() + distance * np.cos(angle) / np.cos(np.radians(lat)), 6),
        np.nan,
    )
    visits["lat"] = np.where(onsite, np.round(lat + distance * np.sin(angle), 6), np.nan)
    outcome = rng.choice(OUTCOMES, size=n, p=OUTCOME_SHARES)
    visits["outcome"] = outcome
    visits["products"] = [PRODUCT_BY_OUTCOME.get(o) for o in outcome]
    visits["amount"] = np.where(
        outcome == "deposit", np.round(rng.lognormal(np.log(3e4), 1.0, n), -2), 0.0
    )
    visits["notes"] = None
    return visits.drop(columns="customer_index").sort_values("visited_at", kind="stable")


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
        rows = np.flatnonzero(
            (v["manager_id"].to_numpy() == manager) & (v["channel"].to_numpy() == "onsite")
        )
        if len(rows) >= 4:
            start = rows[rng.integers(0, len(rows) - 3)]
            pick = rows[(rows >= start)][:4]
            base = v.loc[pick[0], "visited_at"]
            v.loc[pick, "visited_at"] = [base + pd.Timedelta(minutes=2 * i) for i in range(4)]
    for manager in rng.choice(managers, size=min(2, len(managers)), replace=False):
        rows = np.flatnonzero(
            (v["manager_id"].to_numpy() == manager) & (v["channel"].to_numpy() == "onsite")
        )
        if len(rows) >= 4:
            pick = rows[rng.integers(0, len(rows) - 3) :][:4]
            if v.loc[pick, "customer_id"].nunique() == len(pick):
                v.loc[pick, ["lon", "lat"]] = v.loc[pick[0], ["lon", "lat"]].to_numpy()
    return v.sort_values("visited_at", kind="stable").reset_index(drop=True)
