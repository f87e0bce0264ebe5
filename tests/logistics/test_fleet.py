"""The default fleet: a depot and a hub in every region, three kinds of truck at each."""

from __future__ import annotations

from barter.domain.model import REGIONS
from barter.logistics.fleet import BIGGEST_KG, DEPOT_PROVINCES, FLEET, default_fleet
from barter.reference import load_provinces


def test_every_region_has_a_depot_hub_and_the_three_trucks() -> None:
    fleet = default_fleet()
    provinces = {p.code: p for p in load_provinces()}
    assert {h.place.region for h in fleet.hubs} == set(REGIONS)
    assert len(fleet.vehicles) == len(REGIONS) * len(FLEET)
    for region in REGIONS:
        province = provinces[DEPOT_PROVINCES[region]]
        assert province.region == region, "the depot city lies in its region"
        mine = [v for v in fleet.vehicles if v.depot.region == region]
        assert sorted(v.kind for v in mine) == ["pickup", "six-wheel", "ten-wheel"]
        assert {(v.depot.lat, v.depot.lon) for v in mine} == {(province.lat, province.lon)}
    assert BIGGEST_KG == 15_000
    assert all(not v.hub_to_hub for v in fleet.vehicles)
    names = fleet.names["depot:south"]
    assert (names["name_th"], names["name_en"]) == ("คลังรถสงขลา", "Songkhla depot")
    assert fleet.names["hub:northeast"]["name_en"] == "Khon Kaen hub"
