"""Customer tags (标签) as data: a rule over customer features with editable thresholds.

A rule is JSON, never code: ``{"all": [condition, ...]}`` or ``{"any": [...]}``, where a
condition is ``[feature, op, value]`` or another such rule; a value may be
``{"param": name}``, taken from the tag's ``params`` (numbers head office edits in the app).
Tier (高端/核心/基础) and lifecycle (潜在/新客/潜在流失/高价值/关系维护) are exclusive: the first
tag of the category, in ``position`` order, whose rule holds wins, and the last has an empty
rule. Every other tag is a flag with a bit of ``customer.tag_mask``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import datetime

import numpy as np
import pandas as pd
from sqlalchemy import Engine, func, insert, select, update

from core import config
from core.i18n import pick
from core.models import AuditLog, Tag, TaggingRun
from core.vocab import KINDS, LIFECYCLES, STATUSES, TIERS  # noqa: F401

CATEGORIES = ("tier", "lifecycle", "flag")
OPS = {
    ">=": np.greater_equal,
    ">": np.greater,
    "<=": np.less_equal,
    "<": np.less,
    "==": np.equal,
    "!=": np.not_equal,
}
# features a rule may name, with a code table where the feature is coded
CODED = {"kind": KINDS, "status": STATUSES}
FEATURES = (
    "age",
    "aum",
    "deposit",
    "time_deposit",
    "loan",
    "credit_line",
    "credit_used",
    "wealth",
    "other_bank_deposit",
    "other_bank_loan",
    "tenure_days",
    "days_since_txn",
    "days_since_visit",
    "days_to_maturity",
    "deposit_6m_ago",
    "deposit_drop_6m",
    "is_migrant",
    "has_debit_card",
    "has_mobile_banking",
    "has_acquiring",
    "has_etc",
    "kind",
    "status",
)


@dataclass(frozen=True)
class TagDef:
    """One tag: code, category, labels, description, rule and its parameters."""

    code: str
    category: str
    label_zh: str
    label_en: str
    description_zh: str
    description_en: str
    rule: dict
    params: dict = field(default_factory=dict)
    position: int = 0
    bit: int | None = None

    def label(self, lang: str) -> str:
        return pick(self.label_zh, self.label_en, lang)

    def description(self, lang: str) -> str:
        """The description with the current thresholds filled in."""
        text = pick(self.description_zh, self.description_en, lang)
        return text.format(**{k: _number(v) for k, v in self.params.items()})


def _number(v: float) -> str:
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.2f}"


def _tag(code, category, zh, en, dzh, den, conditions, params=None, position=0, bit=None):
    return TagDef(
        code, category, zh, en, dzh, den, {"all": conditions}, params or {}, position, bit
    )


def _p(name: str) -> dict:
    return {"param": name}


def default_tags() -> list[TagDef]:
    """The tags of ../shared/DOMAIN.md; tier thresholds start from ``GM_TIER_AUM``."""
    high, core = config.get("GM_TIER_AUM")
    existing = ["status", "!=", "potential"]
    return [
        _tag(
            "high",
            "tier",
            "高端客户",
            "High-end",
            "AUM(存款+理财)≥ {min_aum} 元",
            "AUM (deposits + wealth) ≥ {min_aum} yuan",
            [["aum", ">=", _p("min_aum")]],
            {"min_aum": high},
            0,
        ),
        _tag(
            "core",
            "tier",
            "核心客户",
            "Core",
            "AUM ≥ {min_aum} 元",
            "AUM ≥ {min_aum} yuan",
            [["aum", ">=", _p("min_aum")]],
            {"min_aum": core},
            1,
        ),
        _tag("basic", "tier", "基础客户", "Basic", "其余客户", "everyone else", [], {}, 2),
        _tag(
            "potential",
            "lifecycle",
            "潜在客户",
            "Potential",
            "尚未在本行办理业务",
            "has not yet done business with the bank",
            [["status", "==", "potential"]],
            {},
            0,
        ),
        _tag(
            "new",
            "lifecycle",
            "新客",
            "New",
            "开户不满 {max_days} 天",
            "account opened less than {max_days} days ago",
            [["tenure_days", "<", _p("max_days")]],
            {"max_days": 365},
            1,
        ),
        _tag(
            "at_risk",
            "lifecycle",
            "潜在流失",
            "At risk of churn",
            "近6个月存款下降 ≥ {min_drop_pct}%(原余额 ≥ {min_balance} 元),或 {min_idle_days} 天"
            "以上无交易",
            "deposits fell ≥ {min_drop_pct}% in six months (from ≥ "
            "{min_balance} yuan), or no transaction for {min_idle_days} days or more",
            [
                {
                    "any": [
                        {
                            "all": [
                                ["deposit_drop_6m", ">=", _p("min_drop_pct")],
                                ["deposit_6m_ago", ">=", _p("min_balance")],
                            ]
                        },
                        ["days_since_txn", ">=", _p("min_idle_days")],
                    ]
                }
            ],
            {"min_drop_pct": 30, "min_balance": 10_000, "min_idle_days": 180},
            2,
        ),
        _tag(
            "high_value",
            "lifecycle",
            "高价值",
            "High value",
            "AUM ≥ {min_aum} 元",
            "AUM ≥ {min_aum} yuan",
            [["aum", ">=", _p("min_aum")]],
            {"min_aum": core},
            3,
        ),
        _tag(
            "maintain",
            "lifecycle",
            "关系维护",
            "Relationship upkeep",
            "其余存量客户",
            "other existing customers",
            [],
            {},
            4,
        ),
        _tag(
            "dormant",
            "flag",
            "休眠客户",
            "Dormant",
            "{min_days} 天以上无交易",
            "no transaction for {min_days} days or more",
            [existing, ["days_since_txn", ">=", _p("min_days")]],
            {"min_days": 365},
            0,
            0,
        ),
        _tag(
            "elderly_no_mobile",
            "flag",
            "老年未开手机银行",
            "Elderly, no mobile banking",
            "{min_age} 岁及以上且未开通手机银行",
            "aged {min_age}+ without mobile banking",
            [existing, ["age", ">=", _p("min_age")], ["has_mobile_banking", "==", False]],
            {"min_age": 60},
            1,
            1,
        ),
        _tag(
            "merchant_no_acquiring",
            "flag",
            "商户未开收单",
            "Merchant without acquiring",
            "个体工商户未开通POS/扫码收单",
            "merchant without POS / QR acquiring",
            [["kind", "==", "merchant"], ["has_acquiring", "==", False]],
            {},
            2,
            2,
        ),
        _tag(
            "other_bank_funds",
            "flag",
            "他行资金",
            "Funds at other banks",
            "他行存款 ≥ {min_amount} 元",
            "deposits at other banks ≥ {min_amount} yuan",
            [["other_bank_deposit", ">=", _p("min_amount")]],
            {"min_amount": 50_000},
            3,
            3,
        ),
        _tag(
            "spring_return",
            "flag",
            "春节返乡务工",
            "Migrant worker home for Spring Festival",
            "外出务工人员,春节返乡",
            "migrant worker who comes home at Spring Festival",
            [["is_migrant", "==", True]],
            {},
            4,
            4,
        ),
        _tag(
            "unused_credit",
            "flag",
            "授信未用信",
            "Unused credit line",
            "有授信且用信比例 ≤ {max_used_pct}%",
            "credit line used ≤ {max_used_pct}%",
            [["credit_line", ">", 0], ["credit_used", "<=", _p("max_used_pct")]],
            {"max_used_pct": 30},
            5,
            5,
        ),
        _tag(
            "maturing",
            "flag",
            "产品即将到期",
            "Product maturing",
            "定期或理财 {max_days} 天内到期",
            "a time deposit or wealth product matures within {max_days} days",
            [["days_to_maturity", "<=", _p("max_days")]],
            {"max_days": 30},
            6,
            6,
        ),
    ]


# ---- evaluating rules ---------------------------------------------------------------------


def rule_features(features: pd.DataFrame) -> dict[str, np.ndarray]:
    """The arrays rules may name, derived from ``core.customers.features.load_features`` columns:
    credit_used (% of the credit line drawn) and deposit_drop_6m (% fall of deposits from
    six months ago; negative when they grew) are computed here."""
    f = {name: features[name].to_numpy() for name in FEATURES if name in features}
    line = features["credit_line"].to_numpy(dtype=float)
    before = features["deposit_6m_ago"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        f["credit_used"] = np.where(line > 0, 100 * features["loan"].to_numpy() / line, np.nan)
        f["deposit_drop_6m"] = np.where(
            before > 0, 100 * (1 - features["deposit"].to_numpy() / before), np.nan
        )
    return f


def _holds(rule, params: dict, f: dict[str, np.ndarray], n: int) -> np.ndarray:
    """Where a rule (``{"all": ...}``, ``{"any": ...}``) or a condition holds."""
    if isinstance(rule, dict):
        parts = [_holds(part, params, f, n) for part in rule.get("all", rule.get("any", []))]
        if "any" in rule:
            return np.logical_or.reduce(parts) if parts else np.zeros(n, dtype=bool)
        return np.logical_and.reduce(parts) if parts else np.ones(n, dtype=bool)
    name, op, value = rule
    if isinstance(value, dict):
        value = float(params[value["param"]])
    if name in CODED and isinstance(value, str):
        value = CODED[name].index(value)
    column = f[name]
    if isinstance(value, bool):
        return OPS[op](column.astype(bool), value)
    with np.errstate(invalid="ignore"):
        return OPS[op](column.astype(float), float(value))  # NaN never holds


def rule_mask(tag: TagDef, f: dict[str, np.ndarray], n: int) -> np.ndarray:
    """Where ``tag``'s rule holds (an empty rule holds everywhere)."""
    return np.asarray(_holds(tag.rule, tag.params, f, n), dtype=bool)


def evaluate(
    tags: list[TagDef], features: pd.DataFrame
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Tier, lifecycle (arrays of codes) and tag mask (int64) of every customer.

    Lifecycle is only for existing customers after ``potential``: the first lifecycle tag
    whose rule holds, in position order.
    """
    n = len(features)
    f = rule_features(features)
    out = {}
    for category in ("tier", "lifecycle"):
        chosen = np.full(n, None, dtype=object)
        for tag in sorted((t for t in tags if t.category == category), key=lambda t: t.position):
            free = chosen == None  # noqa: E711 - element-wise on an object array
            chosen[free & rule_mask(tag, f, n)] = tag.code
        out[category] = chosen
    mask = np.zeros(n, dtype=np.int64)
    for tag in tags:
        if tag.category == "flag" and tag.bit is not None:
            mask |= rule_mask(tag, f, n).astype(np.int64) << tag.bit
    return out["tier"], out["lifecycle"], mask


def flags_of(mask: int, tags: list[TagDef]) -> list[TagDef]:
    """The flag tags set in one customer's ``tag_mask``."""
    return [
        t for t in tags if t.category == "flag" and t.bit is not None and (int(mask) >> t.bit) & 1
    ]


def mask_of(codes, tags: list[TagDef]) -> int:
    """The bits of these flag-tag codes (unknown codes are an error)."""
    bits = {t.code: t.bit for t in tags if t.category == "flag"}
    unknown = [c for c in codes if c not in bits]
    if unknown:
        raise ValueError(f"unknown tags: {', '.join(unknown)}")
    return int(sum(1 << bits[c] for c in set(codes)))


# ---- the database ----------------------------------------------------------------------------


def ensure_default_tags(engine: Engine) -> int:
    """Insert the default tags that the database lacks; returns how many were added."""
    with engine.begin() as conn:
        have = set(conn.execute(select(Tag.code)).scalars())
        missing = [t for t in default_tags() if t.code not in have]
        for t in missing:
            conn.execute(
                insert(Tag).values(
                    code=t.code,
                    category=t.category,
                    position=t.position,
                    bit=t.bit,
                    label_zh=t.label_zh,
                    label_en=t.label_en,
                    description_zh=t.description_zh,
                    description_en=t.description_en,
                    rule=json.dumps(t.rule, ensure_ascii=False),
                    params=json.dumps(t.params),
                )
            )
    return len(missing)


def load_tags(engine: Engine) -> list[TagDef]:
    """Every tag in the database: tier, lifecycle, flags, each in position order."""
    with engine.connect() as conn:
        rows = conn.execute(select(Tag.__table__)).all()
    tags = [
        TagDef(
            r.code,
            r.category,
            r.label_zh,
            r.label_en,
            r.description_zh,
            r.description_en,
            json.loads(r.rule),
            json.loads(r.params),
            r.position,
            r.bit,
        )
        for r in rows
    ]
    order = {c: i for i, c in enumerate(CATEGORIES)}
    return sorted(tags, key=lambda t: (order.get(t.category, len(order)), t.position))


def check_params(tag: TagDef, params: dict) -> list[str]:
    """Problems with new thresholds for ``tag`` (names, numbers, ranges), in Chinese."""
    problems = []
    for name, value in params.items():
        if name not in tag.params:
            problems.append(f"{tag.label_zh}:没有参数 {name}")
            continue
        try:
            v = float(value)
        except (TypeError, ValueError):
            problems.append(f"{tag.label_zh}:{name} 应为数字,实为 {value!r}")
            continue
        if not np.isfinite(v) or v < 0:
            problems.append(f"{tag.label_zh}:{name} 应为非负数,实为 {value}")
        elif name.endswith("_pct") and v > 100:
            problems.append(f"{tag.label_zh}:{name} 是百分比,不能超过 100")
    return problems


def save_params(engine: Engine, changes: dict[str, dict], actor) -> list[str]:
    """Store new thresholds ``{tag code: {param: value}}`` (all or nothing); returns the
    problems (nothing is saved when there are any). Each change goes to the audit log.
    Head office only (:class:`core.permissions.Forbidden` otherwise, audited)."""
    from core.permissions import require_role

    require_role(engine, actor, "tag_params", "hq")
    user_id = actor.user_id
    tags = {t.code: t for t in load_tags(engine)}
    problems = [f"未知标签 {code}" for code in changes if code not in tags]
    for code, params in changes.items():
        if code in tags:
            problems += check_params(tags[code], params)
    high = {**tags["high"].params, **changes.get("high", {})} if "high" in tags else {}
    core = {**tags["core"].params, **changes.get("core", {})} if "core" in tags else {}
    if high and core and float(high["min_aum"]) <= float(core["min_aum"]):
        problems.append("高端客户的AUM门槛应高于核心客户")
    if problems:
        return problems
    now = datetime.now()
    with engine.begin() as conn:
        for code, params in changes.items():
            new = {**tags[code].params, **{k: float(v) for k, v in params.items()}}
            if new == tags[code].params:
                continue
            conn.execute(
                update(Tag)
                .where(Tag.code == code)
                .values(params=json.dumps(new), updated_at=now, updated_by=user_id)
            )
            conn.execute(
                insert(AuditLog).values(
                    at=now,
                    user_id=user_id,
                    action="tag_params",
                    entity="tag",
                    entity_id=code,
                    detail=json.dumps({"old": tags[code].params, "new": new}),
                )
            )
    return []


def tag_counts(tags: list[TagDef], tier, lifecycle, mask) -> dict[str, int]:
    """Customers per tag code."""
    counts = {}
    for t in tags:
        if t.category == "tier":
            counts[t.code] = int((tier == t.code).sum())
        elif t.category == "lifecycle":
            counts[t.code] = int((lifecycle == t.code).sum())
        elif t.bit is not None:
            counts[t.code] = int(((mask >> t.bit) & 1).sum())
    return counts


def latest_run(engine: Engine, kind: str) -> dict | None:
    """The newest tagging run of ``kind`` (tags / segments) as a dict, or None."""
    with engine.connect() as conn:
        row = conn.execute(
            select(TaggingRun.__table__)
            .where(TaggingRun.kind == kind)
            .order_by(TaggingRun.id.desc())
            .limit(1)
        ).first()
    return None if row is None else dict(row._mapping)


def data_version(engine: Engine) -> int:
    """Changes whenever tags or segments are recomputed (a cache key)."""
    with engine.connect() as conn:
        return int(conn.execute(select(func.coalesce(func.max(TaggingRun.id), 0))).scalar())


def with_params(tag: TagDef, **params) -> TagDef:
    """A copy of ``tag`` with some thresholds changed (for previews and tests)."""
    return replace(tag, params={**tag.params, **params})
