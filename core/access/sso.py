"""Single sign-on: which app user an identity provider's user is, and the sign-in it starts.

Streamlit's ``st.login`` runs the OpenID Connect round trip and hands the ID token's claims to
the app (``st.user``). This module (no Streamlit) decides what those claims mean here:

- ``GM_SSO_MATCH=username``: the claim ``preferred_username`` (else ``sub``) against
  ``app_user.username``; ``email``: the claim ``email`` against ``app_user.email`` (when the
  schema has it) and against usernames that are e-mail addresses. Matching trims the value and
  ignores the case of A-Z only: a look-alike (full-width letters, the Kelvin sign, a
  zero-width space) never matches, and two users matching one value is a refusal.
- An unknown, deactivated, locked or turned-off (demo) user is refused with an i18n key and
  an ``sso_refused`` audit row; nothing is created (no auto-provisioning).
- A matched user gets the same app session as a password sign-in
  (:func:`core.access.auth.start_session`, audited ``sign_in``), preceded by an ``sso_sign_in`` row
  that names the claim, its value, the issuer and the ID token's fingerprint.
- Claims count only right after a round trip (``iat`` within :data:`FRESH_SECONDS`), and one
  ID token starts at most one session (its fingerprint is in the audit row), so Streamlit's
  30-day identity cookie can neither outlive a sign-out nor stand in for a new sign-in.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Mapping
from datetime import datetime, timedelta

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from core import config
from core.access import auth
from core.models import AuditLog, User
from core.permissions import record

FRESH_SECONDS = 300  # an ID token older than this is not a new sign-in
CLOCK_SKEW_SECONDS = 60  # an ID token issued this far in the future still counts
AUDIT_VALUE_CHARS = 64  # characters of a claim value kept in the audit log
ENTITY = "sso"  # audit rows of single sign-on: entity "sso", entity_id the token fingerprint
CLAIMS = {"username": ("preferred_username", "sub"), "email": ("email",)}


class SsoRefused(Exception):
    """A single sign-on refused; ``key`` is the i18n key of what the user reads."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code

    @property
    def key(self) -> str:
        return f"sso.{self.code}"


def fold(value: str) -> str:
    """The form two names are compared in: trimmed, A-Z lower-cased, nothing else changed.

    Examples
    --------
    >>> fold("  Manager ")
    'manager'
    >>> fold("ＭＡＮＡＧＥＲ") == "manager", fold("\\u212aate") == "kate"
    (False, False)
    """
    return value.strip().translate(_ASCII_LOWER)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def clean(value: object, limit: int = AUDIT_VALUE_CHARS) -> str:
    """A claim value as the audit log keeps it: text, no control characters, ``limit`` long.

    Examples
    --------
    >>> clean("evil\\r\\nuser")
    'eviluser'
    >>> len(clean("x" * 500))
    64
    """
    text = "".join(ch for ch in str(value) if unicodedata.category(ch)[0] != "C")
    return text[:limit]


def claimed_name(claims: Mapping, match: str) -> tuple[str, str]:
    """The claim the app matches on and its trimmed value.

    Raises
    ------
    SsoRefused
        ``no_claim`` when the claim is missing, empty or not text (or, for ``email``, has no
        ``@``); ``email_unverified`` when the provider says the e-mail is not verified.

    Examples
    --------
    >>> claimed_name({"sub": "u-1", "preferred_username": " Li.Na "}, "username")
    ('preferred_username', 'Li.Na')
    >>> claimed_name({"sub": "u-1"}, "username")
    ('sub', 'u-1')
    """
    for claim in CLAIMS[match]:
        value = claims.get(claim)
        if isinstance(value, str) and value.strip():
            if match == "email":
                if "@" not in value:
                    break
                if claims.get("email_verified") is False:
                    raise SsoRefused("email_unverified")
            return claim, value.strip()
    raise SsoRefused("no_claim")


def is_fresh(claims: Mapping, now: datetime) -> bool:
    """True when the ID token was issued (``iat``) within :data:`FRESH_SECONDS` of ``now``.

    Examples
    --------
    >>> now = datetime(2026, 12, 7, 10, 0)
    >>> is_fresh({"iat": now.timestamp() - 10}, now), is_fresh({"iat": now.timestamp() - 3600}, now)
    (True, False)
    >>> is_fresh({}, now), is_fresh({"iat": "soon"}, now)
    (False, False)
    """
    issued = claims.get("iat")
    if isinstance(issued, bool) or not isinstance(issued, (int, float)):
        return False
    age = now.timestamp() - issued
    return -CLOCK_SKEW_SECONDS <= age <= FRESH_SECONDS


def fingerprint(claims: Mapping) -> str:
    """A short fingerprint of one ID token (issuer, subject, issue time, nonce)."""
    parts = [str(claims.get(k, "")) for k in ("iss", "sub", "iat", "nonce")]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def find_user(engine: Engine, match: str, value: str) -> User:
    """The one app user ``value`` names under ``match``.

    Raises
    ------
    SsoRefused
        ``unknown_user`` when nobody matches, ``ambiguous`` when several users do.
    """
    wanted = fold(value)
    columns = [User.username]
    if match == "email" and hasattr(User, "email"):  # the column comes with migration 0006
        columns.append(User.email)
    with Session(engine, expire_on_commit=False) as session:
        users = session.scalars(select(User)).all()
    found = {
        u.id: u
        for u in users
        if any(
            isinstance(v, str) and fold(v) == wanted for v in (getattr(u, c.key) for c in columns)
        )
    }
    if not found:
        raise SsoRefused("unknown_user")
    if len(found) > 1:
        raise SsoRefused("ambiguous")
    return next(iter(found.values()))


def _locked(user: User, now: datetime) -> bool:
    until = getattr(user, "locked_until", None)  # the lock-out column, once the schema has it
    return until is not None and until > now


def _check_may_sign_in(user: User, now: datetime) -> None:
    if not user.active:
        raise SsoRefused("inactive_user")
    if _locked(user, now):
        raise SsoRefused("locked_user")
    if user.is_demo and not config.get("GM_DEMO_ACCOUNTS"):
        raise SsoRefused("demo_disabled")


def _seen(engine: Engine, token: str, now: datetime) -> set[str]:
    """The actions (sso_sign_in, sso_refused) already recorded for this ID token."""
    since = now - timedelta(seconds=FRESH_SECONDS + 2 * CLOCK_SKEW_SECONDS)
    with engine.connect() as conn:
        return set(
            conn.execute(
                select(AuditLog.action)
                .distinct()
                .where(AuditLog.at >= since, AuditLog.entity == ENTITY, AuditLog.entity_id == token)
            ).scalars()
        )


def sign_in(
    engine: Engine, claims: Mapping, now: datetime | None = None
) -> tuple[auth.SignedIn, str] | None:
    """Start an app session for the identity provider's user in ``claims``.

    Returns ``(user, token)`` as a password sign-in would, or None when the claims are not a
    new round trip (stale, or this ID token was used already): then nothing happens.

    Raises
    ------
    SsoRefused
        The user may not sign in; the refusal is audited (``sso_refused``, once per ID token).
    """
    now = now or datetime.now()
    if not claims.get("is_logged_in", True) or not is_fresh(claims, now):
        return None
    token = fingerprint(claims)
    seen = _seen(engine, token, now)
    if "sso_sign_in" in seen:
        return None
    match = str(config.get("GM_SSO_MATCH"))
    claim, value, user = CLAIMS[match][0], clean(claims.get(CLAIMS[match][0], "")), None
    try:
        claim, value = claimed_name(claims, match)
        user = find_user(engine, match, value)
        _check_may_sign_in(user, now)
    except SsoRefused as refused:
        if "sso_refused" not in seen:
            with engine.begin() as conn:
                record(
                    conn,
                    None if user is None else user.id,
                    "sso_refused",
                    ENTITY,
                    token,
                    {
                        "reason": refused.code,
                        "match": match,
                        "claim": claim,
                        "value": clean(value),
                        "iss": clean(claims.get("iss", ""), 200),
                    },
                    at=now,
                )
        raise
    with engine.begin() as conn:  # the ID token is spent first: a failure below burns it
        record(
            conn,
            user.id,
            "sso_sign_in",
            ENTITY,
            token,
            {
                "method": "sso",
                "claim": claim,
                "value": clean(value),
                "iss": clean(claims.get("iss", ""), 200),
            },
            at=now,
        )
    signed_in = auth.SignedIn(user.id, user.username, user.display_name, auth._user_scope(user))
    return signed_in, auth.start_session(engine, signed_in, now)
