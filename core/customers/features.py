"""Customer features: one numeric row per customer, the input of tags, segments, the
explorer and the visit planner.

Read once through the fast path (``core.db.read_columns``): text columns are turned into
small integer codes in SQL (``KINDS``, ``STATUSES``, ``OCCUPATIONS``, industries) and dates
into days before the as-of date, so every column is a number. Missing values are NaN.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import Engine, text

from core.db import days_before, read_columns, sql_literal
from core.scope import Scope
from core.vocab import KINDS, LIFECYCLES, LOCATIONS, OCCUPATIONS, PRODUCTS, STATUSES, TIERS  # noqa: F401

BOOLEAN_COLUMNS = ("is_migrant", "has_debit_card", "has_mobile_banking", "has_acquiring", "has_etc")


def _codes(column: str, values) -> str:
    """SQL CASE turning a text column into the position of its value in ``values`` (-1 if
    none)."""
    if not values:
        return "-1"
    whens = " ".join(f"WHEN {sql_literal(v)} THEN {i}" for i, v in enumerate(values))
    return f"CASE {column} {whens} ELSE -1 END"


def _bits(columns) -> str:
    """SQL packing boolean ``columns`` into one integer (bit i: the i-th column; NULL as
    false): one value to read per customer instead of one per flag.

    Examples
    --------
    >>> _bits(("a", "b"))
    'COALESCE(CAST(c.a AS INTEGER), 0) * 1 + COALESCE(CAST(c.b AS INTEGER), 0) * 2'
    """
    return " + ".join(
        f"COALESCE(CAST(c.{col} AS INTEGER), 0) * {1 << i}" for i, col in enumerate(columns)
    )


def industries(engine: Engine, scope: Scope | None = None) -> list[str]:
    """The industries customers (of ``scope``: default the bank) are filed under, sorted;
    their codes are positions here."""
    where = ""
    if scope is not None and scope.role == "branch":
        where = f" AND branch_id = {int(scope.branch_id)}"
    elif scope is not None and scope.role == "manager":
        where = f" AND manager_id = {int(scope.manager_id)}"
    with engine.connect() as conn:
        return sorted(
            r[0]
            for r in conn.execute(
                text(f"SELECT DISTINCT industry FROM customer WHERE industry IS NOT NULL{where}")
            )
        )


def village_locations(engine: Engine) -> dict[int, int]:
    """Each village's location code (``LOCATIONS``): a community of the county town (县城),
    another community (集镇, a town seat) or an administrative village (乡村)."""
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT v.id, v.kind, v.town_code IN (SELECT town_code FROM branch "
                "WHERE is_county_town) FROM village v"
            )
        ).all()
    return {int(i): 2 if kind == "行政村" else 0 if seat else 1 for i, kind, seat in rows}


def load_features(
    engine: Engine,
    as_of: date,
    scope: Scope | None = None,
    with_tags: bool = False,
    industry_list: list[str] | None = None,
    ids: list[int] | None = None,
    lean: bool = False,
) -> pd.DataFrame:
    """One row per customer of ``scope`` (default: the whole bank; ``ids``: only these
    customers), sorted by id; closed customers (销户) only when asked for by id.

    Columns: id, branch_id, manager_id, grid2_id, village_id (NaN where missing), lon, lat,
    kind,
    status, occupation, industry (codes: positions in ``KINDS``, ``STATUSES``,
    ``OCCUPATIONS``, ``industry_list``; -1 unknown), location (``LOCATIONS``, -1 unknown),
    age, is_migrant and the has_* flags (bool), deposit, time_deposit, loan, credit_line,
    wealth, aum (deposit + wealth), other_bank_deposit, other_bank_loan (yuan),
    tenure_days, days_since_txn, days_since_visit (NaN: never), days_to_maturity (the next
    time deposit or wealth product to mature, NaN if none), deposit_6m_ago (month-end
    deposits six months before, NaN without history); with ``with_tags`` also the stored
    profile: tier, lifecycle (text or None), tag_mask and segment_id. ``lean`` leaves out
    what tags and segments do not use (branch_id, manager_id, grid2_id, lon, lat,
    occupation, industry, other_bank_loan, days_since_visit), a third less to read at a
    million rows.

    Examples
    --------
    A customer's age is the as-of year minus the birth year; businesses have none:

    >>> f = pd.DataFrame({"birth_year": [1960.0, np.nan]})
    >>> (2026 - f["birth_year"]).tolist()
    [66.0, nan]
    """
    if industry_list is None:
        industry_list = [] if lean else industries(engine, scope)
    terms = []
    if scope is not None and scope.role != "hq":
        terms.append(
            f"c.branch_id = {int(scope.branch_id)}"
            if scope.role == "branch"
            else f"c.manager_id = {int(scope.manager_id)}"
        )
    if ids is not None:
        terms.append(f"c.id IN ({', '.join(str(int(i)) for i in ids) or 'NULL'})")
    # the side reads below are matched to these rows by id: scoped only when it saves work
    scoped = f" WHERE {' AND '.join(terms)}" if terms else ""
    if ids is None:  # a closed customer (销户, gone from the core system) is in nobody's book
        terms.append("c.status <> 'closed'")
    where = f" WHERE {' AND '.join(terms)}" if terms else ""
    columns = [
        "c.id",
        "c.village_id",
        f"{_codes('c.kind', KINDS)} AS kind",
        f"{_codes('c.status', STATUSES)} AS status",
        f"{as_of.year} - c.birth_year AS age",
        f"{_bits(BOOLEAN_COLUMNS)} AS flags",
        "c.deposit_balance AS deposit",
        "c.time_deposit_balance AS time_deposit",
        "c.loan_balance AS loan",
        "c.credit_line",
        "c.wealth_balance AS wealth",
        "c.other_bank_deposit",
        f"{days_before(engine, 'c.opened_on', as_of)} AS tenure_days",
        f"{days_before(engine, 'c.last_txn_on', as_of)} AS days_since_txn",
    ]
    if not lean:
        columns += [
            "c.branch_id",
            "c.manager_id",
            "c.grid2_id",
            "c.lon",
            "c.lat",
            f"{_codes('c.occupation', OCCUPATIONS)} AS occupation",
            f"{_codes('c.industry', industry_list)} AS industry",
            "c.other_bank_loan",
            f"{days_before(engine, 'c.last_visit_on', as_of)} AS days_since_visit",
        ]
    join = ""
    if with_tags:
        columns += [
            f"{_codes('p.tier', TIERS)} AS tier_code",
            f"{_codes('p.lifecycle', LIFECYCLES)} AS lifecycle_code",
            "p.tag_mask",
            "p.segment_id",
        ]
        join = " LEFT JOIN customer_profile p ON p.customer_id = c.id"
    sql = f"SELECT {', '.join(columns)} FROM customer c{join}{where} ORDER BY c.id"
    # the two side reads are mostly the database's own work: overlap them with the main one
    with ThreadPoolExecutor(max_workers=2) as pool:
        maturity = pool.submit(_next_maturity, engine, as_of, scoped)
        earlier = pool.submit(_deposits_months_ago, engine, as_of, 6, scoped)
        df = read_columns(engine, sql)
        maturity, earlier = maturity.result(), earlier.result()
    flags = df.pop("flags").fillna(0).to_numpy(dtype=np.int64)
    for bit, col in enumerate(BOOLEAN_COLUMNS):
        df[col] = (flags >> bit) & 1 == 1
    for col in ("kind", "status", "occupation", "industry"):
        if col in df:
            df[col] = df[col].fillna(-1).astype(np.int16)
    df["id"] = df["id"].astype(np.int64)
    df["aum"] = df["deposit"] + df["wealth"]
    locations = village_locations(engine)
    df["location"] = df["village_id"].map(locations).fillna(-1).astype(np.int8)
    ids_ = df["id"].to_numpy()
    df["days_to_maturity"] = _by_id(ids_, maturity)
    df["deposit_6m_ago"] = _by_id(ids_, earlier)
    if with_tags:
        tier = df.pop("tier_code").fillna(-1).astype(int).to_numpy()
        df["tier"] = np.where(tier >= 0, np.array(TIERS, dtype=object)[tier], None)
        life = df.pop("lifecycle_code").fillna(-1).astype(int).to_numpy()
        df["lifecycle"] = np.where(life >= 0, np.array(LIFECYCLES, dtype=object)[life], None)
        df["tag_mask"] = df["tag_mask"].fillna(0).astype(np.int64)
    return df


def _by_id(ids: np.ndarray, values: pd.Series) -> np.ndarray:
    """``values`` (indexed by customer id) aligned to the sorted ``ids``; NaN where absent."""
    out = np.full(len(ids), np.nan)
    if len(values):
        pos = np.searchsorted(ids, values.index.to_numpy())
        ok = (pos < len(ids)) & (ids[np.minimum(pos, len(ids) - 1)] == values.index.to_numpy())
        out[pos[ok]] = values.to_numpy(dtype=float)[ok]
    return out


def _scoped(where: str, alias: str = "h") -> str:
    """The customer-scope condition for a table joined to customer by customer_id."""
    if not where:
        return ""
    return f" AND {alias}.customer_id IN (SELECT c.id FROM customer c{where})"


def _next_maturity(engine: Engine, as_of: date, where: str) -> pd.Series:
    days = days_before(engine, "h.matures_on", as_of)
    df = read_columns(
        engine,
        f"""
        SELECT h.customer_id, MIN(-{days}) AS days FROM holding h
        WHERE h.product IN ('time_deposit', 'wealth') AND h.matures_on >= '{as_of.isoformat()}'
        {_scoped(where)} GROUP BY h.customer_id""",
    )
    return pd.Series(df["days"].to_numpy(), index=df["customer_id"].astype(np.int64))


def month_start(day: date, months_back: int = 0) -> date:
    """The first day of the month ``months_back`` months before ``day``'s month.

    Examples
    --------
    >>> month_start(date(2026, 3, 31), 6)
    datetime.date(2025, 9, 1)
    """
    index = day.year * 12 + day.month - 1 - months_back
    return date(index // 12, index % 12 + 1, 1)


def _deposits_months_ago(engine: Engine, as_of: date, months: int, where: str) -> pd.Series:
    df = read_columns(
        engine,
        f"""
        SELECT h.customer_id, h.deposit_balance FROM balance_month h
        WHERE h.month = '{month_start(as_of, months).isoformat()}'{_scoped(where)}""",
    )
    return pd.Series(df["deposit_balance"].to_numpy(), index=df["customer_id"].astype(np.int64))
