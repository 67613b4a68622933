"""Who sees what: the caller's scope, turned into SQL filters.

Every query function takes a ``Scope``; a page cannot ask for data without one. A head-office
user sees the bank, a branch leader one branch, a customer manager their own customers.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, or_, select, true


@dataclass(frozen=True)
class Scope:
    """Role plus org unit. Hashable, so cached functions can take it as an argument."""

    role: str  # hq / branch / manager
    branch_id: int | None = None
    manager_id: int | None = None

    def __post_init__(self):
        if self.role not in ("hq", "branch", "manager"):
            raise ValueError(f"unknown role {self.role!r}")
        if self.role == "branch" and self.branch_id is None:
            raise ValueError("a branch scope needs branch_id")
        if self.role == "manager" and (self.manager_id is None or self.branch_id is None):
            raise ValueError("a manager scope needs branch_id and manager_id")

    def where(self, branch_col, manager_col=None) -> ColumnElement[bool]:
        """SQL condition limiting rows to this scope.

        ``branch_col`` and ``manager_col`` are the columns holding the row's branch and
        manager; a manager scope without ``manager_col`` is refused rather than widened.
        """
        if self.role == "hq":
            return true()
        if self.role == "branch":
            return branch_col == self.branch_id
        if manager_col is None:
            raise TypeError("this table has no manager column; a manager cannot query it")
        return manager_col == self.manager_id

    def where_org(self, level_col, id_col) -> ColumnElement[bool]:
        """SQL condition limiting rows keyed by org unit (targets, actuals, their changes) to
        this scope: head office every unit, a branch leader their branch and its managers, a
        manager themself."""
        if self.role == "hq":
            return true()
        if self.role == "manager":
            return and_(level_col == "manager", id_col == self.manager_id)
        from core.models import Manager

        managers = select(Manager.id).where(Manager.branch_id == self.branch_id)
        return or_(
            and_(level_col == "branch", id_col == self.branch_id),
            and_(level_col == "manager", id_col.in_(managers)),
        )
