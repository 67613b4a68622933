"""The metric catalogue as data: what targets are set on and how actuals are obtained."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class MetricDef:
    code: str
    name_zh: str
    name_en: str
    unit: str  # yuan, count
    higher_is_better: bool
    source: str  # computed / imported


METRICS: tuple[MetricDef, ...] = (
    MetricDef("deposit_increase", "存款增量", "Deposit increase", "yuan", True, "computed"),
    MetricDef("loan_increase", "贷款增量", "Loan increase", "yuan", True, "computed"),
    MetricDef("new_active_customers", "新增有效客户", "New active customers", "count", True,
              "computed"),
    MetricDef("mobile_banking_signups", "手机银行签约(实名)", "Mobile-banking sign-ups (real-name)",
              "count", True, "computed"),
    MetricDef("acquiring_merchants", "收单商户(POS/扫码)", "Acquiring merchants (POS/QR)", "count",
              True, "computed"),
    MetricDef("etc_signups", "ETC签约", "ETC sign-ups", "count", True, "computed"),
    MetricDef("visits", "走访次数", "Visits", "count", True, "computed"),
    MetricDef("npl_recovery", "不良清收", "NPL recovery", "yuan", True, "imported"),
    MetricDef("intermediate_income", "中间业务收入", "Intermediate business income", "yuan", True,
              "imported"),
)

# Share of the annual target per month: deposits load Q1 (开门红, ~40 %), others lightly.
SEASONAL_CURVE = {
    "deposit_increase": (15, 14, 11, 6, 6, 7, 5, 5, 7, 7, 7, 10),
    "default": (10, 9, 10, 8, 8, 8, 8, 8, 8, 8, 8, 7),
}


def split_exactly(total: int, weights) -> np.ndarray:
    """Split an integer ``total`` by ``weights`` into integers that sum to it exactly.

    Largest-remainder rounding: no unit is lost or invented.

    Examples
    --------
    >>> split_exactly(100, [1, 1, 1]).tolist()
    [34, 33, 33]
    >>> int(split_exactly(-7, [1, 2]).sum())
    -7
    """
    w = np.asarray(weights, dtype=float)
    if total < 0:
        return -split_exactly(-total, w)
    raw = total * w / w.sum()
    base = np.floor(raw).astype(np.int64)
    short = int(total - base.sum())
    order = np.argsort(-(raw - base), kind="stable")
    base[order[:short]] += 1
    return base
