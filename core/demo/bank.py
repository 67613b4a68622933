"""The demo bank's structure: outlets, managers, first- and second-level grids.

Pure: takes the county geometry and an rng, returns plain data. Second-level grids are whole
villages (121 village grids), each town-seat community as one market-street grid, and the
county town's communities split into sub-areas; first-level grids are unions of the
second-level grids nearest to each outlet, so both levels tile the county exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import shapely

from geo.county import Village, snap_coverage, split_area

COUNTY_TOWN = "522727001"  # 金盆街道
OUTLETS_PER_TOWN = {
    COUNTY_TOWN: 6,
    "522727101": 2,
    "522727102": 2,
    "522727104": 2,
    "522727106": 2,
    "522727107": 2,
}
COUNTY_TOWN_SUBAREAS = (8, 8, 6, 6)  # sub-grids of the county town's four communities
DIRECTIONS = ("城东", "城东北", "城北", "城西北", "城西", "城西南", "城南", "城东南")
# Share of the county's residents living in the county town (est.)
COUNTY_TOWN_RESIDENT_SHARE = 0.24


@dataclass
class Unit:
    """A second-level grid in the making: a village, a community or a county-town sub-area."""

    code: str
    name: str
    kind: str  # village / market / subarea
    village_code: str
    town_code: str
    area: shapely.Geometry
    weight: float  # share of the village's residents living here


@dataclass
class BranchPlan:
    code: str
    name: str
    town_code: str
    is_county_town: bool
    lon: float
    lat: float
    units: list[Unit] = field(default_factory=list)
    managers: int = 0


def make_units(
    villages: list[Village], areas: dict[str, shapely.Geometry], rng: np.random.Generator
) -> list[Unit]:
    """Turn villages into second-level grid units (county-town communities split)."""
    units: list[Unit] = []
    community_index = 0
    for v in villages:
        area = areas[v.code]
        if v.is_community and v.town_code == COUNTY_TOWN:
            parts = COUNTY_TOWN_SUBAREAS[community_index % len(COUNTY_TOWN_SUBAREAS)]
            community_index += 1
            for i, part in enumerate(split_area(area, parts, rng), start=1):
                units.append(
                    Unit(
                        f"{v.code}-{i}",
                        f"{v.short_name}第{i}片区",
                        "subarea",
                        v.code,
                        v.town_code,
                        part,
                        1.0 / parts,
                    )
                )
        elif v.is_community:
            units.append(
                Unit(v.code, f"{v.short_name}街区", "market", v.code, v.town_code, area, 1.0)
            )
        else:
            units.append(Unit(v.code, v.short_name, "village", v.code, v.town_code, area, 1.0))
    # the split added vertices off the stored 6-decimal grid: snap all units together
    for unit, area in zip(units, snap_coverage([u.area for u in units]), strict=False):
        unit.area = area
    return units


def plan_branches(
    units: list[Unit], town_names: dict[str, str], rng: np.random.Generator
) -> list[BranchPlan]:
    """Place the 21 outlets and give each the units nearest to it (its jurisdiction)."""
    branches: list[BranchPlan] = []
    for town_code in sorted(town_names):
        members = [u for u in units if u.town_code == town_code]
        centres = np.array([[u.area.centroid.x, u.area.centroid.y] for u in members])
        seeds = _outlet_seeds(members, centres, OUTLETS_PER_TOWN.get(town_code, 1))
        nearest = _assign_with_capacity(centres, centres[seeds])
        town = town_names[town_code]
        short = town.removesuffix("街道").removesuffix("镇").removesuffix("毛南族乡")
        for k, seed in enumerate(seeds):
            seed_unit = members[seed]
            point = seed_unit.area.representative_point()
            if len(seeds) == 1:
                name = f"{short}支行"
            elif town_code == COUNTY_TOWN:
                name = "营业部" if k == 0 else f"{_direction(point, members[seeds[0]])}支行"
            else:
                name = f"{short}支行" if k == 0 else f"{short}{seed_unit.name}分理处"
            branches.append(
                BranchPlan(
                    code=f"{town_code[-3:]}{k + 1:02d}",
                    name=name,
                    town_code=town_code,
                    is_county_town=town_code == COUNTY_TOWN,
                    lon=point.x,
                    lat=point.y,
                    units=[u for u, n in zip(members, nearest, strict=False) if n == k],
                )
            )
    _dedupe_names(branches)
    for b in branches:
        low, high = (4, 6) if b.is_county_town else (2, 4)
        b.managers = int(min(len(b.units), rng.integers(low, high + 1)))
    return branches


def _outlet_seeds(members: list[Unit], centres: np.ndarray, k: int) -> list[int]:
    """The first outlet at the town seat (a community, else the central unit); the rest
    spread by farthest-point sampling."""
    seat = [i for i, u in enumerate(members) if u.kind in ("market", "subarea")]
    if not seat:
        seat = [int(np.argmin(((centres - centres.mean(0)) ** 2).sum(1)))]
    seeds = [seat[0]]
    # in the county town, prefer one outlet per community sub-area cluster first
    candidates = seat[1:] if len(seat) >= k else list(range(len(members)))
    while len(seeds) < k:
        d = np.min(((centres[candidates][:, None] - centres[seeds][None]) ** 2).sum(2), axis=1)
        pick = candidates[int(np.argmax(d))]
        seeds.append(pick)
        candidates = [c for c in candidates if c != pick] or list(range(len(members)))
    return seeds


def _direction(point, centre_unit: Unit) -> str:
    """Compass name (城东, 城北...) of a point seen from the county-town centre."""
    c = centre_unit.area.representative_point()
    angle = np.degrees(np.arctan2(point.y - c.y, point.x - c.x)) % 360
    return DIRECTIONS[int(((angle + 22.5) % 360) // 45)]


def _assign_with_capacity(points: np.ndarray, outlets: np.ndarray) -> np.ndarray:
    """Nearest outlet for each point, but no outlet takes more than 1.3x its fair share."""
    capacity = int(np.ceil(len(points) / len(outlets) * 1.3))
    d = ((points[:, None, :] - outlets[None]) ** 2).sum(2)
    result = np.full(len(points), -1)
    result[np.argmin(d, axis=0)] = np.arange(len(outlets))  # each outlet keeps its own unit
    taken = np.bincount(result[result >= 0], minlength=len(outlets))
    for flat in np.argsort(d, axis=None, kind="stable"):
        i, k = divmod(int(flat), len(outlets))
        if result[i] < 0 and taken[k] < capacity:
            result[i] = k
            taken[k] += 1
    return result


def _dedupe_names(branches: list[BranchPlan]) -> None:
    seen: dict[str, int] = {}
    for b in branches:
        seen[b.name] = seen.get(b.name, 0) + 1
        if seen[b.name] > 1:
            b.name = b.name.replace("支行", f"{'一二三四五六'[seen[b.name] - 1]}支行")


def staff_grids(unit_loads: np.ndarray, managers: int) -> tuple[np.ndarray, np.ndarray]:
    """Give each unit an A and a B manager (indices 0..managers-1), balancing load.

    Largest units first, each to the least-loaded manager (A); B is the next least-loaded
    other manager. With one manager, A and B are the same person.

    Examples
    --------
    >>> a, b = staff_grids(np.array([5.0, 4.0, 3.0, 2.0]), 2)
    >>> a.tolist(), (a != b).all()
    ([0, 1, 1, 0], np.True_)
    """
    load = np.zeros(managers)
    post_a = np.empty(len(unit_loads), dtype=int)
    post_b = np.empty(len(unit_loads), dtype=int)
    for i in np.argsort(-unit_loads, kind="stable"):
        order = np.argsort(load, kind="stable")
        post_a[i] = order[0]
        post_b[i] = order[1] if managers > 1 else order[0]
        load[order[0]] += unit_loads[i]
    return post_a, post_b
