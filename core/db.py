"""One engine from settings, schema upgrades through Alembic, and small query helpers."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

import numpy as np
import pandas as pd
from sqlalchemy import Engine, Integer, create_engine, event, inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from core import config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_S = 2.0  # SQLite waits this long for another writer's lock, per attempt
WRITE_ATTEMPTS = 3  # write_retrying tries a busy write this often in all
RETRY_PAUSE_S = 0.3  # ... pausing this long (growing) between attempts
log = logging.getLogger(__name__)
T = TypeVar("T")


class DatabaseBusy(Exception):
    """The database stayed locked or unreachable through every retry (key ``error.busy``).

    Its text never holds SQL or parameters; the cause is kept (``__cause__``) for the log.
    """

    key = "error.busy"

    def __init__(self) -> None:
        super().__init__("database busy or unreachable")


def is_busy(exc: BaseException) -> bool:
    """True for a locked/busy SQLite database, a PostgreSQL lock or serialisation conflict,
    or a lost connection: errors that a retry a moment later can cure."""
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    text_ = str(exc.orig).lower()
    if any(
        w in text_
        for w in (
            "database is locked",
            "database table is locked",
            "busy",
            "could not serialize",
            "deadlock detected",
            "lock timeout",
            "server closed the connection",
            "connection refused",
            "terminating connection",
            "could not connect",
        )
    ):
        return True
    code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    return code in {"40001", "40P01", "55P03", "57P01", "08000", "08003", "08006"}


def write_retrying(
    engine: Engine,
    fn: Callable[[Engine], T],
    attempts: int | None = None,
    pause: float | None = None,
) -> T:
    """Run ``fn(engine)`` - one whole write transaction - and run it again when the database
    was busy (see :func:`is_busy`), up to ``attempts`` times; then raise :class:`DatabaseBusy`.

    ``fn`` must write nothing unless its transaction commits (so a retry never doubles a
    write). Any other error passes through unchanged.
    """
    attempts = WRITE_ATTEMPTS if attempts is None else attempts
    pause = RETRY_PAUSE_S if pause is None else pause
    for attempt in range(1, attempts + 1):
        try:
            return fn(engine)
        except DBAPIError as exc:
            if not is_busy(exc):
                raise
            log.warning(
                "database busy (attempt %d of %d): %s", attempt, attempts, type(exc.orig).__name__
            )
            if attempt == attempts:
                raise DatabaseBusy() from exc
            time.sleep(pause * attempt)
    raise AssertionError("unreachable")  # pragma: no cover


def get_engine(url: str | None = None) -> Engine:
    """Return the process-wide engine for ``url`` (default: the DATABASE_URL setting as it is
    now: the cache is keyed by the resolved URL, so a changed setting never reaches the
    database it named before)."""
    return _engine(url or config.database_url())


@lru_cache(maxsize=8)
def _engine(url: str) -> Engine:
    return make_engine(url)


get_engine.cache_clear = _engine.cache_clear  # what the benchmarks call between runs


def make_engine(url: str) -> Engine:
    """Build an engine; SQLite gets WAL, foreign keys and a short busy timeout
    (:data:`BUSY_TIMEOUT_S`; :func:`write_retrying` retries beyond it)."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):  # pragma: no cover - runs per connection
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def _alembic_config(engine: Engine):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    url = engine.url.render_as_string(hide_password=False)
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(engine: Engine) -> None:
    """Create the schema or bring it to the newest migration."""
    from alembic import command

    cfg = _alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def is_empty(engine: Engine) -> bool:
    """True when the database has no customers table or no bank in it yet."""
    if not inspect(engine).has_table("bank"):
        return True
    with engine.connect() as conn:
        return conn.execute(text("SELECT COUNT(*) FROM bank")).scalar_one() == 0


def holds_users(engine: Engine) -> bool:
    """True when the database has user accounts (a bank that created its first head-office
    user with ``python -m core users add`` before loading its data): never seed the demo
    county, and so never its demo accounts, into it."""
    if not inspect(engine).has_table("app_user"):
        return False
    with engine.connect() as conn:
        return conn.execute(text("SELECT COUNT(*) FROM app_user")).scalar_one() > 0


def read_frame(conn: Connection, statement, params: dict | None = None) -> pd.DataFrame:
    """Run a SQLAlchemy statement and return its rows as a DataFrame."""
    result = conn.execute(statement, params or {})
    return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


def read_columns(engine: Engine, sql: str) -> pd.DataFrame:
    """Run a read-only SELECT of many rows the fast way and return a DataFrame.

    For the few computations that need every customer row (re-assignment, proposals). SQLite:
    the DB-API rows straight into one numpy array when every column is numeric, without
    ``pd.read_sql``'s work per value (the grid benchmark times both at a million rows).
    PostgreSQL: Arrow through ADBC. ADBC is not used on SQLite: it links its own copy of SQLite, and
    two copies in one process break each other's file locks (stale reads, even corruption).
    Numeric columns with NULLs come back as floats with NaN.
    """
    if engine.url.get_backend_name() == "postgresql":
        import adbc_driver_postgresql.dbapi as adbc

        uri = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        with adbc.connect(uri) as conn, conn.cursor() as cur:
            cur.execute(sql)
            return cur.fetch_arrow_table().to_pandas()
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute(sql)
        columns = [d[0] for d in cur.description]
        rows = cur.fetchall()
        cur.close()
    finally:
        raw.close()
    try:
        return pd.DataFrame(
            np.array(rows, dtype=float).reshape(len(rows), len(columns)), columns=columns
        )
    except (TypeError, ValueError):  # text columns: the general path
        return pd.DataFrame.from_records(rows, columns=columns)


def sql_literal(value: str) -> str:
    """A text value as a standard SQL string literal (quotes doubled), for the few queries
    written as text for the fast read path; never for user input that could be bound.

    Examples
    --------
    >>> print(sql_literal("O'Brien"))
    'O''Brien'
    """
    if "\x00" in value:
        raise ValueError("text with a NUL character")
    return "'" + value.replace("'", "''") + "'"


def days_before(engine: Engine, column: str, as_of) -> str:
    """SQL for the whole days from ``column`` (a date) to ``as_of`` (NULL stays NULL), in the
    engine's dialect: PostgreSQL subtracts dates, SQLite compares Julian days."""
    day = as_of.isoformat()[:10]  # a date object's own text: digits and dashes only
    if engine.url.get_backend_name() == "postgresql":
        return f"(DATE '{day}' - CAST({column} AS DATE))"
    return f"CAST(julianday('{day}') - julianday({column}) AS INTEGER)"


def table_counts(engine: Engine) -> dict[str, int]:
    """Row count of every table (for the seed summary and tests)."""
    names = inspect(engine).get_table_names()
    with engine.connect() as conn:
        return {
            n: conn.execute(text(f'SELECT COUNT(*) FROM "{n}"')).scalar_one()
            for n in sorted(names)
            if n != "alembic_version"
        }


def _native_column(s: pd.Series, integer: bool) -> list:
    """One column as plain Python values: dates as ISO text, NaN/NaT as None."""
    missing = s.isna().to_numpy()
    if pd.api.types.is_datetime64_any_dtype(s):  # each distinct moment formatted once
        codes, uniques = pd.factorize(s)
        has_time = bool((uniques.normalize() != uniques).any())
        texts = np.asarray(uniques.strftime("%Y-%m-%d %H:%M:%S" if has_time else "%Y-%m-%d"))
        s = pd.Series(np.append(texts.astype(object), None)[codes])  # code -1: NaT
    elif integer and pd.api.types.is_float_dtype(s):
        s = s.fillna(0).astype("int64")  # ids with gaps became floats; "1.0" is no integer
    values = s.tolist()  # numpy scalars become Python int/float/bool/str
    if missing.any():
        for i in missing.nonzero()[0]:
            values[i] = None
    return values


def _native_rows(df: pd.DataFrame, integer_cols: set[str] = frozenset()) -> list[tuple]:
    """Rows of ``df`` as tuples of plain Python values, converted column by column."""
    return list(zip(*(_native_column(df[c], c in integer_cols) for c in df.columns), strict=False))


def bulk_insert(
    conn: Connection,
    table: str,
    df: pd.DataFrame,
    chunk: int = 50_000,
    progress=None,
    integer_cols: set[str] | None = None,
) -> None:
    """Insert every row of ``df`` (columns named as in ``table``) in fast driver batches.

    PostgreSQL gets ``COPY``; SQLite a prepared ``executemany``. ``progress(done, total)`` is
    called after each chunk. Runs inside the caller's transaction, so a failure writes nothing.
    ``integer_cols`` is needed only for a table outside the schema (a temporary table).
    """
    if integer_cols is None:  # a table of the schema: its integer columns
        from core.models import Base

        columns = Base.metadata.tables[table].columns
        integer_cols = {c for c in df.columns if isinstance(columns[c].type, Integer)}
    cols = list(df.columns)
    col_list = ", ".join(f'"{c}"' for c in cols)
    total = len(df)
    for start in range(0, total, chunk):
        rows = _native_rows(df.iloc[start : start + chunk], integer_cols)
        if conn.dialect.name == "postgresql":
            with (
                conn.connection.cursor() as cur,
                cur.copy(f'COPY "{table}" ({col_list}) FROM STDIN') as copy,
            ):
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" for _ in cols)
            conn.exec_driver_sql(f'INSERT INTO "{table}" ({col_list}) VALUES ({marks})', rows)
        if progress:
            progress(min(start + chunk, total), total)


def update_rows(conn: Connection, table: str, values: pd.DataFrame) -> int:
    """Set columns of ``table`` for the rows whose ids ``values`` holds (columns: id and the
    columns to set, named as in the table), in one UPDATE ... FROM a temporary table.

    Runs in the caller's transaction. Returns the number of rows given.
    """
    from core.models import Base

    if values.empty:
        return 0
    columns = Base.metadata.tables[table].columns
    cols = [c for c in values.columns if c != "id"]
    temp = f"tmp_update_{table}"
    types = ", ".join(f'"{c}" {columns[c].type.compile(conn.dialect)}' for c in cols)
    conn.exec_driver_sql(f"CREATE TEMPORARY TABLE {temp} (id INTEGER PRIMARY KEY, {types})")
    try:
        integer = {"id"} | {c for c in cols if isinstance(columns[c].type, Integer)}
        bulk_insert(conn, temp, values[["id", *cols]], integer_cols=integer)
        assignments = ", ".join(f'"{c}" = t."{c}"' for c in cols)
        conn.exec_driver_sql(
            f'UPDATE "{table}" SET {assignments} FROM {temp} t WHERE "{table}".id = t.id'
        )
    finally:
        conn.exec_driver_sql(f"DROP TABLE {temp}")
    return len(values)


def reset_sequences(conn: Connection, tables: list[str]) -> None:
    """After inserting explicit ids on PostgreSQL, move each id sequence past the max."""
    if conn.dialect.name != "postgresql":
        return
    for t in tables:
        conn.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('\"{t}\"', 'id'), "
            f'COALESCE((SELECT MAX(id) FROM "{t}"), 0) + 1, false)'
        )
