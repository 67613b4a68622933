"""Names at input (issue 10, finding 2): control characters (line breaks, U+2028/U+2029,
bidi overrides, zero-width, escape sequences, NUL), over-long and empty names are refused at
every input - grid names and codes (file import, drawing), liaison names, list names and
notes, visit notes - and nothing is written (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import datetime, timedelta

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import shape
from sqlalchemy import text

from core.customers.explorer import Filters
from core.customers.lists import save_list
from core.escape import clean_name, clean_text
from core.grids.changes import apply, change_from_drawing, change_from_file, check_change
from core.grids.staffing import load_staffing, save_staffing
from core.permissions import Actor
from core.problems import ProblemError, Term
from core.scope import Scope
from core.visits.visit_log import VisitForm, log_visit

BRANCH7 = Actor(2, Scope("branch", 7))  # the leader of branch 7

CONTROL = [
    "网格\u202e1",
    "a\u2028b",
    "a\u2029b",
    "a\nb",
    "a\rb",
    "a\tb",
    "a\x00b",
    "a\x1b[31mb",
    "a\u200bb",
    "\ufeffa",
    "a\x85b",
    "a\u2066b\u2069",
    "a\x7fb",
]
BAD_NAMES = [*CONTROL, "x" * 101, "  ", ""]
NOTE_CONTROL = ["a\u202eb", "a\u2028b", "a\x00b", "a\x1b[2Jb", "a\u200fb"]


def count(engine, sql: str, **params) -> int:
    with engine.connect() as conn:
        return conn.execute(text(sql), params).scalar_one()


def state(engine) -> tuple:
    return (
        count(engine, "SELECT COUNT(*) FROM grid"),
        count(engine, "SELECT COUNT(*) FROM grid_version"),
        count(engine, "SELECT COUNT(*) FROM liaison"),
        count(engine, "SELECT COUNT(*) FROM customer_list"),
        count(engine, "SELECT COUNT(*) FROM visit"),
    )


@pytest.mark.parametrize("name", BAD_NAMES)
def test_clean_name_refuses(name):
    problem = clean_name(name, "grid_name", 100)
    assert problem is not None
    assert problem.key == (
        "name.empty" if not name.strip() else "name.too_long" if len(name) > 100 else "name.control"
    )
    assert "网格名称" in problem.text("zh") and "grid name" in problem.text("en")


@pytest.mark.parametrize("name", ["城关一组", "  营业部 3 号网格 ", "O'Brien & 张-1", "x" * 100])
def test_clean_name_accepts_ordinary_names(name):
    assert clean_name(name, "grid_name", 100) is None


def test_notes_keep_line_breaks_but_not_control_characters():
    assert clean_text("第一行\n第二行\r\n\t缩进", "visit_notes", 2000) is None
    assert clean_text("", "visit_notes", 2000) is None
    for note in [*NOTE_CONTROL, "x" * 2001]:
        assert clean_text(note, "visit_notes", 2000) is not None, repr(note)


def _branch_grid(engine, branch_id: int = 7):
    with engine.connect() as conn:
        return conn.execute(
            text(
                "SELECT id, geometry FROM grid WHERE level = 2 AND "
                "branch_id = :b AND dimension = 'region' ORDER BY id"
            ),
            {"b": branch_id},
        ).first()


@pytest.mark.parametrize("name", ["a\u202eb", "a\u2028b", "x" * 101, "a\nb"])
def test_a_drawn_grid_with_a_bad_name_is_refused(fresh_county, name):
    import json

    before = state(fresh_county)
    grid = _branch_grid(fresh_county)
    inner = shape(json.loads(grid.geometry)).representative_point().buffer(0.001)
    change = change_from_drawing(fresh_county, 2, 7, inner, None, name)
    problems = check_change(fresh_county, change)
    assert any("网格名称" in p.message("zh") for p in problems), problems
    with pytest.raises(ValueError):
        apply(fresh_county, change, BRANCH7)
    assert state(fresh_county) == before


@pytest.mark.parametrize("field", ["name", "code"])
@pytest.mark.parametrize("value", ["a\u202eb", "a\u2029b", "a\x00b", "y" * 120])
def test_an_imported_grid_with_a_bad_name_or_code_is_refused(fresh_county, field, value):
    import json

    before = state(fresh_county)
    grid = _branch_grid(fresh_county)
    polygon = shape(json.loads(grid.geometry))
    frame = gpd.GeoDataFrame(
        {"name": ["正常网格"], "code": [None], "row": [1]}, geometry=[polygon], crs="EPSG:4326"
    )
    frame.loc[0, field] = value
    change, problems = change_from_file(fresh_county, frame, 2, 7)
    problems += check_change(fresh_county, change)
    label = "网格名称" if field == "name" else "网格编码"
    assert any(label in p.message("zh") for p in problems), problems
    with pytest.raises(ValueError):
        apply(fresh_county, change, BRANCH7)
    assert state(fresh_county) == before


@pytest.mark.parametrize("name", ["张\u202e三", "李\u2028四", "王\n五", "z" * 51])
def test_a_liaison_with_a_bad_name_is_refused(fresh_county, name):
    before = state(fresh_county)
    grid = _branch_grid(fresh_county).id
    current = load_staffing(fresh_county, Scope("branch", 7), grid)
    table = pd.DataFrame(
        {
            "id": [None, None],
            "name": [name, "赵六"],
            "role": ["村干部", "农金员"],
            "phone": ["13800000001", "13800000002"],
        }
    )
    with pytest.raises(ValueError, match="liaison"):
        save_staffing(fresh_county, BRANCH7, grid, current["a"], None, table)
    assert state(fresh_county) == before
    assert (
        load_staffing(fresh_county, Scope("branch", 7), grid)["liaisons"]["name"].tolist()
        == current["liaisons"]["name"].tolist()
    )


@pytest.mark.parametrize(
    "name, note",
    [
        ("名单\u202e", ""),
        ("a\u2028b", ""),
        ("n" * 101, ""),
        (" ", ""),
        ("好名单", "说明\u202e"),
        ("好名单", "n" * 201),
    ],
)
@pytest.mark.parametrize("kind", ["list", "group"])
def test_a_list_with_a_bad_name_or_note_is_refused(fresh_county, name, note, kind):
    before = state(fresh_county)
    manager = count(fresh_county, "SELECT MIN(id) FROM manager WHERE branch_id = 7 AND active")
    with pytest.raises(ValueError):
        save_list(fresh_county, BRANCH7, name, Filters(tiers=("high",)), kind, 7, manager, 10, note)
    assert state(fresh_county) == before


@pytest.mark.parametrize("notes", [*NOTE_CONTROL, "n" * 2001])
def test_a_visit_with_bad_notes_is_refused(fresh_county, notes):
    before = state(fresh_county)
    with fresh_county.connect() as conn:
        m, b = conn.execute(
            text("SELECT id, branch_id FROM manager WHERE active ORDER BY id")
        ).first()
        c = conn.execute(
            text(
                "SELECT id, lon, lat FROM customer WHERE manager_id = :m AND "
                "lon IS NOT NULL ORDER BY id"
            ),
            {"m": m},
        ).first()
    form = VisitForm(
        c.id,
        datetime.now().replace(second=0, microsecond=0) - timedelta(hours=1),
        "phone",
        "none",
        (),
        (),
        0.0,
        notes,
        None,
        None,
        None,
    )
    with pytest.raises(ProblemError) as bad:
        log_visit(fresh_county, Actor(None, Scope("manager", b, m)), form, "bad-notes")
    assert [p.field for p in bad.value.problems] == [Term("visit.field.notes")]
    assert state(fresh_county) == before
