"""The rows of a nightly customers file that are as last written are neither checked again
nor written (issue 12: a nightly batch of a million customers, 1 % changed, in 20 s):
``core.bank_data.unchanged``, and a reload that reopens a closed customer."""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

from core.bank_data import unchanged
from core.bank_data.spec import BY_STEM, Table

VILLAGES = pd.DataFrame(
    {
        "code": ["360999100001", "360999100002"],
        "name": ["甲村", "乙村"],
        "town_code": ["360999100", "360999100"],
        "town_name": ["丙镇", "丙镇"],
    }
)
AREA = shapely.box(116.0, 27.0, 116.5, 27.5)


def _table(rows: list[tuple[str, str, str]]) -> Table:
    frame = pd.DataFrame(rows, columns=["cust_no", "name", "phone"])
    return Table(BY_STEM["customers"], "customers.csv", frame, np.arange(2, len(rows) + 2), {})


def _held(table: Table, salt: bytes, hashed=None) -> pd.DataFrame:
    hashes = unchanged.row_hashes(table, salt)
    if hashed is not None:
        hashes = np.where(hashed, hashes, 0)
    return pd.DataFrame({"cust_no": table.frame["cust_no"], "source_hash": hashes})


def test_only_changed_new_and_doubled_rows_are_checked_again():
    salt = unchanged.salt("WGS84", VILLAGES, AREA)
    before = _table([("C1", "张三", "13800000001"), ("C2", "李四", "13800000002")])
    held = _held(before, salt)
    tonight = _table(
        [
            ("C1", "张三", "13800000001"),  # as before: left out
            ("C2", "李四", "13900000002"),  # a new mobile number
            ("C3", "王五", "13800000003"),  # new
        ]
    )
    rest, hashes, same = unchanged.split(tonight, held, salt)
    assert same.tolist() == ["C1"]
    assert rest.frame["cust_no"].tolist() == ["C2", "C3"]
    assert rest.rows.tolist() == [3, 4]  # problems still name the file's lines
    assert hashes.tolist() == unchanged.row_hashes(tonight, salt)[1:].tolist()

    doubled = _table([("C1", "张三", "13800000001"), ("C1", "张三", "13800000001")])
    rest, _, same = unchanged.split(doubled, held, salt)
    assert len(same) == 0 and len(rest.frame) == 2  # the duplicate must still be reported

    never = _held(before, salt, hashed=[False, True])  # C1 written otherwise (the demo seed)
    rest, _, same = unchanged.split(before, never, salt)
    assert same.tolist() == ["C2"] and rest.frame["cust_no"].tolist() == ["C1"]


def test_a_row_is_changed_when_its_columns_or_its_place_may_be():
    salt = unchanged.salt("WGS84", VILLAGES, AREA)
    table = _table([("C1", "张三", "13800000001")])
    held = _held(table, salt)
    renamed = VILLAGES.assign(name=["甲村", "乙家村"])
    others = [
        unchanged.salt("GCJ02", VILLAGES, AREA),  # another coordinate system assumed
        unchanged.salt("WGS84", renamed, AREA),  # a village named otherwise
        unchanged.salt("WGS84", VILLAGES, shapely.box(116.0, 27.0, 116.6, 27.5)),
    ]
    for other in others:
        assert unchanged.split(table, held, other)[2].size == 0
    # the same villages in another order and the area redrawn below a micro-degree: the same
    same = unchanged.salt("WGS84", VILLAGES.iloc[::-1], shapely.box(116.0, 27.0, 116.5000001, 27.5))
    assert unchanged.split(table, held, same)[2].tolist() == ["C1"]
    wider = Table(
        table.kind,
        table.file,
        table.frame.assign(address=""),  # a column more, even empty
        table.rows,
        {},
    )
    assert unchanged.split(wider, held, salt)[2].size == 0


def test_cells_holding_the_separator_do_not_make_two_rows_one():
    salt = unchanged.salt("WGS84", VILLAGES, AREA)
    one = _table([("C1", "张三\x1f", "13800000001")])
    other = _table([("C1", "张三", "\x1f13800000001")])
    assert unchanged.row_hashes(one, salt)[0] != unchanged.row_hashes(other, salt)[0]
