"""What the bot says, in Thai first with short English, and the buttons it offers (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from barter.channels.line.messages import (
    MAX_LABEL,
    Message,
    QuickReplyItem,
    TextMessage,
    button,
    mentioning,
    text,
)
from barter.domain import thaidate
from barter.domain.numbers import figure
from barter.domain.proposals import STATUS_WORDS
from barter.domain.refusals import PROBLEMS, Words
from barter.domain.thai_text import (
    CATEGORY_WORDS,
    EXAMPLE_TH,
    OR_WORD,
    CatalogueEntry,
    Draft,
    Problem,
    QuantityReading,
    sized_once_chosen,
)
from barter.domain.units import SIZE_WORDS, SPOKEN, UNIT_NAMES, english_unit, thai_unit, thai_unit_for

if TYPE_CHECKING:
    from barter.services.existing import TransferOut
    from barter.services.line import Awaited, Receipt, ReceiptAnswer

# Decline reasons offered as buttons: (code, Thai label, text recorded as the reason)
DECLINE_REASONS: tuple[tuple[str, str, str], ...] = (
    ("far", "ไกลเกินไป", "ไกลเกินไป (too far)"),
    ("value", "มูลค่าไม่เหมาะ", "มูลค่าไม่เหมาะสม (values not fair)"),
    ("stock", "ของไม่พอแล้ว", "ของไม่พอแล้ว (no longer have enough)"),
    ("noneed", "ไม่ต้องการแล้ว", "ไม่ต้องการแล้ว (no longer needed)"),
    ("time", "ช่วงเวลาไม่สะดวก", "ช่วงเวลาไม่สะดวก (timing does not suit)"),
)


def thai_date(day: date) -> str:
    """Buddhist-era date as Thai people write it: 31 ม.ค. 2570."""
    return thaidate.thai_short(day)


def any_kind(category_name: str) -> str:
    """A need of a whole category as the bot says it: "ข้าว (ชนิดใดก็ได้)"."""
    return f"{category_name} (ชนิดใดก็ได้)"


def _unit_said(draft: Draft) -> str:
    """The draft's unit as a line says it: an item's own counting word (ผ้าไหม 10 ผืน); for goods not
    known, or weighed goods counted ("มะนาว 500 ลูก", asked in kg), the counting word typed ("ผ้าทอ 10
    ผืน", not "10 ชิ้น") and eggs by the tray in ฟอง."""
    if draft.unit not in UNIT_NAMES:
        return draft.unit_text or ""
    typed = SPOKEN.get(draft.unit_text or "")
    not_its_own = (draft.item_id is None and draft.category_id is None) or "unit_mismatch" in draft.problems
    if draft.unit == "piece" and not_its_own and typed is not None:
        if typed == "piece":
            return draft.unit_text or ""
        if typed == "egg_tray":
            return "ฟอง"
    return thai_unit_for(draft.unit, draft.item_id)


def _line(draft: Draft, names: dict[str, str]) -> str:
    verb = {"offer": "มี", "need": "ต้องการ", None: "?"}[draft.kind]
    if draft.category_id is not None:  # needed: any of it; offered or not said: as written, asked
        item = any_kind(draft.item_name_th or draft.item_text) if draft.kind == "need" else draft.item_text
    elif draft.choices and OR_WORD not in draft.item_text:  # "น้ำพริก": which kind is asked
        item = f"{draft.item_text} (แบบไหน?)"
    elif draft.choice_amounts:  # "ปลาเค็ม 20 กก. หรือ ปลาแห้ง 10 กก.": each with its own amount
        item = " หรือ ".join(
            f"{names.get(c, c)} {figure(q)} {thai_unit_for(u, c) if u in UNIT_NAMES else t or ''}".rstrip()
            for c, (q, u, t) in zip(draft.choices, draft.choice_amounts, strict=True)
        )
    elif draft.item_name_th:
        item = draft.item_name_th
    elif draft.item_text:
        item = f"“{draft.item_text}” (ไม่รู้จัก)"
    else:
        item = "(ไม่ทราบว่าสินค้าอะไร)"
    if draft.guessed:
        item += " (เดาจากคำที่พิมพ์)"
    if draft.choice_amounts:  # said beside each choice
        qty, unit = "", ""
    else:
        qty = "? " if draft.quantity is None else f"{figure(draft.quantity)} "
        unit = _unit_said(draft)
    parts = [f"• {verb} {item} {qty}{unit}".rstrip()]
    if draft.quantity_from_value and draft.valued_as is not None:
        cheapest = names.get(draft.valued_as, draft.valued_as)
        parts.append(
            f"  (คิดจากมูลค่าเท่ากันโดยประมาณ ตามราคาอ้างอิงของ{cheapest} ซึ่งถูกที่สุดในหมวดนี้"
            " ถ้าได้ชนิดที่ราคาสูงกว่า จำนวนจะน้อยกว่านี้)"
        )
    elif draft.quantity_from_value:
        parts.append("  (คิดจากมูลค่าเท่ากัน)")
    if draft.needed_by:
        parts.append(f"  ภายใน {thai_date(draft.needed_by)}")
    if draft.available_from:
        parts.append(f"  พร้อมส่งตั้งแต่ {thai_date(draft.available_from)}")
    if draft.available_until:
        parts.append(f"  ส่งได้ถึง {thai_date(draft.available_until)}")
    return "\n".join(parts)


_QUESTIONS = {
    "no_kind": "มีของนี้ให้ หรือ ต้องการของนี้คะ? (offer or need?)",
    "unknown_item": "ยังไม่รู้จักสินค้านี้ ลองพิมพ์ชื่ออื่น เช่น ปลาเค็ม ข้าวสาร กุ้งแห้ง (unknown item)",
    "no_quantity": (
        "จำนวนเท่าไรคะ? ถ้ามีหลายอย่าง บอกจำนวนของแต่ละอย่าง เช่น ปลาเค็ม 200 กิโล กุ้งแห้ง 50 กิโล (how much of each?)"
    ),
    "unit_mismatch": "หน่วยไม่ตรงกับสินค้านี้ ลองใช้ กก. ลิตร หรือ ชิ้น (unit does not fit the item)",
    "unit_needs_size": "ขนาดเท่าไรคะ? เช่น 10 ถุง ถุงละ 5 กิโล (size of each bag?)",
    "bad_date": "วันที่นี้ไม่มีในปฏิทินค่ะ พิมพ์วันใหม่ เช่น ภายใน 15 ม.ค. (no such date)",
    "past_date": f"{PROBLEMS['in_the_past'].th} พิมพ์วันใหม่ได้เลยค่ะ ({PROBLEMS['in_the_past'].en})",
    "swap_sides": "ชุมชนมีอะไรให้ และต้องการอะไรคะ? (which side do you give?)",
    "which_item": "ของที่มีให้เป็นชนิดไหนคะ? พิมพ์ชื่อสินค้า เช่น ข้าวขาว ปลาเค็ม (which kind?)",
    "which_unit": "นับเป็นหน่วยอะไรคะ? เช่น กิโล หรือ ลิตร (which unit?)",
    "which_of": "อย่างไหนคะ? กดเลือกได้เลย (which one?)",
}
# Goods not in the catalogue whose name was kept for the community's coordinators (unknown_goods):
# said so, for them to add, rather than asked for another name.
NOTED = (
    "ยังไม่มีสินค้านี้ในรายการค่ะ ผู้ประสานงานจะเห็นชื่อนี้และเพิ่มให้ได้"
    " (not listed yet: your coordinator will see this name and can add it)"
)
# After a button tapped on a draft (offer or need, which side, ยืนยัน): the tap changed what it
# could, and what is left is changed only by the whole message sent again (a name typed alone is
# read as a new post), or, for goods kept for the coordinators, once they have added them.
NOTED_TAPPED = (
    "ยังไม่มีสินค้านี้ในรายการค่ะ ผู้ประสานงานจะเห็นชื่อนี้และเพิ่มให้ได้ เมื่อเพิ่มแล้ว ส่งข้อความนี้มาอีกครั้งนะคะ"
    " (not listed yet: your coordinator will see this name and can add it;"
    " once added, send this message again)"
)
UNKNOWN_TAPPED = (
    "ยังไม่รู้จักสินค้านี้ค่ะ ถ้ามีชื่อเรียกอื่น ลองใช้ชื่อนั้นแทน เช่น ปลาเค็ม ข้าวสาร กุ้งแห้ง"
    " (unknown item: if it goes by another name, use that one)"
)
RESEND = (
    "ยังลงประกาศไม่ได้ค่ะ แก้แล้วพิมพ์ส่งมาใหม่ทั้งข้อความได้เลย (not posted yet: send the whole message again, corrected)"
)


def _which_item(draft: Draft, catalogue: Sequence[CatalogueEntry]) -> str:
    """A category offered: which of its items, in the sender's word ("ข้าวอะไรคะ? เช่น ข้าวหอมมะลิ
    ข้าวขาว ข้าวเหนียว"), its items named by that word first."""
    items = [i for i in catalogue if i.category_id == draft.category_id]
    if not items:
        return _QUESTIONS["which_item"]
    word = next(
        (w for w in sorted(CATEGORY_WORDS, key=len, reverse=True) if draft.item_text.startswith(w)),
        draft.item_name_th or draft.item_text,
    )
    named = sorted(items, key=lambda i: word not in i.name_th)  # stable: catalogue order within
    examples = " ".join(i.name_th for i in named[:4])
    return f"{word}อะไรคะ? เช่น {examples} (which kind? an offer is one kind of goods)"


def _which_of(draft: Draft, names: dict[str, str]) -> str:
    """Goods written one or the other: which, a listing being of one kind of goods; both said
    apart if both would do (as two listings, both may come). A word that begins several goods'
    names ("น้ำพริก"): which kind."""
    picks = [names.get(c, c) for c in draft.choices]
    if len(picks) < 2:
        return _QUESTIONS["which_of"]
    if OR_WORD not in draft.item_text:
        return f"{draft.item_text}แบบไหนคะ? {' '.join(picks)} กดเลือกได้เลย (which kind?)"
    verb = {"offer": "มี", "need": "ต้องการ", None: ""}[draft.kind]
    if draft.choice_amounts:  # each written with its own: the example says them so
        said = [
            f"{p} {figure(q)} {t or ''}".rstrip()
            for p, (q, _, t) in zip(picks, draft.choice_amounts, strict=True)
        ]
        both = f"เช่น {verb}{' '.join(said)}"
    elif draft.quantity is None:
        both = "พร้อมจำนวนของแต่ละอย่าง"
    else:
        amount = f" {figure(draft.quantity)} {draft.unit_text or ''}".rstrip()
        both = "เช่น " + verb + " ".join(f"{p}{amount}" for p in picks)
    return (
        f"{verb}{' หรือ '.join(picks)} อย่างไหนคะ? กดเลือกได้เลย ประกาศหนึ่งรายการเป็นของอย่างเดียว"
        f" ถ้า{verb or 'ได้'}{'ทั้งสองอย่าง' if len(picks) == 2 else 'หลายอย่าง'} พิมพ์แยกกัน {both}"
        " (which one? a listing is of one kind of goods; if more than one, list each)"
    )


def _which_unit(draft: Draft, catalogue: Sequence[CatalogueEntry]) -> str:
    """A category needed in a number with no unit, its items counted in several: which unit."""
    units = dict.fromkeys(i.unit for i in catalogue if i.category_id == draft.category_id)
    said = [SIZE_WORDS.get(u, thai_unit(u)) for u in units]
    if draft.quantity is None or len(said) < 2:
        return _QUESTIONS["which_unit"]
    amount = figure(draft.quantity)
    examples = " หรือ ".join(f"{amount} {word}" for word in said)
    return f"{amount} อะไรคะ? เช่น {examples} (which unit?)"


def _unit_mismatch(draft: Draft, units: dict[str, str]) -> str:
    """The unit the draft's item is counted in, by its own counting word (ไข่ไก่นับเป็น ฟอง): the
    sender used another."""
    if draft.item_id not in units:
        return _QUESTIONS["unit_mismatch"]
    unit = units[draft.item_id]
    english = english_unit(unit)
    said = f"หน่วยไม่ตรงกับสินค้านี้: {draft.item_name_th}นับเป็น {thai_unit_for(unit, draft.item_id)} ค่ะ"
    return f"{said} (this item is counted in {english})"


# What one container usually holds, for the example of the size question: a sack of rice is no
# "2 กิโล", a bottle no "2 ลิตร" (the example said 2 of every container).
_TYPICAL_SIZE = {
    ("กระสอบ", "กิโล"): 50, ("ลัง", "กิโล"): 10, ("ถัง", "กิโล"): 20, ("ปี๊บ", "กิโล"): 15, ("เข่ง", "กิโล"): 20,
    ("ขวด", "ลิตร"): 1, ("แกลลอน", "ลิตร"): 5, ("ถัง", "ลิตร"): 20, ("ถุง", "ฟอง"): 10, ("ลัง", "ฟอง"): 30,
}  # fmt: skip


def _question(
    problem: Problem,
    draft: Draft,
    units: dict[str, str],
    *,
    short: bool = False,
    catalogue: Sequence[CatalogueEntry] = (),
    noted: frozenset[str] = frozenset(),
    tapped: bool = False,
) -> str:
    """The question about one problem of one line, in the words the sender used (`short`: under
    its line among several, the example given once below them; `noted`: goods' words kept for the
    coordinators, said so; `tapped`: after a button, never "type another name")."""
    if problem == "unknown_item" and tapped:
        return NOTED_TAPPED if draft.item_text in noted else UNKNOWN_TAPPED
    if problem == "unknown_item" and draft.item_text in noted:
        return NOTED
    if problem == "which_item":
        return _which_item(draft, catalogue)
    if problem == "which_of":
        return _which_of(draft, {item.id: item.name_th for item in catalogue})
    if problem == "which_unit":
        return _which_unit(draft, catalogue)
    if problem == "no_quantity" and short:
        return "จำนวนเท่าไรคะ? (how much?)"
    if problem == "unit_mismatch":
        return _unit_mismatch(draft, units)
    if problem == "unit_needs_size" and draft.unit_text:
        # in the item's own unit: "ขวดละกี่ลิตร" for น้ำปลา, "ถุงละกี่ฟอง" for eggs; kilos when unknown
        unit, counted = draft.unit_text, units.get(draft.item_id or "", "kg")
        size = thai_unit_for(counted, draft.item_id) if counted == "piece" else SIZE_WORDS.get(counted, "กิโล")
        count = figure(draft.quantity) if draft.quantity is not None else "10"
        each = _TYPICAL_SIZE.get((unit, size), 2)
        return f"{unit}ละกี่{size}คะ? เช่น {count} {unit} {unit}ละ {each} {size} (how much is one {unit}?)"
    last = draft.needed_by or draft.available_until
    if problem == "past_date" and last is not None:
        return f"{thai_date(last)}: {_QUESTIONS['past_date']}"
    if problem == "bad_date" and draft.date_text:
        if not any(c.isdigit() for c in draft.date_text):  # "สงกรานต์": a day, not one read
            return f"อ่านวันที่ “{draft.date_text}” ไม่ออกค่ะ พิมพ์เป็นวันที่ เช่น ภายใน 15 ม.ค. (which day?)"
        return f"วันที่ “{draft.date_text}” ไม่มีในปฏิทินค่ะ พิมพ์วันใหม่ เช่น ภายใน 15 ม.ค. (no such date)"
    return _QUESTIONS[problem]


def draft_reply(
    draft_id: int,
    drafts: Sequence[Draft],
    catalogue: Sequence[CatalogueEntry],
    *,
    noted: frozenset[str] = frozenset(),
    tapped: bool = False,
) -> TextMessage:
    """What was understood, and either ยืนยัน / แก้ไข / ยกเลิก or the question to answer first
    (a unit that does not fit is said with the item's own, from `catalogue`; goods it lacks whose
    name was kept for the coordinators, `noted` as typed, are said to be). `tapped`: the answer to
    a button tapped on the draft, whose questions left are answered by the whole message sent
    again (RESEND), or, for goods kept for the coordinators, once they are added (NOTED_TAPPED)."""
    units = {item.id: item.unit for item in catalogue}
    names = {item.id: item.name_th for item in catalogue}
    problems = list(dict.fromkeys(p for d in drafts for p in _asked(d, drafts, catalogue)))

    def ask(problem: Problem, draft: Draft, *, short: bool = False) -> str:
        return _question(problem, draft, units, short=short, catalogue=catalogue, noted=noted, tapped=tapped)

    if len(drafts) == 1:
        lines = [
            "เข้าใจว่า (we read):",
            _line(drafts[0], names),
            *(ask(p, drafts[0]) for p in problems),
        ]
    else:
        # each line's questions under it, so that several lines show which one is asked about
        lines = ["เข้าใจว่า (we read):"]
        for d in drafts:
            lines += [
                _line(d, names),
                *(
                    f"  ↳ {ask(p, d, short=True)}"
                    for p in _asked(d, drafts, catalogue)
                    if p not in ("no_kind", "swap_sides")
                ),
            ]
        if "no_quantity" in problems:
            lines.append("บอกจำนวนของแต่ละอย่าง เช่น ปลาเค็ม 200 กิโล กุ้งแห้ง 50 กิโล (say how much of each)")
        if "no_kind" in problems:
            lines.append(_QUESTIONS["no_kind"])
        if "swap_sides" in problems:
            lines += [_QUESTIONS["swap_sides"], *_swap_ways(drafts)]
    if not problems:
        lines.append("ถูกต้องไหมคะ? กด ยืนยัน เพื่อลงประกาศ")
        return text(
            "\n".join(lines),
            [
                button("ยืนยัน", a="confirm", d=draft_id),
                button("แก้ไข", a="edit", d=draft_id),
                button("ยกเลิก", a="cancel", d=draft_id),
            ],
        )
    buttons: list[QuickReplyItem] = []
    if "no_kind" in problems:
        buttons += [
            button("มีให้ (offer)", "มีให้", a="kind", k="offer", d=draft_id),
            button("ต้องการ (need)", "ต้องการ", a="kind", k="need", d=draft_id),
        ]
    elif "swap_sides" in problems:
        buttons += [button(f"แบบที่ {way}", a="swap", g=way, d=draft_id) for way in (1, 2)]
    elif "which_of" in problems:  # one line at a time: the first that asks
        line, draft = next((n, d) for n, d in enumerate(drafts) if "which_of" in d.problems)
        buttons += [
            button(_label(names.get(c, c)), names.get(c, c), a="pick", n=line, i=c, d=draft_id)
            for c in draft.choices
        ]
    elif not tapped:
        lines.append("พิมพ์ข้อความใหม่ได้เลยค่ะ (send a corrected message)")
    elif not _waits_for_coordinators(drafts, noted):  # else NOTED_TAPPED said when to send it again
        lines.append(RESEND)
    buttons.append(button("ยกเลิก", a="cancel", d=draft_id))
    return text("\n".join(lines), buttons)


def _asked(draft: Draft, drafts: Sequence[Draft], catalogue: Sequence[CatalogueEntry]) -> tuple[Problem, ...]:
    """The questions a line is asked now: its unit only once it is known which goods it is of, its
    amount not when a pick will size it (a swap's other side: sized_once_chosen)."""
    later: set[Problem] = {"which_unit"} if "which_of" in draft.problems else set()
    if "no_quantity" in draft.problems and (
        draft.choice_amounts or sized_once_chosen(drafts, draft, catalogue)
    ):  # each choice has its own amount, or the pick sizes it
        later.add("no_quantity")
    return tuple(p for p in draft.problems if p not in later)


def _label(name: str) -> str:
    """A goods' name on a button, cut to what LINE allows (the full name is said when tapped)."""
    return name if len(name) <= MAX_LABEL else name[: MAX_LABEL - 1] + "…"


def _waits_for_coordinators(drafts: Sequence[Draft], noted: frozenset[str]) -> bool:
    """Nothing is left to ask of the drafts but goods kept for the coordinators to add."""
    return all(d.item_text in noted and d.problems == ("unknown_item",) for d in drafts if d.problems)


def _swap_ways(drafts: Sequence[Draft]) -> list[str]:
    """The two ways a swap not said which way can be read ("อยากแลก A กับ B"): A given, or B."""
    first = ", ".join(d.item_name_th or d.item_text for d in drafts if d.side == "first")
    second = ", ".join(d.item_name_th or d.item_text for d in drafts if d.side == "second")
    return [f"แบบที่ 1: มี {first} ต้องการ {second}", f"แบบที่ 2: มี {second} ต้องการ {first}"]


def unreadable() -> TextMessage:
    return text("ขออภัย อ่านข้อความนี้ไม่ออกค่ะ (could not read that)\n" + EXAMPLE_TH)


def greeted() -> TextMessage:
    """The answer to a hello alone ("สวัสดีค่ะ"): hello back, and how to post."""
    return text("สวัสดีค่ะ 🙏 (hello)\n" + EXAMPLE_TH)


def thanked() -> TextMessage:
    """The answer to thanks alone ("ขอบคุณมากค่ะ"): you are welcome, nothing more to do."""
    return text("ยินดีค่ะ 🙏 (you are welcome)")


def not_linked() -> TextMessage:
    return text(
        "สวัสดีค่ะ แชทนี้ยังไม่ได้เชื่อมกับชุมชนใน barter\n"
        "ขอรหัสเชื่อมต่อจากผู้ประสานงาน แล้วพิมพ์รหัสในแชทนี้ เช่น ABC2-DEF3\n"
        "(This chat is not linked to a community yet: ask your coordinator for a link code.)"
    )


def linked(community: str | None) -> TextMessage:
    return text(
        f"เชื่อมต่อกับ {community or 'ชุมชน'} แล้วค่ะ ✓\n"
        "ต่อไปพิมพ์สิ่งที่มีหรือต้องการได้เลย และจะได้รับแจ้งเมื่อมีข้อเสนอแลกเปลี่ยน\n" + EXAMPLE_TH
    )


def already_linked(community: str | None) -> TextMessage:
    return text(f"แชทนี้เชื่อมกับ {community or 'ชุมชน'} อยู่แล้วค่ะ (already linked)")


def bad_code() -> TextMessage:
    return text(
        "รหัสนี้ใช้ไม่ได้ค่ะ อาจหมดอายุหรือถูกใช้ไปแล้ว กรุณาขอรหัสใหม่จากผู้ประสานงาน\n"
        "(This code is expired, used or unknown.)"
    )


def posted(items: Sequence[tuple[str, int, str | None, str, float, str]]) -> TextMessage:
    """items: (kind, id, item id (None: a category's need), name, quantity, unit). Offers and needs
    are numbered apart (offer #2 and need #2 are two listings): the number says which list it is
    in."""
    lines = ["ลงประกาศแล้วค่ะ ✓ (posted)"]
    for kind, listing_id, item_id, name, quantity, unit in items:
        label = "มีให้" if kind == "offer" else "ต้องการ"
        said = f"{figure(quantity)} {thai_unit_for(unit, item_id)}"
        lines.append(f"• {label} {name} {said} (ของที่{label} #{listing_id})")
    lines.append("จะแจ้งให้ทราบเมื่อมีข้อเสนอแลกเปลี่ยนค่ะ")
    return text("\n".join(lines))


def sms_stopped(was_on: bool) -> TextMessage:
    if not was_on:
        return text("ชุมชนนี้ไม่ได้รับ SMS อยู่แล้วค่ะ (SMS notices were not on)")
    return text(
        "หยุดส่ง SMS แจ้งเตือนให้ชุมชนนี้แล้วค่ะ ยังแจ้งทาง LINE ตามเดิม\n"
        "(SMS notices are off; LINE notices continue. Ask your coordinator to turn SMS on again.)"
    )


def cancelled() -> TextMessage:
    return text("ยกเลิกแล้วค่ะ (cancelled)")


def edit() -> TextMessage:
    return text("พิมพ์ข้อความใหม่ได้เลยค่ะ (send the corrected message)\n" + EXAMPLE_TH)


def draft_gone() -> TextMessage:
    return text("รายการนี้ยืนยันหรือยกเลิกไปแล้วค่ะ (already done)")


def refused(said: Sequence[Words], draft_id: int | None = None) -> TextMessage:
    """An action the service refused: each reason in Thai, its English beneath (barter.domain.refusals
    words them, as the console does). A refused draft stays as it was: แก้ไข to send it again."""
    lines = ["ทำรายการไม่สำเร็จค่ะ (not done)"]
    for words in said:
        lines += [f"• {words.th}", f"  ({words.en})"]
    if draft_id is None:
        return text("\n".join(lines))
    lines.append("กด แก้ไข แล้วพิมพ์ข้อความใหม่ได้เลยค่ะ (tap แก้ไข to send a corrected message)")
    return text(
        "\n".join(lines), [button("แก้ไข", a="edit", d=draft_id), button("ยกเลิก", a="cancel", d=draft_id)]
    )


def proposal_moved(action: str, status: str) -> TextMessage:
    done = {
        "accept": "ตอบรับข้อเสนอแล้วค่ะ ✓ (accepted)",
        "decline": (
            "ปฏิเสธข้อเสนอแล้วค่ะ ระบบกำลังหาข้อเสนอใหม่ให้ชุมชนอื่น "
            "และจะไม่เสนอการแลกเปลี่ยนเดิมนี้ให้คุณซ้ำในช่วงนี้ "
            "(declined: a new proposal is being looked for the others, and this same exchange "
            "will not be offered to you again for a while)"
        ),
        "complete": "บันทึกการได้รับของแล้วค่ะ ✓ (receipt confirmed)",
    }[action]
    state = STATUS_TH.get(status, status)
    return text(f"{done}\nสถานะตอนนี้: {state}")


# A proposal's state as the bot says it: the domain's words, Thai with the English beside.
STATUS_TH = {status: f"{words.th} ({words.en})" for status, words in STATUS_WORDS.items()}


def decline_reasons(proposal_id: int) -> TextMessage:
    return text(
        "เหตุผลที่ปฏิเสธคืออะไรคะ? (why decline?)",
        [button(label, a="decline", p=proposal_id, r=code) for code, label, _ in DECLINE_REASONS],
    )


def receipt_question(proposal_id: int) -> TextMessage:
    return text("ได้รับของครบตามข้อเสนอไหมคะ? (received everything?)", _receipt_buttons(proposal_id))


def _planned(t: TransferOut) -> str:
    """A transfer's amount as planned, in the item's own counting word: 300 ฟอง, 200 กก."""
    return f"{figure(t.quantity)} {thai_unit_for(t.unit, t.item_id)}"


def _goods(awaited: Awaited) -> list[str]:
    return [
        f"{t.item_name_th} {_planned(t)} จาก{awaited.givers.get(t.giver_id, '?')}" for t in awaited.transfers
    ]


def received_all_question(awaited: Awaited, asked_by: str | None) -> TextMessage:
    """Goods said to have arrived (typed, or ได้รับครบแล้ว tapped), of one exchange: all of them,
    as planned? Recorded only on ยืนยัน ได้รับครบ; ยกเลิก records nothing. The question is the
    member's who said so (`asked_by`, their LINE user id; "" on the buttons when LINE did not
    say): in a group, its buttons answer only for them, as a receipt question's do."""
    lines = [f"ได้รับของจากข้อเสนอ #{awaited.proposal_id} ครบแล้วใช่ไหมคะ? (received all of it?)"]
    lines += [f"• {goods}" for goods in _goods(awaited)]
    lines.append("กด ยืนยัน ได้รับครบ เพื่อบันทึก หรือ ได้ไม่ครบ เพื่อบอกจำนวนที่ได้รับค่ะ")
    asker = asked_by or ""
    return text(
        "\n".join(lines),
        [
            button("ยืนยัน ได้รับครบ", a="recv", p=awaited.proposal_id, q="ok", by=asker),
            button("ได้ไม่ครบ", a="recv", p=awaited.proposal_id, q="short", by=asker),
            button("ยกเลิก", a="recv", p=awaited.proposal_id, q="cancel", by=asker),
        ],
    )


def which_received(awaited: Sequence[Awaited], amount: QuantityReading | None = None) -> TextMessage:
    """Goods said to have arrived while several exchanges are on their way: which one? The
    `amount` already typed rides on the buttons, so it is not asked again once one is chosen."""
    lines = [f"มีของกำลังส่งมาให้ชุมชนนี้ {len(awaited)} รายการค่ะ ได้รับรายการไหนคะ? (which one arrived?)"]
    lines += [f"• #{a.proposal_id} {', '.join(_goods(a))}" for a in awaited]
    told: dict[str, str] = {}
    if amount is not None:
        told["n"] = repr(amount.quantity)
        told |= {"u": amount.unit} if amount.unit else {}
        told |= {"c": amount.condition} if amount.condition else {}
        told |= {"l": "1"} if amount.lost else {}
        told |= {"k": amount.counted_in} if amount.counted_in else {}
    return text(
        "\n".join(lines),
        [
            button(f"#{a.proposal_id} {a.transfers[0].item_name_th}"[:20], a="recv", p=a.proposal_id, **told)
            for a in awaited
        ],
    )


def nothing_awaited() -> TextMessage:
    return text("ตอนนี้ไม่มีของที่กำลังส่งมาให้ชุมชนนี้ค่ะ ไม่ได้บันทึกอะไร (nothing is on its way to this community)")


def _receipt_buttons(proposal_id: int) -> list[QuickReplyItem]:
    return [
        button("ได้รับครบแล้ว", a="recv", p=proposal_id, q="all"),
        button("ได้ไม่ครบ", a="recv", p=proposal_id, q="short"),
    ]


def receipt_ask(receipt: Receipt) -> TextMessage:
    """The next question of a receipt told over LINE: a quantity, why less arrived, or confirm."""
    i = receipt.prompt_id
    cancel = button("ยกเลิก", a="rq", i=i, v="cancel")
    t = receipt.transfer
    if receipt.asking == "quantity":
        assert t is not None
        planned = _planned(t)
        return text(
            f"ได้รับ{t.item_name_th}เท่าไรคะ? (ตามที่ตกลง {planned})\n"
            "พิมพ์จำนวนที่ได้รับและใช้ได้ เช่น 120 หรือ ๑๒๐ กิโล\n"
            "(How much arrived in usable condition? Type the quantity.)",
            [button(f"ครบ {planned}"[:20], a="rq", i=i, v="all"), cancel],
        )
    if receipt.asking == "condition":
        assert t is not None
        _, told = receipt.answers[-1]
        return text(
            f"ได้รับ{t.item_name_th} {figure(told.quantity)} จาก {_planned(t)}\n"
            "ส่วนที่เหลือเป็นอย่างไรคะ? (what happened to the rest?)",
            [
                button("ของมาไม่ครบ", a="rq", i=i, v="short"),
                button("ของเสีย", a="rq", i=i, v="spoiled"),
                cancel,
            ],
        )
    lines = ["สรุปการได้รับของที่จะบันทึก (the receipt to be recorded):"]
    lines += [_received(transfer, answer) for transfer, answer in receipt.answers]
    if any(answer.condition in ("short", "spoiled") for _, answer in receipt.answers):
        lines.append(_FOLLOWED_UP)
    lines.append("ถูกต้องไหมคะ? กด ยืนยัน เพื่อบันทึกตามนี้")
    return text(
        "\n".join(lines),
        [button("ยืนยัน", a="rq", i=i, v="ok"), button("เริ่มใหม่", a="rq", i=i, v="restart"), cancel],
    )


_FOLLOWED_UP = "ผู้ประสานงานจะติดตามส่วนที่ขาดหรือเสียค่ะ (a coordinator follows up what is missing)"


def _received(transfer: TransferOut, answer: ReceiptAnswer) -> str:
    """One transfer's receipt as it is recorded: how much arrived (usable), and what is missing."""
    unit = thai_unit_for(transfer.unit, transfer.item_id)
    if answer.condition == "good":
        return f"• {transfer.item_name_th} ได้รับครบ {figure(transfer.quantity)} {unit} สภาพดี"
    missing = f"{figure(transfer.quantity - answer.quantity)} {unit}"
    if answer.condition == "spoiled":
        return (
            f"• {transfer.item_name_th} ใช้ได้ {figure(answer.quantity)} จาก {figure(transfer.quantity)} {unit}"
            f" ของเสีย {missing}"
        )
    if answer.quantity <= 0:
        return f"• {transfer.item_name_th} ไม่ได้รับเลย ขาด {missing}"
    return (
        f"• {transfer.item_name_th} ได้รับ {figure(answer.quantity)} จาก {figure(transfer.quantity)} {unit}"
        f" ขาด {missing}"
    )


def receipt_expired(proposal_id: int, waited: timedelta) -> TextMessage:
    """A button of a receipt question nobody answered in time: start again from the beginning."""
    minutes = round(waited.total_seconds() / 60)
    return text(
        f"คำถามเรื่องการได้รับของนี้หมดเวลาแล้วค่ะ (ไม่มีคำตอบภายใน {minutes} นาที) ยังไม่ได้บันทึกอะไร\n"
        f"(this question timed out after {minutes} minutes; nothing was recorded)\n"
        "ได้รับของครบตามข้อเสนอไหมคะ? (received everything?)",
        _receipt_buttons(proposal_id),
    )


def receipt_in_progress() -> TextMessage:
    """Another member of the chat is telling this receipt right now."""
    return text(
        "มีสมาชิกอีกท่านกำลังบันทึกการได้รับของของรายการนี้อยู่ค่ะ รอให้ท่านนั้นยืนยันก่อน "
        "หรือลองใหม่ภายหลังนะคะ\n"
        "(another member is recording this receipt now: let them finish, or try again later)"
    )


def receipt_not_yours(asked_by: str | None) -> Message:
    """A receipt question's button tapped by a member of the group other than the one asked: who
    was asked, mentioned by their LINE name (`asked_by`, their user id; when LINE did not say who,
    the member who started recording it)."""
    if asked_by is not None:
        return mentioning(
            "คำถามนี้ถาม {asker} ไว้ค่ะ ขอให้ท่านนั้นเป็นผู้ตอบนะคะ การกดนี้ยังไม่ได้บันทึกอะไร\n"
            "(this question was asked of the member mentioned: only they answer it;"
            " your tap recorded nothing)",
            asker=asked_by,
        )
    return text(
        "คำถามนี้ถามสมาชิกที่เริ่มบันทึกการได้รับของรายการนี้ไว้ค่ะ ขอให้ท่านนั้นเป็นผู้ตอบนะคะ "
        "การกดนี้ยังไม่ได้บันทึกอะไร\n"
        "(this question was asked of the member who started recording this receipt: only they answer it; "
        "your tap recorded nothing)"
    )


def receipt_cancelled() -> TextMessage:
    """A button of a receipt question that was cancelled or replaced by a newer one."""
    return text(
        "คำถามนี้ถูกยกเลิกไปแล้ว หรือมีคำถามใหม่มาแทนค่ะ ไม่ได้บันทึกอะไรจากคำถามนี้\n"
        "(this question was cancelled or replaced by a newer one; nothing was recorded from it)"
    )


def receipt_not_yet() -> TextMessage:
    """The goods have not arrived yet: nothing is recorded, and the question ends."""
    return text(
        "ยังไม่ต้องบันทึกค่ะ เมื่อของมาถึงแล้ว กด ได้รับครบแล้ว หรือ ได้ไม่ครบ ในข้อความแจ้งส่งของ "
        "หรือพิมพ์ ได้รับแล้ว ได้เลยค่ะ\n"
        "(nothing recorded yet: when the goods arrive, tap ได้รับครบแล้ว or ได้ไม่ครบ in the dispatch notice, "
        "or type ได้รับแล้ว)"
    )


def receipt_refused(receipt: Receipt, reason: str) -> list[Message]:
    t = receipt.transfer
    assert t is not None
    why = (
        f"จำนวนนี้มากกว่าที่ตกลงไว้ ({_planned(t)}) ค่ะ (more than planned)"
        if reason == "too_much"
        else f"หน่วยไม่ตรงค่ะ {t.item_name_th}นับเป็น {thai_unit_for(t.unit, t.item_id)} (another unit)"
    )
    return [text(why), receipt_ask(receipt)]


def receipt_recorded(receipt: Receipt, status: str) -> TextMessage:
    lines = ["บันทึกการได้รับของแล้วค่ะ ✓ (receipt recorded)"]
    lines += [_received(transfer, answer) for transfer, answer in receipt.answers]
    if any(answer.condition in ("short", "spoiled") for _, answer in receipt.answers):
        lines.append(_FOLLOWED_UP)
    lines.append(f"สถานะตอนนี้: {STATUS_TH.get(status, status)}")
    return text("\n".join(lines))


def proposal_notice(
    proposal_id: int,
    explanation_th: str,
    gives: float,
    receives: float,
    partners: str,
    distance_km: float,
    answer_by: datetime | None,
) -> TextMessage:
    """A new proposal for the community: what it gives and gets, values, partner, distance, and
    by when to answer (unanswered by then, it expires)."""
    body = (
        f"มีข้อเสนอแลกเปลี่ยนใหม่ #{proposal_id} (new proposal)\n"
        f"{explanation_th}\n"
        f"มูลค่าที่ให้ {figure(gives)} / ที่ได้รับ {figure(receives)} (ค่าอ้างอิง)\n"
        f"แลกกับ: {partners}\n"
        f"ระยะทางประมาณ {figure(round(distance_km))} กม."
    )
    if answer_by is not None:
        body += (
            f"\nกรุณาตอบภายใน {thaidate.thai_moment(answer_by)} หลังจากนั้นข้อเสนอจะหมดเวลาค่ะ"
            f"\n(answer by {thaidate.english_moment(answer_by)}; after that it expires)"
        )
    return text(
        body,
        [
            button("ตอบรับ", a="accept", p=proposal_id),
            button("ปฏิเสธ", a="decline", p=proposal_id),
        ],
    )
