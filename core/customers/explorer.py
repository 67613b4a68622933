"""The segment explorer: filters over a scope's customers and the figures they drive.

The scope's customers are loaded once as a compact numeric frame (``load_frame``; cached by
the page per scope and data version); every filter change is then numpy on that frame, so
it stays fast at a million customers. A filter is a ``Filters`` value: hashable, saved as
JSON (validated when read back, never evaluated) as a list (名单) or an industry / group
grid.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import Engine, select

from core.customers.features import KINDS, OCCUPATIONS, PRODUCTS, industries, load_features
from core.customers.segments import product_matrix
from core.customers.tags import TagDef
from core.models import Grid
from core.scope import Scope

FRAME_COLUMNS = (
    "id",
    "branch_id",
    "manager_id",
    "grid2_id",
    "segment_id",
    "tier",
    "lifecycle",
    "tag_mask",
    "kind",
    "status",
    "occupation",
    "industry",
    "age",
    "deposit",
    "aum",
    "loan",
    "other_bank_deposit",
    "products",
)
PARETO_POINTS = np.linspace(0, 1, 101)
VIEWS = ("segments", "pareto", "penetration", "map", "customers")
TABLE_ROWS = 200


@dataclass(frozen=True)
class Filters:
    """What the analyst picked; empty means no restriction. Money in yuan.

    ``grids`` holds region grids (their customers) and industry / group grids (their saved
    filters); ``tags`` must all hold; ``held`` products must all be held and ``missing``
    all be missing.
    """

    branches: tuple[int, ...] = ()
    grids: tuple[int, ...] = ()
    tags: tuple[str, ...] = ()
    tiers: tuple[str, ...] = ()
    lifecycles: tuple[str, ...] = ()
    segments: tuple[int, ...] = ()
    kinds: tuple[str, ...] = ()
    occupations: tuple[str, ...] = ()
    industries: tuple[str, ...] = ()
    age_min: int | None = None
    age_max: int | None = None
    aum_min: float | None = None
    aum_max: float | None = None
    held: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()

    def to_json(self) -> str:
        return json.dumps(
            {
                k: list(v) if isinstance(v, tuple) else v
                for k, v in asdict(self).items()
                if v not in ((), None)
            },
            ensure_ascii=False,
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> Filters:
        """Read a saved filter back; unknown keys or wrong types raise ValueError."""
        data = json.loads(text or "{}")
        if not isinstance(data, dict):
            raise ValueError("a saved filter is a JSON object")
        known = {f.name: f for f in fields(cls)}
        values = {}
        for key, value in data.items():
            if key not in known:
                raise ValueError(f"unknown filter field {key!r}")
            if key in ("age_min", "age_max", "aum_min", "aum_max"):
                if value is not None and not isinstance(value, (int, float)):
                    raise ValueError(f"{key} must be a number")
                values[key] = value
            else:
                if not isinstance(value, list):
                    raise ValueError(f"{key} must be a list")
                kind = int if key in ("branches", "grids", "segments") else str
                if not all(isinstance(v, kind) and not isinstance(v, bool) for v in value):
                    raise ValueError(f"{key} must hold {kind.__name__} values")
                values[key] = tuple(value)
        return cls(**values)

    def is_empty(self) -> bool:
        return self == Filters()


@dataclass(frozen=True)
class Context:
    """What turns filter values into codes: tag bits, industry list, saved grid filters."""

    tags: tuple[TagDef, ...]
    industries: tuple[str, ...]
    saved_grids: tuple[tuple[int, str], ...] = ()  # (grid id, saved filter JSON)


def product_bits(features: pd.DataFrame) -> np.ndarray:
    """A bit per product of ``PRODUCTS`` the customer holds (int16)."""
    held = product_matrix(features).to_numpy(dtype=bool)
    return (held * (1 << np.arange(len(PRODUCTS)))).sum(axis=1).astype(np.int16)


def load_frame(engine: Engine, scope: Scope, as_of: date | None = None) -> pd.DataFrame:
    """The scope's customers as the explorer filters them (``FRAME_COLUMNS``); industries
    coded by the bank's list (``context``)."""
    f = load_features(
        engine, as_of or date.today(), scope, with_tags=True, industry_list=industries(engine)
    )
    f["products"] = product_bits(f)
    out = f[list(FRAME_COLUMNS)].copy()
    for col in ("branch_id", "manager_id", "grid2_id", "segment_id"):
        out[col] = out[col].fillna(-1).astype(np.int32)
    out["tier"] = pd.Categorical(out["tier"])
    out["lifecycle"] = pd.Categorical(out["lifecycle"])
    out["age"] = out["age"].astype(np.float32)
    return out.reset_index(drop=True)


def context(engine: Engine, tags: list[TagDef], industry_list: list[str] | None = None) -> Context:
    """The filter context of the database: tags, industries (those the frame was coded
    with; default every industry of the bank) and saved grids."""
    with engine.connect() as conn:
        saved = conn.execute(
            select(Grid.id, Grid.saved_filter)
            .where(Grid.dimension != "region", Grid.saved_filter.is_not(None))
            .order_by(Grid.id)
        ).all()
    industry_list = industries(engine) if industry_list is None else industry_list
    return Context(tuple(tags), tuple(industry_list), tuple((int(i), str(s)) for i, s in saved))


def _isin(values: np.ndarray, wanted) -> np.ndarray:
    return np.isin(values, np.asarray(list(wanted)))


def select_rows(frame: pd.DataFrame, filters: Filters, ctx: Context) -> np.ndarray:
    """Boolean mask of the rows of ``frame`` (``load_frame``) that pass ``filters``."""
    f = filters
    keep = np.ones(len(frame), dtype=bool)
    if f.branches:
        keep &= _isin(frame["branch_id"].to_numpy(), f.branches)
    if f.grids:
        saved = dict(ctx.saved_grids)
        in_grids = _isin(frame["grid2_id"].to_numpy(), [g for g in f.grids if g not in saved])
        for g in f.grids:
            if g in saved:
                inner = Filters.from_json(saved[g])
                if inner.grids:
                    raise ValueError("a saved grid filter cannot name grids")
                in_grids |= select_rows(frame, inner, ctx)
        keep &= in_grids
    if f.tags:
        bits = {t.code: t.bit for t in ctx.tags if t.category == "flag"}
        unknown = [c for c in f.tags if c not in bits]
        if unknown:
            raise ValueError(f"unknown tags: {', '.join(unknown)}")
        need = int(sum(1 << bits[c] for c in f.tags))
        keep &= (frame["tag_mask"].to_numpy() & need) == need
    if f.tiers:
        keep &= _isin(frame["tier"].astype(object).to_numpy(), f.tiers)
    if f.lifecycles:
        keep &= _isin(frame["lifecycle"].astype(object).to_numpy(), f.lifecycles)
    if f.segments:
        keep &= _isin(frame["segment_id"].to_numpy(), f.segments)
    if f.kinds:
        keep &= _isin(frame["kind"].to_numpy(), [KINDS.index(k) for k in f.kinds])
    if f.occupations:
        keep &= _isin(frame["occupation"].to_numpy(), [OCCUPATIONS.index(o) for o in f.occupations])
    if f.industries:
        codes = [ctx.industries.index(i) for i in f.industries if i in ctx.industries]
        keep &= _isin(frame["industry"].to_numpy(), codes)
    age = frame["age"].to_numpy()
    if f.age_min is not None:
        keep &= age >= f.age_min
    if f.age_max is not None:
        keep &= age <= f.age_max
    aum = frame["aum"].to_numpy()
    if f.aum_min is not None:
        keep &= aum >= f.aum_min
    if f.aum_max is not None:
        keep &= aum <= f.aum_max
    products = frame["products"].to_numpy()
    for code in f.held:
        keep &= (products >> PRODUCTS.index(code)) & 1 == 1
    for code in f.missing:
        keep &= (products >> PRODUCTS.index(code)) & 1 == 0
    return keep


# ---- what the explorer shows ---------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    customers: int
    deposits: float  # yuan
    deposit_share: float  # of the scope's deposits
    top20_share: float  # held by the top 20 % of the selection's existing customers
    bottom50_share: float  # ... by the bottom half (the long tail)


def pareto(deposits: np.ndarray) -> pd.DataFrame:
    """The Lorenz-style curve of deposits: for the top x of customers (0-1, largest
    balances first), the share y of deposits they hold. Customers without deposits count.

    Examples
    --------
    >>> p = pareto(np.array([70.0, 20.0, 10.0, 0.0]))
    >>> float(p.loc[p["top"] == 0.25, "share"].iloc[0])
    0.7
    """
    d = np.sort(np.asarray(deposits, dtype=float))[::-1]
    if len(d) == 0 or d.sum() <= 0:
        return pd.DataFrame({"top": PARETO_POINTS, "share": np.zeros(len(PARETO_POINTS))})
    cum = np.concatenate([[0.0], np.cumsum(d)]) / d.sum()
    share = np.interp(PARETO_POINTS * len(d), np.arange(len(d) + 1), cum)
    return pd.DataFrame({"top": PARETO_POINTS, "share": share})


def existing_deposits(frame: pd.DataFrame, mask: np.ndarray) -> np.ndarray:
    """Deposits of the selection's existing customers (prospects hold nothing here yet and
    would only flatten the 80/20 curve)."""
    return frame["deposit"].to_numpy()[mask & (frame["status"].to_numpy() != 2)]


def summarize(frame: pd.DataFrame, mask: np.ndarray) -> Summary:
    """Headline figures of the selection; the concentration is among existing customers."""
    deposits = frame["deposit"].to_numpy()[mask]
    total = float(frame["deposit"].sum())
    curve = pareto(existing_deposits(frame, mask))
    top20 = float(curve.loc[curve["top"].round(2) == 0.2, "share"].iloc[0])
    return Summary(
        int(mask.sum()),
        float(deposits.sum()),
        float(deposits.sum()) / total if total else 0.0,
        top20,
        1 - float(curve.loc[curve["top"].round(2) == 0.5, "share"].iloc[0]),
    )


def segment_sizes(frame: pd.DataFrame, mask: np.ndarray, segments: pd.DataFrame) -> pd.DataFrame:
    """Per segment: customers and deposits of the selection, and the segment's share of the
    selection's deposits. Columns: segment_id, code, name_zh, name_en, customers, deposits,
    deposit_share."""
    sel = frame.loc[mask, ["segment_id", "deposit"]]
    g = (
        sel.groupby("segment_id")["deposit"]
        .agg(["size", "sum"])
        .rename(columns={"size": "customers", "sum": "deposits"})
        .reset_index()
    )
    names = segments.set_index("id")[["code", "name_zh", "name_en"]] if len(segments) else None
    g["code"] = g["segment_id"].map(names["code"]) if names is not None else None
    g["name_zh"] = g["segment_id"].map(names["name_zh"]) if names is not None else None
    g["name_en"] = g["segment_id"].map(names["name_en"]) if names is not None else None
    total = g["deposits"].sum()
    g["deposit_share"] = g["deposits"] / total if total else 0.0
    g[["code", "name_zh", "name_en"]] = g[["code", "name_zh", "name_en"]].fillna("-")
    return g.sort_values("customers", ascending=False).reset_index(drop=True)


def penetration(frame: pd.DataFrame, mask: np.ndarray) -> pd.DataFrame:
    """Share (0-1) of the selection holding each product (columns), per segment (rows)."""
    sel = frame.loc[mask, ["segment_id", "products"]]
    bits = sel["products"].to_numpy()
    held = pd.DataFrame(
        {p: (bits >> i) & 1 for i, p in enumerate(PRODUCTS)}, index=sel.index, dtype=float
    )
    return held.groupby(sel["segment_id"].to_numpy()).mean()


def by_grid(frame: pd.DataFrame, mask: np.ndarray) -> pd.DataFrame:
    """Customers and deposits of the selection per second-level grid (grid_id, customers,
    deposits); customers in no grid are left out."""
    sel = frame.loc[mask & (frame["grid2_id"].to_numpy() >= 0), ["grid2_id", "deposit"]]
    return (
        sel.groupby("grid2_id")["deposit"]
        .agg(["size", "sum"])
        .rename(columns={"size": "customers", "sum": "deposits"})
        .rename_axis("grid_id")
        .reset_index()
    )


def top_ids(frame: pd.DataFrame, mask: np.ndarray, limit: int = 200) -> list[int]:
    """Ids of the selection's ``limit`` customers with the most AUM (the table's rows)."""
    sel = frame.loc[mask, ["id", "aum"]]
    return [int(i) for i in sel.nlargest(limit, "aum")["id"]]


def map_values(frame: pd.DataFrame, mask: np.ndarray, grids: pd.DataFrame) -> dict[int, pd.Series]:
    """Selected customers per grid for the choropleth: ``{1: by level-1 grid id (the
    branch's jurisdiction), 2: by level-2 grid id}``; ``grids`` has id, level, branch_id."""
    per_grid = by_grid(frame, mask).set_index("grid_id")["customers"]
    per_branch = frame.loc[mask].groupby("branch_id").size()
    level1 = grids[grids["level"] == 1]
    return {
        1: pd.Series(level1["branch_id"].map(per_branch).to_numpy(), index=level1["id"]),
        2: per_grid,
    }
