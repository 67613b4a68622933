"""Every file the app hands out: formula-safe cells, a watermark line, an audit entry.

A cell starting with ``= + - @``, a tab or a carriage return is a formula in Excel and WPS
(``=HYPERLINK(...)`` next to a phone number sends it away when clicked), so every text cell
the app writes goes through :func:`neutralise`. Every download names who made it and when
(:func:`watermark`) and is recorded with what, which filters and how many rows
(:func:`log_download`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine

from core.permissions import record

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A cell value that no spreadsheet reads as a formula: text starting with one of
    :data:`FORMULA_STARTS` gets a leading apostrophe; numbers and other values pass.

    Examples
    --------
    >>> neutralise('=HYPERLINK("http://x","y")')
    '\\'=HYPERLINK("http://x","y")'
    >>> neutralise("-12"), neutralise(-12), neutralise("张三")
    ("'-12", -12, '张三')
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def watermark(who: str, at: datetime | None = None) -> str:
    """The line every download carries: who made it, when, and that it is internal.

    Examples
    --------
    >>> watermark("张三(manager)", datetime(2026, 12, 7, 9, 30))
    '导出人 张三(manager) · 2026-12-07 09:30 · 内部资料,请勿外传 / Exported by 张三(manager), internal use only'
    """
    at = at or datetime.now()
    return (
        f"导出人 {who} · {at:%Y-%m-%d %H:%M} · 内部资料,请勿外传 / "
        f"Exported by {who}, internal use only"
    )


def log_download(engine: Engine, actor, what: str, rows: int, filters: dict | None = None) -> None:
    """Record a download: what it was, the filters that chose its rows, how many rows."""
    with engine.begin() as conn:
        record(
            conn,
            actor,
            "download",
            entity=what,
            detail={"rows": int(rows), "filters": filters or {}},
        )


# ---- writing files: every sheet starts with the watermark, every text cell is neutralised ----

WATERMARK_PREFIX = "导出人 "  # how a watermark line starts (readers of our templates skip it)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def who(user) -> str:
    """How a watermark names a signed-in user: display name and username."""
    name = getattr(user, "display_name", None) or "-"
    username = getattr(user, "username", None)
    return f"{name}({username})" if username else str(name)


def is_watermark(value) -> bool:
    """Whether a first cell is a watermark line (a template read back skips that row)."""
    return isinstance(value, str) and value.startswith(WATERMARK_PREFIX)


def skip_watermark(rows: list) -> tuple[list, int]:
    """A sheet's rows (tuples of values) without our watermark line on top, and how many
    rows were skipped (0 or 1): a template comes back with its header in row 2.

    Examples
    --------
    >>> skip_watermark([("导出人 张三 · ...",), ("年度", "层级")])
    ([('年度', '层级')], 1)
    >>> skip_watermark([("年度", "层级")])
    ([('年度', '层级')], 0)
    """
    if rows and rows[0] and is_watermark(rows[0][0]):
        return rows[1:], 1
    return rows, 0


def new_sheet(wb, title: str, stamp: str):
    """A new worksheet whose first row is the watermark line ``stamp``."""
    ws = wb.create_sheet(title[:31])
    ws.append([stamp])
    return ws


def workbook_bytes(wb) -> bytes:
    """The workbook as .xlsx bytes, after neutralising every text cell of every sheet.

    Raises ValueError when a sheet does not start with a watermark line (a writer forgot
    :func:`new_sheet`): no file leaves the app without naming who made it.
    """
    import io

    for ws in wb.worksheets:
        if not is_watermark(ws.cell(1, 1).value):
            raise ValueError(f"sheet {ws.title!r} has no watermark line")
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    safe = neutralise(cell.value)
                    if safe is not cell.value:
                        cell.value = safe
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def table_xlsx(frame, headers: dict[str, str], sheet: str, stamp: str) -> bytes:
    """A table (the ``headers`` columns of ``frame``, labelled) as a one-sheet workbook: the
    watermark line, the labels, the rows; text cells neutralised."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    ws = new_sheet(wb, sheet, stamp)
    cols = list(headers)
    ws.append([headers[c] for c in cols])
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for row in frame[cols].itertuples(index=False):
        ws.append([_cell(v) for v in row])
    return workbook_bytes(wb)


def table_csv(frame, headers: dict[str, str], stamp: str) -> bytes:
    """The same table as CSV (UTF-8 with BOM, so Excel and WPS read the Chinese): the
    watermark line first, text cells neutralised."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([stamp])
    cols = list(headers)
    writer.writerow([neutralise(headers[c]) for c in cols])
    for row in frame[cols].itertuples(index=False):
        writer.writerow([neutralise(_cell(v)) for v in row])
    return out.getvalue().encode("utf-8-sig")


def _cell(value):
    """A pandas value as a spreadsheet cell: NaN/None empty, numpy scalars plain."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    if hasattr(value, "isoformat") and not isinstance(value, str):
        return str(value)[:19]
    return value


def data_rows(data: bytes) -> int:
    """Rows of data in a workbook we wrote: the first sheet's rows below the watermark and
    the header row (for the download log when a writer does not say)."""
    import io

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data), read_only=True)
    return max(0, (wb.worksheets[0].max_row or 0) - 2)
