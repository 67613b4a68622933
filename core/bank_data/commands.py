"""What ``python -m core load`` and ``python -m core nightly`` print and return.

Exit codes: 0 loaded (or checked, with ``--dry-run``); 1 the load failed on its data (the
problems are printed in Chinese and English, and written to ``--report`` as Excel); 2 a
usage error (no such folder, unknown profile).
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from sqlalchemy import Engine

from core.bank_data.load import LoadOptions, LoadResult, load_folder
from core.bank_data.lock import LoadBusy
from core.bank_data.nightly import run_inbox
from core.bank_data.profiles import load_profile
from core.bank_data.values import crs_name
from core.db import upgrade
from core.permissions import SYSTEM
from core.problems import Problem, ProblemError

SHOWN = 30  # problems printed; the report holds them all


def _say(problem: Problem) -> str:
    return f"{problem.text('zh')} / {problem.text('en')}"


def run(engine: Engine, args, folder: Path, _upgrade: bool = True) -> int:
    if not folder.is_dir():
        print(f"错误 / error: {folder}: 不是文件夹 / not a folder", file=sys.stderr)
        return 2
    upgrade(engine)
    try:
        mapping = load_profile(engine, args.profile) if args.profile else {}
    except ProblemError as err:
        for p in err.problems:
            print(f"错误 / error: {_say(p)}", file=sys.stderr)
        return 2
    crs = crs_name(args.crs)
    if crs is None:  # --crs BD09: said before anything is read
        values = {"value": args.crs, "allowed": "WGS84、GCJ02、CGCS2000"}
        print(
            f"错误 / error: {_say(Problem('load.check.crs', values, field='--crs'))}",
            file=sys.stderr,
        )
        return 2
    options = LoadOptions(
        as_of=args.as_of or date.today(),
        crs=crs,
        mapping=mapping,
        max_bad_pct=args.max_bad_rows,
        dry_run=args.dry_run,
        full=not args.delta,
        recluster=True if args.recluster else None,
    )
    if args.command == "load":
        result = load_folder(engine, folder, SYSTEM, options, _printer())
        _summary(result, args.report)
        return 0 if result.ok else 1
    code = 0
    try:
        outcomes = run_inbox(engine, folder, SYSTEM, options, _printer())
    except LoadBusy:
        print(f"错误 / error: {_say(Problem('load.busy'))}", file=sys.stderr)
        return 1
    for outcome in outcomes:
        name = outcome.batch.name
        if outcome.state == "skipped":
            print(f"{name}: 已加载过,跳过 / loaded before, skipped")
        elif outcome.state == "waiting":
            print(f"{name}: 没有完成标志文件(.flg/.ok),等待 / no done-marker yet, waiting")
        else:
            print(f"{name}:")
            _summary(outcome.result, args.report)
            if not outcome.result.ok:
                code = 1
    return code


def _printer():
    def progress(step: str, fraction: float) -> None:
        print(f"[{fraction:4.0%}] {step}", flush=True)

    return progress


def _summary(result: LoadResult, report: str | None) -> None:
    for stem, c in result.counts.items():
        figures = "  ".join(f"{k}={v}" for k, v in c.items() if k != "file")
        print(f"  {stem}: {figures}")
    if result.grids_proposed:
        print(f"  首版网格(待审核) / first grids (to review): {result.grids_proposed}")
    for p in result.notes[:SHOWN]:
        print(f"  提示 / note: {_say(p)}")
    out = sys.stderr if result.problems else sys.stdout
    for p in result.problems[:SHOWN]:
        print(f"  问题 / problem: {_say(p)}", file=out)
    if len(result.problems) > SHOWN:
        print(f"  …… 共 {len(result.problems):,} 个问题 / problems in all", file=out)
    if report and (result.problems or result.notes):
        from core.bank_data.checks import report_xlsx

        Path(report).write_bytes(report_xlsx(result.problems + result.notes))
        print(f"  问题清单 / report: {report}")
    state = {
        "done": "已加载 / loaded",
        "dry_run": "检查完成,未写入 / checked, nothing written",
        "failed": "未加载,数据库未改动 / not loaded, nothing written",
    }[result.status]
    quarantined = f"; 隔离 / quarantined {result.quarantined:,}" if result.quarantined else ""
    run = "" if result.run_id is None else f" (load_run {result.run_id})"
    print(f"{state}{run}{quarantined}")
