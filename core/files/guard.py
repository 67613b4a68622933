"""The guard every upload passes before a reader sees it: limits, the uploaded name made fit
to show, what a refusal says (a :class:`core.problems.Problem` with an ``uploads.*`` key, the
library's own error logged server-side only), and zip archives read in memory under limits.

:mod:`core.files.uploads` (which kind of file, and its magic) and the readers
(:mod:`core.files.vector_files`, the Excel reader) build on these; none of them imports the
dispatcher back.
"""

from __future__ import annotations

import logging
import re
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO
from pathlib import PurePosixPath

from core.problems import Problem, ProblemError

log = logging.getLogger(__name__)

MB = 1024 * 1024
MAX_UPLOAD_BYTES = 50 * MB  # any upload, before anything is parsed
MAX_UNPACKED_BYTES = 200 * MB  # everything a zip (or an .xlsx) unpacks to
MAX_MEMBERS = 1000  # entries in one zip
MAX_RATIO = 200  # uncompressed / compressed, for members over RATIO_FROM bytes
RATIO_FROM = MB
UTF8_BOM = b"\xef\xbb\xbf"
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a zip with members / an empty zip


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


def problem(
    key: str, file: str | None = None, row: int | None = None, field: str | None = None, **values
) -> Problem:
    """The problem ``uploads.<key>`` (its values as keywords); a row is a map file's feature.

    Examples
    --------
    >>> p = problem("bad_geometry", "a.kml", 3, "geometry")
    >>> p.key, p.where("en"), p.where("zh")
    ('uploads.bad_geometry', 'File a.kml feature 3 [geometry]', '文件 a.kml 第 3 个要素 [geometry]')
    """
    return Problem(f"uploads.{key}", values, file=file, row=row, field=field, row_kind="feature")


def refuse(key: str, file: str | None, exc: BaseException | None = None, **values) -> ProblemError:
    """A :class:`ProblemError` about the whole file; ``exc`` (a library's error) is only
    logged.

    Examples
    --------
    >>> refuse("empty", "a.kml").texts("zh")
    ['文件 a.kml:文件为空或没有要素']
    """
    if exc is not None:
        logged(key, file, exc)
    return ProblemError([problem(key, file, **values)])


def logged(key: str, file: str | None, exc: BaseException) -> None:
    """Log a library's error behind a refusal server-side (users never read it)."""
    log.warning("upload %r refused (%s): %s: %s", file, key, type(exc).__name__, exc)


# ---- what a reader gets -------------------------------------------------------------


@dataclass(frozen=True)
class Upload:
    """An upload that passed the common checks, handed to a kind's reader."""

    name: str  # safe_name of the uploaded name
    data: bytes
    extension: str  # lower case, with the dot


def text_start(data: bytes) -> bytes:
    """The first bytes of a text file without a UTF-8 byte-order mark and blanks."""
    head = data[:4096]
    if head.startswith(UTF8_BOM):
        head = head[len(UTF8_BOM) :]
    return head.lstrip()


# ---- zip archives --------------------------------------------------------------------


def zip_members(
    upload: Upload, wanted: Callable[[str], bool] = lambda name: True
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
        if info.file_size > RATIO_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
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


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int, name: str) -> bytes:
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
    except ProblemError:
        raise
    except Exception as exc:  # zipfile/zlib raise several kinds for damaged members
        raise refuse("bad_zip", name, exc) from None
    return b"".join(chunks)


def is_zip(data: bytes) -> bool:
    """True when ``data`` starts like a zip archive (with members, or empty)."""
    return data[:4] in ZIP_MAGIC
