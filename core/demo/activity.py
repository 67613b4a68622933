"""Visits of the demo bank (13 months of history up to ``as_of``); targets and actuals are in
``core.demo.performance``."""
from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd


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
