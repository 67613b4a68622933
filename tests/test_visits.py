"""The manager's week in the database: the planner, saved and routed plans, the visit log
(idempotent, own customers only), the checks on the demo's visits, the field sheet."""

import io
from datetime import date, datetime, timedelta

import numpy as np
import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from core.customers.tags import load_tags
from core.permissions import Actor, Forbidden
from core.problems import ProblemError, Term
from core.scope import Scope
from core.visits.field_sheet import sheet_rows, to_excel, to_html
from core.visits.planner import (
    PlannerFilters,
    filter_planner,
    load_plan,
    manager_scope,
    planner_frame,
    save_plan,
    week_of,
)
from core.visits.visit_log import (
    VisitForm,
    coverage_by_grid,
    flags_by_manager,
    log_visit,
    scope_visits,
)
from tests.helpers import AS_OF

WEEK = week_of(AS_OF)


def busiest_manager(engine) -> tuple[int, int]:
    """(manager id, branch id) of the manager with the most customers."""
    with engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT c.manager_id, c.branch_id, COUNT(*) n FROM customer c "
                "WHERE c.manager_id IS NOT NULL GROUP BY c.manager_id, c.branch_id "
                "ORDER BY n DESC"
            )
        ).first()
    return int(row.manager_id), int(row.branch_id)


def scalar(engine, sql, **params):
    with engine.connect() as conn:
        return conn.execute(text(sql), params).scalar()


def test_who_may_plan_for_whom(seeded_engine):
    m, b = busiest_manager(seeded_engine)
    assert manager_scope(seeded_engine, Scope("manager", b, m), m) == Scope("manager", b, m)
    assert manager_scope(seeded_engine, Scope("branch", branch_id=b), m) is not None
    assert manager_scope(seeded_engine, Scope("branch", branch_id=b % 21 + 1), m) is None
    other = scalar(seeded_engine, "SELECT id FROM manager WHERE id <> :m", m=m)
    assert manager_scope(seeded_engine, Scope("manager", b, m), other) is None


def test_the_planner_ranks_only_the_managers_customers_with_reasons(seeded_engine):
    m, b = busiest_manager(seeded_engine)
    rows, _labels = planner_frame(seeded_engine, Scope("manager", b, m), AS_OF)
    n = scalar(seeded_engine, "SELECT COUNT(*) FROM customer WHERE manager_id = :m", m=m)
    assert len(rows) == n and rows["id"].is_unique
    assert (np.diff(rows["score"]) <= 1e-9).all()  # highest first
    mine = {
        r[0]
        for r in seeded_engine.connect().execute(
            text("SELECT id FROM customer WHERE manager_id = :m"), {"m": m}
        )
    }
    assert set(rows["id"]) == mine
    top = rows.iloc[0]
    assert top["reasons"] and top["score"] > rows["score"].median()
    # the running 开门红 campaign (from 1 December) is not running on 23 November
    assert not any(rows["campaigns"].map(bool))
    overdue = rows[rows["overdue_days"] > 0]
    assert overdue["reasons"].str.contains("逾期走访").all()


def test_planner_filters(seeded_engine):
    m, b = busiest_manager(seeded_engine)
    rows, _ = planner_frame(seeded_engine, Scope("manager", b, m), AS_OF)
    tags = load_tags(seeded_engine)
    grid = int(rows["grid2_id"].dropna().iloc[0])
    assert (
        rows.loc[filter_planner(rows, PlannerFilters(grids=(grid,)), tags), "grid2_id"] == grid
    ).all()
    late = filter_planner(rows, PlannerFilters(overdue_only=True), tags)
    assert late.sum() == (rows["overdue_days"] > 0).sum() > 0
    high = filter_planner(rows, PlannerFilters(tiers=("high",)), tags)
    assert set(rows.loc[high, "tier"]) <= {"high"}
    no_mobile = filter_planner(rows, PlannerFilters(missing=("mobile_banking",)), tags)
    assert no_mobile.sum() > 0 and (rows.loc[no_mobile, "products"] & 2 == 0).all()


def test_a_saved_plan_is_routed_from_the_outlet(fresh_county):
    m, b = busiest_manager(fresh_county)
    me = Scope("manager", b, m)
    rows, _ = planner_frame(fresh_county, me, AS_OF)
    picked = rows.head(12)
    plan = save_plan(fresh_county, Actor(3, me), m, WEEK, picked)
    saved = load_plan(fresh_county, me, m, WEEK)
    assert len(saved) == 12 and set(saved["customer_id"]) == set(picked["id"])
    assert saved["day"].notna().all() and set(saved["day"]) <= {1, 2, 3, 4, 5}
    for _, day in saved.groupby("day"):
        assert sorted(day["seq"]) == list(range(1, len(day) + 1))
    assert saved["offers"].map(len).sum() > 0
    # saving again replaces the week's plan
    assert save_plan(fresh_county, Actor(3, me), m, WEEK, rows.head(5)) == plan
    assert len(load_plan(fresh_county, me, m, WEEK)) == 5
    assert scalar(fresh_county, "SELECT COUNT(*) FROM visit_plan") == 1


def test_plans_outside_the_managers_grids_or_capacity_are_refused(fresh_county, monkeypatch):
    m, b = busiest_manager(fresh_county)
    me = Scope("manager", b, m)
    rows, _ = planner_frame(fresh_county, me, AS_OF)
    other = scalar(
        fresh_county,
        "SELECT manager_id FROM customer WHERE manager_id <> :m AND manager_id IS NOT NULL",
        m=m,
    )
    theirs, _ = planner_frame(fresh_county, manager_scope(fresh_county, Scope("hq"), other), AS_OF)
    stranger = theirs.head(1)
    with pytest.raises(Forbidden) as bad:
        save_plan(
            fresh_county, Actor(3, me), m, WEEK, rows.head(2).pipe(lambda r: r._append(stranger))
        )
    assert stranger["cust_no"].iloc[0] in bad.value.detail
    with pytest.raises(Forbidden):  # a manager cannot plan another manager's week
        save_plan(fresh_county, Actor(3, me), other, WEEK, theirs.head(2))
    monkeypatch.setenv("GM_VISITS_PER_WEEK", "3")
    with pytest.raises(ProblemError, match="more than the week's 3"):
        save_plan(fresh_county, Actor(3, me), m, WEEK, rows.head(4))
    assert scalar(fresh_county, "SELECT COUNT(*) FROM visit_plan") == 0


def _form(customer, **changes) -> VisitForm:
    fields = dict(
        customer_id=customer.id,
        visited_at=datetime.now().replace(second=0, microsecond=0) - timedelta(hours=1),
        channel="onsite",
        outcome="deposit",
        offered=("time_deposit",),
        signed=("time_deposit",),
        amount=50_000.0,
        notes="带存款单据",
        lon=float(customer.lon) + 0.0005,
        lat=float(customer.lat),
        checkin_source="typed",
    )
    fields.update(changes)
    return VisitForm(**fields)


def test_a_visit_is_stored_once_per_form_and_moves_the_plan_and_planner(fresh_county):
    m, b = busiest_manager(fresh_county)
    me = Scope("manager", b, m)
    with fresh_county.begin() as conn:  # a customer last seen two years ago: overdue
        late = conn.execute(
            text("SELECT id FROM customer WHERE manager_id = :m ORDER BY id"), {"m": m}
        ).scalar()
        conn.execute(
            text("UPDATE customer SET last_visit_on = '2024-11-01' WHERE id = :c"), {"c": late}
        )
    rows, _ = planner_frame(fresh_county, me, date.today())
    customer = rows.set_index("id").loc[late].rename(None)
    customer["id"] = late
    assert customer["overdue_days"] > 300
    save_plan(fresh_county, Actor(3, me), m, week_of(date.today()), rows[rows["id"] == customer.id])
    before = scalar(fresh_county, "SELECT COUNT(*) FROM visit")
    first, created = log_visit(fresh_county, Actor(3, me), _form(customer), "token-1")
    again, created_again = log_visit(fresh_county, Actor(3, me), _form(customer), "token-1")
    assert created and not created_again and first == again
    assert scalar(fresh_county, "SELECT COUNT(*) FROM visit") == before + 1
    assert (
        scalar(fresh_county, "SELECT last_visit_on FROM customer WHERE id = :c", c=int(customer.id))
        is not None
    )
    plan = load_plan(fresh_county, me, m, week_of(date.today()))
    assert plan.loc[plan["customer_id"] == customer.id, "visit_id"].iloc[0] == first
    after, _ = planner_frame(fresh_county, me, date.today())
    row = after.set_index("id").loc[customer.id]
    assert row["overdue_days"] == 0 and row["score"] < customer.score
    assert row["last_visit_on"] == np.datetime64(date.today())
    assert "逾期走访" not in row["reasons"] and "从未走访" not in row["reasons"]
    log_visit(fresh_county, Actor(3, me), _form(customer), "token-2")  # a second visit: a new form
    assert scalar(fresh_county, "SELECT COUNT(*) FROM visit") == before + 2


def test_bad_visits_name_their_fields_and_store_nothing(fresh_county):
    m, b = busiest_manager(fresh_county)
    me = Scope("manager", b, m)
    rows, _ = planner_frame(fresh_county, me, date.today())
    customer = rows.iloc[0]
    before = scalar(fresh_county, "SELECT COUNT(*) FROM visit")
    cases = [
        (dict(visited_at=datetime.now() + timedelta(days=1)), "visited_at"),
        (dict(lon=120.0, lat=30.0), "checkin"),  # 杭州: not in the county
        (dict(lon=None, lat=None), "checkin"),  # on site without a check-in
        (dict(amount=-5.0), "amount"),
        (dict(outcome="great"), "outcome"),
        (dict(signed=("gold",)), "signed"),
    ]
    for i, (change, field) in enumerate(cases):
        with pytest.raises(ProblemError) as bad:
            log_visit(fresh_county, Actor(3, me), _form(customer, **change), f"bad-{i}")
        assert Term(f"visit.field.{field}") in {p.field for p in bad.value.problems}
    other = scalar(fresh_county, "SELECT id FROM customer WHERE manager_id <> :m", m=m)
    with pytest.raises(Forbidden):  # another manager's customer: refused and audited
        log_visit(fresh_county, Actor(3, me), _form(customer, customer_id=other), "bad-other")
    assert scalar(fresh_county, "SELECT COUNT(*) FROM visit") == before


def test_the_checks_find_what_the_demo_planted(seeded_engine):
    visits = scope_visits(
        seeded_engine, Scope("hq"), AS_OF - timedelta(days=400), AS_OF + timedelta(days=1)
    )
    flags, summary = flags_by_manager(visits)
    rules = set(flags["rule"])
    assert {"far_checkin", "burst", "same_spot"} <= rules
    assert summary["visits"].sum() == len(visits)
    assert flags["manager"].notna().all() and flags["customer"].notna().all()
    leader = scope_visits(
        seeded_engine,
        Scope("branch", branch_id=1),
        AS_OF - timedelta(400),
        AS_OF + timedelta(days=1),
    )
    managers = {
        r[0]
        for r in seeded_engine.connect().execute(text("SELECT id FROM manager WHERE branch_id = 1"))
    }
    assert set(leader["manager_id"]) <= managers


def test_coverage_by_grid_counts_visited_customers(seeded_engine):
    since = AS_OF - timedelta(days=90)
    cov = coverage_by_grid(seeded_engine, Scope("branch", branch_id=1), since)
    grid = int(cov.iloc[0]["grid_id"])
    visited = scalar(
        seeded_engine,
        "SELECT COUNT(DISTINCT v.customer_id) FROM visit v "
        "JOIN customer c ON c.id = v.customer_id WHERE "
        "c.grid2_id = :g AND v.visited_at >= :s AND "
        "c.branch_id = 1",
        g=grid,
        s=since,
    )
    assert cov.iloc[0]["visited"] == visited
    assert ((cov["coverage_pct"] >= 0) & (cov["coverage_pct"] <= 100)).all()


def test_the_field_sheet_masks_contacts_unless_it_is_the_managers_own(fresh_county):
    m, b = busiest_manager(fresh_county)
    me = Scope("manager", b, m)
    rows, _ = planner_frame(fresh_county, me, AS_OF)
    save_plan(fresh_county, Actor(3, me), m, WEEK, rows.head(8))
    plan = load_plan(fresh_county, me, m, WEEK)
    headers = {
        c: c.upper()
        for c in ("day", "seq", "cust_no", "name", "phone", "address", "grid", "offers", "notes")
    }
    own = sheet_rows(plan, contact_shown=True)
    masked = sheet_rows(plan, contact_shown=False)
    assert (own["phone"] == plan["phone"]).all()
    assert masked["phone"].str.contains(r"\*\*\*\*").all()
    book = load_workbook(
        io.BytesIO(to_excel(own, headers, "清单", ["周一", "周二", "周三", "周四", "周五"]))
    )
    days = sorted(set(plan["day"]))
    assert len(book.sheetnames) == len(days)
    first = book[book.sheetnames[0]]
    assert first["A1"].value.startswith("导出人")  # the watermark line, then title, headers
    assert first["A2"].value == "清单" and first["A3"].value == "SEQ"
    assert first.max_row - 3 == (plan["day"] == days[0]).sum()
    page = to_html(masked, headers, "清单", ["周一", "周二", "周三", "周四", "周五"])
    assert page.count("<tr>") == len(plan) + len(days)
    assert plan["phone"].iloc[0] not in page
