"""Single sign-on on the sign-in page: the button, the end of the round trip, the sign-out.

Streamlit's ``st.login`` sends the browser to the identity provider (the ``[auth]`` section
of the secrets file) and back; ``st.user`` then holds the ID token's claims. What they mean
here is decided in :mod:`core.access.sso`; this module only shows the button, hands the claims over
and starts the app session the same way a password sign-in does.
"""

from __future__ import annotations

import logging

import streamlit as st
from streamlit.errors import StreamlitAuthError

from core import config
from core.access import sso
from core.db import get_engine
from core.ui.frame import begin_session, flush_cookie, tr

_LOG = logging.getLogger(__name__)


def enabled() -> bool:
    """Single sign-on is offered: ``GM_SSO`` is on and the secrets file has ``[auth]``."""
    if not config.get("GM_SSO"):
        return False
    secrets = st.secrets
    return bool(secrets.load_if_toml_exists() and "auth" in secrets)


def sso_sign_in() -> None:
    """On the sign-in page: finish a round trip that just came back, else offer the button.

    A matched user is signed in (the page reruns as them); a refused one reads why.
    """
    if not enabled():
        return
    if st.user.is_logged_in:
        try:
            started = sso.sign_in(get_engine(), st.user.to_dict())
        except sso.SsoRefused as refused:
            st.error(tr(refused.key))
        else:
            if started is not None:
                begin_session(*started)
                st.rerun()
    if st.button(tr("sso.button"), key="sso_sign_in", type="primary", icon=":material/key:"):
        try:
            st.login()
        except StreamlitAuthError:  # [auth] incomplete: say so, not a traceback
            _LOG.exception("single sign-on is misconfigured")
            st.error(tr("sso.misconfigured"))
    st.caption(tr("sso.or_password"))


def sso_sign_out() -> None:
    """After the app's own sign-out: end the identity cookie as well (``st.logout``).

    The run stops here: a rerun would drop the redirect ``st.logout`` queued for the browser
    before it is sent (Streamlit clears the queue when a run starts).
    """
    if enabled() and st.user.is_logged_in:
        flush_cookie()  # the script that deletes the app's cookie goes out first
        st.logout()
        st.stop()
