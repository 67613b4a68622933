"""Sign-in: passwords, refusals with a reason, sessions that resume, expire and end."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import insert, select, update

from core.access import auth
from core.models import AuditLog, User, UserSession
from core.scope import Scope


def add_user(
    engine,
    username,
    password="pw-123",
    role="hq",
    active=True,
    is_demo=False,
    branch_id=None,
    manager_id=None,
):
    with engine.begin() as conn:
        conn.execute(
            insert(User).values(
                username=username,
                display_name=username,
                password_hash=auth.hash_password(password),
                role=role,
                branch_id=branch_id,
                manager_id=manager_id,
                active=active,
                is_demo=is_demo,
                created_at=datetime(2026, 1, 1),
            )
        )


def test_password_hash_is_salted_scrypt():
    a, b = auth.hash_password("demo"), auth.hash_password("demo")
    assert a != b and a.startswith("scrypt$")
    assert auth.verify_password("demo", a) and not auth.verify_password("Demo", a)
    assert not auth.verify_password("demo", "plain-text")


def test_demo_accounts_sign_in_with_their_scope(seeded_engine):
    hq = auth.authenticate(seeded_engine, "hq", "demo")
    branch = auth.authenticate(seeded_engine, "branch", "demo")
    manager = auth.authenticate(seeded_engine, "manager", "demo")
    assert hq.scope == Scope("hq")
    assert branch.scope.role == "branch" and branch.scope.branch_id is not None
    assert manager.scope.branch_id == branch.scope.branch_id
    assert manager.scope.manager_id is not None


@pytest.mark.parametrize(
    "username, password, reason",
    [
        ("nobody", "demo", "unknown_user"),
        ("hq", "wrong", "wrong_password"),
        ("hq", "", "wrong_password"),
    ],
)
def test_refusals_tell_the_user_nothing_and_the_audit_log_why(
    seeded_engine, username, password, reason
):
    with pytest.raises(auth.SignInError) as err:
        auth.authenticate(seeded_engine, username, password, client=f"test-{reason}")
    assert err.value.code == "failed" and err.value.reason == reason
    with seeded_engine.connect() as conn:
        detail = (
            conn.execute(
                select(AuditLog.detail)
                .where(AuditLog.action == "sign_in_failed")
                .order_by(AuditLog.id.desc())
            )
            .scalars()
            .first()
        )
    assert f'"reason": "{reason}"' in detail


def test_deactivated_user_is_refused_even_with_the_right_password(empty_engine):
    add_user(empty_engine, "gone", active=False)
    with pytest.raises(auth.SignInError) as err:
        auth.authenticate(empty_engine, "gone", "pw-123")
    assert (err.value.code, err.value.reason) == ("failed", "inactive_user")


def test_demo_accounts_can_be_turned_off(empty_engine, monkeypatch):
    add_user(empty_engine, "hq", is_demo=True)
    add_user(empty_engine, "real")
    monkeypatch.setenv("GM_DEMO_ACCOUNTS", "off")
    with pytest.raises(auth.SignInError) as err:
        auth.authenticate(empty_engine, "hq", "pw-123")
    assert (err.value.code, err.value.reason) == ("failed", "demo_disabled")
    assert auth.authenticate(empty_engine, "real", "pw-123").username == "real"


def test_session_resumes_until_it_expires(empty_engine):
    add_user(empty_engine, "u1")
    user = auth.authenticate(empty_engine, "u1", "pw-123")
    t0 = datetime(2026, 11, 23, 9, 0)
    token = auth.start_session(empty_engine, user, now=t0)
    for minutes in range(20, 12 * 60, 20):  # a click every 20 minutes keeps it from idling
        assert auth.resume_session(empty_engine, token, now=t0 + timedelta(minutes=minutes)) == user
    assert auth.resume_session(empty_engine, token, now=t0 + timedelta(hours=12)) is None
    assert auth.resume_session(empty_engine, token + "x", now=t0) is None
    assert auth.resume_session(empty_engine, None) is None
    with empty_engine.connect() as conn:  # only the hash is stored
        stored = conn.execute(select(UserSession.token_hash)).scalar_one()
    assert token not in stored


def test_sign_out_ends_every_session_of_the_user(empty_engine):
    add_user(empty_engine, "u1")
    add_user(empty_engine, "u2")
    u1 = auth.authenticate(empty_engine, "u1", "pw-123")
    u2 = auth.authenticate(empty_engine, "u2", "pw-123")
    tab_a, tab_b = auth.start_session(empty_engine, u1), auth.start_session(empty_engine, u1)
    other = auth.start_session(empty_engine, u2)
    assert auth.end_sessions(empty_engine, u1.user_id) == 2
    assert auth.resume_session(empty_engine, tab_a) is None
    assert auth.resume_session(empty_engine, tab_b) is None
    assert auth.resume_session(empty_engine, other) == u2


def test_deactivating_a_user_ends_their_open_session(empty_engine):
    add_user(empty_engine, "u1")
    user = auth.authenticate(empty_engine, "u1", "pw-123")
    token = auth.start_session(empty_engine, user)
    with empty_engine.begin() as conn:
        conn.execute(update(User).where(User.username == "u1").values(active=False))
    assert auth.resume_session(empty_engine, token) is None


def test_sign_ins_failures_and_sign_outs_are_audited(empty_engine):
    add_user(empty_engine, "u1")
    with pytest.raises(auth.SignInError):
        auth.authenticate(empty_engine, "u1", "wrong")
    user = auth.authenticate(empty_engine, "u1", "pw-123")
    auth.start_session(empty_engine, user)
    auth.end_sessions(empty_engine, user.user_id)
    with empty_engine.connect() as conn:
        actions = (
            conn.execute(
                select(AuditLog.action)
                .where(AuditLog.user_id == user.user_id)
                .order_by(AuditLog.id)
            )
            .scalars()
            .all()
        )
    assert actions == ["sign_in_failed", "sign_in", "sign_out"]
