"""Exact answers for small cases: the yardstick the route heuristics are measured against.

``held_karp`` is the shortest closed tour from node 0 by dynamic programming over subsets
(Held-Karp), vectorised over each layer of subsets of one size. ``subset_tour_lengths``
gives the optimal tour of every subset in the same pass, and ``optimal_week`` turns those
into the best split of a small week into days. Time and memory grow as 2^n n^2: up to
``HELD_KARP_MAX`` stops (the route benchmark times that size). For tests and benchmarks,
not for pages.
"""

from __future__ import annotations

import numpy as np

HELD_KARP_MAX = 13  # stops


def held_karp(dist: np.ndarray) -> tuple[np.ndarray, float]:
    """The shortest closed tour from node 0, exactly (Held-Karp dynamic programming).

    Parameters
    ----------
    dist : ndarray, shape (m, m)
        Distances; node 0 is the start. At most ``HELD_KARP_MAX`` other nodes.

    Returns
    -------
    tour : ndarray of int
        The optimal tour starting with node 0.
    length : float
        Its length.

    Raises
    ------
    ValueError
        With more than ``HELD_KARP_MAX`` stops (time and memory grow as 2^n n^2).

    Examples
    --------
    >>> pts = np.array([[0, 0], [1, 1], [1, 0], [0, 1]], dtype=float)
    >>> d = np.hypot(*(pts[:, None, :] - pts[None, :, :]).transpose(2, 0, 1))
    >>> tour, length = held_karp(d)
    >>> tour.tolist(), length
    ([0, 3, 1, 2], 4.0)
    """
    dp, parent = _held_karp_tables(np.asarray(dist, dtype=float))
    n = len(dist) - 1
    if n == 0:
        return np.zeros(1, dtype=np.int64), 0.0
    full = (1 << n) - 1
    closing = dp[full] + dist[1:, 0]
    j = int(np.argmin(closing))
    length = float(closing[j])
    order, mask = [], full
    while j >= 0:
        order.append(j + 1)
        j, mask = int(parent[mask, j]), mask ^ (1 << j)
    return np.array([0, *order[::-1]], dtype=np.int64), length


def subset_tour_lengths(dist: np.ndarray) -> np.ndarray:
    """Optimal closed-tour length from node 0 through every subset of the other nodes.

    Entry ``mask`` is the tour through the stops whose bits are set (bit ``k`` is node
    ``k + 1``); entry 0 is 0. One Held-Karp pass gives them all, which is what an exact
    split of a week into days needs.

    Examples
    --------
    >>> d = np.array([[0, 1, 2], [1, 0, 1], [2, 1, 0]], dtype=float)
    >>> subset_tour_lengths(d).tolist()  # {}, {1}, {2}, {1, 2}
    [0.0, 2.0, 4.0, 4.0]
    """
    dist = np.asarray(dist, dtype=float)
    dp, _ = _held_karp_tables(dist)
    out = (dp + dist[1:, 0][None, :]).min(axis=1) if dp.shape[1] else np.zeros(1)
    out[0] = 0.0
    return out


def _held_karp_tables(dist: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``dp[mask, j]``: shortest path from 0 through the stops of ``mask`` ending at stop
    ``j`` (node ``j + 1``); ``parent`` the stop before ``j`` (-1 for the first)."""
    n = len(dist) - 1
    if n > HELD_KARP_MAX:
        raise ValueError(f"Held-Karp is limited to {HELD_KARP_MAX} stops, got {n}")
    size = 1 << n
    dp = np.full((size, n), np.inf)
    parent = np.full((size, n), -1, dtype=np.int64)
    stops = np.arange(n)
    dp[1 << stops, stops] = dist[0, 1:]
    masks = np.arange(size)
    count = np.bitwise_count(masks)
    inner = dist[1:, 1:]
    for k in range(2, n + 1):
        layer = masks[count == k]
        for j in range(n):
            sel = layer[(layer >> j) & 1 == 1]
            cand = dp[sel ^ (1 << j)] + inner[:, j][None, :]
            best = np.argmin(cand, axis=1)
            dp[sel, j] = cand[np.arange(len(sel)), best]
            parent[sel, j] = best
    return dp, parent


def optimal_week(dist: np.ndarray, sizes: list[int]) -> tuple[float, list[np.ndarray]]:
    """The shortest week exactly: the best split into days of these sizes, each day its
    optimal tour (one Held-Karp pass over all subsets, then a DP over partitions). For
    tests and benchmarks: at most ``HELD_KARP_MAX`` stops.

    Returns
    -------
    total : float
        The week's length.
    days : list of ndarray
        Each day's stops (node indices, the outlet 0 not included).

    Examples
    --------
    >>> pts = np.array([[0, 0], [1, 0], [2, 0], [-1, 0], [-2, 0]], dtype=float)
    >>> d = np.abs(pts[:, None, 0] - pts[None, :, 0])
    >>> total, days = optimal_week(d, [2, 2])
    >>> total, sorted(g.tolist() for g in days)
    (8.0, [[1, 2], [3, 4]])
    """
    n = len(dist) - 1
    if sum(sizes) != n:
        raise ValueError(f"day sizes {sizes} do not add up to {n} stops")
    lengths = subset_tour_lengths(dist)
    lo = min(sizes)
    n_hi = sum(1 for s in sizes if s > lo)
    masks = np.arange(1 << n)
    count = np.bitwise_count(masks)
    group_sizes = sorted(set(sizes))
    by_low = {
        (b, s): masks[(count == s) & ((masks >> b) & 1 == 1)] for b in range(n) for s in group_sizes
    }
    f = np.full((1 << n, n_hi + 1), np.inf)
    parent = np.zeros((1 << n, n_hi + 1), dtype=np.int64)
    f[0, 0] = 0.0
    for mask in range(1 << n):
        for h in np.flatnonzero(np.isfinite(f[mask])):
            low = (~mask & (mask + 1)).bit_length() - 1
            if low >= n:
                continue
            for s in group_sizes:
                hh = h + (s > lo)
                if hh > n_hi:
                    continue
                g = by_low[(low, s)]
                g = g[(g & mask) == 0]
                value = f[mask, h] + lengths[g]
                better = value < f[mask | g, hh]
                f[(mask | g)[better], hh] = value[better]
                parent[(mask | g)[better], hh] = g[better]
    mask, h, days = (1 << n) - 1, n_hi, []
    total = float(f[mask, h])
    while mask:
        g = int(parent[mask, h])
        days.append(1 + np.flatnonzero([(g >> b) & 1 for b in range(n)]))
        h -= bin(g).count("1") > lo
        mask ^= g
    return total, days[::-1]
