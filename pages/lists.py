"""名单 / Lists: the saved lists (名单) and industry / group grids the scope works with, how
many of their customers are in the scope now, and for head office and branch leaders the
way back into the explorer or to withdraw one."""

import streamlit as st

from core import ui

user = ui.page_user()
scope = user.scope

st.title(ui.tr("lists.title"))
st.caption(ui.tr("lists.caption", org=ui.md(ui.org_name(scope))))
lists = ui.saved_lists(scope)
if lists.empty:
    st.info(ui.tr("lists.empty"))
    st.stop()
with st.spinner(ui.tr("explorer.loading")):
    table = ui.list_table(scope, lists)
picked = st.dataframe(
    table,
    hide_index=True,
    key="lists_table",
    on_select="rerun",
    selection_mode="single-row",
    column_order=["kind", "name", "branch", "manager", "customers", "members", "created_at"],
    column_config={
        "kind": ui.tr("lists.kind"),
        "name": ui.tr("lists.name"),
        "branch": ui.tr("lists.branch"),
        "manager": ui.tr("lists.manager"),
        "customers": st.column_config.NumberColumn(ui.tr("lists.col.saved"), format="localized"),
        "members": st.column_config.NumberColumn(ui.tr("lists.col.members"), format="localized"),
        "created_at": st.column_config.DatetimeColumn(
            ui.tr("lists.col.created"), format="YYYY-MM-DD HH:mm"
        ),
    },
)
st.caption(ui.tr("lists.members_note"))
rows = picked.selection.rows if picked else []
if not rows:
    st.stop()
item = lists.iloc[rows[0]]
if scope.role in ("hq", "branch"):
    left, right = st.columns(2)
    if left.button(
        ui.tr("lists.open_in_explorer"),
        key="lists_open",
        type="primary",
        on_click=ui.load_filters_into_widgets,
        args=(item["saved_filter"],),
    ):
        st.switch_page("pages/segments.py")
    if right.button(ui.tr("lists.withdraw"), key="lists_withdraw"):
        with ui.user_errors():
            ui.withdraw_list(user, item["kind"], int(item["id"]))
            st.rerun()
