"""The frame: page config, sign-in gate, sidebar, navigation."""
import streamlit as st
from sqlalchemy.exc import DBAPIError

from core import ui

st.set_page_config(page_title="农商行网格化营销管理", page_icon=":material/grid_view:",
                   layout="wide")
ui.init_state()

try:
    user = ui.current_user()
except DBAPIError:  # the database is unreachable: say so instead of a traceback
    st.error(ui.tr("error.database"))
    st.stop()

if user is None:
    page = st.navigation([st.Page(ui.sign_in_page, title=ui.tr("signin.title"),
                                  icon=":material/login:", url_path="signin", default=True)],
                         position="hidden")
    ui.flush_cookie()
    ui.run_page(page)
    st.stop()

PAGES = {  # page file, i18n title key, icon, URL path, roles that may open it
    "overview": ("pages/overview.py", "nav.overview", ":material/dashboard:",
                 ("hq", "branch", "manager")),
}
pages = [st.Page(path, title=ui.tr(title), icon=icon, url_path=url)
         for url, (path, title, icon, roles) in PAGES.items() if user.scope.role in roles]
page = st.navigation(pages)
ui.sidebar(user)
ui.flush_cookie()
ui.run_page(page)
