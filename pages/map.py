"""网格地图 / Map: both grid levels of the scope, coloured by a metric, with a grid's card."""

import streamlit as st
from streamlit_folium import st_folium

from core import ui

scope = ui.page_user().scope

st.title(ui.tr("map.title"))
st.caption(ui.tr("map.caption", org=ui.md(ui.org_name(scope))))
metric = st.segmented_control(
    ui.tr("map.metric"),
    ui.MAP_METRICS,
    default="customers",
    format_func=lambda m: ui.tr(f"map.metric.{m}"),
    key="map_metric",
)
metric = metric or "customers"


@st.fragment
def map_and_card() -> None:
    """The map and the clicked grid's card; a click reruns this fragment only."""
    layers = ui.map_layers(scope, metric)
    left, right = st.columns([3, 1])
    with left:
        clicked = st_folium(
            ui.grid_map(scope, metric),
            key="grid_map",
            height=620,
            use_container_width=True,
            returned_objects=["last_object_clicked", "last_active_drawing"],
        )
        ui.show_map_legend(layers, metric)
    ui.remember_clicked_grid(layers, clicked)
    with right:
        if not ui.show_grid_card(scope, st.session_state.get("map_grid")):
            st.info(ui.tr("map.hint"))


map_and_card()
