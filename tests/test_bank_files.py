"""Templates, the field guide, the demo county written as a bank's files and its nightly
batches (core.bank_data.templates, core.demo.bank_files, core.demo.bank_batch)."""

import json
import re
from datetime import date

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from core.bank_data import spec
from core.bank_data.templates import (
    GUIDE_FILE,
    TEXT_TYPES,
    template_columns,
    template_headers,
    write_templates,
)
from core.cli import main
from core.demo.bank_batch import write_nightly_batch
from core.demo.bank_files import CUSTOMER_HEADERS, STAFF_HEADERS, write_demo_files
from core.demo.county_files import load_villages
from core.demo.seed import build_county
from geo.crs import gcj02_to_wgs84

AS_OF = date(2026, 3, 1)
SEED = 5
N = 800
TABLE_KINDS = [k for k in spec.KINDS if not k.polygons]
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def gb11643(number: str) -> bool:
    """The check of GB 11643-1999, written out again: birth date and ISO 7064 MOD 11-2."""
    if not re.fullmatch(r"\d{17}[\dX]", number):
        return False
    try:
        date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], WEIGHTS, strict=False))
    return "10X98765432"[total % 11] == number[17]


def read_text(path, encoding, sep):
    return pd.read_csv(path, sep=sep, encoding=encoding, dtype=str, keep_default_na=False)


def read_by_spec(stem: str, headers) -> list[str]:
    """The spec keys a file's headers are read as (template headers or aliases)."""
    names = {n: c.key for c in spec.BY_STEM[stem].columns for n in (c.header, *c.aliases)}
    return [names.get(h) for h in headers]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    directory = tmp_path_factory.mktemp("bank")
    rows = write_demo_files(directory, N, SEED, AS_OF)
    return directory, rows


@pytest.fixture(scope="module")
def county():
    return build_county(N, SEED, AS_OF)


# ---- templates and the field guide ---------------------------------------------------------


def test_templates_reopen_with_the_spec_headers_and_text_formats(tmp_path):
    written = write_templates(tmp_path)
    assert sorted(p.name for p in written) == sorted(
        [f"{k.stem}.xlsx" for k in TABLE_KINDS] + [GUIDE_FILE]
    )
    for kind in TABLE_KINDS:
        ws = load_workbook(tmp_path / f"{kind.stem}.xlsx").active
        assert ws.max_row == 1 and ws.freeze_panes == "A2"
        cells = list(ws[1])
        assert [c.value for c in cells] == template_headers(kind)
        columns = template_columns(kind)
        assert [c.required for c in columns] == sorted((c.required for c in columns), reverse=True)
        for cell, column in zip(cells, columns, strict=False):
            assert cell.font.b == column.required, (kind.stem, column.header)
            fmt = ws.column_dimensions[cell.column_letter].number_format
            assert (fmt == "@") == (column.type in TEXT_TYPES), (kind.stem, column.header)
            assert ws.column_dimensions[cell.column_letter].width >= 10
    customers = load_workbook(tmp_path / "customers.xlsx").active
    lists = {
        str(v.sqref).split(":")[0]: v.formula1 for v in customers.data_validations.dataValidation
    }
    assert "个体工商户" in lists["B2"]  # 客户类型 picks from the spec's choices


def test_the_field_guide_lists_every_column_of_every_kind(tmp_path):
    write_templates(tmp_path)
    wb = load_workbook(tmp_path / GUIDE_FILE)
    assert wb.sheetnames == ["字段说明", "文件说明"]
    fields = list(wb["字段说明"].iter_rows(values_only=True))
    assert fields[0] == ("文件", "中文名", "字段", "必填", "类型", "说明", "也认的表头")
    listed = {(r[0], r[2]): r for r in fields[1:]}
    wanted = {(k.stem, c.header): c for k in TABLE_KINDS for c in k.columns}
    assert set(listed) == set(wanted) and len(fields) - 1 == len(wanted)
    for key, column in wanted.items():
        row = listed[key]
        assert row[3] == ("是" if column.required else "否")
        assert row[4] and re.search(r"[\u4e00-\u9fff]", row[4]), key
        if column.note:
            assert column.note.rstrip("。") in row[5]
    assert listed[("customers", "证件号码")][4] == "18位身份证号"
    assert listed[("customers", "性别")][4] == "取值之一:男 / 女"
    assert "12.5万" in listed[("holdings", "余额(元)")][5]
    assert "2026-03-01" in listed[("customers", "开户日期")][5]
    files = list(wb["文件说明"].iter_rows(values_only=True))
    assert {r[0] for r in files[1:] if r and r[0]} >= {k.stem for k in spec.KINDS}
    text = " ".join(str(v) for r in files for v in r if v)
    for word in ("GeoJSON", "Shapefile", "KML", "GB18030", "BOM", ".flg", ".ok", "|"):
        assert word in text, word


# ---- the demo county as a bank's files -----------------------------------------------------


def test_every_file_is_written_with_its_rows(demo, county):
    directory, rows = demo
    names = [
        "bank.csv",
        "territory.geojson",
        "township_areas.geojson",
        "villages.csv",
        "branches.xlsx",
        "staff.txt",
        "customers.txt",
        "holdings.csv",
        "other_bank.csv",
        "balances.csv",
        "visits.csv",
    ]
    assert sorted(rows) == sorted(names)
    assert sorted(p.name for p in directory.iterdir()) == sorted(names)
    for name in names:
        assert spec.kind_of(name) is not None, name
    assert rows["customers.txt"] == len(county["customer"]) > N
    assert rows["holdings.csv"] == len(county["holding"])
    assert rows["balances.csv"] == len(county["balance_month"])
    assert rows["visits.csv"] == len(county["visit"])
    assert rows["staff.txt"] == len(county["manager"]) + len(county["branch"]) + 3
    territory = json.loads((directory / "territory.geojson").read_text(encoding="utf-8"))
    assert len(territory["features"]) == 1
    towns = json.loads((directory / "township_areas.geojson").read_text(encoding="utf-8"))
    assert {f["properties"]["乡镇街道代码"] for f in towns["features"]} == set(
        county["township"]["code"]
    )


def test_gb18030_files_are_not_utf8_and_their_headers_are_read_by_the_spec(demo):
    directory, rows = demo
    for name, headers, stem in (
        ("customers.txt", CUSTOMER_HEADERS, "customers"),
        ("staff.txt", STAFF_HEADERS, "staff"),
    ):
        raw = (directory / name).read_bytes()
        raw.decode("gb18030")
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")
        frame = read_text(directory / name, "gb18030", "|")
        assert tuple(frame.columns) == headers and len(frame) == rows[name]
        keys = read_by_spec(stem, headers)
        assert None not in keys, dict(zip(headers, keys, strict=False))
        assert len(set(keys)) == len(keys)
        kind = spec.BY_STEM[stem]
        missing = {c.key for c in kind.required} - set(keys)
        assert missing <= {"village_code"}  # customers name their village instead
    staff = read_text(directory / "staff.txt", "gb18030", "|")
    assert set(staff["岗位"]) == set(spec.POSTS) and set(staff["在职"]) == {"是"}
    assert (staff["所属机构"] == "").sum() == 1  # a head-office employee without a branch


def test_template_header_files(demo):
    directory, _ = demo
    for name, stem, encoding in (
        ("bank.csv", "bank", "utf-8"),
        ("villages.csv", "villages", "utf-8-sig"),
        ("holdings.csv", "holdings", "utf-8"),
        ("other_bank.csv", "other_bank", "utf-8"),
        ("balances.csv", "balances", "utf-8"),
        ("visits.csv", "visits", "utf-8"),
    ):
        raw = (directory / name).read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf") == (encoding == "utf-8-sig"), name
        frame = read_text(directory / name, encoding, ",")
        headers = template_headers(spec.BY_STEM[stem])
        assert list(frame.columns) == [h for h in headers if h in frame.columns], name
        assert {c.header for c in spec.BY_STEM[stem].required} <= set(frame.columns), name
        for column in spec.BY_STEM[stem].columns:
            if column.header not in frame.columns:
                continue
            values = frame[column.header][frame[column.header] != ""]
            if column.type == "amount":
                assert values.str.fullmatch(r"-?\d+\.\d\d").all(), (name, column.header)
            if column.type == "choice":
                assert set(values) <= set(column.choices), (name, column.header)
    balances = read_text(directory / "balances.csv", "utf-8", ",")
    assert balances["月份"].nunique() == 12 and balances["月份"].str.fullmatch(r"\d{4}-\d\d").all()


def test_customers_are_checkable(demo, county):
    directory, _ = demo
    c = read_text(directory / "customers.txt", "gb18030", "|")
    assert c["身份证号"].map(gb11643).all()
    assert not c["身份证号"].duplicated().any() and not c["客户号"].duplicated().any()
    assert c["联系电话"].str.fullmatch(r"1\d{10}").all()
    opened = c["开户日期"][c["开户日期"] != ""]
    assert opened.str.fullmatch(r"20\d{6}|19\d{6}").all()
    assert set(c["客户类型"]) == {"个人", "个体工商户", "企业"}
    individual = c["客户类型"] == "个人"
    odd = c.loc[individual, "身份证号"].str[16].astype(int) % 2 == 1
    assert (odd == (c.loc[individual, "性别"] == "男")).all()
    villages = load_villages()
    place = {(v.short_name, v.town_name) for v in villages}
    assert set(zip(c["所属村居"], c["所属乡镇"], strict=False)) <= place
    assert c["所属村居"].nunique() > 100
    managers = set(county["manager"]["code"])
    assert set(c["管户经理工号"]) <= managers
    # the other files name only customers of the customers file
    numbers = set(c["客户号"])
    for name in ("holdings.csv", "other_bank.csv", "balances.csv", "visits.csv"):
        assert set(read_text(directory / name, "utf-8", ",")["客户号"]) <= numbers, name


def test_branches_are_in_gcj02(demo, county):
    directory, _ = demo
    ws = load_workbook(directory / "branches.xlsx").active
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == [
        "机构号",
        "机构名称",
        "经度",
        "纬度",
        "乡镇街道代码",
        "城区网点",
        "坐标系",
    ]
    frame = pd.DataFrame(rows[1:], columns=rows[0])
    assert set(frame["坐标系"]) == {"GCJ02"}
    assert list(frame["机构号"]) == list(county["branch"]["code"])  # text: leading zeros kept
    lon, lat = gcj02_to_wgs84(frame["经度"].to_numpy(float), frame["纬度"].to_numpy(float))
    demo_lon, demo_lat = county["branch"]["lon"].to_numpy(), county["branch"]["lat"].to_numpy()
    assert np.abs(lon - demo_lon).max() < 2e-6 and np.abs(lat - demo_lat).max() < 2e-6
    assert np.abs(frame["经度"].to_numpy(float) - demo_lon).min() > 1e-3  # really shifted


def test_cli_writes_templates_and_demo_files(tmp_path, capsys):
    assert main(["template", str(tmp_path / "t")]) == 0
    out = capsys.readouterr().out
    assert "customers.xlsx" in out and GUIDE_FILE in out
    assert (tmp_path / "t" / GUIDE_FILE).exists()
    args = ["demo-files", str(tmp_path / "d"), "--customers", "200", "--seed", "3"]
    assert main([*args, "--as-of", "2026-03-01"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"customers\.txt: \d+", out) and "balances.csv" in out
    assert (tmp_path / "d" / "customers.txt").exists()


# ---- a nightly batch ---------------------------------------------------------------------


def test_a_nightly_batch(demo, tmp_path):
    directory, rows = demo
    inbox = tmp_path / "inbox"
    folder = write_nightly_batch(inbox, directory, date(2026, 3, 2), 0.05, 0.01, seed=1)
    assert folder == inbox / "20260302"
    marker = folder / "20260302.flg"
    files = sorted(p.name for p in folder.iterdir())
    assert files == ["20260302.flg", "customers.txt", "holdings.csv"]
    last = max((folder / n).stat().st_mtime_ns for n in ("customers.txt", "holdings.csv"))
    assert marker.stat().st_mtime_ns >= last
    n = rows["customers.txt"]
    changed, new = round(n * 0.05), round(n * 0.01)
    before = read_text(directory / "customers.txt", "gb18030", "|")
    after = read_text(folder / "customers.txt", "gb18030", "|")
    assert marker.read_text(encoding="utf-8") == (
        f"customers.txt|{n + new}\nholdings.csv|{len(read_text(folder / 'holdings.csv', 'utf-8', ','))}\n"
    )
    assert len(after) == n + new and list(after.columns) == list(before.columns)
    kept = after.iloc[:n]
    differs = (kept != before).any(axis=1)
    assert differs.sum() == changed
    assert (kept["联系电话"] != before["联系电话"]).sum() == changed // 2
    assert (kept["联系住址"] != before["联系住址"]).sum() == changed - changed // 2
    assert set((kept != before).any(axis=0).pipe(lambda s: s[s].index)) == {"联系电话", "联系住址"}
    fresh = after.iloc[n:]
    assert not set(fresh["客户号"]) & set(before["客户号"])
    assert fresh["身份证号"].map(gb11643).all()
    assert not after["身份证号"].duplicated().any()
    assert set(fresh["开户日期"]) == {"20260302"}
    holdings = read_text(folder / "holdings.csv", "utf-8", ",")
    assert set(holdings["客户号"]) <= set(kept.loc[differs, "客户号"]) | set(fresh["客户号"])
    assert set(fresh["客户号"]) <= set(holdings["客户号"])
    # the same date and seed give the same batch; a rewrite that fails leaves no marker
    again = write_nightly_batch(tmp_path / "again", directory, date(2026, 3, 2), 0.05, 0.01, 1)
    for name in files:
        assert (again / name).read_bytes() == (folder / name).read_bytes(), name
    with pytest.raises(FileNotFoundError):
        write_nightly_batch(inbox, directory, date(2026, 3, 2), holdings=tmp_path / "none.csv")
    assert not marker.exists()


def test_batches_chain(demo, tmp_path):
    directory, rows = demo
    first = write_nightly_batch(tmp_path, directory, date(2026, 3, 2))
    second = write_nightly_batch(
        tmp_path, first, date(2026, 3, 3), holdings=directory / "holdings.csv"
    )
    one = read_text(first / "customers.txt", "gb18030", "|")
    two = read_text(second / "customers.txt", "gb18030", "|")
    assert len(one) == rows["customers.txt"] + 1 and len(two) == len(one) + 1
    assert set(one["客户号"]) < set(two["客户号"])  # nobody of the first night goes missing
    assert (second / "20260303.flg").exists()
