"""Proposals as pure functions: outlets to first-level grids, blocks to balanced regions."""

import numpy as np
import pytest
import shapely
from shapely.geometry import Point, box

from geo.propose import adjacency, compactness, lower_bound, partition, propose_level1


def lattice(n: int):
    blocks = [box(i, j, i + 1, j + 1) for i in range(n) for j in range(n)]
    centroids = np.array([[b.centroid.x, b.centroid.y] for b in blocks])
    return blocks, centroids


def test_level1_cells_tile_the_area_and_hold_their_outlet():
    area = box(0, 0, 3, 2)
    outlets = np.array([[0.5, 0.5], [2.5, 0.5], [1.5, 1.5]])
    cells = propose_level1(area, outlets)
    assert sum(c.area for c in cells) == pytest.approx(area.area)
    assert shapely.union_all(cells).equals(area)
    assert all(c.contains(Point(*o)) for c, o in zip(cells, outlets, strict=False))


def test_adjacency_needs_a_shared_border_not_a_corner():
    blocks, _ = lattice(2)  # (0,0) (0,1) (1,0) (1,1)
    nb = adjacency(blocks)
    assert nb[0] == {1, 2}  # not 3: only a corner
    assert nb[3] == {1, 2}


@pytest.mark.parametrize("k", [2, 4, 8])
def test_equal_blocks_split_exactly_into_contiguous_regions(k):
    blocks, centroids = lattice(4)
    p = partition(centroids, adjacency(blocks), np.ones(16), k)
    assert p.contiguous
    assert p.deviation(np.ones(16)) == pytest.approx(0.0)
    assert sorted(np.bincount(p.labels).tolist()) == [16 // k] * k


def test_uneven_blocks_reach_the_planted_balance():
    # a 3 x 4 lattice whose columns weigh 1, 2, 3, 6: the only exact split into two
    # contiguous halves is columns 0-2 against column 3 (6 against 6 per row)
    blocks = [box(i, j, i + 1, j + 1) for i in range(4) for j in range(3)]
    weights = np.array([[1, 2, 3, 6][i] for i in range(4) for _ in range(3)], dtype=float)
    centroids = np.array([[b.centroid.x, b.centroid.y] for b in blocks])
    p = partition(centroids, adjacency(blocks), weights, 2)
    assert p.contiguous
    assert p.deviation(weights) == pytest.approx(0.0, abs=1e-6)


def test_never_more_regions_than_blocks():
    blocks, centroids = lattice(2)
    p = partition(centroids, adjacency(blocks), np.ones(4), 9)
    assert len(p.loads) == 4


def test_lower_bound_of_a_dominant_block():
    assert lower_bound(np.array([6.0, 1.0, 1.0]), 2) == pytest.approx(0.5)
    assert lower_bound(np.ones(4), 2) == 0.0


def test_compactness():
    assert compactness(box(0, 0, 1, 1)) == pytest.approx(np.pi / 4, rel=0.01)
    assert compactness(box(0, 0, 10, 0.1)) < 0.1
