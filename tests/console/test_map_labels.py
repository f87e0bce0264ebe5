"""A map's labels: cut only between whole characters as read (a Thai consonant keeps its vowel and
tone marks), at a word where one is near, and showing what tells two communities apart."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from barter.console import maps

LIMIT = maps.LABEL_WIDTH
LEADING_VOWELS = "เแโใไ"


def _joins(ch: str) -> bool:
    """A character that belongs to the one before it: a mark (Thai vowels above and below, tone
    marks) or SARA AM (ำ), which Unicode's grapheme clusters keep with its consonant."""
    return unicodedata.category(ch).startswith("M") or ch == "\u0e33"


def _check(name: str) -> str:
    label = maps.map_label(name)
    full = maps.label_text(name)
    assert label, name
    assert maps.width(label) <= LIMIT, (name, label)
    if "…" not in label:
        assert label == full or full.endswith(f" {label}"), (name, label)  # all, or its place
    pieces = label.split("…")
    for piece in pieces:
        shown = piece.strip()
        assert not shown or not _joins(shown[0]), (name, label)  # no piece starts with a lone mark
    head = pieces[0]
    if len(pieces) > 1:
        assert full.startswith(head), (name, label, full)
        assert not _joins(full[len(head)]), (name, label)  # no consonant's marks left behind
        # nor a leading vowel without the consonant it was written before
        assert head[-1:] not in LEADING_VOWELS or full[len(head)].isspace(), (name, label)
        assert full.endswith(pieces[-1].lstrip()), (name, label)
    return label


def test_long_thai_names_show_what_tells_them_apart() -> None:
    """QA's map: "วิสาหกิจชุมชนข้…" for several communities, and a consonant cut from its vowel."""
    assert _check("วิสาหกิจชุมชนข้าวหอมมะลิบ้านหนองบัว") == "ข้าว… บ้านหนองบัว"
    assert _check("กลุ่มประมงพื้นบ้านบ้านต้นหยงโป") == "บ้านต้นหยงโป"  # no room for ประมง
    assert _check("วิสาหกิจชุมชนข้าวหอมบ้านควนขนุน") == "ข้าวหอม บ้านควนขนุน"
    assert _check("กลุ่มประมงพื้นบ้านตำบลบางสัก") == "ประมง… ต.บางสัก"
    assert _check("กลุ่มประมงพื้นบ้านตำบลเกาะยอ") == "ประมง… ต.เกาะยอ"
    assert _check("วิสาหกิจชุมชนผลไม้ตำบลนาทอน") == "ผลไม้ ต.นาทอน"
    assert _check("บ้านทุ่งหว้า") == "บ้านทุ่งหว้า"


def test_a_cut_never_parts_a_consonant_from_its_marks() -> None:
    # the 16th character was ข, its vowel and tone mark (้า) the 17th and 18th
    label = _check("ชุมชนบ้านน้ำเชี่ยวเกี่ยวข้าวดอกมะลิ")
    assert label.endswith("…")
    assert _check("เกี่ยวเกี่ยวเกี่ยวเกี่ยวเกี่ยวเกี่ยว").endswith("…")


def test_english_names_are_cut_at_a_word() -> None:
    assert _check("Small-scale fishers of Bang Sak") == "Small-scale…"
    assert _check("Ban Thung Wa") == "Ban Thung Wa"


THAI = st.sampled_from(
    list("กขคงจชซดตทนบปผพฟมยรลวสหอฮ") + list("ัิีึืุู่้๊๋็์ำ") + list(LEADING_VOWELS) + [" ", "ตำบล", "กลุ่ม"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(THAI, min_size=1, max_size=40).map("".join))
def test_no_label_starts_with_a_mark_or_ends_a_consonant_without_its_marks(name: str) -> None:
    if not name.strip() or _joins(name.strip()[0]):
        return  # a name that itself starts with a lone mark is not a name
    _check(name)
