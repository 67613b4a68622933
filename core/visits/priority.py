"""Whom to visit this week: a priority score from 0 to 100 and its reasons.

The score adds six parts, each capped at its weight (``WEIGHTS``, 100 in all):

========== ====== =================================================================
part       points how
========== ====== =================================================================
overdue    30     days past the due date over the tier's interval (365 / visits a
                  year, ``GM_VISITS_PER_YEAR``), full at one whole interval late; a
                  customer never visited is due now and gets half (15)
value      20     AUM on a log scale: log10(1 + AUM / 1万) / log10(101), full at 100万
other bank 15     money at other banks, the same log scale
gaps       15     product gaps (``GAP_POINTS``): no mobile banking under 60 (merchants
                  of unknown age too) 5, merchant without acquiring 6, at least half
                  of a credit line of 1万 or more unused 4, no debit card 3, merchant
                  or corporate without ETC 2, dormant 3
events     12     a time deposit or wealth product maturing within 30 days 8; a
                  migrant worker in the Spring-Festival window (20 days before to 15
                  days after the festival) 8
campaign   8      the customer is in a running campaign
========== ====== =================================================================

Each part that gives points (and the AUM from the core-tier threshold, other-bank money
from 1万) adds a reason, in Chinese (``reasons``, joined by "、") and English
(``reasons_en``), with its numbers. What to offer each customer is ``core.customers.recommend``'s
job (the one recommender, also behind the customer view). Everything is computed
column-wise (the route benchmark times a book of 3,000 customers).
"""

from __future__ import annotations

import string
from datetime import date

import numpy as np
import pandas as pd

from core import config
from core.calendar import festival_window
from core.i18n import t

REQUIRED_COLUMNS = (
    "id",
    "tier",
    "status",
    "last_visit_on",
    "aum",
    "deposit_balance",
    "other_bank_deposit",
    "has_mobile_banking",
    "has_acquiring",
    "has_etc",
    "has_debit_card",
    "kind",
    "age",
    "days_to_maturity",
    "is_migrant",
    "in_campaign",
    "credit_line",
    "loan_balance",
)
TIERS = ("high", "core", "basic")
WEIGHTS = {"overdue": 30, "value": 20, "other_bank": 15, "gaps": 15, "events": 12, "campaign": 8}
GAP_POINTS = {
    "mobile_banking": 5,
    "acquiring": 6,
    "loan": 4,
    "debit_card": 3,
    "etc": 2,
    "dormant": 3,
}
EVENT_POINTS = {"maturity": 8, "spring_festival": 8}
NEVER_VISITED_SHARE = 0.5
MONEY_FULL_WAN = 100.0  # 万元 at which the value and other-bank parts are full
OTHER_BANK_MIN = 10_000.0  # yuan: from here other-bank money is a reason
MATURITY_DAYS = 30
MOBILE_MAX_AGE = 60
CREDIT_MIN = 10_000.0
_FORMATTER = string.Formatter()


def spring_festival(as_of) -> date | None:
    """The Spring Festival whose return window holds ``as_of`` (``core.calendar``).

    Examples
    --------
    >>> spring_festival(date(2027, 1, 20)), spring_festival(date(2026, 11, 23))
    (datetime.date(2027, 2, 6), None)
    """
    return festival_window(pd.Timestamp(as_of).date())


def score_customers(customers: pd.DataFrame, as_of, visits_per_year=None) -> pd.DataFrame:
    """Score and reasons for each customer, highest score first.

    Parameters
    ----------
    customers : DataFrame
        One row per customer with the columns of ``REQUIRED_COLUMNS``: ``tier`` one of
        ``TIERS``; ``last_visit_on`` a date or NaT; money in yuan; ``age`` and
        ``days_to_maturity`` may be NaN; the ``has_*``, ``is_migrant`` and ``in_campaign``
        columns are booleans.
    as_of : date-like
        The day the plan is made for.
    visits_per_year : (float, float, float), optional
        Visits a year for high-end, core and basic customers (default: setting
        ``GM_VISITS_PER_YEAR``); 0 means never due.

    Returns
    -------
    DataFrame
        The input columns plus ``due_on``, ``overdue_days`` (days past the due date, 0 when
        not yet due), ``score`` (0-100, one decimal), ``reasons``, ``reasons_en``.

    Raises
    ------
    TypeError, ValueError
        Not a DataFrame, a missing column, or an unknown tier (the message names the ids).

    Examples
    --------
    >>> c = pd.DataFrame({"id": [1, 2], "tier": ["core", "basic"], "status": "active",
    ...     "last_visit_on": pd.to_datetime(["2026-07-01", "2026-06-01"]),
    ...     "aum": [80_000.0, 3_000.0], "deposit_balance": [80_000.0, 3_000.0],
    ...     "other_bank_deposit": [120_000.0, 0.0], "has_mobile_banking": [True, True],
    ...     "has_acquiring": False, "has_etc": False, "has_debit_card": True,
    ...     "kind": "individual", "age": [45, 70], "days_to_maturity": [12, np.nan],
    ...     "is_migrant": False, "in_campaign": False, "credit_line": 0.0,
    ...     "loan_balance": 0.0})
    >>> ranked = score_customers(c, date(2026, 11, 23))
    >>> ranked[["id", "overdue_days"]].values.tolist(), ranked["score"].tolist()
    ([[1, 54], [2, 0]], [43.7, 1.1])
    >>> ranked["reasons"].iat[0]
    '逾期走访 54 天(核心客户每季度一次)、定期/理财 12 天后到期、他行存款 12.0 万元、资产 8.0 万元'
    """
    c = _columns(customers)
    as_of = np.datetime64(pd.Timestamp(as_of).date(), "D")
    per_year = np.asarray(
        visits_per_year if visits_per_year is not None else config.get("GM_VISITS_PER_YEAR"),
        dtype=float,
    )
    tier = np.select([c["tier"] == name for name in TIERS], [0, 1, 2], -1)
    if (tier < 0).any():
        raise ValueError(
            f"customers: tier must be one of {', '.join(TIERS)}; "
            f"ids {c['id'][tier < 0].tolist()[:10]}"
        )
    due, overdue, never, interval = _due(c["last_visit_on"], per_year[tier], as_of)
    on = _conditions(c, never, overdue, pd.Timestamp(as_of).date())

    money = _money_share(c["aum"]), _money_share(c["other_bank_deposit"])
    points = (
        WEIGHTS["overdue"] * np.where(never, NEVER_VISITED_SHARE, np.clip(overdue / interval, 0, 1))
        + WEIGHTS["value"] * money[0]
        + WEIGHTS["other_bank"] * money[1]
        + np.minimum(WEIGHTS["gaps"], sum(GAP_POINTS[k] * on[k] for k in GAP_POINTS))
        + np.minimum(WEIGHTS["events"], sum(EVENT_POINTS[k] * on[k] for k in EVENT_POINTS))
        + WEIGHTS["campaign"] * on["campaign"]
    )
    score = np.round(np.clip(points, 0, 100), 1)

    reasons = _texts(c, on, tier, per_year, overdue, on["festival"])
    out = customers.reset_index(drop=True).assign(
        due_on=pd.to_datetime(due),
        overdue_days=overdue,
        score=score,
        reasons=reasons.zh,
        reasons_en=reasons.en,
    )
    order = np.lexsort((c["id"], -overdue, -score))
    return out.iloc[order].reset_index(drop=True)


def _due(last: np.ndarray, visits: np.ndarray, as_of: np.datetime64):
    """Due dates, days overdue, never-visited mask and interval (days) per customer."""
    interval = np.full(len(visits), np.inf)
    np.divide(365.0, visits, out=interval, where=visits > 0)
    interval = np.round(interval)
    never = np.isnat(last) & (visits > 0)
    step = np.where(np.isfinite(interval), interval, 0).astype("timedelta64[D]")
    due = np.where(np.isfinite(interval), last + step, np.datetime64("NaT"))
    due = np.where(never, as_of, due).astype("datetime64[D]")
    late = (as_of - due).astype("timedelta64[D]").astype(np.int64)
    overdue = np.where(np.isnat(due), 0, np.maximum(late, 0))
    return due, overdue, never, interval


def _conditions(c: dict, never: np.ndarray, overdue: np.ndarray, as_of: date) -> dict:
    """Every condition of the module docstring as a boolean mask (and the festival)."""
    kind, age = c["kind"], c["age"]
    merchant = kind == "merchant"
    line, unused = c["credit_line"], c["credit_line"] - c["loan_balance"]
    festival = spring_festival(as_of)
    maturing = (c["days_to_maturity"] >= 0) & (c["days_to_maturity"] <= MATURITY_DAYS)
    other = c["other_bank_deposit"]
    return {
        "overdue": overdue > 0,
        "never": never,
        "maturity": maturing,
        "spring_festival": c["is_migrant"] & (festival is not None),
        "festival": festival,
        "other_bank": other >= OTHER_BANK_MIN,
        "value": c["aum"] >= float(config.get("GM_TIER_AUM")[1]),
        "mobile_banking": ~c["has_mobile_banking"]
        & ((age < MOBILE_MAX_AGE) | (merchant & np.isnan(age))),
        "acquiring": merchant & ~c["has_acquiring"],
        "loan": (line >= CREDIT_MIN) & (unused >= line / 2),
        "debit_card": ~c["has_debit_card"] & (kind != "corporate"),
        "etc": ~c["has_etc"] & np.isin(kind, ["merchant", "corporate"]),
        "dormant": c["status"] == "dormant",
        "campaign": c["in_campaign"],
    }


def _texts(
    c: dict,
    on: dict,
    tier: np.ndarray,
    per_year: np.ndarray,
    overdue: np.ndarray,
    festival: date | None,
):
    """Reasons in both languages, per customer."""
    n = len(c["id"])
    reasons = _Lines(n, "、", "; ")
    tiers = {
        lang: np.array([t("tier.high", lang), t("tier.core", lang), t("tier.basic", lang)])
        for lang in ("zh", "en")
    }
    freq = {lang: np.array([_frequency(v, lang) for v in per_year]) for lang in ("zh", "en")}
    days = np.where(on["maturity"], c["days_to_maturity"], 0).astype(np.int64)
    unused = c["credit_line"] - c["loan_balance"]
    wan_other = _wan_where(c["other_bank_deposit"], on["other_bank"])
    wan_unused = _wan_where(unused, on["loan"])
    m = on["overdue"]
    reasons.add(
        m,
        *(
            _fill(
                t("reason.overdue", lang),
                days=overdue[m],
                tier=tiers[lang][tier[m]],
                freq=freq[lang][tier[m]],
            )
            for lang in ("zh", "en")
        ),
    )
    m = on["never"]
    reasons.add(
        m,
        *(
            _fill(
                t("reason.never_visited", lang), tier=tiers[lang][tier[m]], freq=freq[lang][tier[m]]
            )
            for lang in ("zh", "en")
        ),
    )
    m = on["maturity"]
    reasons.add(m, *(_fill(t("reason.maturity", lang), days=days[m]) for lang in ("zh", "en")))
    reasons.add(
        on["spring_festival"],
        *(t("reason.spring_festival", lang, date=festival) for lang in ("zh", "en")),
    )
    m = on["other_bank"]
    reasons.add(
        m, *(_fill(t("reason.other_bank", lang), wan=wan_other[m]) for lang in ("zh", "en"))
    )
    m = on["value"]
    reasons.add(
        m, *(_fill(t("reason.value", lang), wan=_wan(c["aum"][m])) for lang in ("zh", "en"))
    )
    for code, key in (
        ("mobile_banking", "reason.no_mobile_banking"),
        ("acquiring", "reason.no_acquiring"),
        ("loan", "reason.unused_credit"),
        ("debit_card", "reason.no_debit_card"),
        ("etc", "reason.no_etc"),
        ("dormant", "reason.dormant"),
        ("campaign", "reason.campaign"),
    ):
        m = on[code]
        reasons.add(m, *(_fill(t(key, lang), wan=wan_unused[m]) for lang in ("zh", "en")))

    return reasons


def pick_week(ranked: pd.DataFrame, capacity: int | None = None) -> pd.DataFrame:
    """The week's visits: the ``capacity`` highest-scored customers (default setting
    ``GM_VISITS_PER_WEEK``), in score order (ties: more overdue first, then id).

    Examples
    --------
    >>> ranked = pd.DataFrame({"id": [1, 2, 3], "score": [10.0, 80.0, 80.0],
    ...                        "overdue_days": [0, 5, 9]})
    >>> pick_week(ranked, capacity=2)["id"].tolist()
    [3, 2]
    """
    capacity = int(config.get("GM_VISITS_PER_WEEK") if capacity is None else capacity)
    if capacity < 0:
        raise ValueError(f"capacity must not be negative, got {capacity}")
    order = np.lexsort(
        (ranked["id"].to_numpy(), -ranked["overdue_days"].to_numpy(), -ranked["score"].to_numpy())
    )
    return ranked.iloc[order[:capacity]].reset_index(drop=True)


class _Lines:
    """Texts per row in both languages, appended part by part."""

    def __init__(self, n: int, sep_zh: str, sep_en: str):
        self.zh = np.full(n, "", dtype=object)
        self.en = np.full(n, "", dtype=object)
        self._sep = {"zh": sep_zh, "en": sep_en}

    def add(self, mask: np.ndarray, zh, en) -> None:
        rows = np.flatnonzero(mask)
        if len(rows) == 0:
            return
        for lang, target, new in (("zh", self.zh, zh), ("en", self.en, en)):
            new = np.broadcast_to(np.asarray(new).astype(object), rows.shape)
            old = target[rows]
            target[rows] = np.where(old == "", new, old + self._sep[lang] + new)


def _fill(template: str, **columns) -> np.ndarray | str:
    """``template`` with its ``{fields}`` filled from the arrays (or scalars) given, as one
    string array (a plain string when nothing is an array). Concatenation in numpy, not a
    Python loop: this is where a planner's 3,000 rows would otherwise spend their time."""
    pieces, n = [], None
    for literal, field, _, _ in _FORMATTER.parse(template):
        if literal:
            pieces.append(literal)
        if field is not None:
            value = columns[field]
            if np.ndim(value):
                value = np.asarray(value).astype(str)
                n = len(value)
            pieces.append(value if np.ndim(value) else str(value))
    if n is None:
        return "".join(pieces)
    out = np.full(n, "", dtype=str)
    for piece in pieces:
        out = np.char.add(out, piece)
    return out


def _wan(yuan: np.ndarray) -> np.ndarray:
    """Yuan as 万元 text with one decimal and thousands separators."""
    return np.array(
        [f"{v / 10_000:,.1f}" for v in np.asarray(yuan, dtype=float).tolist()], dtype=object
    )


def _wan_where(yuan: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """``_wan`` on the rows of ``mask`` only (the others empty): formatting is the cost."""
    out = np.full(len(yuan), "", dtype=object)
    out[mask] = _wan(yuan[mask])
    return out


def _money_share(yuan: np.ndarray) -> np.ndarray:
    """0 at nothing, 1 at ``MONEY_FULL_WAN`` or more, on a log scale."""
    wan = np.nan_to_num(np.maximum(yuan, 0)) / 10_000
    return np.clip(np.log10(1 + wan) / np.log10(1 + MONEY_FULL_WAN), 0, 1)


def _frequency(per_year: float, lang: str) -> str:
    named = {12: "freq.monthly", 4: "freq.quarterly", 2: "freq.half_yearly", 1: "freq.yearly"}
    if per_year in named:
        return t(named[per_year], lang)
    return t("freq.per_year", lang, n=f"{per_year:g}")


def _columns(customers: pd.DataFrame) -> dict[str, np.ndarray]:
    """The required columns as numpy arrays (booleans without NaN, money as float)."""
    if not isinstance(customers, pd.DataFrame):
        raise TypeError(f"'customers' should be a DataFrame, got {type(customers).__name__}")
    missing = [col for col in REQUIRED_COLUMNS if col not in customers.columns]
    if missing:
        raise ValueError(f"customers: missing column(s) {', '.join(missing)}")
    c = {col: customers[col].to_numpy() for col in ("id", "tier", "status", "kind")}
    for col in (
        "has_mobile_banking",
        "has_acquiring",
        "has_etc",
        "has_debit_card",
        "is_migrant",
        "in_campaign",
    ):
        c[col] = customers[col].fillna(False).to_numpy(dtype=bool)
    for col in ("aum", "deposit_balance", "other_bank_deposit", "credit_line", "loan_balance"):
        c[col] = np.nan_to_num(pd.to_numeric(customers[col], errors="coerce").to_numpy(dtype=float))
    for col in ("age", "days_to_maturity"):
        c[col] = pd.to_numeric(customers[col], errors="coerce").to_numpy(dtype=float)
    last = customers["last_visit_on"]
    if not pd.api.types.is_datetime64_any_dtype(last):
        last = pd.to_datetime(last, errors="coerce")
    c["last_visit_on"] = last.to_numpy().astype("datetime64[D]")
    return c
