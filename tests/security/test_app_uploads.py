"""AppTest: hostile and broken uploads on the pages show a clear message naming the file and
never an exception (and nothing changes)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import open_page, query, shown
from tests.security.upload_payloads import SQUARE, vrt, zipped

SUBMIT = "FormSubmitter:grid_import-读取并检查"


@pytest.fixture
def county(county_copy, monkeypatch, navigation_mode):
    monkeypatch.setenv("DATABASE_URL", county_copy)
    monkeypatch.delenv("GM_MAP_TILES", raising=False)
    return county_copy


def upload_grids(at, name: str, data: bytes):
    at.get("file_uploader")[0].upload(name, data, "application/octet-stream")
    at.button(key=SUBMIT).click().run()
    return at


def grids(url: str) -> list:
    return query(url, "SELECT code, name, geometry FROM grid ORDER BY code")


def test_a_vrt_named_geojson_on_the_grids_page(county):
    database = Path(county.split("///", 1)[1])
    sql = f"SELECT password_hash AS name, '{SQUARE}' AS wkt FROM app_user"
    hashes = [h for (h,) in query(county, "SELECT password_hash FROM app_user")]
    before = grids(county)
    at = open_page("branch", "pages/grids.py")
    for name, data in (
        ("grids.geojson", vrt(str(database), sql)),
        ("grids.kml", vrt(str(database), sql)),
        ("grids.zip", zipped({"grids.shp": vrt(str(database), sql)})),
        ("grids.json", database.read_bytes()),
    ):
        upload_grids(at, name, data)
        assert len(at.exception) == 0, [e.message for e in at.exception]
        shown = [e.value for e in at.error]
        assert shown and all(name in s for s in shown), shown
        assert not any(h in s for h in hashes for s in shown)
        assert not any(str(database) in s or "SELECT" in s for s in shown)
        assert at.session_state["grid_change"] is None
    assert grids(county) == before
    assert query(county, "SELECT COUNT(*) FROM app_user")[0][0] >= 3  # the database works


def test_a_grid_code_of_another_branch_on_the_grids_page(county):
    branch_id = query(county, "SELECT branch_id FROM app_user WHERE username = 'branch'")[0][0]
    other = query(
        county,
        "SELECT code FROM grid WHERE level = 2 AND branch_id <> :b ORDER BY code LIMIT 1",
        b=branch_id,
    )[0][0]
    mine = query(
        county,
        "SELECT name, geometry FROM grid WHERE level = 2 AND branch_id = :b ORDER BY code",
        b=branch_id,
    )
    features = [
        {
            "type": "Feature",
            "properties": {"name": n, "code": other if i == 0 else f"NEW-{i}"},
            "geometry": json.loads(g),
        }
        for i, (n, g) in enumerate(mine)
    ]
    before = grids(county)
    at = open_page("branch", "pages/grids.py")
    upload_grids(
        at,
        "mine.geojson",
        json.dumps(
            {"type": "FeatureCollection", "features": features}, ensure_ascii=False
        ).encode(),
    )
    assert len(at.exception) == 0, [e.message for e in at.exception]
    assert any("[code]" in shown(e.value) and other in shown(e.value) for e in at.error), [
        e.value for e in at.error
    ]
    assert at.session_state["grid_change"] is None
    assert grids(county) == before


def test_broken_and_hostile_workbooks_on_the_targets_page(county):
    import io

    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "目标"
    wb.active.append(["年度", "全年"])
    wb.active.append(["=cmd|' /C calc'!A0", 1e300])
    out = io.BytesIO()
    wb.save(out)
    before = query(county, "SELECT COUNT(*), SUM(value) FROM target")
    at = open_page("hq", "pages/targets.py")
    for name, data in (
        ("bad-cells.xlsx", out.getvalue()),
        ("truncated.xlsx", out.getvalue()[:500]),
        ("not-a-workbook.xlsx", zipped({"readme.txt": b"x"})),
        ("vrt.xlsx", vrt("/tmp/x.sqlite")),
    ):
        uploader = next(u for u in at.get("file_uploader") if "targets_upload" in u.proto.id)
        uploader.upload(name, data, "application/octet-stream")
        at.run()
        at.button(key="targets_import").click().run()
        assert len(at.exception) == 0, [e.message for e in at.exception]
        assert at.error, name
        assert name == "bad-cells.xlsx" or any(name in e.value for e in at.error), name
        assert not any("/tmp" in e.value or "Traceback" in e.value for e in at.error)
    assert query(county, "SELECT COUNT(*), SUM(value) FROM target") == before
