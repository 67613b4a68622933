"""Writing a bank's per-customer records: holdings, other-bank funds, month-end balances
and past visits, keyed by customer (and product, survey, month or visit time), so that a
re-load of the same files changes nothing; the customer's totals follow its records.

Runs in the load's transaction, after the customers (:mod:`core.bank_data.write`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import Connection, text

from core.bank_data.upsert import id_table, next_id, rows_for, same_values
from core.bank_data.write import NEW_CUSTOMER, code_ids
from core.db import bulk_insert, update_rows


def _customer_id(cust_no: pd.Series, ids: pd.Series) -> np.ndarray:
    """The database id of each row's customer (``ids``: customer number -> id), looked up
    once per distinct number (a customer has many rows).

    Examples
    --------
    >>> _customer_id(pd.Series(["C2", "C1", "C2"]), pd.Series([7, 9], index=["C1", "C2"]))
    array([9, 7, 9])
    """
    codes, uniques = pd.factorize(cust_no, use_na_sentinel=False)
    return ids.reindex(uniques).to_numpy().astype(np.int64)[codes]


HASH_KEYS = ("bank-data-rows-1", "bank-data-rows-2")  # two independent 64-bit row hashes


def _normal(frame: pd.DataFrame, compare: list[str]) -> pd.DataFrame:
    """The ``compare`` columns as values that are equal when the rows are the same:
    amounts in cents, days as day numbers, flags as 0/1, text as text ("" when missing)."""
    out = {}
    for c in compare:
        col = frame[c]
        if c.endswith("_on"):
            days = pd.to_datetime(col, errors="coerce").to_numpy(dtype="datetime64[D]")
            out[c] = days.astype(np.int64)  # NaT: the smallest int64
        elif col.dtype == bool or c == "npl":
            out[c] = col.fillna(False).astype(bool).to_numpy(dtype=np.int64)
        elif pd.api.types.is_numeric_dtype(col):
            cents = np.round(col.to_numpy(dtype=float) * 100)
            out[c] = np.where(np.isnan(cents), -(2**62), cents).astype(np.int64)
        else:
            out[c] = col.fillna("").astype(str).to_numpy(dtype=object)
    return pd.DataFrame(out)


def _signature(frame: pd.DataFrame, compare: list[str]) -> pd.DataFrame:
    """Per customer, the number of rows and two order-free sums of row hashes: equal
    signatures mean the same set of rows (to one chance in 2**128)."""
    normal = _normal(frame, compare)
    customer = frame["customer_id"].to_numpy(dtype=np.int64)
    order = np.argsort(customer, kind="stable")
    customer = customer[order]
    starts = np.flatnonzero(np.r_[True, customer[1:] != customer[:-1]])
    out = {"n": np.diff(np.r_[starts, len(customer)])}
    for i, key in enumerate(HASH_KEYS):
        h = pd.util.hash_pandas_object(normal, index=False, hash_key=key.ljust(16)[:16])
        out[f"h{i}"] = np.add.reduceat(h.to_numpy()[order], starts)  # wraps: order-free
    return pd.DataFrame(out, index=customer[starts])


def _replace_per_customer(
    conn: Connection, table: str, rows: pd.DataFrame, compare: list[str]
) -> dict[str, int]:
    """Replace the rows of every customer whose set of rows differs from the file's (only
    the rows of the file's customers are read; none at all into an empty table)."""
    customers = pd.unique(rows["customer_id"].to_numpy(dtype=np.int64))
    old = rows_for(conn, table, ["customer_id", *compare], "customer_id", customers)
    changed = customers
    if len(old):
        new_sig = _signature(rows, compare).reindex(customers)
        old_sig = _signature(old, compare).reindex(customers)
        same = (new_sig == old_sig).all(axis=1).to_numpy()
        changed = customers[~same]
        if len(changed):
            _delete_for(conn, table, changed)
    if len(changed):
        put = rows if len(changed) == len(customers) else rows[rows["customer_id"].isin(changed)]
        put = put.copy()
        first = next_id(conn, table)
        put.insert(0, "id", np.arange(first, first + len(put)))
        bulk_insert(conn, table, put)
    return {"customers": len(customers), "replaced": len(changed), "rows": len(rows)}


def _delete_for(conn: Connection, table: str, customer_ids: np.ndarray) -> None:
    with id_table(conn, "tmp_gone", customer_ids) as gone:
        conn.exec_driver_sql(f'DELETE FROM "{table}" WHERE customer_id IN (SELECT id FROM {gone})')


def holding_totals(key, product, balance) -> pd.DataFrame:
    """Per customer (``key``: their number or id), the balances a customer row keeps from
    its holdings: deposits (current + time), time deposits, loans, wealth, and the credit
    line when a holding gives one (0 for the customer's without).

    Examples
    --------
    >>> holding_totals(["C1", "C1", "C2"], ["current_deposit", "time_deposit", "loan"],
    ...                [100.0, 50.0, 7.0]).loc["C1"].tolist()
    [150.0, 50.0, 0.0, 0.0]
    """
    frame = pd.DataFrame({"key": key, "product": product, "balance": balance})
    # pivot_table's sums, without its overhead (a third of the time at a million customers)
    sums = frame.groupby(["key", "product"])["balance"].sum().unstack(fill_value=0.0)
    col = lambda p: sums.get(p, 0.0)  # noqa: E731
    totals = pd.DataFrame(
        {
            "deposit_balance": col("current_deposit") + col("time_deposit"),
            "time_deposit_balance": col("time_deposit"),
            "loan_balance": col("loan"),
            "wealth_balance": col("wealth"),
        },
        index=sums.index,
    )
    if "credit_line" in sums:
        totals["credit_line"] = sums["credit_line"]
    return totals.rename_axis(None)


def other_bank_totals(key, noted_on, deposit, loan) -> pd.DataFrame:
    """Per customer (``key``), the other-bank deposit and loan of their latest survey."""
    latest = pd.DataFrame(
        {
            "key": key,
            "noted_on": pd.to_datetime(noted_on, errors="coerce"),
            "other_bank_deposit": pd.to_numeric(deposit, errors="coerce").fillna(0.0),
            "other_bank_loan": pd.to_numeric(loan, errors="coerce").fillna(0.0),
        }
    )
    return latest.sort_values("noted_on").groupby("key").last().drop(columns="noted_on")


def with_totals(
    rows: pd.DataFrame, holdings: pd.DataFrame | None, funds: pd.DataFrame | None
) -> pd.DataFrame:
    """A first load's customer rows (:func:`customer_rows`) with the balances that the same
    load's holdings and other-bank funds give them (what :func:`write_holdings` and
    :func:`write_other_bank` would set afterwards), so that no customer row is written twice;
    those writers are then called with ``totals=False``."""
    parts = []
    if holdings is not None and len(holdings):
        balance = holdings["balance"].astype(float).round(2)
        parts.append(holding_totals(holdings["cust_no"], holdings["product"], balance))
    if funds is not None and len(funds):
        parts.append(
            other_bank_totals(funds["cust_no"], funds["noted_on"], funds["deposit"], funds["loan"])
        )
    for totals in parts:
        at = totals.reindex(rows["cust_no"].to_numpy())
        for c in totals.columns:
            given = at[c].to_numpy(dtype=float)
            base = rows[c].to_numpy(dtype=float) if c in rows else NEW_CUSTOMER[c]
            rows[c] = np.where(np.isnan(given), base, given)
    return rows


def write_holdings(
    conn: Connection, holdings: pd.DataFrame, ids: pd.Series, totals: bool = True
) -> dict[str, int]:
    """Each customer in the file gets exactly the file's holdings; their balances follow
    (unless ``totals`` is False: :func:`with_totals` wrote them with the customers)."""
    rows = pd.DataFrame(
        {
            "customer_id": _customer_id(holdings["cust_no"], ids),
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
    if totals:
        sums = holding_totals(rows["customer_id"], rows["product"], rows["balance"])
        _update_changed(conn, "customer", sums.rename_axis("id").reset_index())
    return counts


def _update_changed(conn: Connection, table: str, values: pd.DataFrame) -> int:
    """Set the numbers ``values`` holds (id and columns) where they differ from the table's
    (only the rows of those ids are read)."""
    cols = [c for c in values.columns if c != "id"]
    old = rows_for(conn, table, ["id", *cols], "id", values["id"].to_numpy(), numeric=True)
    old["id"] = old["id"].astype(np.int64)
    merged = values.merge(old, on="id", how="left", suffixes=("", "_old"))
    differs = np.zeros(len(merged), dtype=bool)
    for c in cols:
        differs |= ~same_values(merged[f"{c}_old"], merged[c])
    return update_rows(conn, table, values[differs])


def write_other_bank(
    conn: Connection, funds: pd.DataFrame, ids: pd.Series, totals: bool = True
) -> dict[str, int]:
    """Surveyed other-bank funds (one row per customer and survey): a customer's records are
    replaced by the file's; the customer's other-bank totals are the latest survey's
    (unless ``totals`` is False: :func:`with_totals` wrote them with the customers)."""
    base = {
        "customer_id": _customer_id(funds["cust_no"], ids),
        "bank_name": funds.get("bank_name", pd.Series("", index=funds.index)).fillna(""),
        "noted_on": pd.to_datetime(funds["noted_on"], errors="coerce"),
    }
    parts = []
    for kind in ("deposit", "loan"):
        amount = pd.to_numeric(funds[kind], errors="coerce").fillna(0.0)
        keep = (amount > 0).to_numpy()
        parts.append(
            pd.DataFrame({k: np.asarray(v)[keep] for k, v in base.items()}).assign(
                kind=kind, amount=amount[keep].round(2).to_numpy()
            )
        )
    rows = pd.concat(parts, ignore_index=True)
    counts = _replace_per_customer(
        conn, "other_bank_fund", rows, ["bank_name", "kind", "amount", "noted_on"]
    )
    if totals:
        latest = other_bank_totals(
            base["customer_id"], base["noted_on"], funds["deposit"], funds["loan"]
        )
        _update_changed(conn, "customer", latest.rename_axis("id").reset_index())
    return counts


def write_balances(conn: Connection, balances: pd.DataFrame, ids: pd.Series) -> dict[str, int]:
    """Month-end balances by customer and month: new months inserted, changed ones set."""
    wealth = (
        pd.to_numeric(balances["wealth"], errors="coerce").fillna(0.0)
        if "wealth" in balances
        else pd.Series(0.0, index=balances.index)
    )
    rows = pd.DataFrame(
        {
            "customer_id": _customer_id(balances["cust_no"], ids),
            "month": pd.to_datetime(balances["month"], errors="coerce")
            .to_numpy()
            .astype("datetime64[M]")  # the month's first day (NaT stays NaT)
            .astype("datetime64[ns]"),
            **{
                column: np.round(given.to_numpy(dtype=float), 2)
                for column, given in (
                    ("deposit_balance", balances["deposit"]),
                    ("loan_balance", balances["loan"]),
                    ("wealth_balance", wealth),
                )
            },
        },
        copy=False,  # a block per column: no copy of the 8 million rows into one
    )
    del wealth
    amounts = ["deposit_balance", "loan_balance", "wealth_balance"]
    customers = pd.unique(rows["customer_id"].to_numpy())
    old = rows_for(
        conn, "balance_month", ["customer_id", "month", *amounts], "customer_id", customers
    )
    if old.empty:  # a first load: every month is new
        new, changed = np.ones(len(rows), dtype=bool), np.zeros(len(rows), dtype=bool)
    else:
        old["customer_id"] = old["customer_id"].astype(np.int64)
        old["month"] = pd.to_datetime(old["month"])
        merged = rows.merge(old, on=["customer_id", "month"], how="left", suffixes=("", "_old"))
        new = merged["deposit_balance_old"].isna().to_numpy()
        differs = np.zeros(len(merged), dtype=bool)
        for c in amounts:
            differs |= ~same_values(merged[f"{c}_old"], merged[c])
        changed = ~new & differs
    if changed.any():
        put = rows[changed]
        _delete_months(conn, put)
        bulk_insert(conn, "balance_month", put)
    if new.all():
        bulk_insert(conn, "balance_month", rows)
    elif new.any():
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
    managers = code_ids(conn, "manager")
    rows = pd.DataFrame(
        {
            "customer_id": _customer_id(visits["cust_no"], ids),
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
        current = rows_for(conn, "customer", ["id", "last_visit_on"], "id", last.index.to_numpy())
        current = current.set_index(current["id"].astype(np.int64))
        now = pd.to_datetime(current["last_visit_on"]).reindex(last.index)
        later = last[now.isna() | (last > now)]
        if len(later):
            update_rows(
                conn,
                "customer",
                pd.DataFrame({"id": later.index.to_numpy(), "last_visit_on": later.to_numpy()}),
            )
    return {"inserted": len(new), "unchanged": len(rows) - len(new)}
