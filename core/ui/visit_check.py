"""Glue of the visit checks page (走访核查): the doubtful visits per manager, and every
grid coloured by visit coverage."""

from __future__ import annotations

from datetime import date

import streamlit as st

from core import config
from core.db import get_engine
from core.grids.map_data import colour_by
from core.scope import Scope
from core.ui.frame import database_url, engine, lang, md, tr
from core.ui.grids import legend_html, map_data
from core.ui.sidebar import org_name
from core.visits.authenticity import flag_texts
from core.visits.visit_log import coverage_by_grid, flags_by_manager, scope_visits


def check_caption(scope: Scope) -> str:
    """What the page checks, for whom, with today's limits (distance and speed)."""
    return tr(
        "check.caption",
        org=md(org_name(scope)),
        limit=f"{config.get('GM_CHECKIN_MAX_M'):g}",
        speed=f"{config.get('GM_MAX_SPEED_KMH'):g}",
    )


@st.cache_data(ttl=300, show_spinner=False)
def _visit_checks(url: str, scope: Scope, since: date):
    visits = scope_visits(get_engine(url), scope, since)
    if visits.empty:
        return visits, visits
    return flags_by_manager(visits)


def visit_checks(scope: Scope, since: date):
    """Flags and the per-manager summary of the scope's visits since ``since``."""
    return _visit_checks(database_url(), scope, since)


def clear_visit_checks() -> None:
    """Forget the cached checks (a visit was logged)."""
    _visit_checks.clear()


def flag_details(flags) -> list[str]:
    """Each flag's message (``visit_checks``' flags: key and values) in the session's
    language."""
    return flag_texts(flags, lang())


def coverage_map(scope: Scope, since: date):
    """The scope's grids coloured by visit coverage (share of customers visited), and the
    coverage per grid."""
    data = map_data(scope)
    cov = coverage_by_grid(engine(), scope, since).set_index("grid_id")
    return colour_by(data, {2: cov["coverage_pct"]}, customers=False), cov


def coverage_legend(layers, days: int) -> str:
    """The coverage map's legend: a colour chip per class with its lower bound (HTML)."""
    return legend_html(tr("check.coverage_legend", days=days), layers.edges, ".0f", "%")
