"""The metric catalogue: what targets are set on and how each actual is obtained.

The catalogue of record is the ``metric`` table; ``METRICS`` is the built-in catalogue the
migration and the demo fill it with (``tests/test_metrics.py`` keeps the two equal), and
``load_metrics`` reads it back.

Three kinds of metric decide how months add up and how progress is judged:

flow
    An amount per month (deposit increase, visits, sign-ups): a period's actual is the sum
    of its months, the annual target the sum of the monthly ones.
stock
    A balance at month end (deposit balance, loans): a period's actual is its latest month
    end; the annual target is the year-end balance and a monthly target the month-end one.
rate
    A level in percent (NPL ratio, 建档率): the latest month end counts; the target is a
    level to hold, the same in every month unless edited. Not additive across units.

And three sources:

computed
    Recomputed from the data for every month of the year (dated events: openings,
    sign-ups, visits; or month-end balances already recorded).
snapshot
    A balance or level that only exists "now": recomputed for the running month from the
    current data; the months already closed keep the value recorded at their end.
imported
    Not in this database (NPL recovery, fee income): imported from Excel.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import Engine, select

KINDS = ("flow", "stock", "rate")
SOURCES = ("computed", "snapshot", "imported")
UNITS = ("yuan", "count", "pct")


@dataclass(frozen=True)
class MetricDef:
    code: str
    name_zh: str
    name_en: str
    unit: str  # yuan / count / pct
    higher_is_better: bool
    source: str  # computed / snapshot / imported
    kind: str  # flow / stock / rate
    basis_zh: str  # how the actual is obtained, as users read it
    basis_en: str
    position: int  # display order


def _m(position, code, name_zh, name_en, unit, higher, source, kind, basis_zh, basis_en):
    return MetricDef(
        code, name_zh, name_en, unit, higher, source, kind, basis_zh, basis_en, position
    )


METRICS: tuple[MetricDef, ...] = (
    _m(
        1,
        "deposit_balance",
        "存款余额",
        "Deposit balance",
        "yuan",
        True,
        "snapshot",
        "stock",
        "客户存款余额合计(customer.deposit_balance),当月为计算时点数,已过月份为月末时点数",
        "Sum of customers' deposit balances; the running month at the time of computing, "
        "closed months as recorded at month end",
    ),
    _m(
        2,
        "deposit_increase",
        "存款增量",
        "Deposit increase",
        "yuan",
        True,
        "computed",
        "flow",
        "月末存款余额减上月末存款余额(1月减上年12月末)",
        "Month-end deposit balance minus the previous month end (January: minus last December)",
    ),
    _m(
        3,
        "loan_balance",
        "贷款余额",
        "Loan balance",
        "yuan",
        True,
        "snapshot",
        "stock",
        "客户贷款余额合计(customer.loan_balance),当月为计算时点数,已过月份为月末时点数",
        "Sum of customers' loan balances; the running month at the time of computing, "
        "closed months as recorded at month end",
    ),
    _m(
        4,
        "loan_increase",
        "贷款增量",
        "Loan increase",
        "yuan",
        True,
        "computed",
        "flow",
        "月末贷款余额减上月末贷款余额",
        "Month-end loan balance minus the previous month end",
    ),
    _m(
        5,
        "npl_ratio",
        "不良贷款率",
        "NPL ratio",
        "pct",
        False,
        "snapshot",
        "rate",
        "不良贷款余额 / 贷款余额(holding 表 loan 产品的 npl 标志),越低越好",
        "Non-performing loan balance over loan balance (loan holdings flagged npl); lower is "
        "better",
    ),
    _m(
        6,
        "npl_recovery",
        "不良清收",
        "NPL recovery",
        "yuan",
        True,
        "imported",
        "flow",
        "由资产保全部门按月导入(Excel)",
        "Imported monthly from Excel (asset recovery department)",
    ),
    _m(
        7,
        "intermediate_income",
        "中间业务收入",
        "Intermediate business income",
        "yuan",
        True,
        "imported",
        "flow",
        "由财务部门按月导入(Excel)",
        "Imported monthly from Excel (finance department)",
    ),
    _m(
        8,
        "new_active_customers",
        "新增有效客户",
        "New active customers",
        "count",
        True,
        "computed",
        "flow",
        "当月开户且状态为有效(active)的客户数(customer.opened_on)",
        "Customers opened in the month whose status is active (customer.opened_on)",
    ),
    _m(
        9,
        "mobile_banking_signups",
        "手机银行签约(实名)",
        "Mobile-banking sign-ups (real-name)",
        "count",
        True,
        "computed",
        "flow",
        "当月实名签约手机银行的客户数(customer.mobile_banking_on)",
        "Customers who signed up for mobile banking with real-name verification in the month "
        "(customer.mobile_banking_on)",
    ),
    _m(
        10,
        "acquiring_merchants",
        "收单商户(POS/扫码)",
        "Acquiring merchants (POS/QR)",
        "count",
        True,
        "computed",
        "flow",
        "当月新签约收单(POS/扫码)的商户数(customer.acquiring_on)",
        "Merchants who signed up for POS/QR acquiring in the month (customer.acquiring_on)",
    ),
    _m(
        11,
        "etc_signups",
        "ETC签约",
        "ETC sign-ups",
        "count",
        True,
        "computed",
        "flow",
        "当月新签约ETC的客户数(customer.etc_on)",
        "Customers who signed up for ETC in the month (customer.etc_on)",
    ),
    _m(
        12,
        "visits",
        "走访次数",
        "Visits",
        "count",
        True,
        "computed",
        "flow",
        "客户经理当月走访记录数(visit 表)",
        "Visits the manager recorded in the month (visits)",
    ),
    _m(
        13,
        "filing_rate",
        "建档率",
        "Filing rate",
        "pct",
        True,
        "snapshot",
        "rate",
        "已建档客户 / 网格内已知成年常住人口(A岗所在二级网格)",
        "Filed customers over the adults known to live in the grids (post-A level-2 grids)",
    ),
    _m(
        14,
        "high_end_coverage",
        "高端客户走访覆盖率",
        "High-end visit coverage",
        "pct",
        True,
        "computed",
        "rate",
        "月末(当月为计算日)前30天内走访过的高端客户(AUM≥GM_TIER_AUM高端门槛)占高端客户比例",
        "Share of high-end customers (AUM at or above the GM_TIER_AUM high-end threshold) "
        "visited in the 30 days to month end (the running month: to the day of computing)",
    ),
    _m(
        15,
        "marketing_success_rate",
        "营销成功率",
        "Marketing success rate",
        "pct",
        True,
        "computed",
        "rate",
        "当月走访中结果为正面(非 none)的比例",
        "Share of the month's visits with a positive outcome (any outcome but none)",
    ),
)
BY_CODE = {m.code: m for m in METRICS}

# Share of the annual target per month (percent). Deposits load Q1 (开门红: 40 % in
# January-March, when migrant workers come home for Spring Festival); the rest lightly.
SEASONAL_CURVE = {
    "deposit_increase": (15, 14, 11, 6, 6, 7, 5, 5, 7, 7, 7, 10),
    "deposit_balance": (15, 14, 11, 6, 6, 7, 5, 5, 7, 7, 7, 10),
    "default": (10, 9, 10, 8, 8, 8, 8, 8, 8, 8, 8, 7),
}
EVEN_CURVE = (1,) * 12


def curve_for(code: str, method: str = "seasonal") -> tuple[int, ...]:
    """Monthly weights of a metric: its seasonal curve, or even (``method='even'``).

    Examples
    --------
    >>> sum(curve_for("deposit_increase")[:3])
    40
    >>> curve_for("visits", "even")[:2]
    (1, 1)
    """
    if method == "even":
        return EVEN_CURVE
    if method != "seasonal":
        raise ValueError(f"unknown month method {method!r}: seasonal or even")
    return SEASONAL_CURVE.get(code, SEASONAL_CURVE["default"])


def catalogue_frame() -> pd.DataFrame:
    """``METRICS`` as rows of the ``metric`` table."""
    return pd.DataFrame([m.__dict__ for m in METRICS])


def load_metrics(engine: Engine) -> pd.DataFrame:
    """The metric table in display order, indexed by code.

    Columns: name_zh, name_en, unit, higher_is_better, source, kind, basis_zh, basis_en,
    position.
    """
    from core.db import read_frame
    from core.models import Metric

    with engine.connect() as conn:
        df = read_frame(conn, select(Metric).order_by(Metric.position, Metric.code))
    df["higher_is_better"] = df["higher_is_better"].astype(bool)
    return df.set_index("code")


def split_exactly(total: int, weights) -> np.ndarray:
    """Split an integer ``total`` by ``weights`` into integers that sum to it exactly.

    Largest-remainder rounding: no unit is lost or invented. All-zero weights split
    evenly.

    Examples
    --------
    >>> split_exactly(100, [1, 1, 1]).tolist()
    [34, 33, 33]
    >>> int(split_exactly(-7, [1, 2]).sum())
    -7
    >>> split_exactly(5, [0, 0]).tolist()
    [3, 2]
    """
    if int(total) != total:
        raise ValueError(f"the total to split must be a whole number, got {total!r}")
    total = int(total)
    w = np.asarray(weights, dtype=float)
    if len(w) == 0:
        if total:
            raise ValueError("nothing to split a non-zero total into")
        return np.zeros(0, dtype=np.int64)
    if (w < 0).any() or not np.isfinite(w).all():
        raise ValueError("weights must be finite and non-negative")
    if w.sum() == 0:
        w = np.ones(len(w))
    if total < 0:
        return -split_exactly(-total, w)
    raw = total * w / w.sum()
    base = np.floor(raw).astype(np.int64)
    short = int(total - base.sum())
    order = np.argsort(-(raw - base), kind="stable")
    base[order[:short]] += 1
    return base
