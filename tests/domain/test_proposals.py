"""The proposal state machine, pure: every state x action x role, without a database.

The proposal is the 2020 cycle: A (south) gives to C, C (northeast) to B, B (northeast) to A.
Nobody has answered yet. ALLOWED says which roles may attempt an action at all (the others get
403, whatever the state); OUTCOME says what an allowed attempt does from each state: the status
after it, "retry" (already done: nothing changes) or 409 (the action does not apply there).
"""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from barter.domain.access import Caller
from barter.domain.errors import Forbidden, NotFound
from barter.domain.proposals import (
    APPLIES,
    HOLD_EXPIRED,
    Action,
    Arc,
    NotDispatched,
    ProposalState,
    Request,
    Status,
    TransitionConflict,
    decide,
    declined_arcs,
)

A, B, C = 1, 2, 3
STATUSES: tuple[Status, ...] = (
    "proposed",
    "approved",
    "in_transit",
    "completed",
    "rejected",
    "expired",
    "cancelled",
)
ACTIONS: tuple[Action, ...] = tuple(APPLIES)
ROLES = {
    "admin": Caller(key_id=1, role="admin"),
    "coordinator": Caller(key_id=2, role="coordinator", regions=frozenset({"south", "northeast"})),
    "coordinator_elsewhere": Caller(key_id=3, role="coordinator", regions=frozenset({"north"})),
    "participant": Caller(key_id=4, role="community", community_id=A),
    "outsider": Caller(key_id=5, role="community", community_id=99),
    "partner": Caller(key_id=6, role="partner", partner_detail=True),
}
EVERYONE = frozenset(ROLES)
DECIDERS = frozenset({"admin", "coordinator"})
PARTIES = DECIDERS | {"participant"}
ALLOWED: dict[Action, frozenset[str]] = {
    "accept": PARTIES,
    "decline": PARTIES,
    "approve": DECIDERS,
    "reject": DECIDERS,
    "dispatch": PARTIES,  # givers, or their coordinators
    "complete": PARTIES,  # receivers, or their coordinators
    "cancel": DECIDERS,
    "expire": frozenset(),  # only the system expires a hold
}
# action -> {state: outcome} for an allowed role acting for every community it may; states not
# listed answer 409. "completed*": completed when the actor receives for all, else unchanged.
OUTCOME: dict[Action, dict[Status, str]] = {
    "accept": {"proposed": "proposed"},  # the regions have not approved yet
    "decline": {"proposed": "rejected", "rejected": "retry"},
    "approve": {"proposed": "proposed"},  # the communities have not accepted yet
    "reject": {"proposed": "rejected", "rejected": "retry"},
    "dispatch": {"approved": "in_transit", "in_transit": "retry"},
    "complete": {"in_transit": "completed*"},  # receipt follows dispatch
    "cancel": {"approved": "cancelled", "cancelled": "retry"},
    "expire": {},
}


def state(status: Status, **changes: object) -> ProposalState:
    fields: dict[str, object] = {
        "status": status,
        "regions": ("northeast", "south"),
        "members": {A: "south", B: "northeast", C: "northeast"},
        "accepted": frozenset(),
        "approved": frozenset(),
        "givers": frozenset({A, B, C}),
        "receivers": frozenset({A, B, C}),
        "received": frozenset(),
    }
    return ProposalState(**(fields | changes))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("status", "action", "role"), list(itertools.product(STATUSES, ACTIONS, sorted(ROLES)))
)
def test_every_state_action_and_role(status: Status, action: Action, role: str) -> None:
    caller, request = ROLES[role], Request(action)
    expected = OUTCOME[action].get(status, "409")
    if action == "expire":
        with pytest.raises(TransitionConflict):
            decide(state(status), caller, request)
        return
    if role not in ALLOWED[action]:
        with pytest.raises(Forbidden):
            decide(state(status), caller, request)
        return
    if expected == "409":
        with pytest.raises(TransitionConflict) as conflict:
            decide(state(status), caller, request)
        assert conflict.value.extra == {"state": status}
        return
    decision = decide(state(status), caller, request)
    assert decision.conflict is None
    if expected == "retry":
        assert decision.retry
        assert decision.status == status
        return
    assert not decision.retry
    if expected == "completed*":
        expected = "completed" if role in DECIDERS else status
    assert decision.status == expected
    assert decision.audit == action
    assert decision.release == (expected in ("rejected", "cancelled"))
    assert decision.deliver == (expected == "completed")
    assert decision.system is False


@pytest.mark.parametrize(("action", "role"), list(itertools.product(ACTIONS, sorted(ROLES))))
def test_a_hold_that_ran_out_expires_first_and_the_request_loses(action: Action, role: str) -> None:
    ran_out = state("proposed", hold_expired=True)
    if action in ("decline", "reject"):  # ending it anyway is what the caller wanted
        if role in ALLOWED[action]:
            assert decide(ran_out, ROLES[role], Request(action)).status == "rejected"
        return
    decision = decide(ran_out, ROLES[role], Request(action))
    assert (decision.status, decision.release, decision.system) == ("expired", True, True)
    assert decision.reason == HOLD_EXPIRED
    assert decision.conflict is not None
    assert decision.conflict.extra == {"state": "expired"}


def test_the_last_answer_approves_and_says_so() -> None:
    almost = state("proposed", accepted=frozenset({B, C}), approved=frozenset({"south", "northeast"}))
    decision = decide(almost, ROLES["participant"], Request("accept"))
    assert (decision.status, decision.accept, decision.event) == ("approved", (A,), "proposal.approved")
    regions_left = state("proposed", accepted=frozenset({A, B, C}), approved=frozenset({"south"}))
    decision = decide(regions_left, ROLES["coordinator"], Request("approve"))
    assert (decision.status, decision.approve, decision.event) == (
        "approved",
        ("northeast",),
        "proposal.approved",
    )


def test_an_answer_given_twice_is_a_retry_whatever_happened_since() -> None:
    answered = state("approved", accepted=frozenset({A, B, C}))
    assert decide(answered, ROLES["participant"], Request("accept")).retry
    received = state("in_transit", received=frozenset({A}))
    assert decide(received, ROLES["participant"], Request("complete")).retry


def test_another_reason_is_not_a_retry_of_a_rejection() -> None:
    rejected = state("rejected", reason="too far")
    assert decide(rejected, ROLES["coordinator"], Request("reject", reason="too far")).retry
    with pytest.raises(TransitionConflict):
        decide(rejected, ROLES["coordinator"], Request("reject", reason="spoiled"))


def test_answering_for_a_community_one_does_not_act_for_is_not_found() -> None:
    with pytest.raises(NotFound):
        decide(state("proposed"), ROLES["participant"], Request("accept", community_id=B))
    decision = decide(state("proposed"), ROLES["coordinator"], Request("accept", community_id=B))
    assert decision.accept == (B,)
    assert decision.community_id == B


def test_the_last_receipt_completes_and_delivers() -> None:
    almost = state("in_transit", received=frozenset({B, C}))
    decision = decide(almost, ROLES["participant"], Request("complete"))
    assert (decision.status, decision.deliver, decision.event) == ("completed", True, "proposal.completed")
    assert decision.shipments_follow


@pytest.mark.parametrize("role", sorted(PARTIES))
def test_a_receipt_before_dispatch_is_refused_as_not_dispatched(role: str) -> None:
    approved = state("approved", accepted=frozenset({A, B, C}), approved=frozenset({"south", "northeast"}))
    with pytest.raises(NotDispatched) as refused:
        decide(approved, ROLES[role], Request("complete"))
    assert (refused.value.status, refused.value.instance_code) == (409, "not_dispatched")
    assert refused.value.extra == {"state": "approved"}
    assert refused.value.detail_th is not None
    assert "ส่งของออก" in refused.value.detail_th


def test_the_table_covers_every_state_action_and_role() -> None:
    assert set(OUTCOME) == set(ACTIONS) == set(ALLOWED)
    assert all(set(OUTCOME[a]) <= set(STATUSES) for a in ACTIONS)
    assert len(STATUSES) * len(ACTIONS) * len(ROLES) == 336


MOVES: dict[Status, frozenset[Status]] = {
    "proposed": frozenset({"proposed", "approved", "rejected", "expired"}),
    "approved": frozenset({"approved", "in_transit", "cancelled"}),
    "in_transit": frozenset({"in_transit", "completed"}),
}

members = st.frozensets(st.sampled_from((A, B, C)))


@given(
    status=st.sampled_from(STATUSES),
    accepted=members,
    approved=st.frozensets(st.sampled_from(("south", "northeast"))),
    received=members,
    hold_expired=st.booleans(),
    role=st.sampled_from(sorted(ROLES)),
    action=st.sampled_from(ACTIONS),
    community_id=st.none() | st.sampled_from((A, B, C, 99)),
    reason=st.none() | st.sampled_from(("too far", "spoiled")),
)
def test_any_request_in_any_state_moves_only_along_the_diagram(
    status: Status,
    accepted: frozenset[int],
    approved: frozenset[str],
    received: frozenset[int],
    hold_expired: bool,
    role: str,
    action: Action,
    community_id: int | None,
    reason: str | None,
) -> None:
    before = state(status, accepted=accepted, approved=approved, received=received, hold_expired=hold_expired)
    try:
        decision = decide(before, ROLES[role], Request(action, community_id, reason))
    except (Forbidden, NotFound, TransitionConflict):
        return
    if decision.retry:
        assert decision.status == status
        assert (decision.accept, decision.approve, decision.receive, decision.release) == ((), (), (), False)
        return
    assert decision.status in MOVES[status]  # ended proposals never move again
    assert not (decision.release and decision.deliver)
    assert decision.release == (decision.status in ("rejected", "expired", "cancelled"))
    assert decision.deliver == (decision.status == "completed")
    assert set(decision.accept).isdisjoint(accepted)
    assert set(decision.approve).isdisjoint(approved)
    if decision.status == "approved" and status == "proposed":
        assert accepted | set(decision.accept) == {A, B, C}
        assert approved | set(decision.approve) == {"south", "northeast"}
        assert decision.event == "proposal.approved"


def test_a_decline_names_the_community_and_a_rejection_the_regions_and_both_repair() -> None:
    declined = decide(state("proposed"), ROLES["participant"], Request("decline", reason="no"))
    assert (declined.community_id, declined.regions, declined.repair) == (A, (), True)
    rejected = decide(state("proposed"), ROLES["coordinator"], Request("reject", reason="no"))
    assert (rejected.community_id, rejected.regions, rejected.repair) == (None, ("northeast", "south"), True)
    retried = decide(state("rejected", reason="no"), ROLES["participant"], Request("decline", reason="no"))
    assert retried.retry
    assert not retried.repair  # a retry changes nothing, and starts no second repair
    cancelled = decide(state("approved"), ROLES["coordinator"], Request("cancel", reason="no"))
    assert not cancelled.repair  # a cancelled exchange was approved by all: nothing to repair around
    expired = decide(state("proposed", hold_expired=True), ROLES["participant"], Request("accept"))
    assert not expired.repair


# A -> B -> C -> A: offers 10, 20, 30 and needs 11, 21, 31 of A, B, C
CYCLE = [Arc(10, 21, A, B), Arc(20, 31, B, C), Arc(30, 11, C, A)]
MEMBERS = {A: "south", B: "northeast", C: "northeast"}


def test_the_declined_arcs_are_those_where_the_decliner_gives_or_receives() -> None:
    assert declined_arcs(CYCLE, MEMBERS, B, ()) == [(10, 21), (20, 31)]
    assert declined_arcs(CYCLE, MEMBERS, A, ()) == [(10, 21), (30, 11)]


def test_a_rejection_cools_the_arcs_crossing_its_regions_communities() -> None:
    assert declined_arcs(CYCLE, MEMBERS, None, ["south"]) == [(10, 21), (30, 11)]
    assert declined_arcs(CYCLE, MEMBERS, None, ["northeast"]) == [(10, 21), (20, 31), (30, 11)]
    assert declined_arcs(CYCLE, MEMBERS, None, ["north"]) == []
