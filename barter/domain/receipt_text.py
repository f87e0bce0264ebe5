"""What a community types about goods sent to it: "ได้รับแล้วค่ะ", "ได้มา ๑๒๐ กิโล", "ที่เหลือเสีย",
"ไม่ได้รับเลย". Pure, no I/O.

Receipts are told in group chats where people talk about everything else too, so a message is
read only when the whole of it has one of these shapes, word for word: "พรุ่งนี้ประชุม 10 โมงนะ"
holds a number but is no amount of goods (โมง is an hour), and "ราคา 200 บาท" is a price. The
quantity itself is then read by thai_text.read_quantity, as a listing's is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from pythainlp.util import thaiword_to_num

from barter.domain.courtesy import PARTICLES, THANKS, alternation
from barter.domain.thai_text import CONTAINERS, SHORT_WORDS, SPOILED_WORDS, UNITS, CatalogueEntry, normalise

Said = Literal["all", "arrived", "nothing", "not_yet", "amount", "condition"]
Condition = Literal["short", "spoiled"]

# Nothing came: a shortfall of all (asked how much arrived), or of the rest (asked what became of it).
NOTHING_WORDS: tuple[str, ...] = ("ไม่ได้รับ", "ไม่ได้ของ", "ไม่ได้", "ไม่มี", "ไม่มา", "ไม่ถึง")
# Not yet: the goods are still on their way ("ยังไม่ถึงค่ะ", "ยังไม่ได้รับ"), which is no shortfall.
NOT_YET = "ยังไม่"
_ALL_WORDS = ("ครบ", "ทั้งหมด", "ทุกอย่าง")
_DONE_WORDS = ("แล้ว", "เรียบร้อย")
# Words said around a receipt that change nothing in it.
_AROUND = (
    "ได้", "รับ", "มา", "ของ", "ถึง", "แค่", "มี", "ใช้", "ที่", "ส่วน", "เหลือ", "อีก", "ก็", "มัน",
    "เรา", "ทาง", "หมด", "ไป", "บางส่วน", "ระหว่างทาง", "เท่านั้น", "ประมาณ", "ราว", "ๆ", "เลย",
    "เพียง", "ทุก", "อย่าง", "ไม่", "แต่",
)  # fmt: skip
_RECEIVED = re.compile(r"ได้รับ|ได้ของ|รับของ|ของ(?:มา)?ถึง")
_PUNCTUATION = r"[\s.,!~?]"
_LONGEST = 80  # characters: a longer message is a story, not an answer


@dataclass(frozen=True, slots=True)
class ReceiptWords:
    """What a message says about a receipt: all of it arrived, it arrived (how much unsaid),
    nothing arrived, not yet (still on its way: nothing to record), an amount (with how the rest
    fared, if said), or only how the rest fared.
    `received`: the words themselves say goods were received (ได้รับ, ได้ของ, ของถึง), which a
    bare number or "ครบแล้ว" does not.
    `lost`: the amount is what did not arrive usable, said after how it fared ("ได้รับแล้ว แต่เสียไป
    10 กิโล", "ขาดไป 5 กิโล"), not what arrived."""

    said: Said
    condition: Condition | None = None
    received: bool = False
    lost: bool = False


def _only(words: Iterable[str]) -> re.Pattern[str]:
    """A text made of these words alone, in any order, with spaces and punctuation between."""
    return re.compile(rf"^(?:{_PUNCTUATION}*(?:{alternation(words)}))*{_PUNCTUATION}*$")


_CONDITION_WORDS = (*SPOILED_WORDS, *SHORT_WORDS, *NOTHING_WORDS)
_SENTENCE = _only((*_AROUND, *_ALL_WORDS, *_DONE_WORDS, *_CONDITION_WORDS, *PARTICLES, "ยัง"))
# before the number, politeness too: "ข้าวถึงแล้วนะคะ 148 กิโล"
_LEAD = re.compile(
    rf"^(?:{_PUNCTUATION}*(?:{alternation((*_AROUND, *_DONE_WORDS, *_ALL_WORDS, *PARTICLES))}))*"
)
_AFTER_WORDS = (*_AROUND, *_DONE_WORDS, *_ALL_WORDS, *_CONDITION_WORDS, *PARTICLES)
# a unit, or a container or counting word ("2 กระสอบ"): read, to be told the goods' own unit is asked
_AFTER_NUMBER = re.compile(
    rf"^{_PUNCTUATION}*(?:{alternation((*UNITS, *CONTAINERS))})?"
    rf"(?:{_PUNCTUATION}*(?:{alternation(_AFTER_WORDS)}))*{_PUNCTUATION}*$"
)
_DIGITS = re.compile(r"^\d+(?:\.\d+)?")


def _condition(text: str) -> Condition | None:
    if any(w in text for w in SPOILED_WORDS):
        return "spoiled"
    if any(w in text for w in (*SHORT_WORDS, *NOTHING_WORDS)):
        return "short"
    return None


def _numeral(text: str) -> bool:
    if text == "ครึ่ง":
        return True
    try:
        thaiword_to_num(text)
    except ValueError:
        return False
    return True


def _number_ends(text: str) -> list[int]:
    """Where a number at the start of `text` may end, longest first: digits ("120", "1.5", with
    Thai number words after them: "2 พัน"), or Thai number words alone ("ร้อยยี่สิบ")."""
    digits = _DIGITS.match(text)
    start = 0 if digits is None else digits.end()
    rest = text[start:].lstrip() if digits is not None else text
    skipped = len(text) - start - len(rest)
    words = [start + skipped + i for i in range(len(rest), 0, -1) if _numeral(rest[:i])]
    return words + ([start] if digits is not None else [])


def _amount(text: str) -> ReceiptWords | None:
    """Words around one number ("ได้มา 120 กิโล ที่เหลือเสีย"), with its unit if one is named."""
    lead = _LEAD.match(text)
    assert lead is not None  # it matches the empty start at least
    rest = text[lead.end() :].lstrip()
    for end in _number_ends(rest):
        if _AFTER_NUMBER.match(rest[end:]):
            words = text[: lead.end()] + rest[end:]
            return ReceiptWords("amount", _condition(words), _RECEIVED.search(text) is not None)
    return None


# How goods fared, said right before an amount: that amount is what was lost ("เสียไป 10 กิโล").
_LOST_WORD = re.compile(rf"(?:{alternation((*SPOILED_WORDS, *SHORT_WORDS))})(?:ไป)?")


def _lost(text: str) -> ReceiptWords | None:
    """An amount lost, after words that hold no number ("ได้รับแล้วค่ะ แต่เสียไป 10 กิโล", "หายไป 2
    กิโลค่ะ"): the amount that arrived is the rest of what was sent. After a receipt's words, the
    goods may be named first ("ได้รับแล้วค่ะ ปลาเน่าไป 2 กิโล", "ได้รับแล้วค่ะปลาเน่าไป 2 กิโล")."""
    for word in _LOST_WORD.finditer(text):
        before, after = text[: word.start()], text[word.end() :]
        if before.strip() and not _SENTENCE.match(before) and not _goods_named_last(before.rstrip()):
            continue
        if NOT_YET in before or any(w in before for w in NOTHING_WORDS):
            return None
        amount = _amount(after.lstrip())
        if amount is None:
            continue
        # how that amount fared is the word right before it ("ได้ไม่ครบ เสียไป 10 กิโล": spoiled)
        return ReceiptWords("amount", _condition(word[0]), _RECEIVED.search(before) is not None, lost=True)
    return None


_GOODS_WORD = re.compile(r"(?:แต่)?[\u0E01-\u0E2E\u0E30-\u0E4C]{2,20}")  # Thai letters only, no digits


def _goods_named_last(text: str) -> bool:
    """A receipt's words, then a word that names the goods (Thai letters, spaced or not): "ได้รับ
    แล้วค่ะ ปลา", "ของถึงแล้วแต่ข้าว"."""
    for split in range(len(text) - 2, 0, -1):
        head, named = text[:split], text[split:].strip()
        if _GOODS_WORD.fullmatch(named) and _RECEIVED.search(head) and _SENTENCE.match(head):
            return True
    return False


def _amount_or_lost(text: str) -> ReceiptWords | None:
    return _amount(text) or _lost(text)


def read_receipt_words(text: str) -> ReceiptWords | None:
    """What the message says about a receipt, or None when it is anything else."""
    body = normalise(text)
    if not body or len(body) > _LONGEST:
        return None
    if _SENTENCE.match(body):
        if NOT_YET in body:
            return ReceiptWords("not_yet")
        if any(w in body for w in NOTHING_WORDS):
            return ReceiptWords("nothing", "short")
        received = _RECEIVED.search(body) is not None
        if any(w in body for w in _CONDITION_WORDS):
            return ReceiptWords("condition", _condition(body), received)
        if "ไม่" in body:
            return None
        if any(w in body for w in _ALL_WORDS):
            return ReceiptWords("all", None, received)
        if received and any(w in body for w in _DONE_WORDS):
            return ReceiptWords("arrived", None, True)
        return None
    return _amount_or_lost(body)


# A receipt stated as a sentence that may name the goods: "ได้รับข้าวหอมมะลิแล้ว 148 กิโล",
# "ได้ของครบแล้วค่ะ 🙏", "รับแล้วค่ะ", "ข้าวมาถึงแล้วค่ะ". What follows it is an amount, or only
# politeness ("ขอบคุณค่ะ", an emoji): anything else makes the message something else.
_STATED = re.compile(
    r"^(?P<verb>ได้รับ|ได้|รับ)(?P<goods>[^\d\s]*?)\s*(?P<all>ครบ(?:ทั้งหมด)?)?\s*(?:แล้ว|เรียบร้อย(?:แล้ว)?)(?P<rest>.*)$"
)
_ARRIVED = re.compile(r"^(?P<goods>[^\d\s]+?)\s*(?:มา)?ถึง(?P<all>ครบ)?\s*แล้ว(?P<rest>.*)$")
# The amount said before แล้ว: "ได้รับข้าวสาร 50 กิโลเรียบร้อยค่ะ", "ได้ปลาเค็ม 20 กิโลแล้ว".
_AMOUNT_STATED = re.compile(
    r"^(?P<verb>ได้รับ|ได้|รับ)(?P<goods>[^\d\s]+?)\s*(?P<amount>\d[^\s]*(?:\s*[^\d\s]+?)?)"
    r"\s*(?:แล้ว|เรียบร้อย(?:แล้ว)?)(?P<rest>.*)$"
)
# Politeness after a receipt, and thanks to whomever ("ขอบคุณทีมงานค่ะ", "ขอบคุณทุกคนนะคะ"): no
# number, nor a word about goods that did not come after the thanks.
_THANKING = ("ขอบพระคุณ", "ขอบคุณ", "ขอบใจ")
_COURTESY = re.compile(
    rf"^(?:[^\u0E00-\u0E7Fa-zA-Z0-9]|{alternation((*PARTICLES, *THANKS))})*"
    rf"(?:(?:{alternation(_THANKING)})(?!.*(?:{alternation((*_CONDITION_WORDS, 'ไม่'))}))[^\d]{{0,40}})?$"
)
_GENERIC = "ของ"  # "ได้รับของแล้ว": the goods, whichever they are


@dataclass(frozen=True, slots=True)
class ReceiptStatement:
    """A receipt said as a sentence: what it says (all, arrived, or an amount in `amount_text`),
    and the goods it names (None for ของ, or none named)."""

    words: ReceiptWords
    goods: str | None
    amount_text: str = ""


def names_goods(goods: str, names: Iterable[str]) -> bool:
    """The goods as typed are one of these names: the same, or the short of it ("ข้าว" of
    ข้าวหอมมะลิ)."""
    return any(n.startswith(goods) or goods.startswith(n) for n in names if n)


def _goods(typed: str, catalogue: Sequence[CatalogueEntry]) -> str | Literal[False] | None:
    """The goods a statement names: None for none or ของ, False when the words are not goods
    ("ได้เวลาแล้ว": it is time)."""
    if not typed or typed.startswith(_GENERIC):
        return None
    if len(typed) < 2 or not any(names_goods(typed, (e.name_th, *e.synonyms_th)) for e in catalogue):
        return False
    return typed


def _amount_stated(body: str, catalogue: Sequence[CatalogueEntry]) -> ReceiptStatement | None:
    """Goods named, then their amount, then แล้ว, then only politeness: "ได้รับข้าวสาร 50 กิโล
    เรียบร้อยค่ะ"."""
    match = _AMOUNT_STATED.match(body)
    if match is None or not _COURTESY.match(match["rest"].strip()):
        return None
    goods = _goods(match["goods"].strip(), catalogue)
    amount = _amount(match["amount"])
    if goods is False or amount is None:
        return None
    return ReceiptStatement(ReceiptWords("amount", None, received=True), goods, match["amount"])


def read_receipt_statement(text: str, catalogue: Sequence[CatalogueEntry]) -> ReceiptStatement | None:
    """A receipt said as a sentence that may name the goods, or None when the message is not one."""
    body = normalise(text)
    if not body or len(body) > _LONGEST:
        return None
    match = _STATED.match(body)
    if match is None:
        match = _ARRIVED.match(body)
        if match is None or not match["goods"].strip():
            return _amount_stated(body, catalogue)
    typed = match["goods"].strip()
    if match.groupdict().get("verb") == "ได้" and not typed:  # "ได้แล้ว" is "done", not goods
        return None
    goods = _goods(typed, catalogue)
    if goods is False:
        return None
    rest = match["rest"].strip()
    if _COURTESY.match(rest):
        said: Said = "all" if match["all"] else "arrived"
        return ReceiptStatement(ReceiptWords(said, None, received=True), goods)
    amount = _amount_or_lost(rest)
    if amount is None or amount.said != "amount":
        return None
    return ReceiptStatement(
        ReceiptWords("amount", amount.condition, received=True, lost=amount.lost), goods, rest
    )
