"""Straight-line distances on the earth between lon/lat points (WGS-84 degrees), in metres.

The haversine formula on a sphere of the mean earth radius: within 0.5 % of the ellipsoidal
distance anywhere, and far better than that across one county. Everything is vectorised and
broadcasts like numpy arithmetic; NaN in, NaN out.
"""

from __future__ import annotations

import numpy as np

EARTH_RADIUS_M = 6_371_008.8  # mean radius (IUGG)


def haversine_m(lon1, lat1, lon2, lat2) -> np.ndarray:
    """Great-circle distance in metres between points given in degrees.

    Parameters
    ----------
    lon1, lat1, lon2, lat2 : array_like
        Longitudes and latitudes (WGS-84 degrees); they broadcast against each other.

    Returns
    -------
    ndarray of float
        Metres, the broadcast shape of the inputs; NaN where any input is NaN.

    Examples
    --------
    >>> round(float(haversine_m(107.0, 25.8, 107.0, 25.9)))  # 0.1 degree of latitude
    11120
    >>> haversine_m([107.0, np.nan], 25.8, 107.01, 25.8).round().tolist()
    [1001.0, nan]
    """
    lon1, lat1, lon2, lat2 = (
        np.radians(np.asarray(v, dtype=float)) for v in (lon1, lat1, lon2, lat2)
    )
    h = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def distance_matrix(lon, lat) -> np.ndarray:
    """Pairwise great-circle distances in metres, an ``n x n`` symmetric matrix.

    Parameters
    ----------
    lon, lat : array_like
        ``n`` longitudes and latitudes (WGS-84 degrees).

    Returns
    -------
    ndarray of float, shape (n, n)
        ``m[i, j]`` is the distance from point ``i`` to point ``j``; the diagonal is 0.

    Examples
    --------
    >>> m = distance_matrix([107.0, 107.01, 107.0], [25.8, 25.8, 25.9])
    >>> m.round().astype(int).tolist()
    [[0, 1001, 11120], [1001, 0, 11164], [11120, 11164, 0]]
    """
    lon = np.asarray(lon, dtype=float).ravel()
    lat = np.asarray(lat, dtype=float).ravel()
    if lon.shape != lat.shape:
        raise ValueError(f"lon and lat differ in length: {lon.size} and {lat.size}")
    m = haversine_m(lon[:, None], lat[:, None], lon[None, :], lat[None, :])
    m = (m + m.T) / 2  # exactly symmetric: the tour code relies on it
    np.fill_diagonal(m, 0.0)
    return m


def local_xy(lon, lat, lon0: float, lat0: float) -> tuple[np.ndarray, np.ndarray]:
    """Metres east and north of (``lon0``, ``lat0``) on a local flat projection.

    Good for angles and clustering within a county (tens of kilometres), not for distances
    over hundreds of kilometres.

    Examples
    --------
    >>> x, y = local_xy([107.01], [25.81], 107.0, 25.8)
    >>> round(float(x[0])), round(float(y[0]))
    (1001, 1112)
    """
    k = np.radians(1.0) * EARTH_RADIUS_M
    x = (np.asarray(lon, dtype=float) - lon0) * k * np.cos(np.radians(lat0))
    y = (np.asarray(lat, dtype=float) - lat0) * k
    return x, y
