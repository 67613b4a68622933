"""The explorer's filters and figures, saved lists and industry / group grids, by scope."""

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import text

from core.customers.explorer import (
    Context,
    Filters,
    by_grid,
    context,
    load_frame,
    pareto,
    penetration,
    segment_sizes,
    select_rows,
    summarize,
    top_ids,
)
from core.customers.lists import check_list, load_lists, save_list, withdraw
from core.customers.tags import default_tags, load_tags
from core.permissions import Actor, Forbidden
from core.scope import Scope
from core.vocab import PRODUCTS
from tests.helpers import AS_OF


def bits(*products: str) -> int:
    return sum(1 << PRODUCTS.index(p) for p in products)


@pytest.fixture
def frame() -> pd.DataFrame:
    tags = {t.code: t.bit for t in default_tags() if t.category == "flag"}
    return pd.DataFrame(
        {
            "id": [1, 2, 3, 4, 5],
            "branch_id": [1, 1, 2, 2, 2],
            "manager_id": [10, 10, 20, 20, 21],
            "grid2_id": [100, 101, 200, 200, -1],
            "segment_id": [7, 7, 8, 8, 9],
            "tier": pd.Categorical(["high", "basic", "core", "basic", "basic"]),
            "lifecycle": pd.Categorical(["maintain", "new", "at_risk", "potential", "maintain"]),
            "tag_mask": [
                1 << tags["dormant"],
                0,
                (1 << tags["dormant"]) | (1 << tags["maturing"]),
                0,
                1 << tags["maturing"],
            ],
            "kind": [0, 0, 1, 0, 2],
            "status": [0, 0, 0, 2, 1],
            "occupation": [0, 6, 4, 5, 7],
            "industry": [-1, -1, 0, -1, 1],
            "age": [70.0, 30.0, 45.0, 19.0, np.nan],
            "deposit": [300_000.0, 1_000.0, 60_000.0, 0.0, 9_000.0],
            "aum": [320_000.0, 1_000.0, 60_000.0, 0.0, 9_000.0],
            "loan": [0.0] * 5,
            "other_bank_deposit": [0.0, 0.0, 90_000.0, 20_000.0, 0.0],
            "products": [
                bits("debit_card", "time_deposit"),
                bits("debit_card", "mobile_banking"),
                bits("acquiring", "loan"),
                0,
                bits("debit_card"),
            ],
        }
    )


@pytest.fixture
def ctx() -> Context:
    return Context(
        tuple(default_tags()),
        ("五金建材", "茶叶"),
        ((900, Filters(kinds=("merchant",)).to_json()),),
    )


@pytest.mark.parametrize(
    "filters, ids",
    [
        (Filters(), [1, 2, 3, 4, 5]),
        (Filters(branches=(2,)), [3, 4, 5]),
        (Filters(grids=(200,)), [3, 4]),
        (Filters(grids=(100, 900)), [1, 3]),  # a region grid or the merchants' industry grid
        (Filters(tags=("dormant",)), [1, 3]),
        (Filters(tags=("dormant", "maturing")), [3]),
        (Filters(tiers=("basic",)), [2, 4, 5]),
        (Filters(lifecycles=("new", "at_risk")), [2, 3]),
        (Filters(segments=(8, 9)), [3, 4, 5]),
        (Filters(kinds=("merchant", "corporate")), [3, 5]),
        (Filters(occupations=("retiree",)), [2]),
        (Filters(industries=("五金建材",)), [3]),
        (Filters(age_min=40), [1, 3]),  # unknown ages never pass an age filter
        (Filters(age_max=30), [2, 4]),
        (Filters(aum_min=50_000, aum_max=100_000), [3]),
        (Filters(held=("debit_card",)), [1, 2, 5]),
        (Filters(held=("debit_card",), missing=("mobile_banking",)), [1, 5]),
        (Filters(missing=("debit_card", "mobile_banking")), [3, 4]),
    ],
)
def test_each_filter_selects_the_rows_it_names(frame, ctx, filters, ids):
    assert frame.loc[select_rows(frame, filters, ctx), "id"].tolist() == ids


def test_filters_survive_json_and_refuse_anything_else():
    f = Filters(
        branches=(1, 2), tags=("dormant",), age_min=60, aum_max=5e5, missing=("mobile_banking",)
    )
    assert Filters.from_json(f.to_json()) == f
    for bad in (
        '{"branch": [1]}',
        '{"branches": "1"}',
        '{"age_min": "60"}',
        '{"branches": [true]}',
        '["dormant"]',
        '{"tags": [1]}',
    ):
        with pytest.raises(ValueError):
            Filters.from_json(bad)


def test_unknown_tags_in_a_filter_are_an_error(frame, ctx):
    with pytest.raises(ValueError, match="unknown tags"):
        select_rows(frame, Filters(tags=("vip",)), ctx)


def test_pareto_curve_and_long_tail():
    curve = pareto(np.array([80.0, 10.0, 5.0, 3.0, 2.0]))
    assert curve.loc[curve["top"].round(2) == 0.2, "share"].iloc[0] == pytest.approx(0.8)
    assert curve["share"].iloc[-1] == pytest.approx(1.0) and curve["share"].iloc[0] == 0
    assert (np.diff(curve["share"]) >= -1e-12).all()
    assert pareto(np.array([]))["share"].max() == 0


def test_summary_sizes_penetration_and_grids(frame, ctx):
    mask = select_rows(frame, Filters(branches=(2,)), ctx)
    s = summarize(frame, mask)
    assert s.customers == 3 and s.deposits == 69_000
    assert s.deposit_share == pytest.approx(69_000 / 370_000)
    segs = pd.DataFrame(
        {"id": [8, 9], "code": ["S01", "S02"], "name_zh": ["甲", "乙"], "name_en": ["a", "b"]}
    )
    sizes = segment_sizes(frame, mask, segs)
    assert sizes[["segment_id", "customers"]].values.tolist() == [[8, 2], [9, 1]]
    assert sizes["deposit_share"].sum() == pytest.approx(1.0)
    pen = penetration(frame, mask)
    assert pen.loc[8, "acquiring"] == 0.5 and pen.loc[9, "debit_card"] == 1.0
    assert by_grid(frame, mask).values.tolist() == [[200, 2, 60_000.0]]
    assert top_ids(frame, mask, limit=2) == [3, 5]


# ---- in the database --------------------------------------------------------------------


def test_a_branch_leader_explores_only_their_branch(seeded_engine):
    bank = load_frame(seeded_engine, Scope("hq"), AS_OF)
    branch = load_frame(seeded_engine, Scope("branch", branch_id=3), AS_OF)
    with seeded_engine.connect() as conn:
        n = conn.execute(text("SELECT COUNT(*) FROM customer WHERE branch_id = 3")).scalar()
    assert len(branch) == n > 0 and set(branch["branch_id"]) == {3}
    assert len(bank) > len(branch)
    # the figures of the branch are the bank's restricted to it
    ctx = context(seeded_engine, load_tags(seeded_engine))
    inside = select_rows(bank, Filters(branches=(3,)), ctx)
    assert summarize(bank, inside).deposits == pytest.approx(branch["deposit"].sum())


def test_lists_are_checked_saved_and_seen_by_their_scopes(fresh_county):
    with fresh_county.connect() as conn:
        m_other = conn.execute(text("SELECT id FROM manager WHERE branch_id = 2")).scalar()
        m_mine = conn.execute(text("SELECT id FROM manager WHERE branch_id = 1")).scalar()
    f = Filters(tags=("elderly_no_mobile",))
    leader = Scope("branch", branch_id=1)
    keys = {p.key for p in check_list(fresh_county, leader, " ", Filters(), "list", 1, m_other)}
    assert keys == {
        "name.empty",
        "problem.list.no_filter",
        "problem.list.manager_branch",
    }  # that manager is not of branch 1
    assert {p.key for p in check_list(fresh_county, leader, "x", f, "list", 2, None)} == {
        "problem.list.own_branch"
    }  # a branch leader hands lists only within their branch
    assert {p.key for p in check_list(fresh_county, leader, "x", f, "group", 1, None)} == {
        "problem.list.needs_manager"
    }  # a group grid needs its manager
    assert check_list(fresh_county, Scope("manager", 1, m_mine), "x", f, "list", 1, None)
    with pytest.raises(Forbidden):  # handing a list to another branch is refused
        save_list(fresh_county, Actor(2, leader), "跨行", f, "list", 2, None)
    hq_list = save_list(
        fresh_county, Actor(1, Scope("hq")), "老年未开手机银行", f, "list", 2, None, customers=12
    )
    mine = save_list(fresh_county, Actor(2, leader), "本行老人", f, "list", 1, m_mine)
    grid = save_list(
        fresh_county,
        Actor(2, leader),
        "茶叶商户",
        Filters(industries=("茶叶",)),
        "industry",
        1,
        m_mine,
    )
    assert set(load_lists(fresh_county, Scope("hq"))["name"]) == {
        "老年未开手机银行",
        "本行老人",
        "茶叶商户",
    }
    assert set(load_lists(fresh_county, leader)["name"]) == {"本行老人", "茶叶商户"}
    manager = load_lists(fresh_county, Scope("manager", 1, m_mine))
    assert set(manager["name"]) == {"本行老人", "茶叶商户"}
    assert set(load_lists(fresh_county, Scope("branch", branch_id=2))["id"]) == {hq_list}
    with fresh_county.connect() as conn:
        row = conn.execute(
            text("SELECT level, dimension, geometry, branch_id FROM grid WHERE id = :g"),
            {"g": grid},
        ).one()
        owner = conn.execute(
            text("SELECT manager_id FROM grid_staff WHERE grid_id = :g AND post = 'A'"), {"g": grid}
        ).scalar()
        grids_on_overview = conn.execute(
            text("SELECT COUNT(*) FROM grid WHERE dimension = 'region'")
        ).scalar()
    assert tuple(row) == (2, "industry", None, 1) and owner == m_mine
    # an industry grid is a saved filter the explorer applies
    ctx = context(fresh_county, load_tags(fresh_county))
    assert grid in dict(ctx.saved_grids)
    assert grids_on_overview == 21 + 155
    with pytest.raises(Forbidden):
        withdraw(fresh_county, Actor(3, Scope("branch", branch_id=2)), "list", mine)
    assert withdraw(fresh_county, Actor(2, leader), "list", mine)
    assert set(load_lists(fresh_county, leader)["name"]) == {"茶叶商户"}
