"""Customers into grids: the vectorised point-in-polygon, village fallback, writing diffs."""

import numpy as np
from shapely.geometry import box
from sqlalchemy import text

from core.grids.assignment import GridSet, keep_incumbents, read_customers, reassign
from geo.assign import assign_points, place_without_coordinates


def test_points_go_to_the_polygon_that_holds_them():
    polys = [box(0, 0, 1, 1), box(1, 0, 2, 1), box(0, 1, 2, 2)]
    x = np.array([0.5, 1.5, 1.0, 0.2, 5.0, np.nan])
    y = np.array([0.5, 0.5, 1.5, 1.0, 5.0, 0.5])
    assert assign_points(x, y, polys).tolist() == [0, 1, 2, 0, -1, -1]


def test_matches_a_plain_loop_on_random_points():
    rng = np.random.default_rng(0)
    polys = [box(i, j, i + 1, j + 1) for i in range(5) for j in range(4)]
    x, y = rng.uniform(-1, 6, 5_000), rng.uniform(-1, 5, 5_000)
    expected = [
        next(
            (k for k, p in enumerate(polys) if p.intersects(__import__("shapely").Point(a, b))), -1
        )
        for a, b in zip(x, y, strict=False)
    ]
    assert assign_points(x, y, polys).tolist() == expected


def test_a_customer_stays_in_their_grid_while_it_holds_them():
    # grids 10 and 20 overlap on [1, 2]; grid 30 is elsewhere
    grids = GridSet(
        np.array([10, 20, 30]),
        [box(0, 0, 2, 1), box(1, 0, 3, 1), box(5, 5, 6, 6)],
        np.array([1, 1, 1]),
        np.full(3, np.nan),
    )
    x, y = np.array([1.5, 1.5, 2.5, 0.5]), np.array([0.5, 0.5, 0.5, 0.5])
    current = np.array([20.0, np.nan, 30.0, 20.0])
    first = assign_points(x, y, grids.polygons)
    assert first.tolist() == [0, 0, 1, 0]
    # in the overlap, the incumbent keeps them; a grid that lost the point does not
    assert keep_incumbents(first, x, y, grids, current).tolist() == [1, 0, 1, 0]


def test_customers_without_coordinates_take_their_village_point():
    x, y, placed = place_without_coordinates(
        np.array([np.nan, 3.0, np.nan]),
        np.array([np.nan, 4.0, np.nan]),
        np.array([7, 8, np.nan]),
        {7: (1.0, 2.0)},
    )
    assert x[0] == 1.0 and y[0] == 2.0 and x[1] == 3.0 and np.isnan(x[2])
    assert placed.tolist() == [True, False, False]


def test_reassign_on_unchanged_grids_writes_nothing(fresh_county):
    result = reassign(fresh_county)
    assert result.changed == 0 and result.blind_spots == 0
    assert result.customers == len(read_customers(fresh_county))


def test_reassign_repairs_lost_assignments_and_places_by_village(fresh_county):
    with fresh_county.begin() as conn:
        before = conn.execute(text("SELECT grid2_id FROM customer WHERE id = 5")).scalar_one()
        conn.execute(
            text(
                "UPDATE customer SET grid1_id = NULL, grid2_id = NULL, "
                "manager_id = NULL WHERE id IN (1, 2, 3)"
            )
        )
        conn.execute(text("UPDATE customer SET lon = NULL, lat = NULL WHERE id = 5"))
        conn.execute(
            text("UPDATE customer SET lon = NULL, lat = NULL, village_id = NULL WHERE id = 6")
        )
    result = reassign(fresh_county)
    assert result.placed_by_village == 1
    assert result.blind_spots == 1  # customer 6: no coordinates and no village
    with fresh_county.connect() as conn:
        rows = dict(conn.execute(text("SELECT id, grid2_id FROM customer WHERE id <= 6")).all())
        village_grid = conn.execute(text("SELECT grid2_id FROM customer WHERE id = 5")).scalar_one()
    assert all(rows[i] is not None for i in (1, 2, 3))
    assert rows[6] is None
    assert village_grid is not None and (village_grid == before or village_grid > 0)


def _give_strip(engine) -> tuple[int, int]:
    """Hand a strip of one level-2 grid to its neighbour (SQL only, no re-assignment)."""
    import json

    import shapely
    from shapely.geometry import mapping, shape

    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT id, geometry FROM grid WHERE level = 2 AND dimension = 'region' ORDER BY id"
            )
        ).all()
    polys = {i: shape(json.loads(g)) for i, g in rows}
    for a, pa in polys.items():
        for b, pb in polys.items():
            if a < b and pa.intersection(pb).length > 0.002:
                strip = pa.intersection(pb.buffer(0.002))
                if not 0 < strip.area < 0.2 * pa.area:
                    continue
                new_a = shapely.difference(pa, strip, grid_size=1e-6)
                new_b = shapely.union(pb, strip, grid_size=1e-6)
                with engine.begin() as conn:
                    for gid, geom in ((a, new_a), (b, new_b)):
                        conn.execute(
                            text("UPDATE grid SET geometry = :g WHERE id = :i"),
                            {"g": json.dumps(mapping(geom)), "i": gid},
                        )
                return a, b
    raise AssertionError("no neighbouring grids")


def test_reassigning_the_changed_grids_leaves_nothing_for_a_full_pass(fresh_county):
    a, b = _give_strip(fresh_county)
    with fresh_county.begin() as conn:  # a blind spot far away is picked up as well
        conn.execute(text("UPDATE customer SET grid2_id = NULL WHERE id = 9"))
    partial = reassign(fresh_county, changed_grids=[a, b])
    total = len(read_customers(fresh_county))
    assert 0 < partial.customers < total  # only the customers that could move were read
    assert partial.changed > 1  # the strip's customers and customer 9
    full = reassign(fresh_county)
    assert full.customers == total and full.changed == 0
