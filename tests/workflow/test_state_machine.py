"""A rule-based state machine over the workflow (reliability.md): post, propose, accept, approve,
reject, expire, dispatch, complete, withdraw and edit, in any order hypothesis can think of, on a real
database. After every step: 0 <= held + delivered <= posted, posted = remaining + held + delivered,
holds equal what live proposals reserve, and the ledger balances (every value given is received).

Hypothesis does not run async rules, so the rules are synchronous and drive the async services on
an event loop of the machine's own.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from decimal import Decimal
from typing import Any

import asyncpg
import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    rule,
    run_state_machine_as_test,
)

from barter.domain.access import Caller
from barter.domain.clock import ManualClock
from barter.domain.errors import BarterError
from barter.domain.proposals import Action
from barter.matching.model import Community, Exchange, Instance, Item, Need, Offer, Transfer
from barter.schemas.keys import KeyCreate
from barter.services import keys as keys_service
from barter.services import proposals as workflow
from barter.storage.database import init_connection
from barter.storage.repos import communities as communities_repo
from barter.storage.repos import listings as listings_repo
from tests.conftest import TEST_SECRET
from tests.pg import PgTestServer

ITEMS = {"dried-fish": 260.0, "rice-jasmine": 35.0}
ACTIONS: tuple[Action, ...] = ("accept", "approve", "dispatch", "complete", "cancel")


class Market(RuleBasedStateMachine):
    server: PgTestServer

    offers = Bundle("offers")
    needs = Bundle("needs")
    proposals = Bundle("proposals")

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.name = self.run(self.server._create(from_template=True))
        self.conn: asyncpg.Connection = self.run(asyncpg.connect(self.server.url(self.name)))
        self.run(init_connection(self.conn))
        self.clock = ManualClock()
        self.communities = [self.run(self._community(n)) for n in range(3)]
        key = self.run(keys_service.create(self.conn, None, TEST_SECRET, KeyCreate(role="admin")))
        self.admin = Caller(key_id=key.id, role="admin")
        self.run_id = self.run(
            self.conn.fetchval(
                "INSERT INTO matching_runs (regions, settings, status) VALUES ('{south}', jsonb_build_object('seed', 0), 'succeeded') "
                "RETURNING id"
            )
        )

    def run(self, coro: Any) -> Any:
        return self.loop.run_until_complete(coro)

    async def _community(self, n: int) -> int:
        row = await communities_repo.insert(
            self.conn,
            name_th=f"ชุมชน {n}",
            name_en=f"Community {n}",
            kind="mixed",
            province_code="91",
            lat=6.8 + n / 10,
            lon=99.9,
            subdistrict_code=None,
            contact=None,
        )
        community_id: int = row["id"]
        return community_id

    def teardown(self) -> None:
        self.run(self.conn.close())
        self.run(self.server.drop_database(self.name))
        self.loop.close()

    # --- rules --------------------------------------------------------------------------------

    @rule(
        target=offers, who=st.integers(0, 2), item=st.sampled_from(sorted(ITEMS)), quantity=st.integers(1, 50)
    )
    def post_offer(self, who: int, item: str, quantity: int) -> int:
        row = self.run(
            listings_repo.insert_offer(
                self.conn,
                community_id=self.communities[who],
                item_id=item,
                quantity=quantity,
                min_lot=0,
                available_from=None,
                available_until=None,
                gift=False,
                note=None,
            )
        )
        offer_id: int = row["id"]
        return offer_id

    @rule(
        target=needs, who=st.integers(0, 2), item=st.sampled_from(sorted(ITEMS)), quantity=st.integers(1, 50)
    )
    def post_need(self, who: int, item: str, quantity: int) -> int:
        values = {
            "community_id": self.communities[who],
            "item_id": item,
            "category_id": None,
            "accept_offer_ids": None,
            "unit": "kg",
            "quantity": quantity,
            "min_lot": 0,
            "needed_by": None,
            "priority": 3,
            "max_distance_km": None,
            "note": None,
        }
        need_id: int = self.run(listings_repo.insert_need(self.conn, values))["id"]
        return need_id

    @rule(target=proposals, offer=offers, need=needs, fraction=st.floats(0.1, 1.0) | st.just(1.5))
    def propose(self, offer: int, need: int, fraction: float) -> int:
        """A one-transfer 'exchange' straight from the engine's format; dropped when it does not fit."""
        o = self.run(
            self.conn.fetchrow(
                "SELECT community_id, item_id, remaining::float8 r FROM offers WHERE id = $1", offer
            )
        )
        n = self.run(
            self.conn.fetchrow(
                "SELECT community_id, item_id, remaining::float8 r FROM needs WHERE id = $1", need
            )
        )
        quantity = round(max(0.5, min(o["r"], n["r"]) * fraction), 1)
        instance = Instance(
            communities=[Community(id=f"c{c}", lat=6.8, lon=99.9) for c in self.communities],
            items=[Item(id=i, category=f"{i}:kg", value=v) for i, v in ITEMS.items()],
            offers=[
                Offer(
                    id=f"o{offer}",
                    community=f"c{o['community_id']}",
                    item=o["item_id"],
                    quantity=max(o["r"], 0),
                )
            ],
            needs=[
                Need(
                    id=f"n{need}",
                    community=f"c{n['community_id']}",
                    item=n["item_id"],
                    quantity=max(n["r"], 0),
                )
            ],
        )
        exchange = Exchange(
            kind="chain", transfers=[Transfer(offer=f"o{offer}", need=f"n{need}", quantity=quantity)]
        )

        async def make() -> Any:
            async with self.conn.transaction():
                return await workflow.create_all(
                    self.conn,
                    run_id=self.run_id,
                    instance=instance,
                    exchanges=[exchange],
                    hold=timedelta(hours=72),
                    clock=self.clock,
                    road_factor=1.0,
                )

        made = self.run(make())
        event("proposal made" if made.proposals else "exchange dropped: the quantity was not there")
        return made.proposals[0] if made.proposals else 0

    @rule(proposal=proposals, action=st.sampled_from(ACTIONS))
    def act(self, proposal: int, action: Action) -> None:
        if proposal == 0:
            return

        async def go() -> None:
            async with self.conn.transaction():
                outcome = await workflow.transition(self.conn, self.admin, proposal, action, self.clock)
            event(f"{action}: now {outcome.proposal.status}")

        try:
            self.run(go())
        except BarterError as exc:
            if exc.status not in (409, 422):
                raise

    @rule(proposal=proposals, steps=st.integers(1, 4))
    def carry_on(self, proposal: int, steps: int) -> None:
        """Take a proposal its next steps along the happy path (accept, approve, dispatch, complete)."""
        for action in ("accept", "approve", "dispatch", "complete")[:steps]:
            self.act(proposal, action)

    @rule(proposal=consumes(proposals))
    def reject(self, proposal: int) -> None:
        if not proposal:
            return

        async def go() -> None:
            async with self.conn.transaction():
                await workflow.transition(self.conn, self.admin, proposal, "reject", self.clock, reason="no")

        try:
            self.run(go())
        except BarterError as exc:
            if exc.status != 409:
                raise

    @rule(hours=st.sampled_from([1, 24, 80]))
    def time_passes(self, hours: int) -> None:
        self.clock.advance(hours=hours)

        async def sweep() -> list[int]:
            async with self.conn.transaction():
                return await workflow.expire_due(self.conn, self.clock)

        self.run(sweep())

    @rule(offer=offers, quantity=st.integers(1, 60))
    def edit_or_withdraw(self, offer: int, quantity: int) -> None:
        """What the API allows: never below what is held or delivered, never withdraw while held."""
        row = self.run(
            self.conn.fetchrow("SELECT held + delivered AS c, held, status FROM offers WHERE id = $1", offer)
        )
        if row["status"] != "open":
            return
        if quantity % 7 == 0 and row["held"] == 0:
            self.run(self.conn.execute("UPDATE offers SET status = 'withdrawn' WHERE id = $1", offer))
        elif quantity >= row["c"]:
            self.run(
                self.conn.execute("UPDATE offers SET quantity = $2 WHERE id = $1", offer, Decimal(quantity))
            )

    # --- invariants ---------------------------------------------------------------------------

    @invariant()
    def nothing_is_allocated_twice(self) -> None:
        for table, column in (("offers", "offer_id"), ("needs", "need_id")):
            bad = self.run(
                self.conn.fetch(
                    f"SELECT x.id FROM {table} x LEFT JOIN (SELECT t.{column} AS id, sum(t.quantity) q "
                    "FROM proposal_transfers t JOIN proposals p ON p.id = t.proposal_id "
                    f"WHERE p.status IN ('proposed', 'approved', 'in_transit') GROUP BY t.{column}) h ON h.id = x.id "
                    "WHERE x.held <> coalesce(h.q, 0) OR x.held < 0 OR x.delivered < 0 OR x.held + x.delivered > x.quantity "
                    "OR x.quantity <> x.remaining + x.held + x.delivered"
                )
            )
            assert bad == [], table

    @invariant()
    def the_ledger_balances(self) -> None:
        row = self.run(
            self.conn.fetchrow(
                "SELECT coalesce(sum(value) FILTER (WHERE direction = 'gave'), 0) AS gave, "
                "coalesce(sum(value) FILTER (WHERE direction = 'received'), 0) AS received, "
                "coalesce(sum(quantity) FILTER (WHERE direction = 'gave'), 0) AS q_gave, "
                "coalesce(sum(quantity) FILTER (WHERE direction = 'received'), 0) AS q_received FROM ledger_entries"
            )
        )
        assert row["gave"] == row["received"]
        assert row["q_gave"] == row["q_received"]
        delivered = self.run(self.conn.fetchval("SELECT coalesce(sum(delivered), 0) FROM offers"))
        assert delivered == row["q_gave"]

    @invariant()
    def completed_means_delivered(self) -> None:
        bad = self.run(
            self.conn.fetch(
                "SELECT p.id FROM proposals p JOIN proposal_transfers t ON t.proposal_id = p.id "
                "WHERE p.status = 'completed' AND t.received_at IS NULL"
            )
        )
        assert bad == []


@pytest.fixture
def machine_server(pg_template: PgTestServer) -> PgTestServer:
    return pg_template


def test_workflow_state_machine(machine_server: PgTestServer) -> None:
    Market.server = machine_server
    run_state_machine_as_test(
        Market,
        settings=settings(
            max_examples=25,
            stateful_step_count=40,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        ),
    )
