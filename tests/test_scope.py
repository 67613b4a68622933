"""Who sees what: a branch leader never gets another branch's rows, a manager never another
manager's; checked against the database on SQLite and PostgreSQL."""

import pandas as pd
import pytest
from sqlalchemy import text

from core.db import read_frame
from core.grids.overview import load_breakdown, load_headline
from core.scope import Scope


def query(engine, sql, **params):
    with engine.connect() as conn:
        return read_frame(conn, text(sql), params)


def test_scope_needs_its_org_unit():
    with pytest.raises(ValueError):
        Scope("branch")
    with pytest.raises(ValueError):
        Scope("manager", branch_id=1)
    with pytest.raises(ValueError):
        Scope("admin")


def test_manager_scope_refuses_a_table_without_manager_column():
    from core.models import Grid

    with pytest.raises(TypeError):
        Scope("manager", 1, 1).where(Grid.branch_id)


def test_branch_leader_sees_only_their_branch(seeded_engine):
    branches = query(seeded_engine, "SELECT id, name FROM branch")
    total = load_headline(seeded_engine, Scope("hq")).customers
    seen = 0
    for branch_id in branches["id"]:
        scope = Scope("branch", int(branch_id))
        head = load_headline(seeded_engine, scope)
        expected = query(
            seeded_engine,
            """SELECT COUNT(*) AS n, SUM(deposit_balance) AS d
                                           FROM customer WHERE branch_id = :b""",
            b=branch_id,
        )
        assert head.customers == expected["n"][0]
        assert head.deposits == pytest.approx(float(expected["d"][0] or 0))
        table = load_breakdown(seeded_engine, scope)
        own = set(
            query(seeded_engine, "SELECT name FROM manager WHERE branch_id = :b", b=branch_id)[
                "name"
            ]
        )
        assert set(table["name"]) <= own  # only their own managers appear
        assert table["customers"].sum() == head.customers
        seen += head.customers
    assert seen == total  # the branches partition the bank


def test_manager_sees_only_their_own_customers(seeded_engine):
    managers = query(seeded_engine, "SELECT id, branch_id FROM manager")
    for manager_id, branch_id in zip(managers["id"], managers["branch_id"], strict=False):
        scope = Scope("manager", int(branch_id), int(manager_id))
        head = load_headline(seeded_engine, scope)
        n = query(
            seeded_engine, "SELECT COUNT(*) AS n FROM customer WHERE manager_id = :m", m=manager_id
        )["n"][0]
        assert head.customers == n
        table = load_breakdown(seeded_engine, scope)
        grids = set(
            query(
                seeded_engine,
                """SELECT g.name FROM grid g JOIN grid_staff s
                                            ON s.grid_id = g.id
                                            WHERE s.manager_id = :m AND s.post = 'A'""",
                m=manager_id,
            )["name"]
        )
        assert set(table["name"]) <= grids
        assert table["customers"].sum() == n


def test_a_manager_of_another_branch_is_not_visible_to_a_branch_leader(seeded_engine):
    m = query(
        seeded_engine,
        """SELECT m.name, m.branch_id FROM manager m
                                WHERE m.branch_id <> 1 ORDER BY m.id""",
    )
    names_elsewhere = set(m["name"]) - set(
        query(seeded_engine, "SELECT name FROM manager WHERE branch_id = 1")["name"]
    )
    table = load_breakdown(seeded_engine, Scope("branch", 1))
    assert not names_elsewhere & set(table["name"])
    assert isinstance(table, pd.DataFrame) and len(table) > 0
