"""The bank-data loader at bank scale: ``python -m benchmarks --only load``.

For each ``--load-sizes`` (individual customers; default 100,000 for a quick look and
1,000,000, the size the targets are set for), the demo county is written once as a bank's
files (:mod:`benchmarks.bank_files`, through ``python -m core demo-files``: customers in GB18030 ``|`` with a core system's
headers, holdings, other-bank funds, 12 months of balances, visits, villages, branches,
staff, the service area) into a cache folder kept between runs (``$GM_BENCH_FILES``, else
``<tmp>/gm_bank_files/<size>_<seed>_<as-of>``: about 90 s and 600 MB at 1,000,000; not
timed). Then, each in a new process (``python -m benchmarks.bank_load worker``) whose peak
resident memory (``getrusage``) is reported with its time:

first load
    ``core.bank_data.load.load_folder`` of the whole folder into an empty database (the
    schema made first, not timed): reading, checking, territory, organisation, customers
    (placed) with their holdings, other-bank funds, balances and visits, the indexes, the
    assignment, first grids from a proposal (and the one re-assignment they need), actuals,
    tags and segments - each step as ``LoadResult.timings`` gives it. Into a new SQLite file
    and, with ``--database-url`` (or ``BENCH_DATABASE_URL``), into a new PostgreSQL schema
    ``gm_bench_load_<size>`` (dropped afterwards).
nightly batch
    ``core.bank_data.nightly.run_inbox`` (``python -m core nightly INBOX``) on that database:
    one dated batch written by ``core.demo.bank_batch.write_nightly_batch``, the full
    customers file with 1 % of the customers changed (a new mobile number or address) and
    0.1 % new, and the holdings of those; end to end (load - the rows as last written left
    out by their hash, the others checked and written -, re-assignment of the changed, tags
    of everyone as of the batch date and the nearest segment for the new, actuals, the
    ``load_run`` row).
check of a bad file
    A dry run (``LoadOptions(dry_run=True)``, ``python -m core load --dry-run``) of the
    customers file with 1 % of its rows made bad (one fault each, in turn: an ID number's
    check digit, a mobile number, an impossible opening day, an unknown customer kind, an
    amount that is no number, a customer number given twice), next to the files it refers
    to (villages, branches, staff, the area), into an empty database: every planted row must
    be reported, and no other.

The targets (issue 12) hold at 1,000,000 customers: a first load within 120 s on SQLite and
180 s on PostgreSQL with a peak of at most 3 GB, a nightly batch within 20 s, the check
within 30 s. The peak is the loader's process; PostgreSQL's own server processes are not
counted. Times on a shared machine vary by 30-50 %: the report gives the load average.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.bank_files import (
    AS_OF,
    CUSTOMER_FILE,
    check_folder,
    demo_files,
    nightly_inbox,
)
from benchmarks.log import ROOT, error_line, log

TARGET_SIZE = 1_000_000
TARGETS = {"sqlite": 120.0, "postgresql": 180.0, "nightly": 20.0, "check": 30.0, "peak_gb": 3.0}
RESULT = "BENCH_RESULT "  # the worker's one line of results on stdout
STEPS = (  # LoadResult.timings keys, in the order they run
    ("read", "read the files"),
    ("check", "check every value"),
    ("territory", "territory"),
    ("organisation", "branches and staff"),
    ("customers", "customers, holdings, other-bank funds, balances, visits"),
    ("indexes", "indexes built again (first load)"),
    ("assign", "assign customers to grids"),
    ("actuals", "actuals"),
    ("first_grids", "first grids (proposal, one re-assignment)"),
    ("profile", "tags and segments"),
)


# ---- one measurement in a process of its own -----------------------------------------------


def worker(job: dict) -> dict:
    """Run one measurement (``job``: kind first / nightly / check, url, folder) in this
    process and return its results (seconds, the load's timings and counts, peak RSS)."""
    from core.bank_data.load import LoadOptions, load_folder
    from core.bank_data.nightly import run_inbox
    from core.db import make_engine, upgrade
    from core.permissions import SYSTEM

    engine = make_engine(job["url"])
    folder = Path(job["folder"])
    out: dict = {}
    if job["kind"] in ("first", "check"):
        t0 = time.perf_counter()
        upgrade(engine)
        out["schema_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    if job["kind"] == "nightly":
        outcomes = run_inbox(engine, folder, SYSTEM, LoadOptions(as_of=AS_OF))
        results = [o.result for o in outcomes if o.result is not None]
        out["states"] = [o.state for o in outcomes]
        result = results[0] if results else None
    else:
        options = LoadOptions(as_of=AS_OF, dry_run=job["kind"] == "check")
        result = load_folder(engine, folder, SYSTEM, options)
    out["seconds"] = time.perf_counter() - t0
    engine.dispose()
    out["peak_gb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    if result is not None:
        out.update(
            status=result.status,
            timings=result.timings,
            counts=result.counts,
            problems=len(result.problems),
            problem_rows=sorted(
                {p.row for p in result.problems if p.file == CUSTOMER_FILE and p.row}
            ),
            problem_keys=sorted({p.key for p in result.problems})[:20],
        )
    return out


def _measure(job: dict) -> dict:
    """Run ``worker(job)`` in a new Python process; its results, with the load average
    before and after."""
    before = os.getloadavg()[0]
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.bank_load", "worker", json.dumps(job)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith(RESULT)]
    if done.returncode or not lines:
        raise RuntimeError(f"worker {job['kind']} exited with {done.returncode}")
    out = json.loads(lines[-1][len(RESULT) :])
    out["load"] = (before, os.getloadavg()[0])
    return out


# ---- the runs ----------------------------------------------------------------------------


@dataclass
class SizeReport:
    n: int
    customers: int = 0  # rows of the customers file (all kinds)
    rows: dict[str, int] = field(default_factory=dict)  # per file
    runs: dict[tuple[str, str], dict] = field(default_factory=dict)  # (case, backend) -> out
    planted: list[int] = field(default_factory=list)  # line numbers of the bad rows
    kinds: dict[str, int] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


@dataclass
class LoadReport:
    sizes: list[SizeReport] = field(default_factory=list)
    backends: list[str] = field(default_factory=list)
    loads: list[float] = field(default_factory=list)  # 1-minute load averages seen
    cpus: int = 0


def _pg_url(server_url: str, schema: str) -> str:
    from sqlalchemy import make_url

    url = make_url(server_url).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


def _schema(server_url: str, schema: str, create: bool) -> None:
    from sqlalchemy import text

    from core.db import make_engine

    admin = make_engine(server_url)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            if create:
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    finally:
        admin.dispose()


def _databases(db_dir: Path, n: int, case: str, database_url: str | None):
    """(backend, url, cleanup) for each backend of one case."""
    path = db_dir / f"bench_load_{case}_{n}.sqlite"
    for suffix in ("", "-wal", "-shm", "-journal"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    out = [("sqlite", f"sqlite:///{path}", lambda p=path: _unlink(p))]
    if database_url:
        schema = f"gm_bench_{case}_{n}"
        _schema(database_url, schema, create=True)
        out.append(
            (
                "postgresql",
                _pg_url(database_url, schema),
                lambda s=schema: _schema(database_url, s, False),
            )
        )
    return out


def _unlink(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


def _run(report: LoadReport, size: SizeReport, case: str, backend: str, job: dict) -> bool:
    try:
        out = _measure(job)
    except Exception as exc:  # a failed measurement is reported, the others still run
        size.errors[f"{case} ({backend})"] = error_line(exc)
        log(f"  {case} on {backend} failed: {error_line(exc)}")
        return False
    size.runs[(case, backend)] = out
    report.loads += list(out["load"])
    steps = ", ".join(f"{k} {v:.1f}" for k, v in out.get("timings", {}).items())
    log(
        f"  {case} on {backend}: {out['seconds']:.1f} s, peak {out['peak_gb']:.2f} GB, "
        f"{out.get('status')} ({steps})"
    )
    return True


def run_bank_load(sizes: list[int], db_dir: Path, database_url: str | None = None) -> LoadReport:
    """The first load, the nightly batch and the check of a bad file at each size, on
    SQLite and (given ``database_url``) PostgreSQL."""
    from core.demo.bank_batch import count_rows

    report = LoadReport(backends=["sqlite"] + (["postgresql"] if database_url else []))
    report.cpus = os.cpu_count() or 0
    for n in sizes:
        size = SizeReport(n)
        report.sizes.append(size)
        try:
            base = demo_files(n)
            inbox = nightly_inbox(base)
            bad, planted = check_folder(base)
        except Exception as exc:
            size.errors["bank files"] = error_line(exc)
            log(f"  writing the bank files failed: {error_line(exc)}")
            continue
        size.planted = planted
        size.kinds = json.loads((bad / ".kinds.json").read_text(encoding="utf-8"))
        for name in (
            "customers.txt",
            "holdings.csv",
            "other_bank.csv",
            "balances.csv",
            "visits.csv",
        ):
            size.rows[name] = count_rows(base / name)
        size.customers = size.rows["customers.txt"]
        for backend, url, cleanup in _databases(db_dir, n, "load", database_url):
            log(f"first load of {size.customers:,} customers into {backend}, then a nightly batch")
            try:
                job = {"kind": "first", "url": url, "folder": str(base)}
                if _run(report, size, "first", backend, job):
                    job = {"kind": "nightly", "url": url, "folder": str(inbox)}
                    _run(report, size, "nightly", backend, job)
            finally:
                cleanup()
        for backend, url, cleanup in _databases(db_dir, n, "check", database_url):
            log(f"dry run of {size.customers:,} customers, {len(planted):,} bad, on {backend}")
            try:
                _run(
                    report,
                    size,
                    "check",
                    backend,
                    {"kind": "check", "url": url, "folder": str(bad)},
                )
            finally:
                cleanup()
    return report


# ---- the report --------------------------------------------------------------------------


def _mark(ok: bool | None) -> str:
    return "-" if ok is None else ("pass" if ok else "**FAIL**")


def _s(out: dict | None, key: str = "seconds") -> str:
    return "-" if out is None or key not in out else f"{out[key]:.1f}"


def _step(out: dict | None, key: str) -> str:
    if out is None:
        return "-"
    value = out.get("timings", {}).get(key)
    return "-" if value is None else f"{value:.1f}"


def _peak(size: SizeReport, case: str, backends: list[str]) -> str:
    peaks = [size.runs[(case, b)]["peak_gb"] for b in backends if (case, b) in size.runs]
    return " / ".join(f"{p:.2f}" for p in peaks) if peaks else "-"


def _size_rows(size: SizeReport, backends: list[str]) -> list[list[str]]:
    def out(case: str, backend: str) -> dict | None:
        return size.runs.get((case, backend))

    at_target = size.n >= TARGET_SIZE
    sq, pg = out("first", "sqlite"), out("first", "postgresql")
    peaks = [o["peak_gb"] for o in (sq, pg) if o]
    met = None
    if at_target and sq:
        met = sq["seconds"] <= TARGETS["sqlite"] and max(peaks) <= TARGETS["peak_gb"]
        if pg:
            met = met and pg["seconds"] <= TARGETS["postgresql"]
    rows = [
        [
            f"**first load** into an empty database, all steps ({size.customers:,} customers)",
            _s(sq),
            _s(pg),
            _peak(size, "first", backends),
            f"≤ {TARGETS['sqlite']:g} / ≤ {TARGETS['postgresql']:g} s, ≤ {TARGETS['peak_gb']:g} GB"
            if at_target
            else "-",
            _mark(met),
        ]
    ]
    for key, label in STEPS:
        if any(key in (o or {}).get("timings", {}) for o in (sq, pg)):
            rows.append([f"· {label}", _step(sq, key), _step(pg, key), "", "", ""])
    for case, label, target in (
        ("nightly", "**nightly batch**: 1 % of customers changed, 0.1 % new", "nightly"),
        ("check", f"**check** of {size.customers:,} rows with 1 % bad (dry run)", "check"),
    ):
        a, b = out(case, "sqlite"), out(case, "postgresql")
        times = [o["seconds"] for o in (a, b) if o]
        ok = None
        if at_target and times:
            ok = max(times) <= TARGETS[target]
            if case == "check":
                ok = ok and all(_all_reported(o, size) for o in (a, b) if o)
        rows.append(
            [
                label,
                _s(a),
                _s(b),
                _peak(size, case, backends),
                f"≤ {TARGETS[target]:g} s" + (", every bad row" if case == "check" else "")
                if at_target
                else "-",
                _mark(ok),
            ]
        )
        if case == "nightly":
            for key, step in STEPS:
                if any((o or {}).get("timings", {}).get(key, 0) >= 0.05 for o in (a, b)):
                    rows.append([f"· {step}", _step(a, key), _step(b, key), "", "", ""])
            counts = [(o or {}).get("counts", {}).get("customers", {}) for o in (a, b)]
            rows.append(
                [
                    "· customers inserted / updated / re-assigned",
                    *[
                        f"{c.get('inserted', 0):,} / {c.get('updated', 0):,} / "
                        f"{c.get('assigned', 0):,}"
                        if c
                        else "-"
                        for c in counts
                    ],
                    "",
                    "",
                    "",
                ]
            )
        else:
            rows.append(
                [
                    "· bad rows planted / rows reported / planted rows among them",
                    *[_reported(o, size) for o in (a, b)],
                    "",
                    "",
                    "",
                ]
            )
    return rows


def _all_reported(out: dict, size: SizeReport) -> bool:
    """Every planted row reported, and no other."""
    return set(out.get("problem_rows", [])) == set(size.planted)


def _reported(out: dict | None, size: SizeReport) -> str:
    if out is None:
        return "-"
    rows = set(out.get("problem_rows", []))
    return f"{len(size.planted):,} / {len(rows):,} / {len(rows & set(size.planted)):,}"


def tables(report: LoadReport) -> str:
    """The results as Markdown: one table per size."""
    parts = ["### Loading a bank's files\n"]
    loads = report.loads or [0.0]
    parts.append(
        f"Load average (1 min) seen before and after the measurements: "
        f"{min(loads):.1f}-{max(loads):.1f} on {report.cpus} CPUs. Peak GB: the loader "
        f"process's resident memory (SQLite / PostgreSQL); PostgreSQL's server is not "
        f"counted.\n"
    )
    for size in report.sizes:
        rows = [
            ["case", "SQLite s", "PostgreSQL s", "peak GB", "target", "met"],
            ["---", "---:", "---:", "---:", "---", "---"],
        ]
        rows += _size_rows(size, report.backends)
        files = ", ".join(f"{name} {count:,}" for name, count in size.rows.items())
        parts.append(f"\n#### {size.n:,} individuals\n\nRows: {files}.\n")
        for what, err in size.errors.items():
            parts.append(f"\n**{what} failed:** `{err}`\n")
        parts.append("\n" + "\n".join("| " + " | ".join(r) + " |" for r in rows) + "\n")
    return "".join(parts)


def main(argv: list[str]) -> int:
    """``python -m benchmarks.bank_load worker JOB``: one measurement, its results as one
    JSON line on stdout."""
    if len(argv) != 2 or argv[0] != "worker":
        print("usage: python -m benchmarks.bank_load worker JOB", file=sys.stderr)
        return 2
    out = worker(json.loads(argv[1]))
    print(RESULT + json.dumps(out, default=str), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
