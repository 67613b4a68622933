"""AppTest of the frame and every page: sign-in, scope, language, sign-out."""

from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import insert
from streamlit.testing.v1 import AppTest

from core.access.auth import hash_password
from core.db import make_engine
from core.models import User
from tests.helpers import sign_in

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")


@pytest.fixture
def app(sqlite_seeded_url, monkeypatch, navigation_mode):
    """The app on the small demo county (in navigation mode: see conftest)."""
    monkeypatch.setenv("DATABASE_URL", sqlite_seeded_url)
    monkeypatch.delenv("GM_LANGUAGE", raising=False)
    monkeypatch.delenv("GM_DEMO_ACCOUNTS", raising=False)
    return AppTest.from_file(APP, default_timeout=60)


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_first_run_shows_the_sign_in_form_and_no_data(app):
    app.run()
    assert not app.exception
    assert app.text_input(key="signin_username").label == "用户名"
    assert not app.metric


@pytest.mark.parametrize(
    "username, password, message",
    [("hq", "nope", "登录失败"), ("ghost", "demo", "登录失败"), ("", "", "请输入用户名和密码")],
)
def test_refused_sign_in_shows_why_and_no_data(app, username, password, message):
    sign_in(app, username, password)
    assert not app.exception
    assert any(message in e.value for e in app.error)
    assert not app.metric and not app.dataframe


def test_deactivated_user_is_told_and_sees_nothing(app, sqlite_seeded_url):
    engine = make_engine(sqlite_seeded_url)
    with engine.begin() as conn:
        conn.execute(
            insert(User).values(
                username="former",
                display_name="已离职",
                password_hash=hash_password("pw-9"),
                role="hq",
                active=False,
                is_demo=False,
                created_at=datetime(2026, 1, 1),
            )
        )
    engine.dispose()
    sign_in(app, "former", "pw-9")
    assert any("登录失败" in e.value for e in app.error)  # the one message; the log says why
    assert not app.metric and not app.dataframe


def test_demo_accounts_off_refuses_them(app, monkeypatch):
    monkeypatch.setenv("GM_DEMO_ACCOUNTS", "off")
    sign_in(app, "hq")
    assert any("登录失败" in e.value for e in app.error)
    assert not app.metric


def test_head_office_sees_the_bank_by_branch(app):
    sign_in(app, "hq")
    assert not app.exception
    m = metrics(app)
    assert int(m["客户总数"].replace(",", "")) > 3000
    assert m["入格率"] == "100.0%"
    assert 55.0 <= float(m["建档率"].rstrip("%")) <= 90.0
    assert m["一级/二级网格"] == "21 / 155"
    table = app.dataframe[0].value
    assert len(table) == 21
    assert any("分支行明细" in s.value for s in app.subheader)


def test_branch_leader_sees_their_managers(app):
    sign_in(app, "branch")
    m = metrics(app)
    assert m["一级/二级网格"].startswith("1 / ")
    assert any("客户经理明细" in s.value for s in app.subheader)
    table = app.dataframe[0].value
    assert 1 <= len(table) <= 6
    assert table["customers"].sum() == int(m["客户总数"].replace(",", ""))


def test_manager_sees_their_grids(app):
    sign_in(app, "manager")
    assert any("网格明细" in s.value for s in app.subheader)
    assert metrics(app)["客户经理"] == "1"


def test_language_switch_to_english(app):
    sign_in(app, "hq")
    app.sidebar.segmented_control(key="lang").set_value("en").run()
    assert not app.exception
    assert "Customers" in metrics(app)
    assert app.title[0].value == "Overview"


def test_sign_out_returns_to_the_sign_in_form(app):
    sign_in(app, "hq")
    assert app.metric
    app.sidebar.button(key="sign_out").click().run()
    assert not app.metric
    assert app.text_input(key="signin_username")
    assert any("已退出登录" in i.value for i in app.info)


def test_overview_page_switch(app):
    sign_in(app, "branch")
    app.switch_page("pages/overview.py").run()
    assert not app.exception
    assert app.title[0].value == "总览"
