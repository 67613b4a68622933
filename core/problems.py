"""The one way to say what is wrong: a :class:`Problem` names an i18n key, its values and
where it is (file, row, field); :class:`ProblemError` carries the problems a function found.

Every message a user can cause - a bad upload, a refused change, a form field - is a
``Problem``; the text lives in :mod:`core.i18n` and is rendered in the reader's language at
the last moment (a page through ``ui.problem_text``, the command line in both languages).

Examples
--------
>>> p = Problem("problem.upload.empty", file="a.kml")
>>> p.text("en")
'File a.kml: The file is empty'
>>> Problem("problem.value.number", {"value": "x"}, row=3, field="余额").text("zh")
'第 3 行 [余额]:“x” 不是数字'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from core.i18n import t


@dataclass(frozen=True)
class Problem:
    """One thing wrong, said once in every language.

    Attributes
    ----------
    key : str
        The i18n key of the message (``problem.<area>.<what>``).
    params : mapping
        Values for the message's ``{placeholders}`` (data, escaped on output by the caller).
    file : str or None
        The file's name as given (no path).
    row : int or None
        The 1-based row (sheet row, CSV line, feature) the problem is in.
    field : str or None
        The column, header or form field.
    """

    key: str
    params: Mapping = field(default_factory=dict)
    file: str | None = None
    row: int | None = None
    field: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))

    def message(self, lang: str = "zh") -> str:
        """The message alone, without file, row or field."""
        return t(self.key, lang, **self.params)

    def where(self, lang: str = "zh") -> str:
        """File, row and field as users read them ("" when the problem is about nothing)."""
        parts = []
        if self.file:
            parts.append(t("problem.where.file", lang, file=self.file))
        if self.row is not None:
            parts.append(t("problem.where.row", lang, row=self.row))
        if self.field:
            parts.append(f"[{self.field}]")
        return " ".join(parts)

    def text(self, lang: str = "zh") -> str:
        """The whole line in ``lang``: where, then the message."""
        where = self.where(lang)
        message = self.message(lang)
        if not where:
            return message
        return f"{where}{':' if lang != 'en' else ': '}{message}"

    def __str__(self) -> str:  # logs and the command line: both languages
        zh, en = self.text("zh"), self.text("en")
        return zh if zh == en else f"{zh} / {en}"


class ProblemError(ValueError):
    """Raised with every problem found; nothing was written.

    Examples
    --------
    >>> err = ProblemError([Problem("problem.upload.empty", file="a.csv")])
    >>> err.texts("en")
    ['File a.csv: The file is empty']
    """

    def __init__(self, problems: Iterable[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))

    def texts(self, lang: str = "zh") -> list[str]:
        """Each problem as one line in ``lang``."""
        return [p.text(lang) for p in self.problems]
