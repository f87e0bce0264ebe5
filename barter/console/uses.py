"""The console's one door to the use cases: every page calls these functions and nothing else.

They call barter/services and nothing else (no repository, no SQL; an import-linter contract keeps
it so). Each takes the request's connection and the signed-in caller, so the API's authorization
rules apply unchanged (another tenant's objects are not found).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import asyncpg
import msgspec

from barter.domain.access import Caller, require_row_level
from barter.domain.clock import Clock
from barter.domain.errors import NotFound
from barter.domain.proposals import Action
from barter.schemas.communities import CommunityCreate, CommunityOut, CommunityPatch
from barter.schemas.keys import KeyOut, KeyPhone
from barter.schemas.listings import (
    Kind,
    ListingFilter,
    NeedCreate,
    NeedOut,
    NeedPatch,
    OfferCreate,
    OfferOut,
    OfferPatch,
)
from barter.schemas.logistics import PlanCreate, PlanOut, PlanSummary, ShipmentOut, TransferRef
from barter.schemas.proposals import AccountOut, PlaceOut, ProposalOut, RunOut
from barter.schemas.reference import ItemNew, ItemOut, UnknownGoodsOut
from barter.schemas.runs import ConsentAnswer, RunConsentOut, RunConsentRequest, RunRequest
from barter.schemas.stats import SupplyDemand
from barter.services import (
    catalogue,
    communities,
    keys,
    line,
    listings,
    logistics,
    read,
    run_consents,
    runs,
    stats,
    unknown_goods,
)
from barter.services import proposals as workflow
from barter.services.line import ActiveCodeOut, CodeOut, LinkOut
from barter.settings import Settings
from barter.workflow.runner import Reservation, Runner

RunCreate = RunRequest

__all__ = [
    "AccountOut",
    "ActiveCodeOut",
    "CodeOut",
    "CommunityCreate",
    "CommunityOut",
    "CommunityPatch",
    "ConsentAnswer",
    "ItemNew",
    "ItemOut",
    "KeyOut",
    "KeyPhone",
    "Kind",
    "LinkOut",
    "NeedCreate",
    "NeedOut",
    "NeedPatch",
    "OfferCreate",
    "OfferOut",
    "OfferPatch",
    "PlaceOut",
    "PlanCreate",
    "PlanOut",
    "PlanSummary",
    "ProposalOut",
    "RunConsentOut",
    "RunConsentRequest",
    "RunCreate",
    "RunOut",
    "ShipmentOut",
    "SupplyDemand",
    "UnknownGoodsOut",
]

# --- reference lists for forms ----------------------------------------------------------------


async def provinces(conn: asyncpg.Connection) -> list[dict[str, Any]]:
    return [msgspec.structs.asdict(p) for p in await read.provinces(conn, None)]


async def categories(conn: asyncpg.Connection) -> list[dict[str, Any]]:
    return [msgspec.structs.asdict(c) for c in await read.categories(conn)]


async def items(conn: asyncpg.Connection) -> list[dict[str, Any]]:
    """Every item a form lists, the shipped catalogue's and those the network added (ปลาช่อน), in the
    catalogue's order as the goods page lists them (by id, a form opened at ข้าวเหนียวดำ); the
    catalogue read first, so that the form says each in its counting word (ไก่ย่าง (ตัว)) even in
    a process that did not add it (barter.domain.units.goods_known)."""
    await catalogue.current(conn)
    return [msgspec.structs.asdict(i) for i in await catalogue.listed(conn)]


# --- my details ---------------------------------------------------------------------------------


async def my_key(conn: asyncpg.Connection, caller: Caller) -> KeyOut:
    """The signed-in coordinator's (or admin's) own key: name, role, regions, phone number."""
    return await keys.own(conn, caller)


async def set_my_phone(conn: asyncpg.Connection, caller: Caller, data: KeyPhone) -> KeyOut:
    """Set or remove the signed-in coordinator's phone number: the service PUT /v1/keys/me/phone
    calls, which checks the number and refuses any other role."""
    return await keys.set_phone(conn, caller, caller.key_id, data)


# --- goods -------------------------------------------------------------------------------------


async def goods(conn: asyncpg.Connection) -> list[ItemOut]:
    """The catalogue as the goods page lists it (every signed-in reader sees it)."""
    return await catalogue.listed(conn)


def may_add_goods(caller: Caller) -> None:
    """Forbidden unless the caller may add goods (before the form is read)."""
    catalogue.may_add(caller)


async def add_goods(conn: asyncpg.Connection, caller: Caller, data: ItemNew, clock: Clock) -> ItemOut:
    """Add goods the catalogue lacks (coordinators and admins: the service refuses anyone else)."""
    return await catalogue.add_item(conn, caller, data, clock.now())


async def goods_named_unknown(conn: asyncpg.Connection, caller: Caller) -> list[UnknownGoodsOut]:
    """Goods the caller's communities named that the catalogue lacks (coordinators and admins)."""
    return await unknown_goods.listed(conn, caller)


# --- communities --------------------------------------------------------------------------------


def _console_sees(caller: Caller, community: CommunityOut) -> bool:
    """The console shows the communities a caller acts for (its own, or those of its regions)."""
    return caller.acts_for(community.id, community.region)


async def list_communities(
    conn: asyncpg.Connection, caller: Caller, *, q: str | None = None, limit: int = 200
) -> list[CommunityOut]:
    if caller.role == "community":
        assert caller.community_id is not None
        return [await communities.get(conn, caller, caller.community_id)]
    regions: list[str | None] = [None] if caller.is_admin else [*sorted(caller.regions)]
    out: list[CommunityOut] = []
    for region in regions:
        out.extend(
            await read.community_page(
                conn, caller, region=region, province_code=None, kind=None, q=q, after_id=None, limit=limit
            )
        )
    return sorted(out, key=lambda c: c.id)


async def similar_communities(
    conn: asyncpg.Connection, caller: Caller, name: str, province_code: str
) -> list[CommunityOut]:
    """Likely duplicates: a community of the same province whose name contains this one."""
    if not name.strip():
        return []
    return await read.community_page(
        conn,
        caller,
        region=None,
        province_code=province_code,
        kind=None,
        q=name.strip(),
        after_id=None,
        limit=5,
    )


async def community(conn: asyncpg.Connection, caller: Caller, community_id: int) -> CommunityOut:
    out = await communities.get(conn, caller, community_id)
    if not _console_sees(caller, out):
        raise NotFound("No community you can act for with that id")
    return out


community_name_errors = communities.name_errors


async def create_community(conn: asyncpg.Connection, caller: Caller, data: CommunityCreate) -> CommunityOut:
    return await communities.create(conn, caller, data)


async def update_community(
    conn: asyncpg.Connection, caller: Caller, community_id: int, version: int | None, data: CommunityPatch
) -> CommunityOut:
    return await communities.update(conn, caller, community_id, version, data)


async def account(conn: asyncpg.Connection, caller: Caller, community_id: int) -> AccountOut:
    return await communities.account(conn, caller, community_id)


# --- LINE link codes ------------------------------------------------------------------------------


async def line_codes(
    conn: asyncpg.Connection, caller: Caller, community_id: int, clock: Clock
) -> list[ActiveCodeOut]:
    return await line.active_codes(conn, caller, community_id, clock.now())


async def line_links(conn: asyncpg.Connection, caller: Caller, community_id: int) -> list[LinkOut]:
    return await line.list_links(conn, caller, community_id)


async def issue_line_code(
    conn: asyncpg.Connection, caller: Caller, settings: Settings, community_id: int, clock: Clock
) -> CodeOut:
    assert settings.secret is not None
    return await line.issue_code(conn, caller, settings.secret, community_id, clock.now())


async def revoke_line_code(conn: asyncpg.Connection, caller: Caller, community_id: int, code_id: int) -> None:
    await line.revoke_code(conn, caller, code_id, community_id=community_id)


async def revoke_line_link(
    conn: asyncpg.Connection, caller: Caller, community_id: int, link_id: int
) -> LinkOut:
    return await line.revoke_link(conn, caller, link_id, community_id=community_id)


# --- offers and needs ---------------------------------------------------------------------------


async def _open_listings(
    conn: asyncpg.Connection, caller: Caller, kind: Kind, community_id: int
) -> list[Any]:
    await community(conn, caller, community_id)
    flt = ListingFilter(community_id=community_id, status="open")
    page = await read.listing_page(conn, caller, kind, flt, sort="-created_at", after=None, limit=200)
    return [listing for listing, _ in page]


async def offers_of(conn: asyncpg.Connection, caller: Caller, community_id: int) -> list[OfferOut]:
    return await _open_listings(conn, caller, "offer", community_id)


async def needs_of(conn: asyncpg.Connection, caller: Caller, community_id: int) -> list[NeedOut]:
    return await _open_listings(conn, caller, "need", community_id)


async def post_offer(conn: asyncpg.Connection, caller: Caller, data: OfferCreate, clock: Clock) -> OfferOut:
    return await listings.create_offer(conn, caller, data, clock)


async def post_need(conn: asyncpg.Connection, caller: Caller, data: NeedCreate, clock: Clock) -> NeedOut:
    return await listings.create_need(conn, caller, data, clock)


async def change_offer(
    conn: asyncpg.Connection,
    caller: Caller,
    community_id: int,
    offer_id: int,
    version: int,
    data: OfferPatch,
    clock: Clock,
) -> OfferOut:
    """Change an offer of this community (another community's is not found here)."""
    return await listings.update_offer(
        conn, caller, offer_id, version, data, clock, community_id=community_id
    )


async def change_need(
    conn: asyncpg.Connection,
    caller: Caller,
    community_id: int,
    need_id: int,
    version: int,
    data: NeedPatch,
    clock: Clock,
) -> NeedOut:
    """Change a need of this community (another community's is not found here)."""
    return await listings.update_need(conn, caller, need_id, version, data, clock, community_id=community_id)


async def to_withdraw(
    conn: asyncpg.Connection, caller: Caller, community_id: int, kind: Kind, listing_id: int
) -> OfferOut | NeedOut:
    """A listing of this community, to confirm its withdrawal: only who may withdraw it reads it
    here (another community's, or one under another community's path, is not found)."""
    return await listings.to_withdraw(conn, caller, kind, listing_id, community_id=community_id)


async def withdraw(
    conn: asyncpg.Connection, caller: Caller, community_id: int, kind: Kind, listing_id: int
) -> None:
    """Withdraw a listing of this community (another community's is not found here)."""
    await listings.withdraw(conn, caller, kind, listing_id, None, community_id=community_id)


# --- matching -----------------------------------------------------------------------------------


async def start_run(
    conn: asyncpg.Connection, caller: Caller, settings: Settings, runner: Runner, data: RunRequest
) -> tuple[RunOut, Reservation]:
    """The caller must start `runner.start(reservation)` after its transaction commits."""
    started = await runs.start_run(conn, caller, runner, data, runs.run_defaults(settings))
    return started.run, started.reservation


async def ask_across(
    conn: asyncpg.Connection, caller: Caller, settings: Settings, clock: Clock, data: RunConsentRequest
) -> RunConsentOut:
    """Ask the other regions' coordinators for a run across regions."""
    return await run_consents.request_run(conn, caller, data, runs.run_defaults(settings), clock.now())


async def answer_request(
    conn: asyncpg.Connection,
    caller: Caller,
    settings: Settings,
    runner: Runner,
    clock: Clock,
    request_id: int,
    data: ConsentAnswer,
) -> tuple[RunConsentOut, Reservation | None]:
    """Consent or decline; with the last consent, a reservation to start after commit."""
    out, started = await run_consents.answer(
        conn, caller, request_id, data, runner, runs.run_defaults(settings), clock.now()
    )
    return out, None if started is None else started.reservation


async def run_requests(conn: asyncpg.Connection, caller: Caller, clock: Clock) -> list[RunConsentOut]:
    if caller.role not in ("admin", "coordinator"):
        return []
    return await run_consents.list_requests(conn, caller, clock.now(), limit=20)


def waiting_on(caller: Caller, request: RunConsentOut) -> list[str]:
    return run_consents.waiting_on(caller, request)


async def runs_of(conn: asyncpg.Connection, caller: Caller, limit: int = 20) -> list[RunOut]:
    if caller.role not in ("admin", "coordinator"):
        return []
    return await read.run_page(conn, caller, status=None, before_id=None, limit=limit)


async def run(conn: asyncpg.Connection, caller: Caller, run_id: int) -> RunOut:
    if caller.role not in ("admin", "coordinator"):
        raise NotFound("No run with that id")
    return await runs.get_run(conn, caller, run_id)


# --- proposals ----------------------------------------------------------------------------------


async def proposals(
    conn: asyncpg.Connection,
    caller: Caller,
    *,
    status: str | None = None,
    run_id: int | None = None,
    community_id: int | None = None,
    before_id: int | None = None,
    limit: int = 100,
) -> list[ProposalOut]:
    return await read.proposal_page(
        conn,
        caller,
        run_id=run_id,
        status=status,
        region=None,
        community_id=community_id,
        before_id=before_id,
        limit=limit,
    )


async def proposal(conn: asyncpg.Connection, caller: Caller, proposal_id: int) -> ProposalOut:
    require_row_level(caller)
    return await workflow.get(conn, caller, proposal_id)


async def places(conn: asyncpg.Connection, caller: Caller, proposal: ProposalOut) -> dict[int, PlaceOut]:
    """Where each participant is drawn for this caller (approximate where it may not know)."""
    return {p.community_id: p for p in await workflow.places(conn, caller, proposal)}


@dataclass(frozen=True)
class Moved:
    proposal: ProposalOut
    conflict: Exception | None


async def move(
    conn: asyncpg.Connection,
    caller: Caller,
    proposal_id: int,
    action: Action,
    clock: Clock,
    *,
    community_id: int | None = None,
    reason: str | None = None,
) -> Moved:
    outcome = await workflow.transition(
        conn, caller, proposal_id, action, clock, community_id=community_id, reason=reason
    )
    return Moved(outcome.proposal, outcome.conflict)


# --- logistics ----------------------------------------------------------------------------------


async def plan(
    conn: asyncpg.Connection, caller: Caller, data: PlanCreate, clock: Clock, settings: Settings
) -> PlanOut:
    return await logistics.create_plan(conn, caller, data, clock, settings)


async def plans(conn: asyncpg.Connection, caller: Caller, limit: int = 20) -> list[PlanSummary]:
    page = await logistics.list_plans(
        conn, caller, preview=None, status=None, region=None, before_id=None, limit=limit
    )
    return list(page)


async def plan_of(conn: asyncpg.Connection, caller: Caller, plan_id: int) -> PlanOut:
    return await logistics.get_plan(conn, caller, plan_id)


async def shipment(conn: asyncpg.Connection, caller: Caller, shipment_id: int) -> ShipmentOut:
    return await logistics.get_shipment(conn, caller, shipment_id)


@dataclass(frozen=True, slots=True)
class DriverSheet:
    """The printed packing and delivery sheet: the shipment, its stops' communities as the caller
    may read them (where each is, as nearly as the caller may know; its contact where the caller
    acts for it), the number to call for each region whose communities' contacts the caller may not
    read, and each stop's rows (a transfer and "load" or "unload")."""

    shipment: ShipmentOut
    communities: dict[int, CommunityOut]
    region_phones: dict[str, str]
    rows: list[list[tuple[TransferRef, str]]]


async def driver_sheet(conn: asyncpg.Connection, caller: Caller, shipment_id: int) -> DriverSheet:
    """The shipment, its stops' communities and their regions' numbers: three reads, however many
    stops it makes."""
    s = await shipment(conn, caller, shipment_id)
    stopped_at = [stop.community_id for stop in s.stops if stop.community_id is not None]
    stops = await communities.get_many(conn, caller, stopped_at)
    unreached = [c.region for c in stops if not _console_sees(caller, c)]
    phones = await keys.region_phones(conn, caller, unreached) if unreached else {}
    refs = {(c.transfer.proposal_id, c.transfer.position, c.transfer.lot): c.transfer for c in s.carries}
    rows = [
        [
            (refs[(k.proposal_id, k.position, k.lot)], "load")
            for k in stop.picked
            if (k.proposal_id, k.position, k.lot) in refs
        ]
        + [
            (refs[(k.proposal_id, k.position, k.lot)], "unload")
            for k in stop.dropped
            if (k.proposal_id, k.position, k.lot) in refs
        ]
        for stop in s.stops
    ]
    return DriverSheet(s, {c.id: c for c in stops}, phones, rows)


async def shipments(conn: asyncpg.Connection, caller: Caller, limit: int = 50) -> list[ShipmentOut]:
    page = await logistics.list_shipments(
        conn, caller, plan_id=None, status=None, region=None, before_id=None, limit=limit
    )
    return list(page)


async def move_shipment(
    conn: asyncpg.Connection, caller: Caller, shipment_id: int, action: str, clock: Clock
) -> ShipmentOut:
    return await logistics.move_shipment(conn, caller, shipment_id, action, clock, None)


# --- the day's overview -------------------------------------------------------------------------


async def supply_demand(conn: asyncpg.Connection, caller: Caller) -> SupplyDemand | None:
    if caller.role == "community":
        return None
    return await stats.supply_demand(conn, caller, "category", None)


def expiring(proposal: ProposalOut, now: datetime, within: timedelta = timedelta(hours=24)) -> bool:
    return proposal.status == "proposed" and proposal.hold_expires_at - now <= within
