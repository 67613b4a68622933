"""Build the demo county into a database: ``python -m core seed``.

Deterministic for a seed and an as-of date. Everything is written in one transaction, so a
failed seed leaves the database as it was.
"""

from __future__ import annotations

import sys
import time
from datetime import date, datetime

import numpy as np
import pandas as pd
import shapely
from sqlalchemy import Engine, text

from core.access.auth import hash_password
from core.db import bulk_insert, holds_users, is_empty, reset_sequences, upgrade
from core.demo import identities as identity
from core.demo.activity import make_visits, plant_doubtful_visits
from core.demo.balances import align_to_history, make_balance_months
from core.demo.bank import BranchPlan, make_units, plan_branches, staff_grids
from core.demo.county_files import load_county, load_townships, load_villages
from core.demo.people import UnitInfo, make_customers, unit_weights
from core.demo.performance import (
    backfill_rates,
    initial_changes,
    laggard_manager,
    make_plan,
    plant_dates,
)
from core.models import Base
from core.performance.actuals import recompute_actuals
from core.permissions import SYSTEM
from geo.county import to_geojson, village_areas

OTHER_BANKS = (
    "中国农业银行",
    "中国邮政储蓄银行",
    "中国建设银行",
    "中国工商银行",
    "中国银行",
    "贵州银行",
    "村镇银行",
)
LIAISON_ROLES = ("村干部", "农金员", "网格员", "村民组长", "物业")
DEMO_PASSWORD = "demo"
ID_TABLES = [
    "bank",
    "township",
    "village",
    "area_unit",
    "branch",
    "manager",
    "app_user",
    "grid",
    "grid_staff",
    "liaison",
    "customer",
    "holding",
    "other_bank_fund",
    "visit",
    "target",
    "actual",
    "campaign",
    "target_change",
    "actual_run",
]


class Progress:
    """Prints each step with its duration; long inserts show a running percentage."""

    def __init__(self, quiet: bool = False):
        self.quiet = quiet
        self.t0 = time.perf_counter()

    def step(self, text: str) -> None:
        if not self.quiet:
            print(f"[{time.perf_counter() - self.t0:6.1f}s] {text}", flush=True)

    def rows(self, table: str):
        def report(done: int, total: int) -> None:
            if not self.quiet and total > 50_000:
                print(
                    f"\r         {table}: {done:,}/{total:,} ({done / total:.0%})",
                    end="\n" if done == total else "",
                    flush=True,
                    file=sys.stdout,
                )

        return report


def build_county(n_individuals: int, seed: int, as_of: date) -> dict[str, pd.DataFrame]:
    """Return every table of the demo county as DataFrames with explicit ids."""
    rng = np.random.default_rng(seed)
    townships = load_townships()
    villages = load_villages()
    areas = village_areas(villages, townships)
    units = make_units(villages, areas, rng)
    branches = plan_branches(units, {k: v[0] for k, v in townships.items()}, rng)

    t: dict[str, pd.DataFrame] = {}
    t["bank"] = pd.DataFrame(
        [
            {
                "id": 1,
                "code": "PTRCB",
                "name": "平塘农村商业银行",
                "county_code": "522727",
                "geometry": to_geojson(load_county()),
            }
        ]
    )
    t["township"] = pd.DataFrame(
        [
            {"id": i, "code": code, "name": name, "geometry": to_geojson(polygon)}
            for i, (code, (name, polygon)) in enumerate(sorted(townships.items()), start=1)
        ]
    )
    t["village"] = pd.DataFrame(
        [
            {
                "id": i,
                "code": v.code,
                "name": v.name,
                "short_name": v.short_name,
                "town_code": v.town_code,
                "town_name": v.town_name,
                "kind": v.kind,
                "lon": v.lon,
                "lat": v.lat,
                "households": 0,
                "residents": 0,
                "geometry": to_geojson(areas[v.code]),
                "crs": "EPSG:4326",
                "illustrative": True,
            }
            for i, v in enumerate(villages, start=1)
        ]
    )
    village_id = dict(zip(t["village"]["code"], t["village"]["id"], strict=False))
    town_name = {k: v[0] for k, v in townships.items()}

    t["branch"] = pd.DataFrame(
        [
            {
                "id": i,
                "bank_id": 1,
                "code": b.code,
                "name": b.name,
                "town_code": b.town_code,
                "is_county_town": b.is_county_town,
                "lon": round(b.lon, 6),
                "lat": round(b.lat, 6),
            }
            for i, b in enumerate(branches, start=1)
        ]
    )
    t["manager"] = _managers(branches, rng)
    weights = unit_weights([u for b in branches for u in b.units], rng)
    grids, staff, infos = _grids(branches, weights, town_name, t["manager"])
    t["grid"], t["grid_staff"] = grids, staff
    t["liaison"] = _liaisons(grids[grids["level"] == 2], rng)
    all_units = [u for b in branches for u in b.units]  # in level-2 grid order
    t["area_unit"] = pd.DataFrame(
        {
            "id": np.arange(1, len(all_units) + 1),
            "code": [u.code for u in all_units],
            "name": [u.name for u in all_units],
            "village_id": [village_id[u.village_code] for u in all_units],
            "geometry": [to_geojson(u.area) for u in all_units],
        }
    )

    customers = make_customers(infos, weights, n_individuals, rng, as_of)
    unit_grid = grids[grids["level"] == 2]["id"].to_numpy()
    unit_of = customers.pop("unit_index").to_numpy()
    customers.insert(0, "id", np.arange(1, len(customers) + 1))
    customers["grid2_id"] = unit_grid[unit_of]
    parent = dict(zip(grids["id"], grids["parent_id"], strict=False))
    customers["grid1_id"] = customers["grid2_id"].map(parent)
    customers["branch_id"] = np.array([i.branch_index + 1 for i in infos])[unit_of]
    customers["manager_id"] = t["manager"]["id"].to_numpy()[
        np.array([i.manager_index for i in infos])[unit_of]
    ]
    customers["village_id"] = [village_id[infos[u].unit.village_code] for u in unit_of]

    visits = make_visits(customers, t["manager"]["id"].to_numpy(), rng, as_of)
    visits = plant_doubtful_visits(visits, np.random.default_rng([seed, 2]))
    visits.insert(0, "id", np.arange(1, len(visits) + 1))
    last = visits.groupby("customer_id")["visited_at"].max().dt.normalize()
    customers["last_visit_on"] = customers["id"].map(last)
    t["visit"] = visits

    t["app_user"] = _demo_users(t["branch"], t["manager"], grids)
    demo_branch = int(t["app_user"].loc[t["app_user"]["username"] == "branch", "branch_id"].iloc[0])
    plan = make_plan(
        customers, t["manager"], laggard_manager(t["manager"], demo_branch), rng, as_of
    )
    plant_dates(customers, plan["want"], as_of, rng)
    t["customer"] = customers
    # a stream of its own, so adding the history left every other demo figure as it was;
    # scaled to the managers' month-end balances of the actuals below
    t["balance_month"] = align_to_history(
        make_balance_months(customers, np.random.default_rng([seed, 1]), as_of),
        customers,
        plan["history"],
    )
    t["holding"] = _holdings(customers, rng, as_of)
    t["other_bank_fund"] = _other_bank_funds(customers, rng, as_of)

    _residents(t["grid"], t["village"], customers, rng)

    t["target"] = plan["targets"].assign(id=np.arange(1, len(plan["targets"]) + 1))
    changes = initial_changes(plan["targets"], t["manager"], demo_branch, as_of.year)
    t["target_change"] = changes.assign(id=np.arange(1, len(changes) + 1))
    # the history the data cannot give (closed months' balances, last year, imported
    # metrics); the seed computes the rest from the data with core.performance.actuals
    t["actual"] = plan["history"].assign(id=np.arange(1, len(plan["history"]) + 1))
    t["campaign"] = _campaigns(as_of)
    return t


def _residents(
    grids: pd.DataFrame, villages: pd.DataFrame, customers: pd.DataFrame, rng: np.random.Generator
) -> None:
    """Adult residents and households known to live in each grid and village.

    Managers have filed 55-90 % of a grid's adult residents (建档率), less in remote
    villages; grids and villages get residents = filed customers / that rate.
    """
    level2 = grids["level"] == 2
    filed = grids.loc[level2, "id"].map(customers.groupby("grid2_id").size()).fillna(0)
    rate = rng.uniform(0.55, 0.90, int(level2.sum()))
    grids.loc[level2, "residents"] = np.ceil(filed / rate).astype(int)
    per_parent = grids[level2].groupby("parent_id")["residents"].sum()
    grids.loc[~level2, "residents"] = grids.loc[~level2, "id"].map(per_parent).fillna(0)
    grids["residents"] = grids["residents"].astype(int)
    grids["households"] = (grids["residents"] / 2.8).round().astype(int)
    # a village's residents: its grids' residents in proportion to its filed customers
    share = customers.groupby(["grid2_id", "village_id"]).size().rename("n").reset_index()
    share["of_grid"] = share["n"] / share.groupby("grid2_id")["n"].transform("sum")
    share["residents"] = share["of_grid"] * share["grid2_id"].map(
        grids.set_index("id")["residents"]
    )
    per_village = share.groupby("village_id")["residents"].sum()
    villages["residents"] = villages["id"].map(per_village).fillna(0).round().astype(int)
    villages["households"] = (villages["residents"] / 2.8).round().astype(int)


def _managers(branches: list[BranchPlan], rng: np.random.Generator) -> pd.DataFrame:
    n = sum(b.managers for b in branches)
    female = rng.random(n) < 0.45
    names = identity.make_names(rng, rng.integers(0, len(identity.SURNAMES), n), female)
    branch_ids = np.repeat(np.arange(1, len(branches) + 1), [b.managers for b in branches])
    return pd.DataFrame(
        {
            "id": np.arange(1, n + 1),
            "branch_id": branch_ids,
            "code": [f"M{i:04d}" for i in range(1, n + 1)],
            "name": names,
            "phone": identity.make_phones(rng, n),
            "active": True,
        }
    )


def _grids(
    branches: list[BranchPlan],
    weights: np.ndarray,
    town_name: dict[str, str],
    managers: pd.DataFrame,
) -> tuple[pd.DataFrame, pd.DataFrame, list[UnitInfo]]:
    """Level-1 grids (a branch's units), level-2 grids (one per unit), A/B posts balanced by
    residents, and what the customer generator needs per unit (in level-2 grid order)."""
    now = datetime(2026, 1, 1)
    level1, level2, staff, infos = [], [], [], []
    manager_ids = managers.groupby("branch_id")["id"].apply(list)
    next_id = len(branches) + 1
    for bi, b in enumerate(branches):
        gid = bi + 1
        level1.append(
            {
                "id": gid,
                "code": f"G1-{b.code}",
                "name": f"{b.name}辖区",
                "level": 1,
                "parent_id": None,
                "branch_id": gid,
                "geometry": to_geojson(shapely.union_all([u.area for u in b.units])),
            }
        )
        loads = weights[len(infos) : len(infos) + len(b.units)]
        post_a, post_b = staff_grids(loads, b.managers)
        mids = manager_ids[gid]
        for k, u in enumerate(b.units):
            level2.append(
                {
                    "id": next_id,
                    "code": f"G2-{u.code}",
                    "name": u.name,
                    "level": 2,
                    "parent_id": gid,
                    "branch_id": gid,
                    "geometry": to_geojson(u.area),
                }
            )
            staff.append({"grid_id": next_id, "manager_id": mids[post_a[k]], "post": "A"})
            if post_b[k] != post_a[k]:
                staff.append({"grid_id": next_id, "manager_id": mids[post_b[k]], "post": "B"})
            infos.append(
                UnitInfo(
                    u,
                    town_name[u.town_code],
                    bi,
                    manager_index=mids[post_a[k]] - 1,
                    urban=u.kind != "village",
                )
            )
            next_id += 1
    grids = pd.DataFrame(level1 + level2)
    grids["dimension"] = "region"
    grids["crs"] = "EPSG:4326"
    grids["saved_filter"] = None
    grids["households"] = 0
    grids["residents"] = 0
    grids["created_at"] = now
    staff_df = pd.DataFrame(staff)
    staff_df.insert(0, "id", np.arange(1, len(staff_df) + 1))
    return grids, staff_df, infos


def _liaisons(level2: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    counts = rng.integers(2, 6, len(level2))
    grid_ids = np.repeat(level2["id"].to_numpy(), counts)
    n = len(grid_ids)
    return pd.DataFrame(
        {
            "id": np.arange(1, n + 1),
            "grid_id": grid_ids,
            "name": identity.make_names(
                rng, rng.integers(0, len(identity.SURNAMES), n), rng.random(n) < 0.4
            ),
            "role": rng.choice(LIAISON_ROLES, size=n, p=[0.35, 0.25, 0.2, 0.15, 0.05]),
            "phone": identity.make_phones(rng, n),
        }
    )


def _holdings(c: pd.DataFrame, rng: np.random.Generator, as_of: date) -> pd.DataFrame:
    """Product rows whose balances add up to the customer totals."""
    as_of64 = np.datetime64(as_of, "D")
    parts = []

    def add(mask, product, balance, opened=None, matures=None, npl=None):
        n = int(mask.sum())
        parts.append(
            pd.DataFrame(
                {
                    "customer_id": c.loc[mask, "id"].to_numpy(),
                    "product": product,
                    "balance": np.round(np.asarray(balance)[mask.to_numpy()], 2),
                    "opened_on": opened[mask.to_numpy()]
                    if opened is not None
                    else c.loc[mask, "opened_on"].to_numpy(),
                    "matures_on": matures[mask.to_numpy()]
                    if matures is not None
                    else np.full(n, np.datetime64("NaT"), dtype="datetime64[D]"),
                    "npl": npl[mask.to_numpy()] if npl is not None else np.zeros(n, dtype=bool),
                }
            )
        )

    current = c["deposit_balance"] - c["time_deposit_balance"]
    add(c["deposit_balance"] > 0, "current_deposit", current)
    term_days = rng.choice([91, 182, 365, 730, 1095], size=len(c))
    opened = as_of64 - rng.integers(0, 1, len(c)) - (rng.random(len(c)) * term_days).astype(int)
    add(
        c["time_deposit_balance"] > 0,
        "time_deposit",
        c["time_deposit_balance"],
        opened=opened,
        matures=opened + term_days,
    )
    add(
        c["loan_balance"] > 0,
        "loan",
        c["loan_balance"],
        matures=as_of64 + rng.integers(30, 3 * 365, len(c)),
        npl=rng.random(len(c)) < 0.04,
    )
    add(c["credit_line"] > 0, "credit_line", c["credit_line"])
    add(
        c["wealth_balance"] > 0,
        "wealth",
        c["wealth_balance"],
        matures=as_of64 + rng.integers(1, 365, len(c)),
    )
    out = pd.concat(parts, ignore_index=True).sort_values("customer_id", kind="stable")
    out.insert(0, "id", np.arange(1, len(out) + 1))
    return out


def _other_bank_funds(c: pd.DataFrame, rng: np.random.Generator, as_of: date) -> pd.DataFrame:
    parts = []
    for kind, col in (("deposit", "other_bank_deposit"), ("loan", "other_bank_loan")):
        rows = c[c[col] > 0]
        parts.append(
            pd.DataFrame(
                {
                    "customer_id": rows["id"].to_numpy(),
                    "bank_name": rng.choice(
                        OTHER_BANKS, size=len(rows), p=[0.3, 0.25, 0.15, 0.1, 0.08, 0.07, 0.05]
                    ),
                    "kind": kind,
                    "amount": rows[col].to_numpy(),
                    "noted_on": np.datetime64(as_of, "D") - rng.integers(0, 540, len(rows)),
                }
            )
        )
    out = pd.concat(parts, ignore_index=True)
    out.insert(0, "id", np.arange(1, len(out) + 1))
    return out


def _campaigns(as_of: date) -> pd.DataFrame:
    """开门红 (the New-Year push: migrant workers home for Spring Festival) and 夏日风暴 (mobile
    banking for those without), each with the explorer filter of its customers."""
    y = as_of.year
    spring = '{"tags": ["spring_return"]}'
    summer = '{"kinds": ["individual"], "missing": ["mobile_banking"]}'
    return pd.DataFrame(
        [
            {
                "id": 1,
                "code": f"KMH{y}",
                "name": f"{y}年开门红",
                "starts_on": date(y, 1, 1),
                "ends_on": date(y, 3, 31),
                "saved_filter": spring,
            },
            {
                "id": 2,
                "code": f"XRFB{y}",
                "name": f"{y}年夏日风暴",
                "starts_on": date(y, 6, 1),
                "ends_on": date(y, 8, 31),
                "saved_filter": summer,
            },
            {
                "id": 3,
                "code": f"KMH{y + 1}",
                "name": f"{y + 1}年开门红",
                "starts_on": date(y, 12, 1),
                "ends_on": date(y + 1, 3, 31),
                "saved_filter": spring,
            },
        ]
    )


def _demo_users(
    branches: pd.DataFrame, managers: pd.DataFrame, grids: pd.DataFrame
) -> pd.DataFrame:
    """hq, a county-town branch leader and one of that branch's managers; password demo."""
    branch = branches[branches["is_county_town"]].iloc[0]
    manager = managers[managers["branch_id"] == branch["id"]].iloc[0]
    digest = hash_password(DEMO_PASSWORD)
    now = datetime(2026, 1, 1)
    return pd.DataFrame(
        [
            {
                "id": 1,
                "username": "hq",
                "display_name": "总行分析员",
                "role": "hq",
                "branch_id": None,
                "manager_id": None,
            },
            {
                "id": 2,
                "username": "branch",
                "display_name": f"{branch['name']}行长",
                "role": "branch",
                "branch_id": int(branch["id"]),
                "manager_id": None,
            },
            {
                "id": 3,
                "username": "manager",
                "display_name": str(manager["name"]),
                "role": "manager",
                "branch_id": int(branch["id"]),
                "manager_id": int(manager["id"]),
            },
        ]
    ).assign(password_hash=digest, active=True, is_demo=True, created_at=now)


BULK_TABLES = ("customer", "holding", "other_bank_fund", "visit")
TERRITORY = ("bank", "township", "village")  # written by the bank-data loader's writers


def write_territory(conn, tables: dict[str, pd.DataFrame]) -> None:
    """The demo bank's territory through the same writers a bank's own files go through
    (core.bank_data.places): the bank and its service area, townships with their areas,
    villages by code (ids in code order, as the other tables expect) and their
    illustrative areas drawn by the loader from the township areas."""
    import geopandas

    from core.bank_data.places import (
        illustrate_villages,
        write_area,
        write_townships,
        write_villages,
    )
    from core.bank_data.write import write_bank
    from geo.county import from_geojson

    bank = tables["bank"].iloc[0]
    write_bank(conn, bank["code"], bank["name"], bank["county_code"])
    write_area(conn, from_geojson(bank["geometry"]))
    villages = tables["village"]
    towns = tables["township"]
    areas = geopandas.GeoDataFrame(
        towns[["code", "name"]], geometry=[from_geojson(g) for g in towns["geometry"]]
    )
    write_townships(conn, villages, areas)
    write_villages(conn, villages)
    illustrate_villages(conn, units=False)


INSERT_ORDER = [
    "bank",
    "township",
    "village",
    "area_unit",
    "branch",
    "manager",
    "app_user",
    "grid",
    "grid_staff",
    "liaison",
    "customer",
    "balance_month",
    "holding",
    "other_bank_fund",
    "visit",
    "target",
    "target_change",
    "actual",
    "campaign",
]


def seed(
    engine: Engine,
    n_individuals: int,
    seed: int = 20261123,
    as_of: date | None = None,
    quiet: bool = False,
) -> dict[str, int]:
    """Create the schema and fill an empty database with the demo county, then tag and
    segment its customers (``core.customers.tagging_run.profile_customers``).

    Returns the row count per table. Raises ``RuntimeError`` if the database already holds
    a bank (seeding never overwrites data). The county is written in one transaction;
    tags and segments follow in their own, and can be recomputed any time.
    """
    progress = Progress(quiet)
    as_of = as_of or date.today()
    progress.step("数据库结构 / schema")
    upgrade(engine)
    if not is_empty(engine) or holds_users(engine):
        raise RuntimeError("database already holds data; seed only fills an empty database")
    progress.step(f"生成演示县 / building the demo county ({n_individuals:,} individuals)")
    tables = build_county(n_individuals, seed, as_of)
    progress.step("写入数据库 / writing")
    # a million rows load faster into a table without its secondary indexes, which are then
    # built once (DDL is transactional on SQLite and PostgreSQL: a failure leaves them)
    indexes = [i for name in BULK_TABLES for i in Base.metadata.tables[name].indexes]
    with engine.begin() as conn:
        for index in indexes:
            index.drop(conn)
        write_territory(conn, tables)
        for name in INSERT_ORDER:
            if name in TERRITORY:
                continue
            cols = [c for c in tables[name].columns]
            bulk_insert(conn, name, tables[name][cols], progress=progress.rows(name))
        progress.step("建立索引 / indexes")
        for index in indexes:
            index.create(conn)
        reset_sequences(conn, ID_TABLES)
        progress.step("计算实际完成 / computing actuals")
        recompute_actuals(engine, SYSTEM, as_of, conn=conn, note="seed")
        backfill_rates(conn, as_of, seed)
    progress.step("标签与客群 / tags and segments")
    from core.customers.tagging_run import profile_customers

    profile_customers(engine, SYSTEM, as_of, seed=seed)
    progress.step("完成 / done")
    counts = {name: len(tables[name]) for name in INSERT_ORDER}
    with engine.connect() as conn:
        counts["actual"] = conn.execute(text("SELECT COUNT(*) FROM actual")).scalar_one()
    return counts
