"""The manager's week as pure functions: route, route quality, priority, authenticity.

``python -m benchmarks --only route`` runs it; no database (the planner page's queries are
measured with the page). Synthetic inputs, seeded, shaped like the demo county:

* **Weeks**: an outlet and 36 stops, in 3-6 villages 2-15 km away (hamlets of ~300 m) plus
  a fifth spread over 12 km. ``core.visits.route.plan_week`` (5 days) is timed on ``weeks`` seeds,
  median and max, after one untimed warm-up call (as every timing here).
* **Quality** against exact answers where they exist (``core.visits.optimum``): each of those
  weeks' day tours against Held-Karp; 50 single tours of 5-12 stops (``solve_tour``)
  against Held-Karp; 50 small weeks (9-12 stops in 2-4 days) against the exact week.
  Where none exists: 36 stops in one tour against the best of ``restarts`` local searches
  from random tours (2-opt only, and 2-opt + Or-opt); and each 36-stop week against the
  best of ``week_restarts`` runs of ``core.visits.day_exchange.improve_days`` from random splits.
* **The yardstick and the pricer**: ``held_karp`` at ``HELD_KARP_MAX`` stops (the largest
  exact tour ``core.visits.optimum`` allows), median and max of ``repeats``; and pricing one
  day of ``DAY_STOPS`` stops as the week planner does it thousands of times, ``quick_tour``
  (plain Python) against ``nearest_neighbour`` + ``improve(or_opt=False)`` (numpy), median
  time per call.
* **Priority**: ``core.visits.priority.score_customers`` on 3,000 customers (a manager's book:
  tiers 5/20/75 %, statuses 47/20/33 %, log-normal money, 45 % mobile banking...) and
  ``pick_week``, median and max of ``repeats``.
* **Authenticity**: ``core.visits.authenticity.flag_visits`` on 60,000 visits (75 managers, a
  year of working days, 3-4 visits a day, 30 % by phone, check-ins 50-300 m off, with a
  few planted far check-ins, bursts and copied positions), median and max of ``repeats``.

Gaps are (heuristic / reference - 1); negative means the heuristic beat the reference.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from core.visits.authenticity import RULES, flag_visits, summarize_flags
from core.visits.day_exchange import improve_days
from core.visits.optimum import HELD_KARP_MAX, held_karp, optimal_week
from core.visits.priority import pick_week, score_customers
from core.visits.route import day_sizes, plan_week
from core.visits.tour import (
    improve,
    nearest_neighbour,
    quick_tour,
    random_restarts,
    solve_tour,
    tour_length,
)
from geo.distance import distance_matrix

OUTLET = (107.0, 25.8)
M_PER_DEG = 111_195.0
DAY_STOPS = 8  # a day of a 36-stop week in 5 days
TARGETS = {"route_ms": 200.0, "gap_pct": 5.0, "priority_ms": 50.0, "flags_ms": 1000.0}


def bench_stops(seed: int, n: int) -> pd.DataFrame:
    """``n`` stops around ``OUTLET``: villages of hamlets, and some spread out."""
    rng = np.random.default_rng(seed)
    villages = rng.integers(3, 7)
    bearing = rng.uniform(0, 2 * np.pi, villages)
    radius = rng.uniform(2_000, 15_000, villages)
    centres = np.c_[radius * np.sin(bearing), radius * np.cos(bearing)]
    spread = rng.random(n) < 0.2
    xy = centres[rng.integers(0, villages, n)] + rng.normal(0, 300, (n, 2))
    xy[spread] = rng.uniform(-12_000, 12_000, (int(spread.sum()), 2))
    lon = OUTLET[0] + xy[:, 0] / (M_PER_DEG * np.cos(np.radians(OUTLET[1])))
    lat = OUTLET[1] + xy[:, 1] / M_PER_DEG
    return pd.DataFrame({"id": np.arange(1, n + 1), "lon": lon, "lat": lat})


def _matrix(stops: pd.DataFrame) -> np.ndarray:
    return distance_matrix(np.r_[OUTLET[0], stops["lon"]], np.r_[OUTLET[1], stops["lat"]])


def bench_customers(n: int, seed: int = 1) -> pd.DataFrame:
    """A manager's book of ``n`` customers (see the module docstring)."""
    rng = np.random.default_rng(seed)
    kind = rng.choice(["individual", "merchant", "corporate"], n, p=[0.945, 0.04, 0.015])
    money = np.exp(rng.normal(np.log(4_000), 1.9, n))
    visited = pd.Timestamp("2026-11-23") - pd.to_timedelta(rng.integers(0, 500, n), unit="D")
    return pd.DataFrame(
        {
            "id": np.arange(1, n + 1),
            "tier": np.select([money >= 200_000, money >= 50_000], ["high", "core"], "basic"),
            "status": rng.choice(["active", "dormant", "potential"], n, p=[0.47, 0.20, 0.33]),
            "last_visit_on": pd.Series(visited).where(rng.random(n) > 0.3),
            "aum": money,
            "deposit_balance": money * 0.9,
            "other_bank_deposit": np.where(rng.random(n) < 0.4, money * rng.uniform(0.3, 1, n), 0),
            "has_mobile_banking": rng.random(n) < 0.45,
            "has_acquiring": rng.random(n) < 0.3,
            "has_etc": rng.random(n) < 0.04,
            "has_debit_card": rng.random(n) < 0.97,
            "kind": kind,
            "age": np.where(kind == "individual", rng.integers(18, 90, n), np.nan),
            "days_to_maturity": np.where(rng.random(n) < 0.15, rng.integers(0, 365, n), np.nan),
            "is_migrant": rng.random(n) < 0.1,
            "in_campaign": rng.random(n) < 0.1,
            "credit_line": np.where(rng.random(n) < 0.6, rng.choice([5e4, 1.5e5, 2.5e5], n), 0.0),
            "loan_balance": np.where(rng.random(n) < 0.3, rng.uniform(0, 1e5, n), 0.0),
        }
    )


def bench_visits(n: int = 60_000, managers: int = 75, seed: int = 2) -> pd.DataFrame:
    """A bank-year of visits (see the module docstring)."""
    rng = np.random.default_rng(seed)
    days = pd.bdate_range("2026-01-01", "2026-12-31")
    manager = rng.integers(0, managers, n)
    day = rng.integers(0, len(days), n)
    order = np.lexsort((rng.random(n), day, manager))
    manager, day = manager[order], day[order]
    first = np.r_[True, (manager[1:] != manager[:-1]) | (day[1:] != day[:-1])]
    gap = np.where(first, rng.uniform(0, 60, n), rng.uniform(30, 90, n))  # minutes
    group = np.cumsum(first) - 1
    minutes = 8.5 * 60 + np.cumsum(gap) - (np.cumsum(gap) - gap)[first][group]
    at = days.values[day] + (minutes * 60).astype("timedelta64[s]")
    home = rng.uniform(-0.25, 0.25, (managers, 2))  # each manager's grid
    cust = home[manager] + rng.normal(0, 0.02, (n, 2)) + [OUTLET[0], OUTLET[1]]
    off, ang = rng.uniform(50, 300, n), rng.uniform(0, 2 * np.pi, n)
    far = rng.random(n) < 0.01
    off[far] = rng.uniform(800, 3_000, int(far.sum()))
    lon = cust[:, 0] + off * np.cos(ang) / (M_PER_DEG * np.cos(np.radians(OUTLET[1])))
    lat = cust[:, 1] + off * np.sin(ang) / M_PER_DEG
    copied = np.flatnonzero(rng.random(n) < 0.003)  # a check-in reused for the next visit
    copied = copied[copied + 1 < n]
    lon[copied + 1], lat[copied + 1] = lon[copied], lat[copied]
    burst = np.flatnonzero(rng.random(n) < 0.002)
    burst = burst[(burst + 2 < n)]
    for k in (1, 2):  # two more visits logged within minutes
        at[burst + k] = at[burst] + np.timedelta64(2 * k, "m")
        manager[burst + k] = manager[burst]
    phone = rng.random(n) < 0.3
    lon[phone], lat[phone] = np.nan, np.nan
    return pd.DataFrame(
        {
            "visit_id": np.arange(1, n + 1),
            "manager_id": manager + 1,
            "customer_id": rng.integers(1, 230_000, n),
            "visited_at": at,
            "lon": lon,
            "lat": lat,
            "customer_lon": cust[:, 0],
            "customer_lat": cust[:, 1],
        }
    )


def _timed(fn, repeats: int) -> tuple[list[float], object]:
    """Milliseconds of ``repeats`` calls after one untimed warm-up call, and the result."""
    times, result = [], fn()
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t0) * 1000)
    return times, result


def _per_call_us(fn, repeats: int, calls: int = 200) -> float:
    """Median over ``repeats`` batches of microseconds per call of ``fn`` (after a warm-up)."""
    fn()
    batches = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(calls):
            fn()
        batches.append((time.perf_counter() - t0) / calls * 1e6)
    return statistics.median(batches)


def _gap(value: float, reference: float) -> float:
    return (value / reference - 1) * 100


@dataclass
class RouteReport:
    """What ``run_route_priority`` measured (times in ms, gaps in %)."""

    weeks: int
    restarts: int
    week_restarts: int
    route_ms: list[float] = field(default_factory=list)
    week_km: list[float] = field(default_factory=list)
    day_gaps: list[float] = field(default_factory=list)
    tour_gaps: list[float] = field(default_factory=list)
    small_week_gaps: list[float] = field(default_factory=list)
    one_tour_gaps_2opt: list[float] = field(default_factory=list)
    one_tour_gaps: list[float] = field(default_factory=list)
    week_gaps: list[float] = field(default_factory=list)
    held_karp_ms: list[float] = field(default_factory=list)
    quick_tour_us: float | None = None
    improve_us: float | None = None
    priority_ms: list[float] = field(default_factory=list)
    pick_ms: list[float] = field(default_factory=list)
    flags_ms: list[float] = field(default_factory=list)
    flags: dict[str, int] = field(default_factory=dict)
    flagged_managers: int = 0


def run_route_priority(
    weeks: int = 20, restarts: int = 50, week_restarts: int = 10, repeats: int = 5, log=print
) -> RouteReport:
    """Run every measurement of the module docstring; ``log`` gets progress lines."""
    r = RouteReport(weeks, restarts, week_restarts)
    log(f"route: {weeks} weeks of 36 stops")
    plan_week(OUTLET, bench_stops(weeks, 36), days=5)  # warm-up, untimed
    for seed in range(weeks):
        stops = bench_stops(seed, 36)
        dist = _matrix(stops)
        t0 = time.perf_counter()
        week = plan_week(OUTLET, stops, days=5)
        r.route_ms.append((time.perf_counter() - t0) * 1000)
        r.week_km.append(week.total_km)
        for _, part in week.stops.groupby("day"):
            ids = np.r_[0, part["id"].to_numpy()]  # stop id k is node k
            sub = dist[np.ix_(ids, ids)]
            r.day_gaps.append(_gap(tour_length(sub, np.arange(len(ids))), held_karp(sub)[1]))
        one = tour_length(dist, solve_tour(dist))
        r.one_tour_gaps_2opt.append(
            _gap(one, random_restarts(dist, restarts, seed, or_opt=False)[1])
        )
        r.one_tour_gaps.append(_gap(one, random_restarts(dist, restarts, seed)[1]))
        rng, sizes = np.random.default_rng(seed), day_sizes(36, 5)
        best = min(
            sum(
                tour_length(dist, t)
                for t in improve_days(
                    dist, np.split(1 + rng.permutation(36), np.cumsum(sizes)[:-1]), seed=k
                )
            )
            for k in range(week_restarts)
        )
        r.week_gaps.append(_gap(week.total_km * 1000, best))
    log("route: 50 single tours and 50 small weeks against the exact answers")
    for seed in range(50):
        dist = _matrix(bench_stops(1000 + seed, 5 + seed % 8))
        r.tour_gaps.append(_gap(tour_length(dist, solve_tour(dist)), held_karp(dist)[1]))
        n, days = [(9, 3), (10, 2), (11, 3), (12, 3), (12, 4)][seed % 5]
        stops = bench_stops(2000 + seed, n)
        exact, _ = optimal_week(_matrix(stops), day_sizes(n, days))
        r.small_week_gaps.append(_gap(plan_week(OUTLET, stops, days=days).total_km * 1000, exact))
    log(f"route: Held-Karp at {HELD_KARP_MAX} stops; pricing a day of {DAY_STOPS} stops")
    exact = _matrix(bench_stops(3000, HELD_KARP_MAX))
    r.held_karp_ms, _ = _timed(lambda: held_karp(exact), repeats)
    day = _matrix(bench_stops(3001, DAY_STOPS))
    rows, day_stops = day.tolist(), list(range(1, DAY_STOPS + 1))
    r.quick_tour_us = _per_call_us(lambda: quick_tour(rows, day_stops), repeats)
    r.improve_us = _per_call_us(lambda: improve(day, nearest_neighbour(day), or_opt=False), repeats)
    log("priority: 3,000 customers")
    customers = bench_customers(3_000)
    r.priority_ms, ranked = _timed(lambda: score_customers(customers, "2026-11-23"), repeats)
    r.pick_ms, _ = _timed(lambda: pick_week(ranked), repeats)
    log("authenticity: 60,000 visits")
    visits = bench_visits()
    r.flags_ms, flags = _timed(lambda: flag_visits(visits), repeats)
    r.flags = {rule: int((flags["rule"] == rule).sum()) for rule in RULES}
    r.flagged_managers = int((summarize_flags(flags, visits)["flagged_visits"] > 0).sum())
    return r


def _mean_max(values: list[float]) -> str:
    return f"{statistics.fmean(values):.2f} / {max(values):.2f}" if values else "-"


def _median_max(values: list[float]) -> str:
    return f"{statistics.median(values):.1f} / {max(values):.1f}" if values else "-"


def _ok(value: float | None, target: float) -> str:
    return "" if value is None else (" ✓" if value <= target else " ✗")


def tables(r: RouteReport) -> str:
    """The report as one Markdown table."""
    worst_gap = max(r.day_gaps + r.tour_gaps + r.small_week_gaps, default=None)
    rows = [
        [
            f"route, 36 stops in 5 days: median / max of {r.weeks} weeks (ms)",
            _median_max(r.route_ms),
            f"≤ {TARGETS['route_ms']:.0f}"
            + _ok(max(r.route_ms, default=None), TARGETS["route_ms"]),
        ],
        ["· week length: median / max (km)", _median_max(r.week_km), ""],
        [
            f"· their {len(r.day_gaps)} day tours vs Held-Karp (exact): mean / max gap (%)",
            _mean_max(r.day_gaps),
            f"≤ {TARGETS['gap_pct']:.0f}" + _ok(worst_gap, TARGETS["gap_pct"]),
        ],
        [
            "single tours, 5-12 stops, vs Held-Karp: mean / max gap over 50 (%)",
            _mean_max(r.tour_gaps),
            "",
        ],
        [
            "weeks of 9-12 stops in 2-4 days vs the exact week: mean / max gap over 50 (%)",
            _mean_max(r.small_week_gaps),
            "",
        ],
        [
            f"36 stops in one tour vs best of {r.restarts} random-restart 2-opt runs: "
            "mean / max gap (%)",
            _mean_max(r.one_tour_gaps_2opt),
            "",
        ],
        [
            f"36 stops in one tour vs best of {r.restarts} random-restart 2-opt + Or-opt runs: "
            "mean / max gap (%)",
            _mean_max(r.one_tour_gaps),
            "",
        ],
        [
            f"36-stop weeks vs best of {r.week_restarts} week searches from random splits: "
            "mean / max gap (%)",
            _mean_max(r.week_gaps),
            "",
        ],
        [
            f"Held-Karp (exact tour) at its limit of {HELD_KARP_MAX} stops: median / max (ms)",
            _median_max(r.held_karp_ms),
            "",
        ],
        [
            f"price a day of {DAY_STOPS} stops: quick_tour (plain Python) / nearest neighbour + "
            "2-opt (numpy `improve`), per call (µs)",
            "-" if r.quick_tour_us is None else f"{r.quick_tour_us:.0f} / {r.improve_us:.0f}",
            "",
        ],
        [
            "priority score, 3,000 customers: median / max (ms)",
            _median_max(r.priority_ms),
            f"≤ {TARGETS['priority_ms']:.0f}"
            + _ok(
                statistics.median(r.priority_ms) if r.priority_ms else None, TARGETS["priority_ms"]
            ),
        ],
        ["· pick_week, top 36: median / max (ms)", _median_max(r.pick_ms), ""],
        [
            "authenticity flags, 60,000 visits: median / max (ms)",
            _median_max(r.flags_ms),
            f"< {TARGETS['flags_ms']:.0f}"
            + _ok(max(r.flags_ms, default=None), TARGETS["flags_ms"]),
        ],
        ["· flags: " + ", ".join(RULES), " / ".join(f"{r.flags.get(k, 0):,}" for k in RULES), ""],
        ["· managers with a flag", f"{r.flagged_managers} of 75", ""],
    ]
    lines = [
        "### The manager's week: route, priority, authenticity (pure functions)\n",
        "Synthetic seeded inputs (`benchmarks/route_priority.py`); gap = heuristic / "
        "reference - 1.\n",
        "| measure | value | target |",
        "| --- | ---: | ---: |",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"
