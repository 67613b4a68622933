"""Glue of the map and grid-management pages: the grids' version, cached map layers and cards,
the map's legend and clicks, and grid changes from a file, a drawing, a proposal or an old
version, reviewed before they are applied."""

from __future__ import annotations

import streamlit as st

from core import config
from core.access import auth
from core.db import get_engine, write_retrying
from core.escape import html as escape_html
from core.format import wan
from core.grids import changes as grid_changes
from core.grids import map_data as gridmap
from core.grids import proposals
from core.grids.queries import METRICS, load_grids
from core.grids.queries import grid_card as load_grid_card
from core.performance.progress import MAP_METRIC, year_completion
from core.problems import ProblemError
from core.scope import Scope
from core.territory import reference_layer as load_reference
from core.territory import service_area, territory_version
from core.ui.errors import problem_text, user_errors
from core.ui.frame import database_url, engine, md, tr
from geo.crs import CRS_LABELS, SUPPORTED_CRS  # noqa: F401  (the grid page's CRS choice)
from geo.io import read_polygons
from geo.mapview import PALETTE, build_draw_map, build_grid_map, drawn_polygon, grid_frame
from geo.reference_layer import Reference

MAP_METRICS = METRICS  # what the map can be coloured by


def grid_version() -> int:
    """A number that changes whenever grids change (part of every grid cache key)."""
    return _grid_version(database_url())


@st.cache_data(ttl=60, show_spinner=False)
def _grid_version(url: str) -> int:
    return gridmap.grid_version(get_engine(url))


# ---- the map ---------------------------------------------------------------------------


def reference_layer() -> Reference:
    """The townships and villages every map draws under its grids, simplified once per
    change of the territory, with the texts of the user's language."""
    ref = _reference(database_url(), _territory_version(database_url()))
    return ref.with_texts(tr("territory.layer"), tr("territory.illustrative"), tr("territory.note"))


@st.cache_data(ttl=60, show_spinner=False)
def _territory_version(url: str) -> tuple:
    return territory_version(get_engine(url))


@st.cache_data(ttl=3600, show_spinner=False, max_entries=4)
def _reference(url: str, version: tuple) -> Reference:
    return load_reference(get_engine(url))


def map_data(scope: Scope) -> gridmap.MapData:
    """The scope's grids, figures, outlets and customers, once for every metric."""
    return _map_data(database_url(), scope, grid_version())


@st.cache_data(ttl=600, show_spinner=False, max_entries=32)
def _map_data(url: str, scope: Scope, version: int) -> gridmap.MapData:
    engine_ = get_engine(url)
    return gridmap.load_map_data(engine_, scope, year_completion(engine_, MAP_METRIC))


def map_changed() -> None:
    """Forget the cached maps (their completion colours follow targets and actuals)."""
    _map_data.clear()
    _map_layers.clear()


def map_layers(scope: Scope, metric: str) -> gridmap.MapLayers:
    """The scope's map coloured by ``metric`` (switching metric queries nothing)."""
    return _map_layers(database_url(), scope, metric, grid_version())


@st.cache_data(ttl=600, show_spinner=False, max_entries=64)
def _map_layers(url: str, scope: Scope, metric: str, version: int) -> gridmap.MapLayers:
    return gridmap.colour(_map_data(url, scope, version), metric)


def grid_map(scope: Scope, metric: str):
    """The folium map of the scope. Built anew on every run on purpose: streamlit-folium
    rewrites a map's element ids while rendering it, so a cached map object would render a
    different script the second time and remount (losing the click); a fresh map renders
    the same script every time."""
    return folium_grid_map(map_layers(scope, metric), reference=reference_layer())


def folium_grid_map(layers, tiles: str | None = None, reference: Reference | None = None):
    """The folium map of coloured layers (``core.grids.map_data.MapLayers``), tiles as set,
    the territory (``reference_layer()``) under the grids when given."""
    return build_grid_map(
        layers.level1,
        layers.level2,
        layers.outlets,
        layers.customers,
        colors1=list(layers.level1["color"]),
        colors2=list(layers.level2["color"]),
        tiles=config.get("GM_MAP_TILES") if tiles is None else tiles,
        tiles_key=config.get("GM_TIANDITU_KEY"),
        reference=reference,
    )


def legend_html(title: str, edges, number_format: str = ",.0f", unit: str = "") -> str:
    """A map legend as HTML: the title (escaped), then a colour chip per class with its lower
    bound (the palette has more colours than a map may have classes)."""
    chips = " ".join(
        f'<span style="background:{c};padding:0 10px">&nbsp;</span> {e:{number_format}}{unit}'
        for c, e in zip(PALETTE, edges, strict=False)
    )
    return f"{escape_html(title)} {chips}"


def show_map_legend(layers: gridmap.MapLayers, metric: str) -> None:
    """The colour classes of the level-2 grids and how customers are drawn, as captions."""
    title = tr("map.legend", metric=tr(f"map.metric.{metric}"))
    st.caption(legend_html(title, layers.edges), unsafe_allow_html=True)
    st.caption(tr("map.customers_heat" if "count" in layers.customers else "map.customers_points"))


def remember_clicked_grid(layers: gridmap.MapLayers, clicked: dict | None) -> None:
    """Make the grid a map click (``st_folium``'s answer) hit the one whose card is shown."""
    clicked = clicked or {}
    feature = (clicked.get("last_active_drawing") or {}).get("properties") or {}
    point = clicked.get("last_object_clicked")
    if feature.get("id"):  # a grid polygon was clicked: its id came along
        st.session_state["map_grid"] = int(feature["id"])
    elif point:  # something else (an outlet, a label): the grid under the click
        st.session_state["map_grid"] = gridmap.grid_at(layers, point["lng"], point["lat"])


@st.cache_data(ttl=600, show_spinner=False, max_entries=256)
def _grid_card(url: str, scope: Scope, grid_id: int, version: int) -> dict | None:
    return load_grid_card(get_engine(url), scope, grid_id)


def show_grid_card(scope: Scope, grid_id: int | None) -> bool:
    """The grid's card (posts, figures, liaisons, opportunities); False when there is none
    to show (no grid clicked, or one outside the scope)."""
    card = _grid_card(database_url(), scope, grid_id, grid_version()) if grid_id else None
    if card is None:
        return False
    g, f = card["grid"], card["figures"]
    st.subheader(md(g["name"]))
    st.caption(f"{tr('card.level' + str(g['level']))} · {tr('card.branch')} {md(g['branch'])}")
    none = tr("card.none")
    st.markdown(
        f"**{tr('card.manager_a')}** {md(g['manager_a'] or none)}  \n"
        f"**{tr('card.manager_b')}** {md(g['manager_b'] or none)}"
    )
    st.markdown(
        f"| | |\n|---|---:|\n"
        f"| {tr('card.households')} | {g['households']:,} |\n"
        f"| {tr('card.customers')} | {f['customers']:,} |\n"
        f"| {tr('card.deposits')} | {wan(f['deposits'])} |\n"
        f"| {tr('card.other_bank')} | {wan(f['other_bank'])} |"
    )
    st.markdown(f"**{tr('card.liaisons')}**")
    st.dataframe(
        card["liaisons"],
        hide_index=True,
        column_config={
            "name": tr("col.liaison_name"),
            "role": tr("col.liaison_role"),
            "phone": tr("col.phone"),
        },
    )
    st.markdown(f"**{tr('card.opportunities')}**")
    opp = card["opportunities"]
    st.dataframe(
        opp.assign(
            deposit_balance=opp["deposit_balance"] / 1e4,
            other_bank_deposit=opp["other_bank_deposit"] / 1e4,
        ),
        hide_index=True,
        column_order=["name", "deposit_balance", "other_bank_deposit"],
        column_config={
            "name": tr("col.customer"),
            "deposit_balance": st.column_config.NumberColumn(tr("col.deposit_wan"), format="%.2f"),
            "other_bank_deposit": st.column_config.NumberColumn(
                tr("col.other_bank_wan"), format="%.2f"
            ),
        },
    )
    return True


def grid_labels(scope: Scope, level: int) -> dict[int, str]:
    """The scope's grids of one level for a picker: id -> "name · branch"."""
    grids = _grids_of_scope(database_url(), scope, level, grid_version())
    return {int(g.id): f"{g.name} · {g.branch}" for g in grids.itertuples()}


@st.cache_data(ttl=600, show_spinner=False, max_entries=64)
def _grids_of_scope(url: str, scope: Scope, level: int, version: int):
    return load_grids(get_engine(url), scope, level).drop(columns="geometry")


# ---- proposing a grid change -------------------------------------------------------------


def propose_change(change) -> None:
    """Put a change up for review (the grid page shows it with ``review_change``)."""
    st.session_state["grid_change"] = change


def propose_grid_file(upload, crs: str, level: int, branch_id: int | None) -> None:
    """Read an uploaded polygon file (declared ``crs``) as the new grids of the level and
    branch; every problem is shown (file, row and field named) and nothing is proposed then."""
    try:
        frame = read_polygons(upload.getvalue(), upload.name, crs, boundary=service_area(engine()))
        change, problems = grid_changes.change_from_file(engine(), frame, level, branch_id)
        for p in problems:
            st.error(md(problem_text(p)))
        if not problems:
            propose_change(change)
    except ProblemError as err:  # every problem names the file, row and field
        st.session_state["grid_change"] = None
        for p in err.problems:
            st.error(md(problem_text(p)))


def draw_map(level: int, branch_id: int | None):
    """The map to draw a grid on (the level's grids, the branch's own grid around them) and
    the grids it shows, code -> name."""
    current = grid_changes.current_grids(engine(), level, branch_id)
    parent = [g for g in grid_changes.current_grids(engine(), 1) if g.branch_id == branch_id]
    folium_map = build_draw_map(
        grid_frame(current),
        grid_frame(parent),
        config.get("GM_MAP_TILES"),
        config.get("GM_TIANDITU_KEY"),
        reference=reference_layer(),
    )
    return folium_map, {g.code: g.name for g in current}


def drawn_grid(drawn: dict | None):
    """The polygon drawn on ``draw_map`` (``st_folium``'s answer) in WGS-84, or None."""
    return drawn_polygon((drawn or {}).get("last_active_drawing"), config.get("GM_MAP_TILES"))


def propose_drawing(
    level: int, branch_id: int | None, polygon, target: str | None, name: str | None
) -> None:
    """Propose the drawn polygon as grid ``target`` redrawn, or as a new grid ``name``."""
    propose_change(
        grid_changes.change_from_drawing(engine(), level, branch_id, polygon, target, name)
    )


def propose_grids(level: int, branch_id: int | None) -> None:
    """Propose computed grids: head office the level-1 grids, a branch its level-2 grids
    (their balance kept in ``st.session_state["grid_balance"]`` for the page to show)."""
    if level == 1:
        propose_change(proposals.level1_change(engine()))
    else:
        change, balance = proposals.level2_change(engine(), branch_id)
        propose_change(change)
        st.session_state["grid_balance"] = balance


def county_proposals():
    """Balance of a level-2 proposal for every branch (computed, not applied)."""
    return _county_proposals(database_url(), grid_version())


@st.cache_data(ttl=600, show_spinner=False)
def _county_proposals(url: str, version: int):
    return proposals.county_level2(get_engine(url))


def grid_versions(level: int, branch_id: int | None):
    """The applied grid versions of the level and branch, newest first."""
    return grid_changes.versions(engine(), level, branch_id)


def propose_restore(version_id: int) -> None:
    """Propose bringing back the grids as they were before version ``version_id``."""
    propose_change(grid_changes.restore_change(engine(), version_id))


# ---- reviewing a grid change before it is applied -------------------------------------


def review_change(user: auth.SignedIn) -> None:
    """Show the pending change: its problems, or its impact and an Apply button."""
    change = st.session_state.get("grid_change")
    if change is None:
        return
    engine_ = engine()
    st.subheader(tr("grids.change_title"))
    st.caption(tr("grids.change_grids", n=len(change.grids)))
    problems = grid_changes.check_change(engine_, change)
    impact = None
    if problems:
        st.error(
            tr("grids.problems") + "\n\n" + "\n".join(f"- {md(problem_text(p))}" for p in problems)
        )
    else:
        with user_errors():
            impact = grid_changes.preview(engine_, change, user)
        if impact is None:  # refused or failed (said so): drop it, no Apply button
            st.session_state["grid_change"] = None
            return
        cols = st.columns(5)
        cols[0].metric(tr("grids.impact_customers"), f"{impact.customers:,}")
        cols[1].metric(tr("grids.impact_deposits"), f"{impact.deposits / 1e4:,.2f}")
        cols[2].metric(tr("grids.impact_households"), f"{impact.households:,}")
        cols[3].metric(tr("grids.impact_branch"), f"{impact.branch_moves:,}")
        cols[4].metric(
            tr("grids.impact_blind"),
            f"{impact.blind_spots_before:,} → {impact.blind_spots_after:,}",
        )
    apply_col, cancel_col = st.columns([1, 5])
    if not problems and apply_col.button(
        tr("grids.confirm"), type="primary", key="grid_change_apply"
    ):
        with user_errors():
            version = _apply_change(change, user)
            moved = grid_changes.versions(engine_).set_index("id").loc[version, "customers_moved"]
            st.success(tr("grids.applied", version=version, moved=f"{moved:,}"))
    elif cancel_col.button(tr("grids.cancel"), key="grid_change_cancel"):
        st.session_state["grid_change"] = None
        st.rerun()


def _apply_change(change, user: auth.SignedIn) -> int:
    """Apply a reviewed change as a new grid version (its id returned) and forget it.

    Every cache is cleared: the change moves customers between grids, managers and even
    branches, which nearly every cached read of every page shows (maps, cards, audit,
    overview, explorer, progress by manager, visit plans)."""
    version = write_retrying(engine(), lambda e: grid_changes.apply(e, change, user))
    st.session_state["grid_change"] = None
    st.cache_data.clear()
    return version
