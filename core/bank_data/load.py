"""Loading a bank's files: ``python -m core load DIR``, the nightly batch and the data page.

One load reads every file of a folder (its kind is its name's stem, see
:mod:`core.bank_data.spec`), checks every row before anything is written
(:mod:`core.bank_data.intake`), and then writes in
one transaction: the territory, branches, staff, customers (placed and assigned to the
grids), their holdings, other-bank funds, balances and visits, the actuals as of the load's
date and a ``load_run`` row. A load with a bad row writes nothing unless ``max_bad_pct``
allows that share of rows to be set aside (quarantined, each listed with its reason).

After the transaction, a bank that has branches and managers but no grids yet gets its first
grids from a proposal (:func:`first_grids`), and the customers' tags and segments are
recomputed. Two loads never interleave: each holds the load lock from its checks to its
end (:mod:`core.bank_data.lock`); a second one waits for the first.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from core.bank_data import records, write
from core.bank_data.arrays import release_memory
from core.bank_data.checks import Checked
from core.bank_data.first_grids import first_grids, first_grids_due
from core.bank_data.intake import (
    check_files,
    folder_files,
    kept_rows,
    left_out,
    quarantined_customers,
    read_files,
    said_once,
)
from core.bank_data.lock import LoadBusy, exclusive
from core.bank_data.places import (
    illustrate_villages,
    write_area,
    write_townships,
    write_village_areas,
    write_villages,
)
from core.bank_data.runs import finish_run, insert_run, record_run
from core.bank_data.upsert import (
    BULK_TABLES,
    create_indexes,
    drop_indexes,
    has_rows,
)
from core.db import DatabaseBusy, is_busy
from core.permissions import record, require_role
from core.problems import Problem
from core.territory import service_area

DRIFT_SHARE = 0.05  # a load changing more customers than this fits the segments anew


@dataclass
class LoadOptions:
    """How to load: the date the data is as of, the default coordinate system, the mapping
    profile ({stem: {their header: our key}}), the share of bad rows that may be set aside
    (percent; 0 = all or nothing), a dry run (check only), and whether a customers file is
    the full book (customers missing from it are closed) or only the changes."""

    as_of: date
    crs: str = "WGS84"
    mapping: dict = field(default_factory=dict)
    max_bad_pct: float = 0.0
    dry_run: bool = False
    full: bool = True
    source: str = ""
    batch: str | None = None
    profile: bool = True  # tags and segments after the load
    recluster: bool | None = None  # None: when no segments exist or drift is large


@dataclass
class LoadResult:
    status: str  # done / failed / dry_run
    run_id: int | None
    counts: dict
    problems: list[Problem]
    notes: list[Problem]
    quarantined: int
    timings: dict
    grids_proposed: int = 0

    @property
    def ok(self) -> bool:
        return self.status in ("done", "dry_run")


Progress = Callable[[str, float], None]


def _quiet(_step: str, _fraction: float) -> None:
    return None


def load_folder(
    engine: Engine, directory: Path, actor, options: LoadOptions, progress: Progress = _quiet
) -> LoadResult:
    """Load every file of ``directory`` (see :func:`load_files`)."""
    if not options.source:
        options.source = str(directory)[:200]
    return load_files(engine, folder_files(directory), actor, options, progress)


# ---- the load ----------------------------------------------------------------------------


def load_files(
    engine: Engine,
    files: dict[str, bytes],
    actor,
    options: LoadOptions,
    progress: Progress = _quiet,
) -> LoadResult:
    """Read, check and (unless a dry run or too many bad rows) write a bank's files.

    Parameters
    ----------
    engine : Engine
        The database (its schema up to date).
    files : dict
        File name -> content; the name's stem says the kind (``customers.csv``...).
    actor : core.permissions.Actor or a signed-in user
        Head office (or ``core.permissions.SYSTEM`` for the command line).
    options : LoadOptions
    progress : callable(step, fraction), optional

    Returns
    -------
    LoadResult
        ``status`` done / failed / dry_run, the counts per file, every problem and note. A
        failed load has written nothing but its ``load_run`` row. A load that found another
        one running and waited for it in vain (:data:`core.bank_data.lock.WAIT_S`) has
        written nothing at all (problem ``load.busy``).
    """
    require_role(engine, actor, "data_load", "hq")
    if options.dry_run:
        return _load_files(engine, files, actor, options, progress)
    try:
        with exclusive(
            engine, lambda: progress("等待另一次加载结束 / waiting for another load", 0.01)
        ):
            return _load_files(engine, files, actor, options, progress)
    except LoadBusy:
        return LoadResult("failed", None, {}, [Problem("load.busy")], [], 0, {})


def _load_files(engine, files, actor, options, progress) -> LoadResult:
    started, t0 = datetime.now(), time.perf_counter()
    timings: dict[str, float] = {}
    progress("读取文件 / reading", 0.02)
    intake = read_files(files, options.crs, options.mapping)
    timings["read"] = time.perf_counter() - t0
    if not intake.tables and not intake.areas and not intake.problems:
        intake.problems.append(Problem("load.nothing", file=options.source or None))
    checked: dict[str, Checked] = {}
    if not intake.problems:
        progress("检查数据 / checking", 0.15)
        with engine.connect() as conn:
            checked = check_files(conn, intake, options.as_of, options.crs)
        release_memory()  # what the files' text and the checks held (pyarrow keeps it)
        timings["check"] = time.perf_counter() - t0 - timings["read"]
    problems = intake.problems + said_once(checked) + _other_bank(engine, checked)
    notes = intake.notes + [p for c in checked.values() for p in c.notes]
    counts = {
        stem: {"file": c.file, "read": len(c.frame) + len(c.same), "bad": int(c.bad.sum())}
        for stem, c in checked.items()
    }
    for stem, gdf in intake.areas.items():
        counts[stem] = {"file": stem, "read": len(gdf), "bad": 0}
    rows = sum(v["read"] for v in counts.values())
    bad = sum(v["bad"] for v in counts.values()) + sum(
        len(left_out(intake, stem, checked)) for stem in intake.row_problems
    )
    allowed = rows * options.max_bad_pct / 100.0
    failed = bool(intake.problems) or (bad > 0 and (options.max_bad_pct <= 0 or bad > allowed))
    quarantined = 0 if failed else bad
    result = LoadResult(
        "failed" if failed else ("dry_run" if options.dry_run else "done"),
        None,
        counts,
        problems,
        notes,
        quarantined,
        timings,
    )
    if failed or options.dry_run:
        result.run_id = record_run(engine, actor, options, started, t0, result)
        return result
    progress("写入数据库 / writing", 0.35)
    try:
        _write(engine, actor, checked, intake, options, result, progress, started, t0)
    except Exception as exc:
        if is_busy(exc) or isinstance(exc, DatabaseBusy):
            result.problems.append(Problem("load.busy"))
            result.status = "failed"
            try:  # another writer (not a load: they wait for each other) held the database
                result.run_id = record_run(engine, actor, options, started, t0, result)
            except DBAPIError as again:
                if not is_busy(again):
                    raise
            return result
        raise
    checked.clear()  # the rows are written: let their memory go before the grids and tags
    intake.tables.clear()
    if first_grids_due(engine):
        progress("生成首版网格 / first grids", 0.8)
        t = time.perf_counter()
        result.grids_proposed = first_grids(engine, actor)
        timings["first_grids"] = time.perf_counter() - t
        if result.grids_proposed:
            from core.performance.actuals import recompute_actuals

            t = time.perf_counter()
            with engine.begin() as conn:
                recompute_actuals(engine, actor, options.as_of, conn=conn, note="load")
            timings["actuals"] += time.perf_counter() - t
    if options.profile and _touched_customers(result):
        progress("标签与客群 / tags and segments", 0.9)
        t = time.perf_counter()
        result.counts["profiles"] = _profile(engine, actor, options, result)
        timings["profile"] = time.perf_counter() - t
    finish_run(engine, result, t0)
    progress("完成 / done", 1.0)
    return result


def _profile(engine: Engine, actor, options: LoadOptions, result: LoadResult) -> dict:
    """Tags for every customer; segments fitted anew when asked, when there are none yet or
    when the load changed more than :data:`DRIFT_SHARE` of the customers (else kept)."""
    from core.customers.tagging_run import profile_customers, recompute_tags

    with engine.connect() as conn:
        customers = conn.execute(text("SELECT COUNT(*) FROM customer")).scalar_one()
        segments = conn.execute(text("SELECT COUNT(*) FROM segment WHERE active")).scalar_one()
    if not customers:
        return {}
    changed = sum(
        result.counts.get("customers", {}).get(k, 0) for k in ("inserted", "updated", "closed")
    )
    recluster = options.recluster
    if recluster is None:
        recluster = not segments or changed > DRIFT_SHARE * customers
    if recluster:
        fit = profile_customers(engine, actor, options.as_of)
        return {"segments_fitted": True, "k": fit.k}
    recompute_tags(engine, actor, options.as_of)
    return {"segments_fitted": False}


def _other_bank(engine: Engine, checked: dict) -> list[Problem]:
    """A database holds one bank: files of another bank's code are refused whole."""
    bank = checked.get("bank")
    if bank is None or bank.frame.empty:
        return []
    with engine.connect() as conn:
        held = conn.execute(text("SELECT code FROM bank ORDER BY id")).scalar()
    given = str(bank.frame["code"].iloc[0])
    if held is None or held == given:
        return []
    return [Problem("load.other_bank", {"held": held, "given": given}, file=bank.file, row=2)]


def _touched_customers(result: LoadResult) -> bool:
    return any(
        result.counts.get(stem, {}).get(k, 0)
        for stem in ("customers", "holdings", "other_bank", "balances")
        for k in ("inserted", "updated", "closed", "replaced")
    )


def _write(engine, actor, checked, intake, options, result, progress, started, t0) -> None:
    t = time.perf_counter()
    timings, counts = result.timings, result.counts
    now = datetime.now()
    with engine.begin() as conn:
        kept = {stem: kept_rows(c) for stem, c in checked.items()}
        bank = kept.get("bank")
        villages = kept.get("villages")
        county = _county_code(villages)
        bank_id = write.write_bank(
            conn,
            None if bank is None or bank.empty else str(bank["code"].iloc[0]),
            None if bank is None or bank.empty else str(bank["name"].iloc[0]),
            county,
        )
        territory = False
        if "territory" in intake.areas:
            import shapely

            write_area(conn, shapely.union_all(list(intake.areas["territory"].geometry)))
            territory = True
        towns = write_townships(conn, villages, intake.areas.get("township_areas"))
        if villages is not None and len(villages):
            w = write.upsert_counts(write_villages(conn, villages))
            counts["villages"].update(w)
            territory = territory or w["inserted"] + w["updated"] > 0
        if "village_areas" in intake.areas:
            write_village_areas(conn, intake.areas["village_areas"])
            territory = True
        if territory or towns.inserted or towns.updated:
            drawn = illustrate_villages(conn)
            counts.setdefault("territory", {})["illustrative_villages"] = drawn
        timings["territory"] = time.perf_counter() - t
        area = service_area(conn)
        if "branches" in kept:
            town_polygons = _town_polygons(conn)
            counts["branches"].update(
                write.upsert_counts(
                    write.write_branches(conn, kept["branches"], bank_id, town_polygons)
                )
            )
        if "staff" in kept:
            counts["staff"].update(write.write_staff(conn, kept["staff"], now))
        timings["organisation"] = time.perf_counter() - t - timings["territory"]
        progress("写入客户 / customers", 0.45)
        t = time.perf_counter()
        touched = np.array([], dtype=np.int64)
        ids = None
        # a first load writes into empty tables without their indexes, built once after
        fresh = "customers" in kept and not has_rows(conn, "customer")
        indexes = drop_indexes(conn, BULK_TABLES) if fresh else None
        if "customers" in kept:
            village_table = pd.read_sql(
                text("SELECT id, code, name, short_name FROM village"), conn
            )
            rows = write.customer_rows(kept["customers"], village_table, area, options.as_of)
            spared, full = quarantined_customers(intake, checked, options.full)
            _release(checked, kept, "customers")  # the rows to write hold what is needed
            if fresh:  # the customers' balances from this load's files, in the same insert
                rows = records.with_totals(rows, kept.get("holdings"), kept.get("other_bank"))
            present = checked["customers"].same  # in the file, as last written
            written, closed = write.write_customers(
                conn, rows, intake.held, full, options.as_of, spared, present
            )
            counts["customers"].update(write.upsert_counts(written))
            counts["customers"]["unchanged"] += len(present)
            counts["customers"]["closed"] = closed
            touched = written.touched
            counts["customers"]["placed"] = rows["located"].value_counts(dropna=False).to_dict()
            ids = written.ids  # every customer's id: the file's and those held before
            del rows, written
        if ids is None and set(kept) & {"holdings", "other_bank", "balances", "visits"}:
            ids = write.customer_ids(intake.held)  # read by the checks already
        for stem, writer in (
            ("holdings", records.write_holdings),
            ("other_bank", records.write_other_bank),
            ("balances", records.write_balances),
            ("visits", records.write_visits),
        ):
            if stem in kept:
                more = {"totals": False} if fresh and stem in ("holdings", "other_bank") else {}
                counts[stem].update(writer(conn, kept[stem], ids, **more))
                _release(checked, kept, stem)
        timings["customers"] = time.perf_counter() - t
        t = time.perf_counter()
        create_indexes(conn, indexes)
        timings["indexes"] = time.perf_counter() - t
        t = time.perf_counter()
        if len(touched):
            counts.setdefault("customers", {})["assigned"] = write.assign_customers(conn, touched)
        timings["assign"] = time.perf_counter() - t
        t = time.perf_counter()
        if conn.execute(text("SELECT COUNT(*) FROM grid")).scalar_one():
            from core.performance.actuals import recompute_actuals

            recompute_actuals(engine, actor, options.as_of, conn=conn, note="load")
        timings["actuals"] = time.perf_counter() - t
        result.run_id = insert_run(conn, actor, options, started, t0, result)
        record(
            conn,
            getattr(actor, "user_id", None),
            "data_load",
            "load_run",
            result.run_id,
            {"source": options.source, "batch": options.batch, "files": sorted(checked)},
        )


def _release(checked: dict[str, Checked], kept: dict[str, pd.DataFrame], stem: str) -> None:
    """Let a file's checked rows go once they are written (memory): its frame is left
    empty (its columns kept), its counts are taken already."""
    del kept[stem]
    done = checked[stem]
    done.frame, done.bad = done.frame.iloc[:0].copy(), done.bad[:0].copy()  # no views


def _county_code(villages: pd.DataFrame | None) -> str | None:
    if villages is None or villages.empty:
        return None
    return str(villages["code"].astype(str).str[:6].mode().iloc[0])


def _town_polygons(conn: Connection) -> dict:
    from geo.county import from_geojson

    rows = conn.execute(text("SELECT code, geometry FROM township")).all()
    return {code: from_geojson(g) for code, g in rows if g}
