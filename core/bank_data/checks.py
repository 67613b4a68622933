"""Checking the values of a bank's file before anything is written: every value read as its
type (:mod:`core.bank_data.values`, :mod:`core.bank_data.ids`), keys unique within the file,
references that exist, coordinates where the bank is and villages named instead of coded
(:mod:`core.bank_data.locations`).

:func:`check_table` turns a :class:`core.bank_data.spec.Table` (text) into a
:class:`Checked`: the typed values, which rows are bad (an error: not written) and every
problem (errors) and note (warnings; the row is written). Everything is vectorised; only
the problems found are built one by one. :func:`report_xlsx` writes them as a workbook.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import shapely

from core.bank_data import arrays as v
from core.bank_data import dates
from core.bank_data.ids import parse_ids, parse_mobile
from core.bank_data.locations import check_points, match_villages
from core.bank_data.spec import Column, FileKind, Table
from core.bank_data.values import PARSERS, crs_name, parse_text
from core.files.downloads import neutralise, watermark
from core.i18n import t
from core.problems import Problem, Term

FUTURE_OK = frozenset({"matures_on"})  # date columns that may lie after the as-of day
STRICT_PLACES = frozenset({"branches", "villages"})  # a point outside the area is an error
EVIDENCE_PLACES = frozenset({"visits"})  # a point is kept wherever it is
ALSO_UNIQUE = {"balances": ("cust_no", "month")}  # keys besides FileKind.key
KNOWN_CUSTOMER = frozenset({"holdings", "other_bank", "balances", "visits"})
VALUE_CHARS = 40  # a problem shows at most this much of the value
GENDER_SAID = {"M": Term(zh="男", en="male"), "F": Term(zh="女", en="female")}
REPORT_COLUMNS = (
    "load.check.report.file",
    "load.check.report.row",
    "load.check.report.field",
    "load.check.report.value",
    "load.check.report.reason",
)


@dataclass
class Context:
    """What the checks compare against (built by the loader from the database and the files
    of this load read so far)."""

    as_of: date
    crs: str = "WGS84"  # the default coordinate system (--crs)
    bank_code: str | None = None
    villages: pd.DataFrame | None = None  # code, name, town_code, town_name
    branches: frozenset[str] = frozenset()
    staff: frozenset[str] = frozenset()
    customers: frozenset[str] = frozenset()
    id_owner: pd.Series | dict | None = None  # cust_no by id_number, already in the database
    area: shapely.Geometry | None = None  # the service area (WGS-84); None/empty: no check
    _cache: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def known(self, name: str) -> pa.Array:
        """The codes of ``name`` (villages, branches, staff, customers, or the ID numbers of
        ``id_owner``: owners) as a pyarrow array, built once for every file of the load."""
        if name not in self._cache:
            if name == "villages":
                codes = [] if self.villages is None else self.villages["code"].astype(str)
            elif name == "owners":
                codes = self._owners().index.to_numpy(dtype=object)
            else:
                codes = list(getattr(self, name))
            self._cache[name] = pa.array(codes, type=pa.string())
        return self._cache[name]

    def owners(self) -> np.ndarray:
        """The customer numbers of :attr:`id_owner`, in the order of ``known("owners")``."""
        if "owner_values" not in self._cache:
            self._cache["owner_values"] = self._owners().to_numpy(dtype=object)
        return self._cache["owner_values"]

    def _owners(self) -> pd.Series:
        return pd.Series(self.id_owner if self.id_owner is not None else {}, dtype=object)


@dataclass
class Checked:
    """A file's values checked: ``frame`` holds the typed values per column key (None / NaN /
    NaT where empty or bad) and ``row`` (the file's line); ``bad`` marks the rows with an
    error (they must not be written). For customers the frame also has ``gender`` and
    ``birth_date`` (from the ID number when the file leaves them empty); points are WGS-84,
    NaN where a customer's point lies outside the service area (a note says so);
    a head-office employee's branch is None."""

    kind: FileKind
    file: str
    frame: pd.DataFrame
    bad: np.ndarray
    problems: list[Problem]
    notes: list[Problem]
    same: np.ndarray = field(default_factory=lambda: np.array([], dtype=object))
    # the customer numbers of the file's rows left out as unchanged (not in ``frame``:
    # neither checked again nor written; :mod:`core.bank_data.unchanged`)


class _Run:
    """One file being checked: its text, typed values (text as pyarrow arrays) and findings
    ``(key, mask, params, column key)``."""

    def __init__(self, table: Table, context: Context):
        self.table, self.context, self.kind = table, context, table.kind
        self.n = len(table.frame)
        self.columns = {c.key: c for c in self.kind.columns if c.key in table.frame.columns}
        self.source: dict = {}  # as written, kept where the file's own str can be reused
        self.raw: dict = {}
        for k in self.columns:
            written = v.arrow_text(table.frame[k])
            self.raw[k] = v.strings(written)
            if table.frame[k].dtype == object:  # else a copy nothing reads (memory)
                self.source[k] = written
        self.rows = np.asarray(table.rows, dtype=np.int64)
        self.typed: dict = {}
        self.errors: list = []
        self.notes: list = []

    def add(self, findings, column: str, notes: bool = False) -> None:
        target = self.notes if notes else self.errors
        target += [(key, m, params, column) for key, m, params in findings if m.any()]

    def given(self, key: str) -> np.ndarray:
        """Rows whose file gives a value of ``key`` (good or bad)."""
        return v.present(self.raw[key]) if key in self.raw else np.zeros(self.n, dtype=bool)

    def none(self) -> pa.Array:
        return pa.nulls(self.n, pa.string())


def _parse(arr: pa.Array, column: Column, context: Context) -> v.Parsed:
    if column.type == "text":
        return parse_text(arr, column)
    arr = v.halfwidth(arr)
    if column.type == "date":
        return v.on_uniques(dates.parse_date, arr, context.as_of, column.key in FUTURE_OK)
    if column.type == "month":
        return v.on_uniques(dates.parse_month, arr, context.as_of)
    if column.type == "datetime":
        return dates.parse_datetime(arr, context.as_of)
    if column.type == "mobile":
        return parse_mobile(arr)
    parser, by_value = PARSERS[column.type]
    return v.on_uniques(parser, arr, column) if by_value else parser(arr, column)


def _unknown(values: pa.Array, known: pa.Array) -> np.ndarray:
    """Values given but not ``known``."""
    return v.present(values) & ~v.mask(pc.is_in(values, value_set=known))


def _codes(values) -> np.ndarray:
    """Each value's number among the distinct values (-1 where null); int64 values (-1:
    none) are their own numbers."""
    if isinstance(values, np.ndarray) and values.dtype == np.int64:
        return values
    if isinstance(values, pa.Array):
        indices = pc.dictionary_encode(values).indices
        return pc.fill_null(indices, -1).to_numpy(zero_copy_only=False).astype(np.int64)
    return pd.factorize(values)[0].astype(np.int64)


def _duplicates(keys: list, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows whose key (every part of ``keys`` given) came before, and the row where it came
    first."""
    code = np.zeros(len(rows), dtype=np.int64)
    given = np.ones(len(rows), dtype=bool)
    for k in keys:
        part = _codes(k)
        given &= part >= 0
        code = part if len(keys) == 1 else code * (int(part.max(initial=0)) + 2) + part
    dup = np.zeros(len(rows), dtype=bool)
    dup[given] = _repeated(code[given] if not given.all() else code)
    first = np.zeros(len(rows), dtype=np.int64)
    if dup.any():
        firsts = given & ~dup
        first[dup] = pd.Series(rows[firsts], index=code[firsts]).reindex(code[dup]).to_numpy()
    return dup, first


def _repeated(code: np.ndarray) -> np.ndarray:
    """Whether each value came before (``duplicated(keep="first")``), by a stable sort: no
    hash table of millions of keys (memory), and keys mostly in order sort in one pass.

    Examples
    --------
    >>> _repeated(np.array([3, 1, 3, 2, 1])).tolist()
    [False, False, True, False, True]
    """
    order = np.argsort(code, kind="stable")
    ordered = code[order]
    repeat = np.zeros(len(code), dtype=bool)
    repeat[1:] = ordered[1:] == ordered[:-1]
    del ordered
    out = np.empty(len(code), dtype=bool)
    out[order] = repeat
    return out


def _from_id(run: _Run, key: str, from_id: np.ndarray) -> None:
    """Gender or birth day: the file's, else the ID number's; a note where they differ."""
    if key not in run.typed:
        run.typed[key] = from_id
        return
    given = run.typed[key]
    given = v.objects(given) if isinstance(given, pa.Array) else given
    differs = pd.notna(given) & pd.notna(from_id)
    differs[differs] = given[differs] != from_id[differs]
    if key == "gender":
        expected = np.array([GENDER_SAID.get(g) for g in np.where(differs, from_id, None)])
        run.add([("load.check.gender_differs", differs, {"expected": expected})], key, True)
    else:
        expected = np.where(differs, from_id, np.datetime64("NaT")).astype(str)
        run.add([("load.check.birth_differs", differs, {"expected": expected})], key, True)
    run.typed[key] = np.where(pd.isna(given), from_id, given)


def _customers(run: _Run) -> None:
    """ID numbers (by the customer's kind), gender and birth day from them, ID numbers held
    twice or by another customer, villages by name."""
    context, typed = run.context, run.typed
    kind = typed.get("kind", run.none())
    individual = v.mask(pc.equal(kind, "individual"))
    if "id_number" in run.raw:
        column = run.columns["id_number"]
        ids = parse_ids(v.halfwidth(run.raw["id_number"]), individual, context.as_of, column.size)
        typed["id_number"] = ids.values
        run.add(ids.errors, "id_number")
        run.add(ids.notes, "id_number", notes=True)
        _from_id(run, "gender", ids.gender)
        _from_id(run, "birth_date", ids.birth)
        kept = v.blank(ids.values, ~individual)
        dup, first = _duplicates([ids.number], run.rows)
        run.add([("load.check.duplicate", dup, {"first": first})], "id_number")
        if context.id_owner is not None and len(context.id_owner):
            at = pc.fill_null(pc.index_in(kept, value_set=context.known("owners")), -1)
            at = at.to_numpy(zero_copy_only=False)
            held = np.flatnonzero(at >= 0)
            owner = np.full(run.n, None, dtype=object)
            owner[held] = context.owners()[at[held]]
            cust_no = v.objects(typed.get("cust_no", run.none()).take(pa.array(held)))
            taken = np.zeros(run.n, dtype=bool)
            taken[held] = owner[held] != cust_no
            run.add([("load.check.id_taken", taken, {"owner": owner})], "id_number")
    if context.villages is not None and "village_name" in typed:
        asked = ~run.given("village_code") & v.present(typed["village_name"])
        if asked.any():
            names = np.where(asked, v.objects(typed["village_name"]), None)
            towns = v.objects(typed["town_name"]) if "town_name" in typed else None
            found = match_villages(names, towns, context.villages)
            run.errors += found.errors
            run.notes += found.notes
            codes = pa.array(found.values["village_code"], type=pa.string())
            typed["village_code"] = pc.if_else(
                pa.array(asked), codes, typed.get("village_code", run.none())
            )


def _staff(run: _Run) -> None:
    """A head-office post may leave its branch empty or give the bank's code; others need a
    branch that exists."""
    code, post = run.typed.get("branch_code"), run.typed.get("post", run.none())
    if code is None:
        return
    hq = v.mask(pc.equal(post, "hq"))
    bank = hq & v.mask(pc.equal(code, run.context.bank_code or ""))
    code = v.blank(code, bank)
    needed = ~hq & v.present(post) & ~run.given("branch_code")
    unknown = _unknown(code, run.context.known("branches"))
    findings = [
        ("load.check.branch_needed", needed, {}),
        ("load.check.unknown_branch", unknown, {}),
    ]
    run.add(findings, "branch_code")
    run.typed["branch_code"] = code


def _references(run: _Run) -> None:
    stem, typed, context = run.kind.stem, run.typed, run.context
    if stem in KNOWN_CUSTOMER and "cust_no" in typed:
        unknown = _unknown(typed["cust_no"], context.known("customers"))
        run.add([("load.check.unknown_customer", unknown, {})], "cust_no")
    if stem == "visits" and "staff_code" in typed:
        unknown = _unknown(typed["staff_code"], context.known("staff"))
        run.add([("load.check.unknown_staff", unknown, {})], "staff_code")
    if stem == "customers" and "core_manager" in typed and context.staff:
        unknown = _unknown(typed["core_manager"], context.known("staff"))
        run.add([("load.check.unknown_manager", unknown, {})], "core_manager", notes=True)
    if stem == "customers" and "village_code" in typed and context.villages is not None:
        given = v.blank(typed["village_code"], ~run.given("village_code"))  # not by name
        unknown = _unknown(given, context.known("villages"))
        run.add([("load.check.unknown_village", unknown, {})], "village_code")
    if stem == "villages" and {"code", "town_code"} <= typed.keys():
        prefix = pc.utf8_slice_codeunits(typed["code"], 0, 9)
        differs = v.mask(pc.not_equal(prefix, typed["town_code"]))
        run.add([("load.check.town_mismatch", differs, {})], "town_code")


def _unique(run: _Run) -> None:
    keys = [run.kind.key] if run.kind.key else list(ALSO_UNIQUE.get(run.kind.stem, ()))
    if not keys or not set(keys) <= run.typed.keys():
        return
    dup, first = _duplicates([run.typed[k] for k in keys], run.rows)
    run.add([("load.check.duplicate", dup, {"first": first})], keys[-1])


def _points(run: _Run) -> None:
    if not {"lon", "lat"} <= run.typed.keys():
        return
    default = crs_name(run.context.crs)
    if default is None:
        raise ValueError(f"unknown coordinate system {run.context.crs!r}")
    crs = default
    if "crs" in run.typed and v.present(run.typed["crs"]).any():
        crs = v.objects(pc.fill_null(run.typed["crs"], default))
    shown = {k: _Raw(run.raw[k]) for k in ("lon", "lat")}
    strict = run.kind.stem in STRICT_PLACES
    # a visit's check-in is evidence, kept where it was (the visit checks flag far ones)
    area = None if run.kind.stem in EVIDENCE_PLACES else run.context.area
    found = check_points(run.typed["lon"], run.typed["lat"], crs, area, strict, shown)
    for key, m, params, column in found.errors:
        if key == "load.check.coordinate_half":  # only where the other is really empty
            if run.columns[column].must_have_value:
                continue  # said already: load.check.empty
            m = m & ~run.given(column)
        run.add([(key, m, params)], column)
    run.notes += found.notes
    run.typed["lon"], run.typed["lat"] = found.values["lon"], found.values["lat"]


class _Raw:
    """A column's raw text, taken for the rows of a problem only."""

    def __init__(self, arr: pa.Array):
        self.arr = arr

    def take(self, pos: np.ndarray) -> list:
        return [s or "" for s in self.arr.take(pa.array(pos)).to_pylist()]


def check_table(table: Table, context: Context) -> Checked:
    """Check every value of ``table`` against its kind's columns and ``context``.

    Examples
    --------
    >>> from core.bank_data.spec import BY_STEM
    >>> table = Table(BY_STEM["staff"], "staff.csv",
    ...     pd.DataFrame({"code": ["A1", "A1"], "name": ["张三", "李四"], "branch_code": ["", "B9"],
    ...                   "post": ["总行", "客户经理"], "phone": ["13800138000", "12"],
    ...                   "active": ["是", "否"]}), np.array([2, 3]),
    ...     {"code": "工号", "phone": "手机号", "branch_code": "机构号"})
    >>> checked = check_table(table, Context(date(2026, 6, 30), branches=frozenset({"B1"})))
    >>> checked.bad.tolist(), [p.text("zh") for p in checked.problems][:2]
    ([False, True], ['文件 staff.csv 第3行 [工号]:“A1”与第2行重复', '文件 staff.csv 第3行 [机构号]:机构号“B9”不存在'])
    """
    run = _Run(table, context)
    for key, column in run.columns.items():
        arr = run.raw[key]
        if column.must_have_value:
            run.add([("load.check.empty", ~v.present(arr), {})], key)
        if column.type == "id_number":
            continue
        parsed = _parse(arr, column, context)
        run.typed[key] = parsed.values
        run.add(parsed.errors, key)
    if run.kind.stem == "customers":
        _customers(run)
    if run.kind.stem == "staff":
        _staff(run)
    _references(run)
    _unique(run)
    _points(run)
    bad = np.zeros(run.n, dtype=bool)
    for _, m, _, _ in run.errors:
        bad |= m
    problems, notes = _problems(run, run.errors), _problems(run, run.notes)
    run.raw = run.errors = run.notes = None  # said: let the trimmed text go (memory)
    v.release_memory()
    frame = pd.DataFrame({k: _column(run, k, a) for k, a in run.typed.items()}, copy=False)
    frame["row"] = run.rows
    del run
    v.release_memory()  # the typed arrays are in the frame now
    return Checked(table.kind, table.file, frame, bad, problems, notes)


def _column(run: _Run, key: str, values):
    if isinstance(values, pa.Array):
        return v.text_objects(values, run.table.frame.get(key), run.source.get(key))
    return v.frame_column(values, run.columns[key].type if key in run.columns else "")


def _problems(run: _Run, findings: list) -> list[Problem]:
    """The findings as problems, one per row found (a loop over those rows only)."""
    order = {k: i for i, k in enumerate(c.key for c in run.kind.columns)}
    out = []
    for key, m, params, column in findings:
        pos = np.flatnonzero(m)
        if not pos.size:
            continue
        raw = run.raw.get(column)
        said = _Raw(raw).take(pos) if raw is not None else [""] * pos.size
        header = run.table.headers.get(column) or _header(run.kind, column)
        cols = {}
        for name, value in params.items():
            if isinstance(value, _Raw):
                cols[name] = value.take(pos)
            elif isinstance(value, np.ndarray):
                cols[name] = value[pos].tolist()
            else:
                cols[name] = [value] * pos.size
        rows = run.rows[pos].tolist()
        for j in range(pos.size):
            params_j = {"value": said[j][:VALUE_CHARS], **{k: c[j] for k, c in cols.items()}}
            problem = Problem(key, params_j, file=run.table.file, row=rows[j], field=header)
            out.append((rows[j], order.get(column, 99), problem))
    out.sort(key=lambda item: item[:2])
    return [p for _, _, p in out]


def _header(kind: FileKind, key: str) -> str:
    return next((c.header for c in kind.columns if c.key == key), key)


def report_xlsx(problems: list[Problem], lang: str = "zh", *, notes=(), who: str = "") -> bytes:
    """The problems (and notes, on a second sheet) as an Excel workbook: file, row, column,
    value, reason; a watermark line on top; every text cell safe from formulas.

    Examples
    --------
    >>> import io, openpyxl
    >>> data = report_xlsx([Problem("load.check.empty", {"value": "=1+1"}, file="a.csv", row=3,
    ...                             field="客户号")], who="张三")
    >>> sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    >>> [c.value for c in sheet[3]]
    ['a.csv', 3, '客户号', "'=1+1", '必须填写']
    """
    from io import BytesIO

    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    sheets = [("load.check.report.problems", problems)]
    if notes:
        sheets.append(("load.check.report.notes", list(notes)))
    for title, items in sheets:
        ws = wb.create_sheet(t(title, lang)[:31])
        ws.append([watermark(who or "python -m core load")])
        ws.append([t(key, lang) for key in REPORT_COLUMNS])
        for p in items:
            name = p.field.text(lang) if isinstance(p.field, Term) else p.field
            value = p.params.get("value", "")
            cells = [p.file or "", p.row, name or "", "" if value is None else str(value)]
            ws.append([neutralise(c) for c in [*cells, p.message(lang)]])
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
