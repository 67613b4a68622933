"""定岗定员 / Staffing: the A and B managers and the 2-5 liaison persons of a grid."""

import streamlit as st

from core import ui

user = ui.page_user()
scope = user.scope

st.title(ui.tr("staffing.title"))
st.caption(ui.tr("staffing.caption"))
labels = ui.grid_labels(scope, 2)
if not labels:
    st.info(ui.tr("staffing.empty"))
    st.stop()
grid_id = st.selectbox(
    ui.tr("staffing.grid"),
    list(labels),
    format_func=labels.get,
    index=list(labels).index(st.session_state["map_grid"])
    if st.session_state.get("map_grid") in labels
    else 0,
    key="staffing_grid",
)
current = ui.grid_staffing(scope, grid_id)
managers = current["managers"]
none = ui.tr("staffing.none")

with st.form(f"staffing_{grid_id}"):
    a, b = st.columns(2)
    choices = list(managers)
    manager_a = a.selectbox(
        ui.tr("card.manager_a"),
        choices,
        format_func=managers.get,
        index=choices.index(current["a"]) if current["a"] in choices else 0,
    )
    manager_b = b.selectbox(
        ui.tr("card.manager_b"),
        [None, *choices],
        format_func=lambda m: none if m is None else managers[m],
        index=[None, *choices].index(current["b"]) if current["b"] in choices else 0,
    )
    st.markdown(f"**{ui.tr('card.liaisons')}** · {ui.tr('staffing.liaison_hint')}")
    edited = st.data_editor(
        current["liaisons"],
        num_rows="dynamic",
        hide_index=True,
        column_order=["name", "role", "phone"],
        key=f"liaisons_{grid_id}",
        column_config={
            "name": st.column_config.TextColumn(ui.tr("col.liaison_name"), required=True),
            "role": st.column_config.SelectboxColumn(
                ui.tr("col.liaison_role"), options=ui.LIAISON_ROLES, required=True
            ),
            "phone": st.column_config.TextColumn(ui.tr("col.phone"), required=True),
        },
    )
    saved = st.form_submit_button(ui.tr("staffing.save"), type="primary")

if saved and ui.save_staffing(user, grid_id, current, manager_a, manager_b, edited):
    st.success(ui.tr("staffing.saved"))
