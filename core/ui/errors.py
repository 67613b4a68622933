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
from core.escape import markdown
from core.permissions import Forbidden
from core.problems import ProblemError
from core.ui.frame import lang, tr

log = logging.getLogger("core.ui")


def problem_text(problem) -> str:
    """One problem (``core.problems.Problem``) as a line in the session's language."""
    return problem.text(lang())


def show_problems(problems, intro_key: str | None = None) -> None:
    """Problems as one error box: an optional heading (i18n key), then a line each, the
    data in them escaped."""
    lines = [f"- {markdown(problem_text(p))}" for p in problems]
    head = [tr(intro_key)] if intro_key else []
    st.error("\n".join(head + lines))


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
    try:
        yield
    except ProblemError as exc:  # what the user can mend: every problem, nothing written
        show_problems(exc.problems)
    except Exception as exc:
        key = error_key(exc)
        if key == "error.unexpected":
            log.exception("write failed")
        else:
            log.warning(
                "write refused or busy: %s", exc if key == "error.forbidden" else type(exc).__name__
            )
        st.error(tr(key))
