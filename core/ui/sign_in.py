"""The sign-in page, the one-time password's change page and signing out."""

from __future__ import annotations

import streamlit as st
from sqlalchemy.exc import DBAPIError

from core import config
from core.access import auth
from core.access import users as user_admin
from core.db import get_engine
from core.problems import ProblemError
from core.ui.errors import show_problems
from core.ui.frame import (
    _forget,
    begin_session,
    client,
    current_user,
    database_url,
    flush_cookie,
    md,
    tr,
)
from core.ui.sso import sso_sign_in, sso_sign_out


def signed_in_user() -> auth.SignedIn | None:
    """The frame's first call: the signed-in user (``current_user``) or None; when the
    database cannot be reached, say so instead of a traceback and end the run."""
    try:
        return current_user()
    except DBAPIError:
        st.error(tr("error.database"))
        st.stop()


@st.cache_data(ttl=300, show_spinner=False)
def _demo_database(url: str) -> bool:
    try:
        return user_admin.holds_demo_accounts(get_engine(url))
    except DBAPIError:
        return False


def demo_database() -> bool:
    """The demo's database with its demo accounts on: say so (a bank's own data: never)."""
    return bool(config.get("GM_DEMO_ACCOUNTS")) and _demo_database(database_url())


def sign_in_page() -> None:
    """The sign-in form (the only page before signing in)."""
    flush_cookie()
    st.title(tr("app.title"))
    if demo_database():
        st.caption(tr("app.demo_banner"))
    if st.session_state.get("notice"):
        st.info(tr(st.session_state["notice"]))
        st.session_state["notice"] = None
    sso_sign_in()  # the single sign-on button, and the end of its round trip
    with st.form("sign_in"):
        st.subheader(tr("signin.title"))
        username = st.text_input(tr("signin.username"), key="signin_username", max_chars=100)
        password = st.text_input(
            tr("signin.password"), type="password", key="signin_password", max_chars=200
        )
        submitted = st.form_submit_button(tr("signin.submit"), type="primary")
    if demo_database():
        st.caption(tr("signin.demo_hint"))
    if not submitted:
        return
    if not username.strip() or not password:
        st.error(tr("signin.empty"))
        return
    engine, where = get_engine(), client()
    try:
        user = auth.authenticate(engine, username, password, client=where)
    except auth.SignInError:
        st.error(tr("signin.failed"))  # one message whatever the reason (the audit log has it)
        return
    begin_session(user, auth.start_session(engine, user, client=where))
    st.rerun()


def sign_out() -> None:
    user = st.session_state.get("user")
    if user is not None:
        auth.end_sessions(get_engine(), user.user_id)
    _forget()
    sso_sign_out()  # ends the identity provider's cookie too (and this run), if signed in so
    st.session_state["notice"] = "signin.signed_out"


def change_password_page() -> None:
    """The only page of a user signed in with a one-time password: choose a new one."""
    flush_cookie()
    user = st.session_state["user"]
    st.title(tr("pwchange.title"))
    st.info(tr("pwchange.intro", name=md(user.display_name)))
    st.caption(
        tr(
            "pwchange.rules",
            n=config.get("GM_PASSWORD_MIN_LENGTH"),
            k=config.get("GM_PASSWORD_CLASSES"),
        )
    )
    with st.form("change_password"):
        current = st.text_input(
            tr("pwchange.current"), type="password", key="pw_current", max_chars=200
        )
        new = st.text_input(tr("pwchange.new"), type="password", key="pw_new", max_chars=200)
        repeat = st.text_input(
            tr("pwchange.repeat"), type="password", key="pw_repeat", max_chars=200
        )
        submitted = st.form_submit_button(tr("pwchange.submit"), type="primary")
    if st.button(tr("sidebar.sign_out"), key="sign_out", icon=":material/logout:"):
        sign_out()
        st.rerun()
    if not submitted:
        return
    if new != repeat:
        st.error(tr("pwchange.mismatch"))
        return
    try:
        user_admin.change_password(get_engine(), user, current, new)
    except ProblemError as exc:
        show_problems(exc.problems)
        return
    for key in ("pw_current", "pw_new", "pw_repeat"):
        st.session_state.pop(key, None)
    st.session_state["notice"] = "pwchange.done"
    st.rerun()
