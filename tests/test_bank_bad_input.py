"""Bad input gets a clear message, and nothing is written half-way (issue 12): each case runs
``python -m core load`` on real files written here, against the second county
(tests/second_county.py) loaded once per backend.

A refused file or row: exit code 1, no table but ``load_run`` changes, and the message printed
names the file, and the row and the column where there is one, in Chinese. Accepted oddities
(Excel serial dates, amounts with thousands separators / 万 / full-width digits, stray spaces)
load and are stored as meant. ``--max-bad-rows`` quarantines and lists; ``--report`` writes
the list as Excel; ``--dry-run`` writes only its ``load_run``. An error the loader does not
expect still ends in a message, never a traceback.
"""

from __future__ import annotations

import io
import json
import random
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest

from core.bank_data.profiles import save_profile
from core.bank_data.runs import run_problems
from core.db import make_engine
from core.models import Customer
from core.permissions import SYSTEM
from tests.bank_runs import (
    AS_OF,
    BACKENDS,
    checksum,
    cli,
    copy_of,
    counts,
    customer_lines,
    data_counts,
    empty,
    load_county,
    rows,
    write_csv,
)
from tests.second_county import write_county

PROFILE = "某农商行"  # maps the bank's 客户姓名 to our 客户名称


@pytest.fixture(scope="module")
def county(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("qingshi")
    write_county(folder)
    return folder


@pytest.fixture(scope="module", params=BACKENDS)
def loaded(request, empty_database_factory, county) -> str:
    """The URL of a database holding the county (loaded once per backend and module). The
    refused cases run on it directly: they must leave it as it was."""
    url = empty(empty_database_factory, request.param)
    load_county(url, county)
    return url


@pytest.fixture
def fresh(loaded, empty_database_factory) -> str:
    """A copy of the loaded county of this test's own (for the cases that write)."""
    return copy_of(loaded, empty_database_factory)


def load(capsys, url: str, folder: Path, *extra) -> tuple[int, str, str]:
    return cli(capsys, "load", folder, "--database-url", url, "--as-of", AS_OF.isoformat(), *extra)


def last_run(url: str):
    return rows(url, "SELECT id, status, counts, quarantined FROM load_run ORDER BY id DESC")[0]


# ---- the refused cases ---------------------------------------------------------------------


def _head(county: Path, n: int = 5) -> list[str]:
    return customer_lines(county)[: n + 1]


def _text(lines: list[str]) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


def _with(county: Path, row: int, **cells: str) -> bytes:
    """The first customers with cells of data row ``row`` (1 = the first) changed, by their
    position (``c3="..."``: the fourth column)."""
    lines = _head(county)
    values = lines[row].split(",")
    for column, value in cells.items():
        values[int(column[1:])] = value
    lines[row] = ",".join(values)
    return _text(lines)


def _random_bytes(county: Path) -> bytes:
    return random.Random(12).randbytes(4000)


def _high_bytes(county: Path) -> bytes:
    """No NUL, no valid UTF-8, no valid GB18030 (a lone 0xFF is none of them)."""
    rng = random.Random(13)
    return bytes(rng.choice([0xFF, 0x80, *range(0x81, 0xFF)]) for _ in range(4000)) + b"\xff"


def _staff_headers(county: Path) -> bytes:
    staff = (county / "staff.txt").read_bytes().decode("gb18030").replace("|", ",")
    return staff.encode("utf-8")


def _without(county: Path, header: str) -> bytes:
    lines = _head(county)
    drop = lines[0].split(",").index(header)
    return _text(
        [",".join(c for i, c in enumerate(line.split(",")) if i != drop) for line in lines]
    )


def _mapped_twice(county: Path) -> bytes:
    lines = _head(county)
    return _text([lines[0] + ",客户姓名"] + [line + ",张三" for line in lines[1:]])


def _truncated(county: Path) -> bytes:
    data = _text(_head(county))
    return data[:-30]  # the last line cut in the middle of a row, no line end


def _excel_workbook(county: Path) -> bytes:
    lines = _head(county, 3)
    wb = openpyxl.Workbook()
    ws = wb.active
    for line in lines:
        ws.append(line.split(","))
    ws.cell(row=3, column=4).value = 1.2345e17  # what Excel makes of an ID number typed in
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _swapped(county: Path) -> bytes:
    cells = _head(county)[2].split(",")
    return _with(county, 2, c7=cells[8], c8=cells[7])


def _formula_workbook(county: Path) -> bytes:
    """The first customers as a workbook with a formula for one mobile number (sheet row 3)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    for line in _head(county, 3):
        ws.append(line.split(","))
    ws.cell(row=3, column=5).value = "=13800000000+1"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _duplicate(county: Path) -> bytes:
    lines = _head(county)
    return _text([*lines, lines[2]])


@dataclass(frozen=True)
class Refused:
    """A bad file: its name and content (from the county's folder), the problem expected
    first (key, file, row, column) and the command's extra arguments."""

    name: str
    content: Callable[[Path], bytes]
    key: str
    row: int | None = None
    column: str | None = None
    args: tuple = ()
    also: tuple = ()  # other problem keys expected

    @property
    def file(self) -> str:
        return self.name


REFUSED = {
    "utf16": Refused(
        "customers.csv", lambda c: "\n".join(_head(c)).encode("utf-16"), "load.read.encoding"
    ),
    "random_bytes": Refused("customers.csv", _random_bytes, "load.read.encoding"),
    "random_high_bytes": Refused("customers.csv", _high_bytes, "load.read.encoding"),
    "wrong_kind": Refused("customers.csv", _staff_headers, "load.read.wrong_kind", row=1),
    "missing_headers": Refused(
        "customers.csv", lambda c: _without(c, "客户号"), "load.read.missing", 1, "客户号"
    ),
    "mapped_twice": Refused(
        "customers.csv",
        _mapped_twice,
        "load.read.mapped_twice",
        1,
        "客户姓名",
        args=("--profile", PROFILE),
    ),
    "empty": Refused("customers.csv", lambda c: b"", "load.read.empty"),
    "header_only": Refused(
        "customers.csv", lambda c: _text(_head(c, 0)), "load.read.no_rows", row=1
    ),
    "truncated": Refused("customers.csv", _truncated, "load.read.truncated", row=6),
    "id_excel_xlsx": Refused(
        "customers.xlsx", _excel_workbook, "load.check.id_excel", 3, "证件号码"
    ),
    "formula": Refused("customers.xlsx", _formula_workbook, "load.read.formula", 3, "手机号码"),
    "id_excel_csv": Refused(
        "customers.csv",
        lambda c: _with(c, 2, c3="3.60999E+17"),
        "load.check.id_excel",
        3,
        "证件号码",
    ),
    "duplicate_customer": Refused(
        "customers.csv",
        _duplicate,
        "load.check.duplicate",
        7,
        "客户号",
        also=("load.check.duplicate",),
    ),
    "outside_china": Refused(
        "customers.csv",
        lambda c: _with(c, 2, c7="2.35", c8="48.85"),
        "load.check.outside_china",
        3,
        "经度",
    ),
    "swapped_lon_lat": Refused("customers.csv", _swapped, "load.check.swapped", 3, "经度"),
}


def refused_folder(case: Refused, county: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / case.name).write_bytes(case.content(county))
    return folder


@pytest.mark.parametrize("name", list(REFUSED))
def test_a_bad_file_is_refused_with_its_place_named_and_nothing_written(
    name, loaded, county, tmp_path, capsys
):
    case = REFUSED[name]
    if case.args[:1] == ("--profile",):
        engine = make_engine(loaded)
        save_profile(engine, SYSTEM, PROFILE, {"customers": {"客户姓名": "name"}})
        engine.dispose()
    folder = refused_folder(case, county, tmp_path / name)
    before, customers = counts(loaded), checksum(loaded)
    code, out, err = load(capsys, loaded, folder, *case.args)
    assert code == 1, out + err
    assert "Traceback" not in out + err
    after = counts(loaded)
    assert after["load_run"] == before["load_run"] + 1
    assert {t: n for t, n in after.items() if t != "load_run"} == {
        t: n for t, n in before.items() if t != "load_run"
    }
    assert checksum(loaded) == customers
    assert "未加载,数据库未改动" in out
    run = last_run(loaded)
    assert run.status == "failed"
    engine = make_engine(loaded)
    problems = run_problems(engine, run.id)
    engine.dispose()
    first = next(p for p in problems if p.key == case.key)
    assert (first.file, first.row, first.field) == (case.file, case.row, case.column)
    said = first.text("zh")
    assert said in err  # printed, in Chinese, with its place
    assert said.startswith(f"文件 {case.file}")
    if case.row is not None:
        assert f"第{case.row}行" in said
    if case.column is not None:
        assert f"[{case.column}]" in said
    for key in case.also:
        assert key in {p.key for p in problems}


# ---- oddities that load ----------------------------------------------------------------------


def _run_counts(url: str) -> dict:
    return json.loads(last_run(url).counts)


def test_excel_serial_dates_are_read_as_days(fresh, county, tmp_path, capsys):
    lines = _head(county, 2)
    cells = lines[1].split(",")
    cust_no, cells[9] = cells[0], "45352"  # Excel's number for 2024-03-01
    lines[1] = ",".join(cells)
    folder = tmp_path / "serial"
    write_csv(folder / "customers.csv", lines)
    code, out, err = load(capsys, fresh, folder, "--delta")
    assert code == 0, out + err
    (opened,) = rows(fresh, "SELECT opened_on FROM customer WHERE cust_no = :c", c=cust_no)[0]
    assert str(opened)[:10] == "2024-03-01"
    assert _run_counts(fresh)["customers"]["updated"] == 1


def test_amounts_with_separators_wan_and_full_width_digits_are_stored_in_yuan(
    fresh, county, tmp_path, capsys
):
    numbers = [line.split(",")[0] for line in _head(county, 3)[1:]]
    holdings = [
        "客户号,产品类别,余额(元),到期日",
        f'{numbers[0]},活期存款,"1,234.50",',
        f"{numbers[0]},定期存款,12.5万,2027-01-09",
        f"{numbers[1]},活期存款,１２３４．５,",
        f"{numbers[2]},理财,￥2,",
        f'{numbers[2]},贷款,"3,000,000.00",２０２７－０６－３０',
    ]
    folder = tmp_path / "amounts"
    write_csv(folder / "holdings.csv", holdings)
    code, out, err = load(capsys, fresh, folder)
    assert code == 0, out + err
    stored = rows(
        fresh,
        "SELECT c.cust_no, h.product, h.balance, h.matures_on FROM holding h "
        "JOIN customer c ON c.id = h.customer_id WHERE c.cust_no IN (:a, :b, :c) "
        "ORDER BY c.cust_no, h.product",
        a=numbers[0],
        b=numbers[1],
        c=numbers[2],
    )
    got = {(r.cust_no, r.product): (r.balance, str(r.matures_on or "")[:10]) for r in stored}
    assert got == {
        (numbers[0], "current_deposit"): (1234.5, ""),
        (numbers[0], "time_deposit"): (125000.0, "2027-01-09"),
        (numbers[1], "current_deposit"): (1234.5, ""),
        (numbers[2], "wealth"): (2.0, ""),
        (numbers[2], "loan"): (3_000_000.0, "2027-06-30"),
    }


def test_full_width_digits_and_stray_spaces_change_nothing(fresh, county, tmp_path, capsys):
    lines = _head(county, 3)
    padded = [" " + c + "  " for c in lines[0].split(",")]  # in the headers too
    first = ["\u3000" + c + "\t" for c in lines[1].split(",")]
    second = lines[2].split(",")
    second[4] = second[4].translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    second[0] = f"  {second[0]} "
    folder = tmp_path / "spaces"
    write_csv(folder / "customers.csv", [",".join(padded), ",".join(first), ",".join(second)])
    data = ", ".join(c.name for c in Customer.__table__.columns if c.name != "source_hash")
    before = checksum(fresh, columns=data)
    hashes = rows(fresh, "SELECT source_hash FROM customer ORDER BY id")
    code, out, err = load(capsys, fresh, folder, "--delta")
    assert code == 0, out + err
    assert "问题" not in err
    done = _run_counts(fresh)["customers"]
    assert (done["read"], done["bad"], done["updated"], done["unchanged"]) == (2, 0, 0, 2)
    assert checksum(fresh, columns=data) == before
    # the first row reads as before (cells are stripped): left out as unchanged; the
    # second's full-width digits are other text for the same values: only its hash is new
    renewed = rows(fresh, "SELECT source_hash FROM customer ORDER BY id")
    assert sum(a != b for a, b in zip(hashes, renewed, strict=True)) == 1


# ---- quarantine, report, dry run ----------------------------------------------------------


def _bad_check_digit(county: Path, folder: Path, line: int = 3) -> tuple[Path, str]:
    """The whole county with one ID number's check digit wrong (on ``line``)."""
    shutil.copytree(county, folder)
    lines = customer_lines(folder)
    cells = lines[line - 1].split(",")
    cells[3] = cells[3][:-1] + ("0" if cells[3][-1] != "0" else "1")
    lines[line - 1] = ",".join(cells)
    write_csv(folder / "customers.csv", lines, "utf-8-sig")
    return folder, cells[0]


def test_max_bad_rows_quarantines_lists_and_reports_the_bad_row(fresh, county, tmp_path, capsys):
    folder, bad_customer = _bad_check_digit(county, tmp_path / "q", line=4)
    report = tmp_path / "问题清单.xlsx"
    code, out, err = load(capsys, fresh, folder, "--max-bad-rows", "5", "--report", report)
    assert code == 0, out + err
    assert "已加载" in out and "隔离 / quarantined 1" in out
    assert "文件 customers.csv 第4行 [证件号码]:" in err
    run = last_run(fresh)
    assert run.status == "done" and run.quarantined == 1
    sheet = openpyxl.load_workbook(report).worksheets[0]
    listed = [r for r in sheet.iter_rows(min_row=3, values_only=True) if r[0] == "customers.csv"]
    assert [(r[1], r[2]) for r in listed] == [(4, "证件号码")]
    assert "校验" in listed[0][4]
    # the quarantined customer was kept as it was: not closed, although the full file's good
    # rows lack it
    status = rows(fresh, "SELECT status FROM customer WHERE cust_no = :c", c=bad_customer)
    assert status[0].status != "closed"
    assert json.loads(run.counts)["customers"]["closed"] == 0


def test_a_refused_line_under_max_bad_rows_closes_no_one(fresh, county, tmp_path, capsys):
    folder = tmp_path / "cut"
    shutil.copytree(county, folder)
    lines = customer_lines(folder)
    cells = lines[5].split(",")
    lines[5] = ",".join(cells[:7])  # a line with too few fields: refused, its customer unknown
    write_csv(folder / "customers.csv", lines, "utf-8-sig")
    before = rows(fresh, "SELECT COUNT(*) FROM customer WHERE status = 'closed'")[0][0]
    code, out, err = load(capsys, fresh, folder, "--max-bad-rows", "5")
    assert code == 0, out + err
    assert "文件 customers.csv 第6行:" in err
    assert rows(fresh, "SELECT COUNT(*) FROM customer WHERE status = 'closed'")[0][0] == before


def test_a_quarantined_row_with_a_formula_is_not_written(fresh, county, tmp_path, capsys):
    folder = tmp_path / "formula"
    folder.mkdir()
    (folder / "customers.xlsx").write_bytes(_formula_workbook(county))
    before = checksum(fresh)
    code, out, err = load(capsys, fresh, folder, "--delta", "--max-bad-rows", "50")
    assert code == 0, out + err
    assert "文件 customers.xlsx 第3行 [手机号码]:" in err and "隔离 / quarantined 1" in out
    done = _run_counts(fresh)["customers"]
    assert (done["read"], done["bad"], done["updated"], done["unchanged"]) == (3, 1, 0, 2)
    assert checksum(fresh) == before  # not written with its mobile number left empty


def test_a_dry_run_writes_only_its_load_run(fresh, county, tmp_path, capsys):
    folder = tmp_path / "dry"
    shutil.copytree(county, folder)
    lines = customer_lines(folder)
    cells = lines[1].split(",")
    cells[4] = "13912345678"
    lines[1] = ",".join(cells)
    del lines[2]  # a customer gone: a real load would close them
    write_csv(folder / "customers.csv", lines, "utf-8-sig")
    before, customers, runs = data_counts(fresh), checksum(fresh), counts(fresh)["load_run"]
    code, out, err = load(capsys, fresh, folder, "--dry-run")
    assert code == 0, out + err
    assert "检查完成,未写入" in out
    assert data_counts(fresh) == before and checksum(fresh) == customers
    assert counts(fresh)["load_run"] == runs + 1
    assert last_run(fresh).status == "dry_run"


# ---- what the loader does not expect ------------------------------------------------------


def test_an_unreachable_database_gets_a_message_not_a_traceback(county, capsys):
    url = "postgresql+psycopg://gm@127.0.0.1:9/none?connect_timeout=2"
    code, out, err = cli(capsys, "load", county, "--database-url", url)
    assert code != 0
    assert "Traceback" not in out + err
    assert err.startswith("错误 / error:")


def test_an_unknown_coordinate_system_is_said_in_chinese(loaded, county, capsys):
    before = data_counts(loaded)
    code, out, err = load(capsys, loaded, county, "--crs", "BD09")
    assert code == 2
    assert "Traceback" not in out + err
    assert "坐标系" in err and "BD09" in err
    assert data_counts(loaded) == before
