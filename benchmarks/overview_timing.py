"""Time the Overview's queries (``load_headline`` + ``load_breakdown``) for one scope.

cold
    A freshly created engine (``core.db.make_engine``), first call: a new connection with an
    empty SQLite page cache and an empty SQLAlchemy statement cache. The operating system's
    page cache cannot be dropped without root, and the database was written moments before,
    so the file is in memory: this is "new process, warm disk", not a cold disk.
warm
    Median of further calls on the same engine (the database's own cache is warm).
cached
    The Streamlit path: ``core.ui.headline`` and ``core.ui.breakdown`` (over ``st.cache_data``),
    called twice outside a Streamlit runtime (Streamlit then uses an in-memory cache and logs
    a warning, silenced here); the second call is timed - hashing the arguments and
    unpickling the stored result.
"""

from __future__ import annotations

import logging
import os
import statistics
import time
from dataclasses import dataclass
from unittest import mock

from sqlalchemy import select

from core.db import make_engine
from core.grids.overview import load_breakdown, load_headline
from core.models import Manager
from core.scope import Scope


@dataclass
class OverviewTiming:
    """Milliseconds for one scope; ``cached_ms`` is None when not measured."""

    scope: Scope
    cold_ms: float
    warm_ms: float
    cached_ms: float | None = None


def bench_scopes(url: str) -> list[Scope]:
    """The three scopes to time: head office, branch 1, and manager 1 with its branch.

    Parameters
    ----------
    url : str
        Database URL of a seeded database.

    Returns
    -------
    list[Scope]
        ``[Scope("hq"), Scope("branch", 1), Scope("manager", b, 1)]``.
    """
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            branch = conn.execute(select(Manager.branch_id).where(Manager.id == 1)).scalar_one()
    finally:
        engine.dispose()
    return [Scope("hq"), Scope("branch", 1), Scope("manager", int(branch), 1)]


def _overview(engine, scope: Scope) -> float:
    t0 = time.perf_counter()
    load_headline(engine, scope)
    load_breakdown(engine, scope)
    return (time.perf_counter() - t0) * 1000


def time_uncached(url: str, scope: Scope, repeats: int = 5) -> tuple[float, float]:
    """Cold and warm milliseconds of the uncached Overview queries for ``scope``.

    Parameters
    ----------
    url : str
        Database URL.
    scope : Scope
        Whose Overview.
    repeats : int, optional
        Warm calls after the cold one; their median is reported.

    Returns
    -------
    tuple[float, float]
        ``(cold_ms, warm_ms)``.
    """
    engine = make_engine(url)
    try:
        cold = _overview(engine, scope)
        warm = statistics.median(_overview(engine, scope) for _ in range(repeats))
    finally:
        engine.dispose()
    return cold, warm


def time_cached(url: str, scope: Scope) -> float:
    """Milliseconds of the second call of the ``st.cache_data`` wrappers in ``core.ui``.

    Parameters
    ----------
    url : str
        Database URL; set as ``DATABASE_URL`` meanwhile, as the app has it (``core.ui`` reads
        it and opens it through ``core.db.get_engine``).
    scope : Scope
        Whose Overview.

    Returns
    -------
    float
        Time of ``headline(scope)`` + ``breakdown(scope)`` once both are cached.
    """
    import streamlit.logger

    streamlit.logger.set_log_level(logging.ERROR)  # "No runtime found" and the like
    from core import ui

    with mock.patch.dict(os.environ, {"DATABASE_URL": url}):
        ui.headline(scope)
        ui.breakdown(scope)
        t0 = time.perf_counter()
        ui.headline(scope)
        ui.breakdown(scope)
        return (time.perf_counter() - t0) * 1000


def release_cached(url: str) -> None:
    """Clear the Streamlit caches and dispose the engine ``core.ui`` opened for ``url``.

    Parameters
    ----------
    url : str
        The URL passed to ``time_cached``.
    """
    import streamlit as st

    from core.db import get_engine

    st.cache_data.clear()
    get_engine(url).dispose()
    get_engine.cache_clear()


def time_overview(url: str, repeats: int = 5) -> list[OverviewTiming]:
    """Cold, warm and cached timings of the Overview for the three benchmark scopes.

    Parameters
    ----------
    url : str
        Database URL of a seeded database.
    repeats : int, optional
        Warm calls per scope.

    Returns
    -------
    list[OverviewTiming]
        One entry per scope, in the order of ``bench_scopes``.
    """
    out = []
    for scope in bench_scopes(url):
        cold, warm = time_uncached(url, scope, repeats)
        out.append(OverviewTiming(scope, cold, warm))
    for timing in out:  # after every cold run, so the cached path does not warm them
        timing.cached_ms = time_cached(url, timing.scope)
    release_cached(url)
    return out
