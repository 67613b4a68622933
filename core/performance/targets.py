"""Target setting (定责): the bank's annual targets, split to branches and on to managers,
then to months; every changed cell recorded (who, when, old, new).

Splits reconcile to the unit: money in whole yuan, counts in whole units, with
``core.performance.metrics.split_exactly`` (largest remainder), so children always add up to their
parent and months to the year. How a split works depends on the metric's kind:

* flow: the annual target is split by the weights; months by the curve;
* stock (balances): the targeted increase over each unit's base (its balance last
  31 December) is split, and each child's base added back; months follow the path from the
  base to the year-end target along the curve, so December equals the annual target;
* rate: a level is not split: every child and month gets the parent's level (editable).
"""

from __future__ import annotations

import json
from datetime import datetime

import numpy as np
import pandas as pd
from sqlalchemy import Engine, and_, case, delete, func, insert, select, tuple_
from sqlalchemy.engine import Connection

from core.db import read_frame
from core.models import (
    Actual,
    AuditLog,
    Branch,
    Customer,
    Grid,
    GridStaff,
    Manager,
    Target,
    TargetChange,
    User,
)
from core.performance.metrics import BY_CODE, curve_for, split_exactly
from core.problems import Problem, ProblemError, Term
from core.scope import Scope

METHODS = ("last_year", "equal", "potential", "manual")
MONTH_METHODS = ("seasonal", "even")
CHILD_LEVEL = {"bank": "branch", "branch": "manager"}
NEW_TARGET = Term("col.new_target")  # the column a split's problems name by default


# ---- pure splitting ------------------------------------------------------------------


def to_unit(value: float, unit: str) -> float:
    """A target in its stored precision: whole yuan or units; rates to 0.01 point."""
    if unit == "pct":
        return round(float(value), 2)
    return float(round(float(value)))


def split_to_children(total: float, weights, kind: str, bases=None) -> np.ndarray:
    """Split a parent's annual target among its children (see the module docstring).

    Examples
    --------
    >>> split_to_children(100, [1, 1, 1], "flow").tolist()
    [34.0, 33.0, 33.0]
    >>> split_to_children(1_000, [1, 1], "stock", bases=[300, 500]).tolist()  # +200 split
    [400.0, 600.0]
    >>> split_to_children(3.0, [5, 7], "rate").tolist()
    [3.0, 3.0]
    """
    w = np.asarray(weights, dtype=float)
    if kind == "rate":
        return np.full(len(w), float(total))
    if kind == "stock":
        b = np.rint(np.asarray(bases if bases is not None else np.zeros(len(w)), dtype=float))
        return (b + split_exactly(round(total - b.sum()), w)).astype(float)
    return split_exactly(round(total), w).astype(float)


def split_to_months(annual: float, kind: str, curve, base: float = 0.0) -> np.ndarray:
    """The 12 monthly targets of an annual one (flow: amounts; stock: month-end balances;
    rate: the level).

    Examples
    --------
    >>> split_to_months(1200, "flow", [1] * 12)[:3].tolist()
    [100.0, 100.0, 100.0]
    >>> path = split_to_months(1_120, "stock", [1] * 12, base=1_000)
    >>> path[0], path[-1]
    (np.float64(1010.0), np.float64(1120.0))
    """
    if kind == "rate":
        return np.full(12, float(annual))
    if kind == "stock":
        b = float(round(base))
        return b + np.cumsum(split_exactly(round(annual - b), curve)).astype(float)
    return split_exactly(round(annual), curve).astype(float)


def check_split(
    parent: float, children: pd.Series, kind: str, unit: str, label: str | Term = NEW_TARGET
) -> list[Problem]:
    """Problems of children's annual targets against their parent: empty, negative, too
    many decimals, a rate over 100 %, and (flows and stocks) a total that is not the
    parent's to the unit. Rows are numbered from 1 in the order of ``children``; ``label``
    is the column the problems name.

    Examples
    --------
    >>> [p.text("en") for p in check_split(100, pd.Series([60, 30]), "flow", "yuan")]
    ["[New target]: the children add up to 90, not the parent's 100 (off by -10)"]
    """
    problems = []
    values = pd.to_numeric(children, errors="coerce")
    for row, value in enumerate(values, start=1):
        if value != value:  # NaN: empty or not a number
            problems.append(Problem("problem.target.number", row=row, field=label))
        elif value < 0:
            problems.append(Problem("problem.target.negative", row=row, field=label))
        elif unit != "pct" and abs(value - round(value)) > 1e-6:
            problems.append(Problem("problem.target.whole", row=row, field=label))
        elif unit == "pct" and value > 100:
            problems.append(Problem("problem.target.rate_over", row=row, field=label))
    if not problems and kind != "rate":
        total = float(np.rint(values).sum())
        if total != round(parent):
            diff = total - round(parent)
            problems.append(
                Problem(
                    "problem.target.total",
                    {
                        "total": f"{total:,.0f}",
                        "parent": f"{round(parent):,.0f}",
                        "diff": f"{diff:+,.0f}",
                    },
                    field=label,
                )
            )
    return problems


# ---- reading -------------------------------------------------------------------------


def child_units(engine: Engine, parent_level: str, parent_id: int) -> pd.DataFrame:
    """The units a parent splits to: the bank's branches, or a branch's active managers.

    Columns: org_id, code, name.
    """
    if parent_level == "bank":
        stmt = select(Branch.id.label("org_id"), Branch.code, Branch.name).order_by(Branch.id)
    elif parent_level == "branch":
        stmt = (
            select(Manager.id.label("org_id"), Manager.code, Manager.name)
            .where(Manager.branch_id == parent_id, Manager.active)
            .order_by(Manager.id)
        )
    else:
        raise ValueError(f"a {parent_level} has nothing to split to")
    with engine.connect() as conn:
        return read_frame(conn, stmt)


def annual_targets(engine: Engine, year: int, metric: str, level: str, ids: list[int]) -> pd.Series:
    """Stored annual targets (month 0) of some units, by org id (missing: no target)."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(Target.org_id, Target.value).where(
                Target.year == year,
                Target.month == 0,
                Target.metric == metric,
                Target.org_level == level,
                Target.org_id.in_(ids),
            )
        ).all()
    return pd.Series(dict(rows), dtype=float).reindex(ids)


def last_year(
    engine: Engine, year: int, metric: str, level: str, ids: list[int], kind: str
) -> pd.Series:
    """Last year's actual per unit: flows summed over the months, stocks and rates at
    31 December. 0 where there is none."""
    value = (
        func.sum(Actual.value)
        if kind == "flow"
        else func.max(case((Actual.month == 12, Actual.value)))
    )
    with engine.connect() as conn:
        rows = conn.execute(
            select(Actual.org_id, value)
            .where(
                Actual.year == year - 1,
                Actual.month > 0,
                Actual.metric == metric,
                Actual.org_level == level,
                Actual.org_id.in_(ids),
            )
            .group_by(Actual.org_id)
        ).all()
    return pd.Series(dict(rows), dtype=float).reindex(ids).fillna(0.0)


def grid_potential(engine: Engine, level: str, ids: list[int]) -> pd.DataFrame:
    """Market potential per branch or manager, from the data: households × penetration gap
    × other-bank funds.

    Households and residents are those of the unit's second-level grids (a manager: where
    they hold post A); penetration is existing customers over residents; other-bank funds
    are the deposits the unit's customers hold elsewhere (yuan). Columns: org_id,
    households, penetration, other_bank, potential.
    """
    key = Customer.branch_id if level == "branch" else Customer.manager_id
    grid_key = Grid.branch_id if level == "branch" else GridStaff.manager_id
    grids = (
        select(
            grid_key.label("org_id"),
            func.sum(Grid.households).label("households"),
            func.sum(Grid.residents).label("residents"),
        )
        .join(GridStaff, and_(GridStaff.grid_id == Grid.id, GridStaff.post == "A"))
        .where(Grid.level == 2, grid_key.in_(ids))
        .group_by(grid_key)
    )
    customers = (
        select(
            key.label("org_id"),
            func.sum(case((Customer.status != "potential", 1), else_=0)).label("existing"),
            func.coalesce(func.sum(Customer.other_bank_deposit), 0.0).label("other_bank"),
        )
        .where(key.in_(ids))
        .group_by(key)
    )
    with engine.connect() as conn:
        g = read_frame(conn, grids).set_index("org_id")
        c = read_frame(conn, customers).set_index("org_id")
    out = pd.DataFrame(index=pd.Index(ids, name="org_id"))
    out["households"] = g["households"].reindex(out.index).fillna(0).astype(float)
    residents = g["residents"].reindex(out.index).fillna(0).astype(float)
    existing = c["existing"].reindex(out.index).fillna(0).astype(float)
    out["penetration"] = (existing / residents.where(residents > 0)).clip(0, 1).fillna(1.0)
    out["other_bank"] = c["other_bank"].reindex(out.index).fillna(0).astype(float)
    out["potential"] = out["households"] * (1 - out["penetration"]) * out["other_bank"]
    return out.reset_index()


def propose_split(
    engine: Engine,
    year: int,
    metric: str,
    parent_level: str,
    parent_id: int,
    parent_value: float,
    method: str,
) -> pd.DataFrame:
    """Children's annual targets by ``method`` (``manual`` keeps the stored ones, or the
    last-year split where there are none).

    Columns: org_id, code, name, last_year, base, weight, current (stored annual target),
    target (proposed).
    """
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}: one of {', '.join(METHODS)}")
    meta = BY_CODE[metric]
    level = CHILD_LEVEL[parent_level]
    children = child_units(engine, parent_level, parent_id)
    ids = children["org_id"].astype(int).tolist()
    children["last_year"] = last_year(engine, year, metric, level, ids, meta.kind).to_numpy()
    children["base"] = (
        last_year(engine, year, metric, level, ids, "stock").to_numpy()
        if meta.kind == "stock"
        else 0.0
    )
    children["current"] = annual_targets(engine, year, metric, level, ids).to_numpy()
    if method == "potential":
        weight = grid_potential(engine, level, ids)["potential"].to_numpy()
    elif method == "equal" or (method == "last_year" and not children["last_year"].any()):
        weight = np.ones(len(children))
    else:
        weight = children["last_year"].clip(lower=0).to_numpy()
    children["weight"] = weight / weight.sum() if weight.sum() else weight
    proposed = split_to_children(parent_value, weight, meta.kind, children["base"])
    if method == "manual":
        proposed = children["current"].where(children["current"].notna(), proposed).to_numpy()
    children["target"] = proposed
    return children


def target_history(engine: Engine, scope: Scope, year: int, limit: int = 500) -> pd.DataFrame:
    """The newest target changes the scope may see: at, user, org, metric, month, old, new."""
    with engine.connect() as conn:
        return read_frame(
            conn,
            select(
                TargetChange.at,
                User.display_name.label("user"),
                TargetChange.org_level,
                TargetChange.org_id,
                TargetChange.metric,
                TargetChange.month,
                TargetChange.old_value,
                TargetChange.new_value,
                TargetChange.source,
            )
            .outerjoin(User, User.id == TargetChange.user_id)
            .where(
                TargetChange.year == year,
                scope.where_org(TargetChange.org_level, TargetChange.org_id),
            )
            .order_by(TargetChange.id.desc())
            .limit(limit),
        )


# ---- writing -------------------------------------------------------------------------


def may_split(scope: Scope, parent_level: str, parent_id: int) -> bool:
    """Head office splits the bank to branches; a branch leader their branch to managers."""
    if scope.role == "hq":
        return parent_level == "bank"
    return scope.role == "branch" and parent_level == "branch" and parent_id == scope.branch_id


def unit_rows(
    year: int,
    metric: str,
    level: str,
    org_id: int,
    annual: float,
    months_method: str,
    base: float = 0.0,
) -> list[dict]:
    """The 13 target rows (year and months) of one unit."""
    meta = BY_CODE[metric]
    months = split_to_months(annual, meta.kind, curve_for(metric, months_method), base)
    return [
        {
            "year": year,
            "month": m,
            "org_level": level,
            "org_id": int(org_id),
            "metric": metric,
            "value": to_unit(v, meta.unit),
        }
        for m, v in enumerate([annual, *months])
    ]


def save_split(
    engine: Engine,
    actor,
    year: int,
    metric: str,
    parent_level: str,
    parent_id: int,
    parent_value: float,
    children: pd.DataFrame,
    months_method: str = "seasonal",
    source: str = "split",
) -> int:
    """Save a parent's target and its children's (``children``: org_id, target and, for
    stocks, base), each split to months, in one transaction. Returns the cells changed.

    A branch leader cannot change their branch's own target (head office sets it).
    Raises :class:`core.problems.ProblemError` (nothing written) when the split does not
    reconcile, and
    :class:`core.permissions.Forbidden` (audited) when ``actor`` may not make it.
    """
    from core.permissions import require

    meta = BY_CODE[metric]
    require(
        engine,
        actor,
        "targets",
        may_split(actor.scope, parent_level, parent_id),
        f"split of {parent_level} {parent_id}",
    )
    user_id = actor.user_id
    if months_method not in MONTH_METHODS:
        raise ValueError(f"unknown month method {months_method!r}")
    allowed = set(child_units(engine, parent_level, parent_id)["org_id"].astype(int))
    unknown = [i for i in children["org_id"].astype(int) if i not in allowed]
    if unknown:
        raise ProblemError(Problem("problem.target.not_below", {"units": unknown}))
    if parent_level == "branch":
        stored = annual_targets(engine, year, metric, "branch", [parent_id]).iloc[0]
        if stored != stored or abs(stored - parent_value) > 1e-6:
            raise ProblemError(Problem("problem.target.set_by_hq"))
    problems = check_split(parent_value, children["target"], meta.kind, meta.unit)
    if problems:
        raise ProblemError(problems)
    level = CHILD_LEVEL[parent_level]
    bases = children["base"] if "base" in children else pd.Series(0.0, index=children.index)
    rows = []
    if parent_level == "bank":
        rows += unit_rows(
            year,
            metric,
            "bank",
            parent_id,
            to_unit(parent_value, meta.unit),
            months_method,
            float(np.rint(bases.fillna(0)).sum()),
        )
    for org_id, value, base in zip(
        children["org_id"], children["target"], bases.fillna(0), strict=False
    ):
        rows += unit_rows(
            year, metric, level, org_id, to_unit(value, meta.unit), months_method, base
        )
    with engine.begin() as conn:
        changed = write_targets(conn, pd.DataFrame(rows), user_id, source)
        conn.execute(
            insert(AuditLog).values(
                at=datetime.now(),
                user_id=user_id,
                action="targets",
                entity=parent_level,
                entity_id=str(parent_id),
                detail=json.dumps(
                    {
                        "year": year,
                        "metric": metric,
                        "value": parent_value,
                        "months": months_method,
                        "children": len(children),
                        "changed": changed,
                        "source": source,
                    }
                ),
            )
        )
    return changed


def write_targets(
    conn: Connection, rows: pd.DataFrame, user_id: int | None, source: str, note: str | None = None
) -> int:
    """Upsert target rows (year, month, org_level, org_id, metric, value) inside the
    caller's transaction, recording every changed cell in ``target_change``."""
    if rows.empty:
        return 0
    keys = ["year", "month", "org_level", "org_id", "metric"]
    rows = rows.assign(
        org_id=rows["org_id"].astype(int),
        month=rows["month"].astype(int),
        year=rows["year"].astype(int),
    )
    old = {}
    for (year, level, metric), part in rows.groupby(["year", "org_level", "metric"]):
        found = conn.execute(
            select(Target.month, Target.org_id, Target.value).where(
                Target.year == int(year),
                Target.org_level == level,
                Target.metric == metric,
                Target.org_id.in_(sorted(set(part["org_id"].tolist()))),
            )
        ).all()
        old.update({(int(year), int(m), level, int(o), metric): v for m, o, v in found})
    now = datetime.now()
    changes, replace = [], []
    for r in rows.itertuples(index=False):
        key = (r.year, r.month, r.org_level, r.org_id, r.metric)
        before = old.get(key)
        if before is None or abs(before - r.value) > 1e-9:
            changes.append(
                {
                    "at": now,
                    "user_id": user_id,
                    "year": r.year,
                    "month": r.month,
                    "org_level": r.org_level,
                    "org_id": r.org_id,
                    "metric": r.metric,
                    "old_value": before,
                    "new_value": float(r.value),
                    "source": source,
                    "note": note,
                }
            )
            replace.append(key)
    for chunk in range(0, len(replace), 500):
        part = replace[chunk : chunk + 500]
        conn.execute(
            delete(Target).where(
                tuple_(
                    Target.year, Target.month, Target.org_level, Target.org_id, Target.metric
                ).in_(part)
            )
        )
    if changes:
        conn.execute(
            insert(Target), [{k: c[k] for k in keys} | {"value": c["new_value"]} for c in changes]
        )
        conn.execute(insert(TargetChange), changes)
    return len(changes)
