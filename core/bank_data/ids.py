"""ID numbers and mobile numbers, vectorised.

An individual's ID number (居民身份证号码, GB 11643-1999) is 18 characters: a 6-digit region,
the 8-digit birth date, a 3-digit sequence (odd: male) and a check character (ISO 7064
MOD 11-2). Old 15-digit numbers (region, 6-digit birth date 19YYMMDD, 3-digit sequence) are
kept with a note. Other customers' certificates (统一社会信用代码...) are code-like. Excel
turns long digit strings into numbers (1.2345E+17, or 18 digits ending in 000): that gets
its own message, since the fix is in the export.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from core.bank_data.arrays import (
    Parsed,
    blank,
    mask,
    matches_where,
    present,
    repaired,
)
from core.bank_data.dates import days

WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
CHECKS = "10X98765432"  # the check character of (weighted sum mod 11)
FIRST_BIRTH = np.datetime64("1900-01-01", "D")
_EXCEL = r"^\d+(?:\.\d+)?E\+?\d+$"
_CHECK_CHARS = np.array(list(CHECKS), dtype=object)
_SEX = np.array(["F", "M"], dtype=object)  # by the parity of the sequence's last digit


def check_character(first17: str) -> str:
    """The GB 11643 check character of an ID number's first 17 digits.

    Examples
    --------
    >>> check_character("11010519491231002")
    'X'
    >>> check_character("44052418800101001")
    '4'
    """
    return CHECKS[int(np.dot(WEIGHTS, [int(c) for c in first17])) % 11]


def _matrix(arr: pa.Array, width: int) -> np.ndarray:
    """ASCII strings all ``width`` long (no nulls) as an (n, width) uint8 matrix, no copy."""
    if len(arr) == 0:
        return np.zeros((0, width), dtype=np.uint8)
    arr = pc.cast(arr, pa.string())
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int32)[
        arr.offset : arr.offset + len(arr) + 1
    ]
    data = np.frombuffer(arr.buffers()[2], dtype=np.uint8)
    return data[offsets[0] : offsets[-1]].reshape(len(arr), width)


def _number(digits: np.ndarray) -> np.ndarray:
    """Rows of digit bytes as integers."""
    powers = 10 ** np.arange(digits.shape[1] - 1, -1, -1, dtype=np.int64)
    return (digits.astype(np.int64) - 48) @ powers


@dataclass
class IdNumbers:
    """ID numbers read: the values (upper-case), what they say (birth day, gender) and what
    is wrong with them (errors) or worth knowing (notes)."""

    values: pa.Array  # upper-case, null where empty or bad
    birth: np.ndarray  # datetime64[D], NaT where not an individual's valid ID
    gender: np.ndarray  # "M" / "F" / None
    number: np.ndarray  # int64 that tells individuals' ID numbers apart (-1: none, bad)
    errors: list = field(default_factory=list)
    notes: list = field(default_factory=list)


def parse_ids(arr: pa.Array, individual: np.ndarray, as_of: date, size: int = 18) -> IdNumbers:
    """Check ID numbers: individuals' by GB 11643 (form, check character, a real birth day
    from 1900 to ``as_of``), others' as codes; Excel's numbers said as such.

    Examples
    --------
    >>> ids = parse_ids(pa.array(["11010519491231002x", "110105194912310021", "1.10105E+17",
    ...                           "440524800101001", "91520000MA6DL0X21K"]),
    ...                 np.array([True, True, True, True, False]), date(2026, 6, 30))
    >>> ids.values.to_pylist()
    ['11010519491231002X', None, None, '440524800101001', '91520000MA6DL0X21K']
    >>> [(k, m.nonzero()[0].tolist()) for k, m, _ in ids.errors + ids.notes]
    [('load.check.id_excel', [2]), ('load.check.id_check', [1]), ('load.check.id_old', [3])]
    >>> ids.birth.astype(str).tolist()[0], ids.gender.tolist()[:4]
    ('1949-12-31', ['F', None, None, 'M'])
    """
    arr, long = repaired(arr, r"^\d{17}[\dX]$", _cleaned)
    n, given = len(arr), present(arr)
    rest = given & ~long
    long &= individual
    excel = matches_where(arr, rest, _EXCEL)
    old = matches_where(arr, rest & individual & ~excel, r"^\d{15}$")
    birth = np.full(n, np.datetime64("NaT", "D"))
    gender = np.full(n, None, dtype=object)
    wrong_check = np.zeros(n, dtype=bool)
    expected = np.full(n, "", dtype=object)
    number = np.full(n, -1, dtype=np.int64)  # the first 17 digits decide the 18th
    if long.any():
        m = _matrix(arr.filter(pa.array(long)), 18)
        total = (m[:, :17].astype(np.int64) - 48) @ WEIGHTS
        wrong = m[:, 17] != np.frombuffer(CHECKS.encode(), dtype=np.uint8)[total % 11]
        zeros = (m[:, 15:] == ord("0")).all(axis=1)  # Excel's 15 digits and 000
        excel[long] = wrong & zeros
        wrong_check[long] = wrong & ~zeros
        expected[long] = _CHECK_CHARS[total % 11]
        birth[long], _ = days(_number(m[:, 6:10]), _number(m[:, 10:12]), _number(m[:, 12:14]))
        gender[long] = _SEX[(m[:, 16] - 48) % 2]
        number[long] = _number(m[:, :17])
    if old.any():
        m = _matrix(arr.filter(pa.array(old)), 15)
        birth[old], _ = days(1900 + _number(m[:, 6:8]), _number(m[:, 8:10]), _number(m[:, 10:12]))
        gender[old] = _SEX[(m[:, 14] - 48) % 2]
        number[old] = _number(m) + 10**17  # apart from every 18-character number
    read = (long | old) & ~wrong_check & ~excel
    unborn = read & np.isnat(birth)
    birth_bad = read & ~np.isnat(birth)
    birth_bad &= (birth < FIRST_BIRTH) | (birth > np.datetime64(as_of, "D"))
    form = given & individual & ~long & ~old & ~excel
    other = given & ~individual & ~excel
    code = other & ~matches_where(arr, other, r"^[0-9A-Z-]+$")
    too_long = other & ~code & mask(pc.greater(pc.utf8_length(arr), size))
    shown = np.full(n, "", dtype=object)
    shown[birth_bad] = birth[birth_bad].astype(str)
    errors = [
        ("load.check.id_excel", excel, {}),
        ("load.check.id_form", form, {}),
        ("load.check.id_check", wrong_check, {"expected": expected}),
        ("load.check.id_birth", unborn, {}),
        ("load.check.id_birth_range", birth_bad, {"birth": shown, "as_of": as_of.isoformat()}),
        ("load.check.id_code", code, {}),
        ("load.check.too_long", too_long, {"size": size}),
    ]
    errors = [e for e in errors if e[1].any()]
    bad = np.logical_or.reduce([e[1] for e in errors]) if errors else np.zeros(n, dtype=bool)
    birth[bad | ~individual] = np.datetime64("NaT")
    gender[bad | ~individual] = None
    number[bad | ~individual] = -1
    notes = [("load.check.id_old", old & ~bad, {})] if (old & ~bad).any() else []
    return IdNumbers(blank(arr, bad), birth, gender, number, errors, notes)


def _cleaned(arr: pa.Array) -> pa.Array:
    return pc.utf8_upper(pc.replace_substring_regex(arr, r"\s", ""))


def _mobile(arr: pa.Array) -> pa.Array:
    arr = pc.replace_substring_regex(arr, r"[\s\-()]", "")
    return pc.replace_substring_regex(arr, r"^(?:\+86|0086|86)(1\d{10})$", r"\1")


def parse_mobile(arr: pa.Array, column=None) -> Parsed:
    """Mobile numbers: 11 digits starting with 1, after spaces, dashes and a +86 go.

    Examples
    --------
    >>> p = parse_mobile(pa.array(["138 0013 8000", "+86-13800138000", "0851-1234567", None]))
    >>> p.values.to_pylist(), p.errors[0][1].tolist()
    (['13800138000', '13800138000', None, None], [False, False, True, False])
    """
    arr, ok = repaired(arr, r"^1\d{10}$", _mobile)
    bad = present(arr) & ~ok
    return Parsed(blank(arr, bad), [("load.check.mobile", bad, {})] if bad.any() else [])
