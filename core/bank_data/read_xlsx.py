"""A table of a bank's data folder given as an .xlsx workbook: its first sheet, opened by the
guarded reader only (:func:`core.files.uploads.open_workbook`, read-only, formulas as their
text), read as text cells the way a CSV is read (:func:`core.bank_data.read.read_table`).

Excel changes what people type: a long number becomes a float (an ID number shows as
1.2345E+17 and has lost its last digits), a date becomes a datetime. Whole numbers come back
as their digits (13800138000); a float of 1e15 or more in an ID number or code column comes
back as Excel shows it (``1.2345E+17``) so that the checks say what happened; dates as ISO
text. A formula is refused cell by cell (the value is what we need, not how it was computed).
"""

from __future__ import annotations

import math
from datetime import date, datetime, time

import numpy as np
import pandas as pd

from core.bank_data.headers import match_headers
from core.bank_data.spec import FileKind, Table
from core.files.downloads import skip_watermark
from core.files.guard import logged
from core.files.uploads import open_workbook
from core.problems import Problem, ProblemError

MAX_ROWS = 1_100_000  # sheet rows read (a sheet may claim any size)
MAX_COLUMNS = 300  # columns read; headers further right are not seen
ID_LIKE = ("id_number", "code")  # column types whose long numbers are Excel's doing
EXCERPT = 60


def cell_text(value, id_like: bool = False) -> str:
    """A workbook cell as the text a CSV would have held.

    Examples
    --------
    >>> cell_text(13800138000.0), cell_text(1.2345e17, id_like=True), cell_text(1.5)
    ('13800138000', '1.2345E+17', '1.5')
    >>> cell_text(datetime(2026, 3, 1)), cell_text(datetime(2026, 3, 1, 9, 30))
    ('2026-03-01', '2026-03-01 09:30:00')
    >>> cell_text(None), cell_text("  张三\\u3000"), cell_text(True)
    ('', '张三', 'TRUE')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        if id_like and abs(value) >= 1e15:
            return format(value, ".15G")
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value).strip()


def _blank(values) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def _too_many(name: str) -> ProblemError:
    return ProblemError(Problem("load.read.too_many_rows", {"limit": f"{MAX_ROWS:,}"}, file=name))


def read_xlsx(
    data: bytes, name: str, kind: FileKind, mapping: dict | None
) -> tuple[Table, list[Problem]]:
    """The first sheet of the workbook ``data`` as a :class:`Table` (see
    :func:`core.bank_data.read.read_table`): the header is the first row that is not empty
    nor our watermark line; rows are sheet rows; empty rows are skipped."""
    workbook = open_workbook(data, name)  # refusals name the file
    try:
        return _read(workbook, name, kind, mapping)
    except ProblemError:
        raise
    except Exception as exc:  # a sheet openpyxl cannot parse although the zip was fine
        logged("bad_xlsx", name, exc)
        raise ProblemError(Problem("uploads.bad_xlsx", file=name)) from None
    finally:
        workbook.close()


def _read(workbook, name: str, kind: FileKind, mapping) -> tuple[Table, list[Problem]]:
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(min_row=1, max_col=MAX_COLUMNS, values_only=True)
    header_row, header = 0, None
    for number, row in enumerate(rows, start=1):
        if number > MAX_ROWS:
            raise _too_many(name)
        if _blank(row) or skip_watermark([row])[1]:
            continue
        header_row, header = number, row
        break
    if header is None:
        raise ProblemError(Problem("load.read.empty", file=name))
    headers = [cell_text(v) for v in header]
    while headers and not headers[-1]:
        headers.pop()
    found, ignored, problems = match_headers(kind, headers, mapping, file=name, row=header_row)
    if problems:
        raise ProblemError(problems)
    columns = {c.key: c for c in kind.columns}
    wanted = [(key, i, columns[key].type in ID_LIKE) for key, i in found.items()]
    cells: dict[str, list[str]] = {key: [] for key in found}
    lines: list[int] = []
    # the data rows only as wide as the header (a sheet may claim any width)
    rows = sheet.iter_rows(min_row=header_row + 1, max_col=len(headers), values_only=True)
    for number, row in enumerate(rows, start=header_row + 1):
        if number > MAX_ROWS:
            raise _too_many(name)
        values = [row[i] if i < len(row) else None for _, i, _ in wanted]
        if _blank(values):
            continue
        for (key, i, id_like), value in zip(wanted, values, strict=False):
            text = cell_text(value, id_like)
            if text.startswith("="):
                problems.append(
                    Problem(
                        "load.read.formula",
                        {"value": text[:EXCERPT]},
                        file=name,
                        row=number,
                        field=headers[i],
                    )
                )
                text = ""
            cells[key].append(text)
        lines.append(number)
    if not lines:
        raise ProblemError(Problem("load.read.no_rows", file=name, row=header_row))
    frame = pd.DataFrame(cells, dtype=object)
    said = {key: headers[i] for key, i in found.items()}
    table = Table(kind, name, frame, np.asarray(lines, dtype=np.int64), said, ignored)
    return table, problems
