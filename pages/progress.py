"""业绩进度 / Progress: target against actual for the signed-in scope, per metric, branch and
manager, against time progress (序时进度), with trend, forecast, lag warnings and process
indicators."""
import streamlit as st

from core import config, ui

from core.performance import progress_report as view
from core.format import pct
from core.performance.progress import PERIODS, bands, time_progress

scope = ui.page_user().scope
url = config.database_url()
lang = ui.lang()
version = ui.progress_version(url)
data = ui.progress_data(url, scope, version)

st.title(ui.tr("progress.title"))
if data.targets.empty:
    st.info(ui.tr("progress.empty"))
    st.stop()
st.caption(ui.tr("progress.caption", org=ui.md(ui.org_name(scope)), as_of=data.as_of.isoformat(),
                 **{p: pct(time_progress(data.as_of, p)) for p in PERIODS}))

# drill-down: bank -> branch -> manager, as far as the scope reaches
orgs = data.orgs
left, mid, right = st.columns([2, 2, 3])
period = left.segmented_control(ui.tr("progress.period"), PERIODS, default="year",
                                format_func=lambda p: ui.tr(f"period.{p}"),
                                key="progress_period") or "year"
level, org_id = {"hq": ("bank", int(orgs["org_id"].iloc[0])), "branch": ("branch", scope.branch_id),
                 "manager": ("manager", scope.manager_id)}[scope.role]
if scope.role == "hq":
    branches = orgs[orgs["org_level"] == "branch"]
    branch_names = dict(zip(branches["org_id"], branches["name"]))
    branch = mid.selectbox(ui.tr("progress.branch"), [None, *branch_names],
                           key="progress_branch", format_func=lambda b: ui.tr("progress.all")
                           if b is None else branch_names[b])
    if branch is not None:
        level, org_id = "branch", int(branch)
if level == "branch":
    staff = orgs[(orgs["org_level"] == "manager") & (orgs["branch_id"] == org_id)]
    staff_names = dict(zip(staff["org_id"], staff["name"]))
    manager = right.selectbox(ui.tr("progress.manager"), [None, *staff_names],
                              key="progress_manager", format_func=lambda m: ui.tr("progress.all")
                              if m is None else staff_names[m])
    if manager is not None:
        level, org_id = "manager", int(manager)

table, warnings = ui.progress_tables(url, scope, version, period)
unit = view.unit_name(data, level, org_id, lang)
cols = ui.progress_columns()

process = view.process_indicators(table, level, org_id)
if process:
    st.subheader(ui.tr("progress.process"))
    for box, (metric, p) in zip(st.columns(3), process.items()):
        value = (f"{p['actual']:,.0f} / {p['target']:,.0f}" if metric == "visits"
                 else f"{p['actual']:.1f}% / {p['target']:.1f}%")
        box.metric(ui.tr(f"progress.{metric}"), value, delta=ui.tr(
            "progress.lead", lead=f"{p['lead_pts']:+.1f}") if p["lead_pts"] == p["lead_pts"]
            else None, help=ui.tr(f"progress.{metric}_help"))

st.subheader(ui.tr("progress.by_metric", unit=ui.md(unit)))
rows = view.metric_rows(table, data, level, org_id, lang)
st.dataframe(rows, hide_index=True, key="progress_metrics", column_config=cols,
             height=35 * len(rows) + 38)  # every metric in view, no inner scrolling

codes = [c for c in data.metrics.index if c in set(table["metric"])]
metric = st.selectbox(ui.tr("progress.metric"), codes, key="progress_metric",
                      format_func=lambda c: view.metric_name(data.metrics, c, lang))
name = view.metric_name(data.metrics, metric, lang)
if level != "manager":
    st.subheader(ui.tr("progress.ranked", unit=ui.md(unit), metric=ui.md(name)))
    below = "branch" if level == "bank" else "manager"
    st.dataframe(view.child_rows(table, data, level, org_id, metric, lang), hide_index=True,
                 key="progress_children", column_config=ui.progress_columns(
                     f"col.name.{below}", data.metrics.loc[metric, "unit"]))

st.subheader(ui.tr("progress.trend", unit=ui.md(unit), metric=ui.md(name)))
forecast = ui.progress_forecast(url, scope, version, level, org_id)
monthly, cumulative = view.trend_figures(data, level, org_id, metric, lang, forecast)
a, b = st.columns(2)
a.plotly_chart(monthly, key="progress_monthly")
b.plotly_chart(cumulative, key="progress_cumulative")
st.markdown(f"**{ui.tr('progress.forecast_title')}**")
rows = view.forecast_rows(forecast, data, lang)
st.dataframe(rows, hide_index=True, key="progress_forecast", column_config=cols,
             height=35 * len(rows) + 38)

st.subheader(ui.tr("progress.lags"))
st.caption(ui.tr("progress.lags_help", band=f"{bands()[1]:g}"))
if warnings.empty:
    st.success(ui.tr("progress.no_lags"))
else:
    st.warning("\n".join(f"- {line}" for line in view.lag_lines(warnings, data, lang)))
    st.caption(ui.tr("progress.lags_all", n=len(warnings)))
    st.dataframe(view.lag_rows(warnings, data, lang), hide_index=True, key="progress_lags",
                 column_config=cols)
