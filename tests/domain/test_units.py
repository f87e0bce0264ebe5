"""One table of units: what the API converts and what the LINE parser reads agree, factor for factor;
units' names (UNIT_NAMES) in Thai, and in English singular and plural."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from barter.domain import refusals, thai_text, units
from barter.domain.errors import FieldError
from barter.domain.proposals import Leg, OwnTerm, explain
from barter.domain.spreadsheet import _unit as sheet_unit
from barter.reference import load_catalogue
from tests.added_goods import ADDED

TODAY = date(2026, 12, 3)
_BY_UNIT = {u: [i for i in load_catalogue() if i.unit == u] for u in ("kg", "litre", "piece")}
# Words the API takes for a unit of weight, volume or count (packs are containers in a chat: asked)
_API_WORDS = sorted(
    w
    for w, code in (*units.ALIASES.items(), *((c, c) for c in units.INPUT_UNITS))
    if units.CONVERSIONS[code][0] != "pack"
)


def test_every_unit_the_parser_reads_has_its_factor_from_the_one_table() -> None:
    for word, read in thai_text.UNITS.items():
        assert read == units.FACTORS[units.SPOKEN[word]], word
    assert {u: units.FACTORS[u] for u in units.INPUT_UNITS} == units.CONVERSIONS


@given(st.sampled_from(_API_WORDS), st.integers(1, 9999))
@settings(max_examples=150, deadline=None)
def test_a_unit_the_api_converts_is_read_the_same_in_a_chat(word: str, count: int) -> None:
    unit = units.canonical_unit(word)
    assert unit is not None
    item = _BY_UNIT[unit][0]
    (draft,) = thai_text.read_post(f"มี{item.name_th} {count} {word}", load_catalogue(), TODAY).drafts
    assert (draft.item_id, draft.unit, draft.problems) == (item.id, unit, ()), word
    assert draft.quantity == pytest.approx(units.to_catalogue_unit(count, word, unit)), word


@pytest.mark.parametrize(
    ("written", "unit"),
    [
        ("กก.", "kg"),
        ("โล", "kg"),
        ("กรัม", "g"),
        ("มล.", "ml"),
        ("ใบ", "piece"),
        ("kilo", "kg"),
        ("pack", "pack"),
        ("ถุง", "pack"),  # as the API takes it (in a chat, a bag's size is asked)
        ("ถาด", "pack"),
    ],
)
def test_a_sheet_takes_the_units_the_api_takes_as_thai_people_write_them(written: str, unit: str) -> None:
    assert sheet_unit(written) == unit


@pytest.mark.parametrize("written", ["ตัน", "เกวียน", "ขีด", "แผง", "กระปุก"])
def test_a_sheet_refuses_a_unit_the_api_does_not_take(written: str) -> None:
    assert sheet_unit(written) is None


def test_the_words_a_size_is_asked_in_read_back_at_factor_one() -> None:
    for unit, word in units.SIZE_WORDS.items():
        assert thai_text.UNITS[word] == (unit, 1.0)


def test_english_units_agree_with_their_number() -> None:
    assert units.english_unit("piece", 1) == "piece"
    assert units.english_unit("piece", 200) == "pieces"
    assert units.english_unit("pack", 0.5) == "packs"
    assert units.english_unit("litre", 2.5) == "litres"
    assert units.english_unit("kg", 1) == "kg"
    assert units.english_unit("kg", 200) == "kg"  # a symbol has no plural
    assert units.english_unit("bale", 3) == "bale"  # a unit not in the table is said as given


NAMES = {1: ("ก", "A"), 2: ("ข", "B")}
ONE = Leg(1, 2, 1, "piece", "เสื่อกก", "Reed mat", value=350)


def test_one_piece_is_one_piece_in_an_explanation() -> None:
    _, english = explain(1, [ONE], NAMES, "chain")
    assert "1 piece of reed mat" in english
    _, english = explain(1, [replace(ONE, quantity=200)], NAMES, "chain")
    assert "200 pieces of reed mat" in english


def test_own_terms_say_their_units_in_the_plural_where_it_is_one() -> None:
    fish = Leg(1, 2, 10, "kg", "ปลาแห้ง", "Dried fish", value=2500)
    mats = replace(ONE, giver=2, receiver=1, quantity=20, value=2500)
    term = OwnTerm(250, ratio=2, ratio_item_th="เสื่อกก", ratio_item_en="Reed mat", ratio_unit="piece")
    _, english = explain(1, [replace(fish, giver_term=term), mats], NAMES, "swap")
    assert "at least 2 pieces of reed mat for each kg of dried fish" in english
    by_value = replace(mats, receiver_term=OwnTerm(125))
    _, english = explain(1, [fish, by_value], NAMES, "swap")
    assert "reed mat at 125 baht a piece" in english


# The counting words (ลักษณนาม) a Thai villager counts each piece item in.
COUNTED = {
    "herbal-compress": "ลูก",
    "coconut": "ลูก",
    "pomelo": "ลูก",
    "eggs-chicken": "ฟอง",
    "eggs-salted": "ฟอง",
    "eggs-duck": "ฟอง",
    "silk-cloth": "ผืน",
    "cotton-cloth": "ผืน",
    "indigo-cloth": "ผืน",
    "bamboo-basket": "ใบ",
    "sticky-rice-basket": "ใบ",
    "krajood-mat": "ผืน",
    "herbal-soap": "ก้อน",
}


def test_every_piece_item_is_said_in_its_own_counting_word_and_nothing_else_changes() -> None:
    assert {i.id: units.thai_unit_for(i.unit, i.id) for i in _BY_UNIT["piece"]} == COUNTED
    assert units.counting_words() == COUNTED
    for item in (*_BY_UNIT["kg"], *_BY_UNIT["litre"]):
        assert item.counted_th is None, item.id
        assert units.thai_unit_for(item.unit, item.id) == units.thai_unit(item.unit), item.id
    assert units.thai_unit_for("kg", "rice-jasmine") == "กก."
    assert units.thai_unit_for("litre", "fish-sauce") == "ลิตร"
    # the item not known (a category's need, a unit list), or not in the catalogue: ชิ้น
    assert units.thai_unit_for("piece", None) == "ชิ้น"
    assert units.thai_unit_for("piece", "a-village-own-item") == "ชิ้น"
    # an egg said in another unit (a wrong one, a receipt's) is said in that unit
    assert units.thai_unit_for("kg", "eggs-chicken") == "กก."
    # English counts every piece item in pieces
    assert units.english_unit("piece", 300) == "pieces"


def test_goods_summed_are_said_in_the_counting_word_they_all_share_else_in_chin() -> None:
    # eggs, chicken and salted, are both counted in ฟอง: a category's sum of them is too
    assert units.thai_unit_of_all("piece", ["eggs-chicken", "eggs-salted"]) == "ฟอง"
    assert units.thai_unit_of_all("piece", ["coconut"]) == "ลูก"
    # cloth (ผืน) and baskets (ใบ) summed are neither: ชิ้น
    assert units.thai_unit_of_all("piece", ["silk-cloth", "krajood-mat", "bamboo-basket"]) == "ชิ้น"
    # an item counted in no word of its own, or none named at all: ชิ้น
    assert units.thai_unit_of_all("piece", ["eggs-chicken", "a-village-own-item"]) == "ชิ้น"
    assert units.thai_unit_of_all("piece", []) == "ชิ้น"
    # weighed goods keep the unit's word
    assert units.thai_unit_of_all("kg", ["rice-jasmine", "rice-sticky"]) == "กก."
    # each category whose piece items share a word says it; the others say ชิ้น
    catalogue = load_catalogue()
    said = {
        category: units.thai_unit_of_all(
            "piece", [i.id for i in catalogue if i.category_id == category and i.unit == "piece"]
        )
        for category in {i.category_id for i in catalogue}
    }
    assert {c: w for c, w in said.items() if w != "ชิ้น"} == {
        "eggs": "ฟอง",
        "fruit": "ลูก",
        "herbs": "ลูก",
        "household": "ก้อน",
    }
    assert said["crafts"] == "ชิ้น"


@pytest.mark.parametrize("word", sorted(set(COUNTED.values())))
def test_a_counting_word_barter_says_is_read_back_as_pieces(word: str) -> None:
    assert units.normalise_unit(word) == "piece"
    assert thai_text.UNITS[word] == ("piece", 1.0)
    assert sheet_unit(word) == "piece"


@pytest.mark.parametrize(
    ("message", "read"),
    [
        ("มีใบมะกรูด 2 กิโล", ("kaffir-lime-leaves", 2, "kg")),  # ใบ, a leaf, begins the item's name
        ("ต้องการใบมะกรูด 500 กรัม", ("kaffir-lime-leaves", 0.5, "kg")),
        ("มีตะกร้าไม้ไผ่ 12 ใบ", ("bamboo-basket", 12, "piece")),  # ใบ after a number: baskets
        ("มีกระติบข้าว 20 ใบ", ("sticky-rice-basket", 20, "piece")),
    ],
)
def test_bai_is_a_leaf_in_an_items_name_and_a_count_after_a_number(
    message: str, read: tuple[str, float, str]
) -> None:
    (draft,) = thai_text.read_post(message, load_catalogue(), TODAY).drafts
    assert (draft.item_id, draft.quantity, draft.unit, draft.problems) == (*read, ())


def test_a_basket_and_leaves_in_one_message_are_two_goods() -> None:
    baskets, leaves = thai_text.read_post("มีกระติบข้าว 20 ใบ ใบมะกรูด 3 กิโล", load_catalogue(), TODAY).drafts
    assert (baskets.item_id, baskets.quantity, baskets.unit) == ("sticky-rice-basket", 20, "piece")
    assert (leaves.item_id, leaves.quantity, leaves.unit) == ("kaffir-lime-leaves", 3, "kg")


EGGS = Leg(1, 2, 300, "piece", "ไข่ไก่", "Chicken eggs", value=1200, item_id="eggs-chicken")


def test_an_explanation_counts_eggs_in_fong_and_english_in_pieces() -> None:
    rice = Leg(2, 1, 40, "kg", "ข้าวหอมมะลิ", "Jasmine rice", value=1400, item_id="rice-jasmine")
    thai, english = explain(1, [EGGS, rice], NAMES, "swap")
    assert "คุณให้ไข่ไก่ 300 ฟอง (มูลค่าประมาณ 1,200 บาท) แก่ข" in thai
    assert "ข้าวหอมมะลิ 40 กก." in thai
    assert "ชิ้น" not in thai
    assert "300 pieces of chicken eggs" in english
    # a leg whose item is not known is said in ชิ้น, as before
    thai, _ = explain(1, [replace(EGGS, item_id=None), rice], NAMES, "swap")
    assert "ไข่ไก่ 300 ชิ้น" in thai


def test_own_terms_say_each_item_in_its_own_counting_word() -> None:
    coconuts = Leg(2, 1, 50, "piece", "มะพร้าว", "Coconut", value=1250, item_id="coconut")
    term = OwnTerm(5, ratio=2, ratio_item_th="มะพร้าว", ratio_item_en="Coconut", ratio_unit="piece")
    term = replace(term, ratio_item_id="coconut")
    thai, english = explain(1, [replace(EGGS, giver_term=term), coconuts], NAMES, "swap")
    assert "ไข่ไก่ 1 ฟอง ต่อมะพร้าวอย่างน้อย 2 ลูก" in thai
    assert "at least 2 pieces of coconut for each piece of chicken eggs" in english
    thai, _ = explain(1, [EGGS, replace(coconuts, receiver_term=OwnTerm(30))], NAMES, "swap")
    assert "มะพร้าว ลูกละ 30 บาท" in thai


def test_a_refusal_names_the_unit_in_the_items_counting_word_where_it_names_the_item() -> None:
    def said(code: str, params: dict[str, object]) -> tuple[str, str]:
        words = refusals.field_error(FieldError("quantity", "-", code=code, params=params))
        return words.th, words.en

    again = said("give_again", {"unit": "piece", "item_id": "eggs-chicken"})
    assert again == (
        "จำนวน: สินค้าใหม่นับเป็น ฟอง ให้ใส่จำนวนนี้ใหม่เป็น ฟอง",
        "How much: the new goods are counted in pieces: give it again in pieces",
    )
    assert said("counted_in", {"units": "piece", "item_id": "coconut"})[0] == "จำนวน: ของนี้นับเป็น ลูก"
    # no item named (a category's units): the units' own words
    assert said("counted_in", {"units": ["kg", "piece"]})[0] == "จำนวน: ของนี้นับเป็น กก., ชิ้น"


def test_goods_the_network_added_are_said_in_their_own_counting_word_once_known() -> None:
    """barter.domain is told the live catalogue (barter.services.catalogue.current): an added
    ไก่ย่าง counted in ตัว is said in it, in one amount and in a category's sum; forgotten, ชิ้น."""
    assert units.thai_unit_for("piece", "grilled-chicken") == "ชิ้น"  # the shipped catalogue knows none
    units.goods_known(ADDED)
    assert units.counting_words() == {**COUNTED, "grilled-chicken": "ตัว"}
    assert units.thai_unit_for("piece", "grilled-chicken") == "ตัว"
    assert units.thai_unit_for("kg", "striped-snakehead") == "กก."
    assert units.thai_unit_of_all("piece", ["grilled-chicken"]) == "ตัว"
    chicken = Leg(1, 2, 9, "piece", "ไก่ย่าง", "Grilled chicken", value=1350, item_id="grilled-chicken")
    snakehead = Leg(2, 1, 15, "kg", "ปลาช่อน", "Striped snakehead", value=1350, item_id="striped-snakehead")
    thai, english = explain(1, [chicken, snakehead], NAMES, "swap")
    assert "ไก่ย่าง 9 ตัว" in thai, thai
    assert "ปลาช่อน 15 กก." in thai, thai
    assert "9 pieces" in english, english
    units.goods_known(None)
    assert units.thai_unit_for("piece", "grilled-chicken") == "ชิ้น"
    assert units.counting_words() == COUNTED


@pytest.mark.parametrize(
    ("message", "read", "problems"),
    [
        ("มีไก่ย่าง 5 ตัว", ("grilled-chicken", 5, "piece"), ()),
        ("ต้องการไก่ย่างสิบตัว", ("grilled-chicken", 10, "piece"), ()),
        ("มีไก่ย่าง 5ตัว", ("grilled-chicken", 5, "piece"), ()),
        ("มีไก่ย่าง 5 ชิ้น", ("grilled-chicken", 5, "piece"), ()),
        # weighed snakehead counted in fish is asked their weight, as before: "ตัวละกี่กิโล?"
        ("มีปลาช่อน 20 ตัว", ("striped-snakehead", 20, None), ("unit_needs_size",)),
        ("มีปลาช่อน 20 กิโล", ("striped-snakehead", 20, "kg"), ()),
        # ตัว is the chicken's word, not the eggs': asked, as any unknown word after a number
        ("มีไข่ไก่ 5 ตัว", ("eggs-chicken", 5, None), ("unit_needs_size",)),
        ("มีใบมะกรูด 2 กิโล", ("kaffir-lime-leaves", 2, "kg"), ()),
    ],
)
def test_an_added_items_own_counting_word_is_read_as_its_pieces(
    message: str, read: tuple[str, float, str | None], problems: tuple[str, ...]
) -> None:
    (draft,) = thai_text.read_post(message, ADDED, TODAY).drafts
    assert (draft.item_id, draft.quantity, draft.unit, draft.problems) == (*read, problems)
