"""What tests and benchmarks share besides fixtures: the demo county's constants, copying a
seeded county, running the app in AppTest (navigation mode, signing in, opening a page), and
reading the test database by URL.

Fixtures live in ``tests/conftest.py``; test modules import plain helpers from here, never
from ``conftest`` or from another test module. The benchmarks import the AppTest helpers too
(``benchmarks/progress.py``, ``segments.py``, ``visits.py``), so the page reruns they time
run exactly as the tests run them.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from urllib.parse import unquote

from sqlalchemy import text
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

from core.db import make_engine, upgrade

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"

AS_OF = date(2026, 11, 23)  # the demo county's "today"
SEED = 7
SMALL_COUNTY = 3_000  # individuals; enough for every branch and manager to have customers
FRESH_COUNTY = 1_500  # individuals of the county a test may change


# ---- the county ---------------------------------------------------------------------------


def _schema_of(url: str) -> str:
    return unquote(
        url.rsplit("search_path%3D", 1)[-1] if "%3D" in url else url.rsplit("search_path=", 1)[-1]
    )


def copy_county(template: str, target: str) -> None:
    """Make ``target`` (an empty database of the same backend) a copy of ``template``.

    SQLite: a file copy. PostgreSQL: the schema by migration, then every table's rows in
    dependency order (replacing any a migration wrote), then the id sequences.
    """
    if template.startswith("sqlite"):
        shutil.copyfile(template.split("///", 1)[1], target.split("///", 1)[1])
        return
    from core.db import reset_sequences
    from core.models import Base

    engine = make_engine(target)
    upgrade(engine)
    source = _schema_of(template)
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):  # rows a migration wrote
            conn.exec_driver_sql(f'DELETE FROM "{table.name}"')
        for table in Base.metadata.sorted_tables:
            conn.exec_driver_sql(
                f'INSERT INTO "{table.name}" SELECT * FROM "{source}"."{table.name}"'
            )
        reset_sequences(
            conn,
            [
                t.name
                for t in Base.metadata.sorted_tables
                if "id" in t.columns
                and t.columns["id"].autoincrement in (True, "auto")
                and t.columns["id"].primary_key
            ],
        )
    engine.dispose()


def query(url: str, sql: str, **params) -> list:
    """The rows of ``sql`` on the database at ``url``."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql), params).all()
    finally:
        engine.dispose()


def scalar(url: str, sql: str, **params):
    """The first value of ``sql`` on the database at ``url``."""
    rows = query(url, sql, **params)
    return rows[0][0] if rows else None


# ---- the app in AppTest -------------------------------------------------------------------


@contextlib.contextmanager
def navigation_mode() -> Iterator[None]:
    """Run AppTest as a running server runs the app after its first request: in
    ``st.navigation`` mode, app.py framing every page.

    Why a patch of Streamlit's private ``PagesManager`` (the one copy; the ``navigation_mode``
    fixture and the benchmarks use it): ``pages/`` is the folder the product card names, and
    it is also the name of Streamlit's legacy multipage folder. ``AppTest`` resets
    ``PagesManager.uses_pages_directory`` to None before every run, and ``PagesManager``
    then sets it to True because ``pages/`` exists next to app.py; the script runner then
    takes the legacy path (``_mpa_v1``), and a page opened with ``switch_page`` does not run
    as the server runs it (Streamlit 1.67: ``switch_page("pages/customer.py")`` shows the
    Overview). A server leaves that mode for good at its first request, when app.py calls
    ``st.navigation`` (``ui.page_user`` covers that request; see the browser tests).
    Streamlit offers no supported switch: no setting names or disables the legacy folder,
    and AppTest's own reset (streamlit#14217) only helps apps without a ``pages/`` folder.
    Remove this when Streamlit gains one, or if the folder is ever renamed.
    """
    original_init = PagesManager.__init__

    def init_in_navigation_mode(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    PagesManager.__init__ = init_in_navigation_mode
    try:
        yield
    finally:
        PagesManager.__init__ = original_init


def sign_in(at: AppTest, username: str, password: str = "demo") -> AppTest:
    """Run ``at`` and send the sign-in form as ``username``; returns ``at`` after the run."""
    at.run()
    at.text_input(key="signin_username").input(username)
    at.text_input(key="signin_password").input(password)
    at.button(key="FormSubmitter:sign_in-登录").click()
    return at.run()


def open_page(username: str, page: str, password: str = "demo", timeout: float = 90) -> AppTest:
    """The app (``DATABASE_URL`` as the caller set it) signed in as ``username`` and
    switched to ``page``; fails on an exception shown. ``timeout``: seconds a run may take."""
    at = sign_in(AppTest.from_file(str(APP), default_timeout=timeout), username, password)
    at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


@contextlib.contextmanager
def app_database(url: str) -> Iterator[None]:
    """``DATABASE_URL`` set to ``url`` while the block runs (for the benchmarks, which have
    no monkeypatch), the previous value restored after."""
    old = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = url
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("DATABASE_URL", None)
        else:
            os.environ["DATABASE_URL"] = old


def map_script(at: AppTest) -> str:
    """The Leaflet script of the one map (streamlit-folium component) on the page."""

    def walk(node):
        yield node
        children = getattr(node, "children", None)
        if isinstance(children, dict):
            for child in children.values():
                yield from walk(child)

    comps = [
        n
        for n in walk(at._tree)
        if type(n).__name__ == "UnknownElement" and n.proto.DESCRIPTOR.name == "ComponentInstance"
    ]
    assert len(comps) == 1
    return json.loads(comps[0].proto.json_args)["script"]


def shown(markdown: str) -> str:
    """Markdown element text as the reader sees it: the backslash escapes that
    ``core.escape.markdown`` adds to data removed (``\\*`` -> ``*``)."""
    return re.sub(r"\\(.)", r"\1", markdown)
