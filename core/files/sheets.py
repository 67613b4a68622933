"""Reading the rows of an uploaded Excel sheet (targets, actuals; later the bank's data).

The workbook is opened by the guarded reader (:mod:`core.files.uploads`); what comes back are the
rows under a checked header row and cell values as numbers that are surely numbers:
formulas, NaN, infinity (``1e400`` reads as infinity) and absurd sizes are problems naming
the sheet row and column, never a traceback.
"""
from __future__ import annotations

import math

from core.files.downloads import skip_watermark
from core.performance.targets import TargetProblem
from core.performance.targets import TargetProblem as _problem
from core.files.uploads import UploadError, logged, open_workbook, problem, safe_name

MAX_NUMBER = 1e12  # in the file's unit (万元, counts, percent): anything larger is a typo
MAX_ROWS = 100_000  # data rows of one sheet
MORE_COLUMNS = 20  # columns read past the expected headers (to name unknown ones)


def read_sheet(data: bytes, sheet: str, headers: list[str], filename: str
               ) -> tuple[list[tuple[int, dict]], list[TargetProblem]]:
    """The sheet's rows as (sheet row number, {header: value}); header problems first.

    The workbook is opened by the guarded reader (core.files.uploads): a damaged file, a zip that
    is no workbook, a workbook with macros... each a problem naming the file. Formulas are
    read as their text and refused cell by cell (a value is what the import needs).
    """
    try:
        wb = open_workbook(data, filename)
        if sheet not in wb.sheetnames:
            return [], [_problem(None, "工作表", f"缺少工作表“{sheet}”(请使用导出的模板)",
                                 f"no sheet named {sheet!r} (use the exported template)")]
        rows = []  # columns past the template's are ignored; a sheet may claim any size
        for row in wb[sheet].iter_rows(values_only=True, max_col=len(headers) + MORE_COLUMNS):
            if len(rows) > MAX_ROWS:
                p = problem("too_many_rows", safe_name(filename), limit=f"{MAX_ROWS:,}")
                return [], [_problem(None, p.file, p.message_zh, p.message_en)]
            rows.append(row)
    except UploadError as err:
        return [], [_problem(p.row, p.file or p.field, p.message_zh, p.message_en)
                    for p in err.problems]
    except Exception as exc:  # a sheet openpyxl cannot parse although the zip was fine
        logged("bad_xlsx", safe_name(filename), exc)
        p = problem("bad_xlsx", safe_name(filename))
        return [], [_problem(None, p.file, p.message_zh, p.message_en)]
    rows, skipped = skip_watermark(rows)  # our watermark line on top of a template
    found = [str(h).strip() if h is not None else "" for h in (rows[0] if rows else [])]
    while found and not found[-1]:
        found.pop()
    problems = []
    for i, header in enumerate(found, start=1):
        if header not in headers:
            problems.append(_problem(1 + skipped, header or f"第{i}列", "未知的表头(请使用导出的模板)",
                                     "unknown header (use the exported template)"))
    for header in headers:
        if header not in found:
            problems.append(_problem(1 + skipped, header, "缺少该列", "column missing"))
    if problems:
        return [], problems
    out = []
    for number, row in enumerate(rows[1:], start=2 + skipped):
        cells = dict(zip(found, row))
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in cells.values()):
            continue
        for header, value in cells.items():
            if isinstance(value, str) and value.lstrip().startswith("="):
                p = problem("formula")
                problems.append(_problem(number, header, p.message_zh, p.message_en))
                cells[header] = None
        out.append((number, cells))
    return out, problems


def number(value, row: int, field: str, problems: list) -> float | None:
    """A cell as a finite number; text that is no number, NaN, infinity (1e400 reads as
    infinity) or an absurd size is a problem; empty is None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        value = str(value)
    try:
        number = (float(value) if isinstance(value, (int, float))
                  else float(str(value).replace(",", "").strip()))
    except (ValueError, OverflowError):
        problems.append(_problem(row, field, f"“{value}”不是数字", f"{value!r} is not a number"))
        return None
    if not math.isfinite(number) or abs(number) > MAX_NUMBER:
        p = problem("not_finite", value=str(value)[:40])
        problems.append(_problem(row, field, p.message_zh, p.message_en))
        return None
    return number
