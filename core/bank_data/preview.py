"""What the data page shows around a load: each uploaded table's header row and first values
(to map a bank's own headers to our columns), the problems and counts of a load as tables,
the history of loads, and the templates as one zip.

Pure functions over bytes and frames; the page's glue is :mod:`core.ui.data`. Every string
taken from a file stays data: the tables here are shown by ``st.dataframe`` (text, never
Markdown or HTML) and written to Excel by :func:`core.bank_data.checks.report_xlsx`
(formula-safe).
"""

from __future__ import annotations

import csv
import io
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from core.bank_data.headers import match_headers, normalise, suggest_mapping
from core.bank_data.read import decode_text, sniff_delimiter
from core.bank_data.read_xlsx import MAX_COLUMNS, cell_text
from core.bank_data.spec import BY_STEM, FileKind, kind_of
from core.bank_data.templates import write_templates
from core.files.downloads import is_watermark, skip_watermark
from core.files.guard import logged, safe_name
from core.files.uploads import open_workbook
from core.i18n import t
from core.problems import Problem, ProblemError, Term

HEAD_BYTES = 256 * 1024  # of a text file read for its header row and first values
SAMPLES = 3  # data rows read for the mapping editor's example values
SAMPLE_CHARS = 40
UPLOAD = "upload"  # the source the loader records for files that came without a folder
PROBLEM_COLUMNS = ("file", "row", "field", "value", "reason")
COUNT_LABELS = {  # the counts every file may have, in their columns' order
    "read": "data.count.read",
    "bad": "data.count.bad",
    "inserted": "data.count.inserted",
    "updated": "data.count.updated",
    "unchanged": "data.count.unchanged",
    "closed": "data.count.closed",
}
COUNTS = tuple(COUNT_LABELS)
# what else a load counts per file, with its label (in the "more" column)
MORE = {
    "accounts_created": "data.count.accounts_created",
    "deactivated": "data.count.deactivated",
    "assigned": "data.count.assigned",
    "replaced": "data.count.replaced",
    "illustrative_villages": "data.count.illustrative_villages",
}
PLACED = {
    "own": "data.count.placed_own",
    "village": "data.count.placed_village",
    "address": "data.count.placed_address",
    "null": "data.count.placed_none",
    "None": "data.count.placed_none",
}


@dataclass
class Head:
    """A table file's header row: its line (sheet row), the headers and a few data rows."""

    line: int
    headers: list[str]
    samples: list[list[str]] = field(default_factory=list)


def _text_head(data: bytes, name: str, rows: int) -> Head:
    part = data[:HEAD_BYTES]
    if len(data) > HEAD_BYTES:  # a newline byte is never inside a UTF-8 or GB18030 character
        part = part[: part.rfind(b"\n") + 1] or part
    text = decode_text(part, name)
    if "\n" not in text and "\r" in text:
        text = text.replace("\r", "\n")
    lines = text.split("\n")
    for number, line in enumerate(lines, start=1):
        line = line.strip()
        if not line or is_watermark(line.lstrip('"')):
            continue
        delimiter = sniff_delimiter(line)
        headers = [h.strip() for h in next(csv.reader([line], delimiter=delimiter))]
        rest = [x for x in lines[number:] if x.strip()][:rows]
        try:
            samples = [[c.strip() for c in r] for r in csv.reader(rest, delimiter=delimiter)]
        except csv.Error:
            samples = []
        return Head(number, headers, samples)
    raise ProblemError(Problem("load.read.empty", file=name))


def _xlsx_head(data: bytes, name: str, rows: int) -> Head:
    workbook = open_workbook(data, name)  # refusals name the file
    try:
        sheet = workbook.worksheets[0]
        found: Head | None = None
        for number, row in enumerate(
            sheet.iter_rows(min_row=1, max_col=MAX_COLUMNS, values_only=True), start=1
        ):
            blank = all(v is None or (isinstance(v, str) and not v.strip()) for v in row)
            if found is None:
                if blank or skip_watermark([row])[1]:
                    continue
                headers = [cell_text(v) for v in row]
                while headers and not headers[-1]:
                    headers.pop()
                found = Head(number, headers)
            elif not blank:
                found.samples.append([cell_text(v) for v in row[: len(found.headers)]])
            if found is not None and len(found.samples) >= rows:
                break
    except ProblemError:
        raise
    except Exception as exc:  # a sheet openpyxl cannot parse although the zip was fine
        logged("bad_xlsx", name, exc)
        raise ProblemError(Problem("uploads.bad_xlsx", file=name)) from None
    finally:
        workbook.close()
    if found is None:
        raise ProblemError(Problem("load.read.empty", file=name))
    return found


def file_head(data: bytes, filename: str, rows: int = SAMPLES) -> Head:
    """The header row of a table file (CSV/TXT or .xlsx, read as
    :func:`core.bank_data.read.read_table` reads it) and its first ``rows`` data rows.

    Raises :class:`ProblemError` for what keeps the file from being read (its encoding, an
    empty file, a workbook the guarded reader refuses).

    Examples
    --------
    >>> head = file_head("客户编号|姓名\\nC1|张三\\n".encode("gb18030"), "customers.txt")
    >>> head.line, head.headers, head.samples
    (1, ['客户编号', '姓名'], [['C1', '张三']])
    """
    name = safe_name(filename)
    if name.lower().endswith(".xlsx"):
        return _xlsx_head(data, name, rows)
    return _text_head(data, name, rows)


@dataclass
class HeaderCheck:
    """One uploaded table file's header row against its kind's columns: the problems with
    the mapping given (none: every required column found), and the column each header is
    taken for at the start of the editor (the mapping's, else the one suggested)."""

    file: str
    kind: FileKind
    head: Head
    problems: list[Problem]
    start: dict[str, str | None]
    auto: dict[str, str]  # {header: column} as read without any mapping

    @property
    def ok(self) -> bool:
        return not self.problems

    def sample(self, i: int) -> str:
        """The first non-empty value under header ``i`` (cut short)."""
        for row in self.head.samples:
            if i < len(row) and row[i]:
                return row[i][:SAMPLE_CHARS]
        return ""


def _auto(kind: FileKind, headers: list[str]) -> dict[str, str]:
    found, _, _ = match_headers(kind, headers)
    return {headers[i]: key for key, i in found.items()}


def check_headers(
    files: dict[str, bytes], mapping: dict | None = None, read=file_head
) -> list[HeaderCheck]:
    """Every table file of ``files`` (name -> bytes; polygon files and unknown names are
    the loader's to report) with its header problems under ``mapping`` (a profile,
    ``{stem: {their header: our key}}``); ``read(data, name)`` is :func:`file_head` or a
    cache of it (the guarded reader proves a whole workbook before its first row).

    Examples
    --------
    >>> [c] = check_headers({"bank.csv": "代码,名称\\nB1,某行\\n".encode()})
    >>> c.file, c.ok, c.start, [p.key for p in c.problems]
    ('bank.csv', False, {'代码': 'code', '名称': 'name'}, ['load.read.missing_close', \
'load.read.missing_close'])
    >>> check_headers({"bank.csv": "代码,名称\\n".encode()}, {"bank": {"代码": "code",
    ...     "名称": "name"}})[0].ok
    True
    """
    mapping = mapping or {}
    out = []
    for raw_name, data in files.items():
        name = safe_name(raw_name)
        kind = kind_of(name)
        if kind is None or kind.polygons:
            continue
        try:
            head = read(data, name)
        except ProblemError as err:
            out.append(HeaderCheck(name, kind, Head(0, []), err.problems, {}, {}))
            continue
        given = mapping.get(kind.stem) or {}
        _, _, problems = match_headers(kind, head.headers, given, file=name, row=head.line)
        chosen = {normalise(h): k for h, k in given.items()}
        free = [h for h in head.headers if normalise(h) and normalise(h) not in chosen]
        taken = {k for k in chosen.values() if k}
        suggested = {h: k for h, k in suggest_mapping(free, kind).items() if k not in taken}
        start = {
            h: chosen[normalise(h)] if normalise(h) in chosen else suggested.get(h)
            for h in head.headers
            if normalise(h)
        }
        out.append(HeaderCheck(name, kind, head, problems, start, _auto(kind, head.headers)))
    return out


def edited_mapping(check: HeaderCheck, chosen: dict[str, str | None], given: dict) -> dict:
    """A file's mapping after the editor: the headers whose column differs from how the
    file reads without a mapping, and every header ``given`` (the profile) names.

    Examples
    --------
    >>> [c] = check_headers({"bank.csv": "银行代码,名称,备注\\nB1,某行,x\\n".encode()})
    >>> edited_mapping(c, {"银行代码": "code", "名称": "name", "备注": None}, {})
    {'名称': 'name'}
    """
    named = {normalise(h) for h in given}
    return {
        h: k for h, k in chosen.items() if (k or None) != check.auto.get(h) or normalise(h) in named
    }


def column_labels(kind: FileKind | str) -> dict[str, str]:
    """{column key: its template header, required ones marked ``*``} for the editor.

    Examples
    --------
    >>> column_labels("bank")
    {'code': '银行代码 *', 'name': '银行名称 *'}
    """
    kind = kind if isinstance(kind, FileKind) else BY_STEM[kind]
    return {c.key: f"{c.header} *" if c.required else c.header for c in kind.columns}


# ---- problems and counts as tables -----------------------------------------------------


def _said(value, lang: str) -> str:
    if value is None:
        return ""
    return value.text(lang) if isinstance(value, Term) else str(value)


def problem_frame(problems: list[Problem], lang: str = "zh", limit: int | None = None):
    """Problems as a table: file, row, column, value (as the file wrote it), reason - the
    columns of the Excel report.

    Examples
    --------
    >>> problem_frame([Problem("load.check.empty", {"value": "=1+1"}, file="a.csv", row=3,
    ...                        field="客户号")]).astype(str).iloc[0].tolist()
    ['a.csv', '3', '客户号', '=1+1', '必须填写']
    """
    shown = problems if limit is None else problems[:limit]
    frame = pd.DataFrame(
        [
            (
                p.file or "",
                p.row,
                _said(p.field, lang),
                _said(p.params.get("value"), lang),
                p.message(lang),
            )
            for p in shown
        ],
        columns=list(PROBLEM_COLUMNS),
    )
    frame["row"] = frame["row"].astype("Int64")
    return frame


def _title(stem: str, lang: str) -> str:
    kind = BY_STEM.get(stem)
    if kind is None:
        return stem
    return kind.title_en if lang == "en" else kind.title


def _more(figures: dict, lang: str) -> str:
    parts = []
    for key, label in MORE.items():
        if figures.get(key):
            parts.append(f"{t(label, lang)} {figures[key]:,}")
    placed = figures.get("placed")
    if isinstance(placed, dict):
        for where, n in placed.items():
            if n:
                parts.append(f"{t(PLACED.get(str(where), 'data.count.placed_none'), lang)} {n:,}")
    return " · ".join(parts)


def counts_frame(counts: dict, lang: str = "zh", compact: bool = False, files=()) -> pd.DataFrame:
    """A load's counts per file: kind, file, rows read, bad rows, inserted, updated,
    unchanged, closed (empty where the file has none of these) and the rest in words;
    ``compact`` leaves out the columns no file has (a check has no inserted rows); the
    names of ``files`` stand for kinds the counts name by their stem (polygon files).

    Examples
    --------
    >>> counts_frame({"bank": {"file": "bank.csv", "read": 1, "bad": 0}}).astype(str).iloc[0].tolist()
    ['银行', 'bank.csv', '1', '0', '<NA>', '<NA>', '<NA>', '<NA>', '']
    """
    named = {}
    for name in files:
        kind = kind_of(safe_name(name))
        if kind is not None:
            named.setdefault(kind.stem, safe_name(name))
    rows = []
    for stem, figures in counts.items():
        if not isinstance(figures, dict) or "read" not in figures:
            continue  # "profiles": not a file
        file = str(figures.get("file") or stem)
        rows.append(
            [_title(stem, lang), named.get(stem, file) if file == stem else file]
            + [figures.get(k) for k in COUNTS]
            + [_more(figures, lang)]
        )
    frame = pd.DataFrame(rows, columns=["kind", "file", *COUNTS, "more"])
    for k in COUNTS:
        frame[k] = frame[k].astype("Int64")
    if compact:
        empty = [k for k in COUNTS if frame[k].isna().all()]
        empty += ["more"] if not frame["more"].astype(bool).any() else []
        frame = frame.drop(columns=empty)
    return frame


def _summary(counts: dict, lang: str) -> str:
    parts = []
    for stem, figures in counts.items():
        if isinstance(figures, dict) and "read" in figures:
            changed = [
                f"{t(COUNT_LABELS[k], lang)} {figures[k]:,}"
                for k in ("inserted", "updated", "closed")
                if figures.get(k)
            ]
            more = f" ({', '.join(changed)})" if changed else ""
            parts.append(f"{_title(stem, lang)} {figures['read']:,}{more}")
    return "; ".join(parts)


def runs_frame(runs: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """:func:`core.bank_data.runs.load_runs` as shown: when, source, batch, as-of date,
    status in words, seconds, problems, quarantined rows, files, rows read and a summary of
    the counts per file."""
    status = {
        "done": t("data.run.done", lang),
        "dry_run": t("data.run.dry_run", lang),
        "failed": t("data.run.failed", lang),
    }
    counts = runs["counts"] if len(runs) else pd.Series([], dtype=object)
    files = [sum(1 for v in c.values() if isinstance(v, dict) and "read" in v) for c in counts]
    read = [sum(v.get("read", 0) for v in c.values() if isinstance(v, dict)) for c in counts]
    return pd.DataFrame(
        {
            "id": runs["id"],
            "started_at": pd.to_datetime(runs["started_at"]),
            "source": [
                t("data.history.upload", lang) if s == UPLOAD else s
                for s in runs["source"].fillna("")
            ],
            "batch": runs["batch"].fillna(""),
            "as_of": runs["as_of"].astype(str),
            "status": [status.get(s, s) for s in runs["status"]],
            "seconds": runs["seconds"],
            "problems": runs["problems"],
            "quarantined": runs["quarantined"],
            "files": files,
            "rows": read,
            "summary": [_summary(c, lang) for c in counts],
        }
    )


# ---- the templates ---------------------------------------------------------------------


def templates_zip(stamp: str = "") -> bytes:
    """Every empty template and the field guide (:func:`write_templates`) as one zip, the
    watermark line ``stamp`` as its comment.

    Examples
    --------
    >>> names = zipfile.ZipFile(io.BytesIO(templates_zip())).namelist()
    >>> "customers.xlsx" in names, "字段说明.xlsx" in names
    (True, True)
    """
    out = io.BytesIO()
    with tempfile.TemporaryDirectory() as tmp:
        written = write_templates(Path(tmp))
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for path in written:
                z.write(path, path.name)
            z.comment = stamp.encode("utf-8")[:65535]
    return out.getvalue()
