"""Repair after a decline (issue 12): who declined, the declined arcs cooling down, and a repair
run that re-solves at once for the others.

A  Pak Bara fishing group (south): 100 kg of dried fish, all or nothing; needs 750 kg of rice
B  Chiang Rai rice enterprise (north): 750 kg of rice; needs the fish, urgently (priority 5)
D  Surin rice group (northeast): 750 kg of rice; needs the fish (priority 1)
A's fish can go to one of them: a run proposes A <-> B; when B (or the north) says no, the
repair proposes A <-> D, and A <-> B is not proposed again until the cooldown ends.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest

from barter.domain.access import Caller
from barter.domain.clock import ManualClock
from barter.domain.model import Region
from barter.schemas.runs import RunRequest
from barter.services import runs as runs_service
from barter.settings import DECLINE_COOLDOWN_DAYS, Settings
from barter.storage.database import Database
from barter.storage.repos import communities as communities_repo
from barter.storage.repos import repair as repair_repo
from barter.workflow.runner import Runner
from tests.live import Overlap, client
from tests.polling import poll
from tests.world import ADMIN, COORD_ELSEWHERE, OTHER, OWNER, World, second_south_community

REGIONS: list[Region] = ["north", "northeast", "south"]
D_KEY = "owner_d"
NE_COORD = "coordinator_northeast"
TIME_LIMIT_S = 5.0


@dataclass
class Market:
    world: World
    d: dict[str, Any] = field(default_factory=dict)
    listings: dict[str, dict[str, Any]] = field(default_factory=dict)

    async def run(self) -> dict[str, Any]:
        response = await self.world.post(
            ADMIN, "/v1/matching/runs", {"regions": REGIONS, "time_limit_s": TIME_LIMIT_S}
        )
        assert response.status_code == 202, response.text
        return await self.finished(response.json()["id"])

    async def finished(self, run_id: int) -> dict[str, Any]:
        async def read() -> dict[str, Any]:
            body: dict[str, Any] = (await self.world.get(ADMIN, f"/v1/matching/runs/{run_id}")).json()
            return body

        run = await poll(read, lambda r: r["status"] in ("succeeded", "failed"))
        assert run["status"] == "succeeded", run
        return run

    async def proposals(self, run_id: int) -> list[dict[str, Any]]:
        data: list[dict[str, Any]] = (await self.world.get(ADMIN, "/v1/proposals", run_id=run_id)).json()[
            "data"
        ]
        return data

    async def repairs_of(self, proposal_id: int) -> list[int]:
        rows = await self.world.db.fetch(
            "SELECT id FROM matching_runs WHERE repair_of = $1 ORDER BY id", proposal_id
        )
        return [r["id"] for r in rows]

    async def repair(self, proposal_id: int) -> dict[str, Any]:
        """The one repair run of the proposal, once it finished."""
        (run_id,) = await poll(lambda: self.repairs_of(proposal_id), lambda ids: len(ids) > 0)
        return await self.finished(run_id)

    def arcs(self, proposal: dict[str, Any]) -> set[tuple[int, int]]:
        return {(t["offer_id"], t["need_id"]) for t in proposal["transfers"]}

    def members(self, proposal: dict[str, Any]) -> set[int]:
        return {p["community_id"] for p in proposal["participants"]}

    def a_with(self, partner: dict[str, Any]) -> set[tuple[int, int]]:
        """The arcs of the swap between A and `partner`."""
        other = "b" if partner["id"] == self.world.b["id"] else "d"
        return {
            (self.listings["fish"]["id"], self.listings[f"{other}_fish_need"]["id"]),
            (self.listings[f"{other}_rice"]["id"], self.listings["rice_need"]["id"]),
        }


@pytest.fixture
async def market(world: World) -> Market:
    m = Market(world)
    m.d = dict(
        await communities_repo.insert(
            world.db,
            name_th="กลุ่มข้าวหอมมะลิสุรินทร์",
            name_en="Surin jasmine rice group",
            kind="farming",
            province_code="32",
            lat=14.93,
            lon=103.67,
            subdistrict_code=None,
            contact=None,
        )
    )
    world.keys[D_KEY] = await world.new_key(role="community", community_id=m.d["id"])
    world.keys[NE_COORD] = await world.new_key(role="coordinator", regions=["northeast"])
    a, b, d = world.a["id"], world.b["id"], m.d["id"]
    posts = {
        "fish": ("offers", {"community_id": a, "item_id": "dried-fish", "quantity": 100, "min_lot": 100}),
        "rice_need": ("needs", {"community_id": a, "item_id": "rice-jasmine", "quantity": 750}),
        "b_rice": ("offers", {"community_id": b, "item_id": "rice-jasmine", "quantity": 750}),
        "b_fish_need": (
            "needs",
            {"community_id": b, "item_id": "dried-fish", "quantity": 100, "priority": 5},
        ),
        "d_rice": ("offers", {"community_id": d, "item_id": "rice-jasmine", "quantity": 750}),
        "d_fish_need": (
            "needs",
            {"community_id": d, "item_id": "dried-fish", "quantity": 100, "priority": 1},
        ),
    }
    for name, (kind, body) in posts.items():
        response = await world.post(ADMIN, f"/v1/{kind}", body)
        assert response.status_code == 201, response.text
        m.listings[name] = response.json()
    return m


async def first_proposal(m: Market) -> dict[str, Any]:
    run = await m.run()
    (proposal,) = await m.proposals(run["id"])
    assert m.arcs(proposal) == m.a_with(m.world.b), "the urgent need wins first"
    return proposal


async def test_a_decline_names_who_and_a_repair_proposes_a_fallback_for_the_others(
    market: Market,
) -> None:
    m, w = market, market.world
    proposal = await first_proposal(m)
    declined = await w.post(OTHER, f"/v1/proposals/{proposal['id']}/decline", {"reason": "ข้าวไม่พอ"})
    assert declined.status_code == 200, declined.text
    body = declined.json()
    assert body["status"] == "rejected"
    assert body["ended_by_community"] == w.b["id"]
    assert body["ended_by_regions"] is None
    assert body["ended_by"] == w.key_ids[OTHER]
    event = await w.db.fetchval(
        "SELECT payload FROM outbox_events WHERE type = 'proposal.rejected' ORDER BY id DESC LIMIT 1"
    )
    assert event["ended_by_community"] == w.b["id"]
    assert event["ended_by"] == w.key_ids[OTHER]

    repair = await m.repair(proposal["id"])
    assert repair["kind"] == "repair"
    assert repair["repair_of"] == proposal["id"]
    assert repair["regions"] == REGIONS  # the declined proposal's run's regions and settings
    assert repair["settings"]["time_limit_s"] == TIME_LIMIT_S
    assert repair["counts"]["excluded_arcs"] == 2
    assert repair["counts"]["solve_seconds"] <= TIME_LIMIT_S
    (fallback,) = await m.proposals(repair["id"])
    assert m.members(fallback) == {w.a["id"], m.d["id"]}
    assert m.arcs(fallback) == m.a_with(m.d)
    assert not m.arcs(fallback) & m.a_with(w.b), "the decliner is not offered the same exchange"

    audit = await w.db.fetchrow(
        "SELECT actor_key_id, after FROM audit_log WHERE entity = 'run' AND action = 'repair' AND entity_id = $1",
        str(repair["id"]),
    )
    assert audit is not None
    assert audit["after"]["repair_of"] == proposal["id"]
    assert audit["actor_key_id"] == w.key_ids[OTHER]


async def test_the_declined_exchange_cools_down_on_the_clock(market: Market, clock: ManualClock) -> None:
    m, w = market, market.world
    proposal = await first_proposal(m)
    assert (
        await w.post(OTHER, f"/v1/proposals/{proposal['id']}/decline", {"reason": "no"})
    ).status_code == 200
    (fallback,) = await m.proposals((await m.repair(proposal["id"]))["id"])
    assert m.members(fallback) == {w.a["id"], m.d["id"]}
    declined = await w.post(D_KEY, f"/v1/proposals/{fallback['id']}/decline", {"reason": "no"})
    assert declined.status_code == 200, declined.text
    # both of A's partners declined: the second repair, and runs within the cooldown, propose nothing
    assert await m.proposals((await m.repair(fallback["id"]))["id"]) == []
    clock.advance(days=DECLINE_COOLDOWN_DAYS - 1)
    assert await m.proposals((await m.run())["id"]) == []
    clock.advance(days=2)  # the cooldown is over: the urgent need wins again
    (again,) = await m.proposals((await m.run())["id"])
    assert m.arcs(again) == m.a_with(w.b)


async def test_a_coordinators_rejection_names_its_region_and_repairs_around_it(market: Market) -> None:
    m, w = market, market.world
    proposal = await first_proposal(m)
    rejected = await w.post(COORD_ELSEWHERE, f"/v1/proposals/{proposal['id']}/reject", {"reason": "ขนส่งไม่ได้"})
    assert rejected.status_code == 200, rejected.text
    assert rejected.json()["ended_by_regions"] == ["north"]
    assert rejected.json()["ended_by_community"] is None
    cooling = await w.db.fetch("SELECT offer_id, need_id, regions FROM declined_arcs ORDER BY offer_id")
    assert {(r["offer_id"], r["need_id"]) for r in cooling} == m.a_with(w.b)
    assert all(r["regions"] == ["north"] for r in cooling)
    (fallback,) = await m.proposals((await m.repair(proposal["id"]))["id"])
    assert m.arcs(fallback) == m.a_with(m.d)


@pytest.mark.parametrize(("persona", "status"), [(D_KEY, 404), (NE_COORD, 404), (OWNER, 200)])
async def test_only_those_who_may_decline_start_a_repair(market: Market, persona: str, status: int) -> None:
    """Another community and a coordinator of a region not involved cannot decline or reject (404:
    they do not see it), and start no repair; a participant can."""
    m, w = market, market.world
    proposal = await first_proposal(m)
    action = "reject" if persona == NE_COORD else "decline"
    response = await w.post(persona, f"/v1/proposals/{proposal['id']}/{action}", {"reason": "no"})
    assert response.status_code == status, response.text
    repairs = await m.repairs_of(proposal["id"])
    assert len(repairs) == (1 if status == 200 else 0)
    if status != 200:
        assert await w.db.fetchval("SELECT count(*) FROM declined_arcs") == 0


async def test_two_declines_at_the_same_moment_start_one_repair(
    market: Market, live: str, overlap: Overlap
) -> None:
    """A and B decline the same proposal at once, on two connections (both wait on its row, held
    elsewhere, before either goes on): the proposal's row lock lets one in; the other finds it
    rejected (409). One repair, one set of cooled arcs."""
    m, w = market, market.world
    proposal = await first_proposal(m)
    url = f"/v1/proposals/{proposal['id']}/decline"
    async with client(live, w.keys[OWNER]) as a, client(live, w.keys[OTHER]) as b:
        answers = await overlap.on_row(
            "proposals",
            proposal["id"],
            [a.post(url, json={"reason": "ปลาไม่พอ"}), b.post(url, json={"reason": "ข้าวไม่พอ"})],
        )
    assert sorted(r.status_code for r in answers) == [200, 409], [r.text for r in answers]
    assert len(await m.repairs_of(proposal["id"])) == 1
    (fallback,) = await m.proposals((await m.repair(proposal["id"]))["id"])
    # whichever declined, the arcs of A <-> B cool down and A <-> D is a different exchange
    assert m.arcs(fallback) == m.a_with(m.d)
    winner = next(r for r in answers if r.status_code == 200).json()["ended_by_community"]
    assert winner in (w.a["id"], w.b["id"])
    cooling = await w.db.fetch("SELECT offer_id, need_id, community_id FROM declined_arcs")
    assert {(r["offer_id"], r["need_id"]) for r in cooling} == m.a_with(w.b)
    assert {r["community_id"] for r in cooling} == {winner}


async def test_a_repair_waits_while_another_run_holds_its_regions(
    market: Market, settings: Settings, clock: ManualClock
) -> None:
    """A decline while a run (of another server process: its own Runner) holds the regions: the
    repair stays queued, no second run over the same regions, and starts once that run ends;
    nothing is held twice."""
    m, w = market, market.world
    proposal = await first_proposal(m)
    assert settings.database_url is not None
    other = Runner(Database(url=settings.database_url), clock, timedelta(hours=72), use_process=False)
    admin = Caller(key_id=w.key_ids[ADMIN], role="admin")
    async with w.db.transaction():
        busy = await runs_service.start_run(
            w.db,
            admin,
            other,
            RunRequest(regions=REGIONS, time_limit_s=TIME_LIMIT_S),
            runs_service.run_defaults(settings),
        )
    try:
        declined = await w.post(OTHER, f"/v1/proposals/{proposal['id']}/decline", {"reason": "no"})
        assert declined.status_code == 200, declined.text
        (repair_id,) = await m.repairs_of(proposal["id"])
        assert await other.start_queued() == []  # its regions are held
        status = await w.db.fetchval("SELECT status FROM matching_runs WHERE id = $1", repair_id)
        assert status == "queued"
    except BaseException:
        await busy.reservation.release()
        raise
    await other.start(busy.reservation)  # the run under way goes on, and frees the regions
    await other.wait()  # ... and then starts the repair itself, unless the server's sweeper did
    first = await m.finished(busy.run.id)
    repair = await m.finished(repair_id)
    made = await m.proposals(first["id"]) + await m.proposals(repair["id"])
    with_a = [p for p in made if w.a["id"] in m.members(p)]
    assert len(with_a) == 1, "A's fish is proposed once, by whichever run came first"
    assert m.arcs(with_a[0]) == m.a_with(m.d)
    fish = await w.db.fetchrow(
        "SELECT quantity::float8 AS q, held::float8 AS h FROM offers WHERE id = $1",
        m.listings["fish"]["id"],
    )
    assert fish is not None
    assert (fish["q"], fish["h"]) == (100.0, 100.0)


async def test_two_exchanges_declined_at_once_repair_one_after_the_other_holding_nothing_twice(
    market: Market, live: str, overlap: Overlap
) -> None:
    """E, a second fishing group, makes two exchanges: A and E each with one of B and D. B and D
    decline theirs at the same moment: two repairs over the same regions, run one after the
    other (the region locks); the second sees what the first held, so together they propose the
    two crossed swaps once, and nothing is dropped or held twice."""
    m, w = market, market.world
    e = await second_south_community(w)
    for name, kind, body in (
        ("e_fish", "offers", {"item_id": "dried-fish", "quantity": 100, "min_lot": 100}),
        ("e_rice_need", "needs", {"item_id": "rice-jasmine", "quantity": 750}),
    ):
        response = await w.post(ADMIN, f"/v1/{kind}", {"community_id": e["id"], **body})
        assert response.status_code == 201, response.text
        m.listings[name] = response.json()
    first = await m.proposals((await m.run())["id"])
    assert len(first) == 2
    by_partner = {next(iter(m.members(p) & {w.b["id"], m.d["id"]})): p for p in first}  # B's exchange and D's
    async with client(live, w.keys[OTHER]) as b, client(live, w.keys[D_KEY]) as d:
        answers = await overlap.at_once(  # both wait to record their cooled arcs before either commits
            "LOCK TABLE declined_arcs IN SHARE MODE",
            calls=[
                b.post(f"/v1/proposals/{by_partner[w.b['id']]['id']}/decline", json={"reason": "no"}),
                d.post(f"/v1/proposals/{by_partner[m.d['id']]['id']}/decline", json={"reason": "no"}),
            ],
        )
    assert [r.status_code for r in answers] == [200, 200], [r.text for r in answers]
    repairs = [await m.repair(p["id"]) for p in first]
    made = [p for r in repairs for p in await m.proposals(r["id"])]
    assert sum(r["counts"]["dropped"] for r in repairs) == 0
    pairs = sorted(sorted(m.members(p)) for p in made)
    before = sorted(sorted(m.members(p)) for p in first)
    assert len(made) == 2
    assert pairs != before, "each fishing group now trades with the other rice group"
    for p in made:
        assert not m.arcs(p) & {a for q in first for a in m.arcs(q)}, "no declined arc again"
    held = await w.db.fetch(
        "SELECT quantity::float8 AS q, held::float8 AS h FROM offers WHERE item_id = 'dried-fish'"
    )
    assert sorted((r["q"], r["h"]) for r in held) == [(100.0, 100.0), (100.0, 100.0)]


async def test_a_queued_repair_is_not_failed_by_recovery_and_a_runner_starts_it(
    market: Market, settings: Settings, clock: ManualClock
) -> None:
    """A repair queued by a decline whose process died before any runner heard of it: recovery
    at the next start leaves it queued (no runner had it), and the runner starts it."""
    m, w = market, market.world
    proposal = await first_proposal(m)
    repair_id = await w.db.fetchval(
        "INSERT INTO matching_runs (regions, settings, kind, repair_of) "
        "SELECT regions, settings, 'repair', $1 FROM matching_runs WHERE id = $2 RETURNING id",
        proposal["id"],
        proposal["run_id"],
    )
    assert settings.database_url is not None
    restarted = Runner(Database(url=settings.database_url), clock, timedelta(hours=72), use_process=False)
    assert repair_id not in await restarted.recover()
    assert await w.db.fetchval("SELECT status FROM matching_runs WHERE id = $1", repair_id) != "failed"
    await restarted.start_queued()
    await restarted.wait()
    assert (await m.finished(repair_id))["repair_of"] == proposal["id"]


async def test_the_runner_listens_again_after_losing_its_connection(
    settings: Settings, clock: ManualClock
) -> None:
    """The database ends the LISTEN connection (a restart, a failover): the sweeper's call brings
    it back, and a decline's notice starts queued repairs again without waiting for a sweep."""
    assert settings.database_url is not None
    database = Database(url=settings.database_url)
    runner = Runner(database, clock, timedelta(hours=72), use_process=False)
    heard: list[int] = []

    async def recording() -> list[int]:
        heard.append(len(heard))
        return []

    runner.start_queued = recording  # type: ignore[method-assign]
    await runner.listen()
    other = await database.connect()
    try:

        async def notify_and_count() -> int:
            await other.execute(f"NOTIFY {repair_repo.NOTIFY_CHANNEL}")
            return len(heard)

        assert await runner.keep_listening() is False  # alive: nothing to do
        before = len(heard)
        await poll(notify_and_count, lambda n: n > before, timeout=30)
        listener = runner._listener
        assert listener is not None
        ended = await other.fetchval("SELECT pg_terminate_backend($1)", listener.get_server_pid())
        assert ended is True

        async def closed() -> bool:
            return listener.is_closed()

        await poll(closed, bool, timeout=30)
        assert await runner.keep_listening() is True
        assert runner._listener is not listener
        before = len(heard)
        await poll(notify_and_count, lambda n: n > before, timeout=30)
    finally:
        await other.close()
        await runner.close()
