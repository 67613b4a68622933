"""Glue of the visit log page (走访登记): the customers the form offers, the visit's token,
the browser's position, and logging the visit (which clears the planner and the checks)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from pathlib import Path

import streamlit as st
import streamlit.components.v1 as components

from core.problems import ProblemError
from core.scope import Scope
from core.ui.customers import find_customers
from core.ui.errors import show_problems, user_errors
from core.ui.frame import engine, tr
from core.ui.visit_check import clear_visit_checks
from core.ui.visits import clear_planner
from core.visits import visit_log
from core.visits.planner import load_plan, week_of
from core.visits.visit_log import VisitForm

VISIT_CHANNELS = visit_log.CHANNELS  # how the visit was made (visit.channel.<code>)
VISIT_OUTCOMES = visit_log.OUTCOMES  # what came of it (visit.outcome.<code>)
OFFERABLE = visit_log.OFFERABLE  # products a visit can offer and sign (product.<code>)

_position = components.declare_component(
    "checkin_position", path=str(Path(__file__).resolve().parents[2] / "static" / "geolocation")
)


def plan_choices(scope: Scope) -> dict[int, str]:
    """This week's planned customers of the manager as the form offers them: day-stop ·
    name · number, ✓ once logged."""
    plan = load_plan(engine(), scope, scope.manager_id, week_of(datetime.now().date()))
    return {
        int(r.customer_id): f"{tr(f'visits.day.{int(r.day)}')}-{int(r.seq)} · "
        f"{r.name} · {r.cust_no}" + (" ✓" if r.visit_id == r.visit_id and r.visit_id else "")
        for r in plan.dropna(subset=["day"]).itertuples()
    }


def customer_choices(user, query: str) -> dict[int, str]:
    """The manager's customers matching ``query`` (name · number; the search is audited)."""
    found = find_customers(user.scope, query, user.user_id)
    return {int(r.id): f"{r.name} · {r.cust_no}" for r in found.itertuples()}


def checkin_position() -> dict | None:
    """The browser's position when the manager presses the button (a component of ours in
    static/geolocation; needs a secure origin: localhost or https)."""
    return _position(label=tr("visit.locate"), key="checkin_position", default=None)


def visit_token() -> str:
    """The token of the visit the form shows: the same until a new visit is started, so
    the form sent twice stores one visit."""
    if not st.session_state.get("visit_token"):
        st.session_state["visit_token"] = uuid.uuid4().hex
    return st.session_state["visit_token"]


def new_visit() -> None:
    """Start the next visit: a new token, an empty form."""
    st.session_state["visit_token"] = uuid.uuid4().hex
    for key in (
        "vl_notes",
        "vl_amount",
        "vl_offered",
        "vl_signed",
        "vl_lon",
        "vl_lat",
        "vl_reading",
    ):
        st.session_state.pop(key, None)
    st.session_state["checkin_applied"] = None


def apply_position(position: dict | None) -> None:
    """Keep a position the browser sent as one reading (both coordinates together) and show
    it in the form's two fields (once per reading)."""
    if not position or "lon" not in position or "lat" not in position:
        return
    if st.session_state.get("checkin_applied") == position.get("at"):
        return
    try:
        reading = (round(float(position["lon"]), 6), round(float(position["lat"]), 6))
    except (TypeError, ValueError):
        return
    st.session_state["vl_reading"] = reading
    st.session_state["vl_lon"], st.session_state["vl_lat"] = reading
    st.session_state["checkin_applied"] = position.get("at")


def checkin_from_form(lon: float | None, lat: float | None):
    """(lon, lat, source) of the check-in the form sends.

    The browser's reading is applied to both coordinates at once: the two fields are
    separate widgets, and a form sent while the page was still showing the reading could
    carry one coordinate and not yet the other. Unless the user typed a different value in
    a field, both come from the reading. Typed values are ``"typed"``.
    """
    reading = st.session_state.get("vl_reading")
    if reading is not None:

        def same(value, read):
            return value is None or abs(float(value) - read) < 5e-7

        if same(lon, reading[0]) and same(lat, reading[1]):
            return reading[0], reading[1], "browser"
    if lon is None and lat is None:
        return None, None, None
    return lon, lat, "typed"


def now_minute() -> datetime:
    """Now, to the minute (the form's default time)."""
    return datetime.now().replace(second=0, microsecond=0)


def optional_number(col, label: str, key: str) -> float | None:
    """A number input that may stay empty (a check-in typed or filled from the browser)."""
    if key in st.session_state:
        return col.number_input(label, format="%.6f", key=key)
    return col.number_input(label, value=None, format="%.6f", key=key)


def log_visit(
    user,
    token: str,
    *,
    customer: int,
    day: date,
    at,
    channel: str,
    outcome: str,
    offered,
    signed,
    amount_wan: float,
    notes: str | None,
    lon: float | None,
    lat: float | None,
) -> tuple[int, bool] | None:
    """Store the visit the form sent (amount in 万元; the check-in typed or the browser's
    reading) once per ``token`` and clear the planner and the checks: (visit id, created),
    or None when it was refused (its problems, a refusal or a busy database are shown)."""
    lon, lat, source = checkin_from_form(lon, lat)  # a browser reading: both at once
    form = VisitForm(
        int(customer),
        datetime.combine(day, at),
        channel,
        outcome,
        tuple(offered),
        tuple(signed),
        float(amount_wan) * 1e4,
        notes or "",
        lon,
        lat,
        source,
    )
    with user_errors():
        try:
            saved = visit_log.log_visit(engine(), user, form, token)
        except ProblemError as exc:
            show_problems(exc.problems, "visit.problems")
            return None
        clear_planner()
        clear_visit_checks()
        return saved
    return None
