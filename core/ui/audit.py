"""Glue of the 四定 audit page: the checks of ``core.grids.audit`` cached by scope and grid
version and labelled in the session's language, and the tables that lead to the map."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from core.db import get_engine
from core.format import pct
from core.grids import audit, review
from core.scope import Scope
from core.ui.frame import database_url, tr
from core.ui.grids import grid_version

AUDIT_MIN_AREA_KM2 = audit.MIN_AREA_KM2  # smaller gaps and overlaps are noise, not findings
_FORMATS = {
    "customers": "localized",
    "in_grid": "localized",
    "residents": "localized",
    "posts": "%d",
    "liaisons": "%d",
    "grids": "%d",
    "deposits_wan": "%.2f",
    "area_km2": "%.3f",
    "outside_km2": "%.3f",
    "lon": "%.5f",
    "lat": "%.5f",
}


@dataclass
class AuditFindings:
    """The scope's 四定 checks, ready to show (labels in the session's language)."""

    summary: dict[str, int]  # the counts at the top of the page
    blind: pd.DataFrame  # villages whose customers lie in no grid
    coverage: pd.DataFrame  # gaps and overlaps
    outside: pd.DataFrame  # level-2 grids sticking out of their parent
    staffing: pd.DataFrame  # grids missing a post or with too few / many liaisons
    to_review: pd.DataFrame  # first grids a load made from a proposal, not yet revised
    mismatches: pd.DataFrame  # customers whose core-system manager is not post A


@st.cache_data(ttl=600, show_spinner=False, max_entries=64)
def _check(name: str, url: str, scope: Scope, version: int) -> pd.DataFrame:
    """One audit check of core.grids.audit (or .review); ``version`` (grids changed) is
    part of the key."""
    module = review if hasattr(review, name) else audit
    return getattr(module, name)(get_engine(url), scope)


def audit_findings(scope: Scope) -> AuditFindings:
    """The scope's blind spots, coverage problems, grids outside their parent and staffing
    gaps, with their counts."""
    url, version = database_url(), grid_version()
    blind, coverage, outside, staffing = (
        _check(name, url, scope, version)
        for name in (
            "blind_spots_by_village",
            "coverage_problems",
            "outside_parent",
            "staffing_gaps",
        )
    )
    to_review = _check("first_grids_to_review", url, scope, version)
    mismatches = _check("manager_mismatches", url, scope, version)
    summary = audit.summarize(blind, coverage, outside, staffing)
    if len(to_review):
        summary["to_review"] = len(to_review)
    if len(mismatches):
        summary["manager_mismatch"] = int(mismatches["customers"].sum())
    return AuditFindings(
        summary,
        blind.assign(village=blind["village"].fillna(tr("audit.unknown_village"))),
        coverage.assign(
            level=coverage["level"].map(lambda n: tr(f"audit.level{n}")),
            kind=coverage["kind"].map(lambda k: tr(f"audit.kind.{k}")),
        ),
        outside,
        staffing.assign(problem=staffing["problem"].map(lambda p: tr(f"audit.problem.{p}"))),
        to_review.assign(
            level=to_review["level"].map(lambda n: tr(f"audit.level{n}")),
            branch=to_review["branch"].fillna(tr("audit.whole_bank")),
            created_at=pd.to_datetime(to_review["created_at"]).dt.strftime("%Y-%m-%d %H:%M"),
        ),
        mismatches,
    )


@st.cache_data(ttl=600, show_spinner=False, max_entries=64)
def _rate(url: str, scope: Scope, version: int, by: str) -> pd.DataFrame:
    return audit.in_grid_rate(get_engine(url), scope, by)


def in_grid_rates(scope: Scope, by: str) -> pd.DataFrame:
    """入格率 and 建档率 of the scope by ``"grid"`` or by ``"village"``."""
    rates = _rate(database_url(), scope, grid_version(), by)
    if by == "village":
        rates = rates.assign(village=rates["village"].fillna(tr("audit.unknown_village")))
    return rates


def overall_in_grid_rate(rates: pd.DataFrame) -> str:
    """The share of customers in a grid over the rows of ``in_grid_rates``, as a percentage."""
    in_grid, total = rates["in_grid"].sum(), rates["customers"].sum()
    return pct(in_grid / total) if total else "-"


def finding_table(df: pd.DataFrame, key: str, columns: dict[str, str]) -> None:
    """A selectable table of findings (``columns``: column -> i18n key of its label); a
    selected row with a grid leads to that grid on the map."""
    if df.empty:
        st.success(tr("audit.none"))
        return
    config_ = {
        c: st.column_config.NumberColumn(tr(label), format=_FORMATS.get(c, "%.1f"))
        if pd.api.types.is_numeric_dtype(df[c])
        else st.column_config.TextColumn(tr(label))
        for c, label in columns.items()
    }
    event = st.dataframe(
        df,
        key=key,
        hide_index=True,
        on_select="rerun",
        selection_mode="single-row",
        column_order=list(columns),
        column_config=config_,
    )
    rows = event.selection.rows
    grid_id = df.iloc[rows[0]].get("grid_id") if rows and rows[0] < len(df) else None
    if (
        grid_id is not None
        and pd.notna(grid_id)
        and st.button(tr("audit.show_on_map"), key=f"{key}_map", icon=":material/map:")
    ):
        st.session_state["map_grid"] = int(grid_id)
        st.switch_page("pages/map.py")
