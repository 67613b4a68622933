"""Mapping profiles (core.bank_data.profiles): saved by head office only, checked, audited,
and read back by the file reader."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from core.bank_data.profiles import (
    check_profile,
    delete_profile,
    list_profiles,
    load_profile,
    save_profile,
    suggest_mapping,
)
from core.bank_data.read import read_table
from core.permissions import SYSTEM, Actor, Forbidden
from core.problems import ProblemError
from core.scope import Scope

MANAGER = Actor(None, Scope("manager", branch_id=1, manager_id=1))
BRANCH = Actor(None, Scope("branch", branch_id=1))
PROFILE = {
    "customers": {"客户姓名": "name", "身份证号": "id_number", "所属村居": "village_code"},
    "balances": {"客户编号": "cust_no", "存款": "deposit", "贷款": "loan", "备注": None},
}


def audit(engine) -> list[tuple]:
    with engine.connect() as conn:
        return conn.execute(
            text("SELECT action, entity, entity_id FROM audit_log ORDER BY id")
        ).all()


def test_a_profile_round_trip(empty_engine):
    first = save_profile(empty_engine, SYSTEM, " 某农商行 ", PROFILE)
    assert load_profile(empty_engine, "某农商行") == PROFILE
    listed = list_profiles(empty_engine)
    assert listed[["name", "kinds"]].values.tolist() == [["某农商行", "balances, customers"]]
    assert listed["updated_at"].notna().all()
    # saved again under the same name: replaced, same id
    again = save_profile(empty_engine, SYSTEM, "某农商行", {"staff": {"柜员号": "code"}})
    assert again == first
    assert load_profile(empty_engine, "某农商行") == {"staff": {"柜员号": "code"}}
    delete_profile(empty_engine, SYSTEM, "某农商行")
    assert list_profiles(empty_engine).empty
    assert audit(empty_engine) == [
        ("data_profile", "mapping_profile", "某农商行"),
        ("data_profile", "mapping_profile", "某农商行"),
        ("data_profile_delete", "mapping_profile", "某农商行"),
    ]


def test_a_saved_profile_reads_the_banks_file(empty_engine):
    save_profile(empty_engine, SYSTEM, "核心系统", PROFILE)
    data = "客户编号|月份|存款|贷款|备注\nC1|2026-03|1|2|x\n".encode("gb18030")
    table, problems = read_table(
        data, "balances.txt", mapping=load_profile(empty_engine, "核心系统")
    )
    assert problems == [] and table.frame["deposit"].tolist() == ["1"]
    assert table.ignored == ["备注"]


@pytest.mark.parametrize("actor", [MANAGER, BRANCH], ids=["manager", "branch"])
def test_only_head_office_saves_or_deletes(empty_engine, actor):
    with pytest.raises(Forbidden):
        save_profile(empty_engine, actor, "x", PROFILE)
    assert list_profiles(empty_engine).empty
    save_profile(empty_engine, SYSTEM, "x", PROFILE)
    with pytest.raises(Forbidden):
        delete_profile(empty_engine, actor, "x")
    assert list_profiles(empty_engine)["name"].tolist() == ["x"]
    assert [row[:2] for row in audit(empty_engine)] == [
        ("denied", "data_profile"),
        ("data_profile", "mapping_profile"),
        ("denied", "data_profile"),
    ]


def test_a_bad_profile_is_refused_and_nothing_saved(empty_engine):
    bad = {
        "customers": {"客户姓名": "name", "姓名": "name", "电话": "telephone", " ": "address"},
        "territory": {"代码": "code"},
    }
    with pytest.raises(ProblemError) as err:
        save_profile(empty_engine, SYSTEM, "n" * 51, bad)
    assert [p.key for p in err.value.problems] == [
        "load.read.profile_name",
        "load.read.profile_twice",
        "load.read.profile_key",
        "load.read.profile_header",
        "load.read.profile_kind",
    ]
    twice = err.value.problems[1]
    assert twice.text("zh") == "customers [姓名]:列“客户名称”被对应了两次(“姓名”和“客户姓名”)"
    assert list_profiles(empty_engine).empty
    assert audit(empty_engine) == []


def test_other_profile_faults():
    assert [p.key for p in check_profile("x", {})] == ["load.read.profile_empty"]
    assert [p.key for p in check_profile("x", {"staff": {"工 号": "code", "工号": "code"}})] == [
        "load.read.profile_same"
    ]


def test_an_unknown_profile_is_named(empty_engine):
    with pytest.raises(ProblemError) as err:
        load_profile(empty_engine, "无此方案")
    assert err.value.texts("en") == ["There is no mapping profile named '无此方案'"]
    with pytest.raises(ProblemError):
        delete_profile(empty_engine, SYSTEM, "无此方案")


def test_suggestions_for_a_foreign_export():
    headers = ["客户编号", "客户姓名", "身份证号码", "联系手机", "所属村居代码", "开户日", "备注"]
    assert suggest_mapping(headers, "customers") == {
        "客户编号": "cust_no",
        "客户姓名": "name",
        "身份证号码": "id_number",
        "联系手机": "phone",
        "所属村居代码": "village_code",
        "开户日": "opened_on",
        "备注": None,
    }
