"""四定审计 / Audit: 定格 (blind spots, gaps, overlaps, grids outside their parent), 定岗定员
(posts A/B, 2-5 liaisons) and 入格率 / 建档率, for the signed-in scope."""
import pandas as pd
import streamlit as st

from core import config, ui

from core.grids import audit
from core.db import get_engine
from core.format import pct
from core.scope import Scope

scope = ui.page_user().scope
url = config.database_url()
version = ui.grid_version(url)


@st.cache_data(ttl=600, show_spinner=False, max_entries=64)
def check(name: str, url: str, scope: Scope, version: int) -> pd.DataFrame:
    """One audit check of core.grids.audit; ``version`` (grids changed) is part of the key."""
    return getattr(audit, name)(get_engine(url), scope)


@st.cache_data(ttl=600, show_spinner=False, max_entries=64)
def rate(url: str, scope: Scope, version: int, by: str) -> pd.DataFrame:
    return audit.in_grid_rate(get_engine(url), scope, by)


def table(df: pd.DataFrame, key: str, columns: dict[str, str]) -> None:
    """A selectable table; a selected row with a grid leads to that grid on the map."""
    if df.empty:
        st.success(ui.tr("audit.none"))
        return
    number = {"customers": "localized", "in_grid": "localized", "residents": "localized",
              "posts": "%d", "liaisons": "%d",
              "deposits_wan": "%.2f", "area_km2": "%.3f", "outside_km2": "%.3f",
              "lon": "%.5f", "lat": "%.5f"}
    config_ = {c: st.column_config.NumberColumn(ui.tr(label), format=number.get(c, "%.1f"))
               if pd.api.types.is_numeric_dtype(df[c]) else st.column_config.TextColumn(
               ui.tr(label)) for c, label in columns.items()}
    event = st.dataframe(df, key=key, hide_index=True, on_select="rerun",
                         selection_mode="single-row", column_order=list(columns),
                         column_config=config_)
    rows = event.selection.rows
    grid_id = df.iloc[rows[0]].get("grid_id") if rows and rows[0] < len(df) else None
    if grid_id is not None and pd.notna(grid_id) and st.button(
            ui.tr("audit.show_on_map"), key=f"{key}_map", icon=":material/map:"):
        st.session_state["map_grid"] = int(grid_id)
        st.switch_page("pages/map.py")


blind = check("blind_spots_by_village", url, scope, version)
coverage = check("coverage_problems", url, scope, version)
outside = check("outside_parent", url, scope, version)
staffing = check("staffing_gaps", url, scope, version)
summary = audit.summarize(blind, coverage, outside, staffing)

st.title(ui.tr("audit.title"))
st.caption(ui.tr("audit.caption", org=ui.md(ui.org_name(scope))))
for col, (name, value) in zip(st.columns(len(summary)), summary.items()):
    col.metric(ui.tr(f"audit.metric.{name}"), f"{value:,}")

tab_grid, tab_staff, tab_rate = st.tabs([ui.tr("audit.tab.grid"), ui.tr("audit.tab.staff"),
                                         ui.tr("audit.tab.rate")])
with tab_grid:
    st.subheader(ui.tr("audit.blind"))
    blind = blind.assign(village=blind["village"].fillna(ui.tr("audit.unknown_village")))
    table(blind, "audit_blind", {"village": "audit.col.village", "town": "audit.col.town",
                                 "customers": "col.customers",
                                 "deposits_wan": "col.deposits_wan"})
    st.subheader(ui.tr("audit.coverage"))
    st.caption(ui.tr("audit.coverage_help", km2=audit.MIN_AREA_KM2))
    coverage = coverage.assign(
        level=coverage["level"].map(lambda n: ui.tr(f"audit.level{n}")),
        kind=coverage["kind"].map(lambda k: ui.tr(f"audit.kind.{k}")))
    table(coverage, "audit_coverage", {
        "level": "audit.col.level", "kind": "audit.col.kind", "grid": "audit.col.grid",
        "other_grid": "audit.col.other_grid", "branch": "audit.col.branch",
        "area_km2": "audit.col.area_km2", "villages": "audit.col.villages",
        "lon": "audit.col.lon", "lat": "audit.col.lat"})
    st.subheader(ui.tr("audit.outside"))
    table(outside, "audit_outside", {
        "grid": "audit.col.grid", "branch": "audit.col.branch", "parent": "audit.col.parent",
        "outside_km2": "audit.col.outside_km2", "outside_pct": "audit.col.outside_pct"})

with tab_staff:
    st.subheader(ui.tr("audit.staffing"))
    staffing = staffing.assign(
        problem=staffing["problem"].map(lambda p: ui.tr(f"audit.problem.{p}")))
    table(staffing, "audit_staffing", {
        "grid": "audit.col.grid", "branch": "audit.col.branch", "problem": "audit.col.problem",
        "posts": "audit.col.posts", "liaisons": "audit.col.liaisons"})

with tab_rate:
    by = st.segmented_control(ui.tr("audit.by"), ["grid", "village"], default="grid",
                              format_func=lambda b: ui.tr(f"audit.by.{b}"), key="audit_by")
    rates = rate(url, scope, version, by or "grid")
    if by == "village":
        in_grid, total = rates["in_grid"].sum(), rates["customers"].sum()
        st.metric(ui.tr("audit.in_grid_rate"), pct(in_grid / total) if total else "-")
        rates = rates.assign(village=rates["village"].fillna(ui.tr("audit.unknown_village")))
        columns = {"village": "audit.col.village", "town": "audit.col.town",
                   "customers": "col.customers", "in_grid": "audit.col.in_grid",
                   "in_grid_pct": "col.in_grid_pct"}
    else:
        columns = {"grid": "audit.col.grid", "branch": "audit.col.branch",
                   "customers": "col.customers", "deposits_wan": "col.deposits_wan"}
    table(rates, f"audit_rate_{by or 'grid'}", columns | {
        "residents": "audit.col.residents", "filing_pct": "col.filing_pct"})
    st.caption(ui.tr("audit.rate_help"))
