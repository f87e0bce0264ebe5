"""What the logistics API takes and answers (msgspec structs)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta

from barter.domain.model import Region
from barter.schemas.base import Input

ShipmentStatus = Literal["planned", "loading", "on_the_road", "delivered", "cancelled"]
PlanStatus = Literal["active", "cancelled"]


class PlanCreate(Input):
    """Plan shipments for the approved proposals touching `regions` (or, with `preview`, the
    proposed ones). Unset fields take the defaults documented in barter/api/logistics/service.py."""

    regions: (
        Annotated[
            list[Region],
            Meta(
                min_length=1,
                max_length=6,
                description="Proposals touching any of these regions (default: all you cover)",
            ),
        ]
        | None
    ) = None
    preview: Annotated[
        bool,
        Meta(description="Plan over proposed proposals instead of approved ones; claims nothing"),
    ] = False
    time_limit_s: Annotated[float, Meta(ge=0.5, le=30, description="Safety net for the planner")] | None = (
        None
    )
    seed: Annotated[int, Meta(ge=0, lt=2**31)] | None = None
    handover_km: (
        Annotated[float, Meta(ge=0, le=200, description="Transfers at most this far are hand-overs")] | None
    ) = None
    horizon_days: (
        Annotated[int, Meta(ge=1, le=120, description="Needed-by date for needs that name none")] | None
    ) = None
    strategy: Literal["auto", "corridors", "hubs"] | None = None
    split_lots: Annotated[
        bool, Meta(description="Cut transfers heavier than the biggest truck into lots of whole units")
    ] = True


class TransferRef(msgspec.Struct):
    """A transfer of a proposal (or one lot of it, `lot` >= 1; 0 is the whole transfer)."""

    proposal_id: int
    position: int
    lot: int
    proposal_status: str
    item_id: str
    item_name_th: str
    item_name_en: str
    unit: str
    quantity: float
    weight_kg: float
    giver_id: int
    giver_name_th: str | None
    giver_name_en: str | None
    receiver_id: int
    receiver_name_th: str | None
    receiver_name_en: str | None


class TransferKey(msgspec.Struct):
    proposal_id: int
    position: int
    lot: int


class StopOut(msgspec.Struct):
    kind: Literal["depot", "pickup", "dropoff", "pickup_dropoff", "hub"]
    name_th: str
    name_en: str
    community_id: int | None
    lat: float
    lon: float
    region: str
    hub: str | None
    arrival: datetime
    departure: datetime
    load_kg: float
    km_from_previous: float
    picked: list[TransferKey]
    dropped: list[TransferKey]


class CarriedOut(msgspec.Struct):
    """A leg of a transfer's journey on this shipment (leg 1 of 1 when it travels direct)."""

    transfer: TransferRef
    leg: int
    legs: int
    pickup: datetime
    dropoff: datetime


class ShipmentOut(msgspec.Struct):
    id: int
    plan_id: int
    code: str
    status: ShipmentStatus
    preview: bool
    vehicle: str
    kind: str
    unit: int
    capacity_kg: float
    regions: list[str]
    km: float
    cost: float
    max_load_kg: float
    departure: datetime
    arrival: datetime
    stops: list[StopOut]
    carries: list[CarriedOut]
    created_at: datetime
    updated_at: datetime
    loading_at: datetime | None
    departed_at: datetime | None
    delivered_at: datetime | None
    cancelled_at: datetime | None
    version: int


class HandoverOut(msgspec.Struct):
    """A short transfer the two communities arrange themselves."""

    transfer: TransferRef
    km: float


class UnplacedOut(msgspec.Struct):
    transfer: TransferRef
    reason: Literal["too_heavy", "impossible_window", "no_vehicle", "no_fleet"]
    detail: str


class TotalsOut(msgspec.Struct):
    """The plan against every routed transfer travelling alone (depot, origin, destination, depot)."""

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
    saved_km_pct: float
    saved_cost_pct: float


class PlanSummary(msgspec.Struct):
    id: int
    preview: bool
    status: PlanStatus
    scope: list[str]
    regions: list[str]
    proposals: list[int]
    deferred: int
    seed: int
    strategy: str
    starts_at: datetime
    time_limited: int
    totals: TotalsOut
    requested_by: int | None
    created_at: datetime
    cancelled_at: datetime | None
    version: int


class PlanOut(PlanSummary):
    """A plan with its shipments, hand-overs and unplaced transfers. `deferred` counts the
    proposals left for the next plan when the scope held more than one plan takes."""

    shipments: list[ShipmentOut]
    handovers: list[HandoverOut]
    unplaced: list[UnplacedOut]


class Feature(msgspec.Struct):
    type: Literal["Feature"]
    geometry: dict[str, Any]
    properties: dict[str, Any]


class FeatureCollection(msgspec.Struct):
    """GeoJSON (RFC 7946): shipments' routes as LineStrings, their stops as Points."""

    type: Literal["FeatureCollection"]
    features: list[Feature]
