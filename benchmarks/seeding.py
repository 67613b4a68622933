"""Seed a fresh demo database and measure the seed's wall time and the database's size.

SQLite: a new file per size; the size is the main file plus ``-wal``/``-shm`` (if any) after
``PRAGMA wal_checkpoint(TRUNCATE)``. PostgreSQL (optional): a new schema ``gm_bench_<n>``,
reached through ``?options=-csearch_path=<schema>``, measured with ``pg_total_relation_size``
(tables with their indexes and TOAST) and dropped afterwards.

The seed's phases are split by wrapping ``core.demo.seed.upgrade``,
``core.demo.seed.build_county`` and ``core.customers.tagging_run.profile_customers`` with timers
for the duration of one call (in this process only; no source file is changed): schema = Alembic
upgrade, build = generating the county in pandas, profile = tags and segments of every
customer, write = the rest (bulk inserts and commit).
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import make_url, text

import core.customers.tagging_run as profiling_module
import core.demo.seed as seed_module
from core.db import make_engine

SEED = 20261123
AS_OF = date(2026, 11, 23)
MB = 1024 * 1024


@dataclass
class SeedResult:
    """Outcome of seeding one database.

    Attributes
    ----------
    n : int
        Individual customers asked for.
    url : str
        Database URL (SQLite) or the schema-qualified URL (PostgreSQL).
    seconds : float
        Wall time of ``seed(...)``.
    size_mb : float
        Database size in MiB.
    counts : dict[str, int]
        Rows per table, as returned by ``seed``.
    phases : dict[str, float]
        Seconds spent in ``schema``, ``build``, ``write`` and ``profile``.
    """

    n: int
    url: str
    seconds: float
    size_mb: float
    counts: dict[str, int]
    phases: dict[str, float] = field(default_factory=dict)
    source: str = ""  # where a later part says its database came from


@contextlib.contextmanager
def _phase_timers(phases: dict[str, float]):
    """Time ``upgrade``, ``build_county`` and ``profile_customers`` while active."""
    originals = {
        "schema": (seed_module, "upgrade", seed_module.upgrade),
        "build": (seed_module, "build_county", seed_module.build_county),
        "profile": (profiling_module, "profile_customers", profiling_module.profile_customers),
    }

    def timed(label, func):
        def wrapper(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                phases[label] = phases.get(label, 0.0) + time.perf_counter() - t0

        return wrapper

    for label, (module, name, func) in originals.items():
        setattr(module, name, timed(label, func))
    try:
        yield
    finally:
        for module, name, func in originals.values():
            setattr(module, name, func)


def _timed_seed(engine, n: int) -> tuple[float, dict[str, int], dict[str, float]]:
    phases: dict[str, float] = {}
    with _phase_timers(phases):
        t0 = time.perf_counter()
        counts = seed_module.seed(engine, n, seed=SEED, as_of=AS_OF, quiet=True)
        seconds = time.perf_counter() - t0
    phases["write"] = seconds - sum(phases.values())
    return seconds, counts, phases


def sqlite_size_mb(path: Path) -> float:
    """Size of a SQLite database in MiB, including its ``-wal`` and ``-shm`` files.

    Parameters
    ----------
    path : Path
        The main database file.

    Returns
    -------
    float
        Sum of the sizes of the files that exist.
    """
    files = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
    return sum(f.stat().st_size for f in files if f.exists()) / MB


def seed_sqlite(directory: Path, n: int) -> SeedResult:
    """Seed ``directory/bench_<n>.sqlite`` from scratch and measure it.

    Parameters
    ----------
    directory : Path
        Where the database file goes; an old file of the same name is removed first.
    n : int
        Individual customers.

    Returns
    -------
    SeedResult
        Time, size after a WAL checkpoint, row counts and phase times.
    """
    path = directory / f"bench_{n}.sqlite"
    for suffix in ("", "-wal", "-shm", "-journal"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    try:
        seconds, counts, phases = _timed_seed(engine, n)
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        engine.dispose()
    return SeedResult(n, url, seconds, sqlite_size_mb(path), counts, phases)


def seed_postgres(server_url: str, n: int, keep: bool = False) -> SeedResult:
    """Seed a fresh schema ``gm_bench_<n>`` on a PostgreSQL server and measure it.

    Parameters
    ----------
    server_url : str
        SQLAlchemy URL of the server (``postgresql+psycopg://...``); the user must be allowed
        to create schemas.
    n : int
        Individual customers.
    keep : bool, optional
        Keep the schema instead of dropping it afterwards.

    Returns
    -------
    SeedResult
        Time, the sum of ``pg_total_relation_size`` over the schema's tables, row counts and
        phase times.
    """
    schema = f"gm_bench_{n}"
    admin = make_engine(server_url)
    url = make_url(server_url).update_query_dict({"options": f"-csearch_path={schema}"})
    engine = make_engine(url.render_as_string(hide_password=False))
    try:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        seconds, counts, phases = _timed_seed(engine, n)
        with admin.begin() as conn:
            size = conn.execute(
                text(
                    "SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
                    "JOIN pg_namespace s ON s.oid = c.relnamespace "
                    "WHERE s.nspname = :schema AND c.relkind IN ('r', 'm', 'p')"
                ),
                {"schema": schema},
            ).scalar_one()
    finally:
        engine.dispose()
        if not keep:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()
    return SeedResult(
        n, url.render_as_string(hide_password=True), seconds, int(size) / MB, counts, phases
    )
