"""总览 / Overview: the signed-in scope's customers, 入格率, 建档率, deposits, loans, managers,
grids, with a chart and a table one level down."""

import streamlit as st

from core import ui

scope = ui.page_user().scope

st.title(ui.tr("overview.title"))
st.caption(ui.tr("overview.caption", org=ui.md(ui.org_name(scope))))

head = ui.headline(scope)
if head.customers == 0:
    st.info(ui.tr("overview.empty"))
    st.stop()

cols = st.columns(5)
cols[0].metric(ui.tr("overview.customers"), ui.count(head.customers))
cols[1].metric(ui.tr("overview.existing"), ui.count(head.existing))
cols[2].metric(ui.tr("overview.potential"), ui.count(head.potential))
cols[3].metric(
    ui.tr("overview.in_grid_rate"), ui.pct(head.in_grid_rate), help=ui.tr("overview.in_grid_help")
)
cols[4].metric(
    ui.tr("overview.filing_rate"), ui.pct(head.filing_rate), help=ui.tr("overview.filing_help")
)
cols = st.columns(5)
cols[0].metric(ui.tr("overview.deposits"), ui.wan(head.deposits))
cols[1].metric(ui.tr("overview.loans"), ui.wan(head.loans))
cols[2].metric(ui.tr("overview.managers"), ui.count(head.managers))
cols[3].metric(ui.tr("overview.grids"), f"{head.grids_level1} / {head.grids_level2}")

level = ui.breakdown_level(scope)
table = ui.breakdown(scope)
st.subheader(ui.tr("overview.chart"))
st.plotly_chart(ui.breakdown_chart(table), key="overview_chart")

st.subheader(ui.tr(f"overview.by_{level}"))
number = {
    "customers": "localized",
    "existing": "localized",
    "potential": "localized",
    "in_grid_pct": "%.1f",
    "filing_pct": "%.1f",
    "deposits_wan": "%.2f",
    "loans_wan": "%.2f",
    "mobile_pct": "%.1f",
}
st.dataframe(
    table,
    hide_index=True,
    key="overview_table",
    column_config={"name": st.column_config.TextColumn(ui.tr(f"col.name.{level}"))}
    | {
        col: st.column_config.NumberColumn(ui.tr(f"col.{col}"), format=fmt)
        for col, fmt in number.items()
    },
)
