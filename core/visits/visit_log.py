"""The visit log (走访记录): logging a visit once, and what the visits show a branch leader.

A visit is written once per ``client_token`` (the form sends one per visit it shows, so a
double click or a resent form stores one visit), only for a customer of the manager, and
moves the customer's last-visit date; the week's plan item is marked done. The checks of
``core.visits.authenticity`` run on the visits of a scope, and coverage is counted per grid.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

import pandas as pd
from sqlalchemy import Engine, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from core.db import read_frame, write_retrying
from core.escape import clean_text
from core.masking import apply_policy
from core.models import AuditLog, Customer, Manager, Visit, VisitPlan, VisitPlanItem
from core.problems import Problem, ProblemError, Term
from core.scope import Scope
from core.territory import service_area
from core.visits.authenticity import flag_visits, summarize_flags
from core.vocab import CHANNELS, NEGATIVE_OUTCOMES, OFFERABLE, OUTCOMES, PRODUCTS  # noqa: F401

CHINA_BOX = (73.0, 3.0, 136.0, 54.0)  # lon/lat bounds when the bank has no service area yet
MARGIN_DEG = 0.05  # a check-in may lie this far outside the service area's bounds (~5 km)


@dataclass(frozen=True)
class VisitForm:
    """What the manager typed. ``amount`` in yuan; lon/lat of the check-in (WGS-84)."""

    customer_id: int
    visited_at: datetime
    channel: str
    outcome: str
    offered: tuple[str, ...] = ()
    signed: tuple[str, ...] = ()
    amount: float = 0.0
    notes: str = ""
    lon: float | None = None
    lat: float | None = None
    checkin_source: str | None = None  # typed / browser


def checkin_bounds(engine: Engine) -> tuple[float, float, float, float] | None:
    """The lon/lat box a check-in must lie in: the bank's service area and a margin."""
    area = service_area(engine)
    if area.is_empty:
        return None
    x0, y0, x1, y1 = area.bounds
    return (x0 - MARGIN_DEG, y0 - MARGIN_DEG, x1 + MARGIN_DEG, y1 + MARGIN_DEG)


def _problem(key: str, field: str, **values) -> Problem:
    """A problem ``problem.visit.<key>`` of the form's ``field`` (``visit.field.<field>``)."""
    return Problem(f"problem.visit.{key}", values, field=Term(f"visit.field.{field}"))


def check_visit(
    form: VisitForm, now: datetime | None = None, bounds: tuple | None = None
) -> list[Problem]:
    """Problems with a visit form, each naming its field; empty when it can be saved.
    ``bounds`` (lon/lat min and max) is where a check-in must lie: the bank's service area
    with a margin (:func:`checkin_bounds`); China when not given.

    Examples
    --------
    >>> form = VisitForm(1, datetime(2026, 3, 2, 10), "onsite", "filed")
    >>> [p.text("en") for p in check_visit(form, now=datetime(2026, 3, 2, 11))]
    ['[Check-in]: an on-site visit needs its check-in']
    """
    now = now or datetime.now()
    problems = []
    if form.channel not in CHANNELS:
        problems.append(_problem("channel", "channel", channel=form.channel))
    if form.outcome not in OUTCOMES:
        problems.append(_problem("outcome", "outcome", outcome=form.outcome))
    for field, codes in (("offered", form.offered), ("signed", form.signed)):
        unknown = [c for c in codes if c not in OFFERABLE]
        if unknown:
            problems.append(_problem("products", field, products=", ".join(unknown)))
    if form.visited_at > now + timedelta(minutes=5):
        problems.append(_problem("future", "visited_at"))
    if form.visited_at < now - timedelta(days=31):
        problems.append(_problem("too_old", "visited_at"))
    if not (form.amount >= 0 and math.isfinite(form.amount)):
        problems.append(_problem("amount", "amount"))
    if (form.lon is None) != (form.lat is None):
        problems.append(_problem("checkin_pair", "checkin"))
    elif form.lon is not None:
        x0, y0, x1, y1 = bounds or CHINA_BOX
        if not (x0 <= form.lon <= x1 and y0 <= form.lat <= y1):
            problems.append(
                _problem("checkin_outside", "checkin", lon=f"{form.lon:.5f}", lat=f"{form.lat:.5f}")
            )
    if form.channel == "onsite" and form.lon is None:
        problems.append(_problem("checkin_missing", "checkin"))
    bad = clean_text(form.notes, "visit_notes", 2000)  # length, control characters (bidi...)
    if bad is not None:
        problems.append(replace(bad, field=Term("visit.field.notes")))
    return problems


def log_visit(engine: Engine, actor, form: VisitForm, client_token: str) -> tuple[int, bool]:
    """Store one visit of ``actor`` (a manager) for one of their customers.

    Returns (visit id, created): the same ``client_token`` again returns the visit it
    stored, writing nothing. Raises :class:`core.problems.ProblemError` naming each bad
    field (nothing is written then), :class:`core.permissions.Forbidden` (audited) for anyone
    but a manager and for a customer outside the manager's grids,
    :class:`core.db.DatabaseBusy` when the database stayed locked through the retries.
    """
    from core.permissions import require, require_role

    require_role(engine, actor, "log_visit", "manager")
    manager, user_id = actor.scope, actor.user_id
    form = replace(form, customer_id=int(form.customer_id), amount=float(form.amount))
    problems = check_visit(form, bounds=checkin_bounds(engine))
    if not client_token or len(client_token) > 40:
        problems.append(_problem("token", "token"))
    with engine.connect() as conn:
        owner = conn.execute(
            select(Customer.manager_id).where(Customer.id == form.customer_id)
        ).scalar()
        existing = (
            conn.execute(select(Visit.id).where(Visit.client_token == client_token)).scalar()
            if client_token
            else None
        )
    if existing is not None:
        return int(existing), False
    if owner is None:
        problems.append(_problem("customer", "customer"))
    else:
        require(
            engine,
            actor,
            "log_visit",
            owner == manager.manager_id,
            f"customer {form.customer_id} of manager {owner}",
        )
    if problems:
        raise ProblemError(problems)
    now = datetime.now()
    try:
        return write_retrying(
            engine, lambda e: _store(e, manager, user_id, form, client_token, now)
        ), True
    except IntegrityError:  # the same form sent twice at once: the other one stored it
        with engine.connect() as conn:
            existing = conn.execute(
                select(Visit.id).where(Visit.client_token == client_token)
            ).scalar()
        if existing is None:
            raise
        return int(existing), False


def _store(
    engine: Engine,
    manager: Scope,
    user_id: int | None,
    form: VisitForm,
    client_token: str,
    now: datetime,
) -> int:
    with engine.begin() as conn:
        visit = conn.execute(
            insert(Visit)
            .values(
                manager_id=manager.manager_id,
                customer_id=form.customer_id,
                visited_at=form.visited_at,
                channel=form.channel,
                lon=form.lon,
                lat=form.lat,
                outcome=form.outcome,
                products=",".join(form.offered) or None,
                products_signed=",".join(form.signed) or None,
                amount=float(form.amount),
                notes=form.notes.strip() or None,
                checkin_source=form.checkin_source if form.lon is not None else None,
                recorded_at=now,
                client_token=client_token,
            )
            .returning(Visit.id)
        ).scalar_one()
        day = form.visited_at.date()
        conn.execute(
            update(Customer)
            .where(
                Customer.id == form.customer_id,
                (Customer.last_visit_on.is_(None)) | (Customer.last_visit_on < day),
            )
            .values(last_visit_on=day)
        )
        week = day - timedelta(days=day.weekday())
        plans = select(VisitPlan.id).where(
            VisitPlan.manager_id == manager.manager_id, VisitPlan.week_start == week
        )
        conn.execute(
            update(VisitPlanItem)
            .where(
                VisitPlanItem.plan_id.in_(plans),
                VisitPlanItem.customer_id == form.customer_id,
                VisitPlanItem.visit_id.is_(None),
            )
            .values(visit_id=visit)
        )
        conn.execute(
            insert(AuditLog).values(
                at=now,
                user_id=user_id,
                action="log_visit",
                entity="visit",
                entity_id=str(visit),
                detail=json.dumps({"customer_id": form.customer_id, "outcome": form.outcome}),
            )
        )
    return int(visit)


# ---- what the visits show -----------------------------------------------------------------


def scope_visits(
    engine: Engine, scope: Scope, since: date, until: date | None = None
) -> pd.DataFrame:
    """Visits made by the scope's managers in [since, until), with the customer's position,
    as ``core.visits.authenticity.flag_visits`` takes them (plus manager, and the customer's name
    masked by :mod:`core.masking`'s policy: head office sees it masked)."""
    until = until or date.today() + timedelta(days=1)
    stmt = (
        select(
            Visit.id.label("visit_id"),
            Visit.manager_id,
            Manager.name.label("manager"),
            Visit.customer_id,
            Visit.visited_at,
            Visit.channel,
            Visit.lon,
            Visit.lat,
            Customer.lon.label("customer_lon"),
            Customer.lat.label("customer_lat"),
            Customer.name.label("customer"),
            Customer.manager_id.label("customer_manager_id"),
        )
        .join(Manager, Manager.id == Visit.manager_id)
        .join(Customer, Customer.id == Visit.customer_id)
        .where(
            Visit.visited_at >= since,
            Visit.visited_at < until,
            scope.where(Manager.branch_id, Manager.id),
        )
        .order_by(Visit.manager_id, Visit.visited_at)
    )
    with engine.connect() as conn:
        df = read_frame(conn, stmt)
    df = apply_policy(
        scope, df, owner_col="customer_manager_id", columns={"customer": "name"}
    ).drop(columns="customer_manager_id")
    df["visited_at"] = pd.to_datetime(df["visited_at"])
    for col in ("lon", "lat", "customer_lon", "customer_lat"):
        df[col] = df[col].astype(float)
    return df


def flags_by_manager(visits: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The flags of these visits (with customer and manager names) and the summary per
    manager (with the manager's name)."""
    flags = flag_visits(
        visits[
            [
                "visit_id",
                "manager_id",
                "customer_id",
                "visited_at",
                "lon",
                "lat",
                "customer_lon",
                "customer_lat",
            ]
        ]
    )
    names = visits.drop_duplicates("manager_id").set_index("manager_id")["manager"]
    customers = visits.set_index("visit_id")["customer"]
    flags["manager"] = flags["manager_id"].map(names)
    flags["customer"] = flags["visit_id"].map(customers)
    summary = summarize_flags(flags, visits)
    summary.insert(1, "manager", summary["manager_id"].map(names))
    return flags, summary


def coverage_by_grid(engine: Engine, scope: Scope, since: date) -> pd.DataFrame:
    """Per second-level grid of the scope: customers, those visited since ``since`` and the
    coverage in percent (grid_id, customers, visited, coverage_pct)."""
    visited = (
        select(Visit.customer_id)
        .where(Visit.visited_at >= since)
        .group_by(Visit.customer_id)
        .subquery()
    )
    stmt = (
        select(
            Customer.grid2_id.label("grid_id"),
            func.count().label("customers"),
            func.count(visited.c.customer_id).label("visited"),
        )
        .outerjoin(visited, visited.c.customer_id == Customer.id)
        .where(Customer.grid2_id.is_not(None), scope.where(Customer.branch_id, Customer.manager_id))
        .group_by(Customer.grid2_id)
    )
    with engine.connect() as conn:
        df = read_frame(conn, stmt)
    df["coverage_pct"] = (100 * df["visited"] / df["customers"].where(df["customers"] > 0)).round(1)
    return df
