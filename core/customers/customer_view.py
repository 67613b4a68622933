"""One customer at a glance (一图识客户): profile, tags and segment, holdings here and at other
banks, the balance trend, visits, grid and managers, and what to offer next.

Only customers of the caller's scope are shown, masked by :mod:`core.masking`'s policy:
contact details (phone, address) in full only to the customer's own manager; the ID number
always masked; head office sees the name masked too. Every view and every search is written
to the audit log.
"""

from __future__ import annotations

import json
from datetime import date, datetime

import pandas as pd
from sqlalchemy import Engine, insert, select
from sqlalchemy.orm import aliased

from core.customers.features import load_features
from core.customers.recommend import recommend
from core.customers.tagging_run import load_segments, segment_peers
from core.customers.tags import flags_of, load_tags
from core.db import read_frame, write_retrying
from core.masking import (
    apply_policy,
    mask_address,
    mask_id_number,
    mask_name,
    mask_phone,
    name_search_exact,
    shows,
)
from core.models import (
    AuditLog,
    BalanceMonth,
    Branch,
    Customer,
    CustomerProfile,
    Grid,
    GridStaff,
    Holding,
    Manager,
    OtherBankFund,
    Segment,
    Visit,
)
from core.permissions import record
from core.scope import Scope

VISITS_SHOWN = 20


def find_customers(
    engine: Engine, scope: Scope, query: str, limit: int = 20, user_id: int | None = None
) -> pd.DataFrame:
    """Customers of the scope whose customer number starts with ``query`` or whose name
    matches it (id, cust_no, name masked as the scope sees it, branch). Every search is
    written to the audit log with its query and the number of customers found.

    Whoever sees names masked (head office) finds by the *full* name only: a part of a name
    would let them rebuild a masked name character by character.
    """
    q = query.strip()[:100]
    if not q:
        return pd.DataFrame(columns=["id", "cust_no", "name", "branch"])
    exact = name_search_exact(scope)
    by_name = Customer.name == q if exact else Customer.name.contains(q, autoescape=True)
    stmt = (
        select(
            Customer.id,
            Customer.cust_no,
            Customer.name,
            Customer.manager_id,
            Branch.name.label("branch"),
        )
        .outerjoin(Branch, Branch.id == Customer.branch_id)
        .where(
            scope.where(Customer.branch_id, Customer.manager_id),
            Customer.cust_no.startswith(q, autoescape=True) | by_name,
        )
        .order_by(Customer.cust_no)
        .limit(limit)
    )
    with engine.connect() as conn:
        df = read_frame(conn, stmt)
    detail = {"query": q, "found": len(df), "exact_name": exact, "scope": scope.role}

    def audit(e: Engine) -> None:  # no search without its audit row (retried when busy)
        with e.begin() as conn:
            record(conn, user_id, "search_customer", "customer", detail=detail)

    write_retrying(engine, audit)
    return apply_policy(scope, df).drop(columns="manager_id")


def _sees_name(scope: Scope) -> bool:
    return shows(scope, "name")


def _sees_contact(scope: Scope, manager_id) -> bool:
    return shows(scope, "phone", manager_id)


def load_customer(
    engine: Engine,
    scope: Scope,
    customer_id: int,
    as_of: date | None = None,
    user_id: int | None = None,
) -> dict | None:
    """Everything the customer view shows, or None when the customer is outside ``scope``.

    Keys: profile (dict), tier, lifecycle, flags (list of TagDef), segment (dict or None),
    holdings, other_banks, trend, visits (DataFrames), grid (dict), offers (list of Offer).
    """
    as_of = as_of or date.today()
    grid2, grid1 = aliased(Grid), aliased(Grid)
    with engine.connect() as conn:
        row = conn.execute(
            select(
                Customer.__table__,
                CustomerProfile.tier,
                CustomerProfile.lifecycle,
                CustomerProfile.tag_mask,
                CustomerProfile.segment_id,
                Branch.name.label("branch"),
                Manager.name.label("manager"),
                grid2.name.label("grid2"),
                grid1.name.label("grid1"),
            )
            .outerjoin(CustomerProfile, CustomerProfile.customer_id == Customer.id)
            .outerjoin(Branch, Branch.id == Customer.branch_id)
            .outerjoin(Manager, Manager.id == Customer.manager_id)
            .outerjoin(grid2, grid2.id == Customer.grid2_id)
            .outerjoin(grid1, grid1.id == Customer.grid1_id)
            .where(Customer.id == customer_id, scope.where(Customer.branch_id, Customer.manager_id))
        ).first()
        if row is None:
            return None
        c = dict(row._mapping)
        posts = (
            dict(
                conn.execute(
                    select(GridStaff.post, Manager.name)
                    .join(Manager, Manager.id == GridStaff.manager_id)
                    .where(GridStaff.grid_id == c["grid2_id"])
                ).all()
            )
            if c["grid2_id"]
            else {}
        )
        holdings = read_frame(
            conn,
            select(
                Holding.product, Holding.balance, Holding.opened_on, Holding.matures_on, Holding.npl
            )
            .where(Holding.customer_id == customer_id)
            .order_by(Holding.product),
        )
        other = read_frame(
            conn,
            select(
                OtherBankFund.bank_name,
                OtherBankFund.kind,
                OtherBankFund.amount,
                OtherBankFund.noted_on,
            )
            .where(OtherBankFund.customer_id == customer_id)
            .order_by(OtherBankFund.amount.desc()),
        )
        trend = read_frame(
            conn,
            select(
                BalanceMonth.month,
                BalanceMonth.deposit_balance,
                BalanceMonth.loan_balance,
                BalanceMonth.wealth_balance,
            )
            .where(BalanceMonth.customer_id == customer_id)
            .order_by(BalanceMonth.month),
        )
        visits = read_frame(
            conn,
            select(
                Visit.visited_at,
                Manager.name.label("manager"),
                Visit.channel,
                Visit.outcome,
                Visit.products,
                Visit.amount,
                Visit.notes,
            )
            .join(Manager, Manager.id == Visit.manager_id)
            .where(Visit.customer_id == customer_id)
            .order_by(Visit.visited_at.desc())
            .limit(VISITS_SHOWN),
        )
        segment = None
        if c["segment_id"] is not None:
            s = conn.execute(
                select(
                    Segment.id, Segment.code, Segment.name_zh, Segment.name_en, Segment.profile
                ).where(Segment.id == c["segment_id"])
            ).first()
            segment = dict(s._mapping) if s else None
        conn.execute(
            insert(AuditLog).values(
                at=datetime.now(),
                user_id=user_id,
                action="view_customer",
                entity="customer",
                entity_id=str(customer_id),
                detail=json.dumps({"scope": scope.role}),
            )
        )
        conn.commit()
    tags = load_tags(engine)
    contact = _sees_contact(scope, c["manager_id"])
    profile = {
        "cust_no": c["cust_no"],
        "kind": c["kind"],
        "status": c["status"],
        "name": c["name"] if _sees_name(scope) else mask_name(c["name"]),
        "id_number": mask_id_number(c["id_number"]),
        "phone": c["phone"] if contact else mask_phone(c["phone"]),
        "address": c["address"] if contact else mask_address(c["address"]),
        "gender": c["gender"],
        "age": as_of.year - c["birth_year"] if c["birth_year"] else None,
        "occupation": c["occupation"],
        "industry": c["industry"],
        "opened_on": c["opened_on"],
        "last_txn_on": c["last_txn_on"],
        "last_visit_on": c["last_visit_on"],
        "deposit": c["deposit_balance"],
        "time_deposit": c["time_deposit_balance"],
        "loan": c["loan_balance"],
        "credit_line": c["credit_line"],
        "wealth": c["wealth_balance"],
        "other_bank_deposit": c["other_bank_deposit"],
        "other_bank_loan": c["other_bank_loan"],
        "products": {
            p: bool(c[p])
            for p in ("has_debit_card", "has_mobile_banking", "has_acquiring", "has_etc")
        },
        "contact_shown": contact,
    }
    tier = next((t for t in tags if t.category == "tier" and t.code == c["tier"]), None)
    lifecycle = next(
        (t for t in tags if t.category == "lifecycle" and t.code == c["lifecycle"]), None
    )
    grid = {
        "grid2": c["grid2"],
        "grid1": c["grid1"],
        "branch": c["branch"],
        "manager": c["manager"],
        "post_a": posts.get("A"),
        "post_b": posts.get("B"),
        "grid2_id": c["grid2_id"],
    }
    return {
        "profile": profile,
        "tier": tier,
        "lifecycle": lifecycle,
        "flags": flags_of(c["tag_mask"] or 0, tags),
        "segment": segment,
        "holdings": holdings,
        "other_banks": other,
        "trend": trend,
        "visits": visits,
        "grid": grid,
        "offers": offers_for(engine, customer_id, as_of, c["segment_id"]),
    }


def offers_for(engine: Engine, customer_id: int, as_of: date, segment_id: int | None) -> list:
    """What to offer one customer, judged against what their segment holds."""
    features = load_features(engine, as_of, with_tags=True, ids=[customer_id], lean=True)
    peers = None
    if segment_id is not None:
        peers = segment_peers(load_segments(engine, active_only=False))
    return recommend(features, peers)[0]


def customer_rows(engine: Engine, scope: Scope, ids: list[int]) -> pd.DataFrame:
    """Rows of a customer table for these ids, in their order, limited to ``scope``; names
    and phones masked (a list is for choosing, the customer view for knowing).

    Columns: id, cust_no, name, kind, tier, lifecycle, segment_id, branch, manager, grid,
    deposit, aum, other_bank_deposit (yuan), phone.
    """
    if not ids:
        return pd.DataFrame(
            columns=[
                "id",
                "cust_no",
                "name",
                "kind",
                "tier",
                "lifecycle",
                "segment_id",
                "branch",
                "manager",
                "grid",
                "deposit",
                "aum",
                "other_bank_deposit",
                "phone",
            ]
        )
    stmt = (
        select(
            Customer.id,
            Customer.cust_no,
            Customer.name,
            Customer.kind,
            CustomerProfile.tier,
            CustomerProfile.lifecycle,
            CustomerProfile.segment_id,
            Branch.name.label("branch"),
            Manager.name.label("manager"),
            Grid.name.label("grid"),
            Customer.deposit_balance.label("deposit"),
            (Customer.deposit_balance + Customer.wealth_balance).label("aum"),
            Customer.other_bank_deposit,
            Customer.phone,
        )
        .outerjoin(CustomerProfile, CustomerProfile.customer_id == Customer.id)
        .outerjoin(Branch, Branch.id == Customer.branch_id)
        .outerjoin(Manager, Manager.id == Customer.manager_id)
        .outerjoin(Grid, Grid.id == Customer.grid2_id)
        .where(
            Customer.id.in_([int(i) for i in ids]),
            scope.where(Customer.branch_id, Customer.manager_id),
        )
    )
    with engine.connect() as conn:
        df = read_frame(conn, stmt)
    order = {int(i): k for k, i in enumerate(ids)}
    df = df.assign(_order=df["id"].map(order)).sort_values("_order").drop(columns="_order")
    df = apply_policy(scope, df, owner_col=None, bulk=True)  # names and phones masked
    return df.reset_index(drop=True)
