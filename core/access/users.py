"""User administration: accounts, one-time passwords, deactivation, lock-outs.

Only head office administers users (``core.permissions.require_role``; the command line acts
as :data:`core.permissions.SYSTEM`), and every action is written to the audit log. Accounts
are never deleted: a deactivated account keeps its audit trail, cannot sign in, and its open
sessions are revoked so that its next click signs it out.

An account is created, or its password reset, with a one-time password (一次性密码) that the
user must replace at their first sign-in (``must_change_password``). Password rules are
settings: ``GM_PASSWORD_MIN_LENGTH``, ``GM_PASSWORD_CLASSES``, and never the username.

Problems are :class:`core.problems.ProblemError` s with i18n keys (``users.*``), so the page
and the command line say the same thing in the user's language.
"""

from __future__ import annotations

import re
import secrets
import string
import unicodedata
from datetime import datetime

import pandas as pd
from sqlalchemy import Engine, select, update

from core import config
from core.access import auth
from core.db import read_frame
from core.models import ROLES, Branch, Manager, User
from core.permissions import record, require_role
from core.problems import Problem, ProblemError

USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,49}$")
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")
_OTP_ALPHABET = "".join(c for c in string.ascii_letters + string.digits if c not in "Il1O0o")
_OTP_SYMBOLS = "#%+=?"


def holds_demo_accounts(engine: Engine) -> bool:
    """True when the database is the demo's (it holds the demo accounts a seed creates): only
    then do the sign-in page and the sidebar speak of demo data and demo accounts."""
    with engine.connect() as conn:
        return conn.execute(select(User.id).where(User.is_demo).limit(1)).first() is not None


def _classes(password: str) -> int:
    return sum(
        any(test(c) for c in password)
        for test in (str.islower, str.isupper, str.isdigit, lambda c: not c.isalnum())
    )


def check_password(password: str, username: str) -> list[Problem]:
    """What is wrong with ``password`` for ``username`` under the settings (empty: nothing).

    Examples
    --------
    >>> [p.key for p in check_password("short", "li")]
    ['users.password_short', 'users.password_classes']
    >>> check_password("Grid-Bank-2026", "li")
    []
    >>> [p.key for p in check_password("Zhang.San.01", "zhang.san.01")]
    ['users.password_username']
    """
    problems = []
    length = int(config.get("GM_PASSWORD_MIN_LENGTH"))
    classes = int(config.get("GM_PASSWORD_CLASSES"))
    if len(password) < length:
        problems.append(Problem("users.password_short", {"n": length}))
    if _classes(password) < classes:
        problems.append(Problem("users.password_classes", {"n": classes}))
    if username and username.strip().lower() in password.lower():
        problems.append(Problem("users.password_username"))
    if len(password) > 200 or any(unicodedata.category(c).startswith("C") for c in password):
        problems.append(Problem("users.password_chars"))
    return problems


def one_time_password() -> str:
    """A random password that meets every rule (at least 14 characters, all four classes)."""
    length = max(14, int(config.get("GM_PASSWORD_MIN_LENGTH")))
    while True:
        chars = [secrets.choice(_OTP_ALPHABET) for _ in range(length - 2)]
        chars.insert(secrets.randbelow(len(chars) + 1), secrets.choice(_OTP_SYMBOLS))
        chars.insert(secrets.randbelow(len(chars) + 1), secrets.choice("23456789"))
        password = "".join(chars)
        if _classes(password) == 4:
            return password


def _clean_name(text: str | None) -> str:
    return unicodedata.normalize("NFC", (text or "").strip())


def _find(conn, username: str) -> User:
    row = conn.execute(select(User.__table__).where(User.username == username.strip())).first()
    if row is None:
        raise ProblemError(Problem("users.unknown_user", {"name": username.strip()[:50]}))
    return row


def _org(conn, role: str, org_code: str | None) -> tuple[int | None, int | None, str]:
    """branch_id, manager_id and a default display name for ``role`` at ``org_code``."""
    code = (org_code or "").strip()
    if role == "hq":
        return None, None, ""
    if not code:
        return _fail("users.org_missing")
    if role == "branch":
        row = conn.execute(select(Branch.id, Branch.name).where(Branch.code == code)).first()
        if row is None:
            return _fail("users.unknown_branch", code=code[:32])
        return row.id, None, f"{row.name}行长"
    row = conn.execute(
        select(Manager.id, Manager.branch_id, Manager.name, Manager.active).where(
            Manager.code == code
        )
    ).first()
    if row is None or not row.active:
        return _fail("users.unknown_manager", code=code[:32])
    return row.branch_id, row.id, row.name


def _fail(key: str, **values):
    raise ProblemError(Problem(key, values))


def create_user(
    engine: Engine,
    actor,
    username: str,
    role: str,
    org_code: str | None = None,
    display_name: str | None = None,
    password: str | None = None,
    email: str | None = None,
    now: datetime | None = None,
) -> str | None:
    """Create an account; return its one-time password (None when ``password`` was given,
    which is then checked against the rules and need not be changed).

    ``org_code``: the branch code for a branch leader, the manager's code (staff number) for
    a customer manager (the account is linked to that manager record), nothing for head
    office.

    Raises
    ------
    core.permissions.Forbidden
        Unless ``actor`` is head office.
    core.problems.ProblemError
        A bad username, role, org code, display name, e-mail or password; an existing username.
    """
    require_role(engine, actor, "user_admin", "hq")
    now = now or datetime.now()
    username = _clean_name(username)
    problems: list[Problem] = []
    if not USERNAME.match(username):
        problems.append(Problem("users.bad_username"))
    if role not in ROLES:
        problems.append(Problem("users.bad_role"))
    name = _clean_name(display_name)
    if len(name) > 50 or any(unicodedata.category(c).startswith("C") for c in name):
        problems.append(Problem("users.bad_display_name"))
    email = _clean_name(email).lower() or None
    if email is not None and (len(email) > 254 or not EMAIL.match(email)):
        problems.append(Problem("users.bad_email"))
    if password is not None:
        problems += check_password(password, username)
    if problems:
        raise ProblemError(problems)
    otp = None if password is not None else one_time_password()
    digest = auth.hash_password(password if password is not None else otp)
    with engine.begin() as conn:
        if conn.execute(select(User.id).where(User.username == username)).first():
            _fail("users.exists", name=username)
        if email and conn.execute(select(User.id).where(User.email == email)).first():
            _fail("users.email_exists")
        branch_id, manager_id, default_name = _org(conn, role, org_code)
        user_id = conn.execute(
            User.__table__.insert().values(
                username=username,
                display_name=name or default_name or username,
                password_hash=digest,
                role=role,
                branch_id=branch_id,
                manager_id=manager_id,
                active=True,
                is_demo=False,
                created_at=now,
                email=email,
                must_change_password=otp is not None,
                failed_sign_ins=0,
            )
        ).inserted_primary_key[0]
        record(
            conn,
            actor,
            "user_created",
            "user",
            username,
            {
                "role": role,
                "org": (org_code or "").strip()[:32] or None,
                "user_id": user_id,
                "one_time_password": otp is not None,
            },
            at=now,
        )
    return otp


def reset_password(
    engine: Engine, actor, username: str, password: str | None = None, now: datetime | None = None
) -> str | None:
    """Give an account a new one-time password (returned) that must be changed at the next
    sign-in, or set ``password`` (checked, returns None). Unlocks the account and ends its
    sessions."""
    require_role(engine, actor, "user_admin", "hq")
    now = now or datetime.now()
    with engine.connect() as conn:
        user = _find(conn, username)
    if password is not None and (problems := check_password(password, user.username)):
        raise ProblemError(problems)
    otp = None if password is not None else one_time_password()
    digest = auth.hash_password(password if password is not None else otp)
    with engine.begin() as conn:
        conn.execute(
            update(User)
            .where(User.id == user.id)
            .values(
                password_hash=digest,
                must_change_password=otp is not None,
                failed_sign_ins=0,
                locked_until=None,
            )
        )
        record(
            conn,
            actor,
            "password_reset",
            "user",
            user.username,
            {"one_time_password": otp is not None},
            at=now,
        )
    auth.end_sessions(engine, user.id, now, action=None)
    return otp


def change_password(
    engine: Engine, user, current: str, new: str, now: datetime | None = None
) -> None:
    """The signed-in ``user`` replaces their password (after a one-time password, or at
    will): ``current`` must be right, ``new`` must meet the rules and differ from it."""
    now = now or datetime.now()
    with engine.connect() as conn:
        row = _find(conn, user.username)
    if not auth.verify_password(current, row.password_hash):
        with engine.begin() as conn:
            record(conn, user, "password_change_failed", "user", row.username, None, at=now)
        _fail("users.wrong_current")
    problems = check_password(new, row.username)
    if new == current:
        problems.append(Problem("users.same_password"))
    if problems:
        raise ProblemError(problems)
    with engine.begin() as conn:
        conn.execute(
            update(User)
            .where(User.id == row.id)
            .values(password_hash=auth.hash_password(new), must_change_password=False)
        )
        record(conn, user, "password_changed", "user", row.username, None, at=now)


def deactivate(engine: Engine, actor, username: str, now: datetime | None = None) -> int:
    """Deactivate an account (never deleted) and revoke its sessions: its next click signs
    it out. Returns the sessions ended. Head office cannot deactivate itself."""
    require_role(engine, actor, "user_admin", "hq")
    now = now or datetime.now()
    with engine.begin() as conn:
        user = _find(conn, username)
        if user.id == getattr(actor, "user_id", None):
            _fail("users.not_yourself")
        conn.execute(update(User).where(User.id == user.id).values(active=False))
        record(conn, actor, "user_deactivated", "user", user.username, None, at=now)
    return auth.end_sessions(engine, user.id, now, action=None)


def reactivate(engine: Engine, actor, username: str, now: datetime | None = None) -> str:
    """Let a deactivated account sign in again, with a new one-time password (returned)."""
    require_role(engine, actor, "user_admin", "hq")
    now = now or datetime.now()
    with engine.begin() as conn:
        user = _find(conn, username)
        conn.execute(update(User).where(User.id == user.id).values(active=True))
        record(conn, actor, "user_reactivated", "user", user.username, None, at=now)
    return reset_password(engine, actor, username, now=now)


def unlock(engine: Engine, actor, username: str, now: datetime | None = None) -> None:
    """Lift a lock-out and reset the failure count."""
    require_role(engine, actor, "user_admin", "hq")
    now = now or datetime.now()
    with engine.begin() as conn:
        user = _find(conn, username)
        conn.execute(
            update(User).where(User.id == user.id).values(failed_sign_ins=0, locked_until=None)
        )
        record(conn, actor, "user_unlocked", "user", user.username, None, at=now)


USER_COLUMNS = [
    "username",
    "display_name",
    "role",
    "org",
    "email",
    "active",
    "locked",
    "locked_until",
    "failed_sign_ins",
    "must_change_password",
    "last_sign_in_at",
    "is_demo",
]


def list_users(engine: Engine, actor, now: datetime | None = None) -> pd.DataFrame:
    """Every account with its org unit, state, lock and last sign-in (head office only)."""
    require_role(engine, actor, "user_admin", "hq")
    now = now or datetime.now()
    stmt = (
        select(
            User.username,
            User.display_name,
            User.role,
            User.email,
            User.active,
            User.locked_until,
            User.failed_sign_ins,
            User.must_change_password,
            User.last_sign_in_at,
            User.is_demo,
            Branch.name.label("branch"),
            Manager.name.label("manager"),
            Manager.code.label("manager_code"),
        )
        .outerjoin(Branch, Branch.id == User.branch_id)
        .outerjoin(Manager, Manager.id == User.manager_id)
        .order_by(User.username)
    )
    with engine.connect() as conn:
        df = read_frame(conn, stmt)
    df["org"] = [
        f"{b} / {m} ({c})" if isinstance(m, str) else (b if isinstance(b, str) else "")
        for b, m, c in zip(df["branch"], df["manager"], df["manager_code"], strict=False)
    ]
    df["locked"] = [bool(pd.notna(u) and u > now) for u in df["locked_until"]]
    for col in ("active", "must_change_password", "is_demo"):
        df[col] = df[col].astype(bool)
    return df[USER_COLUMNS]


def org_choices(engine: Engine, actor) -> dict[str, dict[str, str]]:
    """What an account can be attached to: branches and active managers, code -> label."""
    require_role(engine, actor, "user_admin", "hq")
    with engine.connect() as conn:
        branches = conn.execute(select(Branch.code, Branch.name).order_by(Branch.code)).all()
        managers = conn.execute(
            select(Manager.code, Manager.name, Branch.name.label("branch"))
            .join(Branch, Branch.id == Manager.branch_id)
            .where(Manager.active.is_(True))
            .order_by(Branch.code, Manager.code)
        ).all()
    return {
        "branch": {c: f"{n} ({c})" for c, n in branches},
        "manager": {c: f"{b} / {n} ({c})" for c, n, b in managers},
    }
