"""Customer segments (客群): k-means over customer features, named by what sets them apart.

A scikit-learn pipeline (standard scaling, then k-means) is fitted on a sample and predicts
every customer; k is chosen by the silhouette score on a sample (or set by the analyst).
Deterministic for a seed. A new run's clusters are matched to the active segments of the
last run (Hungarian assignment on centroid distance), so a segment keeps its id, code and
name while it is recognisably the same group, and saved lists that name it stay valid.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.vocab import PRODUCTS

K_RANGE = range(4, 11)  # k the silhouette chooses from
FIT_SAMPLE = 100_000  # customers the final pipeline is fitted on
K_SAMPLE = 20_000  # customers each candidate k is fitted on
SILHOUETTE_SAMPLE = 3_000  # its distance matrix is computed once, for every k
MATCH_DISTANCE = 1.0  # largest centroid shift (in standard deviations) that keeps identity
IDLE_CAP_DAYS = 730


def segment_matrix(features: pd.DataFrame) -> pd.DataFrame:
    """The clustering input, one row per customer of ``core.customers.features.load_features``.

    Balances on a log10 scale; age of businesses and unknown ages filled with the median;
    customers who never transacted count as idle for ``IDLE_CAP_DAYS``.
    """
    age = features["age"].astype(float)
    idle = features["days_since_txn"].astype(float).clip(lower=0, upper=IDLE_CAP_DAYS)
    return pd.DataFrame(
        {
            "age": age.fillna(age.median() if age.notna().any() else 45.0),
            "deposit": np.log10(1 + features["deposit"].clip(lower=0)),
            "loan": np.log10(1 + features["loan"].clip(lower=0)),
            "wealth": np.log10(1 + features["wealth"].clip(lower=0)),
            "other_bank": np.log10(1 + features["other_bank_deposit"].clip(lower=0)),
            "products": product_matrix(features).sum(axis=1),
            "mobile": features["has_mobile_banking"].astype(float),
            "idle_months": idle.fillna(IDLE_CAP_DAYS) / 30.4,
            "tenure_years": features["tenure_days"].astype(float).fillna(0).clip(lower=0) / 365.25,
            "county_town": (features["location"] == 0).astype(float),
            "village": (features["location"] == 2).astype(float),
            "business": (features["kind"] > 0).astype(float),
        },
        index=features.index,
    )


def product_matrix(features: pd.DataFrame) -> pd.DataFrame:
    """Which of ``PRODUCTS`` each customer holds here (0/1)."""
    return pd.DataFrame(
        {
            "debit_card": features["has_debit_card"],
            "mobile_banking": features["has_mobile_banking"],
            "acquiring": features["has_acquiring"],
            "etc": features["has_etc"],
            "time_deposit": features["time_deposit"] > 0,
            "wealth": features["wealth"] > 0,
            "loan": features["loan"] > 0,
            "credit_line": features["credit_line"] > 0,
        },
        index=features.index,
    )[list(PRODUCTS)].astype(float)


@dataclass
class Fit:
    """A fitted segmentation: labels per customer and what describes each cluster."""

    labels: np.ndarray
    k: int
    chosen_by: str  # silhouette / analyst
    silhouette: float | None  # of the chosen k, on a sample
    silhouette_by_k: dict[int, float]
    centroids: pd.DataFrame  # cluster x matrix column, raw (unscaled) means
    scale: pd.Series  # standard deviation of each matrix column (for matching)


def fit_segments(matrix: pd.DataFrame, k: int | None = None, seed: int = 0) -> Fit:
    """Cluster the rows of ``matrix`` (``segment_matrix``) into ``k`` segments, or into the k
    of ``K_RANGE`` with the best silhouette on a sample. Deterministic for ``seed``."""
    from sklearn.cluster import KMeans  # scikit-learn is slow to import: only when fitting
    from sklearn.metrics import pairwise_distances, silhouette_score
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    rng = np.random.default_rng(seed)
    x = matrix.to_numpy(dtype=float)
    n = len(x)
    if n < 2:
        raise ValueError("need at least two customers to segment")
    scores: dict[int, float] = {}
    chosen_by = "analyst"
    if k is None:
        chosen_by = "silhouette"
        sample = x[rng.choice(n, min(n, K_SAMPLE), replace=False)]
        scaled = StandardScaler().fit_transform(sample)
        check = rng.choice(len(sample), min(len(sample), SILHOUETTE_SAMPLE), replace=False)
        distances = pairwise_distances(scaled[check])
        for candidate in K_RANGE:
            if candidate >= len(sample):
                break
            labels = KMeans(candidate, n_init=3, random_state=seed).fit_predict(scaled)
            if 1 < len(np.unique(labels[check])) < len(check):
                scores[candidate] = float(
                    silhouette_score(distances, labels[check], metric="precomputed")
                )
        k = max(scores, key=scores.get) if scores else min(2, n)
    k = int(min(k, n))
    pipeline = Pipeline(
        [("scale", StandardScaler()), ("kmeans", KMeans(k, n_init=3, random_state=seed))]
    )
    fit_rows = rng.choice(n, min(n, FIT_SAMPLE), replace=False) if n > FIT_SAMPLE else None
    pipeline.fit(x if fit_rows is None else x[fit_rows])
    labels = pipeline.predict(x)
    centroids = matrix.groupby(labels).mean()
    scale = matrix.std(ddof=0).replace(0, 1.0)
    return Fit(labels, k, chosen_by, scores.get(k), scores, centroids, scale)


def match_to_previous(
    new: pd.DataFrame, previous: pd.DataFrame, scale: pd.Series
) -> dict[int, int]:
    """Which previous segment each new cluster continues: ``{cluster: previous id}``.

    ``new`` and ``previous`` hold raw centroids (rows: cluster / segment id; columns: matrix
    columns). Distances are in standard deviations of ``scale``; pairs are chosen by the
    Hungarian method (distances capped at ``MATCH_DISTANCE``) and kept only when closer.

    Examples
    --------
    >>> new = pd.DataFrame({"a": [0.0, 10.0]})
    >>> old = pd.DataFrame({"a": [10.2, 50.0]}, index=[7, 8])
    >>> match_to_previous(new, old, pd.Series({"a": 1.0}))
    {1: 7}
    """
    from scipy.optimize import linear_sum_assignment

    if new.empty or previous.empty:
        return {}
    cols = [c for c in new.columns if c in previous.columns]
    a = new[cols].to_numpy() / scale[cols].to_numpy()
    b = previous[cols].to_numpy() / scale[cols].to_numpy()
    distance = np.sqrt(((a[:, None, :] - b[None, :, :]) ** 2).sum(axis=2))
    # far pairs cost the same, so they never pull a close pair apart
    rows, cols_ = linear_sum_assignment(np.minimum(distance, MATCH_DISTANCE))
    return {
        int(new.index[r]): int(previous.index[c])
        for r, c in zip(rows, cols_, strict=False)
        if distance[r, c] < MATCH_DISTANCE
    }


def nearest_segments(matrix: pd.DataFrame, centroids: pd.DataFrame, rows: np.ndarray) -> np.ndarray:
    """The segment (index of ``centroids``: raw centroids per segment id) nearest to each of
    ``rows`` (a bool mask over ``matrix``), in standard deviations of the whole matrix: how a
    customer who arrived after the last clustering joins a segment until the next one.

    Examples
    --------
    >>> m = pd.DataFrame({"a": [0.0, 10.0, 9.0, 1.0]})
    >>> c = pd.DataFrame({"a": [0.5, 9.5]}, index=[7, 8])
    >>> nearest_segments(m, c, np.array([False, False, True, True])).tolist()
    [8, 7]
    """
    cols = [c for c in matrix.columns if c in centroids.columns]
    scale = matrix[cols].std(ddof=0).replace(0, 1.0).to_numpy()
    x = matrix.loc[rows, cols].to_numpy(dtype=float) / scale
    c = centroids[cols].to_numpy(dtype=float) / scale
    distance = ((x[:, None, :] - c[None, :, :]) ** 2).sum(axis=2)
    return centroids.index.to_numpy()[distance.argmin(axis=1)]


# ---- describing and naming -----------------------------------------------------------------

MEASURES = (
    "customers_share",
    "deposit_share",
    "age",
    "county_town",
    "town_seat",
    "village",
    "business",
    "potential",
    "deposit_median",
    "deposit_mean",
    "loan_share",
    "wealth_share",
    "other_bank_mean",
    "products",
    "mobile",
    "idle_months",
    "tenure_years",
)


def profile(features: pd.DataFrame, labels: np.ndarray) -> pd.DataFrame:
    """Per segment (rows) and for the bank (row ``"bank"``): the measures a banker reads,
    and ``held_<product>``, the share holding each of ``PRODUCTS``.

    Shares are 0-1; age of individuals only; the median deposit of existing customers;
    money in yuan.
    """
    f = features
    deposit = f["deposit"].astype(float)
    frame = pd.DataFrame(
        {
            "label": labels,
            "deposit": deposit,
            "age": f["age"].where(f["kind"] == 0).astype(float),
            "county_town": (f["location"] == 0).astype(float),
            "town_seat": (f["location"] == 1).astype(float),
            "village": (f["location"] == 2).astype(float),
            "business": (f["kind"] > 0).astype(float),
            "potential": (f["status"] == 2).astype(float),
            "loan_share": (f["loan"] > 0).astype(float),
            "wealth_share": (f["wealth"] > 0).astype(float),
            "other_bank": f["other_bank_deposit"].astype(float),
            "products": product_matrix(f).sum(axis=1),
            "mobile": f["has_mobile_banking"].astype(float),
            "idle_months": f["days_since_txn"].astype(float).clip(0, IDLE_CAP_DAYS) / 30.4,
            "tenure_years": f["tenure_days"].astype(float) / 365.25,
        }
    )

    def describe(g: pd.DataFrame) -> dict:
        held = g.loc[g["potential"] == 0, "deposit"]  # prospects hold nothing here yet
        return {
            "customers": len(g),
            "deposits": g["deposit"].sum(),
            "age": g["age"].mean(),
            "county_town": g["county_town"].mean(),
            "town_seat": g["town_seat"].mean(),
            "village": g["village"].mean(),
            "business": g["business"].mean(),
            "potential": g["potential"].mean(),
            "deposit_median": held.median() if len(held) else np.nan,
            "deposit_mean": g["deposit"].mean(),
            "loan_share": g["loan_share"].mean(),
            "wealth_share": g["wealth_share"].mean(),
            "other_bank_mean": g["other_bank"].mean(),
            "products": g["products"].mean(),
            "mobile": g["mobile"].mean(),
            "idle_months": g["idle_months"].mean(),
            "tenure_years": g["tenure_years"].mean(),
        }

    held = product_matrix(f).set_axis([f"held_{p}" for p in PRODUCTS], axis=1)
    frame = pd.concat([frame, held], axis=1)

    def describe_all(g: pd.DataFrame) -> dict:
        return {**describe(g), **g[list(held.columns)].mean().to_dict()}

    rows = {int(label): describe_all(g) for label, g in frame.groupby("label")}
    rows["bank"] = describe_all(frame)
    out = pd.DataFrame.from_dict(rows, orient="index")
    total_customers, total_deposits = len(frame), max(frame["deposit"].sum(), 1e-9)
    out.insert(0, "customers_share", out["customers"] / total_customers)
    out.insert(1, "deposit_share", out["deposits"] / total_deposits)
    return out


@dataclass(frozen=True)
class Trait:
    """One word of a segment's name and the measure behind it."""

    measure: str
    direction: str  # high / low
    zh: str
    en: str
    strength: float  # how far from the bank, in comparable units (for ordering)


def traits(segment: pd.Series, bank: pd.Series) -> list[Trait]:
    """What sets one segment apart from the bank (rows of ``profile``), each with a fixed,
    readable threshold: a location share of 60 % (villages 75 %) and 20 points above the
    bank; age 5 years from the bank's; median deposits 3 times or a third of the bank's;
    1 product more or less; 6 months more or less idle; 4 years of tenure; a loan or wealth
    share of 40 % and 20 points above; twice the bank's other-bank funds; mobile banking at
    most 15 % (20 points below) or at least 75 % (20 points above)."""
    found: list[Trait] = []  # strength: how many times its threshold the difference is

    def share(measure: str, zh: str, en: str, at_least: float = 0.6, above: float = 0.2):
        if segment[measure] >= at_least and segment[measure] - bank[measure] >= above:
            found.append(Trait(measure, "high", zh, en, (segment[measure] - bank[measure]) / above))

    share("county_town", "县城", "county town")
    share("town_seat", "集镇", "market town")
    share("village", "乡村", "village", at_least=0.75, above=0.1)
    if segment["age"] == segment["age"] and bank["age"] == bank["age"]:
        gap = segment["age"] - bank["age"]
        if abs(gap) >= 5:
            zh, en = (
                ("老年", "elderly")
                if segment["age"] >= 58
                else ("青年", "young")
                if segment["age"] <= 36
                else ("中年", "middle-aged")
            )
            found.append(Trait("age", "high" if gap > 0 else "low", zh, en, abs(gap) / 5))
    share("potential", "潜在客户", "prospects", at_least=0.6)
    share("business", "商户企业", "businesses", at_least=0.5)

    ratio = (1 + segment["deposit_median"]) / (1 + bank["deposit_median"])
    if ratio == ratio and (ratio >= 3 or ratio <= 1 / 3):  # NaN: prospects only
        zh, en = ("高存款", "high deposits") if ratio > 1 else ("低存款", "low deposits")
        found.append(
            Trait(
                "deposit_median",
                "high" if ratio > 1 else "low",
                zh,
                en,
                abs(np.log(ratio)) / np.log(3),
            )
        )
    for measure, step, high, low in (
        ("products", 1.0, ("多产品", "many products"), ("产品少", "few products")),
        ("idle_months", 6.0, ("交易沉寂", "inactive"), ("交易活跃", "active")),
        ("tenure_years", 4.0, ("老客户", "long-standing"), ("新客户", "recent")),
    ):
        gap = segment[measure] - bank[measure]
        if gap == gap and abs(gap) >= step:
            zh, en = high if gap > 0 else low
            found.append(Trait(measure, "high" if gap > 0 else "low", zh, en, abs(gap) / step))
    for measure, zh, en in (
        ("loan_share", "有贷款", "borrowers"),
        ("wealth_share", "持理财", "wealth products"),
    ):
        if segment[measure] >= 0.4 and segment[measure] - bank[measure] >= 0.2:
            found.append(Trait(measure, "high", zh, en, (segment[measure] - bank[measure]) / 0.2))
    if segment["other_bank_mean"] >= 2 * bank["other_bank_mean"] > 0:
        found.append(
            Trait(
                "other_bank_mean",
                "high",
                "他行资金多",
                "funds at other banks",
                segment["other_bank_mean"] / bank["other_bank_mean"] / 2,
            )
        )
    if segment["mobile"] <= 0.15 and bank["mobile"] - segment["mobile"] >= 0.2:
        found.append(
            Trait(
                "mobile",
                "low",
                "无手机银行",
                "no mobile banking",
                (bank["mobile"] - segment["mobile"]) / 0.2,
            )
        )
    elif segment["mobile"] >= 0.75 and segment["mobile"] - bank["mobile"] >= 0.2:
        found.append(
            Trait(
                "mobile",
                "high",
                "手机银行",
                "mobile banking",
                (segment["mobile"] - bank["mobile"]) / 0.2,
            )
        )
    return found


def name_of(found: list[Trait], words: int = 4) -> tuple[str, str]:
    """A name from traits: location and age first, then the strongest others, ``words`` in
    all (e.g. "县城·中年·高存款·无手机银行")."""
    lead = [t for t in found if t.measure in ("county_town", "town_seat", "village", "age")]
    kind = [t for t in found if t.measure in ("potential", "business")]
    # prospects have no products, tenure or transactions: saying so adds nothing
    implied = (
        {"products", "idle_months", "tenure_years", "deposit_median", "mobile"}
        if any(t.measure == "potential" for t in kind)
        else set()
    )
    rest = sorted(
        (t for t in found if t not in lead and t not in kind and t.measure not in implied),
        key=lambda t: -t.strength,
    )
    chosen = (lead[:2] + kind + rest)[:words]
    if not chosen:
        return "普通客户", "typical customers"
    return "·".join(t.zh for t in chosen), " · ".join(t.en for t in chosen)


def name_segments(prof: pd.DataFrame) -> dict[int, tuple[str, str]]:
    """A distinct (Chinese, English) name for every segment row of ``profile``."""
    bank = prof.loc["bank"]
    segments = prof.drop(index="bank")
    names: dict[int, tuple[str, str]] = {}
    found = {label: traits(row, bank) for label, row in segments.iterrows()}
    for label in sorted(found, key=lambda s: -segments.loc[s, "customers"]):
        for words in (4, 5, 6):
            zh, en = name_of(found[label], words)
            if zh not in {n[0] for n in names.values()}:
                break
        else:
            n = sum(1 for z, _ in names.values() if z.startswith(zh)) + 1
            zh, en = f"{zh}({n})", f"{en} ({n})"
        names[int(label)] = (zh, en)
    return names
