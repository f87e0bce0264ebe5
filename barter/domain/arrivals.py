"""When goods should reach a receiving community, and when to tell it they are arriving (pure).

There is no "arriving" state: nobody on the road reports in. The notice is scheduled at dispatch
from what is known then: a stored shipment plan's time on the road for the transfers (first
pick-up to last drop-off), or else the distance at a loaded truck's pace, counted from the
moment of dispatch. The community hears LEAD before that, or at once when the trip is shorter.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

TRUCK_KMH = 40.0  # a loaded truck on Thai provincial roads, stops and loading included
LEAD = timedelta(hours=3)  # time to gather people to unload and check what came


@dataclass(frozen=True, slots=True)
class Leg:
    """One transfer to the community: its road distance and, when a plan carries it, the plan's
    first pick-up and last drop-off for it."""

    distance_km: float
    planned: tuple[datetime, datetime] | None = None


def expected_at(dispatched_at: datetime, legs: Sequence[Leg]) -> datetime:
    """The latest arrival of the community's transfers, counted from the dispatch."""

    def on_the_road(leg: Leg) -> timedelta:
        if leg.planned is not None and leg.planned[1] > leg.planned[0]:
            return leg.planned[1] - leg.planned[0]
        return timedelta(hours=max(leg.distance_km, 0.0) / TRUCK_KMH)

    return dispatched_at + max((on_the_road(leg) for leg in legs), default=timedelta(0))


def notice_due(dispatched_at: datetime, expected: datetime) -> datetime:
    return max(dispatched_at, expected - LEAD)
