"""Closed tours on a distance matrix: from node 0 (the outlet) through every stop and back.

A tour is an integer array of node indices that starts with 0; the return leg to 0 is
implied. ``solve_tour`` is the planner's heuristic: nearest neighbour, then 2-opt and Or-opt
(segments of 1-3 stops moved, either way round) until neither finds a shorter tour, then
iterated local search (double-bridge kicks from a fixed seed). Each improvement step
evaluates every move at once as a numpy matrix and applies the best one, so there is no
Python loop over pairs, and the result depends only on the matrix (deterministic).
``quick_tour`` is a plain-Python estimate for pricing many small candidate days.
``core.visits.optimum`` has the exact answer for small tours, which the tests and benchmarks
measure the heuristic against; ``random_restarts`` is a reference for sizes with no exact
answer: the best of many local searches from random tours.
"""

from __future__ import annotations

import functools

import numpy as np

_EPS = 1e-7  # metres: an improvement smaller than this is rounding noise
_SEGMENTS = (1, 2, 3)  # Or-opt segment lengths
KICKS = 30  # iterated-local-search rounds of solve_tour
_KICK_SEED = 20261123


def tour_length(dist: np.ndarray, tour) -> float:
    """Length of the closed tour (back to its first node), in the matrix's units.

    Examples
    --------
    >>> d = np.array([[0, 1, 2], [1, 0, 1], [2, 1, 0]], dtype=float)
    >>> tour_length(d, [0, 1, 2])
    4.0
    """
    t = np.asarray(tour, dtype=np.int64)
    if len(t) < 2:
        return 0.0
    return float(dist[t, np.concatenate((t[1:], t[:1]))].sum())


def nearest_neighbour(dist: np.ndarray, start: int = 0) -> np.ndarray:
    """Tour that always goes on to the nearest unvisited node (ties: the lowest index).

    Examples
    --------
    >>> d = np.array([[0, 5, 1, 9], [5, 0, 4, 3], [1, 4, 0, 8], [9, 3, 8, 0]], dtype=float)
    >>> nearest_neighbour(d).tolist()
    [0, 2, 1, 3]
    """
    n = len(dist)
    tour = np.empty(n, dtype=np.int64)
    free = np.ones(n, dtype=bool)
    tour[0], free[start] = start, False
    for k in range(1, n):
        row = np.where(free, dist[tour[k - 1]], np.inf)
        tour[k] = int(np.argmin(row))
        free[tour[k]] = False
    return tour


def _two_opt_step(dist: np.ndarray, t: np.ndarray) -> np.ndarray | None:
    """The best 2-opt move (reverse ``t[i+1..j]``), or None when none shortens the tour."""
    m = len(t)
    if m < 4:
        return None
    b = np.concatenate((t[1:], t[:1]))
    sub = dist[t]
    edge = sub[np.arange(m), b]
    delta = sub[:, t] + dist[b][:, b] - edge[:, None] - edge[None, :]
    delta[_two_opt_invalid(m)] = np.inf
    k = int(np.argmin(delta))
    i, j = divmod(k, m)
    if delta[i, j] >= -_EPS:
        return None
    out = t.copy()
    out[i + 1 : j + 1] = t[i + 1 : j + 1][::-1]
    return out


@functools.cache
def _two_opt_invalid(m: int) -> np.ndarray:
    """Pairs of edges (i, j) that are no 2-opt move: j <= i + 1, and the two edges at 0."""
    i, j = np.indices((m, m))
    invalid = j <= i + 1
    invalid[0, m - 1] = True  # both edges touch node 0: the same tour backwards
    return invalid


@functools.cache
def _or_opt_invalid(m: int, seg: int) -> np.ndarray:
    """For runs starting at 1 .. m-seg: the edges touching or inside the run."""
    i = np.arange(1, m - seg + 1)[:, None]
    j = np.arange(m)[None, :]
    return (j >= i - 1) & (j <= i + seg - 1)


def _or_opt_step(dist: np.ndarray, t: np.ndarray) -> np.ndarray | None:
    """The best Or-opt move: a run of 1-3 stops cut out and put between two other nodes,
    as it was or reversed; None when no such move shortens the tour. Node 0 never moves."""
    m = len(t)
    b = np.concatenate((t[1:], t[:1]))
    edge = dist[t, b]
    best, move = -_EPS, None
    for seg in _SEGMENTS:
        if m - 1 < seg + 1:  # needs the run and at least one other stop
            break
        i = np.arange(1, m - seg + 1)  # run t[i .. i+seg-1], never node 0
        first, last = t[i], t[i + seg - 1]
        before, after = t[i - 1], t[(i + seg) % m]
        gain = dist[before, first] + dist[last, after] - dist[before, after]
        # put it on edge j (t[j] -> t[j+1]); edges touching or inside the run are excluded
        off = _or_opt_invalid(m, seg)
        d_first, d_last = dist[first], dist[last]
        base = edge[None, :] + gain[:, None]
        options = [(d_first[:, t] + d_last[:, b] - base, False)]
        if seg > 1:
            options.append((d_last[:, t] + d_first[:, b] - base, True))
        for delta, flip in options:
            delta[off] = np.inf
            k = int(np.argmin(delta))
            r, j = divmod(k, m)
            if delta[r, j] < best:
                best, move = delta[r, j], (int(i[r]), seg, j, flip)
    if move is None:
        return None
    start, seg, j, flip = move
    run = t[start : start + seg][::-1] if flip else t[start : start + seg]
    rest = np.concatenate([t[:start], t[start + seg :]])
    at = j if j < start else j - seg  # index of t[j] in rest
    return np.concatenate([rest[: at + 1], run, rest[at + 1 :]])


def improve(
    dist: np.ndarray, tour, max_steps: int | None = None, or_opt: bool = True
) -> np.ndarray:
    """Apply the best 2-opt move, or when there is none the best Or-opt move, until neither
    shortens the tour (a local optimum for both).

    Parameters
    ----------
    dist : ndarray, shape (m, m)
        Symmetric distances.
    tour : array_like of int
        A tour starting with node 0.
    max_steps : int, optional
        Safety cap on the moves applied (default ``20 * m * m``; never reached in practice).
    or_opt : bool
        False: 2-opt only (faster, a little longer; used to price candidate days).

    Returns
    -------
    ndarray of int
        The improved tour, still starting with node 0.

    Examples
    --------
    >>> corners = np.array([[0, 0], [1, 1], [1, 0], [0, 1]], dtype=float)  # a crossing
    >>> d = np.hypot(*(corners[:, None, :] - corners[None, :, :]).transpose(2, 0, 1))
    >>> improve(d, [0, 1, 2, 3]).tolist()
    [0, 2, 1, 3]
    """
    t = np.asarray(tour, dtype=np.int64)
    steps = 20 * len(t) ** 2 if max_steps is None else max_steps
    for _ in range(steps):
        better = _two_opt_step(dist, t)
        if better is None and or_opt:
            better = _or_opt_step(dist, t)
        if better is None:
            break
        t = better
    return t


def solve_tour(dist: np.ndarray, kicks: int = KICKS) -> np.ndarray:
    """A short closed tour from node 0 through every node.

    Nearest neighbour, then ``improve``; then, with 8 stops or more, ``kicks`` rounds of
    iterated local search: a double-bridge perturbation of the best tour (a move 2-opt and
    Or-opt cannot undo), ``improve`` again, keep it if shorter. The perturbations come from a
    fixed seed, so the same matrix always gives the same tour.

    Parameters
    ----------
    dist : ndarray, shape (m, m)
        Symmetric distances; node 0 is the start.
    kicks : int
        Perturbation rounds (0: plain local search).

    Returns
    -------
    ndarray of int
        The tour, starting with node 0.

    Examples
    --------
    >>> pts = np.array([[0, 0], [2, 0], [2, 2], [0, 2], [1, 0], [1, 2]], dtype=float)
    >>> d = np.hypot(*(pts[:, None, :] - pts[None, :, :]).transpose(2, 0, 1))
    >>> tour_length(d, solve_tour(d))  # the perimeter of the square
    8.0
    """
    dist = np.asarray(dist, dtype=float)
    if len(dist) <= 3:
        return np.arange(len(dist), dtype=np.int64)
    best = improve(dist, nearest_neighbour(dist))
    if len(dist) - 1 < 8:
        return best
    best_len = tour_length(dist, best)
    rng = np.random.default_rng(_KICK_SEED)
    for _ in range(kicks):
        a, b, c = np.sort(rng.choice(np.arange(1, len(dist)), size=3, replace=False))
        t = improve(dist, np.concatenate([best[:a], best[b:c], best[a:b], best[c:]]))
        length = tour_length(dist, t)
        if length < best_len - _EPS:
            best, best_len = t, length
    return best


def quick_tour(rows: list[list[float]], stops) -> tuple[list[int], float]:
    """A quick estimate for small tours: nearest neighbour and best-improvement 2-opt in
    plain Python over nested lists, from node 0 through ``stops`` (indices into ``rows``).

    On tours this small numpy's per-call overhead dominates, so plain Python beats
    ``improve`` (the route benchmark times both on a day of 8 stops); the week planner
    prices thousands of candidate days with it.

    Examples
    --------
    >>> rows = [[0, 1, 2, 1], [1, 0, 1, 2], [2, 1, 0, 1], [1, 2, 1, 0]]  # a square's corners
    >>> quick_tour(rows, [2, 1, 3])
    ([0, 1, 2, 3], 4)
    """
    tour, free, here = [0], sorted(int(s) for s in stops), 0
    while free:
        here = min(free, key=rows[here].__getitem__)
        free.remove(here)
        tour.append(here)
    m = len(tour)
    while m >= 4:
        best, bi, bj = -_EPS, -1, -1
        for i in range(m - 2):
            a, b = tour[i], tour[i + 1]
            ra, rb = rows[a], rows[b]
            ab = ra[b]
            for j in range(i + 2, m if i else m - 1):
                c = tour[j]
                e = tour[j + 1] if j + 1 < m else 0
                delta = ra[c] + rb[e] - ab - rows[c][e]
                if delta < best:
                    best, bi, bj = delta, i, j
        if bi < 0:
            break
        tour[bi + 1 : bj + 1] = tour[bi + 1 : bj + 1][::-1]
    return tour, sum(rows[tour[k - 1]][tour[k]] for k in range(1, m)) + rows[tour[-1]][0]


def random_restarts(
    dist: np.ndarray, runs: int = 50, seed: int = 0, or_opt: bool = True
) -> tuple[np.ndarray, float]:
    """The best of ``runs`` local searches (``improve``; 2-opt only when ``or_opt`` is
    False) from random tours: a reference answer where no exact one is affordable.

    Examples
    --------
    >>> pts = np.array([[0, 0], [2, 0], [2, 2], [0, 2], [1, 0], [1, 2]], dtype=float)
    >>> d = np.hypot(*(pts[:, None, :] - pts[None, :, :]).transpose(2, 0, 1))
    >>> random_restarts(d, runs=5)[1]
    8.0
    """
    dist = np.asarray(dist, dtype=float)
    rng = np.random.default_rng(seed)
    best, best_len = None, np.inf
    for _ in range(runs):
        start = np.concatenate([[0], 1 + rng.permutation(len(dist) - 1)])
        t = improve(dist, start, or_opt=or_opt)
        length = tour_length(dist, t)
        if length < best_len - _EPS:
            best, best_len = t, length
    return best, float(best_len)
