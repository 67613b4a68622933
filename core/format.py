"""Numbers as bankers read them: money in 万元, percentages with one decimal."""

from __future__ import annotations

import pandas as pd

WAN = 10_000.0


def to_wan(yuan):
    """Yuan to 万元 (a scalar or a Series), rounded to two decimals.

    Examples
    --------
    >>> to_wan(123456.0)
    12.35
    """
    if isinstance(yuan, pd.Series):
        return (yuan.astype(float) / WAN).round(2)
    return round(float(yuan) / WAN, 2)


def wan(yuan: float, decimals: int = 2) -> str:
    """Format yuan as 万元 with thousands separators: ``wan(39_670_469_000) == '3,967,046.90'``."""
    return f"{float(yuan) / WAN:,.{decimals}f}"


def pct(share: float) -> str:
    """Format a share (0-1) as a percentage with one decimal: ``pct(0.8749) == '87.5%'``."""
    return f"{share * 100:.1f}%"


def count(n: int) -> str:
    """Thousands separators for counts: ``count(234500) == '234,500'``."""
    return f"{int(n):,}"
