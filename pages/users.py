"""用户管理 / Users (head office): every account with its org unit, state, lock and last
sign-in; create an account (with a one-time password the user must change at first sign-in),
reset a password, deactivate, reactivate or unlock. Every action goes to the audit log."""

import streamlit as st

from core import ui

user = ui.page_user()

st.title(ui.tr("users.title"))
st.caption(ui.tr("users.caption"))
ui.user_table(user)
ui.create_user_form(user)
ui.manage_user_form(user)
