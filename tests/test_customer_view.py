"""The customer view: scope, masking, audit, everything it shows; and its recommendations."""

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import text

from core.customers.customer_view import customer_rows, find_customers, load_customer
from core.customers.recommend import recommend
from core.scope import Scope
from tests.helpers import AS_OF


def a_customer(engine, where: str = "1 = 1"):
    with engine.connect() as conn:
        return conn.execute(
            text(
                f"SELECT id, branch_id, manager_id, phone, name FROM customer WHERE {where} "
                "AND status = 'active' AND grid2_id IS NOT NULL ORDER BY deposit_balance DESC"
            )
        ).first()


def test_out_of_scope_customers_are_not_shown(seeded_engine):
    c = a_customer(seeded_engine, "branch_id = 1")
    with seeded_engine.connect() as conn:
        other_manager = conn.execute(
            text("SELECT id FROM manager WHERE branch_id = 1 AND id <> :m"), {"m": c.manager_id}
        ).scalar()
    assert load_customer(seeded_engine, Scope("branch", branch_id=2), c.id, AS_OF) is None
    assert load_customer(seeded_engine, Scope("manager", 1, other_manager), c.id, AS_OF) is None
    assert load_customer(seeded_engine, Scope("branch", branch_id=1), c.id, AS_OF) is not None


def test_contact_details_only_for_the_customers_own_manager(seeded_engine):
    c = a_customer(seeded_engine)
    own = load_customer(seeded_engine, Scope("manager", c.branch_id, c.manager_id), c.id, AS_OF)
    leader = load_customer(seeded_engine, Scope("branch", branch_id=c.branch_id), c.id, AS_OF)
    office = load_customer(seeded_engine, Scope("hq"), c.id, AS_OF)
    assert own["profile"]["phone"] == c.phone and own["profile"]["contact_shown"]
    assert leader["profile"]["phone"] != c.phone and "****" in leader["profile"]["phone"]
    assert leader["profile"]["name"] == c.name  # the branch leader knows their customers
    assert office["profile"]["name"] != c.name and "*" in office["profile"]["name"]
    for view in (own, leader, office):
        assert "********" in view["profile"]["id_number"]


def test_the_view_holds_everything_and_is_logged(seeded_engine):
    c = a_customer(seeded_engine, "opened_on < '2025-10-01'")
    with seeded_engine.connect() as conn:
        logged = conn.execute(
            text("SELECT COUNT(*) FROM audit_log WHERE action = 'view_customer'")
        ).scalar()
    view = load_customer(seeded_engine, Scope("hq"), c.id, AS_OF, user_id=1)
    assert view["tier"] is not None and view["lifecycle"] is not None
    assert view["segment"]["code"].startswith("S")
    assert len(view["trend"]) == 12  # an active customer of long standing: a full year
    assert view["trend"]["month"].is_monotonic_increasing
    assert not view["holdings"].empty and view["grid"]["grid2"]
    assert view["grid"]["post_a"] is not None
    assert view["visits"]["visited_at"].is_monotonic_decreasing
    with seeded_engine.connect() as conn:
        now = conn.execute(
            text("SELECT COUNT(*) FROM audit_log WHERE action = 'view_customer'")
        ).scalar()
        latest = conn.execute(
            text(
                "SELECT entity_id, user_id FROM audit_log WHERE action = "
                "'view_customer' ORDER BY id DESC"
            )
        ).first()
    assert now == logged + 1 and tuple(latest) == (str(c.id), 1)


def test_search_and_table_rows_stay_in_scope_and_masked(seeded_engine):
    c = a_customer(seeded_engine, "branch_id = 2")
    with seeded_engine.connect() as conn:
        cust_no = conn.execute(
            text("SELECT cust_no FROM customer WHERE id = :i"), {"i": c.id}
        ).scalar()
    assert find_customers(seeded_engine, Scope("branch", branch_id=1), cust_no).empty
    found = find_customers(seeded_engine, Scope("branch", branch_id=2), cust_no)
    assert found["id"].tolist() == [c.id]
    with seeded_engine.connect() as conn:
        elsewhere = conn.execute(text("SELECT id FROM customer WHERE branch_id <> 2")).scalar()
    rows = customer_rows(seeded_engine, Scope("branch", branch_id=2), [elsewhere, c.id])
    assert rows["id"].tolist() == [c.id]  # the other branch's customer is left out
    assert all("*" in n for n in rows["name"]) and all("****" in p for p in rows["phone"])


FEATURES = {
    "status": 0,
    "kind": 0,
    "age": 40.0,
    "has_debit_card": True,
    "has_mobile_banking": True,
    "has_acquiring": False,
    "has_etc": False,
    "deposit": 20_000.0,
    "loan": 0.0,
    "credit_line": 0.0,
    "wealth": 0.0,
    "time_deposit": 0.0,
    "other_bank_deposit": 0.0,
    "days_to_maturity": np.nan,
    "segment_id": 1,
}


@pytest.mark.parametrize(
    "change, product, words",
    [
        ({"days_to_maturity": 9.0}, "renewal", "9 天后到期"),
        ({"other_bank_deposit": 120_000.0}, "time_deposit", "他行存款约 12.0 万元"),
        (
            {"status": 2, "has_debit_card": False, "has_mobile_banking": False},
            "debit_card",
            "潜在客户",
        ),
        ({"kind": 1}, "acquiring", "未开通收单"),
        ({"has_mobile_banking": False}, "mobile_banking", "同类客群开通率 70%"),
        ({"credit_line": 200_000.0, "loan": 20_000.0}, "loan", "仅用信 10%"),
        ({}, "wealth", "同类客群 55% 已持有理财"),
        ({"deposit": 300_000.0, "other_bank_deposit": 80_000.0}, "wealth", "高端客户"),
        ({"kind": 2}, "etc", "经营车辆可办ETC"),
    ],
)
def test_each_offer_comes_with_its_reason(change, product, words):
    peers = pd.DataFrame(
        {
            "debit_card": [0.9],
            "mobile_banking": [0.7],
            "acquiring": [0.0],
            "etc": [0.1],
            "time_deposit": [0.2],
            "wealth": [0.55],
            "loan": [0.1],
            "credit_line": [0.1],
        },
        index=[1],
    )
    offers = recommend(pd.DataFrame([{**FEATURES, **change}]), peers)[0]
    match = [o for o in offers if o.product == product]
    assert match and words in match[0].reason_zh and match[0].reason_en


def test_no_mobile_banking_push_for_the_very_old_and_no_offer_without_a_reason():
    offers = recommend(pd.DataFrame([{**FEATURES, "age": 82.0, "has_mobile_banking": False}]))
    assert offers == [[]]


def test_a_migrant_worker_home_for_spring_festival_gets_a_time_deposit_offer():
    from datetime import date

    row = pd.DataFrame([{**FEATURES, "is_migrant": True}])
    during = recommend(row, as_of=date(2027, 1, 27))[0]
    assert [o.product for o in during] == ["time_deposit"]
    assert "春节(2027-02-06)返乡" in during[0].reason_zh
    assert recommend(row, as_of=date(2026, 11, 23)) == [[]]
