"""The catalogue: the goods every channel reads, the goods the network adds, and their reference values.

The items table holds the shipped catalogue (barter/reference/catalogue.json, loaded at start) and
the goods coordinators and admins add (ปลาช่อน, ข้าวโพด: `add_item`); `current` is what the LINE
reader, spreadsheets and the console read goods' names by; `update_item` corrects goods the
network added (never the shipped ones: a reload of the file would undo it). Admins set national
reference values and any region's, coordinators their regions'. Every change is versioned and
audited; proposals keep the value they used on each transfer."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

import asyncpg
import msgspec

from barter.domain.access import Caller, require_role, require_writer
from barter.domain.errors import (
    Conflict,
    FieldError,
    Forbidden,
    NotFound,
    StaleVersion,
    ValidationFailed,
)
from barter.domain.goods_names import THAI_LETTER, name_key, tidy_name, unseen
from barter.domain.thai_text import CATEGORY_WORDS
from barter.domain.units import goods_known
from barter.reference import CatalogueItem
from barter.schemas.reference import (
    ItemNew,
    ItemOut,
    ItemPatch,
    ItemValues,
    RegionValue,
    ValueChange,
    ValueSet,
)
from barter.storage import reference
from barter.storage.repos import audit
from barter.storage.repos import catalogue as repo
from barter.storage.repos import unknown_goods as unknown_goods_repo


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


async def listed(conn: asyncpg.Connection) -> list[ItemOut]:
    """Every item as the console's goods page lists it (open to every signed-in reader, as the
    catalogue is to everyone): in the catalogue's order, with its national reference value, its
    other Thai names and when the network added it."""
    return [ItemOut(**dict(r)) for r in await repo.entries(conn)]


async def get_item(conn: asyncpg.Connection, item_id: str) -> ItemOut:
    """One item of the catalogue, with its version (the ETag a correction sends back)."""
    row = await reference.get_item(conn, item_id)
    if row is None:
        raise NotFound("No item with that id")
    return ItemOut(**dict(row))


_STEP = {"kg": 0.1, "litre": 0.1, "piece": 1.0, "pack": 1.0}


async def _named_now(conn: asyncpg.Connection, names: Iterable[str]) -> None:
    """Goods communities named while the catalogue lacked them (unknown_goods) are no longer
    unknown once goods are called by one of these names: off the coordinators' list, in the
    transaction that named them."""
    await unknown_goods_repo.resolve(conn, sorted({name_key(n) for n in names}))


def _name_errors(names: Iterable[tuple[str, str]], others: tuple[CatalogueItem, ...]) -> list[FieldError]:
    """What is wrong with each Thai name given (path, name), in order: a name another item uses
    (its name or a synonym), one naming a whole category, one given twice, one not in Thai."""
    errors: list[FieldError] = []
    taken = {name_key(name): item for item in others for name in (item.name_th, *item.synonyms_th)}
    named: set[str] = set()
    for path, name in names:
        word = name_key(name)
        if not word:
            errors.append(FieldError(path, "must not be blank", code="required"))
        elif unseen(name):
            errors.append(
                FieldError(path, "must not contain control or invisible characters", code="bad_characters")
            )
        elif not THAI_LETTER.search(word):
            errors.append(FieldError(path, "must be written in Thai", code="not_thai"))
        elif word in taken:
            other = taken[word]
            errors.append(
                FieldError(
                    path,
                    f"{name!r} already names {other.name_en} ({other.id})",
                    code="name_taken",
                    params={"name": name, "item": other.name_th, "item_en": other.name_en},
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
    return errors


def _name_en_errors(name_en: str | None) -> list[FieldError]:
    if name_en is None:
        return []
    if not name_en.strip():
        return [FieldError("name_en", "must not be blank", code="required")]
    if unseen(name_en):
        return [
            FieldError("name_en", "must not contain control or invisible characters", code="bad_characters")
        ]
    return []


def _measure_errors(
    unit: str, kg_per_unit: float | None, counted_th: str | None, *, weight_needed: bool
) -> list[FieldError]:
    """A weight wrong for the unit (or missing, when `weight_needed`), a counting word for goods not
    counted in pieces or not one Thai word."""
    errors: list[FieldError] = []
    if unit == "kg" and kg_per_unit not in (None, 1):
        errors.append(
            FieldError("kg_per_unit", "an item counted in kg weighs 1 kg per unit", code="kg_is_one")
        )
    if weight_needed and unit != "kg" and kg_per_unit is None:
        errors.append(FieldError("kg_per_unit", "give the weight of one unit in kg", code="required"))
    if counted_th is not None:
        if unit != "piece":
            errors.append(
                FieldError(
                    "counted_th", "only goods counted in pieces have a counting word", code="pieces_only"
                )
            )
        elif unseen(counted_th):
            errors.append(
                FieldError(
                    "counted_th", "must not contain control or invisible characters", code="bad_characters"
                )
            )
        elif not THAI_LETTER.search(counted_th):
            errors.append(FieldError("counted_th", "one Thai word, e.g. ตัว", code="not_thai"))
        elif " " in tidy_name(counted_th):
            errors.append(FieldError("counted_th", "one Thai word, e.g. ตัว", code="one_word"))
    return errors


def _new_item_errors(
    data: ItemNew, known: tuple[CatalogueItem, ...], categories: set[str]
) -> list[FieldError]:
    errors: list[FieldError] = []
    if data.category_id not in categories:
        errors.append(FieldError("category_id", "no such category", code="unknown"))
    errors += _name_errors(
        [("name_th", data.name_th)] + [(f"synonyms_th[{k}]", s) for k, s in enumerate(data.synonyms_th)],
        known,
    )
    errors += _name_en_errors(data.name_en)
    errors += _measure_errors(data.unit, data.kg_per_unit, data.counted_th, weight_needed=True)
    return errors


def _slug(name_en: str | None) -> str:
    """The id an English name makes (`Striped snakehead` -> `striped-snakehead`); `item` where it has no
    Latin letter to start with."""
    slug = re.sub(r"[^a-z0-9]+", "-", (name_en or "").lower()).strip("-")[:48].strip("-")
    return slug if slug[:1].isalpha() else "item"


def may_add(caller: Caller) -> None:
    """Forbidden unless the caller may add goods (coordinators and admins: the catalogue is the
    whole network's). A form asks first, so a post from anyone else is refused as such, whatever
    it holds."""
    require_writer(caller)
    require_role(caller, "admin", "coordinator")


def _ids(base: str) -> list[str]:
    """The ids to try, in order: `striped-snakehead`, `striped-snakehead-2`, ...; `item-1`, `item-2`, ..."""
    first = [base] if base != "item" else ["item-1"]
    return first + [f"{base}-{n}" for n in range(2, 1000)]


async def _audited(
    conn: asyncpg.Connection, caller: Caller, action: str, item_id: str, before: ItemOut | None
) -> ItemOut:
    """The item as it was kept (names tidied, the value to the satang, the weight and step its
    unit gives), recorded in the audit as what `action` made of it: not what was sent."""
    out = await get_item(conn, item_id)
    await audit.record(
        conn,
        caller,
        action=action,
        entity="item",
        entity_id=item_id,
        before=None if before is None else msgspec.to_builtins(before),
        after=msgspec.to_builtins(out),
    )
    return out


def _taken_meanwhile(name: str) -> ValidationFailed:
    return ValidationFailed(
        [
            FieldError(
                "name_th",
                "another item took this name meanwhile",
                code="name_taken",
                params={"name": name, "item": name},
            )
        ]
    )


async def add_item(conn: asyncpg.Connection, caller: Caller, data: ItemNew, now: datetime) -> ItemOut:
    """Add goods the catalogue lacks. Coordinators and admins: the catalogue is the whole network's.
    Refused, by field: a Thai name or synonym another item (or the same request) already uses, one
    naming a whole category (ข้าว, ผัก: the LINE reader takes those for any goods of it), names not
    in Thai, blank or with control or invisible characters, an unknown category, a weight missing
    or wrong for the unit, a counting word for goods not counted in pieces.

    Adds and renames hold the catalogue's names lock (repo.lock_names) from the check to the commit:
    two coordinators adding ปลาช่อน at once get one 201 and one 422 `name_taken`, never a 500. The
    words communities named that its Thai name or another name now is (ปลาช่อน, written while no
    goods were called so) leave the coordinators' list in the same transaction."""
    may_add(caller)
    await repo.lock_names(conn)
    known = await current(conn)
    categories = {r["id"] for r in await reference.list_categories(conn)}
    errors = _new_item_errors(data, known, categories)
    if errors:
        raise ValidationFailed(errors)
    name_th = tidy_name(data.name_th)
    ids = {item.id for item in known}
    for item_id in (c for c in _ids(_slug(data.name_en)) if c not in ids):
        outcome = await repo.insert_item(
            conn,
            item_id=item_id,
            category_id=data.category_id,
            name_th=name_th,
            name_en=tidy_name(data.name_en) if data.name_en is not None else name_th,
            unit=data.unit,
            kg_per_unit=1.0 if data.unit == "kg" else float(data.kg_per_unit or 1.0),
            shelf_life_days=data.shelf_life_days,
            reference_value=data.reference_value,
            quantity_step=_STEP[data.unit],
            synonyms_th=[tidy_name(s) for s in data.synonyms_th],
            counted_th=None if data.counted_th is None else tidy_name(data.counted_th),
            added_by=caller.key_id,
            added_at=now,
        )
        if outcome == "name_taken":
            raise _taken_meanwhile(name_th)
        if outcome == "added":
            await _named_now(conn, [name_th, *data.synonyms_th])
            out = await _audited(conn, caller, "add_item", item_id, None)
            await current(conn)  # this process says its amounts in its counting word from now on
            return out
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


class ShippedItem(Conflict):
    """Goods of the shipped catalogue: their names come from its file, which a reload reads again."""

    code = "shipped_item"

    def __init__(self, item_id: str) -> None:
        super().__init__(
            f"{item_id} is one of the shipped catalogue's goods: its names come from "
            "barter/reference/catalogue.json, which the next load would read again. Only goods the "
            "network added are corrected here.",
            detail_th=(
                f"{item_id} เป็นสินค้าในรายการสินค้าที่มากับระบบ ชื่อของสินค้านี้มาจากไฟล์รายการสินค้า "
                "ซึ่งจะถูกอ่านใหม่ทุกครั้งที่โหลด แก้ได้เฉพาะสินค้าที่เครือข่ายเพิ่มเอง"
            ),
        )


def _patched_names(data: ItemPatch, name_th: str, synonyms: list[str]) -> list[tuple[str, str]]:
    """The item's Thai names after the correction, by path; those it keeps first, so that a name
    given twice is said at the field the correction sent."""
    named = [("name_th", name_th)] + [(f"synonyms_th[{k}]", s) for k, s in enumerate(synonyms)]
    sent = {"name_th"} if data.name_th is not msgspec.UNSET else set()
    if data.synonyms_th is not msgspec.UNSET:
        sent |= {p for p, _ in named if p.startswith("synonyms_th")}
    return [n for n in named if n[0] not in sent] + [n for n in named if n[0] in sent]


async def update_item(
    conn: asyncpg.Connection,
    caller: Caller,
    item_id: str,
    version: int | None,
    data: ItemPatch,
) -> ItemOut:
    """Correct goods the network added: their Thai and English names, synonyms, counting word,
    shelf life and weight per unit (coordinators and admins); an English name null or "" is
    cleared (the goods are called by their Thai name in English, as goods added without one are).
    Not their unit or category (listings count in them), nor the shipped catalogue's goods (409
    `shipped_item`). The same refusals as adding, against the other items' names (its own are its
    own); 412 when `version` (If-Match) is not the item's. Versioned and audited."""
    require_writer(caller)
    require_role(caller, "admin", "coordinator")
    await repo.lock_names(conn)
    row = await repo.item_for_update(conn, item_id)
    if row is None:
        raise NotFound("No item with that id")
    if row["added_by"] is None:
        raise ShippedItem(item_id)
    if version is not None and row["version"] != version:
        raise StaleVersion(f"The item changed since you read it (now version {row['version']})")
    before = ItemOut(**{k: v for k, v in dict(row).items() if k != "added_by"})
    changes = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}
    name_th = changes.get("name_th", before.name_th)
    synonyms = changes.get("synonyms_th", before.synonyms_th)
    counted = changes.get("counted_th", before.counted_th)
    kg_per_unit = changes.get("kg_per_unit", before.kg_per_unit)
    others = tuple(item for item in await current(conn) if item.id != item_id)
    # Its Thai names are checked when the correction touches them: a shelf life corrects alone.
    renamed = {"name_th", "synonyms_th"} & changes.keys()
    errors = _name_errors(_patched_names(data, name_th, synonyms), others) if renamed else []
    cleared = "name_en" in changes and changes["name_en"] in (None, "")
    errors += [] if cleared else _name_en_errors(changes.get("name_en"))
    errors += _measure_errors(
        before.unit, changes.get("kg_per_unit"), changes.get("counted_th"), weight_needed=False
    )
    if errors:
        raise ValidationFailed(errors)
    name_th = tidy_name(name_th)
    if cleared:  # called by their Thai name in English again, as goods added without one are
        name_en = name_th
    elif "name_en" in changes:
        name_en = tidy_name(changes["name_en"])
    else:  # goods with no English name are called by their Thai name: it follows the Thai one
        name_en = name_th if before.name_en == before.name_th else before.name_en
    kept = await repo.update_item(
        conn,
        item_id,
        name_th=name_th,
        name_en=name_en,
        synonyms_th=[tidy_name(s) for s in synonyms],
        counted_th=None if counted is None else tidy_name(counted),
        shelf_life_days=changes.get("shelf_life_days", before.shelf_life_days),
        kg_per_unit=kg_per_unit,
    )
    if not kept:  # cannot happen under the names lock; a 422, never a 500
        raise _taken_meanwhile(name_th)
    if renamed:
        await _named_now(conn, [name_th, *synonyms])
    out = await _audited(conn, caller, "update_item", item_id, before)
    await current(conn)  # a corrected counting word is said from now on
    return out
