"""One place that turns what a write can raise into a message a user can act on.

Pages wrap every write in ``with ui.user_errors():``. A refusal (:class:`Forbidden`) says so;
a busy or unreachable database says "系统繁忙,请重试"; anything unexpected says that nothing
was saved and what to do. Details (exception type, SQL, traceback) go to the server log only,
never to the page; ``client.showErrorDetails = "none"`` covers whatever slips past.
Streamlit's own control flow (``st.rerun``, ``st.stop``) is a BaseException and passes.
"""
from __future__ import annotations

import logging
from contextlib import contextmanager

import streamlit as st

from core.db import DatabaseBusy, is_busy
from core.permissions import Forbidden

log = logging.getLogger("core.ui")


def error_key(exc: BaseException) -> str:
    """The i18n key of the message for ``exc`` (for pages that show it their own way)."""
    if isinstance(exc, Forbidden):
        return "error.forbidden"
    if isinstance(exc, DatabaseBusy) or is_busy(exc):
        return "error.busy"
    return "error.unexpected"


@contextmanager
def user_errors():
    """Run the block; on an error show its message (Chinese or English) instead of a trace.

    Validation errors that name rows and fields are each page's own (they know their
    fields); they are caught before this, or shown here as the unexpected kind.
    """
    from core.ui import tr

    try:
        yield
    except Exception as exc:  # noqa: BLE001 - every error becomes a message, logged in full
        key = error_key(exc)
        if key == "error.unexpected":
            log.exception("write failed")
        else:
            log.warning("write refused or busy: %s", exc if key == "error.forbidden"
                        else type(exc).__name__)
        st.error(tr(key))
