"""One masking policy in core for every output: each role against each output that carries
a customer's personal fields, and name search that cannot rebuild a masked name."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd
import pytest
from sqlalchemy import text

from core import masking
from core.customers.customer_view import customer_rows, find_customers, load_customer
from core.grids.queries import grid_card
from core.grids.staffing import load_staffing
from core.permissions import Actor
from core.scope import Scope
from core.visits.field_sheet import sheet_rows
from core.visits.planner import load_plan, planner_frame, save_plan, week_of
from core.visits.visit_log import VisitForm, flags_by_manager, log_visit, scope_visits
from tests.helpers import AS_OF, shown


def rows(engine, sql: str, **params) -> list:
    with engine.connect() as conn:
        return conn.execute(text(sql), params).all()


def masked(value) -> bool:
    return isinstance(value, str) and "*" in value


@pytest.fixture
def county(fresh_county):
    """The county, its demo people and one customer of the demo manager."""
    users = {
        u: (i, b, m)
        for i, u, b, m in rows(
            fresh_county, "SELECT id, username, branch_id, manager_id FROM app_user"
        )
    }
    _, branch, manager = users["manager"]
    actors = {
        "hq": Actor(users["hq"][0], Scope("hq")),
        "branch": Actor(users["branch"][0], Scope("branch", branch_id=users["branch"][1])),
        "manager": Actor(users["manager"][0], Scope("manager", branch, manager)),
    }
    customer = rows(
        fresh_county,
        "SELECT id, cust_no, name, phone, address, id_number "
        "FROM customer WHERE manager_id = :m AND kind = 'individual' "
        "AND length(name) >= 3 ORDER BY id",
        m=manager,
    )[0]
    return fresh_county, actors, customer


# who sees what in full: (name, phone/address); the ID number never
FULL = {"hq": (False, False), "branch": (True, False), "manager": (True, True)}


@pytest.mark.parametrize("role", ["hq", "branch", "manager"])
def test_customer_view_and_search(county, role):
    engine, actors, c = county
    actor = actors[role]
    sees_name, sees_contact = FULL[role]
    p = load_customer(engine, actor.scope, c.id, AS_OF, user_id=actor.user_id)["profile"]
    assert (p["name"] == c.name) is sees_name and masked(p["name"]) is not sees_name
    for field in ("phone", "address"):
        assert (p[field] == getattr(c, field)) is sees_contact, field
    assert masked(p["id_number"]) and p["id_number"] != c.id_number
    found = find_customers(engine, actor.scope, c.cust_no, user_id=actor.user_id)
    assert found["name"].tolist() == [c.name if sees_name else masking.mask_name(c.name)]
    assert set(found.columns) == {"id", "cust_no", "name", "branch"}  # no contact fields


@pytest.mark.parametrize("role", ["hq", "branch", "manager"])
def test_tables_and_cards_made_for_choosing_mask_names_and_phones(county, role):
    engine, actors, c = county
    scope = actors[role].scope
    table = customer_rows(engine, scope, [c.id])
    assert table["name"].map(masked).all() and table["phone"].map(masked).all()
    grid = rows(engine, "SELECT grid2_id FROM customer WHERE id = :c", c=c.id)[0][0]
    card = grid_card(engine, scope, grid)
    assert len(card["opportunities"]) and card["opportunities"]["name"].map(masked).all()
    assert card["liaisons"]["phone"].map(masked).all()
    staff = load_staffing(engine, scope, grid)
    if staff is not None:  # managers do not staff grids
        assert staff["liaisons"]["phone"].map(masked).all()


def test_visit_checks_mask_customer_names_for_head_office(county):
    engine, actors, c = county
    lon, lat = rows(engine, "SELECT lon, lat FROM customer WHERE id = :c", c=c.id)[0]
    log_visit(
        engine,
        actors["manager"],
        VisitForm(
            c.id,
            datetime.now().replace(microsecond=0) - timedelta(minutes=5),
            "onsite",
            "none",
            (),
            (),
            0.0,
            "",
            lon + 0.05,
            lat,
            "typed",
        ),
        "far-away",
    )  # flagged: far from them
    since = date.today() - timedelta(days=2)
    for role, sees_name in (("hq", False), ("branch", True)):
        visits = scope_visits(engine, actors[role].scope, since)
        names = visits.loc[visits["customer_id"] == c.id, "customer"]
        assert len(names) and bool((names == c.name).all()) is sees_name, role
        assert bool(names.map(masked).all()) is not sees_name, role
        flags, _ = flags_by_manager(visits)
        shown = flags.loc[flags["customer_id"] == c.id, "customer"]
        assert len(shown) and bool(shown.map(masked).all()) is not sees_name, role
        everyone = visits["customer"].dropna()
        assert bool(everyone.map(masked).all()) is not sees_name  # every row, not just ours


def test_planner_plan_and_field_sheet_follow_the_viewer(county):
    engine, actors, c = county
    manager = actors["manager"].scope
    frame, _ = planner_frame(engine, manager, AS_OF)
    week = week_of(date.today())
    save_plan(engine, actors["manager"], manager.manager_id, week, frame[frame["id"] == c.id])
    for role in ("hq", "branch", "manager"):
        viewer = actors[role].scope
        sees_name, sees_contact = FULL[role]
        rows_, _ = planner_frame(engine, manager, AS_OF, viewer)
        assert bool(rows_["name"].map(masked).all()) is not sees_name, role
        plan = load_plan(engine, viewer, manager.manager_id, week)
        assert plan["name"].tolist() == [c.name if sees_name else masking.mask_name(c.name)]
        for field in ("phone", "address"):
            assert (plan[field].iloc[0] == getattr(c, field)) is sees_contact, (role, field)
        sheet = sheet_rows(plan, sees_contact)  # the sheet carries what the plan carries
        assert (sheet["phone"].iloc[0] == c.phone) is sees_contact


def test_name_search_cannot_rebuild_a_masked_name(county):
    engine, actors, c = county
    hq, leader = actors["hq"], actors["branch"]
    # every prefix, suffix and inner part of the name finds nothing for head office ...
    parts = {c.name[:i] for i in range(1, len(c.name))} | {
        c.name[i:] for i in range(1, len(c.name))
    }
    parts |= {
        c.name[1:-1],
        masking.mask_name(c.name),
        c.name[0] + "%",
        "%",
        "_" * len(c.name),
        c.name[:-1] + "_",
        c.name[:1] + "%" + c.name[-1:],
    }
    for part in parts:
        found = find_customers(engine, hq.scope, part, user_id=hq.user_id)
        assert c.id not in set(found["id"]), part
    # ... so guessing character by character learns nothing; the full name finds them, masked
    exact = find_customers(engine, hq.scope, c.name, user_id=hq.user_id)
    assert c.id in set(exact["id"]) and (exact["name"] == masking.mask_name(c.name)).all()
    # a branch leader sees names in full, so a part of a name is fine for them
    assert c.id in set(find_customers(engine, leader.scope, c.name[:2])["id"])
    # wildcards are text, not patterns, for everyone
    assert find_customers(engine, leader.scope, "%").empty
    # every search is in the audit log with its query
    logged = rows(
        engine,
        "SELECT user_id, detail FROM audit_log WHERE action = 'search_customer' AND user_id = :u",
        u=hq.user_id,
    )
    assert len(logged) == len(parts) + 1
    assert all('"query"' in d for _, d in logged)
    assert any(f'"query": "{c.name}"' in d for _, d in logged)


def test_policy_table():
    mine, leader, hq = Scope("manager", 1, 7), Scope("branch", 1), Scope("hq")
    for field in masking.FIELDS:
        assert not masking.shows(hq, field, 7)
    assert masking.shows(mine, "phone", 7) and not masking.shows(mine, "phone", 8)
    assert not masking.shows(mine, "phone", None) and not masking.shows(mine, "phone", float("nan"))
    assert masking.shows(leader, "name") and not masking.shows(leader, "address", 7)
    assert not any(masking.shows(s, "id_number", 7) for s in (mine, leader, hq))
    assert not masking.shows(mine, "name", 7, bulk=True)
    frame = pd.DataFrame({"name": ["张三丰"], "phone": ["13812345678"], "manager_id": [7]})
    assert masking.apply_policy(mine, frame).iloc[0].tolist() == ["张三丰", "13812345678", 7]
    assert masking.apply_policy(leader, frame).iloc[0].tolist() == ["张三丰", "138****5678", 7]
    assert masking.apply_policy(hq, frame).iloc[0].tolist() == ["张**", "138****5678", 7]
    with pytest.raises(ValueError):
        masking.shows(hq, "email")


def test_head_office_search_page_needs_the_full_name(county_copy, monkeypatch, navigation_mode):
    from tests.helpers import open_page, query

    monkeypatch.setenv("DATABASE_URL", county_copy)
    cid, name = query(
        county_copy,
        "SELECT id, name FROM customer WHERE kind = 'individual' AND length(name) >= 3 ORDER BY id",
    )[0]
    at = open_page("hq", "pages/customer.py")
    at.text_input(key="customer_query").input(name[:2]).run()
    assert len(at.exception) == 0
    assert any("完整姓名" in c.value for c in at.caption)
    assert "customer_pick" not in [s.key for s in at.selectbox]
    at.text_input(key="customer_query").input(name).run()
    assert len(at.exception) == 0
    pick = at.selectbox(key="customer_pick")
    assert pick.value == cid
    assert masking.mask_name(name) in shown(at.subheader[0].value) and name not in str(
        [m.value for m in at.markdown] + [s.value for s in at.subheader]
    )
