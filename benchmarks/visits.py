"""The visit planner at bank scale (1,000,000 customers) on the database.

``python -m benchmarks --only visits`` runs it on the seed part's 1,000,000-customer SQLite
database (or seeds one). What is measured, for the three managers whose books hold between
2,000 and 4,000 customers and are closest to 3,000 (and, for scale, the largest book):

1. ``core.visits.planner.planner_frame`` (read the manager's customers and their tags, campaigns
   and lists, score, reasons and offers for every one): the first call, then the median of
   ``repeats`` further calls (warm: the database's pages are cached, nothing else).
2. ``save_plan`` of the 36 best (routing included) and ``load_plan``.
3. The planner page itself: AppTest of ``pages/visits.py`` signed in as the demo branch
   leader looking at one of those managers, then reruns after a filter change, warm (the
   planner cached by the page), median.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import text

from benchmarks.log import error_line, log
from core.db import make_engine

TARGETS = {"planner_ms": 300.0, "route_ms": 200.0}


@dataclass
class VisitsReport:
    customers: int = 0
    source: str = ""
    planners: list[dict] = field(default_factory=list)  # manager, book, cold, warm, save, load
    page_ms: list[float] = field(default_factory=list)
    page_manager: int | None = None
    errors: dict[str, str] = field(default_factory=dict)


def _books(engine) -> list[tuple[int, int, int]]:
    """(manager, branch, customers) of every manager, smallest book first."""
    with engine.connect() as conn:
        return [
            tuple(int(v) for v in r)
            for r in conn.execute(
                text(
                    "SELECT manager_id, branch_id, COUNT(*) FROM customer WHERE manager_id IS NOT "
                    "NULL GROUP BY manager_id, branch_id ORDER BY COUNT(*)"
                )
            )
        ]


def part_planner(engine, report: VisitsReport, repeats: int) -> None:
    from core.permissions import SYSTEM
    from core.scope import Scope
    from core.visits.planner import load_plan, planner_frame, save_plan, week_of

    books = _books(engine)
    picked = sorted((b for b in books if 2_000 <= b[2] <= 4_000), key=lambda b: abs(b[2] - 3_000))[
        :3
    ]
    picked.append(books[-1])
    today = date.today()
    for manager, branch, n in picked:
        scope = Scope("manager", branch, manager)
        t0 = time.perf_counter()
        rows, _ = planner_frame(engine, scope, today)
        cold = time.perf_counter() - t0
        warm = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            planner_frame(engine, scope, today)
            warm.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        save_plan(engine, SYSTEM, manager, week_of(today), rows.head(36))
        save = time.perf_counter() - t0
        t0 = time.perf_counter()
        load_plan(engine, Scope("hq"), manager, week_of(today))
        load = time.perf_counter() - t0
        report.planners.append(
            {
                "manager": manager,
                "book": n,
                "cold_ms": cold * 1000,
                "warm_ms": statistics.median(warm) * 1000,
                "save_ms": save * 1000,
                "load_ms": load * 1000,
            }
        )
        log(
            f"  manager {manager} ({n:,} customers): cold {cold * 1000:.0f} ms, warm "
            f"{statistics.median(warm) * 1000:.0f} ms, save+route {save * 1000:.0f} ms"
        )
    report.page_manager = picked[0][0]


def part_page(url: str, engine, report: VisitsReport, repeats: int) -> None:
    """Warm reruns of the planner page for the first benchmarked manager, as the leader of
    that manager's branch (a demo account made for the benchmark)."""
    from datetime import datetime

    from sqlalchemy import insert, select

    from core.access.auth import hash_password
    from core.models import Manager, User
    from tests.helpers import app_database, navigation_mode, open_page

    manager = report.page_manager
    with engine.begin() as conn:
        branch = conn.execute(select(Manager.branch_id).where(Manager.id == manager)).scalar()
        if conn.execute(select(User.id).where(User.username == "bench_leader")).first() is None:
            conn.execute(
                insert(User).values(
                    username="bench_leader",
                    display_name="基准测试行长",
                    role="branch",
                    branch_id=branch,
                    password_hash=hash_password("demo"),
                    active=True,
                    is_demo=True,
                    created_at=datetime.now(),
                )
            )
    with navigation_mode(), app_database(url):
        at = open_page("bench_leader", "pages/visits.py", timeout=600)
        at.selectbox(key="visits_manager").set_value(manager).run()  # cold: fills the cache
        for i in range(repeats + 1):
            at.toggle(key="vf_overdue").set_value(i % 2 == 0)
            t0 = time.perf_counter()
            at.run()
            report.page_ms.append((time.perf_counter() - t0) * 1000)
            if at.exception:
                raise RuntimeError(at.exception[0].message)
        report.page_ms = report.page_ms[1:]


def run_visits(url: str, repeats: int = 5, source: str = "") -> VisitsReport:
    report = VisitsReport(source=source)
    engine = make_engine(url)
    from core.db import upgrade

    upgrade(engine)  # a database seeded before the visit tables gets them
    with engine.connect() as conn:
        report.customers = conn.execute(text("SELECT COUNT(*) FROM customer")).scalar()
    for name, part in (
        ("planner", lambda: part_planner(engine, report, repeats)),
        ("page", lambda: part_page(url, engine, report, repeats)),
    ):
        log(f"visits: {name}")
        try:
            part()
        except Exception as exc:
            report.errors[name] = error_line(exc)
            log(f"  FAILED: {report.errors[name]}")
    engine.dispose()
    return report


def tables(report: VisitsReport) -> str:
    out = [f"### Visit planner: {report.customers:,} customers\n\nDatabase: {report.source}.\n"]
    for part, err in report.errors.items():
        out.append(f"\n**{part} failed:** `{err}`\n")
    rows = []
    for p in report.planners:
        in_range = 2_000 <= p["book"] <= 4_000
        rows.append(
            [
                f"planner, manager {p['manager']} ({p['book']:,} customers): cold / **warm** (ms)",
                f"{p['cold_ms']:.0f} / **{p['warm_ms']:.0f}**",
                f"≤ {TARGETS['planner_ms']:g}" if in_range else "(largest book)",
                ("pass" if p["warm_ms"] <= TARGETS["planner_ms"] else "**FAIL**")
                if in_range
                else "",
            ]
        )
        rows.append(
            [
                "· save the 36 best with their route / load the plan (ms)",
                f"{p['save_ms']:.0f} / {p['load_ms']:.0f}",
                "",
                "",
            ]
        )
    if report.page_ms:
        med = statistics.median(report.page_ms)
        rows.append(
            [
                f"planner page rerun after a filter change, AppTest, median of "
                f"{len(report.page_ms)} (ms)",
                f"{med:.0f}",
                f"≤ {TARGETS['planner_ms']:g}",
                "pass" if med <= TARGETS["planner_ms"] else "**FAIL**",
            ]
        )
    out.append(
        "| measure | value | target |  |\n| --- | ---: | ---: | ---: |\n"
        + "\n".join("| " + " | ".join(r) + " |" for r in rows)
        + "\n"
    )
    return "".join(out)
