"""Checking a bank file's values (core.bank_data.checks): every type with its spellings, ID
numbers by GB 11643, duplicates, references, coordinates, villages by name, the report
workbook, and 200,000 generated rows."""

from __future__ import annotations

import io
from datetime import date

import numpy as np
import openpyxl
import pandas as pd
import pyarrow as pa
import pytest
import shapely

from core.bank_data.checks import Context, check_table, report_xlsx
from core.bank_data.spec import BY_STEM, Table
from core.problems import Problem
from geo.crs import wgs84_to_gcj02

AS_OF = date(2026, 6, 30)
AREA = shapely.box(106.9, 25.5, 107.6, 26.1)  # 平塘-sized service area
TOWNS = {"522727100": "平湖镇", "522727101": "通州镇", "522727200": "大塘镇"}
VILLAGES = pd.DataFrame(
    {
        "code": ["522727100201", "522727100202", "522727101201", "522727101202", "522727200201"],
        "name": ["新寨村", "大河坝村", "新寨村", "光明社区", "甲茶村"],
        "town_code": ["522727100", "522727100", "522727101", "522727101", "522727200"],
    }
)
VILLAGES["town_name"] = VILLAGES["town_code"].map(TOWNS)
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def make_id(birth: str = "19900101", seq: str = "123", region: str = "522727") -> str:
    """A valid ID number: GB 11643 check character computed here, on its own."""
    body = region + birth + seq
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, WEIGHTS, strict=True)) % 11]


def make_ids(n: int, rng) -> np.ndarray:
    """``n`` valid ID numbers, vectorised (checked against :func:`make_id` below)."""
    serial = rng.permutation(n)  # distinct numbers: a birth day and a sequence each
    birth = np.datetime64("1950-01-01") + (serial // 1000).astype("timedelta64[D]")
    body = np.char.add(
        np.char.add("522727", np.char.replace(birth.astype(str), "-", "")),
        np.char.zfill((serial % 1000).astype(str), 3),
    )
    digits = body.astype("S17").view(np.uint8).reshape(n, 17).astype(int) - 48
    check = np.array(list("10X98765432"))[(digits @ np.array(WEIGHTS)) % 11]
    return np.char.add(body, check).astype(object)


def context(**kw) -> Context:
    base = dict(
        as_of=AS_OF,
        bank_code="PT001",
        villages=VILLAGES,
        branches=frozenset({"B01", "B02"}),
        staff=frozenset({"S01", "S02"}),
        customers=frozenset({"C1", "C2", "C3"}),
        area=AREA,
    )
    return Context(**{**base, **kw})


def table(stem: str, columns: dict, headers: dict | None = None) -> Table:
    kind = BY_STEM[stem]
    n = len(next(iter(columns.values())))
    frame = pd.DataFrame({k: list(v) for k, v in columns.items()})
    named = {c.key: c.header for c in kind.columns if c.key in frame}
    return Table(kind, f"{stem}.csv", frame, np.arange(2, n + 2), {**named, **(headers or {})})


def customers(n: int = 1, **columns) -> Table:
    base = {
        "cust_no": [f"C{i + 1}" for i in range(n)],
        "kind": ["个人"] * n,
        "name": ["张三"] * n,
        "id_number": [make_id(seq=f"{i % 1000:03d}") for i in range(n)],
        "phone": ["13800138000"] * n,
        "address": ["平塘县新寨村"] * n,
        "village_code": ["522727100201"] * n,
        "lon": [""] * n,
        "lat": [""] * n,
        "opened_on": ["2020-01-01"] * n,
    }
    return table("customers", {**base, **{k: list(v) for k, v in columns.items()}})


def found(checked, notes: bool = False) -> list[tuple[int, str, str]]:
    """(row, key, field) of every problem (or note)."""
    return [(p.row, p.key, p.field) for p in (checked.notes if notes else checked.problems)]


def keys(checked, notes: bool = False) -> list[str]:
    return [p.key for p in (checked.notes if notes else checked.problems)]


# ---- ID numbers ------------------------------------------------------------------------


def test_the_id_generator_agrees_with_the_standards_examples():
    assert make_id("19491231", "002", "110105") == "11010519491231002X"
    ids = make_ids(500, np.random.default_rng(1))
    assert all(make_id(i[6:14], i[14:17]) == i for i in ids)


def test_valid_ids_pass_and_give_birth_day_and_gender():
    male, female = make_id("19850704", "031"), make_id("19920229", "042")
    checked = check_table(customers(2, id_number=[male, female.lower()]), context())
    assert checked.problems == [] and not checked.bad.any()
    frame = checked.frame
    assert frame["id_number"].tolist() == [male, female.upper()]
    assert frame["gender"].tolist() == ["M", "F"]
    assert frame["birth_date"].astype(str).tolist() == ["1985-07-04", "1992-02-29"]


def test_a_wrong_check_character_names_the_right_one():
    good = make_id("19900101", "123")
    wrong = good[:17] + ("5" if good[17] != "5" else "6")
    rows = customers(12, id_number=[make_id(seq=f"{i:03d}") for i in range(11)] + [wrong])
    checked = check_table(rows, context())
    assert checked.bad.tolist() == [False] * 11 + [True]
    assert checked.problems[0].text("zh") == (
        f"文件 customers.csv 第13行 [证件号码]:“{wrong}”校验位应为 {good[17]}"
    )
    assert "check character should be" in checked.problems[0].text("en")


def test_excel_numbers_instead_of_id_numbers():
    rows = customers(3, id_number=["5.22727E+17", "522727199001011000", "5.22727199001011E+17"])
    checked = check_table(rows, context())
    assert keys(checked) == ["load.check.id_excel"] * 3
    assert "Excel" in checked.problems[0].text("zh") and "文本" in checked.problems[0].text("zh")
    assert "export it as text" in checked.problems[0].text("en")


def test_bad_birth_days_forms_and_old_ids():
    future, ancient = make_id("20300101"), make_id("18990101")
    impossible = make_id("19900230")
    old = "522727900101123"
    rows = customers(5, id_number=[future, ancient, impossible, "52272719900101", old])
    checked = check_table(rows, context())
    assert keys(checked) == [
        "load.check.id_birth_range",
        "load.check.id_birth_range",
        "load.check.id_birth",
        "load.check.id_form",
    ]
    assert checked.problems[0].params["birth"] == "2030-01-01"
    assert keys(checked, notes=True) == ["load.check.id_old"]
    assert checked.frame.loc[4, "id_number"] == old and not checked.bad[4]
    assert checked.frame.loc[4, "birth_date"] == pd.Timestamp("1990-01-01")
    assert checked.frame.loc[4, "gender"] == "M"


def test_other_customers_certificates_are_codes():
    rows = customers(
        3,
        kind=["企业", "对公", "个体工商户"],
        id_number=["91520000MA6DL0X21K", "9152 00-1", "营业执照"],
    )
    checked = check_table(rows, context())
    assert found(checked) == [(4, "load.check.id_code", "证件号码")]
    assert checked.frame["kind"].tolist() == ["corporate", "corporate", "merchant"]
    assert checked.frame.loc[1, "id_number"] == "915200-1"
    assert pd.isna(checked.frame.loc[0, "gender"])


def test_an_id_held_twice_or_by_another_customer():
    a, b = make_id(seq="001"), make_id(seq="002")
    rows = customers(3, id_number=[a, a, b])
    checked = check_table(rows, context(id_owner={b: "C9", a: "C1"}))
    assert found(checked) == [
        (3, "load.check.duplicate", "证件号码"),
        (3, "load.check.id_taken", "证件号码"),  # C2 holds C1's number
        (4, "load.check.id_taken", "证件号码"),
    ]
    assert checked.problems[0].params["first"] == 2
    assert checked.problems[2].text("zh").endswith(f"证件号码“{b}”已属于客户 C9")


def test_gender_and_birth_day_given_against_the_id():
    rows = customers(2, id_number=[make_id("19850704", "031")] * 1 + [make_id("19850704", "042")])
    rows.frame["gender"] = ["女", ""]
    rows.frame["birth_date"] = ["1985-07-05", ""]
    checked = check_table(rows, context())
    assert keys(checked, notes=True) == ["load.check.gender_differs", "load.check.birth_differs"]
    assert checked.notes[0].text("zh").endswith("性别“女”与证件号码不符(证件号码为男)")
    assert "(male)" in checked.notes[0].text("en")
    assert checked.frame["gender"].tolist() == ["F", "F"]  # given wins; derived fills
    assert checked.frame["birth_date"].astype(str).tolist() == ["1985-07-05", "1985-07-04"]
    assert not checked.bad.any()


# ---- the other types -------------------------------------------------------------------


def test_mobile_numbers():
    phones = [
        "138 0013 8000",
        "138-0013-8000",
        "+86 13800138000",
        "８６１３８００１３８０００",
        "0851-1234567",
        "1380013800",
    ]
    checked = check_table(customers(6, phone=phones), context())
    assert checked.frame["phone"].tolist()[:4] == ["13800138000"] * 4
    assert found(checked) == [
        (6, "load.check.mobile", "手机号码"),
        (7, "load.check.mobile", "手机号码"),
    ]


DATES = {
    "2026-03-01": "2026-03-01",
    "2026/3/1": "2026-03-01",
    "2026.3.1": "2026-03-01",
    "20260301": "2026-03-01",
    "2026年3月1日": "2026-03-01",
    "2026-03-01 00:00:00": "2026-03-01",
    "45352": "2024-03-01",
    "45352.0": "2024-03-01",
    "２０２６－０３－０１": "2026-03-01",
}


def test_dates_in_every_spelling():
    checked = check_table(customers(len(DATES), opened_on=list(DATES)), context())
    assert checked.problems == []
    assert checked.frame["opened_on"].astype(str).tolist() == list(DATES.values())


@pytest.mark.parametrize(
    "value,key",
    [
        ("2026-02-30", "load.check.date_impossible"),
        ("2026-13-01", "load.check.date_impossible"),
        ("2026-07-01", "load.check.date_future"),
        ("1850-01-01", "load.check.date_range"),
        ("12345", "load.check.date"),
        ("3/1/2026", "load.check.date"),
        ("昨天", "load.check.date"),
    ],
)
def test_bad_dates(value, key):
    checked = check_table(customers(1, opened_on=[value]), context())
    assert found(checked) == [(2, key, "开户日期")]
    assert checked.problems[0].params["value"] == value
    assert pd.isna(checked.frame.loc[0, "opened_on"])


def test_a_maturity_may_lie_ahead():
    rows = table(
        "holdings",
        {
            "cust_no": ["C1"],
            "product": ["定期存款"],
            "balance": ["10000"],
            "matures_on": ["2027-01-01"],
        },
    )
    checked = check_table(rows, context())
    assert checked.problems == []
    assert checked.frame.loc[0, "matures_on"] == pd.Timestamp("2027-01-01")


def test_months():
    months = ["2026-03", "202603", "2026/3", "2026-03-01", "2026年3月", "2026-03-31", "46082"]
    rows = table(
        "balances",
        {
            "cust_no": ["C1"] * 7 + ["C2", "C3"],
            "month": [*months, "2026-13", "2026-07"],
            "deposit": ["1"] * 9,
            "loan": ["0"] * 9,
        },
    )
    checked = check_table(rows, context())
    assert checked.frame["month"].astype(str).tolist()[:7] == ["2026-03-01"] * 7
    assert [(p.row, p.key) for p in checked.problems] == [
        (3, "load.check.duplicate"),  # C1 2026-03 again (months spelt differently)
        (4, "load.check.duplicate"),
        (5, "load.check.duplicate"),
        (6, "load.check.duplicate"),
        (7, "load.check.duplicate"),
        (8, "load.check.duplicate"),
        (9, "load.check.date_impossible"),
        (10, "load.check.date_future"),
    ]
    assert {p.params.get("first") for p in checked.problems[:6]} == {2}


def test_datetimes():
    values = [
        "2026-03-01 09:30",
        "2026/3/1 9:30:15",
        "2026-03-01",
        "45352.5",
        "2026-03-01 24:10",
        "2026-06-30 23:59",
        "2026-07-01 00:00",
    ]
    n = len(values)
    rows = table(
        "visits",
        {
            "cust_no": ["C1"] * n,
            "staff_code": ["S01"] * n,
            "visited_at": values,
            "channel": ["上门"] * n,
            "outcome": ["建档"] * n,
        },
    )
    checked = check_table(rows, context())
    assert checked.frame["visited_at"].astype(str).tolist()[:4] == [
        "2026-03-01 09:30:00",
        "2026-03-01 09:30:15",
        "2026-03-01 00:00:00",
        "2024-03-01 12:00:00",
    ]
    assert [(p.row, p.key) for p in checked.problems] == [
        (6, "load.check.date_impossible"),
        (8, "load.check.date_future"),
    ]


AMOUNTS = {
    "1,234.50": 1234.5,
    "1 234": 1234.0,
    "12.5万": 125000.0,
    "12.5万元": 125000.0,
    "￥1,200": 1200.0,
    "¥1,200元": 1200.0,
    "１２３": 123.0,
    "１，２００．５": 1200.5,
    "0": 0.0,
}


def test_amounts_in_every_spelling():
    n = len(AMOUNTS)
    rows = table(
        "holdings",
        {
            "cust_no": ["C1"] * n,
            "product": ["理财"] * n,
            "balance": list(AMOUNTS),
            "matures_on": [""] * n,
        },
    )
    checked = check_table(rows, context())
    assert checked.problems == []
    assert checked.frame["balance"].tolist() == list(AMOUNTS.values())


def test_bad_amounts():
    values = ["(1,200)", "-1,200", "2e13", "十万", "1.2.3", ""]
    rows = table(
        "holdings",
        {"cust_no": ["C1"] * 6, "product": ["贷款"] * 6, "balance": values, "matures_on": [""] * 6},
    )
    checked = check_table(rows, context())
    assert [(p.row, p.key) for p in checked.problems] == [
        (2, "load.check.negative"),
        (3, "load.check.negative"),
        (4, "load.check.amount"),  # 2e13: no exponent spelling
        (5, "load.check.amount"),
        (6, "load.check.amount"),
        (7, "load.check.empty"),
    ]
    rows.frame.loc[2, "balance"] = "20,000,000,000,000"
    assert keys(check_table(rows, context()))[2] == "load.check.absurd"


def test_numbers_flags_choices_and_coordinate_systems():
    rows = table(
        "villages",
        {
            "code": ["522727100201", "522727100202", "522727101201", "52272710120"],
            "name": ["新寨村", "大河坝村", "新寨村", "光明社区"],
            "town_code": ["522727100", "522727100", "522727101", "522727101"],
            "town_name": ["平湖镇", "平湖镇", "通州镇", "通州镇"],
            "lon": ["107.1", " 107.2 ", "１０７.３", "107.4"],
            "lat": ["25.8", "25.8", "25.8", "25.8"],
            "households": ["1,200", "-3", "many", "10"],
            "crs": ["WGS-84", "gcj02", "国家2000", "BD09"],
        },
    )
    checked = check_table(rows, context())
    assert checked.frame["lon"].round(3).tolist()[0] == 107.1
    assert checked.frame["crs"].tolist()[:3] == ["WGS84", "GCJ02", "CGCS2000"]
    assert checked.frame["households"].tolist()[0] == 1200.0
    assert [(p.row, p.key) for p in checked.problems] == [
        (3, "load.check.negative"),
        (4, "load.check.number"),
        (5, "load.check.village"),
        (5, "load.check.crs"),
    ]
    assert "WGS84、GCJ02、CGCS2000" in checked.problems[-1].text("zh")
    # the GCJ-02 point was moved to WGS-84
    assert abs(checked.frame.loc[1, "lon"] - 107.2) > 1e-4


def test_flags_and_choices():
    rows = customers(
        4, is_migrant=["是", "N", "true", "也许"], status=["正常", "潜在", "dormant", "注销"]
    )
    checked = check_table(rows, context())
    assert checked.frame["is_migrant"].tolist()[:3] == [True, False, True]
    assert pd.isna(checked.frame["is_migrant"][3])
    assert checked.frame["status"].tolist()[:3] == ["active", "potential", "dormant"]
    assert found(checked) == [
        (5, "load.check.choice", "客户状态"),
        (5, "load.check.flag", "外出务工"),
    ]
    assert "正常、有效、休眠、睡眠、潜在" in checked.problems[0].text("zh")


def test_text_codes_and_empty_values():
    rows = customers(
        4, cust_no=["ＡＢ１２", "C-2_x", "C 3", ""], name=["张" * 101, "李四", "", "王五"]
    )
    checked = check_table(rows, context())
    assert checked.frame["cust_no"].tolist()[:2] == ["AB12", "C-2_x"]
    assert found(checked) == [
        (2, "load.check.too_long", "客户名称"),
        (4, "load.check.code", "客户号"),
        (4, "load.check.empty", "客户名称"),
        (5, "load.check.empty", "客户号"),
    ]
    assert checked.problems[0].params["value"] == "张" * 40


def test_headers_as_the_file_wrote_them():
    rows = customers(1, phone=["12"])
    rows.headers["phone"] = "联系电话"
    assert (
        check_table(rows, context()).problems[0].text("zh")
        == "文件 customers.csv 第2行 [联系电话]:“12”不是手机号(11位数字,以1开头)"
    )


# ---- keys and references ---------------------------------------------------------------


def test_duplicate_keys_name_the_first_row():
    rows = customers(5, cust_no=["C1", "C2", "C1", "C1", "C3"])
    checked = check_table(rows, context())
    assert [(p.row, p.params["first"]) for p in checked.problems] == [(4, 2), (5, 2)]
    assert checked.problems[0].text("zh").endswith("“C1”与第2行重复")
    assert checked.bad.tolist() == [False, False, True, True, False]


def test_unknown_references():
    visits = table(
        "visits",
        {
            "cust_no": ["C1", "C9"],
            "staff_code": ["S99", "S01"],
            "visited_at": ["2026-03-01 10:00"] * 2,
            "channel": ["电话"] * 2,
            "outcome": ["无"] * 2,
        },
    )
    assert found(check_table(visits, context())) == [
        (2, "load.check.unknown_staff", "工号"),
        (3, "load.check.unknown_customer", "客户号"),
    ]
    other = table(
        "other_bank",
        {"cust_no": ["C4"], "deposit": ["1万"], "loan": [""], "noted_on": ["2026-01-01"]},
    )
    assert keys(check_table(other, context())) == ["load.check.unknown_customer"]
    rows = customers(2, village_code=["522727100201", "522727999999"], core_manager=["S01", "S77"])
    checked = check_table(rows, context())
    assert found(checked) == [(3, "load.check.unknown_village", "村社区代码")]
    assert found(checked, notes=True) == [(3, "load.check.unknown_manager", "归属客户经理工号")]


def test_staff_branches_and_head_office():
    rows = table(
        "staff",
        {
            "code": ["S1", "S2", "S3", "S4", "S5"],
            "name": ["甲", "乙", "丙", "丁", "戊"],
            "branch_code": ["", "PT001", "B01", "", "B77"],
            "post": ["总行", "总行", "客户经理", "支行行长", "客户经理"],
            "phone": ["13800138000"] * 5,
            "active": ["是", "是", "是", "否", "是"],
        },
    )
    checked = check_table(rows, context())
    assert found(checked) == [
        (5, "load.check.branch_needed", "机构号"),
        (6, "load.check.unknown_branch", "机构号"),
    ]
    assert checked.frame["branch_code"].tolist()[:3] == [None, None, "B01"]
    assert checked.frame["post"].tolist()[:3] == ["hq", "hq", "manager"]
    assert checked.frame["active"].tolist()[3] is False or not checked.frame["active"][3]


def test_a_village_code_must_start_with_its_towns():
    rows = table(
        "villages",
        {
            "code": ["522727100201", "522727100202"],
            "name": ["新寨村", "大河坝村"],
            "town_code": ["522727100", "522727101"],
            "town_name": ["平湖镇"] * 2,
            "lon": [""] * 2,
            "lat": [""] * 2,
        },
    )
    assert found(check_table(rows, context())) == [(3, "load.check.town_mismatch", "乡镇街道代码")]


# ---- coordinates -----------------------------------------------------------------------


def points(stem: str, lon: list, lat: list, **extra) -> Table:
    n = len(lon)
    if stem == "branches":
        columns = {"code": [f"B{i}" for i in range(n)], "name": ["网点"] * n}
    else:
        return customers(n, lon=lon, lat=lat, **extra)
    return table(stem, {**columns, "lon": lon, "lat": lat, **extra})


def test_points_outside_china_swapped_or_half_given():
    checked = check_table(
        points("branches", ["107.3", "25.8", "2.35", "107.3"], ["25.8", "107.3", "48.85", ""]),
        context(),
    )
    assert found(checked) == [
        (3, "load.check.swapped", "经度"),
        (4, "load.check.outside_china", "经度"),
        (5, "load.check.empty", "纬度"),  # no second problem about the pair
    ]
    assert "经纬度写反了" in checked.problems[0].text("zh")
    assert (
        checked.problems[0]
        .text("zh")
        .startswith("文件 branches.csv 第3行 [经度]:坐标(25.8, 107.3)")
    )


def test_an_unreadable_coordinate_is_said_once():
    checked = check_table(points("customers", ["东经107", "107.3"], ["25.8", ""]), context())
    assert found(checked) == [
        (2, "load.check.coordinate", "经度"),
        (3, "load.check.coordinate_half", "纬度"),
    ]


def test_gcj02_points_declared_as_wgs84_get_the_hint():
    true_lon, true_lat = 107.32, 25.83
    small = shapely.box(true_lon - 0.002, true_lat - 0.002, true_lon + 0.002, true_lat + 0.002)
    glon, glat = wgs84_to_gcj02(true_lon, true_lat)
    lon, lat = [f"{glon:.6f}", "107.5"], [f"{glat:.6f}", "25.9"]
    branches = check_table(points("branches", lon, lat), context(area=small))
    assert keys(branches) == ["load.check.outside_area_crs", "load.check.outside_area"]
    text = branches.problems[0].text("zh")
    assert "看起来是 GCJ-02 坐标却声明为 WGS-84" in text
    # declared GCJ-02 (by the row or --crs), the same point is inside
    declared = check_table(points("branches", lon[:1], lat[:1], crs=["GCJ02"]), context(area=small))
    assert declared.problems == []
    assert abs(declared.frame.loc[0, "lon"] - true_lon) < 1e-6
    assert (
        check_table(
            points("branches", lon[:1], lat[:1]), context(area=small, crs="GCJ-02")
        ).problems
        == []
    )


def test_customers_outside_the_area_get_a_note_and_lose_the_point():
    rows = points("customers", ["107.3", "108.5"], ["25.8", "25.8"])
    checked = check_table(rows, context())
    assert checked.problems == [] and not checked.bad.any()
    assert keys(checked, notes=True) == ["load.check.point_outside"]
    assert checked.frame["lon"].isna().tolist() == [False, True]
    branches = check_table(points("branches", ["108.5"], ["25.8"]), context())
    assert keys(branches) == ["load.check.outside_area"]
    assert check_table(points("branches", ["108.5"], ["25.8"]), context(area=None)).problems == []


# ---- villages by name ------------------------------------------------------------------


def by_name(names: list, towns: list | None = None) -> Table:
    n = len(names)
    extra = {"village_name": names, "village_code": [""] * n}
    if towns is not None:
        extra["town_name"] = towns
    return customers(n, **extra)


def test_villages_by_exact_and_short_name():
    checked = check_table(
        by_name(["大河坝村", "光明", "新寨村", "甲茶村委会"], ["", "", "通州", "大塘镇"]), context()
    )
    assert checked.problems == [] and checked.notes == []
    assert checked.frame["village_code"].tolist() == [
        "522727100202",
        "522727101202",
        "522727101201",
        "522727200201",
    ]


def test_villages_by_similar_name_and_doubtful_ones():
    checked = check_table(
        by_name(["甲茶村民小组委员会", "新寨", "大河", "青山村"], ["大塘镇", "", "平湖镇", ""]),
        context(),
    )
    assert checked.notes == []
    assert [(p.row, p.key) for p in checked.problems] == [
        (2, "load.check.village_unknown"),
        (3, "load.check.village_ambiguous"),
        (4, "load.check.village_unknown"),
        (5, "load.check.village_unknown"),
    ]
    ambiguous = checked.problems[1].text("zh")
    assert "新寨村(522727100201)" in ambiguous and "新寨村(522727101201)" in ambiguous
    assert checked.problems[0].text("zh").endswith("相近的有:甲茶村(522727200201)")
    assert "大河坝村(522727100202)" in checked.problems[2].text("zh")
    assert checked.problems[3].text("zh").endswith("相近的有:-")


def test_a_fuzzy_match_is_a_note_naming_the_village():
    villages = pd.DataFrame(
        {
            "code": ["522727100201", "522727100202"],
            "name": ["打鱼坡村", "甲茶村"],
            "town_code": ["522727100"] * 2,
            "town_name": ["平湖镇"] * 2,
        }
    )
    checked = check_table(by_name(["打鱼坡坡村", "打鱼"]), context(villages=villages))
    assert [(p.row, p.key) for p in checked.notes] == [(2, "load.check.village_fuzzy")]
    assert "打鱼坡村(522727100201)" in checked.notes[0].text("zh").replace(" ", "")
    assert checked.frame["village_code"].tolist()[0] == "522727100201"
    assert [(p.row, p.key) for p in checked.problems] == [(3, "load.check.village_unknown")]


# ---- the report ------------------------------------------------------------------------


def test_the_report_workbook_opens_and_is_formula_safe():
    rows = customers(2, phone=["=cmd|' /C calc'!A0", "+1"], cust_no=["C1", "@SUM(A1)"])
    checked = check_table(rows, context())
    data = report_xlsx(
        checked.problems,
        notes=[
            Problem("load.check.id_old", {"value": "-1"}, file="x.csv", row=9, field="证件号码")
        ],
        who="张三(hq)",
    )
    wb = openpyxl.load_workbook(io.BytesIO(data))
    sheet, notes = wb.worksheets
    assert sheet.title == "问题" and notes.title == "提示"
    rows = [tuple(c.value for c in row) for row in sheet.iter_rows()]
    assert rows[0][0].startswith("导出人 张三(hq)")
    assert rows[1] == ("文件", "行", "列", "值", "原因")
    values = [r[3] for r in rows[2:]]
    assert "'=cmd|' /C calc'!A0" in values and "'@SUM(A1)" in values and "'+1" in values
    assert all(
        not str(c).startswith(("=", "+", "-", "@")) for r in rows for c in r if c is not None
    )
    assert notes.cell(3, 4).value == "'-1"
    english = openpyxl.load_workbook(io.BytesIO(report_xlsx(checked.problems, "en")))
    assert [c.value for c in english.worksheets[0][2]] == [
        "File",
        "Row",
        "Column",
        "Value",
        "Reason",
    ]


# ---- many rows -------------------------------------------------------------------------


def generated(n: int, seed: int = 7) -> tuple[Table, np.ndarray, Context]:
    """``n`` customers, about 1 % of them bad in one of several ways; the bad rows' mask."""
    rng = np.random.default_rng(seed)
    codes = VILLAGES["code"].to_numpy()
    ids = make_ids(n, rng)
    kinds = np.where(rng.random(n) < 0.95, "个人", "企业").astype(object)
    ids = np.where(kinds == "个人", ids, "91520000MA6DL0X21K")
    spellings = np.array(
        ["2020-01-05", "2020/1/5", "20200105", "2020年1月5日", "43835"], dtype=object
    )
    lon = np.char.mod("%.6f", 106.95 + rng.random(n) * 0.6).astype(object)
    lat = np.char.mod("%.6f", 25.55 + rng.random(n) * 0.5).astype(object)
    frame = pd.DataFrame(
        {
            "cust_no": np.char.add("C", np.arange(n).astype(str)).astype(object),
            "kind": kinds,
            "name": np.full(n, "客户甲", dtype=object),
            "id_number": ids,
            "phone": np.char.add(
                "139", np.char.zfill(rng.integers(0, 10**8, n).astype(str), 8)
            ).astype(object),
            "address": np.full(n, "平塘县某村某组", dtype=object),
            "village_code": codes[rng.integers(0, len(codes), n)],
            "lon": lon,
            "lat": lat,
            "opened_on": spellings[rng.integers(0, len(spellings), n)],
            "status": np.full(n, "正常", dtype=object),
            "credit_line": np.char.mod("%d", rng.integers(0, 300000, n)).astype(object),
            "is_migrant": np.where(rng.random(n) < 0.3, "是", "否").astype(object),
            "last_txn_on": np.full(n, "2026-05-31", dtype=object),
            "core_manager": np.full(n, "S01", dtype=object),
        }
    )
    bad = np.zeros(n, dtype=bool)
    faults = {
        "id_number": "5.22727E+17",
        "phone": "1380013800",
        "opened_on": "2026-02-30",
        "credit_line": "很多",
        "village_code": "522727999999",
        "lon": "200",
        "cust_no": "C0",  # a duplicate of the first row
    }
    chosen = rng.choice(np.arange(1, n), size=n // 100, replace=False)
    for i, (column, value) in zip(chosen, [*faults.items()] * (n // 100), strict=False):
        frame.at[i, column] = value
        bad[i] = True
    headers = {c.key: c.header for c in BY_STEM["customers"].columns}
    table_ = Table(BY_STEM["customers"], "customers.csv", frame, np.arange(2, n + 2), headers)
    return table_, bad, context(staff=frozenset({"S01"}))


def test_two_hundred_thousand_rows():
    rows, bad, ctx = generated(200_000)
    checked = check_table(rows, ctx)
    assert (checked.bad == bad).all()
    assert len(checked.problems) == bad.sum()
    assert {p.row for p in checked.problems} == set((np.flatnonzero(bad) + 2).tolist())
    assert checked.frame["opened_on"].notna().sum() == 200_000 - sum(
        p.key == "load.check.date_impossible" for p in checked.problems
    )
    assert (checked.frame.loc[~bad, "opened_on"] == pd.Timestamp("2020-01-05")).all()
    assert checked.frame["gender"].notna().sum() > 180_000


def test_no_rows_and_empty_columns():
    empty = customers(0)
    checked = check_table(empty, context())
    assert len(checked.frame) == 0 and checked.problems == [] and checked.bad.size == 0
    rows = customers(2, status=["", ""], opened_on=["", ""], is_migrant=["", ""])
    checked = check_table(rows, context())
    assert checked.problems == []
    assert checked.frame["status"].isna().all() and checked.frame["opened_on"].isna().all()
    assert checked.frame["is_migrant"].isna().all()


def test_pyarrow_backed_frames_read_the_same():
    rows = customers(3, phone=["138 0013 8000", "12", "13900139000"], opened_on=["45352", "", "x"])
    plain = check_table(rows, context())
    rows.frame = rows.frame.astype(pd.ArrowDtype(pa.string()))
    arrow = check_table(rows, context())
    assert [p.text("zh") for p in arrow.problems] == [p.text("zh") for p in plain.problems]
    pd.testing.assert_frame_equal(arrow.frame, plain.frame)
    assert arrow.frame["phone"].tolist() == ["13800138000", None, "13900139000"]


def test_a_visit_check_in_outside_the_area_is_kept_as_evidence():
    frame = pd.DataFrame(
        {
            "cust_no": ["C1"],
            "staff_code": ["M1"],
            "visited_at": ["2026-11-02 10:00"],
            "channel": ["上门"],
            "outcome": ["建档"],
            "lon": ["108.50"],
            "lat": ["26.50"],
        }
    )
    table = Table(BY_STEM["visits"], "visits.csv", frame, np.array([2]), {k: k for k in frame})
    context = Context(
        as_of=date(2026, 11, 30),
        customers=frozenset({"C1"}),
        staff=frozenset({"M1"}),
        area=shapely.box(107.0, 25.5, 107.5, 26.0),
    )
    checked = check_table(table, context)
    assert not checked.bad.any() and checked.notes == []
    assert checked.frame["lon"].iloc[0] == 108.5
