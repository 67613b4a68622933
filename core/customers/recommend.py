"""Next products to offer a customer, each with the reason a manager can say out loud.

Rules over the customer's features (``core.customers.features.load_features`` columns) and the
product penetration of the customer's segment (what similar customers already hold), most
pressing first: a product maturing, a high-end customer's money to place, money at other
banks, a migrant worker home for Spring Festival, a first account, acquiring for a
merchant, mobile banking, an unused credit line, ETC for a business, then what the
segment holds. The one recommender of the app: the customer view and the visit planner
both use it. Vectorised: the planner asks for thousands of customers at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from core import config
from core.calendar import festival_window
from core.vocab import PRODUCTS

PEER_SHARE = 0.4  # a product at least this share of the segment holds is a "peer" product
OTHER_BANK_MIN = 50_000.0
MATURITY_DAYS = 30
CREDIT_USED_MAX = 0.3


@dataclass(frozen=True)
class Offer:
    product: str  # one of PRODUCTS or "renewal"
    reason_zh: str
    reason_en: str


def _wan(yuan: float) -> str:
    return f"{yuan / 1e4:,.1f}"


def recommend(
    features: pd.DataFrame,
    peers: pd.DataFrame | None = None,
    limit: int = 4,
    as_of: date | None = None,
) -> list[list[Offer]]:
    """Offers for every row of ``features``, most pressing first, at most ``limit`` each.

    Parameters
    ----------
    features : DataFrame
        Columns of ``load_features`` (status, kind, age, has_* flags, deposit, loan,
        credit_line, wealth, time_deposit, other_bank_deposit, days_to_maturity,
        segment_id).
    peers : DataFrame, optional
        Share (0-1) of each segment (index: segment id) holding each product (columns:
        ``PRODUCTS``), as ``core.customers.explorer.penetration`` returns it.
    limit : int
        Offers per customer at most.
    as_of : date, optional
        The day (for the Spring-Festival window of migrant workers; default today).

    Examples
    --------
    >>> f = pd.DataFrame({"status": [0], "kind": [1], "age": [float("nan")],
    ...     "has_debit_card": [True], "has_mobile_banking": [True], "has_acquiring": [False],
    ...     "has_etc": [False], "deposit": [8e4], "loan": [0.0], "credit_line": [0.0],
    ...     "wealth": [0.0], "time_deposit": [0.0], "other_bank_deposit": [0.0],
    ...     "days_to_maturity": [float("nan")], "segment_id": [1]})
    >>> [o.product for o in recommend(f)[0]]
    ['acquiring', 'etc']
    """
    n = len(features)
    f = features
    existing = f["status"].to_numpy() != 2
    age = f["age"].to_numpy(dtype=float)
    rules: list[tuple[np.ndarray, str, object, object]] = []

    def rule(mask, product, zh, en):
        rules.append((np.asarray(mask, dtype=bool), product, zh, en))

    days = f["days_to_maturity"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        rule(
            days <= MATURITY_DAYS,
            "renewal",
            lambda i: f"定期/理财 {days[i]:.0f} 天后到期,提前沟通续存或转理财",
            lambda i: f"a product matures in {days[i]:.0f} days: renew or move to wealth",
        )
    other = f["other_bank_deposit"].to_numpy(dtype=float)
    aum = f["deposit"].to_numpy(dtype=float) + f["wealth"].to_numpy(dtype=float)
    high = (
        f["tier"].to_numpy() == "high"
        if "tier" in f
        else aum >= float(config.get("GM_TIER_AUM")[0])
    )
    with np.errstate(invalid="ignore"):
        rule(
            high & ((days <= MATURITY_DAYS) | (other >= OTHER_BANK_MIN)),
            "wealth",
            lambda i: "高端客户,到期或他行资金可做资产配置(理财)",
            lambda i: "high-end customer with money to place: wealth products",
        )
    rule(
        other >= OTHER_BANK_MIN,
        "time_deposit",
        lambda i: f"他行存款约 {_wan(other[i])} 万元,可营销转存",
        lambda i: f"about {_wan(other[i])} 万元 at other banks to win over",
    )
    festival = festival_window(as_of or date.today())
    if festival is not None and "is_migrant" in f:
        rule(
            f["is_migrant"].to_numpy(dtype=bool),
            "time_deposit",
            lambda i: f"春节({festival})返乡,务工收入可存定期",
            lambda i: f"home for Spring Festival ({festival}): savings into a time deposit",
        )
    rule(
        ~existing,
        "debit_card",
        lambda i: "潜在客户:首次开户办理借记卡",
        lambda i: "prospect: open a first account with a debit card",
    )
    rule(
        (f["kind"].to_numpy() == 1) & ~f["has_acquiring"].to_numpy(dtype=bool),
        "acquiring",
        lambda i: "个体工商户未开通收单,可办理聚合码/POS",
        lambda i: "merchant without acquiring: QR code or POS",
    )
    young = np.isnan(age) | (age < 70)
    mobile_peers = _peer_shares(peers, f, "mobile_banking")
    rule(
        existing & ~f["has_mobile_banking"].to_numpy(dtype=bool) & young,
        "mobile_banking",
        lambda i: (
            "未开通手机银行"
            + (
                ""
                if mobile_peers[i] != mobile_peers[i]
                else f";同类客群开通率 {mobile_peers[i]:.0%}"
            )
        ),
        lambda i: (
            "no mobile banking"
            + (
                ""
                if mobile_peers[i] != mobile_peers[i]
                else f"; {mobile_peers[i]:.0%} of similar customers have it"
            )
        ),
    )
    line = f["credit_line"].to_numpy(dtype=float)
    loan = f["loan"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        used = np.where(line > 0, loan / line, np.nan)
    rule(
        (line > 0) & (used <= CREDIT_USED_MAX),
        "loan",
        lambda i: f"授信 {_wan(line[i])} 万元仅用信 {used[i]:.0%},可推荐用信",
        lambda i: f"credit line of {_wan(line[i])} 万元 only {used[i]:.0%} drawn",
    )
    business = f["kind"].to_numpy() > 0
    rule(
        existing & business & ~f["has_etc"].to_numpy(dtype=bool),
        "etc",
        lambda i: "经营车辆可办ETC",
        lambda i: "business vehicles: ETC",
    )
    if peers is not None and len(peers):
        held = {
            "debit_card": f["has_debit_card"],
            "mobile_banking": f["has_mobile_banking"],
            "acquiring": f["has_acquiring"],
            "etc": f["has_etc"],
            "time_deposit": f["time_deposit"] > 0,
            "wealth": f["wealth"] > 0,
            "loan": f["loan"] > 0,
            "credit_line": f["credit_line"] > 0,
        }
        for product in ("wealth", "etc", "time_deposit", "credit_line"):
            share = _peer_shares(peers, f, product)
            with np.errstate(invalid="ignore"):
                mask = existing & ~held[product].to_numpy(dtype=bool) & (share >= PEER_SHARE)
            rule(
                mask,
                product,
                lambda i, p=product, s=share: f"同类客群 {s[i]:.0%} 已持有{_PRODUCT_ZH[p]}",
                lambda i, p=product, s=share: f"{s[i]:.0%} of similar customers hold {p}",
            )
    out: list[list[Offer]] = [[] for _ in range(n)]
    for mask, product, zh, en in rules:
        for i in np.flatnonzero(mask):
            offers = out[i]
            if len(offers) < limit and all(o.product != product for o in offers):
                offers.append(Offer(product, zh(i), en(i)))
    return out


_PRODUCT_ZH = {
    "debit_card": "借记卡",
    "mobile_banking": "手机银行",
    "acquiring": "收单",
    "etc": "ETC",
    "time_deposit": "定期存款",
    "wealth": "理财",
    "loan": "贷款",
    "credit_line": "授信",
}


def _peer_shares(peers, f: pd.DataFrame, product: str) -> np.ndarray:
    """Per row of ``f``: the share of its segment holding ``product`` (NaN if unknown)."""
    if peers is None or product not in peers:
        return np.full(len(f), np.nan)
    return pd.Series(f["segment_id"].to_numpy()).map(peers[product]).to_numpy(dtype=float)


assert set(_PRODUCT_ZH) == set(PRODUCTS)
