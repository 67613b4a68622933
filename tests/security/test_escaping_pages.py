"""Script from data on the pages (issue 10, finding 2): with hostile grid, branch, manager,
customer, list and user names planted, every Markdown element (titles, captions, cards,
messages, the sidebar) holds the escaped text, never the raw payload, and the map script
holds no raw payload either. AppTest (no browser)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import text

from core.db import make_engine
from core.escape import markdown
from tests.helpers import map_script, open_page, query

PAYLOAD = "<img src=x onerror=alert(1)>[x](javascript:alert(1))![y](http://evil/x.png)${alert(1)}"
# none of these may reach Markdown unescaped (not preceded by a backslash)
RAW = [
    re.compile(p)
    for p in (r"(?<!\\)<img", r"(?<!\\)\]\(javascript", r"(?<!\\)!\[y", r"(?<!\\)\$\{alert")
]


def name(field: str) -> str:
    return f"{field}{PAYLOAD}"


@pytest.fixture
def hostile(county_copy, monkeypatch, navigation_mode):
    """A county whose names (the branch leader's branch, its grids and managers, its
    customers, a list, the branch leader's display name) are payloads."""
    monkeypatch.setenv("DATABASE_URL", county_copy)
    monkeypatch.delenv("GM_MAP_TILES", raising=False)
    engine = make_engine(county_copy)
    with engine.begin() as conn:
        b = conn.execute(
            text("SELECT branch_id FROM app_user WHERE username = 'branch'")
        ).scalar_one()
        conn.execute(text("UPDATE branch SET name = :n WHERE id = :b"), {"n": name("支行"), "b": b})
        conn.execute(
            text("UPDATE grid SET name = :n WHERE branch_id = :b"), {"n": name("网格"), "b": b}
        )
        conn.execute(
            text("UPDATE manager SET name = :n WHERE branch_id = :b"), {"n": name("经理"), "b": b}
        )
        conn.execute(
            text("UPDATE customer SET name = :n, address = :n WHERE branch_id = :b"),
            {"n": name("客户"), "b": b},
        )
        conn.execute(
            text("UPDATE app_user SET display_name = :n WHERE username = 'branch'"),
            {"n": name("行长")},
        )
    engine.dispose()
    return county_copy, b


def markdown_texts(at) -> list[str]:
    """The source of every element Streamlit renders as Markdown, sidebar included."""
    out = []
    for kind in (
        "markdown",
        "caption",
        "subheader",
        "header",
        "title",
        "error",
        "warning",
        "info",
        "success",
    ):
        out += [e.value for e in at.get(kind)]
    return out


def assert_escaped(at, *fields: str) -> None:
    texts = markdown_texts(at)
    for t in texts:
        for raw in RAW:
            assert not raw.search(t), (raw.pattern, t)
    joined = "\n".join(texts)
    for field in fields:
        assert markdown(name(field)) in joined, (field, texts)


def test_the_map_card_and_sidebar(hostile):
    url, b = hostile
    grid = query(url, "SELECT id FROM grid WHERE level = 2 AND branch_id = :b ORDER BY id", b=b)[0][
        0
    ]
    at = open_page("branch", "pages/map.py")
    at.session_state["map_grid"] = grid
    at.run()
    assert not at.exception
    assert_escaped(at, "网格", "支行", "行长")
    assert any(s.value == markdown(name("网格")) for s in at.subheader)
    script = map_script(at)
    for raw in ("<img", "${alert", "onerror=alert(1)>"):
        assert raw not in script


def test_the_customer_view(hostile):
    url, _b = hostile
    customer = query(
        url,
        "SELECT c.id FROM customer c JOIN app_user u ON u.username = "
        "'manager' WHERE c.manager_id = u.manager_id ORDER BY c.id",
    )[0][0]
    at = open_page("manager", "pages/customer.py")
    at.session_state["customer_id"] = customer
    at.run()
    assert not at.exception
    assert_escaped(at, "客户", "网格", "支行", "经理")


@pytest.mark.parametrize(
    "page",
    [
        "pages/lists.py",
        "pages/overview.py",
        "pages/audit.py",
        "pages/visit_check.py",
        "pages/progress.py",
    ],
)
def test_captions_and_headings_naming_the_branch(hostile, page):
    at = open_page("branch", page)
    assert not at.exception
    assert_escaped(at, "支行", "行长")


def test_a_saved_list_name_is_shown_escaped(hostile):
    url, _ = hostile
    at = open_page("branch", "pages/segments.py")
    at.multiselect(key="xf_tags").set_value(["other_bank_funds"]).run()
    at.segmented_control(key="xf_view").set_value("customers").run()
    at.text_input(key="sl_name").input(name("名单"))
    at.button(key="FormSubmitter:save_list-保存").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert query(url, "SELECT name FROM customer_list")[0][0] == name("名单")
    assert_escaped(at, "名单", "支行")
