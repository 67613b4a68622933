"""Single sign-on without a browser: which app user a set of OIDC claims is (core.access.sso), what
is refused and audited, and the sign-in page's part (AppTest with ``st.user`` seeded).

The round trip itself (Chromium, a mock provider) is in test_browser_sso.py.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select, update
from streamlit.testing.v1 import AppTest

from core.access import sso
from core.access.auth import hash_password, resume_session
from core.db import make_engine
from core.models import AuditLog, User, UserSession

ROOT = Path(__file__).resolve().parent.parent.parent
NOW = datetime(2026, 12, 7, 10, 0, 0)
ISS = "https://idp.bank.example"
AUTH = {
    "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
    "cookie_secret": "a-test-cookie-secret-of-enough-length",
    "client_id": "gridbank",
    "client_secret": "not-a-real-secret",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}
_nonce = iter(range(10_000))


def claims(now: datetime = NOW, **values) -> dict:
    """The claims of a new ID token (its own nonce) issued at ``now``."""
    return {
        "is_logged_in": True,
        "iss": ISS,
        "sub": "idp-1",
        "iat": int(now.timestamp()),
        "nonce": f"n{next(_nonce)}",
        **values,
    }


def rows(engine, action: str) -> list:
    with engine.connect() as conn:
        return conn.execute(
            select(AuditLog.user_id, AuditLog.entity, AuditLog.entity_id, AuditLog.detail)
            .where(AuditLog.action == action)
            .order_by(AuditLog.id)
        ).all()


def sessions(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(UserSession)).scalar()


def user_id(engine, username: str) -> int:
    with engine.connect() as conn:
        return conn.execute(select(User.id).where(User.username == username)).scalar()


def add_user(engine, username: str, **values) -> int:
    with engine.begin() as conn:
        return conn.execute(
            insert(User).values(
                username=username,
                display_name=values.pop("display_name", "测试用户"),
                password_hash=hash_password("pw-1"),
                role=values.pop("role", "hq"),
                active=values.pop("active", True),
                is_demo=False,
                created_at=NOW,
                **values,
            )
        ).inserted_primary_key[0]


# ---- the claim a user is matched on ---------------------------------------------------


@pytest.mark.parametrize(
    "given, expected",
    [
        ({"preferred_username": "manager", "sub": "x"}, ("preferred_username", "manager")),
        ({"preferred_username": "  Manager\n", "sub": "x"}, ("preferred_username", "Manager")),
        ({"preferred_username": "", "sub": "hq"}, ("sub", "hq")),
        ({"preferred_username": "   ", "sub": "hq"}, ("sub", "hq")),
        ({"preferred_username": ["manager"], "sub": "hq"}, ("sub", "hq")),
        ({"preferred_username": None, "sub": "hq"}, ("sub", "hq")),
    ],
)
def test_username_match_takes_preferred_username_else_sub(given, expected):
    assert sso.claimed_name(given, "username") == expected


@pytest.mark.parametrize("given", [{}, {"sub": ""}, {"sub": 42}, {"preferred_username": " "}])
def test_no_usable_username_claim_is_refused(given):
    with pytest.raises(sso.SsoRefused) as refused:
        sso.claimed_name(given, "username")
    assert refused.value.key == "sso.no_claim"


@pytest.mark.parametrize(
    "given, code",
    [
        ({"sub": "li@bank.example"}, "no_claim"),  # sub is not an e-mail claim
        ({"email": "manager"}, "no_claim"),  # not an address
        ({"email": ""}, "no_claim"),
        ({"email": "li@bank.example", "email_verified": False}, "email_unverified"),
    ],
)
def test_email_match_needs_an_address_the_provider_does_not_doubt(given, code):
    with pytest.raises(sso.SsoRefused) as refused:
        sso.claimed_name(given, "email")
    assert refused.value.code == code


@pytest.mark.parametrize("verified", [True, None])
def test_email_verified_or_silent_is_accepted(verified):
    given = {
        "email": " Li@Bank.Example ",
        **({} if verified is None else {"email_verified": verified}),
    }
    assert sso.claimed_name(given, "email") == ("email", "Li@Bank.Example")


@pytest.mark.parametrize(
    "value, name, same",
    [
        ("manager", "manager", True),
        ("MANAGER", "manager", True),
        (" Manager\t", "manager", True),
        ("manager\n", "Manager", True),
        ("ｍａｎａｇｅｒ", "manager", False),  # full-width letters
        ("m\u0430nager", "manager", False),  # Cyrillic а
        ("man\u200bager", "manager", False),  # zero-width space
        ("manager\u0000", "manager", False),
        ("manag", "manager", False),
        ("manager1", "manager", False),
        ("\u212aate", "kate", False),  # the Kelvin sign, which Python lower-cases to k
        ("İnci", "inci", False),  # dotted capital I
    ],
)
def test_names_compare_trimmed_and_ascii_case_blind_only(value, name, same):
    assert (sso.fold(value) == sso.fold(name)) is same


@pytest.mark.parametrize(
    "age, fresh", [(0, True), (299, True), (301, False), (3600, False), (-30, True), (-120, False)]
)
def test_only_a_new_round_trip_counts(age, fresh):
    assert sso.is_fresh({"iat": NOW.timestamp() - age}, NOW) is fresh


# ---- matching against the database -----------------------------------------------------


def test_username_matches_case_blind_and_trimmed(seeded_engine):
    for value in ("manager", "Manager", "  MANAGER "):
        assert sso.find_user(seeded_engine, "username", value).username == "manager"


@pytest.mark.parametrize(
    "value", ["nobody", "manager2", "ｍanager", "m\u0430nager", "%", "_", "manager' OR '1'='1", "*"]
)
def test_unknown_or_look_alike_names_match_nobody(seeded_engine, value):
    with pytest.raises(sso.SsoRefused) as refused:
        sso.find_user(seeded_engine, "username", value)
    assert refused.value.code == "unknown_user"


def test_two_users_for_one_name_is_refused(fresh_county):
    add_user(fresh_county, "MANAGER")
    with pytest.raises(sso.SsoRefused) as refused:
        sso.find_user(fresh_county, "username", "manager")
    assert refused.value.code == "ambiguous"


def test_email_matches_a_username_that_is_an_address(fresh_county, monkeypatch):
    monkeypatch.setenv("GM_SSO_MATCH", "email")
    uid = add_user(fresh_county, "li.na@bank.example", role="hq")
    result = sso.sign_in(fresh_county, claims(email="Li.Na@Bank.EXAMPLE", email_verified=True), NOW)
    assert result is not None and result[0].user_id == uid
    # the e-mail claim never falls back to sub or to a plain username
    with pytest.raises(sso.SsoRefused):
        sso.sign_in(fresh_county, claims(sub="manager", email="manager"), NOW)


@pytest.mark.skipif(not hasattr(User, "email"), reason="app_user.email comes with migration 0006")
def test_email_matches_the_email_column(fresh_county, monkeypatch):
    monkeypatch.setenv("GM_SSO_MATCH", "email")
    with fresh_county.begin() as conn:
        conn.execute(
            update(User).where(User.username == "manager").values(email="Lei.Min@Bank.example")
        )
    result = sso.sign_in(fresh_county, claims(email=" lei.min@bank.EXAMPLE"), NOW)
    assert result is not None and result[0].username == "manager"


# ---- sign-in, refusals and the audit log -----------------------------------------------


def test_a_match_starts_an_app_session_audited_as_sso(fresh_county, monkeypatch):
    monkeypatch.delenv("GM_SSO_MATCH", raising=False)
    before = sessions(fresh_county)
    claims_of_token = claims(preferred_username="Manager")
    user, token = sso.sign_in(fresh_county, claims_of_token, NOW)
    assert user.username == "manager" and user.scope.role == "manager"
    assert user.scope.manager_id is not None
    assert sessions(fresh_county) == before + 1
    assert resume_session(fresh_county, token, NOW + timedelta(minutes=1)) == user
    ((uid, entity, entity_id, detail),) = rows(fresh_county, "sso_sign_in")
    assert uid == user.user_id and entity == "sso"
    assert entity_id == sso.fingerprint(claims_of_token)
    assert json.loads(detail) == {
        "method": "sso",
        "claim": "preferred_username",
        "value": "Manager",
        "iss": ISS,
    }
    assert rows(fresh_county, "sign_in")[-1][0] == user.user_id  # as a password sign-in


def test_one_id_token_starts_one_session_only(fresh_county):
    token_claims = claims(preferred_username="hq")
    assert sso.sign_in(fresh_county, token_claims, NOW) is not None
    before = sessions(fresh_county)
    # the identity cookie comes back on every new tab or reload: no second session from it
    assert sso.sign_in(fresh_county, token_claims, NOW + timedelta(seconds=30)) is None
    assert sso.sign_in(fresh_county, dict(token_claims), NOW + timedelta(minutes=4)) is None
    assert sessions(fresh_county) == before


@pytest.mark.parametrize(
    "change",
    [
        {"iat": int((NOW - timedelta(minutes=10)).timestamp())},  # an old identity cookie
        {"iat": int((NOW + timedelta(minutes=10)).timestamp())},  # from the future
        {"iat": None},
        {"iat": "now"},
        {"is_logged_in": False},
    ],
)
def test_stale_or_odd_claims_do_nothing(fresh_county, change):
    before = sessions(fresh_county), len(rows(fresh_county, "sso_refused"))
    assert sso.sign_in(fresh_county, {**claims(preferred_username="hq"), **change}, NOW) is None
    assert (sessions(fresh_county), len(rows(fresh_county, "sso_refused"))) == before


@pytest.mark.parametrize(
    "value", ["stranger", "<script>alert(1)</script>", "hq\r\nforged", "x" * 500, "ｈｑ"]
)
def test_unknown_identity_is_refused_audited_once_and_gets_nothing(fresh_county, value):
    before = sessions(fresh_county)
    token_claims = claims(preferred_username=value)
    for _ in range(3):  # reloads within the same round trip
        with pytest.raises(sso.SsoRefused) as refused:
            sso.sign_in(fresh_county, token_claims, NOW)
        assert refused.value.key == "sso.unknown_user"
    assert sessions(fresh_county) == before
    with fresh_county.connect() as conn:
        assert (
            conn.execute(
                select(func.count()).select_from(User).where(User.username == value)
            ).scalar()
            == 0
        )  # no provisioning
    logged = rows(fresh_county, "sso_refused")
    assert len(logged) == 1
    uid, entity, entity_id, detail = logged[0]
    detail = json.loads(detail)
    assert uid is None and entity == "sso" and entity_id == sso.fingerprint(token_claims)
    assert detail["reason"] == "unknown_user" and detail["iss"] == ISS
    assert detail["value"] == sso.clean(value) and len(detail["value"]) <= 64
    assert "\r" not in detail["value"] and "\n" not in detail["value"]


def test_inactive_user_is_refused_with_their_id(fresh_county):
    uid = add_user(fresh_county, "former", active=False)
    with pytest.raises(sso.SsoRefused) as refused:
        sso.sign_in(fresh_county, claims(preferred_username="Former"), NOW)
    assert refused.value.code == "inactive_user"
    assert [(r[0], json.loads(r[3])["reason"]) for r in rows(fresh_county, "sso_refused")] == [
        (uid, "inactive_user")
    ]


def test_demo_account_is_refused_when_demo_accounts_are_off(fresh_county, monkeypatch):
    monkeypatch.setenv("GM_DEMO_ACCOUNTS", "off")
    with pytest.raises(sso.SsoRefused) as refused:
        sso.sign_in(fresh_county, claims(preferred_username="manager"), NOW)
    assert refused.value.code == "demo_disabled"
    assert len(rows(fresh_county, "sso_refused")) == 1


@pytest.mark.skipif(not hasattr(User, "locked_until"), reason="lock-out column not in schema")
def test_locked_user_is_refused(fresh_county):
    with fresh_county.begin() as conn:
        conn.execute(
            update(User)
            .where(User.username == "hq")
            .values(locked_until=NOW + timedelta(minutes=15))
        )
    with pytest.raises(sso.SsoRefused) as refused:
        sso.sign_in(fresh_county, claims(preferred_username="hq"), NOW)
    assert refused.value.code == "locked_user"


# ---- the sign-in page (AppTest, st.user seeded) -----------------------------------------


@pytest.fixture
def page(county_copy, monkeypatch, navigation_mode):
    monkeypatch.setenv("DATABASE_URL", county_copy)
    for name in ("GM_LANGUAGE", "GM_DEMO_ACCOUNTS", "GM_SSO", "GM_SSO_MATCH"):
        monkeypatch.delenv(name, raising=False)
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)


def sso_buttons(at: AppTest) -> list:
    return [b for b in at.button if b.label == "使用单点登录"]


def test_no_button_without_auth_secrets_or_with_sso_off(page, monkeypatch):
    page.user = {"is_logged_in": False}
    page.run()
    assert not page.exception and not sso_buttons(page)
    assert page.text_input(key="signin_username")  # local accounts as before
    monkeypatch.setenv("GM_SSO", "off")
    page.secrets = {"auth": AUTH}
    page.run()
    assert not page.exception and not sso_buttons(page)


def test_button_beside_the_password_form_when_configured(page):
    page.secrets = {"auth": AUTH}
    page.user = {"is_logged_in": False}
    page.run()
    assert not page.exception
    assert len(sso_buttons(page)) == 1
    assert page.text_input(key="signin_username") and page.text_input(key="signin_password")


def test_back_from_the_provider_signed_in_as_the_matched_user(page, county_copy):
    page.secrets = {"auth": AUTH}
    page.user = claims(datetime.now(), preferred_username="branch")
    page.run()
    assert not page.exception
    assert page.session_state["user"].username == "branch"
    assert any("支行行长" in m.value for m in page.sidebar.markdown)
    assert not page.text_input  # no sign-in form any more


def test_back_from_the_provider_as_a_stranger_reads_the_refusal(page):
    page.secrets = {"auth": AUTH}
    page.user = claims(datetime.now(), preferred_username="[click](http://evil.example)")
    page.run()
    assert not page.exception
    assert page.session_state["user"] is None
    assert [e.value for e in page.error] == [
        "您的单点登录账号未在本系统开通,无法登录,此次尝试已记录。请联系总行管理员开通账号,"
        "或使用本系统的用户名和密码登录。"
    ]
    assert page.text_input(key="signin_username")  # and may still use a local account


def test_signing_out_ends_the_identity_cookie_and_the_app_session(page, county_copy):
    page.secrets = {"auth": AUTH}
    page.user = claims(datetime.now(), preferred_username="manager")
    page.run()
    token = page.session_state["token"]
    page.sidebar.button(key="sign_out").click().run()
    assert not page.exception
    assert page.user == {"is_logged_in": False}  # st.logout ran
    assert page.session_state["user"] is None
    engine = make_engine(county_copy)
    try:
        assert resume_session(engine, token) is None  # revoked in the database
    finally:
        engine.dispose()


@pytest.mark.parametrize("missing", ["client_id", "server_metadata_url", "cookie_secret"])
def test_incomplete_auth_section_says_so_instead_of_a_traceback(page, missing):
    page.secrets = {"auth": {k: v for k, v in AUTH.items() if k != missing}}
    page.user = {"is_logged_in": False}
    page.run()
    sso_buttons(page)[0].click().run()
    assert not page.exception
    assert any("单点登录配置不完整" in e.value for e in page.error)
    assert page.text_input(key="signin_username")


def test_sso_sign_in_keeps_nothing_of_the_tab_but_the_language(page):
    page.secrets = {"auth": AUTH}
    page.user = {"is_logged_in": False}
    page.run()
    page.session_state["customer_id"] = 4242  # left behind by someone before
    page.session_state["grid_change"] = "a pending change"
    page.session_state["lang"] = "en"
    page.user = claims(datetime.now(), preferred_username="manager")
    page.run()
    assert not page.exception
    assert page.session_state["user"].username == "manager"
    assert page.session_state["customer_id"] is None
    assert page.session_state["grid_change"] is None
    assert page.session_state["lang"] == "en"
