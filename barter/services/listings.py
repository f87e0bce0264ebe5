"""Offers and needs: what a community has and what it needs, posted by it or by its coordinator."""

from __future__ import annotations

from datetime import date
from typing import Any

import asyncpg
import msgspec

from barter.domain.access import Caller, CommunityRef, require_acts_for
from barter.domain.errors import Conflict, FieldError, NotFound, StaleVersion, ValidationFailed
from barter.domain.units import canonical_unit, to_catalogue_unit
from barter.schemas.listings import Kind, NeedCreate, NeedOut, NeedPatch, OfferCreate, OfferOut, OfferPatch
from barter.storage import reference
from barter.storage.repos import audit
from barter.storage.repos import communities as communities_repo
from barter.storage.repos import listings as repo


def offer_out(row: asyncpg.Record) -> OfferOut:
    return OfferOut(**dict(row))


def need_out(row: asyncpg.Record) -> NeedOut:
    return NeedOut(**dict(row))


def _out(kind: Kind, row: asyncpg.Record) -> OfferOut | NeedOut:
    return offer_out(row) if kind == "offer" else need_out(row)


# Quantities are stored as numeric(16, 4): anything below this rounds to nothing.
SMALLEST_QUANTITY = 0.0001


def _convert(errors: list[FieldError], field: str, quantity: float, unit: str | None, expected: str) -> float:
    converted = quantity if unit is None else to_catalogue_unit(quantity, unit, expected)  # type: ignore[arg-type]
    if converted is None:
        errors.append(FieldError("unit", f"must be {expected} or convertible to it"))
        return quantity
    if field == "quantity" and round(converted, 4) < SMALLEST_QUANTITY:
        errors.append(
            FieldError("quantity", f"is below {SMALLEST_QUANTITY} {expected}, the smallest amount kept")
        )
    return converted


def _check_amounts(errors: list[FieldError], quantity: float, min_lot: float) -> None:
    if min_lot > quantity:
        errors.append(FieldError("min_lot", "must not exceed quantity"))


def _check_dates(errors: list[FieldError], start: date | None, end: date | None) -> None:
    if start is not None and end is not None and end < start:
        errors.append(FieldError("available_until", "must not be before available_from"))


async def _community(conn: asyncpg.Connection, caller: Caller, community_id: int) -> CommunityRef:
    return require_acts_for(caller, await communities_repo.ref(conn, community_id))


async def _audit(
    conn: asyncpg.Connection,
    caller: Caller,
    action: str,
    kind: Kind,
    out: OfferOut | NeedOut,
    before: OfferOut | NeedOut | None = None,
) -> None:
    await audit.record(
        conn,
        caller,
        action=action,
        entity=kind,
        entity_id=out.id,
        community_id=out.community_id,
        region=out.region,
        before=None if before is None else msgspec.to_builtins(before),
        after=msgspec.to_builtins(out),
    )


def _visible(caller: Caller, row: asyncpg.Record) -> bool:
    return bool(row["status"] == "open" or caller.acts_for(row["community_id"], row["region"]))


async def get(conn: asyncpg.Connection, caller: Caller, kind: Kind, listing_id: int) -> OfferOut | NeedOut:
    row = await repo.get(conn, kind, listing_id)
    if row is None or not _visible(caller, row):
        raise NotFound(f"No {kind} with that id")
    return _out(kind, row)


async def _locked_for_write(
    conn: asyncpg.Connection, caller: Caller, kind: Kind, listing_id: int, version: int | None
) -> asyncpg.Record:
    row: asyncpg.Record | None = await repo.get(conn, kind, listing_id, for_update=True)
    require_acts_for(caller, None if row is None else CommunityRef(row["community_id"], row["region"]), kind)
    assert row is not None
    if version is not None and row["version"] != version:
        raise StaleVersion(f"The {kind} changed since you read it (now version {row['version']})")
    return row


# --- offers --------------------------------------------------------------------------------------


async def create_offer(conn: asyncpg.Connection, caller: Caller, data: OfferCreate) -> OfferOut:
    await _community(conn, caller, data.community_id)
    item = await reference.get_item(conn, data.item_id)
    if item is None:
        raise ValidationFailed([FieldError("item_id", "no item with this id")])
    errors: list[FieldError] = []
    quantity = _convert(errors, "quantity", data.quantity, data.unit, item["unit"])
    min_lot = _convert(errors, "min_lot", data.min_lot, data.unit, item["unit"])
    _check_amounts(errors, quantity, min_lot)
    _check_dates(errors, data.available_from, data.available_until)
    if errors:
        raise ValidationFailed(errors)
    row = await repo.insert_offer(
        conn,
        community_id=data.community_id,
        item_id=data.item_id,
        quantity=quantity,
        min_lot=min_lot,
        available_from=data.available_from,
        available_until=data.available_until,
        gift=data.gift,
        note=data.note,
    )
    out = offer_out(row)
    await _audit(conn, caller, "create", "offer", out)
    return out


async def update_offer(
    conn: asyncpg.Connection, caller: Caller, offer_id: int, version: int | None, data: OfferPatch
) -> OfferOut:
    row = await _locked_for_write(conn, caller, "offer", offer_id, version)
    keys = ("item_id", "quantity", "min_lot", "available_from", "available_until", "gift", "note", "status")
    values = _patched(row, "offer", keys, data)
    out = offer_out(await repo.update_offer(conn, offer_id, values))
    await _audit(conn, caller, "update", "offer", out, offer_out(row))
    return out


def _patched(row: asyncpg.Record, kind: Kind, keys: tuple[str, ...], data: msgspec.Struct) -> dict[str, Any]:
    """The row's values with the patch applied, checked; amounts never go below what is committed."""
    if row["status"] != "open":
        raise Conflict(f"The {kind} is {row['status']}; post a new one", code="not_open")
    changes = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}
    unit = changes.pop("unit", None)
    values: dict[str, Any] = {**{k: row[k] for k in keys}, **changes}
    errors: list[FieldError] = []
    for field in ("quantity", "min_lot"):
        if field in changes:
            values[field] = _convert(errors, field, changes[field], unit, row["unit"])
    _check_amounts(errors, values["quantity"], values["min_lot"])
    if "available_from" in values:
        _check_dates(errors, values["available_from"], values["available_until"])
    if errors:
        raise ValidationFailed(errors)
    committed = row["held"] + row["delivered"]
    if values["quantity"] < committed:
        raise Conflict(
            f"{committed:g} {row['unit']} of this {kind} are held by proposals or delivered; "
            "the quantity cannot go below that",
            code="below_held",
        )
    return values


# --- needs ---------------------------------------------------------------------------------------


async def _need_unit(conn: asyncpg.Connection, data: NeedCreate, errors: list[FieldError]) -> str | None:
    """The catalogue unit the need is counted in, checking its target; None when the target is bad."""
    targets = [data.item_id is not None, data.category_id is not None, data.accept_offer_ids is not None]
    if sum(targets) != 1:
        errors.append(FieldError("item_id", "give exactly one of item_id, category_id, accept_offer_ids"))
        return None
    given = canonical_unit(data.unit) if data.unit is not None else None
    if data.item_id is not None:
        item = await reference.get_item(conn, data.item_id)
        if item is None:
            errors.append(FieldError("item_id", "no item with this id"))
            return None
        unit: str = item["unit"]
        return unit
    if data.category_id is not None:
        if not await reference.category_exists(conn, data.category_id):
            errors.append(FieldError("category_id", "no category with this id"))
            return None
        units = await reference.category_units(conn, data.category_id)
        if given is not None:
            if given not in units:
                errors.append(FieldError("unit", f"items of this category come in {', '.join(units)}"))
                return None
            return given
        if len(units) != 1:
            errors.append(FieldError("unit", f"required: items of this category come in {', '.join(units)}"))
            return None
        return units[0]
    assert data.accept_offer_ids is not None
    offers = await repo.offers_by_id(conn, data.accept_offer_ids)
    offer_units: set[str] = set()
    if len(set(data.accept_offer_ids)) != len(data.accept_offer_ids):
        errors.append(FieldError("accept_offer_ids", "lists an offer twice"))
    for index, offer_id in enumerate(data.accept_offer_ids):
        offer = offers.get(offer_id)
        if offer is None or offer["status"] != "open":
            errors.append(FieldError(f"accept_offer_ids[{index}]", "no open offer with this id"))
        elif offer["community_id"] == data.community_id:
            errors.append(FieldError(f"accept_offer_ids[{index}]", "is the community's own offer"))
        else:
            offer_units.add(offer["unit"])
    if len(offer_units) > 1:
        errors.append(FieldError("accept_offer_ids", "the offers must share one unit"))
        return None
    if not offer_units:
        return None
    (unit,) = offer_units
    if given is not None and given != unit:
        errors.append(FieldError("unit", f"the accepted offers are counted in {unit}"))
    return unit


async def create_need(conn: asyncpg.Connection, caller: Caller, data: NeedCreate) -> NeedOut:
    await _community(conn, caller, data.community_id)
    errors: list[FieldError] = []
    unit = await _need_unit(conn, data, errors)
    quantity, min_lot = data.quantity, data.min_lot
    if unit is not None:
        quantity = _convert(errors, "quantity", data.quantity, data.unit, unit)
        min_lot = _convert(errors, "min_lot", data.min_lot, data.unit, unit)
    elif round(quantity, 4) < SMALLEST_QUANTITY:
        errors.append(FieldError("quantity", f"is below {SMALLEST_QUANTITY}, the smallest amount kept"))
    _check_amounts(errors, quantity, min_lot)
    if errors or unit is None:
        raise ValidationFailed(errors or [FieldError("item_id", "no usable target")])
    values = {
        **msgspec.structs.asdict(data),
        "unit": unit,
        "quantity": quantity,
        "min_lot": min_lot,
    }
    out = need_out(await repo.insert_need(conn, values))
    await _audit(conn, caller, "create", "need", out)
    return out


async def update_need(
    conn: asyncpg.Connection, caller: Caller, need_id: int, version: int | None, data: NeedPatch
) -> NeedOut:
    row = await _locked_for_write(conn, caller, "need", need_id, version)
    keys = (
        "item_id",
        "category_id",
        "accept_offer_ids",
        "unit",
        "quantity",
        "min_lot",
        "needed_by",
        "priority",
        "max_distance_km",
        "note",
        "status",
    )
    values = _patched(row, "need", keys, data)
    out = need_out(await repo.update_need(conn, need_id, values))
    await _audit(conn, caller, "update", "need", out, need_out(row))
    return out


# --- both ----------------------------------------------------------------------------------------


async def withdraw(
    conn: asyncpg.Connection, caller: Caller, kind: Kind, listing_id: int, version: int | None
) -> OfferOut | NeedOut:
    """Withdraw (DELETE): the row stays, marked withdrawn. Refused while proposals hold part of it."""
    row = await _locked_for_write(conn, caller, kind, listing_id, version)
    if row["status"] == "withdrawn":
        return _out(kind, row)
    if row["status"] != "open":
        raise Conflict(f"The {kind} is {row['status']}", code="not_open")
    if row["held"] > 0:
        raise Conflict(
            f"{row['held']:g} {row['unit']} of this {kind} are held by proposed exchanges; "
            "decline those proposals first",
            code="held",
        )
    before = _out(kind, row)
    values = {**dict(row), "status": "withdrawn"}
    updated = await (repo.update_offer if kind == "offer" else repo.update_need)(conn, listing_id, values)
    out = _out(kind, updated)
    await _audit(conn, caller, "withdraw", kind, out, before)
    return out
