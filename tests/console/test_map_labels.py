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


def test_english_names_are_cut_at_a_word_and_keep_their_place() -> None:
    """The review: the demo's 360 English names made 33 labels ("Small-scale…" for 32 fishing
    groups). An English name says its place after "of", and the label keeps it, as a Thai one
    keeps ต.บางสัก."""
    assert _check("Small-scale fishers of Bang Sak") == "Bang Sak"
    assert _check("Silk weavers of Khaem") == "Silk… Khaem"
    assert _check("Indigo and herb group of Mae Tha") == "Indigo… Mae Tha"
    assert _check("Farmers of Wang") == "Farmers of Wang"  # all of it fits: the "of" too
    assert _check("Khuan Khanun jasmine rice enterprise") == "Khuan Khanun…"
    assert _check("Ban Thung Wa") == "Ban Thung Wa"


def test_the_demos_english_labels_are_as_many_as_its_thai_ones() -> None:
    from barter.demo import build_market

    communities = build_market().communities
    english = {maps.map_label(c.name_en) for c in communities}
    thai = {maps.map_label(c.name_th) for c in communities}
    assert len(english) >= len(thai) - 5, (len(english), len(thai))  # 33 before


def _point(name: str, community: int | None, *places: str, x: float = 100.0) -> maps.Point:
    return maps.Point(x, 200.0, name, community=community, places=places)


def test_two_places_whose_labels_look_alike_are_told_apart_by_where_they_are() -> None:
    """Two villages named บ้านหนองบัว on one map: the first of their places (sub-district, then
    province) that differs is added; where none does, they are numbered."""
    rice = "วิสาหกิจชุมชนข้าวหอมมะลิบ้านหนองบัว"
    yasothon = _point(rice, 1, "ทุ่งแต้", "ยโสธร")
    udon = _point(rice, 2, "หนองบัว", "อุดรธานี")
    assert maps.distinct_labels([yasothon, udon]) == ["ข้าว… บ้านหนองบัว · ทุ่งแต้", "ข้าว… บ้านหนองบัว · หนองบัว"]
    same_subdistrict_name = _point(rice, 2, "ทุ่งแต้", "อุดรธานี")
    assert maps.distinct_labels([yasothon, same_subdistrict_name]) == [
        "ข้าว… บ้านหนองบัว · ยโสธร",
        "ข้าว… บ้านหนองบัว · อุดรธานี",
    ]
    # two groups of one sub-district: its name alike, the province too (an exchange's map knows
    # only the province)
    fishers = [
        _point(f"{kind} fishers of Bang Sak", n, "Songkhla")
        for n, kind in ((1, "Small-scale"), (2, "Coastal"))
    ]
    assert maps.distinct_labels(fishers) == ["Bang Sak (1)", "Bang Sak (2)"]
    fishers = [
        _point("Small-scale fishers of Bang Sak", 1, "Bang Sak", "Phang Nga"),
        _point("Coastal fishers of Bang Sak", 2, "Bang Sak", "Songkhla"),
    ]
    assert maps.distinct_labels(fishers) == ["Bang Sak · Phang Nga", "Bang Sak · Songkhla"]
    alike = [_point("Coastal fishers of Phra Nakhon Si Ayutthaya", n, "Ayutthaya") for n in (1, 2)]
    assert maps.distinct_labels(alike) == ["Coastal… (1)", "Coastal… (2)"]
    # nothing known of where they are (a shipment's stops): numbered in the order they come
    stops = [_point("Ban Thung Wa", 7), _point("Ban Thung Wa", 3), _point("Ban Thung Wa", 7)]
    assert maps.distinct_labels(stops) == ["Ban Thung Wa (1)", "Ban Thung Wa (2)", "Ban Thung Wa (1)"]
    # a label no other place has is left as it is
    assert maps.distinct_labels([yasothon, _point("บ้านทุ่งหว้า", 3, "สตูล")]) == ["ข้าว… บ้านหนองบัว", "บ้านทุ่งหว้า"]


NAMES = st.sampled_from(
    [
        "Small-scale fishers of Bang Sak",
        "Small-scale fishers of Ko Yo",
        "Coastal fishers of Bang Sak",
        "Ban Thung Wa",
        "Ban Thung Wa (1)",  # a name that looks like a numbered label
        "Khuan Khanun jasmine rice enterprise",
        "Khuan Khanun jasmine rice cooperative",
        "วิสาหกิจชุมชนข้าวหอมมะลิบ้านหนองบัว",
        "กลุ่มประมงพื้นบ้านตำบลบางสัก",
        "กลุ่มประมงชายฝั่งตำบลบางสัก",
    ]
)
PLACES = st.lists(st.sampled_from(["ทุ่งแต้", "Songkhla", "Phra Nakhon Si Ayutthaya", ""]), max_size=2)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(NAMES, st.integers(0, 6), PLACES), max_size=12))
def test_no_two_places_on_a_map_share_a_label(drawn: list[tuple[str, int, list[str]]]) -> None:
    """Whatever the names and what is known of where they are: distinct places get distinct
    labels, a place shown twice the same one, each at most a label and a place wide."""
    by_community: dict[int, tuple[str, list[str]]] = {}
    points = []
    for drawn_name, community, drawn_places in drawn:
        # one community, one name
        name, places = by_community.setdefault(community, (drawn_name, drawn_places))
        points.append(_point(name, community, *places))
    labels = maps.distinct_labels(points)
    assert len(labels) == len(points)
    seen: dict[str, int | None] = {}
    for point, label in zip(points, labels, strict=True):
        assert seen.setdefault(label, point.community) == point.community, (label, drawn)
        assert maps.width(label) <= maps.LABEL_WIDTH + 3 + maps.PLACE_WIDTH, label


THAI = st.sampled_from(
    list("กขคงจชซดตทนบปผพฟมยรลวสหอฮ") + list("ัิีึืุู่้๊๋็์ำ") + list(LEADING_VOWELS) + [" ", "ตำบล", "กลุ่ม"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(THAI, min_size=1, max_size=40).map("".join))
def test_no_label_starts_with_a_mark_or_ends_a_consonant_without_its_marks(name: str) -> None:
    if not name.strip() or _joins(name.strip()[0]):
        return  # a name that itself starts with a lone mark is not a name
    _check(name)
