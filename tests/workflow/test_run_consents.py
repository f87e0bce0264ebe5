"""Runs across regions with the other region's consent: the South coordinator asks for a run over
the south and the northeast, the Northeast coordinator consents, and the run finds the 2020 cycle
(fish south to north-east, rice back)."""

from __future__ import annotations

from typing import Any

import pytest

from barter.domain.clock import ManualClock
from tests.live import Overlap, client
from tests.workflow.conftest import NE_COORD, Cycle
from tests.world import ADMIN, ANON, COORD, COORD_ELSEWHERE, OTHER, OWNER, PARTNER

URL = "/v1/matching/run-requests"
ACROSS = {"regions": ["south", "northeast"], "time_limit_s": 10}


async def _ask(cycle: Cycle, persona: str = COORD, **body: Any) -> dict[str, Any]:
    response = await cycle.world.post(persona, URL, {**ACROSS, **body})
    assert response.status_code == 201, response.text
    out: dict[str, Any] = response.json()
    return out


async def _answer(cycle: Cycle, persona: str, request_id: int, answer: str, **body: Any) -> Any:
    return await cycle.world.post(persona, f"{URL}/{request_id}/answer", {"answer": answer, **body})


async def test_the_other_regions_consent_starts_the_run_across_regions(cycle: Cycle) -> None:
    asked = await _ask(cycle)
    assert asked["status"] == "pending"
    assert asked["waiting_for"] == ["northeast"]
    assert [a["answer"] for a in asked["answers"]] == [None, "consented"]  # northeast, south
    # Nothing runs until the northeast says yes.
    assert await cycle.world.db.fetchval("SELECT count(*) FROM matching_runs") == 0
    consented = await _answer(cycle, NE_COORD, asked["id"], "consent")
    assert consented.status_code == 200, consented.text
    body = consented.json()
    assert body["status"] == "started"
    assert body["waiting_for"] == []
    run = await cycle.finished(body["run_id"], COORD)
    assert run["status"] == "succeeded"
    assert run["regions"] == ["northeast", "south"]
    assert run["requested_by"] == cycle.world.key_ids[COORD]
    assert run["settings"]["time_limit_s"] == 10
    proposals = await cycle.proposals(run["id"], COORD)
    assert len(proposals) == 1
    assert sorted(p["community_id"] for p in proposals[0]["participants"]) == sorted(
        [cycle.world.a["id"], cycle.b["id"], cycle.c["id"]]
    )
    # Audited for both regions: asked, consented, started.
    audit = (await cycle.world.get(NE_COORD, "/v1/audit", entity="run_request")).json()["data"]
    assert sorted(e["action"] for e in audit) == ["consent", "request", "start"]
    again = await _answer(cycle, NE_COORD, asked["id"], "consent")
    assert again.status_code == 409
    assert again.json()["code"] == "request_decided"


@pytest.mark.parametrize(
    ("persona", "status", "code"),
    [
        (NE_COORD, 200, None),
        (ADMIN, 200, None),
        (COORD, 409, "nothing_to_answer"),  # its own region answered when it asked
        (COORD_ELSEWHERE, 404, "not_found"),  # a coordinator of another region sees no such request
        (OWNER, 403, "forbidden"),
        (OTHER, 403, "forbidden"),
        (PARTNER, 403, "forbidden"),
        ("partner_detail", 403, "forbidden"),
        (ANON, 401, "unauthorized"),
    ],
)
async def test_who_answers_a_request(cycle: Cycle, persona: str, status: int, code: str | None) -> None:
    cycle.world.keys["partner_detail"] = await cycle.world.new_key(role="partner", partner_detail=True)
    asked = await _ask(cycle)
    response = await _answer(cycle, persona, asked["id"], "decline", reason="ฤดูเก็บเกี่ยว ยังไม่พร้อม")
    assert response.status_code == status, response.text
    if code is not None:
        assert response.json()["code"] == code
    seen = (await cycle.world.get(persona, f"{URL}/{asked['id']}")).status_code
    assert seen == {OWNER: 403, OTHER: 403, PARTNER: 403, "partner_detail": 403, ANON: 401}.get(
        persona, 404 if persona == COORD_ELSEWHERE else 200
    )
    left = await cycle.world.db.fetchval("SELECT status FROM run_requests WHERE id = $1", asked["id"])
    assert left == ("declined" if status == 200 else "pending")
    assert await cycle.world.db.fetchval("SELECT count(*) FROM matching_runs") == 0


async def test_a_decline_needs_a_reason_and_ends_the_request(cycle: Cycle) -> None:
    asked = await _ask(cycle)
    bare = await _answer(cycle, NE_COORD, asked["id"], "decline")
    assert bare.status_code == 422
    assert bare.json()["errors"][0]["path"] == "reason"
    declined = await _answer(cycle, NE_COORD, asked["id"], "decline", reason="ข้าวยังไม่พร้อม")
    assert declined.json()["status"] == "declined"
    south = next(a for a in declined.json()["answers"] if a["region"] == "northeast")
    assert (south["answer"], south["reason"]) == ("declined", "ข้าวยังไม่พร้อม")
    late = await _answer(cycle, ADMIN, asked["id"], "consent")
    assert late.status_code == 409
    assert late.json()["code"] == "request_decided"


async def test_consent_expires(cycle: Cycle, clock: ManualClock) -> None:
    asked = await _ask(cycle)
    clock.advance(hours=25)
    seen = (await cycle.world.get(COORD, f"{URL}/{asked['id']}")).json()
    assert seen["status"] == "expired"
    assert seen["waiting_for"] == []
    late = await cycle.world.client.post(
        f"{URL}/{asked['id']}/answer",
        json={"answer": "consent"},
        headers=cycle.world.headers(NE_COORD, **{"Accept-Language": "th"}),
    )
    assert late.status_code == 409
    assert late.json()["code"] == "request_expired"
    assert "หมดอายุ" in late.json()["detail"]
    assert await cycle.world.db.fetchval("SELECT count(*) FROM matching_runs") == 0


@pytest.mark.parametrize(
    ("persona", "regions", "status"),
    [
        (COORD, ["south"], 422),  # all its own: a plain run
        (COORD, ["northeast"], 422),  # none of its own
        (ADMIN, ["south", "northeast"], 403),  # admins start such runs directly
        (OWNER, ["south", "northeast"], 403),
        (PARTNER, ["south", "northeast"], 403),
        (ANON, ["south", "northeast"], 401),
        (COORD, ["south", "atlantis"], 422),
    ],
)
async def test_who_asks_and_for_what(cycle: Cycle, persona: str, regions: list[str], status: int) -> None:
    response = await cycle.world.post(persona, URL, {"regions": regions})
    assert response.status_code == status, response.text
    assert await cycle.world.db.fetchval("SELECT count(*) FROM run_requests") == 0


async def test_bad_settings_are_refused_when_asked_not_when_consented(cycle: Cycle) -> None:
    response = await cycle.world.post(COORD, URL, {**ACROSS, "max_cycle_length": 1})
    assert response.status_code == 422


async def test_two_regions_consenting_at_once_start_exactly_one_run(
    cycle: Cycle, live: str, overlap: Overlap
) -> None:
    """Each answer locks the request: whichever commits second sees the other's consent and starts
    the run (without the lock both could see the other still waiting, and nothing would start).
    Both answers wait on the request's row (held elsewhere) before either goes on."""
    asked = await _ask(cycle, regions=["south", "north", "northeast"])
    assert sorted(asked["waiting_for"]) == ["north", "northeast"]
    keys = cycle.world.keys
    url = f"{URL}/{asked['id']}/answer"
    async with client(live, keys[COORD_ELSEWHERE]) as north, client(live, keys[NE_COORD]) as northeast:
        answers = await overlap.on_row(
            "run_requests",
            asked["id"],
            [http.post(url, json={"answer": "consent"}) for http in (north, northeast)],
        )
    assert [a.status_code for a in answers] == [200, 200], [a.text for a in answers]
    assert sorted(a.json()["status"] for a in answers) == ["pending", "started"]
    run_id = next(a.json()["run_id"] for a in answers if a.json()["status"] == "started")
    assert await cycle.world.db.fetchval("SELECT count(*) FROM matching_runs") == 1
    run = await cycle.finished(run_id, COORD)
    assert run["regions"] == ["north", "northeast", "south"]
