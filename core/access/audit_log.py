"""Reading the audit log: filter, page through and export it (head office only).

The audit log is append-only from the app: rows are written by
:func:`core.permissions.record` and no code path updates or deletes them
(``tests/security/test_audit_log.py`` checks the source for it). This module only reads.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import pandas as pd
from sqlalchemy import Engine, func, select

from core.db import read_frame
from core.files.downloads import log_download, neutralise, watermark
from core.models import AuditLog, User
from core.permissions import require_role

PAGE_SIZE = 50
EXPORT_LIMIT = 100_000  # rows an export holds at most (the filter narrows it)
COLUMNS = ["at", "username", "action", "entity", "entity_id", "detail"]


@dataclass(frozen=True)
class AuditFilter:
    """What the page filters on: dates (inclusive), a username, actions, an entity."""

    start: date | None = None
    end: date | None = None
    username: str | None = None
    actions: tuple[str, ...] = field(default_factory=tuple)
    entity: str | None = None

    def as_dict(self) -> dict:
        return {
            "start": self.start,
            "end": self.end,
            "username": self.username,
            "actions": list(self.actions),
            "entity": self.entity,
        }


def _where(f: AuditFilter) -> list:
    conditions = []
    if f.start:
        conditions.append(AuditLog.at >= datetime.combine(f.start, time()))
    if f.end:
        conditions.append(AuditLog.at < datetime.combine(f.end + timedelta(days=1), time()))
    if f.username:
        conditions.append(User.username == f.username)
    if f.actions:
        conditions.append(AuditLog.action.in_(list(f.actions)))
    if f.entity:
        conditions.append(AuditLog.entity == f.entity)
    return conditions


def _select(f: AuditFilter):
    return (
        select(
            AuditLog.id,
            AuditLog.at,
            User.username,
            AuditLog.action,
            AuditLog.entity,
            AuditLog.entity_id,
            AuditLog.detail,
        )
        .outerjoin(User, User.id == AuditLog.user_id)
        .where(*_where(f))
    )


def load_audit_log(
    engine: Engine, actor, f: AuditFilter, page: int = 1, page_size: int = PAGE_SIZE
) -> tuple[pd.DataFrame, int]:
    """One page of the entries matching ``f``, newest first, and how many match in all.

    ``username`` is None for the system (command line) and for failed sign-ins of unknown
    users (their attempted name is in ``detail``).
    """
    require_role(engine, actor, "audit_log", "hq")
    page = max(1, int(page))
    with engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(_select(f).subquery())).scalar_one()
        df = read_frame(
            conn,
            _select(f)
            .order_by(AuditLog.at.desc(), AuditLog.id.desc())
            .limit(page_size)
            .offset((page - 1) * page_size),
        )
    return df[["id", *COLUMNS]], int(total)


def audit_choices(engine: Engine, actor) -> dict[str, list[str]]:
    """The usernames, actions and entities present, for the page's filters."""
    require_role(engine, actor, "audit_log", "hq")
    with engine.connect() as conn:
        actions = conn.execute(select(AuditLog.action).distinct()).scalars().all()
        entities = (
            conn.execute(select(AuditLog.entity).distinct().where(AuditLog.entity.is_not(None)))
            .scalars()
            .all()
        )
        users = conn.execute(select(User.username).order_by(User.username)).scalars().all()
    return {"actions": sorted(actions), "entities": sorted(entities), "users": list(users)}


def _text(value) -> str:
    return value if isinstance(value, str) else ""


def export_audit_log(
    engine: Engine, actor, f: AuditFilter, who: str, labels: dict[str, str] | None = None
) -> bytes:
    """The entries matching ``f`` (newest first, at most :data:`EXPORT_LIMIT`) as CSV in
    UTF-8 with BOM (Excel opens it): a watermark line, a header, every cell formula-safe.
    The download itself goes to the audit log. ``labels`` names the actions for people."""
    require_role(engine, actor, "audit_log", "hq")
    labels = labels or {}
    with engine.connect() as conn:
        df = read_frame(
            conn, _select(f).order_by(AuditLog.at.desc(), AuditLog.id.desc()).limit(EXPORT_LIMIT)
        )
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([neutralise(watermark(who))])
    writer.writerow(COLUMNS)
    for row in df.itertuples(index=False):
        at = pd.Timestamp(row.at).strftime("%Y-%m-%d %H:%M:%S")
        writer.writerow(
            [
                neutralise(_text(v))
                for v in (
                    at,
                    row.username,
                    labels.get(row.action, row.action),
                    row.entity,
                    row.entity_id,
                    row.detail,
                )
            ]
        )
    log_download(engine, actor, "audit_log", len(df), f.as_dict())
    return ("\ufeff" + out.getvalue()).encode("utf-8")
