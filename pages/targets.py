"""目标管理 / Targets: head office sets the bank's annual targets and splits them to branches;
a branch leader splits their branch's to managers; both to months; Excel in and out; every
change recorded. Head office also recomputes and imports actuals here."""
import pandas as pd
import streamlit as st

from core import config, ui

from core.performance import target_sheets as excel

from core.performance import progress_report as view
from core.performance.actuals import recompute_actuals
from core.db import get_engine, write_retrying
from core.performance.metrics import curve_for
from core.performance.targets import (METHODS, MONTH_METHODS, annual_targets, check_split,
                          save_split, split_to_months, target_history)

user = ui.page_user()
scope, url, lang = user.scope, config.database_url(), ui.lang()
engine, version = get_engine(url), ui.progress_version(url)
data = ui.progress_data(url, scope, version)
st.title(ui.tr("targets.title"))
st.caption(ui.tr(f"targets.caption.{scope.role}"))
year = int(st.number_input(ui.tr("targets.year"), 2000, 2100, data.year, key="targets_year"))
tabs = st.tabs([ui.tr(f"targets.tab.{k}") for k in ("split", "excel", "history", "actuals")
                if k != "actuals" or scope.role == "hq"])


def done(result_key: str, action, **shown) -> None:
    """Run a write; show its problems (nothing was written), a refusal, or its result."""
    with ui.user_errors():
        try:
            result = write_retrying(engine, lambda _: action())  # retried when busy
        except ui.ProblemError as exc:
            st.error(ui.tr("targets.problems") + "\n\n" + "\n".join(
                f"- {ui.md(p.text(lang))}" for p in exc.problems))
            return
        ui.saved()
        st.success(ui.tr(result_key, **{k: f(result) for k, f in shown.items()}))


with tabs[0]:
    metric = st.selectbox(ui.tr("targets.metric"), list(data.metrics.index), key="targets_metric",
                          format_func=lambda c: view.metric_name(data.metrics, c, lang))
    kind, unit = data.metrics.loc[metric, ["kind", "unit"]]
    label = view.unit_label(unit, lang)
    parent_level, parent_id = (("bank", int(data.orgs["org_id"].iloc[0])) if scope.role == "hq"
                               else ("branch", scope.branch_id))
    stored = annual_targets(engine, year, metric, parent_level, [parent_id]).fillna(0).iloc[0]
    if scope.role == "hq":
        shown = st.number_input(ui.tr("targets.bank_value", unit=label), min_value=0.0,
                                value=float(view.to_display(stored, unit)),
                                format="%.4f" if unit == "yuan" else "%.2f",
                                key=f"targets_bank_{metric}_{year}")
        stored = round(float(view.from_display(shown, unit)), 2 if unit == "pct" else 0)
    else:
        st.metric(ui.tr("targets.branch_value"), f"{view.to_display(stored, unit):,.2f} {label}")
    a, b = st.columns(2)
    method = a.selectbox(ui.tr("targets.method"), METHODS, key="targets_method",
                         format_func=lambda m: ui.tr(f"method.{m}"))
    months = b.segmented_control(ui.tr("targets.months"), MONTH_METHODS, default="seasonal",
                                 key="targets_months",
                                 format_func=lambda m: ui.tr(f"months.{m}")) or "seasonal"
    if kind != "flow":
        st.caption(ui.tr("targets.rate_note" if kind == "rate" else "targets.stock_note"))
    plan = ui.target_plan(url, version, year, metric, parent_level, parent_id, stored, method)
    frame = view.plan_frame(plan, unit)
    edited = st.data_editor(
        frame, hide_index=True, key=f"targets_editor_{metric}_{method}_{year}",
        disabled=[c for c in frame.columns if c != "target" or method != "manual"],
        column_config=ui.plan_columns(f"col.name.{'branch' if scope.role == 'hq' else 'manager'}",
                                      unit))
    targets = view.edited_targets(edited, unit)
    c1, c2 = st.columns(2)
    c1.metric(ui.tr("targets.sum"), f"{view.to_display(targets.sum(), unit):,.4f} {label}")
    if kind != "rate":
        c2.metric(ui.tr("targets.diff"),
                  f"{view.to_display(targets.sum() - stored, unit):+,.4f} {label}")
    problems = check_split(stored, targets, kind, unit, ui.tr("col.new_target"))
    if problems:
        st.error(ui.tr("targets.blocked") + "\n\n" + "\n".join(
            f"- {ui.md(p.text(lang))}" for p in problems))
    with st.expander(ui.tr("targets.months_title")):
        path = split_to_months(stored, kind, curve_for(metric, months), float(plan["base"].sum()))
        st.bar_chart(pd.Series(view.to_display(path, unit), index=[
            ui.tr("progress.month_n", month=m) for m in range(1, 13)]))
    if st.button(ui.tr("targets.save"), type="primary", disabled=bool(problems),
                 key="targets_save"):
        done("targets.saved", lambda: save_split(
            engine, user, year, metric, parent_level, parent_id, stored,
            plan.assign(target=targets.to_numpy()), months), n=str)

with tabs[1]:
    ui.logged_download(ui.tr("targets.download"), key="targets_download",
                       what="target_template", filters={"year": year},
                       build=lambda stamp: excel.target_template(engine, scope, year, stamp),
                       file_name=f"targets-{year}.xlsx")
    upload = st.file_uploader(ui.tr("targets.upload"), type=["xlsx"], key="targets_upload")
    if upload is not None and st.button(ui.tr("targets.import"), key="targets_import"):
        done("targets.imported", lambda: excel.import_targets(
            engine, user, upload.getvalue(), filename=upload.name), n=str)

with tabs[2]:
    history = target_history(engine, scope, year)
    if history.empty:
        st.info(ui.tr("targets.history_empty"))
    else:
        st.dataframe(view.history_rows(history, data, lang), hide_index=True,
                     key="targets_history", column_config=ui.progress_columns())

if scope.role == "hq":
    with tabs[3]:
        if st.button(ui.tr("targets.recompute"), key="targets_recompute"):
            done("targets.recomputed", lambda: recompute_actuals(engine, user),
                 rows=lambda r: f"{r.rows:,}", as_of=lambda r: r.as_of.isoformat(),
                 seconds=lambda r: f"{r.seconds:.1f}")
        last = data.as_of.month if data.as_of.year == year else 12
        ui.logged_download(ui.tr("targets.actual_download"), key="actuals_download",
                           what="actual_template", filters={"year": year, "months": last},
                           build=lambda stamp: excel.actual_template(engine, scope, year, last,
                                                                     stamp),
                           file_name=f"actuals-{year}.xlsx")
        upload = st.file_uploader(ui.tr("targets.actual_upload"), type=["xlsx"],
                                  key="actuals_upload")
        if upload is not None and st.button(ui.tr("targets.import"), key="actuals_import"):
            done("targets.actual_imported", lambda: excel.import_actuals(
                engine, user, upload.getvalue(), filename=upload.name), n=lambda n: f"{n:,}")
