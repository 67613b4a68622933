"""Empty templates of a bank's data files and their field guide: ``python -m core template``.

One ``<stem>.xlsx`` per table kind of :data:`core.bank_data.spec.KINDS`: the template headers,
required first (bold), then the optional ones; the columns that hold codes, ID numbers and
mobile numbers formatted as text (so Excel keeps leading zeros and 18-digit ID numbers);
lists to pick from where a column takes one of a few values; the header row frozen. And
``字段说明.xlsx``, the field guide in Chinese: every column of every kind with its type,
whether it is required and examples of what is read; then every kind of file, its formats,
encodings and the nightly batches' done-markers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from core.bank_data.spec import KINDS, Column, FileKind
from core.i18n import t

GUIDE_FILE = "字段说明.xlsx"
# columns Excel must keep as typed: leading zeros, 18-digit ID numbers, 11-digit mobiles
TEXT_TYPES = frozenset({"code", "id_number", "mobile", "village", "township"})
TYPE_WORDS = {
    "text": "template.type.text",
    "code": "template.type.code",
    "village": "template.type.village",
    "township": "template.type.township",
    "id_number": "template.type.id_number",
    "mobile": "template.type.mobile",
    "date": "template.type.date",
    "month": "template.type.month",
    "datetime": "template.type.datetime",
    "amount": "template.type.amount",
    "number": "template.type.number",
    "lon": "template.type.lon",
    "lat": "template.type.lat",
    "flag": "template.type.flag",
    "choice": "template.type.choice",
    "crs": "template.type.crs",
}
EXAMPLES = {
    "code": "template.example.code",
    "village": "template.example.village",
    "township": "template.example.township",
    "id_number": "template.example.id_number",
    "mobile": "template.example.mobile",
    "date": "template.example.date",
    "month": "template.example.month",
    "datetime": "template.example.datetime",
    "amount": "template.example.amount",
    "number": "template.example.number",
    "lon": "template.example.lon",
    "lat": "template.example.lat",
    "flag": "template.example.flag",
    "crs": "template.example.crs",
}
ROWS = {
    "bank": "template.row.bank",
    "territory": "template.row.territory",
    "township_areas": "template.row.township_areas",
    "village_areas": "template.row.village_areas",
    "villages": "template.row.villages",
    "branches": "template.row.branches",
    "staff": "template.row.staff",
    "customers": "template.row.customers",
    "holdings": "template.row.holdings",
    "other_bank": "template.row.other_bank",
    "balances": "template.row.balances",
    "visits": "template.row.visits",
}
GENERAL = (
    "template.general.names",
    "template.general.encodings",
    "template.general.excel",
    "template.general.coordinates",
    "template.general.updates",
    "template.general.batch",
)
FIELD_HEADS = (
    "template.col.file",
    "template.col.title",
    "template.col.field",
    "template.col.required",
    "template.col.type",
    "template.col.note",
    "template.col.aliases",
)
FILE_HEADS = (
    "template.col.file",
    "template.col.title",
    "template.col.row",
    "template.col.formats",
    "template.col.headers",
    "template.col.note",
)
WIDTHS = {"id_number": 22, "datetime": 18, "village": 16, "mobile": 15, "amount": 15}
CRS_NAMES = ("WGS84", "GCJ02", "CGCS2000")


def template_columns(kind: FileKind) -> tuple[Column, ...]:
    """A kind's columns in template order: the required ones first, then the optional ones.

    Examples
    --------
    >>> from core.bank_data.spec import BY_STEM
    >>> [c.header for c in template_columns(BY_STEM["bank"])]
    ['银行代码', '银行名称']
    """
    return kind.required + tuple(c for c in kind.columns if not c.required)


def template_headers(kind: FileKind) -> list[str]:
    """A kind's template headers, required first."""
    return [c.header for c in template_columns(kind)]


def type_words(column: Column, lang: str = "zh") -> str:
    """What a column holds, in words: ``18位身份证号``, ``取值之一:男 / 女``.

    Examples
    --------
    >>> from core.bank_data.spec import BY_STEM
    >>> type_words(BY_STEM["customers"].column("gender"))
    '取值之一:男 / 女'
    >>> type_words(BY_STEM["customers"].column("phone"), "en")
    '11-digit mobile number'
    """
    if column.type == "choice":
        return t(TYPE_WORDS["choice"], lang, values=" / ".join(column.choices or ()))
    return t(TYPE_WORDS[column.type], lang)


def field_note(column: Column, lang: str = "zh") -> str:
    """The field guide's explanation of a column: its note, whether every row needs a value
    and examples of what is read."""
    parts = [column.note.rstrip("。") + "。" if column.note else ""]
    if column.must_have_value:
        parts.append(t("template.must_have_value", lang))
    if column.type in EXAMPLES:
        parts.append(t(EXAMPLES[column.type], lang))
    return "".join(parts)


def _width(column: Column) -> int:
    default = 30 if column.type == "text" and column.size >= 100 else 13
    return max(WIDTHS.get(column.type, default), 2 * len(column.header) + 4)


def _picklist(column: Column) -> tuple[str, ...]:
    if column.type == "choice":
        return tuple(column.choices or ())
    if column.type == "flag":
        return ("是", "否")
    if column.type == "crs":
        return CRS_NAMES
    return ()


def write_table_xlsx(
    path: Path, columns: Sequence[Column], rows: Iterable[Sequence] = (), title: str = ""
) -> Path:
    """Write a workbook in the templates' layout: ``columns``' headers (required ones bold),
    text columns formatted as text, pick lists, widths, the header row frozen; then ``rows``
    (values in the order of ``columns``; text columns' values written as text)."""
    wb = Workbook()
    ws = wb.active
    ws.title = title or path.stem
    ws.append([c.header for c in columns])
    for i, column in enumerate(columns, start=1):
        letter = get_column_letter(i)
        cell = ws.cell(1, i)
        cell.font = Font(bold=column.required)
        cell.alignment = Alignment(horizontal="center")
        ws.column_dimensions[letter].width = _width(column)
        if column.type in TEXT_TYPES:
            ws.column_dimensions[letter].number_format = "@"
        values = _picklist(column)
        if values:
            # a pick list, not a rule: a bank's own spellings (Y/N, EPSG:...) are read too
            check = DataValidation(
                type="list", formula1='"' + ",".join(values) + '"', allow_blank=True
            )
            check.add(f"{letter}2:{letter}1048576")
            ws.add_data_validation(check)
    text_at = [i for i, c in enumerate(columns, start=1) if c.type in TEXT_TYPES]
    for r, row in enumerate(rows, start=2):
        for i, value in enumerate(row, start=1):
            if value is None or value == "":
                continue
            cell = ws.cell(r, i, str(value) if i in text_at else value)
            if i in text_at:
                cell.number_format = "@"
    ws.freeze_panes = "A2"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def write_field_guide(path: Path) -> Path:
    """Write the field guide (Chinese): sheet 字段说明, every column of every table kind;
    sheet 文件说明, every kind of file and the rules common to all."""
    wb = Workbook()
    ws = wb.active
    ws.title = t("template.sheet.fields")
    ws.append([t(key) for key in FIELD_HEADS])
    for kind in KINDS:
        for column in template_columns(kind):
            ws.append(
                [
                    kind.stem,
                    kind.title,
                    column.header,
                    t("template.yes" if column.required else "template.no"),
                    type_words(column),
                    field_note(column),
                    "、".join(column.aliases),
                ]
            )
    _layout(ws, (16, 12, 18, 6, 28, 60, 36))

    files = wb.create_sheet(t("template.sheet.files"))
    files.append([t(key) for key in FILE_HEADS])
    for kind in KINDS:
        files.append(
            [
                kind.stem,
                kind.title,
                t(ROWS[kind.stem]),
                t("template.format.polygons" if kind.polygons else "template.format.table"),
                "、".join(c.header for c in kind.required),
                kind.note,
            ]
        )
    files.append([])
    files.append([t("template.general")])
    files.cell(files.max_row, 1).font = Font(bold=True)
    for key in GENERAL:
        files.append([t(key)])
        files.merge_cells(
            start_row=files.max_row, start_column=1, end_row=files.max_row, end_column=6
        )
        files.row_dimensions[files.max_row].height = 48
    _layout(files, (16, 14, 24, 48, 48, 60))
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _layout(ws, widths: Sequence[int]) -> None:
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
        ws.cell(1, i).font = Font(bold=True)
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"


def write_templates(directory: Path) -> list[Path]:
    """Write an empty ``<stem>.xlsx`` template for every table kind and the field guide
    ``字段说明.xlsx`` into ``directory`` (made if missing); return the files written."""
    directory = Path(directory)
    written = [
        write_table_xlsx(directory / f"{kind.stem}.xlsx", template_columns(kind))
        for kind in KINDS
        if not kind.polygons
    ]
    written.append(write_field_guide(directory / GUIDE_FILE))
    return written
