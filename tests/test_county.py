"""Geometry of the demo county: village areas tile each township and the county."""

import numpy as np
import pytest
import shapely
from shapely.geometry import box

from core.demo.county_files import load_county, load_townships, load_villages
from geo.county import (
    sample_points_in,
    split_area,
    village_areas,
    voronoi_cells,
)


@pytest.fixture(scope="module")
def county():
    return load_county(), load_townships(), load_villages()


def test_real_names_and_counts(county):
    _, townships, villages = county
    assert len(townships) == 11
    assert len(villages) == 131
    assert "金盆街道" in {name for name, _ in townships.values()}
    assert sum(v.is_community for v in villages) == 10


def test_village_areas_tile_the_county(county):
    boundary, townships, villages = county
    areas = village_areas(villages, townships)
    assert len(areas) == 131
    union = shapely.union_all(list(areas.values()))
    snapped = shapely.set_precision(boundary, 1e-6)  # areas are snapped to 6 decimals
    assert union.symmetric_difference(snapped).area < 1e-6 * boundary.area
    assert sum(a.area for a in areas.values()) == pytest.approx(union.area, rel=1e-12)
    for v in villages:  # each village's point lies in its own area
        assert areas[v.code].covers(shapely.Point(v.lon, v.lat))


def test_voronoi_cells_keep_point_order():
    cells = voronoi_cells(np.array([[0.9, 0.5], [0.1, 0.5]]), box(0, 0, 1, 1))
    assert cells[0].contains(shapely.Point(0.9, 0.5))
    assert cells[1].contains(shapely.Point(0.1, 0.5))


def test_split_area_is_exact_and_deterministic():
    square = box(0, 0, 1, 1)
    parts = split_area(square, 4, np.random.default_rng(3))
    again = split_area(square, 4, np.random.default_rng(3))
    assert len(parts) == 4
    assert sum(p.area for p in parts) == pytest.approx(1.0)
    assert all(p.equals(q) for p, q in zip(parts, again, strict=False))


def test_sampled_points_lie_inside():
    poly = shapely.Polygon([(0, 0), (1, 0), (0, 1)])
    pts = sample_points_in(poly, 500, np.random.default_rng(1))
    assert len(pts) == 500
    assert shapely.contains_xy(poly, pts[:, 0], pts[:, 1]).all()
