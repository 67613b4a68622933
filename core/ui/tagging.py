"""Glue of the tags page (head office): each tag's rule and how many customers hold it,
threshold edits and segmentation runs, which clear every cache built on the profiles."""

from __future__ import annotations

import json
import time

import pandas as pd
import streamlit as st

from core.customers.tagging_run import profile_customers, recompute_tags
from core.customers.tags import latest_run, save_params
from core.db import get_engine
from core.ui.customers import customer_view_changed
from core.ui.explorer import profile_version, profiles_changed, segments, tags
from core.ui.frame import database_url, engine, lang, tr


@st.cache_data(ttl=600, show_spinner=False)
def _tag_counts(url: str, version: int) -> dict[str, int]:
    run = latest_run(get_engine(url), "tags")
    return json.loads(run["detail"]).get("counts", {}) if run and run["detail"] else {}


def tag_counts() -> dict[str, int]:
    """Customers per tag at the last tag run."""
    return _tag_counts(database_url(), profile_version())


def tag_table() -> pd.DataFrame:
    """Every tag: category, label, rule (in the session's language) and customers."""
    counts = tag_counts()
    return pd.DataFrame(
        [
            {
                "category": tr(f"tags.category.{t.category}"),
                "label": t.label(lang()),
                "rule": t.description(lang()),
                "customers": counts.get(t.code, 0),
            }
            for t in tags()
        ]
    )


def segment_totals() -> pd.DataFrame:
    """Every segment found by the last run as ``segment_table`` shows it: customers and
    deposits of the whole bank (empty when there are none)."""
    segs = segments()
    if segs.empty:
        return segs
    return segs.rename(columns={"id": "segment_id", "size": "customers"}).assign(
        deposits=[s["segment"]["deposits"] for s in segs["profile"]]
    )


@st.cache_data(ttl=600, show_spinner=False)
def _latest_segment_run(url: str, version: int) -> dict | None:
    return latest_run(get_engine(url), "segments")


def latest_segment_run() -> dict | None:
    """The last segmentation run (when, k and how it was chosen, silhouette...), or None."""
    return _latest_segment_run(database_url(), profile_version())


def _profiles_changed() -> None:
    profiles_changed()
    for cached in (_tag_counts, _latest_segment_run):
        cached.clear()
    customer_view_changed()


def save_tag_thresholds(changes: dict, actor) -> tuple[list[str], float]:
    """Save thresholds and recompute every customer's tags; (problems, seconds)."""
    t0 = time.perf_counter()
    problems = save_params(engine(), changes, actor)
    if problems:
        return problems, 0.0
    recompute_tags(engine(), actor)
    _profiles_changed()
    return [], time.perf_counter() - t0


def rerun_segments(k: int | None, actor):
    """Recompute tags and segments for every customer (what ``python -m core segment``
    does)."""
    result = profile_customers(engine(), actor, k=k)
    _profiles_changed()
    return result
