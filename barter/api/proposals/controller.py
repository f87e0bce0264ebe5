"""Proposals (exchanges): read them, and move them from proposed to completed."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import State
from litestar.params import FromQuery, JSONBody, QueryParameter
from msgspec import Meta

from barter.api.auth import SECURITY, CallerDep
from barter.api.deps import Conn
from barter.api.http import (
    Cursor,
    Idempotency,
    IdempotencyDep,
    IdPath,
    Limit,
    OptionalIfMatch,
    etag,
    expected_version,
    id_page,
    json_response,
    last_id,
)
from barter.api.openapi import problems
from barter.api.problems import barter_error_handler
from barter.api.schemas import Page
from barter.domain.access import Caller, require_row_level
from barter.domain.errors import FieldError, ValidationFailed
from barter.domain.model import Region
from barter.domain.proposals import Action
from barter.domain.receipts import Stated
from barter.schemas.base import Input
from barter.schemas.proposals import DisputeOut, DisputeResolve, ProposalOut, Receipt
from barter.services import disputes, read
from barter.services import proposals as workflow

Reason = Annotated[str, Meta(min_length=1, max_length=500)]
TRANSITION = problems(400, 401, 403, 404, 409, 412, 413, 422)


class Decision(Input):
    community_id: Annotated[int, Meta(ge=1, le=2**62, description="The community you answer for")] | None = (
        None
    )
    reason: Reason | None = None


class Receive(Decision):
    """Confirm receipt; `receipts` records what arrived on a transfer when it was not all of it."""

    receipts: Annotated[list[Receipt], Meta(max_length=100)] | None = None


def _version(if_match: str | None) -> int | None:
    """If-Match is optional on transitions (they are idempotent); when sent, a stale one is 412."""
    return None if if_match is None else expected_version(if_match)


async def _move(
    request: Request[Any, Any, Any],
    state: State,
    conn: Conn,
    caller: Caller,
    idempotency: Idempotency,
    proposal_id: int,
    action: Action,
    data: Decision | None,
    if_match: str | None,
    reason_required: bool,
) -> Response[ProposalOut]:
    decision = data or Decision()
    receipts = decision.receipts if isinstance(decision, Receive) else None
    if reason_required and not (decision.reason and decision.reason.strip()):
        raise ValidationFailed([FieldError("reason", f"a reason is required to {action}", code="required")])
    outcome = await workflow.transition(
        conn,
        caller,
        proposal_id,
        action,
        state.clock,
        community_id=decision.community_id,
        reason=decision.reason,
        version=_version(if_match),
        receipts=[Stated(r.position, r.quantity, r.condition, r.note, r.photo_ref) for r in receipts or ()],
    )
    if outcome.conflict is not None:
        # The transition lost, but what it found (an expired hold) must still be committed.
        return barter_error_handler(request, outcome.conflict)
    return await idempotency.respond(outcome.proposal, 200, {"ETag": etag(outcome.proposal.version)})


class ProposalController(Controller):
    path = "/v1/proposals"
    tags = ["proposals"]
    security = SECURITY

    @get("/", summary="Proposals you can see, newest first", responses=problems(400, 401, 422))
    async def list_proposals(
        self,
        conn: Conn,
        caller: CallerDep,
        run_id: Annotated[int | None, QueryParameter(ge=1, le=2**62)] = None,
        status: FromQuery[
            Literal["proposed", "approved", "in_transit", "completed", "rejected", "expired", "cancelled"]
            | None
        ] = None,
        region: FromQuery[Region | None] = None,
        community_id: Annotated[int | None, QueryParameter(ge=1, le=2**62)] = None,
        cursor: Cursor = None,
        limit: Limit = 50,
    ) -> Page[ProposalOut]:
        rows = await read.proposal_page(
            conn,
            caller,
            run_id=run_id,
            status=status,
            region=region,
            community_id=community_id,
            before_id=last_id(cursor),
            limit=limit + 1,
        )
        return id_page(rows[:limit], more=len(rows) > limit)

    @get(
        "/{proposal_id:int}",
        summary="One proposal: transfers, participants, explanations",
        responses=problems(400, 401, 404, 422),
    )
    async def get_one(self, conn: Conn, caller: CallerDep, proposal_id: IdPath) -> Response[ProposalOut]:
        require_row_level(caller)
        out = await workflow.get(conn, caller, proposal_id)
        return json_response(out, headers={"ETag": etag(out.version)})


def transition(action: Action, summary: str, *, reason_required: bool = False) -> Any:
    """The route of one transition, POST /v1/proposals/{id}/<action>: they differ only in the action."""

    @post(
        f"/v1/proposals/{{proposal_id:int}}/{action}",
        status_code=200,
        summary=summary,
        responses=TRANSITION,
        tags=["proposals"],
        security=SECURITY,
        operation_id=f"{action}Proposal",
        name=f"proposal-{action}",
    )
    async def handler(
        request: Request[Any, Any, Any],
        state: State,
        conn: Conn,
        caller: CallerDep,
        idempotency: IdempotencyDep,
        proposal_id: IdPath,
        if_match: OptionalIfMatch = None,
        data: JSONBody[Decision | None] = None,
    ) -> Response[ProposalOut]:
        return await _move(
            request, state, conn, caller, idempotency, proposal_id, action, data, if_match, reason_required
        )

    return handler


TRANSITIONS = [
    transition("accept", "A participant community (or its coordinator) accepts"),
    transition(
        "decline",
        "A participant community (or its coordinator) declines, with a reason",
        reason_required=True,
    ),
    transition("approve", "A coordinator approves for the involved regions it covers"),
    transition("reject", "A coordinator of an involved region rejects, with a reason", reason_required=True),
    transition("dispatch", "The goods are on their way (a coordinator, or a giving community)"),
    transition("cancel", "A coordinator cancels an approved exchange"),
]


@post(
    "/v1/proposals/{proposal_id:int}/complete",
    status_code=200,
    summary="A receiving community (or its coordinator) confirms receipt, with what arrived",
    description=(
        "Without `receipts`, everything planned arrived in good condition. A receipt names a transfer "
        "(position), the quantity that arrived and its condition (good, short, spoiled) with an optional "
        "note and photo reference; less than planned opens a dispute when the exchange completes."
    ),
    responses=TRANSITION,
    tags=["proposals"],
    security=SECURITY,
    operation_id="completeProposal",
    name="proposal-complete",
)
async def complete(
    request: Request[Any, Any, Any],
    state: State,
    conn: Conn,
    caller: CallerDep,
    idempotency: IdempotencyDep,
    proposal_id: IdPath,
    if_match: OptionalIfMatch = None,
    data: JSONBody[Receive | None] = None,
) -> Response[ProposalOut]:
    return await _move(
        request, state, conn, caller, idempotency, proposal_id, "complete", data, if_match, False
    )


class DisputeController(Controller):
    """Deliveries recorded short or spoiled, and their resolution by a coordinator of the region."""

    path = "/v1/disputes"
    tags = ["proposals"]
    security = SECURITY

    @get(
        "/",
        summary="Disputes you can see (a coordinator: its regions'), newest first",
        responses=problems(400, 401, 422),
    )
    async def list_disputes(
        self,
        conn: Conn,
        caller: CallerDep,
        status: FromQuery[Literal["open", "accepted", "made_up"] | None] = None,
        proposal_id: Annotated[int | None, QueryParameter(ge=1, le=2**62)] = None,
        cursor: Cursor = None,
        limit: Limit = 50,
    ) -> Page[DisputeOut]:
        rows = await disputes.list_disputes(
            conn, caller, status=status, proposal_id=proposal_id, before_id=last_id(cursor), limit=limit + 1
        )
        return id_page(rows[:limit], more=len(rows) > limit)

    @get("/{dispute_id:int}", summary="One dispute", responses=problems(400, 401, 404, 422))
    async def get_one(self, conn: Conn, caller: CallerDep, dispute_id: IdPath) -> Response[DisputeOut]:
        out = await disputes.get(conn, caller, dispute_id)
        return json_response(out, headers={"ETag": etag(out.version)})

    @post(
        "/{dispute_id:int}/resolve",
        status_code=200,
        summary="Accept what arrived, or record that the giver made up the shortfall",
        responses=problems(400, 401, 403, 404, 409, 412, 422),
    )
    async def resolve(
        self,
        state: State,
        conn: Conn,
        caller: CallerDep,
        dispute_id: IdPath,
        data: JSONBody[DisputeResolve],
        if_match: OptionalIfMatch = None,
    ) -> Response[DisputeOut]:
        out = await disputes.resolve(conn, caller, dispute_id, data, state.clock.now(), _version(if_match))
        return json_response(out, headers={"ETag": etag(out.version)})


# The disputes are registered with the transitions (app.py registers this list).
TRANSITIONS.insert(5, complete)
TRANSITIONS.append(DisputeController)
