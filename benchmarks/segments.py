"""Tags, segments, the explorer and the customer view at bank scale (1,000,000 customers).

``python -m benchmarks --only segments`` runs them on the seed part's 1,000,000-customer
SQLite database (or seeds one). What is measured:

1. ``core.customers.tagging_run.profile_customers`` end to end (read the features, evaluate
   the tags, cluster, name and match the segments, write the customer profiles): first from scratch
   (profiles and segments deleted: every row is written), then again on the same data
   (identities kept, nothing to write). Split into steps by wrapping ``load_features``,
   ``evaluate``, ``assign_segments``, ``fit_segments`` and ``write_profiles`` as
   ``core.customers.tagging_run`` calls them.
2. The explorer, head office (the whole bank): ``core.customers.explorer.load_frame`` cold (once per
   scope and data version; the page caches it), then for each of several filter changes
   the work of a rerun: ``select_rows`` + ``summarize`` + the default view
   (``segment_sizes``); and each other view on its own (``pareto``, ``penetration``,
   ``map_values``, the table: ``top_ids`` + ``customer_rows``). Then the page itself:
   AppTest of ``pages/segments.py`` signed in as head office, a tag filter set and the page
   rerun, warm (the frame cached), median of the reruns.
3. The customer view: ``core.customers.customer_view.load_customer`` for 30 customers drawn with a
   fixed seed (head office scope), median and max.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import text

from benchmarks.log import error_line, log
from core.db import make_engine

TARGETS = {"profile_s": 30.0, "filter_ms": 500.0, "customer_ms": 300.0}
FILTERS = (  # (label, Filters keyword arguments)
    ("tag: elderly without mobile banking", {"tags": ("elderly_no_mobile",)}),
    ("tier high + missing wealth", {"tiers": ("high",), "missing": ("wealth",)}),
    ("age 60+ in 3 branches", {"age_min": 60, "branches": (1, 2, 3)}),
    (
        "AUM 5-50万 + other-bank funds",
        {"aum_min": 5e4, "aum_max": 5e5, "tags": ("other_bank_funds",)},
    ),
    ("segment 1 + lifecycle at risk", {"segments": (1,), "lifecycles": ("at_risk",)}),
)


@dataclass
class SegmentReport:
    customers: int = 0
    source: str = ""
    runs: list[dict] = field(default_factory=list)  # label, total, steps, k, written
    frame_cold_s: float = 0.0
    frame_mb: float = 0.0
    filters: list[tuple[str, int, float]] = field(default_factory=list)  # label, n, ms
    views: dict[str, float] = field(default_factory=dict)  # view -> median ms
    page_ms: list[float] = field(default_factory=list)
    customer_ms: list[float] = field(default_factory=list)
    segments: list[tuple[str, str, int, float]] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)


def _ms(seconds: float) -> float:
    return seconds * 1000


def _reset(engine) -> None:
    """Forget every tag and segment, so the next run writes every customer."""
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM customer_profile"))
        conn.execute(text("DELETE FROM segment"))


def part_profile(engine, report: SegmentReport) -> None:
    import core.customers.tagging_run as profiling
    from benchmarks.grid_maps import step_timers
    from core.permissions import SYSTEM

    for label, reset in (
        ("from scratch (every customer written)", True),
        ("again on the same data", False),
    ):
        if reset:
            _reset(engine)
        steps: dict[str, float] = {}
        with step_timers(
            profiling,
            ("load_features", "evaluate", "assign_segments", "fit_segments", "write_profiles"),
            steps,
        ):
            t0 = time.perf_counter()
            result = profiling.profile_customers(engine, SYSTEM, seed=profiling.DEFAULT_SEED)
            total = time.perf_counter() - t0
        report.runs.append(
            {
                "label": label,
                "total": total,
                "steps": steps,
                "k": result.k,
                "silhouette": result.silhouette,
                "written": result.profiles_written,
            }
        )
        log(
            f"  profile {label}: {total:.1f} s, k={result.k}, "
            + ", ".join(f"{k} {v:.1f}" for k, v in steps.items())
        )
    segs = profiling.load_segments(engine)
    report.segments = [
        (s.code, s.name_zh, int(s.size), float(s.deposit_share)) for s in segs.itertuples()
    ]


def part_explorer(url: str, engine, report: SegmentReport, repeats: int) -> None:
    from core.customers import explorer
    from core.customers.customer_view import customer_rows
    from core.customers.explorer import Filters
    from core.customers.tagging_run import load_segments
    from core.customers.tags import load_tags
    from core.grids.queries import load_grids
    from core.scope import Scope

    scope = Scope("hq")
    t0 = time.perf_counter()
    frame = explorer.load_frame(engine, scope)
    report.frame_cold_s = time.perf_counter() - t0
    report.frame_mb = frame.memory_usage(deep=True).sum() / 2**20
    log(f"  load_frame hq: {report.frame_cold_s:.1f} s, {report.frame_mb:.0f} MB")
    ctx = explorer.context(engine, load_tags(engine))
    segs = load_segments(engine)
    grids = load_grids(engine, scope)[["id", "level", "branch_id"]]
    for label, kwargs in FILTERS:
        f = Filters(**kwargs)
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            mask = explorer.select_rows(frame, f, ctx)
            explorer.summarize(frame, mask)
            explorer.segment_sizes(frame, mask, segs)
            times.append(time.perf_counter() - t0)
        report.filters.append((label, int(mask.sum()), _ms(statistics.median(times))))
    mask = explorer.select_rows(frame, Filters(**FILTERS[0][1]), ctx)
    views = {
        "pareto": lambda: explorer.pareto(explorer.existing_deposits(frame, mask)),
        "penetration": lambda: explorer.penetration(frame, mask),
        "map values": lambda: explorer.map_values(frame, mask, grids),
        "table (top 200 + rows from the database)": lambda: customer_rows(
            engine, scope, explorer.top_ids(frame, mask)
        ),
    }
    for name, run in views.items():
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            run()
            times.append(time.perf_counter() - t0)
        report.views[name] = _ms(statistics.median(times))
    report.page_ms = _page_reruns(url, repeats)


def _page_reruns(url: str, repeats: int) -> list[float]:
    """Warm reruns of the explorer page in AppTest after a filter change (ms)."""
    from tests.helpers import app_database, navigation_mode, open_page

    with navigation_mode(), app_database(url):
        at = open_page("hq", "pages/segments.py", timeout=600)  # cold: reads the frame once
        times = []
        for i in range(repeats + 1):
            value = ["elderly_no_mobile"] if i % 2 == 0 else ["other_bank_funds"]
            at.multiselect(key="xf_tags").set_value(value)
            t0 = time.perf_counter()
            at.run()
            times.append(_ms(time.perf_counter() - t0))
            if at.exception:
                raise RuntimeError(at.exception[0].message)
        return times[1:]


def part_customer(engine, report: SegmentReport) -> None:
    from core.customers.customer_view import load_customer
    from core.scope import Scope

    with engine.connect() as conn:
        n = conn.execute(text("SELECT MAX(id) FROM customer")).scalar()
    ids = np.random.default_rng(5).integers(1, n + 1, 31)
    load_customer(engine, Scope("hq"), int(ids[0]))  # warm the imports and the tag table
    for cid in ids[1:]:
        t0 = time.perf_counter()
        load_customer(engine, Scope("hq"), int(cid))
        report.customer_ms.append(_ms(time.perf_counter() - t0))


def run_segments(url: str, repeats: int = 5, source: str = "") -> SegmentReport:
    """Parts 1-3 on the SQLite database at ``url`` (its tags and segments are recomputed)."""

    report = SegmentReport(source=source)
    engine = make_engine(url)
    with engine.connect() as conn:
        report.customers = conn.execute(text("SELECT COUNT(*) FROM customer")).scalar()
    for name, part in (
        ("profile", lambda: part_profile(engine, report)),
        ("explorer", lambda: part_explorer(url, engine, report, repeats)),
        ("customer", lambda: part_customer(engine, report)),
    ):
        log(f"segments: {name}")
        try:
            part()
        except Exception as exc:
            report.errors[name] = error_line(exc)
            log(f"  FAILED: {report.errors[name]}")
    engine.dispose()
    return report


def _mark(ok: bool) -> str:
    return "pass" if ok else "**FAIL**"


def tables(report: SegmentReport) -> str:
    """The results as Markdown."""
    out = [f"### Tags and segments: {report.customers:,} customers\n\nDatabase: {report.source}.\n"]
    for part, err in report.errors.items():
        out.append(f"\n**{part} failed:** `{err}`\n")
    rows = []
    for r in report.runs:
        s = r["steps"]
        rows += [
            [
                f"**tags + segments, {r['label']}** (s)",
                f"{r['total']:.1f}",
                f"≤ {TARGETS['profile_s']:g}",
                _mark(r["total"] <= TARGETS["profile_s"]),
            ],
            [
                "· read features / evaluate tags / segments (fit, name, match, store) / "
                "write profiles (s)",
                f"{s.get('load_features', 0):.1f} / {s.get('evaluate', 0):.1f} / "
                f"{s.get('assign_segments', 0):.1f} / {s.get('write_profiles', 0):.1f}",
                "",
                "",
            ],
            [
                "· of which k-means fit incl. choosing k (s)",
                f"{s.get('fit_segments', 0):.1f}",
                "",
                "",
            ],
            [
                "· k / silhouette / customer profiles written",
                f"{r['k']} / {r['silhouette'] or 0:.3f} / {r['written']:,}",
                "",
                "",
            ],
        ]
    if report.frame_cold_s:
        rows += [
            [
                "explorer frame, hq, cold read (s) / in memory (MB)",
                f"{report.frame_cold_s:.1f} / {report.frame_mb:.0f}",
                "",
                "",
            ]
        ]
    for label, n, ms in report.filters:
        rows.append(
            [
                f"filter change: {label} ({n:,} customers) (ms)",
                f"{ms:.0f}",
                f"≤ {TARGETS['filter_ms']:g}",
                _mark(ms <= TARGETS["filter_ms"]),
            ]
        )
    for name, ms in report.views.items():
        rows.append([f"· view: {name} (ms)", f"{ms:.0f}", "", ""])
    if report.page_ms:
        med = statistics.median(report.page_ms)
        rows.append(
            [
                f"explorer page rerun after a filter change, AppTest, median of "
                f"{len(report.page_ms)} (ms)",
                f"{med:.0f}",
                f"≤ {TARGETS['filter_ms']:g}",
                _mark(med <= TARGETS["filter_ms"]),
            ]
        )
    if report.customer_ms:
        med, top = statistics.median(report.customer_ms), max(report.customer_ms)
        rows.append(
            [
                f"customer view, median / max of {len(report.customer_ms)} (ms)",
                f"{med:.0f} / {top:.0f}",
                f"≤ {TARGETS['customer_ms']:g}",
                _mark(med <= TARGETS["customer_ms"]),
            ]
        )
    out.append(
        "| measure | value | target |  |\n| --- | ---: | ---: | ---: |\n"
        + "\n".join("| " + " | ".join(r) + " |" for r in rows)
        + "\n"
    )
    if report.segments:
        out.append(
            "\n**Segments found**\n\n| code | name | customers | share of deposits |\n"
            "| --- | --- | ---: | ---: |\n"
            + "\n".join(
                f"| {c} | {n} | {size:,} | {share:.1%} |" for c, n, size, share in report.segments
            )
            + "\n"
        )
    return "".join(out)
