"""网格管理 / Grid management: import, draw or propose grids, review the impact, apply as a
version, restore a version. Head office: level 1; branch leaders: their branch's level 2."""

import streamlit as st
from streamlit_folium import st_folium

from core import ui

user = ui.page_user()
scope = user.scope
level = 1 if scope.role == "hq" else 2
branch_id = None if level == 1 else scope.branch_id

st.title(ui.tr("grids.title"))
st.caption(ui.tr(f"grids.caption.{scope.role}"))
tab_import, tab_draw, tab_propose, tab_versions = st.tabs(
    [ui.tr(f"grids.tab.{t}") for t in ("import", "draw", "propose", "versions")]
)

with tab_import:
    with st.form("grid_import"):
        upload = st.file_uploader(ui.tr("grids.file"), type=["geojson", "json", "zip", "kml"])
        crs = st.selectbox(ui.tr("grids.crs"), ui.SUPPORTED_CRS, format_func=ui.CRS_LABELS.get)
        read = st.form_submit_button(ui.tr("grids.read"))
    if read and upload is None:
        st.warning(ui.tr("grids.no_file"))
    elif read:
        ui.propose_grid_file(upload, crs, level, branch_id)

with tab_draw:
    draw_map, names = ui.draw_map(level, branch_id)
    st.caption(ui.tr("grids.draw_hint"))
    drawn = st_folium(
        draw_map,
        key="draw_map",
        height=520,
        use_container_width=True,
        returned_objects=["last_active_drawing"],
    )
    polygon = ui.drawn_grid(drawn)
    if polygon is None:
        st.caption(ui.tr("grids.draw_none"))
    else:
        mode = st.radio(
            ui.tr("grids.draw_mode"),
            ["new", "replace"],
            horizontal=True,
            format_func=lambda m: ui.tr(f"grids.draw_{m}"),
            key="draw_mode",
        )
        target = (
            st.selectbox(ui.tr("grids.draw_target"), list(names), format_func=names.get)
            if mode == "replace"
            else None
        )
        name = st.text_input(ui.tr("grids.draw_name")) if mode == "new" else None
        if st.button(ui.tr("grids.draw_use"), key="draw_use"):
            ui.propose_drawing(level, branch_id, polygon, target, name)

with tab_propose:
    if st.button(ui.tr(f"grids.propose_l{level}"), key="propose"):
        ui.propose_grids(level, branch_id)
    balance = st.session_state.get("grid_balance")
    if level == 2 and balance is not None:
        st.markdown(f"**{ui.tr('grids.balance')}**")
        cols = st.columns(4)
        for col, key, value in zip(
            cols,
            ("dev_workload", "dev_customers", "dev_deposits"),
            (balance.workload, balance.customers, balance.deposits),
            strict=False,
        ):
            col.metric(ui.tr(f"grids.{key}"), f"±{value:.1%}")
        cols[3].metric(ui.tr("grids.compactness"), f"{balance.compactness:.2f}")
        if balance.best_possible > 0.05:
            st.caption(ui.tr("grids.best_possible", value=f"±{balance.best_possible:.1%}"))
    if level == 1 and st.toggle(ui.tr("grids.county_l2"), key="county_l2"):
        st.dataframe(ui.county_proposals(), hide_index=True)

with tab_versions:
    history = ui.grid_versions(level, branch_id)
    if history.empty:
        st.info(ui.tr("grids.versions_empty"))
    else:
        picked = st.dataframe(
            history,
            hide_index=True,
            key="versions",
            on_select="rerun",
            selection_mode="single-row",
            column_config={
                "id": ui.tr("col.version"),
                "created_at": ui.tr("col.time"),
                "action": ui.tr("col.action"),
                "note": ui.tr("col.note"),
                "customers_moved": ui.tr("col.moved"),
            },
            column_order=["id", "created_at", "action", "note", "customers_moved"],
        )
        rows = picked.selection.rows
        if rows and st.button(ui.tr("grids.restore"), key="restore"):
            ui.propose_restore(int(history.iloc[rows[0]]["id"]))

ui.review_change(user)
