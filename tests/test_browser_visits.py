"""The manager's week in Debian's Chromium: tick a visit, save the plan, see the route drawn,
check in with the browser's position and log the visit, and the week shows it logged;
nothing leaves 127.0.0.1."""

from __future__ import annotations

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from tests.browser_helpers import FIRST_LOAD_MS, METRIC, sign_in, wait_until_idle
from tests.browser_server import streamlit_server
from tests.helpers import scalar

pytestmark = pytest.mark.browser
MAP = 'iframe[title="streamlit_folium.st_folium"]'


@pytest.fixture(scope="module")
def base_url(county_url):
    with streamlit_server(county_url) as base:
        yield base


@pytest.fixture
def guarded(make_guarded):
    return make_guarded(width=1440, height=1100)


IN_GRID = (
    "document.activeElement && document.activeElement.closest('[data-testid=\"stDataFrame\"]')"
)


def focus_first_tick(page) -> None:
    """Select the first row's tick-box cell. The click lands near the cell's left edge, off
    the box itself (a click on the box ticks it, and the space bar would untick it). A
    click that lands while a rerun redraws the grid selects nothing (the grid takes no
    focus): then the grid is found again and clicked again, until it holds the focus (a
    page under load can take a few redraws)."""
    for _ in range(20):
        box = grid_box(page)
        page.mouse.click(box["x"] + 6, box["y"] + 35 + 17)
        try:
            page.wait_for_function(IN_GRID, timeout=2_000)
            return
        except PlaywrightTimeout:
            continue
    raise AssertionError("the planner's grid never took the focus")


def grid_box(page) -> dict:
    """Where the planner's grid is drawn, once it has settled (a rerun redraws it, and a
    box asked for in between comes back empty): polled, not waited for blindly."""
    grid = page.locator('[data-testid="stDataFrame"] canvas').first
    for _ in range(100):
        expect(grid).to_be_visible(timeout=FIRST_LOAD_MS)
        box = grid.bounding_box()
        if box and box["height"] > 40:
            return box
        page.wait_for_timeout(100)  # polling interval
    raise AssertionError("the planner's grid never settled")


def metric(page, label: str):
    return page.locator(METRIC).filter(has_text=label)


def test_pick_save_route_log_and_see_it_logged(base_url, county_url, guarded):
    page = guarded.new_page()
    sign_in(page, base_url, "manager", guarded)
    page.goto(base_url + "/visits")
    expect(page.get_by_role("heading", name="走访计划")).to_be_visible(timeout=FIRST_LOAD_MS)
    page.get_by_role("button", name="清空").click()
    expect(metric(page, "本周已选")).to_contain_text("0 / 36", timeout=FIRST_LOAD_MS)
    wait_until_idle(page)  # the list is redrawn after the metric: click the new one

    # tick the first customer of the list: select its tick-box cell (the grid's first
    # column, below the header row) and press the space bar, as a keyboard user does
    focus_first_tick(page)
    page.keyboard.press(" ")
    expect(metric(page, "本周已选")).to_contain_text("1 / 36", timeout=FIRST_LOAD_MS)

    page.get_by_role("button", name="保存计划并排路线").click()
    expect(page.get_by_text("路线已按天排好")).to_be_visible(timeout=FIRST_LOAD_MS)
    item = scalar(county_url, "SELECT customer_id FROM visit_plan_item")
    assert scalar(county_url, "SELECT COUNT(*) FROM visit_plan_item") == 1

    page.get_by_role("radio", name="路线与清单").click()
    frame = page.frame_locator(MAP)
    expect(frame.locator("path.route-day")).to_have_count(1, timeout=FIRST_LOAD_MS)
    expect(frame.locator(".route-stop")).to_have_count(1)
    expect(metric(page, "本周已登记")).to_contain_text("0 / 1")

    # log the visit, checking in with the browser's position (granted, 100 m east)
    lon, lat = (
        scalar(county_url, f"SELECT {c} FROM customer WHERE id = :i", i=item)
        for c in ("lon", "lat")
    )
    guarded.context.grant_permissions(["geolocation"], origin=base_url)
    guarded.context.set_geolocation({"longitude": lon + 0.001, "latitude": lat, "accuracy": 15})
    page.goto(base_url + "/visit_log")
    expect(page.get_by_role("heading", name="走访登记")).to_be_visible(timeout=FIRST_LOAD_MS)
    locate = page.frame_locator('iframe[title="core.ui.visit_log.checkin_position"]')
    locate.get_by_role("button").click()
    # both coordinates arrive as one reading: wait until BOTH fields show it
    expect(page.get_by_label("签到经度")).to_have_value(f"{lon + 0.001:.6f}", timeout=FIRST_LOAD_MS)
    expect(page.get_by_label("签到纬度")).to_have_value(f"{lat:.6f}", timeout=FIRST_LOAD_MS)
    page.get_by_label("备注").fill("客户有意办理定期")
    page.get_by_role("button", name="保存走访").click()
    expect(page.get_by_text("已保存走访记录")).to_be_visible(timeout=FIRST_LOAD_MS)
    page.get_by_role("button", name="保存走访").click()  # sent again: stored once
    expect(page.get_by_text("未重复保存")).to_be_visible(timeout=FIRST_LOAD_MS)
    assert scalar(county_url, "SELECT COUNT(*) FROM visit WHERE client_token IS NOT NULL") == 1
    assert (
        scalar(county_url, "SELECT checkin_source FROM visit WHERE client_token IS NOT NULL")
        == "browser"
    )
    saved = [
        scalar(county_url, f"SELECT {c} FROM visit WHERE client_token IS NOT NULL")
        for c in ("lon", "lat")
    ]
    assert saved == pytest.approx([lon + 0.001, lat], abs=1e-6)  # both coordinates stored

    # the week shows it logged
    page.goto(base_url + "/visits")
    expect(page.get_by_role("heading", name="走访计划")).to_be_visible(timeout=FIRST_LOAD_MS)
    page.get_by_role("radio", name="路线与清单").click()
    expect(metric(page, "本周已登记")).to_contain_text("1 / 1", timeout=FIRST_LOAD_MS)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
