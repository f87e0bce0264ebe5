from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from barter.channels.sms import SmsRefused, ThaiBulkSmsGateway, check_links, segments, thai_mobile
from tests.channels.standins import SmsGateway

NOTICE = (
    "แจ้งเตือน: ข้อเสนอแลกเปลี่ยนใหม่ ปลาเค็ม 100 กก. กับข้าวหอมมะลิ 600 กก. จากชุมชนบ้านหนองบัว "
    "ระยะทาง 1,200 กม. ตอบรับในไลน์หรือโทรหาผู้ประสานงาน"
)


def test_thai_fits_70_in_one_and_67_per_part() -> None:
    assert segments("ก" * 70) == ["ก" * 70]
    parts = segments("ก" * 71)
    assert [len(p) for p in parts] == [67, 4]
    assert "".join(parts) == "ก" * 71


def test_a_long_notice_is_counted_as_the_gateway_bills_it_and_nothing_is_lost() -> None:
    # The gateway cuts every 67 units, between words or not: a count that broke at spaces
    # recorded 3 parts for a 133-unit notice billed as 2 (CI, 7 Dec 2026).
    for notice in (
        NOTICE,
        "ข้อเสนอ #1 กับบ้านทุ่งหว้า: ให้ปลาแห้ง 20 กก. ได้ข้าวหอมมะลิ 148 กก. "
        "ตอบภายใน 10 ธ.ค. 2569 10.06 น. ตอบหรือหยุด SMS: แจ้งผู้ประสานงาน",
    ):
        parts = segments(notice)
        units = len(notice.encode("utf-16-le")) // 2
        assert len(parts) == -(-units // 67)
        assert all(len(p.encode("utf-16-le")) // 2 == 67 for p in parts[:-1])
        assert "".join(parts) == notice


@given(st.text(alphabet="กขคงาิีุู่้ ๑0123456789.:#", min_size=1, max_size=300))
def test_the_count_is_what_the_gateway_bills_for_any_thai_text(text: str) -> None:
    text = "ก" + text  # Thai, so UCS-2
    units = len(text.encode("utf-16-le")) // 2
    assert len(segments(text)) == (1 if units <= 70 else -(-units // 67))
    assert "".join(segments(text)) == text


def test_plain_latin_uses_gsm7_sizes_and_emoji_count_double() -> None:
    assert segments("a" * 160) == ["a" * 160]
    assert [len(p) for p in segments("a" * 161)] == [153, 8]
    parts = segments("🐟" * 40)  # 80 UCS-2 units
    assert [len(p) for p in parts] == [33, 7]  # a surrogate pair is never cut


def test_links_only_when_registered() -> None:
    check_links("ดูรายละเอียดในไลน์", [])
    with pytest.raises(SmsRefused, match=r"bit\.ly"):
        check_links("ดู https://bit.ly/x", [])
    with pytest.raises(SmsRefused, match=r"example\.com"):
        check_links("ดู example.com/x", [])
    check_links("ดู https://barter.example.org/p/1", ["barter.example.org"])


@pytest.mark.parametrize(
    ("raw", "number"),
    [("081-234-5678", "0812345678"), ("+66 81 234 5678", "0812345678"), ("66912345678", "0912345678")],
)
def test_thai_mobile_numbers(raw: str, number: str) -> None:
    assert thai_mobile(raw) == number


@pytest.mark.parametrize("raw", ["02-123-4567", "12345", "0812345"])
def test_not_a_mobile_number(raw: str) -> None:
    with pytest.raises(SmsRefused):
        thai_mobile(raw)


@pytest.fixture
def gateway() -> Iterator[SmsGateway]:
    with SmsGateway() as stand_in:
        yield stand_in


@pytest.fixture
async def sms(gateway: SmsGateway) -> AsyncIterator[ThaiBulkSmsGateway]:
    client = ThaiBulkSmsGateway(
        gateway.api_key, gateway.api_secret, sender="BARTER", base_url=gateway.url, timeout_s=5
    )
    yield client
    await client.aclose()


async def test_sends_through_thaibulksms_and_agrees_on_parts(
    gateway: SmsGateway, sms: ThaiBulkSmsGateway
) -> None:
    result = await sms.send("081-234-5678", NOTICE)
    assert result.ok
    assert result.status == 201
    assert result.message_id
    [sent] = gateway.sent
    assert sent.msisdn == "0812345678"
    assert sent.message == NOTICE
    assert sent.sender == "BARTER"
    assert sent.credits == result.parts == 3  # the gateway's own count agrees with barter's


async def test_gateway_failures(gateway: SmsGateway, sms: ThaiBulkSmsGateway) -> None:
    gateway.fail_next = [503]
    busy = await sms.send("0812345678", "ทดสอบ")
    assert not busy.ok
    assert busy.retryable
    refused = await sms.send("0212345678", "ทดสอบ")
    assert not refused.ok
    assert not refused.retryable
    assert refused.status is None
    link = await sms.send("0812345678", "ดู https://bit.ly/x")
    assert not link.ok
    assert "not registered" in (link.error or "")
    assert gateway.sent == []
    bad = ThaiBulkSmsGateway("k", "wrong", sender="BARTER", base_url=gateway.url, timeout_s=5)
    try:
        denied = await bad.send("0812345678", "ทดสอบ")
    finally:
        await bad.aclose()
    assert denied.status == 401
    assert not denied.retryable
