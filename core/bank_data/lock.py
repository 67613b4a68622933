"""One load at a time: :func:`exclusive` holds the bank's load lock for a whole load (its
checks, its write, the first grids and the tags after it) or a whole nightly run.

PostgreSQL: the ``load_lock`` row, locked ``FOR UPDATE`` on a connection of its own that
stays open while the load runs; a second load waits on the row. SQLite: the database file has
a single writer, so the lock is an advisory file lock (``flock``) on ``<database>-load-lock``
beside it; a second load polls for it. Either way the operating system or the server lets go
when the holder dies (``kill -9``: the server closes the dead connection, the kernel drops
the file lock), so a killed load never leaves the lock behind. A load that has waited
:data:`WAIT_S` seconds gives up with :class:`LoadBusy` (``load.busy``). The lock is
re-entrant per thread: a nightly run holds it, and each of its loads takes it again for free.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from core.db import is_busy

WAIT_S = 600.0  # a second load waits this long for the first, then gives up (load.busy)
POLL_S = 0.2  # SQLite: how often a waiting load tries the file lock again
_held = threading.local()  # {lock's name: depth} of the locks this thread holds


class LoadBusy(Exception):
    """Another load held the lock for :data:`WAIT_S` seconds (i18n key ``load.busy``)."""

    key = "load.busy"

    def __init__(self) -> None:
        super().__init__("another load is running")


def lock_file(engine: Engine) -> Path | None:
    """The file locked beside a SQLite database (None for PostgreSQL or an in-memory one).

    Examples
    --------
    >>> from sqlalchemy import create_engine
    >>> lock_file(create_engine("sqlite:////srv/gm/bank.sqlite"))
    PosixPath('/srv/gm/bank.sqlite-load-lock')
    >>> lock_file(create_engine("sqlite://")) is None
    True
    """
    if engine.url.get_backend_name() != "sqlite":
        return None
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    path = Path(database)
    return path.with_name(f"{path.name}-load-lock")


@contextmanager
def exclusive(
    engine: Engine, waiting: Callable[[], None] | None = None, wait_s: float | None = None
) -> Iterator[None]:
    """Hold the bank's load lock while the block runs.

    Parameters
    ----------
    engine : Engine
    waiting : callable, optional
        Called once when the lock is held by another load (to say the load waits).
    wait_s : float, optional
        How long to wait (default :data:`WAIT_S`).

    Raises
    ------
    LoadBusy
        The lock stayed taken that long; nothing was done.
    """
    name = engine.url.render_as_string(hide_password=True)
    depth = getattr(_held, "depth", None)
    if depth is None:
        depth = _held.depth = {}
    if depth.get(name):
        depth[name] += 1
        try:
            yield
        finally:
            depth[name] -= 1
        return
    wait_s = WAIT_S if wait_s is None else wait_s
    path = lock_file(engine)
    held = _file_lock(path, waiting, wait_s) if path else _row_lock(engine, waiting, wait_s)
    with held:
        depth[name] = 1
        try:
            yield
        finally:
            depth[name] = 0


@contextmanager
def _file_lock(path: Path, waiting, wait_s: float) -> Iterator[None]:
    import fcntl

    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline, told = time.monotonic() + wait_s, False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LoadBusy() from None
                if not told and waiting is not None:
                    waiting()
                told = True
                time.sleep(POLL_S)
        try:
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()} {datetime.now():%Y-%m-%d %H:%M:%S}\n".encode())
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


@contextmanager
def _row_lock(engine: Engine, waiting, wait_s: float) -> Iterator[None]:
    with engine.connect() as conn, conn.begin():
        try:
            with conn.begin_nested():
                conn.execute(text("SELECT id FROM load_lock WHERE id = 1 FOR UPDATE NOWAIT"))
        except DBAPIError as exc:
            if not is_busy(exc):
                raise
            if waiting is not None:
                waiting()
            conn.execute(text(f"SET LOCAL lock_timeout = '{max(1, round(wait_s * 1000))}ms'"))
            try:
                conn.execute(text("SELECT id FROM load_lock WHERE id = 1 FOR UPDATE"))
            except DBAPIError as exc:
                if is_busy(exc):
                    raise LoadBusy() from None
                raise
        conn.execute(text("SET LOCAL lock_timeout = 0"))
        conn.execute(text("UPDATE load_lock SET at = :now WHERE id = 1"), {"now": datetime.now()})
        yield
