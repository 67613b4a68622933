"""Every download button of the app: the file is made when the user clicks, carries who and
when (the watermark line), and the click is logged (what, filters, rows).

Streamlit runs a callable ``data`` of ``st.download_button`` only when the user clicks the
button (on its own thread, without the session), so the bytes are prepared for that user at
that moment and the audit-log row is written in the same call: a row means a file was made
for a click, never a button merely shown. Tables with personal data do not offer Streamlit's
own CSV export (``client.disableDataExport`` in .streamlit/config.toml); this is the way.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from core import config
from core.db import get_engine
from core.files import downloads


def logged_download(
    label: str,
    *,
    key: str,
    what: str,
    build: Callable[[str], bytes],
    file_name: str,
    rows: int | None = None,
    filters: dict | None = None,
    mime: str = downloads.XLSX,
) -> None:
    """A download button whose file ``build(stamp)`` is made on click for the signed-in user
    and logged as ``what`` with ``filters`` and ``rows`` (counted in the file when None)."""
    user = st.session_state.get("user")
    url = config.database_url()

    def prepare() -> bytes:
        data = build(downloads.watermark(downloads.who(user)))
        n = rows if rows is not None else downloads.data_rows(data)
        downloads.log_download(get_engine(url), user, what, n, filters)
        return data

    st.download_button(
        label, data=prepare, file_name=file_name, mime=mime, key=key, icon=":material/download:"
    )
