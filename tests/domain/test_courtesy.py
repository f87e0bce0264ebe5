"""A hello or thanks alone, told from a message the bot could not read."""

from __future__ import annotations

import pytest

from barter.domain.courtesy import courtesy


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("สวัสดีค่ะ", "greeting"),
        ("สวัสดีครับผม 🙏", "greeting"),
        ("หวัดดีจ้า", "greeting"),
        ("สวัสดีตอนเช้าค่ะ", "greeting"),
        ("ขอบคุณค่ะ", "thanks"),
        ("ขอบคุณมากๆ ครับ", "thanks"),
        ("ขอบใจหลายๆ เด้อ", "thanks"),  # Isan
        ("ขอบพระคุณค่ะ 🙏🙏", "thanks"),
        # anything more, or nothing of either, is no courtesy alone
        ("สวัสดีค่ะ มีปลาเค็ม 20 กิโล", None),
        ("สวัสดีค่ะ ขอบคุณค่ะ", None),
        ("ค่ะ", None),
        ("🙏", None),
        ("มากๆ", None),
        ("", None),
    ],
)
def test_a_hello_or_thanks_alone(text: str, said: str | None) -> None:
    assert courtesy(text) == said
