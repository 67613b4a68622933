"""What the loader's robustness tests share (tests/test_bank_bad_input.py,
tests/test_bank_nightly.py): the second county (tests/second_county.py) loaded once per
backend and copied per test, the command line run in-process or as a process, and what a
database holds (row counts, a checksum of a table).
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from datetime import date
from pathlib import Path

import pandas as pd
from sqlalchemy import text

from core.bank_data.load import LoadOptions, load_folder
from core.cli import main
from core.db import make_engine, table_counts, upgrade
from core.permissions import SYSTEM
from tests.helpers import copy_county

AS_OF = date(2026, 11, 30)
BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])
# what a load writes besides the bank's data, even one that changes nothing
BOOKKEEPING = frozenset({"load_run", "audit_log", "tagging_run", "actual_run"})


def empty(make_empty, backend: str) -> str:
    """The URL of a new database with the schema and nothing else (``make_empty``: the
    ``empty_database_factory`` fixture)."""
    url = make_empty(backend)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


def load_county(url: str, folder: Path) -> None:
    """Load the county's folder into the (upgraded, empty) database at ``url``."""
    engine = make_engine(url)
    try:
        result = load_folder(engine, folder, SYSTEM, LoadOptions(as_of=AS_OF))
        assert result.status == "done", [p.text("en") for p in result.problems]
    finally:
        engine.dispose()


def copy_of(template: str, make_empty) -> str:
    """A database of its own holding what the database at ``template`` holds now (SQLite:
    through the backup API, which also takes what its write-ahead log holds)."""
    if not template.startswith("sqlite"):
        url = make_empty("postgresql")
        copy_county(template, url)
        return url
    url = make_empty("sqlite")
    source = sqlite3.connect(template.split("///", 1)[1])
    target = sqlite3.connect(url.split("///", 1)[1])
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    return url


def cli(capsys, *args: str) -> tuple[int, str, str]:
    """``python -m core ARGS`` in this process: (exit code, stdout, stderr)."""
    capsys.readouterr()
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def process_env() -> dict[str, str]:
    return {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONWARNINGS": "ignore"}


def counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    try:
        return table_counts(engine)
    finally:
        engine.dispose()


def data_counts(url: str) -> dict[str, int]:
    """Row counts of the bank's data: every table but the loads' bookkeeping."""
    return {t: n for t, n in counts(url).items() if t not in BOOKKEEPING}


def checksum(url: str, table: str = "customer", columns: str = "*") -> str:
    """A digest of every row of ``table`` (by id)."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            frame = pd.read_sql(text(f'SELECT {columns} FROM "{table}" ORDER BY id'), conn)
    finally:
        engine.dispose()
    return hashlib.sha256(frame.to_csv(index=False).encode()).hexdigest()


def rows(url: str, sql: str, **params) -> list:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql), params).all()
    finally:
        engine.dispose()


def write_csv(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def customer_lines(folder: Path) -> list[str]:
    """The county's customers.csv as lines (the header first)."""
    return (folder / "customers.csv").read_text(encoding="utf-8-sig").splitlines()
