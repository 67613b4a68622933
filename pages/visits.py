"""走访计划 / Visit planner: the manager's customers ranked by priority with the reasons,
what to offer, ticks for this week's visits (capacity GM_VISITS_PER_WEEK), the saved week
as a route from and back to the outlet, and the field sheet (Excel or print)."""

from datetime import date

import streamlit as st

from core import ui

user = ui.page_user()
scope = user.scope

st.title(ui.tr("visits.title"))
manager_id = ui.manager_picker(scope)
if manager_id is None:
    st.info(ui.tr("visits.no_manager"))
    st.stop()
week = ui.week_of(st.date_input(ui.tr("visits.week"), value=date.today(), key="visits_week"))
capacity = ui.visits_per_week()
st.caption(ui.tr("visits.caption", week=week.isoformat(), capacity=capacity))
view = st.segmented_control(
    ui.tr("explorer.view"),
    ["plan", "route"],
    default="plan",
    format_func=lambda v: ui.tr(f"visits.view.{v}"),
    key="visits_view",
)
if view == "route":
    ui.route_section(user, manager_id, week)
    st.stop()

rows, labels = ui.planner(scope, manager_id, date.today())
if rows.empty:
    st.info(ui.tr("visits.no_customers"))
    st.stop()
shown = ui.planner_shown(rows, ui.planner_filters(rows, labels))
chosen = ui.picked(scope, manager_id, week, rows)
cols = st.columns([2, 1, 1, 1])
cols[0].metric(
    ui.tr("visits.picked"),
    f"{len(chosen)} / {capacity}",
    help=ui.tr("visits.picked_help", shown=f"{len(shown):,}", total=f"{len(rows):,}"),
)
if cols[1].button(ui.tr("visits.top"), key="visits_top"):
    ui.pick_top(manager_id, week, shown)
    st.rerun()
if cols[2].button(ui.tr("visits.clear"), key="visits_clear"):
    ui.set_picked(manager_id, week, [])
    st.rerun()
save = cols[3].button(ui.tr("visits.save"), type="primary", key="visits_save")
ui.plan_editor(shown, chosen, manager_id, week)
if save and ui.save_plan(user, manager_id, week, rows, chosen) is not None:
    st.success(ui.tr("visits.saved", n=len(chosen), week=week.isoformat()))
