"""四定审计 / Audit: 定格 (blind spots, gaps, overlaps, grids outside their parent), 定岗定员
(posts A/B, 2-5 liaisons) and 入格率 / 建档率, for the signed-in scope."""

import streamlit as st

from core import ui

scope = ui.page_user().scope
findings = ui.audit_findings(scope)

st.title(ui.tr("audit.title"))
st.caption(ui.tr("audit.caption", org=ui.md(ui.org_name(scope))))
for col, (name, value) in zip(
    st.columns(len(findings.summary)), findings.summary.items(), strict=False
):
    col.metric(ui.tr(f"audit.metric.{name}"), f"{value:,}")

if len(findings.to_review):
    st.warning(ui.tr("audit.to_review_help"))
    ui.finding_table(
        findings.to_review,
        "audit_review",
        {
            "level": "audit.col.level",
            "branch": "audit.col.branch",
            "created_at": "audit.col.created_at",
            "grids": "audit.col.grids",
        },
    )

tab_grid, tab_staff, tab_rate = st.tabs(
    [ui.tr("audit.tab.grid"), ui.tr("audit.tab.staff"), ui.tr("audit.tab.rate")]
)
with tab_grid:
    st.subheader(ui.tr("audit.blind"))
    ui.finding_table(
        findings.blind,
        "audit_blind",
        {
            "village": "audit.col.village",
            "town": "audit.col.town",
            "customers": "col.customers",
            "deposits_wan": "col.deposits_wan",
        },
    )
    st.subheader(ui.tr("audit.coverage"))
    st.caption(ui.tr("audit.coverage_help", km2=ui.AUDIT_MIN_AREA_KM2))
    ui.finding_table(
        findings.coverage,
        "audit_coverage",
        {
            "level": "audit.col.level",
            "kind": "audit.col.kind",
            "grid": "audit.col.grid",
            "other_grid": "audit.col.other_grid",
            "branch": "audit.col.branch",
            "area_km2": "audit.col.area_km2",
            "villages": "audit.col.villages",
            "lon": "audit.col.lon",
            "lat": "audit.col.lat",
        },
    )
    st.subheader(ui.tr("audit.outside"))
    ui.finding_table(
        findings.outside,
        "audit_outside",
        {
            "grid": "audit.col.grid",
            "branch": "audit.col.branch",
            "parent": "audit.col.parent",
            "outside_km2": "audit.col.outside_km2",
            "outside_pct": "audit.col.outside_pct",
        },
    )

with tab_staff:
    st.subheader(ui.tr("audit.staffing"))
    ui.finding_table(
        findings.staffing,
        "audit_staffing",
        {
            "grid": "audit.col.grid",
            "branch": "audit.col.branch",
            "problem": "audit.col.problem",
            "posts": "audit.col.posts",
            "liaisons": "audit.col.liaisons",
        },
    )
    st.subheader(ui.tr("audit.mismatch"))
    st.caption(ui.tr("audit.mismatch_help"))
    ui.finding_table(
        findings.mismatches,
        "audit_mismatch",
        {
            "grid": "audit.col.grid",
            "branch": "audit.col.branch",
            "manager": "audit.col.post_a",
            "core_manager": "audit.col.core_manager",
            "core_manager_name": "audit.col.core_manager_name",
            "customers": "col.customers",
        },
    )

with tab_rate:
    by = st.segmented_control(
        ui.tr("audit.by"),
        ["grid", "village"],
        default="grid",
        format_func=lambda b: ui.tr(f"audit.by.{b}"),
        key="audit_by",
    )
    rates = ui.in_grid_rates(scope, by or "grid")
    if by == "village":
        st.metric(ui.tr("audit.in_grid_rate"), ui.overall_in_grid_rate(rates))
        columns = {
            "village": "audit.col.village",
            "town": "audit.col.town",
            "customers": "col.customers",
            "in_grid": "audit.col.in_grid",
            "in_grid_pct": "col.in_grid_pct",
        }
    else:
        columns = {
            "grid": "audit.col.grid",
            "branch": "audit.col.branch",
            "customers": "col.customers",
            "deposits_wan": "col.deposits_wan",
        }
    ui.finding_table(
        rates,
        f"audit_rate_{by or 'grid'}",
        columns | {"residents": "audit.col.residents", "filing_pct": "col.filing_pct"},
    )
    st.caption(ui.tr("audit.rate_help"))
