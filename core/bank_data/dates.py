"""Days, months and times as banks' files write them: 2026-03-01, 2026/3/1, 2026.3.1,
20260301, 2026年3月1日, Excel serial numbers (45352, 45352.5), with the impossible (2026-02-30),
implausible (1850) and future ones said."""

from __future__ import annotations

from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from core.bank_data.arrays import NULL, Parsed, ints, matches, present

EXCEL_EPOCH = np.datetime64("1899-12-30", "D")  # Excel's day 0 (its 1900 leap-year bug included)
SERIALS = (20000, 80000)  # Excel serial days read as dates: 1954-10-03 .. 2119-01-10
YEARS = (1900, 2100)  # a written date outside these years is a mistake
NAT = np.datetime64("NaT", "D")
_SEP = r"\s*[-/.年]\s*"
_YMD = rf"(?P<y>\d{{4}}){_SEP}(?P<m>\d{{1,2}})\s*[-/.月]\s*(?P<d>\d{{1,2}})\s*日?"
_TIME = r"(?:[ T]+(?P<hh>\d{1,2})[:时](?P<mi>\d{2})(?::(?P<ss>\d{2})(?:\.\d+)?)?)?"
_SERIAL = r"^\d{5}(?:\.\d+)?$"


def days(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Days from year, month and day numbers, and which exist (2026-02-30 does not).

    Examples
    --------
    >>> v, ok = days(np.array([2024, 2026]), np.array([2, 2]), np.array([29, 30]))
    >>> v.astype(str).tolist(), ok.tolist()
    (['2024-02-29', 'NaT'], [True, False])
    """
    ok = (m >= 1) & (m <= 12) & (d >= 1) & (y >= 1)
    months = np.where(ok, (y - 1970) * 12 + m - 1, 0)
    first = months.astype("datetime64[M]").astype("datetime64[D]")
    length = ((months + 1).astype("datetime64[M]").astype("datetime64[D]") - first).astype(int)
    ok &= d <= length
    return np.where(ok, first + np.maximum(d - 1, 0).astype("timedelta64[D]"), NAT), ok


def _fields(arr: pa.Array, pattern: str, names: tuple[str, ...]) -> list[np.ndarray]:
    found = pc.extract_regex(arr, pattern)  # null where no match; "" for a group not taken
    parts = [pc.struct_field(found, [i]) for i in range(len(names))]
    return [ints(pc.if_else(pc.equal(p, ""), NULL, p)) for p in parts]


def _serials(arr: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Excel serial numbers in the plausible range, as float days since 1899-12-30."""
    serial = matches(arr, _SERIAL)
    number = np.full(len(arr), np.nan)
    if serial.any():
        number[serial] = pc.cast(arr.filter(pa.array(serial)), pa.float64()).to_numpy()
    serial &= (number >= SERIALS[0]) & (number <= SERIALS[1])
    return number, serial


def _day_values(arr: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(days, read: the value looks like a date, exists: the day exists)."""
    y, m, d = _fields(arr, rf"^{_YMD}{_TIME}$", ("y", "m", "d"))
    y8, m8, d8 = _fields(arr, r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$", ("y", "m", "d"))
    y, m, d = np.where(y8 >= 0, y8, y), np.where(y8 >= 0, m8, m), np.where(y8 >= 0, d8, d)
    values, exists = days(y, m, d)
    number, serial = _serials(arr)
    whole = np.floor(np.nan_to_num(number)).astype("int64").astype("timedelta64[D]")
    values = np.where(serial, EXCEL_EPOCH + whole, values)
    return values, (y >= 0) | serial, exists | serial


def _dated(values, read, exists, arr, after: np.datetime64 | None, as_of: date) -> Parsed:
    """The errors of days: unreadable, impossible, implausible year, after the as-of day."""
    given = present(arr)
    year = values.astype("datetime64[Y]").astype("int64") + 1970
    odd = exists & ((year < YEARS[0]) | (year > YEARS[1]))
    late = exists & ~odd & (values > after) if after is not None else np.zeros(len(arr), bool)
    errors = [
        ("load.check.date", given & ~read, {}),
        ("load.check.date_impossible", read & ~exists, {}),
        ("load.check.date_range", odd, {}),
        ("load.check.date_future", late, {"as_of": as_of.isoformat()}),
    ]
    values = np.where(exists & ~odd & ~late, values, np.datetime64("NaT"))
    return Parsed(values, [e for e in errors if e[1].any()])


def parse_date(arr: pa.Array, as_of: date, future: bool = False) -> Parsed:
    """Days: 2026-03-01, 2026/3/1, 2026.3.1, 20260301, 2026年3月1日, Excel serials 20000-80000;
    a day after ``as_of`` is a problem unless ``future``.

    Examples
    --------
    >>> p = parse_date(pa.array(["2026/3/1", "45352", "2026年3月1日", "2026-02-30", "2027-01-01"]),
    ...                date(2026, 6, 30))
    >>> p.values.astype(str).tolist()
    ['2026-03-01', '2024-03-01', '2026-03-01', 'NaT', 'NaT']
    >>> [(k, m.nonzero()[0].tolist()) for k, m, _ in p.errors]
    [('load.check.date_impossible', [3]), ('load.check.date_future', [4])]
    """
    values, read, exists = _day_values(arr)
    after = None if future else np.datetime64(as_of, "D")
    return _dated(values, read, exists, arr, after, as_of)


def parse_month(arr: pa.Array, as_of: date) -> Parsed:
    """Months as their first day: 2026-03, 202603, 2026/3, 2026年3月, or any day of it.

    Examples
    --------
    >>> p = parse_month(pa.array(["2026-03", "202603", "2026/3", "2026-03-31", "2026-13"]),
    ...                 date(2026, 6, 30))
    >>> p.values.astype(str).tolist()
    ['2026-03-01', '2026-03-01', '2026-03-01', '2026-03-01', 'NaT']
    """
    y, m = _fields(arr, rf"^(?P<y>\d{{4}}){_SEP}(?P<m>\d{{1,2}})\s*月?$", ("y", "m"))
    y6, m6 = _fields(arr, r"^(?P<y>\d{4})(?P<m>\d{2})$", ("y", "m"))
    y, m = np.where(y6 >= 0, y6, y), np.where(y6 >= 0, m6, m)
    month_values, month_ok = days(y, m, np.ones_like(m))
    day_values, read, exists = _day_values(arr)
    values = np.where(y >= 0, month_values, day_values).astype("datetime64[M]")
    read, exists = (y >= 0) | read, np.where(y >= 0, month_ok, exists)
    after = np.datetime64(as_of, "M").astype("datetime64[D]")
    return _dated(values.astype("datetime64[D]"), read, exists, arr, after, as_of)


def parse_datetime(arr: pa.Array, as_of: date) -> Parsed:
    """A day and a time: 2026-03-01 09:30[:00], 2026/3/1 9:30, a day alone (midnight), Excel
    serials with a fraction of a day; after the end of ``as_of`` is a problem.

    Examples
    --------
    >>> p = parse_datetime(pa.array(["2026/3/1 9:30", "45352.5", "2026-03-01 25:00"]),
    ...                    date(2026, 6, 30))
    >>> p.values.astype(str).tolist()
    ['2026-03-01T09:30:00', '2024-03-01T12:00:00', 'NaT']
    """
    pattern = rf"^{_YMD}{_TIME}$"
    y, m, d, hh, mi, ss = _fields(arr, pattern, ("y", "m", "d", "hh", "mi", "ss"))
    day, exists = days(y, m, d)
    hh, mi, ss = (np.maximum(v, 0) for v in (hh, mi, ss))
    exists &= (hh < 24) & (mi < 60) & (ss < 60)
    values = day.astype("datetime64[s]") + (hh * 3600 + mi * 60 + ss).astype("timedelta64[s]")
    number, serial = _serials(arr)
    seconds = np.round(np.nan_to_num(number) * 86400).astype("int64").astype("timedelta64[s]")
    values = np.where(serial, EXCEL_EPOCH.astype("datetime64[s]") + seconds, values)
    read, exists = (y >= 0) | serial, exists | serial
    day_after = (np.datetime64(as_of, "D") + 1).astype("datetime64[s]")
    parsed = _dated(values.astype("datetime64[D]"), read, exists, arr, None, as_of)
    late = exists & ~np.isnat(parsed.values) & (values >= day_after)
    if late.any():
        parsed.errors.append(("load.check.date_future", late, {"as_of": as_of.isoformat()}))
    keep = ~np.isnat(parsed.values) & ~late
    return Parsed(np.where(keep, values, np.datetime64("NaT", "s")), parsed.errors)
