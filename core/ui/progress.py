"""Glue of the progress page, and what the targets page shares with it: the scope's targets
and actuals cached by the data version, the drill-down, the tables and figures in the
session's language, and the tables' column formats."""

from __future__ import annotations

import streamlit as st

from core.db import get_engine
from core.format import pct
from core.performance import progress_report as report
from core.performance.progress import (  # noqa: F401  (re-exported)
    PERIODS,
    bands,
    data_version,
    forecast_table,
    lag_warnings,
    load_progress,
    progress_table,
    time_progress,
)
from core.performance.progress_report import process_indicators  # noqa: F401  (re-exported)
from core.scope import Scope
from core.ui.frame import database_url, lang, tr


@st.cache_data(ttl=60, show_spinner=False)
def _progress_version(url: str) -> tuple:
    return data_version(get_engine(url))


def progress_version() -> tuple:
    """Changes whenever targets are saved or actuals computed (part of the keys below)."""
    return _progress_version(database_url())


@st.cache_data(ttl=600, show_spinner=False, max_entries=64)
def _progress_data(url: str, scope: Scope, version: tuple):
    return load_progress(get_engine(url), scope)


def progress_data(scope: Scope):
    """The scope's targets and actuals (small tables: ~100 units x 15 metrics x 13 months)."""
    return _progress_data(database_url(), scope, progress_version())


@st.cache_data(ttl=600, show_spinner=False, max_entries=128)
def _progress_tables(url: str, scope: Scope, version: tuple, period: str):
    table = progress_table(_progress_data(url, scope, version), period)
    return table, lag_warnings(table)


def progress_tables(scope: Scope, period: str):
    """Every unit and metric of the scope in ``period``, and the lag warnings."""
    return _progress_tables(database_url(), scope, progress_version(), period)


@st.cache_data(ttl=600, show_spinner=False, max_entries=256)
def _progress_forecast(url: str, scope: Scope, version: tuple, level: str, org_id: int):
    return forecast_table(_progress_data(url, scope, version), level, org_id)


def progress_forecast(scope: Scope, level: str, org_id: int):
    """The run-rate forecast of one unit of the scope, every metric."""
    return _progress_forecast(database_url(), scope, progress_version(), level, org_id)


def progress_changed() -> None:
    """After targets or actuals are written: every cache of the progress page."""
    for cached in (_progress_version, _progress_data, _progress_tables, _progress_forecast):
        cached.clear()


# ---- the progress page --------------------------------------------------------------------


def time_progress_pcts(as_of) -> dict[str, str]:
    """Time progress (序时进度) of each period at ``as_of``, as percentages."""
    return {p: pct(time_progress(as_of, p)) for p in PERIODS}


def bank_id(data) -> int:
    """The bank's org id (the top unit of head office's drill-down)."""
    return int(data.orgs["org_id"].iloc[0])


def progress_unit(scope: Scope, data, branch_col, manager_col) -> tuple[str, int]:
    """The drill-down, bank -> branch -> manager as far as the scope reaches (a branch picker
    in ``branch_col`` for head office, a manager picker in ``manager_col`` at a branch);
    returns the unit shown: (level, org id)."""
    orgs = data.orgs
    if scope.role == "hq":
        level, org_id = "bank", bank_id(data)
    elif scope.role == "branch":
        level, org_id = "branch", scope.branch_id
    else:
        level, org_id = "manager", scope.manager_id
    if scope.role == "hq":
        branches = orgs[orgs["org_level"] == "branch"]
        branch_names = dict(zip(branches["org_id"], branches["name"], strict=False))
        branch = branch_col.selectbox(
            tr("progress.branch"),
            [None, *branch_names],
            key="progress_branch",
            format_func=lambda b: tr("progress.all") if b is None else branch_names[b],
        )
        if branch is not None:
            level, org_id = "branch", int(branch)
    if level == "branch":
        staff = orgs[(orgs["org_level"] == "manager") & (orgs["branch_id"] == org_id)]
        staff_names = dict(zip(staff["org_id"], staff["name"], strict=False))
        manager = manager_col.selectbox(
            tr("progress.manager"),
            [None, *staff_names],
            key="progress_manager",
            format_func=lambda m: tr("progress.all") if m is None else staff_names[m],
        )
        if manager is not None:
            level, org_id = "manager", int(manager)
    return level, org_id


def unit_name(data, level: str, org_id: int) -> str:
    """The unit's name (the bank, a branch, a manager)."""
    return report.unit_name(data, level, org_id, lang())


def unit_label(unit: str) -> str:
    """A metric unit as shown (万元, 个, %)."""
    return report.unit_label(unit, lang())


def metric_name(metrics, code: str) -> str:
    """A metric's name from the catalogue ``metrics``."""
    return report.metric_name(metrics, code, lang())


def metric_rows(table, data, level: str, org_id: int):
    """One unit, every metric with a target (in catalogue order)."""
    return report.metric_rows(table, data, level, org_id, lang())


def child_rows(table, data, level: str, org_id: int, metric: str):
    """The units one level below ``level``/``org_id`` for one metric, best first."""
    return report.child_rows(table, data, level, org_id, metric, lang())


def trend_figures(data, level: str, org_id: int, metric: str, forecast):
    """The monthly and the cumulative figure of one unit's metric, with the forecast."""
    return report.trend_figures(data, level, org_id, metric, lang(), forecast)


def forecast_rows(forecast, data):
    """The run-rate forecast per metric of one unit, with the month a target is missed."""
    return report.forecast_rows(forecast, data, lang())


def lag_lines(warnings, data) -> list[str]:
    """The furthest-behind warnings as Markdown sentences (names escaped)."""
    return report.lag_lines(warnings, data, lang())


def lag_rows(warnings, data):
    """Every lag warning as a table row."""
    return report.lag_rows(warnings, data, lang())


# ---- the tables' columns ------------------------------------------------------------------

PROGRESS_FORMATS = {
    "target": "%,.2f",
    "actual": "%,.2f",
    "completion_pct": "%.1f",
    "time_pct": "%.1f",
    "gap": "%,.2f",
    "rank": "%d",
    "behind_pts": "%.1f",
    "behind": "%,.2f",
    "year_end": "%,.2f",
    "pct": "%.1f",
    "last_year": "%,.2f",
    "current": "%,.2f",
    "weight": "%.2f",
    "old": "%,.2f",
    "new": "%,.2f",
}
PROGRESS_LABELS = {"pct": "col.forecast_pct", "target": "col.target"}


UNIT_FORMATS = {"yuan": "%,.2f", "count": "%,.0f", "pct": "%.2f"}


def progress_columns(name_key: str = "col.metric", unit: str | None = None) -> dict:
    """Column labels and number formats of the progress and targets tables (1 decimal for
    percentages, thousands separators for amounts; ``unit`` formats a one-metric table's
    amounts; tables mixing units get them as text)."""
    formats = PROGRESS_FORMATS | (
        {c: UNIT_FORMATS[unit] for c in ("target", "actual", "gap")} if unit else {}
    )
    config_ = {
        c: st.column_config.NumberColumn(tr(PROGRESS_LABELS.get(c, f"col.{c}")), format=f)
        for c, f in formats.items()
    }
    if unit is None:
        config_ |= {
            c: st.column_config.TextColumn(tr(f"col.{c}"))
            for c in (
                "target",
                "actual",
                "gap",
                "behind",
                "year_end",
                "old",
                "new",
                "completion_pct",
                "time_pct",
                "rank",
            )
        }
    config_ |= {
        c: st.column_config.TextColumn(tr(f"col.{c}"))
        for c in ("unit", "status", "who", "metric", "miss", "user", "org", "month", "source")
    }
    config_["at"] = st.column_config.DatetimeColumn(tr("col.at"), format="YYYY-MM-DD HH:mm")
    return config_ | {"name": st.column_config.TextColumn(tr(name_key))}
