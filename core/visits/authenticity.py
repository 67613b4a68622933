"""Is a visit real? Four flags on logged visits, each with its message key and its numbers.

``far_checkin``
    The check-in is more than ``GM_CHECKIN_MAX_M`` metres from the customer.
``speed``
    Between two consecutive on-site visits of one manager (check-ins with coordinates, in
    time order) the manager would have moved faster than ``GM_MAX_SPEED_KMH``. Check-ins
    less than ``SPEED_MIN_DISTANCE_M`` apart never count: two GPS fixes scatter by a few
    hundred metres, and quick successions are the next rule's business. The later visit
    is flagged.
``burst``
    ``GM_BURST_VISITS`` or more visits (any channel) by one manager within
    ``GM_BURST_MINUTES``. Every visit of such a window is flagged; overlapping windows
    form one burst, reported with its count and its first and last time.
``same_spot``
    Visits to two or more different customers checked in at the very same point
    (coordinates rounded to ``SAME_SPOT_DECIMALS``, about 1 m), by any manager. Real GPS
    fixes never repeat to the metre; typed or copied ones do. Customers of one household
    (the same customer position, to ``HOUSEHOLD_DECIMALS``) count as one.

A flag is a reason to look, not a verdict. Everything is vectorised (the route benchmark
times a bank-year of 60,000 visits).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from core import config
from core.i18n import t
from geo.distance import haversine_m

REQUIRED_COLUMNS = (
    "visit_id",
    "manager_id",
    "customer_id",
    "visited_at",
    "lon",
    "lat",
    "customer_lon",
    "customer_lat",
)
RULES = ("far_checkin", "speed", "burst", "same_spot")
SPEED_MIN_DISTANCE_M = 500.0
SAME_SPOT_DECIMALS = 5
HOUSEHOLD_DECIMALS = 4  # about 10 m
# the values a flag's message (i18n key flag.<rule>) names, as text; None where a rule has none
FLAG_VALUES = (
    "distance",
    "km",
    "minutes",
    "speed",
    "start",
    "end",
    "count",
    "window",
    "threshold",
    "lon",
    "lat",
    "others",
)
FLAG_COLUMNS = [
    "visit_id",
    "manager_id",
    "customer_id",
    "visited_at",
    "rule",
    "value",
    "limit",
    "key",
    *FLAG_VALUES,
]


def flag_visits(
    visits: pd.DataFrame,
    *,
    max_checkin_m: float | None = None,
    max_speed_kmh: float | None = None,
    burst_visits: int | None = None,
    burst_minutes: float | None = None,
) -> pd.DataFrame:
    """Every flag on ``visits``, one row per visit and rule.

    Parameters
    ----------
    visits : DataFrame
        Columns ``visit_id``, ``manager_id``, ``customer_id``, ``visited_at`` (datetime),
        ``lon``, ``lat`` (the check-in; NaN for a phone or WeChat visit), ``customer_lon``,
        ``customer_lat`` (NaN when the customer has no position).
    max_checkin_m, max_speed_kmh, burst_visits, burst_minutes : optional
        Thresholds; default the settings ``GM_CHECKIN_MAX_M``, ``GM_MAX_SPEED_KMH``,
        ``GM_BURST_VISITS`` and ``GM_BURST_MINUTES``.

    Returns
    -------
    DataFrame
        ``visit_id``, ``manager_id``, ``customer_id``, ``visited_at``, ``rule`` (one of
        ``RULES``), ``value`` (metres, km/h, visits in the burst, or other customers at the
        spot), ``limit`` (the threshold), ``key`` (the message's i18n key, ``flag.<rule>``)
        and the message's values as text (:data:`FLAG_VALUES`, None where the rule has
        none; :func:`flag_texts` says them); ordered by manager, time and rule.

    Examples
    --------
    >>> v = pd.DataFrame({"visit_id": [1, 2], "manager_id": 7, "customer_id": [10, 11],
    ...     "visited_at": pd.to_datetime(["2026-11-02 09:00", "2026-11-02 09:40"]),
    ...     "lon": [107.0, 107.5], "lat": [25.8, 25.8],
    ...     "customer_lon": [107.0, 107.5], "customer_lat": [25.8081, 25.8]})
    >>> flags = flag_visits(v)
    >>> flags[["visit_id", "rule"]].values.tolist()
    [[1, 'far_checkin'], [2, 'speed']]
    >>> flag_texts(flags, "zh")[0]
    '签到位置距客户 901 米(阈值 500 米)'
    """
    v = _checked(visits)
    limits = {
        "far_checkin": float(_or_setting(max_checkin_m, "GM_CHECKIN_MAX_M")),
        "speed": float(_or_setting(max_speed_kmh, "GM_MAX_SPEED_KMH")),
        "burst": int(_or_setting(burst_visits, "GM_BURST_VISITS")),
        "window": float(_or_setting(burst_minutes, "GM_BURST_MINUTES")),
    }
    parts = [
        _far(v, limits["far_checkin"]),
        _speed(v, limits["speed"]),
        _burst(v, limits["burst"], limits["window"]),
        _same_spot(v),
    ]
    parts = [p for p in parts if len(p[0])] or parts[:1]
    flags = pd.concat([frame for frame, _ in parts], ignore_index=True)
    rows = flags["row"].to_numpy(dtype=np.int64)
    out = pd.DataFrame({c: v[c].to_numpy()[rows] for c in FLAG_COLUMNS[:4]})
    for c in FLAG_COLUMNS[4:8]:
        out[c] = flags[c].to_numpy()
    for name in FLAG_VALUES:  # joined as arrays: pandas would test each None of a concat
        out[name] = np.concatenate(
            [values.get(name, np.full(len(frame), None, dtype=object)) for frame, values in parts]
        )
    rank = out["rule"].map({r: i for i, r in enumerate(RULES)})
    order = np.lexsort(
        (
            rank.to_numpy(),
            out["visit_id"].to_numpy(),
            out["visited_at"].to_numpy(),
            out["manager_id"].to_numpy(),
        )
    )
    return out.iloc[order].reset_index(drop=True)


def summarize_flags(flags: pd.DataFrame, visits: pd.DataFrame | None = None) -> pd.DataFrame:
    """Flags per manager: flagged visits, flags per rule and, given ``visits``, the share.

    Parameters
    ----------
    flags : DataFrame
        As returned by ``flag_visits``.
    visits : DataFrame, optional
        The visits that were checked (needs ``manager_id``); adds ``visits`` and
        ``flagged_pct`` (flagged visits per 100 visits) and lists managers without flags.

    Returns
    -------
    DataFrame
        ``manager_id``, [``visits``], ``flagged_visits``, one count column per rule,
        [``flagged_pct``]; most flagged visits first.

    Examples
    --------
    >>> f = pd.DataFrame({"visit_id": [1, 1, 2], "manager_id": [7, 7, 7],
    ...                   "rule": ["far_checkin", "speed", "far_checkin"]})
    >>> summarize_flags(f).iloc[0].tolist()
    [7, 2, 2, 1, 0, 0]
    """
    counts = (
        pd.crosstab(flags["manager_id"], flags["rule"]).reindex(columns=list(RULES), fill_value=0)
        if len(flags)
        else pd.DataFrame(columns=list(RULES))
    )
    counts.columns.name = None
    flagged = flags.groupby("manager_id")["visit_id"].nunique().rename("flagged_visits")
    out = pd.concat([flagged, counts], axis=1)
    if visits is not None:
        total = visits.groupby("manager_id").size().rename("visits")
        out = pd.concat([total, out], axis=1)
    out = out.fillna(0).astype(np.int64)
    out.index.name = "manager_id"
    out = out.reset_index()
    if visits is not None:
        out["flagged_pct"] = (
            (100 * out["flagged_visits"] / out["visits"].where(out["visits"] > 0))
            .round(1)
            .fillna(0.0)
        )
    return out.sort_values(
        ["flagged_visits", "manager_id"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)


def _or_setting(value, name: str):
    return config.get(name) if value is None else value


def _checked(visits: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(visits, pd.DataFrame):
        raise TypeError(f"'visits' should be a DataFrame, got {type(visits).__name__}")
    missing = [c for c in REQUIRED_COLUMNS if c not in visits.columns]
    if missing:
        raise ValueError(f"visits: missing column(s) {', '.join(missing)}")
    v = visits.reset_index(drop=True)
    at = v["visited_at"]
    if not pd.api.types.is_datetime64_any_dtype(at):
        at = pd.to_datetime(at, errors="coerce")
    if isinstance(at.dtype, pd.DatetimeTZDtype):
        at = at.dt.tz_localize(None)
    v = v.assign(visited_at=at)
    for c in ("lon", "lat", "customer_lon", "customer_lat"):
        v[c] = pd.to_numeric(v[c], errors="coerce").astype(float)
    return v


def flag_texts(flags: pd.DataFrame, lang: str = "zh") -> list[str]:
    """Each flag's message in ``lang``: its ``key`` filled with its value columns."""
    values = flags[list(FLAG_VALUES)].to_dict("records")
    return [
        t(key, lang, **{k: v for k, v in row.items() if v is not None})
        for key, row in zip(flags["key"], values, strict=False)
    ]


def _rows(
    rows, rule: str, value, limit, **values: list[str]
) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """Flags of one rule: the visits' rows, measured values, the limit and the key; and the
    message's values (some of :data:`FLAG_VALUES`, texts, one per flag)."""
    frame = pd.DataFrame(
        {
            "row": np.asarray(rows, dtype=np.int64),
            "rule": rule,
            "value": np.asarray(value, dtype=float),
            "limit": float(limit),
            "key": f"flag.{rule}",
        }
    )
    return frame, {name: np.array(texts, dtype=object) for name, texts in values.items()}


def _on_site(v: pd.DataFrame) -> np.ndarray:
    lon, lat = v["lon"].to_numpy(), v["lat"].to_numpy()
    return np.isfinite(lon) & np.isfinite(lat) & ~((lon == 0) & (lat == 0))


def _far(v: pd.DataFrame, limit: float) -> tuple:
    d = haversine_m(v["lon"], v["lat"], v["customer_lon"], v["customer_lat"])
    rows = np.flatnonzero(_on_site(v) & (d > limit))  # NaN compares False
    return _rows(
        rows,
        "far_checkin",
        d[rows],
        limit,
        distance=[f"{x:,.0f}" for x in d[rows]],
        threshold=[f"{limit:,.0f}"] * len(rows),
    )


def _sorted_by_manager_time(v: pd.DataFrame, mask: np.ndarray) -> tuple[np.ndarray, ...]:
    """Rows of ``mask`` with a time, sorted by manager, time, visit id; manager codes and
    times in seconds along them."""
    at = v["visited_at"]
    rows = np.flatnonzero(mask & at.notna().to_numpy())
    codes = pd.factorize(v["manager_id"])[0][rows]
    seconds = at.to_numpy()[rows].astype("datetime64[s]").astype(np.int64)
    order = np.lexsort((v["visit_id"].to_numpy()[rows], seconds, codes))
    return rows[order], codes[order], seconds[order]


def _minutes(m: float) -> str:
    return f"{m:.1f}" if m < 10 else f"{m:,.0f}"


def _speed(v: pd.DataFrame, limit: float) -> tuple:
    rows, codes, seconds = _sorted_by_manager_time(v, _on_site(v))
    lon, lat = v["lon"].to_numpy()[rows], v["lat"].to_numpy()[rows]
    same = codes[1:] == codes[:-1]
    d = haversine_m(lon[:-1], lat[:-1], lon[1:], lat[1:])
    hours = (seconds[1:] - seconds[:-1]) / 3600.0
    with np.errstate(divide="ignore", invalid="ignore"):
        kmh = np.where(hours > 0, d / 1000 / hours, np.inf)
    hit = np.flatnonzero(same & (d >= SPEED_MIN_DISTANCE_M) & (kmh > limit))
    return _rows(
        rows[hit + 1],
        "speed",
        kmh[hit],
        limit,
        km=[f"{x / 1000:,.1f}" for x in d[hit]],
        minutes=[_minutes(h * 60) for h in hours[hit]],
        speed=["∞" if np.isinf(x) else f"{x:,.0f}" for x in kmh[hit]],
        threshold=[f"{limit:,.0f}"] * len(hit),
    )


def _burst(v: pd.DataFrame, count: int, window_min: float) -> tuple:
    rows, codes, seconds = _sorted_by_manager_time(v, np.ones(len(v), dtype=bool))
    if len(rows) == 0:
        return _rows([], "burst", [], count)
    # one sortable key: manager first, then seconds since the earliest visit
    key = codes.astype(np.int64) * 10**10 + (seconds - seconds.min())
    window = round(window_min * 60)
    end = np.searchsorted(key, key + window, side="right")  # first visit past the window
    starts = np.flatnonzero(end - np.arange(len(key)) >= count)
    cover = np.zeros(len(key) + 1, dtype=np.int64)
    np.add.at(cover, starts, 1)
    np.add.at(cover, end[starts], -1)
    hit = np.flatnonzero(np.cumsum(cover)[:-1] > 0)
    if len(hit) == 0:
        return _rows([], "burst", [], count)
    new = np.ones(len(hit), dtype=bool)  # a burst ends at a manager change or a gap
    new[1:] = (codes[hit[1:]] != codes[hit[:-1]]) | (key[hit[1:]] - key[hit[:-1]] > window)
    burst = np.cumsum(new) - 1
    size = np.bincount(burst)
    first = seconds[hit[new]]
    last = seconds[hit[np.r_[np.flatnonzero(new)[1:] - 1, len(hit) - 1]]]
    labels = [_span(a, b) for a, b in zip(first, last, strict=False)]
    return _rows(
        rows[hit],
        "burst",
        size[burst],
        count,
        start=[labels[b][0] for b in burst],
        end=[labels[b][1] for b in burst],
        count=[str(size[b]) for b in burst],
        threshold=[str(count)] * len(burst),
        window=[_minutes(window_min)] * len(burst),
    )


def _span(first: int, last: int) -> tuple[str, str]:
    a = pd.Timestamp(first, unit="s")
    b = pd.Timestamp(last, unit="s")
    return a.strftime("%Y-%m-%d %H:%M"), b.strftime(
        "%H:%M" if a.date() == b.date() else "%Y-%m-%d %H:%M"
    )


def _distinct_per_group(group: np.ndarray, value: np.ndarray) -> np.ndarray:
    """For each row, how many distinct ``value`` its ``group`` holds (both small ints)."""
    pairs = np.unique(group.astype(np.int64) * (int(value.max()) + 1) + value)
    per_group = np.bincount(pairs // (int(value.max()) + 1), minlength=group.max() + 1)
    return per_group[group]


def _same_spot(v: pd.DataFrame) -> tuple:
    rows = np.flatnonzero(_on_site(v))
    if len(rows) == 0:
        return _rows([], "same_spot", [], 2)
    scale = 10.0**SAME_SPOT_DECIMALS
    x = np.round(v["lon"].to_numpy()[rows] * scale).astype(np.int64)
    y = np.round(v["lat"].to_numpy()[rows] * scale).astype(np.int64)
    spot = np.unique(x * 10**8 + y, return_inverse=True)[1]  # |y| < 10^8: no collisions
    customer = pd.factorize(v["customer_id"].to_numpy()[rows])[0]
    home = 10.0**HOUSEHOLD_DECIMALS
    cust_lon = v["customer_lon"].to_numpy()[rows]
    cust_lat = v["customer_lat"].to_numpy()[rows]
    known = np.isfinite(cust_lon) & np.isfinite(cust_lat)
    hx = np.round(np.where(known, cust_lon, 0) * home).astype(np.int64)
    hy = np.round(np.where(known, cust_lat, 0) * home).astype(np.int64)
    # a customer without a position is a household of its own
    household = np.where(known, hx * 10**7 + hy, -1 - customer)
    customers = _distinct_per_group(spot, customer)
    households = _distinct_per_group(spot, pd.factorize(household)[0])
    hit = np.flatnonzero((customers >= 2) & (households >= 2))
    return _rows(
        rows[hit],
        "same_spot",
        customers[hit] - 1,
        2,
        lon=[f"{a / scale:.{SAME_SPOT_DECIMALS}f}" for a in x[hit]],
        lat=[f"{b / scale:.{SAME_SPOT_DECIMALS}f}" for b in y[hit]],
        others=[str(c - 1) for c in customers[hit]],
    )
