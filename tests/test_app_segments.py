"""AppTest of the explorer, lists, customer view and tags pages."""

import pytest
from streamlit.testing.v1 import AppTest

from tests.helpers import map_script, open_page, scalar


@pytest.fixture
def shared_county(sqlite_seeded_url, monkeypatch, navigation_mode):
    monkeypatch.setenv("DATABASE_URL", sqlite_seeded_url)
    return sqlite_seeded_url


@pytest.fixture
def own_county(county_copy, monkeypatch, navigation_mode):
    """A county of its own, for tests that save lists or thresholds."""
    monkeypatch.setenv("DATABASE_URL", county_copy)
    monkeypatch.delenv("GM_MAP_TILES", raising=False)
    return county_copy


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def count(value: str) -> int:
    return int(value.replace(",", ""))


def test_filters_change_the_figures_at_once(shared_county):
    at = open_page("hq", "pages/segments.py")
    everyone = count(metric(at, "客户数"))
    assert everyone == scalar(shared_county, "SELECT COUNT(*) FROM customer")
    assert metric(at, "占本范围存款") == "100.0%"
    at.multiselect(key="xf_tags").set_value(["elderly_no_mobile"]).run()
    elderly = count(metric(at, "客户数"))
    mask = scalar(shared_county, "SELECT bit FROM tag WHERE code = 'elderly_no_mobile'")
    assert (
        elderly
        == scalar(
            shared_county,
            f"SELECT COUNT(*) FROM customer_profile WHERE (tag_mask >> {mask}) & 1 = 1",
        )
        > 0
    )
    at.multiselect(key="xf_missing").set_value(["time_deposit"]).run()
    assert 0 < count(metric(at, "客户数")) < elderly
    at.multiselect(key="xf_tags").set_value([]).run()
    at.multiselect(key="xf_missing").set_value([]).run()
    at.number_input(key="xf_aum_min").set_value(20.0).run()  # 万元
    assert count(metric(at, "客户数")) == scalar(
        shared_county,
        "SELECT COUNT(*) FROM customer WHERE deposit_balance + wealth_balance >= 200000",
    )


@pytest.mark.parametrize("view", ["pareto", "penetration", "map", "customers"])
def test_every_view_draws(shared_county, view):
    at = open_page("hq", "pages/segments.py")
    at.segmented_control(key="xf_view").set_value(view).run()
    assert not at.exception, [e.message for e in at.exception]
    if view == "customers":
        table = at.dataframe[0].value
        assert len(table) == 200 and table["name"].str.contains(r"\*").all()
    elif view == "map":
        script = map_script(at)
        assert script.count('"level": 2') == 155 and "https://" not in script


def test_a_branch_leader_explores_only_their_branch(shared_county):
    at = open_page("branch", "pages/segments.py")
    branch = scalar(shared_county, "SELECT branch_id FROM app_user WHERE username = 'branch'")
    assert count(metric(at, "客户数")) == scalar(
        shared_county, "SELECT COUNT(*) FROM customer WHERE branch_id = :b", b=branch
    )
    assert not [w for w in at.multiselect if w.key == "xf_branches"]  # no branch picker
    at.segmented_control(key="xf_view").set_value("customers").run()
    table = at.dataframe[0].value
    names = scalar(shared_county, "SELECT name FROM branch WHERE id = :b", b=branch)
    assert set(table["branch"]) == {names}


def test_a_filter_saved_as_a_list_reaches_the_manager(own_county):
    at = open_page("branch", "pages/segments.py")
    at.multiselect(key="xf_tags").set_value(["other_bank_funds"]).run()
    selected = count(metric(at, "客户数"))
    at.segmented_control(key="xf_view").set_value("customers").run()
    manager = scalar(own_county, "SELECT manager_id FROM app_user WHERE username = 'manager'")
    at.text_input(key="sl_name").input("他行资金客户")
    at.selectbox(key="sl_manager").set_value(manager)
    at.button(key="FormSubmitter:save_list-保存").click().run()
    assert not at.error, [e.value for e in at.error]
    assert any("已保存「他行资金客户」" in s.value for s in at.success)
    assert scalar(own_county, "SELECT customers FROM customer_list") == selected
    mine = open_page("manager", "pages/lists.py")
    table = mine.dataframe[0].value
    assert table["name"].tolist() == ["他行资金客户"]
    # the manager counts only their own customers of the list
    bit = scalar(own_county, "SELECT bit FROM tag WHERE code = 'other_bank_funds'")
    assert table["members"].iloc[0] == scalar(
        own_county,
        f"SELECT COUNT(*) FROM customer c JOIN customer_profile p ON p.customer_id = c.id WHERE c.manager_id = :m "
        f"AND (p.tag_mask >> {bit}) & 1 = 1",
        m=manager,
    )


def test_an_empty_list_is_refused(own_county):
    at = open_page("branch", "pages/segments.py")
    at.segmented_control(key="xf_view").set_value("customers").run()
    at.button(key="FormSubmitter:save_list-保存").click().run()
    assert any(
        "名单名称不能为空" in e.value and "请至少设置一个筛选条件" in e.value for e in at.error
    )
    assert scalar(own_county, "SELECT COUNT(*) FROM customer_list") == 0


def test_the_customer_view_opens_in_scope_only(shared_county):
    at = open_page("branch", "pages/customer.py")
    branch = scalar(shared_county, "SELECT branch_id FROM app_user WHERE username = 'branch'")
    mine = scalar(
        shared_county,
        "SELECT cust_no FROM customer WHERE branch_id = :b AND status = 'active' ORDER BY id",
        b=branch,
    )
    theirs = scalar(
        shared_county, "SELECT cust_no FROM customer WHERE branch_id <> :b ORDER BY id", b=branch
    )
    at.text_input(key="customer_query").input(theirs).run()
    assert any("权限范围内没有符合的客户" in w.value for w in at.warning)
    at.text_input(key="customer_query").input(mine).run()
    assert not at.exception
    assert any(mine in s.value for s in at.subheader)
    assert any("推荐产品" in m.value for m in at.markdown)
    assert len(at.tabs) == 3


def test_head_office_edits_a_threshold_and_the_tags_recompute(own_county):
    at = open_page("hq", "pages/tags.py")
    before = scalar(own_county, "SELECT COUNT(*) FROM customer_profile WHERE tier = 'high'")
    at.number_input(key="tp_high_min_aum").set_value(100_000.0)
    at.button(key="FormSubmitter:tag_thresholds-保存并重算全部客户标签").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("已保存" in s.value for s in at.success)
    params = scalar(own_county, "SELECT params FROM tag WHERE code = 'high'")
    assert '"min_aum": 100000.0' in params
    assert scalar(own_county, "SELECT COUNT(*) FROM customer_profile WHERE tier = 'high'") > before


def test_a_refused_threshold_changes_nothing(own_county):
    at = open_page("hq", "pages/tags.py")
    at.number_input(key="tp_high_min_aum").set_value(10_000.0)  # below the core threshold
    at.button(key="FormSubmitter:tag_thresholds-保存并重算全部客户标签").click().run()
    assert any("高端客户的AUM门槛应高于核心客户" in e.value for e in at.error)
    assert '"min_aum": 200000' in scalar(own_county, "SELECT params FROM tag WHERE code = 'high'")


@pytest.mark.parametrize(
    "username, page", [("branch", "pages/tags.py"), ("manager", "pages/segments.py")]
)
def test_pages_outside_the_role_are_not_there(shared_county, username, page):
    at = open_page(username, "pages/overview.py")
    with pytest.raises(ValueError):
        at.switch_page(page)
