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
    steps = rng.normal(0.0, 0.05, (n, MONTHS))
    steps[:, 0] = 0.0
    log_m = np.cumsum(steps, axis=1)
    active = (existing["status"] == "active").to_numpy()
    u = rng.random(n)
    declining = active & (u < 0.08)
    growing = active & (u >= 0.08) & (u < 0.18)
    fall = np.log(rng.uniform(1.5, 3.0, n))[:, None]
    log_m += np.where(declining[:, None], fall * np.minimum(back, 6) / 6, 0.0)
    log_m -= np.where(growing[:, None], 0.04 * back, 0.0)
    log_m = np.where((existing["status"] == "dormant").to_numpy()[:, None], 0.0, log_m)
    months = [month_start(as_of, k) for k in back]
    festival = month_start(spring_festival(as_of.year))
    if festival > months[0]:
        festival = month_start(spring_festival(as_of.year - 1))
    if festival in months[1:]:
        k = months.index(festival)
        migrant = existing["is_migrant"].to_numpy(dtype=bool)
        log_m[:, k] += np.where(migrant, np.log(rng.uniform(1.3, 1.6, n)), np.log(1.05))
    deposit = existing["deposit_balance"].to_numpy()[:, None] * np.exp(log_m)
    loan = existing["loan_balance"].to_numpy()[:, None] * (1 + 0.01 * back)
    wealth = np.repeat(existing["wealth_balance"].to_numpy()[:, None], MONTHS, axis=1)
    opened = pd.to_datetime(existing["opened_on"]).to_numpy().astype("datetime64[M]")
    month64 = np.array([np.datetime64(m, "M") for m in months])
    held = month64[None, :] >= opened[:, None]
    held[:, 0] = True  # today's balances are always there
    rows, cols = np.nonzero(held)
    labels = np.array([m.isoformat() for m in months], dtype=object)
    return pd.DataFrame(
        {
            "customer_id": existing["id"].to_numpy()[rows],
            "month": labels[cols],
            "deposit_balance": np.round(deposit[rows, cols], 2),
            "loan_balance": np.round(loan[rows, cols], 2),
            "wealth_balance": np.round(wealth[rows, cols], 2),
        }
    )


def align_to_history(
    months: pd.DataFrame, customers: pd.DataFrame, history: pd.DataFrame
) -> pd.DataFrame:
    """Scale each manager's customers' month-end deposits and loans so that they add up to
    the manager's month-end balances of the demo's actuals (``history``: rows year, month,
    org_level, org_id, metric, value), month by month: the customer view's trend and the
    progress page then tell one story. Months without a recorded balance (the current one:
    today's balances, already the customers' own) are left alone."""
    out = months.copy()
    manager = customers.set_index("id")["manager_id"].reindex(out["customer_id"]).to_numpy()
    stamp = pd.to_datetime(out["month"])
    key = pd.DataFrame(
        {"manager": manager, "year": stamp.dt.year.to_numpy(), "month": stamp.dt.month.to_numpy()}
    )
    recorded = history[history["org_level"] == "manager"]
    for column, metric in (
        ("deposit_balance", "deposit_balance"),
        ("loan_balance", "loan_balance"),
    ):
        want = recorded[recorded["metric"] == metric].set_index(["org_id", "year", "month"])[
            "value"
        ]
        have = out[column].groupby([key["manager"], key["year"], key["month"]]).transform("sum")
        index = pd.MultiIndex.from_frame(key)
        target = pd.Series(want.reindex(index).to_numpy(), index=out.index)
        factor = (target / have.where(have > 0)).where(target.notna(), 1.0).fillna(1.0)
        out[column] = (out[column] * factor).round(2)
    return out
