"""What a refusal says to people, in Thai with the English beside: the one wording every channel uses.

A `FieldError` carries its field's path and a stable `code` with `params`; the words for it come
from here, never from its English `message` (that one is for API clients). The console shows
them in the page's language (Thai with the English beside, or English alone), the LINE bot in
Thai with the English beside. A refusal that is not about a field says its `detail_th` where the
raise wrote one, else the Thai title of its kind (`THAI_TITLES`), with its English detail beside.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from barter.domain.errors import THAI_TITLES, BarterError, FieldError, ValidationFailed
from barter.domain.numbers import figure
from barter.domain.units import english_unit, thai_unit_for

# Params that name units (`kg`, or a list of them): said in Thai by their Thai names (กก.), a
# piece item's by its counting word where the params name the item (`item_id`: ไข่ไก่ -> ฟอง).
UNIT_PARAMS = frozenset({"unit", "units"})


@dataclass(frozen=True, slots=True)
class Words:
    """The same thing said in Thai and in English."""

    th: str
    en: str

    def format(self, params: Mapping[str, Any]) -> Words:
        return Words(
            self.th.format(**_figures(params, thai=True)), self.en.format(**_figures(params, thai=False))
        )


# A field by the name its form gives it (a path's first part: `receipts[0].quantity` is `receipts`).
FIELDS: Mapping[str, Words] = {
    "item_id": Words("สินค้า", "Goods"),
    "category_id": Words("หมวดสินค้า", "Category"),
    "what": Words("สินค้า", "Goods"),
    "quantity": Words("จำนวน", "How much"),
    "min_lot": Words("แลกครั้งละอย่างน้อย", "Smallest lot to exchange"),
    "available_from": Words("มีให้ตั้งแต่วันที่", "Available from"),
    "available_until": Words("มีให้ถึงวันที่", "Available until"),
    "needed_by": Words("ต้องการภายในวันที่", "Needed by"),
    "priority": Words("ความเร่งด่วน", "How urgent"),
    "note": Words("หมายเหตุ", "Note"),
    "unit": Words("หน่วย", "Unit"),
    "time_limit_s": Words("เวลาคำนวณสูงสุด (วินาที)", "Time limit (seconds)"),
    "regions": Words("ภาค", "Regions"),
    "name_th": Words("ชื่อภาษาไทย", "Name in Thai"),
    "name_en": Words("ชื่อภาษาอังกฤษ", "Name in English"),
    "kind": Words("ประเภท", "Kind"),
    "province_code": Words("จังหวัด", "Province"),
    "subdistrict_code": Words("ตำบล", "Sub-district (tambon)"),
    "contact": Words("ติดต่อ (โทรศัพท์, LINE)", "Contact (phone, LINE)"),
    "lat": Words("ละติจูด", "Latitude"),
    "lon": Words("ลองจิจูด", "Longitude"),
    "reason": Words("เหตุผล", "Reason"),
    "receipts": Words("การได้รับของ", "Receipt"),
    "number": Words("เบอร์มือถือสำหรับ SMS", "Mobile number for SMS"),
    "phone": Words("เบอร์มือถือผู้ประสานงาน", "Coordinator's mobile number"),
    "min_ratio_item_id": Words("สินค้าที่ขอแลก", "Goods asked in return"),
    "min_ratio": Words("อัตราแลกขั้นต่ำ", "Smallest ratio"),
    "recur_every": Words("ความถี่", "How often"),
    "recur_quantity": Words("จำนวนต่อรอบ", "How much each time"),
    "recur_until": Words("ทำซ้ำถึงวันที่", "Repeat until"),
    "accept_offer_ids": Words("ข้อเสนอที่รับ", "Offers accepted"),
    "file": Words("ไฟล์", "File"),
    # goods the network adds to the catalogue (barter.services.catalogue.add_item)
    "kg_per_unit": Words("น้ำหนักต่อหน่วย (กก.)", "Weight of one unit (kg)"),
    "reference_value": Words("มูลค่าอ้างอิง (บาทต่อหน่วย)", "Reference value (baht per unit)"),
    "shelf_life_days": Words("เก็บได้กี่วัน", "Keeps for (days)"),
    "synonyms_th": Words("ชื่ออื่นที่เรียกกัน", "Other names"),
    "counted_th": Words("ลักษณนาม", "Counting word"),
}

# What is wrong, by `FieldError.code`; `{name}` is filled from its params.
PROBLEMS: Mapping[str, Words] = {
    "required": Words("กรุณากรอกช่องนี้", "fill this in"),
    "not_a_number": Words("ต้องเป็นตัวเลข", "must be a number"),
    # a value of another JSON type than the field takes (asked of the JSON API)
    "not_a_boolean": Words("ต้องเป็น true หรือ false", "must be true or false"),
    "not_a_string": Words("ต้องเป็นข้อความในเครื่องหมายคำพูด", "must be text, in quotes"),
    "not_a_list": Words("ต้องเป็นรายการในวงเล็บ [ ]", "must be a list, in [ ]"),
    "not_an_object": Words(
        "ต้องเป็นออบเจกต์ JSON (ชื่อช่องกับค่า)", "must be a JSON object (fields and their values)"
    ),
    "whole_number": Words("ต้องเป็นจำนวนเต็ม", "must be a whole number"),
    "gt": Words("ต้องมากกว่า {limit}", "must be more than {limit}"),
    "ge": Words("ต้องไม่น้อยกว่า {limit}", "must be at least {limit}"),
    "lt": Words("ต้องน้อยกว่า {limit}", "must be less than {limit}"),
    "le": Words("ต้องไม่เกิน {limit}", "must be at most {limit}"),
    "too_long": Words("ยาวเกินไป (ไม่เกิน {limit} ตัวอักษร)", "is too long (at most {limit} characters)"),
    "too_short": Words("สั้นเกินไป (อย่างน้อย {limit} ตัวอักษร)", "is too short (at least {limit} characters)"),
    "too_many": Words("มากเกินไป (ไม่เกิน {limit} รายการ)", "lists too many (at most {limit})"),
    "bad_characters": Words(
        "มีอักขระที่บันทึกไม่ได้ (อักขระควบคุมหรืออักขระที่มองไม่เห็น)",
        "has characters that cannot be stored (control or invisible ones)",
    ),
    "bad_date": Words(
        "เขียนวันที่เป็น วัน/เดือน/ปี เช่น 15/1/2570", "write the date as day/month/year, e.g. 15/1/2570"
    ),
    "far_date": Words(
        "ปีไกลเกินไป: เขียนปี พ.ศ. เช่น 15/1/2570",
        "the year is too far away: write the Buddhist-era year, e.g. 15/1/2570",
    ),
    "above_quantity": Words("ต้องไม่มากกว่าจำนวนทั้งหมด", "must not be more than the quantity"),
    "below_smallest": Words("น้อยเกินไป", "is too small"),
    "off_step": Words("ของนี้นับทีละ {step}", "this goods comes in steps of {step}"),
    "before_start": Words("ต้องไม่ก่อนวันเริ่ม", "must not be before the first day"),
    "in_the_past": Words(
        "วันที่นี้ผ่านไปแล้ว (ถ้าพิมพ์ปี ค.ศ. ให้ใช้ปี พ.ศ. เช่น 15/1/2570)",
        "this day has already passed (if you typed a Christian-era year, use the Buddhist-era year,"
        " e.g. 15/1/2570)",
    ),
    "unknown": Words("เลือกจากรายการ", "choose one from the list"),
    "not_known": Words('ไม่รู้จัก "{name}"', '"{name}" is not known'),
    "counted_in": Words("ของนี้นับเป็น {units}", "this is counted in {units}"),
    "unit_needed": Words("กรุณาใส่หน่วย: {units}", "give the unit: {units}"),
    "give_again": Words(
        "สินค้าใหม่นับเป็น {unit} ให้ใส่จำนวนนี้ใหม่เป็น {unit}",
        "the new goods are counted in {unit}: give it again in {unit}",
    ),
    "ratio_pair": Words(
        "ใส่สินค้าที่ขอแลกคู่กับอัตราแลกขั้นต่ำ", "give the goods asked in return together with the smallest ratio"
    ),
    "same_item": Words("ต้องเป็นสินค้าอื่น ไม่ใช่ของที่ให้", "must be other goods than those offered"),
    "recur_pair": Words("ใส่ความถี่และจำนวนต่อรอบคู่กัน", "give how often and how much each time together"),
    "recur_needed": Words("ใส่ความถี่และจำนวนต่อรอบก่อน", "give how often and how much each time first"),
    "not_an_item": Words(
        "ความต้องการนี้ระบุเป็นหมวดหรือข้อเสนอ ไม่ใช่สินค้า ให้ลงประกาศใหม่",
        "this need names a category or offers, not goods: post a new one",
    ),
    "one_target": Words(
        "เลือกอย่างใดอย่างหนึ่ง: สินค้า หมวดสินค้า หรือข้อเสนอที่จะรับ",
        "give exactly one: goods, a category, or offers to accept",
    ),
    "not_open_offer": Words("ไม่มีข้อเสนอที่ยังเปิดอยู่ตามรหัสนี้", "no open offer with this id"),
    "own_offer": Words("เป็นข้อเสนอของชุมชนเอง", "is the community's own offer"),
    "mixed_units": Words("ข้อเสนอที่รับต้องนับหน่วยเดียวกัน", "the offers must share one unit"),
    "not_for_role": Words("บทบาทนี้ไม่ใช้ช่องนี้", "this role takes none"),
    "no_own_region": Words("เลือกภาคของคุณอย่างน้อยหนึ่งภาค", "tick at least one of your own regions"),
    "no_other_region": Words("เลือกภาคอื่นอย่างน้อยหนึ่งภาค", "tick at least one other region"),
    "name_needed": Words("ใส่ชื่อภาษาไทยหรือภาษาอังกฤษ", "give a name in Thai or in English"),
    "together": Words("ใส่ละติจูดและลองจิจูดคู่กัน", "give latitude and longitude together"),
    "other_province": Words("ตำบลนี้อยู่ในจังหวัดอื่น", "this sub-district is in another province"),
    "not_awaited": Words("ไม่มีของที่รอการได้รับจากชุมชนนี้ในรายการนี้", "nothing awaits your receipt there"),
    "listed_twice": Words("ระบุรายการเดียวกันซ้ำ", "the same one is listed twice"),
    "above_planned": Words(
        "มากกว่าที่ตกลงไว้ ({planned}) ให้บันทึกตามที่ตกลง", "more than the {planned} planned; record what was planned"
    ),
    "condition_needed": Words(
        "ได้รับน้อยกว่าที่ตกลง บอกด้วยว่าของมาไม่ครบหรือของเสีย", "less than planned arrived: say if short or spoiled"
    ),
    "usable_quantity": Words(
        "ของมาไม่ครบหรือเสีย ให้บอกจำนวนที่ใช้ได้", "a short or spoiled delivery: give the usable quantity"
    ),
    "not_mobile": Words(
        "ต้องเป็นเบอร์มือถือ 10 หลัก ขึ้นต้นด้วย 06 08 หรือ 09",
        "must be a Thai mobile number: 10 digits starting 06, 08 or 09",
    ),
    # asked of the JSON API and of the engines' settings
    "bad_point": Words("เขียนเป็น ละติจูด,ลองจิจูด เช่น 6.62,100.07", "write lat,lon in degrees, e.g. 6.62,100.07"),
    "needs_near": Words("ต้องระบุจุด near=ละติจูด,ลองจิจูด ด้วย", "needs near=lat,lon"),
    "stale_cursor": Words(
        "ตัวชี้หน้านี้ไม่ใช่ของรายการและการเรียงนี้ ให้เริ่มใหม่โดยไม่ใส่",
        "not a cursor of this list and sort; start again without it",
    ),
    "idempotency_key": Words("ใช้อักขระ ASCII ที่มองเห็นได้ 1 ถึง 255 ตัว", "1 to 255 visible ASCII characters"),
    "key_reused": Words("รหัสนี้ใช้กับคำขออื่นไปแล้ว ให้ใช้รหัสใหม่", "already used with another request; use a new key"),
    "cycle_length": Words("ใส่ 2 ถึง 8 หรือ 0 ถ้าไม่จำกัด", "2 to 8, or 0 for no limit"),
    "day_past_midnight": Words(
        "วันทำงานจะเลยเที่ยงคืน ให้เริ่มเร็วขึ้นหรือลดชั่วโมงทำงาน",
        "the working day would end after midnight: start earlier or work fewer hours",
    ),
    # asked of a spreadsheet and its rows (barter.domain.spreadsheet)
    "offer_or_need": Words("เขียนว่า มี หรือ ต้องการ", "write offer or need"),
    "not_for_offers": Words("รายการที่มี ไม่ต้องกรอกช่องนี้", "an offer leaves this empty"),
    "not_for_needs": Words("รายการที่ต้องการ ไม่ต้องกรอกช่องนี้", "a need leaves this empty"),
    "not_text": Words(
        "อ่านไฟล์ CSV ไม่ได้ ให้บันทึกเป็น UTF-8 หรือข้อความภาษาไทยของ Windows",
        "the CSV file is neither UTF-8 nor Thai Windows text",
    ),
    "not_xlsx": Words("เปิดไฟล์ XLSX ไม่ได้ ไฟล์อาจเสีย", "the XLSX file cannot be opened"),
    "too_large": Words("ไฟล์ใหญ่เกิน {limit} MB", "the file is larger than {limit} MB"),
    "no_header": Words(
        "หัวตารางไม่มีคอลัมน์ {columns} ให้ดาวน์โหลดแบบฟอร์มไปใช้", "the header lacks {columns}; download the template"
    ),
    "too_many_rows": Words("มีเกิน {limit} แถว ให้แบ่งเป็นหลายไฟล์", "more than {limit} rows; split the file"),
    "empty_file": Words("ไฟล์ว่าง ให้ดาวน์โหลดแบบฟอร์มไปใช้", "the file is empty; download the template"),
    "unknown_field": Words("ไม่มีช่องนี้ ให้ลบออก", "is not a field of this request; leave it out"),
    # A webhook's URL (barter.webhooks.targets.TargetRefused); `too_long` is said above.
    "not_a_url": Words(
        "ไม่ใช่ที่อยู่เว็บ เขียนแบบ https://example.org/hook", "is not a URL; write it as https://example.org/hook"
    ),
    "not_https": Words("ต้องขึ้นต้นด้วย https://", "must be an https:// URL"),
    "url_credentials": Words(
        "ต้องไม่มีชื่อผู้ใช้หรือรหัสผ่านในที่อยู่ (ลายเซ็นยืนยันผู้ส่งแล้ว)",
        "must not carry a user name or password (the signature authenticates the sender)",
    ),
    "url_fragment": Words("ต้องไม่มีส่วน # ต่อท้ายที่อยู่", "must not end in a #fragment"),
    "host_not_found": Words("ไม่พบชื่อเครื่องปลายทางนี้ในระบบ DNS", "its host name does not resolve"),
    "not_public": Words(
        "ต้องชี้ไปยังที่อยู่สาธารณะบนอินเทอร์เน็ต ไม่ใช่เครือข่ายภายใน",
        "must point at a public internet address, not a private network",
    ),
    # A request's body as a whole (the API's guards): not JSON, or JSON nested too deeply.
    "not_json": Words(
        "ต้องส่งเป็น JSON (Content-Type: application/json)", "send JSON (Content-Type: application/json)"
    ),
    "too_deep": Words("ข้อมูล JSON ซ้อนกันลึกเกินไป", "the JSON nests too deeply"),
    # Text that a pattern refuses, said by the shape it asks for (SHAPES below) where one is named.
    "bad_format": Words("เขียนไม่ตรงรูปแบบที่กำหนด", "is not written in the expected form"),
    # goods the network adds to the catalogue (barter.services.catalogue.add_item): every channel
    # reads goods by their Thai names, so no two goods share one, nor is one a category's word
    # item, item_en: the other goods' Thai and English names (services.catalogue gives both)
    "name_taken": Words('"{name}" เป็นชื่อที่ใช้เรียก {item} อยู่แล้ว', '"{name}" already names {item_en}'),
    "category_word": Words(
        '"{name}" เป็นชื่อของทั้งหมวด ให้ใช้ชื่อที่เจาะจงกว่านี้',
        '"{name}" names a whole category: give a more precise name',
    ),
    "given_twice": Words('ใส่ "{name}" ซ้ำ', '"{name}" is given twice'),
    "not_thai": Words("ต้องเขียนเป็นภาษาไทย", "must be written in Thai"),
    "one_word": Words("ใส่คำเดียว เช่น ตัว ลูก ฟอง", "give a single word"),
    "kg_is_one": Words(
        "ของที่นับเป็น กก. หนักหน่วยละ 1 กก. อยู่แล้ว ให้เว้นว่าง",
        "goods counted in kg weigh 1 kg a unit: leave this empty",
    ),
    "pieces_only": Words(
        "ใส่เฉพาะของที่นับเป็นชิ้น ให้เว้นว่าง", "only goods counted in pieces take one: leave this empty"
    ),
    "invalid": Words("ใช้ไม่ได้", "is not valid"),
}

# A name taken by goods of that very name (`name_taken` whose `item` is the `name`, or none): said
# without naming the goods a second time.
NAME_TAKEN_ITSELF = Words('มีสินค้าชื่อ "{name}" ในรายการแล้ว', '"{name}" is in the catalogue already')

# What to write where a pattern refused the text (`bad_format` with `{"shape": ...}`, by the
# shape names of barter.domain.formats): the shape in words, never the regular expression; and a
# date the JSON API refused (`bad_date` with the shape `iso_date`).
SHAPES: Mapping[str, Words] = {
    "province_code": Words("ต้องเป็นรหัสจังหวัด 2 หลัก เช่น 91", "must be a two-digit province code, e.g. 91"),
    "subdistrict_code": Words(
        "ต้องเป็นรหัสตำบล 6 หลัก เช่น 910101", "must be a six-digit sub-district code, e.g. 910101"
    ),
    "catalogue_id": Words(
        "ต้องเป็นรหัสในรายการสินค้า เขียนด้วยอักษรอังกฤษตัวเล็ก ตัวเลข และขีด - เช่น rice-sticky",
        "must be a catalogue id in lower-case letters, digits and hyphens, e.g. rice-sticky",
    ),
    "etag": Words(
        'ต้องเป็น ETag ที่อ่านมา อยู่ในเครื่องหมายคำพูด เช่น "v3" (หรือ *)',
        'must be the ETag you read, in quotes, e.g. "v3" (or *)',
    ),
    "plan_ref": Words(
        "ต้องเป็นเลขแผน หรือเลขแผนตามด้วย .geojson เช่น 7 หรือ 7.geojson",
        "must be a plan id, or a plan id followed by .geojson, e.g. 7 or 7.geojson",
    ),
    "unit": Words(
        "ต้องเป็นหน่วยที่รู้จัก เช่น กก. กรัม ลิตร ชิ้น หรือ แพ็ก",
        "must be a known unit, such as kg, g, litre, ml, piece or pack",
    ),
    # A date as the JSON API takes it (`bad_date` with this shape): not a form's day/month/year.
    "iso_date": Words(
        "เขียนวันที่เป็น ปี-เดือน-วัน เช่น 2027-01-15", "write the date as year-month-day, e.g. 2027-01-15"
    ),
}


def _figures(params: Mapping[str, Any], *, thai: bool) -> dict[str, Any]:
    item = params.get("item_id")
    return {k: _units(v, item, thai=thai) if k in UNIT_PARAMS else _figure(v) for k, v in params.items()}


def _figure(value: Any) -> Any:
    """A number as written in Thailand (numbers.figure); anything else as it is."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    return figure(value)


def _units(value: Any, item: str | None, *, thai: bool) -> str:
    units = [value] if isinstance(value, str) else list(value)
    return ", ".join(thai_unit_for(u, item) if thai else english_unit(u) for u in units)


# Fields every channel that asks them offers as a list to pick from (the console's provinces): left
# empty, they are chosen, not filled in.
_CHOSEN = frozenset({"province_code"})
CHOOSE = Words("กรุณาเลือก", "choose one")


def problem(error: FieldError) -> Words:
    """What is wrong, without naming the field: `ต้องมากกว่า 0` / `must be more than 0` (a code
    without words of its own says only that the value is not valid; text that a pattern refused
    says the shape to write, where its params name one)."""
    shape = error.params.get("shape")
    if error.code in ("bad_format", "bad_date") and isinstance(shape, str) and shape in SHAPES:
        return SHAPES[shape]
    if error.code == "required" and error.path in _CHOSEN:
        return CHOOSE
    if error.code == "name_taken" and error.params.get("item") in (None, "", error.params.get("name")):
        return NAME_TAKEN_ITSELF.format(error.params)
    return PROBLEMS.get(error.code, PROBLEMS["invalid"]).format(error.params)


def in_one_line(error: FieldError) -> str:
    """What is wrong, Thai first with the English beside, in one line: `ต้องเป็นจำนวนเต็ม / must be
    a whole number` (a slash, since the words may hold brackets of their own). The JSON API's
    `message` for a refused parameter (a query parameter, a header, a part of the path), where
    neither Litestar's nor msgspec's English is shown."""
    words = problem(error)
    return f"{words.th} / {words.en}"


def field_error(error: FieldError) -> Words:
    """`จำนวน: ต้องมากกว่า 0` / `How much: must be more than 0`: the field by its name, then what
    is wrong with it."""
    problem_words = problem(error)
    name = FIELDS.get(error.path.split(".", 1)[0].split("[", 1)[0])
    if name is None:
        return problem_words
    return Words(f"{name.th}: {problem_words.th}", f"{name.en}: {problem_words.en}")


def in_sheet(row: int, column: Words | None, what: Words) -> Words:
    """`แถวที่ 5 คอลัมน์ "จำนวน": ต้องมากกว่า 0` / `Row 5, column "quantity": must be more than 0`:
    what is wrong in a spreadsheet's row, and in which column (as its header names it)."""
    if column is None:
        return Words(f"แถวที่ {row}: {what.th}", f"Row {row}: {what.en}")
    return Words(f'แถวที่ {row} คอลัมน์ "{column.th}": {what.th}', f'Row {row}, column "{column.en}": {what.en}')


def thai_detail(exc: BarterError) -> str | None:
    """The refusal's detail in Thai: the one its raise wrote, else for refused fields each path
    with its problem in the words above (`ข้อมูลไม่ถูกต้อง 1 ช่อง: quantity: ต้องมากกว่า 0`), the
    Thai beside the API's English detail, which names the same (at most three) fields."""
    if exc.detail_th or not isinstance(exc, ValidationFailed) or not exc.errors:
        return exc.detail_th
    first = "; ".join(f"{e.path}: {problem(e).th}" for e in exc.errors[:3])
    return f"ข้อมูลไม่ถูกต้อง {len(exc.errors)} ช่อง: {first}"


def said(exc: BarterError) -> list[Words]:
    """A refused request in words: each field's problem, or the refusal's own detail (its Thai
    where the raise wrote one, else the Thai title of its kind), with the English beside."""
    if isinstance(exc, ValidationFailed) and exc.errors:
        return [field_error(error) for error in exc.errors]
    if exc.detail_th:
        return [Words(exc.detail_th, exc.detail)]
    return [Words(THAI_TITLES.get(exc.title, THAI_TITLES[BarterError.title]), exc.detail)]
