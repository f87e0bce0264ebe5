"""What a community typed for goods, as a name the catalogue could be given (domain.goods_names)."""

from __future__ import annotations

import pytest

from barter.domain.goods_names import WORD_MAX, goods_word, name_key

KEPT = [
    ("ปลาช่อน", "ปลาช่อน"),
    ("  มัน   สำปะหลัง ", "มัน สำปะหลัง"),  # spaces as a name keeps them
    ("น\u0e49\u0e4d\u0e32ตาลโตนด", "น้ำตาลโตนด"),  # sara am typed as nikhahit and sara aa: one ำ
    ("ปลาช่อน2", "ปลาช่อน2"),
    ("ก" * WORD_MAX, "ก" * WORD_MAX),
]
REFUSED = [
    "",
    "   ",
    "durian",  # no Thai letter: no goods' Thai name
    "๑๒๓",
    "ก" * (WORD_MAX + 1),  # longer than a name
    "ปลา\u200bทู",  # a zero-width space no one types
    "ข้าว",  # a whole category
    "ปล า",
]


@pytest.mark.parametrize(("typed", "kept"), KEPT)
def test_a_word_that_could_name_goods_is_kept_tidied(typed: str, kept: str) -> None:
    assert goods_word(typed) == kept


@pytest.mark.parametrize("typed", REFUSED)
def test_a_word_no_goods_could_be_named_is_not_kept(typed: str) -> None:
    assert goods_word(typed) is None


def test_names_are_compared_without_spaces() -> None:
    assert name_key(" มัน  สำปะหลัง ") == name_key("มันสำปะหลัง") == "มันสำปะหลัง"
