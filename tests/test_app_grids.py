"""AppTest of the map, grid-management and staffing pages: scope, problems, apply."""

import json

import pytest

from tests.helpers import map_script, open_page


@pytest.fixture
def own_county(county_copy, monkeypatch, navigation_mode):
    """The app on a county of its own (these tests change grids); navigation mode as in
    tests/test_app.py."""
    monkeypatch.setenv("DATABASE_URL", county_copy)
    monkeypatch.delenv("GM_MAP_TILES", raising=False)
    return county_copy


@pytest.mark.parametrize(
    "username, level1, level2_at_most", [("hq", 21, 155), ("branch", 1, 10), ("manager", 1, 5)]
)
def test_map_draws_the_grids_of_the_scope(own_county, username, level1, level2_at_most):
    at = open_page(username, "pages/map.py")
    script = map_script(at)
    assert script.count('"level": 1') == level1
    assert 1 <= script.count('"level": 2') <= level2_at_most
    assert "https://" not in script  # tiles none: nothing leaves the machine


def test_map_metric_switch_recolours(own_county):
    at = open_page("hq", "pages/map.py")
    before = map_script(at)
    at.segmented_control(key="map_metric").set_value("deposits_wan").run()
    assert not at.exception
    after = map_script(at)
    assert before != after and after.count('"level": 2') == 155


def test_branch_applies_a_level2_proposal_and_restores_it(own_county):
    at = open_page("branch", "pages/grids.py")
    at.button(key="propose").click().run()
    labels = {m.label: m.value for m in at.metric}
    assert labels["换网格或换经理的客户"] != "0"
    assert labels["盲区客户 变更前→后"] == "0 → 0"
    at.button(key="grid_change_apply").click().run()
    assert any("已应用为版本 1" in s.value for s in at.success)
    at = open_page("branch", "pages/grids.py")
    at.dataframe(key="versions")  # the applied version is listed


def test_import_of_a_bad_file_names_the_problem_and_saves_nothing(own_county):
    at = open_page("branch", "pages/grids.py")
    bowtie = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": "坏网格"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [
                        [
                            [107.30, 25.80],
                            [107.32, 25.82],
                            [107.32, 25.80],
                            [107.30, 25.82],
                            [107.30, 25.80],
                        ]
                    ],
                },
            }
        ],
    }
    uploader = at.get("file_uploader")
    assert uploader
    uploader[0].upload("bad.geojson", json.dumps(bowtie).encode(), "application/geo+json")
    at.button(key="FormSubmitter:grid_import-读取并检查").click().run()
    assert any("自相交" in e.value or "Self-intersection" in e.value for e in at.error)
    assert at.session_state["grid_change"] is None


def test_staffing_refuses_the_same_person_in_both_posts(own_county):
    at = open_page("branch", "pages/staffing.py")
    a = at.selectbox[1]
    b = at.selectbox[2]
    b.set_value(a.value)
    at.button(
        key=next(k.key for k in at.button if k.key.startswith("FormSubmitter:staffing"))
    ).click().run()
    assert any("A岗与B岗不能是同一人" in e.value for e in at.error)


def test_a_manager_has_no_grid_management_pages(own_county):
    at = open_page("manager", "pages/map.py")
    with pytest.raises(ValueError):
        at.switch_page("pages/grids.py")
