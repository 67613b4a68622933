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

Whatever goes wrong becomes a :class:`core.problems.ProblemError` carrying problems
(``uploads.*`` keys) that name the file, and the feature and field where there is one; a
library's own error text is logged server-side and never shown. The limits, the refusals and
the zip reader are :mod:`core.files.guard`'s, which the readers build on too.

Adding a kind (CSV, say): write ``reader(upload: Upload) -> object`` raising through
:func:`core.files.guard.refuse` (or collecting :func:`core.files.guard.problem` s), and
``register(Kind("csv", (".csv", ".txt"), looks_like, reader))``; the size, extension,
emptiness and magic checks come with it.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO
from pathlib import PurePosixPath
from typing import Any

from core.files import vector_files
from core.files.guard import (
    MAX_UPLOAD_BYTES,
    MB,
    UTF8_BOM,
    Upload,
    is_zip,
    refuse,
    safe_name,
    text_start,
    zip_members,
)
from core.problems import ProblemError  # noqa: F401  (what every refusal raises; doctests)

# ---- kinds ---------------------------------------------------------------------------


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
    core.problems.ProblemError
        Too large, an extension not accepted, empty, content that is not what the extension
        says, or whatever the reader finds.

    Examples
    --------
    >>> try:
    ...     read_upload(b"SQLite format 3\\x00", "grids.geojson", ("geojson",))
    ... except ProblemError as err:
    ...     print(err.problems[0].file, err.problems[0].key)
    grids.geojson uploads.mismatch
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
        raise refuse("macro_workbook" if _MACRO_SHEET in types else "not_workbook", upload.name)
    if any(_xml_declares_dtd(content) for content in parts.values()):
        raise refuse("xml_doctype", upload.name)
    try:
        return load_workbook(BytesIO(upload.data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise refuse("bad_xlsx", upload.name, exc) from None


def open_workbook(data: bytes, filename: str):
    """The uploaded Excel workbook ``data`` (read-only; formulas come back as ``"=..."``
    text), or a :class:`core.problems.ProblemError` naming the file."""
    return read_upload(data, filename, ("xlsx",))


# ---- the kinds (the vector readers live in core.files.vector_files) -------------------

register(
    Kind(
        "geojson",
        (".geojson", ".json"),
        lambda d: text_start(d)[:1] == b"{",
        vector_files.read_geojson,
        "GeoJSON",
    )
)
register(Kind("kml", (".kml",), lambda d: text_start(d)[:1] == b"<", vector_files.read_kml, "KML"))
register(Kind("shapefile", (".zip",), is_zip, vector_files.read_shapefile_zip, "zip (Shapefile)"))
register(Kind("xlsx", (".xlsx",), is_zip, _read_xlsx, "Excel (.xlsx)"))
