"""The figures shipped in barter/reference, read without a database."""

from __future__ import annotations

import msgspec
import pytest

from barter.domain.model import REGIONS
from barter.reference import Province, load_catalogue, load_provinces


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
