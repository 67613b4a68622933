"""Every night, and when things go wrong (issue 12): ``python -m core nightly INBOX`` loads
each dated batch with its done-marker once, oldest first, waits for one without, and stops
at a bad one having written nothing for it; a load killed with ``kill -9`` half-way through
its write leaves the database as it was; two loads at once never interleave (the second
waits for the load lock, or gives up with a clear message); a ``--delta`` customers file
closes no one.

The county is tests/second_county.py, loaded once per backend and copied per test.
"""

from __future__ import annotations

import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from core.bank_data import lock
from core.db import make_engine
from core.demo.bank_files import write_demo_files
from tests.bank_runs import (
    AS_OF,
    BACKENDS,
    BOOKKEEPING,
    checksum,
    cli,
    copy_of,
    counts,
    customer_lines,
    data_counts,
    empty,
    load_county,
    process_env,
    rows,
    write_csv,
)
from tests.helpers import ROOT
from tests.second_county import write_county

BIG = 20_000  # individuals of the folder whose load is killed half-way: seconds of writing
WAITING = "等待另一次加载结束"
BUSY = "另一次数据加载正在进行,本次未写入;请稍后再试"


@pytest.fixture(scope="module")
def county(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("qingshi")
    write_county(folder)
    return folder


@pytest.fixture(scope="module", params=BACKENDS)
def loaded(request, empty_database_factory, county) -> str:
    """The URL of a database holding the county, loaded once per backend and module."""
    url = empty(empty_database_factory, request.param)
    load_county(url, county)
    return url


@pytest.fixture
def fresh(loaded, empty_database_factory) -> str:
    return copy_of(loaded, empty_database_factory)


def nightly(capsys, url: str, inbox: Path, *extra) -> tuple[int, str, str]:
    return cli(capsys, "nightly", inbox, "--database-url", url, *extra)


def batch(inbox: Path, county: Path, name: str, marker: str | None, **phones) -> Path:
    """``inbox/name/``: the county's files with some customers' mobile numbers changed
    (``QC0000001="139..."``; None drops the customer from the full file); ``marker``: the
    done-marker's path relative to the inbox (None: none yet)."""
    folder = inbox / name
    shutil.copytree(county, folder)
    lines = customer_lines(folder)
    kept = [lines[0]]
    for line in lines[1:]:
        cells = line.split(",")
        if cells[0] in phones:
            if phones[cells[0]] is None:
                continue
            cells[4] = phones[cells[0]]
        kept.append(",".join(cells))
    write_csv(folder / "customers.csv", kept, "utf-8-sig")
    if marker:
        (inbox / marker).write_text("customers.csv|300\n")
    return folder


def phone(url: str, cust_no: str) -> str:
    return rows(url, "SELECT phone FROM customer WHERE cust_no = :c", c=cust_no)[0][0]


def batch_runs(url: str) -> list:
    return rows(url, "SELECT id, batch, status, as_of FROM load_run ORDER BY id")


# ---- the nightly inbox ---------------------------------------------------------------------


def test_the_inbox_night_by_night(fresh, county, tmp_path, capsys):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    batch(inbox, county, "20261201", "20261201/20261201.flg", QC0000001="13911111111")
    batch(inbox, county, "20261202", "20261202.ok", QC0000001="13922222222", QC0000005=None)
    batch(inbox, county, "20261203", None, QC0000001="13933333333")
    runs = len(batch_runs(fresh))

    # the two ready batches load in order (a marker beside the folder counts), the third waits
    code, out, err = nightly(capsys, fresh, inbox)
    assert code == 0, out + err
    assert out.index("20261201:") < out.index("20261202:") < out.index("20261203:")
    assert out.count("已加载 / loaded") == 2
    assert "20261203: 没有完成标志文件(.flg/.ok),等待" in out
    done = batch_runs(fresh)[runs:]
    assert [(r.batch, r.status, str(r.as_of)[:10]) for r in done] == [
        ("20261201", "done", "2026-12-01"),
        ("20261202", "done", "2026-12-02"),
    ]
    assert phone(fresh, "QC0000001") == "13922222222"  # the later batch came last
    closed = rows(fresh, "SELECT status, closed_on FROM customer WHERE cust_no = 'QC0000005'")
    assert (closed[0].status, str(closed[0].closed_on)[:10]) == ("closed", "2026-12-02")

    # the next night: what was loaded is skipped and nothing changes, not even a load_run
    before, customers = counts(fresh), checksum(fresh)
    code, out, err = nightly(capsys, fresh, inbox)
    assert code == 0, out + err
    assert "20261201: 已加载过,跳过" in out and "20261202: 已加载过,跳过" in out
    assert "20261203: 没有完成标志文件" in out
    assert counts(fresh) == before and checksum(fresh) == customers

    # the third batch's marker comes, but its data is bad: it writes nothing and stops the
    # queue; the fourth, ready behind it, is not run
    lines = customer_lines(inbox / "20261203")
    write_csv(inbox / "20261203" / "customers.csv", [*lines, lines[3]], "utf-8-sig")
    (inbox / "20261203" / "20261203.flg").write_text("")
    batch(inbox, county, "20261204", "20261204.flg", QC0000001="13944444444")
    before = data_counts(fresh)
    code, out, err = nightly(capsys, fresh, inbox)
    assert code == 1
    assert "Traceback" not in out + err
    assert "未加载,数据库未改动" in out
    assert f"文件 customers.csv 第{len(lines) + 1}行 [客户号]:“QC0000003”与第4行重复" in err
    assert "20261204" not in out + err
    assert data_counts(fresh) == before and checksum(fresh) == customers
    assert phone(fresh, "QC0000001") == "13922222222"
    failed = batch_runs(fresh)[-1]
    assert (failed.batch, failed.status) == (None, "failed")  # so the next night retries it
    assert "20261204" not in {r.batch for r in batch_runs(fresh)}


def test_a_batch_without_its_done_marker_waits_and_loads_nothing(loaded, county, tmp_path, capsys):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    batch(inbox, county, "20261205", None, QC0000001="13955555555")
    (inbox / "20261205.txt").write_text("not a marker")
    before, customers = counts(loaded), checksum(loaded)
    code, out, err = nightly(capsys, loaded, inbox)
    assert code == 0, out + err
    assert "20261205: 没有完成标志文件(.flg/.ok),等待 / no done-marker yet, waiting" in out
    assert counts(loaded) == before and checksum(loaded) == customers


def test_a_delta_customers_file_closes_no_one(fresh, county, tmp_path, capsys):
    lines = customer_lines(county)[:3]
    cells = lines[1].split(",")
    cells[4] = "13966666666"
    lines[1] = ",".join(cells)
    folder = tmp_path / "delta"
    write_csv(folder / "customers.csv", lines, "utf-8-sig")
    open_before = rows(fresh, "SELECT COUNT(*) FROM customer WHERE status <> 'closed'")[0][0]
    code, out, err = cli(
        capsys, "load", folder, "--database-url", fresh, "--as-of", AS_OF, "--delta"
    )
    assert code == 0, out + err
    assert "updated=1" in out and "closed=0" in out
    assert (
        rows(fresh, "SELECT COUNT(*) FROM customer WHERE status <> 'closed'")[0][0] == open_before
    )
    assert phone(fresh, cells[0]) == "13966666666"


# ---- two loads at once ---------------------------------------------------------------------


class Running:
    """``python -m core ARGS`` running, its output lines read as they come."""

    def __init__(self, *args):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "core", *map(str, args)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=process_env(),
        )
        self.lines: list[str] = []
        self._queue: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self._queue.put(line)
        self._queue.put(None)

    def wait_for(self, text: str, timeout: float = 120) -> None:
        """Read lines until one holds ``text`` (fails when the process ends first)."""
        deadline = time.monotonic() + timeout
        while True:
            line = self._queue.get(timeout=max(0.1, deadline - time.monotonic()))
            assert line is not None, f"ended before {text!r}:\n" + "".join(self.lines)
            self.lines.append(line)
            if text in line:
                return

    def finish(self, timeout: float = 300) -> tuple[int, str]:
        code = self.proc.wait(timeout=timeout)
        while (line := self._queue.get(timeout=10)) is not None:
            self.lines.append(line)
        return code, "".join(self.lines)

    def kill(self) -> None:
        assert self.proc.poll() is None, "ended before it could be killed:\n" + "".join(self.lines)
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)


def test_two_loads_at_once_run_one_after_the_other(loaded, empty_database_factory, county):
    """On an empty database both loads would insert everything and propose the first grids:
    started together, one takes the load lock, the other waits for it to finish and then
    finds nothing to do."""
    backend = "sqlite" if loaded.startswith("sqlite") else "postgresql"
    url = empty(empty_database_factory, backend)
    args = ("load", county, "--database-url", url, "--as-of", AS_OF)
    both = [Running(*args), Running(*args)]
    (code1, out1), (code2, out2) = (running.finish() for running in both)
    assert (code1, code2) == (0, 0), out1 + out2
    assert (WAITING in out1) != (WAITING in out2), out1 + out2
    first, second = (out2, out1) if WAITING in out1 else (out1, out2)
    assert "customers: read=300  bad=0  inserted=300  updated=0" in first
    assert "customers: read=300  bad=0  inserted=0  updated=0  unchanged=300" in second
    assert "首版网格" in first and "首版网格" not in second
    # afterwards the database holds one complete load: the same as a load alone
    assert data_counts(url) == data_counts(loaded)
    assert checksum(url) == checksum(loaded)
    assert checksum(url, "grid", "id, code, level, branch_id") == checksum(
        loaded, "grid", "id, code, level, branch_id"
    )
    assert [r.status for r in batch_runs(url)] == ["done", "done"]


def test_a_load_that_waits_too_long_is_refused(loaded, county, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(lock, "WAIT_S", 0.5)
    engine = make_engine(loaded)
    taken, done = threading.Event(), threading.Event()

    def hold() -> None:  # another load, in another thread (the lock is per thread re-entrant)
        with lock.exclusive(engine):
            taken.set()
            done.wait(30)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert taken.wait(30)
        before = counts(loaded)
        code, out, err = cli(capsys, "load", county, "--database-url", loaded, "--as-of", AS_OF)
        assert code == 1
        assert WAITING in out and BUSY in err
        assert "未加载,数据库未改动" in out
        inbox = tmp_path / "inbox"
        inbox.mkdir()
        batch(inbox, county, "20261206", "20261206.flg")
        code, out, err = nightly(capsys, loaded, inbox)
        assert code == 1
        assert BUSY in err and "Traceback" not in out + err
        assert counts(loaded) == before  # not even a load_run
    finally:
        done.set()
        holder.join(30)
        engine.dispose()


# ---- a load killed half-way ----------------------------------------------------------------


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> Path:
    """The demo county as a bank's files, big enough for seconds of writing."""
    folder = tmp_path_factory.mktemp("big")
    write_demo_files(folder, BIG, 20261130, AS_OF)
    return folder


def in_the_middle_of_writing(url: str) -> None:
    """Wait until a load writing to ``url`` has written a good part of its transaction:
    SQLite's write-ahead log holds half a megabyte of it (PostgreSQL: half a second)."""
    if not url.startswith("sqlite"):
        time.sleep(0.5)
        return
    wal = Path(url.split("///", 1)[1] + "-wal")
    deadline = time.monotonic() + 60
    while not (wal.exists() and wal.stat().st_size > 500_000):
        assert time.monotonic() < deadline, "the load wrote nothing"
        time.sleep(0.02)


def test_a_load_killed_while_writing_leaves_the_database_as_it_was(fresh, big, county, capsys):
    before, customers = counts(fresh), checksum(fresh)
    grids = checksum(fresh, "grid")
    running = Running("load", big, "--database-url", fresh, "--as-of", AS_OF)
    running.wait_for("写入数据库 / writing")
    running.wait_for("写入客户 / customers")  # inside the write transaction
    in_the_middle_of_writing(fresh)
    running.kill()
    assert not any("完成" in line or "标签" in line for line in running.lines)
    assert counts(fresh) == before
    assert checksum(fresh) == customers and checksum(fresh, "grid") == grids
    # the lock went with the process: the next load runs at once, and loads
    code, out, err = cli(capsys, "load", county, "--database-url", fresh, "--as-of", AS_OF)
    assert code == 0, out + err
    assert WAITING not in out and "已加载 / loaded" in out
    assert data_counts(fresh) == {t: n for t, n in before.items() if t not in BOOKKEEPING}
