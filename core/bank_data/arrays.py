"""Columns of text as pyarrow arrays, and what every parser of
:mod:`core.bank_data.values` and :mod:`core.bank_data.dates` shares.

Every parser takes a pyarrow string array (one value per row, stripped, null where empty)
and returns a :class:`Parsed`: the typed values (null / NaN / NaT where empty or bad; text
stays a pyarrow string array, the rest are numpy arrays) and its ``errors``, each
``(i18n key, bool mask per value, params)`` with params scalars or arrays per value. Values
that repeat (dates, choices, village codes) are parsed once per distinct value
(:func:`on_uniques`). Full-width digits and letters are read as half-width (NFKC) before
parsing (:func:`halfwidth`). Most values need no repair: :func:`repaired` tests them all
with one pattern and fixes only the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

NULL = pa.scalar(None, pa.string())


@dataclass
class Parsed:
    """Typed values and what is wrong with the bad ones."""

    values: np.ndarray | pa.Array  # text: pyarrow strings; numbers, days, flags: numpy
    errors: list = field(default_factory=list)  # [(key, mask, params)]


def arrow_text(series) -> pa.Array:
    """A column of text (object str or pyarrow-backed) as a pyarrow string array, as is.

    Examples
    --------
    >>> arrow_text(pd.Series(["a", 1, None], dtype=object)).to_pylist()
    ['a', '1', None]
    """
    try:
        arr = pa.array(series, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # mixed values: each as its text
        arr = pa.array([None if pd.isna(x) else str(x) for x in series], type=pa.string())
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    return arr if arr.type == pa.string() else pc.cast(arr, pa.string())


def strings(series) -> pa.Array:
    """A column of text as a pyarrow string array: trimmed, null where empty.

    Examples
    --------
    >>> strings(pd.Series([" a ", "", None])).to_pylist()
    ['a', None, None]
    """
    arr = series if isinstance(series, pa.Array) else arrow_text(series)
    arr = pc.utf8_trim_whitespace(arr)
    return pc.if_else(pc.equal(arr, ""), NULL, arr)


def halfwidth(arr: pa.Array) -> pa.Array:
    """Full-width digits, letters and signs as half-width (NFKC), only when there are any.

    Examples
    --------
    >>> halfwidth(pa.array(["１２３", "ＡＢ－１", "12"])).to_pylist()
    ['123', 'AB-1', '12']
    """
    if len(arr) == 0 or pc.all(pc.string_is_ascii(arr)).as_py() is not False:
        return arr
    return pc.utf8_normalize(arr, "NFKC")


def release_memory() -> None:
    """Give back to the system the memory pyarrow's pool keeps after its arrays are freed
    (mimalloc keeps it for later arrays: after a large file's check, about a gigabyte that
    numpy and Python objects cannot use)."""
    pa.default_memory_pool().release_unused()


def mask(arr) -> np.ndarray:
    """A pyarrow boolean array as numpy, null as False."""
    return pc.fill_null(arr, False).to_numpy(zero_copy_only=False)


def matches(arr: pa.Array, pattern: str) -> np.ndarray:
    """Whether each value matches ``pattern`` (RE2; null: False)."""
    return mask(pc.match_substring_regex(arr, pattern))


def present(arr: pa.Array) -> np.ndarray:
    """Whether each value is given."""
    return arr.is_valid().to_numpy(zero_copy_only=False)


def objects(arr: pa.Array) -> np.ndarray:
    """The values as a numpy object array of str (None where null)."""
    return arr.to_numpy(zero_copy_only=False)


def blank(arr: pa.Array, where: np.ndarray) -> pa.Array:
    """``arr`` with the values ``where`` made null (bad values are not kept)."""
    return pc.if_else(pa.array(where), NULL, arr) if where.any() else arr


def matches_where(arr: pa.Array, where: np.ndarray, pattern: str) -> np.ndarray:
    """Whether each value ``where`` matches ``pattern`` (the others: False), testing only those."""
    out = np.zeros(len(arr), dtype=bool)
    if where.any():
        out[where] = matches(arr.filter(pa.array(where)), pattern)
    return out


def repaired(arr: pa.Array, pattern: str, fix) -> tuple[pa.Array, np.ndarray]:
    r"""Values matching ``pattern`` as they are, the others after ``fix`` (a function of a
    pyarrow array); and which match now. Most values need nothing: only the rest are fixed.

    Examples
    --------
    >>> arr, ok = repaired(pa.array(["12", " 1 3", "x"]), r"^\d+$",
    ...                    lambda a: pc.replace_substring_regex(a, r"\s", ""))
    >>> arr.to_pylist(), ok.tolist()
    (['12', '13', 'x'], [True, True, False])
    """
    ok = matches(arr, pattern)
    rest = present(arr) & ~ok
    if rest.any():
        fixed = fix(arr.filter(pa.array(rest)))
        ok[rest] = matches(fixed, pattern)
        arr = pc.replace_with_mask(arr, pa.array(rest), fixed)
    return arr, ok


def ints(arr: pa.Array) -> np.ndarray:
    """Digit strings as int64 (-1 where null)."""
    return pc.fill_null(pc.cast(arr, pa.int64()), -1).to_numpy(zero_copy_only=False)


def _filler(values: np.ndarray):
    if values.dtype.kind == "M":
        return np.datetime64("NaT")
    if values.dtype.kind == "f":
        return np.nan
    if values.dtype.kind == "b":
        return False
    if values.dtype.kind in "iu":
        return -1
    return None


def _spread(values: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """``values`` (one per distinct value) for every row; ``idx == len(values)``: null."""
    return np.append(values, np.array([_filler(values)], dtype=values.dtype))[idx]


def on_uniques(parse, arr: pa.Array, *args) -> Parsed:
    """``parse(arr, *args)`` run once per distinct value of ``arr``, spread back to rows."""
    encoded = pc.dictionary_encode(arr)
    indices = pc.fill_null(encoded.indices, len(encoded.dictionary))
    idx = indices.to_numpy(zero_copy_only=False)
    part = parse(encoded.dictionary, *args)
    if isinstance(part.values, pa.Array):
        nulls = pa.nulls(1, part.values.type)
        values = pa.concat_arrays([part.values, nulls]).take(indices)
    else:
        values = _spread(part.values, idx)
    errors = [
        (
            key,
            _spread(m, idx),
            {k: _spread(v, idx) if isinstance(v, np.ndarray) else v for k, v in params.items()},
        )
        for key, m, params in part.errors
    ]
    return Parsed(values, errors)


# ---- the checked frame's columns -------------------------------------------------------------


def text_objects(values: pa.Array, source=None, source_text: pa.Array | None = None):
    """Typed text as a numpy object array of str (None where null). Where a value is the
    file's own (``source``, an object column, as ``source_text``) that str is reused; the
    others are made once per distinct value (making a million str objects is slow).

    Examples
    --------
    >>> source = pd.Series(["a", "ｂ", ""], dtype=object)
    >>> text_objects(halfwidth(strings(source)), source, arrow_text(source)).tolist()
    ['a', 'b', None]
    """
    rest = present(values)
    out = np.full(len(values), None, dtype=object)
    if source is not None and source_text is not None and source.dtype == object:
        same = mask(pc.equal(values, source_text))
        if same.any():
            out = np.where(same, source.to_numpy(), None)
            rest &= ~same
    if rest.any():
        encoded = pc.dictionary_encode(values.filter(pa.array(rest)))
        idx = encoded.indices.to_numpy(zero_copy_only=False)
        out[rest] = encoded.dictionary.to_numpy(zero_copy_only=False)[idx]
    return out


def frame_column(values, type_: str):
    """Typed values (not text) as a frame column: flags as pandas booleans, days as
    datetime64[s] (pandas has no coarser unit), the rest as they are."""
    if type_ == "flag":
        return pd.arrays.BooleanArray(values == 1, values < 0)
    if values.dtype.kind == "M":
        return values.astype("datetime64[s]")
    return values
