"""Thai free text ("มีปลาเค็ม 200 กิโล") read into listing drafts: pure, no I/O.

A message is read in four steps: Thai digits become Arabic ones and sara am typed as two characters
(ํ + า, "นํ้าปลา") the one it is (ำ, น้ำปลา); each date phrase ("ภายในเดือนหน้า",
"ภายใน 15 ม.ค. 68", "ส่งได้ถึง 15/1/70") is taken out and resolved against `today` (Buddhist-era
years accepted; a day that does not exist is kept as a question, bad_date), leaving a mark; the
rest is tokenised with PyThaiNLP (its bundled word list, no download) and read token by token: a
kind word ("มี" or "ขาย" offer, "ต้องการ" need, "แลก A กับ B" both; after goods, "แลก",
"ต้องการแลก", "อยากแลก" or "ขอแลก" gives them for what follows) starts a clause whose items all have
that kind until the other kind word comes, and in a clause "และ", ",", a new line or a second
amount starts a new item (but an amount alone on the line under a name is that name's:
"ปลาแห้ง⏎20 กิโล" is one item). Each item is its words and its amount (digits or Thai number words, a
unit, or the item's own counting word: "ไก่ย่าง 5 ตัว" of goods added counted in ตัว); its words
must be a catalogue name or synonym (or several, one after another; a category's word before goods
of that category is a heading, "มีสมุนไพร ขมิ้นชัน 3 กิโล"), else a category's word
(CATEGORY_WORDS: "ข้าว" is any rice, a category need; offered, which_item is asked), else a close
spelling of a name, else the item is unknown. A container's size in brackets ("3 กระสอบ
(50 กก./กระสอบ)") reads as written without them; other brackets are spaces. A wish after "แลก" or
"ต้องการ" is kept even when unknown (asked, never dropped). Every item becomes its own draft line, with the
dates of its clause (but when the goods can be sent, "ส่งได้ภายใน…", "พร้อมส่ง…", is the offer's even
written after the wish: "มีปลาเค็ม 50 กิโล แลกข้าว ส่งได้ภายในสิ้นเดือนนี้"; the wish's own is
"ต้องการภายใน…", "ใช้ภายใน…"); an amount that could be several items' is none of theirs until the sender
says. Questions, "ไม่มี" and chatter give no drafts. A draft only becomes a listing after the
sender confirms it.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from difflib import SequenceMatcher
from functools import cache
from typing import Literal, Protocol, TypeVar

import msgspec
from pythainlp.corpus.common import thai_words
from pythainlp.tokenize import word_tokenize
from pythainlp.util import Trie, thai_digit_to_arabic_digit, thaiword_to_num

from barter.domain import thaidate
from barter.domain.courtesy import PARTICLES, alternation
from barter.domain.model import Unit
from barter.domain.units import FACTORS, SPOKEN
from barter.reference import category_names_th

Kind = Literal["offer", "need"]
# Why a draft cannot be posted as it is; the LINE channel asks the matching question. unit_needs_size:
# counted in containers or in a word that is no known unit ("5 กระปุก"): ask "กระปุกละกี่กิโล?".
# bad_date: a day that does not exist ("31 ก.พ.") or is not worked out ("สงกรานต์"), in date_text:
# ask for the date again. past_date: the last day (needed_by, available_until) is already past,
# when read or when confirmed (`outdated`): ask for another. swap_sides: "อยากแลก A กับ B" says a
# swap but not which side is given (Draft.side): ask, then `sides_chosen`. which_item: an offer of
# a whole category ("มีข้าว 100 กิโล"): an offer is one item, so ask which ("ข้าวอะไรคะ?").
# which_unit: a category need counted with no unit whose items come in several ("ต้องการปลา 20"):
# ask the unit.
Problem = Literal[
    "no_kind",
    "unknown_item",
    "no_quantity",
    "unit_mismatch",
    "unit_needs_size",
    "bad_date",
    "past_date",
    "swap_sides",
    "which_item",
    "which_unit",
    "which_of",
]
Side = Literal["first", "second"]


class CatalogueEntry(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def category_id(self) -> str: ...
    @property
    def name_th(self) -> str: ...
    @property
    def unit(self) -> str: ...
    @property
    def reference_value(self) -> float: ...
    @property
    def synonyms_th(self) -> tuple[str, ...]: ...
    @property
    def counted_th(self) -> str | None: ...  # a piece item's counting word (ตัว): its unit, read


class Draft(msgspec.Struct, frozen=True, kw_only=True):
    kind: Kind | None
    item_id: str | None
    item_name_th: str | None
    item_text: str  # what the sender wrote for the item
    # A whole category named ("ต้องการข้าว": any rice will do), item_id None; item_name_th is then
    # the category's name. A need of it is posted as a category need; an offer asks which_item.
    category_id: str | None = None
    guessed: bool = False  # matched by a close spelling, not by name
    quantity: float | None
    unit: Unit | None  # the catalogue's unit, after conversion
    unit_text: str | None  # the unit as written
    quantity_from_value: bool = False  # a swap's other side, sized to the same reference value
    # a category need sized by value: the item whose reference value sized it (the category's cheapest)
    valued_as: str | None = None
    needed_by: date | None = None
    available_from: date | None = None
    available_until: date | None = None
    date_text: str | None = None  # a date as written that names no day (problem bad_date)
    side: Side | None = None  # of a swap not said which way (swap_sides): the side it was written on
    # Goods written one or the other ("ปลาเค็มหรือปลาแห้ง") that no one category of one unit holds:
    # their ids, item_id None until the sender picks one (which_of; item_chosen).
    choices: tuple[str, ...] = ()
    # each choice's own amount where they were written with different ones ("ปลาเค็ม 20 กิโล หรือ
    # ปลาแห้ง 10 กิโล"): (quantity, unit, unit as written), in the order of `choices`
    choice_amounts: tuple[tuple[float, Unit | None, str | None], ...] = ()
    problems: tuple[Problem, ...] = ()

    @property
    def ready(self) -> bool:
        return not self.problems


class Reading(msgspec.Struct, frozen=True):
    drafts: tuple[Draft, ...]

    @property
    def understood(self) -> bool:
        """The message reads as a post, even if a question remains; False for chatter, questions
        and greetings, which give no drafts: nothing to answer."""
        return bool(self.drafts)

    @property
    def ready(self) -> bool:
        return bool(self.drafts) and all(d.ready for d in self.drafts)


# Units as written -> (catalogue unit, factor): the only words an amount is converted by, the
# spoken ones of barter.domain.units (its FACTORS: the one table of factors).
UNITS: dict[str, tuple[Unit, float]] = {word: FACTORS[code] for word, code in SPOKEN.items()}
# Containers and bunches of no fixed size: the sender is asked the size ("ถุงละ 5 กิโล"). Any other
# word written after a number is asked about the same way, never taken for the item's own unit. So
# are the counting words of whole fish, fowl and heads (ตัว, หัว) and sheets (แผ่น), unless they are
# the goods' own (ไก่ย่าง counted ตัว): "มีปลาช่อน 100 ตัว" is a post even of goods not yet known.
CONTAINERS: tuple[str, ...] = (
    "แพ็ค", "แพค", "แพ็ก", "ถุง", "ห่อ", "ขวด", "กระสอบ", "ลัง", "กล่อง", "กระปุก", "กระป๋อง", "ซอง", "ถัง",
    "แกลลอน", "ปี๊บ", "เข่ง", "โหล", "มัด", "กำ", "หวี", "เครือ", "พวง", "ตัว", "หัว", "แผ่น",
)  # fmt: skip
# Words that name a whole category, not one item ("ต้องการข้าว 100 กก": any rice will do) -> the
# category's id. A catalogue name or synonym wins over them (ข้าวเหนียว, ข้าวสาร, ผักบุ้ง, ปลาเค็ม,
# กระติบข้าว): only the word itself, or with describing words after it, names the category. "ปลา"
# alone is no one fish: the category of fish and seafood (a need of it takes any of them).
CATEGORY_WORDS: dict[str, str] = {
    "ข้าว": "rice",
    "ผัก": "vegetables",
    "ผลไม้": "fruit",
    "สมุนไพร": "herbs",
    "อาหารทะเล": "fish-seafood",
    "ของทะเล": "fish-seafood",
    "ปลา": "fish-seafood",
}
_NUMBER_WORD = re.compile(r"^(?:ครึ่ง|ศูนย์|หนึ่ง|เอ็ด|สอง|ยี่|สาม|สี่|ห้า|หก|เจ็ด|แปด|เก้า|สิบ|ร้อย|พัน|หมื่น|แสน|ล้าน)+$")
_MULTIPLIERS = {"สิบ": 10.0, "ร้อย": 100.0, "พัน": 1000.0, "หมื่น": 10_000.0, "แสน": 100_000.0, "ล้าน": 1e6}
_DIGITS = re.compile(r"^\d+(?:\.\d+)?$")
_OFFER_WORDS = ("มีขาย", "มีให้", "เหลือ", "มี", "ให้", "ขาย")  # "ขายปลาเค็ม 20 กิโล": goods to give
# "ต้องการแลกข้าวสาร": a need; so is "รับซื้อข้าวสาร" (we buy), as "ขาย" (sell) is an offer
_NEED_WORDS = ("ต้องการแลก", "อยากแลก", "ต้องการ", "อยากได้", "ขาด", "หา", "ขอ", "รับซื้อ", "ซื้อ")
_SWAP_WORDS = ("แลก", "แลกเปลี่ยน")  # "แลก A กับ B": A is given, B wanted
# "อยากแลกข้าวสาร": rice is wanted; "อยากแลกข้าวสาร 15 กิโล กับปลาเค็ม 2 กิโล": either side may be the
# one given, so it is asked (swap_sides)
_SWAP_NEED_WORDS = ("ต้องการแลก", "อยากแลก")
# Words that say a wish outright: the words after them name goods wanted even when unknown and
# without an amount ("มีปลาเค็ม 200 กิโล ต้องการมันสำปะหลัง"), asked about, never dropped as a
# remark; so do the words after "แลก" that follows goods given ("...15 กิโล แลกข้าว").
_WISH_WORDS = ("ต้องการแลก", "อยากแลก", "ต้องการ", "อยากได้")
_SWAP_LINKS = ("กับ", "เป็น")  # between the two sides of a swap
# Between two items: "ปลาเค็ม 200 กิโล และกุ้งแห้ง 50 กิโล" (a new line is read as ","; "กับ" is "and"
# everywhere but between a swap's two sides).
_SEPARATORS = frozenset({"และ", ",", "กับ", "รวมทั้ง", "+", "/"})
_MONEY_WORDS = ("บาท", "฿")  # "200 บาท" is a price, never an amount
_PRICE_WORDS = ("ราคา", "฿")  # the number after it is money unless a unit follows it
# A clause with one of these asks ("มีข้าวสารไหม", "ใครมีบ้าง"): it is no listing. "ได้ไหม" after a
# request is politeness ("ขอข้าวสาร 50 กิโลได้ไหมคะ"); "บ้าง" asks only at the end of a clause.
_QUESTION_WORDS = frozenset(
    {
        "ไหม", "มั้ย", "มั๊ย", "ไม๊", "หรือเปล่า", "รึเปล่า", "หรือยัง", "รึยัง", "อะไร", "ยังไง",
        "อย่างไร", "เท่าไร", "เท่าไหร่", "ที่ไหน", "ไหน", "เมื่อไร", "เมื่อไหร่", "กี่", "?",
    }
)  # fmt: skip
_WHO = "ใคร"  # "ใครมี...", "มีใครต้องการ...": the kind word after it asks
# Questions that ask whether, or who: a clause they ask that names goods with an amount asks for
# them from the other side. "ใครมีปลาเค็มบ้าง 30 กิโล", "ปลาเค็ม 30 กิโล มีไหมคะ" need the fish;
# "ใครต้องการข้าวสาร 50 กิโลบ้าง" offers the rice. Questions of how much, what, where or when
# ("มีปลาเค็ม 30 กิโล ราคาเท่าไหร่") leave the clause no listing.
_WHETHER = frozenset({"ไหม", "มั้ย", "มั๊ย", "ไม๊", "หรือเปล่า", "รึเปล่า", "?", "บ้าง", _WHO})
_OTHER_QUESTION = "\x00asks"  # "ใครว่างบ้าง": ใคร asking of something else than a kind word
# After a post with its amount, a question about who is interested or how to get in touch ("ใคร
# สนใจบ้าง", "สนใจไหมคะ", "ใครสนใจติดต่อได้", "เอาไหม") asks nothing about the goods: the post stands.
_INTEREST_WORDS = frozenset({"สนใจ", "ติดต่อ", "ทัก", "ทักมา", "สอบถาม", "อินบ็อกซ์", "inbox", "แชท", "เอา"})
# Describing words that say nothing of which goods even where no name comes before them ("ของสด",
# "คุณภาพดี"): skipped wherever they are (_FILLER), not only after a name (_DESCRIBING).
_PLAIN_DESCRIBING = frozenset({"สด", "ใหม่", "ดี", "คุณภาพ"})
# Words that describe the goods named before them ("ปลาเค็มแดดเดียว", "เหลือเยอะมาก"): the name stays
# that item's. Never a word that names another product with it (แกง, เป็ด, แห้ง, เค็ม).
_DESCRIBING = frozenset(
    {
        "เยอะ", "เยอะมาก", "มาก", "มากมาย", "หลาย", "เหลือหลาย", "แดดเดียว", "ตากแดด", "ตากแห้ง", "อร่อย",
        "สวย", "คุณภาพดี",
        "พรีเมียม", "ชั้นดี", "อย่างดี", "คัด", "คัดพิเศษ", "พิเศษ", "แท้", "ออร์แกนิก", "ปลอดสาร",
        "ปลอดสารพิษ", "บ้านๆ", "โฮมเมด", "ทำเอง", "จำนวนมาก",
        # rice varieties of the North and Northeast: "ข้าวเหนียวเขี้ยวงู" is sticky rice
        "เขี้ยวงู", "สันป่าตอง",
        "ปีใหม่",  # this year's crop: "ข้าวหอมมะลิปีใหม่"
        # sizes and mixes: "กุ้งแห้งตัวใหญ่", "มะม่วงลูกใหญ่", "ผักสด หลายอย่าง"
        "ใหญ่", "เล็ก", "ตัวใหญ่", "ตัวเล็ก", "ตัวกลาง", "ลูกใหญ่", "ลูกเล็ก", "ผลใหญ่", "หัวใหญ่", "ไซส์",
        "ไซส์ใหญ่", "ไซส์เล็ก", "ไซส์กลาง", "คละไซส์", "คละ", "หลายอย่าง", "หลายชนิด", "เม็ดใหญ่", "เม็ดเล็ก",
        *_PLAIN_DESCRIBING,
    }
)  # fmt: skip
# Organic ("ข้าวหอมมะลิอินทรีย์", "ผักอินทรีย์"): describing, but after ปลา it names a fish (ปลาอินทรีย์,
# king mackerel), which stays goods of its own name.
_ORGANIC = "อินทรีย์"
_LEFT = "เหลือ"  # after a name, what is left over: "ปลาเค็มเหลือเยอะ" offers it
OR_WORD = _OR = "หรือ"  # between goods either of which would do: see _either
_NOT = "ไม่"  # "ไม่มี", "ไม่ต้องการ": the kind word after it is no listing
# Words with a part in how a message is read: never an item's name or its unit.
_ROLES = frozenset(
    {*_SWAP_WORDS, *_SWAP_LINKS, *_SEPARATORS, *_MONEY_WORDS, *_PRICE_WORDS, *_QUESTION_WORDS}
    | {"อย่าง", "อย่างละ", "บ้าง", _WHO, _NOT}
)
_DATE_MARK = "\x00date"  # stands in the tokens where a date was written: "\x00date0"
_LINE_MARK = "\ue000"  # stands in the tokens where a new line starts (after its "," separator)
_PHONE = re.compile(r"(?<![\d.])0\d(?:[-\s]?\d){7,8}(?![\d.])")  # 081-234-5678, 02 123 4567: no amount
# An address's numbers are no amount: "บ้านเลขที่ 12/3", "หมู่ 3", "หมู่ที่ 5", "ม.3", "ซอย 7".
_ADDRESS = re.compile(r"(?:บ้านเลขที่|เลขที่|หมู่ที่|หมู่|ม\.|ซอย)\s*\d+(?:/\d+)?(?![\d.])")
# A rice variety's code is part of its name, no amount: "ข้าวเหนียว กข6", "ข้าวหอมมะลิ105 200 กิโล"
# (but "ข้าวหอมมะลิ 105 กิโล" is 105 kg).
_VARIETY = re.compile(
    rf"(?:พันธุ์\s*)?กข\.?\s*\d+(?![\d.])|(?<=มะลิ)\s*105(?![\d.])(?!\s*(?:{alternation((*UNITS, *CONTAINERS))}))"
)
_HEADINGS = ("ดังนี้", "ตามนี้", "ต่อไปนี้", "ดังต่อไปนี้", "รายการ")  # "มีของดังนี้": a list follows
# A line that says how to reach the poster ("ติดต่อ 081-234-5678", "โทร 0812345678", "ไลน์ไอดี
# somchai99", "สอบถามเพิ่มเติม ทักแชทได้เลย"): no goods, unless it names some (_contacts_dropped). So is
# the rest of a line after goods and a space, from one of the surer of those words ("แลกข้าวสาร
# ติดต่อได้ค่ะ" was a wish of the unknown goods "ข้าวสารติดต่อได้"). After goods and their amount,
# "...200 กิโล ใครสนใจบ้าง" is a question of interest (_interest_end).
_CONTACT = re.compile(
    r"(?m)^[\W_]*(?:ใคร\s*)?(?:สนใจ\s*)?(?:ติดต่อ|โทรศัพท์|โทร\.?|เบอร์โทร|เบอร์(?!รี)|ไลน์ไอดี|ไอดีไลน์|ไลน์|line\s*id|ไอดี"
    r"|สอบถาม|ทักแชท|ทักไลน์|ทักมา|อินบ็อกซ์|inbox)[^\n]*"
    r"|(?<=\S)[ \t]+(?:ใคร\s*)?(?:สนใจ\s*)?(?:ติดต่อ|โทรศัพท์|โทร|ทักแชท|ทักไลน์|ทักมา|อินบ็อกซ์|inbox)[^\n]*",
    re.IGNORECASE,
)
# "anything will do" after goods wanted ("แลกปลาเค็ม อะไรก็ได้"): no question (อะไร), which dropped the wish
_ANYTHING = ("อะไรก็ได้", "อะไรก็ได้หมด", "อะไรก็ได้ค่ะ", "อะไรก็ได้ครับ")
_AT_MOST = "ไม่เกิน"  # "ต้องการข้าวไม่เกิน 20 กิโล": the amount is the need's (one word, not ไม่ + เกิน)
_FILLER = frozenset(
    {
        "ครับ", "ค่ะ", "คะ", "ค่า", "จ้า", "จ้ะ", "นะ", "น่ะ", "ครัช", "จำนวน", "ประมาณ", "ราว", "ราวๆ", "ๆ",
        "สัก", "ซัก", _AT_MOST, "ได้", "อยู่", "แล้ว", "เลย", "ทั้งหมด", "รวม", "ละ", "หน่อย", "บ้าง", "ที่", "ของ",
        "อย่าง", "จาก", "ส่ง", "ชุมชน", "เรา", "หมู่บ้าน", "บ้าน", "พี่", "น้อง",
        "ค่ะๆ", "ครับๆ", "นะคะ", "นะครับ", "ทาง", "กลุ่ม", "ตอนนี้", "วันนี้", "ปีนี้", "ทางเรา", "พวกเรา",
        "อีก", "ก็", "ก็ได้", "อยาก", "เอา", "เป็น", "แค่", "ได้รับ", "ด่วน", "พร้อม", "พร้อมส่ง",
        "บรรจุ", "ใส่", "แบ่ง",  # how goods are packed: "100 กิโล บรรจุถุงละ 5 กิโล"
        "สิ่ง", "สิ่งของ", "สินค้า",  # a list's heading: "สิ่งที่มี", "สินค้าที่ต้องการ"
        *_ANYTHING,
        *_HEADINGS,
        *_PLAIN_DESCRIBING,
    }
)  # fmt: skip  # also the words before the kind word ("ทางเรามี...") and a list's heading ("มีของดังนี้")
# A list's marker at the start of a line ("1.", "2)", "-", "•"): no amount, no item. A dash written
# onto a number ("-5 กิโล") is no marker: see _MINUS.
_LIST_MARK = re.compile(
    r"^[ \t]*(?:\(?[0-9๐-๙]{1,2}[.)](?![0-9๐-๙])|[•*·▪]+|[-−–—]+(?![0-9๐-๙]))[ \t]*", re.MULTILINE
)
# A dash written onto a number and not after one (a range, "10-20", or a date, "20-1-70"): a minus
# or a slip ("ปลาเค็ม -5 กิโล"). Its amount is asked (no_quantity), never read as 5 kg. A dash
# with spaces around it ("ปลาเค็ม - 200 กิโล") stands between a name and its amount.
_MINUS = re.compile(r"(?<![\d.])[-−–—](?=\d)")
_MINUS_MARK = "\u2212"  # where _MINUS was, as its own token
_THAI_MONTHS = {
    "มกราคม": 1, "ม.ค.": 1, "กุมภาพันธ์": 2, "ก.พ.": 2, "มีนาคม": 3, "มี.ค.": 3, "เมษายน": 4, "เม.ย.": 4,
    "พฤษภาคม": 5, "พ.ค.": 5, "มิถุนายน": 6, "มิ.ย.": 6, "กรกฎาคม": 7, "ก.ค.": 7, "สิงหาคม": 8, "ส.ค.": 8,
    "กันยายน": 9, "ก.ย.": 9, "ตุลาคม": 10, "ต.ค.": 10, "พฤศจิกายน": 11, "พ.ย.": 11, "ธันวาคม": 12, "ธ.ค.": 12,
}  # fmt: skip
_MONTH_ALT = alternation(_THAI_MONTHS)
# A number after a month is the year unless a unit follows it: "ภายใน 15 ม.ค. 50 กก." is 50 kg.
_UNIT_ALT = alternation((*UNITS, *CONTAINERS, *_MONEY_WORDS))
# Before a last day ("ภายใน", "ถึง", the bot's own "ส่งได้ถึง", a wish's "ใช้ภายใน") or a first day
# ("ตั้งแต่", "พร้อมส่ง").
_END_PREFIX = r"ส่งได้\s*(?:ถึง|ภายใน)|(?:ต้อง)?ใช้\s*(?:ภายใน|ก่อน)|ภายใน|ก่อน|ไม่เกิน|จนถึง|ถึง|หมดเขต|วันที่"
_START_PREFIX = r"ตั้งแต่|(?:พร้อมส่ง|ส่งได้)(?:\s*ตั้งแต่)?"
_PREFIX = rf"(?P<prefix>(?:{_END_PREFIX}|(?P<start>{_START_PREFIX}))\s*(?:วันที่\s*)?)"
_YEAR = rf"(?P<year>\d{{4}}|\d{{2}})(?![\d.])(?!\s*(?:{_UNIT_ALT}))"
_ABSOLUTE = re.compile(
    rf"(?:{_PREFIX})?(?<![\d.])(?P<date>(?P<day>\d{{1,2}})\s*(?P<month>{_MONTH_ALT})"
    rf"(?:\s*(?:พ\.ศ\.|พศ\.?|ปี)?\s*{_YEAR})?)"
)
# 15/1/2570, 20-1-70; "15/1" only after a prefix ("1-2" is no date: "ภายใน 1-2 วัน").
_NUMERIC = re.compile(
    rf"(?:{_PREFIX})?(?<![\d./-])(?P<date>(?P<day>\d{{1,2}})(?P<sep>[/-])(?P<month>\d{{1,2}})"
    rf"(?:(?P=sep){_YEAR})?)(?![\d/-])"
)
# A day of the month alone: "ภายในวันที่ 20", "วันที่ 20 นี้", "ภายใน 20 นี้" (without วันที่, only with
# นี้: "ไม่เกิน 20" may be an amount), the next 20th to come. Not when a month, unit or span follows.
_DAY_ONLY = re.compile(
    rf"{_PREFIX}(?<![\d.])(?P<date>(?P<day_only>\d{{1,2}})(?P<this>\s*นี้)?)(?![\d./-])"
    rf"(?!\s*(?:{_MONTH_ALT}|{_UNIT_ALT}|วัน|สัปดาห์|อาทิตย์|เดือน|ปี))"
)
_RELATIVE = re.compile(  # "ภายใน 3 วัน", "ภายใน 1-2 วัน" (by the last of them)
    rf"{_PREFIX}(?P<date>(?:\d+\s*-\s*)?(?P<n>\d+)\s*(?P<what>วัน|สัปดาห์|อาทิตย์|เดือน))"
)
_NAMED = re.compile(
    rf"(?:{_PREFIX})?(?P<date>(?P<what>สิ้นเดือนหน้า|เดือนหน้า|สิ้นเดือนนี้|เดือนนี้|สิ้นเดือน|อาทิตย์หน้า|"
    r"สัปดาห์หน้า|สิ้นปีนี้|สิ้นปี|ปีหน้า))"
)
# A festival names a day. Those of the solar calendar are worked out (_SOLAR_DAYS); those of the
# lunar calendar (ตรุษจีน, ลอยกระทง, the Lent days, ฮารีรายอ...) move every year, and are asked about
# (bad_date), never dropped.
_FESTIVAL = re.compile(
    rf"{_PREFIX}(?P<date>(?P<festival>สงกรานต์|ปีใหม่|ตรุษจีน|ลอยกระทง|เข้าพรรษา|ออกพรรษา|สารทเดือนสิบ|"
    r"วันแม่|วันพ่อ|ฮารีรายอ|รายอ))"
)
_SOLAR_DAYS = {"สงกรานต์": (4, 13), "ปีใหม่": (1, 1), "วันแม่": (8, 12), "วันพ่อ": (12, 5)}  # (month, day)
_NEAR = re.compile(rf"{_PREFIX}(?P<date>(?P<what>วันนี้|พรุ่งนี้|มะรืนนี้|มะรืน|สัปดาห์นี้|อาทิตย์นี้))")
# พรุ่งนี้ / มะรืนนี้ without a lead-in word ("ต้องการข้าวสาร 50 กิโล พรุ่งนี้"): a need's day, an
# offer's first day (its empty `start` group marks one). Not วันนี้, which says "nowadays" too
# ("วันนี้มีปลาเค็ม..."). Talk about tomorrow ("พรุ่งนี้ประชุม 10 โมง") is still no post.
_BARE_NEAR = re.compile(r"(?P<start>)(?P<date>(?P<what>พรุ่งนี้|มะรืนนี้|มะรืน))")


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return min(date(year, month + 1, 1) + timedelta(days=day.day - 1), _month_end(year, month + 1))


def _gregorian(year_text: str | None, day: int, month: int, today: date) -> date | None:
    """The day written, or None when there is no such day (or none barter handles). Without a
    year, the next time it comes (29 ก.พ. in the next leap year); a two-digit year is Buddhist era
    ("70" is 2570)."""
    if year_text is None:
        for year in range(today.year, today.year + 9):
            try:
                candidate = date(year, month, day)
            except ValueError:
                continue
            if candidate >= today:
                return candidate
        return None
    year = int(year_text)
    if year < 100:
        year += 2500
    try:
        written = thaidate.from_parts(year, month, day)
    except ValueError:
        return None
    # a year past any date barter handles (9999 BE is 9456) is no day to post: asked again
    # (bad_date), as the API and imports refuse it (thaidate.too_late)
    return None if thaidate.too_late(written) else written


class _DateFound(msgspec.Struct, frozen=True):
    day: date
    starts: bool  # "ตั้งแต่" / "พร้อมส่ง": a first day, not a last one
    sent: bool = False  # "ส่งได้ภายใน", "พร้อมส่ง": when the goods given can go (`_sending`)


class _BadDate(msgspec.Struct, frozen=True):
    text: str  # a day that does not exist, as written ("31 ก.พ.")
    sent: bool = False


def _find_dates(text: str, today: date) -> list[tuple[tuple[int, int], _DateFound | _BadDate]]:
    """The dates written in the text, each with its span (with its prefix), in the order written."""
    found: list[tuple[tuple[int, int], _DateFound | _BadDate]] = []
    for pattern in (_ABSOLUTE, _NUMERIC, _DAY_ONLY, _RELATIVE, _NAMED, _NEAR, _BARE_NEAR, _FESTIVAL):
        for match in pattern.finditer(text):
            read = _read_date(match, today)
            if read is not None and "ส่ง" in (match.groupdict().get("prefix") or ""):
                read = msgspec.structs.replace(read, sent=True)  # "ส่งได้ภายใน", "พร้อมส่ง"
            if read is not None:
                found.append((match.span(), read))
    found.sort(key=lambda f: (f[0][0], -f[0][1]))
    kept: list[tuple[tuple[int, int], _DateFound | _BadDate]] = []
    for span, read in found:
        if not kept or span[0] >= kept[-1][0][1]:
            kept.append((span, read))
    return kept


def _read_date(match: re.Match[str], today: date) -> _DateFound | _BadDate | None:
    """What a date match says, resolved against today; None when it is not a date after all (a
    "15/1" with no prefix)."""
    starts = match["start"] is not None
    groups = match.groupdict()
    if "festival" in groups:
        solar = _SOLAR_DAYS.get(match["festival"])
        if solar is None:
            return _BadDate(match["date"])
        this_year = date(today.year, *solar)  # the next to come (today counts)
        return _DateFound(this_year if this_year >= today else date(today.year + 1, *solar), starts)
    if "day_only" in groups:
        if "วันที่" not in match["prefix"] and match["this"] is None:
            return None
        day = _next_day_of_month(int(match["day_only"]), today)
        return _BadDate(match["date"].strip()) if day is None else _DateFound(day, starts)
    if "day" in groups:
        month = _THAI_MONTHS.get(match["month"]) or int(match["month"])
        if match.re is _NUMERIC and match["year"] is None and (match["sep"] != "/" or not match["prefix"]):
            return None
        day = _gregorian(match["year"], int(match["day"]), month, today)
        return _BadDate(match["date"].strip()) if day is None else _DateFound(day, starts)
    if "n" in groups:
        n, what = int(match["n"]), match["what"]
        if what == "วัน":
            return _DateFound(today + timedelta(days=n), starts)
        if what in {"สัปดาห์", "อาทิตย์"}:
            return _DateFound(today + timedelta(weeks=n), starts)
        return _DateFound(_add_months(today, n), starts)
    return _DateFound(_named_day(match["what"], today), starts)


def _next_day_of_month(day: int, today: date) -> date | None:
    """The next time the day of the month comes (today counts): "วันที่ 20" on 7 Dec is 20 Dec, on
    21 Dec 20 Jan; None for a day no month has (or the next month lacks: "วันที่ 31" in November)."""
    month_start = today.replace(day=1)
    for months in (0, 1):
        start = _add_months(month_start, months)
        if day <= calendar.monthrange(start.year, start.month)[1]:
            candidate = start.replace(day=day)
            if candidate >= today:
                return candidate
    return None


def _named_day(what: str, today: date) -> date:
    if what == "วันนี้":
        return today
    if what == "พรุ่งนี้":
        return today + timedelta(days=1)
    if what in {"มะรืน", "มะรืนนี้"}:
        return today + timedelta(days=2)
    if what in {"สัปดาห์นี้", "อาทิตย์นี้"}:
        return today + timedelta(days=6 - today.weekday())  # Sunday of this week
    if what in {"อาทิตย์หน้า", "สัปดาห์หน้า"}:
        return today + timedelta(days=13 - today.weekday())  # Sunday of next week
    if what in {"เดือนหน้า", "สิ้นเดือนหน้า"}:
        nxt = _add_months(today.replace(day=1), 1)
        return _month_end(nxt.year, nxt.month)
    if what in {"เดือนนี้", "สิ้นเดือนนี้", "สิ้นเดือน"}:
        return _month_end(today.year, today.month)
    if what == "ปีหน้า":
        return date(today.year + 1, 12, 31)
    return date(today.year, 12, 31)


class _Index(msgspec.Struct, frozen=True):
    names: tuple[tuple[str, str], ...]  # (name or synonym without spaces, item id), longest first
    by_name: dict[str, str]  # name or synonym without spaces -> item id
    by_id: dict[str, CatalogueEntry]
    trie: Trie
    categories: dict[str, str]  # a word naming a whole category (CATEGORY_WORDS) -> its id
    in_category: dict[str, tuple[CatalogueEntry, ...]]  # category id -> its items, in catalogue order


# Dictionary words read as the two words they are made of in a post: "แลกกุ้งแห้ง 20 กิโล กับข้าว" is
# กับ + ข้าว (the rice wanted), not กับข้าว (dishes), which no one lists; "ต้องการไข่เป็ด" is ต้องการ +
# ไข่เป็ด, not ต้อง + การไข่ + เป็ด (the only kind word and goods the dictionary glued so, checked over
# every kind word before every catalogue name and thirty common goods).
_SPLIT_WORDS = frozenset({"กับข้าว", "การไข่"})


@cache
def _base_words() -> frozenset[str]:
    return frozenset(thai_words()) - _SPLIT_WORDS


def _index(catalogue: Sequence[CatalogueEntry]) -> _Index:
    names: list[tuple[str, str]] = []
    for item in catalogue:
        names.extend((_squash(name), item.id) for name in (item.name_th, *item.synonyms_th))
    names.sort(key=lambda pair: (-len(pair[0]), pair[0]))
    extra = {n for n, _ in names} | set(UNITS) | set(CONTAINERS) | set(_OFFER_WORDS) | set(_NEED_WORDS)
    extra |= {*_SWAP_WORDS, *_SWAP_LINKS, *_HEADINGS, *CATEGORY_WORDS, _AT_MOST, *_ANYTHING}
    extra |= {item.counted_th for item in catalogue if item.counted_th}  # "5ตัว": 5 + ตัว
    in_category: dict[str, tuple[CatalogueEntry, ...]] = {}
    for item in catalogue:
        in_category[item.category_id] = (*in_category.get(item.category_id, ()), item)
    by_name = dict(reversed(names))  # the first of a name used twice
    return _Index(
        names=tuple(names),
        by_name=by_name,
        by_id={i.id: i for i in catalogue},
        trie=Trie(_base_words() | extra),
        categories={w: c for w, c in CATEGORY_WORDS.items() if w not in by_name and c in in_category},
        in_category=in_category,
    )


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


# Sara am typed as nikhahit and sara aa (น + ้ + ํ + า, or น + ํ + ้ + า), as older phones and some
# keyboards make it: NFC leaves it apart, so it looks like น้ำ but is other text, and neither a
# goods' name (goods_names.tidy_name) nor a word the reader matches would be น้ำ.
_SARA_AM = re.compile("\u0e4d([\u0e48-\u0e4b]?)\u0e32")


def sara_am_joined(text: str) -> str:
    """The text with sara am typed as two characters (ํ + า, a tone mark maybe between) as the one
    character ำ: "นํ้าปลา" is น้ำปลา."""
    return _SARA_AM.sub("\\1\u0e33", text)


def normalise(text: str) -> str:
    """Thai digits to Arabic, thousands separators dropped, repeated tone marks folded, sara am as
    one character (`sara_am_joined`), one space."""
    text = sara_am_joined(thai_digit_to_arabic_digit(text))
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text)
    text = re.sub(r"([\u0E48-\u0E4B])\1+", r"\1", text)  # "ค่่ะ" -> "ค่ะ"
    return re.sub(r"\s+", " ", text).strip()


class _Amount(msgspec.Struct, frozen=True):
    quantity: float  # in the catalogue unit when `unit` is known, else as counted
    unit: Unit | None
    unit_text: str | None  # the unit as written
    needs_size: bool  # counted in containers of no stated size ("3 ขวด")


def _tokens(text: str, index: _Index) -> list[str]:
    if not text.strip():
        return []
    words = word_tokenize(text, custom_dict=index.trie, engine="newmm", keep_whitespace=False)
    return _wishes_to_swap([t for t in words if t.strip()])


# Said before แลก (or ขอแลก), a wish to swap as อยากแลก is one: "สนใจแลก..." (interested in swapping),
# "ติดต่อขอแลก..." (get in touch to swap). The goods after them were all read as wanted.
_SWAP_LEADS = ("สนใจ", "ติดต่อ")


def _wishes_to_swap(tokens: list[str]) -> list[str]:
    """The tokens with each lead-in to a swap (_SWAP_LEADS, then ขอ or not, then แลก) as "อยากแลก":
    "สนใจแลกข้าวสาร 100 กิโล กับปลาเค็ม 20 กิโล" asks which side is given, as "อยากแลก..." does."""
    read: list[str] = []
    i = 0
    while i < len(tokens):
        swap = i + 1 + (tokens[i + 1 : i + 2] == ["ขอ"])
        if tokens[i] in _SWAP_LEADS and swap < len(tokens) and tokens[swap] in _SWAP_WORDS:
            read.append("อยากแลก")
            i = swap + 1
            continue
        read.append(tokens[i])
        i += 1
    return read


def _is_number(token: str) -> bool:
    return bool(_DIGITS.match(token) or _NUMBER_WORD.match(token))


def _number_end(tokens: Sequence[str], i: int) -> int | None:
    """The index after the run of number tokens starting at tokens[i] ("2" "ร้อย", "สาม" "ร้อย"
    "ห้า" "สิบ", "1.5" "พัน"), or None when no number starts there."""
    if i >= len(tokens) or not _is_number(tokens[i]):
        return None
    j = i + 1
    while j < len(tokens) and _NUMBER_WORD.match(tokens[j]):
        j += 1
    return j


def _amount_at(tokens: Sequence[str], i: int, index: _Index) -> tuple[_Amount, int] | None:
    """The amount written from tokens[i] ("200 กิโล", "สามร้อย ฟอง", "2 กิโลครึ่ง", "10 ถุง ถุงละ 5
    กิโล", "5 กระปุก") and the index after it; None when no number starts there."""
    j = _number_end(tokens, i)
    quantity = None if j is None else _number(list(tokens[i:j]))
    if j is None or quantity is None:
        return None
    after = tokens[j] if j < len(tokens) else None
    if after in UNITS:
        unit, factor = UNITS[after]
        j += 1
        if j < len(tokens) and tokens[j] == "ครึ่ง":  # "2 กิโลครึ่ง": two and a half
            quantity += 0.5
            j += 1
        return _Amount(round(quantity * factor, 4), unit, after, needs_size=False), j
    if after is not None and (after.removesuffix("ละ") in CONTAINERS or _unit_word(after, index)):
        container = after.removesuffix("ละ") if after.removesuffix("ละ") in CONTAINERS else after
        sized = _each_size(tokens, j + 1 if after == container else j, container)
        if sized is not None:
            size, unit_text, unit, j = sized
            return _Amount(round(quantity * size, 4), unit, unit_text, needs_size=False), j
        return _Amount(quantity, None, container, needs_size=True), j + 1
    return _Amount(quantity, None, None, needs_size=False), j


def _unit_word(token: str, index: _Index) -> bool:
    """A word after a number that is no unit UNITS knows, no item and no other part of the message
    ("กระปุก", "มัด", "โมง"): what is counted, of a size to ask."""
    return not (
        _skipped(token)
        or token.startswith(_DATE_MARK)
        or _is_number(token)
        or _kind_of(token) is not None
        or token in _ROLES
        or token in index.by_name
    )


_SIZE = "ขนาด"  # "10 กระปุก ขนาด 200 กรัม": each jar's size


def _each_size(tokens: Sequence[str], i: int, container: str) -> tuple[float, str, Unit, int] | None:
    """The size of each container after its count: "ถุงละ 5 กิโล", "ถุง ถุงละ 5 กิโล", "ถุงๆละ 5
    กิโล", "กระปุก ขนาด 200 กรัม" (from tokens[i], just after the count's "ถุง"): (size in catalogue
    units, unit as written, catalogue unit, index after)."""
    at = _each_begins(tokens, i, container, (container + "ละ", "ละ", _SIZE))
    if at is not None and at + 1 < len(tokens) and _is_number(tokens[at]) and tokens[at + 1] in UNITS:
        size = _number([tokens[at]])
        if size is not None:
            unit, factor = UNITS[tokens[at + 1]]
            return size * factor, tokens[at + 1], unit, at + 2
    # containers in containers: "3 ลัง ลังละ 12 ขวด ขวดละ 700 ซีซี" (a crate of 12 bottles)
    held = _each_holds(tokens, i, container)
    inner = None if held is None else _each_size(tokens, held[2], held[1])
    if held is None or inner is None:
        return None
    size, unit_text, unit, end = inner
    return held[0] * size, unit_text, unit, end


def _each_begins(tokens: Sequence[str], i: int, container: str, each: tuple[str, ...]) -> int | None:
    """The index after "ถุงละ" (or "ถุง ถุงละ", "ถุงๆละ", one of `each`) from tokens[i], else None."""
    if i < len(tokens) and tokens[i] in (container, "ๆ"):
        i += 1
    if i < len(tokens) and tokens[i] in each:
        return i + 1
    return i if i > 0 and tokens[i - 1] == container + "ละ" else None


def _each_holds(tokens: Sequence[str], i: int, container: str) -> tuple[float, str, int] | None:
    """How many smaller containers each holds, their size not said: "ลังละ 12 ขวด" (from tokens[i],
    as for _each_size): (count, the smaller container, index after)."""
    at = _each_begins(tokens, i, container, (container + "ละ", "ละ"))
    if at is None:
        return None
    i = at
    if i + 1 < len(tokens) and _is_number(tokens[i]) and tokens[i + 1] in CONTAINERS:
        count = _number([tokens[i]])
        if count is not None:
            return count, tokens[i + 1], i + 2
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
    """(item, guessed): the item the phrase is a name or synonym of; else the one it is a close
    spelling of ("ปลาเคม"). A name inside a phrase that says more ("พริกไทย" holds the synonym
    "พริก", "ไข่เป็ด" holds "ไข่") is not a misspelling of it: the phrase names another thing, which
    the catalogue may not have."""
    if not phrase:
        return None, False
    for name in (phrase, _undescribed(phrase)):  # "กระติบ|ข้าวใหม่" as tokenised: กระติบข้าว + ใหม่
        if name in index.by_name:
            return index.by_id[index.by_name[name]], False
    close = _close_spellings(phrase, index)
    if close:
        return index.by_id[close[0]], True
    begun = _begun(phrase, index)  # the first words of one name only: "ลูกประคบ" (ลูกประคบสมุนไพร)
    if len(begun) == 1:
        return index.by_id[begun.pop()], True
    return None, False


_CLOSE = 0.8  # a phrase this alike to a name (SequenceMatcher's ratio) is a spelling of it ...
_AS_CLOSE = 0.05  # ... and names within this of the closest are as likely meant


def _close_spellings(phrase: str, index: _Index) -> tuple[str, ...]:
    """The items the phrase is a close spelling of, the closest first, with those as close as it
    (within _AS_CLOSE): "ผ้าทอมือ" is as near ผ้าไหมทอมือ as ผ้าฝ้ายทอมือ. A name of under three
    characters, or one the phrase holds, is not spelt by it."""
    ratios: dict[str, float] = {}
    for name, item_id in index.names:
        if len(name) < 3 or name in phrase:
            continue
        ratio = SequenceMatcher(None, phrase, name).ratio()
        if ratio >= _CLOSE and ratio > ratios.get(item_id, 0.0):
            ratios[item_id] = ratio
    if not ratios:
        return ()
    best = max(ratios.values())
    near = sorted((i for i, r in ratios.items() if r >= best - _AS_CLOSE), key=lambda i: -ratios[i])
    return tuple(near)


# A word that begins the names of more kinds of goods than this says too little to ask which of them.
_MOST_KINDS = 5


# Words for a family of goods whose names begin alike, and that beginning: "ผ้าทอ" (woven cloth,
# which the 2020 trade swapped) is any of the cloths, ผ้าไหมทอมือ, ผ้าย้อมคราม or ผ้าฝ้ายทอมือ.
_FAMILIES = {
    "ผ้า": "ผ้า", "ผ้าทอ": "ผ้า", "ผ้าทอมือ": "ผ้า", "ผ้าพื้นเมือง": "ผ้า", "ผ้าพื้นบ้าน": "ผ้า",
    "ผ้าทอพื้นเมือง": "ผ้า",
}  # fmt: skip


def _kinds_named(phrase: str, index: _Index) -> tuple[str, ...]:
    """The items the phrase could mean, two to _MOST_KINDS of them, in the catalogue's order; none
    when it means one or too many: those whose names it begins (_begun: "น้ำพริก", เผา, ปลาย่าง or
    กะปิ; "ผ้าทอ", any cloth), else those it is a close spelling of alike ("ผ้าทอมือ": ผ้าไหมทอมือ or
    ผ้าฝ้ายทอมือ). One name begun ("น้ำพริกปลา": น้ำพริกปลาย่าง) is that one (_match_item)."""
    if _undescribed(phrase) in index.by_name:
        return ()
    return _kinds(_begun(phrase, index) or set(_close_spellings(phrase, index)), index)


def _begun(phrase: str, index: _Index) -> set[str]:
    """The items whose names the phrase begins and leaves unfinished ("ปลาหมึก": แห้ง or เค็ม;
    "น้ำตาล": ทราย or มะพร้าว), the phrase of four characters or more ("น้ำ" is too little to mean
    any), or a family's word (_FAMILIES: "ผ้าทอ", any cloth). None for a name."""
    bare = _undescribed(phrase)
    stem = _FAMILIES.get(bare, bare if len(bare) >= 4 else None)
    if stem is None or bare in index.by_name:
        return set()
    return {item_id for name, item_id in index.names if name.startswith(stem)}


def _kinds(ids: set[str], index: _Index) -> tuple[str, ...]:
    """The items, in the catalogue's order, when they are two to _MOST_KINDS; else none."""
    return tuple(i for i in index.by_id if i in ids) if 2 <= len(ids) <= _MOST_KINDS else ()


def _undescribed(phrase: str) -> str:
    """The phrase without the describing words it ends with ("ปลาเค็มเยอะมาก" -> "ปลาเค็ม")."""
    bare = phrase.rstrip("ๆ")
    for word in sorted(_DESCRIBING, key=len, reverse=True):
        if bare.endswith(word) and len(bare) > len(word):
            return _undescribed(bare.removesuffix(word))
    return bare


def _category_of(phrase: str, index: _Index) -> str | None:
    """The category the phrase names as a whole ("ข้าว", "ผักสดๆ"), when it names no item."""
    if phrase in index.by_name:
        return None
    for name in (phrase, _undescribed(phrase)):
        if name in index.categories:
            return index.categories[name]
    return None


def _mentions_item(words: Sequence[str], index: _Index) -> bool:
    """The words hold a catalogue name (or a category's word) at word boundaries, or are a close
    spelling of a name."""
    return (
        any(
            "".join(words[start:end]) in index.by_name or "".join(words[start:end]) in index.categories
            for start in range(len(words))
            for end in range(start + 1, len(words) + 1)
        )
        or _match_item("".join(words), index)[0] is not None
    )


def _names_in(words: Sequence[str], index: _Index) -> list[tuple[CatalogueEntry | str, str]] | None:
    """The catalogue items (or categories, by their id) the words name one after another ("ปลาเค็ม"
    "กุ้งแห้ง", "ข้าว" "ผัก"), each as written, when every word belongs to one of them; None
    otherwise. Fewest first."""
    return _split(words, lambda text: _named(text, index))


def _named(text: str, index: _Index) -> CatalogueEntry | str | None:
    """The item (or the category, by its id) that `text` is a name of."""
    if text in index.by_name:
        return index.by_id[index.by_name[text]]
    return index.categories.get(text)


def _kinds_in(
    words: Sequence[str], index: _Index
) -> list[tuple[CatalogueEntry | str | tuple[str, ...], str]] | None:
    """As _names_in, with words that begin several items' names among them (_begun: "ปลาหมึก",
    "น้ำตาล", "ผ้า"), as those items' ids: "ปลาเค็ม ปลาหมึก กุ้งแห้ง" is three goods, not one unknown.
    (A close spelling is not looked for in every run of the words.)"""
    return _split(words, lambda text: _named(text, index) or _kinds(_begun(text, index), index) or None)


Named = TypeVar("Named")


def _split(words: Sequence[str], name_of: Callable[[str], Named | None]) -> list[tuple[Named, str]] | None:
    """The fewest runs of the words that each name something (`name_of`), with what each names and
    its words as written; None when some word names nothing."""
    best: list[list[tuple[Named, str]] | None] = [[]] + [None] * len(words)
    for end in range(1, len(words) + 1):
        for start in range(end):
            before = best[start]
            if before is None:
                continue
            text = "".join(words[start:end])
            named = name_of(text)
            if named is None:
                continue
            found = [*before, (named, text)]
            if best[end] is None or len(found) < len(best[end] or ()):
                best[end] = found
    return best[len(words)]


def _headings_dropped(
    named: list[tuple[CatalogueEntry | str, str]],
) -> list[tuple[CatalogueEntry | str, str]]:
    """Without a category's word written before goods of that category, as a heading ("มีสมุนไพร
    ขมิ้นชัน 3 กิโล" offers turmeric, 3 kg; "ต้องการปลา ปลาเค็ม 20 กิโล" needs salted fish)."""
    return [
        (entry, text)
        for (entry, text), (after, _) in zip(named, [*named[1:], (None, "")], strict=True)
        if not (
            isinstance(entry, str)
            and after is not None
            and not isinstance(after, str)
            and after.category_id == entry
        )
    ]


class _Item(msgspec.Struct):
    """One item of a message while it is read: the words naming it and its amount."""

    kind: Kind | None
    clause: int  # which stretch of the message under one kind word it is in
    separated: bool = False  # written after "และ", ",", a new line: an item in its own right
    words: list[str] = msgspec.field(default_factory=list)
    amount: _Amount | None = None
    each: bool = False  # "อย่างละ 50 กิโล": the amount is each item's
    unclear: bool = False  # its amount may be another item's too, or is a range: none, until asked
    new_line: bool = False  # the first item of a line of the message
    wish: bool = False  # the first item after a word that says a wish (_WISH_WORDS, แลก after goods)
    or_next: bool = False  # "หรือ" follows it: the next item is another that would do as well
    choices: tuple[str, ...] = ()  # goods written one or the other, none of one category's (_either)
    choice_amounts: tuple[_Amount, ...] = ()  # each one's own, where they differ (in `choices` order)


class _Reader:
    """The items of a message, token by token. A kind word (มี, ต้องการ...) starts a clause whose
    items all have its kind, until the other kind word (or แลก) comes; in a clause, a separator
    or a second amount starts a new item."""

    def __init__(self, index: _Index) -> None:
        self.index = index
        self.kinds: list[Kind | None] = [None]
        self.items: list[_Item] = []
        self.current = _Item(kind=None, clause=0)
        self.swap_open = False  # after a leading "แลก": "กับ" / "เป็น" turns to the wanted side
        self.price_open = False  # after "ราคา" or "กิโลละ": the next number is money
        # the clauses that ask or say no (no listing in them), and their question words (ไม่: no)
        self.asked: dict[int, set[str]] = {}
        self.who = False  # "ใคร" just before a kind word: its clause asks
        self.dates: list[tuple[int, int]] = []  # (clause, which date) for each date mark
        self.minus_at: int | None = None  # the token after a minus: its amount is asked
        self.sides_open = False  # after "อยากแลก A": "กับ" / "เป็น" starts the other side
        self.sides: dict[int, Side] = {}  # the clauses of a swap not said which way, and their side

    def _close(self, *, separated: bool = False) -> None:
        if self.current.words or self.current.amount is not None:
            self.items.append(self.current)
        self.current = _Item(kind=self.kinds[-1], clause=len(self.kinds) - 1, separated=separated)

    def _open_clause(self, kind: Kind) -> None:
        self._close()
        self.kinds.append(kind)
        self.current = _Item(kind=kind, clause=len(self.kinds) - 1)
        self.swap_open = self.sides_open = False

    def _clause_has_items(self) -> bool:
        return any(item.clause == len(self.kinds) - 1 for item in self.items)

    def _clause_is_empty(self) -> bool:
        return not self.current.words and self.current.amount is None and not self._clause_has_items()

    def _packing_end(self, tokens: Sequence[str], i: int) -> int | None:
        """After an amount, how it is packed: the index after it, else None. After kilos or litres
        ("ข้าวสาร 100 กิโล ถุงละ 5 กิโล") a remark, not a second item "ถุง" of 5 kg; after a count of
        those containers ("20 ถุง บรรจุถุงละ 5 กิโล") their size."""
        amount, word = self.current.amount, tokens[i]
        container = word.removesuffix("ละ")
        if amount is None or container not in CONTAINERS:
            return None
        if tokens[i + 1 : i + 2] == [container]:  # "แบ่งใส่ถุง ถุงละ 5 กิโล", tokenised ถุง ถุง ละ
            i += 1
        sized = _each_size(tokens, i, container)
        if sized is None and amount.unit is None and amount.unit_text == container:
            held = _each_holds(tokens, i, container)  # "3 ลัง ลังละ 12 ขวด": 36 bottles, their size asked
            if held is not None:
                count, inner, end = held
                self.current.amount = _Amount(round(amount.quantity * count, 4), None, inner, needs_size=True)
                return end
        if sized is None or (amount.unit is None and amount.unit_text != container):
            return None
        if amount.unit is None:  # "20 ถุง บรรจุถุงละ 5 กิโล": the bags' size, said after a word
            size, unit_text, unit, _ = sized
            self.current.amount = _Amount(round(amount.quantity * size, 4), unit, unit_text, needs_size=False)
        return sized[3]

    def _named_alone(self) -> bool:
        """The item being read has catalogue names for all its words and no amount yet."""
        words = self.current.words
        return bool(words) and self.current.amount is None and _names_in(words, self.index) is not None

    def _posted(self) -> bool:
        """The clause so far has an item named with its amount."""
        clause = len(self.kinds) - 1
        return any(
            item.clause == clause and item.words and item.amount is not None
            for item in (*self.items, self.current)
        )

    def read(self, tokens: Sequence[str]) -> list[_Item]:
        i = 0
        while i < len(tokens):
            i = self._step(tokens, i)
        self._close()
        return _either(_lines_joined(_joined(self.items), self.index), self.index)

    def _step(self, tokens: Sequence[str], i: int) -> int:
        word = tokens[i]
        following = tokens[i + 1] if i + 1 < len(tokens) else None
        if word == _LINE_MARK:
            self._close(separated=True)
            self.current.new_line = True
            return i + 1
        if word.startswith(_DATE_MARK):
            self.dates.append((len(self.kinds) - 1, int(word.removeprefix(_DATE_MARK))))
            return i + 1
        if word == _MINUS_MARK:
            self.minus_at = i + 1
            return i + 1
        negated = _kind_of(word.removeprefix(_NOT)) if word.startswith(_NOT) else None
        if negated is None and word == _NOT and following is not None:
            negated = _kind_of(following)
        if negated is not None:  # "ไม่มีปลาเค็มแล้ว", "ไม่ ต้องการ"
            self._open_clause(negated)
            self._ask(_NOT)
            return i + (1 if word != _NOT else 2)
        talk = _interest_end(tokens, i) if self._posted() else None
        if talk is not None:  # "มีปลาเค็ม 200 กิโล ใครสนใจบ้าง"
            self._close()
            return talk
        if word == "มี" and following == _WHO:  # "มีใครต้องการไหม": is there anyone who
            return i + 1
        if word == _WHO:
            if following is not None and _kind_of(following) is not None:
                self.who = True
            else:  # "ใครว่างบ้าง"
                self._ask(_OTHER_QUESTION)
            return i + 1
        if word in _QUESTION_WORDS or (word == "บ้าง" and _ends_clause(tokens, i + 1)):
            if not _polite(tokens, i):
                self._ask(word if self._of_the_goods(tokens, i) else _OTHER_QUESTION)
            return i + 1  # after ได้, a request's politeness: "แลกปลาเค็มได้ไหมคะ"
        wished_swap = word in _SWAP_NEED_WORDS or (word == "ขอ" and following in _SWAP_WORDS)
        if wished_swap and not self._clause_is_empty():
            # "ข้าวสาร 100 กก. ต้องการแลกกับกุ้งแห้ง", "มีปลาเค็ม 100 กิโล ขอแลกข้าวสาร": after goods,
            # a wish to swap is a bare แลก
            return self._swapped(tokens, i + (2 if word == "ขอ" else 1))
        kind = _kind_of(word)
        if (
            kind is not None
            and self.kinds[-1] is None
            and self._posted()
            and _line_ends(tokens, i + 1, asking=True)
        ):
            # said last, after the goods and their amount: "ปลาเค็ม 30 กิโล มีนะคะ"; or asked there
            # ("ปลาเค็ม 30 กิโล มีไหมคะ", "ข้าวสาร 50 กิโล มีใครต้องการไหม": see _WHETHER)
            self._give(kind)
            self._asked_by_whom()
            return i + 1
        if kind is not None:
            if word == _LEFT and self.kinds[-1] is None and self._named_alone():  # "ปลาเค็มเหลือ..."
                self.kinds[-1] = self.current.kind = kind
                return i + 1
            if kind != self.kinds[-1] or self.current.amount is not None or self._clause_has_items():
                self._open_clause(kind)
            # else the same kind word again within one item: "มีปลาเค็มให้ 200 กิโล"
            self.sides_open = word in _SWAP_NEED_WORDS
            if word in _WISH_WORDS and not self.current.words and self.current.amount is None:
                self.current.wish = True
            self._asked_by_whom()
            return i + 1
        if word in _SWAP_WORDS:
            if self._clause_is_empty():  # "แลกกุ้งแห้ง 20 กิโล กับข้าวเหนียว"
                self._open_clause("offer")
                self.swap_open = True
                return i + 1
            return self._swapped(tokens, i + 1)
        if self.swap_open and word in _SWAP_LINKS:
            self._open_clause("need")
            self.current.wish = True
            return i + 1
        if self.sides_open and word in _SWAP_LINKS and not self._clause_is_empty():
            # "อยากแลกข้าวสาร 15 กิโล กับปลาเค็ม 2 กิโล": which side is given? asked
            self.sides[len(self.kinds) - 1] = "first"
            self._open_clause("need")
            self.sides[len(self.kinds) - 1] = "second"
            return i + 1
        if (
            word == _OR
            and self.current.words
            and (self.current.amount is None or _names_in([following or ""], self.index) is not None)
        ):  # "ข้าวหอมมะลิหรือข้าวเหนียว"; after an amount, goods next: "ปลาเค็ม 20 กิโล หรือปลาแห้ง..."
            self.current.or_next = True
            self._close(separated=True)
            return i + 1
        if word in _SEPARATORS:
            self._close(separated=True)
            return i + 1
        if word == "อย่างละ" or (word == "อย่าง" and following == "ละ"):
            self.current.each = True
            return i + (1 if word == "อย่างละ" else 2)
        if word in _PRICE_WORDS or (
            word.removesuffix("ละ") in UNITS and (word.endswith("ละ") or following == "ละ")
        ):  # "ราคา 100 บาท", "กิโลละ 80"
            self.price_open = True
            return i + 1
        money = _money_end(tokens, i, after_price=self.price_open)
        if money is not None:
            self.price_open = False
            return money
        packed = self._packing_end(tokens, i)
        if packed is not None:
            return packed
        found = _amount_at(tokens, i, self.index)
        if found is not None:
            if self.current.amount is not None:  # a second amount: a new item
                self._close()
            amount, after = found
            upper = (
                _amount_at(tokens, after + 1, self.index)
                if after < len(tokens) and tokens[after] == "-"
                else None
            )
            if upper is not None:  # "10-20 กิโล": how much is it?
                (amount, after), self.current.unclear = upper, True
            if self.minus_at == i:  # "-5 กิโล": asked, never 5 kg
                self.current.unclear = True
            if i > 0 and tokens[i - 1] == "หลาย" and _NUMBER_WORD.match(word):  # "หลายสิบกิโล": asked
                self.current.unclear = True
            self.current.amount = amount
            return after
        if _skipped(word):
            return i + 1
        if word.removesuffix("ๆ") in _DESCRIBING and self._named_alone():  # "ปลาเค็มแดดเดียว 200 กิโล"
            return i + 1
        if word == _ORGANIC and self._named_alone() and self.current.words[-1] != "ปลา":
            return i + 1
        if self.current.amount is not None:  # words after an amount: a new item, or a remark
            self._close()
        self.current.words.append(word)
        return i + 1

    def _ask(self, word: str) -> None:
        """The clause being read asks (`word` is its question word): no listing, unless its
        question asks only whether or who (`_WHETHER`, see `_asked_for`)."""
        self.asked.setdefault(len(self.kinds) - 1, set()).add(word)

    def _of_the_goods(self, tokens: Sequence[str], i: int) -> bool:
        """The question word at tokens[i] asks of the goods themselves: right after them, their
        amount or the kind word, particles aside ("มีปลาเค็ม 50 กิโลไหม", "ปลาเค็มมีไหมคะ"), not after
        another word ("มีปลาเค็ม 30 กิโล เอาไหม": want it?, "ราคา?", "ส่งไหม")."""
        j = i - 1
        while j >= 0 and (tokens[j] in PARTICLES or re.fullmatch(r"[\W_]+", tokens[j]) is not None):
            j -= 1
        if j < 0:
            return False
        before = tokens[j]
        return (
            _kind_of(before) is not None
            or before == _WHO
            or before.removesuffix("ละ") in UNITS
            or before in CONTAINERS
            or _is_number(before)
            or (self._named_alone() and before == self.current.words[-1])
        )

    def _asked_by_whom(self) -> None:
        """ "ใคร" came just before the kind word just read: its clause asks who."""
        if self.who:
            self._ask(_WHO)
            self.who = False

    def _swapped(self, tokens: Sequence[str], end: int) -> int:
        """A swap word after goods ends at `end` ("มีปลาเค็ม 100 กิโล แลกข้าวสาร"): what came before
        is given for what follows (goods needed are given up for what follows them); the index
        after it, and after a กับ/เป็น that follows it."""
        given: Kind = self.kinds[-1] or "offer"
        self._give(given)
        self._open_clause("need" if given == "offer" else "offer")
        self.current.wish = given == "offer"
        return end + 1 if end < len(tokens) and tokens[end] in _SWAP_LINKS else end

    def _give(self, kind: Kind) -> None:
        """The clause read so far is the given side of a swap."""
        clause = len(self.kinds) - 1
        self.kinds[-1] = kind
        for item in (*self.items, self.current):
            if item.clause == clause:
                item.kind = kind


def _interest_end(tokens: Sequence[str], i: int) -> int | None:
    """The index after a question about interest or contact starting at tokens[i] ("ใคร สนใจ บ้าง",
    "สนใจ ไหม คะ"), up to the next kind word, swap word or new line; None when there is none."""
    if tokens[i] != _WHO and tokens[i] not in _INTEREST_WORDS:
        return None
    end = i
    while end < len(tokens) and not (
        _kind_of(tokens[end]) is not None or tokens[end] in _SWAP_WORDS or tokens[end] == ","
    ):
        end += 1
    tail = tokens[i:end]
    asks = any(w in _QUESTION_WORDS or w in {_WHO, "บ้าง"} for w in tail)
    return end if asks and any(w in _INTEREST_WORDS for w in tail) else None


def _ends_clause(tokens: Sequence[str], i: int) -> bool:
    """Nothing but particles, punctuation or question words from tokens[i] to the next kind word."""
    for word in tokens[i:]:
        if _kind_of(word) is not None:
            return True
        if not (word in _QUESTION_WORDS or (_skipped(word) and word != "ได้")):
            return False
    return True


def _line_ends(tokens: Sequence[str], i: int, *, asking: bool = False) -> bool:
    """Nothing but particles, fillers and punctuation from tokens[i] to the end of the line; when
    `asking`, questions of whether or who too ("ไหมคะ", "ใครต้องการไหม")."""
    for word in tokens[i:]:
        if word == _LINE_MARK:
            return True
        if asking and word in _WHETHER:
            continue
        if not _skipped(word) or word in _QUESTION_WORDS or (word == "ได้" and not asking):
            return False
    return True


def _polite(tokens: Sequence[str], i: int) -> bool:
    """The question word at tokens[i] follows "ได้": a request ("ขอ... ได้ไหมคะ?"), not a question."""
    j = i - 1
    while j >= 0 and (tokens[j] in _QUESTION_WORDS or (_skipped(tokens[j]) and tokens[j] != "ได้")):
        j -= 1
    return j >= 0 and tokens[j] == "ได้"


def _money_end(tokens: Sequence[str], i: int, *, after_price: bool) -> int | None:
    """The index after a sum of money starting at tokens[i] ("200 บาท"; after "ราคา", a number
    without a unit), or None."""
    j = _number_end(tokens, i)
    if j is None:
        return None
    after = tokens[j] if j < len(tokens) else None
    if after in _MONEY_WORDS:
        return j + 1
    if after_price and not (after in UNITS or (after is not None and after in CONTAINERS)):
        return j
    return None


def _kind_of(token: str) -> Kind | None:
    return "need" if token in _NEED_WORDS else "offer" if token in _OFFER_WORDS else None


def _skipped(token: str) -> bool:
    """Words that say nothing about the item: polite particles, fillers, punctuation and emoji, a
    unit written without a number."""
    return token in _FILLER or token.removesuffix("ละ") in UNITS or re.fullmatch(r"[\W_]+", token) is not None


def _joined(items: list[_Item]) -> list[_Item]:
    """An amount and the words of its item written apart, put together: "ต้องการ 50 กก. ข้าวสาร",
    "ปลาเค็ม มีให้ 200 กิโล"."""
    joined: list[_Item] = []
    for item in items:
        last = joined[-1] if joined else None
        if last is not None and not item.separated:
            if (
                last.amount is not None
                and not last.words
                and item.amount is None
                and last.clause == item.clause
            ):
                last.words = item.words
                continue
            if last.amount is None and last.kind is None and item.amount is not None and not item.words:
                item.words = last.words
                joined[-1] = item
                continue
        joined.append(item)
    return joined


def _either(items: list[_Item], index: _Index) -> list[_Item]:
    """Goods said one or the other ("ข้าวหอมมะลิหรือข้าวเหนียวก็ได้"): their category when both are
    items of one whose goods share a unit (any rice will do, sized and asked as "ข้าว" is); two
    catalogue items otherwise ("ปลาเค็มหรือปลาแห้ง": fish sauce shares their category), their
    `choices`, one line asking which (a listing is of one item, and the category would be more than
    was said); else the words as written, one item (asked about, never two listings where one was
    meant). Each may have its amount ("ปลาเค็ม 20 กิโล หรือปลาแห้ง 20 กิโล"): one, or none (asked)
    where they differ; after an amount, "หรือ" joins goods only ("ปลาเค็ม 20 กิโล หรือจะแลกอะไรก็ได้"
    leaves the fish as it was). A third and more join the choices ("ปลาเค็มหรือปลาแห้งหรือกุ้งแห้ง"),
    up to _MOST_KINDS, their amount asked unless all agree."""
    read: list[_Item] = []
    for item in items:
        last = read[-1] if read else None
        if last is None or not last.or_next or last.clause != item.clause:
            read.append(item)
            continue
        if last.choices:
            more = _names_in(item.words, index)
            entry = more[0][0] if more is not None and len(more) == 1 else None
            if entry is not None and not isinstance(entry, str) and len(last.choices) < _MOST_KINDS:
                alike = (
                    last.amount is None
                    or item.amount is None
                    or ((last.amount.quantity, last.amount.unit) == (item.amount.quantity, item.amount.unit))
                )
                read[-1] = msgspec.structs.replace(
                    last,
                    words=[*last.words, _OR, *item.words],
                    choices=tuple(dict.fromkeys((*last.choices, entry.id))),
                    amount=(last.amount or item.amount) if alike and not last.choice_amounts else None,
                    choice_amounts=_each_own(last, entry.id, item.amount, alike),
                    or_next=item.or_next,
                )
                continue
        either = [_names_in(last.words, index), _names_in(item.words, index)]
        goods = [found[0][0] for found in either if found is not None and len(found) == 1]
        said = [a for a in (last.amount, item.amount) if a is not None]
        alike = all((a.quantity, a.unit) == (said[0].quantity, said[0].unit) for a in said)
        if last.amount is not None and len(goods) < 2:
            read.append(item)
            continue
        kinds = {g.category_id for g in goods if not isinstance(g, str)}
        category = kinds.pop() if len(goods) == 2 and len(kinds) == 1 else None
        word = next((w for w, c in index.categories.items() if c == category), None)
        one_unit = category is not None and len({e.unit for e in index.in_category[category]}) == 1
        merged = [word] if word is not None and one_unit else [*last.words, _OR, *item.words]
        entries = [g for g in goods if not isinstance(g, str)]
        ids = tuple(dict.fromkeys(g.id for g in entries)) if len(entries) == 2 and merged != [word] else ()
        if len(ids) == 1:  # two names of one item ("ข้าวสารหรือข้าวขาว")
            merged, ids = list(last.words), ()
        read[-1] = msgspec.structs.replace(
            item,
            words=merged,
            separated=last.separated,
            new_line=last.new_line,
            wish=last.wish or item.wish,
            choices=ids,
            amount=said[0] if said and alike else None,
            choice_amounts=(
                (last.amount, item.amount)
                if len(ids) == 2
                and last.amount is not None
                and item.amount is not None
                and not alike
                and not (last.amount.needs_size or item.amount.needs_size)
                else ()
            ),
        )
    return read


def _each_own(last: _Item, joining: str, amount: _Amount | None, alike: bool) -> tuple[_Amount, ...]:
    """The choices' own amounts once `joining` is one more of them: each its own where they differ
    ("A 20 กิโล หรือ B 10 กิโล หรือ C 5 กิโล"), none where they agree (the one amount) or one is not
    said or must be sized (asked)."""
    if joining in last.choices or amount is None or amount.needs_size:
        return ()
    if last.choice_amounts:
        return (*last.choice_amounts, amount)
    if last.amount is None or alike or last.amount.needs_size:
        return ()
    return (*(last.amount for _ in last.choices), amount)


def _lines_joined(items: list[_Item], index: _Index) -> list[_Item]:
    """A name on one line and its amount alone on the next ("ปลาแห้ง⏎20 กิโล", "มีข้าวเหนียว⏎100 กก."):
    one item, as if written on one line. Only when the line before names goods (a catalogue name,
    or any words after มี/ต้องการ) and has no amount, and the amount's line names nothing: a name
    with an amount on the next line ("มีปลาเค็ม⏎กุ้งแห้ง 50 กิโล"), an amount after one that had its
    own, or after a greeting ("สวัสดีค่ะ⏎20 กิโล"), stays apart."""
    joined: list[_Item] = []
    for item in items:
        last = joined[-1] if joined else None
        if (
            last is not None
            and item.new_line
            and item.amount is not None
            and not item.words
            and last.amount is None
            and last.words
            and last.clause == item.clause
            and (last.kind is not None or _mentions_item(last.words, index))
        ):
            last.amount = item.amount
            last.each = last.each or item.each
            last.unclear = last.unclear or item.unclear
            continue
        joined.append(item)
    return joined


def _amounts_of_goods_asked(items: list[_Item], unlisted: set[int]) -> list[_Item]:
    """ "ใครมีข้าวสารบ้างคะ อยากได้ 50 กิโล": an amount alone, first in the clause right after a
    question that named goods without an amount, is an amount of those goods. Of several goods
    ("ใครมีข้าวสารกับน้ำปลาบ้าง อยากได้ 50 กิโล"), each is the clause's, its amount asked: whose
    are the 50 kg?"""
    read: list[_Item] = []
    for item in items:
        asked: list[_Item] = []
        first = all(i.clause != item.clause for i in read)
        if first and not item.words and item.amount is not None and item.clause not in unlisted:
            asked = [i for i in items if i.clause == item.clause - 1 and i.clause in unlisted and i.words]
        if not asked or any(i.amount is not None for i in asked):
            read.append(item)
            continue
        unclear = len(asked) > 1 and not item.each
        read += [
            msgspec.structs.replace(item, words=list(goods.words), separated=True, unclear=unclear)
            for goods in asked
        ]
    return read


def _asked_for(items: list[_Item], asked: dict[int, set[str]]) -> tuple[list[_Item], set[int]]:
    """The items of clauses that ask whether or who (`_WHETHER`) with goods and an amount, turned to
    the other kind: "ใครมีปลาเค็มบ้าง 30 กิโล" asks for the fish (a need), "ใครต้องการข้าวสาร 50
    กิโลบ้าง" offers the rice. With the clauses still no listing: those that ask something else,
    say no (ไม่มี), or name no goods with an amount ("มีข้าวสารไหม")."""
    turned = {
        clause
        for clause, words in asked.items()
        if words <= _WHETHER
        and any(i.clause == clause and i.kind is not None and i.words and i.amount for i in items)
    }
    read = [
        msgspec.structs.replace(item, kind="need" if item.kind == "offer" else "offer")
        if item.clause in turned and item.kind is not None
        else item
        for item in items
    ]
    return read, set(asked) - turned


def _without_remarks(items: list[_Item], index: _Index) -> list[_Item]:
    """The items without the words that name no item and have no amount ("ด่วน", "ที่ อ.ละงู" after an
    amount, "ลุง" before the kind word): remarks, not items. Words after "และ" or on a line of their
    own, or followed by such an item ("มีลางสาด และสะตอ 200 กิโล"), or that say a wish (`wish`:
    "ต้องการมันสำปะหลัง", "แลกมันสำปะหลัง" after goods given) are items, even unknown: asked."""
    kept: list[_Item] = []
    for position, item in enumerate(items):
        after = items[position + 1] if position + 1 < len(items) else None
        if (
            item.amount is not None
            or item.separated
            or (item.wish and item.words)
            or (after is not None and after.separated and after.clause == item.clause)
            or _mentions_item(item.words, index)
        ):
            kept.append(item)
    return kept


def _shared(items: list[_Item]) -> list[_Item]:
    """Items without amounts, then one with: "ปลาเค็ม และกุ้งแห้ง 200 กิโล". Whose are the 200?
    Every one's with "อย่างละ" (each); else nobody's until the sender says (marked `unclear`)."""
    for position, item in enumerate(items):
        if item.amount is None or not item.separated:
            continue
        run = [item]
        before = position - 1
        while before >= 0 and items[before].amount is None and items[before].clause == item.clause:
            run.append(items[before])
            if not items[before].separated:
                break
            before -= 1
        if len(run) > 1:
            for other in run:
                if item.each:
                    other.amount = item.amount
                else:
                    other.unclear = True
    return items


def _draft(
    kind: Kind | None,
    item: CatalogueEntry | None,
    guessed: bool,
    item_text: str,
    amount: _Amount | None,
    category: tuple[str, tuple[str, ...]] | None = None,
    *,
    choices: Sequence[CatalogueEntry] = (),
) -> Draft:
    """One draft line: of an item, or of a whole `category` (its id and its items' units) when no
    item is named ("ต้องการข้าว"): counted in the unit written, which must be one of its items',
    or, written without one, in the one they share (else which_unit); offered, which_item. Of
    goods written one or the other (`choices`): which_of, counted in their units as a category is."""
    problems: list[Problem] = []
    if kind is None:
        problems.append("no_kind")
    if choices:
        problems.append("which_of")
    elif item is None and category is None:
        problems.append("unknown_item")
    if item is not None:
        units: tuple[str, ...] = (item.unit,)
    elif choices:
        units = tuple(dict.fromkeys(c.unit for c in choices))
    else:
        units = () if category is None else category[1]
    if (
        amount is not None
        and amount.needs_size
        and item is not None
        and item.counted_th is not None
        and amount.unit_text == item.counted_th
    ):  # the item's own counting word, no container: "ไก่ย่าง 5 ตัว" is 5 pieces of it
        amount = _Amount(amount.quantity, "piece", amount.unit_text, needs_size=False)
    quantity = None if amount is None else amount.quantity
    unit = None if amount is None else amount.unit
    if amount is None:
        problems.append("no_quantity")
    elif amount.needs_size:
        problems.append("unit_needs_size")
    elif units:
        if unit is None and len(units) == 1:
            unit = units[0]  # type: ignore[assignment]  # "มีไข่ 300" counts in the item's own unit
        elif unit is None:
            problems.append("which_unit")  # "ต้องการปลา 20": kilos or litres?
        elif unit not in units:
            problems.append("unit_mismatch")
    category_id = None if item is not None or category is None else category[0]
    name = None
    if item is not None:
        name = item.name_th
    elif choices:
        name = " หรือ ".join(c.name_th for c in choices)
    elif category_id is not None:
        name = category_names_th().get(category_id, item_text)
    draft = Draft(
        kind=kind,
        item_id=None if item is None else item.id,
        item_name_th=name,
        item_text=item_text,
        category_id=category_id,
        guessed=guessed,
        quantity=quantity,
        unit=unit,
        unit_text=None if amount is None else amount.unit_text,
        choices=tuple(c.id for c in choices),
        problems=tuple(problems),
    )
    return _which_item_asked(draft)


def _listing(item: _Item, drafts: Sequence[Draft]) -> bool:
    """The item reads as meant for a listing, not as chatter: a name read for sure with มี/ต้องการ
    or an amount; a guessed name with an amount; unknown words, or none, with an amount in a unit
    of goods, a container or no unit ("มีลางสาด 100 กิโล", "ขอพริกไทย 5 กระปุก", "120"). Not an
    amount of something no goods are counted in: "มีประชุม 9 โมง", "ขอ 5 นาทีนะ", "มีเรือ 2 ลำ"."""
    amount = item.amount
    if any(
        (d.item_id is not None and not d.guessed) or d.category_id is not None or d.choices for d in drafts
    ):
        return item.kind is not None or amount is not None
    if amount is None:
        return False
    if any(d.item_id is not None for d in drafts):
        return True
    return amount.unit is not None or amount.unit_text is None or amount.unit_text in CONTAINERS


def _category(category: str, index: _Index) -> tuple[str, tuple[str, ...]]:
    """A category's id and the units its items come in, for `_draft`."""
    return category, tuple(dict.fromkeys(i.unit for i in index.in_category[category]))


def _which_item_asked(draft: Draft) -> Draft:
    """A category offered is asked which of its items (an offer is one item); needed, it is not."""
    asked = draft.category_id is not None and draft.kind == "offer"
    if asked == ("which_item" in draft.problems):
        return draft
    problems = tuple(p for p in draft.problems if p != "which_item")
    return msgspec.structs.replace(draft, problems=(*problems, "which_item") if asked else problems)


def _drafts_of(item: _Item, index: _Index) -> list[Draft]:
    """The draft lines of one item: several when its words name several catalogue items."""
    if item.choices:
        amount = None if item.unclear else item.amount
        amounts = tuple((a.quantity, a.unit, a.unit_text) for a in item.choice_amounts)
        return [
            msgspec.structs.replace(
                _draft(
                    item.kind,
                    None,
                    False,
                    "".join(item.words),
                    amount,
                    choices=[index.by_id[c] for c in item.choices],
                ),
                choice_amounts=amounts,
            )
        ]
    named = _names_in(item.words, index) if item.words else None
    if named is not None:
        named = _headings_dropped(named)
        if len(named) > 1:
            return _parts_drafts(item, named, index)
        if not isinstance(named[0][0], str):
            item = msgspec.structs.replace(item, words=[named[0][1]])  # "สมุนไพร ขมิ้นชัน": turmeric
    phrase = "".join(item.words)
    amount = None if item.unclear else item.amount
    category = _category_of(phrase, index)
    if category is not None:  # before a close spelling: "ข้าว" is no misspelt ข้าวขาว
        return [_draft(item.kind, None, False, phrase, amount, _category(category, index))]
    entry, guessed = _match_item(phrase, index)
    # "ปลาเค็ม ปลาหมึก กุ้งแห้ง": a line each, the squid asked which; "น้ำพริกปลา" is one name begun
    parts = _kinds_in(item.words, index) if named is None and entry is None and len(item.words) > 1 else None
    if parts is not None and len(parts) > 1:
        return _parts_drafts(item, parts, index)
    kinds = _kinds_named(phrase, index) if entry is None or guessed else ()
    if kinds:  # "น้ำพริก": which of the three, asked, not a guess at one
        return [_draft(item.kind, None, False, phrase, amount, choices=[index.by_id[k] for k in kinds])]
    return [_draft(item.kind, entry, guessed, phrase, amount)]


def _parts_drafts(
    item: _Item, parts: Sequence[tuple[CatalogueEntry | str | tuple[str, ...], str]], index: _Index
) -> list[Draft]:
    """A line for each of the goods one item's words name (_names_in, _kinds_in): an item, a
    category (its id) or a choice of items (their ids); the amount only if it is each one's."""
    amount = item.amount if item.each and not item.unclear else None
    return [
        _draft(item.kind, None, False, text, amount, choices=[index.by_id[k] for k in entry])
        if isinstance(entry, tuple)
        else _draft(item.kind, None, False, text, amount, _category(entry, index))
        if isinstance(entry, str)
        else _draft(item.kind, entry, False, text, amount)
        for entry, text in parts
    ]


def _sized_by_value(given: Draft, wanted: Draft, index: _Index) -> Draft:
    """A swap's wanted side without a quantity: as much as the given side is worth. A category
    wanted is sized by its cheapest item's reference value (`valued_as`): the most of it the given
    side is worth, the engine balancing each exchange by the value of the kind that comes; only
    when its items share one unit (else it is asked)."""
    if (
        wanted.quantity is not None
        or given.problems  # "มีน้ำผึ้ง 3 ขวด": what the given side is worth is not known yet
        or given.quantity is None
        or given.item_id is None
        or (wanted.item_id is None and wanted.category_id is None)
    ):
        return wanted
    value = given.quantity * index.by_id[given.item_id].reference_value
    valued_as: str | None = None
    if wanted.item_id is not None:
        item = index.by_id[wanted.item_id]
    else:
        kinds = index.in_category.get(wanted.category_id or "", ())
        if not kinds or len({k.unit for k in kinds}) != 1:
            return wanted  # "แลกปลา": kilos of dried fish or litres of fish sauce? asked
        item = min(kinds, key=lambda k: k.reference_value)
        valued_as = item.id
    if item.reference_value <= 0:
        return wanted
    return msgspec.structs.replace(
        wanted,
        quantity=round(value / item.reference_value, 1),
        unit=item.unit,
        quantity_from_value=True,
        valued_as=valued_as,
        problems=tuple(p for p in wanted.problems if p != "no_quantity"),
    )


class QuantityReading(msgspec.Struct, frozen=True):
    """A quantity as a community answers "how much arrived?": "120", "๑๒๐ กิโล", "ได้ร้อยยี่สิบ กก."."""

    quantity: float  # in the unit named (converted: 500 กรัม -> 0.5 kg), or as typed when none is
    unit: Unit | None  # the catalogue unit the text named, None when it named none
    condition: str | None  # "spoiled" or "short" when the text says so ("เสีย", "เน่า", "ขาด")
    # the quantity is what did not arrive usable ("เสียไป 10 กิโล"): what arrived is the rest
    lost: bool = False
    # the container or counting word it was said in, of no known size ("2 กระสอบ"): no quantity of
    # the goods' own unit, which is asked (`quantity` counts the containers)
    counted_in: str | None = None


# How the goods that did not arrive usable fared, as a receipt says it (receipt_text reads them too).
SPOILED_WORDS: tuple[str, ...] = ("เสีย", "เน่า", "ขึ้นรา", "แตก", "เปียกน้ำ", "เปียก", "น้ำเข้า")
SHORT_WORDS: tuple[str, ...] = ("ไม่ครบ", "ขาด", "หาย")


def read_quantity(text: str, catalogue: Sequence[CatalogueEntry]) -> QuantityReading | None:
    """The quantity in a short answer (Thai or Arabic digits, Thai number words, a unit), or None
    when the text holds no number."""
    index = _cached_index(catalogue)
    typed = normalise(text)
    if _MINUS.search(typed):  # "-120": no amount that arrived
        return None
    tokens = _tokens(typed, index)
    amount = next((found[0] for i in range(len(tokens)) if (found := _amount_at(tokens, i, index))), None)
    if amount is None or amount.quantity < 0:
        return None
    squashed = _squash(text)
    condition = (
        "spoiled"
        if any(w in squashed for w in SPOILED_WORDS)
        else "short"
        if any(w in squashed for w in SHORT_WORDS)
        else None
    )
    counted_in = amount.unit_text if amount.unit is None and amount.needs_size else None
    return QuantityReading(
        quantity=amount.quantity, unit=amount.unit, condition=condition, counted_in=counted_in
    )


_NUMBER_TEXT = r"\d+(?:\.\d+)?"
_CONTAINER_ALT = alternation(CONTAINERS)
_SIZE_UNIT_ALT = alternation(UNITS)
# A container's size in brackets after its count: "3 กระสอบ (กระสอบละ 50 กก)", "(50 กก./กระสอบ)",
# "(50 กก. ต่อกระสอบ)", "[ถุงละ 2 กิโล]": read as the same words written without them.
_BRACKETED_SIZE = re.compile(
    rf"(?P<count>{_NUMBER_TEXT})\s*(?P<box>{_CONTAINER_ALT})\s*[(\[]\s*(?:"
    rf"(?P=box)\s*ละ\s*(?P<size>{_NUMBER_TEXT})\s*(?P<unit>{_SIZE_UNIT_ALT})"
    rf"|(?P<size2>{_NUMBER_TEXT})\s*(?P<unit2>{_SIZE_UNIT_ALT})\s*(?:/|ต่อ|ละ)\s*(?P=box)"
    r")\s*[)\]]"
)
_BRACKETS = re.compile(r"[()\[\]{}]")  # any other: its words read as written, no "(" in a name


def _unbracketed(text: str) -> str:
    """The text with a container's size in brackets written plainly ("3 กระสอบ กระสอบละ 50 กก"),
    and every other bracket a space: what is in them reads as any words do (a remark, a describing
    word, goods), never as an item named "(50"."""

    def plain(match: re.Match[str]) -> str:
        size, unit = match["size"] or match["size2"], match["unit"] or match["unit2"]
        return f" {match['count']} {match['box']} {match['box']}ละ {size} {unit} "

    return _BRACKETS.sub(" ", _BRACKETED_SIZE.sub(plain, text))


def read_post(text: str, catalogue: Sequence[CatalogueEntry], today: date) -> Reading:
    """What a Thai message offers and needs, as drafts to confirm, one per item in the order
    written; no drafts when it is no post (chatter, a question, a price): nothing to answer."""
    index = _cached_index(catalogue)
    unmarked = _contacts_dropped(_LIST_MARK.sub("", text.replace(_LINE_MARK, "")), index)
    # A new line starts a new item (its name's amount may be alone on the next: _lines_joined).
    body = normalise(re.sub(r"[\r\n]+", f" , {_LINE_MARK} ", unmarked))
    body = _VARIETY.sub(" ", _ADDRESS.sub(" ", _PHONE.sub(" ", body)))
    body = _MINUS.sub(f" {_MINUS_MARK} ", normalise(_unbracketed(body)))
    dates = _find_dates(body, today)
    tokens: list[str] = []
    position = 0
    for number, ((start, end), _) in enumerate(dates):
        tokens += [*_tokens(body[position:start], index), f"{_DATE_MARK}{number}"]
        position = end
    tokens += _tokens(body[position:], index)
    reader = _Reader(index)
    read = _amounts_of_goods_asked(reader.read(tokens), set(reader.asked))
    read, unlisted = _asked_for(read, reader.asked)
    items = _without_remarks([i for i in read if i.clause not in unlisted], index)
    lines = [(item, _drafts_of(item, index)) for item in _shared(items)]
    if not any(_listing(item, drafts) for item, drafts in lines):
        return Reading(drafts=())  # chatter, a question, a price, a greeting: nothing to post
    # A date is its clause's; one written where no line is (before the kind word), every line's.
    # When goods can be sent ("ส่งได้ภายใน...") is the offer's (`_sending`).
    clauses = {item.clause for item, _ in lines}
    offered = sorted({item.clause for item, _ in lines if item.kind == "offer"})

    marks = [(_sending(at, dates[n][1], offered, clauses), dates[n][1]) for at, n in reader.dates]

    def written_for(item: _Item) -> list[_DateFound | _BadDate]:
        return [
            mark
            for at, mark in marks
            if (at == item.clause or at not in clauses)
            and (item.kind == "offer" or not (mark.sent and offered))  # not the wish's
        ]

    drafts = [
        _sided(outdated(_dated(draft, written_for(item)), today), reader.sides.get(item.clause))
        for item, item_drafts in lines
        for draft in item_drafts
    ]
    return Reading(drafts=_value_sized(_said_by_items(drafts, index), index))


# The words a post goes on with after a contact ("โทร 081... ต้องการลางสาด 50 กิโล"); not ขอ, หา or
# ให้, which a contact's own words hold ("ติดต่อขอเบอร์", "ติดต่อให้โทร").
_POST_WORDS = tuple(w for w in (*_OFFER_WORDS, *_NEED_WORDS, *_SWAP_WORDS) if w not in ("ขอ", "หา", "ให้"))


def _contacts_dropped(text: str, index: _Index) -> str:
    """The text without how to reach its poster (_CONTACT): a contact line below a wish was read as
    goods wanted, unknown ("ต้องการข้าวสาร 100 กิโล⏎โทร 0812345678": a need of "โทร"). A contact
    that names goods ("ติดต่อขอแลกข้าวสาร") is kept; one that goes on to post goods with an amount,
    even goods not known ("โทร 081... ต้องการลางสาด 50 กิโล"), keeps that post: read, never lost."""

    def dropped(match: re.Match[str]) -> str:
        said = _squash(normalise(match[0]))
        names = (*(name for name, _ in index.names), *index.categories)
        if any(name in said for name in names):
            return match[0]
        posts = [
            at
            for word in _POST_WORDS
            if (at := match[0].find(word)) >= 0 and re.search(r"\d", match[0][at:]) is not None
        ]
        return " " + match[0][min(posts) :] if posts else " "

    return _CONTACT.sub(dropped, text)


def _sending(at: int, mark: _DateFound | _BadDate, offered: Sequence[int], clauses: set[int]) -> int:
    """The clause a date is for, written in clause `at`: its own, but a day the goods can be sent
    ("ส่งได้ภายในสิ้นเดือนนี้", "พร้อมส่ง 15 ม.ค.") written after a wish ("มีปลาเค็ม 50 กิโล แลกข้าว
    ส่งได้ภายใน...") is the goods given's, the offer's before it (or the first one after), not the
    wish's: a wish's last day is said "ต้องการภายใน...", "ใช้ภายใน...". With no offer in the message,
    the need's ("ต้องการข้าวสาร 50 กก. ส่งได้ถึง 20 ม.ค.": it may be sent until then)."""
    if not mark.sent or not offered or at in offered or at not in clauses:
        return at
    return max((c for c in offered if c < at), default=offered[0])


def _said_by_items(drafts: Sequence[Draft], index: _Index) -> list[Draft]:
    """The drafts without a category offered with no amount where an item of it is offered too
    ("เอาปลาแลกข้าวค่ะ มีปลาแห้ง 30 กิโล"): the item says which, and how much."""
    offered = {index.by_id[d.item_id].category_id for d in drafts if d.kind == "offer" and d.item_id}
    return [
        d
        for d in drafts
        if not (d.kind == "offer" and d.category_id in offered and d.quantity is None and d.item_id is None)
    ]


def sized_once_chosen(drafts: Sequence[Draft], draft: Draft, catalogue: Sequence[CatalogueEntry]) -> bool:
    """`draft`, of no quantity, gets one by value once the sender picks which goods a line is of
    (item_chosen): a swap whose given or wanted side was written one or the other, or by a word
    that begins several goods' names. Its amount is not asked."""
    at = next((n for n, d in enumerate(drafts) if d is draft), None)
    line = next((n for n, d in enumerate(drafts) if d.choices), None)
    if at is None or line is None or draft.quantity is not None:
        return False
    picked = item_chosen(drafts, line, drafts[line].choices[0], catalogue)
    return picked[at].quantity is not None


def _value_sized(drafts: Sequence[Draft], index: _Index) -> tuple[Draft, ...]:
    """One thing for another ("แลกกุ้งแห้ง 20 กิโล กับข้าวเหนียว"): the wanted side without a
    quantity is as much as the given side is worth."""
    offers = [d for d in drafts if d.kind == "offer"]
    needs = [d for d in drafts if d.kind == "need"]
    if len(offers) == 1 and len(needs) == 1:
        sized = _sized_by_value(offers[0], needs[0], index)
        return tuple(sized if d is needs[0] else d for d in drafts)
    return tuple(drafts)


def _sided(draft: Draft, side: Side | None) -> Draft:
    """A line of a swap not said which way: no kind yet, and the question which side is given."""
    if side is None:
        return draft
    return msgspec.structs.replace(draft, kind=None, side=side, problems=("swap_sides", *draft.problems))


def sides_chosen(
    drafts: Sequence[Draft], *, first_given: bool, catalogue: Sequence[CatalogueEntry]
) -> tuple[Draft, ...]:
    """The drafts of a swap not said which way, once the sender says which side they give: read
    as "แลก <given> กับ <wanted>" would be (the wanted side sized by value when it has no quantity)."""
    chosen = [
        _which_item_asked(
            msgspec.structs.replace(
                d,
                kind="offer" if (d.side == "first") == first_given else "need",
                side=None,
                problems=tuple(p for p in d.problems if p != "swap_sides"),
            )
        )
        if d.side is not None
        else d
        for d in drafts
    ]
    return _value_sized(chosen, _cached_index(catalogue))


def _dated(draft: Draft, marks: Sequence[_DateFound | _BadDate]) -> Draft:
    """The draft with its dates: a need's last day (or its only one), an offer's first and last;
    a day that does not exist is a question to ask (bad_date), never dropped."""
    firsts = [m.day for m in marks if isinstance(m, _DateFound) and m.starts]
    lasts = [m.day for m in marks if isinstance(m, _DateFound) and not m.starts]
    bad = [m.text for m in marks if isinstance(m, _BadDate)]
    changes: dict[str, object] = {}
    if draft.kind == "need":
        if lasts or firsts:
            changes["needed_by"] = (lasts or firsts)[0]
    else:
        if firsts:
            changes["available_from"] = firsts[0]
        if lasts:
            changes["available_until"] = lasts[0]
    if bad:
        changes["problems"] = (*draft.problems, "bad_date")
        changes["date_text"] = bad[0]
    return msgspec.structs.replace(draft, **changes) if changes else draft


def kind_chosen(draft: Draft, kind: Kind) -> Draft:
    """The draft of no kind once its sender says offer or need. Its dates were read as an offer's
    (a first and a last day); a need has one, its last day (or its only one), as `_dated` reads it."""
    if draft.kind is not None:
        return draft
    problems = tuple(p for p in draft.problems if p != "no_kind")
    if kind == "offer":
        return _which_item_asked(msgspec.structs.replace(draft, kind=kind, problems=problems))
    return msgspec.structs.replace(
        draft,
        kind=kind,
        problems=problems,
        needed_by=draft.needed_by or draft.available_until or draft.available_from,
        available_from=None,
        available_until=None,
    )


def item_chosen(
    drafts: Sequence[Draft], line: int, item_id: str, catalogue: Sequence[CatalogueEntry]
) -> tuple[Draft, ...]:
    """The drafts once the sender picks which of the goods written one or the other line `line`
    is of (which_of): counted in the unit written if it is the item's (else unit_mismatch), or in
    the item's own when none was; a swap's other side without a quantity then sized by value.
    Unchanged when the line offers no such choice."""
    index = _cached_index(catalogue)
    draft = drafts[line] if 0 <= line < len(drafts) else None
    if draft is None or item_id not in draft.choices:
        return tuple(drafts)
    entry = index.by_id[item_id]
    problems = [p for p in draft.problems if p not in ("which_of", "which_unit", "unit_mismatch")]
    if draft.choice_amounts:  # "ปลาเค็ม 20 กิโล หรือปลาแห้ง 10 กิโล": the amount written with it
        quantity, unit_of, written = draft.choice_amounts[draft.choices.index(item_id)]
        problems = [p for p in problems if p != "no_quantity"]
        draft = msgspec.structs.replace(draft, quantity=quantity, unit=unit_of, unit_text=written)
    unit = draft.unit
    if draft.quantity is not None and unit is None and "unit_needs_size" not in problems:
        unit = entry.unit  # type: ignore[assignment]  # "ต้องการน้ำปลาหรือปลาร้า 20": in the one picked
    elif unit is not None and unit != entry.unit:
        problems.append("unit_mismatch")
    chosen = msgspec.structs.replace(
        draft,
        item_id=entry.id,
        item_name_th=entry.name_th,
        item_text=entry.name_th,
        unit=unit,
        choices=(),
        choice_amounts=(),
        problems=tuple(problems),
    )
    return _value_sized([chosen if n == line else d for n, d in enumerate(drafts)], index)


def outdated(draft: Draft, today: date) -> Draft:
    """The draft, with the question past_date when its last day (a need's needed_by, an offer's
    available_until) is before `today`: on reading, and again on confirming (a draft confirmed
    after its day passed is asked about, never posted). A first day may be past."""
    last = draft.needed_by if draft.kind == "need" else draft.available_until
    if last is None or last >= today or "past_date" in draft.problems:
        return draft
    return msgspec.structs.replace(draft, problems=(*draft.problems, "past_date"))


EXAMPLE_TH = (
    "ลองพิมพ์แบบนี้นะคะ:\n• มีปลาเค็ม 200 กิโล\n• ต้องการข้าวสาร 50 กก. ภายในเดือนหน้า\n• แลกกุ้งแห้ง 20 กิโล กับข้าวเหนียว"
)
