"""Customers into grids: the vectorised point-in-polygon, village fallback, writing diffs."""
import numpy as np
from shapely.geometry import box
from sqlalchemy import text

from core.assignment import read_customers, reassign
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
    expected = [next((k for k, p in enumerate(polys) if p.intersects(
        __import__("shapely").Point(a, b))), -1) for a, b in zip(x, y)]
    assert assign_points(x, y, polys).tolist() == expected


def test_customers_without_coordinates_take_their_village_point():
    x, y, placed = place_without_coordinates(
        np.array([np.nan, 3.0, np.nan]), np.array([np.nan, 4.0, np.nan]),
        np.array([7, 8, np.nan]), {7: (1.0, 2.0)})
    assert x[0] == 1.0 and y[0] == 2.0 and x[1] == 3.0 and np.isnan(x[2])
    assert placed.tolist() == [True, False, False]


def test_reassign_on_unchanged_grids_writes_nothing(fresh_county):
    result = reassign(fresh_county)
    assert result.changed == 0 and result.blind_spots == 0
    assert result.customers == len(read_customers(fresh_county))


def test_reassign_repairs_lost_assignments_and_places_by_village(fresh_county):
    with fresh_county.begin() as conn:
        before = conn.execute(text("SELECT grid2_id FROM customer WHERE id = 5")).scalar_one()
        conn.execute(text("UPDATE customer SET grid1_id = NULL, grid2_id = NULL, "
                          "manager_id = NULL WHERE id IN (1, 2, 3)"))
        conn.execute(text("UPDATE customer SET lon = NULL, lat = NULL WHERE id = 5"))
        conn.execute(text("UPDATE customer SET lon = NULL, lat = NULL, village_id = NULL "
                          "WHERE id = 6"))
    result = reassign(fresh_county)
    assert result.placed_by_village == 1
    assert result.blind_spots == 1  # customer 6: no coordinates and no village
    with fresh_county.connect() as conn:
        rows = dict(conn.execute(text("SELECT id, grid2_id FROM customer WHERE id <= 6")).all())
        village_grid = conn.execute(text(
            "SELECT grid2_id FROM customer WHERE id = 5")).scalar_one()
    assert all(rows[i] is not None for i in (1, 2, 3))
    assert rows[6] is None
    assert village_grid is not None and (village_grid == before or village_grid > 0)
