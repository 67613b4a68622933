"""Where a row is: its coordinates (in China, not swapped, inside the bank's service area, in
WGS-84) and its village when the file names it instead of giving its code.

Both return findings ``(i18n key, bool mask per row, params, column key)``; the caller makes
them problems (errors) or notes.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import shapely

from geo.crs import to_wgs84

CHINA = (73.0, 136.0, 3.0, 54.0)  # lon min, lon max, lat min, lat max
FUZZY = 0.85  # a village name this similar to exactly one village is taken as that village
SHOWN = 3  # candidates listed when a name matches no village for sure
NEAR = 0.4  # ... that are at least this alike
CRS_LABEL = {"WGS84": "WGS-84", "GCJ02": "GCJ-02", "CGCS2000": "CGCS2000"}
_COMMITTEE = re.compile(r"(村民委员会|居民委员会|村委会|居委会)$")
_VILLAGE_SUFFIX = re.compile(r"(社区|村)$")
_TOWN_SUFFIX = re.compile(r"(街道办事处|街道|民族乡|镇|乡)$")


@dataclass
class Found:
    """What a place check found: WGS-84 coordinates or village codes, errors and notes."""

    values: dict
    errors: list = field(default_factory=list)  # [(key, mask, params, column key)]
    notes: list = field(default_factory=list)


def _inside(area, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    return shapely.intersects_xy(area, lon, lat) if lon.size else np.zeros(0, dtype=bool)


def check_points(
    lon: np.ndarray,
    lat: np.ndarray,
    crs: str | np.ndarray,
    area: shapely.Geometry | None,
    strict: bool,
    shown: dict,
) -> Found:
    """Check lon/lat pairs and convert them to WGS-84.

    Parameters
    ----------
    lon, lat : numpy.ndarray
        Degrees as read (NaN where empty or unreadable).
    crs : str or numpy.ndarray
        The coordinate system (WGS84 / GCJ02 / CGCS2000) of every row, or of each row.
    area : shapely.Geometry or None
        The service area (WGS-84); None or empty: no area check.
    strict : bool
        A point outside the area is an error (branches, villages); else a note and the point
        is dropped (customers, visits: the loader places them at their village).
    shown : dict
        Params every finding carries (the raw lon / lat per row).

    Returns
    -------
    Found
        ``values``: {"lon": ..., "lat": ...} in WGS-84, NaN where no good point.

    Examples
    --------
    >>> f = check_points(np.array([107.3, 25.8, 107.3, np.nan]), np.array([25.8, 107.3, 95.0, 25.8]),
    ...                  "WGS84", None, True, {})
    >>> [(k, m.nonzero()[0].tolist(), col) for k, m, _, col in f.errors]
    [('load.check.coordinate_half', [3], 'lon'), ('load.check.swapped', [1], 'lon'), ('load.check.outside_china', [2], 'lon')]
    >>> f.values["lon"].tolist()[0]
    107.3
    """
    has_lon, has_lat = ~np.isnan(lon), ~np.isnan(lat)
    pair = has_lon & has_lat

    def within(x, y):
        return (x >= CHINA[0]) & (x <= CHINA[1]) & (y >= CHINA[2]) & (y <= CHINA[3])

    china = pair & within(lon, lat)
    swapped = pair & ~china & within(lat, lon)
    errors = [
        ("load.check.coordinate_half", has_lon & ~has_lat, shown, "lat"),
        ("load.check.coordinate_half", has_lat & ~has_lon, shown, "lon"),
        ("load.check.swapped", swapped, shown, "lon"),
        ("load.check.outside_china", pair & ~china & ~swapped, shown, "lon"),
    ]
    out_lon, out_lat = np.full(lon.size, np.nan), np.full(lat.size, np.nan)

    def each(where):  # (the coordinate system, its rows among where)
        if isinstance(crs, str):
            return [(crs, where)] if where.any() else []
        return [(name, where & (crs == name)) for name in pd.unique(crs[where])]

    for name, rows in each(china):
        out_lon[rows], out_lat[rows] = to_wgs84(lon[rows], lat[rows], name)
    notes = []
    if area is not None and not shapely.is_empty(area):
        shapely.prepare(area)
        outside = np.zeros(lon.size, dtype=bool)
        outside[china] = ~_inside(area, out_lon[china], out_lat[china])
        other = np.zeros(lon.size, dtype=bool)  # inside when read in the other system
        looks = np.full(lon.size, "", dtype=object)
        for name, rows in each(outside):
            alt = "WGS84" if name == "GCJ02" else "GCJ02"
            alt_lon, alt_lat = to_wgs84(lon[rows], lat[rows], alt)
            other[rows] = _inside(area, np.atleast_1d(alt_lon), np.atleast_1d(alt_lat))
            looks[rows] = CRS_LABEL[alt]
        declared = np.full(lon.size, "", dtype=object)
        for name, rows in each(other):
            declared[rows] = CRS_LABEL[name]
        hint = {**shown, "looks": looks, "declared": declared}
        if strict:
            errors += [
                ("load.check.outside_area", outside & ~other, shown, "lon"),
                ("load.check.outside_area_crs", outside & other, hint, "lon"),
            ]
        else:
            notes += [
                ("load.check.point_outside", outside & ~other, shown, "lon"),
                ("load.check.point_outside_crs", outside & other, hint, "lon"),
            ]
        out_lon[outside], out_lat[outside] = np.nan, np.nan
    errors = [e for e in errors if e[1].any()]
    return Found({"lon": out_lon, "lat": out_lat}, errors, [n for n in notes if n[1].any()])


# ---- villages by name ----------------------------------------------------------------------


def short_name(name: str, town: bool = False) -> str:
    """A village's (or town's) name without 村 / 社区 / 居委会 (镇 / 乡 / 街道).

    Examples
    --------
    >>> short_name("新寨村"), short_name("新寨村民委员会"), short_name("通州镇", town=True)
    ('新寨', '新寨', '通州')
    >>> short_name("双桥村村民委员会"), short_name("茂村村"), short_name("玉池社区居民委员会")
    ('双桥', '茂村', '玉池')
    """
    if town:
        return _TOWN_SUFFIX.sub("", name) or name
    # the committee's suffix, then one 村 / 社区: 茂村村村民委员会 -> 茂村村 -> 茂村
    stripped = _COMMITTEE.sub("", name) or name
    return _VILLAGE_SUFFIX.sub("", stripped) or stripped


def similarity(a: str, b: str) -> float:
    """How alike two names are (0-1): the better of difflib's ratio on the names and on their
    short forms.

    Examples
    --------
    >>> round(similarity("大塘村", "大塘村委会"), 2), round(similarity("新寨", "老寨"), 2)
    (1.0, 0.5)
    """
    return float(_scores(a, [b], [short_name(b)])[0])


def _scores(name: str, names: list[str], shorts: list[str]) -> np.ndarray:
    """:func:`similarity` of ``name`` to each of ``names`` (``shorts``: their short forms);
    difflib's cheap upper bounds skip the ratios that cannot win."""
    full = difflib.SequenceMatcher(None, b=name, autojunk=False)
    short = difflib.SequenceMatcher(None, b=short_name(name), autojunk=False)
    out = np.zeros(len(names))
    for i, pair in enumerate(zip(names, shorts, strict=True)):
        for matcher, other in zip((full, short), pair, strict=True):
            matcher.set_seq1(other)
            if matcher.real_quick_ratio() > out[i] and matcher.quick_ratio() > out[i]:
                out[i] = max(out[i], matcher.ratio())
    return out


def _label(village: pd.Series) -> str:
    return f"{village['name']}({village['code']})"


def _one(name: str, town: str | None, villages: pd.DataFrame) -> tuple[str | None, str, dict]:
    """The code for one (name, town), the finding's key ("" when exact) and its params."""
    pool = villages
    if town:
        same = (villages["town_name"] == town) | (villages["town_short"] == short_name(town, True))
        if same.any():
            pool = villages[same]
    exact = pool[(pool["name"] == name) | (pool["short"] == short_name(name))]
    if len(exact) == 1:
        return exact["code"].iloc[0], "", {}
    if len(exact) > 1:
        listed = "、".join(_label(v) for _, v in exact.head(SHOWN).iterrows())
        return None, "load.check.village_ambiguous", {"candidates": listed}
    scores = _scores(name, pool["name"].tolist(), pool["short"].tolist())
    order = np.argsort(-scores, kind="stable")
    unique = len(order) == 1 or (len(order) > 1 and scores[order[1]] < scores[order[0]])
    if len(order) and scores[order[0]] >= FUZZY and unique:
        best = pool.iloc[order[0]]
        params = {"name": best["name"], "code": best["code"], "score": f"{scores[order[0]]:.2f}"}
        return best["code"], "load.check.village_fuzzy", params
    near = [_label(pool.iloc[i]) for i in order[:SHOWN] if scores[i] >= NEAR]
    return None, "load.check.village_unknown", {"candidates": "、".join(near) or "-"}


def match_villages(names: np.ndarray, towns: np.ndarray | None, villages: pd.DataFrame) -> Found:
    """Village codes for rows that name their village (``names``, None where not asked),
    within their town when ``towns`` gives one: exact name or short name first, then the
    most similar name when it is unique and at least :data:`FUZZY` alike (a note); else an
    error listing the nearest candidates. Each distinct (name, town) is matched once.

    Examples
    --------
    >>> villages = pd.DataFrame({"code": ["522727100201", "522727100202", "522727200201"],
    ...     "name": ["新寨村", "大塘村", "新寨村"], "town_code": ["522727100"] * 2 + ["522727200"],
    ...     "town_name": ["平湖镇", "平湖镇", "通州镇"]})
    >>> f = match_villages(np.array(["新寨", "大塘村委会", "新寨", None], dtype=object),
    ...                    np.array(["通州", None, None, None], dtype=object), villages)
    >>> f.values["village_code"].tolist()
    ['522727200201', '522727100202', None, None]
    >>> [(k, m.nonzero()[0].tolist()) for k, m, _, _ in f.errors + f.notes]
    [('load.check.village_ambiguous', [2])]
    """
    n = len(names)
    codes = np.full(n, None, dtype=object)
    asked = pd.notna(names)
    found = Found({"village_code": codes})
    if not asked.any():
        return found
    villages = villages.assign(
        code=villages["code"].astype(str),
        name=villages["name"].astype(str),
        town_name=villages["town_name"].astype(str),
        short=villages["name"].astype(str).map(short_name),
        town_short=villages["town_name"].astype(str).map(lambda t: short_name(t, True)),
    )
    town_of = towns if towns is not None else np.full(n, None, dtype=object)
    pairs = pd.DataFrame({"name": names[asked], "town": town_of[asked]})
    keys, uniques = pd.factorize(pd.MultiIndex.from_frame(pairs))
    results = [
        _one(name, town if isinstance(town, str) else None, villages) for name, town in uniques
    ]
    per = {}
    for i, (_, key, params) in enumerate(results):
        per.setdefault(key, []).append((i, params))
    chosen_codes = np.empty(len(results), dtype=object)
    chosen_codes[:] = [r[0] for r in results]
    codes[asked] = chosen_codes[keys]
    for key, members in per.items():
        if not key:
            continue
        chosen = np.zeros(len(results), dtype=bool)
        chosen[[i for i, _ in members]] = True
        rows = np.zeros(n, dtype=bool)
        rows[asked] = chosen[keys]
        params = {}
        for name in members[0][1]:
            values = np.full(len(results), "", dtype=object)
            for i, p in members:
                values[i] = p[name]
            column = np.full(n, "", dtype=object)
            column[asked] = values[keys]
            params[name] = column
        finding = (key, rows, params, "village_name")
        (found.notes if key == "load.check.village_fuzzy" else found.errors).append(finding)
    return found
