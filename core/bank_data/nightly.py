"""The nightly batch: ``python -m core nightly INBOX``.

A core-banking system drops one dated folder per night into the inbox (``20261207/``) and,
when every file is complete, a done-marker beside them (``20261207.flg``, ``*.ok``). Each
folder with its marker is loaded once, oldest first, as of its date; a folder without its
marker is not ready and waits; a folder already loaded is skipped. A failed batch writes
nothing and stops the queue (the next night retries it after the bank fixes its files).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from sqlalchemy import Engine, text

from core.bank_data.load import LoadOptions, LoadResult, Progress, _quiet, load_folder
from core.bank_data.lock import exclusive
from core.bank_data.spec import DONE_MARKERS

DATED = re.compile(r"^(\d{4})-?(\d{2})-?(\d{2})")


@dataclass
class Batch:
    folder: Path
    name: str
    as_of: date | None
    ready: bool  # its done-marker is there


@dataclass
class BatchOutcome:
    batch: Batch
    state: str  # loaded / skipped (done before) / waiting (no marker) / failed
    result: LoadResult | None = None


def batch_date(name: str) -> date | None:
    """The date a batch folder's name starts with (20261207, 2026-12-07), or None.

    Examples
    --------
    >>> batch_date("20261207"), batch_date("2026-12-07_full"), batch_date("latest")
    (datetime.date(2026, 12, 7), datetime.date(2026, 12, 7), None)
    """
    m = DATED.match(name)
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def batches(inbox: Path) -> list[Batch]:
    """The inbox's batch folders, oldest first (by date, then name)."""
    found = []
    for folder in inbox.iterdir():
        if not folder.is_dir() or folder.name.startswith("."):
            continue
        markers = [
            p
            for place in (folder, inbox)
            for p in place.iterdir()
            if p.suffix.lower() in DONE_MARKERS and (place == folder or p.stem == folder.name)
        ]
        found.append(Batch(folder, folder.name, batch_date(folder.name), bool(markers)))
    return sorted(found, key=lambda b: (b.as_of or date.max, b.name))


def done_batches(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT batch FROM load_run WHERE status = 'done' AND batch IS NOT NULL")
        ).scalars()
        return set(rows)


def run_inbox(
    engine: Engine,
    inbox: Path,
    actor,
    options: LoadOptions,
    progress: Progress = _quiet,
) -> list[BatchOutcome]:
    """Load every ready batch not loaded yet, oldest first; stop at the first failure.

    ``options`` is the template of each load (its ``as_of`` is used for a folder whose
    name carries no date). Segments are fitted anew only when a batch changes many customers
    (``core.bank_data.load.DRIFT_SHARE``) or when asked (``options.recluster``). The run
    holds the load lock throughout (:func:`core.bank_data.lock.exclusive`): a second run at
    the same time waits, then skips what this one loaded; one that waited in vain raises
    :class:`core.bank_data.lock.LoadBusy`.
    """
    with exclusive(engine, lambda: progress("等待另一次加载结束 / waiting for another load", 0.0)):
        done = done_batches(engine)  # read under the lock: a second run skips what this one did
        outcomes: list[BatchOutcome] = []
        for batch in batches(inbox):
            if batch.name in done:
                outcomes.append(BatchOutcome(batch, "skipped"))
                continue
            if not batch.ready:
                outcomes.append(BatchOutcome(batch, "waiting"))
                break  # later batches wait for this one: they are loaded in order
            these = replace(
                options,
                as_of=batch.as_of or options.as_of,
                source=str(batch.folder)[:200],
                batch=batch.name[:60],
            )
            result = load_folder(engine, batch.folder, actor, these, progress)
            outcomes.append(BatchOutcome(batch, "loaded" if result.ok else "failed", result))
            if not result.ok:
                break
    return outcomes
