"""services.proposals.places: where each participant of an exchange is, as far as the caller may know.

The console's exchange page used to ask for each participant's community one by one (a statement
each) and left out those the viewer may not read. places answers for all of them in one statement:
the own point where the caller sees it, the province's centre otherwise.
"""

from __future__ import annotations

import pytest

from barter.domain.access import Caller
from barter.domain.errors import Forbidden, NotFound
from barter.services import keys
from barter.services import proposals as service
from tests.across import province_centre, south_northeast, through_one_province
from tests.api.logistics.conftest import Towns
from tests.conftest import TEST_SECRET
from tests.statements import counted
from tests.world import ADMIN, COORD, COORD_ELSEWHERE, OTHER, OWNER, PARTNER, World


async def _caller(w: World, key: str) -> Caller:
    caller = await keys.authenticate(w.db, TEST_SECRET, key)
    assert caller is not None
    return caller


async def test_each_caller_gets_the_points_it_may_know_in_one_statement(world: World, towns: Towns) -> None:
    proposal_id, kho_wang = await through_one_province(world, towns)
    northeast = await world.new_key(role="coordinator", regions=["northeast"], name="Northeast")
    detail = await world.new_key(role="partner", partner_detail=True, name="University (rows)")
    everyone = {towns.satun["id"], towns.yasothon["id"], kho_wang["id"]}
    expected = {
        world.keys[OWNER]: {towns.satun["id"]},
        world.keys[COORD]: {towns.satun["id"]},
        northeast: {towns.yasothon["id"], kho_wang["id"]},
        world.keys[ADMIN]: everyone,
        detail: everyone,  # a national detail grant: the points its row-level exports give too
    }
    own = {c["id"]: c for c in (towns.satun, towns.yasothon, kho_wang)}
    for key, exact in expected.items():
        caller = await _caller(world, key)
        proposal = await service.get(world.db, caller, proposal_id)
        async with world.db.transaction(), counted(world.db) as statements:
            places = await service.places(world.db, caller, proposal)
        assert len(statements) == 1, statements
        assert {p.community_id for p in places} == everyone
        assert {p.community_id for p in places if p.exact} == exact, caller
        for p in places:
            c = own[p.community_id]
            assert p.province_code == c["province_code"]
            seen = (p.lat, p.lon)
            assert seen == ((c["lat"], c["lon"]) if p.exact else province_centre(c["province_code"]))
        yasothon = next(p for p in places if p.community_id == towns.yasothon["id"])
        assert (yasothon.province_name_th, yasothon.province_name_en) == ("ยโสธร", "Yasothon")


@pytest.mark.parametrize("persona", [OTHER, COORD_ELSEWHERE])
async def test_a_caller_who_may_not_see_the_exchange_is_told_nothing(
    world: World, towns: Towns, persona: str
) -> None:
    proposal_id = await south_northeast(world, towns)
    admin = await _caller(world, world.keys[ADMIN])
    proposal = await service.get(world.db, admin, proposal_id)
    with pytest.raises(NotFound):
        await service.places(world.db, await _caller(world, world.keys[persona]), proposal)


async def test_a_partner_reading_aggregates_only_is_refused(world: World, towns: Towns) -> None:
    proposal_id = await south_northeast(world, towns)
    proposal = await service.get(world.db, await _caller(world, world.keys[ADMIN]), proposal_id)
    with pytest.raises(Forbidden):
        await service.places(world.db, await _caller(world, world.keys[PARTNER]), proposal)
