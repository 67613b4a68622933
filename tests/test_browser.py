"""The real app in Debian's Chromium: sign-in, the sign-in cookie, sign-out, Overview by role.

Every request the browser makes is checked: only loopback, ``data:`` and ``blob:`` may pass
(a bank intranet has no internet), anything else is recorded, aborted and fails the test.
Uses the Playwright sync API directly (no pytest-playwright) and never downloads a browser.
"""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from playwright.sync_api import Page, expect, sync_playwright

from core.access import auth
from core.db import make_engine
from tests.browser_server import streamlit_server

# Debian's Chromium; `make test` installs it when missing. No skip: a missing browser must
# fail the suite, not hide the browser tests.
CHROMIUM = Path("/usr/bin/chromium")

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "test-results"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
]
LOOPBACK = {"127.0.0.1", "localhost", "[::1]", "::1"}
FIRST_LOAD_MS = 30_000
COOKIE = "gm_session"

METRIC = '[data-testid="stMetric"]'
METRIC_VALUE = '[data-testid="stMetricValue"]'
METRIC_LABEL = '[data-testid="stMetricLabel"]'
SIDEBAR = '[data-testid="stSidebar"]'
FORM = '[data-testid="stForm"]'
DIALOG = '[data-testid="stDialog"]'
METRIC_LABELS = ("客户总数", "存量客户", "潜在客户", "入格率", "建档率", "存款余额(万元)",
                 "贷款余额(万元)", "客户经理", "一级/二级网格")


def is_local(url: str) -> bool:
    if url.startswith(("data:", "blob:", "about:")):
        return True
    return urlsplit(url).hostname in LOOPBACK


# ---- fixtures ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def base_url(sqlite_seeded_url):
    with streamlit_server(sqlite_seeded_url) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Guarded:
    """A browser context whose every request and websocket goes through a loopback guard."""

    def __init__(self, browser, viewport: dict | None = None):
        self.outside: list[str] = []  # non-loopback URLs the browser tried to reach
        self.context = browser.new_context(viewport=viewport or {"width": 1280, "height": 800},
                                           locale="zh-CN")
        self.context.route("**/*", self._route)
        self.context.on("request", lambda request: self._note(request.url))
        self.context.on("page", self._watch)

    def _note(self, url: str) -> None:
        if not is_local(url):
            self.outside.append(url)

    def _route(self, route) -> None:
        if is_local(route.request.url):
            route.continue_()
        else:
            self._note(route.request.url)
            route.abort()

    def _watch(self, page: Page) -> None:
        page.on("websocket", lambda ws: self._note(ws.url))

    def new_page(self) -> Page:
        page = self.context.new_page()
        page.set_default_timeout(FIRST_LOAD_MS)
        return page

    def cookie(self) -> str | None:
        return next((c["value"] for c in self.context.cookies() if c["name"] == COOKIE), None)

    def assert_offline(self) -> None:
        """Nothing tried to leave loopback."""
        assert not self.outside, f"the browser tried to leave the machine: {self.outside}"


@pytest.fixture
def make_guarded(browser):
    """Make fresh contexts (no cookies); fails the test if any of them left loopback."""
    made: list[Guarded] = []

    def make(**viewport) -> Guarded:
        made.append(Guarded(browser, viewport or None))
        return made[-1]

    yield make
    for guarded in made:
        guarded.context.close()
    for guarded in made:
        guarded.assert_offline()


@pytest.fixture
def guarded(make_guarded) -> Guarded:
    """A fresh context of its own for a test."""
    return make_guarded()


# ---- helpers ----------------------------------------------------------------------------

def submit_sign_in(page: Page, base: str, username: str, password: str) -> None:
    if not page.url.startswith(base):
        page.goto(base)
    expect(page.get_by_label("用户名")).to_be_visible(timeout=FIRST_LOAD_MS)
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录", exact=True).click()


def expect_overview(page: Page) -> None:
    """The Overview with all eight metrics, and no sign-in form."""
    metrics = page.locator(METRIC)
    expect(metrics).to_have_count(len(METRIC_LABELS), timeout=FIRST_LOAD_MS)
    expect(page.locator(METRIC_LABEL)).to_have_text(list(METRIC_LABELS))
    expect(page.locator(FORM)).to_have_count(0)
    expect(page.get_by_label("密码")).to_have_count(0)


def expect_sign_in_form(page: Page) -> None:
    """The sign-in form (in either language) and no Overview metric."""
    expect(page.locator(FORM)).to_be_visible(timeout=FIRST_LOAD_MS)
    expect(page.locator(FORM).locator('input[type="password"]')).to_be_visible()
    expect(page.locator(METRIC)).to_have_count(0)


def sign_in(page: Page, base: str, username: str, guarded: Guarded) -> str:
    """Sign in with the demo password; return the token the browser's cookie now holds."""
    submit_sign_in(page, base, username, "demo")
    expect_overview(page)
    # the cookie is written by a script in the run after the sign-in
    page.wait_for_function(f"document.cookie.includes('{COOKIE}=')")
    token = guarded.cookie()
    assert token, "signed in but the gm_session cookie is not set"
    return token


def metric_value(page: Page, label: str) -> str:
    metric = page.locator(METRIC).filter(
        has=page.locator(METRIC_LABEL, has_text=re.compile(f"^{re.escape(label)}$")))
    expect(metric).to_have_count(1)
    return metric.locator(METRIC_VALUE).inner_text().strip()


# ---- tests ------------------------------------------------------------------------------

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


@pytest.mark.parametrize("username, heading, not_heading", [
    ("branch", "客户经理明细", "分支行明细"),
    ("manager", "网格明细", "客户经理明细"),
])
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
