"""Visit priority: overdue by tier frequency, each reason exactly when its condition holds."""

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from core.calendar import SPRING_FESTIVAL
from core.visits.priority import (
    REQUIRED_COLUMNS,
    WEIGHTS,
    pick_week,
    score_customers,
    spring_festival,
)

AS_OF = date(2026, 11, 23)


def customer(**changes) -> dict:
    """A plain customer who triggers nothing: basic, active, visited yesterday, no money."""
    row = dict(
        id=1,
        tier="basic",
        status="active",
        last_visit_on=AS_OF - timedelta(days=1),
        aum=1_000.0,
        deposit_balance=1_000.0,
        other_bank_deposit=0.0,
        has_mobile_banking=True,
        has_acquiring=False,
        has_etc=False,
        has_debit_card=True,
        kind="individual",
        age=40.0,
        days_to_maturity=np.nan,
        is_migrant=False,
        in_campaign=False,
        credit_line=0.0,
        loan_balance=0.0,
    )
    row.update(changes)
    return row


def score(*rows, as_of=AS_OF, **kwargs) -> pd.DataFrame:
    frame = pd.DataFrame([customer(id=i + 1, **r) for i, r in enumerate(rows)])
    return score_customers(frame, as_of, **kwargs)


def one(as_of=AS_OF, **changes) -> pd.Series:
    return score(changes, as_of=as_of).iloc[0]


# --- overdue by tier frequency ----------------------------------------------------------


def test_high_end_visited_40_days_ago_is_about_10_days_overdue():
    row = one(tier="high", last_visit_on=AS_OF - timedelta(days=40))
    assert row["overdue_days"] == 10  # due 30 days (365 / 12) after the visit
    assert row["due_on"] == pd.Timestamp(AS_OF - timedelta(days=10))
    assert row["reasons"].startswith("逾期走访 10 天(高端客户每月一次)")
    assert row["reasons_en"].startswith("visit overdue 10 days (high-end: monthly)")


@pytest.mark.parametrize(
    "tier, days_ago, overdue",
    [
        ("basic", 200, 0),
        ("basic", 400, 35),
        ("core", 91, 0),
        ("core", 100, 9),
        ("high", 30, 0),
        ("high", 31, 1),
    ],
)
def test_overdue_follows_the_tier_interval(tier, days_ago, overdue):
    row = one(tier=tier, last_visit_on=AS_OF - timedelta(days=days_ago))
    assert row["overdue_days"] == overdue
    assert row["reasons"].startswith("逾期走访") == (overdue > 0)


def test_frequency_setting_changes_the_due_date(monkeypatch):
    monkeypatch.setenv("GM_VISITS_PER_YEAR", "24,4,1")  # high-end twice a month
    row = one(tier="high", last_visit_on=AS_OF - timedelta(days=20))
    assert row["overdue_days"] == 5  # 365 / 24 = 15 days
    assert "每年 24 次" in row["reasons"]
    assert (
        one(
            tier="basic",
            last_visit_on=AS_OF - timedelta(days=400),
        ).pipe(lambda r: r["overdue_days"])
        == 35
    )
    assert (
        score(
            dict(tier="basic", last_visit_on=AS_OF - timedelta(days=400)),
            visits_per_year=(12, 4, 0),
        ).iloc[0]["overdue_days"]
        == 0
    )  # never due


def test_never_visited_is_due_now():
    row = one(tier="core", last_visit_on=None)
    assert row["overdue_days"] == 0 and row["due_on"] == pd.Timestamp(AS_OF)
    assert row["reasons"] == "从未走访(核心客户每季度一次)"
    value = WEIGHTS["value"] * np.log10(1.1) / np.log10(101)  # AUM 1,000 yuan
    assert row["score"] == pytest.approx(WEIGHTS["overdue"] / 2 + value, abs=0.05)


def test_overdue_points_are_full_at_one_whole_interval():
    late = one(tier="high", last_visit_on=AS_OF - timedelta(days=60))  # 30 days late
    later = one(tier="high", last_visit_on=AS_OF - timedelta(days=300))
    assert late["score"] == later["score"]


# --- each reason exactly when its condition holds ---------------------------------------

REASONS = [
    # (changes that trigger it, near miss, zh text, en text, product or None)
    (
        dict(days_to_maturity=12),
        dict(days_to_maturity=31),
        "定期/理财 12 天后到期",
        "matures in 12 days",
        "time_deposit",
    ),
    (
        dict(other_bank_deposit=120_000),
        dict(other_bank_deposit=9_999),
        "他行存款 12.0 万元",
        "12.0 万元 at other banks",
        "time_deposit",
    ),
    (dict(aum=352_000), dict(aum=49_999), "资产 35.2 万元", "AUM 35.2 万元", None),
    (
        dict(has_mobile_banking=False, age=59),
        dict(has_mobile_banking=False, age=60),
        "未开通手机银行",
        "no mobile banking",
        "mobile_banking",
    ),
    (
        dict(kind="merchant", has_acquiring=False),
        dict(kind="merchant", has_acquiring=True),
        "商户未开通收单",
        "merchant without acquiring",
        "acquiring",
    ),
    (
        dict(credit_line=150_000, loan_balance=30_000),
        dict(credit_line=150_000, loan_balance=80_000),
        "授信未用 12.0 万元",
        "12.0 万元 of credit line unused",
        "loan",
    ),
    (
        dict(has_debit_card=False),
        dict(has_debit_card=False, kind="corporate"),
        "未办借记卡",
        "no debit card",
        "debit_card",
    ),
    (
        dict(kind="corporate", has_etc=False),
        dict(kind="individual", has_etc=False),
        "未办ETC",
        "no ETC",
        "etc",
    ),
    (dict(status="dormant"), dict(status="potential"), "睡眠客户待激活", "dormant", None),
    (dict(in_campaign=True), dict(in_campaign=False), "营销活动客户", "in a campaign", None),
]


@pytest.mark.parametrize("trigger, miss, zh, en, product", REASONS, ids=[r[2] for r in REASONS])
def test_each_reason_appears_exactly_when_its_condition_holds(trigger, miss, zh, en, product):
    hit, near = one(**trigger), one(**miss)
    assert zh in hit["reasons"] and en in hit["reasons_en"]
    assert zh not in near["reasons"] and en not in near["reasons_en"]
    assert hit["score"] > near["score"]


def test_a_customer_with_nothing_to_say_has_no_reason():
    row = one()
    assert row["reasons"] == "" and row["reasons_en"] == ""
    assert row["score"] == pytest.approx(WEIGHTS["value"] * np.log10(1.1) / np.log10(101), abs=0.05)


def test_merchant_of_unknown_age_without_mobile_banking_is_a_gap():
    row = one(kind="merchant", has_acquiring=True, age=np.nan, has_mobile_banking=False)
    assert "未开通手机银行" in row["reasons"]
    assert "未开通手机银行" not in one(age=np.nan, has_mobile_banking=False)["reasons"]


# --- Spring Festival --------------------------------------------------------------------


def test_spring_festival_table_and_window():
    assert set(range(2025, 2031)) <= set(SPRING_FESTIVAL)
    festival = SPRING_FESTIVAL[2027]
    assert spring_festival(festival - timedelta(days=20)) == festival
    assert spring_festival(festival + timedelta(days=15)) == festival
    assert spring_festival(festival - timedelta(days=21)) is None
    assert spring_festival(festival + timedelta(days=16)) is None
    assert spring_festival(date(2026, 12, 31)) is None


def test_migrant_worker_home_for_spring_festival():
    during = date(2027, 1, 27)
    row = one(as_of=during, is_migrant=True)
    assert "春节返乡(2027-02-06 春节)" in row["reasons"]
    assert "春节返乡" not in one(as_of=AS_OF, is_migrant=True)["reasons"]
    assert "春节返乡" not in one(as_of=during, is_migrant=False)["reasons"]


# --- ordering, bounds, capacity ---------------------------------------------------------


def test_sorted_by_score_and_bounded():
    ranked = score(
        dict(),
        dict(
            tier="high",
            last_visit_on=None,
            other_bank_deposit=5e6,
            aum=5e6,
            has_mobile_banking=False,
            kind="merchant",
            age=np.nan,
            days_to_maturity=3,
            is_migrant=True,
            in_campaign=True,
            credit_line=3e5,
            has_debit_card=False,
            status="dormant",
        ),
        dict(tier="core", last_visit_on=AS_OF - timedelta(days=200)),
        as_of=date(2027, 1, 27),
    )
    assert ranked["id"].tolist() == [2, 3, 1]
    assert ranked["score"].is_monotonic_decreasing
    assert ranked["score"].between(0, 100).all()
    assert ranked["score"].iat[0] == pytest.approx(85.0)  # 15 + 20 + 15 + 15 + 12 + 8


def test_ties_go_to_the_more_overdue_then_the_lower_id():
    ranked = score(
        dict(), dict(), dict(tier="high", last_visit_on=AS_OF - timedelta(days=400), aum=0.0)
    )
    assert ranked["id"].tolist()[1:] == [1, 2]


def test_pick_week_takes_the_top_capacity(monkeypatch):
    rows = [dict(other_bank_deposit=10_000.0 * i) for i in range(50)]
    ranked = score(*rows)
    week = pick_week(ranked)
    assert len(week) == 36
    assert week["id"].tolist() == ranked["id"].tolist()[:36]
    assert week["score"].min() >= ranked["score"].iloc[36:].max()
    shuffled = ranked.sample(frac=1, random_state=0)
    assert pick_week(shuffled)["id"].tolist() == week["id"].tolist()
    assert set(pick_week(ranked, capacity=5)["id"]) <= set(range(44, 51))  # the most elsewhere
    monkeypatch.setenv("GM_VISITS_PER_WEEK", "10")
    assert len(pick_week(ranked)) == 10
    assert len(pick_week(ranked.head(3))) == 3
    with pytest.raises(ValueError):
        pick_week(ranked, capacity=-1)


def test_input_is_kept_and_extra_columns_pass_through():
    frame = pd.DataFrame([customer(id=7, name="张三")])
    ranked = score_customers(frame, AS_OF)
    assert ranked["name"].tolist() == ["张三"]
    assert set(REQUIRED_COLUMNS) <= set(ranked.columns)
    assert list(frame.columns) == [*customer().keys(), "name"]  # the input is not changed


@pytest.mark.parametrize(
    "frame, error, match",
    [
        ([customer()], TypeError, "DataFrame"),
        (pd.DataFrame([customer()]).drop(columns="aum"), ValueError, "aum"),
        (pd.DataFrame([customer(tier="vip")]), ValueError, "tier"),
    ],
)
def test_bad_input(frame, error, match):
    with pytest.raises(error, match=match):
        score_customers(frame, AS_OF)
