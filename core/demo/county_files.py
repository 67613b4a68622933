"""The demo county's files in ``data/``: 平塘's boundary, its (synthetic) townships and its
villages. Only the demo reads them (the seed and ``python -m core demo-files``); everything
else reads the territory from the database (:mod:`core.territory`)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import shapely
from shapely.geometry import shape

from core.config import DATA_DIR
from geo.county import Village

COUNTY_FILE = "pingtang_county_wgs84.geojson"
TOWNSHIP_FILE = "pingtang_townships_synthetic_wgs84.geojson"
VILLAGE_FILE = "pingtang_villages_synthetic_points.csv"


def load_county(data_dir: Path = DATA_DIR) -> shapely.Geometry:
    """Return the county boundary polygon.

    Examples
    --------
    >>> round(load_county().area, 3)
    0.251
    """
    with open(data_dir / COUNTY_FILE, encoding="utf-8") as fh:
        features = json.load(fh)["features"]
    return shapely.union_all([shape(f["geometry"]) for f in features])


def load_townships(data_dir: Path = DATA_DIR) -> dict[str, tuple[str, shapely.Geometry]]:
    """Return ``{town_code: (town_name, polygon)}`` of the (synthetic) township areas."""
    with open(data_dir / TOWNSHIP_FILE, encoding="utf-8") as fh:
        features = json.load(fh)["features"]
    return {
        f["properties"]["code"]: (f["properties"]["town"], shape(f["geometry"])) for f in features
    }


def load_villages(data_dir: Path = DATA_DIR) -> list[Village]:
    """Return the 131 villages and communities, sorted by code."""
    with open(data_dir / VILLAGE_FILE, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    villages = [
        Village(
            r["village_code"],
            r["village_name"],
            r["short_name"],
            r["town_code"],
            r["town_name"],
            r["kind"],
            float(r["lon_wgs84"]),
            float(r["lat_wgs84"]),
        )
        for r in rows
    ]
    return sorted(villages, key=lambda v: v.code)
