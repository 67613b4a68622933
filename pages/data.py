"""数据加载 / Data loads (head office): a bank's files brought in through the browser -
uploaded, their headers mapped to ours (a mapping profile picked or saved), checked with
every problem listed, then loaded with a progress bar; the history of loads with their
problem reports; the mapping profiles; the empty templates and field guide."""

import streamlit as st

from core import ui

user = ui.page_user()
st.title(ui.tr("data.title"))
st.caption(ui.tr("data.caption"))
ui.data_notice()
load_tab, history_tab, profiles_tab, templates_tab = st.tabs(
    [
        ui.tr("data.tab.load"),
        ui.tr("data.tab.history"),
        ui.tr("data.tab.profiles"),
        ui.tr("data.tab.templates"),
    ]
)

with load_tab:
    uploads = st.file_uploader(
        ui.tr("data.files"),
        type=ui.DATA_FILE_TYPES,
        accept_multiple_files=True,
        key="data_files",
        help=ui.tr("data.files_help"),
    )
    a, b, c, d = st.columns(4)
    as_of = a.date_input(ui.tr("data.as_of"), value="today", key="data_as_of")
    crs = b.selectbox(
        ui.tr("data.crs"), ui.SUPPORTED_CRS, format_func=ui.CRS_LABELS.get, key="data_crs"
    )
    max_bad = c.number_input(
        ui.tr("data.max_bad"),
        0.0,
        100.0,
        0.0,
        0.5,
        key="data_max_bad",
        help=ui.tr("data.max_bad_help"),
    )
    full = d.checkbox(ui.tr("data.full"), value=True, key="data_full", help=ui.tr("data.full_help"))
    files = ui.data_files(uploads)
    if not files:
        st.info(ui.tr("data.empty"))
    else:
        st.subheader(ui.tr("data.mapping"))
        profile = ui.profile_picker()
        mapping = ui.header_mapping(files, profile)
        ui.profile_form(user, mapping, profile)
        options = ui.load_options(as_of, crs, mapping, max_bad, full)
        st.subheader(ui.tr("data.run_title"))
        check_col, load_col, _ = st.columns([1, 1, 3])
        if check_col.button(ui.tr("data.check"), key="data_check", icon=":material/rule:"):
            ui.run_load(user, files, options, dry_run=True)
        ready = ui.load_ready(files, options)
        if load_col.button(
            ui.tr("data.load"),
            key="data_load",
            type="primary",
            icon=":material/upload:",
            disabled=not ready,
        ):
            ui.run_load(user, files, options, dry_run=False)
        if not ready:
            st.caption(ui.tr("data.check_first"))
        ui.show_result(files, options)

with history_tab:
    ui.load_history()

with profiles_tab:
    ui.profiles_section(user)

with templates_tab:
    st.caption(ui.tr("data.templates.caption"))
    ui.templates_download()
