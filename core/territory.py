"""The bank's territory as the database holds it: its service area, townships and villages.

Every reader of "the county" (grid import checks, proposals, the 四定 audit, the map's
reference layer, the loader) asks here; nothing outside the demo seed opens a county file.
The service area is the bank's own polygon when it brought one, else the union of its
townships' areas, else of its villages' areas.
"""

from __future__ import annotations

import pandas as pd
import shapely
from sqlalchemy import Connection, Engine, func, select

from core.db import read_frame
from core.models import Bank, LoadRun, Township, Village
from geo.county import from_geojson, polygonal
from geo.reference_layer import Reference, simplify_reference


def _conn(bind):
    return bind.connect() if isinstance(bind, Engine) else _Borrowed(bind)


class _Borrowed:
    """A caller's connection used in a ``with`` block without closing it."""

    def __init__(self, conn: Connection):
        self.conn = conn

    def __enter__(self) -> Connection:
        return self.conn

    def __exit__(self, *exc) -> None:
        return None


def service_area(bind: Engine | Connection) -> shapely.Geometry:
    """The bank's service area (WGS-84); an empty polygon when the database holds none yet.

    Parameters
    ----------
    bind : Engine or Connection
        The database (a connection reads inside its transaction: what a load has written
        but not committed counts).
    """
    with _conn(bind) as conn:
        own = conn.execute(select(Bank.geometry).where(Bank.geometry.is_not(None))).scalars()
        parts = [from_geojson(g) for g in own]
        if not parts:
            parts = [from_geojson(g) for g in conn.execute(_areas(Township)).scalars()]
        if not parts:
            parts = [from_geojson(g) for g in conn.execute(_areas(Village)).scalars()]
    return union_area(parts)


def union_area(parts) -> shapely.Geometry:
    """One area from polygons (a service area from the bank's polygons, its townships' or
    its villages'), valid, to the micro-degree; an empty polygon from none."""
    if not len(parts):
        return shapely.Polygon()
    return polygonal(shapely.make_valid(shapely.union_all(list(parts), grid_size=1e-6)))


def _areas(table):
    return select(table.geometry).where(table.geometry.is_not(None)).order_by(table.id)


def townships(bind: Engine | Connection) -> pd.DataFrame:
    """Every township: code, name and polygon (None where no area is known), by code."""
    with _conn(bind) as conn:
        df = read_frame(
            conn, select(Township.code, Township.name, Township.geometry).order_by(Township.code)
        )
    df["polygon"] = [from_geojson(g) if g else None for g in df.pop("geometry")]
    return df


def villages(bind: Engine | Connection) -> pd.DataFrame:
    """Every village / community: id, code, name, short name, town code and name, point,
    polygon, whether the polygon is illustrative (示意), households and residents."""
    with _conn(bind) as conn:
        df = read_frame(
            conn,
            select(
                Village.id,
                Village.code,
                Village.name,
                Village.short_name,
                Village.town_code,
                Village.town_name,
                Village.lon,
                Village.lat,
                Village.illustrative,
                Village.households,
                Village.residents,
                Village.geometry,
            ).order_by(Village.code),
        )
    df["polygon"] = [from_geojson(g) if g else None for g in df.pop("geometry")]
    return df


def territory_version(bind: Engine | Connection) -> tuple:
    """A cheap key that changes when the townships or villages change (their count, largest
    id, total length of names and areas) or a load finishes: the cache key of
    :func:`reference_layer`."""
    with _conn(bind) as conn:
        rows = [
            conn.execute(
                select(
                    func.count(),
                    func.coalesce(func.max(table.id), 0),
                    func.coalesce(func.sum(func.length(table.name)), 0),
                    func.coalesce(func.sum(func.length(table.geometry)), 0),
                )
            ).one()
            for table in (Township, Village)
        ]
        loads = conn.execute(select(func.coalesce(func.max(LoadRun.id), 0))).scalar_one()
    return (*(int(v) for row in rows for v in row), int(loads))


def reference_layer(
    bind: Engine | Connection, tolerance: float = 1e-4, digits: int = 5
) -> Reference:
    """The townships and villages as the maps draw them under the grids: simplified by
    ``tolerance`` degrees (~10 m), rounded to ``digits`` decimals
    (``geo.reference_layer.simplify_reference``); texts are the caller's to add."""
    return simplify_reference(townships(bind), villages(bind), tolerance, digits)
