"""走访登记 / Visit log: one form per visit (time, channel, outcome, products offered and
signed, amount, notes, the check-in typed or taken from the browser). Sending it twice
stores one visit; only the manager's own customers can be logged."""

from datetime import datetime, timedelta

import streamlit as st

from core import ui

user = ui.page_user()
scope = user.scope
st.title(ui.tr("visit.title"))
if scope.role != "manager":
    st.info(ui.tr("visit.managers_only"))
    st.stop()

options = ui.plan_choices(scope)
query = st.text_input(
    ui.tr("visit.other"), key="vl_query", placeholder=ui.tr("customer.search_hint")
)
if query:
    with ui.user_errors():  # a search is audited; a busy database says so
        for customer_id, label in ui.customer_choices(user, query).items():
            options.setdefault(customer_id, label)
if not options:
    st.info(ui.tr("visit.no_customers"))
    st.stop()
token = ui.visit_token()
ui.apply_position(ui.checkin_position())
with st.form("visit_form"):
    customer = st.selectbox(
        ui.tr("visit.customer"), list(options), format_func=options.get, key="vl_customer"
    )
    c = st.columns(4)
    day = c[0].date_input(
        ui.tr("visit.date"),
        value=datetime.now().date(),
        key="vl_date",
        min_value=datetime.now().date() - timedelta(days=31),
        max_value=datetime.now().date(),
    )
    at = c[1].time_input(ui.tr("visit.time"), value=ui.now_minute().time(), key="vl_time")
    channel = c[2].selectbox(
        ui.tr("visit.channel"),
        ui.VISIT_CHANNELS,
        key="vl_channel",
        format_func=lambda x: ui.tr(f"visit.channel.{x}"),
    )
    outcome = c[3].selectbox(
        ui.tr("visit.outcome"),
        ui.VISIT_OUTCOMES,
        key="vl_outcome",
        format_func=lambda x: ui.tr(f"visit.outcome.{x}"),
    )
    c = st.columns(3)
    offered = c[0].multiselect(
        ui.tr("visit.offered"),
        ui.OFFERABLE,
        key="vl_offered",
        format_func=lambda p: ui.tr(f"product.{p}"),
    )
    signed = c[1].multiselect(
        ui.tr("visit.signed"),
        ui.OFFERABLE,
        key="vl_signed",
        format_func=lambda p: ui.tr(f"product.{p}"),
    )
    amount = c[2].number_input(ui.tr("visit.amount"), min_value=0.0, step=0.5, key="vl_amount")
    c = st.columns(2)
    lon = ui.optional_number(c[0], ui.tr("visit.lon"), "vl_lon")
    lat = ui.optional_number(c[1], ui.tr("visit.lat"), "vl_lat")
    notes = st.text_area(ui.tr("visit.notes"), key="vl_notes", max_chars=2000)
    sent = st.form_submit_button(ui.tr("visit.save"), type="primary")
st.caption(ui.tr("visit.checkin_help"))
if sent:
    saved = ui.log_visit(
        user,
        token,
        customer=customer,
        day=day,
        at=at,
        channel=channel,
        outcome=outcome,
        offered=offered,
        signed=signed,
        amount_wan=amount,
        notes=notes,
        lon=lon,
        lat=lat,
    )
    if saved is not None:
        visit, created = saved
        st.success(ui.tr("visit.saved" if created else "visit.already", id=visit))
    st.button(ui.tr("visit.next"), key="vl_next", on_click=ui.new_visit)
