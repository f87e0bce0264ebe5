"""Thai posts as villagers write them, and what the parser must read from each."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from barter.domain.thai_text import Draft, read_post
from barter.reference import load_catalogue

TODAY = date(2026, 12, 3)  # a Thursday; 2569 BE

# (message, [(kind, item_id, quantity, unit, extra fields)]); no drafts = not understood.
D = tuple[str | None, str | None, float | None, str | None, dict[str, Any]]
CASES: list[tuple[str, list[D]]] = [
    ("มีปลาเค็ม 200 กิโล", [("offer", "salted-fish", 200, "kg", {})]),
    (
        "ต้องการข้าวสาร ๕๐ กก. ภายในเดือนหน้า",
        [("need", "rice-white", 50, "kg", {"needed_by": date(2027, 1, 31)})],
    ),
    (
        "แลกกุ้งแห้ง 20 กิโล กับข้าวเหนียว",
        [
            ("offer", "dried-shrimp", 20, "kg", {}),
            ("need", "rice-sticky", 500, "kg", {"quantity_from_value": True}),
        ],
    ),
    ("มีปลาหมึกแห้ง ๑๕ กิโลกรัม", [("offer", "dried-squid", 15, "kg", {})]),
    ("ต้องการข้าวหอมมะลิ สองร้อยห้าสิบ กิโล", [("need", "rice-jasmine", 250, "kg", {})]),
    ("มีไข่ไก่ 10 ถาด", [("offer", "eggs-chicken", 300, "piece", {})]),
    ("มีไข่เค็ม สามร้อย ฟอง", [("offer", "eggs-salted", 300, "piece", {})]),
    (
        "ต้องการน้ำปลา 40 ลิตร ภายใน 2 สัปดาห์",
        [("need", "fish-sauce", 40, "litre", {"needed_by": date(2026, 12, 17)})],
    ),
    ("มีกะปิ 1,500 กก.", [("offer", "shrimp-paste", 1500, "kg", {})]),
    ("มีปลาเคม 2ร้อยกิโล", [("offer", "salted-fish", 200, "kg", {"guessed": True})]),  # misspelt
    ("อยากได้ข้าวเหนียง 100 กิโล", [("need", "rice-sticky", 100, "kg", {"guessed": True})]),  # misspelt
    ("มีตะใคร้ 30 กิโล", [("offer", "lemongrass", 30, "kg", {"guessed": True})]),  # misspelt
    (
        "มีลองกอง 100 กิโล",
        [("offer", None, 100, "kg", {"problems": ("unknown_item",)})],
    ),  # not in the catalogue
    ("ต้องการมันสำปะหลัง ห้าตัน", [("need", None, 5000, "kg", {"problems": ("unknown_item",)})]),
    ("สวัสดีครับ", []),
    ("ขอบคุณมากค่ะ", []),
    ("มีปลาร้า 80 โล ครับ", [("offer", "fermented-fish", 80, "kg", {})]),
    ("ต้องการปลาแดก ๒๐ กิโล", [("need", "fermented-fish", 20, "kg", {})]),
    ("ชุมชนเรามีผ้าไหม 12 ผืน", [("offer", "silk-cloth", 12, "piece", {})]),
    ("มีกาแฟคั่ว ครึ่งตัน", [("offer", "coffee-roasted", 500, "kg", {})]),
    (
        "มีมะพร้าว 500 ลูก พร้อมส่ง 15 ม.ค. 70",
        [("offer", "coconut", 500, "piece", {"available_from": date(2027, 1, 15)})],
    ),
    (
        "ต้องการข้าวกล้อง 60 กก ภายในวันที่ 31 ธันวาคม 2569",
        [("need", "rice-brown", 60, "kg", {"needed_by": date(2026, 12, 31)})],
    ),
    ("มีน้ำผึ้ง 3 ขวด", [("offer", "honey", 3, None, {"problems": ("unit_needs_size",)})]),
    ("มีข้าวสาร 10 กระสอบ กระสอบละ 50 กิโล", [("offer", "rice-white", 500, "kg", {})]),
    ("ต้องการน้ำตาลทราย 20 ถุง ถุงละ 1 กิโล", [("need", "cane-sugar", 20, "kg", {})]),
    ("มีกล้วยตาก 50 ลิตร", [("offer", "dried-banana", 50, "litre", {"problems": ("unit_mismatch",)})]),
    ("ข้าวหอมมะลิ 100 กิโล", [(None, "rice-jasmine", 100, "kg", {"problems": ("no_kind",)})]),
    ("ต้องการกุ้งแห้ง", [("need", "dried-shrimp", None, None, {"problems": ("no_quantity",)})]),
    (
        "มีปลาหมึกเค็ม 30 กิโล ต้องการข้าวสาร 400 กิโล",
        [("offer", "salted-squid", 30, "kg", {}), ("need", "rice-white", 400, "kg", {})],
    ),
    (
        "แลกปลากะตักแห้ง ๑๐ กก. เป็นข้าวหอมมะลิ ๘๐ กก.",
        [("offer", "dried-anchovy", 10, "kg", {}), ("need", "rice-jasmine", 80, "kg", {})],
    ),
    ("เหลือผักบุ้ง 40 กิโลค่ะ", [("offer", "morning-glory", 40, "kg", {})]),
    ("หาขมิ้นชัน หนึ่งร้อย กิโล ภายในเดือนนี้", [("need", "turmeric", 100, "kg", {"needed_by": date(2026, 12, 31)})]),
    ("มีไข่ไก่ 300", [("offer", "eggs-chicken", 300, "piece", {})]),
    ("ต้องการน้ำมันมะพร้าว 500 มล.", [("need", "coconut-oil", 0.5, "litre", {})]),
    ("มีเสื่อกระจูด ๒๕ ผืน", [("offer", "krajood-mat", 25, "piece", {})]),
    (
        "ต้องการข้าวเหนียวดำ 30 กิโล ภายใน 10 วัน",
        [("need", "rice-black-sticky", 30, "kg", {"needed_by": date(2026, 12, 13)})],
    ),
    ("เรามีน้ำพริกเผา 25 กิโล", [("offer", "chili-paste-roasted", 25, "kg", {})]),
    ("ต้องการ ปลาแห้ง 1.5 ตัน", [("need", "dried-fish", 1500, "kg", {})]),
]


def _check(draft: Draft, expected: D) -> None:
    kind, item, quantity, unit, extra = expected
    assert draft.kind == kind
    assert draft.item_id == item
    assert draft.quantity == (None if quantity is None else pytest.approx(quantity))
    assert draft.unit == unit
    assert draft.problems == extra.get("problems", ())
    for field in ("needed_by", "available_from", "available_until", "guessed", "quantity_from_value"):
        if field in extra:
            assert getattr(draft, field) == extra[field], field


@pytest.mark.parametrize(("message", "expected"), CASES, ids=[c[0] for c in CASES])
def test_reads_thai_posts(message: str, expected: list[D]) -> None:
    reading = read_post(message, load_catalogue(), TODAY)
    assert len(reading.drafts) == len(expected), reading
    for draft, want in zip(reading.drafts, expected, strict=True):
        _check(draft, want)
    assert reading.understood == bool(expected)


def test_table_is_large_and_varied() -> None:
    assert len(CASES) >= 30
    assert sum(any("\u0e50" <= ch <= "\u0e59" for ch in m) for m, _ in CASES) >= 5  # Thai digits
    assert sum(1 for _, e in CASES for d in e if d[4].get("guessed")) >= 3  # misspellings
    assert sum(1 for _, e in CASES for d in e if d[1] is None) >= 2  # unknown items


def test_ready_only_without_problems() -> None:
    assert read_post("มีปลาเค็ม 200 กิโล", load_catalogue(), TODAY).ready
    assert not read_post("มีปลาเค็ม", load_catalogue(), TODAY).ready
    assert not read_post("สวัสดี", load_catalogue(), TODAY).ready
