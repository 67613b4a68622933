"""标签与客群 / Tags and segments (head office): each tag's rule and thresholds, editable;
saving recomputes every customer's tags. The segments found by clustering, how many and how
much each holds; re-running keeps the identity (code and name) of segments it finds again."""

import streamlit as st

from core import ui

user = ui.page_user()

st.title(ui.tr("tags.title"))
st.caption(ui.tr("tags.caption"))
tag_defs = ui.tags()
st.subheader(ui.tr("tags.tags"))
st.dataframe(
    ui.tag_table(),
    hide_index=True,
    key="tags_table",
    column_config={
        "category": ui.tr("tags.col.category"),
        "label": ui.tr("tags.col.tag"),
        "rule": ui.tr("tags.col.rule"),
        "customers": st.column_config.NumberColumn(ui.tr("explorer.customers"), format="localized"),
    },
)

st.subheader(ui.tr("tags.thresholds"))
with st.form("tag_thresholds"):
    changes: dict[str, dict] = {}
    editable = [t for t in tag_defs if t.params]
    for row in range(0, len(editable), 3):
        cols = st.columns(3)
        for col, t in zip(cols, editable[row : row + 3], strict=False):
            col.markdown(f"**{ui.md(t.label(ui.lang()))}**")
            for name, value in t.params.items():
                changes.setdefault(t.code, {})[name] = col.number_input(
                    ui.tr(f"tags.param.{name}"),
                    value=float(value),
                    min_value=0.0,
                    key=f"tp_{t.code}_{name}",
                )
    saved = st.form_submit_button(ui.tr("tags.save"), type="primary")
if saved:
    with ui.user_errors(), st.spinner(ui.tr("tags.recomputing")):
        problems, seconds = ui.save_tag_thresholds(changes, user)
        if problems:
            st.error(ui.tr("tags.problems") + "\n\n" + "\n".join(f"- {ui.md(p)}" for p in problems))
        else:
            st.success(ui.tr("tags.saved", seconds=f"{seconds:.1f}"))

st.subheader(ui.tr("tags.segments"))
sizes = ui.segment_totals()
if sizes.empty:
    st.info(ui.tr("tags.no_segments"))
else:
    ui.segment_table(sizes)
run = ui.latest_segment_run()
if run:
    st.caption(
        ui.tr(
            "tags.last_run",
            at=str(run["started_at"])[:16],
            k=run["k"],
            how=ui.tr(f"tags.k_by.{run['k_chosen_by']}"),
            silhouette="-" if run["silhouette"] is None else f"{run['silhouette']:.3f}",
            customers=f"{run['customers']:,}",
            seconds=f"{run['seconds']:.1f}",
        )
    )
with st.form("segment_run"):
    c = st.columns(3)
    auto = c[0].checkbox(ui.tr("tags.k_auto"), value=True, key="seg_auto")
    k = c[1].number_input(ui.tr("tags.k"), min_value=2, max_value=15, value=6, key="seg_k")
    run_it = c[2].form_submit_button(ui.tr("tags.run"))
if run_it:
    with ui.user_errors(), st.spinner(ui.tr("tags.recomputing")):
        result = ui.rerun_segments(None if auto else int(k), user)
        st.success(
            ui.tr(
                "tags.run_done",
                k=result.k,
                seconds=f"{result.seconds:.1f}",
                changed=f"{result.segments_written:,}",
            )
        )
