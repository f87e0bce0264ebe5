"""The logistics planner's input and output, as msgspec structs.

Input: transfers (what has to move, from where to where, how heavy, by when), the fleet (vehicle
lines with a depot and a count), optional regional hubs, and settings. Output: a `Plan` with the
hand-overs (short transfers the communities arrange themselves), the shipments (one vehicle trip
each: ordered stops, load after each stop, kilometres, cost, times), each routed transfer's journey
(the legs that carry it, one leg when it travels direct, three when it goes through two hubs), the
transfers that could not be placed and why, and the totals against every transfer travelling alone.

Time: the plan's day 0 starts at 00:00 Thai time (UTC+7) on `PlanSettings.start` or, when that is
unset, on the earliest ready date; vehicles leave their depots from its `not_before_minute`.
Vehicles work `working_hours_per_day` a day from `workday_starts_minute` (08:00). The planner
counts in working time spread over the whole day (an hour of work takes 24/working_hours hours
of its minutes) and the plan reads each of its minutes back onto that day's working hours: the
planner's 01:19 is 08:33 with ten working hours, its 23:59 is 18:00. So every time in a plan falls
within working hours and the order of events is kept; times are day-accurate estimates, not a
driver's timetable.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

import msgspec

from barter.domain.errors import FieldError
from barter.domain.model import Region

# Every struct is immutable, keyword-only and refuses unknown fields.

Latitude = Annotated[float, msgspec.Meta(ge=-90.0, le=90.0)]
Longitude = Annotated[float, msgspec.Meta(ge=-180.0, le=180.0)]
Ident = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Positive = Annotated[float, msgspec.Meta(gt=0.0)]
NonNegative = Annotated[float, msgspec.Meta(ge=0.0)]


class PlanInputError(ValueError):
    """The planner's input contradicts itself; `problems` names each field and what is wrong with
    it (by code, and in English). The service that built the input maps it to a 422
    (ValidationFailed)."""

    def __init__(self, problems: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.path}: {e.message}" for e in problems))
        self.problems = problems


class Place(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A point with the region it lies in; `name` is a label for people (community, depot, hub)."""

    lat: Latitude
    lon: Longitude
    region: Region
    name: Annotated[str, msgspec.Meta(max_length=200)] = ""


class Transfer(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """One transfer of an exchange: `quantity` units of `kg_per_unit` each, from origin to destination.

    It may be picked up from `ready` on and must arrive by the end of `needed_by`, and, when
    `shelf_life_days` is set, within that many days of the start of `ready` (the goods spoil after).
    """

    id: Ident
    origin: Place
    destination: Place
    quantity: Positive
    kg_per_unit: Positive
    ready: date
    needed_by: date
    shelf_life_days: Annotated[int, msgspec.Meta(ge=0)] | None = None

    @property
    def weight_kg(self) -> float:
        return self.quantity * self.kg_per_unit


class Vehicle(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A fleet line: `count` identical vehicles of one kind based at one depot.

    Every trip starts and ends at the depot. A vehicle makes one trip at a time; the planner may
    give it several trips one after another. `hub_to_hub` marks a line that runs only between hubs
    (a plane, a train, a boat, or a truck too big for village roads): it carries line-haul legs of
    the hub strategy and nothing else, and its depot should be a hub. Its kilometres are the same
    road kilometres as everyone's (great-circle x road factor by default): price them accordingly.
    """

    id: Ident
    kind: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    capacity_kg: Positive
    cost_per_km: NonNegative
    depot: Place
    fixed_cost: NonNegative = 0.0
    count: Annotated[int, msgspec.Meta(ge=1, le=1000)] = 1
    speed_kmh: Positive | None = None
    hub_to_hub: bool = False


class Hub(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A regional hub where loads are transshipped between vehicles."""

    id: Ident
    place: Place


class PlanSettings(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """How to plan. The defaults suit Thai roads with hired trucks.

    `handover_km`: transfers at most this far (by road) are hand-overs. `road_factor`: road
    kilometres per great-circle kilometre. `stop_minutes`: loading or unloading time at each stop.
    `max_group_size`: transfers per routing sub-problem (bigger corridors are split by clustering).
    `solution_limit`: local-search solutions per sub-problem; the search stops there, which makes
    the plan a function of input and seed; `time_limit_s` is the safety net for the whole plan (a
    plan cut by it says so in `Plan.time_limited`). `hub_max_detour`: a transfer goes through hubs
    only when its road distance through them is at most this times its direct distance.
    `max_trip_days`: no trip (depot to depot) lasts longer; unset, trips are as long as the
    windows allow. `strategy`: "auto" screens both (when hubs are given) and optimises the
    better; "corridors" or "hubs" forces one. `seed`: OR-Tools routing has no random seed, so the
    seed orders the nodes given to it and starts the clustering; the same input and seed give the
    same plan.
    """

    handover_km: NonNegative = 30.0
    road_factor: Annotated[float, msgspec.Meta(ge=1.0, le=3.0)] = 1.3
    speed_kmh: Positive = 50.0
    working_hours_per_day: Annotated[float, msgspec.Meta(gt=0.0, le=24.0)] = 10.0
    stop_minutes: Annotated[int, msgspec.Meta(ge=0, le=1440)] = 60
    time_limit_s: Annotated[float, msgspec.Meta(gt=0.0, le=3600.0)] = 60.0
    solution_limit: Annotated[int, msgspec.Meta(ge=1, le=1_000_000)] = 100
    seed: Annotated[int, msgspec.Meta(ge=0)] = 0
    max_group_size: Annotated[int, msgspec.Meta(ge=2, le=500)] = 40
    hub_max_detour: Annotated[float, msgspec.Meta(ge=1.0)] = 1.3
    strategy: Literal["auto", "corridors", "hubs"] = "auto"
    max_trip_days: Positive | None = None
    start: date | None = None
    # no vehicle leaves its depot before this time of day 0, in minutes from midnight (a plan
    # made at 20:21 does not send a truck out at 00:00 the same day, already gone, nor at 20:21:
    # after the working hours it leaves the next morning)
    not_before_minute: Annotated[int, msgspec.Meta(ge=0, le=1440)] = 0
    # the working day's first minute (from midnight, Thai time); it lasts working_hours_per_day
    workday_starts_minute: Annotated[int, msgspec.Meta(ge=0, le=1439)] = 8 * 60


class PlanInput(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Everything `plan` needs, in one document (handy for files, the API and benchmarks)."""

    transfers: tuple[Transfer, ...]
    vehicles: tuple[Vehicle, ...]
    hubs: tuple[Hub, ...] = ()
    settings: PlanSettings = PlanSettings()


StopKind = Literal["depot", "pickup", "dropoff", "pickup_dropoff", "hub"]
UnplacedReason = Literal["too_heavy", "impossible_window", "no_vehicle", "no_fleet"]
Strategy = Literal["corridors", "hubs"]


class Stop(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A stop of a shipment: what is picked up and dropped there, and the load when it leaves."""

    kind: StopKind
    place: Place
    arrival: datetime
    departure: datetime
    load_kg: float
    km_from_previous: float
    picked: tuple[str, ...] = ()
    dropped: tuple[str, ...] = ()
    hub: str | None = None


class Shipment(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """One trip of one vehicle from its depot and back, with the transfers (or legs) it carries."""

    id: str
    vehicle: str
    kind: str
    unit: int
    capacity_kg: float
    stops: tuple[Stop, ...]
    transfers: tuple[str, ...]
    km: float
    cost: float
    max_load_kg: float
    departure: datetime
    arrival: datetime


class Leg(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """One shipment's part of a transfer's journey."""

    shipment: str
    origin: Place
    destination: Place
    pickup: datetime
    dropoff: datetime


class Journey(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """How a routed transfer travels: one leg direct, or collection, line-haul and distribution."""

    transfer: str
    legs: tuple[Leg, ...]
    delivered: datetime
    deadline: datetime


class Handover(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A transfer short enough for the two communities to arrange themselves."""

    transfer: str
    km: float


class Unplaced(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    transfer: str
    reason: UnplacedReason
    detail: str


class DirectDelivery(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The cheapest way for one routed transfer to travel alone: a vehicle from its depot, there
    and back. The sum over routed transfers is what the plan's shipments are measured against."""

    transfer: str
    vehicle: str
    km: float
    cost: float


class Totals(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    transfers: int
    handovers: int
    routed: int
    unplaced: int
    shipments: int
    weight_kg: float
    km: float
    cost: float
    direct_km: float
    direct_cost: float
    saved_km: float
    saved_cost: float


class Plan(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The planner's answer. `time_limited` counts the sub-problems the time limit cut short (0
    means the plan is reproducible from its input and seed)."""

    start: datetime
    strategy: Strategy
    seed: int
    handovers: tuple[Handover, ...]
    shipments: tuple[Shipment, ...]
    journeys: tuple[Journey, ...]
    unplaced: tuple[Unplaced, ...]
    direct: tuple[DirectDelivery, ...]
    totals: Totals
    time_limited: int
