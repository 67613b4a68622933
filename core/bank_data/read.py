"""Reading one file of a bank's data folder: a table (CSV/TXT or .xlsx) as text cells under
our column keys, or a polygon file (service area, township and village areas).

Nothing is trusted: the kind is the file's name, the encoding is proved (UTF-8 with or
without BOM, else GB18030, which covers GBK), the delimiter (comma, ``|`` or tab) is read off
the header line, every cell stays text (an ID number is never a number) and is stripped, and
a line with the wrong number of fields (a stray delimiter, an export killed half-way) is left
out and reported with its line number. Workbooks are opened only through the guarded reader
(:func:`core.files.uploads.open_workbook`, see :mod:`core.bank_data.read_xlsx`); polygon files
through :func:`geo.io.read_polygons`.

A problem about the whole file (its name, encoding, headers; no data rows) raises
:class:`core.problems.ProblemError`; a problem about a row comes back with the table. What the
values mean (ID check digits, dates, amounts) is :mod:`core.bank_data.checks`' business.
"""

from __future__ import annotations

import csv
import io
import re
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from core.bank_data.headers import match_headers
from core.bank_data.spec import KINDS, FileKind, Table, kind_of
from core.files.downloads import is_watermark
from core.files.guard import MB, UTF8_BOM, safe_name
from core.problems import Problem, ProblemError

if TYPE_CHECKING:
    import geopandas

MAX_BYTES = 2_000_000_000
DELIMITERS = (",", "|", "\t")  # in this order when a header line has as many of each
EXCERPT = 60  # characters of a refused line shown in its problem
_BLANK = re.compile(rb"(?:\xef\xbb\xbf)?\s*\Z")  # an empty file (a BOM and blanks at most)
# the properties that may hold an area's code / name, first present wins
AREA_CODE_FIELDS = ("code", "CODE", "Code", "代码", "村社区代码", "乡镇街道代码", "编码")
AREA_NAME_FIELDS = ("name", "NAME", "Name", "名称", "村社区名称", "乡镇街道名称", "村名称")


def _problem(key: str, file: str, row: int | None = None, field=None, **values) -> Problem:
    return Problem(key, values, file=file, row=row, field=field)


def _known_names() -> str:
    return ", ".join(k.stem for k in KINDS)


def _kind(name: str, polygons: bool) -> FileKind:
    kind = kind_of(name)
    if kind is None or kind.polygons != polygons:
        raise ProblemError(
            _problem("load.read.unknown_kind", name, name=name, names=_known_names())
        )
    return kind


# ---- text: encoding and delimiter ------------------------------------------------------


def _utf8(data: bytes, name: str) -> bytes:
    """The file as UTF-8 bytes without a BOM, after proving its encoding."""
    refused = ProblemError(_problem("load.read.encoding", name))
    if b"\x00" in data:  # UTF-16/32 or binary: never a text export of ours
        raise refused
    if data.startswith(UTF8_BOM):
        data = data[len(UTF8_BOM) :]
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            raise refused from None
        return data
    try:
        data.decode("utf-8")
        return data
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030").encode("utf-8")
    except UnicodeDecodeError:
        raise refused from None


def decode_text(data: bytes, filename: str) -> str:
    """A text file's content: UTF-8 with or without BOM, else GB18030 (GBK); anything else
    (UTF-16, binary) is a :class:`ProblemError` ``load.read.encoding`` naming the file.

    Examples
    --------
    >>> decode_text("客户号".encode("gb18030"), "a.csv"), decode_text(b"\\xef\\xbb\\xbfx", "a.csv")
    ('客户号', 'x')
    >>> try:
    ...     decode_text("客户号".encode("utf-16"), "dir/a.csv")
    ... except ProblemError as err:
    ...     print(err.texts("en")[0])
    File a.csv: Unknown encoding: save the file as CSV in UTF-8 or GB18030 (GBK)
    """
    return _utf8(data, safe_name(filename)).decode("utf-8")


def sniff_delimiter(header_line: str) -> str:
    """The delimiter of a header line: the most frequent of comma, ``|`` and tab outside
    quotes (a comma when none is there or on a tie).

    Examples
    --------
    >>> sniff_delimiter("客户号|客户名称|地址"), sniff_delimiter('a\\t"b,c"\\td'), sniff_delimiter("x")
    ('|', '\\t', ',')
    """
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in header_line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(DELIMITERS, key=counts.__getitem__)
    return best if counts[best] else ","


def _header(body: bytes, name: str) -> tuple[int, int, str]:
    """(the header's line number, the byte after it, its text): the first line that is not
    blank nor our download's watermark."""
    pos, line = 0, 1
    while pos < len(body):
        end = body.find(b"\n", pos)
        end = len(body) if end < 0 else end
        text = body[pos:end].decode("utf-8").strip()
        if text and not is_watermark(text.lstrip('"')):
            return line, end + 1, text
        pos, line = end + 1, line + 1
    raise ProblemError(_problem("load.read.empty", name))


# ---- CSV/TXT -----------------------------------------------------------------------------


def _records(rest: bytes, delimiter: str, quoted: bool) -> dict[str, np.ndarray]:
    """Every record of ``rest``: its first byte, end, fields, length without ``\\r`` and
    the newlines before it. Delimiters and newlines inside double quotes do not count
    (RFC 4180: an escaped quote is two quotes, so the parity of the quotes before a
    character says whether it is inside)."""
    arr = np.frombuffer(rest, dtype=np.uint8)
    newlines = np.flatnonzero(arr == 10)
    delims = np.flatnonzero(arr == ord(delimiter))
    ends = newlines
    if quoted:
        quotes = np.flatnonzero(arr == 34)
        ends = newlines[np.searchsorted(quotes, newlines) % 2 == 0]
        delims = delims[np.searchsorted(quotes, delims) % 2 == 0]
    if len(arr) and (not len(ends) or ends[-1] != len(arr) - 1):
        ends = np.append(ends, len(arr))
    starts = np.concatenate(([0], ends[:-1] + 1)).astype(np.int64)
    fields = np.diff(np.searchsorted(delims, ends), prepend=0) + 1
    cr = np.zeros(len(ends), dtype=bool)
    some = ends > starts
    cr[some] = arr[ends[some] - 1] == 13
    length, before = ends - starts - cr, np.searchsorted(newlines, starts)
    return {"start": starts, "end": ends, "fields": fields, "length": length, "nl": before}


def _bad_line(key, name, line, width, found, text) -> Problem:
    value = text.strip()[:EXCERPT]
    return _problem(key, name, line, expected=width, found=int(found), value=value)


def _mapped_lines(rest, delimiter, width, rows, refused, first, name):
    """The line of each of the ``rows`` records read, and the refused lines' problems; None
    when the records found here are not those the parser found (odd quoting)."""
    rec = _records(rest, delimiter, b'"' in rest)
    blank = rec["length"] == 0
    good = (rec["fields"] == width) & ~blank
    bad = np.flatnonzero(~good & ~blank)
    if int(good.sum()) != rows or len(bad) != refused:
        return None
    problems = []
    last = int(np.flatnonzero(~blank)[-1]) if (~blank).any() else -1
    unbalanced = rest.count(b'"') % 2 == 1
    for i in bad:
        text = rest[rec["start"][i] : rec["end"][i]].decode("utf-8", "replace")
        if not text.strip():
            continue  # a line of spaces
        cut = i == last and (rec["fields"][i] < width or unbalanced)
        key = "load.read.truncated" if cut else "load.read.field_count"
        problems.append(
            _bad_line(key, name, first + int(rec["nl"][i]), width, rec["fields"][i], text)
        )
    return first + rec["nl"][good], problems


def _arrow(rest: bytes, delimiter: str, width: int, wanted: list[int]):
    """The records of ``rest`` with ``width`` fields (the ``wanted`` columns, trimmed) and
    how many records had another number of fields; None when pyarrow cannot parse them."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pcsv

    refused = [0]

    def skip(row) -> str:
        refused[0] += 1
        return "skip"

    names = [f"f{i}" for i in range(width)]
    try:
        table = pcsv.read_csv(
            io.BytesIO(rest),
            read_options=pcsv.ReadOptions(column_names=names),
            parse_options=pcsv.ParseOptions(
                delimiter=delimiter,
                newlines_in_values=b'"' in rest,
                invalid_row_handler=skip,
            ),
            convert_options=pcsv.ConvertOptions(
                column_types={names[i]: pa.string() for i in wanted},
                include_columns=[names[i] for i in wanted],
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowException:
        return None
    columns = [pc.utf8_trim_whitespace(table.column(i)) for i in range(table.num_columns)]
    return columns, table.num_rows, refused[0]


def _csv_module(rest: bytes, delimiter: str, width: int, wanted: list[int], first: int, name: str):
    """The same as :func:`_arrow` + :func:`_mapped_lines` with the csv module (slower; for
    quotes pyarrow and the quote parity do not agree on)."""
    reader = csv.reader(io.StringIO(rest.decode("utf-8"), newline=""), delimiter=delimiter)
    kept: list[list[str]] = []
    lines, refused = [], []
    done = 0  # physical lines read before the current record
    try:
        for fields in reader:
            line, done = first + done, reader.line_num
            if len(fields) <= 1 and not "".join(fields).strip() and width > 1:
                continue
            if len(fields) != width:
                refused.append((line, len(fields), delimiter.join(fields)))
                continue
            if not any(fields[i].strip() for i in wanted):
                continue  # nothing of ours on this line
            kept.append(fields)
            lines.append(line)
    except csv.Error:
        raise ProblemError(_problem("load.read.bad_csv", name, first + done)) from None
    problems = []
    for line, found, text in refused:
        cut = line == refused[-1][0] and found < width and (not lines or lines[-1] < line)
        key = "load.read.truncated" if cut else "load.read.field_count"
        problems.append(_bad_line(key, name, line, width, found, text))
    columns = [[row[i].strip() for row in kept] for i in wanted]
    return columns, np.asarray(lines, dtype=np.int64), problems


def _read_csv(data, name, kind, mapping) -> tuple[Table, list[Problem]]:
    body = _utf8(data, name)
    if b"\n" not in body and b"\r" in body:  # old Mac line ends
        body = body.replace(b"\r", b"\n")
    header_line, offset, text = _header(body, name)
    delimiter = sniff_delimiter(text)
    headers = [h.strip() for h in next(csv.reader([text], delimiter=delimiter))]
    found, ignored, problems = match_headers(kind, headers, mapping, file=name, row=header_line)
    if problems:
        raise ProblemError(problems)
    rest, width, wanted = body[offset:], len(headers), list(found.values())
    first = header_line + 1
    parsed = _arrow(rest, delimiter, width, wanted)
    mapped = None
    if parsed is not None:
        columns, rows, refused = parsed
        lines_total = rest.count(b"\n") + (0 if rest.endswith(b"\n") or not rest else 1)
        if not refused and b'"' not in rest and rows == lines_total:
            mapped = (np.arange(first, first + rows, dtype=np.int64), [])
        else:
            mapped = _mapped_lines(rest, delimiter, width, rows, refused, first, name)
    if mapped is None:
        columns, lines, problems = _csv_module(rest, delimiter, width, wanted, first, name)
        frame = pd.DataFrame(dict(zip(found, columns, strict=False)), dtype=object)
    else:
        import pyarrow as pa
        import pyarrow.compute as pc

        lines, problems = mapped
        table = pa.table(dict(zip(found, columns, strict=False)))
        if len(table) and table.num_columns:
            empty = [pc.equal(c, "") for c in table.columns]
            blank = empty[0]
            for e in empty[1:]:
                blank = pc.and_(blank, e)
            if pc.any(blank).as_py():
                lines = lines[~blank.to_numpy(zero_copy_only=False)]
                table = table.filter(pc.invert(blank))
        frame = table.to_pandas(types_mapper=pd.ArrowDtype)  # text stays Arrow: no str objects
    return _finish(kind, name, frame, lines, headers, found, ignored, problems, header_line)


def _finish(kind, name, frame, lines, headers, found, ignored, problems, header_line):
    """The table, or ``load.read.no_rows`` when it has no rows and none was refused."""
    if not len(frame) and not problems:
        raise ProblemError(_problem("load.read.no_rows", name, header_line))
    said = {key: headers[i] for key, i in found.items()}
    table = Table(kind, name, frame, np.asarray(lines, dtype=np.int64), said, ignored)
    return table, sorted(problems, key=lambda p: (p.row or 0, str(p.field or "")))


# ---- the entry points --------------------------------------------------------------------


def read_table(
    data: bytes,
    filename: str,
    *,
    mapping: dict | None = None,
    max_bytes: int = MAX_BYTES,
) -> tuple[Table, list[Problem]]:
    """Read a table file of a bank's data folder.

    Parameters
    ----------
    data : bytes
        The file's content.
    filename : str
        Its name: the stem is its kind (``customers.csv``), the extension its format
        (``.csv``/``.txt``: delimited text; ``.xlsx``: the first sheet).
    mapping : dict, optional
        A profile's headers for this kind, ``{their header: our column key}`` (a value None
        ignores that header); a whole profile ``{stem: {...}}`` is read for this file's stem.
    max_bytes : int
        Larger files are refused (``load.read.too_large``).

    Returns
    -------
    (Table, list of Problem)
        Cells as stripped text under the column keys found, each row's line (CSV) or sheet
        row, and the rows' problems: a line with the wrong number of fields (left out), a
        cut-off last line, a formula (its cell left empty).

    Raises
    ------
    core.problems.ProblemError
        An unknown file name, encoding or size; required headers missing, a header mapped
        twice, another kind's headers; an empty file or a header row only; a workbook the
        guarded reader refuses.
    """
    name = safe_name(filename)
    kind = _kind(name, polygons=False)
    if mapping and all(isinstance(v, dict) for v in mapping.values()):
        mapping = mapping.get(kind.stem) or {}
    if len(data) > max_bytes:
        raise ProblemError(_problem("load.read.too_large", name, limit=max(1, max_bytes // MB)))
    if _BLANK.match(data):
        raise ProblemError(_problem("load.read.empty", name))
    if name.lower().endswith(".xlsx"):
        from core.bank_data.read_xlsx import read_xlsx

        return read_xlsx(data, name, kind, mapping)
    return _read_csv(data, name, kind, mapping)


def read_areas(data: bytes, filename: str, crs: str) -> geopandas.GeoDataFrame:
    """A polygon file of the folder (``territory``, ``township_areas``, ``village_areas``):
    GeoJSON, zipped Shapefile or KML through the guarded reader, in WGS-84.

    Returns columns ``code`` (a property code / 代码 / 村社区代码 / 乡镇街道代码 / 编码;
    None when there is none), ``name`` (None when unnamed), ``geometry`` and ``row`` (the
    feature's number). ``crs`` is what the coordinates are declared in (WGS84 / GCJ02 /
    CGCS2000); a shapefile's projected ``.prj`` is honoured first. Problems raise
    :class:`ProblemError` (``uploads.*``, ``problem.geometry.*``, ``load.read.unknown_kind``).
    """
    from geo.io import read_polygons

    name = safe_name(filename)
    _kind(name, polygons=True)
    areas = read_polygons(
        data,
        filename,
        crs,
        code_fields=AREA_CODE_FIELDS,
        name_fields=AREA_NAME_FIELDS,
        unique_names=False,
        unnamed=None,
    )
    return areas[["code", "name", "geometry", "row"]]
