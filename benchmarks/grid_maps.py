"""Grid-map benchmarks at bank scale: 1,000,000 customers and 2,000 second-level grids.

``python -m benchmarks --only grids`` runs them on the 1,000,000-customer SQLite database the
seed benchmark builds (or seeds one). What is measured:

0. Set-up (``benchmarks.grid_setup``): the 155 area units split into 2,000 parts, snapped
   into an exact tiling, written as area units and level-2 grids with A/B posts; then
   ``core.grids.assignment.reassign`` once (every customer's grid changes: "initial assignment,
   all rows written").
1. Re-assignment after a grid change: in 10 places a 200 m strip of a level-2 grid goes to
   its neighbour (SQL update of ``grid.geometry``), then ``reassign(engine,
   changed_grids=<the 20 grids>)`` is timed as the app runs it after a change (only the
   customers the change can move are read, ``core.grids.assignment.movable_where``), split into
   its steps (``read_customers``, ``read_grid_sets``, ``compute_assignment``,
   ``changed_rows``, ``write_assignment``, timed by wrapping them for the duration of the
   call, as ``benchmarks.seeding`` does). Each repeat applies the change or undoes it, so
   every repeat writes the same rows. Then the same change re-assigned by a full pass over
   every customer (``reassign(engine)``, as ``python -m core assign`` runs it). Both are
   compared with a bare ``geopandas.sjoin(..., predicate="within")`` of all the customers'
   points (numpy lon/lat already in memory) into the same 2,000 polygons (already parsed),
   from building the points to the joined frame. Last, the read path once: every
   customer's eight assignment columns through ``core.db.read_columns`` (numeric rows
   straight into numpy) and through ``pandas.read_sql``.
2. Map payload: for head office, the demo branch and the demo manager, the map is built as
   the page builds it (``core.ui.map_layers`` -> ``core.grids.map_data.map_layers``, then
   ``core.ui.grid_map`` -> ``geo.mapview.build_grid_map``) and handed to
   ``streamlit_folium.st_folium`` with the arguments pages/map.py passes, outside a
   Streamlit runtime, with the component function replaced by a recorder: the payload is
   exactly what ``st_folium`` would send. Reported: the
   strings (script, header, html, css and js links; UTF-8 bytes), the JSON of all the
   component's arguments, and that JSON gzip-compressed (level 6, as the websocket's
   permessage-deflate). Python times: ``map_layers`` cold (new engine, first call) and warm
   (median of further calls), with its steps; ``build_grid_map`` called directly with the
   arguments ``core.ui.grid_map`` passes; ``st_folium``'s rendering;
   and the page's per-run path (``core.ui.map_layers`` from ``st.cache_data`` +
   ``core.ui.grid_map`` + ``st_folium``), which every navigation and rerun pays.
3. First draw in Chromium (``benchmarks.map_browser``): hq's ``/map`` after ``/overview``,
   warm server caches; median and max of the measured rounds, and any request that left
   loopback.
4. Proposals: ``core.grids.proposals.level2_change`` for the branch with the most blocks and
   ``core.grids.proposals.county_level2`` for all branches, with the balance of the county
   proposal.

Every part is guarded: an exception is recorded (and shown in the table) and the next part
runs. Expect 2-3 minutes on 2 cores after the seed (about 30 s).
"""

from __future__ import annotations

import contextlib
import gzip
import json
import logging
import os
import statistics
import time
from dataclasses import dataclass, field
from unittest import mock

import numpy as np
import pandas as pd

from benchmarks.grid_setup import (
    GridSetup,
    StripChange,
    apply_geometry,
    fill_residents,
    make_grids,
    strip_change,
)
from benchmarks.log import error_line, log
from core.db import make_engine
from core.scope import Scope

METRIC = "customers"  # the map page's default metric
RETURNED = ["last_object_clicked", "last_active_drawing"]  # as pages/map.py asks
REASSIGN_STEPS = (
    "read_customers",
    "read_grid_sets",
    "compute_assignment",
    "changed_rows",
    "write_assignment",
)
LAYER_STEPS = ("load_grids", "simplify_grids", "grid_figures", "customer_layer")
MB = 1024 * 1024

TARGETS = {
    "reassign_s": 3.0,  # re-assignment after a grid change
    "reassign_vs_sjoin": 1.5,  # ... at most this many times a bare sjoin
    "payload_mb": 2.0,  # what st_folium sends, any scope
    "first_draw_s": 2.0,  # /map drawn after navigation, warm caches
    "level2_change_s": 2.0,  # proposal for the branch with the most blocks
    "county_level2_s": 30.0,  # proposals for every branch
    "workload_dev": 0.05,  # a branch's proposal "reaches ±5 %"
}


@contextlib.contextmanager
def step_timers(module, names, seconds: dict[str, float]):
    """Add the wall time of each call of ``module.<name>`` to ``seconds[name]`` while active.

    The functions are looked up as module globals at call time, so wrapping the attribute
    times the calls made from inside the module; no source file changes.
    """
    # a name the module no longer has is skipped (its step then shows 0), not an error
    originals = {name: getattr(module, name) for name in names if hasattr(module, name)}

    def timed(name, func):
        def wrapper(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                seconds[name] = seconds.get(name, 0.0) + time.perf_counter() - t0

        return wrapper

    for name, func in originals.items():
        setattr(module, name, timed(name, func))
    try:
        yield seconds
    finally:
        for name, func in originals.items():
            setattr(module, name, func)


# ---- results ------------------------------------------------------------------------------


@dataclass
class Reassign:
    """One timed ``reassign`` with its steps (seconds) and the rows it wrote."""

    total_s: float
    steps: dict[str, float]
    changed: int
    customers: int


@dataclass
class Payload:
    """The map of one scope: size of what ``st_folium`` sends and the Python time to make it."""

    label: str
    level1: int = 0
    level2: int = 0
    customer_rows: int = 0
    customers_as: str = ""  # "bins" (heat map) or "points" (marker cluster)
    strings_bytes: int = 0  # script + header + html + css/js links (UTF-8)
    json_bytes: int = 0  # all component arguments as JSON
    gzip_bytes: int = 0  # that JSON, gzip level 6
    script_bytes: int = 0
    layers_cold_s: float = 0.0
    layers_warm_s: float = 0.0
    layer_steps: dict[str, float] = field(default_factory=dict)  # warm, per call
    build_s: float = 0.0  # build_grid_map (warm)
    build_cold_s: float = 0.0  # first build_grid_map of the scope
    folium_s: float = 0.0  # st_folium turning the map into strings
    per_run_s: float | None = None  # cached layers + grid_map + st_folium, as the page runs
    error: str | None = None


@dataclass
class Proposals:
    branch_id: int = 0
    branch: str = ""
    blocks: int = 0
    level2_s: float | None = None
    county_s: float | None = None
    county: pd.DataFrame | None = None
    error: str | None = None


@dataclass
class GridReport:
    customers: int = 0
    source: str = ""  # where the 1M database came from (reused / seeded here, seconds)
    setup: GridSetup | None = None
    initial: Reassign | None = None
    strip: StripChange | None = None
    reassigns: list[Reassign] = field(default_factory=list)  # changed grids only
    full_reassigns: list[Reassign] = field(default_factory=list)  # every customer
    sjoin_s: list[float] = field(default_factory=list)
    sjoin_rows: int = 0
    read_columns_s: float | None = None  # every customer's assignment columns, fast path
    read_sql_s: float | None = None  # the same through pandas.read_sql
    payloads: list[Payload] = field(default_factory=list)
    browser: object | None = None  # benchmarks.map_browser.BrowserTiming
    proposals: Proposals | None = None
    errors: dict[str, str] = field(default_factory=dict)  # part -> what failed


# ---- part 0 and 1: grids and re-assignment ------------------------------------------------------


def timed_reassign(engine, changed_grids=None) -> Reassign:
    """``core.grids.assignment.reassign(engine, changed_grids=...)`` with the time of each step."""
    import core.grids.assignment as assignment

    steps: dict[str, float] = {}
    with step_timers(assignment, REASSIGN_STEPS, steps):
        t0 = time.perf_counter()
        result = assignment.reassign(engine, changed_grids=changed_grids)
        total = time.perf_counter() - t0
    return Reassign(total, steps, result.changed, result.customers)


def time_sjoin(
    lon: np.ndarray, lat: np.ndarray, polygons: list, repeats: int
) -> tuple[list[float], int]:
    """Seconds of a bare geopandas ``sjoin(predicate="within")`` of the points into the
    polygons, from numpy arrays to the joined frame; and the joined rows."""
    import geopandas as gpd

    times, rows = [], 0
    for _ in range(repeats):
        t0 = time.perf_counter()
        points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs=4326)
        grids = gpd.GeoDataFrame(geometry=polygons, crs=4326)
        joined = gpd.sjoin(points, grids, predicate="within")
        times.append(time.perf_counter() - t0)
        rows = len(joined)
    return times, rows


def part_reassign(engine, report: GridReport, repeats: int) -> None:
    """Part 1: a strip change applied / undone ``repeats`` times, each re-assigned; then the
    sjoin of the same points into the same polygons."""
    from core.grids.assignment import read_customers, read_grid_sets

    report.strip = strip_change(engine)
    log(
        f"  change: {len(report.strip.new)} grids, {len(report.strip.new) // 2} strips of "
        f"200 m, {report.strip.area_km2:.2f} km² handed over"
    )
    changed = list(report.strip.new)
    for i in range(repeats):
        apply_geometry(engine, report.strip.new if i % 2 == 0 else report.strip.old)
        r = timed_reassign(engine, changed)
        report.reassigns.append(r)
        log(
            f"  reassign {i + 1}: {r.total_s:.2f} s, {r.changed:,} of {r.customers:,} read "
            "rows changed (" + ", ".join(f"{k} {v:.2f}" for k, v in r.steps.items()) + ")"
        )
    for i in range(repeats):  # the same change, every customer re-evaluated
        apply_geometry(engine, report.strip.new if (repeats + i) % 2 == 0 else report.strip.old)
        r = timed_reassign(engine)
        report.full_reassigns.append(r)
        log(f"  full reassign {i + 1}: {r.total_s:.2f} s, {r.changed:,} rows changed")
    # 2 x repeats steps alternating new / old end on old: the grids are left as set up
    customers = read_customers(engine)
    _level1, level2, _villages = read_grid_sets(engine)
    lon, lat = customers["lon"].to_numpy(), customers["lat"].to_numpy()
    del customers
    report.sjoin_s, report.sjoin_rows = time_sjoin(lon, lat, level2.polygons, repeats)
    log(
        f"  geopandas sjoin x{repeats}: "
        + ", ".join(f"{s:.2f}" for s in report.sjoin_s)
        + f" s, {report.sjoin_rows:,} rows joined"
    )
    report.read_columns_s, report.read_sql_s = time_read_path(engine)
    log(
        f"  read every customer: read_columns {report.read_columns_s:.2f} s, pandas.read_sql "
        f"{report.read_sql_s:.2f} s"
    )


def time_read_path(engine) -> tuple[float, float]:
    """Seconds to read every customer's eight assignment columns (``read_customers``'s query)
    through ``core.db.read_columns`` and through ``pandas.read_sql``, once each."""
    from sqlalchemy import text

    from core.db import read_columns

    sql = (
        "SELECT id, lon, lat, village_id, grid1_id, grid2_id, branch_id, manager_id "
        "FROM customer ORDER BY id"
    )
    t0 = time.perf_counter()
    fast = read_columns(engine, sql)
    fast_s = time.perf_counter() - t0
    del fast
    with engine.connect() as conn:
        t0 = time.perf_counter()
        frame = pd.read_sql(text(sql), conn)
        slow_s = time.perf_counter() - t0
    del frame
    return fast_s, slow_s


# ---- part 2: map payload ----------------------------------------------------------------


class _Recorder:
    """Stands in for streamlit-folium's component function: keeps the arguments."""

    def __init__(self):
        self.kwargs: dict = {}

    def __call__(self, **kwargs):
        self.kwargs = kwargs
        return kwargs.get("default")


def folium_payload(folium_map) -> tuple[dict, float]:
    """What ``st_folium`` (called as pages/map.py calls it) would send for ``folium_map``,
    and the seconds it took to produce."""
    import streamlit.logger
    import streamlit_folium

    streamlit.logger.set_log_level(logging.ERROR)  # "missing ScriptRunContext" outside a run
    recorder = _Recorder()
    original = streamlit_folium._component_func
    streamlit_folium._component_func = recorder
    try:
        t0 = time.perf_counter()
        streamlit_folium.st_folium(
            folium_map,
            key="grid_map",
            height=620,
            use_container_width=True,
            returned_objects=RETURNED,
        )
        seconds = time.perf_counter() - t0
    finally:
        streamlit_folium._component_func = original
    return recorder.kwargs, seconds


def payload_sizes(kwargs: dict) -> tuple[int, int, int, int]:
    """(strings, json, gzip, script) bytes of the component arguments ``kwargs``."""
    strings = [
        kwargs["script"],
        kwargs["header"],
        kwargs["html"],
        *kwargs["css_links"],
        *kwargs["js_links"],
    ]
    n_strings = sum(len(s.encode("utf-8")) for s in strings)
    args = {k: v for k, v in kwargs.items() if not callable(v)}
    raw = json.dumps(args, ensure_ascii=False).encode("utf-8")
    return n_strings, len(raw), len(gzip.compress(raw, 6)), len(kwargs["script"].encode())


def _build(layers, reference=None):
    """``geo.mapview.build_grid_map`` with the arguments ``core.ui.grid_map`` passes (the
    territory's layer: ``core.territory.reference_layer``, read once per scope)."""
    from core import config
    from geo.mapview import build_grid_map

    return build_grid_map(
        layers.level1,
        layers.level2,
        layers.outlets,
        layers.customers,
        colors1=list(layers.level1["color"]),
        colors2=list(layers.level2["color"]),
        tiles=config.get("GM_MAP_TILES"),
        tiles_key=config.get("GM_TIANDITU_KEY"),
        reference=reference,
    )


def time_payload(url: str, scope: Scope, label: str, repeats: int) -> Payload:
    """Part 2 for one scope (see the module docstring)."""
    import core.grids.map_data as gridmap
    from core.performance.progress import MAP_METRIC, year_completion
    from core.territory import reference_layer

    out = Payload(label)
    engine = make_engine(url)
    try:
        completion = year_completion(engine, MAP_METRIC)
        t0 = time.perf_counter()
        layers = gridmap.map_layers(engine, scope, METRIC, completion)
        out.layers_cold_s = time.perf_counter() - t0
        reference = reference_layer(engine).with_texts("乡镇/村社区", "示意范围", "村界为示意范围")
        t0 = time.perf_counter()
        _build(layers, reference)
        out.build_cold_s = time.perf_counter() - t0
        warm, builds, steps = [], [], []
        for _ in range(repeats):
            s: dict[str, float] = {}
            with step_timers(gridmap, LAYER_STEPS, s):
                t0 = time.perf_counter()
                layers = gridmap.map_layers(engine, scope, METRIC, completion)
                warm.append(time.perf_counter() - t0)
            steps.append(s)
            t0 = time.perf_counter()
            folium_map = _build(layers, reference)
            builds.append(time.perf_counter() - t0)
        out.layers_warm_s = statistics.median(warm)
        out.layer_steps = {k: statistics.median(s.get(k, 0.0) for s in steps) for k in LAYER_STEPS}
        out.build_s = statistics.median(builds)
        _kwargs, out.folium_s = folium_payload(folium_map)
    finally:
        engine.dispose()
    out.level1, out.level2 = len(layers.level1), len(layers.level2)
    out.customer_rows = len(layers.customers)
    out.customers_as = "bins" if "count" in layers.customers else "points"
    out.per_run_s, kwargs = time_page_run(url, scope)
    out.strings_bytes, out.json_bytes, out.gzip_bytes, out.script_bytes = payload_sizes(kwargs)
    return out


def time_page_run(url: str, scope: Scope) -> tuple[float, dict]:
    """The map page's own per-run work once ``core.ui.map_layers`` is cached: the cached
    layers (as the fragment reads them), ``core.ui.grid_map`` (reads them again and builds
    the map) and ``st_folium``. Outside a Streamlit runtime (in-memory cache).

    Returns the seconds and the component arguments ``st_folium`` produced (the payload is
    measured on these: the map exactly as the page builds it)."""
    import streamlit as st
    import streamlit.logger

    streamlit.logger.set_log_level(logging.ERROR)  # "No runtime found" and the like
    from core import ui
    from core.db import get_engine

    try:
        with mock.patch.dict(os.environ, {"DATABASE_URL": url}):  # as the app has it
            ui.map_layers(scope, METRIC)  # fill the cache
            t0 = time.perf_counter()
            ui.map_layers(scope, METRIC)
            folium_map = ui.grid_map(scope, METRIC)
            kwargs, _seconds = folium_payload(folium_map)
            return time.perf_counter() - t0, kwargs
    finally:
        st.cache_data.clear()
        get_engine(url).dispose()
        get_engine.cache_clear()


def bench_scopes(engine) -> list[tuple[Scope, str]]:
    """Head office, and the demo branch leader's and manager's scopes (the demo users)."""
    from sqlalchemy import text

    with engine.connect() as conn:
        users = {
            u: (b, m)
            for u, b, m in conn.execute(
                text(
                    "SELECT username, branch_id, manager_id FROM app_user "
                    "WHERE username IN ('branch', 'manager')"
                )
            ).all()
        }
    b, _ = users["branch"]
    mb, m = users["manager"]
    return [
        (Scope("hq"), "hq"),
        (Scope("branch", int(b)), f"branch {b}"),
        (Scope("manager", int(mb), int(m)), f"manager {m}"),
    ]


# ---- part 4: proposals --------------------------------------------------------------------


def branch_with_most_blocks(engine) -> tuple[int, str, int]:
    """(branch id, name, blocks): the branch whose level-1 grid meets the most area units
    (as ``core.grids.proposals.branch_blocks`` counts them: overlap above 1e-9 square degrees)."""
    import shapely
    from shapely.geometry import shape
    from sqlalchemy import text

    with engine.connect() as conn:
        level1 = conn.execute(
            text(
                "SELECT g.branch_id, b.name, g.geometry FROM grid g "
                "JOIN branch b ON b.id = g.branch_id "
                "WHERE g.level = 1 ORDER BY g.branch_id"
            )
        ).all()
        units = [
            shape(json.loads(g))
            for (g,) in conn.execute(text("SELECT geometry FROM area_unit")).all()
        ]
    tree = shapely.STRtree(units)
    best = (0, "", -1)
    for branch_id, name, geometry in level1:
        area = shape(json.loads(geometry))
        idx = tree.query(area, predicate="intersects")
        n = int((shapely.area(shapely.intersection(np.asarray(units)[idx], area)) > 1e-9).sum())
        if n > best[2]:
            best = (int(branch_id), name, n)
    return best


def part_proposals(engine) -> Proposals:
    from core.grids import proposals

    out = Proposals()
    out.branch_id, out.branch, out.blocks = branch_with_most_blocks(engine)
    log(f"  level2_change for branch {out.branch_id} ({out.blocks} blocks)")
    t0 = time.perf_counter()
    proposals.level2_change(engine, out.branch_id)
    out.level2_s = time.perf_counter() - t0
    log(f"  {out.level2_s:.2f} s; county_level2 for every branch")
    t0 = time.perf_counter()
    out.county = proposals.county_level2(engine)
    out.county_s = time.perf_counter() - t0
    log(f"  {out.county_s:.1f} s")
    return out


# ---- the run ------------------------------------------------------------------------------


def run_grids(
    url: str,
    *,
    target: int = 2_000,
    repeats: int = 3,
    rounds: int = 3,
    browser: bool = True,
    source: str = "",
) -> GridReport:
    """Run parts 0-4 on the seeded SQLite database at ``url`` (it is changed: its level-2
    grids are replaced).

    Parameters
    ----------
    url : str
        ``sqlite:///...`` of a database seeded with ``core.demo.seed.seed``.
    target : int
        Level-2 grids to make.
    repeats : int
        Timed re-assignments and sjoins (part 1); warm calls per scope (part 2).
    rounds : int
        Measured navigations in Chromium (part 3).
    browser : bool
        Run part 3 (needs /usr/bin/chromium and the ``playwright`` package).
    source : str
        Where the database came from, for the report.

    Returns
    -------
    GridReport
    """
    report = GridReport(source=source)
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            report.customers = conn.exec_driver_sql("SELECT COUNT(*) FROM customer").scalar()
        log(f"grids 0/4: splitting the area units into {target:,} level-2 grids")
        try:
            report.setup = make_grids(engine, target)
            s = report.setup
            log(
                f"  {s.parts:,} parts from {s.units_before} units ({s.split_retries} split "
                f"again, {s.dropped} dropped), "
                + ", ".join(f"{k} {v:.1f} s" for k, v in s.phases.items())
            )
            log("  initial assignment (every row written)")
            report.initial = timed_reassign(engine)
            log(f"  {report.initial.total_s:.1f} s, {report.initial.changed:,} rows")
            fill_residents(engine)
        except Exception as exc:
            report.errors["setup"] = error_line(exc)
            log(f"  FAILED: {report.errors['setup']}")
            return report

        log(f"grids 1/4: re-assignment after a grid change (x{repeats}) and geopandas sjoin")
        try:
            part_reassign(engine, report, repeats)
        except Exception as exc:
            report.errors["reassign"] = error_line(exc)
            log(f"  FAILED: {report.errors['reassign']}")

        log("grids 2/4: map payload and Python time per scope")
        for scope, label in bench_scopes(engine):
            try:
                p = time_payload(url, scope, label, repeats)
            except Exception as exc:
                p = Payload(label, error=error_line(exc))
                log(f"  {label} FAILED: {p.error}")
            else:
                log(
                    f"  {label}: {p.level1} + {p.level2} grids, {p.customer_rows:,} customer "
                    f"{p.customers_as}; {p.strings_bytes / MB:.2f} MB sent ({p.gzip_bytes / MB:.2f}"
                    f" MB gzip); layers cold {p.layers_cold_s:.2f} s warm {p.layers_warm_s:.2f} s,"
                    f" build {p.build_s:.2f} s, st_folium {p.folium_s:.2f} s, per run "
                    f"{p.per_run_s:.2f} s"
                )
            report.payloads.append(p)

        if browser:
            log(f"grids 3/4: first draw of /map in Chromium (warm-up + {rounds} rounds)")
            try:
                from benchmarks.map_browser import CHROMIUM, BrowserTiming, time_map

                with engine.connect() as conn:
                    n1, n2 = (
                        conn.exec_driver_sql(
                            f"SELECT COUNT(*) FROM grid WHERE level = {level} AND "
                            "dimension = 'region' AND geometry IS NOT NULL"
                        ).scalar()
                        for level in (1, 2)
                    )
                if not CHROMIUM.exists():
                    report.browser = BrowserTiming(
                        0,
                        0,
                        None,
                        level1=n1,
                        level2=n2,
                        error=f"{CHROMIUM} not found (make browser)",
                    )
                else:
                    report.browser = time_map(url, n1, n2, rounds, log=log)
            except Exception as exc:
                report.errors["browser"] = error_line(exc)
                log(f"  FAILED: {report.errors['browser']}")
        else:
            log("grids 3/4: skipped (--no-browser)")

        log("grids 4/4: proposals")
        try:
            report.proposals = part_proposals(engine)
        except Exception as exc:
            report.proposals = report.proposals or Proposals()
            report.proposals.error = error_line(exc)
            log(f"  FAILED: {report.proposals.error}")
    finally:
        engine.dispose()
    return report


# ---- the tables ---------------------------------------------------------------------------


def _mark(ok: bool | None) -> str:
    return "-" if ok is None else ("pass" if ok else "**FAIL**")


def _s(v: float | None, digits: int = 2) -> str:
    return "-" if v is None else f"{v:,.{digits}f}"


def _table(header: list[str], rows: list[list[str]]) -> str:
    align = ["---"] + ["---:"] * (len(header) - 1)
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def tables(report: GridReport) -> str:
    """The grid benchmarks as Markdown: one table per part."""
    out = []
    n2 = report.setup.level2_grids if report.setup else 0
    out.append(
        f"### Grid maps: {report.customers:,} customers, {n2:,} level-2 grids\n\n"
        f"Database: {report.source}.\n"
    )
    for part, err in report.errors.items():
        out.append(f"\n**{part} failed:** `{err}`\n")

    # part 0
    s, ini = report.setup, report.initial
    if s:
        rows = [
            ["level-2 grids made (from area units)", f"{s.parts:,} (from {s.units_before})"],
            [
                "· units split again (empty part) / parts dropped",
                f"{s.split_retries} / {s.dropped}",
            ],
            [
                "split / snap_coverage (s)",
                f"{s.phases.get('split', 0):.1f} / {s.phases.get('snap', 0):.1f}",
            ],
            [
                "write units, grids, posts; clear old grid2_id (s)",
                f"{s.phases.get('write', 0):.1f}",
            ],
        ]
        if ini:
            rows += [
                ["initial assignment, all rows written (s)", _s(ini.total_s, 1)],
                ["· rows written", f"{ini.changed:,} of {ini.customers:,}"],
                [
                    "· read / grids / compute / diff / write (s)",
                    " / ".join(f"{ini.steps.get(k, 0):.2f}" for k in REASSIGN_STEPS),
                ],
            ]
        out.append("\n**0. Set-up**\n\n" + _table(["measure", "value"], rows))

    # part 1
    if report.reassigns:
        sj = _median(report.sjoin_s)
        strip = report.strip
        rows = [
            [
                "grid change",
                f"{len(strip.new) // 2} strips of 200 m, {len(strip.new)} grids, "
                f"{strip.area_km2:.2f} km²",
                "",
                "",
            ]
        ]
        for label, runs in (
            ("changed grids only (as the app runs it)", report.reassigns),
            ("every customer (python -m core assign)", report.full_reassigns),
        ):
            if not runs:
                continue
            total = _median([r.total_s for r in runs])
            ratio = total / sj if total and sj else None
            step = {k: _median([r.steps.get(k, 0.0) for r in runs]) for k in REASSIGN_STEPS}
            rows += [
                [
                    f"**reassign, {label}**, median of {len(runs)} (s)",
                    _s(total),
                    f"≤ {TARGETS['reassign_s']:g}",
                    _mark(total <= TARGETS["reassign_s"]),
                ],
                ["· max (s)", _s(max(r.total_s for r in runs)), "", ""],
                [
                    "· read customers / read grids (s)",
                    f"{_s(step['read_customers'])} / {_s(step['read_grid_sets'])}",
                    "",
                    "",
                ],
                [
                    "· compute (point in polygon, both levels) / diff / write (s)",
                    f"{_s(step['compute_assignment'])} / {_s(step['changed_rows'])} / "
                    f"{_s(step['write_assignment'])}",
                    "",
                    "",
                ],
                [
                    "· customers read / rows changed",
                    f"{runs[0].customers:,} / {runs[0].changed:,}",
                    "",
                    "",
                ],
                [
                    "· reassign / sjoin",
                    "-" if ratio is None else f"{ratio:.2f}×",
                    f"≤ {TARGETS['reassign_vs_sjoin']:g}×",
                    _mark(None if ratio is None else ratio <= TARGETS["reassign_vs_sjoin"]),
                ],
            ]
        rows += [
            [
                f"geopandas sjoin of every customer's point, median of {len(report.sjoin_s)} (s)",
                _s(sj),
                "",
                "",
            ],
            ["· rows joined", f"{report.sjoin_rows:,}", "", ""],
        ]
        if report.read_columns_s is not None:
            rows.append(
                [
                    "read every customer's 8 assignment columns, once: "
                    "core.db.read_columns / pandas.read_sql (s)",
                    f"{_s(report.read_columns_s)} / {_s(report.read_sql_s)}",
                    "",
                    "",
                ]
            )
        out.append(
            "\n**1. Re-assignment after a grid change**\n\n"
            + _table(["measure", "value", "target", ""], rows)
        )

    # part 2
    if report.payloads:
        ps = report.payloads
        labels = [p.label for p in ps]

        def row(name, get, target="", mark=None):
            cells = []
            for p in ps:
                try:
                    cells.append("error" if p.error else get(p))
                except Exception:
                    cells.append("-")
            return [name, *cells, target, "" if mark is None else _mark(mark)]

        ok = all(not p.error and p.strings_bytes / MB <= TARGETS["payload_mb"] for p in ps)
        rows = [
            row("grids (level 1 + level 2)", lambda p: f"{p.level1} + {p.level2:,}"),
            row("customers layer", lambda p: f"{p.customer_rows:,} {p.customers_as}"),
            row(
                "sent by st_folium: strings (MB)",
                lambda p: f"{p.strings_bytes / MB:.2f}",
                f"≤ {TARGETS['payload_mb']:g} MB",
                ok,
            ),
            row("· of which the Leaflet script (MB)", lambda p: f"{p.script_bytes / MB:.2f}"),
            row("· all arguments as JSON (MB)", lambda p: f"{p.json_bytes / MB:.2f}"),
            row("· JSON gzip-compressed (MB)", lambda p: f"{p.gzip_bytes / MB:.3f}"),
            row("map_layers cold: new engine, first call (s)", lambda p: _s(p.layers_cold_s)),
            row("map_layers warm (s)", lambda p: _s(p.layers_warm_s)),
            row(
                "· load_grids / simplify / grid_figures ×2 / customers (s)",
                lambda p: " / ".join(f"{p.layer_steps.get(k, 0):.2f}" for k in LAYER_STEPS),
            ),
            row(
                "build_grid_map first / warm (s)",
                lambda p: f"{p.build_cold_s:.2f} / {p.build_s:.2f}",
            ),
            row("st_folium rendering the map to strings (s)", lambda p: _s(p.folium_s)),
            row("map_layers + build, cold (s)", lambda p: _s(p.layers_cold_s + p.build_cold_s)),
            row("map_layers + build, warm (s)", lambda p: _s(p.layers_warm_s + p.build_s)),
            row("page per run, layers cached: grid_map + st_folium (s)", lambda p: _s(p.per_run_s)),
        ]
        out.append(
            "\n**2. Map payload (any zoom: the whole map is sent once)**\n\n"
            + _table(["measure", *labels, "target", ""], rows)
        )
        for p in ps:
            if p.error:
                out.append(f"\n{p.label}: `{p.error}`\n")

    # part 3
    b = report.browser
    if b is not None:
        med, mx = b.median_s, b.max_s
        ok = None if med is None else (mx <= TARGETS["first_draw_s"])
        rows = [
            ["grids to draw (path.grid-l1 + path.grid-l2)", f"{b.level1} + {b.level2:,}", "", ""],
            ["server start to /_stcore/health (s)", _s(b.server_start_s), "", ""],
            ["sign-in to Overview (s)", _s(b.sign_in_s), "", ""],
            ["first /map, cold caches (warm-up) (s)", _s(b.warm_up_s), "", ""],
            [
                f"/map drawn after opening its address (reload: a new session), median of "
                f"{len(b.rounds_s)} (s)",
                _s(med),
                f"≤ {TARGETS['first_draw_s']:g}",
                _mark(None if med is None else med <= TARGETS["first_draw_s"]),
            ],
            ["· max (s)", _s(mx), f"≤ {TARGETS['first_draw_s']:g}", _mark(ok)],
            ["· map iframe attached, median (s)", _s(_median(b.iframe_s)), "", ""],
            ["· first grid drawn, median (s)", _s(_median(b.first_path_s)), "", ""],
            [
                "/overview shown after opening its address, median (s; the new-session cost "
                "without a map)",
                _s(_median(b.overview_s)),
                "",
                "",
            ],
            [
                f"/map drawn after clicking it in the sidebar (same session), median / max of "
                f"{len(getattr(b, 'sidebar_s', []))} (s)",
                f"{_s(_median(getattr(b, 'sidebar_s', [])))} / "
                f"{_s(max(getattr(b, 'sidebar_s', []) or [0]))}",
                f"≤ {TARGETS['first_draw_s']:g}",
                _mark(
                    bool(getattr(b, "sidebar_s", []))
                    and max(b.sidebar_s) <= TARGETS["first_draw_s"]
                ),
            ],
            [
                "requests to non-loopback hosts",
                f"{len(b.outside)}",
                "0",
                _mark(len(b.outside) == 0),
            ],
        ]
        out.append(
            "\n**3. First draw in Chromium (hq, warm caches)**\n\n"
            + _table(["measure", "value", "target", ""], rows)
        )
        if b.outside:
            out.append(
                "\nNon-loopback requests: "
                + ", ".join(f"`{u}`" for u in sorted(set(b.outside))[:10])
                + "\n"
            )
        if b.error:
            out.append(f"\nBrowser run failed: `{b.error}`\n")

    # part 4
    pr = report.proposals
    if pr is not None:
        rows = [
            [
                f"level2_change, branch {pr.branch_id} {pr.branch} ({pr.blocks} blocks) (s)",
                _s(pr.level2_s),
                f"≤ {TARGETS['level2_change_s']:g}",
                _mark(None if pr.level2_s is None else pr.level2_s <= TARGETS["level2_change_s"]),
            ]
        ]
        df = pr.county
        if df is not None and len(df):
            rows.append(
                [
                    f"county_level2, {len(df)} branches (s)",
                    _s(pr.county_s, 1),
                    f"≤ {TARGETS['county_level2_s']:g}",
                    _mark(pr.county_s <= TARGETS["county_level2_s"]),
                ]
            )
            for col, name in (
                ("workload_dev", "workload"),
                ("customers_dev", "customers"),
                ("deposits_dev", "deposits"),
            ):
                rows.append(
                    [
                        f"{name} deviation, max / median over branches",
                        f"{df[col].max():.1%} / {df[col].median():.1%}",
                        "",
                        "",
                    ]
                )
            reach = int((df["workload_dev"] <= TARGETS["workload_dev"]).sum())
            cannot = int((df["best_possible"] > TARGETS["workload_dev"]).sum())
            rows += [
                ["mean compactness (Polsby-Popper)", f"{df['compactness'].mean():.2f}", "", ""],
                [
                    "all grids contiguous",
                    "yes"
                    if df["contiguous"].all()
                    else f"no ({int((~df['contiguous'].astype(bool)).sum())} branches not)",
                    "",
                    "",
                ],
                ["branches within ±5 % workload", f"{reach} of {len(df)}", "", ""],
                ["· branches whose blocks cannot reach ±5 % (lower bound)", f"{cannot}", "", ""],
            ]
            worst = df.sort_values("workload_dev", ascending=False).head(3)
            rows.append(
                [
                    "· worst workload deviation",
                    ", ".join(
                        f"{r.branch} {r.workload_dev:.0%} ({r.grids} grids)"
                        for r in worst.itertuples()
                    ),
                    "",
                    "",
                ]
            )
        out.append("\n**4. Proposals**\n\n" + _table(["measure", "value", "target", ""], rows))
        if pr.error:
            out.append(f"\nProposals failed: `{pr.error}`\n")
    return "".join(out)
