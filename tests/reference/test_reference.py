"""The figures shipped in barter/reference, read without a database."""

from __future__ import annotations

import json

import msgspec
import pytest

from barter.domain import model
from barter.domain.model import REGIONS
from barter.reference import DIR, CatalogueItem, Province, load_catalogue, load_provinces


def test_every_province_is_in_one_of_the_six_regions_inside_thailand() -> None:
    provinces = load_provinces()
    assert len(provinces) == 77
    assert {p.region for p in provinces} == set(REGIONS)
    assert all(5.5 <= p.lat <= 20.5 and 97.3 <= p.lon <= 105.7 for p in provinces)


def test_a_province_in_an_unknown_region_is_refused_when_the_figures_load() -> None:
    row = {"code": "91", "name_th": "สตูล", "name_en": "Satun", "region": "southern", "lat": 6.6, "lon": 100.1}
    with pytest.raises(msgspec.ValidationError, match="region"):
        msgspec.convert(row, Province)


def test_catalogue_items_have_units_weights_and_values() -> None:
    items = load_catalogue()
    assert len(items) >= 40
    assert all(i.kg_per_unit > 0 and i.reference_value > 0 and i.shelf_life_days > 0 for i in items)


def test_a_need_for_any_rice_is_filled_by_rice_to_eat_never_by_paddy() -> None:
    """ "ต้องการข้าว 100 กิโล" is a need of the rice category, which any of its goods fill. Paddy
    (ข้าวเปลือก) must be milled before it is eaten, so it is a grain of its own category."""
    by_id = {i.id: i for i in load_catalogue()}
    assert by_id["paddy"].category_id == "grains-beans"
    assert {i.category_id for i in by_id.values() if i.name_th.startswith("ข้าวเปลือก")} == {"grains-beans"}
    assert "rice-white" in {i.id for i in by_id.values() if i.category_id == "rice"}


def test_no_name_calls_two_goods() -> None:
    """Each Thai name and other name of the shipped goods calls one item (compared without spaces):
    "กาแฟ" alone is no item's, so the reader asks which coffee."""
    names = [n.replace(" ", "") for i in load_catalogue() for n in (i.name_th, *i.synonyms_th)]
    assert len(names) == len(set(names))
    assert "กาแฟ" not in names


def test_every_item_counted_in_pieces_has_a_counting_word_and_no_other_item_has_one() -> None:
    for item in load_catalogue():
        assert (item.counted_th is not None) == (item.unit == "piece"), item.id
    # the Thai counting words (ลักษณนาม), one word each, not the generic ชิ้น
    assert {i.counted_th for i in load_catalogue() if i.counted_th} == {"ลูก", "ฟอง", "ผืน", "ใบ", "ก้อน"}


def test_a_counting_word_on_an_item_not_counted_in_pieces_is_refused_when_the_figures_load() -> None:
    row = {
        "id": "rice-jasmine",
        "category_id": "rice",
        "name_th": "ข้าวหอมมะลิ",
        "name_en": "Jasmine rice",
        "unit": "kg",
        "kg_per_unit": 1,
        "shelf_life_days": 365,
        "reference_value": 35,
        "quantity_step": 0.1,
        "counted_th": "ถัง",
    }
    with pytest.raises(msgspec.ValidationError, match="counting word"):
        msgspec.convert(row, CatalogueItem)
    assert msgspec.convert({**row, "counted_th": None}, CatalogueItem).counted_th is None


def test_the_regions_named_in_code_are_the_regions_of_the_figures() -> None:
    regions = json.loads((DIR / "regions.json").read_text(encoding="utf-8"))
    assert tuple(r["code"] for r in sorted(regions, key=lambda r: r["position"])) == REGIONS
    assert model.REGIONS is REGIONS  # the domain's names are the figures' own
