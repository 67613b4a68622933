"""Tags as data: every default tag on hand-made customers, thresholds edited in the database,
and the recomputation for every customer."""

import json

import pandas as pd
import pytest
from sqlalchemy import text

from core.customers.tagging_run import recompute_tags
from core.customers.tags import (
    default_tags,
    evaluate,
    flags_of,
    load_tags,
    mask_of,
    save_params,
    with_params,
)
from core.permissions import SYSTEM, Actor
from tests.helpers import AS_OF

J = "customer c JOIN customer_profile p ON p.customer_id = c.id"

NAN = float("nan")
BASE = {  # an ordinary existing customer: 40, 30,000 yuan, mobile banking, nothing special
    "id": 1,
    "kind": 0,
    "status": 0,
    "age": 40.0,
    "is_migrant": False,
    "deposit": 30_000.0,
    "time_deposit": 0.0,
    "loan": 0.0,
    "credit_line": 0.0,
    "wealth": 0.0,
    "aum": 30_000.0,
    "other_bank_deposit": 0.0,
    "other_bank_loan": 0.0,
    "has_debit_card": True,
    "has_mobile_banking": True,
    "has_acquiring": False,
    "has_etc": False,
    "tenure_days": 2_000.0,
    "days_since_txn": 5.0,
    "days_since_visit": 30.0,
    "days_to_maturity": NAN,
    "deposit_6m_ago": 30_000.0,
}


def customers(*changes: dict) -> pd.DataFrame:
    rows = []
    for i, change in enumerate(changes):
        row = {**BASE, **change, "id": i + 1}
        row["aum"] = row["deposit"] + row["wealth"]
        rows.append(row)
    return pd.DataFrame(rows)


def tag(code):
    return next(t for t in default_tags() if t.code == code)


def flags(frame: pd.DataFrame) -> list[set[str]]:
    tags = default_tags()
    _, _, mask = evaluate(tags, frame)
    return [{t.code for t in flags_of(m, tags)} for m in mask]


@pytest.mark.parametrize(
    "aum, tier",
    [
        (250_000, "high"),
        (200_000, "high"),
        (199_999, "core"),
        (50_000, "core"),
        (49_999, "basic"),
        (0, "basic"),
    ],
)
def test_tier_by_aum_thresholds(aum, tier):
    tiers, _, _ = evaluate(default_tags(), customers({"deposit": float(aum)}))
    assert tiers.tolist() == [tier]


def test_wealth_counts_towards_aum():
    tiers, _, _ = evaluate(default_tags(), customers({"deposit": 150_000.0, "wealth": 60_000.0}))
    assert tiers.tolist() == ["high"]


@pytest.mark.parametrize(
    "change, stage",
    [
        ({"status": 2, "deposit": 0.0, "tenure_days": NAN, "days_since_txn": NAN}, "potential"),
        ({"tenure_days": 100.0, "deposit": 500_000.0}, "new"),  # new beats high value
        ({"deposit": 10_000.0, "deposit_6m_ago": 20_000.0}, "at_risk"),  # fell 50 %
        ({"deposit": 8_000.0, "deposit_6m_ago": 9_000.0}, "maintain"),  # small balance: no alarm
        ({"days_since_txn": 200.0}, "at_risk"),  # idle half a year
        ({"deposit": 80_000.0, "deposit_6m_ago": 90_000.0}, "high_value"),  # fell 11 %: fine
        ({}, "maintain"),
    ],
)
def test_lifecycle_first_matching_stage_wins(change, stage):
    _, stages, _ = evaluate(default_tags(), customers(change))
    assert stages.tolist() == [stage]


@pytest.mark.parametrize(
    "code, hit, miss",
    [
        ("dormant", {"days_since_txn": 400.0}, {"days_since_txn": 300.0}),
        (
            "elderly_no_mobile",
            {"age": 66.0, "has_mobile_banking": False},
            {"age": 59.0, "has_mobile_banking": False},
        ),
        (
            "merchant_no_acquiring",
            {"kind": 1, "has_acquiring": False},
            {"kind": 1, "has_acquiring": True},
        ),
        ("other_bank_funds", {"other_bank_deposit": 80_000.0}, {"other_bank_deposit": 49_000.0}),
        ("spring_return", {"is_migrant": True}, {"is_migrant": False}),
        (
            "unused_credit",
            {"credit_line": 200_000.0, "loan": 20_000.0},
            {"credit_line": 200_000.0, "loan": 150_000.0},
        ),
        ("maturing", {"days_to_maturity": 12.0}, {"days_to_maturity": 45.0}),
    ],
)
def test_each_flag_on_a_customer_that_has_it_and_one_that_just_misses(code, hit, miss):
    got = flags(customers(hit, miss, {}))
    assert code in got[0]
    assert code not in got[1]
    assert code not in got[2]


def test_prospects_are_never_dormant_or_elderly_without_mobile():
    got = flags(
        customers(
            {
                "status": 2,
                "age": 70.0,
                "has_mobile_banking": False,
                "days_since_txn": NAN,
                "tenure_days": NAN,
            }
        )
    )
    assert got == [set()]


def test_a_threshold_change_moves_customers():
    frame = customers({"other_bank_deposit": 30_000.0})
    tags = [
        with_params(t, min_amount=20_000) if t.code == "other_bank_funds" else t
        for t in default_tags()
    ]
    _, _, mask = evaluate(tags, frame)
    assert "other_bank_funds" in {t.code for t in flags_of(mask[0], tags)}
    assert (
        next(t for t in tags if t.code == "other_bank_funds").description("zh")
        == "他行存款 ≥ 20,000 元"
    )


def test_mask_of_and_flags_of_agree():
    tags = default_tags()
    m = mask_of(["dormant", "maturing"], tags)
    assert {t.code for t in flags_of(m, tags)} == {"dormant", "maturing"}
    with pytest.raises(ValueError, match="unknown tags"):
        mask_of(["nope"], tags)


# ---- in the database --------------------------------------------------------------------


def test_seeded_customers_carry_tags(seeded_engine):
    with seeded_engine.connect() as conn:
        tiers = dict(
            conn.execute(text("SELECT tier, COUNT(*) FROM customer_profile GROUP BY tier")).all()
        )
        stages = dict(
            conn.execute(
                text("SELECT lifecycle, COUNT(*) FROM customer_profile GROUP BY lifecycle")
            ).all()
        )
        potential = conn.execute(
            text("SELECT COUNT(*) FROM customer WHERE status = 'potential'")
        ).scalar_one()
    assert None not in tiers and set(tiers) == {"high", "core", "basic"}
    assert stages["potential"] == potential
    assert {"new", "at_risk", "high_value", "maintain"} <= set(stages)
    # the planted declines of the demo history show up as at-risk customers
    assert stages["at_risk"] > 0


def test_bad_thresholds_are_refused_and_nothing_is_saved(fresh_county):
    before = {t.code: t.params for t in load_tags(fresh_county)}
    problems = save_params(
        fresh_county,
        {
            "dormant": {"min_days": -3},
            "maturing": {"max_days": "soon"},
            "high": {"min_aum": 10_000},
            "unused_credit": {"max_used_pct": 140},
            "ghost": {"x": 1},
        },
        Actor(1, SYSTEM.scope),
    )
    text_ = " / ".join(problems)
    assert "min_days 应为非负数" in text_ and "max_days 应为数字" in text_
    assert "高端客户的AUM门槛应高于核心客户" in text_ and "不能超过 100" in text_
    assert "未知标签 ghost" in text_
    assert {t.code: t.params for t in load_tags(fresh_county)} == before


def test_saved_thresholds_recompute_every_customer_and_are_audited(fresh_county):
    with fresh_county.connect() as conn:
        before = conn.execute(
            text("SELECT COUNT(*) FROM customer_profile WHERE tier = 'high'")
        ).scalar()
    assert save_params(fresh_county, {"high": {"min_aum": 100_000}}, Actor(1, SYSTEM.scope)) == []
    run = recompute_tags(fresh_county, Actor(1, SYSTEM.scope), AS_OF)
    with fresh_county.connect() as conn:
        after = conn.execute(
            text("SELECT COUNT(*) FROM customer_profile WHERE tier = 'high'")
        ).scalar()
        wrong = conn.execute(
            text(
                f"SELECT COUNT(*) FROM {J} WHERE p.tier = 'high' "
                "AND c.deposit_balance + c.wealth_balance < 100000"
            )
        ).scalar()
        detail = json.loads(
            conn.execute(text("SELECT detail FROM tagging_run WHERE id = :r"), {"r": run}).scalar()
        )
        audit = conn.execute(
            text("SELECT detail FROM audit_log WHERE action = 'tag_params'")
        ).scalar()
    assert after > before and wrong == 0
    assert detail["counts"]["high"] == after and detail["written"] > 0
    assert json.loads(audit) == {"old": {"min_aum": 200000.0}, "new": {"min_aum": 100000.0}}
