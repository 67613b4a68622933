"""Segments: planted clusters are recovered, names state real differences, identities survive
re-runs (pure and in the database)."""

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score
from sqlalchemy import text

from core.customers.segments import (
    fit_segments,
    match_to_previous,
    name_segments,
    profile,
    segment_matrix,
    traits,
)
from core.customers.tagging_run import load_segments, profile_customers
from core.permissions import SYSTEM
from tests.helpers import AS_OF, SEED

GROUPS = ("old_villagers", "young_town", "merchants", "prospects")


def planted(n_per_group: int = 400, seed: int = 3) -> tuple[pd.DataFrame, np.ndarray]:
    """Customers from four groups a banker would recognise, with noise."""
    rng = np.random.default_rng(seed)
    parts = []
    for g, name in enumerate(GROUPS):
        n = n_per_group
        base = {
            "old_villagers": dict(
                kind=0,
                status=0,
                location=2,
                age=68,
                deposit=6_000,
                mobile=False,
                txn=20,
                tenure=15 * 365,
                loan=0,
                other=0,
                acquiring=False,
            ),
            "young_town": dict(
                kind=0,
                status=0,
                location=0,
                age=28,
                deposit=25_000,
                mobile=True,
                txn=3,
                tenure=3 * 365,
                loan=0,
                other=5_000,
                acquiring=False,
            ),
            "merchants": dict(
                kind=1,
                status=0,
                location=1,
                age=45,
                deposit=150_000,
                mobile=True,
                txn=1,
                tenure=8 * 365,
                loan=200_000,
                other=80_000,
                acquiring=True,
            ),
            "prospects": dict(
                kind=0,
                status=2,
                location=2,
                age=35,
                deposit=0,
                mobile=False,
                txn=np.nan,
                tenure=np.nan,
                loan=0,
                other=40_000,
                acquiring=False,
            ),
        }[name]
        deposit = base["deposit"] * rng.lognormal(0, 0.3, n)
        parts.append(
            pd.DataFrame(
                {
                    "group": g,
                    "kind": base["kind"],
                    "status": base["status"],
                    "location": base["location"],
                    "age": base["age"] + rng.normal(0, 4, n),
                    "deposit": deposit,
                    "time_deposit": deposit * 0.3,
                    "wealth": 0.0,
                    "loan": base["loan"] * rng.lognormal(0, 0.2, n),
                    "credit_line": base["loan"] * 1.3,
                    "other_bank_deposit": base["other"] * rng.lognormal(0, 0.3, n),
                    "has_debit_card": base["status"] == 0,
                    "has_mobile_banking": base["mobile"],
                    "has_acquiring": base["acquiring"],
                    "has_etc": False,
                    "days_since_txn": base["txn"] * rng.uniform(0.5, 1.5, n),
                    "tenure_days": base["tenure"] * rng.uniform(0.8, 1.2, n),
                }
            )
        )
    frame = pd.concat(parts, ignore_index=True)
    return frame.drop(columns="group"), frame["group"].to_numpy()


def test_planted_clusters_are_recovered_with_k_chosen_by_silhouette():
    features, truth = planted()
    fit = fit_segments(segment_matrix(features), k=None, seed=11)
    assert fit.chosen_by == "silhouette" and fit.k == len(GROUPS)
    assert adjusted_rand_score(truth, fit.labels) >= 0.9
    assert fit.silhouette == max(fit.silhouette_by_k.values())


def test_the_same_seed_gives_the_same_segments():
    features, _ = planted()
    a = fit_segments(segment_matrix(features), k=4, seed=5)
    b = fit_segments(segment_matrix(features), k=4, seed=5)
    assert (a.labels == b.labels).all()
    assert a.chosen_by == "analyst"


def test_names_say_what_sets_each_planted_group_apart():
    features, truth = planted()
    prof = profile(features, truth)
    names = {GROUPS[g]: zh for g, (zh, _) in name_segments(prof).items()}
    assert {"乡村", "老年", "无手机银行"} <= set(names["old_villagers"].split("·"))
    assert {"县城", "青年"} <= set(names["young_town"].split("·"))
    assert "商户企业" in names["merchants"]
    assert "潜在客户" in names["prospects"]
    assert len(set(names.values())) == len(GROUPS)


def test_every_word_of_a_name_is_a_real_difference_from_the_bank():
    features, truth = planted(seed=8)
    prof = profile(features, truth)
    bank = prof.loc["bank"]
    for label in range(len(GROUPS)):
        row = prof.loc[label]
        for t in traits(row, bank):
            if t.measure == "age":
                assert abs(row["age"] - bank["age"]) >= 5
            elif t.measure == "deposit_median":
                ratio = (1 + row["deposit_median"]) / (1 + bank["deposit_median"])
                assert ratio >= 3 if t.direction == "high" else ratio <= 1 / 3
            elif t.measure in ("products", "idle_months", "tenure_years"):
                gap = row[t.measure] - bank[t.measure]
                step = {"products": 1.0, "idle_months": 6.0, "tenure_years": 4.0}[t.measure]
                assert abs(gap) >= step and (gap > 0) == (t.direction == "high")
            elif t.measure == "other_bank_mean":
                assert row["other_bank_mean"] >= 2 * bank["other_bank_mean"]
            else:  # shares: locations, prospects, businesses, loans, wealth, mobile
                gap = row[t.measure] - bank[t.measure]
                assert gap >= 0.1 if t.direction == "high" else gap <= -0.2


def test_a_cluster_keeps_the_identity_of_the_segment_it_continues():
    new = pd.DataFrame({"a": [0.1, 5.0, 50.0], "b": [1.0, 1.0, 1.0]})
    old = pd.DataFrame({"a": [5.2, 0.0], "b": [1.0, 1.0]}, index=[12, 11])
    assert match_to_previous(new, old, pd.Series({"a": 1.0, "b": 1.0})) == {0: 11, 1: 12}


# ---- in the database --------------------------------------------------------------------


def test_every_customer_has_a_segment_and_the_segments_add_up(seeded_engine):
    segments = load_segments(seeded_engine)
    with seeded_engine.connect() as conn:
        missing = conn.execute(
            text(
                "SELECT COUNT(*) FROM customer c LEFT JOIN customer_profile p "
                "ON p.customer_id = c.id WHERE p.segment_id IS NULL"
            )
        ).scalar_one()
        sizes = dict(
            conn.execute(
                text("SELECT segment_id, COUNT(*) FROM customer_profile GROUP BY segment_id")
            ).all()
        )
    assert missing == 0 and 4 <= len(segments) <= 10
    assert dict(zip(segments["id"], segments["size"], strict=False)) == sizes
    assert segments["deposit_share"].sum() == pytest.approx(1.0)
    assert segments["name_zh"].is_unique and segments["code"].is_unique


def test_rerunning_keeps_ids_codes_names_and_memberships(fresh_county):
    before = load_segments(fresh_county)
    result = profile_customers(fresh_county, SYSTEM, AS_OF, seed=SEED)  # the seed's own run
    after = load_segments(fresh_county)
    assert result.segments_written == 0 and result.profiles_written == 0
    assert after[["id", "code", "name_zh"]].equals(before[["id", "code", "name_zh"]])


def test_rerunning_after_the_data_moves_keeps_matched_segments(fresh_county):
    before = load_segments(fresh_county).set_index("id")
    with fresh_county.begin() as conn:  # some customers grow richer
        conn.execute(
            text("UPDATE customer SET deposit_balance = deposit_balance * 1.2 WHERE id % 10 = 0")
        )
    profile_customers(fresh_county, SYSTEM, AS_OF, seed=SEED)
    after = load_segments(fresh_county).set_index("id")
    kept = before.index.intersection(after.index)
    assert len(kept) >= len(before) - 1  # nearly every segment is recognised
    assert (after.loc[kept, "name_zh"] == before.loc[kept, "name_zh"]).all()
    assert (after.loc[kept, "code"] == before.loc[kept, "code"]).all()


def test_the_analyst_can_set_k(fresh_county):
    result = profile_customers(fresh_county, SYSTEM, AS_OF, k=5, seed=1)
    segments = load_segments(fresh_county)
    assert result.k == 5 and len(segments) == 5
    with fresh_county.connect() as conn:
        run = conn.execute(
            text("SELECT k, k_chosen_by FROM tagging_run WHERE kind = 'segments' ORDER BY id DESC")
        ).first()
    assert tuple(run) == (5, "analyst")
