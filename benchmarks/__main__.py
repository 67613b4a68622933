"""Seed and Overview benchmark: ``python -m benchmarks [--sizes N ...] [--out DIR]``.

What is measured
----------------
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

The table goes to stdout and to ``<out>/results.md``; progress goes to stderr. Databases
live in a temporary directory that is removed at the end, unless ``--keep-db`` puts them in
``<out>``. Expect about 1 minute for 230,000 + 1,000,000 on 2 cores (SQLite only). Single
runs vary by 30-50 % on a shared machine; compare magnitudes, or run it twice.
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

DEFAULT_SIZES = [230_000, 1_000_000]
DEFAULT_OUT = Path(__file__).resolve().parent / "out"


def log(text: str) -> None:
    """Print a progress line to stderr (stdout carries only the table)."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


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
        ``sizes``, ``out``, ``database_url``, ``keep_db``, ``repeats``.
    """
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n")[0])
    p.add_argument("--sizes", type=int, nargs="+", default=DEFAULT_SIZES,
                   help="individual customers per run (default: 230000 1000000)")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT,
                   help="directory for results.md (default: benchmarks/out)")
    p.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"),
                   help="PostgreSQL server to seed as well (default: $BENCH_DATABASE_URL)")
    p.add_argument("--keep-db", action="store_true",
                   help="write the SQLite files to --out and keep them")
    p.add_argument("--repeats", type=int, default=5, help="warm calls per scope (default: 5)")
    args = p.parse_args(argv)
    args.sizes = sorted(set(args.sizes))
    if min(args.sizes) < 100:
        p.error("sizes must be at least 100")
    return args


def run(args: argparse.Namespace) -> str:
    """Run every measurement and return the Markdown report.

    Parameters
    ----------
    args : argparse.Namespace
        As returned by ``parse_args``.

    Returns
    -------
    str
        The results table (plus a one-line header naming the machine and date).
    """
    from benchmarks.overview_timing import time_overview
    from benchmarks.report import build_rows, markdown_table
    from benchmarks.seeding import seed_postgres, seed_sqlite

    args.out.mkdir(parents=True, exist_ok=True)
    sqlite, postgres, overview = {}, {}, {}
    with tempfile.TemporaryDirectory(prefix="gm_bench_") as tmp:
        db_dir = args.out if args.keep_db else Path(tmp)
        for n in args.sizes:
            log(f"seeding SQLite with {n:,} individuals in {db_dir}")
            r = sqlite[n] = seed_sqlite(db_dir, n)
            log(f"  {r.counts['customer']:,} customers in {r.seconds:.1f} s "
                f"({_phases(r.phases)}), {r.size_mb:,.1f} MB")
            if n == args.sizes[-1]:
                log(f"timing the Overview on {n:,} (cold, warm x{args.repeats}, cached)")
                overview[n] = time_overview(r.url, args.repeats)
                for t in overview[n]:
                    log(f"  {t.scope}: cold {t.cold_ms:.1f} ms, warm {t.warm_ms:.1f} ms, "
                        f"cached {t.cached_ms:.2f} ms")
            if args.database_url:
                log(f"seeding PostgreSQL schema gm_bench_{n}")
                p = postgres[n] = seed_postgres(args.database_url, n)
                log(f"  {p.seconds:.1f} s ({_phases(p.phases)}), {p.size_mb:,.1f} MB")
    table = markdown_table(args.sizes, build_rows(args.sizes, sqlite, postgres, overview))
    cpus = os.cpu_count()
    header = (f"Benchmark of {datetime.now():%Y-%m-%d %H:%M}, {platform.python_implementation()} "
              f"{platform.python_version()}, {cpus} CPUs, seed 20261123, as of 2026-11-23.\n\n")
    return header + table


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
    report = run(args)
    (args.out / "results.md").write_text(report, encoding="utf-8")
    print(report, end="", flush=True)
    log(f"done in {time.perf_counter() - t0:.0f} s; table written to {args.out / 'results.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
