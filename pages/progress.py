"""业绩进度 / Progress: target against actual for the signed-in scope, per metric, branch and
manager, against time progress (序时进度), with trend, forecast, lag warnings and process
indicators."""

import streamlit as st

from core import ui

scope = ui.page_user().scope
data = ui.progress_data(scope)

st.title(ui.tr("progress.title"))
if data.targets.empty:
    st.info(ui.tr("progress.empty"))
    st.stop()
st.caption(
    ui.tr(
        "progress.caption",
        org=ui.md(ui.org_name(scope)),
        as_of=data.as_of.isoformat(),
        **ui.time_progress_pcts(data.as_of),
    )
)

# drill-down: bank -> branch -> manager, as far as the scope reaches
left, mid, right = st.columns([2, 2, 3])
period = (
    left.segmented_control(
        ui.tr("progress.period"),
        ui.PERIODS,
        default="year",
        format_func=lambda p: ui.tr(f"period.{p}"),
        key="progress_period",
    )
    or "year"
)
level, org_id = ui.progress_unit(scope, data, mid, right)

table, warnings = ui.progress_tables(scope, period)
unit = ui.unit_name(data, level, org_id)
cols = ui.progress_columns()

process = ui.process_indicators(table, level, org_id)
if process:
    st.subheader(ui.tr("progress.process"))
    for box, (metric, p) in zip(st.columns(3), process.items(), strict=False):
        value = (
            f"{p['actual']:,.0f} / {p['target']:,.0f}"
            if metric == "visits"
            else f"{p['actual']:.1f}% / {p['target']:.1f}%"
        )
        box.metric(
            ui.tr(f"progress.{metric}"),
            value,
            delta=ui.tr("progress.lead", lead=f"{p['lead_pts']:+.1f}")
            if p["lead_pts"] == p["lead_pts"]
            else None,
            help=ui.tr(f"progress.{metric}_help"),
        )

st.subheader(ui.tr("progress.by_metric", unit=ui.md(unit)))
rows = ui.metric_rows(table, data, level, org_id)
st.dataframe(
    rows, hide_index=True, key="progress_metrics", column_config=cols, height=35 * len(rows) + 38
)  # every metric in view, no inner scrolling

codes = [c for c in data.metrics.index if c in set(table["metric"])]
metric = st.selectbox(
    ui.tr("progress.metric"),
    codes,
    key="progress_metric",
    format_func=lambda c: ui.metric_name(data.metrics, c),
)
name = ui.metric_name(data.metrics, metric)
if level != "manager":
    st.subheader(ui.tr("progress.ranked", unit=ui.md(unit), metric=ui.md(name)))
    below = "branch" if level == "bank" else "manager"
    st.dataframe(
        ui.child_rows(table, data, level, org_id, metric),
        hide_index=True,
        key="progress_children",
        column_config=ui.progress_columns(f"col.name.{below}", data.metrics.loc[metric, "unit"]),
    )

st.subheader(ui.tr("progress.trend", unit=ui.md(unit), metric=ui.md(name)))
forecast = ui.progress_forecast(scope, level, org_id)
monthly, cumulative = ui.trend_figures(data, level, org_id, metric, forecast)
a, b = st.columns(2)
a.plotly_chart(monthly, key="progress_monthly")
b.plotly_chart(cumulative, key="progress_cumulative")
st.markdown(f"**{ui.tr('progress.forecast_title')}**")
rows = ui.forecast_rows(forecast, data)
st.dataframe(
    rows, hide_index=True, key="progress_forecast", column_config=cols, height=35 * len(rows) + 38
)

st.subheader(ui.tr("progress.lags"))
st.caption(ui.tr("progress.lags_help", band=f"{ui.bands()[1]:g}"))
if warnings.empty:
    st.success(ui.tr("progress.no_lags"))
else:
    st.warning("\n".join(f"- {line}" for line in ui.lag_lines(warnings, data)))
    st.caption(ui.tr("progress.lags_all", n=len(warnings)))
    st.dataframe(
        ui.lag_rows(warnings, data), hide_index=True, key="progress_lags", column_config=cols
    )
