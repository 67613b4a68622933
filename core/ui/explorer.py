"""Glue of the segment explorer: the profile data (tags, segments, the scope's customer
frame, saved lists) cached by the profile version, the filter widgets, the selection's
figures, map and customer table, and its download."""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st
from sqlalchemy import select

from core import i18n
from core.customers import charts, explorer
from core.customers.customer_view import customer_rows
from core.customers.lists import load_lists
from core.customers.tagging_run import load_segments
from core.customers.tags import data_version, load_tags
from core.db import get_engine
from core.files.downloads import table_xlsx
from core.format import count, pct, wan  # noqa: F401  (re-exported: the pages' number formats)
from core.grids.map_data import colour_by
from core.grids.queries import load_grids
from core.models import Branch
from core.scope import Scope
from core.ui.downloads import logged_download
from core.ui.frame import database_url, lang, lang_column, tr
from core.ui.grids import folium_grid_map, map_data, reference_layer
from core.vocab import KINDS, OCCUPATIONS, PRODUCTS

EXPLORER_VIEWS = explorer.VIEWS  # the explorer's views, in the order the page offers them


# ---- the profile data, keyed by the profile version -------------------------------------


@st.cache_data(ttl=60, show_spinner=False)
def _profile_version(url: str) -> int:
    return data_version(get_engine(url))


def profile_version() -> int:
    """Changes when tags or segments are recomputed (part of the keys below)."""
    return _profile_version(database_url())


@st.cache_data(ttl=600, show_spinner=False)
def _tags(url: str, version: int):
    return load_tags(get_engine(url))


def tags():
    """Every tag's definition (``core.customers.tags.TagDef``)."""
    return _tags(database_url(), profile_version())


@st.cache_data(ttl=600, show_spinner=False)
def _segments(url: str, version: int):
    return load_segments(get_engine(url))


def segments():
    """The active segments with their size, deposit share and profile."""
    return _segments(database_url(), profile_version())


def segment_names() -> dict[int, str]:
    """Segment id -> name in the session's language."""
    segs = segments()
    return dict(zip(segs["id"], segs[lang_column("name")], strict=False)) if len(segs) else {}


@st.cache_data(ttl=6 * 3600, show_spinner=False, max_entries=24)
def _explorer_frame(url: str, scope: Scope, version: int):
    return explorer.load_frame(get_engine(url), scope)


def explorer_frame(scope: Scope):
    """The scope's customers as the explorer filters them: read once per scope and data
    version (the slow step; the segments benchmark times it for the whole bank), then every
    filter is numpy on it."""
    return _explorer_frame(database_url(), scope, profile_version())


@st.cache_data(ttl=600, show_spinner=False)
def _explorer_context(url: str, version: int):
    return explorer.context(get_engine(url), _tags(url, version))


def explorer_context():
    """Tag bits, industries and saved industry / group grids (cleared when one is saved)."""
    return _explorer_context(database_url(), profile_version())


@st.cache_data(ttl=600, show_spinner=False)
def _saved_lists(url: str, scope: Scope):
    return load_lists(get_engine(url), scope)


def saved_lists(scope: Scope):
    """The lists (名单) and industry / group grids the scope works with."""
    return _saved_lists(database_url(), scope)


@st.cache_data(ttl=3600, show_spinner=False)
def _branch_names(url: str) -> dict[int, str]:
    with get_engine(url).connect() as conn:
        return dict(conn.execute(select(Branch.id, Branch.name).order_by(Branch.id)).all())


def branch_names() -> dict[int, str]:
    """Branch id -> name, every branch."""
    return _branch_names(database_url())


@st.cache_data(ttl=600, show_spinner=False)
def _explorer_grid_options(url: str, scope: Scope, version: int, language: str) -> dict[int, str]:
    region = load_grids(get_engine(url), scope, level=2)
    options = {int(g.id): g.name for g in region.itertuples()}
    for item in _saved_lists(url, scope).itertuples():
        if item.kind in ("industry", "group"):
            options[int(item.id)] = f"{i18n.t(f'lists.kind.{item.kind}', language)}·{item.name}"
    return options


def explorer_grid_options(scope: Scope) -> dict[int, str]:
    """Grids the explorer can filter by: the scope's region grids, then its industry and
    group grids (saved filters), labelled with their dimension."""
    return _explorer_grid_options(database_url(), scope, profile_version(), lang())


def lists_changed() -> None:
    """After a list is saved or withdrawn: the lists and the grids made of them."""
    for cached in (_saved_lists, _explorer_context, _explorer_grid_options):
        cached.clear()


# ---- the filters --------------------------------------------------------------------------

FILTER_KEYS = {  # explorer widget key -> Filters field
    "xf_branches": "branches",
    "xf_grids": "grids",
    "xf_tags": "tags",
    "xf_tiers": "tiers",
    "xf_lifecycles": "lifecycles",
    "xf_segments": "segments",
    "xf_kinds": "kinds",
    "xf_occupations": "occupations",
    "xf_industries": "industries",
    "xf_held": "held",
    "xf_missing": "missing",
}


def load_filters_into_widgets(saved_filter: str) -> None:
    """Put a saved filter (its JSON, as a list stores it) into the explorer's widgets (an
    on_click callback: it runs before the widgets are drawn)."""
    filters = explorer.Filters.from_json(saved_filter)
    for key, name in FILTER_KEYS.items():
        st.session_state[key] = list(getattr(filters, name))
    st.session_state["xf_age"] = (filters.age_min or 18, filters.age_max or 100)
    st.session_state["xf_aum_min"] = (filters.aum_min or 0) / 1e4
    st.session_state["xf_aum_max"] = (filters.aum_max / 1e4) if filters.aum_max else 0.0


def explorer_filters(scope: Scope) -> explorer.Filters:
    """The explorer's filter widgets; returns the ``core.customers.explorer.Filters`` they
    describe (grids: the scope's region grids and saved industry / group grids)."""
    tag_defs = tags()
    label = {t.code: t.label(lang()) for t in tag_defs}
    seg_names = segment_names()
    ctx = explorer_context()
    grid_options = explorer_grid_options(scope)

    def multi(col, key, options, fmt, title):
        return tuple(
            col.multiselect(
                tr(title), options, format_func=fmt, key=key, placeholder=tr("explorer.any")
            )
        )

    def slots():  # four filters a row, as many rows as needed
        while True:
            yield from st.columns(4)

    with st.expander(tr("explorer.filters"), expanded=True):
        col = slots()
        branches = ()
        if scope.role == "hq":
            names = branch_names()
            branches = multi(next(col), "xf_branches", list(names), names.get, "explorer.branch")
        grids = multi(next(col), "xf_grids", list(grid_options), grid_options.get, "explorer.grid")
        segments_ = multi(
            next(col), "xf_segments", list(seg_names), seg_names.get, "explorer.segment"
        )
        flag_codes = [t.code for t in tag_defs if t.category == "flag"]
        tags_ = multi(next(col), "xf_tags", flag_codes, label.get, "explorer.tags")
        tiers = multi(
            next(col),
            "xf_tiers",
            [t.code for t in tag_defs if t.category == "tier"],
            label.get,
            "explorer.tier",
        )
        lifecycles = multi(
            next(col),
            "xf_lifecycles",
            [t.code for t in tag_defs if t.category == "lifecycle"],
            label.get,
            "explorer.lifecycle",
        )
        kinds = multi(
            next(col), "xf_kinds", list(KINDS), lambda k: tr(f"kind.{k}"), "explorer.kind"
        )
        occupations = multi(
            next(col),
            "xf_occupations",
            list(OCCUPATIONS),
            lambda o: tr(f"occupation.{o}"),
            "explorer.occupation",
        )
        industries = multi(
            next(col), "xf_industries", list(ctx.industries), str, "explorer.industry"
        )
        held = multi(
            next(col), "xf_held", list(PRODUCTS), lambda p: tr(f"product.{p}"), "explorer.held"
        )
        missing = multi(
            next(col),
            "xf_missing",
            list(PRODUCTS),
            lambda p: tr(f"product.{p}"),
            "explorer.missing",
        )
        age = next(col).slider(tr("explorer.age"), 18, 100, (18, 100), key="xf_age")
        aum_min = next(col).number_input(
            tr("explorer.aum_min"), min_value=0.0, step=1.0, key="xf_aum_min"
        )
        aum_max = next(col).number_input(
            tr("explorer.aum_max"),
            min_value=0.0,
            step=1.0,
            key="xf_aum_max",
            help=tr("explorer.aum_max_help"),
        )
    return explorer.Filters(
        branches=branches,
        grids=grids,
        tags=tags_,
        tiers=tiers,
        lifecycles=lifecycles,
        segments=segments_,
        kinds=kinds,
        occupations=occupations,
        industries=industries,
        age_min=age[0] if age[0] > 18 else None,
        age_max=age[1] if age[1] < 100 else None,
        aum_min=aum_min * 1e4 if aum_min else None,
        aum_max=aum_max * 1e4 if aum_max else None,
        held=held,
        missing=missing,
    )


def select_customers(frame, filters: explorer.Filters):
    """The rows of ``frame`` the filters select (a boolean mask); ``ValueError`` when a
    filter cannot be applied (its message says why)."""
    return explorer.select_rows(frame, filters, explorer_context())


def selection_summary(frame, mask) -> explorer.Summary:
    """How many customers are selected, their deposits and how the deposits concentrate."""
    return explorer.summarize(frame, mask)


# ---- the selection's views ----------------------------------------------------------------


def segment_sizes(frame, mask):
    """The selection per segment: customers, deposits and share of the deposits."""
    return explorer.segment_sizes(frame, mask, segments())


def segment_chart(sizes):
    """Customers per segment (bars) with each segment's share of the deposits."""
    names = segment_names()
    labels = [names.get(s, tr("explorer.no_segment")) for s in sizes["segment_id"]]
    return charts.segment_bars(
        sizes,
        labels,
        {"customers": tr("explorer.customers"), "title": tr("explorer.segment_title")},
    )


def segment_table(sizes) -> None:
    """The segments of ``sizes``: name, customers, deposits (万元), share, and how each
    differs from the bank (its profile)."""
    segs = segments()
    profiles = {int(s.id): s.profile["segment"] for s in segs.itertuples()} if len(segs) else {}
    bank = segs.iloc[0]["profile"]["bank"] if len(segs) else {}
    name_col = lang_column("name")
    rows = []
    for s in sizes.itertuples():
        p = profiles.get(int(s.segment_id), {})
        rows.append(
            {
                "code": s.code,
                "name": getattr(s, name_col),
                "customers": s.customers,
                "deposits": s.deposits / 1e4,
                "deposit_share": 100 * s.deposit_share,
                "age": p.get("age"),
                "mobile": 100 * (p.get("mobile") or 0),
                "products": p.get("products"),
                "village": 100 * (p.get("village") or 0),
            }
        )
    st.dataframe(
        pd.DataFrame(rows),
        hide_index=True,
        key="xf_segment_table",
        column_config={
            "code": tr("explorer.col.code"),
            "name": tr("explorer.col.segment"),
            "customers": st.column_config.NumberColumn(
                tr("explorer.customers"), format="localized"
            ),
            "deposits": st.column_config.NumberColumn(tr("explorer.deposits"), format="%.2f"),
            "deposit_share": st.column_config.NumberColumn(tr("explorer.col.share"), format="%.1f"),
            "age": st.column_config.NumberColumn(tr("explorer.col.age"), format="%.1f"),
            "mobile": st.column_config.NumberColumn(tr("explorer.col.mobile"), format="%.1f"),
            "products": st.column_config.NumberColumn(tr("explorer.col.products"), format="%.2f"),
            "village": st.column_config.NumberColumn(tr("explorer.col.village"), format="%.1f"),
        },
    )
    if bank:
        st.caption(
            tr(
                "explorer.bank_average",
                age=f"{bank.get('age') or 0:.1f}",
                mobile=f"{100 * (bank.get('mobile') or 0):.1f}",
                products=f"{bank.get('products') or 0:.2f}",
                village=f"{100 * (bank.get('village') or 0):.1f}",
            )
        )


def pareto_chart(frame, mask):
    """Share of the selection's deposits held by its top x % of customers (80/20)."""
    curve = explorer.pareto(explorer.existing_deposits(frame, mask))
    return charts.pareto_chart(
        curve,
        {
            "title": tr("explorer.pareto_title"),
            "x": tr("explorer.pareto_x"),
            "y": tr("explorer.pareto_y"),
            "curve": tr("explorer.pareto_curve"),
            "equal": tr("explorer.pareto_equal"),
            "hover": tr("explorer.pareto_hover"),
        },
    )


def penetration_chart(frame, mask):
    """Product penetration of the selection by segment (heat map)."""
    shares = explorer.penetration(frame, mask)
    names = segment_names()
    return charts.penetration_heatmap(
        shares,
        [names.get(s, tr("explorer.no_segment")) for s in shares.index],
        [tr(f"product.{p}") for p in PRODUCTS],
        tr("explorer.penetration_title"),
    )


def selection_map(scope: Scope, frame, mask):
    """A folium map of the scope's grids coloured by how many selected customers each
    holds."""
    data = map_data(scope)
    return plain_grid_map(
        colour_by(data, explorer.map_values(frame, mask, data.grids), customers=False)
    )


def plain_grid_map(layers):
    """A folium map of coloured grids (no customers), for the explorer and the checks."""
    return folium_grid_map(layers, reference=reference_layer())


# ---- the customer table -------------------------------------------------------------------


@st.cache_data(ttl=600, show_spinner=False, max_entries=64)
def _customer_table(url: str, scope: Scope, ids: list[int], version: int, language: str):
    df = customer_rows(get_engine(url), scope, ids)
    tag_labels = {x.code: x.label(language) for x in _tags(url, version)}
    segs = _segments(url, version)
    names = (
        dict(zip(segs["id"], segs[i18n.column("name", language)], strict=False))
        if len(segs)
        else {}
    )
    df["kind"] = df["kind"].map(lambda k: i18n.t(f"kind.{k}", language))
    df["tier"] = df["tier"].map(tag_labels)
    df["lifecycle"] = df["lifecycle"].map(tag_labels)
    df["segment"] = df.pop("segment_id").map(names)
    for col in ("deposit", "aum", "other_bank_deposit"):
        df[col] = df[col].astype(float) / 1e4
    return df


def customer_table(scope: Scope, frame, mask):
    """The selection's customers with the most AUM (``explorer.TABLE_ROWS`` at most), masked,
    labelled in the session's language."""
    ids = explorer.top_ids(frame, mask, limit=explorer.TABLE_ROWS)
    return _customer_table(database_url(), scope, ids, profile_version(), lang())


def customer_table_download(table, filters) -> None:
    """Our own download of the explorer's customer table (masked as shown): an Excel file
    with the watermark line, formula-safe, logged with the filters when clicked."""
    labels = {
        c: (v if isinstance(v, str) else v["label"])
        for c, v in customer_table_columns().items()
        if v is not None
    }
    headers = {c: labels[c] for c in table.columns if c in labels}
    frame = table.copy()
    logged_download(
        tr("download.customers"),
        key="xf_download",
        what="customers",
        build=lambda stamp: table_xlsx(frame, headers, tr("download.sheet"), stamp),
        file_name="customers.xlsx",
        rows=len(frame),
        filters=json.loads(filters.to_json()),
    )
    st.caption(tr("download.logged"))


def customer_table_columns() -> dict:
    """The customer table's column labels and money formats (万元)."""
    money = {
        c: st.column_config.NumberColumn(tr(f"explorer.col.{c}"), format="%.2f")
        for c in ("deposit", "aum", "other_bank_deposit")
    }
    return {
        "id": None,
        "cust_no": tr("explorer.col.cust_no"),
        "name": tr("col.customer"),
        "kind": tr("explorer.kind"),
        "tier": tr("explorer.tier"),
        "lifecycle": tr("explorer.lifecycle"),
        "segment": tr("explorer.col.segment"),
        "branch": tr("col.name.branch"),
        "manager": tr("col.name.manager"),
        "grid": tr("col.name.grid"),
        "phone": tr("col.phone"),
    } | money


def profiles_changed() -> None:
    """After tags or segments are recomputed: every cache built on them."""
    for cached in (
        _profile_version,
        _tags,
        _segments,
        _explorer_frame,
        _explorer_context,
        _customer_table,
    ):
        cached.clear()
