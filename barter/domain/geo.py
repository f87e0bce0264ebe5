"""Great-circle distance: the one definition every part of barter uses.

Pure: numbers in, kilometres out. Works on floats and on numpy arrays alike (element-wise), so the
engine prices millions of arcs with the same formula a proposal page shows one distance with.
Road kilometres are this times a road factor (settings); SQL that filters by distance in the
database (barter/storage/queries/offers.sql) writes the same formula in SQL.
"""

from __future__ import annotations

from typing import overload

import numpy as np
import numpy.typing as npt

EARTH_RADIUS_KM = 6371.0088  # the mean Earth radius (IUGG)

FloatArray = npt.NDArray[np.float64]


@overload
def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float: ...
@overload
def great_circle_km(
    lat1: FloatArray, lon1: FloatArray, lat2: FloatArray | float, lon2: FloatArray | float
) -> FloatArray: ...
def great_circle_km(
    lat1: FloatArray | float, lon1: FloatArray | float, lat2: FloatArray | float, lon2: FloatArray | float
) -> FloatArray | float:
    """The haversine distance in kilometres between (lat1, lon1) and (lat2, lon2), in degrees."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dl = np.radians(np.subtract(lon2, lon1))
    h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    out = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    if np.ndim(out) == 0:
        return float(out)
    return np.asarray(out, dtype=np.float64)
