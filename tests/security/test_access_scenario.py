"""The issue's scenario through the app (AppTest): head office creates a manager account on
the users page, the manager signs in with the one-time password, must change it first, then
sees only their own customers; deactivation signs them out at the next click; the audit log
page shows all of it. Plus what a shared PC must not leak from one user to the next, and
brute force at the sign-in form."""

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from streamlit.testing.v1 import AppTest

from core.db import make_engine
from tests.helpers import sign_in as send_sign_in

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
NEW_PASSWORD = "Grid-Bank-2026"
FAILED = "登录失败"


@pytest.fixture
def county(county_copy, monkeypatch, navigation_mode):
    monkeypatch.setenv("DATABASE_URL", county_copy)
    monkeypatch.delenv("GM_LANGUAGE", raising=False)
    monkeypatch.delenv("GM_DEMO_ACCOUNTS", raising=False)
    engine = make_engine(county_copy)
    yield engine
    engine.dispose()


def new_app() -> AppTest:
    return AppTest.from_file(APP, default_timeout=90)


def sign_in(at: AppTest, username: str, password: str = "demo") -> AppTest:
    send_sign_in(at, username, password)
    assert not at.exception, [e.message for e in at.exception]
    return at


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def test_hq_creates_a_manager_who_changes_the_otp_sees_only_their_customers_and_is_deactivated(
    county,
):
    with county.connect() as conn:  # the manager with the most customers, not the demo one
        manager_id, code = conn.execute(
            text(
                "SELECT m.id, m.code FROM manager m JOIN customer c ON c.manager_id = m.id "
                "WHERE m.id NOT IN (SELECT manager_id FROM app_user WHERE manager_id IS NOT NULL) "
                "GROUP BY m.id, m.code ORDER BY COUNT(*) DESC, m.id"
            )
        ).first()
        own = conn.execute(
            text("SELECT COUNT(*) FROM customer WHERE manager_id = :m"), {"m": manager_id}
        ).scalar()
        stranger = conn.execute(
            text("SELECT cust_no FROM customer WHERE manager_id <> :m ORDER BY id"),
            {"m": manager_id},
        ).scalar()

    # a tab head office leaves state in, then signs out of (which ends every hq session)
    at = sign_in(new_app(), "hq")
    stale = {
        "grid_change": "HQ-LEVEL-1-CHANGE",
        "customer_id": 1,
        "visit_token": "hq-visit",
        "plan_picked:1:2026-11-23": {1, 2, 3},
        "customer_query": "秦",
        "plan_editor_generation": 4,
    }
    for key, value in stale.items():
        at.session_state[key] = value
    at.sidebar.button(key="sign_out").click().run()
    assert at.text_input(key="signin_username").value == ""
    hq = sign_in(new_app(), "hq")
    hq.switch_page("pages/users.py").run()
    assert not hq.exception and hq.title[0].value == "用户管理"
    hq.text_input(key="users_new_name").input("li.na")
    hq.selectbox(key="users_new_org").select(code)
    hq.button(key="FormSubmitter:users_create-创建账号").click().run()
    assert not hq.exception, errors(hq)
    otp = hq.code[0].value
    assert len(otp) >= 14
    table = hq.dataframe[0].value.set_index("username")
    assert table.loc["li.na", "must_change_password"] and code in table.loc["li.na", "org"]

    # the manager signs in in that tab
    sign_in(at, "li.na", otp)
    assert at.title[0].value == "修改密码" and not at.metric
    for key in ("grid_change", "customer_id", "visit_token"):
        assert at.session_state[key] is None, key
    for key in ("plan_picked:1:2026-11-23", "customer_query", "plan_editor_generation"):
        assert key not in at.session_state, key
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/overview.py")  # no page exists until the password is changed
    at.run()
    assert at.title[0].value == "修改密码" and not at.metric
    at.text_input(key="pw_current").input(otp)
    at.text_input(key="pw_new").input("short")
    at.text_input(key="pw_repeat").input("short")
    at.button(key="FormSubmitter:change_password-保存新密码").click().run()
    assert any("至少" in e for e in errors(at)) and not at.metric
    at.text_input(key="pw_current").input(otp)
    at.text_input(key="pw_new").input(NEW_PASSWORD)
    at.text_input(key="pw_repeat").input(NEW_PASSWORD)
    at.button(key="FormSubmitter:change_password-保存新密码").click().run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert int(metrics["客户总数"].replace(",", "")) == own
    assert any("密码已修改" in s.value for s in at.success)

    at.switch_page("pages/customer.py").run()
    at.text_input(key="customer_query").input("C").run()
    found = at.selectbox(key="customer_pick").options
    assert found
    with county.connect() as conn:
        owners = {
            conn.execute(
                text("SELECT manager_id FROM customer WHERE cust_no = :c"),
                {"c": option.split(" · ")[0]},
            ).scalar()
            for option in found
        }
    assert owners == {manager_id}
    at.text_input(key="customer_query").input(stranger).run()
    assert not at.selectbox and at.warning  # another manager's customer: not found

    # head office deactivates the account on the users page: the next click signs it out
    hq.switch_page("pages/users.py").run()
    hq.selectbox(key="users_pick").select("li.na").run()
    hq.button(key="users_deactivate").click().run()
    assert not hq.exception
    assert not hq.dataframe[0].value.set_index("username").loc["li.na", "active"]
    at.run()
    assert at.text_input(key="signin_username") and not at.metric
    assert any("登录已失效" in i.value for i in at.info)
    sign_in(at, "li.na", NEW_PASSWORD)
    assert FAILED in " ".join(errors(at))

    # all of it on the audit log page
    hq.switch_page("pages/audit_log.py").run()
    assert not hq.exception and hq.title[0].value == "审计日志"
    log = hq.dataframe[0].value
    mine = log[log["entity_id"] == "li.na"]
    assert {"新建账号", "登录", "修改密码", "停用账号", "登录失败"} <= set(mine["action"])
    by_li = log[log["username"] == "li.na"]
    assert {"搜索客户", "登录"} <= set(by_li["action"])
    hq.selectbox(key="audit_user").select("li.na").run()
    assert set(hq.dataframe[0].value["username"]) == {"li.na"}
    assert not hq.exception and hq.get("download_button")  # built and logged on click


@pytest.mark.parametrize("who", ["branch", "manager"])
def test_the_admin_pages_are_not_there_for_other_roles(county, who):
    at = sign_in(new_app(), who)
    for page in ("pages/users.py", "pages/audit_log.py"):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(page)  # not registered for this role (and core refuses anyway)


def test_brute_force_at_the_form_gets_one_message_and_locks_the_account(county, monkeypatch):
    monkeypatch.setenv("GM_SIGNIN_MAX_FAILURES", "3")
    at = new_app()
    seen = []
    for username, password in [
        ("ghost", "demo"),
        ("branch", "guess1"),
        ("branch", "guess2"),
        ("branch", "guess3"),
        ("branch", "demo"),
    ]:
        sign_in(at, username, password)
        seen.append(errors(at))
        assert not at.metric
    assert all(len(e) == 1 and FAILED in e[0] for e in seen)
    assert len({e[0] for e in seen}) == 1  # word for word the same, locked or not
    with county.connect() as conn:
        reasons = (
            conn.execute(
                text("SELECT detail FROM audit_log WHERE action = 'sign_in_failed' ORDER BY id")
            )
            .scalars()
            .all()
        )
    assert [r.split('"reason": "')[1].split('"')[0] for r in reasons] == [
        "unknown_user",
        "wrong_password",
        "wrong_password",
        "wrong_password",
        "account_locked",
    ]


def test_an_idle_tab_is_signed_out_at_its_next_click(county):
    at = sign_in(new_app(), "branch")
    assert at.metric
    at.session_state["customer_id"] = 7
    with county.begin() as conn:
        conn.execute(
            text("UPDATE user_session SET last_seen_at = :t"),
            {"t": datetime.now() - timedelta(minutes=31)},
        )
    at.run()
    assert not at.metric and at.text_input(key="signin_username")
    assert any("长时间未操作" in i.value for i in at.info)
    assert at.session_state["customer_id"] is None
    with county.connect() as conn:
        assert (
            conn.execute(
                text("SELECT COUNT(*) FROM audit_log WHERE action = 'idle_sign_out'")
            ).scalar()
            == 1
        )


def test_audit_log_page_filters_pages_and_speaks_english(county):
    with county.begin() as conn:
        for i in range(60):
            conn.execute(
                text(
                    "INSERT INTO audit_log (at, user_id, action, entity, entity_id, "
                    "detail) VALUES (:at, 1, 'search_customer', 'customer', NULL, "
                    ":d)"
                ),
                {
                    "at": datetime.now() - timedelta(minutes=i),
                    "d": f'{{"query": "<img src=x onerror=alert({i})>"}}',
                },
            )
    hq = sign_in(new_app(), "hq")
    hq.switch_page("pages/audit_log.py").run()
    hq.multiselect(key="audit_actions").select("search_customer").run()
    assert not hq.exception
    assert len(hq.dataframe[0].value) == 50 and any("60" in c.value for c in hq.caption)
    hq.number_input(key="audit_page").set_value(2).run()
    page2 = hq.dataframe[0].value
    assert len(page2) == 10 and set(page2["action"]) == {"搜索客户"}
    assert page2["detail"].str.contains("<img", regex=False).all()  # shown as text, in a grid
    hq.selectbox(key="audit_entity").select("customer").run()
    hq.date_input(key="audit_range").set_value(
        (date.today() - timedelta(days=400), date.today() - timedelta(days=300))
    ).run()
    assert not hq.exception and any("没有符合条件" in i.value for i in hq.info)
    hq.sidebar.segmented_control(key="lang").set_value("en").run()
    assert hq.title[0].value == "Audit log" and not hq.exception


def test_users_page_resets_unlocks_and_refuses_to_deactivate_yourself(county):
    hq = sign_in(new_app(), "hq")
    hq.switch_page("pages/users.py").run()
    hq.selectbox(key="users_pick").select("branch").run()
    hq.button(key="users_reset").click().run()
    assert not hq.exception and any("已重置" in s.value for s in hq.success)
    otp = hq.code[0].value
    assert hq.dataframe[0].value.set_index("username").loc["branch", "must_change_password"]
    hq.selectbox(key="users_pick").select("branch").run()
    hq.button(key="users_unlock").click().run()
    assert any("解除锁定" in s.value for s in hq.success)
    hq.selectbox(key="users_pick").select("hq").run()
    hq.button(key="users_deactivate").click().run()
    assert any("不能停用自己" in e for e in errors(hq))
    assert hq.dataframe[0].value.set_index("username").loc["hq", "active"]
    branch = sign_in(new_app(), "branch", otp)
    assert branch.title[0].value == "修改密码"
    create = hq.button(key="FormSubmitter:users_create-创建账号")
    hq.text_input(key="users_new_name").input("<b>x</b>")
    create.click().run()
    assert any("用户名须为" in e for e in errors(hq)) and not hq.code
