"""What the bot shows back for a message it read (pure: no webhook, no database)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from barter.channels.line.messages import TextMessage, TextV2Message
from barter.channels.line.replies import draft_reply, receipt_not_yours
from barter.domain.thai_text import read_post
from barter.reference import CatalogueItem, load_catalogue
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
    assert _reply("มีน้ำปลา 20 ขวด")[2].startswith("ขวดละกี่ลิตรคะ? เช่น 10 ขวด ขวดละ 2 ลิตร")
    assert _reply("มีมะพร้าว 5 เข่ง")[2].startswith("เข่งละกี่ชิ้นคะ? เช่น 10 เข่ง เข่งละ 2 ชิ้น")
    assert _reply("มีปลาเค็ม 5 เข่ง")[2].startswith("เข่งละกี่กิโลคะ? เช่น 10 เข่ง เข่งละ 2 กิโล")


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
    lines = _reply("ต้องการข้าวสาร 100 กิโล ก่อนสงกรานต์")
    assert any("“สงกรานต์”" in line and "เช่น ภายใน 15 ม.ค." in line for line in lines), lines
    assert not any("ไม่มีในปฏิทิน" in line for line in lines)  # it is a day, just not one read


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
