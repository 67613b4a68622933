"""审计日志 / Audit log (head office): who did what and when - sign-ins and failures,
sign-outs, customer views and searches, refusals, downloads, imports and every change -
filtered by time, user, action and entity, newest first, and exported as a logged CSV."""

import streamlit as st

from core import ui

user = ui.page_user()

st.title(ui.tr("auditlog.title"))
st.caption(ui.tr("auditlog.caption"))
ui.audit_table(user, ui.audit_filters(user))
