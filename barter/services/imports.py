"""Spreadsheet import of offers and needs, for admins and coordinators (their regions' communities).

Every row goes through the same use case as `POST /v1/offers` / `POST /v1/needs`, as the importing
key with `via="import"`, each in its own savepoint, so the report says row by row what would be
created and what is wrong: by row number, column (as the template's header names it) and problem,
in Thai and in English, in the words of barter.domain.refusals, with the problem's code. A dry run
rolls every row back. A real import creates all rows in the caller's one transaction, or (if any
row is wrong) none; the same file imported again by the same key answers the first report and
creates nothing. Goods a row names that the catalogue lacks are counted for the row's community
(services.unknown_goods), a dry run's too, once per importing key and Thai day, so that
coordinators see what communities want to trade.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Sequence
from datetime import date, datetime

import asyncpg
import msgspec

from barter.domain import refusals
from barter.domain.access import Caller, require_role
from barter.domain.clock import Clock
from barter.domain.errors import BarterError, FieldError, ValidationFailed
from barter.domain.spreadsheet import (
    Format,
    RowDraft,
    RowError,
    SheetError,
    read_sheet,
    row_error,
    said_in_row,
    template_xlsx,
)
from barter.schemas.base import converted
from barter.services import catalogue, existing, unknown_goods
from barter.storage.repos import communities as communities_repo
from barter.storage.repos import imports as repo


class RowReport(msgspec.Struct):
    row: int
    ok: bool
    kind: str | None
    community_id: int | None
    item_id: str | None
    quantity: float | None  # in the item's unit, once converted
    unit: str | None
    listing_id: int | None  # set when the import created it
    errors: list[RowError]


class ImportReport(msgspec.Struct):
    dry_run: bool
    replayed: bool  # this key imported this very file before: nothing new was created
    rows: int
    ok: int
    failed: int
    created: int
    report: list[RowReport]


class _RowFailed(Exception):
    """Undo one row's savepoint."""


def _listing(draft: RowDraft) -> existing.OfferCreate | existing.NeedCreate:
    """The listing the row makes; ValidationFailed naming each field its input refuses (by code)."""
    common = {
        "community_id": draft.community_id,
        "item_id": draft.item_id,
        "quantity": draft.quantity,
        "unit": draft.unit,
        "min_lot": draft.min_lot,
        "note": draft.note,
    }
    if draft.kind == "offer":
        offer = {
            **common,
            "available_from": _iso(draft.available_from),
            "available_until": _iso(draft.available_until),
        }
        return converted(offer, existing.OfferCreate)
    need = {**common, "needed_by": _iso(draft.needed_by), "priority": draft.priority}
    return converted(need, existing.NeedCreate)


def _errors_of(row: int, exc: BarterError) -> list[RowError]:
    """The row's refusal said by row, column and problem. A refusal not about a field (no
    community the importer acts for: 404) is said by its own detail, in its column."""
    if isinstance(exc, ValidationFailed) and exc.errors:
        fields: Sequence[FieldError] = exc.errors
        return [row_error(row, f) for f in fields]
    [words] = refusals.said(exc)
    return [said_in_row(row, "community_id" if exc.status == 404 else None, words, code=exc.instance_code)]


def _report(
    draft: RowDraft,
    errors: list[RowError],
    *,
    quantity: float | None = None,
    unit: str | None = None,
    listing_id: int | None = None,
) -> RowReport:
    return RowReport(
        row=draft.row,
        ok=not errors,
        kind=draft.kind,
        community_id=draft.community_id,
        item_id=draft.item_id,
        quantity=draft.quantity if quantity is None else quantity,
        unit=draft.unit if unit is None else unit,
        listing_id=listing_id,
        errors=errors,
    )


async def _one_row(
    conn: asyncpg.Connection, caller: Caller, draft: RowDraft, keep: bool, clock: Clock
) -> RowReport:
    if not draft.ok:
        return _report(draft, list(draft.errors))
    out: existing.OfferOut | existing.NeedOut | None = None
    try:
        data = _listing(draft)
        async with conn.transaction():  # a savepoint per row
            if isinstance(data, existing.OfferCreate):
                out = await existing.create_offer(conn, caller, data, clock)
            else:
                out = await existing.create_need(conn, caller, data, clock)
            if not keep:
                raise _RowFailed
    except _RowFailed:
        pass
    except BarterError as exc:
        return _report(draft, _errors_of(draft.row, exc))
    assert out is not None
    return _report(draft, [], quantity=out.quantity, unit=out.unit, listing_id=out.id if keep else None)


async def template(conn: asyncpg.Connection, today: date) -> bytes:
    """The XLSX template, its sheet of goods the live catalogue's: the shipped goods and those the
    network added, each offered in the list's item column. Open to everyone, as the catalogue is."""
    return template_xlsx(today, await catalogue.current(conn))


async def import_sheet(
    conn: asyncpg.Connection,
    caller: Caller,
    data: bytes,
    fmt: Format,
    clock: Clock,
    *,
    dry_run: bool,
) -> ImportReport:
    require_role(caller, "admin", "coordinator")
    try:  # the goods' names of the live catalogue: those the network added (ปลาช่อน) as well
        drafts = read_sheet(data, fmt, await catalogue.current(conn))
    except SheetError as exc:
        raise ValidationFailed([exc.error]) from None
    importer = dataclasses.replace(caller, via="import")
    file_hash = hashlib.sha256(data).digest()
    import_id: int | None = None
    if not dry_run:
        import_id = await repo.claim(conn, caller.key_id, file_hash, fmt, len(drafts))
        if import_id is None:
            earlier = await repo.get(conn, caller.key_id, file_hash)
            assert earlier is not None
            stored = msgspec.convert(earlier["report"], ImportReport)
            return msgspec.structs.replace(stored, replayed=True)
    await _note_unknown_goods(conn, importer, drafts, clock.now())
    rows = [await _one_row(conn, importer, d, not dry_run, clock) for d in drafts]
    failed = sum(not r.ok for r in rows)
    report = ImportReport(
        dry_run=dry_run,
        replayed=False,
        rows=len(rows),
        ok=len(rows) - failed,
        failed=failed,
        created=0 if dry_run else len(rows) - failed,
        report=rows,
    )
    if dry_run:
        return report
    if failed:
        # One transaction for the whole file: a wrong row means nothing is created (the caller's
        # transaction rolls back, the import row with it). The dry run shows the rows to fix.
        # Its Thai detail says the first rows as the report does (row, column, problem).
        refused = [(r.row, e) for r in rows for e in r.errors]
        raise ValidationFailed(
            [
                FieldError(f"rows[{row}].{e.field}", e.message_en, code=e.code, params=e.params)
                for row, e in refused[:200]
            ],
            detail_th=f"นำเข้าไม่ได้ มี {failed} แถวที่ต้องแก้: " + "; ".join(e.message_th for _, e in refused[:3]),
        )
    assert import_id is not None
    await repo.finish(conn, import_id, report.created, msgspec.to_builtins(report))
    return report


def _unknown_goods(draft: RowDraft) -> str | None:
    """The goods the row names that the catalogue lacks (its item refused `not_known`), as written."""
    return next(
        (str(e.params["name"]) for e in draft.errors if e.field == "item" and e.code == "not_known"), None
    )


async def _note_unknown_goods(
    conn: asyncpg.Connection, importer: Caller, drafts: Sequence[RowDraft], now: datetime
) -> None:
    """The goods rows name that the catalogue lacks, counted for each row's community the importer
    acts for (a community another region's, or none, is no one's to learn of), once per importing
    key and Thai day: the dry runs of a sheet repeated while it is checked and fixed, and its import,
    are one naming (a hash of the file would count each fix of another row again). In the
    import's transaction: a real import refused for its rows keeps none of them (nothing of it is
    kept); its dry run, which reports the same rows, does."""
    named: dict[int, list[str]] = {}
    for draft in drafts:
        word = _unknown_goods(draft)
        if word is not None and draft.community_id is not None:
            named.setdefault(draft.community_id, []).append(word)
    for community_id, words in sorted(named.items()):
        community = await communities_repo.ref(conn, community_id)
        if community is not None and importer.acts_for(community.id, community.region):
            await unknown_goods.note(conn, community_id, words, "import", now, importer=importer.key_id)


def _iso(day: date | None) -> str | None:
    """A date read from the sheet, as the listing's input takes it (ISO, Gregorian)."""
    return None if day is None else day.isoformat()
