from __future__ import annotations

import pytest

from barter.domain.access import Caller
from barter.domain.errors import Forbidden
from barter.domain.grants import (
    MIN_COMMUNITIES,
    read_scope,
    require_detail,
    require_subscriber,
    subscriber_data,
)

ADMIN = Caller(key_id=1, role="admin")
SOUTH_COORDINATOR = Caller(key_id=2, role="coordinator", regions=frozenset({"south"}))
NATIONAL_PARTNER = Caller(key_id=3, role="partner")
NORTH_DETAIL_PARTNER = Caller(key_id=4, role="partner", regions=frozenset({"north"}), partner_detail=True)
COMMUNITY = Caller(key_id=5, role="community", community_id=9)


def test_admins_read_everything_in_detail() -> None:
    scope = read_scope(ADMIN)
    assert scope.regions is None
    assert scope.detail
    assert scope.narrowed(None) is None
    assert scope.narrowed("east") == ["east"]


def test_coordinators_read_their_regions_in_detail() -> None:
    scope = read_scope(SOUTH_COORDINATOR)
    assert scope.narrowed(None) == ["south"]
    assert scope.detail
    with pytest.raises(Forbidden, match="north"):
        scope.narrowed("north")


def test_a_partner_without_regions_is_national_and_reads_aggregates_only() -> None:
    scope = read_scope(NATIONAL_PARTNER)
    assert scope.narrowed(None) is None
    assert scope.narrowed("west") == ["west"]
    assert not scope.detail
    assert not scope.shows_cell(MIN_COMMUNITIES - 1)
    assert scope.shows_cell(MIN_COMMUNITIES)
    with pytest.raises(Forbidden, match="detail grant"):
        require_detail(scope)


def test_a_regional_detail_partner_sees_small_cells_of_its_regions_only() -> None:
    scope = read_scope(NORTH_DETAIL_PARTNER)
    assert scope.narrowed(None) == ["north"]
    assert scope.shows_cell(1)
    require_detail(scope)
    with pytest.raises(Forbidden):
        scope.narrowed("south")


def test_community_keys_have_no_grant_but_may_subscribe() -> None:
    with pytest.raises(Forbidden):
        read_scope(COMMUNITY)
    for caller in (COMMUNITY, ADMIN, SOUTH_COORDINATOR, NATIONAL_PARTNER):
        require_subscriber(caller)  # a community hears only of its own exchanges (the relay's fan-out)


def test_aggregates_only_subscribers_get_events_without_communities_or_reasons() -> None:
    data = {
        "proposal_id": 7,
        "status": "rejected",
        "communities": [3, 9],
        "reason": "ไม่มีเรือ",
        "total_value": 10.0,
    }
    assert subscriber_data(data, detail=True) == data
    assert subscriber_data(data, detail=False) == {
        "proposal_id": 7,
        "status": "rejected",
        "total_value": 10.0,
    }
    assert data["communities"] == [3, 9]  # the stored event is untouched
    assert subscriber_data([1, 2], detail=False) == [1, 2]
