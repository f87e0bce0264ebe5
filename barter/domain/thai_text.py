"""Thai free text ("มีปลาเค็ม 200 กิโล") read into listing drafts: pure, no I/O.

A message is read in four steps: Thai digits become Arabic ones; a date phrase ("ภายในเดือนหน้า",
"ภายใน 15 ม.ค. 68") is taken out and resolved against `today` (Buddhist-era years accepted); the
intent is found ("มี" offer, "ต้องการ" need, "แลก A กับ B" both); then each part is tokenised with
PyThaiNLP (its bundled word list, no download) to find the quantity (digits or Thai number words),
the unit, and what is left, which is matched to the catalogue by name and synonyms, longest first,
then by a close spelling. A draft only becomes a listing after the sender confirms it.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from datetime import date, timedelta
from difflib import SequenceMatcher
from functools import cache
from typing import Literal, Protocol

import msgspec
from pythainlp.corpus.common import thai_words
from pythainlp.tokenize import word_tokenize
from pythainlp.util import Trie, thai_digit_to_arabic_digit, thaiword_to_num

from barter.domain import thaidate
from barter.domain.model import Unit

Kind = Literal["offer", "need"]
# Why a draft cannot be posted as it is; the LINE channel asks the matching question.
Problem = Literal["no_kind", "unknown_item", "no_quantity", "unit_mismatch", "unit_needs_size"]


class CatalogueEntry(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def name_th(self) -> str: ...
    @property
    def unit(self) -> str: ...
    @property
    def reference_value(self) -> float: ...
    @property
    def synonyms_th(self) -> tuple[str, ...]: ...


class Draft(msgspec.Struct, frozen=True, kw_only=True):
    kind: Kind | None
    item_id: str | None
    item_name_th: str | None
    item_text: str  # what the sender wrote for the item
    guessed: bool = False  # matched by a close spelling, not by name
    quantity: float | None
    unit: Unit | None  # the catalogue's unit, after conversion
    unit_text: str | None  # the unit as written
    quantity_from_value: bool = False  # a swap's other side, sized to the same reference value
    needed_by: date | None = None
    available_from: date | None = None
    available_until: date | None = None
    problems: tuple[Problem, ...] = ()

    @property
    def ready(self) -> bool:
        return not self.problems


class Reading(msgspec.Struct, frozen=True):
    drafts: tuple[Draft, ...]

    @property
    def understood(self) -> bool:
        """Something listing-like was found (an item or a quantity), even if a question remains."""
        return any(d.item_id is not None or d.quantity is not None for d in self.drafts)

    @property
    def ready(self) -> bool:
        return bool(self.drafts) and all(d.ready for d in self.drafts)


# Units as written -> (catalogue unit, factor). Containers of no fixed size need "ถุงละ 5 กิโล".
UNITS: dict[str, tuple[Unit, float]] = {
    "กก.": ("kg", 1.0),
    "กก": ("kg", 1.0),
    "กิโลกรัม": ("kg", 1.0),
    "กิโล": ("kg", 1.0),
    "โล": ("kg", 1.0),
    "kg": ("kg", 1.0),
    "กรัม": ("kg", 0.001),
    "ก.": ("kg", 0.001),
    "ตัน": ("kg", 1000.0),
    "ลิตร": ("litre", 1.0),
    "ล.": ("litre", 1.0),
    "มล.": ("litre", 0.001),
    "มิลลิลิตร": ("litre", 0.001),
    "ชิ้น": ("piece", 1.0),
    "อัน": ("piece", 1.0),
    "ฟอง": ("piece", 1.0),
    "ลูก": ("piece", 1.0),
    "ผืน": ("piece", 1.0),
    "ใบ": ("piece", 1.0),
    "ก้อน": ("piece", 1.0),
    "ถาด": ("piece", 30.0),  # a tray of eggs holds 30
    "แผง": ("piece", 30.0),
}
CONTAINERS: tuple[str, ...] = ("แพ็ค", "แพค", "แพ็ก", "ถุง", "ห่อ", "ขวด", "กระสอบ", "ลัง", "กล่อง")
_NUMBER_WORD = re.compile(r"^(?:ครึ่ง|ศูนย์|หนึ่ง|เอ็ด|สอง|ยี่|สาม|สี่|ห้า|หก|เจ็ด|แปด|เก้า|สิบ|ร้อย|พัน|หมื่น|แสน|ล้าน)+$")
_MULTIPLIERS = {"สิบ": 10.0, "ร้อย": 100.0, "พัน": 1000.0, "หมื่น": 10_000.0, "แสน": 100_000.0, "ล้าน": 1e6}
_DIGITS = re.compile(r"^\d+(?:\.\d+)?$")
_OFFER_WORDS = ("มีขาย", "มีให้", "เหลือ", "มี", "ให้")
_NEED_WORDS = ("ต้องการ", "อยากได้", "ขาด", "หา", "ขอ")
_LEADERS = frozenset({"เรา", "ชุมชน", "กลุ่ม", "บ้าน", "ทาง", "ตอนนี้", "วันนี้", "ปีนี้", "ทางเรา", "พวกเรา"})
_FILLER = frozenset(
    {
        "ครับ", "ค่ะ", "คะ", "ค่า", "จ้า", "จ้ะ", "นะ", "น่ะ", "ครัช", "จำนวน", "ประมาณ", "ราว", "ราวๆ", "ๆ",
        "ได้", "อยู่", "แล้ว", "เลย", "ทั้งหมด", "รวม", "ละ", "หน่อย", "บ้าง", "ที่", "ของ", "คุณภาพ", "ดี",
        "อย่าง", "จาก", "ขาย", "ส่ง", "ใหม่", "สด", "ชุมชน", "เรา", "หมู่บ้าน", "บ้าน", "พี่", "น้อง",
        "ค่ะๆ", "ครับๆ", "นะคะ", "นะครับ",
    }
)  # fmt: skip
_THAI_MONTHS = {
    "มกราคม": 1, "ม.ค.": 1, "กุมภาพันธ์": 2, "ก.พ.": 2, "มีนาคม": 3, "มี.ค.": 3, "เมษายน": 4, "เม.ย.": 4,
    "พฤษภาคม": 5, "พ.ค.": 5, "มิถุนายน": 6, "มิ.ย.": 6, "กรกฎาคม": 7, "ก.ค.": 7, "สิงหาคม": 8, "ส.ค.": 8,
    "กันยายน": 9, "ก.ย.": 9, "ตุลาคม": 10, "ต.ค.": 10, "พฤศจิกายน": 11, "พ.ย.": 11, "ธันวาคม": 12, "ธ.ค.": 12,
}  # fmt: skip
_MONTH_ALT = "|".join(re.escape(m) for m in sorted(_THAI_MONTHS, key=len, reverse=True))
_DATE_PREFIX = r"(?P<prefix>ภายใน(?:วันที่)?|ก่อน(?:วันที่)?|ไม่เกิน(?:วันที่)?|ตั้งแต่(?:วันที่)?|พร้อมส่ง|ส่งได้|วันที่)"
_ABSOLUTE = re.compile(
    _DATE_PREFIX
    + r"\s*(?P<day>\d{1,2})\s*(?P<month>"
    + _MONTH_ALT
    + r")\s*(?:(?:พ\.ศ\.|พศ\.?)\s*)?(?P<year>\d{2,4})?"
)
_RELATIVE = re.compile(_DATE_PREFIX + r"\s*(?P<n>\d+)\s*(?P<what>วัน|สัปดาห์|อาทิตย์|เดือน)")
_NAMED = re.compile(
    _DATE_PREFIX + r"?\s*(?P<what>สิ้นเดือนหน้า|เดือนหน้า|สิ้นเดือนนี้|เดือนนี้|สิ้นเดือน|อาทิตย์หน้า|สัปดาห์หน้า|สิ้นปีนี้|สิ้นปี|ปีหน้า)"
)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return min(date(year, month + 1, 1) + timedelta(days=day.day - 1), _month_end(year, month + 1))


def _gregorian(year_text: str | None, day: int, month: int, today: date) -> date | None:
    if year_text is None:
        try:
            candidate = date(today.year, month, day)
        except ValueError:
            return None
        return candidate if candidate >= today else date(today.year + 1, month, day)
    year = int(year_text)
    if year < 100:  # "68" is 2568 BE; a two-digit year is always Buddhist era here
        year += 2500
    try:
        return thaidate.from_parts(year, month, day)
    except ValueError:
        return None


class _DateFound(msgspec.Struct, frozen=True):
    day: date
    starts: bool  # "ตั้งแต่" / "พร้อมส่ง": a start, not a deadline
    span: tuple[int, int]


def _find_date(text: str, today: date) -> _DateFound | None:
    match = _ABSOLUTE.search(text)
    if match is not None:
        found = _gregorian(match["year"], int(match["day"]), _THAI_MONTHS[match["month"]], today)
        if found is not None:
            return _DateFound(day=found, starts=_starts(match["prefix"]), span=match.span())
    match = _RELATIVE.search(text)
    if match is not None:
        n, what = int(match["n"]), match["what"]
        if what == "วัน":
            found = today + timedelta(days=n)
        elif what in {"สัปดาห์", "อาทิตย์"}:
            found = today + timedelta(weeks=n)
        else:
            found = _add_months(today, n)
        return _DateFound(day=found, starts=_starts(match["prefix"]), span=match.span())
    match = _NAMED.search(text)
    if match is not None:
        what = match["what"]
        if what in {"เดือนหน้า", "สิ้นเดือนหน้า"}:
            nxt = _add_months(today.replace(day=1), 1)
            found = _month_end(nxt.year, nxt.month)
        elif what in {"เดือนนี้", "สิ้นเดือนนี้", "สิ้นเดือน"}:
            found = _month_end(today.year, today.month)
        elif what in {"อาทิตย์หน้า", "สัปดาห์หน้า"}:
            found = today + timedelta(days=13 - today.weekday())  # Sunday of next week
        elif what == "ปีหน้า":
            found = date(today.year + 1, 12, 31)
        else:
            found = date(today.year, 12, 31)
        return _DateFound(day=found, starts=_starts(match["prefix"]), span=match.span())
    return None


def _starts(prefix: str | None) -> bool:
    return prefix is not None and prefix.startswith(("ตั้งแต่", "พร้อมส่ง", "ส่งได้"))


class _Index(msgspec.Struct, frozen=True):
    names: tuple[tuple[str, str], ...]  # (name or synonym without spaces, item id), longest first
    by_id: dict[str, CatalogueEntry]
    trie: Trie


@cache
def _base_words() -> frozenset[str]:
    return frozenset(thai_words())


def _index(catalogue: Sequence[CatalogueEntry]) -> _Index:
    names: list[tuple[str, str]] = []
    for item in catalogue:
        names.extend((_squash(name), item.id) for name in (item.name_th, *item.synonyms_th))
    names.sort(key=lambda pair: (-len(pair[0]), pair[0]))
    extra = {n for n, _ in names} | set(UNITS) | set(CONTAINERS) | set(_OFFER_WORDS) | set(_NEED_WORDS)
    extra |= {"แลก", "กับ", "เป็น"}
    return _Index(names=tuple(names), by_id={i.id: i for i in catalogue}, trie=Trie(_base_words() | extra))


_INDEXES: dict[int, tuple[Sequence[CatalogueEntry], _Index]] = {}


def _cached_index(catalogue: Sequence[CatalogueEntry]) -> _Index:
    """One index per catalogue object (building the word trie takes a fraction of a second)."""
    hit = _INDEXES.get(id(catalogue))
    if hit is not None and hit[0] is catalogue:
        return hit[1]
    built = _index(catalogue)
    _INDEXES[id(catalogue)] = (catalogue, built)
    return built


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def normalise(text: str) -> str:
    """Thai digits to Arabic, thousands separators dropped, repeated tone marks folded, one space."""
    text = thai_digit_to_arabic_digit(text)
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text)
    text = re.sub(r"([\u0E48-\u0E4B])\1+", r"\1", text)  # "ค่่ะ" -> "ค่ะ"
    return re.sub(r"\s+", " ", text).strip()


class _Part(msgspec.Struct, frozen=True):
    item_text: str
    quantity: float | None
    unit_text: str | None
    unit: Unit | None
    factor: float
    needs_size: bool


def _tokens(text: str, index: _Index) -> list[str]:
    return [
        t
        for t in word_tokenize(text, custom_dict=index.trie, engine="newmm", keep_whitespace=False)
        if t.strip()
    ]


def _read_part(text: str, index: _Index) -> _Part:
    tokens = _tokens(text, index)
    quantity: float | None = None
    unit_text: str | None = None
    unit: Unit | None = None
    factor = 1.0
    needs_size = False
    rest: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if quantity is None and (_DIGITS.match(token) or _NUMBER_WORD.match(token)):
            # A run of number tokens: "2" "ร้อย", "สาม" "ร้อย" "ห้า" "สิบ", "1.5" "พัน".
            run = [token]
            while i + 1 < len(tokens) and _NUMBER_WORD.match(tokens[i + 1]):
                run.append(tokens[i + 1])
                i += 1
            quantity = _number(run)
            i += 1
            continue
        if token in UNITS and unit_text is None:
            unit_text = token
            unit, factor = UNITS[token]
            i += 1
            continue
        container = token.removesuffix("ละ")
        if container in CONTAINERS:
            if token.endswith("ละ") or (i + 1 < len(tokens) and tokens[i + 1] == "ละ"):
                # "ถุงละ 5 กิโล": the size of each container; the count came before it.
                size = _size(tokens[i + 1 :])
                if size is not None and quantity is not None:
                    quantity, unit_text, unit, factor = quantity * size[0], size[1], size[2], 1.0
                    needs_size = False
                    break
            elif unit_text is None:
                unit_text = container
                needs_size = True
            i += 1
            continue
        if token not in _FILLER and not re.fullmatch(r"[\s.,!?:;()\-]+", token):
            rest.append(token)
        i += 1
    item_text = "".join(rest)
    if quantity is not None and unit is not None:
        quantity = round(quantity * factor, 4)
    return _Part(
        item_text=item_text,
        quantity=quantity,
        unit_text=unit_text,
        unit=unit,
        factor=factor,
        needs_size=needs_size,
    )


def _size(tokens: list[str]) -> tuple[float, str, Unit] | None:
    """The "5 กิโล" after "ถุงละ": size in catalogue units, unit as written, catalogue unit."""
    tokens = [t for t in tokens if t != "ละ"]
    if (
        len(tokens) >= 2
        and (_DIGITS.match(tokens[0]) or _NUMBER_WORD.match(tokens[0]))
        and tokens[1] in UNITS
    ):
        unit, factor = UNITS[tokens[1]]
        amount = _number([tokens[0]])
        if amount is not None:
            return amount * factor, tokens[1], unit
    return None


def _number(run: list[str]) -> float | None:
    head = run[0]
    try:
        if _DIGITS.match(head):
            value = float(head)
            for word in run[1:]:
                value *= _MULTIPLIERS.get(word, 1.0)
            return value
        words = "".join(run)
        if words == "ครึ่ง":
            return 0.5
        return float(thaiword_to_num(words))
    except ValueError:
        return None


def _match_item(phrase: str, index: _Index) -> tuple[CatalogueEntry | None, bool]:
    """(item, guessed): by name or synonym inside the phrase, longest first; else a close spelling."""
    if not phrase:
        return None, False
    for name, item_id in index.names:
        if name in phrase:
            return index.by_id[item_id], False
    best: tuple[float, str] | None = None
    for name, item_id in index.names:
        if len(name) < 3:
            continue
        for size in (len(name) - 1, len(name), len(name) + 1):
            for start in range(max(1, len(phrase) - size + 1)):
                ratio = SequenceMatcher(None, phrase[start : start + size], name).ratio()
                if best is None or ratio > best[0]:
                    best = (ratio, item_id)
    if best is not None and best[0] >= 0.8:
        return index.by_id[best[1]], True
    return None, False


def _draft(kind: Kind | None, text: str, index: _Index) -> Draft:
    part = _read_part(text, index)
    item, guessed = _match_item(part.item_text, index)
    problems: list[Problem] = []
    if kind is None:
        problems.append("no_kind")
    if item is None:
        problems.append("unknown_item")
    quantity, unit = part.quantity, part.unit
    if quantity is None:
        problems.append("no_quantity")
    elif part.needs_size:
        problems.append("unit_needs_size")
    elif item is not None:
        if unit is None:
            unit = item.unit  # type: ignore[assignment]  # "มีไข่ 300" counts in the item's own unit
        elif unit != item.unit:
            problems.append("unit_mismatch")
    return Draft(
        kind=kind,
        item_id=None if item is None else item.id,
        item_name_th=None if item is None else item.name_th,
        item_text=part.item_text,
        guessed=guessed,
        quantity=quantity,
        unit=unit,
        unit_text=part.unit_text,
        problems=tuple(problems),
    )


def _kind_and_rest(text: str, index: _Index) -> tuple[Kind | None, str]:
    """The intent word near the start ("เรามีปลาเค็ม" -> offer) and the text after it."""
    tokens = _tokens(text, index)
    for position, token in enumerate(tokens[:4]):
        kind: Kind | None = "need" if token in _NEED_WORDS else "offer" if token in _OFFER_WORDS else None
        if kind is not None:
            return kind, " ".join(tokens[position + 1 :])
        if token not in _FILLER and token not in _LEADERS:
            break
    return None, text


def _sized_by_value(given: Draft, wanted: Draft, index: _Index) -> Draft:
    """A swap's wanted side without a quantity: as much as the given side is worth."""
    if (
        wanted.quantity is not None
        or given.quantity is None
        or given.item_id is None
        or wanted.item_id is None
    ):
        return wanted
    value = given.quantity * index.by_id[given.item_id].reference_value
    per_unit = index.by_id[wanted.item_id].reference_value
    if per_unit <= 0:
        return wanted
    item = index.by_id[wanted.item_id]
    problems = tuple(p for p in wanted.problems if p != "no_quantity")
    return msgspec.structs.replace(
        wanted,
        quantity=round(value / per_unit, 1),
        unit=item.unit,
        quantity_from_value=True,
        problems=problems,
    )


class QuantityReading(msgspec.Struct, frozen=True):
    """A quantity as a community answers "how much arrived?": "120", "๑๒๐ กิโล", "ได้ร้อยยี่สิบ กก."."""

    quantity: float  # in the unit named (converted: 500 กรัม -> 0.5 kg), or as typed when none is
    unit: Unit | None  # the catalogue unit the text named, None when it named none
    condition: str | None  # "spoiled" or "short" when the text says so ("เสีย", "เน่า", "ขาด")


_SPOILED_WORDS = ("เสีย", "เน่า", "ขึ้นรา", "แตก", "เปียก")
_SHORT_WORDS = ("ขาด", "ไม่ครบ", "หาย")


def read_quantity(text: str, catalogue: Sequence[CatalogueEntry]) -> QuantityReading | None:
    """The quantity in a short answer (Thai or Arabic digits, Thai number words, a unit), or None
    when the text holds no number."""
    part = _read_part(normalise(text), _cached_index(catalogue))
    if part.quantity is None or part.quantity < 0:
        return None
    squashed = _squash(text)
    condition = (
        "spoiled"
        if any(w in squashed for w in _SPOILED_WORDS)
        else "short"
        if any(w in squashed for w in _SHORT_WORDS)
        else None
    )
    return QuantityReading(quantity=part.quantity, unit=part.unit, condition=condition)


def read_post(text: str, catalogue: Sequence[CatalogueEntry], today: date) -> Reading:
    """What a Thai message offers and needs, as drafts to confirm; no drafts when nothing was read."""
    index = _cached_index(catalogue)
    body = normalise(text)
    found = _find_date(body, today)
    if found is not None:
        body = (body[: found.span[0]] + " " + body[found.span[1] :]).strip()
    drafts: list[Draft] = []
    swap = re.search(r"แลก(?:เปลี่ยน)?", body)
    wants = re.search(r"ต้องการ|อยากได้", body)
    kind, rest = _kind_and_rest(body, index)
    if swap is not None:
        left, right = body[: swap.start()].strip(), body[swap.end() :].strip()
        left = re.sub(r"^(?:เอา|อยาก)\s*", "", _kind_and_rest(left, index)[1] if left else "").strip()
        if left:
            given_text, wanted_text = left, re.sub(r"^(?:กับ|เป็น)\s*", "", right)
        else:
            split = re.search(r"\s*(?:กับ|เป็น)\s*", right)
            given_text, wanted_text = (
                (right, "") if split is None else (right[: split.start()], right[split.end() :])
            )
        given = _draft("offer", given_text, index)
        drafts.append(given)
        if wanted_text.strip():
            wanted = _draft("need", _kind_and_rest(wanted_text.strip(), index)[1], index)
            drafts.append(_sized_by_value(given, wanted, index))
    elif wants is not None and kind == "offer":
        # "มีปลาเค็ม 100 กิโล ต้องการข้าวสาร": an offer and a need in one message.
        given = _draft("offer", _kind_and_rest(body[: wants.start()].strip(), index)[1], index)
        wanted = _draft("need", body[wants.end() :].strip(), index)
        drafts.extend([given, _sized_by_value(given, wanted, index)])
    else:
        drafts.append(_draft(kind, rest, index))
    if found is not None:
        drafts = [_dated(d, found) for d in drafts]
    reading = Reading(drafts=tuple(drafts))
    return reading if reading.understood else Reading(drafts=())


def _dated(draft: Draft, found: _DateFound) -> Draft:
    if draft.kind == "need":
        return msgspec.structs.replace(draft, needed_by=found.day)
    if found.starts:
        return msgspec.structs.replace(draft, available_from=found.day)
    return msgspec.structs.replace(draft, available_until=found.day)


EXAMPLE_TH = (
    "ลองพิมพ์แบบนี้นะคะ:\n• มีปลาเค็ม 200 กิโล\n• ต้องการข้าวสาร 50 กก. ภายในเดือนหน้า\n• แลกกุ้งแห้ง 20 กิโล กับข้าวเหนียว"
)
