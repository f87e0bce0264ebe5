"""What a chat's message means before any database is asked: a link code, a stop to SMS."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from barter.services.line import code_in, generate_code, letters_code_in, stops_sms


@pytest.mark.parametrize(
    "text",
    [
        "WPZ5-58YA",
        "wpz5 58ya",
        "WPZ558YA",
        "รหัส: WPZ5-58YA",
        # as members send it (a QA pass: each was answered "this chat is not linked, ask for a code")
        "WPZ5-58YA ค่ะ",
        "รหัส WPZ5-58YA ครับ",
        "รหัสเชื่อมต่อ WPZ5-58YA",
        "รหัสเชื่อมต่อคือ WPZ5-58YA นะคะ",
        "นี่รหัส WPZ5-58YA ค่ะ",
        "code WPZ5-58YA",
        # the second QA pass
        "WPZ5-58YA ครับผม",
        "WPZ5-58YA 🙏",
        "WPZ5–58YA",  # an en dash, as some keyboards make it
        "สวัสดีค่ะ WPZ5-58YA",
        "สวัสดีครับ รหัส WPZ5-58YA ขอบคุณครับ 🙏🏻",
    ],
)
def test_a_link_code_is_read_with_the_words_people_put_around_it(text: str) -> None:
    assert code_in(text) == "WPZ5-58YA"


@pytest.mark.parametrize(
    "text",
    [
        "มีปลาเค็ม 200 กิโล",
        "WPZ5-58YA กับ ABC2-DEF3",  # two codes: which one?
        "ต้องการ WPZ5-58YA 5 กิโล",
        "WPZ0-58YA",  # 0 is never in a code
        "รหัส WPZ5-58Y",
        # laughter and words: a code always has a letter and a digit
        "55555555",
        "5555 5555 ค่ะ",
        "HAPPYDAY",
    ],
)
def test_a_message_that_is_not_one_code_is_not_a_code(text: str) -> None:
    assert code_in(text) is None


def test_every_code_given_out_is_read_back() -> None:
    codes = [generate_code() for _ in range(500)]
    assert all(code_in(code) == code for code in codes)
    assert all(code_in(f"รหัส {code.lower()} ค่ะ") == code for code in codes)


@pytest.mark.parametrize(
    "text",
    [
        "หยุด SMS",
        "หยุดSMS",
        "stop sms",
        "STOP SMS",
        "ยกเลิก sms",
        # as members write it (each was "could not read this message" before)
        "หยุด SMS ค่ะ",
        "หยุดส่ง SMS",
        "ยกเลิก SMS ครับ",
        "ไม่เอา sms แล้ว",
        "ขอหยุดส่ง sms ด้วยค่ะ",
        "ไม่ต้องส่ง SMS แล้วนะคะ",
        # the second QA pass
        "หยุด SMS 🙏",
        "ไม่ต้องส่ง sms มาแล้วนะคะ",
        "ยกเลิกการส่ง SMS",
        "หยุด SMS นะคะ ขอบคุณค่ะ",
    ],
)
def test_stopping_sms_is_understood_as_people_say_it(text: str) -> None:
    assert stops_sms(text)


@pytest.mark.parametrize("text", ["SMS", "ส่ง SMS", "หยุด", "หยุด SMS ไว้ก่อน แล้วส่งทางไลน์แทน มีปลา 5 กิโล"])
def test_other_messages_do_not_stop_sms(text: str) -> None:
    assert not stops_sms(text)


@pytest.mark.parametrize("text", ["WPZK-MYHA", "wpzk myha ค่ะ", "WPZKMYHA ครับ", "รหัส WPZK-MYHA นะคะ 🙏"])
def test_an_all_letter_code_as_issued_before_codes_had_a_digit_is_read_to_be_looked_up(text: str) -> None:
    assert letters_code_in(text) == "WPZK-MYHA"
    assert code_in(text) is None  # not surely a code: redeem_code(issued_only=True) decides


@pytest.mark.parametrize(
    "text",
    ["WPZ5-58YA", "55555555", "WPZI-MYHA", "HAPPYDAY กับ GOODLUCK", "ต้องการ WPZK-MYHA 5 กิโล", "ขอบคุณค่ะ"],
)
def test_only_a_message_of_one_all_letter_word_may_be_an_old_code(text: str) -> None:
    assert letters_code_in(text) is None


_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # the letters codes are made of (no I, no O)


@given(st.text(alphabet=_LETTERS, min_size=8, max_size=8), st.sampled_from(["", " ค่ะ", " ครับ", " นะคะ 🙏"]))
@settings(max_examples=150, deadline=None)
def test_every_all_letter_code_of_the_old_kind_is_read_to_be_looked_up(body: str, after: str) -> None:
    code = f"{body[:4]}-{body[4:]}"
    for written in (code, body.lower(), f"{body[:4]} {body[4:]}"):
        assert letters_code_in(written + after) == code
        assert code_in(written + after) is None
