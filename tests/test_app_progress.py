"""AppTest of the progress and targets pages: first run, scope, widget changes, saving."""

import pytest
from sqlalchemy import text
from streamlit.testing.v1 import AppTest

from core.db import make_engine
from tests.helpers import open_page


@pytest.fixture
def app(sqlite_seeded_url, monkeypatch, navigation_mode):
    monkeypatch.setenv("DATABASE_URL", sqlite_seeded_url)
    monkeypatch.delenv("GM_LANGUAGE", raising=False)
    return sqlite_seeded_url


@pytest.fixture
def own_county(county_copy, monkeypatch, navigation_mode):
    """A county of its own, for tests that save targets (a copy of the session template)."""
    monkeypatch.setenv("DATABASE_URL", county_copy)
    return county_copy


def tables(at: AppTest) -> dict:
    """The page's read-only tables by the key the page gives them (AppTest keeps no key
    for a read-only st.dataframe, so they are told apart by their columns and order)."""
    out = {}
    for df in (d.value for d in at.dataframe if d.editing_mode == "read_only"):
        name = (
            "progress_lags"
            if "who" in df
            else "progress_forecast"
            if "year_end" in df
            else "targets_history"
            if "old" in df
            else "progress_metrics"
            if "progress_metrics" not in out
            else "progress_children"
        )
        out[name] = df
    return out


def frame(at: AppTest, key: str):
    return tables(at)[key]


def number(text_value: str) -> float:
    """A shown figure ('46,800', '89.6') as a number; '—' as NaN."""
    return float("nan") if text_value == "—" else float(text_value.replace(",", ""))


def names(url: str, sql: str) -> set[str]:
    with make_engine(url).connect() as conn:
        return set(conn.execute(text(sql)).scalars())


# ---- progress ---------------------------------------------------------------------------


def test_head_office_sees_the_bank_and_ranks_branches(app):
    at = open_page("hq", "pages/progress.py")
    assert at.title[0].value == "业绩进度"
    assert "数据截至 2026-11-23" in at.caption[0].value and "全年 89.6%" in at.caption[0].value
    metrics = frame(at, "progress_metrics")
    due = metrics["time_pct"].map(number)
    assert len(metrics) == 15 and due.dropna().eq(89.6).all()
    assert due.isna().sum() == 4  # the four rates are judged against 100 %, not time
    assert set(metrics["rank"]) == {"—"}  # the bank has no peers to rank against
    assert set(metrics["status"]) <= {"领先", "正常", "滞后", "严重滞后", "—"}
    branches = frame(at, "progress_children")
    assert len(branches) == 21 and list(branches["rank"]) == list(range(1, 22))
    assert branches["completion_pct"].is_monotonic_decreasing  # same due: best completion first
    labels = {m.label for m in at.metric}
    assert {"走访完成 / 全年计划", "高端客户走访覆盖率 / 目标", "营销成功率 / 目标"} <= labels
    assert len(at.get("plotly_chart")) == 2
    lags = frame(at, "progress_lags")
    assert len(lags) > 0 and (lags["behind_pts"] > 5).all()


def test_drill_down_to_a_branch_then_a_manager(app):
    at = open_page("hq", "pages/progress.py")
    at.selectbox(key="progress_branch").set_value(1).run()
    assert any("营业部 · 下级排名" in s.value for s in at.subheader)
    managers = frame(at, "progress_children")
    mine = names(app, "SELECT name FROM manager WHERE branch_id = 1")
    assert set(managers["name"]) == mine
    first = at.selectbox(key="progress_manager").options[1]  # shown by name
    with make_engine(app).connect() as conn:
        first_id = conn.execute(
            text("SELECT MIN(id) FROM manager WHERE branch_id = 1")
        ).scalar_one()
    at.selectbox(key="progress_manager").set_value(first_id).run()
    assert not at.exception
    assert not any("下级排名" in s.value for s in at.subheader)  # a manager has nobody below
    assert any(s.value.startswith(f"{first} · 各项指标") for s in at.subheader)


def test_switching_period_to_the_month(app):
    at = open_page("hq", "pages/progress.py")
    year = frame(at, "progress_metrics").set_index("name")
    at.segmented_control(key="progress_period").set_value("month").run()
    month = frame(at, "progress_metrics").set_index("name")
    assert number(month.loc["走访次数", "time_pct"]) == pytest.approx(100 * 23 / 30, abs=0.05)
    assert number(month.loc["走访次数", "target"]) < number(year.loc["走访次数", "target"]) / 10


def test_branch_leader_sees_only_their_managers_and_the_laggard(app):
    at = open_page("branch", "pages/progress.py")
    assert [s.key for s in at.selectbox] == ["progress_manager", "progress_metric"]
    mine = names(app, "SELECT name FROM manager WHERE branch_id = 1")
    others = names(app, "SELECT name FROM manager WHERE branch_id <> 1") - mine
    assert set(frame(at, "progress_children")["name"]) == mine
    lags = frame(at, "progress_lags")
    who = {w.split(" · ")[1] for w in lags["who"]}
    assert who <= mine | {"营业部"} and not who & others
    laggard = names(
        app, "SELECT name FROM manager WHERE id = (SELECT MAX(id) FROM manager WHERE branch_id = 1)"
    ).pop()
    assert any(w == f"客户经理 · {laggard}" for w in lags["who"])


def test_a_manager_sees_only_themself(app):
    at = open_page("manager", "pages/progress.py")
    assert [s.key for s in at.selectbox] == ["progress_metric"]
    assert not any("下级排名" in s.value for s in at.subheader)
    assert len(frame(at, "progress_metrics")) == 15
    lags = tables(at).get("progress_lags")
    me = names(
        app,
        "SELECT name FROM manager WHERE id = (SELECT manager_id FROM app_user "
        "WHERE username = 'manager')",
    ).pop()
    if lags is not None:
        assert set(lags["who"]) == {f"客户经理 · {me}"}


def test_changing_the_metric_redraws_the_trend(app):
    at = open_page("hq", "pages/progress.py")
    at.selectbox(key="progress_metric").set_value("visits").run()
    assert any("趋势:走访次数" in s.value for s in at.subheader)
    assert "走访次数" in frame(at, "progress_forecast")["metric"].tolist()


def test_english(app):
    at = open_page("hq", "pages/progress.py")
    at.sidebar.segmented_control(key="lang").set_value("en").run()
    assert not at.exception and at.title[0].value == "Progress against targets"
    assert "Deposit increase" in set(frame(at, "progress_metrics")["name"])


# ---- targets ----------------------------------------------------------------------------


def test_head_office_splits_the_bank_and_saves(own_county):
    at = open_page("hq", "pages/targets.py")
    assert at.title[0].value == "目标管理"
    at.selectbox(key="targets_metric").set_value("visits").run()
    editor = at.data_editor[0].value
    assert len(editor) == 21
    at.selectbox(key="targets_method").set_value("equal").run()
    equal = at.data_editor[0].value
    assert equal["target"].max() - equal["target"].min() <= 1
    assert {m.label: m.value for m in at.metric}["差额"] == "+0.0000 个"
    at.button(key="targets_save").click().run()
    assert not at.exception and any("已保存" in s.value for s in at.success)
    with make_engine(own_county).connect() as conn:
        values = conn.execute(
            text(
                "SELECT value FROM target WHERE year = 2026 AND month = 0 "
                "AND org_level = 'branch' AND metric = 'visits'"
            )
        ).scalars()
        assert (
            max(values)
            - min(
                conn.execute(
                    text(
                        "SELECT value FROM target WHERE year = 2026 AND month = 0 AND org_level = 'branch' "
                        "AND metric = 'visits'"
                    )
                ).scalars()
            )
            <= 1
        )
        logged = conn.execute(
            text(
                "SELECT COUNT(*) FROM target_change WHERE user_id = 1 AND "
                "metric = 'visits' AND source = 'split'"
            )
        ).scalar_one()
    assert logged > 0
    history = frame(at, "targets_history")  # the change shows in the history tab
    assert (history[history["source"] == "页面分解"]["user"] == "总行分析员").sum() == logged


def test_a_mismatch_is_shown_and_blocks_saving(own_county):
    with make_engine(own_county).begin() as conn:  # branch targets no longer add up
        conn.execute(
            text(
                "UPDATE target SET value = value + 7 WHERE year = 2026 AND month = 0 "
                "AND org_level = 'branch' AND org_id = 3 AND metric = 'visits'"
            )
        )
    at = open_page("hq", "pages/targets.py")
    at.selectbox(key="targets_metric").set_value("visits").run()
    at.selectbox(key="targets_method").set_value("manual").run()
    assert {m.label: m.value for m in at.metric}["差额"] == "+7.0000 个"
    assert any("不能保存" in e.value and "差 +7" in e.value for e in at.error)
    assert at.button(key="targets_save").disabled
    at.selectbox(key="targets_method").set_value("last_year").run()
    assert not at.button(key="targets_save").disabled


def test_branch_leader_splits_to_their_managers(own_county):
    at = open_page("branch", "pages/targets.py")
    at.selectbox(key="targets_metric").set_value("visits").run()
    assert "本支行年度目标(总行下达)" in {m.label for m in at.metric}
    mine = names(own_county, "SELECT name FROM manager WHERE branch_id = 1")
    assert set(at.data_editor[0].value["name"]) == mine
    assert len(at.tabs) == 3  # no actuals tab for a branch leader
    at.selectbox(key="targets_method").set_value("equal").run()
    at.segmented_control(key="targets_months").set_value("even").run()
    at.button(key="targets_save").click().run()
    assert any("已保存" in s.value for s in at.success)
    with make_engine(own_county).connect() as conn:
        months = (
            conn.execute(
                text(
                    "SELECT DISTINCT value FROM target WHERE year = 2026 AND month > 0 AND "
                    "org_level = 'manager' AND metric = 'visits' AND org_id IN "
                    "(SELECT id FROM manager WHERE branch_id = 1)"
                )
            )
            .scalars()
            .all()
        )
    assert months == [50.0]  # 600 a year, evenly


def test_head_office_recomputes_actuals(own_county):
    at = open_page("hq", "pages/targets.py")
    at.button(key="targets_recompute").click().run()
    assert not at.exception and any("已重新计算" in s.value for s in at.success)
