"""四定审计: the healthy demo county passes every check; planted problems are found exactly,
and a branch leader sees only their branch's."""

from pathlib import Path

import pandas as pd
import pyproj
import pytest
import shapely
from shapely.geometry import box
from sqlalchemy import delete, func, insert, select, update
from streamlit.testing.v1 import AppTest

from core.db import read_frame
from core.grids.audit import (
    area_km2,
    blind_spots_by_village,
    coverage_problems,
    in_grid_rate,
    outside_parent,
    staffing_gaps,
    summarize,
)
from core.models import Customer, Grid, GridStaff, Liaison, Manager, Village
from core.scope import Scope
from geo.assign import assign_points
from geo.county import from_geojson, to_geojson

HQ = Scope("hq")
GEOD = pyproj.Geod(ellps="WGS84")
ROOT = Path(__file__).resolve().parent.parent


def geodesic_km2(geom) -> float:
    """An independent area: geodesic on the WGS-84 ellipsoid."""
    return abs(GEOD.geometry_area_perimeter(geom)[0]) / 1e6


def grids(engine) -> pd.DataFrame:
    with engine.connect() as conn:
        df = read_frame(
            conn,
            select(Grid.id, Grid.level, Grid.parent_id, Grid.branch_id, Grid.geometry).order_by(
                Grid.id
            ),
        )
    df["polygon"] = [from_geojson(g) for g in df.pop("geometry")]
    return df


def set_geometry(engine, grid_id: int, polygon) -> None:
    with engine.begin() as conn:
        conn.execute(update(Grid).where(Grid.id == grid_id).values(geometry=to_geojson(polygon)))


# ---- the healthy demo county ------------------------------------------------------------


def test_healthy_county_passes_every_check(seeded_engine):
    assert blind_spots_by_village(seeded_engine, HQ).empty
    assert coverage_problems(seeded_engine, HQ).empty
    assert outside_parent(seeded_engine, HQ).empty
    staffing = staffing_gaps(seeded_engine, HQ)
    assert not staffing["problem"].isin(["no_a", "few_liaisons", "many_liaisons"]).any()
    with seeded_engine.connect() as conn:  # B may be missing only where one manager serves
        managers = dict(
            conn.execute(
                select(Manager.branch_id, func.count())
                .where(Manager.active.is_(True))
                .group_by(Manager.branch_id)
            ).all()
        )
        customers = conn.execute(select(func.count()).select_from(Customer)).scalar_one()
    assert all(managers[b] == 1 for b in staffing["branch_id"])
    by_village = in_grid_rate(seeded_engine, HQ, by="village")
    assert by_village["customers"].sum() == by_village["in_grid"].sum() == customers
    assert (by_village["in_grid_pct"] == 100.0).all()
    by_grid = in_grid_rate(seeded_engine, HQ, by="grid")
    assert len(by_grid) == 155 and by_grid["customers"].sum() == customers
    assert by_grid["filing_pct"].dropna().between(40, 100).all()
    assert (
        summarize(
            blind_spots_by_village(seeded_engine, HQ),
            coverage_problems(seeded_engine, HQ),
            outside_parent(seeded_engine, HQ),
            staffing,
        )["gaps"]
        == 0
    )


def test_branch_scope_sees_its_own_grids_only(seeded_engine):
    scope = Scope("branch", branch_id=3)
    by_grid = in_grid_rate(seeded_engine, scope, by="grid")
    assert len(by_grid) and set(by_grid["branch_id"]) == {3}
    with pytest.raises(ValueError):
        in_grid_rate(seeded_engine, scope, by="town")


# ---- planted problems -------------------------------------------------------------------


def test_blind_spots_are_counted_by_village(fresh_county):
    e = fresh_county
    with e.connect() as conn:
        cust = read_frame(
            conn,
            select(
                Customer.id, Customer.village_id, Customer.branch_id, Customer.deposit_balance
            ).order_by(Customer.id),
        )
    g = grids(e)
    level1 = g[g.level == 1].reset_index(drop=True)
    with e.connect() as conn:
        villages = read_frame(conn, select(Village.id, Village.lon, Village.lat))
    inside = assign_points(villages.lon.to_numpy(), villages.lat.to_numpy(), list(level1.polygon))
    point_branch = dict(zip(villages.id, level1.branch_id.to_numpy()[inside], strict=False))
    per_village = cust.groupby("village_id").size()
    branches = cust.groupby("village_id").branch_id.agg(lambda b: frozenset(b))
    big = per_village[per_village >= 8].index
    va = next(v for v in big if branches[v] == {point_branch[v]})  # a village of one branch
    vb = next(v for v in big if not branches[v] & branches[va])  # another branch's village
    picked = {va: cust[cust.village_id == va].head(5), vb: cust[cust.village_id == vb].head(3)}
    unknown = cust[~cust.village_id.isin([va, vb])].head(2)
    taken = pd.concat([*picked.values(), unknown])
    with e.begin() as conn:
        conn.execute(
            update(Customer).where(Customer.id.in_(taken["id"].tolist())).values(grid2_id=None)
        )
        conn.execute(
            update(Customer).where(Customer.id.in_(unknown["id"].tolist())).values(village_id=None)
        )
    blind = blind_spots_by_village(e, HQ)
    assert len(blind) == 3
    rows = {
        (None if pd.isna(v) else int(v)): r
        for v, r in zip(blind.village_id, blind.itertuples(), strict=False)
    }
    for v, frame in [(va, picked[va]), (vb, picked[vb]), (None, unknown)]:
        assert rows[v].customers == len(frame)
        assert rows[v].deposits_wan == pytest.approx(frame.deposit_balance.sum() / 1e4, abs=0.01)
    assert pd.isna(rows[None].village) and rows[va].village and rows[va].town
    assert (
        summarize(blind, *[pd.DataFrame(columns=["kind", "problem", "grid_id"])] * 3)[
            "blind_spot_customers"
        ]
        == 10
    )

    by_village = in_grid_rate(e, HQ, by="village").set_index("village_id")
    assert by_village.loc[va, "in_grid"] == per_village[va] - 5
    assert by_village.loc[va, "in_grid_pct"] == round(
        100 * (per_village[va] - 5) / per_village[va], 1
    )
    assert by_village["in_grid"].sum() == len(cust) - 10

    # a branch sees its own blind spots, plus branchless ones in villages of its jurisdiction
    branch = int(picked[va].branch_id.iloc[0])
    mine = taken[taken.branch_id == branch]
    home = int(va)  # its point lies in the branch's jurisdiction
    stray = cust[(cust.branch_id != branch) & ~cust.id.isin(taken.id)].id.iloc[0]
    with e.begin() as conn:
        conn.execute(
            update(Customer)
            .where(Customer.id == int(stray))
            .values(grid2_id=None, branch_id=None, village_id=home)
        )
    scoped = blind_spots_by_village(e, Scope("branch", branch_id=branch))
    assert scoped.customers.sum() == len(mine) + 1
    assert home in set(scoped.village_id.dropna())
    other = int(taken[taken.branch_id != branch].branch_id.iloc[0])
    assert (
        blind_spots_by_village(e, Scope("branch", branch_id=other)).customers.sum()
        == (taken.branch_id == other).sum()
    )
    assert blind_spots_by_village(e, HQ).customers.sum() == 11


def test_shrunk_and_grown_grids_leave_gaps_overlaps_and_cross_their_parent(fresh_county):
    e = fresh_county
    g = grids(e)
    level1 = g[g.level == 1].set_index("id")
    level2 = g[g.level == 2].copy()
    level2["km2"] = [area_km2(p) for p in level2.polygon]
    shrunk = level2.sort_values("km2").iloc[-1]  # the largest level-2 grid
    far = level2[
        [
            level1.polygon[p].distance(level1.polygon[shrunk.parent_id]) > 0.05
            for p in level2.parent_id
        ]
    ]
    tree = shapely.STRtree(list(level2.polygon))

    def foreign_neighbours(row):
        hits = level2.iloc[tree.query(row.polygon, predicate="intersects")]
        return hits[hits.parent_id != row.parent_id]

    grown = next(r for r in far.itertuples() if len(foreign_neighbours(r)))
    small = shapely.buffer(shrunk.polygon, -0.005)
    big = shapely.buffer(grown.polygon, 0.005)
    set_geometry(e, int(shrunk.id), small)
    set_geometry(e, int(grown.id), big)

    found = coverage_problems(e, HQ)
    gaps = found[found.kind == "gap"]
    assert len(gaps) == 1
    gap = gaps.iloc[0]
    assert (gap.level, gap.grid_id, gap.branch_id) == (2, shrunk.parent_id, shrunk.branch_id)
    expected = geodesic_km2(shrunk.polygon.difference(small))
    assert gap.area_km2 == pytest.approx(expected, rel=0.01)
    perimeter_km = GEOD.geometry_area_perimeter(shrunk.polygon)[1] / 1e3
    ring = gap.area_km2 / (perimeter_km * 0.005 * 111.32)  # a ~0.5 km wide ring
    assert 0.8 < ring < 1.0, ring
    point = shapely.Point(gap.lon, gap.lat)
    assert shrunk.polygon.contains(point) and not small.contains(point)
    assert gap.villages

    overlaps = found[found.kind == "overlap"]
    assert (overlaps.level == 2).all()
    pairs = overlaps[["grid_id", "other_grid_id"]].to_numpy()
    assert all(grown.id in pair for pair in pairs.tolist())
    others = {int(b) if a == grown.id else int(a) for a, b in pairs}
    neighbours = level2.iloc[tree.query(big, predicate="intersects")]
    expected_others = {
        int(n.id)
        for n in neighbours.itertuples()
        if n.id != grown.id and geodesic_km2(big.intersection(n.polygon)) >= 0.01
    }
    assert others == expected_others and len(foreign_neighbours(grown)) >= 1
    for row in overlaps.itertuples():
        other = level2.set_index("id").polygon[
            row.other_grid_id if row.grid_id == grown.id else row.grid_id
        ]
        assert row.area_km2 == pytest.approx(geodesic_km2(big.intersection(other)), rel=0.01)

    outside = outside_parent(e, HQ)
    assert outside.grid_id.tolist() == [grown.id]
    share = big.difference(level1.polygon[grown.parent_id]).area / big.area
    assert outside.outside_pct.iloc[0] == round(100 * share, 1) > 1

    # each branch leader sees the problems of their branch only
    near = coverage_problems(e, Scope("branch", branch_id=int(shrunk.branch_id)))
    assert near.kind.tolist() == ["gap"]
    assert outside_parent(e, Scope("branch", branch_id=int(shrunk.branch_id))).empty
    there = coverage_problems(e, Scope("branch", branch_id=int(grown.branch_id)))
    assert there.kind.tolist() == ["overlap"] * len(overlaps)
    assert outside_parent(e, Scope("branch", branch_id=int(grown.branch_id))).grid_id.tolist() == [
        grown.id
    ]


def test_level_one_gap_and_overlap_against_the_county(fresh_county):
    e = fresh_county
    g = grids(e)
    level1 = g[g.level == 1].set_index("id")
    level2 = g[g.level == 2].copy()
    level2["deg2"] = level2.polygon.map(lambda p: p.area)
    # a hole in the jurisdiction of the branch whose biggest level-2 grid is biggest
    child = level2.sort_values("deg2").iloc[-1]
    x, y = child.polygon.representative_point().coords[0]
    hole = box(x - 0.002, y - 0.002, x + 0.002, y + 0.002)
    assert child.polygon.contains(hole)
    set_geometry(e, int(child.parent_id), level1.polygon[child.parent_id].difference(hole))
    # a far branch's jurisdiction grabs a square inside another branch's
    far = level1[level1.polygon.map(lambda p: p.distance(hole) > 0.05)]
    taker, victim = int(far.index[0]), int(far.index[1])
    vx, vy = level1.polygon[victim].representative_point().coords[0]
    grab = box(vx - 0.003, vy - 0.003, vx + 0.003, vy + 0.003)
    assert level1.polygon[victim].contains(grab)
    set_geometry(e, taker, level1.polygon[taker].union(grab))

    found = coverage_problems(e, HQ)
    got = {(r.level, r.kind, r.grid_id) for r in found.itertuples()}
    assert got == {
        (1, "gap", int(child.parent_id)),
        (1, "overlap", min(taker, victim)),
        (2, "gap", taker),
    }
    gap = found[(found.level == 1) & (found.kind == "gap")].iloc[0]
    assert gap.area_km2 == pytest.approx(geodesic_km2(hole), rel=0.01)
    assert hole.contains(shapely.Point(gap.lon, gap.lat))
    with e.connect() as conn:
        names = dict(conn.execute(select(Village.id, Village.name)).all())
        vgeo = dict(conn.execute(select(Village.name, Village.geometry)).all())
    holder = next(n for n, t in vgeo.items() if from_geojson(t).contains(hole.centroid))
    assert holder in gap.villages.split("、") and names
    overlap = found[found.kind == "overlap"].iloc[0]
    assert {overlap.grid_id, overlap.other_grid_id} == {taker, victim}
    assert overlap.area_km2 == pytest.approx(geodesic_km2(grab), rel=0.01)
    # the taker's level-2 grids do not cover the grabbed square: a gap inside it
    inner_gap = found[(found.level == 2)].iloc[0]
    assert inner_gap.area_km2 == pytest.approx(geodesic_km2(grab), rel=0.01)
    assert grab.contains(shapely.Point(inner_gap.lon, inner_gap.lat))
    assert outside_parent(e, HQ).empty  # the hole is < 1 % of the biggest grid


def test_staffing_gaps_are_listed_per_grid(fresh_county):
    e = fresh_county
    with e.connect() as conn:
        staff = read_frame(
            conn,
            select(GridStaff.grid_id, GridStaff.manager_id, GridStaff.post, Grid.branch_id)
            .join(Grid, Grid.id == GridStaff.grid_id)
            .order_by(GridStaff.grid_id),
        )
        liaisons = read_frame(
            conn, select(Liaison.grid_id, func.count().label("n")).group_by(Liaison.grid_id)
        )
    grid_ids = sorted(int(i) for i in staff.grid_id.unique())
    no_b, no_a, few, many = grid_ids[0], grid_ids[1], grid_ids[2], grid_ids[-1]
    branch_of = dict(zip(staff.grid_id, staff.branch_id, strict=False))
    with e.begin() as conn:
        conn.execute(delete(GridStaff).where(GridStaff.grid_id == no_b, GridStaff.post == "B"))
        conn.execute(delete(GridStaff).where(GridStaff.grid_id == no_a, GridStaff.post == "A"))
        keep = conn.execute(select(func.min(Liaison.id)).where(Liaison.grid_id == few)).scalar()
        conn.execute(delete(Liaison).where(Liaison.grid_id == few, Liaison.id != keep))
        current = int(liaisons.set_index("grid_id").n[many])
        conn.execute(
            insert(Liaison),
            [
                {"grid_id": many, "name": f"联络员{i}", "role": "村干部", "phone": "13800000000"}
                for i in range(6 - current)
            ],
        )
    found = staffing_gaps(e, HQ)
    got = {(r.grid_id, r.problem, r.count) for r in found.itertuples()}
    assert got == {
        (no_b, "no_b", 1),
        (no_a, "no_a", 1),
        (few, "few_liaisons", 1),
        (many, "many_liaisons", 6),
    }
    summary = summarize(
        pd.DataFrame({"customers": []}), pd.DataFrame({"kind": []}), pd.DataFrame(), found
    )
    assert (summary["missing_post"], summary["few_liaisons"]) == (2, 1)

    # a post held by a deactivated manager is vacant
    a_holder = int(staff[(staff.grid_id == few) & (staff.post == "A")].manager_id.iloc[0])
    with e.begin() as conn:
        conn.execute(update(Manager).where(Manager.id == a_holder).values(active=False))
    vacated = staffing_gaps(e, HQ)
    held = staff[staff.manager_id == a_holder]
    expected = {(int(r.grid_id), "no_" + r.post.lower()) for r in held.itertuples()}
    got = {(r.grid_id, r.problem) for r in vacated.itertuples() if r.problem.startswith("no_")}
    assert expected <= got

    scoped = staffing_gaps(e, Scope("branch", branch_id=int(branch_of[many])))
    assert set(scoped.branch_id) == {branch_of[many]} and many in set(scoped.grid_id)


# ---- the page ---------------------------------------------------------------------------


@pytest.fixture
def app(sqlite_seeded_url, monkeypatch, navigation_mode):
    """The app in st.navigation mode (see conftest)."""
    monkeypatch.setenv("DATABASE_URL", sqlite_seeded_url)
    monkeypatch.delenv("GM_LANGUAGE", raising=False)
    monkeypatch.delenv("GM_DEMO_ACCOUNTS", raising=False)
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)


def sign_in(at: AppTest, username: str) -> AppTest:
    at.run()
    at.text_input(key="signin_username").input(username)
    at.text_input(key="signin_password").input("demo")
    at.button(key="FormSubmitter:sign_in-登录").click()
    return at.run()


def test_audit_page_for_head_office(app):
    sign_in(app, "hq")
    app.switch_page("pages/audit.py").run()
    assert not app.exception
    assert app.title[0].value == "四定审计"
    values = {m.label: m.value for m in app.metric}
    assert values["盲区客户"] == "0" and values["网格空白"] == "0"
    assert [t.label for t in app.tabs] == ["定格", "定岗定员", "入格率"]
    rates = app.dataframe(key="audit_rate_grid").value
    assert len(rates) == 155
    app.segmented_control(key="audit_by").set_value("village").run()
    assert not app.exception
    assert {m.label: m.value for m in app.metric}["入格率"] == "100.0%"
    app.session_state["audit_rate_village"] = {"selection": {"rows": [0], "columns": []}}
    app.run()
    app.button(key="audit_rate_village_map").click().run()
    assert not app.exception
    assert app.session_state["map_grid"] > 0
    assert app.title[0].value == "网格地图"
