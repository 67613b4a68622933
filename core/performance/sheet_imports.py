"""Importing the Excel templates (``core.performance.target_sheets`` writes them): targets
and imported actuals, read and checked completely before anything is written.

Wrong or missing headers, text in number cells, unknown units or metrics, units outside
the caller's scope, negative values, months that do not add up to the year and children
that do not add up to their parent each get a problem naming the sheet row and the column.
Only a file without problems is written, in one transaction, every changed target cell
recorded.
"""

from __future__ import annotations

import json
from datetime import date, datetime

import pandas as pd
from sqlalchemy import Engine, insert, select

from core.db import read_frame
from core.files.guard import safe_name
from core.files.sheets import number as _number
from core.files.sheets import read_sheet as _read_sheet
from core.models import Actual, AuditLog, Target
from core.performance.metrics import BY_CODE, METRICS, curve_for
from core.performance.target_sheets import (
    ACTUAL_HEADERS,
    ACTUAL_SHEET,
    FACTOR,
    LEVELS,
    MONTHS,
    PARENT,
    TARGET_HEADERS,
    TARGET_SHEET,
    UNIT_NAMES,
    in_scope,
    org_units,
)
from core.performance.targets import split_to_months, to_unit, write_targets
from core.problems import Problem, ProblemError, Term
from core.scope import Scope


def _stored_units(value: float, unit: str, row: int, field: str, problems: list) -> float:
    """A file value (万元 / units / percent) in the stored unit, checked."""
    stored = value * FACTOR[unit]
    if value < 0:
        problems.append(Problem("problem.value.negative", row=row, field=field))
    elif unit != "pct" and abs(stored - round(stored)) > 1e-4:
        problems.append(Problem("problem.target.decimals", row=row, field=field))
    elif unit == "pct" and value > 100:
        problems.append(Problem("problem.target.rate_over", row=row, field=field))
    return to_unit(stored, unit)


def _org(
    cells: dict, row: int, units: pd.DataFrame, allowed: pd.Series, problems: list
) -> tuple[str, int] | None:
    level = LEVELS.get(str(cells.get("层级") or "").strip())
    if level is None:
        problems.append(Problem("problem.target.level", row=row, field="层级"))
        return None
    code = str(cells.get("机构编码") or "").strip()
    match = units[(units["org_level"] == level) & (units["code"].astype(str) == code)]
    if match.empty:
        problems.append(
            Problem(
                "problem.target.unknown_unit",
                {"level": Term(f"level.{level}"), "code": code},
                row=row,
                field="机构编码",
            )
        )
        return None
    if not allowed.loc[match.index[0]]:
        problems.append(
            Problem("problem.target.outside_scope", {"code": code}, row=row, field="机构编码")
        )
        return None
    return level, int(match["org_id"].iloc[0])


def _metric(cells: dict, row: int, problems: list):
    code = str(cells.get("指标编码") or "").strip()
    if code not in BY_CODE:
        problems.append(
            Problem("problem.target.unknown_metric", {"code": code}, row=row, field="指标编码")
        )
        return None
    return BY_CODE[code]


def read_targets(
    engine: Engine, scope: Scope, data: bytes, filename: str = "targets.xlsx"
) -> tuple[pd.DataFrame, list[Problem]]:
    """Check a target workbook; return its rows (year, month 0-12, org_level, org_id,
    metric, value, sheet_row) and the problems (rows are only meaningful without them)."""
    cells_by_row, problems = _read_sheet(data, TARGET_SHEET, TARGET_HEADERS, filename)
    if problems and not cells_by_row:
        return pd.DataFrame(), problems
    if not cells_by_row:
        return pd.DataFrame(), [
            Problem("problem.sheet.no_rows", {"sheet": TARGET_SHEET}, file=safe_name(filename))
        ]
    units = org_units(engine)
    allowed = in_scope(units, scope) & (scope.role != "manager")
    rows, seen, years = [], {}, set()
    for number, cells in cells_by_row:
        year = _number(cells.get("年度"), number, "年度", problems)
        if year is not None and (year != int(year) or not 2000 <= year <= 2100):
            problems.append(Problem("problem.target.year", row=number, field="年度"))
        org = _org(cells, number, units, allowed, problems)
        meta = _metric(cells, number, problems)
        annual = _number(cells.get("全年"), number, "全年", problems)
        months = [_number(cells.get(m), number, m, problems) for m in MONTHS]
        if year is None or org is None or meta is None:
            continue
        years.add(int(year))
        key = (org, meta.code)
        if key in seen:
            problems.append(
                Problem(
                    "problem.target.duplicate", {"other": seen[key]}, row=number, field="指标编码"
                )
            )
            continue
        seen[key] = number
        if annual is None:
            problems.append(Problem("problem.target.no_annual", row=number, field="全年"))
            continue
        annual = _stored_units(annual, meta.unit, number, "全年", problems)
        filled = [m for m in months if m is not None]
        if filled and len(filled) < 12:
            problems.append(Problem("problem.target.some_months", row=number, field="1月"))
            continue
        rows.append(
            {
                "sheet_row": number,
                "year": int(year),
                "org_level": org[0],
                "org_id": org[1],
                "metric": meta.code,
                "annual": annual,
                "months": [
                    _stored_units(m, meta.unit, number, MONTHS[i], problems)
                    for i, m in enumerate(months)
                ]
                if filled
                else None,
            }
        )
    if len(years) > 1:
        problems.append(Problem("problem.target.years", {"years": sorted(years)}, field="年度"))
    if problems:
        return pd.DataFrame(), problems
    return _target_rows(engine, scope, rows, units, problems)


def _target_rows(
    engine: Engine, scope: Scope, rows: list[dict], units: pd.DataFrame, problems: list
) -> tuple[pd.DataFrame, list[Problem]]:
    """Months (given, or split by the curve) and the reconciliation of every parent touched."""
    year = rows[0]["year"]
    with engine.connect() as conn:
        stored = read_frame(
            conn,
            select(Target.org_level, Target.org_id, Target.metric, Target.value).where(
                Target.year == year, Target.month == 0
            ),
        )
    bases = _bases(engine, year)
    annual = {(r.org_level, r.org_id, r.metric): r.value for r in stored.itertuples()}
    stored_annual = dict(annual)
    for r in rows:
        annual[(r["org_level"], r["org_id"], r["metric"])] = r["annual"]
    out = []
    for r in rows:
        meta = BY_CODE[r["metric"]]
        months = r["months"]
        base = bases.get((r["org_level"], r["org_id"], r["metric"]), 0.0)
        if months is None:
            months = split_to_months(r["annual"], meta.kind, curve_for(meta.code), base).tolist()
        elif meta.kind == "flow" and round(sum(months)) != round(r["annual"]):
            problems.append(
                Problem(
                    "problem.target.months_total",
                    {
                        "months": _fmt(sum(months), meta.unit),
                        "annual": _fmt(r["annual"], meta.unit),
                    },
                    row=r["sheet_row"],
                    field="全年",
                )
            )
        elif meta.kind == "stock" and round(months[-1]) != round(r["annual"]):
            problems.append(Problem("problem.target.december", row=r["sheet_row"], field="12月"))
        if (
            scope.role == "branch"
            and r["org_level"] == "branch"
            and abs(stored_annual.get((r["org_level"], r["org_id"], r["metric"]), -1) - r["annual"])
            > 1e-6
        ):
            problems.append(
                Problem("problem.target.branch_target", row=r["sheet_row"], field="全年")
            )
        for m, v in enumerate([r["annual"], *months]):
            out.append(
                {
                    "year": year,
                    "month": m,
                    "org_level": r["org_level"],
                    "org_id": r["org_id"],
                    "metric": r["metric"],
                    "value": float(v),
                    "sheet_row": r["sheet_row"],
                }
            )
    problems += _reconcile(rows, annual, units)
    frame = pd.DataFrame(out)
    return (pd.DataFrame() if problems else frame), problems


def _bases(engine: Engine, year: int) -> dict:
    with engine.connect() as conn:
        rows = conn.execute(
            select(Actual.org_level, Actual.org_id, Actual.metric, Actual.value).where(
                Actual.year == year - 1,
                Actual.month == 12,
                Actual.metric.in_([m.code for m in METRICS if m.kind == "stock"]),
            )
        ).all()
    return {(level, org, metric): value for level, org, metric, value in rows}


def _fmt(value: float, unit: str) -> str:
    return f"{value / FACTOR[unit]:,.4f}".rstrip("0").rstrip(".") + UNIT_NAMES[unit]


def _reconcile(rows: list[dict], annual: dict, units: pd.DataFrame) -> list[Problem]:
    """The parent of every unit in the file must equal its children's sum in the state after
    the import (the children not in the file as stored)."""
    problems = []
    parent_of = {
        (u.org_level, u.org_id): (PARENT[u.org_level], int(u.parent_id))
        for u in units.itertuples()
        if u.org_level in PARENT
    }
    children: dict[tuple, list] = {}
    for level, org in parent_of:
        children.setdefault(parent_of[(level, org)], []).append((level, org))
    touched = {}  # the parents of the file's rows (a unit whose children are not in the
    for r in rows:  # file keeps them: they are split again from its new target later)
        unit = (r["org_level"], r["org_id"])
        if unit in parent_of:
            touched.setdefault((parent_of[unit], r["metric"]), r["sheet_row"])
    for (parent, metric), sheet_row in sorted(touched.items(), key=lambda kv: kv[1]):
        meta = BY_CODE[metric]
        if meta.kind == "rate" or (*parent, metric) not in annual:
            continue
        kids = [annual[(*k, metric)] for k in children.get(parent, []) if (*k, metric) in annual]
        if not kids:
            continue
        total, want = round(sum(kids)), round(annual[(*parent, metric)])
        if total != want:
            name = units[(units["org_level"] == parent[0]) & (units["org_id"] == parent[1])]
            label = name["name"].iloc[0] if len(name) else str(parent)
            problems.append(
                Problem(
                    "problem.target.children_total",
                    {
                        "unit": label,
                        "metric": Term(zh=meta.name_zh, en=meta.name_en),
                        "total": _fmt(total, meta.unit),
                        "target": _fmt(want, meta.unit),
                    },
                    row=sheet_row,
                    field="全年",
                )
            )
    return problems


def import_targets(engine: Engine, actor, data: bytes, filename: str = "targets.xlsx") -> int:
    """Check and write a target workbook in one transaction; return the cells changed.

    Raises :class:`core.problems.ProblemError` with row-level problems (nothing written)
    when the file is wrong, :class:`core.permissions.Forbidden` (audited) for a manager.
    """
    from core.permissions import require_role

    require_role(engine, actor, "targets_import", "hq", "branch")
    scope, user_id = actor.scope, actor.user_id
    rows, problems = read_targets(engine, scope, data, filename)
    outside = [p.row for p in problems if p.key == "problem.target.outside_scope"]
    if outside:  # units of someone else's scope: a refusal, audited, besides the rows
        from core.permissions import deny

        raise deny(engine, actor, "targets_import", f"rows outside scope: {outside[:20]}")
    if problems:
        raise ProblemError(problems)
    with engine.begin() as conn:
        changed = write_targets(conn, rows.drop(columns="sheet_row"), user_id, "import")
        conn.execute(
            insert(AuditLog).values(
                at=datetime.now(),
                user_id=user_id,
                action="targets_import",
                entity="target",
                entity_id=str(int(rows["year"].iloc[0])),
                detail=json.dumps({"rows": int(rows["sheet_row"].nunique()), "changed": changed}),
            )
        )
    return changed


# ---- imported actuals ----------------------------------------------------------------


def read_actuals(
    engine: Engine, scope: Scope, data: bytes, filename: str = "actuals.xlsx"
) -> tuple[pd.DataFrame, list[Problem]]:
    """Check an actuals workbook; return rows (year, month, org_level, org_id, metric,
    value) for managers, branches and the bank, and the problems."""
    cells_by_row, problems = _read_sheet(data, ACTUAL_SHEET, ACTUAL_HEADERS, filename)
    if problems and not cells_by_row:
        return pd.DataFrame(), problems
    if not cells_by_row:
        return pd.DataFrame(), [
            Problem("problem.sheet.no_rows", {"sheet": ACTUAL_SHEET}, file=safe_name(filename))
        ]
    units = org_units(engine)
    allowed = in_scope(units, scope) & units["org_level"].isin(["branch", "manager"])
    rows, seen = [], {}
    for number, cells in cells_by_row:
        year = _number(cells.get("年度"), number, "年度", problems)
        month = _number(cells.get("月份"), number, "月份", problems)
        if month is not None and (month != int(month) or not 1 <= month <= 12):
            problems.append(Problem("problem.target.month", row=number, field="月份"))
            month = None
        org = _org(cells, number, units, allowed, problems)
        meta = _metric(cells, number, problems)
        if meta is not None and meta.source != "imported":
            problems.append(
                Problem(
                    "problem.target.computed",
                    {"metric": Term(zh=meta.name_zh, en=meta.name_en)},
                    row=number,
                    field="指标编码",
                )
            )
            meta = None
        value = _number(cells.get("实际值"), number, "实际值", problems)
        if None in (year, month, org, meta):
            continue
        if value is None:
            problems.append(Problem("problem.target.no_actual", row=number, field="实际值"))
            continue
        key = (int(year), int(month), org, meta.code)
        if key in seen:
            problems.append(
                Problem(
                    "problem.target.duplicate", {"other": seen[key]}, row=number, field="机构编码"
                )
            )
            continue
        seen[key] = number
        rows.append(
            {
                "sheet_row": number,
                "year": int(year),
                "month": int(month),
                "org_level": org[0],
                "org_id": org[1],
                "metric": meta.code,
                "value": _stored_units(value, meta.unit, number, "实际值", problems),
            }
        )
    if problems:
        return pd.DataFrame(), problems
    return _actual_rows(engine, pd.DataFrame(rows), units, problems)


def _actual_rows(
    engine: Engine, rows: pd.DataFrame, units: pd.DataFrame, problems: list
) -> tuple[pd.DataFrame, list[Problem]]:
    """Managers as given; a branch is its row, else its managers' sum (stored ones included);
    the bank the sum of its branches. A branch row must equal its managers' sum."""
    keys = ["year", "month", "metric"]
    periods = rows[keys].drop_duplicates()
    with engine.connect() as conn:
        stored = read_frame(
            conn,
            select(
                Actual.year,
                Actual.month,
                Actual.org_level,
                Actual.org_id,
                Actual.metric,
                Actual.value,
            ).where(
                Actual.metric.in_(periods["metric"].unique().tolist()),
                Actual.year.in_(periods["year"].unique().tolist()),
            ),
        )
    branch_of = units[units["org_level"] == "manager"].set_index("org_id")["parent_id"]
    bank_id = int(units.loc[units["org_level"] == "bank", "org_id"].iloc[0])
    out = []
    for (year, month, metric), part in rows.groupby(keys):
        old = stored[
            (stored["year"] == year) & (stored["month"] == month) & (stored["metric"] == metric)
        ]
        managers = old[old["org_level"] == "manager"].set_index("org_id")["value"].to_dict()
        managers |= part[part["org_level"] == "manager"].set_index("org_id")["value"].to_dict()
        branches = old[old["org_level"] == "branch"].set_index("org_id")["value"].to_dict()
        sums: dict[int, float] = {}
        for manager, value in managers.items():
            sums[int(branch_of[manager])] = sums.get(int(branch_of[manager]), 0.0) + value
        given = part[part["org_level"] == "branch"]
        for r in given.itertuples():
            if r.org_id in sums and round(sums[r.org_id]) != round(r.value):
                problems.append(
                    Problem(
                        "problem.target.branch_sum",
                        {"sum": _fmt(sums[r.org_id], BY_CODE[metric].unit)},
                        row=r.sheet_row,
                        field="实际值",
                    )
                )
        branches |= sums | given.set_index("org_id")["value"].to_dict()
        for level, values in (
            ("manager", managers),
            ("branch", branches),
            ("bank", {bank_id: sum(branches.values())}),
        ):
            out += [
                {
                    "year": int(year),
                    "month": int(month),
                    "org_level": level,
                    "org_id": int(o),
                    "metric": metric,
                    "value": float(v),
                }
                for o, v in values.items()
            ]
    return (pd.DataFrame() if problems else pd.DataFrame(out)), problems


def import_actuals(engine: Engine, actor, data: bytes, filename: str = "actuals.xlsx") -> int:
    """Check and write an actuals workbook in one transaction; return the rows written.

    Raises :class:`core.problems.ProblemError` with row-level problems (nothing written)
    when the file is wrong, :class:`core.permissions.Forbidden` (audited) for anyone but
    head office.
    """
    from core.performance.actuals import record_run
    from core.permissions import require_role

    require_role(engine, actor, "actuals_import", "hq")
    scope, user_id = actor.scope, actor.user_id
    rows, problems = read_actuals(engine, scope, data, filename)
    if problems:
        raise ProblemError(problems)
    latest = rows.sort_values(["year", "month"]).iloc[-1]
    last_day = (
        pd.Timestamp(int(latest["year"]), int(latest["month"]), 1) + pd.offsets.MonthEnd(0)
    ).date()
    with engine.begin() as conn:
        for (year, month, metric), part in rows.groupby(["year", "month", "metric"]):
            for level, ids in part.groupby("org_level")["org_id"]:
                conn.execute(
                    Actual.__table__.delete().where(
                        Actual.year == int(year),
                        Actual.month == int(month),
                        Actual.metric == metric,
                        Actual.org_level == level,
                        Actual.org_id.in_([int(i) for i in ids]),
                    )
                )
        conn.execute(insert(Actual), rows.to_dict("records"))
        record_run(conn, min(date.today(), last_day), "import", len(rows), user_id)
    return len(rows)
