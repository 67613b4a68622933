"""Streamlit glue shared by app.py and the pages: state, sign-in, sidebar, cached queries.

``core.ui`` is the only package in core/ that imports streamlit. This module holds the
frame's part (state, language, sign-in, sidebar, the Overview's queries); ``grids``,
``segments`` and ``customers`` hold the glue of those pages, and everything is reachable
as ``ui.<name>``. Session-state keys used across pages are declared once in
``STATE_DEFAULTS``.
"""
from __future__ import annotations

import json

import streamlit as st

from core import config, escape

from core.access import auth

from core.grids import overview
from core.access import users as user_admin  # (core.ui.users is the users page's glue)
from core.db import get_engine
from core.i18n import LANGUAGES, t
from core.scope import Scope

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


def sign_in_page() -> None:
    """The sign-in form (the only page before signing in)."""
    flush_cookie()
    st.title(tr("app.title"))
    if config.get("GM_DEMO_ACCOUNTS"):
        st.caption(tr("app.demo_banner"))
    if st.session_state.get("notice"):
        st.info(tr(st.session_state["notice"]))
        st.session_state["notice"] = None
    sso_sign_in()  # the single sign-on button, and the end of its round trip
    with st.form("sign_in"):
        st.subheader(tr("signin.title"))
        username = st.text_input(tr("signin.username"), key="signin_username", max_chars=100)
        password = st.text_input(tr("signin.password"), type="password", key="signin_password",
                                 max_chars=200)
        submitted = st.form_submit_button(tr("signin.submit"), type="primary")
    if config.get("GM_DEMO_ACCOUNTS"):
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
    st.caption(tr("pwchange.rules", n=config.get("GM_PASSWORD_MIN_LENGTH"),
                  k=config.get("GM_PASSWORD_CLASSES")))
    with st.form("change_password"):
        current = st.text_input(tr("pwchange.current"), type="password", key="pw_current",
                                max_chars=200)
        new = st.text_input(tr("pwchange.new"), type="password", key="pw_new", max_chars=200)
        repeat = st.text_input(tr("pwchange.repeat"), type="password", key="pw_repeat",
                               max_chars=200)
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
    except user_admin.UserError as exc:
        st.error(exc.text(lang()))
        return
    for key in ("pw_current", "pw_new", "pw_repeat"):
        st.session_state.pop(key, None)
    st.session_state["notice"] = "pwchange.done"
    st.rerun()


# ---- sidebar ---------------------------------------------------------------------------

def sidebar(user: auth.SignedIn) -> None:
    """User, org unit, language switch and sign-out."""
    with st.sidebar:
        st.markdown(f"**{md(user.display_name)}** · {tr('role.' + user.scope.role)}")
        st.caption(f"{tr('sidebar.org')}:{md(org_name(user.scope))}")
        st.segmented_control(tr("sidebar.language"), options=list(LANGUAGES), key="lang",
                             format_func=lambda code: {"zh": "中文", "en": "English"}[code])
        if st.button(tr("sidebar.sign_out"), key="sign_out", icon=":material/logout:"):
            sign_out()
            st.rerun()
        st.caption(tr("app.demo_banner"))


@st.cache_data(ttl=3600, show_spinner=False)
def _org_names(url: str, scope: Scope) -> tuple[str | None, str | None]:
    return overview.load_org_names(get_engine(url), scope)


def org_name(scope: Scope) -> str:
    """The scope's org unit as users say it: 全行, a branch, or branch / manager."""
    if scope.role == "hq":
        return tr("org.bank")
    branch, manager = _org_names(config.database_url(), scope)
    return branch if scope.role == "branch" else f"{branch} / {manager}"


# ---- cached queries (scope is part of every cache key) ----------------------------------

@st.cache_data(ttl=600, show_spinner=False)
def headline(url: str, scope: Scope) -> overview.Headline:
    return overview.load_headline(get_engine(url), scope)


@st.cache_data(ttl=600, show_spinner=False)
def breakdown(url: str, scope: Scope):
    return overview.load_breakdown(get_engine(url), scope)


# the pages' glue, reachable as ui.<name> (imported last: they use tr, lang and the engine)
from core.ui.errors import error_key, user_errors  # noqa: E402, F401
from core.masking import name_search_exact  # noqa: E402, F401
from core.ui.downloads import logged_download  # noqa: E402, F401
from core.ui.customers import (customer_money_markdown, customer_profile_markdown,  # noqa: E402, F401
                               customer_tables, customer_view, find_customers)
from core.ui.grids import (county_proposals, grid_card, grid_map, grid_version,  # noqa: E402, F401
                           grids_of_scope, map_data, map_layers, propose_change, review_change)
from core.ui.progress import (PROGRESS_FORMATS, plan_columns, progress_columns,  # noqa: E402, F401
                              progress_data, progress_forecast, progress_tables,
                              progress_version, saved, target_plan)
from core.ui.visits import (apply_position, checkin_position, coverage_map,  # noqa: E402, F401
                            checkin_from_form, manager_picker, managers_for, new_visit, now_minute,
                            optional_number, picked, plan_editor, planner, planner_filters,
                            route_section, set_picked, visit_checks, visit_token)
from core.ui.users import (audit_filters, audit_table, create_user_form,  # noqa: E402, F401
                           manage_user_form, user_table)
from core.ui.segments import (FILTER_KEYS, branch_names, customer_table,  # noqa: E402, F401
                              customer_table_columns, customer_table_download,
                              explorer_context, explorer_filters,
                              explorer_frame, explorer_grid_options, latest_segment_run,
                              load_filters_into_widgets, managers_of, plain_grid_map,
                              profile_version, rerun_segments, save_list_form,
                              save_tag_thresholds, saved_lists, segment_table, segments,
                              selection_layers, tag_counts, tags)
from core.ui.sso import sso_sign_in, sso_sign_out  # noqa: E402
