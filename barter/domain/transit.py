"""Transit time: how many days goods take to travel a road distance, the one definition.

Pure: kilometres in, days out, on floats and numpy arrays alike (element-wise). A vehicle drives
`speed_kmh` for `working_hours_per_day` hours a day, and the time is spread over the whole day, as
the logistics planner counts it (barter/logistics/routing.py `Timing`): 1,430 km at 50 km/h and
10 hours a day take 2.86 days. The matching engine decides with it whether goods can arrive in
time and within their shelf life (barter/matching/market.py `Acceptable`).
"""

from __future__ import annotations

from typing import overload

import numpy as np
import numpy.typing as npt

SPEED_KMH = 50.0  # the planner's default (barter.logistics.model.PlanSettings.speed_kmh)
WORKING_HOURS_PER_DAY = 10.0  # the planner's default (PlanSettings.working_hours_per_day)

FloatArray = npt.NDArray[np.float64]


@overload
def transit_days(km: float, speed_kmh: float = ..., working_hours_per_day: float = ...) -> float: ...
@overload
def transit_days(
    km: FloatArray, speed_kmh: float = ..., working_hours_per_day: float = ...
) -> FloatArray: ...
def transit_days(
    km: FloatArray | float, speed_kmh: float = SPEED_KMH, working_hours_per_day: float = WORKING_HOURS_PER_DAY
) -> FloatArray | float:
    """Days (fractional) to drive `km` road kilometres at `speed_kmh`, `working_hours_per_day`
    hours of driving a day."""
    if speed_kmh <= 0 or working_hours_per_day <= 0:
        raise ValueError("speed_kmh and working_hours_per_day must be positive")
    days = np.divide(km, speed_kmh * working_hours_per_day)
    if np.ndim(days) == 0:
        return float(days)
    return np.asarray(days, dtype=np.float64)
