"""The catalogue: the goods every channel reads, the goods the network adds, and their reference values.

The items table holds the shipped catalogue (barter/reference/catalogue.json, loaded at start) and
the goods coordinators and admins add (ปลาทู, ข้าวโพด: `add_item`); `current` is what the LINE
reader, spreadsheets and the console read goods' names by. Admins set national reference values and
any region's, coordinators their regions'. Every change is versioned and audited; proposals keep
the value they used on each transfer."""

from __future__ import annotations

import re
from datetime import datetime

import asyncpg
import msgspec

from barter.domain.access import Caller, require_role, require_writer
from barter.domain.errors import FieldError, Forbidden, NotFound, StaleVersion, ValidationFailed
from barter.domain.thai_text import CATEGORY_WORDS
from barter.domain.units import goods_known
from barter.reference import CatalogueItem
from barter.schemas.reference import (
    ItemListed,
    ItemNew,
    ItemOut,
    ItemValues,
    RegionValue,
    ValueChange,
    ValueSet,
)
from barter.storage import reference
from barter.storage.repos import audit
from barter.storage.repos import catalogue as repo


async def values(conn: asyncpg.Connection, item_id: str) -> ItemValues:
    item = await reference.get_item(conn, item_id)
    if item is None:
        raise NotFound("No item with that id")
    return ItemValues(
        item_id=item_id,
        reference_value=item["reference_value"],
        version=item["version"],
        regions=[RegionValue(**dict(r)) for r in await repo.region_values(conn, item_id)],
        changes=[ValueChange(**dict(r)) for r in await repo.changes(conn, item_id)],
    )


async def set_value(
    conn: asyncpg.Connection, caller: Caller, item_id: str, data: ValueSet, now: datetime, version: int | None
) -> ItemValues:
    require_writer(caller)
    if data.region is None and not caller.is_admin:
        raise Forbidden("Only an admin sets a national reference value; a coordinator sets its regions'")
    if data.region is not None and not caller.covers_region(data.region):
        raise Forbidden(f"Your key does not cover the {data.region} region")
    item = await reference.get_item(conn, item_id)
    if item is None:
        raise NotFound("No item with that id")
    before = await repo.current(conn, item_id, data.region)
    current_version: int = item["version"] if data.region is None else before["version"]
    if version is not None and version != current_version:
        raise StaleVersion(f"The value changed since you read it (now version {current_version})")
    new_version = await repo.set_value(conn, item_id, data.region, data.value)
    assert new_version is not None
    await repo.record_change(
        conn, item_id, data.region, data.value, new_version, caller.key_id, data.reason, now
    )
    await audit.record(
        conn,
        caller,
        action="set_value",
        entity="item",
        entity_id=item_id,
        region=data.region,
        before={"value": before["value"], "version": current_version},
        after={"value": data.value, "version": new_version, "region": data.region},
        reason=data.reason,
    )
    return await values(conn, item_id)


_LAST: list[tuple[CatalogueItem, ...]] = [()]  # the last catalogue read


async def current(conn: asyncpg.Connection) -> tuple[CatalogueItem, ...]:
    """Every item as its names are read: the shipped catalogue in its order, then the goods the
    network added. The same tuple object while nothing changed, so what is built from it once (the
    LINE reader's word index, cached per catalogue object) is not built again for each message.
    barter.domain.units is told it too (`goods_known`): the counting words amounts are said in
    everywhere (ไก่ย่าง 5 ตัว) follow the goods this process last read."""
    items = tuple(msgspec.convert(dict(r), CatalogueItem) for r in await repo.entries(conn))
    if items != _LAST[0]:
        _LAST[0] = items
    goods_known(_LAST[0])
    return _LAST[0]


async def listed(conn: asyncpg.Connection) -> list[ItemListed]:
    """Every item as the console's goods page lists it (open to every signed-in reader, as the
    catalogue is to everyone): in the catalogue's order, with its national reference value, its
    other Thai names and when the network added it."""
    return [ItemListed(**dict(r)) for r in await repo.goods_listed(conn)]


_THAI = re.compile(r"[\u0e01-\u0e5b]")
_STEP = {"kg": 0.1, "litre": 0.1, "piece": 1.0, "pack": 1.0}


def _words(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _new_item_errors(
    data: ItemNew, known: tuple[CatalogueItem, ...], categories: set[str]
) -> list[FieldError]:
    errors: list[FieldError] = []
    if data.category_id not in categories:
        errors.append(FieldError("category_id", "no such category", code="unknown"))
    taken = {_words(name): item for item in known for name in (item.name_th, *item.synonyms_th)}
    named: set[str] = set()
    for path, name in [("name_th", data.name_th)] + [
        (f"synonyms_th[{k}]", s) for k, s in enumerate(data.synonyms_th)
    ]:
        word = _words(name)
        if not _THAI.search(word):
            errors.append(FieldError(path, "must be written in Thai", code="not_thai"))
        elif word in taken:
            other = taken[word]
            errors.append(
                FieldError(
                    path,
                    f"{name!r} already names {other.name_en} ({other.id})",
                    code="name_taken",
                    params={"name": name, "item": other.name_th},
                )
            )
        elif word in CATEGORY_WORDS:
            errors.append(
                FieldError(
                    path, f"{name!r} names a whole category", code="category_word", params={"name": name}
                )
            )
        elif word in named:
            errors.append(
                FieldError(path, f"{name!r} is given twice", code="given_twice", params={"name": name})
            )
        named.add(word)
    if data.unit == "kg" and data.kg_per_unit not in (None, 1):
        errors.append(
            FieldError("kg_per_unit", "an item counted in kg weighs 1 kg per unit", code="kg_is_one")
        )
    if data.unit != "kg" and data.kg_per_unit is None:
        errors.append(FieldError("kg_per_unit", "give the weight of one unit in kg", code="required"))
    if data.counted_th is not None:
        if data.unit != "piece":
            errors.append(
                FieldError(
                    "counted_th", "only goods counted in pieces have a counting word", code="pieces_only"
                )
            )
        elif not _THAI.search(data.counted_th) or _words(data.counted_th) != data.counted_th:
            errors.append(FieldError("counted_th", "one Thai word, e.g. ตัว", code="not_thai"))
    return errors


def _slug(name_en: str | None) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", (name_en or "").lower()).strip("-")[:48].strip("-")
    return slug if slug[:1].isalpha() else "item"


def may_add(caller: Caller) -> None:
    """Forbidden unless the caller may add goods (coordinators and admins: the catalogue is the
    whole network's). A form asks first, so a post from anyone else is refused as such, whatever
    it holds."""
    require_writer(caller)
    require_role(caller, "admin", "coordinator")


async def add_item(conn: asyncpg.Connection, caller: Caller, data: ItemNew, now: datetime) -> ItemOut:
    """Add goods the catalogue lacks. Coordinators and admins: the catalogue is the whole network's.
    Refused, by field: a Thai name or synonym another item (or the same request) already uses, one
    naming a whole category (ข้าว, ผัก: the LINE reader takes those for any goods of it), names not
    in Thai, an unknown category, a weight missing or wrong for the unit, a counting word for goods
    not counted in pieces."""
    may_add(caller)
    known = await current(conn)
    categories = {r["id"] for r in await reference.list_categories(conn)}
    errors = _new_item_errors(data, known, categories)
    if errors:
        raise ValidationFailed(errors)
    base = _slug(data.name_en)
    ids = {item.id for item in known}
    candidates = [base] if base != "item" else []
    candidates += [f"{base}-{n}" for n in range(2, 200)]
    for item_id in (c for c in candidates if c not in ids):
        outcome = await repo.insert_item(
            conn,
            item_id=item_id,
            category_id=data.category_id,
            name_th=data.name_th.strip(),
            name_en=(data.name_en or data.name_th).strip(),
            unit=data.unit,
            kg_per_unit=1.0 if data.unit == "kg" else float(data.kg_per_unit or 1.0),
            shelf_life_days=data.shelf_life_days,
            reference_value=data.reference_value,
            quantity_step=_STEP[data.unit],
            synonyms_th=[s.strip() for s in data.synonyms_th],
            counted_th=data.counted_th,
            added_by=caller.key_id,
            added_at=now,
        )
        if outcome == "name_taken":
            raise ValidationFailed(
                [
                    FieldError(
                        "name_th",
                        "another item took this name meanwhile",
                        code="name_taken",
                        params={"name": data.name_th, "item": data.name_th},
                    )
                ]
            )
        if outcome == "added":
            await audit.record(
                conn,
                caller,
                action="add_item",
                entity="item",
                entity_id=item_id,
                after={**msgspec.to_builtins(data), "id": item_id},
            )
            row = await reference.get_item(conn, item_id)
            assert row is not None
            await current(conn)  # this process says its amounts in its counting word from now on
            return ItemOut(**dict(row))
    raise ValidationFailed(
        [
            FieldError(
                "name_en",
                "no free id for this name",
                code="name_taken",
                params={"name": data.name_en or "", "item": ""},
            )
        ]
    )
