"""What the bot shows back for a message it read (pure: no webhook, no database)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from barter.channels.line.messages import TextMessage, TextV2Message
from barter.channels.line.replies import (
    draft_reply,
    posted,
    receipt_ask,
    receipt_not_yours,
    receipt_recorded,
    receipt_refused,
    received_all_question,
)
from barter.domain.thai_text import CATEGORY_WORDS, Kind, kind_chosen, outdated, read_post
from barter.reference import CatalogueItem, load_catalogue
from barter.schemas.proposals import TransferOut
from barter.services.line import Awaited, Receipt, ReceiptAnswer, noted_goods
from tests.dates import ahead


def _reply(message: str) -> list[str]:
    catalogue = load_catalogue()
    return draft_reply(1, read_post(message, catalogue, ahead(0)).drafts, catalogue).text.splitlines()


def test_several_lines_each_show_their_own_question_in_the_senders_words() -> None:
    lines = _reply("มีปลาเค็ม 200 กิโล ตะไคร้ 10 มัด")
    assert lines[1] == "• มี ปลาเค็ม 200 กก."
    assert lines[2].startswith("• มี ตะไคร้ 10 มัด")
    assert lines[3].startswith("  ↳ มัดละกี่กิโลคะ?")
    assert not any("ถุง" in line for line in lines)  # the question is about the bundle typed


def test_a_day_that_does_not_exist_is_asked_about_quoting_it() -> None:
    lines = _reply("ต้องการข้าวสาร 50 กิโล ภายใน 31 ก.พ.")
    assert any("“31 ก.พ.” ไม่มีในปฏิทินค่ะ" in line for line in lines), lines


def test_a_unit_that_does_not_fit_names_the_items_own_under_its_line() -> None:
    lines = _reply("มีปลาเค็ม 200 กิโล ข้าวสาร 3 ลิตร")
    assert lines[1] == "• มี ปลาเค็ม 200 กก."
    assert lines[3].startswith("  ↳ หน่วยไม่ตรงกับสินค้านี้:"), lines
    assert "นับเป็น กก." in lines[3]


def test_an_amount_of_unnamed_goods_says_so() -> None:
    lines = _reply("มีปลาเค็ม 200 กิโล และ 50 กิโล")
    assert "“”" not in "\n".join(lines)


def test_the_size_question_asks_in_the_items_own_unit() -> None:
    assert _reply("มีน้ำปลา 20 ขวด")[2].startswith("ขวดละกี่ลิตรคะ? เช่น 20 ขวด ขวดละ 1 ลิตร")
    assert _reply("มีมะพร้าว 5 เข่ง")[2].startswith("เข่งละกี่ลูกคะ? เช่น 5 เข่ง เข่งละ 2 ลูก")  # its own word
    assert _reply("มีปลาเค็ม 5 เข่ง")[2].startswith("เข่งละกี่กิโลคะ? เช่น 5 เข่ง เข่งละ 20 กิโล")
    # a sack of rice is no "2 กิโล": the example says what one usually holds, and the count typed
    assert _reply("ต้องการข้าวเหนียว 1 กระสอบ")[2].startswith("กระสอบละกี่กิโลคะ? เช่น 1 กระสอบ กระสอบละ 50 กิโล")


def test_eggs_are_counted_in_fong_as_a_villager_counts_them() -> None:
    assert _reply("มีไข่ไก่ 10 แผง")[1] == "• มี ไข่ไก่ 300 ฟอง"  # ten trays of thirty
    assert _reply("มีผ้าไหมทอมือ 20 ผืน")[1] == "• มี ผ้าไหมทอมือ 20 ผืน"
    assert _reply("มีมะพร้าว 100 ชิ้น")[1] == "• มี มะพร้าว 100 ลูก"  # said back in its own word
    assert _reply("ต้องการกระติบข้าว 15 ใบ")[1] == "• ต้องการ กระติบข้าว 15 ใบ"
    assert _reply("มีปลาเค็ม 200 กิโล")[1] == "• มี ปลาเค็ม 200 กก."  # weighed goods as they were


def test_a_unit_that_does_not_fit_a_piece_item_names_its_counting_word() -> None:
    lines = _reply("มีไข่ไก่ 3 ลิตร")
    assert "หน่วยไม่ตรงกับสินค้านี้: ไข่ไก่นับเป็น ฟอง ค่ะ (this item is counted in pieces)" in lines, lines
    assert any("สบู่สมุนไพรนับเป็น ก้อน ค่ะ" in line for line in _reply("มีสบู่สมุนไพร 2 กิโล"))


def test_weighed_goods_counted_are_said_back_in_the_word_typed() -> None:
    """ "มะนาว 500 ลูก" was said back as "500 ชิ้น" (pieces) above the question."""
    lines = _reply("มีมะนาว 500 ลูก")
    assert lines[1] == "• มี มะนาว 500 ลูก"
    assert "หน่วยไม่ตรงกับสินค้านี้: มะนาวนับเป็น กก. ค่ะ (this item is counted in kg)" in lines, lines


def test_the_size_question_for_a_piece_item_asks_in_its_counting_word() -> None:
    assert _reply("มีไข่ไก่ 5 ถุง")[2].startswith("ถุงละกี่ฟองคะ? เช่น 5 ถุง ถุงละ 10 ฟอง")
    (draft,) = read_post("มีไข่ไก่ 5 ถุง ถุงละ 10 ฟอง", load_catalogue(), ahead(0)).drafts
    assert (draft.item_id, draft.quantity, draft.unit, draft.problems) == ("eggs-chicken", 50, "piece", ())


EGGS = TransferOut(
    position=0,
    offer_id=1,
    need_id=2,
    giver_id=10,
    receiver_id=20,
    item_id="eggs-chicken",
    item_name_th="ไข่ไก่",
    item_name_en="Chicken eggs",
    unit="piece",
    quantity=300,
    unit_value=4,
    value=1200,
    distance_km=40,
    received_at=None,
)


def test_what_is_posted_and_received_over_line_is_counted_in_the_items_own_word() -> None:
    said = posted([("offer", 7, "eggs-chicken", "ไข่ไก่", 300, "piece")]).text
    assert "• มีให้ ไข่ไก่ 300 ฟอง (ของที่มีให้ #7)" in said
    awaited = Awaited(5, [EGGS], {10: "บ้านนาดี"})
    assert "• ไข่ไก่ 300 ฟอง จากบ้านนาดี" in received_all_question(awaited, None).text.splitlines()
    asked = receipt_ask(Receipt(1, 5, "quantity", EGGS, []))
    assert "(ตามที่ตกลง 300 ฟอง)" in asked.text
    short = ReceiptAnswer(0, 280, "spoiled")
    assert "ไข่ไก่ 280 จาก 300 ฟอง" in receipt_ask(Receipt(1, 5, "condition", EGGS, [(EGGS, short)])).text
    recorded = receipt_recorded(Receipt(1, 5, "confirm", None, [(EGGS, short)]), "completed").text
    assert "• ไข่ไก่ ใช้ได้ 280 จาก 300 ฟอง ของเสีย 20 ฟอง" in recorded
    too_much, unit = (
        receipt_refused(Receipt(1, 5, "quantity", EGGS, []), why) for why in ("too_much", "unit")
    )
    assert too_much[0].text.startswith("จำนวนนี้มากกว่าที่ตกลงไว้ (300 ฟอง)")
    assert unit[0].text.startswith("หน่วยไม่ตรงค่ะ ไข่ไก่นับเป็น ฟอง")
    assert not any("ชิ้น" in m.text for m in (*too_much, *unit) if isinstance(m, TextMessage))


def test_the_answer_in_the_asked_form_is_taken() -> None:
    (draft,) = read_post("มีน้ำปลา 20 ขวด ขวดละ 0.7 ลิตร", load_catalogue(), ahead(0)).drafts
    assert (draft.item_id, draft.quantity, draft.unit, draft.problems) == ("fish-sauce", 14, "litre", ())


@given(st.sampled_from(load_catalogue()), st.sampled_from(("ขวด", "เข่ง", "มัด", "ถุง")))
@settings(max_examples=60, deadline=None)
def test_the_size_question_s_own_example_reads_as_the_item_in_its_unit(
    item: CatalogueItem, container: str
) -> None:
    """The example the question gives, sent back with the item, is a post ready to confirm."""
    question = _reply(f"มี{item.name_th} 3 {container}")[2]
    example = question.split("เช่น ", 1)[1].split(" (", 1)[0]
    (draft,) = read_post(f"มี{item.name_th} {example}", load_catalogue(), ahead(0)).drafts
    assert (draft.item_id, draft.unit, draft.problems) == (item.id, item.unit, ()), (question, draft)


def test_a_festival_for_a_date_is_asked_about_as_a_day() -> None:
    lines = _reply("ต้องการข้าวสาร 100 กิโล ก่อนลอยกระทง")  # of the lunar calendar: moves every year
    assert any("“ลอยกระทง”" in line and "เช่น ภายใน 15 ม.ค." in line for line in lines), lines
    assert not any("ไม่มีในปฏิทิน" in line for line in lines)  # it is a day, just not one read
    # Songkran is 13 April every year: read, and said back as the day it is
    lines = _reply("ต้องการข้าวสาร 100 กิโล ก่อนสงกรานต์")
    assert any(line.strip().startswith("ภายใน 13 เม.ย.") for line in lines), lines


def test_a_tap_on_another_members_receipt_question_names_them_or_says_who_they_are() -> None:
    named = receipt_not_yours("Ufisher1")
    assert isinstance(named, TextV2Message)
    assert named.text.startswith("คำถามนี้ถาม {asker} ไว้ค่ะ")
    assert named.substitution["asker"].mentionee.user_id == "Ufisher1"
    # LINE did not say who was asked: said without a name, still polite and in Thai
    unnamed = receipt_not_yours(None)
    assert isinstance(unnamed, TextMessage)
    assert unnamed.text.startswith("คำถามนี้ถามสมาชิกที่เริ่มบันทึกการได้รับของรายการนี้ไว้ค่ะ")
    assert "{" not in unnamed.text


def test_a_category_needed_is_said_as_any_of_its_kind_ready_to_confirm() -> None:
    catalogue = load_catalogue()
    reply = draft_reply(1, read_post("ต้องการข้าว 100 กก", catalogue, ahead(0)).drafts, catalogue)
    assert reply.text.splitlines() == [
        "เข้าใจว่า (we read):",
        "• ต้องการ ข้าว (ชนิดใดก็ได้) 100 กก.",
        "ถูกต้องไหมคะ? กด ยืนยัน เพื่อลงประกาศ",
    ]
    assert reply.quick_reply is not None
    assert "ยืนยัน" in [item.action.label for item in reply.quick_reply.items]
    assert _reply("ต้องการปลา 20 กิโล")[1] == "• ต้องการ ปลาและอาหารทะเล (ชนิดใดก็ได้) 20 กก."


def test_a_category_offered_is_asked_which_kind_never_unknown() -> None:
    catalogue = load_catalogue()
    reply = draft_reply(1, read_post("มีข้าว 100 กิโล", catalogue, ahead(0)).drafts, catalogue)
    lines = reply.text.splitlines()
    assert lines[1] == "• มี ข้าว 100 กก."
    assert lines[2].startswith("ข้าวอะไรคะ? เช่น ข้าวหอมมะลิ ข้าวขาว ข้าวเหนียว"), lines
    assert "ไม่รู้จัก" not in reply.text
    assert reply.quick_reply is not None
    assert "ยืนยัน" not in [item.action.label for item in reply.quick_reply.items]
    assert _reply("มีปลา 20 กิโล")[2].startswith("ปลาอะไรคะ? เช่น ปลาแห้ง ปลาเค็ม")


def test_a_category_sized_by_value_says_it_is_an_estimate_and_by_which_kind() -> None:
    lines = _reply("มีปลาหมึกแห้ง 15 กิโล แลกข้าว")
    assert lines[2] == "• ต้องการ ข้าว (ชนิดใดก็ได้) 593.8 กก."
    assert lines[3].startswith("  (คิดจากมูลค่าเท่ากันโดยประมาณ ตามราคาอ้างอิงของข้าวขาว ซึ่งถูกที่สุดในหมวดนี้")
    assert lines[-1] == "ถูกต้องไหมคะ? กด ยืนยัน เพื่อลงประกาศ"
    # an item wanted is sized as before, without the estimate's words
    assert _reply("มีปลาเค็ม 20 กก. แลกข้าวสาร")[3] == "  (คิดจากมูลค่าเท่ากัน)"


def test_a_wish_that_cannot_be_read_is_asked_about() -> None:
    lines = _reply("มีปลาหมึกแห้ง 15 กิโล แลกมันสำปะหลัง")
    assert lines[2] == "• ต้องการ “มันสำปะหลัง” (ไม่รู้จัก) ?"
    assert lines[3].startswith("  ↳ ยังไม่รู้จักสินค้านี้")
    assert "ถูกต้องไหมคะ" not in "\n".join(lines)
    # fish wanted for fish given, no amount: fish in kilos or fish sauce in litres has no one value
    lines = _reply("มีข้าวสาร 20 กิโล แลกปลา")
    assert lines[2] == "• ต้องการ ปลาและอาหารทะเล (ชนิดใดก็ได้) ?"
    assert lines[3] == "  ↳ จำนวนเท่าไรคะ? (how much?)"


def test_goods_written_one_or_the_other_are_asked_which_and_only_then_their_unit_or_amount() -> None:
    lines = _reply("ต้องการน้ำปลาหรือปลาร้า 20")
    assert lines[1] == "• ต้องการ น้ำปลา หรือ ปลาร้า 20"
    assert lines[2].startswith("ต้องการน้ำปลา หรือ ปลาร้า อย่างไหนคะ? กดเลือกได้เลย")
    assert len(lines) == 3  # the unit is the one picked's: not asked before the pick
    # a swap's wanted side is sized by value once picked: its amount is not asked
    lines = _reply("มีปลาเค็ม 15 กิโล อยากแลกข้าวสาร หรือ กะปิ")
    assert lines[2] == "• ต้องการ ข้าวขาว หรือ กะปิ ?"
    assert not any("จำนวนเท่าไร" in line for line in lines)
    # not a swap: the amount is asked too
    assert any("จำนวนเท่าไร" in line for line in _reply("ต้องการปลาเค็มหรือปลาแห้ง"))


def test_goods_written_one_or_the_other_each_with_its_amount_are_said_with_it() -> None:
    lines = _reply("ต้องการปลาเค็ม 20 กิโล หรือ ปลาแห้ง 10 กิโล")
    assert lines[1] == "• ต้องการ ปลาเค็ม 20 กก. หรือ ปลาแห้ง 10 กก."
    assert "เช่น ต้องการปลาเค็ม 20 กิโล ปลาแห้ง 10 กิโล" in lines[2]
    assert not any("จำนวนเท่าไร" in line for line in lines)  # the pick says how much
    # three: "ถ้าต้องการหลายอย่าง" (if more than one), not "ทั้งสองอย่าง" (both)
    lines = _reply("ต้องการปลาเค็มหรือปลาแห้งหรือกุ้งแห้ง 20 กิโล")
    assert lines[1] == "• ต้องการ ปลาเค็ม หรือ ปลาแห้ง หรือ กุ้งแห้ง 20 กก."
    assert "ถ้าต้องการหลายอย่าง พิมพ์แยกกัน" in lines[2]
    # three, each its own amount: said with it, not asked
    lines = _reply("ต้องการปลาเค็ม 20 กิโล หรือปลาแห้ง 10 กิโล หรือกุ้งแห้ง 5 กิโล")
    assert lines[1] == "• ต้องการ ปลาเค็ม 20 กก. หรือ ปลาแห้ง 10 กก. หรือ กุ้งแห้ง 5 กก."
    assert not any("จำนวนเท่าไร" in line for line in lines)


def test_a_word_that_begins_several_goods_names_is_asked_which_kind() -> None:
    lines = _reply("มีน้ำพริก 10 กิโล")
    assert lines[1] == "• มี น้ำพริก (แบบไหน?) 10 กก."
    assert lines[2] == "น้ำพริกแบบไหนคะ? น้ำพริกเผา น้ำพริกปลาย่าง น้ำพริกกะปิ กดเลือกได้เลย (which kind?)"
    # the rice wanted is sized by the squid's value once its kind is picked: not asked how much
    lines = _reply("มีปลาหมึก 10 กิโล แลกข้าวสาร")
    assert lines[3] == "• ต้องการ ข้าวขาว ?"
    assert not any("จำนวนเท่าไร" in line or "บอกจำนวน" in line for line in lines)


def test_goods_not_known_keep_the_counting_word_typed() -> None:
    """Not "ผ้าขาวม้า 10 ชิ้น": the bot rewrote the member's ผืน while asking what the goods are."""
    assert _reply("มีผ้าขาวม้า 10 ผืน")[1] == "• มี “ผ้าขาวม้า” (ไม่รู้จัก) 10 ผืน"
    assert _reply("มีหมวกสาน 5 ใบ")[1] == "• มี “หมวกสาน” (ไม่รู้จัก) 5 ใบ"
    assert _reply("มีไข่นกกระทา 20 แผง")[1] == "• มี “ไข่นกกระทา” (ไม่รู้จัก) 600 ฟอง"  # a tray: 30 eggs
    assert _reply("มีผ้าไหม 10 ผืน")[1] == "• มี ผ้าไหมทอมือ 10 ผืน"  # known: its own word


def test_woven_cloth_is_asked_which_cloth_with_the_counting_word_typed() -> None:
    lines = _reply("มีผ้าทอมือ 10 ผืน")
    assert lines[1] == "• มี ผ้าทอมือ (แบบไหน?) 10 ผืน"
    assert lines[2].startswith("ผ้าทอมือแบบไหนคะ? ผ้าไหมทอมือ ผ้าย้อมคราม ผ้าฝ้ายทอมือ"), lines


def test_a_category_counted_in_no_unit_asks_which_when_its_kinds_differ() -> None:
    assert _reply("ต้องการปลา 20")[2] == "20 อะไรคะ? เช่น 20 กิโล หรือ 20 ลิตร (which unit?)"
    assert _reply("ต้องการข้าว 100")[1] == "• ต้องการ ข้าว (ชนิดใดก็ได้) 100 กก."


@given(st.sampled_from(sorted(CATEGORY_WORDS)), st.integers(1, 999))
@settings(max_examples=40, deadline=None)
def test_each_kind_the_which_question_names_reads_back_as_an_offer_of_it(word: str, count: int) -> None:
    """The kinds the question gives as examples, sent back as the offer, are posts to confirm."""
    question = _reply(f"มี{word} {count} กิโล")[2]
    assert question.startswith(f"{word}อะไรคะ? เช่น "), question
    examples = question.split("เช่น ", 1)[1].split(" (", 1)[0].split()
    assert examples
    for name in examples:
        item = next(i for i in load_catalogue() if i.name_th == name)
        assert item.category_id == CATEGORY_WORDS[word]
        unit = {"kg": "กิโล", "litre": "ลิตร", "piece": "ชิ้น"}[item.unit]
        (draft,) = read_post(f"มี{name} {count} {unit}", load_catalogue(), ahead(0)).drafts
        assert (draft.item_id, draft.problems) == (item.id, ()), (name, draft)


def test_after_a_tap_what_is_left_is_asked_of_the_whole_message_sent_again() -> None:
    """A tap (offer or need, ยืนยัน after the day passed) leaves the kind of rice, or the day, to
    say: by the whole message sent again, said so; goods that could be added wait for the
    coordinators, with nothing to type now."""
    catalogue = load_catalogue()

    def tapped(message: str, kind: Kind = "offer", days: int = 0) -> list[str]:
        drafts = [
            outdated(kind_chosen(d, kind), ahead(days))
            for d in read_post(message, catalogue, ahead(0)).drafts
        ]
        reply = draft_reply(1, drafts, catalogue, noted=noted_goods(drafts), tapped=True)
        assert reply.quick_reply is not None
        assert [item.action.label for item in reply.quick_reply.items] == ["ยกเลิก"]
        return reply.text.splitlines()

    resend = "ยังลงประกาศไม่ได้ค่ะ แก้แล้วพิมพ์ส่งมาใหม่ทั้งข้อความได้เลย (not posted yet: send the whole message again, corrected)"
    rice = tapped("ข้าว 100 กิโล")
    assert rice[2].startswith("ข้าวอะไรคะ? เช่น ข้าวหอมมะลิ"), rice
    assert rice[3:] == [resend]
    passed = tapped("ปลาเค็ม 20 กิโล ส่งได้ถึงพรุ่งนี้", days=3)  # confirmed three days later
    assert "ผ่านไปแล้ว" in passed[3], passed
    assert passed[4:] == [resend]
    kept = tapped("ปลาช่อน 20 กิโล", kind="need")
    assert kept[2].startswith("ยังไม่มีสินค้านี้ในรายการค่ะ ผู้ประสานงานจะเห็นชื่อนี้"), kept
    assert len(kept) == 3  # nothing to send again until the coordinators add it
    # not after a tap, as before: a message to correct
    assert "พิมพ์ข้อความใหม่ได้เลยค่ะ (send a corrected message)" in _reply("มีข้าว 100 กิโล")
