"""Thai phone numbers found in a contact's free text, and the tel: links that dial them."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from barter.domain.phone import numbers_in, thai_mobile


def _found(text: str) -> list[tuple[str, str]]:
    return [(text[d.start : d.end], d.tel) for d in numbers_in(text)]


def test_numbers_as_people_write_them_are_dialled_internationally() -> None:
    assert _found("081-234-5678") == [("081-234-5678", "tel:+66812345678")]
    assert _found("โทร 089 876 5432 หรือ LINE @bantung") == [("089 876 5432", "tel:+66898765432")]
    assert _found("+66 81 234 5678") == [("+66 81 234 5678", "tel:+66812345678")]
    assert _found("๐๘๑-๒๓๔-๕๖๗๘ (ผู้ใหญ่บ้าน)") == [("๐๘๑-๒๓๔-๕๖๗๘", "tel:+66812345678")]
    assert _found("โทร.0812345678") == [("0812345678", "tel:+66812345678")]


def test_landlines_are_dialled_too() -> None:
    assert _found("074-555-010") == [("074-555-010", "tel:+6674555010")]
    assert _found("0-2123-4567") == [("0-2123-4567", "tel:+6621234567")]  # the older grouping
    assert _found("สำนักงาน 02-123-4567, มือถือ 061-111-2222") == [
        ("02-123-4567", "tel:+6621234567"),
        ("061-111-2222", "tel:+66611112222"),
    ]


def test_what_is_not_a_phone_number_is_left_alone() -> None:
    assert _found("LINE: somchai0812345678") == []
    assert _found("บ้านเลขที่ 12/3 หมู่ 4") == []
    assert _found("081-234-56789") == []  # a digit too many
    assert _found("0212345678") == []  # a landline a digit too long
    assert _found("") == []


@given(st.text(alphabet="0123456789๐๘- +.abcโทร@", max_size=40))
def test_every_number_found_is_a_thai_number_written_in_the_text(text: str) -> None:
    last = 0
    for d in numbers_in(text):
        assert last <= d.start < d.end <= len(text)
        last = d.end
        written = text[d.start : d.end]
        assert written == written.strip()
        national = "0" + d.tel.removeprefix("tel:+66")
        assert national.isdigit()
        assert len(national) in (9, 10)
        assert len(national) == 9 or thai_mobile(written) == national
