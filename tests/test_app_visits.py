"""AppTest of the visit planner, the visit log and the visit checks."""

import pytest
from sqlalchemy import text

from core.db import make_engine
from tests.helpers import map_script, open_page, query


@pytest.fixture
def county(county_copy, monkeypatch, navigation_mode):
    """A county of its own (a copy of the session template)."""
    monkeypatch.setenv("DATABASE_URL", county_copy)
    monkeypatch.delenv("GM_MAP_TILES", raising=False)
    return county_copy


def test_a_manager_saves_the_week_and_sees_its_route(county):
    at = open_page("manager", "pages/visits.py")
    manager = query(county, "SELECT manager_id FROM app_user WHERE username = 'manager'")[0][0]
    mine = query(county, "SELECT COUNT(*) FROM customer WHERE manager_id = :m", m=manager)[0][0]
    picked = min(mine, 36)
    assert at.metric[0].value == f"{picked} / 36"
    at.button(key="visits_save").click().run()
    assert not at.error, [e.value for e in at.error]
    assert any("路线已按天排好" in s.value for s in at.success)
    items = query(county, "SELECT day, seq FROM visit_plan_item")
    assert len(items) == picked and all(day is not None for day, _ in items)
    at.segmented_control(key="visits_view").set_value("route").run()
    assert not at.exception
    script = map_script(at)
    assert script.count("route-day") == len({day for day, _ in items})
    assert "https://" not in script
    assert any(b.label == "下载走访清单(Excel)" for b in at.get("download_button"))


def test_fill_by_score_respects_the_filters(county):
    manager = query(county, "SELECT manager_id FROM app_user WHERE username = 'manager'")[0][0]
    engine = make_engine(county)
    with engine.begin() as conn:  # one customer last seen two years ago: the only one overdue
        conn.execute(
            text(
                "UPDATE customer SET last_visit_on = '2024-11-01' WHERE id = "
                "(SELECT MIN(id) FROM customer WHERE manager_id = :m)"
            ),
            {"m": manager},
        )
    engine.dispose()
    at = open_page("manager", "pages/visits.py")
    at.button(key="visits_clear").click().run()
    assert at.metric[0].value == "0 / 36"
    at.toggle(key="vf_overdue").set_value(True).run()
    at.button(key="visits_top").click().run()
    assert not at.exception and at.metric[0].value == "1 / 36"
    assert at.dataframe[0].value["pick"].tolist() == [True]


def test_a_branch_leader_views_only_their_managers(county):
    at = open_page("branch", "pages/visits.py")
    branch = query(county, "SELECT branch_id FROM app_user WHERE username = 'branch'")[0][0]
    theirs = {r[0] for r in query(county, "SELECT id FROM manager WHERE branch_id = :b", b=branch)}
    assert set(at.selectbox(key="visits_manager").options) == {
        name for (name,) in query(county, "SELECT name FROM manager WHERE branch_id = :b", b=branch)
    }
    assert theirs
    with pytest.raises(ValueError):
        at.switch_page("pages/visit_log.py")  # visits are logged by the manager


def test_a_visit_sent_twice_is_stored_once(county):
    plan = open_page("manager", "pages/visits.py")
    plan.button(key="visits_save").click().run()
    at = open_page("manager", "pages/visit_log.py")
    before = query(county, "SELECT COUNT(*) FROM visit")[0][0]
    customer = at.selectbox(key="vl_customer").value
    lon, lat = query(county, "SELECT lon, lat FROM customer WHERE id = :c", c=customer)[0]
    at.number_input(key="vl_lon").set_value(round(lon + 0.001, 6))
    at.number_input(key="vl_lat").set_value(round(lat, 6))
    at.selectbox(key="vl_outcome").set_value("mobile_banking")
    at.button(key="FormSubmitter:visit_form-保存走访").click().run()
    assert not at.error, [e.value for e in at.error]
    assert any("已保存走访记录" in s.value for s in at.success)
    at.button(key="FormSubmitter:visit_form-保存走访").click().run()  # sent again
    assert any("已保存过" in s.value for s in at.success)
    assert query(county, "SELECT COUNT(*) FROM visit")[0][0] == before + 1
    row = query(county, "SELECT outcome, checkin_source, lon FROM visit ORDER BY id DESC")[0]
    assert row[0] == "mobile_banking" and row[1] == "typed"
    assert (
        query(county, "SELECT COUNT(*) FROM visit_plan_item WHERE visit_id IS NOT NULL")[0][0] == 1
    )
    at.button(key="vl_next").click().run()  # the next visit gets a form of its own
    assert at.number_input(key="vl_lon").value is None


def test_an_on_site_visit_without_check_in_is_refused(county):
    open_page("manager", "pages/visits.py").button(key="visits_save").click().run()
    at = open_page("manager", "pages/visit_log.py")
    before = query(county, "SELECT COUNT(*) FROM visit")[0][0]
    at.button(key="FormSubmitter:visit_form-保存走访").click().run()
    assert any("签到位置" in e.value and "上门走访须签到位置" in e.value for e in at.error)
    assert query(county, "SELECT COUNT(*) FROM visit")[0][0] == before


def test_the_branch_leader_checks_their_managers_visits(county):
    at = open_page("branch", "pages/visit_check.py")
    branch = query(county, "SELECT branch_id FROM app_user WHERE username = 'branch'")[0][0]
    names = {n for (n,) in query(county, "SELECT name FROM manager WHERE branch_id = :b", b=branch)}
    summary = at.dataframe[0].value
    assert set(summary["manager"]) <= names and len(summary) > 0
    at.segmented_control(key="check_days").set_value(365).run()
    assert not at.exception
    assert map_script(at).count('"level": 2') >= 1
