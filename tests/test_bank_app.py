"""The second county in the running app: after ``core load`` of 青石县's files, a head-office
user created with the user administration and a loaded manager whose account head office
set up open the map, the explorer, progress, the audit and the visit planner - and no page
opens the demo county's files."""

from __future__ import annotations

import builtins
from datetime import date

import pytest

from core.access.users import create_user, reactivate, reset_password
from core.bank_data.load import LoadOptions, load_folder
from core.db import make_engine, upgrade
from core.permissions import SYSTEM
from tests.helpers import app_database, open_page, shown
from tests.second_county import write_county

PASSWORD = "Qingshi-2026!x"


@pytest.fixture(scope="module")
def qingshi_url(tmp_path_factory):
    folder = tmp_path_factory.mktemp("qingshi_files")
    write_county(folder)
    url = f"sqlite:///{tmp_path_factory.mktemp('qingshi_db') / 'qingshi.sqlite'}"
    engine = make_engine(url)
    upgrade(engine)
    result = load_folder(engine, folder, SYSTEM, LoadOptions(as_of=date(2026, 11, 30)))
    assert result.status == "done"
    create_user(engine, SYSTEM, "qs.admin", "hq", display_name="总行管理员", password=PASSWORD)
    reactivate(engine, SYSTEM, "K001")
    reset_password(engine, SYSTEM, "K001", password=PASSWORD)
    engine.dispose()
    return url


@pytest.fixture
def qingshi(qingshi_url, monkeypatch, navigation_mode):
    real_open = builtins.open

    def guarded(file, *args, **kwargs):
        assert "pingtang" not in str(file), f"opened a demo file: {file}"
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", guarded)
    with app_database(qingshi_url):
        yield qingshi_url


@pytest.mark.parametrize(
    "page", ["pages/map.py", "pages/segments.py", "pages/progress.py", "pages/audit.py"]
)
def test_head_office_of_the_second_county_works(qingshi, page):
    at = open_page("qs.admin", page, PASSWORD)
    text = " ".join(shown(m.value) for m in at.markdown) + " ".join(c.value for c in at.caption)
    assert "平塘" not in text
    if page == "pages/audit.py":
        assert any("首次数据加载" in w.value for w in at.warning)


def test_a_loaded_manager_plans_their_week(qingshi):
    at = open_page("K001", "pages/visits.py", PASSWORD)
    assert not at.exception
    assert any("客户经理1" in shown(m.value) for m in at.markdown) or at.dataframe
