"""Actuals (完成情况): recomputed per manager, branch, bank and month from the data, or
imported (``core.performance.target_sheets``).

Every computed metric is one SQL aggregation (GROUP BY branch, manager and month), never a
loop over customers (the progress benchmark times a recompute at a million customers). Each
query yields a numerator and, for rates, a denominator per (branch, manager, month);
managers, branches and the bank are sums of those, so a branch's rate is its own ratio, not
an average of its managers'.

What is recomputed (see ``core.performance.metrics`` for each metric's basis):

* ``computed`` metrics: every month of the year up to the as-of date;
* ``snapshot`` metrics (balances, NPL ratio, 建档率): the as-of month, from the data as it
  is now; closed months keep the value recorded at their end (run daily, the last run of
  a month is its month-end figure);
* the increases: each month's balance minus the previous month end (January: last
  31 December), from the balances recorded;
* ``imported`` metrics are left alone.
"""

from __future__ import annotations

import calendar
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pandas as pd
from sqlalchemy import Engine, and_, case, delete, extract, func, insert, select
from sqlalchemy.engine import Connection

from core import config
from core.db import read_frame
from core.models import (
    Actual,
    ActualRun,
    Bank,
    Branch,
    Customer,
    Grid,
    GridStaff,
    Holding,
    Manager,
    Visit,
)
from core.performance.metrics import METRICS
from core.permissions import record, require_role
from core.vocab import NEGATIVE_OUTCOMES

COVERAGE_DAYS = 30
INCREASES = {"deposit_increase": "deposit_balance", "loan_increase": "loan_balance"}
COMPUTED = tuple(m.code for m in METRICS if m.source == "computed")
SNAPSHOT = tuple(m.code for m in METRICS if m.source == "snapshot")
RATES = {m.code for m in METRICS if m.kind == "rate"}


@dataclass(frozen=True)
class RecomputeResult:
    as_of: date
    rows: int
    seconds: float
    run_id: int


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _month(col):
    return extract("month", col).label("month")


def _frame(conn: Connection, metric: str, stmt) -> pd.DataFrame:
    """Run an aggregation with columns branch_id, manager_id, month, num[, den]."""
    df = read_frame(conn, stmt)
    if "den" not in df:
        df["den"] = float("nan")
    df["metric"] = metric
    return df


def _dated_counts(conn: Connection, start: date, end: date) -> list[pd.DataFrame]:
    """Flows counted from dated customer columns (openings, sign-ups)."""
    out = []
    for metric, col, extra in (
        ("new_active_customers", Customer.opened_on, Customer.status == "active"),
        ("mobile_banking_signups", Customer.mobile_banking_on, None),
        ("acquiring_merchants", Customer.acquiring_on, None),
        ("etc_signups", Customer.etc_on, None),
    ):
        cond = and_(col >= start, col <= end)
        if extra is not None:
            cond = and_(cond, extra)
        stmt = (
            select(Customer.branch_id, Customer.manager_id, _month(col), func.count().label("num"))
            .where(cond)
            .group_by(Customer.branch_id, Customer.manager_id, _month(col))
        )
        out.append(_frame(conn, metric, stmt))
    return out


def _visit_metrics(conn: Connection, start: date, end: date) -> list[pd.DataFrame]:
    """Visits and the marketing success rate per manager and month."""
    until = datetime.combine(end + timedelta(days=1), datetime.min.time())
    positive = case((Visit.outcome.in_(NEGATIVE_OUTCOMES), 0), else_=1)
    stmt = (
        select(
            Manager.branch_id,
            Visit.manager_id,
            _month(Visit.visited_at),
            func.count().label("num"),
            func.sum(positive).label("success"),
        )
        .join(Manager, Manager.id == Visit.manager_id)
        .where(
            Visit.visited_at >= datetime.combine(start, datetime.min.time()),
            Visit.visited_at < until,
        )
        .group_by(Manager.branch_id, Visit.manager_id, _month(Visit.visited_at))
    )
    df = read_frame(conn, stmt)
    visits = df[["branch_id", "manager_id", "month", "num"]].assign(
        den=float("nan"), metric="visits"
    )
    success = df[["branch_id", "manager_id", "month"]].assign(
        num=df["success"], den=df["num"], metric="marketing_success_rate"
    )
    return [visits, success]


def _coverage(conn: Connection, year: int, as_of: date) -> pd.DataFrame:
    """High-end customers (AUM at or above the GM_TIER_AUM threshold) visited in the 30
    days to each month end (the as-of month: to the as-of date), over all high-end ones.

    One pass over the year's visits: the days each high-end customer was visited (SQL, a
    few thousand rows), then the 30-day window of every month over those rows."""
    threshold = float(config.get("GM_TIER_AUM")[0])
    high = (Customer.deposit_balance + Customer.wealth_balance) >= threshold
    den = read_frame(
        conn,
        select(Customer.branch_id, Customer.manager_id, func.count().label("den"))
        .where(high)
        .group_by(Customer.branch_id, Customer.manager_id),
    )
    first = date(year, 1, 31) - timedelta(days=COVERAGE_DAYS - 1)
    # visited customers and days first (materialised by DISTINCT), then their tier by key:
    # joined the other way round, SQLite would scan every customer
    day = func.date(Visit.visited_at)
    visited = (
        select(Visit.customer_id, day.label("day"))
        .distinct()
        .where(
            Visit.visited_at >= datetime.combine(first, datetime.min.time()),
            Visit.visited_at < datetime.combine(as_of + timedelta(days=1), datetime.min.time()),
        )
        .subquery()
    )
    seen = read_frame(
        conn,
        select(Customer.branch_id, Customer.manager_id, visited.c.customer_id, visited.c.day)
        .select_from(visited)
        .join(Customer, Customer.id == visited.c.customer_id)
        .where(high),
    )
    seen["day"] = pd.to_datetime(seen["day"]).dt.date
    frames = []
    for month in range(1, as_of.month + 1):
        end = min(_month_end(year, month), as_of)
        start = end - timedelta(days=COVERAGE_DAYS - 1)
        window = seen[(seen["day"] >= start) & (seen["day"] <= end)]
        num = (
            window.drop_duplicates("customer_id")
            .groupby(["branch_id", "manager_id"], dropna=False)
            .size()
            .rename("num")
            .reset_index()
        )
        keys = ["branch_id", "manager_id"]  # a column of only NULLs reads as objects
        merged = den.astype(dict.fromkeys(keys, float)).merge(
            num.astype(dict.fromkeys(keys, float)), on=keys, how="left"
        )
        merged = merged.fillna({"num": 0})
        frames.append(merged.assign(month=month))
    out = pd.concat(frames, ignore_index=True) if frames else den.assign(num=0, month=0)
    return out.assign(metric="high_end_coverage")


def _snapshots(conn: Connection, month: int) -> list[pd.DataFrame]:
    """Balances, NPL ratio and 建档率 as the data stands now (for the as-of month)."""
    balances = read_frame(
        conn,
        select(
            Customer.branch_id,
            Customer.manager_id,
            func.coalesce(func.sum(Customer.deposit_balance), 0.0).label("deposits"),
            func.coalesce(func.sum(Customer.loan_balance), 0.0).label("loans"),
            func.count().label("filed"),
        ).group_by(Customer.branch_id, Customer.manager_id),
    )
    keys = balances[["branch_id", "manager_id"]]
    out = [
        keys.assign(num=balances["deposits"], den=float("nan"), metric="deposit_balance"),
        keys.assign(num=balances["loans"], den=float("nan"), metric="loan_balance"),
    ]
    npl = read_frame(
        conn,
        select(
            Customer.branch_id,
            Customer.manager_id,
            func.coalesce(func.sum(case((Holding.npl, Holding.balance), else_=0.0)), 0.0).label(
                "num"
            ),
            func.coalesce(func.sum(Holding.balance), 0.0).label("den"),
        )
        .join(Customer, Customer.id == Holding.customer_id)
        .where(Holding.product == "loan")
        .group_by(Customer.branch_id, Customer.manager_id),
    )
    out.append(npl.assign(metric="npl_ratio"))
    residents = read_frame(
        conn,
        select(Grid.branch_id, GridStaff.manager_id, func.sum(Grid.residents).label("den"))
        .outerjoin(GridStaff, and_(GridStaff.grid_id == Grid.id, GridStaff.post == "A"))
        .where(Grid.level == 2)
        .group_by(Grid.branch_id, GridStaff.manager_id),
    )
    filed = keys.assign(num=balances["filed"])
    filing = filed.merge(residents, on=["branch_id", "manager_id"], how="outer")
    filing[["num", "den"]] = filing[["num", "den"]].astype(float).fillna(0.0)
    out.append(filing.assign(metric="filing_rate"))
    return [f.assign(month=month) for f in out]


def roll_up(parts: pd.DataFrame, year: int, bank_id: int = 1) -> pd.DataFrame:
    """Numerators (and denominators) per (branch_id, manager_id, month, metric) into actual
    rows for managers, branches and the bank; rates become percentages.

    Examples
    --------
    >>> parts = pd.DataFrame({"branch_id": [1, 1], "manager_id": [10, None], "month": [3, 3],
    ...                       "metric": ["npl_ratio"] * 2, "num": [1.0, 3.0],
    ...                       "den": [50.0, 50.0]})
    >>> roll_up(parts, 2026)[["org_level", "org_id", "value"]].values.tolist()
    [['manager', 10, 2.0], ['branch', 1, 4.0], ['bank', 1, 4.0]]
    """
    parts = parts.assign(month=parts["month"].astype(int))
    levels = []
    for level, key in (("manager", "manager_id"), ("branch", "branch_id"), ("bank", None)):
        frame = parts if key is None else parts[parts[key].notna()]
        by = ["metric", "month"] + ([key] if key else [])
        sums = frame.groupby(by, as_index=False)[["num", "den"]].sum(min_count=1)
        sums["org_id"] = sums[key].astype(int) if key else bank_id
        sums["org_level"] = level
        levels.append(sums)
    out = pd.concat(levels, ignore_index=True)
    is_rate = out["metric"].isin(RATES)
    ratio = 100.0 * out["num"] / out["den"].where(out["den"] > 0)
    out["value"] = ratio.where(is_rate, out["num"]).astype(float)
    out = out[out["value"].notna()]
    out.loc[is_rate, "value"] = out.loc[is_rate, "value"].round(4)
    out.loc[~is_rate, "value"] = out.loc[~is_rate, "value"].round(2)
    out["year"] = year
    return out[["year", "month", "org_level", "org_id", "metric", "value"]].reset_index(drop=True)


def _with_zeros(
    conn: Connection, rows: pd.DataFrame, year: int, month_now: int, bank_id: int
) -> pd.DataFrame:
    """Counted flows are 0, not missing, in a month where nothing happened."""
    counted = [
        m.code
        for m in METRICS
        if m.source == "computed" and m.kind == "flow" and m.code not in INCREASES
    ]
    units = (
        [("manager", int(i)) for i in conn.execute(select(Manager.id)).scalars()]
        + [("branch", int(i)) for i in conn.execute(select(Branch.id)).scalars()]
        + [("bank", bank_id)]
    )
    full = pd.DataFrame(
        [
            (year, month, level, org, metric)
            for metric in counted
            for level, org in units
            for month in range(1, month_now + 1)
        ],
        columns=["year", "month", "org_level", "org_id", "metric"],
    )
    keys = list(full.columns)
    done = full.merge(rows, on=keys, how="left").fillna({"value": 0.0})
    return pd.concat([rows[~rows["metric"].isin(counted)], done], ignore_index=True)


def _increases(conn: Connection, year: int, month_now: int, fresh: pd.DataFrame) -> pd.DataFrame:
    """Each month's balance minus the previous month end, from the recorded balances (with
    this run's fresh as-of month)."""
    stored = read_frame(
        conn,
        select(
            Actual.year, Actual.month, Actual.org_level, Actual.org_id, Actual.metric, Actual.value
        ).where(
            Actual.metric.in_(list(INCREASES.values())),
            ((Actual.year == year) & (Actual.month.between(1, month_now)))
            | ((Actual.year == year - 1) & (Actual.month == 12)),
        ),
    )
    keys = ["year", "month", "org_level", "org_id", "metric"]
    parts = [stored, fresh[fresh["metric"].isin(list(INCREASES.values()))]]
    balances = pd.concat([p for p in parts if len(p)] or parts[:1]).drop_duplicates(
        keys, keep="last"
    )
    balances["step"] = (balances["year"] - year) * 12 + balances["month"]  # last Dec: 0
    out = []
    for increase, balance in INCREASES.items():
        b = balances[balances["metric"] == balance].pivot_table(
            index=["org_level", "org_id"], columns="step", values="value"
        )
        b = b.reindex(columns=range(0, month_now + 1))
        diff = b.diff(axis=1).drop(columns=0)
        long = (
            diff.stack(future_stack=True)
            .dropna()
            .rename("value")
            .reset_index()
            .rename(columns={"step": "month"})
        )
        out.append(long.assign(metric=increase, year=year))
    if not out:
        return pd.DataFrame(columns=[*keys, "value"])
    df = pd.concat(out, ignore_index=True)
    df["value"] = df["value"].round(2)
    return df[[*keys, "value"]]


def recompute_actuals(
    engine: Engine,
    actor,
    as_of: date | None = None,
    conn: Connection | None = None,
    note: str | None = None,
) -> RecomputeResult:
    """Recompute every computed and snapshot actual of ``as_of``'s year (default: today) in
    one transaction; imported actuals and closed months' snapshots are kept. Head office
    (or :data:`core.permissions.SYSTEM`) only.

    Pass ``conn`` to run inside the caller's transaction (the seed does).
    """
    if conn is None:
        require_role(engine, actor, "actuals_run", "hq")
        with engine.begin() as own:
            return recompute_actuals(engine, actor, as_of, own, note)
    if actor.scope.role != "hq":  # inside a caller's transaction: refuse before any write
        require_role(engine, actor, "actuals_run", "hq")
    user_id = actor.user_id
    t0 = time.perf_counter()
    as_of = as_of or date.today()
    year, month_now, start = as_of.year, as_of.month, date(as_of.year, 1, 1)
    bank_id = conn.execute(select(func.min(Bank.id))).scalar() or 1
    parts = [
        *_dated_counts(conn, start, as_of),
        *_visit_metrics(conn, start, as_of),
        _coverage(conn, year, as_of),
        *_snapshots(conn, month_now),
    ]
    parts = [p for p in parts if not p.empty]
    cols = ["branch_id", "manager_id", "month", "metric", "num", "den"]
    rows = (
        roll_up(pd.concat([p[cols] for p in parts], ignore_index=True), year, bank_id)
        if parts
        else pd.DataFrame(columns=["year", "month", "org_level", "org_id", "metric", "value"])
    )
    rows = _with_zeros(conn, rows, year, month_now, bank_id)
    rows = pd.concat([rows, _increases(conn, year, month_now, rows)], ignore_index=True)
    conn.execute(
        delete(Actual).where(
            Actual.year == year, Actual.metric.in_(list(COMPUTED)), Actual.month.between(1, 12)
        )
    )
    conn.execute(
        delete(Actual).where(
            Actual.year == year, Actual.metric.in_(list(SNAPSHOT)), Actual.month == month_now
        )
    )
    if not rows.empty:
        conn.execute(insert(Actual), rows.to_dict("records"))
    run_id = conn.execute(
        insert(ActualRun).values(
            at=datetime.now(),
            user_id=user_id,
            as_of=as_of,
            source="recompute",
            rows=len(rows),
            note=note,
        )
    ).inserted_primary_key[0]
    record(
        conn,
        user_id,
        "actuals_recompute",
        "actual_run",
        run_id,
        {"as_of": as_of, "rows": len(rows), "note": note},
    )
    return RecomputeResult(as_of, len(rows), time.perf_counter() - t0, int(run_id))


def record_run(
    conn: Connection,
    as_of: date,
    source: str,
    rows: int,
    user_id: int | None = None,
    note: str | None = None,
) -> None:
    """Note an import (or the seed) of actuals in ``actual_run``."""
    conn.execute(
        insert(ActualRun).values(
            at=datetime.now(), user_id=user_id, as_of=as_of, source=source, rows=rows, note=note
        )
    )
    record(
        conn,
        user_id,
        f"actuals_{source}",
        "actual_run",
        None,
        {"as_of": as_of, "rows": rows, "note": note},
    )
