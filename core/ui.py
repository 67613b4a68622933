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



@st.cache_data(ttl=600, show_spinner=False)
def county_proposals(url: str, version: int):
    """Balance of a level-2 proposal for every branch (computed, not applied)."""
    from core.proposals import county_level2

    return county_level2(get_engine(url))


# ---- tags, segments and the explorer ------------------------------------------------------

@st.cache_data(ttl=60, show_spinner=False)
def profile_version(url: str) -> int:
    """Changes when tags or segments are recomputed (part of the keys below)."""
    from core.tags import data_version

    return data_version(get_engine(url))


@st.cache_data(ttl=600, show_spinner=False)
def tags(url: str, version: int):
    from core.tags import load_tags

    return load_tags(get_engine(url))


@st.cache_data(ttl=600, show_spinner=False)
def segments(url: str, version: int):
    from core.profiling import load_segments

    return load_segments(get_engine(url))


@st.cache_data(ttl=3600, show_spinner=False, max_entries=24)
def explorer_frame(url: str, scope: Scope, version: int):
    """The scope's customers as the explorer filters them: read once per scope and data
    version (seconds at a million customers), then every filter is numpy on it."""
    from core.explorer import load_frame

    return load_frame(get_engine(url), scope)


@st.cache_data(ttl=600, show_spinner=False)
def explorer_context(url: str, version: int):
    """Tag bits, industries and saved industry / group grids (cleared when one is saved)."""
    from core.explorer import context

    return context(get_engine(url), tags(url, version))


@st.cache_data(ttl=600, show_spinner=False)
def saved_lists(url: str, scope: Scope):
    from core.lists import load_lists

    return load_lists(get_engine(url), scope)


@st.cache_data(ttl=3600, show_spinner=False)
def branch_names(url: str) -> dict[int, str]:
    from core.models import Branch
    from sqlalchemy import select

    with get_engine(url).connect() as conn:
        return dict(conn.execute(select(Branch.id, Branch.name).order_by(Branch.id)).all())


@st.cache_data(ttl=600, show_spinner=False)
def managers_of(url: str, branch_id: int | None) -> dict[int, str]:
    """Active managers of a branch (every branch's when None), id -> "name (branch)"."""
    from sqlalchemy import select

    from core.models import Branch, Manager

    stmt = (select(Manager.id, Manager.name, Branch.name).join(Branch)
            .where(Manager.active).order_by(Manager.branch_id, Manager.id))
    if branch_id is not None:
        stmt = stmt.where(Manager.branch_id == branch_id)
    with get_engine(url).connect() as conn:
        return {i: f"{n}({b})" for i, n, b in conn.execute(stmt).all()}


FILTER_KEYS = {  # explorer widget key -> Filters field
    "xf_branches": "branches", "xf_grids": "grids", "xf_tags": "tags", "xf_tiers": "tiers",
    "xf_lifecycles": "lifecycles", "xf_segments": "segments", "xf_kinds": "kinds",
    "xf_occupations": "occupations", "xf_industries": "industries", "xf_held": "held",
    "xf_missing": "missing"}


def load_filters_into_widgets(filters) -> None:
    """Put a saved filter into the explorer's widgets (an on_click callback: it runs before
    the widgets are drawn)."""
    for key, name in FILTER_KEYS.items():
        st.session_state[key] = list(getattr(filters, name))
    st.session_state["xf_age"] = (filters.age_min or 18, filters.age_max or 100)
    st.session_state["xf_aum_min"] = (filters.aum_min or 0) / 1e4
    st.session_state["xf_aum_max"] = (filters.aum_max / 1e4) if filters.aum_max else 0.0


def explorer_filters(scope: Scope, url: str, version: int, grid_options: dict[int, str]):
    """The explorer's filter widgets; returns the ``core.explorer.Filters`` they describe.

    ``grid_options``: grid id -> label (region grids of the scope and saved industry /
    group grids).
    """
    from core.explorer import Filters
    from core.features import KINDS, OCCUPATIONS, PRODUCTS

    tag_defs = tags(url, version)
    label = {t.code: t.label(lang()) for t in tag_defs}
    segs = segments(url, version)
    seg_names = dict(zip(segs["id"], segs["name_zh" if lang() == "zh" else "name_en"])) \
        if len(segs) else {}
    ctx = explorer_context(url, version)

    def multi(col, key, options, fmt, title):
        return tuple(col.multiselect(tr(title), options, format_func=fmt, key=key,
                                     placeholder=tr("explorer.any")))

    with st.expander(tr("explorer.filters"), expanded=True):
        c = st.columns(4)
        branches = ()
        if scope.role == "hq":
            names = branch_names(url)
            branches = multi(c[0], "xf_branches", list(names), names.get, "explorer.branch")
        grids = multi(c[1], "xf_grids", list(grid_options), grid_options.get, "explorer.grid")
        segments_ = multi(c[2], "xf_segments", list(seg_names), seg_names.get,
                          "explorer.segment")
        flag_codes = [t.code for t in tag_defs if t.category == "flag"]
        tags_ = multi(c[3], "xf_tags", flag_codes, label.get, "explorer.tags")
        c = st.columns(4)
        tiers = multi(c[0], "xf_tiers", [t.code for t in tag_defs if t.category == "tier"],
                      label.get, "explorer.tier")
        lifecycles = multi(c[1], "xf_lifecycles",
                           [t.code for t in tag_defs if t.category == "lifecycle"], label.get,
                           "explorer.lifecycle")
        kinds = multi(c[2], "xf_kinds", list(KINDS), lambda k: tr(f"kind.{k}"),
                      "explorer.kind")
        occupations = multi(c[3], "xf_occupations", list(OCCUPATIONS),
                            lambda o: tr(f"occupation.{o}"), "explorer.occupation")
        c = st.columns(4)
        industries = multi(c[0], "xf_industries", list(ctx.industries), str,
                           "explorer.industry")
        held = multi(c[1], "xf_held", list(PRODUCTS), lambda p: tr(f"product.{p}"),
                     "explorer.held")
        missing = multi(c[2], "xf_missing", list(PRODUCTS), lambda p: tr(f"product.{p}"),
                        "explorer.missing")
        age = c[3].slider(tr("explorer.age"), 18, 100, (18, 100), key="xf_age")
        c = st.columns(4)
        aum_min = c[0].number_input(tr("explorer.aum_min"), min_value=0.0, step=1.0,
                                    key="xf_aum_min")
        aum_max = c[1].number_input(tr("explorer.aum_max"), min_value=0.0, step=1.0,
                                    key="xf_aum_max", help=tr("explorer.aum_max_help"))
    return Filters(branches=branches, grids=grids, tags=tags_, tiers=tiers,
                   lifecycles=lifecycles, segments=segments_, kinds=kinds,
                   occupations=occupations, industries=industries,
                   age_min=age[0] if age[0] > 18 else None,
                   age_max=age[1] if age[1] < 100 else None,
                   aum_min=aum_min * 1e4 if aum_min else None,
                   aum_max=aum_max * 1e4 if aum_max else None, held=held, missing=missing)


@st.cache_data(ttl=600, show_spinner=False)
def explorer_grid_options(url: str, scope: Scope, version: int, language: str
                          ) -> dict[int, str]:
    """Grids the explorer can filter by: the scope's region grids, then its industry and
    group grids (saved filters), labelled with their dimension."""
    from core.grids import load_grids

    region = load_grids(get_engine(url), scope, level=2)
    options = {int(g.id): g.name for g in region.itertuples()}
    for item in saved_lists(url, scope).itertuples():
        if item.kind in ("industry", "group"):
            options[int(item.id)] = f"{t(f'lists.kind.{item.kind}', language)}·{item.name}"
    return options


def segment_table(sizes, segs) -> None:
    """The selection's segments: name, customers, deposits (万元), share, and how each
    differs from the bank (its profile)."""
    import pandas as pd

    profiles = {int(s.id): s.profile["segment"] for s in segs.itertuples()} if len(segs) else {}
    bank = segs.iloc[0]["profile"]["bank"] if len(segs) else {}
    name_col = "name_zh" if lang() == "zh" else "name_en"
    rows = []
    for s in sizes.itertuples():
        p = profiles.get(int(s.segment_id), {})
        rows.append({"code": s.code, "name": getattr(s, name_col), "customers": s.customers,
                     "deposits": s.deposits / 1e4, "deposit_share": 100 * s.deposit_share,
                     "age": p.get("age"), "mobile": 100 * (p.get("mobile") or 0),
                     "products": p.get("products"), "village": 100 * (p.get("village") or 0)})
    st.dataframe(pd.DataFrame(rows), hide_index=True, key="xf_segment_table", column_config={
        "code": tr("explorer.col.code"), "name": tr("explorer.col.segment"),
        "customers": st.column_config.NumberColumn(tr("explorer.customers"), format="%d"),
        "deposits": st.column_config.NumberColumn(tr("explorer.deposits"), format="%.2f"),
        "deposit_share": st.column_config.NumberColumn(tr("explorer.col.share"), format="%.1f"),
        "age": st.column_config.NumberColumn(tr("explorer.col.age"), format="%.1f"),
        "mobile": st.column_config.NumberColumn(tr("explorer.col.mobile"), format="%.1f"),
        "products": st.column_config.NumberColumn(tr("explorer.col.products"), format="%.2f"),
        "village": st.column_config.NumberColumn(tr("explorer.col.village"), format="%.1f")})
    if bank:
        st.caption(tr("explorer.bank_average", age=f"{bank.get('age') or 0:.1f}",
                      mobile=f"{100 * (bank.get('mobile') or 0):.1f}",
                      products=f"{bank.get('products') or 0:.2f}",
                      village=f"{100 * (bank.get('village') or 0):.1f}"))


def selection_layers(url: str, scope: Scope, frame, mask):
    """The scope's grids coloured by how many selected customers each holds."""
    from core.explorer import map_values
    from core.gridmap import colour_by

    data = map_data(url, scope, grid_version(url))
    return colour_by(data, map_values(frame, mask, data.grids), customers=False)


def plain_grid_map(layers):
    """A folium map of coloured grids (no customers), for the explorer."""
    from geo.mapview import build_grid_map

    return build_grid_map(layers.level1, layers.level2, layers.outlets, layers.customers,
                          colors1=list(layers.level1["color"]),
                          colors2=list(layers.level2["color"]),
                          tiles=config.get("GM_MAP_TILES"),
                          tiles_key=config.get("GM_TIANDITU_KEY"),
                          label_level2=len(layers.level2) <= 40)


@st.cache_data(ttl=600, show_spinner=False, max_entries=64)
def customer_table(url: str, scope: Scope, ids: list[int], version: int, language: str):
    """The explorer's customer table (masked), labelled in ``language``."""
    from core.customer_view import customer_rows

    def tr(key: str) -> str:  # noqa: F811 - this cache entry's language, not the session's
        return t(key, language)

    def lang() -> str:  # noqa: F811
        return language

    df = customer_rows(get_engine(url), scope, ids)
    tag_labels = {x.code: x.label(lang()) for x in tags(url, version)}
    segs = segments(url, version)
    names = dict(zip(segs["id"], segs["name_zh" if lang() == "zh" else "name_en"])) \
        if len(segs) else {}
    df["kind"] = df["kind"].map(lambda k: tr(f"kind.{k}"))
    df["tier"] = df["tier"].map(tag_labels)
    df["lifecycle"] = df["lifecycle"].map(tag_labels)
    df["segment"] = df.pop("segment_id").map(names)
    for col in ("deposit", "aum", "other_bank_deposit"):
        df[col] = df[col].astype(float) / 1e4
    return df


def customer_table_columns() -> dict:
    money = {c: st.column_config.NumberColumn(tr(f"explorer.col.{c}"), format="%.2f")
             for c in ("deposit", "aum", "other_bank_deposit")}
    return {"id": None, "cust_no": tr("explorer.col.cust_no"), "name": tr("col.customer"),
            "kind": tr("explorer.kind"), "tier": tr("explorer.tier"),
            "lifecycle": tr("explorer.lifecycle"), "segment": tr("explorer.col.segment"),
            "branch": tr("col.name.branch"), "manager": tr("col.name.manager"),
            "grid": tr("col.name.grid"), "phone": tr("col.phone")} | money


def save_list_form(user, filters, customers: int) -> None:
    """Save the current filter as a list (名单) or an industry / group grid, handed to a
    branch or a manager."""
    from core.lists import KINDS, check_list, save_list

    scope = user.scope
    url = config.database_url()
    st.subheader(tr("lists.save_title"))
    with st.form("save_list"):
        c = st.columns([2, 1, 1, 1])
        name = c[0].text_input(tr("lists.name"), key="sl_name", max_chars=100)
        kind = c[1].selectbox(tr("lists.kind"), KINDS, key="sl_kind",
                              format_func=lambda k: tr(f"lists.kind.{k}"))
        branches = branch_names(url)
        if scope.role == "hq":
            branch = c[2].selectbox(tr("lists.branch"), [None, *branches], key="sl_branch",
                                    format_func=lambda b: tr("lists.whole_bank") if b is None
                                    else branches[b])
        else:
            branch = scope.branch_id
            c[2].text_input(tr("lists.branch"), branches.get(branch, ""), disabled=True,
                            key="sl_branch_fixed")
        managers = managers_of(url, None if scope.role == "hq" else scope.branch_id)
        manager = c[3].selectbox(tr("lists.manager"), [None, *managers], key="sl_manager",
                                 format_func=lambda m: tr("lists.no_manager") if m is None
                                 else managers[m])
        note = st.text_input(tr("lists.note"), key="sl_note", max_chars=200)
        submitted = st.form_submit_button(tr("lists.save"), type="primary")
    if not submitted:
        return
    engine = get_engine(url)
    problems = check_list(engine, scope, name, filters, kind, branch, manager)
    if problems:
        st.error(tr("lists.problems") + "\n\n" + "\n".join(
            f"- {p.message_zh if lang() == 'zh' else p.message_en}" for p in problems))
        return
    save_list(engine, scope, user.user_id, name, filters, kind, branch, manager, customers,
              note)
    saved_lists.clear()
    explorer_context.clear()
    explorer_grid_options.clear()
    st.success(tr("lists.saved", name=name.strip(), n=f"{customers:,}"))


# ---- the customer view -------------------------------------------------------------------

@st.cache_data(ttl=60, show_spinner=False)
def find_customers(url: str, scope: Scope, query: str):
    from core.customer_view import find_customers as find

    return find(get_engine(url), scope, query)


@st.cache_data(ttl=60, show_spinner=False, max_entries=128)
def customer_view(url: str, scope: Scope, customer_id: int, user_id: int | None):
    """One customer as ``core.customer_view.load_customer`` returns it (the view goes to the
    audit log once a minute at most per user and customer)."""
    from core.customer_view import load_customer

    return load_customer(get_engine(url), scope, customer_id, user_id=user_id)


def _date(value) -> str:
    return str(value)[:10] if value is not None and value == value else "-"


def customer_profile_markdown(p: dict) -> str:
    """Who the customer is: age, occupation, contact (masked unless shown), dates."""
    occupation = tr(f"occupation.{p['occupation']}") if p["occupation"] else "-"
    rows = [(tr("customer.age"), p["age"] if p["age"] is not None else "-"),
            (tr("customer.occupation"), occupation + (f" · {p['industry']}" if p["industry"]
                                                      else "")),
            (tr("customer.id_number"), p["id_number"]), (tr("col.phone"), p["phone"]),
            (tr("customer.address"), p["address"]),
            (tr("customer.opened"), _date(p["opened_on"])),
            (tr("customer.last_txn"), _date(p["last_txn_on"])),
            (tr("customer.last_visit"), _date(p["last_visit_on"]))]
    return "\n".join(f"- {k}:{v}" for k, v in rows)


def customer_money_markdown(p: dict) -> str:
    """Balances here and at other banks (万元) and the products held."""
    from core.format import wan

    rows = [(tr("customer.deposits"), wan(p["deposit"])),
            (tr("customer.time_deposits"), wan(p["time_deposit"])),
            (tr("customer.wealth"), wan(p["wealth"])), (tr("customer.loans"), wan(p["loan"])),
            (tr("customer.credit_line"), wan(p["credit_line"])),
            (tr("customer.other_bank_deposit"), wan(p["other_bank_deposit"])),
            (tr("customer.other_bank_loan"), wan(p["other_bank_loan"]))]
    held = [tr(f"product.{k.removeprefix('has_')}") for k, v in p["products"].items() if v]
    return ("\n".join(f"- {k}(万元):{v}" for k, v in rows) + "\n- "
            + tr("customer.products_held") + ":" + ("、".join(held) or "-"))


def customer_tables(view: dict, tabs) -> None:
    """Holdings, other-bank funds and visits, one tab each."""
    money = st.column_config.NumberColumn(tr("unit.wan"), format="%.2f")
    with tabs[0]:
        h = view["holdings"].assign(balance=view["holdings"]["balance"] / 1e4)
        h["product"] = h["product"].map(lambda x: tr(f"product.{x}"))
        st.dataframe(h, hide_index=True, key="customer_holdings", column_config={
            "product": tr("customer.col.product"), "balance": money,
            "opened_on": tr("customer.opened"), "matures_on": tr("customer.col.matures"),
            "npl": tr("customer.col.npl")})
    with tabs[1]:
        o = view["other_banks"].assign(amount=view["other_banks"]["amount"] / 1e4)
        o["kind"] = o["kind"].map(lambda x: tr(f"customer.other.{x}"))
        st.dataframe(o, hide_index=True, key="customer_other", column_config={
            "bank_name": tr("customer.col.bank"), "kind": tr("customer.col.kind"),
            "amount": money, "noted_on": tr("customer.col.noted")})
    with tabs[2]:
        v = view["visits"].assign(amount=view["visits"]["amount"] / 1e4)
        v["channel"] = v["channel"].map(lambda x: tr(f"visit.channel.{x}"))
        v["outcome"] = v["outcome"].map(lambda x: tr(f"visit.outcome.{x}"))
        st.dataframe(v, hide_index=True, key="customer_visits", column_config={
            "visited_at": st.column_config.DatetimeColumn(tr("col.time"),
                                                          format="YYYY-MM-DD HH:mm"),
            "manager": tr("col.name.manager"), "channel": tr("customer.col.channel"),
            "outcome": tr("customer.col.outcome"), "products": tr("customer.col.products"),
            "amount": money, "notes": tr("col.note")})


# ---- tag thresholds and segmentation runs (head office) -----------------------------------

@st.cache_data(ttl=600, show_spinner=False)
def tag_counts(url: str, version: int) -> dict[str, int]:
    """Customers per tag at the last tag run."""
    from core.tags import latest_run

    run = latest_run(get_engine(url), "tags")
    return json.loads(run["detail"]).get("counts", {}) if run and run["detail"] else {}


@st.cache_data(ttl=600, show_spinner=False)
def latest_segment_run(url: str, version: int) -> dict | None:
    from core.tags import latest_run

    return latest_run(get_engine(url), "segments")


def _profiles_changed() -> None:
    for cached in (profile_version, tags, segments, explorer_frame, explorer_context,
                   tag_counts, latest_segment_run, customer_table, customer_view):
        cached.clear()


def save_tag_thresholds(url: str, changes: dict, user_id: int | None):
    """Save thresholds and recompute every customer's tags; (problems, seconds)."""
    import time

    from core.tags import recompute_tags, save_params

    engine = get_engine(url)
    t0 = time.perf_counter()
    problems = save_params(engine, changes, user_id)
    if problems:
        return problems, 0.0
    recompute_tags(engine, user_id=user_id)
    _profiles_changed()
    return [], time.perf_counter() - t0


def rerun_segments(url: str, k: int | None, user_id: int | None):
    """Recompute tags and segments for every customer (what ``python -m core segment``
    does)."""
    from core.profiling import profile_customers

    result = profile_customers(get_engine(url), k=k, user_id=user_id)
    _profiles_changed()
    return result
