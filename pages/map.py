"""网格地图 / Map: both grid levels of the scope, coloured by a metric, with a grid's card."""
import streamlit as st
from streamlit_folium import st_folium

from core import config, ui
from core.format import wan
from core.grids.map_data import grid_at
from core.grids.queries import METRICS
from geo.mapview import PALETTE

scope = ui.page_user().scope
url = config.database_url()

st.title(ui.tr("map.title"))
st.caption(ui.tr("map.caption", org=ui.md(ui.org_name(scope))))
metric = st.segmented_control(ui.tr("map.metric"), METRICS, default="customers",
                              format_func=lambda m: ui.tr(f"map.metric.{m}"), key="map_metric")
metric = metric or "customers"


@st.fragment
def map_and_card() -> None:
    """The map and the clicked grid's card; a click reruns this fragment only."""
    version = ui.grid_version(url)
    layers = ui.map_layers(url, scope, metric, version)
    left, right = st.columns([3, 1])
    with left:
        grid_map = ui.grid_map(url, scope, metric, version, config.get("GM_MAP_TILES"))
        clicked = st_folium(grid_map, key="grid_map", height=620, use_container_width=True,
                            returned_objects=["last_object_clicked", "last_active_drawing"])
        chips = " ".join(f'<span style="background:{c};padding:0 10px">&nbsp;</span> '
                         f"{e:,.0f}" for c, e in zip(PALETTE, layers.edges))
        st.caption(ui.tr("map.legend", metric=ui.tr(f"map.metric.{metric}")) + " " + chips,
                   unsafe_allow_html=True)
        st.caption(ui.tr("map.customers_heat" if "count" in layers.customers
                         else "map.customers_points"))
    clicked = clicked or {}
    feature = (clicked.get("last_active_drawing") or {}).get("properties") or {}
    point = clicked.get("last_object_clicked")
    if feature.get("id"):  # a grid polygon was clicked: its id came along
        st.session_state["map_grid"] = int(feature["id"])
    elif point:  # something else (an outlet, a label): the grid under the click
        st.session_state["map_grid"] = grid_at(layers, point["lng"], point["lat"])
    with right:
        grid_id = st.session_state.get("map_grid")
        card = ui.grid_card(url, scope, grid_id, version) if grid_id else None
        if card is None:
            st.info(ui.tr("map.hint"))
            return
        g, f = card["grid"], card["figures"]
        st.subheader(ui.md(g["name"]))
        st.caption(f"{ui.tr('card.level' + str(g['level']))} · {ui.tr('card.branch')} "
                   f"{ui.md(g['branch'])}")
        none = ui.tr("card.none")
        st.markdown(f"**{ui.tr('card.manager_a')}** {ui.md(g['manager_a'] or none)}  \n"
                    f"**{ui.tr('card.manager_b')}** {ui.md(g['manager_b'] or none)}")
        st.markdown(f"| | |\n|---|---:|\n"
                    f"| {ui.tr('card.households')} | {g['households']:,} |\n"
                    f"| {ui.tr('card.customers')} | {f['customers']:,} |\n"
                    f"| {ui.tr('card.deposits')} | {wan(f['deposits'])} |\n"
                    f"| {ui.tr('card.other_bank')} | {wan(f['other_bank'])} |")
        st.markdown(f"**{ui.tr('card.liaisons')}**")
        st.dataframe(card["liaisons"], hide_index=True, column_config={
            "name": ui.tr("col.liaison_name"), "role": ui.tr("col.liaison_role"),
            "phone": ui.tr("col.phone")})
        st.markdown(f"**{ui.tr('card.opportunities')}**")
        opp = card["opportunities"]
        st.dataframe(opp.assign(deposit_balance=opp["deposit_balance"] / 1e4,
                                other_bank_deposit=opp["other_bank_deposit"] / 1e4),
                     hide_index=True, column_order=["name", "deposit_balance",
                                                    "other_bank_deposit"],
                     column_config={
                         "name": ui.tr("col.customer"),
                         "deposit_balance": st.column_config.NumberColumn(
                             ui.tr("col.deposit_wan"), format="%.2f"),
                         "other_bank_deposit": st.column_config.NumberColumn(
                             ui.tr("col.other_bank_wan"), format="%.2f")})


map_and_card()
