"""The frame: page config, sign-in gate, sidebar, navigation."""

import streamlit as st

from core import ui

# An emoji icon: Streamlit inlines it as a data: URL (a :material/...: icon is fetched from a
# public font server, which a bank intranet cannot reach).
st.set_page_config(page_title="农商行网格化营销管理", page_icon="🏦", layout="wide")
ui.init_state()

PAGES = {  # URL path: page file, i18n title key, icon, roles that may open it
    "overview": (
        "pages/overview.py",
        "nav.overview",
        ":material/dashboard:",
        ("hq", "branch", "manager"),
    ),
    "map": ("pages/map.py", "nav.map", ":material/map:", ("hq", "branch", "manager")),
    "progress": (
        "pages/progress.py",
        "nav.progress",
        ":material/trending_up:",
        ("hq", "branch", "manager"),
    ),
    "targets": ("pages/targets.py", "nav.targets", ":material/flag:", ("hq", "branch")),
    "grids": ("pages/grids.py", "nav.grids", ":material/polyline:", ("hq", "branch")),
    "staffing": ("pages/staffing.py", "nav.staffing", ":material/groups:", ("hq", "branch")),
    "audit": ("pages/audit.py", "nav.audit", ":material/fact_check:", ("hq", "branch")),
    "segments": ("pages/segments.py", "nav.segments", ":material/query_stats:", ("hq", "branch")),
    "lists": ("pages/lists.py", "nav.lists", ":material/checklist:", ("hq", "branch", "manager")),
    "customer": (
        "pages/customer.py",
        "nav.customer",
        ":material/person_search:",
        ("hq", "branch", "manager"),
    ),
    "tags": ("pages/tags.py", "nav.tags", ":material/sell:", ("hq",)),
    "visits": ("pages/visits.py", "nav.visits", ":material/route:", ("branch", "manager")),
    "visit_log": ("pages/visit_log.py", "nav.visit_log", ":material/edit_note:", ("manager",)),
    "visit_check": (
        "pages/visit_check.py",
        "nav.visit_check",
        ":material/policy:",
        ("hq", "branch"),
    ),
    "users": ("pages/users.py", "nav.users", ":material/manage_accounts:", ("hq",)),
    "audit_log": ("pages/audit_log.py", "nav.audit_log", ":material/history:", ("hq",)),
    "data": ("pages/data.py", "nav.data", ":material/upload_file:", ("hq",)),
}

user = ui.signed_in_user()  # an unreachable database says so instead of a traceback

if user is None:
    # Every page address leads to the sign-in form, so a bookmark works once signed in.
    gate = [
        st.Page(
            ui.sign_in_page,
            title=ui.tr("signin.title"),
            icon=":material/login:",
            url_path="signin",
            default=True,
        )
    ]
    gate += [
        st.Page(ui.sign_in_page, title=ui.tr("signin.title"), url_path=url, visibility="hidden")
        for url in PAGES
    ]
    page = st.navigation(gate, position="hidden")
    ui.run_page(page)
    st.stop()

if user.must_change_password:  # signed in with a one-time password: nothing else until changed
    gate = [
        st.Page(
            ui.change_password_page,
            title=ui.tr("pwchange.title"),
            icon=":material/password:",
            url_path="password",
            default=True,
        )
    ]
    gate += [
        st.Page(
            ui.change_password_page,
            title=ui.tr("pwchange.title"),
            url_path=url,
            visibility="hidden",
        )
        for url in [*PAGES, "signin"]
    ]
    ui.run_page(st.navigation(gate, position="hidden"))
    st.stop()

pages = [
    st.Page(path, title=ui.tr(title), icon=icon, url_path=url)
    for url, (path, title, icon, roles) in PAGES.items()
    if user.scope.role in roles
]
# "/" and "/signin" lead to the first page, which keeps its own address (/overview).
landing = [
    st.Page(
        ui.landing(pages[0]),
        title=pages[0].title,
        url_path=url,
        default=url == "home",
        visibility="hidden",
    )
    for url in ("home", "signin")
]
page = st.navigation(landing + pages)
ui.show_sidebar(user)
ui.run_page(page)
