"""Glue of the head-office pages 用户管理 (users) and 审计日志 (audit log).

Every action calls ``core.access.users`` / ``core.access.audit_log``, which check the role
themselves and write the audit log; a refusal shows ``error.forbidden``. A one-time password
is shown once, on the run after it was made, and then forgotten.
"""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from core.access import audit_log, users
from core.i18n import TEXT
from core.permissions import Forbidden
from core.ui.errors import user_errors
from core.ui.frame import engine, md, tr

_OTP_KEY = "users_otp"  # (username, one-time password) to show once


def _show_otp() -> None:
    pending = st.session_state.pop(_OTP_KEY, None)
    if pending:
        name, otp = pending
        st.success(tr("users.otp_once", name=md(name)))
        st.code(otp, language=None)


def user_table(user) -> None:
    """Every account: org unit, state, lock, last sign-in."""
    _show_otp()
    try:
        df = users.list_users(engine(), user)
    except Forbidden as exc:
        st.error(tr(exc.key))
        st.stop()
    df = df.assign(role=[tr(f"role.{r}") for r in df["role"]])
    st.dataframe(
        df,
        hide_index=True,
        key="users_table",
        column_config={
            "username": tr("users.col_username"),
            "display_name": tr("users.col_display_name"),
            "role": tr("users.col_role"),
            "org": tr("users.col_org"),
            "email": tr("users.col_email"),
            "active": st.column_config.CheckboxColumn(tr("users.col_active")),
            "locked": st.column_config.CheckboxColumn(tr("users.col_locked")),
            "locked_until": st.column_config.DatetimeColumn(
                tr("users.col_locked_until"), format="YYYY-MM-DD HH:mm"
            ),
            "failed_sign_ins": tr("users.col_failures"),
            "must_change_password": st.column_config.CheckboxColumn(tr("users.col_must_change")),
            "last_sign_in_at": st.column_config.DatetimeColumn(
                tr("users.col_last_sign_in"), format="YYYY-MM-DD HH:mm"
            ),
            "is_demo": st.column_config.CheckboxColumn(tr("users.col_demo")),
        },
    )


def create_user_form(user) -> None:
    """New account: username, role, org unit (branch or manager record), optional names."""
    eng = engine()
    st.subheader(tr("users.create"))
    role = (
        st.segmented_control(
            tr("users.col_role"),
            ["hq", "branch", "manager"],
            key="users_new_role",
            default="manager",
            format_func=lambda r: tr(f"role.{r}"),
        )
        or "manager"
    )
    choices = users.org_choices(eng, user)
    with st.form("users_create", clear_on_submit=True):
        username = st.text_input(
            tr("users.col_username"),
            key="users_new_name",
            max_chars=50,
            help=tr("users.username_help"),
        )
        org = None
        if role in ("branch", "manager"):
            options = choices[role]
            org = st.selectbox(
                tr(f"users.org_{role}"),
                list(options),
                key="users_new_org",
                format_func=options.get,
                index=None,
            )
        display = st.text_input(tr("users.display_name"), key="users_new_display", max_chars=50)
        email = st.text_input(tr("users.email"), key="users_new_email", max_chars=254)
        submitted = st.form_submit_button(tr("users.create_submit"), type="primary")
    if not submitted:
        return
    otp = _attempt(
        lambda: users.create_user(
            eng, user, username, role, org, display or None, email=email or None
        )
    )
    if otp is not None:
        st.session_state[_OTP_KEY] = (username.strip(), otp)
        st.rerun()


def manage_user_form(user) -> None:
    """Reset a password, deactivate, reactivate or unlock an existing account."""
    eng = engine()
    st.subheader(tr("users.manage"))
    names = list(users.list_users(eng, user)["username"])
    name = st.selectbox(tr("users.pick"), names, key="users_pick", index=None)
    cols = st.columns(4)
    actions = [
        ("reset", cols[0]),
        ("deactivate", cols[1]),
        ("reactivate", cols[2]),
        ("unlock", cols[3]),
    ]
    clicked = [
        a
        for a, col in actions
        if col.button(tr(f"users.{a}"), key=f"users_{a}", disabled=name is None)
    ]
    if not clicked or name is None:
        return
    action = clicked[0]
    run = {
        "reset": users.reset_password,
        "reactivate": users.reactivate,
        "deactivate": users.deactivate,
        "unlock": users.unlock,
    }[action]
    done = _attempt(lambda: run(eng, user, name) or "")
    if done is None:
        return
    if action in ("reset", "reactivate"):  # both hand out a one-time password
        st.session_state[_OTP_KEY] = (name, done)
    st.session_state["notice"] = f"users.{action}_done"
    st.rerun()


def _attempt(action):
    """Run one user-administration action; on a refusal, a busy database or bad input show
    the message and return None, else return what the action returned."""
    with user_errors():  # bad input shows every problem (core.problems.ProblemError)
        return action()
    return None


# ---- the audit log page ----------------------------------------------------------------


def action_label(code: str) -> str:
    """An audit action as people say it (the code itself when it has no text yet)."""
    key = f"auditlog.action.{code}"
    return tr(key) if key in TEXT else code


def audit_filters(user) -> audit_log.AuditFilter:
    """Time range, user, actions and entity; the last seven days by default."""
    try:
        choices = audit_log.audit_choices(engine(), user)
    except Forbidden as exc:
        st.error(tr(exc.key))
        st.stop()
    today = date.today()
    c1, c2, c3, c4 = st.columns([2, 1, 2, 1])
    span = c1.date_input(
        tr("auditlog.range"),
        value=(today - timedelta(days=7), today),
        key="audit_range",
        max_value=today + timedelta(days=1),
    )
    if isinstance(span, (tuple, list)):  # a range: one or both ends picked so far
        start, end = (*span, None, None)[:2]
    else:
        start = end = span
    username = c2.selectbox(
        tr("auditlog.user"),
        choices["users"],
        key="audit_user",
        index=None,
        placeholder=tr("auditlog.all"),
    )
    actions = c3.multiselect(
        tr("auditlog.action"),
        choices["actions"],
        key="audit_actions",
        format_func=action_label,
        placeholder=tr("auditlog.all"),
    )
    entity = c4.selectbox(
        tr("auditlog.entity"),
        choices["entities"],
        key="audit_entity",
        index=None,
        placeholder=tr("auditlog.all"),
    )
    return audit_log.AuditFilter(start, end, username, tuple(actions), entity)


def audit_table(user, f: audit_log.AuditFilter) -> None:
    """One page of entries, newest first, with a page picker and the logged CSV export."""
    eng = engine()
    page = int(st.session_state.get("audit_page") or 1)
    df, total = audit_log.load_audit_log(eng, user, f, page)
    pages = max(1, -(-total // audit_log.PAGE_SIZE))
    if page > pages:  # the filter narrowed: back to its last page (before the widget exists)
        page = st.session_state["audit_page"] = pages
        df, total = audit_log.load_audit_log(eng, user, f, page)
    if total == 0:
        st.info(tr("auditlog.empty"))
        return
    st.caption(tr("auditlog.total", n=f"{total:,}", page=page, pages=pages))
    shown = df.assign(
        action=[action_label(a) for a in df["action"]],
        username=[u if isinstance(u, str) else tr("auditlog.system") for u in df["username"]],
    ).drop(columns="id")
    st.dataframe(
        shown,
        hide_index=True,
        key="audit_table",
        column_config={
            "at": st.column_config.DatetimeColumn(
                tr("auditlog.col_at"), format="YYYY-MM-DD HH:mm:ss"
            ),
            "username": tr("auditlog.user"),
            "action": tr("auditlog.action"),
            "entity": tr("auditlog.entity"),
            "entity_id": tr("auditlog.col_entity_id"),
            "detail": tr("auditlog.col_detail"),
        },
    )
    st.number_input(tr("auditlog.page"), min_value=1, max_value=pages, step=1, key="audit_page")
    who = f"{user.display_name}({user.username})"
    labels = {k.rsplit(".", 1)[1]: tr(k) for k in TEXT if k.startswith("auditlog.action.")}
    # built (and logged) only when clicked: Streamlit calls ``data`` on the click
    st.download_button(
        tr("auditlog.download"),
        file_name="audit_log.csv",
        mime="text/csv",
        key="audit_download",
        icon=":material/download:",
        data=lambda: audit_log.export_audit_log(eng, user, f, who, labels),
    )
