"""Writing rows keyed by a bank's own codes: insert the new, update the changed, leave the
same alone - so that loading the same folder twice changes nothing.

All inside the caller's transaction, through the fast bulk paths of :mod:`core.db`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sqlalchemy import Connection, text

from core.db import bulk_insert, reset_sequences, update_rows


@dataclass
class Written:
    """What an upsert did, and the database id of every key it was given."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    ids: pd.Series | None = None  # key -> id
    touched: np.ndarray | None = None  # ids inserted or updated


def _missing(s: pd.Series) -> np.ndarray:
    values = s.to_numpy(dtype=object)
    return pd.isna(s).to_numpy() | (values == "")


def same_values(old: pd.Series, new: pd.Series) -> np.ndarray:
    """Element-wise "unchanged": numbers to the cent, dates to the day, text exactly, and
    missing (None, NaN, NaT, "") equal to missing.

    Examples
    --------
    >>> same_values(pd.Series([1.0, None, 2.0]), pd.Series([1.004, None, 2.5])).tolist()
    [True, True, False]
    >>> same_values(pd.Series(["a", None]), pd.Series(["a", ""])).tolist()
    [True, True]
    """
    old_missing, new_missing = _missing(old), _missing(new)
    both = old_missing & new_missing
    if pd.api.types.is_numeric_dtype(new) and not pd.api.types.is_bool_dtype(new):
        a = pd.to_numeric(old, errors="coerce").to_numpy(dtype=float)
        b = pd.to_numeric(new, errors="coerce").to_numpy(dtype=float)
        equal = np.abs(a - b) < 0.005
    elif pd.api.types.is_datetime64_any_dtype(new) or _looks_like_dates(new):
        a = pd.to_datetime(old, errors="coerce").dt.normalize()
        b = pd.to_datetime(new, errors="coerce").dt.normalize()
        equal = (a == b).to_numpy()
    elif pd.api.types.is_bool_dtype(new):
        equal = old.fillna(False).astype(bool).to_numpy() == new.astype(bool).to_numpy()
        return equal
    else:
        equal = old.astype(str).to_numpy() == new.astype(str).to_numpy()
    return both | (~old_missing & ~new_missing & equal)


def _looks_like_dates(s: pd.Series) -> bool:
    first = s.dropna()
    return len(first) > 0 and hasattr(first.iloc[0], "year") and hasattr(first.iloc[0], "month")


def has_rows(conn: Connection, table: str) -> bool:
    """Whether ``table`` holds any row (a first load writes into empty tables)."""
    return conn.execute(text(f'SELECT 1 FROM "{table}" LIMIT 1')).first() is not None


def fetch_rows(conn: Connection, sql: str) -> list[tuple]:
    """The rows of a SELECT in the caller's transaction, as the driver's cursor gives them
    (none of SQLAlchemy's or ``pandas.read_sql``'s work per value)."""
    return _fetch(conn, sql)[1]


def _fetch(conn: Connection, sql: str) -> tuple[list[str], list[tuple]]:
    cur = conn.connection.cursor()
    try:
        cur.execute(sql)
        return [d[0] for d in cur.description], cur.fetchall()
    finally:
        cur.close()


def fetch_frame(conn: Connection, sql: str, numeric: bool = False) -> pd.DataFrame:
    """The rows of a SELECT in the caller's transaction, read straight from the driver's
    cursor (:func:`fetch_rows`); with ``numeric`` (every column a number) as floats, NULL
    as NaN."""
    columns, rows = _fetch(conn, sql)
    if numeric:
        values = np.array(rows, dtype=float).reshape(len(rows), len(columns))
        return pd.DataFrame(values, columns=columns)
    return pd.DataFrame.from_records(rows, columns=columns, coerce_float=True)


@contextmanager
def id_table(conn: Connection, name: str, ids) -> Iterator[str]:
    """A temporary table ``name`` (column ``id``) of these integer ids, for reading or
    deleting the rows of a few keys by a join instead of reading a whole table."""
    conn.exec_driver_sql(f"CREATE TEMPORARY TABLE {name} (id INTEGER PRIMARY KEY)")
    try:
        unique = pd.unique(np.asarray(ids, dtype=np.int64))
        bulk_insert(conn, name, pd.DataFrame({"id": unique}), integer_cols={"id"})
        yield name
    finally:
        conn.exec_driver_sql(f"DROP TABLE {name}")


def rows_for(
    conn: Connection,
    table: str,
    columns: list[str],
    key: str,
    ids,
    numeric: bool = False,
    where: str = "",
) -> pd.DataFrame:
    """``columns`` of the rows of ``table`` whose integer ``key`` is one of ``ids`` (and
    that match the SQL condition ``where`` on the table, aliased ``x``), joined through a
    temporary table so that only those rows are read (see :func:`fetch_frame`)."""
    if not len(ids) or not has_rows(conn, table):
        return pd.DataFrame({c: pd.Series(dtype=float if numeric else object) for c in columns})
    listed = ", ".join(f'x."{c}"' for c in columns)
    condition = f" WHERE {where}" if where else ""
    with id_table(conn, "tmp_keys", ids) as keys:
        return fetch_frame(
            conn,
            f'SELECT {listed} FROM "{table}" x JOIN {keys} k ON k.id = x."{key}"{condition}',
            numeric,
        )


BULK_TABLES = ("customer", "holding", "other_bank_fund", "balance_month", "visit")


@dataclass
class Dropped:
    """What :func:`drop_indexes` dropped, for :func:`create_indexes` to put back."""

    tables: tuple[str, ...] = ()
    indexes: list = field(default_factory=list)
    foreign_keys: list[tuple[str, str, str]] = field(default_factory=list)  # table, name, def


def drop_indexes(conn: Connection, tables: tuple[str, ...]) -> Dropped:
    """Drop the secondary indexes of ``tables`` (and on PostgreSQL their foreign keys, each
    checked there by a trigger per row) before a bulk write, as the demo seed does: a
    million rows go faster into a table without them, and building an index (or checking a
    foreign key) once is cheaper than keeping it up to date row by row.
    :func:`create_indexes` puts them back in the same transaction. DDL is transactional on
    SQLite and PostgreSQL: a failed load leaves them as they were."""
    from core.models import Base

    dropped = Dropped(tables)
    dropped.indexes = [i for name in tables for i in Base.metadata.tables[name].indexes]
    for index in dropped.indexes:
        index.drop(conn, checkfirst=True)
    if conn.dialect.name == "postgresql":
        for table in tables:
            rows = conn.execute(
                text(
                    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE conrelid = CAST(:t AS regclass) AND contype = 'f' ORDER BY conname"
                ),
                {"t": f'"{table}"'},
            ).all()
            for name, definition in rows:
                conn.exec_driver_sql(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
                dropped.foreign_keys.append((table, name, definition))
    return dropped


def create_indexes(conn: Connection, dropped: Dropped | None) -> None:
    """Put back what :func:`drop_indexes` dropped (each foreign key checked once, over the
    whole table) and, on PostgreSQL, refresh the planner's statistics of those tables."""
    if dropped is None:
        return
    for index in dropped.indexes:
        index.create(conn, checkfirst=True)
    for table, name, definition in dropped.foreign_keys:
        conn.exec_driver_sql(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
    if conn.dialect.name == "postgresql" and dropped.tables:
        conn.exec_driver_sql("ANALYZE " + ", ".join(f'"{t}"' for t in dropped.tables))


def next_id(conn: Connection, table: str) -> int:
    return int(conn.execute(text(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')).scalar_one()) + 1


def upsert(
    conn: Connection,
    table: str,
    rows: pd.DataFrame,
    key: str,
    existing: pd.DataFrame | None = None,
    insert_only: dict | None = None,
    bookkeeping: tuple[str, ...] = (),
) -> Written:
    """Insert or update ``rows`` (columns named as in ``table``) by their ``key`` column.

    Parameters
    ----------
    conn : Connection
        The load's transaction.
    rows : DataFrame
        One row per key (the checks removed duplicates), every column to write.
    existing : DataFrame, optional
        The table's current rows (id, key and the same columns) when the caller has read
        them already; read here otherwise.
    insert_only : dict, optional
        Columns set on new rows only (an account's inactive state, a created date).
    bookkeeping : tuple of str, optional
        Columns written like the others whose change alone does not count as an update (a
        row's source hash): such a row is written, counted unchanged and not touched.
    """
    cols = [c for c in rows.columns if c != key]
    if existing is None:
        listed = ", ".join(f'"{c}"' for c in ["id", key, *cols])
        existing = pd.read_sql(text(f'SELECT {listed} FROM "{table}"'), conn)
    existing = existing.drop_duplicates(key).set_index(key)
    rows = rows.reset_index(drop=True)
    known = rows[key].isin(existing.index).to_numpy()
    out = Written()
    new = rows[~known].copy()
    if len(new):
        first = next_id(conn, table)
        new.insert(0, "id", np.arange(first, first + len(new)))
        for name, value in (insert_only or {}).items():
            new[name] = value
        bulk_insert(conn, table, new)
        reset_sequences(conn, [table])
        out.inserted = len(new)
    old_rows = rows[known].reset_index(drop=True)
    if len(old_rows):
        before = existing.loc[old_rows[key]].reset_index()
        changed = np.zeros(len(old_rows), dtype=bool)
        noted = np.zeros(len(old_rows), dtype=bool)
        for c in cols:
            if c in bookkeeping:
                noted |= ~same_values(before[c], old_rows[c])
            else:
                changed |= ~same_values(before[c], old_rows[c])
        update = old_rows[changed | noted].copy()
        update.insert(0, "id", before.loc[changed | noted, "id"].to_numpy())
        update_rows(conn, table, update.drop(columns=[key]))
        out.updated = int(changed.sum())
        out.unchanged = len(old_rows) - out.updated
    updated_ids = (
        before.loc[changed, "id"].to_numpy(dtype=np.int64)
        if len(old_rows)
        else np.array([], dtype=np.int64)
    )
    inserted_ids = new["id"].to_numpy() if len(new) else np.array([], dtype=np.int64)
    out.touched = np.concatenate([inserted_ids, updated_ids]).astype(np.int64)
    parts = [pd.Series(existing["id"].to_numpy(dtype=np.int64), index=existing.index)]
    if len(new):
        parts.append(pd.Series(new["id"].to_numpy(dtype=np.int64), index=new[key].to_numpy()))
    ids = pd.concat([p for p in parts if len(p)]) if any(len(p) for p in parts) else parts[0]
    out.ids = ids[~ids.index.duplicated()]
    return out
