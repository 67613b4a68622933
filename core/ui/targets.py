"""Glue of the targets page: the proposed split, the stored targets and their history, the
Excel templates, and the writes (a split, an import of targets or actuals, a recompute of
actuals), each retried when the database is busy and clearing the progress caches it
stales. A write that cannot be saved shows its problems and returns None."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.db import get_engine, write_retrying
from core.performance import sheet_imports
from core.performance import target_sheets as excel
from core.performance.actuals import recompute_actuals as _recompute_actuals
from core.performance.metrics import curve_for
from core.performance.progress_report import (  # noqa: F401
    edited_targets,
    from_display,
    history_rows,
    plan_frame,
    to_display,
)
from core.performance.targets import METHODS as SPLIT_METHODS  # noqa: F401  (re-exported)
from core.performance.targets import (  # noqa: F401
    MONTH_METHODS,
    annual_targets,
    propose_split,
    split_to_months,
    target_history,
)
from core.performance.targets import check_split as _check_split
from core.performance.targets import save_split as _save_split
from core.problems import ProblemError
from core.scope import Scope
from core.ui.downloads import logged_download
from core.ui.errors import show_problems
from core.ui.frame import database_url, engine, lang, tr
from core.ui.grids import map_changed
from core.ui.progress import bank_id, progress_changed, progress_columns, progress_version


@st.cache_data(ttl=600, show_spinner=False, max_entries=256)
def _target_plan(
    url: str,
    version: tuple,
    year: int,
    metric: str,
    parent_level: str,
    parent_id: int,
    parent_value: float,
    method: str,
):
    return propose_split(
        get_engine(url), year, metric, parent_level, parent_id, parent_value, method
    )


def target_plan(
    year: int, metric: str, parent_level: str, parent_id: int, parent_value: float, method: str
):
    """A proposed split of a parent's annual target (not saved)."""
    return _target_plan(
        database_url(),
        progress_version(),
        year,
        metric,
        parent_level,
        parent_id,
        parent_value,
        method,
    )


def targets_changed() -> None:
    """After targets or actuals are written: the progress caches, the proposed splits and
    the map's completion colours."""
    progress_changed()
    _target_plan.clear()
    map_changed()


def split_parent(scope: Scope, data) -> tuple[str, int]:
    """The unit whose target the scope splits: the bank (head office), or the branch."""
    return ("bank", bank_id(data)) if scope.role == "hq" else ("branch", scope.branch_id)


def annual_target(year: int, metric: str, level: str, org_id: int) -> float:
    """A unit's stored annual target (0 when none)."""
    return annual_targets(engine(), year, metric, level, [org_id]).fillna(0).iloc[0]


def stored_value(shown: float, unit: str) -> float:
    """A value typed in the shown unit (万元...) as stored: whole yuan or units, rates to
    0.01."""
    return round(float(from_display(shown, unit)), 2 if unit == "pct" else 0)


def check_split(parent: float, targets, kind: str, unit: str) -> list:
    """What forbids saving a split (``core.performance.targets.check_split``)."""
    return _check_split(parent, targets, kind, unit, tr("col.new_target"))


def month_path(annual: float, kind: str, unit: str, metric: str, months: str, plan) -> pd.Series:
    """The annual target split to months (``months``: seasonal or even), in the shown
    unit, indexed by month names."""
    path = split_to_months(annual, kind, curve_for(metric, months), float(plan["base"].sum()))
    return pd.Series(
        to_display(path, unit), index=[tr("progress.month_n", month=m) for m in range(1, 13)]
    )


def plan_columns(name_key: str, unit: str) -> dict:
    """The split editor's columns: only the new target is editable (manual method); money
    to 4 decimals of 万元 (whole yuan)."""
    cols = progress_columns(name_key)
    cols["target"] = st.column_config.NumberColumn(
        f"{tr('col.new_target')}({tr('unit.' + unit)})",
        format="%,.4f" if unit == "yuan" else "%,.2f",
        step={"yuan": 0.0001, "count": 1.0, "pct": 0.01}[unit],
    )
    return cols


def history_table(scope: Scope, year: int, data) -> pd.DataFrame:
    """The newest target changes the scope may see, as shown (empty when none)."""
    history = target_history(engine(), scope, year)
    return history if history.empty else history_rows(history, data, lang())


# ---- writes -------------------------------------------------------------------------------


def _write(action):
    """Run a write (retried when busy); its problems shown (nothing written): None."""
    try:
        result = write_retrying(engine(), action)
    except ProblemError as exc:
        show_problems(exc.problems, "targets.problems")
        return None
    targets_changed()
    return result


def save_split(
    user,
    year: int,
    metric: str,
    parent_level: str,
    parent_id: int,
    parent_value: float,
    plan,
    targets,
    months: str,
) -> int | None:
    """Save a parent's target and the split ``targets`` of ``plan``'s units, each to
    months; the cells changed."""
    children = plan.assign(target=targets.to_numpy())
    return _write(
        lambda e: _save_split(
            e, user, year, metric, parent_level, parent_id, parent_value, children, months
        )
    )


def import_targets(user, upload) -> int | None:
    """Check and write an uploaded target workbook; the cells changed."""
    return _write(
        lambda e: sheet_imports.import_targets(e, user, upload.getvalue(), filename=upload.name)
    )


def recompute_actuals(user):
    """Recompute every computed actual of this year (head office); rows, as-of, seconds."""
    return _write(lambda e: _recompute_actuals(e, user))


def import_actuals(user, upload) -> int | None:
    """Check and write an uploaded actuals workbook (head office); the rows written."""
    return _write(
        lambda e: sheet_imports.import_actuals(e, user, upload.getvalue(), filename=upload.name)
    )


# ---- Excel templates ----------------------------------------------------------------------


def target_template_download(scope: Scope, year: int) -> None:
    """The download of the scope's target template of ``year`` (logged when clicked)."""
    eng = engine()
    logged_download(
        tr("targets.download"),
        key="targets_download",
        what="target_template",
        filters={"year": year},
        build=lambda stamp: excel.target_template(eng, scope, year, stamp),
        file_name=f"targets-{year}.xlsx",
    )


def actual_template_download(scope: Scope, year: int, months: int) -> None:
    """The download of the actuals template of ``year``'s first ``months`` months."""
    eng = engine()
    logged_download(
        tr("targets.actual_download"),
        key="actuals_download",
        what="actual_template",
        filters={"year": year, "months": months},
        build=lambda stamp: excel.actual_template(eng, scope, year, months, stamp),
        file_name=f"actuals-{year}.xlsx",
    )
