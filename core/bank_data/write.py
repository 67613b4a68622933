"""Writing a bank's checked rows: the bank, branches, staff (managers and accounts),
customers, their holdings, other-bank funds, month-end balances and past visits.

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
from core.bank_data.upsert import Written, next_id, same_values, upsert
from core.db import bulk_insert
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


def _ids(conn: Connection, table: str, key: str = "code") -> pd.Series:
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
    branch = _ids(conn, "branch")
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
    return rows


def write_customers(
    conn: Connection, rows: pd.DataFrame, full: bool, as_of: date, spared=()
) -> tuple[Written, int]:
    """Upsert customers by number; with a full file, those missing from it are closed
    (销户: kept, never deleted) unless ``spared`` (the numbers of the file's quarantined
    rows). Returns what was written and how many were closed."""
    existing = pd.read_sql(
        text("SELECT " + ", ".join(f'"{c}"' for c in ["id", *rows.columns]) + " FROM customer"),
        conn,
    )
    written = upsert(
        conn, "customer", rows, "cust_no", existing, insert_only=_defaults(rows, **NEW_CUSTOMER)
    )
    closed = 0
    if full and len(existing):
        gone = existing.loc[
            ~existing["cust_no"].isin(rows["cust_no"])
            & ~existing["cust_no"].isin(list(spared))
            & (existing["status"] != "closed"),
            "id",
        ]
        if len(gone):
            closed = _close(conn, gone.to_numpy(), as_of)
    return written, closed


def _close(conn: Connection, ids: np.ndarray, as_of: date) -> int:
    from core.db import update_rows

    return update_rows(
        conn,
        "customer",
        pd.DataFrame({"id": ids, "status": "closed", "closed_on": pd.Timestamp(as_of)}),
    )


def assign_customers(conn: Connection, ids: np.ndarray | None = None) -> int:
    """Assign customers (all, or these ids) to the grids as the transaction sees them."""
    customers = pd.read_sql(
        text(
            "SELECT id, lon, lat, village_id, grid1_id, grid2_id, branch_id, manager_id "
            "FROM customer ORDER BY id"
        ),
        conn,
    )
    if ids is not None:
        customers = customers[customers["id"].isin(ids)].reset_index(drop=True)
    if customers.empty:
        return 0
    level1, level2, village_xy = read_grid_sets(conn)
    new = compute_assignment(customers, level1, level2, village_xy)
    differs = np.zeros(len(new), dtype=bool)
    for col in ("grid1_id", "grid2_id", "branch_id", "manager_id"):
        differs |= ~same_values(customers[col], new[col])
    return write_assignment(conn, new.loc[differs])


# ---- per-customer records: holdings, other-bank funds, balances, visits -----------------


def _signature(frame: pd.DataFrame, cols: list[str]) -> pd.Series:
    """Per customer, the sorted rows as one text: equal texts mean nothing changed."""
    parts = frame[cols].astype(str).agg("|".join, axis=1)
    return parts.groupby(frame["customer_id"].to_numpy()).agg(lambda s: ";".join(sorted(s)))


def _replace_per_customer(
    conn: Connection, table: str, rows: pd.DataFrame, compare: list[str]
) -> dict[str, int]:
    """Replace the rows of every customer whose set of rows differs from the file's."""
    old = pd.read_sql(text(f'SELECT customer_id, {", ".join(compare)} FROM "{table}"'), conn)
    old = old[old["customer_id"].isin(rows["customer_id"])]
    norm = rows.copy()
    for frame in (old, norm):
        for c in compare:
            if pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c]):
                frame[c] = frame[c].astype(float).round(2)
            elif c.endswith("_on"):
                frame[c] = pd.to_datetime(frame[c], errors="coerce").dt.strftime("%Y-%m-%d")
            elif frame[c].dtype == bool or c == "npl":
                frame[c] = frame[c].fillna(False).astype(bool).astype(int)
    new_sig = _signature(norm, ["customer_id", *compare])
    old_sig = _signature(old, ["customer_id", *compare]) if len(old) else pd.Series(dtype=str)
    same = new_sig.index.isin(old_sig.index)
    same[same] = (new_sig[same] == old_sig.reindex(new_sig.index[same])).to_numpy()
    changed = new_sig.index[~same]
    if len(changed):
        _delete_for(conn, table, changed.to_numpy())
        put = rows[rows["customer_id"].isin(changed)].copy()
        first = next_id(conn, table)
        put.insert(0, "id", np.arange(first, first + len(put)))
        bulk_insert(conn, table, put)
    return {"customers": len(new_sig), "replaced": len(changed), "rows": len(rows)}


def _delete_for(conn: Connection, table: str, customer_ids: np.ndarray) -> None:
    conn.exec_driver_sql("CREATE TEMPORARY TABLE tmp_gone (id INTEGER PRIMARY KEY)")
    try:
        bulk_insert(conn, "tmp_gone", pd.DataFrame({"id": customer_ids}), integer_cols={"id"})
        conn.exec_driver_sql(
            f'DELETE FROM "{table}" WHERE customer_id IN (SELECT id FROM tmp_gone)'
        )
    finally:
        conn.exec_driver_sql("DROP TABLE tmp_gone")


def write_holdings(conn: Connection, holdings: pd.DataFrame, ids: pd.Series) -> dict[str, int]:
    """Each customer in the file gets exactly the file's holdings; their balances follow."""
    rows = pd.DataFrame(
        {
            "customer_id": holdings["cust_no"].map(ids).astype("int64"),
            "product": holdings["product"],
            "balance": holdings["balance"].astype(float).round(2),
            "opened_on": pd.to_datetime(holdings.get("opened_on"), errors="coerce"),
            "matures_on": pd.to_datetime(holdings["matures_on"], errors="coerce"),
            "npl": holdings.get("npl", pd.Series(False, index=holdings.index))
            .fillna(False)
            .astype(bool),
        }
    )
    counts = _replace_per_customer(
        conn, "holding", rows, ["product", "balance", "opened_on", "matures_on", "npl"]
    )
    sums = rows.pivot_table(
        index="customer_id", columns="product", values="balance", aggfunc="sum", fill_value=0.0
    )
    col = lambda p: sums.get(p, 0.0)  # noqa: E731
    totals = pd.DataFrame(
        {
            "id": sums.index.to_numpy(),
            "deposit_balance": col("current_deposit") + col("time_deposit"),
            "time_deposit_balance": col("time_deposit"),
            "loan_balance": col("loan"),
            "wealth_balance": col("wealth"),
        }
    )
    if "credit_line" in sums:
        totals["credit_line"] = sums["credit_line"].to_numpy()
    _update_changed(conn, "customer", totals)
    return counts


def _update_changed(conn: Connection, table: str, values: pd.DataFrame) -> int:
    from core.db import update_rows

    cols = [c for c in values.columns if c != "id"]
    old = pd.read_sql(text(f'SELECT id, {", ".join(cols)} FROM "{table}"'), conn)
    merged = values.merge(old, on="id", how="left", suffixes=("", "_old"))
    differs = np.zeros(len(merged), dtype=bool)
    for c in cols:
        differs |= ~same_values(merged[f"{c}_old"], merged[c])
    return update_rows(conn, table, values[differs])


def write_other_bank(conn: Connection, funds: pd.DataFrame, ids: pd.Series) -> dict[str, int]:
    """Surveyed other-bank funds (one row per customer and survey): a customer's records are
    replaced by the file's; the customer's other-bank totals are the latest survey's."""
    base = {
        "customer_id": funds["cust_no"].map(ids).astype("int64"),
        "bank_name": funds.get("bank_name", pd.Series("", index=funds.index)).fillna(""),
        "noted_on": pd.to_datetime(funds["noted_on"], errors="coerce"),
    }
    parts = []
    for kind in ("deposit", "loan"):
        amount = pd.to_numeric(funds[kind], errors="coerce").fillna(0.0)
        keep = amount > 0
        parts.append(
            pd.DataFrame({k: v[keep] for k, v in base.items()}).assign(
                kind=kind, amount=amount[keep].round(2)
            )
        )
    rows = pd.concat(parts, ignore_index=True)
    counts = _replace_per_customer(
        conn, "other_bank_fund", rows, ["bank_name", "kind", "amount", "noted_on"]
    )
    latest = pd.DataFrame(base).assign(
        deposit=pd.to_numeric(funds["deposit"], errors="coerce").fillna(0.0),
        loan=pd.to_numeric(funds["loan"], errors="coerce").fillna(0.0),
    )
    latest = latest.sort_values("noted_on").groupby("customer_id").last()
    _update_changed(
        conn,
        "customer",
        pd.DataFrame(
            {
                "id": latest.index.to_numpy(),
                "other_bank_deposit": latest["deposit"].to_numpy(),
                "other_bank_loan": latest["loan"].to_numpy(),
            }
        ),
    )
    return counts


def write_balances(conn: Connection, balances: pd.DataFrame, ids: pd.Series) -> dict[str, int]:
    """Month-end balances by customer and month: new months inserted, changed ones set."""
    rows = pd.DataFrame(
        {
            "customer_id": balances["cust_no"].map(ids).astype("int64"),
            "month": pd.to_datetime(balances["month"], errors="coerce")
            .dt.to_period("M")
            .dt.start_time,
            "deposit_balance": balances["deposit"].astype(float).round(2),
            "loan_balance": balances["loan"].astype(float).round(2),
            "wealth_balance": pd.to_numeric(balances.get("wealth"), errors="coerce")
            .fillna(0.0)
            .round(2)
            if "wealth" in balances
            else 0.0,
        }
    )
    old = pd.read_sql(text("SELECT * FROM balance_month"), conn)
    old["month"] = pd.to_datetime(old["month"])
    merged = rows.merge(old, on=["customer_id", "month"], how="left", suffixes=("", "_old"))
    new = merged["deposit_balance_old"].isna().to_numpy()
    differs = np.zeros(len(merged), dtype=bool)
    for c in ("deposit_balance", "loan_balance", "wealth_balance"):
        differs |= ~same_values(merged[f"{c}_old"], merged[c])
    changed = ~new & differs
    if changed.any():
        put = rows[changed]
        _delete_months(conn, put)
        bulk_insert(conn, "balance_month", put)
    if new.any():
        bulk_insert(conn, "balance_month", rows[new])
    return {"inserted": int(new.sum()), "updated": int(changed.sum())}


def _delete_months(conn: Connection, rows: pd.DataFrame) -> None:
    conn.exec_driver_sql("CREATE TEMPORARY TABLE tmp_month (customer_id INTEGER, month DATE)")
    try:
        bulk_insert(conn, "tmp_month", rows[["customer_id", "month"]], integer_cols={"customer_id"})
        conn.exec_driver_sql(
            "DELETE FROM balance_month WHERE EXISTS (SELECT 1 FROM tmp_month t WHERE "
            "t.customer_id = balance_month.customer_id AND t.month = balance_month.month)"
        )
    finally:
        conn.exec_driver_sql("DROP TABLE tmp_month")


def write_visits(conn: Connection, visits: pd.DataFrame, ids: pd.Series) -> dict[str, int]:
    """Past visits not yet held (same customer, manager and time); each customer's last
    visit date follows."""
    managers = _ids(conn, "manager")
    rows = pd.DataFrame(
        {
            "customer_id": visits["cust_no"].map(ids).astype("int64"),
            "manager_id": visits["staff_code"].map(managers).astype("int64"),
            "visited_at": pd.to_datetime(visits["visited_at"], errors="coerce"),
            "channel": visits["channel"],
            "outcome": visits["outcome"],
            "lon": pd.to_numeric(visits.get("lon"), errors="coerce"),
            "lat": pd.to_numeric(visits.get("lat"), errors="coerce"),
            "notes": visits.get("notes", pd.Series(None, index=visits.index)).replace("", None),
            "amount": 0.0,
        }
    )
    old = pd.read_sql(text("SELECT customer_id, manager_id, visited_at FROM visit"), conn)
    old["visited_at"] = pd.to_datetime(old["visited_at"])
    key = ["customer_id", "manager_id", "visited_at"]
    merged = rows.merge(old.assign(_held=True), on=key, how="left")
    new = rows[merged["_held"].isna().to_numpy()].drop_duplicates(key)
    if len(new):
        first = next_id(conn, "visit")
        new = new.copy()
        new.insert(0, "id", np.arange(first, first + len(new)))
        bulk_insert(conn, "visit", new)
        last = new.groupby("customer_id")["visited_at"].max().dt.normalize()
        current = pd.read_sql(text("SELECT id, last_visit_on FROM customer"), conn).set_index("id")
        now = pd.to_datetime(current["last_visit_on"]).reindex(last.index)
        later = last[now.isna() | (last > now)]
        if len(later):
            from core.db import update_rows

            update_rows(
                conn,
                "customer",
                pd.DataFrame({"id": later.index.to_numpy(), "last_visit_on": later.to_numpy()}),
            )
    return {"inserted": len(new), "unchanged": len(rows) - len(new)}
