"""Targets and progress at bank scale: the progress page's data and recomputing actuals.

On a seeded database of ``--progress-customers`` individuals (1,000,000 by default: ~75
managers x 15 metrics x 12 months of targets and actuals, the same at any customer count):

progress data, per scope (head office, branch 1, manager 1)
    What the progress page computes before drawing: ``load_progress`` (targets of the
    year, actuals of this year and last, the catalogue, the scope's units), the period's
    ``progress_table`` with its lag warnings, and the run-rate forecast of the scope's top
    unit.

    * cold: a new engine, first call (a new process's first query on a warm disk: the OS
      page cache cannot be dropped without root);
    * warm: median of further calls of the uncached functions;
    * cached: ``core.ui.progress_data`` and ``progress_tables`` (over ``st.cache_data``) on
      their second call, outside a Streamlit runtime.
progress page, warm
    The whole page script (widgets, tables, both plotly charts) rerun in AppTest with its
    caches warm, median of ``--repeats`` reruns: what a user waits for after a click, less
    the browser's drawing.
recompute actuals
    ``core.performance.actuals.recompute_actuals`` for the as-of date, one transaction: every
    computed metric for every month from the data, snapshots of the as-of month; median of two runs
    (it is idempotent: the second run writes the same rows).
"""

from __future__ import annotations

import logging
import statistics
import time
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select, text

from benchmarks.log import log
from core.db import make_engine
from core.models import Manager
from core.scope import Scope

AS_OF = date(2026, 11, 23)


@dataclass
class ProgressReport:
    source: str
    customers: int = 0
    managers: int = 0
    metrics: int = 0
    target_rows: int = 0
    actual_rows: int = 0
    data_ms: dict[str, dict[str, float]] = field(default_factory=dict)  # scope -> kind -> ms
    page_ms: dict[str, float] = field(default_factory=dict)  # scope -> warm page rerun
    recompute_s: list[float] = field(default_factory=list)
    recompute_rows: int = 0


def _scopes(engine) -> dict[str, Scope]:
    with engine.connect() as conn:
        branch = conn.execute(select(Manager.branch_id).where(Manager.id == 1)).scalar_one()
    return {
        "hq": Scope("hq"),
        "branch 1": Scope("branch", 1),
        "manager 1": Scope("manager", int(branch), 1),
    }


def _page_data(engine, scope: Scope) -> float:
    from core.performance.progress import (
        forecast_table,
        lag_warnings,
        load_progress,
        progress_table,
    )

    t0 = time.perf_counter()
    data = load_progress(engine, scope)
    table = progress_table(data, "year")
    lag_warnings(table)
    top = data.orgs.iloc[0]
    forecast_table(data, top["org_level"], int(top["org_id"]))
    return (time.perf_counter() - t0) * 1000


def time_data(url: str, scope: Scope, repeats: int) -> dict[str, float]:
    """Cold, warm and cached milliseconds of the progress page's data for ``scope``."""
    engine = make_engine(url)
    try:
        cold = _page_data(engine, scope)
        warm = statistics.median(_page_data(engine, scope) for _ in range(repeats))
    finally:
        engine.dispose()
    import streamlit.logger

    streamlit.logger.set_log_level(logging.ERROR)
    from core import ui
    from tests.helpers import app_database

    with app_database(url):  # core.ui reads the database the app is set to
        ui.progress_tables(scope, "year")
        t0 = time.perf_counter()
        ui.progress_data(scope)
        ui.progress_tables(scope, "year")
        cached = (time.perf_counter() - t0) * 1000
    return {"cold": cold, "warm": warm, "cached": cached}


def time_page(url: str, username: str, repeats: int) -> float:
    """Median milliseconds of a warm rerun of the whole progress page in AppTest (signed in
    and opened as the AppTest tests open a page)."""
    from tests.helpers import app_database, navigation_mode, open_page

    with navigation_mode(), app_database(url):
        at = open_page(username, "pages/progress.py", timeout=300)  # fills the caches
        import streamlit.logger

        streamlit.logger.set_log_level(logging.ERROR)
        runs = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            at.run()
            runs.append((time.perf_counter() - t0) * 1000)
        return statistics.median(runs)


def time_recompute(url: str, runs: int = 2) -> tuple[list[float], int]:
    from core.performance.actuals import recompute_actuals
    from core.permissions import SYSTEM

    engine = make_engine(url)
    try:
        results = [recompute_actuals(engine, SYSTEM, AS_OF) for _ in range(runs)]
    finally:
        engine.dispose()
    return [r.seconds for r in results], results[-1].rows


def run_progress(url: str, repeats: int = 5, source: str = "") -> ProgressReport:
    """Every measurement above on the seeded SQLite database at ``url``."""
    import streamlit.logger

    from core.db import get_engine
    from core.ui.progress import progress_changed

    streamlit.logger.set_log_level(logging.ERROR)  # "missing ScriptRunContext" outside a server
    report = ProgressReport(source=source)
    engine = make_engine(url)
    with engine.connect() as conn:
        report.customers = conn.execute(text("SELECT COUNT(*) FROM customer")).scalar_one()
        report.managers = conn.execute(select(func.count()).select_from(Manager)).scalar_one()
        report.metrics = conn.execute(text("SELECT COUNT(*) FROM metric")).scalar_one()
        report.target_rows = conn.execute(text("SELECT COUNT(*) FROM target")).scalar_one()
        report.actual_rows = conn.execute(text("SELECT COUNT(*) FROM actual")).scalar_one()
    scopes = _scopes(engine)
    engine.dispose()
    log(f"progress: recomputing actuals of {report.customers:,} customers (x2)")
    report.recompute_s, report.recompute_rows = time_recompute(url)
    log(f"  {', '.join(f'{s:.1f} s' for s in report.recompute_s)}")
    for label, scope in scopes.items():
        report.data_ms[label] = time_data(url, scope, repeats)
        log(
            f"  data {label}: "
            + ", ".join(f"{k} {v:.1f} ms" for k, v in report.data_ms[label].items())
        )
    for label, username in (("hq", "hq"), ("branch", "branch"), ("manager", "manager")):
        report.page_ms[label] = time_page(url, username, repeats)
        log(f"  page {label}: {report.page_ms[label]:.0f} ms")
    progress_changed()
    get_engine.cache_clear()
    return report


def tables(report: ProgressReport) -> str:
    """The progress benchmarks as one Markdown table."""
    rows = [
        [
            "customers (all kinds) / managers / metrics",
            f"{report.customers:,} / {report.managers} / {report.metrics}",
        ],
        [
            "target rows / actual rows (all years)",
            f"{report.target_rows:,} / {report.actual_rows:,}",
        ],
    ]
    for label, ms in report.data_ms.items():
        rows.append(
            [
                f"progress data {label}: cold / warm / cached (ms)",
                f"{ms['cold']:.1f} / {ms['warm']:.1f} / {ms['cached']:.1f}",
            ]
        )
    for label, ms in report.page_ms.items():
        rows.append([f"progress page {label}, warm rerun in AppTest (ms)", f"{ms:.0f}"])
    if report.recompute_s:
        rows.append(
            [
                "recompute all actuals (s), two runs",
                " / ".join(f"{s:.1f}" for s in report.recompute_s),
            ]
        )
        rows.append(["· actual rows written per run", f"{report.recompute_rows:,}"])
    head = (
        f"### Targets and progress: {report.customers:,} customers\n\n"
        f"Database: {report.source}.\n\n"
    )
    lines = ["| measure | value |", "| --- | ---: |"]
    lines += [f"| {a} | {b} |" for a, b in rows]
    return head + "\n".join(lines) + "\n"
