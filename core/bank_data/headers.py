"""A file's headers read as our columns: the same header however it is spelled, a bank's own
headers through a mapping profile, and what is wrong with a header row (a required column
missing, a column given twice, a file of another kind).

A header is compared :func:`normalise` d: full-width letters, digits and brackets as
half-width, no spaces anywhere, ASCII letters in lower case. A file's header is taken, in this
order, by the mapping (``{their header: our key}``), a template header, an alias or the key
itself.
"""

from __future__ import annotations

import unicodedata
from difflib import SequenceMatcher

from core.bank_data.spec import BY_STEM, KINDS, FileKind
from core.problems import Problem, Term

CLOSE = 0.5  # a header this similar to a column's names is "close" (suggested, named)
LOOKS_LIKE = 0.75  # a file matching this share of another kind's required headers...
BETTER_BY = 0.25  # ...and this much better than its own is taken for that kind
_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060"))


def normalise(header) -> str:
    """A header as compared: full-width as half-width (NFKC), no spaces, lower case.

    Examples
    --------
    >>> normalise(" 余额 （元） "), normalise("ＣＵＳＴ＿ＮＯ"), normalise("客户\\u3000号")
    ('余额(元)', 'cust_no', '客户号')
    """
    text = unicodedata.normalize("NFKC", str(header)).translate(_INVISIBLE)
    return "".join(text.split()).lower()


def similarity(a: str, b: str) -> float:
    """How alike two headers are, 0 to 1 (after :func:`normalise`); a name of two characters
    or more inside the other counts at least 0.8.

    Examples
    --------
    >>> similarity("证件号", "证件号码"), similarity("联系手机", "手机号码")
    (0.8571428571428571, 0.5)
    >>> similarity("手机", "手机号码"), similarity("岗位", "客户号")
    (0.8, 0.0)
    """
    a, b = normalise(a), normalise(b)
    if not a or not b:
        return 0.0
    ratio = SequenceMatcher(None, a, b).ratio()
    short, long_ = sorted((a, b), key=len)
    if len(short) >= 2 and short in long_:
        ratio = max(ratio, 0.8)
    return ratio


def as_kind(kind: FileKind | str) -> FileKind:
    """A kind given as itself or by its stem (KeyError for an unknown stem)."""
    return kind if isinstance(kind, FileKind) else BY_STEM[kind]


def _names(column) -> list[str]:
    """Everything a column may be called: template header, key, aliases (normalised)."""
    return [normalise(n) for n in (column.header, column.key, *column.aliases)]


def _lookups(kind: FileKind) -> tuple[dict[str, str], dict[str, str]]:
    """({template header: key}, {key or alias: key}), normalised."""
    template = {normalise(c.header): c.key for c in kind.columns}
    aliases: dict[str, str] = {}
    for c in kind.columns:
        for name in (c.key, *c.aliases):
            aliases.setdefault(normalise(name), c.key)
    return template, aliases


def _match(kind: FileKind, headers: list[str], mapping: dict | None) -> list[str | None]:
    """Each header's column key (None: not ours, or ignored by the mapping)."""
    mapped = {normalise(k): (v or None) for k, v in (mapping or {}).items()}
    template, aliases = _lookups(kind)
    out: list[str | None] = []
    for header in headers:
        name = normalise(header)
        if not name:
            out.append(None)
        elif name in mapped:
            out.append(mapped[name])
        else:
            out.append(template.get(name) or aliases.get(name))
    return out


def _required_share(kind: FileKind, keys: list[str | None]) -> float:
    required = {c.key for c in kind.required}
    return len(required & set(keys)) / len(required) if required else 0.0


def looks_like(kind: FileKind, headers: list[str], own: float) -> FileKind | None:
    """The other table kind whose required headers ``headers`` match much better than the
    share ``own`` of this kind's, or None.

    Examples
    --------
    >>> looks_like(BY_STEM["customers"], ["工号", "姓名", "机构号", "岗位", "手机号", "在职"], 0)
    ... # doctest: +ELLIPSIS
    FileKind(stem='staff', ...)
    """
    best, best_share = None, 0.0
    for other in KINDS:
        if other is kind or other.polygons or not other.required:
            continue
        share = _required_share(other, _match(other, headers, None))
        if share > best_share:
            best, best_share = other, share
    if best is not None and best_share >= LOOKS_LIKE and best_share >= own + BETTER_BY:
        return best
    return None


def _closest(missing: list, headers: list[str], free: list[int]) -> dict[str, str]:
    """{column key: the free header most like its names}, each header given once, to the
    column it is most like; columns without a close header are left out."""
    scored = sorted(
        (-max(similarity(headers[i], n) for n in (c.header, *c.aliases)), i, c.key)
        for c in missing
        for i in free
    )
    out: dict[str, str] = {}
    used: set[int] = set()
    for score, i, key in scored:
        if -score >= CLOSE and i not in used and key not in out:
            out[key] = headers[i]
            used.add(i)
    return out


def match_headers(
    kind: FileKind,
    headers: list[str],
    mapping: dict | None = None,
    *,
    file: str | None = None,
    row: int | None = None,
) -> tuple[dict[str, int], list[str], list[Problem]]:
    """Which position of ``headers`` each column key is, the headers ignored, and the header
    row's problems (a column missing or mapped twice, a mapping naming no column, a file of
    another kind); ``file`` and ``row`` (the header's line) go into the problems.

    Examples
    --------
    >>> found, ignored, problems = match_headers(
    ...     BY_STEM["bank"], ["银行名称", "Bank_Code", "备注"], file="bank.csv")
    >>> found, ignored, problems
    ({'code': 1, 'name': 0}, ['备注'], [])
    >>> found, ignored, problems = match_headers(BY_STEM["bank"], ["银行代码", "银行名"])
    >>> problems[0].text("en")
    "[银行名称]: The required column '银行名称' is missing (is '银行名' meant?)"
    """
    columns = {c.key: c for c in kind.columns}
    problems: list[Problem] = []
    for key in sorted({str(v) for v in (mapping or {}).values() if v and v not in columns}):
        said = Term(zh=kind.title, en=kind.title_en)
        problems.append(
            Problem("load.read.mapping_key", {"given": key, "kind": said}, file=file, row=row)
        )
    keys = _match(kind, headers, mapping)
    found: dict[str, int] = {}
    for i, key in enumerate(keys):
        if key is None or key not in columns:
            continue
        if key in found:
            problems.append(
                Problem(
                    "load.read.mapped_twice",
                    {"column": columns[key].header, "other": headers[found[key]]},
                    file=file,
                    row=row,
                    field=headers[i],
                )
            )
        else:
            found[key] = i
    missing = [c for c in kind.required if c.key not in found]
    if missing:
        own = 1 - len(missing) / len(kind.required)
        other = looks_like(kind, headers, own)
        if other is not None:
            said = Term(zh=f"{other.title}({other.stem})", en=f"{other.title_en} ({other.stem})")
            this = Term(zh=kind.title, en=kind.title_en)
            return (
                {},
                [],
                [
                    Problem(
                        "load.read.wrong_kind", {"looks": said, "kind": this}, file=file, row=row
                    )
                ],
            )
    mapped = {normalise(k) for k in (mapping or {})}
    free = [
        i
        for i, key in enumerate(keys)
        if key is None and normalise(headers[i]) and normalise(headers[i]) not in mapped
    ]
    closest = _closest(missing, headers, free)
    for column in missing:
        close = closest.get(column.key)
        values = {"header": column.header} | ({"close": close} if close else {})
        key = "load.read.missing_close" if close else "load.read.missing"
        problems.append(Problem(key, values, file=file, row=row, field=column.header))
    ordered = {c.key: found[c.key] for c in kind.columns if c.key in found}
    ignored = [h for h, k in zip(headers, keys, strict=False) if k is None and normalise(h)]
    return ordered, ignored, problems


def suggest_mapping(headers: list[str], kind: FileKind | str) -> dict[str, str | None]:
    """For each foreign header, the column key it most likely is (None: no column is close);
    each key is suggested once, to the most similar header (on a tie, to the column more of
    whose names are alike).

    Examples
    --------
    >>> suggest_mapping(["客户编号", "身份证号", "联系手机", "备注"], "customers")
    {'客户编号': 'cust_no', '身份证号': 'id_number', '联系手机': 'phone', '备注': None}
    """
    kind = as_kind(kind)
    scored = []
    for i, header in enumerate(headers):
        for column in kind.columns:
            names = _names(column)
            scores = [1.0 if normalise(header) == n else similarity(header, n) for n in names]
            if max(scores) >= CLOSE:
                scored.append((-max(scores), -sum(scores), i, column.key))
    out: dict[str, str | None] = dict.fromkeys(headers)
    taken_headers: set[int] = set()
    taken_keys: set[str] = set()
    for _, _, i, key in sorted(scored):
        if i in taken_headers or key in taken_keys:
            continue
        out[headers[i]] = key
        taken_headers.add(i)
        taken_keys.add(key)
    return out
