"""Glue of the progress and targets pages: cached targets and actuals keyed by the data
version, and the tables' column formats."""
from __future__ import annotations

import streamlit as st

from core.db import get_engine
from core.scope import Scope
from core.ui.frame import tr


@st.cache_data(ttl=60, show_spinner=False)
def progress_version(url: str) -> tuple:
    from core.performance.progress import data_version

    return data_version(get_engine(url))


@st.cache_data(ttl=600, show_spinner=False, max_entries=64)
def progress_data(url: str, scope: Scope, version: tuple):
    """The scope's targets and actuals (small tables: ~100 units x 15 metrics x 13 months)."""
    from core.performance.progress import load_progress

    return load_progress(get_engine(url), scope)


@st.cache_data(ttl=600, show_spinner=False, max_entries=128)
def progress_tables(url: str, scope: Scope, version: tuple, period: str):
    """Every unit and metric of the scope in ``period``, and the lag warnings."""
    from core.performance.progress import lag_warnings, progress_table

    table = progress_table(progress_data(url, scope, version), period)
    return table, lag_warnings(table)


@st.cache_data(ttl=600, show_spinner=False, max_entries=256)
def progress_forecast(url: str, scope: Scope, version: tuple, level: str, org_id: int):
    """The run-rate forecast of one unit of the scope, every metric."""
    from core.performance.progress import forecast_table

    return forecast_table(progress_data(url, scope, version), level, org_id)


@st.cache_data(ttl=600, show_spinner=False, max_entries=256)
def target_plan(url: str, version: tuple, year: int, metric: str, parent_level: str,
                parent_id: int, parent_value: float, method: str):
    """A proposed split of a parent's annual target (not saved)."""
    from core.performance.targets import propose_split

    return propose_split(get_engine(url), year, metric, parent_level, parent_id, parent_value,
                         method)


PROGRESS_FORMATS = {"target": "%,.2f", "actual": "%,.2f", "completion_pct": "%.1f",
                    "time_pct": "%.1f", "gap": "%,.2f", "rank": "%d", "behind_pts": "%.1f",
                    "behind": "%,.2f", "year_end": "%,.2f", "pct": "%.1f", "last_year": "%,.2f",
                    "current": "%,.2f", "weight": "%.2f", "old": "%,.2f", "new": "%,.2f"}
PROGRESS_LABELS = {"pct": "col.forecast_pct", "target": "col.target"}


UNIT_FORMATS = {"yuan": "%,.2f", "count": "%,.0f", "pct": "%.2f"}


def progress_columns(name_key: str = "col.metric", unit: str | None = None) -> dict:
    """Column labels and number formats of the progress and targets tables (1 decimal for
    percentages, thousands separators for amounts; ``unit`` formats a one-metric table's
    amounts; tables mixing units get them as text)."""
    formats = PROGRESS_FORMATS | ({c: UNIT_FORMATS[unit] for c in ("target", "actual", "gap")}
                                  if unit else {})
    config_ = {c: st.column_config.NumberColumn(tr(PROGRESS_LABELS.get(c, f"col.{c}")),
                                                format=f)
               for c, f in formats.items()}
    if unit is None:
        config_ |= {c: st.column_config.TextColumn(tr(f"col.{c}"))
                    for c in ("target", "actual", "gap", "behind", "year_end", "old", "new",
                              "completion_pct", "time_pct", "rank")}
    config_ |= {c: st.column_config.TextColumn(tr(f"col.{c}"))
                for c in ("unit", "status", "who", "metric", "miss", "user", "org", "month",
                          "source")}
    config_["at"] = st.column_config.DatetimeColumn(tr("col.at"), format="YYYY-MM-DD HH:mm")
    return config_ | {"name": st.column_config.TextColumn(tr(name_key))}


def plan_columns(name_key: str, unit: str) -> dict:
    """The split editor's columns: only the new target is editable (manual method); money
    to 4 decimals of 万元 (whole yuan)."""
    cols = progress_columns(name_key)
    cols["target"] = st.column_config.NumberColumn(
        f"{tr('col.new_target')}({tr('unit.' + unit)})",
        format="%,.4f" if unit == "yuan" else "%,.2f",
        step={"yuan": 0.0001, "count": 1.0, "pct": 0.01}[unit])
    return cols


def saved() -> None:
    """After a write: every cached figure may be stale."""
    st.cache_data.clear()
