"""Shared fixtures: throwaway databases seeded with a small demo county, AppTest in
navigation mode, and Chromium for the browser tests.

Every database test runs on SQLite and, when TEST_DATABASE_URL is set (CI sets it), on the
PostgreSQL server it names, each test module in a schema of its own that is dropped after.
Plain helpers and constants (``AS_OF``, ``copy_county``, ``open_page``...) are in
``tests/helpers.py``: test modules import those, never this module or another test module.
"""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import text

from core.db import make_engine, upgrade
from core.demo.seed import seed
from tests import helpers
from tests.helpers import AS_OF, FRESH_COUNTY, SEED, SMALL_COUNTY, copy_county

# Password hashes at scrypt's lowest accepted cost keep the suite fast (every sign-in
# verifies one); production keeps the default 2**17. Subprocesses (CLI, browser servers) inherit it.
os.environ.setdefault("GM_SCRYPT_N", "16384")

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


def _pg_schema_url(schema: str) -> str:
    base = os.environ["TEST_DATABASE_URL"]
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options={quote(f'-csearch_path={schema}')}"


@pytest.fixture(scope="session")
def empty_database_factory(tmp_path_factory):
    """Make empty databases; PostgreSQL schemas are dropped at the end of the session."""
    schemas: list[str] = []

    def make(backend: str) -> str:
        if backend == "sqlite":
            return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
        schema = f"gm_test_{uuid.uuid4().hex[:10]}"
        admin = make_engine(os.environ["TEST_DATABASE_URL"])
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        admin.dispose()
        schemas.append(schema)
        return _pg_schema_url(schema)

    yield make
    if schemas:
        admin = make_engine(os.environ["TEST_DATABASE_URL"])
        for schema in schemas:  # one transaction each: dropping all at once runs out of locks
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def seeded_url(request, empty_database_factory) -> str:
    """URL of a database holding the small demo county (seed 7, as of 2026-11-23)."""
    url = empty_database_factory(request.param)
    engine = make_engine(url)
    seed(engine, SMALL_COUNTY, seed=SEED, as_of=AS_OF, quiet=True)
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def seeded_engine(seeded_url):
    engine = make_engine(seeded_url)
    yield engine
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def empty_engine(request, empty_database_factory):
    """A fresh database with the schema and nothing else."""
    engine = make_engine(empty_database_factory(request.param))
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def sqlite_seeded_url(empty_database_factory) -> str:
    """The small demo county on SQLite only (for the app and browser tests)."""
    url = empty_database_factory("sqlite")
    engine = make_engine(url)
    seed(engine, SMALL_COUNTY, seed=SEED, as_of=AS_OF, quiet=True)
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def county_template(empty_database_factory):
    """``get(backend)``: the URL of a small county seeded once per session, to be copied
    by ``copy_county`` (seeding with tags and segments takes seconds; a copy does not)."""
    made: dict[str, str] = {}

    def get(backend: str) -> str:
        if backend not in made:
            url = empty_database_factory(backend)
            engine = make_engine(url)
            seed(engine, FRESH_COUNTY, seed=SEED, as_of=AS_OF, quiet=True)
            if backend == "sqlite":  # everything into the main file, so a copy is whole
                with engine.connect() as conn:
                    conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            engine.dispose()
            made[backend] = url
        return made[backend]

    return get


@pytest.fixture(params=BACKENDS)
def fresh_county(request, empty_database_factory, county_template):
    """A small demo county of its own, for tests that change it (function scope)."""
    url = empty_database_factory(request.param)
    copy_county(county_template(request.param), url)
    engine = make_engine(url)
    yield engine
    engine.dispose()


@pytest.fixture
def county_copy(tmp_path, county_template) -> str:
    """The URL of a SQLite copy of the small county (for AppTest and browser tests)."""
    url = f"sqlite:///{tmp_path / 'county.sqlite'}"
    copy_county(county_template("sqlite"), url)
    return url


@pytest.fixture
def navigation_mode():
    """AppTest as a running server has it after its first request: in st.navigation mode
    (``tests.helpers.navigation_mode`` says why this needs a patch of Streamlit)."""
    with helpers.navigation_mode():
        yield


# ---- the browser tests ------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium (headless, loopback only), one per test module."""
    from playwright.sync_api import sync_playwright

    from tests.browser_helpers import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so fixtures can tell a failed test."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


FAILURE_DIR = Path(__file__).resolve().parent.parent / "test-results" / "failures"


@pytest.fixture
def make_guarded(browser, request):
    """Make fresh contexts (no cookies); fails the test if any of them left loopback. When
    the test failed, every page it left open is saved to test-results/failures/ (screenshot
    and text), so that a failure seen once names what the browser showed."""
    from tests.browser_helpers import Guarded

    made: list[Guarded] = []

    def make(**viewport) -> Guarded:
        made.append(Guarded(browser, viewport or None))
        return made[-1]

    yield make
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        _keep_failure(request.node.name, made)
    for guarded in made:
        guarded.context.close()
    for guarded in made:
        guarded.assert_offline()


def _keep_failure(name: str, made) -> None:
    FAILURE_DIR.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^\w.-]+", "_", name)[:120]
    for i, guarded in enumerate(made):
        for j, page in enumerate(guarded.context.pages):
            try:
                page.screenshot(path=str(FAILURE_DIR / f"{stem}-{i}-{j}.png"), full_page=True)
                text = page.locator("body").inner_text(timeout=5_000)
                (FAILURE_DIR / f"{stem}-{i}-{j}.txt").write_text(f"{page.url}\n\n{text}")
            except Exception as exc:  # a closed page must not hide the failure
                print(f"could not keep the failed page {page.url}: {exc}")


@pytest.fixture
def guarded(make_guarded):
    """A fresh context of its own for a test (a module may override it with its viewport)."""
    return make_guarded()


@pytest.fixture(scope="module")
def county_url(tmp_path_factory, county_template) -> str:
    """A SQLite copy of the small county for one browser test module, whose server outlives
    a test (the tests change it)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('county') / 'county.sqlite'}"
    copy_county(county_template("sqlite"), url)
    return url
