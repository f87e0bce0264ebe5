"""A new proposal by SMS: what, with whom, by when and how to answer, in whole words, in two parts
where it fits; what does not fit is shortened by a rule, never cut off in the middle."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from barter.channels.notices import SMS_ANSWER, sms_answers, sms_notice
from barter.channels.sms import MAX_PARTS, segments
from barter.domain.units import counting_words, thai_unit

DEADLINE = datetime(2026, 12, 9, 7, 0, tzinfo=UTC)  # 14.00 in Thailand


def proposal(
    partners: list[str], goods: list[tuple[bool, str, float, str]], item_ids: list[str] | None = None
) -> dict[str, Any]:
    return {
        "type": "proposal.proposed",
        "payload": {"proposal_id": 12},
        "partners": partners,
        "goods": [
            {"gives": g, "item": i, "quantity": q, "unit": u} | ({"item_id": item_ids[n]} if item_ids else {})
            for n, (g, i, q, u) in enumerate(goods)
        ],
        "answer_by": DEADLINE,
    }


SWAP = [(True, "ปลาแห้ง", 20.0, "kg"), (False, "ข้าวหอมมะลิ", 148.0, "kg")]


def test_a_swap_with_one_partner_is_said_whole_in_two_parts() -> None:
    sms = sms_notice(proposal(["บ้านทุ่งหว้า"], SWAP))
    assert sms == (
        f"ข้อเสนอ #12 กับบ้านทุ่งหว้า: ให้ปลาแห้ง 20 กก. ได้ข้าวหอมมะลิ 148 กก. ตอบภายใน 9 ธ.ค. 14.00 น. {SMS_ANSWER}"
    )
    assert len(segments(sms)) <= 2


def test_long_partner_names_take_a_third_part_rather_than_be_left_out() -> None:
    # the second QA pass: the main swap's SMS named no partner, whoever it was
    partners = ["วิสาหกิจชุมชนข้าวหอมมะลิเชียงราย", "กลุ่มแม่บ้านเกษตรกรบ้านหนองบัว"]
    sms = sms_notice(proposal(partners, SWAP))
    assert sms == (
        "ข้อเสนอ #12 กับวิสาหกิจชุมชนข้าวหอมมะลิเชียงราย, กลุ่มแม่บ้านเกษตรกรบ้านหนองบัว: "
        "ให้ปลาแห้ง 20 กก. ได้ข้าวหอมมะลิ 148 กก. "
        f"ตอบภายใน 9 ธ.ค. 14.00 น. {SMS_ANSWER}"
    )
    assert len(segments(sms)) == 3


def test_many_goods_are_counted_not_cut() -> None:
    goods = [(True, f"สินค้าชุมชนชนิดที่ {n}", 10.0 + n, "kg") for n in range(8)]
    goods += [(False, "ข้าวหอมมะลิ", 148.0, "kg"), (False, "น้ำปลา", 12.0, "litre")]
    sms = sms_notice(proposal(["บ้านทุ่งหว้า"], goods))
    assert sms == (
        "ข้อเสนอ #12 กับบ้านทุ่งหว้า: ให้สินค้าชุมชนชนิดที่ 0 10 กก. และอีก 7 รายการ ได้ข้าวหอมมะลิ 148 กก."
        " และอีก 1 รายการ "
        f"ตอบภายใน 9 ธ.ค. 14.00 น. {SMS_ANSWER}"
    )
    assert "…" not in sms
    assert len(segments(sms)) <= 3


def test_eggs_and_cloth_are_counted_in_their_own_words_and_no_sms_grows_for_it() -> None:
    goods = [(True, "ไข่ไก่", 300.0, "piece"), (False, "ผ้าไหมทอมือ", 2.0, "piece")]
    sms = sms_notice(proposal(["บ้านทุ่งหว้า"], goods, ["eggs-chicken", "silk-cloth"]))
    assert sms == (
        f"ข้อเสนอ #12 กับบ้านทุ่งหว้า: ให้ไข่ไก่ 300 ฟอง ได้ผ้าไหมทอมือ 2 ผืน ตอบภายใน 9 ธ.ค. 14.00 น. {SMS_ANSWER}"
    )
    assert len(segments(sms)) <= 2
    # a notice made before the goods named their item says ชิ้น, as before
    assert "ให้ไข่ไก่ 300 ชิ้น" in sms_notice(proposal(["บ้านทุ่งหว้า"], goods))
    # an SMS is billed by UCS-2 units: no counting word is longer than the ชิ้น it replaces
    ucs2 = {word: len(word.encode("utf-16-le")) // 2 for word in counting_words().values()}
    assert max(ucs2.values()) <= len(thai_unit("piece").encode("utf-16-le")) // 2 == 4, ucs2


def test_the_coordinators_number_is_said_and_the_swap_stays_in_two_parts() -> None:
    """A member without a smartphone answers by calling: the number of a coordinator of the
    community's region, as Thai people write it, in the two parts the swap took before."""
    sms = sms_notice(proposal(["บ้านทุ่งหว้า"], SWAP) | {"coordinator_phone": "0812345678"})
    assert sms == (
        "ข้อเสนอ #12 กับบ้านทุ่งหว้า: ให้ปลาแห้ง 20 กก. ได้ข้าวหอมมะลิ 148 กก. ตอบภายใน 9 ธ.ค. 14.00 น. "
        "ตอบหรือหยุด SMS: โทร 081-234-5678"
    )
    assert len(segments(sms)) == 2
    # where the SMS takes a third part anyway, it says whose number it is
    partners = ["วิสาหกิจชุมชนข้าวหอมมะลิเชียงราย", "กลุ่มแม่บ้านเกษตรกรบ้านหนองบัว"]
    long = sms_notice(proposal(partners, SWAP) | {"coordinator_phone": "0812345678"})
    assert long.endswith("ตอบหรือหยุด SMS: โทรผู้ประสานงาน 081-234-5678"), long
    assert ", กลุ่มแม่บ้านเกษตรกรบ้านหนองบัว:" in long
    assert len(segments(long)) == 3


def test_the_number_is_never_left_out_and_never_costs_a_part() -> None:
    """Goods and partners are counted, then the partner left out, before the number goes; and the
    number's shortest saying is no longer than the text without it, so no SMS takes a part more
    for it (goods' Thai names are up to 60 characters: the longest SMS still fits the gateway)."""
    assert sms_answers("0812345678")[-1] == "ตอบหรือหยุด SMS: โทร 081-234-5678"
    ucs2 = [len(said.encode("utf-16-le")) // 2 for said in (sms_answers("0812345678")[-1], SMS_ANSWER)]
    assert ucs2[0] <= ucs2[1], ucs2
    partners = [f"วิสาหกิจชุมชนแปรรูปผลิตภัณฑ์ประมงพื้นบ้านหมู่ที่ {n}" for n in range(1, 4)]
    fish = "ผลิตภัณฑ์แปรรูปจากปลาทะเลตากแห้งของกลุ่มแม่บ้านตำบลปากบาราจังหวัดสตูล"[:60]
    rice = "ข้าวหอมมะลิอินทรีย์จากทุ่งกุลาร้องไห้ของวิสาหกิจชุมชนร้อยเอ็ดสุรินทร์"[:60]
    goods = [(True, fish, 9999.5, "kg")] * 3 + [(False, rice, 9999.5, "kg")] * 3
    assert max(len(g[1]) for g in goods) == 60
    with_number = sms_notice(proposal(partners, goods) | {"coordinator_phone": "0812345678"})
    without = sms_notice(proposal(partners, goods))
    assert with_number.endswith(" ตอบหรือหยุด SMS: โทร 081-234-5678"), with_number
    assert without.endswith(SMS_ANSWER)
    assert len(segments(with_number)) == len(segments(without)) <= MAX_PARTS
