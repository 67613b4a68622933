"""The sidebar every page shares: who is signed in, the org unit, language, sign-out."""

from __future__ import annotations

import streamlit as st

from core import config
from core.access import auth
from core.db import get_engine
from core.grids import overview
from core.i18n import LANGUAGES
from core.scope import Scope
from core.ui.frame import md, tr
from core.ui.sign_in import demo_database, sign_out


def show_sidebar(user: auth.SignedIn) -> None:
    """User, org unit, language switch and sign-out."""
    with st.sidebar:
        st.markdown(f"**{md(user.display_name)}** · {tr('role.' + user.scope.role)}")
        st.caption(f"{tr('sidebar.org')}:{md(org_name(user.scope))}")
        st.segmented_control(
            tr("sidebar.language"),
            options=list(LANGUAGES),
            key="lang",
            format_func=lambda code: {"zh": "中文", "en": "English"}[code],
        )
        if st.button(tr("sidebar.sign_out"), key="sign_out", icon=":material/logout:"):
            sign_out()
            st.rerun()
        if demo_database():
            st.caption(tr("app.demo_banner"))


@st.cache_data(ttl=3600, show_spinner=False)
def _org_names(url: str, scope: Scope) -> tuple[str | None, str | None]:
    return overview.load_org_names(get_engine(url), scope)


def org_name(scope: Scope) -> str:
    """The scope's org unit as users say it: 全行, a branch, or branch / manager."""
    if scope.role == "hq":
        return tr("org.bank")
    branch, manager = _org_names(config.database_url(), scope)
    return branch if scope.role == "branch" else f"{branch} / {manager}"
