"""Benchmarks: ``python -m benchmarks [--only seed|progress|grids|segments|visits|route|load]``.

Seven parts, all run by default (``make bench``); ``--only PART ...`` runs some.

seed
    Seeding and the Overview at each ``--sizes`` (below).
grids
    Grid maps at 1,000,000 customers and 2,000 level-2 grids: re-assignment after a grid
    change against a geopandas sjoin, reading every customer through ``core.db.read_columns``
    against ``pandas.read_sql``, the map's payload and Python time, its first draw in
    Chromium, and grid proposals (``benchmarks/grid_maps.py`` says what exactly). It uses the
    1,000,000-customer database the seed part just built, or seeds one (about 30 s), and
    changes it (its level-2 grids are replaced).
progress
    Targets and progress at 1,000,000 customers (``--progress-customers``; ~75 managers x 15
    metrics x 12 months): the progress page's data cold, warm and cached for head office,
    branch 1 and manager 1, the whole page rerun warm (AppTest), and recomputing all
    actuals (``benchmarks/progress.py`` says what exactly). It uses ``--progress-db`` (an
    existing SQLite file, e.g. one ``python -m core seed --customers 1000000`` made), else
    the seed part's database of that size, else seeds one. It runs before the grid part
    when both run, as that part replaces the grids.
segments
    Tags and segments of every customer at 1,000,000 customers (from scratch and again),
    explorer filter changes and its page rerun, the customer view
    (``benchmarks/segments.py`` says what exactly); on the same 1,000,000-customer database.
visits
    The visit planner of managers with 2,000-4,000 customers (and the largest book) at
    1,000,000 customers, saving a routed plan, and the planner page's reruns
    (``benchmarks/visits.py``); on the same 1,000,000-customer database.
route
    The manager's week as pure functions, no database (``benchmarks/route_priority.py``):
    the route for 36 stops and its quality against exact answers and random restarts,
    Held-Karp at its limit and the price of one day (``quick_tour`` against numpy), priority
    scores for 3,000 customers, authenticity flags on 60,000 visits. About a
    minute.
load
    Loading a bank's files at each ``--load-sizes`` (default 100,000 and 1,000,000
    individuals): the demo county written once as bank files (cached between runs), then
    in processes of their own, with their peak memory: the first load into an empty SQLite
    database (and PostgreSQL schema with ``--database-url``) step by step, a nightly batch
    with 1 % of the customers changed and 0.1 % new, and a dry run of the customers file
    with 1 % bad rows (``benchmarks/bank_load.py`` says what exactly). About 10 minutes at
    1,000,000 with PostgreSQL, 2 more to write the files the first time.

What the seed part measures
---------------------------
For each size (individual customers; default 230,000 and 1,000,000; merchants and corporates
come on top, so "customers (all kinds)" is a little larger):

* seed time - wall time of ``core.demo.seed.seed(engine, n, seed=20261123,
  as_of=2026-11-23, quiet=True)`` into a brand-new SQLite file, split into schema (Alembic),
  build (generating the county in pandas) and write (bulk inserts, commit);
* database size - the SQLite file plus ``-wal``/``-shm`` after
  ``PRAGMA wal_checkpoint(TRUNCATE)``, in MiB;
* with ``--database-url`` (or ``BENCH_DATABASE_URL``) of a PostgreSQL server, also the seed
  time into a fresh schema ``gm_bench_<n>`` and the sum of ``pg_total_relation_size`` of its
  tables; the schema is dropped afterwards.

At the largest size, the Overview (``load_headline`` + ``load_breakdown``) for head office,
branch 1 and manager 1 (with that manager's branch), on SQLite:

* cold - a new engine, first call. The OS page cache cannot be dropped without root and the
  file was just written, so this is a new process's first query on a warm disk, not a cold
  disk read;
* warm - the median of 5 further calls of the uncached functions;
* cached - the second call of the ``st.cache_data`` wrappers ``core.ui.headline`` and
  ``core.ui.breakdown`` outside a Streamlit runtime (in-memory cache; warnings silenced).

The tables go to stdout; progress goes to stderr. Each part also writes its tables to
``<out>/results-<part>.md``, and ``<out>/results.md`` is rebuilt from those files, so it
holds the latest run of every part even after ``--only``. Databases live in a temporary
directory that is removed at the end, unless ``--keep-db`` puts them in ``<out>``. Expect
about 1 minute for the seed part (230,000 + 1,000,000 on 2 cores, SQLite only) and 2-3
minutes more for the grid part. Single runs vary by 30-50 % on a shared machine; compare
magnitudes, or run it twice.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from benchmarks.log import log

DEFAULT_SIZES = [230_000, 1_000_000]
DEFAULT_OUT = Path(__file__).resolve().parent / "out"
PARTS = ("seed", "progress", "grids", "segments", "visits", "route", "load")
LOAD_SIZES = [100_000, 1_000_000]
GRID_CUSTOMERS = 1_000_000
GRID_TARGET = 2_000


def _phases(phases: dict[str, float]) -> str:
    return ", ".join(f"{k} {v:.1f} s" for k, v in phases.items())


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options of ``python -m benchmarks``.

    Parameters
    ----------
    argv : list[str] or None
        Arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    argparse.Namespace
        ``only``, ``sizes``, ``out``, ``database_url``, ``keep_db``, ``repeats``, ``grids``,
        ``grid_customers``, ``grid_repeats``, ``rounds``, ``browser``, ``route_weeks``,
        ``progress_customers``, ``progress_db``, ``load_sizes``.
    """
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n")[0])
    p.add_argument(
        "--only",
        nargs="+",
        choices=PARTS,
        default=list(PARTS),
        metavar="PART",
        help="run only these parts: seed, progress, grids, segments, visits, route, load "
        "(default: all)",
    )
    p.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        default=DEFAULT_SIZES,
        help="individual customers per run (default: 230000 1000000)",
    )
    p.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        help="directory for results.md (default: benchmarks/out)",
    )
    p.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL"),
        help="PostgreSQL server to seed as well (default: $BENCH_DATABASE_URL)",
    )
    p.add_argument(
        "--keep-db", action="store_true", help="write the SQLite files to --out and keep them"
    )
    p.add_argument(
        "--repeats",
        type=int,
        default=5,
        help="warm calls per scope; route part: per measurement (default: 5)",
    )
    p.add_argument(
        "--grids",
        type=int,
        default=GRID_TARGET,
        help="grids part: level-2 grids to make (default: 2000)",
    )
    p.add_argument(
        "--grid-customers",
        type=int,
        default=GRID_CUSTOMERS,
        help="grids part: individual customers (default: 1000000)",
    )
    p.add_argument(
        "--grid-repeats",
        type=int,
        default=5,
        help="grids part: timed re-assignments, sjoins and warm map builds (default: 5)",
    )
    p.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="grids part: measured navigations to the map in Chromium (default: 3)",
    )
    p.add_argument(
        "--no-browser",
        dest="browser",
        action="store_false",
        help="grids part: skip the Chromium measurement",
    )
    p.add_argument(
        "--route-weeks",
        type=int,
        default=20,
        help="route part: seeded 36-stop weeks to plan and time (default: 20)",
    )
    p.add_argument(
        "--progress-customers",
        type=int,
        default=GRID_CUSTOMERS,
        help="progress part: individual customers (default: 1000000)",
    )
    p.add_argument(
        "--progress-db",
        type=Path,
        default=None,
        help="progress part: an already seeded SQLite file to measure (reused, "
        "not changed but for its actuals being recomputed)",
    )
    p.add_argument(
        "--load-sizes",
        type=int,
        nargs="+",
        default=LOAD_SIZES,
        help="load part: individual customers per run (default: 100000 1000000)",
    )
    args = p.parse_args(argv)
    args.only = [part for part in PARTS if part in args.only]
    args.load_sizes = sorted(set(args.load_sizes))
    args.sizes = sorted(set(args.sizes))
    if min(args.sizes) < 100:
        p.error("sizes must be at least 100")
    return args


def _header() -> str:
    return (
        f"Benchmark of {datetime.now():%Y-%m-%d %H:%M}, {platform.python_implementation()} "
        f"{platform.python_version()}, {os.cpu_count()} CPUs, seed 20261123, "
        f"as of 2026-11-23.\n\n"
    )


def _seed_part(args: argparse.Namespace, db_dir: Path) -> tuple[str, dict]:
    """Seed each size (and time the Overview at the largest); the table and the results."""
    from benchmarks.overview_timing import time_overview
    from benchmarks.report import build_rows, markdown_table
    from benchmarks.seeding import seed_postgres, seed_sqlite

    sqlite, postgres, overview = {}, {}, {}
    for n in args.sizes:
        log(f"seeding SQLite with {n:,} individuals in {db_dir}")
        r = sqlite[n] = seed_sqlite(db_dir, n)
        r.source = f"the seed part's {n:,}-individual SQLite file, reused"
        log(
            f"  {r.counts['customer']:,} customers in {r.seconds:.1f} s "
            f"({_phases(r.phases)}), {r.size_mb:,.1f} MB"
        )
        if n == args.sizes[-1]:
            log(f"timing the Overview on {n:,} (cold, warm x{args.repeats}, cached)")
            overview[n] = time_overview(r.url, args.repeats)
            for t in overview[n]:
                log(
                    f"  {t.scope}: cold {t.cold_ms:.1f} ms, warm {t.warm_ms:.1f} ms, "
                    f"cached {t.cached_ms:.2f} ms"
                )
        if args.database_url:
            log(f"seeding PostgreSQL schema gm_bench_{n}")
            p = postgres[n] = seed_postgres(args.database_url, n)
            log(f"  {p.seconds:.1f} s ({_phases(p.phases)}), {p.size_mb:,.1f} MB")
    return markdown_table(args.sizes, build_rows(args.sizes, sqlite, postgres, overview)), sqlite


def _grids_part(args: argparse.Namespace, db_dir: Path, seeded: dict) -> str:
    """The grid-map benchmarks on the seed part's database of ``--grid-customers`` (or a
    new one); their tables."""
    from benchmarks.grid_maps import run_grids, tables

    url, source = _big_database(args, db_dir, seeded, "grids")
    report = run_grids(
        url,
        target=args.grids,
        repeats=args.grid_repeats,
        rounds=args.rounds,
        browser=args.browser,
        source=source,
    )
    return tables(report)


def _big_database(
    args: argparse.Namespace, db_dir: Path, seeded: dict, part: str
) -> tuple[str, str]:
    """The seed part's database of ``--grid-customers`` individuals, or a new one (seeded
    once and remembered in ``seeded``); its URL and a line saying where it came from."""
    from benchmarks.seeding import seed_sqlite

    n = args.grid_customers
    if n in seeded:
        log(f"{part}: reusing the database of {n:,} individuals")
        return seeded[n].url, seeded[n].source
    log(f"{part}: seeding SQLite with {n:,} individuals in {db_dir}")
    r = seed_sqlite(db_dir, n)
    r.source = (
        f"SQLite seeded here with {n:,} individuals ({r.counts['customer']:,} "
        f"customers) in {r.seconds:.1f} s"
    )
    seeded[n] = r
    log(f"  {r.counts['customer']:,} customers in {r.seconds:.1f} s ({_phases(r.phases)})")
    return r.url, r.source


def _visits_part(args: argparse.Namespace, db_dir: Path, seeded: dict) -> str:
    from benchmarks.visits import run_visits, tables

    url, source = _big_database(args, db_dir, seeded, "visits")
    return tables(run_visits(url, repeats=args.repeats, source=source))


def _segments_part(args: argparse.Namespace, db_dir: Path, seeded: dict) -> str:
    from benchmarks.segments import run_segments, tables

    url, source = _big_database(args, db_dir, seeded, "segments")
    return tables(run_segments(url, repeats=args.repeats, source=source))


def _route_part(args: argparse.Namespace) -> str:
    """The manager's-week benchmarks (pure functions, synthetic data); their table."""
    from benchmarks.route_priority import run_route_priority, tables

    return tables(run_route_priority(weeks=args.route_weeks, repeats=args.repeats, log=log))


def _load_part(args: argparse.Namespace, db_dir: Path) -> str:
    """The bank-data loader's benchmarks; their tables."""
    from benchmarks.bank_load import run_bank_load, tables

    return tables(run_bank_load(args.load_sizes, db_dir, args.database_url))


def _progress_part(args: argparse.Namespace, db_dir: Path, seeded: dict) -> str:
    """The targets-and-progress benchmarks; their table."""
    from benchmarks.progress import run_progress, tables
    from benchmarks.seeding import seed_sqlite

    n = args.progress_customers
    if args.progress_db is not None:
        if not args.progress_db.exists():
            raise SystemExit(f"--progress-db: no such file {args.progress_db}")
        url = f"sqlite:///{args.progress_db.resolve()}"
        source = f"{args.progress_db}, reused"
        log(f"progress: reusing {args.progress_db}")
    elif n in seeded:
        url, source = seeded[n].url, f"the seed part's {n:,}-individual SQLite file, reused"
    else:
        log(f"progress: seeding SQLite with {n:,} individuals in {db_dir}")
        r = seed_sqlite(db_dir, n)
        url = r.url
        source = (
            f"SQLite seeded here with {n:,} individuals ({r.counts['customer']:,} "
            f"customers) in {r.seconds:.1f} s"
        )
        r.source = source
        seeded[n] = r
    return tables(run_progress(url, repeats=args.repeats, source=source))


def run(args: argparse.Namespace) -> dict[str, str]:
    """Run the parts asked for and return their Markdown reports.

    Parameters
    ----------
    args : argparse.Namespace
        As returned by ``parse_args``.

    Returns
    -------
    dict[str, str]
        Part name (``seed``, ``progress``, ``grids``, ``segments``, ``visits``, ``route``,
        ``load``) to its report: a one-line header naming the machine and date, then the part's
        tables.
    """
    args.out.mkdir(parents=True, exist_ok=True)
    reports: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="gm_bench_") as tmp:
        db_dir = args.out if args.keep_db else Path(tmp)
        seeded: dict = {}
        if "seed" in args.only:
            table, seeded = _seed_part(args, db_dir)
            reports["seed"] = _header() + table
        if "progress" in args.only:
            reports["progress"] = _header() + _progress_part(args, db_dir, seeded)
        if "grids" in args.only:
            reports["grids"] = _header() + _grids_part(args, db_dir, seeded)
        if "segments" in args.only:
            reports["segments"] = _header() + _segments_part(args, db_dir, seeded)
        if "visits" in args.only:
            reports["visits"] = _header() + _visits_part(args, db_dir, seeded)
        if "route" in args.only:
            reports["route"] = _header() + _route_part(args)
        if "load" in args.only:
            reports["load"] = _header() + _load_part(args, db_dir)
    return reports


def write_results(out: Path, reports: dict[str, str]) -> str:
    """Write ``<out>/results-<part>.md`` for each part run, and ``<out>/results.md`` from the
    latest file of every part; return what this run printed.

    Parameters
    ----------
    out : Path
        The output directory.
    reports : dict[str, str]
        Part name to report, as returned by ``run``.

    Returns
    -------
    str
        The reports of this run, joined by a blank line.
    """
    legacy = out / "results.md"  # written before the parts had files of their own
    if (
        not (out / "results-seed.md").exists()
        and legacy.exists()
        and "| measure |" in (text := legacy.read_text(encoding="utf-8"))
        and "### Grid maps" not in text
    ):
        (out / "results-seed.md").write_text(text, encoding="utf-8")
    for part, text in reports.items():
        (out / f"results-{part}.md").write_text(text, encoding="utf-8")
    latest = [(out / f"results-{part}.md") for part in PARTS]
    combined = "\n".join(f.read_text(encoding="utf-8") for f in latest if f.exists())
    (out / "results.md").write_text(combined, encoding="utf-8")
    return "\n".join(reports.values())


def main(argv: list[str] | None = None) -> int:
    """Entry point: run, print the table to stdout, write ``<out>/results.md``.

    Parameters
    ----------
    argv : list[str] or None
        Arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        Exit status.
    """
    args = parse_args(argv)
    t0 = time.perf_counter()
    report = write_results(args.out, run(args))
    print(report, end="", flush=True)
    log(f"done in {time.perf_counter() - t0:.0f} s; table written to {args.out / 'results.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
