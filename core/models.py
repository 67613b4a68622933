"""The schema: SQLAlchemy 2.0 typed models shared by SQLite and PostgreSQL.

Money is stored in yuan (``Numeric`` would be exact but slow to aggregate at a million rows;
balances are kept as floats rounded to the fen). Polygons are GeoJSON text in WGS-84
(EPSG:4326) with their CRS named beside them. Customers carry the ids of the grids they fall
in, so "customers of grid X" is an indexed lookup, not a geometry query.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

ROLES = ("hq", "branch", "manager")
CUSTOMER_KINDS = ("individual", "merchant", "corporate")
CUSTOMER_STATUSES = ("active", "dormant", "potential")
GRID_DIMENSIONS = ("region", "industry", "group")
ORG_LEVELS = ("bank", "branch", "manager")


class Base(DeclarativeBase):
    pass


class Bank(Base):
    __tablename__ = "bank"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    county_code: Mapped[str] = mapped_column(String(12))
    geometry: Mapped[str | None] = mapped_column(Text)  # the service area (GeoJSON, WGS-84)


class Township(Base):
    """A township or street (乡镇/街道): 9-digit code, name and, when known, its area."""

    __tablename__ = "township"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(9), unique=True)
    name: Mapped[str] = mapped_column(String(50))
    geometry: Mapped[str | None] = mapped_column(Text)


class Village(Base):
    """A village or community (行政村/社区); its area is illustrative (Voronoi cell)."""

    __tablename__ = "village"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    short_name: Mapped[str] = mapped_column(String(50))
    town_code: Mapped[str] = mapped_column(String(9), index=True)
    town_name: Mapped[str] = mapped_column(String(50))
    kind: Mapped[str] = mapped_column(String(20))
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    households: Mapped[int] = mapped_column(Integer, default=0)
    residents: Mapped[int] = mapped_column(Integer, default=0)
    geometry: Mapped[str | None] = mapped_column(Text)
    crs: Mapped[str] = mapped_column(String(16), default="EPSG:4326")
    # the area was drawn from the points (Voronoi, 示意), not given by the bank
    illustrative: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class AreaUnit(Base):
    """A building block of second-level grids: a whole village, or a sub-area (片区) of a
    county-town community. Proposals combine whole blocks and never split one."""

    __tablename__ = "area_unit"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    village_id: Mapped[int] = mapped_column(ForeignKey("village.id"), index=True)
    geometry: Mapped[str] = mapped_column(Text)


class Branch(Base):
    """A branch (支行) with its outlet location."""

    __tablename__ = "branch"
    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("bank.id"))
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    town_code: Mapped[str] = mapped_column(String(9))
    is_county_town: Mapped[bool] = mapped_column(Boolean, default=False)
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)


class Manager(Base):
    """A customer manager (客户经理) of one branch."""

    __tablename__ = "manager"
    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(50))
    phone: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class User(Base):
    """A person who signs in; role and org unit decide what they see."""

    __tablename__ = "app_user"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)
    display_name: Mapped[str] = mapped_column(String(50))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(10))
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branch.id"))
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("manager.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    email: Mapped[str | None] = mapped_column(String(254), unique=True)  # single sign-on match
    must_change_password: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    failed_sign_ins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(DateTime)


class UserSession(Base):
    """A sign-in: the cookie holds the token, the database only its hash."""

    __tablename__ = "user_session"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_seen_at: Mapped[datetime | None] = mapped_column(DateTime)  # idle timeout


class SignInFailure(Base):
    """A failed sign-in by client address, for the per-client lock-out (pruned after a day;
    the audit log keeps every failure for good)."""

    __tablename__ = "sign_in_failure"
    __table_args__ = (Index("ix_sign_in_failure_client_at", "client", "at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    client: Mapped[str] = mapped_column(String(64))
    username: Mapped[str] = mapped_column(String(50))


class Grid(Base):
    """A grid: level 1 (a branch's jurisdiction) or 2 (a manager's responsibility field).

    Region grids carry a polygon (GeoJSON text, ``crs``); industry and group grids carry a
    saved customer filter (JSON text) instead.
    """

    __tablename__ = "grid"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[int] = mapped_column(SmallInteger)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("grid.id"))
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    dimension: Mapped[str] = mapped_column(String(10), default="region")
    geometry: Mapped[str | None] = mapped_column(Text)
    crs: Mapped[str] = mapped_column(String(16), default="EPSG:4326")
    saved_filter: Mapped[str | None] = mapped_column(Text)
    households: Mapped[int] = mapped_column(Integer, default=0)
    residents: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class GridVersion(Base):
    """One applied change of grids (import, drawing, proposal, restore): the grids of its
    scope before and after, so any version can be restored."""

    __tablename__ = "grid_version"
    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    level: Mapped[int] = mapped_column(SmallInteger)
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branch.id"))  # level-2 changes
    action: Mapped[str] = mapped_column(String(20))  # import / draw / proposal / restore
    note: Mapped[str | None] = mapped_column(String(200))
    before: Mapped[str] = mapped_column(Text)  # JSON list of grids
    after: Mapped[str] = mapped_column(Text)
    customers_moved: Mapped[int] = mapped_column(Integer, default=0)


class GridStaff(Base):
    """定岗: post A or B of a grid, held by a manager."""

    __tablename__ = "grid_staff"
    __table_args__ = (UniqueConstraint("grid_id", "post"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("grid.id"), index=True)
    manager_id: Mapped[int] = mapped_column(ForeignKey("manager.id"), index=True)
    post: Mapped[str] = mapped_column(String(1))


class Liaison(Base):
    """定员: a liaison person (网格联络员) of a grid."""

    __tablename__ = "liaison"
    id: Mapped[int] = mapped_column(primary_key=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("grid.id"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    role: Mapped[str] = mapped_column(String(20))
    phone: Mapped[str] = mapped_column(String(20))


class Customer(Base):
    """A customer, existing or potential, with the totals pages aggregate on.

    Per-product detail lives in ``holding``; the totals here are their sums, kept so that a
    page aggregates one indexed table in SQL.
    """

    __tablename__ = "customer"
    __table_args__ = (
        Index("ix_customer_branch_status", "branch_id", "status"),
        Index("ix_customer_manager_status", "manager_id", "status"),
        Index("ix_customer_grid2", "grid2_id"),
        Index("ix_customer_grid1", "grid1_id"),
        # covers the Overview's aggregation, so a bank-wide GROUP BY reads the index only
        Index(
            "ix_customer_overview",
            "branch_id",
            "manager_id",
            "grid2_id",
            "status",
            "has_mobile_banking",
            "deposit_balance",
            "loan_balance",
        ),
        # cover the actuals counted by date (openings, sign-ups): a range, not a full scan
        Index("ix_customer_opened_on", "opened_on", "status", "branch_id", "manager_id"),
        Index("ix_customer_mobile_banking_on", "mobile_banking_on", "branch_id", "manager_id"),
        Index("ix_customer_acquiring_on", "acquiring_on", "branch_id", "manager_id"),
        Index("ix_customer_etc_on", "etc_on", "branch_id", "manager_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    cust_no: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[str] = mapped_column(String(12))
    status: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(100))
    id_number: Mapped[str] = mapped_column(String(18))
    phone: Mapped[str] = mapped_column(String(20))
    address: Mapped[str] = mapped_column(String(200))
    gender: Mapped[str | None] = mapped_column(String(1))
    birth_year: Mapped[int | None] = mapped_column(SmallInteger)
    occupation: Mapped[str] = mapped_column(String(20))
    industry: Mapped[str | None] = mapped_column(String(30))
    household_no: Mapped[int | None] = mapped_column(Integer)
    is_migrant: Mapped[bool] = mapped_column(Boolean, default=False)
    village_id: Mapped[int | None] = mapped_column(ForeignKey("village.id"), index=True)
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branch.id"))
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("manager.id"))
    grid1_id: Mapped[int | None] = mapped_column(ForeignKey("grid.id"))
    grid2_id: Mapped[int | None] = mapped_column(ForeignKey("grid.id"))
    opened_on: Mapped[date | None] = mapped_column(Date)
    last_txn_on: Mapped[date | None] = mapped_column(Date)
    last_visit_on: Mapped[date | None] = mapped_column(Date)
    deposit_balance: Mapped[float] = mapped_column(Float, default=0.0)
    time_deposit_balance: Mapped[float] = mapped_column(Float, default=0.0)
    loan_balance: Mapped[float] = mapped_column(Float, default=0.0)
    credit_line: Mapped[float] = mapped_column(Float, default=0.0)
    wealth_balance: Mapped[float] = mapped_column(Float, default=0.0)
    has_debit_card: Mapped[bool] = mapped_column(Boolean, default=False)
    has_mobile_banking: Mapped[bool] = mapped_column(Boolean, default=False)
    has_acquiring: Mapped[bool] = mapped_column(Boolean, default=False)
    has_etc: Mapped[bool] = mapped_column(Boolean, default=False)
    other_bank_deposit: Mapped[float] = mapped_column(Float, default=0.0)
    other_bank_loan: Mapped[float] = mapped_column(Float, default=0.0)
    # when a product was signed (the actuals of the sign-up metrics count these by month)
    mobile_banking_on: Mapped[date | None] = mapped_column(Date)  # real-name sign-up
    acquiring_on: Mapped[date | None] = mapped_column(Date)
    etc_on: Mapped[date | None] = mapped_column(Date)
    # how the point was found: own / village (its point, approximate) / address; None: nowhere
    located: Mapped[str | None] = mapped_column(String(8))
    core_manager: Mapped[str | None] = mapped_column(String(16))  # 归属客户经理工号 (core system)
    closed_on: Mapped[date | None] = mapped_column(Date)  # 销户: gone from a full customers file
    # the hash of the customers-file row last written (core.bank_data.unchanged); None when
    # written otherwise (the demo seed) or closed: the next file's row is checked and written
    source_hash: Mapped[int | None] = mapped_column(BigInteger)


class CustomerProfile(Base):
    """A customer's tags and segment, written by ``core.customers.tagging_run`` (python -m core segment):
    tier, lifecycle, a bit per flag tag, segment. Apart from ``customer`` so that
    recomputing them for a million customers rewrites a narrow table, not the wide one."""

    __tablename__ = "customer_profile"
    __table_args__ = {"sqlite_with_rowid": False}
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), primary_key=True)
    tier: Mapped[str | None] = mapped_column(String(8))  # high / core / basic
    lifecycle: Mapped[str | None] = mapped_column(String(12))
    tag_mask: Mapped[int] = mapped_column(BigInteger, default=0)
    segment_id: Mapped[int | None] = mapped_column(ForeignKey("segment.id"))


class BalanceMonth(Base):
    """A customer's balances at the end of a month (月末余额); the current month holds the
    balances as of the data date. Twelve months give the balance trend."""

    __tablename__ = "balance_month"
    __table_args__ = {"sqlite_with_rowid": False}
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)  # first day of the month
    deposit_balance: Mapped[float] = mapped_column(Float)
    loan_balance: Mapped[float] = mapped_column(Float)
    wealth_balance: Mapped[float] = mapped_column(Float)


class Tag(Base):
    """A customer tag (标签): a rule over customer fields with thresholds head office edits.

    ``rule`` is JSON: ``{"all": [[field, op, value], ...]}`` where a value may be
    ``{"param": name}``, looked up in ``params`` (JSON of numbers). Tier and lifecycle tags
    are exclusive: the first of the category (by ``position``) whose rule holds wins; flag
    tags each own a ``bit`` of ``customer.tag_mask``.
    """

    __tablename__ = "tag"
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    category: Mapped[str] = mapped_column(String(10))  # tier / lifecycle / flag
    position: Mapped[int] = mapped_column(SmallInteger)
    bit: Mapped[int | None] = mapped_column(SmallInteger, unique=True)
    label_zh: Mapped[str] = mapped_column(String(50))
    label_en: Mapped[str] = mapped_column(String(80))
    description_zh: Mapped[str] = mapped_column(String(300))
    description_en: Mapped[str] = mapped_column(String(300))
    rule: Mapped[str] = mapped_column(Text)
    params: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class TaggingRun(Base):
    """One recomputation of tags or of segments, for the record and as a cache key."""

    __tablename__ = "tagging_run"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # tags / segments
    started_at: Mapped[datetime] = mapped_column(DateTime)
    seconds: Mapped[float] = mapped_column(Float)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    customers: Mapped[int] = mapped_column(Integer)
    as_of: Mapped[date] = mapped_column(Date)
    k: Mapped[int | None] = mapped_column(SmallInteger)
    k_chosen_by: Mapped[str | None] = mapped_column(String(12))  # silhouette / analyst
    silhouette: Mapped[float | None] = mapped_column(Float)
    seed: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[str | None] = mapped_column(Text)  # JSON: silhouette per k, features...


class Segment(Base):
    """A customer segment (客群) found by clustering. A segment keeps its id, code and name
    across runs whose clusters match it, so saved lists that name it stay valid."""

    __tablename__ = "segment"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)  # S01, S02...
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(160))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    first_run_id: Mapped[int] = mapped_column(ForeignKey("tagging_run.id"))
    last_run_id: Mapped[int] = mapped_column(ForeignKey("tagging_run.id"))
    size: Mapped[int] = mapped_column(Integer)
    deposit_share: Mapped[float] = mapped_column(Float)
    centroid: Mapped[str] = mapped_column(Text)  # JSON: mean of each feature (raw units)
    profile: Mapped[str] = mapped_column(Text)  # JSON: segment vs bank, per measure


class CustomerList(Base):
    """A saved explorer filter (名单) handed to a branch or a manager, where it becomes a
    source for visit planning. Industry and group grids are saved filters too, kept in
    ``grid`` (dimension industry / group, post A = the owning manager)."""

    __tablename__ = "customer_list"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    saved_filter: Mapped[str] = mapped_column(Text)  # JSON of core.customers.explorer.Filters
    note: Mapped[str | None] = mapped_column(String(200))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branch.id"), index=True)
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("manager.id"), index=True)
    customers: Mapped[int] = mapped_column(Integer, default=0)  # members when saved
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Holding(Base):
    """One product a customer holds here: current/time deposit, loan, credit line, wealth."""

    __tablename__ = "holding"
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    product: Mapped[str] = mapped_column(String(20))
    balance: Mapped[float] = mapped_column(Float)
    opened_on: Mapped[date | None] = mapped_column(Date)
    matures_on: Mapped[date | None] = mapped_column(Date)
    npl: Mapped[bool] = mapped_column(Boolean, default=False)  # non-performing loan (不良)


class OtherBankFund(Base):
    """What a manager learned of a customer's money at another bank (他行存款/他行贷款)."""

    __tablename__ = "other_bank_fund"
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    bank_name: Mapped[str] = mapped_column(String(50))
    kind: Mapped[str] = mapped_column(String(10))
    amount: Mapped[float] = mapped_column(Float)
    noted_on: Mapped[date] = mapped_column(Date)


class Visit(Base):
    """A manager's visit to a customer, with the check-in position and outcome.

    ``client_token`` is unique: the form that logs a visit sends one per visit, so a double
    click or a resent form stores the visit once.
    """

    __tablename__ = "visit"
    __table_args__ = (
        Index("ix_visit_manager_time", "manager_id", "visited_at"),
        Index("ix_visit_client_token", "client_token", unique=True),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    manager_id: Mapped[int] = mapped_column(ForeignKey("manager.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    visited_at: Mapped[datetime] = mapped_column(DateTime)
    channel: Mapped[str] = mapped_column(String(12))
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    outcome: Mapped[str] = mapped_column(String(20))
    products: Mapped[str | None] = mapped_column(String(100))  # offered, comma-separated
    products_signed: Mapped[str | None] = mapped_column(String(100))
    amount: Mapped[float] = mapped_column(Float, default=0.0)
    notes: Mapped[str | None] = mapped_column(Text)
    checkin_source: Mapped[str | None] = mapped_column(String(8))  # typed / browser
    recorded_at: Mapped[datetime | None] = mapped_column(DateTime)  # when it was logged
    client_token: Mapped[str | None] = mapped_column(String(40))


class VisitPlan(Base):
    """A manager's visit plan for one week (the week starts on Monday)."""

    __tablename__ = "visit_plan"
    __table_args__ = (UniqueConstraint("manager_id", "week_start"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    manager_id: Mapped[int] = mapped_column(ForeignKey("manager.id"))
    week_start: Mapped[date] = mapped_column(Date)
    saved_at: Mapped[datetime] = mapped_column(DateTime)
    saved_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class VisitPlanItem(Base):
    """One planned visit: the customer, its day and order on the route, why it was chosen
    and what to offer; ``visit_id`` once the visit is logged."""

    __tablename__ = "visit_plan_item"
    __table_args__ = (UniqueConstraint("plan_id", "customer_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("visit_plan.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"))
    day: Mapped[int | None] = mapped_column(SmallInteger)  # 1 = Monday
    seq: Mapped[int | None] = mapped_column(SmallInteger)  # order within the day
    score: Mapped[float] = mapped_column(Float)
    reasons: Mapped[str | None] = mapped_column(Text)
    offers: Mapped[str | None] = mapped_column(Text)  # JSON: [[product, zh, en], ...]
    source: Mapped[str] = mapped_column(String(40))  # grid / list:<id> / grid:<id>
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visit.id"))


class Metric(Base):
    """A metric of the target catalogue (deposits, loans, visits...); see core.performance.metrics."""

    __tablename__ = "metric"
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(50))
    name_en: Mapped[str] = mapped_column(String(80))
    unit: Mapped[str] = mapped_column(String(10))  # yuan / count / pct
    higher_is_better: Mapped[bool] = mapped_column(Boolean, default=True)
    source: Mapped[str] = mapped_column(String(10))  # computed / snapshot / imported
    kind: Mapped[str] = mapped_column(String(8), server_default="flow")  # flow / stock / rate
    basis_zh: Mapped[str] = mapped_column(String(200), server_default="")
    basis_en: Mapped[str] = mapped_column(String(300), server_default="")
    position: Mapped[int] = mapped_column(SmallInteger, server_default="0")


class _OrgPeriodValue:
    """Columns shared by targets and actuals: a metric's value for an org unit and month."""

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(SmallInteger)
    month: Mapped[int] = mapped_column(SmallInteger)  # 1-12; 0 means the whole year
    org_level: Mapped[str] = mapped_column(String(8))
    org_id: Mapped[int] = mapped_column(Integer)
    metric: Mapped[str] = mapped_column(ForeignKey("metric.code"))
    value: Mapped[float] = mapped_column(Float)


class Target(_OrgPeriodValue, Base):
    __tablename__ = "target"
    __table_args__ = (UniqueConstraint("year", "month", "org_level", "org_id", "metric"),)


class Actual(_OrgPeriodValue, Base):
    __tablename__ = "actual"
    __table_args__ = (UniqueConstraint("year", "month", "org_level", "org_id", "metric"),)


class TargetChange(Base):
    """One changed target cell: who, when, old and new value (None: the cell did not or no
    longer exists). Written in the transaction that changes the target."""

    __tablename__ = "target_change"
    __table_args__ = (Index("ix_target_change_year_metric", "year", "metric"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    year: Mapped[int] = mapped_column(SmallInteger)
    month: Mapped[int] = mapped_column(SmallInteger)  # 0 = the whole year
    org_level: Mapped[str] = mapped_column(String(8))
    org_id: Mapped[int] = mapped_column(Integer)
    metric: Mapped[str] = mapped_column(ForeignKey("metric.code"))
    old_value: Mapped[float | None] = mapped_column(Float)
    new_value: Mapped[float | None] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(12))  # split / manual / import / seed
    note: Mapped[str | None] = mapped_column(String(200))


class ActualRun(Base):
    """One computation or import of actuals, and the date they are as of."""

    __tablename__ = "actual_run"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    as_of: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(12))  # recompute / import / seed
    rows: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str | None] = mapped_column(String(200))


class Campaign(Base):
    """A marketing campaign (开门红, 夏日风暴...)."""

    __tablename__ = "campaign"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    saved_filter: Mapped[str | None] = mapped_column(Text)  # its customers (explorer filter)


class AuditLog(Base):
    """Who did what and when: sign-ins, exports, changes."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    action: Mapped[str] = mapped_column(String(30))
    entity: Mapped[str | None] = mapped_column(String(30))
    entity_id: Mapped[str | None] = mapped_column(String(50))
    detail: Mapped[str | None] = mapped_column(Text)


class LoadRun(Base):
    """One load of a bank's files (``python -m core load``, the nightly batch, the data page):
    what was read and written, how long it took, what was wrong."""

    __tablename__ = "load_run"
    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    source: Mapped[str] = mapped_column(String(200))  # the folder, or "upload"
    batch: Mapped[str | None] = mapped_column(String(60), unique=True)  # a nightly folder's name
    as_of: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10))  # done / failed / dry_run
    counts: Mapped[str] = mapped_column(Text)  # JSON: per file, read/inserted/updated/...
    timings: Mapped[str] = mapped_column(Text)  # JSON: seconds per step
    problems: Mapped[int] = mapped_column(Integer, default=0)
    quarantined: Mapped[int] = mapped_column(Integer, default=0)
    report: Mapped[str | None] = mapped_column(Text)  # JSON: the problems (first 20,000)


class MappingProfile(Base):
    """A bank's own headers mapped to the template's, per kind of file, under a name."""

    __tablename__ = "mapping_profile"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    mapping: Mapped[str] = mapped_column(Text)  # JSON: {stem: {their header: our key}}
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class LoadLock(Base):
    """One row: on PostgreSQL a load holds it ``FOR UPDATE`` from its checks to its end, so
    two loads never interleave (the second waits); ``at`` is when the last load took it.
    SQLite locks a file beside the database instead (:mod:`core.bank_data.lock`)."""

    __tablename__ = "load_lock"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime | None] = mapped_column(DateTime)
