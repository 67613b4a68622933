"""Every write function checks its actor's role and scope in core: each wrong role and a
branch leader of another branch get ``Forbidden``, an audit row ``denied`` is written, and
nothing else changes; the right actor still succeeds."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime

import pandas as pd
import pytest
from shapely.geometry import shape
from sqlalchemy import text

from core.customers import lists, tags
from core.customers.explorer import Filters
from core.customers.tagging_run import profile_customers, recompute_tags
from core.db import table_counts
from core.grids import changes as grid_changes
from core.grids import staffing
from core.performance import sheet_imports, targets
from core.performance import target_sheets as excel
from core.performance.actuals import recompute_actuals
from core.permissions import SYSTEM, Actor, Forbidden
from core.scope import Scope
from core.visits import planner as visits
from core.visits import visit_log
from tests.helpers import AS_OF

SKIP = {"audit_log", "user_session"}


def rows(engine, sql: str, **params) -> list:
    with engine.connect() as conn:
        return conn.execute(text(sql), params).all()


def digest(engine, tables) -> dict[str, str]:
    """A fingerprint of every row of ``tables`` (compares contents, not only counts)."""
    out = {}
    for table in tables:
        data = rows(engine, f'SELECT * FROM "{table}" ORDER BY 1')
        out[table] = hashlib.sha256(repr([tuple(map(str, r)) for r in data]).encode()).hexdigest()
    return out


def state(engine, tables) -> tuple:
    counts = {k: v for k, v in table_counts(engine).items() if k not in SKIP}
    return counts, digest(engine, tables)


def denials(engine) -> list:
    return rows(engine, "SELECT user_id, entity FROM audit_log WHERE action = 'denied' ORDER BY id")


class Cast:
    """The demo's people and others made from them (an Actor is user id + scope)."""

    def __init__(self, engine):
        users = {
            u: (i, b, m)
            for i, u, b, m in rows(
                engine, "SELECT id, username, branch_id, manager_id FROM app_user"
            )
        }
        self.hq = Actor(users["hq"][0], Scope("hq"))
        uid, branch, _ = users["branch"]
        self.branch_id = branch
        self.leader = Actor(uid, Scope("branch", branch_id=branch))
        self.other_branch = rows(
            engine,
            "SELECT MIN(id) FROM branch WHERE id <> :b AND id IN (SELECT branch_id FROM manager)",
            b=branch,
        )[0][0]
        self.other_leader = Actor(uid, Scope("branch", branch_id=self.other_branch))
        muid, mbranch, manager = users["manager"]
        self.manager_id = manager
        self.manager = Actor(muid, Scope("manager", branch_id=mbranch, manager_id=manager))
        other = rows(
            engine, "SELECT MIN(manager_id) FROM customer WHERE manager_id <> :m", m=manager
        )[0][0]
        other_branch = rows(engine, "SELECT branch_id FROM manager WHERE id = :m", m=other)[0][0]
        self.other_manager = Actor(muid, Scope("manager", branch_id=other_branch, manager_id=other))


def refused(engine, call, actors, tables):
    """``call(actor)`` raises Forbidden for every actor, each audited, nothing written."""
    before = state(engine, tables)
    seen = len(denials(engine))
    for name, actor in actors.items():
        with pytest.raises(Forbidden):
            call(actor)
        after = denials(engine)
        assert len(after) == seen + 1, f"{name}: the refusal was not audited"
        assert after[-1][0] == actor.user_id, name
        seen += 1
        assert state(engine, tables) == before, f"{name}: something was written"


# ---- grids -------------------------------------------------------------------------------


def level2_change(engine, branch_id) -> grid_changes.Change:
    data = rows(
        engine,
        """SELECT g.code, g.name, g.geometry, g.branch_id,
               (SELECT manager_id FROM grid_staff s WHERE s.grid_id = g.id AND s.post = 'A'),
               (SELECT manager_id FROM grid_staff s WHERE s.grid_id = g.id AND s.post = 'B')
               FROM grid g WHERE g.level = 2 AND g.dimension = 'region' AND g.branch_id = :b
               ORDER BY g.code""",
        b=branch_id,
    )
    return grid_changes.Change(
        2,
        [grid_changes.NewGrid(c, n, shape(json.loads(g)), b, a, bb) for c, n, g, b, a, bb in data],
        branch_id,
        note="test",
    )


GRID_TABLES = ["grid", "grid_staff", "grid_version", "liaison", "customer"]


def test_level1_grid_changes_are_head_office_only(fresh_county):
    cast = Cast(fresh_county)
    change = grid_changes.Change(1, grid_changes.current_grids(fresh_county, 1), note="test")
    wrong = {"leader": cast.leader, "other leader": cast.other_leader, "manager": cast.manager}
    refused(
        fresh_county, lambda a: grid_changes.preview(fresh_county, change, a), wrong, GRID_TABLES
    )
    refused(fresh_county, lambda a: grid_changes.apply(fresh_county, change, a), wrong, GRID_TABLES)
    grid_changes.preview(fresh_county, change, cast.hq)
    grid_changes.apply(fresh_county, change, cast.hq)
    assert rows(fresh_county, "SELECT user_id FROM grid_version")[-1][0] == cast.hq.user_id


def test_level2_grid_changes_are_for_head_office_or_that_branch_leader(fresh_county):
    cast = Cast(fresh_county)
    change = level2_change(fresh_county, cast.branch_id)
    foreign = level2_change(fresh_county, cast.branch_id)
    foreign.grids[0].branch_id = cast.other_branch  # a grid slipped in for another branch
    wrong = {
        "other leader": cast.other_leader,
        "manager": cast.manager,
        "manager of another branch": cast.other_manager,
    }
    refused(
        fresh_county, lambda a: grid_changes.preview(fresh_county, change, a), wrong, GRID_TABLES
    )
    refused(fresh_county, lambda a: grid_changes.apply(fresh_county, change, a), wrong, GRID_TABLES)
    refused(
        fresh_county,
        lambda a: grid_changes.apply(fresh_county, foreign, a),
        {"leader, foreign grid": cast.leader},
        GRID_TABLES,
    )
    version = grid_changes.apply(fresh_county, change, cast.leader)
    assert (
        rows(fresh_county, "SELECT user_id FROM grid_version WHERE id = :v", v=version)[0][0]
        == cast.leader.user_id
    )


# ---- tags, segments, actuals ---------------------------------------------------------------

PROFILE_TABLES = ["tag", "tagging_run", "customer_profile", "segment"]


def test_tag_thresholds_and_runs_are_head_office_only(fresh_county):
    cast = Cast(fresh_county)
    wrong = {"leader": cast.leader, "other leader": cast.other_leader, "manager": cast.manager}
    new = {"high": {"min_aum": 300_000}}
    refused(fresh_county, lambda a: tags.save_params(fresh_county, new, a), wrong, PROFILE_TABLES)
    refused(fresh_county, lambda a: recompute_tags(fresh_county, a, AS_OF), wrong, PROFILE_TABLES)
    refused(
        fresh_county,
        lambda a: profile_customers(fresh_county, a, AS_OF, k=3),
        wrong,
        PROFILE_TABLES,
    )
    assert tags.save_params(fresh_county, new, cast.hq) == []
    recompute_tags(fresh_county, cast.hq, AS_OF)
    assert profile_customers(fresh_county, SYSTEM, AS_OF, k=3).k == 3


ACTUAL_TABLES = ["actual", "actual_run"]


def test_actuals_recompute_and_import_are_head_office_only(fresh_county):
    cast = Cast(fresh_county)
    wrong = {"leader": cast.leader, "other leader": cast.other_leader, "manager": cast.manager}
    workbook = excel.actual_template(fresh_county, Scope("hq"), 2026, 11)
    refused(fresh_county, lambda a: recompute_actuals(fresh_county, a, AS_OF), wrong, ACTUAL_TABLES)
    refused(
        fresh_county,
        lambda a: sheet_imports.import_actuals(fresh_county, a, workbook),
        wrong,
        ACTUAL_TABLES,
    )
    assert recompute_actuals(fresh_county, cast.hq, AS_OF).rows > 0
    assert sheet_imports.import_actuals(fresh_county, cast.hq, workbook) > 0


# ---- targets -----------------------------------------------------------------------------

TARGET_TABLES = ["target", "target_change"]


def test_targets_split_and_import_check_role_and_scope(fresh_county):
    cast = Cast(fresh_county)
    b = cast.branch_id
    own = rows(
        fresh_county,
        "SELECT value FROM target WHERE year = 2026 AND month = 0 AND "
        "org_level = 'branch' AND org_id = :b AND metric = 'visits'",
        b=b,
    )[0][0]
    plan = targets.propose_split(fresh_county, 2026, "visits", "branch", b, own, "equal")

    def split(actor):
        return targets.save_split(
            fresh_county, actor, 2026, "visits", "branch", b, own, plan, "even"
        )

    refused(
        fresh_county,
        split,
        {
            "other leader": cast.other_leader,
            "manager": cast.manager,
            "head office (splits the bank only)": cast.hq,
        },
        TARGET_TABLES,
    )
    workbook = excel.target_template(fresh_county, Scope("branch", branch_id=b), 2026)
    refused(
        fresh_county,
        lambda a: sheet_imports.import_targets(fresh_county, a, workbook),
        {"manager": cast.manager, "other leader (rows of another branch)": cast.other_leader},
        TARGET_TABLES,
    )
    assert split(cast.leader) == len(plan) * 12
    assert sheet_imports.import_targets(fresh_county, cast.leader, workbook) > 0  # seasonal again


# ---- staffing, lists ----------------------------------------------------------------------


def test_staffing_is_for_head_office_or_the_grids_branch_leader(fresh_county):
    cast = Cast(fresh_county)
    grid = rows(
        fresh_county,
        "SELECT MIN(id) FROM grid WHERE level = 2 AND branch_id = :b AND dimension = 'region'",
        b=cast.branch_id,
    )[0][0]
    current = staffing.load_staffing(fresh_county, cast.leader.scope, grid)
    people = current["liaisons"].reindex(columns=["id", "name", "role", "phone"])

    def save(actor):
        return staffing.save_staffing(fresh_county, actor, grid, current["a"], None, people)

    refused(
        fresh_county,
        save,
        {
            "other leader": cast.other_leader,
            "manager": cast.manager,
            "post-A manager": Actor(
                cast.manager.user_id, Scope("manager", cast.branch_id, current["a"])
            ),
        },
        ["grid_staff", "liaison", "customer"],
    )
    save(cast.leader)
    assert staffing.load_staffing(fresh_county, cast.leader.scope, grid)["b"] is None


def test_lists_are_saved_and_withdrawn_within_scope_only(fresh_county):
    cast = Cast(fresh_county)
    f = Filters(tags=("elderly_no_mobile",))
    tables = ["customer_list", "grid", "grid_staff"]

    def save(actor):
        return lists.save_list(fresh_county, actor, "老人名单", f, "list", cast.branch_id, None)

    refused(
        fresh_county, save, {"other leader": cast.other_leader, "manager": cast.manager}, tables
    )
    refused(
        fresh_county,
        lambda a: lists.save_list(
            fresh_county,
            a,
            "行业",
            Filters(industries=("茶叶",)),
            "industry",
            cast.branch_id,
            cast.manager_id,
        ),
        {"other leader": cast.other_leader, "manager": cast.manager},
        tables,
    )
    mine = save(cast.leader)
    refused(
        fresh_county,
        lambda a: lists.withdraw(fresh_county, a, "list", mine),
        {"other leader": cast.other_leader, "manager": cast.manager},
        tables,
    )
    assert lists.withdraw(fresh_county, cast.leader, "list", mine)


# ---- visit plans and the visit log --------------------------------------------------------


def test_plans_and_visits_are_a_managers_own(fresh_county):
    cast = Cast(fresh_county)
    week = visits.week_of(date.today())
    own, _ = visits.planner_frame(fresh_county, cast.manager.scope, AS_OF)
    theirs, _ = visits.planner_frame(fresh_county, cast.other_manager.scope, AS_OF)
    plan_tables = ["visit_plan", "visit_plan_item"]
    m = cast.manager_id
    refused(
        fresh_county,
        lambda a: visits.save_plan(fresh_county, a, m, week, own.head(3)),
        {"other manager": cast.other_manager, "other leader": cast.other_leader},
        plan_tables,
    )
    refused(
        fresh_county,
        lambda a: visits.save_plan(
            fresh_county, a, m, week, pd.concat([own.head(2), theirs.head(1)])
        ),
        {"manager, another's customer": cast.manager},
        plan_tables,
    )
    assert visits.save_plan(fresh_county, cast.manager, m, week, own.head(3))

    customer = int(own["id"].iloc[0])
    lon, lat = rows(fresh_county, "SELECT lon, lat FROM customer WHERE id = :c", c=customer)[0]

    def form(cid):
        return visit_log.VisitForm(
            cid,
            datetime.now().replace(microsecond=0),
            "onsite",
            "none",
            (),
            (),
            0.0,
            "",
            lon,
            lat,
            "typed",
        )

    visit_tables = ["visit", "visit_plan_item", "customer"]
    n = iter(range(100))
    refused(
        fresh_county,
        lambda a: visit_log.log_visit(fresh_county, a, form(customer), f"t{next(n)}"),
        {"head office": cast.hq, "leader": cast.leader, "other manager": cast.other_manager},
        visit_tables,
    )
    other_customer = int(theirs["id"].iloc[0])
    refused(
        fresh_county,
        lambda a: visit_log.log_visit(fresh_county, a, form(other_customer), "t-other"),
        {"manager, another's customer": cast.manager},
        visit_tables,
    )
    visit, created = visit_log.log_visit(fresh_county, cast.manager, form(customer), "t-ok")
    assert created and visit
