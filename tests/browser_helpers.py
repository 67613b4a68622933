"""What the browser tests and the map benchmark share: Debian's Chromium and its options,
the loopback guard, and the steps every browser test takes (sign in, read the Overview).

Plain helpers only; the fixtures that launch Chromium (``browser``, ``make_guarded``,
``guarded``) are in ``tests/conftest.py``, the app server in ``tests/browser_server.py``.
Uses the Playwright sync API directly (no pytest-playwright) and never downloads a browser.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Page, expect

ROOT = Path(__file__).resolve().parent.parent
# Debian's Chromium; `make test` installs it when missing. No skip: a missing browser must
# fail the suite, not hide the browser tests.
CHROMIUM = Path("/usr/bin/chromium")
RESULTS = ROOT / "test-results"  # screenshots
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
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
METRIC_LABELS = (
    "客户总数",
    "存量客户",
    "潜在客户",
    "入格率",
    "建档率",
    "存款余额(万元)",
    "贷款余额(万元)",
    "客户经理",
    "一级/二级网格",
)


def is_local(url: str) -> bool:
    """True for loopback, ``data:``, ``blob:`` and ``about:`` URLs: all a page may reach."""
    if url.startswith(("data:", "blob:", "about:")):
        return True
    return urlsplit(url).hostname in LOOPBACK


class Guarded:
    """A browser context whose every request and websocket goes through a loopback guard."""

    def __init__(self, browser, viewport: dict | None = None):
        self.outside: list[str] = []  # non-loopback URLs the browser tried to reach
        self.context = browser.new_context(
            viewport=viewport or {"width": 1280, "height": 800}, locale="zh-CN"
        )
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
        has=page.locator(METRIC_LABEL, has_text=re.compile(f"^{re.escape(label)}$"))
    )
    expect(metric).to_have_count(1)
    return metric.locator(METRIC_VALUE).inner_text().strip()


def wait_until_idle(page: Page) -> None:
    """Wait until the app's script run has finished (no running indicator), so that a click
    lands on what the run drew and not on an element it is about to replace."""
    for test_id in ("stStatusWidgetRunningIcon", "stStatusWidgetRunningManIcon"):
        expect(page.locator(f'[data-testid="{test_id}"]')).to_have_count(0, timeout=FIRST_LOAD_MS)
