"""Excel templates for targets and imported actuals: their layout and the export (the
import, after checking, is ``core.performance.sheet_imports``).

Money is in 万元 in the files (up to 4 decimals: whole yuan), counts in units, rates in
percent. Every sheet written starts with the watermark line (who, when; skipped when the
file comes back) and its text cells are formula-safe (``core.files.downloads``).
"""

from __future__ import annotations

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from sqlalchemy import Engine, select

from core.db import read_frame
from core.files.downloads import new_sheet, watermark, workbook_bytes
from core.models import Actual, Bank, Branch, Manager, Target
from core.performance.metrics import METRICS
from core.scope import Scope

TARGET_SHEET = "目标"
ACTUAL_SHEET = "实际"
MONTHS = [f"{m}月" for m in range(1, 13)]
TARGET_HEADERS = [
    "年度",
    "层级",
    "机构编码",
    "机构名称",
    "指标编码",
    "指标名称",
    "单位",
    "全年",
    *MONTHS,
]
ACTUAL_HEADERS = [
    "年度",
    "月份",
    "层级",
    "机构编码",
    "机构名称",
    "指标编码",
    "指标名称",
    "单位",
    "实际值",
]
LEVEL_NAMES = {"bank": "总行", "branch": "支行", "manager": "客户经理"}
LEVELS = {v: k for k, v in LEVEL_NAMES.items()} | {k: k for k in LEVEL_NAMES}
UNIT_NAMES = {"yuan": "万元", "count": "个", "pct": "%"}
FACTOR = {"yuan": 10_000.0, "count": 1.0, "pct": 1.0}
PARENT = {"branch": "bank", "manager": "branch"}


# ---- the org units a file may name ---------------------------------------------------


def org_units(engine: Engine) -> pd.DataFrame:
    """Every org unit: org_level, org_id, code, name, parent_id."""
    with engine.connect() as conn:
        bank = read_frame(conn, select(Bank.id.label("org_id"), Bank.code, Bank.name))
        branches = read_frame(
            conn,
            select(
                Branch.id.label("org_id"),
                Branch.code,
                Branch.name,
                Branch.bank_id.label("parent_id"),
            ),
        )
        managers = read_frame(
            conn,
            select(
                Manager.id.label("org_id"),
                Manager.code,
                Manager.name,
                Manager.branch_id.label("parent_id"),
            ),
        )
    return pd.concat(
        [
            bank.assign(org_level="bank", parent_id=0),
            branches.assign(org_level="branch"),
            managers.assign(org_level="manager"),
        ],
        ignore_index=True,
    )


def in_scope(units: pd.DataFrame, scope: Scope) -> pd.Series:
    if scope.role == "hq":
        return pd.Series(True, index=units.index)
    if scope.role == "branch":
        return ((units["org_level"] == "branch") & (units["org_id"] == scope.branch_id)) | (
            (units["org_level"] == "manager") & (units["parent_id"] == scope.branch_id)
        )
    return (units["org_level"] == "manager") & (units["org_id"] == scope.manager_id)


# ---- writing workbooks ---------------------------------------------------------------


def _sheet(wb: Workbook, title: str, headers: list[str], rows: list[list], stamp: str) -> None:
    ws = new_sheet(wb, title, stamp)
    ws.append(headers)
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for row in rows:
        ws.append(row)
    ws.freeze_panes = "A3"
    for i, header in enumerate(headers, start=1):
        ws.column_dimensions[ws.cell(2, i).column_letter].width = max(8, 2 * len(header) + 2)


def _notes(wb: Workbook, lines: list[str], stamp: str) -> None:
    ws = new_sheet(wb, "说明", stamp)
    for line in lines:
        ws.append([line])
    ws.column_dimensions["A"].width = 100
    catalogue = new_sheet(wb, "指标", stamp)
    catalogue.append(["指标编码", "指标名称", "英文名称", "单位", "方向", "类型", "来源", "口径"])
    for m in METRICS:
        catalogue.append(
            [
                m.code,
                m.name_zh,
                m.name_en,
                UNIT_NAMES[m.unit],
                "越高越好" if m.higher_is_better else "越低越好",
                m.kind,
                m.source,
                m.basis_zh,
            ]
        )


def _display(value: float | None, unit: str):
    if value is None or value != value:
        return None
    v = float(value) / FACTOR[unit]
    return round(v, 4) if unit != "count" else round(v)


def target_template(engine: Engine, scope: Scope, year: int, stamp: str = "") -> bytes:
    """The target workbook of ``scope`` for ``year``, filled with the stored targets; each
    sheet starts with the watermark line ``stamp`` (``core.files.downloads.watermark``).

    Head office: the bank and every branch; a branch leader: their branch (for reference,
    set by head office) and its managers.
    """
    units = org_units(engine)
    units = units[
        in_scope(units, scope)
        & units["org_level"].isin(
            ["bank", "branch"] if scope.role == "hq" else ["branch", "manager"]
        )
    ]
    with engine.connect() as conn:
        stored = read_frame(
            conn,
            select(
                Target.org_level, Target.org_id, Target.metric, Target.month, Target.value
            ).where(Target.year == year, scope.where_org(Target.org_level, Target.org_id)),
        )
    values = stored.set_index(["org_level", "org_id", "metric", "month"])["value"].to_dict()
    rows = []
    for u in units.itertuples():
        for m in METRICS:
            cells = [
                _display(values.get((u.org_level, u.org_id, m.code, month)), m.unit)
                for month in range(13)
            ]
            rows.append(
                [
                    year,
                    LEVEL_NAMES[u.org_level],
                    u.code,
                    u.name,
                    m.code,
                    m.name_zh,
                    UNIT_NAMES[m.unit],
                    *cells,
                ]
            )
    wb = Workbook()
    wb.remove(wb.active)
    stamp = stamp or watermark("system")
    _sheet(wb, TARGET_SHEET, TARGET_HEADERS, rows, stamp)
    _notes(
        wb,
        [
            "目标导入模板:请只修改“全年”和“1月”至“12月”列,不要改动表头和编码列。",
            "金额单位为万元(最多4位小数,即精确到元);户数、笔数等为整数;比率为百分数(如 3.0 表示 3.0%)。",
            "月份可全部留空,系统按季节曲线(存款含开门红一季度加权)自动分解;若填写,须12个月全部填写。",
            "流量类指标12个月合计须等于全年;余额类指标12月须等于全年(年末余额);比率类每月为目标水平。",
            "同一指标下级合计须等于上级目标(支行合计=总行,客户经理合计=支行),否则整份文件不导入。",
            "Targets template: edit only the 全年 (year) and 1月-12月 (month) columns. Money in 万元, "
            "rates in percent. Months may be left empty (split by the seasonal curve).",
        ],
        stamp,
    )
    return workbook_bytes(wb)


def actual_template(engine: Engine, scope: Scope, year: int, months: int, stamp: str = "") -> bytes:
    """The workbook for imported actuals (NPL recovery, fee income): one row per manager,
    imported metric and month 1..``months``, filled with the stored values."""
    units = org_units(engine)
    units = units[in_scope(units, scope) & (units["org_level"] == "manager")]
    imported = [m for m in METRICS if m.source == "imported"]
    with engine.connect() as conn:
        stored = read_frame(
            conn,
            select(
                Actual.org_level, Actual.org_id, Actual.metric, Actual.month, Actual.value
            ).where(
                Actual.year == year,
                Actual.org_level == "manager",
                Actual.metric.in_([m.code for m in imported]),
            ),
        )
    values = stored.set_index(["org_level", "org_id", "metric", "month"])["value"].to_dict()
    rows = [
        [
            year,
            month,
            LEVEL_NAMES["manager"],
            u.code,
            u.name,
            m.code,
            m.name_zh,
            UNIT_NAMES[m.unit],
            _display(values.get(("manager", u.org_id, m.code, month)), m.unit),
        ]
        for m in imported
        for month in range(1, months + 1)
        for u in units.itertuples()
    ]
    wb = Workbook()
    wb.remove(wb.active)
    stamp = stamp or watermark("system")
    _sheet(wb, ACTUAL_SHEET, ACTUAL_HEADERS, rows, stamp)
    _notes(
        wb,
        [
            "实际值导入模板:仅限“来源”为 imported 的指标(不良清收、中间业务收入);"
            "金额单位万元。支行值为其客户经理之和(也可只填支行行),总行为各支行之和。",
            "Imported actuals: only metrics whose source is imported; money in 万元.",
        ],
        stamp,
    )
    return workbook_bytes(wb)


# ---- reading workbooks ---------------------------------------------------------------
