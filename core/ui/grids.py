"""Glue of the map and grid pages: cached map layers and cards, reviewing a grid change."""
from __future__ import annotations

import streamlit as st

from core import config

from core.access import auth

from core.grids import map_data as gridmap
from core.performance.progress import MAP_METRIC, year_completion
from core.db import get_engine, write_retrying
from core.scope import Scope
from core.ui.frame import md, tr
from core.ui.errors import problem_text, user_errors


@st.cache_data(ttl=600, show_spinner=False, max_entries=32)
def map_data(url: str, scope: Scope, version: int) -> gridmap.MapData:
    """The scope's grids, figures, outlets and customers, once for every metric; ``version``
    (grids changed) is part of the key."""
    engine = get_engine(url)
    return gridmap.load_map_data(engine, scope, year_completion(engine, MAP_METRIC))


@st.cache_data(ttl=600, show_spinner=False, max_entries=64)
def map_layers(url: str, scope: Scope, metric: str, version: int) -> gridmap.MapLayers:
    """The scope's map coloured by ``metric`` (switching metric queries nothing)."""
    return gridmap.colour(map_data(url, scope, version), metric)


@st.cache_data(ttl=60, show_spinner=False)
def grid_version(url: str) -> int:
    return gridmap.grid_version(get_engine(url))


@st.cache_data(ttl=600, show_spinner=False, max_entries=256)
def grid_card(url: str, scope: Scope, grid_id: int, version: int) -> dict | None:
    from core.grids.queries import grid_card as load

    return load(get_engine(url), scope, grid_id)



def grid_map(url: str, scope: Scope, metric: str, version: int, tiles: str):
    """The folium map of the scope. Built anew on every run on purpose: streamlit-folium
    rewrites a map's element ids while rendering it, so a cached map object would render a
    different script the second time and remount (losing the click); a fresh map renders
    the same script every time."""
    return folium_grid_map(map_layers(url, scope, metric, version), tiles)


def folium_grid_map(layers, tiles: str | None = None):
    """The folium map of coloured layers (``core.grids.map_data.MapLayers``), tiles as set."""
    from geo.mapview import build_grid_map

    return build_grid_map(layers.level1, layers.level2, layers.outlets, layers.customers,
                          colors1=list(layers.level1["color"]),
                          colors2=list(layers.level2["color"]),
                          tiles=config.get("GM_MAP_TILES") if tiles is None else tiles,
                          tiles_key=config.get("GM_TIANDITU_KEY"),
                          label_level2=len(layers.level2) <= 40)


@st.cache_data(ttl=600, show_spinner=False, max_entries=64)
def grids_of_scope(url: str, scope: Scope, level: int, version: int):
    """The scope's grids of one level (without geometry), for pickers."""
    from core.grids.queries import load_grids

    return load_grids(get_engine(url), scope, level).drop(columns="geometry")


# ---- reviewing a grid change before it is applied -------------------------------------

def propose_change(change) -> None:
    """Put a change up for review (the grid page shows it with ``review_change``)."""
    st.session_state["grid_change"] = change


def review_change(user: auth.SignedIn) -> None:
    """Show the pending change: its problems, or its impact and an Apply button."""
    from core.grids import changes as grid_changes

    change = st.session_state.get("grid_change")
    if change is None:
        return
    engine = get_engine(config.database_url())
    st.subheader(tr("grids.change_title"))
    st.caption(tr("grids.change_grids", n=len(change.grids)))
    problems = grid_changes.check_change(engine, change)
    impact = None
    if problems:
        st.error(tr("grids.problems") + "\n\n" + "\n".join(
            f"- {md(problem_text(p))}"
            for p in problems))
    else:
        with user_errors():
            impact = grid_changes.preview(engine, change, user)
        if impact is None:  # refused or failed (said so): drop it, no Apply button
            st.session_state["grid_change"] = None
            return
        cols = st.columns(5)
        cols[0].metric(tr("grids.impact_customers"), f"{impact.customers:,}")
        cols[1].metric(tr("grids.impact_deposits"), f"{impact.deposits / 1e4:,.2f}")
        cols[2].metric(tr("grids.impact_households"), f"{impact.households:,}")
        cols[3].metric(tr("grids.impact_branch"), f"{impact.branch_moves:,}")
        cols[4].metric(tr("grids.impact_blind"),
                       f"{impact.blind_spots_before:,} → {impact.blind_spots_after:,}")
    apply_col, cancel_col = st.columns([1, 5])
    if not problems and apply_col.button(tr("grids.confirm"), type="primary",
                                         key="grid_change_apply"):
        with user_errors():
            version = write_retrying(engine, lambda e: grid_changes.apply(e, change, user))
            moved = grid_changes.versions(engine).set_index("id").loc[version,
                                                                      "customers_moved"]
            st.session_state["grid_change"] = None
            st.cache_data.clear()
            st.success(tr("grids.applied", version=version, moved=f"{moved:,}"))
    elif cancel_col.button(tr("grids.cancel"), key="grid_change_cancel"):
        st.session_state["grid_change"] = None
        st.rerun()



@st.cache_data(ttl=600, show_spinner=False)
def county_proposals(url: str, version: int):
    """Balance of a level-2 proposal for every branch (computed, not applied)."""
    from core.grids.proposals import county_level2

    return county_level2(get_engine(url))
