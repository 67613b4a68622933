"""Excel templates: a round trip changes exactly what was edited; a bad file gets row-level
messages and changes nothing (on SQLite and PostgreSQL)."""

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from core.performance.sheet_imports import import_actuals, import_targets, read_targets
from core.performance.target_sheets import (
    ACTUAL_SHEET,
    TARGET_HEADERS,
    TARGET_SHEET,
    actual_template,
    target_template,
)
from core.permissions import Actor, Forbidden
from core.problems import ProblemError
from core.scope import Scope

HQ = Scope("hq")
BRANCH = Scope("branch", branch_id=1)


def state(engine):
    """Everything an import could touch."""
    with engine.connect() as conn:
        return (
            conn.execute(text("SELECT COUNT(*), SUM(value), SUM(month * value) FROM target")).one(),
            conn.execute(text("SELECT COUNT(*), SUM(value) FROM actual")).one(),
            conn.execute(text("SELECT COUNT(*) FROM target_change")).scalar_one(),
            conn.execute(text("SELECT COUNT(*) FROM actual_run")).scalar_one(),
        )


def workbook(data: bytes, sheet=TARGET_SHEET):
    wb = load_workbook(io.BytesIO(data))
    return wb, wb[sheet]


def save(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def find_row(ws, level, code, metric) -> int:
    for r in range(3, ws.max_row + 1):  # row 1: the watermark, row 2: the headers
        if (ws.cell(r, 2).value, str(ws.cell(r, 3).value), ws.cell(r, 5).value) == (
            level,
            code,
            metric,
        ):
            return r
    raise LookupError((level, code, metric))


def col(name: str) -> int:
    return TARGET_HEADERS.index(name) + 1


def target_value(engine, level, org_id, metric, month=0):
    with engine.connect() as conn:
        return conn.execute(
            text(
                "SELECT value FROM target WHERE year = 2026 AND month = :m AND org_level = :l "
                "AND org_id = :o AND metric = :k"
            ),
            {"m": month, "l": level, "o": org_id, "k": metric},
        ).scalar_one()


def test_the_template_holds_the_stored_targets_in_wan(seeded_engine):
    wb, ws = workbook(target_template(seeded_engine, HQ, 2026))
    assert ws.cell(1, 1).value.startswith("导出人")  # the watermark line
    assert [c.value for c in ws[2]] == TARGET_HEADERS
    assert ws.max_row - 2 == 22 * 15  # the bank and 21 branches, 15 metrics each
    r = find_row(ws, "支行", "00101", "deposit_increase")
    assert ws.cell(r, col("全年")).value == pytest.approx(
        target_value(seeded_engine, "branch", 1, "deposit_increase") / 10_000
    )
    assert ws.cell(r, col("单位")).value == "万元"
    assert {"说明", "指标"} <= set(wb.sheetnames)
    _, mine = workbook(target_template(seeded_engine, BRANCH, 2026))
    levels = {mine.cell(r, 2).value for r in range(3, mine.max_row + 1)}
    assert levels == {"支行", "客户经理"}


def test_unchanged_template_imports_without_changes(seeded_engine):
    before = state(seeded_engine)
    assert (
        import_targets(seeded_engine, Actor(1, HQ), target_template(seeded_engine, HQ, 2026)) == 0
    )
    assert state(seeded_engine) == before


def test_round_trip_moves_a_target_between_branches(fresh_county):
    engine = fresh_county
    wb, ws = workbook(target_template(engine, HQ, 2026))
    a, b = (
        find_row(ws, "支行", "00101", "deposit_increase"),
        find_row(ws, "支行", "00102", "deposit_increase"),
    )
    old_a = target_value(engine, "branch", 1, "deposit_increase")
    old_b = target_value(engine, "branch", 2, "deposit_increase")
    ws.cell(a, col("全年")).value = round((old_a - 10_000) / 10_000, 4)  # 1万 from 1 to 2
    ws.cell(b, col("全年")).value = round((old_b + 10_000) / 10_000, 4)
    for r in (a, b):  # months left empty: split by the seasonal curve
        for m in range(1, 13):
            ws.cell(r, col(f"{m}月")).value = None
    changed = import_targets(engine, Actor(1, HQ), save(wb))
    assert target_value(engine, "branch", 1, "deposit_increase") == old_a - 10_000
    assert target_value(engine, "branch", 2, "deposit_increase") == old_b + 10_000
    months = sum(target_value(engine, "branch", 1, "deposit_increase", m) for m in range(1, 13))
    assert months == old_a - 10_000
    with engine.connect() as conn:
        log = conn.execute(
            text(
                "SELECT org_id, month, old_value, new_value, source, user_id "
                "FROM target_change WHERE source = 'import'"
            )
        ).all()
    assert len(log) == changed and {r.org_id for r in log} == {1, 2}
    assert (1, 0, old_a, old_a - 10_000, "import", 1) in [tuple(r) for r in log]
    # exported again: the new value is in the file
    _, again = workbook(target_template(engine, HQ, 2026))
    r = find_row(again, "支行", "00101", "deposit_increase")
    assert again.cell(r, col("全年")).value == pytest.approx((old_a - 10_000) / 10_000)


# bad-file cases: (row to edit or "header"/"drop", column, new value, expected message)
BAD = {
    "wrong header": ("header", "全年", "年目标", "[年目标]"),
    "missing column": ("drop", "12月", None, "缺少该列"),
    "text in a number cell": (("支行", "00101", "visits"), "全年", "十万", "不是数字"),
    "text in a month": (("支行", "00101", "visits"), "3月", "abc", "不是数字"),
    "unknown branch": (("支行", "00101", "visits"), "机构编码", "99999", "未知的支行编码"),
    "unknown metric": (("支行", "00101", "visits"), "指标编码", "profit", "未知的指标编码"),
    "negative target": (("支行", "00101", "visits"), "全年", -5, "负数"),
    "totals not reconciling": (("支行", "00101", "visits"), "全年", 1, "不一致"),
    "months not adding up": (("支行", "00101", "visits"), "1月", 999999, "12个月合计"),
    "bad level": (("支行", "00101", "visits"), "层级", "分行", "层级须为"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_a_bad_file_names_row_and_column_and_changes_nothing(seeded_engine, case):
    where, column, value, message = BAD[case]
    wb, ws = workbook(target_template(seeded_engine, HQ, 2026))
    if where == "header":
        ws.cell(2, col(column)).value = value
        row = 2
    elif where == "drop":
        ws.delete_cols(col(column))
        row = 2
    else:
        row = find_row(ws, *where)
        ws.cell(row, col(column)).value = value
    before = state(seeded_engine)
    with pytest.raises(ProblemError) as err:
        import_targets(seeded_engine, Actor(1, HQ), save(wb))
    assert state(seeded_engine) == before
    texts = [p.text("zh") for p in err.value.problems]
    assert any(message in t for t in texts), texts
    named = {"header": value, "months not adding up": "全年"}.get(
        where if where == "header" else case, column
    )
    if case not in ("totals not reconciling", "missing column"):
        assert any(f"第{row}行" in t and f"[{named}]" in t for t in texts), texts
    if case == "totals not reconciling":  # names the parent (the bank) and the sums
        assert any("下级合计" in t and "第" in t for t in texts), texts
    if case == "missing column":
        assert any("[12月]" in t and "缺少该列" in t for t in texts), texts


def test_not_an_excel_file(seeded_engine):
    before = state(seeded_engine)
    with pytest.raises(ProblemError, match="Excel"):
        import_targets(seeded_engine, Actor(1, HQ), b"name,value\n1,2\n")
    assert state(seeded_engine) == before


def test_every_problem_of_a_file_is_reported_at_once(seeded_engine):
    wb, ws = workbook(target_template(seeded_engine, HQ, 2026))
    ws.cell(find_row(ws, "支行", "00101", "visits"), col("全年")).value = "很多"
    ws.cell(find_row(ws, "支行", "00102", "etc_signups"), col("全年")).value = -1
    ws.cell(find_row(ws, "支行", "00103", "visits"), col("机构编码")).value = "nope"
    _, problems = read_targets(seeded_engine, HQ, save(wb))
    assert len(problems) >= 3
    assert len({p.row for p in problems}) >= 3


def test_a_branch_leader_imports_their_managers_only(fresh_county):
    engine = fresh_county
    wb, ws = workbook(target_template(engine, BRANCH, 2026))
    with engine.connect() as conn:
        m1, m2 = (
            conn.execute(text("SELECT code FROM manager WHERE branch_id = 1 ORDER BY id LIMIT 2"))
            .scalars()
            .all()
        )
        other = conn.execute(
            text("SELECT code FROM manager WHERE branch_id = 2 LIMIT 1")
        ).scalar_one()
    a, b = find_row(ws, "客户经理", m1, "visits"), find_row(ws, "客户经理", m2, "visits")
    ws.cell(a, col("全年")).value = ws.cell(a, col("全年")).value + 12
    ws.cell(b, col("全年")).value = ws.cell(b, col("全年")).value - 12
    for r in (a, b):
        for m in range(1, 13):
            ws.cell(r, col(f"{m}月")).value = None
    good = save(wb)
    # their own branch's target is head office's: changing it is refused
    own = find_row(ws, "支行", "00101", "visits")
    ws.cell(own, col("全年")).value = ws.cell(own, col("全年")).value + 1
    before = state(engine)
    with pytest.raises(ProblemError) as err:
        import_targets(engine, Actor(2, BRANCH), save(wb))
    assert any("总行下达" in p.message("zh") for p in err.value.problems)
    ws.cell(own, col("全年")).value = ws.cell(own, col("全年")).value - 1
    ws.cell(a, col("机构编码")).value = other  # another branch's manager
    with pytest.raises(Forbidden) as err:  # a refusal, audited, naming the row
        import_targets(engine, Actor(2, BRANCH), save(wb))
    assert f"[{a}]" in err.value.detail
    assert state(engine) == before
    assert import_targets(engine, Actor(2, BRANCH), good) == 2 * 13


def test_imported_actuals_round_trip_and_bad_rows(fresh_county):
    engine = fresh_county
    wb, ws = workbook(actual_template(engine, HQ, 2026, 11), ACTUAL_SHEET)
    header = [c.value for c in ws[2]]
    value_col = header.index("实际值") + 1
    row = next(
        r
        for r in range(3, ws.max_row + 1)
        if ws.cell(r, 6).value == "npl_recovery" and ws.cell(r, 2).value == 11
    )
    code = ws.cell(row, 4).value
    ws.cell(row, value_col).value = 12.3456  # 万元
    good = save(wb)
    ws.cell(row, 6).value = "visits"  # computed: cannot be imported
    ws.cell(row + 1, 2).value = 13
    before = state(engine)
    with pytest.raises(ProblemError) as err:
        import_actuals(engine, Actor(1, HQ), save(wb))
    texts = [p.text("zh") for p in err.value.problems]
    assert any(f"第{row}行 [指标编码]" in t and "系统计算" in t for t in texts)
    assert any(f"第{row + 1}行 [月份]" in t for t in texts)
    assert state(engine) == before
    import_actuals(engine, Actor(1, HQ), good)
    with engine.connect() as conn:
        manager, branch = conn.execute(
            text("SELECT id, branch_id FROM manager WHERE code = :c"), {"c": code}
        ).one()
        got = conn.execute(
            text(
                "SELECT value FROM actual WHERE year = 2026 AND month = 11 AND "
                "metric = 'npl_recovery' AND org_level = 'manager' AND "
                "org_id = :m"
            ),
            {"m": manager},
        ).scalar_one()
        managers = conn.execute(
            text(
                "SELECT SUM(a.value) FROM actual a JOIN manager m ON m.id = a.org_id WHERE "
                "a.year = 2026 AND a.month = 11 AND a.metric = 'npl_recovery' AND "
                "a.org_level = 'manager' AND m.branch_id = :b"
            ),
            {"b": branch},
        ).scalar_one()
        rolled = conn.execute(
            text(
                "SELECT value FROM actual WHERE year = 2026 AND month = 11 AND metric = "
                "'npl_recovery' AND org_level = 'branch' AND org_id = :b"
            ),
            {"b": branch},
        ).scalar_one()
    assert got == 123_456 and rolled == pytest.approx(managers)
