"""The masking policy: who sees which personal field of a customer in full, and the maskers.

One policy, applied in core before anything leaves it (tables, cards, downloads, search):

| field | shown in full to | everyone else sees |
| --- | --- | --- |
| ID number | nobody | ``110105********002X`` |
| phone, address | the customer's own manager | ``138****5678``, ``贵州省黔南州****`` |
| name | branch leaders (their branch) and managers (their own customers) | ``张**`` |

Head office sees every customer name masked. Tables of many customers made for choosing
(the explorer's customer list, a grid card's top customers) show names and phones masked
to everyone (``bulk=True``); the customer view is where one customer is known. Staff
(managers) are not customers: their names are shown. Liaison persons' phones are always
masked. Name search follows the policy too: whoever sees names masked must type a full
name (or a customer number), so a masked name cannot be rebuilt character by character
(:func:`name_search_exact`).
"""

from __future__ import annotations

import pandas as pd

FIELDS = ("name", "phone", "address", "id_number")


def shows(scope, field: str, owner_manager_id=None, bulk: bool = False) -> bool:
    """True when ``scope`` sees ``field`` of a customer of ``owner_manager_id`` in full.

    Examples
    --------
    >>> from core.scope import Scope
    >>> mine, leader = Scope("manager", 1, 7), Scope("branch", 1)
    >>> shows(mine, "phone", 7), shows(mine, "phone", 8), shows(leader, "phone", 7)
    (True, False, False)
    >>> shows(Scope("hq"), "name"), shows(leader, "name"), shows(leader, "name", bulk=True)
    (False, True, False)
    >>> shows(mine, "id_number", 7)
    False
    """
    if field not in FIELDS:
        raise ValueError(f"unknown personal field: {field!r}")
    if field == "id_number":
        return False
    if field in ("phone", "address"):
        return (
            not bulk
            and scope.role == "manager"
            and not pd.isna(owner_manager_id)
            and int(owner_manager_id) == scope.manager_id
        )
    return not bulk and scope.role in ("branch", "manager")


def name_search_exact(scope) -> bool:
    """True when ``scope`` may find customers by their full name only (it sees names masked)."""
    return not shows(scope, "name")


def apply_policy(
    scope,
    df: pd.DataFrame,
    owner_col: str | None = "manager_id",
    bulk: bool = False,
    columns: dict[str, str] | None = None,
) -> pd.DataFrame:
    """``df`` with every personal column masked where ``scope`` may not see it in full.

    ``columns`` maps a column of ``df`` to its field (default: the columns named as the
    fields); ``owner_col`` holds each row's manager id (the customer's own manager).
    """
    columns = columns or {f: f for f in FIELDS if f in df.columns}
    out = df.copy()
    owners = (
        out[owner_col].tolist() if owner_col and owner_col in out.columns else [None] * len(out)
    )
    for col, field in columns.items():
        if col not in out.columns:
            continue
        masker = _MASKERS[field]
        out[col] = [
            v if shows(scope, field, o, bulk) else masker(v)
            for v, o in zip(out[col].tolist(), owners, strict=False)
        ]
    return out


def _clean(s: object) -> str:
    """Return ``s`` as str, or "" for None / NaN / NA / empty."""
    if s is None:
        return ""
    if not isinstance(s, str):
        try:
            if pd.isna(s):
                return ""
        except (TypeError, ValueError):
            pass
        s = str(s)
    return s.strip()


def mask_name(s: str | None) -> str:
    """Mask a name, keeping the first character: ``"张三丰" -> "张**"``.

    Parameters
    ----------
    s : str or None
        Full name.

    Returns
    -------
    str
        Masked name, ``""`` for missing input.
    """
    s = _clean(s)
    return s[:1] + "*" * (len(s) - 1) if s else ""


def mask_phone(s: str | None) -> str:
    """Mask a phone number: ``"13812345678" -> "138****5678"``.

    Parameters
    ----------
    s : str or None
        Phone number.

    Returns
    -------
    str
        First 3 + ``"****"`` + last 4 digits, ``""`` for missing input.
    """
    s = _clean(s)
    if not s:
        return ""
    return s[:3] + "****" + s[-4:] if len(s) > 7 else s[:1] + "*" * (len(s) - 1)


def mask_id_number(s: str | None) -> str:
    """Mask a citizen ID number: first 6 + ``"********"`` + last 4.

    Parameters
    ----------
    s : str or None
        ID number.

    Returns
    -------
    str
        Masked ID, ``""`` for missing input.
    """
    s = _clean(s)
    if not s:
        return ""
    return s[:6] + "********" + s[-4:] if len(s) > 10 else s[:1] + "*" * (len(s) - 1)


def mask_address(s: str | None) -> str:
    """Mask an address, keeping the first 6 characters then ``"****"``.

    Parameters
    ----------
    s : str or None
        Address.

    Returns
    -------
    str
        Masked address, ``""`` for missing input.
    """
    s = _clean(s)
    return s[:6] + "****" if s else ""


_MASKERS = {
    "name": mask_name,
    "phone": mask_phone,
    "id_number": mask_id_number,
    "address": mask_address,
}


def mask_series(series: pd.Series, kind: str) -> pd.Series:
    """Apply the masking helper for ``kind`` to every element of a Series.

    Parameters
    ----------
    series : pd.Series
        Values to mask.
    kind : {"name", "phone", "id_number", "address"}
        Which masking rule to use.

    Returns
    -------
    pd.Series
        Masked strings with the same index and name (missing -> ``""``).
    """
    try:
        fn = _MASKERS[kind]
    except KeyError:
        raise ValueError(f"unknown mask kind: {kind!r}") from None
    return series.map(fn).astype(object)
