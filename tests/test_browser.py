"""The real app in Debian's Chromium: sign-in, the sign-in cookie, sign-out, Overview by role.

Every request the browser makes is checked: only loopback, ``data:`` and ``blob:`` may pass
(a bank intranet has no internet), anything else is recorded, aborted and fails the test.
Uses the Playwright sync API directly (no pytest-playwright) and never downloads a browser.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from core.access import auth
from core.db import make_engine
from tests.browser_helpers import (
    COOKIE,
    DIALOG,
    FIRST_LOAD_MS,
    FORM,
    METRIC,
    RESULTS,
    SIDEBAR,
    expect_overview,
    expect_sign_in_form,
    is_local,
    metric_value,
    sign_in,
    submit_sign_in,
)
from tests.browser_server import streamlit_server

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def base_url(sqlite_seeded_url):
    with streamlit_server(sqlite_seeded_url) as base:
        yield base


def test_hq_signs_in_and_sees_the_overview_offline(base_url, make_guarded):
    guarded = make_guarded(width=1400, height=1800)  # the whole page fits the screenshot
    page = guarded.new_page()
    sign_in(page, base_url, "hq", guarded)

    customers = metric_value(page, "客户总数")
    assert re.fullmatch(r"\d{1,3}(,\d{3})*", customers), customers
    assert int(customers.replace(",", "")) > 0
    existing = int(metric_value(page, "存量客户").replace(",", ""))
    potential = int(metric_value(page, "潜在客户").replace(",", ""))
    assert existing + potential == int(customers.replace(",", ""))
    rate = metric_value(page, "入格率")
    assert re.fullmatch(r"\d{1,3}\.\d%", rate), rate
    assert 0 < float(rate[:-1]) <= 100
    assert re.fullmatch(r"\d+ / \d+", metric_value(page, "一级/二级网格"))

    main = page.locator('[data-testid="stMain"]')
    expect(main.get_by_role("heading", name="总览")).to_be_visible()
    expect(main).to_contain_text("分支行明细")  # hq sees the table by branch
    expect(page.locator(SIDEBAR)).to_contain_text("总行")
    expect(page.locator('[data-testid="stPlotlyChart"] .main-svg').first).to_be_visible()
    expect(page.locator('[data-testid="stDataFrame"]')).to_be_visible()
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)

    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTS / "overview-hq.png"), full_page=True)
    guarded.assert_offline()


def test_sign_in_survives_reload_and_a_new_tab(base_url, guarded):
    page = guarded.new_page()
    sign_in(page, base_url, "hq", guarded)

    page.reload()
    expect_overview(page)
    assert metric_value(page, "客户总数") != "0"

    tab = guarded.new_page()  # shares the context's cookies
    tab.goto(base_url + "/overview")
    expect_overview(tab)
    expect(tab.locator(DIALOG)).to_have_count(0)  # no 'Page not found'
    expect(tab.locator(SIDEBAR).get_by_role("button", name="退出登录")).to_be_visible()
    guarded.assert_offline()


def test_wrong_password_and_unknown_user_are_refused(base_url, guarded):
    page = guarded.new_page()
    submit_sign_in(page, base_url, "hq", "not-the-password")
    expect(page.get_by_text("登录失败")).to_be_visible()  # one message for every reason
    expect(page.locator(METRIC)).to_have_count(0)
    expect(page.locator(FORM)).to_be_visible()
    assert guarded.cookie() is None

    submit_sign_in(page, base_url, "nobody-here", "demo")
    expect(page.get_by_text("登录失败")).to_have_count(1)
    expect(page.get_by_text("用户名不存在")).to_have_count(0)  # never says which was wrong
    expect(page.locator(METRIC)).to_have_count(0)
    assert guarded.cookie() is None
    assert "gm_session=" not in page.evaluate("document.cookie")
    guarded.assert_offline()


def test_sign_out_ends_the_session_everywhere(base_url, guarded):
    page = guarded.new_page()
    token = sign_in(page, base_url, "hq", guarded)
    other_tab = guarded.new_page()  # a second tab, signed in through the shared cookie
    other_tab.goto(base_url + "/overview")
    expect_overview(other_tab)

    page.locator(SIDEBAR).get_by_role("button", name="退出登录").click()
    expect_sign_in_form(page)
    expect(page.get_by_text("已退出登录")).to_be_visible()
    page.wait_for_function(f"!document.cookie.includes('{COOKIE}=')")
    assert guarded.cookie() is None

    # the other tab still shows the Overview; its next click finds the session revoked
    other_tab.locator(SIDEBAR).get_by_text("English").click()
    expect_sign_in_form(other_tab)

    # a new page opening /overview, even with a copy of the old cookie (as another tab or
    # browser may still hold), gets the sign-in form: the session is revoked in the database
    guarded.context.add_cookies([{"name": COOKIE, "value": token, "url": base_url}])
    fresh = guarded.new_page()
    fresh.goto(base_url + "/overview")
    expect_sign_in_form(fresh)
    guarded.assert_offline()


@pytest.mark.parametrize(
    "username, heading, not_heading",
    [
        ("branch", "客户经理明细", "分支行明细"),
        ("manager", "网格明细", "客户经理明细"),
    ],
)
def test_overview_table_follows_the_role(base_url, guarded, username, heading, not_heading):
    page = guarded.new_page()
    sign_in(page, base_url, username, guarded)
    main = page.locator('[data-testid="stMain"]')
    expect(main.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    expect(main.get_by_role("heading", name=not_heading, exact=True)).to_have_count(0)
    assert int(metric_value(page, "客户总数").replace(",", "")) > 0
    guarded.assert_offline()


# ---- once-found bugs: a public favicon, and 'Page not found' on a bookmarked address ---------


def test_favicon_stays_on_the_machine(base_url, guarded):
    page = guarded.new_page()
    page.goto(base_url)
    expect(page.get_by_label("用户名")).to_be_visible(timeout=FIRST_LOAD_MS)
    favicon = page.evaluate("document.querySelector(\"link[rel='shortcut icon']\").href")
    assert is_local(favicon), f"favicon from outside the machine: {favicon}"
    assert not guarded.outside, guarded.outside


def test_bookmarked_overview_opens_without_page_not_found(base_url, guarded, sqlite_seeded_url):
    # signed out: the bookmark should show a usable sign-in form
    page = guarded.new_page()
    page.goto(base_url + "/overview")
    expect_sign_in_form(page)
    expect(page.locator(DIALOG)).to_have_count(0, timeout=1_000)

    # signed in (a session started in the database, as the sign-in form would)
    engine = make_engine(sqlite_seeded_url)
    try:
        token = auth.start_session(engine, auth.authenticate(engine, "hq", "demo"))
    finally:
        engine.dispose()
    guarded.context.add_cookies([{"name": COOKIE, "value": token, "url": base_url}])
    page.goto(base_url + "/overview")
    expect_overview(page)
    expect(page.locator(DIALOG)).to_have_count(0, timeout=1_000)
    page.locator(SIDEBAR).get_by_text("English").click(timeout=5_000)  # usable, not inert
