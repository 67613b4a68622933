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
    return (f"导出人 {who} · {at:%Y-%m-%d %H:%M} · 内部资料,请勿外传 / "
            f"Exported by {who}, internal use only")


def log_download(engine: Engine, actor, what: str, rows: int, filters: dict | None = None) -> None:
    """Record a download: what it was, the filters that chose its rows, how many rows."""
    with engine.begin() as conn:
        record(conn, actor, "download", entity=what,
               detail={"rows": int(rows), "filters": filters or {}})
