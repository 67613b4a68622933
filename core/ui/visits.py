"""Glue of the visit pages: the manager picker, the cached planner, the plan editor, the
route map and field sheet, the visit form with the browser's position, the checks."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st
import streamlit.components.v1 as components

from core import config
from core.db import get_engine
from core.scope import Scope
from core.ui.frame import lang, tr

_position = components.declare_component(
    "checkin_position", path=str(Path(__file__).resolve().parents[2] / "static" / "geolocation"))


@st.cache_data(ttl=600, show_spinner=False)
def managers_for(url: str, scope: Scope) -> dict[int, str]:
    """The managers whose week the scope may see: themself, or the branch's managers."""
    from sqlalchemy import select

    from core.models import Manager

    stmt = select(Manager.id, Manager.name).where(Manager.active).order_by(Manager.id)
    if scope.role == "manager":
        stmt = stmt.where(Manager.id == scope.manager_id)
    elif scope.role == "branch":
        stmt = stmt.where(Manager.branch_id == scope.branch_id)
    with get_engine(url).connect() as conn:
        return dict(conn.execute(stmt).all())


def manager_picker(url: str, scope: Scope) -> int | None:
    """The manager to plan for: a manager is themself; a branch leader picks one."""
    managers = managers_for(url, scope)
    if not managers:
        return None
    if scope.role == "manager":
        return scope.manager_id
    return st.selectbox(tr("visits.manager"), list(managers), format_func=managers.get,
                        key="visits_manager")


@st.cache_data(ttl=600, show_spinner=False, max_entries=32)
def planner(url: str, manager: Scope, as_of: date, version: tuple, profile: int,
            viewer: Scope | None = None):
    """The manager's ranked customers (``core.visits.planner.planner_frame``) as ``viewer`` may see
    them; ``version`` changes with their visits and plans, ``profile`` with tags and
    segments."""
    from core.visits.planner import planner_frame

    return planner_frame(get_engine(url), manager, as_of, viewer)


def planner_filters(rows: pd.DataFrame, labels: dict[str, str], url: str, version: int):
    """The planner's filter widgets; returns ``core.visits.planner.PlannerFilters``."""
    from core.vocab import PRODUCTS
    from core.ui.segments import segments, tags
    from core.visits.planner import PlannerFilters, running_campaigns

    tag_defs = tags(url, version)
    label = {t.code: t.label(lang()) for t in tag_defs}
    segs = segments(url, version)
    seg_names = dict(zip(segs["id"], segs["name_zh" if lang() == "zh" else "name_en"])) \
        if len(segs) else {}
    grids = rows.dropna(subset=["grid"]).drop_duplicates("grid2_id")
    grid_names = dict(zip(grids["grid2_id"].astype(int), grids["grid"]))
    campaigns = running_campaigns(get_engine(url), date.today())
    with st.expander(tr("visits.filters"), expanded=False):
        c = st.columns(4)
        f_grids = c[0].multiselect(tr("visits.grid"), list(grid_names), format_func=grid_names.get,
                                   key="vf_grids", placeholder=tr("explorer.any"))
        f_villages = c[1].multiselect(tr("visits.village"), sorted(rows["village"].dropna()
                                                                   .unique()),
                                      key="vf_villages", placeholder=tr("explorer.any"))
        f_tiers = c[2].multiselect(tr("explorer.tier"), ["high", "core", "basic"],
                                   format_func=label.get, key="vf_tiers",
                                   placeholder=tr("explorer.any"))
        f_tags = c[3].multiselect(tr("explorer.tags"), [t.code for t in tag_defs
                                                        if t.category == "flag"],
                                  format_func=label.get, key="vf_tags",
                                  placeholder=tr("explorer.any"))
        c = st.columns(4)
        f_segments = c[0].multiselect(tr("explorer.segment"), list(seg_names),
                                      format_func=seg_names.get, key="vf_segments",
                                      placeholder=tr("explorer.any"))
        f_missing = c[1].multiselect(tr("explorer.missing"), list(PRODUCTS),
                                     format_func=lambda p: tr(f"product.{p}"), key="vf_missing",
                                     placeholder=tr("explorer.any"))
        names = dict(zip(campaigns["id"], campaigns["name"]))
        f_campaign = c[2].selectbox(tr("visits.campaign"), [None, *names], key="vf_campaign",
                                    format_func=lambda i: tr("explorer.any") if i is None
                                    else names[i])
        f_source = c[3].selectbox(tr("visits.source"), [None, *labels], key="vf_source",
                                  format_func=lambda s: tr("visits.my_grids") if s is None
                                  else labels[s])
        overdue = st.toggle(tr("visits.overdue_only"), key="vf_overdue")
    return PlannerFilters(tuple(f_grids), tuple(f_villages), tuple(f_tiers), tuple(f_tags),
                          tuple(f_segments), overdue, tuple(f_missing), f_campaign, f_source)


def _picked_key(manager_id: int, week: date) -> str:
    return f"plan_picked:{manager_id}:{week.isoformat()}"


def picked(manager_id: int, week: date, default: list[int]) -> set[int]:
    """The customers ticked for the week (kept in the session while the plan is edited)."""
    key = _picked_key(manager_id, week)
    if key not in st.session_state:
        st.session_state[key] = set(default)
    return st.session_state[key]


def set_picked(manager_id: int, week: date, ids) -> None:
    st.session_state[_picked_key(manager_id, week)] = set(int(i) for i in ids)
    st.session_state["plan_editor_generation"] = st.session_state.get(
        "plan_editor_generation", 0) + 1


def plan_editor(rows: pd.DataFrame, chosen: set[int], manager_id: int, week: date) -> None:
    """The ranked customers with a tick box each; a tick or untick updates the week."""
    view = pd.DataFrame({
        "pick": rows["id"].isin(chosen).to_numpy(), "id": rows["id"],
        "name": rows["name"], "place": rows["village"].fillna("") + " · " + rows["grid"]
        .fillna(""), "tier": rows["tier"].map(lambda x: tr(f"visits.tier.{x}")),
        "score": rows["score"], "reasons": rows["reasons" if lang() == "zh" else "reasons_en"],
        "offers": [", ".join(tr(f"product.{c}") for c in codes) for codes in rows["offer_codes"]],
        "last": pd.to_datetime(rows["last_visit_on"]).dt.strftime("%Y-%m-%d").fillna("-"),
        "overdue": rows["overdue_days"]})
    key = f"plan_editor_{st.session_state.get('plan_editor_generation', 0)}"
    edited = st.data_editor(
        view, hide_index=True, key=key, disabled=[c for c in view.columns if c != "pick"],
        column_order=["pick", "name", "place", "tier", "score", "reasons", "offers", "last",
                      "overdue"],
        column_config={
            "pick": st.column_config.CheckboxColumn(tr("visits.col.pick"), width="small"),
            "name": tr("col.customer"), "place": tr("visits.col.place"),
            "tier": tr("explorer.tier"),
            "score": st.column_config.ProgressColumn(tr("visits.col.score"), min_value=0,
                                                     max_value=100, format="%.1f"),
            "reasons": st.column_config.TextColumn(tr("visits.col.reasons"), width="large"),
            "offers": tr("visits.col.offers"), "last": tr("customer.last_visit"),
            "overdue": st.column_config.NumberColumn(tr("visits.col.overdue"), format="%d")})
    now = set(edited.loc[edited["pick"], "id"].astype(int))
    shown = set(view["id"].astype(int))
    new = (chosen - shown) | now
    if new != chosen:
        set_picked(manager_id, week, new)
        st.rerun()


def route_section(url: str, user, manager_id: int, week: date) -> None:
    """The saved week on the map, its days and distances, and the field sheet."""
    from streamlit_folium import st_folium

    from core.files.downloads import watermark, who
    from core.visits.field_sheet import sheet_rows, to_excel, to_html
    from core.ui.downloads import logged_download
    from core.visits.planner import load_plan, outlet_of
    from geo.distance import haversine_m
    from geo.mapview import build_route_map

    engine = get_engine(url)
    plan = load_plan(engine, user.scope, manager_id, week)
    if plan.empty:
        st.info(tr("visits.no_plan"))
        return
    located = plan.dropna(subset=["day", "lon", "lat"])
    branch = managers_branch(url, manager_id)
    outlet = outlet_of(engine, branch)
    days = []
    for day, part in located.groupby("day", sort=True):
        lon = np.r_[outlet[0], part["lon"].astype(float), outlet[0]]
        lat = np.r_[outlet[1], part["lat"].astype(float), outlet[1]]
        km = haversine_m(lon[:-1], lat[:-1], lon[1:], lat[1:]).sum() / 1000
        days.append({"day": tr(f"visits.day.{int(day)}"), "stops": len(part),
                     "done": int(part["visit_id"].notna().sum()), "km": round(km, 1)})
    total = sum(d["km"] for d in days)
    left, right = st.columns([3, 2])
    with left:
        st_folium(build_route_map(outlet, located.assign(name=located["name"]),
                                  tiles=config.get("GM_MAP_TILES"),
                                  tiles_key=config.get("GM_TIANDITU_KEY")),
                  key="route_map", height=520, use_container_width=True, returned_objects=[])
    with right:
        a, b = st.columns(2)
        a.metric(tr("visits.total_km"), f"{total:,.1f}")
        b.metric(tr("visits.logged"), f"{int(plan['visit_id'].notna().sum())} / {len(plan)}")
        st.dataframe(pd.DataFrame(days), hide_index=True, key="route_days", column_config={
            "day": tr("visits.col.day"), "stops": tr("visits.col.stops"),
            "done": tr("visits.col.done"),
            "km": st.column_config.NumberColumn(tr("visits.col.km"), format="%.1f")})
        if len(located) < len(plan):
            st.warning(tr("visits.unlocated", n=len(plan) - len(located)))
    contact = user.scope.role == "manager" and user.scope.manager_id == manager_id
    rows = sheet_rows(plan, contact, lang())
    headers = {c: tr(f"sheet.col.{c}") for c in ("day", "seq", "cust_no", "name", "phone",
                                                  "address", "grid", "offers", "notes")}
    day_names = [tr(f"visits.day.{d}") for d in range(1, 8)]
    title = tr("sheet.title", manager=managers_for(url, user.scope).get(manager_id, ""),
               week=week.isoformat())
    logged_download(tr("sheet.excel"), key="sheet_excel", what="field_sheet",
                    build=lambda stamp: to_excel(rows, headers, title, day_names, stamp),
                    file_name=f"field-sheet-{week.isoformat()}.xlsx", rows=len(rows),
                    filters={"manager_id": manager_id, "week": week.isoformat(),
                             "contact_shown": contact})
    with st.expander(tr("sheet.print")):
        st.html(to_html(rows, headers, title, day_names, watermark(who(user))))


@st.cache_data(ttl=3600, show_spinner=False)
def managers_branch(url: str, manager_id: int) -> int:
    from sqlalchemy import select

    from core.models import Manager

    with get_engine(url).connect() as conn:
        return int(conn.execute(select(Manager.branch_id).where(Manager.id == manager_id))
                   .scalar_one())


def checkin_position() -> dict | None:
    """The browser's position when the manager presses the button (a component of ours in
    static/geolocation; needs a secure origin: localhost or https)."""
    return _position(label=tr("visit.locate"), key="checkin_position", default=None)


def visit_token() -> str:
    """The token of the visit the form shows: the same until a new visit is started, so
    the form sent twice stores one visit."""
    if not st.session_state.get("visit_token"):
        st.session_state["visit_token"] = uuid.uuid4().hex
    return st.session_state["visit_token"]


def new_visit() -> None:
    """Start the next visit: a new token, an empty form."""
    st.session_state["visit_token"] = uuid.uuid4().hex
    for key in ("vl_notes", "vl_amount", "vl_offered", "vl_signed", "vl_lon", "vl_lat",
                "vl_reading"):
        st.session_state.pop(key, None)
    st.session_state["checkin_applied"] = None


def apply_position(position: dict | None) -> None:
    """Keep a position the browser sent as one reading (both coordinates together) and show
    it in the form's two fields (once per reading)."""
    if not position or "lon" not in position or "lat" not in position:
        return
    if st.session_state.get("checkin_applied") == position.get("at"):
        return
    try:
        reading = (round(float(position["lon"]), 6), round(float(position["lat"]), 6))
    except (TypeError, ValueError):
        return
    st.session_state["vl_reading"] = reading
    st.session_state["vl_lon"], st.session_state["vl_lat"] = reading
    st.session_state["checkin_applied"] = position.get("at")


def checkin_from_form(lon: float | None, lat: float | None):
    """(lon, lat, source) of the check-in the form sends.

    The browser's reading is applied to both coordinates at once: the two fields are
    separate widgets, and a form sent while the page was still showing the reading could
    carry one coordinate and not yet the other. Unless the user typed a different value in
    a field, both come from the reading. Typed values are ``"typed"``.
    """
    reading = st.session_state.get("vl_reading")
    if reading is not None:
        def same(value, read):
            return value is None or abs(float(value) - read) < 5e-7

        if same(lon, reading[0]) and same(lat, reading[1]):
            return reading[0], reading[1], "browser"
    if lon is None and lat is None:
        return None, None, None
    return lon, lat, "typed"


def now_minute() -> datetime:
    return datetime.now().replace(second=0, microsecond=0)


def optional_number(col, label: str, key: str) -> float | None:
    """A number input that may stay empty (a check-in typed or filled from the browser)."""
    if key in st.session_state:
        return col.number_input(label, format="%.6f", key=key)
    return col.number_input(label, value=None, format="%.6f", key=key)


# ---- the checks (走访核查) -------------------------------------------------------------------

@st.cache_data(ttl=300, show_spinner=False)
def visit_checks(url: str, scope: Scope, since: date):
    """Flags and the per-manager summary of the scope's visits since ``since``."""
    from core.visits.visit_log import flags_by_manager, scope_visits

    visits = scope_visits(get_engine(url), scope, since)
    if visits.empty:
        return visits, visits
    return flags_by_manager(visits)


def flag_details(flags: pd.DataFrame) -> list[str]:
    """Each flag's message (``visit_checks``' flags: key and values) in the session's
    language."""
    from core.visits.authenticity import flag_texts

    return flag_texts(flags, lang())


def coverage_map(url: str, scope: Scope, since: date):
    """The scope's grids coloured by visit coverage (share of customers visited)."""
    from core.grids.map_data import colour_by
    from core.ui.grids import grid_version, map_data
    from core.visits.visit_log import coverage_by_grid

    data = map_data(url, scope, grid_version(url))
    cov = coverage_by_grid(get_engine(url), scope, since).set_index("grid_id")
    return colour_by(data, {2: cov["coverage_pct"]}, customers=False), cov
