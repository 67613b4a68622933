"""The rows of a customers file that are as they were when last written.

A bank's nightly customers file is its whole book, and from one night to the next only
about one customer in a hundred changes. Every customer row the loader writes keeps the
hash of the file row it came from (``customer.source_hash``); the next file's rows with the
same customer number and the same hash are neither checked again nor written, so a nightly
load of a million customers checks and writes the changed ones only.

A row's hash covers its cells as the file gives them (under our column keys, so a mapping
profile's headers do not matter), which columns the file has, the coordinate system the
load assumes and what a customer's place is found from (the villages and the service area,
as they are with the load's own files): when any of those change, every row counts as
changed. A customer number given twice is never taken as unchanged (the duplicate must be
reported), and a closed customer has no hash (back in the file, it is written again).

The hash is 64 bits: two different rows of one customer share it by chance about once in
2**64 loads. The hash is not a secret and not a defence: whoever writes the bank's files
decides what is loaded anyway.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import shapely

from core.bank_data.arrays import arrow_text
from core.bank_data.spec import Table

VERSION = b"customers-rows-1"  # change to make every stored hash stale
SEPARATOR = "\x1f"  # between a row's cells
ESCAPE = "\x1e"  # before a separator or an escape inside a cell (:func:`_unambiguous`)


def salt(crs: str, villages: pd.DataFrame | None, area) -> bytes:
    """What a row's hash depends on besides its cells: the hash's version, the default
    coordinate system ``crs`` and where customers are placed: ``villages`` (code, name,
    town_code, town_name: the database's with this load's files) and the service area
    ``area`` (a shapely geometry or None), to the micro-degree.

    Examples
    --------
    >>> v = pd.DataFrame({"code": ["2"], "name": ["甲村"], "town_code": ["1"], "town_name": ["乙镇"]})
    >>> salt("WGS84", v, None) == salt("WGS84", v.copy(), None), salt("WGS84", v, None) == salt("GCJ02", v, None)
    (True, False)
    """
    digest = hashlib.blake2b(VERSION + crs.encode(), digest_size=16)
    if villages is not None and len(villages):
        listed = villages[["code", "name", "town_code", "town_name"]].astype(str)
        listed = listed.sort_values("code", ignore_index=True)
        digest.update(pd.util.hash_pandas_object(listed, index=False).to_numpy().tobytes())
    if area is not None and not area.is_empty:
        digest.update(shapely.to_wkb(shapely.normalize(shapely.set_precision(area, 1e-6))))
    return digest.digest()


def row_hashes(table: Table, salt_: bytes) -> np.ndarray:
    """One int64 hash per row of ``table``: its cells in the order of their column keys.

    Examples
    --------
    >>> from core.bank_data.spec import BY_STEM
    >>> frame = pd.DataFrame({"cust_no": ["C1", "C2", "C1"], "name": ["张三", "李四", "张三"]})
    >>> h = row_hashes(Table(BY_STEM["customers"], "c.csv", frame, np.array([2, 3, 4]), {}), b"")
    >>> bool(h[0] == h[2]), bool(h[0] == h[1]), h.dtype.name
    (True, False, 'int64')
    """
    keys = sorted(table.frame.columns)
    cells = [_unambiguous(arrow_text(table.frame[k])) for k in keys]
    joined = pc.binary_join_element_wise(
        *cells, SEPARATOR, null_handling="replace", null_replacement=""
    )
    key = hashlib.blake2b(salt_ + "\x1e".join(keys).encode(), digest_size=8).hexdigest()
    # as UTF-8 bytes: the same hash as of the text, without decoding a million rows
    data = joined.cast(pa.binary()).to_numpy(zero_copy_only=False)
    return pd.util.hash_array(data, hash_key=key, categorize=False).view(np.int64)


def _unambiguous(cells: pa.Array) -> pa.Array:
    r"""A column's cells with the separator and the escape character escaped, so that no two
    different rows join into the same text (done only where a cell holds either).

    Examples
    --------
    >>> _unambiguous(pa.array(["a\x1f", "b"])).to_pylist()
    ['a\x1es', 'b']
    """
    if not pc.any(pc.match_substring_regex(cells, "[\x1e\x1f]")).as_py():
        return cells
    cells = pc.replace_substring(cells, ESCAPE, ESCAPE + ESCAPE)
    return pc.replace_substring(cells, SEPARATOR, ESCAPE + "s")


def split(table: Table, held: pd.DataFrame, salt_: bytes) -> tuple[Table, np.ndarray, np.ndarray]:
    """The rows of a customers ``table`` to check and write, their hashes, and the customer
    numbers of the rows left out because they are as last written (``held``: the
    database's customers with cust_no and source_hash, 0 where none)."""
    hashes = row_hashes(table, salt_)
    held = held[held["source_hash"] != 0]
    if held.empty:
        return table, hashes, np.array([], dtype=object)
    numbers = pd.Index(arrow_text(table.frame["cust_no"]).to_numpy(zero_copy_only=False))
    at = pd.Index(held["cust_no"]).get_indexer(numbers)
    stored = held["source_hash"].to_numpy()
    same = (at >= 0) & ~numbers.duplicated(keep=False)
    same[same] = stored[at[same]] == hashes[same]
    if not same.any():
        return table, hashes, np.array([], dtype=object)
    keep = np.flatnonzero(~same)
    rest = replace(
        table,
        frame=table.frame.iloc[keep].reset_index(drop=True),
        rows=np.asarray(table.rows)[keep],
    )
    return rest, hashes[keep], numbers.to_numpy()[same]
