"""Glue of the lists page and the explorer's save-list form: how many of a list's customers
are in the scope now, saving a filter as a list or an industry / group grid, withdrawing one.
Every write clears the caches of lists and of the grids made of them."""

from __future__ import annotations

import streamlit as st
from sqlalchemy import select

from core.customers import explorer
from core.customers.lists import KINDS, check_list, save_list, withdraw
from core.db import get_engine, write_retrying
from core.models import Branch, Manager
from core.scope import Scope
from core.ui.errors import show_problems, user_errors
from core.ui.explorer import branch_names, explorer_context, explorer_frame, lists_changed
from core.ui.frame import database_url, engine, md, tr


@st.cache_data(ttl=600, show_spinner=False)
def _managers_of(url: str, branch_id: int | None) -> dict[int, str]:
    stmt = (
        select(Manager.id, Manager.name, Branch.name)
        .join(Branch)
        .where(Manager.active)
        .order_by(Manager.branch_id, Manager.id)
    )
    if branch_id is not None:
        stmt = stmt.where(Manager.branch_id == branch_id)
    with get_engine(url).connect() as conn:
        return {i: f"{n}({b})" for i, n, b in conn.execute(stmt).all()}


def managers_of(branch_id: int | None) -> dict[int, str]:
    """Active managers of a branch (every branch's when None), id -> "name (branch)"."""
    return _managers_of(database_url(), branch_id)


def list_table(scope: Scope, lists):
    """The scope's ``lists`` as the lists page shows them: kind in words, and how many of
    each one's customers the scope's explorer selects now (None: the filter no longer
    applies)."""
    frame, ctx = explorer_frame(scope), explorer_context()
    members = []
    for text in lists["saved_filter"]:
        try:
            filters = explorer.Filters.from_json(text)
            members.append(int(explorer.select_rows(frame, filters, ctx).sum()))
        except ValueError:
            members.append(None)
    return lists.assign(members=members, kind=lists["kind"].map(lambda k: tr(f"lists.kind.{k}")))


def withdraw_list(user, kind: str, item_id: int) -> None:
    """Withdraw a list or delete an industry / group grid (retried when busy)."""
    write_retrying(engine(), lambda e: withdraw(e, user, kind, item_id))
    lists_changed()


def save_list_form(user, filters, customers: int) -> None:
    """Save the current filter as a list (名单) or an industry / group grid, handed to a
    branch or a manager."""
    scope = user.scope
    st.subheader(tr("lists.save_title"))
    with st.form("save_list"):
        c = st.columns([2, 1, 1, 1])
        name = c[0].text_input(tr("lists.name"), key="sl_name", max_chars=100)
        kind = c[1].selectbox(
            tr("lists.kind"), KINDS, key="sl_kind", format_func=lambda k: tr(f"lists.kind.{k}")
        )
        branches = branch_names()
        if scope.role == "hq":
            branch = c[2].selectbox(
                tr("lists.branch"),
                [None, *branches],
                key="sl_branch",
                format_func=lambda b: tr("lists.whole_bank") if b is None else branches[b],
            )
        else:
            branch = scope.branch_id
            c[2].text_input(
                tr("lists.branch"), branches.get(branch, ""), disabled=True, key="sl_branch_fixed"
            )
        managers = managers_of(None if scope.role == "hq" else scope.branch_id)
        manager = c[3].selectbox(
            tr("lists.manager"),
            [None, *managers],
            key="sl_manager",
            format_func=lambda m: tr("lists.no_manager") if m is None else managers[m],
        )
        note = st.text_input(tr("lists.note"), key="sl_note", max_chars=200)
        submitted = st.form_submit_button(tr("lists.save"), type="primary")
    if not submitted:
        return
    problems = check_list(engine(), scope, name, filters, kind, branch, manager, note)
    if problems:
        show_problems(problems, "lists.problems")
        return
    with user_errors():
        write_retrying(
            engine(),
            lambda e: save_list(e, user, name, filters, kind, branch, manager, customers, note),
        )
        lists_changed()
        st.success(tr("lists.saved", name=md(name.strip()), n=f"{customers:,}"))
