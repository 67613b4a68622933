"""Attacks on sign-in: guessing passwords, enumerating usernames, spoofing the client
address, weak or old hashes, sessions that outlive their user (core/access/auth.py)."""

import json
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, insert, select, update

from core.access import auth
from core.models import AuditLog, SignInFailure, User, UserSession

T0 = datetime(2026, 12, 7, 9, 0)
PASSWORD = "Right-Pass-2026"


def add_user(engine, username, password=PASSWORD, active=True, is_demo=False, n=None):
    with engine.begin() as conn:
        return conn.execute(
            insert(User).values(
                username=username,
                display_name=username,
                role="hq",
                active=active,
                password_hash=auth.hash_password(password, n),
                is_demo=is_demo,
                created_at=datetime(2026, 1, 1),
            )
        ).inserted_primary_key[0]


def refusal(engine, username, password, client="10.0.0.1", now=T0):
    with pytest.raises(auth.SignInError) as err:
        auth.authenticate(engine, username, password, client=client, now=now)
    return err.value


def audit(engine, action):
    with engine.connect() as conn:
        rows = conn.execute(
            select(AuditLog.user_id, AuditLog.entity_id, AuditLog.detail)
            .where(AuditLog.action == action)
            .order_by(AuditLog.id)
        ).all()
    return [(u, e, json.loads(d) if d else None) for u, e, d in rows]


@pytest.fixture
def accounts(empty_engine, monkeypatch):
    monkeypatch.setenv("GM_SIGNIN_MAX_FAILURES", "3")
    monkeypatch.setenv("GM_SIGNIN_CLIENT_MAX_FAILURES", "6")
    monkeypatch.setenv("GM_SIGNIN_LOCK_MINUTES", "15")
    monkeypatch.delenv("GM_DEMO_ACCOUNTS", raising=False)
    add_user(empty_engine, "alice")
    add_user(empty_engine, "gone", active=False)
    add_user(empty_engine, "demo", is_demo=True)
    return empty_engine


def test_every_refusal_looks_the_same_and_the_audit_log_knows_why(accounts, monkeypatch):
    monkeypatch.setenv("GM_DEMO_ACCOUNTS", "off")
    cases = [
        ("nobody", PASSWORD, "unknown_user"),
        ("alice", "wrong", "wrong_password"),
        ("alice", "", "wrong_password"),
        ("ALICE", PASSWORD, "unknown_user"),
        ("gone", PASSWORD, "inactive_user"),
        ("demo", PASSWORD, "demo_disabled"),
        ("x" * 300, "y", "unknown_user"),
        ("' OR 1=1 --", PASSWORD, "unknown_user"),
    ]
    for i, (username, password, reason) in enumerate(cases):
        err = refusal(accounts, username, password, client=f"10.0.1.{i}")
        assert (err.code, str(err) == reason) == ("failed", True)
        assert err.reason == reason
    logged = audit(accounts, "sign_in_failed")
    assert [d["reason"] for _, _, d in logged] == [c[2] for c in cases]
    unknown = [d for u, _, d in logged if u is None]
    assert {d["username"] for d in unknown} == {"nobody", "ALICE", "x" * 50, "' OR 1=1 --"}
    assert all(d["client"].startswith("10.0.1.") for _, _, d in logged)


def test_wrong_passwords_lock_the_account_even_against_the_right_one(accounts):
    for i in range(3):
        assert (
            refusal(accounts, "alice", f"guess-{i}", client=f"10.0.2.{i}").reason
            == "wrong_password"
        )
    later = T0 + timedelta(minutes=5)
    err = refusal(accounts, "alice", PASSWORD, client="10.0.2.99", now=later)
    assert (err.code, err.reason) == ("failed", "account_locked")
    assert [e for _, e, _ in audit(accounts, "account_locked")] == ["alice"]
    # the lock expires: the right password works again, the count starts over
    user = auth.authenticate(
        accounts, "alice", PASSWORD, client="10.0.2.99", now=T0 + timedelta(minutes=16)
    )
    assert user.username == "alice"
    with accounts.connect() as conn:
        row = conn.execute(
            select(User.failed_sign_ins, User.locked_until, User.last_sign_in_at).where(
                User.username == "alice"
            )
        ).one()
    assert tuple(row) == (0, None, T0 + timedelta(minutes=16))


def test_a_success_resets_the_count(accounts):
    for round_ in range(3):  # 2 failures, then a success, three times: never locked
        for i in range(2):
            refusal(accounts, "alice", "nope", client=f"10.0.3.{round_}{i}")
        auth.authenticate(accounts, "alice", PASSWORD, client="10.0.3.200", now=T0)
    assert audit(accounts, "account_locked") == []


def test_one_client_guessing_many_usernames_is_locked_out(accounts):
    names = ["alice", "bob", "carol", "admin", "root", "hq"]
    for name in names:  # 6 failures from one address, across usernames
        refusal(accounts, name, "guess", client="203.0.113.5")
    err = refusal(accounts, "alice", PASSWORD, client="203.0.113.5")
    assert (err.code, err.reason) == ("failed", "client_locked")
    # the right password from another address works (alice had only 1 failure)
    assert auth.authenticate(accounts, "alice", PASSWORD, client="198.51.100.7", now=T0)
    # and the address is free again once the window has passed
    assert auth.authenticate(
        accounts, "alice", PASSWORD, client="203.0.113.5", now=T0 + timedelta(minutes=16)
    )


def test_refusals_while_locked_do_not_extend_the_lock_or_leak_the_password(accounts):
    for i in range(3):
        refusal(accounts, "alice", "guess", client=f"10.0.4.{i}")
    right = refusal(accounts, "alice", PASSWORD, client="10.0.4.50", now=T0 + timedelta(minutes=1))
    wrong = refusal(accounts, "alice", "guess", client="10.0.4.51", now=T0 + timedelta(minutes=1))
    assert (right.code, right.reason) == (wrong.code, wrong.reason) == ("failed", "account_locked")
    with accounts.connect() as conn:
        locked_until = conn.execute(
            select(User.locked_until).where(User.username == "alice")
        ).scalar_one()
    assert locked_until == T0 + timedelta(minutes=15)


@pytest.mark.parametrize(
    "remote, forwarded, behind_proxy, expected",
    [
        ("10.0.0.9", "1.2.3.4", False, "10.0.0.9"),  # no proxy: the header is the attacker's
        ("10.0.0.9", None, True, "10.0.0.9"),
        ("10.0.0.1", "6.6.6.6, 192.168.3.7", True, "192.168.3.7"),  # the proxy appended the last
        ("10.0.0.1", "6.6.6.6,   ", True, "10.0.0.1"),
        ("10.0.0.1", "x" * 500, True, "x" * 64),
        (None, None, False, "unknown"),
        (object(), object(), True, "unknown"),  # AppTest hands mocks: never crash
    ],
)
def test_client_address_trusts_the_proxy_header_only_when_told(
    remote, forwarded, behind_proxy, expected
):
    assert auth.client_address(remote, forwarded, behind_proxy) == expected


def test_behind_proxy_is_a_setting(monkeypatch):
    monkeypatch.setenv("GM_BEHIND_PROXY", "on")
    assert auth.client_address("10.0.0.1", "9.9.9.9") == "9.9.9.9"
    monkeypatch.setenv("GM_BEHIND_PROXY", "off")
    assert auth.client_address("10.0.0.1", "9.9.9.9") == "10.0.0.1"


def test_new_hashes_use_the_owasp_cost(monkeypatch):
    monkeypatch.delenv("GM_SCRYPT_N", raising=False)
    stored = auth.hash_password("Pass-word-1")
    assert stored.startswith("scrypt$131072$8$1$")
    assert auth.verify_password("Pass-word-1", stored)
    assert not auth.verify_password("Pass-word-2", stored)


@pytest.mark.parametrize(
    "stored",
    [
        "plain-text",
        "",
        "scrypt$16384$8$1$AAAA",
        "bcrypt$16384$8$1$AAAA$AAAA",
        "scrypt$1073741824$8$1$AAAA$AAAA",  # a cost that would eat the server's memory
        "scrypt$1024$8$1$AAAA$AAAA",
        "scrypt$16384$64$1$AAAA$AAAA",
        "scrypt$x$8$1$AAAA$AAAA",
    ],
)
def test_malformed_or_hostile_hashes_never_verify(stored):
    assert not auth.verify_password("anything", stored)


def test_old_hashes_still_work_and_are_upgraded_at_sign_in(empty_engine, monkeypatch):
    monkeypatch.setenv("GM_SCRYPT_N", "16384")
    add_user(empty_engine, "old", n=auth.LEGACY_N)
    monkeypatch.setenv("GM_SCRYPT_N", "32768")
    refusal(empty_engine, "old", "wrong")  # a failure upgrades nothing

    def stored():
        with empty_engine.connect() as conn:
            return conn.execute(
                select(User.password_hash).where(User.username == "old")
            ).scalar_one()

    assert stored().startswith("scrypt$16384$")
    auth.authenticate(empty_engine, "old", PASSWORD, now=T0)
    assert stored().startswith("scrypt$32768$") and auth.verify_password(PASSWORD, stored())
    assert [d for _, _, d in audit(empty_engine, "password_rehashed")] == [{"from_n": "16384"}]
    auth.authenticate(empty_engine, "old", PASSWORD, now=T0)  # already current: no rewrite
    assert len(audit(empty_engine, "password_rehashed")) == 1


def test_idle_sessions_end_and_the_sign_out_is_audited(empty_engine, monkeypatch):
    monkeypatch.setenv("GM_IDLE_MINUTES", "30")
    add_user(empty_engine, "alice")
    user = auth.authenticate(empty_engine, "alice", PASSWORD, now=T0)
    token = auth.start_session(empty_engine, user, now=T0)

    def last_seen():
        with empty_engine.connect() as conn:
            return conn.execute(select(UserSession.last_seen_at)).scalar_one()

    assert auth.check_session(empty_engine, token, T0 + timedelta(seconds=30)) == (user, None)
    assert last_seen() == T0  # under a minute: no write
    assert auth.check_session(empty_engine, token, T0 + timedelta(minutes=29))[0] == user
    assert last_seen() == T0 + timedelta(minutes=29)
    assert auth.check_session(empty_engine, token, T0 + timedelta(minutes=58))[0] == user
    # 31 minutes without a click, well inside GM_SESSION_HOURS
    assert auth.check_session(empty_engine, token, T0 + timedelta(minutes=89)) == (None, "idle")
    assert auth.check_session(empty_engine, token, T0 + timedelta(minutes=90))[0] is None
    assert [e for _, e, _ in audit(empty_engine, "idle_sign_out")] == ["alice"]


def test_a_shorter_idle_setting_applies_to_open_sessions(empty_engine, monkeypatch):
    add_user(empty_engine, "alice")
    user = auth.authenticate(empty_engine, "alice", PASSWORD, now=T0)
    token = auth.start_session(empty_engine, user, now=T0)
    monkeypatch.setenv("GM_IDLE_MINUTES", "5")
    assert auth.check_session(empty_engine, token, T0 + timedelta(minutes=6)) == (None, "idle")


def test_dead_sessions_are_pruned_at_sign_in_in_bounded_batches(empty_engine, monkeypatch):
    user_id = add_user(empty_engine, "alice")
    now = T0 + timedelta(days=2)
    rows = []
    for i in range(7):  # expired, revoked, idle: dead; 2 live ones stay
        rows.append(
            dict(
                token_hash=f"expired{i}",
                created_at=T0,
                expires_at=T0 + timedelta(hours=1),
                revoked_at=None,
                last_seen_at=T0,
            )
        )
    rows += [
        dict(
            token_hash="revoked",
            created_at=now,
            expires_at=now + timedelta(hours=5),
            revoked_at=now,
            last_seen_at=now,
        ),
        dict(
            token_hash="idle",
            created_at=now - timedelta(hours=2),
            expires_at=now + timedelta(hours=5),
            revoked_at=None,
            last_seen_at=now - timedelta(hours=1),
        ),
        dict(
            token_hash="live1",
            created_at=now,
            expires_at=now + timedelta(hours=5),
            revoked_at=None,
            last_seen_at=now,
        ),
        dict(
            token_hash="live2",
            created_at=now,
            expires_at=now + timedelta(hours=5),
            revoked_at=None,
            last_seen_at=now - timedelta(minutes=5),
        ),
    ]
    with empty_engine.begin() as conn:
        conn.execute(insert(UserSession), [dict(r, user_id=user_id) for r in rows])
        conn.execute(
            insert(SignInFailure),
            [
                dict(at=T0, client="1.1.1.1", username="x"),
                dict(at=now, client="1.1.1.1", username="y"),
            ],
        )
    monkeypatch.setattr(auth, "PRUNE_BATCH", 5)
    user = auth.authenticate(empty_engine, "alice", PASSWORD, now=now)
    auth.start_session(empty_engine, user, now=now)  # prunes 5 of the 9 dead
    with empty_engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(UserSession)).scalar_one() == 7
    auth.start_session(empty_engine, user, now=now)  # the other 4
    with empty_engine.connect() as conn:
        left = set(conn.execute(select(UserSession.token_hash)).scalars())
        failures = conn.execute(select(SignInFailure.username)).scalars().all()
    assert {"live1", "live2"} <= left and len(left) == 4  # + the two new sessions
    assert failures == ["y"]  # the day-old client failure went, the fresh one stays


def test_deactivation_ends_an_open_session_at_the_next_check(empty_engine):
    add_user(empty_engine, "alice")
    user = auth.authenticate(empty_engine, "alice", PASSWORD, now=T0)
    token = auth.start_session(empty_engine, user, now=T0)
    with empty_engine.begin() as conn:
        conn.execute(update(User).where(User.username == "alice").values(active=False))
    assert auth.check_session(empty_engine, token, T0 + timedelta(minutes=1)) == (None, "inactive")
