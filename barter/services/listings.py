"""Offers and needs: what a community has and what it needs, posted by it or by its coordinator."""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import msgspec

from barter.domain.access import THAI_THINGS, Caller, CommunityRef, require_acts_for
from barter.domain.clock import Clock, thai_today
from barter.domain.errors import Conflict, FieldError, NotFound, StaleVersion, ValidationFailed
from barter.domain.thaidate import from_era, too_late
from barter.domain.units import (
    canonical_unit,
    english_unit,
    normalise_unit,
    off_step,
    thai_unit_for,
    to_catalogue_unit,
)
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


def _convert(
    errors: list[FieldError],
    field: str,
    quantity: float,
    unit: str | None,
    expected: str,
    item_id: str | None = None,
) -> float:
    """The quantity in the `expected` unit; a unit that does not convert is refused, said in the
    item's own Thai counting word where it is known (`item_id`: "ของนี้นับเป็น ฟอง")."""
    converted = quantity if unit is None else to_catalogue_unit(quantity, unit, expected)  # type: ignore[arg-type]
    if converted is None:
        if field == "quantity":  # one message for the unit, not one per amount
            known = unit is not None and normalise_unit(unit) is not None
            errors.append(
                FieldError(
                    "unit",
                    f"must be {expected} or convertible to it",
                    code="counted_in",
                    params={"units": expected, "item_id": item_id},
                )
                if known
                else FieldError("unit", f"unknown unit {unit!r}", code="not_known", params={"name": unit})
            )
        return quantity
    if field == "quantity" and round(converted, 4) < SMALLEST_QUANTITY:
        errors.append(
            FieldError(
                "quantity",
                f"is below {SMALLEST_QUANTITY} {expected}, the smallest amount kept",
                code="below_smallest",
                params={"smallest": SMALLEST_QUANTITY},
            )
        )
    return converted


def _check_amounts(
    errors: list[FieldError], quantity: float, min_lot: float, step: float | None = None
) -> None:
    if min_lot > quantity:
        errors.append(FieldError("min_lot", "must not exceed quantity", code="above_quantity"))
    if step is not None and off_step(quantity, step):  # (a min lot is a bound, not an amount that moves)
        whole = "whole units" if step == 1 else f"steps of {step:g}"
        message = f"this item comes in {whole}: {quantity:g} is not a multiple of {step:g}"
        errors.append(FieldError("quantity", message, code="off_step", params={"step": step}))


def _dates(errors: list[FieldError], calendar: str, values: dict[str, Any], fields: tuple[str, ...]) -> None:
    """Dates given in the Buddhist era (calendar=buddhist) stored in the Gregorian one; a Gregorian
    date with a Buddhist-era year is refused, never stored 543 years off; so is a Buddhist-era
    year past any date barter handles (9999 BE is 9456), as the console refuses it."""
    for field in fields:
        value = values.get(field)
        if isinstance(value, date | str):
            converted, problem = from_era(value, calendar)
            if problem:
                errors.append(FieldError(field, problem, code="bad_date"))
            elif converted is not None and too_late(converted):
                message = f"{value} is {converted.isoformat()}: no date barter handles is this late"
                errors.append(FieldError(field, message, code="far_date"))
            values[field] = converted


def _not_past(errors: list[FieldError], values: dict[str, Any], fields: tuple[str, ...], today: date) -> None:
    """A last day (available until, needed by, recurring until) before today's Thai date is
    refused: such a listing could never be exchanged. A first day in the past is fine."""
    for field in fields:
        value = values.get(field)
        if isinstance(value, date) and value < today:
            errors.append(
                FieldError(
                    field,
                    f"{value.isoformat()} is in the past (today is {today.isoformat()} in Thailand)",
                    code="in_the_past",
                    params={"today": today.isoformat()},
                )
            )


async def _terms(
    conn: asyncpg.Connection, errors: list[FieldError], item_id: str, values: dict[str, Any]
) -> None:
    """A minimum-ratio term names another catalogue item and a ratio, both or neither."""
    ratio_item, ratio = values.get("min_ratio_item_id"), values.get("min_ratio")
    if (ratio_item is None) != (ratio is None):
        missing = "min_ratio" if ratio is None else "min_ratio_item_id"
        errors.append(FieldError(missing, "min_ratio_item_id and min_ratio go together", code="ratio_pair"))
    elif ratio_item is not None:
        if ratio_item == item_id:
            errors.append(
                FieldError("min_ratio_item_id", "must be another item than the one offered", code="same_item")
            )
        elif await reference.get_item(conn, ratio_item) is None:
            errors.append(FieldError("min_ratio_item_id", "no item with this id", code="unknown"))


def _recurrence(errors: list[FieldError], values: dict[str, Any]) -> None:
    every, amount, until = values.get("recur_every"), values.get("recur_quantity"), values.get("recur_until")
    if (every is None) != (amount is None):
        errors.append(
            FieldError(
                "recur_quantity" if amount is None else "recur_every",
                "recur_every and recur_quantity go together",
                code="recur_pair",
            )
        )
    if until is not None and every is None:
        errors.append(FieldError("recur_until", "needs recur_every and recur_quantity", code="recur_needed"))


def _check_dates(errors: list[FieldError], start: date | None, end: date | None) -> None:
    if start is not None and end is not None and end < start:
        errors.append(FieldError("available_until", "must not be before available_from", code="before_start"))


def _not_open(kind: Kind, status: str, *, post_again: bool = True) -> Conflict:
    """A listing no longer open (withdrawn, done) changes no more (409 `not_open`)."""
    return Conflict(
        f"The {kind} is {status}" + ("; post a new one" if post_again else ""),
        code="not_open",
        detail_th=f"{THAI_THINGS[kind]}นี้ไม่ได้เปิดอยู่แล้ว" + (" ให้ลงประกาศใหม่แทน" if post_again else ""),
    )


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
        raise NotFound(f"No {kind} with that id", detail_th=f"ไม่พบ{THAI_THINGS[kind]}ตามรหัสนี้")
    return _out(kind, row)


async def _locked_for_write(
    conn: asyncpg.Connection,
    caller: Caller,
    kind: Kind,
    listing_id: int,
    version: int | None,
    community_id: int | None = None,
    *,
    lock: bool = True,
) -> asyncpg.Record:
    """The listing, locked (unless `lock` is false: only to read it), when the caller may change
    it; `community_id` (a path that names the community, as the console's do) must be the
    listing's, else it is not found there."""
    row: asyncpg.Record | None = await repo.get(conn, kind, listing_id, for_update=lock)
    require_acts_for(caller, None if row is None else CommunityRef(row["community_id"], row["region"]), kind)
    assert row is not None
    if community_id is not None and row["community_id"] != community_id:
        raise NotFound(
            f"No {kind} with that id in this community",
            detail_th=f"ไม่พบ{THAI_THINGS[kind]}ตามรหัสนี้ในชุมชนนี้",
        )
    if version is not None and row["version"] != version:
        raise StaleVersion(
            f"The {kind} changed since you read it (now version {row['version']})",
            detail_th=f"{THAI_THINGS[kind]}นี้ถูกแก้ไขหลังจากที่คุณอ่าน (ตอนนี้เป็นฉบับที่ {row['version']})",
        )
    return row


# --- offers --------------------------------------------------------------------------------------


async def create_offer(conn: asyncpg.Connection, caller: Caller, data: OfferCreate, clock: Clock) -> OfferOut:
    await _community(conn, caller, data.community_id)
    item = await reference.get_item(conn, data.item_id)
    if item is None:
        raise ValidationFailed([FieldError("item_id", "no item with this id", code="unknown")])
    errors: list[FieldError] = []
    terms = msgspec.structs.asdict(data)
    _dates(errors, data.calendar, terms, ("available_from", "available_until", "recur_until"))
    _not_past(errors, terms, ("available_until", "recur_until"), thai_today(clock.now()))
    quantity = _convert(errors, "quantity", data.quantity, data.unit, item["unit"], data.item_id)
    min_lot = _convert(errors, "min_lot", data.min_lot, data.unit, item["unit"])
    if data.recur_quantity is not None:
        terms["recur_quantity"] = _convert(
            errors, "recur_quantity", data.recur_quantity, data.unit, item["unit"]
        )
    _check_amounts(errors, quantity, min_lot, item["quantity_step"])
    if terms["recur_quantity"] is not None and off_step(terms["recur_quantity"], item["quantity_step"]):
        errors.append(
            FieldError(
                "recur_quantity",
                f"must be a multiple of {item['quantity_step']:g}",
                code="off_step",
                params={"step": item["quantity_step"]},
            )
        )
    _check_dates(errors, terms["available_from"], terms["available_until"])
    await _terms(conn, errors, data.item_id, terms)
    _recurrence(errors, terms)
    if errors:
        raise ValidationFailed(errors)
    row = await repo.insert_offer(
        conn,
        community_id=data.community_id,
        item_id=data.item_id,
        quantity=quantity,
        min_lot=min_lot,
        available_from=terms["available_from"],
        available_until=terms["available_until"],
        gift=data.gift,
        note=data.note,
        terms=terms,
        today=thai_today(clock.now()),
    )
    out = offer_out(row)
    await _audit(conn, caller, "create", "offer", out)
    return out


async def update_offer(
    conn: asyncpg.Connection,
    caller: Caller,
    offer_id: int,
    version: int | None,
    data: OfferPatch,
    clock: Clock,
    *,
    community_id: int | None = None,
) -> OfferOut:
    row = await _locked_for_write(conn, caller, "offer", offer_id, version, community_id)
    keys = (
        "item_id", "quantity", "min_lot", "available_from", "available_until", "gift", "note", "status",
        "own_value", "min_ratio_item_id", "min_ratio",
    )  # fmt: skip
    values = _patched(
        row, "offer", keys, data, thai_today(clock.now()), await _new_item(conn, row, "offer", data)
    )
    errors: list[FieldError] = []
    await _terms(conn, errors, values["item_id"], values)
    if errors:
        raise ValidationFailed(errors)
    out = offer_out(await repo.update_offer(conn, offer_id, values))
    await _audit(conn, caller, "update", "offer", out, offer_out(row))
    return out


def _said_th(row: asyncpg.Record, quantity: float) -> str:
    """An amount of the listing in Thai, in its item's own counting word: 300 ฟอง, 20 กก."""
    return f"{quantity:g} {thai_unit_for(row['unit'], row['item_id'])}"


async def _new_item(
    conn: asyncpg.Connection, row: asyncpg.Record, kind: Kind, data: OfferPatch | NeedPatch
) -> asyncpg.Record | None:
    """The catalogue item a patch moves the listing to, or None when the item stays. An item is
    changed only while nothing of the listing is held or delivered (409 `item_held`): a proposal
    promised that item."""
    item_id = data.item_id
    if item_id is msgspec.UNSET or item_id == row["item_id"]:
        return None
    if row["status"] != "open":
        raise _not_open(kind, row["status"])
    committed = row["held"] + row["delivered"]
    if committed > 0:
        raise Conflict(
            f"{committed:g} {english_unit(row['unit'], committed)} of this {kind} "
            "are held by proposals or delivered; "
            "its item cannot change: withdraw what is free and post a new one",
            code="item_held",
            detail_th=(
                f"เปลี่ยนชนิดของไม่ได้ เพราะมี {_said_th(row, committed)} "
                "ถูกจองไว้ในข้อเสนอแลกเปลี่ยนหรือส่งไปแล้ว ให้ลงรายการใหม่แทน"
            ),
        )
    if kind == "need" and row["item_id"] is None:
        raise ValidationFailed(
            [
                FieldError(
                    "item_id",
                    "this need names a category or offers, not an item; post a new one",
                    code="not_an_item",
                )
            ]
        )
    item = await reference.get_item(conn, item_id)
    if item is None:
        raise ValidationFailed([FieldError("item_id", "no item with this id", code="unknown")])
    return item


def _patched(
    row: asyncpg.Record,
    kind: Kind,
    keys: tuple[str, ...],
    data: msgspec.Struct,
    today: date,
    item: asyncpg.Record | None = None,
) -> dict[str, Any]:
    """The row's values with the patch applied, checked; amounts never go below what is committed.
    With `item` (a new catalogue item) the amounts are counted and stepped in its unit: kept ones
    are converted, and must be given again when the units do not convert. Only a last day the
    patch sets is held to `today`: a listing whose day has since passed keeps its other edits."""
    if row["status"] != "open":
        raise _not_open(kind, row["status"])
    changes = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}
    unit = changes.pop("unit", None)
    calendar = changes.pop("calendar", "gregorian")
    errors: list[FieldError] = []
    _dates(errors, calendar, changes, ("available_from", "available_until", "needed_by"))
    _not_past(errors, changes, ("available_until", "needed_by"), today)
    values: dict[str, Any] = {**{k: row[k] for k in keys}, **changes}
    target_unit, step, item_id = row["unit"], row["quantity_step"], row["item_id"]
    if item is not None:
        target_unit, step, item_id = item["unit"], item["quantity_step"], item["id"]
        if "unit" in values:
            values["unit"] = target_unit
        for field in ("quantity", "min_lot"):
            if field not in changes:
                kept = to_catalogue_unit(row[field], row["unit"], target_unit)
                if kept is None:
                    errors.append(
                        FieldError(
                            field,
                            f"give it again in {target_unit}, the new item's unit",
                            code="give_again",
                            params={"unit": target_unit, "item_id": item_id},
                        )
                    )
                else:
                    values[field] = kept
    for field in ("quantity", "min_lot"):
        if field in changes:
            values[field] = _convert(errors, field, changes[field], unit, target_unit, item_id)
    _check_amounts(errors, values["quantity"], values["min_lot"], step)
    if "available_from" in values:
        _check_dates(errors, values["available_from"], values["available_until"])
    if errors:
        raise ValidationFailed(errors)
    committed = row["held"] + row["delivered"]
    if values["quantity"] < committed:
        raise Conflict(
            f"{committed:g} {english_unit(row['unit'], committed)} of this {kind} "
            "are held by proposals or delivered; "
            "the quantity cannot go below that",
            code="below_held",
            detail_th=f"มี {_said_th(row, committed)} ถูกจองไว้ในข้อเสนอแลกเปลี่ยนหรือส่งไปแล้ว จำนวนต้องไม่น้อยกว่านั้น",
        )
    return values


# --- needs ---------------------------------------------------------------------------------------


async def _need_unit(conn: asyncpg.Connection, data: NeedCreate, errors: list[FieldError]) -> str | None:
    """The catalogue unit the need is counted in, checking its target; None when the target is bad."""
    targets = [data.item_id is not None, data.category_id is not None, data.accept_offer_ids is not None]
    if sum(targets) != 1:
        errors.append(
            FieldError(
                "item_id", "give exactly one of item_id, category_id, accept_offer_ids", code="one_target"
            )
        )
        return None
    given = canonical_unit(data.unit) if data.unit is not None else None
    if data.unit is not None and given is None:
        errors.append(
            FieldError("unit", f"unknown unit {data.unit!r}", code="not_known", params={"name": data.unit})
        )
        return None
    if data.item_id is not None:
        item = await reference.get_item(conn, data.item_id)
        if item is None:
            errors.append(FieldError("item_id", "no item with this id", code="unknown"))
            return None
        unit: str = item["unit"]
        return unit
    if data.category_id is not None:
        if not await reference.category_exists(conn, data.category_id):
            errors.append(FieldError("category_id", "no category with this id", code="unknown"))
            return None
        units = await reference.category_units(conn, data.category_id)
        if given is not None:
            if given not in units:
                errors.append(
                    FieldError(
                        "unit",
                        f"items of this category come in {', '.join(units)}",
                        code="counted_in",
                        params={"units": units},
                    )
                )
                return None
            return given
        if len(units) != 1:
            errors.append(
                FieldError(
                    "unit",
                    f"required: items of this category come in {', '.join(units)}",
                    code="unit_needed",
                    params={"units": units},
                )
            )
            return None
        return units[0]
    assert data.accept_offer_ids is not None
    offers = await repo.offers_by_id(conn, data.accept_offer_ids)
    offer_units: set[str] = set()
    if len(set(data.accept_offer_ids)) != len(data.accept_offer_ids):
        errors.append(FieldError("accept_offer_ids", "lists an offer twice", code="listed_twice"))
    for index, offer_id in enumerate(data.accept_offer_ids):
        offer = offers.get(offer_id)
        if offer is None or offer["status"] != "open":
            errors.append(
                FieldError(f"accept_offer_ids[{index}]", "no open offer with this id", code="not_open_offer")
            )
        elif offer["community_id"] == data.community_id:
            errors.append(
                FieldError(f"accept_offer_ids[{index}]", "is the community's own offer", code="own_offer")
            )
        else:
            offer_units.add(offer["unit"])
    if len(offer_units) > 1:
        errors.append(FieldError("accept_offer_ids", "the offers must share one unit", code="mixed_units"))
        return None
    if not offer_units:
        return None
    (unit,) = offer_units
    if given is not None and given != unit:
        errors.append(
            FieldError(
                "unit",
                f"the accepted offers are counted in {unit}",
                code="counted_in",
                params={"units": unit},
            )
        )
    return unit


async def create_need(conn: asyncpg.Connection, caller: Caller, data: NeedCreate, clock: Clock) -> NeedOut:
    await _community(conn, caller, data.community_id)
    errors: list[FieldError] = []
    values = msgspec.structs.asdict(data)
    _dates(errors, data.calendar, values, ("needed_by",))
    _not_past(errors, values, ("needed_by",), thai_today(clock.now()))
    unit = await _need_unit(conn, data, errors)
    quantity, min_lot = data.quantity, data.min_lot
    step = None
    if unit is not None:
        quantity = _convert(errors, "quantity", data.quantity, data.unit, unit, data.item_id)
        min_lot = _convert(errors, "min_lot", data.min_lot, data.unit, unit)
        if data.item_id is not None:
            item = await reference.get_item(conn, data.item_id)
            step = None if item is None else item["quantity_step"]
    elif round(quantity, 4) < SMALLEST_QUANTITY:
        errors.append(
            FieldError(
                "quantity",
                f"is below {SMALLEST_QUANTITY}, the smallest amount kept",
                code="below_smallest",
                params={"smallest": SMALLEST_QUANTITY},
            )
        )
    _check_amounts(errors, quantity, min_lot, step)
    if errors or unit is None:
        raise ValidationFailed(errors or [FieldError("item_id", "no usable target", code="one_target")])
    values |= {"unit": unit, "quantity": quantity, "min_lot": min_lot}
    out = need_out(await repo.insert_need(conn, values))
    await _audit(conn, caller, "create", "need", out)
    return out


async def update_need(
    conn: asyncpg.Connection,
    caller: Caller,
    need_id: int,
    version: int | None,
    data: NeedPatch,
    clock: Clock,
    *,
    community_id: int | None = None,
) -> NeedOut:
    row = await _locked_for_write(conn, caller, "need", need_id, version, community_id)
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
        "own_value",
    )
    values = _patched(
        row, "need", keys, data, thai_today(clock.now()), await _new_item(conn, row, "need", data)
    )
    out = need_out(await repo.update_need(conn, need_id, values))
    await _audit(conn, caller, "update", "need", out, need_out(row))
    return out


# --- both ----------------------------------------------------------------------------------------


async def to_withdraw(
    conn: asyncpg.Connection, caller: Caller, kind: Kind, listing_id: int, *, community_id: int
) -> OfferOut | NeedOut:
    """The listing as a withdrawal's confirmation shows it: read by the rules `withdraw` follows
    (whoever may not withdraw it finds no such listing), nothing locked or changed."""
    return _out(kind, await _locked_for_write(conn, caller, kind, listing_id, None, community_id, lock=False))


async def withdraw(
    conn: asyncpg.Connection,
    caller: Caller,
    kind: Kind,
    listing_id: int,
    version: int | None,
    *,
    community_id: int | None = None,
) -> OfferOut | NeedOut:
    """Withdraw (DELETE): the row stays, marked withdrawn. Refused while proposals hold part of it."""
    row = await _locked_for_write(conn, caller, kind, listing_id, version, community_id)
    if row["status"] == "withdrawn":
        return _out(kind, row)
    if row["status"] != "open":
        raise _not_open(kind, row["status"], post_again=False)
    if row["held"] > 0:
        raise Conflict(
            f"{row['held']:g} {english_unit(row['unit'], row['held'])} of this {kind} "
            "are held by proposed exchanges; "
            "decline those proposals first",
            code="held",
            detail_th=f"มี {_said_th(row, row['held'])} ถูกจองไว้ในข้อเสนอแลกเปลี่ยน ให้ปฏิเสธข้อเสนอเหล่านั้นก่อน",
        )
    before = _out(kind, row)
    values = {**dict(row), "status": "withdrawn"}
    updated = await (repo.update_offer if kind == "offer" else repo.update_need)(conn, listing_id, values)
    out = _out(kind, updated)
    await _audit(conn, caller, "withdraw", kind, out, before)
    return out


# --- recurring offers ----------------------------------------------------------------------------

BANGKOK = ZoneInfo("Asia/Bangkok")
MAX_PERIODS = 120  # catching up after a long stop: at most ten years of months in one sweep


async def open_recurring(conn: asyncpg.Connection, clock: Clock) -> list[int]:
    """Open the next quantity of every recurring offer whose date has come (Thai calendar day), in
    the caller's transaction; periods missed while the service was down are caught up."""
    today = clock.now().astimezone(BANGKOK).date()
    opened: list[int] = []
    for _ in range(MAX_PERIODS):
        ids = await repo.open_recurring(conn, today)
        if not ids:
            break
        opened += ids
    return opened
