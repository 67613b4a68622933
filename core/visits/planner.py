"""The manager's week (走访计划): whom to visit and why, the saved plan with its route.

A planner row is a customer of the manager with a priority score and its reasons
(``core.visits.priority``), what to offer (``core.customers.recommend``), the campaigns and handed-down lists
(名单, industry / group grids) they belong to. A plan is one week of one manager; saving it
orders it into days from and back to the outlet (``core.visits.route``). Only the manager's own
customers can be planned: every write checks it in SQL, whoever asks.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import Engine, delete, insert, select, update

from core import config
from core.customers.explorer import Context, Filters, context, select_rows
from core.customers.features import KINDS, PRODUCTS, STATUSES, industries, load_features
from core.customers.lists import load_lists
from core.customers.recommend import recommend
from core.customers.tagging_run import load_segments, segment_peers
from core.customers.tags import load_tags
from core.db import read_frame
from core.masking import apply_policy, mask_name, shows
from core.models import (
    AuditLog,
    Branch,
    Campaign,
    Customer,
    Grid,
    Manager,
    Village,
    Visit,
    VisitPlan,
    VisitPlanItem,
)
from core.problems import Problem, ProblemError
from core.scope import Scope
from core.visits.priority import score_customers


def week_of(day: date) -> date:
    """The Monday of ``day``'s week.

    Examples
    --------
    >>> week_of(date(2026, 12, 3))
    datetime.date(2026, 11, 30)
    """
    return day - timedelta(days=day.weekday())


def manager_scope(engine: Engine, user: Scope, manager_id: int) -> Scope | None:
    """The scope of manager ``manager_id`` if ``user`` may plan for them (a manager:
    themself; a branch leader: their branch's active managers; head office: any active
    manager), else None."""
    with engine.connect() as conn:
        row = conn.execute(
            select(Manager.branch_id).where(Manager.id == manager_id, Manager.active)
        ).first()
    if row is None:
        return None
    if user.role == "manager" and user.manager_id != manager_id:
        return None
    if user.role == "branch" and user.branch_id != row.branch_id:
        return None
    return Scope("manager", branch_id=int(row.branch_id), manager_id=int(manager_id))


def running_campaigns(engine: Engine, day: date) -> pd.DataFrame:
    """Campaigns running on ``day`` with a saved filter (id, code, name, saved_filter)."""
    with engine.connect() as conn:
        return read_frame(
            conn,
            select(Campaign.id, Campaign.code, Campaign.name, Campaign.saved_filter)
            .where(
                Campaign.starts_on <= day,
                Campaign.ends_on >= day,
                Campaign.saved_filter.is_not(None),
            )
            .order_by(Campaign.id),
        )


def _sources(
    engine: Engine, manager: Scope, frame: pd.DataFrame, ctx: Context
) -> tuple[list[list[str]], dict[str, str]]:
    """Per customer, the lists and industry / group grids they are in (``list:<id>``,
    ``grid:<id>``), and the label of each source."""
    member: list[list[str]] = [[] for _ in range(len(frame))]
    labels: dict[str, str] = {}
    for item in load_lists(engine, manager).itertuples():
        key = f"{'list' if item.kind == 'list' else 'grid'}:{int(item.id)}"
        try:
            mask = select_rows(frame, Filters.from_json(item.saved_filter), ctx)
        except ValueError:  # a list whose filter no longer applies names nobody
            continue
        labels[key] = item.name
        for i in np.flatnonzero(mask):
            member[i].append(key)
    return member, labels


def planner_frame(
    engine: Engine, manager: Scope, as_of: date, viewer: Scope | None = None
) -> tuple[pd.DataFrame, dict]:
    """Every customer of ``manager`` ranked for a visit, highest score first; names masked
    by :mod:`core.masking`'s policy for ``viewer`` (default: the manager themself).

    Returns the rows and the labels of the sources (lists and grids handed down). Columns:
    id, cust_no, name, village, grid2_id, grid, lon, lat, tier, lifecycle, segment_id,
    tag_mask, products (bits of ``PRODUCTS``), status, kind, last_visit_on, overdue_days,
    score, reasons, reasons_en, offers (list of ``core.customers.recommend.Offer``), offer_codes,
    campaigns (ids of the running campaigns they are in), sources.
    """
    from core.customers.explorer import product_bits

    industry_list = industries(engine, manager)  # the manager's own: a quick, indexed read
    f = load_features(engine, as_of, manager, with_tags=True, industry_list=industry_list)
    if f.empty:
        return pd.DataFrame(), {}
    ctx = context(engine, load_tags(engine), industry_list)
    frame = f.assign(products=product_bits(f), tier=f["tier"].fillna("basic"))
    frame["segment_id"] = frame["segment_id"].fillna(-1).astype(np.int64)
    campaigns = running_campaigns(engine, as_of)
    in_campaign = [[] for _ in range(len(frame))]
    for c in campaigns.itertuples():
        for i in np.flatnonzero(select_rows(frame, Filters.from_json(c.saved_filter), ctx)):
            in_campaign[i].append(int(c.id))
    sources, labels = _sources(engine, manager, frame, ctx)
    last = pd.to_datetime(as_of) - pd.to_timedelta(frame["days_since_visit"], unit="D")
    ranked_input = pd.DataFrame(
        {
            "id": frame["id"],
            "tier": frame["tier"],
            "status": np.array(STATUSES, dtype=object)[frame["status"].clip(0)],
            "kind": np.array(KINDS, dtype=object)[frame["kind"].clip(0)],
            "last_visit_on": last,
            "aum": frame["aum"],
            "deposit_balance": frame["deposit"],
            "other_bank_deposit": frame["other_bank_deposit"],
            "has_mobile_banking": frame["has_mobile_banking"],
            "has_acquiring": frame["has_acquiring"],
            "has_etc": frame["has_etc"],
            "has_debit_card": frame["has_debit_card"],
            "age": frame["age"],
            "days_to_maturity": frame["days_to_maturity"],
            "is_migrant": frame["is_migrant"],
            "in_campaign": [bool(c) for c in in_campaign],
            "credit_line": frame["credit_line"],
            "loan_balance": frame["loan"],
        }
    )
    scored = score_customers(ranked_input, as_of)
    peers = segment_peers(load_segments(engine, active_only=False))
    offers = recommend(frame, peers, as_of=as_of)  # a list per row of ``frame``
    extra = frame.set_index("id")
    ids = scored["id"].to_numpy()
    with engine.connect() as conn:
        names = read_frame(
            conn,
            select(
                Customer.id,
                Customer.cust_no,
                Customer.name,
                Village.short_name.label("village"),
                Grid.name.label("grid"),
            )
            .outerjoin(Village, Village.id == Customer.village_id)
            .outerjoin(Grid, Grid.id == Customer.grid2_id)
            .where(manager.where(Customer.branch_id, Customer.manager_id)),
        ).set_index("id")
    out = pd.DataFrame(
        {
            "id": ids,
            "cust_no": names["cust_no"].reindex(ids).to_numpy(),
            "name": names["name"].reindex(ids).to_numpy(),
            "village": names["village"].reindex(ids).to_numpy(),
            "grid2_id": extra["grid2_id"].reindex(ids).to_numpy(),
            "grid": names["grid"].reindex(ids).to_numpy(),
            "lon": extra["lon"].reindex(ids).to_numpy(),
            "lat": extra["lat"].reindex(ids).to_numpy(),
            "tier": scored["tier"].to_numpy(),
            "lifecycle": extra["lifecycle"].reindex(ids).to_numpy(),
            "segment_id": extra["segment_id"].reindex(ids).to_numpy(),
            "tag_mask": extra["tag_mask"].reindex(ids).to_numpy(),
            "products": extra["products"].reindex(ids).to_numpy(),
            "status": scored["status"].to_numpy(),
            "kind": scored["kind"].to_numpy(),
            "last_visit_on": scored["last_visit_on"].to_numpy(),
            "overdue_days": scored["overdue_days"].to_numpy(),
            "score": scored["score"].to_numpy(),
            "reasons": scored["reasons"].to_numpy(),
            "reasons_en": scored["reasons_en"].to_numpy(),
        }
    )
    at = pd.Series(np.arange(len(frame)), index=frame["id"].to_numpy()).reindex(ids).to_numpy()
    out["offers"] = _objects([offers[i] for i in at])
    out["offer_codes"] = _objects([[o.product for o in offers[i]] for i in at])
    out["campaigns"] = _objects([in_campaign[i] for i in at])
    out["sources"] = _objects([sources[i] for i in at])
    if viewer is not None and not shows(viewer, "name"):
        out["name"] = out["name"].map(mask_name)
    return out, labels


def _objects(values: list) -> np.ndarray:
    """A column of Python objects (lists), without pandas guessing at nested shapes."""
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


@dataclass(frozen=True)
class PlannerFilters:
    """What the manager narrows the planner to; empty means everyone."""

    grids: tuple[int, ...] = ()
    villages: tuple[str, ...] = ()
    tiers: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()  # all of them
    segments: tuple[int, ...] = ()
    overdue_only: bool = False
    missing: tuple[str, ...] = ()  # products they lack (all of them)
    campaign: int | None = None
    source: str | None = None  # a list or grid handed down (``list:<id>``, ``grid:<id>``)


def filter_planner(rows: pd.DataFrame, f: PlannerFilters, ctx_tags) -> np.ndarray:
    """Boolean mask of the planner rows that pass ``f`` (``ctx_tags``: the TagDefs)."""
    keep = np.ones(len(rows), dtype=bool)
    if f.grids:
        keep &= rows["grid2_id"].isin(f.grids).to_numpy()
    if f.villages:
        keep &= rows["village"].isin(f.villages).to_numpy()
    if f.tiers:
        keep &= rows["tier"].isin(f.tiers).to_numpy()
    if f.tags:
        bits = {t.code: t.bit for t in ctx_tags if t.category == "flag"}
        need = int(sum(1 << bits[c] for c in f.tags))
        keep &= (rows["tag_mask"].to_numpy().astype(np.int64) & need) == need
    if f.segments:
        keep &= rows["segment_id"].isin(f.segments).to_numpy()
    if f.overdue_only:
        keep &= rows["overdue_days"].to_numpy() > 0
    products = rows["products"].to_numpy().astype(np.int64)
    for code in f.missing:
        keep &= (products >> PRODUCTS.index(code)) & 1 == 0
    if f.campaign is not None:
        keep &= np.array([f.campaign in c for c in rows["campaigns"]], dtype=bool)
    if f.source is not None:
        keep &= np.array([f.source in s for s in rows["sources"]], dtype=bool)
    return keep


# ---- saved plans --------------------------------------------------------------------------


def outlet_of(engine: Engine, branch_id: int) -> tuple[float, float]:
    """The (lon, lat) of a branch's outlet, where the manager's days start and end."""
    with engine.connect() as conn:
        row = conn.execute(select(Branch.lon, Branch.lat).where(Branch.id == branch_id)).one()
    return float(row.lon), float(row.lat)


def save_plan(
    engine: Engine, actor, manager_id: int, week_start: date, picked: pd.DataFrame
) -> int:
    """Save ``manager_id``'s plan for the week starting ``week_start``, routed into days.

    ``picked``: planner rows (id, lon, lat, score, reasons, offers, sources). Raises
    :class:`core.permissions.Forbidden` (audited) when ``actor`` may not plan for the manager
    or a customer belongs to another manager, :class:`core.problems.ProblemError` for an
    unknown customer or more visits than the week's capacity (``GM_VISITS_PER_WEEK``);
    nothing is written then.
    Saving again replaces the week's plan (visits already logged stay linked). Returns the
    plan id.
    """
    from core.permissions import require
    from core.visits.route import plan_week

    user_id = actor.user_id
    manager = manager_scope(engine, actor.scope, manager_id)
    require(engine, actor, "save_plan", manager is not None, f"manager {manager_id}")
    capacity = int(config.get("GM_VISITS_PER_WEEK"))
    ids = [int(i) for i in picked["id"]]
    problems = []
    if len(ids) > capacity:
        problems.append(Problem("problem.plan.capacity", {"n": len(ids), "capacity": capacity}))
    with engine.connect() as conn:
        mine = set(
            conn.execute(
                select(Customer.id).where(Customer.id.in_(ids), Customer.manager_id == manager_id)
            ).scalars()
        )
        others = dict(
            conn.execute(
                select(Customer.id, Customer.cust_no).where(
                    Customer.id.in_(sorted(set(ids) - mine))
                )
            ).all()
        )
    require(
        engine,
        actor,
        "save_plan",
        not others,
        f"customers of another manager: {sorted(others.values())[:20]}",
    )
    for cid in sorted(set(ids) - mine):
        problems.append(Problem("problem.plan.customer", {"id": cid}))
    if problems:
        raise ProblemError(problems)
    route = plan_week(
        outlet_of(engine, manager.branch_id), picked[["id", "lon", "lat"]].drop_duplicates("id")
    )
    order = {int(r.id): (int(r.day), int(r.seq)) for r in route.stops.itertuples()}
    now = datetime.now()
    week_end = week_start + timedelta(days=7)
    with engine.begin() as conn:
        plan = conn.execute(
            select(VisitPlan.id).where(
                VisitPlan.manager_id == manager_id, VisitPlan.week_start == week_start
            )
        ).scalar()
        if plan is None:
            plan = conn.execute(
                insert(VisitPlan)
                .values(
                    manager_id=manager_id, week_start=week_start, saved_at=now, saved_by=user_id
                )
                .returning(VisitPlan.id)
            ).scalar_one()
        else:
            conn.execute(
                update(VisitPlan).where(VisitPlan.id == plan).values(saved_at=now, saved_by=user_id)
            )
            conn.execute(delete(VisitPlanItem).where(VisitPlanItem.plan_id == plan))
        logged = dict(
            conn.execute(
                select(Visit.customer_id, Visit.id).where(
                    Visit.manager_id == manager_id,
                    Visit.customer_id.in_(ids),
                    Visit.visited_at >= week_start,
                    Visit.visited_at < week_end,
                )
            ).all()
        )
        for row in picked.drop_duplicates("id").itertuples():
            day, seq = order.get(int(row.id), (None, None))
            conn.execute(
                insert(VisitPlanItem).values(
                    plan_id=plan,
                    customer_id=int(row.id),
                    day=day,
                    seq=seq,
                    score=float(row.score),
                    reasons=row.reasons,
                    offers=json.dumps(
                        [[o.product, o.reason_zh, o.reason_en] for o in row.offers],
                        ensure_ascii=False,
                    ),
                    source=",".join(row.sources) or "grid",
                    visit_id=logged.get(int(row.id)),
                )
            )
        conn.execute(
            insert(AuditLog).values(
                at=now,
                user_id=user_id,
                action="save_plan",
                entity="visit_plan",
                entity_id=str(plan),
                detail=json.dumps(
                    {
                        "manager_id": manager_id,
                        "week_start": week_start.isoformat(),
                        "customers": len(ids),
                    }
                ),
            )
        )
    return int(plan)


def load_plan(engine: Engine, user: Scope, manager_id: int, week_start: date) -> pd.DataFrame:
    """The saved plan of the week in route order, or an empty frame.

    Columns: item_id, customer_id, cust_no, name, phone, address, lon, lat, village, grid,
    day, seq, score, reasons, offers (list of [product, zh, en]), visit_id.
    """
    if manager_scope(engine, user, manager_id) is None:
        return pd.DataFrame()
    stmt = (
        select(
            VisitPlanItem.id.label("item_id"),
            VisitPlanItem.customer_id,
            Customer.cust_no,
            Customer.name,
            Customer.phone,
            Customer.address,
            Customer.lon,
            Customer.lat,
            Village.short_name.label("village"),
            Grid.name.label("grid"),
            VisitPlanItem.day,
            VisitPlanItem.seq,
            VisitPlanItem.score,
            VisitPlanItem.reasons,
            VisitPlanItem.offers,
            VisitPlanItem.visit_id,
        )
        .join(VisitPlan, VisitPlan.id == VisitPlanItem.plan_id)
        .join(Customer, Customer.id == VisitPlanItem.customer_id)
        .outerjoin(Village, Village.id == Customer.village_id)
        .outerjoin(Grid, Grid.id == Customer.grid2_id)
        .where(
            VisitPlan.manager_id == manager_id,
            VisitPlan.week_start == week_start,
            Customer.manager_id == manager_id,
        )
        .order_by(VisitPlanItem.day, VisitPlanItem.seq, VisitPlanItem.id)
    )
    with engine.connect() as conn:
        df = read_frame(conn, stmt)
    df["offers"] = df["offers"].map(lambda s: json.loads(s) if s else [])
    # every customer of the plan is manager_id's: names, phones, addresses by the policy
    return apply_policy(user, df.assign(manager_id=manager_id)).drop(columns="manager_id")


def plan_version(engine: Engine, manager_id: int) -> tuple:
    """Changes when the manager's plans or visits change (a cache key)."""
    from sqlalchemy import func

    with engine.connect() as conn:
        visits = conn.execute(
            select(func.max(Visit.id)).where(Visit.manager_id == manager_id)
        ).scalar()
        saved = conn.execute(
            select(func.max(VisitPlan.saved_at)).where(VisitPlan.manager_id == manager_id)
        ).scalar()
    return (visits or 0, str(saved or ""))
