"""The field sheet (走访清单) of a planned week: each day's stops in route order, how to reach
the customer, what to offer, and room for notes; as an Excel workbook and a printable page.

Phones and addresses are shown in full only when the sheet is the manager's own (a branch
leader printing a manager's week gets them masked). Both forms start with the watermark line
(who made it, when) and neutralise cells that a spreadsheet would read as a formula
(``core.files.downloads``), the print page too: a table pasted from it into Excel keeps its text.
"""

from __future__ import annotations

import html

import pandas as pd

from core.files.downloads import neutralise, new_sheet, workbook_bytes
from core.i18n import pick
from core.masking import mask_address, mask_phone

COLUMNS = ("day", "seq", "cust_no", "name", "phone", "address", "grid", "offers", "notes")
WEEKDAYS_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


def watermark_line() -> str:
    """The watermark of a sheet made without a signed-in user (tests, scripts)."""
    from core.files.downloads import watermark

    return watermark("system")


def sheet_rows(plan: pd.DataFrame, contact_shown: bool, lang: str = "zh") -> pd.DataFrame:
    """The sheet's rows from ``core.visits.planner.load_plan``: day, seq, cust_no, name, phone,
    address, grid, offers (product: reason; ...), notes (empty, to fill in)."""
    if plan.empty:
        return pd.DataFrame(columns=list(COLUMNS))
    offers = ["; ".join(pick(o[1], o[2], lang) for o in items) for items in plan["offers"]]
    return pd.DataFrame(
        {
            "day": plan["day"],
            "seq": plan["seq"],
            "cust_no": plan["cust_no"],
            "name": plan["name"],
            "phone": plan["phone"] if contact_shown else plan["phone"].map(mask_phone),
            "address": plan["address"] if contact_shown else plan["address"].map(mask_address),
            "grid": plan["grid"],
            "offers": offers,
            "notes": "",
        }
    )


def to_excel(
    rows: pd.DataFrame,
    headers: dict[str, str],
    title: str,
    day_names: list[str] | None = None,
    stamp: str = "",
) -> bytes:
    """An .xlsx workbook: one sheet per day (titled by ``day_names``): the watermark line
    ``stamp`` (``core.files.downloads.watermark``), the title, the ``headers`` labels, the rows;
    wide columns for offers and notes, printed landscape on one page width."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    wb.remove(wb.active)
    days = sorted(d for d in rows["day"].dropna().unique()) or [None]
    widths = {
        "day": 6,
        "seq": 5,
        "cust_no": 13,
        "name": 12,
        "phone": 14,
        "address": 30,
        "grid": 14,
        "offers": 48,
        "notes": 36,
    }
    for day in days:
        part = rows[rows["day"] == day] if day is not None else rows
        name = (
            day_names[int(day) - 1]
            if day_names and day is not None
            else f"D{int(day)}"
            if day is not None
            else "1"
        )
        ws = new_sheet(wb, name, stamp or watermark_line())
        ws.append([title])
        ws["A2"].font = Font(bold=True, size=13)
        cols = [c for c in COLUMNS if c != "day"]
        ws.append([headers[c] for c in cols])
        for cell in ws[3]:
            cell.font = Font(bold=True)
        for r in part.itertuples():
            ws.append([getattr(r, c) if getattr(r, c) == getattr(r, c) else "" for c in cols])
        for i, c in enumerate(cols, start=1):
            ws.column_dimensions[chr(64 + i)].width = widths[c]
        for row in ws.iter_rows(min_row=4):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            ws.row_dimensions[row[0].row].height = 42
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_title_rows = "3:3"
    return workbook_bytes(wb)


def to_html(
    rows: pd.DataFrame,
    headers: dict[str, str],
    title: str,
    day_names: list[str] | None = None,
    stamp: str = "",
) -> str:
    """A printable page: the watermark line, a table per day, a page break between days,
    blank note cells; every cell HTML-escaped and formula-safe."""
    cols = [c for c in COLUMNS if c != "day"]
    parts = [
        "<style>.fs table{border-collapse:collapse;width:100%;font:13px sans-serif}"
        ".fs th,.fs td{border:1px solid #999;padding:4px;vertical-align:top}"
        ".fs td.notes{height:48px;width:22%}.fs h3{margin:12px 0 4px}"
        "@media print{.fs section{page-break-after:always}}</style>",
        f'<div class="fs"><p class="wm">{html.escape(stamp or watermark_line())}</p>'
        f"<h2>{html.escape(title)}</h2>",
    ]
    for day, part in rows.groupby("day", sort=True):
        label = day_names[int(day) - 1] if day_names else str(int(day))
        parts.append(
            f"<section><h3>{html.escape(label)}</h3><table><tr>"
            + "".join(f"<th>{html.escape(headers[c])}</th>" for c in cols)
            + "</tr>"
        )
        for r in part.itertuples():
            cells = []
            for c in cols:
                value = getattr(r, c)
                text = "" if value is None or value != value else str(neutralise(str(value)))
                cls = ' class="notes"' if c == "notes" else ""
                cells.append(f"<td{cls}>{html.escape(text)}</td>")
            parts.append("<tr>" + "".join(cells) + "</tr>")
        parts.append("</table></section>")
    parts.append("</div>")
    return "".join(parts)
