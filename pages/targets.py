"""目标管理 / Targets: head office sets the bank's annual targets and splits them to branches;
a branch leader splits their branch's to managers; both to months; Excel in and out; every
change recorded. Head office also recomputes and imports actuals here."""

import streamlit as st

from core import ui

user = ui.page_user()
scope = user.scope
data = ui.progress_data(scope)
st.title(ui.tr("targets.title"))
st.caption(ui.tr(f"targets.caption.{scope.role}"))
year = int(st.number_input(ui.tr("targets.year"), 2000, 2100, data.year, key="targets_year"))
tabs = st.tabs(
    [
        ui.tr(f"targets.tab.{k}")
        for k in ("split", "excel", "history", "actuals")
        if k != "actuals" or scope.role == "hq"
    ]
)


def done(result_key: str, write, **shown) -> None:
    """Run a write; show its result (a write shows its own problems and returns None; a
    refusal or a busy database shows its message)."""
    with ui.user_errors():
        result = write()
        if result is not None:
            st.success(ui.tr(result_key, **{k: f(result) for k, f in shown.items()}))


with tabs[0]:
    metric = st.selectbox(
        ui.tr("targets.metric"),
        list(data.metrics.index),
        key="targets_metric",
        format_func=lambda c: ui.metric_name(data.metrics, c),
    )
    kind, unit = data.metrics.loc[metric, ["kind", "unit"]]
    label = ui.unit_label(unit)
    parent_level, parent_id = ui.split_parent(scope, data)
    stored = ui.annual_target(year, metric, parent_level, parent_id)
    if scope.role == "hq":
        shown = st.number_input(
            ui.tr("targets.bank_value", unit=label),
            min_value=0.0,
            value=float(ui.to_display(stored, unit)),
            format="%.4f" if unit == "yuan" else "%.2f",
            key=f"targets_bank_{metric}_{year}",
        )
        stored = ui.stored_value(shown, unit)
    else:
        st.metric(ui.tr("targets.branch_value"), f"{ui.to_display(stored, unit):,.2f} {label}")
    a, b = st.columns(2)
    method = a.selectbox(
        ui.tr("targets.method"),
        ui.SPLIT_METHODS,
        key="targets_method",
        format_func=lambda m: ui.tr(f"method.{m}"),
    )
    months = (
        b.segmented_control(
            ui.tr("targets.months"),
            ui.MONTH_METHODS,
            default="seasonal",
            key="targets_months",
            format_func=lambda m: ui.tr(f"months.{m}"),
        )
        or "seasonal"
    )
    if kind != "flow":
        st.caption(ui.tr("targets.rate_note" if kind == "rate" else "targets.stock_note"))
    plan = ui.target_plan(year, metric, parent_level, parent_id, stored, method)
    frame = ui.plan_frame(plan, unit)
    edited = st.data_editor(
        frame,
        hide_index=True,
        key=f"targets_editor_{metric}_{method}_{year}",
        disabled=[c for c in frame.columns if c != "target" or method != "manual"],
        column_config=ui.plan_columns(
            f"col.name.{'branch' if scope.role == 'hq' else 'manager'}", unit
        ),
    )
    targets = ui.edited_targets(edited, unit)
    c1, c2 = st.columns(2)
    c1.metric(ui.tr("targets.sum"), f"{ui.to_display(targets.sum(), unit):,.4f} {label}")
    if kind != "rate":
        c2.metric(
            ui.tr("targets.diff"), f"{ui.to_display(targets.sum() - stored, unit):+,.4f} {label}"
        )
    problems = ui.check_split(stored, targets, kind, unit)
    if problems:
        ui.show_problems(problems, "targets.blocked")
    with st.expander(ui.tr("targets.months_title")):
        st.bar_chart(ui.month_path(stored, kind, unit, metric, months, plan))
    if st.button(
        ui.tr("targets.save"), type="primary", disabled=bool(problems), key="targets_save"
    ):
        done(
            "targets.saved",
            lambda: ui.save_split(
                user, year, metric, parent_level, parent_id, stored, plan, targets, months
            ),
            n=str,
        )

with tabs[1]:
    ui.target_template_download(scope, year)
    upload = st.file_uploader(ui.tr("targets.upload"), type=["xlsx"], key="targets_upload")
    if upload is not None and st.button(ui.tr("targets.import"), key="targets_import"):
        done("targets.imported", lambda: ui.import_targets(user, upload), n=str)

with tabs[2]:
    history = ui.history_table(scope, year, data)
    if history.empty:
        st.info(ui.tr("targets.history_empty"))
    else:
        st.dataframe(
            history, hide_index=True, key="targets_history", column_config=ui.progress_columns()
        )

if scope.role == "hq":
    with tabs[3]:
        if st.button(ui.tr("targets.recompute"), key="targets_recompute"):
            done(
                "targets.recomputed",
                lambda: ui.recompute_actuals(user),
                rows=lambda r: f"{r.rows:,}",
                as_of=lambda r: r.as_of.isoformat(),
                seconds=lambda r: f"{r.seconds:.1f}",
            )
        last = data.as_of.month if data.as_of.year == year else 12
        ui.actual_template_download(scope, year, last)
        upload = st.file_uploader(
            ui.tr("targets.actual_upload"), type=["xlsx"], key="actuals_upload"
        )
        if upload is not None and st.button(ui.tr("targets.import"), key="actuals_import"):
            done(
                "targets.actual_imported",
                lambda: ui.import_actuals(user, upload),
                n=lambda n: f"{n:,}",
            )
