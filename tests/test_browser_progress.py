"""The progress page in Debian's Chromium: a branch leader sees only their own managers, and
a lag warning for the manager the demo plants behind time progress; nothing leaves
127.0.0.1. A screenshot of the page goes to test-results/."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from sqlalchemy import text

from core.db import make_engine
from tests.browser_helpers import FIRST_LOAD_MS, RESULTS, sign_in
from tests.browser_server import streamlit_server

pytestmark = pytest.mark.browser
MAIN = '[data-testid="stMain"]'
GRID = '[data-testid="stDataFrame"]'


@pytest.fixture(scope="module")
def base_url(sqlite_seeded_url):
    with streamlit_server(sqlite_seeded_url) as base:
        yield base


def query(url, sql):
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql)).scalars().all()
    finally:
        engine.dispose()


def manager_column(page: Page) -> list[str]:
    """The names in the ranking table of managers (Streamlit draws tables on a canvas; its
    accessible grid holds the same cells)."""
    table = page.locator(GRID).filter(has=page.locator("th", has_text="客户经理")).first
    cells = table.locator('table[role="grid"] td[aria-colindex="1"]')
    expect(cells.first).to_be_attached(timeout=FIRST_LOAD_MS)
    return [c.strip() for c in cells.all_inner_texts()]


def test_branch_leader_sees_their_managers_and_the_laggard_warning(
    base_url, make_guarded, sqlite_seeded_url
):
    guarded = make_guarded(width=1400, height=2600)
    page = guarded.new_page()
    sign_in(page, base_url, "branch", guarded)
    page.goto(base_url + "/progress")
    main = page.locator(MAIN)
    expect(main.get_by_role("heading", name="业绩进度")).to_be_visible(timeout=FIRST_LOAD_MS)
    expect(main.get_by_text("营业部 · 下级排名", exact=False)).to_be_visible()

    mine = set(query(sqlite_seeded_url, "SELECT name FROM manager WHERE branch_id = 1"))
    others = set(query(sqlite_seeded_url, "SELECT name FROM manager WHERE branch_id <> 1"))
    shown = manager_column(page)
    assert set(shown) == mine, shown  # every manager of the branch, nobody else
    assert not set(shown) & (others - mine)
    expect(main.get_by_text("支行", exact=True)).to_have_count(0)  # no branch picker

    laggard = query(
        sqlite_seeded_url,
        "SELECT name FROM manager WHERE id = (SELECT MAX(id) FROM manager WHERE branch_id = 1)",
    )[0]
    warning = main.locator('[data-testid="stAlertContentWarning"]')
    expect(warning).to_contain_text(f"客户经理 {laggard}")
    expect(warning).to_contain_text("落后")
    first = warning.locator("li").first
    expect(first).to_contain_text(laggard)  # the furthest behind is listed first
    for name in others - mine:
        expect(warning).not_to_contain_text(name)

    # the charts drew (plotly's SVG), and nothing failed
    expect(page.locator('[data-testid="stPlotlyChart"] .main-svg').first).to_be_visible()
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTS / "progress-branch.png"), full_page=True)
    guarded.assert_offline()


def test_head_office_drills_down_to_a_branch(base_url, make_guarded, sqlite_seeded_url):
    guarded = make_guarded(width=1400, height=1600)
    page = guarded.new_page()
    sign_in(page, base_url, "hq", guarded)
    page.goto(base_url + "/progress")
    main = page.locator(MAIN)
    expect(main.get_by_text("全行 · 下级排名", exact=False)).to_be_visible(timeout=FIRST_LOAD_MS)
    picker = main.locator('[data-testid="stSelectbox"]').filter(has_text="支行")
    option = page.get_by_role("option", name="营业部", exact=True)
    for _ in range(3):  # on a loaded machine a click can land while the page still reruns
        picker.get_by_role("combobox").click()
        try:
            option.click(timeout=10_000)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    else:
        raise AssertionError("the branch picker did not open")
    expect(main.get_by_text("营业部 · 下级排名", exact=False)).to_be_visible()
    mine = set(query(sqlite_seeded_url, "SELECT name FROM manager WHERE branch_id = 1"))
    expect(page.locator(GRID).filter(has=page.locator("th", has_text="客户经理"))).to_have_count(1)
    assert set(manager_column(page)) == mine
    guarded.assert_offline()
