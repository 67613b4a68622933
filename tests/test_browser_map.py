"""The grid pages in Debian's Chromium: the map draws exactly the scope's grids, a click opens
a grid's card, GeoJSON and zipped Shapefile imports work from the page, nothing leaves
127.0.0.1. Runs on a county of its own (the imports change it)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
from playwright.sync_api import expect
from shapely.geometry import shape

from tests.browser_helpers import FIRST_LOAD_MS, sign_in
from tests.browser_server import streamlit_server
from tests.helpers import query

pytestmark = pytest.mark.browser
MAP = 'iframe[title="streamlit_folium.st_folium"]'


@pytest.fixture
def guarded(make_guarded):
    """A desktop-sized window: the whole map in view. (Seen here: with the map's lower edge
    below the window, headless Chromium sent clicks on the map to its container.)"""
    return make_guarded(width=1440, height=1000)


@pytest.fixture(scope="module")
def base_url(county_url):
    with streamlit_server(county_url) as base:
        yield base


def open_map(page, base_url):
    page.goto(base_url + "/map")
    frame = page.frame_locator(MAP)
    expect(frame.locator("path.grid-l1").first).to_be_attached(timeout=FIRST_LOAD_MS)
    return frame


@pytest.mark.parametrize("username", ["hq", "branch", "manager"])
def test_the_map_draws_exactly_the_grids_of_the_scope(base_url, county_url, guarded, username):
    page = guarded.new_page()
    sign_in(page, base_url, username, guarded)
    user = query(
        county_url,
        "SELECT role, branch_id, manager_id FROM app_user WHERE username = :u",
        u=username,
    )[0]
    if user.role == "hq":
        level2 = query(county_url, "SELECT COUNT(*) FROM grid WHERE level = 2")[0][0]
    elif user.role == "branch":
        level2 = query(
            county_url,
            "SELECT COUNT(*) FROM grid WHERE level = 2 AND branch_id = :b",
            b=user.branch_id,
        )[0][0]
    else:
        level2 = query(
            county_url,
            "SELECT COUNT(DISTINCT grid_id) FROM grid_staff WHERE manager_id = :m",
            m=user.manager_id,
        )[0][0]
    frame = open_map(page, base_url)
    expect(frame.locator("path.grid-l2")).to_have_count(level2)
    expect(frame.locator("path.grid-l1")).to_have_count(21 if user.role == "hq" else 1)
    guarded.assert_offline()


def test_names_show_by_zoom_over_the_territory(base_url, guarded):
    """Township names show at the county's zoom; village and level-2 grid names wait for a
    zoom where they fit (hidden at the county's zoom, shown zoomed in); the territory is one
    entry of the layer control."""
    page = guarded.new_page()
    sign_in(page, base_url, "hq", guarded)
    frame = open_map(page, base_url)
    towns = frame.locator(".town-label span")
    villages = frame.locator(".village-label span")
    grids2 = frame.locator(".grid-label-l2 span")
    expect(towns.first).to_be_visible()
    expect(villages).not_to_have_count(0)
    expect(grids2).not_to_have_count(0)
    map_frame = next(f for f in page.frames if "streamlit_folium" in f.url)
    assert map_frame.evaluate("() => window.map.getZoom()") <= 10  # the whole county
    for label in (villages, grids2):
        for i in range(label.count()):
            expect(label.nth(i)).to_be_hidden()
    map_frame.evaluate("() => window.map.setZoom(18, {animate: false})")
    expect(villages.first).to_be_visible()
    expect(grids2.first).to_be_visible()
    expect(towns.first).to_be_visible()
    expect(frame.locator(".leaflet-control-layers-overlays label")).to_have_text("乡镇/村社区")
    guarded.assert_offline()


def click_inside(page, lon: float, lat: float) -> None:
    """A real mouse click at a map position (the grid's representative point)."""
    frame = next(f for f in page.frames if "streamlit_folium" in f.url)
    x, y = frame.evaluate(
        "([lat, lon]) => { const p = window.map.latLngToContainerPoint([lat, lon]);"
        " const r = window.map.getContainer().getBoundingClientRect();"
        " return [p.x + r.left, p.y + r.top]; }",
        [lat, lon],
    )
    box = page.locator(MAP).bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)


def test_clicking_a_grid_opens_its_card(base_url, county_url, guarded):
    page = guarded.new_page()
    sign_in(page, base_url, "branch", guarded)
    branch_id = query(county_url, "SELECT branch_id FROM app_user WHERE username = 'branch'")[0][0]
    grids = branch_grids(county_url, branch_id)
    target = grids.loc[grids.geometry.map(lambda g: g.area).idxmax()]  # degrees² suffice
    point = target.geometry.representative_point()
    frame = open_map(page, base_url)
    expect(frame.locator("path.grid-l2")).to_have_count(len(grids))
    click_inside(page, point.x, point.y)
    card = page.locator('[data-testid="stMain"] h3').first
    expect(card).to_have_text(target["name"], timeout=FIRST_LOAD_MS)
    expect(page.get_by_text("A岗客户经理")).to_be_visible()
    guarded.assert_offline()


def branch_grids(county_url, branch_id) -> gpd.GeoDataFrame:
    rows = query(
        county_url,
        "SELECT code, name, geometry FROM grid WHERE level = 2 AND branch_id = :b ORDER BY code",
        b=branch_id,
    )
    return gpd.GeoDataFrame(
        {"code": [r.code for r in rows], "name": [r.name for r in rows]},
        geometry=[shape(json.loads(r.geometry)) for r in rows],
        crs=4326,
    )


def upload_and_apply(page, base_url, path: Path):
    page.goto(base_url + "/grids")
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(path))
    # the file is on the server once its chip shows without a spinner: a click before that
    # reruns the page with no file yet (a loaded machine showed the race)
    expect(page.locator('[data-testid="stFileChip"]')).to_be_visible(timeout=FIRST_LOAD_MS)
    expect(page.locator('[data-testid="stFileChipIconSpinner"]')).to_have_count(
        0, timeout=FIRST_LOAD_MS
    )
    page.get_by_role("button", name="读取并检查").click()
    expect(page.get_by_text("待确认的变更")).to_be_visible(timeout=FIRST_LOAD_MS)
    page.get_by_role("button", name="确认应用").click()
    expect(page.get_by_text("已应用为版本")).to_be_visible(timeout=FIRST_LOAD_MS)


@pytest.mark.parametrize("kind", ["geojson", "shapefile"])
def test_importing_grids_from_the_page(base_url, county_url, guarded, tmp_path, kind):
    page = guarded.new_page()
    sign_in(page, base_url, "branch", guarded)
    branch_id = query(county_url, "SELECT branch_id FROM app_user WHERE username = 'branch'")[0][0]
    grids = branch_grids(county_url, branch_id)
    grids["name"] = [f"{n}({kind})" for n in grids["name"]]  # renamed by the import
    if kind == "geojson":
        path = tmp_path / "grids.geojson"
        grids.to_file(path, driver="GeoJSON")
    else:
        folder = tmp_path / "shp"
        folder.mkdir()
        grids.to_file(folder / "grids.shp", driver="ESRI Shapefile", encoding="utf-8")
        path = tmp_path / "grids.zip"
        with zipfile.ZipFile(path, "w") as z:
            for f in folder.iterdir():
                z.write(f, f"grids/{f.name}")
    upload_and_apply(page, base_url, path)
    names = [
        r[0]
        for r in query(
            county_url,
            "SELECT name FROM grid WHERE level = 2 AND branch_id = :b ORDER BY code",
            b=branch_id,
        )
    ]
    assert names == list(grids["name"])
    blind = query(county_url, "SELECT COUNT(*) FROM customer WHERE grid2_id IS NULL")[0][0]
    assert blind == 0
    guarded.assert_offline()
