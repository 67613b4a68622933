"""Glue of the planner page (走访计划): the manager picker, the cached planner and its
filters, the week's ticks, saving the week, and the saved week as a route with its field
sheet. The visit form is ``core.ui.visit_log``, the checks ``core.ui.visit_check``."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import streamlit as st
from sqlalchemy import select
from streamlit_folium import st_folium

from core import config
from core.db import get_engine, write_retrying
from core.files.downloads import watermark, who
from core.models import Manager
from core.problems import ProblemError
from core.scope import Scope
from core.ui.downloads import logged_download
from core.ui.errors import show_problems, user_errors
from core.ui.explorer import profile_version, segment_names, tags
from core.ui.frame import database_url, engine, lang, pick, tr
from core.ui.grids import reference_layer
from core.visits import planner as plans
from core.visits.field_sheet import sheet_rows, to_excel, to_html
from core.visits.planner import PlannerFilters, week_of  # noqa: F401 (week_of: ui)
from core.visits.priority import pick_week
from core.vocab import PRODUCTS
from geo.distance import haversine_m
from geo.mapview import build_route_map


def visits_per_week() -> int:
    """How many customers a manager plans a week (``GM_VISITS_PER_WEEK``)."""
    return int(config.get("GM_VISITS_PER_WEEK"))


@st.cache_data(ttl=600, show_spinner=False)
def _managers(url: str, scope: Scope) -> dict[int, str]:
    """The managers whose week the scope may see: themself, or the branch's managers."""
    stmt = select(Manager.id, Manager.name).where(Manager.active).order_by(Manager.id)
    if scope.role == "manager":
        stmt = stmt.where(Manager.id == scope.manager_id)
    elif scope.role == "branch":
        stmt = stmt.where(Manager.branch_id == scope.branch_id)
    with get_engine(url).connect() as conn:
        return dict(conn.execute(stmt).all())


def manager_picker(scope: Scope) -> int | None:
    """The manager to plan for: a manager is themself; a branch leader picks one."""
    managers = _managers(database_url(), scope)
    if not managers:
        return None
    if scope.role == "manager":
        return scope.manager_id
    return st.selectbox(
        tr("visits.manager"), list(managers), format_func=managers.get, key="visits_manager"
    )


@st.cache_data(ttl=600, show_spinner=False, max_entries=32)
def _planner(
    url: str, manager: Scope, as_of: date, version: tuple, profile: int, viewer: Scope | None = None
):
    """``core.visits.planner.planner_frame`` keyed by the manager's visits and plans
    (``version``) and the tags and segments (``profile``)."""
    return plans.planner_frame(get_engine(url), manager, as_of, viewer)


def clear_planner() -> None:
    """Forget the cached planners (a week was saved or a visit logged)."""
    _planner.clear()


def planner(viewer: Scope, manager_id: int, as_of: date):
    """The manager's ranked customers and the labels of the lists and grids handed to them
    (``core.visits.planner.planner_frame``), as ``viewer`` may see them."""
    url, eng = database_url(), engine()
    manager = plans.manager_scope(eng, viewer, manager_id)
    return _planner(
        url, manager, as_of, plans.plan_version(eng, manager_id), profile_version(), viewer
    )


def planner_filters(rows: pd.DataFrame, labels: dict[str, str]) -> PlannerFilters:
    """The planner's filter widgets; returns ``core.visits.planner.PlannerFilters``."""
    tag_defs = tags()
    label = {t.code: t.label(lang()) for t in tag_defs}
    seg_names = segment_names()
    grids = rows.dropna(subset=["grid"]).drop_duplicates("grid2_id")
    grid_names = dict(zip(grids["grid2_id"].astype(int), grids["grid"], strict=False))
    campaigns = plans.running_campaigns(engine(), date.today())
    with st.expander(tr("visits.filters"), expanded=False):
        c = st.columns(4)
        f_grids = c[0].multiselect(
            tr("visits.grid"),
            list(grid_names),
            format_func=grid_names.get,
            key="vf_grids",
            placeholder=tr("explorer.any"),
        )
        f_villages = c[1].multiselect(
            tr("visits.village"),
            sorted(rows["village"].dropna().unique()),
            key="vf_villages",
            placeholder=tr("explorer.any"),
        )
        f_tiers = c[2].multiselect(
            tr("explorer.tier"),
            ["high", "core", "basic"],
            format_func=label.get,
            key="vf_tiers",
            placeholder=tr("explorer.any"),
        )
        f_tags = c[3].multiselect(
            tr("explorer.tags"),
            [t.code for t in tag_defs if t.category == "flag"],
            format_func=label.get,
            key="vf_tags",
            placeholder=tr("explorer.any"),
        )
        c = st.columns(4)
        f_segments = c[0].multiselect(
            tr("explorer.segment"),
            list(seg_names),
            format_func=seg_names.get,
            key="vf_segments",
            placeholder=tr("explorer.any"),
        )
        f_missing = c[1].multiselect(
            tr("explorer.missing"),
            list(PRODUCTS),
            format_func=lambda p: tr(f"product.{p}"),
            key="vf_missing",
            placeholder=tr("explorer.any"),
        )
        names = dict(zip(campaigns["id"], campaigns["name"], strict=False))
        f_campaign = c[2].selectbox(
            tr("visits.campaign"),
            [None, *names],
            key="vf_campaign",
            format_func=lambda i: tr("explorer.any") if i is None else names[i],
        )
        f_source = c[3].selectbox(
            tr("visits.source"),
            [None, *labels],
            key="vf_source",
            format_func=lambda s: tr("visits.my_grids") if s is None else labels[s],
        )
        overdue = st.toggle(tr("visits.overdue_only"), key="vf_overdue")
    return PlannerFilters(
        tuple(f_grids),
        tuple(f_villages),
        tuple(f_tiers),
        tuple(f_tags),
        tuple(f_segments),
        overdue,
        tuple(f_missing),
        f_campaign,
        f_source,
    )


def planner_shown(rows: pd.DataFrame, filters: PlannerFilters) -> pd.DataFrame:
    """The planner rows that pass ``filters``."""
    return rows[plans.filter_planner(rows, filters, tags())]


# ---- the week's ticks ---------------------------------------------------------------------


def _picked_key(manager_id: int, week: date) -> str:
    return f"plan_picked:{manager_id}:{week.isoformat()}"


def picked(scope: Scope, manager_id: int, week: date, rows: pd.DataFrame) -> set[int]:
    """The customers ticked for the week, kept in the session while the plan is edited: at
    first the saved plan, else the top of ``rows`` up to the week's capacity."""
    key = _picked_key(manager_id, week)
    if key not in st.session_state:
        saved = plans.load_plan(engine(), scope, manager_id, week)
        default = (
            saved["customer_id"].tolist()
            if len(saved)
            else pick_week(rows, visits_per_week())["id"].tolist()
        )
        st.session_state[key] = set(default)
    return st.session_state[key]


def set_picked(manager_id: int, week: date, ids) -> None:
    """Tick exactly ``ids`` for the week (a new editor, so its ticks show them)."""
    st.session_state[_picked_key(manager_id, week)] = {int(i) for i in ids}
    st.session_state["plan_editor_generation"] = (
        st.session_state.get("plan_editor_generation", 0) + 1
    )


def pick_top(manager_id: int, week: date, rows: pd.DataFrame) -> None:
    """Tick the top of ``rows`` by score, up to the week's capacity."""
    set_picked(manager_id, week, pick_week(rows, visits_per_week())["id"])


def plan_editor(rows: pd.DataFrame, chosen: set[int], manager_id: int, week: date) -> None:
    """The ranked customers with a tick box each; a tick or untick updates the week."""
    view = pd.DataFrame(
        {
            "pick": rows["id"].isin(chosen).to_numpy(),
            "id": rows["id"],
            "name": rows["name"],
            "place": rows["village"].fillna("") + " · " + rows["grid"].fillna(""),
            "tier": rows["tier"].map(lambda x: tr(f"visits.tier.{x}")),
            "score": rows["score"],
            "reasons": pick(rows["reasons"], rows["reasons_en"]),
            "offers": [
                ", ".join(tr(f"product.{c}") for c in codes) for codes in rows["offer_codes"]
            ],
            "last": pd.to_datetime(rows["last_visit_on"]).dt.strftime("%Y-%m-%d").fillna("-"),
            "overdue": rows["overdue_days"],
        }
    )
    key = f"plan_editor_{st.session_state.get('plan_editor_generation', 0)}"
    edited = st.data_editor(
        view,
        hide_index=True,
        key=key,
        disabled=[c for c in view.columns if c != "pick"],
        column_order=[
            "pick",
            "name",
            "place",
            "tier",
            "score",
            "reasons",
            "offers",
            "last",
            "overdue",
        ],
        column_config={
            "pick": st.column_config.CheckboxColumn(tr("visits.col.pick"), width="small"),
            "name": tr("col.customer"),
            "place": tr("visits.col.place"),
            "tier": tr("explorer.tier"),
            "score": st.column_config.ProgressColumn(
                tr("visits.col.score"), min_value=0, max_value=100, format="%.1f"
            ),
            "reasons": st.column_config.TextColumn(tr("visits.col.reasons"), width="large"),
            "offers": tr("visits.col.offers"),
            "last": tr("customer.last_visit"),
            "overdue": st.column_config.NumberColumn(tr("visits.col.overdue"), format="%d"),
        },
    )
    now = set(edited.loc[edited["pick"], "id"].astype(int))
    shown = set(view["id"].astype(int))
    new = (chosen - shown) | now
    if new != chosen:
        set_picked(manager_id, week, new)
        st.rerun()


def save_plan(user, manager_id: int, week: date, rows: pd.DataFrame, chosen: set[int]):
    """Save the ticked rows as the manager's week, routed into days (retried while the
    database is busy), and clear the planner; the plan id, or None when the plan was refused
    (its problems, a refusal or a busy database are shown)."""
    with user_errors():
        try:
            plan = write_retrying(
                engine(),
                lambda e: plans.save_plan(e, user, manager_id, week, rows[rows["id"].isin(chosen)]),
            )
        except ProblemError as exc:
            show_problems(exc.problems, "visits.problems")
            return None
        clear_planner()
        return plan
    return None


# ---- the saved week as a route --------------------------------------------------------------


@st.cache_data(ttl=3600, show_spinner=False)
def _managers_branch(url: str, manager_id: int) -> int:
    with get_engine(url).connect() as conn:
        return int(
            conn.execute(select(Manager.branch_id).where(Manager.id == manager_id)).scalar_one()
        )


def route_section(user, manager_id: int, week: date) -> None:
    """The saved week on the map, its days and distances, and the field sheet."""
    url, eng = database_url(), engine()
    plan = plans.load_plan(eng, user.scope, manager_id, week)
    if plan.empty:
        st.info(tr("visits.no_plan"))
        return
    located = plan.dropna(subset=["day", "lon", "lat"])
    branch = _managers_branch(url, manager_id)
    outlet = plans.outlet_of(eng, branch)
    days = []
    for day, part in located.groupby("day", sort=True):
        lon = np.r_[outlet[0], part["lon"].astype(float), outlet[0]]
        lat = np.r_[outlet[1], part["lat"].astype(float), outlet[1]]
        km = haversine_m(lon[:-1], lat[:-1], lon[1:], lat[1:]).sum() / 1000
        days.append(
            {
                "day": tr(f"visits.day.{int(day)}"),
                "stops": len(part),
                "done": int(part["visit_id"].notna().sum()),
                "km": round(km, 1),
            }
        )
    total = sum(d["km"] for d in days)
    left, right = st.columns([3, 2])
    with left:
        st_folium(
            build_route_map(
                outlet,
                located.assign(name=located["name"]),
                tiles=config.get("GM_MAP_TILES"),
                tiles_key=config.get("GM_TIANDITU_KEY"),
                reference=reference_layer(),
            ),
            key="route_map",
            height=520,
            use_container_width=True,
            returned_objects=[],
        )
    with right:
        a, b = st.columns(2)
        a.metric(tr("visits.total_km"), f"{total:,.1f}")
        b.metric(tr("visits.logged"), f"{int(plan['visit_id'].notna().sum())} / {len(plan)}")
        st.dataframe(
            pd.DataFrame(days),
            hide_index=True,
            key="route_days",
            column_config={
                "day": tr("visits.col.day"),
                "stops": tr("visits.col.stops"),
                "done": tr("visits.col.done"),
                "km": st.column_config.NumberColumn(tr("visits.col.km"), format="%.1f"),
            },
        )
        if len(located) < len(plan):
            st.warning(tr("visits.unlocated", n=len(plan) - len(located)))
    contact = user.scope.role == "manager" and user.scope.manager_id == manager_id
    rows = sheet_rows(plan, contact, lang())
    headers = {
        c: tr(f"sheet.col.{c}")
        for c in ("day", "seq", "cust_no", "name", "phone", "address", "grid", "offers", "notes")
    }
    day_names = [tr(f"visits.day.{d}") for d in range(1, 8)]
    title = tr(
        "sheet.title", manager=_managers(url, user.scope).get(manager_id, ""), week=week.isoformat()
    )
    logged_download(
        tr("sheet.excel"),
        key="sheet_excel",
        what="field_sheet",
        build=lambda stamp: to_excel(rows, headers, title, day_names, stamp),
        file_name=f"field-sheet-{week.isoformat()}.xlsx",
        rows=len(rows),
        filters={"manager_id": manager_id, "week": week.isoformat(), "contact_shown": contact},
    )
    with st.expander(tr("sheet.print")):
        st.html(to_html(rows, headers, title, day_names, watermark(who(user))))
