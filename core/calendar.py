"""Dates of the banking year that the data alone does not know: Spring Festival (春节)."""

from __future__ import annotations

from datetime import date

# 农历正月初一, by Gregorian year
SPRING_FESTIVAL = {
    2020: date(2020, 1, 25),
    2021: date(2021, 2, 12),
    2022: date(2022, 2, 1),
    2023: date(2023, 1, 22),
    2024: date(2024, 2, 10),
    2025: date(2025, 1, 29),
    2026: date(2026, 2, 17),
    2027: date(2027, 2, 6),
    2028: date(2028, 1, 26),
    2029: date(2029, 2, 13),
    2030: date(2030, 2, 3),
    2031: date(2031, 1, 23),
    2032: date(2032, 2, 11),
    2033: date(2033, 1, 31),
    2034: date(2034, 2, 19),
    2035: date(2035, 2, 8),
}


def spring_festival(year: int) -> date:
    """Spring Festival (the first day of the lunar year) in ``year``.

    Examples
    --------
    >>> spring_festival(2026)
    datetime.date(2026, 2, 17)
    """
    try:
        return SPRING_FESTIVAL[year]
    except KeyError:
        raise ValueError(
            f"Spring Festival of {year} is not in the calendar "
            f"({min(SPRING_FESTIVAL)}-{max(SPRING_FESTIVAL)})"
        ) from None


RETURN_BEFORE_DAYS, RETURN_AFTER_DAYS = 20, 15  # migrant workers are home around it


def festival_window(day: date) -> date | None:
    """The Spring Festival whose return window (20 days before to 15 after, when migrant
    workers are home) holds ``day``, or None.

    Examples
    --------
    >>> festival_window(date(2027, 1, 20)), festival_window(date(2026, 11, 23))
    (datetime.date(2027, 2, 6), None)
    """
    for year in (day.year, day.year + 1):
        festival = SPRING_FESTIVAL.get(year)
        if festival and -RETURN_BEFORE_DAYS <= (day - festival).days <= RETURN_AFTER_DAYS:
            return festival
    return None
