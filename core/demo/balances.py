"""Month-end balances of the demo customers over the last twelve months (月末余额).

Walking back from today's balances: a small random walk for most customers, a planted
decline for ~8 % of active customers (their deposits six months ago were 1.5-3x today's: the
潜在流失 tag finds them), growth for ~10 %, flat balances for dormant accounts, and the
Spring-Festival month's jump in deposits (migrant workers home: +30-60 %, everyone +5 %).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from core.calendar import spring_festival
from core.customers.features import month_start

MONTHS = 12


def make_balance_months(
    customers: pd.DataFrame, rng: np.random.Generator, as_of: date
) -> pd.DataFrame:
    """One row per existing customer and month since they opened (at most ``MONTHS``).

    ``customers`` needs id, status, opened_on, is_migrant, deposit_balance, loan_balance,
    wealth_balance. The current month holds today's balances. ``month`` is ISO text (the
    first day of the month), ready for a bulk insert.
    """
    existing = customers[customers["status"] != "potential"]
    n = len(existing)
    back = np.arange(MONTHS)  # months before the current one
    # (n, MONTHS) arrays are 65 MB each at a million customers: worked on in place
    log_m = rng.normal(0.0, 0.05, (n, MONTHS))
    log_m[:, 0] = 0.0
    np.cumsum(log_m, axis=1, out=log_m)
    active = (existing["status"] == "active").to_numpy()
    u = rng.random(n)
    declining = active & (u < 0.08)
    growing = active & (u >= 0.08) & (u < 0.18)
    fall = np.log(rng.uniform(1.5, 3.0, n))[:, None]
    log_m += np.where(declining[:, None], fall * np.minimum(back, 6) / 6, 0.0)
    log_m -= np.where(growing[:, None], 0.04 * back, 0.0)
    log_m[(existing["status"] == "dormant").to_numpy()] = 0.0
    months = [month_start(as_of, k) for k in back]
    festival = month_start(spring_festival(as_of.year))
    if festival > months[0]:
        festival = month_start(spring_festival(as_of.year - 1))
    if festival in months[1:]:
        k = months.index(festival)
        migrant = existing["is_migrant"].to_numpy(dtype=bool)
        log_m[:, k] += np.where(migrant, np.log(rng.uniform(1.3, 1.6, n)), np.log(1.05))
    opened = pd.to_datetime(existing["opened_on"]).to_numpy().astype("datetime64[M]")
    month64 = np.array([np.datetime64(m, "M") for m in months])
    held = month64[None, :] >= opened[:, None]
    held[:, 0] = True  # today's balances are always there
    rows, cols = np.nonzero(held)
    del held
    labels = np.array([m.isoformat() for m in months], dtype=object)
    # per row: today's balance times the month's factor (the same products as on the
    # customer-by-month grid, without holding the grid; rounded in place)
    deposit = np.exp(log_m[rows, cols])
    del log_m
    deposit *= existing["deposit_balance"].to_numpy()[rows]
    loan = existing["loan_balance"].to_numpy()[rows] * (1 + 0.01 * back)[cols]
    frame = {
        "customer_id": existing["id"].to_numpy()[rows],
        "month": labels[cols],
        "deposit_balance": np.round(deposit, 2, out=deposit),
        "loan_balance": np.round(loan, 2, out=loan),
        "wealth_balance": np.round(existing["wealth_balance"].to_numpy()[rows], 2),
    }
    del rows, cols
    return pd.DataFrame(frame)


def align_to_history(
    months: pd.DataFrame, customers: pd.DataFrame, history: pd.DataFrame
) -> pd.DataFrame:
    """Scale each manager's customers' month-end deposits and loans so that they add up to
    the manager's month-end balances of the demo's actuals (``history``: rows year, month,
    org_level, org_id, metric, value), month by month: the customer view's trend and the
    progress page then tell one story. Months without a recorded balance (the current one:
    today's balances, already the customers' own) are left alone."""
    out = months.copy(deep=False)  # the columns scaled are replaced, not written into
    manager = customers.set_index("id")["manager_id"].reindex(out["customer_id"]).to_numpy()
    # one integer per (manager, month): a million customers' 8 million rows stay light
    code, labels = pd.factorize(out["month"])
    stamps = pd.to_datetime(pd.Series(labels))
    key = manager.astype(np.int64) * len(labels) + code
    last = int(manager.max())
    slot = {
        (y, m): k for k, (y, m) in enumerate(zip(stamps.dt.year, stamps.dt.month, strict=False))
    }
    recorded = history[history["org_level"] == "manager"]
    for column, metric in (
        ("deposit_balance", "deposit_balance"),
        ("loan_balance", "loan_balance"),
    ):
        want = recorded[recorded["metric"] == metric]
        known = np.full((last + 1) * len(labels), np.nan)
        for org, year, month, value in zip(
            want["org_id"], want["year"], want["month"], want["value"], strict=False
        ):
            if (year, month) in slot and org <= last:
                known[int(org) * len(labels) + slot[(year, month)]] = value
        have = out[column].groupby(key).transform("sum")
        target = pd.Series(known[key], index=out.index)
        factor = (target / have.where(have > 0)).where(target.notna(), 1.0).fillna(1.0)
        out[column] = (out[column] * factor).round(2)
    return out
