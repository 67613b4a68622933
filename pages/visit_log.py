"""走访登记 / Visit log: one form per visit (time, channel, outcome, products offered and
signed, amount, notes, the check-in typed or taken from the browser). Sending it twice
stores one visit; only the manager's own customers can be logged."""
from datetime import datetime, timedelta

import streamlit as st

from core import config, ui
from core.visits.visit_log import CHANNELS, OFFERABLE, OUTCOMES, VisitForm, log_visit
from core.visits.planner import load_plan, week_of

user = ui.page_user()
scope, url = user.scope, config.database_url()
engine = ui.get_engine(url)
st.title(ui.tr("visit.title"))
if scope.role != "manager":
    st.info(ui.tr("visit.managers_only"))
    st.stop()

plan = load_plan(engine, scope, scope.manager_id, week_of(datetime.now().date()))
options = {int(r.customer_id): f"{ui.tr(f'visits.day.{int(r.day)}')}-{int(r.seq)} · "
           f"{r.name} · {r.cust_no}" + (" ✓" if r.visit_id == r.visit_id and r.visit_id else "")
           for r in plan.dropna(subset=["day"]).itertuples()}
query = st.text_input(ui.tr("visit.other"), key="vl_query",
                      placeholder=ui.tr("customer.search_hint"))
if query:
    with ui.user_errors():  # a search is audited; a busy database says so
        for r in ui.find_customers(url, scope, query, user.user_id).itertuples():
            options.setdefault(int(r.id), f"{r.name} · {r.cust_no}")
if not options:
    st.info(ui.tr("visit.no_customers"))
    st.stop()
token = ui.visit_token()
ui.apply_position(ui.checkin_position())
with st.form("visit_form"):
    customer = st.selectbox(ui.tr("visit.customer"), list(options), format_func=options.get,
                            key="vl_customer")
    c = st.columns(4)
    day = c[0].date_input(ui.tr("visit.date"), value=datetime.now().date(), key="vl_date",
                          min_value=datetime.now().date() - timedelta(days=31),
                          max_value=datetime.now().date())
    at = c[1].time_input(ui.tr("visit.time"), value=ui.now_minute().time(), key="vl_time")
    channel = c[2].selectbox(ui.tr("visit.channel"), CHANNELS, key="vl_channel",
                             format_func=lambda x: ui.tr(f"visit.channel.{x}"))
    outcome = c[3].selectbox(ui.tr("visit.outcome"), OUTCOMES, key="vl_outcome",
                             format_func=lambda x: ui.tr(f"visit.outcome.{x}"))
    c = st.columns(3)
    offered = c[0].multiselect(ui.tr("visit.offered"), OFFERABLE, key="vl_offered",
                               format_func=lambda p: ui.tr(f"product.{p}"))
    signed = c[1].multiselect(ui.tr("visit.signed"), OFFERABLE, key="vl_signed",
                              format_func=lambda p: ui.tr(f"product.{p}"))
    amount = c[2].number_input(ui.tr("visit.amount"), min_value=0.0, step=0.5, key="vl_amount")
    c = st.columns(2)
    lon = ui.optional_number(c[0], ui.tr("visit.lon"), "vl_lon")
    lat = ui.optional_number(c[1], ui.tr("visit.lat"), "vl_lat")
    notes = st.text_area(ui.tr("visit.notes"), key="vl_notes", max_chars=2000)
    sent = st.form_submit_button(ui.tr("visit.save"), type="primary")
st.caption(ui.tr("visit.checkin_help"))
if sent:
    lon, lat, source = ui.checkin_from_form(lon, lat)  # a browser reading: both at once
    form = VisitForm(int(customer), datetime.combine(day, at), channel, outcome,
                     tuple(offered), tuple(signed), float(amount) * 1e4, notes or "",
                     lon, lat, source)
    with ui.user_errors():
        try:
            visit, created = log_visit(engine, user, form, token)
        except ui.ProblemError as exc:
            st.error(ui.tr("visit.problems") + "\n\n" + "\n".join(
                f"- {ui.md(ui.problem_text(p))}" for p in exc.problems))
        else:
            ui.planner.clear()
            st.success(ui.tr("visit.saved" if created else "visit.already", id=visit))
if st.session_state.get("visit_token") and sent:
    st.button(ui.tr("visit.next"), key="vl_next", on_click=ui.new_visit)
