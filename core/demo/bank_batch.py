"""A core system's nightly batch for the demo bank: a dated folder of an inbox with the full
``customers`` file (a share of customers changed, a few new), the ``holdings`` of the changed
and new customers, and the done-marker ``YYYYMMDD.flg`` written last, as core systems do.
For the nightly benchmark (``python -m core nightly INBOX``) and its tests.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from core.demo import identities as identity
from core.demo.bank_files import CHUNK, GB, SEED, write_csv

CUSTOMERS, HOLDINGS = "customers.txt", "holdings.csv"
DEPOSITS = ("活期存款", "定期存款", "理财")  # the products whose balances move overnight


def count_rows(path: Path) -> int:
    """Data rows of a delimited text file (lines after the header; no quoted line breaks)."""
    lines, last = 0, b"\n"
    with open(path, "rb") as fh:
        while block := fh.read(1 << 24):
            lines += block.count(b"\n")
            last = block[-1:]
    return lines + (last != b"\n") - 1


def _read(path: Path, encoding: str, sep: str):
    return pd.read_csv(
        path, sep=sep, encoding=encoding, dtype=str, keep_default_na=False, chunksize=CHUNK
    )


def _moved(address: pd.Series) -> pd.Series:
    """A new address in the same place: another house number."""
    number = address.str.extract(r"(\d+)号$")[0]
    moved = address.str.slice(stop=-1).str.replace(r"\d+$", "", regex=True)
    moved = moved + (pd.to_numeric(number, errors="coerce") + 100).astype("Int64").astype(str)
    return moved.where(number.notna(), address + "附1号").str.replace(
        r"(\d+)$", r"\1号", regex=True
    )


def write_nightly_batch(
    inbox: Path,
    base: Path,
    batch_date: date,
    changed_share: float = 0.01,
    new_share: float = 0.001,
    seed: int = SEED,
    holdings: Path | None = None,
) -> Path:
    """Write ``inbox/YYYYMMDD/`` from the bank files in ``base``: the full ``customers.txt``
    (GB18030, ``|``, the demo's headers: :func:`core.demo.bank_files.write_demo_files`) with
    ``changed_share`` of its customers changed (a new mobile number or a new address, half
    each; their deposit balances move in ``holdings.csv``) and ``new_share`` new customers
    (placed like a random existing one, with one current deposit), ``holdings.csv`` (template
    headers; every product of the changed and new customers, from ``holdings``, default
    ``base/holdings.csv``) and, last, the done-marker ``YYYYMMDD.flg`` (each file and its rows).

    An earlier batch can be the next one's ``base`` (its customers file is full); pass the
    first folder's ``holdings.csv`` as ``holdings`` then. Deterministic for a seed and date.
    Returns the batch folder.
    """
    stamp = f"{batch_date:%Y%m%d}"
    folder = Path(inbox) / stamp
    folder.mkdir(parents=True, exist_ok=True)
    marker = folder / f"{stamp}.flg"
    marker.unlink(missing_ok=True)  # a folder being rewritten is never seen as complete
    rng = np.random.default_rng([seed, batch_date.toordinal()])
    n = count_rows(Path(base) / CUSTOMERS)
    changed = np.sort(rng.choice(n, round(n * changed_share), replace=False))
    phone_only = rng.permutation(len(changed)) < len(changed) // 2
    n_new = round(n * new_share)
    like = np.sort(rng.integers(0, n, n_new))  # the existing customers new ones live near
    state = {"changed": [], "like": [], "ids": [], "last": ""}

    def customers():
        start = 0
        for chunk in _read(Path(base) / CUSTOMERS, GB, "|"):
            stop = start + len(chunk)
            at = slice(*np.searchsorted(changed, [start, stop]))
            rows, phone = changed[at] - start, phone_only[at]
            if len(rows):
                col = chunk.columns
                chunk.iloc[rows[phone], col.get_loc("联系电话")] = identity.make_phones(
                    rng, int(phone.sum())
                )
                where = rows[~phone]
                chunk.iloc[where, col.get_loc("联系住址")] = _moved(
                    chunk["联系住址"].iloc[where]
                ).to_numpy()
                state["changed"].append(chunk["客户号"].iloc[rows])
            state["like"].append(
                chunk.iloc[like[np.searchsorted(like, start) : np.searchsorted(like, stop)] - start]
            )
            state["ids"].append(chunk["身份证号"].to_numpy())
            state["last"] = max(state["last"], chunk["客户号"].max())
            start = stop
            yield chunk
        yield _new_customers(pd.concat(state["like"]), state, batch_date, rng)

    rows_written = {CUSTOMERS: write_csv(folder / CUSTOMERS, customers(), GB, "|")}
    wanted = set(pd.concat(state["changed"]).tolist()) if state["changed"] else set()
    rows_written[HOLDINGS] = write_csv(
        folder / HOLDINGS,
        _holdings(holdings or Path(base) / HOLDINGS, wanted, state["new"], batch_date, rng),
    )
    marker.write_text(
        "".join(f"{name}|{rows}\n" for name, rows in rows_written.items()), encoding="utf-8"
    )
    return folder


def _new_customers(like: pd.DataFrame, state: dict, batch_date: date, rng) -> pd.DataFrame:
    """New individual customers, each in the village (and with the manager) of ``like``'s row."""
    new = like.reset_index(drop=True).copy()
    k = len(new)
    prefix = state["last"].rstrip("0123456789")
    width = len(state["last"]) - len(prefix)
    first = int(state["last"][len(prefix) :] or 0) + 1
    numbers = [f"{prefix}{i:0{width}d}" for i in range(first, first + k)]
    female = rng.random(k) < 0.5
    births = np.datetime64(batch_date, "D") - rng.integers(20 * 365, 60 * 365, k)
    area = next((s[:6] for s in new["身份证号"] if s[:6].isdigit()), "522727")  # the county's
    ids = identity.make_id_numbers(rng, area, births, female)
    known = np.concatenate(state["ids"] + [ids]).astype(object)
    ids = identity.unique_id_numbers(known)[len(known) - k :]
    day = f"{batch_date:%Y%m%d}"
    values = {
        "客户号": numbers,
        "客户类型": "个人",
        "客户姓名": identity.make_names(rng, rng.integers(0, len(identity.SURNAMES), k), female),
        "身份证号": ids,
        "联系电话": identity.make_phones(rng, k),
        "联系住址": _moved(new["联系住址"]) if k else [],
        "开户日期": day,
        "性别": np.where(female, "女", "男"),
        "职业": "务农",
        "行业": "",
        "户号": "",
        "外出务工": "否",
        "授信额度(元)": "0.00",
        "手机银行签约日期": "",
        "收单签约日期": "",
        "ETC签约日期": "",
        "最近交易日期": day,
        "客户状态": "正常",
    }
    for header, value in values.items():
        if header in new.columns:
            new[header] = value
    state["new"] = numbers
    return new


def _holdings(path: Path, wanted: set, new: list[str], batch_date: date, rng):
    """Every product of the changed customers (deposit balances moved) and a current deposit
    for each new customer."""
    columns = None
    for chunk in _read(path, "utf-8", ","):
        columns = chunk.columns
        chunk = chunk[chunk["客户号"].isin(wanted)].copy()
        moves = chunk["产品类别"].isin(DEPOSITS).to_numpy()
        balance = pd.to_numeric(chunk["余额(元)"]).to_numpy()
        factor = np.where(moves, rng.uniform(0.8, 1.3, len(chunk)), 1.0)
        chunk["余额(元)"] = np.round(balance * factor, 2)
        yield chunk
    opened = np.full(len(new), f"{batch_date:%Y-%m-%d}", dtype=object)
    fresh = pd.DataFrame(
        {
            "客户号": new,
            "产品类别": "活期存款",
            "余额(元)": np.round(rng.lognormal(np.log(3000), 1.0, len(new)), 2),
            "到期日": "",
            "起息日": opened,
            "不良": "否",
        }
    )
    yield fresh if columns is None else fresh.reindex(columns=columns, fill_value="")
