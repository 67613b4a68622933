"""走访核查 / Visit checks (branch leaders, head office): visits that look doubtful per
manager (check-in far from the customer, implausible speed, many visits within minutes,
one check-in point for several customers) and visit coverage of every grid on the map."""

from datetime import date, timedelta

import streamlit as st
from streamlit_folium import st_folium

from core import ui

user = ui.page_user()
scope = user.scope
st.title(ui.tr("check.title"))
st.caption(ui.check_caption(scope))
days = (
    st.segmented_control(
        ui.tr("check.period"),
        [30, 90, 365],
        default=90,
        key="check_days",
        format_func=lambda d: ui.tr("check.days", n=d),
    )
    or 90
)
since = date.today() - timedelta(days=days)
flags, summary = ui.visit_checks(scope, since)
if summary.empty:
    st.info(ui.tr("check.no_visits"))
    st.stop()
st.subheader(ui.tr("check.by_manager"))
rules = ("far_checkin", "speed", "burst", "same_spot")
st.dataframe(
    summary,
    hide_index=True,
    key="check_summary",
    column_order=["manager", "visits", "flagged_visits", "flagged_pct", *rules],
    column_config={
        "manager": ui.tr("col.name.manager"),
        "visits": ui.tr("check.col.visits"),
        "flagged_visits": ui.tr("check.col.flagged"),
        "flagged_pct": st.column_config.NumberColumn(ui.tr("check.col.flagged_pct"), format="%.1f"),
    }
    | {r: ui.tr(f"flag.rule.{r}") for r in rules},
)
st.subheader(ui.tr("check.flags"))
shown = flags.assign(rule=flags["rule"].map(lambda r: ui.tr(f"flag.rule.{r}")))
st.dataframe(
    shown.assign(detail=ui.flag_details(flags)),
    hide_index=True,
    key="check_flags",
    column_order=["visited_at", "manager", "customer", "rule", "detail"],
    column_config={
        "visited_at": st.column_config.DatetimeColumn(ui.tr("col.time"), format="YYYY-MM-DD HH:mm"),
        "manager": ui.tr("col.name.manager"),
        "customer": ui.tr("col.customer"),
        "rule": ui.tr("check.col.rule"),
        "detail": ui.tr("check.col.detail"),
    },
)
st.subheader(ui.tr("check.coverage"))
layers, coverage = ui.coverage_map(scope, since)
st_folium(
    ui.plain_grid_map(layers),
    key="coverage_map",
    height=520,
    use_container_width=True,
    returned_objects=[],
)
st.caption(ui.coverage_legend(layers, days), unsafe_allow_html=True)
