"""No page shows a traceback: a refused write, a database held locked by another
connection while a visit is saved, and an unexpected error in a write each show a message
that says what to do (Chinese), and the server log keeps the details. The retry helper
succeeds when the lock goes away between attempts and fails cleanly when it does not."""

from __future__ import annotations

import sqlite3
import time

import pytest
from sqlalchemy import text

from core import db
from core.db import DatabaseBusy, make_engine, write_retrying
from core.grids import changes as grid_changes
from core.i18n import t
from tests.helpers import open_page, query

SAVE = "FormSubmitter:visit_form-保存走访"
BUSY, FORBIDDEN, UNEXPECTED = t("error.busy"), t("error.forbidden"), t("error.unexpected")


@pytest.fixture
def county(county_copy, monkeypatch, navigation_mode):
    """A county of its own; SQLite waits 0.2 s per attempt here (the app: a few seconds)."""
    monkeypatch.setenv("DATABASE_URL", county_copy)
    monkeypatch.delenv("GM_MAP_TILES", raising=False)
    monkeypatch.setattr(db, "BUSY_TIMEOUT_S", 0.2)
    monkeypatch.setattr(db, "RETRY_PAUSE_S", 0.05)
    return county_copy


def errors(at) -> list[str]:
    return [e.value for e in at.error]


def shown_text(at) -> str:
    """Everything the page shows as text (to prove no SQL or exception text leaks)."""
    parts = [
        e.value for e in (*at.error, *at.warning, *at.info, *at.success, *at.markdown, *at.caption)
    ]
    return "\n".join(str(p) for p in parts)


@pytest.fixture
def holder(county):
    """Another connection holding the database's write lock until released."""
    conn = sqlite3.connect(county.split("///", 1)[1], timeout=0.1, isolation_level=None)
    yield conn
    if conn.in_transaction:
        conn.execute("ROLLBACK")
    conn.close()


def visit_form(at, county):
    customer = at.selectbox(key="vl_customer").value
    lon, lat = query(county, "SELECT lon, lat FROM customer WHERE id = :c", c=customer)[0]
    at.number_input(key="vl_lon").set_value(round(lon + 0.001, 6))
    at.number_input(key="vl_lat").set_value(round(lat, 6))
    return customer


def test_a_visit_saved_while_the_database_is_locked_says_busy(county, holder):
    open_page("manager", "pages/visits.py").button(key="visits_save").click().run()
    at = open_page("manager", "pages/visit_log.py")
    before = query(county, "SELECT COUNT(*) FROM visit")[0][0]
    visit_form(at, county)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the lock
    holder.execute("UPDATE bank SET name = name")
    started = time.monotonic()
    at.button(key=SAVE).click().run()
    waited = time.monotonic() - started
    assert len(at.exception) == 0
    assert errors(at) == [BUSY] and "系统繁忙,请重试" in BUSY
    page = shown_text(at)
    assert "INSERT" not in page and "locked" not in page and "sqlite" not in page.lower()
    assert waited < 10, waited  # bounded: attempts x short timeout, never 30 s
    holder.execute("ROLLBACK")  # the lock goes away: the same form now saves
    at.button(key=SAVE).click().run()
    assert len(at.exception) == 0 and not at.error, errors(at)
    assert any("已保存走访记录" in s.value for s in at.success)
    assert query(county, "SELECT COUNT(*) FROM visit")[0][0] == before + 1


def test_an_unexpected_error_in_a_write_says_nothing_was_saved(county, monkeypatch):
    import core.visits.visit_log as visit_log

    open_page("manager", "pages/visits.py").button(key="visits_save").click().run()
    at = open_page("manager", "pages/visit_log.py")
    visit_form(at, county)

    def broken(*args, **kwargs):
        raise RuntimeError("INSERT INTO visit ... secret-parameter-13812345678")

    monkeypatch.setattr(visit_log, "_store", broken)
    at.button(key=SAVE).click().run()
    assert len(at.exception) == 0
    assert errors(at) == [UNEXPECTED]
    assert "secret-parameter" not in shown_text(at) and "RuntimeError" not in shown_text(at)


def test_a_refused_write_from_a_page_says_forbidden(county):
    """A head-office grid change left pending in the tab reaches a branch leader's grid page
    (the stale-state case): core refuses it, the page says so, and it is dropped."""
    at = open_page("branch", "pages/grids.py")
    engine = make_engine(county)
    change = grid_changes.Change(1, grid_changes.current_grids(engine, 1), note="stale")
    engine.dispose()
    at.session_state["grid_change"] = change
    at.run()
    assert len(at.exception) == 0
    assert FORBIDDEN in errors(at)
    assert at.session_state["grid_change"] is None
    assert (
        query(
            county,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'denied' AND entity = 'grid_change'",
        )[0][0]
        == 1
    )
    assert query(county, "SELECT COUNT(*) FROM grid_version")[0][0] == 0


def test_a_half_sent_browser_check_in_is_saved_whole(county):
    """The browser's reading carries both coordinates; a form sent before the page showed
    the latitude still stores both (the check-in race)."""
    open_page("manager", "pages/visits.py").button(key="visits_save").click().run()
    at = open_page("manager", "pages/visit_log.py")
    customer = at.selectbox(key="vl_customer").value
    lon, lat = query(county, "SELECT lon, lat FROM customer WHERE id = :c", c=customer)[0]
    reading = (round(lon + 0.001, 6), round(lat, 6))
    at.session_state["vl_reading"] = reading
    at.number_input(key="vl_lon").set_value(reading[0])  # the latitude not there yet
    at.button(key=SAVE).click().run()
    assert len(at.exception) == 0 and not at.error, errors(at)
    row = query(county, "SELECT lon, lat, checkin_source FROM visit ORDER BY id DESC")[0]
    assert (round(row[0], 6), round(row[1], 6), row[2]) == (*reading, "browser")


# ---- the retry helper --------------------------------------------------------------------


@pytest.fixture
def engine(tmp_path, monkeypatch):
    monkeypatch.setattr(db, "BUSY_TIMEOUT_S", 0.1)
    path = tmp_path / "retry.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (x INTEGER)"))
    locker = sqlite3.connect(path, timeout=0.1, isolation_level=None)
    yield engine, locker
    if locker.in_transaction:
        locker.execute("ROLLBACK")
    locker.close()
    engine.dispose()


def test_retry_succeeds_once_the_lock_is_released(engine):
    engine, locker = engine
    locker.execute("BEGIN IMMEDIATE")
    attempts = []

    def write(e):
        attempts.append(1)
        try:
            with e.begin() as conn:
                conn.execute(text("INSERT INTO t VALUES (1)"))
        finally:
            if len(attempts) == 1:  # the other writer finishes while we wait
                locker.execute("ROLLBACK")

    write_retrying(engine, write, attempts=3, pause=0.01)
    assert len(attempts) == 2
    with engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM t")).scalar() == 1


def test_retry_gives_a_clean_error_when_the_lock_stays(engine):
    engine, locker = engine
    locker.execute("BEGIN IMMEDIATE")
    attempts = []

    def write(e):
        attempts.append(1)
        with e.begin() as conn:
            conn.execute(text("INSERT INTO t VALUES (:secret)"), {"secret": 13812345678})

    with pytest.raises(DatabaseBusy) as err:
        write_retrying(engine, write, attempts=3, pause=0.01)
    assert len(attempts) == 3
    assert "INSERT" not in str(err.value) and "13812345678" not in str(err.value)
    assert err.value.key == "error.busy"
    locker.execute("ROLLBACK")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM t")).scalar() == 0


def test_other_errors_are_not_retried(engine):
    engine, _ = engine
    attempts = []

    def write(e):
        attempts.append(1)
        with e.begin() as conn:
            conn.execute(text("INSERT INTO no_such_table VALUES (1)"))

    with pytest.raises(Exception) as err:
        write_retrying(engine, write, attempts=3, pause=0.01)
    assert not isinstance(err.value, DatabaseBusy) and len(attempts) == 1


def test_streamlit_shows_no_error_details(monkeypatch):
    """Whatever slips past ``ui.user_errors`` shows no traceback: the setting is "none"."""
    import tomllib

    from streamlit import config as st_config
    from streamlit.config import ShowErrorDetailsConfigOptions as Options

    from tests.helpers import ROOT

    monkeypatch.chdir(ROOT)  # Streamlit reads .streamlit/config.toml from where it runs
    settings = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert settings["client"]["showErrorDetails"] == Options.NONE == "none"
    st_config.get_config_options(force_reparse=True)
    assert st_config.get_option("client.showErrorDetails") == "none"
