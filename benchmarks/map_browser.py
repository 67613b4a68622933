"""Time the map page's first draw in Debian's Chromium (Playwright sync API, no download).

The app runs as a user runs it (``python -m streamlit run app.py`` on a free loopback port,
``DATABASE_URL`` = the benchmark database, cwd = the repository, so ``.streamlit/config.toml``
applies: websocket compression and static serving on). The browser signs in as ``hq``, opens
``/map`` once to fill the server's caches (``st.cache_data`` of the map layers), then, for
each measured round, opens ``/overview`` and times ``page.goto(base + "/map")`` until the
streamlit-folium iframe holds every grid: as many ``path.grid-l2`` as there are level-2
grids and ``path.grid-l1`` as level-1 grids.

Every ``page.goto`` starts a new Streamlit session (the sign-in comes back from the cookie),
so a round includes the page's Python for a new session: the frame, the sidebar, the cached
layers, building the folium map anew, and streamlit-folium's rendering of it. Then, as users
move between pages, the same number of rounds clicks the sidebar's 网格地图 link on the
Overview (the same session, no reload) and times it until every grid is drawn.

Every request and websocket to a host other than loopback is recorded (listened to, not
intercepted: routing every request through Playwright would slow each navigation by about a
second; the host-resolver rules make such requests fail anyway); the report must show none.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field

# The browser tests' launcher, Chromium options and sign-in, so the benchmark runs the app
# and the browser exactly as the tests do.
from tests.browser_helpers import CHROMIUM, CHROMIUM_ARGS, METRIC, is_local, submit_sign_in
from tests.browser_server import serve_app

MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
EXCEPTION = '[data-testid="stException"]'


@dataclass
class BrowserTiming:
    """Seconds from ``page.goto`` to every grid drawn, and what the browser tried to reach."""

    server_start_s: float
    sign_in_s: float
    warm_up_s: float | None  # first /map (fills the caches); None when it did not finish
    rounds_s: list[float] = field(default_factory=list)
    iframe_s: list[float] = field(default_factory=list)  # per round: map iframe attached
    first_path_s: list[float] = field(default_factory=list)  # per round: first grid drawn
    overview_s: list[float] = field(default_factory=list)  # per round: goto /overview to a
    # metric shown (the same new-session cost without the map: a baseline)
    sidebar_s: list[float] = field(default_factory=list)  # per round: the sidebar's map link
    # clicked on the Overview to every grid drawn (the same session, as users navigate)
    level1: int = 0
    level2: int = 0
    outside: list[str] = field(default_factory=list)  # non-loopback URLs (must be empty)
    error: str | None = None  # what went wrong, if anything (timeout, exception on the page)

    @property
    def median_s(self) -> float | None:
        return statistics.median(self.rounds_s) if self.rounds_s else None

    @property
    def max_s(self) -> float | None:
        return max(self.rounds_s) if self.rounds_s else None


def _wait_for_grids(
    page, level1: int, level2: int, timeout_s: float, t0: float | None = None
) -> dict[str, float]:
    """Block until the map iframe holds ``level1`` + ``level2`` grid paths.

    Returns the seconds since ``t0`` (default: now) at which the iframe was attached
    (``iframe``), the first grid path appeared (``first``) and all were drawn (``all``).
    The iframe can be replaced while the page settles (a rerun remounts the component), so
    the frame is looked up again whenever it goes away.
    """
    t0 = time.perf_counter() if t0 is None else t0
    stages = [
        ("first", "() => document.querySelector('path.grid-l1, path.grid-l2') !== null"),
        (
            "all",
            f"() => document.querySelectorAll('path.grid-l1').length >= {level1} "
            f"&& document.querySelectorAll('path.grid-l2').length >= {level2}",
        ),
    ]
    marks: dict[str, float] = {}
    deadline = time.monotonic() + timeout_s
    last_error: Exception | None = None
    while len(marks) < len(stages) + 1:
        left_ms = (deadline - time.monotonic()) * 1000
        if left_ms <= 0:
            raise TimeoutError(
                f"grids not drawn within {timeout_s:.0f} s "
                f"(reached: {sorted(marks) or 'nothing'}; {last_error})"
            )
        if page.locator(EXCEPTION).count():
            raise RuntimeError(
                "the page shows an exception: " + page.locator(EXCEPTION).first.inner_text()[:500]
            )
        try:
            handle = page.wait_for_selector(
                MAP_IFRAME, state="attached", timeout=min(left_ms, 2_000)
            )
            frame = handle.content_frame() if handle else None
            if frame is None:
                continue
            marks.setdefault("iframe", time.perf_counter() - t0)
            for name, script in stages:
                if name not in marks:
                    frame.wait_for_function(script, polling=50, timeout=min(left_ms, 5_000))
                    marks[name] = time.perf_counter() - t0
        except Exception as exc:
            last_error = exc
    return marks


def _count_paths(page) -> tuple[int, int]:
    frame = page.frame_locator(MAP_IFRAME)
    return frame.locator("path.grid-l1").count(), frame.locator("path.grid-l2").count()


def time_map(
    database_url: str,
    level1: int,
    level2: int,
    rounds: int = 3,
    username: str = "hq",
    password: str = "demo",
    warm_timeout_s: float = 120.0,
    round_timeout_s: float = 60.0,
    log=print,
) -> BrowserTiming:
    """Sign in, open the map once to warm the caches, then time ``rounds`` fresh opens.

    Parameters
    ----------
    database_url : str
        The benchmark database (``sqlite:///...``).
    level1, level2 : int
        Grid paths to wait for (the hq map shows every grid).
    rounds : int
        Measured navigations (``/overview`` then ``/map``).
    warm_timeout_s, round_timeout_s : float
        Give up on the first (warming) and the measured navigations after this long.
    log : callable
        Progress printer.

    Returns
    -------
    BrowserTiming
        ``error`` names what failed (timeouts, an exception shown on the page); the timings
        that did finish are kept.
    """
    from playwright.sync_api import sync_playwright

    with serve_app(database_url) as app:
        base, server_log = app.base, app.output
        log(f"  server healthy after {app.started_s:.1f} s at {base}")
        result = BrowserTiming(app.started_s, 0.0, None, level1=level1, level2=level2)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")

            def note(url: str) -> None:
                if not is_local(url):
                    result.outside.append(url)

            # Listen, do not intercept: a context.route() handler makes every request wait
            # for a round trip to this Python process (it added ~1 s per navigation here).
            # Chromium's --host-resolver-rules already stop anything leaving loopback.
            context.on("request", lambda request: note(request.url))
            context.on("page", lambda p: p.on("websocket", lambda ws: note(ws.url)))
            page = context.new_page()
            page.set_default_timeout(60_000)
            try:
                t0 = time.perf_counter()
                submit_sign_in(page, base, username, password)
                page.wait_for_selector(METRIC)
                page.wait_for_function("document.cookie.includes('gm_session=')")
                result.sign_in_s = time.perf_counter() - t0
                log(f"  signed in as {username} in {result.sign_in_s:.1f} s; warming /map")

                t0 = time.perf_counter()
                page.goto(base + "/map")
                _wait_for_grids(page, level1, level2, warm_timeout_s)
                result.warm_up_s = time.perf_counter() - t0
                log(f"  warm-up /map: {result.warm_up_s:.1f} s (paths l1/l2 {_count_paths(page)})")
                for i in range(rounds):
                    t0 = time.perf_counter()
                    page.goto(base + "/overview")
                    page.wait_for_selector(METRIC)
                    result.overview_s.append(time.perf_counter() - t0)
                    t0 = time.perf_counter()
                    page.goto(base + "/map")
                    marks = _wait_for_grids(page, level1, level2, round_timeout_s, t0)
                    result.rounds_s.append(marks["all"])
                    result.iframe_s.append(marks["iframe"])
                    result.first_path_s.append(marks["first"])
                    log(
                        f"  round {i + 1}: /map drawn in {marks['all']:.2f} s (iframe "
                        f"{marks['iframe']:.2f} s, first grid {marks['first']:.2f} s; "
                        f"/overview took {result.overview_s[-1]:.2f} s)"
                    )
                for i in range(rounds):  # in the session: the sidebar link, no reload
                    page.goto(base + "/overview")
                    page.wait_for_selector(METRIC)
                    link = page.locator('[data-testid="stSidebarNav"] a', has_text="网格地图")
                    t0 = time.perf_counter()
                    link.click()
                    marks = _wait_for_grids(page, level1, level2, round_timeout_s, t0)
                    result.sidebar_s.append(marks["all"])
                    log(f"  sidebar round {i + 1}: /map drawn in {marks['all']:.2f} s")
            except Exception as exc:
                result.error = f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}"
                log(f"  browser run failed: {result.error}")
                tail = server_log()[-2000:]
                if tail.strip():
                    log("  server output (tail):\n" + tail)
            finally:
                context.close()
                browser.close()
    return result
