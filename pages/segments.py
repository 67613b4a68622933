"""客群探索 / Segment explorer: filter the scope's customers and see at once how many, which
segments, how deposits concentrate (80/20 and the long tail), which products each segment
holds, where they live, and who they are; save the filter as a list for a branch or manager."""
import streamlit as st
from streamlit_folium import st_folium

from core import config, ui

from core.customers import explorer
from core.vocab import PRODUCTS
from core.format import count, pct, wan
from core.customers.charts import pareto_chart, penetration_heatmap, segment_bars

user = ui.page_user()
scope, url = user.scope, config.database_url()
version = ui.profile_version(url)

st.title(ui.tr("explorer.title"))
st.caption(ui.tr("explorer.caption", org=ui.md(ui.org_name(scope))))
with st.spinner(ui.tr("explorer.loading")):
    frame = ui.explorer_frame(url, scope, version)
if frame.empty:
    st.info(ui.tr("explorer.empty"))
    st.stop()
filters = ui.explorer_filters(scope, url, version,
                              ui.explorer_grid_options(url, scope, version, ui.lang()))
try:
    mask = explorer.select_rows(frame, filters, ui.explorer_context(url, version))
except ValueError as exc:
    st.error(ui.tr("explorer.bad_filter", error=ui.md(exc)))
    st.stop()
summary = explorer.summarize(frame, mask)
cols = st.columns(5)
cols[0].metric(ui.tr("explorer.customers"), count(summary.customers))
cols[1].metric(ui.tr("explorer.deposits"), wan(summary.deposits))
cols[2].metric(ui.tr("explorer.deposit_share"), pct(summary.deposit_share))
cols[3].metric(ui.tr("explorer.top20"), pct(summary.top20_share),
               help=ui.tr("explorer.top20_help"))
cols[4].metric(ui.tr("explorer.bottom50"), pct(summary.bottom50_share),
               help=ui.tr("explorer.bottom50_help"))
if summary.customers == 0:
    st.info(ui.tr("explorer.none_selected"))
    st.stop()

segs = ui.segments(url, version)
names = dict(zip(segs["id"], segs["name_zh" if ui.lang() == "zh" else "name_en"]))
view = st.segmented_control(ui.tr("explorer.view"), list(explorer.VIEWS), default="segments",
                            format_func=lambda v: ui.tr(f"explorer.view.{v}"), key="xf_view")
if view in (None, "segments"):
    sizes = explorer.segment_sizes(frame, mask, segs)
    labels = [names.get(s, ui.tr("explorer.no_segment")) for s in sizes["segment_id"]]
    st.plotly_chart(segment_bars(sizes, labels, {"customers": ui.tr("explorer.customers"),
                                                 "title": ui.tr("explorer.segment_title")}),
                    key="xf_segment_chart")
    ui.segment_table(sizes, segs)
elif view == "pareto":
    curve = explorer.pareto(explorer.existing_deposits(frame, mask))
    st.plotly_chart(pareto_chart(curve, {
        "title": ui.tr("explorer.pareto_title"), "x": ui.tr("explorer.pareto_x"),
        "y": ui.tr("explorer.pareto_y"), "curve": ui.tr("explorer.pareto_curve"),
        "equal": ui.tr("explorer.pareto_equal"), "hover": ui.tr("explorer.pareto_hover")}),
        key="xf_pareto_chart")
    st.caption(ui.tr("explorer.pareto_note", top=pct(summary.top20_share),
                     tail=pct(summary.bottom50_share)))
elif view == "penetration":
    shares = explorer.penetration(frame, mask)
    st.plotly_chart(penetration_heatmap(
        shares, [names.get(s, ui.tr("explorer.no_segment")) for s in shares.index],
        [ui.tr(f"product.{p}") for p in PRODUCTS], ui.tr("explorer.penetration_title")),
        key="xf_penetration_chart")
elif view == "map":
    layers = ui.selection_layers(url, scope, frame, mask)
    st_folium(ui.plain_grid_map(layers), key="xf_map", height=560, use_container_width=True,
              returned_objects=[])
    st.caption(ui.tr("explorer.map_note"))
else:
    ids = explorer.top_ids(frame, mask, limit=explorer.TABLE_ROWS)
    table = ui.customer_table(url, scope, ids, version, ui.lang())
    picked = st.dataframe(table, hide_index=True, key="xf_table", on_select="rerun",
                          selection_mode="single-row",
                          column_config=ui.customer_table_columns())
    st.caption(ui.tr("explorer.table_note", shown=count(len(table)),
                     total=count(summary.customers)))
    ui.customer_table_download(table, filters)
    rows = picked.selection.rows if picked else []
    if rows and st.button(ui.tr("explorer.open_customer"), key="xf_open", type="primary"):
        st.session_state["customer_id"] = int(table.iloc[rows[0]]["id"])
        st.switch_page("pages/customer.py")
    ui.save_list_form(user, filters, summary.customers)
