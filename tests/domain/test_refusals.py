"""What a refusal says, in Thai and in English (barter.domain.refusals)."""

from __future__ import annotations

from barter.domain.errors import FieldError
from barter.domain.refusals import problem


def test_a_taken_name_names_the_other_goods_in_each_language() -> None:
    taken = FieldError(
        "name_th",
        "",
        code="name_taken",
        params={"name": "ปลาอินทรีเค็ม", "item": "ปลาเค็ม", "item_en": "Salted fish"},
    )
    words = problem(taken)
    assert words.th == '"ปลาอินทรีเค็ม" เป็นชื่อที่ใช้เรียก ปลาเค็ม อยู่แล้ว'
    assert words.en == '"ปลาอินทรีเค็ม" already names Salted fish'
