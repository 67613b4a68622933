"""Glue of the explorer, lists and tags pages: cached frames and tags, the filter widgets,
tables, the save-list form, threshold edits and segmentation runs."""
from __future__ import annotations

import json

import streamlit as st

from core import config
from core.db import get_engine
from core.scope import Scope
from core.i18n import t
from core.ui.errors import problem_text
from core.ui.frame import lang, md, tr


@st.cache_data(ttl=60, show_spinner=False)
def profile_version(url: str) -> int:
    """Changes when tags or segments are recomputed (part of the keys below)."""
    from core.customers.tags import data_version

    return data_version(get_engine(url))


@st.cache_data(ttl=600, show_spinner=False)
def tags(url: str, version: int):
    from core.customers.tags import load_tags

    return load_tags(get_engine(url))


@st.cache_data(ttl=600, show_spinner=False)
def segments(url: str, version: int):
    from core.customers.tagging_run import load_segments

    return load_segments(get_engine(url))


@st.cache_data(ttl=6 * 3600, show_spinner=False, max_entries=24)
def explorer_frame(url: str, scope: Scope, version: int):
    """The scope's customers as the explorer filters them: read once per scope and data
    version (about 10 s for the whole bank at a million customers on SQLite), then every
    filter is numpy on it."""
    from core.customers.explorer import load_frame

    return load_frame(get_engine(url), scope)


@st.cache_data(ttl=600, show_spinner=False)
def explorer_context(url: str, version: int):
    """Tag bits, industries and saved industry / group grids (cleared when one is saved)."""
    from core.customers.explorer import context

    return context(get_engine(url), tags(url, version))


@st.cache_data(ttl=600, show_spinner=False)
def saved_lists(url: str, scope: Scope):
    from core.customers.lists import load_lists

    return load_lists(get_engine(url), scope)


@st.cache_data(ttl=3600, show_spinner=False)
def branch_names(url: str) -> dict[int, str]:
    from core.models import Branch
    from sqlalchemy import select

    with get_engine(url).connect() as conn:
        return dict(conn.execute(select(Branch.id, Branch.name).order_by(Branch.id)).all())


@st.cache_data(ttl=600, show_spinner=False)
def managers_of(url: str, branch_id: int | None) -> dict[int, str]:
    """Active managers of a branch (every branch's when None), id -> "name (branch)"."""
    from sqlalchemy import select

    from core.models import Branch, Manager

    stmt = (select(Manager.id, Manager.name, Branch.name).join(Branch)
            .where(Manager.active).order_by(Manager.branch_id, Manager.id))
    if branch_id is not None:
        stmt = stmt.where(Manager.branch_id == branch_id)
    with get_engine(url).connect() as conn:
        return {i: f"{n}({b})" for i, n, b in conn.execute(stmt).all()}


FILTER_KEYS = {  # explorer widget key -> Filters field
    "xf_branches": "branches", "xf_grids": "grids", "xf_tags": "tags", "xf_tiers": "tiers",
    "xf_lifecycles": "lifecycles", "xf_segments": "segments", "xf_kinds": "kinds",
    "xf_occupations": "occupations", "xf_industries": "industries", "xf_held": "held",
    "xf_missing": "missing"}


def load_filters_into_widgets(filters) -> None:
    """Put a saved filter into the explorer's widgets (an on_click callback: it runs before
    the widgets are drawn)."""
    for key, name in FILTER_KEYS.items():
        st.session_state[key] = list(getattr(filters, name))
    st.session_state["xf_age"] = (filters.age_min or 18, filters.age_max or 100)
    st.session_state["xf_aum_min"] = (filters.aum_min or 0) / 1e4
    st.session_state["xf_aum_max"] = (filters.aum_max / 1e4) if filters.aum_max else 0.0


def explorer_filters(scope: Scope, url: str, version: int, grid_options: dict[int, str]):
    """The explorer's filter widgets; returns the ``core.customers.explorer.Filters`` they describe.

    ``grid_options``: grid id -> label (region grids of the scope and saved industry /
    group grids).
    """
    from core.customers.explorer import Filters
    from core.vocab import KINDS, OCCUPATIONS, PRODUCTS

    tag_defs = tags(url, version)
    label = {t.code: t.label(lang()) for t in tag_defs}
    segs = segments(url, version)
    seg_names = dict(zip(segs["id"], segs["name_zh" if lang() == "zh" else "name_en"])) \
        if len(segs) else {}
    ctx = explorer_context(url, version)

    def multi(col, key, options, fmt, title):
        return tuple(col.multiselect(tr(title), options, format_func=fmt, key=key,
                                     placeholder=tr("explorer.any")))

    def slots():  # four filters a row, as many rows as needed
        while True:
            yield from st.columns(4)

    with st.expander(tr("explorer.filters"), expanded=True):
        col = slots()
        branches = ()
        if scope.role == "hq":
            names = branch_names(url)
            branches = multi(next(col), "xf_branches", list(names), names.get,
                             "explorer.branch")
        grids = multi(next(col), "xf_grids", list(grid_options), grid_options.get,
                      "explorer.grid")
        segments_ = multi(next(col), "xf_segments", list(seg_names), seg_names.get,
                          "explorer.segment")
        flag_codes = [t.code for t in tag_defs if t.category == "flag"]
        tags_ = multi(next(col), "xf_tags", flag_codes, label.get, "explorer.tags")
        tiers = multi(next(col), "xf_tiers", [t.code for t in tag_defs if t.category == "tier"],
                      label.get, "explorer.tier")
        lifecycles = multi(next(col), "xf_lifecycles",
                           [t.code for t in tag_defs if t.category == "lifecycle"], label.get,
                           "explorer.lifecycle")
        kinds = multi(next(col), "xf_kinds", list(KINDS), lambda k: tr(f"kind.{k}"),
                      "explorer.kind")
        occupations = multi(next(col), "xf_occupations", list(OCCUPATIONS),
                            lambda o: tr(f"occupation.{o}"), "explorer.occupation")
        industries = multi(next(col), "xf_industries", list(ctx.industries), str,
                           "explorer.industry")
        held = multi(next(col), "xf_held", list(PRODUCTS), lambda p: tr(f"product.{p}"),
                     "explorer.held")
        missing = multi(next(col), "xf_missing", list(PRODUCTS), lambda p: tr(f"product.{p}"),
                        "explorer.missing")
        age = next(col).slider(tr("explorer.age"), 18, 100, (18, 100), key="xf_age")
        aum_min = next(col).number_input(tr("explorer.aum_min"), min_value=0.0, step=1.0,
                                         key="xf_aum_min")
        aum_max = next(col).number_input(tr("explorer.aum_max"), min_value=0.0, step=1.0,
                                         key="xf_aum_max", help=tr("explorer.aum_max_help"))
    return Filters(branches=branches, grids=grids, tags=tags_, tiers=tiers,
                   lifecycles=lifecycles, segments=segments_, kinds=kinds,
                   occupations=occupations, industries=industries,
                   age_min=age[0] if age[0] > 18 else None,
                   age_max=age[1] if age[1] < 100 else None,
                   aum_min=aum_min * 1e4 if aum_min else None,
                   aum_max=aum_max * 1e4 if aum_max else None, held=held, missing=missing)


@st.cache_data(ttl=600, show_spinner=False)
def explorer_grid_options(url: str, scope: Scope, version: int, language: str
                          ) -> dict[int, str]:
    """Grids the explorer can filter by: the scope's region grids, then its industry and
    group grids (saved filters), labelled with their dimension."""
    from core.grids.queries import load_grids

    region = load_grids(get_engine(url), scope, level=2)
    options = {int(g.id): g.name for g in region.itertuples()}
    for item in saved_lists(url, scope).itertuples():
        if item.kind in ("industry", "group"):
            options[int(item.id)] = f"{t(f'lists.kind.{item.kind}', language)}·{item.name}"
    return options


def segment_table(sizes, segs) -> None:
    """The selection's segments: name, customers, deposits (万元), share, and how each
    differs from the bank (its profile)."""
    import pandas as pd

    profiles = {int(s.id): s.profile["segment"] for s in segs.itertuples()} if len(segs) else {}
    bank = segs.iloc[0]["profile"]["bank"] if len(segs) else {}
    name_col = "name_zh" if lang() == "zh" else "name_en"
    rows = []
    for s in sizes.itertuples():
        p = profiles.get(int(s.segment_id), {})
        rows.append({"code": s.code, "name": getattr(s, name_col), "customers": s.customers,
                     "deposits": s.deposits / 1e4, "deposit_share": 100 * s.deposit_share,
                     "age": p.get("age"), "mobile": 100 * (p.get("mobile") or 0),
                     "products": p.get("products"), "village": 100 * (p.get("village") or 0)})
    st.dataframe(pd.DataFrame(rows), hide_index=True, key="xf_segment_table", column_config={
        "code": tr("explorer.col.code"), "name": tr("explorer.col.segment"),
        "customers": st.column_config.NumberColumn(tr("explorer.customers"), format="localized"),
        "deposits": st.column_config.NumberColumn(tr("explorer.deposits"), format="%.2f"),
        "deposit_share": st.column_config.NumberColumn(tr("explorer.col.share"), format="%.1f"),
        "age": st.column_config.NumberColumn(tr("explorer.col.age"), format="%.1f"),
        "mobile": st.column_config.NumberColumn(tr("explorer.col.mobile"), format="%.1f"),
        "products": st.column_config.NumberColumn(tr("explorer.col.products"), format="%.2f"),
        "village": st.column_config.NumberColumn(tr("explorer.col.village"), format="%.1f")})
    if bank:
        st.caption(tr("explorer.bank_average", age=f"{bank.get('age') or 0:.1f}",
                      mobile=f"{100 * (bank.get('mobile') or 0):.1f}",
                      products=f"{bank.get('products') or 0:.2f}",
                      village=f"{100 * (bank.get('village') or 0):.1f}"))


def selection_layers(url: str, scope: Scope, frame, mask):
    """The scope's grids coloured by how many selected customers each holds."""
    from core.customers.explorer import map_values
    from core.grids.map_data import colour_by
    from core.ui.grids import grid_version, map_data

    data = map_data(url, scope, grid_version(url))
    return colour_by(data, map_values(frame, mask, data.grids), customers=False)


def plain_grid_map(layers):
    """A folium map of coloured grids (no customers), for the explorer and the checks."""
    from core.ui.grids import folium_grid_map

    return folium_grid_map(layers)


@st.cache_data(ttl=600, show_spinner=False, max_entries=64)
def customer_table(url: str, scope: Scope, ids: list[int], version: int, language: str):
    """The explorer's customer table (masked), labelled in ``language``."""
    from core.customers.customer_view import customer_rows

    def tr(key: str) -> str:  # noqa: F811 - this cache entry's language, not the session's
        return t(key, language)

    def lang() -> str:  # noqa: F811
        return language

    df = customer_rows(get_engine(url), scope, ids)
    tag_labels = {x.code: x.label(lang()) for x in tags(url, version)}
    segs = segments(url, version)
    names = dict(zip(segs["id"], segs["name_zh" if lang() == "zh" else "name_en"])) \
        if len(segs) else {}
    df["kind"] = df["kind"].map(lambda k: tr(f"kind.{k}"))
    df["tier"] = df["tier"].map(tag_labels)
    df["lifecycle"] = df["lifecycle"].map(tag_labels)
    df["segment"] = df.pop("segment_id").map(names)
    for col in ("deposit", "aum", "other_bank_deposit"):
        df[col] = df[col].astype(float) / 1e4
    return df


def customer_table_download(table, filters) -> None:
    """Our own download of the explorer's customer table (masked as shown): an Excel file
    with the watermark line, formula-safe, logged with the filters when clicked."""
    from core.files.downloads import table_xlsx
    from core.ui.downloads import logged_download

    labels = {c: (v if isinstance(v, str) else v["label"])
              for c, v in customer_table_columns().items() if v is not None}
    headers = {c: labels[c] for c in table.columns if c in labels}
    frame = table.copy()
    logged_download(tr("download.customers"), key="xf_download", what="customers",
                    build=lambda stamp: table_xlsx(frame, headers, tr("download.sheet"), stamp),
                    file_name="customers.xlsx", rows=len(frame),
                    filters=json.loads(filters.to_json()))
    st.caption(tr("download.logged"))


def customer_table_columns() -> dict:
    money = {c: st.column_config.NumberColumn(tr(f"explorer.col.{c}"), format="%.2f")
             for c in ("deposit", "aum", "other_bank_deposit")}
    return {"id": None, "cust_no": tr("explorer.col.cust_no"), "name": tr("col.customer"),
            "kind": tr("explorer.kind"), "tier": tr("explorer.tier"),
            "lifecycle": tr("explorer.lifecycle"), "segment": tr("explorer.col.segment"),
            "branch": tr("col.name.branch"), "manager": tr("col.name.manager"),
            "grid": tr("col.name.grid"), "phone": tr("col.phone")} | money


def save_list_form(user, filters, customers: int) -> None:
    """Save the current filter as a list (名单) or an industry / group grid, handed to a
    branch or a manager."""
    from core.customers.lists import KINDS, check_list, save_list

    scope = user.scope
    url = config.database_url()
    st.subheader(tr("lists.save_title"))
    with st.form("save_list"):
        c = st.columns([2, 1, 1, 1])
        name = c[0].text_input(tr("lists.name"), key="sl_name", max_chars=100)
        kind = c[1].selectbox(tr("lists.kind"), KINDS, key="sl_kind",
                              format_func=lambda k: tr(f"lists.kind.{k}"))
        branches = branch_names(url)
        if scope.role == "hq":
            branch = c[2].selectbox(tr("lists.branch"), [None, *branches], key="sl_branch",
                                    format_func=lambda b: tr("lists.whole_bank") if b is None
                                    else branches[b])
        else:
            branch = scope.branch_id
            c[2].text_input(tr("lists.branch"), branches.get(branch, ""), disabled=True,
                            key="sl_branch_fixed")
        managers = managers_of(url, None if scope.role == "hq" else scope.branch_id)
        manager = c[3].selectbox(tr("lists.manager"), [None, *managers], key="sl_manager",
                                 format_func=lambda m: tr("lists.no_manager") if m is None
                                 else managers[m])
        note = st.text_input(tr("lists.note"), key="sl_note", max_chars=200)
        submitted = st.form_submit_button(tr("lists.save"), type="primary")
    if not submitted:
        return
    engine = get_engine(url)
    problems = check_list(engine, scope, name, filters, kind, branch, manager, note)
    if problems:
        st.error(tr("lists.problems") + "\n\n" + "\n".join(
            f"- {md(problem_text(p))}" for p in problems))
        return
    from core.db import write_retrying
    from core.ui.errors import user_errors

    with user_errors():
        write_retrying(engine, lambda e: save_list(e, user, name, filters, kind, branch,
                                                   manager, customers, note))
        saved_lists.clear()
        explorer_context.clear()
        explorer_grid_options.clear()
        st.success(tr("lists.saved", name=md(name.strip()), n=f"{customers:,}"))


# ---- tag thresholds and segmentation runs (head office) -----------------------------------

@st.cache_data(ttl=600, show_spinner=False)
def tag_counts(url: str, version: int) -> dict[str, int]:
    """Customers per tag at the last tag run."""
    from core.customers.tags import latest_run

    run = latest_run(get_engine(url), "tags")
    return json.loads(run["detail"]).get("counts", {}) if run and run["detail"] else {}


@st.cache_data(ttl=600, show_spinner=False)
def latest_segment_run(url: str, version: int) -> dict | None:
    from core.customers.tags import latest_run

    return latest_run(get_engine(url), "segments")


def _profiles_changed() -> None:
    from core.ui.customers import customer_view

    for cached in (profile_version, tags, segments, explorer_frame, explorer_context,
                   tag_counts, latest_segment_run, customer_table, customer_view):
        cached.clear()


def save_tag_thresholds(url: str, changes: dict, actor):
    """Save thresholds and recompute every customer's tags; (problems, seconds)."""
    import time

    from core.customers.tagging_run import recompute_tags
    from core.customers.tags import save_params

    engine = get_engine(url)
    t0 = time.perf_counter()
    problems = save_params(engine, changes, actor)
    if problems:
        return problems, 0.0
    recompute_tags(engine, actor)
    _profiles_changed()
    return [], time.perf_counter() - t0


def rerun_segments(url: str, k: int | None, actor):
    """Recompute tags and segments for every customer (what ``python -m core segment``
    does)."""
    from core.customers.tagging_run import profile_customers

    result = profile_customers(get_engine(url), actor, k=k)
    _profiles_changed()
    return result
