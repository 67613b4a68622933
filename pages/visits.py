"""走访计划 / Visit planner: the manager's customers ranked by priority with the reasons,
what to offer, ticks for this week's visits (capacity GM_VISITS_PER_WEEK), the saved week
as a route from and back to the outlet, and the field sheet (Excel or print)."""
from datetime import date

import streamlit as st

from core import config, ui
from core.db import write_retrying
from core.visits.priority import pick_week
from core.visits.planner import (filter_planner, load_plan, manager_scope, plan_version,
                         save_plan, week_of)

user = ui.page_user()
scope, url = user.scope, config.database_url()
engine = ui.get_engine(url)

st.title(ui.tr("visits.title"))
manager_id = ui.manager_picker(url, scope)
if manager_id is None:
    st.info(ui.tr("visits.no_manager"))
    st.stop()
week = week_of(st.date_input(ui.tr("visits.week"), value=date.today(), key="visits_week"))
st.caption(ui.tr("visits.caption", week=week.isoformat(),
                 capacity=config.get("GM_VISITS_PER_WEEK")))
manager = manager_scope(engine, scope, manager_id)
view = st.segmented_control(ui.tr("explorer.view"), ["plan", "route"], default="plan",
                            format_func=lambda v: ui.tr(f"visits.view.{v}"), key="visits_view")
if view == "route":
    ui.route_section(url, user, manager_id, week)
    st.stop()

rows, labels = ui.planner(url, manager, date.today(), plan_version(engine, manager_id),
                          ui.profile_version(url), scope)
if rows.empty:
    st.info(ui.tr("visits.no_customers"))
    st.stop()
filters = ui.planner_filters(rows, labels, url, ui.profile_version(url))
shown = rows[filter_planner(rows, filters, ui.tags(url, ui.profile_version(url)))]
saved = load_plan(engine, scope, manager_id, week)
capacity = int(config.get("GM_VISITS_PER_WEEK"))
default = (saved["customer_id"].tolist() if len(saved)
           else pick_week(rows, capacity)["id"].tolist())
chosen = ui.picked(manager_id, week, default)
cols = st.columns([2, 1, 1, 1])
cols[0].metric(ui.tr("visits.picked"), f"{len(chosen)} / {capacity}",
               help=ui.tr("visits.picked_help", shown=f"{len(shown):,}", total=f"{len(rows):,}"))
if cols[1].button(ui.tr("visits.top"), key="visits_top"):
    ui.set_picked(manager_id, week, pick_week(shown, capacity)["id"])
    st.rerun()
if cols[2].button(ui.tr("visits.clear"), key="visits_clear"):
    ui.set_picked(manager_id, week, [])
    st.rerun()
save = cols[3].button(ui.tr("visits.save"), type="primary", key="visits_save")
ui.plan_editor(shown, chosen, manager_id, week)
if save:
    with ui.user_errors():
        try:
            plan = write_retrying(engine, lambda e: save_plan(
                e, user, manager_id, week, rows[rows["id"].isin(chosen)]))
        except ui.ProblemError as exc:
            st.error(ui.tr("visits.problems") + "\n\n" + "\n".join(
                f"- {ui.md(ui.problem_text(p))}" for p in exc.problems))
        else:
            ui.planner.clear()
            st.success(ui.tr("visits.saved", n=len(chosen), week=week.isoformat()))
