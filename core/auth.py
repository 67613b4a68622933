"""Passwords, sign-in and sign-in sessions.

Passwords are hashed with scrypt (n=2**14, r=8, p=1, 16-byte salt), a memory-hard algorithm
from the standard library. A sign-in creates a session: the browser keeps a random token in
a cookie; the database keeps only its SHA-256, its expiry and whether it was revoked, so a
stolen database cannot be replayed and signing out revokes every session of the user.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.orm import Session

from core import config
from core.models import AuditLog, User, UserSession
from core.scope import Scope

_N, _R, _P = 2 ** 14, 8, 1
COOKIE_NAME = "gm_session"


def hash_password(password: str) -> str:
    """Return ``scrypt$n$r$p$salt$hash`` for ``password``."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return "$".join(["scrypt", str(_N), str(_R), str(_P),
                     base64.b64encode(salt).decode(), base64.b64encode(digest).decode()])


def verify_password(password: str, stored: str) -> bool:
    """True when ``password`` matches the stored scrypt hash (constant-time compare)."""
    try:
        algo, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if algo != "scrypt":
        return False
    got = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r),
                         p=int(p), dklen=32)
    return hmac.compare_digest(got, base64.b64decode(digest))


@dataclass(frozen=True)
class SignedIn:
    """The signed-in user as pages see it."""

    user_id: int
    username: str
    display_name: str
    scope: Scope


class SignInError(Exception):
    """A sign-in refused; ``code`` is an i18n key (unknown_user, wrong_password...)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def _user_scope(user: User) -> Scope:
    return Scope(role=user.role, branch_id=user.branch_id, manager_id=user.manager_id)


def authenticate(engine: Engine, username: str, password: str) -> SignedIn:
    """Check a username and password.

    Raises
    ------
    SignInError
        ``unknown_user``, ``wrong_password``, ``inactive_user`` or ``demo_disabled``.
    """
    with Session(engine, expire_on_commit=False) as session:
        user = session.scalars(select(User).where(User.username == username.strip())).first()
    if user is None:
        hash_password(password)  # same work as a real check, so timing tells nothing
        raise SignInError("unknown_user")
    if not verify_password(password, user.password_hash):
        _audit(engine, user.id, "sign_in_failed")
        raise SignInError("wrong_password")
    if not user.active:
        raise SignInError("inactive_user")
    if user.is_demo and not config.get("GM_DEMO_ACCOUNTS"):
        raise SignInError("demo_disabled")
    return SignedIn(user.id, user.username, user.display_name, _user_scope(user))


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(engine: Engine, user: SignedIn, now: datetime | None = None) -> str:
    """Record a new sign-in session and return the token for the cookie."""
    now = now or datetime.now()
    token = secrets.token_urlsafe(32)
    hours = int(config.get("GM_SESSION_HOURS"))
    with engine.begin() as conn:
        conn.execute(insert(UserSession).values(
            user_id=user.user_id, token_hash=_token_hash(token), created_at=now,
            expires_at=now + timedelta(hours=hours), revoked_at=None))
        conn.execute(insert(AuditLog).values(at=now, user_id=user.user_id, action="sign_in"))
    return token


def resume_session(engine: Engine, token: str | None,
                   now: datetime | None = None) -> SignedIn | None:
    """The user of a cookie token, or None when it is unknown, expired, revoked or the user
    has been deactivated since."""
    if not token or not isinstance(token, str):
        return None
    now = now or datetime.now()
    stmt = (select(User).join(UserSession, UserSession.user_id == User.id)
            .where(UserSession.token_hash == _token_hash(token),
                   UserSession.revoked_at.is_(None), UserSession.expires_at > now))
    with Session(engine, expire_on_commit=False) as session:
        user = session.scalars(stmt).first()
    if user is None:
        return None
    if not user.active or (user.is_demo and not config.get("GM_DEMO_ACCOUNTS")):
        return None
    return SignedIn(user.id, user.username, user.display_name, _user_scope(user))


def end_sessions(engine: Engine, user_id: int, now: datetime | None = None) -> int:
    """Sign a user out everywhere: revoke all their open sessions. Returns how many."""
    now = now or datetime.now()
    with engine.begin() as conn:
        result = conn.execute(update(UserSession)
                              .where(UserSession.user_id == user_id,
                                     UserSession.revoked_at.is_(None))
                              .values(revoked_at=now))
        conn.execute(insert(AuditLog).values(at=now, user_id=user_id, action="sign_out"))
    return result.rowcount


def _audit(engine: Engine, user_id: int | None, action: str) -> None:
    with engine.begin() as conn:
        conn.execute(insert(AuditLog).values(at=datetime.now(), user_id=user_id, action=action))
