"""Reading the rows of an uploaded Excel sheet (targets, actuals; later the bank's data).

The workbook is opened by the guarded reader (:mod:`core.files.uploads`); what comes back are the
rows under a checked header row and cell values as numbers that are surely numbers:
formulas, NaN, infinity (``1e400`` reads as infinity) and absurd sizes are problems naming
the sheet row and column, never a traceback.
"""

from __future__ import annotations

import math

from core.files.downloads import skip_watermark
from core.files.guard import logged, problem, safe_name
from core.files.uploads import open_workbook
from core.problems import Problem, ProblemError

MAX_NUMBER = 1e12  # in the file's unit (万元, counts, percent): anything larger is a typo
MAX_ROWS = 100_000  # data rows of one sheet
MORE_COLUMNS = 20  # columns read past the expected headers (to name unknown ones)


def read_sheet(
    data: bytes, sheet: str, headers: list[str], filename: str
) -> tuple[list[tuple[int, dict]], list[Problem]]:
    """The sheet's rows as (sheet row number, {header: value}); header problems first.

    The workbook is opened by the guarded reader (core.files.uploads): a damaged file, a zip that
    is no workbook, a workbook with macros... each a problem naming the file. Formulas are
    read as their text and refused cell by cell (a value is what the import needs).
    """
    name = safe_name(filename)
    try:
        wb = open_workbook(data, filename)
        if sheet not in wb.sheetnames:
            return [], [Problem("problem.sheet.missing", {"sheet": sheet}, file=name)]
        rows = []  # columns past the template's are ignored; a sheet may claim any size
        for row in wb[sheet].iter_rows(values_only=True, max_col=len(headers) + MORE_COLUMNS):
            if len(rows) > MAX_ROWS:
                return [], [problem("too_many_rows", name, limit=f"{MAX_ROWS:,}")]
            rows.append(row)
    except ProblemError as err:
        return [], err.problems
    except Exception as exc:  # a sheet openpyxl cannot parse although the zip was fine
        logged("bad_xlsx", name, exc)
        return [], [problem("bad_xlsx", name)]
    rows, skipped = skip_watermark(rows)  # our watermark line on top of a template
    found = [str(h).strip() if h is not None else "" for h in (rows[0] if rows else [])]
    while found and not found[-1]:
        found.pop()
    problems = []
    for i, header in enumerate(found, start=1):
        if not header:
            problems.append(Problem("problem.sheet.blank_header", {"column": i}, row=1 + skipped))
        elif header not in headers:
            problems.append(Problem("problem.sheet.unknown_header", row=1 + skipped, field=header))
    for header in headers:
        if header not in found:
            problems.append(Problem("problem.sheet.missing_column", row=1 + skipped, field=header))
    if problems:
        return [], problems
    out = []
    for number, row in enumerate(rows[1:], start=2 + skipped):
        cells = dict(zip(found, row, strict=False))
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in cells.values()):
            continue
        for header, value in cells.items():
            if isinstance(value, str) and value.lstrip().startswith("="):
                problems.append(Problem("uploads.formula", row=number, field=header))
                cells[header] = None
        out.append((number, cells))
    return out, problems


def number(value, row: int, field: str, problems: list) -> float | None:
    """A cell as a finite number; text that is no number, NaN, infinity (1e400 reads as
    infinity) or an absurd size is a problem; empty is None.

    Examples
    --------
    >>> problems = []
    >>> number("1,200", 3, "全年", problems), number("abc", 4, "全年", problems)
    (1200.0, None)
    >>> problems[0].text("en")
    "row 4 [全年]: 'abc' is not a number"
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        value = str(value)
    try:
        number = (
            float(value)
            if isinstance(value, (int, float))
            else float(str(value).replace(",", "").strip())
        )
    except (ValueError, OverflowError):
        problems.append(
            Problem("problem.value.number", {"value": str(value)[:40]}, row=row, field=field)
        )
        return None
    if not math.isfinite(number) or abs(number) > MAX_NUMBER:
        problems.append(
            Problem("uploads.not_finite", {"value": str(value)[:40]}, row=row, field=field)
        )
        return None
    return number
