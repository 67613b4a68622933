"""The bank files the load benchmark reads (:mod:`benchmarks.bank_load`), made once and kept
between runs: the demo county as a bank's export folder, a nightly batch made from it, and
its customers file with 1 % of the rows made bad."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from benchmarks.log import ROOT, log

SEED = 20261123
AS_OF = date(2026, 11, 23)
BATCH = date(2026, 11, 24)  # the nightly batch: the day after the data's as-of date
CUSTOMER_FILE = "customers.txt"
GB = "gb18030"
CHECK_FILES = (  # what the customers file refers to: it is checked against these
    "bank.csv",
    "territory.geojson",
    "township_areas.geojson",
    "villages.csv",
    "branches.xlsx",
    "staff.txt",
)


def files_root() -> Path:
    """Where generated bank files are kept between runs."""
    return Path(os.environ.get("GM_BENCH_FILES") or Path(tempfile.gettempdir()) / "gm_bank_files")


def _complete(folder: Path) -> bool:
    return (folder / ".complete").exists()


def demo_files(n: int) -> Path:
    """The demo county with ``n`` individual customers as a bank's files (made once)."""
    folder = files_root() / f"{n}_{SEED}_{AS_OF:%Y%m%d}"
    if _complete(folder):
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    log(f"writing the demo county's bank files for {n:,} individuals into {folder}")
    t0 = time.perf_counter()
    subprocess.run(
        [
            *(sys.executable, "-m", "core", "demo-files", str(folder)),
            *("--customers", str(n), "--seed", str(SEED), "--as-of", AS_OF.isoformat()),
        ],
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    (folder / ".complete").write_text(f"{time.perf_counter() - t0:.0f} s\n", encoding="utf-8")
    return folder


def nightly_inbox(base: Path) -> Path:
    """An inbox with one batch (``BATCH``) made from ``base`` (made once)."""
    from core.demo.bank_batch import write_nightly_batch

    inbox = base.with_name(base.name + "_inbox")
    if _complete(inbox):
        return inbox
    shutil.rmtree(inbox, ignore_errors=True)
    inbox.mkdir(parents=True)
    log(f"writing the nightly batch {BATCH:%Y%m%d} (1 % changed, 0.1 % new) into {inbox}")
    write_nightly_batch(inbox, base, BATCH, changed_share=0.01, new_share=0.001, seed=SEED)
    (inbox / ".complete").write_text("done\n", encoding="utf-8")
    return inbox


def plant_faults(lines: list[str], rng: random.Random) -> str:
    """One fault in a customers row (``lines``: its cells, the demo's core-system
    headers, see ``core.demo.bank_files.CUSTOMER_HEADERS``); returns which. The row before
    gives its number for a duplicate."""
    kinds = ("id_check_digit", "mobile", "opened_on", "kind", "credit_line", "duplicate")
    kind = kinds[rng.randrange(len(kinds))]
    if kind == "id_check_digit" and lines[1] != "个人":
        kind = "mobile"
    if kind == "id_check_digit":
        last = lines[3][-1]
        lines[3] = lines[3][:-1] + ("1" if last != "1" else "2")
    elif kind == "mobile":
        lines[4] = "1380013"
    elif kind == "opened_on":
        lines[10] = "20260230"
    elif kind == "kind":
        lines[1] = "外星人"
    elif kind == "credit_line":
        lines[16] = "一百万"
    return kind


def check_folder(base: Path) -> tuple[Path, list[int]]:
    """A folder with ``base``'s customers file, 1 % of its rows made bad (one fault each,
    never two bad rows in a row), and the files it refers to; and the planted rows' line
    numbers (made once)."""
    folder = base.with_name(base.name + "_bad")
    planted_file = folder / ".planted.json"
    if _complete(folder):
        return folder, json.loads(planted_file.read_text(encoding="utf-8"))
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for name in CHECK_FILES:
        shutil.copy(base / name, folder / name)
    rng = random.Random(SEED)
    planted: list[int] = []
    kinds: dict[str, int] = {}
    with (
        open(base / CUSTOMER_FILE, encoding=GB, newline="") as src,
        open(folder / CUSTOMER_FILE, "w", encoding=GB, newline="") as out,
    ):
        previous, offset = None, 0
        for number, line in enumerate(src, start=1):  # line 1: the header
            body = line.rstrip("\r\n")
            if (number - 2) % 100 == 0:  # one bad row in every hundred
                offset = rng.randrange(100)
            bad = number > 2 and (number - 2) % 100 == offset
            if bad and planted[-1:] != [number - 1]:
                cells = body.split("|")
                kind = plant_faults(cells, rng)
                if kind == "duplicate":
                    cells[0] = previous
                kinds[kind] = kinds.get(kind, 0) + 1
                planted.append(number)
                body = "|".join(cells)
            previous = body.split("|", 1)[0]
            out.write(body + "\n")
    planted_file.write_text(json.dumps(planted), encoding="utf-8")
    (folder / ".kinds.json").write_text(json.dumps(kinds), encoding="utf-8")
    (folder / ".complete").write_text("done\n", encoding="utf-8")
    return folder, planted
