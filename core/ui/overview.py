"""The overview page's cached queries (scope is part of every cache key) and its chart."""

from __future__ import annotations

import streamlit as st

from core.db import get_engine
from core.grids import overview
from core.grids.overview import breakdown_level  # noqa: F401  (the table's rows: re-exported)
from core.scope import Scope
from core.ui.frame import database_url, tr


def headline(scope: Scope) -> overview.Headline:
    """The scope's figures at the top of the overview (customers, rates, money, grids)."""
    return _headline(database_url(), scope)


@st.cache_data(ttl=600, show_spinner=False)
def _headline(url: str, scope: Scope) -> overview.Headline:
    return overview.load_headline(get_engine(url), scope)


def breakdown(scope: Scope):
    """The scope's figures one level down (``breakdown_level``), largest deposits first."""
    return _breakdown(database_url(), scope)


@st.cache_data(ttl=600, show_spinner=False)
def _breakdown(url: str, scope: Scope):
    return overview.load_breakdown(get_engine(url), scope)


def breakdown_chart(table):
    """Deposits and loans (万元) per row of ``breakdown``, as grouped bars."""
    labels = {c: tr(f"col.{c}") for c in ("deposits_wan", "loans_wan")} | {"unit": tr("unit.wan")}
    return overview.breakdown_chart(table, labels)
