"""What a community types about a receipt is read only when the whole message has a receipt's
shape: group chat that merely holds a number, or a word like เสีย inside another, is not."""

from __future__ import annotations

import pytest

from barter.domain.receipt_text import ReceiptWords, names_goods, read_receipt_statement, read_receipt_words
from barter.reference import load_catalogue


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("120", ReceiptWords("amount")),
        ("ได้มา ๑๒๐ กิโล", ReceiptWords("amount")),
        ("มีแค่ร้อยสี่สิบ", ReceiptWords("amount")),
        ("ได้ 0 กิโล", ReceiptWords("amount")),
        ("120 ลิตร", ReceiptWords("amount")),  # an amount in another unit: the bot says so
        ("ได้ 2 กระสอบ", ReceiptWords("amount")),  # in sacks: the bot asks the kilos, records none
        ("10 ถุง", ReceiptWords("amount")),
        ("ได้มา 3 ถุงค่ะ", ReceiptWords("amount")),
        ("ได้ 100 กิโล ที่เหลือเสีย", ReceiptWords("amount", "spoiled")),
        ("ใช้ได้ 120 กก. ที่เหลือเน่า", ReceiptWords("amount", "spoiled")),
        ("ได้ 120 ขาดไป 28", None),  # two numbers: which is the answer is not guessed
        # The amount lost, said after how it fared: the rest of what was sent arrived.
        ("ได้รับแล้วค่ะ แต่เสียไป 10 กิโล", ReceiptWords("amount", "spoiled", received=True, lost=True)),
        ("ของถึงแล้ว เน่าไป ๕ กิโลครับ", ReceiptWords("amount", "spoiled", received=True, lost=True)),
        ("ได้ครบ แต่เปียก 3 กิโล", ReceiptWords("amount", "spoiled", lost=True)),
        ("ได้ไม่ครบ เสียไป 10 กิโล", ReceiptWords("amount", "spoiled", lost=True)),
        ("เสียไปประมาณสิบกิโล", ReceiptWords("amount", "spoiled", lost=True)),
        ("หายไป 2 กิโลค่ะ", ReceiptWords("amount", "short", lost=True)),
        ("ขาด 8 กก.", ReceiptWords("amount", "short", lost=True)),
        ("ได้รับแล้ว แต่ไม่ครบ", ReceiptWords("condition", "short", received=True)),
        # the goods named apart, before how they fared (the bot sums it up before recording it)
        ("ได้รับแล้วค่ะ ปลาเน่าไป 2 กิโล", ReceiptWords("amount", "spoiled", received=True, lost=True)),
        ("ได้รับแล้วค่ะปลาเน่าไป 2 กิโล", ReceiptWords("amount", "spoiled", received=True, lost=True)),
        ("ของถึงแล้ว แต่ข้าวเปียก 5 กิโลครับ", ReceiptWords("amount", "spoiled", received=True, lost=True)),
        # politeness before the amount, and how it fared as people say it
        ("ได้รับแล้วค่ะ 140 กิโล", ReceiptWords("amount", None, received=True)),
        ("ของถึงแล้วแต่เปียกน้ำ", ReceiptWords("condition", "spoiled", received=True)),
        ("ได้ของแล้ว 148 กิโล", ReceiptWords("amount", None, received=True)),
        ("ได้รับแล้วค่ะ", ReceiptWords("arrived", None, received=True)),
        ("ของถึงแล้วครับ", ReceiptWords("arrived", None, received=True)),
        ("ได้รับครบแล้ว", ReceiptWords("all", None, received=True)),
        ("ครบแล้วค่ะ", ReceiptWords("all")),
        ("ไม่ได้รับเลย", ReceiptWords("nothing", "short")),
        ("ไม่ได้ของเลยค่ะ", ReceiptWords("nothing", "short")),
        ("ของไม่มาเลย", ReceiptWords("nothing", "short")),
        # Not yet: still on its way, which is no shortfall.
        ("ยังไม่ได้", ReceiptWords("not_yet")),
        ("ยังไม่ถึงค่ะ", ReceiptWords("not_yet")),
        ("ยังไม่มาเลยครับ", ReceiptWords("not_yet")),
        ("ยังไม่ได้รับค่ะ", ReceiptWords("not_yet")),
        ("ยังไม่ได้ของนะคะ", ReceiptWords("not_yet")),
        ("ไม่ได้ของ", ReceiptWords("nothing", "short")),
        ("ของมาไม่ครบค่ะ", ReceiptWords("condition", "short")),
        ("ขาด", ReceiptWords("condition", "short")),
        ("ของเสีย", ReceiptWords("condition", "spoiled")),
    ],
)
def test_receipt_words_are_read(text: str, words: ReceiptWords | None) -> None:
    assert read_receipt_words(text) == words


@pytest.mark.parametrize(
    "text",
    [
        "พรุ่งนี้ประชุม 10 โมงนะ",  # a time
        "ราคาปลาเค็มตอนนี้ 200 บาท",  # a price
        "ขอ 2 วันนะ",
        "1,00 กิโล",
        "มีปลาเค็ม 200 กิโล",  # a post
        "ขอบคุณค่ะ",
        "ได้เลยค่ะ",  # "sure"
        "ถึงแล้วค่ะ",  # somebody arrived, not the goods
        "เสียดาย",  # เสีย inside another word
        "เสียดาย 10 กิโล",
        "ไม่ได้รับ เสีย 10 กิโล",  # nothing came, and yet some spoiled: not guessed
        "ยังไม่ได้ เสีย 10",
        "พรุ่งนี้ขาด 10 คน",  # people missing, not goods
        "พรุ่งนี้ ลุงขาด 10 กิโล",  # no receipt said before it
        "พรุ่งนี้ลุงขาด 10 กิโล",
        "ไม่ได้รับ ปลาเสีย 10 กิโล",
        "ไม่ครบองค์ประชุม",
        "",
        "120 " + "กิโล " * 30,
    ],
)
def test_chat_that_is_no_receipt_is_not_read_as_one(text: str) -> None:
    assert read_receipt_words(text) is None


@pytest.mark.parametrize(
    ("text", "said", "goods", "amount_text"),
    [
        ("ได้รับข้าวหอมมะลิแล้ว 148 กิโล", "amount", "ข้าวหอมมะลิ", "148 กิโล"),
        ("ได้รับปลาเค็มแล้ว 20 กิโล", "amount", "ปลาเค็ม", "20 กิโล"),
        ("ได้รับของแล้วค่ะ ขอบคุณค่ะ", "arrived", None, ""),
        ("ได้ของครบแล้วค่ะ 🙏", "all", None, ""),
        ("ได้รับข้าวแล้วค่ะ", "arrived", "ข้าว", ""),
        ("ข้าวมาถึงแล้วค่ะ", "arrived", "ข้าว", ""),
        ("รับแล้วค่ะ", "arrived", None, ""),
        # thanks as people say them after it
        ("ข้าวมาถึงแล้วค่ะ ขอบคุณมากๆ", "arrived", "ข้าว", ""),
        ("ได้รับแล้วค่ะ ขอบพระคุณมากค่ะ", "arrived", None, ""),
        ("ได้ข้าวแล้วจ้า ขอบใจหลายๆ", "arrived", "ข้าว", ""),
        # thanks to whomever, after it
        ("ได้ของครบแล้ว ขอบคุณทีมงานค่ะ", "all", None, ""),
        ("ได้รับของแล้วค่ะ ขอบคุณทุกคนนะคะ", "arrived", None, ""),
        ("ข้าวถึงแล้วนะคะ 148 กิโลครบ", "amount", "ข้าว", "นะคะ 148 กิโลครบ"),
        # the amount said before แล้ว / เรียบร้อย
        ("ได้รับข้าวสาร 50 กิโลเรียบร้อยค่ะ", "amount", "ข้าวสาร", "50 กิโล"),
        ("ได้รับปลาเค็ม 20 กิโลแล้วค่ะ ขอบคุณค่ะ", "amount", "ปลาเค็ม", "20 กิโล"),
        # in sacks or fish counted whole: read, so that the bot asks the goods' own unit
        ("ได้รับข้าวแล้ว 2 กระสอบ", "amount", "ข้าว", "2 กระสอบ"),
        ("รับปลา 2 ตัวแล้ว", "amount", "ปลา", "2 ตัว"),
    ],
)
def test_a_receipt_stated_as_a_sentence_names_its_goods(
    text: str, said: str, goods: str | None, amount_text: str
) -> None:
    statement = read_receipt_statement(text, load_catalogue())
    assert statement is not None
    assert (statement.words.said, statement.words.received, statement.goods, statement.amount_text) == (
        said,
        True,
        goods,
        amount_text,
    )


@pytest.mark.parametrize(
    "text",
    [
        "ได้เวลาแล้ว",  # it is time: no goods
        "ได้แล้วค่ะ",  # "done"
        "ลุงมาถึงแล้ว",  # a person arrived
        "ถึงแล้วค่ะ",
        "รับแล้วค่ะ จะส่งพรุ่งนี้",  # more than a receipt
        "ได้รับของแล้วค่ะ ขอบคุณค่ะ แต่ของเสียบางส่วน",  # not all well: not read as all of it
        "ได้รับข้าวแล้วค่ะ ขอบคุณที่ส่ง 2 รอบ",  # a number after thanks: not guessed
        "ได้รับข้าวสาร 50 กิโลเรียบร้อยค่ะ จะส่งปลาพรุ่งนี้",  # more than a receipt
        "ได้เวลา 10 โมงแล้ว",  # a time, not goods
        "มีปลาเค็ม 200 กิโล",
    ],
)
def test_a_sentence_that_is_no_receipt_statement_is_not_read_as_one(text: str) -> None:
    assert read_receipt_statement(text, load_catalogue()) is None


def test_a_statement_naming_its_goods_may_say_the_amount_lost() -> None:
    statement = read_receipt_statement("ได้รับข้าวแล้วค่ะ แต่เสียไป 10 กิโล", load_catalogue())
    assert statement is not None
    assert statement.words == ReceiptWords("amount", "spoiled", received=True, lost=True)
    assert (statement.goods, statement.amount_text) == ("ข้าว", "ค่ะ แต่เสียไป 10 กิโล")


def test_goods_are_named_by_the_whole_name_or_its_start() -> None:
    assert names_goods("ข้าว", ["ข้าวหอมมะลิ"])
    assert names_goods("ข้าวหอม", ["ข้าวหอมมะลิ", "ข้าวหอม"])
    assert not names_goods("ปลาเค็ม", ["ข้าวหอมมะลิ", "ข้าวหอม"])
