"""The explorer and the customer view in Debian's Chromium: a filter changes the figures,
each view draws, a customer opens with their trend and offers; nothing leaves 127.0.0.1."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser_helpers import FIRST_LOAD_MS, METRIC, metric_value, sign_in
from tests.browser_server import streamlit_server
from tests.helpers import scalar

pytestmark = pytest.mark.browser
MAP = 'iframe[title="streamlit_folium.st_folium"]'


@pytest.fixture(scope="module")
def base_url(sqlite_seeded_url):
    with streamlit_server(sqlite_seeded_url) as base:
        yield base


@pytest.fixture
def guarded(make_guarded):
    return make_guarded(width=1440, height=1100)


def number(text_: str) -> int:
    return int(text_.replace(",", ""))


def test_the_explorer_filters_and_draws_every_view(base_url, sqlite_seeded_url, guarded):
    page = guarded.new_page()
    sign_in(page, base_url, "branch", guarded)
    page.goto(base_url + "/segments")
    expect(page.get_by_role("heading", name="客群探索")).to_be_visible(timeout=FIRST_LOAD_MS)
    branch = scalar(sqlite_seeded_url, "SELECT branch_id FROM app_user WHERE username = 'branch'")
    everyone = scalar(
        sqlite_seeded_url, "SELECT COUNT(*) FROM customer WHERE branch_id = :b", b=branch
    )
    expect(page.locator(METRIC).first).to_contain_text(f"{everyone:,}")
    assert number(metric_value(page, "客户数")) == everyone
    expect(page.locator('[data-testid="stPlotlyChart"] .main-svg').first).to_be_visible()

    # pick a tag in the multiselect: the figures follow at once
    page.get_by_text("标签(同时满足)").locator("xpath=following::input[1]").click()
    page.get_by_role("option", name="他行资金").click()
    page.keyboard.press("Escape")
    bit = scalar(sqlite_seeded_url, "SELECT bit FROM tag WHERE code = 'other_bank_funds'")
    tagged = scalar(
        sqlite_seeded_url,
        f"SELECT COUNT(*) FROM customer c JOIN customer_profile p ON p.customer_id = c.id WHERE c.branch_id = :b "
        f"AND (p.tag_mask >> {bit}) & 1 = 1",
        b=branch,
    )
    expect(page.locator(METRIC).first).to_contain_text(f"{tagged:,}", timeout=FIRST_LOAD_MS)
    assert 0 < tagged < everyone

    for view, check in (
        ("二八分布", '[data-testid="stPlotlyChart"] .main-svg'),
        ("产品渗透", '[data-testid="stPlotlyChart"] .main-svg'),
        ("客户名单", '[data-testid="stDataFrame"]'),
    ):
        page.get_by_role("radio", name=view).click()
        expect(page.locator(check).first).to_be_visible(timeout=FIRST_LOAD_MS)
    page.get_by_role("radio", name="网格分布").click()
    frame = page.frame_locator(MAP)
    level2 = scalar(
        sqlite_seeded_url,
        "SELECT COUNT(*) FROM grid WHERE level = 2 AND dimension = 'region' AND branch_id = :b",
        b=branch,
    )
    expect(frame.locator("path.grid-l2")).to_have_count(level2, timeout=FIRST_LOAD_MS)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)


def test_the_customer_view_shows_a_customer_of_the_scope(base_url, sqlite_seeded_url, guarded):
    page = guarded.new_page()
    sign_in(page, base_url, "manager", guarded)
    manager = scalar(
        sqlite_seeded_url, "SELECT manager_id FROM app_user WHERE username = 'manager'"
    )
    cust_no = scalar(
        sqlite_seeded_url,
        "SELECT cust_no FROM customer WHERE manager_id = :m "
        "AND status = 'active' AND opened_on < '2025-06-01' "
        "ORDER BY deposit_balance DESC",
        m=manager,
    )
    phone = scalar(sqlite_seeded_url, "SELECT phone FROM customer WHERE cust_no = :c", c=cust_no)
    page.goto(base_url + "/customer")
    search = page.get_by_label("查找客户(客户号或姓名)")
    expect(search).to_be_visible(timeout=FIRST_LOAD_MS)
    search.fill(cust_no)
    search.press("Enter")
    main = page.locator('[data-testid="stMain"]')
    expect(main.get_by_role("heading", name=cust_no)).to_be_visible(timeout=FIRST_LOAD_MS)
    expect(main).to_contain_text("推荐产品")
    expect(main).to_contain_text(phone)  # their own customer: the phone in full
    expect(page.locator('[data-testid="stPlotlyChart"] .main-svg').first).to_be_visible()
    expect(main.get_by_role("tab")).to_have_count(3)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
