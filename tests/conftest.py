"""Shared fixtures: throwaway databases seeded with a small demo county.

Every database test runs on SQLite and, when TEST_DATABASE_URL is set (CI sets it), on the
PostgreSQL server it names, each test module in a schema of its own that is dropped after.
"""
from __future__ import annotations

import os
import shutil
import uuid
from datetime import date
from urllib.parse import quote, unquote

import pytest
from sqlalchemy import text
from streamlit.runtime.pages_manager import PagesManager

from core.db import make_engine, upgrade
from core.demo.seed import seed

# Password hashes at scrypt's lowest accepted cost keep the suite fast (every sign-in
# verifies one); production keeps the default 2**17. Subprocesses (CLI, browser servers) inherit it.
os.environ.setdefault("GM_SCRYPT_N", "16384")

AS_OF = date(2026, 11, 23)
SMALL_COUNTY = 3_000  # individuals; enough for every branch and manager to have customers
SEED = 7
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


FRESH_COUNTY = 1_500  # individuals of the county a test may change


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


def _schema_of(url: str) -> str:
    return unquote(url.rsplit("search_path%3D", 1)[-1] if "%3D" in url
                   else url.rsplit("search_path=", 1)[-1])


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
            conn.exec_driver_sql(f'INSERT INTO "{table.name}" SELECT * FROM '
                                 f'"{source}"."{table.name}"')
        reset_sequences(conn, [t.name for t in Base.metadata.sorted_tables
                               if "id" in t.columns and t.columns["id"].autoincrement
                               in (True, "auto") and t.columns["id"].primary_key])
    engine.dispose()


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
def navigation_mode(monkeypatch):
    """AppTest as a running server has it after its first request: in st.navigation mode.

    AppTest re-enters Streamlit's legacy pages-folder mode before every run (it resets
    PagesManager.uses_pages_directory), which runs the current page file without app.py and
    so without the sidebar; a server leaves that mode for good at its first request.
    ``ui.page_user`` covers that first request (see the browser tests).
    """
    original_init = PagesManager.__init__

    def init_in_navigation_mode(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init_in_navigation_mode)
