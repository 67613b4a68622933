"""Targets against actuals (定责): how far each branch and manager has come this year."""
from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, case, func, select

from core.models import Actual, Target

MAP_METRIC = "deposit_increase"  # the completion the grid map colours by


def latest_year(engine: Engine) -> int | None:
    """The newest year that has targets (None before any are set)."""
    with engine.connect() as conn:
        return conn.execute(select(func.max(Target.year))).scalar()


def year_completion(engine: Engine, metric: str, year: int | None = None
                    ) -> dict[str, pd.Series]:
    """Actual to date against the annual target, in percent, per branch and per manager.

    Returns ``{"branch": Series, "manager": Series}`` indexed by org id; an org unit without
    an annual target (or a zero one) is missing.
    """
    year = year if year is not None else latest_year(engine)
    out = {"branch": pd.Series(dtype=float), "manager": pd.Series(dtype=float)}
    if year is None:
        return out
    annual = func.sum(case((Target.month == 0, Target.value), else_=0.0))
    with engine.connect() as conn:
        targets = conn.execute(select(Target.org_level, Target.org_id, annual)
                               .where(Target.year == year, Target.metric == metric,
                                      Target.org_level.in_(list(out)))
                               .group_by(Target.org_level, Target.org_id)).all()
        actuals = conn.execute(select(Actual.org_level, Actual.org_id, func.sum(Actual.value))
                               .where(Actual.year == year, Actual.metric == metric,
                                      Actual.month > 0, Actual.org_level.in_(list(out)))
                               .group_by(Actual.org_level, Actual.org_id)).all()
    done = {(level, org): value for level, org, value in actuals}
    for level in out:
        rows = {org: 100.0 * done.get((level, org), 0.0) / target
                for lvl, org, target in targets if lvl == level and target}
        out[level] = pd.Series(rows, dtype=float).round(1)
    return out
