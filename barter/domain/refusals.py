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


@dataclass(frozen=True, slots=True)
class Words:
    """The same thing said in Thai and in English."""

    th: str
    en: str

    def format(self, params: Mapping[str, Any]) -> Words:
        figures = {k: _figure(v) for k, v in params.items()}
        return Words(self.th.format(**figures), self.en.format(**figures))


# A field by the name its form gives it (a path's first part: `receipts[0].quantity` is `receipts`).
FIELDS: Mapping[str, Words] = {
    "item_id": Words("สินค้า", "Goods"),
    "category_id": Words("สินค้า", "Goods"),
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
}

# What is wrong, by `FieldError.code`; `{name}` is filled from its params.
PROBLEMS: Mapping[str, Words] = {
    "required": Words("กรุณากรอกช่องนี้", "fill this in"),
    "not_a_number": Words("ต้องเป็นตัวเลข", "must be a number"),
    "gt": Words("ต้องมากกว่า {limit}", "must be more than {limit}"),
    "ge": Words("ต้องไม่น้อยกว่า {limit}", "must be at least {limit}"),
    "lt": Words("ต้องน้อยกว่า {limit}", "must be less than {limit}"),
    "le": Words("ต้องไม่เกิน {limit}", "must be at most {limit}"),
    "too_long": Words("ยาวเกินไป (ไม่เกิน {limit} ตัวอักษร)", "is too long (at most {limit} characters)"),
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
    "no_own_region": Words("เลือกภาคของคุณอย่างน้อยหนึ่งภาค", "tick at least one of your own regions"),
    "no_other_region": Words("เลือกภาคอื่นอย่างน้อยหนึ่งภาค", "tick at least one other region"),
    "name_needed": Words("ใส่ชื่อภาษาไทยหรือภาษาอังกฤษ", "give a name in Thai or in English"),
    "together": Words("ใส่ละติจูดและลองจิจูดคู่กัน", "give latitude and longitude together"),
    "other_province": Words("ตำบลนี้อยู่ในจังหวัดอื่น", "this sub-district is in another province"),
    "not_awaited": Words("ไม่มีของที่รอการได้รับจากชุมชนนี้ในรายการนี้", "nothing awaits your receipt there"),
    "listed_twice": Words("ระบุรายการเดียวกันซ้ำ", "the same transfer is listed twice"),
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
    "invalid": Words("ใช้ไม่ได้", "is not valid"),
}


def _figure(value: Any) -> Any:
    """A number as written in Thailand (numbers.figure); anything else as it is."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    return figure(value)


def field_error(error: FieldError) -> Words:
    """`จำนวน: ต้องมากกว่า 0` / `How much: must be more than 0`: the field by its name, then what
    is wrong with it (a code without words of its own says only that the value is not valid)."""
    problem = PROBLEMS.get(error.code, PROBLEMS["invalid"]).format(error.params)
    name = FIELDS.get(error.path.split(".", 1)[0].split("[", 1)[0])
    if name is None:
        return problem
    return Words(f"{name.th}: {problem.th}", f"{name.en}: {problem.en}")


def said(exc: BarterError) -> list[Words]:
    """A refused request in words: each field's problem, or the refusal's own detail (its Thai
    where the raise wrote one, else the Thai title of its kind), with the English beside."""
    if isinstance(exc, ValidationFailed) and exc.errors:
        return [field_error(error) for error in exc.errors]
    if exc.detail_th:
        return [Words(exc.detail_th, exc.detail)]
    return [Words(THAI_TITLES.get(exc.title, THAI_TITLES[BarterError.title]), exc.detail)]
