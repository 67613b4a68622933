"""Glue of the staffing page (定岗定员): a grid's posts and liaisons, checked and saved."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.access import auth
from core.db import write_retrying
from core.grids import staffing
from core.grids.staffing import LIAISON_ROLES  # noqa: F401  (the liaison editor's choices)
from core.scope import Scope
from core.ui.errors import problem_text, user_errors
from core.ui.frame import engine, md


def grid_staffing(scope: Scope, grid_id: int) -> dict | None:
    """A grid's posts A and B, the managers who may hold them and its liaisons (phones
    masked); None when the scope may not staff the grid."""
    return staffing.load_staffing(engine(), scope, grid_id)


def save_staffing(
    user: auth.SignedIn,
    grid_id: int,
    current: dict,
    manager_a: int | None,
    manager_b: int | None,
    liaisons,
) -> bool:
    """Check the edited posts and liaisons (``current`` as ``grid_staffing`` gave it) and
    save them; every problem or error is shown. True once saved.

    Every cache is cleared: the grid's customers follow its post-A manager, which the map,
    cards, audit, explorer, progress by manager and visit plans all show."""
    table = pd.DataFrame(liaisons).reindex(columns=["id", "name", "role", "phone"])
    problems = staffing.check_staffing(
        manager_a,
        manager_b,
        current["managers"],
        table,
        {int(i): "" for i in current["liaisons"]["id"]},
    )
    for p in problems:
        st.error(md(problem_text(p)))
    if problems:
        return False
    saved = False
    with user_errors():
        write_retrying(
            engine(),
            lambda e: staffing.save_staffing(e, user, grid_id, manager_a, manager_b, table),
        )
        st.cache_data.clear()
        saved = True
    return saved
