"""Recomputing tags and segments for every customer (``python -m core segment``).

One read of the customer features serves both, and one write stores what changed in the
narrow ``customer_profile`` table (tier, lifecycle, tag mask, segment). Each recomputation
is a ``tagging_run`` row: the record of who ran it, when, with which k and seed, and the
cache key of the pages.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine, insert, select, text, update

from core.customers.features import PRODUCTS, load_features
from core.customers.segments import (
    fit_segments,
    match_to_previous,
    name_segments,
    nearest_segments,
    profile,
    segment_matrix,
)
from core.customers.tags import ensure_default_tags, evaluate, load_tags, tag_counts
from core.db import bulk_insert
from core.models import Segment, TaggingRun
from core.permissions import record, require_role

DEFAULT_SEED = 20261201
PROFILE_COLUMNS = ("tier", "lifecycle", "tag_mask", "segment_id")
REWRITE_SHARE = 0.3  # above this share of changed customers, rewrite the whole table


@dataclass(frozen=True)
class ProfilingResult:
    customers: int
    tags_run: int
    segments_run: int
    k: int
    silhouette: float | None
    seconds: float
    segments_written: int  # customers whose segment changed
    profiles_written: int  # customers whose stored profile changed


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
    rows = {
        int(s.id): {p: s.profile["segment"].get(f"held_{p}") for p in PRODUCTS}
        for s in segments.itertuples()
    }
    return pd.DataFrame.from_dict(rows, orient="index", columns=list(PRODUCTS), dtype=float)


def write_profiles(conn: Connection, features: pd.DataFrame, new: pd.DataFrame) -> int:
    """Store the profiles in ``new`` (id and ``PROFILE_COLUMNS``, aligned with ``features``,
    which holds the stored ones) where they differ; returns the customers written.

    Many changes (the first run): the table is rewritten. Few: their rows are replaced.
    """
    changed = np.zeros(len(new), dtype=bool)
    for col in PROFILE_COLUMNS:
        a, b = features[col].to_numpy(dtype=object), new[col].to_numpy(dtype=object)
        changed |= ~((a == b) | (pd.isna(a) & pd.isna(b)))
    rows = new.rename(columns={"id": "customer_id"})[["customer_id", *PROFILE_COLUMNS]]
    if len(changed) and changed.mean() > REWRITE_SHARE:
        conn.execute(text("DELETE FROM customer_profile"))
        bulk_insert(conn, "customer_profile", rows)
        return int(changed.sum())
    rows = rows[changed]
    if rows.empty:
        return 0
    conn.exec_driver_sql("CREATE TEMPORARY TABLE tmp_profile_ids (id INTEGER PRIMARY KEY)")
    try:
        bulk_insert(
            conn,
            "tmp_profile_ids",
            rows[["customer_id"]].rename(columns={"customer_id": "id"}),
            integer_cols={"id"},
        )
        conn.exec_driver_sql(
            "DELETE FROM customer_profile WHERE customer_id IN (SELECT id FROM tmp_profile_ids)"
        )
    finally:
        conn.exec_driver_sql("DROP TABLE tmp_profile_ids")
    bulk_insert(conn, "customer_profile", rows)
    return len(rows)


def _tag_run(
    conn: Connection,
    started: datetime,
    seconds: float,
    user_id,
    as_of: date,
    counts: dict,
    written: int,
) -> int:
    return conn.execute(
        insert(TaggingRun)
        .values(
            kind="tags",
            started_at=started,
            seconds=seconds,
            user_id=user_id,
            customers=sum(v for k, v in counts.items() if k in ("high", "core", "basic")),
            as_of=as_of,
            detail=json.dumps({"counts": counts, "written": written}, ensure_ascii=False),
        )
        .returning(TaggingRun.id)
    ).scalar_one()


def recompute_tags(
    engine: Engine, actor, as_of: date | None = None, features: pd.DataFrame | None = None
) -> int:
    """Evaluate every tag for every customer; store tier, lifecycle and tag mask where they
    changed (segments stay; a customer in none, new since the last clustering, joins the
    nearest). Returns the id of the new ``tagging_run`` row. Head office (or
    :data:`core.permissions.SYSTEM`) only."""
    require_role(engine, actor, "tag_run", "hq")
    user_id = actor.user_id
    t0 = time.perf_counter()
    as_of = as_of or date.today()
    started = datetime.now()
    tags = load_tags(engine)
    if features is None:
        features = load_features(engine, as_of, with_tags=True, lean=True)
    tier, lifecycle, mask = evaluate(tags, features)
    segment = features["segment_id"].to_numpy(dtype=float)
    newcomers = np.isnan(segment)
    if newcomers.any():
        with engine.connect() as conn:
            active = _active_segments(conn)
        if len(active):
            centroids = pd.DataFrame(list(active["centroid"]), index=active["id"])
            segment[newcomers] = nearest_segments(segment_matrix(features), centroids, newcomers)
    new = pd.DataFrame(
        {
            "id": features["id"].to_numpy(),
            "tier": tier,
            "lifecycle": lifecycle,
            "tag_mask": mask,
            "segment_id": pd.array(segment, dtype="Int64"),
        }
    )
    with engine.begin() as conn:
        written = write_profiles(conn, features, new)
        return _tag_run(
            conn,
            started,
            time.perf_counter() - t0,
            user_id,
            as_of,
            tag_counts(tags, tier, lifecycle, mask),
            written,
        )


def assign_segments(
    conn: Connection,
    features: pd.DataFrame,
    as_of: date,
    k: int | None,
    seed: int,
    user_id: int | None,
) -> tuple[int, np.ndarray, object]:
    """Cluster every customer of ``features``, keep the identity of segments that match the
    last run and store the segments (not yet the customers' profiles).

    Returns (run id, segment id per row of ``features``, the fit).
    """
    t0 = time.perf_counter()
    started = datetime.now()
    matrix = segment_matrix(features)
    fit = fit_segments(matrix, k, seed)
    prof = profile(features, fit.labels)
    names = name_segments(prof)
    previous = _active_segments(conn)
    old_centroids = (
        pd.DataFrame(list(previous["centroid"]), index=previous["id"])
        if len(previous)
        else pd.DataFrame()
    )
    matched = match_to_previous(fit.centroids, old_centroids, fit.scale)
    run = conn.execute(
        insert(TaggingRun)
        .values(
            kind="segments",
            started_at=started,
            seconds=0.0,
            user_id=user_id,
            customers=len(features),
            as_of=as_of,
            k=fit.k,
            k_chosen_by=fit.chosen_by,
            silhouette=fit.silhouette,
            seed=seed,
            detail=json.dumps(
                {"silhouette_by_k": fit.silhouette_by_k, "features": list(matrix.columns)}
            ),
        )
        .returning(TaggingRun.id)
    ).scalar_one()
    codes = set(conn.execute(select(Segment.code)).scalars())
    kept = dict(zip(previous["id"], previous["name_zh"], strict=False)) if len(previous) else {}
    taken = {kept[matched[label]] for label in matched}
    segment_of: dict[int, int] = {}
    bank = prof.loc["bank"]
    for label in sorted(fit.centroids.index, key=lambda s: -prof.loc[s, "customers"]):
        row = prof.loc[label]
        values = dict(
            size=int(row["customers"]),
            deposit_share=float(row["deposit_share"]),
            centroid=json.dumps(fit.centroids.loc[label].round(6).to_dict()),
            profile=json.dumps({"segment": _plain(row), "bank": _plain(bank)}),
            last_run_id=run,
            active=True,
        )
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
        segment_of[label] = conn.execute(
            insert(Segment)
            .values(code=code, name_zh=zh, name_en=en, first_run_id=run, **values)
            .returning(Segment.id)
        ).scalar_one()
    gone = set(previous["id"]) - set(segment_of.values()) if len(previous) else set()
    if gone:
        conn.execute(
            update(Segment).where(Segment.id.in_(sorted(int(g) for g in gone))).values(active=False)
        )
    conn.execute(
        update(TaggingRun).where(TaggingRun.id == run).values(seconds=time.perf_counter() - t0)
    )
    ids = pd.Series(fit.labels).map(segment_of).to_numpy(dtype=np.int64)
    return run, ids, fit


def _active_segments(conn: Connection) -> pd.DataFrame:
    rows = conn.execute(
        select(Segment.id, Segment.name_zh, Segment.centroid).where(Segment.active)
    ).all()
    return pd.DataFrame(
        {
            "id": [r.id for r in rows],
            "name_zh": [r.name_zh for r in rows],
            "centroid": [json.loads(r.centroid) for r in rows],
        }
    )


def _plain(row: pd.Series) -> dict:
    return {k: (None if v != v else round(float(v), 6)) for k, v in row.items()}


def profile_customers(
    engine: Engine, actor, as_of: date | None = None, k: int | None = None, seed: int = DEFAULT_SEED
) -> ProfilingResult:
    """Tags, then segments, for every customer, in one transaction (what ``python -m core
    segment`` runs, as :data:`core.permissions.SYSTEM`). Head office only."""
    require_role(engine, actor, "segment_run", "hq")
    user_id = actor.user_id
    t0 = time.perf_counter()
    as_of = as_of or date.today()
    started = datetime.now()
    ensure_default_tags(engine)
    features = load_features(engine, as_of, with_tags=True, lean=True)
    if features.empty:
        raise ValueError("no customers to profile")
    tags = load_tags(engine)
    tier, lifecycle, mask = evaluate(tags, features)
    with engine.begin() as conn:
        tags_seconds = time.perf_counter() - t0
        segments_run, segment_ids, fit = assign_segments(conn, features, as_of, k, seed, user_id)
        new = pd.DataFrame(
            {
                "id": features["id"].to_numpy(),
                "tier": tier,
                "lifecycle": lifecycle,
                "tag_mask": mask,
                "segment_id": segment_ids,
            }
        )
        written = write_profiles(conn, features, new)
        tags_run = _tag_run(
            conn,
            started,
            tags_seconds,
            user_id,
            as_of,
            tag_counts(tags, tier, lifecycle, mask),
            written,
        )
        record(
            conn,
            user_id,
            "segment_run",
            "tagging_run",
            tags_run,
            {"as_of": as_of, "k": fit.k, "customers": len(features), "written": written},
        )
    old = features["segment_id"].to_numpy(dtype=float)
    moved = int((~(old == segment_ids)).sum())
    return ProfilingResult(
        len(features),
        tags_run,
        segments_run,
        fit.k,
        fit.silhouette,
        time.perf_counter() - t0,
        moved,
        written,
    )
