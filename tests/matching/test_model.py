"""The file formats: strict decoding with one-line errors naming the field."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from barter.matching.model import InstanceError, Settings, decode_instance, decode_solution, encode, problems
from tests.matching.conftest import as_instance, three_regions


def test_the_example_decodes_with_its_defaults() -> None:
    data = three_regions()
    del data["settings"]
    instance = decode_instance(json.dumps(data))
    assert instance.settings == Settings()
    assert instance.settings.max_cycle_length == 3
    assert instance.settings.balance_tolerance == 0.1
    assert instance.needs[0].priority == 1.0
    assert instance.offers[2].min_lot == 0
    assert decode_instance(encode(instance)) == instance


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda d: d["needs"][1].update(quantity="lots"), "$.needs[1].quantity"),
        (lambda d: d["offers"][0].update(quantity=-1), "$.offers[0].quantity"),
        (lambda d: d["settings"].update(max_cycle_lenght=3), "max_cycle_lenght"),
        (lambda d: d["settings"].update(max_cycle_length=9), "$.settings.max_cycle_length"),
        (lambda d: d["items"][0].update(value=0), "$.items[0].value"),
        (lambda d: d.update(format="barter-instance/2"), "$.format"),
        (lambda d: d["communities"][0].pop("id"), "id"),
    ],
)
def test_a_malformed_file_names_its_field_in_one_line(
    change: Callable[[dict[str, Any]], object], named: str
) -> None:
    data = three_regions()
    change(data)
    with pytest.raises(InstanceError) as caught:
        decode_instance(json.dumps(data))
    message = str(caught.value)
    assert named in message
    assert "\n" not in message


def test_what_a_schema_cannot_see_is_found_too() -> None:
    data = three_regions()
    data["offers"].append(dict(data["offers"][0]))  # duplicate id
    data["needs"][0]["item"] = "pumpkin"  # item and category
    data["needs"][1]["accept_offers"] = ["nope"]
    data["needs"][1].pop("item")
    data["offers"][1]["community"] = "atlantis"
    found = problems(as_instance(data))
    assert any("duplicate id 'fish'" in p for p in found)
    assert any("exactly one of accept_offers, item, category" in p for p in found)
    assert any("unknown offer 'nope'" in p for p in found)
    assert any("unknown community 'atlantis'" in p for p in found)
    with pytest.raises(InstanceError, match=r"more problem"):
        decode_instance(json.dumps(data))


def test_a_cycle_of_one_is_refused() -> None:
    assert problems(as_instance(three_regions(max_cycle_length=1)))


def test_solutions_decode_strictly() -> None:
    good = {
        "format": "barter-solution/1",
        "status": "optimal",
        "objective": 1,
        "upper_bound": 1,
        "solve_seconds": 0,
    }
    assert decode_solution(json.dumps(good)).status == "optimal"
    with pytest.raises(InstanceError, match=r"status"):
        decode_solution(json.dumps({**good, "status": "great"}))


def test_dates_and_shelf_lives_are_optional_fields_decoded_strictly() -> None:
    data = three_regions()
    data["today"] = "2026-12-04"
    data["items"][0]["shelf_life_days"] = 90
    data["offers"][0].update(available_from="2027-01-01", available_until="2027-03-31")
    data["needs"][1]["needed_by"] = "2027-02-15"
    instance = decode_instance(json.dumps(data))
    assert str(instance.today) == "2026-12-04"
    assert instance.items[0].shelf_life_days == 90
    assert str(instance.offers[0].available_until) == "2027-03-31"
    assert str(instance.needs[1].needed_by) == "2027-02-15"
    assert decode_instance(encode(instance)) == instance
    assert decode_instance(json.dumps(three_regions())).today is None  # files without dates load
    changes: list[tuple[Callable[[dict[str, Any]], object], str]] = [
        (lambda d: d["offers"][0].update(available_from="next month"), "$.offers[0].available_from"),
        (lambda d: d.update(today="2026-13-01"), "$.today"),
        (lambda d: d["items"][0].update(shelf_life_days=0), "$.items[0].shelf_life_days"),
        (lambda d: d["settings"].update(max_transport_share=1.5), "$.settings.max_transport_share"),
        (lambda d: d["settings"].update(speed_kmh=0), "$.settings.speed_kmh"),
        (lambda d: d["offers"][0].update(available_until="2026-12-31"), "$.offers[0].available_until"),
    ]
    for change, named in changes:
        bad = json.loads(json.dumps(data))
        change(bad)
        with pytest.raises(InstanceError, match=named.replace("$", r"\$").replace("[", r"\[")):
            decode_instance(json.dumps(bad))
