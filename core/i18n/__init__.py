"""Every text a user reads, in Chinese (default) and English.

The texts live by area (``core/i18n/<area>.py``: frame, access, words, grids, customers,
performance, visits, problems, bank_data), merged here into ``TEXT``; a key defined twice fails at import.
``t(key, lang)`` looks a key up; a missing key raises, and ``tests/test_i18n.py`` checks that
every key has both languages and that every ``t("...")`` in the code exists.
"""

from __future__ import annotations

from core.i18n import (
    access,
    bank_data,
    customers,
    frame,
    grids,
    performance,
    problems,
    visits,
    words,
)

LANGUAGES = ("zh", "en")

AREAS = (access, bank_data, customers, frame, grids, performance, problems, visits, words)


def _merged() -> dict[str, tuple[str, str]]:
    text: dict[str, tuple[str, str]] = {}
    for area in AREAS:
        twice = text.keys() & area.TEXT.keys()
        if twice:
            raise ValueError(f"i18n keys defined twice: {sorted(twice)}")
        text.update(area.TEXT)
    return text


TEXT: dict[str, tuple[str, str]] = _merged()  # every key, from the area modules


def column(name: str, lang: str = "zh") -> str:
    """The column of a bilingual pair (``name_zh`` / ``name_en``) for ``lang``.

    Examples
    --------
    >>> column("name", "en")
    'name_en'
    """
    return f"{name}_en" if lang == "en" else f"{name}_zh"


def pick(zh: str, en: str, lang: str = "zh") -> str:
    """One of a pair of texts that came from data (a segment's name, a reason), for ``lang``."""
    return en if lang == "en" else zh


def t(key: str, lang: str = "zh", **values) -> str:
    """Return the text for ``key`` in ``lang`` with ``{placeholders}`` filled.

    Examples
    --------
    >>> t("overview.customers", "en")
    'Customers'
    """
    zh, en = TEXT[key]
    text = en if lang == "en" else zh
    return text.format(**values) if values else text
