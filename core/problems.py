"""The one way to say what is wrong: a :class:`Problem` names an i18n key, its values and
where it is (file, row, item, field); :class:`ProblemError` carries the problems a function
found.

Every message a user can cause - a bad upload, a refused change, a form field - is a
``Problem``; the text lives in :mod:`core.i18n` and is rendered in the reader's language at
the last moment (a page through ``ui.problem_text``, the command line in both languages).
A word inside a problem that itself depends on the language (a form field's name, a
metric's name from the catalogue) is a :class:`Term`.

Examples
--------
>>> p = Problem("uploads.empty", file="a.kml")
>>> p.text("en")
'File a.kml: The file is empty or has no features'
>>> Problem("problem.value.number", {"value": "x"}, row=3, field="余额").text("zh")
'第3行 [余额]:“x”不是数字'
>>> Problem("problem.grid.overlap", {"other": "G2-002"}, item="G2-001").text("en")
'G2-001: overlaps grid G2-002'
>>> Problem("problem.staff.phone_format", row=2, field=Term("staffing.field.phone")).text("zh")
'第2行 [电话]:手机号须为11位数字,以1开头'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from core.i18n import pick, t


@dataclass(frozen=True)
class Term:
    """A word said differently per language: an i18n ``key`` (a form field's name), or a
    pair that came from data (``zh`` / ``en``: a metric's name from the catalogue).

    Examples
    --------
    >>> Term("name.field.grid_name").text("en"), Term(zh="存款", en="Deposits").text("zh")
    ('The grid name', '存款')
    """

    key: str | None = None
    zh: str | None = None
    en: str | None = None

    def text(self, lang: str = "zh") -> str:
        """The word in ``lang``."""
        return t(self.key, lang) if self.key else pick(self.zh or "", self.en or "", lang)

    def __str__(self) -> str:
        return self.text("zh")


def _said(value, lang: str):
    """A problem's value as the reader reads it (a :class:`Term` in their language)."""
    return value.text(lang) if isinstance(value, Term) else value


@dataclass(frozen=True)
class Problem:
    """One thing wrong, said once in every language.

    Attributes
    ----------
    key : str
        The i18n key of the message (``problem.<area>.<what>``).
    params : mapping
        Values for the message's ``{placeholders}`` (data, escaped on output by the caller;
        a :class:`Term` is said in the reader's language).
    file : str or None
        The file's name as given (no path).
    row : int or None
        The 1-based row (sheet row, CSV line, feature, table row) the problem is in.
    field : str, Term or None
        The column, header or property as the file names it, or a form field (a Term).
    item : str or None
        What the problem is about when that is no row: a grid's code, a unit's name.
    row_kind : str
        What a row is called: ``"row"`` (第3行) or ``"feature"`` (第3个要素) of a map file;
        the i18n key ``problem.where.<row_kind>``.
    """

    key: str
    params: Mapping = field(default_factory=dict)
    file: str | None = None
    row: int | None = None
    field: str | Term | None = None
    item: str | None = None
    row_kind: str = "row"

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))

    def message(self, lang: str = "zh") -> str:
        """The message alone, without file, row or field."""
        return t(self.key, lang, **{k: _said(v, lang) for k, v in self.params.items()})

    def where(self, lang: str = "zh") -> str:
        """File, row, item and field as users read them ("" when the problem is about
        nothing in particular)."""
        parts = []
        if self.file:
            parts.append(t("problem.where.file", lang, file=self.file))
        if self.row is not None:
            parts.append(t(f"problem.where.{self.row_kind}", lang, row=self.row))
        if self.item:
            parts.append(str(self.item))
        if self.field:
            parts.append(f"[{_said(self.field, lang)}]")
        return " ".join(parts)

    def text(self, lang: str = "zh") -> str:
        """The whole line in ``lang``: where, then the message."""
        where = self.where(lang)
        message = self.message(lang)
        if not where:
            return message
        return f"{where}{pick(':', ': ', lang)}{message}"

    def __str__(self) -> str:  # logs and the command line: both languages
        zh, en = self.text("zh"), self.text("en")
        return zh if zh == en else f"{zh} / {en}"


class ProblemError(ValueError):
    """Raised with every problem found; nothing was written.

    Examples
    --------
    >>> err = ProblemError([Problem("uploads.empty", file="a.csv")])
    >>> err.texts("en")
    ['File a.csv: The file is empty or has no features']
    """

    def __init__(self, problems: Iterable[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))

    def texts(self, lang: str = "zh") -> list[str]:
        """Each problem as one line in ``lang``."""
        return [p.text(lang) for p in self.problems]
