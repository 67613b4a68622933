"""Targets against actuals (定责, 进度明): completion against time progress, status, rank,
lag warnings, the monthly trend and a run-rate forecast.

Time progress (序时进度) of a date is the share of its period elapsed, counting the date
itself: 1 January is 1/365 of the year, 31 December 365/365 (366 in a leap year). How a
metric's months add up depends on its kind (see ``core.performance.metrics``):

* flow: completion = actual of the period to date / target of the period, compared with
  time progress;
* stock (balances): completion = increase since the end of the previous period / targeted
  increase, compared with time progress (so a balance is judged like its increase);
* rate: completion = actual level / target level, compared with 100 %.

The status is the lead of completion over what is due (``lead_pts``): ahead from
``+a`` points, on track from ``-b``, lagging from ``-c``, seriously lagging below, with
``a, b, c`` the ``GM_PROGRESS_BANDS`` setting. For a lower-is-better metric (NPL ratio) the
lead is inverted: 110 % of an NPL ceiling is 10 points behind.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import Engine, case, func, select

from core import config
from core.db import read_frame
from core.models import Actual, ActualRun, Branch, Manager, Target, TargetChange
from core.scope import Scope

MAP_METRIC = "deposit_increase"  # the completion the grid map colours by
TABLE_COLUMNS = (  # the progress table, one row per org unit and metric
    "org_level", "org_id", "name", "branch_id", "metric", "target", "actual", "base",
    "completion_pct", "due_pct", "time_pct", "lead_pts", "gap", "behind", "status", "rank",
)  # fmt: skip
PERIODS = ("year", "quarter", "month")
STATUSES = ("ahead", "on_track", "lagging", "serious")
LAGGING = ("lagging", "serious")


# ---- time progress -------------------------------------------------------------------


def period_bounds(day: date, period: str) -> tuple[date, date]:
    """First and last day of the year, quarter or month holding ``day``.

    Examples
    --------
    >>> period_bounds(date(2028, 2, 10), "month")
    (datetime.date(2028, 2, 1), datetime.date(2028, 2, 29))
    >>> period_bounds(date(2026, 5, 15), "quarter")
    (datetime.date(2026, 4, 1), datetime.date(2026, 6, 30))
    """
    if period == "year":
        return date(day.year, 1, 1), date(day.year, 12, 31)
    if period == "quarter":
        first = 3 * ((day.month - 1) // 3) + 1
        last = first + 2
        return date(day.year, first, 1), date(
            day.year, last, calendar.monthrange(day.year, last)[1]
        )
    if period == "month":
        return (
            date(day.year, day.month, 1),
            date(day.year, day.month, calendar.monthrange(day.year, day.month)[1]),
        )
    raise ValueError(f"unknown period {period!r}: one of {', '.join(PERIODS)}")


def period_months(day: date, period: str) -> tuple[int, int]:
    """First and last month (1-12) of the period holding ``day``."""
    first, last = period_bounds(day, period)
    return first.month, last.month


def time_progress(day: date, period: str = "year") -> float:
    """序时进度: the share (0-1) of ``day``'s period elapsed, ``day`` included.

    Examples
    --------
    >>> round(time_progress(date(2026, 7, 2)), 4)  # day 183 of 365
    0.5014
    >>> time_progress(date(2028, 2, 29), "month")
    1.0
    """
    first, last = period_bounds(day, period)
    return ((day - first).days + 1) / ((last - first).days + 1)


def bands() -> tuple[float, float, float]:
    """The ``GM_PROGRESS_BANDS`` setting: (ahead from +a, on track from -b, lagging from -c)."""
    a, b, c = config.get("GM_PROGRESS_BANDS")
    return float(a), float(b), float(c)


def status_of(
    completion: float,
    required: float,
    higher_is_better: bool = True,
    band: tuple[float, float, float] | None = None,
) -> str | None:
    """Status of a completion (percent) against what is due (percent).

    Examples
    --------
    >>> status_of(95.0, 89.0, band=(5, 5, 15)), status_of(80.0, 89.0, band=(5, 5, 15))
    ('ahead', 'lagging')
    >>> status_of(110.0, 100.0, higher_is_better=False, band=(5, 5, 15))  # NPL over ceiling
    'lagging'
    """
    if completion is None or not np.isfinite(completion):
        return None
    lead = completion - required if higher_is_better else required - completion
    return _status(np.array([lead]), band or bands())[0]


def _status(lead: np.ndarray, band: tuple[float, float, float]) -> np.ndarray:
    a, b, c = band
    out = np.select([lead >= a, lead >= -b, lead >= -c], list(STATUSES[:3]), STATUSES[3])
    return np.where(np.isfinite(lead), out, None)


# ---- the data of a scope -------------------------------------------------------------


@dataclass(frozen=True)
class ProgressData:
    """What the progress page needs for one scope and year: small tables only."""

    year: int
    as_of: date  # the date the actuals are as of
    metrics: pd.DataFrame  # the catalogue, by code
    orgs: pd.DataFrame  # org_level, org_id, name, branch_id (the scope's units)
    targets: pd.DataFrame  # month (0 = year), org_level, org_id, metric, value; this year
    actuals: pd.DataFrame  # year, month, org_level, org_id, metric, value; this and last year


def latest_year(engine: Engine) -> int | None:
    """The newest year that has targets (None before any are set)."""
    with engine.connect() as conn:
        return conn.execute(select(func.max(Target.year))).scalar()


def actuals_as_of(engine: Engine) -> date | None:
    """The date the actuals are as of: of the newest recomputation (imports of single
    metrics do not move it), else of the newest import."""
    with engine.connect() as conn:
        value = (
            conn.execute(
                select(func.max(ActualRun.as_of)).where(ActualRun.source == "recompute")
            ).scalar()
            or conn.execute(select(func.max(ActualRun.as_of))).scalar()
        )
    return date.fromisoformat(value) if isinstance(value, str) else value


def data_version(engine: Engine) -> tuple:
    """Changes whenever targets are saved or actuals computed (part of cache keys)."""
    with engine.connect() as conn:
        return (
            conn.execute(select(func.max(TargetChange.id))).scalar(),
            conn.execute(select(func.max(ActualRun.id))).scalar(),
        )


def load_orgs(engine: Engine, scope: Scope) -> pd.DataFrame:
    """The org units of ``scope``: the bank (head office), branches, managers.

    Columns: org_level, org_id, code, name, branch_id (a branch: itself; the bank: 0).
    """
    # a manager sees no branch figures, only their own
    branch_rows = scope.where(Branch.id) if scope.role != "manager" else Branch.id.is_(None)
    with engine.connect() as conn:
        branches = read_frame(
            conn,
            select(Branch.id.label("org_id"), Branch.code, Branch.name)
            .where(branch_rows)
            .order_by(Branch.id),
        )
        managers = read_frame(
            conn,
            select(Manager.id.label("org_id"), Manager.code, Manager.name, Manager.branch_id)
            .where(scope.where(Manager.branch_id, Manager.id))
            .order_by(Manager.id),
        )
        bank = conn.execute(select(func.min(Branch.bank_id))).scalar() or 1
    frames = [
        branches.assign(org_level="branch", branch_id=branches["org_id"]),
        managers.assign(org_level="manager"),
    ]
    if scope.role == "hq":
        frames.insert(
            0,
            pd.DataFrame(
                [{"org_level": "bank", "org_id": int(bank), "code": "", "name": "", "branch_id": 0}]
            ),
        )
    out = pd.concat(frames, ignore_index=True)
    out["org_id"] = out["org_id"].astype(int)
    out["branch_id"] = out["branch_id"].astype(int)
    return out[["org_level", "org_id", "code", "name", "branch_id"]]


def load_progress(
    engine: Engine, scope: Scope, year: int | None = None, as_of: date | None = None
) -> ProgressData:
    """Targets of ``year`` and actuals of ``year`` and the year before, for ``scope``.

    ``year`` defaults to the year of the newest actuals (else the newest targets, else
    this year); ``as_of`` to the date of the newest actuals (else today).
    """
    from core.performance.metrics import load_metrics

    as_of = as_of or actuals_as_of(engine) or date.today()
    year = year or as_of.year
    where_t = scope.where_org(Target.org_level, Target.org_id)
    where_a = scope.where_org(Actual.org_level, Actual.org_id)
    with engine.connect() as conn:
        targets = read_frame(
            conn,
            select(
                Target.month, Target.org_level, Target.org_id, Target.metric, Target.value
            ).where(Target.year == year, where_t),
        )
        actuals = read_frame(
            conn,
            select(
                Actual.year,
                Actual.month,
                Actual.org_level,
                Actual.org_id,
                Actual.metric,
                Actual.value,
            ).where(Actual.year.in_([year - 1, year]), Actual.month > 0, where_a),
        )
    return ProgressData(
        year, as_of, load_metrics(engine), load_orgs(engine, scope), targets, actuals
    )


# ---- the progress table --------------------------------------------------------------


def _wide(frame: pd.DataFrame, months: range) -> pd.DataFrame:
    keys = ["org_level", "org_id", "metric"]
    if frame.empty:
        return pd.DataFrame(
            columns=list(months), index=pd.MultiIndex.from_tuples([], names=keys), dtype=float
        )
    out = frame.pivot_table(index=keys, columns="month", values="value", aggfunc="sum")
    return out.reindex(columns=list(months)).astype(float)


def _day_in_year(data: ProgressData) -> tuple[date, int]:
    """The as-of date clamped into the year, and the months of the year with actuals."""
    if data.as_of.year > data.year:
        return date(data.year, 12, 31), 12
    if data.as_of.year < data.year:
        return date(data.year, 1, 1), 0
    return data.as_of, data.as_of.month


def progress_table(data: ProgressData, period: str = "year") -> pd.DataFrame:
    """One row per org unit and metric with a target: where it stands in ``period``.

    Columns: org_level, org_id, name, branch_id, metric, target, actual, base (stock
    metrics: the balance at the end of the previous period), completion_pct, due_pct (what
    is due: time progress, or 100 for rates), time_pct, lead_pts, gap (still to do to the
    target, in the metric's unit; negative: beyond it), behind (how far the actual is behind
    time progress, in the unit; negative: ahead), status, rank (within its level and
    metric, 1 = best).
    """
    day, month_now = _day_in_year(data)
    first, last = period_months(day, period)
    tp = time_progress(day, period) if month_now else 0.0
    t = _wide(data.targets, range(0, 13))
    if t.empty:
        return pd.DataFrame(columns=list(TABLE_COLUMNS))
    this = data.actuals[data.actuals["year"] == data.year]
    a = _wide(this, range(1, 13)).reindex(t.index)
    last_dec = (
        data.actuals[(data.actuals["year"] == data.year - 1) & (data.actuals["month"] == 12)]
        .set_index(["org_level", "org_id", "metric"])["value"]
        .reindex(t.index)
    )
    meta = data.metrics.reindex(t.index.get_level_values("metric"))
    kind = meta["kind"].to_numpy()
    higher = meta["higher_is_better"].fillna(True).to_numpy(dtype=bool)

    in_period = [m for m in range(first, last + 1)]
    to_date = [m for m in in_period if m <= month_now]
    annual = t[0].where(t[0].notna(), t[list(range(1, 13))].sum(axis=1, min_count=1))
    flow_target = annual if period == "year" else t[in_period].sum(axis=1, min_count=1)
    flow_actual = a[to_date].sum(axis=1) if to_date else pd.Series(0.0, index=t.index)
    filled = a.ffill(axis=1)
    latest = filled[month_now] if month_now else pd.Series(np.nan, index=t.index)
    end_target = annual if last == 12 else t[last]
    rate_target = t[month_now].fillna(annual) if month_now else annual
    base = last_dec if first == 1 else filled[first - 1]

    target = np.select(
        [kind == "flow", kind == "stock"], [flow_target, end_target], rate_target
    ).astype(float)
    actual = np.select([kind == "flow"], [flow_actual], latest).astype(float)
    base = np.where(kind == "stock", base.to_numpy(dtype=float), np.nan)
    inc_target = target - base
    by_increase = (kind == "stock") & np.isfinite(base) & (inc_target > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        plain = np.where(target > 0, 100.0 * actual / target, np.nan)
        completion = np.where(by_increase, 100.0 * (actual - base) / inc_target, plain)
    due = np.where((kind == "flow") | by_increase, 100.0 * tp, 100.0)
    lead = np.where(higher, completion - due, due - completion)
    gap = np.where(higher, target - actual, actual - target)
    behind = np.select(
        [kind == "flow", by_increase], [target * tp - actual, base + inc_target * tp - actual], gap
    )
    out = pd.DataFrame(
        {
            "target": target,
            "actual": actual,
            "base": base,
            "completion_pct": np.round(completion, 1),
            "due_pct": np.round(due, 1),
            "time_pct": round(100 * tp, 1),
            "lead_pts": np.round(lead, 1),
            "gap": gap,
            "behind": behind,
        },
        index=t.index,
    ).reset_index()
    out.loc[kind == "rate", "time_pct"] = np.nan
    out["status"] = _status(out["lead_pts"].to_numpy(dtype=float), bands())
    out["rank"] = out.groupby(["org_level", "metric"])["lead_pts"].rank(
        ascending=False, method="min"
    )
    out = out.merge(
        data.orgs[["org_level", "org_id", "name", "branch_id"]],
        on=["org_level", "org_id"],
        how="inner",
    )
    order = {code: i for i, code in enumerate(data.metrics.index)}
    level_order = {"bank": 0, "branch": 1, "manager": 2}
    out = out.sort_values(
        ["org_level", "metric", "rank"],
        key=lambda s: (
            s.map(level_order)
            if s.name == "org_level"
            else s.map(order)
            if s.name == "metric"
            else s
        ),
        kind="stable",
    )
    return out[list(TABLE_COLUMNS)].reset_index(drop=True)


def lag_warnings(
    table: pd.DataFrame, levels: tuple[str, ...] = ("branch", "manager")
) -> pd.DataFrame:
    """滞后预警: the rows of ``table`` lagging or seriously lagging, furthest behind first."""
    rows = table[table["status"].isin(LAGGING) & table["org_level"].isin(levels)]
    return rows.sort_values(["lead_pts", "org_level"], kind="stable").reset_index(drop=True)


# ---- trend and forecast --------------------------------------------------------------


def unit_series(data: ProgressData, org_level: str, org_id: int) -> dict[str, pd.DataFrame]:
    """Month by month for one unit, every metric with a target: target, actual (to the
    as-of month) and, for flows, their running totals (cum_target, cum_actual; stocks and
    rates: the values). One filter of the scope's tables, then a pivot."""
    _, month_now = _day_in_year(data)
    t = data.targets[
        (data.targets["org_level"] == org_level)
        & (data.targets["org_id"] == org_id)
        & (data.targets["month"] > 0)
    ]
    a = data.actuals[
        (data.actuals["year"] == data.year)
        & (data.actuals["org_level"] == org_level)
        & (data.actuals["org_id"] == org_id)
    ]
    months = list(range(1, 13))
    tw = t.pivot_table(index="month", columns="metric", values="value").reindex(months)
    aw = a.pivot_table(index="month", columns="metric", values="value").reindex(months)
    out = {}
    for metric in tw.columns:
        s = pd.DataFrame({"month": months, "target": tw[metric].to_numpy(dtype=float)})
        actual = aw[metric] if metric in aw else pd.Series(float("nan"), index=months)
        s["actual"] = actual.where(actual.index <= month_now).to_numpy(dtype=float)
        if data.metrics.loc[metric, "kind"] == "flow":
            s["cum_target"] = s["target"].cumsum()
            s["cum_actual"] = s["actual"].cumsum().where(s["actual"].notna())
        else:
            s["cum_target"], s["cum_actual"] = s["target"], s["actual"]
        out[metric] = s
    return out


def monthly_series(data: ProgressData, org_level: str, org_id: int, metric: str) -> pd.DataFrame:
    """``unit_series`` of one metric (all NaN when the unit has no target for it)."""
    series = unit_series(data, org_level, org_id)
    if metric in series:
        return series[metric]
    return pd.DataFrame(
        {
            "month": range(1, 13),
            **{c: float("nan") for c in ("target", "actual", "cum_target", "cum_actual")},
        }
    )


@dataclass(frozen=True)
class Forecast:
    """A run-rate forecast to year end (a flow, or a balance's increase)."""

    year_end: float  # projected total (flows) or balance (stocks) on 31 December
    target: float  # the annual target
    pct: float  # year_end against target, percent
    miss_month: int | None  # from this month on the plan is missed for good at this pace
    per_day: float  # the pace: actual to date / days elapsed


def forecast(monthly_targets, monthly_actuals, as_of: date, base: float = 0.0) -> Forecast:
    """Run-rate forecast: this year's pace so far, carried on to 31 December.

    ``monthly_targets`` are the 12 planned amounts, ``monthly_actuals`` the actual amounts
    of January up to the as-of month (the last one partial). The projection at the end of
    month m is the actual to date plus the daily pace times the days from ``as_of`` to the
    end of m. ``miss_month`` is the first month from which the projection stays below the
    running plan through December (None when the year-end plan is reached). For a balance
    give its increases and the base; ``year_end`` then is the balance.

    Examples
    --------
    >>> f = forecast([100] * 12, [90, 90, 90], date(2026, 3, 31))
    >>> round(f.year_end), f.miss_month
    (1095, 3)
    """
    targets = np.asarray(monthly_targets, dtype=float)
    done = float(np.nansum(np.asarray(monthly_actuals, dtype=float)))
    elapsed = (as_of - date(as_of.year, 1, 1)).days + 1
    per_day = done / elapsed
    plan = np.cumsum(targets)
    months = range(as_of.month, 13)
    projected = {
        m: done
        + per_day * (date(as_of.year, m, calendar.monthrange(as_of.year, m)[1]) - as_of).days
        for m in months
    }
    short = [projected[m] < plan[m - 1] - 1e-9 for m in months]
    miss = None
    if short[-1]:
        miss = 12
        for m, s in zip(reversed(list(months)), reversed(short), strict=False):
            if not s:
                break
            miss = m
    annual = float(plan[-1])
    pct = 100.0 * projected[12] / annual if annual > 0 else float("nan")
    return Forecast(base + projected[12], base + annual, round(pct, 1), miss, per_day)


def forecast_table(data: ProgressData, org_level: str, org_id: int) -> pd.DataFrame:
    """A run-rate forecast per flow and stock metric of one unit.

    Columns: metric, year_end, target, pct, miss_month (None: on course).
    """
    day, month_now = _day_in_year(data)
    rows = []
    if not month_now:
        return pd.DataFrame(columns=["metric", "year_end", "target", "pct", "miss_month"])
    series = unit_series(data, org_level, org_id)
    last_dec = data.actuals[
        (data.actuals["year"] == data.year - 1)
        & (data.actuals["month"] == 12)
        & (data.actuals["org_level"] == org_level)
        & (data.actuals["org_id"] == org_id)
    ].set_index("metric")["value"]
    for code, meta in data.metrics.iterrows():
        if meta["kind"] == "rate" or not meta["higher_is_better"] or code not in series:
            continue
        s = series[code]
        annual = s["target"].iloc[-1] if meta["kind"] == "stock" else s["target"].sum()
        if s["target"].isna().all() or not annual > 0:
            continue
        actual = s["actual"].iloc[:month_now]
        target = s["target"]
        base = 0.0
        if meta["kind"] == "stock":  # forecast the increase over last December's balance
            if code not in last_dec.index:
                continue
            base = float(last_dec[code])
            actual = np.diff(np.r_[base, actual.ffill().fillna(base).to_numpy()])
            target = np.diff(np.r_[base, target.ffill().fillna(base).to_numpy()])
        else:
            actual = actual.fillna(0.0).to_numpy()
            target = target.fillna(0.0).to_numpy()
        f = forecast(target, actual, day, base)
        rows.append(
            {
                "metric": code,
                "year_end": f.year_end,
                "target": f.target,
                "pct": f.pct,
                "miss_month": f.miss_month,
            }
        )
    return pd.DataFrame(rows, columns=["metric", "year_end", "target", "pct", "miss_month"])


# ---- the map's completion ------------------------------------------------------------


def year_completion(engine: Engine, metric: str, year: int | None = None) -> dict[str, pd.Series]:
    """Actual to date against the annual target, in percent, per branch and per manager
    (a flow metric: the months' actuals are summed).

    Returns ``{"branch": Series, "manager": Series}`` indexed by org id; an org unit without
    an annual target (or a zero one) is missing.
    """
    year = year if year is not None else latest_year(engine)
    out = {"branch": pd.Series(dtype=float), "manager": pd.Series(dtype=float)}
    if year is None:
        return out
    annual = func.sum(case((Target.month == 0, Target.value), else_=0.0))
    with engine.connect() as conn:
        targets = conn.execute(
            select(Target.org_level, Target.org_id, annual)
            .where(Target.year == year, Target.metric == metric, Target.org_level.in_(list(out)))
            .group_by(Target.org_level, Target.org_id)
        ).all()
        actuals = conn.execute(
            select(Actual.org_level, Actual.org_id, func.sum(Actual.value))
            .where(
                Actual.year == year,
                Actual.metric == metric,
                Actual.month > 0,
                Actual.org_level.in_(list(out)),
            )
            .group_by(Actual.org_level, Actual.org_id)
        ).all()
    done = {(level, org): value for level, org, value in actuals}
    for level in out:
        rows = {
            org: 100.0 * done.get((level, org), 0.0) / target
            for lvl, org, target in targets
            if lvl == level and target
        }
        out[level] = pd.Series(rows, dtype=float).round(1)
    return out
