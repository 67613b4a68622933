"""Passwords, sign-in and sign-in sessions.

Passwords are hashed with scrypt (``GM_SCRYPT_N``, default N=2**17, r=8, p=1 as OWASP
recommends; 16-byte salt), a memory-hard algorithm from the standard library. Hashes made at
a lower cost (the n=2**14 of earlier versions) still verify and are re-hashed at the current
cost when their user signs in.

A failed sign-in says one thing whatever the reason (unknown user, wrong password,
deactivated, locked...); the audit log keeps the true reason. ``GM_SIGNIN_MAX_FAILURES``
failures in a row lock an account for ``GM_SIGNIN_LOCK_MINUTES``, and
``GM_SIGNIN_CLIENT_MAX_FAILURES`` failures from one client address within that window refuse
the address, whatever usernames it tries.

A sign-in creates a session: the browser keeps a random token in a cookie; the database keeps
only its SHA-256, its expiry, when it was last used and whether it was revoked, so a stolen
database cannot be replayed and signing out revokes every session of the user. A session ends
after ``GM_SESSION_HOURS`` or ``GM_IDLE_MINUTES`` without a click, whichever comes first; dead
sessions are pruned at sign-in.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy.orm import Session

from core import config
from core.models import SignInFailure, User, UserSession
from core.permissions import record
from core.scope import Scope

_R, _P = 8, 1
LEGACY_N = 2**14  # the cost of hashes made before GM_SCRYPT_N existed
COOKIE_NAME = "gm_session"
FAILED = "failed"  # the one code every refused sign-in carries (i18n signin.failed)
SEEN_EVERY = timedelta(seconds=60)  # last_seen_at is written at most this often
PRUNE_BATCH = 500  # dead sessions / old client failures deleted per sign-in at most


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    # hashlib's default maxmem (32 MB) refuses N=2**17 (128 * r * N = 128 MB): raise it
    return hashlib.scrypt(
        password.encode(), salt=salt, n=n, r=r, p=p, dklen=32, maxmem=256 * r * n + 2**20
    )


def hash_password(password: str, n: int | None = None) -> str:
    """Return ``scrypt$n$r$p$salt$hash`` for ``password`` at cost ``n`` (default
    ``GM_SCRYPT_N``)."""
    n = n or int(config.get("GM_SCRYPT_N"))
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, n, _R, _P)
    return "$".join(
        [
            "scrypt",
            str(n),
            str(_R),
            str(_P),
            base64.b64encode(salt).decode(),
            base64.b64encode(digest).decode(),
        ]
    )


def verify_password(password: str, stored: str) -> bool:
    """True when ``password`` matches the stored scrypt hash (constant-time compare)."""
    try:
        algo, n, r, p, salt, digest = stored.split("$")
        n, r, p = int(n), int(r), int(p)
    except ValueError:
        return False
    if algo != "scrypt" or not (LEGACY_N <= n <= 2**20 and r == _R and p == _P):
        return False
    got = _scrypt(password, base64.b64decode(salt), n, r, p)
    return hmac.compare_digest(got, base64.b64decode(digest))


def needs_rehash(stored: str) -> bool:
    """True when ``stored`` was made at a lower cost than ``GM_SCRYPT_N`` asks for now."""
    try:
        return int(stored.split("$")[1]) < int(config.get("GM_SCRYPT_N"))
    except (IndexError, ValueError):
        return True


@dataclass(frozen=True)
class SignedIn:
    """The signed-in user as pages see it. ``must_change_password``: a one-time password was
    used, and nothing but the change-password form may be shown."""

    user_id: int
    username: str
    display_name: str
    scope: Scope
    must_change_password: bool = False


class SignInError(Exception):
    """A refused sign-in. ``code`` is always :data:`FAILED` (what the user is told);
    ``reason`` is what the audit log keeps (unknown_user, wrong_password, inactive_user,
    demo_disabled, account_locked, client_locked)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.code = FAILED
        self.reason = reason


def _user_scope(user: User) -> Scope:
    return Scope(role=user.role, branch_id=user.branch_id, manager_id=user.manager_id)


def signed_in(user: User) -> SignedIn:
    """The :class:`SignedIn` of a user row."""
    return SignedIn(
        user.id,
        user.username,
        user.display_name,
        _user_scope(user),
        bool(user.must_change_password),
    )


def client_address(
    remote: str | None, forwarded_for: str | None, behind_proxy: bool | None = None
) -> str:
    """The client address sign-in failures are counted by.

    ``X-Forwarded-For`` is believed only when ``GM_BEHIND_PROXY`` is on, and then only its
    last entry (the one our proxy appended; earlier entries are whatever the client sent).

    Examples
    --------
    >>> client_address("10.0.0.9", "1.2.3.4", behind_proxy=False)
    '10.0.0.9'
    >>> client_address("10.0.0.1", "6.6.6.6, 192.168.3.7", behind_proxy=True)
    '192.168.3.7'
    >>> client_address(None, None, behind_proxy=False)
    'unknown'
    """
    if behind_proxy is None:
        behind_proxy = bool(config.get("GM_BEHIND_PROXY"))
    if behind_proxy and isinstance(forwarded_for, str):
        last = forwarded_for.split(",")[-1].strip()
        if last:
            return last[:64]
    return (remote.strip()[:64] if isinstance(remote, str) else "") or "unknown"


def _client_locked(conn, client: str, now: datetime) -> bool:
    window = now - timedelta(minutes=int(config.get("GM_SIGNIN_LOCK_MINUTES")))
    failures = conn.execute(
        select(func.count())
        .select_from(SignInFailure)
        .where(SignInFailure.client == client, SignInFailure.at > window)
    ).scalar_one()
    return failures >= int(config.get("GM_SIGNIN_CLIENT_MAX_FAILURES"))


def _refuse(
    engine: Engine,
    user: User | None,
    username: str,
    client: str,
    reason: str,
    now: datetime,
    count: bool = True,
) -> SignInError:
    """Audit a refused sign-in with its true reason; count it against the client and (when
    the password was wrong) the account, locking it at the limit."""
    detail = {"reason": reason, "client": client}
    if user is None:
        detail["username"] = username[:50]
    with engine.begin() as conn:
        if count:
            conn.execute(
                SignInFailure.__table__.insert().values(
                    at=now, client=client, username=username[:50]
                )
            )
        if user is not None and reason == "wrong_password":  # counted in SQL: no lost update
            conn.execute(
                update(User)
                .where(User.id == user.id)
                .values(failed_sign_ins=User.failed_sign_ins + 1)
            )
            failures = conn.execute(
                select(User.failed_sign_ins).where(User.id == user.id)
            ).scalar_one()
            if failures >= int(config.get("GM_SIGNIN_MAX_FAILURES")):
                minutes = int(config.get("GM_SIGNIN_LOCK_MINUTES"))
                conn.execute(
                    update(User)
                    .where(User.id == user.id)
                    .values(failed_sign_ins=0, locked_until=now + timedelta(minutes=minutes))
                )
                record(
                    conn,
                    user.id,
                    "account_locked",
                    "user",
                    user.username,
                    {"client": client, "minutes": minutes},
                    at=now,
                )
        record(
            conn,
            None if user is None else user.id,
            "sign_in_failed",
            "user",
            None if user is None else user.username,
            detail,
            at=now,
        )
    return SignInError(reason)


def authenticate(
    engine: Engine,
    username: str,
    password: str,
    client: str = "unknown",
    now: datetime | None = None,
) -> SignedIn:
    """Check a username and password from ``client`` (see :func:`client_address`).

    The password is checked (or, for an unknown user, a hash of the same cost is computed)
    before any other reason is looked at, so time tells nothing either. On success the
    account's failure count is reset, its last sign-in noted, and a hash of an older cost
    replaced.

    Raises
    ------
    SignInError
        ``code`` is always ``failed``; ``reason`` one of unknown_user, wrong_password,
        inactive_user, demo_disabled, account_locked, client_locked.
    """
    now = now or datetime.now()
    username = username.strip()
    with Session(engine, expire_on_commit=False) as session:
        user = session.scalars(select(User).where(User.username == username)).first()
        locked_client = _client_locked(session.connection(), client, now)
    if user is None:
        hash_password(password)  # the same work as a real check, so timing tells nothing
        ok = False
    else:
        ok = verify_password(password, user.password_hash)
    if locked_client:
        raise _refuse(engine, user, username, client, "client_locked", now, count=False)
    if user is None:
        raise _refuse(engine, None, username, client, "unknown_user", now)
    if user.locked_until is not None and user.locked_until > now:
        raise _refuse(engine, user, username, client, "account_locked", now, count=not ok)
    if not ok:
        raise _refuse(engine, user, username, client, "wrong_password", now)
    if not user.active:
        raise _refuse(engine, user, username, client, "inactive_user", now)
    if user.is_demo and not config.get("GM_DEMO_ACCOUNTS"):
        raise _refuse(engine, user, username, client, "demo_disabled", now)
    values = {"failed_sign_ins": 0, "locked_until": None, "last_sign_in_at": now}
    if needs_rehash(user.password_hash):
        values["password_hash"] = hash_password(password)
    with engine.begin() as conn:
        conn.execute(update(User).where(User.id == user.id).values(**values))
        if "password_hash" in values:
            record(
                conn,
                user.id,
                "password_rehashed",
                "user",
                user.username,
                {"from_n": user.password_hash.split("$")[1]},
                at=now,
            )
    return signed_in(user)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(
    engine: Engine, user: SignedIn, now: datetime | None = None, client: str | None = None
) -> str:
    """Record a new sign-in session and return the token for the cookie; prune dead
    sessions and old client failures (a bounded batch)."""
    now = now or datetime.now()
    token = secrets.token_urlsafe(32)
    hours = int(config.get("GM_SESSION_HOURS"))
    with engine.begin() as conn:
        prune(conn, now)
        conn.execute(
            UserSession.__table__.insert().values(
                user_id=user.user_id,
                token_hash=_token_hash(token),
                created_at=now,
                expires_at=now + timedelta(hours=hours),
                revoked_at=None,
                last_seen_at=now,
            )
        )
        record(
            conn,
            user,
            "sign_in",
            "user",
            user.username,
            {"client": client} if client else None,
            at=now,
        )
    return token


def prune(conn, now: datetime, batch: int | None = None) -> int:
    """Delete up to ``batch`` (default :data:`PRUNE_BATCH`) dead sessions (expired, revoked
    or idle past the timeout) and client failures older than a day. Returns how many
    sessions went."""
    batch = batch or PRUNE_BATCH
    idle = now - timedelta(minutes=int(config.get("GM_IDLE_MINUTES")))
    dead = (
        select(UserSession.id)
        .where(
            (UserSession.expires_at <= now)
            | UserSession.revoked_at.is_not(None)
            | (UserSession.last_seen_at < idle)
        )
        .limit(batch)
    )
    ids = conn.execute(dead).scalars().all()
    if ids:
        conn.execute(delete(UserSession).where(UserSession.id.in_(ids)))
    old = (
        conn.execute(
            select(SignInFailure.id).where(SignInFailure.at < now - timedelta(days=1)).limit(batch)
        )
        .scalars()
        .all()
    )
    if old:
        conn.execute(delete(SignInFailure).where(SignInFailure.id.in_(old)))
    return len(ids)


def check_session(
    engine: Engine, token: str | None, now: datetime | None = None
) -> tuple[SignedIn | None, str | None]:
    """The user of a cookie token and why not: ``(user, None)`` or ``(None, reason)`` with
    reason unknown, expired, idle (the session is revoked and the sign-out audited),
    inactive or demo_disabled. A live session's ``last_seen_at`` moves at most once a
    minute."""
    if not token or not isinstance(token, str):
        return None, "unknown"
    now = now or datetime.now()
    stmt = (
        select(User, UserSession)
        .join(UserSession, UserSession.user_id == User.id)
        .where(UserSession.token_hash == _token_hash(token), UserSession.revoked_at.is_(None))
    )
    with Session(engine, expire_on_commit=False) as session:
        row = session.execute(stmt).first()
    if row is None:
        return None, "unknown"
    user, sess = row
    if sess.expires_at <= now:
        return None, "expired"
    seen = sess.last_seen_at or sess.created_at
    if now - seen > timedelta(minutes=int(config.get("GM_IDLE_MINUTES"))):
        with engine.begin() as conn:
            revoked = conn.execute(
                update(UserSession)
                .where(UserSession.id == sess.id, UserSession.revoked_at.is_(None))
                .values(revoked_at=now)
            ).rowcount
            if revoked:
                record(
                    conn,
                    user.id,
                    "idle_sign_out",
                    "user",
                    user.username,
                    {"last_seen": seen.isoformat(timespec="seconds")},
                    at=now,
                )
        return None, "idle"
    if not user.active:
        return None, "inactive"
    if user.is_demo and not config.get("GM_DEMO_ACCOUNTS"):
        return None, "demo_disabled"
    if now - seen >= SEEN_EVERY:
        with engine.begin() as conn:
            conn.execute(
                update(UserSession).where(UserSession.id == sess.id).values(last_seen_at=now)
            )
    return signed_in(user), None


def resume_session(
    engine: Engine, token: str | None, now: datetime | None = None
) -> SignedIn | None:
    """The user of a cookie token, or None when it is unknown, expired, idle, revoked or the
    user has been deactivated since."""
    return check_session(engine, token, now)[0]


def end_sessions(
    engine: Engine,
    user_id: int,
    now: datetime | None = None,
    action: str | None = "sign_out",
    actor=None,
) -> int:
    """Sign a user out everywhere: revoke all their open sessions. Returns how many.

    ``action`` is what the audit log records (None: nothing, the caller records), ``actor``
    who did it (default: the user themself)."""
    now = now or datetime.now()
    with engine.begin() as conn:
        result = conn.execute(
            update(UserSession)
            .where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        if action:
            record(conn, user_id if actor is None else actor, action, "user", None, None, at=now)
    return result.rowcount
