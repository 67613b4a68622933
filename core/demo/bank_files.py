"""The demo county written as a bank's export folder: ``python -m core demo-files DIR``.

What a county bank would hand over, for the loader's tests and benchmarks: some files with the
templates' headers (``bank.csv``, ``villages.csv``, ``branches.xlsx``, ``holdings.csv``,
``other_bank.csv``, ``balances.csv``, ``visits.csv``), others straight from a core system with
its own headers in GB18030, ``|``-delimited (``staff.txt``, ``customers.txt``: the spec's
aliases read them), and the territory as GeoJSON. Customers name their village (所属村居, its
short name) and township, not the village's code; branches' coordinates are GCJ-02, as a map
app gives them, and say so in a 坐标系 column. Large files are written in chunks.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from core.bank_data import spec
from core.bank_data.templates import template_columns, write_table_xlsx
from core.demo import identities as identity
from core.demo.seed import build_county
from geo.crs import wgs84_to_gcj02

SEED = 20261123
CHUNK = 200_000  # rows converted to text at a time
GB = "gb18030"
CUSTOMER_HEADERS = (
    "客户号",
    "客户类型",
    "客户姓名",
    "身份证号",
    "联系电话",
    "联系住址",
    "所属村居",
    "所属乡镇",
    "经度",
    "纬度",
    "开户日期",
    "性别",
    "职业",
    "行业",
    "户号",
    "外出务工",
    "授信额度(元)",
    "手机银行签约日期",
    "收单签约日期",
    "ETC签约日期",
    "最近交易日期",
    "管户经理工号",
    "客户状态",
)
STAFF_HEADERS = ("柜员号", "员工姓名", "所属机构", "岗位", "手机号", "在职")
VILLAGE_KINDS = {"行政村": "村委会", "社区/居委会": "居委会"}
HQ_STAFF = 3


def said(choices) -> dict[str, str]:
    """What a file says for each stored value of a spec choice (its first spelling).

    Examples
    --------
    >>> said(spec.CUSTOMER_STATUSES)["active"], said(spec.OUTCOMES)["none"]
    ('正常', '无')
    """
    out: dict[str, str] = {}
    for text, stored in choices.items():
        out.setdefault(stored, text)
    return out


def yes_no(values) -> np.ndarray:
    """是 / 否 for truthy / falsy values."""
    return np.where(np.asarray(values, dtype=bool), "是", "否").astype(object)


def day(values, sep: str = "-") -> np.ndarray:
    """Dates as text (``2026-03-01``, or ``20260301`` with ``sep=""``); "" where missing.

    Examples
    --------
    >>> day(pd.Series(pd.to_datetime(["2026-03-01", None])), sep="").tolist()
    ['20260301', '']
    """
    text = np.datetime_as_string(pd.to_datetime(values).to_numpy().astype("datetime64[D]"))
    text = np.where(text == "NaT", "", text)
    return (np.strings.replace(text, "-", sep) if sep != "-" else text).astype(object)


def coordinate(values) -> np.ndarray:
    """Coordinates as text (the shortest decimal form; "" where missing)."""
    values = np.asarray(values, dtype=float)
    return np.where(np.isnan(values), "", values.astype(str)).astype(object)


def money(values) -> list[str]:
    """Amounts as text with two decimals; "" where missing.

    Examples
    --------
    >>> money([1234.5, float("nan"), 0])
    ['1234.50', '', '0.00']
    """
    return [f"{v:.2f}" if v == v else "" for v in np.asarray(values, dtype=float).tolist()]


def write_csv(path: Path, chunks, encoding: str = "utf-8", sep: str = ",") -> int:
    """Write DataFrame chunks as one delimited text file (header from the first chunk; float
    columns are amounts, written with two decimals); return the rows written."""
    rows = 0
    with open(path, "w", encoding=encoding, newline="") as fh:
        for chunk in chunks:
            floats = chunk.select_dtypes("float").columns
            if len(floats):  # formatted here: pandas' float_format is several times slower
                chunk = chunk.assign(**{c: money(chunk[c]) for c in floats})
            chunk.to_csv(fh, sep=sep, index=False, header=rows == 0)
            rows += len(chunk)
    return rows


def by_header(stem: str, values: dict) -> pd.DataFrame:
    """A frame with a kind's template headers, in template order, from ``{key: values}``."""
    columns = template_columns(spec.BY_STEM[stem])
    return pd.DataFrame({c.header: values[c.key] for c in columns if c.key in values})


def _chunks(frame: pd.DataFrame, convert, size: int = CHUNK):
    for start in range(0, len(frame), size):
        yield convert(frame.iloc[start : start + size])


def _geojson(path: Path, features: list[tuple[dict, str]]) -> int:
    collection = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": props, "geometry": json.loads(geometry)}
            for props, geometry in features
        ],
    }
    path.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    return len(features)


def write_demo_files(
    directory: Path, customers: int, seed: int = SEED, as_of: date | None = None
) -> dict[str, int]:
    """Write the demo county (:func:`core.demo.seed.build_county` with ``customers``
    individuals, plus its merchants and corporates) into ``directory`` as a bank's files;
    return the rows written per file name."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    as_of = as_of or date.today()
    t = build_county(customers, seed, as_of)
    for name in ("target", "target_change", "actual", "grid", "grid_staff", "area_unit"):
        del t[name]
    bank = t["bank"].iloc[0]
    out: dict[str, int] = {}
    out["bank.csv"] = write_csv(
        directory / "bank.csv",
        [by_header("bank", {"code": [bank["code"]], "name": [bank["name"]]})],
    )
    out["territory.geojson"] = _geojson(
        directory / "territory.geojson", [({"name": "平塘县"}, bank["geometry"])]
    )
    out["township_areas.geojson"] = _geojson(
        directory / "township_areas.geojson",
        [
            ({"乡镇街道代码": r.code, "乡镇街道名称": r.name}, r.geometry)
            for r in t["township"].itertuples()
        ],
    )
    v = t["village"]
    out["villages.csv"] = write_csv(
        directory / "villages.csv",
        [
            by_header(
                "villages",
                {
                    "code": v["code"],
                    "name": v["name"],
                    "town_code": v["town_code"],
                    "town_name": v["town_name"],
                    "lon": coordinate(v["lon"]),
                    "lat": coordinate(v["lat"]),
                    "kind": v["kind"].map(VILLAGE_KINDS),
                    "short_name": v["short_name"],
                    "households": v["households"],
                    "residents": v["residents"],
                },
            )
        ],
        encoding="utf-8-sig",
    )
    out["branches.xlsx"] = _branches(directory / "branches.xlsx", t["branch"])
    out["staff.txt"] = write_csv(directory / "staff.txt", [staff_frame(t, seed)], GB, "|")
    village, manager_code = t["village"].set_index("id"), t["manager"].set_index("id")["code"]
    out["customers.txt"] = write_csv(
        directory / "customers.txt",
        _chunks(t["customer"], lambda c: customer_rows(c, village, manager_code)),
        encoding=GB,
        sep="|",
    )
    cust_no = t["customer"]["cust_no"].to_numpy()  # ids are 1..n
    out.update(_accounts(directory, t, cust_no))
    return out


def _branches(path: Path, b: pd.DataFrame) -> int:
    lon, lat = wgs84_to_gcj02(b["lon"].to_numpy(), b["lat"].to_numpy())
    kind = spec.BY_STEM["branches"]
    keys = ("code", "name", "lon", "lat", "town_code", "is_county_town", "crs")
    rows = zip(
        b["code"],
        b["name"],
        np.round(lon, 6),
        np.round(lat, 6),
        b["town_code"],
        yes_no(b["is_county_town"]),
        ["GCJ02"] * len(b),
        strict=False,
    )
    write_table_xlsx(path, [kind.column(k) for k in keys], rows)
    return len(b)


def staff_frame(t: dict[str, pd.DataFrame], seed: int) -> pd.DataFrame:
    """The bank's staff as its HR export would list them (foreign headers): the demo's
    managers, one leader (支行行长) per branch and three head-office staff, invented."""
    branches, managers, bank_code = t["branch"], t["manager"], t["bank"]["code"].iloc[0]
    rng = np.random.default_rng([seed, 7])
    n = len(branches) + HQ_STAFF
    names = identity.make_names(
        rng, rng.integers(0, len(identity.SURNAMES), n), rng.random(n) < 0.4
    )
    phones = identity.make_phones(rng, n)
    branch_code = branches.set_index("id")["code"]
    leaders = pd.DataFrame(
        {
            "柜员号": "Z" + branches["code"],
            "员工姓名": names[: len(branches)],
            "所属机构": branches["code"].to_numpy(),
            "岗位": "支行行长",
            "手机号": phones[: len(branches)],
        }
    )
    hq = pd.DataFrame(
        {
            "柜员号": [f"H{i:03d}" for i in range(1, HQ_STAFF + 1)],
            "员工姓名": names[len(branches) :],
            # head office gives the bank's code or leaves the branch empty: both are read
            "所属机构": [bank_code] * (HQ_STAFF - 1) + [""],
            "岗位": "总行",
            "手机号": phones[len(branches) :],
        }
    )
    staff = pd.DataFrame(
        {
            "柜员号": managers["code"],
            "员工姓名": managers["name"],
            "所属机构": managers["branch_id"].map(branch_code).to_numpy(),
            "岗位": "客户经理",
            "手机号": managers["phone"],
        }
    )
    frame = pd.concat([hq, leaders, staff], ignore_index=True)
    frame["在职"] = "是"
    return frame[list(STAFF_HEADERS)]


def customer_rows(c: pd.DataFrame, village: pd.DataFrame, manager_code: pd.Series) -> pd.DataFrame:
    """A core system's customer export (foreign headers) for rows of the demo's customers
    (``village``: the demo's villages by id; ``manager_code``: managers' codes by id)."""
    values = [
        c["cust_no"],
        c["kind"].map(said(spec.CUSTOMER_KINDS)),
        c["name"],
        c["id_number"],
        c["phone"],
        c["address"],
        c["village_id"].map(village["short_name"]),
        c["village_id"].map(village["town_name"]),
        coordinate(c["lon"]),
        coordinate(c["lat"]),
        day(c["opened_on"], ""),
        c["gender"].map({"M": "男", "F": "女"}),
        c["occupation"].map(said(spec.OCCUPATIONS)),
        c["industry"],
        c["household_no"],
        yes_no(c["is_migrant"]),
        c["credit_line"].astype(float),
        day(c["mobile_banking_on"], ""),
        day(c["acquiring_on"], ""),
        day(c["etc_on"], ""),
        day(c["last_txn_on"], ""),
        c["manager_id"].map(manager_code),
        c["status"].map(said(spec.CUSTOMER_STATUSES)),
    ]
    return pd.DataFrame({h: np.asarray(v) for h, v in zip(CUSTOMER_HEADERS, values, strict=False)})


def _accounts(directory: Path, t: dict[str, pd.DataFrame], cust_no: np.ndarray) -> dict:
    """holdings.csv, other_bank.csv, balances.csv and visits.csv (template headers)."""
    products, manager_code = said(spec.PRODUCTS), t["manager"].set_index("id")["code"]
    channels, outcomes = said(spec.CHANNELS), said(spec.OUTCOMES)

    def holdings(h):
        return by_header(
            "holdings",
            {
                "cust_no": cust_no[h["customer_id"].to_numpy() - 1],
                "product": h["product"].map(products).to_numpy(),
                "balance": h["balance"].to_numpy(dtype=float),
                "matures_on": day(h["matures_on"]),
                "opened_on": day(h["opened_on"]),
                "npl": yes_no(h["npl"]),
            },
        )

    def other_bank(f):
        deposit = f["kind"].to_numpy() == "deposit"
        amount = f["amount"].to_numpy(dtype=float)
        return by_header(
            "other_bank",
            {
                "cust_no": cust_no[f["customer_id"].to_numpy() - 1],
                "deposit": np.where(deposit, amount, np.nan),
                "loan": np.where(deposit, np.nan, amount),
                "noted_on": day(f["noted_on"]),
                "bank_name": f["bank_name"].to_numpy(),
            },
        )

    def balances(b):
        return by_header(
            "balances",
            {
                "cust_no": cust_no[b["customer_id"].to_numpy() - 1],
                "month": b["month"].map({m: str(m)[:7] for m in b["month"].unique()}).to_numpy(),
                "deposit": b["deposit_balance"].to_numpy(dtype=float),
                "loan": b["loan_balance"].to_numpy(dtype=float),
                "wealth": b["wealth_balance"].to_numpy(dtype=float),
            },
        )

    def visits(v):
        amount = v["amount"].to_numpy(dtype=float)
        return by_header(
            "visits",
            {
                "cust_no": cust_no[v["customer_id"].to_numpy() - 1],
                "staff_code": v["manager_id"].map(manager_code).to_numpy(),
                "visited_at": v["visited_at"].dt.strftime("%Y-%m-%d %H:%M").to_numpy(),
                "channel": v["channel"].map(channels).to_numpy(),
                "outcome": v["outcome"].map(outcomes).to_numpy(),
                "lon": coordinate(v["lon"]),
                "lat": coordinate(v["lat"]),
                "amount": np.where(amount > 0, amount, np.nan),
                "notes": v["notes"].to_numpy(),
            },
        )

    out = {}
    for name, table, convert in (
        ("holdings.csv", "holding", holdings),
        ("other_bank.csv", "other_bank_fund", other_bank),
        ("balances.csv", "balance_month", balances),
        ("visits.csv", "visit", visits),
    ):
        out[name] = write_csv(directory / name, _chunks(t[table], convert))
    return out
