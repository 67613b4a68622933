"""The territory a load writes (service area, townships, villages and their areas) and where
its customers are placed.

Villages given as points get illustrative areas (示意): Voronoi cells of the points, clipped
to their township's area when the bank gave one, else to the service area, around the
villages whose own polygons the bank gave. Every village gets an area unit (the block the
second-level proposal builds grids from), so a bank without grid files can start from a
proposal of whole villages.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely
from sqlalchemy import Connection, text

from core.bank_data.upsert import Written, upsert
from core.db import bulk_insert, update_rows
from core.territory import service_area
from geo.county import from_geojson, polygonal, snap_coverage, to_geojson, voronoi_cells

VILLAGE_SUFFIXES = ("村民委员会", "居民委员会", "社区居委会", "村委会", "居委会")
HULL_MARGIN_DEG = 0.02  # around the villages when the bank gave no area at all


def short_name(name: str) -> str:
    """A village's everyday name: its committee suffix dropped.

    Examples
    --------
    >>> short_name("金星村村民委员会"), short_name("马鞍社区居民委员会"), short_name("新寨")
    ('金星村', '马鞍社区', '新寨')
    """
    for suffix in VILLAGE_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def village_kind(name: str) -> str:
    """社区/居委会 for communities, 行政村 otherwise (the demo's words)."""
    return "社区/居委会" if ("社区" in name or "居委会" in name) else "行政村"


def write_area(conn: Connection, area: shapely.Geometry) -> None:
    """The bank's service area (every bank row: the database holds one bank)."""
    conn.execute(text("UPDATE bank SET geometry = :g"), {"g": to_geojson(area)})


def write_townships(
    conn: Connection, villages: pd.DataFrame | None, areas: pd.DataFrame | None
) -> Written:
    """Townships named by the villages file (code, name) and/or given as areas (code,
    geometry); an area without a name keeps the name the database or villages give."""
    parts = []
    if villages is not None and len(villages):
        parts.append(
            villages[["town_code", "town_name"]]
            .drop_duplicates("town_code")
            .rename(columns={"town_code": "code", "town_name": "name"})
        )
    frame = pd.concat(parts) if parts else pd.DataFrame(columns=["code", "name"])
    if areas is not None and len(areas):
        geo = pd.DataFrame(
            {"code": areas["code"].astype(str), "geometry": [to_geojson(g) for g in areas.geometry]}
        )
        frame = geo.merge(frame, on="code", how="left") if len(frame) else geo.assign(name=None)
        old = pd.read_sql(text("SELECT code, name FROM township"), conn).set_index("code")["name"]
        named = areas.set_index(areas["code"].astype(str))["name"]
        frame["name"] = (
            frame["name"].fillna(frame["code"].map(old)).fillna(frame["code"].map(named))
        )
        frame["name"] = frame["name"].fillna(frame["code"])
    if frame.empty:
        return Written()
    return upsert(conn, "township", frame.drop_duplicates("code"), "code")


def write_villages(conn: Connection, villages: pd.DataFrame) -> Written:
    """Upsert villages (checked frame: code, name, town_code, town_name, lon, lat and
    optional kind, households, residents) by code; points may be missing when the bank
    gives the village's polygon (filled from it later)."""
    rows = pd.DataFrame(
        {
            "code": villages["code"],
            "name": villages["name"],
            "short_name": [short_name(n) for n in villages["name"]],
            "town_code": villages["town_code"],
            "town_name": villages["town_name"],
            "kind": _column(villages, "kind", None).fillna(
                pd.Series([village_kind(n) for n in villages["name"]], index=villages.index)
            ),
            "lon": villages["lon"].astype(float).round(6),
            "lat": villages["lat"].astype(float).round(6),
            "households": _count(villages, "households"),
            "residents": _count(villages, "residents"),
            "crs": "EPSG:4326",
        }
    )
    rows["kind"] = (
        rows["kind"]
        .replace("", None)
        .fillna(pd.Series([village_kind(n) for n in rows["name"]], index=rows.index))
    )
    return upsert(conn, "village", rows, "code", insert_only={"illustrative": True})


def _count(frame: pd.DataFrame, name: str) -> np.ndarray:
    if name not in frame.columns:
        return np.zeros(len(frame), dtype=np.int64)
    return pd.to_numeric(frame[name], errors="coerce").fillna(0).to_numpy().astype(np.int64)


def _column(frame: pd.DataFrame, name: str, default) -> pd.Series:
    if name in frame.columns:
        return frame[name].replace("", None)
    return pd.Series(default, index=frame.index, dtype=object)


def write_village_areas(conn: Connection, areas: pd.DataFrame) -> int:
    """The polygons a bank gave for its villages (code, geometry): kept as they are, not
    illustrative; a village without a point gets a point inside its polygon."""
    ids = pd.read_sql(text("SELECT id, code, lon, lat FROM village"), conn).set_index("code")
    areas = areas[areas["code"].astype(str).isin(ids.index)]
    if areas.empty:
        return 0
    inside = [g.representative_point() for g in areas.geometry]
    known = ids.loc[areas["code"].astype(str)]
    lon = known["lon"].to_numpy(dtype=float)
    lat = known["lat"].to_numpy(dtype=float)
    missing = np.isnan(lon) | np.isnan(lat)
    values = pd.DataFrame(
        {
            "id": known["id"].to_numpy(),
            "geometry": [to_geojson(g) for g in areas.geometry],
            "illustrative": False,
            "lon": np.where(missing, [round(p.x, 6) for p in inside], lon),
            "lat": np.where(missing, [round(p.y, 6) for p in inside], lat),
        }
    )
    return update_rows(conn, "village", values)


def illustrate_villages(conn: Connection, units: bool = True) -> int:
    """Give every village without a polygon of its own an illustrative one; fill townships
    without an area from their villages; with ``units``, one area unit per village that has
    none (the demo seed writes its own units).

    Returns the number of illustrative villages drawn."""
    villages = pd.read_sql(
        text("SELECT id, code, name, town_code, lon, lat, geometry, illustrative FROM village"),
        conn,
    )
    if villages.empty:
        return 0
    towns = pd.read_sql(text("SELECT code, geometry FROM township"), conn)
    town_area = {
        c: from_geojson(g) for c, g in zip(towns["code"], towns["geometry"], strict=False) if g
    }
    area = service_area_or_hull(conn, villages)
    given = villages[~villages["illustrative"].astype(bool) & villages["geometry"].notna()]
    taken = shapely.union_all([from_geojson(g) for g in given["geometry"]]) if len(given) else None
    drawn = villages[villages["illustrative"].astype(bool) | villages["geometry"].isna()]
    drawn = drawn[drawn["lon"].notna() & drawn["lat"].notna()]
    # towns with an area of their own tile it; the rest share what is left of the area
    with_area = drawn["town_code"].isin(list(town_area))
    rest = area
    if town_area:
        rest = polygonal(
            shapely.make_valid(area.difference(shapely.union_all(list(town_area.values()))))
        )
    groups = [(town_area[t], m) for t, m in drawn[with_area].groupby("town_code", sort=True)]
    if (~with_area).any():
        groups.append((rest, drawn[~with_area]))
    ids, cells = [], []
    for region, members in groups:
        if taken is not None:
            region = polygonal(shapely.make_valid(region.difference(taken)))
        if region.is_empty:
            continue
        points = members[["lon", "lat"]].to_numpy(dtype=float)
        cells += voronoi_cells(points, region)
        ids += members["id"].tolist()
    if ids:
        snapped = snap_coverage(cells) if len(cells) > 1 else cells
        update_rows(
            conn,
            "village",
            pd.DataFrame(
                {"id": ids, "geometry": [to_geojson(c) for c in snapped], "illustrative": True}
            ),
        )
    _townships_from_villages(conn)
    if units:
        _area_units(conn)
    return len(ids)


def service_area_or_hull(conn: Connection, villages: pd.DataFrame) -> shapely.Geometry:
    """The service area; without one (a bank that gave only village points) the villages'
    convex hull with a margin."""
    area = service_area(conn)
    if not area.is_empty:
        return area
    points = shapely.multipoints(villages[["lon", "lat"]].dropna().to_numpy(dtype=float))
    return points.convex_hull.buffer(HULL_MARGIN_DEG)


def _townships_from_villages(conn: Connection) -> None:
    towns = pd.read_sql(text("SELECT id, code FROM township WHERE geometry IS NULL"), conn)
    if towns.empty:
        return
    villages = pd.read_sql(
        text("SELECT town_code, geometry FROM village WHERE geometry IS NOT NULL"), conn
    )
    rows = []
    for town_id, code in zip(towns["id"], towns["code"], strict=False):
        parts = [from_geojson(g) for g in villages.loc[villages["town_code"] == code, "geometry"]]
        if parts:
            rows.append({"id": town_id, "geometry": to_geojson(shapely.union_all(parts))})
    if rows:
        update_rows(conn, "township", pd.DataFrame(rows))


def _area_units(conn: Connection) -> None:
    """One area unit per village without any (code and name the village's); the units of a
    village drawn anew follow its polygon when the unit is the whole village."""
    villages = pd.read_sql(text("SELECT id, code, short_name, geometry FROM village"), conn)
    units = pd.read_sql(text("SELECT id, code, village_id FROM area_unit"), conn)
    whole = units.merge(villages, left_on=["code", "village_id"], right_on=["code", "id"])
    if len(whole):
        update_rows(
            conn,
            "area_unit",
            pd.DataFrame({"id": whole["id_x"], "geometry": whole["geometry"]}),
        )
    new = villages[~villages["id"].isin(units["village_id"]) & villages["geometry"].notna()]
    if new.empty:
        return
    first = int(units["id"].max()) + 1 if len(units) else 1
    taken = set(units["code"])
    bulk_insert(
        conn,
        "area_unit",
        pd.DataFrame(
            {
                "id": np.arange(first, first + len(new)),
                "code": [c if c not in taken else f"{c}-V" for c in new["code"]],
                "name": new["short_name"].to_numpy(),  # what grid names are made of
                "village_id": new["id"].to_numpy(),
                "geometry": new["geometry"].to_numpy(),
            }
        ),
    )


# ---- customers ---------------------------------------------------------------------------


def place_customers(
    customers: pd.DataFrame, villages: pd.DataFrame, area: shapely.Geometry | None
) -> pd.DataFrame:
    """Where each customer is: ``lon``, ``lat``, ``village_id`` and ``located``.

    Own coordinates when given and inside the service area (``own``); else the village's
    point (``village``: no coordinates stored, the assignment places them at the village);
    else a village named in the address (``address``); else nowhere (None: a blind spot in
    the 四定 audit).

    Parameters
    ----------
    customers : DataFrame
        Checked rows with ``lon``, ``lat`` (WGS-84, NaN when not given), ``village_code``
        (may be empty) and ``address``.
    villages : DataFrame
        id, code, name, short_name of every village.
    area : shapely geometry or None
        The service area (None or empty: every given point counts).
    """
    n = len(customers)
    lon = pd.to_numeric(customers.get("lon"), errors="coerce").to_numpy(dtype=float)
    lat = pd.to_numeric(customers.get("lat"), errors="coerce").to_numpy(dtype=float)
    if lon.shape != (n,):
        lon = lat = np.full(n, np.nan)
    own = ~np.isnan(lon) & ~np.isnan(lat)
    if area is not None and not area.is_empty and own.any():
        shapely.prepare(area)
        own[own] = shapely.contains_xy(area, lon[own], lat[own])
    by_code = villages.set_index("code")["id"]
    codes = customers.get("village_code", pd.Series("", index=customers.index))
    village_id = codes.fillna("").astype(str).map(by_code).to_numpy(dtype=float)
    located = np.where(own, "own", np.where(~np.isnan(village_id), "village", None)).astype(object)
    nowhere = np.flatnonzero(np.isnan(village_id))
    if len(nowhere):
        found = _village_in_address(customers["address"].to_numpy()[nowhere], villages)
        village_id[nowhere] = found
        hit = nowhere[~np.isnan(found)]
        located[hit] = np.where(own[hit], "own", "address")
    return pd.DataFrame(
        {
            "lon": np.where(own, np.round(lon, 6), np.nan),
            "lat": np.where(own, np.round(lat, 6), np.nan),
            "village_id": village_id,
            "located": located,
        },
        index=customers.index,
    )


def _village_in_address(addresses: np.ndarray, villages: pd.DataFrame) -> np.ndarray:
    """The id of the village whose name (full, then everyday) the address holds; the
    longest name wins, so 新寨村 is not taken for 寨村. NaN where none."""
    out = np.full(len(addresses), np.nan)
    text_ = pd.Series(addresses, dtype=object).fillna("").astype(str)
    names = [(n, i) for n, i in zip(villages["name"], villages["id"], strict=False)]
    names += [(n, i) for n, i in zip(villages["short_name"], villages["id"], strict=False)]
    names = sorted({(n, i) for n, i in names if n and len(n) >= 2}, key=lambda p: -len(p[0]))
    open_ = np.ones(len(addresses), dtype=bool)
    for name, village in names:
        if not open_.any():
            break
        hit = open_ & text_.str.contains(name, regex=False).to_numpy()
        out[hit] = village
        open_ &= ~hit
    return out
