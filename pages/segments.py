"""客群探索 / Segment explorer: filter the scope's customers and see at once how many, which
segments, how deposits concentrate (80/20 and the long tail), which products each segment
holds, where they live, and who they are; save the filter as a list for a branch or manager."""

import streamlit as st
from streamlit_folium import st_folium

from core import ui

user = ui.page_user()
scope = user.scope

st.title(ui.tr("explorer.title"))
st.caption(ui.tr("explorer.caption", org=ui.md(ui.org_name(scope))))
with st.spinner(ui.tr("explorer.loading")):
    frame = ui.explorer_frame(scope)
if frame.empty:
    st.info(ui.tr("explorer.empty"))
    st.stop()
filters = ui.explorer_filters(scope)
try:
    mask = ui.select_customers(frame, filters)
except ValueError as exc:
    st.error(ui.tr("explorer.bad_filter", error=ui.md(exc)))
    st.stop()
summary = ui.selection_summary(frame, mask)
cols = st.columns(5)
cols[0].metric(ui.tr("explorer.customers"), ui.count(summary.customers))
cols[1].metric(ui.tr("explorer.deposits"), ui.wan(summary.deposits))
cols[2].metric(ui.tr("explorer.deposit_share"), ui.pct(summary.deposit_share))
cols[3].metric(
    ui.tr("explorer.top20"), ui.pct(summary.top20_share), help=ui.tr("explorer.top20_help")
)
cols[4].metric(
    ui.tr("explorer.bottom50"), ui.pct(summary.bottom50_share), help=ui.tr("explorer.bottom50_help")
)
if summary.customers == 0:
    st.info(ui.tr("explorer.none_selected"))
    st.stop()

view = st.segmented_control(
    ui.tr("explorer.view"),
    list(ui.EXPLORER_VIEWS),
    default="segments",
    format_func=lambda v: ui.tr(f"explorer.view.{v}"),
    key="xf_view",
)
if view in (None, "segments"):
    sizes = ui.segment_sizes(frame, mask)
    st.plotly_chart(ui.segment_chart(sizes), key="xf_segment_chart")
    ui.segment_table(sizes)
elif view == "pareto":
    st.plotly_chart(ui.pareto_chart(frame, mask), key="xf_pareto_chart")
    st.caption(
        ui.tr(
            "explorer.pareto_note",
            top=ui.pct(summary.top20_share),
            tail=ui.pct(summary.bottom50_share),
        )
    )
elif view == "penetration":
    st.plotly_chart(ui.penetration_chart(frame, mask), key="xf_penetration_chart")
elif view == "map":
    st_folium(
        ui.selection_map(scope, frame, mask),
        key="xf_map",
        height=560,
        use_container_width=True,
        returned_objects=[],
    )
    st.caption(ui.tr("explorer.map_note"))
else:
    table = ui.customer_table(scope, frame, mask)
    picked = st.dataframe(
        table,
        hide_index=True,
        key="xf_table",
        on_select="rerun",
        selection_mode="single-row",
        column_config=ui.customer_table_columns(),
    )
    st.caption(
        ui.tr("explorer.table_note", shown=ui.count(len(table)), total=ui.count(summary.customers))
    )
    ui.customer_table_download(table, filters)
    rows = picked.selection.rows if picked else []
    if rows and st.button(ui.tr("explorer.open_customer"), key="xf_open", type="primary"):
        st.session_state["customer_id"] = int(table.iloc[rows[0]]["id"])
        st.switch_page("pages/customer.py")
    ui.save_list_form(user, filters, summary.customers)
