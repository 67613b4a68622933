"""Glue of the customer view: cached lookups and the blocks of the page."""

from __future__ import annotations

import streamlit as st

from core.customers.charts import trend_chart
from core.customers.customer_view import find_customers as find
from core.customers.customer_view import load_customer
from core.db import get_engine
from core.format import wan
from core.scope import Scope
from core.ui.frame import database_url, md, tr


@st.cache_data(ttl=60, show_spinner=False)
def _find_customers(url: str, scope: Scope, query: str, user_id: int | None):
    return find(get_engine(url), scope, query, user_id=user_id)


def find_customers(scope: Scope, query: str, user_id: int | None = None):
    """Customers matching ``query`` as ``core.customers.customer_view.find_customers`` finds
    them (the search goes to the audit log once a minute at most per user and query)."""
    return _find_customers(database_url(), scope, query, user_id)


@st.cache_data(ttl=60, show_spinner=False, max_entries=128)
def _customer_view(url: str, scope: Scope, customer_id: int, user_id: int | None):
    return load_customer(get_engine(url), scope, customer_id, user_id=user_id)


def customer_view(scope: Scope, customer_id: int, user_id: int | None):
    """One customer as ``core.customers.customer_view.load_customer`` returns it (the view
    goes to the audit log once a minute at most per user and customer)."""
    return _customer_view(database_url(), scope, customer_id, user_id)


def customer_view_changed() -> None:
    """After tags or segments are recomputed: the customers' views show them."""
    _customer_view.clear()


def customer_trend_chart(trend):
    """Month-end deposits, loans and wealth (万元) over the last twelve months."""
    return trend_chart(
        trend,
        {
            "deposit_balance": tr("customer.deposits"),
            "loan_balance": tr("customer.loans"),
            "wealth_balance": tr("customer.wealth"),
            "unit": tr("unit.wan"),
            "title": tr("customer.trend"),
        },
    )


def _date(value) -> str:
    return str(value)[:10] if value is not None and value == value else "-"


def customer_profile_markdown(p: dict) -> str:
    """Who the customer is: age, occupation, contact (masked unless shown), dates."""
    occupation = tr(f"occupation.{p['occupation']}") if p["occupation"] else "-"
    rows = [
        (tr("customer.age"), p["age"] if p["age"] is not None else "-"),
        (tr("customer.occupation"), occupation + (f" · {p['industry']}" if p["industry"] else "")),
        (tr("customer.id_number"), p["id_number"]),
        (tr("col.phone"), p["phone"]),
        (tr("customer.address"), p["address"]),
        (tr("customer.opened"), _date(p["opened_on"])),
        (tr("customer.last_txn"), _date(p["last_txn_on"])),
        (tr("customer.last_visit"), _date(p["last_visit_on"])),
    ]
    return "\n".join(f"- {k}:{md(v)}" for k, v in rows)  # data escaped for Markdown


def customer_money_markdown(p: dict) -> str:
    """Balances here and at other banks (万元) and the products held."""
    rows = [
        (tr("customer.deposits"), wan(p["deposit"])),
        (tr("customer.time_deposits"), wan(p["time_deposit"])),
        (tr("customer.wealth"), wan(p["wealth"])),
        (tr("customer.loans"), wan(p["loan"])),
        (tr("customer.credit_line"), wan(p["credit_line"])),
        (tr("customer.other_bank_deposit"), wan(p["other_bank_deposit"])),
        (tr("customer.other_bank_loan"), wan(p["other_bank_loan"])),
    ]
    held = [tr(f"product.{k.removeprefix('has_')}") for k, v in p["products"].items() if v]
    return (
        "\n".join(f"- {k}(万元):{v}" for k, v in rows)
        + "\n- "
        + tr("customer.products_held")
        + ":"
        + ("、".join(held) or "-")
    )


def customer_tables(view: dict, tabs) -> None:
    """Holdings, other-bank funds and visits, one tab each."""
    money = st.column_config.NumberColumn(tr("unit.wan"), format="%.2f")
    with tabs[0]:
        h = view["holdings"].assign(balance=view["holdings"]["balance"] / 1e4)
        h["product"] = h["product"].map(lambda x: tr(f"product.{x}"))
        st.dataframe(
            h,
            hide_index=True,
            key="customer_holdings",
            column_config={
                "product": tr("customer.col.product"),
                "balance": money,
                "opened_on": tr("customer.opened"),
                "matures_on": tr("customer.col.matures"),
                "npl": tr("customer.col.npl"),
            },
        )
    with tabs[1]:
        o = view["other_banks"].assign(amount=view["other_banks"]["amount"] / 1e4)
        o["kind"] = o["kind"].map(lambda x: tr(f"customer.other.{x}"))
        st.dataframe(
            o,
            hide_index=True,
            key="customer_other",
            column_config={
                "bank_name": tr("customer.col.bank"),
                "kind": tr("customer.col.kind"),
                "amount": money,
                "noted_on": tr("customer.col.noted"),
            },
        )
    with tabs[2]:
        v = view["visits"].assign(amount=view["visits"]["amount"] / 1e4)
        v["channel"] = v["channel"].map(lambda x: tr(f"visit.channel.{x}"))
        v["outcome"] = v["outcome"].map(lambda x: tr(f"visit.outcome.{x}"))
        st.dataframe(
            v,
            hide_index=True,
            key="customer_visits",
            column_config={
                "visited_at": st.column_config.DatetimeColumn(
                    tr("col.time"), format="YYYY-MM-DD HH:mm"
                ),
                "manager": tr("col.name.manager"),
                "channel": tr("customer.col.channel"),
                "outcome": tr("customer.col.outcome"),
                "products": tr("customer.col.products"),
                "amount": money,
                "notes": tr("col.note"),
            },
        )
