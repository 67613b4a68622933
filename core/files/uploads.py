"""The one guarded way to read a file that a user uploads.

Every upload goes through :func:`read_upload`: it checks the size first, then that the
extension is one the caller accepts, that the file is not empty and that its first bytes
(magic) are what the extension claims, and only then hands the bytes to the narrowest reader
registered for that kind (:data:`KINDS`): GeoJSON with ``json`` + shapely, KML with the
standard library's expat (no DOCTYPE, no entities), zipped Shapefile with pyshp (pure Python),
Excel with openpyxl in read-only mode after the workbook's zip has been checked. No reader
ever opens a file by its content (GDAL/pyogrio opens a VRT or a SQLite database whatever the
name says), nothing is written to disk, and zip members are read in memory under their
flattened names with limits on their number, size and compression ratio.

Whatever goes wrong becomes an :class:`UploadError` carrying :class:`UploadProblem` s that
name the file (and the row and field where there is one) in Chinese and English; a library's
own error text is logged server-side and never shown.

Adding a kind (CSV, say): write ``reader(upload: Upload) -> object`` raising ``UploadError``
(use :func:`problem`), and ``register(Kind("csv", (".csv", ".txt"), looks_like, reader))``;
the size, extension, emptiness and magic checks come with it.
"""
from __future__ import annotations

import logging
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import PurePosixPath
from typing import Any, Callable

log = logging.getLogger(__name__)

MB = 1024 * 1024
MAX_UPLOAD_BYTES = 50 * MB  # any upload, before anything is parsed
MAX_UNPACKED_BYTES = 200 * MB  # everything a zip (or an .xlsx) unpacks to
MAX_MEMBERS = 1000  # entries in one zip
MAX_RATIO = 200  # uncompressed / compressed, for members over RATIO_FROM bytes
RATIO_FROM = MB
UTF8_BOM = b"\xef\xbb\xbf"
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a zip with members / an empty zip


@dataclass(frozen=True)
class UploadProblem:
    """One problem of an uploaded file, shown to the user.

    Attributes
    ----------
    row : int or None
        1-based feature or sheet row; ``None`` means the whole file.
    field : str or None
        What is wrong: ``"file"``, ``"geometry"``, ``"name"``, ``"code"``, a column...
    message_zh, message_en : str
        The explanation in Chinese and in English (never a library's text).
    file : str or None
        The file's name as uploaded (without any path).

    Examples
    --------
    >>> p = UploadProblem(None, "file", "文件为空", "The file is empty", "a.kml")
    >>> p.text("en")
    'File a.kml [file]: The file is empty'
    >>> UploadProblem(3, "name", "名称重复", "duplicate name").text("zh")
    '第 3 个要素 [name]:名称重复'
    """

    row: int | None
    field: str | None
    message_zh: str
    message_en: str
    file: str | None = None

    def text(self, lang: str = "zh") -> str:
        """The problem as one line in ``lang`` ("zh" or "en"), file and row named."""
        zh = lang != "en"
        where = []
        if self.file:
            where.append(f"文件 {self.file}" if zh else f"File {self.file}")
        if self.row is not None:
            where.append(f"第 {self.row} 个要素" if zh else f"feature {self.row}")
        head = " ".join(where)
        field = f" [{self.field}]" if self.field else ""
        return f"{head}{field}{':' if zh else ': '}{self.message_zh if zh else self.message_en}"

    def __str__(self) -> str:
        return f"{self.text('zh')} ({self.message_en})"


class UploadError(ValueError):
    """An upload that cannot be used; ``problems`` lists every problem found.

    Examples
    --------
    >>> err = UploadError([UploadProblem(None, "file", "文件为空", "empty file")])
    >>> err.problems[0].field
    'file'
    """

    def __init__(self, problems: list[UploadProblem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def safe_name(filename: str | None) -> str:
    """The uploaded name fit to show: no folders, no control characters, at most 80 chars.

    Examples
    --------
    >>> safe_name("../../etc/passwd.geojson"), safe_name("C:\\\\x\\\\网格.kml"), safe_name("")
    ('passwd.geojson', '网格.kml', 'upload')
    """
    base = re.split(r"[\\/]", str(filename or ""))[-1]
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip()
    return base[:80] or "upload"


def problem(key: str, file: str | None = None, row: int | None = None,
            field: str | None = "file", **values) -> UploadProblem:
    """A problem whose text is the i18n key ``uploads.<key>`` in both languages."""
    from core.i18n import t

    return UploadProblem(row, field, t(f"uploads.{key}", "zh", **values),
                         t(f"uploads.{key}", "en", **values), file)


def refuse(key: str, file: str | None, exc: BaseException | None = None,
           **values) -> UploadError:
    """An ``UploadError`` for the whole file; ``exc`` (a library's error) is only logged."""
    if exc is not None:
        logged(key, file, exc)
    return UploadError([problem(key, file, **values)])


def logged(key: str, file: str | None, exc: BaseException) -> None:
    """Log a library's error behind a refusal server-side (users never read it)."""
    log.warning("upload %r refused (%s): %s: %s", file, key, type(exc).__name__, exc)


# ---- kinds ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Upload:
    """An upload that passed the common checks, handed to a kind's reader."""

    name: str  # safe_name of the uploaded name
    data: bytes
    extension: str  # lower case, with the dot


@dataclass(frozen=True)
class Kind:
    """A kind of upload: its extensions, how its content starts, and its reader."""

    name: str
    extensions: tuple[str, ...]
    looks_like: Callable[[bytes], bool]  # the magic check on the raw bytes
    reader: Callable[[Upload], Any]
    label: str = ""  # how the messages call it, e.g. "GeoJSON"
    max_bytes: int = MAX_UPLOAD_BYTES


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    """Add (or replace) a kind of upload; returns it."""
    KINDS[kind.name] = kind
    return kind


def read_upload(data: bytes, filename: str, accept: tuple[str, ...]) -> Any:
    """Check an upload and read it with the reader of the kind its extension names.

    Parameters
    ----------
    data : bytes
        The uploaded content.
    filename : str
        Its name as uploaded; only the extension is used (and the base name in messages).
    accept : tuple of str
        The kinds the caller takes, e.g. ``("geojson", "kml", "shapefile")``.

    Returns
    -------
    object
        What the kind's reader returns.

    Raises
    ------
    UploadError
        Too large, an extension not accepted, empty, content that is not what the extension
        says, or whatever the reader finds.

    Examples
    --------
    >>> try:
    ...     read_upload(b"SQLite format 3\\x00", "grids.geojson", ("geojson",))
    ... except UploadError as err:
    ...     print(err.problems[0].file, err.problems[0].field)
    grids.geojson file
    """
    name = safe_name(filename)
    kinds = [KINDS[k] for k in accept]
    extension = PurePosixPath(name.lower()).suffix
    kind = next((k for k in kinds if extension in k.extensions), None)
    accepted = ", ".join(e for k in kinds for e in k.extensions)
    if len(data) > max(k.max_bytes for k in kinds):
        raise refuse("too_large", name, limit=max(k.max_bytes for k in kinds) // MB)
    if kind is None:
        raise refuse("extension", name, ext=extension or "?", accepted=accepted)
    if len(data) > kind.max_bytes:
        raise refuse("too_large", name, limit=kind.max_bytes // MB)
    if not data.strip() or data.strip() == UTF8_BOM:
        raise refuse("empty", name)
    if not kind.looks_like(data):
        raise refuse("mismatch", name, ext=extension, kind=kind.label or kind.name)
    return kind.reader(Upload(name, data, extension))


def text_start(data: bytes) -> bytes:
    """The first bytes of a text file without a UTF-8 byte-order mark and blanks."""
    head = data[:4096]
    if head.startswith(UTF8_BOM):
        head = head[len(UTF8_BOM):]
    return head.lstrip()


# ---- zip archives --------------------------------------------------------------------

def zip_members(upload: Upload, wanted: Callable[[str], bool] = lambda name: True
                ) -> dict[str, bytes]:
    """Check the zip archive ``upload`` and read the members ``wanted`` picks (by flattened
    name), in archive order, as {flattened name: bytes} (the first of equal names wins).

    Refused: a damaged or truncated archive, more than :data:`MAX_MEMBERS` entries,
    encrypted members, compression other than stored/deflate, members whose compression
    ratio or total size exceed the limits (declared or as actually read). Names are never
    used as paths; folders and ``..`` are dropped (``a/../../x.shp`` is ``x.shp``).
    """
    name = upload.name
    try:
        archive = zipfile.ZipFile(BytesIO(upload.data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise refuse("bad_zip", name, exc) from None
    if len(infos) > MAX_MEMBERS:
        raise refuse("zip_too_many", name, limit=MAX_MEMBERS)
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise refuse("zip_encrypted", name)
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise refuse("zip_method", name)
        total += info.file_size
        if (info.file_size > RATIO_FROM
                and info.file_size > MAX_RATIO * max(info.compress_size, 1)):
            raise refuse("zip_too_large", name)
    if total > MAX_UNPACKED_BYTES:
        raise refuse("zip_too_large", name)
    out: dict[str, bytes] = {}
    budget = MAX_UNPACKED_BYTES
    with archive:
        for info in infos:
            flat = PurePosixPath(info.filename.replace("\\", "/")).name
            if info.is_dir() or not flat or info.filename.startswith("__MACOSX/"):
                continue
            if not wanted(flat):
                continue
            content = _read_member(archive, info, budget, name)
            budget -= len(content)
            out.setdefault(flat, content)
    return out


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int,
                 name: str) -> bytes:
    """One member, read in chunks and stopped as soon as it outgrows what it declared or
    the budget left (a zip may lie about sizes); checksum checked by zipfile."""
    limit = min(info.file_size, budget)
    chunks, size = [], 0
    try:
        with archive.open(info) as member:
            while chunk := member.read(1 << 16):
                size += len(chunk)
                if size > limit:
                    raise refuse("zip_too_large", name)
                chunks.append(chunk)
    except UploadError:
        raise
    except Exception as exc:  # zipfile/zlib raise several kinds for damaged members
        raise refuse("bad_zip", name, exc) from None
    return b"".join(chunks)


def _is_zip(data: bytes) -> bool:
    return data[:4] in ZIP_MAGIC


# ---- Excel workbooks -----------------------------------------------------------------

_OOXML_SHEET = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_MACRO_SHEET = b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"


def _xml_declares_dtd(content: bytes) -> bool:
    """True when an XML part carries a DOCTYPE or ENTITY declaration (in UTF-8 or UTF-16)."""
    texts = [content]
    if content[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in content[:64]:
        for codec in ("utf-16", "utf-16-le", "utf-16-be"):
            try:
                texts.append(content.decode(codec).encode("utf-8"))
                break
            except UnicodeDecodeError:
                continue
    return any(b"<!DOCTYPE" in t or b"<!ENTITY" in t for t in texts)


def _read_xlsx(upload: Upload):
    """An .xlsx workbook, opened read-only with formulas as their text (``"=..."``), so a
    caller can refuse them; only after its zip and parts were checked."""
    from openpyxl import load_workbook

    # every part openpyxl parses, read (sizes and checksums verified) and scanned for DTDs
    parts = zip_members(upload, lambda flat: flat.lower().endswith((".xml", ".rels")))
    try:
        archive = zipfile.ZipFile(BytesIO(upload.data))
        names = set(archive.namelist())
        types = archive.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
    except Exception as exc:  # checked above; anything left is a damaged archive
        raise refuse("bad_zip", upload.name, exc) from None
    if "xl/workbook.xml" not in names or _OOXML_SHEET not in types:
        raise refuse("macro_workbook" if _MACRO_SHEET in types else "not_workbook",
                     upload.name)
    if any(_xml_declares_dtd(content) for content in parts.values()):
        raise refuse("xml_doctype", upload.name)
    try:
        return load_workbook(BytesIO(upload.data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise refuse("bad_xlsx", upload.name, exc) from None


def open_workbook(data: bytes, filename: str):
    """The uploaded Excel workbook ``data`` (read-only; formulas come back as ``"=..."``
    text), or ``UploadError`` naming the file."""
    return read_upload(data, filename, ("xlsx",))


# ---- the vector kinds (their readers live in core.files.vector_files) ----------------------

def _vector(reader: str) -> Callable[[Upload], Any]:
    def read(upload: Upload):
        from core.files import vector_files

        return getattr(vector_files, reader)(upload)
    read.__name__ = reader
    return read


register(Kind("geojson", (".geojson", ".json"), lambda d: text_start(d)[:1] == b"{",
              _vector("read_geojson"), "GeoJSON"))
register(Kind("kml", (".kml",), lambda d: text_start(d)[:1] == b"<", _vector("read_kml"),
              "KML"))
register(Kind("shapefile", (".zip",), _is_zip, _vector("read_shapefile_zip"),
              "zip (Shapefile)"))
register(Kind("xlsx", (".xlsx",), _is_zip, _read_xlsx, "Excel (.xlsx)"))
