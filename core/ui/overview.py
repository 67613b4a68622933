"""The overview page's cached queries (scope is part of every cache key)."""
from __future__ import annotations

import streamlit as st

from core.db import get_engine
from core.grids import overview
from core.scope import Scope


@st.cache_data(ttl=600, show_spinner=False)
def headline(url: str, scope: Scope) -> overview.Headline:
    return overview.load_headline(get_engine(url), scope)


@st.cache_data(ttl=600, show_spinner=False)
def breakdown(url: str, scope: Scope):
    return overview.load_breakdown(get_engine(url), scope)

