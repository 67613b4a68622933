"""Reading a bank file's values by type, vectorised: text in, typed values and the reasons
each bad value is bad out (the types are those of :mod:`core.bank_data.spec`; days and
times are in :mod:`core.bank_data.dates`, ID and mobile numbers in :mod:`core.bank_data.ids`).

Negative amounts are errors in every amount column of the spec (balances, holdings, credit
lines, other-bank funds: none of them can be below zero).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from core.bank_data.arrays import Parsed, blank, mask, matches, present, repaired
from core.bank_data.spec import NO, YES, Column

ABSURD = 1e12  # yuan: no county customer holds a trillion
CRS_NAMES = {  # a coordinate system as people write it -> its name in geo.crs
    "WGS84": "WGS84",
    "EPSG:4326": "WGS84",
    "GPS": "WGS84",
    "GCJ02": "GCJ02",
    "高德": "GCJ02",
    "腾讯": "GCJ02",
    "微信": "GCJ02",
    "火星坐标": "GCJ02",
    "CGCS2000": "CGCS2000",
    "EPSG:4490": "CGCS2000",
    "国家2000": "CGCS2000",
    "天地图": "CGCS2000",
}

_NUMBER = r"^[-+]?(?:\d+\.?\d*|\.\d+)$"


# ---- numbers -------------------------------------------------------------------------------


def _numbers(arr: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Numbers as float (NaN where empty or unreadable) and which were unreadable: thousands
    separators, spaces, ¥ and 元, a 万 suffix (x 10,000), (1,200) as -1200 read."""
    plain = matches(arr, _NUMBER)
    out = np.full(len(arr), np.nan)
    if plain.any():
        out[plain] = pc.cast(arr.filter(pa.array(plain)), pa.float64()).to_numpy()
    rest = present(arr) & ~plain
    bad = np.zeros(len(arr), dtype=bool)
    if rest.any():
        s = pc.replace_substring_regex(arr.filter(pa.array(rest)), r"[\s,¥元°]|RMB|CNY", "")
        wan = mask(pc.ends_with(s, "万"))
        s = pc.if_else(pa.array(wan), pc.utf8_slice_codeunits(s, 0, -1), s)
        paren = matches(s, r"^\(.*\)$")
        s = pc.if_else(pa.array(paren), pc.utf8_slice_codeunits(s, 1, -1), s)
        ok = matches(s, _NUMBER)
        values = np.full(len(s), np.nan)
        values[ok] = pc.cast(s.filter(pa.array(ok)), pa.float64()).to_numpy()
        values = np.where(wan, values * 10000.0, values)
        values = np.where(paren, -values, values)
        out[rest] = values
        bad[rest] = ~ok
    return out, bad


def parse_amount(arr: pa.Array, column: Column) -> Parsed:
    """Money in yuan: "1,234.50", "1 234", "12.5万", "￥1,200", "(1,200)" (negative).

    Examples
    --------
    >>> from core.bank_data.spec import BY_STEM
    >>> col = BY_STEM["holdings"].column("balance")
    >>> p = parse_amount(pa.array(["1,234.50", "12.5万", "¥1,200", "x", "-3"]), col)
    >>> p.values.tolist()[:3], [(k, m.nonzero()[0].tolist()) for k, m, _ in p.errors]
    ([1234.5, 125000.0, 1200.0], [('load.check.amount', [3]), ('load.check.negative', [4])])
    """
    values, bad = _numbers(arr)
    negative = values < 0
    absurd = np.abs(values) > ABSURD
    errors = [
        ("load.check.amount", bad, {}),
        ("load.check.negative", negative, {}),
        ("load.check.absurd", absurd & ~negative, {}),
    ]
    values = np.where(negative | absurd, np.nan, values)
    return Parsed(values, [e for e in errors if e[1].any()])


def parse_number(arr: pa.Array, column: Column) -> Parsed:
    """A count or an area: a number, not negative."""
    values, bad = _numbers(arr)
    negative = values < 0
    errors = [("load.check.number", bad, {}), ("load.check.negative", negative, {})]
    return Parsed(np.where(negative, np.nan, values), [e for e in errors if e[1].any()])


def parse_degrees(arr: pa.Array, column: Column) -> Parsed:
    """A longitude or latitude in decimal degrees (stray spaces and a ° dropped)."""
    arr, ok = repaired(arr, _NUMBER, lambda a: pc.replace_substring_regex(a, r"[\s°]", ""))
    values = np.full(len(arr), np.nan)
    values[ok] = pc.cast(arr.filter(pa.array(ok)), pa.float64()).to_numpy()
    bad = present(arr) & ~ok
    return Parsed(values, [("load.check.coordinate", bad, {})] if bad.any() else [])


# ---- codes ---------------------------------------------------------------------------------


def parse_text(arr: pa.Array, column: Column) -> Parsed:
    """Any text, at most ``column.size`` characters."""
    long = mask(pc.greater(pc.utf8_length(arr), column.size))
    errors = [("load.check.too_long", long, {"size": column.size})] if long.any() else []
    return Parsed(blank(arr, long), errors)


def parse_code(arr: pa.Array, column: Column) -> Parsed:
    """An identifier: digits, letters, - and _, at most ``column.size`` characters."""
    bad = present(arr) & ~matches(arr, r"^[0-9A-Za-z_-]+$")
    long = ~bad & mask(pc.greater(pc.utf8_length(arr), column.size))
    errors = [("load.check.code", bad, {}), ("load.check.too_long", long, {"size": column.size})]
    return Parsed(blank(arr, bad | long), [e for e in errors if e[1].any()])


def _digits(width: int, key: str):
    def parse(arr: pa.Array, column: Column) -> Parsed:
        pattern = rf"^\d{{{width}}}$"
        arr, ok = repaired(arr, pattern, lambda a: pc.replace_substring_regex(a, r"\s", ""))
        bad = present(arr) & ~ok
        return Parsed(blank(arr, bad), [(key, bad, {})] if bad.any() else [])

    return parse


parse_village = _digits(12, "load.check.village")
parse_township = _digits(9, "load.check.township")


def _lookup(arr: pa.Array, table: dict, key: str, params: dict) -> Parsed:
    """Values looked up in ``table`` (exactly, then case-blind); the others are ``key``."""
    folded = {str(k).casefold(): v for k, v in table.items()}
    found = [
        table.get(v, folded.get(v.casefold())) if v is not None else None for v in arr.to_pylist()
    ]
    bad = present(arr) & np.array([v is None for v in found], dtype=bool)
    return Parsed(pa.array(found, type=pa.string()), [(key, bad, params)] if bad.any() else [])


def parse_choice(arr: pa.Array, column: Column) -> Parsed:
    """One of ``column.choices`` (what a file says, or what we store) -> what we store."""
    table = {**{v: v for v in column.choices.values()}, **column.choices}
    return _lookup(arr, table, "load.check.choice", {"allowed": "、".join(column.choices)})


def parse_flag(arr: pa.Array, column: Column) -> Parsed:
    """是 / 否 (Y/N, 1/0, true/false) as 1 / 0 (-1 where empty or bad)."""
    table = {**dict.fromkeys(YES, 1), **dict.fromkeys(NO, 0)}
    parsed = _lookup(arr, {k: str(v) for k, v in table.items()}, "load.check.flag", {})
    values = np.array([-1 if v is None else int(v) for v in parsed.values.to_pylist()], np.int8)
    return Parsed(values, parsed.errors)


def crs_name(text: str) -> str | None:
    """A coordinate system's name as geo.crs knows it, or None.

    Examples
    --------
    >>> crs_name("wgs-84"), crs_name("GCJ-02"), crs_name("国家2000"), crs_name("BD09")
    ('WGS84', 'GCJ02', 'CGCS2000', None)
    """
    key = str(text).strip().upper().replace("-", "").replace("_", "").replace(" ", "")
    return CRS_NAMES.get(key)


def parse_crs(arr: pa.Array, column: Column) -> Parsed:
    """A coordinate system's name, normalised (WGS84 / GCJ02 / CGCS2000)."""
    table = {v: crs_name(v) for v in pc.unique(arr).to_pylist() if v is not None}
    allowed = "WGS84、GCJ02、CGCS2000"
    return _lookup(
        arr, {k: v for k, v in table.items() if v}, "load.check.crs", {"allowed": allowed}
    )


# the parsers of the types that need nothing but the column, and whether they run on distinct
# values (the type's values repeat) or on every row
PARSERS = {
    "text": (parse_text, False),
    "code": (parse_code, False),
    "village": (parse_village, True),
    "township": (parse_township, True),
    "amount": (parse_amount, False),
    "number": (parse_number, False),
    "lon": (parse_degrees, False),
    "lat": (parse_degrees, False),
    "flag": (parse_flag, True),
    "choice": (parse_choice, True),
    "crs": (parse_crs, True),
}
