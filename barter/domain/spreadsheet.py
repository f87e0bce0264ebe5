"""Coordinators' spreadsheets of offers and needs: CSV or XLSX in, row drafts out, and a template.

Headers may be Thai or English ("ประเภท", "kind", or the template's "ประเภท (kind)"); kinds, items
and units may be written in Thai ("มี", "ปลาเค็ม", "กิโล"). CSV files saved by Thai Excel come as
UTF-8 (with or without a BOM) or as Windows-874; both are read. Every row is read on its own: a bad
row gets its errors (column, code, and the row, column and problem said in Thai and in English by
barter.domain.refusals) and never stops the others.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, timedelta
from typing import Any, Literal

import msgspec

from barter.domain import refusals, thaidate
from barter.domain.errors import FieldError
from barter.domain.goods_names import name_key
from barter.domain.thai_text import CatalogueEntry
from barter.domain.units import INPUT_UNITS, SPOKEN, normalise_unit, thai_unit
from barter.reference import CatalogueItem

MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024
Format = Literal["csv", "xlsx"]

# column -> (Thai header, English header, other accepted spellings)
COLUMNS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "kind": ("ประเภท", "kind", ("มีหรือต้องการ", "type")),
    "community_id": ("รหัสชุมชน", "community_id", ("ชุมชน", "community")),
    "item": ("สินค้า", "item", ("รายการ", "ชื่อสินค้า", "item_id")),
    "quantity": ("จำนวน", "quantity", ("ปริมาณ", "qty")),
    "unit": ("หน่วย", "unit", ()),
    "min_lot": ("ขั้นต่ำต่อครั้ง", "min_lot", ("ขั้นต่ำ",)),
    "available_from": ("พร้อมส่งตั้งแต่", "available_from", ("ตั้งแต่",)),
    "available_until": ("ส่งได้ถึง", "available_until", ("ถึง",)),
    "needed_by": ("ต้องการภายใน", "needed_by", ("ภายใน",)),
    "priority": ("ความเร่งด่วน", "priority", ("ความสำคัญ",)),
    "note": ("หมายเหตุ", "note", ()),
}
REQUIRED = ("kind", "community_id", "item", "quantity")
# A field of the listing a row makes -> the column that holds it (the others have their column's name).
_COLUMN_OF_FIELD = {"item_id": "item", "category_id": "item"}
_KINDS = {"มี": "offer", "ให้": "offer", "offer": "offer", "ต้องการ": "need", "need": "need", "อยากได้": "need"}


class RowError(msgspec.Struct, frozen=True):
    """What is wrong in a row: the column (`quantity`, or `row` for the row as a whole), the row
    number, column and problem said in Thai and in English, and the problem's stable code and
    figures (barter.domain.refusals; for a refusal not about a value, such as a community the
    importer does not act for, the refusal's own code: `not_found`). Reports stored before the
    code came read as `invalid`."""

    field: str
    message_th: str
    message_en: str
    code: str = "invalid"
    params: dict[str, Any] = msgspec.field(default_factory=dict)


class RowDraft(msgspec.Struct, frozen=True, kw_only=True):
    """One row as read: what it would create, or why it cannot (`errors` not empty)."""

    row: int  # the spreadsheet's own row number (the header is row 1)
    kind: Literal["offer", "need"] | None = None
    community_id: int | None = None
    item_id: str | None = None
    quantity: float | None = None
    unit: str | None = None  # as the API takes it: kg, g, litre, l, ml, piece, pack
    min_lot: float = 0.0
    available_from: date | None = None
    available_until: date | None = None
    needed_by: date | None = None
    priority: int = 3
    note: str | None = None
    errors: tuple[RowError, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors


class SheetError(ValueError):
    """The file as a whole cannot be read (not CSV/XLSX, no header, too many rows): `error` says
    why, by code (barter.domain.refusals words it) and in English."""

    def __init__(self, error: FieldError) -> None:
        super().__init__(error.message)
        self.error = error


def _header_key(text: str) -> str | None:
    cleaned = re.sub(r"\s+", " ", text.replace("\ufeff", "")).strip().lower()
    candidates = {cleaned, re.sub(r"\s*\(.*\)\s*$", "", cleaned)}
    inner = re.search(r"\(([^)]*)\)", cleaned)
    if inner:
        candidates.add(inner.group(1).strip())
    for key, (thai, english, others) in COLUMNS.items():
        if candidates & {thai, english, *others}:
            return key
    return None


def _header(key: str) -> str:
    """A column as the template's header names it: `จำนวน (quantity)`."""
    thai, english, _ = COLUMNS[key]
    return f"{thai} ({english})"


def template_headers() -> list[str]:
    return [_header(key) for key in COLUMNS]


def template_rows(today: date) -> list[list[str]]:
    """Two example rows, dated from `today` (the Thai date) on: fixed dates in an example would be
    refused once they passed (a last day before today is `in_the_past`)."""
    start, until = today + timedelta(days=30), today + timedelta(days=120)
    return [
        ["มี", "12", "ปลาเค็ม", "200", "กิโล", "20", start.isoformat(), until.isoformat(), "", "", "ตากแดดเดียว"],
        ["ต้องการ", "12", "ข้าวหอมมะลิ", "1500", "กก.", "100", "", "", thaidate.slash(until), "4", ""],
    ]


def template_csv(today: date) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(template_headers())
    writer.writerows(template_rows(today))
    return buffer.getvalue().encode("utf-8-sig")  # the BOM makes Excel read Thai correctly


GOODS_SHEET = "สินค้า (goods)"
GOODS_HEADERS = ("สินค้า (item)", "ชื่ออังกฤษ (English)", "หน่วย (unit)", "ชื่ออื่นที่เรียกกัน (other names)")
_TEMPLATE_ROWS = 1000  # rows of the list sheet that offer the goods and kinds to pick


def template_xlsx(today: date, catalogue: Sequence[CatalogueItem] = ()) -> bytes:
    """The template: the list sheet (รายการ, with two example rows) and, when the catalogue is
    given, a sheet of its goods (their Thai names, as the item column takes them, English names,
    units and other names). The list's item and kind columns offer a pick from the goods and
    มี / ต้องการ; anything else may still be typed (other names are read too, and unknown goods are
    refused at their row on import)."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "รายการ"
    sheet.append(template_headers())
    for row in template_rows(today):
        sheet.append(row)
    for index in range(1, len(COLUMNS) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 18
    column = {key: get_column_letter(n) for n, key in enumerate(COLUMNS, start=1)}
    picks = [('"มี,ต้องการ"', column["kind"])]
    if catalogue:
        goods = book.create_sheet(GOODS_SHEET)
        goods.append(list(GOODS_HEADERS))
        for item in catalogue:
            unit = (item.counted_th if item.unit == "piece" else None) or thai_unit(item.unit)
            goods.append([item.name_th, item.name_en, unit, ", ".join(item.synonyms_th)])
        for letter, width in zip("ABCD", (28, 28, 10, 40), strict=True):
            goods.column_dimensions[letter].width = width
        picks.append((f"'{GOODS_SHEET}'!$A$2:$A${len(catalogue) + 1}", column["item"]))
    for formula, letter in picks:
        pick = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=False)
        pick.add(f"{letter}2:{letter}{_TEMPLATE_ROWS + 1}")
        sheet.add_data_validation(pick)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _decode_csv(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp874"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SheetError(
        FieldError("file", "the CSV file is neither UTF-8 nor Thai Windows (cp874) text", code="not_text")
    )


def _csv_rows(data: bytes) -> Iterator[list[Any]]:
    text = _decode_csv(data)
    sample = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    yield from csv.reader(io.StringIO(text), dialect)


def _xlsx_rows(data: bytes) -> Iterator[list[Any]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        message = f"the XLSX file cannot be opened ({type(exc).__name__})"
        raise SheetError(FieldError("file", message, code="not_xlsx")) from None
    try:
        sheet = book["รายการ"] if "รายการ" in book.sheetnames else book.worksheets[0]
        for values in sheet.iter_rows(values_only=True):
            yield list(values)
    finally:
        book.close()


def detect_format(filename: str | None, data: bytes) -> Format:
    if data[:2] == b"PK" or (filename or "").lower().endswith(".xlsx"):
        return "xlsx"
    return "csv"


def read_sheet(data: bytes, fmt: Format, catalogue: Sequence[CatalogueEntry]) -> list[RowDraft]:
    """Every data row of the file as a draft; raises SheetError when the file itself is unusable."""
    if len(data) > MAX_BYTES:
        limit = MAX_BYTES // (1024 * 1024)
        message = f"the file is larger than {limit} MB"
        raise SheetError(FieldError("file", message, code="too_large", params={"limit": limit}))
    rows = _xlsx_rows(data) if fmt == "xlsx" else _csv_rows(data)
    header: dict[int, str] | None = None
    drafts: list[RowDraft] = []
    items = _item_names(catalogue)
    for number, values in enumerate(rows, start=1):
        if all(_blank(v) for v in values):
            continue
        if header is None:
            keys = {i: _header_key(str(v or "")) for i, v in enumerate(values)}
            header = {i: key for i, key in keys.items() if key is not None}
            missing = [COLUMNS[k][0] for k in REQUIRED if k not in header.values()]
            if missing:
                lacking = ", ".join(_header(k) for k in REQUIRED if k not in header.values())
                message = f"row {number}: the header lacks {', '.join(missing)}; download the template"
                raise SheetError(FieldError("file", message, code="no_header", params={"columns": lacking}))
            continue
        if len(drafts) >= MAX_ROWS:
            message = f"more than {MAX_ROWS} rows; split the file"
            raise SheetError(FieldError("file", message, code="too_many_rows", params={"limit": MAX_ROWS}))
        cells = {key: values[i] for i, key in header.items() if i < len(values)}
        drafts.append(read_row(number, cells, items))
    if header is None:
        raise SheetError(FieldError("file", "the file is empty; download the template", code="empty_file"))
    return drafts


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _item_names(catalogue: Iterable[CatalogueEntry]) -> dict[str, CatalogueEntry]:
    names: dict[str, CatalogueEntry] = {}
    for item in catalogue:
        for name in (item.id, item.name_th, *item.synonyms_th):
            names.setdefault(_item_key(name), item)
    return names


def _item_key(name: str) -> str:
    """An item's name or id as a cell is matched against it: as names are compared (`name_key`:
    no spaces, sara am typed as ํ + า read as ำ, as the LINE reader reads it), in any case (ids)."""
    return name_key(name).lower()


def row_error(row: int, error: FieldError) -> RowError:
    """A problem of a row, said in the words of barter.domain.refusals with the row's number and
    the column as the template's header names it. `error.path` names a column (`quantity`) or a
    field of the listing a row makes (`item_id`: the column `item`); a field no column holds
    (`recur_until`) is said by its own name."""
    column = _column(error.path)
    what = refusals.problem(error) if column else refusals.field_error(error)
    return said_in_row(row, column, what, code=error.code, params=error.params)


def said_in_row(
    row: int, column: str | None, what: refusals.Words, *, code: str, params: Mapping[str, Any] | None = None
) -> RowError:
    """`what` is wrong in `row`: in `column` (a key of COLUMNS), or in the row as a whole (None)."""
    header = None if column is None else refusals.Words(COLUMNS[column][0], COLUMNS[column][1])
    words = refusals.in_sheet(row, header, what)
    return RowError(column or "row", words.th, words.en, code=code, params=dict(params or {}))


def _column(path: str) -> str | None:
    """The column that holds the field at `path` (`item_id`, `quantity`), if one does."""
    field = path.split(".", 1)[0].split("[", 1)[0]
    key = _COLUMN_OF_FIELD.get(field, field)
    return key if key in COLUMNS else None


def _date(value: Any) -> date:
    """ISO dates, d/m/yyyy and spreadsheet date cells, a Buddhist-era year (2400 or later)
    converted in each: a date cell of 31/1/2570 is what Excel set to Gregorian makes of that day
    typed the Thai way, as the same text is."""
    if isinstance(value, date):  # a datetime too
        return thaidate.from_parts(value.year, value.month, value.day)
    text = str(value).strip()
    iso = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text)
    if iso:
        year, month, day = (int(g) for g in iso.groups())
        return thaidate.from_parts(year, month, day)
    match = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        return thaidate.from_parts(year, month, day)
    raise ValueError(text)


def _number(value: Any) -> float:
    """A number cell, or text spelling one (1,250 too); ValueError for anything else, and for
    what Python's float() reads as no finite number (nan, inf, Infinity, 1e400): no one counts
    goods in those, and each is refused as `abc` is (`not_a_number`), in every numeric column."""
    if isinstance(value, bool):
        raise ValueError(value)  # noqa: TRY004 (a bad cell, reported like any other bad number)
    number = float(value) if isinstance(value, int | float) else float(str(value).replace(",", "").strip())
    if not math.isfinite(number):
        raise ValueError(value)
    return number


def _whole(cells: Mapping[str, Any], key: str, errors: list[FieldError]) -> int | None:
    """The cell `key` as a whole number (a community's id, a priority), or None with its error
    added: a fraction (2.5) is refused, never cut to 2."""
    try:
        amount = _number(cells[key])
    except ValueError:
        errors.append(FieldError(key, f"{key} must be a number", code="not_a_number"))
        return None
    if not amount.is_integer():
        errors.append(FieldError(key, f"{key} must be a whole number", code="whole_number"))
        return None
    return int(amount)


def _unit(text: str) -> str | None:
    """A unit as written (Thai or English, as the API's words or as spoken) -> one of the API's
    units (INPUT_UNITS), or None: one it does not take (ตัน, a tray, a bag) is refused."""
    cleaned = text.strip().lower()
    code = normalise_unit(cleaned) or SPOKEN.get(cleaned)
    return code if code in INPUT_UNITS else None


def read_row(number: int, cells: dict[str, Any], items: dict[str, CatalogueEntry]) -> RowDraft:
    errors: list[FieldError] = []
    values: dict[str, Any] = {}
    text = {k: ("" if _blank(v) else str(v).strip()) for k, v in cells.items()}
    errors.extend(
        FieldError(key, f"{COLUMNS[key][1]} is required", code="required")
        for key in REQUIRED
        if not text.get(key)
    )
    kind = _KINDS.get(text.get("kind", "").lower())
    if text.get("kind") and kind is None:
        errors.append(FieldError("kind", "kind must be offer or need", code="offer_or_need"))
    values["kind"] = kind
    if text.get("community_id"):
        community_id = _whole(cells, "community_id", errors)
        if community_id is not None:
            values["community_id"] = community_id
    item = None
    if text.get("item"):
        item = items.get(_item_key(text["item"]))
        if item is None:
            name = text["item"]
            errors.append(
                FieldError("item", f"unknown item {name!r}", code="not_known", params={"name": name})
            )
        else:
            values["item_id"] = item.id
    for key in ("quantity", "min_lot"):
        if text.get(key):
            try:
                amount = _number(cells[key])
            except ValueError:
                errors.append(FieldError(key, f"{key} must be a number", code="not_a_number"))
                continue
            if key == "quantity" and amount <= 0:
                errors.append(FieldError(key, "quantity must be above zero", code="gt", params={"limit": 0}))
            elif amount < 0:
                errors.append(
                    FieldError(key, f"{key} must not be below zero", code="ge", params={"limit": 0})
                )
            values[key] = amount
    if text.get("unit"):
        unit = _unit(text["unit"])
        if unit is None and item is not None and item.counted_th == name_key(text["unit"]):
            unit = "piece"  # the item's own counting word: ไก่ย่าง 5 ตัว, as ไข่ไก่ 300 ฟอง
        if unit is None:
            name = text["unit"]
            errors.append(
                FieldError("unit", f"unknown unit {name!r}", code="not_known", params={"name": name})
            )
        values["unit"] = unit
    for key in ("available_from", "available_until", "needed_by"):
        if text.get(key):
            try:
                day = _date(cells[key])
            except ValueError:
                errors.append(FieldError(key, f"{key}: write a date like 2027-03-31", code="bad_date"))
                continue
            if thaidate.too_late(day):
                errors.append(FieldError(key, f"{key}: {day.isoformat()} is too far ahead", code="far_date"))
                continue
            values[key] = day
    if text.get("priority"):
        priority = _whole(cells, "priority", errors)
        if priority is not None:
            if not 1 <= priority <= 5:
                code, limit = ("ge", 1) if priority < 1 else ("le", 5)
                errors.append(
                    FieldError("priority", "priority must be 1 to 5", code=code, params={"limit": limit})
                )
            values["priority"] = priority
    if text.get("note"):
        values["note"] = text["note"]  # a note too long is refused with its column, never cut
    if kind == "offer":
        errors.extend(
            FieldError(key, "offers take no needed_by, priority", code="not_for_offers")
            for key in ("needed_by", "priority")
            if text.get(key)
        )
    if kind == "need":
        errors.extend(
            FieldError(key, "needs take no availability", code="not_for_needs")
            for key in ("available_from", "available_until")
            if text.get(key)
        )
    return RowDraft(row=number, errors=tuple(row_error(number, e) for e in errors), **values)
