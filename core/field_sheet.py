"""The field sheet (走访清单) of a planned week: each day's stops in route order, how to reach
the customer, what to offer, and room for notes; as an Excel workbook and a printable page.

Phones and addresses are shown in full only when the sheet is the manager's own (a branch
leader printing a manager's week gets them masked).
"""
from __future__ import annotations

import html
import io

import pandas as pd

from core.identity import mask_address, mask_phone

COLUMNS = ("day", "seq", "cust_no", "name", "phone", "address", "grid", "offers", "notes")
WEEKDAYS_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


def sheet_rows(plan: pd.DataFrame, contact_shown: bool, lang: str = "zh") -> pd.DataFrame:
    """The sheet's rows from ``core.visits.load_plan``: day, seq, cust_no, name, phone,
    address, grid, offers (product: reason; ...), notes (empty, to fill in)."""
    if plan.empty:
        return pd.DataFrame(columns=list(COLUMNS))
    pick = 1 if lang == "zh" else 2
    offers = ["; ".join(o[pick] for o in items) for items in plan["offers"]]
    return pd.DataFrame({
        "day": plan["day"], "seq": plan["seq"], "cust_no": plan["cust_no"],
        "name": plan["name"],
        "phone": plan["phone"] if contact_shown else plan["phone"].map(mask_phone),
        "address": plan["address"] if contact_shown else plan["address"].map(mask_address),
        "grid": plan["grid"], "offers": offers, "notes": ""})


def to_excel(rows: pd.DataFrame, headers: dict[str, str], title: str,
             day_names: list[str] | None = None) -> bytes:
    """An .xlsx workbook: one sheet per day (titled by ``day_names``), the ``headers``
    labels, wide columns for offers and notes, printed landscape on one page width."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    wb.remove(wb.active)
    days = sorted(d for d in rows["day"].dropna().unique()) or [None]
    widths = {"day": 6, "seq": 5, "cust_no": 13, "name": 12, "phone": 14, "address": 30,
              "grid": 14, "offers": 48, "notes": 36}
    for day in days:
        part = rows[rows["day"] == day] if day is not None else rows
        name = (day_names[int(day) - 1] if day_names and day is not None else
                f"D{int(day)}" if day is not None else "1")
        ws = wb.create_sheet(name[:31])
        ws.append([title])
        ws["A1"].font = Font(bold=True, size=13)
        cols = [c for c in COLUMNS if c != "day"]
        ws.append([headers[c] for c in cols])
        for cell in ws[2]:
            cell.font = Font(bold=True)
        for r in part.itertuples():
            ws.append([getattr(r, c) if getattr(r, c) == getattr(r, c) else "" for c in cols])
        for i, c in enumerate(cols, start=1):
            ws.column_dimensions[chr(64 + i)].width = widths[c]
        for row in ws.iter_rows(min_row=3):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            ws.row_dimensions[row[0].row].height = 42
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_title_rows = "2:2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def to_html(rows: pd.DataFrame, headers: dict[str, str], title: str,
            day_names: list[str] | None = None) -> str:
    """A printable page: a table per day, a page break between days, blank note cells."""
    cols = [c for c in COLUMNS if c != "day"]
    parts = ["<style>.fs table{border-collapse:collapse;width:100%;font:13px sans-serif}"
             ".fs th,.fs td{border:1px solid #999;padding:4px;vertical-align:top}"
             ".fs td.notes{height:48px;width:22%}.fs h3{margin:12px 0 4px}"
             "@media print{.fs section{page-break-after:always}}</style>",
             f'<div class="fs"><h2>{html.escape(title)}</h2>']
    for day, part in rows.groupby("day", sort=True):
        label = day_names[int(day) - 1] if day_names else str(int(day))
        parts.append(f"<section><h3>{html.escape(label)}</h3><table><tr>" + "".join(
            f"<th>{html.escape(headers[c])}</th>" for c in cols) + "</tr>")
        for r in part.itertuples():
            cells = []
            for c in cols:
                value = getattr(r, c)
                text = "" if value is None or value != value else str(value)
                cls = ' class="notes"' if c == "notes" else ""
                cells.append(f"<td{cls}>{html.escape(text)}</td>")
            parts.append("<tr>" + "".join(cells) + "</tr>")
        parts.append("</table></section>")
    parts.append("</div>")
    return "".join(parts)
