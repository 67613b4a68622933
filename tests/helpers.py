"""What the app and browser tests share: signing in to a page with AppTest, and reading the
test database by URL."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import text
from streamlit.testing.v1 import AppTest

from core.db import make_engine

ROOT = Path(__file__).resolve().parent.parent


def sign_in(at: AppTest, username: str, password: str = "demo") -> AppTest:
    """Run ``at`` and send the sign-in form as ``username``; returns ``at`` after the run."""
    at.run()
    at.text_input(key="signin_username").input(username)
    at.text_input(key="signin_password").input(password)
    at.button(key="FormSubmitter:sign_in-登录").click()
    return at.run()


def open_page(username: str, page: str, password: str = "demo") -> AppTest:
    """The app (``DATABASE_URL`` as the test set it) signed in as ``username`` and switched
    to ``page``; fails on an exception shown."""
    at = sign_in(AppTest.from_file(str(ROOT / "app.py"), default_timeout=90), username,
                 password)
    at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


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


def shown(markdown: str) -> str:
    """Markdown element text as the reader sees it: the backslash escapes that
    ``core.escape.markdown`` adds to data removed (``\\*`` -> ``*``)."""
    import re

    return re.sub(r"\\(.)", r"\1", markdown)
