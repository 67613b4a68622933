"""Single sign-on round trip in Debian's Chromium against a mock OpenID Connect provider.

The provider (``oidc-provider-mock`` from PyPI) runs in this process on 127.0.0.1; the app
gets a temporary secrets file whose ``[auth]`` section points at it. The browser clicks the
SSO button, authorises a subject at the provider, comes back and must land signed in as the
matching app user - or read the refusal, with an audit row and no session. Every request
goes through the loopback guard of tests/test_browser.py (the provider's own stylesheet link
to a public CDN is replaced, so the guard stays strict).
"""

from __future__ import annotations

import json
import threading
import urllib.request
from urllib.parse import quote

import pytest
import werkzeug.serving
from jinja2 import ChoiceLoader, DictLoader
from playwright.sync_api import Page, expect

from tests.browser_helpers import (
    FIRST_LOAD_MS,
    RESULTS,
    SIDEBAR,
    expect_overview,
    expect_sign_in_form,
)
from tests.browser_server import streamlit_server
from tests.helpers import query, scalar

pytestmark = [
    pytest.mark.browser,  # the provider (in this process) uses Authlib's old API
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
    pytest.mark.filterwarnings("ignore::authlib.deprecate.AuthlibDeprecationWarning"),
]

# The mock provider's page frame without its link to a public CDN stylesheet.
OFFLINE_BASE = (
    '<!doctype html><html lang="en"><main class="container">'
    "{% block content %}{{ content }}{% endblock %}</main></html>"
)
SSO_BUTTON = "使用单点登录"
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@pytest.fixture(scope="module")
def idp() -> str:
    """A mock OpenID Connect provider on a free loopback port; yields its issuer URL."""
    import oidc_provider_mock  # here, where the module's warning filter applies

    app = oidc_provider_mock.app(require_nonce=True)
    app.jinja_loader = ChoiceLoader([DictLoader({"_base.html": OFFLINE_BASE}), app.jinja_loader])
    server = werkzeug.serving.make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


def register(idp: str, sub: str, **claims) -> None:
    """Tell the provider which claims subject ``sub`` has."""
    request = urllib.request.Request(
        f"{idp}/users/{quote(sub, safe='')}",
        method="PUT",
        data=json.dumps(claims).encode(),
        headers={"Content-Type": "application/json"},
    )
    with NO_PROXY.open(request, timeout=10) as response:
        assert response.status == 204


@pytest.fixture(scope="module")
def sso_app(idp, county_url, tmp_path_factory) -> str:
    """The app with single sign-on configured against ``idp``; yields its base URL."""
    secrets = tmp_path_factory.mktemp("secrets") / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        'cookie_secret = "a-test-cookie-secret-of-enough-length"\n'
        'client_id = "gridbank"\n'
        'client_secret = "not-a-real-secret"\n'
        f'server_metadata_url = "{idp}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    with streamlit_server(
        county_url, secrets_file=secrets, extra_env={"GM_SSO": "on", "GM_SSO_MATCH": "username"}
    ) as base:
        yield base


def round_trip(page: Page, base: str, idp: str, sub: str) -> None:
    """Sign-in page → SSO button → the provider's form (authorise ``sub``) → back to the app."""
    page.goto(base)
    expect_sign_in_form(page)
    page.get_by_role("button", name=SSO_BUTTON).click()
    page.wait_for_url(f"{idp}/oauth2/authorize**")
    page.get_by_placeholder("sub").fill(sub)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{base}/**")


def test_sso_signs_in_the_matching_app_user_with_their_scope(sso_app, idp, county_url, guarded):
    register(
        idp, "idp-0001", preferred_username="Manager", email="leimin@bank.example", name="雷敏"
    )
    page = guarded.new_page()
    round_trip(page, sso_app, idp, "idp-0001")

    expect_overview(page)
    sidebar = page.locator(SIDEBAR)
    display, _role = query(
        county_url, "SELECT u.display_name, u.role FROM app_user u WHERE u.username = 'manager'"
    )[0]
    expect(sidebar).to_contain_text(display)
    expect(sidebar).to_contain_text("客户经理")
    main = page.locator('[data-testid="stMain"]')
    expect(main.get_by_role("heading", name="网格明细", exact=True)).to_be_visible()
    expect(main.get_by_role("heading", name="客户经理明细", exact=True)).to_have_count(0)
    page.wait_for_function("document.cookie.includes('gm_session=')")

    manager = scalar(county_url, "SELECT id FROM app_user WHERE username = 'manager'")
    actions = query(
        county_url,
        "SELECT action, user_id, entity, detail FROM audit_log "
        "WHERE action IN ('sso_sign_in', 'sign_in') ORDER BY id DESC "
        "LIMIT 2",
    )
    assert [(a, u) for a, u, _, _ in actions] == [("sign_in", manager), ("sso_sign_in", manager)]
    assert actions[1][2] == "sso"
    assert json.loads(actions[1][3]) == {
        "method": "sso",
        "claim": "preferred_username",
        "value": "Manager",
        "iss": idp,
    }

    # a reload keeps the app session (our cookie), and no second session starts from the
    # identity cookie
    sessions = scalar(county_url, "SELECT COUNT(*) FROM user_session")
    page.reload()
    expect_overview(page)
    assert scalar(county_url, "SELECT COUNT(*) FROM user_session") == sessions

    # signing out ends the identity cookie too (st.logout, via the provider's end-session page)
    sidebar.get_by_role("button", name="退出登录").click()
    page.wait_for_url(f"{idp}/oauth2/end_session**")
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(f"{sso_app}/**")
    expect_sign_in_form(page)
    assert not [c for c in guarded.context.cookies() if c["name"].startswith("_streamlit_user")]
    page.reload()
    expect_sign_in_form(page)
    guarded.assert_offline()


def test_sso_refuses_an_identity_unknown_to_the_app(sso_app, idp, county_url, guarded):
    register(
        idp, "idp-0666", preferred_username="<b>intruder</b>", email="intruder@elsewhere.example"
    )
    sessions = scalar(county_url, "SELECT COUNT(*) FROM user_session")
    page = guarded.new_page()
    round_trip(page, sso_app, idp, "idp-0666")

    expect(page.get_by_text("您的单点登录账号未在本系统开通")).to_be_visible(timeout=FIRST_LOAD_MS)
    expect_sign_in_form(page)  # local accounts still work beside it
    assert scalar(county_url, "SELECT COUNT(*) FROM user_session") == sessions
    assert "gm_session=" not in page.evaluate("document.cookie")
    rows = query(
        county_url, "SELECT user_id, entity, detail FROM audit_log WHERE action = 'sso_refused'"
    )
    assert len(rows) == 1
    user_id, entity, detail = rows[0]
    assert user_id is None and entity == "sso"
    detail = json.loads(detail)
    assert detail["reason"] == "unknown_user" and detail["value"] == "<b>intruder</b>"
    assert detail["claim"] == "preferred_username" and detail["iss"] == idp
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTS / "sso-refused.png"), full_page=True)

    # a reload shows the refusal again but logs the same ID token only once
    page.reload()
    expect(page.get_by_text("您的单点登录账号未在本系统开通")).to_be_visible(timeout=FIRST_LOAD_MS)
    assert scalar(county_url, "SELECT COUNT(*) FROM audit_log WHERE action = 'sso_refused'") == 1

    # and the same browser can still sign in with a local account
    page.get_by_label("用户名").fill("branch")
    page.get_by_label("密码").fill("demo")
    page.get_by_role("button", name="登录", exact=True).click()
    expect_overview(page)
    guarded.assert_offline()
