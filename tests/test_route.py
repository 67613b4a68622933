"""The week's route: tours against the exact answer, days balanced and closed, bad stops apart."""

import itertools
import math

import numpy as np
import pandas as pd
import pytest

from core.visits.day_exchange import DayPricer, exchange, improve_days
from core.visits.optimum import HELD_KARP_MAX, held_karp, optimal_week, subset_tour_lengths
from core.visits.route import day_sizes, plan_week, split_located
from core.visits.tour import improve, nearest_neighbour, random_restarts, solve_tour, tour_length
from geo.distance import distance_matrix, haversine_m

OUTLET = (107.0, 25.8)


def random_stops(seed: int, n: int) -> pd.DataFrame:
    """Stops within ~10 km of the outlet: uniform for even seeds, in 2-5 hamlets for odd."""
    rng = np.random.default_rng(seed)
    if seed % 2:
        centres = rng.uniform(-0.09, 0.09, (int(rng.integers(2, 6)), 2))
        xy = centres[rng.integers(0, len(centres), n)] + rng.normal(0, 0.006, (n, 2))
    else:
        xy = rng.uniform(-0.09, 0.09, (n, 2))
    return pd.DataFrame(
        {"id": np.arange(100, 100 + n), "lon": OUTLET[0] + xy[:, 0], "lat": OUTLET[1] + xy[:, 1]}
    )


def matrix(stops: pd.DataFrame) -> np.ndarray:
    return distance_matrix(np.r_[OUTLET[0], stops["lon"]], np.r_[OUTLET[1], stops["lat"]])


def brute_force(dist: np.ndarray) -> float:
    rest = range(1, len(dist))
    return min(tour_length(dist, (0, *p)) for p in itertools.permutations(rest))


# --- single tours -----------------------------------------------------------------------


def test_haversine_matches_a_known_distance():
    # one degree of latitude on the mean-radius sphere
    assert haversine_m(107.0, 25.0, 107.0, 26.0) == pytest.approx(111_195, abs=1)
    assert np.isnan(haversine_m(np.nan, 25.0, 107.0, 26.0))


@pytest.mark.parametrize("seed", range(8))
def test_held_karp_is_exact(seed):
    d = matrix(random_stops(seed, 7))
    tour, length = held_karp(d)
    assert length == pytest.approx(brute_force(d))
    assert tour_length(d, tour) == pytest.approx(length)
    assert tour[0] == 0 and sorted(tour.tolist()) == list(range(8))


def test_subset_lengths_are_the_exact_tours_of_each_subset():
    d = matrix(random_stops(3, 6))
    lengths = subset_tour_lengths(d)
    for mask in (0b000001, 0b010110, 0b111111):
        nodes = [0] + [b + 1 for b in range(6) if mask >> b & 1]
        assert lengths[mask] == pytest.approx(held_karp(d[np.ix_(nodes, nodes)])[1])


def test_held_karp_refuses_what_it_cannot_afford():
    with pytest.raises(ValueError, match="limited"):
        held_karp(np.zeros((HELD_KARP_MAX + 2, HELD_KARP_MAX + 2)))


@pytest.mark.parametrize("kicks", [0, 30])
def test_heuristic_within_5_percent_of_optimal_on_60_random_instances(kicks):
    gaps = []
    for seed in range(60):
        n = 5 + seed % 8  # 5 .. 12 stops
        d = matrix(random_stops(seed, n))
        tour = solve_tour(d, kicks=kicks)
        assert tour[0] == 0 and sorted(tour.tolist()) == list(range(n + 1))
        gaps.append(tour_length(d, tour) / held_karp(d)[1] - 1)
    gaps = np.array(gaps) * 100
    print(
        f"\nkicks={kicks}: gap vs Held-Karp over {len(gaps)} instances: "
        f"mean {gaps.mean():.3f} %, max {gaps.max():.3f} %"
    )
    assert gaps.min() > -1e-9  # nothing beats the exact answer
    assert gaps.max() <= 5.0
    assert gaps.mean() <= 1.0


def test_36_stop_tour_within_5_percent_of_50_random_restarts():
    gaps = []
    for seed in range(6):
        d = matrix(random_stops(500 + seed, 36))
        reference = random_restarts(d, runs=50, seed=seed)[1]
        gaps.append(tour_length(d, solve_tour(d)) / reference - 1)
    gaps = np.array(gaps) * 100
    print(f"\n36 stops vs best of 50 restarts: mean {gaps.mean():.2f} %, max {gaps.max():.2f} %")
    assert gaps.max() <= 5.0


def test_two_opt_uncrosses_and_or_opt_moves_a_stray_stop():
    # a square walked crosswise: 2-opt alone fixes it
    pts = np.array([[0, 0], [1, 1], [1, 0], [0, 1]], dtype=float)
    d = np.hypot(*(pts[:, None, :] - pts[None, :, :]).transpose(2, 0, 1))
    assert tour_length(d, improve(d, [0, 1, 2, 3], or_opt=False)) == pytest.approx(4.0)
    # stops on a line, one visited out of place: the result is the straight out-and-back
    x = np.array([0, 1, 2, 3, 4, 5, 6], dtype=float)
    d = np.abs(x[:, None] - x[None, :])
    assert tour_length(d, improve(d, [0, 1, 4, 2, 3, 5, 6])) == pytest.approx(12.0)


def test_nearest_neighbour_starts_at_the_outlet_and_visits_all():
    d = matrix(random_stops(11, 9))
    t = nearest_neighbour(d)
    assert t[0] == 0 and sorted(t.tolist()) == list(range(10))


# --- the week ---------------------------------------------------------------------------


def check_week(week, stops, sizes):
    """Every located stop once; days balanced; each day a closed loop from the outlet."""
    assert sorted(week.stops["id"]) == sorted(stops["id"])
    assert sorted(week.days["stops"].tolist(), reverse=True) == sorted(sizes, reverse=True)
    for day, part in week.stops.groupby("day"):
        assert part["seq"].tolist() == list(range(1, len(part) + 1))
        first = part.iloc[0]
        assert first["leg_m"] == pytest.approx(
            haversine_m(*OUTLET, first["lon"], first["lat"]), rel=1e-9
        )
        row = week.days.set_index("day").loc[day]
        last = part.iloc[-1]
        assert row["return_m"] == pytest.approx(
            haversine_m(last["lon"], last["lat"], *OUTLET), rel=1e-9
        )
        assert row["km"] == pytest.approx((part["leg_m"].sum() + row["return_m"]) / 1000)
    assert week.total_km == pytest.approx(week.days["km"].sum())


def test_week_of_36_is_five_balanced_closed_loops():
    stops = random_stops(7, 36)
    week = plan_week(OUTLET, stops, days=5)
    check_week(week, stops, [8, 7, 7, 7, 7])
    assert week.unlocated.empty


def test_week_is_within_5_percent_of_the_exact_week_on_60_small_instances():
    gaps = []
    for seed in range(60):
        n, days = [(9, 3), (10, 2), (11, 3), (12, 3), (12, 4)][seed % 5]
        stops = random_stops(1000 + seed, n)
        week = plan_week(OUTLET, stops, days=days)
        check_week(week, stops, day_sizes(n, days))
        best, _ = optimal_week(matrix(stops), day_sizes(n, days))
        gaps.append(week.total_km * 1000 / best - 1)
    gaps = np.array(gaps) * 100
    print(
        f"\nweek vs exact week over {len(gaps)} instances: mean {gaps.mean():.3f} %, "
        f"max {gaps.max():.3f} %"
    )
    assert gaps.min() > -1e-9
    assert gaps.max() <= 5.0
    assert gaps.mean() <= 1.0


def random_split(n: int, sizes: list[int], rng: np.random.Generator) -> list[np.ndarray]:
    return np.split(1 + rng.permutation(n), np.cumsum(sizes)[:-1])


def test_week_of_36_within_5_percent_of_random_restarts():
    # no exact answer at this size: the reference is the best of 8 searches from random splits
    gaps = []
    for seed in range(3):
        stops = random_stops(700 + seed, 36)
        d, sizes = matrix(stops), day_sizes(36, 5)
        rng = np.random.default_rng(seed)
        best = min(
            sum(tour_length(d, t) for t in improve_days(d, random_split(36, sizes, rng), seed=r))
            for r in range(8)
        )
        gaps.append(plan_week(OUTLET, stops).total_km * 1000 / best - 1)
    gaps = np.array(gaps) * 100
    print(
        f"\n36-stop week vs best of 8 random restarts: mean {gaps.mean():.2f} %, "
        f"max {gaps.max():.2f} %"
    )
    assert gaps.max() <= 5.0


@pytest.mark.parametrize("seed", range(5))
def test_exchange_keeps_the_day_sizes_and_never_lengthens_the_week(seed):
    d, sizes = matrix(random_stops(900 + seed, 23)), [5, 5, 5, 4, 4]
    start = random_split(23, sizes, np.random.default_rng(seed))
    pricer = DayPricer(d)
    after = exchange(pricer, start)
    assert sorted(map(len, after)) == sorted(sizes)
    assert sorted(np.concatenate(after).tolist()) == list(range(1, 24))
    assert pricer.week(after) < pricer.week(start)


def test_optimal_week_is_the_best_of_every_split():
    stops = random_stops(5, 6)
    d = matrix(stops)
    best = min(
        held_karp(d[np.ix_([0, *a], [0, *a])])[1] + held_karp(d[np.ix_([0, *b], [0, *b])])[1]
        for a in itertools.combinations(range(1, 7), 3)
        for b in [tuple(sorted(set(range(1, 7)) - set(a)))]
    )
    total, days = optimal_week(d, [3, 3])
    assert total == pytest.approx(best)
    assert sorted(np.concatenate(days).tolist()) == list(range(1, 7))


def test_two_villages_become_two_days():
    east = [(107.05 + 0.001 * i, 25.80 + 0.001 * i) for i in range(4)]
    west = [(106.95 - 0.001 * i, 25.80 - 0.001 * i) for i in range(4)]
    stops = pd.DataFrame(
        [(i, lon, lat) for i, (lon, lat) in enumerate(west + east)], columns=["id", "lon", "lat"]
    )
    week = plan_week(OUTLET, stops, days=2)
    by_day = week.stops.groupby("day")["lon"].agg(["min", "max"])
    assert ((by_day["max"] < OUTLET[0]) | (by_day["min"] > OUTLET[0])).all()


def test_same_input_same_week():
    stops = random_stops(21, 30)
    a, b = plan_week(OUTLET, stops), plan_week(OUTLET, stops.copy())
    pd.testing.assert_frame_equal(a.stops, b.stops)
    pd.testing.assert_frame_equal(a.days, b.days)


def test_stops_without_coordinates_are_reported_not_planned():
    stops = pd.DataFrame(
        {
            "id": [1, 2, 3, 4, 5, 6],
            "lon": [107.01, np.nan, "abc", 181.0, 0.0, 106.99],
            "lat": [25.81, 25.80, 25.80, 25.80, 0.0, 25.79],
            "name": list("ABCDEF"),
        }
    )
    week = plan_week(OUTLET, stops, days=5)
    assert sorted(week.stops["id"]) == [1, 6]
    assert dict(zip(week.unlocated["id"], week.unlocated["reason"], strict=False)) == {
        2: "missing",
        3: "missing",
        4: "out_of_range",
        5: "missing",
    }
    assert week.stops.set_index("id").loc[6, "name"] == "F"  # other columns come along


def test_no_located_stop_is_an_empty_week():
    week = plan_week(OUTLET, pd.DataFrame({"id": [1], "lon": [None], "lat": [None]}))
    assert week.stops.empty and week.days.empty and week.total_km == 0.0
    assert week.unlocated["id"].tolist() == [1]


@pytest.mark.parametrize(
    "n, days, capacity, expected",
    [
        (36, 5, None, [8, 7, 7, 7, 7]),
        (35, 5, None, [7] * 5),
        (20, 5, 7, [7, 7, 6]),
        (3, 5, None, [1, 1, 1]),
        (0, 5, None, []),
        (10, 2, 6, [5, 5]),
    ],
)
def test_day_sizes(n, days, capacity, expected):
    assert day_sizes(n, days, capacity) == expected
    assert all(s <= (capacity or math.ceil(n / days)) for s in expected)


def test_capacity_packs_the_week_into_fewer_days():
    stops = random_stops(4, 20)
    week = plan_week(OUTLET, stops, days=5, capacity=7)
    check_week(week, stops, [7, 7, 6])


@pytest.mark.parametrize(
    "stops, outlet, kwargs, error, match",
    [
        ([{"id": 1, "lon": 107, "lat": 25}], OUTLET, {}, TypeError, "DataFrame"),
        (pd.DataFrame({"id": [1], "lon": [107.0]}), OUTLET, {}, ValueError, "lat"),
        (
            pd.DataFrame({"id": [1, 1], "lon": [107.0, 107.1], "lat": [25.8, 25.8]}),
            OUTLET,
            {},
            ValueError,
            "repeated",
        ),
        (random_stops(1, 12), OUTLET, {"days": 2, "capacity": 5}, ValueError, "do not fit"),
        (random_stops(1, 3), (None, 25.8), {}, ValueError, "outlet"),
        (random_stops(1, 3), (107.0, 95.0), {}, ValueError, "outlet"),
    ],
)
def test_bad_input_is_a_clear_error(stops, outlet, kwargs, error, match):
    with pytest.raises(error, match=match):
        plan_week(outlet, stops, **kwargs)


def test_split_located_keeps_the_row_order():
    stops = random_stops(2, 5)
    ok, bad = split_located(stops)
    assert ok["id"].tolist() == stops["id"].tolist() and bad.empty
