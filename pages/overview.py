"""总览 / Overview: the signed-in scope's customers, 入格率, 建档率, deposits, loans, managers,
grids, with a chart and a table one level down."""
import streamlit as st

from core import config, ui
from core.format import count, pct, wan
from core.grids.overview import breakdown_chart, breakdown_level

scope = ui.page_user().scope
url = config.database_url()

st.title(ui.tr("overview.title"))
st.caption(ui.tr("overview.caption", org=ui.md(ui.org_name(scope))))

head = ui.headline(url, scope)
if head.customers == 0:
    st.info(ui.tr("overview.empty"))
    st.stop()

cols = st.columns(5)
cols[0].metric(ui.tr("overview.customers"), count(head.customers))
cols[1].metric(ui.tr("overview.existing"), count(head.existing))
cols[2].metric(ui.tr("overview.potential"), count(head.potential))
cols[3].metric(ui.tr("overview.in_grid_rate"), pct(head.in_grid_rate),
               help=ui.tr("overview.in_grid_help"))
cols[4].metric(ui.tr("overview.filing_rate"), pct(head.filing_rate),
               help=ui.tr("overview.filing_help"))
cols = st.columns(5)
cols[0].metric(ui.tr("overview.deposits"), wan(head.deposits))
cols[1].metric(ui.tr("overview.loans"), wan(head.loans))
cols[2].metric(ui.tr("overview.managers"), count(head.managers))
cols[3].metric(ui.tr("overview.grids"), f"{head.grids_level1} / {head.grids_level2}")

level = breakdown_level(scope)
table = ui.breakdown(url, scope)
labels = {c: ui.tr(f"col.{c}") for c in ("deposits_wan", "loans_wan")} | {
    "unit": ui.tr("unit.wan")}
st.subheader(ui.tr("overview.chart"))
st.plotly_chart(breakdown_chart(table, labels), key="overview_chart")

st.subheader(ui.tr(f"overview.by_{level}"))
number = {"customers": "localized", "existing": "localized", "potential": "localized",
          "in_grid_pct": "%.1f",
          "filing_pct": "%.1f", "deposits_wan": "%.2f", "loans_wan": "%.2f", "mobile_pct": "%.1f"}
st.dataframe(
    table, hide_index=True, key="overview_table",
    column_config={"name": st.column_config.TextColumn(ui.tr(f"col.name.{level}"))} | {
        col: st.column_config.NumberColumn(ui.tr(f"col.{col}"), format=fmt)
        for col, fmt in number.items()})
