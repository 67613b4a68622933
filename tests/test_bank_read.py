"""Reading a bank's table and polygon files (core.bank_data.read): real files built here, in
every encoding and delimiter a core system writes, and every way one goes wrong."""

from __future__ import annotations

import io
import json
import random
from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook
from shapely.geometry import box, mapping

from core.bank_data.headers import normalise, suggest_mapping
from core.bank_data.read import decode_text, read_areas, read_table, sniff_delimiter
from core.files.downloads import watermark
from core.problems import ProblemError

BALANCES = ["客户号", "月份", "存款余额(元)", "贷款余额(元)"]
STAFF = ["工号", "姓名", "机构号", "岗位", "手机号", "在职"]


def csv_bytes(lines: list[str], sep: str = ",", encoding: str = "utf-8", end: str = "\n") -> bytes:
    return end.join(sep.join(line) if isinstance(line, list) else line for line in lines).encode(
        encoding
    ) + end.encode(encoding)


def refused(data: bytes, filename: str, **kw) -> list:
    with pytest.raises(ProblemError) as err:
        read_table(data, filename, **kw)
    return err.value.problems


def records(table) -> list[dict]:
    return table.frame.to_dict("records")


# ---- encodings and delimiters ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "sep", "prefix"),
    [
        ("utf-8", ",", b""),
        ("utf-8", ",", b"\xef\xbb\xbf"),  # UTF-8 with BOM (Excel's "CSV UTF-8")
        ("gb18030", "|", b""),  # a core system's nightly export
        ("gbk", "\t", b""),
        ("utf-8", "|", b""),
    ],
)
def test_encodings_and_delimiters_read_the_same(encoding, sep, prefix):
    data = prefix + csv_bytes(
        [BALANCES, ["C001", "2026-03", "1200.50", "0"], ["C002", "202603", "3万", ""]],
        sep,
        encoding,
    )
    table, problems = read_table(data, "balances.csv")
    assert problems == []
    assert list(table.frame.columns) == ["cust_no", "month", "deposit", "loan"]
    assert records(table)[1] == {"cust_no": "C002", "month": "202603", "deposit": "3万", "loan": ""}
    assert table.rows.tolist() == [2, 3]
    assert table.headers == {
        "cust_no": "客户号",
        "month": "月份",
        "deposit": "存款余额(元)",
        "loan": "贷款余额(元)",
    }
    assert table.kind.stem == "balances" and table.file == "balances.csv"


def test_gb18030_bytes_that_look_like_a_delimiter_are_not_one():
    # characters whose GBK encoding carries 0x7C ("|") as its second byte
    tricky = "".join(c for c in map(chr, range(0x4E00, 0x9FA6)) if b"|" in c.encode("gb18030")[1:])[
        :5
    ]
    assert len(tricky) == 5
    data = csv_bytes(
        [BALANCES, [f"C{tricky}", "2026-03", "1", "2"], "C2|2026-04|3|4"], "|", "gb18030"
    )
    table, problems = read_table(data, "balances.txt")
    assert problems == []
    assert table.frame["cust_no"].tolist() == [f"C{tricky}", "C2"]


def test_cells_stay_text_and_are_stripped():
    header = ["客户号", "客户类型", "客户名称", "证件号码", "手机号码", "地址"]
    header += ["村社区代码", "经度", "纬度", "开户日期"]
    row = ["  007 ", "个人", "\u3000张三\u3000", "052727199001010012", "13800138000", "NA"]
    row += ["522727001001", "107.30", "", "null"]
    table, problems = read_table(csv_bytes([header, row], "|"), "customers.csv")
    assert problems == []
    got = records(table)[0]
    assert got["cust_no"] == "007" and got["name"] == "张三"
    assert got["id_number"] == "052727199001010012"  # leading zero kept: never a number
    assert got["address"] == "NA" and got["opened_on"] == "null" and got["lat"] == ""
    assert got["lon"] == "107.30"
    assert all(pd.api.types.is_string_dtype(dtype) for dtype in table.frame.dtypes)


def test_quoted_fields_per_rfc_4180():
    data = (
        "客户号,月份,存款余额(元),贷款余额(元)\r\n"
        'C001,2026-03,"1,200.50","0"\r\n'
        '"C0""02",2026-03,"multi\r\nline",5\r\n'
        "C003,2026-03,7,8\r\n"
    ).encode()
    table, problems = read_table(data, "balances.csv")
    assert problems == []
    assert table.frame["deposit"].tolist() == ["1,200.50", "multi\r\nline", "7"]
    assert table.frame["cust_no"].tolist() == ["C001", 'C0"02', "C003"]
    assert table.rows.tolist() == [2, 3, 5]  # a record's first line


def test_a_quote_inside_a_field_is_read_as_text():
    data = csv_bytes([BALANCES, 'C001,2026-03,5寸"屏,1', "C002,2026-03,x,2"])
    table, problems = read_table(data, "balances.csv")
    assert problems == []
    assert table.frame["deposit"].tolist() == ['5寸"屏', "x"]
    assert table.rows.tolist() == [2, 3]


def test_blank_lines_are_skipped_and_line_numbers_kept():
    data = csv_bytes(["", BALANCES, "C1,2026-03,1,2", "", "   ", "C2,2026-03,3,4", ",,,"])
    table, problems = read_table(data, "balances.csv")
    assert problems == []
    assert table.frame["cust_no"].tolist() == ["C1", "C2"]
    assert table.rows.tolist() == [3, 6]


def test_our_own_download_watermark_line_is_skipped():
    line = '"' + watermark("张三(hq)") + '"'
    table, problems = read_table(csv_bytes([line, BALANCES, "C1,2026-03,1,2"]), "balances.csv")
    assert problems == [] and table.rows.tolist() == [3]


@pytest.mark.parametrize(
    "data",
    [
        "客户号,月份\n".encode("utf-16"),
        "客户号,月份\n".encode("utf-16-le"),
        random.Random(3).randbytes(2000),
        b"\xef\xbb\xbf\xff\xfe bad after a BOM",
    ],
    ids=["utf-16", "utf-16-le", "random", "bad-utf8-after-bom"],
)
def test_unknown_encodings_are_named(data):
    problems = refused(data, "dir/balances.csv")
    assert [p.key for p in problems] == ["load.read.encoding"]
    assert problems[0].text("zh").startswith("文件 balances.csv:无法识别文件编码")


def test_decode_text_and_sniff_delimiter():
    assert decode_text("客户号|月份".encode("gb18030"), "x.csv") == "客户号|月份"
    assert decode_text(b"\xef\xbb\xbfa,b", "x.csv") == "a,b"
    assert sniff_delimiter("a|b|c") == "|"
    assert sniff_delimiter("a\tb\tc,d") == "\t"
    assert sniff_delimiter('"a|b",c') == ","
    assert sniff_delimiter("客户号") == ","


# ---- headers ------------------------------------------------------------------------------------


def test_header_spellings_aliases_and_ignored_headers():
    data = csv_bytes(
        [["CUST_NO", " 月 份 ", "存款余额（元）", "loan_balance", "备注", ""], "C1,2026-03,1,2,x,"]
    )
    table, problems = read_table(data, "balances.csv")
    assert problems == []
    assert list(table.frame.columns) == ["cust_no", "month", "deposit", "loan"]
    assert table.headers["deposit"] == "存款余额（元）"
    assert table.ignored == ["备注"]


def test_a_profile_maps_foreign_headers_and_can_ignore_one():
    data = csv_bytes([["客户编号", "月份", "存款", "贷款", "客户号"], "C1,2026-03,1,2,old"], "|")
    data = data.replace(b",", b"|")
    mapping = {"客户编号": "cust_no", "存款": "deposit", "贷款": "loan", "客户号": None}
    table, problems = read_table(data, "balances.csv", mapping=mapping)
    assert problems == [] and records(table) == [
        {"cust_no": "C1", "month": "2026-03", "deposit": "1", "loan": "2"}
    ]
    assert table.ignored == ["客户号"]
    # a whole profile is read for the file's stem
    table, _ = read_table(data, "balances.csv", mapping={"balances": mapping, "staff": {}})
    assert table.frame["cust_no"].tolist() == ["C1"]


def test_a_required_header_missing_is_named_with_a_close_one():
    data = csv_bytes([["客户号", "月份", "存款余额", "备注"], "C1,2026-03,1,x"])
    problems = refused(data, "balances.csv")
    assert {p.key for p in problems} == {"load.read.missing", "load.read.missing_close"}
    texts = [p.text("zh") for p in problems]
    assert (
        "文件 balances.csv 第1行 [存款余额(元)]:缺少必需的列“存款余额(元)”(是否指“存款余额”?)"
        in texts
    )
    assert "文件 balances.csv 第1行 [贷款余额(元)]:缺少必需的列“贷款余额(元)”" in texts


def test_a_header_mapped_twice():
    data = csv_bytes([["客户编号", "客户号码", "月份", "存款", "贷款"], "C1,C2,2026-03,1,2"])
    mapping = {"客户编号": "cust_no", "客户号码": "cust_no", "存款": "deposit", "贷款": "loan"}
    problems = refused(data, "balances.csv", mapping=mapping)
    assert [p.key for p in problems] == ["load.read.mapped_twice"]
    assert problems[0].field == "客户号码"
    assert "“客户编号”" in problems[0].text("zh") and "客户号" in problems[0].text("zh")


def test_a_mapping_naming_no_column_is_refused():
    data = csv_bytes([BALANCES, "C1,2026-03,1,2"])
    problems = refused(data, "balances.csv", mapping={"月份": "quarter"})
    assert "load.read.mapping_key" in [p.key for p in problems]


def test_a_file_of_another_kind_is_named():
    data = csv_bytes([STAFF, "S01,张三,B01,客户经理,13800138000,是"])
    problems = refused(data, "customers.csv")
    assert [p.key for p in problems] == ["load.read.wrong_kind"]
    assert (
        problems[0].text("zh")
        == "文件 customers.csv 第1行:这看起来是员工(staff)文件,而不是客户文件:请检查文件名"
    )
    assert "looks like a Staff (staff) file, not Customers" in problems[0].text("en")


@pytest.mark.parametrize(
    "name", ["loans.csv", "customers.docx", "territory.csv", "villages.geojson"]
)
def test_a_file_name_that_is_no_kind(name):
    problems = refused(csv_bytes([BALANCES]), name)
    assert [p.key for p in problems] == ["load.read.unknown_kind"]
    assert "customers" in problems[0].text("en")


def test_suggest_mapping_for_the_editor():
    assert suggest_mapping(["客户编号", "证件号", "开户日", "XYZ"], "customers") == {
        "客户编号": "cust_no",
        "证件号": "id_number",
        "开户日": "opened_on",
        "XYZ": None,
    }
    assert normalise("  ＡＢ　c ") == "abc"


# ---- empty, header only, bad lines -----------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"  \r\n\n "])
def test_an_empty_file(data):
    assert [p.key for p in refused(data, "balances.csv")] == ["load.read.empty"]


def test_a_header_row_only():
    problems = refused(csv_bytes([BALANCES, "", ""]), "balances.csv")
    assert [(p.key, p.row) for p in problems] == [("load.read.no_rows", 1)]


def test_a_truncated_last_line_is_reported_and_left_out():
    data = csv_bytes([BALANCES, "C1|2026-03|1|2", "C2|2026-03|3|4"], "|") + b"C3|2026-0"
    table, problems = read_table(data, "balances.csv")
    assert table.frame["cust_no"].tolist() == ["C1", "C2"]
    assert [(p.key, p.row, p.params["expected"], p.params["found"]) for p in problems] == [
        ("load.read.truncated", 4, 4, 2)
    ]
    assert "C3|2026-0" in problems[0].text("zh")


def test_a_stray_delimiter_is_a_row_problem():
    data = csv_bytes([BALANCES, "C1,2026-03,1,2", "C2,2026-03,1,000,2", "C3,2026-03,5,6", "C4,x"])
    table, problems = read_table(data, "balances.csv")
    assert table.frame["cust_no"].tolist() == ["C1", "C3"]
    assert table.rows.tolist() == [2, 4]
    assert [(p.key, p.row, p.params["found"]) for p in problems] == [
        ("load.read.field_count", 3, 5),
        ("load.read.truncated", 5, 2),
    ]


def test_an_unclosed_quote_at_the_end_is_a_truncated_line():
    data = csv_bytes([BALANCES, "C1,2026-03,1,2"]) + b'C2,2026-03,"1,2'
    table, problems = read_table(data, "balances.csv")
    assert table.frame["cust_no"].tolist() == ["C1"]
    assert [(p.key, p.row) for p in problems] == [("load.read.truncated", 3)]


def test_a_file_too_large_is_refused_before_reading():
    problems = refused(csv_bytes([BALANCES, "C1,2026-03,1,2"]), "balances.csv", max_bytes=10)
    assert [p.key for p in problems] == ["load.read.too_large"]


def test_a_large_file_reads_every_row_right():
    rng = random.Random(12)
    n = 200_000
    bad = {17, 99_999, 150_001}  # data rows given a stray delimiter
    lines = ["|".join([*BALANCES, "备注"])]
    expected = []
    for i in range(n):
        deposit = f"{rng.randint(0, 10**7) / 100:.2f}"
        fields = [f"C{i:07d}", f"2026-{1 + i % 12:02d}", deposit, str(i % 7), "无"]
        if i in bad:
            fields.append("extra")
        else:
            expected.append((i + 2, fields[0], deposit))
        lines.append("|".join(fields))
    data = ("\r\n".join(lines) + "\r\n").encode("gb18030")
    table, problems = read_table(data, "balances.txt")
    assert len(table.frame) == n - len(bad)
    assert [(p.key, p.row) for p in problems] == [
        ("load.read.field_count", i + 2) for i in sorted(bad)
    ]
    assert table.rows.tolist() == [e[0] for e in expected]
    assert table.frame["cust_no"].tolist() == [e[1] for e in expected]
    assert table.frame["deposit"].tolist() == [e[2] for e in expected]
    assert set(table.frame["loan"]) == {str(k) for k in range(7)}
    assert table.ignored == ["备注"]


# ---- Excel ------------------------------------------------------------------------------------


def xlsx(rows: list[list]) -> bytes:
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_an_excel_sheet_reads_as_text_the_way_excel_changed_it():
    header = ["客户号", "客户类型", "客户名称", "证件号码", "手机号码", "地址"]
    header += ["村社区代码", "经度", "纬度", "开户日期", "最近交易日期", "授信额度(元)"]
    first_values = [107.3, 25.8, datetime(2026, 3, 1), date(2026, 4, 2), 50000.5]
    second_values = [None, None, datetime(2026, 3, 1, 9, 30), None, 0]
    data = xlsx(
        [
            [watermark("张三(hq)")],  # our template comes back with its watermark on top
            header,
            [
                1001,
                "个人",
                "张三",
                1.2345e17,
                13800138000.0,
                "=A3&B3",
                522727001001.0,
                *first_values,
            ],
            [],
            [
                "1002",
                "企业",
                " 某公司 ",
                "91522727MA6DXXXX",
                None,
                "平塘",
                "522727001002",
                *second_values,
            ],
        ]
    )
    table, problems = read_table(data, "customers.xlsx")
    assert table.rows.tolist() == [3, 5]
    first, second = records(table)
    assert first["cust_no"] == "1001"
    assert first["id_number"] == "1.2345E+17"  # for the checks to say "Excel made it a number"
    assert first["phone"] == "13800138000"
    assert first["village_code"] == "522727001001"
    assert first["opened_on"] == "2026-03-01" and first["last_txn_on"] == "2026-04-02"
    assert first["credit_line"] == "50000.5" and first["lon"] == "107.3"
    assert first["address"] == ""  # the formula is refused
    assert [(p.key, p.row, p.field, p.params["value"]) for p in problems] == [
        ("load.read.formula", 3, "地址", "=A3&B3")
    ]
    assert second["name"] == "某公司" and second["phone"] == ""
    assert second["opened_on"] == "2026-03-01 09:30:00"


def test_excel_header_problems_and_empty_sheets():
    assert [p.key for p in refused(xlsx([STAFF[:3]]), "staff.xlsx")] == ["load.read.missing"] * 3
    assert [p.key for p in refused(xlsx([[None], STAFF]), "staff.xlsx")] == ["load.read.no_rows"]
    assert [p.key for p in refused(xlsx([]), "staff.xlsx")] == ["load.read.empty"]
    assert [p.key for p in refused(xlsx([STAFF]), "customers.xlsx")] == ["load.read.wrong_kind"]


def test_excel_goes_through_the_guarded_reader():
    assert [p.key for p in refused(b"PK\x03\x04 not a zip at all", "staff.xlsx")] == [
        "uploads.bad_zip"
    ]
    assert [p.key for p in refused(csv_bytes([STAFF]), "staff.xlsx")] == ["uploads.mismatch"]


# ---- polygon files ----------------------------------------------------------------------------


def geojson(features: list[tuple[dict, object]]) -> bytes:
    return json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {"type": "Feature", "properties": p, "geometry": mapping(g)} for p, g in features
            ],
        }
    ).encode()


def test_village_areas_keep_codes_and_repeated_names():
    a, b = box(107.30, 25.80, 107.31, 25.81), box(107.31, 25.80, 107.32, 25.81)
    data = geojson(
        [
            ({"村社区代码": 522727001001.0, "村社区名称": "新寨村"}, a),
            ({"村社区代码": "522727002001", "村社区名称": "新寨村"}, b),
        ]
    )
    areas = read_areas(data, "village_areas.geojson", "WGS84")
    assert list(areas.columns) == ["code", "name", "geometry", "row"]
    assert areas["code"].tolist() == ["522727001001", "522727002001"]
    assert areas["name"].tolist() == ["新寨村", "新寨村"]
    assert areas["row"].tolist() == [1, 2] and areas.crs.to_epsg() == 4326


def test_a_territory_without_names_or_codes():
    areas = read_areas(geojson([({}, box(107.3, 25.8, 107.4, 25.9))]), "territory.geojson", "GCJ02")
    assert areas["code"].tolist() == [None] and areas["name"].tolist() == [None]
    assert areas.geometry.iloc[0].bounds[0] < 107.3  # GCJ-02 moved back to WGS-84


def test_area_problems_name_the_file():
    with pytest.raises(ProblemError) as err:
        read_areas(
            b'{"type": "FeatureCollection", "features": []}', "x/village_areas.geojson", "WGS84"
        )
    assert err.value.problems[0].file == "village_areas.geojson"
    with pytest.raises(ProblemError) as err:
        read_areas(b"{}", "villages.csv", "WGS84")
    assert [p.key for p in err.value.problems] == ["load.read.unknown_kind"]


def test_rows_are_an_int_array():
    table, _ = read_table(csv_bytes([BALANCES, "C1,2026-03,1,2"]), "balances.csv")
    assert isinstance(table.rows, np.ndarray) and table.rows.dtype == np.int64
