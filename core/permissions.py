"""Who may do what: role and scope checks that every write (and sensitive read) makes in core.

A page hiding a button is convenience; these checks are the rule. A refused attempt is
written to the audit log (``action = "denied"``) in its own transaction and raises
:class:`Forbidden`, so nothing of the refused write is stored.

``actor`` is anything with ``user_id`` and ``scope`` (``core.access.auth.SignedIn`` or
:data:`SYSTEM` for command-line runs).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, insert

from core.models import AuditLog
from core.scope import Scope


@dataclass(frozen=True)
class Actor:
    """Someone who acts: a user id (None for the system) and their scope."""

    user_id: int | None
    scope: Scope


SYSTEM = Actor(None, Scope("hq"))  # command-line runs (seed, actuals, segment, nightly load)


class Forbidden(Exception):
    """An action outside the actor's role or scope; ``action`` names what was tried.

    Examples
    --------
    >>> Forbidden("grid_change").key
    'error.forbidden'
    """

    key = "error.forbidden"

    def __init__(self, action: str, detail: str = ""):
        super().__init__(f"{action}: {detail}" if detail else action)
        self.action = action
        self.detail = detail


def record(
    conn,
    actor_or_user_id,
    action: str,
    entity: str | None = None,
    entity_id=None,
    detail: dict | str | None = None,
    at: datetime | None = None,
) -> None:
    """Append one audit-log row inside the caller's transaction (``conn``)."""
    user_id = getattr(actor_or_user_id, "user_id", actor_or_user_id)
    if isinstance(detail, dict):
        detail = json.dumps(detail, ensure_ascii=False, default=str)
    conn.execute(
        insert(AuditLog).values(
            at=at or datetime.now(),
            user_id=user_id,
            action=action[:30],
            entity=None if entity is None else str(entity)[:30],
            entity_id=None if entity_id is None else str(entity_id)[:50],
            detail=detail,
        )
    )


def deny(engine: Engine, actor, action: str, detail: str = "") -> Forbidden:
    """Log a refused attempt (own transaction) and return the exception to raise."""
    with engine.begin() as conn:
        record(conn, actor, "denied", entity=action, detail={"detail": detail})
    return Forbidden(action, detail)


def require(engine: Engine, actor, action: str, allowed: bool, detail: str = "") -> None:
    """Raise (after logging) :class:`Forbidden` unless ``allowed``."""
    if not allowed:
        raise deny(engine, actor, action, detail)


def require_role(engine: Engine, actor, action: str, *roles: str) -> None:
    """Only these roles may ``action``."""
    require(
        engine, actor, action, actor.scope.role in roles, f"role {actor.scope.role} not in {roles}"
    )


def may_touch_branch(scope: Scope, branch_id: int | None) -> bool:
    """Head office any branch (and the bank, ``None``); a branch leader only their own.

    Examples
    --------
    >>> may_touch_branch(Scope("branch", branch_id=2), 2), may_touch_branch(Scope("branch", branch_id=2), 3)
    (True, False)
    >>> may_touch_branch(Scope("manager", branch_id=2, manager_id=5), 2)
    False
    """
    if scope.role == "hq":
        return True
    return scope.role == "branch" and branch_id is not None and branch_id == scope.branch_id


def require_branch(engine: Engine, actor, action: str, branch_id: int | None) -> None:
    """Head office, or the leader of ``branch_id``; managers never."""
    require(
        engine,
        actor,
        action,
        may_touch_branch(actor.scope, branch_id),
        f"branch {branch_id} outside scope {actor.scope}",
    )
