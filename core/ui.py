"""Streamlit glue shared by app.py and the pages: state, sign-in, sidebar, cached queries.

This is the only module in core/ that imports streamlit. Session-state keys used across pages
are declared once in ``STATE_DEFAULTS``.
"""
from __future__ import annotations

import json

import streamlit as st

from core import auth, config, gridmap, overview
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
    "grid_change": None,  # a grid change waiting for review (core.grid_changes.Change)
}


def init_state() -> None:
    for key, default in STATE_DEFAULTS.items():
        st.session_state.setdefault(key, default)
    if st.session_state["lang"] not in LANGUAGES:
        st.session_state["lang"] = config.get("GM_LANGUAGE")


def lang() -> str:
    return st.session_state.get("lang") or config.get("GM_LANGUAGE")


def tr(key: str, **values) -> str:
    """Text for ``key`` in the session's language."""
    return t(key, lang(), **values)


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
    return st.session_state["user"]


# ---- sign-in ---------------------------------------------------------------------------

def current_user() -> auth.SignedIn | None:
    """The signed-in user: from this session, else from the browser's sign-in cookie.

    The token is checked against the database on every run, so a sign-out elsewhere or a
    deactivated account ends the session at the next click.
    """
    token = st.session_state.get("token") or st.context.cookies.get(auth.COOKIE_NAME)
    user = auth.resume_session(get_engine(), token)
    if user is None:
        if st.session_state.get("user") is not None:
            _forget()
        return None
    st.session_state["user"] = user
    st.session_state["token"] = token
    return user


def _forget() -> None:
    st.session_state["user"] = None
    st.session_state["token"] = None
    st.session_state["cookie_js"] = _cookie_script("", 0)


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


def sign_in_page() -> None:
    """The sign-in form (the only page before signing in)."""
    flush_cookie()
    st.title(tr("app.title"))
    if config.get("GM_DEMO_ACCOUNTS"):
        st.caption(tr("app.demo_banner"))
    if st.session_state.get("notice"):
        st.info(tr(st.session_state["notice"]))
        st.session_state["notice"] = None
    with st.form("sign_in"):
        st.subheader(tr("signin.title"))
        username = st.text_input(tr("signin.username"), key="signin_username")
        password = st.text_input(tr("signin.password"), type="password", key="signin_password")
        submitted = st.form_submit_button(tr("signin.submit"), type="primary")
    if config.get("GM_DEMO_ACCOUNTS"):
        st.caption(tr("signin.demo_hint"))
    if not submitted:
        return
    if not username.strip() or not password:
        st.error(tr("signin.empty"))
        return
    engine = get_engine()
    try:
        user = auth.authenticate(engine, username, password)
    except auth.SignInError as exc:
        st.error(tr(f"signin.{exc.code}"))
        return
    token = auth.start_session(engine, user)
    hours = int(config.get("GM_SESSION_HOURS"))
    st.session_state.update(user=user, token=token, cookie_js=_cookie_script(token, hours * 3600))
    st.rerun()


def sign_out() -> None:
    user = st.session_state.get("user")
    if user is not None:
        auth.end_sessions(get_engine(), user.user_id)
    _forget()
    st.session_state["notice"] = "signin.signed_out"


# ---- sidebar ---------------------------------------------------------------------------

def sidebar(user: auth.SignedIn) -> None:
    """User, org unit, language switch and sign-out."""
    with st.sidebar:
        st.markdown(f"**{user.display_name}** · {tr('role.' + user.scope.role)}")
        st.caption(f"{tr('sidebar.org')}:{org_name(user.scope)}")
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


@st.cache_data(ttl=600, show_spinner=False, max_entries=32)
def map_data(url: str, scope: Scope, version: int) -> gridmap.MapData:
    """The scope's grids, figures, outlets and customers, once for every metric; ``version``
    (grids changed) is part of the key."""
    return gridmap.load_map_data(get_engine(url), scope)


@st.cache_data(ttl=600, show_spinner=False, max_entries=64)
def map_layers(url: str, scope: Scope, metric: str, version: int) -> gridmap.MapLayers:
    """The scope's map coloured by ``metric`` (switching metric queries nothing)."""
    return gridmap.colour(map_data(url, scope, version), metric)


@st.cache_data(ttl=60, show_spinner=False)
def grid_version(url: str) -> int:
    return gridmap.grid_version(get_engine(url))


@st.cache_data(ttl=600, show_spinner=False, max_entries=256)
def grid_card(url: str, scope: Scope, grid_id: int, version: int) -> dict | None:
    from core.grids import grid_card as load

    return load(get_engine(url), scope, grid_id)



def grid_map(url: str, scope: Scope, metric: str, version: int, tiles: str):
    """The folium map of the scope. Built anew on every run on purpose: streamlit-folium
    rewrites a map's element ids while rendering it, so a cached map object would render a
    different script the second time and remount (losing the click); a fresh map renders
    the same script every time."""
    from geo.mapview import build_grid_map

    layers = map_layers(url, scope, metric, version)
    return build_grid_map(layers.level1, layers.level2, layers.outlets, layers.customers,
                          colors1=list(layers.level1["color"]),
                          colors2=list(layers.level2["color"]), tiles=tiles,
                          tiles_key=config.get("GM_TIANDITU_KEY"),
                          label_level2=len(layers.level2) <= 40)


@st.cache_data(ttl=600, show_spinner=False, max_entries=64)
def grids_of_scope(url: str, scope: Scope, level: int, version: int):
    """The scope's grids of one level (without geometry), for pickers."""
    from core.grids import load_grids

    return load_grids(get_engine(url), scope, level).drop(columns="geometry")


# ---- reviewing a grid change before it is applied -------------------------------------

def propose_change(change) -> None:
    """Put a change up for review (the grid page shows it with ``review_change``)."""
    st.session_state["grid_change"] = change


def review_change(user: auth.SignedIn) -> None:
    """Show the pending change: its problems, or its impact and an Apply button."""
    from core import grid_changes

    change = st.session_state.get("grid_change")
    if change is None:
        return
    engine = get_engine(config.database_url())
    st.subheader(tr("grids.change_title"))
    st.caption(tr("grids.change_grids", n=len(change.grids)))
    problems = grid_changes.check_change(engine, change)
    if problems:
        st.error(tr("grids.problems") + "\n\n" + "\n".join(
            f"- {p.grid}: {p.message_zh if lang() == 'zh' else p.message_en}"
            for p in problems))
    else:
        impact = grid_changes.preview(engine, change)
        cols = st.columns(5)
        cols[0].metric(tr("grids.impact_customers"), f"{impact.customers:,}")
        cols[1].metric(tr("grids.impact_deposits"), f"{impact.deposits / 1e4:,.2f}")
        cols[2].metric(tr("grids.impact_households"), f"{impact.households:,}")
        cols[3].metric(tr("grids.impact_branch"), f"{impact.branch_moves:,}")
        cols[4].metric(tr("grids.impact_blind"),
                       f"{impact.blind_spots_before:,} → {impact.blind_spots_after:,}")
    apply_col, cancel_col = st.columns([1, 5])
    if not problems and apply_col.button(tr("grids.confirm"), type="primary",
                                         key="grid_change_apply"):
        version = grid_changes.apply(engine, change, user.user_id)
        moved = grid_changes.versions(engine).set_index("id").loc[version, "customers_moved"]
        st.session_state["grid_change"] = None
        st.cache_data.clear()
        st.success(tr("grids.applied", version=version, moved=f"{moved:,}"))
    elif cancel_col.button(tr("grids.cancel"), key="grid_change_cancel"):
        st.session_state["grid_change"] = None
        st.rerun()



# ---- targets and progress (keyed by the data version: saves and recomputations) ------

@st.cache_data(ttl=60, show_spinner=False)
def progress_version(url: str) -> tuple:
    from core.progress import data_version

    return data_version(get_engine(url))


@st.cache_data(ttl=600, show_spinner=False, max_entries=64)
def progress_data(url: str, scope: Scope, version: tuple):
    """The scope's targets and actuals (small tables: ~100 units x 15 metrics x 13 months)."""
    from core.progress import load_progress

    return load_progress(get_engine(url), scope)


@st.cache_data(ttl=600, show_spinner=False, max_entries=128)
def progress_tables(url: str, scope: Scope, version: tuple, period: str):
    """Every unit and metric of the scope in ``period``, and the lag warnings."""
    from core.progress import lag_warnings, progress_table

    table = progress_table(progress_data(url, scope, version), period)
    return table, lag_warnings(table)


@st.cache_data(ttl=600, show_spinner=False, max_entries=256)
def progress_forecast(url: str, scope: Scope, version: tuple, level: str, org_id: int):
    """The run-rate forecast of one unit of the scope, every metric."""
    from core.progress import forecast_table

    return forecast_table(progress_data(url, scope, version), level, org_id)


@st.cache_data(ttl=600, show_spinner=False, max_entries=256)
def target_plan(url: str, version: tuple, year: int, metric: str, parent_level: str,
                parent_id: int, parent_value: float, method: str):
    """A proposed split of a parent's annual target (not saved)."""
    from core.targets import propose_split

    return propose_split(get_engine(url), year, metric, parent_level, parent_id, parent_value,
                         method)


PROGRESS_FORMATS = {"target": "%,.2f", "actual": "%,.2f", "completion_pct": "%.1f",
                    "time_pct": "%.1f", "gap": "%,.2f", "rank": "%d", "behind_pts": "%.1f",
                    "behind": "%,.2f", "year_end": "%,.2f", "pct": "%.1f", "last_year": "%,.2f",
                    "current": "%,.2f", "weight": "%.2f", "old": "%,.2f", "new": "%,.2f"}
PROGRESS_LABELS = {"pct": "col.forecast_pct", "target": "col.target"}


UNIT_FORMATS = {"yuan": "%,.2f", "count": "%,.0f", "pct": "%.2f"}


def progress_columns(name_key: str = "col.metric", unit: str | None = None) -> dict:
    """Column labels and number formats of the progress and targets tables (1 decimal for
    percentages, thousands separators for amounts; ``unit`` formats a one-metric table's
    amounts; tables mixing units get them as text)."""
    formats = PROGRESS_FORMATS | ({c: UNIT_FORMATS[unit] for c in ("target", "actual", "gap")}
                                  if unit else {})
    config_ = {c: st.column_config.NumberColumn(tr(PROGRESS_LABELS.get(c, f"col.{c}")),
                                                format=f)
               for c, f in formats.items()}
    if unit is None:
        config_ |= {c: st.column_config.TextColumn(tr(f"col.{c}"))
                    for c in ("target", "actual", "gap", "behind", "year_end", "old", "new",
                              "completion_pct", "time_pct", "rank")}
    config_ |= {c: st.column_config.TextColumn(tr(f"col.{c}"))
                for c in ("unit", "status", "who", "metric", "miss", "user", "org", "month",
                          "source")}
    config_["at"] = st.column_config.DatetimeColumn(tr("col.at"), format="YYYY-MM-DD HH:mm")
    return config_ | {"name": st.column_config.TextColumn(tr(name_key))}


def plan_columns(name_key: str, unit: str) -> dict:
    """The split editor's columns: only the new target is editable (manual method); money
    to 4 decimals of 万元 (whole yuan)."""
    cols = progress_columns(name_key)
    cols["target"] = st.column_config.NumberColumn(
        f"{tr('col.new_target')}({tr('unit.' + unit)})",
        format="%,.4f" if unit == "yuan" else "%,.2f",
        step={"yuan": 0.0001, "count": 1.0, "pct": 0.01}[unit])
    return cols


def saved() -> None:
    """After a write: every cached figure may be stale."""
    st.cache_data.clear()


@st.cache_data(ttl=600, show_spinner=False)
def county_proposals(url: str, version: int):
    """Balance of a level-2 proposal for every branch (computed, not applied)."""
    from core.proposals import county_level2

    return county_level2(get_engine(url))
