"""定岗定员 / Staffing: the A and B managers and the 2-5 liaison persons of a grid."""
import pandas as pd
import streamlit as st

from core import config, ui
from core.db import get_engine, write_retrying
from core.grids.staffing import LIAISON_ROLES, check_staffing, load_staffing, save_staffing

user = ui.page_user()
scope = user.scope
url = config.database_url()

st.title(ui.tr("staffing.title"))
st.caption(ui.tr("staffing.caption"))
grids = ui.grids_of_scope(url, scope, 2, ui.grid_version(url))
if grids.empty:
    st.info(ui.tr("staffing.empty"))
    st.stop()
labels = {int(g.id): f"{g.name} · {g.branch}" for g in grids.itertuples()}
grid_id = st.selectbox(ui.tr("staffing.grid"), list(labels), format_func=labels.get,
                       index=list(labels).index(st.session_state["map_grid"])
                       if st.session_state.get("map_grid") in labels else 0,
                       key="staffing_grid")
current = load_staffing(get_engine(url), scope, grid_id)
managers = current["managers"]
none = ui.tr("staffing.none")

with st.form(f"staffing_{grid_id}"):
    a, b = st.columns(2)
    choices = list(managers)
    manager_a = a.selectbox(ui.tr("card.manager_a"), choices, format_func=managers.get,
                            index=choices.index(current["a"]) if current["a"] in choices else 0)
    manager_b = b.selectbox(ui.tr("card.manager_b"), [None, *choices],
                            format_func=lambda m: none if m is None else managers[m],
                            index=[None, *choices].index(current["b"])
                            if current["b"] in choices else 0)
    st.markdown(f"**{ui.tr('card.liaisons')}** · {ui.tr('staffing.liaison_hint')}")
    edited = st.data_editor(
        current["liaisons"], num_rows="dynamic", hide_index=True, column_order=[
            "name", "role", "phone"], key=f"liaisons_{grid_id}", column_config={
            "name": st.column_config.TextColumn(ui.tr("col.liaison_name"), required=True),
            "role": st.column_config.SelectboxColumn(ui.tr("col.liaison_role"),
                                                     options=LIAISON_ROLES, required=True),
            "phone": st.column_config.TextColumn(ui.tr("col.phone"), required=True)})
    saved = st.form_submit_button(ui.tr("staffing.save"), type="primary")

if saved:
    table = pd.DataFrame(edited).reindex(columns=["id", "name", "role", "phone"])
    problems = check_staffing(manager_a, manager_b, managers, table,
                              {int(i): "" for i in current["liaisons"]["id"]})
    if problems:
        for p in problems:
            st.error(ui.md(ui.problem_text(p)))
    else:
        with ui.user_errors():
            write_retrying(get_engine(url), lambda e: save_staffing(
                e, user, grid_id, manager_a, manager_b, table))
            st.cache_data.clear()
            st.success(ui.tr("staffing.saved"))
