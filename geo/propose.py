"""Grid proposals: first-level grids from outlets, second-level grids from whole villages.

Level 1: each outlet takes the part of the county nearer to it than to any other outlet
(straight-line Voronoi cells, clipped to the county).

Level 2: a branch's area is split among its managers from whole blocks (villages, or the part
of a village inside the branch), never splitting a block, each manager's grid contiguous,
balancing workload = sum over customers of visits a year by tier x minutes per visit. Blocks
grow into regions from spread-out seeds (the lightest region takes its nearest free
neighbour), then boundary blocks move from heavy to light neighbours while that lowers the
spread and keeps the donor contiguous.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np
import shapely

from geo.county import polygonal, snap_coverage, voronoi_cells


def propose_level1(county: shapely.Geometry, outlets: np.ndarray) -> list[shapely.Geometry]:
    """One polygon per outlet (lon, lat rows): the county part nearest to it.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> cells = propose_level1(box(0, 0, 2, 1), np.array([[0.5, 0.5], [1.5, 0.5]]))
    >>> [round(c.area, 3) for c in cells]
    [1.0, 1.0]
    """
    return snap_coverage(voronoi_cells(np.asarray(outlets, dtype=float), county))


def adjacency(polygons: list[shapely.Geometry], min_shared: float = 1e-6) -> list[set[int]]:
    """Neighbours of each polygon: those sharing a border longer than ``min_shared`` degrees
    (a shared corner does not make two villages neighbours)."""
    polygons = [polygonal(p) for p in polygons]
    tree = shapely.STRtree(polygons)
    left, right = tree.query(polygons, predicate="intersects")
    neighbours: list[set[int]] = [set() for _ in polygons]
    for a, b in zip(left, right, strict=False):
        if a < b:
            shared = shapely.intersection(
                shapely.boundary(polygons[a]), shapely.boundary(polygons[b])
            )
            if shared.length > min_shared:
                neighbours[a].add(int(b))
                neighbours[b].add(int(a))
    return neighbours


@dataclass
class Partition:
    """A split of blocks into ``k`` regions and how balanced it is."""

    labels: np.ndarray  # region of each block
    loads: np.ndarray  # workload per region
    contiguous: bool  # every region is one connected piece

    def deviation(self, values: np.ndarray) -> float:
        """Largest deviation from the mean of a per-block measure summed by region (share)."""
        sums = np.bincount(self.labels, weights=values, minlength=len(self.loads))
        mean = sums.mean()
        return float(np.max(np.abs(sums - mean)) / mean) if mean > 0 else 0.0


def partition(
    centroids: np.ndarray,
    neighbours: list[set[int]],
    workload: np.ndarray,
    k: int,
    max_rounds: int = 2_000,
    restarts: int = 6,
) -> Partition:
    """Split blocks into ``k`` contiguous regions of balanced workload.

    Parameters
    ----------
    centroids : ndarray (n, 2)
        Block centres in a roughly isotropic plane (scale longitude by cos(latitude)).
    neighbours : list of sets
        ``adjacency`` of the blocks.
    workload : ndarray (n,)
        Workload of each block (minutes a year).
    k : int
        Number of regions (managers); at most the number of blocks.

    Examples
    --------
    >>> nb = [{1}, {0, 2}, {1, 3}, {2}]  # four blocks in a row
    >>> p = partition(np.array([[0, 0], [1, 0], [2, 0], [3, 0]]), nb, np.ones(4), 2)
    >>> bool(p.labels[0] == p.labels[1] != p.labels[2] == p.labels[3]), p.loads.tolist()
    (True, [2.0, 2.0])
    """
    n = len(workload)
    k = max(1, min(k, n))
    w = np.asarray(workload, dtype=float) + 1e-9  # empty blocks still count as places
    best = None
    for attempt in range(restarts):  # different seeds; keep the best balanced contiguous one
        labels = _grow(centroids, neighbours, w, k, np.random.default_rng(attempt))
        labels = _improve(labels, neighbours, w, k, max_rounds)
        labels = _anneal(labels, neighbours, w, k, np.random.default_rng(attempt))
        loads = np.bincount(labels, weights=np.asarray(workload, dtype=float), minlength=k)
        contiguous = all(_connected(np.flatnonzero(labels == r), neighbours) for r in range(k))
        candidate = Partition(labels, loads, contiguous)
        score = (not contiguous, candidate.deviation(np.asarray(workload, dtype=float)))
        if best is None or score < best[0]:
            best = (score, candidate)
    return best[1]


def lower_bound(workload: np.ndarray, k: int) -> float:
    """The best max deviation any split into ``k`` whole blocks could reach is at least this:
    a block heavier than the mean makes its region at least that heavy."""
    w = np.asarray(workload, dtype=float)
    mean = w.sum() / max(1, min(k, len(w)))
    return max(0.0, float(w.max() / mean - 1)) if mean > 0 else 0.0


def _seeds(centroids: np.ndarray, w: np.ndarray, k: int, rng: np.random.Generator) -> list[int]:
    """k spread-out seeds: weighted k-means centres snapped to the nearest block."""
    centres = centroids[rng.choice(len(centroids), size=k, replace=False, p=w / w.sum())].astype(
        float
    )
    for _ in range(20):
        d = ((centroids[:, None, :] - centres[None]) ** 2).sum(2)
        nearest = d.argmin(1)
        for r in range(k):
            members = nearest == r
            if members.any():
                centres[r] = np.average(centroids[members], axis=0, weights=w[members])
    seeds: list[int] = []
    for r in range(k):
        d = ((centroids - centres[r]) ** 2).sum(1)
        d[seeds] = np.inf
        seeds.append(int(d.argmin()))
    return seeds


def _grow(centroids, neighbours, w, k, rng) -> np.ndarray:
    labels = np.full(len(w), -1)
    seeds = _seeds(centroids, w, k, rng)
    loads = np.zeros(k)
    for r, s in enumerate(seeds):
        labels[s] = r
        loads[r] = w[s]
    stuck = np.zeros(k, dtype=bool)
    while (labels < 0).any() and not stuck.all():
        r = int(np.argmin(np.where(stuck, np.inf, loads)))
        frontier = {b for m in np.flatnonzero(labels == r) for b in neighbours[m] if labels[b] < 0}
        if not frontier:
            stuck[r] = True
            continue
        centre = np.average(centroids[labels == r], axis=0, weights=w[labels == r])
        pick = min(frontier, key=lambda b: ((centroids[b] - centre) ** 2).sum())
        labels[pick] = r
        loads[r] += w[pick]
    for b in np.flatnonzero(labels < 0):  # islands no region reached: nearest region
        d = [((centroids[b] - centroids[labels == r].mean(0)) ** 2).sum() for r in range(k)]
        labels[b] = int(np.argmin(d))
    return labels


def _connected(members: np.ndarray, neighbours) -> bool:
    if len(members) <= 1:
        return True
    inside = set(members.tolist())
    seen = {members[0]}
    queue = deque([members[0]])
    while queue:
        for b in neighbours[queue.popleft()]:
            if b in inside and b not in seen:
                seen.add(b)
                queue.append(b)
    return len(seen) == len(inside)


def _improve(labels, neighbours, w, k, max_rounds) -> np.ndarray:
    """Move boundary blocks between neighbouring regions while the squared spread drops."""
    labels = labels.copy()
    loads = np.bincount(labels, weights=w, minlength=k)
    for _ in range(max_rounds):
        best, best_gain = None, 1e-9
        for heavy in np.argsort(-loads):
            members = np.flatnonzero(labels == heavy)
            if len(members) <= 1:
                continue
            for b in members:
                for light in {labels[nb] for nb in neighbours[b]} - {heavy}:
                    before = loads[heavy] ** 2 + loads[light] ** 2
                    after = (loads[heavy] - w[b]) ** 2 + (loads[light] + w[b]) ** 2
                    gain = before - after
                    if gain > best_gain and _connected(members[members != b], neighbours):
                        best, best_gain = (b, heavy, light), gain
        if best is None:
            break
        b, heavy, light = best
        labels[b] = light
        loads[heavy] -= w[b]
        loads[light] += w[b]
    return labels


def _spread(loads: np.ndarray) -> float:
    """What the search minimises: the largest deviation from the mean, then the squares."""
    mean = loads.mean()
    return float(np.abs(loads - mean).max() / mean + 1e-3 * ((loads / mean - 1) ** 2).sum())


def _anneal(labels, neighbours, w, k, rng, iterations: int = 2_500) -> np.ndarray:
    """Random boundary moves, accepting a worse spread now and then (less and less often),
    keeping every region contiguous; returns the best split seen."""
    labels = labels.copy()
    loads = np.bincount(labels, weights=w, minlength=k)
    current = _spread(loads)
    best, best_labels = current, labels.copy()
    boundary = [b for b in range(len(w)) if neighbours[b]]
    if not boundary or k == 1:
        return labels
    for step in range(iterations):
        temperature = 0.05 * (1 - step / iterations) + 1e-6
        b = boundary[rng.integers(len(boundary))]
        source = labels[b]
        targets = [labels[nb] for nb in neighbours[b] if labels[nb] != source]
        if not targets:
            continue
        target = targets[rng.integers(len(targets))]
        members = np.flatnonzero(labels == source)
        if len(members) <= 1 or not _connected(members[members != b], neighbours):
            continue
        loads[source] -= w[b]
        loads[target] += w[b]
        candidate = _spread(loads)
        if candidate <= current or rng.random() < np.exp((current - candidate) / temperature):
            labels[b] = target
            current = candidate
            if current < best:
                best, best_labels = current, labels.copy()
        else:
            loads[source] += w[b]
            loads[target] -= w[b]
    return best_labels


def compactness(polygon: shapely.Geometry) -> float:
    """Polsby-Popper compactness 4*pi*area/perimeter^2 (1 = a circle), with longitude scaled
    by cos(latitude) so that it is measured on an approximately true-shape plane."""
    if polygon.is_empty:
        return 0.0
    lat = polygon.centroid.y
    scaled = shapely.transform(polygon, lambda xy: xy * np.array([np.cos(np.radians(lat)), 1]))
    return float(4 * np.pi * scaled.area / scaled.length**2)
