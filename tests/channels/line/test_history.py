"""What the LINE channel keeps, and for how long: handled events, sent answers and finished receipt
conversations are forgotten after the history (Settings.line_history_days); an event older than
that is ignored as a replay, since its id may no longer be on record."""

from __future__ import annotations

from datetime import timedelta

from barter.domain.clock import ManualClock
from barter.services import line as service
from tests.channels.line.conftest import deliver, message
from tests.channels.line.test_webhook import counts, link
from tests.channels.standins import LinePlatform
from tests.world import World, make_proposal

HISTORY = timedelta(days=30)  # the default of Settings.line_history_days


async def test_an_event_older_than_the_history_is_ignored(
    world: World, line_platform: LinePlatform, clock: ManualClock
) -> None:
    await link(world, world.a)
    before, sent = await counts(world), len(line_platform.sent)
    old = message("ต้องการข้าวสาร ๕๐ กก.")
    old["timestamp"] = int((clock.now() - HISTORY - timedelta(minutes=1)).timestamp() * 1000)
    assert (await deliver(world.client, old)).status_code == 200  # acknowledged, so LINE stops
    assert await counts(world) == before  # no event recorded, no draft
    assert len(line_platform.sent) == sent  # and nothing said

    recent = message("ต้องการข้าวสาร ๕๐ กก.")
    recent["timestamp"] = int((clock.now() - HISTORY + timedelta(minutes=1)).timestamp() * 1000)
    assert (await deliver(world.client, recent)).status_code == 200
    events, drafts, *_ = await counts(world)
    assert (events, drafts) == (before[0] + 1, before[1] + 1)


async def test_prune_forgets_only_what_is_older_than_the_history(
    world: World, line_platform: LinePlatform, clock: ManualClock
) -> None:
    await link(world, world.a)
    await deliver(world.client, message("ต้องการข้าวสาร ๕๐ กก."))
    db = world.db
    events = await db.fetchval("SELECT count(*) FROM line_events")
    replies = await db.fetchval("SELECT count(*) FROM line_replies WHERE state = 'sent'")
    assert events == 2
    assert replies == 2
    now = clock.now()
    # everything so far happened 31 days ago
    old = now - HISTORY - timedelta(days=1)
    await db.execute("UPDATE line_events SET received_at = $1", old)
    await db.execute("UPDATE line_replies SET finished_at = $1", old)
    await deliver(world.client, message("ต้องการปลาแห้ง ๑๐ กก."))  # and one event now

    # (after the message: a new message ends a conversation still asking)
    # receipt conversations about a proposal: one finished and one still asking, both long ago
    proposal = await make_proposal(world)
    link_id = await db.fetchval("SELECT id FROM line_links")
    long_ago = now - HISTORY - timedelta(days=5)
    for state in ("done", "asking"):
        await db.execute(
            "INSERT INTO line_receipt_prompts (link_id, proposal_id, positions, state, created_at, updated_at)"
            " VALUES ($1, $2, '{0}', $3, $4, $4)",
            link_id,
            proposal,
            state,
            long_ago,
        )

    deleted = await service.prune(db, now, HISTORY)
    assert deleted == 5  # two old events, two old answers, the finished conversation
    assert await db.fetchval("SELECT count(*) FROM line_events") == 1
    assert await db.fetchval("SELECT count(*) FROM line_replies") == 1
    # the conversation still asking stays, however old: someone may yet answer it
    assert await db.fetchval("SELECT array_agg(state) FROM line_receipt_prompts") == ["asking"]
    assert await service.prune(db, now, HISTORY) == 0  # nothing more to forget
    # the drafts and the link stay: they are the community's posts, not the channel's history
    _, drafts, _, links = await counts(world)
    assert drafts == 2
    assert links == 1
