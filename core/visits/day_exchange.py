"""Moving stops between the days of a week: the local search behind ``core.visits.route``.

A week is a list of days, each an array of stop nodes (indices into one distance matrix
whose node 0 is the outlet). ``DayPricer`` prices a day as a quick tour
(``core.visits.tour.quick_tour``), each set of stops once. ``exchange`` applies improving moves
until none is left: first single stops (a stop moves from a longer day to a shorter one, or
two stops of different days swap; ranked by cheapest-insertion estimates), then, when
those are exhausted, 2-opt* (two days cut after one stop each and trade what follows, or
join head to head), which moves a whole hamlet at once. Day sizes never change as a
multiset, so a balanced week stays balanced. ``improve`` adds a seeded perturbation loop
and the final tours; ``improve_days`` is the same from any split, for reference runs.
"""

from __future__ import annotations

import functools

import numpy as np

from core.visits.tour import quick_tour, solve_tour

_EPS = 1e-6  # metres
_TRIES = 12  # candidate moves priced as tours per round
_MAX_ROUNDS = 200
SHAKES = 30  # perturbation rounds of improve
SHAKE_SEED = 20261123


class DayPricer:
    """Candidate days priced as quick tours on one distance matrix, each set of stops once.

    Examples
    --------
    >>> d = np.array([[0, 1, 2], [1, 0, 1], [2, 1, 0]], dtype=float)
    >>> pricer = DayPricer(d)
    >>> pricer.price([2, 1])[1], pricer.week([[1], [2]])
    (4.0, 6.0)
    """

    def __init__(self, dist: np.ndarray):
        self.dist = np.asarray(dist, dtype=float)
        self._rows = self.dist.tolist()
        self._cache: dict[tuple[int, ...], tuple[np.ndarray, float]] = {}

    def price(self, nodes) -> tuple[np.ndarray, float]:
        """The day's quick tour (from node 0) and its length."""
        key = tuple(np.sort(np.asarray(nodes, dtype=np.int64)).tolist())
        if key not in self._cache:
            tour, length = quick_tour(self._rows, key)
            self._cache[key] = (np.array(tour), float(length))
        return self._cache[key]

    def week(self, groups) -> float:
        """The priced length of a whole week."""
        return sum(self.price(g)[1] for g in groups)


def improve_days(
    dist: np.ndarray, groups: list, shakes: int = SHAKES, seed: int = SHAKE_SEED
) -> list[np.ndarray]:
    """``exchange`` and ``improve`` from any split: the week's tours.

    Parameters
    ----------
    dist : ndarray
        Distances with the outlet as node 0.
    groups : list of array_like of int
        Each day's stops (node indices, not 0).
    shakes, seed : int
        Perturbation rounds and their random seed.

    Returns
    -------
    list of ndarray
        Each day's tour, starting with 0. The benchmarks and tests restart this from random
        splits to get a reference week where no exact one is affordable.

    Examples
    --------
    >>> x = np.array([0.0, 1, 2, -1, -2])
    >>> d = np.abs(x[:, None] - x[None, :])
    >>> sorted(sorted(t[1:].tolist()) for t in improve_days(d, [[1, 3], [2, 4]]))
    [[1, 2], [3, 4]]
    """
    pricer = DayPricer(dist)
    return improve(
        pricer, exchange(pricer, [np.asarray(g, dtype=np.int64) for g in groups]), shakes, seed
    )


def improve(
    pricer: DayPricer, groups: list[np.ndarray], shakes: int = SHAKES, seed: int = SHAKE_SEED
) -> list[np.ndarray]:
    """Shake an exchanged week, then order each day.

    ``shakes`` times two random pairs of stops swap days and ``exchange`` runs again; the
    result is kept when shorter. Then each day gets its tour from ``core.visits.tour.solve_tour``.

    Parameters
    ----------
    pricer : DayPricer
        On the week's distance matrix (its cache is shared with the caller).
    groups : list of ndarray
        Each day's stops, as ``exchange`` left them.
    shakes, seed : int
        Perturbation rounds and their random seed (fixed: same input, same week).

    Returns
    -------
    list of ndarray
        Each day's tour, starting with 0.
    """
    dist = pricer.dist
    rng = np.random.default_rng(seed)
    for _ in range(shakes if len(groups) > 1 else 0):
        trial = [g.copy() for g in groups]
        for _ in range(2):
            a, b = rng.choice(len(trial), size=2, replace=False)
            i, j = rng.integers(len(trial[a])), rng.integers(len(trial[b]))
            trial[a][i], trial[b][j] = trial[b][j], trial[a][i]
        trial = exchange(pricer, trial)
        if pricer.week(trial) < pricer.week(groups) - _EPS:
            groups = trial
    final = []
    for g in groups:
        ids = np.array([0, *sorted(int(v) for v in g)])
        final.append(ids[solve_tour(dist[np.ix_(ids, ids)])])
    return final


def exchange(pricer: DayPricer, groups: list) -> list[np.ndarray]:
    """Apply improving moves between days until none is left (see the module docstring).

    Parameters
    ----------
    pricer : DayPricer
        Prices each candidate day.
    groups : list of array_like of int
        Each day's stops (node indices, not 0).

    Returns
    -------
    list of ndarray
        The days after the moves; their sizes are the same multiset as before.

    Examples
    --------
    >>> x = np.array([0.0, 1, 2, -1, -2])
    >>> d = np.abs(x[:, None] - x[None, :])
    >>> sorted(sorted(g.tolist()) for g in exchange(DayPricer(d), [[1, 3], [2, 4]]))
    [[1, 2], [3, 4]]
    """
    dist, price = pricer.dist, pricer.price
    groups = [np.asarray(g, dtype=np.int64) for g in groups]
    if len(groups) < 2:
        return groups
    for _ in range(_MAX_ROUNDS):
        tours = [price(g)[0] for g in groups]
        lengths = [price(g)[1] for g in groups]
        for neighbourhood in (_stop_moves, _tail_swaps):  # the cheaper one first
            move = next(
                (
                    m
                    for m in neighbourhood(dist, tours, _TRIES)
                    if price(m[3])[1] + price(m[4])[1] < lengths[m[1]] + lengths[m[2]] - _EPS
                ),
                None,
            )
            if move is not None:
                groups[move[1]], groups[move[2]] = move[3], move[4]
                break
        else:
            break
    return groups


def _stop_moves(dist: np.ndarray, tours: list[np.ndarray], limit: int):
    """Up to ``limit`` single-stop moves between days, best estimated saving first, as
    ``(estimate, a, b, new day a, new day b)``: a stop goes from a longer day to a shorter
    one, or two stops of different days swap (cheapest-insertion estimates)."""
    zero = np.zeros(1, dtype=np.int64)
    stops = np.concatenate([t[1:] for t in tours])
    day = np.concatenate([np.full(len(t) - 1, i) for i, t in enumerate(tours)])
    size = np.array([len(t) - 1 for t in tours])
    prev = np.concatenate([t[:-1] for t in tours])
    nxt = np.concatenate([np.concatenate((t[2:], zero)) for t in tours])
    removal = dist[prev, stops] + dist[stops, nxt] - dist[prev, nxt]
    a_edge = np.concatenate(tours)
    b_edge = np.concatenate([np.concatenate((t[1:], zero)) for t in tours])
    starts = np.cumsum([0] + [len(t) for t in tours[:-1]])
    near = dist[stops]
    insert = near[:, a_edge] + near[:, b_edge] - dist[a_edge, b_edge][None, :]
    cheapest = np.minimum.reduceat(insert, starts, axis=1)  # stop x day
    relocate = cheapest - removal[:, None]
    relocate[size[day][:, None] <= size[None, :]] = np.inf  # only long -> short day
    into_other = cheapest[:, day]  # stop i into the day of stop j
    swap = into_other + into_other.T - removal[:, None] - removal[None, :]
    swap[~np.triu(day[:, None] != day[None, :], 1)] = np.inf
    est = np.concatenate([relocate.ravel(), swap.ravel()])
    order = np.argsort(est, kind="stable")[:limit]
    n, k = relocate.shape
    for idx in order[est[order] < -_EPS]:
        if idx < n * k:
            i, b = divmod(int(idx), k)
            a, s = int(day[i]), stops[i : i + 1]
            yield (
                est[idx],
                a,
                b,
                tours[a][1:][tours[a][1:] != s[0]],
                np.concatenate((tours[b][1:], s)),
            )
        else:
            i, j = divmod(int(idx) - n * k, n)
            a, b, s, u = int(day[i]), int(day[j]), stops[i : i + 1], stops[j : j + 1]
            yield (
                est[idx],
                a,
                b,
                np.concatenate((tours[a][1:][tours[a][1:] != s[0]], u)),
                np.concatenate((tours[b][1:][tours[b][1:] != u[0]], s)),
            )


def _tail_swaps(dist: np.ndarray, tours: list[np.ndarray], limit: int):
    """Up to ``limit`` 2-opt* moves, best saving first, as in ``_stop_moves``: two days cut
    after one edge each and swap what follows (or join head to head), which moves a whole
    run of stops, a hamlet say, where single moves cannot. The sizes stay a permutation."""
    found = []
    ends = [np.concatenate((t[1:], np.zeros(1, dtype=np.int64))) for t in tours]
    for a in range(len(tours)):
        for b in range(a + 1, len(tours)):
            ta, tb, ea, eb = tours[a], tours[b], ends[a], ends[b]
            na, nb = len(ta), len(tb)  # nodes incl. the outlet = edges of each loop
            cut = dist[ta, ea][:, None] + dist[tb, eb][None, :]
            from_a, to_a = dist[ta], dist[ea]
            for head, delta in (  # a's head + b's tail / a's head + b's head reversed
                (False, from_a[:, eb] + to_a[:, tb] - cut),
                (True, from_a[:, tb] + to_a[:, eb] - cut),
            ):
                delta[~_cuts_allowed(na, nb, head)] = np.inf
                best = np.flatnonzero(delta < -_EPS)
                found += [(delta.flat[k], a, b, head, *divmod(int(k), nb)) for k in best]
    found.sort(key=lambda m: (m[0], m[1], m[2], m[4], m[5]))
    for est, a, b, head, x, y in found[:limit]:
        ta, tb = tours[a], tours[b]
        if head:
            yield est, a, b, np.r_[ta[1 : x + 1], tb[1 : y + 1]], np.r_[ta[x + 1 :], tb[y + 1 :]]
        else:
            yield est, a, b, np.r_[ta[1 : x + 1], tb[y + 1 :]], np.r_[tb[1 : y + 1], ta[x + 1 :]]


@functools.cache
def _cuts_allowed(na: int, nb: int, head: bool) -> np.ndarray:
    """Cut pairs (i, j) of two loops of ``na`` and ``nb`` nodes that keep both days
    non-empty and the two sizes as they were (either way round)."""
    i, j = np.indices((na, nb))
    size_a = i + j if head else i + nb - 1 - j
    size_b = na + nb - 2 - size_a
    same = ((size_a == na - 1) & (size_b == nb - 1)) | ((size_a == nb - 1) & (size_b == na - 1))
    return (
        same
        & (size_a > 0)
        & (size_b > 0)
        & ~((i == 0) & (j == 0))
        & ~((i == na - 1) & (j == nb - 1))
    )
