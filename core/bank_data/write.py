"""Writing a bank's checked rows: the bank, branches, staff (managers and accounts) and
customers (their holdings, funds, balances and visits: :mod:`core.bank_data.records`).

Every writer runs in the load's transaction and is keyed by the bank's own codes, so a
re-load of the same files changes nothing. Customers are placed (:mod:`core.bank_data.places`)
and assigned to the grids before the transaction ends.
"""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pandas as pd
from sqlalchemy import Connection, text

from core.bank_data.places import place_customers
from core.bank_data.upsert import (
    Written,
    fetch_frame,
    rows_for,
    same_values,
    upsert,
)
from core.grids.assignment import compute_assignment, read_grid_sets, write_assignment

UNUSABLE_PASSWORD = "!"  # no password matches: head office sets one up (users passwd)


def upsert_counts(written: Written) -> dict[str, int]:
    """What an upsert did, as a load's counts."""
    return {
        "inserted": written.inserted,
        "updated": written.updated,
        "unchanged": written.unchanged,
    }


def _present(frame: pd.DataFrame, *names: str) -> list[str]:
    return [n for n in names if n in frame.columns]


def code_ids(conn: Connection, table: str, key: str = "code") -> pd.Series:
    """Database id by the bank's own code (branch, manager...)."""
    df = pd.read_sql(text(f'SELECT id, "{key}" FROM "{table}"'), conn)
    return pd.Series(df["id"].to_numpy(), index=df[key].astype(str))


def write_bank(conn: Connection, code: str | None, name: str | None, county: str | None) -> int:
    """The one bank of the database: created on the first load (its code and name from the
    bank file, else placeholders), renamed by a later bank file. Returns its id."""
    row = conn.execute(text("SELECT id, code, name, county_code FROM bank ORDER BY id")).first()
    if row is None:
        conn.execute(
            text("INSERT INTO bank (id, code, name, county_code) VALUES (1, :c, :n, :k)"),
            {"c": code or "BANK", "n": name or "本行", "k": county or ""},
        )
        return 1
    values = {"c": code or row.code, "n": name or row.name, "k": county or row.county_code}
    if (values["c"], values["n"], values["k"]) != (row.code, row.name, row.county_code):
        conn.execute(
            text("UPDATE bank SET code = :c, name = :n, county_code = :k WHERE id = :i"),
            {**values, "i": row.id},
        )
    return int(row.id)


def write_branches(conn: Connection, branches: pd.DataFrame, bank_id: int, towns) -> Written:
    """Branches by code; a branch without a township code gets the township its point lies
    in (``towns``: code -> polygon), else none."""
    rows = pd.DataFrame(
        {
            "code": branches["code"],
            "bank_id": bank_id,
            "name": branches["name"],
            "lon": branches["lon"].astype(float).round(6),
            "lat": branches["lat"].astype(float).round(6),
        }
    )
    given = branches.get("town_code", pd.Series("", index=branches.index)).fillna("")
    rows["town_code"] = [
        g or _town_of(x, y, towns) for g, x, y in zip(given, rows["lon"], rows["lat"], strict=False)
    ]
    if "is_county_town" in branches:
        rows["is_county_town"] = branches["is_county_town"].fillna(False).astype(bool)
    return upsert(conn, "branch", rows, "code", insert_only=_defaults(rows, is_county_town=False))


def _town_of(x: float, y: float, towns) -> str:
    import shapely

    for code, polygon in towns.items():
        if polygon is not None and shapely.contains_xy(polygon, x, y):
            return code
    return ""


def _defaults(rows: pd.DataFrame, **values) -> dict:
    return {k: v for k, v in values.items() if k not in rows.columns}


def write_staff(conn: Connection, staff: pd.DataFrame, now: datetime) -> dict[str, int]:
    """Managers (post 客户经理) by employee number, and an account per employee (username =
    employee number) created inactive; a departed employee's manager record and account
    become inactive and their sessions end."""
    branch = code_ids(conn, "branch")
    code = staff["code"].astype(str)
    branch_id = staff["branch_code"].fillna("").astype(str).map(branch)
    managers = staff["post"] == "manager"
    m = staff[managers]
    written = upsert(
        conn,
        "manager",
        pd.DataFrame(
            {
                "code": m["code"],
                "branch_id": branch_id[managers].astype("int64"),
                "name": m["name"],
                "phone": m["phone"].fillna(""),
                "active": m["active"].astype(bool),
            }
        ),
        "code",
    )
    manager_id = code.map(written.ids) if written.ids is not None else code.map({})
    users = pd.DataFrame(
        {
            "username": code,
            "display_name": staff["name"],
            "role": staff["post"],
            "branch_id": branch_id.where(staff["post"] != "hq"),
            "manager_id": manager_id.where(managers),
        }
    )
    accounts = upsert(
        conn,
        "app_user",
        users,
        "username",
        insert_only={
            "password_hash": UNUSABLE_PASSWORD,
            "active": False,
            "is_demo": False,
            "created_at": now,
            "must_change_password": True,
            "failed_sign_ins": 0,
        },
    )
    gone = code[~staff["active"].astype(bool)].tolist()
    left = 0
    if gone:
        params = {f"u{i}": u for i, u in enumerate(gone)}
        listed = ", ".join(f":u{i}" for i in range(len(gone)))
        left = conn.execute(
            text(f"UPDATE app_user SET active = false WHERE active AND username IN ({listed})"),
            params,
        ).rowcount
        conn.execute(
            text(
                "UPDATE user_session SET revoked_at = :now WHERE revoked_at IS NULL AND user_id IN "
                f"(SELECT id FROM app_user WHERE username IN ({listed}))"
            ),
            {**params, "now": now},
        )
    return {
        "inserted": written.inserted + accounts.inserted,
        "updated": written.updated + accounts.updated,
        "unchanged": written.unchanged,
        "accounts_created": accounts.inserted,
        "deactivated": left,
    }


# ---- customers ---------------------------------------------------------------------------

CUSTOMER_TEXT = ("name", "id_number", "phone", "address")
CUSTOMER_OPTIONAL = (
    "gender",
    "occupation",
    "industry",
    "household_no",
    "is_migrant",
    "credit_line",
    "has_debit_card",
    "last_txn_on",
    "core_manager",
)
SIGNED_UP = {"mobile_banking_on": "has_mobile_banking", "acquiring_on": "has_acquiring"}
SIGNED_UP["etc_on"] = "has_etc"
NEW_CUSTOMER = {  # what a new row holds when the file says nothing of it
    "occupation": "unknown",
    "is_migrant": False,
    "deposit_balance": 0.0,
    "time_deposit_balance": 0.0,
    "loan_balance": 0.0,
    "credit_line": 0.0,
    "wealth_balance": 0.0,
    "has_debit_card": False,
    "has_mobile_banking": False,
    "has_acquiring": False,
    "has_etc": False,
    "other_bank_deposit": 0.0,
    "other_bank_loan": 0.0,
}


def customer_rows(
    customers: pd.DataFrame, villages: pd.DataFrame, area, as_of: date
) -> pd.DataFrame:
    """The customer table's columns from the checked customers file (placed)."""
    rows = pd.DataFrame({"cust_no": customers["cust_no"], "kind": customers["kind"]})
    status = customers.get("status", pd.Series(None, index=customers.index)).replace("", None)
    opened = pd.to_datetime(customers["opened_on"], errors="coerce")
    implied = np.where(opened.notna(), "active", "potential")
    rows["status"] = status.fillna(pd.Series(implied, index=customers.index))
    for col in CUSTOMER_TEXT:
        rows[col] = customers[col].fillna("").astype(str)
    rows["opened_on"] = opened
    for col in _present(customers, *CUSTOMER_OPTIONAL):
        rows[col] = customers[col]
    if "birth_date" in customers:
        rows["birth_year"] = pd.to_datetime(customers["birth_date"], errors="coerce").dt.year
    for day, flag in SIGNED_UP.items():
        if day in customers:
            rows[day] = pd.to_datetime(customers[day], errors="coerce")
            rows[flag] = rows[day].notna()
    placed = place_customers(customers, villages, area)
    for col in ("lon", "lat", "village_id", "located"):
        rows[col] = placed[col].to_numpy()
    rows["closed_on"] = None
    rows.loc[rows["status"] == "closed", "status"] = "active"  # back in the file: reopened
    if "source_hash" in customers:  # the file row's (core.bank_data.unchanged)
        rows["source_hash"] = customers["source_hash"].to_numpy()
    return rows


def customer_ids(held: pd.DataFrame) -> pd.Series:
    """Database id by customer number, from the customers a load holds (id, cust_no)."""
    return pd.Series(held["id"].to_numpy(dtype=np.int64), index=held["cust_no"].astype(str))


def write_customers(
    conn: Connection,
    rows: pd.DataFrame,
    held: pd.DataFrame,
    full: bool,
    as_of: date,
    spared=(),
    present=(),
) -> tuple[Written, int]:
    """Upsert customers by number; with a full file, those missing from it are closed
    (销户: kept, never deleted) unless ``spared`` (the numbers of the file's quarantined
    rows) or ``present`` (the numbers of its rows left out as unchanged). ``held``: the
    database's customers (id, cust_no, status) as the load read them. Only the rows of the
    customers written are read whole. Returns what was written (``ids``: every customer's
    id) and how many were closed."""
    ids = customer_ids(held)
    mine = ids.reindex(rows["cust_no"].astype(str)).dropna().to_numpy(dtype=np.int64)
    existing = rows_for(conn, "customer", ["id", *rows.columns], "id", mine)
    written = upsert(
        conn,
        "customer",
        rows,
        "cust_no",
        existing,
        insert_only=_defaults(rows, **NEW_CUSTOMER),
        bookkeeping=("source_hash",),
    )
    added = written.ids if written.ids is not None else ids.iloc[:0]
    added = added[~added.index.isin(existing["cust_no"].astype(str))]  # the new customers'
    written.ids = pd.concat([ids, added]) if len(added) else ids
    closed = 0
    if full and len(held):
        listed = np.concatenate(
            [
                rows["cust_no"].astype(str).to_numpy(),
                np.asarray(list(spared), dtype=object),
                np.asarray(present, dtype=object),
            ]
        )
        gone = held.loc[~held["cust_no"].isin(listed) & (held["status"] != "closed"), "id"]
        if len(gone):
            closed = _close(conn, gone.to_numpy(), as_of)
    return written, closed


def _close(conn: Connection, ids: np.ndarray, as_of: date) -> int:
    from core.db import update_rows

    return update_rows(
        conn,
        "customer",
        pd.DataFrame(
            {"id": ids, "status": "closed", "closed_on": pd.Timestamp(as_of), "source_hash": None}
        ),
    )


def assign_customers(conn: Connection, ids: np.ndarray | None = None) -> int:
    """Assign customers (all, or these ids) to the grids as the transaction sees them."""
    level1, level2, village_xy = read_grid_sets(conn)
    columns = ["id", "lon", "lat", "village_id", "grid1_id", "grid2_id", "branch_id", "manager_id"]
    # without grids every customer is in none: only those assigned before can change
    where = (
        ""
        if len(level1.ids) or len(level2.ids)
        else " OR ".join(
            f"x.{c} IS NOT NULL" for c in ("grid1_id", "grid2_id", "branch_id", "manager_id")
        )
    )
    if ids is None:
        condition = f" WHERE {where.replace('x.', '')}" if where else ""
        customers = fetch_frame(
            conn, f"SELECT {', '.join(columns)} FROM customer{condition} ORDER BY id", True
        )
    else:
        customers = rows_for(conn, "customer", columns, "id", ids, numeric=True, where=where)
    if customers.empty:
        return 0
    customers = customers.sort_values("id", ignore_index=True)
    customers["id"] = customers["id"].astype(np.int64)
    new = compute_assignment(customers, level1, level2, village_xy)
    differs = np.zeros(len(new), dtype=bool)
    for col in ("grid1_id", "grid2_id", "branch_id", "manager_id"):
        differs |= ~same_values(customers[col], new[col])
    return write_assignment(conn, new.loc[differs])
