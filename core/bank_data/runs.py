"""The record of a load: one ``load_run`` row per load, check or nightly batch (files,
counts, timings, problems), written with the load; and reading the history back."""

from __future__ import annotations

import json
import time

import pandas as pd
from sqlalchemy import Engine, text

from core.models import LoadRun
from core.problems import Problem

REPORT_LIMIT = 20_000  # problems kept in a load_run's report


def report_json(problems: list[Problem]) -> str:
    return json.dumps(
        [
            {
                "key": p.key,
                "params": {k: str(v) for k, v in p.params.items()},
                "file": p.file,
                "row": p.row,
                "field": str(p.field) if p.field is not None else None,
            }
            for p in problems[:REPORT_LIMIT]
        ],
        ensure_ascii=False,
    )


def run_values(actor, options, started, t0, result) -> dict:
    return {
        "started_at": started,
        "seconds": round(time.perf_counter() - t0, 3),
        "user_id": getattr(actor, "user_id", None),
        "source": options.source[:200] or "upload",
        "batch": options.batch,
        "as_of": options.as_of,
        "status": result.status,
        "counts": json.dumps(result.counts, ensure_ascii=False, default=str),
        "timings": json.dumps({k: round(v, 3) for k, v in result.timings.items()}),
        "problems": len(result.problems),
        "quarantined": result.quarantined,
        "report": report_json(result.problems + result.notes),
    }


def insert_run(conn, actor, options, started, t0, result) -> int:
    values = run_values(actor, options, started, t0, result)
    if result.status != "done":
        values["batch"] = None  # only a batch that was loaded counts as done
    return conn.execute(
        LoadRun.__table__.insert().values(**values).returning(LoadRun.__table__.c.id)
    ).scalar_one()


def record_run(engine, actor, options, started, t0, result) -> int:
    with engine.begin() as conn:
        return insert_run(conn, actor, options, started, t0, result)


def finish_run(engine: Engine, result, t0: float) -> None:
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE load_run SET seconds = :s, timings = :t, counts = :c WHERE id = :i"),
            {
                "s": round(time.perf_counter() - t0, 3),
                "t": json.dumps({k: round(v, 3) for k, v in result.timings.items()}),
                "c": json.dumps(result.counts, ensure_ascii=False, default=str),
                "i": result.run_id,
            },
        )


def load_runs(engine: Engine, limit: int = 50) -> pd.DataFrame:
    """The latest loads, newest first: when, source, batch, as-of date, status, seconds,
    problems, quarantined rows and the counts per file (parsed)."""
    with engine.connect() as conn:
        df = pd.read_sql(
            text(
                "SELECT id, started_at, source, batch, as_of, status, seconds, problems, "
                "quarantined, counts FROM load_run ORDER BY id DESC LIMIT :n"
            ),
            conn,
            params={"n": int(limit)},
        )
    df["counts"] = [json.loads(c) for c in df["counts"]]
    return df


def run_problems(engine: Engine, run_id: int) -> list[Problem]:
    """The problems (and notes) a load recorded, as problems again (for the report)."""
    with engine.connect() as conn:
        report = conn.execute(
            text("SELECT report FROM load_run WHERE id = :i"), {"i": int(run_id)}
        ).scalar()
    return [
        Problem(r["key"], r["params"], file=r["file"], row=r["row"], field=r["field"])
        for r in json.loads(report or "[]")
    ]
