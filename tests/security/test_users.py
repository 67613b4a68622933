"""User administration (core/access/users.py and ``python -m core users``): only head office
administers, every action is audited, one-time passwords must be changed, deactivation ends
sessions, password rules hold, and demo accounts never reach a bank's own database."""

import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text

from core.access import auth, users
from core.db import make_engine
from core.models import AuditLog, Manager, User
from core.permissions import Actor, Forbidden
from core.problems import ProblemError
from core.scope import Scope

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 12, 7, 9, 0)
NEW_PASSWORD = "Grid-Bank-2026"


def actions(engine, since_id=0):
    with engine.connect() as conn:
        return conn.execute(
            select(AuditLog.action, AuditLog.entity_id)
            .where(AuditLog.id > since_id)
            .order_by(AuditLog.id)
        ).all()


def a_manager(engine):
    """A manager of the county that is not the demo account's."""
    with engine.connect() as conn:
        return conn.execute(
            select(Manager.code, Manager.id, Manager.branch_id)
            .where(
                Manager.id.not_in(select(User.manager_id).where(User.manager_id.is_not(None))),
                Manager.active.is_(True),
            )
            .order_by(Manager.id)
        ).first()


@pytest.fixture
def hq(fresh_county):
    return auth.authenticate(fresh_county, "hq", "demo")


def test_otp_account_must_change_its_password_first(fresh_county, hq):
    code, manager_id, branch_id = a_manager(fresh_county)
    otp = users.create_user(fresh_county, hq, "li.na", "manager", code, now=T0)
    assert len(otp) >= 14 and users.check_password(otp, "li.na") == []
    signed = auth.authenticate(fresh_county, "li.na", otp, now=T0)
    assert signed.must_change_password
    assert signed.scope == Scope("manager", branch_id=branch_id, manager_id=manager_id)
    with pytest.raises(ProblemError) as err:  # the one-time password is the current one
        users.change_password(fresh_county, signed, "not-the-otp", NEW_PASSWORD)
    assert err.value.problems[0].key == "users.wrong_current"
    with pytest.raises(ProblemError) as err:
        users.change_password(fresh_county, signed, otp, otp)
    assert "users.same_password" in [p.key for p in err.value.problems]
    users.change_password(fresh_county, signed, otp, NEW_PASSWORD)
    again = auth.authenticate(fresh_county, "li.na", NEW_PASSWORD)
    assert not again.must_change_password
    with pytest.raises(auth.SignInError):
        auth.authenticate(fresh_county, "li.na", otp)  # the one-time password is spent
    assert [a for a, _ in actions(fresh_county) if a.startswith(("user_", "password_"))] == [
        "user_created",
        "password_change_failed",
        "password_changed",
    ]


@pytest.mark.parametrize(
    "role, org, expected",
    [("hq", None, (None, None)), ("branch", "00102", "branch"), ("manager", None, "manager")],
)
def test_accounts_get_the_org_unit_of_their_role(fresh_county, hq, role, org, expected):
    if role == "manager":
        org = a_manager(fresh_county)[0]
    otp = users.create_user(fresh_county, hq, f"new.{role}", role, org)
    scope = auth.authenticate(fresh_county, f"new.{role}", otp).scope
    assert scope.role == role
    with fresh_county.connect() as conn:
        if role == "branch":
            assert (
                scope.branch_id
                == conn.execute(text("SELECT id FROM branch WHERE code = '00102'")).scalar()
            )
        if role == "manager":
            assert (scope.branch_id, scope.manager_id) == tuple(
                conn.execute(
                    text("SELECT branch_id, id FROM manager WHERE code = :c"), {"c": org}
                ).one()
            )
    if role == "hq":
        assert (scope.branch_id, scope.manager_id) == expected


@pytest.mark.parametrize(
    "kwargs, key",
    [
        (dict(username="a", role="hq"), "users.bad_username"),
        (dict(username="<script>alert(1)</script>", role="hq"), "users.bad_username"),
        (dict(username="a b", role="hq"), "users.bad_username"),
        (dict(username="x" * 51, role="hq"), "users.bad_username"),
        (dict(username="name\n", role="hq", display_name="a\x00b"), "users.bad_display_name"),
        (dict(username="ok.name", role="admin"), "users.bad_role"),
        (dict(username="ok.name", role="branch"), "users.org_missing"),
        (dict(username="ok.name", role="branch", org_code="99999"), "users.unknown_branch"),
        (dict(username="ok.name", role="manager", org_code="00102"), "users.unknown_manager"),
        (dict(username="hq", role="hq"), "users.exists"),
        (dict(username="ok.name", role="hq", email="not-an-email"), "users.bad_email"),
        (dict(username="ok.name", role="hq", password="short"), "users.password_short"),
    ],
)
def test_bad_accounts_are_refused_and_nothing_is_written(fresh_county, hq, kwargs, key):
    with fresh_county.connect() as conn:
        before = conn.execute(text("SELECT COUNT(*) FROM app_user")).scalar()
    with pytest.raises(ProblemError) as err:
        users.create_user(fresh_county, hq, **kwargs)
    assert key in [p.key for p in err.value.problems]
    with fresh_county.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM app_user")).scalar() == before


def test_email_is_unique(fresh_county, hq):
    users.create_user(fresh_county, hq, "first", "hq", email="Li.Na@Bank.example")
    with pytest.raises(ProblemError) as err:
        users.create_user(fresh_county, hq, "second", "hq", email="li.na@bank.example")
    assert err.value.problems[0].key == "users.email_exists"


@pytest.mark.parametrize(
    "password, username, keys",
    [
        ("Ab1!", "u1", {"users.password_short"}),
        ("abcdefghijkl", "u1", {"users.password_classes"}),
        ("ABCDEFGH1234", "u1", {"users.password_classes"}),  # 2 classes of 3
        ("Xx-zhangsan-1", "ZhangSan", {"users.password_username"}),
        ("Good-Pass\x00word1", "u1", {"users.password_chars"}),
        ("Good-Pass\u202eword1", "u1", {"users.password_chars"}),  # right-to-left override
        ("Good-Password-1", "u1", set()),
        ("好的密码Abc-123", "u1", set()),
    ],
)
def test_password_rules(password, username, keys):
    assert {p.key for p in users.check_password(password, username)} == keys


def test_password_rules_are_settings(monkeypatch):
    monkeypatch.setenv("GM_PASSWORD_MIN_LENGTH", "20")
    monkeypatch.setenv("GM_PASSWORD_CLASSES", "4")
    assert {p.key for p in users.check_password("Good-Password-1", "u")} == {"users.password_short"}
    assert {p.key for p in users.check_password("goodpassword-1-more-chars", "u")} == {
        "users.password_classes"
    }
    assert len(users.one_time_password()) == 20


def test_deactivation_ends_every_session_and_is_never_a_deletion(fresh_county, hq):
    otp = users.create_user(fresh_county, hq, "temp", "hq")
    user = auth.authenticate(fresh_county, "temp", otp)
    tabs = [auth.start_session(fresh_county, user) for _ in range(2)]
    assert users.deactivate(fresh_county, hq, "temp") == 2
    assert all(auth.resume_session(fresh_county, tab) is None for tab in tabs)
    with pytest.raises(auth.SignInError) as err:
        auth.authenticate(fresh_county, "temp", otp)
    assert err.value.reason == "inactive_user"
    listed = users.list_users(fresh_county, hq).set_index("username")
    assert not listed.loc["temp", "active"]  # still there
    with pytest.raises(ProblemError):
        users.deactivate(fresh_county, hq, hq.username)  # not yourself
    otp2 = users.reactivate(fresh_county, hq, "temp")
    assert auth.authenticate(fresh_county, "temp", otp2).must_change_password


def test_reset_gives_a_new_otp_unlocks_and_ends_sessions(fresh_county, hq, monkeypatch):
    monkeypatch.setenv("GM_SIGNIN_MAX_FAILURES", "2")
    users.create_user(fresh_county, hq, "forgetful", "hq", password=NEW_PASSWORD)
    user = auth.authenticate(fresh_county, "forgetful", NEW_PASSWORD)
    token = auth.start_session(fresh_county, user)
    for _ in range(2):
        with pytest.raises(auth.SignInError):
            auth.authenticate(fresh_county, "forgetful", "guess", client="10.9.9.9")
    listed = users.list_users(fresh_county, hq).set_index("username")
    assert listed.loc["forgetful", "locked"]
    otp = users.reset_password(fresh_county, hq, "forgetful")
    assert auth.resume_session(fresh_county, token) is None
    assert auth.authenticate(fresh_county, "forgetful", otp).must_change_password


def test_unlock_lifts_a_lock_out(fresh_county, hq, monkeypatch):
    monkeypatch.setenv("GM_SIGNIN_MAX_FAILURES", "2")
    users.create_user(fresh_county, hq, "locked.out", "hq", password=NEW_PASSWORD)
    for _ in range(2):
        with pytest.raises(auth.SignInError):
            auth.authenticate(fresh_county, "locked.out", "guess", client="10.8.8.8")
    with pytest.raises(auth.SignInError) as err:
        auth.authenticate(fresh_county, "locked.out", NEW_PASSWORD)
    assert err.value.reason == "account_locked"
    users.unlock(fresh_county, hq, "locked.out")
    assert auth.authenticate(fresh_county, "locked.out", NEW_PASSWORD).username == "locked.out"
    listed = users.list_users(fresh_county, hq).set_index("username")
    assert not listed.loc["locked.out", "locked"]
    assert listed.loc["locked.out", "last_sign_in_at"] is not None


CALLS = [
    lambda e, a: users.create_user(e, a, "sneaky", "hq"),
    lambda e, a: users.reset_password(e, a, "hq"),
    lambda e, a: users.deactivate(e, a, "hq"),
    lambda e, a: users.reactivate(e, a, "hq"),
    lambda e, a: users.unlock(e, a, "hq"),
    lambda e, a: users.list_users(e, a),
    lambda e, a: users.org_choices(e, a),
]


@pytest.mark.parametrize(
    "call",
    CALLS,
    ids=["create", "reset", "deactivate", "reactivate", "unlock", "list", "org_choices"],
)
@pytest.mark.parametrize("who", ["branch", "manager"])
def test_only_head_office_administers_users(fresh_county, call, who):
    actor = auth.authenticate(fresh_county, who, "demo")
    with fresh_county.connect() as conn:
        before = conn.execute(
            text("SELECT username, password_hash, active FROM app_user ORDER BY id")
        ).all()
        last = conn.execute(text("SELECT MAX(id) FROM audit_log")).scalar() or 0
    with pytest.raises(Forbidden):
        call(fresh_county, actor)
    with fresh_county.connect() as conn:
        after = conn.execute(
            text("SELECT username, password_hash, active FROM app_user ORDER BY id")
        ).all()
    assert after == before
    assert actions(fresh_county, last) == [("denied", None)]


def test_a_forged_actor_with_a_branch_scope_is_refused_too(fresh_county):
    with pytest.raises(Forbidden):
        users.create_user(fresh_county, Actor(1, Scope("branch", branch_id=1)), "x.y", "hq")


def test_every_admin_action_is_audited_with_who_did_it(fresh_county, hq):
    users.create_user(fresh_county, hq, "audited", "hq", now=T0)
    users.reset_password(fresh_county, hq, "audited", now=T0)
    users.unlock(fresh_county, hq, "audited", now=T0)
    users.deactivate(fresh_county, hq, "audited", now=T0)
    users.reactivate(fresh_county, hq, "audited", now=T0)
    with fresh_county.connect() as conn:
        rows = conn.execute(
            select(AuditLog.user_id, AuditLog.action, AuditLog.entity_id)
            .where(AuditLog.entity_id == "audited")
            .order_by(AuditLog.id)
        ).all()
    assert [(u, a) for u, a, _ in rows] == [
        (hq.user_id, a)
        for a in (
            "user_created",
            "password_reset",
            "user_unlocked",
            "user_deactivated",
            "user_reactivated",
            "password_reset",
        )
    ]


# ---- the command line ------------------------------------------------------------------


def cli(*args, stdin=None):
    return subprocess.run(
        [sys.executable, "-m", "core", "users", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        input=stdin,
    )


def test_cli_makes_the_first_head_office_user_on_an_empty_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'bank.sqlite'}"
    done = cli("add", "zhang.wei", "--role", "hq", "--display-name", "张伟", "--database-url", url)
    assert done.returncode == 0, done.stderr
    otp = done.stdout.strip().splitlines()[-1]
    engine = make_engine(url)
    user = auth.authenticate(engine, "zhang.wei", otp)
    assert user.must_change_password and user.display_name == "张伟"
    # make run afterwards never seeds the demo county (nor its demo accounts) into it
    prep = subprocess.run(
        [sys.executable, "-m", "core", "prepare", "--database-url", url],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert prep.returncode == 0 and "data kept" in prep.stdout
    with engine.connect() as conn:
        assert conn.execute(text("SELECT username FROM app_user")).scalars().all() == ["zhang.wei"]
        assert conn.execute(text("SELECT COUNT(*) FROM bank")).scalar() == 0
    seed = subprocess.run(
        [sys.executable, "-m", "core", "seed", "--customers", "200", "--database-url", url],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert seed.returncode == 2 and "already holds data" in seed.stderr
    engine.dispose()


def test_cli_users_commands(tmp_path):
    url = f"sqlite:///{tmp_path / 'bank.sqlite'}"
    db = ("--database-url", url)
    assert (
        cli(
            "add", "admin", "--role", "hq", "--password-stdin", *db, stdin=NEW_PASSWORD + "\n"
        ).returncode
        == 0
    )
    weak = cli("add", "weak", "--role", "hq", "--password-stdin", *db, stdin="123\n")
    assert weak.returncode == 2 and "至少" in weak.stderr and "at least" in weak.stderr
    bad_org = cli("add", "wang", "--role", "branch", "--org", "00102", *db)
    assert bad_org.returncode == 2 and "00102" in bad_org.stderr  # no branch in this database
    missing = cli("passwd", "nobody", *db)
    assert missing.returncode == 2 and "nobody" in missing.stderr
    engine = make_engine(url)
    assert not auth.authenticate(engine, "admin", NEW_PASSWORD).must_change_password
    reset = cli("passwd", "admin", *db)
    assert reset.returncode == 0
    otp = reset.stdout.strip().splitlines()[-1]
    assert auth.authenticate(engine, "admin", otp).must_change_password
    assert (
        cli("passwd", "admin", "--password-stdin", *db, stdin="Another-Pass-99\n").returncode == 0
    )
    assert not auth.authenticate(engine, "admin", "Another-Pass-99").must_change_password
    listed = cli("list", *db)
    assert listed.returncode == 0 and "admin\thq" in listed.stdout and "users=1" in listed.stdout
    assert cli("unlock", "admin", *db).returncode == 0
    off = cli("deactivate", "admin", *db)
    assert off.returncode == 0 and "deactivated" in off.stdout
    assert "deactivated" in cli("list", *db).stdout
    with pytest.raises(auth.SignInError):
        auth.authenticate(engine, "admin", "Another-Pass-99")
    with engine.connect() as conn:
        logged = (
            conn.execute(
                text(
                    "SELECT action FROM audit_log WHERE user_id IS NULL "
                    "AND entity_id = 'admin' ORDER BY id"
                )
            )
            .scalars()
            .all()
        )
    assert logged == [
        "user_created",
        "password_reset",
        "password_reset",
        "user_unlocked",
        "user_deactivated",
    ]
    engine.dispose()


def test_otp_sessions_idle_out_like_any_other(fresh_county, hq):
    """A one-time password session is a normal session: it idles out like any other."""
    otp = users.create_user(fresh_county, hq, "idle.one", "hq")
    user = auth.authenticate(fresh_county, "idle.one", otp, now=T0)
    token = auth.start_session(fresh_county, user, now=T0)
    assert auth.check_session(fresh_county, token, T0 + timedelta(minutes=31))[1] == "idle"
