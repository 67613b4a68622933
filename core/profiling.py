"""Recomputing tags and segments for every customer (``python -m core segment``).

One read of the customer features serves both; only customers whose tier, lifecycle, tag
mask or segment changed are written. Each recomputation is a ``tagging_run`` row: the
record of who ran it, when, with which k and seed, and the cache key of the pages.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import pandas as pd
from sqlalchemy import Engine, insert, select, update

from core.db import update_rows
from core.features import PRODUCTS, load_features
from core.models import Segment, TaggingRun
from core.segments import (fit_segments, match_to_previous, name_segments, profile,
                           segment_matrix)
from core.tags import ensure_default_tags, recompute_tags

DEFAULT_SEED = 20261201


@dataclass(frozen=True)
class ProfilingResult:
    customers: int
    tags_run: int
    segments_run: int
    k: int
    silhouette: float | None
    seconds: float
    segments_written: int  # customers whose segment changed


def load_segments(engine: Engine, active_only: bool = True) -> pd.DataFrame:
    """Segments with their size, deposit share, centroid and profile (parsed JSON)."""
    stmt = select(Segment.__table__).order_by(Segment.code)
    if active_only:
        stmt = stmt.where(Segment.active)
    with engine.connect() as conn:
        df = pd.DataFrame([dict(r._mapping) for r in conn.execute(stmt)])
    if df.empty:
        return pd.DataFrame(columns=[c.name for c in Segment.__table__.columns])
    df["centroid"] = df["centroid"].map(json.loads)
    df["profile"] = df["profile"].map(json.loads)
    return df


def segment_peers(segments: pd.DataFrame) -> pd.DataFrame:
    """Share of each segment (index: segment id) holding each product (columns:
    ``PRODUCTS``), from the stored profiles (``load_segments``)."""
    rows = {int(s.id): {p: s.profile["segment"].get(f"held_{p}") for p in PRODUCTS}
            for s in segments.itertuples()}
    return pd.DataFrame.from_dict(rows, orient="index", columns=list(PRODUCTS), dtype=float)


def recompute_segments(engine: Engine, features: pd.DataFrame, as_of: date, k: int | None = None,
                       seed: int = DEFAULT_SEED, user_id: int | None = None) -> tuple[int, int]:
    """Cluster every customer of ``features`` (``load_features(..., with_tags=True)``), keep
    the identity of segments that match the last run, store segments and each customer's
    segment. Returns (run id, customers whose segment changed)."""
    t0 = time.perf_counter()
    started = datetime.now()
    matrix = segment_matrix(features)
    fit = fit_segments(matrix, k, seed)
    prof = profile(features, fit.labels)
    names = name_segments(prof)
    previous = load_segments(engine)
    old_centroids = (pd.DataFrame(list(previous["centroid"]), index=previous["id"])
                     if len(previous) else pd.DataFrame())
    matched = match_to_previous(fit.centroids, old_centroids, fit.scale)
    with engine.begin() as conn:
        run = conn.execute(insert(TaggingRun).values(
            kind="segments", started_at=started, seconds=0.0, user_id=user_id,
            customers=len(features), as_of=as_of, k=fit.k, k_chosen_by=fit.chosen_by,
            silhouette=fit.silhouette, seed=seed,
            detail=json.dumps({"silhouette_by_k": fit.silhouette_by_k,
                               "features": list(matrix.columns)}))
            .returning(TaggingRun.id)).scalar_one()
        codes = set(conn.execute(select(Segment.code)).scalars())
        kept = {int(i): z for i, z in zip(previous.get("id", []), previous.get("name_zh", []))}
        taken = {kept[matched[label]] for label in matched}
        segment_of: dict[int, int] = {}
        bank = prof.loc["bank"]
        for label in sorted(fit.centroids.index, key=lambda s: -prof.loc[s, "customers"]):
            row = prof.loc[label]
            values = dict(size=int(row["customers"]), deposit_share=float(row["deposit_share"]),
                          centroid=json.dumps(fit.centroids.loc[label].round(6).to_dict()),
                          profile=json.dumps({"segment": _plain(row), "bank": _plain(bank)}),
                          last_run_id=run, active=True)
            if label in matched:  # the same group as before: keep id, code and name
                segment_of[label] = matched[label]
                conn.execute(update(Segment).where(Segment.id == matched[label]).values(**values))
                continue
            code = next(f"S{i:02d}" for i in range(1, 1000) if f"S{i:02d}" not in codes)
            codes.add(code)
            zh, en = names[int(label)]
            if zh in taken:  # a kept segment has this name already
                n = 2
                while f"{zh}({n})" in taken:
                    n += 1
                zh, en = f"{zh}({n})", f"{en} ({n})"
            taken.add(zh)
            segment_of[label] = conn.execute(insert(Segment).values(
                code=code, name_zh=zh, name_en=en, first_run_id=run, **values)
                .returning(Segment.id)).scalar_one()
        gone = set(previous["id"]) - set(segment_of.values()) if len(previous) else set()
        if gone:
            conn.execute(update(Segment).where(Segment.id.in_(sorted(int(g) for g in gone)))
                         .values(active=False))
        new_ids = pd.Series(fit.labels).map(segment_of).to_numpy(dtype=float)
        old_ids = features["segment_id"].to_numpy(dtype=float)
        changed = ~((new_ids == old_ids) | (np.isnan(new_ids) & np.isnan(old_ids)))
        values = pd.DataFrame({"id": features["id"].to_numpy()[changed],
                               "segment_id": new_ids[changed].astype(np.int64)})
        written = update_rows(conn, "customer", values)
        conn.execute(update(TaggingRun).where(TaggingRun.id == run).values(
            seconds=time.perf_counter() - t0))
    return run, written


def _plain(row: pd.Series) -> dict:
    return {k: (None if v != v else round(float(v), 6)) for k, v in row.items()}


def profile_customers(engine: Engine, as_of: date | None = None, k: int | None = None,
                      seed: int = DEFAULT_SEED, user_id: int | None = None) -> ProfilingResult:
    """Tags, then segments, for every customer (what ``python -m core segment`` runs)."""
    t0 = time.perf_counter()
    as_of = as_of or date.today()
    ensure_default_tags(engine)
    features = load_features(engine, as_of, with_tags=True)
    if features.empty:
        raise ValueError("no customers to profile")
    tags_run = recompute_tags(engine, as_of, user_id, features=features)
    segments_run, written = recompute_segments(engine, features, as_of, k, seed, user_id)
    with engine.connect() as conn:
        run = conn.execute(select(TaggingRun.k, TaggingRun.silhouette)
                           .where(TaggingRun.id == segments_run)).one()
    return ProfilingResult(len(features), tags_run, segments_run, int(run.k), run.silhouette,
                           time.perf_counter() - t0, written)
