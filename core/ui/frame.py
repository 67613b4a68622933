"""The frame's glue: session state, language and text, the frame/page handshake, the
sign-in cookie and the signed-in user.

Every other module of ``core.ui`` builds on this one; pages reach all of it as ``ui.<name>``.
Session-state keys used across pages are declared once in ``STATE_DEFAULTS``.
"""

from __future__ import annotations

import json

import streamlit as st

from core import config, escape, i18n
from core.access import auth
from core.assets import offline
from core.db import get_engine
from core.i18n import LANGUAGES, t

offline.serve_under(st.get_option("server.baseUrlPath"))  # the map's files are served there

STATE_DEFAULTS = {
    "lang": None,  # filled from GM_LANGUAGE on first use
    "user": None,  # auth.SignedIn once signed in
    "token": None,  # the sign-in token (also in the browser cookie)
    "cookie_js": None,  # cookie change to send to the browser on the next run
    "notice": None,  # i18n key of a message to show once (e.g. signed out)
    "frame_ran": False,  # set by app.py right before a page runs; the page takes it
    "map_grid": None,  # the grid whose card the map shows (the audit and staffing pages too)
    "grid_change": None,  # a grid change waiting for review (core.grids.changes.Change)
    "customer_id": None,  # the customer the customer view shows (set by the explorer too)
    "visit_token": None,  # the visit the log form shows (one visit per token)
}


KEPT_ACROSS_USERS = ("lang",)  # the only session keys a sign-in or sign-out keeps


def init_state() -> None:
    for key, default in STATE_DEFAULTS.items():
        st.session_state.setdefault(key, default)
    if st.session_state["lang"] not in LANGUAGES:
        st.session_state["lang"] = config.get("GM_LANGUAGE")


def reset_state() -> None:
    """Forget everything this tab holds but the language: widget values, a pending grid
    change, the selected customer, the planner's picks, the visit token... Run at sign-in
    and sign-out, so the next person in the tab inherits nothing of the last one."""
    for key in list(st.session_state.keys()):
        if key not in KEPT_ACROSS_USERS:
            del st.session_state[key]
    init_state()


def lang() -> str:
    return st.session_state.get("lang") or config.get("GM_LANGUAGE")


def engine():
    """The app's one engine (``DATABASE_URL``); ui functions call it, pages never do."""
    return get_engine()


def database_url() -> str:
    """The database URL, as cached ui functions take it into their key."""
    return config.database_url()


def pick(zh: str, en: str) -> str:
    """One of a pair of texts from data (a segment's name, a reason) in the session's language."""
    return i18n.pick(zh, en, lang())


def lang_column(name: str) -> str:
    """The session language's column of a bilingual pair: ``name`` -> ``name_zh`` / ``name_en``."""
    return i18n.column(name, lang())


def tr(key: str, **values) -> str:
    """Text for ``key`` in the session's language."""
    return t(key, lang(), **values)


def md(value) -> str:
    """Data (a name, an address, a note, anything from a user or a file) as literal text
    inside Markdown: st.markdown, st.caption, st.info/warning/error/success, st.subheader."""
    return escape.markdown(value)


def md_code(value) -> str:
    """Data as a Markdown code span (a chip)."""
    return escape.markdown_code(value)


def tr_md(key: str, **values) -> str:
    """``tr`` for Markdown: the text's own formatting kept, the values (data) escaped."""
    return tr(key, **{k: escape.markdown(v) for k, v in values.items()})


# ---- the frame/page handshake ----------------------------------------------------------


def run_page(page) -> None:
    """Run a page from the frame (app.py), telling it the sign-in gate has run."""
    st.session_state["frame_ran"] = True
    page.run()


def landing(first_page):
    """A page callable that sends the user on to ``first_page`` (the root address)."""

    def go_to_first_page() -> None:
        st.switch_page(first_page)

    return go_to_first_page


def page_user() -> auth.SignedIn:
    """The signed-in user, for the first line of every page.

    With a ``pages/`` folder next to app.py, Streamlit's legacy multipage mode runs a page file
    on its own for the first request after the server starts (and AppTest does so on every
    run). Such a run skips the sign-in gate; send it through the frame instead.
    """
    if not st.session_state.pop("frame_ran", False) or st.session_state.get("user") is None:
        st.switch_page("app.py")
    flush_cookie()  # here, not in the frame: a landing page's redirect would drop it
    if st.session_state.get("notice"):  # e.g. the password was just changed
        st.success(tr(st.session_state["notice"]))
        st.session_state["notice"] = None
    return st.session_state["user"]


# ---- sign-in ---------------------------------------------------------------------------


def current_user() -> auth.SignedIn | None:
    """The signed-in user: from this session, else from the browser's sign-in cookie.

    The token is checked against the database on every run, so a sign-out elsewhere, a
    deactivated account or ``GM_IDLE_MINUTES`` without a click ends the session at the next
    click, and the tab's state is forgotten.
    """
    token = st.session_state.get("token") or st.context.cookies.get(auth.COOKIE_NAME)
    user, reason = auth.check_session(get_engine(), token)
    before = st.session_state.get("user")
    if user is None:
        if before is not None or reason == "idle":
            _forget()
            st.session_state["notice"] = "signin.idle" if reason == "idle" else "signin.ended"
        return None
    if before is not None and before.user_id != user.user_id:
        reset_state()  # another user's token: nothing of the last one stays
    st.session_state["user"] = user
    st.session_state["token"] = token
    return user


def _forget() -> None:
    reset_state()
    st.session_state["cookie_js"] = _cookie_script("", 0)


def client() -> str:
    """The client's address as sign-in failures are counted (see auth.client_address)."""
    headers = st.context.headers
    forwarded = headers.get("X-Forwarded-For") if headers is not None else None
    return auth.client_address(st.context.ip_address, forwarded)


def _cookie_script(token: str, max_age: int) -> str:
    value = json.dumps(f"{auth.COOKIE_NAME}={token}; path=/; max-age={max_age}; SameSite=Strict")
    return f"<script>document.cookie = {value};</script>"


def flush_cookie() -> None:
    """Send a pending cookie change to the browser (runs once, then forgets it).

    Called by the page that finally renders, so no redirect discards the script.
    """
    script = st.session_state.get("cookie_js")
    if script:
        st.html(script, unsafe_allow_javascript=True)
        st.session_state["cookie_js"] = None


def begin_session(user: auth.SignedIn, token: str) -> None:
    """Make ``user`` (with the sign-in ``token`` from ``auth.start_session``) this tab's
    signed-in user, with nothing of the tab's earlier state but the language, and set the
    browser's cookie on the next run."""
    reset_state()
    hours = int(config.get("GM_SESSION_HOURS"))
    st.session_state.update(user=user, token=token, cookie_js=_cookie_script(token, hours * 3600))
