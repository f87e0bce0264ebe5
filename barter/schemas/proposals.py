"""What the workflow answers with (msgspec structs shared by the API and the command line)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta

from barter.schemas.base import Input

Condition = Literal["good", "short", "spoiled"]


class TransferOut(msgspec.Struct):
    position: int
    offer_id: int
    need_id: int
    giver_id: int
    receiver_id: int
    item_id: str
    item_name_th: str
    item_name_en: str
    unit: str
    quantity: float
    unit_value: float
    value: float
    distance_km: float
    received_at: datetime | None
    received_quantity: float | None = None
    condition: str | None = None
    receipt_note: str | None = None
    photo_ref: str | None = None


class ParticipantOut(msgspec.Struct):
    community_id: int
    name_th: str | None
    name_en: str | None
    region: str
    gives_value: float
    receives_value: float
    explanation_th: str
    explanation_en: str
    accepted_at: datetime | None
    # road km the goods it gives travel, and their transport at the run's cost per kg-km (shared
    # trucks; baht): 0 for a community that only receives
    distance_km: float = 0.0
    transport_estimate: float = 0.0


class PlaceOut(msgspec.Struct):
    """Where a participant stands on a map for one caller: its own point where the caller may
    read it (exact), else its province's centre (approximate)."""

    community_id: int
    province_code: str
    province_name_th: str
    province_name_en: str
    lat: float
    lon: float
    exact: bool


class ApprovalOut(msgspec.Struct):
    region: str
    approved_at: datetime


class Pending(msgspec.Struct):
    """Who still has to act before the next state."""

    accept: list[int]
    approve: list[str]
    receive: list[int]


class ProposalOut(msgspec.Struct):
    id: int
    run_id: int
    kind: str
    status: str
    regions: list[str]
    total_value: float
    hold_expires_at: datetime
    reason: str | None
    created_at: datetime
    updated_at: datetime
    approved_at: datetime | None
    dispatched_at: datetime | None
    completed_at: datetime | None
    ended_at: datetime | None
    version: int
    transfers: list[TransferOut]
    participants: list[ParticipantOut]
    approvals: list[ApprovalOut]
    pending: Pending
    # who ended it by a decline (the community) or a rejection (the regions), and with which key
    ended_by: int | None = None
    ended_by_community: int | None = None
    ended_by_regions: list[str] | None = None


class RunOut(msgspec.Struct):
    id: int
    regions: list[str]
    status: str
    settings: dict[str, Any]
    seed: int
    requested_by: int | None
    progress: float
    message: str
    engine_status: str | None
    objective: float | None
    upper_bound: float | None
    gap: float | None
    counts: dict[str, Any]
    error: str | None
    created_at: datetime
    started_at: datetime | None
    solved_at: datetime | None
    finished_at: datetime | None
    heartbeat_at: datetime | None
    kind: Literal["run", "repair"] = "run"
    repair_of: int | None = None  # a repair run: the declined or rejected proposal it re-solves around


class AccountLine(msgspec.Struct):
    month: str
    item_id: str
    item_name_th: str
    item_name_en: str
    unit: str
    gave_quantity: float
    gave_value: float
    received_quantity: float
    received_value: float
    exchanges: int
    planned_gave_quantity: float = 0.0
    planned_received_quantity: float = 0.0


class AccountTotals(msgspec.Struct):
    gave_value: float
    received_value: float
    balance: float
    exchanges: int


class AccountOut(msgspec.Struct):
    community_id: int
    lines: list[AccountLine]
    by_item: list[AccountLine]
    totals: AccountTotals


class Receipt(Input):
    """What arrived on one transfer of the exchange (by its position)."""

    position: Annotated[int, Meta(ge=0, le=1000)]
    quantity: Annotated[float, Meta(ge=0, le=1e9, description="Received, in the transfer's unit")]
    condition: Condition | None = None
    note: Annotated[str, Meta(max_length=1000)] | None = None
    photo_ref: (
        Annotated[str, Meta(min_length=1, max_length=500, description="A photo's id or URL")] | None
    ) = None


class DisputeOut(msgspec.Struct):
    id: int
    proposal_id: int
    position: int
    giver_id: int
    receiver_id: int
    regions: list[str]
    item_id: str
    item_name_th: str
    item_name_en: str
    unit: str
    planned: float
    received: float
    shortfall: float
    condition: str
    note: str | None
    photo_ref: str | None
    status: str
    resolution_note: str | None
    resolved_at: datetime | None
    created_at: datetime
    version: int


class DisputeResolve(Input):
    resolution: Literal["accept", "make_up"]
    note: Annotated[str, Meta(max_length=1000)] | None = None
