"""客户视图 / Customer view (一图识客户): one customer's profile, tags and segment, holdings here
and at other banks, twelve months of balances, visits, grid and managers, and what to offer
next with the reason for each. Only customers of the signed-in scope can be opened."""

import streamlit as st

from core import ui

user = ui.page_user()
scope = user.scope

st.title(ui.tr("customer.title"))
query = st.text_input(
    ui.tr("customer.search"), key="customer_query", placeholder=ui.tr("customer.search_hint")
)
if query:
    found = None
    with ui.user_errors():  # a search is audited; a busy database says so
        found = ui.find_customers(scope, query, user.user_id)
    if found is None:
        st.stop()
    if found.empty:
        st.warning(ui.tr("customer.not_found"))
        if ui.name_search_exact(scope):
            st.caption(ui.tr("search.exact_name"))
    else:
        choice = st.selectbox(
            ui.tr("customer.pick"),
            list(found["id"]),
            key="customer_pick",
            format_func=lambda i: " · ".join(
                str(v) for v in found.set_index("id").loc[i, ["cust_no", "name", "branch"]]
            ),
        )
        st.session_state["customer_id"] = int(choice)
customer_id = st.session_state.get("customer_id")
view, failed = None, False
if customer_id:
    failed = True
    with ui.user_errors():  # a view is audited; a busy database says so
        view = ui.customer_view(scope, customer_id, user.user_id)
        failed = False
if failed:
    st.stop()
if view is None:
    st.info(ui.tr("customer.hint" if not customer_id else "customer.out_of_scope"))
    st.stop()

p, g = view["profile"], view["grid"]
st.subheader(f"{ui.md(p['name'])} · {ui.md(p['cust_no'])}")
chips = [ui.tr(f"kind.{p['kind']}"), ui.tr(f"status.{p['status']}")]
chips += [t.label(ui.lang()) for t in (view["tier"], view["lifecycle"]) if t is not None]
st.markdown(
    " ".join(ui.md_code(c) for c in chips)
    + "  "
    + " ".join(f":orange-badge[{ui.md(t.label(ui.lang()))}]" for t in view["flags"])
)
if view["segment"]:
    s = view["segment"]
    st.caption(ui.tr_md("customer.segment", code=s["code"], name=s[ui.lang_column("name")]))
left, middle, right = st.columns(3)
left.markdown(ui.customer_profile_markdown(p))
middle.markdown(ui.customer_money_markdown(p))
right.markdown(
    ui.tr_md(
        "customer.grid_card",
        grid2=g["grid2"] or "-",
        grid1=g["grid1"] or "-",
        branch=g["branch"] or "-",
        manager=g["manager"] or "-",
        post_a=g["post_a"] or "-",
        post_b=g["post_b"] or "-",
    )
)
st.markdown(f"#### {ui.tr('customer.offers')}")
if view["offers"]:
    for offer in view["offers"]:
        st.markdown(
            f"- **{ui.tr('product.' + offer.product)}**:"
            f"{ui.md(ui.pick(offer.reason_zh, offer.reason_en))}"
        )
else:
    st.caption(ui.tr("customer.no_offers"))
if not view["trend"].empty:
    st.plotly_chart(ui.customer_trend_chart(view["trend"]), key="customer_trend")
tabs = st.tabs(
    [ui.tr("customer.holdings"), ui.tr("customer.other_banks"), ui.tr("customer.visits")]
)
ui.customer_tables(view, tabs)
st.caption(
    ui.tr("customer.privacy")
    + (" " + ui.tr("customer.contact_shown") if p["contact_shown"] else "")
)
