"""Fictitious Chinese personal data for the synthetic demo bank.

All generators are pure and vectorised: every random draw goes through the
``np.random.Generator`` passed in, so the same seed gives the same output.
None of the produced names, ID numbers or phone numbers belong to real people.
The masking helpers (``mask_name`` ...) are :mod:`core.masking`'s, re-exported here.
"""

from __future__ import annotations

import datetime as _dt

import numpy as np

# Ordered roughly by commonness in south-west China (incl. Buyi/Miao surnames).
SURNAMES: tuple[str, ...] = tuple(
    "王李张刘陈杨黄赵吴周罗何胡郭林梁谢宋唐韩冯邓曹彭曾肖田袁潘蒋"
    "余杜程苏魏任姚卢谭陆石廖韦莫覃龙蒙岑班吕邹熊秦江雷侯贺毛孔汤"
)
GIVEN_CHARS_MALE: tuple[str, ...] = tuple(
    "伟强军勇杰涛斌明华平刚辉建国林波海峰鹏超俊磊浩文亮宇飞龙成荣发贵富兴德志祥忠福江"
)
GIVEN_CHARS_FEMALE: tuple[str, ...] = tuple(
    "芳娟敏静丽艳霞燕玲琴梅兰英红萍秀花凤丹倩雪婷慧洁佳琳颖莉莹云娜月春桂珍翠菊芬琼媛"
)

_ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
_ID_CHECK_MAP = "10X98765432"
_ID_CHECK_CODES = np.frombuffer(_ID_CHECK_MAP.encode("ascii"), dtype=np.uint8)
_PHONE_PREFIXES = np.array(
    [
        130,
        131,
        132,
        133,
        134,
        135,
        136,
        137,
        138,
        139,
        150,
        151,
        152,
        153,
        155,
        156,
        157,
        158,
        159,
        166,
        173,
        175,
        176,
        177,
        178,
        180,
        181,
        182,
        183,
        184,
        185,
        186,
        187,
        188,
        189,
        191,
        193,
        195,
        198,
        199,
    ],
    dtype=np.int64,
)
_SHOPS = (
    "百货店",
    "农资店",
    "餐馆",
    "五金店",
    "超市",
    "药店",
    "茶叶店",
    "烟酒店",
    "汽修店",
    "服装店",
    "小吃店",
    "粮油店",
    "建材店",
    "理发店",
    "手机店",
    "副食店",
)
_WORDS = (
    "兴农",
    "金谷",
    "绿源",
    "鑫盛",
    "宏达",
    "富民",
    "惠农",
    "丰收",
    "天眼",
    "恒通",
    "聚福",
    "山水",
    "苗乡",
    "布依",
    "润田",
    "康源",
    "华泰",
    "顺发",
    "和美",
    "佳禾",
)
_INDUSTRIES = (
    "农业开发",
    "建材",
    "商贸",
    "物流",
    "茶业",
    "食品",
    "建筑工程",
    "旅游开发",
    "林业",
    "生态农业",
    "石材",
    "酒业",
    "运输",
    "电子商务",
    "农产品加工",
)
_COOP_KINDS = (
    "种植",
    "养殖",
    "茶叶种植",
    "中药材种植",
    "蔬菜种植",
    "生猪养殖",
    "水果种植",
    "肉牛养殖",
    "食用菌种植",
    "刺梨种植",
)


def _to_objects(arr: np.ndarray) -> np.ndarray:
    """Convert a numpy string array to an object array of Python ``str``."""
    return np.asarray(arr, dtype=str).astype(object)


def _digits_to_str(codes: np.ndarray) -> np.ndarray:
    """Turn an (n, k) uint8 array of ASCII codes into an object array of str."""
    codes = np.ascontiguousarray(codes, dtype=np.uint8)
    k = codes.shape[1]
    return codes.view(f"S{k}").ravel().astype(f"U{k}").astype(object)


def village_surnames(
    rng: np.random.Generator, n_villages: int
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Draw a surname distribution for each village.

    Each village has 1-3 dominant surnames holding together 40-70 % of the
    population (each at least 10 %); the rest is spread over all other
    surnames (each below 10 %), weighted by national commonness with noise.

    Parameters
    ----------
    rng : np.random.Generator
        Source of randomness.
    n_villages : int
        Number of villages.

    Returns
    -------
    list of tuple of (np.ndarray, np.ndarray)
        Per village ``(surname_indices, probabilities)``: indices into
        :data:`SURNAMES` covering every surname once, sorted by descending
        probability (dominant surnames first); probabilities sum to 1.
    """
    m = len(SURNAMES)
    popularity = 1.0 / (np.arange(m) + 10.0)
    out: list[tuple[np.ndarray, np.ndarray]] = []
    for _ in range(int(n_villages)):
        k = int(rng.integers(1, 4))
        dominant = rng.choice(m, size=k, replace=False, p=popularity / popularity.sum())
        total = rng.uniform(0.40, 0.70)
        shares = 0.10 + (total - 0.10 * k) * rng.dirichlet(np.full(k, 2.0))
        probs = np.empty(m)
        rest = np.ones(m, dtype=bool)
        rest[dominant] = False
        w = popularity[rest] * rng.uniform(0.7, 1.3, size=rest.sum())
        probs[rest] = (1.0 - total) * w / w.sum()
        probs[dominant] = shares
        order = np.argsort(-probs, kind="stable")
        p = probs[order]
        out.append((order.astype(np.int64), p / p.sum()))
    return out


def make_names(
    rng: np.random.Generator, surname_idx: np.ndarray, is_female: np.ndarray
) -> np.ndarray:
    """Generate full names: surname + 1 or 2 given characters (~70 % two).

    Parameters
    ----------
    rng : np.random.Generator
        Source of randomness.
    surname_idx : np.ndarray
        Integer indices into :data:`SURNAMES`, one per person.
    is_female : np.ndarray
        Boolean array, same length; selects the given-character pool.

    Returns
    -------
    np.ndarray
        Object array of ``str`` names.
    """
    surname_idx = np.asarray(surname_idx, dtype=np.int64)
    is_female = np.asarray(is_female, dtype=bool)
    n = surname_idx.shape[0]
    sur = np.array([ord(c) for c in SURNAMES], dtype=np.uint32)
    male = np.array([ord(c) for c in GIVEN_CHARS_MALE], dtype=np.uint32)
    female = np.array([ord(c) for c in GIVEN_CHARS_FEMALE], dtype=np.uint32)
    codes = np.zeros((n, 3), dtype=np.uint32)
    codes[:, 0] = sur[surname_idx]
    for col in (1, 2):
        g = rng.integers(0, min(len(male), len(female)), size=n)
        codes[:, col] = np.where(is_female, female[g], male[g])
    two = rng.random(n) < 0.7
    codes[~two, 2] = 0  # trailing NULs are dropped by the U3 dtype
    return codes.view("U3").ravel().astype(object)


def id_check_digit(first17: str) -> str:
    """Compute the GB 11643-1999 check character for 17 leading digits.

    Parameters
    ----------
    first17 : str
        The first 17 digits of a citizen ID number.

    Returns
    -------
    str
        One of ``"0"``-``"9"`` or ``"X"``.
    """
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError("first17 must be 17 digits")
    total = sum(int(c) * int(w) for c, w in zip(first17, _ID_WEIGHTS, strict=False))
    return _ID_CHECK_MAP[total % 11]


def is_valid_id_number(s: str) -> bool:
    """Check an 18-character citizen ID: format, birth date and check digit.

    Parameters
    ----------
    s : str
        Candidate ID number (a lower-case trailing ``x`` is accepted).

    Returns
    -------
    bool
        True when the number is well formed and its check digit matches.
    """
    if not isinstance(s, str) or len(s) != 18 or not s[:17].isdigit():
        return False
    try:
        _dt.date(int(s[6:10]), int(s[10:12]), int(s[12:14]))
    except ValueError:
        return False
    return s[17].upper() == id_check_digit(s[:17])


def make_id_numbers(
    rng: np.random.Generator, area_code: str, birth_dates: np.ndarray, is_female: np.ndarray
) -> np.ndarray:
    """Generate GB 11643-1999 citizen ID numbers.

    Layout: 6-digit area code + YYYYMMDD + 3-digit sequence (odd for men,
    even for women) + check character.

    Parameters
    ----------
    rng : np.random.Generator
        Source of randomness (sequence numbers).
    area_code : str
        Six-digit administrative division code, e.g. ``"522727"``.
    birth_dates : np.ndarray
        Birth dates, convertible to ``datetime64[D]``; no NaT.
    is_female : np.ndarray
        Boolean array, same length.

    Returns
    -------
    np.ndarray
        Object array of 18-character ``str``.
    """
    if len(area_code) != 6 or not area_code.isdigit():
        raise ValueError("area_code must be 6 digits")
    dates = np.asarray(birth_dates, dtype="datetime64[D]")
    if np.isnat(dates).any():
        raise ValueError("birth_dates must not contain NaT")
    is_female = np.asarray(is_female, dtype=bool)
    n = dates.shape[0]
    year = dates.astype("datetime64[Y]").astype(np.int64) + 1970
    month_start = dates.astype("datetime64[M]")
    month = month_start.astype(np.int64) % 12 + 1
    day = (dates - month_start).astype(np.int64) + 1
    # male: 1, 3, ..., 999; female: 2, 4, ..., 998
    seq = np.where(
        is_female, rng.integers(1, 500, size=n) * 2, rng.integers(0, 500, size=n) * 2 + 1
    )
    if n and (year.min() < 1000 or year.max() > 9999):
        raise ValueError("birth years must have four digits")
    # date + sequence always has exactly 11 digits; bytes conversion beats int division
    tail = ((year * 10000 + month * 100 + day) * 1000 + seq).astype("S11")
    codes = np.empty((n, 18), dtype=np.uint8)
    codes[:, :6] = np.frombuffer(area_code.encode("ascii"), dtype=np.uint8)
    codes[:, 6:17] = np.frombuffer(tail.tobytes(), dtype=np.uint8).reshape(n, 11)
    digits = codes[:, :17].astype(np.int64) - 48
    codes[:, 17] = _ID_CHECK_CODES[(digits @ _ID_WEIGHTS) % 11]
    return _digits_to_str(codes)


def unique_id_numbers(ids: np.ndarray) -> np.ndarray:
    """Make ID numbers unique: a repeated number (after its first occurrence) moves to the
    next free sequence number of the same parity (so the same sex) and birth date, with its
    check character recomputed. Deterministic; draws nothing.

    Examples
    --------
    >>> unique_id_numbers(np.array(["11010519491231002X", "11010519491231002X"])).tolist()
    ['11010519491231002X', '110105194912310046']
    """
    out = np.asarray(ids, dtype=object).copy()
    _, first = np.unique(out.astype(str), return_index=True)
    repeated = np.ones(len(out), dtype=bool)
    repeated[first] = False
    taken = set(out.tolist())
    for i in np.flatnonzero(repeated):
        head, seq = out[i][:14], int(out[i][14:17])
        for _ in range(500):
            seq = seq + 2 if seq + 2 < 1000 else 2 - seq % 2
            first17 = f"{head}{seq:03d}"
            candidate = first17 + id_check_digit(first17)
            if candidate not in taken:
                break
        else:
            raise ValueError(f"no free sequence number for {head}")
        taken.add(candidate)
        out[i] = candidate
    return out


def make_phones(rng: np.random.Generator, n: int) -> np.ndarray:
    """Generate fictitious 11-digit mainland mobile numbers.

    Parameters
    ----------
    rng : np.random.Generator
        Source of randomness.
    n : int
        Number of phone numbers.

    Returns
    -------
    np.ndarray
        Object array of 11-character ``str`` starting with a common
        carrier prefix (13x, 15x, 16x, 17x, 18x, 19x).
    """
    number = _PHONE_PREFIXES[rng.integers(0, len(_PHONE_PREFIXES), size=n)] * 10**8 + rng.integers(
        0, 10**8, size=n
    )
    return number.astype("S11").astype("U11").astype(object)


def make_company_names(
    rng: np.random.Generator, n: int, town_names: np.ndarray, kind: str, county: str = "平塘县"
) -> np.ndarray:
    """Generate business names for merchants or corporate customers.

    Parameters
    ----------
    rng : np.random.Generator
        Source of randomness.
    n : int
        Number of names.
    town_names : np.ndarray
        Town of each entity (length ``n``); if the length differs from ``n``
        it is treated as a pool and towns are drawn uniformly from it.
    kind : {"merchant", "corporate"}
        ``"merchant"``: sole-proprietor shops, ``"{county}{town}{surname}记{shop}"``.
        ``"corporate"``: ``"{county}{word}{industry}有限公司"`` or
        ``"{town}{word}{crop}专业合作社"`` (about 60/40).
    county : str, default "平塘县"
        County prefix.

    Returns
    -------
    np.ndarray
        Object array of ``str``.
    """
    towns = np.asarray(town_names, dtype=str)
    if towns.shape[0] != n:
        if towns.size == 0:
            raise ValueError("town_names must not be empty")
        towns = towns[rng.integers(0, towns.shape[0], size=n)]
    add = np.strings.add

    def pick(pool: tuple[str, ...]) -> np.ndarray:
        return np.array(pool)[rng.integers(0, len(pool), size=n)]

    if kind == "merchant":
        sur = np.array(SURNAMES)[rng.integers(0, len(SURNAMES), size=n)]
        out = add(add(add(add(county, towns), sur), "记"), pick(_SHOPS))
    elif kind == "corporate":
        word = pick(_WORDS)
        company = add(add(add(county, word), pick(_INDUSTRIES)), "有限公司")
        coop = add(add(add(towns, word), pick(_COOP_KINDS)), "专业合作社")
        out = np.where(rng.random(n) < 0.6, company, coop)
    else:
        raise ValueError(f"unknown kind: {kind!r}")
    return _to_objects(out)


# the masking helpers live in core.masking (with the policy); kept importable from here
from core.masking import mask_address, mask_id_number, mask_name, mask_phone, mask_series  # noqa: E402, F401
