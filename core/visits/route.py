"""The manager's week: the chosen stops split into working days, each day a closed loop from
and back to the outlet, on straight-line (great-circle) distance.

``plan_week`` does it in three steps:

1. **Days.** The stops are put in two orders: by compass bearing from the outlet (a sweep)
   and along one short tour through all of them. Each order is cut into consecutive runs of
   the day sizes (balanced: they differ by one at most), trying every starting point and
   every arrangement of the longer and shorter days by dynamic programming, each run priced
   as its own tour (``core.visits.tour.quick_tour``: nearest neighbour and 2-opt, a close estimate).
2. **Exchanges.** From each cut, while that shortens the week: a stop moves to another day
   (only from a longer to a shorter one, so the sizes stay balanced) or two stops of
   different days swap, ranked by insertion estimates; when no such move helps, two days
   cut after one stop each and trade what follows (2-opt*), which moves a whole hamlet
   where single stops cannot. Every move is priced as tours before it is kept. The shorter
   of the two results is then shaken: 30 times, two random pairs of stops swap days, the
   exchanges run again, and the result is kept if shorter (a fixed seed: same input, same
   week; ``core.visits.day_exchange``).
3. **Tours.** Each day is ordered by ``core.visits.tour.solve_tour`` (nearest neighbour, 2-opt,
   Or-opt, iterated local search).

Everything is deterministic: the same outlet and stops in the same order give the same week.
Stops without usable coordinates are returned apart (``WeekRoute.unlocated``), never dropped
silently. ``core.visits.optimum.optimal_week`` is the exact answer for small weeks, the yardstick
of the tests and benchmarks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core import config
from core.visits.day_exchange import DayPricer, exchange, improve
from core.visits.tour import solve_tour
from geo.distance import distance_matrix, local_xy

REQUIRED_COLUMNS = ("id", "lon", "lat")
_EPS = 1e-6  # metres


@dataclass(frozen=True)
class WeekRoute:
    """A planned week.

    Attributes
    ----------
    stops : DataFrame
        One row per located stop in visiting order: ``day`` (1-based), ``seq`` (1-based
        within the day), the input columns (``id``, ``lon``, ``lat`` and any others), and
        ``leg_m``, metres from the previous point (the outlet for ``seq`` 1).
    days : DataFrame
        One row per day: ``day``, ``stops``, ``return_m`` (last stop back to the outlet) and
        ``km``, the day's whole loop.
    unlocated : DataFrame
        The input rows without usable coordinates, with ``reason``: ``missing`` (empty, not a
        number, or exactly 0, 0) or ``out_of_range``.
    """

    stops: pd.DataFrame
    days: pd.DataFrame
    unlocated: pd.DataFrame

    @property
    def total_km(self) -> float:
        """Kilometres of the whole week (every day's loop)."""
        return float(self.days["km"].sum())


def day_sizes(n: int, days: int, capacity: int | None = None) -> list[int]:
    """How many stops each day gets: ``ceil(n / capacity)`` days, sizes differing by one.

    Parameters
    ----------
    n : int
        Stops with coordinates.
    days : int
        Working days available.
    capacity : int, optional
        Most stops a day; default ``ceil(n / days)`` (all days used, as evenly as possible).
        A smaller capacity needs more days; a larger one packs the stops into fewer days.

    Raises
    ------
    ValueError
        When the stops do not fit: more than ``days * capacity``.

    Examples
    --------
    >>> day_sizes(36, 5)
    [8, 7, 7, 7, 7]
    >>> day_sizes(20, 5, capacity=7)
    [7, 7, 6]
    """
    if days < 1 or (capacity is not None and capacity < 1):
        raise ValueError(f"days and capacity must be at least 1, got {days} and {capacity}")
    if n == 0:
        return []
    capacity = math.ceil(n / days) if capacity is None else int(capacity)
    k = math.ceil(n / capacity)
    if k > days:
        raise ValueError(f"{n} stops do not fit in {days} days of at most {capacity}")
    return [n // k + (1 if i < n % k else 0) for i in range(k)]


def split_located(stops: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split stops into those with usable coordinates and the rest (with a ``reason``).

    Examples
    --------
    >>> s = pd.DataFrame({"id": [1, 2, 3], "lon": [107.1, None, 200.0],
    ...                   "lat": [25.8, 25.8, 25.8]})
    >>> ok, bad = split_located(s)
    >>> ok["id"].tolist(), bad[["id", "reason"]].values.tolist()
    ([1], [[2, 'missing'], [3, 'out_of_range']])
    """
    if not isinstance(stops, pd.DataFrame):
        raise TypeError(f"'stops' should be a DataFrame, got {type(stops).__name__}")
    missing_cols = [c for c in REQUIRED_COLUMNS if c not in stops.columns]
    if missing_cols:
        raise ValueError(f"stops: missing column(s) {', '.join(missing_cols)}")
    repeated = stops["id"][stops["id"].duplicated()].unique().tolist()
    if repeated:
        raise ValueError(f"stops: each id once, repeated: {repeated[:10]}")
    lon = pd.to_numeric(stops["lon"], errors="coerce").to_numpy(dtype=float)
    lat = pd.to_numeric(stops["lat"], errors="coerce").to_numpy(dtype=float)
    missing = ~(np.isfinite(lon) & np.isfinite(lat)) | ((lon == 0) & (lat == 0))
    out = ~missing & ((np.abs(lon) > 180) | (np.abs(lat) > 90))
    located = stops[~(missing | out)].assign(lon=lon[~(missing | out)], lat=lat[~(missing | out)])
    unlocated = stops[missing | out].assign(
        reason=np.where(missing, "missing", "out_of_range")[missing | out]
    )
    return located.reset_index(drop=True), unlocated.reset_index(drop=True)


def plan_week(
    outlet: tuple[float, float],
    stops: pd.DataFrame,
    days: int | None = None,
    capacity: int | None = None,
) -> WeekRoute:
    """Split the week's stops into days and order each day as a loop from the outlet.

    Parameters
    ----------
    outlet : (float, float)
        The outlet's (lon, lat), WGS-84 degrees.
    stops : DataFrame
        Columns ``id``, ``lon``, ``lat`` (WGS-84; NaN allowed) and any others, which are
        carried through. Ids must be unique.
    days : int, optional
        Working days (default: setting ``GM_WORK_DAYS``).
    capacity : int, optional
        Most stops a day (default: ``ceil(stops / days)``); see ``day_sizes``.

    Returns
    -------
    WeekRoute

    Raises
    ------
    TypeError, ValueError
        Bad input: not a DataFrame, a missing column, repeated ids, bad outlet coordinates,
        or more stops than the days can hold.

    Examples
    --------
    >>> s = pd.DataFrame({"id": [1, 2, 3, 4, 5], "lon": [107.01, 107.02, 106.99, 106.98, None],
    ...                   "lat": [25.80, 25.80, 25.80, 25.80, 25.8]})
    >>> week = plan_week((107.0, 25.8), s, days=2)
    >>> week.stops[["day", "seq", "id"]].values.tolist()
    [[1, 1, 1], [1, 2, 2], [2, 1, 3], [2, 2, 4]]
    >>> round(week.total_km, 1), week.unlocated["id"].tolist()
    (8.0, [5])
    """
    lon0, lat0 = _check_outlet(outlet)
    located, unlocated = split_located(stops)
    days = int(config.get("GM_WORK_DAYS")) if days is None else int(days)
    sizes = day_sizes(len(located), days, capacity)
    lon = np.concatenate([[lon0], located["lon"].to_numpy()])
    lat = np.concatenate([[lat0], located["lat"].to_numpy()])
    dist = distance_matrix(lon, lat)
    x, y = local_xy(lon, lat, lon0, lat0)
    tours = [_orient(dist, t) for t in _split_days(dist, x, y, sizes)]
    bearing = [np.arctan2(x[t[1:]].mean(), y[t[1:]].mean()) % (2 * np.pi) for t in tours]
    tours = [tours[i] for i in np.argsort(bearing, kind="stable")]
    return _result(located, unlocated, dist, tours)


def _split_days(
    dist: np.ndarray, x: np.ndarray, y: np.ndarray, sizes: list[int]
) -> list[np.ndarray]:
    """The days' tours (node arrays starting with 0, the outlet) for the given day sizes.

    ``dist`` is the distance matrix with the outlet as node 0; ``x``, ``y`` are the nodes'
    local metres around the outlet (for the sweep). See the module docstring.
    """
    if len(dist) <= 1:
        return []
    days = DayPricer(dist)
    sweep = 1 + np.argsort(np.arctan2(x[1:], y[1:]), kind="stable")
    giant = solve_tour(dist, kicks=0)[1:]
    groups = min(
        (exchange(days, _best_cut(order, sizes, days.price)) for order in (sweep, giant)),
        key=days.week,
    )
    return improve(days, groups)


def _best_cut(order: np.ndarray, sizes: list[int], price) -> list[np.ndarray]:
    """Cut the cyclic ``order`` into consecutive runs with the multiset of ``sizes``, the
    cheapest way: every start, every arrangement of long and short days (DP)."""
    n, k = len(order), len(sizes)
    if k == 1:
        return [order]
    lo = min(sizes)
    n_hi = sum(1 for s in sizes if s > lo)
    ring = np.concatenate([order, order])
    run_cost: dict[tuple[int, int], float] = {}

    def run(start: int, size: int) -> float:
        if (start, size) not in run_cost:
            run_cost[(start, size)] = price(ring[start : start + size])[1]
        return run_cost[(start, size)]

    best_total, best_cut = np.inf, None
    for r0 in range(n):
        # f[h] after g days: cheapest cost with h long days among them, and the cut points
        f = {0: (0.0, [])}
        for g in range(k):
            nxt: dict[int, tuple[float, list[int]]] = {}
            for h, (cost, cuts) in f.items():
                at = r0 + g * lo + h
                for long_day in (False, True):
                    hh = h + long_day
                    if hh > n_hi or (g + 1 - hh) > k - n_hi:
                        continue
                    c = cost + run(at % n, lo + long_day)
                    if hh not in nxt or c < nxt[hh][0] - _EPS:
                        nxt[hh] = (c, [*cuts, lo + long_day])
            f = nxt
        cost, day_lengths = f[n_hi]
        if cost < best_total - _EPS:
            best_total, best_cut = cost, (r0, day_lengths)
    r0, day_lengths = best_cut
    starts = r0 + np.concatenate([[0], np.cumsum(day_lengths)[:-1]])
    return [ring[s : s + size] for s, size in zip(starts, day_lengths, strict=False)]


def _check_outlet(outlet) -> tuple[float, float]:
    try:
        lon, lat = (float(v) for v in outlet)
    except (TypeError, ValueError):
        raise ValueError(f"outlet: expected (lon, lat), got {outlet!r}") from None
    if not (np.isfinite(lon) and np.isfinite(lat) and abs(lon) <= 180 and abs(lat) <= 90):
        raise ValueError(f"outlet: coordinates out of range: {outlet!r}")
    return lon, lat


def _orient(dist: np.ndarray, tour: np.ndarray) -> np.ndarray:
    """Run a loop the way whose first leg is the shorter (ties: as it is)."""
    if len(tour) > 2 and dist[0, tour[-1]] < dist[0, tour[1]]:
        return np.concatenate([[0], tour[1:][::-1]])
    return tour


def _result(
    located: pd.DataFrame, unlocated: pd.DataFrame, dist: np.ndarray, tours: list[np.ndarray]
) -> WeekRoute:
    rows, days = [], []
    for day, t in enumerate(tours, start=1):
        part = located.iloc[t[1:] - 1].copy()
        part.insert(0, "seq", np.arange(1, len(t)))
        part.insert(0, "day", day)
        part["leg_m"] = dist[t[:-1], t[1:]]
        rows.append(part)
        back = float(dist[t[-1], 0])
        days.append((day, len(t) - 1, back, (part["leg_m"].sum() + back) / 1000))
    columns = ["day", "seq", *located.columns, "leg_m"]
    stops = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=columns)
    return WeekRoute(
        stops=stops,
        days=pd.DataFrame(days, columns=["day", "stops", "return_m", "km"]),
        unlocated=unlocated,
    )
