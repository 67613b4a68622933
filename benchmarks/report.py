"""The results as one Markdown table: a row per measure, a column per size."""

from __future__ import annotations

from benchmarks.overview_timing import OverviewTiming
from benchmarks.seeding import SeedResult

ROLE_LABEL = {"hq": "hq", "branch": "branch 1", "manager": "manager 1"}


def _f(value: float | None, digits: int) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def build_rows(
    sizes: list[int],
    sqlite: dict[int, SeedResult],
    postgres: dict[int, SeedResult],
    overview: dict[int, list[OverviewTiming]],
) -> list[list[str]]:
    """Table rows (label first, then one cell per size; ``-`` where not measured).

    Parameters
    ----------
    sizes : list[int]
        Individual customers per column.
    sqlite, postgres : dict[int, SeedResult]
        Seed results by size; ``postgres`` may be empty.
    overview : dict[int, list[OverviewTiming]]
        Overview timings by size (usually only the largest).

    Returns
    -------
    list[list[str]]
        The body of the table.
    """

    def row(label, get, digits=0, source=sqlite):
        return [label] + [_f(get(source[n]) if n in source else None, digits) for n in sizes]

    rows = [
        row("customers (all kinds)", lambda r: r.counts["customer"]),
        row("seed time, SQLite (s)", lambda r: r.seconds, 1),
        row("· schema / build / write / tags+segments (s)", lambda r: None),
        row("database size, SQLite (MB)", lambda r: r.size_mb, 1),
    ]
    rows[2][1:] = [
        " / ".join(
            f"{sqlite[n].phases.get(k, 0):.1f}" for k in ("schema", "build", "write", "profile")
        )
        if n in sqlite
        else "-"
        for n in sizes
    ]
    if postgres:
        rows += [
            row("seed time, PostgreSQL (s)", lambda r: r.seconds, 1, postgres),
            row("database size, PostgreSQL (MB)", lambda r: r.size_mb, 1, postgres),
        ]
    for role in ("hq", "branch", "manager"):
        for kind in ("cold", "warm", "cached"):
            cells = []
            for n in sizes:
                found = [t for t in overview.get(n, []) if t.scope.role == role]
                cells.append(_f(getattr(found[0], f"{kind}_ms") if found else None, 1))
            rows.append([f"overview {ROLE_LABEL[role]} {kind} (ms)", *cells])
    return rows


def markdown_table(sizes: list[int], rows: list[list[str]]) -> str:
    """Render rows as a Markdown table with the sizes as column headers.

    Parameters
    ----------
    sizes : list[int]
        Individual customers per column (headers like ``230,000``).
    rows : list[list[str]]
        As returned by ``build_rows``.

    Returns
    -------
    str
        The table, ending with a newline.
    """
    header = ["measure"] + [f"{n:,}" for n in sizes]
    lines = ["| " + " | ".join(header) + " |", "| --- |" + " ---: |" * len(sizes)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines) + "\n"
